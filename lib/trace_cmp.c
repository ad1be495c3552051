/* trace_cmp.c - a kernel's trace against the model's, step by step: results exact, Committed_AS within the counter's slack. kB. */
#include "ovc/trace_cmp.h"

#include <stdlib.h>
#include <string.h>

#include "ovc/commit.h"
#include "ovc/err.h"
#include "ovc/machine.h"
#include "ovc/ops.h"

/* ------------------------------------------------------------------
 * The slack: what the per-CPU counter can hide (lib/percpu_counter.c)
 */

/*
 * __percpu_counter_add_batch folds a CPU's delta into the count once its
 * magnitude reaches the batch, so each CPU keeps at most batch - 1 pages
 * away from the count, and a reader of the count alone
 * (percpu_counter_read_positive: /proc/meminfo before 5.9, and the
 * admission test of __vm_enough_memory in every era) is off the exact sum
 * by at most ncpus * (batch - 1) pages. From 5.9 /proc/meminfo shows the
 * exact sum (vm_memory_committed, percpu_counter_sum_positive), so the
 * kernel's Committed_AS can be compared exactly with the model's exact sum.
 *
 * The batch is the profile's mm_compute_batch, which reads only totalram
 * and the CPU count: a machine with just those is enough to ask it.
 */
void ovc_cmp_opts_for(struct ovc_cmp_opts *o, const struct ovc_profile *p, uint64_t ram_kb,
		      unsigned ncpus, uint64_t page_size)
{
	struct ovc_machine m;
	uint64_t page_kb = page_size >= 1024 ? page_size >> 10 : 4;
	int32_t guess, never, most, edge;

	memset(o, 0, sizeof(*o));
	memset(&m, 0, sizeof(m));
	m.profile = *p;
	m.ncpus = ncpus ? ncpus : 1;
	m.page_size = page_kb << 10;
	m.ram = ram_kb / page_kb;
	guess = p->counter->batch(&m, 0);
	never = p->counter->batch(&m, 2);
	most = guess > never ? guess : never;
	/* Under NEVER, kernels that fold every CPU when policy 2 is written
	 * (5.9+) start from zero deltas and gather at most the NEVER batch;
	 * others may still hold what the GUESS batch let pile up. */
	edge = p->counter->sync_on_never ? never : most;
	o->ncpus = m.ncpus;
	o->batch_guess = (uint64_t)guess;
	o->batch_never = (uint64_t)never;
	o->meminfo_exact = p->counter->meminfo_exact;
	o->edge_slack_kb = (uint64_t)m.ncpus * (uint64_t)(edge > 0 ? edge - 1 : 0) * page_kb;
	o->committed_slack_kb = o->meminfo_exact ? 0 :
		(uint64_t)m.ncpus * (uint64_t)(most > 0 ? most - 1 : 0) * page_kb;
}

/* ------------------------------------------------------------------
 * One row
 */

static uint64_t absdiff(uint64_t a, uint64_t b)
{
	return a > b ? a - b : b - a;
}

/* OOM (a kill during the step) is its own outcome, whatever the errno. */
static int same_result(const struct ovc_result *a, const struct ovc_result *b)
{
	int oa = a->cause == OVC_CAUSE_OOM, ob = b->cause == OVC_CAUSE_OOM;

	if (oa || ob)
		return oa == ob;
	return a->err == b->err;
}

/* A differing result that the approximate counter can explain: the model
 * ran a NEVER test whose exact sum was within the edge slack of the limit,
 * so a kernel reading its approximate count could have decided the other
 * way. Only a hint: the row still differs. */
static void edge_hint(struct ovc_cmp_row *r, const struct ovc_cmp_opts *o, uint64_t page_kb)
{
	const struct ovc_result *m = &r->model->res;
	int64_t d;

	if (!m->admitted || m->admit.rule != OVC_ADMIT_NEVER)
		return;
	if (r->real->res.cause == OVC_CAUSE_OOM || m->cause == OVC_CAUSE_OOM)
		return;
	d = m->admit.committed - m->admit.allowed;
	r->margin_kb = (uint64_t)(d < 0 ? -d : d) * page_kb;
	r->at_edge = r->margin_kb <= o->edge_slack_kb;
}

