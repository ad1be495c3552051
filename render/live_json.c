/* live_json.c - this machine as the model sees it, in JSON (format "ovc-live"). kB, pages where named. */
#include <string.h>

#include "render/live.h"
#include "render/render.h"

/* ------------------------------------------------------------------ */
/* Parts                                                                */

static void head(struct ovc_json *w, const char *cmd, const struct ovc_live_snap *s,
		 const struct ovc_live_report *r)
{
	ovc_json_str(w, "format", "ovc-live");
	ovc_json_str(w, "command", cmd);
	ovc_json_str(w, "release", s->release);
	ovc_json_str(w, "profile", r->profile.name);
	ovc_json_str(w, "profile_note", r->profile_note);
	ovc_json_u64(w, "page_size", s->page_size ? s->page_size : 4096);
}

static void proc_id(struct ovc_json *w, const struct ovc_live_proc *p)
{
	ovc_json_i64(w, "pid", p->pid);
	ovc_json_str(w, "comm", p->comm);
	ovc_json_u64(w, "uid", p->uid);
}

static void tri(struct ovc_json *w, const char *key, int v)
{
	if (v < 0)
		ovc_json_null(w, key);
	else
		ovc_json_bool(w, key, v);
}

static void fork_obj(struct ovc_json *w, const struct ovc_live_row *r)
{
	ovc_json_open(w, "fork", '{');
	ovc_json_u64(w, "charge_kb", r->p->fork_charge);
	tri(w, "ok", r->fork_ok);
	ovc_json_open(w, "ok_under_policy", '[');
	for (int i = 0; i < 3; i++)
		tri(w, NULL, r->fork_ok_policy[i]);
	ovc_json_close(w, '[');
	ovc_json_close(w, '{');
}

static void admit_obj(struct ovc_json *w, const struct ovc_admit *a, uint64_t kpp)
{
	ovc_json_open(w, "admission", '{');
	ovc_json_str(w, "rule", ovc_render_admit_rule_name(a->rule));
	ovc_json_str(w, "era", a->era);
	ovc_json_i64(w, "policy", a->policy);
	ovc_json_bool(w, "admin", a->admin);
	ovc_json_u64(w, "request_kb", a->pages * kpp);
	ovc_json_i64(w, "committed_kb", a->committed * (int64_t)kpp);
	ovc_json_i64(w, "seen_kb", a->seen * (int64_t)kpp);
	if (a->rule == OVC_ADMIT_NEVER) {
		ovc_json_u64(w, "commit_limit_kb", a->limit * kpp);
		ovc_json_u64(w, "admin_cut_kb", a->admin_cut * kpp);
		ovc_json_u64(w, "user_cut_kb", a->user_cut * kpp);
		ovc_json_i64(w, "allowed_kb", a->allowed * (int64_t)kpp);
	} else if (a->rule == OVC_ADMIT_GUESS_TOTAL) {
		ovc_json_u64(w, "ram_swap_kb", a->ram_swap * kpp);
	} else if (a->rule == OVC_ADMIT_GUESS_FREE) {
		ovc_json_u64(w, "estimate_kb", a->estimate * kpp);
	}
	ovc_json_close(w, '{');
}

/* The badness parts and the two oom_scores: the kernel's, and the
 * model's under model_key ("oom_score_model"; "oom_score_cgroup" for a
 * cgroup's OOM, which has no /proc counterpart to differ from). */
static void score_obj(struct ovc_json *w, const struct ovc_live_row *r, const char *model_key)
{
	const struct ovc_badness *b = &r->badness;

	ovc_json_open(w, "oom", '{');
	ovc_json_str(w, "eligibility", ovc_render_oom_skip_name(b->skip));
	ovc_json_u64(w, "rss_pages", b->rss);
	ovc_json_u64(w, "swap_pages", b->swapents);
	ovc_json_u64(w, "pgtables_pages", b->pgtables);
	ovc_json_i64(w, "adj", b->adj);
	ovc_json_bool(w, "root", b->root);
	if (b->skip == OVC_OOM_ELIGIBLE)
		ovc_json_i64(w, "points", b->points);
	else
		ovc_json_null(w, "points");
	if (r->p->oom_score >= 0)
		ovc_json_i64(w, "oom_score_kernel", r->p->oom_score);
	else
		ovc_json_null(w, "oom_score_kernel");
	if (r->model_oom_score >= 0)
		ovc_json_i64(w, model_key, r->model_oom_score);
	else
		ovc_json_null(w, model_key);
	if (!strcmp(model_key, "oom_score_model"))
		ovc_json_bool(w, "differs", r->score_differs);
	ovc_json_close(w, '{');
}

