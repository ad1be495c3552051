/* oom_badness.c - how bad a task is, per kernel era, and /proc/PID/oom_score.
 *
 * Six generations (enum ovc_badness_rule, spec §6.5):
 *   B1 2.6.32  badness(): total_vm, children, CPU and run time, nice, caps, oom_adj
 *   B2 2.6.36  oom_badness(): (rss + ptes + swap) per mille of totalpages, root -30, + adj
 *   B3 3.5     pages; adj scaled by totalpages / 1000; root's adj lowered by 30
 *   B4 3.14    root bonus = 3% of the points
 *   B5 4.17    no root bonus
 *   B6 5.9     signed, unclamped, LONG_MIN for the ineligible
 * Page tables are the model's VmPTE estimate in pages (nr_ptes up to 4.14,
 * pgtables_bytes / PAGE_SIZE after; the same number here, ovc/machine.h).
 * The cpuset/mempolicy tests are not modelled: every task intersects.
 * Units: pages; badness in the era's unit.
 */
#include <stdint.h>
#include <stdlib.h>

#include "oom_internal.h"

/* SHIFT_HZ for HZ = 1000 (kernel/time: log2(HZ) rounded), and jiffies = ms. */
#define SHIFT_HZ 10

int find_task_mm(const struct ovc_machine *m, int tid)
{
	const struct ovc_task *t = &m->tasks[tid];

	if (t->state == OVC_TASK_RUNNING && t->mm)
		return tid;
	/* No other running task in the group (a kernel thread, an exited
	 * process): nothing to find, without a walk of the task table. */
	if (m->tasks[t->leader].live_threads == (t->state == OVC_TASK_RUNNING))
		return -1;
	for (size_t i = 0; i < m->ntasks; i++)
		if (m->tasks[i].leader == t->leader && m->tasks[i].state == OVC_TASK_RUNNING &&
		    m->tasks[i].mm)
			return (int)i;
	return -1;
}

uint64_t mm_rss(const struct ovc_mm *mm)
{
	return mm->rss_anon + mm->rss_file + mm->rss_shmem;
}

int64_t badness_none(const struct ovc_machine *m)
{
	return m->profile.oom->badness == OVC_BADNESS_SIGNED ? INT64_MIN : 0;
}

/* ------------------------------------------------------------------
 * B1: badness() (mm/oom_kill.c, 2.6.32)
 */

/* Half the size of every child with its own mm, plus one each. */
static uint64_t children_vm(const struct ovc_machine *m, int leader, const struct ovc_mm *mm)
{
	uint64_t vm = 0;

	for (size_t i = 0; i < m->ntasks; i++) {
		const struct ovc_task *c = &m->tasks[i];

		if (c->parent == leader && (int)i != leader && c->state == OVC_TASK_RUNNING &&
		    c->mm && c->mm != mm)
			vm += c->mm->total_vm / 2 + 1;
	}
	return vm;
}

/* thread_group_cputime(): the CPU time of every thread, in jiffies. */
static uint64_t group_cpu_ms(const struct ovc_machine *m, int leader)
{
	uint64_t ms = 0;

	for (size_t i = 0; i < m->ntasks; i++)
		if (m->tasks[i].leader == leader)
			ms += m->tasks[i].cpu_time_ms;
	return ms;
}

int legacy_sums_fill(const struct ovc_machine *m, struct legacy_sums *s)
{
	s->children_vm = calloc(m->ntasks ? m->ntasks : 1, sizeof(*s->children_vm));
	s->cpu_ms = calloc(m->ntasks ? m->ntasks : 1, sizeof(*s->cpu_ms));
	if (!s->children_vm || !s->cpu_ms) {
		legacy_sums_free(s);
		return -1;
	}
	for (size_t i = 0; i < m->ntasks; i++) {
		const struct ovc_task *c = &m->tasks[i];
		int pm;

		s->cpu_ms[c->leader] += c->cpu_time_ms;
		if (c->parent < 0 || c->parent == (int)i || c->state != OVC_TASK_RUNNING || !c->mm)
			continue;
		pm = find_task_mm(m, c->parent);
		if (pm < 0 || m->tasks[pm].mm != c->mm)
			s->children_vm[c->parent] += c->mm->total_vm / 2 + 1;
	}
	return 0;
}

const struct legacy_sums *legacy_sums_for(const struct ovc_machine *m, struct legacy_sums *s)
{
	*s = (struct legacy_sums){ 0 };
	if (m->profile.oom->badness != OVC_BADNESS_LEGACY &&
	    m->profile.score->rule != OVC_SCORE_RAW)
		return NULL;
	return legacy_sums_fill(m, s) ? NULL : s;
}

void legacy_sums_free(struct legacy_sums *s)
{
	free(s->children_vm);
	free(s->cpu_ms);
	s->children_vm = s->cpu_ms = NULL;
}

