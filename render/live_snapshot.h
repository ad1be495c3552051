/* live_snapshot.h - a live machine written as a scenario (`ovc snapshot`), for `ovc sim` to replay.
 *
 * (Declared apart from render.h only because render.h has another owner;
 * it can move there unchanged.)
 */
#ifndef OVC_RENDER_LIVE_SNAPSHOT_H
#define OVC_RENDER_LIVE_SNAPSHOT_H

#include <stdio.h>

#include "ovc/live.h"

/* Write the snapshot s as a scenario (docs/scenario-language.md) that
 * `ovc sim` runs unchanged: the kernel, machine, state and sysctl lines of
 * the machine, then one task per process with an mm (not kernel threads,
 * not zombies) with its commit charge as mappings (the part fork charges,
 * the rest marked dontfork) and its RssAnon touched. After the replay the
 * model's Committed_AS is the snapshot's (state committed= holds what no
 * task explains) unless the tasks alone charge more, which a comment says.
 * Memory cgroups with a limit become cgroup lines and the tasks go into them.
 * anonymize: tasks are named p<PID>, no comm or cgroup path is written.
 * Returns 0, -OVC_E_NOMEM, or -OVC_E_IO when the stream reports an error. */
int ovc_render_snapshot(FILE *f, const struct ovc_live_snap *s, int anonymize);

#endif
