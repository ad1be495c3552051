/* test_sysctl.c - vm.* sysctls: names, ranges, per-era knobs, batch and hugepage effects. */
#include <errno.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>
#include <cmocka.h>

#include "ovc/ops.h"

#define MAX_CPUS 16

struct box {
	struct ovc_machine m;
	int32_t delta[MAX_CPUS];
};

static void box_init(struct box *b, const char *kernel, unsigned ncpus, uint64_t ram, int policy)
{
	memset(b, 0, sizeof(*b));
	if (ovc_profile_for(kernel, &b->m.profile, NULL) != 0)
		fail_msg("profile %s", kernel);
	b->m.page_size = 4096;
	b->m.page_shift = 12;
	b->m.ncpus = ncpus;
	b->m.ram = ram;
	b->m.phys.free = ram / 2;
	b->m.huge.size_kb = 2048;
	b->m.vm.overcommit_memory = policy;
	b->m.vm.overcommit_ratio = 50;
	b->m.vm.admin_reserve_kbytes = 8192;
	b->m.vm.user_reserve_kbytes = 131072;
	b->m.vm.watermark_scale_factor = 10;
	b->m.committed.ncpus = ncpus;
	b->m.committed.delta = b->delta;
	ovc_commit_set_batch(&b->m);
}

static void test_names(void **state)
{
	int k;

	(void)state;
	assert_int_equal(ovc_sysctl_lookup("vm.overcommit_memory"), OVC_SYSCTL_OVERCOMMIT_MEMORY);
	assert_int_equal(ovc_sysctl_lookup("overcommit_memory"), OVC_SYSCTL_OVERCOMMIT_MEMORY);
	assert_int_equal(ovc_sysctl_lookup("vm.nr_hugepages"), OVC_SYSCTL_NR_HUGEPAGES);
	assert_int_equal(ovc_sysctl_lookup("vm.overcommit"), -1);
	assert_int_equal(ovc_sysctl_lookup("vm."), -1);
	assert_int_equal(ovc_sysctl_lookup("kernel.overcommit_memory"), -1);
	assert_int_equal(ovc_sysctl_lookup(NULL), -1);
	for (k = 0; k < OVC_SYSCTL_COUNT; k++) {
		const char *n = ovc_sysctl_name(k);

		assert_non_null(n);
		assert_int_equal(ovc_sysctl_lookup(n), k);
	}
	assert_null(ovc_sysctl_name(OVC_SYSCTL_COUNT));
}

/* Writes and what they leave: {kernel, key, value, errno, read back}. */
struct write_row {
	const char *kernel;
	enum ovc_sysctl_key k;
	int64_t v;
	int err;
	int64_t after;
};

