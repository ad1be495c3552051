/* cmd_status.c - `ovc status`: this machine's commit headroom, forks at
 * risk and next OOM victims, as the model reads them from /proc.
 *
 * Exit: 0 shown; 1 /proc could not be read or the model failed; 2 usage
 * error; 3 /proc's text could not be used (meminfo, osrelease).
 */
#include <getopt.h>
#include <string.h>

#include "cli/cli.h"
#include "live/live.h"
#include "ovc/units.h"
#include "render/live.h"

#define STATUS_MAX_CRITICAL 32

const char cmd_status_usage[] =
	"usage: ovc status [--proc-root DIR] [--sys-root DIR] [--critical NAME]... [--fork-min SIZE] [--json]\n"
	"\n"
	"Show this machine's overcommit state as the model sees it: the policy,\n"
	"CommitLimit (the kernel's and the model's), Committed_AS and headroom,\n"
	"Committed_AS taken apart (private mappings, shared anonymous objects, SysV\n"
	"segments, tmpfs pages, the unexplained rest), the largest committers,\n"
	"processes whose fork() would fail now, the next OOM victims with their\n"
	"oom_score, memory cgroups with a limit and the victim of their own OOM,\n"
	"what could not be seen, and recommendations.\n"
	"\n"
	"  -p, --proc-root DIR   read DIR instead of /proc (a fixture tree)\n"
	"      --sys-root DIR    read DIR instead of /sys (memory cgroups)\n"
	"  -c, --critical NAME   a process (its exact comm) that must not be among the\n"
	"                        first three OOM victims (sshd, systemd and postgres\n"
	"                        always count); repeatable\n"
	"  -f, --fork-min SIZE   list failing forks of at least SIZE (default 64M)\n"
	"  -j, --json            JSON instead of text\n"
	"  -h, --help            show this help\n"
	"\n"
	"Without root, other users' smaps cannot be read: their fork charge is\n"
	"unknown and they are counted under \"not seen\".\n"
	"\n"
	"Exit status: 0 shown, 1 /proc cannot be read, 2 usage error,\n"
	"3 /proc's contents cannot be used.\n";

struct status_opts {
	const char *root, *sys;
	int json;
	const char *critical[STATUS_MAX_CRITICAL];
	struct ovc_live_status_opts view;
};

static int status_size(struct cli_ctx *ctx, const char *arg, uint64_t *kb)
{
	uint64_t bytes;
	size_t used;

	if (ovc_size_parse(arg, strlen(arg), 4096, &bytes, &used) < 0 || arg[used])
		return cli_usage_error(ctx, "status", "--fork-min: '%s' is not a size", arg);
	*kb = bytes / 1024;
	return 0;
}

/* Returns -1 to go on, or the exit code. */
static int status_options(int argc, char **argv, struct cli_ctx *ctx, struct status_opts *o)
{
	static const struct option longopts[] = {
		{ "proc-root", required_argument, NULL, 'p' },
		{ "sys-root", required_argument, NULL, 'S' },
		{ "critical", required_argument, NULL, 'c' },
		{ "fork-min", required_argument, NULL, 'f' },
		{ "json", no_argument, NULL, 'j' },
		{ "help", no_argument, NULL, 'h' },
		{ NULL, 0, NULL, 0 },
	};
	int c;

	memset(o, 0, sizeof(*o));
	o->view = (struct ovc_live_status_opts){ .fork_min_kb = 65536, .top = 10, .victims = 5,
						 .critical = o->critical };
	optind = 0;
	opterr = 0;
	while ((c = getopt_long(argc, argv, ":p:c:f:jh", longopts, NULL)) != -1) {
		switch (c) {
		case 'p': o->root = optarg; break;
		case 'S': o->sys = optarg; break;
		case 'j': o->json = 1; break;
		case 'c':
			if (o->view.ncritical == STATUS_MAX_CRITICAL)
				return cli_usage_error(ctx, "status", "at most %d --critical names", STATUS_MAX_CRITICAL);
			o->critical[o->view.ncritical++] = optarg;
			break;
		case 'f':
			if (status_size(ctx, optarg, &o->view.fork_min_kb))
				return CLI_EXIT_USAGE;
			break;
		case 'h': fputs(cmd_status_usage, ctx->out); return CLI_EXIT_OK;
		case ':': return cli_usage_error(ctx, "status", "option '%s' needs a value", argv[optind - 1]);
		default: return cli_usage_error(ctx, "status", "unknown option '%s'", argv[optind - 1]);
		}
	}
	if (optind < argc)
		return cli_usage_error(ctx, "status", "unexpected argument '%s'", argv[optind]);
	return -1;
}

int cmd_status(int argc, char **argv, struct cli_ctx *ctx)
{
	struct ovc_live_snap s;
	struct ovc_live_report r;
	struct status_opts o;
	int rc = status_options(argc, argv, ctx, &o);

	if (rc >= 0)
		return rc;
	memset(&r, 0, sizeof(r));
	rc = cli_live_load(ctx, "status", o.root, o.sys, &s, &r);
	if (rc < 0)
		rc = (o.json ? ovc_render_live_status_json(ctx->out, &s, &r, &o.view)
			     : ovc_render_live_status_text(ctx->out, &s, &r, &o.view)) ? CLI_EXIT_FAIL
											: CLI_EXIT_OK;
	ovc_live_report_free(&r);
	ovc_live_snap_free(&s);
	return rc;
}