static void row_obj(struct ovc_json *w, const struct ovc_live_row *r)
{
	ovc_json_open(w, NULL, '{');
	proc_id(w, r->p);
	ovc_json_u64(w, "committed_kb", r->p->committed);
	fork_obj(w, r);
	score_obj(w, r, "oom_score_model");
	ovc_json_close(w, '{');
}

static void commit_obj(struct ovc_json *w, const struct ovc_live_snap *s,
		       const struct ovc_live_report *r)
{
	ovc_json_open(w, "commit", '{');
	ovc_json_i64(w, "overcommit_memory", s->sysctl[OVC_SYSCTL_OVERCOMMIT_MEMORY]);
	ovc_json_i64(w, "overcommit_ratio", s->sysctl[OVC_SYSCTL_OVERCOMMIT_RATIO]);
	ovc_json_i64(w, "overcommit_kbytes", s->sysctl[OVC_SYSCTL_OVERCOMMIT_KBYTES]);
	ovc_json_u64(w, "commit_limit_kernel_kb", s->mi.commit_limit);
	ovc_json_u64(w, "commit_limit_model_kb", r->commit_limit_kb);
	ovc_json_bool(w, "commit_limit_differs", s->mi.commit_limit != r->commit_limit_kb);
	ovc_json_u64(w, "committed_as_kb", s->mi.committed_as);
	ovc_json_u64(w, "headroom_kb", r->headroom_kb);
	ovc_json_close(w, '{');
}

static void unseen_obj(struct ovc_json *w, const struct ovc_live_snap *s,
		       const struct ovc_live_report *r)
{
	size_t nosmaps = 0;

	for (size_t i = 0; i < r->nrows; i++)
		nosmaps += !(r->rows[i].p->seen & OVC_LIVE_SMAPS);
	ovc_json_open(w, "unseen", '{');
	ovc_json_u64(w, "vanished", s->vanished);
	ovc_json_u64(w, "denied", s->denied);
	ovc_json_u64(w, "no_smaps", nosmaps);
	ovc_json_u64(w, "kthreads", s->kthreads);
	ovc_json_close(w, '{');
}

/* ------------------------------------------------------------------ */
/* Documents                                                            */

int ovc_render_live_status_json(FILE *f, const struct ovc_live_snap *s,
				const struct ovc_live_report *r,
				const struct ovc_live_status_opts *o)
{
	struct ovc_json w;
	size_t n = 0;

	ovc_json_init(&w, f);
	ovc_json_open(&w, NULL, '{');
	head(&w, "status", s, r);
	commit_obj(&w, s, r);
	ovc_render_live_reconcile_json(&w, r);
	ovc_render_live_memcgs_json(&w, s, r);
	ovc_json_str(&w, "victim_oom_group",
		     r->chosen_group >= 0 ? s->memcgs[r->chosen_group].path : NULL);
	ovc_json_open(&w, "top_committers", '[');
	for (size_t i = 0; i < r->nrows && i < o->top; i++)
		row_obj(&w, &r->rows[r->by_commit[i]]);
	ovc_json_close(&w, '[');
	ovc_json_open(&w, "failing_forks", '[');
	for (size_t i = 0; i < r->nrows; i++) {
		const struct ovc_live_row *x = &r->rows[r->by_commit[i]];

		if (x->fork_ok == 0 && x->p->fork_charge >= o->fork_min_kb)
			row_obj(&w, x);
	}
	ovc_json_close(&w, '[');
	ovc_json_open(&w, "next_victims", '[');
	for (size_t i = 0; i < r->nrows && n < o->victims; i++) {
		const struct ovc_live_row *x = &r->rows[r->by_badness[i]];

		if (x->badness.skip == OVC_OOM_ELIGIBLE) {
			row_obj(&w, x);
			n++;
		}
	}
	ovc_json_close(&w, '[');
	ovc_json_u64(&w, "score_mismatches", r->score_mismatches);
	unseen_obj(&w, s, r);
	ovc_json_close(&w, '{');
	return ovc_json_finish(&w);
}

