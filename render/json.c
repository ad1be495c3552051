/* json.c - a small streaming JSON writer, and a trace as JSON
 * (format "ovc-trace", documented in docs/trace-json.md), with the OOM
 * killer's events and rankings of the steps that have them.
 *
 * The writer pretty-prints with two-space indents so golden files diff
 * line by line. Strings are always valid JSON and valid UTF-8, whatever
 * bytes they are given. Memory figures are kB, as in struct ovc_trace.
 */
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "ovc/view.h"
#include "render/render.h"

/* ------------------------------------------------------------------ */
/* Strings                                                              */

/* Length of the valid UTF-8 sequence at p (RFC 3629: no overlongs, no
 * surrogates, nothing above U+10FFFF), or 0 if p does not start one.
 * Stops at the first bad byte, so it never reads past a NUL. */
static size_t utf8_len(const unsigned char *p)
{
	unsigned char c = p[0], lo = 0x80, hi = 0xbf;
	size_t n;

	if (c >= 0xc2 && c <= 0xdf) {
		n = 2;
	} else if (c >= 0xe0 && c <= 0xef) {
		n = 3;
		lo = c == 0xe0 ? 0xa0 : 0x80;	/* overlong */
		hi = c == 0xed ? 0x9f : 0xbf;	/* surrogates */
	} else if (c >= 0xf0 && c <= 0xf4) {
		n = 4;
		lo = c == 0xf0 ? 0x90 : 0x80;	/* overlong */
		hi = c == 0xf4 ? 0x8f : 0xbf;	/* above U+10FFFF */
	} else {
		return 0;
	}
	if (p[1] < lo || p[1] > hi)
		return 0;
	for (size_t i = 2; i < n; i++)
		if ((p[i] & 0xc0) != 0x80)
			return 0;
	return n;
}

static void quote_ascii(FILE *f, unsigned char c)
{
	static const char short_escape[] = {
		['\b'] = 'b', ['\f'] = 'f', ['\n'] = 'n', ['\r'] = 'r', ['\t'] = 't',
	};

	if (c == '"' || c == '\\')
		fprintf(f, "\\%c", c);
	else if (c < sizeof(short_escape) && short_escape[c])
		fprintf(f, "\\%c", short_escape[c]);
	else if (c < 0x20 || c == 0x7f)
		fprintf(f, "\\u%04x", c);
	else
		fputc(c, f);
}

void ovc_json_quote(FILE *f, const char *s)
{
	const unsigned char *p = (const unsigned char *)s;

	fputc('"', f);
	while (*p) {
		size_t n = *p < 0x80 ? 1 : utf8_len(p);

		if (*p < 0x80)
			quote_ascii(f, *p);
		else if (!n)
			fputs("\\ufffd", f);	/* a byte that is not UTF-8 */
		else if (n == 3 && p[0] == 0xe2 && p[1] == 0x80 && (p[2] | 1) == 0xa9)
			fprintf(f, "\\u%04x", 0x2000 | (p[2] - 0x80));	/* U+2028/9 break JS */
		else
			fwrite(p, 1, n, f);
		p += n ? n : 1;
	}
	fputc('"', f);
}

/* ------------------------------------------------------------------ */
/* The writer                                                           */

void ovc_json_init(struct ovc_json *w, FILE *f)
{
	w->f = f;
	w->depth = 0;
	w->count[0] = 0;
}

/* Comma, newline and indent before a value, then its key. */
static void member(struct ovc_json *w, const char *key)
{
	if (w->depth) {
		fputs(w->count[w->depth] ? ",\n" : "\n", w->f);
		for (unsigned i = 0; i < w->depth; i++)
			fputs("  ", w->f);
	} else if (w->count[0]) {
		OVC_BUG("json: a second top-level value");
	}
	w->count[w->depth]++;
	if (key) {
		ovc_json_quote(w->f, key);
		fputs(": ", w->f);
	}
}

