/* test_admission.c - __vm_enough_memory() per era: kernel-spec §3.9 examples, §3.8 quirks. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>
#include <cmocka.h>

#include "ovc/commit.h"
#include "ovc/machine.h"

/*
 * The §3.9 machine: totalram 2,000,000 pages, swap 1,000,000 pages, no
 * hugetlb, overcommit_ratio 50, admin reserve 8192 kB = 2048 pages, user
 * reserve 131072 kB = 32768 pages. GUESS state: FREE 300,000, FILE
 * 600,000, SHMEM 50,000, SWAPFREE 800,000, SLAB_R 40,000, totalreserve
 * 20,000. The caller is non-root with total_vm 500,000 unless a row says
 * otherwise. The counter is exact here (no delta array); the per-CPU
 * approximation has its own tests in test_commit.c.
 */
static void machine_3_9(struct ovc_machine *m, const char *kernel, int policy)
{
	memset(m, 0, sizeof(*m));
	if (ovc_profile_for(kernel, &m->profile, NULL) != 0)
		fail_msg("profile %s", kernel);
	m->page_size = 4096;
	m->page_shift = 12;
	m->ncpus = 1;
	m->ram = 2000000;
	m->phys.swap_total = 1000000;
	m->phys.swap_free = 800000;
	m->phys.free = 300000;
	m->phys.file = 600000;
	m->phys.shmem = 50000;
	m->phys.slab_reclaimable = 40000;
	m->phys.totalreserve = 20000;
	m->huge.size_kb = 2048;
	m->vm.overcommit_memory = policy;
	m->vm.overcommit_ratio = 50;
	m->vm.admin_reserve_kbytes = 8192;
	m->vm.user_reserve_kbytes = 131072;
	m->committed.ncpus = 1;		/* delta NULL: exact */
}

/* Row tweaks */
static void ratio0_noswap(struct ovc_machine *m)
{
	m->vm.overcommit_ratio = 0;
	m->phys.swap_total = 0;
}
static void ratio0(struct ovc_machine *m)
{
	m->vm.overcommit_ratio = 0;
}
static void kbytes_2000000(struct ovc_machine *m)
{
	m->vm.overcommit_kbytes = 2000000;	/* 500,000 pages */
}
static void hugetlb_100(struct ovc_machine *m)
{
	m->huge.nr = 100;			/* 100 * 512 = 51,200 pages */
}
static void reclaimable_10000(struct ovc_machine *m)
{
	m->phys.reclaimable = 10000;
}
static void free_at_reserve(struct ovc_machine *m)
{
	m->phys.free = 20000;			/* = totalreserve */
}
static void guess_small_sum(struct ovc_machine *m)
{
	/* 1,000 + 20,500 = 21,500; -20,000 totalreserve = 1,500 < 2048 */
	m->phys.free = 1000;
	m->phys.file = 0;
	m->phys.shmem = 0;
	m->phys.swap_free = 0;
	m->phys.slab_reclaimable = 20500;
}
static void guess_at_reserve(struct ovc_machine *m)
{
	guess_small_sum(m);
	m->phys.slab_reclaimable = 19000;	/* sum 20,000 = totalreserve */
}
static void stage1_small(struct ovc_machine *m)
{
	m->phys.file = 1000;			/* 2.6.32 stage 1: 1,000 < 2048 */
	m->phys.swap_free = 0;
	m->phys.slab_reclaimable = 0;
}

enum { NO_MM = -1 };

struct adm_row {
	const char *name;
	const char *kernel;
	int policy, admin;
	int64_t total_vm;	/* NO_MM: kernel-internal charge */
	int64_t before;		/* Committed_AS before the request */
	uint64_t pages;
	int ok;
	int64_t value;		/* NEVER: allowed; GUESS: estimate; 5.2+: RAM + swap */
	int wrapped;
	void (*tweak)(struct ovc_machine *m);
};

#define NEVER 2
#define GUESS 0

