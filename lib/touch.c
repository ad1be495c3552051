/* touch.c - page faults: making pages resident.
 *
 * A write to a private page gets an anonymous page (do_anonymous_page), or
 * a copy of a shared one (do_wp_page's copy-on-write; the last user keeps
 * its page); a read of private anonymous memory maps the zero page and
 * costs nothing; file and shmem pages come from the object's cache, which
 * holds each page once however many processes map it. NORESERVE shmem
 * charges Committed_AS page by page here (shmem_acct_block), and a refused
 * charge is SIGBUS. A swapped-out page is read back first (do_swap_page).
 * Every page taken may reclaim, swap or run the OOM killer (lib/reclaim.c,
 * lib/memcg.c) on behalf of the faulting task, the kernel's current; if
 * the killer picks that task, the fault stops and the task exits when the
 * call returns. Units: pages.
 */
#include "oom_internal.h"


static int out_of_memory(struct ovc_result *r, const struct ovc_vma *v)
{
	r->vma_start = v->node.start;
	r->vma_pages = vma_pages(v);
	return refuse(r, 0, OVC_CAUSE_OOM);
}

/* Fault in [s, e) of v, which no extent covers. */
static int fault_missing(struct ovc_machine *m, struct ovc_task *t,
			 struct ovc_vma *v, uint64_t s, uint64_t e, int write,
			 struct ovc_result *r)
{
	struct ovc_mm *mm = t->mm;
	uint64_t n = e - s, got;

	if (v->obj) {
		struct ovc_object *o = obj_get(m, v->obj);
		int64_t in = obj_fill(m, o, t, v->pgoff + (s - v->node.start), n, r);

		if (in < 0)
			return refuse(r, EFAULT, OVC_CAUSE_COMMIT);	/* SIGBUS */
		r->touched += (uint64_t)in;
		if (r->cause)
			return 0;	/* out of memory part-way */
		if (v->flags & OVC_VM_SHARED || !write) {
			rss_add_obj(m, mm, s, n, o->kind == OVC_OBJ_FILE ?
				    OVC_EXT_FILE : OVC_EXT_SHMEM, o->id);
			return 0;
		}
	} else if (!write) {
		return 0;	/* the zero page */
	}
	if (!v->anon_vma)
		v->anon_vma = ++m->next_anon_vma;
	got = rss_add_anon(m, mm, s, n, r);
	r->touched += got;
	return got < n ? out_of_memory(r, v) : 0;
}

/* A write to resident pages: break copy-on-write where frames are shared,
 * and turn private file pages into anonymous copies. */
static int fault_present(struct ovc_machine *m, struct ovc_task *t,
			 struct ovc_vma *v, struct ovc_extent *x,
			 uint64_t s, uint64_t e, struct ovc_result *r)
{
	struct ovc_mm *mm = t->mm;

	if (x->kind != OVC_EXT_ANON) {
		if (v->flags & OVC_VM_SHARED)
			return 0;
		uint64_t got = rss_cow(m, mm, x, s, e, r);
		r->touched += got;
		return got < e - s ? out_of_memory(r, v) : 0;
	}
	while (s < e) {
		int shared;
		uint64_t run = frames_run(m, x->frame + (s - x->node.start), e - s, &shared);

		if (shared) {
			uint64_t got = rss_cow(m, mm, x, s, s + run, r);
			r->touched += got;
			if (got < run)
				return out_of_memory(r, v);
			return 1;	/* x is gone: the caller looks again */
		}
		s += run;
	}
	return 0;
}

/* do_swap_page() for [s, xe) of swap extent x; then the fault goes on. */
static int fault_swapped(struct ovc_machine *m, struct ovc_mm *mm, struct ovc_vma *v,
			 struct ovc_extent *x, uint64_t s, uint64_t xe, struct ovc_result *r)
{
	uint64_t got = swap_in(m, mm, x, s, xe, r);

	r->touched += got;
	return got ? 0 : out_of_memory(r, v);
}

static int fault_range(struct ovc_machine *m, struct ovc_task *t,
		       struct ovc_vma *v, uint64_t s, uint64_t e, int write,
		       struct ovc_result *r)
{
	struct ovc_mm *mm = t->mm;

	while (s < e) {
		struct ovc_extent *x = extent_of(ovc_itree_find_after(&mm->rss, s));
		int rc;

		if (current_killed(m))
			return out_of_memory(r, v);
		if (x && x->kind == OVC_EXT_SWAP && x->node.start <= s) {
			rc = fault_swapped(m, mm, v, x, s, x->node.end < e ? x->node.end : e, r);
			if (rc || r->cause)
				return rc;
			continue;	/* re-scan from s: the pages are back */
		}
		if (!x || x->node.start >= e) {
			return fault_missing(m, t, v, s, e, write, r);
		} else if (x->node.start > s) {
			rc = fault_missing(m, t, v, s, x->node.start, write, r);
			if (rc || r->cause)
				return rc;
			s = x->node.start;
			continue;
		}
		uint64_t xe = x->node.end < e ? x->node.end : e;
		rc = write ? fault_present(m, t, v, x, s, xe, r) : 0;
		if (r->cause)
			return 0;
		if (rc == 1)
			continue;	/* re-scan from s: the extent changed */
		s = xe;
	}
	return 0;
}

static int access_ok(const struct ovc_vma *v, int write)
{
	return write ? (v->flags & OVC_VM_WRITE) != 0 : (v->flags & OVC_VM_READ) != 0;
}

static int touch_range(struct ovc_machine *m, struct ovc_task *t, uint64_t s, uint64_t e,
		       int write, struct ovc_result *r)
{
	for (struct ovc_vma *v = vma_first_in(t->mm, s, e); s < e; v = vma_next(t->mm, v)) {
		/* A hole or a protection fault is SIGSEGV. */
		if (!v || v->node.start > s || !access_ok(v, write))
			return refuse(r, EFAULT, OVC_CAUSE_NO_VMA);
		uint64_t ve = v->node.end < e ? v->node.end : e;
		if (!(v->flags & OVC_VM_HUGETLB))
			fault_range(m, t, v, s, ve, write, r);
		if (r->cause)
			return 0;
		s = ve;
	}
	return 0;
}

int ovc_touch(struct ovc_machine *m, int tid, uint64_t addr, uint64_t len,
	      int write, struct ovc_result *r)
{
	struct ovc_task *t = ovc_task_get(m, tid);
	uint64_t s, e;
	int saved = m->current;

	if (!t || !t->mm)
		return -OVC_E_STATE;
	if (user_range(m, addr, len, &s, &e))
		return refuse(r, EFAULT, OVC_CAUSE_NO_VMA);
	m->current = tid;
	touch_range(m, t, s, e, write, r);
	task_reap_current(m, tid, r);
	m->current = saved;
	return 0;
}
