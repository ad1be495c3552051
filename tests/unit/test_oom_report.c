/* test_oom_report.c - render/oom_report.c and oom_rank.c: the kernel's OOM
 * report per era, checked line by line against real reports (kernel-spec
 * §9.1, §9.6 and the logs quoted there) rebuilt as hand-made events, and
 * against the kernel's own printk formats applied to the same numbers;
 * then reports of real model runs, the JSON and the ranking. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <cmocka.h>

#include "ovc/memcg.h"
#include "ovc/oom.h"
#include "ovc/ops.h"
#include "render/render.h"

#define MiB (1ull << 20)
#define N(a) (sizeof(a) / sizeof((a)[0]))

static struct ovc_machine M;

/* ------------------------------------------------------------------
 * Helpers
 */

static void boot(const char *kernel, uint64_t ram_kb)
{
	struct ovc_config c;
	struct ovc_profile p;

	ovc_machine_free(&M);
	memset(&M, 0, sizeof(M));
	ovc_config_default(&c);
	c.ram_kb = ram_kb;
	c.committed_kb = 0;
	c.vm.overcommit_memory = 1;
	assert_int_equal(ovc_profile_for(kernel, &p, NULL), 0);
	assert_int_equal(ovc_machine_init(&M, &c, &p, NULL), 0);
}

static int setup(void **state)
{
	(void)state;
	memset(&M, 0, sizeof(M));
	boot("6.1", 1024 * 1024);
	return 0;
}

static int teardown(void **state)
{
	(void)state;
	ovc_machine_free(&M);
	return 0;
}

/* The cgroup at path in M, made with its parents if need be. */
static int cgroup(const char *path)
{
	char part[OVC_MEMCG_PATH_MAX];
	int id = -1;

	for (const char *s = strchr(path + 1, '/');; s = strchr(s + 1, '/')) {
		size_t n = s ? (size_t)(s - path) : strlen(path);

		snprintf(part, sizeof(part), "%.*s", (int)n, path);
		id = ovc_memcg_lookup(&M, part);
		if (id < 0)
			assert_int_equal(ovc_memcg_create(&M, part, &id, NULL), 0);
		if (!s)
			return id;
	}
}

/* The report of ev under kernel, as text (free it). */
static char *render(const struct ovc_oom_event *ev, const char *kernel, const char *release)
{
	struct ovc_profile p;
	struct ovc_oom_report_env env = { .profile = &p, .page_size = 4096, .m = &M,
					   .release = release };
	char *buf = NULL;
	size_t len = 0;
	FILE *f = open_memstream(&buf, &len);

	assert_non_null(f);
	assert_int_equal(ovc_profile_for(kernel, &p, NULL), 0);
	assert_int_equal(ovc_render_oom_report(f, ev, &env), 0);
	fclose(f);
	return buf;
}

/* The 0-based line number of the whole line want in text, or -1. */
static long line_no(const char *text, const char *want)
{
	size_t n = strlen(want);

	for (const char *p = text; (p = strstr(p, want)) != NULL; p++) {
		if ((p == text || p[-1] == '\n') && p[n] == '\n') {
			long k = 0;

			for (const char *q = text; q < p; q++)
				k += *q == '\n';
			return k;
		}
	}
	return -1;
}

#define LINE(text, want) do { \
		if (line_no((text), (want)) < 0) \
			fail_msg("line not in the report:\n%s\n--- report:\n%s", (want), (text)); \
	} while (0)

#define NO_LINE_WITH(text, part) do { \
		if (strstr((text), (part))) \
			fail_msg("unexpected \"%s\" in:\n%s", (part), (text)); \
	} while (0)

static long count_lines(const char *text)
{
	long n = 0;

	for (; *text; text++)
		n += *text == '\n';
	return n;
}

/* The report's line k (static buffer). */
static const char *nth_line(const char *text, long k)
{
	static char buf[1024];
	const char *e;

	for (; k > 0 && text; k--)
		text = strchr(text, '\n') ? strchr(text, '\n') + 1 : NULL;
	if (!text)
		return "";
	e = strchr(text, '\n');
	snprintf(buf, sizeof(buf), "%.*s", e ? (int)(e - text) : (int)strlen(text), text);
	return buf;
}

/* An event with nothing in it yet: a global OOM that killed. */
static struct ovc_oom_event event(void)
{
	struct ovc_oom_event ev;

	memset(&ev, 0, sizeof(ev));
	ev.seq = 1;
	ev.trigger_tid = ev.memcg = ev.oom_group = ev.mm_pinned_by = ev.chosen_tid = -1;
	ev.gfp = OVC_GFP_HIGHUSER_MOVABLE;
	ev.constraint = OVC_CONSTRAINT_NONE;
	ev.outcome = OVC_OOM_KILLED;
	ev.message = OVC_OOM_MSG_OUT_OF_MEMORY;
	ev.dump_tasks = 1;
	ev.meminfo.mem_total = 8 * 1024 * 1024;
	ev.meminfo.mem_free = 65536;
	ev.meminfo.hugepagesize = 2048;
	return ev;
}

static void trigger(struct ovc_oom_event *ev, int tid, int pid, const char *comm)
{
	ev->trigger_tid = tid;
	ev->trigger_pid = pid;
	snprintf(ev->trigger_comm, sizeof(ev->trigger_comm), "%s", comm);
}

static void choose(struct ovc_oom_event *ev, int tid, int pid, const char *comm, int64_t score)
{
	ev->chosen_tid = tid;
	ev->chosen_pid = pid;
	snprintf(ev->chosen_comm, sizeof(ev->chosen_comm), "%s", comm);
	ev->score = score;
}

/* ------------------------------------------------------------------
 * 6.1: the real 6.1.1 Arch report of kernel-spec §9.1
 */

static struct ovc_oom_candidate doxygen_rows[2];
static struct ovc_oom_kill doxygen_kill;

static struct ovc_oom_event doxygen(void)
{
	struct ovc_oom_event ev = event();
	int sess = cgroup("/user.slice/user-504.slice/session-2.scope");

