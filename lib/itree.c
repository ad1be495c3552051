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
 * Nodes have no parent pointer, to keep them small (six words and the
 * height byte). Instead each mutation records the path as an array of
 * links (struct ovc_itnode **) and fixes it bottom-up. An AVL tree of
 * height h holds at least fib(h + 2) - 1 nodes, so height 92 would need
 * more than 2^64 nodes: a path (at most height + 1 links) always fits in
 * ITREE_MAX_DEPTH = 96.
 *
 * Units: whatever the caller uses. Intervals are [start, end).
 */
#include "ovc/itree.h"

#include <stdbool.h>

#define ITREE_MAX_DEPTH 96

/* Links from the root down to one node, and that node's nearest ancestors
 * on either side: they are its in-order neighbours whenever it lacks the
 * child on that side. */
struct itree_path {
	struct ovc_itnode **link[ITREE_MAX_DEPTH];
	int depth;
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

static struct ovc_itnode *leftmost(struct ovc_itnode *x)
{
	while (x && x->left)
		x = x->left;
	return x;
}

static struct ovc_itnode *rightmost(struct ovc_itnode *x)
{
	while (x && x->right)
		x = x->right;
	return x;
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
 * every node whose subtree changed. Links may hold NULL (a removed leaf). */
static void fix_path(struct itree_path *p)
{
	int i;

	for (i = p->depth - 1; i >= 0; i--)
		if (*p->link[i])
			*p->link[i] = rebalance(*p->link[i]);
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
 * are unique because intervals are non-empty and do not overlap. */
static struct ovc_itnode *path_to(struct ovc_itree *t, uint64_t key,
				  struct itree_path *p)
{
	struct ovc_itnode **link = &t->root;

	p->depth = 0;
	p->pred = p->succ = NULL;
	for (;;) {
		struct ovc_itnode *x = *link;

		path_push(p, link);
		if (!x || key == x->start)
			return x;
		if (key < x->start) {
			p->succ = x;
			link = &x->left;
		} else {
			p->pred = x;
			link = &x->right;
		}
	}
}

/* Extend the path down the left spine starting at link; returns the
 * lowest node reached (the in-order first of that subtree), or NULL. */
static struct ovc_itnode *path_leftmost(struct itree_path *p,
					struct ovc_itnode **link)
{
	struct ovc_itnode *x = NULL;

	while (*link) {
		x = *link;
		path_push(p, link);
		link = &x->left;
	}
	return x;
}

/* n is the last node on the path. Its in-order successor: the leftmost of
 * its right subtree (the path is extended to it, since its gap is about to
 * change), or else its nearest ancestor on the right. */
static struct ovc_itnode *path_succ(struct itree_path *p, struct ovc_itnode *n)
{
	return n->right ? path_leftmost(p, &n->right) : p->succ;
}

static struct ovc_itnode *pred_of(const struct itree_path *p,
				  struct ovc_itnode *n)
{
	return n->left ? rightmost(n->left) : p->pred;
}

/* ---------------------------------------------------------------------
 * Mutation
 */

void ovc_itree_init(struct ovc_itree *t, uint64_t lo, uint64_t hi)
{
	t->root = NULL;
	t->count = 0;
	t->lo = lo;
	t->hi = hi;
}

int ovc_itree_insert(struct ovc_itree *t, struct ovc_itnode *n)
{
	struct itree_path p;

	/* The new leaf's neighbours are exactly the nearest ancestors on
	 * either side, so those are the only overlap checks needed. */
	if (path_to(t, n->start, &p))
		return -1;
	if (p.pred && p.pred->end > n->start)
		return -1;
	if (p.succ && p.succ->start < n->end)
		return -1;

	n->left = n->right = NULL;
	n->gap = gap_from(base_of(t, p.pred), n->start);
	if (p.succ)
		p.succ->gap = gap_from(n->end, p.succ->start);
	*p.link[p.depth - 1] = n;
	fix_path(&p);
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

	if (path_to(t, n->start, &p) != n)
		return;		/* not in t: nothing to do */

	/* The successor's gap now reaches back to n's predecessor. When n
	 * has two children it is the node moved into n's place; when n has
	 * only a right child, AVL balance makes that child a leaf and it
	 * takes n's link; otherwise it is an ancestor. Either way it is on
	 * the path that fix_path walks. */
	pred = pred_of(&p, n);
	succ = n->right ? leftmost(n->right) : p.succ;
	if (succ)
		succ->gap = gap_from(base_of(t, pred), succ->start);

	if (n->left && n->right)
		replace_by_successor(&p, n);
	else
		*p.link[p.depth - 1] = n->left ? n->left : n->right;
	fix_path(&p);
	t->count--;
	n->left = n->right = NULL;
}

void ovc_itree_set(struct ovc_itree *t, struct ovc_itnode *n,
		   uint64_t start, uint64_t end)
{
	struct itree_path p;
	struct ovc_itnode *pred, *succ;

	if (path_to(t, n->start, &p) != n) {
		n->start = start;	/* not in t: no gaps to keep */
		n->end = end;
		return;
	}
	pred = pred_of(&p, n);
	succ = path_succ(&p, n);
	n->start = start;
	n->end = end;
	n->gap = gap_from(base_of(t, pred), start);
	if (succ)
		succ->gap = gap_from(end, succ->start);
	fix_path(&p);		/* the order is unchanged: only max_gap moves */
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
		uint64_t base = i ? sorted[i - 1]->end : t->lo;

		sorted[i]->gap = gap_from(base, sorted[i]->start);
	}
	t->root = build_range(sorted, n);
	t->count = n;
}

/* ---------------------------------------------------------------------
 * Lookup
 */

struct ovc_itnode *ovc_itree_find(const struct ovc_itree *t, uint64_t addr)
{
	struct ovc_itnode *x = t->root;

