/* run_ops.c - scenario runner: one function per operation, calling the model (ops.h) and naming what it made.
 *
 * Each function resolves its names and sizes first (a misuse is an error
 * before any step is recorded), then records the step, calls the model
 * and stores the result. Regions, segments and tasks named with `as` are
 * defined only when the call succeeded (res.err == 0). The checks of a
 * REGION, SEGMENT or FILE word and the range arithmetic are regions.c's,
 * shared with the real executor; this file lends it rt_task and rt_size.
 *
 * Units: bytes; region lengths are rounded up to whole pages (huge pages
 * for hugetlb mappings and segments), as the kernel rounds the mapping.
 */
#include <string.h>

#include "scenario/run.h"

static uint64_t huge_bytes(const struct run *R)
{
	return R->m.huge.size_kb << 10;
}

static int task_of(void *ctx, int n, unsigned col, int *tid)
{
	return rt_task(ctx, n, col, tid);
}

static int size_of(void *ctx, const struct sc_size *z, uint64_t *bytes)
{
	return rt_size(ctx, z, bytes);
}

/* The runner as regions.c sees it, for the statement running. */
static struct sc_rt rt(struct run *R)
{
	return (struct sc_rt){ .s = R->s, .st = R->st, .e = R->e, .ctx = R,
			       .task = task_of, .size = size_of };
}

/* 0 if name n exists (its defining line succeeded), else the error at col. */
static int need(struct run *R, int n, unsigned col)
{
	struct sc_rt u = rt(R);

	return sc_rt_made(&u, n, R->nm[n].made, col);
}

static void define_region(struct run *R, int n, int tid, uint64_t start, uint64_t len)
{
	R->nm[n].made = 1;
	R->nm[n].region = (struct sc_region){ .task = tid, .start = start, .len = len };
}

/* The region of ref: its acting task and the byte range (off=/len= applied). */
static int region_range(struct run *R, const struct sc_ref *ref, int *tid,
			uint64_t *addr, uint64_t *len)
{
	const struct rt_name *rg = &R->nm[ref->name];
	struct sc_rt u = rt(R);

	return sc_region_range(&u, ref, rg->made ? &rg->region : NULL, tid, addr, len);
}

static int op_mmap(struct run *R)
{
	const struct sc_stmt *st = R->st;
	struct ovc_mmap_req q = {
		.addr = st->u.mmap.addr, .prot = st->u.mmap.prot, .flags = st->u.mmap.flags,
	};
	struct ovc_result res = { 0 };
	int tid, r = rt_task(R, st->task, st->arg_col, &tid);

	if (r == 0)
		r = rt_size(R, &st->size, &q.len);
	if (r == 0)
		r = rt_size(R, &st->u.mmap.offset, &q.offset);
	if (r == 0 && st->u.mmap.file >= 0 && (r = need(R, st->u.mmap.file, st->col)) == 0)
		q.obj = R->nm[st->u.mmap.file].obj;
	if (r == 0)
		r = rt_step(R, st->task, tid);
	if (r < 0)
		return r;
	r = ovc_mmap(&R->m, tid, &q, &res);
	if (r == 0 && res.err == 0 && st->def >= 0)
		define_region(R, st->def, tid, res.addr, sc_round_up(q.len,
			      q.flags & OVC_MAP_HUGETLB ? huge_bytes(R) : R->m.page_size));
	return rt_done(R, r, &res);
}

/* munmap, mprotect, madvise, touch: a range of a region. */
static int op_range(struct run *R)
{
	const struct sc_stmt *st = R->st;
	struct ovc_result res = { 0 };
	uint64_t addr = 0, len = 0;
	int tid, r = region_range(R, &st->ref, &tid, &addr, &len);

	if (r == 0)
		r = rt_step(R, st->task, tid);
	if (r < 0)
		return r;
	switch (st->op) {
	case SC_MUNMAP:
		r = ovc_munmap(&R->m, tid, addr, len, &res);
		break;
	case SC_MPROTECT:
		r = ovc_mprotect(&R->m, tid, addr, len, st->u.mprotect.prot, &res);
		break;
	case SC_MADVISE:
		r = ovc_madvise(&R->m, tid, addr, len, st->u.madvise.advice, &res);
		break;
	default:
		r = ovc_touch(&R->m, tid, addr, len, st->u.touch.write, &res);
		break;
	}
	return rt_done(R, r, &res);
}

