/* test_real_kmsg.c - /dev/kmsg records: the OOM killer's "Killed process" lines of 6.1 and 6.12 (and older forms), the oom.group context, broken framing, and the reader draining a packet pipe. */
#define _GNU_SOURCE
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>
#include <cmocka.h>

#include <errno.h>
#include <fcntl.h>
#include <unistd.h>

#include "ovc/err.h"
#include "scenario/real_kmsg.h"

static int kill_of(const char *rec, struct ovc_real_kill *k)
{
	memset(k, 0x5a, sizeof(*k));
	return ovc_real_kmsg_kill(rec, strlen(rec), k);
}

/* Records as the 6.1 and 6.12 guests print them (c43: the 600M task
 * faulting in a 512M machine with no swap). PRI 3 = KERN_ERR, facility 0. */
static void test_global(void **state)
{
	struct ovc_real_kill k;

	(void)state;
	assert_int_equal(kill_of("3,1271,38513366,-;Out of memory: Killed process 93 (app) "
				 "total-vm:615968kB, anon-rss:446788kB, file-rss:4kB, shmem-rss:0kB, "
				 "UID:1000 pgtables:928kB oom_score_adj:0\n", &k), 1);
	assert_int_equal(k.pid, 93);
	assert_string_equal(k.comm, "app");
	assert_int_equal(k.message, OVC_OOM_MSG_OUT_OF_MEMORY);
	assert_true(k.prefixed);
	assert_int_equal(k.reason, OVC_OOM_KILL_VICTIM);
	/* with a caller field (CONFIG_PRINTK_CALLER) and a continuation line */
	assert_int_equal(kill_of("3,1271,38513366,-,caller=T93;Out of memory: Killed process 4194303 "
				 "(ovc) total-vm:1636kB, anon-rss:0kB, file-rss:4kB, shmem-rss:0kB, UID:0 "
				 "pgtables:44kB oom_score_adj:0\n SUBSYSTEM=mem\n", &k), 1);
	assert_int_equal(k.pid, 4194303);
	assert_string_equal(k.comm, "ovc");
	/* no trailing newline (a read cut short): the text is still whole */
	assert_int_equal(kill_of("3,9,1,-;Out of memory: Killed process 5 (a) total-vm:1kB", &k), 1);
	assert_int_equal(k.pid, 5);
}

static void test_memcg_and_others(void **state)
{
	struct ovc_real_kill k;

	(void)state;
	assert_int_equal(kill_of("3,2001,7000000,-;Memory cgroup out of memory: Killed process 120 (kid) "
				 "total-vm:2048kB, anon-rss:1024kB, file-rss:0kB, shmem-rss:0kB, UID:0 "
				 "pgtables:40kB oom_score_adj:0\n", &k), 1);
	assert_int_equal(k.pid, 120);
	assert_int_equal(k.message, OVC_OOM_MSG_MEMCG);
	assert_int_equal(kill_of("3,1,1,-;Out of memory (oom_kill_allocating_task): Killed process 7 (x) "
				 "total-vm:4kB, anon-rss:0kB, file-rss:0kB, shmem-rss:0kB, UID:0 pgtables:0kB "
				 "oom_score_adj:0\n", &k), 1);
	assert_int_equal(k.message, OVC_OOM_MSG_ALLOCATING_TASK);
	/* 4.19 (no prefix), RHEL6, 2.6.32 */
	assert_int_equal(kill_of("3,1,1,-;Killed process 1221 (allocate) total-vm:2257144kB, "
				 "anon-rss:2009128kB, file-rss:4kB, shmem-rss:0kB\n", &k), 1);
	assert_int_equal(k.pid, 1221);
	assert_false(k.prefixed);
	assert_string_equal(k.comm, "allocate");
	assert_int_equal(kill_of("3,1,1,-;Killed process 55, UID 0, (foo) total-vm:10kB, anon-rss:1kB, "
				 "file-rss:1kB\n", &k), 1);
	assert_int_equal(k.pid, 55);
	assert_string_equal(k.comm, "foo");
	assert_int_equal(kill_of("3,1,1,-;Killed process 56 (bar)\n", &k), 1);
	assert_string_equal(k.comm, "bar");
}