/* A row of a cgroup's OOM: no fork figures, its own score. */
static void memcg_row_obj(struct ovc_json *w, const struct ovc_live_row *r)
{
	ovc_json_open(w, NULL, '{');
	proc_id(w, r->p);
	score_obj(w, r, "oom_score_cgroup");
	ovc_json_close(w, '{');
}

static void scope_obj(struct ovc_json *w, const struct ovc_live_snap *s,
		      const struct ovc_live_report *r, const struct ovc_live_oom_scope *sc)
{
	const struct ovc_live_memcg_oom *o = sc ? sc->oom : NULL;
	int victim = o ? (o->chosen >= 0 ? o->rows[o->chosen].p->pid : -1)
		       : (r->chosen >= 0 ? r->rows[r->chosen].p->pid : -1);
	int group = o ? o->group : r->chosen_group;

	ovc_json_str(w, "cgroup", sc ? sc->cgroup : NULL);
	ovc_json_str(w, "oom", o ? "memcg" : "global");
	ovc_json_str(w, "oom_cgroup", o ? s->memcgs[o->memcg].path : NULL);
	if (o) {
		ovc_json_u64(w, "limit_kb", s->memcgs[o->memcg].max_kb);
		ovc_json_u64(w, "usage_kb", s->memcgs[o->memcg].current_kb);
	}
	ovc_json_u64(w, "totalpages", o ? o->totalpages :
				      r->nrows ? r->rows[0].badness.totalpages : 0);
	if (victim >= 0)
		ovc_json_i64(w, "victim_pid", victim);
	else
		ovc_json_null(w, "victim_pid");
	ovc_json_str(w, "oom_group", group >= 0 ? s->memcgs[group].path : NULL);
}

int ovc_render_live_oom_json(FILE *f, const struct ovc_live_snap *s,
			     const struct ovc_live_report *r, const struct ovc_live_oom_scope *sc)
{
	const struct ovc_live_memcg_oom *o = sc ? sc->oom : NULL;
	size_t n = o ? o->nrows : r->nrows;
	struct ovc_json w;

	ovc_json_init(&w, f);
	ovc_json_open(&w, NULL, '{');
	head(&w, "oom", s, r);
	ovc_json_str(&w, "badness_rule", ovc_render_badness_rule_name(r->profile.oom->badness));
	scope_obj(&w, s, r, sc);
	ovc_json_u64(&w, "score_mismatches", r->score_mismatches);
	ovc_json_open(&w, "ranking", '[');
	for (size_t i = 0; i < n; i++) {
		const struct ovc_live_row *x = o ? &o->rows[i] : &r->rows[r->by_badness[i]];

		if (!ovc_render_live_in_scope(s, x->p, sc))
			continue;
		if (o)
			memcg_row_obj(&w, x);
		else
			row_obj(&w, x);
	}
	ovc_json_close(&w, '[');
	ovc_json_close(&w, '{');
	return ovc_json_finish(&w);
}

