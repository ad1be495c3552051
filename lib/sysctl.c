/* sysctl.c - vm.* sysctls: names, reads, and writes with the kernel handlers' checks. */
#include <errno.h>
#include <limits.h>
#include <string.h>

#include "ovc/ops.h"

/*
 * Handlers modelled (kernel/sysctl.c vm_table, 3.10.9 AndreiLux/ref-3.10;
 * mm/util.c overcommit_*_handler, 5.10.228; kernel/sysctl.c of
 * 2.6.32-642.6.2.el6 for RHEL6):
 *   int knobs (proc_dointvec[_minmax]): a value outside int is EINVAL;
 *   unsigned long knobs (proc_doulongvec_minmax): a negative value is EINVAL;
 *   a knob the era does not have is ENOENT (no such file in /proc/sys/vm).
 * Ranges: overcommit_memory and panic_on_oom 0..2 (minmax from 3.x on),
 * max_map_count and min_free_kbytes >= 0, watermark_scale_factor 1..1000.
 */

static const char *const sysctl_names[OVC_SYSCTL_COUNT] = {
	[OVC_SYSCTL_OVERCOMMIT_MEMORY] = "overcommit_memory",
	[OVC_SYSCTL_OVERCOMMIT_RATIO] = "overcommit_ratio",
	[OVC_SYSCTL_OVERCOMMIT_KBYTES] = "overcommit_kbytes",
	[OVC_SYSCTL_ADMIN_RESERVE_KBYTES] = "admin_reserve_kbytes",
	[OVC_SYSCTL_USER_RESERVE_KBYTES] = "user_reserve_kbytes",
	[OVC_SYSCTL_MIN_FREE_KBYTES] = "min_free_kbytes",
	[OVC_SYSCTL_MAX_MAP_COUNT] = "max_map_count",
	[OVC_SYSCTL_WATERMARK_SCALE_FACTOR] = "watermark_scale_factor",
	[OVC_SYSCTL_PANIC_ON_OOM] = "panic_on_oom",
	[OVC_SYSCTL_OOM_KILL_ALLOCATING_TASK] = "oom_kill_allocating_task",
	[OVC_SYSCTL_OOM_DUMP_TASKS] = "oom_dump_tasks",
	[OVC_SYSCTL_NR_HUGEPAGES] = "nr_hugepages",
};

int ovc_sysctl_lookup(const char *name)
{
	int k;

	if (!name)
		return -1;
	if (strncmp(name, "vm.", 3) == 0)
		name += 3;
	for (k = 0; k < OVC_SYSCTL_COUNT; k++)
		if (strcmp(name, sysctl_names[k]) == 0)
			return k;
	return -1;
}

const char *ovc_sysctl_name(enum ovc_sysctl_key k)
{
	return (unsigned)k < OVC_SYSCTL_COUNT ? sysctl_names[k] : NULL;
}

/* vm.nr_hugepages reads persistent_huge_pages(): the pool without surplus. */
int64_t ovc_sysctl_read(const struct ovc_machine *m, enum ovc_sysctl_key k)
{
	const struct ovc_sysctl *vm = &m->vm;

	switch (k) {
	case OVC_SYSCTL_OVERCOMMIT_MEMORY: return vm->overcommit_memory;
	case OVC_SYSCTL_OVERCOMMIT_RATIO: return vm->overcommit_ratio;
	case OVC_SYSCTL_OVERCOMMIT_KBYTES: return (int64_t)vm->overcommit_kbytes;
	case OVC_SYSCTL_ADMIN_RESERVE_KBYTES: return (int64_t)vm->admin_reserve_kbytes;
	case OVC_SYSCTL_USER_RESERVE_KBYTES: return (int64_t)vm->user_reserve_kbytes;
	case OVC_SYSCTL_MIN_FREE_KBYTES: return (int64_t)vm->min_free_kbytes;
	case OVC_SYSCTL_MAX_MAP_COUNT: return (int64_t)vm->max_map_count;
	case OVC_SYSCTL_WATERMARK_SCALE_FACTOR: return vm->watermark_scale_factor;
	case OVC_SYSCTL_PANIC_ON_OOM: return vm->panic_on_oom;
	case OVC_SYSCTL_OOM_KILL_ALLOCATING_TASK: return vm->oom_kill_allocating_task;
	case OVC_SYSCTL_OOM_DUMP_TASKS: return vm->oom_dump_tasks;
	case OVC_SYSCTL_NR_HUGEPAGES: return (int64_t)(m->huge.nr - m->huge.surplus);
	case OVC_SYSCTL_COUNT: break;
	}
	return 0;
}

