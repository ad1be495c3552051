/* test_live_machine.c - the model against the kernel this test runs on: CommitLimit, every process's oom_score, a known mapping's charge, its shmem objects. */
#define _GNU_SOURCE
#include <errno.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/shm.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cmocka.h>

#include "live/live.h"
#include "live/proc_parse.h"

static void read_and_analyze(struct ovc_live_snap *s, struct ovc_live_report *r)
{
	struct ovc_err e = { 0 };

	assert_int_equal(ovc_live_read("/proc", s, &e), 0);
	assert_int_equal(ovc_live_analyze(s, NULL, 0, r, &e), 0);
}

/* vm_commit_limit() recomputed by the model from meminfo and the vm
 * sysctls is the kernel's CommitLimit line, to the kB. */
static void test_commit_limit(void **state)
{
	struct ovc_live_snap s;
	struct ovc_live_report r;

	(void)state;
	read_and_analyze(&s, &r);
	assert_int_equal(r.commit_limit_kb, s.mi.commit_limit);
	ovc_live_report_free(&r);
	ovc_live_snap_free(&s);
}

static const struct ovc_live_row *row_of(const struct ovc_live_report *r, int pid)
{
	for (size_t i = 0; i < r->nrows; i++)
		if (r->rows[i].p->pid == pid)
			return &r->rows[i];
	return NULL;
}

/* The inputs the OOM killer reads did not move between the two reads. */
static int steady(const struct ovc_live_proc *a, const struct ovc_live_proc *b)
{
	return a->rss_anon == b->rss_anon && a->rss_file == b->rss_file &&
	       a->rss_shmem == b->rss_shmem && a->vm_swap == b->vm_swap && a->vm_pte == b->vm_pte &&
	       a->oom_score_adj == b->oom_score_adj && a->oom_score == b->oom_score;
}

/*
 * For every process, the model's oom_score (the era's badness on the
 * kernel's own inputs from /proc/PID/status, scaled as proc_oom_score
 * does) is the kernel's /proc/PID/oom_score, within what 6.2+'s per-CPU
 * RSS counters can hide (r.score_slack). A process that is running can
 * change between its status and its oom_score being read: one that
 * differs is read again, and fails the test only if it differs both
 * times with the same inputs.
 */
static void test_every_oom_score(void **state)
{
	struct ovc_live_snap s, t;
	struct ovc_live_report r, q;
	size_t compared = 0, failed = 0;

	(void)state;
	read_and_analyze(&s, &r);
	read_and_analyze(&t, &q);
	for (size_t i = 0; i < r.nrows; i++) {
		const struct ovc_live_row *a = &r.rows[i], *b = row_of(&q, a->p->pid);

		if (a->model_oom_score < 0 || a->p->oom_score < 0)
			continue;
		compared++;
		if (!a->score_differs || !b || !b->score_differs || !steady(a->p, b->p))
			continue;
		print_message("pid %d (%s): kernel oom_score %lld, model %lld\n", a->p->pid,
			      a->p->comm, (long long)a->p->oom_score, (long long)a->model_oom_score);
		failed++;
	}
	assert_true(compared > 0);
	assert_int_equal(failed, 0);
	ovc_live_report_free(&q);
	ovc_live_snap_free(&t);
	ovc_live_report_free(&r);
	ovc_live_snap_free(&s);
}

/* A child that maps 16 MiB private writable when told to, then waits. */
static pid_t child_mapper(int *to, int *from)
{
	int a[2], b[2];
	pid_t pid;
	char c;

	assert_int_equal(pipe(a), 0);
	assert_int_equal(pipe(b), 0);
	pid = fork();
	assert_true(pid >= 0);
	if (pid == 0) {
		close(a[1]);
		close(b[0]);
		while (read(a[0], &c, 1) == 1) {
			if (c == 'm' && mmap(NULL, 16 << 20, PROT_READ | PROT_WRITE,
					     MAP_PRIVATE | MAP_ANONYMOUS, -1, 0) == MAP_FAILED)
				_exit(1);
			if (write(b[1], "r", 1) != 1)
				_exit(1);
		}
		_exit(0);
	}
	close(a[0]);
	close(b[1]);
	*to = a[1];
	*from = b[0];
	return pid;
}

