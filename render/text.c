/* text.c - the `ovc sim` timeline: a header that describes the machine,
 * one aligned row per step (the explanation indented under a refusal, its
 * expect lines after it), and the line "expect: N passed, M failed".
 * Memory in kB as /proc prints it, human sizes beside the totals.
 */
#include <stdlib.h>
#include <string.h>

#include "render/render.h"

#define WRAP_COLS 100	/* explanations wrap here */

struct cols {
	int wline;	/* digits of the largest line number */
	size_t wtext;	/* operation and expect texts */
	size_t wres;	/* result names */
	int wnum;	/* kB figures */
};

static void widen(size_t *w, size_t v)
{
	if (v > *w)
		*w = v;
}

static void measure_checks(struct cols *c, const struct ovc_check *k, size_t n)
{
	for (size_t i = 0; i < n; i++) {
		widen(&c->wtext, ovc_render_width(k[i].text));
		if (ovc_render_digits(k[i].line) > c->wline)
			c->wline = ovc_render_digits(k[i].line);
	}
}

static void measure(const struct ovc_trace *t, struct cols *c)
{
	c->wline = 1;
	c->wtext = 1;
	c->wres = 2;
	c->wnum = 1;
	measure_checks(c, t->checks, t->nchecks);
	for (size_t i = 0; i < t->nsteps; i++) {
		const struct ovc_step *s = &t->steps[i];
		int wn = ovc_render_digits(s->committed_kb > s->commit_limit_kb ?
				s->committed_kb : s->commit_limit_kb);

		if (ovc_render_digits(s->line) > c->wline)
			c->wline = ovc_render_digits(s->line);
		widen(&c->wtext, ovc_render_width(s->text));
		widen(&c->wres, strlen(ovc_render_result_name(&s->res)));
		if (wn > c->wnum)
			c->wnum = wn;
		measure_checks(c, s->checks, s->nchecks);
	}
	if (c->wtext > OVC_RENDER_TEXT_COLS)
		c->wtext = OVC_RENDER_TEXT_COLS;
}

static void header(FILE *f, const struct ovc_trace *t)
{
	char a[64], b[64];

	fprintf(f, "scenario  %s\n", t->scenario ? t->scenario : "-");
	fprintf(f, "kernel    %s\n", t->kernel ? t->kernel : "-");
	fprintf(f, "machine   MemTotal %s, SwapTotal %s",
		ovc_render_kb(t->start.mem_total, a, sizeof(a)),
		ovc_render_kb(t->start.swap_total, b, sizeof(b)));
	if (t->ncpus)	/* 0: the producer did not say */
		fprintf(f, ", %u CPU%s", t->ncpus, t->ncpus == 1 ? "" : "s");
	if (t->page_size)
		fprintf(f, ", %llu-byte pages", (unsigned long long)t->page_size);
	fprintf(f, "\npolicy    vm.overcommit_memory=%d (%s)\n", t->overcommit_memory,
		ovc_render_policy_name(t->overcommit_memory));
	fprintf(f, "start     CommitLimit %s, Committed_AS %s\n\n",
		ovc_render_kb(t->start.commit_limit, a, sizeof(a)),
		ovc_render_kb(t->start.committed_as, b, sizeof(b)));
}

/* The named tasks at the end: /proc/PID/status sizes, what is charged
 * to Committed_AS for each, and what a fork of it would charge. */
static void task_table(FILE *f, const struct ovc_trace *t)
{
	if (!t->ntasks)
		return;
	fprintf(f, "\n%-16s %7s %6s %12s %12s %12s %12s %6s\n", "task", "pid", "uid",
		"VmSize kB", "VmRSS kB", "committed kB", "fork cost kB", "VMAs");
	for (size_t i = 0; i < t->ntasks; i++) {
		const struct ovc_trace_task *k = &t->tasks[i];

		if (k->exited) {
			fprintf(f, "%-16s %7d %6u %12s\n", k->name, k->pid, k->uid, "(exited)");
			continue;
		}
		fprintf(f, "%-16s %7d %6u %12llu %12llu %12llu %12llu %6llu\n", k->name,
			k->pid, k->uid, (unsigned long long)k->v.vm_size,
			(unsigned long long)k->v.vm_rss, (unsigned long long)k->v.committed,
			(unsigned long long)k->v.fork_charge, (unsigned long long)k->v.map_count);
	}
}

static void footer(FILE *f, const struct ovc_trace *t)
{
	char a[64], b[64], c[64];

	fprintf(f, "\nend       CommitLimit %s, Committed_AS %s, MemFree %s\n",
		ovc_render_kb(t->end.commit_limit, a, sizeof(a)),
		ovc_render_kb(t->end.committed_as, b, sizeof(b)),
		ovc_render_kb(t->end.mem_free, c, sizeof(c)));
	fprintf(f, "sar -r    kbcommit %llu, %%commit %.2f\n",
		(unsigned long long)t->end.kbcommit, t->end.pct_commit);
	task_table(f, t);
}

/* "line  7  " then the text padded to its column. */
static void row_start(FILE *f, const struct cols *c, unsigned line, const char *text)
{
	fprintf(f, "line %*u  ", c->wline, line);
	ovc_render_pad(f, text, c->wtext);
}

