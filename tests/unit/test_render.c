/* test_render.c - render/: refusal explanations built from hand-made
 * results (the kernel's arithmetic worked by hand in the comments), and
 * the JSON writer's string escaping and nesting. */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <errno.h>
#include <cmocka.h>

#include "render/render.h"

/* Admission eras as lib/profile.c describes them (only the flags matter). */
static const struct ovc_admission_era era_2_6_32 = {
	.era = { OVC_KV(2, 6, 32), "2.6.32", NULL, NULL },
};
static const struct ovc_admission_era era_3_10 = {
	.era = { OVC_KV(3, 10, 0), "3.10", NULL, NULL },
	.has_admin_reserve = 1, .has_user_reserve = 1,
};
static const struct ovc_admission_era era_4_0 = {
	.era = { OVC_KV(4, 0, 0), "4.0", NULL, NULL },
	.has_kbytes = 1, .has_admin_reserve = 1, .has_user_reserve = 1, .signed_arith = 1,
};

struct explain_case {
	const char *name;
	struct ovc_result res;
	struct ovc_explain_env env;
	const char *want[4];	/* substrings, in order of appearance */
	const char *not_want;	/* a substring that must not appear, or NULL */
};

static const struct explain_case explain_cases[] = {
	/* NEVER, 6.1 (N3). CommitLimit 12061860 kB = 3015465 pages (ratio
	 * part, no swap). allowed = 3015465 - 2048 (admin 8192 kB)
	 * - min(16384/32 = 512, user 32768) = 3012905 pages = 12051620 kB.
	 * Committed after the 1-page request: 3015466 pages = 12061864 kB,
	 * not below 12051620 kB: refused. */
	{ "never 6.1",
	  { .err = ENOMEM, .cause = OVC_CAUSE_COMMIT, .admitted = 1,
	    .admit = { .rule = OVC_ADMIT_NEVER, .era = "4.0", .policy = 2, .pages = 1,
		       .committed = 3015466, .seen = 3015466, .limit = 3015465,
		       .ram_part = 3015465, .swap_part = 0, .admin_cut = 2048,
		       .total_vm = 16384, .user_cut = 512, .allowed = 3012905 } },
	  { .page_size = 4096, .kver = OVC_KV(6, 1, 0), .op = "mmap", .admission = &era_4_0 },
	  { "mmap: mmap_region (mm/mmap.c) -> __vm_enough_memory (mm/util.c) refused 1 page (4 kB)",
	    "under vm.overcommit_memory=2 (never)",
	    "Committed_AS 12061864 kB (after adding this 4 kB request) is not below the limit 12051620 kB"
	    " = CommitLimit 12061860 kB (RAM share 12061860 kB + SwapTotal 0 kB) - admin reserve 8192 kB"
	    " - min(total_vm/32 = 2048 kB, vm.user_reserve_kbytes).",
	    NULL },
	  "per-CPU" },
	/* NEVER, 3.10 (N3), user reserve smaller than total_vm/32:
	 * total_vm 2097152 pages (8 GiB) -> /32 = 65536 pages > user reserve
	 * 32768 pages (131072 kB), so 32768 is cut. */
	{ "never 3.10 user reserve",
	  { .err = ENOMEM, .cause = OVC_CAUSE_COMMIT, .admitted = 1,
	    .admit = { .rule = OVC_ADMIT_NEVER, .era = "3.10", .policy = 2, .pages = 256,
		       .committed = 2000000, .seen = 2000000, .limit = 2000000,
		       .ram_part = 1000000, .swap_part = 1000000, .admin_cut = 2048,
		       .total_vm = 2097152, .user_cut = 32768, .allowed = 1965184 } },
	  { .page_size = 4096, .kver = OVC_KV(3, 10, 0), .op = "mmap", .admission = &era_3_10 },
	  { "__vm_enough_memory (mm/mmap.c)",
	    "is not below the limit 7860736 kB = CommitLimit 8000000 kB (RAM share 4000000 kB"
	    " + SwapTotal 4000000 kB) - admin reserve 8192 kB"
	    " - min(total_vm/32 = 262144 kB, user_reserve 131072 kB).",
	    NULL, NULL },
	  NULL },
	/* NEVER, 2.6.32 (N1), kernel-spec §3.9: totalram 2,000,000 pages,
	 * ratio 50 -> 1,000,000; -1/32 = 31,250; +swap 1,000,000;
	 * -total_vm/32 = 500,000/32 = 15,625: allowed 1,953,125 pages =
	 * 7,812,500 kB. The approximate counter read 1,953,125 (not below),
	 * the exact sum is 1,953,200 pages = 7,812,800 kB. A fork whose
	 * third VMA was refused: two were charged before it. */
	{ "never 2.6.32 fork",
	  { .err = ENOMEM, .cause = OVC_CAUSE_COMMIT, .admitted = 3,
	    .vma_start = 0x7f0000000, .vma_pages = 3840,
	    .admit = { .rule = OVC_ADMIT_NEVER, .era = "2.6.32", .policy = 2, .pages = 3840,
		       .committed = 1953200, .seen = 1953125, .limit = 2000000,
		       .ram_part = 1000000, .swap_part = 1000000, .admin_cut = 31250,
		       .total_vm = 500000, .user_cut = 15625, .allowed = 1953125 } },
	  { .page_size = 4096, .kver = OVC_KV(2, 6, 32), .op = "fork", .admission = &era_2_6_32 },
	  { "fork: dup_mmap (kernel/fork.c) -> __vm_enough_memory (mm/mmap.c) refused 3840 pages"
	    " (15360 kB, 15.0 MiB) for the VMA 0x7f0000000000-0x7f0000f00000 under",
	    "Committed_AS 7812500 kB (after adding this 15360 kB request) is not below the limit 7812500 kB"
	    " = RAM share 4000000 kB - 1/32 kept for root (125000 kB) + SwapTotal 4000000 kB"
	    " - total_vm/32 = 62500 kB.",
	    "the exact Committed_AS was 7812800 kB",
	    "the 2 VMAs charged before this one were given back" },
	  "admin reserve" },
	/* GUESS, 3.10 (G3), kernel-spec §3.9: 300,000 + 600,000 - 50,000 +
	 * 800,000 + 40,000 = 1,690,000; -20,000 totalreserve = 1,670,000;
	 * -2048 admin = 1,667,952 pages, not above a 1,700,000-page request. */
	{ "guess 3.10",
	  { .err = ENOMEM, .cause = OVC_CAUSE_COMMIT, .admitted = 1,
	    .admit = { .rule = OVC_ADMIT_GUESS_FREE, .era = "3.10", .policy = 0, .pages = 1700000,
		       .free = 300000, .file = 600000, .shmem = 50000, .swap_free = 800000,
		       .slab = 40000, .totalreserve = 20000, .estimate = 1667952 } },
	  { .page_size = 4096, .kver = OVC_KV(3, 10, 0), .op = "mmap", .admission = &era_3_10 },
	  { "free 1200000 kB + page cache 2400000 kB - shmem 200000 kB + free swap 3200000 kB"
	    " + reclaimable slab 160000 kB = 6760000 kB, less totalreserve 80000 kB,"
	    " less the admin reserve 8192 kB = 6671808 kB, which is not above this 6800000 kB request.",
	    "never looks at Committed_AS", NULL, NULL },
	  "Stage" },
	/* GUESS, 2.6.32 (G1), kernel-spec §3.9: stage 1 = 600,000 + 800,000
	 * + 40,000 = 1,440,000, -45,000 = 1,395,000; stage 2 = (300,000 -
	 * 20,000) = 280,000, -8,750 = 271,250; estimate 1,666,250 pages. */
	{ "guess 2.6.32",
	  { .err = ENOMEM, .cause = OVC_CAUSE_COMMIT, .admitted = 1,
	    .admit = { .rule = OVC_ADMIT_GUESS_FREE, .era = "2.6.32", .policy = 0, .pages = 1700000,
		       .free = 300000, .file = 600000, .shmem = 50000, .swap_free = 800000,
		       .slab = 40000, .totalreserve = 20000, .stage1 = 1395000,
		       .estimate = 1666250 } },
	  { .page_size = 4096, .kver = OVC_KV(2, 6, 32), .op = "mmap", .admission = &era_2_6_32 },
	  { "Stage 1: page cache 2400000 kB + free swap 3200000 kB + reclaimable slab 160000 kB"
	    " = 5760000 kB, less 1/32 kept for root (180000 kB) = 5580000 kB is not above this"
	    " 6800000 kB request.",
	    "Stage 2 adds free memory 1200000 kB - totalreserve 80000 kB = 1120000 kB,"
	    " less 1/32 kept for root (35000 kB): the estimate 6665000 kB is not above the request either.",
	    NULL, NULL },
	  "shmem" },
	/* GUESS, 5.2+ (G6): 3,000,001 pages > RAM + swap 3,000,000. */
	{ "guess 5.2",
	  { .err = ENOMEM, .cause = OVC_CAUSE_COMMIT, .admitted = 1,
	    .admit = { .rule = OVC_ADMIT_GUESS_TOTAL, .era = "5.2", .pages = 3000001,
		       .ram_swap = 3000000 } },
	  { .page_size = 4096, .kver = OVC_KV(6, 1, 0), .op = "mmap" },
	  { "This 12000004 kB request is larger than RAM + swap = 12000000 kB", NULL, NULL, NULL },
	  NULL },
	/* NEVER, 3.10 with overcommit_ratio 0 and no swap: 0 - 2048 wraps to
	 * 2^64 - 2048 pages; shown in kB (x4, mod 2^64) = 2^64 - 8192. */
	{ "never wrapped",
	  { .err = ENOMEM, .cause = OVC_CAUSE_COMMIT, .admitted = 1,
	    .admit = { .rule = OVC_ADMIT_NEVER, .era = "3.10", .policy = 2, .pages = 1,
		       .committed = 5, .seen = 5, .admin_cut = 2048, .allowed = -2048,
		       .wrapped = 1 } },
	  { .page_size = 4096, .kver = OVC_KV(3, 10, 0), .admission = &era_3_10 },
	  { "the limit 18446744073709543424 kB", "wrapped around", NULL, NULL },
	  NULL },
	/* The same wrap letting a request through (3.14, ratio 0): nothing
	 * was refused, but the admission deserves the note. */
	{ "never wrap pass",
	  { .admitted = 1,
	    .admit = { .rule = OVC_ADMIT_NEVER, .era = "3.14", .policy = 2, .ok = 1,
		       .pages = 25600, .committed = 25600, .seen = 25600, .admin_cut = 2048,
		       .allowed = -2048, .wrapped = 1 } },
	  { .page_size = 4096, .kver = OVC_KV(3, 14, 0), .op = "mmap", .admission = &era_3_10 },
	  { "admitted 25600 pages (102400 kB, 100 MiB)",
	    "Committed_AS 102400 kB (after adding this 102400 kB request) is below the limit"
	    " 18446744073709543424 kB",
	    "It passed only because a subtraction went below zero", NULL },
	  "not below" },
	/* 16 KiB pages: one page is 16 kB. */
	{ "16k pages",
	  { .err = ENOMEM, .cause = OVC_CAUSE_COMMIT, .admitted = 1,
	    .admit = { .rule = OVC_ADMIT_GUESS_TOTAL, .era = "5.2", .pages = 1,
		       .ram_swap = 0 } },
	  { .page_size = 16384, .op = "brk" },
	  { "brk (mm/mmap.c) -> __vm_enough_memory (mm/util.c) refused 1 page (16 kB)",
	    "glibc's sbrk() and malloc() report ENOMEM", NULL, NULL },
	  NULL },
	/* RLIMIT_AS: lib/mm.c reports limit and value in pages: 262144 pages
	 * = 1048576 kB; 262145 pages = 1048580 kB. */
	{ "rlimit as",
	  { .err = ENOMEM, .cause = OVC_CAUSE_RLIMIT_AS, .limit = 262144, .value = 262145 },
	  { .page_size = 4096, .op = "mmap" },
	  { "mmap: may_expand_vm (mm/mmap.c): the address space would grow to 1048580 kB (1.00 GiB),"
	    " above RLIMIT_AS 1048576 kB (1.00 GiB); the call returns ENOMEM.", NULL, NULL, NULL },
	  NULL },
	{ "map count",
	  { .err = ENOMEM, .cause = OVC_CAUSE_MAP_COUNT, .limit = 65530, .value = 65530 },
	  { .page_size = 4096, .op = "mprotect" },
	  { "mprotect: the task has 65530 mappings and vm.max_map_count is 65530", NULL, NULL, NULL },
	  NULL },
	{ "oom",
	  { .cause = OVC_CAUSE_OOM, .touched = 100, .vma_start = 0x400, .vma_pages = 256 },
	  { .page_size = 4096, .op = "touch" },
	  { "touch: out_of_memory (mm/oom_kill.c):", "(100 pages were faulted in before that)",
	    "; VMA 0x400000-0x500000 (1024 kB, 1.00 MiB).", NULL },
	  "returns" },
};

