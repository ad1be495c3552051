/* render.h - text and JSON views of traces, refusals and kernel eras.
 *
 * The renderers take what the model produced (struct ovc_trace, struct
 * ovc_result, the era tables of profile.h) and write it to a FILE * they
 * are given, or into a caller's buffer. They read no input, keep no state
 * between calls and never choose an exit code: that is cli/'s job.
 *
 * Output:  memory in kB as /proc prints it, with a human size beside it
 *          where that helps; the JSON formats are described in
 *          docs/trace-json.md and are a stable interface.
 * Errors:  functions that write to a FILE return 0, or -OVC_E_IO when the
 *          stream reports an error (ferror). Nothing else can fail.
 */
#ifndef OVC_RENDER_H
#define OVC_RENDER_H

#include <stddef.h>
#include <stdint.h>
#include <stdio.h>

#include "ovc/oom.h"
#include "ovc/ops.h"
#include "ovc/profile.h"
#include "ovc/trace.h"

/* ------------------------------------------------------------------ */
/* explain.c: why the simulated kernel refused an operation             */

/* What ovc_render_explain needs beyond the result itself. */
struct ovc_explain_env {
	uint64_t page_size;	/* bytes; a result counts pages of this size (0: 4096) */
	unsigned kver;		/* OVC_KV of the kernel, for source file names (0: newest) */
	const char *op;		/* the operation that ran ("mmap", "fork"), or NULL */
	/* The admission era that ran, for the formula's exact terms; NULL:
	 * looked up by r->admit.era in the profile tables. */
	const struct ovc_admission_era *admission;
};

/* 1 when r is worth explaining: an errno, or a cause such as OOM. */
int ovc_render_refused(const struct ovc_result *r);

/* Write into buf (size bytes, always NUL-terminated when size > 0) a
 * plain-English explanation of the refusal r: which kernel function
 * refused, the arithmetic with the actual numbers in kB, and notes (the
 * approximate counter, unsigned wrap-around, errno quirks). A commit test
 * that passed only because pre-4.0 unsigned arithmetic wrapped is
 * explained too. Lines are separated by '\n', with no newline at the end.
 * Returns the length of the whole explanation, as snprintf does (a result
 * >= size means it was cut); 0 when there is nothing to explain (buf then
 * holds ""). Cannot fail. */
size_t ovc_render_explain(char *buf, size_t size, const struct ovc_result *r,
			  const struct ovc_explain_env *env);

/* The explanation in a new string (free() it), or NULL when there is
 * nothing to explain or memory ran out. */
char *ovc_render_explain_dup(const struct ovc_result *r, const struct ovc_explain_env *env);

/* The environment for explaining the steps of trace t: its page size,
 * and the kernel version and admission era of its profile when t->kernel
 * names one. env->op is left NULL: set it to each step's op. */
void ovc_render_trace_env(const struct ovc_trace *t, struct ovc_explain_env *env);

/* ------------------------------------------------------------------ */
/* format.c: the small formatters the renderers share                   */

/* "ok", "ENOMEM", "EAGAIN", ..., or "OOM" for a fault that found no memory. */
const char *ovc_render_result_name(const struct ovc_result *r);
/* "ENOMEM" for ENOMEM; "error" for a value outside the model's errnos. */
const char *ovc_render_errno_name(int err);
/* "commit", "rlimit_as", ... ; NULL for OVC_CAUSE_NONE. */
const char *ovc_render_cause_name(enum ovc_cause c);
/* "guess", "always", "never"; "unknown" otherwise. */
const char *ovc_render_policy_name(int policy);
/* "never", "guess_free", "guess_total", "always". */
const char *ovc_render_admit_rule_name(enum ovc_admit_rule rule);
/* "12061860 kB (11.5 GiB)"; the human part only from 1 MiB up. */
char *ovc_render_kb(uint64_t kb, char *buf, size_t n);
/* "PASS", or "FAIL  actual: X" for a failed expect line (no newline). */
void ovc_render_verdict(FILE *f, const struct ovc_check *k);
/* "expect: N passed, M failed" (or "expect KERNEL: ..."), on its own line. */
void ovc_render_summary(FILE *f, const char *kernel, unsigned passed, unsigned failed);
/* Write text (lines separated by '\n') starting at column col, the first
 * line after lead, later lines aligned under the first, each wrapped at
 * the last blank before column width. Ends with a newline. */
