/* mm.c - address spaces: creation, teardown, and the checks every
 * operation shares (may_expand_vm, the commit charge).
 *
 * Mirrors: mm_alloc/mmput/exit_mmap (kernel/fork.c, mm/mmap.c),
 *          may_expand_vm (mm/mmap.c; RLIMIT_DATA for mmap from 4.7).
 * Units: pages.
 */
#include "mm_internal.h"

struct ovc_mm *mm_new(struct ovc_machine *m)
{
	struct ovc_mm *mm = ovc_pool_alloc(&m->mm_pool);

	if (!mm)
		OVC_BUG("out of memory for an mm");
	ovc_itree_init(&mm->vmas, OVC_MMAP_MIN, OVC_TASK_TOP);
	ovc_itree_init(&mm->rss, 0, OVC_TASK_TOP);
	mm->users = 1;
	mm->stack_top = OVC_TASK_TOP;
	/* mmap_base(): below the stack and its rlimit gap (128 MiB minimum). */
	mm->mmap_base = OVC_TASK_TOP - (128ull << (20 - 12));
	mm->brk_start_bytes = mm->brk_bytes = (OVC_IMAGE_BASE + 0x1000) << 12;
	return mm;
}

static void free_vmas(struct ovc_machine *m, struct ovc_mm *mm, unsigned cpu)
{
	struct ovc_itnode *n;

	while ((n = ovc_itree_first(&mm->vmas))) {
		struct ovc_vma *v = vma_of(n);
		struct ovc_object *o = v->obj ? obj_get(m, v->obj) : NULL;

		rss_drop(m, mm, v->node.start, v->node.end);
		vma_delete(m, mm, v);
		if (o)
			obj_unmapped(m, o, cpu);
	}
}

/* mmput(): the last user's exit_mmap() uncharges every VM_ACCOUNT VMA in
 * one vm_unacct_memory() call, on the CPU the exiting task runs on. */
void mm_put(struct ovc_machine *m, struct ovc_mm *mm, unsigned cpu)
{
	uint64_t acct;

	if (--mm->users)
		return;
	acct = mm->committed;
	free_vmas(m, mm, cpu);
	if (acct)
		ovc_commit_unacct(m, cpu, acct);
	ovc_pool_free(&m->mm_pool, mm);
}

/* Distinct naturally aligned blocks of 2^shift pages that the resident
 * extents touch, visited in address order. */
static uint64_t blocks_touched(const struct ovc_mm *mm, unsigned shift)
{
	uint64_t n = 0, last = UINT64_MAX;

	for (const struct ovc_itnode *x = ovc_itree_first(&mm->rss); x;
	     x = ovc_itree_next(&mm->rss, x)) {
		uint64_t first = x->start >> shift, end = (x->end - 1) >> shift;

		if (first == last)
			first++;
		if (first <= end)
			n += end - first + 1;
		last = end;
	}
	return n;
}

/*
 * mm_pgtables_bytes() (include/linux/mm.h, 4.14+): every page-table page
 * the mm has, one PAGE_SIZE each: a PTE table is allocated by the first
 * fault in its block of PAGE_SIZE / 8 pages (__pte_alloc, 2 MiB of 4 KiB
 * pages), a PMD table for each 1 GiB block (__pmd_alloc), a PUD table for
 * each 512 GiB block (__pud_alloc), and they are freed when the VMAs over
 * them go (free_pgtables). The model counts the blocks its resident and
 * swapped-out extents touch, so a reservation never written costs nothing,
 * as in the kernel. Which levels an era counts is the profile's
 * (mm->pgtable_levels: nr_ptes alone before 4.0, + nr_pmds 4.0-4.13).
 * Not modelled: tables left behind by MADV_DONTNEED or a partial munmap,
 * and those of zero-page read faults and hugetlb mappings.
 */
uint64_t ovc_mm_pgtables_bytes(const struct ovc_machine *m, const struct ovc_mm *mm)
{
	unsigned bits = m->page_shift - 3, levels = m->profile.mm->pgtable_levels;
	uint64_t tables = 0;

	for (unsigned l = 1; l <= levels; l++)
		tables += blocks_touched(mm, bits * l);
	return tables * m->page_size;
}

/* [addr, addr+len) as pages, rounded out; -1 if it leaves the user
 * address space (or wraps), which every syscall refuses. */
int user_range(const struct ovc_machine *m, uint64_t addr, uint64_t len,
	       uint64_t *s, uint64_t *e)
{
	uint64_t top = OVC_TASK_TOP << m->page_shift;

	if (addr > top || len > top - addr)
		return -1;
	*s = addr >> m->page_shift;
	*e = (addr + len + m->page_size - 1) >> m->page_shift;
	return 0;
}

int refuse(struct ovc_result *r, int err, enum ovc_cause cause)
{
	r->err = err;
	r->cause = cause;
	return 0;
}

static uint64_t rlim_pages(const struct ovc_machine *m, uint64_t bytes)
{
	return bytes == OVC_UNLIMITED ? UINT64_MAX : bytes >> m->page_shift;
}

/* may_expand_vm(): RLIMIT_AS for every mapping; from 4.7 RLIMIT_DATA for
 * private writable ones too. Returns 1 if allowed, else fills r. */
int may_expand_vm(const struct ovc_machine *m, const struct ovc_task *t,
		  uint32_t flags, uint64_t pages, struct ovc_result *r)
{
	const struct ovc_mm *mm = t->mm;
	uint64_t as = rlim_pages(m, t->rlim.as), data = rlim_pages(m, t->rlim.data);

	if (mm->total_vm + pages > as) {
		r->limit = as;
		r->value = mm->total_vm + pages;
		refuse(r, ENOMEM, OVC_CAUSE_RLIMIT_AS);
		return 0;
	}
	/* A soft RLIMIT_DATA of 0 is let through while the hard limit allows
	 * (the workaround for valgrind); the model's hard limits are
	 * unlimited, so 0 never refuses. */
	if (m->profile.syscall->data_rlimit_mmap && is_data_mapping(flags) &&
	    t->rlim.data != 0 && mm->data_vm + pages > data) {
		r->limit = data;
		r->value = mm->data_vm + pages;
		refuse(r, ENOMEM, OVC_CAUSE_RLIMIT_DATA);
		return 0;
	}
	return 1;
}

/* security_vm_enough_memory_mm(mm, pages): the caller's CAP_SYS_ADMIN
 * decides the admin reserve; its CPU takes the percpu counter update. */
int charge(struct ovc_machine *m, struct ovc_task *t, const struct ovc_mm *mm,
	   uint64_t pages, struct ovc_result *r)
{
	int ok = ovc_commit_admit(m, mm, pages, t->admin, t->cpu, &r->admit);

	r->admitted++;
	if (ok)
		r->delta += (int64_t)pages;
	else
		refuse(r, ENOMEM, OVC_CAUSE_COMMIT);
	return ok;
}

void uncharge(struct ovc_machine *m, const struct ovc_task *t, uint64_t pages,
	      struct ovc_result *r)
{
	if (!pages)
		return;
	ovc_commit_unacct(m, t->cpu, pages);
	if (r)
		r->delta -= (int64_t)pages;
}
