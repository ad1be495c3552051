/* test_reclaim.c - memory pressure: cache reclaim, swap out and in, the OOM
 * killer called from faults, memcg limits, the fault-path era rule.
 * Every count is worked out by hand in the comments; invariants() checks
 * that frames, extents and the page counters agree after each step. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>
#include <cmocka.h>

#include "ovc/memcg.h"
#include "ovc/oom.h"
#include "ovc/ops.h"

#define MiB (1ull << 20)
#define PAGES(b) ((b) / 4096)

static struct ovc_machine M;

/* RAM and swap in MiB, page cache stated as file_mb; min_free_kbytes 1024
 * (min watermark 256 pages). */
static void boot(const char *kernel, uint64_t ram_mb, uint64_t swap_mb, uint64_t file_mb)
{
	struct ovc_config c;
	struct ovc_profile p;

	ovc_machine_free(&M);
	ovc_config_default(&c);
	c.ram_kb = ram_mb << 10;
	c.swap_kb = swap_mb << 10;
	c.file_kb = file_mb << 10;
	c.committed_kb = 0;
	c.vm.overcommit_memory = 1;
	c.vm.min_free_kbytes = 1024;
	assert_int_equal(ovc_profile_for(kernel, &p, NULL), 0);
	assert_int_equal(ovc_machine_init(&M, &c, &p, NULL), 0);
	assert_int_equal(M.phys.min_wmark, 256);
}

static int setup(void **state)
{
	(void)state;
	memset(&M, 0, sizeof(M));
	return 0;
}

static int teardown(void **state)
{
	(void)state;
	ovc_machine_free(&M);
	return 0;
}

static int task(const char *comm, int adj, int memcg)
{
	struct ovc_task_spec s = { .comm = comm, .parent = -1, .uid = 1000,
				   .oom_score_adj = (int16_t)adj, .memcg = memcg };
	int tid;

	assert_int_equal(ovc_task_create(&M, &s, &tid, NULL), 0);
	return tid;
}

static uint64_t map(int tid, uint64_t len, unsigned extra)
{
	struct ovc_mmap_req q = { .len = len, .prot = OVC_PROT_READ | OVC_PROT_WRITE,
				  .flags = OVC_MAP_PRIVATE | OVC_MAP_ANONYMOUS | extra };
	struct ovc_result r = { 0 };

	assert_int_equal(ovc_mmap(&M, tid, &q, &r), 0);
	assert_int_equal(r.err, 0);
	return r.addr;
}

/* A private read-only mapping of file object obj. */
static uint64_t map_file(int tid, uint32_t obj, uint64_t len)
{
	struct ovc_mmap_req q = { .len = len, .prot = OVC_PROT_READ, .flags = OVC_MAP_PRIVATE,
				  .obj = obj };
	struct ovc_result r = { 0 };

	assert_int_equal(ovc_mmap(&M, tid, &q, &r), 0);
	assert_int_equal(r.err, 0);
	return r.addr;
}

static struct ovc_result touch(int tid, uint64_t addr, uint64_t len, int write)
{
	struct ovc_result r = { 0 };

	assert_int_equal(ovc_touch(&M, tid, addr, len, write, &r), 0);
	return r;
}

static const struct ovc_mm *mm_of(int tid)
{
	return M.tasks[tid].mm;
}

static int alive(int tid)
{
	return M.tasks[tid].state == OVC_TASK_RUNNING;
}

/* Frames and page tables agree: every frame's refs equal the extent pages
 * mapping it; resident frames sum to AnonPages, swapped ones to the swap
 * in use; each mm's counters match its extents; no page is lost. */
