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
	uint64_t *fork_maps;	/* each of those mappings, kB, in address order (the order
				 * dup_mmap charges them); malloc'd, freed with the snapshot */
	size_t nfork_maps;
	uint64_t noreserve;	/* "nr" */
	uint64_t hugetlb;	/* "ht" */
	uint64_t map_count;
	char cgroup[512];	/* v2 path ("0::/system.slice/x"), or the v1 memory one; "" */
	int memcg;		/* index in snap->memcgs of its memory cgroup; -1 unknown */
	/* status, kB: for an estimate of what an unreadable smaps hides */
	uint64_t vm_data, vm_stk;
	/* shmem objects it maps (smaps), for the reconcile: malloc'd, freed
	 * with the snapshot */
	struct ovc_live_shobj *shobjs;
	size_t nshobjs;
};

/* A shmem object a process maps, as its smaps header names it. */
enum ovc_live_shobj_kind {
	OVC_SHOBJ_SHARED_ANON,	/* MAP_SHARED|MAP_ANONYMOUS: "/dev/zero (deleted)" */
	OVC_SHOBJ_SYSV,		/* shmat: "/SYSV0000002a (deleted)" */
};
struct ovc_live_shobj {
	uint64_t dev, inode;	/* the header's dev (major << 20 | minor) and inode: the object */
	uint64_t size_kb;	/* Size: of the mapping */
	uint64_t rss_kb, swap_kb;	/* Rss: and Swap: of the mapping */
	uint8_t kind;		/* enum ovc_live_shobj_kind */
	uint8_t noreserve;	/* VmFlags nr: charged page by page, not by size */
};

/* ------------------------------------------------------------------ */
/* Memory cgroups (cgroup_read.c)                                       */

#define OVC_LIVE_NOLIMIT UINT64_MAX	/* "max", or v1's PAGE_COUNTER_MAX in bytes */

/* What of a cgroup could be read (bits of struct ovc_live_memcg.seen). */
enum {
	OVC_MEMCG_SEEN_MAX = 1u << 0,		/* memory.max / memory.limit_in_bytes */
	OVC_MEMCG_SEEN_CURRENT = 1u << 1,	/* memory.current / memory.usage_in_bytes */
	OVC_MEMCG_SEEN_SWAP = 1u << 2,		/* swap.max+current / memsw.limit+usage */
	OVC_MEMCG_SEEN_EVENTS = 1u << 3,	/* memory.events / memory.oom_control */
};

