/* bench_model.c - how fast the model runs on machines of real size.
 *
 * Prints figures, asserts nothing. Workloads: 100k tasks each exec'ing an
 * image; one task with vm.max_map_count (65530) VMAs, its bytes per VMA,
 * and forking it repeatedly; 10 M mixed operations (mmap, munmap,
 * mprotect, touch) on a task with a few thousand VMAs.
 */
#include <stdio.h>
#include <stdlib.h>
#include <time.h>

#include "ovc/ops.h"
#include "ovc/view.h"

static double now(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

static void boot(struct ovc_machine *m, int policy)
{
	struct ovc_config c;
	struct ovc_profile p;

	ovc_config_default(&c);
	c.ram_kb = 1ull << 30;		/* 1 TiB */
	c.ncpus = 64;
	c.vm.overcommit_memory = policy;
	c.vm.max_map_count = 65530;
	if (ovc_profile_for("6.1", &p, NULL) || ovc_machine_init(m, &c, &p, NULL)) {
		fprintf(stderr, "bench: cannot build the machine\n");
		exit(1);
	}
}

static int spawn(struct ovc_machine *m, int i)
{
	struct ovc_task_spec s = { .comm = "worker", .parent = -1, .uid = 1000,
				   .admin = 0, .cpu = (unsigned)i };
	int tid;

	if (ovc_task_create(m, &s, &tid, NULL))
		exit(1);
	return tid;
}

static void bench_tasks(void)
{
	struct ovc_machine m;
	struct ovc_image img;
	double t0;
	int n = 100000;

	boot(&m, 0);
	ovc_image_default(&img);
	t0 = now();
	for (int i = 0; i < n; i++) {
		struct ovc_result r = { 0 };
		ovc_execve(&m, spawn(&m, i), &img, &r);
	}
	printf("tasks: %d tasks created and exec'd in %.3f s (%.0f tasks/s)\n",
	       n, now() - t0, n / (now() - t0));
	ovc_machine_free(&m);
}

static void bench_max_map_count(void)
{
	struct ovc_machine m;
	struct ovc_mmap_req q = { .len = 4096, .flags = OVC_MAP_PRIVATE | OVC_MAP_ANONYMOUS };
	int app, forks = 50;
	double t0, t1;
	size_t vmas;

	boot(&m, 1);
	app = spawn(&m, 0);
	t0 = now();
	for (int i = 0; i < 65530; i++) {
		struct ovc_result r = { 0 };

		/* Alternate protections so that neighbours never merge. */
		q.prot = i & 1 ? OVC_PROT_READ : OVC_PROT_READ | OVC_PROT_WRITE;
		ovc_mmap(&m, app, &q, &r);
	}
	t1 = now();
	vmas = m.tasks[app].mm->vmas.count;
	printf("vmas: %zu VMAs mapped in %.3f s (%.0f mmaps/s), %.1f bytes per VMA (%zu-byte struct)\n",
	       vmas, t1 - t0, (double)vmas / (t1 - t0),
	       (double)m.vma_pool.bytes / (double)m.vma_pool.live, sizeof(struct ovc_vma));
	t0 = now();
	for (int i = 0; i < forks; i++) {
		struct ovc_result r = { 0 };

		ovc_fork(&m, app, OVC_CLONE_FORK, &r);
		ovc_exit(&m, r.child, &r);
	}
	t1 = now();
	printf("fork: %d forks+exits of a %zu-VMA task in %.3f s (%.1f ms each, %.0f VMAs copied/s)\n",
	       forks, vmas, t1 - t0, (t1 - t0) * 1000 / forks,
	       (double)vmas * forks / (t1 - t0));
	ovc_machine_free(&m);
}

static uint64_t rnd(uint64_t *s)
{
	*s ^= *s << 13;
	*s ^= *s >> 7;
	*s ^= *s << 17;
	return *s;
}

static void bench_ops(void)
{
	struct ovc_machine m;
	uint64_t seed = 88172645463325252ull, base, slots = 4096;
	long ops = 10000000;
	int app;
	double t0, t1;

	boot(&m, 2);
	app = spawn(&m, 0);
	base = 0x100000000ull;
	t0 = now();
	for (long i = 0; i < ops; i++) {
		struct ovc_result r = { 0 };
		uint64_t x = rnd(&seed), addr = base + (x % slots) * 2 * 4096;

		switch ((x >> 32) % 4) {
		case 0: {
			struct ovc_mmap_req q = { .addr = addr, .len = 4096,
						  .prot = OVC_PROT_READ | OVC_PROT_WRITE,
						  .flags = OVC_MAP_PRIVATE | OVC_MAP_ANONYMOUS | OVC_MAP_FIXED };
			ovc_mmap(&m, app, &q, &r);
			break;
		}
		case 1:
			ovc_munmap(&m, app, addr, 4096, &r);
			break;
		case 2:
			ovc_mprotect(&m, app, addr, 4096, OVC_PROT_READ, &r);
			break;
		case 3:
			ovc_touch(&m, app, addr, 4096, 1, &r);
			break;
		}
	}
	t1 = now();
	printf("ops: %ld mixed mmap/munmap/mprotect/touch in %.3f s: %.2f M ops/s (%zu VMAs at the end)\n",
	       ops, t1 - t0, ops / (t1 - t0) / 1e6, m.tasks[app].mm->vmas.count);
	ovc_machine_free(&m);
}

int main(void)
{
	bench_tasks();
	bench_max_map_count();
	bench_ops();
	return 0;
}
