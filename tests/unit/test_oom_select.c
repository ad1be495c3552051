/* test_oom_select.c - victim selection per era: ties, skips, child sacrifice,
 * sharers, oom_kill_allocating_task, panic_on_oom, oom.group, the ranking
 * (spec §6.2-§6.10). The killer is invoked directly (ovc_out_of_memory). */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>
#include <cmocka.h>

#include "ovc/memcg.h"
#include "ovc/oom.h"
#include "ovc/ops.h"

#define MiB (1ull << 20)

static struct ovc_machine M;

static void boot(const char *kernel)
{
	struct ovc_config c;
	struct ovc_profile p;

	ovc_machine_free(&M);
	ovc_config_default(&c);
	c.ram_kb = 1024 * 1024;		/* 1 GiB: 262,144 pages */
	c.committed_kb = 0;
	c.vm.overcommit_memory = 1;
	assert_int_equal(ovc_profile_for(kernel, &p, NULL), 0);
	assert_int_equal(ovc_machine_init(&M, &c, &p, NULL), 0);
}

static int teardown(void **state)
{
	(void)state;
	ovc_machine_free(&M);
	return 0;
}

static int setup(void **state)
{
	(void)state;
	memset(&M, 0, sizeof(M));
	return 0;
}

static int task(const char *comm, int parent, int adj)
{
	struct ovc_task_spec s = { .comm = comm, .parent = parent, .uid = 1000,
				   .oom_score_adj = (int16_t)adj };
	int tid;

	assert_int_equal(ovc_task_create(&M, &s, &tid, NULL), 0);
	return tid;
}

/* mmap and write len bytes. */
static void use(int tid, uint64_t len)
{
	struct ovc_mmap_req q = { .len = len, .prot = OVC_PROT_READ | OVC_PROT_WRITE,
				  .flags = OVC_MAP_PRIVATE | OVC_MAP_ANONYMOUS };
	struct ovc_result r = { 0 }, t = { 0 };

	assert_int_equal(ovc_mmap(&M, tid, &q, &r), 0);
	assert_int_equal(ovc_touch(&M, tid, r.addr, len, 1, &t), 0);
	assert_int_equal(t.cause, OVC_CAUSE_NONE);
}

static const struct ovc_oom_event *last_event(void)
{
	size_t n;
	const struct ovc_oom_event *ev = ovc_oom_events(&M, &n);

	assert_true(n > 0);
	return &ev[n - 1];
}

static int alive(int tid)
{
	return M.tasks[tid].state == OVC_TASK_RUNNING;
}

/* ------------------------------------------------------------------
 * Ties: two identical workers, W1 older. First wins up to 5.2 (the leader
 * rule keeps the chosen leader from 3.14), the later one from 5.3.
 */
static void test_ties(void **state)
{
	static const struct { const char *k; int later; } rows[] = {
		{ "2.6.32", 0 }, { "rhel6", 0 }, { "2.6.36", 0 }, { "3.10", 0 }, { "3.14", 0 },
		{ "4.19", 0 }, { "5.2", 0 }, { "5.3", 1 }, { "5.8", 1 }, { "6.1", 1 },
	};

	(void)state;
	for (size_t i = 0; i < sizeof(rows) / sizeof(rows[0]); i++) {
		int p, w1, w2, want, row;
		struct ovc_oom_candidate c[8];

		boot(rows[i].k);
		p = task("caller", -1, 0);
		use(p, 1 * MiB);
		w1 = task("w1", -1, 0);
		use(w1, 16 * MiB);
		w2 = task("w2", -1, 0);
		use(w2, 16 * MiB);
		want = rows[i].later ? w2 : w1;
		assert_int_equal(ovc_oom_rank(&M, -1, c, 8, &row), 3);
		if (row < 0 || c[row].tid != want)
			fail_msg("%s: ranking picks row %d", rows[i].k, row);
		assert_int_equal(ovc_out_of_memory(&M, p, -1), OVC_OOM_KILLED);
		if (alive(want) || !alive(want == w1 ? w2 : w1) || !alive(p))
			fail_msg("%s: wrong task killed", rows[i].k);
		assert_int_equal(last_event()->kills[0].tid, want);
	}
}

