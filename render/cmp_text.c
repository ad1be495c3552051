/* cmp_text.c - the `ovc exec --compare` report: both traces side by side, each difference in full, then the rank lines' tables. kB; rank parts in pages. */
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
	fputs("  OOM victims: the kernel's log (\"Killed process\") against the model's kills, by task name;\n", f);
	if (o->score_slack)
		fprintf(f, "  oom_score: /proc/PID/oom_score against the model's, within %" PRIu64 " (RSS counters off by up to %"
			PRIu64 " pages)\n", o->score_slack, o->rss_slack_pages);
	else
		fputs("  oom_score: /proc/PID/oom_score against the model's, exactly\n", f);
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

/* ---- OOM victims ---- */

/* "app, kid (sharer), pid 812 (unnamed)", or "none", into buf. */
static const char *victims_of(const struct ovc_step *s, char *buf, size_t n)
{
	size_t at = 0;

	buf[0] = '\0';
	for (size_t i = 0; i < s->nvictims && at < n; i++) {
		const struct ovc_victim *v = &s->victims[i];
		const char *why = v->reason == OVC_OOM_KILL_VICTIM ? "" :
				  ovc_render_oom_reason_name(v->reason);
		int w;

		if (v->task)
			w = snprintf(buf + at, n - at, "%s%s%s%s%s", i ? ", " : "", v->task,
				     *why ? " (" : "", why, *why ? ")" : "");
		else
			w = snprintf(buf + at, n - at, "%spid %d (unnamed%s%s)", i ? ", " : "", v->pid,
				     *why ? ", " : "", why);
		if (w < 0)
			break;
		at += (size_t)w;
	}
	if (!s->nvictims)
		snprintf(buf, n, "none");
	return buf;
}

