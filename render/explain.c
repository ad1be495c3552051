/* explain.c - a refusal of the simulated kernel in plain English, with the
 * kernel's arithmetic written out in kB.
 *
 * The model returns numbers (struct ovc_result, struct ovc_admit); this
 * file names the kernel function that refused and replays its computation
 * with the actual values, e.g. for OVERCOMMIT_NEVER since 3.10:
 *
 *   Committed_AS 12061864 kB (after adding this 4 kB request) is not below
 *   the limit 12051620 kB = CommitLimit 12061860 kB (...) - admin reserve
 *   8192 kB - min(total_vm/32 = 2048 kB, vm.user_reserve_kbytes)
 *
 * Line 1 says who refused what; line 2 is the arithmetic; further lines are
 * notes (approximate counter, unsigned wrap-around, errno quirks). The
 * formulas are those of lib/admission.c, named as in the kernel spec §3
 * (N1 2.6.32, N1r RHEL6, N3 3.10+; G1 2.6.32, G2 3.1, G3-G5 3.10+, G6 5.2+).
 */
#include <errno.h>
#include <stdarg.h>
#include <stdlib.h>
#include <string.h>

#include "ovc/units.h"
#include "render/render.h"

/* ------------------------------------------------------------------ */
/* A bounded string builder: len counts what the full text needs.       */

struct sb {
	char *buf;
	size_t size, len;
};

static void sb_add(struct sb *b, const char *fmt, ...)
	__attribute__((format(printf, 2, 3)));

static void sb_add(struct sb *b, const char *fmt, ...)
{
	size_t room = b->len < b->size ? b->size - b->len : 0;
	va_list ap;
	int n;

	va_start(ap, fmt);
	n = vsnprintf(room ? b->buf + b->len : NULL, room, fmt, ap);
	va_end(ap);
	if (n > 0)
		b->len += (size_t)n;
}

/* Everything one explanation needs, passed to each builder. */
struct why {
	struct sb b;
	const struct ovc_result *r;
	const struct ovc_admit *a;
	const struct ovc_admission_era *era;	/* NULL when not known */
	uint64_t kb_per_page;
	unsigned kver;
	const char *op;
};

static uint64_t kb(const struct why *w, uint64_t pages)
{
	return pages * w->kb_per_page;	/* wraps as the kernel's << does */
}

static int64_t skb(const struct why *w, int64_t pages)
{
	return (int64_t)((uint64_t)pages * w->kb_per_page);
}

static unsigned long long ull(uint64_t v)
{
	return (unsigned long long)v;
}

/* "15360 kB, 15.0 MiB" (the human part from 1 MiB up). */
static void sb_size(struct why *w, uint64_t kbytes)
{
	char human[32];

	sb_add(&w->b, "%llu kB", ull(kbytes));
	if (kbytes >= 1024 && kbytes <= UINT64_MAX / 1024)
		sb_add(&w->b, ", %s", ovc_size_human(kbytes * 1024, human, sizeof(human)));
}

/* "3840 pages (15360 kB, 15.0 MiB)". */
static void sb_pages(struct why *w, uint64_t pages)
{
	sb_add(&w->b, "%llu page%s (", ull(pages), pages == 1 ? "" : "s");
	sb_size(w, kb(w, pages));
	sb_add(&w->b, ")");
}

/* lead + "0x7f0000000000-0x7f0000f00000 (15360 kB, 15.0 MiB)", when the
 * result names a VMA; is_request: the size only if it is not the request's. */
static void sb_vma(struct why *w, const char *lead, int is_request)
{
	uint64_t bytes_per_page = w->kb_per_page * 1024;

	if (!w->r->vma_pages)
		return;
	sb_add(&w->b, "%s0x%llx-0x%llx", lead, ull(w->r->vma_start * bytes_per_page),
	       ull((w->r->vma_start + w->r->vma_pages) * bytes_per_page));
	if (is_request && w->r->vma_pages == w->a->pages)
		return;	/* the request already gave the size */
	sb_add(&w->b, " (");
	sb_size(w, kb(w, w->r->vma_pages));
	sb_add(&w->b, ")");
}

