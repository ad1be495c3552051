/* test_oom_badness.c - badness per era (spec §6.5, §6.11), /proc/PID/oom_score (§7.1),
 * oom_adj and oom_score_adj (§7.2-§7.3). */
#include <errno.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>
#include <cmocka.h>

#include "ovc/oom.h"
#include "ovc/ops.h"

#define MiB (1ull << 20)

/* ------------------------------------------------------------------
 * The formulas on the spec's §6.11 machine: totalram 2,000,000 + swap
 * 1,000,000 = 3,000,000 pages, totalpages / 1000 = 3000.
 *   A: rss 400,000, swap 50,000, tables 488 (2,000,000 bytes), adj 0
 *   B: rss 300,000, tables 100, adj +500
 *   C: rss 450,000, tables 488, root, adj 0 (450,488 pages in all)
 */
struct formula_row {
	const char *name;
	enum ovc_badness_rule rule;
	uint64_t rss, swap, tables;
	int adj, root;
	int64_t want;
};

static const struct formula_row formula_rows[] = {
	/* B2 2.6.36: 450,488 * 1000 / 3e6 = 150 (150.16) */
	{ "B2 A", OVC_BADNESS_PERMILLE, 400000, 50000, 488, 0, 0, 150 },
	/* 300,100 * 1000 / 3e6 = 100 (100.03), + 500 = 600 */
	{ "B2 B", OVC_BADNESS_PERMILLE, 300000, 0, 100, 500, 0, 600 },
	/* 150 - 30 = 120 */
	{ "B2 C", OVC_BADNESS_PERMILLE, 450000, 0, 488, 0, 1, 120 },
	/* clamps: 150 + 1000 -> 1000; 150 - 1000 -> 1 */
	{ "B2 max", OVC_BADNESS_PERMILLE, 400000, 50000, 488, 1000, 0, 1000 },
	{ "B2 min", OVC_BADNESS_PERMILLE, 400000, 50000, 488, -999, 0, 1 },
	/* B3 3.5: pages; B: 300,100 + 500 * 3000 = 1,800,100 */
	{ "B3 A", OVC_BADNESS_PAGES, 400000, 50000, 488, 0, 0, 450488 },
	{ "B3 B", OVC_BADNESS_PAGES, 300000, 0, 100, 500, 0, 1800100 },
	/* C: adj 0 - 30 = -30, * 3000 = -90,000: 360,488 */
	{ "B3 C", OVC_BADNESS_PAGES, 450000, 0, 488, 0, 1, 360488 },
	/* B4 3.14: C loses 450,488 * 3 / 100 = 13,514 (13,514.64): 436,974 */
	{ "B4 A", OVC_BADNESS_PAGES_ROOT3, 400000, 50000, 488, 0, 0, 450488 },
	{ "B4 B", OVC_BADNESS_PAGES_ROOT3, 300000, 0, 100, 500, 0, 1800100 },
	{ "B4 C", OVC_BADNESS_PAGES_ROOT3, 450000, 0, 488, 0, 1, 436974 },
	/* B5 4.17 / B6 5.9: no root bonus */
	{ "B5 C", OVC_BADNESS_PAGES_NOROOT, 450000, 0, 488, 0, 1, 450488 },
	{ "B5 B", OVC_BADNESS_PAGES_NOROOT, 300000, 0, 100, 500, 0, 1800100 },
	{ "B6 C", OVC_BADNESS_SIGNED, 450000, 0, 488, 0, 1, 450488 },
	{ "B6 B", OVC_BADNESS_SIGNED, 300000, 0, 100, 500, 0, 1800100 },
	/* B with adj -600: 300,100 - 600 * 3000 = -1,499,900; B5 floors it at 1 */
	{ "B6 B-600", OVC_BADNESS_SIGNED, 300000, 0, 100, -600, 0, -1499900 },
	{ "B5 B-600", OVC_BADNESS_PAGES_NOROOT, 300000, 0, 100, -600, 0, 1 },
	{ "B4 B-600", OVC_BADNESS_PAGES_ROOT3, 300000, 0, 100, -600, 0, 1 },
};

