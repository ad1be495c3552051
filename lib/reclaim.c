/* reclaim.c - the page allocator's slow path: reclaim, swap, then the OOM killer.
 *
 * Mirrors __alloc_pages_slowpath() (mm/page_alloc.c) as far as the outcome
 * goes, for the order-0 GFP_HIGHUSER_MOVABLE allocations of page faults:
 *  1. pages come from free memory above the min watermark;
 *  2. below it, direct reclaim frees clean page cache (the stated cache,
 *     the unowned part first, then the cache of files nobody maps);
 *  3. then anonymous pages go to swap while swap has room (lib/swap.c);
 *  4. only when not one more page can be had, __alloc_pages_may_oom()
 *     calls out_of_memory(), and the allocation is retried: it goes on if
 *     the kill freed memory, otherwise the killer runs again, while it
 *     still kills someone, at most OVC_OOM_MAX_KILLS rounds;
 *  5. if the allocation still fails, the fault returns VM_FAULT_OOM:
 *     up to 5.15 pagefault_out_of_memory() runs one more global OOM (2.6.32
 *     panics there if panic_on_oom is set); from 5.16 (60e2793d440a) the
 *     fault is retried without killing, which the model reports as OOM.
 * A fault takes its pages one by one, so by the time the killer runs the
 * faulting task holds every page it could get: phys_take_some() hands out
 * what steps 1-3 can provide and runs the killer only when that is
 * nothing; the fault maps each batch before asking for the next
 * (lib/rss.c). Reclaim is all-or-nothing per step rather than kswapd's
 * proportional scan, and there is no kswapd: nothing is freed ahead of
 * need. Units: pages.
 */
#include "oom_internal.h"

static uint64_t free_above_min(const struct ovc_machine *m)
{
	const struct ovc_phys *p = &m->phys;

	return p->free > p->min_wmark ? p->free - p->min_wmark : 0;
}

/* The stated clean cache: for a global reclaim the part no cgroup owns
 * first, then the cgroups' in tree order; for a cgroup, its subtree's. */
static uint64_t loose_take(struct ovc_machine *m, int memcg, uint64_t want)
{
	uint64_t got = 0;

	if (memcg < 0) {
		uint64_t own = m->phys.loose_cache - m->memcg_cache;

		got = own < want ? own : want;
	}
	for (size_t i = 0; i < m->nmemcgs && got < want; i++)
		if (memcg < 0 || ovc_memcg_within(m, (int)i, memcg))
			got += memcg_cache_take(m, (int)i, want - got);
	m->phys.loose_cache -= got;
	m->phys.file -= got;
	phys_give(m, got);
	return got;
}

uint64_t reclaim_cache(struct ovc_machine *m, int memcg, uint64_t want, struct ovc_result *r)
{
	uint64_t got = loose_take(m, memcg, want);

	if (got < want && memcg < 0)
		got += obj_reclaim(m, want - got);
	if (r)
		r->reclaimed += got;
	return got;
}

int current_killed(const struct ovc_machine *m)
{
	return m->current >= 0 && m->tasks[m->current].oom_killed;
}

/* The killer needs a faulting task (a read with no task does not kill),
 * an enabled killer, a machine that has not panicked, and a current that
 * is not already dying (its allocation fails instead). */
int oom_may_run(const struct ovc_machine *m)
{
	return m->current >= 0 && !m->oom_killer_disabled && !m->panicked && !current_killed(m);
}

/* Steps 2-4: reclaim for the shortfall; the killer only at zero. Returns
 * the OOM rounds run. */
static uint32_t make_room(struct ovc_machine *m, uint64_t n, struct ovc_result *r)
{
	uint32_t rounds = 0;
	uint64_t avail;

	while ((avail = free_above_min(m)) < n) {
		uint64_t need = n - avail;

		if (reclaim_cache(m, -1, need, r) || swap_out(m, -1, need, r))
			continue;
		if (avail || !oom_may_run(m) || rounds >= OVC_OOM_MAX_KILLS)
			break;
		rounds++;
		if (!oom_invoke(m, -1, n, 0, r))
			break;
	}
	return rounds;
}

uint64_t phys_take_some(struct ovc_machine *m, uint64_t n, struct ovc_result *r)
{
	uint32_t rounds = make_room(m, n, r);
	uint64_t avail = free_above_min(m);

	/* Step 5: the allocator gave up while the killer still made progress. */
	if (!avail && rounds >= OVC_OOM_MAX_KILLS && oom_may_run(m) && m->profile.oom->pf_kills) {
		oom_invoke(m, -1, n, 1, r);
		avail = free_above_min(m);
	}
	if (avail < n)
		n = avail;
	m->phys.free -= n;
	return n;
}

/* All n, or fewer only when memory has run out for good (shm.c's fills). */
uint64_t phys_take(struct ovc_machine *m, uint64_t n, struct ovc_result *r)
{
	uint64_t got = 0, k;

	while (got < n && (k = phys_take_some(m, n - got, r)))
		got += k;
	return got;
}
