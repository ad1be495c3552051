/* profile.h - kernel generations as data.
 *
 * Each aspect of the modelled kernel (commit admission, the Committed_AS
 * counter, syscall details, watermarks, OOM badness, oom_score, the OOM
 * report) has a table of eras: one row per kernel release where that
 * aspect changed. A profile is one row from each table, chosen once from a
 * version ("4.9", "6.1.55") or a named vendor kernel ("rhel6"), and stored
 * in the machine. The model calls through it and never compares versions.
 *
 * Adding an era: one row in lib/profile.c, at most one rule function, and
 * golden scenarios on both sides of the boundary.
 */
#ifndef OVC_PROFILE_H
#define OVC_PROFILE_H

#include <stddef.h>
#include <stdint.h>

#include "ovc/err.h"

#define OVC_KV(a, b, c) (((unsigned)(a) << 16) | ((unsigned)(b) << 8) | (unsigned)(c))

struct ovc_machine;
struct ovc_mm;
struct ovc_admit;

/* The head every era row starts with, so tables can be listed uniformly. */
struct ovc_era {
	unsigned first;		/* first mainline version of the era (OVC_KV) */
	const char *name;	/* "3.10", "rhel6" */
	const char *change;	/* what changed at this boundary, one line */
	const char *source;	/* kernel file and function it models, and where read */
};

/* OVERCOMMIT_GUESS and OVERCOMMIT_NEVER tests of __vm_enough_memory().
 * Called after the request was added to Committed_AS; return 1 to admit,
 * 0 to refuse, and fill a with the arithmetic. */
typedef int (*ovc_guess_fn)(const struct ovc_machine *m, uint64_t pages,
			    int admin, struct ovc_admit *a);
typedef int (*ovc_never_fn)(const struct ovc_machine *m, const struct ovc_mm *mm,
			    uint64_t pages, int admin, struct ovc_admit *a);

struct ovc_admission_era {
	struct ovc_era era;
	ovc_guess_fn guess;
	ovc_never_fn never;
	uint8_t has_kbytes;		/* vm.overcommit_kbytes exists */
	uint8_t has_admin_reserve;	/* vm.admin_reserve_kbytes exists */
	uint8_t has_user_reserve;	/* vm.user_reserve_kbytes exists */
	uint8_t signed_arith;		/* long arithmetic: no unsigned wrap-around */
	uint8_t guess_reclaimable;	/* GUESS adds NR_KERNEL_MISC_RECLAIMABLE-like pages */
};

/* The vm_committed_as percpu_counter. */
struct ovc_counter_era {
	struct ovc_era era;
	/* Batch size in pages for this machine under policy (0, 1, 2). */
	int32_t (*batch)(const struct ovc_machine *m, int policy);
	uint8_t meminfo_exact;		/* /proc/meminfo shows the exact sum (5.9+) */
	uint8_t sync_on_never;		/* writing policy 2 folds per-CPU deltas (5.9+) */
};

/* Where a private anonymous mmap without MAP_FIXED is placed for
 * transparent huge pages (mm/mmap.c __get_unmapped_area ->
 * mm/huge_memory.c __thp_get_unmapped_area; lib/mmap.c get_unmapped_area). */
enum ovc_thp_align {
	OVC_THP_ALIGN_NONE,	/* no alignment (before 6.7) */
	OVC_THP_ALIGN_ANY,	/* 6.7: lengths of 2 MiB or more, hinted or not */
	OVC_THP_ALIGN_PMD_LEN,	/* 6.12: only 2 MiB multiples, and only without a hint */
};

/* Details of the memory syscalls that moved between releases. */
struct ovc_syscall_era {
	struct ovc_era era;
	int mremap_commit_errno;	/* EFAULT before 4.1, ENOMEM after */
	uint8_t data_rlimit_mmap;	/* RLIMIT_DATA also limits private writable mmap (4.7+) */
	uint8_t mprotect_unaccount;	/* unfaulted anon VMA made read-only is uncharged (6.7+) */
	uint8_t fixed_keeps_old;	/* a refused MAP_FIXED keeps the old mapping (6.12+) */
	uint8_t has_dontunmap;		/* MREMAP_DONTUNMAP exists (5.7+) */
	uint8_t thp_anon_align;		/* enum ovc_thp_align (6.7+, narrowed in 6.12) */
};

/* Watermarks and the default vm.min_free_kbytes. */
struct ovc_watermark_era {
	struct ovc_era era;
	uint32_t min_free_max_kb;	/* clamp of the computed default: 65536, 262144 */
	uint8_t has_scale_factor;	/* vm.watermark_scale_factor (4.6+) */
};

/* OOM killer generations (badness, selection, /proc/PID/oom_score, report). */
enum ovc_badness_rule {
	OVC_BADNESS_LEGACY,	/* badness() of 2.6.x: total_vm, children, cpu, nice, oom_adj */
	OVC_BADNESS_PERMILLE,	/* 2.6.36: rss+ptes+swap per mille of totalpages, root -30 */
	OVC_BADNESS_PAGES,	/* 3.5: pages, adj scaled by totalpages/1000, root adj -30 */
	OVC_BADNESS_PAGES_ROOT3,/* 3.14: root bonus 3% of points */
	OVC_BADNESS_PAGES_NOROOT,/* 4.17: no root bonus */
	OVC_BADNESS_SIGNED,	/* 5.9: signed, unclamped, LONG_MIN for ineligible */
};

