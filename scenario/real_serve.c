/* real_serve.c - the task server: the body of every real task process, doing one system call per command.
 *
 * A task process waits on its channel for a command, performs it and
 * replies with the errno and the result. fork, vfork and thread make a new
 * server in the child, on a channel the controller created and sent along
 * with the command; exec starts the ovc binary again in this mode
 * (`ovc exec --serve-task FD`), keeping the channel.
 *
 * No heap: Committed_AS must move only by the scenario's operations, and a
 * vfork or CLONE_VM child shares this memory with its parent. So nothing
 * here calls malloc, stdio or anything that might; the only buffers are on
 * the stack or in serve_static (the child stacks). Commands arrive one at
 * a time from a single controller, so the tasks that share this memory
 * (and errno, and serve_static) never run server code at the same time.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <grp.h>
#include <linux/capability.h>
#include <sched.h>
#include <setjmp.h>
#include <signal.h>
#include <stddef.h>
#include <string.h>
#include <sys/ipc.h>
#include <sys/mman.h>
#include <sys/prctl.h>
#include <sys/resource.h>
#include <sys/shm.h>
#include <sys/socket.h>
#include <sys/syscall.h>
#include <unistd.h>

#include "scenario/real.h"

#ifndef MREMAP_DONTUNMAP
#define MREMAP_DONTUNMAP 4
#endif
#ifndef PR_CAP_AMBIENT
#define PR_CAP_AMBIENT 47
#define PR_CAP_AMBIENT_RAISE 2
#endif

#define SERVE_STACKS		8		/* vfork/thread children per address space */
#define SERVE_STACK_BYTES	(32u << 10)

/* The stacks of vfork and thread children. Part of the image (bss), so
 * they are in every task's measured baseline, not in the scenario's. */
static struct {
	char stack[SERVE_STACKS][SERVE_STACK_BYTES] __attribute__((aligned(64)));
	unsigned char used[SERVE_STACKS];
} serve_static;

/* The touch in progress, for the SIGSEGV/SIGBUS handler: the one global
 * a signal handler needs. */
static sigjmp_buf *volatile fault_jump;

/* A task process of ovc exec (not a test's): keep the image steady. */
static int serve_steady;

struct srv {
	int sock;		/* this server's channel */
};

/* ---- a footprint that stays put ----
 *
 * The OOM killer and /proc/PID/oom_score count a task's resident pages,
 * its swap entries and its page tables. The conformance run compares
 * them with the model's, which knows the image as ovc exec measured it
 * when the task was made. So the server makes its whole image resident
 * before it is measured (steady_footprint), and code paths run later do
 * not fault in more of it; and before its counters are read it folds
 * them (settle_rss).
 */

/* Never written: a read maps the shared zero page, which no RSS counter
 * counts, and MADV_DONTNEED takes it away again. */
static char settle_page[4096] __attribute__((aligned(4096)));

/*
 * Up to 6.1 the kernel keeps a task's own RSS changes in per-task
 * counters and folds them into the mm's (which oom_badness and
 * /proc/PID/status read) only after 64 faults (SPLIT_RSS_COUNTING,
 * check_sync_rss_stat in mm/memory.c, TASK_RSS_EVENTS_THRESH), at exec
 * and at exit. 80 faults that change no counter fold them. From 6.2 the
 * counters are per-CPU counters and this is only harmless work.
 */
static void settle_rss(void)
{
	for (int i = 0; i < 80; i++) {
		(void)*(volatile char *)settle_page;
		madvise(settle_page, sizeof(settle_page), MADV_DONTNEED);
	}
}

/* 64 kB of stack below this frame, written once: deeper than any
 * command's handlers go, so later calls do not grow the stack. */
static __attribute__((noinline)) void grow_stack(void)
{
	volatile char pad[64 << 10];

	for (size_t i = 0; i < sizeof(pad); i += 1024)
		pad[i] = 0;
}

