/* test_live_reconcile.c - shmem objects in smaps, /proc/sysvipc/shm, and Committed_AS taken apart (fixture tests/fixtures/proc/shmem). */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "live/live.h"
#include "live/proc_parse.h"

/* Run from the repository root (tests/run-unit.sh is). */
#define FIX "tests/fixtures/proc/"

static const struct ovc_live_proc *find(const struct ovc_live_snap *s, int pid)
{
	for (size_t i = 0; i < s->nprocs; i++)
		if (s->procs[i].pid == pid)
			return &s->procs[i];
	return NULL;
}

/* ------------------------------------------------------------------ */
/* smaps headers: which mappings are shmem objects                      */

struct got {
	struct ovc_live_shobj v[8];
	size_t n;
};

static void collect(void *arg, const struct ovc_live_shobj *o)
{
	struct got *g = arg;

	assert_true(g->n < 8);
	g->v[g->n++] = *o;
}

/* Feed text (lines separated by '\n') as proc_read.c does, then end. */
static void feed(struct ovc_smaps_acc *a, struct got *g, const char *text)
{
	const char *p = text, *nl;

	memset(g, 0, sizeof(*g));
	ovc_smaps_init(a);
	a->shobj = collect;
	a->shobj_arg = g;
	while (*p) {
		nl = strchr(p, '\n');
		assert_int_equal(ovc_smaps_line(a, p, nl ? (size_t)(nl - p) : strlen(p)), 0);
		p = nl ? nl + 1 : p + strlen(p);
	}
	ovc_smaps_end(a);
}

/* Shapes as a 6.18 kernel prints them (the fields a VMA has that do not
 * matter here are left out: the accumulator skips unknown keys). */
#define VMA(hdr, size, rss, swap, flags) \
	hdr "\nSize: " size " kB\nKernelPageSize: 4 kB\nRss: " rss " kB\nSwap: " swap \
	" kB\nSwapPss: 0 kB\nVmFlags: " flags " \n"

static void test_smaps_kinds(void **state)
{
	struct ovc_smaps_acc a;
	struct got g;

	(void)state;
	feed(&a, &g,
	     /* shared anonymous: dev 00:01 (shm_mnt), inode 3433 */
	     VMA("7fd6567a4000-7fd656fa4000 rw-s 00000000 00:01 3433                       /dev/zero (deleted)",
		 "8192", "1024", "0", "rd wr sh mr mw me ms")
	     /* SysV: the inode is the shmid, 0 here */
	     VMA("7fd6562af000-7fd6563a4000 rw-s 00000000 00:01 0                          /SYSV00000000 (deleted)",
		 "980", "8", "0", "rd wr sh mr mw me ms")
	     /* not objects: private /dev/zero is anonymous memory, a memfd
	      * and a tmpfs file are files (their pages: meminfo Shmem), a
	      * private map of a deleted "/dev/zero", a hugetlb SysV segment */
	     VMA("7f5008000000-7f5008100000 rw-p 00000000 00:05 4                          /dev/zero",
		 "1024", "100", "0", "rd wr mr mw me ac")
	     VMA("7f5006000000-7f5006200000 rw-s 00000000 00:01 7000                       /memfd:ring (deleted)",
		 "2048", "2048", "0", "rd wr sh mr mw me ms")
	     VMA("7f5009000000-7f5009100000 rw-p 00000000 00:01 7001                       /dev/zero (deleted)",
		 "1024", "0", "0", "rd wr mr mw me ac")
	     VMA("7f500a000000-7f500a400000 rw-s 00000000 00:10 98305                      /SYSV0000beef (deleted)",
		 "4096", "0", "0", "rd wr sh mr mw me ms de ht")
	     /* a major past 0xff: dev 0x103:0x2a */
	     VMA("7f500b000000-7f500b001000 r--s 00000000 103:2a 77                        /dev/zero (deleted)",
		 "4", "4", "0", "rd sh mr mw me ms"));
	assert_int_equal(a.bad, 0);
	assert_int_equal(g.n, 3);
	assert_int_equal(g.v[0].kind, OVC_SHOBJ_SHARED_ANON);
	assert_int_equal(g.v[0].dev, 1);
	assert_int_equal(g.v[0].inode, 3433);
	assert_int_equal(g.v[0].size_kb, 8192);
	assert_int_equal(g.v[0].rss_kb, 1024);
	assert_int_equal(g.v[0].noreserve, 0);
	assert_int_equal(g.v[1].kind, OVC_SHOBJ_SYSV);
	assert_int_equal(g.v[1].inode, 0);
	assert_int_equal(g.v[1].size_kb, 980);
	assert_int_equal(g.v[2].dev, (uint64_t)0x103 << 20 | 0x2a);
	assert_int_equal(g.v[2].inode, 77);
	/* only the two private "ac" maps are charged to the process:
	 * 1024 + 1024; the shared ones never are */
	assert_int_equal(a.committed, 2048);
	assert_int_equal(a.map_count, 7);
}

