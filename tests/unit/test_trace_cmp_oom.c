/* test_trace_cmp_oom.c - the OOM part of a kernel's trace against the model's: victims by name (selected ones in order, mm sharers as a set), rank lines paired by line and task name, oom_score within the slack, the chosen task, and how the report shows them. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <cmocka.h>

#include "ovc/profile.h"
#include "ovc/trace.h"
#include "ovc/trace_cmp.h"
#include "render/cmp_text.h"

#define LIMIT	240648u		/* 6.1 guest, 512M, ratio 50 */
#define TP	120324u		/* its totalpages: 481296 kB of RAM, no swap */

static const struct ovc_cmp_opts exact = { .ncpus = 1, .meminfo_exact = 1 };

/* A trace of two steps: line 20 (touch, the OOM) and line 22. */
static void trace2(struct ovc_trace *t, const char *kernel)
{
	static const unsigned lines[] = { 20, 22 };

	ovc_trace_init(t, "t.ovc", kernel);
	t->page_size = 4096;
	t->ncpus = 1;
	t->start.commit_limit = t->end.commit_limit = LIMIT;
	for (size_t i = 0; i < 2; i++) {
		struct ovc_step *s = ovc_trace_step(t, lines[i], "touch big", "touch", "app");

		assert_non_null(s);
		s->commit_limit_kb = LIMIT;
		if (i == 0)
			s->res.cause = OVC_CAUSE_OOM;
	}
}

/* Victims on the first step: "name", "name/s" (a sharer), "name/g" (an
 * oom.group member), "name/G" (the first victim again, as a group
 * member: same pid); "-" is unnamed. */
static void victims(struct ovc_trace *t, const char *const *v, size_t n)
{
	size_t last = t->nsteps;

	t->nsteps = 1;		/* ovc_trace_victim adds to the last step */
	for (size_t i = 0; i < n; i++) {
		char name[32];
		size_t len = strlen(v[i]);
		char how = len > 2 && v[i][len - 2] == '/' ? v[i][len - 1] : 0;
		enum ovc_oom_kill_reason why = how == 's' ? OVC_OOM_KILL_SHARER :
			how ? OVC_OOM_KILL_GROUP : OVC_OOM_KILL_VICTIM;

		snprintf(name, sizeof(name), "%.*s", (int)(how ? len - 2 : len), v[i]);
		assert_int_equal(ovc_trace_victim(t, strcmp(name, "-") ? name : NULL,
						  how == 'G' ? 100 : 100 + (int)i, why), 0);
	}
	t->nsteps = last;
}

static unsigned victim_diff(const char *const *k, size_t nk, const char *const *m, size_t nm)
{
	struct ovc_trace kt, mt;
	struct ovc_cmp c;
	unsigned d;

	trace2(&kt, "6.1");
	trace2(&mt, "6.1");
	victims(&kt, k, nk);
	victims(&mt, m, nm);
	assert_int_equal(ovc_trace_cmp(&kt, &mt, &exact, 1, &c), 0);
	d = c.rows[0].diff;
	assert_int_equal(c.rows[1].diff, 0);
	assert_int_equal(ovc_cmp_match(&c), d == 0);
	ovc_cmp_free(&c);
	ovc_trace_free(&kt);
	ovc_trace_free(&mt);
	return d;
}

#define N(a) (sizeof(a) / sizeof((a)[0]))

