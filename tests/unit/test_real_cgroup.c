/* test_real_cgroup.c - the real executor's cgroup parts that need neither root nor /sys/fs/cgroup:
 * the paths below the run's parent, the limit text memory.max takes, cgroup.controllers' words, an
 * option's column, and the clone3 spawn (without CLONE_INTO_CGROUP, or with a descriptor the kernel
 * refuses) starting real programs. */
#define _GNU_SOURCE
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <cmocka.h>

#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <sys/wait.h>
#include <unistd.h>

#include "scenario/ast.h"
#include "scenario/real_cgroup.h"
#include "scenario/scenario.h"

static struct ovc_scenario *parse(const char *text)
{
	struct ovc_scenario *s = NULL;
	struct ovc_err e = { 0 };

	if (ovc_scenario_parse(text, strlen(text), "test", &s, &e) < 0)
		fail_msg("does not parse: %u:%u: %s\n%s", e.line, e.col, e.msg, text);
	return s;
}

static int name_of(const struct ovc_scenario *s, const char *name)
{
	size_t i;

	for (i = 0; i < s->nnames; i++)
		if (strcmp(s->names[i].name, name) == 0)
			return (int)i;
	fail_msg("no name %s", name);
	return -1;
}

/* ---- paths ---- */

static void test_run_dir(void **state)
{
	char buf[64];

	(void)state;
	/* "/sys/fs/cgroup" is 14 bytes, "/ovc.93" 7: 21 */
	assert_int_equal(real_cgroup_run_dir(REAL_CGROUP_MNT, 93, buf, sizeof(buf)), 21);
	assert_string_equal(buf, "/sys/fs/cgroup/ovc.93");
	/* cut: the length it needs, and a terminated prefix */
	assert_int_equal(real_cgroup_run_dir(REAL_CGROUP_MNT, 93, buf, 8), 21);
	assert_string_equal(buf, "/sys/fs");
}

static const char tree[] =
	"machine ram=1G\n"
	"cgroup a max=64M\n"
	"cgroup b parent=a\n"
	"cgroup c parent=b oom.group\n"
	"cgroup d\n"
	"task t cgroup=c\n";

/* A cgroup's directory: the run's parent, then its ancestors top down. */
static void test_path(void **state)
{
	struct ovc_scenario *s = parse(tree);
	const char *run = "/sys/fs/cgroup/ovc.7";	/* 20 bytes */
	char buf[128];

	(void)state;
	assert_int_equal(real_cgroup_path(s, name_of(s, "a"), run, buf, sizeof(buf)), 22);
	assert_string_equal(buf, "/sys/fs/cgroup/ovc.7/a");
	assert_int_equal(real_cgroup_path(s, name_of(s, "c"), run, buf, sizeof(buf)), 26);
	assert_string_equal(buf, "/sys/fs/cgroup/ovc.7/a/b/c");
	/* d is at the top again, not below c */
	assert_int_equal(real_cgroup_path(s, name_of(s, "d"), run, buf, sizeof(buf)), 22);
	assert_string_equal(buf, "/sys/fs/cgroup/ovc.7/d");
	/* cut inside the run's parent, and inside the names: still terminated */
	assert_int_equal(real_cgroup_path(s, name_of(s, "c"), run, buf, 12), 26);
	assert_string_equal(buf, "/sys/fs/cgr");
	assert_int_equal(real_cgroup_path(s, name_of(s, "c"), run, buf, 24), 26);
	assert_string_equal(buf, "/sys/fs/cgroup/ovc.7/a/");
	ovc_scenario_free(s);
}

/* ---- values ---- */

