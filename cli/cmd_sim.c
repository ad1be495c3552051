/* cmd_sim.c - `ovc sim FILE`: run a scenario through the model and print
 * its timeline (or JSON); with several kernels, run it under each and
 * print them side by side. `--list-kernels` shows the era tables.
 *
 * Exit: 0 every expect line held; 1 one failed (under any kernel);
 * 2 usage error; 3 the scenario cannot be read, does not parse, or stops
 * with an error at run time.
 */
#include <errno.h>
#include <getopt.h>
#include <stdlib.h>
#include <string.h>

#include "cli/cli.h"
#include "ovc/profile.h"
#include "ovc/trace.h"
#include "render/render.h"
#include "scenario/scenario.h"

#define SIM_MAX_KERNELS 16

const char cmd_sim_usage[] =
	"usage: ovc sim FILE [--kernel VER[,VER...]] [--json] [--quiet]\n"
	"       ovc sim --list-kernels [--json]\n"
	"\n"
	"Run the scenario FILE (- for standard input) through the model and show\n"
	"what the kernel does at each step, why it refuses, and each expect line.\n"
	"\n"
	"  -k, --kernel VER[,VER...]  kernel profile(s) instead of the scenario's\n"
	"                             `kernel` line; several: compare side by side\n"
	"  -j, --json                 JSON (docs/trace-json.md) instead of text\n"
	"  -q, --quiet                only failed expect lines and the summary\n"
	"  -l, --list-kernels         list the kernel eras ovc models, and exit\n"
	"  -h, --help                 show this help\n"
	"\n"
	"Exit status: 0 all expect lines held, 1 one failed, 2 usage error,\n"
	"3 the scenario cannot be read, does not parse, or fails to run.\n";

struct sim_opts {
	const char *file;	/* as given; "-" is standard input */
	const char *name;	/* for messages: the file, or "<stdin>" */
	const char *kernels;	/* --kernel, comma-separated, or NULL */
	int json, quiet, list;
};

/* Returns -1 to go on, or the exit code (after --help or a usage error). */
static int sim_options(int argc, char **argv, struct cli_ctx *ctx, struct sim_opts *o)
{
	static const struct option longopts[] = {
		{ "kernel", required_argument, NULL, 'k' },
		{ "json", no_argument, NULL, 'j' },
		{ "quiet", no_argument, NULL, 'q' },
		{ "list-kernels", no_argument, NULL, 'l' },
		{ "help", no_argument, NULL, 'h' },
		{ NULL, 0, NULL, 0 },
	};
	int c;

	memset(o, 0, sizeof(*o));
	optind = 0;	/* glibc: start afresh on this argv */
	opterr = 0;	/* report errors our way */
	while ((c = getopt_long(argc, argv, ":k:jqlh", longopts, NULL)) != -1) {
		switch (c) {
		case 'k': o->kernels = optarg; break;
		case 'j': o->json = 1; break;
		case 'q': o->quiet = 1; break;
		case 'l': o->list = 1; break;
		case 'h': fputs(cmd_sim_usage, ctx->out); return CLI_EXIT_OK;
		case ':': return cli_usage_error(ctx, "sim", "option '%s' needs a value", argv[optind - 1]);
		default: return cli_usage_error(ctx, "sim", "unknown option '%s'", argv[optind - 1]);
		}
	}
	if (o->list)
		return optind < argc ? cli_usage_error(ctx, "sim", "--list-kernels takes no FILE") : -1;
	if (optind + 1 != argc)
		return cli_usage_error(ctx, "sim", optind < argc ? "only one FILE, please" : "no scenario FILE given");
	o->file = argv[optind];
	o->name = strcmp(o->file, "-") ? o->file : "<stdin>";
	return -1;
}

/* Resolve "2.6.32,6.1" into profiles. Returns 0, or a usage error. */
static int sim_kernels(struct cli_ctx *ctx, const char *list, struct ovc_profile *p, size_t *n)
{
	*n = 0;
	for (const char *s = list; s; ) {
		const char *comma = strchr(s, ',');
		size_t len = comma ? (size_t)(comma - s) : strlen(s);
		struct ovc_err e = { 0 };
		char spec[32];

		if (!len || len >= sizeof(spec))
			return cli_usage_error(ctx, "sim", "--kernel: bad version list '%s'", list);
		if (*n == SIM_MAX_KERNELS)
			return cli_usage_error(ctx, "sim", "--kernel: at most %d kernels", SIM_MAX_KERNELS);
		memcpy(spec, s, len);
		spec[len] = '\0';
		if (ovc_profile_for(spec, &p[*n], &e) < 0)
			return cli_usage_error(ctx, "sim", "--kernel %s: %s", spec, e.msg);
		(*n)++;
		s = comma ? comma + 1 : NULL;
	}
	return 0;
}

