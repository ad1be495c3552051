/* cgroup_parse.c - pure parsers of memory cgroup files (limits, byte counts, flat keys, controllers) and /proc/PID/cgroup lines (bytes). */
#include "live/cgroup_parse.h"

#include <string.h>

/* ------------------------------------------------------------------ */
/* Scanning a bounded buffer                                            */

static int is_blank(char c)
{
	return c == ' ' || c == '\t';
}

static int is_space(char c)
{
	return is_blank(c) || c == '\n';
}

static int is_digit(char c)
{
	return c >= '0' && c <= '9';
}

static size_t skip_spaces(const char *s, size_t n, size_t i)
{
	while (i < n && is_space(s[i]))
		i++;
	return i;
}

static size_t skip_blanks(const char *s, size_t n, size_t i)
{
	while (i < n && is_blank(s[i]))
		i++;
	return i;
}

/* How a number at s[*i] went: its value in *v, *i past its digits (or,
 * when it does not fit, at the digit that overflows). */
enum scan { SCAN_OK, SCAN_NONE, SCAN_BIG };

static enum scan scan_u64(const char *s, size_t n, size_t *i, uint64_t *v)
{
	size_t start = *i;
	uint64_t x = 0;

	for (; *i < n && is_digit(s[*i]); (*i)++) {
		unsigned d = (unsigned)(s[*i] - '0');

		if (x > (UINT64_MAX - d) / 10)
			return SCAN_BIG;
		x = x * 10 + d;
	}
	*v = x;
	return *i > start ? SCAN_OK : SCAN_NONE;
}

/* The text breaks at buf[pos]: its 1-based line and column into e. */
static int bad_at(const char *buf, size_t pos, struct ovc_err *e, const char *what)
{
	unsigned line = 1;
	size_t i, start = 0;

	for (i = 0; i < pos; i++) {
		if (buf[i] == '\n') {
			line++;
			start = i + 1;
		}
	}
	if (e) {
		e->line = line;
		e->col = (unsigned)(pos - start + 1);
	}
	return ovc_err_set(e, OVC_E_PARSE, "%s", what);
}

/* A number at buf[*i], or the error at where it breaks. */
static int number_at(const char *buf, size_t len, size_t *i, uint64_t *v, struct ovc_err *e,
		     const char *what)
{
	switch (scan_u64(buf, len, i, v)) {
	case SCAN_OK:
		return 0;
	case SCAN_BIG:
		return bad_at(buf, *i, e, "the number does not fit 64 bits");
	default:
		return bad_at(buf, *i, e, what);
	}
}

/* Nothing but white space from buf[i] on. */
static int end_at(const char *buf, size_t len, size_t i, struct ovc_err *e)
{
	i = skip_spaces(buf, len, i);
	return i == len ? 0 : bad_at(buf, i, e, "expected nothing after the value");
}

/* ------------------------------------------------------------------ */
/* Single values                                                        */

int ovc_cgroup_parse_u64(const char *buf, size_t len, uint64_t *v, struct ovc_err *e)
{
	size_t i = 0;
	uint64_t x = 0;

	if (number_at(buf, len, &i, &x, e, "expected a number") < 0 || end_at(buf, len, i, e) < 0)
		return -OVC_E_PARSE;
	*v = x;
	return 0;
}

/*
 * v2 limits (memory.max, memory.high, memory.swap.max) print "max" for
 * PAGE_COUNTER_MAX and bytes otherwise (mm/memcontrol.c
 * seq_puts_memcg_tunable, used by memory_max_show in 6.1); v1's
 * memory.limit_in_bytes and memory.memsw.limit_in_bytes print
 * counter->max * PAGE_SIZE whatever it is (mem_cgroup_read_u64,
 * RES_LIMIT), so unlimited is a huge number there.
 */
int ovc_cgroup_parse_limit(const char *buf, size_t len, uint64_t *bytes, struct ovc_err *e)
{
	size_t i = 0;
	uint64_t x = 0;

	if (len >= 3 && memcmp(buf, "max", 3) == 0) {
		i = 3;
		x = OVC_LIVE_NOLIMIT;
	} else if (number_at(buf, len, &i, &x, e, "expected a number of bytes or max") < 0) {
		return -OVC_E_PARSE;
	}
	if (end_at(buf, len, i, e) < 0)
		return -OVC_E_PARSE;
	*bytes = x >= OVC_CGROUP_V1_NOLIMIT_BYTES ? OVC_LIVE_NOLIMIT : x;
	return 0;
}

/* ------------------------------------------------------------------ */
/* Flat-keyed files                                                     */

