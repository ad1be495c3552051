/* test_trace_cmp.c - a kernel's trace against the model's: pairing by line, exact results and Committed_AS, the per-CPU slack, carried offsets, edges. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>
#include <cmocka.h>

#include <errno.h>

#include "ovc/ops.h"
#include "ovc/profile.h"
#include "ovc/trace.h"
#include "ovc/trace_cmp.h"

/* One step as a row of a table: line, errno (or -1 for OOM), Committed_AS
 * after (kB), its change (pages), CommitLimit (kB). */
struct srow {
	unsigned line;
	int err;
	uint64_t committed_kb;
	int64_t delta;
	uint64_t limit_kb;
};

#define LIMIT	240648u		/* 6.1 guest, 512M, ratio 50 */

static void trace_of(struct ovc_trace *t, const char *kernel, const struct srow *rows, size_t n,
		     uint64_t start_kb)
{
	ovc_trace_init(t, "t.ovc", kernel);
	t->page_size = 4096;
	t->ncpus = 1;
	t->start.committed_as = start_kb;
	t->start.commit_limit = LIMIT;
	for (size_t i = 0; i < n; i++) {
		struct ovc_step *s = ovc_trace_step(t, rows[i].line, "mmap app 1M", "mmap", "app");

		assert_non_null(s);
		s->res.err = rows[i].err < 0 ? 0 : rows[i].err;
		s->res.cause = rows[i].err < 0 ? OVC_CAUSE_OOM :
			       rows[i].err == ENOMEM ? OVC_CAUSE_COMMIT : OVC_CAUSE_NONE;
		s->res.delta = rows[i].delta;
		s->committed_kb = s->committed_exact_kb = rows[i].committed_kb;
		s->commit_limit_kb = rows[i].limit_kb;
	}
	t->end.committed_as = n ? rows[n - 1].committed_kb : start_kb;
	t->end.commit_limit = LIMIT;
}

static const struct ovc_cmp_opts exact = { .ncpus = 1, .meminfo_exact = 1, .edge_slack_kb = 1876 };

/* The run of never-edge.ovc on 6.1: 5048 kB at the start, images 2 x 584. */
static const struct srow kernel_run[] = {
	{ 25, ENOMEM, 6216, 0, LIMIT },
	{ 27, 0, 236548, 57583, LIMIT },	/* 230332 kB */
	{ 29, 0, 236552, 1, LIMIT },
	{ 38, 0, 10312, -57583, LIMIT },	/* munmap below (root's lines left out) */
};

static void test_same(void **state)
{
	struct ovc_trace k, m;
	struct ovc_cmp c;

	(void)state;
	trace_of(&k, "6.1.0-56-cloud-amd64", kernel_run, 4, 6216);
	trace_of(&m, "6.1.0-56-cloud-amd64", kernel_run, 4, 6216);
	assert_int_equal(ovc_trace_cmp(&k, &m, &exact, 1, &c), 0);
	assert_int_equal(c.nrows, 4);
	assert_int_equal(c.paired, 4);
	assert_int_equal(c.differ, 0);
	assert_true(c.end.compared);
	assert_true(ovc_cmp_match(&c));
	assert_int_equal(c.rows[1].real_delta_kb, 230332);	/* 57583 pages x 4 kB */
	ovc_cmp_free(&c);
	ovc_trace_free(&k);
	ovc_trace_free(&m);
}

