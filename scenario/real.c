/* real.c - the real executor's driver: boot sysctls, then each statement as real system calls, recorded as a trace.
 *
 * Order, as the model runner (run.c) keeps it: the machine is measured
 * before anything is changed; the scenario's boot sysctls are written
 * before any task exists; then every statement runs in order. Setup task
 * lines spawn their processes silently; each operation (and each task or
 * sysctl line after the first operation) is a trace step; expect lines
 * are checked against the real values. At the end every task process is
 * killed and reaped, segments and files are removed and the sysctls the
 * run wrote are put back.
 *
 * Whom the OOM killer killed comes from the kernel log: /dev/kmsg is
 * opened at the start (only later records are read) and drained after
 * every step (real_kmsg.c); each "Killed process" record becomes a victim
 * of the step, in kill order, under the scenario's name of its pid.
 * Tasks that died by SIGKILL during an OOM step without a record of their
 * own are the processes sharing a victim's mm, which the kernel kills
 * silently: they follow as SHARER. Without the log (not root, no
 * /dev/kmsg) every task that died by SIGKILL is a victim, in task order.
 *
 * The controller's own memory must not move Committed_AS during the run:
 * its heap is grown once at the start and never given back (mallopt), so
 * the trace's small allocations come from memory already charged.
 *
 * Units: the scenario's sizes are bytes; the trace takes kB.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <malloc.h>
#include <signal.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ipc.h>
#include <sys/prctl.h>
#include <sys/shm.h>
#include <sys/statfs.h>
#include <sys/wait.h>
#include <unistd.h>

#include "ovc/profile.h"
#include "scenario/ast.h"
#include "scenario/real.h"
#include "scenario/real_kmsg.h"

#define HEAP_RESERVE	(8u << 20)	/* the controller's heap, charged once */
#define TMPFS_MAGIC_	0x01021994
#define RAMFS_MAGIC_	0x858458f6

int real_err(struct ovc_real *X, unsigned col, int code, const char *fmt, ...)
{
	struct ovc_err *e = X->e;
	va_list ap;

	if (!e)
		return -code;
	e->code = code;
	e->file = X->s->fname;
	e->line = X->st ? X->st->line : 0;
	e->col = col;
	va_start(ap, fmt);
	vsnprintf(e->msg, sizeof(e->msg), fmt, ap);
	va_end(ap);
	return -code;
}

void real_note(struct ovc_real *X, const char *fmt, ...)
{
	struct ovc_real_info *I = X->info;
	va_list ap;

	if (I->nnotes == sizeof(I->notes) / sizeof(I->notes[0]))
		return;
	va_start(ap, fmt);
	vsnprintf(I->notes[I->nnotes++], sizeof(I->notes[0]), fmt, ap);
	va_end(ap);
}

/* The driver's state beyond struct ovc_real (real.h has another owner):
 * every X this file is given is the one inside a struct real_run. */
struct real_run {
	struct ovc_real X;
	struct real_kmsg kmsg;
};

static struct real_kmsg *kmsg_of(struct ovc_real *X)
{
	return &((struct real_run *)(void *)((char *)X - offsetof(struct real_run, X)))->kmsg;
}

int real_size(struct ovc_real *X, const struct sc_size *z, uint64_t *bytes)
{
	if (z->expr && !X->have_mi) {
		if (real_read_meminfo(&X->mi, NULL) < 0)
			return real_err(X, z->col, OVC_E_IO, "cannot read /proc/meminfo");
		X->have_mi = 1;
	}
	return sc_size_eval(X->s, z, &X->mi, X->st->line, bytes, X->e);
}

int real_task_of(struct ovc_real *X, int n, unsigned col, int *tix)
{
	const struct sc_name *name = &X->s->names[n];
	const struct real_name *rn = &X->nm[n];
	const struct real_task *T;

	if (!rn->made)
		return real_err(X, col, OVC_E_STATE,
				"task \"%s\" does not exist: its creation at line %u failed",
				name->name, name->line);
	if (rn->exited)
		return real_err(X, col, OVC_E_STATE, "task \"%s\" exited at line %u",
				name->name, rn->exit_line);
	T = &X->tasks[rn->task];
	if (T->dead)
		return real_err(X, col, OVC_E_STATE, "task \"%s\" (pid %d) died at line %u%s",
				name->name, T->pid, T->death_line,
				T->wstatus >= 0 && WIFSIGNALED(T->wstatus) &&
				WTERMSIG(T->wstatus) == SIGKILL ? " (SIGKILL: the OOM killer)" : "");
	if (T->vfork_child >= 0)
		return real_err(X, col, OVC_E_STATE,
				"task \"%s\" is suspended in vfork until \"%s\" execs or exits",
				name->name, X->s->names[X->tasks[T->vfork_child].name].name);
	*tix = rn->task;
	return 0;
}

