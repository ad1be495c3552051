/* bench_oom.c - how fast the OOM killer selects and kills on machines of real size.
 *
 * Prints figures, asserts nothing. Workloads:
 *  - selection: a 64 GiB machine with 100k processes of 1-64 resident
 *    pages each, varied oom_score_adj (1% at -1000), 1% kernel threads,
 *    in groups of a parent and its children; select_bad_process() alone,
 *    through ovc_oom_rank() with no rows (which adds one cheap pass over
 *    the task table), run up to SEL_RUNS times within SEL_BUDGET_S (at
 *    least once), on 6.1 and on 2.6.32 (whose badness() walks every
 *    task's children); then, unless a selection took FULL_OOM_MAX_MS,
 *    one whole ovc_out_of_memory() with no faulting task (selection,
 *    report rows, the kill). The target: under 10 ms each;
 *  - kills: a machine just big enough for 10k processes of 1-3 MiB each
 *    and a -1000 ballast that fills what is left, overcommit_memory=1;
 *    new 1-3 MiB processes keep being started and written, each fault
 *    running the killer, until it has killed KILLS times (counted by
 *    m.oom_kill_count, /proc/vmstat oom_kill). The event log is left as
 *    a library user who never clears it would leave it (256 events).
 *    The target: seconds.
 * Each part runs in a child process so that its peak RSS (ru_maxrss from
 * wait4) is its own.
 */
#include <stdio.h>
#include <stdlib.h>
#include <sys/resource.h>
#include <sys/types.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "ovc/oom.h"
#include "ovc/ops.h"

#ifndef SEL_TASKS
#define SEL_TASKS 100000
#endif
#ifndef KILL_TASKS
#define KILL_TASKS 10000
#endif
enum { SEL_RUNS = 50, SEL_BUDGET_S = 20, FULL_OOM_MAX_MS = 2000, KILLS = 1000, GROUP = 16 };

