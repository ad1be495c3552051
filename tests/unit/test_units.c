/* test_units.c - ovc_size_parse and ovc_size_human, table-driven. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>
#include <cmocka.h>

#include "ovc/units.h"

#define KiB 1024ull
#define MiB (1024ull * KiB)
#define GiB (1024ull * MiB)
#define TiB (1024ull * GiB)

struct parse_row {
	const char *in;
	size_t len;		/* 0: strlen(in) */
	uint64_t page;
	int ret;
	uint64_t bytes;
	size_t used;
};

static const struct parse_row parse_rows[] = {
	/* plain numbers and every unit spelling */
	{ "0", 0, 4096, 0, 0, 1 },
	{ "4096", 0, 4096, 0, 4096, 4 },
	{ "3b", 0, 4096, 0, 3, 2 },
	{ "4k", 0, 4096, 0, 4 * KiB, 2 },
	{ "4K", 0, 4096, 0, 4 * KiB, 2 },
	{ "4kB", 0, 4096, 0, 4 * KiB, 3 },
	{ "4KB", 0, 4096, 0, 4 * KiB, 3 },
	{ "4KiB", 0, 4096, 0, 4 * KiB, 4 },
	{ "15M", 0, 4096, 0, 15 * MiB, 3 },
	{ "15MB", 0, 4096, 0, 15 * MiB, 4 },
	{ "15MiB", 0, 4096, 0, 15 * MiB, 5 },
	{ "2G", 0, 4096, 0, 2 * GiB, 2 },
	{ "2GB", 0, 4096, 0, 2 * GiB, 3 },
	{ "2GiB", 0, 4096, 0, 2 * GiB, 4 },
	{ "1T", 0, 4096, 0, TiB, 2 },
	{ "1TB", 0, 4096, 0, TiB, 3 },
	{ "1TiB", 0, 4096, 0, TiB, 4 },
	{ "1p", 0, 4096, 0, 4096, 2 },
	{ "2page", 0, 4096, 0, 8192, 5 },
	{ "3pages", 0, 4096, 0, 12288, 6 },
	{ "300 pages", 0, 4096, 0, 1228800, 9 },
	{ "300 pages", 0, 65536, 0, 19660800, 9 },	/* the machine's page size */
	{ "1p", 0, 0, -1, 0, 0 },			/* pages without a page size */
	/* unit apart from the number, as /proc writes it */
	{ "12061860 kB", 0, 4096, 0, 12061860 * KiB, 11 },
	{ "12061860 \t kB", 0, 4096, 0, 12061860 * KiB, 13 },
	{ "1 k", 0, 4096, 0, KiB, 3 },
	/* a unit must end its word; otherwise the number stands alone */
	{ "12 pagesize", 0, 4096, 0, 12, 2 },
	{ "1 kx", 0, 4096, 0, 1, 1 },
	{ "4kx", 0, 4096, 0, 4, 1 },
	{ "4kb", 0, 4096, 0, 4, 1 },			/* "kb" is not a spelling */
	{ "1 B", 0, 4096, 0, 1, 1 },			/* nor "B" */
	{ "7m", 0, 4096, 0, 7, 1 },			/* nor lowercase m */
	{ "1e3", 0, 4096, 0, 1, 1 },
	{ "15M)", 0, 4096, 0, 15 * MiB, 3 },		/* inside an expression */
	{ "1p+", 0, 4096, 0, 4096, 2 },
	{ "4 ", 0, 4096, 0, 4, 1 },			/* blanks alone stay */
	{ "4k", 1, 4096, 0, 4, 1 },			/* only len characters */
	{ "12 kB", 3, 4096, 0, 12, 2 },			/* "12 " */
	{ "12 kB", 4, 4096, 0, 12 * KiB, 4 },		/* "12 k" */
	/* fractions, rounded down, exact */
	{ "48.7G", 0, 4096, 0, 52291226828ull, 5 },	/* floor(48.7 * 2^30) */
	{ "0.5k", 0, 4096, 0, 512, 4 },
	{ "1.5K", 0, 4096, 0, 1536, 4 },
	{ "1.5", 0, 4096, 0, 1, 3 },
	{ "3.999b", 0, 4096, 0, 3, 6 },
	{ "0.5p", 0, 4096, 0, 2048, 4 },
	{ "0.0009765625k", 0, 4096, 0, 1, 13 },	/* exactly 1 byte */
	{ "0.0009765624k", 0, 4096, 0, 0, 13 },	/* just under */
	/* 2^-40 TiB = 1 byte needs all 40 fraction digits */
	{ "0.0000000000009094947017729282379150390625T", 0, 4096, 0, 1, 43 },
	{ "5.G", 0, 4096, 0, 5, 1 },			/* "." needs a digit after it */
	/* hex integers */
	{ "0x1000", 0, 4096, 0, 4096, 6 },
	{ "0x10k", 0, 4096, 0, 16 * KiB, 5 },
	{ "0x7f0000000000", 0, 4096, 0, 0x7f0000000000ull, 14 },
	{ "0x", 0, 4096, 0, 0, 1 },			/* just the number 0 */
	/* limits */
	{ "18446744073709551615", 0, 4096, 0, UINT64_MAX, 20 },
	{ "18446744073709551616", 0, 4096, -1, 0, 0 },
	{ "0xffffffffffffffff", 0, 4096, 0, UINT64_MAX, 18 },
	{ "0x10000000000000000", 0, 4096, -1, 0, 0 },
	{ "16777215T", 0, 4096, 0, 18446742974197923840ull, 9 },
	{ "16777216T", 0, 4096, -1, 0, 0 },		/* 2^64 */
	{ "17179869183.9999999999G", 0, 4096, 0, UINT64_MAX, 23 },
	{ "17179869184G", 0, 4096, -1, 0, 0 },
	/* not sizes */
	{ "", 0, 4096, -1, 0, 0 },
	{ "k", 0, 4096, -1, 0, 0 },
	{ ".5", 0, 4096, -1, 0, 0 },
	{ "-4", 0, 4096, -1, 0, 0 },
	{ "+4", 0, 4096, -1, 0, 0 },
	{ " 4", 0, 4096, -1, 0, 0 },
};

