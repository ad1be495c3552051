/* test_itree.c - unit and randomized differential tests for lib/itree.c.
 *
 * The differential test drives the tree and a naive sorted array with the
 * same random operations (fixed-seed xorshift, no global state) and
 * compares every query, running ovc_itree_check after each mutation.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <cmocka.h>

#include "ovc/itree.h"

/* ---------------------------------------------------------------------
 * Helpers
 */

static uint64_t xorshift64(uint64_t *s)
{
	uint64_t x = *s;

	x ^= x << 13;
	x ^= x >> 7;
	x ^= x << 17;
	return *s = x;
}

static uint64_t rnd(uint64_t *s, uint64_t n)	/* uniform enough in [0, n) */
{
	return n ? xorshift64(s) % n : 0;
}

struct iv {
	uint64_t start, end;
};

/* Fill nodes from ivs and insert them all; every insert must succeed. */
static void tree_from(struct ovc_itree *t, struct ovc_itnode *nodes,
		      const struct iv *ivs, size_t n, uint64_t lo, uint64_t hi)
{
	size_t i;

	ovc_itree_init(t, lo, hi);
	for (i = 0; i < n; i++) {
		memset(&nodes[i], 0, sizeof(nodes[i]));
		nodes[i].start = ivs[i].start;
		nodes[i].end = ivs[i].end;
		assert_int_equal(ovc_itree_insert(t, &nodes[i]), 0);
		assert_int_equal(ovc_itree_check(t), 0);
	}
}

struct collect {
	struct ovc_itnode **v;
	size_t n, cap;
};

static void collect_fn(struct ovc_itnode *n, void *arg)
{
	struct collect *c = arg;

	assert_true(c->n < c->cap);
	c->v[c->n++] = n;
}

static void count_fn(struct ovc_itnode *n, void *arg)
{
	(void)n;
	(*(size_t *)arg)++;
}

/* Walk t both ways through its in-order links (first/next and last/prev)
 * and compare with want[0..n). Independent of ovc_itree_check, which
 * checks the same links against the tree's own shape. */
static void assert_links(const struct ovc_itree *t,
			 struct ovc_itnode *const *want, size_t n)
{
	struct ovc_itnode *x;
	size_t i;

	x = ovc_itree_first(t);
	for (i = 0; i < n; i++) {
		assert_ptr_equal(x, want[i]);
		assert_ptr_equal(ovc_itree_prev(t, x), i ? want[i - 1] : NULL);
		x = ovc_itree_next(t, x);
	}
	assert_null(x);
	x = ovc_itree_last(t);
	for (i = n; i-- > 0;) {
		assert_ptr_equal(x, want[i]);
		x = ovc_itree_prev(t, x);
	}
	assert_null(x);
}

/* ---------------------------------------------------------------------
 * Edge cases
 */

static void test_empty(void **state)
{
	struct ovc_itree t;
	size_t calls = 0;
	uint64_t s = 7;

	(void)state;
	ovc_itree_init(&t, 5, 50);
	assert_int_equal(ovc_itree_check(&t), 0);
	assert_null(ovc_itree_find(&t, 10));
	assert_null(ovc_itree_find_after(&t, 0));
	assert_null(ovc_itree_find_before(&t, UINT64_MAX));
	assert_null(ovc_itree_first(&t));
	assert_null(ovc_itree_last(&t));
	ovc_itree_walk(&t, count_fn, &calls);
	assert_int_equal(calls, 0);

	assert_int_equal(ovc_itree_gap_topdown(&t, 45, 0, 100, &s), 0);
	assert_int_equal(s, 5);
	assert_int_equal(ovc_itree_gap_topdown(&t, 46, 0, 100, &s), -1);
	assert_int_equal(ovc_itree_gap_topdown(&t, 1, 0, 10, &s), 0);
	assert_int_equal(s, 9);
	assert_int_equal(ovc_itree_gap_topdown(&t, 0, 0, 100, &s), -1);
	ovc_itree_build(&t, NULL, 0);
	assert_int_equal(ovc_itree_check(&t), 0);
}

