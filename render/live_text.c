/* live_text.c - this machine as the model sees it, in text: status, OOM order, one admission, what-if. kB. */
#include <errno.h>
#include <inttypes.h>
#include <string.h>

#include "render/live.h"
#include "render/render.h"

#define U(x) ((unsigned long long)(x))
#define KB(buf, v) ovc_render_kb((v), (buf), sizeof(buf))

static int done(FILE *f)
{
	return ferror(f) ? -OVC_E_IO : 0;
}

/* ------------------------------------------------------------------ */
/* Shared helpers                                                       */

const char *ovc_render_live_policy_text(int policy)
{
	switch (policy) {
	case 0:
		return "heuristic overcommit (guess): only obviously excessive requests fail";
	case 1:
		return "always overcommit: the commit test never refuses";
	case 2:
		return "strict accounting (never overcommit): Committed_AS must stay below CommitLimit";
	default:
		return "unknown policy";
	}
}

int64_t ovc_render_live_sysctl(const struct ovc_live_snap *s, const struct ovc_live_set *sets,
			       size_t n, enum ovc_sysctl_key k)
{
	int64_t v = s->sysctl[k];

	for (size_t i = 0; i < n; i++) {
		if (sets[i].key == k)
			v = sets[i].value;
		/* the handlers clear the other one (overcommit_*_handler, 3.14+) */
		else if (k == OVC_SYSCTL_OVERCOMMIT_KBYTES && sets[i].key == OVC_SYSCTL_OVERCOMMIT_RATIO)
			v = 0;
		else if (k == OVC_SYSCTL_OVERCOMMIT_RATIO && sets[i].key == OVC_SYSCTL_OVERCOMMIT_KBYTES)
			v = 0;
	}
	return v;
}

/* Processes whose death hurts: sshd, systemd, postgres, and --critical. */
int ovc_render_live_critical(const char *comm, const struct ovc_live_status_opts *o)
{
	static const char *const builtin[] = { "sshd", "systemd", "postgres" };

	for (size_t i = 0; i < sizeof(builtin) / sizeof(builtin[0]); i++)
		if (!strcmp(comm, builtin[i]))
			return 1;
	for (size_t i = 0; o && i < o->ncritical; i++)
		if (!strcmp(comm, o->critical[i]))
			return 1;
	return 0;
}

/* Policies under which a failing fork would pass, "1, 0" or "none". */
static const char *passes_under(const struct ovc_live_row *w, char *buf, size_t n)
{
	static const int order[] = { 1, 0, 2 };
	size_t len = 0;

	buf[0] = '\0';
	for (size_t i = 0; i < 3; i++)
		if (w->fork_ok_policy[order[i]] == 1 && len + 4 < n)
			len += (size_t)snprintf(buf + len, n - len, "%s%d", len ? ", " : "", order[i]);
	if (!len)
		snprintf(buf, n, "none");
	return buf;
}

/* A process name as a terminal may show it: comm is any bytes (a name
 * can hold a newline or an escape), so control bytes become '?'. */
const char *ovc_render_live_safe(const char *comm, char *buf, size_t n)
{
	size_t i = 0;

	for (; comm[i] && i + 1 < n; i++)
		buf[i] = (unsigned char)comm[i] < 0x20 || comm[i] == 0x7f ? '?' : comm[i];
	buf[i] = '\0';
	return buf;
}

#define SAFE(comm) ovc_render_live_safe((comm), (char[64]){ 0 }, 64)

static void comm_col(FILE *f, const char *comm, size_t w)
{
	ovc_render_pad_cut(f, SAFE(comm), w);
}

/* ------------------------------------------------------------------ */
/* ovc status                                                           */

