/* profile.c - kernel-era tables (a row per release where an aspect changed) and lookup. */
#include "ovc/profile.h"

#include <errno.h>
#include <stdio.h>
#include <string.h>

#include "ovc/commit.h"

/*
 * Every row's `first` is the first mainline release of its era; a version
 * takes, for each aspect, the last main row whose first <= version. Vendor
 * kernels (rhel6) take their own row where the aspect has one and the row
 * of the mainline release they are based on (2.6.32) otherwise.
 *
 * `source` names the kernel file and function the row models and the copy
 * that was read (mirrors as listed in kernel-spec.md §0.1), or the patch
 * when no source tree of that version was read. Boundaries marked
 * "assumed" are the spec's §11 open points.
 */

#define KV OVC_KV
#define N_ROWS(t) (sizeof(t) / sizeof((t)[0]))

/* Rule functions: lib/admission.c (vm_enough_memory_*) and lib/commit.c (batch). */
int vm_enough_memory_guess_v2_6_32(const struct ovc_machine *m, uint64_t pages,
				   int admin, struct ovc_admit *a);
int vm_enough_memory_guess_rhel6(const struct ovc_machine *m, uint64_t pages,
				 int admin, struct ovc_admit *a);
int vm_enough_memory_guess_v3_1(const struct ovc_machine *m, uint64_t pages,
				int admin, struct ovc_admit *a);
int vm_enough_memory_guess_v3_10(const struct ovc_machine *m, uint64_t pages,
				 int admin, struct ovc_admit *a);
int vm_enough_memory_guess_v5_2(const struct ovc_machine *m, uint64_t pages,
				int admin, struct ovc_admit *a);
int vm_enough_memory_never_v2_6_32(const struct ovc_machine *m, const struct ovc_mm *mm,
				   uint64_t pages, int admin, struct ovc_admit *a);
int vm_enough_memory_never_rhel6(const struct ovc_machine *m, const struct ovc_mm *mm,
				 uint64_t pages, int admin, struct ovc_admit *a);
int vm_enough_memory_never_v3_10(const struct ovc_machine *m, const struct ovc_mm *mm,
				 uint64_t pages, int admin, struct ovc_admit *a);
int32_t percpu_counter_batch_v2_6_32(const struct ovc_machine *m, int policy);
int32_t mm_compute_batch_v3_11(const struct ovc_machine *m, int policy);
int32_t mm_compute_batch_v5_9(const struct ovc_machine *m, int policy);

/* ------------------------------------------------------------------
 * Commit admission: __vm_enough_memory() (spec §1.1, §3)
 */
