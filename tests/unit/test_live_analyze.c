/* test_live_analyze.c - the model on hand-built /proc snapshots: profile
 * choice, CommitLimit, forks under each policy, the OOM order, oom_score,
 * what-if sysctls (live/analyze.c). No /proc is read. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>
#include <cmocka.h>

#include "live/live.h"

/* ------------------------------------------------------------------
 * Snapshots
 */

#define NPROCS 8

struct fixture {
	struct ovc_live_snap s;
	struct ovc_live_proc procs[NPROCS];
};

static void set_sysctl(struct ovc_live_snap *s, enum ovc_sysctl_key k, int64_t v)
{
	s->sysctl[k] = v;
	s->have_sysctl |= 1u << k;
}

/* A machine: ram and swap in kB, huge 2 MiB pages, policy, ratio; the
 * reserves at their caps (8 MiB admin, 128 MiB user), one CPU, 4 kB pages. */
static void machine(struct fixture *f, const char *release, uint64_t ram_kb, uint64_t swap_kb,
		    uint64_t huge, int policy, int ratio)
{
	struct ovc_live_snap *s = &f->s;

	memset(f, 0, sizeof(*f));
	snprintf(s->release, sizeof(s->release), "%s", release);
	s->ncpus = 1;
	s->page_size = 4096;
	s->mi.mem_total = ram_kb;
	s->mi.mem_free = ram_kb / 2;
	s->mi.cached = 65536;
	s->mi.shmem = 8192;
	s->mi.anon_pages = 131072;
	s->mi.swap_total = s->mi.swap_free = swap_kb;
	s->mi.hugepages_total = s->mi.hugepages_free = huge;
	s->mi.hugepagesize = 2048;
	s->uptime_s = 10000;
	set_sysctl(s, OVC_SYSCTL_OVERCOMMIT_MEMORY, policy);
	set_sysctl(s, OVC_SYSCTL_OVERCOMMIT_RATIO, ratio);
	set_sysctl(s, OVC_SYSCTL_OVERCOMMIT_KBYTES, 0);
	set_sysctl(s, OVC_SYSCTL_ADMIN_RESERVE_KBYTES, 8192);
	set_sysctl(s, OVC_SYSCTL_USER_RESERVE_KBYTES, 131072);
	s->procs = f->procs;
}

/* A process with an mm, seen whole; rss all anonymous. */
static struct ovc_live_proc *proc(struct fixture *f, int pid, const char *comm, uint64_t rss_kb,
				  int adj, int root)
{
	struct ovc_live_proc *p = &f->procs[f->s.nprocs++];

	p->pid = pid;
	p->ppid = 1;
	snprintf(p->comm, sizeof(p->comm), "%s", comm);
	p->state = 'S';
	p->seen = OVC_LIVE_STATUS | OVC_LIVE_STAT | OVC_LIVE_OOM | OVC_LIVE_SMAPS;
	p->start_ticks = (uint64_t)pid;	/* created in pid order */
	p->vm_size = rss_kb * 2;
	p->vm_rss = p->rss_anon = rss_kb;
	p->oom_score_adj = adj;
	p->cap_sys_admin = (uint8_t)root;
	p->oom_score = -1;
	return p;
}

static const struct ovc_live_row *row(const struct ovc_live_report *r, int pid)
{
	for (size_t i = 0; i < r->nrows; i++)
		if (r->rows[i].p->pid == pid)
			return &r->rows[i];
	fail_msg("no row for pid %d", pid);
	return NULL;
}

static void analyze_ok(struct fixture *f, const struct ovc_live_set *set, size_t n,
		       struct ovc_live_report *r)
{
	struct ovc_err e = { 0 };

	if (ovc_live_analyze(&f->s, set, n, r, &e) < 0)
		fail_msg("analyze: %s", e.msg);
}

/* ------------------------------------------------------------------
 * The profile
 */