	doxygen_rows[0] = (struct ovc_oom_candidate){ .tid = 0, .pid = 246, .tgid = 246, .uid = 0,
		.comm = "systemd-journal", .total_vm = 16404, .rss = 66, .pgtables_bytes = 159744,
		.swapents = 303, .oom_score_adj = -250 };
	doxygen_rows[1] = (struct ovc_oom_candidate){ .tid = 1, .pid = 473206, .tgid = 473206,
		.uid = 504, .cpu = 3, .memcg = sess, .comm = "doxygen", .total_vm = 7572670,
		.rss = 2308581, .rss_anon = 2308580, .rss_file = 1, .pgtables_bytes = 60686336,
		.swapents = 5225427 };
	/* 7,572,670 pages x 4 = 30,290,680 kB; 60,686,336 B >> 10 = 59,264 kB */
	doxygen_kill = (struct ovc_oom_kill){ .reason = OVC_OOM_KILL_VICTIM, .tid = 1,
		.pid = 473206, .uid = 504, .comm = "doxygen", .memcg = sess,
		.total_vm_kb = 30290680, .anon_rss_kb = 9234320, .file_rss_kb = 4,
		.pgtables_kb = 59264 };
	ev.rows = doxygen_rows;
	ev.nrows = 2;
	ev.kills = &doxygen_kill;
	ev.nkills = 1;
	trigger(&ev, 1, 473206, "doxygen");
	choose(&ev, 1, 473206, "doxygen", 0);
	ev.victim_memcg = sess;
	return ev;
}

static void test_6_1_reference(void **state)
{
	struct ovc_oom_event ev;
	char *t, row[160];

	(void)state;
	ev = doxygen();
	t = render(&ev, "6.1", "6.1.1-arch1-1");
	/* gfp 0x140dca = GFP_HIGHUSER_MOVABLE 0x100cca | __GFP_COMP 0x40000 |
	 * __GFP_ZERO 0x100 (5.1+ bits) */
	assert_int_equal(line_no(t, "doxygen invoked oom-killer: gfp_mask=0x140dca(GFP_HIGHUSER_MOVABLE"
				 "|__GFP_COMP|__GFP_ZERO), order=0, oom_score_adj=0"), 0);
	/* the real line says "Tainted: G OE": the model's kernel is clean */
	LINE(t, "CPU: 3 PID: 473206 Comm: doxygen Not tainted 6.1.1-arch1-1 #1");
	LINE(t, "Call Trace:");
	LINE(t, " <TASK>");
	LINE(t, "Mem-Info:");
	LINE(t, "Tasks state (memory values in pages):");
	LINE(t, "[  pid  ]   uid  tgid total_vm      rss pgtables_bytes swapents oom_score_adj name");
	LINE(t, "[    246]     0   246    16404       66   159744      303          -250 systemd-journal");
	LINE(t, "[ 473206]   504 473206  7572670  2308581 60686336  5225427             0 doxygen");
	/* the same row through dump_task()'s format */
	snprintf(row, sizeof(row), "[%7d] %5d %5d %8lu %8lu %8ld %8lu         %5hd %s", 473206, 504,
		 473206, 7572670ul, 2308581ul, 60686336l, 5225427ul, (short)0, "doxygen");
	LINE(t, row);
	LINE(t, "oom-kill:constraint=CONSTRAINT_NONE,nodemask=(null),cpuset=/,mems_allowed=0,global_oom,"
	     "task_memcg=/user.slice/user-504.slice/session-2.scope,task=doxygen,pid=473206,uid=504");
	LINE(t, "Out of memory: Killed process 473206 (doxygen) total-vm:30290680kB, anon-rss:9234320kB,"
	     " file-rss:4kB, shmem-rss:0kB, UID:504 pgtables:59264kB oom_score_adj:0");
	/* order: table, summary, kill line last; no cpuset line, no score line */
	assert_true(line_no(t, "Mem-Info:") < line_no(t, "Tasks state (memory values in pages):"));
	assert_int_equal(line_no(t, "Out of memory: Killed process 473206 (doxygen) total-vm:30290680kB,"
				 " anon-rss:9234320kB, file-rss:4kB, shmem-rss:0kB, UID:504 pgtables:59264kB"
				 " oom_score_adj:0"), count_lines(t) - 1);
	NO_LINE_WITH(t, "cpuset=/ mems_allowed");
	NO_LINE_WITH(t, "sacrifice");
	NO_LINE_WITH(t, ".000000] ");	/* no clock: no "[ 4242.000000] " stamps */
	free(t);
}

/* 6.8: rss_anon, rss_file and rss_shmem join the task table. */
static void test_6_8_wide_table(void **state)
{
	struct ovc_oom_event ev;
	char *t, row[200];

	(void)state;
	ev = doxygen();
	t = render(&ev, "6.8", NULL);
	LINE(t, "[  pid  ]   uid  tgid total_vm      rss rss_anon rss_file rss_shmem pgtables_bytes"
	     " swapents oom_score_adj name");
	snprintf(row, sizeof(row), "[%7d] %5d %5d %8lu %8lu %8lu %8lu %9lu %8ld %8lu         %5hd %s",
		 473206, 504, 473206, 7572670ul, 2308581ul, 2308580ul, 1ul, 0ul, 60686336l,
		 5225427ul, (short)0, "doxygen");
	LINE(t, row);
	LINE(t, "[ 473206]   504 473206  7572670  2308581  2308580        1         0 60686336  5225427"
	     "             0 doxygen");
	LINE(t, "CPU: 3 PID: 473206 Comm: doxygen Not tainted 6.8.0 #1");
	free(t);
	/* 6.11+ prints the UID in the dump_stack line (d2917ff) */
	t = render(&ev, "6.12", NULL);
	LINE(t, "CPU: 3 UID: 504 PID: 473206 Comm: doxygen Not tainted 6.12.0 #1");
	free(t);
}

/* ------------------------------------------------------------------
 * 5.4 row (5.4-6.7): the 5.13 and 5.15 memcg logs of kernel-spec §9.6
 */

