/* format.c - the small formatters every renderer shares: names of results,
 * errnos, causes and policies, and kB figures with a human size beside. */
#include <errno.h>
#include <string.h>

#include "ovc/units.h"
#include "render/render.h"

/* The errnos the model returns, by name (Linux values through <errno.h>). */
static const struct {
	int err;
	const char *name;
} errno_table[] = {
	{ EPERM, "EPERM" },	{ EINTR, "EINTR" },	{ E2BIG, "E2BIG" },
	{ EAGAIN, "EAGAIN" },	{ ENOMEM, "ENOMEM" },	{ EFAULT, "EFAULT" },
	{ EEXIST, "EEXIST" },	{ EINVAL, "EINVAL" },	{ ENOSPC, "ENOSPC" },
	{ ENOENT, "ENOENT" },	{ EACCES, "EACCES" },
};

const char *ovc_render_errno_name(int err)
{
	for (size_t i = 0; i < sizeof(errno_table) / sizeof(errno_table[0]); i++)
		if (errno_table[i].err == err)
			return errno_table[i].name;
	return "error";
}

const char *ovc_render_result_name(const struct ovc_result *r)
{
	if (r->cause == OVC_CAUSE_OOM)
		return "OOM";
	if (r->err == 0)
		return "ok";
	return ovc_render_errno_name(r->err);
}

static const char *const cause_text[] = {
	[OVC_CAUSE_NONE] = NULL,
	[OVC_CAUSE_COMMIT] = "commit",
	[OVC_CAUSE_RLIMIT_AS] = "rlimit_as",
	[OVC_CAUSE_RLIMIT_DATA] = "rlimit_data",
	[OVC_CAUSE_MAP_COUNT] = "map_count",
	[OVC_CAUSE_MLOCK] = "mlock",
	[OVC_CAUSE_HUGETLB] = "hugetlb",
	[OVC_CAUSE_NO_VMA] = "no_vma",
	[OVC_CAUSE_NO_SPACE] = "no_space",
	[OVC_CAUSE_CANNOT_GROW] = "cannot_grow",
	[OVC_CAUSE_INVAL] = "inval",
	[OVC_CAUSE_OOM] = "oom",
	[OVC_CAUSE_EXEC_KILLED] = "exec_killed",
	[OVC_CAUSE_EXISTS] = "exists",
};

const char *ovc_render_cause_name(enum ovc_cause c)
{
	if ((size_t)c >= sizeof(cause_text) / sizeof(cause_text[0]))
		return "unknown";
	return cause_text[c];
}

const char *ovc_render_policy_name(int policy)
{
	static const char *const policy_text[] = { "guess", "always", "never" };

	if (policy < 0 || policy > 2)
		return "unknown";
	return policy_text[policy];
}

const char *ovc_render_admit_rule_name(enum ovc_admit_rule rule)
{
	static const char *const admit_rule_text[] = {
		[OVC_ADMIT_ALWAYS] = "always",
		[OVC_ADMIT_GUESS_FREE] = "guess_free",
		[OVC_ADMIT_GUESS_TOTAL] = "guess_total",
		[OVC_ADMIT_NEVER] = "never",
	};

	if ((size_t)rule >= sizeof(admit_rule_text) / sizeof(admit_rule_text[0]))
		return "unknown";
	return admit_rule_text[rule];
}

char *ovc_render_kb(uint64_t kb, char *buf, size_t n)
{
	char human[32];

	/* Below 1 MiB the kB figure is already readable; above UINT64_MAX
	 * bytes (a wrapped value) there is no honest human size. */
	if (kb < 1024 || kb > UINT64_MAX / 1024)
		snprintf(buf, n, "%llu kB", (unsigned long long)kb);
	else
		snprintf(buf, n, "%llu kB (%s)", (unsigned long long)kb,
			 ovc_size_human(kb * 1024, human, sizeof(human)));
	return buf;
}

