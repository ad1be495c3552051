/* oom.h - the OOM killer: badness per era, victim selection, kills, events.
 *
 * Mirrors mm/oom_kill.c (badness / oom_badness, select_bad_process,
 * oom_evaluate_task, oom_kill_process, out_of_memory), the memcg OOM of
 * mm/memcontrol.c and fs/proc/base.c (oom_score, oom_adj, oom_score_adj).
 * The era rules come from the profile's oom and score rows.
 *
 * When it runs: a fault that needs pages when free memory is at the min
 * watermark and nothing more can be reclaimed (page cache, then swap)
 * calls the global OOM killer; a charge over a cgroup's limit that its own
 * reclaim cannot satisfy calls the memcg OOM killer (ovc/memcg.h). The
 * allocation is then retried, and the killer runs again while it still
 * kills something, at most OVC_OOM_MAX_KILLS times per allocation.
 *
 * Killing is exit: a victim's mm is released at once, as if the OOM reaper
 * and exit had both finished before the next allocation attempt (so no
 * victim is ever found "still dying" by a later scan), except that the
 * faulting task itself, when killed, exits when its operation returns
 * (ovc_result.killed). Every invocation appends a struct ovc_oom_event to
 * the machine's log, with what the kernel's report would print.
 *
 * State:   in struct ovc_machine. No I/O; events are data for render/.
 * Errors:  0 or -OVC_E_*; a refusal through /proc is a positive errno.
 * Units:   pages, unless a name ends in _kb or _bytes.
 */
#ifndef OVC_OOM_H
#define OVC_OOM_H

#include <stddef.h>
#include <stdint.h>

#include "ovc/machine.h"
#include "ovc/view.h"

#define OVC_OOM_SCORE_ADJ_MIN	(-1000)
#define OVC_OOM_SCORE_ADJ_MAX	1000
#define OVC_OOM_DISABLE		(-17)	/* legacy oom_adj */
#define OVC_OOM_ADJUST_MIN	(-16)
#define OVC_OOM_ADJUST_MAX	15

/* Kill rounds one allocation may run before it gives up (the model's cap;
 * the kernel retries an order-0 allocation as long as the killer makes
 * progress). Each round kills at least one task or ends the loop. */
#define OVC_OOM_MAX_KILLS	64

/* The allocation a fault makes: GFP_HIGHUSER_MOVABLE, order 0. The mask's
 * bits changed between releases; render/ prints the era's value. */
enum ovc_gfp {
	OVC_GFP_NONE = 0,		/* pagefault_out_of_memory(): gfp_mask 0 */
	OVC_GFP_HIGHUSER_MOVABLE = 1,
};

enum ovc_oom_constraint {	/* oom_constraint_text[] */
	OVC_CONSTRAINT_NONE,
	OVC_CONSTRAINT_CPUSET,		/* not produced: cpusets are not modelled */
	OVC_CONSTRAINT_MEMORY_POLICY,	/* not produced: mempolicies are not modelled */
	OVC_CONSTRAINT_MEMCG,
};

/* Why a task is not a candidate. */
enum ovc_oom_skip {
	OVC_OOM_ELIGIBLE = 0,
	OVC_OOM_SKIP_INIT,		/* is_global_init (pid 1) */
	OVC_OOM_SKIP_KTHREAD,		/* PF_KTHREAD */
	OVC_OOM_SKIP_NO_MM,		/* no thread of it has an mm */
	OVC_OOM_SKIP_MEMCG,		/* outside the OOMing cgroup */
	OVC_OOM_SKIP_ADJ_MIN,		/* oom_score_adj -1000 (oom_adj -17 before 2.6.36) */
	OVC_OOM_SKIP_MM_DISABLED,	/* RHEL6: a process on the same mm is -1000 */
	OVC_OOM_SKIP_VFORK,		/* in_vfork() (4.8+) */
	OVC_OOM_SKIP_THREAD,		/* a thread: its process is evaluated through the leader */
};