void ovc_json_open(struct ovc_json *w, const char *key, char kind)
{
	if (w->depth + 1 >= OVC_JSON_MAX_DEPTH)
		OVC_BUG("json: nested too deep");
	member(w, key);
	fputc(kind, w->f);
	w->count[++w->depth] = 0;
}

void ovc_json_close(struct ovc_json *w, char kind)
{
	if (!w->depth)
		OVC_BUG("json: close without open");
	if (w->count[w->depth--]) {
		fputc('\n', w->f);
		for (unsigned i = 0; i < w->depth; i++)
			fputs("  ", w->f);
	}
	fputc(kind == '{' ? '}' : ']', w->f);
}

void ovc_json_str(struct ovc_json *w, const char *key, const char *s)
{
	member(w, key);
	if (s)
		ovc_json_quote(w->f, s);
	else
		fputs("null", w->f);
}

void ovc_json_u64(struct ovc_json *w, const char *key, uint64_t v)
{
	member(w, key);
	fprintf(w->f, "%llu", (unsigned long long)v);
}

void ovc_json_i64(struct ovc_json *w, const char *key, int64_t v)
{
	member(w, key);
	fprintf(w->f, "%lld", (long long)v);
}

void ovc_json_bool(struct ovc_json *w, const char *key, int v)
{
	member(w, key);
	fputs(v ? "true" : "false", w->f);
}

void ovc_json_null(struct ovc_json *w, const char *key)
{
	member(w, key);
	fputs("null", w->f);
}

void ovc_json_fixed2(struct ovc_json *w, const char *key, double v)
{
	member(w, key);
	if (isfinite(v))
		fprintf(w->f, "%.2f", v);
	else
		fputs("null", w->f);	/* JSON has no NaN or infinity */
}

int ovc_json_finish(struct ovc_json *w)
{
	if (w->depth)
		OVC_BUG("json: document not closed");
	fputc('\n', w->f);
	return ferror(w->f) ? -OVC_E_IO : 0;
}

/* ------------------------------------------------------------------ */
/* OOM killer events                                                    */

/* A task's comm[16] as a string, even if all 16 bytes are used. */
static void json_comm(struct ovc_json *w, const char *key, const char comm[16])
{
	char s[17];

	memcpy(s, comm, 16);
	s[16] = 0;
	ovc_json_str(w, key, s);
}

static void json_oom_trigger(struct ovc_json *w, const struct ovc_oom_event *ev)
{
	if (ev->trigger_tid < 0) {	/* a kernel allocation */
		ovc_json_null(w, "trigger");
		return;
	}
	ovc_json_open(w, "trigger", '{');
	ovc_json_i64(w, "pid", ev->trigger_pid);
	json_comm(w, "comm", ev->trigger_comm);
	ovc_json_i64(w, "oom_score_adj", ev->trigger_oom_score_adj);
	ovc_json_bool(w, "pagefault", ev->pagefault);
	ovc_json_close(w, '{');
}

static void json_oom_chosen(struct ovc_json *w, const struct ovc_oom_event *ev)
{
	if (ev->chosen_tid < 0) {
		ovc_json_null(w, "chosen");
		return;
	}
	ovc_json_open(w, "chosen", '{');
	ovc_json_i64(w, "pid", ev->chosen_pid);
	json_comm(w, "comm", ev->chosen_comm);
	ovc_json_i64(w, "points", ev->chosen_points);
	ovc_json_i64(w, "score", ev->score);
	ovc_json_close(w, '{');
}