static const struct ovc_admission_era admission_table[] = {
	{ { KV(2, 6, 32), "2.6.32",
	    "baseline: GUESS file+swap+slab then free-totalreserve, 3% root cuts; NEVER ratio -3% -total_vm/32; unsigned",
	    "mm/mmap.c __vm_enough_memory (2.6.32.67, xuguangmin/linux-2.6.32.67-for-study)" },
	  vm_enough_memory_guess_v2_6_32, vm_enough_memory_never_v2_6_32, 0, 0, 0, 0, 0 },
	{ { KV(3, 1, 0), "3.1",
	    "GUESS rewritten (Dmitry Fink): free+file-shmem+swap+slab, minus totalreserve, minus free/32; merge in 3.1 assumed",
	    "mm/mmap.c __vm_enough_memory (3.1.y, kangsterizer/linux-3.1.y-rsbac); LKML 9 Jul 2011" },
	  vm_enough_memory_guess_v3_1, vm_enough_memory_never_v2_6_32, 0, 0, 0, 0, 0 },
	{ { KV(3, 10, 0), "3.10",
	    "admin_reserve_kbytes and user_reserve_kbytes replace the hard-coded 3% cuts (Andrew Shewmaker)",
	    "mm/mmap.c __vm_enough_memory, init_admin_reserve, init_user_reserve (3.10.9, AndreiLux/ref-3.10)" },
	  vm_enough_memory_guess_v3_10, vm_enough_memory_never_v3_10, 0, 1, 1, 0, 0 },
	{ { KV(3, 14, 0), "3.14",
	    "vm.overcommit_kbytes and vm_commit_limit() (Jerome Marchand): the NEVER limit may be absolute; still unsigned",
	    "mm/mmap.c vm_commit_limit, __vm_enough_memory (3.14; spec §3.4, form read in 5.10.228 mm/util.c)" },
	  vm_enough_memory_guess_v3_10, vm_enough_memory_never_v3_10, 1, 1, 1, 0, 0 },
	{ { KV(4, 0, 0), "4.0",
	    "signed arithmetic (Roman Gushchin, 'mm: fix arithmetic overflow in __vm_enough_memory()'): no wrap-around pass",
	    "mm/util.c __vm_enough_memory (4.19, 0x88888888/linux-4.19-comments); fix mailed 29 Jan 2015" },
	  vm_enough_memory_guess_v3_10, vm_enough_memory_never_v3_10, 1, 1, 1, 1, 0 },
	{ { KV(4, 17, 0), "4.17",
	    "GUESS counts NR_INDIRECTLY_RECLAIMABLE_BYTES >> PAGE_SHIFT as free (Roman Gushchin)",
	    "mm/util.c __vm_enough_memory (4.19, 0x88888888/linux-4.19-comments)" },
	  vm_enough_memory_guess_v3_10, vm_enough_memory_never_v3_10, 1, 1, 1, 1, 1 },
	{ { KV(4, 20, 0), "4.20",
	    "GUESS counts NR_KERNEL_MISC_RECLAIMABLE pages instead (rename of the 4.17 counter; 4.20 assumed)",
	    "mm/util.c __vm_enough_memory (5.0/5.1 text; spec §3.3 G5, §11.2)" },
	  vm_enough_memory_guess_v3_10, vm_enough_memory_never_v3_10, 1, 1, 1, 1, 1 },
	{ { KV(5, 2, 0), "5.2",
	    "GUESS refuses only a request larger than RAM + swap (Johannes Weiner, 8c7829b04c52)",
	    "mm/util.c __vm_enough_memory (5.10.228, 06I90/Notes-of-Kernel-5.10.228)" },
	  vm_enough_memory_guess_v5_2, vm_enough_memory_never_v3_10, 1, 1, 1, 1, 0 },
	/* vendor */
	{ { KV(2, 6, 32), "rhel6",
	    "RHEL6 backports: admin_reserve_kbytes replaces the stage-1 GUESS and NEVER 3% cuts; overcommit_kbytes; no user reserve",
	    "mm/mmap.c __vm_enough_memory, vm_commit_limit; kernel/sysctl.c (2.6.32-642.6.2.el6, functor/linux-2.6.32-642.6.2.el6)" },
	  vm_enough_memory_guess_rhel6, vm_enough_memory_never_rhel6, 1, 1, 0, 0, 0 },
};

/* ------------------------------------------------------------------
 * The vm_committed_as percpu_counter (spec §1.2, §4)
 */
static const struct ovc_counter_era counter_table[] = {
	{ { KV(2, 6, 32), "2.6.32",
	    "baseline: generic percpu_counter_batch max(32, 2*CPUs); meminfo shows the approximate count",
	    "include/linux/mman.h vm_acct_memory, lib/percpu_counter.c compute_batch_value (2.6.32.67; 3.10.9 AndreiLux/ref-3.10)" },
	  percpu_counter_batch_v2_6_32, 0, 0 },
	{ { KV(3, 11, 0), "3.11",
	    "vm_committed_as_batch = max(32, 2*CPUs, min(ram/CPUs/256, INT_MAX)) (Tim Chen)",
	    "mm/mm_init.c mm_compute_batch (3.11 patch; form read in 5.10.228, 06I90/Notes-of-Kernel-5.10.228)" },
	  mm_compute_batch_v3_11, 0, 0 },
	{ { KV(5, 9, 0), "5.9",
	    "batch ram/CPUs/256 under NEVER, /4 otherwise; meminfo shows the exact sum; writing policy 2 syncs every CPU (Feng Tang)",
	    "mm/mm_init.c mm_compute_batch, mm/util.c overcommit_policy_handler, vm_memory_committed (5.10.228, 06I90)" },
	  mm_compute_batch_v5_9, 1, 1 },
};

/* ------------------------------------------------------------------
 * Syscall details (spec §5)
 */
