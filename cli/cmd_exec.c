/* cmd_exec.c - `ovc exec FILE`: run a scenario's operations as real system
 * calls on this kernel and print its timeline (or JSON, the same format
 * as `ovc sim --json`), so the model can be checked against a real kernel.
 *
 * It writes sysctls and can provoke OOM kills, so it runs only on a
 * machine booted with ovc.disposable=1 or when told
 * --this-machine-is-disposable. `--serve-task FD` is the hidden mode in
 * which the executor's task processes run (docs/exec.md).
 *
 * `--compare` then runs the model on the state the kernel started in
 * (scenario/real_compare.c) and compares the two traces (lib/trace_cmp.c,
 * conformance/README.md).
 *
 * Exit: 0 every expect line held (and, with --compare, the model matched
 * the kernel); 1 one failed, the model differed, or the executor failed
 * (a task died or stopped answering, /proc unreadable); 2 usage error or
 * refusal; 3 the scenario cannot be read, does not parse, or misuses a
 * name at run time.
 */
#include <errno.h>
#include <getopt.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "cli/cli.h"
#include "ovc/trace.h"
#include "ovc/trace_cmp.h"
#include "render/cmp_text.h"
#include "render/render.h"
#include "scenario/real.h"
#include "scenario/real_compare.h"
#include "scenario/scenario.h"

const char cmd_exec_usage[] =
	"usage: ovc exec FILE [--json] [--quiet] [--machine-out F] [--images-out F]\n"
	"                [--compare] [--mirror-out F]\n"
	"                [--timeout SEC] [--file-dir DIR] [--this-machine-is-disposable]\n"
	"\n"
	"Run the operations of the scenario FILE (- for standard input) as real\n"
	"system calls on this kernel, one real process per task, and show what the\n"
	"kernel did at each step and how each expect line came out.\n"
	"DANGER: it writes /proc/sys/vm and can make the OOM killer run. It runs\n"
	"only on a machine booted with ovc.disposable=1, or with the option below.\n"
	"\n"
	"  -j, --json                 JSON (docs/trace-json.md, as `ovc sim --json`)\n"
	"  -q, --quiet                only failed expect lines and the summary\n"
	"  -m, --machine-out FILE     write this machine as machine/state/sysctl lines\n"
	"  -i, --images-out FILE      write each task's real image (docs/exec.md)\n"
	"  -c, --compare              then run the model from the state this kernel\n"
	"                             started in and compare it step by step\n"
	"                             (conformance/README.md); exit 1 if it differs\n"
	"  -M, --mirror-out FILE      with --compare: write the scenario the model ran\n"
	"  -t, --timeout SEC          longest wait for one step (default 120)\n"
	"  -d, --file-dir DIR         where `file` lines create files (default /tmp)\n"
	"      --this-machine-is-disposable\n"
	"                             run although the kernel command line lacks\n"
	"                             ovc.disposable=1\n"
	"  -h, --help                 show this help\n"
	"\n"
	"Exit status: 0 all expect lines held (and the model matched), 1 one failed,\n"
	"the model differed or the run failed,\n"
	"2 usage error or refusal, 3 the scenario cannot be read or parsed.\n";

struct exec_opts {
	const char *file, *name;	/* as given; for messages */
	const char *machine_out, *images_out, *mirror_out;
	struct ovc_real_opts real;
	int json, quiet, disposable, serve_fd, compare;
};

static int exec_number(struct cli_ctx *ctx, const char *opt, const char *s, long max, long *v)
{
	char *end;

	errno = 0;
	*v = strtol(s, &end, 10);
	if (errno || end == s || *end || *v < 0 || *v > max)
		return cli_usage_error(ctx, "exec", "%s wants a number from 0 to %ld, not '%s'",
				       opt, max, s);
	return 0;
}