/* ------------------------------------------------------------------ */
/* Kernel functions: who calls __vm_enough_memory, and where they live. */

/* Source file of each function named in explanations, by first release;
 * a later row for the same function replaces an earlier one. */
static const struct fn_loc {
	const char *fn;
	unsigned first;
	const char *file;
} fn_loc_table[] = {
	{ "__vm_enough_memory", 0, "mm/mmap.c" },
	/* Andrey Ryabinin, "mm: deduplicate memory overcommitment code", in
	 * the mmotm since-4.5 branch (LKML, 29 Mar 2016), so merged for 4.6.
	 * commit.h says "from 4.0"; neither is confirmed from a tree. */
	{ "__vm_enough_memory", OVC_KV(4, 6, 0), "mm/util.c" },
	{ "acct_stack_growth", 0, "mm/mmap.c" },
	{ "brk", 0, "mm/mmap.c" },
	{ "dup_mmap", 0, "kernel/fork.c" },
	{ "execve", 0, "fs/exec.c" },
	{ "hugetlb_reserve_pages", 0, "mm/hugetlb.c" },
	{ "ipcget", 0, "ipc/util.c" },
	{ "may_expand_vm", 0, "mm/mmap.c" },
	{ "mlock_future_check", 0, "mm/mmap.c" },
	{ "mmap_region", 0, "mm/mmap.c" },
	{ "mprotect_fixup", 0, "mm/mprotect.c" },
	{ "mremap", 0, "mm/mremap.c" },
	{ "newseg", 0, "ipc/shm.c" },
	{ "out_of_memory", 0, "mm/oom_kill.c" },
	{ "get_unmapped_area", 0, "mm/mmap.c" },
};

/* The function through which each operation reaches __vm_enough_memory. */
static const struct {
	const char *op, *fn;
} caller_table[] = {
	{ "brk", "brk" },
	{ "exec", "execve" },
	{ "fork", "dup_mmap" },
	{ "mmap", "mmap_region" },
	{ "mprotect", "mprotect_fixup" },
	{ "mremap", "mremap" },
	{ "shmget", "newseg" },
	{ "touch", "acct_stack_growth" },	/* a fault below the stack grows it */
};

static const char *fn_file(const struct why *w, const char *fn)
{
	unsigned kver = w->kver ? w->kver : ~0u;
	const char *file = NULL;

	for (size_t i = 0; i < sizeof(fn_loc_table) / sizeof(fn_loc_table[0]); i++)
		if (!strcmp(fn_loc_table[i].fn, fn) && fn_loc_table[i].first <= kver)
			file = fn_loc_table[i].file;
	return file;
}

/* "dup_mmap (kernel/fork.c)". */
static void sb_fn(struct why *w, const char *fn)
{
	const char *file = fn_file(w, fn);

	sb_add(&w->b, file ? "%s (%s)" : "%s", fn, file);
}

static const char *caller_of(const char *op)
{
	if (!op)
		return NULL;
	for (size_t i = 0; i < sizeof(caller_table) / sizeof(caller_table[0]); i++)
		if (!strcmp(caller_table[i].op, op))
			return caller_table[i].fn;
	return NULL;
}

/* ------------------------------------------------------------------ */
/* OVERCOMMIT_NEVER                                                     */

/* The three shapes of the NEVER bound (kernel-spec §3.4). */
enum never_form {
	NEVER_N1,	/* 2.6.32-3.9: ratio part - 1/32 (non-admin) + swap - total_vm/32 */
	NEVER_N1R,	/* RHEL6: CommitLimit - admin reserve - total_vm/32 */
	NEVER_N3,	/* 3.10+: CommitLimit - admin reserve - min(total_vm/32, user reserve) */
};

