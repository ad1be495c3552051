/* itree.c - AVL tree of non-overlapping intervals, augmented with free gaps.
 *
 * Every node carries two derived values:
 *
 *   gap      = start - end of its in-order predecessor (or - t->lo for the
 *              first node; 0 if the first node starts below t->lo),
 *   max_gap  = max(gap) over the node's subtree.
 *
 * gap depends only on the in-order sequence, so rotations never change it;
 * they only recompute max_gap (and height) of the two nodes they move.
 * A mutation changes the gap of at most two nodes: the node itself and its
 * in-order successor. Both always lie on the root-to-node search path, or
 * on its extension down to the leftmost node of the right subtree, so a
 * bottom-up pass over that path restores every max_gap.
 *
 * Nodes are threaded in order (prev, next; t->first, t->last), so walking
 * neighbours, which callers do all the time (VMA merging, range walks),
 * never descends from the root, and a mutation finds the neighbours whose
 * gaps it changes without a descent either.
 *
 * Nodes have no parent pointer, to keep them small (eight words and the
 * height byte). Instead each mutation records the path as an array of
 * links (struct ovc_itnode **) and fixes it bottom-up, stopping as soon as
 * a subtree's height and max_gap come out as they were. An AVL tree of
 * height h holds at least fib(h + 2) - 1 nodes, so height 92 would need
 * more than 2^64 nodes: a path (at most height + 1 links) always fits in
 * ITREE_MAX_DEPTH = 96.
 *
 * Units: whatever the caller uses. Intervals are [start, end).
 */
#include "ovc/itree.h"

#include <limits.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#define ITREE_MAX_DEPTH 96

/* Links from the root down to one node, and that node's nearest ancestors
 * on either side: they are its in-order neighbours whenever it lacks the
 * child on that side. succ_at is the index of succ's link in link[]. */
struct itree_path {
	struct ovc_itnode **link[ITREE_MAX_DEPTH];
	int depth;
	int succ_at;
	struct ovc_itnode *pred, *succ;
};

/* ---------------------------------------------------------------------
 * Node arithmetic
 */

static inline int height_of(const struct ovc_itnode *x)
{
	return x ? x->height : 0;
}

static inline uint64_t max_gap_of(const struct ovc_itnode *x)
{
	return x ? x->max_gap : 0;
}

/* Free space between base (the previous end, or t->lo) and start. The
 * first node may start below t->lo; it then has no gap rather than a
 * wrapped-around one. */
static inline uint64_t gap_from(uint64_t base, uint64_t start)
{
	return start > base ? start - base : 0;
}

static inline uint64_t base_of(const struct ovc_itree *t,
			       const struct ovc_itnode *pred)
{
	return pred ? pred->end : t->lo;
}

/* Descents without branches. For a random key, which way a descent turns
 * is a coin toss, so a branch there mispredicts about every other level.
 * For keys that follow a pattern (each next to the last), the branches
 * predict perfectly and the CPU runs ahead down the tree; a branch-free
 * descent cannot (each level waits for its comparison), so it is slower
 * there. The lookups, and remove and set, which the model calls at random
 * places (munmap, mprotect, touch), descend without branches; insert,
 * mostly sequential (top-down mmap, fork copying a tree), and removing an
 * end node (teardown) descend with them. Measured on bench_model against
 * branches everywhere: random operations +20%, the sequential mmap fill
 * -10%, fork the same. gcc turns a plain ?: between x->left and x->right
 * back into a branch, so:
 *
 * pick() selects between two values already loaded, with a mask: both
 * children are read from x's cache line while the comparison is still
 * pending, and the choice costs about three ALU operations after it.
 *
 * child_link() is the address &x->right or &x->left, for the path record;
 * nothing waits for it. */
static inline struct ovc_itnode *pick(bool a, struct ovc_itnode *x,
				      struct ovc_itnode *y)
{
	uintptr_t m = -(uintptr_t)a;

	return (struct ovc_itnode *)(((uintptr_t)x & m) | ((uintptr_t)y & ~m));
}

_Static_assert(offsetof(struct ovc_itnode, right) ==
	       offsetof(struct ovc_itnode, left) + sizeof(struct ovc_itnode *),
	       "child_link needs right just after left");

static inline struct ovc_itnode **child_link(struct ovc_itnode *x, bool right)
{
	return (struct ovc_itnode **)((char *)x + offsetof(struct ovc_itnode, left) +
				      (size_t)right * sizeof(struct ovc_itnode *));
}