/* Returns -1 to go on, or the exit code (after --help or a usage error). */
static int exec_options(int argc, char **argv, struct cli_ctx *ctx, struct exec_opts *o)
{
	static const struct option longopts[] = {
		{ "json", no_argument, NULL, 'j' },
		{ "quiet", no_argument, NULL, 'q' },
		{ "machine-out", required_argument, NULL, 'm' },
		{ "images-out", required_argument, NULL, 'i' },
		{ "compare", no_argument, NULL, 'c' },
		{ "mirror-out", required_argument, NULL, 'M' },
		{ "timeout", required_argument, NULL, 't' },
		{ "file-dir", required_argument, NULL, 'd' },
		{ "this-machine-is-disposable", no_argument, NULL, 'D' },
		{ "serve-task", required_argument, NULL, 'S' },
		{ "help", no_argument, NULL, 'h' },
		{ NULL, 0, NULL, 0 },
	};
	long v;
	int c;

	memset(o, 0, sizeof(*o));
	o->serve_fd = -1;
	optind = 0;
	opterr = 0;
	while ((c = getopt_long(argc, argv, ":jqm:i:cM:t:d:h", longopts, NULL)) != -1) {
		switch (c) {
		case 'j': o->json = 1; break;
		case 'q': o->quiet = 1; break;
		case 'm': o->machine_out = optarg; break;
		case 'i': o->images_out = optarg; break;
		case 'c': o->compare = 1; break;
		case 'M': o->mirror_out = optarg; break;
		case 'd': o->real.file_dir = optarg; break;
		case 'D': o->disposable = 1; break;
		case 't':
			if (exec_number(ctx, "--timeout", optarg, 86400, &v))
				return CLI_EXIT_USAGE;
			o->real.timeout_ms = (unsigned)v * 1000;
			break;
		case 'S':
			if (exec_number(ctx, "--serve-task", optarg, 65535, &v))
				return CLI_EXIT_USAGE;
			o->serve_fd = (int)v;
			return -1;
		case 'h': fputs(cmd_exec_usage, ctx->out); return CLI_EXIT_OK;
		case ':': return cli_usage_error(ctx, "exec", "option '%s' needs a value", argv[optind - 1]);
		default: return cli_usage_error(ctx, "exec", "unknown option '%s'", argv[optind - 1]);
		}
	}
	if (optind + 1 != argc)
		return cli_usage_error(ctx, "exec", optind < argc ? "only one FILE, please" : "no scenario FILE given");
	if (o->compare && o->json)
		return cli_usage_error(ctx, "exec", "--compare writes a text report: not with --json");
	if (o->mirror_out && !o->compare)
		return cli_usage_error(ctx, "exec", "--mirror-out needs --compare");
	o->file = argv[optind];
	o->name = strcmp(o->file, "-") ? o->file : "<stdin>";
	return -1;
}

/* The safety check: refuse (exit 2) unless this machine may be broken. */
static int exec_allowed(struct cli_ctx *ctx, const struct exec_opts *o)
{
	char cmdline[4096];
	long n = real_read_small("/proc/cmdline", cmdline, sizeof(cmdline));

	if (o->disposable || (n > 0 && ovc_real_disposable(cmdline, (size_t)n)))
		return 0;
	cli_error(ctx, "exec: refusing to run: this machine is not marked disposable.\n"
		  "`ovc exec` writes /proc/sys/vm (overcommit policy, reserves, the hugepage\n"
		  "pool) and can drive the machine into the OOM killer, which may kill any\n"
		  "process on it. Run it in a throw-away VM booted with ovc.disposable=1 on\n"
		  "the kernel command line (conformance/vm/run-in-vm.sh --append\n"
		  "ovc.disposable=1), or pass --this-machine-is-disposable if you mean it.");
	return CLI_EXIT_USAGE;
}

/* Write text to path. 0, or an exit code. */
static int write_text(struct cli_ctx *ctx, const char *path, const char *text)
{
	FILE *f = fopen(path, "w");

	if (!f || fputs(text, f) == EOF || fclose(f) != 0) {
		cli_error(ctx, "exec: cannot write %s: %s", path, strerror(errno));
		return CLI_EXIT_FAIL;
	}
	return 0;
}

static int exec_machine_out(struct cli_ctx *ctx, const char *path, const struct ovc_real_info *I)
{
	size_t n = ovc_real_machine_lines(&I->machine, NULL, 0) + 1;
	char *buf = malloc(n);
	int rc;

	if (!buf) {
		cli_error(ctx, "exec: out of memory");
		return CLI_EXIT_FAIL;
	}
	ovc_real_machine_lines(&I->machine, buf, n);
	rc = write_text(ctx, path, buf);
	free(buf);
	return rc;
}

static int exec_images_out(struct cli_ctx *ctx, const char *path, const struct ovc_real_info *I)
{
	FILE *f = fopen(path, "w");
	size_t k;

	for (k = 0; f && k < I->nimages; k++) {
		size_t n = ovc_real_image_lines(&I->images[k], NULL, 0) + 1;
		char *buf = malloc(n);

		if (buf) {
			ovc_real_image_lines(&I->images[k], buf, n);
			fputs(buf, f);
		}
		free(buf);
	}
	if (!f || fclose(f) != 0) {
		cli_error(ctx, "exec: cannot write %s: %s", path, strerror(errno));
		return CLI_EXIT_FAIL;
	}
	return 0;
}

/* The trace (also the part before an error), the notes, the side files. */
static int exec_output(struct cli_ctx *ctx, const struct exec_opts *o,
		       const struct ovc_trace *t, const struct ovc_real_info *I)
{
	int rc = 0;
	size_t k;

	if (t->kernel)
		rc = o->json ? ovc_render_json(ctx->out, t)
			     : ovc_render_text(ctx->out, t, o->quiet ? OVC_RENDER_QUIET : 0);
	for (k = 0; k < I->nnotes; k++)
		cli_error(ctx, "exec: note: %s", I->notes[k]);
	if (rc < 0)
		return CLI_EXIT_FAIL;
	if (o->machine_out && I->machine.mi.mem_total && (rc = exec_machine_out(ctx, o->machine_out, I)))
		return rc;
	if (o->images_out && (rc = exec_images_out(ctx, o->images_out, I)))
		return rc;
	return 0;
}