static void invariants(void)
{
	uint64_t resident = 0, swapped = 0, mapped = 0, refs = 0;
	const struct ovc_phys *p = &M.phys;

	for (struct ovc_itnode *n = ovc_itree_first(&M.frames); n; n = ovc_itree_next(&M.frames, n)) {
		const struct ovc_frames *f = (const void *)((const char *)n - offsetof(struct ovc_frames, node));
		uint64_t len = n->end - n->start;

		*(f->swapped ? &swapped : &resident) += len;
		refs += len * f->refs;
	}
	assert_int_equal(resident, p->anon);
	assert_int_equal(swapped, p->swap_total - p->swap_free);
	for (size_t i = 0; i < M.ntasks; i++) {
		const struct ovc_mm *mm = M.tasks[i].mm;
		uint64_t k[5] = { 0 };
		int first = 1;

		if (M.tasks[i].state != OVC_TASK_RUNNING || !mm)
			continue;
		for (size_t j = 0; j < i; j++)	/* count a shared mm once */
			if (M.tasks[j].state == OVC_TASK_RUNNING && M.tasks[j].mm == mm)
				first = 0;
		for (struct ovc_itnode *n = ovc_itree_first(&mm->rss); n; n = ovc_itree_next(&mm->rss, n)) {
			const struct ovc_extent *x = (const void *)((const char *)n - offsetof(struct ovc_extent, node));

			k[x->kind] += n->end - n->start;
		}
		assert_int_equal(k[OVC_EXT_ANON], mm->rss_anon);
		assert_int_equal(k[OVC_EXT_SWAP], mm->swapents);
		if (first)
			mapped += k[OVC_EXT_ANON] + k[OVC_EXT_SWAP];
	}
	assert_int_equal(mapped, refs);
	assert_int_equal(p->free + p->anon + p->file + p->slab_reclaimable + p->slab_unreclaimable +
			 p->reclaimable + p->kernel + ovc_hugetlb_pages(&M), M.ram);
}

/* ------------------------------------------------------------------
 * The sequence (6.1): RAM 64 MiB = 16,384 pages, swap 32 MiB = 8,192,
 * page cache 8 MiB = 2,048, so MemFree 14,336; min watermark 256.
 */
