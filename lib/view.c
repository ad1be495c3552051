/* view.c - /proc/meminfo, /proc/PID/status memory lines and sar -r figures. kB. */
#include "ovc/view.h"

#include <stddef.h>
#include <string.h>

#include "ovc/commit.h"

/*
 * Where the model's counters go (fs/proc/meminfo.c):
 *   Cached  = phys.file - phys.buffers: the kernel prints NR_FILE_PAGES
 *             - swap cache - buffers, and phys.file is NR_FILE_PAGES (the
 *             model has no swap cache). Shmem is included, as in /proc.
 *   MemAvailable follows si_mem_available() (3.14+ formula, 4.x+ with the
 *             reclaimable kernel counter) but is approximate: the model has
 *             no zones, so the low watermark is estimated from
 *             min_free_kbytes (see wmark_low), and the file LRU from
 *             file - shmem.
 *   HugePages_* are counts, not kB (as /proc prints them).
 */

static uint64_t kb(const struct ovc_machine *m, uint64_t pages)
{
	return ovc_pages_to_kb(m, pages);
}

static uint64_t min_u64(uint64_t a, uint64_t b)
{
	return a < b ? a : b;
}

/* Σ low watermarks ≈ min + max(min/4, RAM * wsf / 10000) (4.6+), or
 * min + min/4 before watermark_scale_factor (spec §10.3). */
static uint64_t wmark_low(const struct ovc_machine *m)
{
	uint64_t min = ovc_kb_to_pages(m, m->vm.min_free_kbytes);
	uint64_t gap = min / 4, scaled;

	if (m->profile.watermark->has_scale_factor && m->vm.watermark_scale_factor > 0) {
		scaled = m->ram * (uint64_t)m->vm.watermark_scale_factor / 10000;
		if (scaled > gap)
			gap = scaled;
	}
	return min + gap;
}

/* si_mem_available(): free above the reserves, plus the page cache and
 * reclaimable kernel memory that could go without thrashing. Pages. */
static uint64_t mem_available(const struct ovc_machine *m)
{
	const struct ovc_phys *p = &m->phys;
	uint64_t low = wmark_low(m), pagecache, recl;
	int64_t avail = (int64_t)p->free - (int64_t)p->totalreserve;

	pagecache = p->file > p->shmem ? p->file - p->shmem : 0;
	pagecache -= min_u64(pagecache / 2, low);
	recl = p->slab_reclaimable + p->reclaimable;
	recl -= min_u64(recl / 2, low);
	avail += (int64_t)(pagecache + recl);
	return avail > 0 ? (uint64_t)avail : 0;
}

void ovc_view_meminfo(const struct ovc_machine *m, struct ovc_meminfo *mi)
{
	const struct ovc_phys *p = &m->phys;
	uint64_t total_kb;

	memset(mi, 0, sizeof(*mi));
	mi->mem_total = kb(m, m->ram);
	mi->mem_free = kb(m, p->free);
	mi->mem_available = kb(m, mem_available(m));
	mi->buffers = kb(m, p->buffers);
	mi->cached = kb(m, p->file - p->buffers);
	mi->anon_pages = kb(m, p->anon);
	mi->shmem = kb(m, p->shmem);
	mi->slab_reclaimable = kb(m, p->slab_reclaimable);
	mi->slab_unreclaimable = kb(m, p->slab_unreclaimable);
	mi->swap_total = kb(m, p->swap_total);
	mi->swap_free = kb(m, p->swap_free);
	mi->commit_limit = kb(m, ovc_commit_limit(m));
	mi->committed_as = kb(m, ovc_committed_meminfo(m));
	mi->hugepages_total = m->huge.nr;
	mi->hugepages_free = m->huge.free;
	mi->hugepages_rsvd = m->huge.resv;
	mi->hugepages_surp = m->huge.surplus;
	mi->hugepagesize = m->huge.size_kb;
	mi->hugetlb = m->huge.nr * m->huge.size_kb;
	/* sar -r: kbcommit is Committed_AS; %commit is against RAM + swap,
	 * not against CommitLimit. */
	mi->kbcommit = mi->committed_as;
	total_kb = mi->mem_total + mi->swap_total;
	mi->pct_commit = total_kb ? (double)mi->committed_as * 100.0 / (double)total_kb : 0.0;
}

