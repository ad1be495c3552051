/* rss.c - the resident pages of an address space, and free memory.
 *
 * An mm's resident pages are extents: runs of virtual pages that are
 * mapped, with the kind of page behind them (anonymous frames, page cache,
 * shmem). They give VmRSS, RssAnon, RssFile and RssShmem exactly as
 * /proc/PID/status counts them (MM_ANONPAGES, MM_FILEPAGES, MM_SHMEMPAGES).
 * Anonymous pages written to swap stay extents on the same frames, of kind
 * SWAP, counted in MM_SWAPENTS (VmSwap) instead. Units: pages.
 */
#include "oom_internal.h"

static uint64_t *counter(struct ovc_mm *mm, uint32_t kind)
{
	switch (kind) {
	case OVC_EXT_ANON: return &mm->rss_anon;
	case OVC_EXT_SWAP: return &mm->swapents;
	case OVC_EXT_FILE: return &mm->rss_file;
	default: return &mm->rss_shmem;
	}
}

/* Anonymous frames back the extent, in RAM or in swap. */
static int on_frames(uint32_t kind)
{
	return kind == OVC_EXT_ANON || kind == OVC_EXT_SWAP;
}

static struct ovc_extent *ext_new(struct ovc_machine *m, struct ovc_mm *mm,
				  uint64_t s, uint64_t e, uint64_t frame,
				  uint32_t kind, uint32_t obj)
{
	struct ovc_extent *x = ovc_pool_alloc(&m->extent_pool);

	if (!x)
		OVC_BUG("out of memory for an extent");
	x->node.start = s;
	x->node.end = e;
	x->frame = frame;
	x->kind = kind;
	x->obj = obj;
	if (ovc_itree_insert(&mm->rss, &x->node))
		OVC_BUG("resident extents overlap");
	*counter(mm, kind) += e - s;
	return x;
}

/* Split x at 'at'; x keeps the lower part. */
static void ext_split(struct ovc_machine *m, struct ovc_mm *mm,
		      struct ovc_extent *x, uint64_t at)
{
	uint64_t end = x->node.end;

	*counter(mm, x->kind) -= end - at;
	ovc_itree_set(&mm->rss, &x->node, x->node.start, at);
	ext_new(m, mm, at, end, x->frame + (at - x->node.start), x->kind, x->obj);
}

static void ext_free(struct ovc_machine *m, struct ovc_mm *mm, struct ovc_extent *x)
{
	uint64_t n = x->node.end - x->node.start;

	*counter(mm, x->kind) -= n;
	if (on_frames(x->kind))
		frames_put(m, x->frame, n);
	ovc_itree_remove(&mm->rss, &x->node);
	ovc_pool_free(&m->extent_pool, x);
}

/* The extent overlapping [start, end) trimmed to it, splitting as needed. */
static struct ovc_extent *ext_isolate(struct ovc_machine *m, struct ovc_mm *mm,
				      struct ovc_extent *x, uint64_t start, uint64_t end)
{
	if (x->node.start < start) {
		ext_split(m, mm, x, start);
		x = extent_of(ovc_itree_next(&mm->rss, &x->node));
	}
	if (x->node.end > end)
		ext_split(m, mm, x, end);
	return x;
}

void rss_drop(struct ovc_machine *m, struct ovc_mm *mm, uint64_t start, uint64_t end)
{
	struct ovc_extent *x = extent_of(ovc_itree_find_after(&mm->rss, start));

	while (x && x->node.start < end) {
		x = ext_isolate(m, mm, x, start, end);
		struct ovc_extent *next = extent_of(ovc_itree_next(&mm->rss, &x->node));
		ext_free(m, mm, x);
		x = next;
	}
}

/* mremap's move_page_tables(): the pages of [start, end) now live at
 * start + shift. The destination must hold no extents. */
