/* swap.c - anonymous pages out to swap and back in.
 *
 * Swap-out mirrors shrink_inactive_list() on the anonymous LRU followed by
 * try_to_unmap() and add_to_swap() (mm/vmscan.c, mm/rmap.c): a page leaves
 * RAM, every page table that mapped it gets a swap entry (the mm's rss_anon
 * goes down, its swapents up), and one swap slot is used however many
 * processes share the page. Victims are chosen oldest-fault-first: frame
 * ids grow with every fault, so the frame tree is a FIFO. That is an LRU in
 * which no page is ever referenced again (the model does not see accesses
 * after the fault); mlocked pages (faulted in a VM_LOCKED VMA) are
 * unevictable and skipped. A cgroup's reclaim only takes its own pages.
 *
 * Swap-in mirrors do_swap_page() (mm/memory.c): the page needs a free page
 * (and a charge) first, so it may itself reclaim, swap others out or call
 * the OOM killer. The page comes back as the youngest (new frame ids, as
 * the kernel puts it at the head of the LRU). Simplifications: there is no swap cache (the slot is
 * freed at swap-in, as when vm_swap_full() or the page is exclusive), and
 * a page shared by several processes comes back into all their page tables
 * at once, where the kernel maps it only for the faulting one.
 *
 * Finding the page tables of a frame walks every mm (no reverse map is
 * kept): the cost is the number of resident extents, per victim range.
 * Units: pages.
 */
#include "oom_internal.h"

static uint64_t min2(uint64_t a, uint64_t b)
{
	return a < b ? a : b;
}

/* Within one mm: mappings of frames [f, f+n) of kind `from` become `to`,
 * on frames [nf, nf+n). Returns the pages changed. */
static uint64_t remap_mm(struct ovc_machine *m, struct ovc_mm *mm, uint64_t f, uint64_t n,
			 uint32_t from, uint32_t to, uint64_t nf)
{
	struct ovc_itnode *it = ovc_itree_first(&mm->rss);
	uint64_t done = 0;

	while (it) {
		struct ovc_extent *x = extent_of(it);
		uint64_t xf = x->frame, xn = it->end - it->start;
		uint64_t lo = xf > f ? xf : f, hi = xf + xn < f + n ? xf + xn : f + n;

		if (x->kind != from || lo >= hi) {
			it = ovc_itree_next(&mm->rss, it);
			continue;
		}
		uint64_t vs = it->start + (lo - xf), ve = vs + (hi - lo);

		x = rss_set_kind(m, mm, x, vs, ve, to);
		x->frame = nf + (lo - f);
		done += ve - vs;
		it = ovc_itree_find_after(&mm->rss, ve);
	}
	return done;
}

/* try_to_unmap() / the reverse of it: every mm's mappings of [f, f+n),
 * moved to [nf, nf+n). mapped = page-table entries pointing there (n *
 * refs), to stop early. */
static void remap_frames(struct ovc_machine *m, uint64_t f, uint64_t n, uint32_t from,
			 uint32_t to, uint64_t nf, uint64_t mapped)
{
	uint32_t gen = ++m->scan_gen;
	uint64_t done = 0;

	for (size_t i = 0; i < m->ntasks && done < mapped; i++) {
		struct ovc_mm *mm = m->tasks[i].mm;

		if (m->tasks[i].state != OVC_TASK_RUNNING || !mm || mm->scan_gen == gen)
			continue;
		mm->scan_gen = gen;
		done += remap_mm(m, mm, f, n, from, to, nf);
	}
	if (done != mapped)
		OVC_BUG("swap: page tables and frame counts disagree");
}

/* Write the k oldest pages of x to swap; x covers exactly them. */
static void page_out(struct ovc_machine *m, struct ovc_frames *x, struct ovc_result *r)
{
	uint64_t k = x->node.end - x->node.start;

	remap_frames(m, x->node.start, k, OVC_EXT_ANON, OVC_EXT_SWAP, x->node.start, k * x->refs);
	x->swapped = 1;
	m->phys.anon -= k;
	phys_give(m, k);
	m->phys.swap_free -= k;
	memcg_swapped_out(m, x->memcg, k);
	m->swap_outs += k;
	if (r)
		r->swapped_out += k;
}

uint64_t swap_out(struct ovc_machine *m, int memcg, uint64_t want, struct ovc_result *r)
{
	struct ovc_frames *x = NULL;
	uint64_t got = 0;

	while (got < want && m->phys.swap_free) {
		x = frames_evictable(m, x, memcg);
		if (!x)
			break;
		uint64_t k = min2(x->node.end - x->node.start, want - got);

		k = min2(min2(k, m->phys.swap_free), memcg_swap_room(m, x->memcg));
		if (k) {
			x = frames_isolate(m, x->node.start, k);
			page_out(m, x, r);
			got += k;
		}
	}
	return got;
}

uint64_t swap_in(struct ovc_machine *m, struct ovc_mm *mm, struct ovc_extent *x,
		 uint64_t s, uint64_t e, struct ovc_result *r)
{
	uint64_t f = x->frame + (s - x->node.start);
	struct ovc_frames *fr = frames_at(m, f);
	uint64_t n = e - s < fr->node.end - f ? e - s : fr->node.end - f;
	int cg = fr->memcg;
	uint64_t ok = memcg_try_charge(m, cg, n, r), got, nf;

	(void)mm;
	got = ok ? phys_take_some(m, ok, r) : 0;
	if (got < ok)
		memcg_uncharge(m, cg, ok - got);
	if (!got)
		return 0;
	fr = frames_isolate(m, f, got);
	if (!fr->swapped)
		OVC_BUG("swap-in of a page that is not in swap");
	fr->swapped = 0;
	m->phys.anon += got;
	m->phys.swap_free += got;
	memcg_swap_free(m, cg, got);
	nf = frames_renew(m, fr);
	remap_frames(m, f, got, OVC_EXT_SWAP, OVC_EXT_ANON, nf, got * fr->refs);
	m->swap_ins += got;
	r->swapped_in += got;
	return got;
}
