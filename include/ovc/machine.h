/* machine.h - the simulated machine: memory, sysctls, tasks, address spaces.
 *
 * One struct ovc_machine holds everything the model knows; every model
 * function takes it explicitly. It is built from a struct ovc_config
 * (what a scenario's machine/state lines or a /proc snapshot say), with
 * the sysctl defaults computed as the kernel computes them at boot.
 *
 * State:   owned by the caller; ovc_machine_free releases it. No globals.
 * Errors:  0 or -OVC_E_*, with struct ovc_err filled.
 * Units:   pages, unless a name ends in _kb or _bytes.
 */
#ifndef OVC_MACHINE_H
#define OVC_MACHINE_H

#include <stdint.h>
#include <stddef.h>

#include "ovc/commit.h"
#include "ovc/err.h"
#include "ovc/itree.h"
#include "ovc/pool.h"
#include "ovc/profile.h"

#define OVC_UNLIMITED UINT64_MAX

/* VMA flags (ovc's own bits; names follow the kernel's VM_* flags). */
enum {
	OVC_VM_READ = 1u << 0,
	OVC_VM_WRITE = 1u << 1,
	OVC_VM_EXEC = 1u << 2,
	OVC_VM_SHARED = 1u << 3,
	OVC_VM_ACCOUNT = 1u << 4,	/* its pages are in Committed_AS */
	OVC_VM_NORESERVE = 1u << 5,
	OVC_VM_HUGETLB = 1u << 6,
	OVC_VM_DONTCOPY = 1u << 7,	/* MADV_DONTFORK */
	OVC_VM_GROWSDOWN = 1u << 8,	/* the stack */
	OVC_VM_LOCKED = 1u << 9,
	OVC_VM_WIPEONFORK = 1u << 10,
	OVC_VM_HEAP = 1u << 11,		/* the brk area (display only) */
	OVC_VM_HUGE_RESV = 1u << 12,	/* owns a hugetlb pool reservation (HPAGE_RESV_OWNER) */
};

/* Flags that take part in the merge test (is_mergeable_vma). */
#define OVC_VM_MERGE_MASK 0x0fffu

struct ovc_vma {
	struct ovc_itnode node;	/* [start, end) in pages */
	uint32_t flags;		/* OVC_VM_* */
	uint32_t obj;		/* 0 for private anonymous, else an object id */
	uint64_t pgoff;		/* page offset in obj; for anonymous the address at creation */
	uint32_t anon_vma;	/* 0 until the first write fault (merge compatibility) */
};

/* A resident range of one address space: pages this mm has mapped. A
 * swapped-out anonymous range stays an extent, of kind OVC_EXT_SWAP (the
 * swap entries in its page tables), on the same frames. */
enum { OVC_EXT_ANON = 1, OVC_EXT_FILE = 2, OVC_EXT_SHMEM = 3, OVC_EXT_SWAP = 4 };
struct ovc_extent {
	struct ovc_itnode node;	/* virtual pages */
	uint64_t frame;		/* first frame id (anon: in m->frames) */
	uint32_t kind;		/* OVC_EXT_* */
	uint32_t obj;		/* object for file and shmem pages */
};

/* Anonymous frames, reference-counted so that pages shared copy-on-write
 * after fork are counted once (a frame range is one node). A frame is an
 * anonymous page wherever it lives: in RAM, or in swap (one swap slot,
 * however many page tables point at it). Frame ids grow with every fault,
 * so the lowest id is the oldest page (reclaim's LRU order, lib/swap.c). */
struct ovc_frames {
	struct ovc_itnode node;	/* frame ids */
	uint32_t refs;		/* extents (page tables) mapping each frame */
	uint16_t memcg;		/* the cgroup charged for it (mem_cgroup_charge) */
	uint8_t swapped;	/* in swap, not in RAM */
	uint8_t locked;		/* faulted in a VM_LOCKED VMA: unevictable */
};

enum { OVC_OBJ_FILE = 1, OVC_OBJ_SHMEM = 2, OVC_OBJ_SYSV = 3 };

/* A file, or a shmem object (shared anonymous mapping, SysV segment). */
struct ovc_object {
	uint32_t id;
	uint32_t kind;		/* OVC_OBJ_* */
	uint64_t pages;		/* size */
	uint64_t charged;	/* pages of Committed_AS this object holds */
	uint8_t noreserve;	/* charged page by page as pages appear */
	uint8_t hugetlb;	/* backed by the hugetlb pool */
	uint8_t removed;	/* IPC_RMID done: dies at the last detach */
	uint32_t maps;		/* VMAs that refer to it */
	uint32_t nattch;	/* SysV attaches */
	int32_t key;		/* SysV key */
	uint64_t cached;	/* resident pages (page cache or shmem) */
	struct ovc_itree cache;	/* which pages are resident (struct ovc_extent) */
};

