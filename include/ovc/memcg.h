/* memcg.h - memory cgroups: a tree of limits that anonymous memory is charged to.
 *
 * Each task belongs to one cgroup (the root, index 0, unless moved). An
 * anonymous page is charged to the cgroup of the task that faulted it
 * (mem_cgroup_charge; mm/memcontrol.c) and stays charged there when fork
 * shares it. Usage is hierarchical: a charge counts in every ancestor, and
 * each ancestor's memory.max is checked (page_counter_try_charge). A charge
 * that would pass a limit first reclaims inside the limited cgroup's
 * subtree (its page cache, then swapping its anonymous pages out), then
 * runs the OOM killer on that subtree only (mem_cgroup_out_of_memory,
 * CONSTRAINT_MEMCG, totalpages = mem_cgroup_get_max).
 *
 * Modelled: memory.max / memory.limit_in_bytes, memory.swap.max (v1's
 * memsw limit is swap.max = memsw - limit), swappiness 0 or not, the
 * oom.group flag (4.19+ eras), failcnt, the oom and oom_kill events.
 * Simplified: page cache and shmem pages are not charged page by page; a
 * cgroup's page cache is stated (ovc_memcg_set_cache), reclaimable, and part
 * of the machine's clean page cache. Charges do not move with a task.
 * Lowering memory.max below the usage does not reclaim at once: the next
 * charge does.
 *
 * State:   the tree lives in struct ovc_machine (m->memcgs). No I/O.
 * Errors:  0 or -OVC_E_*, with struct ovc_err filled when given.
 * Units:   pages, unless a name ends in _kb.
 */
#ifndef OVC_MEMCG_H
#define OVC_MEMCG_H

#include <stdint.h>

#include "ovc/err.h"
#include "ovc/machine.h"

#define OVC_MEMCG_ROOT 0
#define OVC_MEMCG_PATH_MAX 64

struct ovc_memcg {
	char path[OVC_MEMCG_PATH_MAX];	/* "/", "/system.slice", "/lxc/39004" */
	int parent;			/* index, -1 for the root */
	uint64_t max;			/* memory.max (v2), memory.limit_in_bytes (v1); OVC_UNLIMITED */
	uint64_t swap_max;		/* memory.swap.max; OVC_UNLIMITED */
	int swappiness;			/* 60; 0 keeps swap out of totalpages (and out of use) */
	uint8_t oom_group;		/* memory.oom.group */
	/* Counters. usage and swap_usage include the descendants'. */
	uint64_t usage;			/* memory.current: charged anonymous pages + cache */
	uint64_t swap_usage;		/* memory.swap.current */
	uint64_t cache;			/* stated page cache charged here (own, not descendants') */
	uint64_t failcnt;		/* charges that found the limit reached */
	uint64_t oom_events;		/* memory.events oom: OOM killer invocations for this limit */
	uint64_t oom_kills;		/* memory.events oom_kill: tasks of this cgroup killed */
};

/* Create the cgroup at path ("/a/b"); its parent ("/a") must exist. Returns
 * 0 with *id set, -OVC_E_STATE if it exists, -OVC_E_RANGE for a bad path. */
int ovc_memcg_create(struct ovc_machine *m, const char *path, int *id, struct ovc_err *e);

/* The cgroup at path, or -1. */
int ovc_memcg_lookup(const struct ovc_machine *m, const char *path);

/* The cgroup id, or NULL if there is none. */
const struct ovc_memcg *ovc_memcg_get(const struct ovc_machine *m, int id);

/* memory.max, memory.swap.max, memory.oom.group, memory.swappiness. The root
 * cannot be limited (-OVC_E_STATE). */
int ovc_memcg_set_max(struct ovc_machine *m, int id, uint64_t pages);
int ovc_memcg_set_swap_max(struct ovc_machine *m, int id, uint64_t pages);
int ovc_memcg_set_oom_group(struct ovc_machine *m, int id, int on);
int ovc_memcg_set_swappiness(struct ovc_machine *m, int id, int swappiness);

/* State that pages of the machine's clean page cache belong to cgroup id
 * (replacing what it had). They must fit in the cache not yet given to a
 * cgroup (-OVC_E_RANGE) and under the cgroup's limits. */
int ovc_memcg_set_cache(struct ovc_machine *m, int id, uint64_t pages);

/* Move a task (its whole thread group) to cgroup id. Its charges stay. */
int ovc_memcg_attach(struct ovc_machine *m, int tid, int id);

/* Is id inside the subtree of ancestor (itself included)? */
int ovc_memcg_within(const struct ovc_machine *m, int id, int ancestor);

/* mem_cgroup_get_max(): the totalpages of an OOM in this cgroup, memory.max
 * plus the swap it may use when swappiness is not 0 (4.19: min(max +
 * min(swap.max, total swap), memsw.max)); at least 1. */
uint64_t ovc_memcg_totalpages(const struct ovc_machine *m, int id);

#endif