/* ---- steps ---- */

int real_step(struct ovc_real *X, int name, int tix)
{
	const struct sc_stmt *st = X->st;
	struct ovc_step *step;

	if (real_read_meminfo(&X->before, NULL) < 0)
		return real_err(X, st->col, OVC_E_IO, "cannot read /proc/meminfo");
	X->oom_before = real_read_oom_kills();
	step = ovc_trace_step(X->t, st->line, st->text, sc_op_text[st->op],
			      name >= 0 ? X->s->names[name].name : NULL);
	if (!step)
		return real_err(X, st->col, OVC_E_NOMEM, "out of memory");
	step->pid = tix >= 0 ? X->tasks[tix].pid : 0;
	return 0;
}

/* ---- the victims of a step ---- */

static int has_victim(const struct ovc_step *s, int pid)
{
	for (size_t i = 0; i < s->nvictims; i++)
		if (s->victims[i].pid == pid)
			return 1;
	return 0;
}

/* The scenario's name of the task with this pid (the latest made), or NULL. */
static const char *name_of_pid(const struct ovc_real *X, int pid)
{
	for (size_t i = X->ntasks; i-- > 0;)
		if (X->tasks[i].pid == pid)
			return X->tasks[i].name >= 0 ? X->s->names[X->tasks[i].name].name : NULL;
	return NULL;
}

struct kill_sink {
	struct ovc_real *X;
	int nomem;
};

/* One "Killed process" record. An oom.group kill prints the victim again
 * while it still has its mm: a pid is a victim of a step once. */
static int record_kill(void *arg, const struct ovc_real_kill *k)
{
	struct kill_sink *ks = arg;
	struct ovc_real *X = ks->X;

	if (has_victim(&X->t->steps[X->t->nsteps - 1], k->pid))
		return 0;
	if (ovc_trace_victim(X->t, name_of_pid(X, k->pid), k->pid, k->reason) < 0) {
		ks->nomem = 1;
		return -1;
	}
	return 0;
}

/* Tasks that died by SIGKILL during this step and that no record named:
 * with the log, the processes sharing a victim's mm (killed without a
 * record since 4.x); without it, every victim (in task order). */
static int record_silent_kills(struct ovc_real *X, enum ovc_oom_kill_reason why)
{
	const struct ovc_step *step = &X->t->steps[X->t->nsteps - 1];

	for (size_t i = 0; i < X->ntasks; i++) {
		const struct real_task *T = &X->tasks[i];

		if (!T->dead || T->death_line != X->st->line || T->wstatus < 0 ||
		    !WIFSIGNALED(T->wstatus) || WTERMSIG(T->wstatus) != SIGKILL ||
		    has_victim(step, T->pid))
			continue;
		if (ovc_trace_victim(X->t, T->name >= 0 ? X->s->names[T->name].name : NULL, T->pid,
				     why) < 0)
			return real_err(X, X->st->col, OVC_E_NOMEM, "out of memory");
	}
	return 0;
}

/* The kernel log's kill records since the last step (read after every
 * step: cheap, and a kill the kernel made late still lands somewhere),
 * then, after an OOM step, the silent kills. */
static int record_victims(struct ovc_real *X, int oom)
{
	struct real_kmsg *km = kmsg_of(X);
	struct kill_sink ks = { .X = X };
	uint64_t lost = km->lost;
	int n = real_kmsg_drain(km, record_kill, &ks);

	if (ks.nomem)
		return real_err(X, X->st->col, OVC_E_NOMEM, "out of memory");
	if (n < 0) {
		real_note(X, "line %u: reading /dev/kmsg failed (%s): from here on an OOM victim is any task "
			  "that died by SIGKILL", X->st->line, strerror(-n));
		real_kmsg_close(km);
	}
	if (km->lost > lost)
		real_note(X, "line %u: kernel log records were overwritten before they were read: "
			  "victims may be missing", X->st->line);
	if (!oom)
		return 0;
	return record_silent_kills(X, km->fd >= 0 ? OVC_OOM_KILL_SHARER : OVC_OOM_KILL_VICTIM);
}

