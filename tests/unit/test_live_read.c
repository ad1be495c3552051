/* test_live_read.c - ovc_live_read on the fake trees of tests/fixtures/proc and on this machine's /proc. */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <grp.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <sys/sysinfo.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include <cmocka.h>

#include "live/live.h"

/* Run from the repository root (tests/run-unit.sh is). */
#define FIX "tests/fixtures/proc/"
#define ALL_SEEN (OVC_LIVE_STATUS | OVC_LIVE_STAT | OVC_LIVE_OOM | OVC_LIVE_SMAPS | OVC_LIVE_CGROUP)

static const struct ovc_live_proc *find(const struct ovc_live_snap *s, int pid)
{
	for (size_t i = 0; i < s->nprocs; i++)
		if (s->procs[i].pid == pid)
			return &s->procs[i];
	return NULL;
}

/* ------------------------------------------------------------------ */
/* basic                                                                */

static void test_basic_machine(void **state)
{
	struct ovc_live_snap s;
	struct ovc_err e = { 0 };

	(void)state;
	assert_int_equal(ovc_live_read(FIX "basic", &s, &e), 0);
	assert_string_equal(s.root, FIX "basic");
	assert_int_equal(s.mi.mem_total, 24683620);
	assert_int_equal(s.mi.cached, 1063908);
	assert_int_equal(s.mi.swap_total, 2097148);
	assert_int_equal(s.mi.commit_limit, 14438956);
	assert_int_equal(s.mi.committed_as, 3250536);
	assert_int_equal(s.mi.kbcommit, 3250536);
	assert_int_equal(s.kreclaimable_kb, 168576);
	/* sar: 3250536 / (24683620 + 2097148) * 100 = 12.13757...% */
	assert_true(s.mi.pct_commit > 12.13757 && s.mi.pct_commit < 12.13758);
	assert_string_equal(s.release, "6.18.44-fc-v769");
	assert_int_equal(s.ncpus, 2);
	assert_int_equal(s.uptime_s, 13782);
	assert_int_equal(s.have_sysctl, (1u << OVC_SYSCTL_COUNT) - 1);
	assert_int_equal(s.sysctl[OVC_SYSCTL_OVERCOMMIT_RATIO], 50);
	assert_int_equal(s.sysctl[OVC_SYSCTL_USER_RESERVE_KBYTES], 100403);
	assert_int_equal(s.sysctl[OVC_SYSCTL_MIN_FREE_KBYTES], 67584);
	assert_int_equal(s.sysctl[OVC_SYSCTL_OOM_DUMP_TASKS], 1);
	/* smallest KernelPageSize: 4 kB (512's hugetlb VMA says 2048) */
	assert_int_equal(s.page_size, 4096);
	ovc_live_snap_free(&s);
}

static void test_basic_list(void **state)
{
	static const int pids[] = { 1, 2, 40, 300, 512, 600 };
	struct ovc_live_snap s;

	(void)state;
	assert_int_equal(ovc_live_read(FIX "basic", &s, NULL), 0);
	assert_int_equal(s.nprocs, 6);
	for (size_t i = 0; i < 6; i++)
		assert_int_equal(s.procs[i].pid, pids[i]);
	assert_int_equal(s.vanished, 0);
	assert_int_equal(s.denied, 0);
	assert_int_equal(s.kthreads, 1);
	ovc_live_snap_free(&s);
	assert_null(s.procs);
}

static void test_basic_init_and_kthread(void **state)
{
	struct ovc_live_snap s;
	const struct ovc_live_proc *p;

	(void)state;
	assert_int_equal(ovc_live_read(FIX "basic", &s, NULL), 0);
	p = find(&s, 1);
	assert_non_null(p);
	assert_int_equal(p->seen, ALL_SEEN);
	assert_string_equal(p->comm, "process_api");
	assert_int_equal(p->uid, 0);
	assert_int_equal(p->cap_sys_admin, 1);
	assert_int_equal(p->cap_sys_resource, 1);
	assert_int_equal(p->vm_size, 42704);
	assert_int_equal(p->vm_lck, 42672);
	assert_int_equal(p->rss_shmem, 6464);
	assert_int_equal(p->vm_pte, 120);
	assert_int_equal(p->threads, 13);
	assert_int_equal(p->nice, -10);
	assert_int_equal(p->utime_ticks, 1277322);
	assert_int_equal(p->stime_ticks, 411324);
	assert_int_equal(p->start_ticks, 18);
	assert_int_equal(p->oom_score, 0);
	assert_int_equal(p->oom_score_adj, -1000);
	/* hybrid: memory is on v1, so its line wins over "0::/init.scope" */
	assert_string_equal(p->cgroup, "4:memory:/init.scope");
	/* heap 132 + stack 132 kB are "ac"; [vsyscall] is no VMA: 4 maps */
	assert_int_equal(p->committed, 264);
	assert_int_equal(p->fork_charge, 264);
	assert_int_equal(p->map_count, 4);
	assert_false(p->kthread);

	p = find(&s, 2);
	assert_non_null(p);
	assert_int_equal(p->seen, ALL_SEEN);
	assert_true(p->kthread);
	assert_false(p->zombie);
	assert_int_equal(p->vm_size, 0);
	assert_int_equal(p->map_count, 0);
	assert_string_equal(p->cgroup, "0::/");
	ovc_live_snap_free(&s);
}