static uint64_t hex_field(const char **p)
{
	uint64_t v = 0;

	for (;; (*p)++) {
		unsigned c = (unsigned char)**p, d;

		if (c >= '0' && c <= '9')
			d = c - '0';
		else if (c >= 'a' && c <= 'f')
			d = c - 'a' + 10;
		else
			return v;
		v = v << 4 | d;
	}
}

/* One line of /proc/self/maps: every page of a readable mapping read, of
 * a private writable one written with its own value (so it becomes this
 * process's anonymous page); [vvar] and [vsyscall] left alone. */
static void fault_in_line(const char *l, const char *end)
{
	const char *p = l;
	uint64_t s = hex_field(&p), e, page = 4096;
	char perms[4];

	if (*p++ != '-')
		return;
	e = hex_field(&p);
	if (*p++ != ' ' || end - p < 4)
		return;
	memcpy(perms, p, 4);
	/* [vvar], [vdso]'s data, [vsyscall]; and nothing of a sanitizer's
	 * shadow (terabytes reserved): the image is a few MB */
	if (perms[0] != 'r' || memmem(l, (size_t)(end - l), "[v", 2) || e - s > (64u << 20))
		return;
	for (uint64_t a = s; a < e; a += page) {
		volatile char *c = (volatile char *)(uintptr_t)a;

		if (c == (volatile char *)settle_page)
			continue;
		if (perms[1] == 'w' && perms[3] == 'p')
			*c = *c;
		else
			(void)*c;
	}
}

/* A forked child's line: the read-only mappings of the ovc binary (its
 * text and constants) read again. fork copies no page-table entries of a
 * VMA without anonymous pages (copy_page_range, vma_needs_copy), so the
 * child would fault its text back in bit by bit as it runs commands;
 * reading it all now makes the child's image what ovc exec measures
 * after the fork. Nothing else is touched: the scenario's own mappings
 * must stay as the fork left them. */
static void fault_in_exe_line(const char *l, const char *end, const char *exe)
{
	const char *p = l;
	size_t n = strlen(exe);
	uint64_t s = hex_field(&p), e;

	if (*p++ != '-' || !n || (size_t)(end - l) <= n || end[-(ptrdiff_t)n - 1] != ' ' ||
	    memcmp(end - n, exe, n) != 0)
		return;
	e = hex_field(&p);
	if (*p++ != ' ' || end - p < 4 || p[0] != 'r' || p[1] == 'w')
		return;
	for (uint64_t a = s; a < e; a += 4096)
		(void)*(volatile char *)(uintptr_t)a;
}

/* Every complete line of /proc/self/maps to fn (exe: for fn). */
static void walk_maps(void (*fn)(const char *l, const char *end, const char *exe), const char *exe)
{
	char buf[4096];
	size_t have = 0;
	int fd = open("/proc/self/maps", O_RDONLY | O_CLOEXEC);

	if (fd < 0)
		return;
	for (;;) {
		ssize_t n = read(fd, buf + have, sizeof(buf) - have);
		char *l = buf, *nl;

		if (n <= 0)
			break;
		have += (size_t)n;
		while ((nl = memchr(l, '\n', have - (size_t)(l - buf)))) {
			fn(l, nl, exe);
			l = nl + 1;
		}
		have -= (size_t)(l - buf);
		memmove(buf, l, have);
		if (have == sizeof(buf))	/* a line longer than the buffer */
			have = 0;
	}
	close(fd);
}

static void fault_in_any(const char *l, const char *end, const char *exe)
{
	(void)exe;
	fault_in_line(l, end);
}

/* Runs single-threaded at start, before any command. */
static void steady_footprint(void)
{
	grow_stack();
	walk_maps(fault_in_any, NULL);
	settle_rss();
}

/* In a forked child, before it says hello. */
static void steady_child(void)
{
	char exe[256];
	ssize_t n = readlink("/proc/self/exe", exe, sizeof(exe) - 1);

	if (n <= 0)
		return;
	exe[n] = '\0';
	walk_maps(fault_in_exe_line, exe);
	settle_rss();
}

static _Noreturn void serve_loop(struct srv *v);

/* ---- helpers ---- */