/* 2.6.32 takes a 0-point task when it is the only one; 5.9 a negative one. */
static void test_zero_and_negative(void **state)
{
	const struct ovc_oom_event *ev;
	int p, z, n;

	(void)state;
	boot("2.6.32");
	p = task("caller", -1, -1000);		/* oom_adj -17 */
	use(p, 8 * MiB);
	z = task("empty", -1, 0);		/* total_vm 0: badness 0 */
	assert_int_equal(ovc_out_of_memory(&M, p, -1), OVC_OOM_KILLED);
	ev = last_event();
	assert_int_equal(ev->chosen_tid, z);
	assert_int_equal(ev->chosen_points, 0);

	boot("6.1");
	p = task("caller", -1, -1000);
	use(p, 8 * MiB);
	n = task("neg", -1, -600);
	use(n, 4 * MiB);
	/* 1,024 pages + 5 tables (3 PTE over 4 MiB not 2 MiB aligned, 1 PMD,
	 * 1 PUD) - 600 * (262,144 / 1000 = 262) = -156,171 */
	assert_int_equal(ovc_out_of_memory(&M, p, -1), OVC_OOM_KILLED);
	ev = last_event();
	assert_int_equal(ev->chosen_tid, n);
	assert_int_equal(ev->chosen_points, 1024 + 5 - 600 * 262);
	/* 4.19 floors the same task at 1 */
	boot("4.19");
	p = task("caller", -1, -1000);
	use(p, 8 * MiB);
	n = task("neg", -1, -600);
	use(n, 4 * MiB);
	assert_int_equal(ovc_out_of_memory(&M, p, -1), OVC_OOM_KILLED);
	assert_int_equal(last_event()->chosen_points, 1);
}

/* init, kernel threads and -1000 are never chosen, however large. */
static void test_skips(void **state)
{
	struct ovc_task_spec i = { .comm = "init", .pid = 1, .parent = -1 };
	struct ovc_task_spec k = { .comm = "kworker", .parent = -1, .kthread = 1 };
	int in, kt, big, small, row;
	struct ovc_oom_candidate c[8];

	(void)state;
	boot("6.1");
	assert_int_equal(ovc_task_create(&M, &i, &in, NULL), 0);
	use(in, 64 * MiB);
	assert_int_equal(ovc_task_create(&M, &k, &kt, NULL), 0);
	big = task("db", -1, -1000);
	use(big, 128 * MiB);
	small = task("small", -1, 0);
	use(small, 1 * MiB);
	assert_int_equal(ovc_oom_rank(&M, -1, c, 8, &row), 4);
	assert_int_equal(c[0].b.skip, OVC_OOM_SKIP_INIT);
	assert_int_equal(c[1].b.skip, OVC_OOM_SKIP_KTHREAD);
	assert_int_equal(c[2].b.skip, OVC_OOM_SKIP_ADJ_MIN);
	assert_int_equal(c[2].b.points, INT64_MIN);
	assert_int_equal(c[3].b.skip, OVC_OOM_ELIGIBLE);
	assert_int_equal(row, 3);
	assert_int_equal(ovc_out_of_memory(&M, small, -1), OVC_OOM_KILLED);
	assert_false(alive(small));
	assert_true(alive(in) && alive(big) && alive(kt));
	/* the report lists neither init nor the kernel thread (4.x+) */
	assert_int_equal(last_event()->nrows, 2);
}

/* in_vfork(): a vfork child is a candidate up to 4.7, skipped from 4.8. */
static void test_vfork(void **state)
{
	static const char *const kernels[] = { "4.4", "4.19" };

	(void)state;
	for (int k = 0; k < 2; k++) {
		struct ovc_result r = { 0 };
		int p, v, q;

		boot(kernels[k]);
		p = task("shell", -1, -1000);
		use(p, 64 * MiB);
		assert_int_equal(ovc_fork(&M, p, OVC_CLONE_VFORK, &r), 0);
		v = r.child;
		M.tasks[v].oom_score_adj = 0;	/* as if set between vfork and exec */
		q = task("q", -1, 0);
		use(q, 1 * MiB);
		assert_int_equal(ovc_out_of_memory(&M, q, -1), OVC_OOM_KILLED);
		if (k == 0) {
			/* 4.4: the child (64 MiB) is chosen; the -1000 parent on
			 * the same mm is spared, so nothing is freed */
			assert_int_equal(last_event()->chosen_tid, v);
			assert_int_equal(last_event()->freed, 0);
			assert_true(alive(p) && alive(q));
		} else {
			assert_int_equal(last_event()->chosen_tid, q);
			assert_true(alive(p) && alive(v));
		}
	}
}

