/* parse_words.c - the parser's word readers: names, numbers, addresses, sizes, options, errors. */
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "ovc/ops.h"
#include "scenario/parse.h"

/* ---- errors ---- */

int p_err(struct parser *P, unsigned col, const char *fmt, ...)
{
	struct ovc_err *e = P->e;
	va_list ap;

	if (!e)
		return -OVC_E_PARSE;
	e->code = OVC_E_PARSE;
	e->file = P->fname;
	e->line = P->ln->no;
	e->col = col;
	va_start(ap, fmt);
	vsnprintf(e->msg, sizeof(e->msg), fmt, ap);
	va_end(ap);
	return -OVC_E_PARSE;
}

int p_nomem(struct parser *P)
{
	return sc_error(P->e, OVC_E_NOMEM, P->fname, P->ln->no, 0, "out of memory");
}

/* Column just past the last word, for "got nothing". */
static unsigned end_col(const struct parser *P)
{
	const struct sc_word *last = &P->ln->w[P->ln->n - 1];

	return last->col + (unsigned)last->len + 1;
}

int p_expected(struct parser *P, size_t i, const char *what)
{
	const struct sc_word *w;
	char q[64];

	if (i >= P->ln->n)
		return p_err(P, end_col(P), "expected %s, got nothing", what);
	w = &P->ln->w[i];
	return p_err(P, w->col, "expected %s, got %s", what,
		     sc_quote(q, sizeof(q), w->s, w->len));
}

int p_unexpected(struct parser *P, size_t i)
{
	const struct sc_word *w = &P->ln->w[i];
	char q[64], k[32];

	return p_err(P, w->col, "unexpected %s after %s",
		     sc_quote(q, sizeof(q), w->s, w->len),
		     sc_quote(k, sizeof(k), P->ln->w[0].s, P->ln->w[0].len));
}

int p_end(struct parser *P, size_t i)
{
	return i < P->ln->n ? p_unexpected(P, i) : 0;
}

/* ---- names ---- */

static const char *const kind_text[] = {
	[SC_TASK] = "task", [SC_REGION] = "region", [SC_SEGMENT] = "segment",
	[SC_FILE] = "file", [SC_CGROUP] = "cgroup",
};

