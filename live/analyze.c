/* analyze.c - the model's answers on a /proc snapshot: profile, CommitLimit, forks, OOM order. kB. */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "live/analyze.h"
#include "live/live.h"
#include "ovc/trace_cmp.h"
#include "ovc/machine.h"
#include "ovc/oom.h"
#include "ovc/ops.h"

/*
 * The snapshot becomes a model machine (struct ovc_config from meminfo
 * and the vm sysctls read), with no tasks: the processes are not
 * replayed, only their own figures are fed to the rule functions, which
 * is what the kernel's rules read too:
 *   - a fork's admission is __vm_enough_memory(oldmm, pages, admin) with
 *     the pages dup_mmap charges (VM_ACCOUNT and not VM_DONTCOPY: the
 *     smaps summary's fork_charge) and the parent's total_vm for the
 *     NEVER rule's user cut (kernel/fork.c dup_mmap);
 *   - badness is oom_badness() from the status counters the kernel reads
 *     (get_mm_rss, MM_SWAPENTS, mm_pgtables_bytes; mm/oom_kill.c);
 *   - oom_score is fs/proc/base.c proc_oom_score() over that badness.
 * dup_mmap tests VMA by VMA in address order, and so does the model
 * (fork_each). What cannot be known: the per-CPU deltas of Committed_AS
 * before the fork (taken as 0: meminfo shows the exact sum from 5.9) and
 * the CPU the fork runs on (the first).
 */

/* ------------------------------------------------------------------ */
/* The profile                                                          */

/* ovc_profile_for resolves any release >= 2.6.32 ("6.1.0-28-amd64",
 * "4.18.0-513.el8") to the era rows in force at that version: the only
 * fallbacks are an unparsable release (newest profile) and one older than
 * the model (the oldest). */
static void pick_profile(const char *release, struct ovc_live_report *r)
{
	struct ovc_err e = { 0 };
	char v[24];
	int rc = ovc_profile_for(release, &r->profile, &e);

	if (rc == 0) {
		snprintf(r->profile_note, sizeof(r->profile_note),
			 "release %.64s: profile %s (admission %s, oom %s)", release,
			 ovc_kver_str(r->profile.kver, v, sizeof(v)),
			 r->profile.admission->era.name, r->profile.oom->era.name);
		return;
	}
	if (e.code == OVC_E_RANGE) {
		ovc_profile_for("2.6.32", &r->profile, NULL);
		snprintf(r->profile_note, sizeof(r->profile_note),
			 "release %.64s is older than the model: using 2.6.32", release);
		return;
	}
	ovc_profile_for("6.12", &r->profile, NULL);
	snprintf(r->profile_note, sizeof(r->profile_note),
		 "unparsable release %.64s: using 6.12", release);
}

/* ------------------------------------------------------------------ */
/* The machine                                                          */

static int have(const struct ovc_live_snap *s, enum ovc_sysctl_key k)
{
	return (s->have_sysctl >> k) & 1u;
}

static void config_sysctls(const struct ovc_live_snap *s, struct ovc_sysctl *vm)
{
#define INT_K(k, f) if (have(s, k)) vm->f = (int)s->sysctl[k]
#define U64_K(k, f) if (have(s, k) && s->sysctl[k] >= 0) vm->f = (uint64_t)s->sysctl[k]
	INT_K(OVC_SYSCTL_OVERCOMMIT_MEMORY, overcommit_memory);
	INT_K(OVC_SYSCTL_OVERCOMMIT_RATIO, overcommit_ratio);
	U64_K(OVC_SYSCTL_OVERCOMMIT_KBYTES, overcommit_kbytes);
	U64_K(OVC_SYSCTL_ADMIN_RESERVE_KBYTES, admin_reserve_kbytes);
	U64_K(OVC_SYSCTL_USER_RESERVE_KBYTES, user_reserve_kbytes);
	U64_K(OVC_SYSCTL_MIN_FREE_KBYTES, min_free_kbytes);
	U64_K(OVC_SYSCTL_MAX_MAP_COUNT, max_map_count);
	INT_K(OVC_SYSCTL_WATERMARK_SCALE_FACTOR, watermark_scale_factor);
	INT_K(OVC_SYSCTL_PANIC_ON_OOM, panic_on_oom);
	INT_K(OVC_SYSCTL_OOM_KILL_ALLOCATING_TASK, oom_kill_allocating_task);
	INT_K(OVC_SYSCTL_OOM_DUMP_TASKS, oom_dump_tasks);
#undef INT_K
#undef U64_K
}