/* Run s under each profile (or its own kernel line when n is 0). */
static int sim_run(struct cli_ctx *ctx, const struct sim_opts *o, const struct ovc_scenario *s,
		   const char *src, size_t len, const struct ovc_profile *p, size_t n,
		   struct ovc_trace *t)
{
	for (size_t k = 0; k < (n ? n : 1); k++) {
		struct ovc_err e = { 0 };

		if (ovc_scenario_run(s, n ? &p[k] : NULL, &t[k], &e) == 0)
			continue;
		if (e.code == OVC_E_NOMEM) {
			cli_error(ctx, "sim: out of memory");
			return CLI_EXIT_FAIL;
		}
		cli_report(ctx, &e, o->name, src, len);
		if (n > 1)
			cli_error(ctx, "sim: the error above happened under kernel %s", p[k].name);
		return CLI_EXIT_INPUT;
	}
	return CLI_EXIT_OK;
}

static int sim_render(struct cli_ctx *ctx, const struct sim_opts *o,
		      const struct ovc_trace *t, size_t n)
{
	const struct ovc_trace *tp[SIM_MAX_KERNELS];
	unsigned flags = o->quiet ? OVC_RENDER_QUIET : 0;
	int rc, failed = 0;

	for (size_t k = 0; k < n; k++) {
		tp[k] = &t[k];
		failed |= t[k].failed != 0;
	}
	if (n == 1)
		rc = o->json ? ovc_render_json(ctx->out, &t[0]) : ovc_render_text(ctx->out, &t[0], flags);
	else
		rc = o->json ? ovc_render_compare_json(ctx->out, tp, n)
			     : ovc_render_compare_text(ctx->out, tp, n, flags);
	if (rc == -OVC_E_NOMEM) {
		cli_error(ctx, "sim: out of memory");
		return CLI_EXIT_FAIL;
	}
	return failed ? CLI_EXIT_FAIL : CLI_EXIT_OK;	/* write errors: see main() */
}

/* Parse, run under each kernel, render. src is the scenario text. */
static int sim_file(struct cli_ctx *ctx, const struct sim_opts *o, const char *src, size_t len)
{
	struct ovc_profile p[SIM_MAX_KERNELS];
	struct ovc_trace t[SIM_MAX_KERNELS];
	struct ovc_scenario *s = NULL;
	struct ovc_err e = { 0 };
	size_t n = 0;
	int rc;

	if (o->kernels && (rc = sim_kernels(ctx, o->kernels, p, &n)))
		return rc;
	if (ovc_scenario_parse(src, len, o->name, &s, &e) < 0) {
		cli_report(ctx, &e, o->name, src, len);
		return e.code == OVC_E_NOMEM ? CLI_EXIT_FAIL : CLI_EXIT_INPUT;
	}
	memset(t, 0, sizeof(t));
	rc = sim_run(ctx, o, s, src, len, p, n, t);
	if (rc == CLI_EXIT_OK)
		rc = sim_render(ctx, o, t, n ? n : 1);
	for (size_t k = 0; k < (n ? n : 1); k++)
		ovc_trace_free(&t[k]);
	ovc_scenario_free(s);
	return rc;
}

int cmd_sim(int argc, char **argv, struct cli_ctx *ctx)
{
	struct sim_opts o;
	size_t len = 0;
	char *src = NULL;
	int rc = sim_options(argc, argv, ctx, &o);

	if (rc >= 0)
		return rc;
	if (o.list)
		return (o.json ? ovc_render_kernels_json(ctx->out)
			       : ovc_render_kernels_text(ctx->out)) ? CLI_EXIT_FAIL : CLI_EXIT_OK;
	rc = cli_read_input(o.file, &src, &len);
	if (rc < 0) {
		cli_error(ctx, "sim: cannot read %s: %s", o.name, strerror(-rc));
		return CLI_EXIT_INPUT;
	}
	rc = sim_file(ctx, &o, src, len);
	free(src);
	return rc;
}
