/* test_oom_eras.c - the per-mm OOM rules across their boundaries: who dies
 * with the victim's mm (2.6.36, 2.6.37, 3.2, 4.8), mm->oom_disable_count
 * (2.6.37-3.1 and RHEL6), in_vfork() (4.8) and mm-wide oom_score_adj (4.8).
 *
 * Kernel source read (mm/oom_kill.c oom_badness, oom_kill_task; fs/proc/base.c
 * oom_score_adj_write): 2.6.36 galeksandrp-keenetic/linux-2.6.36 (Makefile
 * 2.6.36); RHEL6 functor/linux-2.6.32-642.6.2.el6; the 2.6.37 and 3.2
 * changes from the patches 3d5992d2ac7d, 1e99bad0d9c1 and c9f01245b6a7.
 *
 * Machine: 1 GiB, no swap: totalpages = 262144. The per-mille badness of
 * these eras is (rss + nr_ptes) * 1000 / 262144 + oom_score_adj, at least 1:
 *   P, 64 MiB:  (16384 + 32) * 1000 / 262144 = 62   (62.6 truncated)
 *   B,  8 MiB:  (2048 + 4) * 1000 / 262144   = 7    (7.8)
 *   T,  1 MiB:  (256 + 1) * 1000 / 262144    = 0 -> 1
 * C is a clone(CLONE_VM) child of P: same mm, so 62 + its own adj.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>
#include <cmocka.h>

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
	c.ram_kb = 1024 * 1024;		/* 262,144 pages */
	c.committed_kb = 0;
	c.vm.overcommit_memory = 1;
	assert_int_equal(ovc_profile_for(kernel, &p, NULL), 0);
	assert_int_equal(ovc_machine_init(&M, &c, &p, NULL), 0);
}

static int setup(void **state)
{
	(void)state;
	memset(&M, 0, sizeof(M));
	return 0;
}

static int teardown(void **state)
{
	(void)state;
	ovc_machine_free(&M);
	return 0;
}

static int task(const char *comm, int adj)
{
	struct ovc_task_spec s = { .comm = comm, .parent = -1, .uid = 1000,
				   .oom_score_adj = (int16_t)adj };
	int tid;

	assert_int_equal(ovc_task_create(&M, &s, &tid, NULL), 0);
	return tid;
}

static void use(int tid, uint64_t len)
{
	struct ovc_mmap_req q = { .len = len, .prot = OVC_PROT_READ | OVC_PROT_WRITE,
				  .flags = OVC_MAP_PRIVATE | OVC_MAP_ANONYMOUS };
	struct ovc_result r = { 0 }, t = { 0 };

	assert_int_equal(ovc_mmap(&M, tid, &q, &r), 0);
	assert_int_equal(ovc_touch(&M, tid, r.addr, len, 1, &t), 0);
	assert_int_equal(t.cause, OVC_CAUSE_NONE);
}

