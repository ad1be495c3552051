/* forkprobe.c - conformance: `ovc fork-check PID --json` against a real fork() near the limit, in the VM. kB. */
/*
 * Run by conformance/run.sh inside the guest, as root, as the VM's only
 * program: `forkprobe /work/ovc`. It writes vm sysctls and fills the
 * commit limit, so it refuses to run unless the kernel was booted with
 * ovc.disposable=1 (as `ovc exec` does). For each case it
 *   1. sets vm.overcommit_memory to the policy the mappings are made under;
 *   2. forks a child that maps private writable anonymous memory (some of
 *      it MADV_DONTFORK, or with its privilege dropped) and waits;
 *   3. under NEVER, maps a ballast in this process so that the headroom
 *      left for the child's fork is its charge plus or minus a small margin;
 *   4. sets the policy of the case, runs `ovc fork-check CHILD --json` and
 *      reads its verdict, its charge and the Committed_AS it started from;
 *   5. tells the child to fork() and reads the real result (0 or errno)
 *      and, when it succeeded, the real charge: the move of Committed_AS
 *      while the grandchild exists (meminfo shows the counter's exact sum
 *      from 5.9, mm/util.c vm_memory_committed);
 *   6. kills the child (and the grandchild) and unmaps the ballast.
 * One line per case; exit 0 when ovc agreed with every real fork and
 * every case landed on the side of its edge it was built for, 1 when
 * not, 2 when the probe could not run.
 *
 * The kernel rules the cases are built on (5.9+; Debian's 6.1 and 6.12):
 *   - kernel/fork.c dup_mmap (6.1, 6.12): each VMA of the parent in
 *     address order; a VM_DONTCOPY one (MADV_DONTFORK) is skipped, a
 *     VM_ACCOUNT one is tested alone with security_vm_enough_memory_mm
 *     (oldmm, its pages), whose CAP_SYS_ADMIN is the forking task's
 *     (security/commoncap.c cap_vm_enough_memory);
 *   - mm/util.c __vm_enough_memory (5.2+): the pages are added to the
 *     counter first; ALWAYS passes; GUESS fails when the request alone is
 *     more than totalram + total swap pages; NEVER passes when the
 *     approximate counter (percpu_counter_read_positive) is below
 *     CommitLimit minus, for a non-admin, admin_reserve_kbytes, minus
 *     min(the parent's total_vm / 32, user_reserve_kbytes);
 *   - mm/mm_init.c mm_compute_batch (5.9+): the counter's per-CPU batch is
 *     max(32, 2 CPUs, RAM / CPUs / 256) under NEVER (RAM / CPUs / 4 under
 *     the others), and writing 2 to overcommit_memory folds every CPU's
 *     delta (mm/util.c overcommit_policy_handler, sync_overcommit_as).
 *
 * Why the margin (printed by the run) makes a NEVER edge exact enough:
 *   - ovc reads /proc/meminfo while ovc itself is running, so its
 *     Committed_AS holds ovc's own charge (its image, its buffers: "self",
 *     measured at every run as what ovc read minus what the probe read
 *     just before), which is gone when the real fork happens. ovc's
 *     headroom is therefore smaller by self: a case below the limit by
 *     less than self would be refused by ovc and admitted by the kernel.
 *   - On one CPU (run.sh gives the VM one), a request of at least twice
 *     the batch folds the CPU's delta into the count, so the kernel tests
 *     the exact sum at the child's largest VMA. The VMAs charged after it
 *     (its stack: "tail") stay in the delta, unseen by the test. ovc adds
 *     the whole charge. A case above the limit by less than tail would be
 *     admitted by the kernel and refused by ovc.
 *   So margin = max(self, TAIL_MAX_KB) + MARGIN_EXTRA_KB, and every NEVER
 *   case checks afterwards that its own self and tail were below it.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <spawn.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/utsname.h>
#include <sys/wait.h>
#include <unistd.h>

extern char **environ;

#define PAGE_KB 4LL	/* x86-64 guests: checked at the start */
#define MARGIN_EXTRA_KB 256LL	/* beyond max(self, tail): a self that varies a little */
#define NEVER_MAP_KB (64LL << 10)	/* the child's mapping in the NEVER cases */
#define ORDINARY_KB (8LL << 10)	/* an ordinary mapping: at least 2 batches (checked) */
#define MAX_VMAS 512
/* The child's charge after its largest VMA: its stack, 132 kB as exec
 * made it and maybe a page or two grown; each case checks its own. */
