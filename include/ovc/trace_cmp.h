/* trace_cmp.h - a real kernel's trace and the model's trace of the same run, compared step by step.
 *
 * `ovc exec --compare` runs a scenario on the kernel, then the model on
 * the state the kernel started from, and hands both traces here. Steps
 * are paired by scenario line (a line runs at most once). For each pair
 * the comparison looks at:
 *
 *   result        exact: the errno, or OOM (a kill during the step)
 *   Committed_AS  after the step: the kernel's /proc/meminfo value against
 *                 the model's exact sum. Exact (slack 0) when the kernel's
 *                 meminfo shows the exact sum (5.9+); before 5.9 meminfo
 *                 shows the approximate per-CPU counter, and the slack is
 *                 what the counter's batching can hide (ovc_cmp_opts_for)
 *   delta         the step's own change of Committed_AS (same slack, twice:
 *                 before and after)
 *   CommitLimit   after the step, exact
 *
 * and the start and end of the run (Committed_AS, CommitLimit). Not yet
 * compared: the OOM victim and oom_score (the trace does not record
 * them; OVC_CMP_VICTIM is reserved for them).
 *
 * State:   struct ovc_cmp, owned by the caller (ovc_cmp_free). Pure: no
 *          I/O, no globals; both traces are only read and must outlive
 *          the struct ovc_cmp (rows point into them).
 * Errors:  0, or -OVC_E_NOMEM.
 * Units:   kB, as in the traces.
 */
#ifndef OVC_TRACE_CMP_H
#define OVC_TRACE_CMP_H

#include <stddef.h>
#include <stdint.h>

#include "ovc/profile.h"
#include "ovc/trace.h"

/* What differs in a row (bits). */
enum {
	OVC_CMP_RESULT = 1u << 0,	/* errno or OOM */
	OVC_CMP_COMMITTED = 1u << 1,	/* Committed_AS after the step, beyond the slack */
	OVC_CMP_DELTA = 1u << 2,	/* the step's own change, beyond twice the slack */
	OVC_CMP_LIMIT = 1u << 3,	/* CommitLimit after the step */
	OVC_CMP_NO_MODEL = 1u << 4,	/* the kernel ran the line, the model did not */
	OVC_CMP_NO_REAL = 1u << 5,	/* the model ran the line, the kernel did not */
	OVC_CMP_VICTIM = 1u << 6,	/* reserved: OOM victim / oom_score (not yet in traces) */
};

struct ovc_cmp_opts {
	/* Allowed |kernel - model| for Committed_AS: 0 when the kernel's
	 * meminfo is exact; else ncpus * (batch - 1) pages, in kB. */
	uint64_t committed_slack_kb;
	/* How far the kernel's admission test can be from the exact sum:
	 * it reads the approximate counter (percpu_counter_read_positive)
	 * in every era. Used only to explain a differing result at a
	 * commit edge; results are always compared exactly. */
	uint64_t edge_slack_kb;
	uint64_t batch_guess, batch_never;	/* the counter's batch under GUESS/ALWAYS and NEVER */
	unsigned ncpus;
	uint8_t meminfo_exact;	/* the kernel's meminfo is the exact sum */
};

/* Fill o for a kernel of profile p on a machine of ram_kb (MemTotal),
 * ncpus CPUs and page_size bytes. The counter's batch is the profile's
 * (mm_compute_batch for the era) for every policy: a delta gathered under
 * the big GUESS batch stays on its CPU after a switch to NEVER, except in
 * kernels that fold every CPU on that switch (5.9+). Cannot fail. */
void ovc_cmp_opts_for(struct ovc_cmp_opts *o, const struct ovc_profile *p, uint64_t ram_kb,
		      unsigned ncpus, uint64_t page_size);

struct ovc_cmp_row {
	unsigned line;
	const struct ovc_step *real, *model;	/* NULL for the side that lacks it */
	unsigned diff;		/* OVC_CMP_* bits that differ */
	unsigned slack;		/* OVC_CMP_COMMITTED / DELTA bits that differ within the slack */
	int64_t offset_kb;	/* Committed_AS after: kernel - model */
	int64_t real_delta_kb, model_delta_kb;
	uint8_t carried;	/* Committed_AS differs only by the offset of the row
				 * before: the step's own change agrees */
	uint8_t at_edge;	/* results differ at a commit edge the approximate
				 * counter can explain (margin <= edge slack) */
	uint64_t margin_kb;	/* at_edge: the model's distance to its limit */
};

/* A moment outside the steps (the start or the end of the run). */
struct ovc_cmp_point {
	uint64_t real_committed_kb, model_committed_kb;
	uint64_t real_limit_kb, model_limit_kb;
	unsigned diff;		/* OVC_CMP_COMMITTED, OVC_CMP_LIMIT */
	uint8_t compared;
};

struct ovc_cmp {
	struct ovc_cmp_opts opts;
	struct ovc_cmp_row *rows;	/* every step of either trace, by line */
	size_t nrows;
	size_t paired;			/* rows with both sides */
	size_t differ;			/* rows with diff != 0 */
	struct ovc_cmp_point start, end;
	uint8_t complete;		/* both runs reached the end of the scenario */
};

/* Compare real (the kernel's trace) with model. complete: both runs went
 * to the end of the scenario (the end figures are compared only then).
 * out is filled whatever the result (rows may be NULL after a failed
 * allocation); free it with ovc_cmp_free. Returns 0, or -OVC_E_NOMEM. */
int ovc_trace_cmp(const struct ovc_trace *real, const struct ovc_trace *model,
		  const struct ovc_cmp_opts *o, int complete, struct ovc_cmp *out);
void ovc_cmp_free(struct ovc_cmp *c);

/* Everything compared agrees: no row differs, nor the start or end. (A
 * run that stopped early is the caller's to report: see complete.) */
int ovc_cmp_match(const struct ovc_cmp *c);

#endif
