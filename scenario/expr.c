/* expr.c - sizes and size expressions: parsed when the scenario is read, evaluated when their line runs.
 *
 * A size is "15M", "48.7G" or a number and a unit word ("12061860 kB");
 * the digits and unit go to ovc_size_parse, the one size parser. An
 * expression is a parenthesised word: + - * / over sizes, meminfo field
 * names (bytes, at the moment the line runs) and `page`. Expressions
 * become nodes in s->ex; evaluation is signed 64-bit with every overflow
 * caught, and only the final value must not be negative.
 *
 * Units: bytes.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "ovc/units.h"
#include "ovc/view.h"
#include "scenario/ast.h"

static int is_digit(char c)
{
	return c >= '0' && c <= '9';
}

static int is_alpha(char c)
{
	return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || c == '_';
}

/* Is p[0..n) a unit word ("kB", "pages")? Asked of the size parser, so
 * that the list of units lives in one place: "1" + word must be a size. */
static int is_unit(const struct ovc_scenario *s, const char *p, size_t n)
{
	char tmp[16];
	uint64_t bytes;
	size_t used = 0;

	if (n == 0 || n + 1 > sizeof(tmp) || !is_alpha(p[0]) || p[0] == '_')
		return 0;
	tmp[0] = '1';
	memcpy(tmp + 1, p, n);
	return ovc_size_parse(tmp, n + 1, s->page_size ? s->page_size : 4096,
			      &bytes, &used) == 0 && used == n + 1;
}

/* Digits and dots, then letters: how a number with its unit looks. */
static size_t number_len(const char *p, size_t n, size_t *digits)
{
	size_t i = 0;

	while (i < n && (is_digit(p[i]) || p[i] == '.'))
		i++;
	*digits = i;
	while (i < n && is_alpha(p[i]) && p[i] != '_')
		i++;
	return i;
}

/* The number a[0..an) followed by the unit b[0..bn) (bn may be 0). */
static int size_text(const struct ovc_scenario *s, const char *a, size_t an,
		     const char *b, size_t bn, uint64_t *bytes)
{
	char *tmp;
	size_t used = 0;
	int r;

	if (an == 0 || !is_digit(a[0]))
		return -1;
	if (bn == 0) {
		r = ovc_size_parse(a, an, s->page_size, bytes, &used);
		return r == 0 && used == an ? 0 : -1;
	}
	tmp = malloc(an + bn);
	if (!tmp)
		return -2;
	memcpy(tmp, a, an);
	memcpy(tmp + an, b, bn);
	r = ovc_size_parse(tmp, an + bn, s->page_size, bytes, &used);
	free(tmp);
	return r == 0 && used == an + bn ? 0 : -1;
}

/* Why a[0..n) (with unit b) is not a size: too large, or not a size at all. */
static int size_error(const struct ovc_scenario *s, int r, const char *a, size_t an,
		      size_t bn, unsigned line, unsigned col, struct ovc_err *e)
{
	char q[64];
	size_t digits, len = number_len(a, an, &digits);

	if (r == -2)
		return sc_error(e, OVC_E_NOMEM, s->err_fname, line, col, "out of memory");
	sc_quote(q, sizeof(q), a, an + bn);
	if (s->page_size == 0 && len == an && digits > 0)	/* page=, see parse.c */
		return sc_error(e, OVC_E_PARSE, s->err_fname, line, col,
				"page= cannot be given in pages: %s", q);
	if (len == an && digits > 0 && is_digit(a[0]) &&
	    (bn > 0 || digits == an || is_unit(s, a + digits, an - digits)))
		return sc_error(e, OVC_E_PARSE, s->err_fname, line, col,
				"size %s is too large", q);
	return sc_error(e, OVC_E_PARSE, s->err_fname, line, col,
			"expected a size, got %s", q);
}

