/* live.h - text and JSON views of this machine as the model sees it.
 *
 * The live commands (ovc status, oom, fork-check, can-alloc, whatif) read
 * a /proc snapshot, run the analysis and hand both to these functions,
 * which write to the FILE * they are given. They read no input, keep no
 * state and choose no exit code.
 *
 * Output:  kB as /proc prints them, with a human size beside (format.c).
 * Errors:  0, or -OVC_E_IO when the stream reports an error.
 */
#ifndef OVC_RENDER_LIVE_H
#define OVC_RENDER_LIVE_H

#include <stdint.h>
#include <stdio.h>

#include "ovc/live.h"

/* What `ovc status` shows beyond the report. */
struct ovc_live_status_opts {
	uint64_t fork_min_kb;		/* list failing forks of at least this charge */
	size_t top;			/* committers listed (10) */
	size_t victims;			/* next OOM victims listed (5) */
	const char *const *critical;	/* extra names of processes that must not die */
	size_t ncritical;
};

int ovc_render_live_status_text(FILE *f, const struct ovc_live_snap *s,
				const struct ovc_live_report *r,
				const struct ovc_live_status_opts *o);
int ovc_render_live_status_json(FILE *f, const struct ovc_live_snap *s,
				const struct ovc_live_report *r,
				const struct ovc_live_status_opts *o);

/* `ovc oom`'s scope: which processes, ranked in which OOM. */
struct ovc_live_oom_scope {
	const char *cgroup;		/* --cgroup PATH: only its subtree; NULL every process */
	int memcg;			/* PATH's index in s->memcgs; -1: cgroups not read */
	const struct ovc_live_memcg_oom *oom;	/* the cgroup OOM its processes are ranked in
						 * (PATH's own, or its nearest limited
						 * ancestor's); NULL: the global OOM */
};

/* `ovc oom`: the rows of the scope's OOM, in the OOM killer's order (sc
 * NULL: every process, the global OOM). */
int ovc_render_live_oom_text(FILE *f, const struct ovc_live_snap *s,
			     const struct ovc_live_report *r, const struct ovc_live_oom_scope *sc);
int ovc_render_live_oom_json(FILE *f, const struct ovc_live_snap *s,
			     const struct ovc_live_report *r, const struct ovc_live_oom_scope *sc);

/* `ovc fork-check` and `ovc can-alloc`: one admission test (rows[row] of
 * r) with its arithmetic, and what would make it pass. */
struct ovc_live_fix {
	int64_t min_ratio;		/* smallest vm.overcommit_ratio that passes; -1 none */
	uint64_t max_kb;		/* largest charge that passes now; UINT64_MAX unknown */
	uint64_t charge_kb;		/* the request tested */
	const char *op;			/* "fork" or "mmap" */
	const char *why_admin;		/* where admin came from ("CapEff of pid 12"), or NULL */
	uint64_t self_kb;		/* ovc's own charge, taken out of Committed_AS */
};
int ovc_render_live_admit_text(FILE *f, const struct ovc_live_snap *s,
			       const struct ovc_live_report *r, size_t row,
			       const struct ovc_live_fix *fix);
int ovc_render_live_admit_json(FILE *f, const struct ovc_live_snap *s,
			       const struct ovc_live_report *r, size_t row,
			       const struct ovc_live_fix *fix);

/* `ovc whatif`: before (no overrides) and after (sets applied). */
int ovc_render_live_whatif_text(FILE *f, const struct ovc_live_snap *s,
				const struct ovc_live_report *before,
				const struct ovc_live_report *after,
				const struct ovc_live_set *sets, size_t n);
int ovc_render_live_whatif_json(FILE *f, const struct ovc_live_snap *s,
				const struct ovc_live_report *before,
				const struct ovc_live_report *after,
				const struct ovc_live_set *sets, size_t n);

/* Shared by both files: the policy in words, a sysctl's value after the
 * overrides, and whether a row is a named critical process. */
const char *ovc_render_live_policy_text(int policy);
int64_t ovc_render_live_sysctl(const struct ovc_live_snap *s, const struct ovc_live_set *sets,
			       size_t n, enum ovc_sysctl_key k);
int ovc_render_live_critical(const char *comm, const struct ovc_live_status_opts *o);
/* A name or path as a terminal may show it (control bytes become '?'),
 * cut to fit buf. */
const char *ovc_render_live_safe(const char *name, char *buf, size_t n);

/* live_memcg.c: is p in the scope; a cgroup's share of its limit. */
int ovc_render_live_in_scope(const struct ovc_live_snap *s, const struct ovc_live_proc *p,
			     const struct ovc_live_oom_scope *sc);
double ovc_render_live_memcg_pct(const struct ovc_live_memcg *c);

/* Parts of `ovc status`: the limited memory cgroups with their OOM's
 * victim (live_memcg.c), Committed_AS taken apart (live_reconcile.c). */
struct ovc_json;
void ovc_render_live_memcgs_text(FILE *f, const struct ovc_live_snap *s,
				 const struct ovc_live_report *r);
void ovc_render_live_memcgs_json(struct ovc_json *w, const struct ovc_live_snap *s,
				 const struct ovc_live_report *r);
void ovc_render_live_reconcile_text(FILE *f, const struct ovc_live_snap *s,
				    const struct ovc_live_report *r);
void ovc_render_live_reconcile_json(struct ovc_json *w, const struct ovc_live_report *r);

#endif
