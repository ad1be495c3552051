/* run_expect.c - scenario runner: checks an expect line against the model and records how it came out.
 *
 * Results compare by errno name (OOM: the touch found no memory); meminfo
 * fields and task sizes compare in kB, the expected bytes rounded down;
 * HugePages_* and vmas are counts; commit_pct compares in hundredths.
 */
#include <errno.h>
#include <stdio.h>
#include <string.h>

#include "ovc/profile.h"
#include "scenario/run.h"

static const char *errno_name(int err, char *buf, size_t n)
{
	switch (err) {
	case 0: return "ok";
	case ENOMEM: return "ENOMEM";
	case EAGAIN: return "EAGAIN";
	case EFAULT: return "EFAULT";
	case EINVAL: return "EINVAL";
	case ENOENT: return "ENOENT";
	case EPERM: return "EPERM";
	case EEXIST: return "EEXIST";
	default:
		snprintf(buf, n, "errno %d", err);
		return buf;
	}
}

static int holds(int64_t a, enum sc_cmp cmp, int64_t b)
{
	switch (cmp) {
	case SC_EQ: return a == b;
	case SC_NE: return a != b;
	case SC_LT: return a < b;
	case SC_LE: return a <= b;
	case SC_GT: return a > b;
	default: return a >= b;
	}
}

static int holds_u(uint64_t a, enum sc_cmp cmp, uint64_t b)
{
	return holds(a < b ? -1 : a > b, cmp, 0);
}

/* Does `if kernel CMP VERSION` select profile p? Versions compare only
 * as far as written: "4.19" means every 4.19.x. */
static int cond_selects(const struct sc_cond *c, const struct ovc_profile *p)
{
	static const unsigned mask[] = { 0, 0xff0000, 0xffff00, 0xffffff };
	int is_rhel6 = strcmp(p->name, "rhel6") == 0;

	if (!c->on)
		return 1;
	if (c->rhel6 && (c->cmp == SC_EQ || c->cmp == SC_NE))
		return c->cmp == SC_EQ ? is_rhel6 : !is_rhel6;
	return holds_u(p->kver & mask[c->parts], c->cmp, c->kver & mask[c->parts]);
}

/* The last step's result against ok / an errno name / OOM. */
static int check_result(struct run *R, const struct sc_expect *x, char *actual, size_t n)
{
	const struct ovc_result *res = &R->t->steps[R->t->nsteps - 1].res;
	int oom = res->cause == OVC_CAUSE_OOM;
	char buf[24];

	snprintf(actual, n, "%s%s", errno_name(res->err, buf, sizeof(buf)), oom ? " (OOM)" : "");
	if (x->err == SC_OOM)
		return oom;
	return res->err == x->err && !(x->err == 0 && oom);
}

static int check_size_kb(struct run *R, const struct sc_expect *x, uint64_t kb,
			 char *actual, size_t n, int *passed)
{
	uint64_t want;
	int r = rt_size(R, &x->size, &want);

	if (r < 0)
		return r;
	snprintf(actual, n, "%llu kB", (unsigned long long)kb);
	*passed = holds_u(kb, x->cmp, want >> 10);
	return 0;
}

static int check_meminfo(struct run *R, const struct sc_expect *x, char *actual,
			 size_t n, int *passed)
{
	struct ovc_meminfo mi;
	uint64_t v = 0;

	ovc_view_meminfo(&R->m, &mi);
	if (ovc_meminfo_get(&mi, x->field, &v) < 0)
		return rt_err(R, R->st->col, OVC_E_STATE, "meminfo has no field %s", x->field);
	if (!x->count)
		return check_size_kb(R, x, v, actual, n, passed);
	snprintf(actual, n, "%llu", (unsigned long long)v);
	*passed = holds_u(v, x->cmp, (uint64_t)x->num);
	return 0;
}

static int check_task(struct run *R, const struct sc_expect *x, char *actual,
		      size_t n, int *passed)
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
		snprintf(actual, n, "%llu", (unsigned long long)v.map_count);
		*passed = holds_u(v.map_count, x->cmp, (uint64_t)x->num);
		return 0;
	case SC_X_COMMITTED:
		return check_size_kb(R, x, v.committed, actual, n, passed);
	case SC_X_RSS:
		return check_size_kb(R, x, v.vm_rss, actual, n, passed);
	default:
		return check_size_kb(R, x, v.vm_size, actual, n, passed);
	}
}

/* %commit in hundredths, rounded to nearest; a value that is not a finite
 * percentage (no RAM and no swap) is -1, which no expect line can match. */
static int64_t pct_hundredths(double pct)
{
	if (!(pct >= 0.0 && pct < 1e15))
		return -1;
	return (int64_t)(pct * 100.0 + 0.5);
}

static int check(struct run *R, const struct sc_expect *x, char *actual, size_t n, int *passed)
{
	struct ovc_meminfo mi;
	int64_t v;

	switch (x->kind) {
	case SC_X_RESULT:
		*passed = check_result(R, x, actual, n);
		return 0;
	case SC_X_MEMINFO:
		return check_meminfo(R, x, actual, n, passed);
	case SC_X_COMMIT_PCT:
		ovc_view_meminfo(&R->m, &mi);
		v = pct_hundredths(mi.pct_commit);
		if (v < 0)
			snprintf(actual, n, "undefined");
		else
			snprintf(actual, n, "%lld.%02lld", (long long)v / 100, (long long)v % 100);
		*passed = v >= 0 && holds(v, x->cmp, x->num);
		return 0;
	case SC_X_SYSCTL:
		v = ovc_sysctl_read(&R->m, x->key);
		snprintf(actual, n, "%lld", (long long)v);
		*passed = holds(v, x->cmp, x->num);
		return 0;
	default:
		return check_task(R, x, actual, n, passed);
	}
}

int rt_expect(struct run *R)
{
	const struct sc_expect *x = &R->st->u.expect;
	char actual[64];
	int passed = 0, r;

	if (!cond_selects(&x->cond, &R->m.profile))
		return 0;
	if (x->kind == SC_X_RESULT && R->t->nsteps == 0)
		OVC_BUG("expect on a result with no step before it");
	r = check(R, x, actual, sizeof(actual), &passed);
	if (r < 0)
		return r;
	if (ovc_trace_check(R->t, R->st->line, R->st->col, R->st->text, passed, actual) < 0)
		return rt_err(R, R->st->col, OVC_E_NOMEM, "out of memory");
	return 0;
}