#define TAIL_MAX_KB 256LL

/* ------------------------------------------------------------------ */
/* /proc and /proc/sys/vm, read into static buffers: the probe must not
 * commit memory of its own between two readings of Committed_AS. */

static char big[256 << 10];	/* smaps, ovc's output */
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
	long long charge_kb;	/* VmFlags ac and not dc: what fork charges */
	long long largest_kb;	/* the largest of those VMAs */
	long long tail_kb;	/* charged VMAs after the largest, in address order */
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

/* The charged VMAs in address order (smaps lists them so) and their sum. */
static int read_image(int pid, struct image *im)
{
	static long long kb[MAX_VMAS];
	long long size = 0;
	char path[64];
	size_t n = 0, top = 0;

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
		if (n == MAX_VMAS)
			return -1;
		kb[n] = size;
		im->charge_kb += size;
		if (size > kb[top])
			top = n;
		n++;
	}
	im->largest_kb = n ? kb[top] : 0;
	for (size_t i = top + 1; i < n; i++)
		im->tail_kb += kb[i];
	snprintf(path, sizeof(path), "/proc/%d/status", pid);
	if (slurp(path, small, sizeof(small)) < 0)
		return -1;
	im->vmsize_kb = field_kb(small, "VmSize");
	return 0;
}

/* ------------------------------------------------------------------ */
/* The child: maps, waits, forks when told, and reports                  */

struct spec {
	long long map_kb;	/* an ordinary private writable mapping (0: none) */
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
	int err = map_anon(s->map_kb, 0), g = -1;
	char op;

