/* test_live_cgroup.c - memory cgroups: the cgroup file parsers, ovc_live_read_memcgs on tests/fixtures/sys and on this machine. */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <grp.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include <cmocka.h>

#include "live/cgroup_parse.h"
#include "live/live.h"

/* Run from the repository root (tests/run-unit.sh is). */
#define PROC "tests/fixtures/proc/"
#define SYS "tests/fixtures/sys/"
#define NOLIM OVC_LIVE_NOLIMIT
#define ALL_SEEN (OVC_MEMCG_SEEN_MAX | OVC_MEMCG_SEEN_CURRENT | OVC_MEMCG_SEEN_SWAP | \
		  OVC_MEMCG_SEEN_EVENTS)

/* s->memcgs is the snapshot's, but ovc_live_snap_free may not free it
 * yet: take it out first, so this frees it exactly once either way. */
static void snap_done(struct ovc_live_snap *s)
{
	struct ovc_live_memcg *m = s->memcgs;

	s->memcgs = NULL;
	s->nmemcgs = 0;
	ovc_live_snap_free(s);
	free(m);
}

static const struct ovc_live_proc *find(const struct ovc_live_snap *s, int pid)
{
	for (size_t i = 0; i < s->nprocs; i++)
		if (s->procs[i].pid == pid)
			return &s->procs[i];
	return NULL;
}

static int memcg_of(const struct ovc_live_snap *s, int pid)
{
	const struct ovc_live_proc *p = find(s, pid);

	assert_non_null(p);
	return p->memcg;
}

/* ------------------------------------------------------------------ */
/* Parsers                                                              */

/* A parse that must fail at line:col. */
#define BAD(call, l, c) do {					\
	struct ovc_err e_ = { 0 };				\
	assert_int_equal((call), -OVC_E_PARSE);			\
	assert_int_equal(e_.code, OVC_E_PARSE);			\
	assert_int_equal(e_.line, (l));				\
	assert_int_equal(e_.col, (c));				\
	assert_true(e_.msg[0] != '\0');				\
} while (0)
#define S(str) (str), sizeof(str) - 1

static void test_parse_limit(void **state)
{
	uint64_t v = 7;

	(void)state;
	assert_int_equal(ovc_cgroup_parse_limit(S("max\n"), &v, NULL), 0);
	assert_true(v == NOLIM);
	assert_int_equal(ovc_cgroup_parse_limit(S("536870912\n"), &v, NULL), 0);
	assert_int_equal(v, 536870912);
	assert_int_equal(ovc_cgroup_parse_limit(S("0\n"), &v, NULL), 0);
	assert_int_equal(v, 0);
	/* v1 unlimited: LONG_MAX / 4096 * 4096, and / 65536 * 65536 */
	assert_int_equal(ovc_cgroup_parse_limit(S("9223372036854771712\n"), &v, NULL), 0);
	assert_true(v == NOLIM);
	assert_int_equal(ovc_cgroup_parse_limit(S("9223372036854710272\n"), &v, NULL), 0);
	assert_true(v == NOLIM);
	assert_int_equal(ovc_cgroup_parse_limit(S("9223372036854710271\n"), &v, NULL), 0);
	assert_true(v == 9223372036854710271ull);
	/* only buf[0..len) is read: no NUL needed, what follows ignored */
	assert_int_equal(ovc_cgroup_parse_limit("4096XYZ", 4, &v, NULL), 0);
	assert_int_equal(v, 4096);
	assert_int_equal(ovc_cgroup_parse_limit("maxed", 3, &v, NULL), 0);
	assert_true(v == NOLIM);

	v = 7;
	BAD(ovc_cgroup_parse_limit(S(""), &v, &e_), 1, 1);
	BAD(ovc_cgroup_parse_limit(S("\n"), &v, &e_), 1, 1);
	BAD(ovc_cgroup_parse_limit(S("-1\n"), &v, &e_), 1, 1);
	BAD(ovc_cgroup_parse_limit(S("12a\n"), &v, &e_), 1, 3);
	BAD(ovc_cgroup_parse_limit(S("maxx\n"), &v, &e_), 1, 4);
	BAD(ovc_cgroup_parse_limit(S("12\n34\n"), &v, &e_), 2, 1);
	/* UINT64_MAX + 1: the 20th digit overflows */
	BAD(ovc_cgroup_parse_limit(S("18446744073709551616\n"), &v, &e_), 1, 20);
	assert_int_equal(v, 7);		/* untouched by the failures */
}

static void test_parse_u64(void **state)
{
	uint64_t v = 7;

	(void)state;
	assert_int_equal(ovc_cgroup_parse_u64(S("0\n"), &v, NULL), 0);
	assert_int_equal(v, 0);
	assert_int_equal(ovc_cgroup_parse_u64(S("653742080"), &v, NULL), 0);
	assert_int_equal(v, 653742080);
	assert_int_equal(ovc_cgroup_parse_u64(S("18446744073709551615 \n\n"), &v, NULL), 0);
	assert_true(v == UINT64_MAX);
	v = 7;
	BAD(ovc_cgroup_parse_u64(S("max\n"), &v, &e_), 1, 1);
	BAD(ovc_cgroup_parse_u64(S("4 2\n"), &v, &e_), 1, 3);
	BAD(ovc_cgroup_parse_u64(S(" 42\n"), &v, &e_), 1, 1);
	assert_int_equal(v, 7);
}