static void test_victims(void **state)
{
	static const char *const app[] = { "app" }, *const kid[] = { "kid" };
	static const char *const app_kid[] = { "app", "kid" }, *const kid_app[] = { "kid", "app" };
	/* the kernel logs app, then finds vk and th dead (its mm sharers) */
	static const char *const k_sh[] = { "app", "vk/s", "th/s" };
	static const char *const m_sh[] = { "app", "th/s", "vk/s" };	/* the model's order */
	static const char *const m_swap[] = { "vk", "app/s", "th/s" };	/* vk selected instead */
	static const char *const k_dup[] = { "app", "x/s", "x/s" }, *const m_dup[] = { "app", "x/s", "y/s" };
	static const char *const unnamed[] = { "-" };
	/* the kernel logs the victim again in its group; the reader keeps it
	 * once, the model records it twice when it is the faulting task */
	static const char *const k_grp[] = { "app", "kid/g" }, *const m_grp[] = { "app", "app/G", "kid/g" };
	static const char *const m_grp2[] = { "app", "app/g", "kid/g" };	/* another "app": a kill */

	(void)state;
	assert_int_equal(victim_diff(app, 1, app, 1), 0);
	assert_int_equal(victim_diff(app, 1, kid, 1), OVC_CMP_VICTIM);
	assert_int_equal(victim_diff(app, 1, NULL, 0), OVC_CMP_VICTIM);	/* the model killed none */
	assert_int_equal(victim_diff(app_kid, 2, kid_app, 2), OVC_CMP_VICTIM);	/* kill order */
	assert_int_equal(victim_diff(app_kid, 2, app, 1), OVC_CMP_VICTIM);
	assert_int_equal(victim_diff(k_sh, 3, m_sh, 3), 0);		/* sharers: a set */
	assert_int_equal(victim_diff(k_sh, 3, m_swap, 3), OVC_CMP_VICTIM);
	assert_int_equal(victim_diff(k_dup, 3, m_dup, 3), OVC_CMP_VICTIM);
	assert_int_equal(victim_diff(k_grp, 2, m_grp, 3), 0);
	assert_int_equal(victim_diff(k_grp, 2, m_grp2, 3), OVC_CMP_VICTIM);
	assert_int_equal(victim_diff(unnamed, 1, unnamed, 1), 0);	/* pids differ: not compared */
	assert_int_equal(victim_diff(unnamed, 1, app, 1), OVC_CMP_VICTIM);
	assert_true(ovc_cmp_same_task(NULL, NULL));
	assert_false(ovc_cmp_same_task("app", NULL));
}

/* ---- rank lines ---- */

struct rrow {
	const char *name;	/* NULL: unnamed */
	uint64_t oom_score, rss_anon;
};

/* oom_score by hand (5.9+, totalpages 120324): app has 38400 anon pages
 * and 81 of page tables: 38481 * 1000 / 120324 = 319, (1000 + 319) * 2 / 3
 * = 879; kid 150 pages: 150 * 1000 / 120324 = 1, 1001 * 2 / 3 = 667. */
static const struct rrow base[] = {
	{ "app", 879, 38400 },
	{ "kid", 667, 69 },
	{ NULL, 666, 10 },		/* an unnamed process: never compared */
};

static void add_rank(struct ovc_trace *t, unsigned line, const struct rrow *r, size_t n, int chosen)
{
	struct ovc_oom_candidate rows[8];
	const char *names[8];

	memset(rows, 0, sizeof(rows));
	for (size_t i = 0; i < n; i++) {
		rows[i].pid = 90 + (int)i;
		rows[i].oom_score = r[i].oom_score;
		rows[i].rss_anon = rows[i].rss = r[i].rss_anon;
		rows[i].pgtables_bytes = 81 * 4096;
		names[i] = r[i].name;
	}
	assert_int_equal(ovc_trace_rank(t, line, NULL, TP, chosen, rows, names, n), 0);
}

/* A rank line 21 after step 20, the kernel's rows k, the model's m. */
static struct ovc_cmp rank_cmp(const struct rrow *k, size_t nk, int kc, const struct rrow *m,
			       size_t nm, int mc, const struct ovc_cmp_opts *o,
			       struct ovc_trace *kt, struct ovc_trace *mt)
{
	struct ovc_cmp c;

	trace2(kt, "6.1");
	trace2(mt, "6.1");
	kt->nsteps = mt->nsteps = 1;
	if (nk)
		add_rank(kt, 21, k, nk, kc);
	if (nm)
		add_rank(mt, 21, m, nm, mc);
	kt->nsteps = mt->nsteps = 2;
	assert_int_equal(ovc_trace_cmp(kt, mt, o, 1, &c), 0);
	return c;
}