/* The inputs badness() reads from the task besides its mm. */
static void legacy_inputs(const struct ovc_machine *m, const struct ovc_task *p,
			  const struct ovc_mm *mm, const struct legacy_sums *s,
			  struct ovc_badness *b)
{
	b->children_vm = s ? s->children_vm[p->leader] : children_vm(m, p->leader, mm);
	b->cpu_time = (s ? s->cpu_ms[p->leader] : group_cpu_ms(m, p->leader)) >> (SHIFT_HZ + 3);
	b->run_time = m->uptime_s >= p->start_s ? (m->uptime_s - p->start_s) >> 10 : 0;
	b->niced = p->nice > 0;
	b->cap_div = 1;
	if (p->admin || p->cap_resource)
		b->cap_div *= 4;
	if (p->cap_rawio)
		b->cap_div *= 4;
	b->origin = p->oom_origin;
}

/* total_vm and half the children's; CPU time in units of ~8 s and run time
 * in units of 1024 s divide (through int_sqrt); nice > 0 doubles; the
 * capabilities divide; oom_adj shifts. Unsigned long arithmetic. */
static int64_t badness_v2_6_32(struct ovc_badness *b)
{
	uint64_t points = b->total_vm + b->children_vm;

	if (b->origin)		/* PF_OOM_ORIGIN (swapoff): ULONG_MAX */
		return INT64_MAX;
	if (b->cpu_time) {
		b->cpu_div = ovc_int_sqrt(b->cpu_time);
		points /= b->cpu_div;
	}
	if (b->run_time) {
		b->run_div = ovc_int_sqrt(ovc_int_sqrt(b->run_time));
		points /= b->run_div;
	}
	if (b->niced)
		points *= 2;
	points /= b->cap_div ? b->cap_div : 1;
	if (b->adj > 0) {
		if (!points)
			points = 1;
		points = b->adj >= 64 ? 0 : points << b->adj;
	} else if (b->adj < 0) {
		points = b->adj <= -64 ? 0 : points >> -b->adj;
	}
	return points > INT64_MAX ? INT64_MAX : (int64_t)points;
}

/* ------------------------------------------------------------------
 * B2-B6: oom_badness() (2.6.36 a63d83f427fb; 3.10.9; 4.19; 6.1)
 */

/* 2.6.36 and RHEL6: per mille of totalpages, root -30, + adj, in [1, 1000]. */
static int64_t oom_badness_v2_6_36(struct ovc_badness *b)
{
	int64_t tp = b->totalpages ? (int64_t)b->totalpages : 1;
	int64_t points;

	b->permille = b->base * 1000 / tp;
	b->root_bonus = b->root ? 30 : 0;
	b->adj_term = b->adj;
	points = b->permille - b->root_bonus + b->adj_term;
	b->clamped = points <= 0 || points > 1000;
	if (points <= 0)
		return 1;
	return points < 1000 ? points : 1000;
}

/* 3.5 to 5.8: pages, adj in units of totalpages / 1000 (truncated first);
 * the root bonus per era; an eligible task scores at least 1. 5.9 drops
 * the floor. */
static int64_t oom_badness_v3_5(struct ovc_badness *b)
{
	int64_t unit = (int64_t)(b->totalpages / 1000);
	int64_t points = b->base;

	if (b->root && b->rule == OVC_BADNESS_PAGES)
		b->root_bonus = 30 * unit;		/* adj -= 30 before scaling */
	else if (b->root && b->rule == OVC_BADNESS_PAGES_ROOT3)
		b->root_bonus = points * 3 / 100;	/* 778c14affaf9 */
	b->adj_term = (int64_t)b->adj * unit;
	points += b->adj_term - b->root_bonus;
	if (b->rule == OVC_BADNESS_SIGNED)
		return points;
	b->clamped = points <= 0;
	return points > 0 ? points : 1;
}

/* ------------------------------------------------------------------
 * Eligibility and the dispatch
 */

/* mm->oom_disable_count (2.6.37-3.1, RHEL6): some live process on mm is
 * -1000, by oom_score_adj or by oom_adj -17 (fs/proc/base.c counts both). */
static int mm_disabled(const struct ovc_machine *m, const struct ovc_mm *mm)
{
	for (size_t i = 0; i < m->ntasks; i++)
		if (m->tasks[i].state == OVC_TASK_RUNNING && m->tasks[i].mm == mm &&
		    m->tasks[i].oom_score_adj == OVC_OOM_SCORE_ADJ_MIN)
			return 1;
	return 0;
}

/* oom_unkillable_task() and the early returns of the era's badness. */
static enum ovc_oom_skip skip_reason(const struct ovc_machine *m, int tid, int mmt, int memcg)
{
	const struct ovc_oom_era *era = m->profile.oom;
	const struct ovc_task *t = &m->tasks[tid];

