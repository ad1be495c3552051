/* fuzz_scenario.c - libFuzzer target: parse any bytes as a scenario; run small ones that parse under 6.1. */
#include <stddef.h>
#include <stdint.h>

#include "ovc/profile.h"
#include "ovc/trace.h"
#include "scenario/scenario.h"

/* Running is bounded to small inputs: every statement is one model call,
 * so time grows with the input, and 4 KiB keeps each run short. */
#define RUN_MAX 4096

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct ovc_scenario *s = NULL;
	struct ovc_profile p;
	struct ovc_trace t;
	struct ovc_err e = { 0 };

	if (ovc_scenario_parse((const char *)data, size, "fuzz", &s, &e) < 0)
		return 0;
	if (size < RUN_MAX && ovc_profile_for("6.1", &p, NULL) == 0) {
		ovc_scenario_run(s, &p, &t, &e);
		ovc_trace_free(&t);
	}
	ovc_scenario_free(s);
	return 0;
}
