/* vma.c - VMAs of an address space: insert, delete, split, merge.
 *
 * Every change to an mm's VMA tree goes through here so that total_vm,
 * data_vm, exec_vm, stack_vm, locked_vm, committed and the objects' map
 * counts stay in step with the tree (vm_stat_account, __vma_link,
 * __split_vma, vma_merge in mm/mmap.c). Units: pages.
 */
#include "mm_internal.h"

/* is_data_mapping() (mm/internal.h, 4.7+): private writable, not stack. */
int is_data_mapping(uint32_t flags)
{
	return (flags & (OVC_VM_WRITE | OVC_VM_SHARED | OVC_VM_GROWSDOWN)) == OVC_VM_WRITE;
}

/* vm_stat_account(): the per-type virtual size counters of /proc/PID/status. */
void vm_stat_account(struct ovc_mm *mm, uint32_t flags, int64_t pages)
{
	mm->total_vm += (uint64_t)pages;
	if ((flags & (OVC_VM_EXEC | OVC_VM_WRITE)) == OVC_VM_EXEC)
		mm->exec_vm += (uint64_t)pages;
	else if (flags & OVC_VM_GROWSDOWN)
		mm->stack_vm += (uint64_t)pages;
	else if (is_data_mapping(flags))
		mm->data_vm += (uint64_t)pages;
	if (flags & OVC_VM_LOCKED)
		mm->locked_vm += (uint64_t)pages;
	if (flags & OVC_VM_ACCOUNT)
		mm->committed += (uint64_t)pages;
}

struct ovc_vma *vma_new(struct ovc_machine *m, uint64_t start, uint64_t end,
			uint32_t flags, uint32_t obj, uint64_t pgoff)
{
	struct ovc_vma *v = ovc_pool_alloc(&m->vma_pool);

	if (!v)
		OVC_BUG("out of memory for a VMA");
	v->node.start = start;
	v->node.end = end;
	v->flags = flags;
	v->obj = obj;
	v->pgoff = pgoff;
	return v;
}

void vma_insert(struct ovc_machine *m, struct ovc_mm *mm, struct ovc_vma *v)
{
	if (ovc_itree_insert(&mm->vmas, &v->node))
		OVC_BUG("VMA overlaps another");
	vm_stat_account(mm, v->flags, (int64_t)vma_pages(v));
	if (v->obj)
		obj_get(m, v->obj)->maps++;
}

/* Remove v from the tree and free it. Charges and resident pages are the
 * caller's business; the object reference is dropped here. */
void vma_delete(struct ovc_machine *m, struct ovc_mm *mm, struct ovc_vma *v)
{
	uint32_t obj = v->obj;

	/* hugetlb_vm_op_close(): the owner gives back the reservation of the
	 * pages it never faulted (the model faults no huge pages), through
	 * hugetlb_acct_memory(), which also frees surplus pages left over. */
	if (v->flags & OVC_VM_HUGE_RESV) {
		uint64_t per = m->huge.size_kb >> (m->page_shift - 10);

		ovc_hugetlb_unreserve(m, vma_pages(v) / per);
	}

	vm_stat_account(mm, v->flags, -(int64_t)vma_pages(v));
	ovc_itree_remove(&mm->vmas, &v->node);
	ovc_pool_free(&m->vma_pool, v);
	if (obj)
		obj_get(m, obj)->maps--;
}

void vma_set_flags(struct ovc_mm *mm, struct ovc_vma *v, uint32_t flags)
{
	vm_stat_account(mm, v->flags, -(int64_t)vma_pages(v));
	v->flags = flags;
	vm_stat_account(mm, v->flags, (int64_t)vma_pages(v));
}

void vma_resize(struct ovc_mm *mm, struct ovc_vma *v, uint64_t start, uint64_t end)
{
	vm_stat_account(mm, v->flags, -(int64_t)vma_pages(v));
	if (v->obj || start != v->node.start)
		v->pgoff += start - v->node.start;
	ovc_itree_set(&mm->vmas, &v->node, start, end);
	vm_stat_account(mm, v->flags, (int64_t)vma_pages(v));
}

/* __split_vma(): v keeps [start, at), the returned VMA gets [at, end). */
struct ovc_vma *vma_split(struct ovc_machine *m, struct ovc_mm *mm,
			  struct ovc_vma *v, uint64_t at)
{
	uint64_t end = v->node.end;
	struct ovc_vma *hi = vma_new(m, at, end, v->flags, v->obj,
				     v->pgoff + (at - v->node.start));

	hi->anon_vma = v->anon_vma;
	vma_resize(mm, v, v->node.start, at);
	vma_insert(m, mm, hi);
	return hi;
}

/* is_mergeable_vma() and is_mergeable_anon_vma() (mm/mmap.c): same flags,
 * same object, contiguous offsets, and anon_vmas that do not conflict (a
 * VMA never faulted has none and can join either side). */
static int can_merge(const struct ovc_vma *a, const struct ovc_vma *b)
{
	if (a->node.end != b->node.start)
		return 0;
	if ((a->flags & OVC_VM_MERGE_MASK) != (b->flags & OVC_VM_MERGE_MASK))
		return 0;
	if (a->obj != b->obj || a->pgoff + vma_pages(a) != b->pgoff)
		return 0;
	if (a->flags & (OVC_VM_HUGETLB | OVC_VM_GROWSDOWN))
		return 0;
	return !a->anon_vma || !b->anon_vma || a->anon_vma == b->anon_vma;
}

