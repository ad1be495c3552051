/* real_task.c - the real executor's task processes, seen from the controller: spawn, command and reply, death.
 *
 * A `task` line spawns the ovc binary in its task-server mode (posix_spawn,
 * or clone3 into its cgroup with cgroup=: the controller never forks its
 * own heap); fork, vfork and thread ask an existing task to make the
 * child, on a channel created here and sent along. Every wait for a reply
 * has a timeout, and a channel that closes means the task died: how (exit
 * status, signal, OOM kill) is found from wait(2) when it is the
 * controller's child, else from the zombie's /proc/PID/stat exit_code.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <poll.h>
#include <signal.h>
#include <spawn.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "scenario/ast.h"
#include "scenario/real.h"
#include "scenario/real_cgroup.h"

#define IMAGE_VMAS_MAX 64	/* the ovc binary has about a dozen */

static void nap_ms(long ms)
{
	struct timespec ts = { .tv_sec = ms / 1000, .tv_nsec = (ms % 1000) * 1000000L };

	nanosleep(&ts, NULL);
}

static const char *task_name(const struct ovc_real *X, int tix)
{
	return X->s->names[X->tasks[tix].name].name;
}

/* A new row; its index, or -1 (no memory). */
static int task_add(struct ovc_real *X, int name, int pid, int sock)
{
	struct real_task *T;

	if (X->ntasks == X->cap) {
		size_t cap = X->cap ? X->cap * 2 : 8;

		T = realloc(X->tasks, cap * sizeof(*T));
		if (!T)
			return -1;
		X->tasks = T;
		X->cap = cap;
	}
	T = &X->tasks[X->ntasks];
	memset(T, 0, sizeof(*T));
	T->name = name;
	T->pid = pid;
	T->sock = sock;
	T->wstatus = -1;
	T->vfork_parent = T->vfork_child = -1;
	return (int)X->ntasks++;
}

/* ---- death ---- */

/* How pid ended, as a wait status; -1 if that cannot be known. Waits a
 * little: the channel closes before the process is a zombie. */
static int death_status(int pid)
{
	struct ovc_real_stat st;
	int status, k;

	for (k = 0; k < 400; k++) {
		pid_t r = waitpid(pid, &status, WNOHANG | __WALL);

		if (r == pid)
			return status;
		if (r < 0 && errno != ECHILD)
			return -1;
		if (r < 0 && real_read_stat(pid, &st) == 0 && st.state == 'Z')
			return st.exit_code;
		if (r < 0 && real_read_stat(pid, &st) == -ENOENT)
			return -1;
		nap_ms(5);
	}
	return -1;
}

static void mark_dead(struct ovc_real *X, int tix)
{
	struct real_task *T = &X->tasks[tix];

	if (T->dead)
		return;
	T->dead = 1;
	T->death_line = X->st ? X->st->line : 0;
	if (T->sock >= 0)
		close(T->sock);
	T->sock = -1;
	T->wstatus = death_status(T->pid);
}

/* "exited with status 3", "was killed by signal 9 (the OOM killer)". */
static void death_text(const struct ovc_real *X, int tix, char *buf, size_t n)
{
	int w = X->tasks[tix].wstatus;

	if (w < 0)
		snprintf(buf, n, "ended (how is unknown)");
	else if (WIFSIGNALED(w))
		snprintf(buf, n, "was killed by signal %d%s", WTERMSIG(w),
			 WTERMSIG(w) == SIGKILL && real_read_oom_kills() > X->oom_start ? " (OOM killer?)" : "");
	else
		snprintf(buf, n, "exited with status %d", WEXITSTATUS(w));
}

static int died_err(struct ovc_real *X, int tix)
{
	char how[64];

	death_text(X, tix, how, sizeof(how));
	return real_err(X, X->st ? X->st->col : 0, OVC_E_IO, "task \"%s\" (pid %d) %s",
			task_name(X, tix), X->tasks[tix].pid, how);
}

/* ---- messages ---- */