	if (!err)
		err = map_anon(s->dontfork_kb, 1);
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
	long long seen_kb;	/* the Committed_AS it started from (admission) */
	long long limit_kb;	/* NEVER: allowed_kb; GUESS: ram_swap_kb; else -1 */
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

static int parse_verdict(const char *out, struct verdict *v)
{
	const char *ok = json_at(out, "ok"), *adm = json_at(out, "admission");

	if (!ok || !adm || (strncmp(ok, "true", 4) && strncmp(ok, "false", 5)))
		return -1;
	v->ok = !strncmp(ok, "true", 4);
	v->charge_kb = json_num(out, "request_kb");
	/* admission: committed_kb is the count after its request_kb was added */
	v->seen_kb = json_num(adm, "committed_kb") - json_num(adm, "request_kb");
	v->limit_kb = json_num(adm, "allowed_kb");
	if (v->limit_kb < 0)
		v->limit_kb = json_num(adm, "ram_swap_kb");
	return v->charge_kb < 0 ? -1 : 0;
}

/* Runs ovc on pid; 0 with v filled, or -1 (said on stderr). */
static int run_ovc(const char *ovc, int pid, struct verdict *v)
{
	char pidstr[16];
	char *argv[] = { (char *)ovc, "fork-check", pidstr, "--json", NULL };
	posix_spawn_file_actions_t fa;
	int p[2], st = 0, rc;
	pid_t o;
	size_t n = 0;
	ssize_t r;

	snprintf(pidstr, sizeof(pidstr), "%d", pid);
	if (pipe2(p, O_CLOEXEC))
		return -1;
	posix_spawn_file_actions_init(&fa);
	posix_spawn_file_actions_adddup2(&fa, p[1], 1);
	rc = posix_spawn(&o, ovc, &fa, NULL, argv, environ);
	posix_spawn_file_actions_destroy(&fa);
	close(p[1]);
	if (rc) {
		close(p[0]);
		fprintf(stderr, "forkprobe: cannot run %s: %s\n", ovc, strerror(rc));
		return -1;
	}
	while (n + 1 < sizeof(big) && (r = read(p[0], big + n, sizeof(big) - 1 - n)) > 0)
		n += (size_t)r;
	big[n] = 0;
	close(p[0]);
	waitpid(o, &st, 0);
	if (!WIFEXITED(st) || WEXITSTATUS(st) > 1 || parse_verdict(big, v) ||
	    v->ok != (WEXITSTATUS(st) == 0)) {
		fprintf(stderr, "forkprobe: ovc fork-check %d: status 0x%x, output:\n%s\n", pid, st, big);
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
	long long self_kb;		/* ovc's own charge, calibrated */
	long long margin_kb;
	long long admin_kb, user_kb;	/* the reserves in force */
};

/* mm/mm_init.c mm_compute_batch (5.9+), NEVER: in pages. */
static long long never_batch(const struct machine *m)
{
	long long floor = m->cpus * 2 > 32 ? m->cpus * 2 : 32;
	long long memsized = m->mem_kb / PAGE_KB / m->cpus / 256;

	return memsized > floor ? memsized : floor;
}

/* ovc's own charge while it runs: ovc on this process, what it read minus
 * what this process read just before. */
static int calibrate(const char *ovc, struct machine *m)
{
	struct verdict v;
	long long before = committed_kb();

	if (run_ovc(ovc, getpid(), &v))
		return -1;
	m->self_kb = v.seen_kb - before;
	return 0;
}

/* ------------------------------------------------------------------ */
/* The cases                                                            */

enum size_rule {
	SZ_NEVER_ABOVE,		/* NEVER: headroom = charge - margin (ENOMEM) */
	SZ_NEVER_BELOW,		/* NEVER: headroom = charge + margin (admitted) */
	SZ_RAM_SWAP,		/* one mapping of totalram + swap pages exactly */
	SZ_RAM_SWAP_PLUS1,	/* ... and one page more */
	SZ_RAM_SWAP_TWICE,	/* twice */
	SZ_ORDINARY,		/* ORDINARY_KB */
};

struct fcase {
	const char *name;
	int policy;		/* vm.overcommit_memory at the fork */
	enum size_rule size;
	int dontfork;		/* the NEVER edge mapping is ORDINARY_KB, plus
				 * NEVER_MAP_KB marked MADV_DONTFORK */
	int drop_admin;
	int expect_ok;		/* the real result the case is built for */
	const char *what;
};

static const struct fcase cases[] = {
	{ "never-above", 2, SZ_NEVER_ABOVE, 0, 0, 0,
	  "policy 2, 64 MB mapping; headroom = the fork's charge - margin" },
	{ "never-below", 2, SZ_NEVER_BELOW, 0, 0, 1,
	  "policy 2, 64 MB mapping; headroom = the fork's charge + margin" },
	{ "never-dontfork", 2, SZ_NEVER_BELOW, 1, 0, 1,
	  "policy 2, 8 MB mapping + 64 MB MADV_DONTFORK; "
	  "headroom = charge + margin, below the DONTFORK part" },
	{ "never-nonadmin-above", 2, SZ_NEVER_ABOVE, 0, 1, 0,
	  "policy 2, 64 MB, uid 65534 (no CAP_SYS_ADMIN): above by margin once "
	  "admin_reserve_kbytes is cut, below without it" },
	{ "guess-over", 0, SZ_RAM_SWAP_PLUS1, 0, 0, 0,
	  "policy 0, one mapping of RAM + swap + 1 page (made under policy 1)" },
	{ "guess-edge", 0, SZ_RAM_SWAP, 0, 0, 1,
	  "policy 0, one mapping of exactly RAM + swap (made under policy 1)" },
	{ "guess-ordinary", 0, SZ_ORDINARY, 0, 0, 1,
	  "policy 0, an 8 MB mapping" },
	{ "always-huge", 1, SZ_RAM_SWAP_TWICE, 0, 0, 1,
	  "policy 1, one mapping of twice RAM + swap" },
};

struct outcome {
	struct image im;
	struct verdict v;
	long long allowed_kb;	/* NEVER: the bound the kernel tests, for this child */
	long long headroom_kb;	/* NEVER: allowed - Committed_AS at the fork */
	long long self_kb;	/* ovc's own charge in what it read, this time */
	long long real_kb;	/* Committed_AS moved by the fork (-1: it failed) */
	long long leak_kb;	/* after a failed fork: Committed_AS moved by (0) */
	long long map_kb;	/* the child's ordinary mapping */
	long long limit_kb;	/* the probe's: allowed (NEVER), RAM + swap (GUESS) */
	int err;		/* the real fork's errno */
	const char *bad;	/* why the case failed, or NULL */
};

static void spec_of(const struct fcase *c, const struct machine *m, struct spec *s)
{
	long long ram_swap = m->mem_kb + m->swap_kb;

	memset(s, 0, sizeof(*s));
	s->drop_admin = c->drop_admin;
	switch (c->size) {
	case SZ_NEVER_ABOVE:
	case SZ_NEVER_BELOW:
		s->map_kb = c->dontfork ? ORDINARY_KB : NEVER_MAP_KB;
		s->dontfork_kb = c->dontfork ? NEVER_MAP_KB : 0;
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

/* NEVER: map, in this process, what leaves the child's fork a headroom of
 * its charge -/+ the margin. Made under policy 1 (charged all the same),
 * before policy 2 is written. Returns the ballast (NULL: none) or
 * MAP_FAILED. */
static void *ballast(const struct fcase *c, const struct machine *m, struct outcome *o,
		     long long *kb)
{
	long long want = o->im.charge_kb + (c->size == SZ_NEVER_ABOVE ? -m->margin_kb : m->margin_kb);
	void *p;

	*kb = 0;
	if (c->policy != 2)
		return NULL;
	o->allowed_kb = o->limit_kb = never_allowed(c, m, &o->im);
	*kb = o->allowed_kb - committed_kb() - want;
	if (*kb <= 0)
		return MAP_FAILED;
	p = mmap(NULL, (size_t)*kb << 10, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	return p;
}

/* Whether the case tested what it says: ovc and the kernel, the charge,
 * the edge, the margin. NULL when all holds. */
static const char *judge(const struct fcase *c, const struct machine *m, const struct outcome *o)
{
	int real_ok = o->err == 0;

	if (o->err < 0)
		return "the child did not answer";
	if (o->v.ok != real_ok)
		return "DISAGREE: ovc's verdict is not the kernel's";
	if (real_ok && o->real_kb != o->v.charge_kb)
		return "DISAGREE: ovc's charge is not the kernel's";
	if (!real_ok && o->err != ENOMEM)
		return "the fork failed with another errno than ENOMEM";
	if (o->im.largest_kb != o->map_kb)
		return "the child's mapping is not its largest VMA as made (merged?)";
	if (c->policy == 2 && o->headroom_kb - o->im.charge_kb !=
	    (c->size == SZ_NEVER_ABOVE ? -m->margin_kb : m->margin_kb))
		return "the headroom is not where the case put it (something else moved Committed_AS)";
	if (real_ok != c->expect_ok)
		return "missed its edge: the kernel did not do what the case was built for";
	if (c->policy == 2 && (o->self_kb >= m->margin_kb || o->im.tail_kb >= m->margin_kb))
		return "margin too small for ovc's own charge or the tail";
	if (c->policy == 2 && o->im.largest_kb / PAGE_KB < 2 * m->batch_never)
		return "largest VMA under two batches: the kernel's count is not exact";
	return NULL;
}

/* Steps 2-6 of the top comment. 0, or -1 when the case could not be set up. */
static int run_case(const char *ovc, const struct fcase *c, const struct machine *m,
		    struct outcome *o)
{
	struct child ch;
	struct spec s;
	long long bkb, before;
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
	else if (sysctl_write("overcommit_memory", c->policy) == 0) {
		o->headroom_kb = o->allowed_kb - committed_kb();
		before = committed_kb();
		if (run_ovc(ovc, ch.pid, &o->v) == 0) {
			o->self_kb = o->v.seen_kb - before;
			before = committed_kb();
			o->err = child_fork(&ch);
			if (o->err == 0)
				o->real_kb = committed_kb() - before;
			else
				o->leak_kb = committed_kb() - before;
			rc = 0;
		}
	}
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
	char real[24] = "-", room[64] = "-";

	if (o->real_kb >= 0)
		snprintf(real, sizeof(real), "%lld", o->real_kb);
	if (c->policy == 2)
		snprintf(room, sizeof(room), "%lld (charge %+lld)", o->headroom_kb,
			 o->headroom_kb - o->im.charge_kb);
	printf("forkprobe: case %-20s policy %d  ovc %-4s  kernel %-6s  charge kB ovc %lld kernel %s"
	       "  headroom kB %s  self %lld tail %lld  %s\n",
	       c->name, c->policy, o->v.ok ? "pass" : "fail", errname(o->err), o->v.charge_kb, real,
	       room, o->self_kb, o->im.tail_kb, o->bad ? o->bad : "agree");
	if (c->policy != 1)
		printf("forkprobe:   %s: ovc %lld kB, the probe's %lld kB%s\n",
		       c->policy == 2 ? "the bound (allowed)" : "RAM + swap", o->v.limit_kb, o->limit_kb,
		       o->v.limit_kb == o->limit_kb ? "" : "  <- differs");
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
	printf("forkprobe: ovc's own charge while it runs (self): %lld kB; margin %lld kB "
	       "= max(self, tail bound %lld kB) + %lld kB\n",
	       m->self_kb, m->margin_kb, TAIL_MAX_KB, MARGIN_EXTRA_KB);
	for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++)
		printf("forkprobe: about %s: %s; expect %s\n", cases[i].name, cases[i].what,
		       cases[i].expect_ok ? "ok" : "ENOMEM");
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

static int setup(const char *ovc, struct machine *m)
{
	memset(m, 0, sizeof(*m));
	m->mem_kb = meminfo_kb("MemTotal");
	m->swap_kb = meminfo_kb("SwapTotal");
	m->cpus = sysconf(_SC_NPROCESSORS_CONF);
	if (m->mem_kb <= 0 || m->swap_kb < 0 || m->cpus <= 0 || sysconf(_SC_PAGESIZE) != PAGE_KB << 10)
		return -1;
	m->batch_never = never_batch(m);
	if (sysctl_write("overcommit_ratio", 50) || sysctl_write("overcommit_memory", 1) ||
	    calibrate(ovc, m))
		return -1;
	m->margin_kb = (m->self_kb > TAIL_MAX_KB ? m->self_kb : TAIL_MAX_KB) + MARGIN_EXTRA_KB;
	m->margin_kb = (m->margin_kb + PAGE_KB - 1) / PAGE_KB * PAGE_KB;
	/* never-nonadmin-above must be admitted for root: the reserve above the margin */
	if (sysctl_read("admin_reserve_kbytes") < 4 * m->margin_kb &&
	    sysctl_write("admin_reserve_kbytes", 4 * m->margin_kb))
		return -1;
	m->admin_kb = sysctl_read("admin_reserve_kbytes");
	m->user_kb = sysctl_read("user_reserve_kbytes");
	return m->admin_kb < 0 || m->user_kb < 0 ? -1 : 0;
}

int main(int argc, char **argv)
{
	struct machine m;
	struct outcome o;
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
	if (geteuid() != 0 || setup(argv[1], &m)) {
		fprintf(stderr, "forkprobe: cannot set up (root? /proc? %s?)\n", argv[1]);
		return 2;
	}
	print_machine(&m);
	for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		if (run_case(argv[1], &cases[i], &m, &o)) {
			printf("forkprobe: case %-20s could not run (stderr says why)\n", cases[i].name);
			return 2;
		}
		o.bad = judge(&cases[i], &m, &o);
		print_case(&cases[i], &o);
		if (o.bad)	/* big still holds ovc's answer */
			fprintf(stderr, "forkprobe: %s: %s; ovc said:\n%s\n", cases[i].name, o.bad, big);
		n++;
		bad += o.bad != NULL;
	}
	printf("forkprobe: %d cases, %d agree, %d failed\n", n, n - bad, bad);
	return bad ? 1 : 0;
}
