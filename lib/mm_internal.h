/* mm_internal.h - helpers shared by the memory operations inside lib/.
 *
 * Not a public header: the front ends use ops.h. These functions keep an
 * mm's counters (total_vm, committed, map_count...) in step with its VMA
 * tree, so every operation changes VMAs through them and nowhere else.
 * Units: pages.
 */
#ifndef OVC_MM_INTERNAL_H
#define OVC_MM_INTERNAL_H

#include <errno.h>
#include <stddef.h>

#include "ovc/ops.h"

#define container_of(p, type, member) \
	((type *)(void *)((char *)(p) - offsetof(type, member)))

static inline struct ovc_vma *vma_of(struct ovc_itnode *n)
{
	return n ? container_of(n, struct ovc_vma, node) : NULL;
}
static inline struct ovc_extent *extent_of(struct ovc_itnode *n)
{
	return n ? container_of(n, struct ovc_extent, node) : NULL;
}
static inline uint64_t vma_pages(const struct ovc_vma *v)
{
	return v->node.end - v->node.start;
}

/* x86-64 user address space, in pages. */
#define OVC_TASK_TOP	(0x7ffffffff000ull >> 12)
#define OVC_MMAP_MIN	(0x10000ull >> 12)
#define OVC_IMAGE_BASE	(0x555555554000ull >> 12)

/* vma.c */
struct ovc_vma *vma_new(struct ovc_machine *m, uint64_t start, uint64_t end,
			uint32_t flags, uint32_t obj, uint64_t pgoff);
void vma_insert(struct ovc_machine *m, struct ovc_mm *mm, struct ovc_vma *v);
void vma_delete(struct ovc_machine *m, struct ovc_mm *mm, struct ovc_vma *v);
struct ovc_vma *vma_split(struct ovc_machine *m, struct ovc_mm *mm,
			  struct ovc_vma *v, uint64_t at);
struct ovc_vma *vma_merge_around(struct ovc_machine *m, struct ovc_mm *mm,
				 struct ovc_vma *v);
void vma_set_flags(struct ovc_mm *mm, struct ovc_vma *v, uint32_t flags);
void vma_resize(struct ovc_mm *mm, struct ovc_vma *v, uint64_t start, uint64_t end);
void vm_stat_account(struct ovc_mm *mm, uint32_t flags, int64_t pages);
struct ovc_vma *vma_find(const struct ovc_mm *mm, uint64_t page);
struct ovc_vma *vma_first_in(const struct ovc_mm *mm, uint64_t start, uint64_t end);
struct ovc_vma *vma_next(const struct ovc_mm *mm, const struct ovc_vma *v);
struct ovc_vma *vma_prev(const struct ovc_mm *mm, const struct ovc_vma *v);
int range_mapped(const struct ovc_mm *mm, uint64_t start, uint64_t end);

int vma_modify_flags(struct ovc_machine *m, struct ovc_mm *mm, struct ovc_vma *v,
		     uint64_t s, uint64_t e, uint32_t nf, struct ovc_result *r);

/* munmap.c: unmap [start, end), uncharging VM_ACCOUNT pages. Splits may
 * fail on vm.max_map_count: returns 0 or -ENOMEM. keep_charge: the pages
 * stay in Committed_AS (mremap moves them). */
int unmap_range(struct ovc_machine *m, struct ovc_task *t, uint64_t start,
		uint64_t end, int keep_charge, struct ovc_result *r);
int unmap_would_fail(const struct ovc_machine *m, const struct ovc_mm *mm,
		     uint64_t start, uint64_t end);

/* Carve [start, end) out of v (which overlaps it) as its own VMA, splitting
 * at most twice. Returns the VMA covering exactly the overlap, or NULL with
 * -ENOMEM in *err when vm.max_map_count forbids a split. */
struct ovc_vma *vma_isolate(struct ovc_machine *m, struct ovc_mm *mm,
			    struct ovc_vma *v, uint64_t start, uint64_t end, int *err);

/* mmap.c: get_unmapped_area() for a mapping without MAP_FIXED: the
 * highest free gap below mmap_base (a free hint first), placed for THP
 * where the era aligns private anonymous memory (6.7+). f: its OVC_VM_*
 * flags, obj: its object (0 for anonymous). Returns 0 with *out, or -1. */
int get_unmapped_area(const struct ovc_machine *m, const struct ovc_mm *mm,
		      uint32_t f, uint32_t obj, uint64_t hint, uint64_t len,
		      uint64_t *out);

