/* parse_expect.c - scenario parser: expect lines and their `if kernel` conditions. */
#include <errno.h>
#include <string.h>

#include "ovc/ops.h"
#include "ovc/profile.h"
#include "ovc/view.h"
#include "scenario/parse.h"

static const struct { const char *word; int err; } result_table[] = {
	{ "ok", 0 }, { "ENOMEM", ENOMEM }, { "EAGAIN", EAGAIN }, { "EFAULT", EFAULT },
	{ "EINVAL", EINVAL }, { "ENOENT", ENOENT }, { "EACCES", EACCES }, { "EPERM", EPERM },
	{ "OOM", SC_OOM },
};

static const char *const cmp_text[] = {
	[SC_EQ] = "==", [SC_NE] = "!=", [SC_LT] = "<", [SC_LE] = "<=", [SC_GT] = ">", [SC_GE] = ">=",
};

/* An optional comparison at word *i (default ==). */
static enum sc_cmp opt_cmp(struct parser *P, size_t *i)
{
	int k;

	for (k = SC_EQ; k <= SC_GE && *i < P->ln->n; k++)
		if (sc_word_is(&P->ln->w[*i], cmp_text[k])) {
			(*i)++;
			return (enum sc_cmp)k;
		}
	return SC_EQ;
}

/* "4.19", "2.6.32", "6.12.5" (each part up to 255) or "rhel6". */
static int version(struct parser *P, size_t i, struct sc_cond *c)
{
	const struct sc_word *w;
	unsigned part[3] = { 0, 0, 0 }, n = 0;
	size_t k;

	if (i >= P->ln->n)
		return p_expected(P, i, "a kernel version");
	w = &P->ln->w[i];
	if (sc_word_is(w, "rhel6")) {
		c->rhel6 = 1;
		c->parts = 3;
		c->kver = OVC_KV(2, 6, 32);	/* RHEL 6 is 2.6.32 with backports */
		return 0;
	}
	for (k = 0; k < w->len; k++) {
		char ch = w->s[k];

		if (ch == '.' && k > 0 && w->s[k - 1] != '.' && n < 2 && k + 1 < w->len)
			n++;
		else if (ch >= '0' && ch <= '9' && part[n] * 10 + (unsigned)(ch - '0') <= 255)
			part[n] = part[n] * 10 + (unsigned)(ch - '0');
		else
			return p_expected(P, i, "a kernel version (such as 4.19 or rhel6)");
	}
	if (w->len == 0 || w->s[0] == '.')
		return p_expected(P, i, "a kernel version (such as 4.19 or rhel6)");
	c->parts = (uint8_t)(n + 1);
	c->kver = OVC_KV(part[0], part[1], part[2]);
	return 0;
}

/* `if kernel [OP] VERSION` at word i, or nothing. */
static int condition(struct parser *P, size_t i, struct sc_cond *c)
{
	int r;

	if (i >= P->ln->n)
		return 0;
	if (!sc_word_is(&P->ln->w[i], "if"))
		return p_unexpected(P, i);
	if (i + 1 >= P->ln->n || !sc_word_is(&P->ln->w[i + 1], "kernel"))
		return p_expected(P, i + 1, "\"kernel\"");
	i += 2;
	c->on = 1;
	c->cmp = opt_cmp(P, &i);
	r = version(P, i, c);
	return r < 0 ? r : p_end(P, i + 1);
}

/* sar's %commit: a number with up to two decimals, kept in hundredths
 * (a third decimal rounds). */
