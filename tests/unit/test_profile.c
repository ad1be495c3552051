/* test_profile.c - the era tables and ovc_profile_for: version parsing and row choice. */
#include <errno.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>
#include <cmocka.h>

#include "ovc/profile.h"

/* For each version: the era name chosen for every aspect, in the order
 * admission, counter, syscall, watermark, oom, score, report. */
struct pick_row {
	const char *spec;
	unsigned kver;
	const char *era[7];
};

static const struct pick_row pick_rows[] = {
	{ "2.6.32", OVC_KV(2, 6, 32),
	  { "2.6.32", "2.6.32", "2.6.32", "2.6.32", "2.6.32", "2.6.32", "2.6.32" } },
	{ "2.6.32.67", OVC_KV(2, 6, 32),
	  { "2.6.32", "2.6.32", "2.6.32", "2.6.32", "2.6.32", "2.6.32", "2.6.32" } },
	{ "2.6.35", OVC_KV(2, 6, 35),
	  { "2.6.32", "2.6.32", "2.6.32", "2.6.32", "2.6.32", "2.6.32", "2.6.32" } },
	{ "2.6.36", OVC_KV(2, 6, 36),
	  { "2.6.32", "2.6.32", "2.6.32", "2.6.32", "2.6.36", "2.6.36", "2.6.36" } },
	{ "3.0", OVC_KV(3, 0, 0),
	  { "2.6.32", "2.6.32", "2.6.32", "2.6.32", "2.6.37", "2.6.36", "2.6.36" } },
	{ "3.1", OVC_KV(3, 1, 0),
	  { "3.1", "2.6.32", "2.6.32", "2.6.32", "2.6.37", "2.6.36", "2.6.36" } },
	{ "3.10", OVC_KV(3, 10, 0),
	  { "3.10", "2.6.32", "2.6.32", "2.6.32", "3.5", "3.7", "3.7" } },
	{ "3.11", OVC_KV(3, 11, 0),
	  { "3.10", "3.11", "2.6.32", "2.6.32", "3.5", "3.7", "3.7" } },
	{ "3.14", OVC_KV(3, 14, 0),
	  { "3.14", "3.11", "2.6.32", "2.6.32", "3.14", "3.7", "3.7" } },
	{ "3.19.8", OVC_KV(3, 19, 8),
	  { "3.14", "3.11", "2.6.32", "2.6.32", "3.14", "3.7", "3.7" } },
	{ "4.0", OVC_KV(4, 0, 0),
	  { "4.0", "3.11", "2.6.32", "2.6.32", "3.14", "3.7", "4.0" } },
	{ "4.9", OVC_KV(4, 9, 0),
	  { "4.0", "3.11", "4.7", "4.6", "4.8", "3.7", "4.0" } },
	{ "v4.9", OVC_KV(4, 9, 0),
	  { "4.0", "3.11", "4.7", "4.6", "4.8", "3.7", "4.0" } },
	{ "4.9.337", OVC_KV(4, 9, 255),		/* sublevel saturates like KERNEL_VERSION */
	  { "4.0", "3.11", "4.7", "4.6", "4.8", "3.7", "4.0" } },
	{ "4.19", OVC_KV(4, 19, 0),
	  { "4.17", "3.11", "4.7", "4.6", "4.19", "3.7", "4.19" } },
	{ "4.20", OVC_KV(4, 20, 0),
	  { "4.20", "3.11", "4.7", "4.6", "4.19", "3.7", "4.19" } },
	{ "5.2", OVC_KV(5, 2, 0),
	  { "5.2", "3.11", "4.7", "4.6", "5.1", "3.7", "5.1" } },
	{ "5.8", OVC_KV(5, 8, 0),
	  { "5.2", "3.11", "5.7", "5.7", "5.3", "3.7", "5.4" } },
	{ "5.10.228", OVC_KV(5, 10, 228),
	  { "5.2", "5.9", "5.7", "5.7", "5.9", "5.9", "5.4" } },
	{ "6.1.55", OVC_KV(6, 1, 55),
	  { "5.2", "5.9", "5.7", "5.7", "5.16", "5.11", "5.4" } },
	{ "6.1-rc3", OVC_KV(6, 1, 0),
	  { "5.2", "5.9", "5.7", "5.7", "5.16", "5.11", "5.4" } },
	{ "6.8", OVC_KV(6, 8, 0),
	  { "5.2", "5.9", "6.7", "5.7", "5.16", "5.11", "6.8" } },
	{ "6.12", OVC_KV(6, 12, 0),
	  { "5.2", "5.9", "6.12", "5.7", "5.16", "5.11", "6.8" } },
	{ "rhel6", OVC_KV(2, 6, 32),
	  { "rhel6", "2.6.32", "2.6.32", "2.6.32", "rhel6", "rhel6", "rhel6" } },
	{ "RHEL6", OVC_KV(2, 6, 32),
	  { "rhel6", "2.6.32", "2.6.32", "2.6.32", "rhel6", "rhel6", "rhel6" } },
	{ "2.6.32-642.6.2.el6.x86_64", OVC_KV(2, 6, 32),
	  { "rhel6", "2.6.32", "2.6.32", "2.6.32", "rhel6", "rhel6", "rhel6" } },
};