/* mprotect of the upper half splits one noreserve mapping in two: one
 * record. The same object mapped again elsewhere (offset 0 again, not
 * adjacent) and another object after it are records of their own. */
static void test_smaps_split_merged(void **state)
{
	struct ovc_smaps_acc a;
	struct got g;

	(void)state;
	feed(&a, &g,
	     VMA("7fd6563a4000-7fd6565a4000 rw-s 00000000 00:01 3434                       /dev/zero (deleted)",
		 "2048", "4", "100", "rd wr sh mr mw me ms nr")
	     VMA("7fd6565a4000-7fd6567a4000 r--s 00200000 00:01 3434                       /dev/zero (deleted)",
		 "2048", "0", "28", "rd sh mr mw me ms nr")
	     VMA("7fd6600a4000-7fd6602a4000 rw-s 00000000 00:01 3434                       /dev/zero (deleted)",
		 "2048", "8", "0", "rd wr sh mr mw me ms nr")
	     VMA("7fd6602a4000-7fd6604a4000 rw-s 00200000 00:01 3435                       /dev/zero (deleted)",
		 "2048", "0", "0", "rd wr sh mr mw me ms"));
	assert_int_equal(g.n, 3);
	/* 2048 + 2048, rss 4 + 0, swap 100 + 28 */
	assert_int_equal(g.v[0].size_kb, 4096);
	assert_int_equal(g.v[0].rss_kb, 4);
	assert_int_equal(g.v[0].swap_kb, 128);
	assert_int_equal(g.v[0].noreserve, 1);
	assert_int_equal(g.v[1].inode, 3434);
	assert_int_equal(g.v[1].size_kb, 2048);
	assert_int_equal(g.v[1].rss_kb, 8);
	/* adjacent to the last but another object: not merged */
	assert_int_equal(g.v[2].inode, 3435);
	assert_int_equal(g.v[2].noreserve, 0);
}

/* A bad Rss of an object's VMA makes the file bad, as a bad Size does;
 * nothing is handed over twice, and no callback is fine. */
static void test_smaps_bad_and_no_callback(void **state)
{
	static const char hdr[] = "7f0000000000-7f0000001000 rw-s 00000000 00:01 9 /dev/zero (deleted)";
	struct ovc_smaps_acc a;

	(void)state;
	ovc_smaps_init(&a);
	ovc_smaps_line(&a, hdr, sizeof(hdr) - 1);
	assert_int_equal(ovc_smaps_line(&a, "Rss: x kB", 9), -OVC_E_PARSE);
	assert_int_equal(a.bad, 1);
	ovc_smaps_end(&a);
	ovc_smaps_end(&a);
	/* a file's Rss outside an object is not even looked at */
	ovc_smaps_init(&a);
	assert_int_equal(ovc_smaps_line(&a, "Rss: x kB", 9), 0);
}

static void test_status_data_stack(void **state)
{
	static const char st[] = "Name:\tx\nVmSize:\t  100 kB\nVmData:\t   360 kB\nVmStk:\t  132 kB\n";
	struct ovc_live_proc p;
	unsigned f;

	(void)state;
	memset(&p, 0, sizeof(p));
	assert_int_equal(ovc_proc_parse_status(st, sizeof(st) - 1, &p, &f), 0);
	assert_int_equal(p.vm_data, 360);
	assert_int_equal(p.vm_stk, 132);
	assert_int_equal(ovc_proc_parse_status("Name:\tx\nVmData: y kB\n", 21, &p, &f), -OVC_E_PARSE);
}

/* ------------------------------------------------------------------ */
/* /proc/sysvipc/shm                                                    */

#define H64 "       key      shmid perms                  size  cpid  lpid nattch   uid   gid  cuid  cgid      atime      dtime      ctime                   rss                  swap\n"

