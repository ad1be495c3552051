/* machine.c - building a machine from its description, as the kernel boots.
 *
 * The physical state comes from the config (what /proc/meminfo would have
 * shown); the sysctl defaults are computed as the kernel computes them at
 * boot: admin and user reserves from free memory (init_admin_reserve,
 * init_user_reserve in mm/mmap.c, 3.10+ and RHEL6), min_free_kbytes and
 * totalreserve (watermark.c), the Committed_AS batch (mm_compute_batch).
 * Units: pages, unless _kb.
 */
#include <stdlib.h>
#include <string.h>

#include "oom_internal.h"

void ovc_config_default(struct ovc_config *c)
{
	memset(c, 0, sizeof(*c));
	c->free_kb = c->file_kb = c->shmem_kb = c->anon_kb = OVC_UNSET;
	c->slab_reclaimable_kb = c->slab_unreclaimable_kb = OVC_UNSET;
	c->reclaimable_kb = c->buffers_kb = c->swap_free_kb = OVC_UNSET;
	c->totalreserve_kb = c->committed_kb = c->boot_free_kb = OVC_UNSET;
	c->vm.overcommit_memory = c->vm.overcommit_ratio = OVC_UNSET_INT;
	c->vm.watermark_scale_factor = c->vm.panic_on_oom = OVC_UNSET_INT;
	c->vm.oom_kill_allocating_task = c->vm.oom_dump_tasks = OVC_UNSET_INT;
	c->vm.overcommit_kbytes = c->vm.admin_reserve_kbytes = OVC_UNSET;
	c->vm.user_reserve_kbytes = c->vm.min_free_kbytes = OVC_UNSET;
	c->vm.max_map_count = OVC_UNSET;
}

static uint64_t kb_or0(const struct ovc_machine *m, uint64_t kb)
{
	return kb == OVC_UNSET ? 0 : ovc_kb_to_pages(m, kb);
}

static int geometry(struct ovc_machine *m, const struct ovc_config *c, struct ovc_err *e)
{
	uint64_t ps = c->page_size ? c->page_size : 4096;

	if (ps < 1024 || ps > (1u << 24) || (ps & (ps - 1)))
		return ovc_err_set(e, OVC_E_RANGE, "page size %llu is not a power of two between 1k and 16M",
				   (unsigned long long)ps);
	m->page_size = ps;
	m->page_shift = (unsigned)__builtin_ctzll(ps);
	m->ncpus = c->ncpus ? c->ncpus : 1;
	if (m->ncpus > 8192)
		return ovc_err_set(e, OVC_E_RANGE, "at most 8192 CPUs are modelled");
	m->ram = ovc_kb_to_pages(m, c->ram_kb);
	if (!m->ram || c->ram_kb > (1ull << 50))
		return ovc_err_set(e, OVC_E_RANGE, "machine ram must be between one page and 1 EiB");
	m->huge.size_kb = c->hugepage_kb ? c->hugepage_kb : 2048;
	if (m->huge.size_kb < (ps >> 10) || m->huge.size_kb % (ps >> 10))
		return ovc_err_set(e, OVC_E_RANGE, "huge page size must be a multiple of the page size");
	m->huge.nr = m->huge.free = c->hugepages;
	if (c->hugepages > m->ram / (m->huge.size_kb >> (m->page_shift - 10)))
		return ovc_err_set(e, OVC_E_RANGE, "the hugepage pool is larger than RAM");
	return 0;
}

/* The physical state: what is not stated is derived. */
static int physical(struct ovc_machine *m, const struct ovc_config *c, struct ovc_err *e)
{
	struct ovc_phys *p = &m->phys;
	uint64_t cached = kb_or0(m, c->file_kb), used;

	p->shmem = kb_or0(m, c->shmem_kb);
	p->buffers = kb_or0(m, c->buffers_kb);
	if (p->shmem > cached)
		return ovc_err_set(e, OVC_E_RANGE, "state shmem is part of file (Cached) and cannot exceed it");
	p->file = cached + p->buffers;
	p->loose_cache = p->file - p->shmem;
	p->anon = kb_or0(m, c->anon_kb);
	p->slab_reclaimable = kb_or0(m, c->slab_reclaimable_kb);
	p->slab_unreclaimable = kb_or0(m, c->slab_unreclaimable_kb);
	p->reclaimable = kb_or0(m, c->reclaimable_kb);
	used = p->file + p->anon + p->slab_reclaimable + p->slab_unreclaimable +
	       p->reclaimable + ovc_hugetlb_pages(m);
	if (used > m->ram)
		return ovc_err_set(e, OVC_E_RANGE, "the stated memory adds up to more than MemTotal");
	p->free = c->free_kb == OVC_UNSET ? m->ram - used : ovc_kb_to_pages(m, c->free_kb);
	if (p->free > m->ram - used)
		return ovc_err_set(e, OVC_E_RANGE, "state free is more than MemTotal leaves after the other fields");
	p->kernel = m->ram - used - p->free;
	p->swap_total = ovc_kb_to_pages(m, c->swap_kb);
	p->swap_free = c->swap_free_kb == OVC_UNSET ? p->swap_total : ovc_kb_to_pages(m, c->swap_free_kb);
	if (p->swap_free > p->swap_total)
		return ovc_err_set(e, OVC_E_RANGE, "state swapfree is more than the swap size");
	return 0;
}