/* Not inline: inlined into rebalance() and the rotations, it made the
 * sequential mmap fill of bench_model about 20% slower (gcc 12). */
static void update(struct ovc_itnode *x)
{
	int hl = height_of(x->left), hr = height_of(x->right);
	uint64_t m = x->gap;

	if (max_gap_of(x->left) > m)
		m = x->left->max_gap;
	if (max_gap_of(x->right) > m)
		m = x->right->max_gap;
	x->max_gap = m;
	x->height = (int8_t)(1 + (hl > hr ? hl : hr));
}

/* ---------------------------------------------------------------------
 * Balancing
 */

static struct ovc_itnode *rotate_right(struct ovc_itnode *x)
{
	struct ovc_itnode *l = x->left;

	x->left = l->right;
	l->right = x;
	update(x);
	update(l);
	return l;
}

static struct ovc_itnode *rotate_left(struct ovc_itnode *x)
{
	struct ovc_itnode *r = x->right;

	x->right = r->left;
	r->left = x;
	update(x);
	update(r);
	return r;
}

/* Restore the AVL property at x, whose subtrees are sound and differ in
 * height by at most 2, and refresh x's derived fields. Returns the new
 * subtree root. */
static struct ovc_itnode *rebalance(struct ovc_itnode *x)
{
	int bal = height_of(x->left) - height_of(x->right);

	if (bal > 1) {
		if (height_of(x->left->left) < height_of(x->left->right))
			x->left = rotate_left(x->left);
		return rotate_right(x);
	}
	if (bal < -1) {
		if (height_of(x->right->right) < height_of(x->right->left))
			x->right = rotate_right(x->right);
		return rotate_left(x);
	}
	update(x);
	return x;
}

/* Bottom-up over the recorded path: rebalance, and recompute max_gap for
 * every node whose subtree changed. Links may hold NULL (a removed leaf).
 *
 * A node's height and max_gap depend only on its own gap and on its
 * children's height and max_gap. So once the subtree at a link comes out
 * with the height and max_gap it had, its ancestors change only if they
 * were touched themselves: moved, relinked, or given a new gap. The
 * mutation touched the deepest node on the path and the node at floor
 * (the same one, or one above), and none in between and none above floor.
 * So an unchanged subtree above floor ends the walk, and one between the
 * two skips ahead to floor. (The deepest link may hold a different node
 * than before, whose own old fields prove nothing: it never skips.) */
static void fix_path(struct itree_path *p, int floor)
{
	int i, bottom = p->depth - 1;

	for (i = bottom; i >= 0; i--) {
		struct ovc_itnode *x = *p->link[i];
		uint64_t m;
		int8_t h;

		if (!x)
			continue;
		h = x->height;
		m = x->max_gap;
		x = *p->link[i] = rebalance(x);
		if (x->height != h || x->max_gap != m || i == bottom)
			continue;
		if (i < floor)
			return;
		if (i > floor + 1)
			i = floor + 1;
	}
}

/* ---------------------------------------------------------------------
 * Paths
 */

static void path_push(struct itree_path *p, struct ovc_itnode **link)
{
	if (p->depth < ITREE_MAX_DEPTH)
		p->link[p->depth++] = link;
}

/* Record the links from the root to the node starting at key, or to the
 * empty link where such a node would go. Returns the node, or NULL. Starts
 * are unique because intervals are non-empty and do not overlap.
 *
 * Two copies of one descent, with branches or without (see pick). Each
 * also notes the last node it turned left from (succ: key's nearest
 * ancestor on the right) and right from (pred). Always inlined, so that
 * each caller keeps only the copy it uses: as a call, sequential inserts
 * ran 15% slower. */
static inline __attribute__((always_inline)) struct ovc_itnode *
path_to(struct ovc_itree *t, uint64_t key, struct itree_path *p, bool branchy)
{
	struct ovc_itnode **link = &t->root, *x = t->root;
	struct ovc_itnode *anc[2] = { NULL, NULL };	/* [0] succ, [1] pred */
	int succ_at = -1, depth = 0;

	if (branchy) {
		for (;;) {
			if (depth < ITREE_MAX_DEPTH)
				p->link[depth++] = link;
			if (!x || key == x->start)
				break;
			if (key > x->start) {
				anc[1] = x;
				link = &x->right;
			} else {
				anc[0] = x;
				succ_at = depth - 1;
				link = &x->left;
			}
			x = *link;
		}
	} else {
		for (;;) {
			bool right;

			if (depth < ITREE_MAX_DEPTH)
				p->link[depth++] = link;
			if (!x || key == x->start)
				break;
			right = key > x->start;
			anc[right] = x;
			succ_at = right ? succ_at : depth - 1;
			link = child_link(x, right);
			x = pick(right, x->right, x->left);
		}
	}
	p->depth = depth;
	p->succ_at = succ_at;
	p->succ = anc[0];
	p->pred = anc[1];
	return x;
}