static void test_profile_note(void **state)
{
	static const struct {
		const char *release, *want;
	} rows[] = {
		/* distribution releases resolve to the era in force there */
		{ "6.1.0-28-amd64", "profile 6.1 " },
		{ "5.10.0-33-cloud-amd64", "profile 5.10 " },
		{ "4.18.0-513.el8", "profile 4.18 " },
		{ "banana", "unparsable release banana: using 6.12" },
		{ "2.4.37", "older than the model: using 2.6.32" },
	};
	struct fixture f;

	(void)state;
	for (size_t i = 0; i < sizeof(rows) / sizeof(rows[0]); i++) {
		struct ovc_live_report r;

		machine(&f, rows[i].release, 8388608, 0, 0, 0, 50);
		analyze_ok(&f, NULL, 0, &r);
		if (!strstr(r.profile_note, rows[i].want))
			fail_msg("%s: note \"%s\" lacks \"%s\"", rows[i].release, r.profile_note, rows[i].want);
		ovc_live_report_free(&r);
	}
}

/* ------------------------------------------------------------------
 * CommitLimit: 8 GiB RAM = 2,097,152 pages, 2 GiB swap = 524,288 pages,
 * 512 huge pages of 2 MiB = 262,144 pages.
 */

static void test_commit_limit(void **state)
{
	struct ovc_live_set kb = { OVC_SYSCTL_OVERCOMMIT_KBYTES, 1048576 };
	struct ovc_live_report r;
	struct fixture f;

	(void)state;
	machine(&f, "6.1.0-28-amd64", 8388608, 2097152, 512, 2, 50);
	/* ratio 50: (2,097,152 - 262,144) * 50 / 100 = 917,504, + 524,288 swap
	 * = 1,441,792 pages = 5,767,168 kB */
	analyze_ok(&f, NULL, 0, &r);
	assert_int_equal(r.commit_limit_kb, 5767168);
	ovc_live_report_free(&r);

	/* ratio 80: 1,835,008 * 80 / 100 = 1,468,006 (.4), + 524,288 =
	 * 1,992,294 pages = 7,969,176 kB */
	set_sysctl(&f.s, OVC_SYSCTL_OVERCOMMIT_RATIO, 80);
	analyze_ok(&f, NULL, 0, &r);
	assert_int_equal(r.commit_limit_kb, 7969176);
	ovc_live_report_free(&r);

	/* kbytes 1 GiB: 262,144 pages (hugepages not subtracted), + 524,288 =
	 * 786,432 pages = 3,145,728 kB */
	analyze_ok(&f, &kb, 1, &r);
	assert_int_equal(r.commit_limit_kb, 3145728);
	ovc_live_report_free(&r);

	/* the same through the snapshot's own sysctl */
	set_sysctl(&f.s, OVC_SYSCTL_OVERCOMMIT_KBYTES, 1048576);
	analyze_ok(&f, NULL, 0, &r);
	assert_int_equal(r.commit_limit_kb, 3145728);
	ovc_live_report_free(&r);
}

/* ------------------------------------------------------------------
 * A fork under each policy. 8 GiB RAM, no swap, ratio 50: CommitLimit
 * 1,048,576 pages (4 GiB). Committed_AS 3 GiB = 786,432 pages. The
 * process: fork_charge 1 GiB = 262,144 pages, total_vm 2 GiB = 524,288
 * pages, not admin.
 *   policy 2 (N3, 3.10+): allowed = 1,048,576 - admin reserve 2,048
 *     - min(524,288 / 32 = 16,384, user reserve 32,768) = 1,030,144.
 *     The batch (5.9+, policy 2) is 2,097,152 / 256 = 8,192 pages: the
 *     charge folds into the count, so the test sees 786,432 + 262,144 =
 *     1,048,576, not below 1,030,144: ENOMEM.
 *   policy 0 (G6, 5.2+): 262,144 is not above RAM + swap 2,097,152: passes.
 *   policy 1: always.
 */