static int sysv(const char *text, uint64_t page, struct ovc_sysv_acc *a)
{
	return ovc_proc_parse_sysv_shm(text, strlen(text), page, a);
}

static void test_sysv_parse(void **state)
{
	struct ovc_sysv_acc a;

	(void)state;
	/* 64-bit layout (this machine's); sizes rounded up to pages:
	 * 56 B -> 1 page = 4 kB; 1000000 B -> 245 pages = 980 kB (the kernel
	 * shows that segment's VMA as Size: 980 kB); rss 8192 B = 8 kB */
	assert_int_equal(sysv(H64
			      "   5432001      32769   600                    56   700   701      2   999   999   999   999 1795390000          0 1795390000                  4096                     0\n"
			      "-100203331      65538   666               1000000   702   702      0  1000  1000  1000  1000 1795390100 1795390200 1795390000                  8192                 40960\n",
			      4096, &a), 0);
	assert_int_equal(a.segments, 2);
	assert_int_equal(a.size_kb, 4 + 980);
	assert_int_equal(a.rss_kb, 4 + 8);
	assert_int_equal(a.swap_kb, 40);
	assert_true(a.have_rss_swap);
	/* 64 kB pages: 56 B and 1000000 B are 1 and 16 pages: 64 + 1024 */
	assert_int_equal(sysv(H64
			      "   1   2   600   56   1   1   1   0   0   0   0   0   0   0   0   0\n"
			      "   1   3   600   1000000   1   1   1   0   0   0   0   0   0   0   0   0\n",
			      65536, &a), 0);
	assert_int_equal(a.size_kb, 64 + 1024);
	/* no segment at all */
	assert_int_equal(sysv(H64, 4096, &a), 0);
	assert_int_equal(a.segments, 0);
	assert_int_equal(a.size_kb, 0);
}

/* By the header's names: a 32-bit kernel pads less, a kernel before
 * rss/swap has 14 columns, and the order is the header's. */
static void test_sysv_columns(void **state)
{
	struct ovc_sysv_acc a;

	(void)state;
	assert_int_equal(sysv("       key      shmid perms       size  cpid  lpid nattch   uid   gid  cuid  cgid      atime      dtime      ctime\n"
			      "         0          0   600    4194304  1234     0      1     0     0     0     0 1700000000          0 1700000000\n",
			      4096, &a), 0);
	assert_false(a.have_rss_swap);
	assert_int_equal(a.size_kb, 4096);
	assert_int_equal(a.rss_kb, 0);
	assert_int_equal(sysv("swap rss shmid size\n 2048 1024 7 10240\n", 4096, &a), 0);
	assert_int_equal(a.size_kb, 12);	/* 10240 B: 2.5 pages -> 3 */
	assert_int_equal(a.rss_kb, 1);
	assert_int_equal(a.swap_kb, 2);
}

static void test_sysv_errors(void **state)
{
	struct ovc_sysv_acc a;

	(void)state;
	assert_int_equal(sysv("", 4096, &a), -OVC_E_PARSE);			/* no header */
	assert_int_equal(sysv("key shmid perms\n1 2 3\n", 4096, &a), -OVC_E_PARSE);	/* no size */
	assert_int_equal(sysv(H64 "1 2 600 56\n", 4096, &a), -OVC_E_PARSE);	/* short */
	assert_int_equal(sysv(H64 "1 2 600 5x6 1 1 1 0 0 0 0 0 0 0 0 0\n", 4096, &a), -OVC_E_PARSE);
	assert_int_equal(sysv(H64 "1 2 600 -56 1 1 1 0 0 0 0 0 0 0 0 0\n", 4096, &a), -OVC_E_PARSE);
	assert_int_equal(sysv(H64 "1 2 600 56 1 1 1 0 0 0 0 0 0 0 0 0 7\n", 4096, &a), -OVC_E_PARSE);
	assert_int_equal(a.bad, 1);
	/* what did parse is still summed (proc_read.c uses none of it) */
	assert_int_equal(sysv(H64 "1 2 600 56 1 1 1 0 0 0 0 0 0 0 0 0\n1 2\n", 4096, &a), -OVC_E_PARSE);
	assert_int_equal(a.segments, 1);
}

/* ------------------------------------------------------------------ */
/* The fixture tree                                                     */