/* meminfo as the machine's initial state. The kernel's own memory (page
 * tables, stacks, vmalloc) is not in these fields, so they add up to less
 * than MemTotal; a snapshot torn between counters could add up to more,
 * and then free gives way first, anon second. */
static void config_from(const struct ovc_live_snap *s, struct ovc_config *c)
{
	const struct ovc_meminfo *mi = &s->mi;
	uint64_t huge_kb, used;

	ovc_config_default(c);
	c->ram_kb = mi->mem_total;
	c->page_size = s->page_size ? s->page_size : 4096;
	c->ncpus = s->ncpus ? s->ncpus : 1;
	c->swap_kb = mi->swap_total;
	c->swap_free_kb = mi->swap_free <= mi->swap_total ? mi->swap_free : mi->swap_total;
	c->hugepage_kb = mi->hugepagesize;
	c->hugepages = mi->hugepagesize ? mi->hugepages_total : 0;
	c->file_kb = mi->cached;
	c->buffers_kb = mi->buffers;
	c->shmem_kb = mi->shmem <= mi->cached ? mi->shmem : mi->cached;
	c->anon_kb = mi->anon_pages;
	c->slab_reclaimable_kb = mi->slab_reclaimable;
	c->slab_unreclaimable_kb = mi->slab_unreclaimable;
	c->reclaimable_kb = s->kreclaimable_kb > mi->slab_reclaimable ?
		s->kreclaimable_kb - mi->slab_reclaimable : 0;	/* KReclaimable = SReclaimable + misc */
	c->committed_kb = mi->committed_as;
	huge_kb = c->hugepages * mi->hugepagesize;
	used = mi->cached + mi->buffers + mi->slab_reclaimable + mi->slab_unreclaimable +
	       c->reclaimable_kb + huge_kb;
	c->anon_kb = used >= mi->mem_total ? 0 :
		(mi->anon_pages < mi->mem_total - used ? mi->anon_pages : mi->mem_total - used);
	used += c->anon_kb;
	c->free_kb = used >= mi->mem_total ? 0 :
		(mi->mem_free < mi->mem_total - used ? mi->mem_free : mi->mem_total - used);
	config_sysctls(s, &c->vm);
}

static int build_machine(const struct ovc_live_snap *s, struct ovc_live_report *r,
			 struct ovc_machine *m, struct ovc_err *e)
{
	struct ovc_config c;

	config_from(s, &c);
	return ovc_machine_init(m, &c, &r->profile, e);
}

/* whatif: each override through the sysctl's handler, as a write to
 * /proc/sys/vm would go (EINVAL, ENOENT name the key). */
static int apply_overrides(struct ovc_machine *m, const struct ovc_live_set *ov, size_t n,
			   struct ovc_err *e)
{
	for (size_t i = 0; i < n; i++) {
		struct ovc_result res;
		const char *name = ovc_sysctl_name(ov[i].key);

		if (!name || ovc_sysctl_write(m, ov[i].key, ov[i].value, &res) < 0)
			return ovc_err_set(e, OVC_E_RANGE, "unknown sysctl key %d", (int)ov[i].key);
		if (res.err)
			return ovc_err_set(e, OVC_E_RANGE, "vm.%s=%lld: the kernel refuses the write (%s)",
					   name, (long long)ov[i].value,
					   res.err == EINVAL ? "EINVAL" :
					   res.err == ENOENT ? "ENOENT: not in this kernel" : "error");
	}
	return 0;
}

/* ------------------------------------------------------------------ */
/* Forks                                                                */

