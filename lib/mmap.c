/* mmap.c - mmap(2): where a mapping goes, what it is charged, and why it
 * may be refused.
 *
 * Mirrors do_mmap() and mmap_region() (mm/mmap.c; 2.6.32 do_mmap_pgoff):
 * map_count, address (with the THP alignment of 6.7+), the mlock checks,
 * may_expand_vm, MAP_FIXED unmapping, then the commit charge for
 * accountable mappings (accountable_mapping(): private, writable, not
 * hugetlb, not NORESERVE), then the VMA is created or merged into a
 * neighbour, and a locked or MAP_POPULATE mapping is faulted in.
 * MAP_NORESERVE is ignored under overcommit_memory=2 except for hugetlb.
 * Units: pages, bytes at the API.
 */
#include "mm_internal.h"

static uint32_t prot_flags(unsigned prot)
{
	return (prot & OVC_PROT_READ ? OVC_VM_READ : 0) |
	       (prot & OVC_PROT_WRITE ? OVC_VM_WRITE : 0) |
	       (prot & OVC_PROT_EXEC ? OVC_VM_EXEC : 0);
}

static uint32_t mmap_flags(const struct ovc_machine *m, const struct ovc_task *t,
			   const struct ovc_mmap_req *q)
{
	uint32_t f = prot_flags(q->prot);

	if (q->flags & OVC_MAP_SHARED)
		f |= OVC_VM_SHARED;
	if (q->flags & OVC_MAP_HUGETLB)
		f |= OVC_VM_HUGETLB;
	if (q->flags & OVC_MAP_GROWSDOWN)
		f |= OVC_VM_GROWSDOWN;
	if (q->flags & OVC_MAP_LOCKED || t->mlock_future)
		f |= OVC_VM_LOCKED;
	/* do_mmap(): MAP_NORESERVE only counts when overcommit is allowed. */
	if (q->flags & OVC_MAP_NORESERVE &&
	    (m->vm.overcommit_memory != 2 || f & OVC_VM_HUGETLB))
		f |= OVC_VM_NORESERVE;
	return f;
}

/* accountable_mapping() */
static int accountable(uint32_t f)
{
	if (f & (OVC_VM_HUGETLB | OVC_VM_SHARED | OVC_VM_NORESERVE))
		return 0;
	return (f & OVC_VM_WRITE) != 0;
}

/* The arch's get_unmapped_area (top-down): a free hint, else the highest
 * gap below mmap_base, else the highest anywhere. */
static int free_area(const struct ovc_mm *mm, uint64_t hint, uint64_t len,
		     uint64_t *out)
{
	if (hint && hint + len <= OVC_TASK_TOP && hint >= OVC_MMAP_MIN &&
	    !vma_first_in(mm, hint, hint + len)) {
		*out = hint;
		return 0;
	}
	if (!ovc_itree_gap_topdown(&mm->vmas, len, OVC_MMAP_MIN, mm->mmap_base, out))
		return 0;
	return ovc_itree_gap_topdown(&mm->vmas, len, OVC_MMAP_MIN, OVC_TASK_TOP, out);
}

/* PMD_SIZE in pages: 2 MiB on x86-64. */
static uint64_t pmd_pages(const struct ovc_machine *m)
{
	return (2ull << 20) >> m->page_shift;
}

/*
 * Does __get_unmapped_area() (get_unmapped_area before 6.10) send this
 * mapping to thp_get_unmapped_area? Only private anonymous memory: a
 * shared one is a shmem file (shmem_get_unmapped_area aligns only when
 * shmem THP is enabled, "never" by default), a hugetlb one a hugetlbfs
 * file (its own huge page alignment, not modelled), and a file has its
 * file's method. 6.7: __thp_get_unmapped_area takes any length of at
 * least PMD_SIZE (offset 0, so off_end - off_align = len). 6.12: only
 * multiples of PMD_SIZE (d4148aeab412) and only without a hint (Kalesh
 * Singh, 6.13, in 6.12.y).
 */
static int thp_placed(const struct ovc_machine *m, uint32_t f, uint32_t obj,
		      uint64_t hint, uint64_t len)
{
	uint64_t pmd = pmd_pages(m);

	if (obj || f & (OVC_VM_SHARED | OVC_VM_HUGETLB))
		return 0;
	switch (m->profile.syscall->thp_anon_align) {
	case OVC_THP_ALIGN_ANY:
		return len >= pmd;
	case OVC_THP_ALIGN_PMD_LEN:
		return !hint && len % pmd == 0;
	default:
		return 0;
	}
}