static void fork_machine(struct fixture *f, int policy)
{
	struct ovc_live_proc *p;

	machine(f, "6.1.0-28-amd64", 8388608, 0, 0, policy, 50);
	f->s.mi.committed_as = 3145728;
	p = proc(f, 1000, "redis-server", 524288, 0, 0);
	p->vm_size = 2097152;
	p->fork_charge = p->committed = p->fork_largest = 1048576;
	p = proc(f, 1001, "small", 4096, 0, 0);
	p->fork_charge = p->committed = p->fork_largest = 4096;	/* 1,024 pages: 787,456 < 1,030,144 */
}

/* Under GUESS (5.2+) dup_mmap tests each charged mapping alone against
 * RAM + swap: a process with two 6 GiB mappings on an 8 GiB machine
 * forks (6 GiB = 1,572,864 pages, not above 2,097,152), though its fork
 * charge (12 GiB) is above RAM + swap; one 10 GiB mapping does not.
 * Under NEVER the charges add up: 12 GiB is far over CommitLimit. */
static void test_fork_guess_per_mapping(void **state)
{
	struct ovc_live_report r;
	struct ovc_live_proc *p;
	struct fixture f;

	(void)state;
	machine(&f, "6.1.0-28-amd64", 8388608, 0, 0, 0, 50);
	f.s.mi.committed_as = 1048576;
	p = proc(&f, 1000, "two-maps", 12582912, 0, 0);
	p->vm_size = 12582912;
	p->fork_charge = p->committed = 12582912;
	p->fork_largest = 6291456;
	p = proc(&f, 1001, "one-map", 10485760, 0, 0);
	p->vm_size = 10485760;
	p->fork_charge = p->committed = p->fork_largest = 10485760;
	analyze_ok(&f, NULL, 0, &r);
	assert_int_equal(row(&r, 1000)->fork_ok, 1);
	assert_int_equal(row(&r, 1000)->fork.pages, 1572864);
	assert_int_equal(row(&r, 1001)->fork_ok, 0);
	assert_int_equal(row(&r, 1001)->fork.ram_swap, 2097152);
	assert_int_equal(row(&r, 1000)->fork_ok_policy[2], 0);
	assert_int_equal(row(&r, 1000)->fork_ok_policy[1], 1);
	ovc_live_report_free(&r);
}

/* dup_mmap charges mapping by mapping in address order, and each test
 * reads the per-CPU counter: 8 GiB, 1 CPU, policy 2, ratio 50:
 * CommitLimit 1,048,576 pages, batch 2,097,152 / 256 = 8,192 pages;
 * the parent (not admin, total_vm 524,288 pages) may reach
 * 1,048,576 - 2,048 (admin cut) - 16,384 (user cut) = 1,030,144.
 * Committed_AS is 1,030,144 - 65,536 - 10 = 964,598 pages. A 256 MiB
 * mapping (65,536 pages, past the batch) folds: the counter reads
 * 1,030,134 < 1,030,144, admitted. A 100-page mapping after it stays in
 * the CPU's delta: the counter still reads 1,030,134, admitted: the fork
 * passes, though its whole charge (1,030,234) is over the bound. In the
 * other order the 100 pages wait in the delta, then fold in with the
 * 65,536: 1,030,234, refused at the second mapping. */