struct ovc_oom_era {
	struct ovc_era era;
	enum ovc_badness_rule badness;
	uint8_t child_sacrifice;	/* 0 none, 1 first child (2.6.32), 2 highest child */
	uint8_t ties_last;		/* an equal later task replaces the chosen one */
	uint8_t leader_ties;		/* equal scores keep a thread-group leader (3.14-5.2) */
	uint8_t kill_sharers;		/* other processes on the victim's mm: 0 spared (2.6.32,
					 * 2.6.36), 1 killed unless OOM_SCORE_ADJ_MIN (3.2),
					 * 2 all but init (4.8), 3 all, none spared (2.6.37, RHEL6) */
	uint8_t shared_disable;		/* mm->oom_disable_count: one -1000 process on an mm makes
					 * every process on it unkillable (2.6.37-3.1, RHEL6) */
	uint8_t skip_vfork;		/* in_vfork() tasks are not candidates (4.8) */
	uint8_t adj_mm_wide;		/* an oom_score_adj write reaches every process on the mm (4.8) */
	uint8_t oom_group;		/* memory.oom.group kills the victim's whole cgroup (4.19) */
	uint8_t memcg_panic;		/* panic_on_oom=2 panics memcg OOMs too (not 2.6.32) */
	uint8_t pf_kills;		/* VM_FAULT_OOM in the fault handler runs a global OOM (up to 5.15) */
};

enum ovc_score_rule {
	OVC_SCORE_RAW,		/* badness() itself */
	OVC_SCORE_PERMILLE,	/* oom_badness() with totalpages = RAM + swap */
	OVC_SCORE_SCALED,	/* badness * 1000 / totalpages */
	OVC_SCORE_SHIFTED,	/* (1000 + badness * 1000 / totalpages) * 2 / 3 */
};

/* How /proc/PID/oom_adj and oom_score_adj are kept (fs/proc/base.c, spec §7.3). */
enum ovc_adj_rule {
	OVC_ADJ_LEGACY,		/* 2.6.32: only oom_adj exists */
	OVC_ADJ_BOTH,		/* 2.6.36-3.6: both stored, each write converts into the other */
	OVC_ADJ_DERIVED,	/* 3.7: only oom_score_adj; oom_adj is computed when read */
};

struct ovc_score_era {
	struct ovc_era era;
	enum ovc_score_rule rule;
	enum ovc_adj_rule adj;
	uint8_t adj_read_cap;		/* reading oom_adj is capped at 15 (~5.11) */
};

struct ovc_report_era {
	struct ovc_era era;
	unsigned format;	/* index into render/oom_report.c's format table */
};

/* How a process's memory counters are kept (RSS, page tables): what
 * oom_badness and /proc/PID/status read. */
enum ovc_rss_counter {
	OVC_RSS_ATOMIC,		/* mm counters updated at once */
	OVC_RSS_SPLIT,		/* 2.6.34: a task's own changes folded into the mm every
				 * 64 faults, at exec and exit (SPLIT_RSS_COUNTING) */
	OVC_RSS_PERCPU,		/* 6.2: per-CPU counters, read approximately */
};

struct ovc_mm_era {
	struct ovc_era era;
	uint8_t pgtable_levels;		/* page-table levels counted: 1 nr_ptes, 2 + nr_pmds
					 * (4.0), 3 + PUD tables, as pgtables_bytes (4.14) */
	enum ovc_rss_counter rss;
};

struct ovc_profile {
	char name[24];		/* what was asked for: "4.9", "rhel6" */
	unsigned kver;		/* OVC_KV of it */
	const struct ovc_admission_era *admission;
	const struct ovc_counter_era *counter;
	const struct ovc_syscall_era *syscall;
	const struct ovc_watermark_era *watermark;
	const struct ovc_oom_era *oom;
	const struct ovc_score_era *score;
	const struct ovc_report_era *report;
	const struct ovc_mm_era *mm;
};

/* Resolve "2.6.32", "4.9", "6.1.55", "6.12" or "rhel6". Versions older
 * than 2.6.32 are refused (ovc does not model them). */
int ovc_profile_for(const char *spec, struct ovc_profile *out, struct ovc_err *e);

/* The tables, for `ovc sim --list-kernels`. */
struct ovc_aspect {
	const char *name;	/* "admission", "counter", ... */
	const char *title;	/* "commit admission (__vm_enough_memory)" */
	const void *rows;	/* array of era rows, each starting with struct ovc_era */
	size_t stride, count;
	size_t vendor;		/* index of the first vendor (rhel6) row; main rows before it */
};
const struct ovc_aspect *ovc_profile_aspects(size_t *count);

/* The era head of row i of an aspect. */
const struct ovc_era *ovc_aspect_row(const struct ovc_aspect *a, size_t i);

/* Format kver as "4.9" or "2.6.32" into buf (no I/O; for the front ends). */
const char *ovc_kver_str(unsigned kver, char *buf, size_t n);

#endif