static void test_basic_zombie_and_hostile_comm(void **state)
{
	struct ovc_live_snap s;
	const struct ovc_live_proc *p;

	(void)state;
	assert_int_equal(ovc_live_read(FIX "basic", &s, NULL), 0);
	p = find(&s, 40);
	assert_non_null(p);
	assert_true(p->zombie);
	assert_false(p->kthread);	/* no VmSize, but a zombie, not PF_KTHREAD */
	assert_int_equal(p->state, 'Z');
	assert_int_equal(p->uid, 1000);

	/* comm "ev il) Z 7\n\\": stat's fields counted from the last ')' */
	p = find(&s, 300);
	assert_non_null(p);
	assert_int_equal(p->seen, ALL_SEEN);
	assert_memory_equal(p->comm, "ev il) Z 7\n\\", 13);
	assert_int_equal(p->state, 'S');
	assert_false(p->zombie);
	assert_int_equal(p->ppid, 1);
	assert_int_equal(p->utime_ticks, 102);
	assert_int_equal(p->stime_ticks, 7);
	assert_int_equal(p->start_ticks, 1378287);
	assert_int_equal(p->cap_sys_admin, 0);	/* CapEff 0x1000000: bit 24 only */
	assert_int_equal(p->cap_sys_resource, 1);
	assert_int_equal(p->oom_score, 666);

	/* 600: status without Name, stat without ')': kept, bits clear */
	p = find(&s, 600);
	assert_non_null(p);
	assert_int_equal(p->seen, OVC_LIVE_OOM | OVC_LIVE_CGROUP | OVC_LIVE_SMAPS);
	assert_false(p->kthread);
	ovc_live_snap_free(&s);
}

static void test_basic_vmflags(void **state)
{
	struct ovc_live_snap s;
	const struct ovc_live_proc *p;

	(void)state;
	assert_int_equal(ovc_live_read(FIX "basic", &s, NULL), 0);
	p = find(&s, 512);
	assert_non_null(p);
	assert_int_equal(p->seen, ALL_SEEN);
	/* ac: heap 1024 + anon 8192 + dontfork 2048 + stack 132 = 11396 */
	assert_int_equal(p->committed, 11396);
	/* fork leaves the dc VMA out: 11396 - 2048 = 9348 */
	assert_int_equal(p->fork_charge, 9348);
	/* the largest mapping fork charges: the 8192 kB anonymous one */
	assert_int_equal(p->fork_largest, 8192);
	assert_int_equal(p->noreserve, 65536);
	assert_int_equal(p->hugetlb, 4096);
	/* 8 headers, [vsyscall] not counted */
	assert_int_equal(p->map_count, 7);
	assert_int_equal(p->nice, -5);
	assert_int_equal(p->threads, 12);
	assert_int_equal(p->uid, 999);
	assert_int_equal(p->vm_swap, 512);
	assert_int_equal(p->oom_score, 334);
	assert_int_equal(p->oom_score_adj, -500);
	assert_string_equal(p->cgroup, "0::/system.slice/db.service");
	ovc_live_snap_free(&s);
}

/* ------------------------------------------------------------------ */
/* Errors                                                               */

