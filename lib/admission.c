/* admission.c - GUESS and NEVER tests of __vm_enough_memory(), one function per era. Pages. */
#include "ovc/commit.h"
#include "ovc/machine.h"

/*
 * Each function is called after the request was added to Committed_AS
 * (lib/commit.c does the charge and the uncharge) and returns 1 to admit,
 * 0 to refuse, with every number it used in struct ovc_admit.
 *
 * The arithmetic is done in uint64_t, which wraps exactly as the kernel's
 * unsigned long did before 4.0. Eras with signed_arith (4.0+, Roman
 * Gushchin's fix) reinterpret the same bits as long for the comparisons,
 * which is what the kernel's long variables hold; there a negative bound
 * refuses instead of wrapping into a pass. Comparisons are strict, as in
 * the kernel: the estimate must exceed the request, and the counter must
 * stay below the bound.
 *
 * Function names: the kernel function, the policy, and the first release
 * of the era (rows in lib/profile.c). Inputs: totalram_pages = m->ram,
 * hugetlb_total_pages() = ovc_hugetlb_pages(m), the vmstat counters in
 * m->phys, the sysctls in m->vm, the caller's mm->total_vm.
 */

static uint64_t admin_reserve_pages(const struct ovc_machine *m)
{
	return ovc_kb_to_pages(m, m->vm.admin_reserve_kbytes);
}

static uint64_t user_reserve_pages(const struct ovc_machine *m)
{
	return ovc_kb_to_pages(m, m->vm.user_reserve_kbytes);
}

static int signed_arith(const struct ovc_machine *m)
{
	return m->profile.admission->signed_arith;
}

/* ------------------------------------------------------------------
 * OVERCOMMIT_GUESS
 */

static void guess_inputs(const struct ovc_machine *m, struct ovc_admit *a)
{
	a->rule = OVC_ADMIT_GUESS_FREE;
	a->free = m->phys.free;
	a->file = m->phys.file;
	a->shmem = m->phys.shmem;
	a->swap_free = m->phys.swap_free;
	a->slab = m->phys.slab_reclaimable;
	a->reclaimable = m->phys.reclaimable;
	a->totalreserve = m->phys.totalreserve;
}

/*
 * G1 (2.6.32) and G1r (RHEL6): page cache + free swap + reclaimable slab,
 * less a cut for non-root; only if that is not enough, free pages above
 * totalreserve (less 1/32 for non-root) are added. Shmem is not taken out.
 * The stage-1 cut is free/32 in 2.6.32 and admin_reserve_kbytes in RHEL6,
 * where it can wrap below zero and so admit anything.
 */
static int guess_two_stage(const struct ovc_machine *m, uint64_t pages, int admin,
			   struct ovc_admit *a, int admin_reserve_cut)
{
	uint64_t free, n, cut;

	guess_inputs(m, a);
	free = a->file + a->swap_free + a->slab;
	if (!admin) {
		cut = admin_reserve_cut ? admin_reserve_pages(m) : free / 32;
		a->wrapped = cut > free;
		a->admin_cut = cut;
		free -= cut;
	}
	a->stage1 = a->estimate = free;
	if (free > pages)
		return 1;

	n = a->free;		/* nr_free_pages(): only read when about to fail */
	if (n <= a->totalreserve)
		return 0;
	n -= a->totalreserve;
	if (!admin) {
		a->admin_cut += n / 32;	/* admin_cut: both stages' cuts together */
		n -= n / 32;
	}
	free += n;
	a->estimate = free;
	return free > pages;
}

/* mm/mmap.c __vm_enough_memory, 2.6.32.67 (xuguangmin): G1. */
int vm_enough_memory_guess_v2_6_32(const struct ovc_machine *m, uint64_t pages,
				   int admin, struct ovc_admit *a)
{
	return guess_two_stage(m, pages, admin, a, 0);
}

/* mm/mmap.c __vm_enough_memory, 2.6.32-642.6.2.el6 (functor): G1r. */
int vm_enough_memory_guess_rhel6(const struct ovc_machine *m, uint64_t pages,
				 int admin, struct ovc_admit *a)
{
	return guess_two_stage(m, pages, admin, a, 1);
}

/*
 * G2 (3.1), G3 (3.10), G4/G5 (4.17, 4.20): one estimate, free + file -
 * shmem + free swap + reclaimable slab (+ the reclaimable kernel counter
 * where guess_reclaimable), nothing at or below totalreserve, then a
 * non-root cut: free/32 in G2, admin_reserve_kbytes from 3.10. The
 * admin-reserve cut wraps before 4.0 and goes negative (refusal) after.
 */
static int guess_one_stage(const struct ovc_machine *m, uint64_t pages, int admin,
			   struct ovc_admit *a, int admin_reserve_cut)
{
	uint64_t free, cut;

	guess_inputs(m, a);
	free = a->free + a->file - a->shmem + a->swap_free + a->slab;
	if (m->profile.admission->guess_reclaimable)
		free += a->reclaimable;
	a->stage1 = free;	/* the sum before totalreserve */
	if (free <= a->totalreserve)
		return 0;
	free -= a->totalreserve;
	if (!admin) {
		cut = admin_reserve_cut ? admin_reserve_pages(m) : free / 32;
		a->admin_cut = cut;
		a->wrapped = !signed_arith(m) && cut > free;
		free -= cut;
	}
	if (signed_arith(m)) {
		/* long free: a negative estimate is stored as 0, and refuses */
		a->estimate = (int64_t)free < 0 ? 0 : free;
		return (int64_t)free > (int64_t)pages;
	}
	a->estimate = free;
	return free > pages;
}

