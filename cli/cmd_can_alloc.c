/* cmd_can_alloc.c - `ovc can-alloc SIZE`: would a private writable mmap of
 * SIZE pass the commit test now, for a process or a user, and why.
 *
 * mmap_region charges a private writable mapping through
 * security_vm_enough_memory_mm(current->mm, pages): the same
 * __vm_enough_memory test a fork runs with its charge. So the request is
 * asked as the fork of a process whose charge is SIZE: the process itself
 * (--pid: its total_vm and CAP_SYS_ADMIN), or a new one of --uid (admin if
 * the uid is 0; total_vm 0, so no per-process cut).
 *
 * Exit: 0 it would pass; 1 it would fail (or /proc cannot be read); 2 usage
 * error; 3 no such process (or /proc's text cannot be used).
 */
#include <getopt.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "cli/cli.h"
#include "live/live.h"
#include "ovc/units.h"
#include "render/live.h"

const char cmd_can_alloc_usage[] =
	"usage: ovc can-alloc SIZE [--pid PID | --uid UID] [--proc-root DIR] [--sys-root DIR] [--json]\n"
	"\n"
	"Would a private writable mmap of SIZE (\"512M\", \"2G\", \"300 pages\") pass the\n"
	"kernel's overcommit test now? Shows the arithmetic with this machine's numbers.\n"
	"CAP_SYS_ADMIN (which may use the admin reserve) comes from the process's CapEff\n"
	"with --pid, or from uid 0 with --uid (default: your uid).\n"
	"\n"
	"  -P, --pid PID         the process that maps (its total_vm sets the user cut)\n"
	"  -u, --uid UID         a new process of this user\n"
	"  -p, --proc-root DIR   read DIR instead of /proc (a fixture tree)\n"
	"      --sys-root DIR    read DIR instead of /sys (memory cgroups)\n"
	"  -j, --json            JSON instead of text\n"
	"  -h, --help            show this help\n"
	"\n"
	"Exit status: 0 the mapping would be admitted, 1 it would fail, 2 usage error,\n"
	"3 no such process.\n";

struct alloc_opts {
	const char *root, *sys;
	int json, pid;
	long long uid;		/* -1: not given */
	uint64_t bytes;
};

static int alloc_number(struct cli_ctx *ctx, const char *what, const char *arg, long long *v)
{
	char *end;

	*v = strtoll(arg, &end, 10);
	if (*end || end == arg || *v < 0 || *v > INT32_MAX)
		return cli_usage_error(ctx, "can-alloc", "%s: '%s' is not a number", what, arg);
	return 0;
}

static int alloc_args(int argc, char **argv, struct cli_ctx *ctx, struct alloc_opts *o)
{
	size_t used;

	if (o->pid && o->uid >= 0)
		return cli_usage_error(ctx, "can-alloc", "--pid and --uid exclude each other");
	if (optind + 1 != argc)
		return cli_usage_error(ctx, "can-alloc", optind < argc ? "only one SIZE, please" : "no SIZE given");
	if (ovc_size_parse(argv[optind], strlen(argv[optind]), 4096, &o->bytes, &used) < 0 ||
	    argv[optind][used] || !o->bytes)
		return cli_usage_error(ctx, "can-alloc", "'%s' is not a size", argv[optind]);
	return -1;
}

static int alloc_options(int argc, char **argv, struct cli_ctx *ctx, struct alloc_opts *o)
{
	static const struct option longopts[] = {
		{ "pid", required_argument, NULL, 'P' },
		{ "uid", required_argument, NULL, 'u' },
		{ "proc-root", required_argument, NULL, 'p' },
		{ "sys-root", required_argument, NULL, 'S' },
		{ "json", no_argument, NULL, 'j' },
		{ "help", no_argument, NULL, 'h' },
		{ NULL, 0, NULL, 0 },
	};
	long long v;
	int c;

	memset(o, 0, sizeof(*o));
	o->uid = -1;
	optind = 0;
	opterr = 0;
	while ((c = getopt_long(argc, argv, ":P:u:p:jh", longopts, NULL)) != -1) {
		switch (c) {
		case 'P':
			if (alloc_number(ctx, "--pid", optarg, &v) || !v)
				return CLI_EXIT_USAGE;
			o->pid = (int)v;
			break;
		case 'u':
			if (alloc_number(ctx, "--uid", optarg, &o->uid))
				return CLI_EXIT_USAGE;
			break;
		case 'p': o->root = optarg; break;
		case 'S': o->sys = optarg; break;
		case 'j': o->json = 1; break;
		case 'h': fputs(cmd_can_alloc_usage, ctx->out); return CLI_EXIT_OK;
		case ':': return cli_usage_error(ctx, "can-alloc", "option '%s' needs a value", argv[optind - 1]);
		default: return cli_usage_error(ctx, "can-alloc", "unknown option '%s'", argv[optind - 1]);
		}
	}
	return alloc_args(argc, argv, ctx, o);
}