/* A COMM may hold anything: ") total-vm:", '(', blanks, escaped bytes. */
static void test_comm(void **state)
{
	struct ovc_real_kill k;

	(void)state;
	assert_int_equal(kill_of("3,1,1,-;Out of memory: Killed process 77 (x) total-vm:9) total-vm:100kB, "
				 "anon-rss:0kB, file-rss:0kB, shmem-rss:0kB, UID:0 pgtables:0kB "
				 "oom_score_adj:0\n", &k), 1);
	assert_int_equal(k.pid, 77);
	assert_string_equal(k.comm, "x) total-vm:9");
	assert_int_equal(kill_of("3,1,1,-;Out of memory: Killed process 78 (my (app) total-vm:1kB\n", &k), 1);
	assert_string_equal(k.comm, "my (app");
	assert_int_equal(kill_of("3,1,1,-;Out of memory: Killed process 79 (a\\x0ab\\x5c\\x7f) total-vm:1kB\n",
				 &k), 1);
	assert_string_equal(k.comm, "a\nb\\\x7f");
	assert_int_equal(kill_of("3,1,1,-;Out of memory: Killed process 80 (a\\xzz\\x4) total-vm:1kB\n", &k), 1);
	assert_string_equal(k.comm, "a\\xzz\\x4");	/* not escapes: kept as they are */
	/* longer than TASK_COMM_LEN - 1: cut to 15 bytes */
	assert_int_equal(kill_of("3,1,1,-;Out of memory: Killed process 81 (abcdefghijklmnopqrstuvwxyz) "
				 "total-vm:1kB\n", &k), 1);
	assert_string_equal(k.comm, "abcdefghijklmno");
}

/* Records that are not kills, each well framed: 0. */
static void test_not_kills(void **state)
{
	static const char *const recs[] = {
		/* user space (facility 1) cannot pass for the kernel */
		"14,5,6,-;Out of memory: Killed process 1 (init) total-vm:1kB\n",
		"11,5,6,-;Out of memory: Killed process 1 (init) total-vm:1kB\n",
		"4,1200,1,-;ovc invoked oom-killer: gfp_mask=0x140cca(GFP_HIGHUSER_MOVABLE|__GFP_COMP), "
		"order=0, oom_score_adj=0\n",
		"6,1230,1,-;oom-kill:constraint=CONSTRAINT_NONE,nodemask=(null),cpuset=/,mems_allowed=0,"
		"global_oom,task_memcg=/,task=app,pid=93,uid=1000\n",
		"3,1,1,-;Out of memory: Kill process 93 (app) score 900 or sacrifice child\n",
		"6,1,1,-;oom_reaper: reaped process 93 (app), now anon-rss:0kB, file-rss:0kB, shmem-rss:0kB\n",
		"6,1,1,-;Memory cgroup out of memory: OOM victim 93 (app) is already exiting. Skip killing the task\n",
		"6,1,1,-;Tasks in /g are going to be killed due to memory.oom.group set\n",
		"3,1,1,-;Out of memory: Killed process abc (x) total-vm:1kB\n",
		"3,1,1,-;Out of memory: Killed process 0 (x) total-vm:1kB\n",
		"3,1,1,-;Out of memory: Killed process 99999999999 (x) total-vm:1kB\n",
		"3,1,1,-;Out of memory: Killed process 999999999999999999999999 (x) total-vm:1kB\n",
		"3,1,1,-;Out of memory: Killed process 93 app total-vm:1kB\n",
		"3,1,1,-;Out of memory: Killed process 93 (ap",	/* cut short */
		"3,1,1,-;Out of memory: Killed proc",
		"3,1,1,-;Out of memory: Killed process 93 (app\n) total-vm:1kB\n",	/* ')' past the text */
		"3,1,1,-; Out of memory: Killed process 93 (app) total-vm:1kB\n",
		"3,1,1,-;\n",
		"3,1,1,-;",
		"6,1,2;msg",
		"6,1,2,-,caller=T12,more;msg\n",
	};
	struct ovc_real_kill k;

	(void)state;
	for (size_t i = 0; i < sizeof(recs) / sizeof(recs[0]); i++)
		if (kill_of(recs[i], &k) != 0)
			fail_msg("record %zu (%s): %d, expected 0", i, recs[i], kill_of(recs[i], &k));
}