/*
 * tests/fixtures/proc/shmem is basic (pids 1 2 40 300 512 600) and:
 *   700 postgres (postmaster): heap 2048 ac, stack 132 ac; maps the
 *       shared anonymous object 00:01/4242 (Size 131072, Rss 20480) and
 *       the SysV segment shmid 32769 ("/SYSV0052e2c1 (deleted)", 4 kB)
 *   701 postgres (backend): heap 1024 ac, stack 132 ac; the same two
 *       objects, Rss 65536 of 4242
 *   702 cached: stack 132 ac, a private /dev/zero map 1024 ac; the nr
 *       object 00:01/5151 split by mprotect into two VMAs of 32768
 *       (Rss 1024 + 0, Swap 256 + 256); a memfd (not an object)
 *   704 secret: smaps with "Size: 10x40 kB" (not read); VmData 10240,
 *       VmStk 132
 *   sysvipc/shm: 32769 (56 B, rss 4096 B) and 65538 (1000000 B,
 *       nattch 0, rss 409600 B, swap 40960 B)
 */
static void test_fixture_objects(void **state)
{
	struct ovc_live_snap s;
	const struct ovc_live_proc *p;

	(void)state;
	assert_int_equal(ovc_live_read(FIX "shmem", &s, NULL), 0);
	p = find(&s, 700);
	assert_non_null(p);
	assert_int_equal(p->memcg, -1);
	assert_int_equal(p->committed, 2048 + 132);
	assert_int_equal(p->vm_data, 2048);
	assert_int_equal(p->vm_stk, 132);
	assert_int_equal(p->nshobjs, 2);
	assert_int_equal(p->shobjs[0].kind, OVC_SHOBJ_SHARED_ANON);
	assert_int_equal(p->shobjs[0].dev, 1);
	assert_int_equal(p->shobjs[0].inode, 4242);
	assert_int_equal(p->shobjs[0].size_kb, 131072);
	assert_int_equal(p->shobjs[0].rss_kb, 20480);
	assert_int_equal(p->shobjs[1].kind, OVC_SHOBJ_SYSV);
	assert_int_equal(p->shobjs[1].inode, 32769);
	assert_int_equal(p->shobjs[1].size_kb, 4);

	p = find(&s, 702);
	assert_non_null(p);
	assert_int_equal(p->nshobjs, 1);
	assert_int_equal(p->shobjs[0].inode, 5151);
	assert_int_equal(p->shobjs[0].size_kb, 65536);
	assert_int_equal(p->shobjs[0].rss_kb, 1024);
	assert_int_equal(p->shobjs[0].swap_kb, 512);
	assert_true(p->shobjs[0].noreserve);
	assert_int_equal(p->committed, 132 + 1024);

	p = find(&s, 704);
	assert_non_null(p);
	assert_false(p->seen & OVC_LIVE_SMAPS);
	assert_int_equal(p->nshobjs, 0);
	assert_null(p->shobjs);
	assert_int_equal(p->vm_data, 10240);

	/* sysvipc/shm: 56 B -> 4 kB, 1000000 B -> 980 kB; rss 4096 +
	 * 409600 B = 404 kB; swap 40960 B = 40 kB */
	assert_int_equal(s.have_sysv, 1);
	assert_int_equal(s.sysv_segments, 2);
	assert_int_equal(s.sysv_size_kb, 984);
	assert_int_equal(s.sysv_rss_kb, 404);
	assert_int_equal(s.sysv_swap_kb, 40);
	ovc_live_snap_free(&s);
	assert_null(s.procs);
}

static void test_fixture_reconcile(void **state)
{
	struct ovc_live_snap s;
	struct ovc_live_reconcile r;

	(void)state;
	assert_int_equal(ovc_live_read(FIX "shmem", &s, NULL), 0);
	ovc_live_reconcile(&s, &r);
	assert_int_equal(r.committed_as_kb, 172336);
	/* private: basic's 1 (264) + 300 (264) + 512 (11396) + 600 (0) =
	 * 11924, + 700 (2180) + 701 (1156) + 702 (1156) = 16416 over 7
	 * processes (2 is a kernel thread, 40 a zombie: no mm) */
	assert_int_equal(r.private_kb, 16416);
	assert_int_equal(r.private_procs, 7);
	/* 704: VmData 10240 + VmStk 132 */
	assert_int_equal(r.hidden_procs, 1);
	assert_int_equal(r.hidden_estimate_kb, 10372);
	/* 4242 once, by its size: 131072 (not 2 x 131072); 5151 is nr: its
	 * pages, Rss 1024 + Swap 512 = 1536, not its 65536 */
	assert_int_equal(r.shared_anon_objects, 2);
	assert_int_equal(r.shared_anon_kb, 131072 + 1536);
	assert_int_equal(r.sysv_segments, 2);
	assert_int_equal(r.sysv_kb, 984);
	/* Shmem 75848 - SysV resident 404 - the objects' resident pages
	 * (largest Rss: 65536 of 4242, 1024 of 5151) = 8884 */
	assert_int_equal(r.shmem_files_kb, 8884);
	/* 172336 - (16416 + 10372 + 132608 + 984 + 8884 = 169264) = 3072 */
	assert_int_equal(r.unexplained_kb, 3072);
	ovc_live_snap_free(&s);
}

