/* test_mlock.c - RLIMIT_MEMLOCK: can_do_mlock, mlock_future_check, mlockall, brk, populate. */
#include <errno.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>
#include <cmocka.h>

#include "ovc/ops.h"

#define MiB (1ull << 20)
#define PG 4096ull
#define RW (OVC_PROT_READ | OVC_PROT_WRITE)
#define ANON (OVC_MAP_PRIVATE | OVC_MAP_ANONYMOUS)

struct fx {
	struct ovc_machine m;
	int user, root;
};

static int setup(void **state)
{
	static struct fx f;
	struct ovc_config c;
	struct ovc_profile p;
	struct ovc_task_spec u = { .comm = "user", .parent = -1, .uid = 1000, .admin = -1 };
	struct ovc_task_spec r = { .comm = "root", .parent = -1, .uid = 0, .admin = -1 };

	ovc_config_default(&c);
	c.ram_kb = 1024 * 1024;
	c.ncpus = 1;
	c.vm.overcommit_memory = 1;
	c.committed_kb = 0;
	c.hugepages = 4;
	assert_int_equal(ovc_profile_for("6.1", &p, NULL), 0);
	assert_int_equal(ovc_machine_init(&f.m, &c, &p, NULL), 0);
	assert_int_equal(ovc_task_create(&f.m, &u, &f.user, NULL), 0);
	assert_int_equal(ovc_task_create(&f.m, &r, &f.root, NULL), 0);
	*state = &f;
	return 0;
}

static int teardown(void **state)
{
	ovc_machine_free(&((struct fx *)*state)->m);
	return 0;
}

static struct ovc_mm *mm_of(struct fx *f, int tid)
{
	return f->m.tasks[tid].mm;
}

static struct ovc_result map(struct fx *f, int tid, uint64_t len, unsigned prot,
			     unsigned flags)
{
	struct ovc_mmap_req q = { .len = len, .prot = prot, .flags = ANON | flags };
	struct ovc_result r = { 0 };

	assert_int_equal(ovc_mmap(&f->m, tid, &q, &r), 0);
	return r;
}

static struct ovc_result mlockall(struct fx *f, int tid, unsigned flags)
{
	struct ovc_result r = { 0 };

	assert_int_equal(ovc_mlockall(&f->m, tid, flags, &r), 0);
	return r;
}

/* MAP_LOCKED with RLIMIT_MEMLOCK 0: can_do_mlock() fails first, EPERM,
 * though the size test would say EAGAIN; nothing is mapped. Root has
 * CAP_IPC_LOCK, so neither test refuses it. */
static void test_map_locked_rlimit_zero(void **state)
{
	struct fx *f = *state;
	struct ovc_result r;

	assert_int_equal(ovc_setrlimit(&f->m, f->user, 'L', 0), 0);
	r = map(f, f->user, 4096, RW, OVC_MAP_LOCKED);
	assert_int_equal(r.err, EPERM);
	assert_int_equal(r.cause, OVC_CAUSE_MLOCK);
	assert_int_equal(mm_of(f, f->user)->vmas.count, 0);
	assert_int_equal(mm_of(f, f->user)->total_vm, 0);
	/* Not locked: no mlock test at all. */
	assert_int_equal(map(f, f->user, 4096, RW, 0).err, 0);

	assert_int_equal(ovc_setrlimit(&f->m, f->root, 'L', 0), 0);
	r = map(f, f->root, 4096, RW, OVC_MAP_LOCKED);
	assert_int_equal(r.err, 0);
	assert_int_equal(mm_of(f, f->root)->locked_vm, 1);
}

/* mlock_future_check: 1M = 256 pages; 256 locked is not over, 257 is. */
static void test_map_locked_limit(void **state)
{
	struct fx *f = *state;
	struct ovc_result r;

	assert_int_equal(ovc_setrlimit(&f->m, f->user, 'L', MiB), 0);
	assert_int_equal(map(f, f->user, MiB, RW, OVC_MAP_LOCKED).err, 0);
	assert_int_equal(mm_of(f, f->user)->locked_vm, 256);
	r = map(f, f->user, 4096, RW, OVC_MAP_LOCKED);
	assert_int_equal(r.err, EAGAIN);
	assert_int_equal(r.limit, 256);
	assert_int_equal(r.value, 257);
}

/* mlockall(MCL_CURRENT) compares total_vm, every mapped page (PROT_NONE
 * and unlocked ones too), with RLIMIT_MEMLOCK: 256 + 1 pages > 256 is
 * ENOMEM and changes nothing. MCL_FUTURE alone has no size test.
 * MCL_CURRENT|MCL_FUTURE over the limit is ENOMEM, and MCL_FUTURE, set
 * before, stays. */