static void test_limit_text(void **state)
{
	char buf[24];

	(void)state;
	assert_int_equal(real_cgroup_limit_text(1, 12345, 4096, buf, sizeof(buf)), 3);
	assert_string_equal(buf, "max");
	/* 64M = 67108864 bytes, whole pages */
	assert_int_equal(real_cgroup_limit_text(0, 64u << 20, 4096, buf, sizeof(buf)), 8);
	assert_string_equal(buf, "67108864");
	/* 64M + 100 bytes: down to 16384 pages, as page_counter_memparse keeps it */
	real_cgroup_limit_text(0, (64u << 20) + 100, 4096, buf, sizeof(buf));
	assert_string_equal(buf, "67108864");
	/* less than a page is 0, which the kernel takes (everything is over it) */
	real_cgroup_limit_text(0, 4095, 4096, buf, sizeof(buf));
	assert_string_equal(buf, "0");
	/* 64K pages: 100000 bytes = 1 page of 65536 */
	real_cgroup_limit_text(0, 100000, 65536, buf, sizeof(buf));
	assert_string_equal(buf, "65536");
	/* the largest size fits the buffer: 18446744073709551615 is 20 digits */
	assert_int_equal(real_cgroup_limit_text(0, UINT64_MAX, 1, buf, sizeof(buf)), 20);
	assert_string_equal(buf, "18446744073709551615");
}

static void test_controllers(void **state)
{
	static const char debian[] = "cpuset cpu io memory hugetlb pids rdma misc\n";
	static const char no_memory[] = "cpuset cpu io hugetlb pids rdma misc\n";

	(void)state;
	assert_true(real_cgroup_has_controller(debian, strlen(debian), "memory"));
	assert_true(real_cgroup_has_controller(debian, strlen(debian), "misc"));
	assert_false(real_cgroup_has_controller(no_memory, strlen(no_memory), "memory"));
	/* whole words only */
	assert_false(real_cgroup_has_controller("memory_x io\n", 12, "memory"));
	assert_false(real_cgroup_has_controller("xmemory io\n", 11, "memory"));
	assert_false(real_cgroup_has_controller("memor\n", 6, "memory"));
	/* the length is respected: "cpu io memory" cut before memory's end */
	assert_false(real_cgroup_has_controller("cpu io memory\n", 10, "memory"));
	assert_true(real_cgroup_has_controller("memory", 6, "memory"));	/* no newline */
	assert_false(real_cgroup_has_controller("", 0, "memory"));	/* a root with none */
}

/* The column of an option, from the statement's text and first column. */
static void test_option_col(void **state)
{
	static const char text[] = "cgroup box max=64M swappiness=10";
	struct ovc_scenario *s;
	const struct sc_stmt *st = NULL;
	size_t i;

	(void)state;
	/* "cgroup box max=64M " is 19 bytes: column 1 + 19 */
	assert_int_equal(real_cgroup_option_col(text, 1, "swappiness"), 20);
	assert_int_equal(real_cgroup_option_col(text, 5, "swappiness"), 24);
	/* not there, or not as key=: the statement's own column */
	assert_int_equal(real_cgroup_option_col(text, 3, "parent"), 3);
	assert_int_equal(real_cgroup_option_col("cgroup swappiness", 3, "swappiness"), 3);
	/* a key inside another word is skipped for the whole word */
	assert_int_equal(real_cgroup_option_col("task t xcgroup=1 cgroup=c", 1, "cgroup"), 18);

	/* the parser's text starts at the statement's column, as assumed */
	s = parse("machine ram=1G\n   cgroup box swappiness=60   # default\n");
	for (i = 0; i < s->nst; i++)
		if (s->st[i].op == SC_CGROUPLINE)
			st = &s->st[i];
	assert_non_null(st);
	assert_int_equal(st->col, 4);
	assert_int_equal(real_cgroup_option_col(st->text, st->col, "swappiness"), 4 + 11);
	ovc_scenario_free(s);
}

/* ---- spawning (no cgroup: needs no root) ---- */

static char *const no_env[] = { NULL };

/* Spawn sh -c script with fd_from at fd_to; its wait status. */
static int run_sh(const char *script, int fd_from, int fd_to)
{
	char *argv[] = { "sh", "-c", (char *)script, NULL };
	pid_t pid = 0;
	int status = -1;
	int r = real_spawn_in_cgroup(-1, "/bin/sh", argv, no_env, fd_from, fd_to, &pid);

	if (r == -ENOSYS)
		skip();	/* clone3 filtered (a container's seccomp), or not x86-64 */
	assert_int_equal(r, 0);
	assert_true(pid > 0);
	assert_int_equal(waitpid(pid, &status, 0), pid);
	return status;
}

