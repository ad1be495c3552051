/* cmp_text.c - the `ovc exec --compare` report: both traces side by side, then each difference in full. kB. */
#include <inttypes.h>
#include <stdlib.h>
#include <string.h>

#include "render/cmp_text.h"
#include "render/render.h"

#define MARK_DIFF "<- differs"

static const char *result_of(const struct ovc_step *s, char *buf, size_t n)
{
	const char *name = ovc_render_result_name(&s->res);
	const char *cause = ovc_render_cause_name(s->res.cause);

	if (s->res.err && cause && s->res.cause != OVC_CAUSE_OOM)
		snprintf(buf, n, "%s (%s)", name, cause);
	else
		snprintf(buf, n, "%s", name);
	return buf;
}

static void header(FILE *f, const struct ovc_trace *real, const struct ovc_trace *model,
		   const struct ovc_cmp *c)
{
	const struct ovc_cmp_opts *o = &c->opts;

	fprintf(f, "compare: kernel %s against the model (profile %s), from the state the kernel started in\n",
		real->kernel ? real->kernel : "?", model->kernel ? model->kernel : "?");
	fprintf(f, "  %u CPU%s, Committed_AS batch %" PRIu64 " pages (%" PRIu64 " under NEVER); "
		"results and CommitLimit compared exactly;\n",
		o->ncpus, o->ncpus == 1 ? "" : "s", o->batch_guess, o->batch_never);
	if (o->meminfo_exact)
		fputs("  Committed_AS: the kernel's /proc/meminfo (the exact sum, 5.9+) against the model's exact sum, exactly\n", f);
	else
		fprintf(f, "  Committed_AS: the kernel's /proc/meminfo (its approximate counter, before 5.9) against the\n"
			"  model's exact sum, within %" PRIu64 " kB (%u CPU%s x (batch - 1) pages)\n",
			o->committed_slack_kb, o->ncpus, o->ncpus == 1 ? "" : "s");
}

static void point(FILE *f, const char *name, const struct ovc_cmp_point *p)
{
	if (!p->compared) {
		fprintf(f, "%s: not compared (a run stopped early)\n", name);
		return;
	}
	fprintf(f, "%s: Committed_AS kernel %" PRIu64 " kB, model %" PRIu64 " kB%s; "
		"CommitLimit kernel %" PRIu64 " kB, model %" PRIu64 " kB%s\n", name,
		p->real_committed_kb, p->model_committed_kb,
		p->diff & OVC_CMP_COMMITTED ? " " MARK_DIFF : "",
		p->real_limit_kb, p->model_limit_kb, p->diff & OVC_CMP_LIMIT ? " " MARK_DIFF : "");
}

/* ---- the table ---- */

static void cell_step(FILE *f, const struct ovc_step *s, int kernel, int64_t delta_kb)
{
	char res[48], d[32], c[32];

	if (!s) {
		fprintf(f, " %-16s %10s %10s", "-", "-", "-");
		return;
	}
	snprintf(d, sizeof(d), "%+" PRId64, delta_kb);
	snprintf(c, sizeof(c), "%" PRIu64, kernel ? s->committed_kb : s->committed_exact_kb);
	fprintf(f, " ");
	ovc_render_pad_cut(f, result_of(s, res, sizeof(res)), 16);
	fprintf(f, " %10s %10s", d, c);
}

static void table(FILE *f, const struct ovc_cmp *c)
{
	fprintf(f, "\n%5s  %-36s %-16s %10s %10s %-16s %10s %10s\n", "line", "step", "kernel",
		"change kB", "C_AS kB", "model", "change kB", "C_AS kB");
	for (size_t i = 0; i < c->nrows; i++) {
		const struct ovc_cmp_row *r = &c->rows[i];
		const struct ovc_step *s = r->real ? r->real : r->model;

		fprintf(f, "%5u  ", r->line);
		ovc_render_pad_cut(f, s->text ? s->text : "", 36);
		cell_step(f, r->real, 1, r->real_delta_kb);
		cell_step(f, r->model, 0, r->model_delta_kb);
		if (r->diff)
			fprintf(f, "  %s%s", MARK_DIFF, r->carried && r->diff == OVC_CMP_COMMITTED ?
				" (carried)" : "");
		else if (r->slack)
			fputs("  (within slack)", f);
		fputc('\n', f);
	}
}

/* ---- one difference in full ---- */

static void side(FILE *f, const char *what, const char *k, const char *m, const char *tail)
{
	fprintf(f, "    %-13s kernel ", what);
	ovc_render_pad(f, k, 22);
	fprintf(f, " model ");
	if (tail) {
		ovc_render_pad(f, m, 22);
		fputs(tail, f);
	} else {
		fputs(m, f);
	}
	fputc('\n', f);
}

