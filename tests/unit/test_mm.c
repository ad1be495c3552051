/* test_mm.c - the memory operations: charges, splits, merges, fork, COW. */
#include <errno.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>
#include <cmocka.h>

#include "ovc/ops.h"
#include "ovc/view.h"

#define MiB (1ull << 20)
#define PG 4096ull

struct fx {
	struct ovc_machine m;
	int app;
};

static int fx_make(void **state, const char *kernel, int policy, uint64_t ram_mb)
{
	static struct fx f;	/* one fixture at a time, reset per test */
	struct ovc_config c;
	struct ovc_profile p;
	struct ovc_task_spec s = { .comm = "app", .parent = -1, .uid = 1000, .admin = 0 };

	ovc_config_default(&c);
	c.ram_kb = ram_mb << 10;
	c.ncpus = 1;
	c.vm.overcommit_memory = policy;
	c.committed_kb = 0;
	assert_int_equal(ovc_profile_for(kernel, &p, NULL), 0);
	assert_int_equal(ovc_machine_init(&f.m, &c, &p, NULL), 0);
	assert_int_equal(ovc_task_create(&f.m, &s, &f.app, NULL), 0);
	*state = &f;
	return 0;
}

static int setup61(void **state) { return fx_make(state, "6.1", 1, 1024); }
static int setup2632(void **state) { return fx_make(state, "2.6.32", 0, 256); }
static int teardown(void **state)
{
	ovc_machine_free(&((struct fx *)*state)->m);
	return 0;
}

static uint64_t committed(struct fx *f)
{
	return ovc_committed_exact(&f->m);
}

static uint64_t map(struct fx *f, uint64_t len, unsigned prot, unsigned flags)
{
	struct ovc_mmap_req q = { .len = len, .prot = prot,
				  .flags = flags ? flags : OVC_MAP_PRIVATE | OVC_MAP_ANONYMOUS };
	struct ovc_result r = { 0 };

	assert_int_equal(ovc_mmap(&f->m, f->app, &q, &r), 0);
	assert_int_equal(r.err, 0);
	return r.addr;
}

/* Two private writable mappings placed top-down sit back to back and merge;
 * both are charged in full; a read-only one is free. */
static void test_mmap_merge_and_charge(void **state)
{
	struct fx *f = *state;
	uint64_t a = map(f, 15 * MiB, OVC_PROT_READ | OVC_PROT_WRITE, 0);
	uint64_t b = map(f, 15 * MiB, OVC_PROT_READ | OVC_PROT_WRITE, 0);

	assert_int_equal(b + 15 * MiB, a);
	assert_int_equal(f->m.tasks[f->app].mm->vmas.count, 1);
	assert_int_equal(committed(f), 2 * 15 * MiB / PG);
	map(f, 4 * MiB, OVC_PROT_READ, 0);
	assert_int_equal(committed(f), 2 * 15 * MiB / PG);
	assert_int_equal(f->m.tasks[f->app].mm->total_vm, 34 * MiB / PG);
}

/* A hole punched in the middle splits the VMA and uncharges only the hole. */
static void test_munmap_partial(void **state)
{
	struct fx *f = *state;
	uint64_t a = map(f, 10 * MiB, OVC_PROT_READ | OVC_PROT_WRITE, 0);
	struct ovc_result r = { 0 };

	assert_int_equal(ovc_munmap(&f->m, f->app, a + 4 * MiB, 2 * MiB, &r), 0);
	assert_int_equal(r.delta, -(int64_t)(2 * MiB / PG));
	assert_int_equal(committed(f), 8 * MiB / PG);
	assert_int_equal(f->m.tasks[f->app].mm->vmas.count, 2);
}

/* PROT_NONE reservations are free; mprotect(RW) charges the part made
 * writable; making it read-only again does not uncharge before 6.7. */
static void test_mprotect(void **state)
{
	struct fx *f = *state;
	uint64_t a = map(f, 64 * MiB, 0, 0);
	struct ovc_result r = { 0 };

	assert_int_equal(committed(f), 0);
	ovc_mprotect(&f->m, f->app, a, 16 * MiB, OVC_PROT_READ | OVC_PROT_WRITE, &r);
	assert_int_equal(r.err, 0);
	assert_int_equal(committed(f), 16 * MiB / PG);
	assert_int_equal(f->m.tasks[f->app].mm->vmas.count, 2);
	memset(&r, 0, sizeof(r));
	ovc_mprotect(&f->m, f->app, a, 16 * MiB, OVC_PROT_READ, &r);
	assert_int_equal(committed(f), 16 * MiB / PG);
}

/* fork charges each VM_ACCOUNT VMA that is not DONTCOPY (the NORESERVE
 * one is not VM_ACCOUNT); the child's exit gives the charge back. */