static void step_row(FILE *f, const struct cols *c, const struct ovc_step *s)
{
	row_start(f, c, s->line, s->text);
	fputs("  \u2192 ", f);
	ovc_render_pad(f, ovc_render_result_name(&s->res), c->wres);
	fprintf(f, "  Committed_AS %*llu kB / CommitLimit %*llu kB\n",
		c->wnum, (unsigned long long)s->committed_kb,
		c->wnum, (unsigned long long)s->commit_limit_kb);
}

static void explanation(FILE *f, const struct cols *c, const struct ovc_step *s,
			struct ovc_explain_env *env)
{
	char *why;

	env->op = s->op;
	why = ovc_render_explain_dup(&s->res, env);
	if (!why)
		return;
	ovc_render_wrapped(f, why, 5 + (size_t)c->wline + 2,
			   ovc_render_refused(&s->res) ? "why: " : "note: ", WRAP_COLS);
	free(why);
}

/* Print what fn writes, each line indented by ind columns. */
static void indented(FILE *f, size_t ind, const char *label,
		     int (*fn)(FILE *, const void *), const void *arg)
{
	char *buf = NULL, *line, *save = NULL;
	size_t len = 0;
	FILE *m = open_memstream(&buf, &len);

	if (!m)
		return;
	fn(m, arg);
	fclose(m);
	fprintf(f, "%*s%s\n", (int)ind, "", label);
	for (line = strtok_r(buf, "\n", &save); line; line = strtok_r(NULL, "\n", &save))
		fprintf(f, "%*s  %s\n", (int)ind, "", line);
	free(buf);
}

struct report_arg {
	const struct ovc_oom_event *ev;
	const struct ovc_oom_report_env *env;
};

static int report_fn(FILE *f, const void *arg)
{
	const struct report_arg *a = arg;

	return ovc_render_oom_report(f, a->ev, a->env);
}

static int rank_fn(FILE *f, const void *arg)
{
	const struct ovc_rank *r = arg;

	return ovc_render_oom_rank_text(f, r->rows, r->nrows, r->chosen);
}

/* The OOM killer during a step: whom it killed, then each invocation's
 * report as the modelled kernel's dmesg shows it. */
static void oom_rows(FILE *f, const struct cols *c, const struct ovc_step *s,
		     const struct ovc_trace *t)
{
	size_t ind = 5 + (size_t)c->wline + 2;
	struct ovc_profile p;
	struct ovc_oom_report_env env = { .profile = &p, .page_size = t->page_size };

	for (size_t i = 0; i < s->nvictims; i++)
		fprintf(f, "%*skilled: %s (pid %d, %s)\n", (int)ind, "",
			s->victims[i].task ? s->victims[i].task : "-", s->victims[i].pid,
			ovc_render_oom_reason_name(s->victims[i].reason));
	if (!s->noom || ovc_profile_for(t->kernel, &p, NULL))
		return;
	for (size_t i = 0; i < s->noom; i++) {
		struct report_arg a = { &s->oom[i], &env };

		indented(f, ind, "kernel log:", report_fn, &a);
	}
}

/* Badness rankings asked for with `rank` lines. */
static void rank_rows(FILE *f, const struct cols *c, const struct ovc_rank *r, size_t n)
{
	char label[96];

	for (size_t i = 0; i < n; i++) {
		snprintf(label, sizeof(label), "line %u  rank%s%s: the OOM killer's view",
			 r[i].line, r[i].cgroup ? " cgroup=" : "", r[i].cgroup ? r[i].cgroup : "");
		indented(f, 0, label, rank_fn, &r[i]);
		(void)c;
	}
}

/* Expect lines; quiet shows only the failed ones. */
static void check_rows(FILE *f, const struct cols *c, const struct ovc_check *k,
		       size_t n, unsigned flags)
{
	for (size_t i = 0; i < n; i++) {
		if ((flags & OVC_RENDER_QUIET) && k[i].passed)
			continue;
		row_start(f, c, k[i].line, k[i].text);
		fputs("    ", f);
		ovc_render_verdict(f, &k[i]);
		fputc('\n', f);
	}
}

static int any_failed(const struct ovc_check *k, size_t n)
{
	for (size_t i = 0; i < n; i++)
		if (!k[i].passed)
			return 1;
	return 0;
}

int ovc_render_text(FILE *f, const struct ovc_trace *t, unsigned flags)
{
	struct ovc_explain_env env;
	struct cols c;

	measure(t, &c);
	ovc_render_trace_env(t, &env);
	if (!(flags & OVC_RENDER_QUIET))
		header(f, t);
	check_rows(f, &c, t->checks, t->nchecks, flags);
	if (!(flags & OVC_RENDER_QUIET))
		rank_rows(f, &c, t->ranks, t->nranks);
	for (size_t i = 0; i < t->nsteps; i++) {
		const struct ovc_step *s = &t->steps[i];

		if ((flags & OVC_RENDER_QUIET) && !any_failed(s->checks, s->nchecks))
			continue;
		step_row(f, &c, s);
		explanation(f, &c, s, &env);
		if (!(flags & OVC_RENDER_QUIET))
			oom_rows(f, &c, s, t);
		check_rows(f, &c, s->checks, s->nchecks, flags);
		if (!(flags & OVC_RENDER_QUIET))
			rank_rows(f, &c, s->ranks, s->nranks);
	}
	if (!(flags & OVC_RENDER_QUIET))
		footer(f, t);
	ovc_render_summary(f, NULL, t->passed, t->failed);
	return ferror(f) ? -OVC_E_IO : 0;
}