static void status_head(FILE *f, const struct ovc_live_snap *s, const struct ovc_live_report *r)
{
	const struct ovc_meminfo *mi = &s->mi;
	int pol = (int)s->sysctl[OVC_SYSCTL_OVERCOMMIT_MEMORY];
	char a[64], b[64];
	uint64_t tot = mi->mem_total + mi->swap_total;

	fprintf(f, "kernel        %s\n", r->profile_note);
	fprintf(f, "policy        vm.overcommit_memory=%d: %s\n", pol, ovc_render_live_policy_text(pol));
	if (s->sysctl[OVC_SYSCTL_OVERCOMMIT_KBYTES])
		fprintf(f, "              vm.overcommit_kbytes=%lld\n",
			(long long)s->sysctl[OVC_SYSCTL_OVERCOMMIT_KBYTES]);
	else
		fprintf(f, "              vm.overcommit_ratio=%lld\n",
			(long long)s->sysctl[OVC_SYSCTL_OVERCOMMIT_RATIO]);
	fprintf(f, "CommitLimit   %s (kernel), %s (model)%s\n", KB(a, mi->commit_limit),
		KB(b, r->commit_limit_kb),
		mi->commit_limit != r->commit_limit_kb ? "  DIFFER" : "");
	fprintf(f, "Committed_AS  %s, %.1f%% of CommitLimit; %%commit %.1f%% of RAM + swap\n",
		KB(a, mi->committed_as),
		mi->commit_limit ? 100.0 * (double)mi->committed_as / (double)mi->commit_limit : 0.0,
		tot ? 100.0 * (double)mi->committed_as / (double)tot : 0.0);
	fprintf(f, "headroom      %s%s\n", KB(a, r->headroom_kb),
		pol == 2 ? "" : " (binding only under policy 2)");
}

static void status_committers(FILE *f, const struct ovc_live_report *r, size_t top)
{
	char a[64];

	fprintf(f, "\nlargest committers\n  %7s  %-16s  %s\n", "PID", "COMMAND", "COMMITTED");
	for (size_t i = 0; i < r->nrows && i < top; i++) {
		const struct ovc_live_row *w = &r->rows[r->by_commit[i]];

		if (!(w->p->seen & OVC_LIVE_SMAPS))
			break;
		fprintf(f, "  %7d  ", w->p->pid);
		comm_col(f, w->p->comm, 16);
		fprintf(f, "  %s\n", KB(a, w->p->committed));
	}
}

static void status_forks(FILE *f, const struct ovc_live_report *r, uint64_t min_kb)
{
	char a[64], pu[32];
	size_t n = 0;

	fprintf(f, "\nforks that would fail now (charge >= %llu kB)\n", U(min_kb));
	for (size_t i = 0; i < r->nrows; i++) {
		const struct ovc_live_row *w = &r->rows[r->by_commit[i]];

		if (w->fork_ok != 0 || w->p->fork_charge < min_kb)
			continue;
		fprintf(f, "  %7d  ", w->p->pid);
		comm_col(f, w->p->comm, 16);
		fprintf(f, "  charge %s, would pass under policy: %s\n", KB(a, w->p->fork_charge),
			passes_under(w, pu, sizeof(pu)));
		n++;
	}
	if (!n)
		fprintf(f, "  none\n");
}

static void score_cols(FILE *f, const struct ovc_live_row *w)
{
	if (w->p->oom_score >= 0)
		fprintf(f, "  %6lld", (long long)w->p->oom_score);
	else
		fprintf(f, "  %6s", "?");
	if (w->model_oom_score >= 0)
		fprintf(f, "  %6lld%s", (long long)w->model_oom_score, w->score_differs ? "  DIFFERS" : "");
	else
		fprintf(f, "  %6s", "?");
}

static void status_victims(FILE *f, const struct ovc_live_snap *s,
			   const struct ovc_live_report *r, size_t k)
{
	fprintf(f, "\nnext OOM victims\n  %4s  %7s  %-16s  %6s  %6s\n", "RANK", "PID", "COMMAND",
		"KERNEL", "MODEL");
	for (size_t i = 0; i < r->nrows && i < k; i++) {
		const struct ovc_live_row *w = &r->rows[r->by_badness[i]];

		if (w->badness.skip != OVC_OOM_ELIGIBLE)
			break;
		fprintf(f, "  %4zu  %7d  ", i + 1, w->p->pid);
		comm_col(f, w->p->comm, 16);
		score_cols(f, w);
		fputc('\n', f);
	}
	if (r->chosen_group >= 0)
		fprintf(f, "  memory.oom.group of %s: every process in it is killed with #1\n",
			ovc_render_live_safe(s->memcgs[r->chosen_group].path, (char[300]){ 0 }, 300));
	if (r->score_mismatches)
		fprintf(f, "  %zu process(es) whose oom_score the model derives differently\n",
			r->score_mismatches);
}

