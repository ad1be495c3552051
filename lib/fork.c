/* fork.c - fork(2), vfork(2) and clone(CLONE_VM).
 *
 * Mirrors dup_mmap() (kernel/fork.c; mm/mmap.c in recent releases): the
 * child's mm starts with the parent's total_vm; the parent's VMAs are
 * copied in address order; a VM_DONTCOPY VMA is skipped and taken off the
 * child's total_vm; each VM_ACCOUNT VMA is admitted on its own, against
 * the parent's mm (the kernel's "sic": the parent's total_vm sets the user
 * reserve) with the forking task's CAP_SYS_ADMIN. The first refusal fails
 * the fork with ENOMEM, and tearing down the half-built child gives back
 * every charge made so far. Pages are shared copy-on-write (only VMAs with
 * an anon_vma copy their page tables). vfork and CLONE_VM share the mm and
 * charge nothing. Units: pages.
 */
#include <stdlib.h>
#include <string.h>

#include "mm_internal.h"

/* Copy the parent's VMAs; returns 0, or -1 with r filled (child mm left
 * holding what was copied, for the caller to tear down). */
static int dup_mmap(struct ovc_machine *m, struct ovc_task *t, struct ovc_mm *mm,
		    struct ovc_result *r)
{
	const struct ovc_mm *old = t->mm;
	size_t n = 0, cap = old->vmas.count ? old->vmas.count : 1;
	struct ovc_itnode **copy = malloc(cap * sizeof(*copy));
	int rc = 0;

	if (!copy)
		OVC_BUG("out of memory copying an mm");
	for (struct ovc_itnode *it = ovc_itree_first(&old->vmas); it;
	     it = ovc_itree_next(&old->vmas, it)) {
		struct ovc_vma *v = vma_of(it), *c;

		if (v->flags & OVC_VM_DONTCOPY)
			continue;
		if (v->flags & OVC_VM_ACCOUNT && !charge(m, t, old, vma_pages(v), r)) {
			r->vma_start = v->node.start;
			r->vma_pages = vma_pages(v);
			rc = -1;
			break;
		}
		/* The child neither holds locks nor owns a hugetlb reservation. */
		c = vma_new(m, v->node.start, v->node.end,
			    v->flags & ~(uint32_t)(OVC_VM_LOCKED | OVC_VM_HUGE_RESV),
			    v->obj, v->pgoff);
		c->anon_vma = v->anon_vma;
		copy[n++] = &c->node;
	}
	ovc_itree_build(&mm->vmas, copy, n);
	for (size_t i = 0; i < n; i++) {
		struct ovc_vma *c = vma_of(copy[i]);

		vm_stat_account(mm, c->flags, (int64_t)vma_pages(c));
		if (c->obj)
			obj_get(m, c->obj)->maps++;
		if (c->anon_vma && !(c->flags & OVC_VM_WIPEONFORK))
			rss_copy(m, mm, old, c->node.start, c->node.end);
	}
	free(copy);
	return rc;
}

static void inherit_layout(struct ovc_mm *mm, const struct ovc_mm *old)
{
	mm->brk_start_bytes = old->brk_start_bytes;
	mm->brk_bytes = old->brk_bytes;
	mm->data_bytes = old->data_bytes;
	mm->mmap_base = old->mmap_base;
	mm->stack_top = old->stack_top;
}

static int copy_mm(struct ovc_machine *m, int tid, struct ovc_result *r)
{
	struct ovc_task *t = &m->tasks[tid];
	struct ovc_mm *mm = mm_new(m);
	int64_t before = r->delta;

	inherit_layout(mm, t->mm);
	if (dup_mmap(m, t, mm, r)) {
		/* mmput() of the partial child: exit_mmap uncharges its copies. */
		r->delta = before;
		mm_put(m, mm, t->cpu);
		return -1;
	}
	r->delta = (int64_t)mm->committed;
	if (task_clone(m, tid, &r->child, NULL)) {
		mm_put(m, mm, t->cpu);
		return -OVC_E_NOMEM;
	}
	m->tasks[r->child].mm = mm;
	/* mm_init() keeps only VM_NOHUGEPAGE of the parent's def_flags: the
	 * child does not inherit mlockall(MCL_FUTURE) (kernel/fork.c) */
	m->tasks[r->child].mlock_future = 0;
	return 0;
}

int ovc_fork(struct ovc_machine *m, int tid, int how, struct ovc_result *r)
{
	struct ovc_task *t = ovc_task_get(m, tid);
	int rc;

	r->child = -1;
	if (!t || !t->mm)
		return -OVC_E_STATE;
	if (how == OVC_CLONE_FORK) {
		rc = copy_mm(m, tid, r);
		return rc == -1 ? 0 : rc;
	}
	if (task_clone(m, tid, &r->child, NULL))
		return -OVC_E_NOMEM;
	t = &m->tasks[tid];
	t->mm->users++;
	m->tasks[r->child].mm = t->mm;
	m->tasks[r->child].in_vfork = how == OVC_CLONE_VFORK;
	return 0;
}