static const struct adm_row rows[] = {
	/* NEVER 3.10+: 2,000,000 - 2048 - min(15,625, 32,768) = 1,982,327 */
	{ "never 4.19 fits", "4.19", NEVER, 0, 500000, 1000000, 982326, 1, 1982327, 0, NULL },
	{ "never 4.19 equal", "4.19", NEVER, 0, 500000, 1000000, 982327, 0, 1982327, 0, NULL },
	{ "never 3.10 fits", "3.10", NEVER, 0, 500000, 1000000, 982326, 1, 1982327, 0, NULL },
	{ "never 3.10 equal", "3.10", NEVER, 0, 500000, 1000000, 982327, 0, 1982327, 0, NULL },
	{ "never 6.1 equal", "6.1", NEVER, 0, 500000, 1000000, 982327, 0, 1982327, 0, NULL },
	/* as root: 2,000,000 - 15,625 = 1,984,375 */
	{ "never 6.1 root fits", "6.1", NEVER, 1, 500000, 1000000, 984374, 1, 1984375, 0, NULL },
	{ "never 6.1 root equal", "6.1", NEVER, 1, 500000, 1000000, 984375, 0, 1984375, 0, NULL },
	/* kernel-internal (mm NULL): only the admin cut, 1,997,952 */
	{ "never 4.19 no mm", "4.19", NEVER, 0, NO_MM, 1000000, 997951, 1, 1997952, 0, NULL },
	{ "never 4.19 no mm equal", "4.19", NEVER, 0, NO_MM, 1000000, 997952, 0, 1997952, 0, NULL },
	/* user reserve caps the per-process cut: total_vm 2,000,000 -> 62,500 vs 32,768 */
	{ "never 4.19 big mm", "4.19", NEVER, 0, 2000000, 0, 1965183, 1, 1965184, 0, NULL },
	{ "never 4.19 big mm equal", "4.19", NEVER, 0, 2000000, 0, 1965184, 0, 1965184, 0, NULL },
	/* N1 2.6.32: (1,000,000 - 31,250) + 1,000,000 - 15,625 = 1,953,125 */
	{ "never 2.6.32 fits", "2.6.32", NEVER, 0, 500000, 1000000, 953124, 1, 1953125, 0, NULL },
	{ "never 2.6.32 equal", "2.6.32", NEVER, 0, 500000, 1000000, 953125, 0, 1953125, 0, NULL },
	{ "never 3.1 equal", "3.1", NEVER, 0, 500000, 1000000, 953125, 0, 1953125, 0, NULL },
	/* root 2.6.32: no 3% cut: 2,000,000 - 15,625 */
	{ "never 2.6.32 root", "2.6.32", NEVER, 1, 500000, 0, 1984374, 1, 1984375, 0, NULL },
	/* N1r RHEL6: 2,000,000 - 2048 - total_vm/32 (no user reserve cap) */
	{ "never rhel6", "rhel6", NEVER, 0, 500000, 1000000, 982327, 0, 1982327, 0, NULL },
	{ "never rhel6 big mm", "rhel6", NEVER, 0, 2000000, 0, 1935451, 1, 1935452, 0, NULL },
	{ "never rhel6 big mm equal", "rhel6", NEVER, 0, 2000000, 0, 1935452, 0, 1935452, 0, NULL },
	/* overcommit_kbytes 2,000,000 kB = 500,000 pages replaces the ratio
	 * where it exists: 500,000 + 1,000,000 - 2048 - 15,625 = 1,482,327 */
	{ "never 3.14 kbytes", "3.14", NEVER, 0, 500000, 0, 1482327, 0, 1482327, 0, kbytes_2000000 },
	{ "never 3.14 kbytes fits", "3.14", NEVER, 0, 500000, 0, 1482326, 1, 1482327, 0, kbytes_2000000 },
	{ "never rhel6 kbytes", "rhel6", NEVER, 0, 500000, 0, 1482327, 0, 1482327, 0, kbytes_2000000 },
	{ "never 3.13 ignores kbytes", "3.13", NEVER, 0, 500000, 0, 1982326, 1, 1982327, 0, kbytes_2000000 },
	/* hugetlb comes off the ratio part: (2,000,000 - 51,200) / 2 + 1,000,000
	 * - 2048 - 15,625 = 1,956,727 */
	{ "never 4.19 hugetlb", "4.19", NEVER, 0, 500000, 0, 1956727, 0, 1956727, 0, hugetlb_100 },

	/* §3.8 unsigned quirk: ratio 0, no swap, non-root: 0 - 2048 - 15,625
	 * = -17,673; up to 3.19 it wraps to 2^64 - 17,673 and anything fits */
	{ "wrap 3.10 passes", "3.10", NEVER, 0, 500000, 0, 10000000, 1, -17673, 1, ratio0_noswap },
	{ "wrap 3.14 passes", "3.14", NEVER, 0, 500000, 0, 10000000, 1, -17673, 1, ratio0_noswap },
	{ "wrap 3.19 passes", "3.19", NEVER, 0, 500000, 0, 10000000, 1, -17673, 1, ratio0_noswap },
	{ "wrap 4.0 refuses", "4.0", NEVER, 0, 500000, 0, 1, 0, -17673, 0, ratio0_noswap },
	{ "wrap 6.1 refuses", "6.1", NEVER, 0, 500000, 0, 1, 0, -17673, 0, ratio0_noswap },
	/* 2.6.32: 0 - 0 + 0 - 15,625 wraps too; RHEL6: 0 - 2048 - 15,625 */
	{ "wrap 2.6.32 passes", "2.6.32", NEVER, 0, 500000, 0, 10000000, 1, -15625, 1, ratio0_noswap },
	{ "wrap rhel6 passes", "rhel6", NEVER, 0, 500000, 0, 10000000, 1, -17673, 1, ratio0_noswap },
	/* 3.10 with swap: 0 - 2048 wraps, + 1,000,000 wraps back: 982,327, no pass */
	{ "wrap back 3.10", "3.10", NEVER, 0, 500000, 0, 982327, 0, 982327, 0, ratio0 },
	{ "wrap back 3.10 fits", "3.10", NEVER, 0, 500000, 0, 982326, 1, 982327, 0, ratio0 },

	/* GUESS G1 2.6.32: stage 1 = 1,440,000 - 45,000 = 1,395,000; stage 2
	 * adds (300,000 - 20,000) - 8,750 = 271,250 -> 1,666,250 */
	{ "guess 2.6.32 stage 1", "2.6.32", GUESS, 0, 500000, 0, 1394999, 1, 1395000, 0, NULL },
	{ "guess 2.6.32 stage 2", "2.6.32", GUESS, 0, 500000, 0, 1395000, 1, 1666250, 0, NULL },
	{ "guess 2.6.32 stage 2 top", "2.6.32", GUESS, 0, 500000, 0, 1666249, 1, 1666250, 0, NULL },
	{ "guess 2.6.32 equal", "2.6.32", GUESS, 0, 500000, 0, 1666250, 0, 1666250, 0, NULL },
	{ "guess 2.6.32 root", "2.6.32", GUESS, 1, 500000, 0, 1719999, 1, 1720000, 0, NULL },
	{ "guess 2.6.32 root equal", "2.6.32", GUESS, 1, 500000, 0, 1720000, 0, 1720000, 0, NULL },
	{ "guess 2.6.32 free at reserve", "2.6.32", GUESS, 0, 500000, 0, 1395000, 0, 1395000, 0, free_at_reserve },
	/* G1r RHEL6: stage 1 = 1,440,000 - 2048; + 271,250 = 1,709,202 */
	{ "guess rhel6", "rhel6", GUESS, 0, 500000, 0, 1709201, 1, 1709202, 0, NULL },
	{ "guess rhel6 equal", "rhel6", GUESS, 0, 500000, 0, 1709202, 0, 1709202, 0, NULL },
	{ "guess rhel6 wrap", "rhel6", GUESS, 0, 500000, 0, 10000000, 1, -1048, 1, stage1_small },
	/* G2 3.1: 1,690,000 - 20,000 = 1,670,000; - 52,187 = 1,617,813 */
	{ "guess 3.1 fits", "3.1", GUESS, 0, 500000, 0, 1617812, 1, 1617813, 0, NULL },
	{ "guess 3.1 equal", "3.1", GUESS, 0, 500000, 0, 1617813, 0, 1617813, 0, NULL },
	/* G3 3.10-4.16: 1,670,000 - 2048 = 1,667,952 */
	{ "guess 3.10 fits", "3.10", GUESS, 0, 500000, 0, 1667951, 1, 1667952, 0, NULL },
	{ "guess 3.10 equal", "3.10", GUESS, 0, 500000, 0, 1667952, 0, 1667952, 0, NULL },
	{ "guess 4.16 equal", "4.16", GUESS, 0, 500000, 0, 1667952, 0, 1667952, 0, reclaimable_10000 },
	{ "guess 3.10 root", "3.10", GUESS, 1, 500000, 0, 1669999, 1, 1670000, 0, NULL },
	/* G4/G5: + reclaimable kernel memory */
	{ "guess 4.17 reclaimable", "4.17", GUESS, 0, 500000, 0, 1677951, 1, 1677952, 0, reclaimable_10000 },
	{ "guess 5.1 reclaimable", "5.1", GUESS, 0, 500000, 0, 1677952, 0, 1677952, 0, reclaimable_10000 },
	/* at or below totalreserve: refused whatever the size */
	{ "guess 3.10 at reserve", "3.10", GUESS, 1, 500000, 0, 1, 0, 0, 0, guess_at_reserve },
	/* 1,500 - 2048 wraps up to 3.19 and passes; 4.0+ refuses */
	{ "guess wrap 3.10", "3.10", GUESS, 0, 500000, 0, 10000000, 1, -548, 1, guess_small_sum },
	{ "guess wrap 3.19", "3.19", GUESS, 0, 500000, 0, 10000000, 1, -548, 1, guess_small_sum },
	{ "guess no wrap 4.0", "4.0", GUESS, 0, 500000, 0, 1, 0, 0, 0, guess_small_sum },
	/* G6 5.2+: fails iff pages > 3,000,000 */
	{ "guess 5.2 equal", "5.2", GUESS, 0, 500000, 0, 3000000, 1, 3000000, 0, NULL },
	{ "guess 5.2 over", "5.2", GUESS, 0, 500000, 0, 3000001, 0, 3000000, 0, NULL },
	{ "guess 6.12 over", "6.12", GUESS, 1, 500000, 0, 3000001, 0, 3000000, 0, NULL },

	/* ALWAYS */
	{ "always", "6.1", 1, 0, 500000, 0, 100000000, 1, 0, 0, NULL },
	{ "always 2.6.32", "2.6.32", 1, 0, 500000, 0, 100000000, 1, 0, 0, NULL },
};

