/* diag.c - diagnostics on stderr: plain errors, usage errors, and input
 * errors as FILE:LINE:COL with the offending line and a caret under it. */
#include <stdarg.h>
#include <string.h>

#include "cli/cli.h"

void cli_error(const struct cli_ctx *ctx, const char *fmt, ...)
{
	va_list ap;

	fprintf(ctx->err, "%s: ", ctx->prog);
	va_start(ap, fmt);
	vfprintf(ctx->err, fmt, ap);
	va_end(ap);
	fputc('\n', ctx->err);
}

int cli_usage_error(const struct cli_ctx *ctx, const char *cmd, const char *fmt, ...)
{
	va_list ap;

	fprintf(ctx->err, "%s %s: ", ctx->prog, cmd);
	va_start(ap, fmt);
	vfprintf(ctx->err, fmt, ap);
	va_end(ap);
	fprintf(ctx->err, "\nTry '%s help %s'.\n", ctx->prog, cmd);
	return CLI_EXIT_USAGE;
}

/* Line number line (1-based) of src: sets *start and returns its length,
 * or returns -1 if src has fewer lines. */
static long find_line(const char *src, size_t len, unsigned line, size_t *start)
{
	size_t i = 0;

	for (unsigned l = 1; l < line; l++) {
		const char *nl = memchr(src + i, '\n', len - i);

		if (!nl)
			return -1;
		i = (size_t)(nl - src) + 1;
	}
	if (i > len)
		return -1;
	*start = i;
	for (size_t j = i; j < len; j++)
		if (src[j] == '\n')
			return (long)(j - i);
	return (long)(len - i);
}

/* The source line, then blanks (tabs kept, one per UTF-8 character) up
 * to column col and a caret. */
static void caret(FILE *f, const char *s, size_t n, unsigned col)
{
	if (n && s[n - 1] == '\r')
		n--;
	fprintf(f, "%.*s\n", (int)n, s);
	for (size_t i = 0; i + 1 < col && i < n; i++) {
		if (s[i] == '\t')
			fputc('\t', f);
		else if (((unsigned char)s[i] & 0xc0) != 0x80)
			fputc(' ', f);
	}
	fputs("^\n", f);
}

void cli_report(const struct cli_ctx *ctx, const struct ovc_err *e, const char *name,
		const char *src, size_t len)
{
	const char *file = e->file ? e->file : name;
	size_t start = 0;
	long n = -1;

	if (e->line && e->col)
		fprintf(ctx->err, "%s:%u:%u: error: %s\n", file, e->line, e->col, e->msg);
	else if (e->line)
		fprintf(ctx->err, "%s:%u: error: %s\n", file, e->line, e->msg);
	else
		fprintf(ctx->err, "%s: error: %s\n", file, e->msg);
	if (e->line && src)
		n = find_line(src, len, e->line, &start);
	if (n >= 0)
		caret(ctx->err, src + start, (size_t)n, e->col ? e->col : 1);
}