/* Extend the path down the left spine starting at link, to the in-order
 * first node of that subtree. */
static void path_leftmost(struct itree_path *p, struct ovc_itnode **link)
{
	while (*link) {
		path_push(p, link);
		link = &(*link)->left;
	}
}

/* ---------------------------------------------------------------------
 * Mutation
 */

void ovc_itree_init(struct ovc_itree *t, uint64_t lo, uint64_t hi)
{
	t->root = NULL;
	t->first = t->last = NULL;
	t->count = 0;
	t->lo = lo;
	t->hi = hi;
}

int ovc_itree_insert(struct ovc_itree *t, struct ovc_itnode *n)
{
	struct itree_path p;

	/* The new leaf's neighbours are exactly the nearest ancestors on
	 * either side, so those are the only overlap checks needed. Inserts
	 * mostly come in sequence: descend with branches (see pick). */
	if (path_to(t, n->start, &p, true))
		return -1;
	if (p.pred && p.pred->end > n->start)
		return -1;
	if (p.succ && p.succ->start < n->end)
		return -1;

	n->left = n->right = NULL;
	n->gap = gap_from(base_of(t, p.pred), n->start);
	n->prev = p.pred;
	n->next = p.succ;
	*(p.pred ? &p.pred->next : &t->first) = n;
	*(p.succ ? &p.succ->prev : &t->last) = n;
	if (p.succ)
		p.succ->gap = gap_from(n->end, p.succ->start);
	*p.link[p.depth - 1] = n;
	fix_path(&p, p.succ ? p.succ_at : p.depth - 1);
	t->count++;
	return 0;
}

/* Take n (the last node on p, with two children) out of the tree by moving
 * its successor s into its place. The path is rewritten so that it runs
 * through s and down to s's old parent, the deepest node that changed. */
static void replace_by_successor(struct itree_path *p, struct ovc_itnode *n)
{
	int at = p->depth - 1, below = p->depth;
	struct ovc_itnode **link = &n->right, *s;

	while ((*link)->left) {
		path_push(p, link);
		link = &(*link)->left;
	}
	s = *link;
	*link = s->right;	/* s has no left child; lift its right one */
	s->left = n->left;
	s->right = n->right;
	s->height = n->height;
	*p->link[at] = s;
	if (p->depth > below)	/* that link lived inside n */
		p->link[below] = &s->right;
}

void ovc_itree_remove(struct ovc_itree *t, struct ovc_itnode *n)
{
	struct itree_path p;
	struct ovc_itnode *pred, *succ;
	int at;

	/* An end node is a predictable walk down one spine (teardown takes
	 * them in turn); any other is where the caller happened to unmap. */
	if (path_to(t, n->start, &p, n == t->first || n == t->last) != n)
		return;		/* not in t: nothing to do */
	at = p.depth - 1;
	pred = n->prev;
	succ = n->next;

	/* The successor's gap now reaches back to n's predecessor. When n
	 * has two children it is the node moved into n's place; when n has
	 * only a right child, AVL balance makes that child a leaf and it
	 * takes n's link; otherwise it is an ancestor. Either way it is on
	 * the path that fix_path walks, at or above n's link. */
	if (succ)
		succ->gap = gap_from(base_of(t, pred), succ->start);
	*(pred ? &pred->next : &t->first) = succ;
	*(succ ? &succ->prev : &t->last) = pred;

	if (n->left && n->right)
		replace_by_successor(&p, n);
	else
		*p.link[at] = n->left ? n->left : n->right;
	fix_path(&p, succ && succ == p.succ ? p.succ_at : at);
	t->count--;
	n->left = n->right = n->prev = n->next = NULL;
}

