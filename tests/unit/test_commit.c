/* test_commit.c - percpu counter, batch, CommitLimit (seed machines), meminfo and task views. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>
#include <cmocka.h>

#include "ovc/commit.h"
#include "ovc/machine.h"
#include "ovc/view.h"

#define MAX_CPUS 64

struct box {
	struct ovc_machine m;
	int32_t delta[MAX_CPUS];
};

/* A machine built by hand: ram pages, no swap, ratio 50, the 3.10+
 * default reserves, the era's batch for the given policy. */
static void box_init(struct box *b, const char *kernel, unsigned ncpus, uint64_t ram, int policy)
{
	memset(b, 0, sizeof(*b));
	if (ovc_profile_for(kernel, &b->m.profile, NULL) != 0)
		fail_msg("profile %s", kernel);
	b->m.page_size = 4096;
	b->m.page_shift = 12;
	b->m.ncpus = ncpus;
	b->m.ram = ram;
	b->m.huge.size_kb = 2048;
	b->m.vm.overcommit_memory = policy;
	b->m.vm.overcommit_ratio = 50;
	b->m.vm.admin_reserve_kbytes = 8192;
	b->m.vm.user_reserve_kbytes = 131072;
	b->m.committed.ncpus = ncpus;
	b->m.committed.delta = b->delta;
	ovc_commit_set_batch(&b->m);
}

/* ------------------------------------------------------------------
 * percpu_counter
 */
static void test_pcpu_add(void **state)
{
	int32_t d[4] = { 0 };
	struct ovc_pcpu c = { .count = 0, .batch = 32, .ncpus = 4, .delta = d };

	(void)state;
	ovc_pcpu_add(&c, 0, 31);		/* |31| < 32: stays on CPU 0 */
	assert_int_equal(c.count, 0);
	assert_int_equal(d[0], 31);
	ovc_pcpu_add(&c, 0, 1);			/* 32 >= batch: folded */
	assert_int_equal(c.count, 32);
	assert_int_equal(d[0], 0);
	ovc_pcpu_add(&c, 1, -31);
	assert_int_equal(d[1], -31);
	ovc_pcpu_add(&c, 1, -1);		/* -32 <= -batch: folded */
	assert_int_equal(c.count, 0);
	assert_int_equal(d[1], 0);
	ovc_pcpu_add(&c, 2, 100);		/* a large add folds at once */
	assert_int_equal(c.count, 100);
	ovc_pcpu_add(&c, 6, 5);			/* CPU 6 of 4 lands on CPU 2 */
	assert_int_equal(d[2], 5);
	ovc_pcpu_add(&c, 3, -20);
	assert_int_equal(ovc_pcpu_sum(&c), 85);
	assert_int_equal(ovc_pcpu_read_positive(&c), 100);
	ovc_pcpu_fold(&c);
	assert_int_equal(c.count, 85);
	assert_int_equal(d[2], 0);
	assert_int_equal(d[3], 0);
	c.count = -7;				/* read_positive clamps */
	assert_int_equal(ovc_pcpu_read_positive(&c), 0);
	assert_int_equal(ovc_pcpu_sum(&c), -7);

	/* no delta array: exact */
	c.delta = NULL;
	c.count = 0;
	ovc_pcpu_add(&c, 1, 3);
	assert_int_equal(c.count, 3);
	assert_int_equal(ovc_pcpu_sum(&c), 3);
}

/* ------------------------------------------------------------------
 * Batch (spec §4.2)
 */
struct batch_row {
	const char *kernel;
	unsigned ncpus;
	uint64_t ram;
	int policy;
	int32_t batch;
};

static const struct batch_row batch_rows[] = {
	{ "2.6.32", 1, 16777216, 0, 32 },		/* max(32, 2) */
	{ "2.6.32", 16, 16777216, 0, 32 },		/* max(32, 32) */
	{ "3.10", 32, 16777216, 2, 64 },		/* 2 * 32; no memory term yet */
	{ "rhel6", 64, 16777216, 2, 128 },
	/* 16 CPUs, 64 GiB: 16,777,216 / 16 / 256 = 4096 */
	{ "3.11", 16, 16777216, 0, 4096 },
	{ "5.8", 16, 16777216, 2, 4096 },
	{ "5.8", 16, 16777216, 0, 4096 },		/* policy does not matter before 5.9 */
	/* 5.9+: /4 unless NEVER: 16,777,216 / 16 / 4 = 262,144 */
	{ "5.9", 16, 16777216, 0, 262144 },
	{ "6.1", 16, 16777216, 1, 262144 },
	{ "6.1", 16, 16777216, 2, 4096 },
	{ "3.11", 1, 4096, 0, 32 },			/* 16 < floor 32 */
	{ "6.1", 40, 4096000, 2, 400 },			/* 4,096,000/40/256 = 400 > 80 */
	{ "6.1", 1, 1ull << 40, 0, INT32_MAX },	/* capped at INT_MAX */
	{ "6.1", 0, 16777216, 2, 65536 },		/* 0 CPUs counts as 1 */
};

