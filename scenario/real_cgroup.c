/* real_cgroup.c - the real executor's memory cgroups (cgroup v2): making them, spawning a task into one, removing them.
 *
 * See real_cgroup.h for the layout below /sys/fs/cgroup. The interfaces
 * used are cgroup v2's (Documentation/admin-guide/cgroup-v2.rst): a
 * controller is enabled for a cgroup's children by writing "+memory" to
 * its cgroup.subtree_control; memory.max and memory.swap.max take bytes
 * or "max"; memory.oom.group takes 0 or 1 (4.19+); cgroup.kill (5.14+)
 * kills every process below a cgroup. A cgroup that has children with a
 * controller enabled may not hold processes (the "no internal processes"
 * rule), so a task can be placed only in a leaf of the scenario's tree.
 *
 * Units: bytes; the kernel rounds limits down to pages
 * (page_counter_memparse), and the text written is already rounded.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <sched.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mount.h>
#include <sys/stat.h>
#include <sys/statfs.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "scenario/ast.h"
#include "scenario/real_cgroup.h"

/* ------------------------------------------------------------------ */
/* Pure                                                                 */

size_t real_cgroup_run_dir(const char *mnt, long pid, char *buf, size_t n)
{
	int len = snprintf(buf, n, "%s/ovc.%ld", mnt, pid);

	return len < 0 ? 0 : (size_t)len;
}

/* Its parents' names, top down, then its own: recursion is bounded by
 * the path length parse_oom.c allows (OVC_MEMCG_PATH_MAX). */
static size_t path_below(const struct ovc_scenario *s, int name, char *buf, size_t n, size_t at)
{
	size_t len = at;
	int w;

	if (s->names[name].owner >= 0)
		len = path_below(s, s->names[name].owner, buf, n, at);
	w = snprintf(len < n ? buf + len : NULL, len < n ? n - len : 0, "/%s", s->names[name].name);
	return len + (size_t)(w < 0 ? 0 : w);
}

size_t real_cgroup_path(const struct ovc_scenario *s, int name, const char *run_dir,
			char *buf, size_t n)
{
	int w = snprintf(buf, n, "%s", run_dir);

	return path_below(s, name, buf, n, (size_t)(w < 0 ? 0 : w));
}

size_t real_cgroup_limit_text(int unlimited, uint64_t bytes, uint64_t page, char *buf, size_t n)
{
	int w;

	if (unlimited)
		w = snprintf(buf, n, "max");
	else
		w = snprintf(buf, n, "%llu", (unsigned long long)(page ? bytes / page * page : bytes));
	return w < 0 ? 0 : (size_t)w;
}

static int is_blank(char c)
{
	return c == ' ' || c == '\t' || c == '\n' || c == '\r' || c == '\0';
}

int real_cgroup_has_controller(const char *buf, size_t len, const char *ctl)
{
	size_t k = strlen(ctl), i = 0;

	while (i < len) {
		size_t j;

		while (i < len && is_blank(buf[i]))
			i++;
		for (j = i; j < len && !is_blank(buf[j]); j++)
			;
		if (j - i == k && memcmp(buf + i, ctl, k) == 0)
			return 1;
		i = j;
	}
	return 0;
}

unsigned real_cgroup_option_col(const char *text, unsigned col, const char *key)
{
	size_t k = strlen(key);
	const char *p;

	for (p = text; p && (p = strstr(p, key)) != NULL; p += k)
		if ((p == text || is_blank(p[-1])) && p[k] == '=')
			return col + (unsigned)(p - text);
	return col;
}

/* ------------------------------------------------------------------ */
/* Files                                                                */

/* Write text to dir/file: 0 or a positive errno (the kernel's answer). */
static int write_file(const char *dir, const char *file, const char *text)
{
	char path[4096];
	size_t len = strlen(text);
	ssize_t w;
	int fd, err = 0;

	snprintf(path, sizeof(path), "%s/%s", dir, file);
	fd = open(path, O_WRONLY | O_CLOEXEC);
	if (fd < 0)
		return errno;
	w = write(fd, text, len);
	if (w < 0)
		err = errno;
	else if ((size_t)w != len)
		err = EIO;
	close(fd);
	return err;
}