static void test_fork_order(void **state)
{
	static uint64_t big_last[] = { 400, 262144 }, big_first[] = { 262144, 400 };
	struct ovc_live_report r;
	struct ovc_live_proc *p;
	struct fixture f;

	(void)state;
	machine(&f, "6.1.0-28-amd64", 8388608, 0, 0, 2, 50);
	f.s.mi.committed_as = 964598 * 4;
	p = proc(&f, 1000, "tail", 4096, 0, 0);
	p->vm_size = 2097152;
	p->fork_charge = p->committed = 262544;
	p->fork_largest = 262144;
	p->fork_maps = big_first;
	p->nfork_maps = 2;
	p = proc(&f, 1001, "head", 4096, 0, 0);
	p->vm_size = 2097152;
	p->fork_charge = p->committed = 262544;
	p->fork_largest = 262144;
	p->fork_maps = big_last;
	p->nfork_maps = 2;
	analyze_ok(&f, NULL, 0, &r);
	assert_int_equal(row(&r, 1000)->fork.allowed, 1030144);
	assert_int_equal(row(&r, 1000)->fork_ok, 1);
	assert_int_equal(row(&r, 1000)->fork_map, 1);		/* the last test */
	assert_int_equal(row(&r, 1000)->fork.seen, 1030134);
	assert_int_equal(row(&r, 1001)->fork_ok, 0);
	assert_int_equal(row(&r, 1001)->fork_map, 1);		/* refused at the 256 MiB */
	assert_int_equal(row(&r, 1001)->fork.seen, 1030234);
	ovc_live_report_free(&r);

	/* without the mappings one by one: one test of the whole charge */
	f.procs[0].nfork_maps = 0;
	analyze_ok(&f, NULL, 0, &r);
	assert_int_equal(row(&r, 1000)->fork_ok, 0);
	ovc_live_report_free(&r);
}

static void test_fork_policies(void **state)
{
	const struct ovc_live_row *w;
	struct ovc_live_report r;
	struct fixture f;

	(void)state;
	fork_machine(&f, 2);
	analyze_ok(&f, NULL, 0, &r);
	w = row(&r, 1000);
	assert_int_equal(w->fork_ok, 0);
	assert_int_equal(w->fork.rule, OVC_ADMIT_NEVER);
	assert_int_equal(w->fork.allowed, 1030144);
	assert_int_equal(w->fork.seen, 1048576);
	assert_int_equal(w->fork.user_cut, 16384);
	assert_int_equal(w->fork.admin_cut, 2048);
	assert_int_equal(w->fork_ok_policy[2], 0);
	assert_int_equal(w->fork_ok_policy[1], 1);
	assert_int_equal(w->fork_ok_policy[0], 1);
	assert_int_equal(row(&r, 1001)->fork_ok, 1);
	/* the tests do not accumulate: the small fork saw Committed_AS as it
	 * is (786,432 + 1,024 = 787,456; below the batch, it stays in the
	 * CPU's delta, so the counter read is 786,432) */
	assert_int_equal(row(&r, 1001)->fork.seen, 786432);
	/* 4 GiB - 3 GiB */
	assert_int_equal(r.headroom_kb, 1048576);
	/* taken apart: 1 GiB + 4 MiB of private mappings, Shmem 8 MiB of
	 * tmpfs pages (no SysV, no shared anonymous objects), the rest of
	 * the 3 GiB not explained */
	assert_int_equal(r.rec.private_kb, 1048576 + 4096);
	assert_int_equal(r.rec.shmem_files_kb, 8192);
	assert_int_equal(r.rec.unexplained_kb, 3145728 - 1048576 - 4096 - 8192);
	/* largest committer first */
	assert_int_equal(r.rows[r.by_commit[0]].p->pid, 1000);
	ovc_live_report_free(&r);

	/* an admin parent gets the 2,048-page reserve back: 1,032,192, still short */
	f.procs[0].cap_sys_admin = 1;
	analyze_ok(&f, NULL, 0, &r);
	assert_int_equal(row(&r, 1000)->fork.allowed, 1032192);
	assert_int_equal(row(&r, 1000)->fork_ok, 0);
	ovc_live_report_free(&r);

	/* unreadable smaps: the charge is unknown, and so is the verdict */
	f.procs[0].seen &= ~(unsigned)OVC_LIVE_SMAPS;
	analyze_ok(&f, NULL, 0, &r);
	assert_int_equal(row(&r, 1000)->fork_ok, -1);
	ovc_live_report_free(&r);
}

/* ------------------------------------------------------------------
 * The OOM order. 8 GiB, no swap: totalpages 2,097,152; adj unit
 * totalpages / 1000 = 2,097. rss in pages = kB / 4.
 *   1    init     100,000        (never a candidate)
 *   100  a        100,000  adj 0
 *   200  b         50,000  adj +500: 50,000 + 1,048,500 = 1,098,500
 *   300  c        200,000  adj -1000 (never a candidate)
 *   400  d        100,000  root
 * 6.1 (no root bonus, ties to the later task): b, d, a.
 * 4.4 (3.14-4.16, root bonus 3%: d = 97,000, the first of a tie stays): b, a, d.
 */

