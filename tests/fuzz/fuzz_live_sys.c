/* fuzz_live_sys.c - libFuzzer target: every pure memory cgroup parser of live/cgroup_parse.c (limits, numbers, flat keys, controllers, /proc/PID/cgroup lines) on any bytes. */
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include "live/cgroup_parse.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

/* An error is a parse error at a place inside the text (or one past
 * its end), with a message; a success leaves e alone. */
static void check_err(int rc, const struct ovc_err *e, const char *s, size_t n)
{
	unsigned lines = 1;
	size_t i;

	if (rc == 0) {
		if (e->code != 0)
			__builtin_trap();
		return;
	}
	for (i = 0; i < n; i++)
		lines += s[i] == '\n';
	if (rc != -OVC_E_PARSE || e->code != OVC_E_PARSE || e->line < 1 || e->line > lines ||
	    e->col < 1 || e->col > n + 1 || !memchr(e->msg, 0, sizeof(e->msg)) || !e->msg[0])
		__builtin_trap();
}

static void limit(const char *s, size_t n)
{
	struct ovc_err e = { 0 };
	uint64_t v = 7;
	int rc = ovc_cgroup_parse_limit(s, n, &v, &e);

	check_err(rc, &e, s, n);
	if (rc == 0 && v != OVC_LIVE_NOLIMIT && v >= OVC_CGROUP_V1_NOLIMIT_BYTES)
		__builtin_trap();
	if (rc < 0 && v != 7)
		__builtin_trap();
}

static void number(const char *s, size_t n)
{
	struct ovc_err e = { 0 };
	uint64_t v = 7;
	int rc = ovc_cgroup_parse_u64(s, n, &v, &e);

	check_err(rc, &e, s, n);
	if (rc < 0 && v != 7)
		__builtin_trap();
}

/* memory.events and memory.oom_control keys; a failure stores nothing. */
static void flat(const char *s, size_t n)
{
	struct ovc_err e = { 0 };
	uint64_t v[5] = { 7, 7, 7, 7, 7 };
	const struct ovc_cgroup_key keys[] = {
		{ "max", &v[0] }, { "oom", &v[1] }, { "oom_kill", &v[2] },
		{ "oom_kill_disable", &v[3] }, { "under_oom", &v[4] },
	};
	unsigned found = 0;
	int rc = ovc_cgroup_parse_flat(s, n, keys, 5, &found, &e);

	check_err(rc, &e, s, n);
	if (found >> 5 || (rc < 0 && (found || v[0] != 7 || v[1] != 7 || v[2] != 7)))
		__builtin_trap();
}

static void controllers(const char *s, size_t n)
{
	struct ovc_err e = { 0 };
	int mem = 7;
	int rc = ovc_cgroup_parse_controllers(s, n, &mem, &e);

	check_err(rc, &e, s, n);
	if ((rc == 0 && mem != 0 && mem != 1) || (rc < 0 && mem != 7))
		__builtin_trap();
}

/* A path found is inside the line, absolute, and names no "..". */
static void line(const char *s, size_t n)
{
	const char *p = NULL;
	size_t pn = 0, i;
	int v = 0;

	if (ovc_cgroup_parse_line(s, n, &v, &p, &pn) < 0)
		return;
	if ((v != 1 && v != 2) || p < s || pn == 0 || pn > n || p + pn > s + n || p[0] != '/')
		__builtin_trap();
	for (i = 0; i + 3 <= pn; i++)
		if (p[i] == '/' && p[i + 1] == '.' && p[i + 2] == '.' &&
		    (i + 3 == pn || p[i + 3] == '/'))
			__builtin_trap();
}

/* The parsers read only data[1..size): no NUL is added, so ASan catches
 * any read past the end. The first byte picks the parser. */
int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	const char *s = (const char *)data + 1;

	if (size < 1)
		return 0;
	switch (data[0] % 5) {
	case 0: limit(s, size - 1); break;
	case 1: number(s, size - 1); break;
	case 2: flat(s, size - 1); break;
	case 3: controllers(s, size - 1); break;
	default: line(s, size - 1); break;
	}
	return 0;
}
