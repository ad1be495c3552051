/* real_expect.c - the real executor's expect lines: the same checks as run_expect.c, against values read from the running kernel.
 *
 * The comparison rules are run_expect.c's, kept identical on purpose
 * (docs/exec.md proposes sharing one evaluator): results compare by errno
 * name (OOM: an OOM kill happened during the step); meminfo fields and
 * task sizes in kB, the expected bytes rounded down; HugePages_* and vmas
 * are counts; commit_pct in hundredths. What differs is where the values
 * come from: /proc/meminfo, /proc/sys/vm, and for a task's committed,
 * vmas, rss and vmsize its /proc/PID/smaps and status LESS its image (the
 * ovc binary's own mappings, measured when the task was made), so that a
 * scenario's expectation about the memory it made holds on a real task.
 * `if kernel` conditions test the running kernel's version.
 */
#include <errno.h>
#include <stdio.h>
#include <string.h>

#include "scenario/ast.h"
#include "scenario/real.h"

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

/* `if kernel CMP VERSION` against the running kernel (versions compare
 * as far as written: "4.19" means every 4.19.x). */
static int cond_selects(const struct sc_cond *c, const struct ovc_real *X)
{
	static const unsigned mask[] = { 0, 0xff0000, 0xffff00, 0xffffff };
	int is_rhel6 = strstr(X->info->machine.release, ".el6") != NULL;

	if (!c->on)
		return 1;
	if (c->rhel6 && (c->cmp == SC_EQ || c->cmp == SC_NE))
		return c->cmp == SC_EQ ? is_rhel6 : !is_rhel6;
	return holds_u(X->kver & mask[c->parts], c->cmp, c->kver & mask[c->parts]);
}

static int check_result(struct ovc_real *X, const struct sc_expect *x, char *actual, size_t n)
{
	const struct ovc_result *res = &X->t->steps[X->t->nsteps - 1].res;
	int oom = res->cause == OVC_CAUSE_OOM;
	char buf[24];

	snprintf(actual, n, "%s%s", errno_name(res->err, buf, sizeof(buf)), oom ? " (OOM)" : "");
	if (x->err == SC_OOM)
		return oom;
	return res->err == x->err && !(x->err == 0 && oom);
}

static int check_size_kb(struct ovc_real *X, const struct sc_expect *x, uint64_t kb,
			 int *passed)
{
	uint64_t want;
	int r = real_size(X, &x->size, &want);

	if (r == 0)
		*passed = holds_u(kb, x->cmp, want >> 10);
	return r;
}

static int check_meminfo(struct ovc_real *X, const struct sc_expect *x, char *actual,
			 size_t n, int *passed)
{
	struct ovc_meminfo mi;
	uint64_t v = 0;

	if (real_read_meminfo(&mi, NULL) < 0)
		return real_err(X, X->st->col, OVC_E_IO, "cannot read /proc/meminfo");
	if (ovc_meminfo_get(&mi, x->field, &v) < 0)
		return real_err(X, X->st->col, OVC_E_STATE, "meminfo has no field %s", x->field);
	if (x->count) {
		snprintf(actual, n, "%llu", (unsigned long long)v);
		*passed = holds_u(v, x->cmp, (uint64_t)x->num);
		return 0;
	}
	snprintf(actual, n, "%llu kB", (unsigned long long)v);
	return check_size_kb(X, x, v, passed);
}

/* The task's own part: what /proc shows less its image; never below 0. */
static uint64_t own(uint64_t now, uint64_t image)
{
	return now > image ? now - image : 0;
}

static int check_task(struct ovc_real *X, const struct sc_expect *x, char *actual,
		      size_t n, int *passed)
{
	struct ovc_real_smaps a;
	uint64_t vmsize = 0, rss = 0, v, img;
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
		v = own(a.map_count, img = T->base.map_count);
		snprintf(actual, n, "%llu (+%llu image)", (unsigned long long)v, (unsigned long long)img);
		*passed = holds_u(v, x->cmp, (uint64_t)x->num);
		return 0;
	case SC_X_COMMITTED:
		v = own(a.committed_kb, img = T->base.committed_kb);
		break;
	case SC_X_RSS:		/* smaps' Rss: exact, where VmRSS may lag (6.1) */
		v = own(a.rss_kb, img = T->base.rss_kb);
		break;
	default:
		v = own(vmsize, img = T->base.vmsize_kb);
		break;
	}
	snprintf(actual, n, "%llu kB (+%llu kB image)", (unsigned long long)v, (unsigned long long)img);
	return check_size_kb(X, x, v, passed);
}

/* %commit in hundredths, rounded; -1 when not a finite percentage. */
static int64_t pct_hundredths(double pct)
{
	if (!(pct >= 0.0 && pct < 1e15))
		return -1;
	return (int64_t)(pct * 100.0 + 0.5);
}

static int check(struct ovc_real *X, const struct sc_expect *x, char *actual, size_t n, int *passed)
{
	struct ovc_meminfo mi;
	int64_t v = 0;

	switch (x->kind) {
	case SC_X_RESULT:
		*passed = check_result(X, x, actual, n);
		return 0;
	case SC_X_MEMINFO:
		return check_meminfo(X, x, actual, n, passed);
	case SC_X_COMMIT_PCT:
		if (real_read_meminfo(&mi, NULL) < 0)
			return real_err(X, X->st->col, OVC_E_IO, "cannot read /proc/meminfo");
		v = pct_hundredths(mi.pct_commit);
		if (v < 0)
			snprintf(actual, n, "undefined");
		else
			snprintf(actual, n, "%lld.%02lld", (long long)v / 100, (long long)v % 100);
		*passed = v >= 0 && holds(v, x->cmp, x->num);
		return 0;
	case SC_X_SYSCTL:
		if (real_sysctl_read(ovc_sysctl_name(x->key), &v) < 0)
			return real_err(X, X->st->col, OVC_E_IO, "cannot read /proc/sys/vm/%s",
					ovc_sysctl_name(x->key));
		snprintf(actual, n, "%lld", (long long)v);
		*passed = holds(v, x->cmp, x->num);
		return 0;
	default:
		return check_task(X, x, actual, n, passed);
	}
}

int real_expect(struct ovc_real *X)
{
	const struct sc_expect *x = &X->st->u.expect;
	char actual[64] = "";
	int passed = 0, r;

	if (!cond_selects(&x->cond, X))
		return 0;
	if (x->kind == SC_X_RESULT && X->t->nsteps == 0)
		return real_err(X, X->st->col, OVC_E_STATE, "expect on a result with no step before it");
	r = check(X, x, actual, sizeof(actual), &passed);
	if (r < 0)
		return r;
	if (ovc_trace_check(X->t, X->st->line, X->st->col, X->st->text, passed, actual) < 0)
		return real_err(X, X->st->col, OVC_E_NOMEM, "out of memory");
	return 0;
}
