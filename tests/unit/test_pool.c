/* test_pool.c - unit tests for lib/pool.c, the fixed-size object allocator. */
#include <setjmp.h>
#include <stdarg.h>
#include <stdalign.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <cmocka.h>

#include "ovc/pool.h"

static void test_size_rounding(void **state)
{
	static const struct { size_t in, want; } rows[] = {
		{ 0, 8 }, { 1, 8 }, { 8, 8 }, { 9, 16 }, { 16, 16 },
		{ 56, 56 }, { 57, 64 }, { 100000, 100000 },
	};
	struct ovc_pool p;
	size_t i;

	(void)state;
	for (i = 0; i < sizeof(rows) / sizeof(rows[0]); i++) {
		ovc_pool_init(&p, rows[i].in);
		assert_int_equal(p.size, rows[i].want);
		assert_true(p.per_chunk >= 8);
		assert_int_equal(p.live, 0);
		assert_int_equal(p.bytes, 0);
		ovc_pool_destroy(&p);
	}
}

static void test_zeroed_and_reused(void **state)
{
	struct ovc_pool p;
	unsigned char *a, *b, zero[40] = { 0 };

	(void)state;
	ovc_pool_init(&p, 40);
	a = ovc_pool_alloc(&p);
	assert_non_null(a);
	assert_memory_equal(a, zero, 40);
	memset(a, 0xff, 40);
	ovc_pool_free(&p, a);
	assert_int_equal(p.live, 0);
	b = ovc_pool_alloc(&p);
	assert_ptr_equal(a, b);		/* the free list is LIFO */
	assert_memory_equal(b, zero, 40);
	ovc_pool_free(&p, NULL);	/* no-op */
	assert_int_equal(p.live, 1);
	ovc_pool_destroy(&p);
}

/* Many objects across many chunks: each is distinct, aligned, and keeps
 * what was written to it; freed ones are reused before the pool grows. */
static void test_many(void **state)
{
	enum { N = 20000, SIZE = 24 };
	void **v = calloc(N, sizeof(*v));
	struct ovc_pool p;
	size_t i, bytes;

	(void)state;
	assert_non_null(v);
	ovc_pool_init(&p, SIZE);
	for (i = 0; i < N; i++) {
		v[i] = ovc_pool_alloc(&p);
		assert_non_null(v[i]);
		assert_int_equal((uintptr_t)v[i] % 8, 0);
		memset(v[i], (int)(i & 0xff), SIZE);
	}
	assert_int_equal(p.live, N);
	bytes = p.bytes;
	assert_true(bytes >= (size_t)N * SIZE);
	assert_true(bytes <= (size_t)N * SIZE * 101 / 100 + 64 * 1024);
	for (i = 0; i < N; i++) {
		unsigned char want[SIZE];

		memset(want, (int)(i & 0xff), SIZE);
		assert_memory_equal(v[i], want, SIZE);
	}
	for (i = 0; i < N; i += 2)
		ovc_pool_free(&p, v[i]);
	assert_int_equal(p.live, N / 2);
	for (i = 0; i < N; i += 2) {
		v[i] = ovc_pool_alloc(&p);
		assert_non_null(v[i]);
	}
	assert_int_equal(p.bytes, bytes);
	assert_int_equal(p.live, N);
	ovc_pool_destroy(&p);
	assert_int_equal(p.bytes, 0);
	assert_int_equal(p.live, 0);
	free(v);
}

/* Objects stay aligned for their type: size is a multiple of alignment. */
static void test_alignment(void **state)
{
	struct ovc_pool p;
	size_t i;

	(void)state;
	ovc_pool_init(&p, sizeof(max_align_t));
	for (i = 0; i < 5000; i++)
		assert_int_equal((uintptr_t)ovc_pool_alloc(&p) %
				 alignof(max_align_t), 0);
	ovc_pool_destroy(&p);
}

static void test_large_objects(void **state)
{
	enum { SIZE = 100000 };
	struct ovc_pool p;
	unsigned char *a = NULL;
	size_t i;

	(void)state;
	ovc_pool_init(&p, SIZE);
	for (i = 0; i < 20; i++) {
		a = ovc_pool_alloc(&p);
		assert_non_null(a);
		assert_int_equal(a[0] | a[SIZE - 1], 0);
		a[0] = a[SIZE - 1] = 1;
	}
	assert_true(p.bytes >= 20u * SIZE);
	ovc_pool_destroy(&p);
}

/* A size whose chunk would not fit in size_t fails cleanly. */
static void test_huge_size(void **state)
{
	struct ovc_pool p;

	(void)state;
	ovc_pool_init(&p, SIZE_MAX);
	assert_null(ovc_pool_alloc(&p));
	ovc_pool_init(&p, SIZE_MAX / 4);
	assert_null(ovc_pool_alloc(&p));
	assert_int_equal(p.bytes, 0);
	assert_int_equal(p.live, 0);
	ovc_pool_destroy(&p);
}

static void test_reuse_after_destroy(void **state)
{
	struct ovc_pool p;

	(void)state;
	ovc_pool_init(&p, 32);
	assert_non_null(ovc_pool_alloc(&p));
	ovc_pool_destroy(&p);
	assert_null(p.chunks);
	assert_non_null(ovc_pool_alloc(&p));
	assert_int_equal(p.live, 1);
	ovc_pool_destroy(&p);
	ovc_pool_destroy(&p);	/* twice is harmless */
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_size_rounding),
		cmocka_unit_test(test_zeroed_and_reused),
		cmocka_unit_test(test_many),
		cmocka_unit_test(test_alignment),
		cmocka_unit_test(test_large_objects),
		cmocka_unit_test(test_huge_size),
		cmocka_unit_test(test_reuse_after_destroy),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