/* A message of kind from sock: 0 with *rp, 1 at end of file, or an error. */
static int recv_kind(struct ovc_real *X, int tix, int sock, uint32_t kind, struct real_reply *rp)
{
	int r = real_chan_recv(sock, rp, sizeof(*rp), NULL, X->timeout_ms);
	unsigned col = X->st ? X->st->col : 0;

	if (r == 0)
		return 1;
	if (r == -ETIMEDOUT)
		return real_err(X, col, OVC_E_IO, "task \"%s\" did not answer within %d s",
				task_name(X, tix), X->timeout_ms / 1000);
	if (r < 0)
		return real_err(X, col, OVC_E_IO, "the channel to task \"%s\" failed: %s",
				task_name(X, tix), strerror(-r));
	if (rp->kind != kind)
		return real_err(X, col, OVC_E_IO, "task \"%s\" answered out of turn",
				task_name(X, tix));
	return 0;
}

static int send_cmd(struct ovc_real *X, int tix, const struct real_msg *m, int fd)
{
	int r = real_chan_send(X->tasks[tix].sock, m, sizeof(*m), fd);

	if (r == -EPIPE || r == -ECONNRESET || r == -ENOTCONN)
		return 1;
	if (r < 0)
		return real_err(X, X->st->col, OVC_E_IO, "cannot send to task \"%s\": %s",
				task_name(X, tix), strerror(-r));
	return 0;
}

int real_task_call(struct ovc_real *X, int tix, const struct real_msg *m, int fd,
		   struct real_reply *rp)
{
	int r = send_cmd(X, tix, m, fd);

	if (fd >= 0)
		close(fd);
	if (r == 0)
		r = recv_kind(X, tix, X->tasks[tix].sock, RR_REPLY, rp);
	if (r == 1)
		mark_dead(X, tix);
	return r;
}

/* ---- creation ---- */

/* Spawn the server with the channel at a fixed fd, default signals: in
 * cgroup_fd's cgroup from its first instruction (clone3), or where the
 * controller is (posix_spawn) when cgroup_fd is -1. */
static int spawn_server(struct ovc_real *X, int sock, int cgroup_fd, int *pid)
{
	int target = sock == 3 ? 4 : 3, r;
	char num[8], *argv[] = { "ovc", "exec", "--serve-task", num, NULL }, *envp[] = { NULL };
	const char *exe = X->o && X->o->self_exe ? X->o->self_exe : "/proc/self/exe";
	posix_spawn_file_actions_t fa;
	posix_spawnattr_t at;
	sigset_t all, none;
	pid_t child = 0;

	snprintf(num, sizeof(num), "%d", target);
	if (cgroup_fd >= 0) {
		r = real_spawn_in_cgroup(cgroup_fd, exe, argv, envp, sock, target, &child);
		*pid = (int)child;
		return r;
	}
	sigfillset(&all);
	sigemptyset(&none);
	posix_spawn_file_actions_init(&fa);
	posix_spawn_file_actions_adddup2(&fa, sock, target);
	posix_spawnattr_init(&at);
	posix_spawnattr_setflags(&at, POSIX_SPAWN_SETSIGDEF | POSIX_SPAWN_SETSIGMASK);
	posix_spawnattr_setsigdefault(&at, &all);
	posix_spawnattr_setsigmask(&at, &none);
	r = posix_spawn(pid, exe, &fa, &at, argv, envp);
	posix_spawn_file_actions_destroy(&fa);
	posix_spawnattr_destroy(&at);
	return -r;
}

/* The task's name, oom_score_adj, nice, CPU and credentials (all: 1), or
 * only its name again after exec (all: 0). */