/* ------------------------------------------------------------------ */

/* The mapping process: PID as it is, or a new process of the uid. */
static int alloc_who(struct cli_ctx *ctx, const struct alloc_opts *o, const struct ovc_live_snap *s,
		     struct ovc_live_proc *q, char *why, size_t n)
{
	memset(q, 0, sizeof(*q));
	for (size_t i = 0; o->pid && i < s->nprocs; i++)
		if (s->procs[i].pid == o->pid)
			*q = s->procs[i];
	if (o->pid && (!q->pid || q->kthread || q->zombie)) {
		cli_error(ctx, "can-alloc: no such process (with an address space): %d", o->pid);
		return CLI_EXIT_INPUT;
	}
	if (o->pid) {
		snprintf(why, n, "CapEff of pid %d", o->pid);
	} else {
		q->uid = o->uid >= 0 ? (uint32_t)o->uid : (uint32_t)getuid();
		q->pid = -1;
		snprintf(q->comm, sizeof(q->comm), "(new, uid %u)", q->uid);
		q->cap_sys_admin = q->uid == 0;
		q->oom_score = -1;
		snprintf(why, n, "uid %u", q->uid);
	}
	q->seen |= OVC_LIVE_SMAPS | OVC_LIVE_STATUS;
	return -1;
}

/* The analysis of a snapshot holding only the mapping process, whose
 * "fork charge" is the request. */
static int alloc_run(struct cli_ctx *ctx, const struct alloc_opts *o, const struct ovc_live_snap *s,
		     uint64_t self_kb)
{
	struct ovc_live_snap one = *s;
	struct ovc_live_report r;
	struct ovc_live_proc q;
	struct ovc_err e = { 0 };
	uint64_t ps = s->page_size ? s->page_size : 4096;
	char why[64];
	int rc = alloc_who(ctx, o, s, &q, why, sizeof(why));
	struct ovc_live_fix fix = { .min_ratio = -1, .max_kb = UINT64_MAX, .op = "mmap",
				    .why_admin = why, .self_kb = self_kb };

	if (rc >= 0)
		return rc;
	q.fork_charge = fix.charge_kb = (o->bytes + ps - 1) / ps * (ps / 1024);
	q.fork_largest = q.fork_charge;	/* one mapping */
	one.procs = &q;
	one.nprocs = 1;
	if (ovc_live_analyze(&one, NULL, 0, &r, &e) < 0) {
		cli_error(ctx, "can-alloc: %s", e.msg);
		return CLI_EXIT_FAIL;
	}
	rc = o->json ? ovc_render_live_admit_json(ctx->out, &one, &r, 0, &fix)
		     : ovc_render_live_admit_text(ctx->out, &one, &r, 0, &fix);
	rc = rc ? CLI_EXIT_FAIL : r.rows[0].fork_ok == 1 ? CLI_EXIT_OK : CLI_EXIT_FAIL;
	ovc_live_report_free(&r);
	return rc;
}

int cmd_can_alloc(int argc, char **argv, struct cli_ctx *ctx)
{
	struct ovc_live_snap s;
	struct alloc_opts o;
	int rc = alloc_options(argc, argv, ctx, &o);

	if (rc >= 0)
		return rc;
	rc = cli_live_read(ctx, "can-alloc", o.root, o.sys, &s);
	if (rc >= 0) {
		ovc_live_snap_free(&s);
		return rc;
	}
	rc = alloc_run(ctx, &o, &s, cli_live_discount_self(o.root, &s));
	ovc_live_snap_free(&s);
	return rc;
}