void rss_move(struct ovc_machine *m, struct ovc_mm *mm, uint64_t start, uint64_t end,
	      int64_t shift)
{
	struct ovc_extent *x = extent_of(ovc_itree_find_after(&mm->rss, start));
	struct ovc_extent *moved = NULL;

	/* Detach first, re-insert after, so moving up cannot collide with
	 * extents not yet moved. The list is threaded through node.left. */
	while (x && x->node.start < end) {
		x = ext_isolate(m, mm, x, start, end);
		struct ovc_extent *next = extent_of(ovc_itree_next(&mm->rss, &x->node));
		ovc_itree_remove(&mm->rss, &x->node);
		x->node.left = moved ? &moved->node : NULL;
		moved = x;
		x = next;
	}
	while (moved) {
		struct ovc_extent *next = extent_of(moved->node.left);

		moved->node.start += (uint64_t)shift;
		moved->node.end += (uint64_t)shift;
		if (ovc_itree_insert(&mm->rss, &moved->node))
			OVC_BUG("moved extent overlaps");
		moved = next;
	}
}

/* copy_page_range() for one VMA: the child maps the same pages. */
int rss_copy(struct ovc_machine *m, struct ovc_mm *dst, const struct ovc_mm *src,
	     uint64_t start, uint64_t end)
{
	struct ovc_itnode *n = ovc_itree_find_after(&src->rss, start);

	for (; n && n->start < end; n = ovc_itree_next(&src->rss, n)) {
		struct ovc_extent *x = extent_of(n);
		uint64_t s = n->start > start ? n->start : start;
		uint64_t e = n->end < end ? n->end : end;
		uint64_t f = x->frame + (s - n->start);

		if (on_frames(x->kind))
			frames_get(m, f, e - s);	/* swap_duplicate() for swap entries */
		ext_new(m, dst, s, e, f, x->kind, x->obj);
	}
	return 0;
}

void phys_give(struct ovc_machine *m, uint64_t n)
{
	m->phys.free += n;
}

/* phys_take(), the allocator with reclaim, swap and the OOM killer, is in
 * lib/reclaim.c. */

/* One batch of do_anonymous_page(): charged to the faulting task's cgroup
 * (which may reclaim or OOM-kill inside it), taken from free memory (which
 * may reclaim, swap or OOM-kill machine-wide), mapped at s. */
static uint64_t anon_batch(struct ovc_machine *m, struct ovc_mm *mm, uint64_t s,
			   uint64_t n, int locked, struct ovc_result *r)
{
	int cg = current_memcg(m);
	uint64_t ok = memcg_try_charge(m, cg, n, r), got;

	got = ok ? phys_take_some(m, ok, r) : 0;
	if (got < ok)
		memcg_uncharge(m, cg, ok - got);
	if (got)
		ext_new(m, mm, s, s + got, frames_alloc_for(m, got, cg, locked), OVC_EXT_ANON, 0);
	return got;
}

/* Map n anonymous pages at [s, s+n) in mm; returns the pages obtained.
 * Pages are mapped as they are obtained, so an OOM kill during the fault
 * sees the faulting task's memory as it is at that page. */
uint64_t rss_add_anon(struct ovc_machine *m, struct ovc_mm *mm, uint64_t s,
		      uint64_t n, struct ovc_result *r)
{
	const struct ovc_vma *v = vma_find(mm, s);
	int locked = v && (v->flags & OVC_VM_LOCKED);
	uint64_t done = 0, got;

	while (done < n && !current_killed(m) &&
	       (got = anon_batch(m, mm, s + done, n - done, locked, r)))
		done += got;
	return done;
}

/* Map n pages of object obj at [s, s+n) (page cache or shmem). */
void rss_add_obj(struct ovc_machine *m, struct ovc_mm *mm, uint64_t s,
		 uint64_t n, uint32_t kind, uint32_t obj)
{
	ext_new(m, mm, s, s + n, 0, kind, obj);
}

/* Replace [s, e), which lies inside extent x, by fresh anonymous pages
 * (the copy-on-write break). Returns pages obtained. */
uint64_t rss_cow(struct ovc_machine *m, struct ovc_mm *mm, struct ovc_extent *x,
		 uint64_t s, uint64_t e, struct ovc_result *r)
{
	x = ext_isolate(m, mm, x, s, e);
	ext_free(m, mm, x);
	return rss_add_anon(m, mm, s, e - s, r);
}

struct ovc_extent *rss_set_kind(struct ovc_machine *m, struct ovc_mm *mm, struct ovc_extent *x,
				uint64_t s, uint64_t e, uint32_t kind)
{
	x = ext_isolate(m, mm, x, s, e);
	*counter(mm, x->kind) -= e - s;
	x->kind = kind;
	*counter(mm, kind) += e - s;
	return x;
}