static int setup(struct ovc_real *X, int tix, const struct sc_task_args *a, int all)
{
	struct real_msg m = { .cmd = RC_SETUP, .flags = (uint32_t)all };
	const char *comm = a && a->comm[0] ? a->comm : task_name(X, tix);
	struct real_reply rp;
	int r;

	memcpy(m.text, comm, strnlen(comm, sizeof(m.text) - 1));	/* cut to 15, as comm is */
	if (a) {
		m.a[0] = (uint64_t)(a->uid < 0 ? 0 : a->uid);
		m.a[1] = (uint64_t)(a->admin < 0 ? a->uid <= 0 : a->admin);
		m.a[2] = (uint64_t)(int64_t)a->adj;
		m.a[3] = (uint64_t)(int64_t)a->nice;
		m.a[4] = (uint64_t)a->cpu + 1;
	}
	r = real_task_call(X, tix, &m, -1, &rp);
	if (r == 1)
		return died_err(X, tix);
	if (r == 0 && rp.err)
		return real_err(X, X->st->col, OVC_E_IO, "task \"%s\" could not take its uid, name or limits: %s",
				task_name(X, tix), strerror(rp.err));
	return r;
}

/* A new task on channel sock, once its server says hello. */
static int adopt(struct ovc_real *X, int name, int sock, int parent, int *tix)
{
	struct real_reply rp;
	int k = task_add(X, name, 0, sock), r;

	if (k < 0) {
		close(sock);
		return real_err(X, X->st->col, OVC_E_NOMEM, "out of memory");
	}
	r = recv_kind(X, k, sock, RR_HELLO, &rp);
	if (r == 1) {
		X->tasks[k].dead = 1;
		close(sock);
		X->tasks[k].sock = -1;
		return real_err(X, X->st->col, OVC_E_IO, "task \"%s\" died as it started",
				X->s->names[name].name);
	}
	if (r < 0)
		return r;
	X->tasks[k].pid = rp.pid;
	if (parent >= 0)	/* the same image: a copy, or the same mm */
		X->tasks[k].base = X->tasks[parent].base;
	*tix = k;
	return 0;
}

/* "cannot start a task process", with what the kernel's errno means here. */
static int spawn_err(struct ovc_real *X, int cgroup, int r)
{
	const char *cg = cgroup >= 0 ? X->s->names[cgroup].name : NULL;

	if (!cg)
		return real_err(X, X->st->col, OVC_E_IO, "cannot start a task process: %s", strerror(-r));
	return real_err(X, real_cgroup_option_col(X->st->text, X->st->col, "cgroup"), OVC_E_IO,
			"cannot start a task process in cgroup \"%s\": %s%s", cg, strerror(-r),
			r == -EBUSY ? " (on cgroup v2 a cgroup with child cgroups cannot hold tasks)" :
			r == -ENOSYS || r == -EINVAL ? " (clone3 with CLONE_INTO_CGROUP needs Linux 5.7+ on x86-64)" : "");
}

int real_task_spawn(struct ovc_real *X, int name, int *tix)
{
	int sv[2], pid, r, cgroup = X->st->u.task.cgroup, cgfd = -1;

	if (cgroup >= 0) {
		r = real_cgroup_open(X, cgroup, real_cgroup_option_col(X->st->text, X->st->col, "cgroup"),
				     &cgfd);
		if (r < 0)
			return r;
	}
	if (socketpair(AF_UNIX, SOCK_SEQPACKET | SOCK_CLOEXEC, 0, sv) < 0) {
		if (cgfd >= 0)
			close(cgfd);
		return real_err(X, X->st->col, OVC_E_IO, "socketpair: %s", strerror(errno));
	}
	r = spawn_server(X, sv[1], cgfd, &pid);
	close(sv[1]);
	if (cgfd >= 0)
		close(cgfd);
	if (r < 0) {
		close(sv[0]);
		return spawn_err(X, cgroup, r);
	}
	r = adopt(X, name, sv[0], -1, tix);
	if (r == 0)
		r = setup(X, *tix, &X->st->u.task, 1);
	if (r == 0)
		r = real_task_measure(X, *tix);
	if (r < 0)
		kill(pid, SIGKILL);
	return r;
}

/* ---- fork, vfork, thread ---- */

/* Which of a and b is readable first: 0, 1, or a negative error. */
static int first_readable(int a, int b, int timeout_ms)
{
	struct pollfd p[2] = { { .fd = a, .events = POLLIN }, { .fd = b, .events = POLLIN } };
	int r;

	do
		r = poll(p, 2, timeout_ms);
	while (r < 0 && errno == EINTR);
	if (r <= 0)
		return r == 0 ? -ETIMEDOUT : -errno;
	return p[1].revents ? 1 : 0;
}