int real_done(struct ovc_real *X, const struct ovc_result *res)
{
	struct ovc_step *step = &X->t->steps[X->t->nsteps - 1];
	uint64_t page_kb = X->page >> 10;
	struct ovc_meminfo mi;
	int64_t kills = real_read_oom_kills();
	int oom = kills > X->oom_before && X->oom_before >= 0, r;

	/* As the model records it: the step's result is OOM only when its own
	 * task was killed (the caller saw it die); a kill of another task
	 * leaves the call's own result, with the kills counted. */
	step->res = *res;
	if (oom) {
		step->res.oom_kills = (uint32_t)(kills - X->oom_before);
		real_task_sweep(X);
	}
	r = record_victims(X, oom);
	if (r < 0)
		return r;
	if (real_read_meminfo(&mi, NULL) < 0)
		return real_err(X, X->st->col, OVC_E_IO, "cannot read /proc/meminfo");
	step->res.delta = ((int64_t)mi.committed_as - (int64_t)X->before.committed_as) /
			  (int64_t)(page_kb ? page_kb : 4);
	step->committed_kb = mi.committed_as;
	step->committed_exact_kb = mi.committed_as;	/* exact on 5.9+; see docs/exec.md */
	step->commit_limit_kb = mi.commit_limit;
	step->mem_free_kb = mi.mem_free;
	return 0;
}

/* ---- sysctls ---- */

static void sysctl_save(struct ovc_real *X, int key)
{
	if (X->saved_mask & (1u << key))
		return;
	if (real_sysctl_read(ovc_sysctl_name(key), &X->saved[key]) == 0)
		X->saved_mask |= 1u << key;
}

/* Writing overcommit_ratio clears overcommit_kbytes and the reverse: put
 * back only the one that was in force. */
static void sysctl_restore(struct ovc_real *X)
{
	int k, kb = OVC_SYSCTL_OVERCOMMIT_KBYTES, ratio = OVC_SYSCTL_OVERCOMMIT_RATIO;

	for (k = 0; k < OVC_SYSCTL_COUNT; k++)
		if ((X->saved_mask & (1u << k)) && k != kb && k != ratio)
			real_sysctl_write(ovc_sysctl_name(k), X->saved[k]);
	if (!(X->saved_mask & (1u << kb | 1u << ratio)))
		return;
	sysctl_save(X, kb);
	sysctl_save(X, ratio);
	if (X->saved[kb])
		real_sysctl_write(ovc_sysctl_name(kb), X->saved[kb]);
	else
		real_sysctl_write(ovc_sysctl_name(ratio), X->saved[ratio]);
}

static int sysctl_apply(struct ovc_real *X, int key, int64_t v)
{
	sysctl_save(X, key);
	return real_sysctl_write(ovc_sysctl_name(key), v);
}

/* The setup's sysctl and hugepages lines, before any task exists. */
static int boot_sysctls(struct ovc_real *X)
{
	size_t i;
	int r;

	for (i = 0; i < X->s->nst; i++) {
		const struct sc_stmt *st = &X->s->st[i];

		if (!st->setup || (st->op != SC_SYSCTL && st->op != SC_HUGEPAGES))
			continue;
		X->st = st;
		r = sysctl_apply(X, st->u.sysctl.key, st->u.sysctl.value);
		if (r < 0)
			return real_err(X, st->arg_col, OVC_E_STATE, "this kernel refuses vm.%s=%lld: %s",
					ovc_sysctl_name(st->u.sysctl.key),
					(long long)st->u.sysctl.value, strerror(-r));
	}
	X->st = NULL;
	return 0;
}

static int run_sysctl(struct ovc_real *X)
{
	struct ovc_result res = { 0 };
	int r = real_step(X, -1, -1);

	if (r < 0)
		return r;
	res.err = -sysctl_apply(X, X->st->u.sysctl.key, X->st->u.sysctl.value);
	return real_done(X, &res);
}

/* ---- task and file lines ---- */

