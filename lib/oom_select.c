/* oom_select.c - choosing the victim: the scan, its tie rules, and child sacrifice.
 *
 * select_bad_process() walks the processes in creation order (the model's
 * for_each_process; init first, new ones at the tail) and keeps the best
 * by the era's rule (oom_evaluate_task, spec §6.6):
 *   2.6.32      points > best, or nothing chosen yet: first maximum wins and
 *               a 0-point task is taken if it is the only one
 *   2.6.36-3.13 points > best (eligible tasks score >= 1): first wins
 *   3.14-5.2    skip 0 and lower; an equal score keeps a chosen
 *               thread-group leader (d49ad9355420): first process wins
 *   5.3-5.8     skip 0 and lower; an equal later task wins
 *   5.9+        skip LONG_MIN and lower, from LONG_MIN: negative scores win
 *               if nothing is higher; an equal later task wins
 * A process is evaluated through its leader, with the memory of whichever
 * of its threads still has the mm (find_lock_task_mm). 2.6.36 to ~4.x
 * kernels scan threads, not processes; with the leader evaluated first
 * the chosen process is the same. A task already killed and not yet gone
 * aborts the scan (TIF_MEMDIE / tsk_is_oom_victim): in the model that can
 * only be the faulting task itself. OOM-origin tasks (swapoff) are taken at
 * once with the maximum score. Units: pages.
 */
#include <string.h>

#include "oom_internal.h"

int process_task(const struct ovc_machine *m, int tid)
{
	const struct ovc_task *t = &m->tasks[tid];

	return t->leader == tid && t->state != OVC_TASK_FREE;
}

static int killed_pending(const struct ovc_machine *m, int leader)
{
	int c = m->current;

	/* task_oom_kill() exits every killed thread at once except current:
	 * only current can be killed and still running. */
	return c >= 0 && m->tasks[c].leader == leader && m->tasks[c].oom_killed &&
	       m->tasks[c].state == OVC_TASK_RUNNING;
}

/* Is pts a better choice than what oc holds, by the era's rule? */
static int better(const struct ovc_machine *m, const struct oom_ctl *oc, int64_t pts)
{
	const struct ovc_oom_era *era = m->profile.oom;

	if (era->badness == OVC_BADNESS_LEGACY)
		return oc->chosen < 0 || pts > oc->chosen_points;
	if (pts == badness_none(m) || pts < oc->chosen_points)
		return 0;
	if (pts > oc->chosen_points || oc->chosen < 0)
		return 1;
	if (era->ties_last)
		return 1;
	if (era->leader_ties)
		return m->tasks[oc->chosen].leader != oc->chosen;
	return 0;
}

/* oom_evaluate_task(): 1 to abort the scan. */
static int evaluate(const struct ovc_machine *m, struct oom_ctl *oc, int p)
{
	struct ovc_badness b;
	int64_t pts = oom_badness_sums(m, p, oc->memcg, oc->totalpages, oc->sums, &b);

	if (b.skip != OVC_OOM_ELIGIBLE && b.skip <= OVC_OOM_SKIP_NO_MM)
		return 0;	/* oom_unkillable_task, or no mm */
	if (killed_pending(m, p))
		return 1;
	if (b.origin && b.rule != OVC_BADNESS_LEGACY) {
		oc->chosen = p;
		oc->chosen_points = INT64_MAX;
		return 0;
	}
	if (b.skip == OVC_OOM_ELIGIBLE && better(m, oc, pts)) {
		oc->chosen = p;
		oc->chosen_points = pts;
	}
	return 0;
}

void select_bad_process(const struct ovc_machine *m, struct oom_ctl *oc)
{
	struct legacy_sums s;

	oc->chosen = -1;
	oc->chosen_points = badness_none(m);
	oc->sums = legacy_sums_for(m, &s);
	for (size_t i = 0; i < m->ntasks; i++) {
		if (!process_task(m, (int)i))
			continue;
		if (evaluate(m, oc, (int)i)) {
			oc->chosen = OOM_ABORT;
			break;
		}
	}
	oc->sums = NULL;
	legacy_sums_free(&s);
}

/* ------------------------------------------------------------------
 * Child sacrifice (oom_kill_process, 2.6.32 and 2.6.36-5.0)
 */

static const struct ovc_mm *group_mm(const struct ovc_machine *m, int tid)
{
	int t = find_task_mm(m, tid);

	return t >= 0 ? m->tasks[t].mm : NULL;
}

/* 2.6.32: the first child, in fork order, with its own mm and oom_adj
 * other than OOM_DISABLE (oom_kill_task would refuse the others). */