static void nap_ms(long ms)
{
	struct timespec ts = { .tv_sec = ms / 1000, .tv_nsec = (ms % 1000) * 1000000L };

	nanosleep(&ts, NULL);
}

static void run_dir(char *buf, size_t n)
{
	real_cgroup_run_dir(REAL_CGROUP_MNT, (long)getpid(), buf, n);
}

/* ------------------------------------------------------------------ */
/* The run's parent: made by the first cgroup line                      */

/* cgroup2 at /sys/fs/cgroup, mounted if something else (or nothing) is:
 * 0 it was there, 1 mounted now, or an error. */
static int need_cgroup2(struct ovc_real *X)
{
	struct statfs sf;

	if (statfs(REAL_CGROUP_MNT, &sf) == 0 && (unsigned long)sf.f_type == REAL_CGROUP2_MAGIC)
		return 0;
	if (mount("none", REAL_CGROUP_MNT, "cgroup2", 0, NULL) < 0)
		return real_err(X, X->st->col, OVC_E_IO,
				"%s is not a cgroup2 mount and mounting cgroup2 there failed: %s "
				"(ovc exec needs cgroup v2)", REAL_CGROUP_MNT, strerror(errno));
	return 1;
}

/* The memory controller at the root, enabled for the root's children. */
static int need_memory(struct ovc_real *X)
{
	char buf[512];
	long len = real_read_small(REAL_CGROUP_MNT "/cgroup.controllers", buf, sizeof(buf));
	int err;

	if (len < 0)
		return real_err(X, X->st->col, OVC_E_IO, "cannot read %s/cgroup.controllers: %s",
				REAL_CGROUP_MNT, strerror((int)-len));
	if (!real_cgroup_has_controller(buf, (size_t)len, "memory"))
		return real_err(X, X->st->col, OVC_E_IO,
				"cgroup v2 has no memory controller here (cgroup.controllers: \"%.*s\"): "
				"the kernel lacks CONFIG_MEMCG, or cgroup v1 holds it",
				(int)strcspn(buf, "\n"), buf);
	err = write_file(REAL_CGROUP_MNT, "cgroup.subtree_control", "+memory");
	if (err)
		return real_err(X, X->st->col, OVC_E_IO, "cannot enable +memory in %s/cgroup.subtree_control: %s",
				REAL_CGROUP_MNT, strerror(err));
	return 0;
}

/* The run's parent, with memory enabled for its children; once. */
static int prepare(struct ovc_real *X)
{
	char dir[256];
	struct stat sb;
	int r, err, mounted;

	run_dir(dir, sizeof(dir));
	if (stat(dir, &sb) == 0)
		return 0;
	mounted = need_cgroup2(X);
	if (mounted < 0)
		return mounted;
	r = need_memory(X);
	if (r < 0 && mounted)	/* refused: leave the machine's mounts as they were */
		umount2(REAL_CGROUP_MNT, MNT_DETACH);
	if (r < 0)
		return r;
	if (mounted)
		real_note(X, "line %u: mounted cgroup2 at %s (it was not a cgroup2 mount); it stays mounted",
			  X->st->line, REAL_CGROUP_MNT);
	if (mkdir(dir, 0755) < 0)
		return real_err(X, X->st->col, OVC_E_IO, "cannot make %s: %s", dir, strerror(errno));
	err = write_file(dir, "cgroup.subtree_control", "+memory");
	if (err) {
		rmdir(dir);
		return real_err(X, X->st->col, OVC_E_IO, "cannot enable +memory in %s/cgroup.subtree_control: %s",
				dir, strerror(err));
	}
	return 0;
}

/* ------------------------------------------------------------------ */
/* cgroup NAME ...                                                      */

/* What one cgroup line writes, evaluated before anything is made. */
struct cg_plan {
	char path[512];
	char max[24], swap_max[24];	/* "" when not given */
	const char *parent_path;	/* the parent scenario cgroup's directory, or NULL */
};