static void test_single(void **state)
{
	struct ovc_itree t;
	struct ovc_itnode n;
	struct iv iv = { 10, 20 };
	uint64_t s;

	(void)state;
	tree_from(&t, &n, &iv, 1, 0, 100);
	assert_int_equal(n.gap, 10);
	assert_int_equal(n.max_gap, 10);
	assert_null(ovc_itree_find(&t, 9));
	assert_ptr_equal(ovc_itree_find(&t, 10), &n);
	assert_ptr_equal(ovc_itree_find(&t, 19), &n);
	assert_null(ovc_itree_find(&t, 20));
	assert_ptr_equal(ovc_itree_find_after(&t, 19), &n);
	assert_null(ovc_itree_find_after(&t, 20));
	assert_null(ovc_itree_find_before(&t, 10));
	assert_ptr_equal(ovc_itree_find_before(&t, 11), &n);
	assert_ptr_equal(ovc_itree_first(&t), &n);
	assert_ptr_equal(ovc_itree_last(&t), &n);
	assert_null(ovc_itree_next(&t, &n));
	assert_null(ovc_itree_prev(&t, &n));

	assert_int_equal(ovc_itree_gap_topdown(&t, 80, 0, 100, &s), 0);
	assert_int_equal(s, 20);
	assert_int_equal(ovc_itree_gap_topdown(&t, 81, 0, 100, &s), -1);
	assert_int_equal(ovc_itree_gap_topdown(&t, 10, 0, 100, &s), 0);
	assert_int_equal(s, 90);
	assert_int_equal(ovc_itree_gap_topdown(&t, 10, 0, 29, &s), 0);
	assert_int_equal(s, 0);

	ovc_itree_remove(&t, &n);
	assert_int_equal(ovc_itree_check(&t), 0);
	assert_int_equal(t.count, 0);
	assert_null(t.root);
}

static void test_overlap_rejected(void **state)
{
	static const struct iv bad[] = {
		{ 15, 25 }, { 5, 11 }, { 10, 20 }, { 0, 100 }, { 19, 20 }, { 12, 13 },
	};
	struct ovc_itree t;
	struct ovc_itnode n, m, extra[2];
	struct iv iv = { 10, 20 };
	size_t i;

	(void)state;
	tree_from(&t, &n, &iv, 1, 0, 100);
	for (i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		memset(&m, 0, sizeof(m));
		m.start = bad[i].start;
		m.end = bad[i].end;
		assert_int_equal(ovc_itree_insert(&t, &m), -1);
		assert_int_equal(t.count, 1);
		assert_int_equal(ovc_itree_check(&t), 0);
	}
	/* Adjacent intervals touch but do not overlap: their gap is 0. */
	memset(extra, 0, sizeof(extra));
	extra[0].start = 20;
	extra[0].end = 30;
	extra[1].start = 0;
	extra[1].end = 10;
	assert_int_equal(ovc_itree_insert(&t, &extra[0]), 0);
	assert_int_equal(ovc_itree_insert(&t, &extra[1]), 0);
	assert_int_equal(ovc_itree_check(&t), 0);
	assert_int_equal(extra[0].gap, 0);
	assert_int_equal(n.gap, 0);
	assert_int_equal(extra[1].gap, 0);
	assert_int_equal(t.root->max_gap, 0);
}

/* Gap search over a fixed tree, row by row. */
struct gap_row {
	const char *name;
	uint64_t len, lo, hi;
	int ret;
	uint64_t want;
};

static void test_gap_table(void **state)
{
	/* Free: [0,10) [20,30) [40,60) and [90,100) at the top. */
	static const struct iv ivs[] = { { 10, 20 }, { 30, 40 }, { 60, 90 } };
	static const struct gap_row rows[] = {
		{ "top gap exactly len", 10, 0, 100, 0, 90 },
		{ "top too small", 11, 0, 100, 0, 49 },
		{ "middle gap exactly len", 20, 0, 100, 0, 40 },
		{ "nothing fits", 21, 0, 100, -1, 0 },
		{ "hi clips the top gap", 10, 0, 95, 0, 50 },
		{ "hi at a node start", 10, 0, 30, 0, 20 },
		{ "bottom gap", 10, 0, 29, 0, 0 },
		{ "lo clips the bottom gap", 10, 1, 29, -1, 0 },
		{ "clipped both sides", 5, 45, 55, 0, 50 },
		{ "clipped both sides, exact", 10, 45, 55, 0, 45 },
		{ "range smaller than len", 11, 45, 55, -1, 0 },
		{ "range inside a node", 1, 10, 20, -1, 0 },
		{ "hi inside a node", 3, 0, 75, 0, 57 },
		{ "lo inside a node", 3, 75, 100, 0, 97 },
		{ "lo just below a gap", 20, 39, 100, 0, 40 },
		{ "lo inside the only fit", 20, 41, 100, -1, 0 },
		{ "len 0", 0, 0, 100, -1, 0 },
		{ "lo above hi", 1, 60, 50, -1, 0 },
		{ "wider than the tree", 10, 0, UINT64_MAX, 0, 90 },
		{ "len max", UINT64_MAX, 0, UINT64_MAX, -1, 0 },
	};
	struct ovc_itree t;
	struct ovc_itnode nodes[3];
	size_t i;

	(void)state;
	tree_from(&t, nodes, ivs, 3, 0, 100);
	for (i = 0; i < sizeof(rows) / sizeof(rows[0]); i++) {
		const struct gap_row *r = &rows[i];
		uint64_t s = 12345;
		int ret = ovc_itree_gap_topdown(&t, r->len, r->lo, r->hi, &s);

		if (ret != r->ret || (ret == 0 && s != r->want))
			fail_msg("%s: got %d/%llu, want %d/%llu", r->name, ret,
				 (unsigned long long)s, r->ret,
				 (unsigned long long)r->want);
	}
}