/* Every "Killed process": victim first, then sharers and oom.group. */
static void json_oom_kills(struct ovc_json *w, const struct ovc_oom_event *ev, uint64_t kpp)
{
	ovc_json_open(w, "killed", '[');
	for (size_t i = 0; i < ev->nkills; i++) {
		const struct ovc_oom_kill *k = &ev->kills[i];

		ovc_json_open(w, NULL, '{');
		ovc_json_i64(w, "pid", k->pid);
		json_comm(w, "comm", k->comm);
		ovc_json_u64(w, "uid", k->uid);
		ovc_json_str(w, "reason", ovc_render_oom_reason_name(k->reason));
		ovc_json_u64(w, "total_vm_kb", k->total_vm_kb);
		ovc_json_u64(w, "anon_rss_kb", k->anon_rss_kb);
		ovc_json_u64(w, "file_rss_kb", k->file_rss_kb);
		ovc_json_u64(w, "shmem_rss_kb", k->shmem_rss_kb);
		ovc_json_u64(w, "swap_kb", k->swap_kb);
		ovc_json_u64(w, "pgtables_kb", k->pgtables_kb);
		ovc_json_i64(w, "oom_score_adj", k->oom_score_adj);
		ovc_json_u64(w, "freed_kb", k->freed * kpp);
		ovc_json_close(w, '{');
	}
	ovc_json_close(w, '[');
}

static void json_oom_event(struct ovc_json *w, const struct ovc_oom_event *ev, uint64_t kpp)
{
	const char *panic = ovc_render_oom_panic_name(ev->panic);
	char buf[32];

	ovc_json_open(w, NULL, '{');
	ovc_json_u64(w, "seq", ev->seq);
	ovc_json_u64(w, "uptime_s", ev->uptime_s);
	json_oom_trigger(w, ev);
	ovc_json_str(w, "constraint", ovc_render_oom_constraint_name(ev->constraint));
	ovc_json_str(w, "memcg", ev->constraint == OVC_CONSTRAINT_MEMCG ? ev->memcg_info.path : NULL);
	ovc_json_u64(w, "totalpages", ev->totalpages);
	ovc_json_str(w, "outcome", ovc_render_oom_outcome_name(ev->outcome));
	if (panic)
		ovc_json_str(w, "panic", panic);
	else
		ovc_json_null(w, "panic");
	json_oom_chosen(w, ev);
	ovc_json_bool(w, "sacrificed", ev->sacrificed);
	if (ev->nkills) {
		ovc_json_open(w, "victim", '{');
		ovc_json_i64(w, "pid", ev->kills[0].pid);
		json_comm(w, "comm", ev->kills[0].comm);
		ovc_json_close(w, '{');
	} else {
		ovc_json_null(w, "victim");
	}
	ovc_json_str(w, "oom_group", ev->oom_group >= 0 ?
		     ovc_render_oom_memcg_path(ev, ev->oom_group, NULL, buf, sizeof(buf)) : NULL);
	json_oom_kills(w, ev, kpp);
	ovc_json_u64(w, "freed_kb", ev->freed * kpp);
	ovc_json_close(w, '{');
}

void ovc_json_oom_events(struct ovc_json *w, const char *key, const struct ovc_oom_event *ev,
			 size_t n, uint64_t page_size)
{
	uint64_t kpp = (page_size ? page_size : 4096) / 1024;

	ovc_json_open(w, key, '[');
	for (size_t i = 0; i < n; i++)
		json_oom_event(w, &ev[i], kpp);
	ovc_json_close(w, '[');
}

/* Rank lines: each a ranking object (oom_rank.c). */
static void json_ranks(struct ovc_json *w, const struct ovc_rank *rk, size_t n)
{
	ovc_json_open(w, "ranks", '[');
	for (size_t i = 0; i < n; i++) {
		ovc_json_open(w, NULL, '{');
		ovc_json_u64(w, "line", rk[i].line);
		ovc_json_str(w, "cgroup", rk[i].cgroup);
		ovc_json_u64(w, "totalpages", rk[i].totalpages);
		ovc_json_oom_rank(w, "rank", rk[i].rows, rk[i].nrows, rk[i].chosen);
		ovc_json_close(w, '{');
	}
	ovc_json_close(w, '[');
}

/* ------------------------------------------------------------------ */
/* A trace                                                              */

