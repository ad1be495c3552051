/* run.c - scenario runner: builds the machine from the setup lines, then runs each statement, recording a trace.
 *
 * Phase 1 reads kernel, machine, state and the sysctl/hugepages lines
 * before the first operation into a struct ovc_config and boots the
 * machine. Phase 2 walks every statement in order: task and file lines of
 * the setup create silently; each operation (and each task or sysctl line
 * after the first operation) becomes a trace step; expect lines are
 * checked against the step before them. After each step the OOM killer's
 * events of that step are copied into it (run_oom.c).
 *
 * Units: the scenario's sizes are bytes; ovc_config and the trace take kB.
 */
#include <limits.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "ovc/commit.h"
#include "ovc/oom.h"
#include "ovc/profile.h"
#include "scenario/run.h"

int rt_err(struct run *R, unsigned col, int code, const char *fmt, ...)
{
	struct ovc_err *e = R->e;
	va_list ap;

	if (!e)
		return -code;
	e->code = code;
	e->file = R->s->fname;
	e->line = R->st ? R->st->line : 0;
	e->col = col;
	va_start(ap, fmt);
	vsnprintf(e->msg, sizeof(e->msg), fmt, ap);
	va_end(ap);
	return -code;
}

int rt_task(struct run *R, int n, unsigned col, int *tid)
{
	const struct sc_name *name = &R->s->names[n];
	const struct rt_name *rt = &R->nm[n];

	if (!rt->made)
		return rt_err(R, col, OVC_E_STATE,
			      "task \"%s\" does not exist: its creation at line %u failed",
			      name->name, name->line);
	if (rt->exited)
		return rt_err(R, col, OVC_E_STATE, "task \"%s\" exited at line %u",
			      name->name, rt->exit_line);
	if (rt->killed)
		return rt_err(R, col, OVC_E_STATE, "task \"%s\" was killed by the OOM killer at line %u",
			      name->name, rt->killed_line);
	if (!ovc_task_get(&R->m, rt->tid))
		return rt_err(R, col, OVC_E_STATE, "task \"%s\" is no longer running",
			      name->name);
	*tid = rt->tid;
	return 0;
}

int rt_size(struct run *R, const struct sc_size *z, uint64_t *bytes)
{
	if (z->expr && !R->have_mi) {
		ovc_view_meminfo(&R->m, &R->mi);
		R->have_mi = 1;
	}
	return sc_size_eval(R->s, z, &R->mi, R->st->line, bytes, R->e);
}

uint64_t rt_round(uint64_t len, uint64_t unit)
{
	uint64_t r = len % unit;

	if (!r)
		return len;
	return len > UINT64_MAX - (unit - r) ? UINT64_MAX - (UINT64_MAX % unit) : len + (unit - r);
}

int rt_step(struct run *R, int task, int tid)
{
	const struct sc_stmt *st = R->st;
	struct ovc_step *step;
	struct ovc_task *t = tid >= 0 ? ovc_task_get(&R->m, tid) : NULL;

	step = ovc_trace_step(R->t, st->line, st->text, sc_op_text[st->op],
			      task >= 0 ? R->s->names[task].name : NULL);
	if (!step)
		return rt_err(R, st->col, OVC_E_NOMEM, "out of memory");
	step->pid = t ? t->pid : 0;
	R->step_before = ovc_committed_exact(&R->m);
	return 0;
}

int rt_done(struct run *R, int rc, const struct ovc_result *res)
{
	struct ovc_step *step = &R->t->steps[R->t->nsteps - 1];
	struct ovc_meminfo mi;

	if (rc < 0)
		return rt_err(R, R->st->col, -rc, "%s could not be modelled in this state (error %d)",
			      sc_op_text[R->st->op], -rc);
	step->res = *res;
	/* Its task was OOM-killed during the call, which then never returns
	 * to it, whatever the fault got: the result is OOM, not ok. */
	if (res->killed && res->cause == OVC_CAUSE_NONE && res->err == 0)
		step->res.cause = OVC_CAUSE_OOM;
	ovc_view_meminfo(&R->m, &mi);
	step->committed_kb = mi.committed_as;
	step->commit_limit_kb = mi.commit_limit;
	step->mem_free_kb = mi.mem_free;
	step->committed_exact_kb = ovc_pages_to_kb(&R->m, ovc_committed_exact(&R->m));
	/* The step's change of Committed_AS as /proc/meminfo would show it:
	 * the call's own charges, and what went with the tasks the OOM killer
	 * took and the shared memory given back meanwhile. */
	step->res.delta = (int64_t)ovc_committed_exact(&R->m) - (int64_t)R->step_before;
	return rt_oom_record(R);
}

