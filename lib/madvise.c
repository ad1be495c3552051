/* madvise.c - madvise(2) advice that changes what fork copies or frees.
 *
 * MADV_DONTFORK sets VM_DONTCOPY (fork neither copies nor charges the VMA),
 * MADV_DOFORK clears it, MADV_WIPEONFORK (4.14, private anonymous only)
 * sets VM_WIPEONFORK (still copied and charged), MADV_DONTNEED drops the
 * pages but not the charge. Flag changes split and merge VMAs through
 * madvise_update_vma(), whose ENOMEM from a split becomes EAGAIN
 * (mm/madvise.c). A range with holes is changed where mapped and ENOMEM.
 * Units: pages, bytes at the API.
 */
#include "mm_internal.h"

static int set_flag(struct ovc_machine *m, struct ovc_mm *mm, struct ovc_vma *v,
		    uint64_t s, uint64_t e, uint32_t set, uint32_t clear,
		    struct ovc_result *r)
{
	uint32_t nf = (v->flags | set) & ~clear;

	if (nf == v->flags)
		return 0;
	/* madvise_update_vma(): a failed split's ENOMEM becomes EAGAIN. */
	if (vma_modify_flags(m, mm, v, s, e, nf, r)) {
		r->err = EAGAIN;
		return -1;
	}
	return 0;
}

static int advise(struct ovc_machine *m, struct ovc_mm *mm, struct ovc_vma *v,
		  uint64_t s, uint64_t e, int advice, struct ovc_result *r)
{
	switch (advice) {
	case OVC_MADV_DONTFORK:
		return set_flag(m, mm, v, s, e, OVC_VM_DONTCOPY, 0, r);
	case OVC_MADV_DOFORK:
		return set_flag(m, mm, v, s, e, 0, OVC_VM_DONTCOPY, r);
	case OVC_MADV_WIPEONFORK:
		if (v->obj || v->flags & OVC_VM_SHARED) {
			refuse(r, EINVAL, OVC_CAUSE_INVAL);
			return -1;
		}
		return set_flag(m, mm, v, s, e, OVC_VM_WIPEONFORK, 0, r);
	case OVC_MADV_KEEPONFORK:
		return set_flag(m, mm, v, s, e, 0, OVC_VM_WIPEONFORK, r);
	case OVC_MADV_DONTNEED:
		if (v->flags & (OVC_VM_LOCKED | OVC_VM_HUGETLB)) {
			refuse(r, EINVAL, OVC_CAUSE_INVAL);
			return -1;
		}
		rss_drop(m, mm, s, e);
		return 0;
	}
	refuse(r, EINVAL, OVC_CAUSE_INVAL);
	return -1;
}

int ovc_madvise(struct ovc_machine *m, int tid, uint64_t addr, uint64_t len,
		int advice, struct ovc_result *r)
{
	struct ovc_task *t = ovc_task_get(m, tid);
	uint64_t s, e;
	int hole = 0;

	if (!t || !t->mm)
		return -OVC_E_STATE;
	if (addr & (m->page_size - 1) || user_range(m, addr, len, &s, &e))
		return refuse(r, EINVAL, OVC_CAUSE_INVAL);
	while (s < e) {
		struct ovc_vma *v = vma_first_in(t->mm, s, e);
		uint64_t ve;

		if (!v)
			return refuse(r, ENOMEM, OVC_CAUSE_NO_VMA);
		if (v->node.start > s)
			hole = 1;
		s = v->node.start > s ? v->node.start : s;
		ve = v->node.end < e ? v->node.end : e;
		if (advise(m, t->mm, v, s, ve, advice, r))
			return 0;
		s = ve;
	}
	return hole ? refuse(r, ENOMEM, OVC_CAUSE_NO_VMA) : 0;
}