static void test_pick_table(void **state)
{
	size_t i, k;

	(void)state;
	for (i = 0; i < sizeof(pick_rows) / sizeof(pick_rows[0]); i++) {
		const struct pick_row *r = &pick_rows[i];
		struct ovc_profile p;
		struct ovc_err e = { 0 };
		const char *got[7];

		if (ovc_profile_for(r->spec, &p, &e) != 0)
			fail_msg("%s: refused: %s", r->spec, e.msg);
		if (p.kver != r->kver)
			fail_msg("%s: kver %#x, want %#x", r->spec, p.kver, r->kver);
		got[0] = p.admission->era.name;
		got[1] = p.counter->era.name;
		got[2] = p.syscall->era.name;
		got[3] = p.watermark->era.name;
		got[4] = p.oom->era.name;
		got[5] = p.score->era.name;
		got[6] = p.report->era.name;
		for (k = 0; k < 7; k++)
			if (strcmp(got[k], r->era[k]) != 0)
				fail_msg("%s: aspect %zu picked %s, want %s", r->spec, k, got[k], r->era[k]);
	}
}

struct bad_row {
	const char *spec;
	int code;
};

static const struct bad_row bad_rows[] = {
	{ "2.6.31", OVC_E_RANGE },
	{ "2.4", OVC_E_RANGE },
	{ "2.6", OVC_E_RANGE },
	{ "", OVC_E_PARSE },
	{ "abc", OVC_E_PARSE },
	{ "6", OVC_E_PARSE },
	{ "6.", OVC_E_PARSE },
	{ "6.x", OVC_E_PARSE },
	{ "6.1abc", OVC_E_PARSE },
	{ "6.1 ", OVC_E_PARSE },
	{ "4.256", OVC_E_PARSE },
	{ "1234567.1", OVC_E_PARSE },
	{ "rhel7", OVC_E_PARSE },
	{ "-6.1", OVC_E_PARSE },
};

static void test_refusals(void **state)
{
	size_t i;

	(void)state;
	for (i = 0; i < sizeof(bad_rows) / sizeof(bad_rows[0]); i++) {
		struct ovc_profile p;
		struct ovc_err e = { 0 };
		int ret = ovc_profile_for(bad_rows[i].spec, &p, &e);

		if (ret != -bad_rows[i].code || e.code != bad_rows[i].code)
			fail_msg("\"%s\": ret %d code %d, want %d", bad_rows[i].spec, ret, e.code,
				 -bad_rows[i].code);
		if (bad_rows[i].spec[0] && !strstr(e.msg, bad_rows[i].spec))
			fail_msg("\"%s\": message does not quote it: %s", bad_rows[i].spec, e.msg);
	}
	assert_int_equal(ovc_profile_for(NULL, &(struct ovc_profile){ 0 }, NULL), -OVC_E_PARSE);
}

static void test_names(void **state)
{
	struct ovc_profile p;
	char buf[16];

	(void)state;
	assert_int_equal(ovc_profile_for("6.1-rc3", &p, NULL), 0);
	assert_string_equal(p.name, "6.1-rc3");
	assert_int_equal(ovc_profile_for("2.6.32-642.6.2.el6.x86_64", &p, NULL), 0);
	assert_string_equal(p.name, "rhel6");
	/* too long to keep: the normalised version instead */
	assert_int_equal(ovc_profile_for("5.15.0-91-generic-with-a-long-tail", &p, NULL), 0);
	assert_string_equal(p.name, "5.15");
	assert_string_equal(ovc_kver_str(OVC_KV(2, 6, 32), buf, sizeof(buf)), "2.6.32");
	assert_string_equal(ovc_kver_str(OVC_KV(4, 9, 0), buf, sizeof(buf)), "4.9");
	assert_string_equal(ovc_kver_str(OVC_KV(6, 1, 55), buf, sizeof(buf)), "6.1.55");
	assert_string_equal(ovc_kver_str(OVC_KV(6, 1, 55), buf, 4), "6.1");
}

/* The tables themselves: ordered main rows starting at 2.6.32, vendor
 * rows after them, every row explained and sourced. */