/* basic has no sysvipc/shm: not an error, nothing counted for it. */
static void test_basic_without_sysv(void **state)
{
	struct ovc_live_snap s;
	struct ovc_live_reconcile r;

	(void)state;
	assert_int_equal(ovc_live_read(FIX "basic", &s, NULL), 0);
	assert_int_equal(s.have_sysv, 0);
	assert_int_equal(s.vm_swappiness, -1);
	ovc_live_reconcile(&s, &r);
	assert_int_equal(r.private_kb, 11924);
	assert_int_equal(r.private_procs, 4);
	assert_int_equal(r.hidden_procs, 0);
	assert_int_equal(r.shared_anon_kb, 0);
	assert_int_equal(r.sysv_kb, 0);
	/* Shmem 8884, no object resident */
	assert_int_equal(r.shmem_files_kb, 8884);
	/* 3250536 - 11924 - 8884 */
	assert_int_equal(r.unexplained_kb, 3229728);
	ovc_live_snap_free(&s);
}

/* ------------------------------------------------------------------ */
/* Synthetic snapshots                                                  */

static struct ovc_live_shobj anon(uint64_t inode, uint64_t size, uint64_t rss, uint64_t swap, int nr)
{
	struct ovc_live_shobj o = { .dev = 1, .inode = inode, .size_kb = size, .rss_kb = rss,
				    .swap_kb = swap, .kind = OVC_SHOBJ_SHARED_ANON,
				    .noreserve = (uint8_t)nr };
	return o;
}

enum { MANY = 10000 };

/* 10,000 processes: each maps the one big object (a forked pool), every
 * 100th its own small one and a SysV segment whose (dev, inode) is the
 * big object's: counted once, 100 small, the SysV mapping not at all. */
static void test_many_processes(void **state)
{
	struct ovc_live_snap s;
	struct ovc_live_reconcile r;
	struct ovc_live_proc *p;

	(void)state;
	memset(&s, 0, sizeof(s));
	s.procs = calloc(MANY, sizeof(*s.procs));
	assert_non_null(s.procs);
	s.nprocs = MANY;
	for (size_t i = 0; i < MANY; i++) {
		p = &s.procs[i];
		p->pid = (int)i + 1;
		p->seen = OVC_LIVE_SMAPS;
		p->committed = 10;
		p->nshobjs = i % 100 ? 1 : 3;
		p->shobjs = calloc(p->nshobjs, sizeof(*p->shobjs));
		assert_non_null(p->shobjs);
		/* Rss grows with i: the largest (i = 9999: 9999) counts */
		p->shobjs[0] = anon(7, 1 << 20, i, 0, 0);
		if (p->nshobjs == 3) {
			p->shobjs[1] = anon(100000 + i, 64, 64, 0, 0);
			p->shobjs[2] = anon(7, 1 << 30, 1 << 30, 0, 0);
			p->shobjs[2].kind = OVC_SHOBJ_SYSV;
		}
	}
	s.mi.committed_as = 100000 + 1048576 + 6400;
	s.mi.shmem = 9999 + 6400 + 5;
	ovc_live_reconcile(&s, &r);
	assert_int_equal(r.private_procs, MANY);
	assert_int_equal(r.private_kb, 100000);
	assert_int_equal(r.shared_anon_objects, 1 + 100);
	assert_int_equal(r.shared_anon_kb, 1048576 + 100 * 64);
	/* Shmem - (9999 + 100 x 64) */
	assert_int_equal(r.shmem_files_kb, 5);
	assert_int_equal(r.unexplained_kb, -5);
	ovc_live_snap_free(&s);
}