static int op_mremap(struct run *R)
{
	const struct sc_stmt *st = R->st;
	struct ovc_result res = { 0 };
	uint64_t addr = 0, len = 0, new_len = 0;
	int tid, r = region_range(R, &st->ref, &tid, &addr, &len);

	if (r == 0)
		r = rt_size(R, &st->size, &new_len);
	if (r == 0)
		r = rt_step(R, st->task, tid);
	if (r < 0)
		return r;
	r = ovc_mremap(&R->m, tid, addr, len, new_len, st->u.mremap.flags,
		       st->u.mremap.addr, &res);
	if (r == 0 && res.err == 0)
		define_region(R, st->def >= 0 ? st->def : st->ref.name, tid, res.addr,
			      sc_round_up(new_len, R->m.page_size));
	return rt_done(R, r, &res);
}

static int op_brk(struct run *R)
{
	const struct sc_stmt *st = R->st;
	struct ovc_result res = { 0 };
	const struct ovc_mm *mm;
	uint64_t size, to;
	int tid, r = rt_task(R, st->task, st->arg_col, &tid);

	if (r == 0)
		r = rt_size(R, &st->size, &size);
	if (r < 0)
		return r;
	mm = R->m.tasks[tid].mm;
	if (!mm)
		return rt_err(R, st->arg_col, OVC_E_STATE, "task \"%s\" has no address space",
			      R->s->names[st->task].name);
	if (st->u.brk.sign < 0)
		to = size > mm->brk_bytes ? 0 : mm->brk_bytes - size;
	else if (__builtin_add_overflow(st->u.brk.sign > 0 ? mm->brk_bytes : mm->brk_start_bytes,
					size, &to))
		return rt_err(R, st->size.col, OVC_E_STATE, "the new break overflows the address space");
	r = rt_step(R, st->task, tid);
	if (r < 0)
		return r;
	r = ovc_brk(&R->m, tid, to, &res);
	mm = R->m.tasks[tid].mm;
	if (r == 0 && res.err == 0 && st->def >= 0 && mm && res.addr >= mm->brk_start_bytes)
		define_region(R, st->def, tid, mm->brk_start_bytes,
			      sc_round_up(res.addr, R->m.page_size) - mm->brk_start_bytes);
	return rt_done(R, r, &res);
}

static int op_fork(struct run *R)
{
	const struct sc_stmt *st = R->st;
	struct ovc_result res = { 0 };
	int tid, r = rt_task(R, st->task, st->arg_col, &tid);

	if (r == 0)
		r = rt_step(R, st->task, tid);
	if (r < 0)
		return r;
	r = ovc_fork(&R->m, tid, st->u.fork.how, &res);
	if (r == 0 && res.err == 0 && st->def >= 0 && res.child >= 0) {
		R->nm[st->def].made = 1;
		R->nm[st->def].tid = res.child;
	}
	return rt_done(R, r, &res);
}

static int op_exec(struct run *R)
{
	const struct sc_stmt *st = R->st;
	struct ovc_result res = { 0 };
	struct ovc_image img;
	uint64_t *field[SC_IMG_COUNT] = { &img.text, &img.data, &img.bss, &img.stack };
	int tid, k, r = rt_task(R, st->task, st->arg_col, &tid);

	ovc_image_default(&img);
	for (k = 0; r == 0 && k < SC_IMG_COUNT; k++)
		if (st->u.exec.given & (1u << k))
			r = rt_size(R, &st->u.exec.v[k], field[k]);
	if (r == 0)
		r = rt_step(R, st->task, tid);
	if (r < 0)
		return r;
	return rt_done(R, ovc_execve(&R->m, tid, &img, &res), &res);
}

static int op_exit(struct run *R)
{
	const struct sc_stmt *st = R->st;
	struct ovc_result res = { 0 };
	int tid, r = rt_task(R, st->task, st->arg_col, &tid);

	if (r == 0)
		r = rt_step(R, st->task, tid);
	if (r < 0)
		return r;
	r = ovc_exit(&R->m, tid, &res);
	if (r == 0) {
		R->nm[st->task].exited = 1;
		R->nm[st->task].exit_line = st->line;
	}
	return rt_done(R, r, &res);
}

static int op_read(struct run *R)
{
	const struct sc_stmt *st = R->st;
	const struct rt_name *f = &R->nm[st->ref.name];
	struct ovc_result res = { 0 };
	struct sc_rt u = rt(R);
	uint64_t off, len;
	int r = sc_file_range(&u, &st->ref, f->made, f->bytes, &off, &len);

	if (r == 0)
		r = rt_step(R, -1, -1);
	if (r < 0)
		return r;
	return rt_done(R, ovc_file_read(&R->m, f->obj, off, len, &res), &res);
}

static int op_shmget(struct run *R)
{
	const struct sc_stmt *st = R->st;
	struct rt_name *seg = &R->nm[st->def];
	struct ovc_result res = { 0 };
	uint64_t bytes = 0;
	int tid, r = rt_task(R, st->task, st->arg_col, &tid);

	if (r == 0)
		r = rt_size(R, &st->size, &bytes);
	if (r == 0)
		r = rt_step(R, st->task, tid);
	if (r < 0)
		return r;
	r = ovc_shmget(&R->m, tid, st->u.shmget.key, bytes, st->u.shmget.flags, &res);
	if (r == 0 && res.err == 0) {
		seg->made = 1;
		seg->shmid = res.id;
		seg->bytes = bytes;
		seg->hugetlb = (st->u.shmget.flags & OVC_SHM_HUGETLB) != 0;
	}
	return rt_done(R, r, &res);
}