/* Join v with b, its successor; returns v. */
static struct ovc_vma *join(struct ovc_machine *m, struct ovc_mm *mm,
			    struct ovc_vma *v, struct ovc_vma *b)
{
	uint64_t end = b->node.end;

	if (!v->anon_vma)
		v->anon_vma = b->anon_vma;
	vma_delete(m, mm, b);
	vm_stat_account(mm, v->flags, -(int64_t)vma_pages(v));
	ovc_itree_set(&mm->vmas, &v->node, v->node.start, end);
	vm_stat_account(mm, v->flags, (int64_t)vma_pages(v));
	return v;
}

/* vma_merge(): after v was created or changed, join it with its neighbours
 * when the kernel would. Returns the VMA that now covers v's range. */
struct ovc_vma *vma_merge_around(struct ovc_machine *m, struct ovc_mm *mm,
				 struct ovc_vma *v)
{
	struct ovc_vma *p = vma_prev(mm, v), *n = vma_next(mm, v);

	if (p && can_merge(p, v))
		v = join(m, mm, p, v);
	if (n && can_merge(v, n))
		v = join(m, mm, v, n);
	return v;
}

struct ovc_vma *vma_find(const struct ovc_mm *mm, uint64_t page)
{
	return vma_of(ovc_itree_find(&mm->vmas, page));
}

/* The lowest VMA that overlaps [start, end), or NULL. */
struct ovc_vma *vma_first_in(const struct ovc_mm *mm, uint64_t start, uint64_t end)
{
	struct ovc_vma *v = vma_of(ovc_itree_find_after(&mm->vmas, start));

	return v && v->node.start < end ? v : NULL;
}

struct ovc_vma *vma_next(const struct ovc_mm *mm, const struct ovc_vma *v)
{
	return vma_of(ovc_itree_next(&mm->vmas, &v->node));
}

struct ovc_vma *vma_prev(const struct ovc_mm *mm, const struct ovc_vma *v)
{
	return vma_of(ovc_itree_prev(&mm->vmas, &v->node));
}

/* Is every page of [start, end) inside some VMA? */
int range_mapped(const struct ovc_mm *mm, uint64_t start, uint64_t end)
{
	uint64_t at = start;
	struct ovc_vma *v = vma_first_in(mm, start, end);

	while (v && v->node.start <= at && at < end) {
		at = v->node.end;
		v = vma_next(mm, v);
	}
	return at >= end;
}

struct ovc_vma *vma_isolate(struct ovc_machine *m, struct ovc_mm *mm,
			    struct ovc_vma *v, uint64_t start, uint64_t end, int *err)
{
	int splits = (start > v->node.start) + (end < v->node.end);

	/* split_vma() refuses once map_count reaches vm.max_map_count. */
	if (splits && mm->vmas.count + (size_t)splits - 1 >= m->vm.max_map_count) {
		*err = -ENOMEM;
		return NULL;
	}
	if (start > v->node.start)
		v = vma_split(m, mm, v, start);
	if (end < v->node.end)
		vma_split(m, mm, v, end);
	*err = 0;
	return v;
}

/* Would v, given the flags nf, be mergeable with a neighbour n on the
 * side given (n before v when before is set)? */
static int can_merge_as(const struct ovc_vma *v, uint32_t nf, const struct ovc_vma *n,
			int before)
{
	struct ovc_vma w = *v;

	w.flags = nf;
	return before ? can_merge(n, &w) : can_merge(&w, n);
}

/* vma_merge() before split_vma(): when [s, e) starts or ends v and the
 * neighbour on that side already has the new flags, the boundary moves
 * and no split (nor map_count slot) is needed. Returns 1 if done. */
static int shift_boundary(struct ovc_machine *m, struct ovc_mm *mm, struct ovc_vma *v,
			  uint64_t s, uint64_t e, uint32_t nf)
{
	struct ovc_vma *p = vma_prev(mm, v), *n = vma_next(mm, v);
	uint64_t vs = v->node.start, ve = v->node.end;

	if (s == vs && e < ve && p && can_merge_as(v, nf, p, 1)) {
		vma_resize(mm, v, e, ve);
		vma_resize(mm, p, p->node.start, e);
		if (!p->anon_vma)
			p->anon_vma = v->anon_vma;
		return 1;
	}
	if (e == ve && s > vs && n && can_merge_as(v, nf, n, 0)) {
		vma_resize(mm, v, vs, s);
		vma_resize(mm, n, s, n->node.end);
		if (!n->anon_vma)
			n->anon_vma = v->anon_vma;
		return 1;
	}
	(void)m;
	return 0;
}

/* Give [s, e) of v the flags nf: merge into a neighbour where the kernel
 * would (no split needed), else split the range off (each split needs a
 * map_count slot), set the flags, and merge back where the neighbours now
 * match (mprotect_fixup, madvise_update_vma). Returns 0, or -ENOMEM with
 * r's limit, value and cause filled; the errno is the caller's to choose. */
int vma_modify_flags(struct ovc_machine *m, struct ovc_mm *mm, struct ovc_vma *v,
		     uint64_t s, uint64_t e, uint32_t nf, struct ovc_result *r)
{
	int err;

	if (shift_boundary(m, mm, v, s, e, nf))
		return 0;
	v = vma_isolate(m, mm, v, s, e, &err);
	if (!v) {
		r->limit = m->vm.max_map_count;
		r->value = mm->vmas.count;
		r->cause = OVC_CAUSE_MAP_COUNT;
		return err;
	}
	vma_set_flags(mm, v, nf);
	vma_merge_around(m, mm, v);
	return 0;
}