static int plan_limit(struct ovc_real *X, const struct sc_size *z, int unlimited, char *buf,
		      size_t n)
{
	uint64_t bytes = 0;
	int r = unlimited ? 0 : real_size(X, z, &bytes);

	if (r == 0)
		real_cgroup_limit_text(unlimited, bytes, X->page, buf, n);
	return r;
}

static int plan(struct ovc_real *X, struct cg_plan *p)
{
	const struct sc_stmt *st = X->st;
	const struct sc_cgroup_args *c = &st->u.cgroup;
	char dir[256];
	int r = 0;

	memset(p, 0, sizeof(*p));
	if (c->swappiness >= 0 && c->swappiness != REAL_CGROUP_DEFAULT_SWAPPINESS)
		return real_err(X, real_cgroup_option_col(st->text, st->col, "swappiness"), OVC_E_STATE,
				"swappiness=%d cannot be set by ovc exec: cgroup v2 has no memory.swappiness "
				"(only the default, 60, runs)", c->swappiness);
	if (c->parent >= 0 && !X->nm[c->parent].made)
		return real_err(X, real_cgroup_option_col(st->text, st->col, "parent"), OVC_E_STATE,
				"cgroup \"%s\" does not exist: its line (%u) failed",
				X->s->names[c->parent].name, X->s->names[c->parent].line);
	if (c->has_max)
		r = plan_limit(X, &c->max, c->max_unlimited, p->max, sizeof(p->max));
	if (r == 0 && c->has_swap_max)
		r = plan_limit(X, &c->swap_max, c->swap_unlimited, p->swap_max, sizeof(p->swap_max));
	if (r < 0)
		return r;
	run_dir(dir, sizeof(dir));
	if (real_cgroup_path(X->s, st->def, dir, p->path, sizeof(p->path)) >= sizeof(p->path))
		return real_err(X, st->arg_col, OVC_E_STATE, "the cgroup's path is too long");
	p->parent_path = c->parent >= 0 ? X->nm[c->parent].path : NULL;
	return 0;
}

/* Make it: 0, or the errno of the first refusal (*what: of which file),
 * with the directory removed again. */
static int make(const struct cg_plan *p, const struct sc_cgroup_args *c, const char **what)
{
	int err = 0;

	*what = "cgroup.subtree_control of the parent";
	if (p->parent_path)	/* memory.* files for the parent's children */
		err = write_file(p->parent_path, "cgroup.subtree_control", "+memory");
	if (err)
		return err;
	*what = "mkdir";
	if (mkdir(p->path, 0755) < 0)
		return errno;
	*what = "memory.max";
	if (p->max[0])
		err = write_file(p->path, "memory.max", p->max);
	if (!err && p->swap_max[0]) {
		*what = "memory.swap.max";
		err = write_file(p->path, "memory.swap.max", p->swap_max);
	}
	if (!err && c->oom_group) {
		*what = "memory.oom.group";
		err = write_file(p->path, "memory.oom.group", "1");
	}
	if (err)
		rmdir(p->path);
	return err;
}

int real_cgroup_op(struct ovc_real *X)
{
	const struct sc_stmt *st = X->st;
	struct real_name *nm = &X->nm[st->def];
	struct ovc_result res = { 0 };
	struct cg_plan p;
	const char *what = "";
	int r = plan(X, &p), err;

	if (r == 0)
		r = prepare(X);
	if (r == 0 && !st->setup)
		r = real_step(X, -1, -1);
	if (r < 0)
		return r;
	err = make(&p, &st->u.cgroup, &what);
	if (err && st->setup)
		return real_err(X, st->col, OVC_E_STATE, "this kernel refuses cgroup \"%s\" (%s, %s): %s",
				X->s->names[st->def].name, p.path, what, strerror(err));
	if (err)
		real_note(X, "line %u: cgroup \"%s\": %s: %s", st->line, X->s->names[st->def].name,
			  what, strerror(err));
	if (!err) {
		nm->path = strdup(p.path);
		if (!nm->path) {
			rmdir(p.path);
			return real_err(X, st->col, OVC_E_NOMEM, "out of memory");
		}
		nm->made = 1;
	}
	if (st->setup)
		return 0;
	res.err = err;
	return real_done(X, &res);
}

