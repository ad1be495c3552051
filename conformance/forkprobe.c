/* forkprobe.c - conformance: `ovc fork-check PID --json` against a real fork() at the exact edge, in the VM. kB. */
/*
 * Run by conformance/run.sh inside the guest, as root, as the VM's only
 * program: `forkprobe /work/ovc`. It writes vm sysctls and fills the
 * commit limit, so it refuses to run unless the kernel was booted with
 * ovc.disposable=1 (as `ovc exec` does). For each case it
 *   1. sets vm.overcommit_memory to 1 and forks a child that maps private
 *      writable anonymous memory (a big mapping, maybe a small one above
 *      or below it, some of it MADV_DONTFORK, its privilege dropped) and
 *      waits; the probe reads the child's smaps: its charged mappings in
 *      address order, the order dup_mmap charges them;
 *   2. under NEVER, maps a ballast in this process so that the headroom
 *      left for the child's fork is, to the page, what the case wants
 *      (below), then writes 2, which folds every CPU's delta;
 *   3. sets the policy of the case, runs `ovc fork-check CHILD --json`
 *      (spawned without a mapping of its own: a vfork-like clone on a
 *      static stack) and reads its verdict, the test that decided it and
 *      its own charge it took out (self_discount_kb);
 *   4. checks that Committed_AS is back where it was, tells the child to
 *      fork() and reads the real result (0 or errno) and, when it
 *      succeeded, the real charge: the move of Committed_AS while the
 *      grandchild exists (meminfo shows the exact sum from 5.9);
 *   5. kills the child (and the grandchild) and unmaps the ballast.
 * One line per case; exit 0 when ovc agreed with every real fork and
 * every case landed where it was built for, 1 when not, 2 when the probe
 * could not run.
 *
 * The kernel rules the cases are built on (5.9+; Debian's 6.1 and 6.12):
 *   - kernel/fork.c dup_mmap (6.1, 6.12): each VMA of the parent in
 *     address order; a VM_DONTCOPY one (MADV_DONTFORK) is skipped, a
 *     VM_ACCOUNT one is tested alone with security_vm_enough_memory_mm
 *     (oldmm, its pages), whose CAP_SYS_ADMIN is the forking task's
 *     (security/commoncap.c cap_vm_enough_memory); the first refusal
 *     fails the fork;
 *   - mm/util.c __vm_enough_memory (5.2+): the pages are added to the
 *     counter first (vm_acct_memory); ALWAYS passes; GUESS fails when the
 *     request alone is more than totalram + total swap pages; NEVER
 *     passes when percpu_counter_read_positive (the folded count, not
 *     the exact sum) is strictly below CommitLimit minus, for a
 *     non-admin, admin_reserve_kbytes, minus min(the parent's
 *     total_vm / 32, user_reserve_kbytes): a count equal to the bound is
 *     refused;
 *   - lib/percpu_counter.c percpu_counter_add_batch: the CPU's delta plus
 *     the amount folds into the count when its magnitude reaches the
 *     batch, else stays in the delta; mm/mm_init.c mm_compute_batch
 *     (5.9+): the batch is max(32, 2 CPUs, RAM / CPUs / 256) under NEVER,
 *     and writing 2 to overcommit_memory folds every CPU's delta
 *     (mm/util.c overcommit_policy_handler, sync_overcommit_as).
 *
 * The NEVER edge, on one CPU (run.sh gives the VM one). Let E be the
 * exact Committed_AS before the fork and the child's charged mappings
 * m1..mn in address order, the big one mb among them (at least two
 * batches). The small ones before it stay in the delta; mb folds the
 * delta, so its test reads the exact E + m1 + ... + mb; the ones after
 * it (the stack, the tail) stay in the delta and their tests read the
 * same count. So the kernel admits exactly when
 *     m1 + ... + mb  <  bound - E  (the headroom),
 * whatever the tail: a fork whose whole charge is over the headroom by
 * less than its tail passes. Each NEVER case puts the headroom at
 * m1 + ... + mb plus an offset: +-1 page, 0 (ENOMEM: equal is refused),
 * +-margin, and a small mapping after mb (in the tail: ok) or before it
 * (counted: ENOMEM) at the same headroom. ovc models the same counter
 * (live/analyze.c fork_each) from the Committed_AS it read less its own
 * charge (self_discount_kb). The margin is one page plus what that
 * discount can be off by (DISCOUNT_SLACK_KB; each case measures it):
 * outside the slack ovc's verdict must be the kernel's; within it (the
 * +-1 page and 0 cases while the slack is not 0) it must be the kernel's
 * rule moved by the discount error measured.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <sched.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/utsname.h>
#include <sys/wait.h>
#include <unistd.h>

extern char **environ;

#define PAGE_KB 4LL	/* x86-64 guests: checked at the start */
#define NEVER_MAP_KB (64LL << 10)	/* the child's big mapping in the NEVER cases */
#define ORDINARY_KB (8LL << 10)	/* an ordinary mapping: at least 2 batches (checked) */
/* The small mapping placed after or before the big one: with the stack
 * (132 kB) under one batch (464-470 pages here, checked), so that after
 * the big one it stays in the CPU's delta. */
#define SMALL_KB 1024LL
/* How far ovc's self discount may be off: its charge when it read
 * meminfo less the charge it takes out. ovc measures its charge just
 * before and just after it reads meminfo, allocating nothing in between
 * (live/proc_read.c read_machine), so it must be exact; every case
 * measures it. (When ovc took its charge from its own smaps read later,
 * it was off by -160 kB: its heap had grown by then.) */