static void test_table_shape(void **state)
{
	size_t n, i, k;
	const struct ovc_aspect *a = ovc_profile_aspects(&n);

	(void)state;
	assert_int_equal(n, 8);
	for (i = 0; i < n; i++) {
		assert_non_null(a[i].name);
		assert_non_null(a[i].title);
		assert_true(a[i].vendor >= 1 && a[i].vendor <= a[i].count);
		assert_int_equal(ovc_aspect_row(&a[i], 0)->first, OVC_KV(2, 6, 32));
		assert_null(ovc_aspect_row(&a[i], a[i].count));
		for (k = 0; k < a[i].count; k++) {
			const struct ovc_era *r = ovc_aspect_row(&a[i], k);

			assert_true(strlen(r->change) > 10);
			assert_true(strlen(r->source) > 10);
			assert_non_null(strstr(r->source, "/"));	/* a kernel file */
			if (k >= a[i].vendor)
				assert_string_equal(r->name, "rhel6");
			else if (k > 0 && r->first <= ovc_aspect_row(&a[i], k - 1)->first)
				fail_msg("%s row %zu (%s) out of order", a[i].name, k, r->name);
		}
	}
}

static const struct ovc_aspect *aspect(const char *name)
{
	size_t n, i;
	const struct ovc_aspect *a = ovc_profile_aspects(&n);

	for (i = 0; i < n; i++)
		if (strcmp(a[i].name, name) == 0)
			return &a[i];
	fail_msg("no aspect %s", name);
	return NULL;
}

static void test_columns(void **state)
{
	const struct ovc_aspect *rep = aspect("report"), *adm = aspect("admission");
	const struct ovc_aspect *cnt = aspect("counter");
	struct ovc_profile p;
	size_t k;

	(void)state;
	/* report format = row index, for render/ */
	for (k = 0; k < rep->count; k++) {
		const struct ovc_report_era *r = (const void *)ovc_aspect_row(rep, k);

		assert_int_equal(r->format, k);
	}
	for (k = 0; k < adm->count; k++) {
		const struct ovc_admission_era *r = (const void *)ovc_aspect_row(adm, k);

		assert_non_null(r->guess);
		assert_non_null(r->never);
	}
	for (k = 0; k < cnt->count; k++) {
		const struct ovc_counter_era *r = (const void *)ovc_aspect_row(cnt, k);

		assert_non_null(r->batch);
	}

	/* knobs and arithmetic per era (spec §1.1, §2) */
	assert_int_equal(ovc_profile_for("3.13", &p, NULL), 0);
	assert_int_equal(p.admission->has_kbytes, 0);
	assert_int_equal(p.admission->has_admin_reserve, 1);
	assert_int_equal(p.admission->has_user_reserve, 1);
	assert_int_equal(p.admission->signed_arith, 0);
	assert_int_equal(ovc_profile_for("3.19", &p, NULL), 0);
	assert_int_equal(p.admission->has_kbytes, 1);
	assert_int_equal(p.admission->signed_arith, 0);
	assert_int_equal(ovc_profile_for("4.0", &p, NULL), 0);
	assert_int_equal(p.admission->signed_arith, 1);
	assert_int_equal(p.admission->guess_reclaimable, 0);
	assert_int_equal(ovc_profile_for("4.17", &p, NULL), 0);
	assert_int_equal(p.admission->guess_reclaimable, 1);
	assert_int_equal(ovc_profile_for("rhel6", &p, NULL), 0);
	assert_int_equal(p.admission->has_kbytes, 1);
	assert_int_equal(p.admission->has_admin_reserve, 1);
	assert_int_equal(p.admission->has_user_reserve, 0);
	assert_int_equal(p.oom->badness, OVC_BADNESS_PERMILLE);
	assert_int_equal(p.oom->child_sacrifice, 2);
	assert_int_equal(p.score->rule, OVC_SCORE_PERMILLE);
	assert_int_equal(p.syscall->mremap_commit_errno, EFAULT);
	assert_int_equal(ovc_profile_for("4.1", &p, NULL), 0);
	assert_int_equal(p.syscall->mremap_commit_errno, ENOMEM);
	assert_int_equal(p.syscall->data_rlimit_mmap, 0);
	assert_int_equal(ovc_profile_for("2.6.32", &p, NULL), 0);
	assert_int_equal(p.oom->child_sacrifice, 1);
	assert_int_equal(p.watermark->min_free_max_kb, 65536);
	assert_int_equal(ovc_profile_for("5.7", &p, NULL), 0);
	assert_int_equal(p.watermark->min_free_max_kb, 262144);
	assert_int_equal(ovc_profile_for("5.9", &p, NULL), 0);
	assert_int_equal(p.counter->meminfo_exact, 1);
	assert_int_equal(p.counter->sync_on_never, 1);
	assert_int_equal(p.oom->badness, OVC_BADNESS_SIGNED);
	assert_int_equal(p.oom->ties_last, 1);
	assert_int_equal(ovc_profile_for("4.16", &p, NULL), 0);
	assert_int_equal(p.oom->leader_ties, 1);
	assert_int_equal(p.oom->badness, OVC_BADNESS_PAGES_ROOT3);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_pick_table),
		cmocka_unit_test(test_refusals),
		cmocka_unit_test(test_names),
		cmocka_unit_test(test_table_shape),
		cmocka_unit_test(test_columns),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
