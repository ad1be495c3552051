/* frames.c - anonymous page frames and their reference counts.
 *
 * A private page written by one process is one frame. fork() shares the
 * parent's frames with the child (copy_page_range marks them copy-on-write)
 * instead of copying them, so they are counted once in AnonPages until one
 * side writes (do_wp_page: a new frame for the writer, unless it is the
 * last user) or both sides let go. Frames are kept as ranges with a count,
 * the cgroup they are charged to, and where they are: in RAM, or in swap
 * (one slot per frame however many page tables hold its swap entry, as
 * swap_duplicate() counts). Frame ids grow with every allocation, so the
 * tree's order is the order pages were faulted: lib/swap.c takes the
 * oldest first. Units: frame ids (one per page).
 */
#include "oom_internal.h"

static struct ovc_frames *frames_of(struct ovc_itnode *n)
{
	return n ? container_of(n, struct ovc_frames, node) : NULL;
}

static struct ovc_frames *frames_new(struct ovc_machine *m, uint64_t s, uint64_t e,
				     const struct ovc_frames *like)
{
	struct ovc_frames *f = ovc_pool_alloc(&m->frames_pool);

	if (!f)
		OVC_BUG("out of memory for frames");
	*f = *like;
	f->node = (struct ovc_itnode){ .start = s, .end = e };
	if (ovc_itree_insert(&m->frames, &f->node))
		OVC_BUG("frame ranges overlap");
	return f;
}

/* Split f at 'at'; f keeps the lower part. */
static void frames_split(struct ovc_machine *m, struct ovc_frames *f, uint64_t at)
{
	uint64_t end = f->node.end;

	ovc_itree_set(&m->frames, &f->node, f->node.start, at);
	frames_new(m, at, end, f);
}

uint64_t frames_alloc_for(struct ovc_machine *m, uint64_t n, int memcg, int locked)
{
	uint64_t f = m->next_frame;
	struct ovc_frames *last = frames_of(ovc_itree_last(&m->frames));
	struct ovc_frames like = { .refs = 1, .memcg = (uint16_t)memcg, .locked = (uint8_t)!!locked };

	m->next_frame += n;
	m->phys.anon += n;
	if (last && last->node.end == f && last->refs == 1 && !last->swapped &&
	    last->memcg == like.memcg && last->locked == like.locked)
		ovc_itree_set(&m->frames, &last->node, last->node.start, f + n);
	else
		frames_new(m, f, f + n, &like);
	return f;
}

/* Uncharged callers: the root cgroup, which has no limit, takes them. */
uint64_t frames_alloc(struct ovc_machine *m, uint64_t n)
{
	memcg_try_charge(m, OVC_MEMCG_ROOT, n, NULL);
	return frames_alloc_for(m, n, OVC_MEMCG_ROOT, 0);
}

/* The last reference to a range went: its page or its swap slot is free. */
static void frames_release(struct ovc_machine *m, struct ovc_frames *x)
{
	uint64_t len = x->node.end - x->node.start;

	if (x->swapped) {
		m->phys.swap_free += len;
		memcg_swap_free(m, x->memcg, len);
	} else {
		m->phys.anon -= len;
		phys_give(m, len);
		memcg_uncharge(m, x->memcg, len);
	}
	ovc_itree_remove(&m->frames, &x->node);
	ovc_pool_free(&m->frames_pool, x);
}

/* Add d to the count of every frame in [f, f+n); free frames reaching 0. */
static void frames_adjust(struct ovc_machine *m, uint64_t f, uint64_t n, int d)
{
	uint64_t end = f + n;
	struct ovc_frames *x = frames_of(ovc_itree_find_after(&m->frames, f));

	while (x && x->node.start < end) {
		if (x->node.start < f) {
			frames_split(m, x, f);
			x = frames_of(ovc_itree_next(&m->frames, &x->node));
			continue;
		}
		if (x->node.end > end)
			frames_split(m, x, end);
		x->refs = (uint32_t)((int)x->refs + d);
		if (x->refs == 0) {
			struct ovc_frames *next = frames_of(ovc_itree_next(&m->frames, &x->node));

			frames_release(m, x);
			x = next;
			continue;
		}
		x = frames_of(ovc_itree_next(&m->frames, &x->node));
	}
}

void frames_get(struct ovc_machine *m, uint64_t f, uint64_t n)
{
	frames_adjust(m, f, n, +1);
}

void frames_put(struct ovc_machine *m, uint64_t f, uint64_t n)
{
	frames_adjust(m, f, n, -1);
}

uint64_t frames_run(const struct ovc_machine *m, uint64_t f, uint64_t n, int *shared)
{
	uint64_t at = f, end = f + n;
	struct ovc_frames *x = frames_of(ovc_itree_find(&m->frames, f));

	if (!x)
		OVC_BUG("resident page without a frame");
	*shared = x->refs > 1;
	while (x && x->node.start <= at && at < end && (x->refs > 1) == *shared) {
		at = x->node.end;
		x = frames_of(ovc_itree_next(&m->frames, &x->node));
	}
	return (at < end ? at : end) - f;
}

struct ovc_frames *frames_at(const struct ovc_machine *m, uint64_t f)
{
	struct ovc_frames *x = frames_of(ovc_itree_find(&m->frames, f));

	if (!x)
		OVC_BUG("a mapped page without a frame");
	return x;
}

struct ovc_frames *frames_isolate(struct ovc_machine *m, uint64_t f, uint64_t n)
{
	struct ovc_frames *x = frames_at(m, f);

	if (x->node.start < f) {
		frames_split(m, x, f);
		x = frames_of(ovc_itree_next(&m->frames, &x->node));
	}
	if (x->node.end < f + n)
		OVC_BUG("frames_isolate across ranges");
	if (x->node.end > f + n)
		frames_split(m, x, f + n);
	return x;
}

uint64_t frames_renew(struct ovc_machine *m, struct ovc_frames *x)
{
	uint64_t n = x->node.end - x->node.start, f = m->next_frame;

	ovc_itree_remove(&m->frames, &x->node);
	x->node.start = f;
	x->node.end = f + n;
	if (ovc_itree_insert(&m->frames, &x->node))
		OVC_BUG("renewed frames overlap");
	m->next_frame += n;
	return f;
}

struct ovc_frames *frames_evictable(const struct ovc_machine *m, struct ovc_frames *from,
				    int memcg)
{
	struct ovc_frames *x = from ? frames_of(ovc_itree_next(&m->frames, &from->node))
				    : frames_of(ovc_itree_first(&m->frames));

	for (; x; x = frames_of(ovc_itree_next(&m->frames, &x->node))) {
		if (x->swapped || x->locked)
			continue;
		if (memcg < 0 || ovc_memcg_within(m, x->memcg, memcg))
			return x;
	}
	return NULL;
}