#define DISCOUNT_SLACK_KB 0LL
#define MARGIN_KB (PAGE_KB + DISCOUNT_SLACK_KB)	/* the NEVER cases' step from the edge */
#define ADMIN_MIN_KB 1024LL	/* admin_reserve_kbytes, at least: root's edge is far */
#define MAX_VMAS 256

/* ------------------------------------------------------------------ */
/* /proc and /proc/sys/vm, read into static buffers: the probe must not
 * commit memory of its own between two readings of Committed_AS. */

static char big[256 << 10];	/* smaps */
static char out[64 << 10];	/* ovc's output */
static char small[16 << 10];	/* meminfo, status, sysctls */

/* The whole file into buf (NUL-terminated); its length, or -1. */
static long slurp(const char *path, char *buf, size_t size)
{
	int fd = open(path, O_RDONLY | O_CLOEXEC);
	size_t n = 0;
	ssize_t r;

	if (fd < 0)
		return -1;
	while (n + 1 < size && (r = read(fd, buf + n, size - 1 - n)) > 0)
		n += (size_t)r;
	close(fd);
	buf[n] = 0;
	return (long)n;
}

/* "Key:   123 kB" in a meminfo or status text: 123, or -1. */
static long long field_kb(const char *text, const char *key)
{
	size_t n = strlen(key);

	for (const char *p = text; p && *p; p = strchr(p, '\n'), p = p ? p + 1 : NULL)
		if (!strncmp(p, key, n) && p[n] == ':')
			return strtoll(p + n + 1, NULL, 10);
	return -1;
}

static long long meminfo_kb(const char *key)
{
	if (slurp("/proc/meminfo", small, sizeof(small)) < 0)
		return -1;
	return field_kb(small, key);
}

static long long committed_kb(void)
{
	return meminfo_kb("Committed_AS");
}

static long long sysctl_read(const char *name)
{
	char path[96];

	snprintf(path, sizeof(path), "/proc/sys/vm/%s", name);
	if (slurp(path, small, sizeof(small)) < 0)
		return -1;
	return strtoll(small, NULL, 10);
}

/* Through the kernel's handler: writing overcommit_memory=2 recomputes
 * the batch and folds the per-CPU deltas (5.9+). 0 or -1. */
static int sysctl_write(const char *name, long long v)
{
	char path[96], text[32];
	int fd, len, ok;

	snprintf(path, sizeof(path), "/proc/sys/vm/%s", name);
	len = snprintf(text, sizeof(text), "%lld\n", v);
	fd = open(path, O_WRONLY | O_CLOEXEC);
	if (fd < 0)
		return -1;
	ok = write(fd, text, (size_t)len) == len;
	close(fd);
	return ok ? 0 : -1;
}

/* ------------------------------------------------------------------ */
/* A process's fork charge, from its smaps, as dup_mmap takes it          */

struct image {
	long long kb[MAX_VMAS];	/* the charged VMAs (ac, not dc), in address order */
	int n;
	int top;		/* the largest of them (the first of equals) */
	long long charge_kb;	/* their sum: what fork charges */
	long long upto_kb;	/* kb[0] + ... + kb[top]: what the kernel's test at top reads */
	long long tail_kb;	/* the ones after top: left in the CPU's delta */
	long long dontfork_kb;	/* ac and dc: skipped by fork */
	long long vmsize_kb;	/* total_vm, for the user reserve cut */
};

/* Whether the VmFlags line at flags (up to its newline) has the two
 * letters f. */
static int has_flag(const char *flags, const char *f)
{
	for (const char *p = flags; *p && *p != '\n'; p++)
		if (p[0] == f[0] && p[1] == f[1] && (p == flags || p[-1] == ' ') &&
		    (p[2] == ' ' || p[2] == '\n' || !p[2]))
			return 1;
	return 0;
}

/* The charged VMAs in address order (smaps lists them so). 0 or -1. */
static int read_image(int pid, struct image *im)
{
	long long size = 0;
	char path[64];

	memset(im, 0, sizeof(*im));
	snprintf(path, sizeof(path), "/proc/%d/smaps", pid);
	if (slurp(path, big, sizeof(big)) <= 0)
		return -1;
	for (char *p = big; p && *p; p = strchr(p, '\n'), p = p ? p + 1 : NULL) {
		if (!strncmp(p, "Size:", 5))
			size = strtoll(p + 5, NULL, 10);
		if (strncmp(p, "VmFlags:", 8) || !has_flag(p + 8, "ac"))
			continue;
		if (has_flag(p + 8, "dc")) {
			im->dontfork_kb += size;
			continue;
		}
		if (im->n == MAX_VMAS)
			return -1;
		im->kb[im->n] = size;
		im->charge_kb += size;
		if (size > im->kb[im->top])
			im->top = im->n;
		im->n++;
	}
	for (int i = 0; i < im->n; i++)
		*(i <= im->top ? &im->upto_kb : &im->tail_kb) += im->kb[i];
	snprintf(path, sizeof(path), "/proc/%d/status", pid);
	if (slurp(path, small, sizeof(small)) < 0)
		return -1;
	im->vmsize_kb = field_kb(small, "VmSize");
	return 0;
}