static const struct write_row write_rows[] = {
	{ "6.1", OVC_SYSCTL_OVERCOMMIT_MEMORY, 2, 0, 2 },
	{ "6.1", OVC_SYSCTL_OVERCOMMIT_MEMORY, 3, EINVAL, 0 },
	{ "6.1", OVC_SYSCTL_OVERCOMMIT_MEMORY, -1, EINVAL, 0 },
	{ "3.10", OVC_SYSCTL_OVERCOMMIT_MEMORY, 1, 0, 1 },
	{ "6.1", OVC_SYSCTL_OVERCOMMIT_RATIO, 99, 0, 99 },
	{ "6.1", OVC_SYSCTL_OVERCOMMIT_RATIO, -5, 0, -5 },	/* plain int */
	{ "6.1", OVC_SYSCTL_OVERCOMMIT_RATIO, 2147483648ll, EINVAL, 50 },
	{ "3.14", OVC_SYSCTL_OVERCOMMIT_KBYTES, 4000000, 0, 4000000 },
	{ "3.14", OVC_SYSCTL_OVERCOMMIT_KBYTES, -1, EINVAL, 0 },
	{ "rhel6", OVC_SYSCTL_OVERCOMMIT_KBYTES, 4000000, 0, 4000000 },
	{ "3.13", OVC_SYSCTL_OVERCOMMIT_KBYTES, 4000000, ENOENT, 0 },
	{ "2.6.32", OVC_SYSCTL_OVERCOMMIT_KBYTES, 4000000, ENOENT, 0 },
	{ "3.10", OVC_SYSCTL_ADMIN_RESERVE_KBYTES, 0, 0, 0 },
	{ "rhel6", OVC_SYSCTL_ADMIN_RESERVE_KBYTES, 100, 0, 100 },
	{ "2.6.32", OVC_SYSCTL_ADMIN_RESERVE_KBYTES, 100, ENOENT, 8192 },
	{ "3.10", OVC_SYSCTL_USER_RESERVE_KBYTES, 0, 0, 0 },
	{ "rhel6", OVC_SYSCTL_USER_RESERVE_KBYTES, 100, ENOENT, 131072 },
	{ "3.1", OVC_SYSCTL_USER_RESERVE_KBYTES, 100, ENOENT, 131072 },
	{ "6.1", OVC_SYSCTL_MIN_FREE_KBYTES, 67584, 0, 67584 },
	{ "6.1", OVC_SYSCTL_MIN_FREE_KBYTES, -1, EINVAL, 0 },
	{ "6.1", OVC_SYSCTL_MAX_MAP_COUNT, 65530, 0, 65530 },
	{ "6.1", OVC_SYSCTL_MAX_MAP_COUNT, -1, EINVAL, 0 },
	{ "4.6", OVC_SYSCTL_WATERMARK_SCALE_FACTOR, 200, 0, 200 },
	{ "4.6", OVC_SYSCTL_WATERMARK_SCALE_FACTOR, 0, EINVAL, 10 },
	{ "4.6", OVC_SYSCTL_WATERMARK_SCALE_FACTOR, 1001, EINVAL, 10 },
	{ "4.5", OVC_SYSCTL_WATERMARK_SCALE_FACTOR, 200, ENOENT, 10 },
	{ "6.1", OVC_SYSCTL_PANIC_ON_OOM, 2, 0, 2 },
	{ "6.1", OVC_SYSCTL_PANIC_ON_OOM, 3, EINVAL, 0 },
	{ "6.1", OVC_SYSCTL_OOM_KILL_ALLOCATING_TASK, 1, 0, 1 },
	{ "6.1", OVC_SYSCTL_OOM_DUMP_TASKS, 0, 0, 0 },
	{ "6.1", OVC_SYSCTL_OOM_DUMP_TASKS, 7, 0, 7 },
	{ "6.1", OVC_SYSCTL_NR_HUGEPAGES, -1, EINVAL, 0 },
};

static void test_write_table(void **state)
{
	size_t i;

	(void)state;
	for (i = 0; i < sizeof(write_rows) / sizeof(write_rows[0]); i++) {
		const struct write_row *w = &write_rows[i];
		struct ovc_result r;
		struct box b;

		box_init(&b, w->kernel, 1, 1000000, 0);
		memset(&r, 0x55, sizeof(r));	/* must be reset */
		assert_int_equal(ovc_sysctl_write(&b.m, w->k, w->v, &r), 0);
		if (r.err != w->err)
			fail_msg("%s %s=%lld: errno %d, want %d", w->kernel, ovc_sysctl_name(w->k),
				 (long long)w->v, r.err, w->err);
		if (r.cause != (w->err == EINVAL ? OVC_CAUSE_INVAL : OVC_CAUSE_NONE))
			fail_msg("%s %s: cause %d", w->kernel, ovc_sysctl_name(w->k), r.cause);
		if (ovc_sysctl_read(&b.m, w->k) != w->after)
			fail_msg("%s %s=%lld: reads %lld, want %lld", w->kernel, ovc_sysctl_name(w->k),
				 (long long)w->v, (long long)ovc_sysctl_read(&b.m, w->k),
				 (long long)w->after);
		/* the same write without a result struct */
		box_init(&b, w->kernel, 1, 1000000, 0);
		assert_int_equal(ovc_sysctl_write(&b.m, w->k, w->v, NULL), 0);
		assert_int_equal(ovc_sysctl_read(&b.m, w->k), w->after);
	}
}

