/* task.c - processes: creation, the task table, exit, limits.
 *
 * A task is a process as the OOM killer and the commit rules see it: pid,
 * credentials, oom_score_adj, the CPU its counter updates land on, its
 * rlimits, and an mm it may share (vfork, CLONE_VM). Tasks are never
 * removed from the table, so indices stay valid; an exited task keeps its
 * slot with no mm. Mirrors copy_process() and do_exit() as far as memory
 * goes (kernel/fork.c, kernel/exit.c). Threads (CLONE_THREAD) share their
 * leader's thread group, mm and OOM settings; an OOM kill (SIGKILL to the
 * group) makes every thread exit.
 */
#include <stdlib.h>
#include <string.h>

#include "oom_internal.h"

struct ovc_task *ovc_task_get(struct ovc_machine *m, int tid)
{
	if (tid < 0 || (size_t)tid >= m->ntasks)
		return NULL;
	if (m->tasks[tid].state != OVC_TASK_RUNNING)
		return NULL;
	return &m->tasks[tid];
}

static int task_slot(struct ovc_machine *m, int *tid, struct ovc_err *e)
{
	if (m->ntasks == m->tasks_cap) {
		size_t cap = m->tasks_cap ? m->tasks_cap * 2 : 64;
		struct ovc_task *t = realloc(m->tasks, cap * sizeof(*t));

		if (!t)
			return ovc_err_set(e, OVC_E_NOMEM, "out of memory for tasks");
		m->tasks = t;
		m->tasks_cap = cap;
	}
	*tid = (int)m->ntasks++;
	memset(&m->tasks[*tid], 0, sizeof(m->tasks[*tid]));
	return 0;
}

/* TASK_COMM_LEN: the kernel keeps 15 characters of the name. */
static void set_comm(struct ovc_task *t, const char *name)
{
	size_t n = strlen(name);

	if (n > sizeof(t->comm) - 1)
		n = sizeof(t->comm) - 1;
	memcpy(t->comm, name, n);
	t->comm[n] = 0;
}

static int pid_for(struct ovc_machine *m, int want)
{
	if (want > 0) {
		if (want >= m->next_pid)
			m->next_pid = want + 1;
		return want;
	}
	return m->next_pid++;
}

int ovc_task_create(struct ovc_machine *m, const struct ovc_task_spec *s,
		    int *tid, struct ovc_err *e)
{
	struct ovc_task *t;
	int rc;

	if (s->memcg < 0 || (size_t)s->memcg >= (m->nmemcgs ? m->nmemcgs : 1))
		return ovc_err_set(e, OVC_E_RANGE, "no memory cgroup %d", s->memcg);
	rc = task_slot(m, tid, e);
	if (rc)
		return rc;
	t = &m->tasks[*tid];
	t->pid = pid_for(m, s->pid);
	t->parent = s->parent;
	t->uid = s->uid;
	t->admin = s->admin < 0 ? s->uid == 0 : s->admin != 0;
	t->cap_resource = t->cap_rawio = t->cap_ipc_lock = t->admin;
	t->oom_score_adj = s->oom_score_adj;
	t->oom_adj = adj_from_score_adj(s->oom_score_adj);
	/* adj is written by a privileged launcher (as ovc exec writes it, or
	 * systemd's OOMScoreAdjust=), which sets oom_score_adj_min too:
	 * the task cannot go below it on its own (fs/proc/base.c __set_oom_adj) */
	t->oom_score_adj_min = s->oom_score_adj;
	t->leader = *tid;
	t->memcg = s->memcg;
	t->start_s = m->uptime_s;
	t->cpu_time_ms = s->cpu_time_ms;
	t->nice = s->nice;
	t->cpu = m->ncpus ? s->cpu % m->ncpus : 0;
	t->kthread = s->kthread != 0;
	t->state = OVC_TASK_RUNNING;
	t->live_threads = 1;
	t->rlim.as = t->rlim.data = t->rlim.stack = OVC_UNLIMITED;
	t->rlim.memlock = 8ull << 20;	/* the usual 8 MiB default */
	set_comm(t, s->comm ? s->comm : "task");
	if (!t->kthread)
		t->mm = mm_new(m);
	return 0;
}

/* copy_process(): a child with the parent's credentials and limits. */
int task_clone(struct ovc_machine *m, int parent, int *tid, struct ovc_err *e)
{
	int rc = task_slot(m, tid, e);
	struct ovc_task *t;

	if (rc)
		return rc;
	t = &m->tasks[*tid];
	*t = m->tasks[parent];
	t->pid = pid_for(m, 0);
	t->parent = parent;
	t->leader = *tid;
	t->mm = NULL;
	t->in_vfork = 0;
	t->oom_killed = 0;
	t->oom_origin = 0;
	t->cpu_time_ms = 0;
	t->start_s = m->uptime_s;
	t->live_threads = 1;
	return 0;
}

/* copy_process() with CLONE_VM | CLONE_THREAD: the thread joins the
 * caller's group and its parent is the caller's parent (real_parent), so
 * it is nobody's child. */
int ovc_clone_thread(struct ovc_machine *m, int tid, struct ovc_result *r)
{
	struct ovc_task *t = ovc_task_get(m, tid), *c;

	r->child = -1;
	if (!t || !t->mm)
		return -OVC_E_STATE;
	if (task_clone(m, tid, &r->child, NULL))
		return -OVC_E_NOMEM;
	t = &m->tasks[tid];
	c = &m->tasks[r->child];
	c->leader = t->leader;
	c->live_threads = 0;
	m->tasks[t->leader].live_threads++;
	c->parent = t->parent;
	c->mm = t->mm;
	c->mm->users++;
	return 0;
}