/* ------------------------------------------------------------------
 * /proc/PID/status
 */

static const struct ovc_vma *vma_of(const struct ovc_itnode *n)
{
	const char *p = (const char *)n - offsetof(struct ovc_vma, node);

	return (const struct ovc_vma *)(const void *)p;
}

/* What dup_mmap would charge: VM_ACCOUNT VMAs not marked VM_DONTCOPY. */
static uint64_t fork_charge(const struct ovc_mm *mm)
{
	const struct ovc_itnode *n;
	uint64_t pages = 0;

	for (n = ovc_itree_first(&mm->vmas); n; n = ovc_itree_next(&mm->vmas, n))
		if ((vma_of(n)->flags & (OVC_VM_ACCOUNT | OVC_VM_DONTCOPY)) == OVC_VM_ACCOUNT)
			pages += n->end - n->start;
	return pages;
}

int ovc_view_task(const struct ovc_machine *m, int tid, struct ovc_task_view *v)
{
	const struct ovc_task *t;
	const struct ovc_mm *mm;

	if (tid < 0 || (size_t)tid >= m->ntasks)
		return -1;
	t = &m->tasks[tid];
	mm = t->mm;
	if (t->state == OVC_TASK_FREE || !mm)
		return -1;
	memset(v, 0, sizeof(*v));
	v->vm_size = kb(m, mm->total_vm);
	v->rss_anon = kb(m, mm->rss_anon);
	v->rss_file = kb(m, mm->rss_file);
	v->rss_shmem = kb(m, mm->rss_shmem);
	v->vm_rss = v->rss_anon + v->rss_file + v->rss_shmem;
	v->vm_data = kb(m, mm->data_vm);
	v->vm_stk = kb(m, mm->stack_vm);
	v->vm_exe = kb(m, mm->exec_vm);
	v->vm_lck = kb(m, mm->locked_vm);
	v->vm_swap = kb(m, mm->swapents);
	v->vm_pte = ovc_mm_pgtables_bytes(m, mm) >> 10;
	v->committed = kb(m, mm->committed);
	v->fork_charge = kb(m, fork_charge(mm));
	v->map_count = mm->vmas.count;
	return 0;
}

/* ------------------------------------------------------------------
 * Field names, in /proc/meminfo order
 */

#define FIELD(nm, member) { nm, offsetof(struct ovc_meminfo, member) }

static const struct ovc_meminfo_field meminfo_fields[] = {
	FIELD("MemTotal", mem_total),
	FIELD("MemFree", mem_free),
	FIELD("MemAvailable", mem_available),
	FIELD("Buffers", buffers),
	FIELD("Cached", cached),
	FIELD("SwapCached", swap_cached),
	FIELD("SwapTotal", swap_total),
	FIELD("SwapFree", swap_free),
	FIELD("AnonPages", anon_pages),
	FIELD("Shmem", shmem),
	FIELD("SReclaimable", slab_reclaimable),
	FIELD("SUnreclaim", slab_unreclaimable),
	FIELD("CommitLimit", commit_limit),
	FIELD("Committed_AS", committed_as),
	FIELD("HugePages_Total", hugepages_total),
	FIELD("HugePages_Free", hugepages_free),
	FIELD("HugePages_Rsvd", hugepages_rsvd),
	FIELD("HugePages_Surp", hugepages_surp),
	FIELD("Hugepagesize", hugepagesize),
	FIELD("Hugetlb", hugetlb),
};

const struct ovc_meminfo_field *ovc_meminfo_fields(size_t *count)
{
	if (count)
		*count = sizeof(meminfo_fields) / sizeof(meminfo_fields[0]);
	return meminfo_fields;
}

int ovc_meminfo_get(const struct ovc_meminfo *mi, const char *name, uint64_t *kbv)
{
	size_t i;

	for (i = 0; name && i < sizeof(meminfo_fields) / sizeof(meminfo_fields[0]); i++) {
		if (strcmp(name, meminfo_fields[i].name) == 0) {
			memcpy(kbv, (const char *)mi + meminfo_fields[i].offset, sizeof(*kbv));
			return 0;
		}
	}
	return -1;
}