static void test_5_4_summary_and_killed(void **state)
{
	struct ovc_oom_candidate row = { .tid = 0, .pid = 651, .tgid = 651, .uid = 0 };
	struct ovc_oom_kill k = { .pid = 651, .uid = 0, .comm = "unattended-upgr",
		.total_vm_kb = 108020, .anon_rss_kb = 8380, .file_rss_kb = 12548, .pgtables_kb = 104 };
	struct ovc_oom_event ev = event();
	char *t;

	(void)state;
	row.memcg = cgroup("/system.slice/unattended-upgrades.service");
	strcpy(row.comm, "unattended-upgr");
	ev.rows = &row;
	ev.nrows = 1;
	ev.kills = &k;
	ev.nkills = 1;
	trigger(&ev, 0, 651, "unattended-upgr");
	choose(&ev, 0, 651, "unattended-upgr", 0);
	t = render(&ev, "5.4", NULL);
	LINE(t, "oom-kill:constraint=CONSTRAINT_NONE,nodemask=(null),cpuset=/,mems_allowed=0,global_oom,"
	     "task_memcg=/system.slice/unattended-upgrades.service,task=unattended-upgr,pid=651,uid=0");
	LINE(t, "Out of memory: Killed process 651 (unattended-upgr) total-vm:108020kB, anon-rss:8380kB,"
	     " file-rss:12548kB, shmem-rss:0kB, UID:0 pgtables:104kB oom_score_adj:0");
	/* 5.4 anon fault: GFP_HIGHUSER_MOVABLE 0x100cca | __GFP_ZERO 0x100 */
	assert_int_equal(line_no(t, "unattended-upgr invoked oom-killer: gfp_mask=0x100dca("
				 "GFP_HIGHUSER_MOVABLE|__GFP_ZERO), order=0, oom_score_adj=0"), 0);
	LINE(t, "CPU: 0 PID: 651 Comm: unattended-upgr Not tainted 5.4.0 #1");
	free(t);
}

static void test_5_4_memcg(void **state)
{
	struct ovc_oom_candidate row = { .tid = 0, .pid = 3902942, .tgid = 3902942, .uid = 1000,
					 .comm = "php-fpm" };
	struct ovc_oom_kill k = { .pid = 3902942, .uid = 1000, .comm = "php-fpm",
		.total_vm_kb = 14740176, .anon_rss_kb = 12625252, .shmem_rss_kb = 156088,
		.pgtables_kb = 26388 };
	struct ovc_oom_event ev = event();
	int lxc = cgroup("/lxc/39004");
	char *t;

	(void)state;
	row.memcg = cgroup("/lxc/39004/ns/system.slice/docker-<id>.scope");
	ev.rows = &row;
	ev.nrows = 1;
	ev.kills = &k;
	ev.nkills = 1;
	ev.constraint = OVC_CONSTRAINT_MEMCG;
	ev.memcg = lxc;
	ev.message = OVC_OOM_MSG_MEMCG;
	strcpy(ev.memcg_info.path, "/lxc/39004");
	ev.memcg_info.usage_kb = ev.memcg_info.limit_kb = 12800000;
	ev.memcg_info.failcnt = 7;
	ev.memcg_info.swap_limit_kb = OVC_UNLIMITED;
	trigger(&ev, 0, 3902942, "php-fpm");
	choose(&ev, 0, 3902942, "php-fpm", 0);
	t = render(&ev, "5.4", NULL);
	assert_int_equal(line_no(t, "php-fpm invoked oom-killer: gfp_mask=0xcc0(GFP_KERNEL), order=0,"
				 " oom_score_adj=0"), 0);
	/* the real line has cpuset=docker-<id>.scope: cpusets are not modelled */
	LINE(t, "oom-kill:constraint=CONSTRAINT_MEMCG,nodemask=(null),cpuset=/,mems_allowed=0,"
	     "oom_memcg=/lxc/39004,task_memcg=/lxc/39004/ns/system.slice/docker-<id>.scope,"
	     "task=php-fpm,pid=3902942,uid=1000");
	LINE(t, "Memory cgroup out of memory: Killed process 3902942 (php-fpm) total-vm:14740176kB,"
	     " anon-rss:12625252kB, file-rss:0kB, shmem-rss:156088kB, UID:1000 pgtables:26388kB"
	     " oom_score_adj:0");
	LINE(t, "memory: usage 12800000kB, limit 12800000kB, failcnt 7");
	/* unlimited: PAGE_COUNTER_MAX = LONG_MAX / 4096 = 2,251,799,813,685,247 pages x 4 */
	LINE(t, "swap: usage 0kB, limit 9007199254740988kB, failcnt 0");
	LINE(t, "Memory cgroup stats for /lxc/39004:");
	LINE(t, "anon 13107200000");	/* 12,800,000 kB in bytes */
	NO_LINE_WITH(t, "Mem-Info:");
	NO_LINE_WITH(t, "Task in ");
	free(t);
}

/* ------------------------------------------------------------------
 * 4.19 and the 4.0 row
 */

static void test_4_19(void **state)
{
	struct ovc_oom_candidate row = { .tid = 0, .pid = 1089, .tgid = 1089, .uid = 1000,
		.comm = "java", .total_vm = 1388922, .rss = 45494, .pgtables_bytes = 643072 };
	/* the 4.x Killed line quoted in kernel-spec's log (Tetsuo Handa) */
	struct ovc_oom_kill k = { .pid = 1089, .uid = 1000, .comm = "java",
		.total_vm_kb = 5555688, .anon_rss_kb = 181976 };
	struct ovc_oom_event ev = event();
	char *t, want[160];

	(void)state;
	ev.rows = &row;
	ev.nrows = 1;
	ev.kills = &k;
	ev.nkills = 1;
	trigger(&ev, 0, 1089, "java");
	choose(&ev, 0, 1089, "java", 52);
	t = render(&ev, "4.19", NULL);
	/* 4.18+ bits: DIRECT 0x200000 | KSWAPD 0x400000 | HARDWALL 0x20000 |
	 * FS 0x80 | IO 0x40 | MOVABLE 0x8 | HIGHMEM 0x2 = 0x6200ca, ZERO 0x8000;
	 * one space before order from 4.15 */
	assert_int_equal(line_no(t, "java invoked oom-killer: gfp_mask=0x6280ca(GFP_HIGHUSER_MOVABLE"
				 "|__GFP_ZERO), nodemask=(null), order=0, oom_score_adj=0"), 0);
	assert_int_equal(line_no(t, "java cpuset=/ mems_allowed=0"), 1);
	assert_int_equal(line_no(t, "CPU: 0 PID: 1089 Comm: java Not tainted 4.19.0 #1"), 2);
	LINE(t, "Tasks state (memory values in pages):");
	LINE(t, "[  pid  ]   uid  tgid total_vm      rss pgtables_bytes swapents oom_score_adj name");
	snprintf(want, sizeof(want), "[%7d] %5d %5d %8lu %8lu %8ld %8lu         %5hd %s", 1089, 1000,
		 1089, 1388922ul, 45494ul, 643072l, 0ul, (short)0, "java");
	LINE(t, want);
	LINE(t, "Out of memory: Kill process 1089 (java) score 52 or sacrifice child");
	LINE(t, "Killed process 1089 (java) total-vm:5555688kB, anon-rss:181976kB, file-rss:0kB,"
	     " shmem-rss:0kB");
	assert_true(line_no(t, "Out of memory: Kill process 1089 (java) score 52 or sacrifice child") + 1 ==
		    line_no(t, "Killed process 1089 (java) total-vm:5555688kB, anon-rss:181976kB,"
			    " file-rss:0kB, shmem-rss:0kB"));
	NO_LINE_WITH(t, "oom-kill:constraint");
	free(t);
}

