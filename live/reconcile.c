/* reconcile.c - Committed_AS taken apart: private charges, shared anonymous objects once each, SysV, tmpfs pages, the rest (kB). */
#include "live/live.h"

#include <stdlib.h>
#include <string.h>

/*
 * What Committed_AS (vm_committed_as, mm/util.c) holds, and where /proc
 * shows each part:
 *
 *  - private writable mappings, charged by size when made (mm/mmap.c
 *    accountable_mapping(): VM_ACCOUNT, smaps VmFlags "ac"): the smaps
 *    summary's committed, for each process whose smaps could be read.
 *    For the others (another user's, hidepid) status's VmData + VmStk
 *    bound it from above: data_vm counts every private writable
 *    non-stack mapping, "ac" or not.
 *  - shared anonymous objects (mm/shmem.c shmem_zero_setup()): charged
 *    once by their size when created (shmem_acct_size()), or page by
 *    page if VM_NORESERVE (shmem_acct_block(s)()); never by the VMAs
 *    that map them, which are shared and so never "ac". Every process
 *    that maps one (a fork's children too) shows the same dev and inode,
 *    so each is counted once: its size, or its pages (Rss + Swap) if nr.
 *  - SysV segments (ipc/shm.c newseg()): by size at shmget, unless
 *    SHM_NORESERVE or SHM_HUGETLB, which /proc does not show: the sizes
 *    of /proc/sysvipc/shm, which lists the segments no process maps too.
 *  - tmpfs and memfd files (VM_NORESERVE shmem): each page allocated.
 *    meminfo Shmem counts the resident shmem pages of every kind; less
 *    the resident pages of the SysV segments and shared anonymous
 *    objects, what is left is the files'. Their pages in swap are
 *    charged too but seen nowhere.
 *
 * The rest is what nothing seen explains: processes outside this /proc
 * (other PID namespaces), SysV segments of other IPC namespaces, tmpfs
 * pages in swap, charges of exits in flight. It is negative when the
 * estimates (hidden processes, Rss standing for pages) overshoot.
 *
 * Approximations: Rss counts only the pages mapped in that process, so
 * an object's resident pages are the largest Rss any mapping shows; a
 * process that maps only part of an object shows less than its size.
 * Processes sharing one mm without being threads (clone(CLONE_VM)
 * without CLONE_THREAD, a vfork child before exec) are counted twice.
 */

static uint64_t add_sat(uint64_t a, uint64_t b)
{
	return a > UINT64_MAX - b ? UINT64_MAX : a + b;
}

static uint64_t max64(uint64_t a, uint64_t b)
{
	return a > b ? a : b;
}

/* Processes with an mm: by their smaps, or, unread, by their status. */
static void reconcile_procs(const struct ovc_live_snap *s, struct ovc_live_reconcile *rec)
{
	for (size_t i = 0; i < s->nprocs; i++) {
		const struct ovc_live_proc *p = &s->procs[i];

		if (p->kthread || p->zombie)
			continue;
		if (p->seen & OVC_LIVE_SMAPS) {
			rec->private_kb = add_sat(rec->private_kb, p->committed);
			rec->private_procs++;
		} else {
			rec->hidden_procs++;
			rec->hidden_estimate_kb = add_sat(rec->hidden_estimate_kb,
							  add_sat(p->vm_data, p->vm_stk));
		}
	}
}

/* ------------------------------------------------------------------ */
/* Shared anonymous objects, each once                                 */

/* One object as all its mappings show it. */
struct object {
	uint64_t size_kb;	/* the largest Size */
	uint64_t pages_kb;	/* the largest Rss + Swap */
	uint64_t rss_kb;	/* the largest Rss */
	uint8_t noreserve;
};

static int same_object(const struct ovc_live_shobj *a, const struct ovc_live_shobj *b)
{
	return a->dev == b->dev && a->inode == b->inode;
}

static int shobj_cmp(const void *x, const void *y)
{
	const struct ovc_live_shobj *a = *(const struct ovc_live_shobj *const *)x;
	const struct ovc_live_shobj *b = *(const struct ovc_live_shobj *const *)y;

	if (a->dev != b->dev)
		return a->dev < b->dev ? -1 : 1;
	if (a->inode != b->inode)
		return a->inode < b->inode ? -1 : 1;
	return 0;
}

static void object_add(struct object *g, const struct ovc_live_shobj *o)
{
	g->size_kb = max64(g->size_kb, o->size_kb);
	g->pages_kb = max64(g->pages_kb, add_sat(o->rss_kb, o->swap_kb));
	g->rss_kb = max64(g->rss_kb, o->rss_kb);
	g->noreserve |= o->noreserve;
}