static void status_unseen(FILE *f, const struct ovc_live_snap *s, const struct ovc_live_report *r)
{
	size_t nosmaps = 0;

	for (size_t i = 0; i < r->nrows; i++)
		nosmaps += !(r->rows[i].p->seen & OVC_LIVE_SMAPS);
	fprintf(f, "\nnot seen      %zu vanished while read, %zu with unreadable files, %zu without smaps (fork charge unknown)\n",
		s->vanished, s->denied, nosmaps);
	if (s->denied || nosmaps)
		fprintf(f, "              (without root, other users' processes cannot be read)\n");
}

/* A forking server whose fork (BGSAVE, checkpoints) fails under this policy. */
static size_t advise_forkers(FILE *f, const struct ovc_live_report *r)
{
	static const char *const forkers[] = { "redis-server", "valkey-server", "keydb-server" };
	char pu[32];
	size_t n = 0;

	for (size_t i = 0; i < r->nrows; i++) {
		const struct ovc_live_row *w = &r->rows[i];

		for (size_t j = 0; j < sizeof(forkers) / sizeof(forkers[0]); j++) {
			if (strcmp(w->p->comm, forkers[j]) || w->fork_ok != 0)
				continue;
			fprintf(f, "  - %s (pid %d) forks to save its data, and that fork would fail under this policy (passes under: %s); consider vm.overcommit_memory=1\n",
				SAFE(w->p->comm), w->p->pid, passes_under(w, pu, sizeof(pu)));
			n++;
		}
	}
	return n;
}

static size_t advise_critical(FILE *f, const struct ovc_live_report *r,
			      const struct ovc_live_status_opts *o)
{
	size_t n = 0;

	for (size_t i = 0; i < r->nrows && i < 3; i++) {
		const struct ovc_live_row *w = &r->rows[r->by_badness[i]];

		if (w->badness.skip != OVC_OOM_ELIGIBLE || !ovc_render_live_critical(w->p->comm, o))
			continue;
		fprintf(f, "  - %s (pid %d) is OOM victim #%zu: lower its oom_score_adj (OOMScoreAdjust= in its unit)\n",
			SAFE(w->p->comm), w->p->pid, i + 1);
		n++;
	}
	return n;
}

/* A limited cgroup close to its limit: its own OOM comes before any
 * global one, and kills inside it. */
static size_t advise_memcgs(FILE *f, const struct ovc_live_snap *s, const struct ovc_live_report *r,
			    const struct ovc_live_status_opts *o)
{
	size_t n = 0;

	for (size_t i = 0; i < r->nmemcg_ooms; i++) {
		const struct ovc_live_memcg_oom *m = &r->memcg_ooms[i];
		const struct ovc_live_memcg *c = &s->memcgs[m->memcg];
		const struct ovc_live_proc *v = m->chosen >= 0 ? m->rows[m->chosen].p : NULL;
		double pct = ovc_render_live_memcg_pct(c);

		if (pct < 90.0)
			continue;
		fprintf(f, "  - cgroup %s uses %.0f%% of its memory limit: once reclaim cannot keep up, its own OOM kills ",
			ovc_render_live_safe(c->path, (char[300]){ 0 }, 300), pct);
		if (v)
			fprintf(f, "%s (pid %d)%s\n", SAFE(v->comm), v->pid,
				ovc_render_live_critical(v->comm, o) ? ", a critical process: raise the limit or lower its oom_score_adj" : "");
		else
			fprintf(f, "nothing (no killable process: the charge fails instead)\n");
		n++;
	}
	return n;
}

