/* trace.h - the record of a run: one step per operation, with its result.
 *
 * The simulator (scenario/) and, later, the real executor produce the same
 * record, so the two can be compared field by field and rendered the same
 * way (render/). A trace owns copies of every string it holds, and of the
 * OOM killer's events and rankings (struct ovc_oom_event and struct
 * ovc_oom_candidate of ovc/oom.h, their arrays copied too), so it outlives
 * the machine that made them.
 *
 * State:   struct ovc_trace, owned by the caller. No I/O.
 * Units:   kB for memory figures (as /proc prints them); the OOM records
 *          keep the model's units (pages, unless a name says kB).
 */
#ifndef OVC_TRACE_H
#define OVC_TRACE_H

#include <stddef.h>
#include <stdint.h>

#include "ovc/oom.h"
#include "ovc/ops.h"
#include "ovc/view.h"

/* One expect line and how it came out. */
struct ovc_check {
	unsigned line, col;	/* where the expect line is */
	char *text;		/* the expect line as written */
	int passed;
	char *actual;		/* what the model had, as text ("ENOMEM", "12061860 kB") */
};

/* A task the OOM killer killed during a step (one per "Killed process"). */
struct ovc_victim {
	char *task;		/* the scenario's name for it, or NULL (an unnamed child) */
	int pid;
	enum ovc_oom_kill_reason reason;
};

/* A badness ranking (a `rank` line): every process, in the order the OOM
 * killer scans them (creation order), with its score and the parts of it
 * (ovc_oom_rank), and the one it would pick. */
struct ovc_rank {
	unsigned line;		/* the rank line */
	char *cgroup;		/* the cgroup path ranked within (its OOM), or NULL: global */
	uint64_t totalpages;	/* the OOM's totalpages: RAM + swap, or the cgroup's */
	int chosen;		/* index into rows of the victim, -1 for none */
	struct ovc_oom_candidate *rows;
	char **names;		/* per row: the scenario's task name, or NULL (unnamed) */
	size_t nrows;
};

struct ovc_step {
	unsigned line;		/* scenario line of the operation */
	char *text;		/* the operation as written */
	char *op;		/* "mmap", "fork", ... */
	char *task;		/* task name, or NULL */
	int pid;		/* its pid, or 0 */
	struct ovc_result res;
	uint64_t committed_kb;	/* Committed_AS after the step (meminfo view) */
	uint64_t committed_exact_kb;
	uint64_t commit_limit_kb;
	uint64_t mem_free_kb;
	struct ovc_check *checks;	/* expect lines that follow this step */
	size_t nchecks;
	/* The OOM killer during the step: every invocation, oldest first (for
	 * the report renderer), and the tasks it killed, in kill order. */
	struct ovc_oom_event *oom;
	size_t noom;
	uint64_t oom_dropped;	/* invocations the model's log did not keep */
	struct ovc_victim *victims;
	size_t nvictims;
	struct ovc_rank *ranks;	/* rank lines that follow this step */
	size_t nranks;
};

/* A process at the end of the run, as /proc/PID/status would show it. */
struct ovc_trace_task {
	char *name;
	int pid;
	uint32_t uid;
	int exited;		/* no longer has an address space */
	int oom_killed;		/* the OOM killer killed it */
	struct ovc_task_view v;	/* kB */
};

struct ovc_trace {
	char *scenario;		/* file name */
	char *kernel;		/* profile name */
	uint64_t page_size;	/* bytes; struct ovc_result counts pages of this size */
	unsigned ncpus;
	int overcommit_memory;	/* vm.overcommit_memory before the first step */
	struct ovc_meminfo start;	/* meminfo before the first step */
	struct ovc_meminfo end;		/* and after the last */
	struct ovc_step *steps;
	size_t nsteps, cap;
	struct ovc_check *checks;	/* expect lines before any step */
	size_t nchecks;
	unsigned passed, failed;	/* expect lines */
	struct ovc_trace_task *tasks;	/* every named task at the end */
	size_t ntasks;
	struct ovc_rank *ranks;		/* rank lines before any step */
	size_t nranks;
	uint64_t oom_kills;		/* /proc/vmstat oom_kill at the end */
	int panicked;			/* the OOM killer panicked the machine */
};

void ovc_trace_init(struct ovc_trace *t, const char *scenario, const char *kernel);
void ovc_trace_free(struct ovc_trace *t);
/* Append a step; strings are copied. Returns the step, or NULL (no memory). */
struct ovc_step *ovc_trace_step(struct ovc_trace *t, unsigned line,
				const char *text, const char *op, const char *task);
/* Record an expect line against the last step (or the trace if none). */
int ovc_trace_check(struct ovc_trace *t, unsigned line, unsigned col,
		    const char *text, int passed, const char *actual);

/* Record a task's end state; strings are copied. 0, or -1 (no memory). */
int ovc_trace_task(struct ovc_trace *t, const char *name, int pid, uint32_t uid,
		   int exited, const struct ovc_task_view *v);

/* Copy n OOM events (their task rows and kill records too) onto the last
 * step; dropped: invocations the log lost. 0, or -OVC_E_NOMEM with the
 * step unchanged; -OVC_E_STATE without a step. */
int ovc_trace_oom(struct ovc_trace *t, const struct ovc_oom_event *ev, size_t n,
		  uint64_t dropped);
/* Add a victim to the last step (task copied; may be NULL). 0, or
 * -OVC_E_NOMEM / -OVC_E_STATE as above. */
int ovc_trace_victim(struct ovc_trace *t, const char *task, int pid,
		     enum ovc_oom_kill_reason reason);
/* Record a ranking (rows, names and cgroup copied) against the last step,
 * or the trace if none. names: per row the scenario's task name or NULL;
 * names itself may be NULL. 0, or -OVC_E_NOMEM with nothing recorded. */
int ovc_trace_rank(struct ovc_trace *t, unsigned line, const char *cgroup,
		   uint64_t totalpages, int chosen, const struct ovc_oom_candidate *rows,
		   const char *const *names, size_t n);

#endif