/* overcommit_ratio and overcommit_kbytes clear each other (3.14+, RHEL6). */
static void test_ratio_kbytes_exclusive(void **state)
{
	struct ovc_result r;
	struct box b;

	(void)state;
	box_init(&b, "3.14", 1, 1000000, 2);
	assert_int_equal(ovc_sysctl_write(&b.m, OVC_SYSCTL_OVERCOMMIT_KBYTES, 400000, &r), 0);
	assert_int_equal(b.m.vm.overcommit_ratio, 0);
	assert_int_equal(ovc_commit_limit(&b.m), 100000);
	assert_int_equal(ovc_sysctl_write(&b.m, OVC_SYSCTL_OVERCOMMIT_RATIO, 80, &r), 0);
	assert_int_equal(b.m.vm.overcommit_kbytes, 0);
	assert_int_equal(ovc_commit_limit(&b.m), 800000);
	/* a refused kbytes write leaves the ratio alone */
	assert_int_equal(ovc_sysctl_write(&b.m, OVC_SYSCTL_OVERCOMMIT_KBYTES, -3, &r), 0);
	assert_int_equal(r.err, EINVAL);
	assert_int_equal(b.m.vm.overcommit_ratio, 80);

	box_init(&b, "rhel6", 1, 1000000, 2);
	assert_int_equal(ovc_sysctl_write(&b.m, OVC_SYSCTL_OVERCOMMIT_KBYTES, 400000, &r), 0);
	assert_int_equal(b.m.vm.overcommit_ratio, 0);
	assert_int_equal(ovc_sysctl_write(&b.m, OVC_SYSCTL_OVERCOMMIT_RATIO, 50, &r), 0);
	assert_int_equal(b.m.vm.overcommit_kbytes, 0);

	/* 3.13: no kbytes knob; a ratio write has nothing to clear */
	box_init(&b, "3.13", 1, 1000000, 2);
	b.m.vm.overcommit_kbytes = 777;		/* whatever the config held */
	assert_int_equal(ovc_sysctl_write(&b.m, OVC_SYSCTL_OVERCOMMIT_RATIO, 60, &r), 0);
	assert_int_equal(b.m.vm.overcommit_kbytes, 777);
	assert_int_equal(ovc_commit_limit(&b.m), 600000);
}

/* 5.9+: writing the policy recomputes the batch; writing 2 first folds
 * every CPU's delta into the count. 16 CPUs, 64 GiB: 262,144 -> 4096. */
static void test_policy_write_59(void **state)
{
	struct ovc_result r;
	struct box b;
	unsigned cpu;

	(void)state;
	box_init(&b, "6.1", 16, 16777216, 0);
	assert_int_equal(b.m.committed.batch, 262144);
	b.m.committed.count = 1000000;
	for (cpu = 0; cpu < 16; cpu++)
		ovc_commit_acct(&b.m, cpu, 1000);	/* 16,000 pages hidden in deltas */
	assert_int_equal(b.m.committed.count, 1000000);

	assert_int_equal(ovc_sysctl_write(&b.m, OVC_SYSCTL_OVERCOMMIT_MEMORY, 2, &r), 0);
	assert_int_equal(r.err, 0);
	assert_int_equal(b.m.vm.overcommit_memory, 2);
	assert_int_equal(b.m.committed.batch, 4096);
	assert_int_equal(b.m.committed.count, 1016000);
	for (cpu = 0; cpu < 16; cpu++)
		assert_int_equal(b.delta[cpu], 0);

	/* back to GUESS: batch grows again, nothing folded */
	ovc_commit_acct(&b.m, 3, 100);
	assert_int_equal(ovc_sysctl_write(&b.m, OVC_SYSCTL_OVERCOMMIT_MEMORY, 0, &r), 0);
	assert_int_equal(b.m.committed.batch, 262144);
	assert_int_equal(b.delta[3], 100);

	/* a refused write changes nothing */
	assert_int_equal(ovc_sysctl_write(&b.m, OVC_SYSCTL_OVERCOMMIT_MEMORY, 5, &r), 0);
	assert_int_equal(r.err, EINVAL);
	assert_int_equal(b.m.committed.batch, 262144);
	assert_int_equal(b.delta[3], 100);
	assert_int_equal(b.m.vm.overcommit_memory, 0);
}