static const struct ovc_live_proc *proc_of(const struct ovc_live_snap *s, int pid)
{
	for (size_t i = 0; i < s->nprocs; i++)
		if (s->procs[i].pid == pid)
			return &s->procs[i];
	return NULL;
}

/* A 16 MiB private writable mapping is charged (VM_ACCOUNT, "ac") and
 * copied by fork: the process's committed size and fork charge grow by
 * exactly 16384 kB (whatever it merges with). */
static void test_known_mapping(void **state)
{
	struct ovc_live_snap s0, s1;
	struct ovc_err e = { 0 };
	const struct ovc_live_proc *a, *b;
	int to, from, st;
	char c;
	pid_t pid = child_mapper(&to, &from);

	(void)state;
	assert_int_equal(write(to, "s", 1), 1);
	assert_int_equal(read(from, &c, 1), 1);
	assert_int_equal(ovc_live_read("/proc", &s0, &e), 0);
	assert_int_equal(write(to, "m", 1), 1);
	assert_int_equal(read(from, &c, 1), 1);
	assert_int_equal(ovc_live_read("/proc", &s1, &e), 0);
	a = proc_of(&s0, pid);
	b = proc_of(&s1, pid);
	assert_non_null(a);
	assert_non_null(b);
	assert_true(a->seen & OVC_LIVE_SMAPS);
	assert_int_equal(b->committed - a->committed, 16384);
	assert_int_equal(b->fork_charge - a->fork_charge, 16384);
	assert_int_equal(b->vm_size - a->vm_size, 16384);
	close(to);
	assert_int_equal(waitpid(pid, &st, 0), pid);
	close(from);
	ovc_live_snap_free(&s1);
	ovc_live_snap_free(&s0);
}

/* The inode /proc/self/maps shows for the mapping that starts at p. */
static uint64_t maps_inode(const void *p)
{
	char line[512];
	unsigned long start, end, off, ino = 0;
	unsigned maj, min;
	char perms[8];
	FILE *f = fopen("/proc/self/maps", "r");

	assert_non_null(f);
	while (fgets(line, sizeof(line), f))
		if (sscanf(line, "%lx-%lx %7s %lx %x:%x %lu", &start, &end, perms, &off, &maj, &min,
			   &ino) == 7 && start == (unsigned long)p)
			break;
	fclose(f);
	return ino;
}

/* /proc/sysvipc/shm as the kernel prints it, kept to its header and the
 * line of segment id (none: -1), through the parser. */
static void sysv_of(int id, struct ovc_sysv_acc *a)
{
	static char buf[1 << 16], kept[1 << 12];
	size_t n, k = 0;
	char *line, *save = NULL;
	int shmid, first = 1;
	FILE *f = fopen("/proc/sysvipc/shm", "r");

	assert_non_null(f);
	n = fread(buf, 1, sizeof(buf) - 1, f);
	fclose(f);
	buf[n] = '\0';
	for (line = strtok_r(buf, "\n", &save); line; line = strtok_r(NULL, "\n", &save), first = 0) {
		if (!first && (sscanf(line, "%*d %d", &shmid) != 1 || shmid != id))
			continue;
		k += (size_t)snprintf(kept + k, sizeof(kept) - k, "%s\n", line);
		assert_true(k < sizeof(kept));
	}
	assert_int_equal(ovc_proc_parse_sysv_shm(kept, k, 4096, a), 0);
}

/* Committed_AS taken apart on a snapshot cut down to this process, with
 * the SysV figures of segment id alone: what is the test's own, which
 * other processes cannot move between two reads. */
static void reconcile_own(const struct ovc_live_snap *s, int id, struct ovc_live_reconcile *rec)
{
	struct ovc_live_snap v = *s;
	struct ovc_sysv_acc a;

	v.procs = (struct ovc_live_proc *)proc_of(s, getpid());
	assert_non_null(v.procs);
	assert_true(v.procs->seen & OVC_LIVE_SMAPS);
	v.nprocs = 1;
	sysv_of(id, &a);
	v.have_sysv = 1;
	v.sysv_segments = a.segments;
	v.sysv_size_kb = a.size_kb;
	v.sysv_rss_kb = a.rss_kb;
	v.sysv_swap_kb = a.swap_kb;
	ovc_live_reconcile(&v, rec);
}