static int first_child(const struct ovc_machine *m, int p)
{
	const struct ovc_mm *mm = group_mm(m, p);

	for (size_t i = 0; i < m->ntasks; i++) {
		const struct ovc_task *c = &m->tasks[i];

		if (c->parent != p || c->leader != (int)i || c->state != OVC_TASK_RUNNING)
			continue;
		if (c->mm && c->mm != mm && c->oom_adj != OVC_OOM_DISABLE)
			return (int)i;
	}
	return -1;
}

/* 2.6.36-5.0 (5e9d834a0e0c): over the children of every thread of p that
 * do not share p's mm, the highest oom_badness() above 0; first wins. */
static int best_child(const struct ovc_machine *m, const struct oom_ctl *oc, int p)
{
	const struct ovc_mm *mm = group_mm(m, p);
	int64_t best = 0;
	int victim = -1;

	for (size_t i = 0; i < m->ntasks; i++) {
		const struct ovc_task *c = &m->tasks[i];
		struct ovc_badness b;
		int64_t pts;

		if (c->parent < 0 || m->tasks[c->parent].leader != m->tasks[p].leader ||
		    c->leader != (int)i || c->leader == m->tasks[p].leader)
			continue;
		if (group_mm(m, (int)i) == mm)
			continue;
		pts = ovc_oom_badness(m, (int)i, oc->memcg, oc->totalpages, &b);
		if (pts > best) {
			best = pts;
			victim = (int)i;
		}
	}
	return victim;
}

int sacrifice_child(const struct ovc_machine *m, const struct oom_ctl *oc, int victim)
{
	switch (m->profile.oom->child_sacrifice) {
	case 1:
		return first_child(m, victim);
	case 2:
		return best_child(m, oc, victim);
	default:
		return -1;
	}
}

/* ------------------------------------------------------------------
 * Report rows and the ranking
 */

void oom_candidate(const struct ovc_machine *m, int tid, int memcg, uint64_t totalpages,
		   const struct legacy_sums *s, struct ovc_oom_candidate *c)
{
	int mt = find_task_mm(m, tid);
	const struct ovc_task *t = &m->tasks[mt >= 0 ? mt : tid];
	const struct ovc_mm *mm = mt >= 0 ? m->tasks[mt].mm : NULL;

	*c = (struct ovc_oom_candidate){ .tid = mt >= 0 ? mt : tid, .pid = t->pid,
		.tgid = m->tasks[t->leader].pid, .uid = t->uid, .cpu = t->cpu,
		.memcg = t->memcg, .oom_score_adj = t->oom_score_adj,
		.oom_adj = (int8_t)ovc_oom_adj_read(m, tid) };
	memcpy(c->comm, t->comm, sizeof(c->comm));
	if (mm) {
		c->total_vm = mm->total_vm;
		c->rss_anon = mm->rss_anon;
		c->rss_file = mm->rss_file;
		c->rss_shmem = mm->rss_shmem;
		c->rss = mm_rss(mm);
		c->swapents = mm->swapents;
		c->pgtables_bytes = ovc_mm_pgtables_bytes(m, mm);
		c->nr_ptes = c->pgtables_bytes >> m->page_shift;
	}
	oom_badness_sums(m, tid, memcg, totalpages, s, &c->b);
	c->oom_score = oom_score_sums(m, tid, s);
}

/* A process with a live thread (a kernel thread has no mm but is listed). */
static int live_process(const struct ovc_machine *m, int tid)
{
	return process_task(m, tid) &&
	       (m->tasks[tid].state == OVC_TASK_RUNNING || find_task_mm(m, tid) >= 0);
}

size_t ovc_oom_rank(const struct ovc_machine *m, int memcg, struct ovc_oom_candidate *rows,
		    size_t cap, int *chosen)
{
	struct oom_ctl oc = { .current = -1, .memcg = memcg };
	struct legacy_sums s;
	const struct legacy_sums *use;
	size_t n = 0;

	oc.totalpages = memcg >= 0 ? ovc_memcg_totalpages(m, memcg) : m->ram + m->phys.swap_total;
	select_bad_process(m, &oc);
	if (chosen)
		*chosen = -1;
	use = cap ? legacy_sums_for(m, &s) : NULL;
	for (size_t i = 0; i < m->ntasks; i++) {
		if (!live_process(m, (int)i))
			continue;
		if (n < cap) {
			oom_candidate(m, (int)i, memcg, oc.totalpages, use, &rows[n]);
			if (chosen && oc.chosen == (int)i)
				*chosen = (int)n;
		}
		n++;
	}
	if (use)
		legacy_sums_free(&s);
	return n;
}