static void test_sequence(void **state)
{
	struct ovc_result r;
	const struct ovc_oom_event *ev;
	uint64_t a_at, b_at, c_at;
	size_t n;
	int a, b, c;

	(void)state;
	boot("6.1", 64, 32, 8);
	assert_int_equal(M.phys.free, 14336);
	a = task("a", 0, 0);
	b = task("b", 0, 0);
	c = task("c", 0, 0);

	/* 1. a writes 40 MiB = 10,240 pages: 14,336 - 256 = 14,080 free above
	 * the watermark is enough. Frames 1..10,240. */
	a_at = map(a, 40 * MiB, 0);
	r = touch(a, a_at, 40 * MiB, 1);
	assert_int_equal(r.touched, 10240);
	assert_int_equal(r.reclaimed + r.swapped_out, 0);
	assert_int_equal(M.phys.free, 4096);
	invariants();

	/* 2. b writes 24 MiB = 6,144 pages: 3,840 above the watermark; the
	 * 2,048 pages of cache go (5,888), then the 256 oldest anonymous
	 * pages, a's first MiB, go to swap. */
	b_at = map(b, 24 * MiB, 0);
	r = touch(b, b_at, 24 * MiB, 1);
	assert_int_equal(r.cause, OVC_CAUSE_NONE);
	assert_int_equal(r.reclaimed, 2048);
	assert_int_equal(r.swapped_out, 256);
	assert_int_equal(M.phys.free, 256);
	assert_int_equal(M.phys.file, 0);
	assert_int_equal(M.phys.anon, 10240 - 256 + 6144);
	assert_int_equal(M.phys.swap_free, 8192 - 256);
	assert_int_equal(mm_of(a)->rss_anon, 9984);
	assert_int_equal(mm_of(a)->swapents, 256);
	assert_int_equal(mm_of(b)->rss_anon, 6144);
	invariants();

	/* 3. a writes its first MiB again: swap-in needs 256 free pages, so
	 * the oldest resident pages (a's second MiB) go out first. */
	r = touch(a, a_at, 1 * MiB, 1);
	assert_int_equal(r.cause, OVC_CAUSE_NONE);
	assert_int_equal(r.swapped_in, 256);
	assert_int_equal(r.swapped_out, 256);
	assert_int_equal(r.touched, 256);
	assert_int_equal(mm_of(a)->rss_anon, 9984);
	assert_int_equal(mm_of(a)->swapents, 256);
	assert_int_equal(M.phys.swap_free, 7936);
	assert_int_equal(M.swap_ins, 256);
	invariants();
	/* the pages that came back are now the youngest: a read of the
	 * second MiB brings it in by swapping out a's third MiB */
	r = touch(a, a_at + 1 * MiB, 1 * MiB, 0);
	assert_int_equal(r.swapped_in, 256);
	assert_int_equal(mm_of(a)->swapents, 256);
	invariants();

	/* 4. c writes 40 MiB = 10,240 pages. Swap takes the 7,936 oldest
	 * pages (all a's: pages 768..8,703), which c maps; then 2,304 short,
	 * swap full, free at the watermark. The OOM killer (totalpages
	 * 16,384 + 8,192 = 24,576): a = 2,048 resident + 8,192 swapped + 23
	 * tables (21 PTE tables over 40 MiB not 2 MiB aligned, 1 PMD, 1 PUD)
	 * = 10,263; b = 6,144 + 15 (13 + 2) = 6,159; c = 7,936 resident, 31
	 * MiB over 17 PTE tables, + 19 = 7,955.
	 * a dies: 2,048 pages and 8,192 swap slots come back. 256 short
	 * again: b's 256 oldest pages go to swap. */
	c_at = map(c, 40 * MiB, 0);
	assert_int_equal(ovc_committed_exact(&M), 10240 + 6144 + 10240);
	r = touch(c, c_at, 40 * MiB, 1);
	assert_int_equal(r.cause, OVC_CAUSE_NONE);
	assert_int_equal(r.touched, 10240);
	assert_int_equal(r.oom_kills, 1);
	assert_int_equal(r.killed, 0);
	assert_int_equal(r.swapped_out, 7936 + 256);
	assert_false(alive(a));
	assert_int_equal(mm_of(b)->rss_anon, 6144 - 256);
	assert_int_equal(mm_of(b)->swapents, 256);
	assert_int_equal(mm_of(c)->rss_anon, 10240);
	assert_int_equal(M.phys.free, 256);
	assert_int_equal(M.phys.swap_free, 8192 - 256);
	assert_int_equal(M.phys.anon, 5888 + 10240);
	/* a's 40 MiB charge went with it */
	assert_int_equal(ovc_committed_exact(&M), 6144 + 10240);
	invariants();

	ev = ovc_oom_events(&M, &n);
	assert_int_equal(n, 1);
	assert_int_equal(ev->trigger_tid, c);
	assert_int_equal(ev->totalpages, 24576);
	assert_int_equal(ev->need, 2304);
	assert_int_equal(ev->nrows, 3);
	assert_int_equal(ev->rows[0].b.points, 10263);
	assert_int_equal(ev->rows[0].swapents, 8192);
	assert_int_equal(ev->rows[1].b.points, 6159);
	assert_int_equal(ev->rows[2].b.points, 7955);
	assert_int_equal(ev->chosen_tid, a);
	assert_int_equal(ev->kills[0].anon_rss_kb, 2048 * 4);
	assert_int_equal(ev->kills[0].swap_kb, 8192 * 4);
	assert_int_equal(ev->kills[0].total_vm_kb, 40960);
	assert_int_equal(ev->kills[0].freed, 2048);
	assert_int_equal(ev->meminfo.mem_free, 256 * 4);
	assert_int_equal(ev->meminfo.swap_free, 0);
	assert_int_equal(M.oom_kill_count, 1);
}

/* The faulting task itself chosen: the fault stops, the task exits when
 * the call returns (r.killed), and its memory comes back. */
static void test_self_kill(void **state)
{
	struct ovc_result r;
	uint64_t at;
	int a, b;

	(void)state;
	boot("6.1", 64, 0, 0);
	b = task("small", 0, 0);
	r = touch(b, map(b, 4 * MiB, 0), 4 * MiB, 1);
	a = task("hog", 0, 0);
	at = map(a, 128 * MiB, 0);
	r = touch(a, at, 128 * MiB, 1);
	/* 16,384 - 256 - 1,024 = 15,104 pages, then the hog (15,104 + 64
	 * tables) outweighs small (1,024 + 2) */
	assert_int_equal(r.cause, OVC_CAUSE_OOM);
	assert_int_equal(r.err, 0);
	assert_int_equal(r.killed, 1);
	assert_int_equal(r.oom_kills, 1);
	assert_int_equal(r.touched, 15104);
	assert_false(alive(a));
	assert_true(alive(b));
	assert_int_equal(M.phys.free, 16384 - 1024);
	assert_int_equal(ovc_committed_exact(&M), 1024);
	invariants();
}