static enum never_form never_form(const struct why *w)
{
	if (!w->era)
		return NEVER_N3;
	if (!w->era->has_admin_reserve)
		return NEVER_N1;
	return w->era->has_user_reserve ? NEVER_N3 : NEVER_N1R;
}

/* The bound as the kernel held it: unsigned before 4.0, so a negative
 * value there is really a huge one. */
static void sb_bound(struct why *w)
{
	const struct ovc_admit *a = w->a;
	int is_signed = w->era ? w->era->signed_arith : !a->wrapped;

	if (a->allowed < 0 && !is_signed)
		sb_add(&w->b, "%llu kB", ull(kb(w, (uint64_t)a->allowed)));
	else
		sb_add(&w->b, "%lld kB", (long long)skb(w, a->allowed));
}

/* "CommitLimit L kB (RAM share R kB + SwapTotal W kB)"; the RAM share is
 * (MemTotal - hugetlb) * overcommit_ratio / 100, or overcommit_kbytes. */
static void sb_commit_limit(struct why *w)
{
	const struct ovc_admit *a = w->a;

	sb_add(&w->b, "CommitLimit %llu kB (RAM share %llu kB + SwapTotal %llu kB)",
	       ull(kb(w, a->limit)), ull(kb(w, a->ram_part)), ull(kb(w, a->swap_part)));
}

/* "- min(total_vm/32 = T kB, ...)" or "- total_vm/32 = T kB". */
static void sb_user_cut(struct why *w, enum never_form form)
{
	const struct ovc_admit *a = w->a;
	uint64_t tv32 = a->total_vm / 32;

	if (!a->total_vm && !a->user_cut)
		return;	/* no mm (a kernel-internal charge): no per-process cut */
	if (form != NEVER_N3)
		sb_add(&w->b, " - total_vm/32 = %llu kB", ull(kb(w, tv32)));
	else if (a->user_cut < tv32)
		sb_add(&w->b, " - min(total_vm/32 = %llu kB, user_reserve %llu kB)",
		       ull(kb(w, tv32)), ull(kb(w, a->user_cut)));
	else
		sb_add(&w->b, " - min(total_vm/32 = %llu kB, vm.user_reserve_kbytes)",
		       ull(kb(w, tv32)));
}

static void never_arith(struct why *w)
{
	const struct ovc_admit *a = w->a;
	enum never_form form = never_form(w);

	sb_add(&w->b, "Committed_AS %llu kB (after adding this %llu kB request) is %sbelow the limit ",
	       ull(kb(w, (uint64_t)(a->seen > 0 ? a->seen : 0))), ull(kb(w, a->pages)),
	       a->ok ? "" : "not ");
	sb_bound(w);
	sb_add(&w->b, " = ");
	if (form == NEVER_N1) {
		sb_add(&w->b, "RAM share %llu kB", ull(kb(w, a->ram_part)));
		if (!a->admin)
			sb_add(&w->b, " - 1/32 kept for root (%llu kB)", ull(kb(w, a->admin_cut)));
		sb_add(&w->b, " + SwapTotal %llu kB", ull(kb(w, a->swap_part)));
	} else {
		sb_commit_limit(w);
		if (!a->admin)
			sb_add(&w->b, " - admin reserve %llu kB", ull(kb(w, a->admin_cut)));
	}
	sb_user_cut(w, form);
	sb_add(&w->b, ".");
}

/* ------------------------------------------------------------------ */
/* OVERCOMMIT_GUESS                                                     */

/* 2.6.32 and RHEL6 estimate in two stages (G1, G1r); 3.1+ in one. */
static int guess_two_stage(const struct why *w)
{
	if (w->era)
		return w->era->era.first < OVC_KV(3, 1, 0);
	return w->a->stage1 != 0;
}

