/* oom_internal.h - memory pressure inside lib/: the allocation slow path,
 * swap, cgroup charges and the OOM killer, as the fault code calls them.
 *
 * Not a public header: front ends use ovc/oom.h and ovc/memcg.h.
 * Units: pages.
 */
#ifndef OVC_OOM_INTERNAL_H
#define OVC_OOM_INTERNAL_H

#include "mm_internal.h"
#include "ovc/memcg.h"
#include "ovc/oom.h"

/* ---- frames.c: anonymous pages in RAM or in swap ---- */

/* frames_alloc() with the cgroup charged and whether the VMA is mlocked. */
uint64_t frames_alloc_for(struct ovc_machine *m, uint64_t n, int memcg, int locked);
/* The frame node holding frame f (which must exist). */
struct ovc_frames *frames_at(const struct ovc_machine *m, uint64_t f);
/* Split so that [f, f+n) (inside one node) is a node of its own; returns it. */
struct ovc_frames *frames_isolate(struct ovc_machine *m, uint64_t f, uint64_t n);
/* Give node x fresh ids at the young end (x must be a node of its own);
 * returns the first new id. The caller renumbers the extents. */
uint64_t frames_renew(struct ovc_machine *m, struct ovc_frames *x);
/* The first node after from (NULL: from the oldest) whose pages are in
 * RAM, evictable and charged inside cgroup memcg (-1: any). */
struct ovc_frames *frames_evictable(const struct ovc_machine *m, struct ovc_frames *from,
				    int memcg);

/* ---- rss.c ---- */

/* Give [s, e) of extent x (which covers it) kind `kind`, moving the pages
 * between the mm's counters (ANON <-> SWAP). Returns the extent that now
 * covers exactly [s, e). */
struct ovc_extent *rss_set_kind(struct ovc_machine *m, struct ovc_mm *mm, struct ovc_extent *x,
				uint64_t s, uint64_t e, uint32_t kind);

/* ---- swap.c ---- */

/* shrink the anonymous LRU: write up to want pages charged inside cgroup
 * memcg (-1: any) to swap, oldest first. Returns pages freed from RAM. */
uint64_t swap_out(struct ovc_machine *m, int memcg, uint64_t want, struct ovc_result *r);
/* do_swap_page(): bring [s, e) of mm back from swap; x is the swap extent
 * covering s. Returns the pages brought in (fewer when memory runs out). */
uint64_t swap_in(struct ovc_machine *m, struct ovc_mm *mm, struct ovc_extent *x,
		 uint64_t s, uint64_t e, struct ovc_result *r);

/* ---- reclaim.c ---- */

/* Take up to n free pages, reclaiming and swapping for the shortfall; the
 * OOM killer runs only when not one page can be had. Returns the pages
 * taken: the caller maps them and asks again for the rest. */
uint64_t phys_take_some(struct ovc_machine *m, uint64_t n, struct ovc_result *r);

/* Free clean page cache: the stated cache (of cgroup memcg's subtree only
 * when memcg >= 0, else the unowned part first) and, for a global reclaim,
 * cache of files nobody maps. Returns pages freed. */
uint64_t reclaim_cache(struct ovc_machine *m, int memcg, uint64_t want, struct ovc_result *r);
/* Can the OOM killer run for the current allocation? */
int oom_may_run(const struct ovc_machine *m);
/* Was the current task killed during its operation? */
int current_killed(const struct ovc_machine *m);

/* ---- memcg.c ---- */

int memcg_init(struct ovc_machine *m);
/* The cgroup charged for the current allocation (current's, or the root). */
int current_memcg(const struct ovc_machine *m);
void memcg_free(struct ovc_machine *m);
/* Charge up to n pages to cgroup cg: what fits under every limit; when
 * nothing does, reclaim inside the limited cgroup, then OOM-kill inside it,
 * and retry. Returns the pages charged (0: the charge fails). */
uint64_t memcg_try_charge(struct ovc_machine *m, int cg, uint64_t n, struct ovc_result *r);
void memcg_uncharge(struct ovc_machine *m, int cg, uint64_t n);
/* Pages of cg moving between memory and swap (usage <-> swap_usage). */
void memcg_swapped_out(struct ovc_machine *m, int cg, uint64_t n);
void memcg_swap_free(struct ovc_machine *m, int cg, uint64_t n);
/* Swap pages cg may still use (min over its ancestors of swap.max - use). */
uint64_t memcg_swap_room(const struct ovc_machine *m, int cg);
/* Take up to want pages of stated cache from cg (its own). Returns them. */
uint64_t memcg_cache_take(struct ovc_machine *m, int cg, uint64_t want);