static void test_explain_cases(void **state)
{
	(void)state;
	for (size_t i = 0; i < sizeof(explain_cases) / sizeof(explain_cases[0]); i++) {
		const struct explain_case *c = &explain_cases[i];
		char buf[2048];
		size_t n = ovc_render_explain(buf, sizeof(buf), &c->res, &c->env);
		const char *at = buf;

		assert_int_equal(n, strlen(buf));
		for (size_t j = 0; j < 4 && c->want[j]; j++) {
			const char *hit = strstr(at, c->want[j]);

			if (!hit)
				fail_msg("case %s: missing \"%s\" in:\n%s", c->name, c->want[j], buf);
			at = hit + strlen(c->want[j]);
		}
		if (c->not_want && strstr(buf, c->not_want))
			fail_msg("case %s: unexpected \"%s\" in:\n%s", c->name, c->not_want, buf);
	}
}

static void test_explain_not_refused(void **state)
{
	struct ovc_result ok = { .err = 0, .cause = OVC_CAUSE_NONE };
	struct ovc_explain_env env = { .page_size = 4096 };
	char buf[16] = "junk";

	(void)state;
	assert_int_equal(ovc_render_explain(buf, sizeof(buf), &ok, &env), 0);
	assert_string_equal(buf, "");
	assert_null(ovc_render_explain_dup(&ok, &env));
}

