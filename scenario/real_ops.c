/* real_ops.c - the real executor, controller side: one function per operation, sending it to the task that makes the system call.
 *
 * Each function resolves its names and sizes first (a misuse is an error
 * before any step is recorded, as in run_ops.c), records the step, sends
 * the command, and stores what came back. Regions, segments and tasks
 * named with `as` are defined only when the call succeeded. Operations
 * that are not a task's (read, drop_caches, shmrm) run in the controller.
 * The checks of a REGION, SEGMENT or FILE word and the range arithmetic
 * are regions.c's, shared with the model runner.
 *
 * Units: bytes; region lengths are rounded up to whole pages (huge pages
 * for hugetlb mappings and segments), as the kernel rounds the mapping.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <string.h>
#include <sys/ipc.h>
#include <sys/shm.h>
#include <sys/wait.h>
#include <unistd.h>

#include "scenario/ast.h"
#include "scenario/real.h"
#include "scenario/real_cgroup.h"

static int task_of(void *ctx, int n, unsigned col, int *tix)
{
	return real_task_of(ctx, n, col, tix);
}

static int size_of(void *ctx, const struct sc_size *z, uint64_t *bytes)
{
	return real_size(ctx, z, bytes);
}

/* The executor as regions.c sees it, for the statement running. */
static struct sc_rt rt(struct ovc_real *X)
{
	return (struct sc_rt){ .s = X->s, .st = X->st, .e = X->e, .ctx = X,
			       .task = task_of, .size = size_of };
}

/* 0 if name n exists (its defining line succeeded), else the error at col. */
static int need(struct ovc_real *X, int n, unsigned col)
{
	struct sc_rt u = rt(X);

	return sc_rt_made(&u, n, X->nm[n].made, col);
}

static void define_region(struct ovc_real *X, int n, int tix, uint64_t start, uint64_t len)
{
	X->nm[n].made = 1;
	X->nm[n].region = (struct sc_region){ .task = tix, .start = start, .len = len };
}

/* The region of ref: its acting task and the byte range (off=/len= applied). */
static int region_range(struct ovc_real *X, const struct sc_ref *ref, int *tix,
			uint64_t *addr, uint64_t *len)
{
	const struct real_name *rg = &X->nm[ref->name];
	struct sc_rt u = rt(X);

	return sc_region_range(&u, ref, rg->made ? &rg->region : NULL, tix, addr, len);
}

/* The task died during the step: killed (the OOM killer's SIGKILL) is a
 * result; any other death is an error of the executor. */
static int died(struct ovc_real *X, int tix, struct ovc_result *res)
{
	int w = X->tasks[tix].wstatus;

	if (w >= 0 && WIFSIGNALED(w) && WTERMSIG(w) == SIGKILL) {
		res->cause = OVC_CAUSE_OOM;
		return 0;
	}
	return real_err(X, X->st->col, OVC_E_IO, "task \"%s\" (pid %d) died during this line (%s %d)",
			X->s->names[X->tasks[tix].name].name, X->tasks[tix].pid,
			w >= 0 && WIFSIGNALED(w) ? "signal" : "status",
			w < 0 ? -1 : WIFSIGNALED(w) ? WTERMSIG(w) : WEXITSTATUS(w));
}

/* Send m to task tix and put its answer in res: 0 (res filled, also
 * when the task was OOM-killed), or an error. */
static int call(struct ovc_real *X, int tix, const struct real_msg *m, int fd,
		struct ovc_result *res, struct real_reply *rp)
{
	int r = real_task_call(X, tix, m, fd, rp);

	if (r == 1)
		return died(X, tix, res);
	if (r == 0)
		res->err = rp->err;
	return r;
}

/* The step of a task's operation: record, call, finish. */
static int task_step(struct ovc_real *X, int tix, const struct real_msg *m, int fd,
		     struct ovc_result *res, struct real_reply *rp)
{
	int r = real_step(X, X->st->task, tix);

	if (r == 0)
		r = call(X, tix, m, fd, res, rp);
	else if (fd >= 0)
		close(fd);
	return r;
}