static void test_parse_flat(void **state)
{
	uint64_t max = 9, oom = 9, kill = 9, gk = 9;
	const struct ovc_cgroup_key keys[] = {
		{ "max", &max }, { "oom", &oom }, { "oom_kill", &kill }, { "oom_group_kill", &gk },
	};
	unsigned found = 0;

	(void)state;
	/* memory_events_show: low and high are not asked for */
	assert_int_equal(ovc_cgroup_parse_flat(S("low 0\nhigh 3\nmax 41\noom 1\noom_kill 2\n"
						 "oom_group_kill 1\n"), keys, 4, &found, NULL), 0);
	assert_int_equal(found, 15);
	assert_int_equal(max, 41);
	assert_int_equal(oom, 1);
	assert_int_equal(kill, 2);
	assert_int_equal(gk, 1);
	/* before 4.13: no oom_kill; blanks around the value; no last '\n' */
	gk = 9;
	assert_int_equal(ovc_cgroup_parse_flat(S("max 5\noom   0 \n\nhigh 1"), keys, 4, &found,
					       NULL), 0);
	assert_int_equal(found, 3);
	assert_int_equal(max, 5);
	assert_int_equal(oom, 0);
	assert_int_equal(kill, 2);
	assert_int_equal(gk, 9);
	/* an empty file has no keys, and is no error */
	assert_int_equal(ovc_cgroup_parse_flat(S(""), keys, 4, &found, NULL), 0);
	assert_int_equal(found, 0);

	/* "oom x": line 4, the 'x' at column 5; nothing stored */
	max = 9;
	BAD(ovc_cgroup_parse_flat(S("low 0\nhigh 0\nmax 1\noom x\n"), keys, 4, NULL, &e_), 4, 5);
	assert_int_equal(max, 9);
	BAD(ovc_cgroup_parse_flat(S("max 1\noom\n"), keys, 4, NULL, &e_), 2, 4);
	BAD(ovc_cgroup_parse_flat(S(" max 1\n"), keys, 4, NULL, &e_), 1, 1);
	BAD(ovc_cgroup_parse_flat(S("max 1 2\n"), keys, 4, NULL, &e_), 1, 7);
	BAD(ovc_cgroup_parse_flat(S("max=1\n"), keys, 4, NULL, &e_), 1, 4);
	BAD(ovc_cgroup_parse_flat(S("max -1\n"), keys, 4, NULL, &e_), 1, 5);
}

static void test_parse_oom_control(void **state)
{
	uint64_t dis = 9, under = 9, kill = 9;
	const struct ovc_cgroup_key keys[] = {
		{ "oom_kill_disable", &dis }, { "under_oom", &under }, { "oom_kill", &kill },
	};
	unsigned found;

	(void)state;
	/* this machine's, mem_cgroup_oom_control_read */
	assert_int_equal(ovc_cgroup_parse_flat(S("oom_kill_disable 0\nunder_oom 0\noom_kill 0\n"),
					       keys, 3, &found, NULL), 0);
	assert_int_equal(found, 7);
	assert_int_equal(dis + under + kill, 0);
	assert_int_equal(ovc_cgroup_parse_flat(S("oom_kill_disable 1\nunder_oom 1\n"), keys, 3,
					       &found, NULL), 0);
	assert_int_equal(found, 3);
	assert_int_equal(dis, 1);
	assert_int_equal(under, 1);
	BAD(ovc_cgroup_parse_flat(S("oom_kill_disable 0\nunder oom 0\n"), keys, 3, NULL, &e_),
	    2, 7);
}

static void test_parse_controllers(void **state)
{
	int mem = 7;

	(void)state;
	assert_int_equal(ovc_cgroup_parse_controllers(S("cpuset cpu io memory hugetlb pids rdma "
							"misc\n"), &mem, NULL), 0);
	assert_int_equal(mem, 1);
	assert_int_equal(ovc_cgroup_parse_controllers(S("cpu io pids\n"), &mem, NULL), 0);
	assert_int_equal(mem, 0);
	mem = 7;
	assert_int_equal(ovc_cgroup_parse_controllers(S("memory"), &mem, NULL), 0);
	assert_int_equal(mem, 1);
	/* a hybrid's unified hierarchy: no controller at all */
	assert_int_equal(ovc_cgroup_parse_controllers(S("\n"), &mem, NULL), 0);
	assert_int_equal(mem, 0);
	assert_int_equal(ovc_cgroup_parse_controllers(S(""), &mem, NULL), 0);
	assert_int_equal(ovc_cgroup_parse_controllers(S("memoryx hugetlb\n"), &mem, NULL), 0);
	assert_int_equal(mem, 0);
	mem = 7;
	BAD(ovc_cgroup_parse_controllers(S("cpu,memory\n"), &mem, &e_), 1, 4);
	BAD(ovc_cgroup_parse_controllers(S("cpu\nmemory\n"), &mem, &e_), 2, 1);
	BAD(ovc_cgroup_parse_controllers(S("cpu Memory\n"), &mem, &e_), 1, 5);
	assert_int_equal(mem, 7);
}

/* The path a line names, or NULL, with its version in *v. */
static const char *line_path(const char *line, int *v)
{
	static char out[256];
	const char *p;
	size_t n;

	if (ovc_cgroup_parse_line(line, strlen(line), v, &p, &n) < 0)
		return NULL;
	assert_true(p >= line && p + n <= line + strlen(line));
	memcpy(out, p, n);
	out[n] = '\0';
	return out;
}