struct ovc_mm {
	struct ovc_itree vmas;	/* struct ovc_vma */
	struct ovc_itree rss;	/* struct ovc_extent */
	uint32_t users;		/* tasks using it (vfork, CLONE_VM) */
	uint64_t total_vm, locked_vm, data_vm, exec_vm, stack_vm;
	uint64_t committed;	/* pages of its VM_ACCOUNT VMAs */
	uint64_t rss_anon, rss_file, rss_shmem, swapents;
	uint64_t brk_start_bytes, brk_bytes;
	uint64_t data_bytes;	/* end_data - start_data (RLIMIT_DATA for brk) */
	uint64_t mmap_base;	/* top of the mmap area (pages) */
	uint64_t stack_top;	/* pages */
	uint32_t scan_gen;	/* reverse-map walks mark the mms they visited */
};

struct ovc_rlimits {
	uint64_t as, data, memlock, stack;	/* bytes; OVC_UNLIMITED */
};

enum { OVC_TASK_FREE = 0, OVC_TASK_RUNNING, OVC_TASK_EXITED };

struct ovc_task {
	int pid;
	int parent;		/* task index, -1 for none */
	uint32_t uid;
	char comm[16];		/* TASK_COMM_LEN */
	uint8_t state;		/* OVC_TASK_* */
	uint8_t admin;		/* CAP_SYS_ADMIN in the initial user namespace */
	uint8_t cap_resource, cap_rawio, cap_ipc_lock;
	uint8_t in_vfork;	/* a vfork child that has not exec'd or exited */
	uint8_t mlock_future;	/* mlockall(MCL_FUTURE) */
	uint8_t kthread;
	int16_t oom_score_adj;
	int8_t oom_adj;		/* legacy (2.6.x) */
	int8_t nice;
	unsigned cpu;		/* CPU its charges land on (percpu counter) */
	uint64_t cpu_time_ms;	/* utime + stime (legacy badness; HZ = 1000: jiffies) */
	uint64_t start_s;	/* m->uptime_s when it was created */
	struct ovc_rlimits rlim;
	struct ovc_mm *mm;	/* NULL for kernel threads and after exit */
	int leader;		/* task index of its thread-group leader (itself for a process) */
	int memcg;		/* its memory cgroup (index in m->memcgs; 0 = root) */
	int16_t oom_score_adj_min;	/* lowest value it may set without CAP_SYS_RESOURCE */
	uint8_t oom_origin;	/* PF_OOM_ORIGIN / oom_task_origin(): swapoff, KSM unmerge */
	uint8_t oom_killed;	/* killed by the OOM killer (SIGKILL sent) */
	uint32_t live_threads;	/* on a leader: tasks of its group still running */
};

struct ovc_sysctl {
	int overcommit_memory;		/* 0 GUESS, 1 ALWAYS, 2 NEVER */
	int overcommit_ratio;
	uint64_t overcommit_kbytes;
	uint64_t admin_reserve_kbytes;
	uint64_t user_reserve_kbytes;
	uint64_t min_free_kbytes;
	uint64_t max_map_count;
	int watermark_scale_factor;
	int panic_on_oom;
	int oom_kill_allocating_task;
	int oom_dump_tasks;
};

/* Global page counters (the kernel's vmstat items the model needs). */
struct ovc_phys {
	uint64_t free;		/* NR_FREE_PAGES */
	uint64_t file;		/* NR_FILE_PAGES: page cache incl. shmem */
	uint64_t shmem;		/* NR_SHMEM */
	uint64_t anon;		/* anonymous pages */
	uint64_t slab_reclaimable, slab_unreclaimable;
	uint64_t reclaimable;	/* NR_KERNEL_MISC_RECLAIMABLE (and its 4.17 ancestor) */
	uint64_t kernel;	/* everything else the kernel holds */
	uint64_t swap_total, swap_free;
	uint64_t totalreserve;	/* totalreserve_pages */
	uint64_t buffers;	/* part of file: /proc's Buffers (Cached = file - buffers) */
	uint64_t loose_cache;	/* part of file: clean cache of no modelled file (reclaimable) */
	uint64_t min_wmark;	/* pages below which a fault must reclaim first */
};

/* Events of the OOM killer (lib/oom_event.c; struct ovc_oom_event in
 * ovc/oom.h). The machine owns them; the front ends read and clear. */
struct ovc_oom_event;
struct ovc_oom_log {
	struct ovc_oom_event *ev;
	size_t n, cap;
	size_t max;		/* keep at most this many (0: the default, 256) */
	uint64_t dropped;	/* events not kept because the log was full */
	uint64_t seq;		/* events since boot */
};

struct ovc_memcg;

struct ovc_hugetlb {
	uint64_t size_kb;	/* 2048 on x86-64 */
	/* Counts of huge pages as HugePages_Total/Free/Rsvd/Surp: nr holds the
	 * surplus ones too (pages over nr_hugepages that leave the pool when
	 * they are freed or their reservation goes). */
	uint64_t nr, free, resv, surplus;
};