static void test_gap_bounds(void **state)
{
	struct ovc_itree t;
	struct ovc_itnode n;
	struct iv below = { 50, 120 };
	struct iv top = { UINT64_MAX - 10, UINT64_MAX - 5 };
	uint64_t s;

	(void)state;
	/* A node that starts below the tree's lo has no gap. */
	tree_from(&t, &n, &below, 1, 100, 200);
	assert_int_equal(n.gap, 0);
	assert_int_equal(ovc_itree_gap_topdown(&t, 80, 0, 1000, &s), 0);
	assert_int_equal(s, 120);
	assert_int_equal(ovc_itree_gap_topdown(&t, 81, 0, 1000, &s), -1);

	/* No overflow at the top of the address space. */
	tree_from(&t, &n, &top, 1, 0, UINT64_MAX);
	assert_int_equal(ovc_itree_gap_topdown(&t, 5, 0, UINT64_MAX, &s), 0);
	assert_true(s == UINT64_MAX - 5);
	assert_int_equal(ovc_itree_gap_topdown(&t, 6, 0, UINT64_MAX, &s), 0);
	assert_true(s == UINT64_MAX - 16);
	assert_int_equal(ovc_itree_gap_topdown(&t, UINT64_MAX - 10, 0,
					       UINT64_MAX, &s), 0);
	assert_int_equal(s, 0);
	assert_int_equal(ovc_itree_gap_topdown(&t, UINT64_MAX - 9, 0,
					       UINT64_MAX, &s), -1);
}

/* set() must move the successor's gap as well as the node's own. */
static void test_set_updates_successor(void **state)
{
	static const struct iv ivs[] = {
		{ 10, 20 }, { 30, 40 }, { 50, 60 }, { 70, 80 }, { 90, 95 },
	};
	struct ovc_itree t;
	struct ovc_itnode n[5];
	uint64_t s;

	(void)state;
	tree_from(&t, n, ivs, 5, 0, 100);
	ovc_itree_set(&t, &n[1], 21, 49);	/* grow both ways */
	assert_int_equal(ovc_itree_check(&t), 0);
	assert_int_equal(n[1].gap, 1);
	assert_int_equal(n[2].gap, 1);
	ovc_itree_set(&t, &n[2], 60 - 1, 60);	/* trim from the front */
	assert_int_equal(ovc_itree_check(&t), 0);
	assert_int_equal(n[2].gap, 10);
	ovc_itree_set(&t, &n[0], 0, 21);	/* merge up to the neighbour */
	assert_int_equal(ovc_itree_check(&t), 0);
	assert_int_equal(n[0].gap, 0);
	assert_int_equal(n[1].gap, 0);
	ovc_itree_set(&t, &n[4], 81, 82);	/* last node: top gap grows */
	assert_int_equal(ovc_itree_check(&t), 0);
	assert_int_equal(ovc_itree_gap_topdown(&t, 18, 0, 100, &s), 0);
	assert_int_equal(s, 82);
	assert_int_equal(t.root->max_gap, 10);
}

/* Sequential inserts (the rotation-heavy case), then removal of every
 * other node, which exercises two-child removal. */
static void test_sequential(void **state)
{
	enum { N = 1000 };
	struct ovc_itnode *n = calloc(N, sizeof(*n));
	struct ovc_itree t;
	uint64_t s;
	size_t i;

	(void)state;
	assert_non_null(n);
	ovc_itree_init(&t, 0, 4 * N);
	for (i = 0; i < N; i++) {
		n[i].start = 4 * i + 1;
		n[i].end = 4 * i + 3;
		assert_int_equal(ovc_itree_insert(&t, &n[i]), 0);
	}
	assert_int_equal(ovc_itree_check(&t), 0);
	assert_true(t.root->height <= 15);	/* 1.44 log2(1000) */
	for (i = 0; i < N; i += 2) {
		ovc_itree_remove(&t, &n[i]);
		assert_int_equal(ovc_itree_check(&t), 0);
	}
	assert_int_equal(t.count, N / 2);
	assert_int_equal(t.root->max_gap, 6);
	assert_int_equal(ovc_itree_gap_topdown(&t, 6, 0, 4 * N, &s), 0);
	assert_int_equal(s, 4 * (N - 3) + 3);	/* [end of N-3, start of N-1) */
	free(n);
}