/* Child sacrifice: 2.6.32 the first child with its own mm, 2.6.36-5.0 the
 * child with the highest badness, 5.1+ none. */
static void test_child_sacrifice(void **state)
{
	static const struct { const char *k; int which; } rows[] = {
		{ "2.6.32", 1 }, { "rhel6", 2 }, { "3.10", 2 }, { "4.19", 2 }, { "5.0", 2 },
		{ "5.1", 0 }, { "6.1", 0 },
	};

	(void)state;
	for (size_t i = 0; i < sizeof(rows) / sizeof(rows[0]); i++) {
		const struct ovc_oom_event *ev;
		int t, p, c1, c2, want;

		boot(rows[i].k);
		t = task("caller", -1, 0);
		use(t, 1 * MiB);
		p = task("parent", -1, 0);
		use(p, 64 * MiB);
		c1 = task("c1", p, 0);
		use(c1, 2 * MiB);
		c2 = task("c2", p, 0);
		use(c2, 8 * MiB);
		want = rows[i].which == 1 ? c1 : rows[i].which == 2 ? c2 : p;
		assert_int_equal(ovc_out_of_memory(&M, t, -1), OVC_OOM_KILLED);
		ev = last_event();
		if (ev->chosen_tid != p || ev->kills[0].tid != want || alive(want))
			fail_msg("%s: chose %d, killed %d", rows[i].k, ev->chosen_tid,
				 ev->kills[0].tid);
		assert_int_equal(ev->sacrificed, rows[i].which != 0);
		assert_int_equal(ev->kills[0].reason,
				 rows[i].which ? OVC_OOM_KILL_CHILD : OVC_OOM_KILL_VICTIM);
		assert_int_equal(ev->nkills, 1);
	}
}

/* Processes sharing the victim's mm: 2.6.32 spares them; 3.x kills them
 * but not OOM_SCORE_ADJ_MIN ones; 4.8+ kills them all; RHEL6 does not
 * even choose an mm that a -1000 process shares. */
static void test_sharers(void **state)
{
	static const struct { const char *k; int s_dies, s2_dies, chosen_v; } rows[] = {
		{ "2.6.32", 0, 0, 1 }, { "3.10", 1, 0, 1 }, { "4.19", 1, 1, 1 },
		{ "6.1", 1, 1, 0 }, { "rhel6", 0, 0, 0 },
	};

	(void)state;
	for (size_t i = 0; i < sizeof(rows) / sizeof(rows[0]); i++) {
		const struct ovc_oom_event *ev;
		struct ovc_result r = { 0 };
		int t, v, s, s2;

		boot(rows[i].k);
		t = task("caller", -1, 0);
		use(t, 1 * MiB);
		v = task("v", -1, 0);
		use(v, 64 * MiB);
		assert_int_equal(ovc_fork(&M, v, OVC_CLONE_VM, &r), 0);
		s = r.child;
		assert_int_equal(ovc_fork(&M, v, OVC_CLONE_VM, &r), 0);
		s2 = r.child;
		M.tasks[s2].oom_score_adj = -1000;
		M.tasks[s2].oom_adj = -17;
		assert_int_equal(ovc_out_of_memory(&M, t, -1), OVC_OOM_KILLED);
		ev = last_event();
		if (!strcmp(rows[i].k, "rhel6")) {	/* the whole mm is disabled */
			assert_int_equal(ev->chosen_tid, t);
			assert_true(alive(v) && alive(s) && alive(s2));
			continue;
		}
		/* equal badness: v first; 5.3+ takes the later s (s2 is -1000) */
		assert_int_equal(ev->chosen_tid, rows[i].chosen_v ? v : s);
		assert_int_equal(alive(rows[i].chosen_v ? v : s), 0);
		if (rows[i].chosen_v)
			assert_int_equal(alive(s), !rows[i].s_dies);
		assert_int_equal(alive(s2), !rows[i].s2_dies);
		/* the 16,384 pages go only when every user of the mm is gone */
		assert_int_equal(ev->freed, rows[i].s2_dies ? 16384 : 0);
		assert_true(alive(t));
	}
}