static void test_mlockall_current_over(void **state)
{
	struct fx *f = *state;
	struct ovc_result r;

	assert_int_equal(ovc_setrlimit(&f->m, f->user, 'L', MiB), 0);
	map(f, f->user, MiB, 0, 0);
	map(f, f->user, 4096, RW, 0);
	r = mlockall(f, f->user, OVC_MCL_CURRENT);
	assert_int_equal(r.err, ENOMEM);
	assert_int_equal(r.cause, OVC_CAUSE_MLOCK);
	assert_int_equal(r.limit, 256);
	assert_int_equal(r.value, 257);
	assert_int_equal(mm_of(f, f->user)->locked_vm, 0);

	assert_int_equal(mlockall(f, f->user, OVC_MCL_FUTURE).err, 0);
	assert_int_equal(f->m.tasks[f->user].mlock_future, 1);
	r = mlockall(f, f->user, OVC_MCL_CURRENT | OVC_MCL_FUTURE);
	assert_int_equal(r.err, ENOMEM);
	assert_int_equal(f->m.tasks[f->user].mlock_future, 1);
	assert_int_equal(mm_of(f, f->user)->locked_vm, 0);

	/* Exactly at the limit passes: unmap the 4k, 256 <= 256. */
	memset(&r, 0, sizeof(r));
	assert_int_equal(ovc_munmap(&f->m, f->user,
				    mm_of(f, f->user)->vmas.first->start * PG, 4096, &r), 0);
	assert_int_equal(mm_of(f, f->user)->total_vm, 256);
	assert_int_equal(mlockall(f, f->user, OVC_MCL_CURRENT).err, 0);
	assert_int_equal(mm_of(f, f->user)->locked_vm, 256);
}

/* A successful MCL_CURRENT locks every VMA: locked_vm = total_vm, so a
 * later MAP_LOCKED is measured against it. It also clears MCL_FUTURE,
 * and it faults the private writable pages in. Two adjacent VMAs that
 * differed only in LOCKED merge once both are locked. */
static void test_mlockall_current_locks(void **state)
{
	struct fx *f = *state;
	struct ovc_mm *mm = mm_of(f, f->user);
	struct ovc_result r;

	assert_int_equal(ovc_setrlimit(&f->m, f->user, 'L', 8 * MiB), 0);
	map(f, f->user, MiB, RW, OVC_MAP_LOCKED);	/* 256 locked, faulted */
	map(f, f->user, MiB, RW, 0);			/* right below, unlocked */
	map(f, f->user, MiB, OVC_PROT_READ, 0);		/* below that, read-only */
	assert_int_equal(mm->vmas.count, 3);
	assert_int_equal(mm->rss_anon, 256);
	assert_int_equal(mlockall(f, f->user, OVC_MCL_FUTURE).err, 0);

	r = mlockall(f, f->user, OVC_MCL_CURRENT);
	assert_int_equal(r.err, 0);
	assert_int_equal(mm->locked_vm, 768);
	assert_int_equal(mm->vmas.count, 2);		/* rw locked + rw merged */
	assert_int_equal(mm->rss_anon, 512);		/* the read-only MiB: zero page */
	assert_int_equal(f->m.tasks[f->user].mlock_future, 0);

	/* RLIMIT_MEMLOCK 3M = 768 pages: one more locked page is over. */
	assert_int_equal(ovc_setrlimit(&f->m, f->user, 'L', 3 * MiB), 0);
	r = map(f, f->user, 4096, RW, OVC_MAP_LOCKED);
	assert_int_equal(r.err, EAGAIN);
	assert_int_equal(r.value, 769);
	/* Without MCL_FUTURE a plain mapping is not locked. */
	assert_int_equal(map(f, f->user, 4096, RW, 0).err, 0);
	assert_int_equal(mm->locked_vm, 768);
}

/* mlockall with RLIMIT_MEMLOCK 0 and no CAP_IPC_LOCK: EPERM, MCL_FUTURE
 * included; root passes. */
static void test_mlockall_rlimit_zero(void **state)
{
	struct fx *f = *state;

	assert_int_equal(ovc_setrlimit(&f->m, f->user, 'L', 0), 0);
	assert_int_equal(mlockall(f, f->user, OVC_MCL_FUTURE).err, EPERM);
	assert_int_equal(mlockall(f, f->user, OVC_MCL_CURRENT).err, EPERM);
	assert_int_equal(f->m.tasks[f->user].mlock_future, 0);
	assert_int_equal(mlockall(f, f->user, 0).err, EINVAL);

	assert_int_equal(ovc_setrlimit(&f->m, f->root, 'L', 0), 0);
	map(f, f->root, 2 * MiB, RW, 0);
	assert_int_equal(mlockall(f, f->root, OVC_MCL_CURRENT | OVC_MCL_FUTURE).err, 0);
	assert_int_equal(mm_of(f, f->root)->locked_vm, 512);
}