/* The model lays out address spaces as the kernel does without
 * randomization; with it, VMAs can come in another order (fork charges
 * them in address order). Say so when it is on. */
static void randomize_note(struct cli_ctx *ctx)
{
	char buf[16];
	long n = real_read_small("/proc/sys/kernel/randomize_va_space", buf, sizeof(buf));

	if (n > 0 && buf[0] != '0')
		cli_error(ctx, "exec: note: --compare: address space layout randomization is on; "
			  "the model's layout is the kernel's without it (boot with norandmaps)");
}

/* --compare: the model from the kernel's starting state, both traces
 * compared and reported. complete: the kernel's run reached the end.
 * Returns 0 when the model matched the kernel, else an exit code. */
static int exec_compare(struct cli_ctx *ctx, const struct exec_opts *o, const struct ovc_scenario *s,
			const struct ovc_trace *t, const struct ovc_real_info *I, int complete,
			const char *src, size_t len)
{
	struct ovc_real_mirror mr;
	struct ovc_profile p = { .counter = NULL };
	struct ovc_cmp_opts co;
	struct ovc_trace m;
	struct ovc_cmp c;
	struct ovc_err e = { 0 };
	int r, rc = 0;

	randomize_note(ctx);
	if (ovc_real_mirror_compose(s, I, &mr, &e) < 0) {
		cli_error(ctx, "exec: --compare: %s", e.msg);
		return CLI_EXIT_FAIL;
	}
	if (o->mirror_out && (rc = write_text(ctx, o->mirror_out, mr.text)))
		goto out_mirror;
	r = ovc_real_model(s, I, &mr, &p, &m, &e);
	if (r < 0) {
		cli_report(ctx, &e, o->name, src, len);
		rc = CLI_EXIT_FAIL;
	}
	if (!p.counter)		/* no profile for this kernel: nothing to compare with */
		goto out_trace;
	ovc_cmp_opts_for(&co, &p, I->machine.mi.mem_total, I->machine.ncpus, I->machine.page_size);
	if (ovc_trace_cmp(t, &m, &co, complete && r == 0, &c) < 0) {
		cli_error(ctx, "exec: --compare: out of memory");
		rc = CLI_EXIT_FAIL;
	} else {
		fputc('\n', ctx->out);
		if (ovc_render_cmp_text(ctx->out, t, &m, &c, 0) < 0)
			rc = CLI_EXIT_FAIL;
		if (!ovc_cmp_match(&c))
			rc = CLI_EXIT_FAIL;
	}
	ovc_cmp_free(&c);
out_trace:
	ovc_trace_free(&m);
out_mirror:
	ovc_real_mirror_free(&mr);
	return rc;
}

static int exec_file(struct cli_ctx *ctx, const struct exec_opts *o, const char *src, size_t len)
{
	struct ovc_scenario *s = NULL;
	struct ovc_real_info info;
	struct ovc_trace t;
	struct ovc_err e = { 0 };
	int r, rc;

	if (ovc_scenario_parse(src, len, o->name, &s, &e) < 0) {
		cli_report(ctx, &e, o->name, src, len);
		return e.code == OVC_E_NOMEM ? CLI_EXIT_FAIL : CLI_EXIT_INPUT;
	}
	r = ovc_real_run(s, &o->real, &t, &info, &e);
	rc = exec_output(ctx, o, &t, &info);
	if (r < 0) {
		cli_report(ctx, &e, o->name, src, len);
		rc = e.code == OVC_E_STATE ? CLI_EXIT_INPUT : CLI_EXIT_FAIL;
	} else if (!rc && t.failed) {
		rc = CLI_EXIT_FAIL;
	}
	if (o->compare && t.kernel && info.machine.mi.mem_total) {
		int crc = exec_compare(ctx, o, s, &t, &info, r == 0, src, len);

		if (!rc)
			rc = crc;
	}
	ovc_trace_free(&t);
	ovc_real_info_free(&info);
	ovc_scenario_free(s);
	return rc;
}

int cmd_exec(int argc, char **argv, struct cli_ctx *ctx)
{
	struct exec_opts o;
	size_t len = 0;
	char *src = NULL;
	int rc = exec_options(argc, argv, ctx, &o);

	if (rc >= 0)
		return rc;
	if (o.serve_fd >= 0) {	/* a task process: returns only if fd is no channel */
		ovc_real_serve(o.serve_fd, 1);
		cli_error(ctx, "exec: --serve-task is for ovc's own task processes");
		return CLI_EXIT_USAGE;
	}
	if ((rc = exec_allowed(ctx, &o)))
		return rc;
	if (geteuid() != 0) {
		cli_error(ctx, "exec: must run as root (it writes /proc/sys/vm and sets task uids)");
		return CLI_EXIT_FAIL;
	}
	rc = cli_read_input(o.file, &src, &len);
	if (rc < 0) {
		cli_error(ctx, "exec: cannot read %s: %s", o.name, strerror(-rc));
		return CLI_EXIT_INPUT;
	}
	rc = exec_file(ctx, &o, src, len);
	free(src);
	return rc;
}