static int op_mmap(struct ovc_real *X)
{
	const struct sc_stmt *st = X->st;
	struct real_msg m = { .cmd = RC_MMAP };
	struct ovc_result res = { 0 };
	struct real_reply rp = { 0 };
	int tix, fd = -1, r = real_task_of(X, st->task, st->arg_col, &tix);

	if (r == 0)
		r = real_size(X, &st->size, &m.a[1]);
	if (r == 0)
		r = real_size(X, &st->u.mmap.offset, &m.a[4]);
	if (r == 0 && st->u.mmap.file >= 0 && (r = need(X, st->u.mmap.file, st->col)) == 0) {
		const struct real_name *f = &X->nm[st->u.mmap.file];

		fd = open(f->path, O_RDWR | O_CLOEXEC);
		if (fd < 0)
			return real_err(X, st->col, OVC_E_IO, "cannot open %s: %s", f->path,
					strerror(errno));
	}
	if (r < 0)
		return r;
	m.a[0] = st->u.mmap.addr;
	m.a[2] = st->u.mmap.prot;
	m.a[3] = st->u.mmap.flags;
	r = task_step(X, tix, &m, fd, &res, &rp);
	if (r < 0)
		return r;
	res.addr = rp.v[0];
	if (res.err == 0 && !res.cause && st->def >= 0)
		define_region(X, st->def, tix, rp.v[0], sc_round_up(m.a[1],
			      st->u.mmap.flags & OVC_MAP_HUGETLB ? X->huge_page : X->page));
	return real_done(X, &res);
}

/* Resident pages of tix (smaps' Rss: exact, where VmRSS may lag). */
static uint64_t rss_pages(struct ovc_real *X, int tix)
{
	struct ovc_real_smaps a;

	ovc_real_smaps_init(&a, NULL, 0);
	if (X->tasks[tix].dead || real_read_smaps(X->tasks[tix].pid, &a) < 0)
		return 0;
	return a.rss_kb / (X->page >> 10);
}

/* munmap, mprotect, madvise, touch: a range of a region. */
static int op_range(struct ovc_real *X)
{
	static const uint32_t cmd[SC_OP_COUNT] = {
		[SC_MUNMAP] = RC_MUNMAP, [SC_MPROTECT] = RC_MPROTECT,
		[SC_MADVISE] = RC_MADVISE, [SC_TOUCH] = RC_TOUCH,
	};
	const struct sc_stmt *st = X->st;
	struct real_msg m = { .cmd = cmd[st->op] };
	struct ovc_result res = { 0 };
	struct real_reply rp = { 0 };
	uint64_t before = 0, after;
	int tix, r = region_range(X, &st->ref, &tix, &m.a[0], &m.a[1]);

	if (r < 0)
		return r;
	m.a[2] = st->op == SC_MPROTECT ? st->u.mprotect.prot :
		 st->op == SC_MADVISE ? (uint64_t)st->u.madvise.advice :
		 st->op == SC_TOUCH ? (uint64_t)st->u.touch.write : 0;
	if (st->op == SC_TOUCH)
		before = rss_pages(X, tix);
	r = task_step(X, tix, &m, -1, &res, &rp);
	if (r < 0)
		return r;
	if (st->op == SC_TOUCH) {
		after = rss_pages(X, tix);
		res.touched = after > before ? after - before : 0;
	}
	return real_done(X, &res);
}

static int op_mremap(struct ovc_real *X)
{
	const struct sc_stmt *st = X->st;
	struct real_msg m = { .cmd = RC_MREMAP };
	struct ovc_result res = { 0 };
	struct real_reply rp = { 0 };
	int tix, r = region_range(X, &st->ref, &tix, &m.a[0], &m.a[1]);

	if (r == 0)
		r = real_size(X, &st->size, &m.a[2]);
	if (r < 0)
		return r;
	m.a[3] = st->u.mremap.flags;
	m.a[4] = st->u.mremap.addr;
	r = task_step(X, tix, &m, -1, &res, &rp);
	if (r < 0)
		return r;
	res.addr = rp.v[0];
	if (res.err == 0 && !res.cause)
		define_region(X, st->def >= 0 ? st->def : st->ref.name, tix, rp.v[0],
			      sc_round_up(m.a[2], X->page));
	return real_done(X, &res);
}

/* The heap starts at the task's start_brk (/proc/PID/stat), where the
 * ovc binary's own start-up data already sits: see docs/exec.md. */
