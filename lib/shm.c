/* shm.c - memory objects: files in the page cache, shmem behind shared
 * anonymous mappings, and SysV shared memory segments.
 *
 * A pre-accounted shmem object (shared anonymous memory, a SysV segment
 * without SHM_NORESERVE or under overcommit_memory=2) holds a charge for
 * its whole size from creation until it dies (shmem_acct_size, newseg);
 * the VMAs that map it are shared and never VM_ACCOUNT, so munmap and fork
 * do not touch that charge. A NORESERVE object charges each page as it
 * appears (shmem_acct_block) and a refusal there is SIGBUS. Shared anon
 * memory dies with its last mapping; a segment after IPC_RMID and its last
 * detach (nattch counts VMAs: shm_open/shm_close). Resident pages are kept
 * once per object. Mirrors mm/shmem.c and ipc/shm.c. Units: pages.
 */
#include <stdlib.h>

#include "mm_internal.h"

struct ovc_object *obj_get(struct ovc_machine *m, uint32_t id)
{
	if (!id || id > m->nobjs)
		return NULL;
	return m->objs[id - 1];
}

struct ovc_object *obj_new(struct ovc_machine *m, uint32_t kind, uint64_t pages)
{
	struct ovc_object *o;

	if (m->nobjs == m->objs_cap) {
		size_t cap = m->objs_cap ? m->objs_cap * 2 : 16;
		struct ovc_object **v = realloc(m->objs, cap * sizeof(*v));

		if (!v)
			OVC_BUG("out of memory for objects");
		m->objs = v;
		m->objs_cap = cap;
	}
	o = calloc(1, sizeof(*o));
	if (!o)
		OVC_BUG("out of memory for an object");
	o->id = (uint32_t)++m->nobjs;
	o->kind = kind;
	o->pages = pages;
	ovc_itree_init(&o->cache, 0, UINT64_MAX);
	m->objs[o->id - 1] = o;
	return o;
}

static void cache_free(struct ovc_machine *m, struct ovc_object *o)
{
	struct ovc_itnode *n;

	while ((n = ovc_itree_first(&o->cache))) {
		ovc_itree_remove(&o->cache, n);
		ovc_pool_free(&m->extent_pool, extent_of(n));
	}
	m->phys.file -= o->cached;
	if (o->kind != OVC_OBJ_FILE)
		m->phys.shmem -= o->cached;
	phys_give(m, o->cached);
	o->cached = 0;
}

/* The object dies: its pages and its charge go. */
static void obj_destroy(struct ovc_machine *m, struct ovc_object *o, unsigned cpu)
{
	cache_free(m, o);
	if (o->charged)
		ovc_commit_unacct(m, cpu, o->charged);
	o->charged = 0;
	/* A SHM_HUGETLB segment is a hugetlbfs inode: evicting it gives its
	 * reservation back (hugetlb_unreserve_pages -> hugetlb_acct_memory),
	 * surplus pages included. */
	if (o->hugetlb && !o->noreserve) {
		uint64_t per = m->huge.size_kb >> (m->page_shift - 10);

		ovc_hugetlb_unreserve(m, (o->pages + per - 1) / per);
	}
	o->kind = 0;
}

void obj_unmapped(struct ovc_machine *m, struct ovc_object *o, unsigned cpu)
{
	if (o->kind == OVC_OBJ_SHMEM && !o->maps)
		obj_destroy(m, o, cpu);
	else if (o->kind == OVC_OBJ_SYSV && o->removed && !o->maps)
		obj_destroy(m, o, cpu);
}

/* Record [s, e) as resident in o's cache (the caller knows it was not). */
static void cache_add(struct ovc_machine *m, struct ovc_object *o, uint64_t s, uint64_t e)
{
	struct ovc_itnode *p = ovc_itree_find_before(&o->cache, s);

	if (p && p->end == s) {
		ovc_itree_set(&o->cache, p, p->start, e);
	} else {
		struct ovc_extent *x = ovc_pool_alloc(&m->extent_pool);

		if (!x)
			OVC_BUG("out of memory for the page cache");
		x->node.start = s;
		x->node.end = e;
		if (ovc_itree_insert(&o->cache, &x->node))
			OVC_BUG("page cache ranges overlap");
	}
	o->cached += e - s;
}