static void test_batch(void **state)
{
	size_t i;
	struct box b;

	(void)state;
	for (i = 0; i < sizeof(batch_rows) / sizeof(batch_rows[0]); i++) {
		const struct batch_row *r = &batch_rows[i];

		box_init(&b, r->kernel, r->ncpus, r->ram, r->policy);
		if (b.m.committed.batch != r->batch)
			fail_msg("%s, %u CPUs, policy %d: batch %d, want %d", r->kernel, r->ncpus,
				 r->policy, b.m.committed.batch, r->batch);
	}
}

/* ------------------------------------------------------------------
 * CommitLimit: the seed machines
 */

/* seed 000: MemTotal 12,183,700 kB = 3,045,925 pages, no swap, policy 2,
 * CommitLimit 12,061,860 kB. The kernel works in pages:
 * 3,045,925 * 99 / 100 = 3,015,465 pages = 12,061,860 kB, so the ratio
 * was 99 (in kB one would get 12,061,863, which /proc never shows). */
static void test_seed_000(void **state)
{
	static const char *const kernels[] = { "2.6.32", "rhel6", "3.10", "4.19", "6.1" };
	struct ovc_meminfo mi;
	struct box b;
	size_t i;

	(void)state;
	for (i = 0; i < sizeof(kernels) / sizeof(kernels[0]); i++) {
		box_init(&b, kernels[i], 4, 12183700 / 4, 2);
		b.m.vm.overcommit_ratio = 99;
		assert_int_equal(ovc_commit_limit(&b.m), 3015465);
		b.m.committed.count = 8625360 / 4;	/* Committed_AS: 8,625,360 kB */
		ovc_view_meminfo(&b.m, &mi);
		assert_int_equal(mi.mem_total, 12183700);
		assert_int_equal(mi.commit_limit, 12061860);
		assert_int_equal(mi.committed_as, 8625360);
		assert_int_equal(mi.kbcommit, 8625360);
		/* sar %commit: 8,625,360 / 12,183,700 = 70.79 % */
		assert_true(mi.pct_commit > 70.79 && mi.pct_commit < 70.80);
	}
	/* ratio 50, the default, would have given 3,045,925 * 50 / 100 =
	 * 1,522,962 pages = 6,091,848 kB (not 12,183,700 / 2 = 6,091,850) */
	box_init(&b, "6.1", 4, 12183700 / 4, 2);
	assert_int_equal(ovc_commit_limit(&b.m) * 4, 6091848);
}

/* seed 001: CommitLimit 5,967,744 kB with the default ratio 50 and no
 * swap: 1,491,936 pages, e.g. MemTotal 2,983,872 pages (11,935,488 kB);
 * 2,983,873 pages truncates to the same. */
static void test_seed_001(void **state)
{
	struct box b;

	(void)state;
	box_init(&b, "3.10", 2, 2983872, 0);
	assert_int_equal(ovc_commit_limit(&b.m) * 4, 5967744);
	box_init(&b, "3.10", 2, 2983873, 0);
	assert_int_equal(ovc_commit_limit(&b.m) * 4, 5967744);
	box_init(&b, "3.10", 2, 2983874, 0);
	assert_int_equal(ovc_commit_limit(&b.m) * 4, 5967748);
}