static int new_node(struct ovc_scenario *s, enum sc_ex_op op, unsigned col, int *idx)
{
	struct sc_expr *x;

	if (s->nex == s->cap_ex) {
		size_t cap = s->cap_ex ? s->cap_ex * 2 : 16;

		if (cap > (size_t)0x7fffffff)
			return -OVC_E_NOMEM;
		x = realloc(s->ex, cap * sizeof(*x));
		if (!x)
			return -OVC_E_NOMEM;
		s->ex = x;
		s->cap_ex = cap;
	}
	x = &s->ex[s->nex];
	memset(x, 0, sizeof(*x));
	x->op = op;
	x->col = col;
	x->a = x->b = -1;
	*idx = (int)s->nex++;
	return 0;
}

/* ---- expression parser: recursive descent, depth capped ---- */

struct xp {
	struct ovc_scenario *s;
	const char *p;
	size_t n, i;
	unsigned col0, line, depth;
	int fields;
	struct ovc_err *e;
};

static int x_err(struct xp *x, size_t at, const char *fmt, const char *arg)
{
	return sc_error(x->e, OVC_E_PARSE, x->s->err_fname, x->line,
			x->col0 + (unsigned)at, fmt, arg);
}

static void x_blank(struct xp *x)
{
	while (x->i < x->n && (x->p[x->i] == ' ' || x->p[x->i] == '\t' || x->p[x->i] == '\r'))
		x->i++;
}

/* What is at x->i, quoted, for "got ..." */
static const char *x_got(struct xp *x, char *q, size_t qn)
{
	size_t j = x->i;

	if (j >= x->n)
		return "the end of the expression";
	if (is_alpha(x->p[j]) || is_digit(x->p[j]))
		while (j < x->n && (is_alpha(x->p[j]) || is_digit(x->p[j]) || x->p[j] == '.'))
			j++;
	else
		j++;
	return sc_quote(q, qn, x->p + x->i, j - x->i);
}

static int x_fail(struct xp *x, const char *what)
{
	char q[64];

	return sc_error(x->e, OVC_E_PARSE, x->s->err_fname, x->line,
			x->col0 + (unsigned)x->i, "expected %s, got %s", what,
			x_got(x, q, sizeof(q)));
}

static int x_number(struct xp *x, int *node)
{
	size_t start = x->i, digits, len, save;
	const char *unit = NULL;
	size_t unitn = 0;
	uint64_t bytes;
	int r;

	while (x->i < x->n && (is_digit(x->p[x->i]) || is_alpha(x->p[x->i]) || x->p[x->i] == '.'))
		x->i++;
	len = x->i - start;
	number_len(x->p + start, len, &digits);
	if (len == digits) {	/* a unit may follow after blanks: "4 kB" */
		save = x->i;
		x_blank(x);
		unit = x->p + x->i;
		while (x->i < x->n && is_alpha(x->p[x->i]))
			x->i++;
		unitn = (size_t)(x->p + x->i - unit);
		if (!is_unit(x->s, unit, unitn)) {
			x->i = save;
			unitn = 0;
		}
	}
	r = size_text(x->s, x->p + start, len, unit, unitn, &bytes);
	if (r < 0)	/* quote the number and its unit, blanks included */
		return size_error(x->s, r, x->p + start, len,
				  unitn ? (size_t)(unit + unitn - (x->p + start + len)) : 0,
				  x->line, x->col0 + (unsigned)start, x->e);
	r = new_node(x->s, SC_EX_LIT, x->col0 + (unsigned)start, node);
	if (r < 0)
		return sc_error(x->e, OVC_E_NOMEM, x->s->err_fname, x->line, x->col0, "out of memory");
	x->s->ex[*node].v = bytes;
	return 0;
}

static const char *find_field(const char *p, size_t n)
{
	size_t count = 0, i;
	const struct ovc_meminfo_field *f = ovc_meminfo_fields(&count);

	for (i = 0; f && i < count; i++)
		if (strlen(f[i].name) == n && memcmp(f[i].name, p, n) == 0)
			return f[i].name;
	return NULL;
}

