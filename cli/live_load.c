/* live_load.c - the first step of every live command: this machine's /proc read, and analyzed, with errors that name their place. */
#include <stdio.h>

#include "cli/cli.h"
#include "live/live.h"

/* "CMD: ROOT/meminfo:5:22: expected a number" when the error has a place. */
static void live_error(const struct cli_ctx *ctx, const char *cmd, const struct ovc_err *e)
{
	if (e->file && e->line)
		cli_error(ctx, "%s: %s:%u:%u: %s", cmd, e->file, e->line, e->col, e->msg);
	else if (e->file)
		cli_error(ctx, "%s: %s: %s", cmd, e->file, e->msg);
	else
		cli_error(ctx, "%s: %s", cmd, e->msg);
}

int cli_live_read(const struct cli_ctx *ctx, const char *cmd, const char *root,
		  const char *sys, struct ovc_live_snap *s)
{
	struct ovc_err e = { 0 };

	if (ovc_live_read(root, s, &e) == 0) {
		/* a fixture /proc beside this machine's /sys would mix two machines */
		if (root && !sys) {
			snprintf(s->memcg_note, sizeof(s->memcg_note),
				 "not read: --proc-root without --sys-root");
			return -1;
		}
		if (ovc_live_read_memcgs(sys, s, &e) == 0)
			return -1;
	}
	live_error(ctx, cmd, &e);
	return e.code == OVC_E_IO || e.code == OVC_E_NOMEM ? CLI_EXIT_FAIL : CLI_EXIT_INPUT;
}

int cli_live_load(const struct cli_ctx *ctx, const char *cmd, const char *root,
		  const char *sys, struct ovc_live_snap *s, struct ovc_live_report *r)
{
	struct ovc_err e = { 0 };
	int rc = cli_live_read(ctx, cmd, root, sys, s);

	if (rc >= 0)
		return rc;
	if (ovc_live_analyze(s, NULL, 0, r, &e) == 0)
		return -1;
	live_error(ctx, cmd, &e);
	return CLI_EXIT_FAIL;
}

/* ovc's own charge is in the Committed_AS it read, and gone by the time
 * the fork or mmap asked about happens: take it out (this /proc only),
 * as it was when meminfo was read (ovc_live_read measures it then: its
 * heap grows afterwards, and so would a later figure). */
uint64_t cli_live_discount_self(const char *root, struct ovc_live_snap *s)
{
	if (root || !s->have_self || s->self_committed_kb > s->mi.committed_as)
		return 0;
	s->mi.committed_as -= s->self_committed_kb;
	return s->self_committed_kb;
}