static void test_parse_line(void **state)
{
	int v = 0;

	(void)state;
	assert_string_equal(line_path("0::/system.slice/redis.service", &v),
			    "/system.slice/redis.service");
	assert_int_equal(v, 2);
	assert_string_equal(line_path("0::/", &v), "/");
	assert_string_equal(line_path("0::/lxc/web (deleted)", &v), "/lxc/web");
	assert_string_equal(line_path("0::/a\n", &v), "/a");
	assert_string_equal(line_path("4:memory:/process_api/cfc8376adb58", &v),
			    "/process_api/cfc8376adb58");
	assert_int_equal(v, 1);
	assert_string_equal(line_path("11:cpu,memory:/x", &v), "/x");
	assert_int_equal(v, 1);
	/* a v1 name with a ':' in it is not the path */
	assert_string_equal(line_path("4:memory:/a:b", &v), "/a:b");
	/* not memory's, not a path of this namespace's tree, not a line */
	assert_null(line_path("9:name=systemd:/", &v));
	assert_null(line_path("4:memoryx:/a", &v));
	assert_null(line_path("0::/..", &v));
	assert_null(line_path("0::/../../init.scope", &v));
	assert_null(line_path("0::/a/./b", &v));
	assert_null(line_path("0::/a//b", &v));
	assert_null(line_path("0::/a/", &v));
	assert_null(line_path("0::a", &v));
	assert_null(line_path("0::", &v));
	assert_null(line_path("x::/", &v));
	assert_null(line_path(":memory:/", &v));
	assert_null(line_path("0:/", &v));
	assert_null(line_path("", &v));
}

/* ------------------------------------------------------------------ */
/* The fixture trees                                                    */

static const char *const tree_paths[] = {
	"/", "/lxc", "/system.slice", "/user.slice", "/lxc/web", "/system.slice/redis.service",
	"/user.slice/user-1000.slice", "/lxc/web/app", "/user.slice/user-1000.slice/session-2.scope",
};
static const int tree_parents[] = { -1, 0, 0, 0, 1, 2, 3, 4, 6 };
static const size_t tree_nprocs[] = { 2, 0, 0, 0, 0, 1, 0, 2, 1 };

/* Read PROC/tree then SYS/tree; both must succeed. */
static void read_pair(const char *proc, const char *sys, struct ovc_live_snap *s)
{
	struct ovc_err e = { 0 };

	assert_int_equal(ovc_live_read(proc, s, &e), 0);
	assert_int_equal(ovc_live_read_memcgs(sys, s, &e), 0);
}

/* Order, parents, process counts and indexes: the same in both trees. */
static void check_tree(const struct ovc_live_snap *s, int version)
{
	assert_int_equal(s->nmemcgs, 9);
	for (size_t i = 0; i < 9; i++) {
		assert_string_equal(s->memcgs[i].path, tree_paths[i]);
		assert_int_equal(s->memcgs[i].parent, tree_parents[i]);
		assert_int_equal(s->memcgs[i].nprocs, tree_nprocs[i]);
		assert_int_equal(s->memcgs[i].version, version);
		assert_int_equal(ovc_live_memcg_find(s, tree_paths[i]), (int)i);
	}
	assert_int_equal(memcg_of(s, 1), 0);
	assert_int_equal(memcg_of(s, 2), 0);	/* kthreadd: in "/" too */
	assert_int_equal(memcg_of(s, 40), 8);
	assert_int_equal(memcg_of(s, 300), 7);
	assert_int_equal(memcg_of(s, 512), 5);
	assert_int_equal(memcg_of(s, 600), 7);
	assert_int_equal(s->vm_swappiness, 60);
	assert_string_equal(s->memcg_note, "");
}

static void test_read_v2(void **state)
{
	struct ovc_live_snap s;
	const struct ovc_live_memcg *m;

	(void)state;
	read_pair(PROC "memcg-v2", SYS "memcg-v2", &s);
	assert_int_equal(s.memcg_version, 2);
	assert_string_equal(s.memcg_root, SYS "memcg-v2/fs/cgroup");
	check_tree(&s, 2);

	/* "/": no memory.* files on v2's root (CFTYPE_NOT_ON_ROOT) */
	m = &s.memcgs[0];
	assert_int_equal(m->seen, 0);
	assert_true(m->max_kb == NOLIM && m->high_kb == NOLIM && m->swap_max_kb == NOLIM);
	assert_int_equal(m->current_kb, 0);
	assert_int_equal(m->swappiness, -1);

	/* /lxc: events are hierarchical (memory_events_show) */
	m = &s.memcgs[1];
	assert_int_equal(m->seen, ALL_SEEN);
	assert_true(m->max_kb == NOLIM && m->high_kb == NOLIM && m->swap_max_kb == NOLIM);
	assert_int_equal(m->current_kb, 216064);	/* 221249536 / 1024 */
	assert_int_equal(m->max_events, 41);
	assert_int_equal(m->oom_events, 1);
	assert_int_equal(m->oom_kill_events, 2);
	assert_int_equal(m->oom_group, 0);

	/* /lxc/web: 1 GiB, 256 MiB of swap, oom.group */
	m = &s.memcgs[4];
	assert_int_equal(m->seen, ALL_SEEN);
	assert_int_equal(m->max_kb, 1048576);		/* 1073741824 / 1024 */
	assert_true(m->high_kb == NOLIM);
	assert_int_equal(m->current_kb, 215040);	/* 220200960 / 1024 */
	assert_int_equal(m->swap_max_kb, 262144);	/* 268435456 / 1024 */
	assert_int_equal(m->swap_current_kb, 0);
	assert_int_equal(m->oom_group, 1);
	assert_int_equal(m->swappiness, -1);

	/* redis: 512 MiB, high 448 MiB, no swap allowed, 512 kB swapped */
	m = &s.memcgs[5];
	assert_int_equal(m->seen, ALL_SEEN);
	assert_int_equal(m->max_kb, 524288);
	assert_int_equal(m->high_kb, 458752);		/* 469762048 / 1024 */
	assert_int_equal(m->current_kb, 12288);
	assert_int_equal(m->swap_max_kb, 0);
	assert_int_equal(m->swap_current_kb, 512);
	assert_int_equal(m->max_events + m->oom_events + m->oom_kill_events, 0);

	/* /lxc/web/app: no limit of its own; the kills counted here too */
	m = &s.memcgs[7];
	assert_int_equal(m->seen, ALL_SEEN);
	assert_true(m->max_kb == NOLIM);
	assert_int_equal(m->current_kb, 212992);	/* 218103808 / 1024 */
	assert_int_equal(m->oom_kill_events, 2);
	assert_int_equal(m->oom_group, 0);

	assert_int_equal(s.memcgs[2].current_kb, 65536);
	assert_int_equal(s.memcgs[2].swap_current_kb, 1024);
	assert_int_equal(s.memcgs[3].current_kb, 32768);
	assert_int_equal(s.memcgs[6].current_kb, 24576);
	assert_int_equal(s.memcgs[8].current_kb, 8192);
	snap_done(&s);
}

