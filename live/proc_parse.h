/* proc_parse.h - pure parsers of /proc text: meminfo, PID status/stat/smaps/cgroup, sysvipc/shm, single integers.
 *
 * Each parser reads buf[0..len) and nothing past it (no NUL is needed or
 * assumed), trusts none of the text, allocates nothing and does no I/O:
 * the fuzz target tests/fuzz/fuzz_live_proc.c feeds them any bytes.
 * proc_read.c opens the files and calls these.
 *
 * Errors:  0 or -OVC_E_PARSE. On error the output may be partly filled.
 * Units:   kB as /proc prints them.
 */
#ifndef OVC_LIVE_PROC_PARSE_H
#define OVC_LIVE_PROC_PARSE_H

#include <stddef.h>
#include <stdint.h>

#include "ovc/live.h"
#include "ovc/err.h"
#include "ovc/view.h"

/* PF_KTHREAD (include/linux/sched.h): stat field 9 of a kernel thread. */
#define OVC_PF_KTHREAD 0x00200000u

/* /proc/meminfo into mi (zeroed first) and KReclaimable into *kreclaimable_kb
 * (may be NULL). kbcommit and pct_commit are derived as sar -r does.
 * Unknown names are skipped; a line that is not "Name: number [kB]", or
 * a tree without MemTotal, is an error: e->line and e->col (1-based) then
 * point at it and e->msg says what is wrong; e->file is the caller's. */
int ovc_proc_parse_meminfo(const char *buf, size_t len, struct ovc_meminfo *mi,
			   uint64_t *kreclaimable_kb, struct ovc_err *e);

/* What status said besides the fields it fills. */
enum {
	OVC_PSTATUS_VM = 1u << 0,	/* a VmSize line: the task has an mm */
	OVC_PSTATUS_KTHREAD = 1u << 1,	/* "Kthread: 1" (kernels 6.x) */
};
/* /proc/PID/status into p: comm (escapes undone), state, uid, threads,
 * the Vm and Rss lines (VmData and VmStk too), the two capabilities of
 * CapEff. Fields it does
 * not find are left as they were. *flags gets OVC_PSTATUS_* bits. An
 * error if there is no Name line or a known line does not parse. */
int ovc_proc_parse_status(const char *buf, size_t len, struct ovc_live_proc *p,
			  unsigned *flags);

/* /proc/PID/stat into p: state, zombie, ppid, utime, stime, nice,
 * threads, starttime; *flags gets field 9 (PF_*). Fields are counted
 * from the last ')' so a comm cannot fake them. */
int ovc_proc_parse_stat(const char *buf, size_t len, struct ovc_live_proc *p,
			uint64_t *flags);

/*
 * /proc/PID/smaps is fed a line at a time (without its '\n'), so the
 * reader needs no whole-file buffer.
 *
 * Shmem objects: a caller that sets shobj (after ovc_smaps_init) is
 * handed each shared anonymous ("/dev/zero (deleted)") and SysV
 * ("/SYSVkkkkkkkk (deleted)") mapping of the file as a struct
 * ovc_live_shobj, hugetlb ones (VmFlags ht) left out. The VMAs that one
 * mapping was split into (mprotect, mlock of a part) are handed over as
 * one: same object, each starting where the last ended, in the address
 * space and in the object. A record is complete when the next header
 * shows something else, or at ovc_smaps_end: call it after the last
 * line. The accumulator allocates nothing; what is handed over is only
 * valid during the call.
 */
typedef void (*ovc_smaps_shobj_fn)(void *arg, const struct ovc_live_shobj *o);
/* A mapping fork would charge ("ac", not "dc"), kB, as its VmFlags close it. */
typedef void (*ovc_smaps_charge_fn)(void *arg, uint64_t kb);

struct ovc_smaps_acc {
	uint64_t committed, fork_charge, noreserve, hugetlb;	/* kB */
	uint64_t fork_largest;		/* the largest mapping fork charges, kB */
	uint64_t map_count;		/* VMAs, [vsyscall] excluded */
	uint64_t page_kb;		/* smallest KernelPageSize seen, 0 none */
	uint64_t vma_kb;		/* Size: of the VMA being read */
	unsigned bad;			/* lines that did not parse */
	ovc_smaps_charge_fn fork_map;	/* NULL: the mappings one by one are not wanted */
	void *fork_map_arg;
	ovc_smaps_shobj_fn shobj;	/* NULL: shmem objects are not wanted */
	void *shobj_arg;
	/* the shmem object being gathered (internal) */
	struct ovc_live_shobj cur;
	uint64_t cur_end, cur_off_end;	/* where its last VMA ends: address, offset (bytes) */
	uint8_t cur_open;		/* cur holds a record not handed over yet */
	uint8_t cur_vma;		/* the VMA being read belongs to cur */
	uint8_t cur_ht;			/* a VMA of it is hugetlb: not shmem, dropped */
};
void ovc_smaps_init(struct ovc_smaps_acc *a);
/* One line. 0, or -OVC_E_PARSE (counted in a->bad, the rest still read). */
int ovc_smaps_line(struct ovc_smaps_acc *a, const char *s, size_t n);
/* The end of the file: hands over the last shmem object. */
void ovc_smaps_end(struct ovc_smaps_acc *a);

/*
 * /proc/sysvipc/shm, a line at a time: a header naming the columns, then
 * one line per segment of the reader's IPC namespace. Columns are found
 * by the header's names (size, rss, swap; rss and swap since about 4.1),
 * not by position. size, rss and swap are bytes; size is rounded up to
 * whole pages of page_bytes (what shmget charged: VM_ACCT of the size).
 */
struct ovc_sysv_acc {
	uint64_t page_bytes;		/* 4096 unless told */
	size_t segments;
	uint64_t size_kb, rss_kb, swap_kb;	/* sums over the segments */
	uint8_t have_header, have_rss_swap;
	int ncols, col_size, col_rss, col_swap;	/* from the header; -1 none */
	unsigned bad;			/* lines that did not parse */
};
void ovc_sysv_init(struct ovc_sysv_acc *a, uint64_t page_bytes);
/* One line. 0, or -OVC_E_PARSE (counted in a->bad): a header without a
 * size column, or a segment line whose words do not match the header. */
int ovc_sysv_line(struct ovc_sysv_acc *a, const char *s, size_t n);
/* A whole file (tests, fuzzing): 0, or -OVC_E_PARSE if a line did not
 * parse or there was no header. */
int ovc_proc_parse_sysv_shm(const char *buf, size_t len, uint64_t page_bytes,
			    struct ovc_sysv_acc *a);

/* /proc/PID/cgroup: the v1 line whose controllers include memory (the
 * memory controller lives there on a hybrid machine), else the v2 line
 * "0::PATH". The whole line, cut to fit dst. -OVC_E_PARSE if neither. */
int ovc_proc_parse_cgroup(const char *buf, size_t len, char *dst, size_t size);

/* One integer and optional trailing white space (sysctl files,
 * oom_score, oom_score_adj). */
int ovc_proc_parse_int(const char *buf, size_t len, int64_t *v);

/* /proc/stat: the number of cpuN lines (online CPUs). Error if none. */
int ovc_proc_parse_ncpus(const char *buf, size_t len, unsigned *n);

/* /proc/uptime: whole seconds of its first number. */
int ovc_proc_parse_uptime(const char *buf, size_t len, uint64_t *secs);

#endif