static void test_broken_meminfo(void **state)
{
	struct ovc_live_snap s;
	struct ovc_err e = { 0 };

	(void)state;
	/* line 5 "Cached:          1014x904 kB": 7 + 10 blanks + "1014", 'x' at 22 */
	assert_int_equal(ovc_live_read(FIX "broken", &s, &e), -OVC_E_PARSE);
	assert_int_equal(e.code, OVC_E_PARSE);
	assert_non_null(e.file);
	assert_string_equal(e.file, FIX "broken/meminfo");
	assert_int_equal(e.line, 5);
	assert_int_equal(e.col, 22);
	ovc_live_snap_free(&s);
}

static void test_missing_root(void **state)
{
	struct ovc_live_snap s;
	struct ovc_err e = { 0 };

	(void)state;
	assert_int_equal(ovc_live_read(FIX "no-such-tree", &s, &e), -OVC_E_IO);
	assert_string_equal(e.file, FIX "no-such-tree");
	assert_non_null(strstr(e.msg, "No such file"));
	ovc_live_snap_free(&s);
}

/* ------------------------------------------------------------------ */
/* hidepid: vanished and denied processes                               */

/* A copy of a fixture tree in a fresh directory others may enter. */
static void copy_tree(const char *name, char *dir, size_t size)
{
	char cmd[512];

	snprintf(dir, size, "/tmp/ovc-live-XXXXXX");
	assert_non_null(mkdtemp(dir));
	assert_int_equal(chmod(dir, 0755), 0);
	snprintf(cmd, sizeof(cmd), "cp -R " FIX "%s/. %s/", name, dir);
	assert_int_equal(system(cmd), 0);
}

static void remove_tree(const char *dir)
{
	char cmd[512];

	snprintf(cmd, sizeof(cmd), "chmod -R u+rwX %s && rm -rf %s", dir, dir);
	assert_int_equal(system(cmd), 0);
}

/* What the reader saw, small enough to come back through a pipe. */
struct hp_result {
	int rc;
	size_t nprocs, vanished, denied;
	unsigned seen300, seen400, seen100, have_sysctl;
	int64_t policy, ratio;
};

static struct hp_result read_hidepid(const char *dir)
{
	struct ovc_live_snap s;
	struct hp_result r = { 0 };
	const struct ovc_live_proc *p;

	r.rc = ovc_live_read(dir, &s, NULL);
	r.nprocs = s.nprocs;
	r.vanished = s.vanished;
	r.denied = s.denied;
	r.seen100 = (p = find(&s, 100)) ? p->seen : 99;
	r.seen300 = (p = find(&s, 300)) ? p->seen : 99;
	r.seen400 = (p = find(&s, 400)) ? p->seen : 99;
	r.have_sysctl = s.have_sysctl;
	r.policy = s.sysctl[OVC_SYSCTL_OVERCOMMIT_MEMORY];
	r.ratio = s.sysctl[OVC_SYSCTL_OVERCOMMIT_RATIO];
	ovc_live_snap_free(&s);
	return r;
}

/* 200 (empty) and 500 (stat gone) vanished; 300's files and 400's smaps
 * refused when modes count, read when they do not. */
static void check_hidepid(const struct hp_result *r, int modes_count)
{
	assert_int_equal(r->rc, 0);
	assert_int_equal(r->nprocs, 3);
	assert_int_equal(r->vanished, 2);
	assert_int_equal(r->seen100, ALL_SEEN);
	assert_int_equal(r->have_sysctl, 1u << OVC_SYSCTL_OVERCOMMIT_MEMORY |
					 1u << OVC_SYSCTL_OVERCOMMIT_RATIO);
	assert_int_equal(r->policy, 2);
	assert_int_equal(r->ratio, 80);
	if (modes_count) {
		assert_int_equal(r->denied, 2);	/* processes, not files */
		assert_int_equal(r->seen300, 0);
		assert_int_equal(r->seen400, ALL_SEEN & ~OVC_LIVE_SMAPS);
	} else {
		assert_int_equal(r->denied, 0);
		assert_int_equal(r->seen300, ALL_SEEN);
		assert_int_equal(r->seen400, ALL_SEEN);
	}
}

/* As root, read again as nobody in a child: modes count for it. Returns
 * 0 if the child could not drop its privileges. */
