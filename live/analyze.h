/* analyze.h - what analyze.c shares with memcg_oom.c: badness from /proc and the OOM order.
 *
 * Internal to live/: the global OOM (analyze.c) and each cgroup's own OOM
 * (memcg_oom.c) rank rows with the same rules and differ only in which
 * processes are candidates and in totalpages.
 */
#ifndef OVC_LIVE_ANALYZE_H
#define OVC_LIVE_ANALYZE_H

#include <stddef.h>
#include <stdint.h>

#include "ovc/live.h"
#include "ovc/machine.h"

/* oom_badness() of p from its /proc figures, for an OOM with totalpages
 * (RAM + swap for the global OOM, mem_cgroup_get_max for a cgroup's). */
void live_badness(const struct ovc_live_snap *s, const struct ovc_machine *m,
		  const struct ovc_live_proc *p, uint64_t totalpages, struct ovc_badness *b);

/* proc_oom_score() over a badness: the oom_score the era derives from it. */
int64_t live_oom_score(const struct ovc_machine *m, const struct ovc_badness *b);

/* select_bad_process()'s order of rows[0..n): order[] gets the indexes,
 * the first is the victim when it is eligible; *chosen gets the victim's
 * index into rows, or -1 when nothing is eligible. 0 or -OVC_E_NOMEM. */
int live_oom_order(const struct ovc_machine *m, const struct ovc_live_row *rows, size_t n,
		   size_t *order, int *chosen);

/* Each limited cgroup's own OOM into r->memcg_ooms (memcg_oom.c). */
int live_memcg_ooms(const struct ovc_live_snap *s, struct ovc_machine *m,
		    struct ovc_live_report *r, struct ovc_err *e);

#endif