/* What a machine is built from. Zero fields take their defaults. */
struct ovc_config {
	uint64_t ram_kb;		/* MemTotal */
	uint64_t page_size;		/* bytes; default 4096 */
	unsigned ncpus;			/* default 1 */
	uint64_t swap_kb;
	uint64_t hugepages;		/* pool size (count) */
	uint64_t hugepage_kb;		/* default 2048 */
	/* Initial state. Unset (OVC_UNSET) fields are derived: free is what
	 * the rest leaves; the others start at 0. */
	uint64_t free_kb, file_kb, shmem_kb, anon_kb, slab_reclaimable_kb,
		 slab_unreclaimable_kb, reclaimable_kb, buffers_kb,
		 swap_free_kb, totalreserve_kb, committed_kb, boot_free_kb;
	/* Sysctls the scenario sets before boot-time defaults are computed
	 * (OVC_UNSET: kernel default). */
	struct ovc_sysctl vm;
};
#define OVC_UNSET UINT64_MAX
#define OVC_UNSET_INT (-0x7fffffff)

struct ovc_machine {
	struct ovc_profile profile;
	uint64_t page_size;
	unsigned page_shift;
	unsigned ncpus;
	uint64_t ram;			/* totalram_pages */
	struct ovc_phys phys;
	struct ovc_hugetlb huge;
	struct ovc_sysctl vm;
	struct ovc_pcpu committed;	/* vm_committed_as */
	uint64_t committed_base;	/* charges not modelled (state committed=) */

	struct ovc_task *tasks;
	size_t ntasks, tasks_cap;
	int next_pid;

	struct ovc_object **objs;	/* index = id - 1 */
	size_t nobjs, objs_cap;

	struct ovc_itree frames;	/* struct ovc_frames */
	uint64_t next_frame;
	uint32_t next_anon_vma;

	struct ovc_pool vma_pool, extent_pool, frames_pool, mm_pool;
	uint8_t totalreserve_fixed;	/* stated by the scenario: not recomputed */

	/* Memory pressure and the OOM killer (lib/reclaim.c, swap.c, memcg.c, oom_*.c). */
	uint64_t uptime_s;		/* CLOCK_MONOTONIC seconds; settable. New tasks start now */
	int current;			/* task whose fault is running (the kernel's current), or -1 */
	uint8_t oom_killer_disabled;	/* oom_killer_disable(): allocations fail, nothing is killed */
	uint8_t panicked;		/* an OOM panic happened: no further OOM handling */
	uint64_t oom_kill_count;	/* /proc/vmstat oom_kill */
	uint64_t swap_outs, swap_ins;	/* pswpout, pswpin (pages) */
	uint32_t scan_gen;		/* generation for reverse-map walks over mms */
	struct ovc_memcg *memcgs;	/* the cgroup tree; index 0 is the root */
	size_t nmemcgs, memcgs_cap;
	uint64_t memcg_cache;		/* part of phys.loose_cache charged to cgroups */
	struct ovc_oom_log oom_log;
};

/* Build m from cfg under profile p. Fills the kernel's boot-time defaults
 * (admin/user reserves, min_free_kbytes, totalreserve, batch). */
int ovc_machine_init(struct ovc_machine *m, const struct ovc_config *cfg,
		     const struct ovc_profile *p, struct ovc_err *e);
void ovc_machine_free(struct ovc_machine *m);

/* A config with every field unset/default. */
void ovc_config_default(struct ovc_config *cfg);

/* kB <-> pages for this machine. */
static inline uint64_t ovc_kb_to_pages(const struct ovc_machine *m, uint64_t kb)
{
	return kb >> (m->page_shift - 10);
}
static inline uint64_t ovc_pages_to_kb(const struct ovc_machine *m, uint64_t pages)
{
	return pages << (m->page_shift - 10);
}

/* hugetlb_total_pages(): the pool in base pages. */
uint64_t ovc_hugetlb_pages(const struct ovc_machine *m);

/* hugetlb_acct_memory(h, -huge_pages): a reservation of that many huge
 * pages is given back, and the surplus pages it no longer needs leave the
 * pool (return_unused_surplus_pages). lib/sysctl.c, next to the pool
 * resize. */
void ovc_hugetlb_unreserve(struct ovc_machine *m, uint64_t huge_pages);

/* watermark.c: floor(sqrt(x)) as the kernel's int_sqrt(); the era's
 * default vm.min_free_kbytes for this machine; and the watermark-derived
 * pages (min watermark, totalreserve) recomputed after a sysctl change. */
uint64_t ovc_int_sqrt(uint64_t x);
uint64_t ovc_min_free_default_kb(const struct ovc_machine *m);
void ovc_watermarks_update(struct ovc_machine *m);

/* The task at index tid, or NULL if tid is not a live task. */
struct ovc_task *ovc_task_get(struct ovc_machine *m, int tid);

/* VmPTE of an mm in bytes: the page-table pages its resident (and
 * swapped-out) pages need, at the levels the era counts (lib/mm.c). */
uint64_t ovc_mm_pgtables_bytes(const struct ovc_machine *m, const struct ovc_mm *mm);

#endif
