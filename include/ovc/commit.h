/* commit.h - overcommit admission and the Committed_AS counter.
 *
 * Mirrors: __vm_enough_memory() and vm_commit_limit() (mm/mmap.c up to
 *          3.x, mm/util.c from 4.0), the vm_committed_as percpu_counter
 *          (lib/percpu_counter.c, mm/mm_init.c); the era rules are chosen
 *          through struct ovc_profile (see lib/admission.c).
 * State:   struct ovc_pcpu lives in struct ovc_machine. No globals, no I/O.
 * Errors:  a refusal is a verdict (0) with its arithmetic in struct
 *          ovc_admit, never an error code.
 * Units:   pages, unless a name ends in _kb or _bytes.
 */
#ifndef OVC_COMMIT_H
#define OVC_COMMIT_H

#include <stdint.h>

struct ovc_machine;
struct ovc_mm;

/* A percpu_counter: a global count plus one small delta per CPU. An add
 * on CPU c folds the CPU's delta into count once |delta| reaches batch,
 * so readers of count alone (percpu_counter_read) see a value up to
 * batch * ncpus away from the true sum. */
struct ovc_pcpu {
	int64_t count;
	int32_t batch;
	unsigned ncpus;
	int32_t *delta;		/* ncpus entries, owned by the machine */
};

void ovc_pcpu_add(struct ovc_pcpu *c, unsigned cpu, int64_t amount);
int64_t ovc_pcpu_read_positive(const struct ovc_pcpu *c);	/* max(count, 0) */
int64_t ovc_pcpu_sum(const struct ovc_pcpu *c);		/* exact */
void ovc_pcpu_fold(struct ovc_pcpu *c);			/* percpu_counter_sync on every CPU */

/* Which test decided, for the explanation. */
enum ovc_admit_rule {
	OVC_ADMIT_ALWAYS,	/* overcommit_memory = 1 */
	OVC_ADMIT_GUESS_FREE,	/* heuristic estimate of free memory (up to 5.1) */
	OVC_ADMIT_GUESS_TOTAL,	/* 5.2+: request larger than RAM + swap */
	OVC_ADMIT_NEVER,	/* overcommit_memory = 2 */
};

/* The arithmetic of one __vm_enough_memory() call, with the numbers the
 * kernel used. Only the fields of the rule that ran are meaningful. */
struct ovc_admit {
	enum ovc_admit_rule rule;
	const char *era;	/* name of the admission era that ran */
	int policy;		/* vm.overcommit_memory at the time */
	int admin;		/* the caller had CAP_SYS_ADMIN */
	int ok;			/* 1 admitted, 0 refused (-ENOMEM) */
	uint64_t pages;		/* the request */
	int64_t committed;	/* exact Committed_AS after the request was added */
	int64_t seen;		/* what the test read (read_positive, approximate) */

	/* OVERCOMMIT_NEVER */
	uint64_t limit;		/* vm_commit_limit(): ratio or kbytes part plus total swap */
	uint64_t ram_part;	/* (totalram - hugetlb) * ratio / 100, or kbytes in pages */
	uint64_t swap_part;	/* total_swap_pages */
	uint64_t admin_cut;	/* non-admin cut: allowed/32 (up to 3.9) or admin reserve */
	uint64_t total_vm;	/* the mm whose size sets the per-process cut */
	uint64_t user_cut;	/* total_vm/32, or min(total_vm/32, user reserve) */
	int64_t allowed;	/* the final bound (as the kernel computed it) */
	int wrapped;		/* unsigned arithmetic wrapped below zero (before 4.0) */

	/* OVERCOMMIT_GUESS */
	uint64_t free, file, shmem, swap_free, slab, reclaimable, totalreserve;
	uint64_t stage1;	/* 2.6.32 first estimate (without free pages) */
	uint64_t estimate;	/* the final estimate compared with pages */
	uint64_t ram_swap;	/* 5.2+: totalram + total_swap */
};

/* vm_commit_limit(): the CommitLimit line, in pages. */
uint64_t ovc_commit_limit(const struct ovc_machine *m);

/* __vm_enough_memory(mm, pages, admin) on the machine: charge pages on
 * cpu, test with the era's rule, and uncharge if refused. mm may be NULL
 * (kernel-internal charges: no per-process cut). Returns 1 if admitted. */
int ovc_commit_admit(struct ovc_machine *m, const struct ovc_mm *mm,
		     uint64_t pages, int admin, unsigned cpu, struct ovc_admit *a);

/* vm_unacct_memory(): give pages back (exit, munmap, shrink). */
void ovc_commit_unacct(struct ovc_machine *m, unsigned cpu, uint64_t pages);

/* vm_acct_memory() without a test (charges that cannot fail). */
void ovc_commit_acct(struct ovc_machine *m, unsigned cpu, uint64_t pages);

/* Committed_AS as /proc/meminfo shows it in this era (approximate before
 * 5.9, exact after), and exactly. Pages, clamped at 0. */
uint64_t ovc_committed_meminfo(const struct ovc_machine *m);
uint64_t ovc_committed_exact(const struct ovc_machine *m);

/* Recompute the batch (boot, policy change) as the era does. */
void ovc_commit_set_batch(struct ovc_machine *m);

#endif