/* Swap, hugetlb, kbytes and a negative ratio (int sysctl, unsigned math). */
static void test_commit_limit(void **state)
{
	struct box b;

	(void)state;
	box_init(&b, "4.19", 1, 1000000, 0);
	b.m.phys.swap_total = 250000;
	assert_int_equal(ovc_commit_limit(&b.m), 500000 + 250000);
	b.m.huge.nr = 100;			/* 51,200 pages */
	assert_int_equal(ovc_hugetlb_pages(&b.m), 51200);
	assert_int_equal(ovc_commit_limit(&b.m), (1000000 - 51200) / 2 + 250000);
	b.m.vm.overcommit_kbytes = 400000;	/* 100,000 pages; hugetlb no longer counts */
	assert_int_equal(ovc_commit_limit(&b.m), 100000 + 250000);
	box_init(&b, "3.13", 1, 1000000, 0);
	b.m.vm.overcommit_kbytes = 400000;	/* no such knob in 3.13 */
	assert_int_equal(ovc_commit_limit(&b.m), 500000);
	/* ratio -1: (unsigned long)-1 * 1,000,000 wraps; / 100 */
	b.m.vm.overcommit_ratio = -1;
	assert_int_equal(ovc_commit_limit(&b.m), (uint64_t)(0 - 1000000ull) / 100);
}

/* ------------------------------------------------------------------
 * The per-CPU approximation (spec §4.1, §4.3)
 */

/* 16 CPUs, 64 GiB, 4.19: batch 4096. NEVER bound for a kernel-internal
 * charge by a non-root caller: 8,388,608 - 2048 = 8,386,560. */
static void test_small_charges_invisible(void **state)
{
	struct box b;
	struct ovc_admit a;
	int i;

	(void)state;
	box_init(&b, "4.19", 16, 16777216, 2);
	assert_int_equal(b.m.committed.batch, 4096);
	b.m.committed.count = 8386560 - 100;
	for (i = 0; i < 10; i++) {		/* 10 x 50 pages on CPU 3: the count never moves */
		assert_int_equal(ovc_commit_admit(&b.m, NULL, 50, 0, 3, &a), 1);
		assert_int_equal(a.seen, 8386460);
		assert_int_equal(a.allowed, 8386560);
	}
	assert_int_equal(a.committed, 8386960);	/* 400 pages over the bound */
	assert_int_equal(ovc_committed_exact(&b.m), 8386960);
	assert_int_equal(ovc_committed_meminfo(&b.m), 8386460);	/* <= 5.8: approximate */

	/* 4096 more on CPU 3: 500 + 4096 folds, the test sees 8,391,056 and
	 * refuses; the uncharge (-4096) folds too, so the count is now exact
	 * although the refusal changed nothing in the sum. */
	assert_int_equal(ovc_commit_admit(&b.m, NULL, 4096, 0, 3, &a), 0);
	assert_int_equal(a.seen, 8391056);
	assert_int_equal(b.m.committed.count, 8386960);
	assert_int_equal(ovc_committed_exact(&b.m), 8386960);
	assert_int_equal(ovc_committed_meminfo(&b.m), 8386960);
	/* now even a small charge is refused */
	assert_int_equal(ovc_commit_admit(&b.m, NULL, 1, 0, 5, &a), 0);
	assert_int_equal(ovc_committed_exact(&b.m), 8386960);
}

/* meminfo: approximate up to 5.8, exact from 5.9 (same charges). */
static void test_meminfo_exactness(void **state)
{
	static const struct { const char *kernel; uint64_t shown; } eras[] = {
		{ "5.8", 1000000 }, { "5.9", 1000000 + 3 * 1000 }, { "6.1", 1000000 + 3 * 1000 },
	};
	struct box b;
	size_t i;
	unsigned cpu;

	(void)state;
	for (i = 0; i < sizeof(eras) / sizeof(eras[0]); i++) {
		box_init(&b, eras[i].kernel, 16, 16777216, 1);	/* ALWAYS */
		b.m.committed.count = 1000000;
		for (cpu = 0; cpu < 3; cpu++)
			assert_int_equal(ovc_commit_admit(&b.m, NULL, 1000, 0, cpu, NULL), 1);
		assert_int_equal(ovc_committed_meminfo(&b.m), eras[i].shown);
		assert_int_equal(ovc_committed_exact(&b.m), 1003000);
	}
}

static void test_acct_unacct(void **state)
{
	struct box b;

	(void)state;
	box_init(&b, "6.1", 2, 1000000, 0);	/* batch 125,000 */
	ovc_commit_acct(&b.m, 1, 10);
	ovc_commit_unacct(&b.m, 0, 30);
	assert_int_equal(b.m.committed.count, 0);
	assert_int_equal(ovc_pcpu_sum(&b.m.committed), -20);
	assert_int_equal(ovc_committed_exact(&b.m), 0);	/* clamped */
	assert_int_equal(ovc_committed_meminfo(&b.m), 0);
}