/* The 4.12-rc log of kernel-spec §9.6: two spaces before order, nr_pmds. */
static void test_4_12(void **state)
{
	struct ovc_oom_candidate row = { .tid = 0, .pid = 3359, .tgid = 3359, .comm = "allocate",
		.total_vm = 1000, .rss = 900, .nr_ptes = 5, .swapents = 2 };
	struct ovc_oom_kill k = { .pid = 3359, .comm = "allocate", .total_vm_kb = 4000 };
	struct ovc_oom_event ev = event();
	char *t, want[160];

	(void)state;
	ev.rows = &row;
	ev.nrows = 1;
	ev.kills = &k;
	ev.nkills = 1;
	trigger(&ev, 0, 3359, "allocate");
	choose(&ev, 0, 3359, "allocate", 1);
	t = render(&ev, "4.12", NULL);
	/* 4.10-4.17 bits: DIRECT 0x400000 | KSWAPD 0x1000000 | 0x200ca | ZERO */
	LINE(t, "allocate invoked oom-killer: gfp_mask=0x14280ca(GFP_HIGHUSER_MOVABLE|__GFP_ZERO),"
	     " nodemask=(null),  order=0, oom_score_adj=0");
	LINE(t, "allocate cpuset=/ mems_allowed=0");
	LINE(t, "[ pid ]   uid  tgid total_vm      rss nr_ptes nr_pmds swapents oom_score_adj name");
	snprintf(want, sizeof(want), "[%5d] %5d %5d %8lu %8lu %7ld %7ld %8lu         %5hd %s", 3359, 0,
		 3359, 1000ul, 900ul, 5l, 0l, 2ul, (short)0, "allocate");
	LINE(t, want);
	/* shmem-rss from 4.5 (eca56ff906bd) */
	LINE(t, "Killed process 3359 (allocate) total-vm:4000kB, anon-rss:0kB, file-rss:0kB,"
	     " shmem-rss:0kB");
	free(t);
	/* 4.4: the 4.4 bits (KSWAPD 0x2000000), plain hex before ~4.6, and no
	 * shmem-rss: its shmem pages are file pages */
	k.shmem_rss_kb = 8;
	t = render(&ev, "4.4", NULL);
	LINE(t, "allocate invoked oom-killer: gfp_mask=0x24280ca, order=0, oom_score_adj=0");
	LINE(t, "Killed process 3359 (allocate) total-vm:4000kB, anon-rss:0kB, file-rss:8kB");
	free(t);
}

/* ------------------------------------------------------------------
 * 3.10: the RHEL7 3.10.0-514 log of kernel-spec §9.6
 */

static void test_3_10(void **state)
{
	struct ovc_oom_candidate rows[2] = {
		{ .tid = 0, .pid = 390, .tgid = 390, .comm = "systemd-journal", .total_vm = 39012,
		  .rss = 6739, .nr_ptes = 78, .swapents = 51 },
		{ .tid = 1, .pid = 29481, .tgid = 29481, .cpu = 4, .comm = "sed", .total_vm = 30000,
		  .rss = 100, .nr_ptes = 10 },
	};
	struct ovc_oom_kill k[2] = {
		{ .reason = OVC_OOM_KILL_VICTIM, .pid = 6576, .comm = "mysqld",
		  .total_vm_kb = 33914892, .anon_rss_kb = 20629004 },
		{ .reason = OVC_OOM_KILL_SHARER, .pid = 6577, .comm = "mysqld-helper" },
	};
	struct ovc_oom_event ev = event();
	char *t;

	(void)state;
	ev.rows = rows;
	ev.nrows = 2;
	ev.kills = k;
	ev.nkills = 2;
	trigger(&ev, 1, 29481, "sed");
	choose(&ev, 5, 6576, "mysqld", 651);
	t = render(&ev, "3.10", "3.10.0-514.6.1.el7.x86_64");
	/* the log's 0x201da is a page-cache fault (__GFP_COLD 0x100); the
	 * model's faults are anonymous: 0x200da | __GFP_ZERO 0x8000 */
	assert_int_equal(line_no(t, "sed invoked oom-killer: gfp_mask=0x280da, order=0, oom_score_adj=0"), 0);
	assert_int_equal(line_no(t, "sed cpuset=/ mems_allowed=0"), 1);
	assert_int_equal(line_no(t, "CPU: 4 PID: 29481 Comm: sed Not tainted 3.10.0-514.6.1.el7.x86_64 #1"), 2);
	LINE(t, "[ pid ]   uid  tgid total_vm      rss nr_ptes swapents oom_score_adj name");
	LINE(t, "[  390]     0   390    39012     6739      78       51             0 systemd-journal");
	LINE(t, "Out of memory: Kill process 6576 (mysqld) score 651 or sacrifice child");
	/* RHEL7 backported shmem-rss; mainline 3.10 ends at file-rss */
	LINE(t, "Killed process 6576 (mysqld) total-vm:33914892kB, anon-rss:20629004kB, file-rss:0kB");
	LINE(t, "Kill process 6577 (mysqld-helper) sharing same memory");
	/* 3.10 Mem-Info: per-CPU lists, free_cma, hugetlb, shared pages */
	LINE(t, "Node 0 Normal per-cpu:");
	LINE(t, " free_cma:0");
	LINE(t, "Node 0 hugepages_total=0 hugepages_free=0 hugepages_surp=0 hugepages_size=2048kB");
	LINE(t, "0 pages non-shared");
	NO_LINE_WITH(t, "Tasks state");
	free(t);
	/* 4.8+ kill the sharers silently */
	t = render(&ev, "4.19", NULL);
	NO_LINE_WITH(t, "sharing same memory");
	free(t);
}

