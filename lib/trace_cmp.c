/* trace_cmp.c - a kernel's trace against the model's, step by step: results exact, Committed_AS within the counter's slack, OOM victims and oom_scores. kB. */
#include "ovc/trace_cmp.h"

#include <stdlib.h>
#include <string.h>

#include "ovc/commit.h"
#include "ovc/err.h"
#include "ovc/machine.h"
#include "ovc/ops.h"
#include "ovc/profile.h"

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
/*
 * How far the RSS the kernel's OOM killer reads can be from the exact
 * count. From 6.2 the mm's counters are per-CPU counters and
 * oom_badness reads them with percpu_counter_read_positive: each CPU
 * keeps up to percpu_counter_batch - 1 pages of each counter (anon, file,
 * shmem, swap entries) unfolded, the batch being max(32, 2 * CPUs)
 * (lib/percpu_counter.c compute_batch_value). Earlier kernels keep a
 * task's own changes aside for up to 64 faults (SPLIT_RSS_COUNTING), but
 * ovc exec has its tasks fold them before /proc is read
 * (scenario/real_serve.c settle_rss), so the reading is exact.
 */
static uint64_t rss_slack(const struct ovc_profile *p, unsigned ncpus)
{
	uint64_t batch = 2 * (uint64_t)ncpus > 32 ? 2 * (uint64_t)ncpus : 32;

	if (!p->mm || p->mm->rss != OVC_RSS_PERCPU)
		return 0;
	return (uint64_t)ncpus * (batch - 1) * 4;
}

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
	o->rss_slack_pages = rss_slack(p, m.ncpus);
	o->score_slack = ovc_cmp_score_slack(p->score ? (int)p->score->rule : OVC_SCORE_SHIFTED,
					     o->rss_slack_pages, m.ram);
}

/*
 * What moving a task's RSS by `pages` can do to /proc/PID/oom_score
 * (fs/proc/base.c proc_oom_score). The points move by exactly pages; the
 * score divides them by totalpages (truncating) and, from 5.9, shifts the
 * result and scales it by 2/3 (truncating again). Each truncation can put
 * the two sides one unit further apart than the exact ratio.
 */