/* Code points in s[0..len): every byte that does not continue a UTF-8
 * sequence. */
static size_t width_n(const char *s, size_t len)
{
	size_t w = 0;

	for (size_t i = 0; i < len; i++)
		if (((unsigned char)s[i] & 0xc0) != 0x80)
			w++;
	return w;
}

/* The byte where code point number cols of s[0..len) starts (or len). */
static size_t bytes_for(const char *s, size_t len, size_t cols)
{
	size_t i = 0, w = 0;

	for (; i < len; i++) {
		if (((unsigned char)s[i] & 0xc0) == 0x80)
			continue;
		if (w++ == cols)
			break;
	}
	return i;
}

size_t ovc_render_width(const char *s)
{
	return width_n(s, strlen(s));
}

void ovc_render_pad_cut(FILE *f, const char *s, size_t width)
{
	size_t len = strlen(s);

	if (!width || width_n(s, len) <= width) {
		ovc_render_pad(f, s, width);
		return;
	}
	fwrite(s, 1, bytes_for(s, len, width - 1), f);
	fputs("\u2026", f);	/* ... */
}

void ovc_render_pad(FILE *f, const char *s, size_t width)
{
	size_t w = ovc_render_width(s);

	fputs(s, f);
	for (; w < width; w++)
		fputc(' ', f);
}

void ovc_render_verdict(FILE *f, const struct ovc_check *k)
{
	if (k->passed)
		fputs("PASS", f);
	else
		fprintf(f, "FAIL  actual: %s", k->actual ? k->actual : "-");
}

void ovc_render_summary(FILE *f, const char *kernel, unsigned passed, unsigned failed)
{
	fprintf(f, "expect%s%s: %u passed, %u failed\n", kernel ? " " : "",
		kernel ? kernel : "", passed, failed);
}

static void spaces(FILE *f, size_t n)
{
	while (n--)
		fputc(' ', f);
}

/* A line may break at the blank s[i], except inside a figure ("8192 kB",
 * "3.00 GiB"): a digit, the blank, then a letter. */
static int break_ok(const char *s, size_t i)
{
	if (s[i] != ' ')
		return 0;
	return !(i > 0 && s[i - 1] >= '0' && s[i - 1] <= '9' &&
		 ((s[i + 1] >= 'a' && s[i + 1] <= 'z') || (s[i + 1] >= 'A' && s[i + 1] <= 'Z')));
}

/* One line of len bytes, wrapped at blanks; the cursor is at column at,
 * continuation lines start at column col. */
static void wrap_line(FILE *f, const char *s, size_t len, size_t at, size_t col,
		      size_t width)
{
	if (!len)
		fputc('\n', f);
	while (len) {
		size_t room = width > at + 20 ? width - at : 20, cut = len;

		if (width_n(s, len) > room) {
			cut = bytes_for(s, len, room);
			while (cut > 0 && !break_ok(s, cut))
				cut--;
			if (!cut)	/* one long word: break after it */
				for (cut = 1; cut < len && !break_ok(s, cut); cut++)
					;
		}
		fwrite(s, 1, cut, f);
		fputc('\n', f);
		while (cut < len && s[cut] == ' ')
			cut++;
		s += cut;
		len -= cut;
		if (len)
			spaces(f, col);
		at = col;
	}
}

void ovc_render_wrapped(FILE *f, const char *text, size_t col, const char *lead,
			size_t width)
{
	size_t body = col + ovc_render_width(lead);

	spaces(f, col);
	fputs(lead, f);
	for (const char *s = text; *s;) {
		const char *nl = strchr(s, '\n');
		size_t len = nl ? (size_t)(nl - s) : strlen(s);

		wrap_line(f, s, len, body, body, width);
		s += len + (nl != NULL);
		if (*s)
			spaces(f, body);
	}
}

int ovc_render_digits(uint64_t v)
{
	int n = 1;

	while (v >= 10) {
		v /= 10;
		n++;
	}
	return n;
}