static int x_name(struct xp *x, int *node)
{
	size_t start = x->i;
	const char *field = NULL;
	char q[64];
	int r;

	while (x->i < x->n && (is_alpha(x->p[x->i]) || is_digit(x->p[x->i])))
		x->i++;
	sc_quote(q, sizeof(q), x->p + start, x->i - start);
	if (x->i - start == 4 && memcmp(x->p + start, "page", 4) == 0) {
		r = new_node(x->s, SC_EX_LIT, x->col0 + (unsigned)start, node);
		if (r == 0)
			x->s->ex[*node].v = x->s->page_size;
	} else {
		field = find_field(x->p + start, x->i - start);
		if (!field)
			return x_err(x, start, "unknown meminfo field %s", q);
		if (strncmp(field, "HugePages_", 10) == 0)
			return x_err(x, start, "%s is a count, not a size", q);
		if (!x->fields)
			return x_err(x, start, "%s cannot be used before the machine exists", q);
		r = new_node(x->s, SC_EX_FIELD, x->col0 + (unsigned)start, node);
		if (r == 0)
			x->s->ex[*node].field = field;
	}
	if (r < 0)
		return sc_error(x->e, OVC_E_NOMEM, x->s->err_fname, x->line, x->col0, "out of memory");
	return 0;
}

static int x_sum(struct xp *x, int *node);

static int x_factor(struct xp *x, int *node)
{
	size_t open;
	int r;

	x_blank(x);
	if (x->i < x->n && x->p[x->i] == '(') {
		open = x->i;
		if (++x->depth > SC_DEPTH_MAX)
			return x_err(x, open, "%s", "expression is nested more than 32 deep");
		x->i++;
		r = x_sum(x, node);
		if (r < 0)
			return r;
		x_blank(x);
		if (x->i >= x->n || x->p[x->i] != ')')
			return x_fail(x, "an operator or \")\"");
		x->i++;
		x->depth--;
		return 0;
	}
	if (x->i < x->n && is_digit(x->p[x->i]))
		return x_number(x, node);
	if (x->i < x->n && is_alpha(x->p[x->i]))
		return x_name(x, node);
	return x_fail(x, "a size, a meminfo field or \"(\"");
}

/* Left-associative chain of sub-terms joined by op1 (code c1) or op2 (c2). */
static int x_chain(struct xp *x, int *node, char op1, enum sc_ex_op c1, char op2,
		   enum sc_ex_op c2, int (*sub)(struct xp *, int *))
{
	int r, rhs, n;

	r = sub(x, node);
	while (r == 0) {
		size_t at;
		char c;

		x_blank(x);
		if (x->i >= x->n || ((c = x->p[x->i]) != op1 && c != op2))
			return 0;
		at = x->i++;
		r = sub(x, &rhs);
		if (r < 0)
			return r;
		r = new_node(x->s, c == op1 ? c1 : c2, x->col0 + (unsigned)at, &n);
		if (r < 0)
			return sc_error(x->e, OVC_E_NOMEM, x->s->err_fname, x->line, x->col0, "out of memory");
		x->s->ex[n].a = *node;
		x->s->ex[n].b = rhs;
		*node = n;
	}
	return r;
}

static int x_term(struct xp *x, int *node)
{
	return x_chain(x, node, '*', SC_EX_MUL, '/', SC_EX_DIV, x_factor);
}

static int x_sum(struct xp *x, int *node)
{
	return x_chain(x, node, '+', SC_EX_ADD, '-', SC_EX_SUB, x_term);
}

int sc_expr_parse(struct ovc_scenario *s, const struct sc_word *w, int fields,
		  unsigned line, struct sc_size *out, struct ovc_err *e)
{
	struct xp x = {
		.s = s, .p = w->s, .n = w->len, .col0 = w->col, .line = line,
		.fields = fields, .e = e,
	};
	int node, r;

	r = x_factor(&x, &node);
	if (r < 0)
		return r;
	if (x.i < x.n)
		return x_fail(&x, "the end of the expression");
	out->expr = node + 1;
	out->bytes = 0;
	out->col = w->col;
	return 0;
}