struct ovc_live_memcg {
	char path[256];		/* as /proc/PID/cgroup names it: "/", "/system.slice/x.service" */
	int parent;		/* index in snap->memcgs; -1 for "/" */
	uint8_t version;	/* 1 or 2 */
	unsigned seen;		/* OVC_MEMCG_SEEN_* */
	uint64_t max_kb;	/* memory.max, memory.limit_in_bytes; OVC_LIVE_NOLIMIT */
	uint64_t high_kb;	/* v2 memory.high; OVC_LIVE_NOLIMIT (v1 too) */
	uint64_t current_kb;	/* memory.current, memory.usage_in_bytes */
	uint64_t swap_max_kb;	/* v2 memory.swap.max; v1 memsw.limit - limit; OVC_LIVE_NOLIMIT */
	uint64_t swap_current_kb;	/* v2 memory.swap.current; v1 memsw.usage - usage */
	int swappiness;		/* v1 memory.swappiness; -1: the global one (v2 has none) */
	uint8_t oom_group;	/* v2 memory.oom.group */
	uint8_t oom_kill_disable;	/* v1 memory.oom_control */
	uint64_t max_events;	/* v2 memory.events max; v1 memory.failcnt */
	uint64_t oom_events;	/* v2 memory.events oom; v1: under_oom is a state, 0 */
	uint64_t oom_kill_events;	/* v2 memory.events oom_kill; v1 oom_control oom_kill (4.13+) */
	size_t nprocs;		/* processes in it (not counting its descendants') */
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
	uint64_t self_committed_kb;	/* the reader's own charge ("ac" in self/smaps)
					 * when it read meminfo, if have_self */
	uint8_t have_self;		/* it was the same just before and just after */
	struct ovc_live_proc *procs;	/* every pid directory, in pid order */
	size_t nprocs;
	size_t vanished;	/* listed, then gone before they were read */
	size_t denied;		/* a file of theirs could not be read (EACCES, hidepid) */
	size_t kthreads;
	/* memory cgroups (ovc_live_read_memcgs): the cgroups processes are
	 * in and their ancestors, a parent before its children */
	struct ovc_live_memcg *memcgs;
	size_t nmemcgs;
	uint8_t memcg_version;		/* 0 none read, 1, 2 */
	char memcg_root[256];		/* where they were read: "/sys/fs/cgroup" */
	char memcg_note[200];		/* why none could be read, or what was not */
	int vm_swappiness;		/* sys/vm/swappiness; -1 unread */
	/* SysV shared memory (/proc/sysvipc/shm) */
	uint8_t have_sysv;
	size_t sysv_segments;
	uint64_t sysv_size_kb;		/* Σ size in whole pages: what shmget charged
					 * (unless SHM_NORESERVE or SHM_HUGETLB: not shown) */
	uint64_t sysv_rss_kb, sysv_swap_kb;
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
	struct ovc_admit fork;	/* the admission test that decided the fork (policy now):
				 * the refused mapping's, else the last one's */
	size_t fork_map;	/* that mapping's index in p->fork_maps */
	/* OOM: badness from the kernel's own inputs (status), as the era
	 * computes it, and the oom_score the model derives from it */
	struct ovc_badness badness;
	int64_t model_oom_score;	/* -1: not computable (not seen) */
	uint8_t score_differs;		/* model_oom_score != p->oom_score */
};

/* Committed_AS taken apart (reconcile.c): what the processes and the
 * shmem objects account for, and the rest. */
struct ovc_live_reconcile {
	uint64_t committed_as_kb;	/* meminfo Committed_AS */
	uint64_t private_kb;		/* Σ smaps "ac" of the processes whose smaps was read */
	size_t private_procs;
	size_t hidden_procs;		/* processes with an mm whose smaps could not be read */
	uint64_t hidden_estimate_kb;	/* Σ their VmData + VmStk (status): an upper estimate */
	uint64_t shared_anon_kb;	/* shared anonymous objects, each once: size, or rss + swap if nr */
	size_t shared_anon_objects;
	uint64_t sysv_kb;		/* /proc/sysvipc/shm: Σ size */
	size_t sysv_segments;
	uint64_t shmem_files_kb;	/* tmpfs and memfd pages: Shmem - resident SysV and shared anon */
	int64_t unexplained_kb;		/* Committed_AS - all of the above; < 0: more explained */
};

/* A memory cgroup's own OOM (mem_cgroup_out_of_memory): its subtree's
 * processes ranked with totalpages = mem_cgroup_get_max(). */
struct ovc_live_memcg_oom {
	int memcg;			/* index in snap->memcgs */
	uint64_t totalpages;		/* pages */
	struct ovc_live_row *rows;	/* the subtree's processes, in the OOM order */
	size_t nrows;
	int chosen;			/* index into rows of the victim, -1 none */
	int group;			/* memcg whose tasks all die with it (oom.group), -1 */
	uint8_t kill_disabled;		/* v1 oom_kill_disable: no victim, the faulting tasks wait */
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
	int chosen_group;		/* memcg whose tasks all die with it (oom.group), -1 */
	size_t score_mismatches;	/* model and kernel oom_score apart by more than: */
	uint64_t score_slack;		/* what 6.2+'s per-CPU RSS counters can hide (0 before) */
	struct ovc_live_reconcile rec;	/* Committed_AS taken apart (reconcile.c) */
	/* each limited memory cgroup's own OOM (memcg_oom.c) */
	struct ovc_live_memcg_oom *memcg_ooms;
	size_t nmemcg_ooms;
};

/* A sysctl to apply before the analysis (ovc whatif). */
struct ovc_live_set {
	enum ovc_sysctl_key key;
	int64_t value;
};
#endif