static const struct ovc_syscall_era syscall_table[] = {
	/* errno, data_rlimit_mmap, mprotect_unaccount, fixed_keeps_old,
	 * has_dontunmap, thp_anon_align */
	{ { KV(2, 6, 32), "2.6.32",
	    "baseline: mremap commit failure is EFAULT; RLIMIT_DATA only limits brk",
	    "mm/mremap.c vma_to_resize, mm/shmem.c shmem_acct_size, mm/mmap.c mmap_region (2.6.32.67; RHEL6 functor)" },
	  EFAULT, 0, 0, 0, 0, OVC_THP_ALIGN_NONE },
	{ { KV(4, 1, 0), "4.1",
	    "mremap returns ENOMEM when the commit test fails (Derek Che, Mar 2015; 4.1 assumed)",
	    "mm/mremap.c vma_to_resize (patch 'mremap should return -ENOMEM when __vm_enough_memory fail')" },
	  ENOMEM, 0, 0, 0, 0, OVC_THP_ALIGN_NONE },
	{ { KV(4, 7, 0), "4.7",
	    "RLIMIT_DATA also limits private writable mmaps (may_expand_vm)",
	    "mm/mmap.c may_expand_vm (4.7; spec §5.2)" },
	  ENOMEM, 1, 0, 0, 0, OVC_THP_ALIGN_NONE },
	{ { KV(5, 7, 0), "5.7",
	    "MREMAP_DONTUNMAP: move a mapping and keep the old range mapped (new length charged in full)",
	    "mm/mremap.c mremap, move_vma (5.7, commit e346b3813067)" },
	  ENOMEM, 1, 0, 0, 1, OVC_THP_ALIGN_NONE },
	/* The THP alignment came in 6.7 (efa7df3e3bb5; a first version,
	 * f35b5d7d676e, was reverted before 6.1 final); the top-down fix
	 * 96204e15310c is 6.8 and 6.7.y stable, and modelled from 6.7 on. */
	{ { KV(6, 7, 0), "6.7",
	    "an unfaulted private anonymous VMA made read-only is uncharged (Lorenzo Stoakes); private anonymous mmaps of 2 MiB or more start on a 2 MiB boundary (Rik van Riel)",
	    "mm/mprotect.c mprotect_fixup (patch 'mm/mprotect: allow unfaulted VMAs to be unaccounted on mprotect()', Oct 2023); mm/mmap.c get_unmapped_area, mm/huge_memory.c __thp_get_unmapped_area (efa7df3e3bb5, 96204e15310c: 6.7-stable patch mail; 6.1.131 GrapheneOS/kernel_common-6.1 for the base)" },
	  ENOMEM, 1, 1, 0, 1, OVC_THP_ALIGN_ANY },
	{ { KV(6, 12, 0), "6.12",
	    "a refused MAP_FIXED keeps the old mapping, only net new pages are charged (Liam Howlett rework; assumed); THP alignment only for 2 MiB multiples without a hint (Vlastimil Babka; Kalesh Singh, 6.13 and 6.12.y)",
	    "mm/vma.c, mm/mmap.c mmap_region (6.12; not read in source, spec §11.6); mm/mmap.c __get_unmapped_area (6.12.93, GrapheneOS/kernel_common-6.12; d4148aeab412)" },
	  ENOMEM, 1, 1, 1, 1, OVC_THP_ALIGN_PMD_LEN },
};

/* ------------------------------------------------------------------
 * Watermarks and min_free_kbytes (spec §1.6, §10)
 */
static const struct ovc_watermark_era watermark_table[] = {
	{ { KV(2, 6, 32), "2.6.32",
	    "baseline: min_free_kbytes = sqrt(lowmem_kB*16) clamped to [128, 65536]; low/high = min + min/4, min/2",
	    "mm/page_alloc.c init_per_zone_pages_min, setup_per_zone_wmarks (2.6.32.67; 3.10.9 AndreiLux/ref-3.10)" },
	  65536, 0 },
	{ { KV(4, 6, 0), "4.6",
	    "vm.watermark_scale_factor: gap = max(min/4, managed*wsf/10000) (795ae7a0de6b)",
	    "mm/page_alloc.c __setup_per_zone_wmarks (4.6, commit 795ae7a0de6b)" },
	  65536, 1 },
	{ { KV(5, 7, 0), "5.7",
	    "default min_free_kbytes clamp raised to 262144 (Joel Savitz)",
	    "mm/page_alloc.c init_per_zone_wmark_min (patch 'mm/page_alloc: increase default min_free_kbytes bound', Feb 2020)" },
	  262144, 1 },
};

/* ------------------------------------------------------------------
 * OOM badness and selection (spec §1.3, §6.5, §6.6)
 */