static int run_task(struct ovc_real *X)
{
	const struct sc_stmt *st = X->st;
	struct ovc_result res = { 0 };
	int tix, r = st->setup ? 0 : real_step(X, st->def, -1);

	if (r == 0)
		r = real_task_spawn(X, st->def, &tix);
	if (r < 0)
		return r;
	X->nm[st->def].task = tix;
	X->nm[st->def].made = 1;
	if (st->setup)
		return 0;
	res.child = tix;
	X->t->steps[X->t->nsteps - 1].pid = X->tasks[tix].pid;
	return real_done(X, &res);
}

/* Fill fd with len bytes (zeros), a megabyte at a time. 0 or -errno. */
static int fill_file(int fd, uint64_t len)
{
	static const char zero[65536];
	uint64_t done = 0;

	while (done < len) {
		size_t n = len - done < sizeof(zero) ? (size_t)(len - done) : sizeof(zero);
		ssize_t w = write(fd, zero, n);

		if (w < 0 && errno == EINTR)
			continue;
		if (w <= 0)
			return w < 0 ? -errno : -ENOSPC;
		done += (uint64_t)w;
	}
	if (fsync(fd) < 0)
		return -errno;
	return -posix_fadvise(fd, 0, 0, POSIX_FADV_DONTNEED);	/* "nothing is read yet" */
}

/* A real file: written out on a disk file system, then dropped from the
 * page cache; sparse on tmpfs, where writing it would pin RAM. */
static int make_file(struct ovc_real *X, const char *path, uint64_t len)
{
	struct statfs sf;
	int fd = open(path, O_RDWR | O_CREAT | O_TRUNC | O_CLOEXEC, 0644), r;

	if (fd < 0)
		return -errno;
	if (fstatfs(fd, &sf) == 0 && (sf.f_type == TMPFS_MAGIC_ || sf.f_type == RAMFS_MAGIC_)) {
		r = ftruncate(fd, (off_t)len) < 0 ? -errno : 0;
		real_note(X, "line %u: %s is on tmpfs: the file is sparse, and reading it adds no page cache",
			  X->st->line, path);
	} else {
		r = fill_file(fd, len);
	}
	close(fd);
	return r;
}

static int run_file(struct ovc_real *X)
{
	const struct sc_stmt *st = X->st;
	struct real_name *f = &X->nm[st->def];
	const char *dir = X->o && X->o->file_dir ? X->o->file_dir : "/tmp";
	char path[4096];
	int r = real_size(X, &st->size, &f->bytes);

	if (r < 0)
		return r;
	snprintf(path, sizeof(path), "%s/ovc-exec.%d.%s", dir, (int)getpid(),
		 X->s->names[st->def].name);
	f->path = strdup(path);
	if (!f->path)
		return real_err(X, st->col, OVC_E_NOMEM, "out of memory");
	r = make_file(X, path, f->bytes);
	if (r < 0)
		return real_err(X, st->col, OVC_E_IO, "cannot create %s: %s", path, strerror(-r));
	f->made = 1;
	return 0;
}

static int run_stmt(struct ovc_real *X)
{
	switch (X->st->op) {
	case SC_KERNEL:
	case SC_MACHINE:
	case SC_STATE:
		return 0;
	case SC_SYSCTL:
	case SC_HUGEPAGES:
		return X->st->setup ? 0 : run_sysctl(X);
	case SC_TASKLINE:
		return run_task(X);
	case SC_FILELINE:
		return run_file(X);
	case SC_EXPECT:
		return real_expect(X);
	default:
		return real_op(X);
	}
}

/* ---- start and end ---- */

/* The controller: heap charged once, orphans come back to it, and the
 * OOM killer never picks it. */
static void controller_prepare(void)
{
	void *p;
	int fd;

	mallopt(M_MMAP_THRESHOLD, 16 << 20);
	mallopt(M_TRIM_THRESHOLD, 1 << 30);
	p = malloc(HEAP_RESERVE);
	free(p);
	prctl(PR_SET_CHILD_SUBREAPER, 1, 0, 0, 0);
	fd = open("/proc/self/oom_score_adj", O_WRONLY | O_CLOEXEC);
	if (fd >= 0) {	/* failing is not fatal: the controller may then be picked */
		ssize_t w = write(fd, "-1000", 5);

		(void)w;
		close(fd);
	}
}

