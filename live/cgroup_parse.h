/* cgroup_parse.h - pure parsers of memory cgroup file text (v1 and v2) and of a /proc/PID/cgroup line.
 *
 * Each parser reads buf[0..len) and nothing past it (no NUL is needed or
 * assumed), trusts none of the text, allocates nothing and does no I/O:
 * the fuzz target tests/fuzz/fuzz_live_sys.c feeds them any bytes.
 * cgroup_read.c opens the files and calls these.
 *
 * The formats are those printed by mm/memcontrol.c, read in a 6.1-era
 * tree (gregkh/linux: MGLRU's mem_cgroup_attach, memory.peak and
 * memory.reclaim present, memory_stat_format still into a buffer):
 * memory_max_show and the other v2 limits (seq_puts_memcg_tunable: "max"
 * or bytes), memory_current_read (bytes), memory_events_show
 * ("key value" lines), memory_oom_group_show ("%d"), and v1's
 * mem_cgroup_read_u64 (RES_LIMIT, RES_USAGE: bytes; RES_FAILCNT: a
 * count), mem_cgroup_oom_control_read ("oom_kill_disable %d", "under_oom
 * %d", "oom_kill %lu"), mem_cgroup_swappiness_read. The file formats
 * have not changed from 4.13 (oom_kill) to 6.12.
 *
 * Errors:  0 or -OVC_E_PARSE; e (may be NULL) then has line and col
 *          (1-based) of the byte where the text breaks and a message;
 *          e->file is the caller's. On error the outputs are unchanged.
 * Units:   bytes, as the files print them.
 */
#ifndef OVC_LIVE_CGROUP_PARSE_H
#define OVC_LIVE_CGROUP_PARSE_H

#include <stddef.h>
#include <stdint.h>

#include "ovc/err.h"
#include "ovc/live.h"

/*
 * v1 prints an unlimited counter as PAGE_COUNTER_MAX pages in bytes:
 * PAGE_COUNTER_MAX is LONG_MAX / PAGE_SIZE (include/linux/page_counter.h),
 * so the text is LONG_MAX rounded down to a page: 9223372036854771712
 * with 4 KiB pages, 9223372036854710272 with 64 KiB ones. Any value at
 * or above the 64 KiB one is no limit (no machine has 8 EiB).
 */
#define OVC_CGROUP_V1_NOLIMIT_BYTES 9223372036854710272ull

/* A limit: "max" (v2) or a byte count; "max" and a byte count at or
 * above OVC_CGROUP_V1_NOLIMIT_BYTES give OVC_LIVE_NOLIMIT. One value,
 * then optional white space. */
int ovc_cgroup_parse_limit(const char *buf, size_t len, uint64_t *bytes, struct ovc_err *e);

/* One unsigned decimal number, then optional white space: a usage in
 * bytes, memory.failcnt, memory.oom.group, memory.swappiness. */
int ovc_cgroup_parse_u64(const char *buf, size_t len, uint64_t *v, struct ovc_err *e);

/* A key of a flat-keyed file and where its value goes. */
struct ovc_cgroup_key {
	const char *name;
	uint64_t *val;
};

/* A flat-keyed file, "key value" a line (memory.events, v1
 * memory.oom_control, memory.stat): the value of each key of keys[0..n)
 * that is present is stored and bit k of *found set. Unknown keys are
 * skipped; a key given twice keeps the last value. found may be NULL. */
int ovc_cgroup_parse_flat(const char *buf, size_t len, const struct ovc_cgroup_key *keys,
			  size_t n, unsigned *found, struct ovc_err *e);

/* Does the comma-separated list s[0..n) (a v1 line's controllers:
 * "cpu,cpuacct") name the memory controller? */
int ovc_cgroup_lists_memory(const char *s, size_t n);

/* cgroup.controllers: controller names separated by spaces, or nothing
 * (kernel/cgroup/cgroup.c cgroup_controllers_show). *has_memory: 1 if
 * one of them is "memory". */
int ovc_cgroup_parse_controllers(const char *buf, size_t len, int *has_memory,
				 struct ovc_err *e);

/*
 * A line of /proc/PID/cgroup as proc_parse.c keeps it, "ID:ctrls:PATH"
 * (kernel/cgroup/cgroup.c proc_cgroup_show): *version 2 for "0::PATH",
 * 1 for a v1 line whose controllers include memory; *path and *plen the
 * path within line (v2's " (deleted)" suffix of a removed cgroup left
 * out). -OVC_E_PARSE, outputs unchanged, for any other line or a path
 * that names no cgroup below the hierarchy's root: not starting with
 * '/', an empty, "." or ".." component (a process outside the reader's
 * cgroup namespace shows "/.."), a trailing '/'.
 */
int ovc_cgroup_parse_line(const char *line, size_t len, int *version, const char **path,
			  size_t *plen);

#endif