static int hidepid_as_nobody(const char *dir, struct hp_result *r)
{
	int fd[2], status, ok = 0;
	pid_t pid;

	assert_int_equal(pipe(fd), 0);
	pid = fork();
	assert_true(pid >= 0);
	if (pid == 0) {
		close(fd[0]);
		if (setgroups(0, NULL) == 0 && setgid(65534) == 0 && setuid(65534) == 0) {
			struct hp_result cr = read_hidepid(dir);

			if (write(fd[1], &cr, sizeof(cr)) != (ssize_t)sizeof(cr))
				_exit(2);
		}
		_exit(0);
	}
	close(fd[1]);
	ok = read(fd[0], r, sizeof(*r)) == (ssize_t)sizeof(*r);
	close(fd[0]);
	assert_int_equal(waitpid(pid, &status, 0), pid);
	assert_true(WIFEXITED(status) && WEXITSTATUS(status) == 0);
	return ok;
}

static void test_hidepid(void **state)
{
	char dir[64], path[128];
	static const char *const files[] = { "status", "stat", "oom_score", "oom_score_adj",
					     "cgroup", "smaps" };
	struct hp_result r;
	int fd, modes_count;

	(void)state;
	copy_tree("hidepid", dir, sizeof(dir));
	for (size_t i = 0; i < 6; i++) {
		snprintf(path, sizeof(path), "%s/300/%s", dir, files[i]);
		assert_int_equal(chmod(path, 0), 0);
	}
	snprintf(path, sizeof(path), "%s/400/smaps", dir);
	assert_int_equal(chmod(path, 0), 0);

	/* Whether modes bind this process is the kernel's to say (root with
	 * CAP_DAC_OVERRIDE reads a mode-000 file): ask it, then expect the
	 * reader to agree. */
	fd = open(path, O_RDONLY);
	modes_count = fd < 0 && errno == EACCES;
	if (fd >= 0)
		close(fd);
	assert_int_equal(modes_count, geteuid() != 0);
	r = read_hidepid(dir);
	check_hidepid(&r, modes_count);

	if (!modes_count) {
		if (hidepid_as_nobody(dir, &r))
			check_hidepid(&r, 1);
		else
			print_message("test_hidepid: could not become nobody: "
				      "the denied case was checked only as root\n");
	}
	remove_tree(dir);
}

static void test_missing_meminfo(void **state)
{
	char dir[64], path[128], want[160];
	struct ovc_live_snap s;
	struct ovc_err e = { 0 };

	(void)state;
	copy_tree("hidepid", dir, sizeof(dir));
	snprintf(path, sizeof(path), "%s/meminfo", dir);
	assert_int_equal(unlink(path), 0);
	assert_int_equal(ovc_live_read(dir, &s, &e), -OVC_E_IO);
	snprintf(want, sizeof(want), "%s/meminfo", dir);
	assert_string_equal(e.file, want);
	ovc_live_snap_free(&s);
	remove_tree(dir);
}

/* ------------------------------------------------------------------ */
/* This machine's /proc                                                 */

/* VmSize of /proc/PID/status, as the test reads it for itself. */
static uint64_t status_vmsize(const char *path)
{
	char line[256];
	unsigned long long kb = 0;
	FILE *f = fopen(path, "r");

	assert_non_null(f);
	while (fgets(line, sizeof(line), f))
		if (sscanf(line, "VmSize: %llu kB", &kb) == 1)
			break;
	fclose(f);
	return kb;
}

static double now_ms(void)
{
	struct timespec t;

	clock_gettime(CLOCK_MONOTONIC, &t);
	return (double)t.tv_sec * 1e3 + (double)t.tv_nsec / 1e6;
}

