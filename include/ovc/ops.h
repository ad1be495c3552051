/* ops.h - the memory system calls, charged or refused as the kernel does.
 *
 * Every operation acts on a machine and a task index, and reports what
 * happened in a struct ovc_result: the errno the call would return (0 on
 * success), which rule refused it, the VMA concerned, and the arithmetic
 * (struct ovc_admit) for commit refusals. A refusal is a result, not an
 * error: these functions return 0 whenever the operation was carried out
 * or refused as the kernel would, and a negative OVC_E_* only when the
 * request makes no sense for the model (no such task, say).
 *
 * Mirrors: mm/mmap.c (mmap_region, do_munmap, do_brk), mm/mprotect.c,
 *          mm/mremap.c, mm/madvise.c, kernel/fork.c (dup_mmap), fs/exec.c,
 *          mm/shmem.c, ipc/shm.c, mm/memory.c (faults). Era differences
 *          come from struct ovc_syscall_era.
 * Units:   addresses and lengths in bytes (page-aligned by the caller or
 *          rounded as the kernel rounds); counts in pages.
 */
#ifndef OVC_OPS_H
#define OVC_OPS_H

#include <stdint.h>

#include "ovc/commit.h"
#include "ovc/err.h"
#include "ovc/machine.h"

/* Why an operation was refused (or, for touch, what it ran into). */
enum ovc_cause {
	OVC_CAUSE_NONE = 0,
	OVC_CAUSE_COMMIT,	/* __vm_enough_memory refused */
	OVC_CAUSE_RLIMIT_AS,	/* may_expand_vm: RLIMIT_AS */
	OVC_CAUSE_RLIMIT_DATA,	/* may_expand_vm / check_data_rlimit: RLIMIT_DATA */
	OVC_CAUSE_MAP_COUNT,	/* vm.max_map_count */
	OVC_CAUSE_MLOCK,	/* RLIMIT_MEMLOCK: EAGAIN (mmap), ENOMEM (brk, mlockall),
				 * EPERM (limit 0: can_do_mlock) */
	OVC_CAUSE_HUGETLB,	/* hugetlb pool cannot reserve the pages */
	OVC_CAUSE_NO_VMA,	/* range not (fully) mapped */
	OVC_CAUSE_NO_SPACE,	/* no room in the address space */
	OVC_CAUSE_CANNOT_GROW,	/* mremap: cannot grow in place without MAYMOVE */
	OVC_CAUSE_INVAL,	/* invalid argument (EINVAL) */
	OVC_CAUSE_OOM,		/* a fault found no memory: the OOM killer would run */
	OVC_CAUSE_EXEC_KILLED,	/* execve failed after the point of no return */
	OVC_CAUSE_EXISTS,	/* shmget IPC_CREAT|IPC_EXCL on an existing key */
};

struct ovc_result {
	int err;		/* errno the call returns: 0, ENOMEM, EAGAIN, EFAULT, EINVAL, EPERM */
	enum ovc_cause cause;
	uint64_t addr;		/* mmap/shmat/mremap address; brk: the new break (bytes) */
	int child;		/* fork/vfork/clone: the new task index */
	int id;			/* shmget: the segment id */
	uint64_t vma_start;	/* the VMA concerned (pages), when there is one */
	uint64_t vma_pages;
	uint64_t limit, value;	/* rlimit or map_count: the limit and the value that broke it */
	uint64_t pages;		/* pages charged (+) or uncharged (-) is in delta */
	int64_t delta;		/* change of exact Committed_AS caused by the call */
	uint64_t touched;	/* touch: pages newly made resident (swap-ins included) */
	uint64_t reclaimed;	/* touch: clean page cache pages dropped to make room */
	uint64_t swapped_out;	/* touch: anonymous pages written to swap to make room */
	uint64_t swapped_in;	/* touch: pages read back from swap */
	uint32_t oom_kills;	/* tasks the OOM killer killed during the call */
	uint8_t killed;		/* the calling task itself was OOM-killed (it has exited) */
	uint8_t panic;		/* the OOM killer panicked the machine */
	int admitted;		/* number of admission tests that ran */
	struct ovc_admit admit;	/* the refusing test, or the last one that ran */
};