static void hello(int sock)
{
	struct real_reply rp = { .kind = RR_HELLO };

	rp.pid = (int32_t)getpid();
	if (real_chan_send(sock, &rp, sizeof(rp), -1) < 0)
		_exit(71);
}

static int set_errno(struct real_reply *rp, long r)
{
	rp->err = r < 0 ? errno : 0;
	return 0;
}

static char *utoa(unsigned v, char *end)
{
	*--end = '\0';
	do
		*--end = (char)('0' + v % 10);
	while (v /= 10);
	return end;
}

/* ---- setup: name, oom_score_adj, nice, CPU, then credentials ---- */

static int write_proc_self(const char *path, long adj)
{
	char buf[24], *s = utoa((unsigned)(adj < 0 ? -adj : adj), buf + sizeof(buf));
	int fd = open(path, O_WRONLY | O_CLOEXEC), r;

	if (adj < 0)
		*--s = '-';
	if (fd < 0)
		return -1;
	r = write(fd, s, strlen(s)) < 0 ? -1 : 0;
	close(fd);
	return r;
}

static int write_adj(long adj)
{
	return write_proc_self("/proc/self/oom_score_adj", adj);
}

/* Effective, permitted and inheritable sets: keep (or, with only, make
 * them) CAP_SYS_ADMIN alone, or all but it. */
static int caps_set(int only)
{
	struct __user_cap_header_struct h = { .version = _LINUX_CAPABILITY_VERSION_3 };
	struct __user_cap_data_struct d[2];
	unsigned bit = 1u << (CAP_SYS_ADMIN % 32);
	int k = CAP_SYS_ADMIN / 32;

	if (syscall(SYS_capget, &h, d) < 0)
		return -1;
	if (only) {
		memset(d, 0, sizeof(d));
		d[k].effective = d[k].permitted = d[k].inheritable = bit;
	} else {
		d[k].effective &= ~bit;
		d[k].permitted &= ~bit;
		d[k].inheritable &= ~bit;
	}
	return (int)syscall(SYS_capset, &h, d);
}

/* uid != 0 drops every capability but, for admin, CAP_SYS_ADMIN (kept
 * across exec as an ambient capability); root without admin loses
 * CAP_SYS_ADMIN, also from the bounding set so exec cannot give it back. */
static int creds(uid_t uid, int admin)
{
	if (uid == 0) {
		if (admin)
			return 0;
		if (prctl(PR_CAPBSET_DROP, CAP_SYS_ADMIN, 0, 0, 0) < 0)
			return -1;
		return caps_set(0);
	}
	if (admin && prctl(PR_SET_KEEPCAPS, 1, 0, 0, 0) < 0)
		return -1;
	if (setgroups(0, NULL) < 0 || setresgid(uid, uid, uid) < 0 || setresuid(uid, uid, uid) < 0)
		return -1;
	if (!admin)
		return 0;
	if (caps_set(1) < 0)
		return -1;
	return prctl(PR_CAP_AMBIENT, PR_CAP_AMBIENT_RAISE, CAP_SYS_ADMIN, 0, 0);
}

/* a: uid, admin, oom_score_adj, nice, cpu + 1 (0: any); flags 1: all of
 * it, else only the name (after exec). */
static int h_setup(struct srv *v, const struct real_msg *m, int fd, struct real_reply *rp)
{
	char comm[17];
	long r = 0;

	(void)v, (void)fd;
	memcpy(comm, m->text, 16);
	comm[16] = '\0';
	if (prctl(PR_SET_NAME, comm, 0, 0, 0) < 0)
		return set_errno(rp, -1);
	if (!(m->flags & 1))
		return set_errno(rp, 0);
	if (write_adj((long)(int64_t)m->a[2]) < 0 ||
	    setpriority(PRIO_PROCESS, 0, (int)(int64_t)m->a[3]) < 0)
		return set_errno(rp, -1);
	if (m->a[4]) {
		cpu_set_t set;

		CPU_ZERO(&set);
		CPU_SET((int)(m->a[4] - 1), &set);
		r = sched_setaffinity(0, sizeof(set), &set);
	}
	if (r == 0)
		r = creds((uid_t)m->a[0], (int)m->a[1]);
	/* A change of uid made the process not dumpable, and its /proc files
	 * root's: a process started by its user owns them, and may write its
	 * own oom_score_adj (fs/proc/base.c, task_dump_owner). */
	if (r == 0)
		r = prctl(PR_SET_DUMPABLE, 1, 0, 0, 0);
	return set_errno(rp, r);
}