/* One badness evaluation with its parts, as the era computes it. */
struct ovc_badness {
	enum ovc_badness_rule rule;
	enum ovc_oom_skip skip;		/* OVC_OOM_ELIGIBLE or why points is the "no" value */
	int64_t points;			/* the era's return value: 0 (<= 5.8) or INT64_MIN (5.9+)
					 * for the ineligible; INT64_MAX for an OOM origin */
	uint64_t totalpages;
	/* inputs */
	uint64_t rss, swapents, pgtables;	/* pgtables: pages (nr_ptes; pgtables_bytes / PAGE_SIZE) */
	uint64_t total_vm;
	int adj;			/* oom_score_adj, or oom_adj for the legacy rule */
	uint8_t root;			/* CAP_SYS_ADMIN */
	uint8_t origin;			/* oom_task_origin(): chosen at once */
	/* 2.6.36+ (rss + swap + page tables, root bonus, adj) */
	int64_t base;			/* rss + swap + pgtables */
	int64_t permille;		/* 2.6.36: base * 1000 / totalpages */
	int64_t root_bonus;		/* subtracted for root: 30 (2.6.36), 30 * (tp/1000) (3.5),
					 * base * 3 / 100 (3.14) */
	int64_t adj_term;		/* adj (2.6.36) or adj * (totalpages / 1000) (3.5+) */
	uint8_t clamped;		/* the result was raised to 1 or cut to 1000 */
	/* 2.6.32 badness() */
	uint64_t children_vm;		/* Σ over children with their own mm: total_vm / 2 + 1 */
	uint64_t cpu_time, cpu_div;	/* (utime + stime) >> (SHIFT_HZ + 3); int_sqrt of it */
	uint64_t run_time, run_div;	/* (uptime - start) >> 10; int_sqrt(int_sqrt(it)) */
	uint8_t niced;			/* nice > 0: doubled */
	uint8_t cap_div;		/* 1, 4 or 16: CAP_SYS_ADMIN/RESOURCE, CAP_SYS_RAWIO */
};

/* A row of the report's task table (dump_tasks) with its badness. */
struct ovc_oom_candidate {
	int tid;			/* the thread evaluated (the leader, or one with an mm) */
	int pid, tgid;
	uint32_t uid;
	char comm[16];
	unsigned cpu;			/* 2.6.32's "cpu" column (task_cpu) */
	int memcg;
	uint64_t total_vm, rss, rss_anon, rss_file, rss_shmem, swapents;
	uint64_t nr_ptes, pgtables_bytes;
	int16_t oom_score_adj;
	int8_t oom_adj;			/* as /proc/PID/oom_adj reads in this era */
	uint64_t oom_score;		/* as /proc/PID/oom_score reads (global totalpages) */
	struct ovc_badness b;
};

/* Why a task was killed. */
enum ovc_oom_kill_reason {
	OVC_OOM_KILL_VICTIM,		/* the selected task (or the allocating task) */
	OVC_OOM_KILL_CHILD,		/* a child sacrificed for the selected parent (<= 5.0) */
	OVC_OOM_KILL_SHARER,		/* another process on the victim's mm */
	OVC_OOM_KILL_GROUP,		/* memory.oom.group (4.19+) */
};

/* A "Killed process" line: the victim's sizes when the signal was sent. */
struct ovc_oom_kill {
	enum ovc_oom_kill_reason reason;
	int tid, pid;
	uint32_t uid;
	char comm[16];
	int memcg;
	uint64_t total_vm_kb, anon_rss_kb, file_rss_kb, shmem_rss_kb, pgtables_kb, swap_kb;
	int16_t oom_score_adj;
	uint64_t freed;			/* pages the exit gave back to free memory at once */
};

enum ovc_oom_outcome {
	OVC_OOM_KILLED,			/* a victim was killed */
	OVC_OOM_PANIC,			/* the machine panicked (panic, panic_reason) */
	OVC_OOM_NO_VICTIM,		/* nothing killable: memcg OOM gives up, no panic */
	OVC_OOM_ABORTED,		/* a previous victim is still exiting: nothing done */
};

enum ovc_oom_panic_reason {
	OVC_OOM_PANIC_NONE,
	OVC_OOM_PANIC_COMPULSORY,	/* panic_on_oom = 2 */
	OVC_OOM_PANIC_SYSTEM_WIDE,	/* panic_on_oom = 1, CONSTRAINT_NONE */
	OVC_OOM_PANIC_NO_KILLABLE,	/* "Out of memory and no killable processes..."
					 * (4.x+: then "System is deadlocked on memory") */
	OVC_OOM_PANIC_PAGEFAULT,	/* 2.6.32 "out of memory from page fault" with panic_on_oom */
};

enum ovc_oom_message {		/* the <message> of the kill lines */
	OVC_OOM_MSG_OUT_OF_MEMORY,	/* "Out of memory" */
	OVC_OOM_MSG_MEMCG,		/* "Memory cgroup out of memory" */
	OVC_OOM_MSG_ALLOCATING_TASK,	/* "Out of memory (oom_kill_allocating_task)" */
};

/* The memcg block of a memcg OOM's report (mem_cgroup_print_oom_info). */
struct ovc_oom_memcg_info {
	char path[64];
	uint64_t usage_kb, limit_kb, failcnt;
	uint64_t swap_usage_kb, swap_limit_kb;	/* limit OVC_UNLIMITED when unlimited */
};

