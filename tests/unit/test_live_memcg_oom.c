/* test_live_memcg_oom.c - each limited cgroup's own OOM on the fixture trees of tests/fixtures/{proc,sys}/memcg-*. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>

#include <cmocka.h>

#include "live/live.h"

/* Run from the repository root (tests/run-unit.sh is). The trees and
 * their numbers: tests/fixtures/sys/README.md. */
#define PROC "tests/fixtures/proc/"
#define SYS "tests/fixtures/sys/"

static void load(const char *tree, struct ovc_live_snap *s)
{
	char proc[128], sys[128];
	struct ovc_err e = { 0 };

	snprintf(proc, sizeof(proc), PROC "%s", tree);
	snprintf(sys, sizeof(sys), SYS "%s", tree);
	assert_int_equal(ovc_live_read(proc, s, &e), 0);
	assert_int_equal(ovc_live_read_memcgs(sys, s, &e), 0);
}

static void analyze(const struct ovc_live_snap *s, struct ovc_live_report *r)
{
	struct ovc_err e = { 0 };

	assert_int_equal(ovc_live_analyze(s, NULL, 0, r, &e), 0);
}

static const struct ovc_live_memcg_oom *oom_of(const struct ovc_live_snap *s,
					       const struct ovc_live_report *r, const char *path)
{
	int cg = ovc_live_memcg_find(s, path);

	assert_true(cg >= 0);
	return ovc_live_memcg_oom_of(r, cg);
}

static const char *path_of(const struct ovc_live_snap *s, int cg)
{
	return cg >= 0 ? s->memcgs[cg].path : "(none)";
}

/* v2: /lxc/web (1 GiB, swap.max 256 MiB, oom.group) and redis.service
 * (512 MiB, swap.max 0) are the limited cgroups; the others are not. */
static void test_v2_web(void **state)
{
	struct ovc_live_snap s;
	struct ovc_live_report r;
	const struct ovc_live_memcg_oom *o;

	(void)state;
	load("memcg-v2", &s);
	analyze(&s, &r);
	assert_int_equal(r.nmemcg_ooms, 2);
	assert_null(oom_of(&s, &r, "/lxc/web/app"));	/* no limit of its own */
	assert_null(oom_of(&s, &r, "/"));
	o = oom_of(&s, &r, "/lxc/web");
	assert_non_null(o);
	/* mem_cgroup_get_max: 262,144 pages + min(swap.max 65,536, total
	 * swap 524,287) with vm.swappiness 60 */
	assert_int_equal(o->totalpages, 262144 + 65536);
	/* the subtree holds 300 and 600 (in /lxc/web/app), nothing else */
	assert_int_equal(o->nrows, 2);
	assert_int_equal(o->rows[0].p->pid, 600);
	assert_int_equal(o->rows[1].p->pid, 300);
	assert_int_equal(o->chosen, 0);
	/* 600: (196,608 + 6,144) kB / 4 = 50,688 pages + VmPTE 420 kB = 105 */
	assert_int_equal(o->rows[0].badness.points, 50688 + 105);
	/* the 5.9+ oom_score over the cgroup's totalpages:
	 * (1000 + 50,793,000 / 327,680 = 155) * 2 / 3 = 770 (the kernel's
	 * global oom_score of it is 671) */
	assert_int_equal(o->rows[0].model_oom_score, 770);
	assert_int_equal(o->rows[0].p->oom_score, 671);
	/* 300: 1,640 kB / 4 = 410 + 12 = 422; (1000 + 1) * 2 / 3 = 667 */
	assert_int_equal(o->rows[1].badness.points, 422);
	assert_int_equal(o->rows[1].model_oom_score, 667);
	/* oom.group is set on /lxc/web, not on app: the victim's group is
	 * the highest one up to the OOM's cgroup */
	assert_string_equal(path_of(&s, o->group), "/lxc/web");
	assert_int_equal(o->kill_disabled, 0);
	/* the global victim is 600 too, and it takes /lxc/web with it */
	assert_int_equal(r.rows[r.chosen].p->pid, 600);
	assert_string_equal(path_of(&s, r.chosen_group), "/lxc/web");
	ovc_live_report_free(&r);
	ovc_live_snap_free(&s);
}

/* redis.service: swap.max 0 keeps swap out of totalpages, and its
 * oom_score_adj -500 weighs -500 * (131,072 / 1000 = 131) pages. */
