/* run.h - the scenario runner's internal state, shared by run.c, run_ops.c and run_expect.c. */
#ifndef OVC_SCENARIO_RUN_H
#define OVC_SCENARIO_RUN_H

#include <stdint.h>

#include "ovc/machine.h"
#include "ovc/ops.h"
#include "ovc/trace.h"
#include "ovc/view.h"
#include "scenario/ast.h"
#include "scenario/regions.h"

/* What a name stands for at run time (indexed like s->names). */
struct rt_name {
	uint8_t made;		/* its defining statement ran and succeeded */
	uint8_t exited;		/* task: `exit` ran */
	uint8_t killed;		/* task: the OOM killer killed it */
	unsigned exit_line;
	unsigned killed_line;	/* task: the step during which it was killed */
	int tid;		/* task: its index */
	int memcg;		/* cgroup: its id in the model */
	struct sc_region region;	/* region */
	uint32_t obj;		/* file: object id */
	int shmid;		/* segment */
	uint64_t bytes;		/* file, segment: size */
	uint8_t hugetlb;	/* segment */
};

struct run {
	const struct ovc_scenario *s;
	const struct sc_stmt *st;	/* the statement running */
	struct ovc_machine m;
	struct ovc_trace *t;
	struct ovc_err *e;
	struct rt_name *nm;
	struct ovc_meminfo mi;		/* when the statement started */
	uint8_t have_mi;
	uint64_t oom_dropped;		/* the OOM log's dropped count already recorded */
	uint64_t uptime_ms;		/* the machine's clock (m.uptime_s is its seconds) */
	uint64_t step_before;		/* exact Committed_AS (pages) when the step began */
};

/* An error at column col of the current statement; returns -code. */
int rt_err(struct run *R, unsigned col, int code, const char *fmt, ...)
	__attribute__((format(printf, 4, 5)));
/* The live task index of task name n (col: where the name is written). */
int rt_task(struct run *R, int n, unsigned col, int *tid);
/* A size of the current statement, evaluated now. */
int rt_size(struct run *R, const struct sc_size *z, uint64_t *bytes);
/* len rounded up to whole pages of size unit (saturating). Unused since
 * sc_round_up (regions.h) serves both runners; to go with run.c's copy. */
uint64_t rt_round(uint64_t len, uint64_t unit);

/* Record a step for the current statement (task: name index or -1, tid
 * its index), then, after the model call, its result and the figures. */
int rt_step(struct run *R, int task, int tid);
int rt_done(struct run *R, int rc, const struct ovc_result *res);

int rt_op(struct run *R);	/* run_ops.c: an operation line */
int rt_expect(struct run *R);	/* run_expect.c: an expect line */

/* run_oom.c: the OOM killer's statements, and what a step leaves behind. */
int rt_cgroup(struct run *R);	/* cgroup line */
int rt_rank(struct run *R);	/* rank line */
int rt_clock(struct run *R);	/* clock +DURATION */
int rt_adj_write(struct run *R);	/* oom_score_adj, oom_adj */
/* The cgroup id of cgroup name n (-1: the root, OVC_MEMCG_ROOT). */
int rt_memcg(struct run *R, int n, unsigned col, int *id);
/* After a step: copy the OOM events it caused into it, name the victims
 * and mark the named tasks killed. */
int rt_oom_record(struct run *R);

#endif