static uint64_t kb_pages(const struct ovc_machine *m, uint64_t kb)
{
	return ovc_kb_to_pages(m, kb);
}

/* Which processes have an mm: not kernel threads, not zombies. */
static int has_mm(const struct ovc_live_proc *p)
{
	return !p->kthread && !p->zombie && p->state != 'Z';
}

/* dup_mmap() (kernel/fork.c, 6.1) charges each mapping it copies that
 * is VM_ACCOUNT through security_vm_enough_memory_mm(), in address
 * order, and the first refusal fails the fork. The model's counter is
 * per CPU as the kernel's: a charge below the batch stays in the CPU's
 * delta, unseen by the tests after it, so the order matters at an exact
 * edge. Under OVERCOMMIT_NEVER the charges add up; under GUESS each
 * mapping is judged alone. *at: the mapping whose test decided. */
static int fork_each(struct ovc_machine *m, const struct ovc_mm *mm,
		     const struct ovc_live_proc *p, struct ovc_admit *a, size_t *at)
{
	int ok = 1;

	for (size_t i = 0; i < p->nfork_maps && ok; i++) {
		ok = ovc_commit_admit(m, mm, kb_pages(m, p->fork_maps[i]), p->cap_sys_admin, 0, a);
		*at = i;
	}
	return ok;
}

/* The fork's admission against the machine as it is (the counter is
 * restored afterwards: every process is tested against the same
 * machine, not after the others' forks). Without the mappings one by
 * one (a snapshot made elsewhere), one test: the whole charge under
 * NEVER, the largest mapping under GUESS. Returns 1, 0, or -1 when the
 * fork's charge is unknown (its smaps was not readable). */
static int fork_test(struct ovc_machine *m, const struct ovc_live_proc *p, struct ovc_admit *a,
		     size_t *at)
{
	struct ovc_mm mm;
	int64_t count = m->committed.count;
	int32_t d0 = m->committed.delta ? m->committed.delta[0] : 0;
	uint64_t charge;
	int ok;

	*at = 0;
	if (!(p->seen & OVC_LIVE_SMAPS)) {
		memset(a, 0, sizeof(*a));
		a->policy = m->vm.overcommit_memory;
		return -1;
	}
	memset(&mm, 0, sizeof(mm));
	mm.total_vm = kb_pages(m, p->vm_size);
	if (p->nfork_maps) {
		ok = fork_each(m, &mm, p, a, at);
	} else {
		charge = m->vm.overcommit_memory == 0 ? p->fork_largest : p->fork_charge;
		ok = ovc_commit_admit(m, &mm, kb_pages(m, charge), p->cap_sys_admin, 0, a);
	}
	m->committed.count = count;
	if (m->committed.delta)
		m->committed.delta[0] = d0;
	return ok;
}

/* Every row under policy pol (ratio and kbytes as they are); the policy
 * is written through its handler (5.9+ recomputes the batch), then put
 * back. */
static void forks_under(struct ovc_machine *m, struct ovc_live_report *r, int pol)
{
	int now = m->vm.overcommit_memory;
	struct ovc_admit a;
	size_t at;

	ovc_sysctl_write(m, OVC_SYSCTL_OVERCOMMIT_MEMORY, pol, NULL);
	for (size_t i = 0; i < r->nrows; i++) {
		struct ovc_live_row *w = &r->rows[i];

		w->fork_ok_policy[pol] = fork_test(m, w->p, &a, &at);
		if (pol == now) {
			w->fork = a;
			w->fork_map = at;
			w->fork_ok = w->fork_ok_policy[pol];
		}
	}
	ovc_sysctl_write(m, OVC_SYSCTL_OVERCOMMIT_MEMORY, now, NULL);
}

/* ------------------------------------------------------------------ */
/* Badness and oom_score                                                */

/* oom_unkillable_task() and oom_badness()'s early return, from what
 * /proc shows: init, kernel threads, oom_score_adj -1000. (in_vfork and
 * MMF_OOM_SKIP cannot be seen.) */
