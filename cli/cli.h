/* cli.h - what the subcommands of ovc share: the context main() builds,
 * the command table's row, the exit codes, and the diagnostics helpers.
 *
 * cli/ is the only place that prints to stdout/stderr and picks exit
 * codes. A subcommand is cmd_<name>(argc, argv, ctx) in cli/cmd_<name>.c,
 * with argv[0] its own name; it returns the exit code.
 */
#ifndef OVC_CLI_H
#define OVC_CLI_H

#include <stddef.h>
#include <stdint.h>
#include <stdio.h>

#include "ovc/err.h"

/* Exit codes; docs/ovc.1 lists them under EXIT STATUS. */
enum cli_exit {
	CLI_EXIT_OK = 0,	/* success (sim: every expect line held) */
	CLI_EXIT_FAIL = 1,	/* runtime failure (sim: an expect line failed) */
	CLI_EXIT_USAGE = 2,	/* bad command line */
	CLI_EXIT_INPUT = 3,	/* the input cannot be read, does not parse, or cannot run */
};

struct cli_cmd;

/* Set up once by main(); nothing in cli/ is global. */
struct cli_ctx {
	const char *prog;		/* "ovc" */
	FILE *out, *err;		/* results; diagnostics */
	const struct cli_cmd *cmds;	/* the command table, alphabetical */
	size_t ncmds;
};

struct cli_cmd {
	const char *name;
	int (*fn)(int argc, char **argv, struct cli_ctx *ctx);
	const char *help;	/* one line, shown by `ovc help` */
	const char *usage;	/* the full usage, for `ovc help NAME` and NAME --help */
};

/* Subcommands, alphabetical. */
int cmd_can_alloc(int argc, char **argv, struct cli_ctx *ctx);
int cmd_exec(int argc, char **argv, struct cli_ctx *ctx);
int cmd_fork_check(int argc, char **argv, struct cli_ctx *ctx);
int cmd_help(int argc, char **argv, struct cli_ctx *ctx);
int cmd_oom(int argc, char **argv, struct cli_ctx *ctx);
int cmd_sim(int argc, char **argv, struct cli_ctx *ctx);
int cmd_snapshot(int argc, char **argv, struct cli_ctx *ctx);
int cmd_status(int argc, char **argv, struct cli_ctx *ctx);
int cmd_whatif(int argc, char **argv, struct cli_ctx *ctx);

extern const char cmd_can_alloc_usage[];
extern const char cmd_exec_usage[];
extern const char cmd_fork_check_usage[];
extern const char cmd_help_usage[];
extern const char cmd_oom_usage[];
extern const char cmd_sim_usage[];
extern const char cmd_snapshot_usage[];
extern const char cmd_status_usage[];
extern const char cmd_whatif_usage[];

/* cmd_help.c: the global usage with the command list (to f). */
void cli_usage(FILE *f, const struct cli_ctx *ctx);

/* live_load.c: the live commands' first step. Read root (NULL: /proc)
 * and the memory cgroups under sys (NULL: /sys) into s, and for
 * cli_live_load analyze it into r. -1 when done; else the
 * error is printed (naming its file and line) and the exit code returned:
 * 1 /proc cannot be read, 3 its contents cannot be used. s (and r) are
 * to be freed by the caller either way. */
struct ovc_live_snap;
struct ovc_live_report;
int cli_live_read(const struct cli_ctx *ctx, const char *cmd, const char *root,
		  const char *sys, struct ovc_live_snap *s);
int cli_live_load(const struct cli_ctx *ctx, const char *cmd, const char *root,
		  const char *sys, struct ovc_live_snap *s, struct ovc_live_report *r);
/* Take ovc's own commit charge out of s's Committed_AS (root NULL: this
 * machine's /proc only), for a question about a later fork or mmap.
 * Returns what was taken out, kB. */
uint64_t cli_live_discount_self(const char *root, struct ovc_live_snap *s);
/* The row named name, or NULL. */
const struct cli_cmd *cli_find(const struct cli_ctx *ctx, const char *name);

/* input.c: FILE ("-": standard input) in a NUL-terminated buffer the
 * caller frees. Returns 0, or -errno. */
int cli_read_input(const char *file, char **buf, size_t *len);

/* diag.c */
/* "ovc: MSG" on ctx->err. */
void cli_error(const struct cli_ctx *ctx, const char *fmt, ...)
	__attribute__((format(printf, 2, 3)));
/* "ovc CMD: MSG" and a hint to `ovc help CMD`; returns CLI_EXIT_USAGE. */
int cli_usage_error(const struct cli_ctx *ctx, const char *cmd, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));
/* "FILE:LINE:COL: error: MSG", then the line of src and a caret under the
 * column (when e has a line and src holds it). name is used when e->file
 * is NULL. */
void cli_report(const struct cli_ctx *ctx, const struct ovc_err *e, const char *name,
		const char *src, size_t len);

#endif