	while (x) {
		if (addr < x->start)
			x = x->left;
		else if (addr >= x->end)
			x = x->right;
		else
			return x;
	}
	return NULL;
}

/* Ends increase in order just as starts do, so this is a plain descent. */
struct ovc_itnode *ovc_itree_find_after(const struct ovc_itree *t, uint64_t addr)
{
	struct ovc_itnode *x = t->root, *best = NULL;

	while (x) {
		if (x->end > addr) {
			best = x;
			x = x->left;
		} else {
			x = x->right;
		}
	}
	return best;
}

struct ovc_itnode *ovc_itree_find_before(const struct ovc_itree *t, uint64_t addr)
{
	struct ovc_itnode *x = t->root, *best = NULL;

	while (x) {
		if (x->start < addr) {
			best = x;
			x = x->right;
		} else {
			x = x->left;
		}
	}
	return best;
}

struct ovc_itnode *ovc_itree_first(const struct ovc_itree *t)
{
	return leftmost(t->root);
}

struct ovc_itnode *ovc_itree_last(const struct ovc_itree *t)
{
	return rightmost(t->root);
}

/* No parent pointers: the neighbours are found again from the root. */
struct ovc_itnode *ovc_itree_next(const struct ovc_itree *t,
				  const struct ovc_itnode *n)
{
	struct ovc_itnode *x = t->root, *best = NULL;

	while (x) {
		if (x->start > n->start) {
			best = x;
			x = x->left;
		} else {
			x = x->right;
		}
	}
	return best;
}

struct ovc_itnode *ovc_itree_prev(const struct ovc_itree *t,
				  const struct ovc_itnode *n)
{
	return ovc_itree_find_before(t, n->start);
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
	const struct ovc_itnode *last = rightmost(t->root);

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
	struct ovc_itnode *stack[ITREE_MAX_DEPTH], *x = t->root, *right;
	int sp = 0;

	while (x || sp) {
		while (x && sp < ITREE_MAX_DEPTH) {
			stack[sp++] = x;
			x = x->left;
		}
		x = stack[--sp];
		right = x->right;
		fn(x, arg);
		x = right;
	}
}

struct check_state {
	const struct ovc_itree *t;
	const struct ovc_itnode *prev;	/* in-order predecessor so far */
	size_t seen;
};

/* Returns the subtree's height, or -1 if any invariant fails. The in-order
 * visit checks order, overlap and gap; the post-order part checks height,
 * balance and max_gap. The depth and count limits stop a corrupt tree
 * (a cycle) from recursing forever. */
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
	return 0;
}