/* A short buffer keeps a NUL-terminated prefix and the full length. */
static void test_explain_truncates(void **state)
{
	const struct explain_case *c = &explain_cases[0];
	char small[16], big[2048];
	size_t n_small, n_big;
	char *dup;

	(void)state;
	n_small = ovc_render_explain(small, sizeof(small), &c->res, &c->env);
	n_big = ovc_render_explain(big, sizeof(big), &c->res, &c->env);
	assert_int_equal(n_small, n_big);
	assert_int_equal(strlen(small), sizeof(small) - 1);
	assert_memory_equal(small, big, sizeof(small) - 1);
	dup = ovc_render_explain_dup(&c->res, &c->env);
	assert_non_null(dup);
	assert_string_equal(dup, big);
	free(dup);
}

/* ------------------------------------------------------------------ */

struct quote_case {
	const char *name, *in, *out;
};

static const struct quote_case quote_cases[] = {
	{ "plain", "mmap app 4k", "\"mmap app 4k\"" },
	{ "quote and backslash", "a\"b\\c", "\"a\\\"b\\\\c\"" },
	{ "short escapes", "\b\f\n\r\t", "\"\\b\\f\\n\\r\\t\"" },
	{ "other controls", "\x01\x1f\x7f", "\"\\u0001\\u001f\\u007f\"" },
	{ "slash stays", "a/b", "\"a/b\"" },
	{ "utf-8 kept", "\xc3\xbc \xe2\x82\xac \xf0\x9d\x84\x9e", "\"\xc3\xbc \xe2\x82\xac \xf0\x9d\x84\x9e\"" },
	{ "line separators", "\xe2\x80\xa8\xe2\x80\xa9", "\"\\u2028\\u2029\"" },
	{ "lone byte", "a\xff" "b", "\"a\\ufffdb\"" },
	{ "lone continuation", "\x80", "\"\\ufffd\"" },
	{ "overlong", "\xc0\xaf", "\"\\ufffd\\ufffd\"" },
	{ "overlong 3-byte", "\xe0\x80\xaf", "\"\\ufffd\\ufffd\\ufffd\"" },
	{ "surrogate", "\xed\xa0\x80", "\"\\ufffd\\ufffd\\ufffd\"" },
	{ "above U+10FFFF", "\xf4\x90\x80\x80", "\"\\ufffd\\ufffd\\ufffd\\ufffd\"" },
	{ "cut at the end", "x\xe2\x82", "\"x\\ufffd\\ufffd\"" },
	{ "cut before ascii", "\xe2\x82" "a", "\"\\ufffd\\ufffda\"" },
	{ "empty", "", "\"\"" },
};

