/* live.h - this machine as /proc shows it, and what the model says about it.
 *
 * The live front end reads a proc tree (the real /proc, or a fixture tree
 * for tests: the root is an argument, never a global) into a snapshot:
 * the machine (meminfo, vm sysctls, release, CPUs) and every process it
 * could see (status, stat, oom files, cgroup, smaps summary). Reading
 * never fails because of one process: a process that vanished, a file
 * that is not readable (permission, hidepid), a kernel thread or a zombie
 * is recorded as such and counted, and the snapshot says what could not
 * be seen. Only an unreadable meminfo or release is an error.
 *
 * The analysis (live/analyze.c) runs the model on a snapshot: the kernel
 * profile for the release, CommitLimit recomputed, each process's fork
 * under the admission rules, the OOM ranking from the kernel's own inputs.
 *
 * Memory cgroups are read from a sys tree (the real /sys, or a fixture)
 * for the cgroups the processes are in and their ancestors; the analysis
 * ranks each limited cgroup's own OOM with the cgroup's totalpages.
 *
 * Parts:   proc_root.c   the root handle: files read relative to it
 *          proc_read.c   the snapshot: machine and processes
 *          cgroup_read.c the snapshot's memory cgroups (v1 or v2)
 *          analyze.c     the model's answers on a snapshot
 *          reconcile.c   Committed_AS taken apart
 *          memcg_oom.c   each limited cgroup's own OOM
 * State:   struct ovc_live_snap and struct ovc_live_report (their fields
 *          in include/ovc/live.h, so render/ can print them), owned by the
 *          caller (ovc_live_snap_free, ovc_live_report_free). No globals.
 * Errors:  0 or -OVC_E_*, with struct ovc_err naming the file
 *          (ROOT/meminfo:LINE) when its text cannot be used.
 * Units:   kB as /proc prints them; pages only where a name says so.
 */
#ifndef OVC_LIVE_H
#define OVC_LIVE_H

#include <stddef.h>
#include <stdint.h>

#include "ovc/err.h"

#include "ovc/live.h"

/* Read the tree at root (NULL: "/proc") into s (initialised here; free it
 * with ovc_live_snap_free whatever this returns). */
int ovc_live_read(const char *root, struct ovc_live_snap *s, struct ovc_err *e);
void ovc_live_snap_free(struct ovc_live_snap *s);

/* Read the memory cgroups of s's processes (their /proc/PID/cgroup) and
 * their ancestors from the sys tree at sys_root (NULL: "/sys"), v2
 * (fs/cgroup with a memory controller) or v1 (fs/cgroup/memory), and
 * vm.swappiness from s->root. Sets each process's memcg index. No memory
 * controller, or a cgroup that vanished or cannot be read, is not an
 * error: s->memcg_note says what could not be seen. A cgroup file whose
 * text cannot be used is -OVC_E_PARSE naming it (e->file is s->err_file). */
int ovc_live_read_memcgs(const char *sys_root, struct ovc_live_snap *s, struct ovc_err *e);

/* The index in s->memcgs of the cgroup at path ("/a/b"), or -1. */
int ovc_live_memcg_find(const struct ovc_live_snap *s, const char *path);

/* Committed_AS taken apart: the processes' private charges, the shared
 * anonymous objects (each once), SysV segments, tmpfs/memfd pages and the
 * part nothing seen explains. */
void ovc_live_reconcile(const struct ovc_live_snap *s, struct ovc_live_reconcile *rec);

/* Run the model on s. overrides: sysctls to apply first (whatif), n of
 * them; may be NULL. */
int ovc_live_analyze(const struct ovc_live_snap *s, const struct ovc_live_set *overrides,
		     size_t n, struct ovc_live_report *r, struct ovc_err *e);
void ovc_live_report_free(struct ovc_live_report *r);

/* The OOM of the limited cgroup memcg (an index in s->memcgs) as r ranked
 * it, or NULL when that cgroup has no limit of its own. */
const struct ovc_live_memcg_oom *ovc_live_memcg_oom_of(const struct ovc_live_report *r, int memcg);

#endif