int real_cgroup_open(struct ovc_real *X, int n, unsigned col, int *fd)
{
	const struct sc_name *name = &X->s->names[n];

	if (!X->nm[n].made || !X->nm[n].path)
		return real_err(X, col, OVC_E_STATE, "cgroup \"%s\" does not exist: its line (%u) failed",
				name->name, name->line);
	*fd = open(X->nm[n].path, O_PATH | O_DIRECTORY | O_CLOEXEC);
	if (*fd < 0)
		return real_err(X, col, OVC_E_IO, "cannot open %s: %s", X->nm[n].path, strerror(errno));
	return 0;
}

/* ------------------------------------------------------------------ */
/* Teardown                                                             */

/* Does the scenario name a cgroup? Else the run made no cgroup directory. */
static int has_cgroups(const struct ovc_real *X)
{
	size_t i;

	for (i = 0; i < X->s->nnames; i++)
		if (X->s->names[i].kind == SC_CGROUP)
			return 1;
	return 0;
}

void real_cgroup_kill(struct ovc_real *X)
{
	char dir[256];
	struct stat sb;

	if (!has_cgroups(X))
		return;
	run_dir(dir, sizeof(dir));
	if (stat(dir, &sb) == 0)
		write_file(dir, "cgroup.kill", "1");	/* absent before 5.14: the tasks were killed */
}

/* rmdir, waiting a little while the last process leaves (EBUSY). */
static int remove_dir(const char *path)
{
	int k;

	for (k = 0; k < 100; k++) {
		if (rmdir(path) == 0 || errno == ENOENT)
			return 0;
		if (errno != EBUSY)
			break;
		nap_ms(10);
	}
	return errno;
}

void real_cgroup_remove(struct ovc_real *X)
{
	char dir[256];
	size_t i;
	int err;

	if (!has_cgroups(X))
		return;
	for (i = X->s->nnames; X->nm && i-- > 0;) {	/* a child is named after its parent */
		struct real_name *n = &X->nm[i];

		if (X->s->names[i].kind != SC_CGROUP || !n->path)
			continue;
		err = remove_dir(n->path);
		if (err)
			real_note(X, "cannot remove cgroup %s: %s", n->path, strerror(err));
		free(n->path);
		n->path = NULL;
		n->made = 0;
	}
	run_dir(dir, sizeof(dir));
	err = remove_dir(dir);
	if (err)
		real_note(X, "cannot remove cgroup %s: %s", dir, strerror(err));
}

/* ------------------------------------------------------------------ */
/* Spawning into a cgroup                                               */

#ifndef CLONE_INTO_CGROUP
#define CLONE_INTO_CGROUP 0x200000000ULL	/* linux/sched.h, 5.7 */
#endif

/* struct clone_args as of 5.7 (CLONE_ARGS_SIZE_VER2, 88 bytes). */
struct clone_args_v2 {
	uint64_t flags, pidfd, child_tid, parent_tid, exit_signal;
	uint64_t stack, stack_size, tls, set_tid, set_tid_size, cgroup;
};

/* What the child needs; it shares the controller's memory until execve. */
struct spawn_child {
	const char *path;
	char *const *argv, *const *envp;
	int fd_from, fd_to;
	volatile int err;	/* the child's errno, when it fails before execve */
};

/* The child, on its own stack: system calls only (no malloc, no stdio:
 * the heap is the controller's). Signals are blocked on entry (the
 * controller's handlers must never run here); each is set to its default
 * action, as POSIX_SPAWN_SETSIGDEF does, before they are unblocked. The
 * errno its calls set is the controller's (same TLS), which is suspended
 * in clone3 meanwhile. */