static int has_victims(const struct ovc_cmp_row *r)
{
	return (r->real && r->real->nvictims) || (r->model && r->model->nvictims);
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
		if (r->real && r->model && has_victims(r)) {
			char k[160], m[160];

			fprintf(f, "%5s  %-36s killed: kernel %s; model %s%s\n", "", "",
				victims_of(r->real, k, sizeof(k)), victims_of(r->model, m, sizeof(m)),
				r->diff & OVC_CMP_VICTIM ? "  " MARK_DIFF : "");
		}
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
	if (has_victims(r) || (r->diff & OVC_CMP_VICTIM)) {
		char k[160], m[160];

		side(f, "OOM victims", victims_of(r->real, k, sizeof(k)),
		     victims_of(r->model, m, sizeof(m)), r->diff & OVC_CMP_VICTIM ? "  " MARK_DIFF : NULL);
	}
	if (r->nranks)
		fprintf(f, "    %-13s %zu line%s after this step: %zu task%s compared, %zu differ (tables below)%s\n",
			"rank", r->nranks, r->nranks == 1 ? "" : "s", r->rank_tasks,
			r->rank_tasks == 1 ? "" : "s", r->rank_differ,
			r->diff & OVC_CMP_RANK ? "  " MARK_DIFF : "");
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

/* ---- rank lines ---- */

static void rank_head(FILE *f)
{
	fprintf(f, "  %-12s %-6s %10s  %10s  %10s  %10s  %10s  %14s\n", "task", "", "oom_score",
		"rss_anon", "rss_file", "rss_shmem", "swapents", "pgtables_bytes");
}

/* A part of the model's side: '*' after it when it is not the kernel's. */
static void rank_part(FILE *f, uint64_t v, int differs)
{
	fprintf(f, " %10" PRIu64 "%c", v, differs ? '*' : ' ');
}

#define PART(c, o, field) rank_part(f, (c)->field, (o) && (o)->field != (c)->field)

/* One side of a task; o (the kernel's row, for the model's side) marks
 * the parts that differ. */
static void rank_side(FILE *f, const char *task, const char *name,
		      const struct ovc_oom_candidate *c, const struct ovc_oom_candidate *o,
		      const char *tail)
{
	fputs("  ", f);
	ovc_render_pad_cut(f, task, 12);
	fprintf(f, " %-6s", name);
	if (!c) {
		fprintf(f, " %12s%s\n", "(not ranked)", tail);
		return;
	}
	PART(c, o, oom_score);
	PART(c, o, rss_anon);
	PART(c, o, rss_file);
	PART(c, o, rss_shmem);
	PART(c, o, swapents);
	fprintf(f, " %14" PRIu64 "%s%s\n", c->pgtables_bytes,
		o && o->pgtables_bytes != c->pgtables_bytes ? "*" : "", tail);
}

static void rank_table(FILE *f, const struct ovc_cmp_rank *k, const char *where)
{
	fprintf(f, "\nline %u: rank%s%s (%s)%s\n", k->line,
		k->real && k->real->cgroup ? " cgroup=" : "",
		k->real && k->real->cgroup ? k->real->cgroup : "", where,
		k->differs ? "  " MARK_DIFF : "");
	if (!k->real || !k->model) {
		fprintf(f, "  only the %s ranked here\n", k->real ? "kernel" : "model");
		return;
	}
	fprintf(f, "  totalpages kernel %" PRIu64 ", model %" PRIu64 "; %zu task%s compared, %zu differ\n",
		k->real->totalpages, k->model->totalpages, k->compared, k->compared == 1 ? "" : "s",
		k->differ);
	rank_head(f);
	for (size_t i = 0; i < k->ntasks; i++) {
		const struct ovc_cmp_rank_task *t = &k->tasks[i];
		const char *tail = t->differs ? "  " MARK_DIFF : t->slack ? "  (within slack)" : "";

		rank_side(f, t->task, "kernel", t->real, NULL, "");
		rank_side(f, "", "model", t->model, t->real, tail);
	}
	fprintf(f, "  chosen: kernel %s, model %s%s\n",
		k->real->chosen < 0 ? "none" : k->real_chosen ? k->real_chosen : "(unnamed)",
		k->model->chosen < 0 ? "none" : k->model_chosen ? k->model_chosen : "(unnamed)",
		k->chosen_differs ? "  " MARK_DIFF : "");
}

#undef PART

/* Every rank line (quiet: those that differ), in line order. */
static void rank_tables(FILE *f, const struct ovc_cmp *c, unsigned flags)
{
	int any = 0, quiet = flags & OVC_CMP_TEXT_QUIET;
	char where[48];

	for (size_t i = 0; i < c->nstart_ranks; i++) {
		if (quiet && !c->start_ranks[i].differs)
			continue;
		if (!any++)
			fputs("\nrank lines: oom_score and its parts (pages; pgtables in bytes); "
			      "* marks a part of the model's that is not the kernel's\n", f);
		rank_table(f, &c->start_ranks[i], "before any step");
	}
	for (size_t i = 0; i < c->nrows; i++)
		for (size_t j = 0; j < c->rows[i].nranks; j++) {
			if (quiet && !c->rows[i].ranks[j].differs)
				continue;
			if (!any++)
				fputs("\nrank lines: oom_score and its parts (pages; pgtables in bytes); "
				      "* marks a part of the model's that is not the kernel's\n", f);
			snprintf(where, sizeof(where), "after line %u", c->rows[i].line);
			rank_table(f, &c->rows[i].ranks[j], where);
		}
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
	rank_tables(f, c, flags);
	fputc('\n', f);
	point(f, "end", &c->end);
	if (ovc_cmp_match(c) && !c->complete)
		fprintf(f, "compare: the %zu steps that ran match, but a run stopped early\n", c->paired);
	else if (ovc_cmp_match(c))
		fprintf(f, "compare: match, %zu steps\n", c->paired);
	else
		fprintf(f, "compare: %zu steps, %zu differ%s\n", c->nrows, c->differ,
			(c->start.diff & ~(unsigned)OVC_CMP_RANK) || c->end.diff ?
			" (and the start or end figures)" :
			c->start.diff ? " (and a rank line before the first step)" : "");
	return ferror(f) ? -OVC_E_IO : 0;
}