static void json_meminfo(struct ovc_json *w, const char *key, const struct ovc_meminfo *mi)
{
	size_t n;
	const struct ovc_meminfo_field *fld = ovc_meminfo_fields(&n);

	ovc_json_open(w, key, '{');
	for (size_t i = 0; i < n; i++) {
		uint64_t v;

		memcpy(&v, (const char *)mi + fld[i].offset, sizeof(v));
		ovc_json_u64(w, fld[i].name, v);
	}
	ovc_json_fixed2(w, "commit_pct", mi->pct_commit);
	ovc_json_close(w, '{');
}

/* Each named task at the end, /proc/PID/status style (kB). */
static void json_tasks(struct ovc_json *w, const struct ovc_trace *t)
{
	ovc_json_open(w, "tasks", '[');
	for (size_t i = 0; i < t->ntasks; i++) {
		const struct ovc_trace_task *k = &t->tasks[i];

		ovc_json_open(w, NULL, '{');
		ovc_json_str(w, "name", k->name);
		ovc_json_i64(w, "pid", k->pid);
		ovc_json_u64(w, "uid", k->uid);
		ovc_json_bool(w, "exited", k->exited);
		if (k->oom_killed)
			ovc_json_bool(w, "oom_killed", k->oom_killed);
		ovc_json_u64(w, "VmSize", k->v.vm_size);
		ovc_json_u64(w, "VmRSS", k->v.vm_rss);
		ovc_json_u64(w, "RssAnon", k->v.rss_anon);
		ovc_json_u64(w, "RssFile", k->v.rss_file);
		ovc_json_u64(w, "RssShmem", k->v.rss_shmem);
		ovc_json_u64(w, "VmData", k->v.vm_data);
		ovc_json_u64(w, "VmStk", k->v.vm_stk);
		ovc_json_u64(w, "committed_kb", k->v.committed);
		ovc_json_u64(w, "fork_charge_kb", k->v.fork_charge);
		ovc_json_u64(w, "vmas", k->v.map_count);
		ovc_json_close(w, '{');
	}
	ovc_json_close(w, '[');
}

static void json_checks(struct ovc_json *w, const struct ovc_check *c, size_t n)
{
	ovc_json_open(w, "checks", '[');
	for (size_t i = 0; i < n; i++) {
		ovc_json_open(w, NULL, '{');
		ovc_json_u64(w, "line", c[i].line);
		ovc_json_str(w, "text", c[i].text);
		ovc_json_bool(w, "passed", c[i].passed);
		ovc_json_str(w, "actual", c[i].actual);
		ovc_json_close(w, '{');
	}
	ovc_json_close(w, '[');
}

/* An address in bytes as "0x7f0000000000" (JSON numbers lose bits above
 * 2^53), or null for none. */
static void json_addr(struct ovc_json *w, const char *key, uint64_t addr)
{
	char hex[24];

	if (!addr) {
		ovc_json_null(w, key);
		return;
	}
	snprintf(hex, sizeof(hex), "0x%llx", (unsigned long long)addr);
	ovc_json_str(w, key, hex);
}

