/* units.c - the one parser and printer of sizes ("4k", "48.7G", "12061860 kB", "300 pages"). Bytes. */
#include "ovc/units.h"

#include <stdio.h>

/*
 * A size is:   number [blanks] [unit]
 *   number:    decimal digits, optionally "." and more digits (a fraction),
 *              or "0x" and hex digits (no fraction);
 *   unit:      one of unit_table, and only when the character after it
 *              cannot continue a word. So "4kx" is the number 4 followed by
 *              junk (the caller reports it), "12 pages" is 12 pages, and
 *              "12 pagesize" is the number 12 followed by a word the caller
 *              owns. The blanks are consumed only together with a unit.
 *
 * Arithmetic is exact: value = int * mult + floor(frac * mult), with the
 * fraction multiplied digit by digit in 128 bits, so "0.5k" is 512 and a
 * fraction never rounds up. Anything that does not fit in 64 bits fails.
 */

struct unit_def {
	const char *name;
	unsigned char len;
	unsigned char shift;	/* multiplier 1 << shift, or ... */
	unsigned char per_page;	/* ... the page size */
};

/* Longer spellings before their prefixes ("pages" before "page" before "p"). */
static const struct unit_def unit_table[] = {
	{ "pages", 5, 0, 1 }, { "page", 4, 0, 1 }, { "p", 1, 0, 1 },
	{ "KiB", 3, 10, 0 }, { "KB", 2, 10, 0 }, { "kB", 2, 10, 0 },
	{ "K", 1, 10, 0 }, { "k", 1, 10, 0 },
	{ "MiB", 3, 20, 0 }, { "MB", 2, 20, 0 }, { "M", 1, 20, 0 },
	{ "GiB", 3, 30, 0 }, { "GB", 2, 30, 0 }, { "G", 1, 30, 0 },
	{ "TiB", 3, 40, 0 }, { "TB", 2, 40, 0 }, { "T", 1, 40, 0 },
	{ "b", 1, 0, 0 },
};

static int is_digit(char c)
{
	return c >= '0' && c <= '9';
}

static int hex_value(char c)
{
	if (is_digit(c))
		return c - '0';
	if (c >= 'a' && c <= 'f')
		return c - 'a' + 10;
	if (c >= 'A' && c <= 'F')
		return c - 'A' + 10;
	return -1;
}

static int is_word_char(char c)
{
	return is_digit(c) || (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || c == '_';
}

static int is_blank(char c)
{
	return c == ' ' || c == '\t';
}

/* Length of the unit at s[0..len) (0 if none); its multiplier in *mult. */
static size_t match_unit(const char *s, size_t len, uint64_t page_size, uint64_t *mult)
{
	size_t i, k;

	for (i = 0; i < sizeof(unit_table) / sizeof(unit_table[0]); i++) {
		const struct unit_def *u = &unit_table[i];

		if (u->len > len)
			continue;
		for (k = 0; k < u->len && s[k] == u->name[k]; k++)
			;
		if (k < u->len || (len > k && is_word_char(s[k])))
			continue;
		*mult = u->per_page ? page_size : (uint64_t)1 << u->shift;
		return k;
	}
	return 0;
}

/* Append digit d in base b to *v; 0 on overflow. */
static int push_digit(uint64_t *v, unsigned b, unsigned d)
{
	return !__builtin_mul_overflow(*v, b, v) && !__builtin_add_overflow(*v, d, v);
}

/* floor(0.f[0..n) * mult), exact: multiply the decimal fraction by mult
 * from its last digit up; the final carry is the integer part. */
static uint64_t fraction_times(const char *f, size_t n, uint64_t mult)
{
	unsigned __int128 carry = 0;

	while (n--)
		carry = ((unsigned __int128)(unsigned)(f[n] - '0') * mult + carry) / 10;
	return (uint64_t)carry;	/* < mult */
}

/* The number at s: integer part in *ip, fraction digits at *frac (*nfrac
 * of them). Returns characters used, 0 if s does not start a number. */
static size_t scan_number(const char *s, size_t len, uint64_t *ip,
			  const char **frac, size_t *nfrac, int *overflow)
{
	size_t i = 0;

	*ip = 0;
	*nfrac = 0;
	*frac = NULL;
	if (len > 2 && s[0] == '0' && (s[1] == 'x' || s[1] == 'X') && hex_value(s[2]) >= 0) {
		for (i = 2; i < len && hex_value(s[i]) >= 0; i++)
			*overflow |= !push_digit(ip, 16, (unsigned)hex_value(s[i]));
		return i;
	}
	for (; i < len && is_digit(s[i]); i++)
		*overflow |= !push_digit(ip, 10, (unsigned)(s[i] - '0'));
	if (i == 0)
		return 0;
	if (i + 1 < len && s[i] == '.' && is_digit(s[i + 1])) {
		*frac = s + i + 1;
		for (i++; i < len && is_digit(s[i]); i++)
			(*nfrac)++;
	}
	return i;
}

int ovc_size_parse(const char *s, size_t len, uint64_t page_size,
		   uint64_t *bytes, size_t *used)
{
	uint64_t ip, mult = 1, v;
	const char *frac;
	size_t i, j, nfrac, ulen;
	int overflow = 0;

	if (used)
		*used = 0;
	if (!s)
		return -1;
	i = scan_number(s, len, &ip, &frac, &nfrac, &overflow);
	if (i == 0 || overflow)
		return -1;
	ulen = match_unit(s + i, len - i, page_size, &mult);
	if (!ulen) {
		for (j = i; j < len && is_blank(s[j]); j++)
			;
		if (j > i && (ulen = match_unit(s + j, len - j, page_size, &mult)))
			i = j;
	}
	i += ulen;
	if (mult == 0)		/* "pages" with no page size */
		return -1;
	if (__builtin_mul_overflow(ip, mult, &v) ||
	    __builtin_add_overflow(v, fraction_times(frac, nfrac, mult), &v))
		return -1;
	*bytes = v;
	if (used)
		*used = i;
	return 0;
}

/*
 * Three significant digits, rounded to nearest: "512 B", "4.00 KiB",
 * "15.0 MiB", "117 GiB". A value that rounds up to 1024 of a unit is shown
 * in the next one ("1.00 MiB", never "1024 KiB").
 */
char *ovc_size_human(uint64_t bytes, char *buf, size_t bufsz)
{
	static const char *const unit_name[] = { "B", "KiB", "MiB", "GiB", "TiB", "PiB", "EiB" };
	static const unsigned pow10[] = { 1, 10, 100 };
	unsigned u = 0, d;
	uint64_t r = 0;

	if (!buf || bufsz == 0)
		return buf;
	if (bytes < 1024) {
		snprintf(buf, bufsz, "%llu B", (unsigned long long)bytes);
		return buf;
	}
	while (u < 6 && bytes >> (10 * (u + 1)))
		u++;
	for (;;) {
		unsigned sh = 10 * u;

		for (d = 3; d-- > 0;) {
			unsigned __int128 x = (unsigned __int128)bytes * pow10[d];

			r = (uint64_t)((x + ((unsigned __int128)1 << (sh - 1))) >> sh);
			if (r < 1000 || d == 0)
				break;
		}
		if (r < 1024 || u == 6)
			break;
		u++;
	}
	if (d == 0)
		snprintf(buf, bufsz, "%llu %s", (unsigned long long)r, unit_name[u]);
	else
		snprintf(buf, bufsz, "%llu.%0*llu %s", (unsigned long long)(r / pow10[d]),
			 (int)d, (unsigned long long)(r % pow10[d]), unit_name[u]);
	return buf;
}