/* 4.8+: init sharing the victim's mm is not killed and keeps the mm (the
 * report's "has mm pinned by" line): nothing is freed. */
static void test_pinned_by_init(void **state)
{
	struct ovc_task_spec i = { .comm = "init", .pid = 1, .parent = -1 };
	struct ovc_result r = { 0 };
	int in, v;

	(void)state;
	boot("6.1");
	assert_int_equal(ovc_task_create(&M, &i, &in, NULL), 0);
	use(in, 64 * MiB);
	assert_int_equal(ovc_fork(&M, in, OVC_CLONE_VM, &r), 0);
	v = r.child;
	assert_int_equal(ovc_out_of_memory(&M, in, -1), OVC_OOM_KILLED);
	assert_int_equal(last_event()->chosen_tid, v);
	assert_int_equal(last_event()->mm_pinned_by, in);
	assert_int_equal(last_event()->freed, 0);
	assert_true(alive(in) && !alive(v));
}

/* vm.oom_kill_allocating_task: the faulting task dies, however small;
 * with -1000 the scan runs instead. */
static void test_allocating_task(void **state)
{
	static const char *const kernels[] = { "2.6.32", "3.10", "6.1" };

	(void)state;
	for (int k = 0; k < 3; k++) {
		int c, b;

		boot(kernels[k]);
		M.vm.oom_kill_allocating_task = 1;
		c = task("small", -1, 0);
		use(c, 1 * MiB);
		b = task("big", -1, 0);
		use(b, 64 * MiB);
		assert_int_equal(ovc_out_of_memory(&M, c, -1), OVC_OOM_KILLED);
		assert_int_equal(last_event()->message, OVC_OOM_MSG_ALLOCATING_TASK);
		assert_int_equal(last_event()->chosen_points, 0);
		assert_false(alive(c));
		assert_true(alive(b));
		c = task("protected", -1, -1000);
		use(c, 1 * MiB);
		assert_int_equal(ovc_out_of_memory(&M, c, -1), OVC_OOM_KILLED);
		assert_int_equal(last_event()->message, OVC_OOM_MSG_OUT_OF_MEMORY);
		assert_false(alive(b));
	}
}

/* panic_on_oom: 1 panics a system-wide OOM only, 2 every OOM; 2.6.32
 * never panics for a memcg. Nothing killable panics a global OOM. */
static void test_panic(void **state)
{
	static const struct {
		const char *k;
		int pm, memcg;
		enum ovc_oom_outcome out;
		enum ovc_oom_panic_reason why;
	} rows[] = {
		{ "6.1", 0, 0, OVC_OOM_KILLED, OVC_OOM_PANIC_NONE },
		{ "6.1", 1, 0, OVC_OOM_PANIC, OVC_OOM_PANIC_SYSTEM_WIDE },
		{ "6.1", 2, 0, OVC_OOM_PANIC, OVC_OOM_PANIC_COMPULSORY },
		{ "6.1", 1, 1, OVC_OOM_KILLED, OVC_OOM_PANIC_NONE },
		{ "6.1", 2, 1, OVC_OOM_PANIC, OVC_OOM_PANIC_COMPULSORY },
		{ "3.10", 2, 1, OVC_OOM_PANIC, OVC_OOM_PANIC_COMPULSORY },
		{ "2.6.32", 1, 0, OVC_OOM_PANIC, OVC_OOM_PANIC_SYSTEM_WIDE },
		{ "2.6.32", 2, 0, OVC_OOM_PANIC, OVC_OOM_PANIC_COMPULSORY },
		{ "2.6.32", 2, 1, OVC_OOM_KILLED, OVC_OOM_PANIC_NONE },
	};

	(void)state;
	for (size_t i = 0; i < sizeof(rows) / sizeof(rows[0]); i++) {
		int cg = -1, a, b;

		boot(rows[i].k);
		M.vm.panic_on_oom = rows[i].pm;
		if (rows[i].memcg) {
			assert_int_equal(ovc_memcg_create(&M, "/job", &cg, NULL), 0);
			assert_int_equal(ovc_memcg_set_max(&M, cg, 4096), 0);
		}
		a = task("a", -1, 0);
		b = task("b", -1, 0);
		if (cg >= 0) {
			assert_int_equal(ovc_memcg_attach(&M, a, cg), 0);
			assert_int_equal(ovc_memcg_attach(&M, b, cg), 0);
		}
		use(a, 1 * MiB);
		use(b, 4 * MiB);
		if (ovc_out_of_memory(&M, a, cg) != rows[i].out || last_event()->panic != rows[i].why)
			fail_msg("%s pm=%d memcg=%d: outcome %d, panic %d", rows[i].k, rows[i].pm,
				 rows[i].memcg, last_event()->outcome, last_event()->panic);
		assert_int_equal(M.panicked, rows[i].out == OVC_OOM_PANIC);
		assert_int_equal(alive(b), rows[i].out == OVC_OOM_PANIC);
		if (M.panicked)		/* the machine is down: nothing more happens */
			assert_int_equal(ovc_out_of_memory(&M, a, cg), OVC_OOM_PANIC);
	}
}