static void test_build(void **state)
{
	enum { MAX = 70 };
	struct ovc_itnode nodes[MAX], *v[MAX], *got[MAX], extra;
	struct collect c = { .v = got, .cap = MAX };
	struct ovc_itree t;
	size_t n, i, hmax;

	(void)state;
	for (n = 0; n <= MAX; n++) {
		for (i = 0; i < n; i++) {
			memset(&nodes[i], 0xa5, sizeof(nodes[i]));
			nodes[i].start = 3 + 10 * i + i % 4;
			nodes[i].end = nodes[i].start + 5;
			v[i] = &nodes[i];
		}
		ovc_itree_init(&t, 0, 1000);
		ovc_itree_build(&t, v, n);
		assert_int_equal(ovc_itree_check(&t), 0);
		assert_int_equal(t.count, n);
		for (hmax = 0; ((size_t)1 << hmax) <= n; hmax++)
			;	/* perfect balance: height = ceil(log2(n + 1)) */
		assert_int_equal(t.root ? t.root->height : 0, hmax);
		c.n = 0;
		ovc_itree_walk(&t, collect_fn, &c);
		assert_int_equal(c.n, n);
		for (i = 0; i < n; i++)
			assert_ptr_equal(got[i], v[i]);
		assert_links(&t, v, n);	/* the 0xa5 links were replaced */
		memset(&extra, 0, sizeof(extra));
		extra.start = 1;
		extra.end = 2;
		assert_int_equal(ovc_itree_insert(&t, &extra), 0);
		assert_int_equal(ovc_itree_check(&t), 0);
		ovc_itree_remove(&t, &extra);
		if (n)
			ovc_itree_remove(&t, v[n / 2]);
		assert_int_equal(ovc_itree_check(&t), 0);
	}
}

/* The in-order links through inserts at the front, back and middle,
 * set() (which keeps the order), and removal of either end and a middle
 * node. Starts 10, 20, ... 60; each node is 5 long. */
static void test_links(void **state)
{
	enum { N = 6 };
	static const size_t order[N] = { 2, 0, 5, 1, 4, 3 };	/* insert order */
	struct ovc_itnode n[N], *want[N];
	struct ovc_itree t;
	size_t i, k = 0;

	(void)state;
	ovc_itree_init(&t, 0, 100);
	assert_links(&t, want, 0);
	memset(n, 0x5a, sizeof(n));	/* insert must not trust old links */
	for (i = 0; i < N; i++) {
		size_t j = order[i], m;

		n[j].start = 10 * (j + 1);
		n[j].end = n[j].start + 5;
		assert_int_equal(ovc_itree_insert(&t, &n[j]), 0);
		assert_int_equal(ovc_itree_check(&t), 0);
		for (m = k = 0; m < N; m++)	/* inserted so far, in order */
			if (n[m].end == n[m].start + 5 && n[m].start == 10 * (m + 1))
				want[k++] = &n[m];
		assert_int_equal(k, i + 1);
		assert_links(&t, want, k);
	}

	/* A rejected insert leaves every link alone. */
	{
		struct ovc_itnode bad;

		memset(&bad, 0, sizeof(bad));
		bad.start = 33;
		bad.end = 42;		/* overlaps n[3] = [40, 45) */
		assert_int_equal(ovc_itree_insert(&t, &bad), -1);
		assert_int_equal(ovc_itree_check(&t), 0);
		assert_links(&t, want, N);
	}

	/* set() grows n[2] to touch both neighbours: same order, same links. */
	ovc_itree_set(&t, &n[2], 25, 40);
	assert_int_equal(ovc_itree_check(&t), 0);
	assert_links(&t, want, N);
	assert_int_equal(n[2].gap, 0);
	assert_int_equal(n[3].gap, 0);

	/* Remove the first, the last, then a middle node (n[2], which has
	 * neighbours on both sides). A removed node's links are cleared. */
	ovc_itree_remove(&t, &n[0]);
	assert_int_equal(ovc_itree_check(&t), 0);
	assert_null(n[0].prev);
	assert_null(n[0].next);
	assert_links(&t, want + 1, N - 1);
	assert_int_equal(n[1].gap, 20);		/* 20 - lo */
	ovc_itree_remove(&t, &n[5]);
	assert_int_equal(ovc_itree_check(&t), 0);
	assert_links(&t, want + 1, N - 2);
	ovc_itree_remove(&t, &n[2]);
	assert_int_equal(ovc_itree_check(&t), 0);
	assert_null(n[2].prev);
	assert_null(n[2].next);
	want[2] = &n[1];
	assert_links(&t, want + 2, 3);		/* n[1], n[3], n[4] */
	assert_int_equal(n[3].gap, 40 - 25);	/* back to n[1]'s end */

	/* Removing a node that is not in t changes nothing. */
	ovc_itree_remove(&t, &n[2]);
	assert_int_equal(ovc_itree_check(&t), 0);
	assert_links(&t, want + 2, 3);

	/* Down to empty: first and last go back to NULL. */
	ovc_itree_remove(&t, &n[3]);
	ovc_itree_remove(&t, &n[1]);
	assert_ptr_equal(ovc_itree_first(&t), &n[4]);
	assert_ptr_equal(ovc_itree_last(&t), &n[4]);
	ovc_itree_remove(&t, &n[4]);
	assert_int_equal(ovc_itree_check(&t), 0);
	assert_links(&t, want, 0);
}