/* ------------------------------------------------------------------
 * Writes
 */

static int refuse(struct ovc_result *r, int err)
{
	r->err = err;
	r->cause = err == EINVAL ? OVC_CAUSE_INVAL : OVC_CAUSE_NONE;
	return 0;
}

static int in_range(int64_t v, int64_t lo, int64_t hi)
{
	return v >= lo && v <= hi;
}

/*
 * overcommit_policy_handler (5.9+, 5.10.228): the batch is recomputed for
 * the new policy and, when switching to NEVER, every CPU's delta is folded
 * into the count (percpu_counter_sync on each CPU) before the policy is
 * stored, so the strict test starts from an exact count. Earlier kernels
 * only store the value: their batch does not depend on the policy.
 */
static void write_overcommit_memory(struct ovc_machine *m, int policy)
{
	const struct ovc_counter_era *c = m->profile.counter;

	if (c->sync_on_never) {
		m->committed.batch = c->batch(m, policy);
		if (policy == 2)
			ovc_pcpu_fold(&m->committed);
	}
	m->vm.overcommit_memory = policy;
}

/*
 * hugetlb set_max_huge_pages(): growing first turns surplus pages into
 * persistent ones, then takes fresh huge pages from free memory while a
 * whole one is there (the kernel stops at the first failed allocation;
 * fragmentation and watermarks are not modelled). Shrinking frees only
 * free pages that are not reserved; pages still in use beyond the new
 * size become surplus and go when they are freed. The write itself never
 * fails: r->limit is the size asked for and r->value the size obtained.
 */
static void write_nr_hugepages(struct ovc_machine *m, uint64_t count, struct ovc_result *r)
{
	struct ovc_hugetlb *h = &m->huge;
	uint64_t per = h->size_kb >> (m->page_shift - 10);
	uint64_t persistent = h->nr - h->surplus, min_count;

	while (h->surplus && persistent < count) {
		h->surplus--;
		persistent++;
	}
	while (persistent < count && m->phys.free >= per) {
		m->phys.free -= per;
		h->nr++;
		h->free++;
		persistent++;
	}
	min_count = h->resv + h->nr - h->free;	/* in use or promised */
	if (min_count < count)
		min_count = count;
	while (min_count < persistent && h->free > 0) {
		h->free--;
		h->nr--;
		m->phys.free += per;
		persistent--;
	}
	while (count < persistent) {
		h->surplus++;
		persistent--;
	}
	r->limit = count;
	r->value = persistent;
}

/*
 * hugetlb_acct_memory(h, -n) -> return_unused_surplus_pages() (mm/hugetlb.c;
 * 6.1.131 GrapheneOS/kernel_common-6.1, 2.6.32-642 RHEL6 and vanilla 2.6.32
 * the same): every release of a reservation (hugetlb_vm_op_close of the
 * private owner, hugetlb_unreserve_pages when a hugetlbfs inode such as a
 * SysV SHM_HUGETLB segment dies) drops resv by n, then frees up to
 * min(n, surplus) surplus pages, each one only while a free huge page is
 * left (remove_pool_huge_page with acct_surplus: nr, free and surplus each
 * lose one). So pages a shrunken nr_hugepages left as surplus go back to
 * the buddy allocator when the reservation holding them goes, and
 * hugetlb_total_pages() (and thus CommitLimit) follows. Not modelled:
 * gigantic pages (order >= MAX_ORDER) are never freed here in 2.6.32 (nor
 * resized by nr_hugepages); the model treats every page size alike.
 */
void ovc_hugetlb_unreserve(struct ovc_machine *m, uint64_t huge_pages)
{
	struct ovc_hugetlb *h = &m->huge;
	uint64_t per = h->size_kb >> (m->page_shift - 10);
	uint64_t n = huge_pages < h->surplus ? huge_pages : h->surplus;

	h->resv -= huge_pages;
	while (n-- && h->free > 0) {
		h->free--;
		h->nr--;
		h->surplus--;
		m->phys.free += per;
	}
}