/* Nothing killable: a global OOM panics; a memcg OOM gives up, except in
 * 2.6.32, which kills the faulting task. */
static void test_no_victim(void **state)
{
	int a, cg;

	(void)state;
	boot("6.1");
	a = task("a", -1, -1000);
	use(a, 1 * MiB);
	assert_int_equal(ovc_out_of_memory(&M, a, -1), OVC_OOM_PANIC);
	assert_int_equal(last_event()->panic, OVC_OOM_PANIC_NO_KILLABLE);
	boot("6.1");
	assert_int_equal(ovc_memcg_create(&M, "/job", &cg, NULL), 0);
	a = task("a", -1, -1000);
	assert_int_equal(ovc_memcg_attach(&M, a, cg), 0);
	assert_int_equal(ovc_out_of_memory(&M, a, cg), OVC_OOM_NO_VICTIM);
	assert_true(alive(a) && !M.panicked);
	/* 2.6.32: with no candidate in the cgroup, current is killed, even
	 * from outside it (mem_cgroup_out_of_memory: "if (!p) p = current") */
	boot("2.6.32");
	assert_int_equal(ovc_memcg_create(&M, "/job", &cg, NULL), 0);
	a = task("a", -1, -1000);		/* oom_adj -17 */
	use(a, 1 * MiB);
	assert_int_equal(ovc_memcg_attach(&M, a, cg), 0);
	{
		int y = task("y", -1, 0);

		use(y, 1 * MiB);
		assert_int_equal(ovc_out_of_memory(&M, y, cg), OVC_OOM_KILLED);
		assert_false(alive(y));
		assert_true(alive(a));
		/* and an oom_adj -17 current cannot be killed: nothing happens */
		assert_int_equal(ovc_out_of_memory(&M, a, cg), OVC_OOM_NO_VICTIM);
		assert_true(alive(a));
	}
}

/* memory.oom.group (4.19+): the victim's whole cgroup goes, -1000 spared. */
static void test_oom_group(void **state)
{
	static const char *const kernels[] = { "4.17", "4.19", "6.1" };

	(void)state;
	for (int k = 0; k < 3; k++) {
		const struct ovc_oom_event *ev;
		int cg, t, a, b, c;

		boot(kernels[k]);
		assert_int_equal(ovc_memcg_create(&M, "/svc", &cg, NULL), 0);
		assert_int_equal(ovc_memcg_set_oom_group(&M, cg, 1), 0);
		t = task("caller", -1, 0);
		use(t, 1 * MiB);
		a = task("a", -1, 0);
		b = task("b", -1, 0);
		c = task("c", -1, -1000);
		assert_int_equal(ovc_memcg_attach(&M, a, cg), 0);
		assert_int_equal(ovc_memcg_attach(&M, b, cg), 0);
		assert_int_equal(ovc_memcg_attach(&M, c, cg), 0);
		use(a, 32 * MiB);
		use(b, 2 * MiB);
		use(c, 2 * MiB);
		assert_int_equal(ovc_out_of_memory(&M, t, -1), OVC_OOM_KILLED);
		ev = last_event();
		assert_int_equal(ev->kills[0].tid, a);
		assert_int_equal(alive(b), k == 0);
		assert_true(alive(c) && alive(t));
		assert_int_equal(ev->oom_group, k == 0 ? -1 : cg);
		assert_int_equal(ev->nkills, k == 0 ? 1u : 2u);
		assert_int_equal(ovc_memcg_get(&M, cg)->oom_kills, k == 0 ? 1u : 2u);
	}
}

