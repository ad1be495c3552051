/* proc_root.c - the proc root handle: openat() below one directory fd, bounded reads, PID listing. */
#define _GNU_SOURCE	/* O_PATH */
#include "live/proc_root.h"

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <stdint.h>
#include <stdlib.h>
#include <unistd.h>

int ovc_proc_root_open(struct ovc_proc_root *r, const char *path)
{
	/* O_RDONLY rather than O_PATH: the PID listing needs getdents(),
	 * which an O_PATH fd refuses. */
	r->fd = open(path, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
	return r->fd < 0 ? -errno : 0;
}

void ovc_proc_root_close(struct ovc_proc_root *r)
{
	if (r->fd >= 0)
		close(r->fd);
	r->fd = -1;
}

/*
 * O_PATH: the directory is only an anchor. Opening it needs no read
 * permission, so under hidepid=1 (or a mode-000 fixture directory) the
 * refusal comes from the files inside, one EACCES each, and the process
 * is still listed as denied rather than lost.
 */
int ovc_proc_dir_open(int dirfd, const char *rel)
{
	int fd = openat(dirfd, rel, O_PATH | O_DIRECTORY | O_CLOEXEC);

	return fd < 0 ? -errno : fd;
}

int ovc_proc_file_open(int dirfd, const char *rel)
{
	int fd = openat(dirfd, rel, O_RDONLY | O_CLOEXEC | O_NOCTTY);

	return fd < 0 ? -errno : fd;
}

long ovc_proc_read_fd(int fd, char *buf, size_t cap)
{
	size_t got = 0;

	while (got < cap) {
		ssize_t n = read(fd, buf + got, cap - got);

		if (n < 0 && errno == EINTR)
			continue;
		if (n < 0)
			return -errno;
		if (n == 0)
			break;
		got += (size_t)n;
	}
	return (long)got;
}

long ovc_proc_read_small(int dirfd, const char *rel, char *buf, size_t cap)
{
	int fd = ovc_proc_file_open(dirfd, rel);
	long n;
	char extra;

	if (fd < 0)
		return fd;
	n = ovc_proc_read_fd(fd, buf, cap);
	/* A full buffer may be a cut file: one more byte tells. */
	if (n == (long)cap && ovc_proc_read_fd(fd, &extra, 1) != 0)
		n = -EFBIG;
	close(fd);
	return n;
}

/* A PID directory's name: decimal digits only, no sign, fits an int. */
static int pid_name(const char *s)
{
	long v = 0;

	if (*s < '1' || *s > '9')
		return -1;
	for (; *s; s++) {
		if (*s < '0' || *s > '9')
			return -1;
		v = v * 10 + (*s - '0');
		if (v > INT32_MAX)
			return -1;
	}
	return (int)v;
}

static int cmp_int(const void *a, const void *b)
{
	int x = *(const int *)a, y = *(const int *)b;

	return (x > y) - (x < y);
}

/* Append pid to *v, growing it by doubling. 0 or -ENOMEM. */
static int push_pid(int **v, size_t *n, size_t *cap, int pid)
{
	if (*n == *cap) {
		size_t nc = *cap ? *cap * 2 : 256;
		int *nv = realloc(*v, nc * sizeof(**v));

		if (!nv)
			return -ENOMEM;
		*v = nv;
		*cap = nc;
	}
	(*v)[(*n)++] = pid;
	return 0;
}

/*
 * readdir on a dup of the root fd: closedir() then closes only the dup.
 * The dup shares the file offset, hence the rewind, so a second listing
 * through the same handle starts from the top again.
 */
int ovc_proc_root_pids(const struct ovc_proc_root *r, int **pids, size_t *n)
{
	int fd = dup(r->fd), rc = 0, pid;
	size_t cap = 0;
	struct dirent *d;
	DIR *dir;

	*pids = NULL;
	*n = 0;
	if (fd < 0)
		return -errno;
	dir = fdopendir(fd);
	if (!dir) {
		rc = -errno;
		close(fd);
		return rc;
	}
	rewinddir(dir);
	while (rc == 0 && (errno = 0, d = readdir(dir)) != NULL)
		if ((pid = pid_name(d->d_name)) > 0)
			rc = push_pid(pids, n, &cap, pid);
	if (rc == 0 && errno)
		rc = -errno;
	closedir(dir);
	if (rc < 0) {
		free(*pids);
		*pids = NULL;
		*n = 0;
		return rc;
	}
	qsort(*pids, *n, sizeof(**pids), cmp_int);
	return 0;
}
