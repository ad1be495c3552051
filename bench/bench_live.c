/* bench_live.c - how long the live front end takes on a machine with 10,000 processes.
 *
 * Prints figures, asserts nothing. Starts up to 10,000 children that each
 * write 64 kB of their own and pause(), then times, 5 runs each (wall
 * clock, min and median): ovc_live_read("/proc"), ovc_live_read_memcgs
 * and ovc_live_analyze()
 * (what `ovc status` does before it prints), and on the same machine
 * `ovc status` itself (the binary built beside it), `ps aux` and
 * `top -b -n 1`, all to /dev/null. The target (the issue):
 * `ovc status` answers within a second with 10,000 processes. For scale,
 * the floor: the time to only read one file (stat, status, smaps,
 * smaps_rollup) of every process. The children
 * are killed and reaped at the end, and die with the benchmark if it is
 * killed (PR_SET_PDEATHSIG).
 */
#include <errno.h>
#include <dirent.h>
#include <fcntl.h>
#include <signal.h>
#include <spawn.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/prctl.h>
#include <sys/resource.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "live/live.h"

#define NCHILD 10000
#define CHILD_KB 64
#define RUNS 5

extern char **environ;

static double now(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

static long read_long(const char *path)
{
	FILE *f = fopen(path, "r");
	long v = -1;

	if (f) {
		if (fscanf(f, "%ld", &v) != 1)
			v = -1;
		fclose(f);
	}
	return v;
}

static void print_loadavg(const char *when)
{
	char buf[128] = "";
	FILE *f = fopen("/proc/loadavg", "r");

	if (f) {
		if (!fgets(buf, sizeof(buf), f))
			buf[0] = '\0';
		fclose(f);
	}
	printf("loadavg %s: %s", when, buf[0] ? buf : "(unreadable)\n");
}

/* Lift RLIMIT_NPROC as far as we may: root can go to unlimited. */
static void raise_nproc(void)
{
	struct rlimit r;

	if (getrlimit(RLIMIT_NPROC, &r) < 0)
		return;
	r.rlim_cur = r.rlim_max;
	if (setrlimit(RLIMIT_NPROC, &r) == 0) {
		r.rlim_cur = r.rlim_max = RLIM_INFINITY;
		setrlimit(RLIMIT_NPROC, &r);	/* may fail without CAP_SYS_RESOURCE */
	}
	getrlimit(RLIMIT_NPROC, &r);
	if (r.rlim_cur == RLIM_INFINITY)
		printf("RLIMIT_NPROC: unlimited\n");
	else
		printf("RLIMIT_NPROC: %llu\n", (unsigned long long)r.rlim_cur);
}

/* The child: its own 64 kB written, one byte to say so, then wait to die. */
static void child(int ready, pid_t parent)
{
	char *p;

	prctl(PR_SET_PDEATHSIG, SIGKILL);
	if (getppid() != parent)
		_exit(0);
	p = malloc(CHILD_KB * 1024);
	if (p)
		memset(p, 0x5a, CHILD_KB * 1024);
	if (write(ready, "", 1) < 0)
		_exit(1);
	for (;;)
		pause();
}

/* Fork up to n children; returns how many started. */
static size_t start_children(pid_t *pids, size_t n)
{
	int fd[2];
	size_t k, got = 0;
	pid_t self = getpid();
	double t0 = now();
	char buf[256];

	if (pipe(fd) < 0)
		return 0;
	for (k = 0; k < n; k++) {
		pid_t pid = fork();

		if (pid == 0) {
			close(fd[0]);
			child(fd[1], self);
		}
		if (pid < 0) {
			printf("fork %zu failed: %s\n", k + 1, strerror(errno));
			break;
		}
		pids[k] = pid;
	}
	close(fd[1]);
	while (got < k) {	/* every child has written its 64 kB */
		ssize_t r = read(fd[0], buf, sizeof(buf));

		if (r <= 0)
			break;
		got += (size_t)r;
	}
	close(fd[0]);
	printf("children: %zu of %d started (%zu ready) in %.2f s, each with %d kB written\n",
	       k, NCHILD, got, now() - t0, CHILD_KB);
	return k;
}

static void stop_children(const pid_t *pids, size_t n)
{
	double t0 = now();

	for (size_t k = 0; k < n; k++)
		kill(pids[k], SIGKILL);
	for (size_t k = 0; k < n; k++)
		waitpid(pids[k], NULL, 0);
	printf("children: %zu killed and reaped in %.2f s\n", n, now() - t0);
}

static int cmp_double(const void *a, const void *b)
{
	double x = *(const double *)a, y = *(const double *)b;

	return (x > y) - (x < y);
}

static void report(const char *what, double *t, int n)
{
	qsort(t, (size_t)n, sizeof(*t), cmp_double);
	printf("%-34s min %7.3f s  median %7.3f s  max %7.3f s\n", what, t[0], t[n / 2], t[n - 1]);
}

/* One read + analyze; the split goes to *read_s. Returns the total, or
 * a negative value on error. */
static double live_once(double *read_s, size_t *nprocs, size_t *nrows)
{
	struct ovc_live_snap s;
	struct ovc_live_report r;
	struct ovc_err e = { 0 };
	double t0 = now(), t1;
	int rc;

	memset(&r, 0, sizeof(r));
	rc = ovc_live_read("/proc", &s, &e);
	if (rc == 0)	/* what ovc status reads too: the memory cgroups */
		rc = ovc_live_read_memcgs("/sys", &s, &e);
	t1 = now();
	if (rc == 0)
		rc = ovc_live_analyze(&s, NULL, 0, &r, &e);
	*read_s = t1 - t0;
	*nprocs = s.nprocs;
	*nrows = r.nrows;
	if (rc < 0)
		fprintf(stderr, "bench_live: %s\n", e.msg);
	ovc_live_report_free(&r);
	ovc_live_snap_free(&s);
	return rc < 0 ? -1.0 : now() - t0;
}

static void bench_live(void)
{
	double total[RUNS], rd[RUNS];
	size_t nprocs = 0, nrows = 0;

	for (int i = 0; i < RUNS; i++) {
		total[i] = live_once(&rd[i], &nprocs, &nrows);
		if (total[i] < 0)
			return;
	}
	printf("ovc_live_read + analyze: %zu pid directories, %zu processes with an mm\n",
	       nprocs, nrows);
	report("read /proc + memory cgroups", rd, RUNS);
	report("read + ovc_live_analyze", total, RUNS);
}

/* Read /proc/PID/name of every process, bytes only: the floor for a
 * reader of that file. Returns the wall time; *bytes the total read. */
static double read_all(const char *name, unsigned long long *bytes)
{
	static char buf[1 << 16];
	DIR *d = opendir("/proc");
	struct dirent *de;
	double t0 = now();
	char path[64];

	*bytes = 0;
	if (!d)
		return -1.0;
	while ((de = readdir(d))) {
		ssize_t r;
		int fd;

		if (de->d_name[0] < '1' || de->d_name[0] > '9')
			continue;
		snprintf(path, sizeof(path), "/proc/%.20s/%s", de->d_name, name);
		fd = open(path, O_RDONLY);
		if (fd < 0)
			continue;
		while ((r = read(fd, buf, sizeof(buf))) > 0)
			*bytes += (unsigned long long)r;
		close(fd);
	}
	closedir(d);
	return now() - t0;
}

static void bench_floor(void)
{
	static const char *const files[] = { "stat", "status", "smaps", "smaps_rollup" };

	for (size_t i = 0; i < sizeof(files) / sizeof(files[0]); i++) {
		double t[RUNS];
		unsigned long long bytes = 0;
		char label[64];

		for (int k = 0; k < RUNS; k++)
			t[k] = read_all(files[i], &bytes);
		snprintf(label, sizeof(label), "read every %s (%llu MB)", files[i], bytes >> 20);
		report(label, t, RUNS);
	}
}

/* argv with its output to /dev/null; the wall time, or -1 if it could not run. */
static double run_tool(char *const argv[])
{
	posix_spawn_file_actions_t fa;
	double t0 = now();
	pid_t pid;
	int st, rc;

	posix_spawn_file_actions_init(&fa);
	posix_spawn_file_actions_addopen(&fa, 1, "/dev/null", O_WRONLY, 0);
	posix_spawn_file_actions_addopen(&fa, 2, "/dev/null", O_WRONLY, 0);
	rc = posix_spawnp(&pid, argv[0], &fa, NULL, argv, environ);
	posix_spawn_file_actions_destroy(&fa);
	if (rc != 0 || waitpid(pid, &st, 0) < 0 || !WIFEXITED(st) || WEXITSTATUS(st) != 0)
		return -1.0;
	return now() - t0;
}

static void bench_tool(const char *label, char *const argv[])
{
	double t[RUNS];

	for (int i = 0; i < RUNS; i++) {
		t[i] = run_tool(argv);
		if (t[i] < 0) {
			printf("%-34s could not run\n", label);
			return;
		}
	}
	report(label, t, RUNS);
}

/* The ovc built beside this benchmark: O/bench/bench_live -> O/ovc. */
static int ovc_path(char *buf, size_t n)
{
	ssize_t len = readlink("/proc/self/exe", buf, n - 1);
	char *slash;

	if (len <= 0)
		return -1;
	buf[len] = '\0';
	slash = strrchr(buf, '/');
	if (slash)
		*slash = '\0';
	slash = strrchr(buf, '/');
	if (!slash || (size_t)(slash - buf) + sizeof("/ovc") > n)
		return -1;
	strcpy(slash, "/ovc");
	return access(buf, X_OK);
}

int main(void)
{
	static char ovc[4096];
	static char *status[] = { ovc, "status", NULL };
	static char *ps[] = { "ps", "aux", NULL };
	static char *top[] = { "top", "-b", "-n", "1", NULL };
	pid_t *pids = calloc(NCHILD, sizeof(*pids));
	size_t n;

	if (!pids)
		return 1;
	setvbuf(stdout, NULL, _IOLBF, 0);
	printf("pid_max %ld, threads-max %ld, CPUs %ld\n", read_long("/proc/sys/kernel/pid_max"),
	       read_long("/proc/sys/kernel/threads-max"), sysconf(_SC_NPROCESSORS_ONLN));
	raise_nproc();
	print_loadavg("before");
	n = start_children(pids, NCHILD);
	print_loadavg("with the children");
	bench_live();
	bench_floor();
	if (ovc_path(ovc, sizeof(ovc)) == 0)
		bench_tool("ovc status > /dev/null", status);
	bench_tool("ps aux > /dev/null", ps);
	bench_tool("top -b -n 1 > /dev/null", top);
	print_loadavg("after");
	stop_children(pids, n);
	free(pids);
	return 0;
}