static void oom_machine(struct fixture *f, const char *release)
{
	machine(f, release, 8388608, 0, 0, 0, 50);
	proc(f, 1, "init", 400000, 0, 1);
	proc(f, 100, "a", 400000, 0, 0);
	proc(f, 200, "b", 200000, 500, 0);
	proc(f, 300, "c", 800000, -1000, 0);
	proc(f, 400, "d", 400000, 0, 1);
	f->procs[f->s.nprocs].pid = 2;		/* a kernel thread: no row */
	f->procs[f->s.nprocs].kthread = 1;
	f->s.nprocs++;
}

static void assert_order(const struct ovc_live_report *r, const int *pids, size_t n)
{
	for (size_t i = 0; i < n; i++)
		if (r->rows[r->by_badness[i]].p->pid != pids[i])
			fail_msg("rank %zu: pid %d, want %d", i + 1, r->rows[r->by_badness[i]].p->pid, pids[i]);
}

static void test_oom_order(void **state)
{
	static const int new_order[] = { 200, 400, 100, 1, 300 };
	static const int old_order[] = { 200, 100, 400, 1, 300 };
	struct ovc_live_report r;
	struct fixture f;

	(void)state;
	oom_machine(&f, "6.1.0-28-amd64");
	analyze_ok(&f, NULL, 0, &r);
	assert_int_equal(r.nrows, 5);
	assert_order(&r, new_order, 5);
	assert_int_equal(r.rows[r.chosen].p->pid, 200);
	assert_int_equal(row(&r, 200)->badness.points, 1098500);
	assert_int_equal(row(&r, 1)->badness.skip, OVC_OOM_SKIP_INIT);
	assert_int_equal(row(&r, 300)->badness.skip, OVC_OOM_SKIP_ADJ_MIN);
	/* 5.9+ oom_score: (1000 + 1,098,500 * 1000 / 2,097,152) * 2 / 3 =
	 * (1000 + 523) * 2 / 3 = 1015; the ineligible read 0 */
	assert_int_equal(row(&r, 200)->model_oom_score, 1015);
	assert_int_equal(row(&r, 300)->model_oom_score, 0);
	assert_int_equal(row(&r, 1)->model_oom_score, 0);
	ovc_live_report_free(&r);

	oom_machine(&f, "4.4.0");
	analyze_ok(&f, NULL, 0, &r);
	assert_order(&r, old_order, 5);
	assert_int_equal(row(&r, 400)->badness.points, 97000);
	/* 3.5-5.8 oom_score: 1,098,500 * 1000 / 2,097,152 = 523 */
	assert_int_equal(row(&r, 200)->model_oom_score, 523);
	ovc_live_report_free(&r);
}

/* ------------------------------------------------------------------
 * A real process. Read on this build machine (6.18.44-fc-v769, 4 kB
 * pages, MemTotal 24,683,620 kB, no swap) from /proc/3721/status and
 * oom_score, a python3 holding a 1.5 GiB bytearray, run as root, with
 * oom_score_adj set to 300:
 *   RssAnon 573,892 kB, RssFile 6,740 kB, RssShmem 0, VmPTE 1,188 kB,
 *   VmSwap 0, CapEff 000001fffeffffff, oom_score 882.
 * By hand: totalpages 6,170,905; rss 145,158 + ptes 297 = 145,455;
 * + 300 * 6,170 = 1,996,455; * 1000 / 6,170,905 = 323; (1323) * 2 / 3 = 882.
 */