/* vfork: the parent answers only when the child execs or exits, so the
 * child's hello comes first; the parent's early answer is a failure. */
static int vfork_wait(struct ovc_real *X, int tix, int name, int ctl, struct real_reply *rp,
		      int *child)
{
	int which = first_readable(X->tasks[tix].sock, ctl, X->timeout_ms), r;

	if (which == -ETIMEDOUT)
		return real_err(X, X->st->col, OVC_E_IO, "task \"%s\" did not answer within %d s",
				task_name(X, tix), X->timeout_ms / 1000);
	if (which == 0) {	/* refused (or the child died at once) */
		r = recv_kind(X, tix, X->tasks[tix].sock, RR_REPLY, rp);
		if (r == 1)
			mark_dead(X, tix);
		if (r != 0 || rp->err) {
			close(ctl);
			return r;
		}
	}
	r = adopt(X, name, ctl, tix, child);
	if (r < 0)
		return r;
	X->tasks[tix].vfork_child = *child;
	X->tasks[*child].vfork_parent = tix;
	rp->err = 0;
	rp->pid = X->tasks[*child].pid;
	return 0;
}

/* The latest image record of task tix (made, exec'd or forked), or -1. */
static int image_of(const struct ovc_real *X, int tix)
{
	const char *nm = X->s->names[X->tasks[tix].name].name;

	for (size_t i = X->info->nimages; i-- > 0;)
		if (strcmp(X->info->images[i].task, nm) == 0)
			return (int)i;
	return -1;
}

/* Keep the child's runs in VMAs the mirror names: those where the parent
 * had pages, and RELRO ones (real_machine.c mirror_vma). */
static void keep_named(struct ovc_real_image *img, const struct ovc_real_image *parent)
{
	size_t k = 0;

	for (size_t i = 0; i < img->nruns; i++) {
		const struct ovc_real_vma *v = &img->vmas[img->runs[i].vma];
		int named = v->account && v->perms[1] != 'w';

		for (size_t j = 0; j < parent->nruns && !named; j++)
			named = parent->runs[j].vma == img->runs[i].vma;
		if (named)
			img->runs[k++] = img->runs[i];
	}
	img->nruns = k;
}

/* After a fork: the child's pages in its copy of the parent's image (the
 * page-table entries fork copied, the text it read again, the stack it
 * wrote since), recorded for the mirror. */
static int fork_image(struct ovc_real *X, int parent, int child)
{
	struct ovc_real_info *I = X->info;
	int p = image_of(X, parent), r;
	struct ovc_real_image *img;
	struct ovc_real_vma *vmas;

	if (p < 0)
		return 0;
	img = realloc(I->images, (I->nimages + 1) * sizeof(*img));
	vmas = malloc((I->images[p].nvmas ? I->images[p].nvmas : 1) * sizeof(*vmas));
	if (img)
		I->images = img;
	if (!img || !vmas) {
		free(vmas);
		return real_err(X, X->st->col, OVC_E_NOMEM, "out of memory");
	}
	memcpy(vmas, I->images[p].vmas, I->images[p].nvmas * sizeof(*vmas));
	img = &I->images[I->nimages++];
	*img = (struct ovc_real_image){ .line = X->st->line, .pid = X->tasks[child].pid,
		.vmas = vmas, .nvmas = I->images[p].nvmas, .forked = 1,
		.base_line = I->images[p].base_line ? I->images[p].base_line : I->images[p].line };
	snprintf(img->task, sizeof(img->task), "%s", task_name(X, child));
	r = real_image_pages(img->pid, img, X->page);
	if (r == 0)
		keep_named(img, &I->images[p]);
	if (r == -ENOMEM)
		return real_err(X, X->st->col, OVC_E_NOMEM, "out of memory");
	if (r < 0)
		real_note(X, "cannot read /proc/%d/pagemap (%s): the model will not know which"
			  " pages of \"%s\"'s image are resident", img->pid, strerror(-r), img->task);
	return 0;
}

