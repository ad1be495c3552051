/* cmd_help.c - `ovc help [COMMAND]`: the command list, or one command's
 * usage. The list comes from the command table in ovc.c. */
#include <string.h>

#include "cli/cli.h"

const char cmd_help_usage[] =
	"usage: ovc help [COMMAND]\n"
	"\n"
	"Without COMMAND, list the subcommands; with it, show its usage.\n";

const struct cli_cmd *cli_find(const struct cli_ctx *ctx, const char *name)
{
	for (size_t i = 0; i < ctx->ncmds; i++)
		if (!strcmp(ctx->cmds[i].name, name))
			return &ctx->cmds[i];
	return NULL;
}

void cli_usage(FILE *f, const struct cli_ctx *ctx)
{
	fprintf(f, "usage: %s [--help] [--version] [COMMAND [ARGS...]]\n\n"
		"Model Linux memory overcommit accounting and the OOM killer.\n"
		"With no command: '%s status' (and its options: '%s --json'), this machine's\n"
		"commit headroom and OOM order.\n\n"
		"Commands:\n", ctx->prog, ctx->prog, ctx->prog);
	for (size_t i = 0; i < ctx->ncmds; i++)
		fprintf(f, "  %-10s %s\n", ctx->cmds[i].name, ctx->cmds[i].help);
	fprintf(f, "\nSee '%s help COMMAND' for the options of one command.\n", ctx->prog);
}

int cmd_help(int argc, char **argv, struct cli_ctx *ctx)
{
	const struct cli_cmd *cmd;

	if (argc > 2)
		return cli_usage_error(ctx, "help", "too many arguments");
	if (argc < 2) {
		cli_usage(ctx->out, ctx);
		return CLI_EXIT_OK;
	}
	if (!strcmp(argv[1], "--help") || !strcmp(argv[1], "-h")) {
		fputs(cmd_help_usage, ctx->out);
		return CLI_EXIT_OK;
	}
	cmd = cli_find(ctx, argv[1]);
	if (!cmd)
		return cli_usage_error(ctx, "help", "'%s' is not an ovc command", argv[1]);
	fputs(cmd->usage, ctx->out);
	return CLI_EXIT_OK;
}