static void test_read_v1(void **state)
{
	struct ovc_live_snap s;
	const struct ovc_live_memcg *m;

	(void)state;
	read_pair(PROC "memcg-v1", SYS "memcg-v1", &s);
	assert_int_equal(s.memcg_version, 1);
	assert_string_equal(s.memcg_root, SYS "memcg-v1/fs/cgroup/memory");
	check_tree(&s, 1);
	for (size_t i = 0; i < 9; i++) {
		assert_int_equal(s.memcgs[i].seen, ALL_SEEN);
		assert_true(s.memcgs[i].high_kb == NOLIM);	/* v1 has none */
		assert_int_equal(s.memcgs[i].oom_group, 0);
		assert_int_equal(s.memcgs[i].oom_events, 0);
	}

	/* v1's root has its files: usage from its statistics */
	m = &s.memcgs[0];
	assert_true(m->max_kb == NOLIM && m->swap_max_kb == NOLIM);
	assert_int_equal(m->current_kb, 1228800);	/* 1258291200 / 1024 */
	assert_int_equal(m->swap_current_kb, 1024);	/* (1259339776 - 1258291200) / 1024 */
	assert_int_equal(m->swappiness, 60);

	/* /lxc/web: memsw 1 GiB + 256 MiB over a 1 GiB limit: 256 MiB of swap */
	m = &s.memcgs[4];
	assert_int_equal(m->max_kb, 1048576);
	assert_int_equal(m->current_kb, 215040);
	assert_int_equal(m->swap_max_kb, 262144);	/* (1342177280 - 1073741824) / 1024 */
	assert_int_equal(m->swap_current_kb, 0);
	assert_int_equal(m->max_events, 41);		/* memory.failcnt */
	assert_int_equal(m->oom_kill_events, 2);
	assert_int_equal(m->oom_kill_disable, 0);

	/* redis: memsw limit = limit: no swap; its own swappiness 10 */
	m = &s.memcgs[5];
	assert_int_equal(m->max_kb, 524288);
	assert_int_equal(m->current_kb, 12288);
	assert_int_equal(m->swap_max_kb, 0);
	assert_int_equal(m->swap_current_kb, 512);	/* (13107200 - 12582912) / 1024 */
	assert_int_equal(m->swappiness, 10);

	/* session-2.scope: memsw usage 8 kB under usage reads as 0 swap;
	 * the OOM killer disabled on a 256 MiB limit */
	m = &s.memcgs[8];
	assert_int_equal(m->max_kb, 262144);
	assert_int_equal(m->current_kb, 8192);
	assert_int_equal(m->swap_max_kb, 0);
	assert_int_equal(m->swap_current_kb, 0);
	assert_int_equal(m->oom_kill_disable, 1);
	assert_int_equal(m->max_events, 3);

	m = &s.memcgs[7];
	assert_true(m->max_kb == NOLIM && m->swap_max_kb == NOLIM);
	assert_int_equal(m->current_kb, 212992);
	assert_int_equal(m->oom_kill_events, 2);
	snap_done(&s);
}

/* Calling it twice replaces what the first call read. */
static void test_read_twice(void **state)
{
	struct ovc_live_snap s;

	(void)state;
	read_pair(PROC "memcg-v2", SYS "memcg-v2", &s);
	assert_int_equal(ovc_live_read_memcgs(SYS "memcg-v2", &s, NULL), 0);
	check_tree(&s, 2);
	snap_done(&s);
}