static double now(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

/* CPU time of this thread: the machine is shared, wall time is not all ours. */
static double cpu_now(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_THREAD_CPUTIME_ID, &ts);
	return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

static uint64_t rnd(uint64_t *s)
{
	*s ^= *s << 13;
	*s ^= *s >> 7;
	*s ^= *s << 17;
	return *s;
}

static void boot(struct ovc_machine *m, const char *kver, uint64_t ram_kb)
{
	struct ovc_config c;
	struct ovc_profile p;

	ovc_config_default(&c);
	c.ram_kb = ram_kb;
	c.ncpus = 64;
	c.vm.overcommit_memory = 1;	/* every mmap admitted: faults decide */
	if (ovc_profile_for(kver, &p, NULL) || ovc_machine_init(m, &c, &p, NULL)) {
		fprintf(stderr, "bench: cannot build the %s machine\n", kver);
		exit(1);
	}
}

/* A task; with pages > 0, a private anonymous mapping of that many pages,
 * all written. Returns the task, and in *r the touch's result. */
static int spawn(struct ovc_machine *m, const struct ovc_task_spec *s, uint64_t pages,
		 struct ovc_result *r)
{
	struct ovc_mmap_req q = { .len = pages * 4096, .prot = OVC_PROT_READ | OVC_PROT_WRITE,
				  .flags = OVC_MAP_PRIVATE | OVC_MAP_ANONYMOUS };
	int tid;

	*r = (struct ovc_result){ 0 };
	if (ovc_task_create(m, s, &tid, NULL)) {
		fprintf(stderr, "bench: cannot create a task\n");
		exit(1);
	}
	if (!pages)
		return tid;
	if (ovc_mmap(m, tid, &q, r) || r->err) {
		fprintf(stderr, "bench: mmap refused (errno %d)\n", r->err);
		exit(1);
	}
	q.addr = r->addr;
	*r = (struct ovc_result){ 0 };
	ovc_touch(m, tid, q.addr, q.len, 1, r);
	return tid;
}

/* 1% -1000, 20% anywhere in [-999, 1000], the rest 0. */
static int16_t pick_adj(uint64_t x)
{
	if (x % 100 == 0)
		return OVC_OOM_SCORE_ADJ_MIN;
	if (x % 100 <= 20)
		return (int16_t)((int)((x >> 8) % 2000) - 999);
	return 0;
}

/* init, then n - 1 tasks: every 100th a kernel thread, the others in
 * groups of a parent (a child of init) and GROUP - 1 children. */
static void populate(struct ovc_machine *m, int n, uint64_t *seed)
{
	struct ovc_task_spec s = { .comm = "init", .parent = -1, .uid = 0, .admin = 1 };
	struct ovc_result r;
	int head = 0;

	spawn(m, &s, 16, &r);
	for (int i = 1; i < n; i++) {
		uint64_t x = rnd(seed);

		m->uptime_s = (uint64_t)i / 8;	/* varied run_time (2.6.32) */
		s = (struct ovc_task_spec){ .comm = "worker", .parent = head, .uid = 1000,
					    .oom_score_adj = pick_adj(x), .cpu = (unsigned)i,
					    .nice = (int8_t)((x >> 40) % 5),
					    .cpu_time_ms = (x >> 20) % 600000 };
		if (i % 100 == 0) {
			s = (struct ovc_task_spec){ .comm = "kworker", .parent = -1,
						    .kthread = 1, .admin = 1 };
			spawn(m, &s, 0, &r);
			continue;
		}
		if (i % GROUP == 1) {
			s.parent = 0;
			head = spawn(m, &s, 1 + x % 64, &r);
		} else {
			spawn(m, &s, 1 + x % 64, &r);
		}
	}
	m->uptime_s = 86400;
}

static int cmp_double(const void *a, const void *b)
{
	double x = *(const double *)a, y = *(const double *)b;

	return (x > y) - (x < y);
}

/* One whole invocation: the selection, the report's rows, the kill. */
static void full_oom(struct ovc_machine *m, const char *kver)
{
	const struct ovc_oom_event *ev;
	double t0 = now(), t1;
	size_t n;

	ovc_out_of_memory(m, -1, -1);
	t1 = now();
	ev = ovc_oom_events(m, &n);
	if (!n || !ev[n - 1].nkills) {
		printf("select %s: ovc_out_of_memory killed nothing (%.3f ms)\n", kver,
		       (t1 - t0) * 1000);
		return;
	}
	ev += n - 1;
	printf("select %s: one ovc_out_of_memory (selection, %zu report rows, kill) in %.3f ms:"
	       " killed pid %d, %lld points, %llu kB anon\n", kver, ev->nrows, (t1 - t0) * 1000,
	       ev->kills[0].pid, (long long)ev->chosen_points,
	       (long long unsigned)ev->kills[0].anon_rss_kb);
}

static double median(double *v, int n)
{
	qsort(v, (size_t)n, sizeof(v[0]), cmp_double);
	return (v[(n - 1) / 2] + v[n / 2]) / 2;
}

static void bench_select(const char *kver)
{
	static double ms[SEL_RUNS], cpu_ms[SEL_RUNS];
	struct ovc_machine m;
	uint64_t seed = 88172645463325252ull;
	size_t procs = 0;
	int runs = 0, chosen;
	double t0, t1, c0, spent = 0, med;

	boot(&m, kver, 64ull << 20);	/* 64 GiB */
	t0 = now();
	populate(&m, SEL_TASKS, &seed);
	printf("select %s: %d tasks built in %.3f s (%.1f MiB anonymous in the modelled machine)\n",
	       kver, SEL_TASKS, now() - t0, (double)ovc_pages_to_kb(&m, m.phys.anon) / 1024);
	fflush(stdout);
	while (runs < SEL_RUNS && (runs == 0 || spent < SEL_BUDGET_S)) {
		t0 = now();
		c0 = cpu_now();
		procs = ovc_oom_rank(&m, -1, NULL, 0, &chosen);
		cpu_ms[runs] = (cpu_now() - c0) * 1000;
		t1 = now();
		ms[runs++] = (t1 - t0) * 1000;
		spent += t1 - t0;
	}
	med = median(ms, runs);
	printf("select %s: %d selections over %zu processes%s: min %.3f median %.3f max %.3f ms"
	       " (%.0f tasks/s at the median; median CPU time %.3f ms)\n", kver, runs, procs,
	       runs < SEL_RUNS ? " (time budget spent)" : "", ms[0], med,
	       ms[runs - 1], (double)SEL_TASKS / (med / 1000), median(cpu_ms, runs));
	fflush(stdout);

	if (med > FULL_OOM_MAX_MS)
		printf("select %s: full ovc_out_of_memory skipped (selection over %d ms)\n",
		       kver, FULL_OOM_MAX_MS);
	else
		full_oom(&m, kver);
	ovc_machine_free(&m);
}

/* Sizes of what the event log holds (the kernel log the reports print). */
static void log_size(const struct ovc_machine *m)
{
	size_t n, rows = 0, kills = 0;
	const struct ovc_oom_event *ev = ovc_oom_events(m, &n);

	for (size_t i = 0; i < n; i++) {
		rows += ev[i].nrows;
		kills += ev[i].nkills;
	}
	printf("kills: event log holds %zu events (%llu dropped), %zu task rows, %zu kill lines:"
	       " %.1f MiB\n", n, (long long unsigned)m->oom_log.dropped, rows, kills,
	       (double)(n * sizeof(*ev) + rows * sizeof(*ev->rows) +
			kills * sizeof(*ev->kills)) / (1 << 20));
}

static size_t live_procs(const struct ovc_machine *m)
{
	size_t n = 0;

	for (size_t i = 0; i < m->ntasks; i++)
		n += m->tasks[i].state == OVC_TASK_RUNNING && m->tasks[i].leader == (int)i;
	return n;
}

static double time_select(const struct ovc_machine *m)
{
	double t0 = now();
	int chosen;

	ovc_oom_rank(m, -1, NULL, 0, &chosen);
	return (now() - t0) * 1000;
}

static void bench_kills(const char *kver)
{
	struct ovc_machine m;
	struct ovc_task_spec s = { .comm = "init", .parent = -1, .uid = 0, .admin = 1 };
	struct ovc_result r;
	uint64_t seed = 0x9e3779b97f4a7c15ull, k0, kills, room, reported = 0, events0;
	long spawned = 0;
	double t0, c0, secs, cpu, sel0;
	int ballast;

	/* 1-3 MiB each: 2 MiB on average, plus 256 MiB of slack. */
	boot(&m, kver, (uint64_t)KILL_TASKS * 2048 + (256u << 10));
	spawn(&m, &s, 16, &r);
	for (int i = 1; i < KILL_TASKS; i++) {
		uint64_t x = rnd(&seed);

		s = (struct ovc_task_spec){ .comm = "worker", .parent = 0, .uid = 1000,
					    .oom_score_adj = pick_adj(x), .cpu = (unsigned)i };
		spawn(&m, &s, 256 + x % 513, &r);
	}
	/* The ballast takes what is left above the min watermark. */
	room = m.phys.free > m.phys.min_wmark ? m.phys.free - m.phys.min_wmark : 0;
	s = (struct ovc_task_spec){ .comm = "ballast", .parent = 0, .uid = 0, .admin = 1,
				    .oom_score_adj = OVC_OOM_SCORE_ADJ_MIN };
	ballast = spawn(&m, &s, room, &r);
	k0 = m.oom_kill_count;
	events0 = m.oom_log.seq;
	sel0 = time_select(&m);
	printf("kills: %zu processes (ballast %d: %llu pages), %llu free pages, %llu kills so far;"
	       " one selection %.3f ms\n", live_procs(&m), ballast, (long long unsigned)room,
	       (long long unsigned)m.phys.free, (long long unsigned)k0, sel0);
	fflush(stdout);

	t0 = now();
	c0 = cpu_now();
	while (m.oom_kill_count - k0 < KILLS && !m.panicked && spawned < 100 * KILLS) {
		uint64_t x = rnd(&seed);

		s = (struct ovc_task_spec){ .comm = "newcomer", .parent = 0, .uid = 1000,
					    .oom_score_adj = pick_adj(x), .cpu = (unsigned)x };
		spawn(&m, &s, 256 + x % 513, &r);
		reported += r.oom_kills;
		spawned++;
	}
	cpu = cpu_now() - c0;
	secs = now() - t0;
	kills = m.oom_kill_count - k0;
	printf("kills: %llu kills (%llu by the touches' results, %llu OOM invocations) for %ld"
	       " new processes in %.3f s (CPU %.3f s): %.1f kills/s, %.2f ms per kill%s\n",
	       (long long unsigned)kills, (long long unsigned)reported,
	       (long long unsigned)(m.oom_log.seq - events0), spawned, secs, cpu,
	       (double)kills / secs, kills ? secs * 1000 / (double)kills : 0,
	       m.panicked ? " (panicked)" : "");
	printf("kills: afterwards %zu live processes in a table of %zu tasks; one selection %.3f ms"
	       " (%.3f ms before)\n", live_procs(&m), m.ntasks, time_select(&m), sel0);
	log_size(&m);
	ovc_machine_free(&m);
}

/* Run part in a child: its peak RSS is then its own. */
static void measured(const char *name, void (*part)(const char *), const char *arg)
{
	struct rusage ru;
	int status;
	pid_t pid;

	fflush(stdout);
	pid = fork();
	if (pid < 0) {
		perror("bench: fork");
		exit(1);
	}
	if (pid == 0) {
		part(arg);
		fflush(stdout);
		_exit(0);
	}
	if (wait4(pid, &status, 0, &ru) < 0 || !WIFEXITED(status) || WEXITSTATUS(status)) {
		fprintf(stderr, "bench: %s failed\n", name);
		exit(1);
	}
	printf("%s: peak RSS %.1f MiB\n", name, (double)ru.ru_maxrss / 1024);
}

int main(void)
{
	measured("select 6.1", bench_select, "6.1");
	measured("select 2.6.32", bench_select, "2.6.32");
	measured("kills 6.1", bench_kills, "6.1");
	return 0;
}