/* mmap.c: the mlock limits and mm_populate().
 * can_do_mlock() (mm/mlock.c): RLIMIT_MEMLOCK is not 0, or CAP_IPC_LOCK.
 * mlock_future_ok(): locked_vm + pages within RLIMIT_MEMLOCK, or
 * CAP_IPC_LOCK, or flags without LOCKED (mlock_future_check, 6.12
 * mlock_future_ok); when not, r->limit and r->value say why.
 * mm_populate(): fault in [start, end) as mlock and MAP_POPULATE do
 * (__mm_populate), VMA by VMA, skipping those it cannot fault. */
int can_do_mlock(const struct ovc_task *t);
int mlock_future_ok(const struct ovc_machine *m, const struct ovc_task *t,
		    uint32_t flags, uint64_t pages, struct ovc_result *r);
void mm_populate(struct ovc_machine *m, int tid, uint64_t start, uint64_t end,
		 struct ovc_result *r);

/* task.c: a new task slot copying the parent's credentials, no mm. */
int task_clone(struct ovc_machine *m, int parent, int *tid, struct ovc_err *e);

/* mm.c */
struct ovc_mm *mm_new(struct ovc_machine *m);
void mm_put(struct ovc_machine *m, struct ovc_mm *mm, unsigned cpu);
int may_expand_vm(const struct ovc_machine *m, const struct ovc_task *t,
		  uint32_t flags, uint64_t pages, struct ovc_result *r);
int is_data_mapping(uint32_t flags);

/* Commit test for an operation of t, recorded in r. Returns 1 if admitted. */
int charge(struct ovc_machine *m, struct ovc_task *t, const struct ovc_mm *mm,
	   uint64_t pages, struct ovc_result *r);
void uncharge(struct ovc_machine *m, const struct ovc_task *t, uint64_t pages,
	      struct ovc_result *r);

int user_range(const struct ovc_machine *m, uint64_t addr, uint64_t len,
	       uint64_t *s, uint64_t *e);

/* Fill r as a refusal. Returns 0 (the operation was carried out as refused). */
int refuse(struct ovc_result *r, int err, enum ovc_cause cause);

/* frames.c: anonymous frames with reference counts. */
uint64_t frames_alloc(struct ovc_machine *m, uint64_t n);
void frames_get(struct ovc_machine *m, uint64_t f, uint64_t n);
void frames_put(struct ovc_machine *m, uint64_t f, uint64_t n);
/* Length of the run starting at f (at most n) whose frames are all shared
 * (refs > 1) when *shared is set on return, or all exclusive otherwise. */
uint64_t frames_run(const struct ovc_machine *m, uint64_t f, uint64_t n, int *shared);

/* rss.c: resident pages of an mm. */
void rss_drop(struct ovc_machine *m, struct ovc_mm *mm, uint64_t start, uint64_t end);
void rss_move(struct ovc_machine *m, struct ovc_mm *mm, uint64_t start, uint64_t end,
	      int64_t shift);
int rss_copy(struct ovc_machine *m, struct ovc_mm *dst, const struct ovc_mm *src,
	     uint64_t start, uint64_t end);
/* Map n new anonymous pages at [s, s+n); returns the pages obtained. */
uint64_t rss_add_anon(struct ovc_machine *m, struct ovc_mm *mm, uint64_t s,
		      uint64_t n, struct ovc_result *r);
/* Map n pages of an object (page cache or shmem) at [s, s+n). */
void rss_add_obj(struct ovc_machine *m, struct ovc_mm *mm, uint64_t s,
		 uint64_t n, uint32_t kind, uint32_t obj);
/* Replace [s, e) inside extent x by fresh anonymous pages (copy-on-write). */
uint64_t rss_cow(struct ovc_machine *m, struct ovc_mm *mm, struct ovc_extent *x,
		 uint64_t s, uint64_t e, struct ovc_result *r);
/* Take n free pages, reclaiming loose page cache if needed. Returns the
 * number obtained (less than n when memory ran out). */
uint64_t phys_take(struct ovc_machine *m, uint64_t n, struct ovc_result *r);
void phys_give(struct ovc_machine *m, uint64_t n);

/* shm.c */
uint64_t obj_reclaim(struct ovc_machine *m, uint64_t want);
struct ovc_object *obj_get(struct ovc_machine *m, uint32_t id);
struct ovc_object *obj_new(struct ovc_machine *m, uint32_t kind, uint64_t pages);
void obj_unmapped(struct ovc_machine *m, struct ovc_object *o, unsigned cpu);
/* Make [off, off+n) of o resident (page cache or shmem). Returns pages added,
 * or -1 if a NORESERVE shmem page could not be charged. */
int64_t obj_fill(struct ovc_machine *m, struct ovc_object *o, struct ovc_task *t,
		 uint64_t off, uint64_t n, struct ovc_result *r);

#endif