static void test_find(void **state)
{
	struct ovc_live_snap s;
	struct ovc_live_memcg m[3];

	(void)state;
	read_pair(PROC "memcg-v2", SYS "memcg-v2", &s);
	assert_int_equal(ovc_live_memcg_find(&s, "/lxc/web"), 4);
	assert_int_equal(ovc_live_memcg_find(&s, "/lxc/we"), -1);
	assert_int_equal(ovc_live_memcg_find(&s, "/lxc/web/"), -1);
	assert_int_equal(ovc_live_memcg_find(&s, "lxc"), -1);
	assert_int_equal(ovc_live_memcg_find(&s, ""), -1);
	assert_int_equal(ovc_live_memcg_find(&s, NULL), -1);
	snap_done(&s);

	/* a snapshot built by hand, in another order, is still searched */
	memset(&s, 0, sizeof(s));
	memset(m, 0, sizeof(m));
	strcpy(m[0].path, "/z");
	strcpy(m[1].path, "/");
	strcpy(m[2].path, "/a/b");
	s.memcgs = m;
	s.nmemcgs = 3;
	assert_int_equal(ovc_live_memcg_find(&s, "/"), 1);
	assert_int_equal(ovc_live_memcg_find(&s, "/a/b"), 2);
	assert_int_equal(ovc_live_memcg_find(&s, "/z"), 0);
	assert_int_equal(ovc_live_memcg_find(&s, "/a"), -1);
	s.memcgs = NULL;
	assert_int_equal(ovc_live_memcg_find(&s, "/"), -1);
}

/* ------------------------------------------------------------------ */
/* What cannot be read                                                  */

static void test_missing_sys_root(void **state)
{
	struct ovc_live_snap s;
	struct ovc_err e = { 0 };

	(void)state;
	assert_int_equal(ovc_live_read(PROC "memcg-v2", &s, &e), 0);
	assert_int_equal(ovc_live_read_memcgs(SYS "no-such-tree", &s, &e), 0);
	assert_int_equal(s.memcg_version, 0);
	assert_int_equal(s.nmemcgs, 0);
	assert_non_null(strstr(s.memcg_note, SYS "no-such-tree"));
	assert_non_null(strstr(s.memcg_note, "No such file"));
	assert_int_equal(memcg_of(&s, 1), -1);
	assert_int_equal(s.vm_swappiness, 60);	/* from the proc root all the same */
	assert_int_equal(e.code, 0);
	snap_done(&s);
}

/* A sys tree without a memory controller: the note says what was
 * looked for. */
static void test_no_controller(void **state)
{
	struct ovc_live_snap s;

	(void)state;
	assert_int_equal(ovc_live_read(PROC "memcg-v2", &s, NULL), 0);
	assert_int_equal(ovc_live_read_memcgs(SYS, &s, NULL), 0);
	assert_int_equal(s.memcg_version, 0);
	assert_int_equal(s.nmemcgs, 0);
	/* named without the root's trailing '/' */
	assert_string_equal(s.memcg_note, "no memory controller: " SYS "fs/cgroup/cgroup.controllers "
			    "does not list memory and " SYS "fs/cgroup/memory is not a v1 memory "
			    "hierarchy");
	snap_done(&s);
}

/* The processes' lines are for the other hierarchy: none is usable. */
static void test_mismatch(void **state)
{
	struct ovc_live_snap s;

	(void)state;
	read_pair(PROC "memcg-v2", SYS "memcg-v1", &s);
	assert_int_equal(s.memcg_version, 1);
	assert_int_equal(s.nmemcgs, 0);
	for (size_t i = 0; i < s.nprocs; i++)
		assert_int_equal(s.procs[i].memcg, -1);
	assert_string_equal(s.memcg_note, "6 processes without a usable v1 memory cgroup path");
	snap_done(&s);

	/* basic: init's line is v1's (/init.scope, not in this tree), the
	 * others "0::": one usable path, whose directory is not there */
	read_pair(PROC "basic", SYS "memcg-v1", &s);
	assert_int_equal(s.nmemcgs, 2);
	assert_string_equal(s.memcgs[1].path, "/init.scope");
	assert_int_equal(s.memcgs[1].seen, 0);
	assert_int_equal(s.memcgs[1].parent, 0);
	assert_int_equal(s.memcgs[0].seen, ALL_SEEN);
	assert_int_equal(memcg_of(&s, 1), 1);
	assert_int_equal(memcg_of(&s, 512), -1);
	assert_int_equal(s.vm_swappiness, -1);	/* basic has no sys/vm/swappiness */
	assert_string_equal(s.memcg_note, "1 of 2 cgroups not fully readable (1 gone, 0 denied); "
			    "5 processes without a usable v1 memory cgroup path");
	snap_done(&s);
}

/* A copy of SYS/name in a fresh directory others may enter. */
static void copy_tree(const char *name, char *dir, size_t size)
{
	char cmd[512];

	snprintf(dir, size, "/tmp/ovc-cgroup-XXXXXX");
	assert_non_null(mkdtemp(dir));
	assert_int_equal(chmod(dir, 0755), 0);
	snprintf(cmd, sizeof(cmd), "cp -R " SYS "%s/. %s/", name, dir);
	assert_int_equal(system(cmd), 0);
}

static void remove_tree(const char *dir)
{
	char cmd[512];

	snprintf(cmd, sizeof(cmd), "chmod -R u+rwX %s && rm -rf %s", dir, dir);
	assert_int_equal(system(cmd), 0);
}

static void put(const char *dir, const char *rel, const char *text)
{
	char path[512];
	FILE *f;

	snprintf(path, sizeof(path), "%s/%s", dir, rel);
	f = fopen(path, "w");
	assert_non_null(f);
	fputs(text, f);
	fclose(f);
}

static void sh(const char *fmt, const char *dir)
{
	char cmd[512];

	snprintf(cmd, sizeof(cmd), fmt, dir);
	assert_int_equal(system(cmd), 0);
}