void ovc_render_wrapped(FILE *f, const char *text, size_t col, const char *lead,
			size_t width);
/* Decimal digits of v (column widths). */
int ovc_render_digits(uint64_t v);
/* Operation texts wider than this overflow their column. */
#define OVC_RENDER_TEXT_COLS 40
/* Display width of a UTF-8 string (code points; for column alignment). */
size_t ovc_render_width(const char *s);
/* Write s padded with spaces to width columns (never cut). */
void ovc_render_pad(FILE *f, const char *s, size_t width);
/* The same, but a longer s is cut to width columns, ending in an ellipsis. */
void ovc_render_pad_cut(FILE *f, const char *s, size_t width);

/* ------------------------------------------------------------------ */
/* text.c, json.c: one trace                                            */

enum {
	OVC_RENDER_QUIET = 1u << 0,	/* only failed expect lines and the summary */
};

/* The `ovc sim` timeline: header, one row per step with its explanation
 * and expect lines, and the line "expect: N passed, M failed". */
int ovc_render_text(FILE *f, const struct ovc_trace *t, unsigned flags);

/* The trace as JSON (format "ovc-trace", docs/trace-json.md). */
int ovc_render_json(FILE *f, const struct ovc_trace *t);

/* ------------------------------------------------------------------ */
/* compare.c: one scenario under several kernels                        */

int ovc_render_compare_text(FILE *f, const struct ovc_trace *const *t, size_t n,
			    unsigned flags);
int ovc_render_compare_json(FILE *f, const struct ovc_trace *const *t, size_t n);

/* ------------------------------------------------------------------ */
/* oom_report.c: an OOM killer invocation as the kernel's dmesg report  */

struct ovc_json;

/* What a report needs beyond the event. */
struct ovc_oom_report_env {
	const struct ovc_profile *profile;	/* the kernel modelled (required) */
	uint64_t page_size;	/* bytes, for the Mem-Info page counts (0: 4096) */
	/* Optional: the machine the event came from, to name cgroups other
	 * than the OOMing one and the root (their paths are not in the
	 * event), the task pinning an mm, and cgroup page cache. NULL: such
	 * a cgroup is shown as "memcg#N". */
	const struct ovc_machine *m;
	const char *release;	/* uname -r; NULL: from the profile ("4.19.0") */
};

/* Write the report of one invocation exactly as the modelled kernel's
 * dmesg shows it: the "invoked oom-killer" line, the cpuset line (up to
 * 4.20), a dump_stack stand-in whose call trace is marked omitted, the
 * Mem-Info block (global OOM) or the memcg block, the task table (when
 * vm.oom_dump_tasks was set), the summary line (5.0+), the score line (up
 * to 5.0), the kill lines and the panic, in that era's format. Each line
 * starts with a "[%5lu.%06lu] " timestamp when the event has a clock
 * (uptime_s not 0). An invocation the kernel does not report (aborted
 * because a victim is still exiting) writes nothing. 0 or -OVC_E_IO. */
int ovc_render_oom_report(FILE *f, const struct ovc_oom_event *ev,
			  const struct ovc_oom_report_env *env);

/* The reports of n events in order, with the profile's defaults (4096-byte
 * pages, no machine). 0 or -OVC_E_IO. */
int ovc_render_oom_events(FILE *f, const struct ovc_oom_event *ev, size_t n,
			  const struct ovc_profile *p);

/* The events as a JSON array (member key, or an array element when key
 * is NULL): trigger, constraint, totalpages, outcome, panic, the chosen
 * task with its points, the victim and every killed task (kB). */
void ovc_json_oom_events(struct ovc_json *w, const char *key, const struct ovc_oom_event *ev,
			 size_t n, uint64_t page_size);

/* The path of cgroup id as the report prints it: "/" for the root, the
 * event's OOMing cgroup, the machine's table when given, else "memcg#N".
 * Returns buf or a string of the event. */