static void test_fork_charge_dontfork(void **state)
{
	struct fx *f = *state;
	unsigned rw = OVC_PROT_READ | OVC_PROT_WRITE;
	uint64_t a = map(f, 8 * MiB, rw, 0);
	struct ovc_result r = { 0 };
	uint64_t before;

	map(f, 4 * MiB, rw, OVC_MAP_PRIVATE | OVC_MAP_ANONYMOUS | OVC_MAP_NORESERVE);
	map(f, 2 * MiB, rw, OVC_MAP_PRIVATE | OVC_MAP_ANONYMOUS | OVC_MAP_POPULATE);
	before = committed(f);
	assert_int_equal(before, 10 * MiB / PG);
	ovc_madvise(&f->m, f->app, a, 8 * MiB, OVC_MADV_DONTFORK, &r);
	assert_int_equal(r.err, 0);
	memset(&r, 0, sizeof(r));
	assert_int_equal(ovc_fork(&f->m, f->app, OVC_CLONE_FORK, &r), 0);
	assert_int_equal(r.err, 0);
	assert_int_equal(committed(f) - before, 2 * MiB / PG);
	assert_int_equal(f->m.tasks[r.child].mm->total_vm, 6 * MiB / PG);
	int child = r.child;
	memset(&r, 0, sizeof(r));
	ovc_exit(&f->m, child, &r);
	assert_int_equal(committed(f), before);
}

/* Pages written before fork are shared: AnonPages does not grow at fork;
 * the child's write copies; after the child exits the parent's pages are
 * its own again, and its writes copy nothing. */
static void test_cow_counted_once(void **state)
{
	struct fx *f = *state;
	uint64_t a = map(f, 4 * MiB, OVC_PROT_READ | OVC_PROT_WRITE, 0);
	struct ovc_result r = { 0 };
	uint64_t anon0 = f->m.phys.anon, n = 4 * MiB / PG;
	int child;

	ovc_touch(&f->m, f->app, a, 4 * MiB, 1, &r);
	assert_int_equal(r.touched, n);
	assert_int_equal(f->m.phys.anon, anon0 + n);
	memset(&r, 0, sizeof(r));
	ovc_fork(&f->m, f->app, OVC_CLONE_FORK, &r);
	child = r.child;
	assert_int_equal(f->m.phys.anon, anon0 + n);
	assert_int_equal(f->m.tasks[child].mm->rss_anon, n);
	memset(&r, 0, sizeof(r));
	ovc_touch(&f->m, child, a, 1 * MiB, 1, &r);
	assert_int_equal(r.touched, 1 * MiB / PG);
	assert_int_equal(f->m.phys.anon, anon0 + n + MiB / PG);
	memset(&r, 0, sizeof(r));
	ovc_exit(&f->m, child, &r);
	assert_int_equal(f->m.phys.anon, anon0 + n);
	memset(&r, 0, sizeof(r));
	ovc_touch(&f->m, f->app, a, 4 * MiB, 1, &r);
	assert_int_equal(r.touched, 0);
	assert_int_equal(f->m.phys.anon, anon0 + n);
}

/* brk grows the heap by merging into one VMA, charged as it grows. */
static void test_brk(void **state)
{
	struct fx *f = *state;
	struct ovc_mm *mm = f->m.tasks[f->app].mm;
	uint64_t start = mm->brk_start_bytes;
	struct ovc_result r = { 0 };

	ovc_brk(&f->m, f->app, start + 1 * MiB, &r);
	assert_int_equal(r.addr, start + 1 * MiB);
	ovc_brk(&f->m, f->app, start + 3 * MiB, &r);
	assert_int_equal(mm->vmas.count, 1);
	assert_int_equal(committed(f), 3 * MiB / PG);
	ovc_brk(&f->m, f->app, start + 2 * MiB, &r);
	assert_int_equal(committed(f), 2 * MiB / PG);
}

/* mremap growth of a charged VMA charges the growth; moving keeps it. */
static void test_mremap(void **state)
{
	struct fx *f = *state;
	uint64_t a = map(f, 2 * MiB, OVC_PROT_READ | OVC_PROT_WRITE, 0);
	struct ovc_result r = { 0 };

	map(f, 1 * MiB, OVC_PROT_READ, 0);	/* blocks growth below? no: top-down puts it below a */
	ovc_mremap(&f->m, f->app, a, 2 * MiB, 6 * MiB, OVC_MREMAP_MAYMOVE, 0, &r);
	assert_int_equal(r.err, 0);
	assert_int_equal(committed(f), 6 * MiB / PG);
	assert_int_equal(f->m.tasks[f->app].mm->total_vm, 7 * MiB / PG);
}

/* Shared anonymous memory is charged once, at mmap, and survives fork and
 * munmap by one of its users. */
