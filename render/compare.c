/* compare.c - one scenario run under several kernel profiles, side by side:
 * a row per step with each kernel's result and Committed_AS (kB), rows
 * whose outcome differs marked with '*', then each kernel's expect lines
 * that failed and its summary. JSON: format "ovc-compare".
 *
 * Steps are matched by scenario line, so a run that stopped early (or
 * skipped a step) leaves a gap ("-") instead of shifting the columns.
 */
#include <stdlib.h>
#include <string.h>

#include "render/render.h"


/* Walks the traces in step: pos[k] is the next step of trace k. */
struct rows {
	const struct ovc_trace *const *t;
	size_t n;
	size_t *pos;
};

static int rows_init(struct rows *r, const struct ovc_trace *const *t, size_t n)
{
	r->t = t;
	r->n = n;
	r->pos = calloc(n ? n : 1, sizeof(*r->pos));
	return r->pos ? 0 : -OVC_E_NOMEM;
}

/* The smallest line any trace has next; 0 when all are done. */
static unsigned rows_next_line(const struct rows *r)
{
	unsigned line = 0;

	for (size_t k = 0; k < r->n; k++) {
		const struct ovc_trace *t = r->t[k];

		if (r->pos[k] < t->nsteps &&
		    (!line || t->steps[r->pos[k]].line < line))
			line = t->steps[r->pos[k]].line;
	}
	return line;
}

/* Fill step[k] with trace k's step at line (or NULL) and move past it. */
static void rows_take(struct rows *r, unsigned line, const struct ovc_step **step)
{
	for (size_t k = 0; k < r->n; k++) {
		const struct ovc_trace *t = r->t[k];

		step[k] = NULL;
		if (r->pos[k] < t->nsteps && t->steps[r->pos[k]].line == line)
			step[k] = &t->steps[r->pos[k]++];
	}
}

/* A row differs when a kernel lacks the step or results disagree. */
static int row_differs(const struct ovc_step *const *step, size_t n)
{
	for (size_t k = 0; k < n; k++)
		if (!step[k] || strcmp(ovc_render_result_name(&step[k]->res),
				       ovc_render_result_name(&step[0]->res)))
			return 1;
	return 0;
}

/* The step of the first kernel that has one (for line and text). */
static const struct ovc_step *row_any(const struct ovc_step *const *step, size_t n)
{
	for (size_t k = 0; k < n; k++)
		if (step[k])
			return step[k];
	return NULL;
}

/* ------------------------------------------------------------------ */
/* Text                                                                 */

struct cmp_cols {
	int wline, wnum;
	size_t wtext, wres, wcell;
};

static void cmp_measure(const struct ovc_trace *const *t, size_t n, struct cmp_cols *c)
{
	*c = (struct cmp_cols){ .wline = 4, .wnum = 1, .wtext = 9, .wres = 6 };
	for (size_t k = 0; k < n; k++) {
		for (size_t i = 0; i < t[k]->nsteps; i++) {
			const struct ovc_step *s = &t[k]->steps[i];
			size_t w = ovc_render_width(s->text), wr;

			if (ovc_render_digits(s->line) > c->wline)
				c->wline = ovc_render_digits(s->line);
			if (ovc_render_digits(s->committed_kb) > c->wnum)
				c->wnum = ovc_render_digits(s->committed_kb);
			if (w > c->wtext)
				c->wtext = w < OVC_RENDER_TEXT_COLS ? w : OVC_RENDER_TEXT_COLS;
			wr = strlen(ovc_render_result_name(&s->res));
			if (wr > c->wres)
				c->wres = wr;
		}
	}
	/* "result  Committed_AS" or "ENOMEM  12061860 kB" */
	c->wcell = c->wres + 2 + ((size_t)c->wnum + 3 > 12 ? (size_t)c->wnum + 3 : 12);
	for (size_t k = 0; k < n; k++)
		if (t[k]->kernel && ovc_render_width(t[k]->kernel) > c->wcell)
			c->wcell = ovc_render_width(t[k]->kernel);
}

static void cmp_header(FILE *f, const struct ovc_trace *const *t, size_t n,
		       const struct cmp_cols *c)
{
	fprintf(f, "scenario  %s\nkernels   ", t[0]->scenario ? t[0]->scenario : "-");
	for (size_t k = 0; k < n; k++)
		fprintf(f, "%s%s", k ? ", " : "", t[k]->kernel ? t[k]->kernel : "-");
	fprintf(f, "\n\n%*s", 2 + c->wline + 2 + (int)c->wtext, "");
	for (size_t k = 0; k < n; k++) {
		fputs("  ", f);
		ovc_render_pad(f, t[k]->kernel ? t[k]->kernel : "-", k + 1 < n ? c->wcell : 0);
	}
	fprintf(f, "\n  %*s  ", c->wline, "line");
	ovc_render_pad(f, "operation", c->wtext);
	for (size_t k = 0; k < n; k++) {
		fprintf(f, "  %-*s  ", (int)c->wres, "result");
		ovc_render_pad(f, "Committed_AS", k + 1 < n ? c->wcell - c->wres - 2 : 0);
	}
	fputc('\n', f);
}

/* "ENOMEM  12061860 kB" padded to the column (the last one is not). */
static void cmp_cell(FILE *f, const struct ovc_step *s, const struct cmp_cols *c, int last)
{
	char num[32];

	fputs("  ", f);
	if (!s) {
		ovc_render_pad(f, "-", last ? 0 : c->wcell);
		return;
	}
	ovc_render_pad(f, ovc_render_result_name(&s->res), c->wres);
	snprintf(num, sizeof(num), "%*llu kB", c->wnum, (unsigned long long)s->committed_kb);
	fputs("  ", f);
	ovc_render_pad(f, num, last ? 0 : c->wcell - c->wres - 2);
}

