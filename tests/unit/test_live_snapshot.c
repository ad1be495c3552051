/* test_live_snapshot.c - `ovc snapshot`'s scenario: a hand-made /proc snapshot, rendered, parsed and
 * replayed through the model, must come out with the snapshot's Committed_AS, each process's commit
 * charge, fork charge and RssAnon, and (anonymized) without any comm text. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <cmocka.h>

#include "live/live.h"
#include "ovc/live.h"
#include "ovc/trace.h"
#include "render/live_snapshot.h"
#include "scenario/scenario.h"

/* A 4 GiB, 2-CPU Debian 12 machine under overcommit_memory=2, kB. */
static const struct ovc_live_proc procs[] = {
	{ .pid = 1, .ppid = 0, .comm = "systemd", .uid = 0, .state = 'S', .seen = 0x1f,
	  .cap_sys_admin = 1, .cap_sys_resource = 1, .oom_score_adj = 0, .start_ticks = 50,
	  .committed = 10240, .fork_charge = 8192, .rss_anon = 4096 },
	{ .pid = 2, .comm = "kthreadd", .state = 'S', .kthread = 1, .seen = 0x03 },
	{ .pid = 480, .ppid = 1, .comm = "sshd", .uid = 0, .state = 'S', .seen = 0x1f,
	  .cap_sys_admin = 1, .cap_sys_resource = 1, .oom_score_adj = -1000,
	  .committed = 4096, .fork_charge = 4096, .rss_anon = 2048 },
	{ .pid = 500, .ppid = 480, .comm = "bash", .uid = 1000, .state = 'S', .seen = 0x1f,
	  .oom_score_adj = 0, .nice = 5, .utime_ticks = 120, .stime_ticks = 30,
	  .committed = 4096, .fork_charge = 2048, .rss_anon = 3072 },	/* rss past fork_charge */
	/* a hostile comm: blanks, a comment sign, parentheses */
	{ .pid = 900, .ppid = 500, .comm = "java (x) #1", .uid = 1000, .state = 'R', .seen = 0x1f,
	  .oom_score_adj = 300, .committed = 2097152, .fork_charge = 1048576, .rss_anon = 524288 },
	{ .pid = 950, .ppid = 500, .comm = "defunct", .uid = 1000, .state = 'Z', .zombie = 1, .seen = 0x03 },
	/* smaps denied: nothing known to be charged, RssAnon from status */
	{ .pid = 990, .ppid = 1, .comm = "hidden", .uid = 0, .state = 'S', .seen = 0x07,
	  .cap_sys_admin = 1, .rss_anon = 1024 },
};

#define COMMITTED_AS 3000000

static void make_snap(struct ovc_live_snap *s, struct ovc_live_proc *p, size_t n)
{
	memset(s, 0, sizeof(*s));
	strcpy(s->root, "/proc");
	strcpy(s->release, "6.1.0-28-amd64");
	s->ncpus = 2;
	s->page_size = 4096;
	s->uptime_s = 86400;
	s->mi = (struct ovc_meminfo){
		.mem_total = 4194304, .mem_free = 1048576, .cached = 1048576, .buffers = 4096,
		.shmem = 65536, .anon_pages = 1048576, .slab_reclaimable = 65536,
		.slab_unreclaimable = 32768, .swap_total = 1048576, .swap_free = 1000000,
		.commit_limit = 3145728, .committed_as = COMMITTED_AS, .hugepagesize = 2048,
	};
	s->kreclaimable_kb = 70000;
	s->sysctl[OVC_SYSCTL_OVERCOMMIT_MEMORY] = 2;
	s->sysctl[OVC_SYSCTL_OVERCOMMIT_RATIO] = 50;
	s->sysctl[OVC_SYSCTL_NR_HUGEPAGES] = 0;
	s->have_sysctl = 1u << OVC_SYSCTL_OVERCOMMIT_MEMORY | 1u << OVC_SYSCTL_OVERCOMMIT_RATIO |
			 1u << OVC_SYSCTL_NR_HUGEPAGES;
	memcpy(p, procs, n * sizeof(*p));
	s->procs = p;
	s->nprocs = n;
	s->kthreads = 1;
}