/* ------------------------------------------------------------------
 * Views
 */

/* MemAvailable (approximate si_mem_available): 1,000,000 pages,
 * min_free_kbytes 16,384 = 4096 pages, so low = 4096 + max(1024, wsf term).
 * free 200,000 - totalreserve 10,000 = 190,000;
 * file LRU: NR_FILE_PAGES 100,000 (buffers included) - shmem 20,000 = 80,000,
 * less min(40,000, low);
 * reclaimable 30,000 + 2,000 = 32,000, less min(16,000, low). */
static void test_meminfo_view(void **state)
{
	struct ovc_meminfo mi;
	struct box b;

	(void)state;
	box_init(&b, "4.19", 2, 1000000, 0);
	b.m.vm.min_free_kbytes = 16384;
	b.m.vm.watermark_scale_factor = 10;	/* 1,000,000 * 10 / 10000 = 1000 < 1024 */
	b.m.phys = (struct ovc_phys){ .free = 200000, .file = 100000, .shmem = 20000,
		.anon = 300000, .slab_reclaimable = 30000, .slab_unreclaimable = 7000,
		.reclaimable = 2000, .swap_total = 500000, .swap_free = 400000,
		.totalreserve = 10000, .buffers = 5000 };
	b.m.huge.nr = 10;
	b.m.huge.free = 4;
	b.m.huge.resv = 2;
	b.m.huge.surplus = 1;
	ovc_view_meminfo(&b.m, &mi);
	/* low 5120: 190,000 + 74,880 + 26,880 = 291,760 pages */
	assert_int_equal(mi.mem_available, 291760 * 4);
	assert_int_equal(mi.mem_total, 4000000);
	assert_int_equal(mi.mem_free, 800000);
	assert_int_equal(mi.buffers, 20000);
	assert_int_equal(mi.cached, (100000 - 5000) * 4);	/* Cached = file - buffers */
	assert_int_equal(mi.swap_cached, 0);
	assert_int_equal(mi.anon_pages, 1200000);
	assert_int_equal(mi.shmem, 80000);
	assert_int_equal(mi.slab_reclaimable, 120000);
	assert_int_equal(mi.slab_unreclaimable, 28000);
	assert_int_equal(mi.swap_total, 2000000);
	assert_int_equal(mi.swap_free, 1600000);
	/* (1,000,000 - 5,120 hugetlb) / 2 + 500,000 = 997,440 pages */
	assert_int_equal(mi.commit_limit, 997440 * 4);
	assert_int_equal(mi.hugepages_total, 10);
	assert_int_equal(mi.hugepages_free, 4);
	assert_int_equal(mi.hugepages_rsvd, 2);
	assert_int_equal(mi.hugepages_surp, 1);
	assert_int_equal(mi.hugepagesize, 2048);
	assert_int_equal(mi.hugetlb, 20480);

	/* wsf 50: 5000 > 1024, low 9096: 190,000 + 70,904 + 22,904 */
	b.m.vm.watermark_scale_factor = 50;
	ovc_view_meminfo(&b.m, &mi);
	assert_int_equal(mi.mem_available, 283808 * 4);
	/* before 4.6 the scale factor does not exist: low = 5120 again */
	box_init(&b, "4.5", 2, 1000000, 0);
	b.m.vm.min_free_kbytes = 16384;
	b.m.vm.watermark_scale_factor = 50;
	b.m.phys = (struct ovc_phys){ .free = 200000, .file = 100000, .shmem = 20000,
		.slab_reclaimable = 30000, .reclaimable = 2000, .totalreserve = 10000,
		.buffers = 5000 };
	ovc_view_meminfo(&b.m, &mi);
	assert_int_equal(mi.mem_available, 291760 * 4);
	/* never negative */
	b.m.phys = (struct ovc_phys){ .free = 10, .totalreserve = 10000 };
	ovc_view_meminfo(&b.m, &mi);
	assert_int_equal(mi.mem_available, 0);
	assert_true(mi.pct_commit == 0.0);
}

