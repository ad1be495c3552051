/* oom_event.c - the log of OOM killer invocations, kept in the machine.
 *
 * Each invocation is one struct ovc_oom_event holding what the kernel's
 * report prints (dump_header, dump_tasks, the kill lines). The log keeps at
 * most m->oom_log.max events (256 when 0); beyond that the oldest is
 * dropped and counted, as a printk ratelimit would drop reports. The front
 * ends read the log after a step and clear it. No I/O. Units: pages, kB
 * where the name says so.
 */
#include <stdlib.h>
#include <string.h>

#include "oom_internal.h"

#define OOM_LOG_MAX_DEFAULT 256

static void event_free(struct ovc_oom_event *ev)
{
	free(ev->rows);
	free(ev->kills);
}

static void drop_oldest(struct ovc_oom_log *log)
{
	event_free(&log->ev[0]);
	memmove(log->ev, log->ev + 1, (log->n - 1) * sizeof(*log->ev));
	log->n--;
	log->dropped++;
}

struct ovc_oom_event *oom_event_new(struct ovc_machine *m)
{
	struct ovc_oom_log *log = &m->oom_log;
	size_t max = log->max ? log->max : OOM_LOG_MAX_DEFAULT;
	struct ovc_oom_event *ev;

	while (log->n && log->n >= max)
		drop_oldest(log);
	if (log->n == log->cap) {
		size_t cap = log->cap ? log->cap * 2 : 8;
		struct ovc_oom_event *v = realloc(log->ev, cap * sizeof(*v));

		if (!v)
			OVC_BUG("out of memory for an OOM event");
		log->ev = v;
		log->cap = cap;
	}
	ev = &log->ev[log->n++];
	memset(ev, 0, sizeof(*ev));
	ev->seq = ++log->seq;
	ev->uptime_s = m->uptime_s;
	ev->chosen_tid = ev->memcg = ev->oom_group = ev->mm_pinned_by = -1;
	ev->outcome = OVC_OOM_NO_VICTIM;	/* until a path decides otherwise */
	return ev;
}

/* dump_tasks(): 2.6.32 lists every process with an mm (init and oom_adj -17
 * included); later eras skip oom_unkillable_task() (init, kernel threads,
 * other cgroups). Rows are processes in creation order. */
static int listed(const struct ovc_machine *m, int tid, const struct oom_ctl *oc)
{
	const struct ovc_task *t = &m->tasks[tid];

	if (!process_task(m, tid) || find_task_mm(m, tid) < 0)
		return 0;
	if (oc->memcg >= 0 && !ovc_memcg_within(m, t->memcg, oc->memcg))
		return 0;
	if (m->profile.oom->badness == OVC_BADNESS_LEGACY)
		return 1;
	return t->pid != 1 && !t->kthread;
}

void oom_event_rows(struct ovc_machine *m, struct ovc_oom_event *ev, const struct oom_ctl *oc)
{
	size_t n = 0;

	for (size_t i = 0; i < m->ntasks; i++)
		n += listed(m, (int)i, oc);
	ev->rows = n ? calloc(n, sizeof(*ev->rows)) : NULL;
	if (n && !ev->rows)
		OVC_BUG("out of memory for an OOM report");
	struct legacy_sums s;
	const struct legacy_sums *use = n ? legacy_sums_for(m, &s) : NULL;

	for (size_t i = 0; i < m->ntasks; i++)
		if (listed(m, (int)i, oc))
			oom_candidate(m, (int)i, oc->memcg, oc->totalpages, use, &ev->rows[ev->nrows++]);
	if (use)
		legacy_sums_free(&s);
}

struct ovc_oom_kill *oom_event_kill(struct ovc_oom_event *ev)
{
	struct ovc_oom_kill *v = realloc(ev->kills, (ev->nkills + 1) * sizeof(*v));

	if (!v)
		OVC_BUG("out of memory for an OOM kill record");
	ev->kills = v;
	memset(&v[ev->nkills], 0, sizeof(*v));
	return &v[ev->nkills++];
}

const struct ovc_oom_event *ovc_oom_events(const struct ovc_machine *m, size_t *n)
{
	if (n)
		*n = m->oom_log.n;
	return m->oom_log.ev;
}

void ovc_oom_events_clear(struct ovc_machine *m)
{
	for (size_t i = 0; i < m->oom_log.n; i++)
		event_free(&m->oom_log.ev[i]);
	m->oom_log.n = 0;
}

void oom_log_free(struct ovc_machine *m)
{
	ovc_oom_events_clear(m);
	free(m->oom_log.ev);
	m->oom_log.ev = NULL;
	m->oom_log.cap = 0;
}