/* ", less 1/32 kept for root (C kB)" or ", less the admin reserve C kB". */
static void sb_guess_cut(struct why *w, uint64_t cut_pages, int by_reserve)
{
	if (w->a->admin)
		return;
	if (by_reserve)
		sb_add(&w->b, ", less the admin reserve %llu kB", ull(kb(w, cut_pages)));
	else
		sb_add(&w->b, ", less 1/32 kept for root (%llu kB)", ull(kb(w, cut_pages)));
}

/* G1/G1r: file + free swap + slab first; free pages only if that fails. */
static void guess_g1(struct why *w)
{
	const struct ovc_admit *a = w->a;
	uint64_t sum1 = a->file + a->swap_free + a->slab;
	uint64_t n = a->free > a->totalreserve ? a->free - a->totalreserve : 0;
	int rhel = w->era && w->era->has_admin_reserve;

	sb_add(&w->b, "Stage 1: page cache %llu kB + free swap %llu kB + reclaimable slab %llu kB = %llu kB",
	       ull(kb(w, a->file)), ull(kb(w, a->swap_free)), ull(kb(w, a->slab)), ull(kb(w, sum1)));
	sb_guess_cut(w, sum1 - a->stage1, rhel);
	sb_add(&w->b, " = %llu kB is %sabove this %llu kB request%s",
	       ull(kb(w, a->stage1)), a->stage1 > a->pages ? "" : "not ",
	       ull(kb(w, a->pages)), a->stage1 > a->pages ? "." : ". ");
	if (a->stage1 > a->pages)
		return;
	if (!n) {
		sb_add(&w->b, "Stage 2: free memory %llu kB is not above totalreserve %llu kB, so the kernel refuses.",
		       ull(kb(w, a->free)), ull(kb(w, a->totalreserve)));
		return;
	}
	sb_add(&w->b, "Stage 2 adds free memory %llu kB - totalreserve %llu kB = %llu kB",
	       ull(kb(w, a->free)), ull(kb(w, a->totalreserve)), ull(kb(w, n)));
	sb_guess_cut(w, n - (a->estimate - a->stage1), 0);
	sb_add(&w->b, ": the estimate %llu kB is not above the request either.",
	       ull(kb(w, a->estimate)));
}

/* G2..G5: one sum of free, cache, swap and reclaimable memory. */
static void guess_g2(struct why *w)
{
	const struct ovc_admit *a = w->a;
	int with_misc = w->era ? w->era->guess_reclaimable : a->reclaimable != 0;
	uint64_t sum = a->free + a->file - a->shmem + a->swap_free + a->slab +
		       (with_misc ? a->reclaimable : 0);

	sb_add(&w->b, "free %llu kB + page cache %llu kB - shmem %llu kB + free swap %llu kB + reclaimable slab %llu kB",
	       ull(kb(w, a->free)), ull(kb(w, a->file)), ull(kb(w, a->shmem)),
	       ull(kb(w, a->swap_free)), ull(kb(w, a->slab)));
	if (with_misc)
		sb_add(&w->b, " + other reclaimable %llu kB", ull(kb(w, a->reclaimable)));
	sb_add(&w->b, " = %llu kB", ull(kb(w, sum)));
	if (sum <= a->totalreserve) {
		sb_add(&w->b, ", not above totalreserve %llu kB, so the kernel refuses at once.",
		       ull(kb(w, a->totalreserve)));
		return;
	}
	sb_add(&w->b, ", less totalreserve %llu kB", ull(kb(w, a->totalreserve)));
	sb_guess_cut(w, sum - a->totalreserve - a->estimate,
		     !w->era || w->era->has_admin_reserve);
	sb_add(&w->b, " = %llu kB, which is %sabove this %llu kB request.",
	       ull(kb(w, a->estimate)), a->ok ? "" : "not ", ull(kb(w, a->pages)));
}

static void guess_total(struct why *w)
{
	sb_add(&w->b, "This %llu kB request is larger than RAM + swap = %llu kB: since 5.2 the heuristic refuses only a single request larger than all of RAM and swap together.",
	       ull(kb(w, w->a->pages)), ull(kb(w, w->a->ram_swap)));
}

