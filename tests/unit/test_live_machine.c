/* test_live_machine.c - the model against the kernel this test runs on: CommitLimit, every process's oom_score, a known mapping's charge. */
#define _GNU_SOURCE
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cmocka.h>

#include "live/live.h"

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

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_commit_limit),
		cmocka_unit_test(test_every_oom_score),
		cmocka_unit_test(test_known_mapping),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