static const struct ovc_oom_era oom_table[] = {
	/* badness, child, ties_last, leader_ties, kill_sharers, shared_disable,
	 * skip_vfork, adj_mm_wide, oom_group, memcg_panic, pf_kills */
	{ { KV(2, 6, 32), "2.6.32",
	    "baseline: badness() on total_vm with child, cpu, runtime, nice and capability heuristics; first child sacrificed",
	    "mm/oom_kill.c badness, select_bad_process, oom_kill_process (2.6.32, zybsyzlz/linux-2.6.32)" },
	  OVC_BADNESS_LEGACY, 1, 0, 0, 0, 0, 0, 0, 0, 0, 1 },
	{ { KV(2, 6, 36), "2.6.36",
	    "badness rewrite (David Rientjes, a63d83f427fb): rss+ptes+swap per mille, root -30, highest child sacrificed; only the victim is killed",
	    "mm/oom_kill.c oom_badness, oom_kill_task (2.6.36, galeksandrp-keenetic/linux-2.6.36)" },
	  OVC_BADNESS_PERMILLE, 2, 0, 0, 0, 0, 0, 0, 0, 1, 1 },
	/* 2.6.37: 3d5992d2ac7d (Ying Han) adds mm->oom_disable_count, tested in
	 * oom_badness; 1e99bad0d9c1 makes oom_kill_task SIGKILL every other
	 * process on the victim's mm, with no oom_score_adj exception (there
	 * can be no -1000 one: the count would have made the mm unkillable). */
	{ { KV(2, 6, 37), "2.6.37",
	    "per-mm oom_disable_count: an mm with a -1000 user is not a candidate; every other process on the victim's mm is killed",
	    "mm/oom_kill.c oom_badness, oom_kill_task; fs/proc/base.c oom_score_adj_write (commits 3d5992d2ac7d, 1e99bad0d9c1; 3.0 text, RHEL6 backport functor/linux-2.6.32-642.6.2.el6)" },
	  OVC_BADNESS_PERMILLE, 2, 0, 0, 3, 1, 0, 0, 0, 1, 1 },
	/* 3.2: c9f01245b6a7 drops the count; the sharer loop skips -1000 ones. */
	{ { KV(3, 2, 0), "3.2",
	    "oom_disable_count removed (c9f01245b6a7): a -1000 process no longer shields its mm's other users and is itself spared when they die",
	    "mm/oom_kill.c oom_badness, oom_kill_task (patch 'oom: remove oom_disable_count', David Rientjes, Aug 2011, merged for 3.2)" },
	  OVC_BADNESS_PERMILLE, 2, 0, 0, 1, 0, 0, 0, 0, 1, 1 },
	{ { KV(3, 5, 0), "3.5",
	    "badness in pages, oom_score_adj scaled by totalpages/1000, root adj -30 (Rientjes, May 2012)",
	    "mm/oom_kill.c oom_badness (3.10.9, AndreiLux/ref-3.10)" },
	  OVC_BADNESS_PAGES, 2, 0, 0, 1, 0, 0, 0, 0, 1, 1 },
	{ { KV(3, 14, 0), "3.14",
	    "root bonus = 3% of points (778c14affaf9); equal scores keep a thread-group leader (d49ad9355420)",
	    "mm/oom_kill.c oom_badness, oom_evaluate_task (4.19 text, 0x88888888/linux-4.19-comments)" },
	  OVC_BADNESS_PAGES_ROOT3, 2, 0, 1, 1, 0, 0, 0, 0, 1, 1 },
	{ { KV(4, 8, 0), "4.8",
	    "every process sharing the victim's mm is killed; vfork children are skipped; oom_score_adj is per mm (Michal Hocko; 4.8 assumed)",
	    "mm/oom_kill.c __oom_kill_process, oom_badness; fs/proc/base.c __set_oom_adj (4.19 text, 0x88888888/linux-4.19-comments)" },
	  OVC_BADNESS_PAGES_ROOT3, 2, 0, 1, 2, 0, 1, 1, 0, 1, 1 },
	{ { KV(4, 17, 0), "4.17",
	    "root bonus removed (Rientjes, 'mm, oom: remove 3% bonus for CAP_SYS_ADMIN processes')",
	    "mm/oom_kill.c oom_badness (4.19, 0x88888888/linux-4.19-comments)" },
	  OVC_BADNESS_PAGES_NOROOT, 2, 0, 1, 2, 0, 1, 1, 0, 1, 1 },
	{ { KV(4, 19, 0), "4.19",
	    "memory.oom.group: the victim's whole cgroup is killed (Roman Gushchin)",
	    "mm/oom_kill.c oom_kill_process, oom_kill_memcg_member; mm/memcontrol.c mem_cgroup_get_oom_group (4.19, 0x88888888)" },
	  OVC_BADNESS_PAGES_NOROOT, 2, 0, 1, 2, 0, 1, 1, 1, 1, 1 },
	{ { KV(5, 1, 0), "5.1",
	    "no child sacrifice: the selected process itself is killed (bbbe48029720)",
	    "mm/oom_kill.c oom_kill_process (commit bbbe48029720)" },
	  OVC_BADNESS_PAGES_NOROOT, 0, 0, 1, 2, 0, 1, 1, 1, 1, 1 },
	{ { KV(5, 3, 0), "5.3",
	    "leader tie rule removed: a later equal task wins (Tetsuo Handa, Jun 2019; 5.3 assumed)",
	    "mm/oom_kill.c oom_evaluate_task (patch, Jun 2019; spec §11.8)" },
	  OVC_BADNESS_PAGES_NOROOT, 0, 1, 0, 2, 0, 1, 1, 1, 1, 1 },
	{ { KV(5, 9, 0), "5.9",
	    "signed unclamped badness, LONG_MIN marks the ineligible (Yafang Shao, 9066e5cfb73c)",
	    "mm/oom_kill.c oom_badness, select_bad_process (6.1, Anything-at-25-00/kernel_common_android14-6.1)" },
	  OVC_BADNESS_SIGNED, 0, 1, 0, 2, 0, 1, 1, 1, 1, 1 },
	{ { KV(5, 16, 0), "5.16",
	    "a VM_FAULT_OOM reaching the fault handler no longer runs the OOM killer: the fault is retried (60e2793d440a)",
	    "mm/oom_kill.c pagefault_out_of_memory (commit 60e2793d440a, Michal Hocko; spec §6.1)" },
	  OVC_BADNESS_SIGNED, 0, 1, 0, 2, 0, 1, 1, 1, 1, 0 },
	/* vendor */
	/* RHEL6 has the 2.6.37 rules (checked in oom_badness, oom_kill_task,
	 * oom_score_adj_write): oom_disable_count, every sharer killed with a
	 * "Kill process ... sharing same memory" line, no in_vfork() test, and
	 * an oom_score_adj write changes only the written process. */
	{ { KV(2, 6, 32), "rhel6",
	    "RHEL6 carries the 2.6.36 rewrite and the 2.6.37 per-mm rules: per-mille badness, highest-child sacrifice, first maximum wins, oom_disable_count, every sharer killed",
	    "mm/oom_kill.c oom_badness, select_bad_process, oom_kill_task; fs/proc/base.c oom_score_adj_write (2.6.32-642.6.2.el6, functor)" },
	  OVC_BADNESS_PERMILLE, 2, 0, 0, 3, 1, 0, 0, 0, 1, 1 },
};