/* set() with nothing to change, and with a successor below the node (the
 * leftmost of its right subtree), whose gap must move. */
static void test_set_successor_below(void **state)
{
	enum { N = 15 };
	struct ovc_itnode n[N], *v[N], *r;
	struct ovc_itree t;
	size_t i;
	uint64_t e;

	(void)state;
	for (i = 0; i < N; i++) {
		memset(&n[i], 0, sizeof(n[i]));
		n[i].start = 10 * i + 2;
		n[i].end = 10 * i + 6;
		v[i] = &n[i];
	}
	ovc_itree_init(&t, 0, 200);
	ovc_itree_build(&t, v, N);	/* perfect: the root is n[7] */
	r = t.root;
	assert_ptr_equal(r, &n[7]);
	assert_non_null(r->right);

	ovc_itree_set(&t, r, r->start, r->end);		/* no change */
	assert_int_equal(ovc_itree_check(&t), 0);
	assert_links(&t, v, N);

	/* n[8] is the leftmost of the root's right subtree: its gap is
	 * 82 - the root's end. Every other gap is 6 (n[0]'s is 2), so
	 * trimming the root's end below 76 makes n[8]'s the largest, and
	 * growing it back hands the maximum back to the others. */
	for (e = 76; e >= 73; e--) {
		ovc_itree_set(&t, r, r->start, e);
		assert_int_equal(ovc_itree_check(&t), 0);
		assert_int_equal(n[8].gap, 82 - e);
		assert_int_equal(t.root->max_gap, 82 - e);
	}
	for (e = 74; e <= 82; e++) {
		ovc_itree_set(&t, r, r->start, e);
		assert_int_equal(ovc_itree_check(&t), 0);
		assert_int_equal(n[8].gap, 82 - e);
		assert_int_equal(t.root->max_gap, e <= 76 ? 82 - e : 6);
	}
	ovc_itree_set(&t, r, 70, 81);	/* both ends move */
	assert_int_equal(ovc_itree_check(&t), 0);
	assert_int_equal(n[7].gap, 70 - 66);
	assert_int_equal(n[8].gap, 82 - 81);
	assert_links(&t, v, N);
}

/* ovc_itree_check must catch a link that disagrees with the tree. */
static void test_check_links(void **state)
{
	enum { N = 7 };
	struct ovc_itnode n[N], *v[N], *save;
	struct ovc_itree t;
	size_t i;

	(void)state;
	for (i = 0; i < N; i++) {
		memset(&n[i], 0, sizeof(n[i]));
		n[i].start = 10 * i;
		n[i].end = 10 * i + 5;
		v[i] = &n[i];
	}
	ovc_itree_init(&t, 0, 100);
	ovc_itree_build(&t, v, N);
	assert_int_equal(ovc_itree_check(&t), 0);

	save = n[3].next;
	n[3].next = &n[5];		/* skips n[4] */
	assert_int_equal(ovc_itree_check(&t), -1);
	n[3].next = save;
	save = n[4].prev;
	n[4].prev = NULL;
	assert_int_equal(ovc_itree_check(&t), -1);
	n[4].prev = save;
	n[6].next = &n[0];		/* a cycle through the last node */
	assert_int_equal(ovc_itree_check(&t), -1);
	n[6].next = NULL;
	n[0].prev = &n[6];
	assert_int_equal(ovc_itree_check(&t), -1);
	n[0].prev = NULL;
	t.first = &n[1];
	assert_int_equal(ovc_itree_check(&t), -1);
	t.first = &n[0];
	t.last = &n[5];
	assert_int_equal(ovc_itree_check(&t), -1);
	t.last = &n[6];
	assert_int_equal(ovc_itree_check(&t), 0);

	/* An empty tree must not claim ends. */
	ovc_itree_init(&t, 0, 100);
	t.last = &n[0];
	assert_int_equal(ovc_itree_check(&t), -1);
	t.last = NULL;
	t.first = &n[0];
	assert_int_equal(ovc_itree_check(&t), -1);
}