/* Broken framing: -OVC_E_PARSE. */
static void test_framing(void **state)
{
	static const char *const recs[] = {
		"",
		"no semicolon at all\n",
		"6,1,2",
		"6,1,2,-\n;Out of memory: Killed process 1 (a)\n",	/* ';' not on the first line */
		"x,1,2,-;Out of memory: Killed process 1 (a)\n",
		"6,1;Out of memory: Killed process 1 (a)\n",
		"6;msg\n",
		";msg\n",
		"6,,2,-;msg\n",
		"6,1,2x,-;msg\n",
		"-6,1,2,-;msg\n",
		"18446744073709551616,1,2,-;msg\n",		/* 2^64 */
		"6,1,99999999999999999999999,-;msg\n",
	};
	struct ovc_real_kill k;

	(void)state;
	for (size_t i = 0; i < sizeof(recs) / sizeof(recs[0]); i++)
		if (kill_of(recs[i], &k) != -OVC_E_PARSE)
			fail_msg("record %zu (%s): %d, expected %d", i, recs[i], kill_of(recs[i], &k),
				 -OVC_E_PARSE);
	/* 2^64 - 1 fits */
	assert_int_equal(kill_of("18446744073709551615,1,2,-;msg\n", &k), 0);
	/* the length is obeyed: no NUL is looked for */
	assert_int_equal(ovc_real_kmsg_kill("3,1,1,-;Out of memory: Killed process 9 (a)", 5, &k),
			 -OVC_E_PARSE);
	assert_int_equal(ovc_real_kmsg_kill("3,1,1,-;Out of memory: Killed process 9 (a)", 40, &k), 0);
}

static int classify(const char *rec)
{
	struct ovc_real_kill k;

	return ovc_real_kmsg_classify(rec, strlen(rec), &k);
}

static void test_classify(void **state)
{
	(void)state;
	assert_int_equal(classify("4,1,1,-;my app invoked oom-killer: gfp_mask=0xcc0(GFP_KERNEL), "
				  "order=-1, oom_score_adj=0\n"), OVC_REAL_KMSG_INVOKED);
	assert_int_equal(classify("6,1,1,-;Tasks in /a/b c are going to be killed due to "
				  "memory.oom.group set\n"), OVC_REAL_KMSG_GROUP);
	assert_int_equal(classify("6,1,1,-;Tasks in /a are going to be killed due to "
				  "memory.oom.group\n"), OVC_REAL_KMSG_OTHER);
	assert_int_equal(classify("3,1,1,-;Out of memory: Killed process 9 (a)\n"), OVC_REAL_KMSG_KILL);
	assert_int_equal(classify("6,1,1,-;what\n"), OVC_REAL_KMSG_OTHER);
}

/* 6.1 memcg OOM in a cgroup with memory.oom.group: the victim, the group
 * line, the victim again (it still has its mm), the other member; then a
 * new report. */
static const char *const group_log[] = {
	"4,10,1,-;app invoked oom-killer: gfp_mask=0xcc0(GFP_KERNEL), order=0, oom_score_adj=0\n",
	"3,11,2,-;Memory cgroup out of memory: Killed process 93 (app) total-vm:1kB, anon-rss:1kB, "
	"file-rss:0kB, shmem-rss:0kB, UID:0 pgtables:4kB oom_score_adj:0\n",
	"6,12,3,-;Tasks in /ovc/g are going to be killed due to memory.oom.group set\n",
	"3,13,4,-;Memory cgroup out of memory: Killed process 93 (app) total-vm:1kB, anon-rss:1kB, "
	"file-rss:0kB, shmem-rss:0kB, UID:0 pgtables:4kB oom_score_adj:0\n",
	"6,14,5,-;oom_reaper: reaped process 93 (app), now anon-rss:0kB, file-rss:0kB, shmem-rss:0kB\n",
	"3,15,6,-;Memory cgroup out of memory: Killed process 94 (kid) total-vm:1kB, anon-rss:1kB, "
	"file-rss:0kB, shmem-rss:0kB, UID:0 pgtables:4kB oom_score_adj:0\n",
	"4,16,7,-;kid2 invoked oom-killer: gfp_mask=0x140cca(GFP_HIGHUSER_MOVABLE|__GFP_COMP), order=0, "
	"oom_score_adj=0\n",
	"3,17,8,-;Out of memory: Killed process 95 (kid2) total-vm:1kB, anon-rss:1kB, file-rss:0kB, "
	"shmem-rss:0kB, UID:0 pgtables:4kB oom_score_adj:0\n",
};
static const int group_pids[] = { 93, 93, 94, 95 };
static const enum ovc_oom_kill_reason group_why[] = {
	OVC_OOM_KILL_VICTIM, OVC_OOM_KILL_GROUP, OVC_OOM_KILL_GROUP, OVC_OOM_KILL_VICTIM,
};