/* oom_killer_disable(): the fault fails, nothing is killed, no event. */
static void test_killer_disabled(void **state)
{
	struct ovc_result r;
	size_t n;
	int a, b;

	(void)state;
	boot("6.1", 64, 0, 0);
	M.oom_killer_disabled = 1;
	b = task("small", 0, 0);
	touch(b, map(b, 4 * MiB, 0), 4 * MiB, 1);
	a = task("hog", 0, 0);
	r = touch(a, map(a, 128 * MiB, 0), 128 * MiB, 1);
	assert_int_equal(r.cause, OVC_CAUSE_OOM);
	assert_int_equal(r.oom_kills, 0);
	assert_true(alive(a) && alive(b));
	ovc_oom_events(&M, &n);
	assert_int_equal(n, 0);
	invariants();
}

/* ------------------------------------------------------------------
 * Memory cgroups
 */

/* /job is limited to 8 MiB = 2,048 pages; a larger task outside it is not
 * touched. j1 has 1,536 pages; j2 wants 2,048: 512 fit and are mapped,
 * then /job has no cache and no swap: the memcg OOM (totalpages 2,048)
 * picks between j1 (1,536 + 6 tables: 4 PTE, 1 PMD, 1 PUD = 1,542) and j2 (512 + 4 = 516)
 * only. j1 dies and j2 gets the other 1,536. */
static void test_memcg_oom(void **state)
{
	const struct ovc_oom_event *ev;
	const struct ovc_memcg *cg;
	struct ovc_result r;
	size_t n;
	int job, big, j1, j2;

	(void)state;
	boot("6.1", 64, 0, 0);
	assert_int_equal(ovc_memcg_create(&M, "/job", &job, NULL), 0);
	assert_int_equal(ovc_memcg_set_max(&M, job, 2048), 0);
	big = task("big", 0, 0);
	touch(big, map(big, 24 * MiB, 0), 24 * MiB, 1);
	j1 = task("j1", 0, job);
	touch(j1, map(j1, 6 * MiB, 0), 6 * MiB, 1);
	j2 = task("j2", 0, job);
	r = touch(j2, map(j2, 8 * MiB, 0), 8 * MiB, 1);
	assert_int_equal(r.cause, OVC_CAUSE_NONE);
	assert_int_equal(r.oom_kills, 1);
	assert_false(alive(j1));
	assert_true(alive(big) && alive(j2));
	assert_int_equal(mm_of(j2)->rss_anon, 2048);
	cg = ovc_memcg_get(&M, job);
	assert_int_equal(cg->usage, 2048);
	assert_int_equal(cg->failcnt, 1);
	assert_int_equal(cg->oom_events, 1);
	assert_int_equal(cg->oom_kills, 1);
	/* the root counts everything below it */
	assert_int_equal(ovc_memcg_get(&M, OVC_MEMCG_ROOT)->usage, 6144 + 2048);
	ev = ovc_oom_events(&M, &n);
	assert_int_equal(n, 1);
	assert_int_equal(ev->constraint, OVC_CONSTRAINT_MEMCG);
	assert_int_equal(ev->message, OVC_OOM_MSG_MEMCG);
	assert_int_equal(ev->totalpages, 2048);
	assert_int_equal(ev->memcg, job);
	assert_string_equal(ev->memcg_info.path, "/job");
	assert_int_equal(ev->memcg_info.usage_kb, 8192);
	assert_int_equal(ev->memcg_info.limit_kb, 8192);
	assert_int_equal(ev->memcg_info.failcnt, 1);
	assert_int_equal(ev->nrows, 2);
	assert_int_equal(ev->rows[0].b.points, 1542);
	assert_int_equal(ev->rows[1].b.points, 516);
	assert_int_equal(ev->chosen_tid, j1);
	invariants();
}

