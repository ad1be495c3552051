/* real_proc.c - the real executor's /proc parsers (pure, on text) and the small wrappers that read the files.
 *
 * Each format has one parser that takes a buffer and fills numbers; a
 * wrapper opens the file and calls it. The parsers never trust the text:
 * lines without a colon, numbers that overflow and unknown names are
 * skipped, and nothing is read past len (the buffers need not end in NUL).
 *
 * Units: kB, as /proc prints them (HugePages_* are counts); addresses in
 * bytes.
 */
#include <errno.h>
#include <fcntl.h>
#include <inttypes.h>
#include <stddef.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

#include "scenario/real.h"

/* ---- small scanners ---- */

/* The line starting at buf[*pos]: sets *line, *n and moves *pos past it. */
static int next_line(const char *buf, size_t len, size_t *pos, const char **line, size_t *n)
{
	const char *nl;

	if (*pos >= len)
		return 0;
	*line = buf + *pos;
	nl = memchr(*line, '\n', len - *pos);
	*n = nl ? (size_t)(nl - *line) : len - *pos;
	*pos += *n + (nl != NULL);
	return 1;
}

static size_t skip_blanks(const char *s, size_t n, size_t i)
{
	while (i < n && (s[i] == ' ' || s[i] == '\t'))
		i++;
	return i;
}

/* An unsigned decimal at s[*i]; 0 if none or it overflows. */
static int scan_u64(const char *s, size_t n, size_t *i, uint64_t *v)
{
	size_t start = *i;

	*v = 0;
	for (; *i < n && s[*i] >= '0' && s[*i] <= '9'; (*i)++)
		if (__builtin_mul_overflow(*v, 10, v) || __builtin_add_overflow(*v, (uint64_t)(s[*i] - '0'), v))
			return 0;
	return *i > start;
}

static int scan_hex(const char *s, size_t n, size_t *i, uint64_t *v)
{
	size_t start = *i;
	int d;

	*v = 0;
	for (; *i < n; (*i)++) {
		char c = s[*i];

		d = c >= '0' && c <= '9' ? c - '0' : c >= 'a' && c <= 'f' ? c - 'a' + 10 : -1;
		if (d < 0)
			break;
		if (*v >> 60)
			return 0;
		*v = *v << 4 | (uint64_t)d;
	}
	return *i > start;
}

/* "Name:   123 kB" into name (its length) and value. */
static int name_value(const char *line, size_t n, size_t *namelen, uint64_t *v)
{
	const char *colon = memchr(line, ':', n);
	size_t i;

	if (!colon)
		return 0;
	*namelen = (size_t)(colon - line);
	i = skip_blanks(line, n, *namelen + 1);
	return scan_u64(line, n, &i, v);
}

static int name_is(const char *s, size_t n, const char *lit)
{
	return strlen(lit) == n && memcmp(s, lit, n) == 0;
}

/* ---- /proc/meminfo ---- */

static int meminfo_set(struct ovc_meminfo *mi, const char *name, size_t n, uint64_t v)
{
	size_t count, k;
	const struct ovc_meminfo_field *f = ovc_meminfo_fields(&count);

	for (k = 0; k < count; k++) {
		if (name_is(name, n, f[k].name)) {
			memcpy((char *)mi + f[k].offset, &v, sizeof(v));
			return 1;
		}
	}
	return 0;
}

int ovc_real_meminfo_parse(const char *buf, size_t len, struct ovc_meminfo *mi,
			   uint64_t *kreclaimable_kb)
{
	const char *line;
	size_t pos = 0, n, namelen;
	int found = 0, total = 0;
	uint64_t v;

	memset(mi, 0, sizeof(*mi));
	if (kreclaimable_kb)
		*kreclaimable_kb = 0;
	while (next_line(buf, len, &pos, &line, &n)) {
		if (!name_value(line, n, &namelen, &v))
			continue;
		if (name_is(line, namelen, "KReclaimable") && kreclaimable_kb)
			*kreclaimable_kb = v;
		else if (meminfo_set(mi, line, namelen, v))
			found++, total |= name_is(line, namelen, "MemTotal");
	}
	if (!total)
		return -OVC_E_PARSE;
	mi->kbcommit = mi->committed_as;
	if (mi->mem_total + mi->swap_total)
		mi->pct_commit = (double)mi->committed_as * 100.0 /
				 (double)(mi->mem_total + mi->swap_total);
	return found;
}