/* ---- memory ---- */

static int prot_of(uint64_t p)
{
	return (p & OVC_PROT_READ ? PROT_READ : 0) | (p & OVC_PROT_WRITE ? PROT_WRITE : 0) |
	       (p & OVC_PROT_EXEC ? PROT_EXEC : 0);
}

static int map_flags_of(uint64_t f)
{
	static const struct { unsigned ovc; int sys; } map[] = {
		{ OVC_MAP_SHARED, MAP_SHARED }, { OVC_MAP_PRIVATE, MAP_PRIVATE },
		{ OVC_MAP_ANONYMOUS, MAP_ANONYMOUS }, { OVC_MAP_FIXED, MAP_FIXED },
		{ OVC_MAP_NORESERVE, MAP_NORESERVE }, { OVC_MAP_HUGETLB, MAP_HUGETLB },
		{ OVC_MAP_POPULATE, MAP_POPULATE }, { OVC_MAP_LOCKED, MAP_LOCKED },
		{ OVC_MAP_GROWSDOWN, MAP_GROWSDOWN },
	};
	size_t k;
	int out = 0;

	for (k = 0; k < sizeof(map) / sizeof(map[0]); k++)
		if (f & map[k].ovc)
			out |= map[k].sys;
	return out;
}

/* a: addr, len, prot, flags, offset; fd: the file, for file mappings. */
static int h_mmap(struct srv *v, const struct real_msg *m, int fd, struct real_reply *rp)
{
	void *p;

	(void)v;
	p = mmap((void *)(uintptr_t)m->a[0], m->a[1], prot_of(m->a[2]), map_flags_of(m->a[3]),
		 m->a[3] & OVC_MAP_ANONYMOUS ? -1 : fd, (off_t)m->a[4]);
	rp->err = p == MAP_FAILED ? errno : 0;
	rp->v[0] = p == MAP_FAILED ? 0 : (uint64_t)(uintptr_t)p;
	if (fd >= 0)
		close(fd);
	return 0;
}

static int h_munmap(struct srv *v, const struct real_msg *m, int fd, struct real_reply *rp)
{
	(void)v, (void)fd;
	return set_errno(rp, munmap((void *)(uintptr_t)m->a[0], m->a[1]));
}

static int h_mprotect(struct srv *v, const struct real_msg *m, int fd, struct real_reply *rp)
{
	(void)v, (void)fd;
	return set_errno(rp, mprotect((void *)(uintptr_t)m->a[0], m->a[1], prot_of(m->a[2])));
}

static int h_madvise(struct srv *v, const struct real_msg *m, int fd, struct real_reply *rp)
{
	static const int advice[] = {
		[OVC_MADV_DONTFORK] = MADV_DONTFORK, [OVC_MADV_DOFORK] = MADV_DOFORK,
		[OVC_MADV_DONTNEED] = MADV_DONTNEED, [OVC_MADV_WIPEONFORK] = MADV_WIPEONFORK,
		[OVC_MADV_KEEPONFORK] = MADV_KEEPONFORK,
	};

	(void)v, (void)fd;
	if (m->a[2] >= sizeof(advice) / sizeof(advice[0]) || !m->a[2]) {
		rp->err = EINVAL;
		return 0;
	}
	return set_errno(rp, madvise((void *)(uintptr_t)m->a[0], m->a[1], advice[m->a[2]]));
}

static void on_fault(int sig)
{
	if (fault_jump)
		siglongjmp(*fault_jump, 1);
	signal(sig, SIG_DFL);	/* a fault outside a touch: die of it */
	raise(sig);
}