/* Each row: the model's step at line 27 changed as given; what differs. */
static void test_one_field(void **state)
{
	static const struct {
		const char *name;
		int err;
		uint64_t committed_kb;
		int64_t delta;
		uint64_t limit_kb;
		unsigned diff;
	} cases[] = {
		{ "same", 0, 236548, 57583, LIMIT, 0 },
		{ "refused", ENOMEM, 236548, 57583, LIMIT, OVC_CMP_RESULT },
		{ "OOM", -1, 236548, 57583, LIMIT, OVC_CMP_RESULT },
		{ "one page more", 0, 236552, 57584, LIMIT, OVC_CMP_COMMITTED | OVC_CMP_DELTA },
		{ "same change, off before", 0, 236552, 57583, LIMIT, OVC_CMP_COMMITTED },
		{ "limit", 0, 236548, 57583, LIMIT - 4, OVC_CMP_LIMIT },
	};

	(void)state;
	for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		struct srow mrow[4];
		struct ovc_trace k, m;
		struct ovc_cmp c;

		memcpy(mrow, kernel_run, sizeof(mrow));
		mrow[1].err = cases[i].err;
		mrow[1].committed_kb = cases[i].committed_kb;
		mrow[1].delta = cases[i].delta;
		mrow[1].limit_kb = cases[i].limit_kb;
		trace_of(&k, "6.1", kernel_run, 4, 6216);
		trace_of(&m, "6.1", mrow, 4, 6216);
		assert_int_equal(ovc_trace_cmp(&k, &m, &exact, 1, &c), 0);
		if (c.rows[1].diff != cases[i].diff)
			fail_msg("%s: diff %#x, expected %#x", cases[i].name, c.rows[1].diff, cases[i].diff);
		assert_int_equal(c.differ, cases[i].diff ? 1 : 0);
		assert_int_equal(ovc_cmp_match(&c), cases[i].diff == 0);
		ovc_cmp_free(&c);
		ovc_trace_free(&k);
		ovc_trace_free(&m);
	}
}

/* OOM is one outcome whatever errno the two sides carry with it. */
static void test_oom_is_oom(void **state)
{
	struct srow a[1] = { { 5, -1, 7000, 0, LIMIT } };
	struct ovc_trace k, m;
	struct ovc_cmp c;

	(void)state;
	trace_of(&k, "6.1", a, 1, 7000);
	trace_of(&m, "6.1", a, 1, 7000);
	k.steps[0].res.err = ENOMEM;	/* the kernel's call failed as it was killed */
	assert_int_equal(ovc_trace_cmp(&k, &m, &exact, 1, &c), 0);
	assert_int_equal(c.rows[0].diff, 0);
	ovc_cmp_free(&c);
	ovc_trace_free(&k);
	ovc_trace_free(&m);
}

/* An offset made at one step and carried by the next: the first has the
 * change differing, the second only the absolute value, marked carried. */
static void test_carried(void **state)
{
	struct srow mrow[4];
	struct ovc_trace k, m;
	struct ovc_cmp c;

	(void)state;
	memcpy(mrow, kernel_run, sizeof(mrow));
	mrow[1].committed_kb -= 2048;	/* the model did not charge 2 MB at line 27 */
	mrow[1].delta -= 512;
	mrow[2].committed_kb -= 2048;	/* line 29 agrees on its own change */
	mrow[3].committed_kb -= 2048;
	trace_of(&k, "6.1", kernel_run, 4, 6216);
	trace_of(&m, "6.1", mrow, 4, 6216);
	assert_int_equal(ovc_trace_cmp(&k, &m, &exact, 1, &c), 0);
	assert_int_equal(c.rows[1].diff, OVC_CMP_COMMITTED | OVC_CMP_DELTA);
	assert_false(c.rows[1].carried);
	assert_int_equal(c.rows[1].offset_kb, 2048);
	assert_int_equal(c.rows[2].diff, OVC_CMP_COMMITTED);
	assert_true(c.rows[2].carried);
	assert_true(c.rows[3].carried);
	assert_int_equal(c.differ, 3);
	assert_true(c.end.diff & OVC_CMP_COMMITTED);
	ovc_cmp_free(&c);
	ovc_trace_free(&k);
	ovc_trace_free(&m);
}

/* Before 5.9 the kernel's meminfo is the approximate count: a difference
 * up to the slack is noted, not a mismatch; one page beyond is. */