/* ---- /proc/PID/stat ---- */

int ovc_real_stat_parse(const char *buf, size_t len, struct ovc_real_stat *st)
{
	const char *paren = NULL;
	size_t i, field = 3;
	uint64_t v;

	for (i = 0; i < len; i++)	/* the last ')': comm may hold any byte */
		if (buf[i] == ')')
			paren = buf + i;
	if (!paren)
		return -OVC_E_PARSE;
	i = skip_blanks(buf, len, (size_t)(paren - buf) + 1);
	if (i >= len)
		return -OVC_E_PARSE;
	memset(st, 0, sizeof(*st));
	st->state = buf[i];
	st->exit_code = -1;
	while (i < len && buf[i] != ' ')
		i++;
	while (i < len && field < 52) {
		i = skip_blanks(buf, len, i);
		field++;
		if (i < len && buf[i] == '-')	/* some fields may be negative */
			i++;
		if (!scan_u64(buf, len, &i, &v))
			return field > 47 ? 0 : -OVC_E_PARSE;
		if (field == 47)
			st->start_brk = v;
		else if (field == 52 && v <= INT32_MAX)
			st->exit_code = (int)v;
	}
	return field >= 47 ? 0 : -OVC_E_PARSE;
}

/* ---- /proc/PID/status ---- */

int ovc_real_status_parse(const char *buf, size_t len, uint64_t *vmsize_kb, uint64_t *rss_kb)
{
	const char *line;
	size_t pos = 0, n, namelen;
	int got = 0;
	uint64_t v;

	while (next_line(buf, len, &pos, &line, &n)) {
		if (!name_value(line, n, &namelen, &v))
			continue;
		if (name_is(line, namelen, "VmSize"))
			*vmsize_kb = v, got |= 1;
		else if (name_is(line, namelen, "VmRSS"))
			*rss_kb = v, got |= 2;
	}
	return got == 3 ? 0 : -OVC_E_PARSE;
}

/* What the OOM killer counts of a process, as /proc/PID/status shows it. */
int ovc_real_status_oom_parse(const char *buf, size_t len, struct ovc_real_status *st)
{
	static const struct { const char *name; size_t off; } f[] = {
		{ "VmSize", offsetof(struct ovc_real_status, vmsize_kb) },
		{ "RssAnon", offsetof(struct ovc_real_status, rss_anon_kb) },
		{ "RssFile", offsetof(struct ovc_real_status, rss_file_kb) },
		{ "RssShmem", offsetof(struct ovc_real_status, rss_shmem_kb) },
		{ "VmPTE", offsetof(struct ovc_real_status, pte_kb) },
		{ "VmSwap", offsetof(struct ovc_real_status, swap_kb) },
	};
	const char *line;
	size_t pos = 0, n, namelen, k;
	unsigned got = 0;
	uint64_t v;

	memset(st, 0, sizeof(*st));
	while (next_line(buf, len, &pos, &line, &n)) {
		if (!name_value(line, n, &namelen, &v))
			continue;
		for (k = 0; k < sizeof(f) / sizeof(f[0]); k++)
			if (name_is(line, namelen, f[k].name)) {
				memcpy((char *)st + f[k].off, &v, sizeof(v));
				got |= 1u << k;
			}
	}
	return got == (1u << (sizeof(f) / sizeof(f[0]))) - 1 ? 0 : -OVC_E_PARSE;
}

/* ---- /proc/PID/smaps ---- */

void ovc_real_smaps_init(struct ovc_real_smaps *a, struct ovc_real_vma *vmas, size_t cap)
{
	memset(a, 0, sizeof(*a));
	a->vmas = vmas;
	a->cap = cap;
}

/* The VMA read so far is complete: count it. */
static void smaps_close(struct ovc_real_smaps *a)
{
	if (!a->in_vma)
		return;
	a->in_vma = 0;
	if (a->cur_vsyscall)	/* the gate area: not a VMA of the mm */
		return;
	a->map_count++;
	if (a->cur.account)
		a->committed_kb += (a->cur.end - a->cur.start) >> 10;
	if (a->vmas && a->nvmas < a->cap)
		a->vmas[a->nvmas++] = a->cur;
}

