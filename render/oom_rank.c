/* oom_rank.c - "why this victim": every process ranked by badness, with the parts of its score.
 *
 * The rows come from ovc_oom_rank() (lib/oom_select.c), one per process
 * in scan order, each with the era's struct ovc_badness; chosen is the row
 * select_bad_process() would take. The ranking puts eligible processes
 * first by points (more first; equal points keep the scan order, so the
 * chosen mark shows which of a tie the era takes), then the ineligible
 * ones with the reason. An OOM-origin task (swapoff) ranks first: the
 * scan takes it at once. Columns follow the era's formula (spec §6.5):
 *   2.6.32   total_vm + children's / int_sqrt(cpu) / int_sqrt(int_sqrt(run)),
 *            x2 if niced, / capabilities, oom_adj as a shift;
 *   2.6.36   (rss + swap + ptes) * 1000 / totalpages, root -30, + adj, [1, 1000];
 *   3.5-5.8  rss + swap + page tables, root bonus per era, + adj x (totalpages
 *            / 1000), at least 1;
 *   5.9+     the same, signed and unclamped.
 * No allocation: the order is found by repeated selection (n^2, fine for
 * a process table). Units: pages.
 */
#include <stdint.h>
#include <string.h>

#include "render/render.h"

#define U(x) ((unsigned long long)(x))
#define NONE SIZE_MAX

/* ------------------------------------------------------------------
 * Names
 */

const char *ovc_render_oom_skip_name(enum ovc_oom_skip s)
{
	static const char *const text[] = {
		[OVC_OOM_ELIGIBLE] = "eligible", [OVC_OOM_SKIP_INIT] = "init",
		[OVC_OOM_SKIP_KTHREAD] = "kthread", [OVC_OOM_SKIP_NO_MM] = "no_mm",
		[OVC_OOM_SKIP_MEMCG] = "memcg", [OVC_OOM_SKIP_ADJ_MIN] = "adj_min",
		[OVC_OOM_SKIP_MM_DISABLED] = "mm_disabled", [OVC_OOM_SKIP_VFORK] = "vfork",
		[OVC_OOM_SKIP_THREAD] = "thread",
	};

	return (size_t)s < sizeof(text) / sizeof(text[0]) ? text[s] : "unknown";
}

const char *ovc_render_badness_rule_name(enum ovc_badness_rule r)
{
	static const char *const text[] = {
		[OVC_BADNESS_LEGACY] = "legacy", [OVC_BADNESS_PERMILLE] = "permille",
		[OVC_BADNESS_PAGES] = "pages", [OVC_BADNESS_PAGES_ROOT3] = "pages_root3",
		[OVC_BADNESS_PAGES_NOROOT] = "pages_noroot", [OVC_BADNESS_SIGNED] = "signed",
	};

	return (size_t)r < sizeof(text) / sizeof(text[0]) ? text[r] : "unknown";
}

/* What the text table says about the rule. */
static const char *rule_text(enum ovc_badness_rule r)
{
	switch (r) {
	case OVC_BADNESS_LEGACY:
		return "2.6.32 badness(): total_vm, children, CPU and run time, nice, capabilities, oom_adj";
	case OVC_BADNESS_PERMILLE:
		return "2.6.36 oom_badness(): per mille of totalpages, root -30, + oom_score_adj, 1..1000";
	case OVC_BADNESS_PAGES:
		return "3.5 oom_badness(): pages, root's adj -30, adj x totalpages/1000, at least 1";
	case OVC_BADNESS_PAGES_ROOT3:
		return "3.14 oom_badness(): pages, root bonus 3%, adj x totalpages/1000, at least 1";
	case OVC_BADNESS_PAGES_NOROOT:
		return "4.17 oom_badness(): pages, no root bonus, adj x totalpages/1000, at least 1";
	default:
		return "5.9 oom_badness(): pages, adj x totalpages/1000, signed, LONG_MIN ineligible";
	}
}

/* Why a task is not a candidate, in words. */
static const char *skip_text(const struct ovc_badness *b)
{
	switch (b->skip) {
	case OVC_OOM_SKIP_INIT:
		return "init (pid 1)";
	case OVC_OOM_SKIP_KTHREAD:
		return "kernel thread";
	case OVC_OOM_SKIP_NO_MM:
		return "no mm";
	case OVC_OOM_SKIP_MEMCG:
		return "outside the OOMing cgroup";
	case OVC_OOM_SKIP_ADJ_MIN:
		return b->rule == OVC_BADNESS_LEGACY ? "oom_adj -17 (OOM_DISABLE)" : "oom_score_adj -1000";
	case OVC_OOM_SKIP_MM_DISABLED:
		return "its mm has a -1000 sharer (RHEL6 oom_disable_count)";
	case OVC_OOM_SKIP_VFORK:
		return "vfork child (in_vfork)";
	case OVC_OOM_SKIP_THREAD:
		return "a thread: ranked through its leader";
	default:
		return "";
	}
}