/* ---- phase 1: the configuration ---- */

static int sysctl_boot(struct run *R, struct ovc_config *c, int key, int64_t v)
{
	int *iv = NULL;
	uint64_t *uv = NULL;

	switch (key) {
	case OVC_SYSCTL_OVERCOMMIT_MEMORY: iv = &c->vm.overcommit_memory; break;
	case OVC_SYSCTL_OVERCOMMIT_RATIO: iv = &c->vm.overcommit_ratio; break;
	case OVC_SYSCTL_WATERMARK_SCALE_FACTOR: iv = &c->vm.watermark_scale_factor; break;
	case OVC_SYSCTL_PANIC_ON_OOM: iv = &c->vm.panic_on_oom; break;
	case OVC_SYSCTL_OOM_KILL_ALLOCATING_TASK: iv = &c->vm.oom_kill_allocating_task; break;
	case OVC_SYSCTL_OOM_DUMP_TASKS: iv = &c->vm.oom_dump_tasks; break;
	case OVC_SYSCTL_OVERCOMMIT_KBYTES: uv = &c->vm.overcommit_kbytes; break;
	case OVC_SYSCTL_ADMIN_RESERVE_KBYTES: uv = &c->vm.admin_reserve_kbytes; break;
	case OVC_SYSCTL_USER_RESERVE_KBYTES: uv = &c->vm.user_reserve_kbytes; break;
	case OVC_SYSCTL_MIN_FREE_KBYTES: uv = &c->vm.min_free_kbytes; break;
	case OVC_SYSCTL_MAX_MAP_COUNT: uv = &c->vm.max_map_count; break;
	default: uv = &c->hugepages; break;	/* nr_hugepages */
	}
	if (iv && (v <= OVC_UNSET_INT || v > INT_MAX))
		return rt_err(R, R->st->arg_col, OVC_E_RANGE, "%lld is out of range for %s",
			      (long long)v, ovc_sysctl_name(key));
	if (uv && (v < 0 || (uint64_t)v == OVC_UNSET))
		return rt_err(R, R->st->arg_col, OVC_E_RANGE, "%s cannot be negative",
			      ovc_sysctl_name(key));
	if (iv)
		*iv = (int)v;
	else
		*uv = (uint64_t)v;
	return 0;
}

static void machine_cfg(struct ovc_config *c, const struct sc_machine_args *a)
{
	c->ram_kb = a->ram >> 10;
	c->swap_kb = a->swap >> 10;
	c->ncpus = (unsigned)a->cpus;
	c->page_size = a->page;
	c->hugepage_kb = a->hugepagesize >> 10;
	if (a->has_hugepages)
		c->hugepages = a->hugepages;
}

static void state_cfg(struct ovc_config *c, const struct sc_stmt *st)
{
	uint64_t *f[SC_ST_COUNT] = {
		[SC_ST_FREE] = &c->free_kb, [SC_ST_FILE] = &c->file_kb,
		[SC_ST_BUFFERS] = &c->buffers_kb, [SC_ST_SHMEM] = &c->shmem_kb,
		[SC_ST_ANON] = &c->anon_kb, [SC_ST_SLAB] = &c->slab_reclaimable_kb,
		[SC_ST_UNRECLAIMABLE] = &c->slab_unreclaimable_kb,
		[SC_ST_RECLAIMABLE] = &c->reclaimable_kb, [SC_ST_SWAPFREE] = &c->swap_free_kb,
		[SC_ST_TOTALRESERVE] = &c->totalreserve_kb, [SC_ST_COMMITTED] = &c->committed_kb,
		[SC_ST_BOOTFREE] = &c->boot_free_kb,
	};
	int k;

	for (k = 0; k < SC_ST_COUNT; k++)
		if (st->u.state.given & (1u << k))
			*f[k] = st->u.state.v[k] >> 10;
}

