/* run_expect.c - scenario runner: gathers what an expect line compares from the model, has expect_eval.c judge it, records the check.
 *
 * The rules (units, rounding, the actual value's text) are expect_eval.c's,
 * shared with the real executor; what is the model's here is where the
 * values come from: the last step's result, ovc_view_meminfo, the model's
 * sysctls, ovc_view_task for a task's committed, vmas, rss and vmsize, and
 * the OOM killer's view: a task's fate (the runner's record of kills and
 * exits), ovc_oom_score, ovc_oom_badness (global totalpages, or the
 * cgroup's), the machine's panic flag and oom_kill count. `if kernel`
 * conditions test the profile the scenario runs under.
 */
#include <string.h>

#include "ovc/memcg.h"
#include "ovc/oom.h"
#include "ovc/profile.h"
#include "scenario/expect_eval.h"
#include "scenario/run.h"

static int observe_task(struct run *R, const struct sc_expect *x, struct sc_observed *o)
{
	struct ovc_task_view v;
	int tid, r = rt_task(R, R->st->task, R->st->arg_col, &tid);

	if (r < 0)
		return r;
	if (ovc_view_task(&R->m, tid, &v) < 0)
		return rt_err(R, R->st->arg_col, OVC_E_STATE, "task \"%s\" has no address space",
			      R->s->names[R->st->task].name);
	switch (x->kind) {
	case SC_X_VMAS:
		o->value = v.map_count;
		break;
	case SC_X_COMMITTED:
		o->value = v.committed;
		break;
	case SC_X_RSS:
		o->value = v.vm_rss;
		break;
	default:
		o->value = v.vm_size;
		break;
	}
	return 0;
}

/* killed, survives: what became of the task, running or not. */
static int observe_fate(struct run *R, struct sc_observed *o)
{
	const struct rt_name *n = &R->nm[R->st->task];
	int tid;

	if (!n->made)	/* rt_task words the error */
		return rt_task(R, R->st->task, R->st->arg_col, &tid);
	o->killed = n->killed;
	o->alive = ovc_task_get(&R->m, n->tid) != NULL;
	o->fate_line = n->killed ? n->killed_line : n->exited ? n->exit_line : 0;
	return 0;
}

/* oom_score and badness of a running task. */
static int observe_score(struct run *R, const struct sc_expect *x, struct sc_observed *o)
{
	struct ovc_badness b;
	uint64_t tp = R->m.ram + R->m.phys.swap_total;
	int tid, memcg = -1, r = rt_task(R, R->st->task, R->st->arg_col, &tid);

	if (r == 0 && x->kind == SC_X_BADNESS && x->cgroup >= 0 &&
	    (r = rt_memcg(R, x->cgroup, R->st->arg_col, &memcg)) == 0)
		tp = ovc_memcg_totalpages(&R->m, memcg);
	if (r < 0)
		return r;
	if (x->kind == SC_X_OOM_SCORE) {
		o->value = ovc_oom_score(&R->m, tid);
		return 0;
	}
	o->points = ovc_oom_badness(&R->m, tid, memcg, tp, &b);
	o->skip = b.skip;
	return 0;
}

/* What x compares, as the model shows it now. */
static int observe(struct run *R, const struct sc_expect *x, struct sc_observed *o)
{
	struct ovc_meminfo mi;

	switch (x->kind) {
	case SC_X_KILLED:
	case SC_X_SURVIVES:
		return observe_fate(R, o);
	case SC_X_OOM_SCORE:
	case SC_X_BADNESS:
		return observe_score(R, x, o);
	case SC_X_PANIC:
		o->panicked = R->m.panicked;
		return 0;
	case SC_X_OOM_KILLS:
		o->value = R->m.oom_kill_count;
		return 0;
	case SC_X_RESULT:
		o->last = &R->t->steps[R->t->nsteps - 1].res;
		return 0;
	case SC_X_MEMINFO:
	case SC_X_COMMIT_PCT:
		ovc_view_meminfo(&R->m, &mi);
		o->pct_commit = mi.pct_commit;
		if (x->kind == SC_X_MEMINFO && ovc_meminfo_get(&mi, x->field, &o->value) < 0)
			return rt_err(R, R->st->col, OVC_E_STATE, "meminfo has no field %s",
				      x->field);
		return 0;
	case SC_X_SYSCTL:
		o->sysctl = ovc_sysctl_read(&R->m, x->key);
		return 0;
	default:
		return observe_task(R, x, o);
	}
}

int rt_expect(struct run *R)
{
	const struct sc_expect *x = &R->st->u.expect;
	const struct ovc_profile *p = &R->m.profile;
	struct sc_observed o = { 0 };
	uint64_t want = 0;
	char actual[64];
	int passed, r;

	if (!sc_cond_selects(&x->cond, p->kver, strcmp(p->name, "rhel6") == 0))
		return 0;
	if (x->kind == SC_X_RESULT && R->t->nsteps == 0)
		OVC_BUG("expect on a result with no step before it");
	r = observe(R, x, &o);
	if (r == 0 && sc_expect_sized(x))
		r = rt_size(R, &x->size, &want);
	if (r < 0)
		return r;
	passed = sc_expect_eval(x, &o, want, actual, sizeof(actual));
	if (ovc_trace_check(R->t, R->st->line, R->st->col, R->st->text, passed, actual) < 0)
		return rt_err(R, R->st->col, OVC_E_NOMEM, "out of memory");
	return 0;
}