/* The node may not outgrow 72 bytes on LP64: a VMA embeds it plus 24
 * bytes and must stay within 100 bytes with the pool's overhead. */
static void test_node_size(void **state)
{
	(void)state;
	if (sizeof(void *) == 8)
		assert_true(sizeof(struct ovc_itnode) <= 72);
}

/* ---------------------------------------------------------------------
 * Randomized differential test against a sorted array
 */

enum { MAXN = 320 };

struct diff_cfg {
	const char *name;
	uint64_t seed;
	uint64_t base, space;	/* nodes live in [base, base + space) */
	uint64_t tlo, thi;	/* tree bounds */
	uint64_t maxlen;
	unsigned ops;
};

struct diff {
	const struct diff_cfg *cfg;
	uint64_t rng;
	struct ovc_itree t;
	struct ovc_itnode nodes[MAXN];
	struct ovc_itnode *free_nodes[MAXN];
	size_t nfree;
	struct ovc_itnode *m[MAXN];	/* the model: sorted by start */
	uint64_t ms[MAXN], me[MAXN];	/* its own copy of the bounds */
	size_t mn;
};

static struct ovc_itnode *model_find(const struct diff *d, uint64_t addr)
{
	size_t i;

	for (i = 0; i < d->mn; i++)
		if (d->ms[i] <= addr && addr < d->me[i])
			return d->m[i];
	return NULL;
}

static struct ovc_itnode *model_find_after(const struct diff *d, uint64_t addr)
{
	size_t i;

	for (i = 0; i < d->mn; i++)
		if (d->me[i] > addr)
			return d->m[i];
	return NULL;
}

static struct ovc_itnode *model_find_before(const struct diff *d, uint64_t addr)
{
	size_t i;

	for (i = d->mn; i-- > 0;)
		if (d->ms[i] < addr)
			return d->m[i];
	return NULL;
}

/* Free regions from the top: above the last node, then below each node. */
static int model_gap(const struct diff *d, uint64_t len, uint64_t lo,
		     uint64_t hi, uint64_t *out)
{
	uint64_t L = lo > d->t.lo ? lo : d->t.lo;
	uint64_t H = hi < d->t.hi ? hi : d->t.hi;
	size_t k;

	if (!len || H < L || H - L < len)
		return -1;
	for (k = d->mn + 1; k-- > 0;) {
		uint64_t a = k ? d->me[k - 1] : 0;
		uint64_t b = k < d->mn ? d->ms[k] : UINT64_MAX;

		if (a < L)
			a = L;
		if (b > H)
			b = H;
		if (b >= a && b - a >= len) {
			*out = b - len;
			return 0;
		}
	}
	return -1;
}

static size_t model_slot(const struct diff *d, uint64_t start)
{
	size_t i = 0;

	while (i < d->mn && d->ms[i] < start)
		i++;
	return i;
}

static bool model_overlaps(const struct diff *d, uint64_t s, uint64_t e)
{
	size_t i;

	for (i = 0; i < d->mn; i++)
		if (d->ms[i] < e && s < d->me[i])
			return true;
	return false;
}

static void model_insert(struct diff *d, struct ovc_itnode *n)
{
	size_t i = model_slot(d, n->start);

	memmove(&d->m[i + 1], &d->m[i], (d->mn - i) * sizeof(d->m[0]));
	memmove(&d->ms[i + 1], &d->ms[i], (d->mn - i) * sizeof(d->ms[0]));
	memmove(&d->me[i + 1], &d->me[i], (d->mn - i) * sizeof(d->me[0]));
	d->m[i] = n;
	d->ms[i] = n->start;
	d->me[i] = n->end;
	d->mn++;
}