static int percent(struct parser *P, size_t i, int64_t *v)
{
	const struct sc_word *w;
	int64_t whole = 0, frac = 0;
	int decimals = -1, round = 0;
	size_t k;

	if (i >= P->ln->n)
		return p_expected(P, i, "a percentage");
	w = &P->ln->w[i];
	for (k = 0; k < w->len; k++) {
		char ch = w->s[k];

		if (ch == '.' && decimals < 0 && k > 0)
			decimals = 0;
		else if (ch < '0' || ch > '9' || whole > 1000000000000LL)
			return p_expected(P, i, "a percentage");
		else if (decimals < 0)
			whole = whole * 10 + (ch - '0');
		else if (++decimals <= 2)
			frac = frac * 10 + (ch - '0');
		else if (decimals == 3)
			round = ch >= '5';
	}
	if (w->len == 0 || decimals == 0)
		return p_expected(P, i, "a percentage");
	if (decimals == 1)
		frac *= 10;
	*v = whole * 100 + frac + round;
	return 0;
}

static const char *find_field(const struct sc_word *w)
{
	size_t count = 0, k;
	const struct ovc_meminfo_field *f = ovc_meminfo_fields(&count);

	for (k = 0; f && k < count; k++)
		if (sc_word_is(w, f[k].name))
			return f[k].name;
	return NULL;
}

static int expect_meminfo(struct parser *P, struct sc_stmt *st, size_t *i)
{
	struct sc_expect *x = &st->u.expect;
	char q[64];

	if (P->ln->n < 3)
		return p_expected(P, 2, "a meminfo field");
	x->field = find_field(&P->ln->w[2]);
	if (!x->field)
		return p_err(P, P->ln->w[2].col, "unknown meminfo field %s",
			     sc_quote(q, sizeof(q), P->ln->w[2].s, P->ln->w[2].len));
	x->count = strncmp(x->field, "HugePages_", 10) == 0;
	*i = 3;
	x->cmp = opt_cmp(P, i);
	if (!x->count)
		return p_size(P, i, 1, &x->size);
	if (*i >= P->ln->n)
		return p_expected(P, *i, "a number of huge pages");
	return p_int(P, &P->ln->w[(*i)++], 0, INT64_MAX, "a number of huge pages", &x->num);
}

static int expect_sysctl(struct parser *P, struct sc_stmt *st, size_t *i)
{
	struct sc_expect *x = &st->u.expect;
	const struct sc_word *w;
	char name[SC_NAME_MAX + 1], q[64];

	if (P->ln->n < 3)
		return p_expected(P, 2, "a sysctl name");
	w = &P->ln->w[2];
	x->key = -1;
	if (w->len < sizeof(name)) {
		memcpy(name, w->s, w->len);
		name[w->len] = '\0';
		x->key = ovc_sysctl_lookup(name);
	}
	if (x->key < 0)
		return p_err(P, w->col, "unknown sysctl %s", sc_quote(q, sizeof(q), w->s, w->len));
	*i = 3;
	x->cmp = opt_cmp(P, i);
	if (*i >= P->ln->n)
		return p_expected(P, *i, "a number");
	return p_int(P, &P->ln->w[(*i)++], INT64_MIN, INT64_MAX, "a number", &x->num);
}

/* committed, rss, vmsize (sizes) and vmas (a count) of a task. */
static int expect_task(struct parser *P, struct sc_stmt *st, size_t *i)
{
	struct sc_expect *x = &st->u.expect;
	int r = p_name_use(P, 2, SC_TASK, &st->task);

	if (r < 0)
		return r;
	st->arg_col = P->ln->w[2].col;
	*i = 3;
	x->cmp = opt_cmp(P, i);
	if (x->kind != SC_X_VMAS)
		return p_size(P, i, 1, &x->size);
	if (*i >= P->ln->n)
		return p_expected(P, *i, "a number of VMAs");
	return p_int(P, &P->ln->w[(*i)++], 0, INT64_MAX, "a number of VMAs", &x->num);
}

/* The OOM killer's expectations: killed, survives, oom_score, badness
 * (with an optional cgroup=), panic, oom_kills. */
