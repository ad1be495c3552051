/* ovc.c - main(): the global options, the command table and dispatch.
 *
 * main() parses only the global options (--help, --version), finds the
 * subcommand's row and calls it with argv starting at the command name.
 * `ovc help`, the man page synopsis and the usage text all follow the
 * table below. Adding a command: cli/cmd_<name>.c, one row here, its
 * declaration in cli.h, a section in docs/ovc.1 and a golden test.
 */
#include <errno.h>
#include <string.h>

#include "cli/cli.h"
#include "cli/version.h"

static const struct cli_cmd commands[] = {	/* alphabetical */
	{ "can-alloc", cmd_can_alloc, "would a private writable mmap of SIZE pass the commit test now", cmd_can_alloc_usage },
	{ "exec", cmd_exec, "run a scenario as real system calls on this (disposable) machine", cmd_exec_usage },
	{ "fork-check", cmd_fork_check, "would fork() of PID pass the commit test now, and why", cmd_fork_check_usage },
	{ "help", cmd_help, "list subcommands, or explain one", cmd_help_usage },
	{ "oom", cmd_oom, "rank this machine's processes as the OOM killer would", cmd_oom_usage },
	{ "sim", cmd_sim, "run a scenario file through the model", cmd_sim_usage },
	{ "snapshot", cmd_snapshot, "write this machine as a scenario that ovc sim replays", cmd_snapshot_usage },
	{ "status", cmd_status, "show this machine's commit headroom, risky forks and next OOM victims", cmd_status_usage },
	{ "whatif", cmd_whatif, "this machine with other vm sysctls: CommitLimit, forks, OOM order", cmd_whatif_usage },
};

/* Flush stdout: a result that cannot be written is a failure. */
static int finish(const struct cli_ctx *ctx, int rc)
{
	if (fflush(ctx->out) != 0 || ferror(ctx->out)) {
		cli_error(ctx, "write error: %s", strerror(errno));
		return rc ? rc : CLI_EXIT_FAIL;
	}
	return rc;
}

int main(int argc, char **argv)
{
	struct cli_ctx ctx = {
		.prog = "ovc", .out = stdout, .err = stderr,
		.cmds = commands, .ncmds = sizeof(commands) / sizeof(commands[0]),
	};
	static char status_name[] = "status";
	const struct cli_cmd *cmd;
	int i = 1;

	for (; i < argc && argv[i][0] == '-'; i++) {
		if (!strcmp(argv[i], "--help") || !strcmp(argv[i], "-h")) {
			cli_usage(ctx.out, &ctx);
			return finish(&ctx, CLI_EXIT_OK);
		}
		if (!strcmp(argv[i], "--version") || !strcmp(argv[i], "-V")) {
			fprintf(ctx.out, "ovc %s\n", OVC_VERSION);
			return finish(&ctx, CLI_EXIT_OK);
		}
		if (!strcmp(argv[i], "--")) {
			i++;
			break;
		}
		/* any other option: `ovc --json` is `ovc status --json` */
		argv[i - 1] = status_name;
		return finish(&ctx, cmd_status(argc - i + 1, argv + i - 1, &ctx));
	}
	if (i == argc) {	/* no command: this machine's status */
		char *status_argv[] = { status_name, NULL };

		return finish(&ctx, cmd_status(1, status_argv, &ctx));
	}
	cmd = cli_find(&ctx, argv[i]);
	if (!cmd) {
		cli_error(&ctx, "'%s' is not an ovc command. See '%s help'.", argv[i], ctx.prog);
		return CLI_EXIT_USAGE;
	}
	return finish(&ctx, cmd->fn(argc - i, argv + i, &ctx));
}