/* ------------------------------------------------------------------
 * The order
 */

static int eligible(const struct ovc_oom_candidate *c)
{
	return c->b.skip == OVC_OOM_ELIGIBLE;
}

/* The points the scan compares: an OOM origin is taken first. */
static int64_t rank_points(const struct ovc_oom_candidate *c)
{
	return c->b.origin ? INT64_MAX : c->b.points;
}

/* Does row a rank before row b? Eligible first, more points first, then
 * scan order: a strict total order. */
static int ahead(const struct ovc_oom_candidate *rows, size_t a, size_t b)
{
	int ea = eligible(&rows[a]), eb = eligible(&rows[b]);

	if (ea != eb)
		return ea;
	if (ea && rank_points(&rows[a]) != rank_points(&rows[b]))
		return rank_points(&rows[a]) > rank_points(&rows[b]);
	return a < b;
}

/* The row ranked right after prev (NONE: the first); NONE at the end. */
static size_t next_row(const struct ovc_oom_candidate *rows, size_t n, size_t prev)
{
	size_t best = NONE;

	for (size_t i = 0; i < n; i++) {
		if (prev != NONE && !ahead(rows, prev, i))
			continue;
		if (best == NONE || ahead(rows, i, best))
			best = i;
	}
	return best;
}

/* ------------------------------------------------------------------
 * Text
 */

/* The points column: the era's value, LONG_MIN spelled out. */
static const char *points_text(const struct ovc_badness *b, char *buf, size_t n)
{
	if (b->points == INT64_MIN)
		return "LONG_MIN";
	if (b->points == INT64_MAX)
		return "max";
	snprintf(buf, n, "%lld", (long long)b->points);
	return buf;
}

static void note(FILE *f, const struct ovc_oom_candidate *c, int chosen)
{
	const struct ovc_badness *b = &c->b;

	if (!eligible(c)) {
		fprintf(f, "  ineligible: %s", skip_text(b));
	} else {
		if (chosen)
			fputs("  <- victim", f);
		if (b->origin)
			fputs("  OOM origin (swapoff): taken at once", f);
		else if (b->clamped)
			fputs(b->points == 1000 && b->rule == OVC_BADNESS_PERMILLE ?
			      "  (cut to 1000)" : "  (raised to 1)", f);
	}
	fputc('\n', f);
}

static void header(FILE *f, enum ovc_badness_rule rule)
{
	fprintf(f, "%4s %7s %-16s ", "rank", "pid", "comm");
	if (rule == OVC_BADNESS_LEGACY)
		fprintf(f, "%10s %10s %5s %5s %4s %4s %7s", "total_vm", "+children", "/cpu", "/run",
			"nice", "caps", "oom_adj");
	else if (rule == OVC_BADNESS_PERMILLE)
		fprintf(f, "%10s %8s %8s %10s %8s %5s %6s", "rss", "swap", "ptes", "base", "permille",
			"root", "adj");
	else
		fprintf(f, "%10s %8s %8s %10s %10s %6s %12s", "rss", "swap", "pgtables", "base",
			"root_bonus", "adj", "adj_term");
	fprintf(f, " %12s\n", "points");
}

/* The formula's parts (inputs only for the ineligible: no formula ran). */
static void parts(FILE *f, const struct ovc_badness *b)
{
	char cpu[24] = "-", run[24] = "-";

	if (b->rule == OVC_BADNESS_LEGACY) {
		if (b->cpu_div)
			snprintf(cpu, sizeof(cpu), "%llu", U(b->cpu_div));
		if (b->run_div)
			snprintf(run, sizeof(run), "%llu", U(b->run_div));
		fprintf(f, "%10llu %10llu %5s %5s %4s %4u %7d", U(b->total_vm), U(b->children_vm),
			cpu, run, b->niced ? "x2" : "-", b->cap_div ? b->cap_div : 1, b->adj);
	} else if (b->rule == OVC_BADNESS_PERMILLE) {
		fprintf(f, "%10llu %8llu %8llu %10lld %8lld %5lld %6d", U(b->rss), U(b->swapents),
			U(b->pgtables), (long long)b->base, (long long)b->permille,
			-(long long)b->root_bonus, b->adj);
	} else {
		fprintf(f, "%10llu %8llu %8llu %10lld %10lld %6d %12lld", U(b->rss), U(b->swapents),
			U(b->pgtables), (long long)b->base, -(long long)b->root_bonus, b->adj,
			(long long)b->adj_term);
	}
}

static void text_row(FILE *f, const struct ovc_oom_candidate *c, unsigned rank, int chosen)
{
	char r[16] = "-", pts[24];

	if (eligible(c))
		snprintf(r, sizeof(r), "%u", rank);
	fprintf(f, "%4s %7d %-16.16s ", r, c->tgid, c->comm);
	parts(f, &c->b);
	fprintf(f, " %12s", points_text(&c->b, pts, sizeof(pts)));
	note(f, c, chosen);
}