static int build_config(struct run *R, struct ovc_config *c)
{
	size_t i;
	int r;

	ovc_config_default(c);
	for (i = 0; i < R->s->nst; i++) {
		const struct sc_stmt *st = &R->s->st[i];

		R->st = st;
		if (st->op == SC_MACHINE) {
			machine_cfg(c, &st->u.machine);
			R->uptime_ms = st->u.machine.uptime_ms;
		}
		else if (st->op == SC_STATE)
			state_cfg(c, st);
		else if ((st->op == SC_SYSCTL || st->op == SC_HUGEPAGES) && st->setup) {
			r = sysctl_boot(R, c, st->u.sysctl.key, st->u.sysctl.value);
			if (r < 0)
				return r;
		}
	}
	R->st = NULL;
	return 0;
}

static int boot(struct run *R, const struct ovc_profile *p, struct ovc_profile *prof)
{
	const struct ovc_scenario *s = R->s;
	struct ovc_config cfg;
	int r;

	if (!p) {
		r = ovc_profile_for(s->kernel ? s->kernel : "6.1", prof, R->e);
		if (r < 0) {
			if (R->e)
				R->e->file = s->fname, R->e->line = s->kernel_line,
				R->e->col = s->kernel_col;
			return r;
		}
		p = prof;
	}
	*prof = *p;
	ovc_trace_init(R->t, s->fname, prof->name);
	r = build_config(R, &cfg);
	if (r < 0)
		return r;
	r = ovc_machine_init(&R->m, &cfg, prof, R->e);
	if (r < 0 && R->e)	/* the machine line (or none) is where it came from */
		R->e->file = s->fname, R->e->line = s->machine_line, R->e->col = 1;
	if (r == 0)
		R->m.uptime_s = R->uptime_ms / 1000;
	return r;
}

/* ---- phase 2 ---- */

/* What ovc_task_spec does not carry: the capabilities beyond admin (a
 * root task has them all unless told otherwise), the start time, and a
 * legacy oom_adj, written as /proc/PID/oom_adj would convert it. */
static void task_oom_attrs(struct run *R, int tid, const struct sc_task_args *a)
{
	struct ovc_task *t = &R->m.tasks[tid];

	t->cap_resource = (uint8_t)(a->cap_resource < 0 ? t->admin : a->cap_resource);
	t->cap_rawio = (uint8_t)(a->cap_rawio < 0 ? t->admin : a->cap_rawio);
	if (a->has_start)
		t->start_s = a->start_s;
	if (a->has_oom_adj)	/* in range (parse.c), by a privileged writer */
		ovc_oom_adj_write(&R->m, tid, a->oom_adj, 1);
}

static int run_task(struct run *R)
{
	const struct sc_stmt *st = R->st;
	const struct sc_task_args *a = &st->u.task;
	struct ovc_task_spec spec = {
		.comm = a->comm, .pid = (int)a->pid, .parent = -1, .uid = (uint32_t)a->uid,
		.admin = a->admin, .oom_score_adj = (int16_t)a->adj, .nice = (int8_t)a->nice,
		.cpu = a->cpu, .cpu_time_ms = a->cputime_ms,
	};
	struct ovc_result res = { 0 };
	int r, tid;

	if (a->parent >= 0 && (r = rt_task(R, a->parent, st->arg_col, &spec.parent)) < 0)
		return r;
	if (a->cgroup >= 0 && (r = rt_memcg(R, a->cgroup, st->arg_col, &spec.memcg)) < 0)
		return r;
	if (a->has_start && a->start_s > R->m.uptime_s)
		return rt_err(R, a->start_col, OVC_E_STATE,
			      "start=%llus is later than the machine's uptime (%llus)",
			      (unsigned long long)a->start_s, (unsigned long long)R->m.uptime_s);
	if (!st->setup && (r = rt_step(R, st->def, -1)) < 0)
		return r;
	r = ovc_task_create(&R->m, &spec, &tid, R->e);
	if (r < 0) {	/* keep the model's sentence, add where */
		char msg[sizeof(R->e->msg)];

		snprintf(msg, sizeof(msg), "%s", R->e ? R->e->msg : "the task cannot be created");
		return rt_err(R, st->arg_col, -r, "%s", msg);
	}
	task_oom_attrs(R, tid, a);
	R->nm[st->def].tid = tid;
	R->nm[st->def].made = 1;
	if (!st->setup) {
		res.child = tid;
		R->t->steps[R->t->nsteps - 1].pid = R->m.tasks[tid].pid;
		return rt_done(R, 0, &res);
	}
	return 0;
}