/* Kernel threads and zombies have no mm; a process whose smaps was not
 * read counts by its status; Shmem below the objects' resident pages
 * floors at 0; an estimate above Committed_AS makes the rest negative. */
static void test_hidden_and_floors(void **state)
{
	struct ovc_live_snap s;
	struct ovc_live_reconcile r;
	struct ovc_live_proc procs[4];

	(void)state;
	memset(&s, 0, sizeof(s));
	memset(procs, 0, sizeof(procs));
	procs[0].kthread = 1;
	procs[0].vm_data = 999;
	procs[1].zombie = 1;
	procs[1].vm_data = 999;
	procs[2].seen = OVC_LIVE_STATUS;	/* smaps denied */
	procs[2].vm_data = 5000;
	procs[2].vm_stk = 132;
	procs[2].committed = 777;		/* not read: not used */
	procs[3].seen = OVC_LIVE_SMAPS;
	procs[3].committed = 100;
	s.procs = procs;
	s.nprocs = 4;
	s.have_sysv = 1;
	s.sysv_segments = 1;
	s.sysv_size_kb = 400;
	s.sysv_rss_kb = 300;
	s.mi.shmem = 200;
	s.mi.committed_as = 1000;
	ovc_live_reconcile(&s, &r);
	assert_int_equal(r.private_procs, 1);
	assert_int_equal(r.private_kb, 100);
	assert_int_equal(r.hidden_procs, 1);
	assert_int_equal(r.hidden_estimate_kb, 5132);
	assert_int_equal(r.sysv_kb, 400);
	assert_int_equal(r.shmem_files_kb, 0);	/* 200 - 300: floored */
	/* 1000 - (100 + 5132 + 400) */
	assert_int_equal(r.unexplained_kb, -4632);

	/* without sysvipc/shm its figures are not used, even if set */
	s.have_sysv = 0;
	ovc_live_reconcile(&s, &r);
	assert_int_equal(r.sysv_kb, 0);
	assert_int_equal(r.sysv_segments, 0);
	assert_int_equal(r.shmem_files_kb, 200);
}

/* Sums saturate rather than wrap; the rest stays within int64_t. */
static void test_saturation(void **state)
{
	struct ovc_live_snap s;
	struct ovc_live_reconcile r;
	struct ovc_live_proc procs[2];

	(void)state;
	memset(&s, 0, sizeof(s));
	memset(procs, 0, sizeof(procs));
	procs[0].seen = procs[1].seen = OVC_LIVE_SMAPS;
	procs[0].committed = procs[1].committed = UINT64_MAX - 1;
	s.procs = procs;
	s.nprocs = 2;
	ovc_live_reconcile(&s, &r);
	assert_true(r.private_kb == UINT64_MAX);
	assert_true(r.unexplained_kb == -INT64_MAX);
	s.nprocs = 0;
	s.mi.committed_as = UINT64_MAX;
	ovc_live_reconcile(&s, &r);
	assert_true(r.unexplained_kb == INT64_MAX);
}

/* ovc_live_snap_free frees the processes' objects and the memory
 * cgroups (the sanitizer build reports a leak otherwise). */
static void test_free_everything(void **state)
{
	struct ovc_live_snap s;

	(void)state;
	assert_int_equal(ovc_live_read(FIX "shmem", &s, NULL), 0);
	s.memcgs = calloc(3, sizeof(*s.memcgs));
	assert_non_null(s.memcgs);
	s.nmemcgs = 3;
	ovc_live_snap_free(&s);
	assert_null(s.memcgs);
	assert_int_equal(s.nmemcgs, 0);
	assert_int_equal(s.nprocs, 0);
	ovc_live_snap_free(&s);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_smaps_kinds),
		cmocka_unit_test(test_smaps_split_merged),
		cmocka_unit_test(test_smaps_bad_and_no_callback),
		cmocka_unit_test(test_status_data_stack),
		cmocka_unit_test(test_sysv_parse),
		cmocka_unit_test(test_sysv_columns),
		cmocka_unit_test(test_sysv_errors),
		cmocka_unit_test(test_fixture_objects),
		cmocka_unit_test(test_fixture_reconcile),
		cmocka_unit_test(test_basic_without_sysv),
		cmocka_unit_test(test_many_processes),
		cmocka_unit_test(test_hidden_and_floors),
		cmocka_unit_test(test_saturation),
		cmocka_unit_test(test_free_everything),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
