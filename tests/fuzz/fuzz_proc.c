/* fuzz_proc.c - libFuzzer target: the real executor's other /proc parsers (stat, status, smaps, vmstat, cmdline, pagemap) on any bytes. */
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include "scenario/real.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

/* smaps is fed a line at a time, as the reader does; a VMA it keeps must
 * be a range the text could describe. */
static void smaps(const char *s, size_t n)
{
	struct ovc_real_vma v[8];
	struct ovc_real_smaps a;
	size_t pos = 0;

	ovc_real_smaps_init(&a, v, 8);
	while (pos < n) {
		const char *nl = memchr(s + pos, '\n', n - pos);
		size_t len = nl ? (size_t)(nl - (s + pos)) : n - pos;

		ovc_real_smaps_line(&a, s + pos, len);
		pos += len + 1;
	}
	ovc_real_smaps_end(&a);
	if (a.nvmas > 8 || a.nvmas > a.map_count)
		__builtin_trap();
}

/* pagemap: any 64-bit entries; runs must be ordered, non-empty, inside. */
static void pagemap(const uint8_t *d, size_t n)
{
	uint64_t e[64];
	struct ovc_real_run r[16];
	size_t k = n / 8 > 64 ? 64 : n / 8, nr = 0;

	memcpy(e, d, k * 8);
	ovc_real_pagemap_runs(e, k, 0x400000, 4096, 1, r, 16, &nr);
	for (size_t i = 0; i < nr; i++)
		if (r[i].start >= r[i].end || r[i].end > 0x400000 + k * 4096 ||
		    (i && r[i].start < r[i - 1].end))
			__builtin_trap();
}

/* The parsers read only data[1..size): no NUL is added, so ASan catches
 * any read past the end. The first byte picks the parser. */
int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	const char *s = (const char *)data + 1;
	struct ovc_real_stat st;
	struct ovc_real_status os;
	uint64_t a, b;

	if (size < 1)
		return 0;
	switch (data[0] % 6) {
	case 0:
		ovc_real_stat_parse(s, size - 1, &st);
		break;
	case 1:
		ovc_real_status_parse(s, size - 1, &a, &b);
		break;
	case 2:
		ovc_real_status_oom_parse(s, size - 1, &os);
		break;
	case 3:
		smaps(s, size - 1);
		break;
	case 4:
		ovc_real_vmstat_oom_kills(s, size - 1);
		ovc_real_disposable(s, size - 1);
		break;
	default:
		pagemap(data + 1, size - 1);
		break;
	}
	return 0;
}
