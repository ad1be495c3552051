/* view.h - what a user of the modelled machine would read.
 *
 * /proc/meminfo fields, a task's /proc/PID/status memory lines and its
 * committed size, and sar -r's kbcommit and %commit, computed from the
 * model. Numbers only; render/ formats them.
 *
 * Units:   kB, as /proc prints them.
 */
#ifndef OVC_VIEW_H
#define OVC_VIEW_H

#include <stdint.h>

#include "ovc/machine.h"

struct ovc_meminfo {
	uint64_t mem_total, mem_free, mem_available, buffers, cached, swap_cached;
	uint64_t anon_pages, shmem, slab_reclaimable, slab_unreclaimable;
	uint64_t swap_total, swap_free;
	uint64_t commit_limit, committed_as;
	uint64_t hugepages_total, hugepages_free, hugepages_rsvd, hugepages_surp;
	uint64_t hugepagesize, hugetlb;
	/* sar -r */
	uint64_t kbcommit;
	double pct_commit;	/* Committed_AS / (MemTotal + SwapTotal) * 100 */
};
void ovc_view_meminfo(const struct ovc_machine *m, struct ovc_meminfo *mi);

struct ovc_task_view {
	uint64_t vm_size, vm_rss, rss_anon, rss_file, rss_shmem, vm_data, vm_stk,
		 vm_exe, vm_lck, vm_swap;	/* /proc/PID/status, kB */
	uint64_t vm_pte;	/* VmPTE, kB (the model's estimate, ovc_mm_pgtables_bytes) */
	uint64_t committed;	/* kB of its VM_ACCOUNT VMAs */
	uint64_t fork_charge;	/* kB a fork would charge (VM_ACCOUNT, not DONTCOPY) */
	uint64_t map_count;
};
/* Returns -1 if tid has no mm (exited, kernel thread). */
int ovc_view_task(const struct ovc_machine *m, int tid, struct ovc_task_view *v);

/* Field names of struct ovc_meminfo as /proc/meminfo spells them, for the
 * scenario's `expect meminfo NAME` and the renderers. */
struct ovc_meminfo_field {
	const char *name;	/* "Committed_AS" */
	size_t offset;		/* offsetof(struct ovc_meminfo, ...) */
};
const struct ovc_meminfo_field *ovc_meminfo_fields(size_t *count);
/* Look up a field by name; returns -1 if unknown. */
int ovc_meminfo_get(const struct ovc_meminfo *mi, const char *name, uint64_t *kb);

#endif
