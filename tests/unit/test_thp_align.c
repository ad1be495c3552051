/* test_thp_align.c - where anonymous mmaps go when the era aligns them for THP (6.7+, 6.12). */
#include <errno.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>
#include <cmocka.h>

#include "ovc/ops.h"

#define MiB (1ull << 20)
#define RW (OVC_PROT_READ | OVC_PROT_WRITE)
#define ANON (OVC_MAP_PRIVATE | OVC_MAP_ANONYMOUS)

/* mmap_base = 0x7ffffffff000 - 128 MiB = 0x7ffff7fff000, 0x1ff000 above the
 * 2 MiB boundary 0x7ffff7e00000. */
#define BASE 0x7ffff7fff000ull
#define TOP 0x7ffffffff000ull

struct fx {
	struct ovc_machine m;
	int app;
};

static int fx_make(void **state, const char *kernel)
{
	static struct fx f;
	struct ovc_config c;
	struct ovc_profile p;
	struct ovc_task_spec s = { .comm = "app", .parent = -1, .uid = 1000, .admin = 0 };

	ovc_config_default(&c);
	c.ram_kb = 1024 * 1024;
	c.ncpus = 1;
	c.vm.overcommit_memory = 1;
	c.committed_kb = 0;
	assert_int_equal(ovc_profile_for(kernel, &p, NULL), 0);
	assert_int_equal(ovc_machine_init(&f.m, &c, &p, NULL), 0);
	assert_int_equal(ovc_task_create(&f.m, &s, &f.app, NULL), 0);
	*state = &f;
	return 0;
}

static int setup61(void **state) { return fx_make(state, "6.1"); }
static int setup67(void **state) { return fx_make(state, "6.7"); }
static int setup612(void **state) { return fx_make(state, "6.12.117"); }
static int teardown(void **state)
{
	ovc_machine_free(&((struct fx *)*state)->m);
	return 0;
}

static uint64_t map_at(struct fx *f, uint64_t hint, uint64_t len, unsigned flags)
{
	struct ovc_mmap_req q = { .addr = hint, .len = len, .prot = RW, .flags = ANON | flags };
	struct ovc_result r = { 0 };

	assert_int_equal(ovc_mmap(&f->m, f->app, &q, &r), 0);
	assert_int_equal(r.err, 0);
	return r.addr;
}

static uint64_t map(struct fx *f, uint64_t len)
{
	return map_at(f, 0, len, 0);
}

static size_t nvmas(struct fx *f)
{
	return f->m.tasks[f->app].mm->vmas.count;
}

/* Before 6.7 nothing is aligned: 4M mappings sit back to back below
 * mmap_base and merge. */
static void test_61_adjacent(void **state)
{
	struct fx *f = *state;

	assert_int_equal(map(f, 4 * MiB), BASE - 4 * MiB);
	assert_int_equal(map(f, 4 * MiB), BASE - 8 * MiB);
	assert_int_equal(nvmas(f), 1);
}

/*
 * 6.12, 4M (a PMD multiple), no hint: 6M is searched top-down, s = BASE -
 * 6M = 0x7ffff79ff000; off_sub = -s mod 2M = 0x1000, so the start is
 * 0x7ffff7a00000 and a hole of 0x1ff000 stays below mmap_base. The
 * second 4M: the gap now ends at 0x7ffff7a00000, aligned, so s =
 * 0x7ffff7400000 has off_sub 0 and the top-down rule takes s + 2M =
 * 0x7ffff7600000: it ends where the first starts, and they merge.
 */
static void test_612_pmd_multiple(void **state)
{
	struct fx *f = *state;

	assert_int_equal(map(f, 4 * MiB), 0x7ffff7a00000ull);
	assert_int_equal(map(f, 4 * MiB), 0x7ffff7600000ull);
	assert_int_equal(nvmas(f), 1);
	/* 12k fits in the 0x1ff000 hole above: the highest gap. */
	assert_int_equal(map(f, 12 * 1024), BASE - 12 * 1024);
	assert_int_equal(nvmas(f), 2);
}

/* 6.12: 3M is not a PMD multiple, and a hinted 4M is left alone. */
static void test_612_not_aligned(void **state)
{
	struct fx *f = *state;
	uint64_t hint = 0x7f0000001000ull;

	assert_int_equal(map(f, 3 * MiB), BASE - 3 * MiB);
	assert_int_equal(map_at(f, hint, 4 * MiB, 0), hint);
}

/* Shared anonymous memory is a shmem file (shmem_get_unmapped_area, THP
 * "never" by default): not aligned, in any era. */
static void test_612_shared_not_aligned(void **state)
{
	struct fx *f = *state;

	assert_int_equal(map_at(f, 0, 4 * MiB, OVC_MAP_SHARED), BASE - 4 * MiB);
}

/* 6.7: any length of at least 2M: 3M searches 5M, s = BASE - 5M =
 * 0x7ffff7aff000, which is 0xff000 above a boundary, so off_sub =
 * 0x101000 and the start is 0x7ffff7c00000 (ending 0xff000 below
 * mmap_base). 1M is not aligned; it does not fit that 0xff000 hole and
 * goes right below the 3M (they merge). */
static void test_67_any_length(void **state)
{
	struct fx *f = *state;

	assert_int_equal(map(f, 3 * MiB), 0x7ffff7c00000ull);
	assert_int_equal(map(f, MiB), 0x7ffff7b00000ull);
	assert_int_equal(nvmas(f), 1);
}

/* 6.7: a hint is kept when the padded length fits there (ret == addr);
 * when only the length fits, the padded search goes elsewhere and is
 * aligned (the hint is lost: Kalesh Singh's 6.13 fix). */
static void test_67_hint(void **state)
{
	struct fx *f = *state;
	uint64_t hint = 0x7f0000001000ull;

	assert_int_equal(map_at(f, hint, 2 * MiB, 0), hint);
	/* Something 3M above a second hint: 2M fits, 4M does not. */
	map_at(f, 0x7e0000000000ull + 3 * MiB, 4096, OVC_MAP_FIXED);
	assert_int_equal(map_at(f, 0x7e0000000000ull, 2 * MiB, 0), 0x7ffff7c00000ull);
}

/* When len + 2M fits nowhere, the caller retries with len alone (6.12):
 * an exact 4M gap below mmap_base is then used, unaligned. */
static void test_612_fallback(void **state)
{
	struct fx *f = *state;
	uint64_t low = 0x10000ull, gap = BASE - 5 * MiB;

	map_at(f, low, gap - low, OVC_MAP_FIXED);
	map_at(f, gap + 4 * MiB, TOP - (gap + 4 * MiB), OVC_MAP_FIXED);
	assert_int_equal(map(f, 4 * MiB), gap);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup_teardown(test_61_adjacent, setup61, teardown),
		cmocka_unit_test_setup_teardown(test_612_pmd_multiple, setup612, teardown),
		cmocka_unit_test_setup_teardown(test_612_not_aligned, setup612, teardown),
		cmocka_unit_test_setup_teardown(test_612_shared_not_aligned, setup612, teardown),
		cmocka_unit_test_setup_teardown(test_67_any_length, setup67, teardown),
		cmocka_unit_test_setup_teardown(test_67_hint, setup67, teardown),
		cmocka_unit_test_setup_teardown(test_612_fallback, setup612, teardown),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