/* Run fn on a memory stream and return what it wrote (free it). */
static char *capture(void (*fn)(FILE *f, const void *arg), const void *arg)
{
	char *buf = NULL;
	size_t len = 0;
	FILE *f = open_memstream(&buf, &len);

	assert_non_null(f);
	fn(f, arg);
	assert_int_equal(fclose(f), 0);
	return buf;
}

static void quote_fn(FILE *f, const void *arg)
{
	ovc_json_quote(f, arg);
}

static void test_json_quote(void **state)
{
	(void)state;
	for (size_t i = 0; i < sizeof(quote_cases) / sizeof(quote_cases[0]); i++) {
		char *got = capture(quote_fn, quote_cases[i].in);

		if (strcmp(got, quote_cases[i].out))
			fail_msg("case %s: got %s, want %s", quote_cases[i].name, got,
				 quote_cases[i].out);
		free(got);
	}
}

static void writer_fn(FILE *f, const void *arg)
{
	struct ovc_json w;

	(void)arg;
	ovc_json_init(&w, f);
	ovc_json_open(&w, NULL, '{');
	ovc_json_str(&w, "s", "x");
	ovc_json_str(&w, "n", NULL);
	ovc_json_u64(&w, "u", UINT64_MAX);
	ovc_json_i64(&w, "i", INT64_MIN);
	ovc_json_bool(&w, "b", 1);
	ovc_json_fixed2(&w, "pct", 12.3456);
	ovc_json_open(&w, "empty", '[');
	ovc_json_close(&w, '[');
	ovc_json_open(&w, "list", '[');
	ovc_json_u64(&w, NULL, 1);
	ovc_json_open(&w, NULL, '{');
	ovc_json_close(&w, '{');
	ovc_json_close(&w, '[');
	ovc_json_close(&w, '{');
	assert_int_equal(ovc_json_finish(&w), 0);
}

static void test_json_writer(void **state)
{
	char *got;

	(void)state;
	got = capture(writer_fn, NULL);
	assert_string_equal(got,
		"{\n"
		"  \"s\": \"x\",\n"
		"  \"n\": null,\n"
		"  \"u\": 18446744073709551615,\n"
		"  \"i\": -9223372036854775808,\n"
		"  \"b\": true,\n"
		"  \"pct\": 12.35,\n"
		"  \"empty\": [],\n"
		"  \"list\": [\n"
		"    1,\n"
		"    {}\n"
		"  ]\n"
		"}\n");
	free(got);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_explain_cases),
		cmocka_unit_test(test_explain_not_refused),
		cmocka_unit_test(test_explain_truncates),
		cmocka_unit_test(test_json_quote),
		cmocka_unit_test(test_json_writer),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