/* ------------------------------------------------------------------
 * /proc/PID/oom_score, oom_adj, oom_score_adj (spec §1.4, §7)
 */
static const struct ovc_score_era score_table[] = {
	{ { KV(2, 6, 32), "2.6.32",
	    "baseline: oom_score is badness() itself, unbounded; only oom_adj exists",
	    "fs/proc/base.c proc_oom_score, oom_adjust_write (2.6.32, zybsyzlz/linux-2.6.32)" },
	  OVC_SCORE_RAW, OVC_ADJ_LEGACY, 0 },
	{ { KV(2, 6, 36), "2.6.36",
	    "oom_badness() with totalpages = RAM + swap: 0..1000; oom_score_adj joins oom_adj, each write converts",
	    "fs/proc/base.c proc_oom_score, oom_adjust_write, oom_score_adj_write (commit a63d83f427fb)" },
	  OVC_SCORE_PERMILLE, OVC_ADJ_BOTH, 0 },
	{ { KV(3, 5, 0), "3.5",
	    "badness pages * 1000 / (RAM + swap); small eligible tasks read 0",
	    "fs/proc/base.c proc_oom_score (3.5 patch; 4.19 text)" },
	  OVC_SCORE_SCALED, OVC_ADJ_BOTH, 0 },
	{ { KV(3, 7, 0), "3.7",
	    "oom_adj is no longer stored: written through to oom_score_adj and derived from it when read (Davidlohr Bueso)",
	    "fs/proc/base.c oom_adj_read, oom_adj_write (patch 'oom: remove deprecated oom_adj', Aug 2012; 4.19 text)" },
	  OVC_SCORE_SCALED, OVC_ADJ_DERIVED, 0 },
	{ { KV(5, 9, 0), "5.9",
	    "(1000 + badness*1000/totalpages) * 2/3, 0 for the ineligible (9066e5cfb73c)",
	    "fs/proc/base.c proc_oom_score (modern base.c, index id 5984465)" },
	  OVC_SCORE_SHIFTED, OVC_ADJ_DERIVED, 0 },
	{ { KV(5, 11, 0), "5.11",
	    "reading oom_adj is capped at 15 (Charles Haithcock, Oct 2020; ~5.11 assumed, spec §11.12)",
	    "fs/proc/base.c oom_adj_read (patch 'mm, oom: keep oom_adj under or at upper limit when printing')" },
	  OVC_SCORE_SHIFTED, OVC_ADJ_DERIVED, 1 },
	/* vendor */
	{ { KV(2, 6, 32), "rhel6",
	    "RHEL6 reports the 2.6.36 per-mille score and keeps both oom_adj and oom_score_adj",
	    "fs/proc/base.c proc_oom_score (2.6.32-642.6.2.el6, functor; via oom_badness)" },
	  OVC_SCORE_PERMILLE, OVC_ADJ_BOTH, 0 },
};