/* A limited cgroup with swap reclaims its own pages only, however old the
 * others are; memory.swap.max stops that, and then its OOM kills inside. */
static void test_memcg_swap(void **state)
{
	const struct ovc_memcg *cg;
	struct ovc_result r;
	uint64_t at;
	int job, old, k1;

	(void)state;
	boot("6.1", 64, 16, 0);
	assert_int_equal(ovc_memcg_create(&M, "/job", &job, NULL), 0);
	assert_int_equal(ovc_memcg_set_max(&M, job, 1024), 0);
	old = task("old", 0, 0);
	touch(old, map(old, 8 * MiB, 0), 8 * MiB, 1);
	k1 = task("k1", 0, job);
	at = map(k1, 8 * MiB, 0);
	touch(k1, at, 4 * MiB, 1);			/* 1,024: at the limit */
	r = touch(k1, at + 4 * MiB, 1 * MiB, 1);	/* 256 more: k1's oldest 256 out */
	assert_int_equal(r.cause, OVC_CAUSE_NONE);
	assert_int_equal(r.swapped_out, 256);
	assert_int_equal(r.oom_kills, 0);
	assert_int_equal(mm_of(old)->swapents, 0);
	assert_int_equal(mm_of(k1)->rss_anon, 1024);
	assert_int_equal(mm_of(k1)->swapents, 256);
	cg = ovc_memcg_get(&M, job);
	assert_int_equal(cg->usage, 1024);
	assert_int_equal(cg->swap_usage, 256);
	invariants();
	/* swap.max 256: no more swap for /job; totalpages = 1,024 + 256 */
	assert_int_equal(ovc_memcg_set_swap_max(&M, job, 256), 0);
	assert_int_equal(ovc_memcg_totalpages(&M, job), 1280);
	r = touch(k1, at + 5 * MiB, 1 * MiB, 1);
	assert_int_equal(r.cause, OVC_CAUSE_OOM);
	assert_int_equal(r.killed, 1);
	assert_false(alive(k1));
	assert_true(alive(old));
	assert_int_equal(cg->usage, 0);
	assert_int_equal(cg->swap_usage, 0);
	invariants();
}

/* A cgroup's stated page cache is part of its usage and is reclaimed first
 * when it reaches its limit; a global reclaim takes the unowned cache
 * before any cgroup's. Cache 4 MiB = 1,024 pages, 512 of them /job's. */
static void test_memcg_cache(void **state)
{
	const struct ovc_memcg *cg;
	struct ovc_result r;
	uint64_t at;
	int job, k;

	(void)state;
	boot("6.1", 64, 0, 4);
	assert_int_equal(ovc_memcg_create(&M, "/job", &job, NULL), 0);
	assert_int_equal(ovc_memcg_set_max(&M, job, 1024), 0);
	assert_int_equal(ovc_memcg_set_cache(&M, job, 2048), -OVC_E_RANGE);	/* more than there is */
	assert_int_equal(ovc_memcg_set_cache(&M, job, 512), 0);
	cg = ovc_memcg_get(&M, job);
	assert_int_equal(cg->usage, 512);
	k = task("k", 0, job);
	at = map(k, 4 * MiB, 0);
	/* 1,024 wanted, 512 fit; then /job's 512 cached pages go: no OOM */
	r = touch(k, at, 4 * MiB, 1);
	assert_int_equal(r.cause, OVC_CAUSE_NONE);
	assert_int_equal(r.reclaimed, 512);
	assert_int_equal(r.oom_kills, 0);
	assert_int_equal(cg->usage, 1024);
	assert_int_equal(cg->cache, 0);
	assert_int_equal(M.phys.loose_cache, 512);
	assert_int_equal(cg->failcnt, 1);
	invariants();
	/* errors: bad paths, a missing parent, the root's limit, unknown cgroups */
	assert_int_equal(ovc_memcg_create(&M, "job", &k, NULL), -OVC_E_RANGE);
	assert_int_equal(ovc_memcg_create(&M, "/a/b", &k, NULL), -OVC_E_STATE);
	assert_int_equal(ovc_memcg_create(&M, "/job", &k, NULL), -OVC_E_STATE);
	assert_int_equal(ovc_memcg_create(&M, "/job/x", &k, NULL), 0);
	assert_true(ovc_memcg_within(&M, k, job) && !ovc_memcg_within(&M, job, k));
	assert_int_equal(ovc_memcg_lookup(&M, "/job/x"), k);
	assert_int_equal(ovc_memcg_set_max(&M, OVC_MEMCG_ROOT, 1), -OVC_E_STATE);
	assert_int_equal(ovc_memcg_attach(&M, 0, 99), -OVC_E_STATE);
	{
		struct ovc_task_spec s = { .comm = "x", .parent = -1, .memcg = 42 };
		int t;

		assert_int_equal(ovc_task_create(&M, &s, &t, NULL), -OVC_E_RANGE);
	}
}