static void test_meminfo_fields(void **state)
{
	struct ovc_meminfo mi;
	size_t n, i;
	const struct ovc_meminfo_field *f = ovc_meminfo_fields(&n);
	uint64_t v;

	(void)state;
	assert_int_equal(n, 20);
	memset(&mi, 0, sizeof(mi));
	for (i = 0; i < n; i++) {		/* distinct values through the offsets */
		v = 1000 + i;
		memcpy((char *)&mi + f[i].offset, &v, sizeof(v));
	}
	for (i = 0; i < n; i++) {
		assert_int_equal(ovc_meminfo_get(&mi, f[i].name, &v), 0);
		assert_int_equal(v, 1000 + i);
	}
	assert_int_equal(ovc_meminfo_get(&mi, "Committed_AS", &v), 0);
	assert_int_equal(v, mi.committed_as);
	assert_int_equal(ovc_meminfo_get(&mi, "CommitLimit", &v), 0);
	assert_int_equal(v, mi.commit_limit);
	assert_int_equal(ovc_meminfo_get(&mi, "committed_as", &v), -1);
	assert_int_equal(ovc_meminfo_get(&mi, "Bogus", &v), -1);
	assert_int_equal(ovc_meminfo_get(&mi, NULL, &v), -1);
}

static void test_task_view(void **state)
{
	struct box b;
	struct ovc_mm mm;
	struct ovc_vma v[3];
	struct ovc_task t[2];
	struct ovc_task_view tv;
	size_t i;

	(void)state;
	box_init(&b, "6.1", 1, 1000000, 0);
	memset(&mm, 0, sizeof(mm));
	memset(v, 0, sizeof(v));
	memset(t, 0, sizeof(t));
	ovc_itree_init(&mm.vmas, 0, 1ull << 36);
	v[0].node.start = 100, v[0].node.end = 200;
	v[0].flags = OVC_VM_READ | OVC_VM_WRITE | OVC_VM_ACCOUNT;
	v[1].node.start = 300, v[1].node.end = 350;
	v[1].flags = OVC_VM_READ | OVC_VM_WRITE | OVC_VM_ACCOUNT | OVC_VM_DONTCOPY;
	v[2].node.start = 400, v[2].node.end = 410, v[2].flags = OVC_VM_READ;
	for (i = 0; i < 3; i++)
		assert_int_equal(ovc_itree_insert(&mm.vmas, &v[i].node), 0);
	mm.total_vm = 160;
	mm.committed = 150;
	mm.rss_anon = 10, mm.rss_file = 5, mm.rss_shmem = 1, mm.swapents = 2;
	mm.data_vm = 150, mm.stack_vm = 3, mm.exec_vm = 7, mm.locked_vm = 4;
	t[0].state = OVC_TASK_RUNNING;
	t[0].mm = &mm;
	t[1].state = OVC_TASK_RUNNING;		/* a kernel thread: no mm */
	b.m.tasks = t;
	b.m.ntasks = 2;

	assert_int_equal(ovc_view_task(&b.m, 0, &tv), 0);
	assert_int_equal(tv.vm_size, 640);
	assert_int_equal(tv.vm_rss, 64);
	assert_int_equal(tv.rss_anon, 40);
	assert_int_equal(tv.rss_file, 20);
	assert_int_equal(tv.rss_shmem, 4);
	assert_int_equal(tv.vm_data, 600);
	assert_int_equal(tv.vm_stk, 12);
	assert_int_equal(tv.vm_exe, 28);
	assert_int_equal(tv.vm_lck, 16);
	assert_int_equal(tv.vm_swap, 8);
	assert_int_equal(tv.committed, 600);
	assert_int_equal(tv.fork_charge, 400);	/* the DONTCOPY VMA is not copied */
	assert_int_equal(tv.map_count, 3);
	assert_int_equal(ovc_view_task(&b.m, 1, &tv), -1);
	assert_int_equal(ovc_view_task(&b.m, 2, &tv), -1);
	assert_int_equal(ovc_view_task(&b.m, -1, &tv), -1);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_pcpu_add),
		cmocka_unit_test(test_batch),
		cmocka_unit_test(test_seed_000),
		cmocka_unit_test(test_seed_001),
		cmocka_unit_test(test_commit_limit),
		cmocka_unit_test(test_small_charges_invisible),
		cmocka_unit_test(test_meminfo_exactness),
		cmocka_unit_test(test_acct_unacct),
		cmocka_unit_test(test_meminfo_view),
		cmocka_unit_test(test_meminfo_fields),
		cmocka_unit_test(test_task_view),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