static void test_feed_group(void **state)
{
	struct ovc_real_kmsg_ctx c = { 0 };
	size_t n = 0;

	(void)state;
	for (size_t i = 0; i < sizeof(group_log) / sizeof(group_log[0]); i++) {
		struct ovc_real_kill k;
		int r = ovc_real_kmsg_feed(&c, group_log[i], strlen(group_log[i]), &k);

		assert_true(r == 0 || r == 1);
		if (r == 1) {
			assert_int_equal(k.pid, group_pids[n]);
			assert_int_equal(k.reason, group_why[n]);
			n++;
		}
	}
	assert_int_equal(n, 4);
	assert_int_equal(ovc_real_kmsg_feed(&c, "garbage", 7, NULL), -OVC_E_PARSE);
}

/* ---- the reader, on a packet pipe (one record per read, EAGAIN when empty) ---- */

struct got {
	int pids[8];
	enum ovc_oom_kill_reason why[8];
	size_t n;
	int stop_at;	/* return -1 at this call (0: never) */
};

static int collect(void *arg, const struct ovc_real_kill *k)
{
	struct got *g = arg;

	if (g->stop_at && (int)g->n + 1 == g->stop_at)
		return -1;
	g->pids[g->n] = k->pid;
	g->why[g->n++] = k->reason;
	return 0;
}

static void test_drain(void **state)
{
	struct real_kmsg km = { .fd = -1 };
	struct got g = { .n = 0 };
	int p[2];

	(void)state;
	assert_int_equal(real_kmsg_drain(&km, collect, &g), 0);	/* not open: nothing */
	assert_int_equal(pipe2(p, O_DIRECT | O_NONBLOCK), 0);
	km.fd = p[0];
	for (size_t i = 0; i < sizeof(group_log) / sizeof(group_log[0]); i++) {
		assert_true(write(p[1], group_log[i], strlen(group_log[i])) > 0);
		if (i == 3)	/* a broken record among them: counted, skipped */
			assert_int_equal(write(p[1], "broken", 6), 6);
	}
	assert_int_equal(real_kmsg_drain(&km, collect, &g), 4);
	assert_int_equal(g.n, 4);
	assert_memory_equal(g.pids, group_pids, sizeof(group_pids));
	assert_int_equal(g.why[2], OVC_OOM_KILL_GROUP);
	assert_int_equal(km.bad, 1);
	assert_int_equal(real_kmsg_drain(&km, collect, &g), 0);	/* empty: EAGAIN */
	g.n = 0;
	g.stop_at = 2;
	assert_true(write(p[1], group_log[7], strlen(group_log[7])) > 0);
	assert_true(write(p[1], group_log[7], strlen(group_log[7])) > 0);
	assert_int_equal(real_kmsg_drain(&km, collect, &g), -1);	/* fn's error stops it */
	assert_int_equal(g.n, 1);
	close(p[1]);
	real_kmsg_close(&km);
	assert_int_equal(km.fd, -1);
	real_kmsg_close(&km);	/* twice is harmless */
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_global),
		cmocka_unit_test(test_memcg_and_others),
		cmocka_unit_test(test_comm),
		cmocka_unit_test(test_not_kills),
		cmocka_unit_test(test_framing),
		cmocka_unit_test(test_classify),
		cmocka_unit_test(test_feed_group),
		cmocka_unit_test(test_drain),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