/* ------------------------------------------------------------------
 * What swap may take
 */

/* mlocked pages stay: the swap victims are b's own older pages. */
static void test_mlocked_unevictable(void **state)
{
	struct ovc_task_spec s = { .comm = "locked", .parent = -1, .uid = 0, .admin = 1 };
	struct ovc_result r;
	uint64_t at;
	int a, b;

	(void)state;
	boot("6.1", 32, 16, 0);
	assert_int_equal(ovc_task_create(&M, &s, &a, NULL), 0);
	map(a, 4 * MiB, OVC_MAP_LOCKED);		/* populated: 1,024 frames */
	assert_int_equal(mm_of(a)->rss_anon, 1024);
	b = task("b", 0, 0);
	at = map(b, 28 * MiB, 0);
	touch(b, at, 20 * MiB, 1);			/* 5,120 */
	/* 8,192 - 256 - 1,024 - 5,120 = 1,792 above the watermark: 256 short */
	r = touch(b, at + 20 * MiB, 8 * MiB, 1);
	assert_int_equal(r.swapped_out, 256);
	assert_int_equal(mm_of(a)->swapents, 0);
	assert_int_equal(mm_of(b)->swapents, 256);
	invariants();
}

/* Pages shared copy-on-write after fork go to swap once (one slot, both
 * page tables); the writer's swap-in brings them back for both, then its
 * write copies them. RAM 32 MiB = 8,192, swap 4,096. */
static void test_shared_swap(void **state)
{
	struct ovc_result r, f = { 0 };
	uint64_t at;
	int p, c, x;

	(void)state;
	boot("6.1", 32, 16, 0);
	p = task("p", 0, 0);
	at = map(p, 4 * MiB, 0);
	touch(p, at, 4 * MiB, 1);
	assert_int_equal(ovc_fork(&M, p, OVC_CLONE_FORK, &f), 0);
	c = f.child;
	x = task("x", 0, 0);
	/* x: 7,168 pages; 6,912 above the watermark: the 256 oldest (shared) out */
	r = touch(x, map(x, 28 * MiB, 0), 28 * MiB, 1);
	assert_int_equal(r.swapped_out, 256);
	assert_int_equal(mm_of(p)->swapents, 256);
	assert_int_equal(mm_of(c)->swapents, 256);
	assert_int_equal(M.phys.swap_free, 4096 - 256);
	invariants();
	/* c writes its first MiB: swap-in (256 out to make room: the next
	 * shared MiB), then copy-on-write (256 more out: the third MiB) */
	r = touch(c, at, 1 * MiB, 1);
	assert_int_equal(r.cause, OVC_CAUSE_NONE);
	assert_int_equal(r.swapped_in, 256);
	assert_int_equal(r.swapped_out, 512);
	assert_int_equal(r.touched, 512);
	assert_int_equal(mm_of(p)->rss_anon, 512);
	assert_int_equal(mm_of(p)->swapents, 512);
	assert_int_equal(mm_of(c)->rss_anon, 512);
	assert_int_equal(mm_of(c)->swapents, 512);
	assert_int_equal(M.phys.swap_free, 4096 - 512);
	invariants();
	/* exits give every slot back */
	assert_int_equal(ovc_exit(&M, p, &f), 0);
	assert_int_equal(ovc_exit(&M, c, &f), 0);
	assert_int_equal(M.phys.swap_free, 4096);
	invariants();
}

