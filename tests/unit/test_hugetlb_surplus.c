/* test_hugetlb_surplus.c - a released hugetlb reservation frees the surplus pages a shrunken pool kept. */
#include <errno.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>
#include <cmocka.h>

#include "ovc/ops.h"

/*
 * Rule (mm/hugetlb.c, the same in 2.6.32 and 6.1/6.12): writing
 * nr_hugepages below the reserved pages leaves them in the pool as surplus
 * (set_max_huge_pages, adjust_pool_surplus); when a reservation of n pages
 * goes (hugetlb_vm_op_close, hugetlb_unreserve_pages), hugetlb_acct_memory
 * (-n) -> return_unused_surplus_pages() drops resv by n and frees up to
 * min(n, surplus) pages, each only while a free huge page is left.
 *
 * Machine: 1 GiB = 262,144 pages, no swap, 1 CPU, overcommit_memory=2,
 * ratio 50, a boot pool of 16 huge pages of 2 MiB = 512 pages each
 * (8,192 pages). CommitLimit = (262,144 - hugetlb pages) * 50 / 100:
 *   16 huge pages: (262,144 - 8,192) / 2 = 126,976
 *    8 huge pages: (262,144 - 4,096) / 2 = 129,024
 *    4 huge pages: (262,144 - 2,048) / 2 = 130,048
 *    0 huge pages:  262,144 / 2          = 131,072
 */

#define MiB (1ull << 20)
#define HPAGE (512ull)		/* base pages per huge page */

static const char *const kernels[] = { "2.6.32", "rhel6", "3.10", "4.19", "6.1", "6.12" };
#define NKERNELS (sizeof(kernels) / sizeof(kernels[0]))

struct fx {
	struct ovc_machine m;
	int app;
	uint64_t free0;		/* MemFree pages at boot */
};

static void fx_make(struct fx *f, const char *kernel)
{
	struct ovc_config c;
	struct ovc_profile p;
	struct ovc_task_spec s = { .comm = "app", .parent = -1, .uid = 1000, .admin = 0 };

	memset(f, 0, sizeof(*f));
	ovc_config_default(&c);
	c.ram_kb = 1024 << 10;
	c.ncpus = 1;
	c.hugepages = 16;
	c.vm.overcommit_memory = 2;
	c.committed_kb = 0;
	if (ovc_profile_for(kernel, &p, NULL) != 0)
		fail_msg("profile %s", kernel);
	assert_int_equal(ovc_machine_init(&f->m, &c, &p, NULL), 0);
	assert_int_equal(ovc_task_create(&f->m, &s, &f->app, NULL), 0);
	f->free0 = f->m.phys.free;
	assert_int_equal(ovc_commit_limit(&f->m), 126976);
}

static uint64_t map_huge(struct fx *f, uint64_t len, unsigned extra)
{
	struct ovc_mmap_req q = { .len = len, .prot = OVC_PROT_READ | OVC_PROT_WRITE,
				  .flags = OVC_MAP_PRIVATE | OVC_MAP_ANONYMOUS |
					   OVC_MAP_HUGETLB | extra };
	struct ovc_result r = { 0 };

	assert_int_equal(ovc_mmap(&f->m, f->app, &q, &r), 0);
	assert_int_equal(r.err, 0);
	return r.addr;
}

static void unmap(struct fx *f, uint64_t addr, uint64_t len)
{
	struct ovc_result r = { 0 };

	assert_int_equal(ovc_munmap(&f->m, f->app, addr, len, &r), 0);
	assert_int_equal(r.err, 0);
}

static void set_pool(struct fx *f, int64_t count)
{
	struct ovc_result r = { 0 };

	assert_int_equal(ovc_sysctl_write(&f->m, OVC_SYSCTL_NR_HUGEPAGES, count, &r), 0);
	assert_int_equal(r.err, 0);
}

/* HugePages_Total, _Free, _Rsvd, _Surp as a row. */
static void pool_is(const struct fx *f, uint64_t nr, uint64_t free, uint64_t resv, uint64_t surp)
{
	assert_int_equal(f->m.huge.nr, nr);
	assert_int_equal(f->m.huge.free, free);
	assert_int_equal(f->m.huge.resv, resv);
	assert_int_equal(f->m.huge.surplus, surp);
}