/* exit_mm(): drop the task's reference; the last user uncharges. */
int ovc_exit(struct ovc_machine *m, int tid, struct ovc_result *r)
{
	struct ovc_task *t = ovc_task_get(m, tid);
	int64_t before;

	if (!t)
		return -OVC_E_STATE;
	before = ovc_pcpu_sum(&m->committed);
	if (t->mm)
		mm_put(m, t->mm, t->cpu);
	t->mm = NULL;
	t->in_vfork = 0;
	t->state = OVC_TASK_EXITED;
	m->tasks[t->leader].live_threads--;
	r->delta = ovc_pcpu_sum(&m->committed) - before;
	return 0;
}

/* SIGKILL from the OOM killer to tid's thread group: every thread exits
 * now, except the faulting task, which exits when its operation returns. */
uint64_t task_oom_kill(struct ovc_machine *m, int tid)
{
	int leader = m->tasks[tid].leader;
	uint64_t before = m->phys.free;

	for (size_t i = 0; i < m->ntasks; i++) {
		struct ovc_task *t = &m->tasks[i];
		struct ovc_result gone = { 0 };

		if (t->leader != leader || t->state != OVC_TASK_RUNNING)
			continue;
		t->oom_killed = 1;
		if ((int)i != m->current)
			ovc_exit(m, (int)i, &gone);
	}
	return m->phys.free - before;
}

void task_reap_current(struct ovc_machine *m, int tid, struct ovc_result *r)
{
	struct ovc_task *t = &m->tasks[tid];
	struct ovc_result gone = { 0 };

	if (t->state != OVC_TASK_RUNNING || !t->oom_killed)
		return;
	ovc_exit(m, tid, &gone);
	r->delta += gone.delta;
	r->killed = 1;
}

/* mm->def_flags is per mm: every task on it (threads, a vfork child)
 * maps LOCKED from now on, or stops doing so. */
static void set_mlock_future(struct ovc_machine *m, const struct ovc_mm *mm, int on)
{
	for (size_t i = 0; i < m->ntasks; i++)
		if (m->tasks[i].state == OVC_TASK_RUNNING && m->tasks[i].mm == mm)
			m->tasks[i].mlock_future = on != 0;
}

/* apply_mlockall_flags() with MCL_CURRENT: mlock_fixup() on every VMA.
 * hugetlb VMAs are left unlocked and uncounted (as VM_SPECIAL ones,
 * which the model has not). A VMA that becomes LOCKED may merge with a
 * neighbour that already was. */
static void lock_vmas(struct ovc_machine *m, struct ovc_mm *mm)
{
	for (struct ovc_vma *v = vma_of(ovc_itree_first(&mm->vmas)); v;
	     v = vma_next(mm, v)) {
		if (v->flags & (OVC_VM_HUGETLB | OVC_VM_LOCKED))
			continue;
		vma_set_flags(mm, v, v->flags | OVC_VM_LOCKED);
		v = vma_merge_around(m, mm, v);
	}
}

/*
 * sys_mlockall() (mm/mlock.c; the same tests from 2.6.32 to 6.12):
 * can_do_mlock() first (EPERM, for MCL_FUTURE too); then MCL_CURRENT is
 * refused with ENOMEM when total_vm, every mapped page, exceeds
 * RLIMIT_MEMLOCK and the task lacks CAP_IPC_LOCK (the pages already
 * locked are not subtracted). Otherwise MCL_FUTURE is set, or cleared
 * when not asked for (even by MCL_CURRENT alone), and MCL_CURRENT locks
 * every VMA (locked_vm becomes total_vm less hugetlb) and faults it in
 * (mm_populate(0, TASK_SIZE)). A refusal changes nothing.
 */
int ovc_mlockall(struct ovc_machine *m, int tid, unsigned flags, struct ovc_result *r)
{
	struct ovc_task *t = ovc_task_get(m, tid);
	uint64_t lim;

	if (!t || !t->mm)
		return -OVC_E_STATE;
	if (!flags || flags & ~(unsigned)(OVC_MCL_CURRENT | OVC_MCL_FUTURE))
		return refuse(r, EINVAL, OVC_CAUSE_INVAL);
	lim = t->rlim.memlock == OVC_UNLIMITED ? UINT64_MAX :
	      t->rlim.memlock >> m->page_shift;
	r->limit = lim;
	r->value = t->mm->total_vm;
	if (!can_do_mlock(t))
		return refuse(r, EPERM, OVC_CAUSE_MLOCK);
	if (flags & OVC_MCL_CURRENT && t->mm->total_vm > lim && !t->cap_ipc_lock)
		return refuse(r, ENOMEM, OVC_CAUSE_MLOCK);
	r->limit = r->value = 0;
	set_mlock_future(m, t->mm, flags & OVC_MCL_FUTURE);
	if (flags & OVC_MCL_CURRENT) {
		lock_vmas(m, t->mm);
		mm_populate(m, tid, 0, OVC_TASK_TOP, r);
	}
	return 0;
}

int ovc_setrlimit(struct ovc_machine *m, int tid, char which, uint64_t bytes)
{
	struct ovc_task *t = ovc_task_get(m, tid);

	if (!t)
		return -OVC_E_STATE;
	switch (which) {
	case 'A': t->rlim.as = bytes; break;
	case 'D': t->rlim.data = bytes; break;
	case 'L': t->rlim.memlock = bytes; break;
	case 'S': t->rlim.stack = bytes; break;
	default: return -OVC_E_RANGE;
	}
	return 0;
}