static enum ovc_oom_skip skip_of(const struct ovc_live_proc *p)
{
	if (p->pid == 1)
		return OVC_OOM_SKIP_INIT;
	if (p->kthread)
		return OVC_OOM_SKIP_KTHREAD;
	if (!(p->seen & OVC_LIVE_STATUS))
		return OVC_OOM_SKIP_NO_MM;
	if (p->oom_score_adj == OVC_OOM_SCORE_ADJ_MIN)
		return OVC_OOM_SKIP_ADJ_MIN;
	return OVC_OOM_ELIGIBLE;
}

/* USER_HZ: /proc/PID/stat's clock ticks. */
#define LIVE_USER_HZ 100

/* 2.6.32 badness() reads more than the mm: children, CPU and run time
 * (in jiffies; the model takes HZ = 1000, so ticks * 10 ms), nice, caps. */
static void legacy_inputs(const struct ovc_live_snap *s, const struct ovc_machine *m,
			  const struct ovc_live_proc *p, struct ovc_badness *b)
{
	uint64_t ms = (p->utime_ticks + p->stime_ticks) * (1000 / LIVE_USER_HZ);
	uint64_t start = p->start_ticks / LIVE_USER_HZ;

	b->total_vm = kb_pages(m, p->vm_size);
	for (size_t i = 0; i < s->nprocs; i++)
		if (s->procs[i].ppid == p->pid && has_mm(&s->procs[i]) && s->procs[i].pid != p->pid)
			b->children_vm += kb_pages(m, s->procs[i].vm_size) / 2 + 1;
	b->cpu_time = ms >> 13;		/* >> (SHIFT_HZ + 3), SHIFT_HZ 10 */
	b->run_time = s->uptime_s > start ? (s->uptime_s - start) >> 10 : 0;
	b->niced = p->nice > 0;
	b->cap_div = p->cap_sys_admin || p->cap_sys_resource ? 4 : 1;
	/* oom_adj from oom_score_adj as fs/proc/base.c converts (2.6.36+):
	 * -1000 is OOM_DISABLE, else adj * 17 / 1000 */
	b->adj = p->oom_score_adj == OVC_OOM_SCORE_ADJ_MIN ? OVC_OOM_DISABLE :
		p->oom_score_adj * -OVC_OOM_DISABLE / OVC_OOM_SCORE_ADJ_MAX;
}

void live_badness(const struct ovc_live_snap *s, const struct ovc_machine *m,
		  const struct ovc_live_proc *p, uint64_t totalpages, struct ovc_badness *b)
{
	memset(b, 0, sizeof(*b));
	b->rule = m->profile.oom->badness;
	b->totalpages = totalpages;
	b->rss = kb_pages(m, p->rss_anon + p->rss_file + p->rss_shmem);
	b->swapents = kb_pages(m, p->vm_swap);
	b->pgtables = kb_pages(m, p->vm_pte);	/* VmPTE is pgtables_bytes >> 10 */
	b->adj = p->oom_score_adj;
	b->root = p->cap_sys_admin;
	if (b->rule == OVC_BADNESS_LEGACY)
		legacy_inputs(s, m, p, b);
	b->skip = skip_of(p);
	if (b->skip != OVC_OOM_ELIGIBLE && b->rule != OVC_BADNESS_LEGACY) {
		b->base = (int64_t)(b->rss + b->swapents + b->pgtables);
		b->points = b->rule == OVC_BADNESS_SIGNED ? INT64_MIN : 0;
		return;
	}
	ovc_oom_badness_formula(b);
}

/*
 * fs/proc/base.c proc_oom_score(), per era (spec §7.1); the same cases as
 * lib/oom_badness.c oom_score_sums(), which is static there and works on
 * modelled tasks, so it is restated here for badness computed from /proc:
 *   2.6.32       badness() itself, with no eligibility test;
 *   2.6.36-3.4   oom_badness() per mille (0 for the ineligible);
 *   3.5-5.8      points * 1000 / totalpages;
 *   5.9+         (1000 + points * 1000 / totalpages) * 2 / 3, 0 for LONG_MIN.
 */