const char *ovc_render_oom_memcg_path(const struct ovc_oom_event *ev, int id,
				      const struct ovc_machine *m, char *buf, size_t n);

/* "CONSTRAINT_NONE", ...; "killed", "panic", ...; NULL or "compulsory",
 * "system-wide", "no_killable", "pagefault"; "victim", "child", ... */
const char *ovc_render_oom_constraint_name(enum ovc_oom_constraint c);
const char *ovc_render_oom_outcome_name(enum ovc_oom_outcome o);
const char *ovc_render_oom_panic_name(enum ovc_oom_panic_reason p);
const char *ovc_render_oom_reason_name(enum ovc_oom_kill_reason r);

/* ------------------------------------------------------------------ */
/* oom_rank.c: every process by badness, with the parts of its score    */

/* A table of rows (as ovc_oom_rank fills them) ranked best first, with
 * the era's badness parts: rss, swap, page tables, adj and its scaled
 * term, the root bonus and the clamp (2.6.36+), or total_vm, children,
 * the CPU and run-time divisors, nice, the capability divisor and the
 * oom_adj shift (2.6.32). chosen (a row index, or -1) is marked as the
 * victim; ineligible tasks are listed last with the reason. Equal scores
 * keep the scan (creation) order. 0 or -OVC_E_IO. */
int ovc_render_oom_rank_text(FILE *f, const struct ovc_oom_candidate *rows, size_t n,
			     int chosen);

/* The same as JSON: an object with the rule, totalpages, the chosen row
 * and the rows in rank order (_json: a whole document; 0 or -OVC_E_IO). */
void ovc_json_oom_rank(struct ovc_json *w, const char *key, const struct ovc_oom_candidate *rows,
		       size_t n, int chosen);
int ovc_render_oom_rank_json(FILE *f, const struct ovc_oom_candidate *rows, size_t n,
			     int chosen);

/* "eligible", "init", "kthread", "no_mm", "memcg", "adj_min", ... */
const char *ovc_render_oom_skip_name(enum ovc_oom_skip s);
/* "legacy", "permille", "pages", "pages_root3", "pages_noroot", "signed". */
const char *ovc_render_badness_rule_name(enum ovc_badness_rule r);

/* ------------------------------------------------------------------ */
/* kernels.c: `ovc sim --list-kernels`                                  */

int ovc_render_kernels_text(FILE *f);
int ovc_render_kernels_json(FILE *f);

/* ------------------------------------------------------------------ */
/* json.c: a small streaming JSON writer, pretty-printed, two spaces     */

#define OVC_JSON_MAX_DEPTH 16

struct ovc_json {
	FILE *f;
	unsigned depth;
	unsigned count[OVC_JSON_MAX_DEPTH];	/* values written at each level */
};

/* Members of an object pass their key; elements of an array pass NULL. */
void ovc_json_init(struct ovc_json *w, FILE *f);
void ovc_json_open(struct ovc_json *w, const char *key, char kind);	/* '{' or '[' */
void ovc_json_close(struct ovc_json *w, char kind);
void ovc_json_str(struct ovc_json *w, const char *key, const char *s);	/* NULL: null */
void ovc_json_u64(struct ovc_json *w, const char *key, uint64_t v);
void ovc_json_i64(struct ovc_json *w, const char *key, int64_t v);
void ovc_json_bool(struct ovc_json *w, const char *key, int v);
void ovc_json_null(struct ovc_json *w, const char *key);
void ovc_json_fixed2(struct ovc_json *w, const char *key, double v);	/* 2 decimals */
/* End the document with a newline; 0, or -OVC_E_IO if the stream failed. */
int ovc_json_finish(struct ovc_json *w);

/* Write s as a quoted JSON string: control characters, '"' and '\\'
 * escaped; valid UTF-8 kept (U+2028/9 escaped); every byte that is not
 * part of valid UTF-8 becomes \ufffd, so the output is always valid. */
void ovc_json_quote(FILE *f, const char *s);

/* A whole trace object (what ovc_render_json writes) inside a document. */
void ovc_json_trace(struct ovc_json *w, const char *key, const struct ovc_trace *t);

#endif