static void test_rank_same(void **state)
{
	struct ovc_trace kt, mt;
	struct ovc_cmp c = rank_cmp(base, 2, 0, base, 3, 0, &exact, &kt, &mt);

	(void)state;
	assert_int_equal(c.rows[0].diff, 0);
	assert_int_equal(c.rows[0].nranks, 1);
	assert_int_equal(c.rows[0].rank_tasks, 2);	/* app, kid: the unnamed row is left out */
	assert_int_equal(c.rows[0].ranks[0].ntasks, 2);
	assert_string_equal(c.rows[0].ranks[0].real_chosen, "app");
	assert_true(ovc_cmp_match(&c));
	ovc_cmp_free(&c);
	ovc_trace_free(&kt);
	ovc_trace_free(&mt);
}

/* kid's score one unit off: a difference without slack, within a slack of 1. */
static void test_rank_score(void **state)
{
	struct rrow m[3];
	struct ovc_cmp_opts o = exact;
	struct ovc_trace kt, mt;
	struct ovc_cmp c;

	(void)state;
	memcpy(m, base, sizeof(m));
	m[1].oom_score = 668;
	m[2].oom_score = 999;	/* unnamed: not looked at */
	c = rank_cmp(base, 3, 0, m, 3, 0, &exact, &kt, &mt);
	assert_int_equal(c.rows[0].diff, OVC_CMP_RANK);
	assert_int_equal(c.rows[0].rank_differ, 1);
	assert_true(c.rows[0].ranks[0].tasks[1].differs);
	assert_false(c.rows[0].ranks[0].tasks[0].differs);
	assert_int_equal(c.differ, 1);
	ovc_cmp_free(&c);
	ovc_trace_free(&kt);
	ovc_trace_free(&mt);
	o.score_slack = 1;
	c = rank_cmp(base, 3, 0, m, 3, 0, &o, &kt, &mt);
	assert_int_equal(c.rows[0].diff, 0);
	assert_true(c.rows[0].ranks[0].tasks[1].slack);
	ovc_cmp_free(&c);
	ovc_trace_free(&kt);
	ovc_trace_free(&mt);
	m[1].oom_score = 669;	/* 2 off: beyond a slack of 1 */
	c = rank_cmp(base, 3, 0, m, 3, 0, &o, &kt, &mt);
	assert_int_equal(c.rows[0].diff, OVC_CMP_RANK);
	ovc_cmp_free(&c);
	ovc_trace_free(&kt);
	ovc_trace_free(&mt);
}

/* A named task on one side only; the record on one side only. */
static void test_rank_missing(void **state)
{
	static const struct rrow kid_app[] = { { "kid", 667, 69 }, { "app", 879, 38400 } };
	struct ovc_trace kt, mt;
	struct ovc_cmp c;

	(void)state;
	c = rank_cmp(base, 2, 0, base, 1, 0, &exact, &kt, &mt);	/* the model lacks kid */
	assert_int_equal(c.rows[0].diff, OVC_CMP_RANK);
	assert_int_equal(c.rows[0].ranks[0].compared, 1);
	assert_null(c.rows[0].ranks[0].tasks[1].model);
	ovc_cmp_free(&c);
	ovc_trace_free(&kt);
	ovc_trace_free(&mt);
	c = rank_cmp(base, 1, 0, base, 2, 0, &exact, &kt, &mt);	/* the kernel lacks kid */
	assert_int_equal(c.rows[0].diff, OVC_CMP_RANK);
	assert_int_equal(c.rows[0].ranks[0].ntasks, 2);
	assert_null(c.rows[0].ranks[0].tasks[1].real);
	ovc_cmp_free(&c);
	ovc_trace_free(&kt);
	ovc_trace_free(&mt);
	c = rank_cmp(base, 2, 0, kid_app, 2, 1, &exact, &kt, &mt);	/* other order: by name */
	assert_int_equal(c.rows[0].diff, 0);
	ovc_cmp_free(&c);
	ovc_trace_free(&kt);
	ovc_trace_free(&mt);
	c = rank_cmp(NULL, 0, -1, base, 2, 0, &exact, &kt, &mt);	/* only the model ranked */
	assert_int_equal(c.rows[0].diff, OVC_CMP_RANK);
	assert_null(c.rows[0].ranks[0].real);
	ovc_cmp_free(&c);
	ovc_trace_free(&kt);
	ovc_trace_free(&mt);
}