/* ------------------------------------------------------------------
 * OOM report layout (spec §1.5, §9.5). format = the row's index, which
 * render/ uses to pick its template.
 */
static const struct ovc_report_era report_table[] = {
	{ { KV(2, 6, 32), "2.6.32",
	    "baseline: oom_adj in the invoked line and task table; 'kill process ... or a child'; 'Killed process N (name)'",
	    "mm/oom_kill.c dump_header, dump_tasks, oom_kill_process (2.6.32, zybsyzlz/linux-2.6.32)" },
	  0 },
	{ { KV(2, 6, 36), "2.6.36",
	    "oom_score_adj joins the invoked line and task table; 'Kill process ... or sacrifice child'",
	    "mm/oom_kill.c dump_header, dump_tasks (RHEL6 functor as stand-in; spec §9.5, 2.6.36 start unconfirmed)" },
	  1 },
	{ { KV(3, 7, 0), "3.7",
	    "oom_adj gone: invoked line oom_score_adj=%hd; table rss nr_ptes swapents; Killed line with total-vm/anon-rss/file-rss",
	    "mm/oom_kill.c dump_header, dump_tasks, oom_kill_process (3.10.9, AndreiLux/ref-3.10)" },
	  2 },
	{ { KV(4, 0, 0), "4.0",
	    "task table adds nr_pmds (later in this row: 4.5 shmem-rss, ~4.6 symbolic gfp flags, 4.10 nodemask)",
	    "mm/oom_kill.c dump_tasks (logs 4.3/4.4/4.12; OOMAnalyser)" },
	  3 },
	{ { KV(4, 15, 0), "4.15",
	    "task table shows pgtables_bytes (af5b0f6a09e4)",
	    "mm/oom_kill.c dump_tasks (commit af5b0f6a09e4)" },
	  4 },
	{ { KV(4, 19, 0), "4.19",
	    "'Tasks state (memory values in pages):' line and wide pid column (c3b78b11efbb)",
	    "mm/oom_kill.c dump_tasks (4.19, 0x88888888/linux-4.19-comments)" },
	  5 },
	{ { KV(5, 0, 0), "5.0",
	    "oom-kill:constraint=... summary line replaces the cpuset line; nodemask leaves the invoked line",
	    "mm/oom_kill.c dump_oom_summary (patch yuzhoujian, Dec 2018; 5.13 log)" },
	  6 },
	{ { KV(5, 1, 0), "5.1",
	    "no 'sacrifice child' line; Killed line gets the '<message>: ' prefix (bbbe48029720)",
	    "mm/oom_kill.c __oom_kill_process (commit bbbe48029720; prefix 5.1 assumed)" },
	  7 },
	{ { KV(5, 4, 0), "5.4",
	    "Killed line adds UID, pgtables and oom_score_adj (8ac3f8fe91a2, 70cb6d267790)",
	    "mm/oom_kill.c __oom_kill_process (5.13/5.15 logs; 6.1 Anything-at-25-00)" },
	  8 },
	{ { KV(6, 8, 0), "6.8",
	    "task table adds rss_anon rss_file rss_shmem",
	    "mm/oom_kill.c dump_task (patch 'mm, oom: dump_tasks add rss detailed information printing')" },
	  9 },
	/* vendor */
	{ { KV(2, 6, 32), "rhel6",
	    "RHEL6: oom_adj and oom_score_adj in the invoked line; 'Killed process N, UID U, (name) total-vm:...'",
	    "mm/oom_kill.c dump_header, dump_tasks, oom_kill_process (2.6.32-642.6.2.el6, functor)" },
	  10 },
};

/* ------------------------------------------------------------------
 * A process's memory counters: RSS and page tables, as oom_badness and
 * /proc/PID/status read them.
 */