/* Write (or read) one byte of every page; a fault that the kernel turns
 * into SIGSEGV or SIGBUS is EFAULT, with the pages done before it. An OOM
 * kill ends the process here, and the controller sees the channel close. */
static int h_touch(struct srv *v, const struct real_msg *m, int fd, struct real_reply *rp)
{
	volatile char *base = (volatile char *)(uintptr_t)m->a[0];
	uint64_t len = m->a[1], page = (uint64_t)getpagesize();
	volatile uint64_t i = 0;
	sigjmp_buf jb;

	(void)v, (void)fd;
	if (sigsetjmp(jb, 1)) {
		fault_jump = NULL;
		rp->err = EFAULT;
		rp->v[1] = i / page;
		return 0;
	}
	fault_jump = &jb;
	for (; i < len; i += page) {
		if (m->a[2])
			base[i] = 1;	/* not 0: a zero-filled page may be deduplicated */
		else
			(void)base[i];
	}
	fault_jump = NULL;
	rp->v[1] = i / page;
	return 0;
}

/* a: old address, old length, new length, flags (OVC_MREMAP_*), new address. */
static int h_mremap(struct srv *v, const struct real_msg *m, int fd, struct real_reply *rp)
{
	int flags = (m->a[3] & OVC_MREMAP_MAYMOVE ? MREMAP_MAYMOVE : 0) |
		    (m->a[3] & OVC_MREMAP_FIXED ? MREMAP_FIXED : 0) |
		    (m->a[3] & OVC_MREMAP_DONTUNMAP ? MREMAP_DONTUNMAP : 0);
	void *p = mremap((void *)(uintptr_t)m->a[0], m->a[1], m->a[2], flags,
			 (void *)(uintptr_t)m->a[4]);

	(void)v, (void)fd;
	rp->err = p == MAP_FAILED ? errno : 0;
	rp->v[0] = p == MAP_FAILED ? 0 : (uint64_t)(uintptr_t)p;
	return 0;
}

/* a: sign (+1 grow, -1 shrink, 0 set), size, start_brk. The raw system
 * call answers the break it ends with; as libc does, a break that did not
 * move where asked is ENOMEM. v[0]: the break afterwards. */
static int h_brk(struct srv *v, const struct real_msg *m, int fd, struct real_reply *rp)
{
	uint64_t cur = (uint64_t)syscall(SYS_brk, 0), want;
	int64_t sign = (int64_t)m->a[0];

	(void)v, (void)fd;
	if (sign > 0)
		want = cur + m->a[1];
	else if (sign < 0)
		want = m->a[1] > cur ? 0 : cur - m->a[1];
	else
		want = m->a[2] + m->a[1];
	rp->v[0] = (uint64_t)syscall(SYS_brk, want);
	rp->err = rp->v[0] == want ? 0 : ENOMEM;
	return 0;
}

/* ---- shared memory, limits ---- */

static int h_shmget(struct srv *v, const struct real_msg *m, int fd, struct real_reply *rp)
{
	int flags = IPC_CREAT | 0666 | (m->a[2] & OVC_SHM_NORESERVE ? SHM_NORESERVE : 0) |
		    (m->a[2] & OVC_SHM_HUGETLB ? SHM_HUGETLB : 0);
	int id = shmget((key_t)(int32_t)m->a[0], m->a[1], flags);

	(void)v, (void)fd;
	rp->v[0] = id < 0 ? 0 : (uint64_t)id;
	return set_errno(rp, id);
}

static int h_shmat(struct srv *v, const struct real_msg *m, int fd, struct real_reply *rp)
{
	void *p = shmat((int)m->a[0], NULL, m->a[1] ? SHM_RDONLY : 0);

	(void)v, (void)fd;
	rp->err = p == (void *)-1 ? errno : 0;
	rp->v[0] = p == (void *)-1 ? 0 : (uint64_t)(uintptr_t)p;
	return 0;
}

