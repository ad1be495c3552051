/* itree.h - ordered set of non-overlapping intervals, O(log n).
 *
 * An AVL tree keyed by interval start, intrusive: the caller embeds a
 * struct ovc_itnode in its own object (VMA, resident extent, cached file
 * range) and owns the memory. Every node also knows the free gap before it
 * and the largest such gap in its subtree, so a top-down search for room
 * (the kernel's get_unmapped_area) is O(log n) too. The nodes are also
 * threaded in order (prev/next), so first, last, next and prev are O(1).
 *
 * Units:   whatever the caller uses (ovc uses pages). Intervals are [start, end).
 * State:   struct ovc_itree, owned by the caller. No globals, no I/O, no malloc.
 * Errors:  insert returns -1 when the node overlaps another; nothing changes then.
 */
#ifndef OVC_ITREE_H
#define OVC_ITREE_H

#include <stddef.h>
#include <stdint.h>

/* 72 bytes on LP64. The fields a lookup reads (left, right, start, end)
 * come first; the two a rebalance reads from a sibling (height, max_gap)
 * come next, side by side. */
struct ovc_itnode {
	struct ovc_itnode *left, *right;
	uint64_t start, end;	/* [start, end) */
	int8_t height;
	uint64_t max_gap;	/* largest gap in this subtree */
	uint64_t gap;		/* start - previous end (or - tree lo; 0 below lo) */
	struct ovc_itnode *prev, *next;	/* in-order neighbours, NULL at the ends */
};

struct ovc_itree {
	struct ovc_itnode *root;
	struct ovc_itnode *first, *last;	/* ends of the in-order thread */
	size_t count;
	uint64_t lo, hi;	/* bounds used for gaps: [lo, hi) */
};

void ovc_itree_init(struct ovc_itree *t, uint64_t lo, uint64_t hi);

/* Insert n (n->start < n->end). Returns 0, or -1 if it overlaps a node. */
int ovc_itree_insert(struct ovc_itree *t, struct ovc_itnode *n);

/* Remove n, which must be in t. Afterwards n's links are all NULL. */
void ovc_itree_remove(struct ovc_itree *t, struct ovc_itnode *n);

/* Change n's bounds in place. The new bounds must not overlap a neighbour
 * and must keep n's position in the order (as when a VMA is merged, grown
 * or trimmed). Gaps are updated. */
void ovc_itree_set(struct ovc_itree *t, struct ovc_itnode *n,
		   uint64_t start, uint64_t end);

/* The node that contains addr, or NULL. */
struct ovc_itnode *ovc_itree_find(const struct ovc_itree *t, uint64_t addr);

/* The lowest node with end > addr (the kernel's find_vma), or NULL. */
struct ovc_itnode *ovc_itree_find_after(const struct ovc_itree *t, uint64_t addr);

/* The highest node with start < addr, or NULL. */
struct ovc_itnode *ovc_itree_find_before(const struct ovc_itree *t, uint64_t addr);

/* The ends of t and the in-order neighbours of n, which must be in t
 * (they follow n's links, O(1)). NULL past either end. */
struct ovc_itnode *ovc_itree_first(const struct ovc_itree *t);
struct ovc_itnode *ovc_itree_last(const struct ovc_itree *t);
struct ovc_itnode *ovc_itree_next(const struct ovc_itree *t, const struct ovc_itnode *n);
struct ovc_itnode *ovc_itree_prev(const struct ovc_itree *t, const struct ovc_itnode *n);

/* Highest s with [s, s+len) free and lo <= s, s+len <= hi (top-down
 * search, as arch_get_unmapped_area_topdown). lo and hi are first clipped
 * to the tree's own [lo, hi); the space above the last node counts.
 * Returns 0 and sets *out, or -1 when no gap is large enough or len is 0. */
int ovc_itree_gap_topdown(const struct ovc_itree *t, uint64_t len,
			  uint64_t lo, uint64_t hi, uint64_t *out);

/* Build t from nodes already sorted and non-overlapping, in O(n). t must
 * be empty (freshly initialised). Used by fork to copy an address space. */
void ovc_itree_build(struct ovc_itree *t, struct ovc_itnode **sorted, size_t n);

/* Call fn on every node in order. fn may not modify the tree. */
void ovc_itree_walk(const struct ovc_itree *t,
		    void (*fn)(struct ovc_itnode *n, void *arg), void *arg);

/* Check every invariant (order, balance, gaps, in-order links, first and
 * last). 0 if sound. For tests. */
int ovc_itree_check(const struct ovc_itree *t);

#endif
