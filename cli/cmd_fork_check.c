/* cmd_fork_check.c - `ovc fork-check PID`: would fork() of PID pass the
 * commit test now, with the kernel's arithmetic, and what would make it.
 *
 * Exit: 0 it would pass; 1 it would fail (or its charge cannot be read,
 * or /proc cannot be read); 2 usage error; 3 no such process (or /proc's
 * text cannot be used).
 */
#include <getopt.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "cli/cli.h"
#include "live/live.h"
#include "render/live.h"

/* The largest ratio tried when looking for the smallest that passes. */
#define FORK_RATIO_MAX 1000000

const char cmd_fork_check_usage[] =
	"usage: ovc fork-check PID [--proc-root DIR] [--sys-root DIR] [--json]\n"
	"\n"
	"Would fork() of process PID pass the kernel's overcommit test now? dup_mmap\n"
	"charges every private writable mapping not marked MADV_DONTFORK (smaps\n"
	"VmFlags ac, not dc) through __vm_enough_memory. Shows the arithmetic with\n"
	"this machine's numbers and, if it fails, what would make it pass: another\n"
	"policy, the smallest vm.overcommit_ratio, a smaller charge (MADV_DONTFORK),\n"
	"or vfork()/posix_spawn().\n"
	"\n"
	"  -p, --proc-root DIR   read DIR instead of /proc (a fixture tree)\n"
	"      --sys-root DIR    read DIR instead of /sys (memory cgroups)\n"
	"  -j, --json            JSON instead of text\n"
	"  -h, --help            show this help\n"
	"\n"
	"Reading another user's smaps needs root.\n"
	"\n"
	"Exit status: 0 the fork would pass, 1 it would fail (or its charge cannot\n"
	"be read), 2 usage error, 3 no such process.\n";

struct fork_opts {
	const char *root, *sys;
	int json, pid;
};

static int fork_options(int argc, char **argv, struct cli_ctx *ctx, struct fork_opts *o)
{
	static const struct option longopts[] = {
		{ "proc-root", required_argument, NULL, 'p' },
		{ "sys-root", required_argument, NULL, 'S' },
		{ "json", no_argument, NULL, 'j' },
		{ "help", no_argument, NULL, 'h' },
		{ NULL, 0, NULL, 0 },
	};
	char *end;
	long v;
	int c;

	memset(o, 0, sizeof(*o));
	optind = 0;
	opterr = 0;
	while ((c = getopt_long(argc, argv, ":p:jh", longopts, NULL)) != -1) {
		switch (c) {
		case 'p': o->root = optarg; break;
		case 'S': o->sys = optarg; break;
		case 'j': o->json = 1; break;
		case 'h': fputs(cmd_fork_check_usage, ctx->out); return CLI_EXIT_OK;
		case ':': return cli_usage_error(ctx, "fork-check", "option '%s' needs a value", argv[optind - 1]);
		default: return cli_usage_error(ctx, "fork-check", "unknown option '%s'", argv[optind - 1]);
		}
	}
	if (optind + 1 != argc)
		return cli_usage_error(ctx, "fork-check", optind < argc ? "only one PID, please" : "no PID given");
	v = strtol(argv[optind], &end, 10);
	if (*end || end == argv[optind] || v <= 0 || v > INT32_MAX)
		return cli_usage_error(ctx, "fork-check", "'%s' is not a process id", argv[optind]);
	o->pid = (int)v;
	return -1;
}

/* ------------------------------------------------------------------ */
/* Probes: the analysis of a snapshot holding only the process          */

/* Would the fork of p pass with these overrides? 1, 0, -1 unknown, or
 * -2 when the model refused to run. */
static int probe(const struct ovc_live_snap *s, const struct ovc_live_proc *p,
		 const struct ovc_live_set *set, size_t n)
{
	struct ovc_live_snap one = *s;
	struct ovc_live_report r;
	int ok;

	one.procs = (struct ovc_live_proc *)p;
	one.nprocs = 1;
	if (ovc_live_analyze(&one, set, n, &r, NULL) < 0)
		return -2;
	ok = r.nrows ? r.rows[0].fork_ok : -1;
	ovc_live_report_free(&r);
	return ok;
}

/* The smallest vm.overcommit_ratio under which the fork passes (policy
 * 2 only: the ratio plays no part in the others), -1 if none up to
 * FORK_RATIO_MAX. Passing is monotonic in the ratio: bisect. */
