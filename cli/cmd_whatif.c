/* cmd_whatif.c - `ovc whatif --set vm.NAME=VALUE ...`: this machine with
 * other vm sysctls, as the model sees it: CommitLimit, forks that change,
 * the OOM order's top 5.
 *
 * Exit: 0 shown; 1 /proc could not be read; 2 usage error (including a
 * value the kernel's handler refuses); 3 /proc's text could not be used.
 */
#include <errno.h>
#include <getopt.h>
#include <stdlib.h>
#include <string.h>

#include "cli/cli.h"
#include "live/live.h"
#include "render/live.h"

#define WHATIF_MAX_SETS 16

const char cmd_whatif_usage[] =
	"usage: ovc whatif --set vm.NAME=VALUE [--set ...] [--proc-root DIR] [--sys-root DIR] [--json]\n"
	"\n"
	"Apply vm sysctls to the model of this machine (through the kernel's own\n"
	"handler rules: a value it refuses is an error) and show the new CommitLimit,\n"
	"whether Committed_AS already exceeds it, which processes could no longer\n"
	"fork (and which now could), and how the OOM order's top 5 changes. Nothing\n"
	"is written to the machine.\n"
	"\n"
	"  -s, --set vm.NAME=VALUE  e.g. vm.overcommit_memory=2, vm.overcommit_ratio=80,\n"
	"                           vm.overcommit_kbytes, vm.admin_reserve_kbytes,\n"
	"                           vm.user_reserve_kbytes, vm.nr_hugepages; repeatable\n"
	"  -p, --proc-root DIR      read DIR instead of /proc (a fixture tree)\n"
	"      --sys-root DIR       read DIR instead of /sys (memory cgroups)\n"
	"  -j, --json               JSON instead of text\n"
	"  -h, --help               show this help\n"
	"\n"
	"Exit status: 0 shown, 1 /proc cannot be read, 2 usage error (or a value the\n"
	"kernel would refuse), 3 /proc's contents cannot be used.\n";

struct whatif_opts {
	const char *root, *sys;
	int json;
	struct ovc_live_set sets[WHATIF_MAX_SETS];
	size_t n;
};

/* "vm.overcommit_ratio=80" into a set. */
static int whatif_parse_set(struct cli_ctx *ctx, const char *arg, struct ovc_live_set *set)
{
	const char *eq = strchr(arg, '=');
	char name[64], *end;
	int k;

	if (!eq || eq == arg || (size_t)(eq - arg) >= sizeof(name))
		return cli_usage_error(ctx, "whatif", "--set: expected vm.NAME=VALUE, got '%s'", arg);
	memcpy(name, arg, (size_t)(eq - arg));
	name[eq - arg] = '\0';
	k = ovc_sysctl_lookup(name);
	if (k < 0)
		return cli_usage_error(ctx, "whatif", "--set: '%s' is not a vm sysctl ovc models", name);
	errno = 0;
	set->value = strtoll(eq + 1, &end, 10);
	if (errno || *end || end == eq + 1)
		return cli_usage_error(ctx, "whatif", "--set %s: '%s' is not an integer", name, eq + 1);
	set->key = (enum ovc_sysctl_key)k;
	return 0;
}

static int whatif_options(int argc, char **argv, struct cli_ctx *ctx, struct whatif_opts *o)
{
	static const struct option longopts[] = {
		{ "set", required_argument, NULL, 's' },
		{ "proc-root", required_argument, NULL, 'p' },
		{ "sys-root", required_argument, NULL, 'S' },
		{ "json", no_argument, NULL, 'j' },
		{ "help", no_argument, NULL, 'h' },
		{ NULL, 0, NULL, 0 },
	};
	int c;

	memset(o, 0, sizeof(*o));
	optind = 0;
	opterr = 0;
	while ((c = getopt_long(argc, argv, ":s:p:jh", longopts, NULL)) != -1) {
		switch (c) {
		case 's':
			if (o->n == WHATIF_MAX_SETS)
				return cli_usage_error(ctx, "whatif", "at most %d --set options", WHATIF_MAX_SETS);
			if (whatif_parse_set(ctx, optarg, &o->sets[o->n++]))
				return CLI_EXIT_USAGE;
			break;
		case 'p': o->root = optarg; break;
		case 'S': o->sys = optarg; break;
		case 'j': o->json = 1; break;
		case 'h': fputs(cmd_whatif_usage, ctx->out); return CLI_EXIT_OK;
		case ':': return cli_usage_error(ctx, "whatif", "option '%s' needs a value", argv[optind - 1]);
		default: return cli_usage_error(ctx, "whatif", "unknown option '%s'", argv[optind - 1]);
		}
	}
	if (optind < argc)
		return cli_usage_error(ctx, "whatif", "unexpected argument '%s'", argv[optind]);
	if (!o->n)
		return cli_usage_error(ctx, "whatif", "no --set given");
	return -1;
}

/* Before and after; the after analysis is where a refused value shows. */
static int whatif_run(struct cli_ctx *ctx, const struct whatif_opts *o, const struct ovc_live_snap *s)
{
	struct ovc_live_report before, after;
	struct ovc_err e = { 0 };
	int rc;

	if (ovc_live_analyze(s, NULL, 0, &before, &e) < 0) {
		cli_error(ctx, "whatif: %s", e.msg);
		return CLI_EXIT_FAIL;
	}
	if (ovc_live_analyze(s, o->sets, o->n, &after, &e) < 0) {
		ovc_live_report_free(&before);
		if (e.code == OVC_E_RANGE)	/* the handler refused a value */
			return cli_usage_error(ctx, "whatif", "%s", e.msg);
		cli_error(ctx, "whatif: %s", e.msg);
		return CLI_EXIT_FAIL;
	}
	rc = o->json ? ovc_render_live_whatif_json(ctx->out, s, &before, &after, o->sets, o->n)
		     : ovc_render_live_whatif_text(ctx->out, s, &before, &after, o->sets, o->n);
	ovc_live_report_free(&before);
	ovc_live_report_free(&after);
	return rc ? CLI_EXIT_FAIL : CLI_EXIT_OK;
}

int cmd_whatif(int argc, char **argv, struct cli_ctx *ctx)
{
	struct ovc_live_snap s;
	struct whatif_opts o;
	int rc = whatif_options(argc, argv, ctx, &o);

	if (rc >= 0)
		return rc;
	rc = cli_live_read(ctx, "whatif", o.root, o.sys, &s);
	if (rc >= 0) {
		ovc_live_snap_free(&s);
		return rc;
	}
	rc = whatif_run(ctx, &o, &s);
	ovc_live_snap_free(&s);
	return rc;
}
