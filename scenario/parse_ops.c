/* parse_ops.c - scenario parser: the operation lines (mmap ... mlockall).
 *
 * Each function reads the positional words of its operation, then the
 * options in any order; an option given twice or one the operation does
 * not take is an error at its column.
 */
#include <string.h>

#include "ovc/ops.h"
#include "scenario/parse.h"

/* The acting task at word 1. */
static int task_at(struct parser *P, struct sc_stmt *st, size_t i)
{
	return p_name_use(P, i, SC_TASK, &st->task);
}

enum {
	MM_SHARE = 1 << 0, MM_BACKING = 1 << 1, MM_OFFSET = 1 << 2, MM_NORESERVE = 1 << 3,
	MM_HUGETLB = 1 << 4, MM_POPULATE = 1 << 5, MM_LOCKED = 1 << 6, MM_ADDR = 1 << 7,
	MM_PROT = 1 << 8,
};

static const struct { const char *word; uint32_t seen; unsigned flag; } mmap_flags[] = {
	{ "private", MM_SHARE, OVC_MAP_PRIVATE },
	{ "shared", MM_SHARE, OVC_MAP_SHARED },
	{ "anon", MM_BACKING, OVC_MAP_ANONYMOUS },
	{ "noreserve", MM_NORESERVE, OVC_MAP_NORESERVE },
	{ "hugetlb", MM_HUGETLB, OVC_MAP_HUGETLB },
	{ "populate", MM_POPULATE, OVC_MAP_POPULATE },
	{ "locked", MM_LOCKED, OVC_MAP_LOCKED },
};

/* One mmap option at word *i; advances *i past it. */
static int mmap_opt(struct parser *P, struct sc_stmt *st, size_t *i, uint32_t *seen)
{
	const struct sc_word *w = &P->ln->w[*i];
	struct sc_word v;
	size_t k;
	int prot, r;

	for (k = 0; k < sizeof(mmap_flags) / sizeof(mmap_flags[0]); k++) {
		if (!sc_word_is(w, mmap_flags[k].word))
			continue;
		if ((*seen & mmap_flags[k].seen) && mmap_flags[k].seen == MM_SHARE &&
		    !(st->u.mmap.flags & mmap_flags[k].flag))
			return p_err(P, w->col, "give one of private and shared");
		if ((*seen & mmap_flags[k].seen) && mmap_flags[k].seen == MM_BACKING &&
		    st->u.mmap.file >= 0)
			return p_err(P, w->col, "give one of anon and file=");
		r = p_once(P, *i, seen, mmap_flags[k].seen);
		st->u.mmap.flags |= mmap_flags[k].flag;
		(*i)++;
		return r;
	}
	if ((prot = p_prot(w)) >= 0) {
		r = p_once(P, *i, seen, MM_PROT);
		st->u.mmap.prot = (unsigned)prot;
		(*i)++;
		return r;
	}
	if (p_kv(w, "file", &v)) {
		if ((*seen & MM_BACKING) && st->u.mmap.file < 0)
			return p_err(P, w->col, "give one of anon and file=");
		r = p_once(P, *i, seen, MM_BACKING);
		if (r == 0)
			r = p_name_ref(P, &v, SC_FILE, &st->u.mmap.file);
		(*i)++;
		return r;
	}
	if (p_kv(w, "offset", &v)) {
		r = p_once(P, *i, seen, MM_OFFSET);
		return r < 0 ? r : p_size_value(P, i, &v, 1, &st->u.mmap.offset);
	}
	if (p_kv(w, "fixed", &v) || p_kv(w, "at", &v)) {
		if (*seen & MM_ADDR)
			return p_err(P, w->col, "give one of fixed= and at=");
		*seen |= MM_ADDR;
		if (w->s[0] == 'f')
			st->u.mmap.flags |= OVC_MAP_FIXED;
		(*i)++;
		return p_addr(P, &v, &st->u.mmap.addr);
	}
	if (sc_word_is(w, "as"))
		return p_as(P, i, SC_REGION, st->task, &st->def);
	return p_unexpected(P, *i);
}