/* Render s into a NUL-terminated buffer the caller frees. */
static char *render(const struct ovc_live_snap *s, int anonymize)
{
	char *buf = NULL;
	size_t len = 0;
	FILE *f = open_memstream(&buf, &len);

	assert_non_null(f);
	assert_int_equal(ovc_render_snapshot(f, s, anonymize), 0);
	assert_int_equal(fclose(f), 0);
	return buf;
}

static void run_text(const char *text, struct ovc_trace *t)
{
	struct ovc_scenario *sc = NULL;
	struct ovc_err e = { 0 };

	if (ovc_scenario_parse(text, strlen(text), "snapshot", &sc, &e) < 0)
		fail_msg("does not parse: %u:%u: %s\n%s", e.line, e.col, e.msg, text);
	if (ovc_scenario_run(sc, NULL, t, &e) < 0)
		fail_msg("does not run: %u:%u: %s\n%s", e.line, e.col, e.msg, text);
	ovc_scenario_free(sc);
}

static const struct ovc_trace_task *task_of(const struct ovc_trace *t, int pid)
{
	for (size_t i = 0; i < t->ntasks; i++)
		if (t->tasks[i].pid == pid)
			return &t->tasks[i];
	return NULL;
}

/* Each process with an mm is a task charging what it charged; the kernel
 * thread and the zombie are not tasks. */
static void check_tasks(const struct ovc_trace *t, const struct ovc_live_snap *s)
{
	size_t n = 0;

	for (size_t i = 0; i < s->nprocs; i++) {
		const struct ovc_live_proc *p = &s->procs[i];
		const struct ovc_trace_task *tt = task_of(t, p->pid);

		if (p->kthread || p->zombie) {
			assert_null(tt);
			continue;
		}
		assert_non_null(tt);
		n++;
		assert_false(tt->exited);
		assert_int_equal(tt->v.committed, p->committed);
		assert_int_equal(tt->v.fork_charge, p->fork_charge);
		assert_int_equal(tt->v.rss_anon, p->rss_anon);
		assert_int_equal(tt->uid, p->uid);
	}
	assert_int_equal(t->ntasks, n);
}

/* Σ committed = 10240 + 4096 + 4096 + 2097152 + 0 = 2115584 kB; state
 * committed= is 3000000 - 2115584 = 884416 kB, and after the replay the
 * model's Committed_AS (exact in 6.1's meminfo) is the snapshot's again.
 * Σ RssAnon = 4096 + 2048 + 3072 + 524288 + 1024 = 534528 kB moves from
 * state anon= (1048576 - 534528 = 514048) to the tasks, and free= is
 * MemFree + 534528 = 1583104 before they touch it. */
static void test_replay(void **state)
{
	struct ovc_live_proc p[sizeof(procs) / sizeof(procs[0])];
	struct ovc_live_snap s;
	struct ovc_trace t;
	char *text;

	(void)state;
	make_snap(&s, p, sizeof(p) / sizeof(p[0]));
	text = render(&s, 0);
	assert_non_null(strstr(text, "\nkernel 6.1\n"));
	assert_non_null(strstr(text, "\nmachine ram=4194304kB swap=1048576kB cpus=2 uptime=86400s\n"));
	assert_non_null(strstr(text, " free=1583104kB "));
	assert_non_null(strstr(text, " anon=514048kB "));
	assert_non_null(strstr(text, " committed=884416kB\n"));
	assert_non_null(strstr(text, "task p900_java__x___1 "));
	assert_non_null(strstr(text, " comm=java__x___1\n"));	/* a word, however hostile */
	run_text(text, &t);
	assert_int_equal(t.end.committed_as, COMMITTED_AS);
	assert_int_equal(t.end.anon_pages, s.mi.anon_pages);
	assert_int_equal(t.end.mem_free, s.mi.mem_free);
	assert_int_equal(t.oom_kills, 0);
	assert_int_equal(t.failed, 0);
	check_tasks(&t, &s);
	ovc_trace_free(&t);
	free(text);
}