static void detail_figures(FILE *f, const struct ovc_cmp_row *r)
{
	char a[64], b[64], t[64];

	result_of(r->real, a, sizeof(a));
	result_of(r->model, b, sizeof(b));
	side(f, "result", a, b, r->diff & OVC_CMP_RESULT ? "  " MARK_DIFF : NULL);
	snprintf(a, sizeof(a), "%" PRIu64 " kB", r->real->committed_kb);
	snprintf(b, sizeof(b), "%" PRIu64 " kB", r->model->committed_exact_kb);
	snprintf(t, sizeof(t), "  kernel - model = %+" PRId64 " kB", r->offset_kb);
	side(f, "Committed_AS", a, b, r->offset_kb ? t : NULL);
	snprintf(a, sizeof(a), "%+" PRId64 " kB", r->real_delta_kb);
	snprintf(b, sizeof(b), "%+" PRId64 " kB", r->model_delta_kb);
	side(f, "its change", a, b, r->diff & OVC_CMP_DELTA ? "  " MARK_DIFF : NULL);
	snprintf(a, sizeof(a), "%" PRIu64 " kB", r->real->commit_limit_kb);
	snprintf(b, sizeof(b), "%" PRIu64 " kB", r->model->commit_limit_kb);
	side(f, "CommitLimit", a, b, r->diff & OVC_CMP_LIMIT ? "  " MARK_DIFF : NULL);
}

static void detail_notes(FILE *f, const struct ovc_cmp_row *r, const struct ovc_cmp *c,
			 const struct ovc_trace *model)
{
	struct ovc_explain_env env;
	char *why;

	if (r->at_edge)
		fprintf(f, "    note: the model's exact Committed_AS was %" PRIu64 " kB from its limit, within the\n"
			"          %" PRIu64 " kB the kernel's approximate counter can be off (%u CPU%s x (batch - 1)\n"
			"          pages): the kernel's admission reads that counter, not the exact sum\n",
			r->margin_kb, c->opts.edge_slack_kb, c->opts.ncpus, c->opts.ncpus == 1 ? "" : "s");
	ovc_render_trace_env(model, &env);
	env.op = r->model->op;
	why = ovc_render_explain_dup(&r->model->res, &env);
	if (why) {
		ovc_render_wrapped(f, why, 4, "the model:    ", 100);
		free(why);
	}
}

static void detail(FILE *f, const struct ovc_cmp_row *r, const struct ovc_cmp *c,
		   const struct ovc_trace *model)
{
	const struct ovc_step *s = r->real ? r->real : r->model;

	fprintf(f, "\nline %u: %s\n", r->line, s->text ? s->text : "");
	if (r->diff & OVC_CMP_NO_MODEL) {
		fputs("    the kernel ran this step; the model did not (its run stopped before it)\n", f);
		return;
	}
	if (r->diff & OVC_CMP_NO_REAL) {
		fputs("    the model ran this step; the kernel did not (its run stopped before it)\n", f);
		return;
	}
	detail_figures(f, r);
	detail_notes(f, r, c, model);
}

/* Rows that only carry an earlier difference, as one line. */
static size_t carried_run(FILE *f, const struct ovc_cmp *c, size_t i)
{
	size_t j = i;

	while (j < c->nrows && c->rows[j].carried && c->rows[j].diff == OVC_CMP_COMMITTED)
		j++;
	if (j == i)
		return 0;
	fprintf(f, "\nline%s %u", j - i > 1 ? "s" : "", c->rows[i].line);
	if (j - i > 1)
		fprintf(f, "-%u", c->rows[j - 1].line);
	fprintf(f, ": Committed_AS still off by %+" PRId64 " kB, carried from the line before; "
		"their own changes agree\n", c->rows[i].offset_kb);
	return j - i;
}

int ovc_render_cmp_text(FILE *f, const struct ovc_trace *real, const struct ovc_trace *model,
			const struct ovc_cmp *c, unsigned flags)
{
	header(f, real, model, c);
	point(f, "start", &c->start);
	if (!(flags & OVC_CMP_TEXT_QUIET))
		table(f, c);
	for (size_t i = 0; i < c->nrows; i++) {
		size_t n = carried_run(f, c, i);

		if (n) {
			i += n - 1;
			continue;
		}
		if (c->rows[i].diff)
			detail(f, &c->rows[i], c, model);
	}
	fputc('\n', f);
	point(f, "end", &c->end);
	if (ovc_cmp_match(c) && !c->complete)
		fprintf(f, "compare: the %zu steps that ran match, but a run stopped early\n", c->paired);
	else if (ovc_cmp_match(c))
		fprintf(f, "compare: match, %zu steps\n", c->paired);
	else
		fprintf(f, "compare: %zu steps, %zu differ%s\n", c->nrows, c->differ,
			c->start.diff || c->end.diff ? " (and the start or end figures)" : "");
	return ferror(f) ? -OVC_E_IO : 0;
}