void ovc_itree_set(struct ovc_itree *t, struct ovc_itnode *n,
		   uint64_t start, uint64_t end)
{
	struct itree_path p;
	struct ovc_itnode *succ;
	uint64_t gap;
	int floor = INT_MAX;

	if (path_to(t, n->start, &p, false) != n) {
		n->start = start;	/* not in t: no gaps to keep */
		n->end = end;
		return;
	}
	/* The order is unchanged, so only max_gap can move, and only above
	 * the nodes whose gap did: n and its successor. */
	n->start = start;
	n->end = end;
	gap = gap_from(base_of(t, n->prev), start);
	if (n->gap != gap) {
		n->gap = gap;
		floor = p.depth - 1;
	}
	succ = n->next;
	gap = succ ? gap_from(end, succ->start) : 0;
	if (succ && succ->gap != gap) {
		succ->gap = gap;
		if (succ == p.succ) {		/* n's nearest right ancestor */
			floor = p.succ_at;
		} else {			/* leftmost of n->right */
			path_leftmost(&p, &n->right);
			if (floor > p.depth - 1)
				floor = p.depth - 1;
		}
	}
	if (floor != INT_MAX)
		fix_path(&p, floor);
}

/* Perfectly balanced subtree of a[0..n): the two halves differ in size by
 * at most one, so their heights differ by at most one too. */
static struct ovc_itnode *build_range(struct ovc_itnode **a, size_t n)
{
	size_t mid = n / 2;
	struct ovc_itnode *x;

	if (!n)
		return NULL;
	x = a[mid];
	x->left = build_range(a, mid);
	x->right = build_range(a + mid + 1, n - mid - 1);
	update(x);
	return x;
}

void ovc_itree_build(struct ovc_itree *t, struct ovc_itnode **sorted, size_t n)
{
	size_t i;

	/* Gaps first: they are needed by update() in the bottom-up build. */
	for (i = 0; i < n; i++) {
		struct ovc_itnode *prev = i ? sorted[i - 1] : NULL;

		sorted[i]->gap = gap_from(base_of(t, prev), sorted[i]->start);
		sorted[i]->prev = prev;
		sorted[i]->next = i + 1 < n ? sorted[i + 1] : NULL;
	}
	t->root = build_range(sorted, n);
	t->first = n ? sorted[0] : NULL;
	t->last = n ? sorted[n - 1] : NULL;
	t->count = n;
}

/* ---------------------------------------------------------------------
 * Lookup
 */

struct ovc_itnode *ovc_itree_find(const struct ovc_itree *t, uint64_t addr)
{
	struct ovc_itnode *x = t->root;

	/* start <= addr < end in one unsigned comparison. */
	while (x && addr - x->start >= x->end - x->start)
		x = pick(addr < x->start, x->left, x->right);
	return x;
}

/* Ends increase in order just as starts do, so this is a plain descent.
 * It always runs to a leaf, and is the model's hottest lookup (every range
 * operation starts with it): both children are prefetched while the
 * comparison decides between them, which hides part of a cache miss per
 * level (measured: about 4% on bench_model). */
struct ovc_itnode *ovc_itree_find_after(const struct ovc_itree *t, uint64_t addr)
{
	struct ovc_itnode *x = t->root, *best = NULL;

	while (x) {
		bool right = x->end <= addr;

		__builtin_prefetch(x->left);
		__builtin_prefetch(x->right);
		best = right ? best : x;
		x = pick(right, x->right, x->left);
	}
	return best;
}

struct ovc_itnode *ovc_itree_find_before(const struct ovc_itree *t, uint64_t addr)
{
	struct ovc_itnode *x = t->root, *best = NULL;

	while (x) {
		bool right = x->start < addr;

		best = right ? x : best;
		x = pick(right, x->right, x->left);
	}
	return best;
}

struct ovc_itnode *ovc_itree_first(const struct ovc_itree *t)
{
	return t->first;
}

struct ovc_itnode *ovc_itree_last(const struct ovc_itree *t)
{
	return t->last;
}

struct ovc_itnode *ovc_itree_next(const struct ovc_itree *t,
				  const struct ovc_itnode *n)
{
	(void)t;	/* kept in the API: a tree without threads needs it */
	return n->next;
}

struct ovc_itnode *ovc_itree_prev(const struct ovc_itree *t,
				  const struct ovc_itnode *n)
{
	(void)t;
	return n->prev;
}

/* ---------------------------------------------------------------------
 * Top-down gap search
 *
 * The free regions are [start - gap, start) for each node, plus the space
 * above the last node. They are disjoint and ordered like the nodes, so the
 * answer lies in the last region (in order) that still holds len pages
 * once clipped to [lo, hi). The search is a reverse in-order walk that
 * skips a subtree when its max_gap is too small (clipping only shrinks a
 * region) or when all of its regions lie wholly above hi - len or below
 * lo + len. Only the two regions straddling lo and hi are ever clipped, and
 * both sit on the search paths for lo and hi, so a subtree whose max_gap
 * passes is abandoned at most along those two paths: O(log n).
 */

