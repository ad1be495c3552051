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
 *   victims       the tasks the OOM killer killed during the step, by the
 *                 scenario's names: the selected ones (victim, child,
 *                 oom.group) in kill order, the processes sharing a
 *                 victim's mm as a set (the kernel kills those without a
 *                 log record, so the real side knows them only as tasks
 *                 that died by SIGKILL, not when); an unnamed task
 *                 matches an unnamed one
 *   rank lines    each rank line after the step (paired by line), its
 *                 tasks paired by the scenario's names: each named task
 *                 on both sides, its oom_score within opts->score_slack;
 *                 and when the kernel's record names a chosen task, the
 *                 model chose the same
 *
 * and the start and end of the run (Committed_AS, CommitLimit), and the
 * rank lines before any step.
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
	OVC_CMP_VICTIM = 1u << 6,	/* the OOM killer's victims during the step */
	OVC_CMP_RANK = 1u << 7,		/* a rank line after the step: an oom_score beyond the
					 * slack, a task or the record on one side only, the choice */
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
	/* How many pages a task's RSS counters (rss_anon, rss_file,
	 * rss_shmem, swapents) can be off on the kernel: 0 where they are
	 * exact; 6.2+ keeps them per CPU and /proc reads them approximately. */
	uint64_t rss_slack_pages;
	/* Allowed |kernel - model| of an oom_score: how far rss_slack_pages
	 * can move it (ovc_cmp_score_slack); 0 when rss_slack_pages is 0. */
	uint64_t score_slack;
};

/* The oom_score units that pages of RSS can move a score by, under rule
 * (enum ovc_score_rule) with totalpages = RAM + swap (fs/proc/base.c
 * proc_oom_score). 5.9+ (0..2000 scale): the score is
 * (1000 + points * 1000 / totalpages) * 2 / 3, so pages move it by at most
 * ceil(pages * 1000 / totalpages * 2 / 3), and each of the two truncating
 * divisions can add one more step: ceil(pages * 2000 / (3 * totalpages))
 * + 1. 2.6.36-5.8 (per mille): ceil(pages * 1000 / totalpages) + 1.
 * 2.6.32 (raw badness): pages. 0 for 0 pages. Cannot fail. */
uint64_t ovc_cmp_score_slack(int rule, uint64_t pages, uint64_t totalpages);

/* Fill o for a kernel of profile p on a machine of ram_kb (MemTotal),
 * ncpus CPUs and page_size bytes. The counter's batch is the profile's
 * (mm_compute_batch for the era) for every policy: a delta gathered under
 * the big GUESS batch stays on its CPU after a switch to NEVER, except in
 * kernels that fold every CPU on that switch (5.9+). rss_slack_pages is
 * 0 for now (exact RSS counters), so score_slack is 0; score_slack uses
 * RAM alone as totalpages (swap only makes the bound smaller). Cannot
 * fail. */
void ovc_cmp_opts_for(struct ovc_cmp_opts *o, const struct ovc_profile *p, uint64_t ram_kb,
		      unsigned ncpus, uint64_t page_size);

/* A task of a rank line on both sides, paired by the scenario's name. */
struct ovc_cmp_rank_task {
	const char *task;				/* the scenario's name */
	const struct ovc_oom_candidate *real, *model;	/* NULL: not ranked on that side */
	uint8_t differs;	/* on one side only, or oom_score beyond the slack */
	uint8_t slack;		/* oom_score differs, within the slack */
};

/* A rank line on both sides. Unnamed rows (processes the scenario did
 * not name) are not compared. */
struct ovc_cmp_rank {
	unsigned line;
	const struct ovc_rank *real, *model;	/* NULL: that side has no record of the line */
	struct ovc_cmp_rank_task *tasks;	/* the kernel's named rows in its order, then
						 * the model's that the kernel lacks */
	size_t ntasks;
	size_t compared, differ;	/* tasks on both sides; tasks that differ */
	const char *real_chosen, *model_chosen;	/* the chosen task's name: NULL for none or unnamed */
	uint8_t chosen_differs;		/* the kernel chose a task, the model another or none */
	uint8_t differs;		/* any of the above, or a side lacks the record */
};

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
	struct ovc_cmp_rank *ranks;	/* the rank lines after the step (both sides ran it) */
	size_t nranks;
	size_t rank_tasks, rank_differ;	/* over those: tasks compared, tasks that differ */
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
	struct ovc_cmp_point start, end;	/* start.diff has OVC_CMP_RANK when start_ranks differ */
	struct ovc_cmp_rank *start_ranks;	/* the rank lines before any step */
	size_t nstart_ranks;
	uint8_t complete;		/* both runs reached the end of the scenario */
};

/* Compare real (the kernel's trace) with model. complete: both runs went
 * to the end of the scenario (the end figures are compared only then).
 * out is filled whatever the result (rows may be NULL after a failed
 * allocation); free it with ovc_cmp_free. Returns 0, or -OVC_E_NOMEM. */
int ovc_trace_cmp(const struct ovc_trace *real, const struct ovc_trace *model,
		  const struct ovc_cmp_opts *o, int complete, struct ovc_cmp *out);
void ovc_cmp_free(struct ovc_cmp *c);

/* Do two victims name the same task? (An unnamed one matches an unnamed one.) */
int ovc_cmp_same_task(const char *a, const char *b);

/* Everything compared agrees: no row differs, nor the start or end. (A
 * run that stopped early is the caller's to report: see complete.) */
int ovc_cmp_match(const struct ovc_cmp *c);

#endif