/* The numbers of the rule that ran, in kB (see docs/trace-json.md). */
static void json_admit_rule(struct ovc_json *w, const struct ovc_admit *a, uint64_t kpp)
{
	if (a->rule == OVC_ADMIT_NEVER) {
		ovc_json_u64(w, "limit_kb", a->limit * kpp);
		ovc_json_u64(w, "ram_part_kb", a->ram_part * kpp);
		ovc_json_u64(w, "swap_part_kb", a->swap_part * kpp);
		ovc_json_u64(w, "admin_cut_kb", a->admin_cut * kpp);
		ovc_json_u64(w, "total_vm_kb", a->total_vm * kpp);
		ovc_json_u64(w, "user_cut_kb", a->user_cut * kpp);
		ovc_json_i64(w, "allowed_kb", (int64_t)((uint64_t)a->allowed * kpp));
		ovc_json_bool(w, "wrapped", a->wrapped);
	} else if (a->rule == OVC_ADMIT_GUESS_FREE) {
		ovc_json_u64(w, "free_kb", a->free * kpp);
		ovc_json_u64(w, "file_kb", a->file * kpp);
		ovc_json_u64(w, "shmem_kb", a->shmem * kpp);
		ovc_json_u64(w, "swap_free_kb", a->swap_free * kpp);
		ovc_json_u64(w, "slab_kb", a->slab * kpp);
		ovc_json_u64(w, "reclaimable_kb", a->reclaimable * kpp);
		ovc_json_u64(w, "totalreserve_kb", a->totalreserve * kpp);
		ovc_json_u64(w, "stage1_kb", a->stage1 * kpp);
		ovc_json_u64(w, "estimate_kb", a->estimate * kpp);
		ovc_json_bool(w, "wrapped", a->wrapped);
	} else if (a->rule == OVC_ADMIT_GUESS_TOTAL) {
		ovc_json_u64(w, "ram_swap_kb", a->ram_swap * kpp);
	}
}

static void json_admit(struct ovc_json *w, const struct ovc_result *r, uint64_t kpp)
{
	const struct ovc_admit *a = &r->admit;

	if (!r->admitted) {
		ovc_json_null(w, "admit");
		return;
	}
	ovc_json_open(w, "admit", '{');
	ovc_json_str(w, "rule", ovc_render_admit_rule_name(a->rule));
	ovc_json_str(w, "era", a->era);
	ovc_json_i64(w, "policy", a->policy);
	ovc_json_bool(w, "admin", a->admin);
	ovc_json_bool(w, "ok", a->ok);
	ovc_json_u64(w, "tests", (uint64_t)r->admitted);
	ovc_json_u64(w, "request_kb", a->pages * kpp);
	ovc_json_i64(w, "committed_kb", (int64_t)((uint64_t)a->committed * kpp));
	ovc_json_i64(w, "seen_kb", (int64_t)((uint64_t)a->seen * kpp));
	json_admit_rule(w, a, kpp);
	ovc_json_close(w, '{');
}

/* The VMA and, for limit refusals, the limit that broke. */
static void json_where(struct ovc_json *w, const struct ovc_result *r, uint64_t page_size)
{
	int counts = r->cause == OVC_CAUSE_MAP_COUNT || r->cause == OVC_CAUSE_HUGETLB;
	int pages = r->cause == OVC_CAUSE_RLIMIT_AS || r->cause == OVC_CAUSE_RLIMIT_DATA ||
		    r->cause == OVC_CAUSE_MLOCK;

	if (r->vma_pages) {
		ovc_json_open(w, "vma", '{');
		json_addr(w, "start", r->vma_start * page_size);
		ovc_json_u64(w, "size_kb", r->vma_pages * (page_size / 1024));
		ovc_json_close(w, '{');
	} else {
		ovc_json_null(w, "vma");
	}
	if (!counts && !pages) {
		ovc_json_null(w, "limit");
		return;
	}
	ovc_json_open(w, "limit", '{');
	ovc_json_str(w, "unit", counts ? "count" : "kB");
	ovc_json_u64(w, "limit", counts || r->limit == UINT64_MAX ? r->limit
			: r->limit * (page_size / 1024));
	ovc_json_u64(w, "value", counts ? r->value : r->value * (page_size / 1024));
	ovc_json_close(w, '{');
}

/* The tasks the OOM killer killed during a step, in kill order. */
static void json_victims(struct ovc_json *w, const struct ovc_victim *v, size_t n)
{
	ovc_json_open(w, "victims", '[');
	for (size_t i = 0; i < n; i++) {
		ovc_json_open(w, NULL, '{');
		ovc_json_str(w, "task", v[i].task);
		ovc_json_i64(w, "pid", v[i].pid);
		ovc_json_str(w, "reason", ovc_render_oom_reason_name(v[i].reason));
		ovc_json_close(w, '{');
	}
	ovc_json_close(w, '[');
}