static void test_slack(void **state)
{
	struct ovc_cmp_opts o = { .ncpus = 4, .committed_slack_kb = 32752 };
	struct srow krow[1] = { { 10, 0, 100000, 2500, LIMIT } };
	struct srow mrow[1] = { { 10, 0, 100000 - 32752, 2500 - 8188, LIMIT } };
	struct ovc_trace k, m;
	struct ovc_cmp c;

	(void)state;
	trace_of(&k, "4.19", krow, 1, 100000 - 10000);
	trace_of(&m, "4.19", mrow, 1, 100000 - 10000);
	assert_int_equal(ovc_trace_cmp(&k, &m, &o, 1, &c), 0);
	assert_int_equal(c.rows[0].diff, 0);
	assert_int_equal(c.rows[0].slack, OVC_CMP_COMMITTED | OVC_CMP_DELTA);
	assert_true(ovc_cmp_match(&c));
	ovc_cmp_free(&c);
	ovc_trace_free(&m);
	mrow[0].committed_kb -= 4;	/* 32756 kB off: one page beyond */
	trace_of(&m, "4.19", mrow, 1, 100000 - 10000);
	assert_int_equal(ovc_trace_cmp(&k, &m, &o, 1, &c), 0);
	assert_int_equal(c.rows[0].diff, OVC_CMP_COMMITTED);
	assert_false(ovc_cmp_match(&c));
	ovc_cmp_free(&c);
	ovc_trace_free(&k);
	ovc_trace_free(&m);
}

/* A line one side ran and the other did not (a run that stopped). */
static void test_missing(void **state)
{
	struct ovc_trace k, m;
	struct ovc_cmp c;

	(void)state;
	trace_of(&k, "6.1", kernel_run, 4, 6216);
	trace_of(&m, "6.1", kernel_run, 2, 6216);	/* the model stopped after line 27 */
	assert_int_equal(ovc_trace_cmp(&k, &m, &exact, 0, &c), 0);
	assert_int_equal(c.nrows, 4);
	assert_int_equal(c.paired, 2);
	assert_int_equal(c.rows[2].diff, OVC_CMP_NO_MODEL);
	assert_null(c.rows[2].model);
	assert_int_equal(c.rows[3].line, 38);
	assert_false(c.end.compared);	/* not complete: the end is not compared */
	assert_false(c.complete);
	ovc_cmp_free(&c);
	assert_int_equal(ovc_trace_cmp(&m, &k, &exact, 0, &c), 0);	/* and the other way */
	assert_int_equal(c.rows[3].diff, OVC_CMP_NO_REAL);
	assert_int_equal(c.differ, 2);
	ovc_cmp_free(&c);
	ovc_trace_free(&k);
	ovc_trace_free(&m);
}

/* Lines interleave: the kernel has 25, 29; the model 25, 27, 29. */
static void test_interleave(void **state)
{
	struct srow kr[2] = { kernel_run[0], kernel_run[2] };
	struct ovc_trace k, m;
	struct ovc_cmp c;

	(void)state;
	trace_of(&k, "6.1", kr, 2, 6216);
	trace_of(&m, "6.1", kernel_run, 3, 6216);
	assert_int_equal(ovc_trace_cmp(&k, &m, &exact, 1, &c), 0);
	assert_int_equal(c.nrows, 3);
	assert_int_equal(c.rows[0].diff, 0);
	assert_int_equal(c.rows[1].line, 27);
	assert_int_equal(c.rows[1].diff, OVC_CMP_NO_REAL);
	assert_int_equal(c.rows[2].line, 29);
	assert_non_null(c.rows[2].real);
	assert_non_null(c.rows[2].model);
	ovc_cmp_free(&c);
	ovc_trace_free(&k);
	ovc_trace_free(&m);
}

/* The start: CommitLimit differs (a reserve or ratio not mirrored). */
static void test_start(void **state)
{
	struct ovc_trace k, m;
	struct ovc_cmp c;

	(void)state;
	trace_of(&k, "6.1", kernel_run, 1, 6216);
	trace_of(&m, "6.1", kernel_run, 1, 6216);
	m.start.commit_limit = LIMIT + 4;
	assert_int_equal(ovc_trace_cmp(&k, &m, &exact, 1, &c), 0);
	assert_int_equal(c.start.diff, OVC_CMP_LIMIT);
	assert_int_equal(c.differ, 0);
	assert_false(ovc_cmp_match(&c));
	ovc_cmp_free(&c);
	ovc_trace_free(&k);
	ovc_trace_free(&m);
}

/* A differing result at a NEVER edge: the model's exact sum was 2 pages
 * (8 kB) from its limit, within 1876 kB = 1 CPU x (470 - 1) pages: hinted.
 * 500 pages (2000 kB) away: not. */