static int h_shmdt(struct srv *v, const struct real_msg *m, int fd, struct real_reply *rp)
{
	(void)v, (void)fd;
	return set_errno(rp, shmdt((void *)(uintptr_t)m->a[0]));
}

/* a: 'A', 'D', 'L' or 'S', bytes (UINT64_MAX: unlimited). The soft
 * limit; the hard one only when the soft would pass it. */
static int h_rlimit(struct srv *v, const struct real_msg *m, int fd, struct real_reply *rp)
{
	int res = m->a[0] == 'A' ? RLIMIT_AS : m->a[0] == 'D' ? RLIMIT_DATA :
		  m->a[0] == 'L' ? RLIMIT_MEMLOCK : RLIMIT_STACK;
	struct rlimit rl;

	(void)v, (void)fd;
	if (getrlimit(res, &rl) < 0)
		return set_errno(rp, -1);
	rl.rlim_cur = m->a[1] == UINT64_MAX ? RLIM_INFINITY : (rlim_t)m->a[1];
	if (rl.rlim_max != RLIM_INFINITY && (rl.rlim_cur == RLIM_INFINITY || rl.rlim_cur > rl.rlim_max))
		rl.rlim_max = rl.rlim_cur;
	return set_errno(rp, setrlimit(res, &rl));
}

static int h_mlockall(struct srv *v, const struct real_msg *m, int fd, struct real_reply *rp)
{
	(void)v, (void)fd;
	return set_errno(rp, mlockall(m->a[0] ? MCL_FUTURE : MCL_CURRENT));
}

/* ---- processes ---- */

/* fd: the child's channel. The child closes ours and greets on its own. */
static int h_fork(struct srv *v, const struct real_msg *m, int fd, struct real_reply *rp)
{
	pid_t pid;

	(void)m;
	if (fd < 0) {
		rp->err = EBADF;
		return 0;
	}
	pid = fork();
	if (pid == 0) {
		close(v->sock);
		v->sock = fd;
		if (serve_steady)
			steady_child();
		hello(fd);
		return 1;	/* no reply on the new channel: the hello is it */
	}
	close(fd);
	rp->pid = pid > 0 ? pid : 0;
	return set_errno(rp, pid);
}

/* A vfork or thread child: the old channel is closed in its own fd table
 * (clone without CLONE_FILES copies it), then it serves on the new one. */
static int clone_child(void *arg)
{
	uintptr_t a = (uintptr_t)arg;
	struct srv child = { .sock = (int)(a & 0xffff) };

	close((int)(a >> 16));
	hello(child.sock);
	serve_loop(&child);
}

static int free_stack(void)
{
	int k;

	for (k = 0; k < SERVE_STACKS; k++)
		if (!serve_static.used[k])
			return k;
	return -1;
}

/* vfork: CLONE_VM|CLONE_VFORK, this server blocked until the child execs
 * or exits (only then is the reply sent, and the stack free again).
 * thread: CLONE_VM alone, a process of its own sharing this memory. */
static int h_clone(struct srv *v, const struct real_msg *m, int fd, struct real_reply *rp)
{
	int vfork = m->cmd == RC_VFORK, k = free_stack(), pid;
	uintptr_t arg = (uintptr_t)fd | (uintptr_t)v->sock << 16;

	if (fd < 0 || fd > 0xffff || v->sock > 0xffff || k < 0) {
		rp->err = fd < 0 ? EBADF : EAGAIN;
		if (fd >= 0)
			close(fd);
		return 0;
	}
	serve_static.used[k] = 1;
	pid = clone(clone_child, serve_static.stack[k] + SERVE_STACK_BYTES,
		    CLONE_VM | (vfork ? CLONE_VFORK : 0) | SIGCHLD, (void *)arg);
	if (pid < 0 || vfork)
		serve_static.used[k] = 0;
	close(fd);
	rp->pid = pid > 0 ? pid : 0;
	return set_errno(rp, pid);
}

/* a[0]: 0 oom_score_adj, 1 the legacy oom_adj; a[1]: the value. The
 * task writes its own file, so the kernel checks its own privilege
 * (CAP_SYS_RESOURCE to go below oom_score_adj_min, fs/proc/base.c). */