int ovc_render_oom_rank_text(FILE *f, const struct ovc_oom_candidate *rows, size_t n,
			     int chosen)
{
	enum ovc_badness_rule rule = n ? rows[0].b.rule : OVC_BADNESS_SIGNED;
	uint64_t tp = n ? rows[0].b.totalpages : 0;
	unsigned rank = 0;

	fprintf(f, "badness  %s\n", rule_text(rule));
	fprintf(f, "totalpages %llu", U(tp));
	if (rule >= OVC_BADNESS_PAGES)
		fprintf(f, " (adj unit totalpages/1000 = %llu pages)", U(tp / 1000));
	fputs(chosen >= 0 && (size_t)chosen < n ? "\n" : ", no victim\n", f);
	header(f, rule);
	for (size_t i = next_row(rows, n, NONE); i != NONE; i = next_row(rows, n, i))
		text_row(f, &rows[i], eligible(&rows[i]) ? ++rank : 0, (int)i == chosen);
	return ferror(f) ? -OVC_E_IO : 0;
}

/* ------------------------------------------------------------------
 * JSON
 */

static void json_parts(struct ovc_json *w, const struct ovc_badness *b)
{
	if (b->rule == OVC_BADNESS_LEGACY) {
		ovc_json_u64(w, "total_vm", b->total_vm);
		ovc_json_u64(w, "children_vm", b->children_vm);
		ovc_json_u64(w, "cpu_time", b->cpu_time);
		ovc_json_u64(w, "cpu_div", b->cpu_div);
		ovc_json_u64(w, "run_time", b->run_time);
		ovc_json_u64(w, "run_div", b->run_div);
		ovc_json_bool(w, "niced", b->niced);
		ovc_json_u64(w, "cap_div", b->cap_div ? b->cap_div : 1);
		ovc_json_i64(w, "oom_adj", b->adj);
		return;
	}
	ovc_json_u64(w, "rss", b->rss);
	ovc_json_u64(w, "swapents", b->swapents);
	ovc_json_u64(w, "pgtables", b->pgtables);
	ovc_json_i64(w, "base", b->base);
	if (b->rule == OVC_BADNESS_PERMILLE)
		ovc_json_i64(w, "permille", b->permille);
	ovc_json_bool(w, "root", b->root);
	ovc_json_i64(w, "root_bonus", b->root_bonus);
	ovc_json_i64(w, "oom_score_adj", b->adj);
	ovc_json_i64(w, "adj_term", b->adj_term);
	ovc_json_bool(w, "clamped", b->clamped);
}

/* comm[16] may use all 16 bytes. */
static void json_comm(struct ovc_json *w, const char comm[16])
{
	char s[17];

	memcpy(s, comm, 16);
	s[16] = 0;
	ovc_json_str(w, "comm", s);
}

static void json_row(struct ovc_json *w, const struct ovc_oom_candidate *c, unsigned rank,
		     int chosen)
{
	ovc_json_open(w, NULL, '{');
	if (eligible(c))
		ovc_json_u64(w, "rank", rank);
	else
		ovc_json_null(w, "rank");
	ovc_json_i64(w, "pid", c->tgid);
	json_comm(w, c->comm);
	ovc_json_u64(w, "uid", c->uid);
	ovc_json_bool(w, "chosen", chosen);
	ovc_json_str(w, "skip", eligible(c) ? NULL : ovc_render_oom_skip_name(c->b.skip));
	ovc_json_bool(w, "origin", c->b.origin);
	ovc_json_i64(w, "points", c->b.points);
	json_parts(w, &c->b);
	ovc_json_close(w, '{');
}

void ovc_json_oom_rank(struct ovc_json *w, const char *key, const struct ovc_oom_candidate *rows,
		       size_t n, int chosen)
{
	unsigned rank = 0;

	ovc_json_open(w, key, '{');
	ovc_json_str(w, "rule", ovc_render_badness_rule_name(n ? rows[0].b.rule : OVC_BADNESS_SIGNED));
	ovc_json_u64(w, "totalpages", n ? rows[0].b.totalpages : 0);
	if (chosen >= 0 && (size_t)chosen < n)
		ovc_json_i64(w, "chosen_pid", rows[chosen].tgid);
	else
		ovc_json_null(w, "chosen_pid");
	ovc_json_open(w, "rows", '[');
	for (size_t i = next_row(rows, n, NONE); i != NONE; i = next_row(rows, n, i))
		json_row(w, &rows[i], eligible(&rows[i]) ? ++rank : 0, (int)i == chosen);
	ovc_json_close(w, '[');
	ovc_json_close(w, '{');
}

int ovc_render_oom_rank_json(FILE *f, const struct ovc_oom_candidate *rows, size_t n,
			     int chosen)
{
	struct ovc_json w;

	ovc_json_init(&w, f);
	ovc_json_oom_rank(&w, NULL, rows, n, chosen);
	return ovc_json_finish(&w);
}