uint64_t ovc_cmp_score_slack(int rule, uint64_t pages, uint64_t totalpages)
{
	uint64_t tp = totalpages ? totalpages : 1;

	if (!pages)
		return 0;
	if (pages > UINT64_MAX / 2000)	/* more than any machine has: anything goes */
		return UINT64_MAX;
	switch (rule) {
	case OVC_SCORE_RAW:		/* 2.6.32: badness() itself */
		return pages;
	case OVC_SCORE_PERMILLE:	/* 2.6.36-3.4 */
	case OVC_SCORE_SCALED:		/* 3.5-5.8: points * 1000 / totalpages */
		return (pages * 1000 + tp - 1) / tp + 1;
	default:			/* 5.9+: (1000 + points * 1000 / tp) * 2 / 3 */
		return (pages * 2000 + 3 * tp - 1) / (3 * tp) + 1;
	}
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
 * Victims: the selected ones in order, the mm sharers as a set
 */

int ovc_cmp_same_task(const char *a, const char *b)
{
	return a && b ? strcmp(a, b) == 0 : a == b;
}

/* Killed again: an oom.group kill reaches the victim a second time while
 * it still has its mm (the kernel logs it twice; the model records it
 * twice when it is the faulting task). A pid counts once per step. */
static int again(const struct ovc_step *s, size_t k)
{
	for (size_t j = 0; j < k; j++)
		if (s->victims[j].pid == s->victims[k].pid)
			return 1;
	return 0;
}

/* The i-th victim that is (sharer) or is not (!sharer) an mm sharer, or NULL. */
static const struct ovc_victim *nth_victim(const struct ovc_step *s, int sharer, size_t i)
{
	for (size_t k = 0; k < s->nvictims; k++)
		if ((s->victims[k].reason == OVC_OOM_KILL_SHARER) == sharer && !again(s, k) &&
		    i-- == 0)
			return &s->victims[k];
	return NULL;
}

static size_t count_sharers(const struct ovc_step *s, const char *task)
{
	size_t n = 0;

	for (size_t k = 0; k < s->nvictims; k++)
		n += s->victims[k].reason == OVC_OOM_KILL_SHARER && !again(s, k) &&
		     ovc_cmp_same_task(s->victims[k].task, task);
	return n;
}

/* The kernel logs each selected victim as it kills it, but kills the
 * other processes on a victim's mm silently (4.x+), so the real side
 * finds those only among the dead, after the step: their order is not
 * known, only who they are. */
static int same_victims(const struct ovc_step *k, const struct ovc_step *m)
{
	const struct ovc_victim *a, *b;
	size_t i;

	for (i = 0; (a = nth_victim(k, 0, i)) != NULL; i++) {
		b = nth_victim(m, 0, i);
		if (!b || !ovc_cmp_same_task(a->task, b->task))
			return 0;
	}
	if (nth_victim(m, 0, i))
		return 0;
	for (i = 0; (a = nth_victim(k, 1, i)) != NULL; i++)
		if (count_sharers(k, a->task) != count_sharers(m, a->task))
			return 0;
	return !nth_victim(m, 1, i);	/* as many sharers */
}

/* ------------------------------------------------------------------
 * Rank lines: tasks paired by name, oom_score within the slack
 */

static const char *rank_name(const struct ovc_rank *r, size_t i)
{
	return r->names && i < r->nrows ? r->names[i] : NULL;
}

/* The row of r named task, or -1. */
static long rank_find(const struct ovc_rank *r, const char *task)
{
	for (size_t i = 0; i < r->nrows; i++)
		if (rank_name(r, i) && strcmp(rank_name(r, i), task) == 0)
			return (long)i;
	return -1;
}

static void rank_task(struct ovc_cmp_rank *c, const char *task,
		      const struct ovc_oom_candidate *k, const struct ovc_oom_candidate *m,
		      const struct ovc_cmp_opts *o)
{
	struct ovc_cmp_rank_task *t = &c->tasks[c->ntasks++];

	t->task = task;
	t->real = k;
	t->model = m;
	if (!k || !m) {
		t->differs = 1;
	} else {
		uint64_t d = absdiff(k->oom_score, m->oom_score);

		c->compared++;
		t->differs = d > o->score_slack;
		t->slack = d && !t->differs;
	}
	c->differ += t->differs;
}

static const char *chosen_name(const struct ovc_rank *r)
{
	return r->chosen >= 0 ? rank_name(r, (size_t)r->chosen) : NULL;
}

/* Compare one rank line; either side may be NULL (then it differs). */
static int rank_compare(struct ovc_cmp_rank *c, const struct ovc_rank *k,
			const struct ovc_rank *m, const struct ovc_cmp_opts *o)
{
	size_t i, n = (k ? k->nrows : 0) + (m ? m->nrows : 0);

	memset(c, 0, sizeof(*c));
	c->line = k ? k->line : m->line;
	c->real = k;
	c->model = m;
	if (!k || !m) {
		c->differs = 1;
		return 0;
	}
	c->tasks = calloc(n ? n : 1, sizeof(*c->tasks));
	if (!c->tasks)
		return -OVC_E_NOMEM;
	for (i = 0; i < k->nrows; i++) {
		const char *task = rank_name(k, i);
		long j;

		if (!task)
			continue;
		j = rank_find(m, task);
		rank_task(c, task, &k->rows[i], j >= 0 ? &m->rows[j] : NULL, o);
	}
	for (i = 0; i < m->nrows; i++)
		if (rank_name(m, i) && rank_find(k, rank_name(m, i)) < 0)
			rank_task(c, rank_name(m, i), NULL, &m->rows[i], o);
	c->real_chosen = chosen_name(k);
	c->model_chosen = chosen_name(m);
	c->chosen_differs = k->chosen >= 0 &&
		(m->chosen < 0 || !ovc_cmp_same_task(c->real_chosen, c->model_chosen));
	c->differs = c->differ || c->chosen_differs;
	return 0;
}

static const struct ovc_rank *rank_at(const struct ovc_rank *r, size_t n, unsigned line)
{
	for (size_t i = 0; i < n; i++)
		if (r[i].line == line)
			return &r[i];
	return NULL;
}

/* Both sides' rank records after one step (or before any), paired by
 * line: the kernel's in order, then the model's the kernel lacks. *any
 * is set when one differs. */
static int ranks_compare(const struct ovc_rank *k, size_t nk, const struct ovc_rank *m, size_t nm,
			 const struct ovc_cmp_opts *o, struct ovc_cmp_rank **out, size_t *nout,
			 int *any)
{
	size_t i;
	int r = 0;

	*out = NULL;
	*nout = 0;
	*any = 0;
	if (!nk && !nm)
		return 0;
	*out = calloc(nk + nm, sizeof(**out));
	if (!*out)
		return -OVC_E_NOMEM;
	for (i = 0; i < nk && r == 0; i++)
		r = rank_compare(&(*out)[(*nout)++], &k[i], rank_at(m, nm, k[i].line), o);
	for (i = 0; i < nm && r == 0; i++)
		if (!rank_at(k, nk, m[i].line))
			r = rank_compare(&(*out)[(*nout)++], NULL, &m[i], o);
	for (i = 0; i < *nout; i++)
		*any |= (*out)[i].differs;
	return r;
}

static void ranks_free(struct ovc_cmp_rank *c, size_t n)
{
	for (size_t i = 0; c && i < n; i++)
		free(c[i].tasks);
	free(c);
}

static int compare_oom(struct ovc_cmp_row *r, const struct ovc_cmp_opts *o)
{
	int any, err;

	if (!same_victims(r->real, r->model))
		r->diff |= OVC_CMP_VICTIM;
	err = ranks_compare(r->real->ranks, r->real->nranks, r->model->ranks, r->model->nranks, o,
			    &r->ranks, &r->nranks, &any);
	for (size_t i = 0; i < r->nranks; i++) {
		r->rank_tasks += r->ranks[i].compared;
		r->rank_differ += r->ranks[i].differ;
	}
	if (any)
		r->diff |= OVC_CMP_RANK;
	return err;
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
	int any, err;

	memset(out, 0, sizeof(*out));
	out->opts = *o;
	out->complete = complete != 0;
	compare_point(&out->start, &real->start, &model->start, o);
	if (complete)
		compare_point(&out->end, &real->end, &model->end, o);
	err = ranks_compare(real->ranks, real->nranks, model->ranks, model->nranks, o,
			    &out->start_ranks, &out->nstart_ranks, &any);
	if (any)
		out->start.diff |= OVC_CMP_RANK;
	out->rows = calloc(n ? n : 1, sizeof(*out->rows));
	if (!out->rows || err < 0)
		return -OVC_E_NOMEM;
	while (i < real->nsteps || j < model->nsteps) {
		struct ovc_cmp_row *r = &out->rows[out->nrows++];

		take_row(real, model, &i, &j, r);
		if (r->real && r->model) {
			compare_row(r, o, page_kb_of(real), page_kb_of(model));
			err = compare_oom(r, o);
			mark_carried(r, prev);
			out->paired++;
			prev = r;
		}
		out->differ += r->diff != 0;
		if (err < 0)
			return err;
	}
	return 0;
}

void ovc_cmp_free(struct ovc_cmp *c)
{
	if (!c)
		return;
	for (size_t i = 0; c->rows && i < c->nrows; i++)
		ranks_free(c->rows[i].ranks, c->rows[i].nranks);
	ranks_free(c->start_ranks, c->nstart_ranks);
	free(c->rows);
	memset(c, 0, sizeof(*c));
}

int ovc_cmp_match(const struct ovc_cmp *c)
{
	return c->differ == 0 && !c->start.diff && !c->end.diff;
}