static void test_shared_anon(void **state)
{
	struct fx *f = *state;
	uint64_t a = map(f, 8 * MiB, OVC_PROT_READ | OVC_PROT_WRITE,
			 OVC_MAP_SHARED | OVC_MAP_ANONYMOUS);
	struct ovc_result r = { 0 };

	assert_int_equal(committed(f), 8 * MiB / PG);
	ovc_fork(&f->m, f->app, OVC_CLONE_FORK, &r);
	assert_int_equal(committed(f), 8 * MiB / PG);
	memset(&r, 0, sizeof(r));
	ovc_munmap(&f->m, f->app, a, 8 * MiB, &r);
	assert_int_equal(committed(f), 8 * MiB / PG);
	memset(&r, 0, sizeof(r));
	ovc_exit(&f->m, (int)f->m.ntasks - 1, &r);
	assert_int_equal(committed(f), 0);
}

/* 2.6.32 heuristic: a fork is refused on one VMA larger than the free
 * estimate, and the charges of VMAs copied before it are given back. */
static void test_fork_guess_2632(void **state)
{
	struct fx *f = *state;
	uint64_t a = map(f, 200 * MiB, OVC_PROT_READ | OVC_PROT_WRITE, 0);
	struct ovc_result r = { 0 };

	ovc_touch(&f->m, f->app, a, 150 * MiB, 1, &r);
	assert_int_equal(r.cause, 0);
	uint64_t before = committed(f);
	memset(&r, 0, sizeof(r));
	ovc_fork(&f->m, f->app, OVC_CLONE_FORK, &r);
	assert_int_equal(r.err, ENOMEM);
	assert_int_equal(r.cause, OVC_CAUSE_COMMIT);
	assert_int_equal(committed(f), before);
	assert_int_equal(f->m.ntasks, 1);
	memset(&r, 0, sizeof(r));
	ovc_fork(&f->m, f->app, OVC_CLONE_VFORK, &r);
	assert_int_equal(r.err, 0);
}

/* mprotect_fixup tries vma_merge before split_vma: changing the end of a
 * VMA to its neighbour's flags moves the boundary and needs no map_count
 * slot, even at vm.max_map_count (conformance c37 on 6.1 and 6.12). */
static const struct ovc_vma *vma_of_addr(const struct ovc_mm *mm, uint64_t addr)
{
	const struct ovc_itnode *n = ovc_itree_find(&mm->vmas, addr >> 12);

	return (const struct ovc_vma *)(const void *)n;	/* node is the first member */
}

static void test_mprotect_merge_before_split(void **state)
{
	struct fx *f = *state;
	unsigned rw = OVC_PROT_READ | OVC_PROT_WRITE;
	uint64_t a = map(f, 8 * 4096, OVC_PROT_READ, 0);
	struct ovc_result r = { 0 };
	struct ovc_mm *mm = f->m.tasks[f->app].mm;

	/* [b: rw, charged, 8 pages][a: r, 8 pages], b placed right below a. */
	uint64_t b = map(f, 8 * 4096, rw, 0);
	assert_int_equal(b + 8 * 4096, a);
	assert_int_equal(mm->vmas.count, 2);
	f->m.vm.max_map_count = 2;
	ovc_mprotect(&f->m, f->app, a, 4096, rw, &r);
	assert_int_equal(r.err, 0);
	assert_int_equal(mm->vmas.count, 2);
	assert_int_equal(committed(f), 9);
	assert_int_equal(vma_of_addr(mm, a)->node.start, b >> 12);
	memset(&r, 0, sizeof(r));
	/* The middle of a VMA still needs two splits: refused. */
	ovc_mprotect(&f->m, f->app, a + 4 * 4096, 4096, rw, &r);
	assert_int_equal(r.err, ENOMEM);
	assert_int_equal(r.cause, OVC_CAUSE_MAP_COUNT);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup_teardown(test_mmap_merge_and_charge, setup61, teardown),
		cmocka_unit_test_setup_teardown(test_munmap_partial, setup61, teardown),
		cmocka_unit_test_setup_teardown(test_mprotect, setup61, teardown),
		cmocka_unit_test_setup_teardown(test_fork_charge_dontfork, setup61, teardown),
		cmocka_unit_test_setup_teardown(test_cow_counted_once, setup61, teardown),
		cmocka_unit_test_setup_teardown(test_brk, setup61, teardown),
		cmocka_unit_test_setup_teardown(test_mremap, setup61, teardown),
		cmocka_unit_test_setup_teardown(test_shared_anon, setup61, teardown),
		cmocka_unit_test_setup_teardown(test_fork_guess_2632, setup2632, teardown),
		cmocka_unit_test_setup_teardown(test_mprotect_merge_before_split, setup61, teardown),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
