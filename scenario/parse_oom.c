/* parse_oom.c - scenario parser: the OOM killer's statements (cgroup, clock, oom_score_adj, oom_adj, rank).
 *
 * A cgroup is a name like a task's (one namespace for all names); its
 * path is its parents' names joined with "/" below the root, as the
 * kernel's cgroup directories are. Limits are sizes, evaluated when the
 * line runs; `max` is the v2 word for no limit.
 */
#include <stdint.h>
#include <string.h>

#include "ovc/memcg.h"
#include "scenario/parse.h"

enum { CG_PARENT, CG_MAX, CG_LIMIT, CG_SWAP_MAX, CG_OOM_GROUP, CG_SWAPPINESS, CG_COUNT };
static const char *const cgroup_keys[CG_COUNT] = {
	[CG_PARENT] = "parent", [CG_MAX] = "max", [CG_LIMIT] = "limit_in_bytes",
	[CG_SWAP_MAX] = "swap.max", [CG_OOM_GROUP] = "oom.group", [CG_SWAPPINESS] = "swappiness",
};

/* The path's length: "/" and the name for every level from the root. */
static size_t cgroup_path_len(const struct ovc_scenario *s, int parent, size_t own)
{
	size_t n = 1 + own;

	for (; parent >= 0; parent = s->names[parent].owner)
		n += 1 + strlen(s->names[parent].name);
	return n;
}

/* A limit: SIZE, or the word max (no limit). */
static int cgroup_limit(struct parser *P, size_t *i, const struct sc_word *v,
			struct sc_size *z, uint8_t *unlimited)
{
	if (sc_word_is(v, "max")) {
		*unlimited = 1;
		(*i)++;
		return 0;
	}
	return p_size_value(P, i, v, 1, z);
}

/* One option at word *i; advances *i. */
static int cgroup_opt(struct parser *P, size_t *i, struct sc_cgroup_args *c, uint32_t *seen)
{
	const struct sc_word *w = &P->ln->w[*i];
	struct sc_word v;
	int64_t n = 0;
	int k, on = 0, r = p_flag(P, w, cgroup_keys[CG_OOM_GROUP], &on);

	if (r < 0)
		return r;
	k = CG_OOM_GROUP;
	if (r == 0)
		for (k = 0; k < CG_COUNT; k++)
			if (k != CG_OOM_GROUP && p_kv(w, cgroup_keys[k], &v))
				break;
	if (k == CG_COUNT)
		return p_unexpected(P, *i);
	if ((k == CG_MAX && (*seen & (1u << CG_LIMIT))) || (k == CG_LIMIT && (*seen & (1u << CG_MAX))))
		return p_err(P, w->col, "give one of max= and limit_in_bytes=");
	if (p_once(P, *i, seen, 1u << k) < 0)
		return -OVC_E_PARSE;
	switch (k) {
	case CG_PARENT:
		(*i)++;
		return p_name_ref(P, &v, SC_CGROUP, &c->parent);
	case CG_MAX:
	case CG_LIMIT:		/* cgroup v1's name of memory.max */
		c->has_max = 1;
		return cgroup_limit(P, i, &v, &c->max, &c->max_unlimited);
	case CG_SWAP_MAX:
		c->has_swap_max = 1;
		return cgroup_limit(P, i, &v, &c->swap_max, &c->swap_unlimited);
	case CG_OOM_GROUP:
		(*i)++;
		c->oom_group = (uint8_t)on;
		return 0;
	default:
		(*i)++;
		r = p_int(P, &v, 0, 200, "swappiness=", &n);	/* mem_cgroup_swappiness_write */
		c->swappiness = (int)n;
		return r;
	}
}

int p_cgroup(struct parser *P, struct sc_stmt *st)
{
	struct sc_cgroup_args *c = &st->u.cgroup;
	const struct sc_word *w;
	uint32_t seen = 0;
	size_t i = 2, len;
	char q[80];
	int r = p_name_new(P, 1, SC_CGROUP);

	c->parent = -1;
	c->swappiness = -1;
	while (r == 0 && i < P->ln->n)
		r = cgroup_opt(P, &i, c, &seen);
	if (r < 0)
		return r;
	w = &P->ln->w[1];
	len = cgroup_path_len(P->s, c->parent, w->len);
	if (len >= OVC_MEMCG_PATH_MAX)
		return p_err(P, w->col, "the path of cgroup %s is %zu bytes long (at most %d)",
			     sc_quote(q, sizeof(q), w->s, w->len), len, OVC_MEMCG_PATH_MAX - 1);
	return p_name_add(P, 1, SC_CGROUP, c->parent, &st->def);
}

/* clock +DURATION: the machine's uptime moves on. */
int p_clock(struct parser *P, struct sc_stmt *st)
{
	struct sc_word v;

	if (P->ln->n < 2 || P->ln->w[1].s[0] != '+')
		return p_expected(P, 1, "+DURATION (such as +1h)");
	v = P->ln->w[1];
	v.s++, v.len--, v.col++;
	if (p_duration(P, &v, "a duration", &st->u.clock.ms) < 0)
		return -OVC_E_PARSE;
	return p_end(P, 2);
}

/* oom_score_adj TASK N, oom_adj TASK N: the task writes its /proc file.
 * Any int is taken; the kernel's range check makes EINVAL. */
int p_adj_write(struct parser *P, struct sc_stmt *st)
{
	const char *what = st->op == SC_OOM_ADJ ? "an oom_adj value" : "an oom_score_adj value";
	int64_t n = 0;
	int r = p_name_use(P, 1, SC_TASK, &st->task);

	if (r < 0)
		return r;
	if (P->ln->n < 3)
		return p_expected(P, 2, what);
	if (p_int(P, &P->ln->w[2], INT32_MIN, INT32_MAX, what, &n) < 0)
		return -OVC_E_PARSE;
	st->u.adj.value = (int)n;
	return p_end(P, 3);
}

/* rank [cgroup=NAME]: every process with its badness, into the trace. */
int p_rank(struct parser *P, struct sc_stmt *st)
{
	struct sc_word v;
	int r;

	st->u.rank.cgroup = -1;
	if (P->ln->n < 2)
		return 0;
	if (!p_kv(&P->ln->w[1], "cgroup", &v))
		return p_unexpected(P, 1);
	r = p_name_ref(P, &v, SC_CGROUP, &st->u.rank.cgroup);
	return r < 0 ? r : p_end(P, 2);
}