/* mm/mmap.c __vm_enough_memory, 3.1.y (kangsterizer): G2. */
int vm_enough_memory_guess_v3_1(const struct ovc_machine *m, uint64_t pages,
				int admin, struct ovc_admit *a)
{
	return guess_one_stage(m, pages, admin, a, 0);
}

/* mm/mmap.c __vm_enough_memory, 3.10.9 (AndreiLux); mm/util.c 4.19
 * (0x88888888): G3, and G4/G5 through the guess_reclaimable column. */
int vm_enough_memory_guess_v3_10(const struct ovc_machine *m, uint64_t pages,
				 int admin, struct ovc_admit *a)
{
	return guess_one_stage(m, pages, admin, a, 1);
}

/* mm/util.c __vm_enough_memory, 5.10.228 (06I90), commit 8c7829b04c52:
 * G6, only a request larger than RAM + swap fails (equality passes). */
int vm_enough_memory_guess_v5_2(const struct ovc_machine *m, uint64_t pages,
				int admin, struct ovc_admit *a)
{
	(void)admin;
	a->rule = OVC_ADMIT_GUESS_TOTAL;
	a->ram_swap = m->ram + m->phys.swap_total;
	return !(pages > a->ram_swap);
}

/* ------------------------------------------------------------------
 * OVERCOMMIT_NEVER
 */

static void never_inputs(const struct ovc_machine *m, const struct ovc_mm *mm,
			 struct ovc_admit *a)
{
	a->rule = OVC_ADMIT_NEVER;
	a->limit = ovc_commit_limit(m);
	a->swap_part = m->phys.swap_total;
	a->ram_part = a->limit - a->swap_part;	/* exact even if the sum wrapped */
	a->total_vm = mm ? mm->total_vm : 0;
	a->seen = ovc_pcpu_read_positive(&m->committed);
}

/*
 * percpu_counter_read_positive(&vm_committed_as) < allowed. Before 4.0
 * allowed is unsigned long and the s64 counter is converted to unsigned,
 * so a bound that wrapped below zero is huge and admits everything; from
 * 4.0 both are signed and a negative bound refuses everything.
 */
static int never_verdict(const struct ovc_machine *m, uint64_t allowed, struct ovc_admit *a)
{
	a->allowed = (int64_t)allowed;	/* as the kernel's bits: -2048 means 2^64-2048 if wrapped */
	if (signed_arith(m))
		return a->seen < (int64_t)allowed;
	a->wrapped = (int64_t)allowed < 0;
	return (uint64_t)a->seen < allowed;
}

/* mm/mmap.c __vm_enough_memory, 2.6.32.67 and 3.1.y: N1. The ratio part
 * loses 1/32 for non-root, and the caller keeps total_vm/32 for others. */
int vm_enough_memory_never_v2_6_32(const struct ovc_machine *m, const struct ovc_mm *mm,
				   uint64_t pages, int admin, struct ovc_admit *a)
{
	uint64_t allowed;

	(void)pages;
	never_inputs(m, mm, a);
	allowed = a->ram_part;
	if (!admin) {
		a->admin_cut = allowed / 32;
		allowed -= a->admin_cut;
	}
	allowed += a->swap_part;
	if (mm) {
		a->user_cut = a->total_vm / 32;
		allowed -= a->user_cut;
	}
	return never_verdict(m, allowed, a);
}

/* mm/mmap.c __vm_enough_memory, 2.6.32-642.6.2.el6 (functor): N1r,
 * vm_commit_limit() less admin_reserve_kbytes, less total_vm/32. */
int vm_enough_memory_never_rhel6(const struct ovc_machine *m, const struct ovc_mm *mm,
				 uint64_t pages, int admin, struct ovc_admit *a)
{
	uint64_t allowed;

	(void)pages;
	never_inputs(m, mm, a);
	allowed = a->limit;
	if (!admin) {
		a->admin_cut = admin_reserve_pages(m);
		allowed -= a->admin_cut;
	}
	if (mm) {
		a->user_cut = a->total_vm / 32;
		allowed -= a->user_cut;
	}
	return never_verdict(m, allowed, a);
}

/*
 * mm/mmap.c __vm_enough_memory 3.10.9 (AndreiLux), mm/util.c 4.19 and
 * 5.10.228: N3. The limit (ratio, or overcommit_kbytes where the era has
 * it: ovc_commit_limit) less admin_reserve_kbytes for non-root, less
 * min(total_vm/32, user_reserve_kbytes) for the caller. 3.10-3.13 add swap
 * after the admin cut and 3.14+ before it; modulo 2^64 it is the same sum.
 */
int vm_enough_memory_never_v3_10(const struct ovc_machine *m, const struct ovc_mm *mm,
				 uint64_t pages, int admin, struct ovc_admit *a)
{
	uint64_t allowed, user;

	(void)pages;
	never_inputs(m, mm, a);
	allowed = a->limit;
	if (!admin) {
		a->admin_cut = admin_reserve_pages(m);
		allowed -= a->admin_cut;
	}
	if (mm) {
		user = user_reserve_pages(m);	/* < 2^62: min as long = min as unsigned */
		a->user_cut = a->total_vm / 32 < user ? a->total_vm / 32 : user;
		allowed -= a->user_cut;
	}
	return never_verdict(m, allowed, a);
}