/* One invocation of the OOM killer: everything its report prints. */
struct ovc_oom_event {
	uint64_t seq;			/* 1, 2, ... since boot */
	uint64_t uptime_s;
	/* the invoked-oom-killer line */
	int trigger_tid, trigger_pid;	/* current; -1 / 0 for none */
	char trigger_comm[16];
	int16_t trigger_oom_score_adj;
	int8_t trigger_oom_adj;
	enum ovc_gfp gfp;
	int order;
	uint64_t need;			/* pages the allocation still lacked */
	uint8_t pagefault;		/* from pagefault_out_of_memory() */
	/* context */
	enum ovc_oom_constraint constraint;
	uint64_t totalpages;
	int memcg;			/* the OOMing cgroup for CONSTRAINT_MEMCG, else -1 */
	int trigger_memcg;
	struct ovc_oom_memcg_info memcg_info;	/* CONSTRAINT_MEMCG only */
	struct ovc_meminfo meminfo;	/* the Mem-Info block (global OOMs) */
	uint8_t dump_tasks;		/* vm.oom_dump_tasks at the time */
	/* the task table */
	struct ovc_oom_candidate *rows;
	size_t nrows;
	/* the decision */
	enum ovc_oom_outcome outcome;
	enum ovc_oom_message message;
	enum ovc_oom_panic_reason panic;
	int chosen_tid;			/* selected (before any child sacrifice), -1 */
	int chosen_pid;
	char chosen_comm[16];
	int64_t chosen_points;		/* badness of the selected task */
	int64_t score;			/* what "score %d" prints (<= 5.0): per mille, or raw (2.6.32) */
	uint8_t sacrificed;		/* a child was killed instead of the selected task */
	int oom_group;			/* memory.oom.group cgroup whose tasks were killed, or -1 */
	int mm_pinned_by;		/* 4.8+: init shares the victim's mm and keeps it ("oom
					 * killer %d (%s) has mm pinned by %d (%s)"): its task, or -1 */
	int victim_memcg;		/* task_memcg of the victim */
	/* the kills, victim first */
	struct ovc_oom_kill *kills;
	size_t nkills;
	uint64_t freed;			/* pages back in free memory after the kills */
};

/* ---- badness and /proc (lib/oom_badness.c) ---- */

/* The era's badness of task tid for an OOM with totalpages, memcg the OOMing
 * cgroup or -1 for a global OOM. Fills b; returns b->points. For a tid that
 * is not a live task, b->skip = OVC_OOM_SKIP_NO_MM. */
int64_t ovc_oom_badness(const struct ovc_machine *m, int tid, int memcg,
			uint64_t totalpages, struct ovc_badness *b);

/* The era's formula alone (b->rule), from the inputs already in b: rss,
 * swapents, pgtables, adj, root, totalpages; for the legacy rule total_vm,
 * children_vm, cpu_time, run_time, niced, cap_div, origin. Eligibility is
 * not checked. Fills the parts, sets and returns b->points. For tests and
 * what-if views. */
int64_t ovc_oom_badness_formula(struct ovc_badness *b);

/* /proc/PID/oom_score in this era (global totalpages = RAM + swap). 0 for a
 * task that is not live. */
uint64_t ovc_oom_score(const struct ovc_machine *m, int tid);

/* ---- oom_adj and oom_score_adj (lib/oom_adj.c) ----
 * Writes act as the task itself writing its own file; privileged says
 * whether the writer has CAP_SYS_RESOURCE. Return 0, a positive errno the
 * write fails with (EINVAL out of range, EACCES lowering without the
 * capability, ENOENT the file does not exist in this era), or -OVC_E_STATE
 * for a task that is not live. Reads return the value /proc prints. */
int ovc_oom_adj_write(struct ovc_machine *m, int tid, int value, int privileged);
int ovc_oom_score_adj_write(struct ovc_machine *m, int tid, int value, int privileged);
int ovc_oom_adj_read(const struct ovc_machine *m, int tid);
int ovc_oom_score_adj_read(const struct ovc_machine *m, int tid);

/* ---- selection (lib/oom_select.c) ---- */

/* Every process with its badness, in creation order (one row per thread
 * group, live tasks only), for "why this victim": rows[0..n) filled up to
 * cap; returns the number of processes (call with cap 0 to size). *chosen
 * is the row select_bad_process would pick, -1 for none (or if it was not
 * within cap). memcg: rank within that cgroup's subtree as its OOM would
 * (totalpages from the cgroup), or -1 for a global OOM. */
size_t ovc_oom_rank(const struct ovc_machine *m, int memcg, struct ovc_oom_candidate *rows,
		    size_t cap, int *chosen);

/* ---- the killer (lib/oom_kill.c) ---- */

/* Run the OOM killer now, as a fault of task tid (-1: none, a kernel
 * allocation) would: global if memcg is -1, else for that cgroup. Returns
 * the outcome; the event is appended to the log. A panic sets m->panicked. */
enum ovc_oom_outcome ovc_out_of_memory(struct ovc_machine *m, int tid, int memcg);

/* ---- the event log (lib/oom_event.c) ---- */

/* The events kept since the last clear, oldest first. */
const struct ovc_oom_event *ovc_oom_events(const struct ovc_machine *m, size_t *n);
/* Forget them (their memory is freed); the sequence keeps counting. */
void ovc_oom_events_clear(struct ovc_machine *m);

#endif
