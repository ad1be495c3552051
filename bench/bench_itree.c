/* bench_itree.c - itree throughput and memory per node at vm.max_map_count.
 *
 * Fills a tree with 65530 (the default vm.max_map_count) adjacent-ish
 * intervals of 1-8 pages, then runs 10 M operations: 80% find, 10% remove
 * of a random slot and 10% reinsert of that slot with a new length (an
 * munmap and mmap pair), so the count stays at 65529-65530. Then 1 M range
 * walks: find_after at a random address and 8 steps of next, then 8 of
 * prev back (VMA merging and range walks do this). Prints figures, asserts
 * nothing.
 */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <time.h>

#include "ovc/itree.h"
#include "ovc/pool.h"

enum { NODES = 65530, SLOT = 8, OPS = 10 * 1000 * 1000 };
enum { WALKS = 1000 * 1000, STEPS = 8 };

static uint64_t xorshift64(uint64_t *s)
{
	*s ^= *s << 13;
	*s ^= *s >> 7;
	*s ^= *s << 17;
	return *s;
}

static double now(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec + (double)ts.tv_nsec * 1e-9;
}

/* Slot i owns [i * SLOT, i * SLOT + SLOT): a node there never overlaps
 * another, and gaps of 0-7 pages separate neighbours. */
static struct ovc_itnode *place(struct ovc_pool *p, struct ovc_itree *t,
				size_t i, uint64_t *rng)
{
	struct ovc_itnode *n = ovc_pool_alloc(p);

	if (!n)
		return NULL;
	n->start = (uint64_t)i * SLOT;
	n->end = n->start + 1 + xorshift64(rng) % SLOT;
	if (ovc_itree_insert(t, n)) {
		ovc_pool_free(p, n);
		return NULL;
	}
	return n;
}

int main(void)
{
	struct ovc_itnode **slot = calloc(NODES, sizeof(*slot));
	struct ovc_itree t;
	struct ovc_pool p;
	uint64_t rng = 0x9e3779b97f4a7c15ull, hits = 0;
	double t0, secs;
	size_t i, hole = NODES;	/* NODES: no slot is empty */
	long op;

	if (!slot)
		return 1;
	ovc_pool_init(&p, sizeof(struct ovc_itnode));
	ovc_itree_init(&t, 0, (uint64_t)NODES * SLOT);
	for (i = 0; i < NODES; i++)
		if (!(slot[i] = place(&p, &t, i, &rng)))
			return 1;

	t0 = now();
	for (op = 0; op < OPS; op++) {
		uint64_t r = xorshift64(&rng);

		if (r % 10 < 8) {
			uint64_t addr = (r >> 8) % ((uint64_t)NODES * SLOT);

			hits += ovc_itree_find(&t, addr) != NULL;
		} else if (hole == NODES) {	/* munmap a random slot */
			hole = (size_t)((r >> 8) % NODES);
			ovc_itree_remove(&t, slot[hole]);
			ovc_pool_free(&p, slot[hole]);
		} else {			/* and mmap it again */
			if (!(slot[hole] = place(&p, &t, hole, &rng)))
				return 1;
			hole = NODES;
		}
	}
	secs = now() - t0;

	printf("itree: %d ops in %.3f s: %.2f M ops/s (%llu find hits)\n",
	       OPS, secs, OPS / secs / 1e6, (unsigned long long)hits);

	hits = 0;	/* now: steps taken */
	t0 = now();
	for (op = 0; op < WALKS; op++) {
		uint64_t addr = xorshift64(&rng) % ((uint64_t)NODES * SLOT);
		struct ovc_itnode *n = ovc_itree_find_after(&t, addr), *x;
		int k;

		for (k = 0; n && k < STEPS && (x = ovc_itree_next(&t, n)); k++)
			n = x;
		hits += (uint64_t)k;
		for (k = 0; n && k < STEPS && (x = ovc_itree_prev(&t, n)); k++)
			n = x;
		hits += (uint64_t)k;
	}
	secs = now() - t0;
	printf("itree: %d walks (find_after, then up to %d next and %d prev) "
	       "in %.3f s: %.2f M walks/s (%llu steps)\n", WALKS, STEPS, STEPS,
	       secs, WALKS / secs / 1e6, (unsigned long long)hits);
	printf("itree: %zu live nodes, height %d, sizeof node %zu, "
	       "%.2f bytes/node (pool bytes %zu / live)\n",
	       t.count, t.root ? t.root->height : 0, sizeof(struct ovc_itnode),
	       (double)p.bytes / (double)p.live, p.bytes);
	ovc_pool_destroy(&p);
	free(slot);
	return 0;
}