/* ------------------------------------------------------------------ */
/* Commit refusals: context, arithmetic, notes                          */

static void commit_context(struct why *w)
{
	const struct ovc_admit *a = w->a;
	const char *caller = caller_of(w->op);

	if (w->op)
		sb_add(&w->b, "%s: ", w->op);
	if (caller) {
		sb_fn(w, caller);
		sb_add(&w->b, " -> ");
	}
	sb_fn(w, "__vm_enough_memory");
	sb_add(&w->b, a->ok ? " admitted " : " refused ");
	sb_pages(w, w->a->pages);
	sb_vma(w, " for the VMA ", 1);
	sb_add(&w->b, " under vm.overcommit_memory=%d (%s)", w->a->policy,
	       ovc_render_policy_name(w->a->policy));
	if (w->a->era)
		sb_add(&w->b, ", admission era %s", w->a->era);
	sb_add(&w->b, ".");
}

static void commit_notes(struct why *w)
{
	const struct ovc_admit *a = w->a;

	if (a->rule == OVC_ADMIT_NEVER && a->seen != a->committed)
		sb_add(&w->b, "\nThe test reads the per-CPU counter without summing it (percpu_counter_read_positive): it saw %llu kB; the exact Committed_AS was %lld kB.",
		       ull(kb(w, (uint64_t)(a->seen > 0 ? a->seen : 0))),
		       (long long)skb(w, a->committed));
	if (a->wrapped && a->ok)
		sb_add(&w->b, "\nIt passed only because a subtraction went below zero and wrapped around in the kernel's unsigned long arithmetic; from 4.0 the arithmetic is signed and this request fails.");
	else if (a->wrapped)
		sb_add(&w->b, "\nA subtraction went below zero and wrapped around in the kernel's unsigned long arithmetic (before 4.0; signed since).");
	else if (a->rule == OVC_ADMIT_NEVER && a->allowed < 0)
		sb_add(&w->b, "\nThe limit is negative, so every request fails until it is raised.");
	if (a->admin && a->rule != OVC_ADMIT_GUESS_TOTAL)
		sb_add(&w->b, "\nThe caller has CAP_SYS_ADMIN, so no admin reserve was kept back.");
	if (a->rule == OVC_ADMIT_GUESS_FREE || a->rule == OVC_ADMIT_GUESS_TOTAL)
		sb_add(&w->b, "\nThe heuristic never looks at Committed_AS.");
	if (w->r->err == EFAULT)
		sb_add(&w->b, "\nBefore 4.1 mremap reported a commit refusal as EFAULT, not ENOMEM.");
	if (w->op && !strcmp(w->op, "brk"))
		sb_add(&w->b, "\nbrk(2) itself returns the old break; glibc's sbrk() and malloc() report ENOMEM.");
	if (w->op && !strcmp(w->op, "fork") && w->r->admitted > 1)
		sb_add(&w->b, "\ndup_mmap charges the parent's VMAs one at a time, against the parent's mm; the %d VMA%s charged before this one %s given back when the half-built child was torn down.",
		       w->r->admitted - 1, w->r->admitted > 2 ? "s" : "",
		       w->r->admitted > 2 ? "were" : "was");
}

static void explain_commit(struct why *w)
{
	commit_context(w);
	sb_add(&w->b, "\n");
	switch (w->a->rule) {
	case OVC_ADMIT_NEVER:
		never_arith(w);
		break;
	case OVC_ADMIT_GUESS_FREE:
		if (guess_two_stage(w))
			guess_g1(w);
		else
			guess_g2(w);
		break;
	case OVC_ADMIT_GUESS_TOTAL:
		guess_total(w);
		break;
	case OVC_ADMIT_ALWAYS:
		sb_add(&w->b, "vm.overcommit_memory=1 admits every request; this refusal is not the commit test's.");
		break;
	}
	commit_notes(w);
}

/* ------------------------------------------------------------------ */
/* Other causes: one sentence each                                      */

