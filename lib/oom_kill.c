/* oom_kill.c - out_of_memory(): panic rules, the allocating task, the kill.
 *
 * Mirrors mm/oom_kill.c out_of_memory(), check_panic_on_oom(),
 * oom_kill_process() and __oom_kill_process() (2.6.32 zybsyzlz; RHEL6
 * functor; 3.10.9 AndreiLux; 4.19 0x88888888), spec §6.2-§6.10:
 *  - constraint: CONSTRAINT_MEMCG with totalpages = mem_cgroup_get_max()
 *    for a cgroup's OOM, else CONSTRAINT_NONE with RAM + swap (no NUMA);
 *  - panic_on_oom: 2.6.32 panics on 2 before anything and on 1 for a
 *    system-wide OOM, never for a memcg; later eras panic on 1 for
 *    CONSTRAINT_NONE only and on 2 always, memcg included;
 *  - oom_kill_allocating_task (global OOMs only) kills the faulting task
 *    (2.6.32 falls back to the scan when it cannot);
 *  - no candidate: a global OOM panics; a memcg OOM kills the faulting
 *    task in 2.6.32 and gives up afterwards;
 *  - the kill: a child may be sacrificed (<= 5.0); the victim's thread
 *    group gets SIGKILL; other processes on its mm are killed (not in
 *    2.6.32 and 2.6.36; all of them in 2.6.37-3.1 and RHEL6; 3.2-4.7
 *    spare OOM_SCORE_ADJ_MIN ones; 4.8+ spare only init and kernel
 *    threads); 4.19+ kills the victim's whole cgroup when
 *    memory.oom.group is set on it or an ancestor inside the OOM domain.
 * A killed task exits at once (its mm goes with its last user, giving back
 * its Committed_AS charge): the reaper and exit are not separate steps.
 * Units: pages, kB in the kill records.
 */
#include <string.h>

#include "oom_internal.h"

static void constrained_alloc(const struct ovc_machine *m, struct oom_ctl *oc)
{
	if (oc->memcg >= 0) {
		oc->constraint = OVC_CONSTRAINT_MEMCG;
		oc->totalpages = ovc_memcg_totalpages(m, oc->memcg);
	} else {
		oc->constraint = OVC_CONSTRAINT_NONE;
		oc->totalpages = m->ram + m->phys.swap_total;
	}
}

static int legacy(const struct ovc_machine *m)
{
	return m->profile.oom->badness == OVC_BADNESS_LEGACY;
}

/* ------------------------------------------------------------------
 * The report's header: dump_header() without the task table
 */

static void memcg_info(const struct ovc_machine *m, int cg, struct ovc_oom_memcg_info *i)
{
	const struct ovc_memcg *c = ovc_memcg_get(m, cg);

	memcpy(i->path, c->path, sizeof(i->path));
	i->usage_kb = ovc_pages_to_kb(m, c->usage);
	i->limit_kb = c->max == OVC_UNLIMITED ? OVC_UNLIMITED : ovc_pages_to_kb(m, c->max);
	i->failcnt = c->failcnt;
	i->swap_usage_kb = ovc_pages_to_kb(m, c->swap_usage);
	i->swap_limit_kb = c->swap_max == OVC_UNLIMITED ? OVC_UNLIMITED :
			   ovc_pages_to_kb(m, c->swap_max);
}

static void event_header(const struct ovc_machine *m, struct ovc_oom_event *ev,
			 const struct oom_ctl *oc, uint64_t need, int pagefault)
{
	if (oc->current >= 0) {
		const struct ovc_task *t = &m->tasks[oc->current];

		ev->trigger_tid = oc->current;
		ev->trigger_pid = t->pid;
		memcpy(ev->trigger_comm, t->comm, sizeof(ev->trigger_comm));
		ev->trigger_oom_score_adj = t->oom_score_adj;
		ev->trigger_oom_adj = (int8_t)ovc_oom_adj_read(m, oc->current);
		ev->trigger_memcg = t->memcg;
	} else {
		ev->trigger_tid = -1;
	}
	ev->gfp = pagefault ? OVC_GFP_NONE : OVC_GFP_HIGHUSER_MOVABLE;
	ev->need = need;
	ev->pagefault = (uint8_t)pagefault;
	ev->constraint = oc->constraint;
	ev->totalpages = oc->totalpages;
	ev->memcg = oc->memcg;
	if (oc->memcg >= 0)
		memcg_info(m, oc->memcg, &ev->memcg_info);
	ovc_view_meminfo(m, &ev->meminfo);
	ev->dump_tasks = m->vm.oom_dump_tasks != 0;
}

