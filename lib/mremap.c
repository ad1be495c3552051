/* mremap.c - mremap(2): growing a charged mapping charges the growth.
 *
 * Mirrors mm/mremap.c: vma_to_resize() (limits, and the charge of new_len -
 * old_len for VM_ACCOUNT VMAs), then growth in place when the space after
 * the VMA is free, else move_vma() when MREMAP_MAYMOVE allows: the pages
 * and their charge move with the VMA (the old range is unmapped with
 * VM_ACCOUNT hidden). A refused charge returned EFAULT until 4.0 and
 * ENOMEM from 4.1. MREMAP_DONTUNMAP (5.7) keeps the old mapping, so the
 * new one is charged in full. Units: pages, bytes at the API.
 */
#include "mm_internal.h"

static int commit_refused(const struct ovc_machine *m, struct ovc_result *r)
{
	r->err = m->profile.syscall->mremap_commit_errno;
	return 0;
}

/* move_vma(): a new VMA at 'to' takes [s, s+old) of v and grows to 'len'. */
static void move(struct ovc_machine *m, struct ovc_task *t, struct ovc_vma *v,
		 uint64_t s, uint64_t old, uint64_t to, uint64_t len, int dontunmap)
{
	struct ovc_mm *mm = t->mm;
	uint32_t flags = v->flags;
	uint64_t pgoff = v->pgoff + (s - v->node.start);
	struct ovc_vma *nv = vma_new(m, to, to + len, flags, v->obj, pgoff);
	struct ovc_result scratch = { 0 };

	nv->anon_vma = v->anon_vma;
	if (v->obj)
		obj_get(m, v->obj)->maps++;	/* held across the unmap below */
	rss_move(m, mm, s, s + old, (int64_t)(to - s));
	vma_insert(m, mm, nv);
	if (!dontunmap)
		unmap_range(m, t, s, s + old, 1, &scratch);
	if (v->obj)
		obj_get(m, nv->obj)->maps--;
	vma_merge_around(m, mm, nv);
}

static int grow(struct ovc_machine *m, struct ovc_task *t, struct ovc_vma *v,
		uint64_t s, uint64_t old, uint64_t len, unsigned flags,
		uint64_t to, struct ovc_result *r)
{
	struct ovc_mm *mm = t->mm;
	uint64_t add = len - old, charged = 0, cost;
	struct ovc_vma *n = vma_next(mm, v);
	int dontunmap = (flags & OVC_MREMAP_DONTUNMAP) != 0;

	if (v->flags & OVC_VM_HUGETLB)
		return refuse(r, EINVAL, OVC_CAUSE_INVAL);
	if (!may_expand_vm(m, t, v->flags, add, r))
		return 0;
	cost = dontunmap ? len : add;
	/* vma_to_resize() (move_vma from 5.15) tests even a charge of 0
	 * pages, as a same-size MREMAP_FIXED move asks: at or past the
	 * bound, that is ENOMEM too. */
	if (v->flags & OVC_VM_ACCOUNT) {
		if (!charge(m, t, mm, cost, r))
			return commit_refused(m, r);
		charged = cost;
	}
	/* Grow in place when the range ends the VMA and the space after it
	 * is free. */
	if (!(flags & (OVC_MREMAP_FIXED | OVC_MREMAP_DONTUNMAP)) &&
	    s + old == v->node.end && (!n || n->node.start >= s + len) &&
	    s + len <= OVC_TASK_TOP) {
		vma_resize(mm, v, v->node.start, s + len);
		r->addr = s << m->page_shift;
		return 0;
	}
	if (!(flags & OVC_MREMAP_MAYMOVE) ||
	    mm->vmas.count >= m->vm.max_map_count - 3) {
		uncharge(m, t, charged, r);
		return refuse(r, ENOMEM, flags & OVC_MREMAP_MAYMOVE ?
			      OVC_CAUSE_MAP_COUNT : OVC_CAUSE_CANNOT_GROW);
	}
	if (flags & OVC_MREMAP_FIXED) {
		unmap_range(m, t, to, to + len, 0, r);
	} else if (get_unmapped_area(m, mm, v->flags, v->obj, 0, len, &to)) {
		uncharge(m, t, charged, r);
		return refuse(r, ENOMEM, OVC_CAUSE_NO_SPACE);
	}
	move(m, t, v, s, old, to, len, dontunmap);
	r->addr = to << m->page_shift;
	return 0;
}

int ovc_mremap(struct ovc_machine *m, int tid, uint64_t addr, uint64_t old_len,
	       uint64_t new_len, unsigned flags, uint64_t new_addr,
	       struct ovc_result *r)
{
	struct ovc_task *t = ovc_task_get(m, tid);
	uint64_t s, e, old, len;
	struct ovc_vma *v;

	if (!t || !t->mm)
		return -OVC_E_STATE;
	if (addr & (m->page_size - 1) || !new_len ||
	    (flags & OVC_MREMAP_FIXED && !(flags & OVC_MREMAP_MAYMOVE)))
		return refuse(r, EINVAL, OVC_CAUSE_INVAL);
	/* MREMAP_DONTUNMAP (5.7) moves a mapping of unchanged size. */
	if (flags & OVC_MREMAP_DONTUNMAP &&
	    (!m->profile.syscall->has_dontunmap || !(flags & OVC_MREMAP_MAYMOVE) ||
	     old_len != new_len))
		return refuse(r, EINVAL, OVC_CAUSE_INVAL);
	if (user_range(m, addr, old_len, &s, &e) || new_len > (OVC_TASK_TOP << m->page_shift))
		return refuse(r, EINVAL, OVC_CAUSE_INVAL);
	old = e - s;
	len = (new_len + m->page_size - 1) >> m->page_shift;
	r->addr = addr;
	/* A shrink drops the tail before any VMA is looked at: in place it is
	 * all there is to do ("always allow a shrinking remap"); mremap_to()
	 * then moves what is left. */
	if (len < old) {
		unmap_range(m, t, s + len, s + old, 0, r);
		old = len;
	}
	if (!(flags & (OVC_MREMAP_FIXED | OVC_MREMAP_DONTUNMAP)) && len <= old)
		return 0;
	v = vma_find(t->mm, s);
	if (!v || s + old > v->node.end)
		return refuse(r, EFAULT, OVC_CAUSE_NO_VMA);
	r->vma_start = v->node.start;
	r->vma_pages = vma_pages(v);
	return grow(m, t, v, s, old, len, flags, new_addr >> m->page_shift, r);
}
