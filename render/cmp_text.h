/* cmp_text.h - the report of `ovc exec --compare`: a kernel's trace and the model's, side by side.
 *
 * (Declared apart from render.h only because render.h has another owner;
 * it can move there unchanged.)
 */
#ifndef OVC_RENDER_CMP_TEXT_H
#define OVC_RENDER_CMP_TEXT_H

#include <stdio.h>

#include "ovc/trace.h"
#include "ovc/trace_cmp.h"

enum {
	OVC_CMP_TEXT_QUIET = 1u << 0,	/* no table of every step: differences and summary only */
};

/* Write the comparison c of real (the kernel's trace) and model: how the
 * figures are compared, the start, a row per step with both sides (rows
 * that differ marked), a block per differing step with both sides'
 * values, the model's explanation and what may explain it, the end, and
 * the last line "compare: N steps, M differ" (or "compare: match, N
 * steps"). Returns 0, or -OVC_E_IO if the stream failed. */
int ovc_render_cmp_text(FILE *f, const struct ovc_trace *real, const struct ovc_trace *model,
			const struct ovc_cmp *c, unsigned flags);

#endif