static int op_brk(struct ovc_real *X)
{
	const struct sc_stmt *st = X->st;
	struct real_msg m = { .cmd = RC_BRK };
	struct ovc_result res = { 0 };
	struct real_reply rp = { 0 };
	struct ovc_real_stat ps;
	int tix, r = real_task_of(X, st->task, st->arg_col, &tix);

	if (r == 0)
		r = real_size(X, &st->size, &m.a[1]);
	if (r < 0)
		return r;
	if (real_read_stat(X->tasks[tix].pid, &ps) < 0)
		return real_err(X, st->arg_col, OVC_E_IO, "cannot read /proc/%d/stat",
				X->tasks[tix].pid);
	m.a[0] = (uint64_t)(int64_t)st->u.brk.sign;
	m.a[2] = ps.start_brk;
	r = task_step(X, tix, &m, -1, &res, &rp);
	if (r < 0)
		return r;
	res.addr = rp.v[0];
	if (res.err == 0 && !res.cause && st->def >= 0 && rp.v[0] >= ps.start_brk)
		define_region(X, st->def, tix, ps.start_brk,
			      sc_round_up(rp.v[0], X->page) - ps.start_brk);
	return real_done(X, &res);
}

static int op_fork(struct ovc_real *X)
{
	static const int cmd[SC_OP_COUNT] = {
		[SC_FORK] = RC_FORK, [SC_VFORK] = RC_VFORK, [SC_THREAD] = RC_THREAD,
	};
	const struct sc_stmt *st = X->st;
	struct ovc_result res = { 0 };
	struct real_reply rp = { 0 };
	int tix, child = -1, name, r = real_task_of(X, st->task, st->arg_col, &tix);

	if (r == 0)
		r = real_step(X, st->task, tix);
	if (r < 0)
		return r;
	name = st->def >= 0 ? st->def : X->tasks[tix].name;	/* unnamed: the parent's */
	r = real_task_clone(X, tix, cmd[st->op], name, &rp, &child);
	if (r == 1)
		r = died(X, tix, &res);
	else if (r == 0)
		res.err = rp.err;
	if (r < 0)
		return r;
	if (res.err == 0 && child >= 0) {
		res.child = child;
		if (st->def >= 0) {
			X->nm[st->def].made = 1;
			X->nm[st->def].task = child;
		}
	}
	return real_done(X, &res);
}

/* The new image is the ovc binary, whatever text=, data=, bss= and stack=
 * say (they are evaluated, so a bad expression still stops the run). */
static int op_exec(struct ovc_real *X)
{
	const struct sc_stmt *st = X->st;
	struct ovc_result res = { 0 };
	struct real_reply rp = { 0 };
	uint64_t ignored;
	int tix, k, r = real_task_of(X, st->task, st->arg_col, &tix);

	for (k = 0; r == 0 && k < SC_IMG_COUNT; k++)
		if (st->u.exec.given & (1u << k))
			r = real_size(X, &st->u.exec.v[k], &ignored);
	if (r == 0)
		r = real_step(X, st->task, tix);
	if (r < 0)
		return r;
	r = real_task_exec(X, tix, &rp);
	if (r == 1) {
		r = died(X, tix, &res);
		res.cause = res.cause ? res.cause : OVC_CAUSE_EXEC_KILLED;
	} else if (r == 0) {
		res.err = rp.err;
	}
	return r < 0 ? r : real_done(X, &res);
}

static int op_exit(struct ovc_real *X)
{
	const struct sc_stmt *st = X->st;
	struct ovc_result res = { 0 };
	int tix, r = real_task_of(X, st->task, st->arg_col, &tix);

	if (r == 0)
		r = real_step(X, st->task, tix);
	if (r == 0)
		r = real_task_exit(X, tix);
	if (r < 0)
		return r;
	X->nm[st->task].exited = 1;
	X->nm[st->task].exit_line = st->line;
	return real_done(X, &res);
}

