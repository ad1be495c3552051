/* run_oom.c - scenario runner: cgroups, the clock, /proc oom_adj writes, rankings, and the OOM events each step leaves.
 *
 * The model logs every OOM killer invocation in the machine
 * (ovc_oom_events); after each step the runner copies that log into the
 * step, names the tasks killed (the victims, by the scenario's names) and
 * clears it, so a step holds exactly the invocations it caused. A named
 * task the killer took is marked, so later lines can say when it died.
 * A `rank` line copies ovc_oom_rank's table into the trace, against the
 * step before it, as expect lines are checked against it.
 *
 * Units: bytes in the scenario, pages in the model (cgroup limits are
 * rounded down to pages, as page_counter_memparse rounds them).
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "ovc/memcg.h"
#include "ovc/oom.h"
#include "scenario/run.h"

int rt_memcg(struct run *R, int n, unsigned col, int *id)
{
	if (n < 0) {
		*id = OVC_MEMCG_ROOT;
		return 0;
	}
	if (!R->nm[n].made)
		return rt_err(R, col, OVC_E_STATE, "cgroup \"%s\" does not exist: its line (%u) failed",
			      R->s->names[n].name, R->s->names[n].line);
	*id = R->nm[n].memcg;
	return 0;
}

/* ------------------------------------------------------------------
 * cgroup NAME ...
 */

/* A limit in pages: OVC_UNLIMITED for `max`. */
static int limit_pages(struct run *R, const struct sc_size *z, int unlimited, uint64_t *pages)
{
	uint64_t bytes = 0;
	int r;

	if (unlimited) {
		*pages = OVC_UNLIMITED;
		return 0;
	}
	r = rt_size(R, z, &bytes);
	*pages = bytes / R->m.page_size;
	return r;
}

static int cgroup_path(struct run *R, const struct sc_cgroup_args *c, char *path, size_t n)
{
	const char *name = R->s->names[R->st->def].name;
	int parent, r = rt_memcg(R, c->parent, R->st->arg_col, &parent);
	const char *pp;

	if (r < 0)
		return r;
	pp = ovc_memcg_get(&R->m, parent)->path;
	snprintf(path, n, "%s/%s", strcmp(pp, "/") ? pp : "", name);	/* fits: parse_oom.c */
	return 0;
}

/* memory.max, memory.swap.max, memory.oom.group, memory.swappiness. */
static void cgroup_set(struct run *R, int id, const struct sc_cgroup_args *c, uint64_t max,
		       uint64_t swap)
{
	if (c->has_max)
		ovc_memcg_set_max(&R->m, id, max);
	if (c->has_swap_max)
		ovc_memcg_set_swap_max(&R->m, id, swap);
	if (c->oom_group)
		ovc_memcg_set_oom_group(&R->m, id, 1);
	if (c->swappiness >= 0)
		ovc_memcg_set_swappiness(&R->m, id, c->swappiness);
}

int rt_cgroup(struct run *R)
{
	const struct sc_stmt *st = R->st;
	const struct sc_cgroup_args *c = &st->u.cgroup;
	struct ovc_result res = { 0 };
	char path[2 * OVC_MEMCG_PATH_MAX + 2];	/* parent, "/", name; parse_oom.c kept it short */
	uint64_t max = OVC_UNLIMITED, swap = OVC_UNLIMITED;
	int id, r = cgroup_path(R, c, path, sizeof(path));

	if (r == 0 && c->has_max)
		r = limit_pages(R, &c->max, c->max_unlimited, &max);
	if (r == 0 && c->has_swap_max)
		r = limit_pages(R, &c->swap_max, c->swap_unlimited, &swap);
	if (r == 0 && !st->setup)
		r = rt_step(R, -1, -1);
	if (r < 0)
		return r;
	r = ovc_memcg_create(&R->m, path, &id, R->e);
	if (r < 0) {	/* keep the model's sentence, add where */
		char msg[sizeof(R->e->msg)];

		snprintf(msg, sizeof(msg), "%s", R->e ? R->e->msg : "the cgroup cannot be created");
		return rt_err(R, st->arg_col, -r, "%s", msg);
	}
	cgroup_set(R, id, c, max, swap);
	R->nm[st->def].made = 1;
	R->nm[st->def].memcg = id;
	return st->setup ? 0 : rt_done(R, 0, &res);
}

/* ------------------------------------------------------------------
 * clock, oom_score_adj, oom_adj (operations: a step each)
 */

int rt_clock(struct run *R)
{
	struct ovc_result res = { 0 };
	uint64_t to;
	int r;

	if (__builtin_add_overflow(R->uptime_ms, R->st->u.clock.ms, &to))
		return rt_err(R, R->st->arg_col, OVC_E_STATE, "the clock overflows");
	r = rt_step(R, -1, -1);
	if (r < 0)
		return r;
	R->uptime_ms = to;
	R->m.uptime_s = to / 1000;	/* the kernel's badness reads whole seconds */
	return rt_done(R, 0, &res);
}

