/* expect_eval.c - an expect line against what a runner observed: the comparison rules and the actual value's text.
 *
 * Results compare by errno name (OOM: the step ran into the OOM killer:
 * a fault found no memory left, or the killer ran, killed or panicked);
 * meminfo fields and task sizes compare in kB, the expected bytes rounded
 * down; HugePages_* and vmas are counts; commit_pct compares in
 * hundredths; sysctls, oom_score, badness (signed) and oom_kills as the
 * integers they are; killed, survives and panic are states.
 */
#include <errno.h>
#include <stdio.h>

#include "scenario/expect_eval.h"

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
	case EACCES: return "EACCES";
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

/* Versions compare only as far as written: "4.19" means every 4.19.x. */
int sc_cond_selects(const struct sc_cond *c, unsigned kver, int is_rhel6)
{
	static const unsigned mask[] = { 0, 0xff0000, 0xffff00, 0xffffff };

	if (!c->on)
		return 1;
	if (c->rhel6 && (c->cmp == SC_EQ || c->cmp == SC_NE))
		return c->cmp == SC_EQ ? is_rhel6 : !is_rhel6;
	return holds_u(kver & mask[c->parts], c->cmp, c->kver & mask[c->parts]);
}

int sc_expect_sized(const struct sc_expect *x)
{
	switch (x->kind) {
	case SC_X_MEMINFO:
		return !x->count;
	case SC_X_COMMITTED:
	case SC_X_RSS:
	case SC_X_VMSIZE:
		return 1;
	default:
		return 0;
	}
}

/* The last step's result against ok / an errno name / OOM. OOM holds when
 * the step ran into the OOM killer: its fault found no memory (cause OOM:
 * then ok does not hold), or the killer killed or panicked while the call
 * itself went on to succeed (then ok holds too). */
static int check_result(const struct sc_expect *x, const struct ovc_result *res,
			char *actual, size_t n)
{
	int oom = res->cause == OVC_CAUSE_OOM;
	int killer = oom || res->oom_kills || res->panic;
	char buf[24];

	snprintf(actual, n, "%s%s", errno_name(res->err, buf, sizeof(buf)),
		 oom ? " (OOM)" : killer ? " (OOM killer ran)" : "");
	if (x->err == SC_OOM)
		return killer;
	return res->err == x->err && !(x->err == 0 && oom);
}

/* ---- the OOM killer's expectations ---- */

static const char *const skip_text[] = {
	[OVC_OOM_SKIP_INIT] = "init", [OVC_OOM_SKIP_KTHREAD] = "kernel thread",
	[OVC_OOM_SKIP_NO_MM] = "no mm", [OVC_OOM_SKIP_MEMCG] = "outside the cgroup",
	[OVC_OOM_SKIP_ADJ_MIN] = "oom_score_adj -1000",
	[OVC_OOM_SKIP_MM_DISABLED] = "mm shared with a -1000 task",
	[OVC_OOM_SKIP_VFORK] = "in vfork", [OVC_OOM_SKIP_THREAD] = "a thread",
};

static int check_fate(const struct sc_expect *x, const struct sc_observed *o,
		      char *actual, size_t n)
{
	const char *what = o->killed ? "killed" : o->alive ? "alive" : "exited";

	if (o->alive || !o->fate_line)
		snprintf(actual, n, "%s", what);
	else
		snprintf(actual, n, "%s at line %u", what, o->fate_line);
	return x->kind == SC_X_KILLED ? o->killed : o->alive && !o->killed;
}

static int check_badness(const struct sc_expect *x, const struct sc_observed *o,
			 char *actual, size_t n)
{
	unsigned k = (unsigned)o->skip;

	if (o->skip == OVC_OOM_ELIGIBLE)
		snprintf(actual, n, "%lld", (long long)o->points);
	else
		snprintf(actual, n, "%lld (not a candidate: %s)", (long long)o->points,
			 k < sizeof(skip_text) / sizeof(skip_text[0]) && skip_text[k] ?
			 skip_text[k] : "ineligible");
	return holds(o->points, x->cmp, x->num);
}

/* killed, survives, oom_score, badness, panic, oom_kills; -1 for other kinds. */
static int check_oom(const struct sc_expect *x, const struct sc_observed *o,
		     char *actual, size_t n)
{
	switch (x->kind) {
	case SC_X_KILLED:
	case SC_X_SURVIVES:
		return check_fate(x, o, actual, n);
	case SC_X_BADNESS:
		return check_badness(x, o, actual, n);
	case SC_X_PANIC:
		snprintf(actual, n, "%s", o->panicked ? "panic" : "no panic");
		return o->panicked;
	case SC_X_OOM_SCORE:
	case SC_X_OOM_KILLS:
		snprintf(actual, n, "%llu", (unsigned long long)o->value);
		return holds_u(o->value, x->cmp, (uint64_t)x->num);
	default:
		return -1;
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

static int check_pct(const struct sc_expect *x, double pct, char *actual, size_t n)
{
	int64_t v = pct_hundredths(pct);

	if (v < 0)
		snprintf(actual, n, "undefined");
	else
		snprintf(actual, n, "%lld.%02lld", (long long)v / 100, (long long)v % 100);
	return v >= 0 && holds(v, x->cmp, x->num);
}

int sc_expect_eval(const struct sc_expect *x, const struct sc_observed *o,
		   uint64_t want_bytes, char *actual, size_t n)
{
	int r = check_oom(x, o, actual, n);

	if (r >= 0)
		return r;
	switch (x->kind) {
	case SC_X_RESULT:
		return check_result(x, o->last, actual, n);
	case SC_X_COMMIT_PCT:
		return check_pct(x, o->pct_commit, actual, n);
	case SC_X_SYSCTL:
		snprintf(actual, n, "%lld", (long long)o->sysctl);
		return holds(o->sysctl, x->cmp, x->num);
	default:
		break;
	}
	if (sc_expect_sized(x)) {
		snprintf(actual, n, "%llu kB", (unsigned long long)o->value);
		return holds_u(o->value, x->cmp, want_bytes >> 10);
	}
	snprintf(actual, n, "%llu", (unsigned long long)o->value);	/* a count */
	return holds_u(o->value, x->cmp, (uint64_t)x->num);
}