/* ------------------------------------------------------------------
 * RHEL6 and 2.6.32
 */

static void test_rhel6(void **state)
{
	struct ovc_oom_candidate rows[2] = {
		{ .tid = 0, .pid = 330, .tgid = 330, .cpu = 1, .comm = "udevd", .total_vm = 2710,
		  .rss = 1, .oom_adj = -17, .oom_score_adj = -1000 },
		{ .tid = 1, .pid = 14095, .tgid = 14095, .comm = "mruby", .total_vm = 3619, .rss = 677 },
	};
	/* file-rss 1300 kB: before 4.5 shmem pages count as file pages */
	struct ovc_oom_kill k = { .pid = 14095, .uid = 0, .comm = "mruby", .total_vm_kb = 14476,
				  .anon_rss_kb = 1408, .file_rss_kb = 1000, .shmem_rss_kb = 300 };
	struct ovc_oom_event ev = event();
	int lxc = cgroup("/LXC011175068174");
	char *t;

	(void)state;
	rows[1].memcg = lxc;
	ev.rows = rows;
	ev.nrows = 2;
	ev.kills = &k;
	ev.nkills = 1;
	ev.constraint = OVC_CONSTRAINT_MEMCG;
	ev.memcg = lxc;
	ev.message = OVC_OOM_MSG_MEMCG;
	strcpy(ev.memcg_info.path, "/LXC011175068174");
	ev.memcg_info.usage_kb = ev.memcg_info.limit_kb = 4096;
	ev.memcg_info.swap_limit_kb = OVC_UNLIMITED;
	trigger(&ev, 7, 215701, "java");	/* current: not in the cgroup */
	choose(&ev, 1, 14095, "mruby", 1000);
	t = render(&ev, "rhel6", NULL);
	/* GFP_KERNEL = __GFP_WAIT 0x10 | __GFP_IO 0x40 | __GFP_FS 0x80 */
	assert_int_equal(line_no(t, "java invoked oom-killer: gfp_mask=0xd0, order=0, oom_adj=0,"
				 " oom_score_adj=0"), 0);
	assert_int_equal(line_no(t, "java cpuset=/ mems_allowed=0"), 1);
	assert_int_equal(line_no(t, "Pid: 215701, comm: java Not tainted 2.6.32-642.6.2.el6.x86_64 #1"), 2);
	LINE(t, "Task in /LXC011175068174 killed as a result of limit of /LXC011175068174");
	LINE(t, "memory: usage 4096kB, limit 4096kB, failcnt 0");
	/* res_counter's RESOURCE_MAX (LLONG_MAX bytes) >> 10 */
	LINE(t, "memory+swap: usage 4096kB, limit 9007199254740991kB, failcnt 0");
	LINE(t, "Mem-Info:");	/* RHEL6 prints it for a cgroup's OOM too */
	LINE(t, "[ pid ]   uid  tgid total_vm      rss cpu oom_adj oom_score_adj name");
	LINE(t, "[  330]     0   330     2710        1   1     -17         -1000 udevd");
	LINE(t, "[14095]     0 14095     3619      677   0       0             0 mruby");
	LINE(t, "Memory cgroup out of memory: Kill process 14095 (mruby) score 1000 or sacrifice child");
	LINE(t, "Killed process 14095, UID 0, (mruby) total-vm:14476kB, anon-rss:1408kB, file-rss:1300kB");
	NO_LINE_WITH(t, "kmem:");
	free(t);
}

static void test_2_6_32(void **state)
{
	struct ovc_oom_candidate rows[2] = {
		{ .tid = 0, .pid = 11471, .tgid = 11471, .cpu = 2, .comm = "msgctl11",
		  .total_vm = 1900, .rss = 120 },
		{ .tid = 1, .pid = 12318, .tgid = 12318, .comm = "msgctl11", .total_vm = 1800,
		  .rss = 110, .oom_adj = 3 },
	};
	struct ovc_oom_kill k = { .reason = OVC_OOM_KILL_CHILD, .pid = 12318, .comm = "msgctl11",
				  .total_vm_kb = 7200 };
	struct ovc_oom_event ev = event();
	char *t, want[160];

	(void)state;
	ev.rows = rows;
	ev.nrows = 2;
	ev.kills = &k;
	ev.nkills = 1;
	ev.sacrificed = 1;
	trigger(&ev, 0, 11471, "msgctl11");
	choose(&ev, 0, 11471, "msgctl11", 112393);
	t = render(&ev, "2.6.32", NULL);
	assert_int_equal(line_no(t, "msgctl11 invoked oom-killer: gfp_mask=0x280da, order=0, oom_adj=0"), 0);
	assert_int_equal(line_no(t, "msgctl11 cpuset=/ mems_allowed=0"), 1);
	assert_int_equal(line_no(t, "Pid: 11471, comm: msgctl11 Not tainted 2.6.32 #1"), 2);
	LINE(t, "[ pid ]   uid  tgid total_vm      rss cpu oom_adj name");
	snprintf(want, sizeof(want), "[%5d] %5d %5d %8lu %8lu %3d     %3d %s", 12318, 0, 12318,
		 1800ul, 110ul, 0, 3, "msgctl11");
	LINE(t, want);
	/* the 2.6.32 log quoted on linux-mm (LTP msgctl11): the parent is
	 * scored, the first child is killed, and the line names only it */
	LINE(t, "Out of memory: kill process 11471 (msgctl11) score 112393 or a child");
	LINE(t, "Killed process 12318 (msgctl11)");
	LINE(t, "0 pages shared");
	NO_LINE_WITH(t, "hugepages_total");
	NO_LINE_WITH(t, "(M)");
	free(t);
}

/* ------------------------------------------------------------------
 * gfp masks, panics, silence, timestamps, oom.group
 */