/* The c11 case: 32 MiB reserves all 16; nr_hugepages=0 keeps them as
 * surplus; a 2 MiB hole gives one back and frees one; munmap frees the
 * rest, and CommitLimit no longer loses the pool. */
static void test_all_returned(void **state)
{
	struct fx f;

	(void)state;
	for (size_t k = 0; k < NKERNELS; k++) {
		uint64_t a;

		fx_make(&f, kernels[k]);
		a = map_huge(&f, 32 * MiB, 0);
		pool_is(&f, 16, 16, 16, 0);
		set_pool(&f, 0);
		/* min_count = resv 16 + in use 0 = 16: nothing freed, all surplus */
		pool_is(&f, 16, 16, 16, 16);
		assert_int_equal(ovc_sysctl_read(&f.m, OVC_SYSCTL_NR_HUGEPAGES), 0);
		assert_int_equal(ovc_commit_limit(&f.m), 126976);
		assert_int_equal(f.m.phys.free, f.free0);

		unmap(&f, a, 2 * MiB);		/* 1 released, min(1, 16) = 1 freed */
		pool_is(&f, 15, 15, 15, 15);
		assert_int_equal(f.m.phys.free, f.free0 + HPAGE);

		unmap(&f, a + 2 * MiB, 30 * MiB);	/* 15 released, 15 freed */
		pool_is(&f, 0, 0, 0, 0);
		assert_int_equal(ovc_commit_limit(&f.m), 131072);
		assert_int_equal(f.m.phys.free, f.free0 + 16 * HPAGE);
		ovc_machine_free(&f.m);
	}
}

/* Fewer surplus pages than released: 8 reserved, nr_hugepages=4.
 * Shrink: min_count = 8 + 0 = 8, so 8 free pages go (16 -> 8), and
 * 8 - 4 = 4 become surplus. munmap releases 8 but frees min(8, 4) = 4:
 * the pool is back to the 4 asked for, none of them surplus. */
static void test_surplus_bounds(void **state)
{
	struct fx f;

	(void)state;
	for (size_t k = 0; k < NKERNELS; k++) {
		uint64_t a;

		fx_make(&f, kernels[k]);
		a = map_huge(&f, 16 * MiB, 0);
		set_pool(&f, 4);
		pool_is(&f, 8, 8, 8, 4);
		assert_int_equal(ovc_commit_limit(&f.m), 129024);
		unmap(&f, a, 16 * MiB);
		pool_is(&f, 4, 4, 0, 0);
		assert_int_equal(ovc_sysctl_read(&f.m, OVC_SYSCTL_NR_HUGEPAGES), 4);
		assert_int_equal(ovc_commit_limit(&f.m), 130048);
		assert_int_equal(f.m.phys.free, f.free0 + 12 * HPAGE);
		ovc_machine_free(&f.m);
	}
}

/* Surplus pages still in use stay: 2 reserved, and 2 pages taken out of
 * the free list as a fault would (the model faults no huge pages, so the
 * counter is set by hand). Shrink to 0: min_count = 2 + (16 - 14) = 4,
 * 12 free pages go, 4 left as surplus, 2 of them free. munmap releases 2,
 * min(2, 4) = 2 tried, 2 free ones found: 2 pages stay, both in use. */
static void test_in_use_surplus_stays(void **state)
{
	struct fx f;

	(void)state;
	for (size_t k = 0; k < NKERNELS; k++) {
		uint64_t a;

		fx_make(&f, kernels[k]);
		a = map_huge(&f, 4 * MiB, 0);
		f.m.huge.free = 14;
		set_pool(&f, 0);
		pool_is(&f, 4, 2, 2, 4);
		unmap(&f, a, 4 * MiB);
		pool_is(&f, 2, 0, 0, 2);
		assert_int_equal(f.m.phys.free, f.free0 + 14 * HPAGE);
		ovc_machine_free(&f.m);
	}
}

/* Only released reservations free anything: a NORESERVE mapping holds
 * none, and without surplus a release only lowers HugePages_Rsvd. */