/* The last blank-separated word of s[0..n), copied into dst (cut to fit). */
static void last_word(const char *s, size_t n, char *dst, size_t size)
{
	size_t end = n, start;

	while (end && (s[end - 1] == ' ' || s[end - 1] == '\t'))
		end--;
	start = end;
	while (start && s[start - 1] != ' ' && s[start - 1] != '/' && s[start - 1] != '\t')
		start--;
	if (end - start >= size)
		end = start + size - 1;
	memcpy(dst, s + start, end - start);
	dst[end - start] = '\0';
}

/* "start-end perms offset dev inode [path]": 1 if line is such a header. */
static int smaps_header(struct ovc_real_smaps *a, const char *s, size_t n)
{
	struct ovc_real_vma v;
	uint64_t inode;
	size_t i = 0, j;

	memset(&v, 0, sizeof(v));
	if (!scan_hex(s, n, &i, &v.start) || i >= n || s[i++] != '-' ||
	    !scan_hex(s, n, &i, &v.end) || i + 5 >= n || s[i] != ' ')
		return 0;
	memcpy(v.perms, s + i + 1, 4);
	i = skip_blanks(s, n, i + 5);
	if (!scan_hex(s, n, &i, &v.offset))
		return 0;
	i = skip_blanks(s, n, i);
	while (i < n && s[i] != ' ')	/* dev */
		i++;
	i = skip_blanks(s, n, i);
	if (!scan_u64(s, n, &i, &inode))
		return 0;
	j = skip_blanks(s, n, i);
	v.file = inode != 0;
	if (j < n)
		last_word(s + j, n - j, v.name, sizeof(v.name));
	smaps_close(a);
	a->cur = v;
	a->in_vma = 1;
	a->cur_vsyscall = strcmp(v.name, "[vsyscall]") == 0;
	return 1;
}

/* "VmFlags: rd wr mr mw me ac": is "ac" among the words? */
static int has_ac(const char *s, size_t n)
{
	size_t i;

	for (i = 0; i + 1 < n; i++)
		if (s[i] == 'a' && s[i + 1] == 'c' && (i == 0 || s[i - 1] == ' ') &&
		    (i + 2 == n || s[i + 2] == ' '))
			return 1;
	return 0;
}

void ovc_real_smaps_line(struct ovc_real_smaps *a, const char *line, size_t n)
{
	size_t namelen;
	uint64_t v;

	if (n && ((line[0] >= '0' && line[0] <= '9') || (line[0] >= 'a' && line[0] <= 'f')) &&
	    smaps_header(a, line, n))
		return;
	if (!a->in_vma)
		return;
	if (n > 8 && memcmp(line, "VmFlags:", 8) == 0)
		a->cur.account = (uint8_t)has_ac(line + 8, n - 8);
	else if (!a->cur_vsyscall && name_value(line, n, &namelen, &v) && name_is(line, namelen, "Rss"))
		a->rss_kb += v;
}

void ovc_real_smaps_end(struct ovc_real_smaps *a)
{
	smaps_close(a);
}

/* ---- /proc/vmstat ---- */

int64_t ovc_real_vmstat_oom_kills(const char *buf, size_t len)
{
	const char *line;
	size_t pos = 0, n, i;
	uint64_t v;

	while (next_line(buf, len, &pos, &line, &n)) {
		if (n < 9 || memcmp(line, "oom_kill ", 9) != 0)
			continue;
		i = 9;
		if (scan_u64(line, n, &i, &v) && v <= INT64_MAX)
			return (int64_t)v;
	}
	return -1;
}

/* ---- the kernel command line ---- */

int ovc_real_disposable(const char *cmdline, size_t len)
{
	static const char word[] = "ovc.disposable=1";
	size_t w = sizeof(word) - 1, i;

	for (i = 0; i + w <= len; i++) {
		int starts = i == 0 || cmdline[i - 1] == ' ' || cmdline[i - 1] == '\t';
		int ends = i + w == len || cmdline[i + w] == ' ' || cmdline[i + w] == '\t' ||
			   cmdline[i + w] == '\n' || cmdline[i + w] == '\0';

		if (starts && ends && memcmp(cmdline + i, word, w) == 0)
			return 1;
	}
	return 0;
}

/* ------------------------------------------------------------------ */
/* The file wrappers (the controller only: they use the stack, not the heap) */