/* mmap(2). */
enum {
	OVC_PROT_READ = 1, OVC_PROT_WRITE = 2, OVC_PROT_EXEC = 4,
};
enum {
	OVC_MAP_SHARED = 1u << 0,
	OVC_MAP_PRIVATE = 1u << 1,
	OVC_MAP_ANONYMOUS = 1u << 2,
	OVC_MAP_FIXED = 1u << 3,
	OVC_MAP_NORESERVE = 1u << 4,
	OVC_MAP_HUGETLB = 1u << 5,
	OVC_MAP_POPULATE = 1u << 6,
	OVC_MAP_LOCKED = 1u << 7,
	OVC_MAP_GROWSDOWN = 1u << 8,
};
struct ovc_mmap_req {
	uint64_t addr;		/* hint, or the address with OVC_MAP_FIXED; 0 = none */
	uint64_t len;
	unsigned prot;		/* OVC_PROT_* */
	unsigned flags;		/* OVC_MAP_* */
	uint32_t obj;		/* file object for file mappings, 0 otherwise */
	uint64_t offset;	/* bytes into obj */
};
int ovc_mmap(struct ovc_machine *m, int tid, const struct ovc_mmap_req *q,
	     struct ovc_result *r);
int ovc_munmap(struct ovc_machine *m, int tid, uint64_t addr, uint64_t len,
	       struct ovc_result *r);
int ovc_mprotect(struct ovc_machine *m, int tid, uint64_t addr, uint64_t len,
		 unsigned prot, struct ovc_result *r);

enum { OVC_MREMAP_MAYMOVE = 1, OVC_MREMAP_FIXED = 2, OVC_MREMAP_DONTUNMAP = 4 };
int ovc_mremap(struct ovc_machine *m, int tid, uint64_t addr, uint64_t old_len,
	       uint64_t new_len, unsigned flags, uint64_t new_addr,
	       struct ovc_result *r);

/* brk(2): r->addr is the break afterwards (the old one when refused). */
int ovc_brk(struct ovc_machine *m, int tid, uint64_t new_brk, struct ovc_result *r);

enum {
	OVC_MADV_DONTFORK = 1, OVC_MADV_DOFORK, OVC_MADV_DONTNEED,
	OVC_MADV_WIPEONFORK, OVC_MADV_KEEPONFORK,
};
int ovc_madvise(struct ovc_machine *m, int tid, uint64_t addr, uint64_t len,
		int advice, struct ovc_result *r);

/* Fault pages in: write (1) or read (0) access to every page of the range. */
int ovc_touch(struct ovc_machine *m, int tid, uint64_t addr, uint64_t len,
	      int write, struct ovc_result *r);

/* mlockall(2): OVC_MCL_CURRENT locks (and faults in) every mapping now,
 * OVC_MCL_FUTURE every later one. r->err: EPERM (RLIMIT_MEMLOCK 0 and no
 * CAP_IPC_LOCK), ENOMEM (MCL_CURRENT with total_vm over RLIMIT_MEMLOCK),
 * EINVAL (bad flags); cause OVC_CAUSE_MLOCK, limit and value in pages. */
enum { OVC_MCL_CURRENT = 1, OVC_MCL_FUTURE = 2 };
int ovc_mlockall(struct ovc_machine *m, int tid, unsigned flags, struct ovc_result *r);

/* setrlimit(2), the soft limit. which: 'A' as, 'D' data, 'L' memlock, 'S' stack. */
int ovc_setrlimit(struct ovc_machine *m, int tid, char which, uint64_t bytes);

/* Tasks. */
struct ovc_task_spec {
	const char *comm;
	int pid;		/* 0: next free pid */
	int parent;		/* task index or -1 */
	uint32_t uid;
	int admin;		/* CAP_SYS_ADMIN; defaults to uid == 0 when -1 */
	int16_t oom_score_adj;
	int8_t nice;
	unsigned cpu;
	int kthread;
	uint64_t cpu_time_ms;	/* CPU time used so far (2.6.32 badness) */
	int memcg;		/* memory cgroup (0: the root) */
};
/* A new process with an empty address space (its image comes from
 * ovc_execve or from mmaps the scenario lists). */