static const struct ovc_live_shobj *shobj_of(const struct ovc_live_proc *p, int kind, uint64_t ino)
{
	for (size_t i = 0; i < p->nshobjs; i++)
		if (p->shobjs[i].kind == kind && p->shobjs[i].inode == ino)
			return &p->shobjs[i];
	return NULL;
}

/*
 * An 8 MiB MAP_SHARED|MAP_ANONYMOUS object (1 MiB of it touched) and a
 * 4 MiB SysV segment, both mapped by this process: its smaps shows them
 * as its shmem objects (the SysV one's inode is its shmid), and the
 * reconcile of what is this process's own grows by exactly 8192 kB of
 * shared anonymous memory (one object, by its size: it is not nr) and
 * 4096 kB of SysV. The segment is marked for removal as soon as it is
 * attached: it dies with the mapping, whatever the test does.
 */
static void test_shmem_objects(void **state)
{
	struct ovc_live_snap s0, s1;
	struct ovc_live_reconcile r0, r1, all;
	const struct ovc_live_shobj *o;
	const struct ovc_live_proc *me;
	struct ovc_sysv_acc a;
	void *sh = MAP_FAILED;
	char *p;
	int id;

	(void)state;
	assert_int_equal(ovc_live_read("/proc", &s0, NULL), 0);
	reconcile_own(&s0, -1, &r0);
	p = mmap(NULL, 8 << 20, PROT_READ | PROT_WRITE, MAP_SHARED | MAP_ANONYMOUS, -1, 0);
	assert_true(p != MAP_FAILED);
	memset(p, 1, 1 << 20);
	id = shmget(IPC_PRIVATE, 4 << 20, IPC_CREAT | 0600);
	if (id >= 0) {
		sh = shmat(id, NULL, 0);
		shmctl(id, IPC_RMID, NULL);
	}
	if (id < 0 || sh == (void *)-1)
		print_message("test_shmem_objects: no SysV segment (%s): that part is not checked\n",
			      strerror(errno));
	assert_int_equal(ovc_live_read("/proc", &s1, NULL), 0);
	me = proc_of(&s1, getpid());
	assert_non_null(me);
	o = shobj_of(me, OVC_SHOBJ_SHARED_ANON, maps_inode(p));
	assert_non_null(o);
	assert_int_equal(o->size_kb, 8192);
	assert_false(o->noreserve);
	assert_true(o->rss_kb + o->swap_kb >= 1024 && o->rss_kb <= 8192);
	reconcile_own(&s1, sh == (void *)-1 ? -1 : id, &r1);
	assert_int_equal(r1.shared_anon_objects - r0.shared_anon_objects, 1);
	assert_int_equal(r1.shared_anon_kb - r0.shared_anon_kb, 8192);
	ovc_live_reconcile(&s1, &all);
	assert_true(all.shared_anon_kb >= 8192);
	if (sh != (void *)-1) {
		o = shobj_of(me, OVC_SHOBJ_SYSV, (uint64_t)id);
		assert_non_null(o);
		assert_int_equal(o->size_kb, 4096);
		assert_int_equal(r1.sysv_segments - r0.sysv_segments, 1);
		assert_int_equal(r1.sysv_kb - r0.sysv_kb, 4096);
		/* the whole machine's list has it too */
		assert_true(s1.have_sysv && s1.sysv_segments >= 1 && s1.sysv_size_kb >= 4096);
		sysv_of(id, &a);
		assert_int_equal(a.segments, 1);
		shmdt(sh);
	}
	munmap(p, 8 << 20);
	ovc_live_snap_free(&s1);
	ovc_live_snap_free(&s0);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_commit_limit),
		cmocka_unit_test(test_every_oom_score),
		cmocka_unit_test(test_known_mapping),
		cmocka_unit_test(test_shmem_objects),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