	if (t->pid == 1)
		return OVC_OOM_SKIP_INIT;
	if (t->kthread)
		return OVC_OOM_SKIP_KTHREAD;
	if (memcg >= 0 && !ovc_memcg_within(m, t->memcg, memcg))
		return OVC_OOM_SKIP_MEMCG;
	if (mmt < 0)
		return OVC_OOM_SKIP_NO_MM;
	if (era->badness == OVC_BADNESS_LEGACY ? t->oom_adj == OVC_OOM_DISABLE
	    : t->oom_score_adj == OVC_OOM_SCORE_ADJ_MIN)
		return OVC_OOM_SKIP_ADJ_MIN;
	if (era->shared_disable && mm_disabled(m, m->tasks[mmt].mm))
		return OVC_OOM_SKIP_MM_DISABLED;
	if (era->skip_vfork && m->tasks[mmt].in_vfork)
		return OVC_OOM_SKIP_VFORK;
	return OVC_OOM_ELIGIBLE;
}

static void inputs(const struct ovc_machine *m, const struct ovc_task *t,
		   const struct ovc_mm *mm, const struct legacy_sums *s, struct ovc_badness *b)
{
	b->rss = mm_rss(mm);
	b->swapents = mm->swapents;
	b->pgtables = ovc_mm_pgtables_bytes(m, mm) >> m->page_shift;
	b->total_vm = mm->total_vm;
	b->root = t->admin;
	b->origin = t->oom_origin;
	b->adj = b->rule == OVC_BADNESS_LEGACY ? t->oom_adj : t->oom_score_adj;
	b->base = (int64_t)(b->rss + b->swapents + b->pgtables);
	if (b->rule == OVC_BADNESS_LEGACY)
		legacy_inputs(m, &m->tasks[t->leader], mm, s, b);
}

int64_t ovc_oom_badness_formula(struct ovc_badness *b)
{
	b->base = (int64_t)(b->rss + b->swapents + b->pgtables);
	b->permille = b->root_bonus = b->adj_term = 0;
	b->cpu_div = b->run_div = 0;
	b->clamped = 0;
	switch (b->rule) {
	case OVC_BADNESS_LEGACY:
		return b->points = badness_v2_6_32(b);
	case OVC_BADNESS_PERMILLE:
		return b->points = oom_badness_v2_6_36(b);
	default:
		return b->points = oom_badness_v3_5(b);
	}
}

int64_t ovc_oom_badness(const struct ovc_machine *m, int tid, int memcg,
			uint64_t totalpages, struct ovc_badness *b)
{
	return oom_badness_sums(m, tid, memcg, totalpages, NULL, b);
}

int64_t oom_badness_sums(const struct ovc_machine *m, int tid, int memcg, uint64_t totalpages,
			 const struct legacy_sums *s, struct ovc_badness *b)
{
	int mmt;

	*b = (struct ovc_badness){ .rule = m->profile.oom->badness, .totalpages = totalpages };
	b->points = badness_none(m);
	if (tid < 0 || (size_t)tid >= m->ntasks || m->tasks[tid].state == OVC_TASK_FREE) {
		b->skip = OVC_OOM_SKIP_NO_MM;
		return b->points;
	}
	mmt = find_task_mm(m, tid);
	if (mmt >= 0)
		inputs(m, &m->tasks[tid], m->tasks[mmt].mm, s, b);
	b->skip = skip_reason(m, tid, mmt, memcg);
	if (b->skip != OVC_OOM_ELIGIBLE)
		return b->points;
	return ovc_oom_badness_formula(b);
}

/* ------------------------------------------------------------------
 * /proc/PID/oom_score (fs/proc/base.c proc_oom_score, spec §7.1)
 */

/* 2.6.32: badness(task->group_leader, uptime), with no eligibility test. */
static uint64_t oom_score_v2_6_32(const struct ovc_machine *m, int tid,
				  const struct legacy_sums *s)
{
	int leader = m->tasks[tid].leader, mmt = find_task_mm(m, leader);
	struct ovc_badness b = { .rule = OVC_BADNESS_LEGACY };

	if (mmt < 0)
		return 0;
	inputs(m, &m->tasks[leader], m->tasks[mmt].mm, s, &b);
	return (uint64_t)ovc_oom_badness_formula(&b);
}

uint64_t ovc_oom_score(const struct ovc_machine *m, int tid)
{
	return oom_score_sums(m, tid, NULL);
}

uint64_t oom_score_sums(const struct ovc_machine *m, int tid, const struct legacy_sums *s)
{
	uint64_t tp = m->ram + m->phys.swap_total;
	struct ovc_badness b;
	int64_t p;

	if (tid < 0 || (size_t)tid >= m->ntasks || m->tasks[tid].state != OVC_TASK_RUNNING)
		return 0;
	if (m->profile.score->rule == OVC_SCORE_RAW)
		return oom_score_v2_6_32(m, tid, s);
	p = oom_badness_sums(m, tid, -1, tp, s, &b);
	switch (m->profile.score->rule) {
	case OVC_SCORE_PERMILLE:	/* already 0..1000 */
		return (uint64_t)p;
	case OVC_SCORE_SCALED:		/* 3.5: points * 1000 / totalpages */
		return b.skip ? 0 : (uint64_t)p * 1000 / tp;
	default:			/* 5.9: shifted into 0..2000 */
		if (b.skip)
			return 0;
		return (uint64_t)((1000 + p * 1000 / (int64_t)tp) * 2 / 3);
	}
}