/* read(2) of the file in the controller: its pages enter the page cache. */
static int read_range(const char *path, uint64_t off, uint64_t len)
{
	char buf[65536];
	int fd = open(path, O_RDONLY | O_CLOEXEC), err = 0;

	if (fd < 0)
		return errno;
	while (len) {
		ssize_t n = pread(fd, buf, len < sizeof(buf) ? (size_t)len : sizeof(buf), (off_t)off);

		if (n < 0 && errno == EINTR)
			continue;
		if (n <= 0) {
			err = n < 0 ? errno : 0;	/* end of file: done */
			break;
		}
		off += (uint64_t)n;
		len -= (uint64_t)n;
	}
	close(fd);
	return err;
}

static int op_read(struct ovc_real *X)
{
	const struct sc_stmt *st = X->st;
	const struct real_name *f = &X->nm[st->ref.name];
	struct ovc_result res = { 0 };
	struct sc_rt u = rt(X);
	uint64_t off, len;
	int r = sc_file_range(&u, &st->ref, f->made, f->bytes, &off, &len);

	if (r == 0)
		r = real_step(X, -1, -1);
	if (r < 0)
		return r;
	res.err = read_range(f->path, off, len);
	return real_done(X, &res);
}

static int op_shmget(struct ovc_real *X)
{
	const struct sc_stmt *st = X->st;
	struct real_name *seg = &X->nm[st->def];
	struct real_msg m = { .cmd = RC_SHMGET };
	struct ovc_result res = { 0 };
	struct real_reply rp = { 0 };
	int tix, r = real_task_of(X, st->task, st->arg_col, &tix);

	if (r == 0)
		r = real_size(X, &st->size, &m.a[1]);
	if (r < 0)
		return r;
	m.a[0] = (uint64_t)(int64_t)st->u.shmget.key;
	m.a[2] = st->u.shmget.flags;
	r = task_step(X, tix, &m, -1, &res, &rp);
	if (r < 0)
		return r;
	if (res.err == 0 && !res.cause) {
		res.id = (int)rp.v[0];
		seg->made = 1;
		seg->shmid = (int)rp.v[0];
		seg->bytes = m.a[1];
		seg->hugetlb = (st->u.shmget.flags & OVC_SHM_HUGETLB) != 0;
	}
	return real_done(X, &res);
}

static int op_shmat(struct ovc_real *X)
{
	const struct sc_stmt *st = X->st;
	const struct real_name *seg = &X->nm[st->ref.name];
	struct real_msg m = { .cmd = RC_SHMAT };
	struct ovc_result res = { 0 };
	struct real_reply rp = { 0 };
	int tix, r = real_task_of(X, st->task, st->arg_col, &tix);

	if (r == 0)
		r = need(X, st->ref.name, st->arg_col);
	if (r < 0)
		return r;
	m.a[0] = (uint64_t)seg->shmid;
	m.a[1] = (uint64_t)st->u.shmat.ro;
	r = task_step(X, tix, &m, -1, &res, &rp);
	if (r < 0)
		return r;
	res.addr = rp.v[0];
	if (res.err == 0 && !res.cause && st->def >= 0)
		define_region(X, st->def, tix, rp.v[0],
			      sc_round_up(seg->bytes, seg->hugetlb ? X->huge_page : X->page));
	return real_done(X, &res);
}

static int op_shmdt(struct ovc_real *X)
{
	const struct sc_stmt *st = X->st;
	struct real_msg m = { .cmd = RC_SHMDT };
	struct ovc_result res = { 0 };
	struct real_reply rp = { 0 };
	uint64_t len = 0;
	int tix, r = region_range(X, &st->ref, &tix, &m.a[0], &len);

	if (r == 0)
		r = task_step(X, tix, &m, -1, &res, &rp);
	return r < 0 ? r : real_done(X, &res);
}

static int op_shmrm(struct ovc_real *X)
{
	const struct real_name *seg = &X->nm[X->st->ref.name];
	struct ovc_result res = { 0 };
	int r = need(X, X->st->ref.name, X->st->arg_col);

	if (r == 0)
		r = real_step(X, -1, -1);
	if (r < 0)
		return r;
	res.err = shmctl(seg->shmid, IPC_RMID, NULL) < 0 ? errno : 0;
	return real_done(X, &res);
}