static int64_t min_ratio(const struct ovc_live_snap *s, const struct ovc_live_proc *p)
{
	struct ovc_live_set set = { OVC_SYSCTL_OVERCOMMIT_RATIO, FORK_RATIO_MAX };
	int64_t lo = 0, hi = FORK_RATIO_MAX;

	if (s->sysctl[OVC_SYSCTL_OVERCOMMIT_MEMORY] != 2 || probe(s, p, &set, 1) != 1)
		return -1;
	while (lo < hi) {
		set.value = lo + (hi - lo) / 2;
		if (probe(s, p, &set, 1) == 1)
			hi = set.value;
		else
			lo = set.value + 1;
	}
	return lo;
}

/* The largest fork charge (kB, whole pages) that passes now. */
static uint64_t max_charge(const struct ovc_live_snap *s, const struct ovc_live_proc *p)
{
	struct ovc_live_proc q = *p;
	uint64_t kpp = (s->page_size ? s->page_size : 4096) / 1024;
	uint64_t lo = 0, hi = p->fork_charge / kpp;

	q.fork_charge = q.fork_largest = 0;
	q.fork_maps = NULL;	/* one mapping of the size tried */
	q.nfork_maps = 0;
	if (probe(s, &q, NULL, 0) != 1)
		return 0;
	while (lo < hi) {
		uint64_t mid = lo + (hi - lo + 1) / 2;

		/* as one mapping: under GUESS the largest mapping decides */
		q.fork_charge = q.fork_largest = mid * kpp;
		if (probe(s, &q, NULL, 0) == 1)
			lo = mid;
		else
			hi = mid - 1;
	}
	return lo * kpp;
}

/* ------------------------------------------------------------------ */

static const struct ovc_live_proc *find_proc(const struct ovc_live_snap *s, int pid)
{
	for (size_t i = 0; i < s->nprocs; i++)
		if (s->procs[i].pid == pid)
			return &s->procs[i];
	return NULL;
}

static int fork_render(struct cli_ctx *ctx, const struct fork_opts *o, const struct ovc_live_snap *s,
		       const struct ovc_live_proc *p, uint64_t self_kb)
{
	struct ovc_live_snap one = *s;
	struct ovc_live_report r;
	struct ovc_live_fix fix = { .min_ratio = -1, .max_kb = UINT64_MAX,
				    .charge_kb = p->fork_charge, .op = "fork",
				    .self_kb = self_kb };
	struct ovc_err e = { 0 };
	int rc;

	one.procs = (struct ovc_live_proc *)p;
	one.nprocs = 1;
	if (ovc_live_analyze(&one, NULL, 0, &r, &e) < 0) {
		cli_error(ctx, "fork-check: %s", e.msg);
		return CLI_EXIT_FAIL;
	}
	if (r.rows[0].fork_ok == 0) {
		fix.min_ratio = min_ratio(s, p);
		fix.max_kb = max_charge(s, p);
	}
	rc = o->json ? ovc_render_live_admit_json(ctx->out, &one, &r, 0, &fix)
		     : ovc_render_live_admit_text(ctx->out, &one, &r, 0, &fix);
	if (!rc)
		rc = r.rows[0].fork_ok == 1 ? CLI_EXIT_OK : CLI_EXIT_FAIL;
	else
		rc = CLI_EXIT_FAIL;
	ovc_live_report_free(&r);
	return rc;
}

int cmd_fork_check(int argc, char **argv, struct cli_ctx *ctx)
{
	struct ovc_live_snap s;
	const struct ovc_live_proc *p;
	struct fork_opts o;
	int rc = fork_options(argc, argv, ctx, &o);

	if (rc >= 0)
		return rc;
	rc = cli_live_read(ctx, "fork-check", o.root, o.sys, &s);
	if (rc >= 0) {
		ovc_live_snap_free(&s);
		return rc;
	}
	p = find_proc(&s, o.pid);
	if (!p || p->kthread || p->zombie) {
		cli_error(ctx, "fork-check: %s %d", !p ? "no such process:" :
			  p->kthread ? "kernel thread (no address space to fork):" : "zombie:", o.pid);
		rc = CLI_EXIT_INPUT;
	} else {
		/* asked about itself, ovc's charge is the parent's own */
		uint64_t self = o.pid == (int)getpid() ? 0 : cli_live_discount_self(o.root, &s);

		rc = fork_render(ctx, &o, &s, p, self);
	}
	ovc_live_snap_free(&s);
	return rc;
}
