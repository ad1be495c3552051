/* real_chan.c - the command channel between the controller and a task process: datagrams with an optional fd.
 *
 * Each channel is an AF_UNIX SOCK_SEQPACKET socketpair, so one send is one
 * message and a dead peer reads as end of file. A file descriptor rides
 * along with SCM_RIGHTS (the new channel of a fork, vfork or thread child;
 * the file of a file mapping). Both sides use these functions, and the
 * task side may not touch the heap: everything here lives on the stack.
 */
#include <errno.h>
#include <poll.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

#include "scenario/real.h"

union real_cmsg {		/* aligned room for one fd */
	struct cmsghdr h;
	char buf[CMSG_SPACE(sizeof(int))];
};

int real_chan_send(int sock, const void *m, size_t len, int fd)
{
	struct iovec iov = { .iov_base = (void *)m, .iov_len = len };
	struct msghdr mh = { .msg_iov = &iov, .msg_iovlen = 1 };
	union real_cmsg c;
	ssize_t r;

	if (fd >= 0) {
		memset(&c, 0, sizeof(c));
		mh.msg_control = c.buf;
		mh.msg_controllen = sizeof(c.buf);
		c.h.cmsg_level = SOL_SOCKET;
		c.h.cmsg_type = SCM_RIGHTS;
		c.h.cmsg_len = CMSG_LEN(sizeof(int));
		memcpy(CMSG_DATA(&c.h), &fd, sizeof(int));
	}
	do
		r = sendmsg(sock, &mh, MSG_NOSIGNAL);
	while (r < 0 && errno == EINTR);
	if (r < 0)
		return -errno;
	return (size_t)r == len ? 0 : -EMSGSIZE;
}

/* Wait until sock is readable (or hung up). 1, 0 on timeout, or -errno. */
static int wait_readable(int sock, int timeout_ms)
{
	struct pollfd p = { .fd = sock, .events = POLLIN };
	int r;

	do
		r = poll(&p, 1, timeout_ms);
	while (r < 0 && errno == EINTR);
	return r < 0 ? -errno : r;
}

/* The fd a message carried, or -1; extra fds are closed. */
static int take_fd(struct msghdr *mh)
{
	struct cmsghdr *h;
	int fd = -1, x;

	for (h = CMSG_FIRSTHDR(mh); h; h = CMSG_NXTHDR(mh, h)) {
		unsigned char *p = CMSG_DATA(h);
		size_t k, n;

		if (h->cmsg_level != SOL_SOCKET || h->cmsg_type != SCM_RIGHTS)
			continue;
		n = (h->cmsg_len - CMSG_LEN(0)) / sizeof(int);
		for (k = 0; k < n; k++) {
			memcpy(&x, p + k * sizeof(int), sizeof(int));
			if (fd < 0)
				fd = x;
			else
				close(x);
		}
	}
	return fd;
}

int real_chan_recv(int sock, void *m, size_t len, int *fd, int timeout_ms)
{
	struct iovec iov = { .iov_base = m, .iov_len = len };
	struct msghdr mh = { .msg_iov = &iov, .msg_iovlen = 1 };
	union real_cmsg c;
	ssize_t r;
	int got;

	if (fd)
		*fd = -1;
	r = wait_readable(sock, timeout_ms);
	if (r <= 0)
		return r == 0 ? -ETIMEDOUT : (int)r;
	memset(&c, 0, sizeof(c));
	mh.msg_control = c.buf;
	mh.msg_controllen = sizeof(c.buf);
	do	/* no MSG_CMSG_CLOEXEC: a child's channel must survive its exec */
		r = recvmsg(sock, &mh, 0);
	while (r < 0 && errno == EINTR);
	if (r < 0)
		return errno == ECONNRESET ? 0 : -errno;
	got = take_fd(&mh);
	if (fd)
		*fd = got;
	else if (got >= 0)
		close(got);
	if (r == 0)
		return 0;
	return (size_t)r == len && !(mh.msg_flags & (MSG_TRUNC | MSG_CTRUNC)) ? (int)r : -EPROTO;
}