int64_t live_oom_score(const struct ovc_machine *m, const struct ovc_badness *b)
{
	int64_t tp = b->totalpages ? (int64_t)b->totalpages : 1;

	switch (m->profile.score->rule) {
	case OVC_SCORE_RAW:
		return b->points;
	case OVC_SCORE_PERMILLE:
		return b->skip ? 0 : b->points;
	case OVC_SCORE_SCALED:
		return b->skip ? 0 : b->points * 1000 / tp;
	default:
		return b->skip ? 0 : (1000 + b->points * 1000 / tp) * 2 / 3;
	}
}

/* ------------------------------------------------------------------ */
/* Orders                                                               */

/* qsort has no context argument: sort (key, index) pairs instead. */
struct order_key {
	int elig;		/* 1 eligible: ranked before every ineligible row */
	int64_t points;
	uint64_t scan;		/* for_each_process order: creation (start, then pid) */
	size_t i;
	int ties_last;
};

static int by_scan(const struct order_key *a, const struct order_key *b)
{
	return a->scan < b->scan ? -1 : a->scan > b->scan;
}

/* select_bad_process(): the highest badness; an equal score goes to the
 * later task from 5.3 (ties_last), to the earlier one before. */
static int cmp_badness(const void *x, const void *y)
{
	const struct order_key *a = x, *b = y;

	if (a->elig != b->elig)
		return b->elig - a->elig;
	if (a->elig && a->points != b->points)
		return a->points > b->points ? -1 : 1;
	if (a->elig && a->ties_last)
		return -by_scan(a, b);
	return by_scan(a, b);
}

static uint64_t scan_pos(const struct ovc_live_proc *p)
{
	return (p->start_ticks << 22) | (uint64_t)(p->pid & 0x3fffff);
}

int live_oom_order(const struct ovc_machine *m, const struct ovc_live_row *rows, size_t n,
		   size_t *order, int *chosen)
{
	struct order_key *k = calloc(n ? n : 1, sizeof(*k));

	if (!k)
		return -OVC_E_NOMEM;
	for (size_t i = 0; i < n; i++) {
		const struct ovc_live_row *w = &rows[i];

		k[i] = (struct order_key){
			.elig = w->badness.skip == OVC_OOM_ELIGIBLE && w->model_oom_score >= 0,
			.points = w->badness.points, .scan = scan_pos(w->p), .i = i,
			.ties_last = m->profile.oom->ties_last,
		};
	}
	qsort(k, n, sizeof(*k), cmp_badness);
	for (size_t i = 0; i < n; i++)
		order[i] = k[i].i;
	*chosen = n && k[0].elig ? (int)k[0].i : -1;
	free(k);
	return 0;
}

/* Largest committed first; equal: by pid. */
static int cmp_commit(const void *x, const void *y)
{
	const struct order_key *a = x, *b = y;

	if (a->points != b->points)
		return a->points > b->points ? -1 : 1;
	return by_scan(a, b);
}

static void rank_commit(struct ovc_live_report *r, struct order_key *k)
{
	for (size_t i = 0; i < r->nrows; i++)
		k[i] = (struct order_key){ .points = (int64_t)r->rows[i].p->committed,
					   .scan = (uint64_t)r->rows[i].p->pid, .i = i };
	qsort(k, r->nrows, sizeof(*k), cmp_commit);
	for (size_t i = 0; i < r->nrows; i++)
		r->by_commit[i] = k[i].i;
}

/* ------------------------------------------------------------------ */

static int alloc_rows(const struct ovc_live_snap *s, struct ovc_live_report *r, struct ovc_err *e)
{
	size_t n = 0;

	for (size_t i = 0; i < s->nprocs; i++)
		n += has_mm(&s->procs[i]);
	r->rows = calloc(n ? n : 1, sizeof(*r->rows));
	r->by_commit = calloc(n ? n : 1, sizeof(*r->by_commit));
	r->by_badness = calloc(n ? n : 1, sizeof(*r->by_badness));
	if (!r->rows || !r->by_commit || !r->by_badness)
		return ovc_err_set(e, OVC_E_NOMEM, "out of memory");
	for (size_t i = 0; i < s->nprocs; i++)
		if (has_mm(&s->procs[i]))
			r->rows[r->nrows++].p = &s->procs[i];
	return 0;
}