static int name_char(char c, int first)
{
	if ((c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || c == '_')
		return 1;
	return !first && ((c >= '0' && c <= '9') || c == '-' || c == '.');
}

static int name_syntax(struct parser *P, const struct sc_word *w, size_t len,
		       enum sc_kind kind)
{
	char q[64];
	size_t k;

	for (k = 0; k < len; k++)
		if (!name_char(w->s[k], k == 0))
			break;
	if (len == 0 || k < len)
		return p_err(P, w->col + (unsigned)(len ? k : 0),
			     "expected a %s name, got %s", kind_text[kind],
			     sc_quote(q, sizeof(q), w->s, w->len));
	if (len > SC_NAME_MAX)
		return p_err(P, w->col, "%s name %s is longer than %d bytes",
			     kind_text[kind], sc_quote(q, sizeof(q), w->s, len),
			     SC_NAME_MAX);
	return 0;
}

/* The name table is searched through an open-addressing hash of name
 * indices (slot value index + 1; 0 is empty), kept at most half full, so
 * that a long scenario does not parse in quadratic time. */
static size_t name_hash(const char *p, size_t len)
{
	size_t h = 2166136261u, i;	/* FNV-1a */

	for (i = 0; i < len; i++)
		h = (h ^ (unsigned char)p[i]) * 16777619u;
	return h;
}

static int lookup(const struct parser *P, const char *p, size_t len)
{
	const struct ovc_scenario *s = P->s;
	size_t k;

	if (len > SC_NAME_MAX || !P->hcap)
		return -1;
	for (k = name_hash(p, len) & (P->hcap - 1); P->hash[k]; k = (k + 1) & (P->hcap - 1)) {
		const char *n = s->names[P->hash[k] - 1].name;

		if (strlen(n) == len && memcmp(n, p, len) == 0)
			return (int)P->hash[k] - 1;
	}
	return -1;
}

static void hash_put(struct parser *P, size_t idx)
{
	const char *n = P->s->names[idx].name;
	size_t k = name_hash(n, strlen(n)) & (P->hcap - 1);

	while (P->hash[k])
		k = (k + 1) & (P->hcap - 1);
	P->hash[k] = (unsigned)idx + 1;
}

/* Room for one more name in the hash. */
static int hash_grow(struct parser *P)
{
	size_t cap = P->hcap ? P->hcap * 2 : 64, i;

	if ((P->s->nnames + 1) * 2 <= P->hcap)
		return 0;
	free(P->hash);
	P->hash = calloc(cap, sizeof(*P->hash));
	P->hcap = P->hash ? cap : 0;
	if (!P->hash)
		return -1;
	for (i = 0; i < P->s->nnames; i++)
		hash_put(P, i);
	return 0;
}

int p_name_new(struct parser *P, size_t i, enum sc_kind kind)
{
	const struct sc_word *w;
	char q[64];
	int r, old;

	if (i >= P->ln->n) {
		snprintf(q, sizeof(q), "a %s name", kind_text[kind]);
		return p_expected(P, i, q);
	}
	w = &P->ln->w[i];
	r = name_syntax(P, w, w->len, kind);
	if (r < 0)
		return r;
	old = lookup(P, w->s, w->len);
	if (old >= 0)
		return p_err(P, w->col, "%s %s is already defined at line %u",
			     kind_text[P->s->names[old].kind],
			     sc_quote(q, sizeof(q), w->s, w->len),
			     P->s->names[old].line);
	return 0;
}

int p_name_add(struct parser *P, size_t i, enum sc_kind kind, int owner, int *idx)
{
	struct ovc_scenario *s = P->s;
	const struct sc_word *w = &P->ln->w[i];
	struct sc_name *n;
	int r = p_name_new(P, i, kind);

	if (r < 0)
		return r;
	if (hash_grow(P) < 0)
		return p_nomem(P);
	if (s->nnames == s->cap_names) {
		size_t cap = s->cap_names ? s->cap_names * 2 : 16;

		if (cap > 0x7fffffff)
			return p_nomem(P);
		n = realloc(s->names, cap * sizeof(*n));
		if (!n)
			return p_nomem(P);
		s->names = n;
		s->cap_names = cap;
	}
	n = &s->names[s->nnames];
	memcpy(n->name, w->s, w->len);
	n->name[w->len] = '\0';
	n->kind = kind;
	n->line = P->ln->no;
	n->owner = owner;
	*idx = (int)s->nnames++;
	hash_put(P, (size_t)*idx);
	return 0;
}

static int name_use(struct parser *P, const struct sc_word *w, size_t len,
		    enum sc_kind kind, int *idx)
{
	char q[64];
	int r = name_syntax(P, w, len, kind);

	if (r < 0)
		return r;
	*idx = lookup(P, w->s, len);
	sc_quote(q, sizeof(q), w->s, len);
	if (*idx < 0)
		return p_err(P, w->col, "unknown %s %s", kind_text[kind], q);
	if (P->s->names[*idx].kind != kind)
		return p_err(P, w->col, "%s is a %s (line %u), not a %s", q,
			     kind_text[P->s->names[*idx].kind],
			     P->s->names[*idx].line, kind_text[kind]);
	return 0;
}

int p_name_ref(struct parser *P, const struct sc_word *w, enum sc_kind kind, int *idx)
{
	return name_use(P, w, w->len, kind, idx);
}

int p_name_use(struct parser *P, size_t i, enum sc_kind kind, int *idx)
{
	char what[24];

	if (i >= P->ln->n) {
		snprintf(what, sizeof(what), "a %s name", kind_text[kind]);
		return p_expected(P, i, what);
	}
	return name_use(P, &P->ln->w[i], P->ln->w[i].len, kind, idx);
}

int p_as(struct parser *P, size_t *i, enum sc_kind kind, int owner, int *idx)
{
	int r;

	if (*idx >= 0)
		return p_err(P, P->ln->w[*i].col, "\"as\" is given twice");
	r = p_name_add(P, *i + 1, kind, owner, idx);
	if (r < 0)
		return r;
	*i += 2;
	return 0;
}

int p_region(struct parser *P, size_t i, struct sc_ref *ref)
{
	const struct sc_word *w;
	const char *colon;
	struct sc_word rw;
	int r;

	if (i >= P->ln->n)
		return p_expected(P, i, "a region");
	w = &P->ln->w[i];
	colon = memchr(w->s, ':', w->len);
	if (!colon) {
		r = name_use(P, w, w->len, SC_REGION, &ref->name);
		if (r == 0)
			ref->task = P->s->names[ref->name].owner;
		return r;
	}
	r = name_use(P, w, (size_t)(colon - w->s), SC_TASK, &ref->task);
	if (r < 0)
		return r;
	rw.s = colon + 1;
	rw.len = w->len - (size_t)(colon + 1 - w->s);
	rw.col = w->col + (unsigned)(colon + 1 - w->s);
	return name_use(P, &rw, rw.len, SC_REGION, &ref->name);
}

/* ---- values ---- */

int p_int(struct parser *P, const struct sc_word *w, int64_t min, int64_t max,
	  const char *what, int64_t *v)
{
	size_t k = 0;
	int neg = 0;
	uint64_t u = 0, lim;
	char q[64];

	if (w->len > 0 && w->s[0] == '-' && min < 0)
		neg = k = 1;
	lim = neg ? (uint64_t)INT64_MAX + 1 : (uint64_t)INT64_MAX;
	if (k == w->len)
		return p_err(P, w->col, "expected %s, got %s", what,
			     sc_quote(q, sizeof(q), w->s, w->len));
	for (; k < w->len; k++) {
		unsigned d = (unsigned char)w->s[k] - '0';

		if (d > 9)
			return p_err(P, w->col, "expected %s, got %s", what,
				     sc_quote(q, sizeof(q), w->s, w->len));
		if (u > (lim - d) / 10)
			return p_err(P, w->col, "%s %s is out of range (%lld to %lld)",
				     what, sc_quote(q, sizeof(q), w->s, w->len),
				     (long long)min, (long long)max);
		u = u * 10 + d;
	}
	*v = neg ? (int64_t)(0 - u) : (int64_t)u;
	if (*v < min || *v > max)
		return p_err(P, w->col, "%s %s is out of range (%lld to %lld)", what,
			     sc_quote(q, sizeof(q), w->s, w->len),
			     (long long)min, (long long)max);
	return 0;
}

int p_addr(struct parser *P, const struct sc_word *w, uint64_t *v)
{
	unsigned base = 10;
	size_t k = 0;
	char q[64];

	if (w->len > 2 && w->s[0] == '0' && (w->s[1] == 'x' || w->s[1] == 'X'))
		base = 16, k = 2;
	if (k == w->len)
		goto bad;
	for (*v = 0; k < w->len; k++) {
		char c = w->s[k];
		unsigned d = c >= '0' && c <= '9' ? (unsigned)(c - '0') :
			     c >= 'a' && c <= 'f' ? (unsigned)(c - 'a' + 10) :
			     c >= 'A' && c <= 'F' ? (unsigned)(c - 'A' + 10) : 99;

		if (d >= base)
			goto bad;
		if (*v > (UINT64_MAX - d) / base)
			return p_err(P, w->col, "address %s is too large",
				     sc_quote(q, sizeof(q), w->s, w->len));
		*v = *v * base + d;
	}
	return 0;
bad:
	return p_err(P, w->col, "expected an address, got %s",
		     sc_quote(q, sizeof(q), w->s, w->len));
}

int p_size_value(struct parser *P, size_t *i, const struct sc_word *v,
		 int fields, struct sc_size *z)
{
	const struct sc_word *next = *i + 1 < P->ln->n ? &P->ln->w[*i + 1] : NULL;
	size_t used;
	int r;

	r = sc_size_parse(P->s, v, next, fields, P->ln->no, z, &used, P->e);
	if (r < 0)
		return r;
	*i += used;
	return 0;
}

int p_size(struct parser *P, size_t *i, int fields, struct sc_size *z)
{
	if (*i >= P->ln->n)
		return p_expected(P, *i, "a size");
	return p_size_value(P, i, &P->ln->w[*i], fields, z);
}

int p_const_size(struct parser *P, size_t *i, const struct sc_word *v, uint64_t *bytes)
{
	struct sc_size z;
	int r = p_size_value(P, i, v, 0, &z);

	if (r < 0)
		return r;
	r = sc_size_eval(P->s, &z, NULL, P->ln->no, bytes, P->e);
	if (r < 0 && P->e)
		P->e->code = OVC_E_PARSE;	/* known now: it is a parse error */
	return r < 0 ? -OVC_E_PARSE : 0;
}

static const struct { const char *unit; uint64_t ms; } duration_units[] = {
	{ "ms", 1 }, { "s", 1000 }, { "min", 60000 }, { "h", 3600000 }, { "d", 86400000 },
};

int p_duration(struct parser *P, const struct sc_word *w, const char *what, uint64_t *ms)
{
	uint64_t n = 0, unit = 1000;
	size_t k = 0, u;
	char q[64];

	for (; k < w->len && w->s[k] >= '0' && w->s[k] <= '9'; k++) {
		n = n * 10 + (uint64_t)(w->s[k] - '0');
		if (n > SC_DURATION_MAX_MS)
			break;
	}
	sc_quote(q, sizeof(q), w->s, w->len);
	if (k == 0)
		return p_err(P, w->col, "expected %s (such as 600s, 90min, 2h), got %s", what, q);
	if (k < w->len && w->s[k] >= '0' && w->s[k] <= '9')
		return p_err(P, w->col, "%s %s is too long (at most 10000000000s)", what, q);
	if (k < w->len) {
		for (u = 0; u < sizeof(duration_units) / sizeof(duration_units[0]); u++)
			if (w->len - k == strlen(duration_units[u].unit) &&
			    memcmp(w->s + k, duration_units[u].unit, w->len - k) == 0)
				break;
		if (u == sizeof(duration_units) / sizeof(duration_units[0]))
			return p_err(P, w->col + (unsigned)k,
				     "unknown unit of time in %s (ms, s, min, h, d)", q);
		unit = duration_units[u].ms;
	}
	if (n > SC_DURATION_MAX_MS / unit)
		return p_err(P, w->col, "%s %s is too long (at most 10000000000s)", what, q);
	*ms = n * unit;
	return 0;
}

int p_flag(struct parser *P, const struct sc_word *w, const char *word, int *v)
{
	struct sc_word val;
	int64_t n = 0;
	char what[48];

	if (sc_word_is(w, word)) {
		*v = 1;
		return 1;
	}
	if (!p_kv(w, word, &val))
		return 0;
	snprintf(what, sizeof(what), "%s=", word);
	if (p_int(P, &val, 0, 1, what, &n) < 0)
		return -OVC_E_PARSE;
	*v = (int)n;
	return 1;
}

int p_kv(const struct sc_word *w, const char *key, struct sc_word *v)
{
	size_t n = strlen(key);

	if (w->len <= n || memcmp(w->s, key, n) != 0 || w->s[n] != '=')
		return 0;
	v->s = w->s + n + 1;
	v->len = w->len - n - 1;
	v->col = w->col + (unsigned)n + 1;
	return 1;
}

int p_once(struct parser *P, size_t i, uint32_t *seen, uint32_t bit)
{
	const struct sc_word *w = &P->ln->w[i];
	const char *eq = memchr(w->s, '=', w->len);
	size_t n = eq ? (size_t)(eq - w->s) + 1 : w->len;
	char q[64];

	if (*seen & bit)
		return p_err(P, w->col, "%s is given twice", sc_quote(q, sizeof(q), w->s, n));
	*seen |= bit;
	return 0;
}

int p_prot(const struct sc_word *w)
{
	unsigned prot = 0;
	size_t k = 0;

	if (sc_word_is(w, "none"))
		return 0;
	if (k < w->len && w->s[k] == 'r')
		prot |= OVC_PROT_READ, k++;
	if (k < w->len && w->s[k] == 'w')
		prot |= OVC_PROT_WRITE, k++;
	if (k < w->len && w->s[k] == 'x')
		prot |= OVC_PROT_EXEC, k++;
	return k == w->len && k > 0 ? (int)prot : -1;
}

#define SEEN_OFF (1u << 30)
#define SEEN_LEN (1u << 31)

int p_part(struct parser *P, size_t *i, struct sc_ref *ref, uint32_t *seen)
{
	const struct sc_word *w = &P->ln->w[*i];
	struct sc_word v;
	struct sc_size *z;
	int r;

	if (p_kv(w, "off", &v)) {
		r = p_once(P, *i, seen, SEEN_OFF);
		ref->has_off = 1;
		z = &ref->off;
	} else if (p_kv(w, "len", &v)) {
		r = p_once(P, *i, seen, SEEN_LEN);
		ref->has_len = 1;
		z = &ref->len;
	} else {
		return 0;
	}
	if (r == 0)
		r = p_size_value(P, i, &v, 1, z);
	return r < 0 ? r : 1;
}