/* mmap_region() drops LOCKED from a hugetlb VMA: locked_vm does not count
 * it, though the limit test ran on its length (1 huge page = 512 pages). */
static void test_hugetlb_not_locked(void **state)
{
	struct fx *f = *state;
	const struct ovc_vma *v;
	struct ovc_result r;

	assert_int_equal(ovc_setrlimit(&f->m, f->user, 'L', MiB), 0);
	r = map(f, f->user, 2 * MiB, RW, OVC_MAP_LOCKED | OVC_MAP_HUGETLB);
	assert_int_equal(r.err, EAGAIN);		/* 512 > 256 */
	assert_int_equal(ovc_setrlimit(&f->m, f->user, 'L', 2 * MiB), 0);
	r = map(f, f->user, 2 * MiB, RW, OVC_MAP_LOCKED | OVC_MAP_HUGETLB);
	assert_int_equal(r.err, 0);
	assert_int_equal(mm_of(f, f->user)->locked_vm, 0);
	assert_non_null(mm_of(f, f->user)->vmas.first);
	v = (const struct ovc_vma *)mm_of(f, f->user)->vmas.first;	/* node comes first */
	assert_int_equal(v->flags & OVC_VM_LOCKED, 0);
	assert_int_not_equal(v->flags & OVC_VM_HUGETLB, 0);
}

/* Under MCL_FUTURE brk locks the growth and faults it in; the limit
 * refusal is brk's old break (ENOMEM as libc reports it). */
static void test_brk_future(void **state)
{
	struct fx *f = *state;
	struct ovc_mm *mm = mm_of(f, f->user);
	struct ovc_result r = { 0 };
	uint64_t brk0 = mm->brk_bytes;

	assert_int_equal(ovc_setrlimit(&f->m, f->user, 'L', 3 * PG), 0);
	assert_int_equal(mlockall(f, f->user, OVC_MCL_FUTURE).err, 0);
	assert_int_equal(ovc_brk(&f->m, f->user, brk0 + 2 * PG, &r), 0);
	assert_int_equal(r.err, 0);
	assert_int_equal(mm->locked_vm, 2);
	assert_int_equal(mm->rss_anon, 2);
	memset(&r, 0, sizeof(r));
	assert_int_equal(ovc_brk(&f->m, f->user, brk0 + 4 * PG, &r), 0);
	assert_int_equal(r.err, ENOMEM);		/* 2 + 2 > 3 */
	assert_int_equal(r.cause, OVC_CAUSE_MLOCK);
	assert_int_equal(r.addr, brk0 + 2 * PG);
}

/* Population ignores what it cannot fault: MAP_POPULATE of PROT_NONE
 * succeeds and faults nothing. */
static void test_populate_prot_none(void **state)
{
	struct fx *f = *state;
	struct ovc_result r = map(f, f->user, MiB, 0, OVC_MAP_POPULATE);

	assert_int_equal(r.err, 0);
	assert_int_equal(r.touched, 0);
	r = map(f, f->user, MiB, RW, OVC_MAP_POPULATE);
	assert_int_equal(r.err, 0);
	assert_int_equal(r.touched, 256);
}

/* MCL_FUTURE is the mm's (def_flags): a thread of the task maps LOCKED too. */
static void test_future_shared_mm(void **state)
{
	struct fx *f = *state;
	struct ovc_result r = { 0 };
	int th;

	assert_int_equal(ovc_clone_thread(&f->m, f->user, &r), 0);
	th = r.child;
	assert_int_equal(mlockall(f, f->user, OVC_MCL_FUTURE).err, 0);
	assert_int_equal(map(f, th, 4096, RW, 0).err, 0);
	assert_int_equal(mm_of(f, f->user)->locked_vm, 1);
	assert_int_equal(mlockall(f, th, OVC_MCL_CURRENT).err, 0);
	assert_int_equal(f->m.tasks[f->user].mlock_future, 0);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup_teardown(test_map_locked_rlimit_zero, setup, teardown),
		cmocka_unit_test_setup_teardown(test_map_locked_limit, setup, teardown),
		cmocka_unit_test_setup_teardown(test_mlockall_current_over, setup, teardown),
		cmocka_unit_test_setup_teardown(test_mlockall_current_locks, setup, teardown),
		cmocka_unit_test_setup_teardown(test_mlockall_rlimit_zero, setup, teardown),
		cmocka_unit_test_setup_teardown(test_hugetlb_not_locked, setup, teardown),
		cmocka_unit_test_setup_teardown(test_brk_future, setup, teardown),
		cmocka_unit_test_setup_teardown(test_populate_prot_none, setup, teardown),
		cmocka_unit_test_setup_teardown(test_future_shared_mm, setup, teardown),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
