/* brk.c - brk(2): the heap, always charged.
 *
 * Mirrors sys_brk() and do_brk() / do_brk_flags() (mm/mmap.c): the
 * RLIMIT_DATA check on the whole data segment, the next mapping in the
 * way, then the mlock limit (EAGAIN inside the kernel), may_expand_vm,
 * map_count and the commit charge for the growth. The heap VMA is always
 * VM_ACCOUNT (nothing can ask for NORESERVE) and grows by merging with the
 * previous VMA when it can. On any failure brk() returns the old break,
 * which libc turns into ENOMEM. After mlockall(MCL_FUTURE) the growth is
 * locked and faulted in (sys_brk's mm_populate; 2.6.32 do_brk's
 * mlock_vma_pages_range). brk never asks can_do_mlock(). Units: pages,
 * bytes at the API.
 */
#include "mm_internal.h"

static int refused(struct ovc_mm *mm, struct ovc_result *r, enum ovc_cause c)
{
	r->addr = mm->brk_bytes;
	if (r->cause == OVC_CAUSE_NONE)
		r->cause = c;
	r->err = ENOMEM;	/* what libc's sbrk/malloc reports */
	return 0;
}

static int do_brk(struct ovc_machine *m, struct ovc_task *t, uint64_t s,
		  uint64_t len, struct ovc_result *r)
{
	struct ovc_mm *mm = t->mm;
	uint32_t f = OVC_VM_READ | OVC_VM_WRITE | OVC_VM_ACCOUNT | OVC_VM_HEAP;
	struct ovc_vma *prev = vma_find(mm, s - 1), *v;

	/* check_brk_limits() -> mlock_future_check(mm, mm->def_flags, len) */
	if (t->mlock_future)
		f |= OVC_VM_LOCKED;
	if (!mlock_future_ok(m, t, f, len, r))
		return refused(mm, r, OVC_CAUSE_MLOCK);
	if (!may_expand_vm(m, t, f, len, r))
		return refused(mm, r, r->cause);
	if (mm->vmas.count > m->vm.max_map_count)
		return refused(mm, r, OVC_CAUSE_MAP_COUNT);
	if (!charge(m, t, mm, len, r))
		return refused(mm, r, OVC_CAUSE_COMMIT);
	/* "Can we just expand an old private anonymous mapping?" */
	if (prev && prev->node.end == s && !prev->obj &&
	    (prev->flags & OVC_VM_MERGE_MASK) == (f & OVC_VM_MERGE_MASK)) {
		vma_resize(mm, prev, prev->node.start, s + len);
		v = prev;
	} else {
		v = vma_new(m, s, s + len, f, 0, s);
		vma_insert(m, mm, v);
	}
	r->vma_start = v->node.start;
	r->vma_pages = vma_pages(v);
	return 1;
}

int ovc_brk(struct ovc_machine *m, int tid, uint64_t new_brk, struct ovc_result *r)
{
	struct ovc_task *t = ovc_task_get(m, tid);
	struct ovc_mm *mm;
	uint64_t ps = m->page_size, oldp, newp;

	if (!t || !t->mm)
		return -OVC_E_STATE;
	mm = t->mm;
	r->addr = mm->brk_bytes;
	/* Below start_brk or past the address space: the old break stays. */
	if (new_brk < mm->brk_start_bytes || new_brk >= OVC_TASK_TOP << m->page_shift)
		return refused(mm, r, OVC_CAUSE_INVAL);
	/* check_data_rlimit(): the heap plus the image's data segment. */
	if (t->rlim.data != OVC_UNLIMITED &&
	    new_brk - mm->brk_start_bytes + mm->data_bytes > t->rlim.data) {
		r->limit = t->rlim.data >> m->page_shift;
		r->value = (new_brk - mm->brk_start_bytes + mm->data_bytes) >> m->page_shift;
		return refused(mm, r, OVC_CAUSE_RLIMIT_DATA);
	}
	oldp = (mm->brk_bytes + ps - 1) >> m->page_shift;
	newp = (new_brk + ps - 1) >> m->page_shift;
	if (newp < oldp) {
		unmap_range(m, t, newp, oldp, 0, r);
	} else if (newp > oldp) {
		/* The next mapping must leave a page free above the new break
		 * (find_vma_intersection(oldbrk, newbrk + PAGE_SIZE)). */
		if (vma_first_in(mm, oldp, newp + 1))
			return refused(mm, r, OVC_CAUSE_NO_SPACE);
		if (!do_brk(m, t, oldp, newp - oldp, r))
			return 0;
	}
	mm->brk_bytes = new_brk;
	r->addr = new_brk;
	if (newp > oldp && t->mlock_future)
		mm_populate(m, tid, oldp, newp, r);
	return 0;
}