/* A value that is not one: -OVC_E_PARSE naming the file, at the byte. */
static void test_garbage_file(void **state)
{
	char dir[64], want[160];
	struct ovc_live_snap s;
	struct ovc_err e = { 0 };

	(void)state;
	copy_tree("memcg-v2", dir, sizeof(dir));
	put(dir, "fs/cgroup/lxc/web/memory.max", "1073741824x\n");
	assert_int_equal(ovc_live_read(PROC "memcg-v2", &s, NULL), 0);
	assert_int_equal(ovc_live_read_memcgs(dir, &s, &e), -OVC_E_PARSE);
	snprintf(want, sizeof(want), "%s/fs/cgroup/lxc/web/memory.max", dir);
	assert_non_null(e.file);
	assert_string_equal(e.file, want);
	assert_int_equal(e.line, 1);
	assert_int_equal(e.col, 11);
	assert_int_equal(e.code, OVC_E_PARSE);
	/* nothing half read is left */
	assert_int_equal(s.nmemcgs, 0);
	assert_null(s.memcgs);
	assert_int_equal(s.memcg_version, 0);
	assert_int_equal(memcg_of(&s, 300), -1);

	/* a v2 events file without its oom key */
	put(dir, "fs/cgroup/lxc/web/memory.max", "max\n");
	put(dir, "fs/cgroup/lxc/web/app/memory.events", "low 0\nhigh 0\nmax 0\n");
	memset(&e, 0, sizeof(e));
	assert_int_equal(ovc_live_read_memcgs(dir, &s, &e), -OVC_E_PARSE);
	snprintf(want, sizeof(want), "%s/fs/cgroup/lxc/web/app/memory.events", dir);
	assert_string_equal(e.file, want);

	/* the root's cgroup.controllers */
	put(dir, "fs/cgroup/cgroup.controllers", "cpu io,memory\n");
	memset(&e, 0, sizeof(e));
	assert_int_equal(ovc_live_read_memcgs(dir, &s, &e), -OVC_E_PARSE);
	snprintf(want, sizeof(want), "%s/fs/cgroup/cgroup.controllers", dir);
	assert_string_equal(e.file, want);
	assert_int_equal(e.line, 1);
	assert_int_equal(e.col, 7);
	snap_done(&s);
	remove_tree(dir);

	/* v1: oom_kill_disable 2, and a swappiness past 200 */
	copy_tree("memcg-v1", dir, sizeof(dir));
	put(dir, "fs/cgroup/memory/lxc/memory.oom_control",
	    "oom_kill_disable 2\nunder_oom 0\noom_kill 0\n");
	assert_int_equal(ovc_live_read(PROC "memcg-v1", &s, NULL), 0);
	memset(&e, 0, sizeof(e));
	assert_int_equal(ovc_live_read_memcgs(dir, &s, &e), -OVC_E_PARSE);
	snprintf(want, sizeof(want), "%s/fs/cgroup/memory/lxc/memory.oom_control", dir);
	assert_string_equal(e.file, want);
	put(dir, "fs/cgroup/memory/lxc/memory.oom_control",
	    "oom_kill_disable 0\nunder_oom 0\noom_kill 0\n");
	put(dir, "fs/cgroup/memory/memory.swappiness", "201\n");
	memset(&e, 0, sizeof(e));
	assert_int_equal(ovc_live_read_memcgs(dir, &s, &e), -OVC_E_PARSE);
	snprintf(want, sizeof(want), "%s/fs/cgroup/memory/memory.swappiness", dir);
	assert_string_equal(e.file, want);
	assert_int_equal(e.line, 1);
	assert_int_equal(e.col, 1);
	snap_done(&s);
	remove_tree(dir);
}

/* A cgroup removed since the processes were read, a file gone, a
 * cgroup without the memory controller: entries kept, bits clear. */
static void test_vanished_v2(void **state)
{
	char dir[64];
	struct ovc_live_snap s;
	const struct ovc_live_memcg *m;

	(void)state;
	copy_tree("memcg-v2", dir, sizeof(dir));
	sh("rm -rf %s/fs/cgroup/user.slice/user-1000.slice/session-2.scope", dir);
	sh("rm %s/fs/cgroup/system.slice/memory.high", dir);
	sh("rm %s/fs/cgroup/lxc/web/memory.swap.max", dir);	/* optional: no note */
	sh("rm %s/fs/cgroup/user.slice/memory.*", dir);		/* not enabled there */
	read_pair(PROC "memcg-v2", dir, &s);
	assert_int_equal(s.nmemcgs, 9);
	assert_int_equal(s.memcgs[8].seen, 0);
	assert_int_equal(s.memcgs[8].nprocs, 1);
	assert_int_equal(memcg_of(&s, 40), 8);
	assert_int_equal(s.memcgs[2].seen, ALL_SEEN);	/* high has no bit */
	assert_true(s.memcgs[2].high_kb == NOLIM);
	m = &s.memcgs[4];
	assert_int_equal(m->seen, ALL_SEEN & ~OVC_MEMCG_SEEN_SWAP);
	assert_true(m->swap_max_kb == NOLIM);
	assert_int_equal(m->max_kb, 1048576);
	assert_int_equal(s.memcgs[3].seen, 0);
	assert_string_equal(s.memcg_note, "2 of 9 cgroups not fully readable (1 gone, 0 denied); "
			    "1 without the memory controller enabled");
	snap_done(&s);
	remove_tree(dir);
}