int p_mmap(struct parser *P, struct sc_stmt *st)
{
	uint32_t seen = 0;
	size_t i = 2;
	int r = task_at(P, st, 1);

	st->u.mmap.prot = OVC_PROT_READ | OVC_PROT_WRITE;
	st->u.mmap.file = -1;
	if (r == 0)
		r = p_size(P, &i, 1, &st->size);
	while (r == 0 && i < P->ln->n)
		r = mmap_opt(P, st, &i, &seen);
	if (r < 0)
		return r;
	if (!(seen & MM_SHARE))
		st->u.mmap.flags |= OVC_MAP_PRIVATE;
	if (st->u.mmap.file < 0)
		st->u.mmap.flags |= OVC_MAP_ANONYMOUS;
	if ((seen & MM_OFFSET) && st->u.mmap.file < 0)
		return p_err(P, st->col, "offset= needs file=");
	return 0;
}

/* REGION PART-options, with extra(word) for what else the operation takes. */
static int region_opts(struct parser *P, struct sc_stmt *st, size_t i,
		       int (*extra)(struct parser *, struct sc_stmt *, size_t))
{
	uint32_t seen = 0;
	int r;

	while (i < P->ln->n) {
		r = p_part(P, &i, &st->ref, &seen);
		if (r < 0)
			return r;
		if (r > 0)
			continue;
		r = extra ? extra(P, st, i) : 0;
		if (r <= 0)
			return r < 0 ? r : p_unexpected(P, i);
		if (seen & 1)
			return p_err(P, P->ln->w[i].col, "\"read\" is given twice");
		seen |= 1;
		i++;
	}
	return 0;
}

static int region_at(struct parser *P, struct sc_stmt *st, size_t i)
{
	int r = p_region(P, i, &st->ref);

	st->task = st->ref.task;
	return r;
}

int p_munmap(struct parser *P, struct sc_stmt *st)
{
	int r = region_at(P, st, 1);

	return r < 0 ? r : region_opts(P, st, 2, NULL);
}

int p_mprotect(struct parser *P, struct sc_stmt *st)
{
	int r = region_at(P, st, 1), prot;

	if (r < 0)
		return r;
	prot = P->ln->n > 2 ? p_prot(&P->ln->w[2]) : -1;
	if (prot < 0)
		return p_expected(P, 2, "a protection (r, rw, rx, rwx, w, none)");
	st->u.mprotect.prot = (unsigned)prot;
	return region_opts(P, st, 3, NULL);
}

static const char *const advice_text[] = {
	[OVC_MADV_DONTFORK] = "dontfork", [OVC_MADV_DOFORK] = "dofork",
	[OVC_MADV_DONTNEED] = "dontneed", [OVC_MADV_WIPEONFORK] = "wipeonfork",
	[OVC_MADV_KEEPONFORK] = "keeponfork",
};

int p_madvise(struct parser *P, struct sc_stmt *st)
{
	int r = region_at(P, st, 1), k;

	if (r < 0)
		return r;
	for (k = OVC_MADV_DONTFORK; k <= OVC_MADV_KEEPONFORK; k++)
		if (P->ln->n > 2 && sc_word_is(&P->ln->w[2], advice_text[k]))
			st->u.madvise.advice = k;
	if (!st->u.madvise.advice)
		return p_expected(P, 2, "an advice (dontfork, dofork, dontneed, wipeonfork, keeponfork)");
	return region_opts(P, st, 3, NULL);
}

static int touch_read(struct parser *P, struct sc_stmt *st, size_t i)
{
	if (!sc_word_is(&P->ln->w[i], "read"))
		return 0;
	st->u.touch.write = 0;
	return 1;
}

int p_touch(struct parser *P, struct sc_stmt *st)
{
	int r = region_at(P, st, 1);

	st->u.touch.write = 1;
	return r < 0 ? r : region_opts(P, st, 2, touch_read);
}

