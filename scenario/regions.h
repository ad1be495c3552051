/* regions.h - what scenario names stand for at run time, shared by the model runner (run_ops.c) and the real executor (real_ops.c).
 *
 * Both runners keep one entry per scenario name (struct rt_name in run.h,
 * struct real_name in real.h); a region's part of it is struct sc_region.
 * The checks and the range arithmetic a statement's REGION, SEGMENT or
 * FILE word needs are here, once: a runner lends them its own way to find
 * a live task and to evaluate a size now (struct sc_rt), since the model
 * and the real kernel answer those differently.
 *
 * Errors: 0 or -OVC_E_STATE with e filled at the word (file, line, col),
 * or whatever the runner's task and size functions returned.
 * Units:  bytes.
 */
#ifndef OVC_SCENARIO_REGIONS_H
#define OVC_SCENARIO_REGIONS_H

#include <stdint.h>

#include "ovc/err.h"

struct ovc_scenario;	/* scenario/ast.h: real.h includes this without it */
struct sc_ref;
struct sc_size;
struct sc_stmt;

/* A region at run time: the range its defining line mapped. */
struct sc_region {
	int task;		/* the runner's index of the task that made it */
	uint64_t start, len;	/* bytes; len rounded up to whole (huge) pages */
};

/* What the shared code needs of a runner, for the statement running. */
struct sc_rt {
	const struct ovc_scenario *s;
	const struct sc_stmt *st;
	struct ovc_err *e;
	void *ctx;		/* the runner, passed to the two functions below */
	/* The live task index of task name n, or an error at col. */
	int (*task)(void *ctx, int n, unsigned col, int *tix);
	/* A size of the statement, evaluated now. */
	int (*size)(void *ctx, const struct sc_size *z, uint64_t *bytes);
};

/* len rounded up to a multiple of unit; near UINT64_MAX, the largest
 * multiple there is (never wraps). */
uint64_t sc_round_up(uint64_t len, uint64_t unit);

/* 0 if name n was made (its defining line succeeded: made != 0), else the
 * error a line using it stops with, at col, worded for the name's kind. */
int sc_rt_made(const struct sc_rt *u, int n, int made, unsigned col);

/* The region ref names: rg its state, NULL if its line failed. Gives the
 * acting task (*tix) and the byte range, off= and len= applied. */
int sc_region_range(const struct sc_rt *u, const struct sc_ref *ref,
		    const struct sc_region *rg, int *tix, uint64_t *addr, uint64_t *len);

/* The part of a file of `bytes` that ref names (read): from off= (0) to
 * len= (default: to the end, nothing past it). made: as sc_rt_made. */
int sc_file_range(const struct sc_rt *u, const struct sc_ref *ref, int made,
		  uint64_t bytes, uint64_t *off, uint64_t *len);

#endif
