/* fuzz_meminfo.c - libFuzzer target: the real executor's /proc/meminfo parser on any bytes. */
#include <stddef.h>
#include <stdint.h>

#include "scenario/real.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

/* The parser reads only data[0..size): no NUL is added, so ASan catches
 * any read past the end. A parse must leave numbers /proc could print. */
int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct ovc_meminfo mi;
	uint64_t kr;
	int n = ovc_real_meminfo_parse((const char *)data, size, &mi, &kr);

	if (n >= 0 && mi.kbcommit != mi.committed_as)
		__builtin_trap();
	if (n >= 0 && !(mi.pct_commit >= 0.0))
		__builtin_trap();
	return 0;
}