static int run_file(struct run *R)
{
	struct rt_name *f = &R->nm[R->st->def];
	int r = rt_size(R, &R->st->size, &f->bytes);

	if (r == 0)
		r = ovc_file_create(&R->m, f->bytes, &f->obj);
	if (r < 0)
		return rt_err(R, R->st->col, -r, "the file could not be created");
	f->made = 1;
	return 0;
}

static int run_sysctl(struct run *R)
{
	struct ovc_result res = { 0 };
	int r = rt_step(R, -1, -1);

	if (r < 0)
		return r;
	r = ovc_sysctl_write(&R->m, R->st->u.sysctl.key, R->st->u.sysctl.value, &res);
	return rt_done(R, r, &res);
}

static int run_stmt(struct run *R)
{
	switch (R->st->op) {
	case SC_KERNEL:
	case SC_MACHINE:
	case SC_STATE:
		return 0;
	case SC_SYSCTL:
	case SC_HUGEPAGES:
		return R->st->setup ? 0 : run_sysctl(R);
	case SC_TASKLINE:
		return run_task(R);
	case SC_FILELINE:
		return run_file(R);
	case SC_EXPECT:
		return rt_expect(R);
	case SC_CGROUPLINE:
		return rt_cgroup(R);
	case SC_RANK:
		return rt_rank(R);
	default:
		return rt_op(R);
	}
}

/* The end state of every task the scenario named, in the order named. */
static void end_tasks(struct run *R)
{
	const struct ovc_scenario *s = R->s;

	for (size_t i = 0; i < s->nnames; i++) {
		const struct rt_name *n = &R->nm[i];
		struct ovc_task_view v = { 0 };
		const struct ovc_task *tk;
		int gone;

		if (s->names[i].kind != SC_TASK || !n->made)
			continue;
		tk = &R->m.tasks[n->tid];
		gone = ovc_view_task(&R->m, n->tid, &v) < 0;
		if (ovc_trace_task(R->t, s->names[i].name, tk->pid, tk->uid, gone,
				   gone ? NULL : &v) == 0)
			R->t->tasks[R->t->ntasks - 1].oom_killed = tk->oom_killed;
	}
	R->t->oom_kills = R->m.oom_kill_count;
	R->t->panicked = R->m.panicked;
}

int ovc_scenario_run(const struct ovc_scenario *s, const struct ovc_profile *p,
		     struct ovc_trace *t, struct ovc_err *e)
{
	struct run R = { .s = s, .t = t, .e = e };
	struct ovc_profile prof;
	size_t i;
	int r;

	memset(t, 0, sizeof(*t));
	r = boot(&R, p, &prof);
	if (r < 0) {
		ovc_machine_free(&R.m);	/* zeroed or partly built: both are safe */
		return r;
	}
	R.nm = calloc(s->nnames ? s->nnames : 1, sizeof(*R.nm));
	if (!R.nm) {
		ovc_machine_free(&R.m);
		return sc_error(e, OVC_E_NOMEM, s->fname, 0, 0, "out of memory");
	}
	t->page_size = R.m.page_size;
	t->ncpus = R.m.ncpus;
	t->overcommit_memory = R.m.vm.overcommit_memory;
	ovc_view_meminfo(&R.m, &t->start);
	for (i = 0, r = 0; i < s->nst && r == 0; i++) {
		R.st = &s->st[i];
		R.have_mi = 0;
		r = run_stmt(&R);
	}
	ovc_view_meminfo(&R.m, &t->end);
	end_tasks(&R);
	free(R.nm);
	ovc_machine_free(&R.m);
	return r;
}