/* kb[0] + ... + kb[i - 1]. */
static long long image_prefix(const struct image *im, int i)
{
	long long s = 0;

	for (int j = 0; j < i && j < im->n; j++)
		s += im->kb[j];
	return s;
}

/* ------------------------------------------------------------------ */
/* The child: maps, waits, forks when told, and reports                  */

struct spec {
	long long map_kb;	/* the big private writable mapping (0: none) */
	long long small_kb;	/* a small one beside it (0: none) */
	int small_above;	/* the small one after the big one in address order */
	long long dontfork_kb;	/* one marked MADV_DONTFORK (0: none) */
	int drop_admin;		/* become uid 65534: no CAP_SYS_ADMIN at the fork */
};

struct child {
	int pid, cmd, rep;	/* its pid, the pipe to it, the pipe from it */
};

static int map_anon(long long kb, int dontfork)
{
	void *p;

	if (!kb)
		return 0;
	p = mmap(NULL, (size_t)kb << 10, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	if (p == MAP_FAILED)
		return errno;
	if (dontfork && madvise(p, (size_t)kb << 10, MADV_DONTFORK))
		return errno;
	return 0;
}

/* The small mapping and the big one, in the order asked for: one
 * PROT_NONE reservation of both and a page, then each writable part
 * MAP_FIXED inside it. The page left PROT_NONE between them (not charged:
 * not writable) keeps them from merging; placed by mmap alone, the two
 * can merge (6.1) or the small one land in the hole that 6.12's 2 MB
 * alignment of the big one leaves above it. */
static int map_pair(const struct spec *s)
{
	size_t sm = (size_t)s->small_kb << 10, bg = (size_t)s->map_kb << 10;
	size_t pg = (size_t)PAGE_KB << 10;
	int fl = MAP_PRIVATE | MAP_ANONYMOUS | MAP_FIXED;
	char *lo = mmap(NULL, sm + pg + bg, PROT_NONE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0), *hi;

	if (lo == MAP_FAILED)
		return errno;
	hi = lo + (s->small_above ? bg : sm) + pg;
	if (mmap(lo, s->small_above ? bg : sm, PROT_READ | PROT_WRITE, fl, -1, 0) == MAP_FAILED ||
	    mmap(hi, s->small_above ? sm : bg, PROT_READ | PROT_WRITE, fl, -1, 0) == MAP_FAILED)
		return errno;
	return 0;
}

static int child_map(const struct spec *s)
{
	int err = s->small_kb ? map_pair(s) : map_anon(s->map_kb, 0);

	return err ? err : map_anon(s->dontfork_kb, 1);
}

static int drop_admin(void)
{
	if (setresgid(65534, 65534, 65534) || setresuid(65534, 65534, 65534))
		return errno;
	return 0;
}

/* The grandchild only waits to be killed: touching nothing, it charges
 * nothing beyond what the fork charged. */
static void child_main(const struct spec *s, int cmd, int rep)
{
	int err = child_map(s), g = -1;
	char op;

	if (!err && s->drop_admin)
		err = drop_admin();
	if (write(rep, &err, sizeof(err)) != sizeof(err))
		_exit(2);
	while (read(cmd, &op, 1) == 1 && op == 'f' && g < 0) {
		g = fork();
		if (g == 0)
			for (;;)
				pause();
		err = g < 0 ? errno : 0;
		if (write(rep, &err, sizeof(err)) != sizeof(err))
			break;
	}
	if (g > 0) {
		kill(g, SIGKILL);
		waitpid(g, NULL, 0);
	}
	_exit(0);
}

/* 0 and the child ready, or an errno (the child's mapping failed, ...). */
static int child_start(const struct spec *s, struct child *c)
{
	int to[2], from[2], err = EIO;

	c->pid = c->cmd = c->rep = -1;
	if (pipe2(to, O_CLOEXEC))
		return errno;
	if (pipe2(from, O_CLOEXEC)) {
		err = errno;
		close(to[0]);
		close(to[1]);
		return err;
	}
	fflush(stdout);
	c->pid = fork();
	if (c->pid < 0) {
		err = errno;
		close(to[0]);
		close(to[1]);
		close(from[0]);
		close(from[1]);
		return err;
	}
	if (c->pid == 0) {
		close(to[1]);
		close(from[0]);
		child_main(s, to[0], from[1]);
	}
	close(to[0]);
	close(from[1]);
	c->cmd = to[1];
	c->rep = from[0];
	if (read(c->rep, &err, sizeof(err)) != sizeof(err))
		err = EIO;
	return err;
}

/* The real fork: 0 or its errno; -1 when the child did not answer. */
static int child_fork(struct child *c)
{
	int err;

	if (write(c->cmd, "f", 1) != 1 || read(c->rep, &err, sizeof(err)) != sizeof(err))
		return -1;
	return err;
}

/* End of its input: the child kills its grandchild, if any, and exits. */
static void child_stop(struct child *c)
{
	close(c->cmd);
	waitpid(c->pid, NULL, 0);
	close(c->rep);
}

/* ------------------------------------------------------------------ */
/* ovc fork-check PID --json                                            */

struct verdict {
	int ok;			/* 1 pass, 0 fail */
	long long charge_kb;	/* request_kb: the fork's charge */
	/* admission: the test that decided (the refused mapping's, else the last's) */
	long long committed_kb;	/* the exact count once that mapping was added */
	long long seen_kb;	/* the count that test read (approximate) */
	long long limit_kb;	/* NEVER: allowed_kb; GUESS: ram_swap_kb; else -1 */
	long long nmaps;	/* fork_mappings */
	long long decide;	/* deciding_mapping, from 1 */
	long long decide_kb;	/* deciding_mapping_kb */
	long long self_kb;	/* self_discount_kb: ovc's own charge, taken out */
};

/* The value after "key": from p on (NULL when absent). */
static const char *json_at(const char *p, const char *key)
{
	char pat[64];
	const char *q;

	snprintf(pat, sizeof(pat), "\"%s\":", key);
	q = p ? strstr(p, pat) : NULL;
	if (!q)
		return NULL;
	for (q += strlen(pat); *q == ' '; q++)
		;
	return q;
}

static long long json_num(const char *p, const char *key)
{
	const char *v = json_at(p, key);

	return v && (*v == '-' || (*v >= '0' && *v <= '9')) ? strtoll(v, NULL, 10) : -1;
}

static int parse_verdict(const char *text, struct verdict *v)
{
	const char *ok = json_at(text, "ok"), *adm = json_at(text, "admission");

	if (!ok || !adm || (strncmp(ok, "true", 4) && strncmp(ok, "false", 5)))
		return -1;
	v->ok = !strncmp(ok, "true", 4);
	v->charge_kb = json_num(text, "request_kb");	/* the first: the fork's */
	v->committed_kb = json_num(adm, "committed_kb");
	v->seen_kb = json_num(adm, "seen_kb");
	v->limit_kb = json_num(adm, "allowed_kb");
	if (v->limit_kb < 0)
		v->limit_kb = json_num(adm, "ram_swap_kb");
	v->nmaps = json_num(text, "fork_mappings");
	v->decide = json_num(text, "deciding_mapping");
	v->decide_kb = json_num(text, "deciding_mapping_kb");
	v->self_kb = json_num(text, "self_discount_kb");
	return v->charge_kb < 0 || v->committed_kb < 0 || v->decide < 1 || v->self_kb < 0 ? -1 : 0;
}

/* ovc runs on a static stack of this process, sharing its memory until it
 * execs (clone CLONE_VM | CLONE_VFORK, as posix_spawn does): glibc's
 * posix_spawn mmaps a stack, which is charged, and unmaps it only after
 * the exec, perhaps after ovc has read meminfo. */
static char spawn_stack[16 << 10] __attribute__((aligned(16)));

struct spawn {
	const char *path;
	char **argv;
	int fd;			/* becomes its stdout */
};

static int spawn_main(void *arg)
{
	const struct spawn *sp = arg;

	if (dup2(sp->fd, 1) == 1)
		execve(sp->path, sp->argv, environ);
	_exit(127);
}

/* Runs ovc on pid; 0 with v filled, or -1 (said on stderr). */
static int run_ovc(const char *ovc, int pid, struct verdict *v)
{
	char pidstr[16];
	char *argv[] = { (char *)ovc, "fork-check", pidstr, "--json", NULL };
	struct spawn sp = { ovc, argv, -1 };
	int p[2], st = 0;
	pid_t o;
	size_t n = 0;
	ssize_t r;

	snprintf(pidstr, sizeof(pidstr), "%d", pid);
	if (pipe2(p, O_CLOEXEC))
		return -1;
	sp.fd = p[1];
	o = clone(spawn_main, spawn_stack + sizeof(spawn_stack), CLONE_VM | CLONE_VFORK | SIGCHLD, &sp);
	close(p[1]);
	if (o < 0) {
		close(p[0]);
		fprintf(stderr, "forkprobe: cannot run %s: %s\n", ovc, strerror(errno));
		return -1;
	}
	while (n + 1 < sizeof(out) && (r = read(p[0], out + n, sizeof(out) - 1 - n)) > 0)
		n += (size_t)r;
	out[n] = 0;
	close(p[0]);
	waitpid(o, &st, 0);
	if (!WIFEXITED(st) || WEXITSTATUS(st) > 1 || parse_verdict(out, v) ||
	    v->ok != (WEXITSTATUS(st) == 0)) {
		fprintf(stderr, "forkprobe: ovc fork-check %d: status 0x%x, output:\n%s\n", pid, st, out);
		return -1;
	}
	return 0;
}

/* ------------------------------------------------------------------ */
/* The machine                                                          */

struct machine {
	long long mem_kb, swap_kb;	/* MemTotal, SwapTotal: totalram, total_swap_pages */
	long cpus;
	long long batch_never;		/* pages, mm_compute_batch under NEVER */
	long long admin_kb, user_kb;	/* the reserves in force */
	/* measured over the cases: ovc's self_discount_kb, and how far off it was */
	long long self_min, self_max, err_min, err_max;
	int measured;
};

/* mm/mm_init.c mm_compute_batch (5.9+), NEVER: in pages. */
static long long never_batch(const struct machine *m)
{
	long long floor = m->cpus * 2 > 32 ? m->cpus * 2 : 32;
	long long memsized = m->mem_kb / PAGE_KB / m->cpus / 256;

	return memsized > floor ? memsized : floor;
}

/* ------------------------------------------------------------------ */
/* The cases                                                            */

enum size_rule {
	SZ_NEVER,		/* NEVER: the layout's mappings, the headroom at the edge */
	SZ_RAM_SWAP,		/* one mapping of totalram + swap pages exactly */
	SZ_RAM_SWAP_PLUS1,	/* ... and one page more */
	SZ_RAM_SWAP_TWICE,	/* twice */
	SZ_ORDINARY,		/* ORDINARY_KB */
};

enum layout {
	L_ONE,			/* NEVER_MAP_KB */
	L_SMALL_AFTER,		/* NEVER_MAP_KB, then SMALL_KB after it in address order */
	L_SMALL_BEFORE,		/* SMALL_KB, then NEVER_MAP_KB */
	L_DONTFORK,		/* ORDINARY_KB, and NEVER_MAP_KB marked MADV_DONTFORK */
};

struct fcase {
	const char *name;
	int policy;		/* vm.overcommit_memory at the fork */
	enum size_rule size;
	enum layout layout;	/* NEVER */
	long long off_kb;	/* NEVER: headroom = the charge up to and with the largest mapping + off */
	int drop_admin;
	int expect_ok;		/* the real result the case is built for */
	const char *what;
};

static const struct fcase cases[] = {
	{ "never-below", 2, SZ_NEVER, L_ONE, MARGIN_KB, 0, 1,
	  "policy 2, 64 MB mapping; headroom = the charge up to and with it (what the "
	  "kernel's test at it reads) + margin" },
	{ "never-below-1p", 2, SZ_NEVER, L_ONE, PAGE_KB, 0, 1,
	  "the same, + 1 page: the whole charge, with the stack after the 64 MB, is over "
	  "the headroom" },
	{ "never-equal", 2, SZ_NEVER, L_ONE, 0, 0, 0,
	  "the same, + 0: the count reaches the bound, and equal is refused" },
	{ "never-above-1p", 2, SZ_NEVER, L_ONE, -PAGE_KB, 0, 0,
	  "the same, - 1 page" },
	{ "never-above", 2, SZ_NEVER, L_ONE, -MARGIN_KB, 0, 0,
	  "the same, - margin" },
	{ "never-tail-after", 2, SZ_NEVER, L_SMALL_AFTER, MARGIN_KB, 0, 1,
	  "policy 2, 64 MB, then 1 MB after it in address order; headroom = the charge "
	  "up to and with the 64 MB + margin (the whole charge is over it by 1 MB + the "
	  "stack - margin)" },
	{ "never-tail-before", 2, SZ_NEVER, L_SMALL_BEFORE, MARGIN_KB - SMALL_KB, 0, 0,
	  "the same mappings, the 1 MB before the 64 MB; the same headroom (the charge "
	  "up to and with the 64 MB - 1 MB + margin)" },
	{ "never-dontfork", 2, SZ_NEVER, L_DONTFORK, MARGIN_KB, 0, 1,
	  "policy 2, 8 MB mapping + 64 MB MADV_DONTFORK; headroom = the charge up to and "
	  "with the 8 MB + margin, below the DONTFORK part" },
	{ "never-nonadmin-above", 2, SZ_NEVER, L_ONE, -MARGIN_KB, 1, 0,
	  "policy 2, 64 MB, uid 65534 (no CAP_SYS_ADMIN): headroom = the charge up to "
	  "and with it - margin once admin_reserve_kbytes is cut, far more without" },
	{ "never-nonadmin-below", 2, SZ_NEVER, L_ONE, MARGIN_KB, 1, 1,
	  "the same, + margin" },
	{ "guess-over", 0, SZ_RAM_SWAP_PLUS1, L_ONE, 0, 0, 0,
	  "policy 0, one mapping of RAM + swap + 1 page (made under policy 1)" },
	{ "guess-edge", 0, SZ_RAM_SWAP, L_ONE, 0, 0, 1,
	  "policy 0, one mapping of exactly RAM + swap (made under policy 1)" },
	{ "guess-ordinary", 0, SZ_ORDINARY, L_ONE, 0, 0, 1,
	  "policy 0, an 8 MB mapping" },
	{ "always-huge", 1, SZ_RAM_SWAP_TWICE, L_ONE, 0, 0, 1,
	  "policy 1, one mapping of twice RAM + swap" },
};

struct outcome {
	struct image im;	/* the child's, as the probe read it before ovc ran */
	struct image again;	/* ... and once more just before the fork */
	struct verdict v;
	long long allowed_kb;	/* NEVER: the bound the kernel tests, for this child */
	long long want_kb;	/* NEVER: the headroom the case wants */
	long long before_kb;	/* Committed_AS just before ovc ran */
	long long at_fork_kb;	/* ... and after it, just before the fork */
	long long base_kb;	/* ovc's Committed_AS less its own charge: its deciding
				 * test's count less the mappings up to and with that one */
	long long real_kb;	/* Committed_AS moved by the fork (-1: it failed) */
	long long leak_kb;	/* after a failed fork: Committed_AS moved by (0) */
	long long map_kb;	/* the child's big mapping */
	long long limit_kb;	/* the probe's: allowed (NEVER), RAM + swap (GUESS), else -1 */
	int err;		/* the real fork's errno */
	const char *bad;	/* why the case failed, or NULL */
	const char *note;	/* why it did not fail though ovc's verdict differs */
};

static void spec_of(const struct fcase *c, const struct machine *m, struct spec *s)
{
	long long ram_swap = m->mem_kb + m->swap_kb;

	memset(s, 0, sizeof(*s));
	s->drop_admin = c->drop_admin;
	switch (c->size) {
	case SZ_NEVER:
		s->map_kb = c->layout == L_DONTFORK ? ORDINARY_KB : NEVER_MAP_KB;
		s->dontfork_kb = c->layout == L_DONTFORK ? NEVER_MAP_KB : 0;
		s->small_kb = c->layout == L_SMALL_AFTER || c->layout == L_SMALL_BEFORE ? SMALL_KB : 0;
		s->small_above = c->layout == L_SMALL_AFTER;
		break;
	case SZ_RAM_SWAP: s->map_kb = ram_swap; break;
	case SZ_RAM_SWAP_PLUS1: s->map_kb = ram_swap + PAGE_KB; break;
	case SZ_RAM_SWAP_TWICE: s->map_kb = 2 * ram_swap; break;
	case SZ_ORDINARY: s->map_kb = ORDINARY_KB; break;
	}
}

/* NEVER: the bound __vm_enough_memory compares the count with, for the
 * child (its total_vm, its privilege), in kB. */
static long long never_allowed(const struct fcase *c, const struct machine *m,
				const struct image *im)
{
	long long limit = meminfo_kb("CommitLimit") / PAGE_KB;
	long long cut = im->vmsize_kb / PAGE_KB / 32;

	if (cut > m->user_kb / PAGE_KB)
		cut = m->user_kb / PAGE_KB;
	if (c->drop_admin)
		limit -= m->admin_kb / PAGE_KB;
	return (limit - cut) * PAGE_KB;
}

/* NEVER: map, in this process, what leaves the child's fork the headroom
 * the case wants. Made under policy 1 (charged all the same), before
 * policy 2 is written. Returns the ballast (NULL: none) or MAP_FAILED. */
static void *ballast(const struct fcase *c, const struct machine *m, struct outcome *o,
		     long long *kb)
{
	*kb = 0;
	if (c->policy != 2)
		return NULL;
	o->want_kb = o->im.upto_kb + c->off_kb;
	o->allowed_kb = o->limit_kb = never_allowed(c, m, &o->im);
	*kb = o->allowed_kb - committed_kb() - o->want_kb;
	if (*kb <= 0)
		return MAP_FAILED;
	return mmap(NULL, (size_t)*kb << 10, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS,
		    -1, 0);
}

/* NEVER: the headroom at the fork less the charge up to and with the
 * largest mapping: the kernel admits when it is above 0. */
static long long edge_kb(const struct outcome *o)
{
	return o->allowed_kb - o->at_fork_kb - o->im.upto_kb;
}

/* ovc's Committed_AS less its own charge, less the real one: how far its
 * self discount was off (below 0: ovc took out too much). */
static long long discount_err(const struct outcome *o)
{
	return o->base_kb - o->before_kb;
}

/* ovc's verdict and the kernel's: NULL when they agree, or when, within
 * DISCOUNT_SLACK_KB of the edge, ovc's is the kernel's rule moved by
 * ovc's measured discount error (then o->note says so). */
static const char *judge_verdict(const struct fcase *c, struct outcome *o)
{
	int real_ok = o->err == 0;

	if (o->v.ok == real_ok)
		return NULL;
	if (c->policy == 2 && llabs(c->off_kb) <= DISCOUNT_SLACK_KB &&
	    o->v.ok == (edge_kb(o) - discount_err(o) > 0)) {
		o->note = "in the slack: ovc's verdict is moved by its discount error";
		return NULL;
	}
	return "DISAGREE: ovc's verdict is not the kernel's";
}

/* Whether ovc's answer and the kernel's agree, and on what ovc decided:
 * the mappings, the deciding one, the count it read. NULL when all do. */
static const char *judge_ovc(const struct fcase *c, struct outcome *o)
{
	const struct verdict *v = &o->v;
	const char *bad = judge_verdict(c, o);

	if (bad)
		return bad;
	if (o->err == 0 && o->real_kb != v->charge_kb)
		return "DISAGREE: ovc's charge is not the kernel's";
	if (v->nmaps != o->im.n || v->decide > o->im.n || v->decide_kb != o->im.kb[v->decide - 1])
		return "DISAGREE: ovc's mappings are not the child's";
	/* a refusal comes at the big mapping: the ones before it pass */
	if (v->decide != (v->ok ? o->im.n : o->im.top + 1))
		return "DISAGREE: ovc's deciding mapping is not the kernel's";
	if (c->policy != 1 && v->limit_kb != o->limit_kb)
		return "DISAGREE: ovc's bound (NEVER) or RAM + swap (GUESS) is not the kernel's";
	/* the big mapping folded the delta; the ones after it stay in it */
	if (c->policy == 2 && v->seen_kb - o->base_kb != o->im.upto_kb)
		return "DISAGREE: the count ovc's test read is not the kernel's";
	return NULL;
}

/* Whether the child's mappings are laid out as the case says. */
static int layout_ok(const struct fcase *c, const struct image *im)
{
	if (c->size != SZ_NEVER || (c->layout != L_SMALL_AFTER && c->layout != L_SMALL_BEFORE))
		return 1;
	if (c->layout == L_SMALL_AFTER)
		return im->top + 1 < im->n && im->kb[im->top + 1] == SMALL_KB;
	return im->top > 0 && im->kb[im->top - 1] == SMALL_KB;
}

/* Whether the case tested what it says: the edge where it was put, the
 * counter as assumed, ovc's discount within its slack. NULL when all holds. */
static const char *judge_case(const struct fcase *c, const struct machine *m, const struct outcome *o)
{
	int real_ok = o->err == 0;

	if (!real_ok && o->err != ENOMEM)
		return "the fork failed with another errno than ENOMEM";
	if (o->im.kb[o->im.top] != o->map_kb || !layout_ok(c, &o->im))
		return "the child's mappings are not as made (merged? moved?)";
	if (o->again.n != o->im.n || o->again.charge_kb != o->im.charge_kb ||
	    o->again.upto_kb != o->im.upto_kb)
		return "the child's mappings moved while ovc ran";
	if (o->at_fork_kb != o->before_kb)
		return "Committed_AS moved while ovc ran";
	if (c->policy == 2 && edge_kb(o) != c->off_kb)
		return "the headroom is not where the case put it (something else moved Committed_AS)";
	if (real_ok != c->expect_ok)
		return "missed its edge: the kernel did not do what the case was built for";
	if (c->policy == 2 && o->im.kb[o->im.top] / PAGE_KB < 2 * m->batch_never)
		return "largest VMA under two batches: the kernel's count there is not exact";
	if (c->policy == 2 && o->im.tail_kb / PAGE_KB >= m->batch_never)
		return "the tail reaches the batch: it would not stay in the CPU's delta";
	if (llabs(discount_err(o)) > DISCOUNT_SLACK_KB)
		return "ovc's self discount is off by more than DISCOUNT_SLACK_KB";
	return NULL;
}

/* Step 3 and 4 of the top comment, the policy written. 0 or -1. */
static int ovc_then_fork(const char *ovc, struct child *ch, struct outcome *o)
{
	o->before_kb = committed_kb();
	if (run_ovc(ovc, ch->pid, &o->v))
		return -1;
	o->base_kb = o->v.committed_kb - image_prefix(&o->im, (int)o->v.decide);
	if (read_image(ch->pid, &o->again))
		return -1;
	o->at_fork_kb = committed_kb();
	o->err = child_fork(ch);
	if (o->err == 0)
		o->real_kb = committed_kb() - o->at_fork_kb;
	else
		o->leak_kb = committed_kb() - o->at_fork_kb;
	return 0;
}

/* 0, or -1 when the case could not be set up or ovc not run. */
static int run_case(const char *ovc, const struct fcase *c, const struct machine *m,
		    struct outcome *o)
{
	struct child ch;
	struct spec s;
	long long bkb = 0;
	void *b;
	int rc = -1;

	memset(o, 0, sizeof(*o));
	o->real_kb = -1;
	spec_of(c, m, &s);
	if (sysctl_write("overcommit_memory", 1))
		return -1;
	o->map_kb = s.map_kb;
	o->limit_kb = c->policy == 0 ? m->mem_kb + m->swap_kb : -1;
	if ((o->err = child_start(&s, &ch)) != 0) {
		fprintf(stderr, "forkprobe: %s: the child could not start or map: %s\n", c->name,
			strerror(o->err));
		if (ch.pid > 0)
			child_stop(&ch);
		return -1;
	}
	b = read_image(ch.pid, &o->im) ? MAP_FAILED : ballast(c, m, o, &bkb);
	if (b == MAP_FAILED)
		fprintf(stderr, "forkprobe: %s: no smaps, or the ballast cannot be mapped\n", c->name);
	else if (sysctl_write("overcommit_memory", c->policy) == 0)
		rc = ovc_then_fork(ovc, &ch, o);
	child_stop(&ch);
	if (b && b != MAP_FAILED)
		munmap(b, (size_t)bkb << 10);
	return rc;
}

/* ------------------------------------------------------------------ */
/* Output                                                               */

static const char *errname(int err)
{
	return err == 0 ? "ok" : err == ENOMEM ? "ENOMEM" : err < 0 ? "?" : strerror(err);
}

static void print_case(const struct fcase *c, const struct outcome *o)
{
	char real[24] = "-", edge[24] = "-";

	if (o->real_kb >= 0)
		snprintf(real, sizeof(real), "%lld", o->real_kb);
	if (c->policy == 2)
		snprintf(edge, sizeof(edge), "%+lld", edge_kb(o));
	printf("forkprobe: case %-20s policy %d  ovc %-4s  kernel %-6s  charge kB ovc %lld kernel %s"
	       "  edge kB %s  self %lld err %+lld tail %lld  %s\n",
	       c->name, c->policy, o->v.ok ? "pass" : "fail", errname(o->err), o->v.charge_kb, real,
	       edge, o->v.self_kb, discount_err(o), o->im.tail_kb,
	       o->bad ? o->bad : o->note ? o->note : "agree");
	printf("forkprobe:   %d mappings, the largest is #%d; ovc decided at #%lld of %lld (%lld kB)",
	       o->im.n, o->im.top + 1, o->v.decide, o->v.nmaps, o->v.decide_kb);
	if (c->policy == 2)
		printf(", its count there %lld kB = its start + %lld (kernel: + %lld); bound ovc %lld kB, "
		       "the probe's %lld kB; headroom %lld kB",
		       o->v.seen_kb, o->v.seen_kb - o->base_kb, o->im.upto_kb, o->v.limit_kb, o->limit_kb,
		       o->allowed_kb - o->at_fork_kb);
	else if (c->policy == 0)
		printf("; RAM + swap ovc %lld kB, the probe's %lld kB", o->v.limit_kb, o->limit_kb);
	printf("\n");
	printf("forkprobe:   Committed_AS before ovc %lld kB, at the fork %lld kB; ovc's start %lld kB "
	       "(read %lld less self %lld)\n", o->before_kb, o->at_fork_kb, o->base_kb,
	       o->base_kb + o->v.self_kb, o->v.self_kb);
	if (o->leak_kb)
		printf("forkprobe:   note: Committed_AS moved by %lld kB across the failed fork\n",
		       o->leak_kb);
}

static void print_machine(const struct machine *m)
{
	struct utsname u;

	uname(&u);
	printf("forkprobe: kernel %s, %ld CPU(s), MemTotal %lld kB, SwapTotal %lld kB, "
	       "NEVER batch %lld pages, admin_reserve %lld kB, user_reserve %lld kB\n",
	       u.release, m->cpus, m->mem_kb, m->swap_kb, m->batch_never, m->admin_kb, m->user_kb);
	printf("forkprobe: margin %lld kB = 1 page + %lld kB (what ovc's self discount may be off by)\n",
	       MARGIN_KB, DISCOUNT_SLACK_KB);
	for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++)
		printf("forkprobe: about %s: %s; expect %s\n", cases[i].name, cases[i].what,
		       cases[i].expect_ok ? "ok" : "ENOMEM");
}