/* The int knobs: range check, store. */
static int write_int(int *slot, int64_t v, int64_t lo, int64_t hi, struct ovc_result *r)
{
	if (!in_range(v, lo, hi))
		return refuse(r, EINVAL);
	*slot = (int)v;
	return 0;
}

static int write_ulong(uint64_t *slot, int64_t v, int exists, struct ovc_result *r)
{
	if (!exists)
		return refuse(r, ENOENT);
	if (v < 0)
		return refuse(r, EINVAL);
	*slot = (uint64_t)v;
	return 0;
}

int ovc_sysctl_write(struct ovc_machine *m, enum ovc_sysctl_key k, int64_t v,
		     struct ovc_result *r)
{
	const struct ovc_admission_era *adm = m->profile.admission;
	struct ovc_sysctl *vm = &m->vm;
	struct ovc_result local;

	if (!r)
		r = &local;
	memset(r, 0, sizeof(*r));
	switch (k) {
	case OVC_SYSCTL_OVERCOMMIT_MEMORY:
		if (!in_range(v, 0, 2))
			return refuse(r, EINVAL);
		write_overcommit_memory(m, (int)v);
		return 0;
	case OVC_SYSCTL_OVERCOMMIT_RATIO:
		/* overcommit_ratio_handler (3.14+, RHEL6): clears overcommit_kbytes */
		if (!in_range(v, INT_MIN, INT_MAX))
			return refuse(r, EINVAL);
		vm->overcommit_ratio = (int)v;
		if (adm->has_kbytes)
			vm->overcommit_kbytes = 0;
		return 0;
	case OVC_SYSCTL_OVERCOMMIT_KBYTES:
		/* overcommit_kbytes_handler: clears overcommit_ratio */
		write_ulong(&vm->overcommit_kbytes, v, adm->has_kbytes, r);
		if (!r->err)
			vm->overcommit_ratio = 0;
		return 0;
	case OVC_SYSCTL_ADMIN_RESERVE_KBYTES:
		return write_ulong(&vm->admin_reserve_kbytes, v, adm->has_admin_reserve, r);
	case OVC_SYSCTL_USER_RESERVE_KBYTES:
		return write_ulong(&vm->user_reserve_kbytes, v, adm->has_user_reserve, r);
	case OVC_SYSCTL_MIN_FREE_KBYTES:
		/* min_free_kbytes_sysctl_handler -> setup_per_zone_wmarks():
		 * the watermarks and totalreserve follow at once. */
		if (!in_range(v, 0, INT_MAX))
			return refuse(r, EINVAL);
		vm->min_free_kbytes = (uint64_t)v;
		ovc_watermarks_update(m);
		return 0;
	case OVC_SYSCTL_MAX_MAP_COUNT:
		if (!in_range(v, 0, INT_MAX))
			return refuse(r, EINVAL);
		vm->max_map_count = (uint64_t)v;
		return 0;
	case OVC_SYSCTL_WATERMARK_SCALE_FACTOR:
		if (!m->profile.watermark->has_scale_factor)
			return refuse(r, ENOENT);
		write_int(&vm->watermark_scale_factor, v, 1, 1000, r);
		ovc_watermarks_update(m);
		return 0;
	case OVC_SYSCTL_PANIC_ON_OOM:
		return write_int(&vm->panic_on_oom, v, 0, 2, r);
	case OVC_SYSCTL_OOM_KILL_ALLOCATING_TASK:
		return write_int(&vm->oom_kill_allocating_task, v, INT_MIN, INT_MAX, r);
	case OVC_SYSCTL_OOM_DUMP_TASKS:
		return write_int(&vm->oom_dump_tasks, v, INT_MIN, INT_MAX, r);
	case OVC_SYSCTL_NR_HUGEPAGES:
		if (m->huge.size_kb >> (m->page_shift - 10) == 0)
			return refuse(r, ENOENT);
		if (v < 0)
			return refuse(r, EINVAL);
		write_nr_hugepages(m, (uint64_t)v, r);
		return 0;
	case OVC_SYSCTL_COUNT:
		break;
	}
	return -OVC_E_RANGE;
}
