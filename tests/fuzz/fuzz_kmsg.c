/* fuzz_kmsg.c - libFuzzer target: the /dev/kmsg record parser (OOM kill records) on any bytes. */
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include "ovc/err.h"
#include "scenario/real_kmsg.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

/* The parser reads only data[0..size): no NUL is added, so ASan catches
 * any read past the end. A kill must carry a pid a kernel could print and
 * a NUL-terminated name; the three entry points must agree. */
int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct ovc_real_kmsg_ctx ctx = { .group = (uint8_t)(size & 1) };
	struct ovc_real_kill a, b, c;
	const char *rec = (const char *)data;
	int kind = ovc_real_kmsg_classify(rec, size, &a);
	int kill = ovc_real_kmsg_kill(rec, size, &b);
	int fed = ovc_real_kmsg_feed(&ctx, rec, size, &c);

	if (kind < 0 && (kind != -OVC_E_PARSE || kill != kind || fed != kind))
		__builtin_trap();
	if (kind >= 0 && (kill != (kind == OVC_REAL_KMSG_KILL) || fed != kill))
		__builtin_trap();
	if (kind > OVC_REAL_KMSG_GROUP)
		__builtin_trap();
	if (kill == 1) {
		if (a.pid <= 0 || a.pid != b.pid || b.pid != c.pid)
			__builtin_trap();
		if (memchr(b.comm, '\0', sizeof(b.comm)) == NULL || strcmp(a.comm, b.comm) != 0)
			__builtin_trap();
		if (b.reason != OVC_OOM_KILL_VICTIM ||
		    c.reason != ((size & 1) ? OVC_OOM_KILL_GROUP : OVC_OOM_KILL_VICTIM))
			__builtin_trap();
	}
	return 0;
}