long real_read_small(const char *path, char *buf, size_t n)
{
	int fd = open(path, O_RDONLY | O_CLOEXEC);
	size_t got = 0;
	ssize_t r = 0;

	if (fd < 0)
		return -errno;
	while (got + 1 < n && (r = read(fd, buf + got, n - 1 - got)) > 0)
		got += (size_t)r;
	if (r < 0)
		r = -errno;
	close(fd);
	if (r < 0)
		return (long)r;
	buf[got] = '\0';
	return (long)got;
}

int real_read_meminfo(struct ovc_meminfo *mi, uint64_t *kreclaimable_kb)
{
	char buf[8192];
	long n = real_read_small("/proc/meminfo", buf, sizeof(buf));

	if (n < 0)
		return -OVC_E_IO;
	return ovc_real_meminfo_parse(buf, (size_t)n, mi, kreclaimable_kb) < 0 ? -OVC_E_IO : 0;
}

int real_read_stat(int pid, struct ovc_real_stat *st)
{
	char path[64], buf[2048];
	long n;

	snprintf(path, sizeof(path), "/proc/%d/stat", pid);
	n = real_read_small(path, buf, sizeof(buf));
	if (n < 0)
		return (int)n;
	return ovc_real_stat_parse(buf, (size_t)n, st);
}

int real_read_status(int pid, uint64_t *vmsize_kb, uint64_t *rss_kb)
{
	char path[64], buf[8192];
	long n;

	snprintf(path, sizeof(path), "/proc/%d/status", pid);
	n = real_read_small(path, buf, sizeof(buf));
	if (n < 0)
		return (int)n;
	return ovc_real_status_parse(buf, (size_t)n, vmsize_kb, rss_kb);
}

/* Feed the complete lines of buf[0..*n) to a, keep the partial last one. */
static void smaps_feed(struct ovc_real_smaps *a, char *buf, size_t *n, int eof)
{
	size_t pos = 0, len;
	const char *line;

	for (;;) {
		char *nl = memchr(buf + pos, '\n', *n - pos);

		if (!nl && !(eof && pos < *n))
			break;
		line = buf + pos;
		len = nl ? (size_t)(nl - line) : *n - pos;
		ovc_real_smaps_line(a, line, len);
		pos += len + (nl != NULL);
	}
	memmove(buf, buf + pos, *n - pos);
	*n -= pos;
}

int real_read_smaps(int pid, struct ovc_real_smaps *a)
{
	char path[64], buf[16384];
	size_t n = 0;
	ssize_t r;
	int fd;

	snprintf(path, sizeof(path), "/proc/%d/smaps", pid);
	fd = open(path, O_RDONLY | O_CLOEXEC);
	if (fd < 0)
		return -errno;
	while ((r = read(fd, buf + n, sizeof(buf) - n)) > 0) {
		n += (size_t)r;
		if (n == sizeof(buf) && !memchr(buf, '\n', n))
			n = 0;	/* a line longer than the buffer: drop it */
		smaps_feed(a, buf, &n, 0);
	}
	if (r < 0) {
		r = -errno;
		close(fd);
		return (int)r;
	}
	close(fd);
	smaps_feed(a, buf, &n, 1);
	ovc_real_smaps_end(a);
	return 0;
}

int64_t real_read_oom_kills(void)
{
	char buf[16384];
	long n = real_read_small("/proc/vmstat", buf, sizeof(buf));

	return n < 0 ? -1 : ovc_real_vmstat_oom_kills(buf, (size_t)n);
}

int real_sysctl_read(const char *name, int64_t *v)
{
	char path[96], buf[64];
	long long x;
	long n;

	snprintf(path, sizeof(path), "/proc/sys/vm/%s", name);
	n = real_read_small(path, buf, sizeof(buf));
	if (n < 0)
		return (int)n;
	if (sscanf(buf, "%lld", &x) != 1)
		return -EINVAL;
	*v = x;
	return 0;
}

int real_sysctl_write(const char *name, int64_t v)
{
	char path[96], buf[32];
	int fd, n, rc = 0;

	snprintf(path, sizeof(path), "/proc/sys/vm/%s", name);
	fd = open(path, O_WRONLY | O_CLOEXEC);
	if (fd < 0)
		return -errno;
	n = snprintf(buf, sizeof(buf), "%lld\n", (long long)v);
	errno = 0;
	if (write(fd, buf, (size_t)n) != n)
		rc = errno ? -errno : -EIO;
	if (close(fd) < 0 && !rc)
		rc = -errno;
	return rc;
}
