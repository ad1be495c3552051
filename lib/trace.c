/* trace.c - the record of a run: steps with their results, the expect lines checked after them, and the OOM killer's events and rankings.
 *
 * A trace owns copies of its strings and of the OOM records (each event's
 * task rows and kill records are copied with it). Memory failures leave
 * the trace consistent (and freeable): a step that cannot be added is not
 * added, a string that cannot be copied is NULL, an OOM record that cannot
 * be copied is not recorded.
 *
 * Units: kB (the figures are filled by the producer); the OOM records keep
 * the model's units.
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

static void free_events(struct ovc_oom_event *ev, size_t n)
{
	for (size_t i = 0; i < n; i++) {
		free(ev[i].rows);
		free(ev[i].kills);
	}
	free(ev);
}

static void free_victims(struct ovc_victim *v, size_t n)
{
	for (size_t i = 0; i < n; i++)
		free(v[i].task);
	free(v);
}

static void free_names(char **names, size_t n)
{
	if (!names)
		return;
	for (size_t i = 0; i < n; i++)
		free(names[i]);
	free(names);
}

static void free_ranks(struct ovc_rank *r, size_t n)
{
	for (size_t i = 0; i < n; i++) {
		free(r[i].cgroup);
		free_names(r[i].names, r[i].nrows);
		free(r[i].rows);
	}
	free(r);
}

/* Copies of n names (NULL entries stay NULL); NULL for no names. */
static char **copy_names(const char *const *names, size_t n, int *fail)
{
	char **c;

	if (!names || !n)
		return NULL;
	c = calloc(n, sizeof(*c));
	if (!c) {
		*fail = 1;
		return NULL;
	}
	for (size_t i = 0; i < n; i++) {
		c[i] = dup_or_null(names[i]);
		if (names[i] && !c[i])
			*fail = 1;
	}
	return c;
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
		free_events(s->oom, s->noom);
		free_victims(s->victims, s->nvictims);
		free_ranks(s->ranks, s->nranks);
	}
	free(t->steps);
	free_checks(t->checks, t->nchecks);
	free_ranks(t->ranks, t->nranks);
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

/* ------------------------------------------------------------------
 * The OOM killer's records
 */

/* n elements of size sz copied, or NULL (also for n == 0). *fail is set
 * when a copy was needed and could not be made. */
static void *copy_array(const void *src, size_t n, size_t sz, int *fail)
{
	void *d;

	if (!n || !src)
		return NULL;
	if (n > SIZE_MAX / sz || !(d = malloc(n * sz))) {
		*fail = 1;
		return NULL;
	}
	memcpy(d, src, n * sz);
	return d;
}

/* Grow an array of *n elements by one; NULL if there is no memory. */
static void *grow(void *arr, size_t n, size_t sz)
{
	if (n + 1 > SIZE_MAX / sz)
		return NULL;
	return realloc(arr, (n + 1) * sz);
}

static int copy_event(struct ovc_oom_event *d, const struct ovc_oom_event *s)
{
	int fail = 0;

	*d = *s;
	d->rows = copy_array(s->rows, s->nrows, sizeof(*s->rows), &fail);
	d->kills = copy_array(s->kills, s->nkills, sizeof(*s->kills), &fail);
	d->nrows = d->rows ? s->nrows : 0;
	d->nkills = d->kills ? s->nkills : 0;
	if (fail) {
		free(d->rows);
		free(d->kills);
		return -OVC_E_NOMEM;
	}
	return 0;
}

int ovc_trace_oom(struct ovc_trace *t, const struct ovc_oom_event *ev, size_t n,
		  uint64_t dropped)
{
	struct ovc_step *s;
	struct ovc_oom_event *v;
	size_t i;

	if (!t->nsteps)
		return -OVC_E_STATE;
	s = &t->steps[t->nsteps - 1];
	if (!n) {
		s->oom_dropped += dropped;
		return 0;
	}
	if (n > SIZE_MAX / sizeof(*v) - s->noom)
		return -OVC_E_NOMEM;
	v = realloc(s->oom, (s->noom + n) * sizeof(*v));
	if (!v)
		return -OVC_E_NOMEM;
	s->oom = v;
	for (i = 0; i < n; i++)
		if (copy_event(&v[s->noom + i], &ev[i]) < 0)
			break;
	if (i < n) {		/* undo: the step keeps what it had */
		while (i--) {
			free(v[s->noom + i].rows);
			free(v[s->noom + i].kills);
		}
		return -OVC_E_NOMEM;
	}
	s->noom += n;
	s->oom_dropped += dropped;
	return 0;
}

int ovc_trace_victim(struct ovc_trace *t, const char *task, int pid,
		     enum ovc_oom_kill_reason reason)
{
	struct ovc_step *s;
	struct ovc_victim *v;
	char *name = dup_or_null(task);

	if (!t->nsteps) {
		free(name);
		return -OVC_E_STATE;
	}
	s = &t->steps[t->nsteps - 1];
	v = (task && !name) ? NULL : grow(s->victims, s->nvictims, sizeof(*v));
	if (!v) {
		free(name);
		return -OVC_E_NOMEM;
	}
	s->victims = v;
	v[s->nvictims++] = (struct ovc_victim){ .task = name, .pid = pid, .reason = reason };
	return 0;
}

int ovc_trace_rank(struct ovc_trace *t, unsigned line, const char *cgroup,
		   uint64_t totalpages, int chosen, const struct ovc_oom_candidate *rows,
		   const char *const *names, size_t n)
{
	struct ovc_rank **list = &t->ranks, *r;
	size_t *nr = &t->nranks;
	struct ovc_rank k = { .line = line, .totalpages = totalpages, .chosen = chosen };
	int fail = 0;

	if (t->nsteps) {
		list = &t->steps[t->nsteps - 1].ranks;
		nr = &t->steps[t->nsteps - 1].nranks;
	}
	k.cgroup = dup_or_null(cgroup);
	k.rows = copy_array(rows, n, sizeof(*rows), &fail);
	k.names = copy_names(names, n, &fail);
	k.nrows = k.rows ? n : 0;
	r = fail || (cgroup && !k.cgroup) ? NULL : grow(*list, *nr, sizeof(*r));
	if (!r) {
		free(k.cgroup);
		free_names(k.names, n);
		free(k.rows);
		return -OVC_E_NOMEM;
	}
	*list = r;
	r[(*nr)++] = k;
	return 0;
}
