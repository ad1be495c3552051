/* real_kmsg.c - /dev/kmsg records: the OOM killer's "Killed process" lines parsed, and the reader that drains them after each step.
 *
 * The formats (real_kmsg.h) are those of mm/oom_kill.c __oom_kill_process
 * and mm/memcontrol.c mem_cgroup_print_oom_group, read in 6.1.135
 * (Anything-at-25-00/kernel_common_android14-6.1) and unchanged in the
 * mainline context of a July 2025 patch (after 6.12). The record framing
 * is kernel/printk/printk.c devkmsg_read (info_print_ext_header,
 * msg_print_ext_body).
 */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <string.h>
#include <unistd.h>

#include "ovc/err.h"
#include "scenario/real_kmsg.h"

/* ------------------------------------------------------------------
 * The framing: "PRI,SEQ,TS,FLAGS[,...];TEXT\n[ KEY=VALUE\n]..."
 */

/* A decimal number of at most 64 bits at s[*i..end). 0, or -1. */
static int number(const char *s, size_t end, size_t *i, uint64_t *v)
{
	size_t start = *i;

	*v = 0;
	while (*i < end && s[*i] >= '0' && s[*i] <= '9') {
		unsigned d = (unsigned)(s[*i] - '0');

		if (*v > (UINT64_MAX - d) / 10)
			return -1;
		*v = *v * 10 + d;
		(*i)++;
	}
	return *i > start ? 0 : -1;
}

/* The header up to ';': PRI, SEQ and TS numbers, each followed by ','
 * (the flags and any later fields are not looked at). On success *text
 * is where TEXT starts and *text_len its length (to the first '\n'). */
static int framing(const char *rec, size_t len, uint64_t *pri, const char **text,
		   size_t *text_len)
{
	size_t semi, i = 0, t;
	uint64_t seq, ts;

	for (semi = 0; semi < len && rec[semi] != ';' && rec[semi] != '\n'; semi++)
		;
	if (semi == len || rec[semi] != ';')
		return -OVC_E_PARSE;
	if (number(rec, semi, &i, pri) < 0 || i >= semi || rec[i++] != ',' ||
	    number(rec, semi, &i, &seq) < 0 || i >= semi || rec[i++] != ',' ||
	    number(rec, semi, &i, &ts) < 0 || (i < semi && rec[i] != ','))
		return -OVC_E_PARSE;
	for (t = semi + 1; t < len && rec[t] != '\n'; t++)
		;
	*text = rec + semi + 1;
	*text_len = t - semi - 1;
	return 0;
}

/* ------------------------------------------------------------------
 * TEXT
 */

static int starts(const char *s, size_t n, const char *p)
{
	size_t pn = strlen(p);

	return n >= pn && memcmp(s, p, pn) == 0;
}

static int ends(const char *s, size_t n, const char *p)
{
	size_t pn = strlen(p);

	return n >= pn && memcmp(s + n - pn, p, pn) == 0;
}

/* The last occurrence of p in s[0..n), or -1. */
static long last_of(const char *s, size_t n, const char *p)
{
	size_t pn = strlen(p);

	for (size_t i = n >= pn ? n - pn + 1 : 0; i-- > 0;)
		if (memcmp(s + i, p, pn) == 0)
			return (long)i;
	return -1;
}

static int contains(const char *s, size_t n, const char *p)
{
	return last_of(s, n, p) >= 0;
}

static int hexval(char c)
{
	if (c >= '0' && c <= '9')
		return c - '0';
	if (c >= 'a' && c <= 'f')
		return c - 'a' + 10;
	if (c >= 'A' && c <= 'F')
		return c - 'A' + 10;
	return -1;
}

/* s[0..n) with "\xNN" undone, into out (cut to cap - 1 bytes, NUL-ended). */
static void unescape(const char *s, size_t n, char *out, size_t cap)
{
	size_t o = 0;

	for (size_t i = 0; i < n && o + 1 < cap; i++) {
		int hi, lo;

		if (s[i] == '\\' && i + 3 < n && s[i + 1] == 'x' &&
		    (hi = hexval(s[i + 2])) >= 0 && (lo = hexval(s[i + 3])) >= 0) {
			out[o++] = (char)(hi << 4 | lo);
			i += 3;
		} else {
			out[o++] = s[i];
		}
	}
	out[o] = '\0';
}

/* The MESSAGE prefixes of the kill record (oom_kill_process callers in
 * out_of_memory; memcg OOMs too). The empty one last: 4.x before 5.1. */
static const struct {
	const char *text;
	enum ovc_oom_message message;
} prefixes[] = {
	{ "Out of memory: ", OVC_OOM_MSG_OUT_OF_MEMORY },
	{ "Memory cgroup out of memory: ", OVC_OOM_MSG_MEMCG },
	{ "Out of memory (oom_kill_allocating_task): ", OVC_OOM_MSG_ALLOCATING_TASK },
	{ "", OVC_OOM_MSG_OUT_OF_MEMORY },
};

#define KILLED	"Killed process "

/* "Killed process PID (COMM)..." after a prefix. The COMM ends at the
 * last ") total-vm:" (nothing after it can contain that), or at the last
 * ')' when the record has no sizes (2.6.32); so a COMM holding ") " or
 * "(" cannot move the PID or cut the name. 1 and k filled, or 0. */