/* Before 5.9 the handler only stores: deltas stay, batch stays. */
static void test_policy_write_old(void **state)
{
	static const char *const kernels[] = { "2.6.32", "3.10", "4.19", "5.8" };
	struct box b;
	size_t i;
	int32_t batch;

	(void)state;
	for (i = 0; i < sizeof(kernels) / sizeof(kernels[0]); i++) {
		box_init(&b, kernels[i], 16, 16777216, 0);
		batch = b.m.committed.batch;
		ovc_commit_acct(&b.m, 2, 5);
		assert_int_equal(ovc_sysctl_write(&b.m, OVC_SYSCTL_OVERCOMMIT_MEMORY, 2, NULL), 0);
		assert_int_equal(b.m.vm.overcommit_memory, 2);
		assert_int_equal(b.m.committed.batch, batch);
		assert_int_equal(b.delta[2], 5);
		assert_int_equal(b.m.committed.count, 0);
	}
}

/* nr_hugepages: 2 MiB pages = 512 base pages each, 10,000 free pages. */
static void test_nr_hugepages(void **state)
{
	struct ovc_result r;
	struct box b;

	(void)state;
	box_init(&b, "6.1", 1, 1000000, 0);
	b.m.phys.free = 10000;
	assert_int_equal(ovc_sysctl_write(&b.m, OVC_SYSCTL_NR_HUGEPAGES, 10, &r), 0);
	assert_int_equal(r.err, 0);
	assert_int_equal(b.m.huge.nr, 10);
	assert_int_equal(b.m.huge.free, 10);
	assert_int_equal(b.m.phys.free, 10000 - 5120);
	assert_int_equal(ovc_hugetlb_pages(&b.m), 5120);

	/* 100 asked, 4,880 free pages hold 9 more: 19, 272 pages left */
	assert_int_equal(ovc_sysctl_write(&b.m, OVC_SYSCTL_NR_HUGEPAGES, 100, &r), 0);
	assert_int_equal(r.err, 0);
	assert_int_equal(r.limit, 100);
	assert_int_equal(r.value, 19);
	assert_int_equal(b.m.huge.nr, 19);
	assert_int_equal(b.m.phys.free, 272);
	assert_int_equal(ovc_sysctl_read(&b.m, OVC_SYSCTL_NR_HUGEPAGES), 19);

	/* 5 in use, 2 reserved: shrinking to 0 frees down to 2 + 19 - 14 = 7,
	 * the 7 left become surplus (freed when their users let go) */
	b.m.huge.free = 14;
	b.m.huge.resv = 2;
	assert_int_equal(ovc_sysctl_write(&b.m, OVC_SYSCTL_NR_HUGEPAGES, 0, &r), 0);
	assert_int_equal(b.m.huge.nr, 7);
	assert_int_equal(b.m.huge.free, 2);
	assert_int_equal(b.m.huge.surplus, 7);
	assert_int_equal(b.m.phys.free, 272 + 12 * 512);
	assert_int_equal(ovc_sysctl_read(&b.m, OVC_SYSCTL_NR_HUGEPAGES), 0);
	assert_int_equal(r.value, 0);

	/* growing takes surplus pages back first, without new memory */
	assert_int_equal(ovc_sysctl_write(&b.m, OVC_SYSCTL_NR_HUGEPAGES, 3, &r), 0);
	assert_int_equal(b.m.huge.surplus, 4);
	assert_int_equal(b.m.huge.nr, 7);
	assert_int_equal(b.m.phys.free, 272 + 12 * 512);
	assert_int_equal(ovc_sysctl_read(&b.m, OVC_SYSCTL_NR_HUGEPAGES), 3);

	/* no hugetlb support */
	b.m.huge.size_kb = 0;
	assert_int_equal(ovc_sysctl_write(&b.m, OVC_SYSCTL_NR_HUGEPAGES, 3, &r), 0);
	assert_int_equal(r.err, ENOENT);
}

static void test_bad_key(void **state)
{
	struct box b;

	(void)state;
	box_init(&b, "6.1", 1, 1000000, 0);
	assert_int_equal(ovc_sysctl_write(&b.m, OVC_SYSCTL_COUNT, 1, NULL), -OVC_E_RANGE);
	assert_int_equal(ovc_sysctl_read(&b.m, OVC_SYSCTL_COUNT), 0);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_names),
		cmocka_unit_test(test_write_table),
		cmocka_unit_test(test_ratio_kbytes_exclusive),
		cmocka_unit_test(test_policy_write_59),
		cmocka_unit_test(test_policy_write_old),
		cmocka_unit_test(test_nr_hugepages),
		cmocka_unit_test(test_bad_key),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