/*
 * __thp_get_unmapped_area() (mm/huge_memory.c, 6.7+): room for len +
 * PMD_SIZE is searched (if there is none, len alone, as the caller
 * retries). A hint that took the padded length is kept (ret == addr; the
 * 6.12 path has no hint). Otherwise the start moves up to the next PMD boundary (off_sub, the
 * offset being 0). When it is on one already, the top-down layout takes
 * the top of the padded area instead (96204e15310c, 6.8 and 6.7.y), so
 * the mapping ends where the gap ends; else a hole of less than PMD_SIZE
 * stays above it, and the next mapping does not merge with it.
 */
static int thp_address(const struct ovc_machine *m, const struct ovc_mm *mm,
		       uint64_t hint, uint64_t len, uint64_t *out)
{
	uint64_t pmd = pmd_pages(m), s, sub;

	if (free_area(mm, hint, len + pmd, &s))
		return free_area(mm, hint, len, out);
	if (hint && s == hint) {
		*out = s;
		return 0;
	}
	sub = (0 - s) & (pmd - 1);
	*out = sub ? s + sub : s + pmd;
	return 0;
}

/* mm_internal.h; hugetlb lengths come rounded to whole huge pages. */
int get_unmapped_area(const struct ovc_machine *m, const struct ovc_mm *mm,
		      uint32_t f, uint32_t obj, uint64_t hint, uint64_t len,
		      uint64_t *out)
{
	if (thp_placed(m, f, obj, hint, len))
		return thp_address(m, mm, hint, len, out);
	return free_area(mm, hint, len, out);
}

/* can_do_mlock() (mm/mlock.c, every era). */
int can_do_mlock(const struct ovc_task *t)
{
	return t->rlim.memlock != 0 || t->cap_ipc_lock;
}

/* mlock_future_check() (mm/mmap.c; 2.6.32 inline in do_mmap_pgoff; 6.12
 * mlock_future_ok): LOCKED memory over RLIMIT_MEMLOCK. */
int mlock_future_ok(const struct ovc_machine *m, const struct ovc_task *t,
		    uint32_t flags, uint64_t pages, struct ovc_result *r)
{
	uint64_t lim = t->rlim.memlock;

	if (!(flags & OVC_VM_LOCKED) || t->cap_ipc_lock || lim == OVC_UNLIMITED)
		return 1;
	if (t->mm->locked_vm + pages <= lim >> m->page_shift)
		return 1;
	r->limit = lim >> m->page_shift;
	r->value = t->mm->locked_vm + pages;
	return 0;
}

/*
 * mm_populate() -> __mm_populate() (mm/gup.c; 2.6.32 mlock_vma_pages_range,
 * make_pages_present): each VMA of the range is faulted in, with write
 * faults where it is private and writable (to break COW), read faults
 * otherwise. Errors are ignored: a PROT_NONE VMA is skipped (no
 * FOLL_FORCE), and so is hugetlb (the model faults no huge pages). An
 * executable, or shared write-only, VMA that is not readable is skipped
 * too, though the kernel's FOLL_FORCE read would fault it.
 */
void mm_populate(struct ovc_machine *m, int tid, uint64_t start, uint64_t end,
		 struct ovc_result *r)
{
	struct ovc_task *t = ovc_task_get(m, tid);
	uint64_t s = start;

	while (t && t->mm && s < end && !r->cause) {
		struct ovc_vma *v = vma_first_in(t->mm, s, end);
		uint64_t vs, ve;
		int write;

		if (!v)
			break;
		vs = v->node.start > s ? v->node.start : s;
		ve = v->node.end < end ? v->node.end : end;
		s = ve;
		write = (v->flags & (OVC_VM_WRITE | OVC_VM_SHARED)) == OVC_VM_WRITE;
		if (v->flags & OVC_VM_HUGETLB || !(write || v->flags & OVC_VM_READ))
			continue;
		ovc_touch(m, tid, vs << m->page_shift, (ve - vs) << m->page_shift,
			  write, r);
		t = ovc_task_get(m, tid);	/* the OOM killer may have taken it */
	}
}

/* Pages of VM_ACCOUNT VMAs inside [s, e). */
static uint64_t accounted_in(const struct ovc_mm *mm, uint64_t s, uint64_t e)
{
	uint64_t n = 0;

	for (struct ovc_vma *v = vma_first_in(mm, s, e); v && v->node.start < e;
	     v = vma_next(mm, v)) {
		if (!(v->flags & OVC_VM_ACCOUNT))
			continue;
		n += (v->node.end < e ? v->node.end : e) -
		     (v->node.start > s ? v->node.start : s);
	}
	return n;
}

