/* proc_root.h - a proc tree's root directory as a handle: files are read relative to it.
 *
 * The root is an argument ("/proc", or a fixture tree), never a global:
 * every file below it is opened with openat() on the handle's fd, so a
 * test points the whole reader at a fake tree by passing another path.
 *
 * State:   struct ovc_proc_root, owned by the caller.
 * Errors:  these helpers return a negative errno (-ENOENT, -EACCES, ...),
 *          not OVC_E_*: the caller decides whether a missing file means a
 *          vanished process, a denied one or a broken tree.
 */
#ifndef OVC_LIVE_PROC_ROOT_H
#define OVC_LIVE_PROC_ROOT_H

#include <stddef.h>

struct ovc_proc_root {
	int fd;			/* the root directory, O_RDONLY|O_DIRECTORY; -1 closed */
};

/* Open path as the root. 0 or -errno (r->fd is then -1). */
int ovc_proc_root_open(struct ovc_proc_root *r, const char *path);
void ovc_proc_root_close(struct ovc_proc_root *r);

/* A directory below dirfd (a PID directory), as an O_PATH fd that only
 * anchors further openat() calls. fd or -errno. */
int ovc_proc_dir_open(int dirfd, const char *rel);

/* A file below dirfd, for reading. fd or -errno. */
int ovc_proc_file_open(int dirfd, const char *rel);

/* Read at most cap bytes of fd into buf (no NUL added), retrying short
 * reads until EOF or cap. Bytes read, or -errno (ESRCH: the process of a
 * /proc file went away). */
long ovc_proc_read_fd(int fd, char *buf, size_t cap);

/* Read the whole of a small file below dirfd into buf (no NUL added).
 * Bytes read, or -errno; -EFBIG if the file does not fit in cap, so a
 * caller never parses a silently cut file. */
long ovc_proc_read_small(int dirfd, const char *rel, char *buf, size_t cap);

/* The numeric entries of the root (PID directories), sorted ascending,
 * in a malloc'd array the caller frees. 0 or -errno. */
int ovc_proc_root_pids(const struct ovc_proc_root *r, int **pids, size_t *n);

#endif