/* The event: the printed score, the rows, the kill line in kB. */
static void test_event_fields(void **state)
{
	const struct ovc_oom_event *ev;
	int t, v;

	(void)state;
	boot("4.19");
	M.vm.oom_dump_tasks = 1;
	t = task("caller", -1, 0);
	use(t, 1 * MiB);
	v = task("hog", -1, 0);
	use(v, 64 * MiB);	/* 16,384 pages + 35 tables (33 PTE: not 2 MiB aligned; PMD, PUD) */
	assert_int_equal(ovc_out_of_memory(&M, t, -1), OVC_OOM_KILLED);
	ev = last_event();
	assert_int_equal(ev->constraint, OVC_CONSTRAINT_NONE);
	assert_int_equal(ev->totalpages, 262144);
	assert_int_equal(ev->trigger_tid, t);
	assert_int_equal(ev->gfp, OVC_GFP_HIGHUSER_MOVABLE);
	assert_int_equal(ev->chosen_points, 16419);
	/* "score": 16,419 * 1000 / 262,144 = 62 */
	assert_int_equal(ev->score, 62);
	assert_int_equal(ev->nrows, 2);
	assert_int_equal(ev->rows[1].rss, 16384);
	assert_int_equal(ev->rows[1].pgtables_bytes, 35 * 4096);
	assert_int_equal(ev->kills[0].anon_rss_kb, 65536);
	assert_int_equal(ev->kills[0].total_vm_kb, 65536);
	assert_int_equal(ev->kills[0].pgtables_kb, 140);
	assert_int_equal(ev->kills[0].freed, 16384);
	assert_int_equal(ev->meminfo.mem_total, 1024 * 1024);
	assert_int_equal(M.oom_kill_count, 1);
	ovc_oom_events_clear(&M);
	{
		size_t n;

		ovc_oom_events(&M, &n);
		assert_int_equal(n, 0);
		assert_int_equal(M.oom_log.seq, 1);
	}
}

/* Threads: a kill takes the whole thread group; the process is one row. */
static void test_threads(void **state)
{
	struct ovc_result r = { 0 };
	struct ovc_oom_candidate c[8];
	int t, v, th, row;

	(void)state;
	boot("6.1");
	t = task("caller", -1, 0);
	use(t, 1 * MiB);
	v = task("java", -1, 0);
	use(v, 64 * MiB);
	assert_int_equal(ovc_clone_thread(&M, v, &r), 0);
	th = r.child;
	assert_int_equal(M.tasks[th].leader, v);
	assert_int_equal(ovc_oom_rank(&M, -1, c, 8, &row), 2);
	assert_int_equal(c[row].tid, v);
	assert_int_equal(c[row].tgid, M.tasks[v].pid);
	assert_int_equal(ovc_out_of_memory(&M, t, -1), OVC_OOM_KILLED);
	assert_false(alive(v) || alive(th));
	assert_int_equal(last_event()->nkills, 1);
	assert_int_equal(last_event()->freed, 16384);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup_teardown(test_ties, setup, teardown),
		cmocka_unit_test_setup_teardown(test_zero_and_negative, setup, teardown),
		cmocka_unit_test_setup_teardown(test_skips, setup, teardown),
		cmocka_unit_test_setup_teardown(test_vfork, setup, teardown),
		cmocka_unit_test_setup_teardown(test_child_sacrifice, setup, teardown),
		cmocka_unit_test_setup_teardown(test_sharers, setup, teardown),
		cmocka_unit_test_setup_teardown(test_pinned_by_init, setup, teardown),
		cmocka_unit_test_setup_teardown(test_allocating_task, setup, teardown),
		cmocka_unit_test_setup_teardown(test_panic, setup, teardown),
		cmocka_unit_test_setup_teardown(test_no_victim, setup, teardown),
		cmocka_unit_test_setup_teardown(test_oom_group, setup, teardown),
		cmocka_unit_test_setup_teardown(test_event_fields, setup, teardown),
		cmocka_unit_test_setup_teardown(test_threads, setup, teardown),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