static void test_formula_table(void **state)
{
	(void)state;
	for (size_t i = 0; i < sizeof(formula_rows) / sizeof(formula_rows[0]); i++) {
		const struct formula_row *r = &formula_rows[i];
		struct ovc_badness b = { .rule = r->rule, .totalpages = 3000000, .rss = r->rss,
					 .swapents = r->swap, .pgtables = r->tables, .adj = r->adj,
					 .root = (uint8_t)r->root };
		int64_t got = ovc_oom_badness_formula(&b);

		if (got != r->want || b.points != r->want)
			fail_msg("%s: badness %lld, want %lld", r->name, (long long)got,
				 (long long)r->want);
	}
}

/* The parts are reported: B3 C's root bonus is 30 * 3000, B4 C's 13,514. */
static void test_formula_parts(void **state)
{
	struct ovc_badness b = { .rule = OVC_BADNESS_PAGES, .totalpages = 3000000, .rss = 450000,
				 .pgtables = 488, .root = 1 };

	(void)state;
	ovc_oom_badness_formula(&b);
	assert_int_equal(b.base, 450488);
	assert_int_equal(b.root_bonus, 90000);
	assert_int_equal(b.adj_term, 0);
	b.rule = OVC_BADNESS_PAGES_ROOT3;
	b.adj = 500;
	ovc_oom_badness_formula(&b);
	assert_int_equal(b.root_bonus, 13514);
	assert_int_equal(b.adj_term, 1500000);
	assert_int_equal(b.points, 450488 - 13514 + 1500000);
	b.rule = OVC_BADNESS_PERMILLE;
	ovc_oom_badness_formula(&b);
	assert_int_equal(b.permille, 150);
	assert_int_equal(b.root_bonus, 30);
	assert_int_equal(b.points, 620);	/* 150 - 30 + 500 */
}

/* totalpages below 1000 (a tiny cgroup): adj has no effect from 3.5 on. */
static void test_formula_tiny_limit(void **state)
{
	struct ovc_badness b = { .rule = OVC_BADNESS_SIGNED, .totalpages = 999, .rss = 100,
				 .adj = 1000 };

	(void)state;
	assert_int_equal(ovc_oom_badness_formula(&b), 100);
	b.adj = -1000;
	assert_int_equal(ovc_oom_badness_formula(&b), 100);
}

/* ------------------------------------------------------------------
 * Machines
 */

struct fx {
	struct ovc_machine m;
};

static struct fx fx;

static void boot(const char *kernel, uint64_t ram_mb, uint64_t swap_mb)
{
	struct ovc_config c;
	struct ovc_profile p;

	ovc_config_default(&c);
	c.ram_kb = ram_mb << 10;
	c.swap_kb = swap_mb << 10;
	c.committed_kb = 0;
	c.vm.overcommit_memory = 1;
	assert_int_equal(ovc_profile_for(kernel, &p, NULL), 0);
	assert_int_equal(ovc_machine_init(&fx.m, &c, &p, NULL), 0);
}

static int teardown(void **state)
{
	(void)state;
	ovc_machine_free(&fx.m);
	return 0;
}

static int task(const char *comm, int parent, int admin, int adj)
{
	struct ovc_task_spec s = { .comm = comm, .parent = parent, .uid = admin ? 0 : 1000,
				   .admin = admin, .oom_score_adj = (int16_t)adj };
	int tid;

	assert_int_equal(ovc_task_create(&fx.m, &s, &tid, NULL), 0);
	return tid;
}

/* mmap len bytes private anonymous; touch (write) the first `touch` bytes. */
static void map(int tid, uint64_t len, uint64_t touch)
{
	struct ovc_mmap_req q = { .len = len, .prot = OVC_PROT_READ | OVC_PROT_WRITE,
				  .flags = OVC_MAP_PRIVATE | OVC_MAP_ANONYMOUS };
	struct ovc_result r = { 0 };

	assert_int_equal(ovc_mmap(&fx.m, tid, &q, &r), 0);
	assert_int_equal(r.err, 0);
	if (touch) {
		struct ovc_result t = { 0 };

		assert_int_equal(ovc_touch(&fx.m, tid, r.addr, touch, 1, &t), 0);
		assert_int_equal(t.cause, OVC_CAUSE_NONE);
	}
}

