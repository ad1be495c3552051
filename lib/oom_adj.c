/* oom_adj.c - /proc/PID/oom_adj and oom_score_adj: writes, reads, conversions.
 *
 * Mirrors fs/proc/base.c (oom_adjust_write, oom_score_adj_write, and from
 * 3.7 __set_oom_adj, oom_adj_read), spec §7.2-§7.3:
 *   2.6.32  only oom_adj, [-17, 15]; lowering it needs CAP_SYS_RESOURCE.
 *   2.6.36  both stored; writing one converts into the other:
 *           adj a -> score_adj a == 15 ? 1000 : a * 1000 / 17,
 *           score_adj s -> adj s == -1000 ? -17 : s * 15 / 1000.
 *   3.7     only oom_score_adj; oom_adj reads s == 1000 ? 15 : s * 17 / 1000
 *           (capped at 15 from ~5.11); lowering through oom_adj needs the
 *           capability below the current value, through oom_score_adj
 *           below oom_score_adj_min, which a privileged write also sets.
 *   4.8     a write reaches every process on the same mm (not init, kernel
 *           threads or vfork children).
 * The values live in the signal struct: every thread of a process shares
 * them. 2.6.36's "lower than current" rule for oom_score_adj is modelled
 * with oom_score_adj_min as in later releases.
 */
#include <errno.h>

#include "oom_internal.h"

int8_t adj_from_score_adj(int s)
{
	if (s == OVC_OOM_SCORE_ADJ_MIN)
		return OVC_OOM_DISABLE;
	return (int8_t)(s * OVC_OOM_ADJUST_MAX / OVC_OOM_SCORE_ADJ_MAX);
}

static int score_adj_from_adj(int a)
{
	if (a == OVC_OOM_ADJUST_MAX)
		return OVC_OOM_SCORE_ADJ_MAX;
	return a * OVC_OOM_SCORE_ADJ_MAX / -OVC_OOM_DISABLE;
}

/* Store into every thread of tid's process. */
static void set_group(struct ovc_machine *m, int tid, int score_adj, int adj, int min)
{
	int leader = m->tasks[tid].leader;

	for (size_t i = 0; i < m->ntasks; i++) {
		struct ovc_task *t = &m->tasks[i];

		if (t->leader != leader)
			continue;
		t->oom_score_adj = (int16_t)score_adj;
		t->oom_adj = (int8_t)adj;
		if (min != INT16_MIN)
			t->oom_score_adj_min = (int16_t)min;
	}
}

/* 4.8+ __set_oom_adj(): the other processes on the mm get the same value. */
static void set_mm_wide(struct ovc_machine *m, int tid, int score_adj, int adj, int min)
{
	const struct ovc_task *w = &m->tasks[tid];

	set_group(m, tid, score_adj, adj, min);
	if (!m->profile.oom->adj_mm_wide || !w->mm)
		return;
	for (size_t i = 0; i < m->ntasks; i++) {
		const struct ovc_task *p = &m->tasks[i];

		if (p->state != OVC_TASK_RUNNING || p->mm != w->mm || p->leader == w->leader ||
		    p->pid == 1 || p->kthread || p->in_vfork)
			continue;
		set_group(m, (int)i, score_adj, adj, min);
	}
}

int ovc_oom_adj_write(struct ovc_machine *m, int tid, int value, int privileged)
{
	const struct ovc_task *t = ovc_task_get(m, tid);
	enum ovc_adj_rule rule = m->profile.score->adj;
	int s;

	if (!t)
		return -OVC_E_STATE;
	if (value < OVC_OOM_DISABLE || value > OVC_OOM_ADJUST_MAX)
		return EINVAL;
	s = score_adj_from_adj(value);
	if (rule == OVC_ADJ_DERIVED) {
		if (s < t->oom_score_adj && !privileged)
			return EACCES;
		set_mm_wide(m, tid, s, adj_from_score_adj(s), INT16_MIN);
		return 0;
	}
	if (value < t->oom_adj && !privileged)
		return EACCES;
	set_group(m, tid, s, value, INT16_MIN);
	return 0;
}

int ovc_oom_score_adj_write(struct ovc_machine *m, int tid, int value, int privileged)
{
	const struct ovc_task *t = ovc_task_get(m, tid);

	if (!t)
		return -OVC_E_STATE;
	if (m->profile.score->adj == OVC_ADJ_LEGACY)
		return ENOENT;
	if (value < OVC_OOM_SCORE_ADJ_MIN || value > OVC_OOM_SCORE_ADJ_MAX)
		return EINVAL;
	if (value < t->oom_score_adj_min && !privileged)
		return EACCES;
	set_mm_wide(m, tid, value, adj_from_score_adj(value), privileged ? value : INT16_MIN);
	return 0;
}

int ovc_oom_adj_read(const struct ovc_machine *m, int tid)
{
	const struct ovc_score_era *era = m->profile.score;
	const struct ovc_task *t;
	int s, a;

	if (tid < 0 || (size_t)tid >= m->ntasks)
		return 0;
	t = &m->tasks[tid];
	if (era->adj != OVC_ADJ_DERIVED)
		return t->oom_adj;
	s = t->oom_score_adj;
	a = s == OVC_OOM_SCORE_ADJ_MAX ? OVC_OOM_ADJUST_MAX : s * -OVC_OOM_DISABLE / OVC_OOM_SCORE_ADJ_MAX;
	if (era->adj_read_cap && a > OVC_OOM_ADJUST_MAX)
		a = OVC_OOM_ADJUST_MAX;
	return a;
}

/* In the 2.6.32 era the file does not exist: the stored value is returned. */
int ovc_oom_score_adj_read(const struct ovc_machine *m, int tid)
{
	if (tid < 0 || (size_t)tid >= m->ntasks)
		return 0;
	return m->tasks[tid].oom_score_adj;
}
