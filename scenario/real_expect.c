/* real_expect.c - the real executor's expect lines: gathers what a line compares from the running kernel, has expect_eval.c judge it, records the check.
 *
 * The rules (units, rounding, the actual value's text) are expect_eval.c's,
 * shared with the model runner; OOM on a result means an OOM kill happened
 * during the step. What differs is where the values come from:
 * /proc/meminfo, /proc/sys/vm, and for a task's committed, vmas, rss and
 * vmsize its /proc/PID/smaps and status LESS its image (the ovc binary's
 * own mappings, measured when the task was made), so that a scenario's
 * expectation about the memory it made holds on a real task; the actual
 * value then says how large that image was. `if kernel` conditions test
 * the running kernel's version. The OOM killer's lines read what a real
 * kernel shows: killed is a task that died of SIGKILL, survives one still
 * running, oom_score its /proc/PID/oom_score, oom_kills /proc/vmstat's
 * oom_kill since the run began; panic is never seen (a panicked machine
 * runs nothing), and badness, the model's own number, is refused.
 */
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>

#include "scenario/ast.h"
#include "scenario/expect_eval.h"
#include "scenario/real.h"

/* The task's own part: what /proc shows less its image; never below 0. */
static uint64_t own(uint64_t now, uint64_t image)
{
	return now > image ? now - image : 0;
}

/* A task's value, its image's part in note (appended to the actual value). */
static int observe_task(struct ovc_real *X, const struct sc_expect *x, struct sc_observed *o,
			char *note, size_t n)
{
	struct ovc_real_smaps a;
	uint64_t vmsize = 0, rss = 0, now, img;
	const struct real_task *T;
	int tix, r = real_task_of(X, X->st->task, X->st->arg_col, &tix);

	if (r < 0)
		return r;
	T = &X->tasks[tix];
	ovc_real_smaps_init(&a, NULL, 0);
	if (real_read_smaps(T->pid, &a) < 0 || real_read_status(T->pid, &vmsize, &rss) < 0)
		return real_err(X, X->st->arg_col, OVC_E_IO, "cannot read /proc/%d of task \"%s\"",
				T->pid, X->s->names[X->st->task].name);
	switch (x->kind) {
	case SC_X_VMAS:
		now = a.map_count;
		img = T->base.map_count;
		break;
	case SC_X_COMMITTED:
		now = a.committed_kb;
		img = T->base.committed_kb;
		break;
	case SC_X_RSS:		/* smaps' Rss: exact, where VmRSS may lag (6.1) */
		now = a.rss_kb;
		img = T->base.rss_kb;
		break;
	default:
		now = vmsize;
		img = T->base.vmsize_kb;
		break;
	}
	o->value = own(now, img);
	snprintf(note, n, " (+%llu%s image)", (unsigned long long)img,
		 x->kind == SC_X_VMAS ? "" : " kB");
	return 0;
}

/* killed, survives: a task that died of SIGKILL (the OOM killer's signal;
 * the controller sends it no other), or one still running. */
static int observe_fate(struct ovc_real *X, struct sc_observed *o)
{
	const struct real_name *rn = &X->nm[X->st->task];
	const struct real_task *T;
	int tix;

	if (!rn->made)		/* real_task_of words the error */
		return real_task_of(X, X->st->task, X->st->arg_col, &tix);
	T = &X->tasks[rn->task];
	o->killed = T->dead && T->wstatus >= 0 && WIFSIGNALED(T->wstatus) &&
		    WTERMSIG(T->wstatus) == SIGKILL;
	o->alive = !T->dead && !rn->exited;
	o->fate_line = T->dead ? T->death_line : rn->exited ? rn->exit_line : 0;
	return 0;
}