int real_task_clone(struct ovc_real *X, int tix, int cmd, int name, struct real_reply *rp,
		    int *child)
{
	struct real_msg m = { .cmd = (uint32_t)cmd };
	int sv[2], r;

	if (socketpair(AF_UNIX, SOCK_SEQPACKET | SOCK_CLOEXEC, 0, sv) < 0)
		return real_err(X, X->st->col, OVC_E_IO, "socketpair: %s", strerror(errno));
	r = send_cmd(X, tix, &m, sv[1]);
	close(sv[1]);
	if (r == 0 && cmd == RC_VFORK)
		return vfork_wait(X, tix, name, sv[0], rp, child);
	if (r == 0)
		r = recv_kind(X, tix, X->tasks[tix].sock, RR_REPLY, rp);
	if (r == 1)
		mark_dead(X, tix);
	if (r != 0 || rp->err) {
		close(sv[0]);
		return r;
	}
	r = adopt(X, name, sv[0], tix, child);
	if (r == 0 && cmd == RC_FORK)
		r = fork_image(X, tix, *child);
	return r;
}

/* ---- exec, exit ---- */

/* The vfork parent of tix resumes: collect its answer to the vfork. */
static int vfork_release(struct ovc_real *X, int tix)
{
	int p = X->tasks[tix].vfork_parent, r;
	struct real_reply rp;

	if (p < 0)
		return 0;
	X->tasks[tix].vfork_parent = -1;
	X->tasks[p].vfork_child = -1;
	if (X->tasks[p].dead)
		return 0;
	r = recv_kind(X, p, X->tasks[p].sock, RR_REPLY, &rp);
	if (r == 1)
		mark_dead(X, p);
	return r < 0 ? r : 0;
}

int real_task_exec(struct ovc_real *X, int tix, struct real_reply *rp)
{
	struct real_msg m = { .cmd = RC_EXEC };
	int r = send_cmd(X, tix, &m, -1);

	if (r == 0) {
		r = real_chan_recv(X->tasks[tix].sock, rp, sizeof(*rp), NULL, X->timeout_ms);
		r = r == 0 ? 1 : r == (int)sizeof(*rp) ? 0 : r == -ETIMEDOUT ?
			real_err(X, X->st->col, OVC_E_IO, "task \"%s\" did not answer within %d s",
				 task_name(X, tix), X->timeout_ms / 1000) :
			real_err(X, X->st->col, OVC_E_IO, "the channel to task \"%s\" failed",
				 task_name(X, tix));
	}
	if (r == 1) {
		mark_dead(X, tix);
		return vfork_release(X, tix) < 0 ? -OVC_E_IO : 1;
	}
	if (r < 0 || rp->kind == RR_REPLY)	/* execve refused: the old image goes on */
		return r;
	rp->err = 0;
	r = vfork_release(X, tix);
	if (r == 0)
		r = setup(X, tix, NULL, 0);
	return r < 0 ? r : real_task_measure(X, tix);
}

int real_task_exit(struct ovc_real *X, int tix)
{
	struct real_msg m = { .cmd = RC_EXIT };
	struct real_reply rp;
	int r = send_cmd(X, tix, &m, -1);

	if (r == 0)
		r = recv_kind(X, tix, X->tasks[tix].sock, RR_REPLY, &rp);
	if (r == 0)
		return real_err(X, X->st->col, OVC_E_IO, "task \"%s\" answered exit instead of exiting",
				task_name(X, tix));
	if (r < 0)
		return r;
	mark_dead(X, tix);
	return vfork_release(X, tix);
}

/* ---- measuring, sweeping, teardown ---- */

static int image_add(struct ovc_real *X, int tix, const struct ovc_real_smaps *a,
		     struct ovc_real_vma *vmas)
{
	struct ovc_real_info *I = X->info;
	struct ovc_real_image *img = realloc(I->images, (I->nimages + 1) * sizeof(*img));