static int clone_of(int parent, int how)
{
	struct ovc_result r = { 0 };

	assert_int_equal(ovc_fork(&M, parent, how, &r), 0);
	return r.child;
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

/* The common machine: caller T, bystander B, P and its CLONE_VM child C
 * with adj +500 (so C, scored 62 + 500 = 562, is the choice whenever it is
 * a candidate, and being childless no child can be sacrificed for it). */
struct cast {
	int t, b, p, c;
};

static void cast(const char *kernel, int p_adj, struct cast *k)
{
	boot(kernel);
	k->t = task("caller", 0);
	use(k->t, 1 * MiB);
	k->b = task("bystander", 0);
	use(k->b, 8 * MiB);
	k->p = task("parent", 0);
	use(k->p, 64 * MiB);
	k->c = clone_of(k->p, OVC_CLONE_VM);
	/* set directly: no era's write rule gets in between */
	M.tasks[k->c].oom_score_adj = 500;
	M.tasks[k->c].oom_adj = 500 * 15 / 1000;	/* 7, as base.c converts */
	M.tasks[k->p].oom_score_adj = (int16_t)p_adj;
	M.tasks[k->p].oom_adj = p_adj == -1000 ? -17 : 0;
}

/* ------------------------------------------------------------------
 * No -1000 anywhere: C (562) is chosen everywhere. 2.6.36's oom_kill_task
 * kills C alone, so P keeps the mm and nothing is freed; 2.6.37 (1e99bad0d9c1)
 * to today, RHEL6 too, kill P as well and the mm's 16,384 pages go.
 */
static void test_sharers_killed(void **state)
{
	static const struct { const char *k; int p_dies; } rows[] = {
		{ "2.6.36", 0 }, { "2.6.37", 1 }, { "3.1", 1 }, { "3.2", 1 },
		{ "rhel6", 1 }, { "4.8", 1 },
	};

	(void)state;
	for (size_t i = 0; i < sizeof(rows) / sizeof(rows[0]); i++) {
		const struct ovc_oom_event *ev;
		struct cast k;

		cast(rows[i].k, 0, &k);
		assert_int_equal(ovc_out_of_memory(&M, k.t, -1), OVC_OOM_KILLED);
		ev = last_event();
		if (ev->chosen_tid != k.c)
			fail_msg("%s: chose tid %d, want C", rows[i].k, ev->chosen_tid);
		if (strcmp(rows[i].k, "4.8") != 0)	/* per mille up to 3.4 */
			assert_int_equal(ev->chosen_points, 562);
		assert_int_equal(ev->sacrificed, 0);
		assert_false(alive(k.c));
		if (alive(k.p) == rows[i].p_dies)
			fail_msg("%s: P %s", rows[i].k, rows[i].p_dies ? "spared" : "killed");
		assert_int_equal(ev->nkills, 1 + rows[i].p_dies);
		if (rows[i].p_dies)
			assert_int_equal(ev->kills[1].reason, OVC_OOM_KILL_SHARER);
		assert_int_equal(ev->freed, rows[i].p_dies ? 16384 : 0);
		assert_true(alive(k.t) && alive(k.b));
	}
}

/* ------------------------------------------------------------------
 * P is -1000. 2.6.36 tests each task alone: C is chosen and dies alone.
 * 2.6.37-3.1 and RHEL6: oom_disable_count is 1 on the shared mm, so
 * oom_badness() is 0 for C too; the choice is B (7). 3.2-4.7: C is chosen
 * again and the sharer loop skips P (-1000). 4.8: P dies with C.
 */
static void test_disabled_sharer(void **state)
{
	static const struct { const char *k; int disabled, p_dies; } rows[] = {
		{ "2.6.36", 0, 0 }, { "2.6.37", 1, 0 }, { "3.1", 1, 0 }, { "rhel6", 1, 0 },
		{ "3.2", 0, 0 }, { "4.7", 0, 0 }, { "4.8", 0, 1 },
	};

	(void)state;
	for (size_t i = 0; i < sizeof(rows) / sizeof(rows[0]); i++) {
		const struct ovc_oom_event *ev;
		struct ovc_badness b;
		struct cast k;
		int want;

		cast(rows[i].k, -1000, &k);
		ovc_oom_badness(&M, k.c, -1, 262144, &b);
		assert_int_equal(b.skip, rows[i].disabled ? OVC_OOM_SKIP_MM_DISABLED
							  : OVC_OOM_ELIGIBLE);
		assert_int_equal(ovc_out_of_memory(&M, k.t, -1), OVC_OOM_KILLED);
		ev = last_event();
		want = rows[i].disabled ? k.b : k.c;
		if (ev->chosen_tid != want)
			fail_msg("%s: chose tid %d, want %d", rows[i].k, ev->chosen_tid, want);
		if (rows[i].disabled)
			assert_int_equal(ev->chosen_points, 7);
		assert_int_equal(alive(k.c), rows[i].disabled);
		assert_int_equal(alive(k.b), !rows[i].disabled);
		if (alive(k.p) == rows[i].p_dies)
			fail_msg("%s: P %s", rows[i].k, rows[i].p_dies ? "spared" : "killed");
		assert_int_equal(ev->nkills, 1 + rows[i].p_dies);
	}
}

/* /proc/PID/oom_score of C when P is -1000: oom_badness() itself in these
 * eras, so 0 where the count disables the mm, 562 where it does not. */
static void test_disabled_oom_score(void **state)
{
	static const struct { const char *k; uint64_t score; } rows[] = {
		{ "2.6.36", 562 }, { "2.6.37", 0 }, { "3.1", 0 }, { "rhel6", 0 }, { "3.2", 562 },
	};

	(void)state;
	for (size_t i = 0; i < sizeof(rows) / sizeof(rows[0]); i++) {
		struct cast k;

		cast(rows[i].k, -1000, &k);
		if (ovc_oom_score(&M, k.c) != rows[i].score)
			fail_msg("%s: oom_score %llu, want %llu", rows[i].k,
				 (unsigned long long)ovc_oom_score(&M, k.c),
				 (unsigned long long)rows[i].score);
		assert_int_equal(ovc_oom_score(&M, k.p), 0);	/* -1000 itself */
	}
}

/* ------------------------------------------------------------------
 * The writes. RHEL6 and 2.6.37-3.1 oom_score_adj_write() (and
 * oom_adjust_write() with -17) set only the written process, but move the
 * mm's oom_disable_count: C keeps adj 500 yet reads oom_score 0. 3.2-4.7
 * change P alone and C stays a candidate (562). 4.8's __set_oom_adj()
 * copies the value to C as well, which then is -1000 itself. 4.7 reads in
 * pages (3.5+): 16384 + 32 ptes + 1 pmd + 500 * (262144 / 1000 = 262)
 * = 147417, * 1000 / 262144 = 562.
 */
static void test_adj_writes(void **state)
{
	static const struct { const char *k; int c_adj; uint64_t c_score; } rows[] = {
		{ "2.6.36", 500, 562 }, { "2.6.37", 500, 0 }, { "rhel6", 500, 0 },
		{ "3.2", 500, 562 }, { "4.7", 500, 562 }, { "4.8", -1000, 0 },
	};

	(void)state;
	for (size_t i = 0; i < sizeof(rows) / sizeof(rows[0]); i++) {
		for (int legacy = 0; legacy < 2; legacy++) {
			struct cast k;

			cast(rows[i].k, 0, &k);
			if (legacy)
				assert_int_equal(ovc_oom_adj_write(&M, k.p, -17, 1), 0);
			else
				assert_int_equal(ovc_oom_score_adj_write(&M, k.p, -1000, 1), 0);
			assert_int_equal(M.tasks[k.p].oom_score_adj, -1000);
			if (M.tasks[k.c].oom_score_adj != rows[i].c_adj)
				fail_msg("%s/%d: C adj %d", rows[i].k, legacy,
					 M.tasks[k.c].oom_score_adj);
			if (ovc_oom_score(&M, k.c) != rows[i].c_score)
				fail_msg("%s/%d: C oom_score %llu", rows[i].k, legacy,
					 (unsigned long long)ovc_oom_score(&M, k.c));
		}
	}
}

/* ------------------------------------------------------------------
 * A vfork child V of P with adj +500. RHEL6 (like mainline before 4.8) has
 * no in_vfork() test: V (562) is chosen, then P dies as its sharer.
 * RHEL6's child sacrifice skips V (child->mm == p->mm), so when P is the
 * choice V is not sacrificed for it. 4.8 skips V as a candidate: P (62)
 * is chosen and V dies as the sharer. Either way the mm goes.
 */
static void test_vfork_child(void **state)
{
	static const struct { const char *k; int v_chosen; } rows[] = {
		{ "rhel6", 1 }, { "3.1", 1 }, { "4.7", 1 }, { "4.8", 0 },
	};

	(void)state;
	for (size_t i = 0; i < sizeof(rows) / sizeof(rows[0]); i++) {
		const struct ovc_oom_event *ev;
		struct ovc_badness b;
		int t, p, v;

		boot(rows[i].k);
		t = task("caller", 0);
		use(t, 1 * MiB);
		p = task("parent", 0);
		use(p, 64 * MiB);
		v = clone_of(p, OVC_CLONE_VFORK);
		assert_true(M.tasks[v].in_vfork);
		M.tasks[v].oom_score_adj = 500;
		M.tasks[v].oom_adj = 7;
		ovc_oom_badness(&M, v, -1, 262144, &b);
		assert_int_equal(b.skip, rows[i].v_chosen ? OVC_OOM_ELIGIBLE : OVC_OOM_SKIP_VFORK);
		assert_int_equal(ovc_out_of_memory(&M, t, -1), OVC_OOM_KILLED);
		ev = last_event();
		assert_int_equal(ev->chosen_tid, rows[i].v_chosen ? v : p);
		assert_int_equal(ev->sacrificed, 0);
		assert_false(alive(p) || alive(v));
		assert_int_equal(ev->nkills, 2);
		assert_int_equal(ev->freed, 16384);
		assert_true(alive(t));
	}
}

/* The row boundaries themselves. */
static void test_rows(void **state)
{
	static const struct { const char *k; const char *era; int sharers, disable; } rows[] = {
		{ "2.6.36", "2.6.36", 0, 0 }, { "2.6.36.4", "2.6.36", 0, 0 },
		{ "2.6.37", "2.6.37", 3, 1 }, { "3.1.10", "2.6.37", 3, 1 },
		{ "3.2", "3.2", 1, 0 }, { "3.4", "3.2", 1, 0 }, { "3.5", "3.5", 1, 0 },
		{ "rhel6", "rhel6", 3, 1 }, { "4.8", "4.8", 2, 0 },
	};

	(void)state;
	for (size_t i = 0; i < sizeof(rows) / sizeof(rows[0]); i++) {
		struct ovc_profile p;

		assert_int_equal(ovc_profile_for(rows[i].k, &p, NULL), 0);
		assert_string_equal(p.oom->era.name, rows[i].era);
		assert_int_equal(p.oom->kill_sharers, rows[i].sharers);
		assert_int_equal(p.oom->shared_disable, rows[i].disable);
		assert_int_equal(p.oom->skip_vfork, 0 + !strcmp(rows[i].k, "4.8"));
		assert_int_equal(p.oom->adj_mm_wide, 0 + !strcmp(rows[i].k, "4.8"));
	}
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_rows),
		cmocka_unit_test_setup_teardown(test_sharers_killed, setup, teardown),
		cmocka_unit_test_setup_teardown(test_disabled_sharer, setup, teardown),
		cmocka_unit_test_setup_teardown(test_disabled_oom_score, setup, teardown),
		cmocka_unit_test_setup_teardown(test_adj_writes, setup, teardown),
		cmocka_unit_test_setup_teardown(test_vfork_child, setup, teardown),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
