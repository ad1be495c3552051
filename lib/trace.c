/* trace.c - the record of a run: steps with their results and the expect lines checked after them.
 *
 * A trace owns copies of its strings. Memory failures leave the trace
 * consistent (and freeable): a step that cannot be added is not added, a
 * string that cannot be copied is NULL.
 *
 * Units: kB (the figures are filled by the producer).
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "ovc/err.h"
#include "ovc/trace.h"

static char *dup_or_null(const char *s)
{
	return s ? strdup(s) : NULL;
}

void ovc_trace_init(struct ovc_trace *t, const char *scenario, const char *kernel)
{
	memset(t, 0, sizeof(*t));
	t->scenario = dup_or_null(scenario);
	t->kernel = dup_or_null(kernel);
}

static void free_checks(struct ovc_check *c, size_t n)
{
	size_t i;

	for (i = 0; i < n; i++) {
		free(c[i].text);
		free(c[i].actual);
	}
	free(c);
}

void ovc_trace_free(struct ovc_trace *t)
{
	size_t i;

	if (!t)
		return;
	for (i = 0; i < t->nsteps; i++) {
		struct ovc_step *s = &t->steps[i];

		free(s->text);
		free(s->op);
		free(s->task);
		free_checks(s->checks, s->nchecks);
	}
	free(t->steps);
	free_checks(t->checks, t->nchecks);
	for (i = 0; i < t->ntasks; i++)
		free(t->tasks[i].name);
	free(t->tasks);
	free(t->scenario);
	free(t->kernel);
	memset(t, 0, sizeof(*t));
}

struct ovc_step *ovc_trace_step(struct ovc_trace *t, unsigned line,
				const char *text, const char *op, const char *task)
{
	struct ovc_step *s;

	if (t->nsteps == t->cap) {
		size_t cap = t->cap ? t->cap * 2 : 16;

		if (cap > SIZE_MAX / sizeof(*s))
			return NULL;
		s = realloc(t->steps, cap * sizeof(*s));
		if (!s)
			return NULL;
		t->steps = s;
		t->cap = cap;
	}
	s = &t->steps[t->nsteps];
	memset(s, 0, sizeof(*s));
	s->line = line;
	s->text = dup_or_null(text);
	s->op = dup_or_null(op);
	s->task = dup_or_null(task);
	if ((text && !s->text) || (op && !s->op) || (task && !s->task)) {
		free(s->text);
		free(s->op);
		free(s->task);
		return NULL;
	}
	t->nsteps++;
	return s;
}

int ovc_trace_check(struct ovc_trace *t, unsigned line, unsigned col,
		    const char *text, int passed, const char *actual)
{
	struct ovc_check **list = &t->checks, *c;
	size_t *n = &t->nchecks;

	if (t->nsteps) {
		list = &t->steps[t->nsteps - 1].checks;
		n = &t->steps[t->nsteps - 1].nchecks;
	}
	/* No capacity field in the struct: the array doubles whenever its
	 * length reaches a power of two, so its capacity is implicit. */
	if ((*n & (*n - 1)) == 0) {
		size_t cap = *n ? *n * 2 : 1;

		if (cap > SIZE_MAX / sizeof(*c))
			return -OVC_E_NOMEM;
		c = realloc(*list, cap * sizeof(*c));
		if (!c)
			return -OVC_E_NOMEM;
		*list = c;
	}
	c = &(*list)[*n];
	c->line = line;
	c->col = col;
	c->passed = !!passed;
	c->text = dup_or_null(text);
	c->actual = dup_or_null(actual);
	if ((text && !c->text) || (actual && !c->actual)) {
		free(c->text);
		free(c->actual);
		return -OVC_E_NOMEM;
	}
	(*n)++;
	if (passed)
		t->passed++;
	else
		t->failed++;
	return 0;
}

int ovc_trace_task(struct ovc_trace *t, const char *name, int pid, uint32_t uid,
		   int exited, const struct ovc_task_view *v)
{
	struct ovc_trace_task *n = realloc(t->tasks, (t->ntasks + 1) * sizeof(*n));

	if (!n)
		return -1;
	t->tasks = n;
	n = &t->tasks[t->ntasks++];
	memset(n, 0, sizeof(*n));
	n->name = dup_or_null(name);
	n->pid = pid;
	n->uid = uid;
	n->exited = exited;
	if (v)
		n->v = *v;
	return 0;
}
