/* mprotect.c - mprotect(2): write permission costs commit.
 *
 * Mirrors mprotect_fixup() (mm/mprotect.c): a private VMA gaining write
 * permission for the first time (none of ACCOUNT, WRITE, HUGETLB, SHARED,
 * NORESERVE) is charged for the pages changed; the VMA is split at the
 * range's edges and merged back where it can be. From 6.7 an anonymous
 * private VMA never faulted loses its charge when made read-only.
 * Units: pages, bytes at the API.
 */
#include "mm_internal.h"

/* may_expand_vm() for flags f, without refusing: RLIMIT_AS, and from 4.7
 * RLIMIT_DATA for a data mapping. */
static int would_expand(const struct ovc_machine *m, const struct ovc_task *t,
			uint32_t f, uint64_t pages)
{
	uint64_t as = t->rlim.as, data = t->rlim.data;

	if (as != OVC_UNLIMITED && t->mm->total_vm + pages > as >> m->page_shift)
		return 0;
	return !m->profile.syscall->data_rlimit_mmap || !is_data_mapping(f) ||
	       data == OVC_UNLIMITED || data == 0 ||	/* see may_expand_vm */
	       t->mm->data_vm + pages <= data >> m->page_shift;
}

/* mprotect_fixup() (4.5+): refuse only when the new flags would not be
 * allowed and the old ones were ("!may_expand_vm(new) && may_expand_vm(old)"). */
static int data_limit_ok(const struct ovc_machine *m, const struct ovc_task *t,
			 uint32_t old, uint32_t newflags, uint64_t pages,
			 struct ovc_result *r)
{
	if (would_expand(m, t, newflags, pages) || !would_expand(m, t, old, pages))
		return 1;
	r->limit = t->rlim.data >> m->page_shift;
	r->value = t->mm->data_vm + pages;
	refuse(r, ENOMEM, OVC_CAUSE_RLIMIT_DATA);
	return 0;
}

static int fixup(struct ovc_machine *m, struct ovc_task *t, struct ovc_vma *v,
		 uint64_t s, uint64_t e, uint32_t newflags, struct ovc_result *r)
{
	struct ovc_mm *mm = t->mm;
	uint64_t charged = 0, freed = 0;

	if (newflags == v->flags)
		return 0;
	if (!data_limit_ok(m, t, v->flags, newflags, e - s, r))
		return -1;
	if (newflags & OVC_VM_WRITE &&
	    !(v->flags & (OVC_VM_ACCOUNT | OVC_VM_WRITE | OVC_VM_HUGETLB |
			  OVC_VM_SHARED | OVC_VM_NORESERVE))) {
		charged = e - s;
		if (!charge(m, t, mm, charged, r))
			return -1;
		newflags |= OVC_VM_ACCOUNT;
	} else if (m->profile.syscall->mprotect_unaccount &&
		   v->flags & OVC_VM_ACCOUNT && !v->obj && !v->anon_vma &&
		   !(newflags & OVC_VM_WRITE)) {
		freed = e - s;
		newflags &= ~(uint32_t)OVC_VM_ACCOUNT;
	}
	if (vma_modify_flags(m, mm, v, s, e, newflags, r)) {
		uncharge(m, t, charged, r);
		r->err = ENOMEM;
		return -1;
	}
	uncharge(m, t, freed, r);
	return 0;
}

int ovc_mprotect(struct ovc_machine *m, int tid, uint64_t addr, uint64_t len,
		 unsigned prot, struct ovc_result *r)
{
	struct ovc_task *t = ovc_task_get(m, tid);
	uint32_t bits = OVC_VM_READ | OVC_VM_WRITE | OVC_VM_EXEC;
	uint32_t want;
	uint64_t s, e;

	if (!t || !t->mm)
		return -OVC_E_STATE;
	if (addr & (m->page_size - 1))
		return refuse(r, EINVAL, OVC_CAUSE_INVAL);
	want = (prot & OVC_PROT_READ ? OVC_VM_READ : 0) |
	       (prot & OVC_PROT_WRITE ? OVC_VM_WRITE : 0) |
	       (prot & OVC_PROT_EXEC ? OVC_VM_EXEC : 0);
	if (user_range(m, addr, len, &s, &e))
		return refuse(r, ENOMEM, OVC_CAUSE_NO_VMA);
	/* do_mprotect_pkey(): VMAs are changed one by one from the start; a
	 * hole stops the walk with ENOMEM, leaving earlier changes done. */
	while (s < e) {
		struct ovc_vma *v = vma_find(t->mm, s);
		uint64_t ve;

		if (!v)
			return refuse(r, ENOMEM, OVC_CAUSE_NO_VMA);
		ve = v->node.end < e ? v->node.end : e;
		r->vma_start = v->node.start;
		r->vma_pages = vma_pages(v);
		if (fixup(m, t, v, s, ve, (v->flags & ~bits) | want, r))
			return 0;
		s = ve;
	}
	return 0;
}
