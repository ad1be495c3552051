/* real_compare.h - the model run that mirrors a real one: what `ovc exec --compare` checks the kernel against.
 *
 * After `ovc exec` ran a scenario on the kernel, the model runs the same
 * scenario from the state the kernel started in:
 *
 *   - the machine, state and sysctl lines measured before the run
 *     (ovc_real_machine_lines) replace the scenario's kernel, machine and
 *     state lines, so RAM, swap, CPUs, the reserves and the Committed_AS
 *     nobody in the scenario explains are the kernel's;
 *   - an expect line then ends the model's setup, and the scenario's boot
 *     sysctl and hugepages lines follow as run-time writes: ovc exec wrote
 *     them after measuring, through the kernel's handlers (a kbytes write
 *     clears the ratio, the hugepage pool comes out of free memory);
 *   - after each task line, the task's real image (the ovc binary, as
 *     mirror lines: ovc_real_image_lines) is mapped into the model task, so
 *     its Committed_AS and map_count start where the kernel's did; image
 *     VMAs the kernel never merges (the bss and the heap beside it,
 *     [vvar], [vdso], [stack]) are mapped from the stand-in file so that the
 *     model does not merge them either;
 *   - each exec line that replaced a real image becomes an exec of that
 *     image's shape (the "# as an exec:" line);
 *   - every other line is the scenario's own, expect lines included (their
 *     outcome in the model is not looked at).
 *
 * The model then runs under the profile of the running kernel (uname -r),
 * and its steps are renumbered to the scenario's lines: steps of inserted
 * lines are folded into the step they follow (a task line after the
 * setup, whose image the kernel's step includes), steps of lines that the
 * kernel ran silently (setup task lines, boot writes: these move the
 * trace's start instead) are dropped. Each step's change of Committed_AS
 * is what the model's exact sum moved by, as the kernel's is what meminfo
 * moved by. The result pairs with the kernel's trace line for line
 * (ovc_trace_cmp).
 *
 * Addresses are mirrored as they were: the guest should run with
 * norandmaps (conformance/run.sh does), so that the kernel's mmap_base and
 * stack are where the model puts them, and VMAs keep the same order (fork
 * charges them in address order).
 *
 * State:   struct ovc_real_mirror, owned by the caller.
 * Errors:  0 or -OVC_E_*, with struct ovc_err; a model error names the
 *          scenario's line (or says it came from an inserted line).
 */
#ifndef OVC_SCENARIO_REAL_COMPARE_H
#define OVC_SCENARIO_REAL_COMPARE_H

#include <stddef.h>
#include <stdint.h>

#include "ovc/err.h"
#include "ovc/profile.h"
#include "ovc/trace.h"
#include "scenario/real.h"
#include "scenario/scenario.h"

struct ovc_real_mirror {
	char *text;		/* the composed scenario, NUL-terminated */
	size_t len, cap;
	unsigned *orig;		/* orig[k]: scenario line of composed line k + 1; 0 if inserted */
	uint8_t *silent;	/* silent[k]: that line was setup in the scenario (no kernel step) */
	size_t nlines, cap_lines;
	unsigned bin_line;	/* the image whose stand-in file the later images map, or 0 */
	uint64_t bin_size;	/* that file's size: the largest any image needs */
};

/* Compose the mirrored scenario of s from what the real run measured. */
int ovc_real_mirror_compose(const struct ovc_scenario *s, const struct ovc_real_info *info,
			    struct ovc_real_mirror *mr, struct ovc_err *e);
void ovc_real_mirror_free(struct ovc_real_mirror *mr);

/* Parse and run mr under the profile of info->machine.release (filled
 * into *prof), then renumber its steps to s's lines into t (initialised
 * here; free it with ovc_trace_free whatever this returns). On a model
 * error t holds the steps up to it. */
int ovc_real_model(const struct ovc_scenario *s, const struct ovc_real_info *info,
		   const struct ovc_real_mirror *mr, struct ovc_profile *prof,
		   struct ovc_trace *t, struct ovc_err *e);

#endif