/* The task writes its own /proc/PID/oom_score_adj or oom_adj, with its
 * own CAP_SYS_RESOURCE; the kernel's answer (EINVAL, EACCES, ENOENT) is
 * the step's result. */
int rt_adj_write(struct run *R)
{
	const struct sc_stmt *st = R->st;
	struct ovc_result res = { 0 };
	int tid, priv, r = rt_task(R, st->task, st->arg_col, &tid);

	if (r == 0)
		r = rt_step(R, st->task, tid);
	if (r < 0)
		return r;
	priv = R->m.tasks[tid].cap_resource;
	if (st->op == SC_OOM_ADJ)
		r = ovc_oom_adj_write(&R->m, tid, st->u.adj.value, priv);
	else
		r = ovc_oom_score_adj_write(&R->m, tid, st->u.adj.value, priv);
	if (r > 0) {
		res.err = r;
		res.cause = r == EINVAL ? OVC_CAUSE_INVAL : OVC_CAUSE_NONE;
		r = 0;
	}
	return rt_done(R, r, &res);
}

/* ------------------------------------------------------------------
 * rank [cgroup=NAME]
 */

static int name_of_tid(const struct run *R, int tid);

int rt_rank(struct run *R)
{
	const struct sc_stmt *st = R->st;
	struct ovc_oom_candidate *rows;
	const char **names;
	uint64_t tp;
	size_t n;
	int memcg = -1, chosen = -1, r = 0;

	if (st->u.rank.cgroup >= 0)
		r = rt_memcg(R, st->u.rank.cgroup, st->arg_col, &memcg);
	if (r < 0)
		return r;
	n = ovc_oom_rank(&R->m, memcg, NULL, 0, NULL);
	rows = calloc(n ? n : 1, sizeof(*rows));
	if (!rows)
		return rt_err(R, st->col, OVC_E_NOMEM, "out of memory");
	n = ovc_oom_rank(&R->m, memcg, rows, n, &chosen);
	names = calloc(n ? n : 1, sizeof(*names));
	if (!names) {
		free(rows);
		return rt_err(R, st->col, OVC_E_NOMEM, "out of memory");
	}
	for (size_t i = 0; i < n; i++) {
		int nm = name_of_tid(R, rows[i].tid);

		names[i] = nm >= 0 ? R->s->names[nm].name : NULL;
	}
	tp = memcg >= 0 ? ovc_memcg_totalpages(&R->m, memcg) : R->m.ram + R->m.phys.swap_total;
	r = ovc_trace_rank(R->t, st->line, memcg >= 0 ? ovc_memcg_get(&R->m, memcg)->path : NULL,
			   tp, chosen, rows, names, n);
	free(names);
	free(rows);
	return r < 0 ? rt_err(R, st->col, OVC_E_NOMEM, "out of memory") : 0;
}

/* ------------------------------------------------------------------
 * After a step: its OOM events, its victims
 */

/* The scenario's name of task tid: the name made for it, else one made
 * for a thread of its process; -1 for an unnamed task. */
static int name_of_tid(const struct run *R, int tid)
{
	const struct ovc_scenario *s = R->s;
	int leader = R->m.tasks[tid].leader, any = -1;

	for (size_t i = 0; i < s->nnames; i++) {
		const struct rt_name *n = &R->nm[i];

		if (s->names[i].kind != SC_TASK || !n->made)
			continue;
		if (n->tid == tid)
			return (int)i;
		if (any < 0 && R->m.tasks[n->tid].leader == leader)
			any = (int)i;
	}
	return any;
}

static int record_victims(struct run *R, const struct ovc_oom_event *ev, size_t n)
{
	for (size_t i = 0; i < n; i++)
		for (size_t k = 0; k < ev[i].nkills; k++) {
			const struct ovc_oom_kill *kl = &ev[i].kills[k];
			int nm = name_of_tid(R, kl->tid);

			if (ovc_trace_victim(R->t, nm >= 0 ? R->s->names[nm].name : NULL, kl->pid,
					     kl->reason) < 0)
				return -OVC_E_NOMEM;
		}
	return 0;
}

/* Every named task the killer took is dead from this line on. */
static void mark_killed(struct run *R)
{
	for (size_t i = 0; i < R->s->nnames; i++) {
		struct rt_name *n = &R->nm[i];

		if (R->s->names[i].kind == SC_TASK && n->made && !n->killed &&
		    R->m.tasks[n->tid].oom_killed) {
			n->killed = 1;
			n->killed_line = R->st->line;
		}
	}
}

int rt_oom_record(struct run *R)
{
	size_t n = 0;
	const struct ovc_oom_event *ev = ovc_oom_events(&R->m, &n);
	uint64_t dropped = R->m.oom_log.dropped - R->oom_dropped;
	int r;

	if (!n && !dropped)
		return 0;
	R->oom_dropped = R->m.oom_log.dropped;
	r = ovc_trace_oom(R->t, ev, n, dropped);
	if (r == 0)
		r = record_victims(R, ev, n);
	ovc_oom_events_clear(&R->m);
	mark_killed(R);
	return r < 0 ? rt_err(R, R->st->col, OVC_E_NOMEM, "out of memory") : 0;
}