static void status_advice(FILE *f, const struct ovc_live_snap *s, const struct ovc_live_report *r,
			  const struct ovc_live_status_opts *o)
{
	const struct ovc_meminfo *mi = &s->mi;
	size_t n;

	fprintf(f, "\nrecommendations\n");
	n = advise_forkers(f, r);
	if (s->sysctl[OVC_SYSCTL_OVERCOMMIT_MEMORY] == 2 && mi->commit_limit &&
	    mi->committed_as * 10 >= mi->commit_limit * 9) {
		fprintf(f, "  - Committed_AS is within 10%% of CommitLimit under policy 2: new allocations and forks will soon fail with ENOMEM\n");
		n++;
	}
	n += advise_critical(f, r, o);
	n += advise_memcgs(f, s, r, o);
	if (mi->commit_limit != r->commit_limit_kb) {
		fprintf(f, "  - the model's CommitLimit differs from the kernel's: check hugepage pools of other sizes and the profile\n");
		n++;
	}
	if (!n)
		fprintf(f, "  none\n");
}

int ovc_render_live_status_text(FILE *f, const struct ovc_live_snap *s,
				const struct ovc_live_report *r,
				const struct ovc_live_status_opts *o)
{
	status_head(f, s, r);
	ovc_render_live_reconcile_text(f, s, r);
	status_committers(f, r, o->top);
	status_forks(f, r, o->fork_min_kb);
	status_victims(f, s, r, o->victims);
	ovc_render_live_memcgs_text(f, s, r);
	status_unseen(f, s, r);
	status_advice(f, s, r, o);
	return done(f);
}

/* ------------------------------------------------------------------ */
/* ovc oom                                                              */

static void oom_row(FILE *f, size_t rank, const struct ovc_live_row *w)
{
	const struct ovc_badness *b = &w->badness;

	if (b->skip == OVC_OOM_ELIGIBLE)
		fprintf(f, "  %4zu", rank);
	else
		fprintf(f, "  %4s", "-");
	fprintf(f, "  %7d  ", w->p->pid);
	comm_col(f, w->p->comm, 16);
	fprintf(f, "  %9llu %8llu %6llu %6d  ", U(b->rss), U(b->swapents), U(b->pgtables), b->adj);
	if (b->skip == OVC_OOM_ELIGIBLE)
		fprintf(f, "%10lld", (long long)b->points);
	else
		fprintf(f, "%10s", ovc_render_oom_skip_name(b->skip));
	score_cols(f, w);
	fputc('\n', f);
}

static void oom_head_global(FILE *f, const struct ovc_live_snap *s,
			    const struct ovc_live_report *r, const struct ovc_live_oom_scope *sc)
{
	fprintf(f, "rule     %s badness, totalpages %llu (MemTotal + SwapTotal, %llu-byte pages)\n",
		ovc_render_badness_rule_name(r->profile.oom->badness),
		U(r->nrows ? r->rows[0].badness.totalpages : 0), U(s->page_size ? s->page_size : 4096));
	if (r->chosen >= 0)
		fprintf(f, "victim   %d (%s)%s\n", r->rows[r->chosen].p->pid,
			SAFE(r->rows[r->chosen].p->comm),
			ovc_render_live_in_scope(s, r->rows[r->chosen].p, sc) ? "" :
			", outside the cgroup: RANK below is the place in the global order");
	if (r->chosen_group >= 0)
		fprintf(f, "group    memory.oom.group of %s: all its processes die with the victim\n",
			ovc_render_live_safe(s->memcgs[r->chosen_group].path, (char[300]){ 0 }, 300));
	if (sc && sc->cgroup)
		fprintf(f, "cgroup   %s: %s, so its processes are ranked in the global OOM\n",
			ovc_render_live_safe(sc->cgroup, (char[300]){ 0 }, 300),
			sc->memcg < 0 ? "memory cgroups not read" : "no limit on it or above it");
}