/* --anonymize: names are p<PID>, and no comm (nor any part of one) is left. */
static void test_anonymize(void **state)
{
	struct ovc_live_proc p[sizeof(procs) / sizeof(procs[0])];
	struct ovc_live_snap s;
	struct ovc_trace t;
	char *text;

	(void)state;
	make_snap(&s, p, sizeof(p) / sizeof(p[0]));
	text = render(&s, 1);
	for (size_t i = 0; i < s.nprocs; i++)
		assert_null(strstr(text, p[i].comm));
	assert_null(strstr(text, "java"));
	assert_null(strstr(text, "comm="));
	assert_non_null(strstr(text, "task p900 "));
	run_text(text, &t);
	assert_int_equal(t.end.committed_as, COMMITTED_AS);
	check_tasks(&t, &s);
	ovc_trace_free(&t);
	free(text);
}

/* The tasks charge more than Committed_AS (a reading taken mid-change):
 * state committed= is 0, not negative, and the replay ends at Σ committed
 * (2115584 kB). Σ RssAnon past AnonPages + MemFree/2 (here 1024 kB of
 * AnonPages + 0 free) is scaled down, and the replay still runs with no
 * OOM kill. */
static void test_over(void **state)
{
	struct ovc_live_proc p[sizeof(procs) / sizeof(procs[0])];
	struct ovc_live_snap s;
	struct ovc_trace t;
	char *text;

	(void)state;
	make_snap(&s, p, sizeof(p) / sizeof(p[0]));
	s.mi.committed_as = 1000000;
	s.mi.anon_pages = 1024;
	s.mi.mem_free = 0;
	s.mi.cached = 1048576 + 1048576;	/* the RAM the anon pages left */
	text = render(&s, 0);
	assert_non_null(strstr(text, " committed=0kB\n"));
	assert_non_null(strstr(text, "RssAnon * 1024 / 534528"));
	run_text(text, &t);
	assert_int_equal(t.end.committed_as, 2115584);
	assert_int_equal(t.oom_kills, 0);
	for (size_t i = 0; i < t.ntasks; i++)
		assert_false(t.tasks[i].oom_killed);
	ovc_trace_free(&t);
	free(text);
}

/* Limited memory cgroups become cgroup lines below their nearest
 * limited ancestor, and tasks go into the nearest limited cgroup of
 * their own (tests/fixtures/sys/README.md: /lxc/web has 1 GiB, 256 MiB
 * of swap and oom.group; redis.service 512 MiB and no swap). */
static void test_memcgs(void **state)
{
	struct ovc_live_snap s;
	struct ovc_err e = { 0 };
	struct ovc_trace t;
	char *text;
	int web;

	(void)state;
	assert_int_equal(ovc_live_read("tests/fixtures/proc/memcg-v2", &s, &e), 0);
	assert_int_equal(ovc_live_read_memcgs("tests/fixtures/sys/memcg-v2", &s, &e), 0);
	web = ovc_live_memcg_find(&s, "/lxc/web");
	assert_int_equal(web, 4);
	text = render(&s, 0);
	assert_non_null(strstr(text, "\ncgroup cg4 max=1048576kB swap.max=262144kB oom.group=1 swappiness=60\n"));
	assert_non_null(strstr(text, "\ncgroup cg5 max=524288kB swap.max=0kB swappiness=60\n"));
	assert_non_null(strstr(text, " pid=600 ") && strstr(strstr(text, " pid=600 "), " cgroup=cg4 "));
	assert_non_null(strstr(text, "# cg4 is /lxc/web"));
	run_text(text, &t);
	assert_int_equal(t.oom_kills, 0);
	assert_int_equal(t.failed, 0);
	ovc_trace_free(&t);
	free(text);

	/* anonymized: no path */
	text = render(&s, 1);
	assert_null(strstr(text, "/lxc/web"));
	free(text);

	/* a limit below what the tasks touch in the replay (600 touches
	 * 196,608 kB) is raised to it, and says so, so the setup cannot OOM */
	s.memcgs[web].max_kb = 102400;
	text = render(&s, 0);
	assert_non_null(strstr(text, "the limit is raised to that"));
	run_text(text, &t);
	assert_int_equal(t.oom_kills, 0);
	assert_int_equal(t.failed, 0);
	ovc_trace_free(&t);
	free(text);
	ovc_live_snap_free(&s);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_replay),
		cmocka_unit_test(test_anonymize),
		cmocka_unit_test(test_over),
		cmocka_unit_test(test_memcgs),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