/* Boot-time sysctl defaults, then what the config states. */
static void sysctls(struct ovc_machine *m, const struct ovc_config *c)
{
	struct ovc_sysctl *v = &m->vm;
	const struct ovc_sysctl *w = &c->vm;
	uint64_t boot = c->boot_free_kb != OVC_UNSET ? c->boot_free_kb :
		ovc_pages_to_kb(m, m->phys.free + m->phys.file + m->phys.anon);

	v->overcommit_ratio = 50;
	v->admin_reserve_kbytes = boot / 32 < 8192 ? boot / 32 : 8192;
	v->user_reserve_kbytes = boot / 32 < 131072 ? boot / 32 : 131072;
	v->max_map_count = 65530;
	v->watermark_scale_factor = 10;
	v->oom_dump_tasks = m->profile.oom->badness != OVC_BADNESS_LEGACY;
	v->min_free_kbytes = ovc_min_free_default_kb(m);
#define SET(f, unset) if (w->f != (unset)) v->f = w->f
	SET(overcommit_memory, OVC_UNSET_INT);
	SET(overcommit_ratio, OVC_UNSET_INT);
	SET(watermark_scale_factor, OVC_UNSET_INT);
	SET(panic_on_oom, OVC_UNSET_INT);
	SET(oom_kill_allocating_task, OVC_UNSET_INT);
	SET(oom_dump_tasks, OVC_UNSET_INT);
	SET(overcommit_kbytes, OVC_UNSET);
	SET(admin_reserve_kbytes, OVC_UNSET);
	SET(user_reserve_kbytes, OVC_UNSET);
	SET(min_free_kbytes, OVC_UNSET);
	SET(max_map_count, OVC_UNSET);
#undef SET
}

static void pools(struct ovc_machine *m)
{
	ovc_pool_init(&m->vma_pool, sizeof(struct ovc_vma));
	ovc_pool_init(&m->extent_pool, sizeof(struct ovc_extent));
	ovc_pool_init(&m->frames_pool, sizeof(struct ovc_frames));
	ovc_pool_init(&m->mm_pool, sizeof(struct ovc_mm));
}

int ovc_machine_init(struct ovc_machine *m, const struct ovc_config *c,
		     const struct ovc_profile *p, struct ovc_err *e)
{
	int rc;

	memset(m, 0, sizeof(*m));
	m->profile = *p;
	pools(m);
	ovc_itree_init(&m->frames, 0, UINT64_MAX);
	m->next_frame = 1;
	m->next_pid = 1000;
	m->current = -1;
	if ((rc = geometry(m, c, e)) || (rc = physical(m, c, e)))
		return rc;
	sysctls(m, c);
	if (m->vm.overcommit_memory < 0 || m->vm.overcommit_memory > 2)
		return ovc_err_set(e, OVC_E_RANGE, "vm.overcommit_memory must be 0, 1 or 2");
	m->totalreserve_fixed = c->totalreserve_kb != OVC_UNSET;
	if (m->totalreserve_fixed)
		m->phys.totalreserve = ovc_kb_to_pages(m, c->totalreserve_kb);
	ovc_watermarks_update(m);
	m->committed.ncpus = m->ncpus;
	m->committed.delta = calloc(m->ncpus, sizeof(*m->committed.delta));
	if (!m->committed.delta)
		return ovc_err_set(e, OVC_E_NOMEM, "out of memory");
	m->committed_base = kb_or0(m, c->committed_kb);
	m->committed.count = (int64_t)m->committed_base;
	ovc_commit_set_batch(m);
	if (memcg_init(m))
		return ovc_err_set(e, OVC_E_NOMEM, "out of memory");
	return 0;
}

void ovc_machine_free(struct ovc_machine *m)
{
	for (size_t i = 0; i < m->nobjs; i++)
		free(m->objs[i]);
	free(m->objs);
	free(m->tasks);
	free(m->committed.delta);
	oom_log_free(m);
	memcg_free(m);
	ovc_pool_destroy(&m->vma_pool);
	ovc_pool_destroy(&m->extent_pool);
	ovc_pool_destroy(&m->frames_pool);
	ovc_pool_destroy(&m->mm_pool);
	memset(m, 0, sizeof(*m));
}