static const struct ovc_mm_era mm_table[] = {
	{ { KV(2, 6, 32), "2.6.32",
	    "baseline: RSS counters in the mm, updated at each fault; nr_ptes counts PTE tables only",
	    "include/linux/mm_types.h, mm/memory.c __pte_alloc (2.6.32, zybsyzlz/linux-2.6.32)" },
	  1, OVC_RSS_ATOMIC },
	{ { KV(2, 6, 34), "2.6.34",
	    "a task's own RSS changes kept per task, folded into the mm every 64 faults, when it execs or ends (34e55232e59f)",
	    "mm/memory.c check_sync_rss_stat, sync_mm_rss (SPLIT_RSS_COUNTING; 6.1.131 GrapheneOS/kernel_common-6.1)" },
	  1, OVC_RSS_SPLIT },
	{ { KV(4, 0, 0), "4.0",
	    "PMD tables counted too: nr_pmds joins nr_ptes in oom_badness (dc6c9a35b66b)",
	    "mm/oom_kill.c oom_badness, include/linux/mm.h mm_nr_pmds (4.0, commit dc6c9a35b66b)" },
	  2, OVC_RSS_SPLIT },
	{ { KV(4, 14, 0), "4.14",
	    "pgtables_bytes: PTE, PMD and PUD tables in one byte count (af5b0f6a09e4, b4e98d9ac775)",
	    "include/linux/mm.h mm_pgtables_bytes, mm_inc_nr_puds (4.14; 6.1 Anything-at-25-00)" },
	  3, OVC_RSS_SPLIT },
	{ { KV(6, 2, 0), "6.2",
	    "RSS counters are per-CPU counters, read approximately by oom_badness (f1a7941243c1)",
	    "include/linux/mm.h get_mm_counter, kernel/fork.c mm_init (6.2, commit f1a7941243c1)" },
	  3, OVC_RSS_PERCPU },
};

/* ------------------------------------------------------------------
 * The aspect list
 */
enum { A_ADMISSION, A_COUNTER, A_SYSCALL, A_WATERMARK, A_OOM, A_SCORE, A_REPORT, A_MM, A_COUNT };

#define ASPECT(nm, title, t, vend) \
	{ nm, title, t, sizeof((t)[0]), N_ROWS(t), vend }

static const struct ovc_aspect aspect_table[A_COUNT] = {
	[A_ADMISSION] = ASPECT("admission", "commit admission (__vm_enough_memory)", admission_table, 8),
	[A_COUNTER] = ASPECT("counter", "Committed_AS counter (vm_committed_as)", counter_table, 3),
	[A_SYSCALL] = ASPECT("syscall", "memory syscall details", syscall_table, N_ROWS(syscall_table)),
	[A_WATERMARK] = ASPECT("watermark", "watermarks and min_free_kbytes", watermark_table, 3),
	[A_OOM] = ASPECT("oom", "OOM badness and victim selection", oom_table, N_ROWS(oom_table) - 1),
	[A_SCORE] = ASPECT("score", "/proc/PID/oom_score", score_table, N_ROWS(score_table) - 1),
	[A_REPORT] = ASPECT("report", "OOM report layout", report_table, 10),
	[A_MM] = ASPECT("mm", "process memory counters (RSS, page tables)", mm_table, N_ROWS(mm_table)),
};

const struct ovc_aspect *ovc_profile_aspects(size_t *count)
{
	if (count)
		*count = A_COUNT;
	return aspect_table;
}

const struct ovc_era *ovc_aspect_row(const struct ovc_aspect *a, size_t i)
{
	if (i >= a->count)
		return NULL;
	return (const struct ovc_era *)(const void *)((const char *)a->rows + i * a->stride);
}

/* The row of aspect a for kver; vendor (or NULL) names a vendor kernel
 * whose own row, if the aspect has one, wins. */
static const void *pick(const struct ovc_aspect *a, unsigned kver, const char *vendor)
{
	const struct ovc_era *best = NULL, *r;
	size_t i;

	for (i = a->vendor; vendor && i < a->count; i++) {
		r = ovc_aspect_row(a, i);
		if (strcmp(r->name, vendor) == 0)
			return r;
	}
	for (i = 0; i < a->vendor; i++) {
		r = ovc_aspect_row(a, i);
		if (r->first <= kver)
			best = r;
	}
	if (!best)
		OVC_BUG("no era row for a version the parser accepted");
	return best;
}

/* ------------------------------------------------------------------
 * Version strings
 */