static int h_oom_write(struct srv *v, const struct real_msg *m, int fd, struct real_reply *rp)
{
	const char *path = m->a[0] ? "/proc/self/oom_adj" : "/proc/self/oom_score_adj";

	(void)v, (void)fd;
	return set_errno(rp, write_proc_self(path, (long)(int64_t)m->a[1]));
}

static int h_settle(struct srv *v, const struct real_msg *m, int fd, struct real_reply *rp)
{
	(void)v, (void)m, (void)fd;
	settle_rss();
	return set_errno(rp, 0);
}

/* The ovc binary again, serving on the same channel. Returns only when
 * execve fails. */
static int h_exec(struct srv *v, const struct real_msg *m, int fd, struct real_reply *rp)
{
	char num[16], *argv[5] = { "ovc", "exec", "--serve-task", NULL, NULL };
	char *envp[1] = { NULL };

	(void)m, (void)fd;
	argv[3] = utoa((unsigned)v->sock, num + sizeof(num));
	execve("/proc/self/exe", argv, envp);
	return set_errno(rp, -1);
}

static int h_exit(struct srv *v, const struct real_msg *m, int fd, struct real_reply *rp)
{
	(void)v, (void)m, (void)fd, (void)rp;
	_exit(0);
}

typedef int (*handler)(struct srv *v, const struct real_msg *m, int fd, struct real_reply *rp);

static const handler handlers[] = {
	[RC_SETUP] = h_setup, [RC_MMAP] = h_mmap, [RC_MUNMAP] = h_munmap,
	[RC_MPROTECT] = h_mprotect, [RC_MADVISE] = h_madvise, [RC_TOUCH] = h_touch,
	[RC_MREMAP] = h_mremap, [RC_BRK] = h_brk, [RC_FORK] = h_fork, [RC_VFORK] = h_clone,
	[RC_THREAD] = h_clone, [RC_EXEC] = h_exec, [RC_EXIT] = h_exit, [RC_SHMGET] = h_shmget,
	[RC_SHMAT] = h_shmat, [RC_SHMDT] = h_shmdt, [RC_RLIMIT] = h_rlimit,
	[RC_MLOCKALL] = h_mlockall, [RC_OOM_WRITE] = h_oom_write, [RC_SETTLE] = h_settle,
};

/* Serve until the controller goes away (end of file: exit quietly). */
static _Noreturn void serve_loop(struct srv *v)
{
	struct real_msg m;
	struct real_reply rp;
	int fd, r;

	for (;;) {
		r = real_chan_recv(v->sock, &m, sizeof(m), &fd, -1);
		if (r <= 0)
			_exit(r == 0 ? 0 : 70);
		memset(&rp, 0, sizeof(rp));
		rp.kind = RR_REPLY;
		if (m.cmd >= sizeof(handlers) / sizeof(handlers[0]) || !handlers[m.cmd]) {
			rp.err = ENOSYS;
			if (fd >= 0)
				close(fd);
		} else if (handlers[m.cmd](v, &m, fd, &rp)) {
			continue;
		}
		if (real_chan_send(v->sock, &rp, sizeof(rp), -1) < 0)
			_exit(71);
	}
}

int ovc_real_serve(int fd, int steady)
{
	struct sigaction sa;
	struct srv v = { .sock = fd };
	int type = 0;
	socklen_t len = sizeof(type);

	if (getsockopt(fd, SOL_SOCKET, SO_TYPE, &type, &len) < 0 || type != SOCK_SEQPACKET)
		return -OVC_E_STATE;
	memset(&sa, 0, sizeof(sa));
	sa.sa_handler = on_fault;
	sigemptyset(&sa.sa_mask);
	sigaction(SIGSEGV, &sa, NULL);
	sigaction(SIGBUS, &sa, NULL);
	signal(SIGPIPE, SIG_IGN);
	serve_steady = steady;
	if (steady)
		steady_footprint();
	hello(fd);
	serve_loop(&v);
}