static void json_step(struct ovc_json *w, const struct ovc_step *s,
		      struct ovc_explain_env *env)
{
	const struct ovc_result *r = &s->res;
	uint64_t page_size = env->page_size ? env->page_size : 4096, kpp = page_size / 1024;
	char *why;

	ovc_json_open(w, NULL, '{');
	ovc_json_u64(w, "line", s->line);
	ovc_json_str(w, "text", s->text);
	ovc_json_str(w, "op", s->op);
	ovc_json_str(w, "task", s->task);
	ovc_json_i64(w, "pid", s->pid);
	ovc_json_str(w, "result", ovc_render_result_name(r));
	ovc_json_i64(w, "errno", r->err);
	ovc_json_str(w, "cause", ovc_render_cause_name(r->cause));
	json_addr(w, "addr", r->addr);
	ovc_json_i64(w, "delta_kb", (int64_t)((uint64_t)r->delta * kpp));
	ovc_json_u64(w, "touched_kb", r->touched * kpp);
	ovc_json_u64(w, "reclaimed_kb", r->reclaimed * kpp);
	ovc_json_u64(w, "committed_kb", s->committed_kb);
	ovc_json_u64(w, "committed_exact_kb", s->committed_exact_kb);
	ovc_json_u64(w, "commit_limit_kb", s->commit_limit_kb);
	ovc_json_u64(w, "mem_free_kb", s->mem_free_kb);
	json_where(w, r, page_size);
	json_admit(w, r, kpp);
	env->op = s->op;
	why = ovc_render_explain_dup(r, env);
	ovc_json_str(w, "explanation", why);
	free(why);
	/* Only steps with OOM records carry these: other steps (and the
	 * golden files) are unchanged. */
	if (s->noom)
		ovc_json_oom_events(w, "oom", s->oom, s->noom, page_size);
	if (s->nvictims)
		json_victims(w, s->victims, s->nvictims);
	if (s->nranks)
		json_ranks(w, s->ranks, s->nranks);
	json_checks(w, s->checks, s->nchecks);
	ovc_json_close(w, '{');
}

void ovc_json_trace(struct ovc_json *w, const char *key, const struct ovc_trace *t)
{
	struct ovc_explain_env env;

	ovc_render_trace_env(t, &env);
	ovc_json_open(w, key, '{');
	ovc_json_str(w, "format", "ovc-trace");
	ovc_json_u64(w, "version", 1);
	ovc_json_str(w, "scenario", t->scenario);
	ovc_json_str(w, "kernel", t->kernel);
	ovc_json_u64(w, "page_size", t->page_size);
	ovc_json_u64(w, "cpus", t->ncpus);
	ovc_json_i64(w, "overcommit_memory", t->overcommit_memory);
	json_meminfo(w, "start", &t->start);
	json_checks(w, t->checks, t->nchecks);
	if (t->nranks)
		json_ranks(w, t->ranks, t->nranks);
	ovc_json_open(w, "steps", '[');
	for (size_t i = 0; i < t->nsteps; i++)
		json_step(w, &t->steps[i], &env);
	ovc_json_close(w, '[');
	json_meminfo(w, "end", &t->end);
	json_tasks(w, t);
	if (t->oom_kills)
		ovc_json_u64(w, "oom_kills", t->oom_kills);
	if (t->panicked)
		ovc_json_bool(w, "panicked", t->panicked);
	ovc_json_u64(w, "passed", t->passed);
	ovc_json_u64(w, "failed", t->failed);
	ovc_json_close(w, '{');
}

int ovc_render_json(FILE *f, const struct ovc_trace *t)
{
	struct ovc_json w;

	ovc_json_init(&w, f);
	ovc_json_trace(&w, NULL, t);
	return ovc_json_finish(&w);
}