static void test_edge(void **state)
{
	struct srow kr[1] = { { 29, 0, 236552, 1, LIMIT } };
	struct srow mr[1] = { { 29, ENOMEM, 236548, 0, LIMIT } };
	const int64_t away[] = { 2, 500 };
	const int hinted[] = { 1, 0 };

	(void)state;
	for (size_t i = 0; i < 2; i++) {
		struct ovc_trace k, m;
		struct ovc_cmp c;

		trace_of(&k, "6.1", kr, 1, 236548);
		trace_of(&m, "6.1", mr, 1, 236548);
		m.steps[0].res.admitted = 1;
		m.steps[0].res.admit.rule = OVC_ADMIT_NEVER;
		m.steps[0].res.admit.allowed = 59137;
		m.steps[0].res.admit.committed = 59137 + away[i];
		assert_int_equal(ovc_trace_cmp(&k, &m, &exact, 1, &c), 0);
		assert_true(c.rows[0].diff & OVC_CMP_RESULT);
		assert_int_equal(c.rows[0].at_edge, hinted[i]);
		assert_int_equal(c.rows[0].margin_kb, (uint64_t)away[i] * 4);
		ovc_cmp_free(&c);
		ovc_trace_free(&k);
		ovc_trace_free(&m);
	}
}

/* The bounds, from each era's mm_compute_batch (lib/commit.c). */
static void test_opts_for(void **state)
{
	static const struct {
		const char *kernel;
		uint64_t ram_kb;
		unsigned ncpus;
		uint64_t guess, never, committed_slack_kb, edge_slack_kb;
		uint8_t exact;
	} cases[] = {
		/* 481296 kB = 120324 pages; /1/4 = 30081 (GUESS), /1/256 = 470 (NEVER);
		 * meminfo exact: no slack; edge 1 x 469 pages = 1876 kB (as seen in the VM) */
		{ "6.1", 481296, 1, 30081, 470, 0, 1876, 1 },
		/* 2 CPUs: 120324/2/4 = 15040, /2/256 = 235; edge 2 x 234 x 4 = 1872 kB */
		{ "6.12", 481296, 2, 15040, 235, 0, 1872, 1 },
		/* 4.19, 8 GiB = 2097152 pages, 4 CPUs: 2097152/4/256 = 2048 whatever the
		 * policy; meminfo approximate: 4 x 2047 pages = 32752 kB both ways */
		{ "4.19", 8388608, 4, 2048, 2048, 32752, 32752, 0 },
		/* 2.6.32: max(32, 2 x 4) = 32; 4 x 31 x 4 = 496 kB */
		{ "2.6.32", 8388608, 4, 32, 32, 496, 496, 0 },
	};

	(void)state;
	for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		struct ovc_profile p;
		struct ovc_cmp_opts o;

		assert_int_equal(ovc_profile_for(cases[i].kernel, &p, NULL), 0);
		ovc_cmp_opts_for(&o, &p, cases[i].ram_kb, cases[i].ncpus, 4096);
		if (o.batch_guess != cases[i].guess || o.batch_never != cases[i].never ||
		    o.committed_slack_kb != cases[i].committed_slack_kb ||
		    o.edge_slack_kb != cases[i].edge_slack_kb || o.meminfo_exact != cases[i].exact)
			fail_msg("%s: batch %llu/%llu slack %llu edge %llu exact %d", cases[i].kernel,
				 (unsigned long long)o.batch_guess, (unsigned long long)o.batch_never,
				 (unsigned long long)o.committed_slack_kb,
				 (unsigned long long)o.edge_slack_kb, o.meminfo_exact);
		assert_int_equal(o.ncpus, cases[i].ncpus);
	}
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_same),
		cmocka_unit_test(test_one_field),
		cmocka_unit_test(test_oom_is_oom),
		cmocka_unit_test(test_carried),
		cmocka_unit_test(test_slack),
		cmocka_unit_test(test_missing),
		cmocka_unit_test(test_interleave),
		cmocka_unit_test(test_start),
		cmocka_unit_test(test_edge),
		cmocka_unit_test(test_opts_for),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