/* Each kernel's failed expect lines, then its summary and the total. */
static void cmp_footer(FILE *f, const struct ovc_trace *const *t, size_t n)
{
	unsigned passed = 0, failed = 0;

	for (size_t k = 0; k < n; k++) {
		for (size_t i = 0; i < t[k]->nsteps; i++) {
			const struct ovc_step *s = &t[k]->steps[i];

			for (size_t j = 0; j < s->nchecks; j++) {
				if (s->checks[j].passed)
					continue;
				fprintf(f, "%s: line %u  %s  ", t[k]->kernel, s->checks[j].line,
					s->checks[j].text);
				ovc_render_verdict(f, &s->checks[j]);
				fputc('\n', f);
			}
		}
		ovc_render_summary(f, t[k]->kernel, t[k]->passed, t[k]->failed);
		passed += t[k]->passed;
		failed += t[k]->failed;
	}
	ovc_render_summary(f, NULL, passed, failed);
}

int ovc_render_compare_text(FILE *f, const struct ovc_trace *const *t, size_t n,
			    unsigned flags)
{
	const struct ovc_step **step = calloc(n ? n : 1, sizeof(*step));
	struct cmp_cols c;
	struct rows r;
	unsigned line, ndiff = 0;

	if (!step || rows_init(&r, t, n)) {
		free(step);
		return -OVC_E_NOMEM;
	}
	cmp_measure(t, n, &c);
	if (n)
		cmp_header(f, t, n, &c);
	while ((line = rows_next_line(&r))) {
		int differs;

		rows_take(&r, line, step);
		differs = row_differs(step, n);
		ndiff += differs;
		if ((flags & OVC_RENDER_QUIET) && !differs)
			continue;
		fprintf(f, "%c %*u  ", differs ? '*' : ' ', c.wline, line);
		ovc_render_pad_cut(f, row_any(step, n)->text, c.wtext);
		for (size_t k = 0; k < n; k++)
			cmp_cell(f, step[k], &c, k + 1 == n);
		fputc('\n', f);
	}
	if (ndiff)
		fprintf(f, "\n%u step%s with different outcomes (marked *)\n", ndiff,
			ndiff == 1 ? "" : "s");
	else
		fputs("\nthe same outcome under every kernel\n", f);
	cmp_footer(f, t, n);
	free(r.pos);
	free(step);
	return ferror(f) ? -OVC_E_IO : 0;
}

/* ------------------------------------------------------------------ */
/* JSON                                                                 */

static void json_row(struct ovc_json *w, const struct ovc_trace *const *t, size_t n,
		     const struct ovc_step *const *step, unsigned line)
{
	ovc_json_open(w, NULL, '{');
	ovc_json_u64(w, "line", line);
	ovc_json_str(w, "text", row_any(step, n)->text);
	ovc_json_bool(w, "differs", row_differs(step, n));
	ovc_json_open(w, "results", '[');
	for (size_t k = 0; k < n; k++) {
		if (!step[k]) {
			ovc_json_null(w, NULL);
			continue;
		}
		ovc_json_open(w, NULL, '{');
		ovc_json_str(w, "kernel", t[k]->kernel);
		ovc_json_str(w, "result", ovc_render_result_name(&step[k]->res));
		ovc_json_i64(w, "errno", step[k]->res.err);
		ovc_json_u64(w, "committed_kb", step[k]->committed_kb);
		ovc_json_close(w, '{');
	}
	ovc_json_close(w, '[');
	ovc_json_close(w, '{');
}

static void json_totals(struct ovc_json *w, const struct ovc_trace *const *t, size_t n)
{
	unsigned passed = 0, failed = 0;

	for (size_t k = 0; k < n; k++) {
		passed += t[k]->passed;
		failed += t[k]->failed;
	}
	ovc_json_u64(w, "passed", passed);
	ovc_json_u64(w, "failed", failed);
}

int ovc_render_compare_json(FILE *f, const struct ovc_trace *const *t, size_t n)
{
	const struct ovc_step **step = calloc(n ? n : 1, sizeof(*step));
	struct ovc_json w;
	struct rows r;
	unsigned line;

	if (!step || rows_init(&r, t, n)) {
		free(step);
		return -OVC_E_NOMEM;
	}
	ovc_json_init(&w, f);
	ovc_json_open(&w, NULL, '{');
	ovc_json_str(&w, "format", "ovc-compare");
	ovc_json_u64(&w, "version", 1);
	ovc_json_str(&w, "scenario", n ? t[0]->scenario : NULL);
	ovc_json_open(&w, "kernels", '[');
	for (size_t k = 0; k < n; k++)
		ovc_json_str(&w, NULL, t[k]->kernel);
	ovc_json_close(&w, '[');
	ovc_json_open(&w, "rows", '[');
	while ((line = rows_next_line(&r))) {
		rows_take(&r, line, step);
		json_row(&w, t, n, step, line);
	}
	ovc_json_close(&w, '[');
	json_totals(&w, t, n);
	ovc_json_open(&w, "traces", '[');
	for (size_t k = 0; k < n; k++)
		ovc_json_trace(&w, NULL, t[k]);
	ovc_json_close(&w, '[');
	ovc_json_close(&w, '{');
	free(r.pos);
	free(step);
	return ovc_json_finish(&w);
}