static int mremap_opt(struct parser *P, struct sc_stmt *st, size_t *i, uint32_t *seen)
{
	const struct sc_word *w = &P->ln->w[*i];
	struct sc_word v;
	unsigned flag;

	if (sc_word_is(w, "as"))
		return p_as(P, i, SC_REGION, st->task, &st->def);
	if (sc_word_is(w, "maymove"))
		flag = OVC_MREMAP_MAYMOVE;
	else if (sc_word_is(w, "dontunmap"))
		flag = OVC_MREMAP_DONTUNMAP;
	else if (p_kv(w, "fixed", &v))
		flag = OVC_MREMAP_FIXED;
	else
		return p_unexpected(P, *i);
	if (p_once(P, *i, seen, flag) < 0)
		return -OVC_E_PARSE;
	st->u.mremap.flags |= flag;
	(*i)++;
	return flag == OVC_MREMAP_FIXED ? p_addr(P, &v, &st->u.mremap.addr) : 0;
}

int p_mremap(struct parser *P, struct sc_stmt *st)
{
	uint32_t seen = 0;
	size_t i = 2;
	char q[64];
	int r = region_at(P, st, 1);

	if (r == 0)
		r = p_size(P, &i, 1, &st->size);
	while (r == 0 && i < P->ln->n)
		r = mremap_opt(P, st, &i, &seen);
	if (r < 0)
		return r;
	/* A TASK:REGION seen from another task moves only that task's copy;
	 * the region's own name must keep the original task's range. */
	if (st->def < 0 && st->task != P->s->names[st->ref.name].owner)
		return p_err(P, P->ln->w[1].col, "mremap of %s must name the result with \"as\"",
			     sc_quote(q, sizeof(q), P->ln->w[1].s, P->ln->w[1].len));
	return 0;
}

int p_brk(struct parser *P, struct sc_stmt *st)
{
	struct sc_word v;
	size_t i = 2;
	int r = task_at(P, st, 1);

	if (r < 0)
		return r;
	if (P->ln->n < 3)
		return p_expected(P, 2, "+SIZE, -SIZE or SIZE");
	v = P->ln->w[2];
	if (v.s[0] == '+' || v.s[0] == '-') {
		st->u.brk.sign = v.s[0] == '+' ? 1 : -1;
		v.s++, v.len--, v.col++;
	}
	r = p_size_value(P, &i, &v, 1, &st->size);
	while (r == 0 && i < P->ln->n) {
		if (!sc_word_is(&P->ln->w[i], "as"))
			return p_unexpected(P, i);
		r = p_as(P, &i, SC_REGION, st->task, &st->def);
	}
	return r;
}

int p_fork(struct parser *P, struct sc_stmt *st)
{
	size_t i = 2;
	int r = task_at(P, st, 1);

	st->u.fork.how = st->op == SC_VFORK ? OVC_CLONE_VFORK :
			 st->op == SC_THREAD ? OVC_CLONE_VM : OVC_CLONE_FORK;
	if (r < 0 || i >= P->ln->n)
		return r;
	if (!sc_word_is(&P->ln->w[i], "as"))
		return p_unexpected(P, i);
	r = p_as(P, &i, SC_TASK, -1, &st->def);
	return r < 0 ? r : p_end(P, i);
}

static const char *const image_keys[SC_IMG_COUNT] = {
	[SC_IMG_TEXT] = "text", [SC_IMG_DATA] = "data", [SC_IMG_BSS] = "bss",
	[SC_IMG_STACK] = "stack",
};

int p_exec(struct parser *P, struct sc_stmt *st)
{
	uint32_t seen = 0;
	struct sc_word v;
	size_t i = 2;
	int r = task_at(P, st, 1), k;

	while (r == 0 && i < P->ln->n) {
		for (k = 0; k < SC_IMG_COUNT; k++)
			if (p_kv(&P->ln->w[i], image_keys[k], &v))
				break;
		if (k == SC_IMG_COUNT)
			return p_unexpected(P, i);
		r = p_once(P, i, &seen, 1u << k);
		if (r == 0)
			r = p_size_value(P, &i, &v, 1, &st->u.exec.v[k]);
	}
	st->u.exec.given = (uint8_t)seen;
	return r;
}

int p_exit(struct parser *P, struct sc_stmt *st)
{
	int r = task_at(P, st, 1);

	return r < 0 ? r : p_end(P, 2);
}

