/* memcg.c - memory cgroups: the tree, hierarchical charges, limit reclaim, memcg OOM.
 *
 * Mirrors mm/memcontrol.c and mm/page_counter.c: try_charge() charges every
 * level from the task's cgroup up (page_counter_try_charge); the first
 * level, from the bottom, that the charge would take past its max is
 * mem_over_limit. The charge then reclaims inside that cgroup's subtree
 * (try_to_free_mem_cgroup_pages: its page cache, then, unless its
 * swappiness is 0, its anonymous pages to swap within memory.swap.max),
 * and when that frees nothing it runs mem_cgroup_out_of_memory() on the
 * subtree and retries; a charge that cannot be made fails the fault.
 * See ovc/memcg.h for what is modelled. Units: pages.
 */
#include <stdlib.h>
#include <string.h>

#include "oom_internal.h"

static struct ovc_memcg *cg_of(struct ovc_machine *m, int id)
{
	return id >= 0 && (size_t)id < m->nmemcgs ? &m->memcgs[id] : NULL;
}

static int memcg_add(struct ovc_machine *m, const char *path, int parent)
{
	struct ovc_memcg *c;

	if (m->nmemcgs == m->memcgs_cap) {
		size_t cap = m->memcgs_cap ? m->memcgs_cap * 2 : 8;
		struct ovc_memcg *v = realloc(m->memcgs, cap * sizeof(*v));

		if (!v)
			return -OVC_E_NOMEM;
		m->memcgs = v;
		m->memcgs_cap = cap;
	}
	c = &m->memcgs[m->nmemcgs];
	memset(c, 0, sizeof(*c));
	strcpy(c->path, path);
	c->parent = parent;
	c->max = c->swap_max = OVC_UNLIMITED;
	c->swappiness = 60;
	return (int)m->nmemcgs++;
}

int memcg_init(struct ovc_machine *m)
{
	return memcg_add(m, "/", -1) < 0 ? -OVC_E_NOMEM : 0;
}

void memcg_free(struct ovc_machine *m)
{
	free(m->memcgs);
	m->memcgs = NULL;
	m->nmemcgs = m->memcgs_cap = 0;
}

int current_memcg(const struct ovc_machine *m)
{
	return m->current >= 0 ? m->tasks[m->current].memcg : OVC_MEMCG_ROOT;
}

/* ------------------------------------------------------------------
 * The tree
 */

static int path_ok(const char *p)
{
	size_t n = strlen(p);

	if (n < 2 || n >= OVC_MEMCG_PATH_MAX || p[0] != '/' || p[n - 1] == '/')
		return 0;
	return strstr(p, "//") == NULL;
}

int ovc_memcg_lookup(const struct ovc_machine *m, const char *path)
{
	for (size_t i = 0; path && i < m->nmemcgs; i++)
		if (strcmp(m->memcgs[i].path, path) == 0)
			return (int)i;
	return -1;
}

int ovc_memcg_create(struct ovc_machine *m, const char *path, int *id, struct ovc_err *e)
{
	char parent[OVC_MEMCG_PATH_MAX];
	int p, r;

	if (!path || !path_ok(path))
		return ovc_err_set(e, OVC_E_RANGE, "cgroup path \"%.70s\" must start with / and name a directory below the root",
				   path ? path : "");
	if (ovc_memcg_lookup(m, path) >= 0)
		return ovc_err_set(e, OVC_E_STATE, "cgroup %s exists already", path);
	strcpy(parent, path);
	*strrchr(parent, '/') = 0;
	p = ovc_memcg_lookup(m, parent[0] ? parent : "/");
	if (p < 0)
		return ovc_err_set(e, OVC_E_STATE, "the parent of cgroup %s does not exist", path);
	r = memcg_add(m, path, p);
	if (r < 0)
		return ovc_err_set(e, OVC_E_NOMEM, "out of memory for a cgroup");
	*id = r;
	return 0;
}

const struct ovc_memcg *ovc_memcg_get(const struct ovc_machine *m, int id)
{
	return id >= 0 && (size_t)id < m->nmemcgs ? &m->memcgs[id] : NULL;
}

int ovc_memcg_within(const struct ovc_machine *m, int id, int ancestor)
{
	while (id >= 0 && (size_t)id < m->nmemcgs) {
		if (id == ancestor)
			return 1;
		id = m->memcgs[id].parent;
	}
	return 0;
}

static struct ovc_memcg *settable(struct ovc_machine *m, int id)
{
	return id == OVC_MEMCG_ROOT ? NULL : cg_of(m, id);
}

int ovc_memcg_set_max(struct ovc_machine *m, int id, uint64_t pages)
{
	struct ovc_memcg *c = settable(m, id);

	if (!c)
		return -OVC_E_STATE;
	c->max = pages;
	return 0;
}

int ovc_memcg_set_swap_max(struct ovc_machine *m, int id, uint64_t pages)
{
	struct ovc_memcg *c = settable(m, id);

	if (!c)
		return -OVC_E_STATE;
	c->swap_max = pages;
	return 0;
}

int ovc_memcg_set_oom_group(struct ovc_machine *m, int id, int on)
{
	struct ovc_memcg *c = settable(m, id);

	if (!c)
		return -OVC_E_STATE;
	c->oom_group = on != 0;
	return 0;
}

int ovc_memcg_set_swappiness(struct ovc_machine *m, int id, int swappiness)
{
	struct ovc_memcg *c = settable(m, id);

	if (!c)
		return -OVC_E_STATE;
	if (swappiness < 0 || swappiness > 200)
		return -OVC_E_RANGE;
	c->swappiness = swappiness;
	return 0;
}