/* ------------------------------------------------------------------
 * When the kills never free anything: the allocator stops after
 * OVC_OOM_MAX_KILLS rounds; up to 5.15 the fault handler runs one more
 * global OOM (pagefault_out_of_memory, gfp_mask 0), from 5.16 it does not.
 * 70 readers each map one page of a file that a -1000 keeper maps whole,
 * so killing a reader frees nothing (the cache stays, still mapped); each
 * reader scores 1 file page + 1 table = 2. The hog is -1000 too.
 */
static void test_pagefault_era(void **state)
{
	static const struct { const char *k; size_t events; } rows[] = {
		{ "5.15", OVC_OOM_MAX_KILLS + 1 }, { "5.16", OVC_OOM_MAX_KILLS },
	};

	(void)state;
	for (int i = 0; i < 2; i++) {
		const struct ovc_oom_event *ev;
		struct ovc_result r;
		uint32_t file;
		size_t n;
		int hog, keeper;

		boot(rows[i].k, 64, 0, 0);
		assert_int_equal(ovc_file_create(&M, 70 * 4096, &file), 0);
		keeper = task("keeper", -1000, 0);
		touch(keeper, map_file(keeper, file, 70 * 4096), 70 * 4096, 0);
		for (int t = 0; t < 70; t++) {
			int s = task("reader", 0, 0);

			touch(s, map_file(s, file, 70 * 4096) + (uint64_t)t * 4096, 4096, 0);
		}
		hog = task("hog", -1000, 0);
		r = touch(hog, map(hog, 64 * MiB, 0), 64 * MiB, 1);
		assert_int_equal(r.cause, OVC_CAUSE_OOM);
		assert_true(alive(hog) && alive(keeper));
		ev = ovc_oom_events(&M, &n);
		assert_int_equal(n, rows[i].events);
		assert_int_equal(r.oom_kills, rows[i].events);
		assert_int_equal(ev[n - 1].pagefault, i == 0);
		assert_int_equal(ev[n - 1].gfp, i == 0 ? OVC_GFP_NONE : OVC_GFP_HIGHUSER_MOVABLE);
		assert_int_equal(ev[0].kills[0].freed, 0);
		/* 16,384 - 256 watermark - 70 cached pages */
		assert_int_equal(r.touched, 16384 - 256 - 70);
		invariants();
	}
}

/* A panic ends it: the fault fails and later faults do not call the killer. */
static void test_panic_from_fault(void **state)
{
	struct ovc_result r;
	size_t n;
	int a;

	(void)state;
	boot("6.1", 64, 0, 0);
	M.vm.panic_on_oom = 1;
	a = task("hog", 0, 0);
	r = touch(a, map(a, 128 * MiB, 0), 128 * MiB, 1);
	assert_int_equal(r.cause, OVC_CAUSE_OOM);
	assert_int_equal(r.panic, 1);
	assert_true(alive(a));
	r = touch(a, map(a, 4 * MiB, 0), 4 * MiB, 1);
	assert_int_equal(r.cause, OVC_CAUSE_OOM);
	ovc_oom_events(&M, &n);
	assert_int_equal(n, 1);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup_teardown(test_sequence, setup, teardown),
		cmocka_unit_test_setup_teardown(test_self_kill, setup, teardown),
		cmocka_unit_test_setup_teardown(test_killer_disabled, setup, teardown),
		cmocka_unit_test_setup_teardown(test_memcg_oom, setup, teardown),
		cmocka_unit_test_setup_teardown(test_memcg_swap, setup, teardown),
		cmocka_unit_test_setup_teardown(test_memcg_cache, setup, teardown),
		cmocka_unit_test_setup_teardown(test_mlocked_unevictable, setup, teardown),
		cmocka_unit_test_setup_teardown(test_shared_swap, setup, teardown),
		cmocka_unit_test_setup_teardown(test_pagefault_era, setup, teardown),
		cmocka_unit_test_setup_teardown(test_panic_from_fault, setup, teardown),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