/* Pages of any VMA inside [s, e) (count_vma_pages_range). */
static uint64_t mapped_in(const struct ovc_mm *mm, uint64_t s, uint64_t e)
{
	uint64_t n = 0;

	for (struct ovc_vma *v = vma_first_in(mm, s, e); v && v->node.start < e;
	     v = vma_next(mm, v))
		n += (v->node.end < e ? v->node.end : e) -
		     (v->node.start > s ? v->node.start : s);
	return n;
}

/* hugetlb_reserve_pages(): the pool must hold the whole mapping unless
 * NORESERVE. Returns 1 if reserved. */
static int huge_reserve(struct ovc_machine *m, uint64_t pages, uint32_t f,
			struct ovc_result *r)
{
	uint64_t per = m->huge.size_kb >> (m->page_shift - 10);
	uint64_t need = (pages + per - 1) / per;

	if (f & OVC_VM_NORESERVE)
		return 1;
	if (m->huge.free - m->huge.resv < need) {
		r->limit = m->huge.free - m->huge.resv;
		r->value = need;
		refuse(r, ENOMEM, OVC_CAUSE_HUGETLB);
		return 0;
	}
	m->huge.resv += need;
	return 1;
}

/* 6.12's __mmap_region() gathers the old VMAs first and keeps them until
 * the new mapping is sure: a refusal leaves the old mapping in place, and
 * only the pages not already charged are charged (none: no test at all).
 * Returns 0 to go on, or -1 refused with nothing changed. */
static int fixed_keep_old(struct ovc_machine *m, struct ovc_task *t, uint64_t s,
			  uint64_t len, int acct, uint64_t *net, struct ovc_result *r)
{
	if (unmap_would_fail(m, t->mm, s, s + len)) {
		r->limit = m->vm.max_map_count;
		r->value = t->mm->vmas.count;
		refuse(r, ENOMEM, OVC_CAUSE_MAP_COUNT);
		return -1;
	}
	if (acct)
		*net = len - accounted_in(t->mm, s, s + len);
	return 0;
}

/* mmap_region() from the limits on: returns the new VMA or NULL (r says). */
static struct ovc_vma *map_region(struct ovc_machine *m, struct ovc_task *t,
				  uint64_t s, uint64_t len, uint32_t f,
				  uint32_t obj, uint64_t pgoff, struct ovc_result *r)
{
	struct ovc_mm *mm = t->mm;
	uint64_t over = mapped_in(mm, s, s + len), net = len;
	int keep = m->profile.syscall->fixed_keeps_old && over;
	int acct = accountable(f), ok;
	struct ovc_vma *v;

	/* may_expand_vm() counts only the pages a MAP_FIXED adds (3.x+). */
	mm->total_vm -= over;
	ok = may_expand_vm(m, t, f, len, r);
	mm->total_vm += over;
	if (!ok)
		return NULL;
	/* Before 6.12 the old range is unmapped first, so a refusal leaves
	 * a hole. */
	if (keep ? fixed_keep_old(m, t, s, len, acct, &net, r) :
	    over && unmap_range(m, t, s, s + len, 0, r))
		return NULL;
	if (acct) {
		if (net && !charge(m, t, mm, net, r))
			return NULL;
		f |= OVC_VM_ACCOUNT;
	}
	/* The old range's charge carries over to an accountable mapping. */
	if (keep)
		unmap_range(m, t, s, s + len, acct, r);
	if (f & OVC_VM_HUGETLB) {
		if (!huge_reserve(m, len, f, r)) {
			if (f & OVC_VM_ACCOUNT)
				uncharge(m, t, len, r);
			return NULL;
		}
		if (!(f & OVC_VM_NORESERVE))
			f |= OVC_VM_HUGE_RESV;
	}
	v = vma_new(m, s, s + len, f, obj, obj ? pgoff : s);
	vma_insert(m, mm, v);
	return vma_merge_around(m, mm, v);
}

/* A shared anonymous mapping is backed by a shmem object that carries its
 * own charge (shmem_zero_setup -> shmem_acct_size): full size now, or page
 * by page when NORESERVE was honoured. */