/* ovc's own charge over the cases, and how far its discount was off. */
static void measure(struct machine *m, const struct outcome *o)
{
	long long e = discount_err(o);

	if (!m->measured++) {
		m->self_min = m->self_max = o->v.self_kb;
		m->err_min = m->err_max = e;
		return;
	}
	m->self_min = o->v.self_kb < m->self_min ? o->v.self_kb : m->self_min;
	m->self_max = o->v.self_kb > m->self_max ? o->v.self_kb : m->self_max;
	m->err_min = e < m->err_min ? e : m->err_min;
	m->err_max = e > m->err_max ? e : m->err_max;
}

/* ------------------------------------------------------------------ */

/* Booted with the word ovc.disposable=1 (scenario/real_proc.c has the
 * same rule for ovc exec). */
static int disposable(void)
{
	static const char word[] = "ovc.disposable=1";
	const char *p;

	if (slurp("/proc/cmdline", small, sizeof(small)) < 0)
		return 0;
	for (p = small; (p = strstr(p, word)); p++)
		if ((p == small || p[-1] == ' ' || p[-1] == '\t') &&
		    (!p[sizeof(word) - 1] || strchr(" \t\n", p[sizeof(word) - 1])))
			return 1;
	return 0;
}

static int setup(struct machine *m)
{
	memset(m, 0, sizeof(*m));
	m->mem_kb = meminfo_kb("MemTotal");
	m->swap_kb = meminfo_kb("SwapTotal");
	m->cpus = sysconf(_SC_NPROCESSORS_CONF);
	if (m->mem_kb <= 0 || m->swap_kb < 0 || m->cpus <= 0 || sysconf(_SC_PAGESIZE) != PAGE_KB << 10)
		return -1;
	m->batch_never = never_batch(m);
	if (sysctl_write("overcommit_ratio", 50) || sysctl_write("overcommit_memory", 1))
		return -1;
	/* the non-admin cases: root's bound far above the edge */
	if (sysctl_read("admin_reserve_kbytes") < ADMIN_MIN_KB &&
	    sysctl_write("admin_reserve_kbytes", ADMIN_MIN_KB))
		return -1;
	m->admin_kb = sysctl_read("admin_reserve_kbytes");
	m->user_kb = sysctl_read("user_reserve_kbytes");
	return m->admin_kb < 0 || m->user_kb < 0 ? -1 : 0;
}