/* §6.11 legacy example, through a machine (HZ = 1000: shift 13): total_vm
 * 100,000 + one child of 20,000: 110,001; 600 s CPU = 600,000 jiffies
 * >> 13 = 73, int_sqrt 8: 13,750; run 86,400 s >> 10 = 84, int_sqrt of
 * int_sqrt(84) = int_sqrt(9) = 3: 4,583; nice 5: 9,166; CAP_SYS_ADMIN:
 * 2,291; oom_adj +2: 9,164. */
static void test_legacy_example(void **state)
{
	struct ovc_badness b;
	int p, c;

	(void)state;
	boot("2.6.32", 4096, 0);
	p = task("parent", -1, 1, 0);
	fx.m.tasks[p].cap_rawio = 0;	/* CAP_SYS_ADMIN only (CAP_SYS_RESOURCE counts the same) */
	fx.m.tasks[p].nice = 5;
	fx.m.tasks[p].cpu_time_ms = 600000;
	map(p, 100000 * 4096ull, 0);
	c = task("child", p, 0, 0);
	map(c, 20000 * 4096ull, 0);
	fx.m.uptime_s = 86400;
	assert_int_equal(ovc_oom_adj_write(&fx.m, p, 2, 0), 0);
	assert_int_equal(ovc_oom_badness(&fx.m, p, -1, 0, &b), 9164);
	assert_int_equal(b.children_vm, 10001);
	assert_int_equal(b.cpu_time, 73);
	assert_int_equal(b.cpu_div, 8);
	assert_int_equal(b.run_time, 84);
	assert_int_equal(b.run_div, 3);
	assert_int_equal(b.cap_div, 4);
	assert_int_equal(b.niced, 1);
	/* oom_score in 2.6.32 is the same badness() */
	assert_int_equal(ovc_oom_score(&fx.m, p), 9164);
	/* CAP_SYS_RAWIO too (root has every capability): another /4, 2,291/4 = 572, << 2 */
	fx.m.tasks[p].cap_rawio = 1;
	assert_int_equal(ovc_oom_badness(&fx.m, p, -1, 0, &b), 2288);
	/* the child: 20,000, started at uptime 0 too: 20,000 >> 0 ... / 3 = 6,666 */
	assert_int_equal(ovc_oom_badness(&fx.m, c, -1, 0, &b), 6666);
}

/* 2.6.32: oom_adj -17 is not a candidate, but /proc/PID/oom_score is still
 * badness() shifted right by 17 (131,072 >> 17 = 1); no mm reads 0. */
static void test_legacy_disabled(void **state)
{
	struct ovc_badness b;
	int p;

	(void)state;
	boot("2.6.32", 4096, 0);
	p = task("p", -1, 0, 0);
	map(p, 512 * MiB, 0);
	assert_int_equal(ovc_oom_adj_write(&fx.m, p, -17, 1), 0);
	assert_int_equal(ovc_oom_badness(&fx.m, p, -1, 0, &b), 0);
	assert_int_equal(b.skip, OVC_OOM_SKIP_ADJ_MIN);
	assert_int_equal(ovc_oom_score(&fx.m, p), 1);
}

/* ------------------------------------------------------------------
 * /proc/PID/oom_score per era. RAM 4 GiB = 1,048,576 pages, swap 1 GiB =
 * 262,144: totalpages 1,310,720, / 1000 = 1310. The task maps and writes
 * 512 MiB = 131,072 pages in one VMA: 256 page-table pages; badness base
 * 131,328.
 */
struct score_row {
	const char *kernel;
	int adj;
	uint64_t want;
};