/* shmem_acct_block(): a NORESERVE page is charged when it is allocated. */
static uint64_t charge_pages(struct ovc_machine *m, struct ovc_task *t,
			     struct ovc_object *o, uint64_t n, struct ovc_result *r)
{
	uint64_t i;

	if (!o->noreserve || o->kind == OVC_OBJ_FILE || !t)
		return n;
	for (i = 0; i < n; i++)
		if (!charge(m, t, t->mm, 1, r))
			break;
	o->charged += i;
	return i;
}

static int64_t fill_run(struct ovc_machine *m, struct ovc_object *o, struct ovc_task *t,
			uint64_t s, uint64_t n, struct ovc_result *r)
{
	uint64_t ok = charge_pages(m, t, o, n, r), got;

	got = phys_take(m, ok, r);
	if (got < ok) {
		/* Give back the charge of pages we could not allocate. */
		if (o->noreserve && o->kind != OVC_OBJ_FILE && t) {
			uncharge(m, t, ok - got, r);
			o->charged -= ok - got;
		}
		refuse(r, 0, OVC_CAUSE_OOM);
	}
	if (got) {
		cache_add(m, o, s, s + got);
		m->phys.file += got;
		if (o->kind != OVC_OBJ_FILE)
			m->phys.shmem += got;
	}
	if (ok < n)
		return -1;
	return (int64_t)got;
}

int64_t obj_fill(struct ovc_machine *m, struct ovc_object *o, struct ovc_task *t,
		 uint64_t off, uint64_t n, struct ovc_result *r)
{
	uint64_t s = off, e = off + n;
	int64_t added = 0;

	if (e > o->pages)
		e = o->pages > s ? o->pages : s;
	while (s < e) {
		struct ovc_itnode *x = ovc_itree_find_after(&o->cache, s);
		uint64_t gap_end = x && x->start < e ? x->start : e;

		if (x && x->start <= s) {
			s = x->end;
			continue;
		}
		int64_t got = fill_run(m, o, t, s, gap_end - s, r);
		if (got < 0)
			return -1;
		added += got;
		if (r->cause)
			break;
		s = gap_end;
	}
	return added;
}

int ovc_file_create(struct ovc_machine *m, uint64_t bytes, uint32_t *obj)
{
	*obj = obj_new(m, OVC_OBJ_FILE, (bytes + m->page_size - 1) >> m->page_shift)->id;
	return 0;
}

int ovc_file_read(struct ovc_machine *m, uint32_t obj, uint64_t offset,
		  uint64_t len, struct ovc_result *r)
{
	struct ovc_object *o = obj_get(m, obj);
	uint64_t s = offset >> m->page_shift;
	uint64_t e = (offset + len + m->page_size - 1) >> m->page_shift;
	int64_t got;

	if (!o || o->kind != OVC_OBJ_FILE)
		return -OVC_E_STATE;
	got = obj_fill(m, o, NULL, s, e - s, r);
	r->touched = got > 0 ? (uint64_t)got : 0;
	return 0;
}

/* Reclaim up to want clean page-cache pages of files that nobody maps,
 * from the end of each file (the inactive file LRU, roughly). Returns the
 * pages freed. */
uint64_t obj_reclaim(struct ovc_machine *m, uint64_t want)
{
	uint64_t got = 0;

	for (size_t i = 0; i < m->nobjs && got < want; i++) {
		struct ovc_object *o = m->objs[i];
		struct ovc_itnode *n;

		if (o->kind != OVC_OBJ_FILE || o->maps)
			continue;
		while (got < want && (n = ovc_itree_last(&o->cache))) {
			uint64_t len = n->end - n->start;
			uint64_t take = len < want - got ? len : want - got;

			if (take == len) {
				ovc_itree_remove(&o->cache, n);
				ovc_pool_free(&m->extent_pool, extent_of(n));
			} else {
				ovc_itree_set(&o->cache, n, n->start, n->end - take);
			}
			o->cached -= take;
			m->phys.file -= take;
			phys_give(m, take);
			got += take;
		}
	}
	return got;
}

/* drop_caches=1: clean page cache that nobody maps goes back to free. */
void ovc_drop_caches(struct ovc_machine *m, struct ovc_result *r)
{
	uint64_t before = m->phys.free;

	m->phys.free += m->phys.loose_cache;
	m->phys.file -= m->phys.loose_cache;
	m->phys.loose_cache = 0;
	for (size_t i = 0; i < m->nobjs; i++)
		if (m->objs[i]->kind == OVC_OBJ_FILE && !m->objs[i]->maps)
			cache_free(m, m->objs[i]);
	if (r)
		r->reclaimed = m->phys.free - before;
}