/* The OOM killer's lines, as this kernel shows them; 1 if x is not one. */
static int observe_oom(struct ovc_real *X, const struct sc_expect *x, struct sc_observed *o)
{
	char path[64], buf[32];
	int64_t kills;
	int tix, r;

	switch (x->kind) {
	case SC_X_KILLED:
	case SC_X_SURVIVES:
		return observe_fate(X, o);
	case SC_X_OOM_SCORE:
		r = real_task_of(X, X->st->task, X->st->arg_col, &tix);
		if (r < 0)
			return r;
		real_task_settle(X, tix);
		snprintf(path, sizeof(path), "/proc/%d/oom_score", X->tasks[tix].pid);
		if (real_read_small(path, buf, sizeof(buf)) < 0)
			return real_err(X, X->st->arg_col, OVC_E_IO, "cannot read %s", path);
		o->value = strtoull(buf, NULL, 10);
		return 0;
	case SC_X_OOM_KILLS:
		kills = real_read_oom_kills();
		if (kills < 0 || X->oom_start < 0)
			return real_err(X, X->st->col, OVC_E_IO,
					"this kernel has no oom_kill in /proc/vmstat (4.13+)");
		o->value = (uint64_t)(kills - X->oom_start);
		return 0;
	case SC_X_PANIC:
		o->panicked = 0;	/* had it panicked, nothing would run */
		return 0;
	case SC_X_BADNESS:
		return real_err(X, X->st->col, OVC_E_STATE,
				"a real kernel does not show badness: expect oom_score instead");
	default:
		return 1;
	}
}

/* What x compares, as this kernel shows it now. */
static int observe(struct ovc_real *X, const struct sc_expect *x, struct sc_observed *o,
		   char *note, size_t n)
{
	struct ovc_meminfo mi;
	int r = observe_oom(X, x, o);

	if (r <= 0)
		return r;
	switch (x->kind) {
	case SC_X_RESULT:
		o->last = &X->t->steps[X->t->nsteps - 1].res;
		return 0;
	case SC_X_MEMINFO:
	case SC_X_COMMIT_PCT:
		if (real_read_meminfo(&mi, NULL) < 0)
			return real_err(X, X->st->col, OVC_E_IO, "cannot read /proc/meminfo");
		o->pct_commit = mi.pct_commit;
		if (x->kind == SC_X_MEMINFO && ovc_meminfo_get(&mi, x->field, &o->value) < 0)
			return real_err(X, X->st->col, OVC_E_STATE, "meminfo has no field %s",
					x->field);
		return 0;
	case SC_X_SYSCTL:
		if (real_sysctl_read(ovc_sysctl_name(x->key), &o->sysctl) < 0)
			return real_err(X, X->st->col, OVC_E_IO, "cannot read /proc/sys/vm/%s",
					ovc_sysctl_name(x->key));
		return 0;
	default:
		return observe_task(X, x, o, note, n);
	}
}

int real_expect(struct ovc_real *X)
{
	const struct sc_expect *x = &X->st->u.expect;
	int is_rhel6 = strstr(X->info->machine.release, ".el6") != NULL;
	struct sc_observed o = { 0 };
	char actual[64] = "", note[48] = "";
	uint64_t want = 0;
	size_t len;
	int passed, r;

	if (!sc_cond_selects(&x->cond, X->kver, is_rhel6))
		return 0;
	if (x->kind == SC_X_RESULT && X->t->nsteps == 0)
		return real_err(X, X->st->col, OVC_E_STATE, "expect on a result with no step before it");
	r = observe(X, x, &o, note, sizeof(note));
	if (r == 0 && sc_expect_sized(x))
		r = real_size(X, &x->size, &want);
	if (r < 0)
		return r;
	passed = sc_expect_eval(x, &o, want, actual, sizeof(actual));
	len = strlen(actual);
	snprintf(actual + len, sizeof(actual) - len, "%s", note);
	if (ovc_trace_check(X->t, X->st->line, X->st->col, X->st->text, passed, actual) < 0)
		return real_err(X, X->st->col, OVC_E_NOMEM, "out of memory");
	return 0;
}