static const struct score_row score_rows[] = {
	/* 2.6.32: badness() = total_vm = 131,072 (no CPU time, no runtime) */
	{ "2.6.32", 0, 131072 },
	/* 2.6.36: 131,328 * 1000 / 1,310,720 = 100 (100.19) */
	{ "2.6.36", 0, 100 },
	{ "rhel6", 0, 100 },
	/* + 500: 600 */
	{ "2.6.36", 500, 600 },
	/* 3.5+: 131,328 * 1000 / 1,310,720 = 100 */
	{ "3.10", 0, 100 },
	{ "4.19", 0, 100 },
	/* + 500 * 1310 = 786,328; * 1000 / 1,310,720 = 599 (599.92) */
	{ "4.19", 500, 599 },
	/* 5.9+: (1000 + 100) * 2 / 3 = 733; with +500: (1000 + 599) * 2 / 3 = 1066 */
	{ "5.10", 0, 733 },
	{ "6.1", 0, 733 },
	{ "6.1", 500, 1066 },
	/* -1000: not a candidate, 0 (2.6.32: oom_adj -17, 131,072 >> 17 = 1) */
	{ "6.1", -1000, 0 },
	{ "4.19", -1000, 0 },
	{ "2.6.36", -1000, 0 },
	{ "2.6.32", -1000, 1 },
	/* -999 at 5.9: 131,328 - 999 * 1310 = -1,177,362; * 1000 / 1,310,720 = -898;
	 * (1000 - 898) * 2 / 3 = 68 */
	{ "6.1", -999, 68 },
	/* ... and 3.5-5.8 floor it at 1: 1 * 1000 / 1,310,720 = 0 */
	{ "4.19", -999, 0 },
};

static void test_oom_score_table(void **state)
{
	(void)state;
	for (size_t i = 0; i < sizeof(score_rows) / sizeof(score_rows[0]); i++) {
		const struct score_row *r = &score_rows[i];
		int p;
		uint64_t got;

		boot(r->kernel, 4096, 1024);
		p = task("p", -1, 0, r->adj);
		map(p, 512 * MiB, 512 * MiB);
		got = ovc_oom_score(&fx.m, p);
		ovc_machine_free(&fx.m);
		if (got != r->want)
			fail_msg("%s adj %d: oom_score %llu, want %llu", r->kernel, r->adj,
				 (unsigned long long)got, (unsigned long long)r->want);
	}
	boot("6.1", 16, 0);	/* for the teardown */
}

/* 5.9+: an empty task reads 666; init and kernel threads 0; 3.5: 1 -> 0. */
static void test_oom_score_edges(void **state)
{
	struct ovc_task_spec k = { .comm = "kthreadd", .parent = -1, .kthread = 1 };
	struct ovc_task_spec i = { .comm = "init", .pid = 1, .parent = -1 };
	int p, kt, in;

	(void)state;
	boot("6.1", 4096, 1024);
	assert_int_equal(ovc_task_create(&fx.m, &i, &in, NULL), 0);
	assert_int_equal(ovc_task_create(&fx.m, &k, &kt, NULL), 0);
	p = task("empty", -1, 0, 0);
	assert_int_equal(ovc_oom_score(&fx.m, p), 666);
	assert_int_equal(ovc_oom_score(&fx.m, in), 0);
	assert_int_equal(ovc_oom_score(&fx.m, kt), 0);
	ovc_machine_free(&fx.m);
	boot("3.10", 4096, 1024);
	p = task("empty", -1, 0, 0);
	assert_int_equal(ovc_oom_score(&fx.m, p), 0);
}

/* The machine's inputs: rss, swap, page tables from the mm. */
static void test_inputs_from_mm(void **state)
{
	struct ovc_badness b;
	int p;

	(void)state;
	boot("4.19", 4096, 1024);
	p = task("p", -1, 1, 0);
	/* 25,600 resident from a start that is not 2 MiB aligned: 51 PTE
	 * tables, 1 PMD, 1 PUD table; the untouched 412 MiB cost none */
	map(p, 512 * MiB, 100 * MiB);
	assert_int_equal(ovc_oom_badness(&fx.m, p, -1, 1310720, &b), 25600 + 53);
	assert_int_equal(b.rss, 25600);
	assert_int_equal(b.pgtables, 53);
	assert_int_equal(b.root, 1);
	assert_int_equal(b.root_bonus, 0);	/* 4.17+ */
	ovc_machine_free(&fx.m);
	boot("3.14", 4096, 1024);
	p = task("p", -1, 1, 0);
	map(p, 512 * MiB, 100 * MiB);
	/* before 4.0 only PTE tables count: 25,600 + 51 = 25,651;
	 * 25,651 - 25,651 * 3 / 100 (769) = 24,882 */
	assert_int_equal(ovc_oom_badness(&fx.m, p, -1, 1310720, &b), 24882);
	assert_int_equal(b.pgtables, 51);
}

