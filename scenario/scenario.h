/* scenario.h - the scenario front end: parse a scenario file, run it through the model.
 *
 * The language is docs/scenario-language.md. Parsing checks everything that
 * can be checked without running (syntax, names defined before use, units,
 * sysctl and meminfo names, kernel versions); running builds a machine from
 * the scenario's machine/state/sysctl lines and records one trace step per
 * operation, with the outcome of every expect line.
 *
 * State:   struct ovc_scenario is immutable once parsed; it owns copies of
 *          everything it needs (the input buffer may be freed). No globals.
 * Errors:  0 or -OVC_E_*, with struct ovc_err filled (file, line, col).
 *          e->file points at the fname given to ovc_scenario_parse (parse
 *          errors) or at the scenario's copy of it (run errors, valid until
 *          ovc_scenario_free).
 */
#ifndef OVC_SCENARIO_H
#define OVC_SCENARIO_H

#include <stddef.h>

#include "ovc/err.h"
#include "ovc/profile.h"
#include "ovc/trace.h"

struct ovc_scenario;

/* Parse buf[0..len) (need not be NUL-terminated). fname names the input in
 * errors (may be NULL). On success *out is a new scenario; on failure *out
 * is NULL and e says where and why (OVC_E_PARSE, or OVC_E_NOMEM). */
int ovc_scenario_parse(const char *buf, size_t len, const char *fname,
		       struct ovc_scenario **out, struct ovc_err *e);

void ovc_scenario_free(struct ovc_scenario *s);

/* The version on the scenario's kernel line ("2.6.32", "rhel6"), or NULL. */
const char *ovc_scenario_kernel(const struct ovc_scenario *s);

/* Run s under profile p (NULL: the scenario's kernel line, else 6.1).
 * t is initialised here (ovc_trace_init) and must be released with
 * ovc_trace_free by the caller whatever this returns; on error it holds
 * the steps up to the failing line. Expect lines that do not hold are not
 * errors: they are counted in t->failed. Errors: misuse that only shows at
 * run time (a region whose task has exited, a task whose fork failed, an
 * expression below zero) is -OVC_E_STATE with e->line/col at the word;
 * -OVC_E_NOMEM; or the model's own error. */
int ovc_scenario_run(const struct ovc_scenario *s, const struct ovc_profile *p,
		     struct ovc_trace *t, struct ovc_err *e);

#endif