int ovc_task_create(struct ovc_machine *m, const struct ovc_task_spec *s,
		    int *tid, struct ovc_err *e);

enum { OVC_CLONE_FORK = 0, OVC_CLONE_VFORK = 1, OVC_CLONE_VM = 2 };
/* fork (copies the mm, charging each VM_ACCOUNT VMA), vfork and
 * clone(CLONE_VM) (share it). r->child is the new task. */
int ovc_fork(struct ovc_machine *m, int tid, int how, struct ovc_result *r);

/* execve: a new image replaces the mm. Sizes in bytes. */
struct ovc_image {
	uint64_t text, data, bss, stack;
};
void ovc_image_default(struct ovc_image *img);
int ovc_execve(struct ovc_machine *m, int tid, const struct ovc_image *img,
	       struct ovc_result *r);

/* clone(CLONE_VM | CLONE_THREAD): a thread of tid's process (same thread
 * group, same mm, nothing charged). r->child is the new task. */
int ovc_clone_thread(struct ovc_machine *m, int tid, struct ovc_result *r);

/* exit: drops the task's mm reference; the last user uncharges it. */
int ovc_exit(struct ovc_machine *m, int tid, struct ovc_result *r);

/* Files (page cache), shared memory. */
int ovc_file_create(struct ovc_machine *m, uint64_t bytes, uint32_t *obj);
int ovc_file_read(struct ovc_machine *m, uint32_t obj, uint64_t offset,
		  uint64_t len, struct ovc_result *r);
/* drop_caches=1: drop clean page cache not mapped by anyone. */
void ovc_drop_caches(struct ovc_machine *m, struct ovc_result *r);

enum { OVC_SHM_NORESERVE = 1, OVC_SHM_HUGETLB = 2 };
int ovc_shmget(struct ovc_machine *m, int tid, int32_t key, uint64_t bytes,
	       unsigned flags, struct ovc_result *r);
int ovc_shmat(struct ovc_machine *m, int tid, int id, int readonly,
	      struct ovc_result *r);
int ovc_shmdt(struct ovc_machine *m, int tid, uint64_t addr, struct ovc_result *r);
int ovc_shm_rmid(struct ovc_machine *m, int id, struct ovc_result *r);

/* Sysctls and the hugepage pool at run time. */
enum ovc_sysctl_key {
	OVC_SYSCTL_OVERCOMMIT_MEMORY,
	OVC_SYSCTL_OVERCOMMIT_RATIO,
	OVC_SYSCTL_OVERCOMMIT_KBYTES,
	OVC_SYSCTL_ADMIN_RESERVE_KBYTES,
	OVC_SYSCTL_USER_RESERVE_KBYTES,
	OVC_SYSCTL_MIN_FREE_KBYTES,
	OVC_SYSCTL_MAX_MAP_COUNT,
	OVC_SYSCTL_WATERMARK_SCALE_FACTOR,
	OVC_SYSCTL_PANIC_ON_OOM,
	OVC_SYSCTL_OOM_KILL_ALLOCATING_TASK,
	OVC_SYSCTL_OOM_DUMP_TASKS,
	OVC_SYSCTL_NR_HUGEPAGES,
	OVC_SYSCTL_COUNT
};
/* Name ("vm.overcommit_memory" or "overcommit_memory") to key; -1 if unknown. */
int ovc_sysctl_lookup(const char *name);
const char *ovc_sysctl_name(enum ovc_sysctl_key k);
/* Write a sysctl as the kernel's handler does (EINVAL for bad values, the
 * ratio/kbytes exclusivity, the batch recomputation). r->err says. */
int ovc_sysctl_write(struct ovc_machine *m, enum ovc_sysctl_key k, int64_t v,
		     struct ovc_result *r);
int64_t ovc_sysctl_read(const struct ovc_machine *m, enum ovc_sysctl_key k);

#endif