static int key_char(char c)
{
	return is_digit(c) || (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || c == '_' ||
	       c == '.';
}

/* Which of keys[0..n) names s[0..k), or -1. */
static int key_index(const struct ovc_cgroup_key *keys, size_t n, const char *s, size_t k)
{
	size_t j;

	for (j = 0; j < n; j++)
		if (strlen(keys[j].name) == k && memcmp(keys[j].name, s, k) == 0)
			return (int)j;
	return -1;
}

enum { MAX_KEYS = 32 };	/* bits of *found */

/* One line "key value" of s[0..n) (buf[off] is its first byte); its key's
 * index in *k (-1 unknown) and value in *v. */
static int flat_line(const char *buf, size_t off, size_t n, const struct ovc_cgroup_key *keys,
		     size_t nkeys, int *k, uint64_t *v, struct ovc_err *e)
{
	const char *s = buf + off;
	size_t i = 0, end = off + n;

	while (i < n && key_char(s[i]))
		i++;
	if (i == 0)
		return bad_at(buf, off, e, "expected a key");
	*k = key_index(keys, nkeys, s, i);
	if (i == n || !is_blank(s[i]))
		return bad_at(buf, off + i, e, "expected a blank and a number after the key");
	i = off + skip_blanks(s, n, i);
	if (number_at(buf, end, &i, v, e, "expected a number after the key") < 0)
		return -OVC_E_PARSE;
	i = skip_blanks(buf, end, i);
	return i == end ? 0 : bad_at(buf, i, e, "expected the end of the line after the number");
}

/* Into a copy, so that a file that breaks half way changes nothing. */
int ovc_cgroup_parse_flat(const char *buf, size_t len, const struct ovc_cgroup_key *keys,
			  size_t n, unsigned *found, struct ovc_err *e)
{
	uint64_t vals[MAX_KEYS], v = 0;
	unsigned got = 0;
	size_t pos = 0, ln, j;
	const char *nl;
	int k = -1;

	if (n > MAX_KEYS)
		return ovc_err_set(e, OVC_E_RANGE, "at most %d keys can be looked for", MAX_KEYS);
	while (pos < len) {
		nl = memchr(buf + pos, '\n', len - pos);
		ln = (size_t)((nl ? nl : buf + len) - (buf + pos));
		if (skip_blanks(buf + pos, ln, 0) < ln) {
			if (flat_line(buf, pos, ln, keys, n, &k, &v, e) < 0)
				return -OVC_E_PARSE;
			if (k >= 0) {
				vals[k] = v;
				got |= 1u << k;
			}
		}
		pos += ln + (nl != NULL);
	}
	for (j = 0; j < n; j++)
		if (got & 1u << j)
			*keys[j].val = vals[j];
	if (found)
		*found = got;
	return 0;
}

/* ------------------------------------------------------------------ */
/* cgroup.controllers                                                   */

static int ctrl_char(char c)
{
	return is_digit(c) || (c >= 'a' && c <= 'z') || c == '_';
}

/* "cpuset cpu io memory pids\n": one line of names; an empty file (no
 * controller enabled) is valid. */
int ovc_cgroup_parse_controllers(const char *buf, size_t len, int *has_memory,
				 struct ovc_err *e)
{
	size_t i = skip_blanks(buf, len, 0), w;
	int mem = 0;

	while (i < len && buf[i] != '\n') {
		for (w = i; i < len && ctrl_char(buf[i]); i++)
			;
		if (i == w)
			return bad_at(buf, i, e, "expected a controller name");
		mem |= i - w == 6 && memcmp(buf + w, "memory", 6) == 0;
		if (i < len && !is_space(buf[i]))
			return bad_at(buf, i, e, "expected a blank between controller names");
		i = skip_blanks(buf, len, i);
	}
	if (end_at(buf, len, i, e) < 0)
		return -OVC_E_PARSE;
	*has_memory = mem;
	return 0;
}

/* ------------------------------------------------------------------ */
/* /proc/PID/cgroup lines                                               */

int ovc_cgroup_lists_memory(const char *s, size_t n)
{
	size_t i = 0, w;

	while (i < n) {
		for (w = i; i < n && s[i] != ','; i++)
			;
		if (i - w == 6 && memcmp(s + w, "memory", 6) == 0)
			return 1;
		i++;
	}
	return 0;
}

/* An absolute path of cgroup names: "/" or "/a/b", no empty, "." or
 * ".." component. */
static int path_ok(const char *p, size_t n)
{
	size_t i = 1, w;

	if (n == 0 || p[0] != '/')
		return 0;
	if (n == 1)
		return 1;
	while (i <= n) {
		for (w = i; i < n && p[i] != '/'; i++)
			;
		if (i == w || (i - w == 1 && p[w] == '.') ||
		    (i - w == 2 && p[w] == '.' && p[w + 1] == '.'))
			return 0;
		i++;
	}
	return 1;
}

int ovc_cgroup_parse_line(const char *line, size_t len, int *version, const char **path,
			  size_t *plen)
{
	static const char deleted[] = " (deleted)";
	const size_t dn = sizeof(deleted) - 1;
	const char *c1, *c2, *p;
	size_t i, n;
	int v;

	while (len > 0 && line[len - 1] == '\n')
		len--;
	c1 = memchr(line, ':', len);
	c2 = c1 ? memchr(c1 + 1, ':', len - (size_t)(c1 + 1 - line)) : NULL;
	if (!c2 || c1 == line)
		return -OVC_E_PARSE;
	for (i = 0; line + i < c1; i++)
		if (!is_digit(line[i]))
			return -OVC_E_PARSE;
	p = c2 + 1;
	n = len - (size_t)(p - line);
	if (c1 - line == 1 && line[0] == '0' && c2 == c1 + 1) {
		v = 2;
		/* proc_cgroup_show marks a v2 cgroup that was removed */
		if (n > dn && memcmp(p + n - dn, deleted, dn) == 0)
			n -= dn;
	} else if (ovc_cgroup_lists_memory(c1 + 1, (size_t)(c2 - c1 - 1))) {
		v = 1;
	} else {
		return -OVC_E_PARSE;
	}
	if (!path_ok(p, n))
		return -OVC_E_PARSE;
	*version = v;
	*path = p;
	*plen = n;
	return 0;
}