static void test_real_proc(void **state)
{
	struct ovc_live_snap s;
	struct ovc_err e = { 0 };
	const struct ovc_live_proc *me;
	struct sysinfo si;
	double t0, t1;

	(void)state;
	/* A first read warms the allocator, so the second does not move
	 * this process's own VmSize while it reads it. */
	assert_int_equal(ovc_live_read(NULL, &s, &e), 0);
	ovc_live_snap_free(&s);
	t0 = now_ms();
	assert_int_equal(ovc_live_read("/proc", &s, &e), 0);
	t1 = now_ms();
	print_message("test_real_proc: %zu processes (%zu kernel threads, %zu denied, "
		      "%zu vanished) read in %.1f ms\n", s.nprocs, s.kthreads, s.denied,
		      s.vanished, t1 - t0);
	me = find(&s, getpid());
	assert_non_null(me);
	assert_int_equal(me->seen, ALL_SEEN);
	/* This process's own VmSize moves with the reader's buffers (each
	 * worker's is mapped and unmapped): within a MiB of it now. The
	 * fixtures check the parse to the kB. */
	assert_true(me->vm_size + 1024 >= status_vmsize("/proc/self/status") &&
		    me->vm_size <= status_vmsize("/proc/self/status") + 1024);
	assert_int_equal(me->uid, getuid());
	assert_true(me->committed > 0 && me->map_count > 0);
	/* the reader's own charge as meminfo was read: measured with nothing
	 * allocated in between, so no more than what its smaps shows later
	 * (the reader's buffers and threads come after), and not nothing */
	assert_int_equal(s.have_self, 1);
	assert_true(s.self_committed_kb > 0 && s.self_committed_kb <= me->committed);
	assert_int_equal(sysinfo(&si), 0);
	assert_int_equal(s.mi.mem_total, (uint64_t)si.totalram * si.mem_unit / 1024);
	assert_int_equal(s.ncpus, (unsigned)sysconf(_SC_NPROCESSORS_ONLN));
	assert_int_equal(s.page_size, (uint64_t)sysconf(_SC_PAGESIZE));
	assert_true(s.have_sysctl & 1u << OVC_SYSCTL_OVERCOMMIT_MEMORY);
	assert_true(s.release[0] != '\0');
	for (size_t i = 1; i < s.nprocs; i++)
		assert_true(s.procs[i - 1].pid < s.procs[i].pid);
	ovc_live_snap_free(&s);
}

/* The child of test_real_child: maps 8 MiB private writable (VM_ACCOUNT),
 * says 'r'; on 'd' marks it MADV_DONTFORK and says 'r' again. */
static void mapping_child(int in, int out)
{
	char c;
	void *p = mmap(NULL, 8 << 20, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);

	if (p == MAP_FAILED || write(out, "r", 1) != 1)
		_exit(1);
	while (read(in, &c, 1) == 1) {
		if (c == 'd' && (madvise(p, 8 << 20, MADV_DONTFORK) != 0 || write(out, "r", 1) != 1))
			_exit(1);
		if (c == 'q')
			_exit(0);
	}
	_exit(0);
}

static struct ovc_live_proc read_one(int pid)
{
	struct ovc_live_snap s;
	const struct ovc_live_proc *p;
	struct ovc_live_proc copy;

	assert_int_equal(ovc_live_read("/proc", &s, NULL), 0);
	p = find(&s, pid);
	assert_non_null(p);
	copy = *p;
	ovc_live_snap_free(&s);
	return copy;
}

static void test_real_child(void **state)
{
	int to[2], from[2], status;
	struct ovc_live_proc a, b;
	pid_t pid;
	char c;

	(void)state;
	assert_int_equal(pipe(to), 0);
	assert_int_equal(pipe(from), 0);
	pid = fork();
	assert_true(pid >= 0);
	if (pid == 0) {
		close(to[1]);
		close(from[0]);
		mapping_child(to[0], from[1]);
	}
	close(to[0]);
	close(from[1]);
	assert_int_equal(read(from[0], &c, 1), 1);
	a = read_one(pid);
	assert_int_equal(a.seen, ALL_SEEN);
	assert_true(a.committed >= 8192);
	assert_true(a.fork_charge >= 8192);
	assert_true(a.fork_charge <= a.committed);

	assert_int_equal(write(to[1], "d", 1), 1);
	assert_int_equal(read(from[0], &c, 1), 1);
	b = read_one(pid);
	/* Still charged to Committed_AS, but a fork would leave the 8 MiB
	 * out (VM_DONTCOPY): exactly 8192 kB less, whatever it merged with. */
	assert_int_equal(b.committed, a.committed);
	assert_int_equal(a.fork_charge - b.fork_charge, 8192);

	assert_int_equal(write(to[1], "q", 1), 1);
	assert_int_equal(waitpid(pid, &status, 0), pid);
	assert_true(WIFEXITED(status) && WEXITSTATUS(status) == 0);
	close(to[1]);
	close(from[0]);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_basic_machine),
		cmocka_unit_test(test_basic_list),
		cmocka_unit_test(test_basic_init_and_kthread),
		cmocka_unit_test(test_basic_zombie_and_hostile_comm),
		cmocka_unit_test(test_basic_vmflags),
		cmocka_unit_test(test_broken_meminfo),
		cmocka_unit_test(test_missing_root),
		cmocka_unit_test(test_hidepid),
		cmocka_unit_test(test_missing_meminfo),
		cmocka_unit_test(test_real_proc),
		cmocka_unit_test(test_real_child),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