static void test_gfp_by_era(void **state)
{
	static const struct { const char *k; const char *want; } cases[] = {
		{ "2.6.32", "gfp_mask=0x280da, order=0, oom_adj=0" },
		{ "4.4", "gfp_mask=0x24280ca, order=0, oom_score_adj=0" },
		{ "4.6", "gfp_mask=0x24280ca(GFP_HIGHUSER_MOVABLE|__GFP_ZERO), order=0, oom_score_adj=0" },
		{ "4.10", "gfp_mask=0x14280ca(GFP_HIGHUSER_MOVABLE|__GFP_ZERO), nodemask=(null),  order=0," },
		{ "5.0", "gfp_mask=0x6280ca(GFP_HIGHUSER_MOVABLE|__GFP_ZERO), order=0, oom_score_adj=0" },
		{ "5.15", "gfp_mask=0x100dca(GFP_HIGHUSER_MOVABLE|__GFP_ZERO), order=0, oom_score_adj=0" },
	};
	struct ovc_oom_kill k = { .pid = 5, .comm = "a" };
	struct ovc_oom_event ev = event();

	(void)state;
	ev.kills = &k;
	ev.nkills = 1;
	trigger(&ev, 0, 5, "a");
	choose(&ev, 0, 5, "a", 1);
	for (size_t i = 0; i < N(cases); i++) {
		char *t = render(&ev, cases[i].k, NULL);

		if (!strstr(nth_line(t, 0), cases[i].want))
			fail_msg("%s: %s", cases[i].k, nth_line(t, 0));
		free(t);
	}
	/* pagefault_out_of_memory(): gfp_mask 0, "0x0()" with the flags */
	ev.gfp = OVC_GFP_NONE;
	{
		char *t = render(&ev, "4.19", NULL);

		assert_string_equal(nth_line(t, 0), "a invoked oom-killer: gfp_mask=0x0(), nodemask=(null),"
				    " order=0, oom_score_adj=0");
		free(t);
	}
}

static void test_panics(void **state)
{
	struct ovc_oom_event ev = event();
	char *t;

	(void)state;
	ev.outcome = OVC_OOM_PANIC;
	trigger(&ev, 0, 7, "hog");
	/* 2.6.32 panics before any report */
	ev.panic = OVC_OOM_PANIC_COMPULSORY;
	t = render(&ev, "2.6.32", NULL);
	assert_string_equal(t, "Kernel panic - not syncing: out of memory. Compulsory panic_on_oom is selected.\n");
	free(t);
	ev.panic = OVC_OOM_PANIC_SYSTEM_WIDE;
	t = render(&ev, "2.6.32", NULL);
	assert_string_equal(t, "Kernel panic - not syncing: out of memory. panic_on_oom is selected\n");
	free(t);
	ev.panic = OVC_OOM_PANIC_PAGEFAULT;
	t = render(&ev, "2.6.32", NULL);
	assert_string_equal(t, "Kernel panic - not syncing: out of memory from page fault."
			    " panic_on_oom is selected.\n");
	free(t);
	/* 3.x: dump_header(NULL) then the panic; no score, no kill */
	ev.panic = OVC_OOM_PANIC_SYSTEM_WIDE;
	t = render(&ev, "3.10", NULL);
	LINE(t, "hog invoked oom-killer: gfp_mask=0x280da, order=0, oom_score_adj=0");
	LINE(t, "Mem-Info:");
	assert_string_equal(nth_line(t, count_lines(t) - 1),
			    "Kernel panic - not syncing: Out of memory: system-wide panic_on_oom is enabled");
	NO_LINE_WITH(t, "Kill process");
	free(t);
	ev.panic = OVC_OOM_PANIC_NO_KILLABLE;
	t = render(&ev, "rhel6", NULL);
	assert_string_equal(nth_line(t, count_lines(t) - 1),
			    "Kernel panic - not syncing: Out of memory and no killable processes...");
	free(t);
	/* 4.x+: a warning, then "System is deadlocked on memory"; 5.0+ has no
	 * summary line without a victim */
	t = render(&ev, "6.1", NULL);
	assert_string_equal(nth_line(t, count_lines(t) - 2), "Out of memory and no killable processes...");
	assert_string_equal(nth_line(t, count_lines(t) - 1),
			    "Kernel panic - not syncing: System is deadlocked on memory");
	NO_LINE_WITH(t, "oom-kill:");
	free(t);
	ev.panic = OVC_OOM_PANIC_COMPULSORY;
	t = render(&ev, "5.4", NULL);
	assert_string_equal(nth_line(t, count_lines(t) - 1),
			    "Kernel panic - not syncing: Out of memory: compulsory panic_on_oom is enabled");
	free(t);
}

static void test_silence_and_clock(void **state)
{
	struct ovc_oom_event ev = event();
	char *t;

	(void)state;
	trigger(&ev, 0, 7, "hog");
	/* a victim still exiting: the scan aborts before any report */
	ev.outcome = OVC_OOM_ABORTED;
	t = render(&ev, "6.1", NULL);
	assert_string_equal(t, "");
	free(t);
	/* a cgroup with nothing to kill: silent in 3.x, warned in 4.19 */
	ev.outcome = OVC_OOM_NO_VICTIM;
	ev.constraint = OVC_CONSTRAINT_MEMCG;
	ev.memcg = cgroup("/box");
	ev.gfp = OVC_GFP_HIGHUSER_MOVABLE;
	strcpy(ev.memcg_info.path, "/box");
	ev.memcg_info.swap_limit_kb = OVC_UNLIMITED;
	t = render(&ev, "3.10", NULL);
	assert_string_equal(t, "");
	free(t);
	ev.uptime_s = 4242;
	t = render(&ev, "4.19", NULL);
	assert_string_equal(nth_line(t, 0), "[ 4242.000000] hog invoked oom-killer: gfp_mask=0x6000c0"
			    "(GFP_KERNEL), nodemask=(null), order=0, oom_score_adj=0");
	LINE(t, "[ 4242.000000] Memory limit reached of cgroup /box");
	assert_string_equal(nth_line(t, count_lines(t) - 1),
			    "[ 4242.000000] Out of memory and no killable processes...");
	/* every line is stamped, continuation lines keep their space */
	LINE(t, "[ 4242.000000]  [call trace omitted: ovc does not model kernel stacks]");
	for (long i = 0; i < count_lines(t); i++)
		assert_memory_equal(nth_line(t, i), "[ 4242.000000] ", 15);
	free(t);
}