/* check_panic_on_oom(), and 2.6.32's panics in out_of_memory() and
 * pagefault_out_of_memory(). */
static enum ovc_oom_panic_reason panic_check(const struct ovc_machine *m,
					     const struct oom_ctl *oc, int pagefault)
{
	int pm = m->vm.panic_on_oom;

	if (!pm)
		return OVC_OOM_PANIC_NONE;
	if (oc->constraint == OVC_CONSTRAINT_MEMCG && (!m->profile.oom->memcg_panic || pm != 2))
		return OVC_OOM_PANIC_NONE;
	if (pagefault && legacy(m))
		return OVC_OOM_PANIC_PAGEFAULT;
	return pm == 2 ? OVC_OOM_PANIC_COMPULSORY : OVC_OOM_PANIC_SYSTEM_WIDE;
}

static uint32_t do_panic(struct ovc_machine *m, struct ovc_oom_event *ev,
			 enum ovc_oom_panic_reason why, struct ovc_result *r)
{
	ev->outcome = OVC_OOM_PANIC;
	ev->panic = why;
	m->panicked = 1;
	if (r)
		r->panic = 1;
	return 0;
}

/* ------------------------------------------------------------------
 * Killing
 */

/* The "Killed process" line, read before the signal. Returns its index. */
static size_t record_kill(struct ovc_machine *m, struct ovc_oom_event *ev, int t,
			  enum ovc_oom_kill_reason why)
{
	const struct ovc_task *p = &m->tasks[t];
	const struct ovc_mm *mm = p->mm;
	struct ovc_oom_kill *k = oom_event_kill(ev);

	k->reason = why;
	k->tid = t;
	k->pid = p->pid;
	k->uid = p->uid;
	memcpy(k->comm, p->comm, sizeof(k->comm));
	k->memcg = p->memcg;
	k->total_vm_kb = ovc_pages_to_kb(m, mm->total_vm);
	k->anon_rss_kb = ovc_pages_to_kb(m, mm->rss_anon);
	k->file_rss_kb = ovc_pages_to_kb(m, mm->rss_file);
	k->shmem_rss_kb = ovc_pages_to_kb(m, mm->rss_shmem);
	k->swap_kb = ovc_pages_to_kb(m, mm->swapents);
	k->pgtables_kb = ovc_mm_pgtables_bytes(m, mm) >> 10;
	k->oom_score_adj = p->oom_score_adj;
	return ev->nkills - 1;
}

static uint32_t kill_recorded(struct ovc_machine *m, struct ovc_oom_event *ev, size_t k,
			      struct ovc_result *r)
{
	uint64_t freed = task_oom_kill(m, ev->kills[k].tid);

	ev->kills[k].freed = freed;
	ev->freed += freed;
	if (r)
		r->oom_kills++;
	return 1;
}

/* Should sharer p of the victim's mm be killed in this era? 2.6.32 and
 * 2.6.36 oom_kill_task() kill the victim alone; 2.6.37-3.1 (and RHEL6)
 * kill every other process on the mm, which cannot hold a -1000 one since
 * oom_disable_count kept such an mm from being chosen (init, which the
 * forced SIGKILL would take down too, is left out: the model has no such
 * panic); 3.2-4.7 spare -1000 ones; 4.8+ spare only init. */
static int kill_sharer(const struct ovc_machine *m, const struct ovc_task *p)
{
	switch (m->profile.oom->kill_sharers) {
	case 1:
		return !p->kthread && p->oom_score_adj != OVC_OOM_SCORE_ADJ_MIN;
	case 2:		/* init pins the mm instead (kill_sharers() notes it) */
	case 3:
		return !p->kthread && p->pid != 1;
	default:
		return 0;
	}
}

static uint32_t kill_sharers(struct ovc_machine *m, struct ovc_oom_event *ev, int victim,
			     const struct ovc_mm *mm, struct ovc_result *r)
{
	uint32_t n = 0;

	for (size_t i = 0; i < m->ntasks; i++) {
		int t = process_task(m, (int)i) ? find_task_mm(m, (int)i) : -1;

		if (t < 0 || m->tasks[t].mm != mm || m->tasks[i].leader == m->tasks[victim].leader)
			continue;
		if (kill_sharer(m, &m->tasks[i]))
			n += kill_recorded(m, ev, record_kill(m, ev, t, OVC_OOM_KILL_SHARER), r);
		else if (m->profile.oom->kill_sharers == 2 && m->tasks[i].pid == 1)
			ev->mm_pinned_by = (int)i;
	}
	return n;
}