static int64_t value_of(const struct ovc_admit *a)
{
	switch (a->rule) {
	case OVC_ADMIT_NEVER: return a->allowed;
	case OVC_ADMIT_GUESS_FREE: return (int64_t)a->estimate;
	case OVC_ADMIT_GUESS_TOTAL: return (int64_t)a->ram_swap;
	case OVC_ADMIT_ALWAYS: return 0;
	}
	return -1;
}

static void test_rows(void **state)
{
	size_t i;

	(void)state;
	for (i = 0; i < sizeof(rows) / sizeof(rows[0]); i++) {
		const struct adm_row *r = &rows[i];
		struct ovc_machine m;
		struct ovc_mm mm;
		struct ovc_admit a;
		int ok;

		machine_3_9(&m, r->kernel, r->policy);
		if (r->tweak)
			r->tweak(&m);
		memset(&mm, 0, sizeof(mm));
		mm.total_vm = r->total_vm < 0 ? 0 : (uint64_t)r->total_vm;
		m.committed.count = r->before;
		ok = ovc_commit_admit(&m, r->total_vm < 0 ? NULL : &mm, r->pages, r->admin, 0, &a);
		if (ok != r->ok || a.ok != r->ok)
			fail_msg("%s: ok %d, want %d", r->name, ok, r->ok);
		if (value_of(&a) != r->value)
			fail_msg("%s: value %lld, want %lld", r->name, (long long)value_of(&a),
				 (long long)r->value);
		if (a.wrapped != r->wrapped)
			fail_msg("%s: wrapped %d, want %d", r->name, a.wrapped, r->wrapped);
		/* charged first, uncharged on refusal */
		if (a.committed != r->before + (int64_t)r->pages)
			fail_msg("%s: committed at test %lld", r->name, (long long)a.committed);
		if (ovc_pcpu_sum(&m.committed) != r->before + (ok ? (int64_t)r->pages : 0))
			fail_msg("%s: counter after %lld", r->name, (long long)ovc_pcpu_sum(&m.committed));
		if (strcmp(a.era, m.profile.admission->era.name) != 0 || a.pages != r->pages ||
		    a.policy != r->policy || a.admin != r->admin)
			fail_msg("%s: header fields", r->name);
	}
}