static void test_parse_table(void **state)
{
	size_t i;

	(void)state;
	for (i = 0; i < sizeof(parse_rows) / sizeof(parse_rows[0]); i++) {
		const struct parse_row *r = &parse_rows[i];
		size_t len = r->len ? r->len : strlen(r->in), used = 99;
		uint64_t bytes = 12345;
		int ret = ovc_size_parse(r->in, len, r->page, &bytes, &used);

		if (ret != r->ret)
			fail_msg("\"%s\": returned %d, want %d", r->in, ret, r->ret);
		if (ret == 0 && bytes != r->bytes)
			fail_msg("\"%s\": %llu bytes, want %llu", r->in,
				 (unsigned long long)bytes, (unsigned long long)r->bytes);
		if (used != r->used)
			fail_msg("\"%s\": used %zu, want %zu", r->in, used, r->used);
	}
}

static void test_parse_null_used(void **state)
{
	uint64_t b = 0;

	(void)state;
	assert_int_equal(ovc_size_parse("2M", 2, 4096, &b, NULL), 0);
	assert_int_equal(b, 2 * MiB);
	assert_int_equal(ovc_size_parse(NULL, 0, 4096, &b, NULL), -1);
}

struct human_row {
	uint64_t bytes;
	const char *out;
};

static const struct human_row human_rows[] = {
	{ 0, "0 B" },
	{ 1023, "1023 B" },
	{ 1024, "1.00 KiB" },
	{ 1536, "1.50 KiB" },
	{ 10239, "10.0 KiB" },		/* 9.999 rounds to 10.0, one decimal then */
	{ 15 * MiB, "15.0 MiB" },
	{ 52291226828ull, "48.7 GiB" },
	{ 125 * GiB, "125 GiB" },
	{ 1024000, "1000 KiB" },
	{ 1048166, "1.00 MiB" },	/* 1023.6 KiB would round to 1024 KiB */
	{ 12061860 * KiB, "11.5 GiB" },
	{ TiB, "1.00 TiB" },
	{ UINT64_MAX, "16.0 EiB" },
};

static void test_human_table(void **state)
{
	char buf[32];
	size_t i;

	(void)state;
	for (i = 0; i < sizeof(human_rows) / sizeof(human_rows[0]); i++) {
		ovc_size_human(human_rows[i].bytes, buf, sizeof(buf));
		if (strcmp(buf, human_rows[i].out) != 0)
			fail_msg("%llu: \"%s\", want \"%s\"",
				 (unsigned long long)human_rows[i].bytes, buf, human_rows[i].out);
	}
}

static void test_human_small_buffer(void **state)
{
	char buf[4] = "xxx";

	(void)state;
	assert_ptr_equal(ovc_size_human(15 * MiB, buf, sizeof(buf)), buf);
	assert_string_equal(buf, "15.");
	assert_ptr_equal(ovc_size_human(1, buf, 0), buf);	/* untouched */
	assert_string_equal(buf, "15.");
}

/* Every size the printer writes (with its unit) parses back to within
 * one display step of the original, rounded down. */
static void test_round_trip(void **state)
{
	static const uint64_t values[] = { 4096, 15 * MiB, 48 * GiB + 3, 7 * TiB };
	char buf[32];
	size_t i, used;
	uint64_t back;

	(void)state;
	for (i = 0; i < sizeof(values) / sizeof(values[0]); i++) {
		ovc_size_human(values[i], buf, sizeof(buf));
		assert_int_equal(ovc_size_parse(buf, strlen(buf), 4096, &back, &used), 0);
		assert_int_equal(used, strlen(buf));
		assert_true(back <= values[i] + values[i] / 100);
		assert_true(back >= values[i] - values[i] / 100);
	}
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_parse_table),
		cmocka_unit_test(test_parse_null_used),
		cmocka_unit_test(test_human_table),
		cmocka_unit_test(test_human_small_buffer),
		cmocka_unit_test(test_round_trip),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