/* __oom_kill_process(): the victim's thread group, then the sharers. */
static uint32_t kill_process_tree(struct ovc_machine *m, struct ovc_oom_event *ev, int victim,
				  enum ovc_oom_kill_reason why, struct ovc_result *r)
{
	int t = find_task_mm(m, victim);
	size_t k;
	uint32_t n;
	int cg;

	if (t < 0)
		return 0;
	k = record_kill(m, ev, t, why);
	m->oom_kill_count++;	/* count_vm_event(OOM_KILL), memcg's MEMCG_OOM_KILL */
	cg = m->tasks[t].memcg;
	if (cg >= 0 && (size_t)cg < m->nmemcgs)
		m->memcgs[cg].oom_kills++;
	n = kill_sharers(m, ev, victim, m->tasks[t].mm, r);
	return n + kill_recorded(m, ev, k, r);
}

/* mem_cgroup_get_oom_group(): the highest cgroup with oom.group set from
 * the victim's up to the OOM domain (the root for a global OOM). */
static int oom_group_of(const struct ovc_machine *m, const struct oom_ctl *oc, int victim)
{
	int domain = oc->memcg >= 0 ? oc->memcg : OVC_MEMCG_ROOT, group = -1;
	int cg = m->tasks[victim].memcg;

	if (!m->profile.oom->oom_group || cg == OVC_MEMCG_ROOT || !ovc_memcg_within(m, cg, domain))
		return -1;
	for (; cg >= 0; cg = m->memcgs[cg].parent) {
		if (m->memcgs[cg].oom_group)
			group = cg;
		if (cg == domain)
			break;
	}
	return group;
}

/* oom_kill_memcg_member() over the group: all but -1000 and init. */
static uint32_t kill_group(struct ovc_machine *m, struct ovc_oom_event *ev, int group,
			   struct ovc_result *r)
{
	uint32_t n = 0;

	ev->oom_group = group;
	for (size_t i = 0; i < m->ntasks; i++) {
		const struct ovc_task *p = &m->tasks[i];

		if (!process_task(m, (int)i) || !ovc_memcg_within(m, p->memcg, group) ||
		    p->oom_score_adj == OVC_OOM_SCORE_ADJ_MIN || p->pid == 1)
			continue;
		n += kill_process_tree(m, ev, (int)i, OVC_OOM_KILL_GROUP, r);
	}
	return n;
}

/* The "score" of the kill line: per mille (<= 5.0), raw in 2.6.32. */
static int64_t printed_score(const struct ovc_machine *m, const struct oom_ctl *oc)
{
	enum ovc_badness_rule rule = m->profile.oom->badness;

	if (rule == OVC_BADNESS_LEGACY || rule == OVC_BADNESS_PERMILLE)
		return oc->chosen_points;
	if (oc->chosen_points > INT64_MAX / 1000)
		return INT64_MAX;
	return oc->chosen_points * 1000 / (int64_t)oc->totalpages;
}

/* oom_kill_process(): child sacrifice, the oom.group, the kill. */
static uint32_t oom_kill_process(struct ovc_machine *m, const struct oom_ctl *oc,
				 struct ovc_oom_event *ev, struct ovc_result *r)
{
	int p = oc->chosen, victim = p, child = sacrifice_child(m, oc, p), group;
	const struct ovc_task *t = &m->tasks[p];
	uint32_t n;

	ev->chosen_tid = p;
	ev->chosen_pid = t->pid;
	memcpy(ev->chosen_comm, t->comm, sizeof(ev->chosen_comm));
	ev->chosen_points = oc->chosen_points;
	ev->score = printed_score(m, oc);
	if (child >= 0) {
		victim = child;
		ev->sacrificed = 1;
	} else if (legacy(m) && t->oom_adj == OVC_OOM_DISABLE) {
		return 0;	/* 2.6.32 oom_kill_task() refuses */
	}
	ev->victim_memcg = m->tasks[victim].memcg;
	group = oom_group_of(m, oc, victim);
	n = kill_process_tree(m, ev, victim, child >= 0 ? OVC_OOM_KILL_CHILD : OVC_OOM_KILL_VICTIM, r);
	if (group >= 0)
		n += kill_group(m, ev, group, r);
	ev->outcome = n ? OVC_OOM_KILLED : OVC_OOM_NO_VICTIM;
	return n;
}