int sc_size_parse(struct ovc_scenario *s, const struct sc_word *w,
		  const struct sc_word *next, int fields, unsigned line,
		  struct sc_size *out, size_t *used, struct ovc_err *e)
{
	size_t digits, unitn = 0;
	int r;

	*used = 1;
	if (w->len > 0 && w->s[0] == '(')
		return sc_expr_parse(s, w, fields, line, out, e);
	if (number_len(w->s, w->len, &digits) == w->len && digits == w->len &&
	    next && is_unit(s, next->s, next->len))
		unitn = next->len;
	r = size_text(s, w->s, w->len, unitn ? next->s : NULL, unitn, &out->bytes);
	if (r < 0) {
		if (w->len == 0)
			return sc_error(e, OVC_E_PARSE, s->err_fname, line, w->col,
					"expected a size, got nothing");
		return size_error(s, r, w->s, w->len,
				  unitn ? (size_t)(next->s + next->len - (w->s + w->len)) : 0,
				  line, w->col, e);
	}
	out->expr = 0;
	out->col = w->col;
	*used = unitn ? 2 : 1;
	return 0;
}

/* ---- evaluation ---- */

struct xe {
	const struct ovc_scenario *s;
	const struct ovc_meminfo *mi;
	unsigned col;		/* where it went wrong */
	const char *why;
};

static int x_eval(struct xe *x, int n, int64_t *v)
{
	const struct sc_expr *node = &x->s->ex[n];
	int64_t a, b;
	uint64_t kb;
	int bad = 0;

	x->col = node->col;
	switch (node->op) {
	case SC_EX_LIT:
		*v = (int64_t)node->v;
		bad = node->v > (uint64_t)INT64_MAX;
		x->why = "has a size too large to compute with";
		return bad ? -1 : 0;
	case SC_EX_FIELD:
		x->why = "uses a meminfo field that cannot be read here";
		if (!x->mi || ovc_meminfo_get(x->mi, node->field, &kb) < 0)
			return -1;
		x->why = "has a size too large to compute with";
		return __builtin_mul_overflow(kb, 1024, v) ? -1 : 0;
	default:
		break;
	}
	if (x_eval(x, node->a, &a) < 0 || x_eval(x, node->b, &b) < 0)
		return -1;
	x->col = node->col;
	x->why = "overflows";
	switch (node->op) {
	case SC_EX_ADD:
		bad = __builtin_add_overflow(a, b, v);
		break;
	case SC_EX_SUB:
		bad = __builtin_sub_overflow(a, b, v);
		break;
	case SC_EX_MUL:
		bad = __builtin_mul_overflow(a, b, v);
		break;
	default:
		if (b == 0)
			x->why = "divides by zero";
		bad = b == 0 || (a == INT64_MIN && b == -1);
		if (!bad)
			*v = a / b;
		break;
	}
	return bad ? -1 : 0;
}

int sc_size_eval(const struct ovc_scenario *s, const struct sc_size *z,
		 const struct ovc_meminfo *mi, unsigned line, uint64_t *bytes,
		 struct ovc_err *e)
{
	struct xe x = { .s = s, .mi = mi };
	int64_t v;

	if (z->expr == 0) {
		*bytes = z->bytes;
		return 0;
	}
	if (x_eval(&x, z->expr - 1, &v) < 0)
		return sc_error(e, OVC_E_STATE, s->err_fname, line, x.col,
				"the expression %s", x.why);
	if (v < 0)
		return sc_error(e, OVC_E_STATE, s->err_fname, line, z->col,
				"the expression is negative (%lld bytes)", (long long)v);
	*bytes = (uint64_t)v;
	return 0;
}