/* mem_cgroup_out_of_memory(): the cgroup's limit is totalpages. */
static void oom_head_memcg(FILE *f, const struct ovc_live_snap *s, const struct ovc_live_report *r,
			   const struct ovc_live_oom_scope *sc)
{
	const struct ovc_live_memcg_oom *o = sc->oom;
	const struct ovc_live_memcg *c = &s->memcgs[o->memcg];
	char a[64], b[64], p1[300], p2[300];

	ovc_render_live_safe(c->path, p1, sizeof(p1));
	ovc_render_live_safe(sc->cgroup, p2, sizeof(p2));
	fprintf(f, "rule     %s badness, totalpages %llu (the cgroup's limit + the swap it may use, %llu-byte pages)\n",
		ovc_render_badness_rule_name(r->profile.oom->badness), U(o->totalpages),
		U(s->page_size ? s->page_size : 4096));
	fprintf(f, "oom      memory cgroup %s: usage %s of %s (%.0f%%)\n", p1, KB(a, c->current_kb),
		KB(b, c->max_kb), ovc_render_live_memcg_pct(c));
	if (o->memcg != sc->memcg)
		fprintf(f, "cgroup   %s has no limit of its own: ranked in the OOM of %s\n", p2, p1);
	if (o->chosen >= 0)
		fprintf(f, "victim   %d (%s)\n", o->rows[o->chosen].p->pid, SAFE(o->rows[o->chosen].p->comm));
	else if (o->kill_disabled)
		fprintf(f, "victim   none: memory.oom_control oom_kill_disable is set, its tasks wait for memory\n");
	else
		fprintf(f, "victim   none: nothing in the cgroup is killable\n");
	if (o->group >= 0)
		fprintf(f, "group    memory.oom.group of %s: all its processes die with the victim\n",
			ovc_render_live_safe(s->memcgs[o->group].path, (char[300]){ 0 }, 300));
}

int ovc_render_live_oom_text(FILE *f, const struct ovc_live_snap *s,
			     const struct ovc_live_report *r, const struct ovc_live_oom_scope *sc)
{
	const struct ovc_live_memcg_oom *o = sc ? sc->oom : NULL;
	size_t n = o ? o->nrows : r->nrows, rank = 0;

	fprintf(f, "kernel   %s\n", r->profile_note);
	if (o)
		oom_head_memcg(f, s, r, sc);
	else
		oom_head_global(f, s, r, sc);
	fprintf(f, "\n  %4s  %7s  %-16s  %9s %8s %6s %6s  %10s  %6s  %6s\n", "RANK", "PID", "COMMAND",
		"RSS", "SWAP", "PGTBL", "ADJ", "POINTS", "KERNEL", o ? "CGROUP" : "MODEL");
	for (size_t i = 0; i < n; i++) {
		const struct ovc_live_row *w = o ? &o->rows[i] : &r->rows[r->by_badness[i]];

		rank += w->badness.skip == OVC_OOM_ELIGIBLE;
		if (ovc_render_live_in_scope(s, w->p, sc))
			oom_row(f, rank, w);
	}
	fprintf(f, "\n(RSS, SWAP, PGTBL in pages; KERNEL is /proc/PID/oom_score, %s)\n",
		o ? "which the kernel computes for the global OOM; CGROUP the same score over the cgroup's totalpages"
		  : "MODEL the model's");
	if (!o)
		fprintf(f, "%zu oom_score mismatch(es)\n", r->score_mismatches);
	return done(f);
}

/* ------------------------------------------------------------------ */
/* ovc fork-check, ovc can-alloc                                        */

/* The arithmetic of a passing test, one line (a refusal goes through
 * ovc_render_explain, which the simulator uses too). */
static void admit_pass(FILE *f, const struct ovc_admit *a, uint64_t kpp)
{
	switch (a->rule) {
	case OVC_ADMIT_ALWAYS:
		fprintf(f, "vm.overcommit_memory=1: every request is admitted.\n");
		break;
	case OVC_ADMIT_GUESS_TOTAL:
		fprintf(f, "request %llu kB is not above RAM + swap %llu kB (5.2+ heuristic).\n",
			U(a->pages * kpp), U(a->ram_swap * kpp));
		break;
	case OVC_ADMIT_GUESS_FREE:
		fprintf(f, "estimate of free memory %llu kB exceeds the request %llu kB.\n",
			U(a->estimate * kpp), U(a->pages * kpp));
		break;
	case OVC_ADMIT_NEVER:
		fprintf(f, "Committed_AS %lld kB (as the counter reads it%s) is below the limit %lld kB = CommitLimit %llu kB - admin cut %llu kB - user cut %llu kB.\n",
			(long long)(a->seen * (int64_t)kpp),
			a->seen < a->committed ? "; the request is still in this CPU's batch" : ", with the request",
			(long long)(a->allowed * (int64_t)kpp),
			U(a->limit * kpp), U(a->admin_cut * kpp), U(a->user_cut * kpp));
		break;
	}
}