/* Every number of one NEVER and one GUESS explanation. */
static void test_fields(void **state)
{
	struct ovc_machine m;
	struct ovc_mm mm = { .total_vm = 500000 };
	struct ovc_admit a;

	(void)state;
	machine_3_9(&m, "4.19", NEVER);
	m.committed.count = 1000000;
	assert_int_equal(ovc_commit_admit(&m, &mm, 982327, 0, 0, &a), 0);
	assert_int_equal(a.rule, OVC_ADMIT_NEVER);
	assert_string_equal(a.era, "4.17");
	assert_int_equal(a.limit, 2000000);
	assert_int_equal(a.ram_part, 1000000);
	assert_int_equal(a.swap_part, 1000000);
	assert_int_equal(a.admin_cut, 2048);
	assert_int_equal(a.total_vm, 500000);
	assert_int_equal(a.user_cut, 15625);
	assert_int_equal(a.allowed, 1982327);
	assert_int_equal(a.seen, 1982327);
	assert_int_equal(a.committed, 1982327);

	machine_3_9(&m, "2.6.32", GUESS);
	assert_int_equal(ovc_commit_admit(&m, &mm, 1666250, 0, 0, &a), 0);
	assert_int_equal(a.rule, OVC_ADMIT_GUESS_FREE);
	assert_int_equal(a.free, 300000);
	assert_int_equal(a.file, 600000);
	assert_int_equal(a.shmem, 50000);
	assert_int_equal(a.swap_free, 800000);
	assert_int_equal(a.slab, 40000);
	assert_int_equal(a.totalreserve, 20000);
	assert_int_equal(a.stage1, 1395000);
	assert_int_equal(a.admin_cut, 45000 + 8750);
	assert_int_equal(a.estimate, 1666250);

	/* NULL explanation is allowed */
	machine_3_9(&m, "6.1", GUESS);
	assert_int_equal(ovc_commit_admit(&m, NULL, 10, 0, 0, NULL), 1);
}

/* The rule functions straight from the table, without the frame: the
 * NEVER test reads the counter as it stands. */
static void test_rule_direct(void **state)
{
	struct ovc_machine m;
	struct ovc_admit a;

	(void)state;
	machine_3_9(&m, "6.1", NEVER);
	memset(&a, 0, sizeof(a));
	m.committed.count = 1997951;
	assert_int_equal(m.profile.admission->never(&m, NULL, 0, 0, &a), 1);
	m.committed.count = 1997952;
	assert_int_equal(m.profile.admission->never(&m, NULL, 0, 0, &a), 0);
	/* a negative counter reads as 0 (read_positive) */
	m.committed.count = -5;
	assert_int_equal(m.profile.admission->never(&m, NULL, 0, 0, &a), 1);
	assert_int_equal(a.seen, 0);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_rows),
		cmocka_unit_test(test_fields),
		cmocka_unit_test(test_rule_direct),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