/* The kernel's choice (the unique highest oom_score) must be the model's. */
static void test_rank_chosen(void **state)
{
	struct ovc_trace kt, mt;
	struct ovc_cmp c;

	(void)state;
	c = rank_cmp(base, 2, 0, base, 2, 1, &exact, &kt, &mt);
	assert_int_equal(c.rows[0].diff, OVC_CMP_RANK);
	assert_true(c.rows[0].ranks[0].chosen_differs);
	assert_string_equal(c.rows[0].ranks[0].model_chosen, "kid");
	ovc_cmp_free(&c);
	ovc_trace_free(&kt);
	ovc_trace_free(&mt);
	c = rank_cmp(base, 2, 0, base, 2, -1, &exact, &kt, &mt);	/* the model chose none */
	assert_true(c.rows[0].ranks[0].chosen_differs);
	ovc_cmp_free(&c);
	ovc_trace_free(&kt);
	ovc_trace_free(&mt);
	c = rank_cmp(base, 2, -1, base, 2, 1, &exact, &kt, &mt);	/* a tie: the kernel says nothing */
	assert_int_equal(c.rows[0].diff, 0);
	ovc_cmp_free(&c);
	ovc_trace_free(&kt);
	ovc_trace_free(&mt);
	c = rank_cmp(base, 3, 2, base, 3, 2, &exact, &kt, &mt);	/* unnamed on both sides */
	assert_int_equal(c.rows[0].diff, 0);
	assert_null(c.rows[0].ranks[0].real_chosen);
	ovc_cmp_free(&c);
	ovc_trace_free(&kt);
	ovc_trace_free(&mt);
}

/* A rank line before any step: the start carries OVC_CMP_RANK. */
static void test_rank_start(void **state)
{
	struct rrow m[2];
	struct ovc_trace kt, mt;
	struct ovc_cmp c;

	(void)state;
	memcpy(m, base, sizeof(m));
	m[0].oom_score = 700;
	ovc_trace_init(&kt, "t.ovc", "6.1");
	ovc_trace_init(&mt, "t.ovc", "6.1");
	add_rank(&kt, 5, base, 2, 0);
	add_rank(&mt, 5, m, 2, 0);
	assert_int_equal(ovc_trace_cmp(&kt, &mt, &exact, 1, &c), 0);
	assert_int_equal(c.nstart_ranks, 1);
	assert_int_equal(c.start.diff, OVC_CMP_RANK);
	assert_int_equal(c.differ, 0);
	assert_false(ovc_cmp_match(&c));
	ovc_cmp_free(&c);
	ovc_trace_free(&mt);
	ovc_trace_init(&mt, "t.ovc", "6.1");	/* the same rank now */
	add_rank(&mt, 5, base, 2, 0);
	assert_int_equal(ovc_trace_cmp(&kt, &mt, &exact, 1, &c), 0);
	assert_true(ovc_cmp_match(&c));
	ovc_cmp_free(&c);
	ovc_trace_free(&kt);
	ovc_trace_free(&mt);
}

/* The bound by hand (totalpages 120324):
 *   5.9+: 64 pages: ceil(128000 / 360972) = 1, + 1 = 2;
 *         1000 pages: ceil(2000000 / 360972) = ceil(5.54) = 6, + 1 = 7
 *         (the score really moves by at most ceil(ceil(8.31) * 2 / 3) = 6);
 *   per mille: 1000 pages: ceil(1000000 / 120324) = 9, + 1 = 10;
 *   2.6.32: the pages themselves; 0 pages: 0 in every era. */