struct gap_query {
	uint64_t len, lo, hi;
	uint64_t limit;		/* hi - len: the highest start that could fit */
};

/* Does [a, b) clipped to [lo, hi) hold len? If so, take its top. */
static bool gap_fits(const struct gap_query *q, uint64_t a, uint64_t b,
		     uint64_t *out)
{
	if (a < q->lo)
		a = q->lo;
	if (b > q->hi)
		b = q->hi;
	if (b < a || b - a < q->len)
		return false;
	*out = b - q->len;
	return true;
}

static bool gap_search(const struct ovc_itnode *x, const struct gap_query *q,
		       uint64_t *out)
{
	while (x && x->max_gap >= q->len) {
		uint64_t a = x->start - x->gap;

		/* Regions to the right begin at or above x->end. */
		if (x->end <= q->limit && gap_search(x->right, q, out))
			return true;
		if (gap_fits(q, a, x->start, out))
			return true;
		/* Regions to the left end below a: y->start < y->end <= a. */
		if (a <= q->lo + q->len)
			return false;
		x = x->left;
	}
	return false;
}

int ovc_itree_gap_topdown(const struct ovc_itree *t, uint64_t len,
			  uint64_t lo, uint64_t hi, uint64_t *out)
{
	struct gap_query q = { .len = len, .lo = lo, .hi = hi };
	const struct ovc_itnode *last = t->last;

	/* The tree's bounds are the address space: never look outside. */
	if (q.lo < t->lo)
		q.lo = t->lo;
	if (q.hi > t->hi)
		q.hi = t->hi;
	if (!len || q.hi < q.lo || q.hi - q.lo < len)
		return -1;
	q.limit = q.hi - len;

	if (gap_fits(&q, last ? last->end : t->lo, q.hi, out))
		return 0;
	return gap_search(t->root, &q, out) ? 0 : -1;
}

/* ---------------------------------------------------------------------
 * Walk and check
 */

void ovc_itree_walk(const struct ovc_itree *t,
		    void (*fn)(struct ovc_itnode *n, void *arg), void *arg)
{
	struct ovc_itnode *x = t->first, *next;

	for (; x; x = next) {
		next = x->next;
		fn(x, arg);
	}
}

struct check_state {
	const struct ovc_itree *t;
	const struct ovc_itnode *prev;	/* in-order predecessor so far */
	size_t seen;
};

/* Returns the subtree's height, or -1 if any invariant fails. The in-order
 * visit checks order, overlap, gap and the links to the previous node; the
 * post-order part checks height, balance and max_gap. The depth and count
 * limits stop a corrupt tree (a cycle) from recursing forever. */
static int check_node(struct check_state *c, const struct ovc_itnode *x,
		      int depth)
{
	int hl, hr, h;
	uint64_t m;

	if (!x)
		return 0;
	if (depth >= ITREE_MAX_DEPTH || ++c->seen > c->t->count)
		return -1;
	hl = check_node(c, x->left, depth + 1);
	if (hl < 0 || x->start >= x->end)
		return -1;
	if (c->prev && c->prev->end > x->start)
		return -1;
	if (x->gap != gap_from(base_of(c->t, c->prev), x->start))
		return -1;
	if (x->prev != c->prev || (c->prev ? c->prev->next : c->t->first) != x)
		return -1;
	c->prev = x;
	hr = check_node(c, x->right, depth + 1);
	if (hr < 0 || hl - hr > 1 || hr - hl > 1)
		return -1;
	h = 1 + (hl > hr ? hl : hr);
	m = x->gap;
	if (max_gap_of(x->left) > m)
		m = x->left->max_gap;
	if (max_gap_of(x->right) > m)
		m = x->right->max_gap;
	if (x->height != h || x->max_gap != m)
		return -1;
	return h;
}

int ovc_itree_check(const struct ovc_itree *t)
{
	struct check_state c = { .t = t };

	if (check_node(&c, t->root, 0) < 0 || c.seen != t->count)
		return -1;
	/* Every link but the last node's next was checked in order. */
	if (t->last != c.prev || (c.prev ? c.prev->next : t->first))
		return -1;
	return 0;
}