static int op_rlimit(struct ovc_real *X)
{
	const struct sc_stmt *st = X->st;
	struct real_msg m = { .cmd = RC_RLIMIT };
	struct ovc_result res = { 0 };
	struct real_reply rp = { 0 };
	int tix, r = real_task_of(X, st->task, st->arg_col, &tix);

	m.a[0] = (uint64_t)st->u.rlimit.which;
	m.a[1] = UINT64_MAX;
	if (r == 0 && !st->u.rlimit.unlimited)
		r = real_size(X, &st->size, &m.a[1]);
	if (r == 0)
		r = task_step(X, tix, &m, -1, &res, &rp);
	return r < 0 ? r : real_done(X, &res);
}

static int op_mlockall(struct ovc_real *X)
{
	const struct sc_stmt *st = X->st;
	struct real_msg m = { .cmd = RC_MLOCKALL };
	struct ovc_result res = { 0 };
	struct real_reply rp = { 0 };
	int tix, r = real_task_of(X, st->task, st->arg_col, &tix);

	m.a[0] = (uint64_t)st->u.mlockall.future;
	if (r == 0)
		r = task_step(X, tix, &m, -1, &res, &rp);
	return r < 0 ? r : real_done(X, &res);
}

static int op_drop_caches(struct ovc_real *X)
{
	struct ovc_result res = { 0 };
	int fd, r = real_step(X, -1, -1);

	if (r < 0)
		return r;
	errno = 0;
	fd = open("/proc/sys/vm/drop_caches", O_WRONLY | O_CLOEXEC);
	if (fd < 0 || write(fd, "1\n", 2) != 2)
		res.err = errno ? errno : EIO;
	if (fd >= 0)
		close(fd);
	return real_done(X, &res);
}

/* oom_score_adj TASK N, oom_adj TASK N: the task writes its own file,
 * so the kernel checks the task's own privilege. */
static int op_oom_write(struct ovc_real *X)
{
	const struct sc_stmt *st = X->st;
	struct real_msg m = { .cmd = RC_OOM_WRITE };
	struct ovc_result res = { 0 };
	struct real_reply rp = { 0 };
	int tix, r = real_task_of(X, st->task, st->arg_col, &tix);

	m.a[0] = st->op == SC_OOM_ADJ;
	m.a[1] = (uint64_t)(int64_t)st->u.adj.value;
	if (r == 0)
		r = task_step(X, tix, &m, -1, &res, &rp);
	return r < 0 ? r : real_done(X, &res);
}

/* Statements of the model's world that ovc exec does not carry out on a
 * real machine: the run stops with a clear error rather than doing
 * something else. */
static int op_model_only(struct ovc_real *X)
{
	static const char *const why[SC_OP_COUNT] = {
		[SC_CLOCK] = "the clock of a real machine cannot be moved",
	};
	const char *w = why[X->st->op] ? why[X->st->op] : "it has no real counterpart";

	return real_err(X, X->st->col, OVC_E_STATE, "\"%s\" is not run by ovc exec: %s",
			sc_op_text[X->st->op], w);
}

static int (*const op_table[SC_OP_COUNT])(struct ovc_real *X) = {
	[SC_MMAP] = op_mmap, [SC_MUNMAP] = op_range, [SC_MPROTECT] = op_range,
	[SC_MADVISE] = op_range, [SC_TOUCH] = op_range, [SC_MREMAP] = op_mremap,
	[SC_BRK] = op_brk, [SC_FORK] = op_fork, [SC_VFORK] = op_fork,
	[SC_THREAD] = op_fork, [SC_EXEC] = op_exec, [SC_EXIT] = op_exit,
	[SC_READ] = op_read, [SC_DROP_CACHES] = op_drop_caches, [SC_SHMGET] = op_shmget,
	[SC_SHMAT] = op_shmat, [SC_SHMDT] = op_shmdt, [SC_SHMRM] = op_shmrm,
	[SC_RLIMIT] = op_rlimit, [SC_MLOCKALL] = op_mlockall,
	[SC_CLOCK] = op_model_only, [SC_CGROUPLINE] = real_cgroup_op,
	[SC_OOM_SCORE_ADJ] = op_oom_write, [SC_OOM_ADJ] = op_oom_write,
	[SC_RANK] = real_op_rank,
};

int real_op(struct ovc_real *X)
{
	int (*fn)(struct ovc_real *) = op_table[X->st->op];

	if (!fn)
		OVC_BUG("scenario statement without an executor");
	return fn(X);
}