static void test_group_and_pinned(void **state)
{
	struct ovc_oom_kill k[3] = {
		{ .reason = OVC_OOM_KILL_VICTIM, .pid = 20, .comm = "web" },
		{ .reason = OVC_OOM_KILL_GROUP, .pid = 21, .comm = "web-worker", .anon_rss_kb = 8 },
		{ .reason = OVC_OOM_KILL_GROUP, .pid = 22, .comm = "web-log" },
	};
	struct ovc_oom_event ev = event();
	char *t;
	long a, b, c, d;

	(void)state;
	ev.kills = k;
	ev.nkills = 3;
	ev.oom_group = cgroup("/web");
	trigger(&ev, 0, 20, "web");
	choose(&ev, 0, 20, "web", 10);
	t = render(&ev, "4.19", NULL);
	a = line_no(t, "Killed process 20 (web) total-vm:0kB, anon-rss:0kB, file-rss:0kB, shmem-rss:0kB");
	b = line_no(t, "Tasks in /web are going to be killed due to memory.oom.group set");
	c = line_no(t, "Killed process 21 (web-worker) total-vm:0kB, anon-rss:8kB, file-rss:0kB, shmem-rss:0kB");
	d = line_no(t, "Killed process 22 (web-log) total-vm:0kB, anon-rss:0kB, file-rss:0kB, shmem-rss:0kB");
	assert_true(a >= 0 && b == a + 1 && c == b + 1 && d == c + 1);
	free(t);
	/* 5.1+: each member's line has the message prefix */
	t = render(&ev, "5.10", NULL);
	LINE(t, "Out of memory: Killed process 21 (web-worker) total-vm:0kB, anon-rss:8kB, file-rss:0kB,"
	     " shmem-rss:0kB, UID:0 pgtables:0kB oom_score_adj:0");
	free(t);
	/* init shares the victim's mm (4.8+) */
	ev.nkills = 1;
	ev.oom_group = -1;
	{	/* the machine the report reads init's name from */
		struct ovc_task_spec s = { .comm = "init", .pid = 1, .parent = -1 };
		int tid;

		boot("6.1", 1024 * 1024);
		assert_int_equal(ovc_task_create(&M, &s, &tid, NULL), 0);
		ev.mm_pinned_by = tid;
	}
	t = render(&ev, "6.1", NULL);
	LINE(t, "oom killer 20 (web) has mm pinned by 1 (init)");
	free(t);
}

/* ------------------------------------------------------------------
 * Real model runs: the lines match the event, era by era
 */

static int task(const char *comm, int adj)
{
	struct ovc_task_spec s = { .comm = comm, .parent = -1, .uid = 1000,
				   .oom_score_adj = (int16_t)adj };
	int tid;

	assert_int_equal(ovc_task_create(&M, &s, &tid, NULL), 0);
	return tid;
}

static void use(int tid, uint64_t len)
{
	struct ovc_mmap_req q = { .len = len, .prot = OVC_PROT_READ | OVC_PROT_WRITE,
				  .flags = OVC_MAP_PRIVATE | OVC_MAP_ANONYMOUS };
	struct ovc_result r = { 0 }, t = { 0 };

	assert_int_equal(ovc_mmap(&M, tid, &q, &r), 0);
	assert_int_equal(ovc_touch(&M, tid, r.addr, len, 1, &t), 0);
}

/* The Killed line from the kernel's own format of each era. */
static void want_killed(const char *k, const struct ovc_oom_kill *v, char *buf, size_t n)
{
	unsigned long vm = v->total_vm_kb, anon = v->anon_rss_kb, file = v->file_rss_kb;

	if (!strcmp(k, "2.6.32"))
		snprintf(buf, n, "Killed process %d (%s)", v->pid, v->comm);
	else if (!strcmp(k, "rhel6"))
		snprintf(buf, n, "Killed process %d, UID %d, (%s) total-vm:%lukB, anon-rss:%lukB, file-rss:%lukB",
			 v->pid, (int)v->uid, v->comm, vm, anon, file + v->shmem_rss_kb);
	else if (!strcmp(k, "3.10"))
		snprintf(buf, n, "Killed process %d (%s) total-vm:%lukB, anon-rss:%lukB, file-rss:%lukB",
			 v->pid, v->comm, vm, anon, file + v->shmem_rss_kb);
	else if (!strcmp(k, "4.19"))
		snprintf(buf, n, "Killed process %d (%s) total-vm:%lukB, anon-rss:%lukB, file-rss:%lukB,"
			 " shmem-rss:%lukB", v->pid, v->comm, vm, anon, file, (unsigned long)v->shmem_rss_kb);
	else
		snprintf(buf, n, "%s: Killed process %d (%s) total-vm:%lukB, anon-rss:%lukB, file-rss:%lukB,"
			 " shmem-rss:%lukB, UID:%u pgtables:%lukB oom_score_adj:%hd", "Out of memory",
			 v->pid, v->comm, vm, anon, file, (unsigned long)v->shmem_rss_kb, v->uid,
			 (unsigned long)v->pgtables_kb, v->oom_score_adj);
}

static void test_model_runs(void **state)
{
	static const char *const kernels[] = { "2.6.32", "rhel6", "3.10", "4.19", "5.4", "6.1", "6.8" };

	(void)state;
	for (size_t i = 0; i < N(kernels); i++) {
		const struct ovc_oom_event *ev;
		char *t, want[256];
		size_t n;
		int hog;

		boot(kernels[i], 256 * 1024);	/* 65,536 pages, no swap */
		M.vm.oom_dump_tasks = 1;
		use(task("sshd", -1000), 2 * MiB);
		use(task("worker", 0), 16 * MiB);
		hog = task("hog", 0);
		use(hog, 400 * MiB);		/* more than RAM: the fault OOMs */
		ev = ovc_oom_events(&M, &n);
		assert_true(n >= 1);
		assert_int_equal(ev[0].outcome, OVC_OOM_KILLED);
		assert_true(ev[0].nkills >= 1);
		t = render(&ev[0], kernels[i], NULL);
		if (strncmp(t, "hog invoked oom-killer: gfp_mask=0x", 35))
			fail_msg("%s: %s", kernels[i], nth_line(t, 0));
		want_killed(kernels[i], &ev[0].kills[0], want, sizeof(want));
		LINE(t, want);
		/* one row per process the event lists, in the era's format */
		for (size_t r = 0; r < ev[0].nrows; r++)
			if (!strstr(t, ev[0].rows[r].comm))
				fail_msg("%s: row %s missing", kernels[i], ev[0].rows[r].comm);
		/* the Mem-Info free figure is the model's MemFree */
		snprintf(want, sizeof(want), "Node 0 Normal free:%llukB",
			 (unsigned long long)ev[0].meminfo.mem_free);
		if (!strstr(t, want))
			fail_msg("%s: no \"%s\"", kernels[i], want);
		free(t);
	}
}

