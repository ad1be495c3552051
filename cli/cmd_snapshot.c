/* cmd_snapshot.c - `ovc snapshot`: this machine as a scenario that `ovc sim` replays, to try a what-if on it and share it.
 *
 * Exit: 0 written; 1 /proc could not be read (or its text used); 2 usage
 * error; 3 FILE could not be written.
 */
#include <errno.h>
#include <getopt.h>
#include <string.h>

#include "cli/cli.h"
#include "live/live.h"
#include "render/live_snapshot.h"

const char cmd_snapshot_usage[] =
	"usage: ovc snapshot [-o FILE] [--proc-root DIR] [--sys-root DIR] [--anonymize]\n"
	"\n"
	"Write this machine as a scenario: its kernel, memory, vm sysctls and every\n"
	"process with its commit charge, fork charge and anonymous resident size.\n"
	"`ovc sim FILE` replays it unchanged; add what-if lines at its end (a fork,\n"
	"an mmap, a sysctl write, `rank`) to see what the kernel would do.\n"
	"\n"
	"  -o, --output FILE     write to FILE instead of standard output\n"
	"  -p, --proc-root DIR   read DIR instead of /proc (a fixture tree)\n"
	"      --sys-root DIR    read DIR instead of /sys (memory cgroups)\n"
	"  -a, --anonymize       name processes p<PID> and leave out every comm\n"
	"  -h, --help            show this help\n"
	"\n"
	"Without root, other users' smaps cannot be read: their charges are\n"
	"counted in the scenario's state committed= line instead.\n"
	"\n"
	"Exit status: 0 written, 1 /proc cannot be read, 2 usage error,\n"
	"3 FILE cannot be written.\n";

struct snapshot_opts {
	const char *root, *sys;	/* NULL: /proc */
	const char *out;	/* NULL: standard output */
	int anonymize;
};

/* Returns -1 to go on, or the exit code (after --help or a usage error). */
static int snapshot_options(int argc, char **argv, struct cli_ctx *ctx, struct snapshot_opts *o)
{
	static const struct option longopts[] = {
		{ "output", required_argument, NULL, 'o' },
		{ "proc-root", required_argument, NULL, 'p' },
		{ "sys-root", required_argument, NULL, 'S' },
		{ "anonymize", no_argument, NULL, 'a' },
		{ "help", no_argument, NULL, 'h' },
		{ NULL, 0, NULL, 0 },
	};
	int c;

	memset(o, 0, sizeof(*o));
	optind = 0;	/* glibc: start afresh on this argv */
	opterr = 0;	/* report errors our way */
	while ((c = getopt_long(argc, argv, ":o:p:ah", longopts, NULL)) != -1) {
		switch (c) {
		case 'o': o->out = optarg; break;
		case 'p': o->root = optarg; break;
		case 'S': o->sys = optarg; break;
		case 'a': o->anonymize = 1; break;
		case 'h': fputs(cmd_snapshot_usage, ctx->out); return CLI_EXIT_OK;
		case ':': return cli_usage_error(ctx, "snapshot", "option '%s' needs a value", argv[optind - 1]);
		default: return cli_usage_error(ctx, "snapshot", "unknown option '%s'", argv[optind - 1]);
		}
	}
	if (optind < argc)
		return cli_usage_error(ctx, "snapshot", "unexpected argument '%s'", argv[optind]);
	if (o->out && !o->out[0])
		return cli_usage_error(ctx, "snapshot", "-o needs a file name");
	return -1;
}

/* Render s to FILE (opened only now: a failed read leaves it alone). */
static int snapshot_write(struct cli_ctx *ctx, const struct snapshot_opts *o,
			  const struct ovc_live_snap *s)
{
	FILE *f = o->out ? fopen(o->out, "w") : ctx->out;
	int rc;

	if (!f) {
		cli_error(ctx, "snapshot: cannot write %s: %s", o->out, strerror(errno));
		return CLI_EXIT_INPUT;
	}
	rc = ovc_render_snapshot(f, s, o->anonymize);
	if (o->out && fclose(f) != 0)
		rc = -OVC_E_IO;
	if (rc < 0) {
		cli_error(ctx, "snapshot: cannot write %s: %s", o->out ? o->out : "standard output",
			  strerror(errno));
		return o->out ? CLI_EXIT_INPUT : CLI_EXIT_FAIL;
	}
	return CLI_EXIT_OK;
}

int cmd_snapshot(int argc, char **argv, struct cli_ctx *ctx)
{
	struct snapshot_opts o;
	struct ovc_live_snap s;
	int rc = snapshot_options(argc, argv, ctx, &o);

	if (rc >= 0)
		return rc;
	if (cli_live_read(ctx, "snapshot", o.root, o.sys, &s) >= 0) {
		ovc_live_snap_free(&s);
		return CLI_EXIT_FAIL;	/* exit 3 is a file that cannot be written */
	}
	rc = snapshot_write(ctx, &o, &s);
	ovc_live_snap_free(&s);
	return rc;
}