	if (!img) {
		free(vmas);
		return real_err(X, X->st->col, OVC_E_NOMEM, "out of memory");
	}
	I->images = img;
	img = &I->images[I->nimages++];
	memset(img, 0, sizeof(*img));
	snprintf(img->task, sizeof(img->task), "%s", task_name(X, tix));
	img->line = X->st->line;
	img->pid = X->tasks[tix].pid;
	img->map_count = a->map_count;
	img->committed_kb = a->committed_kb;
	img->vmsize_kb = X->tasks[tix].base.vmsize_kb;
	img->rss_kb = X->tasks[tix].base.rss_kb;
	img->vmas = vmas;
	img->nvmas = a->nvmas;
	return 0;
}

int real_task_measure(struct ovc_real *X, int tix)
{
	struct real_task *T = &X->tasks[tix];
	struct ovc_real_vma *vmas = calloc(IMAGE_VMAS_MAX, sizeof(*vmas));
	struct ovc_real_smaps a;
	int r;

	if (!vmas)
		return real_err(X, X->st->col, OVC_E_NOMEM, "out of memory");
	ovc_real_smaps_init(&a, vmas, IMAGE_VMAS_MAX);
	r = real_read_smaps(T->pid, &a);
	if (r == 0)
		r = real_read_status(T->pid, &T->base.vmsize_kb, &T->base.rss_kb);
	T->base.rss_kb = a.rss_kb;	/* exact, where VmRSS may lag (6.1) */
	if (r < 0) {
		free(vmas);
		return real_err(X, X->st->col, OVC_E_IO, "cannot read /proc/%d of task \"%s\"",
				T->pid, task_name(X, tix));
	}
	T->base.map_count = a.map_count;
	T->base.committed_kb = a.committed_kb;
	r = image_add(X, tix, &a, vmas);
	if (r < 0)
		return r;
	r = real_image_pages(T->pid, &X->info->images[X->info->nimages - 1], X->page);
	if (r == -ENOMEM)
		return real_err(X, X->st->col, OVC_E_NOMEM, "out of memory");
	if (r < 0)
		real_note(X, "cannot read /proc/%d/pagemap (%s): the model will not know which"
			  " pages of \"%s\"'s image are resident", T->pid, strerror(-r),
			  task_name(X, tix));
	return 0;
}

void real_task_sweep(struct ovc_real *X)
{
	size_t k;

	nap_ms(50);	/* an OOM victim takes a moment to close its files */
	for (k = 0; k < X->ntasks; k++) {
		struct pollfd p = { .fd = X->tasks[k].sock, .events = POLLIN };

		if (X->tasks[k].dead || poll(&p, 1, 0) <= 0 || !(p.revents & POLLHUP))
			continue;
		mark_dead(X, (int)k);
		real_note(X, "line %u: task \"%s\" (pid %d) was killed%s", X->st->line,
			  task_name(X, (int)k), X->tasks[k].pid,
			  WIFSIGNALED(X->tasks[k].wstatus) && WTERMSIG(X->tasks[k].wstatus) == SIGKILL
			  ? " (SIGKILL: the OOM killer)" : "");
	}
}

/* Kill what is left, reap every child, then remove the run's cgroups
 * (they must be empty for rmdir). */
void real_task_teardown(struct ovc_real *X)
{
	size_t k;
	int i;

	for (k = 0; k < X->ntasks; k++) {
		if (X->tasks[k].dead)
			continue;
		kill(X->tasks[k].pid, SIGKILL);
		if (X->tasks[k].sock >= 0)
			close(X->tasks[k].sock);
		X->tasks[k].sock = -1;
		X->tasks[k].dead = 1;
	}
	real_cgroup_kill(X);	/* anything left in the run's cgroups */
	/* The controller is a subreaper: orphans come here to be reaped. */
	for (i = 0; i < 600; i++) {
		pid_t r = waitpid(-1, NULL, WNOHANG | __WALL);

		if (r < 0 && errno == ECHILD)
			break;
		if (r <= 0)
			nap_ms(5);
	}
	real_cgroup_remove(X);	/* empty now: children first, then the run's parent */
}