static void test_v2_redis(void **state)
{
	struct ovc_live_snap s;
	struct ovc_live_report r;
	const struct ovc_live_memcg_oom *o;
	const struct ovc_badness *b;

	(void)state;
	load("memcg-v2", &s);
	analyze(&s, &r);
	o = oom_of(&s, &r, "/system.slice/redis.service");
	assert_non_null(o);
	assert_int_equal(o->totalpages, 131072);
	assert_int_equal(o->nrows, 1);
	b = &o->rows[0].badness;
	assert_int_equal(o->rows[0].p->pid, 512);
	assert_int_equal(b->adj, -500);
	assert_int_equal(b->points, (int64_t)(b->rss + b->swapents + b->pgtables) - 500 * 131);
	/* a negative score is still chosen: only LONG_MIN is skipped */
	assert_true(b->points < 0);
	assert_int_equal(o->chosen, 0);
	assert_int_equal(o->group, -1);
	ovc_live_report_free(&r);
	ovc_live_snap_free(&s);
}

/* vm.swappiness 0 (v2 has no cgroup swappiness): no swap in totalpages. */
static void test_v2_swappiness_zero(void **state)
{
	struct ovc_live_snap s;
	struct ovc_live_report r;

	(void)state;
	load("memcg-v2", &s);
	s.vm_swappiness = 0;
	analyze(&s, &r);
	assert_int_equal(oom_of(&s, &r, "/lxc/web")->totalpages, 262144);
	ovc_live_report_free(&r);
	ovc_live_snap_free(&s);
}

/* Before 4.19 there is no memory.oom.group: the victim dies alone. */
static void test_v2_group_era(void **state)
{
	struct ovc_live_snap s;
	struct ovc_live_report r;

	(void)state;
	load("memcg-v2", &s);
	snprintf(s.release, sizeof(s.release), "4.14.0");
	analyze(&s, &r);
	assert_int_equal(oom_of(&s, &r, "/lxc/web")->group, -1);
	assert_int_equal(r.chosen_group, -1);
	snprintf(s.release, sizeof(s.release), "4.19.0");
	ovc_live_report_free(&r);
	analyze(&s, &r);
	assert_string_equal(path_of(&s, oom_of(&s, &r, "/lxc/web")->group), "/lxc/web");
	ovc_live_report_free(&r);
	ovc_live_snap_free(&s);
}

/* v1: the swap a cgroup may use is memsw.limit - limit; redis's
 * swappiness 10 still lets it in, but its memsw limit equals its limit;
 * session-2.scope has oom_kill_disable; v1 has no oom.group. */
static void test_v1(void **state)
{
	struct ovc_live_snap s;
	struct ovc_live_report r;
	const struct ovc_live_memcg_oom *o;

	(void)state;
	load("memcg-v1", &s);
	analyze(&s, &r);
	assert_int_equal(r.nmemcg_ooms, 3);
	/* 1,342,177,280 - 1,073,741,824 bytes = 65,536 pages of swap */
	o = oom_of(&s, &r, "/lxc/web");
	assert_int_equal(o->totalpages, 262144 + 65536);
	assert_int_equal(o->rows[o->chosen].p->pid, 600);
	assert_int_equal(o->group, -1);
	assert_int_equal(oom_of(&s, &r, "/system.slice/redis.service")->totalpages, 131072);
	o = oom_of(&s, &r, "/user.slice/user-1000.slice/session-2.scope");
	assert_int_equal(o->totalpages, 65536);
	assert_int_equal(o->kill_disabled, 1);
	assert_int_equal(o->chosen, -1);
	assert_int_equal(r.chosen_group, -1);
	ovc_live_report_free(&r);
	ovc_live_snap_free(&s);
}

/* Without cgroups (a snapshot of /proc alone) nothing is limited. */
static void test_no_memcgs(void **state)
{
	struct ovc_live_snap s;
	struct ovc_live_report r;
	struct ovc_err e = { 0 };

	(void)state;
	assert_int_equal(ovc_live_read(PROC "memcg-v2", &s, &e), 0);
	analyze(&s, &r);
	assert_int_equal(r.nmemcg_ooms, 0);
	assert_int_equal(r.chosen_group, -1);
	assert_true(r.chosen >= 0);
	ovc_live_report_free(&r);
	ovc_live_snap_free(&s);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_v2_web),
		cmocka_unit_test(test_v2_redis),
		cmocka_unit_test(test_v2_swappiness_zero),
		cmocka_unit_test(test_v2_group_era),
		cmocka_unit_test(test_v1),
		cmocka_unit_test(test_no_memcgs),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