static void model_delete(struct diff *d, size_t i)
{
	d->mn--;
	memmove(&d->m[i], &d->m[i + 1], (d->mn - i) * sizeof(d->m[0]));
	memmove(&d->ms[i], &d->ms[i + 1], (d->mn - i) * sizeof(d->ms[0]));
	memmove(&d->me[i], &d->me[i + 1], (d->mn - i) * sizeof(d->me[0]));
}

static void diff_insert(struct diff *d)
{
	const struct diff_cfg *c = d->cfg;
	uint64_t s = c->base + rnd(&d->rng, c->space);
	uint64_t len = 1 + rnd(&d->rng, c->maxlen);
	uint64_t top = c->base + c->space;
	struct ovc_itnode *n;
	bool clash;

	if (!d->nfree)
		return;
	n = d->free_nodes[d->nfree - 1];
	memset(n, 0x5a, sizeof(*n));	/* insert must not trust old fields */
	n->start = s;
	n->end = top - s < len ? top : s + len;
	clash = model_overlaps(d, n->start, n->end);
	assert_int_equal(ovc_itree_insert(&d->t, n), clash ? -1 : 0);
	if (clash)
		return;
	d->nfree--;
	model_insert(d, n);
}

static void diff_remove(struct diff *d)
{
	size_t i;

	if (!d->mn)
		return;
	i = rnd(&d->rng, d->mn);
	ovc_itree_remove(&d->t, d->m[i]);
	d->free_nodes[d->nfree++] = d->m[i];
	model_delete(d, i);
}

/* New bounds anywhere between the neighbours, as merge/grow/trim do. */
static void diff_set(struct diff *d)
{
	const struct diff_cfg *c = d->cfg;
	uint64_t lo, hi, s, e;
	size_t i;

	if (!d->mn)
		return;
	i = rnd(&d->rng, d->mn);
	lo = i ? d->me[i - 1] : c->base;
	hi = i + 1 < d->mn ? d->ms[i + 1] : c->base + c->space;
	if (rnd(&d->rng, 2)) {		/* small nudge of one side */
		s = d->ms[i] > lo && rnd(&d->rng, 2) ? d->ms[i] - 1 : d->ms[i];
		e = d->me[i] < hi && rnd(&d->rng, 2) ? d->me[i] + 1 : d->me[i];
	} else {
		s = lo + rnd(&d->rng, hi - lo);
		e = s + 1 + rnd(&d->rng, hi - s);
	}
	ovc_itree_set(&d->t, d->m[i], s, e);
	d->ms[i] = s;
	d->me[i] = e;
}

static void diff_rebuild(struct diff *d)
{
	ovc_itree_init(&d->t, d->cfg->tlo, d->cfg->thi);
	ovc_itree_build(&d->t, d->m, d->mn);
}

static void diff_compare_walk(struct diff *d)
{
	struct ovc_itnode *got[MAXN];
	struct collect c = { .v = got, .cap = MAXN };
	size_t i;

	ovc_itree_walk(&d->t, collect_fn, &c);
	assert_int_equal(c.n, d->mn);
	for (i = 0; i < d->mn; i++) {
		assert_ptr_equal(got[i], d->m[i]);
		assert_true(got[i]->start == d->ms[i] && got[i]->end == d->me[i]);
	}
	assert_links(&d->t, d->m, d->mn);
}

/* An address near the interesting places: node edges, bounds, anywhere. */
static uint64_t diff_addr(struct diff *d)
{
	const struct diff_cfg *c = d->cfg;
	size_t i;

	switch (rnd(&d->rng, 6)) {
	case 0:
		return rnd(&d->rng, 2) ? 0 : UINT64_MAX;
	case 1:
		return rnd(&d->rng, 2) ? c->tlo : c->thi;
	case 2:
	case 3:
		if (d->mn) {
			i = rnd(&d->rng, d->mn);
			return (rnd(&d->rng, 2) ? d->ms[i] : d->me[i]) +
			       rnd(&d->rng, 3) - 1;
		}
		/* fall through */
	default:
		return c->base + rnd(&d->rng, c->space);
	}
}

static uint64_t diff_len(struct diff *d)
{
	size_t i;

	switch (rnd(&d->rng, 5)) {
	case 0:			/* exactly some node's gap */
		if (d->mn) {
			i = rnd(&d->rng, d->mn);
			if (d->m[i]->gap)
				return d->m[i]->gap;
		}
		/* fall through */
	case 1:
		return rnd(&d->rng, 4);
	default:
		return 1 + rnd(&d->rng, 2 * d->cfg->maxlen);
	}
}