static int kill_text(const char *s, size_t n, struct ovc_real_kill *k)
{
	size_t i = 0;
	uint64_t pid;
	long open, close;

	if (number(s, n, &i, &pid) < 0 || pid == 0 || pid > INT32_MAX)
		return 0;
	if (starts(s + i, n - i, ", UID "))	/* RHEL6: ", UID U, (COMM)" */
		while (i < n && s[i] != '(')
			i++;
	else if (starts(s + i, n - i, " "))
		i++;
	if (i >= n || s[i] != '(')
		return 0;
	open = (long)i;
	close = last_of(s, n, ") total-vm:");
	if (close < 0)
		close = last_of(s, n, ")");
	if (close <= open)
		return 0;
	k->pid = (int)pid;
	unescape(s + open + 1, (size_t)(close - open - 1), k->comm, sizeof(k->comm));
	return 1;
}

int ovc_real_kmsg_classify(const char *rec, size_t len, struct ovc_real_kill *k)
{
	const char *s;
	size_t n, p;
	uint64_t pri;
	int r = framing(rec, len, &pri, &s, &n);

	if (r < 0)
		return r;
	if (pri >> 3)		/* not the kernel's own (facility 0) */
		return OVC_REAL_KMSG_OTHER;
	for (p = 0; p < sizeof(prefixes) / sizeof(prefixes[0]); p++) {
		size_t pl = strlen(prefixes[p].text);
		struct ovc_real_kill got;

		if (!starts(s, n, prefixes[p].text) || !starts(s + pl, n - pl, KILLED))
			continue;
		memset(&got, 0, sizeof(got));
		if (!kill_text(s + pl + strlen(KILLED), n - pl - strlen(KILLED), &got))
			return OVC_REAL_KMSG_OTHER;
		got.message = prefixes[p].message;
		got.prefixed = pl > 0;
		got.reason = OVC_OOM_KILL_VICTIM;
		*k = got;
		return OVC_REAL_KMSG_KILL;
	}
	if (contains(s, n, " invoked oom-killer: "))
		return OVC_REAL_KMSG_INVOKED;
	if (starts(s, n, "Tasks in ") &&
	    ends(s, n, " are going to be killed due to memory.oom.group set"))
		return OVC_REAL_KMSG_GROUP;
	return OVC_REAL_KMSG_OTHER;
}

int ovc_real_kmsg_kill(const char *rec, size_t len, struct ovc_real_kill *k)
{
	struct ovc_real_kill got;
	int r = ovc_real_kmsg_classify(rec, len, &got);

	if (r < 0)
		return r;
	if (r != OVC_REAL_KMSG_KILL)
		return 0;
	*k = got;
	return 1;
}

int ovc_real_kmsg_feed(struct ovc_real_kmsg_ctx *c, const char *rec, size_t len,
		       struct ovc_real_kill *k)
{
	struct ovc_real_kill got;
	int r = ovc_real_kmsg_classify(rec, len, &got);

	if (r < 0)
		return r;
	switch (r) {
	case OVC_REAL_KMSG_INVOKED:
		c->group = 0;
		return 0;
	case OVC_REAL_KMSG_GROUP:
		c->group = 1;
		return 0;
	case OVC_REAL_KMSG_KILL:
		got.reason = c->group ? OVC_OOM_KILL_GROUP : OVC_OOM_KILL_VICTIM;
		*k = got;
		return 1;
	default:
		return 0;
	}
}

/* ------------------------------------------------------------------
 * The reader
 */

/* CONSOLE_EXT_LOG_MAX: a record with its continuation lines fits. A
 * smaller buffer makes read() fail with EINVAL without moving on. */
#define KMSG_RECORD_MAX	8192
/* At most this many records per drain: a log flooded by something else
 * cannot keep the controller here. */
#define KMSG_DRAIN_MAX	100000

int real_kmsg_open(struct real_kmsg *km)
{
	memset(km, 0, sizeof(*km));
	km->fd = open("/dev/kmsg", O_RDONLY | O_NONBLOCK | O_CLOEXEC);
	if (km->fd < 0) {
		km->open_err = errno;
		return -km->open_err;
	}
	if (lseek(km->fd, 0, SEEK_END) < 0) {	/* only what comes from now on */
		km->open_err = errno;
		close(km->fd);
		km->fd = -1;
		return -km->open_err;
	}
	return 0;
}

int real_kmsg_drain(struct real_kmsg *km, int (*fn)(void *arg, const struct ovc_real_kill *k),
		    void *arg)
{
	char buf[KMSG_RECORD_MAX];
	int kills = 0;

	if (km->fd < 0)
		return 0;
	for (int i = 0; i < KMSG_DRAIN_MAX; i++) {
		struct ovc_real_kill k;
		ssize_t n = read(km->fd, buf, sizeof(buf));
		int r;

		if (n < 0 && errno == EINTR)
			continue;
		if (n < 0 && errno == EPIPE) {	/* overwritten before we read them */
			km->lost++;
			continue;
		}
		if (n < 0)
			return errno == EAGAIN ? kills : -errno;
		if (n == 0)
			return kills;
		r = ovc_real_kmsg_feed(&km->ctx, buf, (size_t)n, &k);
		if (r < 0) {
			km->bad++;
			continue;
		}
		if (r == 1) {
			int f = fn(arg, &k);

			if (f < 0)
				return f;
			kills++;
		}
	}
	return kills;
}

void real_kmsg_close(struct real_kmsg *km)
{
	if (km->fd >= 0)
		close(km->fd);
	km->fd = -1;
}