int ovc_memcg_attach(struct ovc_machine *m, int tid, int id)
{
	if (!ovc_task_get(m, tid) || !cg_of(m, id))
		return -OVC_E_STATE;
	for (size_t i = 0; i < m->ntasks; i++)
		if (m->tasks[i].leader == m->tasks[tid].leader)
			m->tasks[i].memcg = id;
	return 0;
}

/* ------------------------------------------------------------------
 * Counters
 */

/* Add d to the usage of cg and every ancestor (page_counter_charge). */
static void usage_add(struct ovc_machine *m, int cg, int64_t d)
{
	for (struct ovc_memcg *c = cg_of(m, cg); c; c = cg_of(m, c->parent))
		c->usage += (uint64_t)d;
}

static void swap_add(struct ovc_machine *m, int cg, int64_t d)
{
	for (struct ovc_memcg *c = cg_of(m, cg); c; c = cg_of(m, c->parent))
		c->swap_usage += (uint64_t)d;
}

void memcg_uncharge(struct ovc_machine *m, int cg, uint64_t n)
{
	usage_add(m, cg, -(int64_t)n);
}

void memcg_swapped_out(struct ovc_machine *m, int cg, uint64_t n)
{
	usage_add(m, cg, -(int64_t)n);
	swap_add(m, cg, (int64_t)n);
}

void memcg_swap_free(struct ovc_machine *m, int cg, uint64_t n)
{
	swap_add(m, cg, -(int64_t)n);
}

uint64_t memcg_swap_room(const struct ovc_machine *m, int cg)
{
	uint64_t room = UINT64_MAX;

	for (int id = cg; id >= 0 && (size_t)id < m->nmemcgs; id = m->memcgs[id].parent) {
		const struct ovc_memcg *c = &m->memcgs[id];
		uint64_t r = c->swap_usage < c->swap_max ? c->swap_max - c->swap_usage : 0;

		if (r < room)
			room = r;
	}
	return room;
}

/* Room left under every limit from cg up; *over is the lowest level that
 * has the least room (where page-by-page charging would fail first). */
static uint64_t charge_room(const struct ovc_machine *m, int cg, int *over)
{
	uint64_t room = UINT64_MAX;

	*over = cg;
	for (int id = cg; id >= 0 && (size_t)id < m->nmemcgs; id = m->memcgs[id].parent) {
		const struct ovc_memcg *c = &m->memcgs[id];
		uint64_t r = c->usage < c->max ? c->max - c->usage : 0;

		if (r < room) {
			room = r;
			*over = id;
		}
	}
	return room;
}

uint64_t memcg_cache_take(struct ovc_machine *m, int cg, uint64_t want)
{
	struct ovc_memcg *c = cg_of(m, cg);
	uint64_t take;

	if (!c)
		return 0;
	take = c->cache < want ? c->cache : want;
	c->cache -= take;
	m->memcg_cache -= take;
	usage_add(m, cg, -(int64_t)take);
	return take;
}

int ovc_memcg_set_cache(struct ovc_machine *m, int id, uint64_t pages)
{
	struct ovc_memcg *c = cg_of(m, id);
	int over;

	if (!c)
		return -OVC_E_STATE;
	if (m->memcg_cache - c->cache + pages > m->phys.loose_cache)
		return -OVC_E_RANGE;
	usage_add(m, id, -(int64_t)c->cache);
	m->memcg_cache -= c->cache;
	c->cache = 0;
	if (charge_room(m, id, &over) < pages)
		return -OVC_E_RANGE;
	c->cache = pages;
	m->memcg_cache += pages;
	usage_add(m, id, (int64_t)pages);
	return 0;
}

uint64_t ovc_memcg_totalpages(const struct ovc_machine *m, int id)
{
	const struct ovc_memcg *c = ovc_memcg_get(m, id);
	uint64_t max, swap;

	if (!c)
		return 1;
	max = c->max;
	if (c->swappiness) {
		swap = c->swap_max < m->phys.swap_total ? c->swap_max : m->phys.swap_total;
		max = max > UINT64_MAX - swap ? UINT64_MAX : max + swap;
	}
	return max ? max : 1;
}

/* ------------------------------------------------------------------
 * try_charge()
 */

/* try_to_free_mem_cgroup_pages(): cache first, then swap if allowed. */
static uint64_t memcg_reclaim(struct ovc_machine *m, int cg, uint64_t want,
			      struct ovc_result *r)
{
	uint64_t got = reclaim_cache(m, cg, want, r);

	if (got < want && m->memcgs[cg].swappiness)
		got += swap_out(m, cg, want - got, r);
	return got;
}

uint64_t memcg_try_charge(struct ovc_machine *m, int cg, uint64_t n, struct ovc_result *r)
{
	uint32_t rounds = 0;

	if (!cg_of(m, cg) || !n)
		return n;
	for (;;) {
		int over;
		uint64_t room = charge_room(m, cg, &over);

		if (room) {
			room = room < n ? room : n;
			usage_add(m, cg, (int64_t)room);
			return room;
		}
		m->memcgs[over].failcnt++;
		if (memcg_reclaim(m, over, n, r))
			continue;
		if (!oom_may_run(m) || rounds++ >= OVC_OOM_MAX_KILLS)
			return 0;
		if (!oom_invoke(m, over, n, 0, r))
			return 0;
	}
}