static void admit_explain(FILE *f, const struct ovc_live_snap *s, const struct ovc_live_report *r,
			  const struct ovc_live_row *w, const struct ovc_live_fix *fix)
{
	struct ovc_result res = { .err = ENOMEM, .cause = OVC_CAUSE_COMMIT, .admitted = 1,
				  .admit = w->fork };
	struct ovc_explain_env env = { .page_size = s->page_size, .kver = r->profile.kver,
				       .op = fix->op, .admission = r->profile.admission };
	char buf[2048];
	uint64_t kpp = (s->page_size ? s->page_size : 4096) / 1024;
	struct ovc_admit a = w->fork;

	if (w->p->nfork_maps > 1 && !strcmp(fix->op, "fork"))
		fprintf(f, "dup_mmap tests the %zu mappings fork copies one at a time, in address order;\n"
			"%s mapping %zu, %llu kB:\n", w->p->nfork_maps,
			w->fork_ok == 1 ? "all pass, the last test being" : "the test that fails is",
			w->fork_map + 1, U(w->p->fork_maps[w->fork_map]));
	if (w->fork_ok == 1) {
		/* under GUESS every mapping is judged alone: the largest tells */
		if ((a.rule == OVC_ADMIT_GUESS_TOTAL || a.rule == OVC_ADMIT_GUESS_FREE) &&
		    !strcmp(fix->op, "fork") && w->p->fork_largest)
			a.pages = w->p->fork_largest / kpp;
		fputs("passes: ", f);
		admit_pass(f, &a, kpp);
		return;
	}
	ovc_render_explain(buf, sizeof(buf), &res, &env);
	ovc_render_wrapped(f, buf, 2, "", 100);
}

static void admit_fixes(FILE *f, const struct ovc_live_row *w, const struct ovc_live_fix *fix)
{
	char a[64], pu[32];

	fprintf(f, "\nwhat would make it pass\n");
	fprintf(f, "  - another policy: passes under %s\n", passes_under(w, pu, sizeof(pu)));
	if (fix->min_ratio >= 0)
		fprintf(f, "  - under policy 2, vm.overcommit_ratio=%lld or more\n", (long long)fix->min_ratio);
	if (fix->max_kb == 0)
		fprintf(f, "  - no smaller charge: Committed_AS is already over the bound, so even a request of one page fails\n");
	else if (fix->max_kb != UINT64_MAX && fix->max_kb < fix->charge_kb)
		fprintf(f, "  - a charge of at most %s: %s\n", KB(a, fix->max_kb),
			!strcmp(fix->op, "fork") ?
			"MADV_DONTFORK on its largest private writable mappings removes them from the fork's charge" :
			"a smaller mapping, or MAP_NORESERVE (not charged unless policy 2)");
	if (!strcmp(fix->op, "fork"))
		fprintf(f, "  - vfork() or posix_spawn() to run a program: they share the address space and charge nothing (the program then needs its own charges)\n");
}