/* ------------------------------------------------------------------
 * oom_adj <-> oom_score_adj (spec §7.3)
 */
static void test_adj_derived(void **state)
{
	static const struct { int adj, score, reads; } rows[] = {
		{ -17, -1000, -17 }, { -16, -941, -15 }, { -1, -58, -0 }, { 1, 58, 0 },
		{ 8, 470, 7 }, { 15, 1000, 15 },
	};
	int p;

	(void)state;
	boot("4.19", 64, 0);
	p = task("p", -1, 0, 0);
	for (size_t i = 0; i < sizeof(rows) / sizeof(rows[0]); i++) {
		assert_int_equal(ovc_oom_adj_write(&fx.m, p, rows[i].adj, 1), 0);
		assert_int_equal(ovc_oom_score_adj_read(&fx.m, p), rows[i].score);
		/* read back: score * 17 / 1000 (1000 -> 15) */
		assert_int_equal(ovc_oom_adj_read(&fx.m, p), rows[i].reads);
	}
	/* score_adj 500 reads 8; -500 reads -8; -999 reads -16; 999 reads 16 */
	assert_int_equal(ovc_oom_score_adj_write(&fx.m, p, 500, 1), 0);
	assert_int_equal(ovc_oom_adj_read(&fx.m, p), 8);
	assert_int_equal(ovc_oom_score_adj_write(&fx.m, p, -500, 1), 0);
	assert_int_equal(ovc_oom_adj_read(&fx.m, p), -8);
	assert_int_equal(ovc_oom_score_adj_write(&fx.m, p, -999, 1), 0);
	assert_int_equal(ovc_oom_adj_read(&fx.m, p), -16);
	assert_int_equal(ovc_oom_score_adj_write(&fx.m, p, 999, 1), 0);
	assert_int_equal(ovc_oom_adj_read(&fx.m, p), 16);
	ovc_machine_free(&fx.m);
	/* ~5.11: capped at 15 */
	boot("6.1", 64, 0);
	p = task("p", -1, 0, 0);
	assert_int_equal(ovc_oom_score_adj_write(&fx.m, p, 999, 1), 0);
	assert_int_equal(ovc_oom_adj_read(&fx.m, p), 15);
}

/* 2.6.36-3.6: both stored; score 500 -> adj 500 * 15 / 1000 = 7;
 * adj 8 -> score 8 * 1000 / 17 = 470, and reads 8 back. */
static void test_adj_both(void **state)
{
	int p;

	(void)state;
	boot("3.5", 64, 0);
	p = task("p", -1, 0, 0);
	assert_int_equal(ovc_oom_score_adj_write(&fx.m, p, 500, 0), 0);
	assert_int_equal(ovc_oom_adj_read(&fx.m, p), 7);
	assert_int_equal(ovc_oom_adj_write(&fx.m, p, 8, 0), 0);
	assert_int_equal(ovc_oom_score_adj_read(&fx.m, p), 470);
	assert_int_equal(ovc_oom_adj_read(&fx.m, p), 8);
	assert_int_equal(ovc_oom_score_adj_write(&fx.m, p, -1000, 1), 0);
	assert_int_equal(ovc_oom_adj_read(&fx.m, p), -17);
}

