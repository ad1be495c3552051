/* fuzz_live_proc.c - libFuzzer target: every pure /proc parser of live/ (meminfo, status, stat, smaps and its shmem objects, sysvipc/shm, cgroup, integers, stat cpus, uptime) on any bytes. */
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include "live/proc_parse.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

/* What the smaps accumulator hands over: counted, and checked to be a
 * kind there is. */
struct handed {
	size_t n;
	uint64_t maps_kb, largest_kb;	/* the fork mappings handed over */
	size_t nmaps;
};

/* Each mapping fork charges, handed over one by one. */
static void handed_map(void *arg, uint64_t kb)
{
	struct handed *h = arg;

	h->maps_kb = h->maps_kb + kb < h->maps_kb ? UINT64_MAX : h->maps_kb + kb;
	h->largest_kb = kb > h->largest_kb ? kb : h->largest_kb;
	h->nmaps++;
}

static void handed_one(void *arg, const struct ovc_live_shobj *o)
{
	struct handed *h = arg;

	if (o->kind != OVC_SHOBJ_SHARED_ANON && o->kind != OVC_SHOBJ_SYSV)
		__builtin_trap();
	h->n++;
}

/* smaps a line at a time, as proc_read.c feeds it: what fork charges is
 * a part of what is committed, whatever the text. */
static void smaps(const char *s, size_t n, int objects)
{
	struct ovc_smaps_acc a;
	struct handed h = { 0 };
	size_t pos = 0, ends;

	ovc_smaps_init(&a);
	if (objects) {
		a.shobj = handed_one;
		a.shobj_arg = &h;
		a.fork_map = handed_map;
		a.fork_map_arg = &h;
	}
	while (pos < n) {
		const char *nl = memchr(s + pos, '\n', n - pos);
		size_t len = nl ? (size_t)(nl - (s + pos)) : n - pos;

		ovc_smaps_line(&a, s + pos, len);
		pos += len + 1;
	}
	ovc_smaps_end(&a);
	ends = h.n;
	ovc_smaps_end(&a);
	/* at most one object a header (a [vsyscall] one is none), each
	 * handed over once */
	if (a.fork_charge > a.committed || h.n > a.map_count || h.n != ends)
		__builtin_trap();
	/* the mappings one by one add up to the fork charge (which
	 * saturates alike), the largest is fork_largest */
	if (objects && (h.maps_kb != a.fork_charge || h.largest_kb != a.fork_largest))
		__builtin_trap();
}

/* /proc/sysvipc/shm with 4 kB or 64 kB pages: a segment a line, no
 * rss (swap) without its column, sizes whole pages. */
static void sysv(const char *s, size_t n, int big_pages)
{
	struct ovc_sysv_acc a;
	uint64_t page_kb = big_pages ? 64 : 4;
	size_t lines = 0;

	for (size_t i = 0; i < n; i++)
		lines += s[i] == '\n';
	if (ovc_proc_parse_sysv_shm(s, n, page_kb * 1024, &a) < 0)
		return;
	if (a.segments > lines || (a.col_rss < 0 && a.rss_kb) || (a.col_swap < 0 && a.swap_kb) ||
	    (a.size_kb != UINT64_MAX && a.size_kb % page_kb))
		__builtin_trap();
}

static void meminfo(const char *s, size_t n)
{
	struct ovc_meminfo mi;
	struct ovc_err e = { 0 };
	uint64_t kr;

	if (ovc_proc_parse_meminfo(s, n, &mi, &kr, &e) == 0) {
		if (mi.kbcommit != mi.committed_as || !(mi.pct_commit >= 0.0))
			__builtin_trap();
	} else if (e.code != OVC_E_PARSE) {
		__builtin_trap();
	}
}

/* The name must stay a C string inside comm, whatever status said. */
static void status_stat(const char *s, size_t n, int which)
{
	struct ovc_live_proc p;
	unsigned f;
	uint64_t flags;

	memset(&p, 0, sizeof(p));
	if (which)
		ovc_proc_parse_stat(s, n, &p, &flags);
	else if (ovc_proc_parse_status(s, n, &p, &f) == 0 && !memchr(p.comm, 0, sizeof(p.comm)))
		__builtin_trap();
}

/* The parsers read only data[1..size): no NUL is added, so ASan catches
 * any read past the end. The first byte picks the parser. */
int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	const char *s = (const char *)data + 1;
	char cg[16];
	int64_t v;
	unsigned n;
	uint64_t u;

	if (size < 1)
		return 0;
	switch (data[0] % 10) {
	case 0: meminfo(s, size - 1); break;
	case 1: status_stat(s, size - 1, 0); break;
	case 2: status_stat(s, size - 1, 1); break;
	case 3: smaps(s, size - 1, data[0] & 0x80); break;
	case 4:
		if (ovc_proc_parse_cgroup(s, size - 1, cg, sizeof(cg)) == 0 && !memchr(cg, 0, sizeof(cg)))
			__builtin_trap();
		break;
	case 5: ovc_proc_parse_int(s, size - 1, &v); break;
	case 6: ovc_proc_parse_ncpus(s, size - 1, &n); break;
	case 7: ovc_proc_parse_uptime(s, size - 1, &u); break;
	case 8: smaps(s, size - 1, 1); break;
	default: sysv(s, size - 1, data[0] & 0x80); break;
	}
	return 0;
}