static void test_score_slack(void **state)
{
	struct ovc_profile p;
	struct ovc_cmp_opts o;

	(void)state;
	assert_int_equal(ovc_cmp_score_slack(OVC_SCORE_SHIFTED, 64, TP), 2);
	assert_int_equal(ovc_cmp_score_slack(OVC_SCORE_SHIFTED, 1000, TP), 7);
	assert_int_equal(ovc_cmp_score_slack(OVC_SCORE_SCALED, 1000, TP), 10);
	assert_int_equal(ovc_cmp_score_slack(OVC_SCORE_PERMILLE, 1000, TP), 10);
	assert_int_equal(ovc_cmp_score_slack(OVC_SCORE_RAW, 1000, TP), 1000);
	assert_int_equal(ovc_cmp_score_slack(OVC_SCORE_SHIFTED, 0, TP), 0);
	assert_int_equal(ovc_cmp_score_slack(OVC_SCORE_SHIFTED, 5, 0), 5 * 2000 / 3 + 1 + 1);
	assert_int_equal(ovc_cmp_score_slack(OVC_SCORE_SHIFTED, UINT64_MAX, TP), UINT64_MAX);
	assert_int_equal(ovc_profile_for("6.12", &p, NULL), 0);
	/* 6.12, 1 CPU: batch max(32, 2) = 32, 31 pages of each of 4 counters
	 * unfolded = 124; ceil(124 * 2000 / (3 * 120324)) + 1 = 2 */
	ovc_cmp_opts_for(&o, &p, 481296, 1, 4096);
	assert_int_equal(o.rss_slack_pages, 124);
	assert_int_equal(o.score_slack, 2);
	/* 20 CPUs: batch 40, 20 * 39 * 4 = 3120 */
	ovc_cmp_opts_for(&o, &p, 481296, 20, 4096);
	assert_int_equal(o.rss_slack_pages, 3120);
	/* 6.1: the tasks fold their counters before /proc is read */
	assert_int_equal(ovc_profile_for("6.1", &p, NULL), 0);
	ovc_cmp_opts_for(&o, &p, 481296, 1, 4096);
	assert_int_equal(o.rss_slack_pages, 0);
	assert_int_equal(o.score_slack, 0);
}

/* ---- the report ---- */

static char *report(const struct ovc_trace *k, const struct ovc_trace *m, const struct ovc_cmp *c,
		    unsigned flags)
{
	char *buf = NULL;
	size_t len = 0;
	FILE *f = open_memstream(&buf, &len);

	assert_non_null(f);
	assert_int_equal(ovc_render_cmp_text(f, k, m, c, flags), 0);
	fclose(f);
	return buf;
}

static void test_report(void **state)
{
	static const char *const app[] = { "app" }, *const kid[] = { "kid" };
	struct rrow m[2];
	struct ovc_trace kt, mt;
	struct ovc_cmp c;
	char *out;

	(void)state;
	memcpy(m, base, sizeof(m));
	m[1].oom_score = 668;
	m[1].rss_anon = 70;
	c = rank_cmp(base, 2, 0, m, 2, 0, &exact, &kt, &mt);
	ovc_cmp_free(&c);
	victims(&kt, app, 1);
	victims(&mt, kid, 1);
	assert_int_equal(ovc_trace_cmp(&kt, &mt, &exact, 1, &c), 0);
	assert_int_equal(c.rows[0].diff, OVC_CMP_VICTIM | OVC_CMP_RANK);
	out = report(&kt, &mt, &c, 0);
	assert_non_null(strstr(out, "killed: kernel app; model kid  <- differs"));
	assert_non_null(strstr(out, "OOM victims   kernel app"));
	assert_non_null(strstr(out, "line 21: rank (after line 20)  <- differs"));
	assert_non_null(strstr(out, "2 tasks compared, 1 differ"));
	/* kid's model side: score and rss_anon marked, then the verdict */
	assert_non_null(strstr(out, "668*         70*          0 "));
	assert_non_null(strstr(out, "chosen: kernel app, model app\n"));
	assert_non_null(strstr(out, "compare: 2 steps, 1 differ\n"));
	free(out);
	ovc_cmp_free(&c);
	ovc_trace_free(&kt);
	ovc_trace_free(&mt);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_victims),
		cmocka_unit_test(test_rank_same),
		cmocka_unit_test(test_rank_score),
		cmocka_unit_test(test_rank_missing),
		cmocka_unit_test(test_rank_chosen),
		cmocka_unit_test(test_rank_start),
		cmocka_unit_test(test_score_slack),
		cmocka_unit_test(test_report),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