/* ------------------------------------------------------------------
 * JSON and the ranking
 */

static char *json_events(const struct ovc_oom_event *ev, size_t n)
{
	struct ovc_json w;
	char *buf = NULL;
	size_t len = 0;
	FILE *f = open_memstream(&buf, &len);

	assert_non_null(f);
	ovc_json_init(&w, f);
	ovc_json_oom_events(&w, NULL, ev, n, 4096);
	assert_int_equal(ovc_json_finish(&w), 0);
	fclose(f);
	return buf;
}

static void test_json_events(void **state)
{
	struct ovc_oom_event ev;
	char *j;

	(void)state;
	ev = doxygen();
	doxygen_kill.freed = 2308580;	/* pages: x 4 kB */
	ev.freed = 2308580;
	j = json_events(&ev, 1);
	assert_non_null(strstr(j, "\"constraint\": \"CONSTRAINT_NONE\""));
	assert_non_null(strstr(j, "\"outcome\": \"killed\""));
	assert_non_null(strstr(j, "\"panic\": null"));
	assert_non_null(strstr(j, "\"chosen\": {\n      \"pid\": 473206"));
	assert_non_null(strstr(j, "\"victim\": {\n      \"pid\": 473206,\n      \"comm\": \"doxygen\""));
	assert_non_null(strstr(j, "\"reason\": \"victim\""));
	assert_non_null(strstr(j, "\"total_vm_kb\": 30290680"));
	assert_non_null(strstr(j, "\"freed_kb\": 9234320"));
	assert_non_null(strstr(j, "\"memcg\": null"));
	free(j);
	ev.outcome = OVC_OOM_PANIC;
	ev.panic = OVC_OOM_PANIC_SYSTEM_WIDE;
	ev.nkills = 0;
	j = json_events(&ev, 1);
	assert_non_null(strstr(j, "\"panic\": \"system-wide\""));
	assert_non_null(strstr(j, "\"victim\": null"));
	assert_non_null(strstr(j, "\"killed\": []"));
	free(j);
}

static char *rank_text(const struct ovc_oom_candidate *c, size_t n, int chosen)
{
	char *buf = NULL;
	size_t len = 0;
	FILE *f = open_memstream(&buf, &len);

	assert_non_null(f);
	assert_int_equal(ovc_render_oom_rank_text(f, c, n, chosen), 0);
	fclose(f);
	return buf;
}

static void test_rank(void **state)
{
	struct ovc_oom_candidate c[8];
	struct ovc_task_spec is = { .comm = "init", .pid = 1, .parent = -1 };
	int row, in, big, small, db;
	size_t n;
	char *t, *j = NULL;
	size_t len = 0;
	FILE *f;

	(void)state;
	boot("4.19", 1024 * 1024);		/* 262,144 pages: adj unit 262 */
	assert_int_equal(ovc_task_create(&M, &is, &in, NULL), 0);
	use(in, 1 * MiB);
	small = task("small", 0);
	use(small, 4 * MiB);
	db = task("db", -1000);
	use(db, 64 * MiB);
	big = task("big", 0);
	use(big, 16 * MiB);
	n = ovc_oom_rank(&M, -1, c, 8, &row);
	assert_int_equal(n, 4);
	assert_int_equal(c[row].tid, big);
	t = rank_text(c, n, row);
	/* big ranks first (4,096 pages + 8 page-table pages), then small
	 * (1,024 + 2); init and the -1000 task are listed last */
	assert_non_null(strstr(nth_line(t, 3), " big "));
	assert_non_null(strstr(nth_line(t, 3), "<- victim"));
	assert_non_null(strstr(nth_line(t, 3), "   1 "));
	assert_non_null(strstr(nth_line(t, 4), " small "));
	assert_non_null(strstr(t, "ineligible: init (pid 1)"));
	assert_non_null(strstr(t, "ineligible: oom_score_adj -1000"));
	assert_non_null(strstr(nth_line(t, 1), "totalpages 262144 (adj unit totalpages/1000 = 262 pages)"));
	free(t);
	f = open_memstream(&j, &len);
	assert_int_equal(ovc_render_oom_rank_json(f, c, n, row), 0);
	fclose(f);
	assert_non_null(strstr(j, "\"rule\": \"pages_noroot\""));
	assert_non_null(strstr(j, "\"skip\": \"init\""));
	assert_non_null(strstr(j, "\"skip\": \"adj_min\""));
	assert_non_null(strstr(j, "\"chosen\": true"));
	free(j);
	/* 2.6.32: the legacy parts; a niced task doubles */
	boot("2.6.32", 1024 * 1024);
	small = task("small", 0);
	use(small, 4 * MiB);
	M.tasks[small].nice = 5;
	n = ovc_oom_rank(&M, -1, c, 8, &row);
	t = rank_text(c, n, row);
	assert_non_null(strstr(t, "total_vm  +children  /cpu  /run nice caps oom_adj"));
	assert_non_null(strstr(t, "x2"));
	free(t);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup_teardown(test_6_1_reference, setup, teardown),
		cmocka_unit_test_setup_teardown(test_6_8_wide_table, setup, teardown),
		cmocka_unit_test_setup_teardown(test_5_4_summary_and_killed, setup, teardown),
		cmocka_unit_test_setup_teardown(test_5_4_memcg, setup, teardown),
		cmocka_unit_test_setup_teardown(test_4_19, setup, teardown),
		cmocka_unit_test_setup_teardown(test_4_12, setup, teardown),
		cmocka_unit_test_setup_teardown(test_3_10, setup, teardown),
		cmocka_unit_test_setup_teardown(test_rhel6, setup, teardown),
		cmocka_unit_test_setup_teardown(test_2_6_32, setup, teardown),
		cmocka_unit_test_setup_teardown(test_gfp_by_era, setup, teardown),
		cmocka_unit_test_setup_teardown(test_panics, setup, teardown),
		cmocka_unit_test_setup_teardown(test_silence_and_clock, setup, teardown),
		cmocka_unit_test_setup_teardown(test_group_and_pinned, setup, teardown),
		cmocka_unit_test_setup_teardown(test_model_runs, setup, teardown),
		cmocka_unit_test_setup_teardown(test_json_events, setup, teardown),
		cmocka_unit_test_setup_teardown(test_rank, setup, teardown),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