/* ------------------------------------------------------------------
 * out_of_memory()
 */

/* vm.oom_kill_allocating_task: 1 if it decided (killed, or tried in an era
 * that does not fall back), with *n the kills. */
static int allocating_task(struct ovc_machine *m, struct oom_ctl *oc,
			   struct ovc_oom_event *ev, struct ovc_result *r, uint32_t *n)
{
	struct ovc_badness b;

	if (oc->memcg >= 0 || !m->vm.oom_kill_allocating_task || oc->current < 0)
		return 0;
	ovc_oom_badness(m, oc->current, -1, oc->totalpages, &b);
	if (!legacy(m) && b.skip != OVC_OOM_ELIGIBLE && b.skip != OVC_OOM_SKIP_VFORK)
		return 0;
	oc->chosen = m->tasks[oc->current].leader;
	oc->chosen_points = 0;
	ev->message = OVC_OOM_MSG_ALLOCATING_TASK;
	*n = oom_kill_process(m, oc, ev, r);
	if (*n || !legacy(m))
		return 1;
	ev->chosen_tid = -1;	/* 2.6.32: current could not be killed; scan */
	ev->sacrificed = 0;
	return 0;
}

/* Nothing to kill: a global OOM panics; a memcg OOM kills current (2.6.32)
 * or gives up. */
static uint32_t no_victim(struct ovc_machine *m, struct oom_ctl *oc,
			  struct ovc_oom_event *ev, struct ovc_result *r)
{
	if (oc->memcg < 0)
		return do_panic(m, ev, OVC_OOM_PANIC_NO_KILLABLE, r);
	if (legacy(m) && oc->current >= 0) {
		oc->chosen = m->tasks[oc->current].leader;
		oc->chosen_points = 0;
		return oom_kill_process(m, oc, ev, r);
	}
	ev->outcome = OVC_OOM_NO_VICTIM;
	return 0;
}

uint32_t oom_invoke(struct ovc_machine *m, int memcg, uint64_t need, int pagefault,
		    struct ovc_result *r)
{
	struct oom_ctl oc = { .current = m->current, .memcg = memcg, .chosen = -1 };
	struct ovc_oom_event *ev = oom_event_new(m);
	enum ovc_oom_panic_reason why;
	uint32_t n = 0;

	constrained_alloc(m, &oc);
	event_header(m, ev, &oc, need, pagefault);
	oom_event_rows(m, ev, &oc);
	ev->message = memcg >= 0 ? OVC_OOM_MSG_MEMCG : OVC_OOM_MSG_OUT_OF_MEMORY;
	if (memcg >= 0)
		m->memcgs[memcg].oom_events++;
	if ((why = panic_check(m, &oc, pagefault)) != OVC_OOM_PANIC_NONE)
		return do_panic(m, ev, why, r);
	if (allocating_task(m, &oc, ev, r, &n))
		return n;
	ev->message = memcg >= 0 ? OVC_OOM_MSG_MEMCG : OVC_OOM_MSG_OUT_OF_MEMORY;
	select_bad_process(m, &oc);
	if (oc.chosen == OOM_ABORT) {
		ev->outcome = OVC_OOM_ABORTED;
		return 0;
	}
	if (oc.chosen < 0)
		return no_victim(m, &oc, ev, r);
	return oom_kill_process(m, &oc, ev, r);
}

enum ovc_oom_outcome ovc_out_of_memory(struct ovc_machine *m, int tid, int memcg)
{
	struct ovc_result r = { 0 };
	int saved = m->current;
	uint64_t seq = m->oom_log.seq;

	if (m->panicked)
		return OVC_OOM_PANIC;
	if (m->oom_killer_disabled || (memcg >= 0 && !ovc_memcg_get(m, memcg)))
		return OVC_OOM_NO_VICTIM;
	m->current = ovc_task_get(m, tid) ? tid : -1;
	oom_invoke(m, memcg, 0, 0, &r);
	if (m->current >= 0)
		task_reap_current(m, m->current, &r);
	m->current = saved;
	if (m->oom_log.seq == seq || !m->oom_log.n)
		return OVC_OOM_NO_VICTIM;
	return m->oom_log.ev[m->oom_log.n - 1].outcome;
}
