/* live_memcg.c - memory cgroups in `ovc status`: each limited cgroup, its usage and the victim of its own OOM. */
#include <string.h>

#include "render/live.h"
#include "render/render.h"

#define U(x) ((unsigned long long)(x))
#define KB(buf, v) ovc_render_kb((v), (buf), sizeof(buf))
#define SAFE(name) ovc_render_live_safe((name), (char[300]){ 0 }, 300)

static int memcg_within(const struct ovc_live_snap *s, int id, int ancestor)
{
	for (size_t depth = 0; id >= 0 && (size_t)id < s->nmemcgs && depth <= s->nmemcgs; depth++) {
		if (id == ancestor)
			return 1;
		id = s->memcgs[id].parent;
	}
	return 0;
}

/* Without the cgroup tree, a path prefix that ends at a '/' boundary:
 * "/system.slice" holds "/system.slice/x", not "/system.slice2". */
static int path_within(const char *line, const char *cg)
{
	const char *path = strstr(line, "::");
	size_t n = strlen(cg);

	if (!path) {
		path = strchr(line, ':');
		path = path ? strchr(path + 1, ':') : NULL;
		path = path ? path + 1 : line;
	} else {
		path += 2;
	}
	if (n && cg[n - 1] == '/')
		n--;
	return !strncmp(path, cg, n) && (path[n] == '\0' || path[n] == '/');
}

int ovc_render_live_in_scope(const struct ovc_live_snap *s, const struct ovc_live_proc *p,
			     const struct ovc_live_oom_scope *sc)
{
	if (!sc || !sc->cgroup)
		return 1;
	if (sc->memcg >= 0)
		return memcg_within(s, p->memcg, sc->memcg);
	return path_within(p->cgroup, sc->cgroup);
}

double ovc_render_live_memcg_pct(const struct ovc_live_memcg *c)
{
	if (c->max_kb == OVC_LIVE_NOLIMIT || !c->max_kb)
		return 0.0;
	return 100.0 * (double)c->current_kb / (double)c->max_kb;
}

static void limit_col(FILE *f, uint64_t kb)
{
	char a[64];

	if (kb == OVC_LIVE_NOLIMIT)
		fprintf(f, "  %-22s", "max");
	else
		fprintf(f, "  %-22s", KB(a, kb));
}

static void victim_col(FILE *f, const struct ovc_live_snap *s, const struct ovc_live_memcg_oom *o)
{
	const struct ovc_live_proc *p;

	if (o && o->kill_disabled) {
		fprintf(f, "  none: oom_kill_disable (its tasks wait for memory)");
		return;
	}
	if (!o || o->chosen < 0) {
		fprintf(f, "  nothing killable");
		return;
	}
	p = o->rows[o->chosen].p;
	fprintf(f, "  %d %s", p->pid, SAFE(p->comm));
	if (o->group >= 0)
		fprintf(f, " + all of %s (oom.group)", SAFE(s->memcgs[o->group].path));
}

void ovc_render_live_memcgs_text(FILE *f, const struct ovc_live_snap *s,
				 const struct ovc_live_report *r)
{
	char a[64];

	if (!s->memcg_version) {
		fprintf(f, "\nmemory cgroups: %s\n", s->memcg_note[0] ? s->memcg_note : "none");
		return;
	}
	fprintf(f, "\nmemory cgroups (v%d, %s): %zu limited of %zu read%s%s\n", s->memcg_version,
		SAFE(s->memcg_root), r->nmemcg_ooms, s->nmemcgs, s->memcg_note[0] ? "; " : "",
		s->memcg_note);
	if (!r->nmemcg_ooms)
		return;
	fprintf(f, "  %-36s  %-22s  %-22s  %5s  %8s  %s\n", "CGROUP", "USAGE", "LIMIT", "USE%",
		"OOMKILLS", "VICTIM OF ITS OWN OOM");
	for (size_t i = 0; i < r->nmemcg_ooms; i++) {
		const struct ovc_live_memcg_oom *o = &r->memcg_ooms[i];
		const struct ovc_live_memcg *c = &s->memcgs[o->memcg];

		fprintf(f, "  ");
		ovc_render_pad_cut(f, SAFE(c->path), 36);
		fprintf(f, "  %-22s", c->seen & OVC_MEMCG_SEEN_CURRENT ? KB(a, c->current_kb) : "?");
		limit_col(f, c->max_kb);
		fprintf(f, "  %4.0f%%  %8llu", ovc_render_live_memcg_pct(c), U(c->oom_kill_events));
		victim_col(f, s, o);
		fputc('\n', f);
	}
}

static void memcg_obj(struct ovc_json *w, const struct ovc_live_snap *s,
		      const struct ovc_live_memcg_oom *o)
{
	const struct ovc_live_memcg *c = &s->memcgs[o->memcg];

	ovc_json_open(w, NULL, '{');
	ovc_json_str(w, "path", c->path);
	ovc_json_u64(w, "usage_kb", c->current_kb);
	ovc_json_u64(w, "limit_kb", c->max_kb);
	if (c->high_kb != OVC_LIVE_NOLIMIT)
		ovc_json_u64(w, "high_kb", c->high_kb);
	else
		ovc_json_null(w, "high_kb");
	if ((c->seen & OVC_MEMCG_SEEN_SWAP) && c->swap_max_kb != OVC_LIVE_NOLIMIT)
		ovc_json_u64(w, "swap_limit_kb", c->swap_max_kb);
	else
		ovc_json_null(w, "swap_limit_kb");
	ovc_json_u64(w, "swap_usage_kb", c->swap_current_kb);
	ovc_json_fixed2(w, "usage_pct", ovc_render_live_memcg_pct(c));
	ovc_json_u64(w, "oom_events", c->oom_events);
	ovc_json_u64(w, "oom_kill_events", c->oom_kill_events);
	ovc_json_u64(w, "totalpages", o->totalpages);
	if (o->chosen >= 0)
		ovc_json_i64(w, "victim_pid", o->rows[o->chosen].p->pid);
	else
		ovc_json_null(w, "victim_pid");
	ovc_json_str(w, "oom_group", o->group >= 0 ? s->memcgs[o->group].path : NULL);
	ovc_json_bool(w, "oom_kill_disable", o->kill_disabled);
	ovc_json_close(w, '{');
}

void ovc_render_live_memcgs_json(struct ovc_json *w, const struct ovc_live_snap *s,
				 const struct ovc_live_report *r)
{
	ovc_json_open(w, "memory_cgroups", '{');
	ovc_json_i64(w, "version", s->memcg_version);
	ovc_json_str(w, "root", s->memcg_version ? s->memcg_root : NULL);
	ovc_json_str(w, "note", s->memcg_note[0] ? s->memcg_note : NULL);
	ovc_json_u64(w, "read", s->nmemcgs);
	ovc_json_open(w, "limited", '[');
	for (size_t i = 0; i < r->nmemcg_ooms; i++)
		memcg_obj(w, s, &r->memcg_ooms[i]);
	ovc_json_close(w, '[');
	ovc_json_close(w, '{');
}
