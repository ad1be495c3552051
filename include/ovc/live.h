/* live.h - the data of a live machine: a snapshot of /proc and the model's answers on it.
 *
 * Plain records, like trace.h: the live front end (live/) fills them from
 * a proc tree and the model, render/ and cli/ print them. The functions
 * that make them are live/live.h's.
 *
 * Units:   kB as /proc prints them; pages only where a name says so.
 */
#ifndef OVC_LIVE_DATA_H
#define OVC_LIVE_DATA_H

#include <stddef.h>
#include <stdint.h>

#include "ovc/commit.h"
#include "ovc/oom.h"
#include "ovc/ops.h"
#include "ovc/profile.h"
#include "ovc/view.h"

/* ------------------------------------------------------------------ */
/* The snapshot (proc_read.c)                                           */

/* What of a process could be read (bits of struct ovc_live_proc.seen). */
enum {
	OVC_LIVE_STATUS = 1u << 0,	/* /proc/PID/status */
	OVC_LIVE_STAT = 1u << 1,	/* /proc/PID/stat */
	OVC_LIVE_OOM = 1u << 2,		/* oom_score and oom_score_adj */
	OVC_LIVE_SMAPS = 1u << 3,	/* /proc/PID/smaps (root or the owner) */
	OVC_LIVE_CGROUP = 1u << 4,	/* /proc/PID/cgroup */
};

struct ovc_live_proc {
	int pid, ppid;
	char comm[64];		/* Name: as status shows it, escapes undone, any bytes */
	uint32_t uid;		/* real uid */
	char state;		/* stat's state letter: R S D Z T I ... */
	uint8_t kthread;	/* a kernel thread (no mm: no VmSize, PF_KTHREAD) */
	uint8_t zombie;
	unsigned seen;		/* OVC_LIVE_* bits */
	int threads;
	int nice;
	uint64_t utime_ticks, stime_ticks, start_ticks;	/* stat fields 14, 15, 22 */
	/* status, kB */
	uint64_t vm_size, vm_rss, rss_anon, rss_file, rss_shmem, vm_pte, vm_swap, vm_lck;
	uint8_t cap_sys_admin, cap_sys_resource;	/* from CapEff */
	/* oom files */
	int64_t oom_score;	/* /proc/PID/oom_score, -1 unread */
	int oom_score_adj;
	/* smaps, kB: what the commit accounting sees */
	uint64_t committed;	/* VmFlags "ac": charged to Committed_AS */
	uint64_t fork_charge;	/* "ac" and not "dc": what fork would charge */
	uint64_t fork_largest;	/* the largest of those mappings: fork tests each alone */
	uint64_t noreserve;	/* "nr" */
	uint64_t hugetlb;	/* "ht" */
	uint64_t map_count;
	char cgroup[128];	/* v2 path ("0::/system.slice/x"), or the v1 memory one; "" */
};

struct ovc_live_snap {
	char root[256];			/* the proc root read ("/proc") */
	char release[65];		/* sys/kernel/osrelease */
	unsigned ncpus;			/* online CPUs (stat's cpuN lines) */
	uint64_t page_size;		/* bytes (smaps KernelPageSize, else 4096) */
	struct ovc_meminfo mi;
	uint64_t kreclaimable_kb;
	int64_t sysctl[OVC_SYSCTL_COUNT];	/* sys/vm/..., by enum ovc_sysctl_key */
	uint32_t have_sysctl;			/* bit k: sysctl[k] was read */
	uint64_t uptime_s;
	struct ovc_live_proc *procs;	/* every pid directory, in pid order */
	size_t nprocs;
	size_t vanished;	/* listed, then gone before they were read */
	size_t denied;		/* a file of theirs could not be read (EACCES, hidepid) */
	size_t kthreads;
	char err_file[300];	/* "ROOT/meminfo": the file an error of
				 * ovc_live_read names (e->file points here) */
};

/* ------------------------------------------------------------------ */
/* The model's answers (analyze.c)                                      */

/* One process as the model sees it. */
struct ovc_live_row {
	const struct ovc_live_proc *p;
	/* fork: would fork() of it pass now, under the machine's policy, and
	 * under each policy 0, 1, 2 (with the machine's ratio/kbytes) */
	int fork_ok;
	int fork_ok_policy[3];
	struct ovc_admit fork;	/* the admission test the fork ran (policy now) */
	/* OOM: badness from the kernel's own inputs (status), as the era
	 * computes it, and the oom_score the model derives from it */
	struct ovc_badness badness;
	int64_t model_oom_score;	/* -1: not computable (not seen) */
	uint8_t score_differs;		/* model_oom_score != p->oom_score */
};

struct ovc_live_report {
	struct ovc_profile profile;
	char profile_note[160];		/* "no exact profile for 5.10.0: using 5.9" */
	uint64_t commit_limit_kb;	/* recomputed by the model */
	uint64_t headroom_kb;		/* CommitLimit - Committed_AS (0 if over) */
	struct ovc_live_row *rows;	/* one per process with an mm, by pid */
	size_t nrows;
	size_t *by_commit;		/* indexes into rows, largest committed first */
	size_t *by_badness;		/* indexes into rows, the OOM killer's order */
	int chosen;			/* index into rows of the next OOM victim, -1 */
	size_t score_mismatches;	/* model and kernel oom_score apart by more than: */
	uint64_t score_slack;		/* what 6.2+'s per-CPU RSS counters can hide (0 before) */
	uint64_t explained_kb;		/* Σ committed + shmem: the part of Committed_AS
					 * the processes account for */
};

/* A sysctl to apply before the analysis (ovc whatif). */
struct ovc_live_set {
	enum ovc_sysctl_key key;
	int64_t value;
};
#endif