/* v1 without swap accounting has no memsw files: no swap seen, and
 * nothing to note (the kernel has none to show). */
static void test_v1_no_swap_accounting(void **state)
{
	char dir[64];
	struct ovc_live_snap s;

	(void)state;
	copy_tree("memcg-v1", dir, sizeof(dir));
	sh("find %s -name 'memory.memsw.*' -delete", dir);
	read_pair(PROC "memcg-v1", dir, &s);
	assert_int_equal(s.nmemcgs, 9);
	for (size_t i = 0; i < 9; i++) {
		assert_int_equal(s.memcgs[i].seen, ALL_SEEN & ~OVC_MEMCG_SEEN_SWAP);
		assert_true(s.memcgs[i].swap_max_kb == NOLIM);
		assert_int_equal(s.memcgs[i].swap_current_kb, 0);
	}
	assert_int_equal(s.memcgs[4].max_kb, 1048576);
	assert_string_equal(s.memcg_note, "");
	snap_done(&s);
	remove_tree(dir);
}

/* What a reader saw, small enough to come back through a pipe. */
struct denied_result {
	int rc;
	size_t nmemcgs;
	unsigned seen_web;
	uint64_t web_max_kb;
	char note[200];
};

/* As nobody, a file of mode 000 is refused (root reads it). */
static void test_denied(void **state)
{
	char dir[64], path[160];
	struct ovc_live_snap s;
	struct denied_result r = { 0 };
	int fd[2], status;
	pid_t pid;

	(void)state;
	copy_tree("memcg-v2", dir, sizeof(dir));
	snprintf(path, sizeof(path), "%s/fs/cgroup/lxc/web/memory.current", dir);
	assert_int_equal(chmod(path, 0), 0);
	assert_int_equal(ovc_live_read(PROC "memcg-v2", &s, NULL), 0);
	assert_int_equal(pipe(fd), 0);
	pid = fork();
	assert_true(pid >= 0);
	if (pid == 0) {
		close(fd[0]);
		if (geteuid() != 0 ||
		    (setgroups(0, NULL) == 0 && setgid(65534) == 0 && setuid(65534) == 0)) {
			r.rc = ovc_live_read_memcgs(dir, &s, NULL);
			r.nmemcgs = s.nmemcgs;
			r.seen_web = s.nmemcgs > 4 ? s.memcgs[4].seen : 99;
			r.web_max_kb = s.nmemcgs > 4 ? s.memcgs[4].max_kb : 0;
			memcpy(r.note, s.memcg_note, sizeof(r.note));
			if (write(fd[1], &r, sizeof(r)) != (ssize_t)sizeof(r))
				_exit(2);
		}
		_exit(0);
	}
	close(fd[1]);
	if (read(fd[0], &r, sizeof(r)) == (ssize_t)sizeof(r)) {
		assert_int_equal(r.rc, 0);
		assert_int_equal(r.nmemcgs, 9);
		assert_int_equal(r.seen_web, ALL_SEEN & ~OVC_MEMCG_SEEN_CURRENT);
		assert_int_equal(r.web_max_kb, 1048576);
		assert_string_equal(r.note, "1 of 9 cgroups not fully readable (0 gone, 1 denied)");
	} else {
		print_message("test_denied: could not become nobody: not checked\n");
	}
	close(fd[0]);
	assert_int_equal(waitpid(pid, &status, 0), pid);
	assert_true(WIFEXITED(status) && WEXITSTATUS(status) == 0);
	snap_done(&s);
	remove_tree(dir);
}

/* ------------------------------------------------------------------ */
/* Scale, and this machine                                              */

static double now_ms(void)
{
	struct timespec t;

	clock_gettime(CLOCK_MONOTONIC, &t);
	return (double)t.tv_sec * 1e3 + (double)t.tv_nsec / 1e6;
}

/* 20000 processes in 800 leaf cgroups of 40 slices: the paths are
 * sorted, never scanned process by cgroup. The directories do not
 * exist: every entry is kept unseen. */
static void test_many(void **state)
{
	enum { NPROCS = 20000, NSLICES = 40, NLEAVES = 800 };
	char dir[64];
	struct ovc_live_snap s;
	double t0, t1;
	size_t total = 0;

	(void)state;
	copy_tree("memcg-v2", dir, sizeof(dir));
	sh("cd %s/fs/cgroup && rm -rf lxc system.slice user.slice", dir);
	memset(&s, 0, sizeof(s));
	strcpy(s.root, PROC "memcg-v2");
	s.procs = calloc(NPROCS, sizeof(*s.procs));
	assert_non_null(s.procs);
	s.nprocs = NPROCS;
	for (size_t i = 0; i < NPROCS; i++) {
		s.procs[i].pid = (int)i + 1;
		snprintf(s.procs[i].cgroup, sizeof(s.procs[i].cgroup),
			 "0::/slice-%zu.slice/leaf-%zu.scope", i % NLEAVES % NSLICES, i % NLEAVES);
	}
	t0 = now_ms();
	assert_int_equal(ovc_live_read_memcgs(dir, &s, NULL), 0);
	t1 = now_ms();
	print_message("test_many: %d processes, %zu cgroups in %.1f ms\n", NPROCS, s.nmemcgs,
		      t1 - t0);
	assert_int_equal(s.nmemcgs, 1 + NSLICES + NLEAVES);
	assert_string_equal(s.memcgs[0].path, "/");
	for (size_t i = 1; i < s.nmemcgs; i++) {
		const struct ovc_live_memcg *m = &s.memcgs[i], *p = &s.memcgs[m->parent];

		assert_true(m->parent >= 0 && (size_t)m->parent < i);
		assert_memory_equal(m->path, p->path, strlen(p->path));
		assert_int_equal(m->seen, 0);
		total += m->nprocs;
	}
	assert_int_equal(total, NPROCS);
	for (size_t i = 0; i < NPROCS; i++) {
		const struct ovc_live_memcg *m = &s.memcgs[s.procs[i].memcg];
		char want[64];

		snprintf(want, sizeof(want), "/slice-%zu.slice/leaf-%zu.scope",
			 i % NLEAVES % NSLICES, i % NLEAVES);
		assert_string_equal(m->path, want);
		assert_int_equal(m->nprocs, NPROCS / NLEAVES);
	}
	assert_true(t1 - t0 < 5000);	/* a coarse guard: 37 ms here, 0.5 s under ASan */
	snap_done(&s);
	remove_tree(dir);
}