static struct ovc_object *segment(struct ovc_machine *m, int id)
{
	struct ovc_object *o = id > 0 ? obj_get(m, (uint32_t)id) : NULL;

	return o && o->kind == OVC_OBJ_SYSV ? o : NULL;
}

/* newseg() (ipc/shm.c): hugetlb segments reserve from the pool; others are
 * charged in full unless SHM_NORESERVE is honoured (policy != 2). */
int ovc_shmget(struct ovc_machine *m, int tid, int32_t key, uint64_t bytes,
	       unsigned flags, struct ovc_result *r)
{
	struct ovc_task *t = ovc_task_get(m, tid);
	uint64_t pages = (bytes + m->page_size - 1) >> m->page_shift;
	struct ovc_object *o;
	int noreserve;

	if (!t || !t->mm)
		return -OVC_E_STATE;
	for (size_t i = 0; key && i < m->nobjs; i++)
		if (m->objs[i]->kind == OVC_OBJ_SYSV && m->objs[i]->key == key &&
		    !m->objs[i]->removed) {
			r->id = (int)m->objs[i]->id;
			return 0;
		}
	if (!pages)
		return refuse(r, EINVAL, OVC_CAUSE_INVAL);
	if (flags & OVC_SHM_HUGETLB) {
		uint64_t per = m->huge.size_kb >> (m->page_shift - 10);
		uint64_t need = (pages + per - 1) / per;

		noreserve = (flags & OVC_SHM_NORESERVE) != 0;
		if (!noreserve && m->huge.free - m->huge.resv < need) {
			r->limit = m->huge.free - m->huge.resv;
			r->value = need;
			return refuse(r, ENOMEM, OVC_CAUSE_HUGETLB);
		}
		if (!noreserve)
			m->huge.resv += need;
		pages = need * per;
	} else {
		noreserve = flags & OVC_SHM_NORESERVE && m->vm.overcommit_memory != 2;
		if (!noreserve && !charge(m, t, t->mm, pages, r))
			return 0;
	}
	o = obj_new(m, OVC_OBJ_SYSV, pages);
	o->key = key;
	o->hugetlb = (flags & OVC_SHM_HUGETLB) != 0;
	o->noreserve = (uint8_t)noreserve;
	o->charged = noreserve || o->hugetlb ? 0 : pages;
	r->id = (int)o->id;
	return 0;
}

int ovc_shmat(struct ovc_machine *m, int tid, int id, int readonly,
	      struct ovc_result *r)
{
	struct ovc_object *o = segment(m, id);
	struct ovc_mmap_req q = { 0 };

	if (!o)
		return refuse(r, EINVAL, OVC_CAUSE_INVAL);
	q.len = o->pages << m->page_shift;
	q.prot = OVC_PROT_READ | (readonly ? 0 : OVC_PROT_WRITE);
	q.flags = OVC_MAP_SHARED | (o->hugetlb ? OVC_MAP_HUGETLB | OVC_MAP_NORESERVE : 0);
	q.obj = o->id;
	return ovc_mmap(m, tid, &q, r);
}

int ovc_shmdt(struct ovc_machine *m, int tid, uint64_t addr, struct ovc_result *r)
{
	struct ovc_task *t = ovc_task_get(m, tid);
	struct ovc_vma *v;
	struct ovc_object *o;

	if (!t || !t->mm)
		return -OVC_E_STATE;
	v = vma_find(t->mm, addr >> m->page_shift);
	o = v ? segment(m, (int)v->obj) : NULL;
	if (!o || v->node.start != addr >> m->page_shift)
		return refuse(r, EINVAL, OVC_CAUSE_INVAL);
	unmap_range(m, t, v->node.start, v->node.start + o->pages, 0, r);
	return 0;
}

int ovc_shm_rmid(struct ovc_machine *m, int id, struct ovc_result *r)
{
	struct ovc_object *o = segment(m, id);

	if (!o)
		return refuse(r, EINVAL, OVC_CAUSE_INVAL);
	o->removed = 1;
	if (!o->maps) {
		int64_t before = ovc_pcpu_sum(&m->committed);

		obj_destroy(m, o, 0);
		r->delta = ovc_pcpu_sum(&m->committed) - before;
	}
	return 0;
}