/* The program runs, with fd_from at fd_to, and its exit status comes back. */
static void test_spawn_runs(void **state)
{
	char buf[16] = { 0 };
	int p[2], status;

	(void)state;
	assert_int_equal(pipe2(p, O_CLOEXEC), 0);
	status = run_sh("echo hi >&5; exit 7", p[1], 5);
	close(p[1]);
	assert_true(WIFEXITED(status));
	assert_int_equal(WEXITSTATUS(status), 7);
	assert_int_equal(read(p[0], buf, sizeof(buf) - 1), 3);
	assert_string_equal(buf, "hi\n");
	close(p[0]);
	/* without the dup, fd 5 is not open in the child (the pipe is CLOEXEC) */
	status = run_sh("{ echo x >&5; } 2>/dev/null && exit 1; exit 0", -1, -1);
	assert_true(WIFEXITED(status));
	assert_int_equal(WEXITSTATUS(status), 0);
}

/* As POSIX_SPAWN_SETSIGDEF and an empty mask: an ignored signal is the
 * default again in the child, a blocked one unblocked; the caller's own
 * mask and dispositions are as they were. */
static void test_spawn_signals(void **state)
{
	struct sigaction ign = { .sa_handler = SIG_IGN }, old_usr1, now;
	sigset_t usr2, old_mask, mask;
	int status;

	(void)state;
	sigaction(SIGUSR1, &ign, &old_usr1);
	sigemptyset(&usr2);
	sigaddset(&usr2, SIGUSR2);
	sigprocmask(SIG_BLOCK, &usr2, &old_mask);

	/* sh keeps a signal ignored on entry ignored: only the reset kills it */
	status = run_sh("kill -USR1 $$; exit 0", -1, -1);
	assert_true(WIFSIGNALED(status));
	assert_int_equal(WTERMSIG(status), SIGUSR1);
	status = run_sh("kill -USR2 $$; exit 0", -1, -1);
	assert_true(WIFSIGNALED(status));
	assert_int_equal(WTERMSIG(status), SIGUSR2);

	sigprocmask(SIG_SETMASK, NULL, &mask);
	assert_true(sigismember(&mask, SIGUSR2));
	assert_false(sigismember(&mask, SIGUSR1));
	sigaction(SIGUSR1, NULL, &now);
	assert_true(now.sa_handler == SIG_IGN);

	sigprocmask(SIG_SETMASK, &old_mask, NULL);
	sigaction(SIGUSR1, &old_usr1, NULL);
}

/* A failed execve is its errno, and the child is reaped: nothing is left. */
static void test_spawn_enoent(void **state)
{
	char *argv[] = { "nothing", NULL };
	pid_t pid = -7;
	int r = real_spawn_in_cgroup(-1, "/nonexistent/ovc-test", argv, no_env, -1, -1, &pid);

	(void)state;
	if (r == -ENOSYS)
		skip();
	assert_int_equal(r, -ENOENT);
	assert_int_equal(pid, -7);	/* untouched */
	assert_int_equal(waitpid(-1, NULL, WNOHANG), -1);
	assert_int_equal(errno, ECHILD);
}

/* CLONE_INTO_CGROUP with a descriptor that is no cgroup2 directory: the
 * kernel refuses it (EBADF, cgroup_css_set_fork, 5.7+) and no process is
 * made. */
static void test_spawn_not_a_cgroup(void **state)
{
	char *argv[] = { "true", NULL };
	pid_t pid = -7;
	int fd = open("/dev/null", O_RDONLY | O_CLOEXEC);
	int r = real_spawn_in_cgroup(fd, "/bin/true", argv, no_env, -1, -1, &pid);

	(void)state;
	close(fd);
	if (r == -ENOSYS)
		skip();
	assert_int_equal(r, -EBADF);
	assert_int_equal(pid, -7);
	assert_int_equal(waitpid(-1, NULL, WNOHANG), -1);
	assert_int_equal(errno, ECHILD);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_run_dir),
		cmocka_unit_test(test_path),
		cmocka_unit_test(test_limit_text),
		cmocka_unit_test(test_controllers),
		cmocka_unit_test(test_option_col),
		cmocka_unit_test(test_spawn_runs),
		cmocka_unit_test(test_spawn_signals),
		cmocka_unit_test(test_spawn_enoent),
		cmocka_unit_test(test_spawn_not_a_cgroup),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