/* This process's memory cgroup line, as it reads it itself: the v1
 * memory one if there is one, else v2's. */
static int own_cgroup(char *path, size_t size, int *version)
{
	char line[512], v2[512] = "";
	FILE *f = fopen("/proc/self/cgroup", "r");
	const char *p;
	size_t n;
	int v, found = 0;

	assert_non_null(f);
	while (!found && fgets(line, sizeof(line), f)) {
		if (ovc_cgroup_parse_line(line, strlen(line), &v, &p, &n) < 0)
			continue;
		if (v == 1 || !v2[0]) {
			snprintf(v == 1 ? path : v2, size, "%.*s", (int)n, p);
			*version = v;
			found = v == 1;
		}
	}
	fclose(f);
	if (!found && v2[0]) {
		snprintf(path, size, "%s", v2);
		*version = 2;
		found = 1;
	}
	return found;
}

static uint64_t read_bytes(const char *path)
{
	unsigned long long b = 0;
	FILE *f = fopen(path, "r");

	assert_non_null(f);
	assert_int_equal(fscanf(f, "%llu", &b), 1);
	fclose(f);
	return b;
}

static void test_real_machine(void **state)
{
	struct ovc_live_snap s;
	struct ovc_err e = { 0 };
	const struct ovc_live_proc *me;
	const struct ovc_live_memcg *m;
	char path[512], file[1024];
	uint64_t before, after, lo, hi;
	int version = 0;
	double t0, t1;

	(void)state;
	assert_int_equal(ovc_live_read("/proc", &s, &e), 0);
	if (!own_cgroup(path, sizeof(path), &version)) {
		print_message("test_real_machine: no memory cgroup line: not checked\n");
		snap_done(&s);
		return;
	}
	snprintf(file, sizeof(file), "/sys/fs/cgroup%s%s/%s", version == 1 ? "/memory" : "",
		 strcmp(path, "/") ? path : "", version == 1 ? "memory.usage_in_bytes" :
		 "memory.current");
	before = read_bytes(file);
	t0 = now_ms();
	assert_int_equal(ovc_live_read_memcgs("/sys", &s, &e), 0);
	t1 = now_ms();
	after = read_bytes(file);
	print_message("test_real_machine: v%u, %zu memory cgroups for %zu processes in %.1f ms; "
		      "this one: %s; note: \"%s\"\n", (unsigned)s.memcg_version, s.nmemcgs,
		      s.nprocs, t1 - t0, path, s.memcg_note);
	assert_int_equal(s.memcg_version, version);
	me = find(&s, getpid());
	assert_non_null(me);
	assert_true(me->memcg >= 0);
	m = &s.memcgs[me->memcg];
	assert_string_equal(m->path, path);
	assert_true(m->nprocs >= 1);
	assert_true(m->seen & OVC_MEMCG_SEEN_CURRENT);
	/* within 10% of what this test read just before and just after */
	lo = (before < after ? before : after) / 1024;
	hi = (before > after ? before : after) / 1024;
	assert_true(m->current_kb > 0);
	assert_true(m->current_kb * 10 >= lo * 9 && m->current_kb * 10 <= hi * 11);
	for (int i = me->memcg; s.memcgs[i].parent >= 0; i = s.memcgs[i].parent)
		assert_true(s.memcgs[i].parent < i);
	assert_string_equal(s.memcgs[0].path, "/");
	assert_true(s.vm_swappiness >= 0 && s.vm_swappiness <= 200);
	if (version == 1)
		assert_true(m->swappiness >= 0);
	snap_done(&s);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_parse_limit),
		cmocka_unit_test(test_parse_u64),
		cmocka_unit_test(test_parse_flat),
		cmocka_unit_test(test_parse_oom_control),
		cmocka_unit_test(test_parse_controllers),
		cmocka_unit_test(test_parse_line),
		cmocka_unit_test(test_read_v2),
		cmocka_unit_test(test_read_v1),
		cmocka_unit_test(test_read_twice),
		cmocka_unit_test(test_find),
		cmocka_unit_test(test_missing_sys_root),
		cmocka_unit_test(test_no_controller),
		cmocka_unit_test(test_mismatch),
		cmocka_unit_test(test_garbage_file),
		cmocka_unit_test(test_vanished_v2),
		cmocka_unit_test(test_v1_no_swap_accounting),
		cmocka_unit_test(test_denied),
		cmocka_unit_test(test_many),
		cmocka_unit_test(test_real_machine),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