/* From 6.2 the kernel's oom_score reads the per-CPU RSS counters
 * approximately while /proc/PID/status may show their exact sum: a
 * difference within what the counters can hide is not a mismatch
 * (lib/trace_cmp.c, the same bound the conformance run uses). */
static uint64_t score_slack(const struct ovc_live_snap *s, const struct ovc_machine *m)
{
	struct ovc_cmp_opts o;

	ovc_cmp_opts_for(&o, &m->profile, s->mi.mem_total, m->ncpus, m->page_size);
	return o.score_slack;
}

static void oom_rows(const struct ovc_live_snap *s, const struct ovc_machine *m,
		     struct ovc_live_report *r)
{
	r->score_slack = score_slack(s, m);
	for (size_t i = 0; i < r->nrows; i++) {
		struct ovc_live_row *w = &r->rows[i];
		int64_t d;

		live_badness(s, m, w->p, m->ram + m->phys.swap_total, &w->badness);
		w->model_oom_score = w->p->seen & OVC_LIVE_STATUS ? live_oom_score(m, &w->badness) : -1;
		d = w->model_oom_score - w->p->oom_score;
		w->score_differs = w->model_oom_score >= 0 && w->p->oom_score >= 0 &&
				   (uint64_t)(d < 0 ? -d : d) > r->score_slack;
		r->score_mismatches += w->score_differs;
	}
}

static int analyze(const struct ovc_live_snap *s, struct ovc_machine *m, struct ovc_live_report *r,
		   struct ovc_err *e)
{
	struct order_key *k;
	uint64_t limit;

	limit = ovc_pages_to_kb(m, ovc_commit_limit(m));
	r->commit_limit_kb = limit;
	r->headroom_kb = limit > s->mi.committed_as ? limit - s->mi.committed_as : 0;
	if (alloc_rows(s, r, e))
		return -OVC_E_NOMEM;
	for (int pol = 0; pol <= 2; pol++)
		forks_under(m, r, pol);
	oom_rows(s, m, r);
	ovc_live_reconcile(s, &r->rec);
	k = calloc(r->nrows ? r->nrows : 1, sizeof(*k));
	if (!k || live_oom_order(m, r->rows, r->nrows, r->by_badness, &r->chosen)) {
		free(k);
		return ovc_err_set(e, OVC_E_NOMEM, "out of memory");
	}
	rank_commit(r, k);
	free(k);
	return live_memcg_ooms(s, m, r, e);
}

int ovc_live_analyze(const struct ovc_live_snap *s, const struct ovc_live_set *overrides,
		     size_t n, struct ovc_live_report *r, struct ovc_err *e)
{
	struct ovc_machine m;
	int rc;

	memset(r, 0, sizeof(*r));
	r->chosen = r->chosen_group = -1;
	pick_profile(s->release, r);
	rc = build_machine(s, r, &m, e);
	if (rc == 0)
		rc = apply_overrides(&m, overrides, overrides ? n : 0, e);
	if (rc == 0)
		rc = analyze(s, &m, r, e);
	ovc_machine_free(&m);
	if (rc)
		ovc_live_report_free(r);
	return rc;
}

void ovc_live_report_free(struct ovc_live_report *r)
{
	for (size_t i = 0; i < r->nmemcg_ooms; i++)
		free(r->memcg_ooms[i].rows);
	free(r->memcg_ooms);
	r->memcg_ooms = NULL;
	r->nmemcg_ooms = 0;
	free(r->rows);
	free(r->by_commit);
	free(r->by_badness);
	r->rows = NULL;
	r->by_commit = r->by_badness = NULL;
	r->nrows = 0;
	r->chosen = -1;
}