static int lower(int c)
{
	return c >= 'A' && c <= 'Z' ? c - 'A' + 'a' : c;
}

static int same_word(const char *a, const char *b)
{
	for (; *a && *b; a++, b++)
		if (lower((unsigned char)*a) != lower((unsigned char)*b))
			return 0;
	return *a == *b;
}

/* Up to four dot-separated numbers ("2.6.32.67"); the first three count.
 * Returns the index just past them, 0 if s does not start that way. */
static size_t scan_version(const char *s, unsigned v[3])
{
	size_t i = 0;
	unsigned n = 0, k;

	v[0] = v[1] = v[2] = 0;
	for (;;) {
		unsigned long x = 0;

		if (s[i] < '0' || s[i] > '9')
			return 0;
		for (k = 0; s[i] >= '0' && s[i] <= '9'; i++, k++)
			if (k < 6)
				x = x * 10 + (unsigned long)(s[i] - '0');
		if (k >= 6)
			return 0;
		if (n < 3)
			v[n] = (unsigned)x;
		n++;
		if (s[i] != '.' || n == 4)
			break;
		i++;
	}
	return n >= 2 ? i : 0;
}

static int parse_kver(const char *spec, unsigned *kver, int *rhel6)
{
	const char *s = spec;
	unsigned v[3];
	size_t n;

	if (*s == 'v' || *s == 'V')
		s++;
	n = scan_version(s, v);
	if (n == 0 || v[0] > 255 || v[1] > 255)
		return -1;
	/* A suffix ("-rc3", "-642.el6.x86_64", "+") is allowed and ignored,
	 * except that a RHEL6 release string selects the rhel6 profile. */
	if (s[n] && !strchr("-+~_", s[n]))
		return -1;
	/* Like the kernel's KERNEL_VERSION: sublevels above 255 saturate. */
	*kver = OVC_KV(v[0], v[1], v[2] > 255 ? 255 : v[2]);
	*rhel6 = *kver == OVC_KV(2, 6, 32) && strstr(s + n, ".el6") != NULL;
	return 0;
}

static void fill(struct ovc_profile *out, unsigned kver, const char *vendor)
{
	out->kver = kver;
	out->admission = pick(&aspect_table[A_ADMISSION], kver, vendor);
	out->counter = pick(&aspect_table[A_COUNTER], kver, vendor);
	out->syscall = pick(&aspect_table[A_SYSCALL], kver, vendor);
	out->watermark = pick(&aspect_table[A_WATERMARK], kver, vendor);
	out->oom = pick(&aspect_table[A_OOM], kver, vendor);
	out->score = pick(&aspect_table[A_SCORE], kver, vendor);
	out->report = pick(&aspect_table[A_REPORT], kver, vendor);
	out->mm = pick(&aspect_table[A_MM], kver, vendor);
}

int ovc_profile_for(const char *spec, struct ovc_profile *out, struct ovc_err *e)
{
	unsigned kver;
	int rhel6 = 0;
	char buf[24];

	if (!spec || !*spec)
		return ovc_err_set(e, OVC_E_PARSE,
				   "no kernel version given: expected a release such as 4.19 or 6.1.55, or rhel6");
	if (same_word(spec, "rhel6")) {
		kver = OVC_KV(2, 6, 32);
		rhel6 = 1;
	} else if (parse_kver(spec, &kver, &rhel6) < 0) {
		return ovc_err_set(e, OVC_E_PARSE,
				   "kernel version \"%.40s\" is not understood: expected a release such as 4.19 or 6.1.55, or rhel6",
				   spec);
	} else if (kver < OVC_KV(2, 6, 32)) {
		return ovc_err_set(e, OVC_E_RANGE,
				   "kernel %.40s is older than 2.6.32, the oldest release ovc models", spec);
	}
	memset(out, 0, sizeof(*out));
	if (rhel6)
		strcpy(out->name, "rhel6");
	else if (strlen(spec) < sizeof(out->name))
		strcpy(out->name, spec);
	else
		strcpy(out->name, ovc_kver_str(kver, buf, sizeof(buf)));
	fill(out, kver, rhel6 ? "rhel6" : NULL);
	return 0;
}

const char *ovc_kver_str(unsigned kver, char *buf, size_t n)
{
	unsigned a = kver >> 16, b = (kver >> 8) & 0xff, c = kver & 0xff;

	if (!buf || n == 0)
		return buf;
	if (c)
		snprintf(buf, n, "%u.%u.%u", a, b, c);
	else
		snprintf(buf, n, "%u.%u", a, b);
	return buf;
}