static int expect_oom(struct parser *P, struct sc_stmt *st, size_t *i)
{
	struct sc_expect *x = &st->u.expect;
	struct sc_word v;
	int r;

	x->cgroup = -1;
	*i = 2;
	if (x->kind == SC_X_PANIC)
		return 0;
	if (x->kind != SC_X_OOM_KILLS) {
		r = p_name_use(P, 2, SC_TASK, &st->task);
		if (r < 0)
			return r;
		st->arg_col = P->ln->w[2].col;
		*i = 3;
	}
	if (x->kind == SC_X_KILLED || x->kind == SC_X_SURVIVES)
		return 0;
	if (x->kind == SC_X_BADNESS && *i < P->ln->n && p_kv(&P->ln->w[*i], "cgroup", &v)) {
		r = p_name_ref(P, &v, SC_CGROUP, &x->cgroup);
		if (r < 0)
			return r;
		(*i)++;
	}
	x->cmp = opt_cmp(P, i);
	if (*i >= P->ln->n)
		return p_expected(P, *i, "a number");
	if (x->kind == SC_X_BADNESS)	/* signed: 5.9+ scores can be negative */
		return p_int(P, &P->ln->w[(*i)++], INT64_MIN, INT64_MAX, "a number", &x->num);
	return p_int(P, &P->ln->w[(*i)++], 0, INT64_MAX, "a number", &x->num);
}

static const struct { const char *word; enum sc_expect_kind kind; } expect_table[] = {
	{ "meminfo", SC_X_MEMINFO }, { "committed", SC_X_COMMITTED }, { "vmas", SC_X_VMAS },
	{ "rss", SC_X_RSS }, { "vmsize", SC_X_VMSIZE }, { "commit_pct", SC_X_COMMIT_PCT },
	{ "sysctl", SC_X_SYSCTL }, { "killed", SC_X_KILLED }, { "survives", SC_X_SURVIVES },
	{ "oom_score", SC_X_OOM_SCORE }, { "badness", SC_X_BADNESS }, { "panic", SC_X_PANIC },
	{ "oom_kills", SC_X_OOM_KILLS },
};

int p_expect(struct parser *P, struct sc_stmt *st)
{
	struct sc_expect *x = &st->u.expect;
	const struct sc_word *w;
	size_t i = 2, k;
	int r = -1;

	if (P->ln->n < 2)
		return p_expected(P, 1, "what to expect");
	w = &P->ln->w[1];
	for (k = 0; k < sizeof(result_table) / sizeof(result_table[0]); k++) {
		if (!sc_word_is(w, result_table[k].word))
			continue;
		if (!P->steps)
			return p_err(P, w->col, "\"expect %s\" needs an operation before it "
				     "(or a task or sysctl line after the setup)",
				     result_table[k].word);
		x->kind = SC_X_RESULT;
		x->err = result_table[k].err;
		return condition(P, 2, &x->cond);
	}
	for (k = 0; k < sizeof(expect_table) / sizeof(expect_table[0]); k++)
		if (sc_word_is(w, expect_table[k].word))
			break;
	if (k == sizeof(expect_table) / sizeof(expect_table[0]))
		return p_expected(P, 1, "ok, an errno name, OOM, meminfo, committed, vmas, "
				  "rss, vmsize, commit_pct, sysctl, killed, survives, oom_score, "
				  "badness, panic or oom_kills");
	x->kind = expect_table[k].kind;
	switch (x->kind) {
	case SC_X_MEMINFO:
		r = expect_meminfo(P, st, &i);
		break;
	case SC_X_SYSCTL:
		r = expect_sysctl(P, st, &i);
		break;
	case SC_X_COMMIT_PCT:
		i = 2;
		x->cmp = opt_cmp(P, &i);
		r = percent(P, i++, &x->num);
		break;
	case SC_X_KILLED:
	case SC_X_SURVIVES:
	case SC_X_OOM_SCORE:
	case SC_X_BADNESS:
	case SC_X_PANIC:
	case SC_X_OOM_KILLS:
		r = expect_oom(P, st, &i);
		break;
	default:
		r = expect_task(P, st, &i);
		break;
	}
	return r < 0 ? r : condition(P, i, &x->cond);
}