int main(int argc, char **argv)
{
	struct machine m;
	static struct outcome o;	/* not on the stack: it must not grow */
	int n = 0, bad = 0;

	if (argc != 2) {
		fprintf(stderr, "usage: forkprobe /path/to/ovc (as root, in a disposable VM)\n");
		return 2;
	}
	setvbuf(stdout, NULL, _IOLBF, 0);
	signal(SIGPIPE, SIG_IGN);	/* a child that died is an EPIPE, said as such */
	if (!disposable()) {
		fprintf(stderr, "forkprobe: it writes vm sysctls: run it only in a VM booted with "
			"ovc.disposable=1 (conformance/run.sh does)\n");
		return 2;
	}
	if (geteuid() != 0 || setup(&m)) {
		fprintf(stderr, "forkprobe: cannot set up (root? /proc?)\n");
		return 2;
	}
	print_machine(&m);
	for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		if (run_case(argv[1], &cases[i], &m, &o)) {
			printf("forkprobe: case %-20s could not run (stderr says why)\n", cases[i].name);
			return 2;
		}
		o.bad = o.err < 0 ? "the child did not answer" : judge_ovc(&cases[i], &o);
		if (!o.bad)
			o.bad = judge_case(&cases[i], &m, &o);
		measure(&m, &o);
		print_case(&cases[i], &o);
		if (o.bad)
			fprintf(stderr, "forkprobe: %s: %s; ovc said:\n%s\n", cases[i].name, o.bad, out);
		n++;
		bad += o.bad != NULL;
	}
	printf("forkprobe: ovc's own charge (self_discount_kb) %lld to %lld kB; its charge when it "
	       "read meminfo less that (err) %+lld to %+lld kB; margin %lld kB\n",
	       m.self_min, m.self_max, m.err_min, m.err_max, MARGIN_KB);
	printf("forkprobe: %d cases, %d agree, %d failed\n", n, n - bad, bad);
	return bad ? 1 : 0;
}