static int spawn_child_main(void *arg)
{
	struct spawn_child *a = arg;
	struct sigaction sa;
	sigset_t none;
	int sig;

	memset(&sa, 0, sizeof(sa));
	sa.sa_handler = SIG_DFL;
	for (sig = 1; sig < _NSIG; sig++)
		if (sig != SIGKILL && sig != SIGSTOP)
			sigaction(sig, &sa, NULL);	/* glibc's own two: EINVAL, harmless */
	if (a->fd_from >= 0 && a->fd_from != a->fd_to && dup2(a->fd_from, a->fd_to) < 0) {
		a->err = errno;
		return 127;
	}
	if (a->fd_from >= 0 && a->fd_from == a->fd_to && fcntl(a->fd_to, F_SETFD, 0) < 0) {
		a->err = errno;
		return 127;
	}
	sigemptyset(&none);
	sigprocmask(SIG_SETMASK, &none, NULL);
	execve(a->path, a->argv, a->envp);
	a->err = errno;
	return 127;
}

#if defined(__x86_64__)
/* clone3 with fn(arg) run in the child, which then exits with its value.
 * The child starts on ca->stack with every register as the parent had
 * it but rax (0), so fn and arg travel in r12 and r13; it never returns
 * into C code of the parent's frame. Returns what clone3 returned to
 * the parent: the child's pid, or -errno. */
static long clone3_run(struct clone_args_v2 *ca, int (*fn)(void *), void *arg)
{
	register long rax __asm__("rax") = SYS_clone3;
	register struct clone_args_v2 *rdi __asm__("rdi") = ca;
	register unsigned long rsi __asm__("rsi") = sizeof(*ca);
	register int (*r12)(void *) __asm__("r12") = fn;
	register void *r13 __asm__("r13") = arg;

	__asm__ volatile(
		"syscall\n\t"
		"testq %%rax, %%rax\n\t"
		"jnz 1f\n\t"
		"xorl %%ebp, %%ebp\n\t"		/* the child: no frame above */
		"movq %%r13, %%rdi\n\t"
		"callq *%%r12\n\t"
		"movl %%eax, %%edi\n\t"
		"movl $60, %%eax\n\t"		/* SYS_exit */
		"syscall\n\t"
		"ud2\n"
		"1:\n"
		: "+r"(rax)
		: "r"(rdi), "r"(rsi), "r"(r12), "r"(r13)
		: "rcx", "r11", "memory", "cc");
	return rax;
}

/* The child's stack. Static (part of the controller's bss, charged once
 * at exec): a stack of the controller's that grew here, or an mmap, would
 * move Committed_AS inside a step. One spawn runs at a time. */
static char spawn_stack[16384] __attribute__((aligned(64)));

int real_spawn_in_cgroup(int cgroup_fd, const char *path, char *const argv[],
			 char *const envp[], int fd_from, int fd_to, pid_t *pid)
{
	struct spawn_child a = { .path = path, .argv = argv, .envp = envp,
				 .fd_from = fd_from, .fd_to = fd_to };
	struct clone_args_v2 ca = {
		.flags = CLONE_VM | CLONE_VFORK, .exit_signal = SIGCHLD,
		.stack = (uint64_t)(uintptr_t)spawn_stack, .stack_size = sizeof(spawn_stack),
	};
	sigset_t all, old;
	long r;

	if (cgroup_fd >= 0) {
		ca.flags |= CLONE_INTO_CGROUP;
		ca.cgroup = (uint64_t)cgroup_fd;
	}
	sigfillset(&all);
	sigprocmask(SIG_BLOCK, &all, &old);
	r = clone3_run(&ca, spawn_child_main, &a);	/* back once the child exec'd or exited */
	sigprocmask(SIG_SETMASK, &old, NULL);
	if (r < 0)
		return (int)r;
	if (a.err) {
		int err = a.err;

		waitpid((pid_t)r, NULL, 0);
		return -err;
	}
	*pid = (pid_t)r;
	return 0;
}
#else
int real_spawn_in_cgroup(int cgroup_fd, const char *path, char *const argv[],
			 char *const envp[], int fd_from, int fd_to, pid_t *pid)
{
	(void)cgroup_fd, (void)path, (void)argv, (void)envp, (void)fd_from, (void)fd_to, (void)pid;
	(void)spawn_child_main;
	return -ENOSYS;	/* clone3's child entry is written for x86-64 only */
}
#endif
