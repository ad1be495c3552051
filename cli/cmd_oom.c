/* cmd_oom.c - `ovc oom`: every process of this machine in the OOM killer's
 * order, with the parts of its badness and the kernel's oom_score beside
 * the model's.
 *
 * Exit: 0 shown (mismatches are counted, not failed); 1 /proc could not be
 * read; 2 usage error; 3 /proc's text could not be used.
 */
#include <getopt.h>
#include <string.h>

#include "cli/cli.h"
#include "live/live.h"
#include "render/live.h"

const char cmd_oom_usage[] =
	"usage: ovc oom [--proc-root DIR] [--sys-root DIR] [--cgroup PATH] [--json]\n"
	"\n"
	"Rank every process as the kernel's OOM killer would (select_bad_process),\n"
	"from the kernel's own inputs in /proc/PID/status: rss, swap, page tables,\n"
	"oom_score_adj and CAP_SYS_ADMIN, under the badness rule of this kernel's\n"
	"era. Each row shows /proc/PID/oom_score beside the score the model derives;\n"
	"rows that differ are flagged and counted.\n"
	"\n"
	"  -p, --proc-root DIR   read DIR instead of /proc (a fixture tree)\n"
	"      --sys-root DIR    read DIR instead of /sys (memory cgroups)\n"
	"  -g, --cgroup PATH     the OOM of memory cgroup PATH (\"/system.slice/x.service\"):\n"
	"                        its subtree's processes, with totalpages from its\n"
	"                        limit (mem_cgroup_out_of_memory); without a limit of\n"
	"                        its own, the nearest limited ancestor's OOM, or the\n"
	"                        global one\n"
	"  -j, --json            JSON instead of text\n"
	"  -h, --help            show this help\n"
	"\n"
	"Exit status: 0 shown, even with mismatches (their count is printed),\n"
	"1 /proc cannot be read, 2 usage error, 3 /proc's contents cannot be used\n"
	"or no process is in cgroup PATH.\n";

struct oom_opts {
	const char *root, *sys, *cgroup;
	int json;
};

static int oom_options(int argc, char **argv, struct cli_ctx *ctx, struct oom_opts *o)
{
	static const struct option longopts[] = {
		{ "proc-root", required_argument, NULL, 'p' },
		{ "sys-root", required_argument, NULL, 'S' },
		{ "cgroup", required_argument, NULL, 'g' },
		{ "json", no_argument, NULL, 'j' },
		{ "help", no_argument, NULL, 'h' },
		{ NULL, 0, NULL, 0 },
	};
	int c;

	memset(o, 0, sizeof(*o));
	optind = 0;
	opterr = 0;
	while ((c = getopt_long(argc, argv, ":p:g:jh", longopts, NULL)) != -1) {
		switch (c) {
		case 'p': o->root = optarg; break;
		case 'S': o->sys = optarg; break;
		case 'g': o->cgroup = optarg; break;
		case 'j': o->json = 1; break;
		case 'h': fputs(cmd_oom_usage, ctx->out); return CLI_EXIT_OK;
		case ':': return cli_usage_error(ctx, "oom", "option '%s' needs a value", argv[optind - 1]);
		default: return cli_usage_error(ctx, "oom", "unknown option '%s'", argv[optind - 1]);
		}
	}
	if (optind < argc)
		return cli_usage_error(ctx, "oom", "unexpected argument '%s'", argv[optind]);
	if (o->cgroup && o->cgroup[0] != '/')
		return cli_usage_error(ctx, "oom", "--cgroup: '%s' is not a path starting with /", o->cgroup);
	return -1;
}

/* --cgroup PATH: its index, and the OOM that would rank its processes:
 * its own when it is limited, else the nearest limited ancestor's, else
 * the global one (oom NULL). 3 when no process is in it or below. */
static int oom_scope(struct cli_ctx *ctx, const struct ovc_live_snap *s,
		     const struct ovc_live_report *r, struct ovc_live_oom_scope *sc)
{
	if (!sc->cgroup)
		return -1;
	if (!s->memcg_version) {
		sc->memcg = -1;
		return -1;
	}
	sc->memcg = ovc_live_memcg_find(s, sc->cgroup);
	if (sc->memcg < 0) {
		cli_error(ctx, "oom: no process is in cgroup %s (nor below it)", sc->cgroup);
		return CLI_EXIT_INPUT;
	}
	for (int cg = sc->memcg; cg >= 0 && !sc->oom; cg = s->memcgs[cg].parent)
		sc->oom = ovc_live_memcg_oom_of(r, cg);
	return -1;
}

int cmd_oom(int argc, char **argv, struct cli_ctx *ctx)
{
	struct ovc_live_snap s;
	struct ovc_live_report r;
	struct ovc_live_oom_scope sc = { .memcg = -1 };
	struct oom_opts o;
	int rc = oom_options(argc, argv, ctx, &o);

	if (rc >= 0)
		return rc;
	memset(&r, 0, sizeof(r));
	rc = cli_live_load(ctx, "oom", o.root, o.sys, &s, &r);
	sc.cgroup = o.cgroup;
	if (rc < 0)
		rc = oom_scope(ctx, &s, &r, &sc);
	if (rc < 0)
		rc = (o.json ? ovc_render_live_oom_json(ctx->out, &s, &r, &sc)
			     : ovc_render_live_oom_text(ctx->out, &s, &r, &sc)) ? CLI_EXIT_FAIL
										: CLI_EXIT_OK;
	ovc_live_report_free(&r);
	ovc_live_snap_free(&s);
	return rc;
}
