/* lex.c - scenario tokenizer: splits the input into lines and blank-separated words.
 *
 * A word runs to the next blank (space, tab, carriage return), except
 * inside parentheses, so that an expression such as "(MemFree - 1M)" is
 * one word. "#" starts a comment anywhere. The input must be text: NUL
 * bytes, other control characters outside comments and lines longer than
 * SC_LINE_MAX are errors. Columns count bytes from 1.
 */
#include <stdarg.h>
#include <stdio.h>
#include <string.h>

#include "scenario/ast.h"

int sc_error(struct ovc_err *e, int code, const char *fname, unsigned line,
	     unsigned col, const char *fmt, ...)
{
	va_list ap;

	if (!e)
		return -code;
	e->code = code;
	e->file = fname;
	e->line = line;
	e->col = col;
	va_start(ap, fmt);
	vsnprintf(e->msg, sizeof(e->msg), fmt, ap);
	va_end(ap);
	return -code;
}

/* Quote a word for a message. Bytes that would garble a terminal are
 * escaped; long words are cut, since the message has 200 bytes in all. */
const char *sc_quote(char *dst, size_t n, const char *s, size_t len)
{
	size_t o = 0, i;

	if (n < 10)
		return "\"\"";
	dst[o++] = '"';
	for (i = 0; i < len; i++) {
		unsigned char c = (unsigned char)s[i];

		if (o + 10 > n || i == 40) {
			memcpy(dst + o, "...", 3);
			o += 3;
			break;
		}
		if (c < 0x20 || c == 0x7f || c == '"' || c == '\\')
			o += (size_t)snprintf(dst + o, n - o, "\\x%02x", c);
		else
			dst[o++] = (char)c;
	}
	dst[o++] = '"';
	dst[o] = '\0';
	return dst;
}

int sc_word_is(const struct sc_word *w, const char *lit)
{
	size_t n = strlen(lit);

	return w->len == n && memcmp(w->s, lit, n) == 0;
}

void sc_lex_init(struct sc_lexer *lx, const char *buf, size_t len, const char *fname)
{
	lx->buf = buf;
	lx->len = buf ? len : 0;
	lx->pos = 0;
	lx->line = 0;
	lx->fname = fname;
}

static int is_blank(char c)
{
	return c == ' ' || c == '\t' || c == '\r';
}

static int is_control(unsigned char c)
{
	return (c < 0x20 && c != '\t' && c != '\r') || c == 0x7f;
}

/* One word from p[*i], with parentheses keeping blanks inside it. */
static int scan_word(struct sc_lexer *lx, const char *p, size_t n, size_t *i,
		     struct ovc_err *e)
{
	size_t open = 0;
	unsigned depth = 0;

	for (; *i < n; (*i)++) {
		unsigned char c = (unsigned char)p[*i];

		if (c == '#' || (depth == 0 && is_blank((char)c)))
			break;
		if (is_control(c))
			return sc_error(e, OVC_E_PARSE, lx->fname, lx->line,
					(unsigned)*i + 1,
					"unexpected control character 0x%02x", c);
		if (c == '(') {
			if (depth++ == 0)
				open = *i;
		} else if (c == ')' && depth > 0) {
			depth--;
		}
	}
	if (depth > 0)
		return sc_error(e, OVC_E_PARSE, lx->fname, lx->line,
				(unsigned)open + 1, "\"(\" is not closed");
	return 0;
}

/* Split line p[0..n) into words. */
static int split(struct sc_lexer *lx, const char *p, size_t n,
		 struct sc_line *out, struct ovc_err *e)
{
	size_t i = 0;
	int r;

	out->n = 0;
	out->no = lx->line;
	while (i < n && p[i] != '#') {
		size_t start = i;
		struct sc_word *w;

		if (is_blank(p[i])) {
			i++;
			continue;
		}
		r = scan_word(lx, p, n, &i, e);
		if (r < 0)
			return r;
		if (out->n == SC_WORDS_MAX)
			return sc_error(e, OVC_E_PARSE, lx->fname, lx->line,
					(unsigned)start + 1,
					"too many words on one line (at most %d)",
					SC_WORDS_MAX);
		w = &out->w[out->n++];
		w->s = p + start;
		w->len = i - start;
		w->col = (unsigned)start + 1;
	}
	if (out->n) {
		const struct sc_word *last = &out->w[out->n - 1];

		out->text = out->w[0].s;
		out->textlen = (size_t)(last->s + last->len - out->text);
	}
	return 0;
}

int sc_lex_line(struct sc_lexer *lx, struct sc_line *out, struct ovc_err *e)
{
	while (lx->pos < lx->len) {
		const char *p = lx->buf + lx->pos;
		size_t rest = lx->len - lx->pos;
		const char *nl = memchr(p, '\n', rest);
		size_t n = nl ? (size_t)(nl - p) : rest;
		const char *nul;
		int r;

		if (lx->line == (unsigned)-1)
			return sc_error(e, OVC_E_PARSE, lx->fname, lx->line, 1,
					"too many lines");
		lx->line++;
		lx->pos += n + (nl != NULL);
		nul = memchr(p, '\0', n < SC_LINE_MAX ? n : SC_LINE_MAX);
		if (nul)
			return sc_error(e, OVC_E_PARSE, lx->fname, lx->line,
					(unsigned)(nul - p) + 1,
					"NUL byte: the input must be text");
		if (n > SC_LINE_MAX)
			return sc_error(e, OVC_E_PARSE, lx->fname, lx->line,
					SC_LINE_MAX + 1,
					"line is longer than %d bytes", SC_LINE_MAX);
		r = split(lx, p, n, out, e);
		if (r < 0)
			return r;
		if (out->n)
			return 1;
	}
	return 0;
}