/* Where the scenario's machine differs from this one, say so. */
static void machine_notes(struct ovc_real *X)
{
	const struct ovc_real_machine *m = &X->info->machine;
	size_t i;

	if (X->s->kernel)
		real_note(X, "the scenario's kernel line (%s) is ignored: this kernel is %s",
			  X->s->kernel, m->release);
	for (i = 0; i < X->s->nst; i++) {
		const struct sc_machine_args *a = &X->s->st[i].u.machine;

		if (X->s->st[i].op != SC_MACHINE)
			continue;
		if ((a->ram >> 10) != m->mi.mem_total || (a->swap >> 10) != m->mi.swap_total ||
		    (a->cpus && a->cpus != m->ncpus))
			real_note(X, "the scenario's machine (ram %llu kB, swap %llu kB, %llu cpus) is not this one "
				  "(MemTotal %llu kB, SwapTotal %llu kB, %u cpus)",
				  (unsigned long long)(a->ram >> 10), (unsigned long long)(a->swap >> 10),
				  (unsigned long long)(a->cpus ? a->cpus : 1),
				  (unsigned long long)m->mi.mem_total,
				  (unsigned long long)m->mi.swap_total, m->ncpus);
	}
}

static int start(struct ovc_real *X)
{
	struct ovc_real_machine *m = &X->info->machine;
	struct ovc_profile p;
	int64_t v = 0;
	int r;

	controller_prepare();
	if (real_measure_machine(m) < 0)
		return real_err(X, 0, OVC_E_IO, "cannot read /proc/meminfo or /proc/sys/vm");
	ovc_trace_init(X->t, X->s->fname, m->release);
	X->t->page_size = m->page_size;
	X->t->ncpus = m->ncpus;
	X->page = m->page_size;
	X->huge_page = m->mi.hugepagesize ? m->mi.hugepagesize << 10 : 2u << 20;
	X->kver = ovc_profile_for(m->release, &p, NULL) == 0 ? p.kver : 0;
	X->oom_start = real_read_oom_kills();
	machine_notes(X);
	r = boot_sysctls(X);
	if (r < 0)
		return r;
	if (real_sysctl_read("overcommit_memory", &v) == 0)
		X->t->overcommit_memory = (int)v;
	return real_read_meminfo(&X->t->start, NULL) < 0 ?
		real_err(X, 0, OVC_E_IO, "cannot read /proc/meminfo") : 0;
}

static void finish(struct ovc_real *X)
{
	size_t i;

	real_task_teardown(X);
	for (i = 0; X->nm && i < X->s->nnames; i++) {
		if (X->s->names[i].kind == SC_SEGMENT && X->nm[i].made)
			shmctl(X->nm[i].shmid, IPC_RMID, NULL);
		if (X->nm[i].path)
			unlink(X->nm[i].path);
		free(X->nm[i].path);
	}
	sysctl_restore(X);
	free(X->nm);
	free(X->tasks);
}

int ovc_real_run(const struct ovc_scenario *s, const struct ovc_real_opts *o,
		 struct ovc_trace *t, struct ovc_real_info *info, struct ovc_err *e)
{
	struct real_run run = { .X = { .s = s, .o = o, .t = t, .info = info, .e = e } };
	struct ovc_real *X = &run.X;
	size_t i;
	int r;

	memset(t, 0, sizeof(*t));
	memset(info, 0, sizeof(*info));
	X->timeout_ms = o && o->timeout_ms ? (int)o->timeout_ms : 120000;
	X->nm = calloc(s->nnames ? s->nnames : 1, sizeof(*X->nm));
	if (!X->nm)
		return sc_error(e, OVC_E_NOMEM, s->fname, 0, 0, "out of memory");
	if (real_kmsg_open(&run.kmsg) < 0)
		real_note(X, "/dev/kmsg cannot be read (%s): an OOM victim is taken to be any task that "
			  "died by SIGKILL during the step, in task order", strerror(run.kmsg.open_err));
	r = start(X);
	for (i = 0; i < s->nst && r == 0; i++) {
		X->st = &s->st[i];
		X->have_mi = 0;
		r = run_stmt(X);
	}
	if (real_read_meminfo(&t->end, NULL) < 0)
		t->end = t->start;
	finish(X);
	real_kmsg_close(&run.kmsg);
	return r;
}

void ovc_real_info_free(struct ovc_real_info *info)
{
	size_t i;

	if (!info)
		return;
	for (i = 0; i < info->nimages; i++) {
		free(info->images[i].vmas);
		free(info->images[i].runs);
	}
	free(info->images);
	memset(info, 0, sizeof(*info));
}
