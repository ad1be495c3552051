/* trace.h - the record of a run: one step per operation, with its result.
 *
 * The simulator (scenario/) and, later, the real executor produce the same
 * record, so the two can be compared field by field and rendered the same
 * way (render/). A trace owns copies of every string it holds.
 *
 * State:   struct ovc_trace, owned by the caller. No I/O.
 * Units:   kB for memory figures (as /proc prints them).
 */
#ifndef OVC_TRACE_H
#define OVC_TRACE_H

#include <stddef.h>
#include <stdint.h>

#include "ovc/ops.h"
#include "ovc/view.h"

/* One expect line and how it came out. */
struct ovc_check {
	unsigned line, col;	/* where the expect line is */
	char *text;		/* the expect line as written */
	int passed;
	char *actual;		/* what the model had, as text ("ENOMEM", "12061860 kB") */
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
};

/* A process at the end of the run, as /proc/PID/status would show it. */
struct ovc_trace_task {
	char *name;
	int pid;
	uint32_t uid;
	int exited;		/* no longer has an address space */
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

#endif