/* ---- oom_badness.c ---- */

/* find_lock_task_mm(): tid, or a thread of its group, that has an mm; -1. */
int find_task_mm(const struct ovc_machine *m, int tid);
uint64_t mm_rss(const struct ovc_mm *mm);
/* The "not a candidate" value of this era's badness (0, or INT64_MIN). */
int64_t badness_none(const struct ovc_machine *m);

/* The legacy (2.6.32) badness's per-process sums, for every task at once:
 * Σ children's total_vm / 2 + 1, and the group's CPU time, by leader. */
struct legacy_sums {
	uint64_t *children_vm, *cpu_ms;
};
int legacy_sums_fill(const struct ovc_machine *m, struct legacy_sums *s);
void legacy_sums_free(struct legacy_sums *s);
/* ovc_oom_badness() with the sums precomputed (NULL: walk the task table). */
int64_t oom_badness_sums(const struct ovc_machine *m, int tid, int memcg, uint64_t totalpages,
			 const struct legacy_sums *s, struct ovc_badness *b);
/* ovc_oom_score() the same way. */
uint64_t oom_score_sums(const struct ovc_machine *m, int tid, const struct legacy_sums *s);
/* The sums for a scan when the era's badness needs them (2.6.32): 0 and
 * *use set to s or NULL (not needed, or no memory: walk instead). */
const struct legacy_sums *legacy_sums_for(const struct ovc_machine *m, struct legacy_sums *s);

/* ---- oom_adj.c ---- */

/* oom_adj as stored from an oom_score_adj (2.6.36's conversion). */
int8_t adj_from_score_adj(int score_adj);

/* ---- oom_select.c ---- */

/* The OOM being handled (struct oom_control). */
struct oom_ctl {
	int current;			/* task index, or -1 */
	int memcg;			/* the OOMing cgroup, or -1 */
	enum ovc_oom_constraint constraint;
	uint64_t totalpages;
	int chosen;			/* task index; -1 none; -2 abort */
	int64_t chosen_points;
	const struct legacy_sums *sums;	/* for the scan, or NULL */
};
#define OOM_ABORT (-2)

void select_bad_process(const struct ovc_machine *m, struct oom_ctl *oc);
/* The child of victim's process to kill instead (era rule), or -1. */
int sacrifice_child(const struct ovc_machine *m, const struct oom_ctl *oc, int victim);
/* Fill a report row for the process of tid. */
void oom_candidate(const struct ovc_machine *m, int tid, int memcg, uint64_t totalpages,
		   const struct legacy_sums *s, struct ovc_oom_candidate *c);
/* Is tid a process: a thread-group leader (possibly exited, threads alive)? */
int process_task(const struct ovc_machine *m, int tid);

/* ---- oom_kill.c ---- */

/* out_of_memory() for the current allocation: global (memcg -1) or for a
 * cgroup; need is what the allocation lacks; pagefault marks the call from
 * pagefault_out_of_memory(). Returns the tasks killed (0: nothing). */
uint32_t oom_invoke(struct ovc_machine *m, int memcg, uint64_t need, int pagefault,
		    struct ovc_result *r);

/* ---- oom_event.c ---- */

struct ovc_oom_event *oom_event_new(struct ovc_machine *m);
/* Fill the task table (dump_tasks) of ev. */
void oom_event_rows(struct ovc_machine *m, struct ovc_oom_event *ev, const struct oom_ctl *oc);
struct ovc_oom_kill *oom_event_kill(struct ovc_oom_event *ev);
void oom_log_free(struct ovc_machine *m);

/* ---- task.c ---- */

/* The OOM killer's SIGKILL: the thread group of tid exits (the current task
 * only when its operation returns). Returns pages freed. */
uint64_t task_oom_kill(struct ovc_machine *m, int tid);
/* Exit the current task if it was killed during its operation. */
void task_reap_current(struct ovc_machine *m, int tid, struct ovc_result *r);

#endif