/* Errors: ranges, lowering without CAP_SYS_RESOURCE, no oom_score_adj in 2.6.32. */
static void test_adj_errors(void **state)
{
	int p;

	(void)state;
	boot("2.6.32", 64, 0);
	p = task("p", -1, 0, 0);
	assert_int_equal(ovc_oom_score_adj_write(&fx.m, p, 100, 1), ENOENT);
	assert_int_equal(ovc_oom_adj_write(&fx.m, p, 16, 1), EINVAL);
	assert_int_equal(ovc_oom_adj_write(&fx.m, p, -18, 1), EINVAL);
	assert_int_equal(ovc_oom_adj_write(&fx.m, p, 3, 0), 0);
	assert_int_equal(ovc_oom_adj_write(&fx.m, p, 2, 0), EACCES);
	assert_int_equal(ovc_oom_adj_read(&fx.m, p), 3);
	assert_int_equal(ovc_oom_adj_write(&fx.m, 99, 2, 0), -OVC_E_STATE);
	ovc_machine_free(&fx.m);
	boot("6.1", 64, 0);
	p = task("p", -1, 0, 0);
	assert_int_equal(ovc_oom_score_adj_write(&fx.m, p, 1001, 1), EINVAL);
	assert_int_equal(ovc_oom_score_adj_write(&fx.m, p, 300, 0), 0);
	assert_int_equal(ovc_oom_score_adj_write(&fx.m, p, 0, 0), 0);	/* back to min 0 */
	assert_int_equal(ovc_oom_score_adj_write(&fx.m, p, -1, 0), EACCES);
	/* privileged: sets oom_score_adj_min, so the task may not go lower alone */
	assert_int_equal(ovc_oom_score_adj_write(&fx.m, p, -500, 1), 0);
	assert_int_equal(ovc_oom_score_adj_write(&fx.m, p, -400, 0), 0);
	assert_int_equal(ovc_oom_score_adj_write(&fx.m, p, -600, 0), EACCES);
	/* oom_adj lowering compares with the current score_adj (-400): -8 -> -470 */
	assert_int_equal(ovc_oom_adj_write(&fx.m, p, -8, 0), EACCES);
}

/* 4.8+: a write reaches the other processes on the mm; 4.4 does not. */
static void test_adj_mm_wide(void **state)
{
	struct ovc_result r = { 0 };
	int p, v;

	(void)state;
	boot("4.19", 64, 0);
	p = task("p", -1, 0, 0);
	assert_int_equal(ovc_fork(&fx.m, p, OVC_CLONE_VM, &r), 0);
	v = r.child;
	assert_int_equal(ovc_oom_score_adj_write(&fx.m, p, 300, 0), 0);
	assert_int_equal(fx.m.tasks[v].oom_score_adj, 300);
	ovc_machine_free(&fx.m);
	boot("4.4", 64, 0);
	p = task("p", -1, 0, 0);
	assert_int_equal(ovc_fork(&fx.m, p, OVC_CLONE_VM, &r), 0);
	v = r.child;
	assert_int_equal(ovc_oom_score_adj_write(&fx.m, p, 300, 0), 0);
	assert_int_equal(fx.m.tasks[v].oom_score_adj, 0);
}

static int setup_none(void **state)
{
	(void)state;
	memset(&fx, 0, sizeof(fx));
	return 0;
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_formula_table),
		cmocka_unit_test(test_formula_parts),
		cmocka_unit_test(test_formula_tiny_limit),
		cmocka_unit_test_setup_teardown(test_legacy_example, setup_none, teardown),
		cmocka_unit_test_setup_teardown(test_legacy_disabled, setup_none, teardown),
		cmocka_unit_test_setup_teardown(test_oom_score_table, setup_none, teardown),
		cmocka_unit_test_setup_teardown(test_oom_score_edges, setup_none, teardown),
		cmocka_unit_test_setup_teardown(test_inputs_from_mm, setup_none, teardown),
		cmocka_unit_test_setup_teardown(test_adj_derived, setup_none, teardown),
		cmocka_unit_test_setup_teardown(test_adj_both, setup_none, teardown),
		cmocka_unit_test_setup_teardown(test_adj_errors, setup_none, teardown),
		cmocka_unit_test_setup_teardown(test_adj_mm_wide, setup_none, teardown),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