/* An object's charge: its size, or, VM_NORESERVE, its pages. */
static void object_count(struct ovc_live_reconcile *rec, uint64_t *resident_kb,
			 const struct object *g)
{
	rec->shared_anon_objects++;
	rec->shared_anon_kb = add_sat(rec->shared_anon_kb, g->noreserve ? g->pages_kb : g->size_kb);
	*resident_kb = add_sat(*resident_kb, g->rss_kb);
}

static size_t count_anon(const struct ovc_live_snap *s)
{
	size_t n = 0;

	for (size_t i = 0; i < s->nprocs; i++)
		for (size_t j = 0; j < s->procs[i].nshobjs; j++)
			n += s->procs[i].shobjs[j].kind == OVC_SHOBJ_SHARED_ANON;
	return n;
}

/* Every mapping of a shared anonymous object, sorted by (dev, inode):
 * an object's mappings are then side by side. O(n log n). */
static void objects_sorted(const struct ovc_live_snap *s, const struct ovc_live_shobj **v,
			   size_t n, struct ovc_live_reconcile *rec, uint64_t *resident_kb)
{
	struct object g;
	size_t k = 0, i, j;

	for (i = 0; i < s->nprocs; i++)
		for (j = 0; j < s->procs[i].nshobjs; j++)
			if (s->procs[i].shobjs[j].kind == OVC_SHOBJ_SHARED_ANON)
				v[k++] = &s->procs[i].shobjs[j];
	qsort(v, n, sizeof(*v), shobj_cmp);
	for (i = 0; i < n; i = j) {
		memset(&g, 0, sizeof(g));
		for (j = i; j < n && same_object(v[i], v[j]); j++)
			object_add(&g, v[j]);
		object_count(rec, resident_kb, &g);
	}
}

/* The same without memory for the sort: each object at its first
 * mapping, its other mappings searched for. O(n^2), a last resort. */
static void objects_unsorted(const struct ovc_live_snap *s, struct ovc_live_reconcile *rec,
			     uint64_t *resident_kb)
{
	const struct ovc_live_shobj *o, *q;
	struct object g;
	int first;

	for (size_t i = 0; i < s->nprocs; i++) {
		for (size_t j = 0; j < s->procs[i].nshobjs; j++) {
			o = &s->procs[i].shobjs[j];
			if (o->kind != OVC_SHOBJ_SHARED_ANON)
				continue;
			memset(&g, 0, sizeof(g));
			first = 1;
			for (size_t a = 0; a < s->nprocs && first; a++) {
				for (size_t b = 0; b < s->procs[a].nshobjs; b++) {
					q = &s->procs[a].shobjs[b];
					if (q->kind != OVC_SHOBJ_SHARED_ANON || !same_object(o, q))
						continue;
					if (a < i || (a == i && b < j)) {
						first = 0;
						break;
					}
					object_add(&g, q);
				}
			}
			if (first)
				object_count(rec, resident_kb, &g);
		}
	}
}

/* ------------------------------------------------------------------ */
/* The whole                                                            */

/* committed - explained, within int64_t. */
static int64_t difference(uint64_t committed, uint64_t explained)
{
	uint64_t d;

	if (committed >= explained) {
		d = committed - explained;
		return d > (uint64_t)INT64_MAX ? INT64_MAX : (int64_t)d;
	}
	d = explained - committed;
	return d > (uint64_t)INT64_MAX ? -INT64_MAX : -(int64_t)d;
}

void ovc_live_reconcile(const struct ovc_live_snap *s, struct ovc_live_reconcile *rec)
{
	const struct ovc_live_shobj **v;
	uint64_t anon_resident = 0, resident, explained;
	size_t n = count_anon(s);

	memset(rec, 0, sizeof(*rec));
	rec->committed_as_kb = s->mi.committed_as;
	reconcile_procs(s, rec);
	v = n ? malloc(n * sizeof(*v)) : NULL;
	if (v)
		objects_sorted(s, v, n, rec, &anon_resident);
	else if (n)
		objects_unsorted(s, rec, &anon_resident);
	free(v);
	if (s->have_sysv) {
		rec->sysv_kb = s->sysv_size_kb;
		rec->sysv_segments = s->sysv_segments;
	}
	resident = add_sat(s->have_sysv ? s->sysv_rss_kb : 0, anon_resident);
	rec->shmem_files_kb = s->mi.shmem > resident ? s->mi.shmem - resident : 0;
	explained = add_sat(add_sat(rec->private_kb, rec->hidden_estimate_kb),
			    add_sat(add_sat(rec->shared_anon_kb, rec->sysv_kb), rec->shmem_files_kb));
	rec->unexplained_kb = difference(rec->committed_as_kb, explained);
}