int ovc_render_live_admit_text(FILE *f, const struct ovc_live_snap *s,
			       const struct ovc_live_report *r, size_t row,
			       const struct ovc_live_fix *fix)
{
	const struct ovc_live_row *w = &r->rows[row];
	int pol = w->fork.policy;
	char a[64];

	fprintf(f, "kernel   %s\n", r->profile_note);
	fprintf(f, "%-8s %s of ", fix->op, !strcmp(fix->op, "fork") ? "fork" : "private writable mmap");
	if (w->p->pid > 0)
		fprintf(f, "pid %d (%s)", w->p->pid, SAFE(w->p->comm));
	else
		fprintf(f, "a new process of uid %u", w->p->uid);
	fprintf(f, ", charge %s, %s\n", KB(a, fix->charge_kb),
		w->fork.admin ? "CAP_SYS_ADMIN" : "not admin");
	if (fix->why_admin)
		fprintf(f, "         admin: %s\n", fix->why_admin);
	if (fix->self_kb)
		fprintf(f, "         Committed_AS as read less ovc's own charge, %s (gone when ovc exits)\n",
			KB(a, fix->self_kb));
	fprintf(f, "policy   vm.overcommit_memory=%d: %s\n", pol, ovc_render_live_policy_text(pol));
	if (w->fork_ok < 0) {
		fprintf(f, "verdict  unknown: /proc/%d/smaps is not readable (run as root)\n", w->p->pid);
		return done(f);
	}
	fprintf(f, "verdict  %s\n\n", w->fork_ok ? "would pass now" : "would FAIL now (ENOMEM)");
	admit_explain(f, s, r, w, fix);
	if (!w->fork_ok)
		admit_fixes(f, w, fix);
	return done(f);
}

/* ------------------------------------------------------------------ */
/* ovc whatif                                                           */

static const struct ovc_live_row *row_of(const struct ovc_live_report *r, int pid)
{
	for (size_t i = 0; i < r->nrows; i++)
		if (r->rows[i].p->pid == pid)
			return &r->rows[i];
	return NULL;
}

static void whatif_forks(FILE *f, const struct ovc_live_report *b, const struct ovc_live_report *a)
{
	char k[64];
	size_t n = 0;

	fprintf(f, "\nforks that change\n");
	for (size_t i = 0; i < a->nrows; i++) {
		const struct ovc_live_row *w = &a->rows[a->by_commit[i]], *v = row_of(b, w->p->pid);

		if (!v || w->fork_ok < 0 || v->fork_ok == w->fork_ok)
			continue;
		fprintf(f, "  %7d  ", w->p->pid);
		comm_col(f, w->p->comm, 16);
		fprintf(f, "  charge %s: %s\n", KB(k, w->p->fork_charge),
			w->fork_ok ? "could now fork" : "could no longer fork");
		n++;
	}
	if (!n)
		fprintf(f, "  none\n");
}

static void whatif_top(FILE *f, const struct ovc_live_report *r, const char *title)
{
	fprintf(f, "%s", title);
	for (size_t i = 0; i < r->nrows && i < 5; i++) {
		const struct ovc_live_row *w = &r->rows[r->by_badness[i]];

		if (w->badness.skip != OVC_OOM_ELIGIBLE)
			break;
		fprintf(f, " %d(%s)", w->p->pid, SAFE(w->p->comm));
	}
	fputc('\n', f);
}

int ovc_render_live_whatif_text(FILE *f, const struct ovc_live_snap *s,
				const struct ovc_live_report *before,
				const struct ovc_live_report *after,
				const struct ovc_live_set *sets, size_t n)
{
	int pol = (int)ovc_render_live_sysctl(s, sets, n, OVC_SYSCTL_OVERCOMMIT_MEMORY);
	char a[64], b[64];

	for (size_t i = 0; i < n; i++)
		fprintf(f, "set      vm.%s=%lld (was %lld)\n", ovc_sysctl_name(sets[i].key),
			(long long)sets[i].value, (long long)s->sysctl[sets[i].key]);
	fprintf(f, "policy   %d: %s\n", pol, ovc_render_live_policy_text(pol));
	fprintf(f, "CommitLimit  %s -> %s\n", KB(a, before->commit_limit_kb), KB(b, after->commit_limit_kb));
	fprintf(f, "Committed_AS %s: %s\n", KB(a, s->mi.committed_as),
		s->mi.committed_as >= after->commit_limit_kb ?
		"already at or above the new CommitLimit: under policy 2 every new charge fails" :
		"below the new CommitLimit");
	fprintf(f, "headroom     %s -> %s\n", KB(a, before->headroom_kb), KB(b, after->headroom_kb));
	whatif_forks(f, before, after);
	fprintf(f, "\nOOM order, top 5\n");
	whatif_top(f, before, "  before:");
	whatif_top(f, after, "  after: ");
	return done(f);
}
