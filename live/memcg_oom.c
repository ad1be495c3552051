/* memcg_oom.c - each limited memory cgroup's own OOM on a live snapshot, and oom.group. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "live/analyze.h"
#include "live/live.h"
#include "ovc/memcg.h"

/*
 * A charge that would pass a cgroup's memory.max, and that reclaim inside
 * the cgroup cannot make room for, runs the OOM killer on that cgroup
 * alone (mm/memcontrol.c mem_cgroup_out_of_memory, 6.1): the candidates
 * are the tasks of its subtree (mem_cgroup_scan_tasks), each scored by the
 * same oom_badness() as a global OOM but with totalpages =
 * mem_cgroup_get_max(): the cgroup's own memory.max plus the swap it may
 * use. So oom_score_adj weighs far more inside a small cgroup: adj 500 is
 * half the cgroup's limit, not half the machine.
 *
 * totalpages is computed by the model's own rule (ovc_memcg_totalpages in
 * lib/memcg.c) on a stand-in cgroup holding this cgroup's limits: only
 * the limits matter, not the path or the usage.
 */

static uint64_t kb_pages(const struct ovc_machine *m, uint64_t kb)
{
	return kb == OVC_LIVE_NOLIMIT ? OVC_UNLIMITED : ovc_kb_to_pages(m, kb);
}

/* v2 has no per-cgroup swappiness: mem_cgroup_swappiness() answers the
 * global vm.swappiness there (and for v1's root). Unread: the default. */
static int swappiness_of(const struct ovc_live_snap *s, const struct ovc_live_memcg *c)
{
	if (c->swappiness >= 0 && c->parent >= 0)
		return c->swappiness;
	return s->vm_swappiness >= 0 ? s->vm_swappiness : 60;
}

static uint64_t totalpages_of(const struct ovc_live_snap *s, struct ovc_machine *m, size_t i)
{
	const struct ovc_live_memcg *c = &s->memcgs[i];
	char path[32];
	int id;

	snprintf(path, sizeof(path), "/live%zu", i);
	id = ovc_memcg_lookup(m, path);
	if (id < 0 && ovc_memcg_create(m, path, &id, NULL))
		return 1;
	ovc_memcg_set_max(m, id, kb_pages(m, c->max_kb));
	ovc_memcg_set_swap_max(m, id, c->seen & OVC_MEMCG_SEEN_SWAP ?
					      kb_pages(m, c->swap_max_kb) : OVC_UNLIMITED);
	ovc_memcg_set_swappiness(m, id, swappiness_of(s, c));
	return ovc_memcg_totalpages(m, id);
}

/* Is cgroup id inside the subtree of ancestor (itself included)? */
static int within(const struct ovc_live_snap *s, int id, int ancestor)
{
	for (size_t depth = 0; id >= 0 && (size_t)id < s->nmemcgs && depth <= s->nmemcgs; depth++) {
		if (id == ancestor)
			return 1;
		id = s->memcgs[id].parent;
	}
	return 0;
}

/* mem_cgroup_get_oom_group() (mm/memcontrol.c, 4.19+): from the victim's
 * cgroup up to the OOM's domain, the highest cgroup with memory.oom.group
 * set; all its tasks are killed with the victim. Never the root, never
 * outside the domain, never in eras before 4.19. */
static int oom_group_of(const struct ovc_live_snap *s, const struct ovc_machine *m, int cg,
			int domain)
{
	int group = -1;

	if (!m->profile.oom->oom_group || cg < 0 || (size_t)cg >= s->nmemcgs ||
	    s->memcgs[cg].parent < 0 || (domain >= 0 && !within(s, cg, domain)))
		return -1;
	for (; cg >= 0; cg = s->memcgs[cg].parent) {
		if (s->memcgs[cg].oom_group)
			group = cg;
		if (cg == domain)
			break;
	}
	return group;
}

static int limited(const struct ovc_live_memcg *c)
{
	return (c->seen & OVC_MEMCG_SEEN_MAX) && c->max_kb != OVC_LIVE_NOLIMIT && c->parent >= 0;
}

/* The rows of r in cgroup i's subtree, scored with its totalpages and put
 * in the OOM order. */
static int one_oom(const struct ovc_live_snap *s, struct ovc_machine *m,
		   const struct ovc_live_report *r, size_t i, struct ovc_live_memcg_oom *o)
{
	struct ovc_live_row *rows;
	size_t *order, n = 0;
	int rc;

	o->memcg = (int)i;
	o->totalpages = totalpages_of(s, m, i);
	o->chosen = o->group = -1;
	rows = calloc(r->nrows ? r->nrows : 1, sizeof(*rows));
	order = calloc(r->nrows ? r->nrows : 1, sizeof(*order));
	if (!rows || !order) {
		free(rows);
		free(order);
		return -OVC_E_NOMEM;
	}
	for (size_t k = 0; k < r->nrows; k++) {
		const struct ovc_live_proc *p = r->rows[k].p;
		struct ovc_live_row *w;

		if (!within(s, p->memcg, (int)i))
			continue;
		w = &rows[n++];
		w->p = p;
		live_badness(s, m, p, o->totalpages, &w->badness);
		w->model_oom_score = p->seen & OVC_LIVE_STATUS ? live_oom_score(m, &w->badness) : -1;
	}
	rc = live_oom_order(m, rows, n, order, &o->chosen);
	if (rc == 0) {
		/* the rows themselves in the OOM order: they are this OOM's own */
		o->rows = calloc(n ? n : 1, sizeof(*o->rows));
		rc = o->rows ? 0 : -OVC_E_NOMEM;
		for (size_t k = 0; rc == 0 && k < n; k++)
			o->rows[k] = rows[order[k]];
		o->nrows = n;
		/* v1 memory.oom_control oom_kill_disable: mem_cgroup_oom()
		 * puts the faulting task to sleep instead of calling the
		 * killer (the ranking is still what a kill would follow) */
		o->kill_disabled = s->memcgs[i].oom_kill_disable;
		o->chosen = o->chosen >= 0 && !o->kill_disabled ? 0 : -1;
		if (o->chosen == 0)
			o->group = oom_group_of(s, m, o->rows[0].p->memcg, (int)i);
	}
	free(rows);
	free(order);
	return rc;
}

int live_memcg_ooms(const struct ovc_live_snap *s, struct ovc_machine *m,
		    struct ovc_live_report *r, struct ovc_err *e)
{
	size_t n = 0;

	if (r->chosen >= 0)
		r->chosen_group = oom_group_of(s, m, r->rows[r->chosen].p->memcg, -1);
	for (size_t i = 0; i < s->nmemcgs; i++)
		n += limited(&s->memcgs[i]);
	if (!n)
		return 0;
	r->memcg_ooms = calloc(n, sizeof(*r->memcg_ooms));
	if (!r->memcg_ooms)
		return ovc_err_set(e, OVC_E_NOMEM, "out of memory");
	for (size_t i = 0; i < s->nmemcgs; i++) {
		if (!limited(&s->memcgs[i]))
			continue;
		if (one_oom(s, m, r, i, &r->memcg_ooms[r->nmemcg_ooms++]))
			return ovc_err_set(e, OVC_E_NOMEM, "out of memory");
	}
	return 0;
}

const struct ovc_live_memcg_oom *ovc_live_memcg_oom_of(const struct ovc_live_report *r, int memcg)
{
	for (size_t i = 0; i < r->nmemcg_ooms; i++)
		if (r->memcg_ooms[i].memcg == memcg)
			return &r->memcg_ooms[i];
	return NULL;
}