static void diff_queries(struct diff *d)
{
	int q;

	for (q = 0; q < 4; q++) {
		uint64_t a = diff_addr(d), lo = diff_addr(d), hi = diff_addr(d);
		uint64_t len = diff_len(d), want = 0, got = 0;
		int rw, rg;

		assert_ptr_equal(ovc_itree_find(&d->t, a), model_find(d, a));
		assert_ptr_equal(ovc_itree_find_after(&d->t, a),
				 model_find_after(d, a));
		assert_ptr_equal(ovc_itree_find_before(&d->t, a),
				 model_find_before(d, a));
		if (rnd(&d->rng, 2)) {
			lo = d->cfg->tlo;
			hi = d->cfg->thi;
		} else if (lo > hi && rnd(&d->rng, 4)) {
			uint64_t x = lo;

			lo = hi;
			hi = x;
		}
		rw = model_gap(d, len, lo, hi, &want);
		rg = ovc_itree_gap_topdown(&d->t, len, lo, hi, &got);
		assert_int_equal(rg, rw);
		if (rw == 0)
			assert_true(got == want);
	}
	if (d->mn) {
		size_t i = rnd(&d->rng, d->mn);

		assert_ptr_equal(ovc_itree_first(&d->t), d->m[0]);
		assert_ptr_equal(ovc_itree_last(&d->t), d->m[d->mn - 1]);
		assert_ptr_equal(ovc_itree_next(&d->t, d->m[i]),
				 i + 1 < d->mn ? d->m[i + 1] : NULL);
		assert_ptr_equal(ovc_itree_prev(&d->t, d->m[i]),
				 i ? d->m[i - 1] : NULL);
	} else {
		assert_null(ovc_itree_first(&d->t));
		assert_null(ovc_itree_last(&d->t));
	}
}

/* Alternate fill and drain phases so the tree passes through every size. */
static void diff_step(struct diff *d, unsigned op)
{
	unsigned fill = (op / 4000) % 2 ? 30 : 70;
	unsigned r = (unsigned)rnd(&d->rng, 1000);

	if (r < 2)
		diff_rebuild(d);
	else if (r % 100 < fill)
		diff_insert(d);
	else if (r % 100 < fill + 15)
		diff_set(d);
	else
		diff_remove(d);
	assert_int_equal(ovc_itree_check(&d->t), 0);
	assert_int_equal(d->t.count, d->mn);
}

static void run_diff(const struct diff_cfg *cfg)
{
	struct diff *d = calloc(1, sizeof(*d));
	unsigned op;
	size_t i;

	assert_non_null(d);
	d->cfg = cfg;
	d->rng = cfg->seed;
	for (i = 0; i < MAXN; i++)
		d->free_nodes[i] = &d->nodes[i];
	d->nfree = MAXN;
	ovc_itree_init(&d->t, cfg->tlo, cfg->thi);
	for (op = 0; op < cfg->ops; op++) {
		diff_step(d, op);
		diff_queries(d);
		if (op % 64 == 0)
			diff_compare_walk(d);
	}
	diff_compare_walk(d);
	free(d);
}

static const struct diff_cfg diff_table[] = {
	{ "dense", 0x9e3779b97f4a7c15ull, 0, 2048, 0, 2048, 16, 40000 },
	{ "nodes outside the tree bounds", 0x2545f4914f6cdd1dull,
	  0, 2048, 100, 1900, 24, 40000 },
	{ "sparse, large gaps", 0x853c49e6748fea9bull,
	  1000, 1u << 20, 1000, (1u << 20) + 1000, 4096, 20000 },
	{ "tiny lengths, many adjacent", 0xda3e39cb94b95bdbull,
	  0, 600, 0, 600, 3, 40000 },
	{ "top of the address space", 0x4f1bbcdcbfa53e0bull,
	  UINT64_MAX - 4096, 4096, 0, UINT64_MAX, 40, 20000 },
};

static void test_differential(void **state)
{
	size_t i;

	(void)state;
	for (i = 0; i < sizeof(diff_table) / sizeof(diff_table[0]); i++)
		run_diff(&diff_table[i]);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_empty),
		cmocka_unit_test(test_single),
		cmocka_unit_test(test_overlap_rejected),
		cmocka_unit_test(test_gap_table),
		cmocka_unit_test(test_gap_bounds),
		cmocka_unit_test(test_set_updates_successor),
		cmocka_unit_test(test_sequential),
		cmocka_unit_test(test_build),
		cmocka_unit_test(test_links),
		cmocka_unit_test(test_set_successor_below),
		cmocka_unit_test(test_check_links),
		cmocka_unit_test(test_node_size),
		cmocka_unit_test(test_differential),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