static int op_shmat(struct run *R)
{
	const struct sc_stmt *st = R->st;
	const struct rt_name *seg = &R->nm[st->ref.name];
	struct ovc_result res = { 0 };
	int tid, r = rt_task(R, st->task, st->arg_col, &tid);

	if (r == 0)
		r = need(R, st->ref.name, st->arg_col);
	if (r == 0)
		r = rt_step(R, st->task, tid);
	if (r < 0)
		return r;
	r = ovc_shmat(&R->m, tid, seg->shmid, st->u.shmat.ro, &res);
	if (r == 0 && res.err == 0 && st->def >= 0)
		define_region(R, st->def, tid, res.addr, sc_round_up(seg->bytes,
			      seg->hugetlb ? huge_bytes(R) : R->m.page_size));
	return rt_done(R, r, &res);
}

static int op_shmdt(struct run *R)
{
	const struct sc_stmt *st = R->st;
	struct ovc_result res = { 0 };
	uint64_t addr = 0, len = 0;
	int tid, r = region_range(R, &st->ref, &tid, &addr, &len);

	if (r == 0)
		r = rt_step(R, st->task, tid);
	if (r < 0)
		return r;
	return rt_done(R, ovc_shmdt(&R->m, tid, addr, &res), &res);
}

static int op_shmrm(struct run *R)
{
	const struct rt_name *seg = &R->nm[R->st->ref.name];
	struct ovc_result res = { 0 };
	int r = need(R, R->st->ref.name, R->st->arg_col);

	if (r == 0)
		r = rt_step(R, -1, -1);
	if (r < 0)
		return r;
	return rt_done(R, ovc_shm_rmid(&R->m, seg->shmid, &res), &res);
}

static int op_rlimit(struct run *R)
{
	const struct sc_stmt *st = R->st;
	struct ovc_result res = { 0 };
	uint64_t bytes = OVC_UNLIMITED;
	int tid, r = rt_task(R, st->task, st->arg_col, &tid);

	if (r == 0 && !st->u.rlimit.unlimited)
		r = rt_size(R, &st->size, &bytes);
	if (r == 0)
		r = rt_step(R, st->task, tid);
	if (r < 0)
		return r;
	return rt_done(R, ovc_setrlimit(&R->m, tid, st->u.rlimit.which, bytes), &res);
}

static int op_mlockall(struct run *R)
{
	const struct sc_stmt *st = R->st;
	struct ovc_result res = { 0 };
	int tid, r = rt_task(R, st->task, st->arg_col, &tid);

	if (r == 0)
		r = rt_step(R, st->task, tid);
	if (r < 0)
		return r;
	return rt_done(R, ovc_mlockall(&R->m, tid, st->u.mlockall.future ? OVC_MCL_FUTURE :
					 OVC_MCL_CURRENT, &res), &res);
}

static int op_drop_caches(struct run *R)
{
	struct ovc_result res = { 0 };
	int r = rt_step(R, -1, -1);

	if (r < 0)
		return r;
	ovc_drop_caches(&R->m, &res);
	return rt_done(R, 0, &res);
}

static int (*const op_table[SC_OP_COUNT])(struct run *R) = {
	[SC_MMAP] = op_mmap, [SC_MUNMAP] = op_range, [SC_MPROTECT] = op_range,
	[SC_MADVISE] = op_range, [SC_TOUCH] = op_range, [SC_MREMAP] = op_mremap,
	[SC_BRK] = op_brk, [SC_FORK] = op_fork, [SC_VFORK] = op_fork,
	[SC_THREAD] = op_fork, [SC_EXEC] = op_exec, [SC_EXIT] = op_exit,
	[SC_READ] = op_read, [SC_DROP_CACHES] = op_drop_caches, [SC_SHMGET] = op_shmget,
	[SC_SHMAT] = op_shmat, [SC_SHMDT] = op_shmdt, [SC_SHMRM] = op_shmrm,
	[SC_RLIMIT] = op_rlimit, [SC_MLOCKALL] = op_mlockall,
	[SC_CLOCK] = rt_clock, [SC_OOM_SCORE_ADJ] = rt_adj_write, [SC_OOM_ADJ] = rt_adj_write,
};

int rt_op(struct run *R)
{
	int (*fn)(struct run *) = op_table[R->st->op];

	if (!fn)
		OVC_BUG("scenario statement without a runner");
	return fn(R);
}