static void test_oom_score_real(void **state)
{
	struct ovc_live_report r;
	struct ovc_live_proc *p;
	struct fixture f;
	uint64_t slack;

	(void)state;
	machine(&f, "6.18.44-fc-v769", 24683620, 0, 0, 0, 50);
	p = proc(&f, 3721, "python3", 0, 300, 1);
	p->vm_size = 1552568;
	p->vm_rss = 580632;
	p->rss_anon = 573892;
	p->rss_file = 6740;
	p->vm_pte = 1188;
	p->oom_score = 882;
	analyze_ok(&f, NULL, 0, &r);
	assert_int_equal(r.rows[0].badness.points, 1996455);
	assert_int_equal(r.rows[0].model_oom_score, 882);
	assert_int_equal(r.rows[0].score_differs, 0);
	assert_int_equal(r.score_mismatches, 0);
	/* 6.2+: oom_score reads the per-CPU RSS counters approximately; one
	 * CPU, batch 32: 4 counters x 31 pages = 124 pages;
	 * ceil(124 * 2000 / (3 * 6,170,905)) + 1 = 2 */
	slack = r.score_slack;
	assert_int_equal(slack, 2);
	ovc_live_report_free(&r);

	/* within the slack: not a mismatch */
	p->oom_score = 882 - (int64_t)slack;
	analyze_ok(&f, NULL, 0, &r);
	assert_int_equal(r.rows[0].score_differs, 0);
	ovc_live_report_free(&r);
	/* a kernel that says otherwise is flagged */
	p->oom_score = 882 - (int64_t)slack - 1;
	analyze_ok(&f, NULL, 0, &r);
	assert_int_equal(r.rows[0].score_differs, 1);
	assert_int_equal(r.score_mismatches, 1);
	ovc_live_report_free(&r);
}

/* ------------------------------------------------------------------
 * What-if: the fork machine under policy 0, then with policy 2 set
 * (the big fork can no longer pass: see test_fork_policies), and with a
 * ratio large enough: 100 gives allowed 2,097,152 - 2,048 - 16,384 =
 * 2,078,720 > 1,048,576.
 */
static void test_whatif(void **state)
{
	struct ovc_live_set never[] = { { OVC_SYSCTL_OVERCOMMIT_MEMORY, 2 } };
	struct ovc_live_set roomy[] = { { OVC_SYSCTL_OVERCOMMIT_MEMORY, 2 },
					{ OVC_SYSCTL_OVERCOMMIT_RATIO, 100 } };
	struct ovc_live_set bad = { OVC_SYSCTL_OVERCOMMIT_MEMORY, 3 };
	struct ovc_live_report r;
	struct ovc_err e = { 0 };
	struct fixture f;

	(void)state;
	fork_machine(&f, 0);
	analyze_ok(&f, NULL, 0, &r);
	assert_int_equal(row(&r, 1000)->fork_ok, 1);
	assert_int_equal(row(&r, 1000)->fork.rule, OVC_ADMIT_GUESS_TOTAL);
	ovc_live_report_free(&r);

	analyze_ok(&f, never, 1, &r);
	assert_int_equal(row(&r, 1000)->fork_ok, 0);
	assert_int_equal(row(&r, 1000)->fork.policy, 2);
	ovc_live_report_free(&r);

	analyze_ok(&f, roomy, 2, &r);
	assert_int_equal(r.commit_limit_kb, 8388608);
	assert_int_equal(row(&r, 1000)->fork.allowed, 2078720);
	assert_int_equal(row(&r, 1000)->fork_ok, 1);
	ovc_live_report_free(&r);

	/* the handler's range check: EINVAL names the key */
	assert_true(ovc_live_analyze(&f.s, &bad, 1, &r, &e) < 0);
	assert_non_null(strstr(e.msg, "overcommit_memory"));
	assert_null(r.rows);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_profile_note),
		cmocka_unit_test(test_commit_limit),
		cmocka_unit_test(test_fork_policies),
		cmocka_unit_test(test_fork_order),
		cmocka_unit_test(test_fork_guess_per_mapping),
		cmocka_unit_test(test_oom_order),
		cmocka_unit_test(test_oom_score_real),
		cmocka_unit_test(test_whatif),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
