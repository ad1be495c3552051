/* munmap.c - munmap(2) and the unmapping every other operation reuses.
 *
 * Mirrors do_munmap() (mm/mmap.c; do_vmi_munmap in 6.x): split the VMAs at
 * the edges of the range, remove what is inside, and give back the pages
 * of VM_ACCOUNT VMAs in one vm_unacct_memory() call (unmap_region /
 * remove_vma_list). A split in the middle of a VMA needs a free map_count
 * slot. Units: pages, bytes at the API.
 */
#include "mm_internal.h"

/* Drop v's object reference for good: a shmem object with no mapping
 * left dies here and returns its charge. */
static void drop_vma(struct ovc_machine *m, struct ovc_mm *mm, struct ovc_vma *v,
		     unsigned cpu)
{
	struct ovc_object *o = v->obj ? obj_get(m, v->obj) : NULL;

	rss_drop(m, mm, v->node.start, v->node.end);
	vma_delete(m, mm, v);
	if (o)
		obj_unmapped(m, o, cpu);
}

/* do_munmap() (3.10+): punching a hole inside one VMA needs a map_count
 * slot; the kernel checks before any split. */
int unmap_would_fail(const struct ovc_machine *m, const struct ovc_mm *mm,
		     uint64_t start, uint64_t end)
{
	struct ovc_vma *v = vma_first_in(mm, start, end);

	return v && v->node.start < start && end < v->node.end &&
	       mm->vmas.count >= m->vm.max_map_count;
}

int unmap_range(struct ovc_machine *m, struct ovc_task *t, uint64_t start,
		uint64_t end, int keep_charge, struct ovc_result *r)
{
	struct ovc_mm *mm = t->mm;
	struct ovc_vma *v = vma_first_in(mm, start, end);
	uint64_t acct = 0;

	if (!v)
		return 0;
	if (unmap_would_fail(m, mm, start, end)) {
		r->limit = m->vm.max_map_count;
		r->value = mm->vmas.count;
		refuse(r, ENOMEM, OVC_CAUSE_MAP_COUNT);
		return -ENOMEM;
	}
	while (v && v->node.start < end) {
		struct ovc_vma *next;

		if (v->node.start < start)
			v = vma_split(m, mm, v, start);
		if (v->node.end > end)
			vma_split(m, mm, v, end);
		next = vma_next(mm, v);
		if (v->flags & OVC_VM_ACCOUNT)
			acct += vma_pages(v);
		drop_vma(m, mm, v, t->cpu);
		v = next;
	}
	if (!keep_charge)
		uncharge(m, t, acct, r);
	return 0;
}

int ovc_munmap(struct ovc_machine *m, int tid, uint64_t addr, uint64_t len,
	       struct ovc_result *r)
{
	struct ovc_task *t = ovc_task_get(m, tid);
	uint64_t s, e;

	if (!t || !t->mm)
		return -OVC_E_STATE;
	if (!len || addr & (m->page_size - 1) || user_range(m, addr, len, &s, &e))
		return refuse(r, EINVAL, OVC_CAUSE_INVAL);
	unmap_range(m, t, s, e, 0, r);
	return 0;
}