static void compare_row(struct ovc_cmp_row *r, const struct ovc_cmp_opts *o,
			uint64_t real_page_kb, uint64_t model_page_kb)
{
	const struct ovc_step *k = r->real, *m = r->model;
	uint64_t dd;

	r->offset_kb = (int64_t)k->committed_kb - (int64_t)m->committed_exact_kb;
	r->real_delta_kb = k->res.delta * (int64_t)real_page_kb;
	r->model_delta_kb = m->res.delta * (int64_t)model_page_kb;
	if (!same_result(&k->res, &m->res)) {
		r->diff |= OVC_CMP_RESULT;
		edge_hint(r, o, model_page_kb);
	}
	if (k->committed_kb != m->committed_exact_kb)
		r->diff |= OVC_CMP_COMMITTED;
	dd = (uint64_t)(r->real_delta_kb > r->model_delta_kb ? r->real_delta_kb - r->model_delta_kb
							     : r->model_delta_kb - r->real_delta_kb);
	if (dd)
		r->diff |= OVC_CMP_DELTA;
	if (k->commit_limit_kb != m->commit_limit_kb)
		r->diff |= OVC_CMP_LIMIT;
	/* Within the slack: noted, not a difference. */
	if ((r->diff & OVC_CMP_COMMITTED) &&
	    absdiff(k->committed_kb, m->committed_exact_kb) <= o->committed_slack_kb) {
		r->diff &= ~OVC_CMP_COMMITTED;
		r->slack |= OVC_CMP_COMMITTED;
	}
	if ((r->diff & OVC_CMP_DELTA) && dd <= 2 * o->committed_slack_kb) {
		r->diff &= ~OVC_CMP_DELTA;
		r->slack |= OVC_CMP_DELTA;
	}
}

static void compare_point(struct ovc_cmp_point *p, const struct ovc_meminfo *k,
			  const struct ovc_meminfo *m, const struct ovc_cmp_opts *o)
{
	p->compared = 1;
	p->real_committed_kb = k->committed_as;
	p->model_committed_kb = m->committed_as;
	p->real_limit_kb = k->commit_limit;
	p->model_limit_kb = m->commit_limit;
	if (absdiff(k->committed_as, m->committed_as) > o->committed_slack_kb)
		p->diff |= OVC_CMP_COMMITTED;
	if (k->commit_limit != m->commit_limit)
		p->diff |= OVC_CMP_LIMIT;
}

/* ------------------------------------------------------------------
 * The walk: both traces are in line order (a scenario has no loops)
 */

static uint64_t page_kb_of(const struct ovc_trace *t)
{
	return t->page_size >= 1024 ? t->page_size >> 10 : 4;
}

/* The next row of the merge, from real step *i and model step *j. */
static void take_row(const struct ovc_trace *real, const struct ovc_trace *model, size_t *i,
		     size_t *j, struct ovc_cmp_row *r)
{
	const struct ovc_step *k = *i < real->nsteps ? &real->steps[*i] : NULL;
	const struct ovc_step *m = *j < model->nsteps ? &model->steps[*j] : NULL;

	memset(r, 0, sizeof(*r));
	if (k && m && k->line != m->line) {	/* the one with the smaller line goes alone */
		if (k->line < m->line)
			m = NULL;
		else
			k = NULL;
	}
	r->line = k ? k->line : m->line;
	r->real = k;
	r->model = m;
	*i += k != NULL;
	*j += m != NULL;
	if (!m)
		r->diff = OVC_CMP_NO_MODEL;
	else if (!k)
		r->diff = OVC_CMP_NO_REAL;
}

/* Committed_AS off by what the row before was already off by, while the
 * step's own change agrees: the difference was carried, not made here. */
static void mark_carried(struct ovc_cmp_row *r, const struct ovc_cmp_row *prev)
{
	if ((r->diff & OVC_CMP_COMMITTED) && !(r->diff & OVC_CMP_DELTA) && prev &&
	    prev->real && prev->model && prev->offset_kb == r->offset_kb)
		r->carried = 1;
}

int ovc_trace_cmp(const struct ovc_trace *real, const struct ovc_trace *model,
		  const struct ovc_cmp_opts *o, int complete, struct ovc_cmp *out)
{
	size_t i = 0, j = 0, n = real->nsteps + model->nsteps;
	const struct ovc_cmp_row *prev = NULL;

	memset(out, 0, sizeof(*out));
	out->opts = *o;
	out->complete = complete != 0;
	compare_point(&out->start, &real->start, &model->start, o);
	if (complete)
		compare_point(&out->end, &real->end, &model->end, o);
	out->rows = calloc(n ? n : 1, sizeof(*out->rows));
	if (!out->rows)
		return -OVC_E_NOMEM;
	while (i < real->nsteps || j < model->nsteps) {
		struct ovc_cmp_row *r = &out->rows[out->nrows++];

		take_row(real, model, &i, &j, r);
		if (r->real && r->model) {
			compare_row(r, o, page_kb_of(real), page_kb_of(model));
			mark_carried(r, prev);
			out->paired++;
			prev = r;
		}
		out->differ += r->diff != 0;
	}
	return 0;
}

void ovc_cmp_free(struct ovc_cmp *c)
{
	if (!c)
		return;
	free(c->rows);
	memset(c, 0, sizeof(*c));
}

int ovc_cmp_match(const struct ovc_cmp *c)
{
	return c->differ == 0 && !c->start.diff && !c->end.diff;
}