/* How a cause reads its limit and value fields (see lib/mm.c, mmap.c). */
enum nums { NUM_NONE, NUM_PAGES, NUM_COUNT };

/* Each sentence is text, then (unless NUM_NONE) value, mid, limit, tail. */
static const struct cause_row {
	const char *fn;		/* the refusing kernel function, or NULL */
	const char *text, *mid, *tail;
	enum nums nums;
} cause_table[] = {
	[OVC_CAUSE_RLIMIT_AS] = { "may_expand_vm", "the address space would grow to ",
				  ", above RLIMIT_AS ", "", NUM_PAGES },
	[OVC_CAUSE_RLIMIT_DATA] = { "may_expand_vm", "the data segment would grow to ",
				    ", above RLIMIT_DATA ", "", NUM_PAGES },
	[OVC_CAUSE_MAP_COUNT] = { NULL, "the task has ",
				  " mappings and vm.max_map_count is ", "", NUM_COUNT },
	[OVC_CAUSE_MLOCK] = { "mlock_future_check", "locked memory would grow to ",
			      ", above RLIMIT_MEMLOCK ", ", and the task lacks CAP_IPC_LOCK",
			      NUM_PAGES },
	[OVC_CAUSE_HUGETLB] = { "hugetlb_reserve_pages", "the mapping needs ",
				" huge pages but only ",
				" are free and unreserved in the pool (vm.nr_hugepages)", NUM_COUNT },
	[OVC_CAUSE_NO_VMA] = { NULL, "the range is not (fully) covered by mappings",
			       NULL, NULL, NUM_NONE },
	[OVC_CAUSE_NO_SPACE] = { "get_unmapped_area",
				 "no gap of the requested size is left in the address space",
				 NULL, NULL, NUM_NONE },
	[OVC_CAUSE_CANNOT_GROW] = { "mremap",
				    "the mapping cannot grow in place (the next mapping is in the way) and MREMAP_MAYMOVE was not given",
				    NULL, NULL, NUM_NONE },
	[OVC_CAUSE_INVAL] = { NULL, "the arguments are invalid", NULL, NULL, NUM_NONE },
	[OVC_CAUSE_OOM] = { "out_of_memory",
			    "a page fault found no free page even after reclaim, so the kernel runs the OOM killer here",
			    NULL, NULL, NUM_NONE },
	[OVC_CAUSE_EXEC_KILLED] = { "execve",
				    "the new image failed after the point of no return; the old one is gone, so the task is killed (SIGKILL)",
				    NULL, NULL, NUM_NONE },
	[OVC_CAUSE_EXISTS] = { "ipcget", "a segment with this key exists and IPC_CREAT|IPC_EXCL was given",
			       NULL, NULL, NUM_NONE },
};

/* A limit or value: a count, or pages shown as "X kB (1.00 GiB)". */
static void sb_limit_value(struct why *w, enum nums nums, uint64_t v)
{
	char tmp[64];

	if (nums == NUM_COUNT)
		sb_add(&w->b, "%llu", ull(v));
	else if (v == UINT64_MAX)
		sb_add(&w->b, "unlimited");
	else
		sb_add(&w->b, "%s", ovc_render_kb(kb(w, v), tmp, sizeof(tmp)));
}

/* The mlock refusals that are not mlock_future_check's EAGAIN. */
static const struct cause_row mlock_eperm = {
	"can_do_mlock", "RLIMIT_MEMLOCK is 0 and the task lacks CAP_IPC_LOCK", NULL, NULL, NUM_NONE
};
static const struct cause_row mlockall_enomem = {
	"sys_mlockall", "the task maps ", ", above RLIMIT_MEMLOCK ",
	", and it lacks CAP_IPC_LOCK (MCL_CURRENT locks every mapping)", NUM_PAGES
};