static int shared_anon_object(struct ovc_machine *m, struct ovc_task *t,
			      uint64_t len, uint32_t f, uint32_t *obj,
			      struct ovc_result *r)
{
	struct ovc_object *o;
	/* shmem_acct_size() admits against current->mm in every era
	 * (2.6.32's _kern variant passes current->mm too). */
	if (!(f & OVC_VM_NORESERVE) && !charge(m, t, t->mm, len, r))
		return -1;
	o = obj_new(m, OVC_OBJ_SHMEM, len);
	o->noreserve = (f & OVC_VM_NORESERVE) != 0;
	o->charged = o->noreserve ? 0 : len;
	*obj = o->id;
	return 0;
}

/* do_mmap() after the address: MAP_LOCKED needs can_do_mlock() (EPERM),
 * then any LOCKED mapping (MAP_LOCKED or mlockall(MCL_FUTURE)) must fit
 * RLIMIT_MEMLOCK (EAGAIN), in every era. mmap_region() then drops LOCKED
 * from a hugetlb VMA, which locked_vm never counts. Returns 1 to go on. */
static int mlock_checks(const struct ovc_machine *m, const struct ovc_task *t,
			const struct ovc_mmap_req *q, uint32_t *f, uint64_t len,
			struct ovc_result *r)
{
	if (q->flags & OVC_MAP_LOCKED && !can_do_mlock(t)) {
		r->limit = 0;
		r->value = t->mm->locked_vm + len;
		refuse(r, EPERM, OVC_CAUSE_MLOCK);
		return 0;
	}
	if (!mlock_future_ok(m, t, *f, len, r)) {
		refuse(r, EAGAIN, OVC_CAUSE_MLOCK);
		return 0;
	}
	if (*f & OVC_VM_HUGETLB)
		*f &= ~(uint32_t)OVC_VM_LOCKED;
	return 1;
}

int ovc_mmap(struct ovc_machine *m, int tid, const struct ovc_mmap_req *q,
	     struct ovc_result *r)
{
	struct ovc_task *t = ovc_task_get(m, tid);
	uint64_t len, s, pgoff = q->offset >> m->page_shift;
	uint32_t f, obj = q->obj;
	struct ovc_vma *v;
	int populate;

	if (!t || !t->mm)
		return -OVC_E_STATE;
	f = mmap_flags(m, t, q);
	/* do_mmap(): a length the address space cannot hold is ENOMEM. */
	if (q->len > (OVC_TASK_TOP << m->page_shift))
		return refuse(r, ENOMEM, OVC_CAUSE_NO_SPACE);
	len = (q->len + m->page_size - 1) >> m->page_shift;
	if (f & OVC_VM_HUGETLB) {
		uint64_t per = m->huge.size_kb >> (m->page_shift - 10);
		len = (len + per - 1) / per * per;
	}
	if (!q->len || q->addr & (m->page_size - 1) || (obj && !obj_get(m, obj)))
		return refuse(r, EINVAL, OVC_CAUSE_INVAL);
	if (t->mm->vmas.count > m->vm.max_map_count) {
		r->limit = m->vm.max_map_count;
		r->value = t->mm->vmas.count;
		return refuse(r, ENOMEM, OVC_CAUSE_MAP_COUNT);
	}
	s = q->addr >> m->page_shift;
	if (q->flags & OVC_MAP_FIXED) {
		if (!s || s + len > OVC_TASK_TOP)
			return refuse(r, EINVAL, OVC_CAUSE_INVAL);
	} else if (get_unmapped_area(m, t->mm, f, obj, s, len, &s)) {
		return refuse(r, ENOMEM, OVC_CAUSE_NO_SPACE);
	}
	/* do_mmap()'s *populate: LOCKED (even on hugetlb, which then stays
	 * unlocked) or MAP_POPULATE. */
	populate = q->flags & OVC_MAP_POPULATE || f & OVC_VM_LOCKED;
	if (!mlock_checks(m, t, q, &f, len, r))
		return 0;
	if (!obj && f & OVC_VM_SHARED && !(f & OVC_VM_HUGETLB) &&
	    shared_anon_object(m, t, len, f, &obj, r))
		return 0;
	v = map_region(m, t, s, len, f, obj, pgoff, r);
	if (!v) {
		if (obj && !q->obj)
			obj_unmapped(m, obj_get(m, obj), t->cpu);
		return 0;
	}
	r->addr = s << m->page_shift;
	r->vma_start = v->node.start;
	r->vma_pages = vma_pages(v);
	if (populate)
		mm_populate(m, tid, s, s + len, r);
	return 0;
}