int p_read(struct parser *P, struct sc_stmt *st)
{
	int r = p_name_use(P, 1, SC_FILE, &st->ref.name);

	return r < 0 ? r : region_opts(P, st, 2, NULL);
}

int p_drop_caches(struct parser *P, struct sc_stmt *st)
{
	(void)st;
	return p_end(P, 1);
}

#define SEEN_KEY (1u << 8)	/* beside the OVC_SHM_* flags, which mark their words */

static int shmget_opt(struct parser *P, struct sc_stmt *st, size_t *i, uint32_t *seen)
{
	const struct sc_word *w = &P->ln->w[*i];
	struct sc_word v;
	int64_t key = 0;
	unsigned flag;
	int r;

	if (sc_word_is(w, "as"))
		return p_as(P, i, SC_SEGMENT, -1, &st->def);
	if (sc_word_is(w, "noreserve"))
		flag = OVC_SHM_NORESERVE;
	else if (sc_word_is(w, "hugetlb"))
		flag = OVC_SHM_HUGETLB;
	else if (p_kv(w, "key", &v))
		flag = SEEN_KEY;
	else
		return p_unexpected(P, *i);
	if (p_once(P, *i, seen, flag) < 0)
		return -OVC_E_PARSE;
	(*i)++;
	if (flag != SEEN_KEY) {
		st->u.shmget.flags |= flag;
		return 0;
	}
	r = p_int(P, &v, INT32_MIN, INT32_MAX, "key=", &key);
	st->u.shmget.key = (int32_t)key;
	return r;
}

int p_shmget(struct parser *P, struct sc_stmt *st)
{
	uint32_t seen = 0;
	size_t i = 2;
	int r = task_at(P, st, 1);

	if (r == 0)
		r = p_size(P, &i, 1, &st->size);
	while (r == 0 && i < P->ln->n)
		r = shmget_opt(P, st, &i, &seen);
	if (r == 0 && st->def < 0)
		return p_expected(P, i, "\"as SEGMENT\"");
	return r;
}

int p_shmat(struct parser *P, struct sc_stmt *st)
{
	size_t i = 3;
	int r = task_at(P, st, 1);

	if (r == 0)
		r = p_name_use(P, 2, SC_SEGMENT, &st->ref.name);
	while (r == 0 && i < P->ln->n) {
		if (sc_word_is(&P->ln->w[i], "ro") && !st->u.shmat.ro)
			st->u.shmat.ro = 1, i++;
		else if (sc_word_is(&P->ln->w[i], "as"))
			r = p_as(P, &i, SC_REGION, st->task, &st->def);
		else
			r = p_unexpected(P, i);
	}
	return r;
}

int p_shmdt(struct parser *P, struct sc_stmt *st)
{
	int r = region_at(P, st, 1);

	return r < 0 ? r : p_end(P, 2);
}

int p_shmrm(struct parser *P, struct sc_stmt *st)
{
	int r = p_name_use(P, 1, SC_SEGMENT, &st->ref.name);

	return r < 0 ? r : p_end(P, 2);
}

int p_rlimit(struct parser *P, struct sc_stmt *st)
{
	static const char *const res[] = { "as", "data", "memlock", "stack" };
	size_t i = 3, k;
	int r = task_at(P, st, 1);

	if (r < 0)
		return r;
	for (k = 0; k < 4; k++)
		if (P->ln->n > 2 && sc_word_is(&P->ln->w[2], res[k]))
			st->u.rlimit.which = "ADLS"[k];
	if (!st->u.rlimit.which)
		return p_expected(P, 2, "as, data, memlock or stack");
	if (i < P->ln->n && sc_word_is(&P->ln->w[i], "unlimited")) {
		st->u.rlimit.unlimited = 1;
		i++;
	} else {
		r = p_size(P, &i, 1, &st->size);
	}
	return r < 0 ? r : p_end(P, i);
}

int p_mlockall(struct parser *P, struct sc_stmt *st)
{
	int r = task_at(P, st, 1);

	if (r < 0 || P->ln->n < 3)
		return r;
	if (!sc_word_is(&P->ln->w[2], "future"))
		return p_unexpected(P, 2);
	st->u.mlockall.future = 1;
	return p_end(P, 3);
}