static void explain_other(struct why *w)
{
	const struct ovc_result *r = w->r;
	const struct cause_row *row = NULL;

	if ((size_t)r->cause < sizeof(cause_table) / sizeof(cause_table[0]))
		row = &cause_table[r->cause];
	if (r->cause == OVC_CAUSE_MLOCK && r->err == EPERM)
		row = &mlock_eperm;
	else if (r->cause == OVC_CAUSE_MLOCK && r->err == ENOMEM && w->op &&
		 strcmp(w->op, "mlockall") == 0)
		row = &mlockall_enomem;
	if (w->op)
		sb_add(&w->b, "%s: ", w->op);
	if (!row || !row->text) {
		sb_add(&w->b, "the call failed");
	} else {
		if (row->fn) {
			sb_fn(w, row->fn);
			sb_add(&w->b, ": ");
		}
		sb_add(&w->b, "%s", row->text);
		if (row->nums != NUM_NONE) {
			sb_limit_value(w, row->nums, r->value);
			sb_add(&w->b, "%s", row->mid);
			sb_limit_value(w, row->nums, r->limit);
			sb_add(&w->b, "%s", row->tail);
		}
	}
	if (r->cause == OVC_CAUSE_OOM && r->touched)
		sb_add(&w->b, " (%llu pages were faulted in before that)", ull(r->touched));
	sb_vma(w, "; VMA ", 0);
	if (r->err)
		sb_add(&w->b, "; the call returns %s", ovc_render_errno_name(r->err));
	sb_add(&w->b, ".");
}

/* ------------------------------------------------------------------ */

int ovc_render_refused(const struct ovc_result *r)
{
	return r->err != 0 || r->cause != OVC_CAUSE_NONE;
}

/* Admitted only because the kernel's unsigned arithmetic wrapped: worth
 * explaining although nothing was refused. */
static int wrap_pass(const struct ovc_result *r)
{
	return r->admitted && r->admit.ok && r->admit.wrapped;
}

/* The admission era named name, from the profile tables, or NULL. */
static const struct ovc_admission_era *admission_era(const char *name)
{
	size_t n;
	const struct ovc_aspect *as = ovc_profile_aspects(&n);

	for (size_t i = 0; name && i < n; i++) {
		if (strcmp(as[i].name, "admission"))
			continue;
		for (size_t j = 0; j < as[i].count; j++) {
			const struct ovc_era *e = ovc_aspect_row(&as[i], j);

			if (e->name && !strcmp(e->name, name))
				return (const struct ovc_admission_era *)e;
		}
	}
	return NULL;
}

size_t ovc_render_explain(char *buf, size_t size, const struct ovc_result *r,
			  const struct ovc_explain_env *env)
{
	uint64_t page_size = env->page_size ? env->page_size : 4096;
	struct why w = {
		.b = { .buf = buf, .size = size },
		.r = r,
		.a = &r->admit,
		.kb_per_page = page_size / 1024,
		.kver = env->kver,
		.op = env->op,
	};

	if (size)
		buf[0] = '\0';
	if (!ovc_render_refused(r) && !wrap_pass(r))
		return 0;
	if (r->cause == OVC_CAUSE_COMMIT || !ovc_render_refused(r)) {
		w.era = env->admission ? env->admission : admission_era(r->admit.era);
		explain_commit(&w);
	} else {
		explain_other(&w);
	}
	return w.b.len;
}

void ovc_render_trace_env(const struct ovc_trace *t, struct ovc_explain_env *env)
{
	struct ovc_profile p;

	memset(env, 0, sizeof(*env));
	env->page_size = t->page_size;
	if (t->kernel && ovc_profile_for(t->kernel, &p, NULL) == 0) {
		env->kver = p.kver;
		env->admission = p.admission;
	}
}

char *ovc_render_explain_dup(const struct ovc_result *r, const struct ovc_explain_env *env)
{
	size_t n = ovc_render_explain(NULL, 0, r, env);
	char *s;

	if (!n)
		return NULL;
	s = malloc(n + 1);
	if (s)
		ovc_render_explain(s, n + 1, r, env);
	return s;
}
