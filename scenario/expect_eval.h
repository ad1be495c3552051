/* expect_eval.h - an expect line's rules, shared by the model runner (run_expect.c) and the real executor (real_expect.c).
 *
 * A runner gathers what the line compares (struct sc_observed: from the
 * model's view, or from /proc) and evaluates the line's size; everything
 * else, how values compare, in which unit, and how the actual value reads
 * in the trace, is decided here, once. Pure: no I/O, no state.
 */
#ifndef OVC_SCENARIO_EXPECT_EVAL_H
#define OVC_SCENARIO_EXPECT_EVAL_H

#include <stddef.h>
#include <stdint.h>

#include "ovc/oom.h"
#include "ovc/ops.h"
#include "scenario/ast.h"

/* What a runner observed for an expect line, now. Only the member the
 * line's kind names is read. */
struct sc_observed {
	const struct ovc_result *last;	/* RESULT: the last step's result */
	uint64_t value;			/* MEMINFO: the field (kB, or a HugePages_ count);
					 * COMMITTED, RSS, VMSIZE: kB; VMAS: a count;
					 * OOM_SCORE: /proc/PID/oom_score; OOM_KILLS */
	double pct_commit;		/* COMMIT_PCT: meminfo's %commit */
	int64_t sysctl;			/* SYSCTL: the value */
	/* KILLED, SURVIVES: the task's fate so far */
	uint8_t killed;			/* the OOM killer killed it */
	uint8_t alive;			/* it is running */
	unsigned fate_line;		/* the line it was killed or exited at; 0: not known */
	/* BADNESS: the era's value and why the task is not a candidate */
	int64_t points;
	enum ovc_oom_skip skip;
	/* PANIC */
	uint8_t panicked;
};

/* Does `if kernel CMP VERSION` select a kernel of version kver (OVC_KV)?
 * is_rhel6: that kernel is RHEL 6's. Always 1 without a condition. */
int sc_cond_selects(const struct sc_cond *c, unsigned kver, int is_rhel6);

/* Does x compare against a size (x->size), which the runner evaluates
 * (its expressions read meminfo the runner's way) into want_bytes? */
int sc_expect_sized(const struct sc_expect *x);

/* Does x hold for o? Returns 1 or 0, and the actual value as the trace
 * shows it in actual[n] ("ok (OOM)", "2048 kB", "4", "0.78").
 * want_bytes: x->size evaluated, when sc_expect_sized(x); else unused. */
int sc_expect_eval(const struct sc_expect *x, const struct sc_observed *o,
		   uint64_t want_bytes, char *actual, size_t n);

#endif