int ovc_render_live_admit_json(FILE *f, const struct ovc_live_snap *s,
			       const struct ovc_live_report *r, size_t row,
			       const struct ovc_live_fix *fix)
{
	const struct ovc_live_row *x = &r->rows[row];
	uint64_t kpp = (s->page_size ? s->page_size : 4096) / 1024;
	struct ovc_json w;

	ovc_json_init(&w, f);
	ovc_json_open(&w, NULL, '{');
	head(&w, fix->op, s, r);
	proc_id(&w, x->p);
	ovc_json_u64(&w, "request_kb", fix->charge_kb);
	tri(&w, "ok", x->fork_ok);
	ovc_json_open(&w, "ok_under_policy", '[');
	for (int i = 0; i < 3; i++)
		tri(&w, NULL, x->fork_ok_policy[i]);
	ovc_json_close(&w, '[');
	if (x->fork_ok >= 0)
		admit_obj(&w, &x->fork, kpp);
	if (x->p->nfork_maps && !strcmp(fix->op, "fork")) {
		/* dup_mmap's tests, one per mapping: the one shown above */
		ovc_json_u64(&w, "fork_mappings", x->p->nfork_maps);
		ovc_json_u64(&w, "deciding_mapping", x->fork_map + 1);
		ovc_json_u64(&w, "deciding_mapping_kb", x->p->fork_maps[x->fork_map]);
	}
	if (fix->min_ratio >= 0)
		ovc_json_i64(&w, "min_ratio", fix->min_ratio);
	else
		ovc_json_null(&w, "min_ratio");
	if (fix->max_kb != UINT64_MAX)
		ovc_json_u64(&w, "max_request_kb", fix->max_kb);
	else
		ovc_json_null(&w, "max_request_kb");
	ovc_json_str(&w, "admin_from", fix->why_admin);
	ovc_json_u64(&w, "self_discount_kb", fix->self_kb);
	ovc_json_close(&w, '{');
	return ovc_json_finish(&w);
}

static void victims_arr(struct ovc_json *w, const char *key, const struct ovc_live_report *r)
{
	ovc_json_open(w, key, '[');
	for (size_t i = 0; i < r->nrows && i < 5; i++) {
		const struct ovc_live_row *x = &r->rows[r->by_badness[i]];

		if (x->badness.skip != OVC_OOM_ELIGIBLE)
			break;
		ovc_json_i64(w, NULL, x->p->pid);
	}
	ovc_json_close(w, '[');
}

static void changed_forks(struct ovc_json *w, const struct ovc_live_report *b,
			  const struct ovc_live_report *a)
{
	ovc_json_open(w, "fork_changes", '[');
	for (size_t i = 0; i < a->nrows && i < b->nrows; i++) {
		const struct ovc_live_row *x = &a->rows[i], *y = &b->rows[i];

		/* both reports come from the same snapshot: rows line up */
		if (x->fork_ok < 0 || x->fork_ok == y->fork_ok)
			continue;
		ovc_json_open(w, NULL, '{');
		proc_id(w, x->p);
		ovc_json_u64(w, "charge_kb", x->p->fork_charge);
		ovc_json_bool(w, "before", y->fork_ok);
		ovc_json_bool(w, "after", x->fork_ok);
		ovc_json_close(w, '{');
	}
	ovc_json_close(w, '[');
}

int ovc_render_live_whatif_json(FILE *f, const struct ovc_live_snap *s,
				const struct ovc_live_report *before,
				const struct ovc_live_report *after,
				const struct ovc_live_set *sets, size_t n)
{
	struct ovc_json w;

	ovc_json_init(&w, f);
	ovc_json_open(&w, NULL, '{');
	head(&w, "whatif", s, after);
	ovc_json_open(&w, "set", '{');
	for (size_t i = 0; i < n; i++)
		ovc_json_i64(&w, ovc_sysctl_name(sets[i].key), sets[i].value);
	ovc_json_close(&w, '{');
	ovc_json_u64(&w, "commit_limit_before_kb", before->commit_limit_kb);
	ovc_json_u64(&w, "commit_limit_after_kb", after->commit_limit_kb);
	ovc_json_u64(&w, "committed_as_kb", s->mi.committed_as);
	ovc_json_bool(&w, "over_new_limit", s->mi.committed_as >= after->commit_limit_kb);
	ovc_json_u64(&w, "headroom_after_kb", after->headroom_kb);
	changed_forks(&w, before, after);
	victims_arr(&w, "oom_top5_before", before);
	victims_arr(&w, "oom_top5_after", after);
	ovc_json_close(&w, '{');
	return ovc_json_finish(&w);
}