static void test_noreserve_and_no_surplus(void **state)
{
	struct fx f;

	(void)state;
	for (size_t k = 0; k < NKERNELS; k++) {
		uint64_t a, b;

		fx_make(&f, kernels[k]);
		a = map_huge(&f, 8 * MiB, 0);			/* 4 reserved */
		b = map_huge(&f, 8 * MiB, OVC_MAP_NORESERVE);	/* none */
		pool_is(&f, 16, 16, 4, 0);
		unmap(&f, a, 8 * MiB);			/* no surplus: pool stays */
		pool_is(&f, 16, 16, 0, 0);
		assert_int_equal(ovc_commit_limit(&f.m), 126976);

		a = map_huge(&f, 8 * MiB, 0);
		set_pool(&f, 0);				/* 4 kept as surplus */
		pool_is(&f, 4, 4, 4, 4);
		unmap(&f, b, 8 * MiB);			/* held no reservation */
		pool_is(&f, 4, 4, 4, 4);
		unmap(&f, a, 8 * MiB);
		pool_is(&f, 0, 0, 0, 0);
		assert_int_equal(ovc_commit_limit(&f.m), 131072);
		ovc_machine_free(&f.m);
	}
}

/* Two reservations of 8 under a pool shrunk to 0: each munmap frees its
 * own 8 (min(8, 16) then min(8, 8)). */
static void test_two_owners(void **state)
{
	struct fx f;

	(void)state;
	for (size_t k = 0; k < NKERNELS; k++) {
		uint64_t a, b;

		fx_make(&f, kernels[k]);
		a = map_huge(&f, 16 * MiB, 0);
		b = map_huge(&f, 16 * MiB, 0);
		set_pool(&f, 0);
		pool_is(&f, 16, 16, 16, 16);
		unmap(&f, b, 16 * MiB);
		pool_is(&f, 8, 8, 8, 8);
		assert_int_equal(ovc_commit_limit(&f.m), 129024);
		unmap(&f, a, 16 * MiB);
		pool_is(&f, 0, 0, 0, 0);
		ovc_machine_free(&f.m);
	}
}

/* SysV SHM_HUGETLB: the segment's hugetlbfs inode holds the reservation
 * (2 huge pages for 4 MiB); it is given back, surplus freed, when the
 * segment dies: at IPC_RMID with no attachment, or at the last detach. */
static void test_sysv_segment(void **state)
{
	struct fx f;

	(void)state;
	for (size_t k = 0; k < NKERNELS; k++) {
		struct ovc_result r = { 0 };
		uint64_t addr;
		int s1, s2;

		fx_make(&f, kernels[k]);
		assert_int_equal(ovc_shmget(&f.m, f.app, 0, 4 * MiB, OVC_SHM_HUGETLB, &r), 0);
		assert_int_equal(r.err, 0);
		s1 = r.id;
		assert_int_equal(ovc_shmget(&f.m, f.app, 0, 4 * MiB, OVC_SHM_HUGETLB, &r), 0);
		assert_int_equal(r.err, 0);
		s2 = r.id;
		set_pool(&f, 0);
		pool_is(&f, 4, 4, 4, 4);

		assert_int_equal(ovc_shm_rmid(&f.m, s1, &r), 0);	/* not attached: dies */
		pool_is(&f, 2, 2, 2, 2);

		assert_int_equal(ovc_shmat(&f.m, f.app, s2, 0, &r), 0);
		assert_int_equal(r.err, 0);
		addr = r.addr;
		pool_is(&f, 2, 2, 2, 2);	/* the attachment reserves nothing */
		assert_int_equal(ovc_shm_rmid(&f.m, s2, &r), 0);	/* attached: marked */
		pool_is(&f, 2, 2, 2, 2);
		assert_int_equal(ovc_shmdt(&f.m, f.app, addr, &r), 0);	/* last detach */
		assert_int_equal(r.err, 0);
		pool_is(&f, 0, 0, 0, 0);
		assert_int_equal(ovc_commit_limit(&f.m), 131072);
		ovc_machine_free(&f.m);
	}
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_all_returned),
		cmocka_unit_test(test_surplus_bounds),
		cmocka_unit_test(test_in_use_surplus_stays),
		cmocka_unit_test(test_noreserve_and_no_surplus),
		cmocka_unit_test(test_two_owners),
		cmocka_unit_test(test_sysv_segment),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
