/* real_cgroup.h - the real executor's memory cgroups (cgroup v2): the run's tree below /sys/fs/cgroup, and spawning a task into one.
 *
 * A scenario's `cgroup NAME` is made as the directory
 * /sys/fs/cgroup/ovc.<controller pid>/NAME (PARENT/NAME with parent=),
 * with memory.max, memory.swap.max and memory.oom.group written from the
 * line. The run's own parent, ovc.<pid>, keeps one run's cgroups apart
 * from another's and from the machine's; it has no limit, so a cgroup's
 * OOM and a global OOM see the same tree as in the model (docs/exec.md).
 * A task with cgroup= is spawned into its cgroup with clone3
 * (CLONE_INTO_CGROUP), so every page it faults in is charged there; the
 * controller itself stays where it is (the root cgroup in the VM).
 *
 * State:   none of its own. A cgroup that exists has X->nm[n].made set and
 *          its directory in X->nm[n].path (freed and set to NULL when the
 *          directory is removed); the run's parent is found from the
 *          controller's pid. Teardown removes children before parents.
 * Errors:  0 or -OVC_E_*, with struct ovc_err; a write the kernel refuses
 *          after the setup is the step's errno, not an error.
 * Units:   bytes (the kernel rounds memory.max down to pages, as the model).
 */
#ifndef OVC_SCENARIO_REAL_CGROUP_H
#define OVC_SCENARIO_REAL_CGROUP_H

#include <stddef.h>
#include <stdint.h>
#include <sys/types.h>

#include "scenario/real.h"

#define REAL_CGROUP_MNT		"/sys/fs/cgroup"
#define REAL_CGROUP2_MAGIC	0x63677270	/* CGROUP2_SUPER_MAGIC, linux/magic.h */
#define REAL_CGROUP_DEFAULT_SWAPPINESS 60	/* vm_swappiness's default */

/* ---- pure: the unit tests call these ---- */

/* The run's parent: "MNT/ovc.PID". Returns the length as snprintf does
 * (>= n: cut). */
size_t real_cgroup_run_dir(const char *mnt, long pid, char *buf, size_t n);

/* The directory of cgroup name `name` of s: run_dir, then the names of its
 * parents from the top down, then its own, joined with "/". Returns the
 * length as snprintf does (>= n: cut). */
size_t real_cgroup_path(const struct ovc_scenario *s, int name, const char *run_dir,
			char *buf, size_t n);

/* A limit as memory.max and memory.swap.max take it: "max" when
 * unlimited, else the bytes rounded down to whole pages (the kernel's
 * page_counter_memparse rounds them so; writing what it keeps makes the
 * trace's text the value read back). Returns the length as snprintf. */
size_t real_cgroup_limit_text(int unlimited, uint64_t bytes, uint64_t page, char *buf, size_t n);

/* Is ctl ("memory") one of the words of cgroup.controllers' text? 1 or 0. */
int real_cgroup_has_controller(const char *buf, size_t len, const char *ctl);

/* The column of option key ("swappiness") in a statement's text, whose
 * first byte is at column col: of "key=" as a whole word; col itself when
 * it is not there. */
unsigned real_cgroup_option_col(const char *text, unsigned col, const char *key);

/* ---- the controller ---- */

/* SC_CGROUPLINE (real_ops.c's table): make the cgroup of the statement
 * running. In the setup, silently (the kernel refusing a write is an
 * error); after it, a step whose result is the errno of the first mkdir or
 * write the kernel refused (the half-made directory is removed). The first
 * cgroup line mounts cgroup2 at /sys/fs/cgroup if nothing is mounted
 * there (with a note), enables the memory controller at the root and
 * makes the run's parent; a machine without cgroup2 or its memory
 * controller stops the run with an error. swappiness= other than 60 is an
 * error at its column: cgroup v2 has no per-cgroup swappiness. */
int real_cgroup_op(struct ovc_real *X);

/* An O_PATH descriptor of cgroup name n's directory, for clone3 (*fd; the
 * caller closes it). Errors, at col: the cgroup's line failed, or the
 * directory cannot be opened. */
int real_cgroup_open(struct ovc_real *X, int n, unsigned col, int *fd);

/* Before the final reaping: kill every process left in the run's cgroups
 * (cgroup.kill, 5.14+), so none can keep a cgroup busy. Safe to call when
 * there are none. */
void real_cgroup_kill(struct ovc_real *X);

/* After every task process is reaped: remove the run's cgroups, children
 * first, then the run's parent. What cannot be removed is noted. */
void real_cgroup_remove(struct ovc_real *X);

/* ---- spawning into a cgroup ---- */

/* Start path with argv and envp in a new process (exit signal SIGCHLD,
 * so the caller reaps it), as posix_spawn with POSIX_SPAWN_SETSIGDEF (all
 * signals) and an empty signal mask would, fd_from duplicated to fd_to
 * first (both -1: none), and, if cgroup_fd >= 0, in that cgroup from its
 * first instruction: clone3(CLONE_VM | CLONE_VFORK | CLONE_INTO_CGROUP)
 * on a stack of its own, then execve. Returns 0 with *pid once the child
 * has exec'd, or -errno: of clone3 (ENOSYS before 5.7, or on an
 * architecture other than x86-64, where it is not written), of the dup,
 * or of execve (the child is then reaped here). */
int real_spawn_in_cgroup(int cgroup_fd, const char *path, char *const argv[],
			 char *const envp[], int fd_from, int fd_to, pid_t *pid);

#endif
