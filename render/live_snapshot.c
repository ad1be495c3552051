/* live_snapshot.c - a /proc snapshot written as a scenario that `ovc sim` replays unchanged.
 *
 * The machine is written as the scenario front end reads a measured one
 * (kernel, machine, state and sysctl lines; the same forms as
 * scenario/real_machine.c writes for `ovc exec`), then each process with
 * an mm as a task and three mappings:
 *
 *   rPIDa  private writable anonymous, fork_charge long: charged, and
 *          charged again by a fork of the task (smaps "ac" and not "dc")
 *   rPIDd  the same, committed - fork_charge long, madvise dontfork:
 *          charged, but not copied by fork ("ac" and "dc")
 *   rPIDn  noreserve, for RssAnon beyond what the task has charged
 *          (MAP_NORESERVE mappings, or smaps that could not be read)
 *
 * and RssAnon touched in them, in that order, so that the OOM killer
 * ranks the tasks by the resident size the kernel saw.
 *
 * Two counters must come out as the kernel showed them after the replay:
 *  - Committed_AS. The tasks' mappings charge Σ committed; state
 *    committed= is the rest (shmem segments, processes that could not
 *    be read, the kernel's own charges), never below zero.
 *  - AnonPages and MemFree. The touches turn free pages into anonymous
 *    ones, so state anon= is AnonPages less what they touch and free= is
 *    MemFree plus it. RssAnon counts pages shared since a fork once per
 *    process (the model has them once per task), so Σ RssAnon can pass
 *    AnonPages: up to AnonPages + MemFree/2 it is touched as is (MemFree
 *    comes out lower), beyond that every task's share is scaled down
 *    alike, so the replay cannot run into the OOM killer.
 *
 * The replay boots with vm.overcommit_memory=1, so that no mapping of a
 * machine near its CommitLimit is refused, and writes the machine's
 * policy after the last task (a run-time write, as `sysctl -w` is).
 * MAP_NORESERVE is honoured under policy 1 (do_mmap()), so rPIDn charges
 * nothing, as the kernel charged nothing for it.
 *
 * Each memory cgroup with a limit becomes a `cgroup cgN` line (N its index
 * in the snapshot: a valid name whatever the path) below its nearest
 * limited ancestor, and a task goes into the nearest limited cgroup of
 * its own: an unlimited cgroup in between changes no charge's outcome.
 * The replay charges a cgroup what its tasks touch; if that is more than
 * its limit (charges that moved with a task), the limit written is raised
 * to it, and a comment says so, so the setup cannot run into its OOM.
 *
 * Units: kB, as /proc prints them.
 */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "ovc/err.h"
#include "ovc/ops.h"
#include "ovc/profile.h"
#include "render/live_snapshot.h"

#define USER_HZ 100		/* stat's clock ticks (every architecture ovc runs on) */
#define PID_MAX 4194304		/* PID_MAX_LIMIT: the scenario's pid= range */

/* What one task's lines charge and touch, kB. */
struct plan {
	uint64_t fc, dc, nr;	/* rPIDa, rPIDd, rPIDn lengths */
	uint64_t ta, td, tn;	/* touched in each */
};

/* The whole snapshot's figures, worked out before the first line. */
struct sums {
	size_t ntasks;
	uint64_t page_kb;
	uint64_t want;		/* Σ RssAnon, page-rounded */
	uint64_t budget;	/* what may be touched: AnonPages + MemFree/2 */
	uint64_t charged;	/* Σ fc + dc */
	uint64_t touched;	/* Σ ta + td + tn */
	size_t no_smaps;	/* tasks whose smaps could not be read */
};

static unsigned long long ull(uint64_t v)
{
	return (unsigned long long)v;
}

static uint64_t min64(uint64_t a, uint64_t b)
{
	return a < b ? a : b;
}

static uint64_t sub0(uint64_t a, uint64_t b)
{
	return a > b ? a - b : 0;
}

/* A process the kernel gave an address space: not a kernel thread, not a
 * zombie (its mm is gone), its status read (the sizes come from there). */
static int has_mm(const struct ovc_live_proc *p)
{
	return !p->kthread && !p->zombie && p->state != 'Z' && (p->seen & OVC_LIVE_STATUS);
}

static uint64_t page_down(uint64_t kb, uint64_t page_kb)
{
	return kb - kb % page_kb;
}

/* RssAnon to touch: as read, or scaled down alike when Σ is over budget. */
static uint64_t touch_share(const struct ovc_live_proc *p, const struct sums *t)
{
	uint64_t want = page_down(p->rss_anon, t->page_kb);

	if (t->want <= t->budget)
		return want;
	return page_down((uint64_t)((unsigned __int128)want * t->budget / t->want), t->page_kb);
}

static void plan_task(const struct ovc_live_proc *p, const struct sums *t, struct plan *pl)
{
	uint64_t committed = page_down(p->committed, t->page_kb);
	uint64_t rss = touch_share(p, t);

	pl->fc = min64(page_down(p->fork_charge, t->page_kb), committed);
	pl->dc = committed - pl->fc;
	pl->ta = min64(rss, pl->fc);
	pl->td = min64(rss - pl->ta, pl->dc);
	pl->tn = rss - pl->ta - pl->td;
	pl->nr = pl->tn;
}

static void sum_up(const struct ovc_live_snap *s, struct sums *t)
{
	uint64_t ps = s->page_size >= 4096 ? s->page_size : 4096;
	struct plan pl;

	memset(t, 0, sizeof(*t));
	t->page_kb = ps >> 10;
	for (size_t i = 0; i < s->nprocs; i++)
		if (has_mm(&s->procs[i]))
			t->want += page_down(s->procs[i].rss_anon, t->page_kb);
	t->budget = s->mi.anon_pages + s->mi.mem_free / 2;
	for (size_t i = 0; i < s->nprocs; i++) {
		const struct ovc_live_proc *p = &s->procs[i];

		if (!has_mm(p))
			continue;
		t->ntasks++;
		t->no_smaps += !(p->seen & OVC_LIVE_SMAPS);
		plan_task(p, t, &pl);
		t->charged += pl.fc + pl.dc;
		t->touched += pl.ta + pl.td + pl.tn;
	}
}

/* ------------------------------------------------------------------ */
/* Names                                                                */

/* A scenario name's characters: letters, digits, _ - . */
static int name_char(unsigned char c)
{
	return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') ||
	       c == '_' || c == '-' || c == '.';
}

/* A word's characters: printable ASCII that neither starts a comment nor
 * opens an expression (docs/scenario-language.md, Lexical rules). */
static int word_char(unsigned char c)
{
	return c > ' ' && c < 0x7f && c != '#' && c != '(' && c != ')';
}

/* comm through ok(), other bytes as '_', at most n-1 of them. */
static void clean(char *out, size_t n, const char *comm, int (*ok)(unsigned char))
{
	size_t k = 0;

	for (; comm[k] && k + 1 < n; k++)
		out[k] = ok((unsigned char)comm[k]) ? comm[k] : '_';
	out[k] = '\0';
}

/* "p1234_sshd", or "p1234" with anonymize (or no comm): unique by pid,
 * and a valid name however hostile the comm (at most 63 characters). */
static const char *task_name(const struct ovc_live_proc *p, int anonymize, char *buf, size_t n)
{
	char c[41];

	clean(c, sizeof(c), p->comm, name_char);
	if (anonymize || !c[0])
		snprintf(buf, n, "p%d", p->pid);
	else
		snprintf(buf, n, "p%d_%s", p->pid, c);
	return buf;
}

static const struct ovc_live_proc *find_pid(const struct ovc_live_snap *s, int pid)
{
	size_t lo = 0, hi = s->nprocs;

	while (lo < hi) {	/* procs are in pid order */
		size_t mid = lo + (hi - lo) / 2;

		if (s->procs[mid].pid == pid)
			return &s->procs[mid];
		if (s->procs[mid].pid < pid)
			lo = mid + 1;
		else
			hi = mid;
	}
	return NULL;
}

/* ------------------------------------------------------------------ */
/* The machine                                                          */

/* The release as the `kernel` line accepts it: "6.1.0-28-amd64" is
 * 6.1.0, a RHEL6 release is rhel6. NULL when ovc does not model it. */
static const char *kernel_word(const char *release, char *buf, size_t n)
{
	struct ovc_profile p;

	if (!release[0] || ovc_profile_for(release, &p, NULL) < 0)
		return NULL;
	if (strcmp(p.name, "rhel6") == 0)
		return "rhel6";
	return ovc_kver_str(p.kver, buf, n);
}

static void header(FILE *f, const struct ovc_live_snap *s, const struct sums *t)
{
	char rel[sizeof(s->release)], kw[24];
	const char *k;

	clean(rel, sizeof(rel), s->release, word_char);
	fprintf(f, "# ovc snapshot of a %s machine: %zu processes with an mm as tasks,\n",
		rel[0] ? rel : "(unknown release)", t->ntasks);
	fprintf(f, "# %zu kernel threads and zombies left out, %zu vanished while read, %zu with files denied\n",
		s->nprocs - t->ntasks, s->vanished, s->denied);
	fputs("# Not modelled: file-backed and shared memory of the processes (RssFile, RssShmem),\n"
	      "# swapped pages (VmSwap), page cache charged to memory cgroups, mlock, hugetlb\n"
	      "# mappings; Committed_AS that no process explains (shmem segments, kernel charges)\n"
	      "# is in state committed=.\n", f);
	if (t->no_smaps)
		fprintf(f, "# %zu processes' smaps could not be read: their charges are in state committed=.\n",
			t->no_smaps);
	if (t->want > t->budget)
		fprintf(f, "# RssAnon adds up to %llu kB (pages shared since fork count once per process):\n"
			"# each task touches its RssAnon * %llu / %llu, so the replay fits in memory.\n",
			ull(t->want), ull(t->budget), ull(t->want));
	if (t->charged > s->mi.committed_as)
		fprintf(f, "# The tasks charge %llu kB, more than Committed_AS (%llu kB): the replay ends higher.\n",
			ull(t->charged), ull(s->mi.committed_as));
	k = kernel_word(s->release, kw, sizeof(kw));
	if (k)
		fprintf(f, "kernel %s\n", k);
	else
		fputs("# the release is not one ovc models: the default profile is used\n", f);
}

static void machine_line(FILE *f, const struct ovc_live_snap *s, const struct sums *t)
{
	const struct ovc_meminfo *mi = &s->mi;
	unsigned cpus = s->ncpus < 1 ? 1 : s->ncpus > 8192 ? 8192 : s->ncpus;

	fprintf(f, "machine ram=%llukB swap=%llukB cpus=%u", ull(mi->mem_total), ull(mi->swap_total), cpus);
	if (t->page_kb != 4)
		fprintf(f, " page=%llukB", ull(t->page_kb));
	if (mi->hugepagesize && mi->hugepagesize != 2048)
		fprintf(f, " hugepagesize=%llukB", ull(mi->hugepagesize));
	/* vm.nr_hugepages is the persistent pool: surplus pages are not in it */
	if (sub0(mi->hugepages_total, mi->hugepages_surp))
		fprintf(f, " hugepages=%llu", ull(sub0(mi->hugepages_total, mi->hugepages_surp)));
	fprintf(f, " uptime=%llus\n", ull(s->uptime_s));
}

/* The meminfo state less what the task lines will add (see the top). */
static void state_line(FILE *f, const struct ovc_live_snap *s, const struct sums *t)
{
	const struct ovc_meminfo *mi = &s->mi;
	uint64_t other = sub0(s->kreclaimable_kb, mi->slab_reclaimable);
	uint64_t shmem = min64(mi->shmem, mi->cached);	/* Shmem is part of Cached */
	uint64_t moved = min64(t->touched, mi->anon_pages);

	fprintf(f, "state free=%llukB file=%llukB buffers=%llukB shmem=%llukB anon=%llukB"
		" slab=%llukB unreclaimable=%llukB reclaimable=%llukB swapfree=%llukB committed=%llukB\n",
		ull(mi->mem_free + moved), ull(mi->cached), ull(mi->buffers), ull(shmem),
		ull(mi->anon_pages - moved), ull(mi->slab_reclaimable), ull(mi->slab_unreclaimable),
		ull(other), ull(min64(mi->swap_free, mi->swap_total)),
		ull(sub0(mi->committed_as, t->charged)));
}

static int64_t policy_of(const struct ovc_live_snap *s)
{
	return s->have_sysctl & (1u << OVC_SYSCTL_OVERCOMMIT_MEMORY) ?
	       s->sysctl[OVC_SYSCTL_OVERCOMMIT_MEMORY] : 0;
}

static void sysctl_lines(FILE *f, const struct ovc_live_snap *s)
{
	for (int k = 0; k < OVC_SYSCTL_COUNT; k++) {
		if (!(s->have_sysctl & (1u << k)) || k == OVC_SYSCTL_NR_HUGEPAGES)
			continue;	/* the pool is on the machine line */
		if (k == OVC_SYSCTL_OVERCOMMIT_MEMORY)
			continue;
		fprintf(f, "sysctl vm.%s=%lld\n", ovc_sysctl_name(k), (long long)s->sysctl[k]);
	}
	if (policy_of(s) != 1)
		fprintf(f, "sysctl vm.overcommit_memory=1   # for the replay; the machine's %lld is written after it\n",
			(long long)policy_of(s));
	else
		fputs("sysctl vm.overcommit_memory=1\n", f);
}

/* ------------------------------------------------------------------ */
/* Memory cgroups                                                       */

static int memcg_limited(const struct ovc_live_memcg *c)
{
	return (c->seen & OVC_MEMCG_SEEN_MAX) && c->max_kb != OVC_LIVE_NOLIMIT && c->parent >= 0;
}

/* The nearest limited cgroup at cg or above it, -1 none. */
static int nearest_limited(const struct ovc_live_snap *s, int cg)
{
	for (size_t d = 0; cg >= 0 && (size_t)cg < s->nmemcgs && d <= s->nmemcgs;
	     d++, cg = s->memcgs[cg].parent)
		if (memcg_limited(&s->memcgs[cg]))
			return cg;
	return -1;
}

/* What the replay charges each limited cgroup: its subtree's touches. */
static void memcg_charges(const struct ovc_live_snap *s, const struct sums *t, uint64_t *sum)
{
	struct plan pl;

	for (size_t i = 0; i < s->nprocs; i++) {
		const struct ovc_live_proc *p = &s->procs[i];
		int cg = has_mm(p) ? nearest_limited(s, p->memcg) : -1;

		if (cg < 0)
			continue;
		plan_task(p, t, &pl);
		for (; cg >= 0; cg = nearest_limited(s, s->memcgs[cg].parent))
			sum[cg] += pl.ta + pl.td + pl.tn;
	}
}

/* "/cgN" below its parent's path while the path fits the language's 63
 * bytes; a cgroup deeper than that goes to the top (its limit holds, an
 * ancestor's no longer counts its pages). */
static int memcg_parent(const struct ovc_live_snap *s, size_t i, size_t *len)
{
	int par = nearest_limited(s, s->memcgs[i].parent);
	char me[32];
	size_t n = (size_t)snprintf(me, sizeof(me), "/cg%zu", i);

	if (par >= 0 && len[par] + n <= 63) {
		len[i] = len[par] + n;
		return par;
	}
	len[i] = n;
	return -1;
}

static void memcg_line(FILE *f, const struct ovc_live_snap *s, size_t i, int par, uint64_t charged,
		       uint64_t page_kb, int anonymize)
{
	const struct ovc_live_memcg *c = &s->memcgs[i];
	uint64_t max = page_down(c->max_kb, page_kb);
	char path[sizeof(c->path)];
	int swp = c->swappiness >= 0 ? c->swappiness : s->vm_swappiness;

	clean(path, sizeof(path), c->path, word_char);
	fprintf(f, "# cg%zu is %s: usage %llu kB of %llu kB\n", i, anonymize ? "a cgroup" : path,
		ull(c->current_kb), ull(c->max_kb));
	if (charged > max) {
		fprintf(f, "# (its tasks touch %llu kB in the replay: the limit is raised to that)\n",
			ull(charged));
		max = charged;
	}
	fprintf(f, "cgroup cg%zu", i);
	if (par >= 0)
		fprintf(f, " parent=cg%d", par);
	fprintf(f, " max=%llukB", ull(max));
	if ((c->seen & OVC_MEMCG_SEEN_SWAP) && c->swap_max_kb != OVC_LIVE_NOLIMIT)
		fprintf(f, " swap.max=%llukB", ull(page_down(c->swap_max_kb, page_kb)));
	if (c->oom_group)
		fputs(" oom.group=1", f);
	if (swp >= 0 && swp <= 200)
		fprintf(f, " swappiness=%d", swp);
	fputc('\n', f);
}

static int memcg_lines(FILE *f, const struct ovc_live_snap *s, const struct sums *t, int anonymize)
{
	uint64_t *sum;
	size_t *len;

	if (!s->nmemcgs)
		return 0;
	sum = calloc(s->nmemcgs, sizeof(*sum));
	len = calloc(s->nmemcgs, sizeof(*len));
	if (!sum || !len) {
		free(sum);
		free(len);
		return -OVC_E_NOMEM;
	}
	memcg_charges(s, t, sum);
	for (size_t i = 0; i < s->nmemcgs; i++)	/* a parent comes before its children */
		if (memcg_limited(&s->memcgs[i]))
			memcg_line(f, s, i, memcg_parent(s, i, len), sum[i], t->page_kb, anonymize);
	free(sum);
	free(len);
	return 0;
}

/* ------------------------------------------------------------------ */
/* The processes                                                        */

/* The OOM killer's inputs of the task: uid and capabilities, pid,
 * oom_score_adj, nice, CPU time and start (2.6.32's badness). */
static void task_line(FILE *f, const struct ovc_live_snap *s, const struct ovc_live_proc *p,
		      int anonymize)
{
	const struct ovc_live_proc *pp = p->ppid > 0 ? find_pid(s, p->ppid) : NULL;
	char name[80], comm[sizeof(p->comm)];

	fprintf(f, "task %s uid=%lu admin=%d cap_sys_resource=%d",
		task_name(p, anonymize, name, sizeof(name)),
		(unsigned long)(p->uid == UINT32_MAX ? 65534 : p->uid),	/* (uid_t)-1: nobody */
		p->cap_sys_admin ? 1 : 0, p->cap_sys_resource ? 1 : 0);
	if (p->pid > 0 && p->pid <= PID_MAX)
		fprintf(f, " pid=%d", p->pid);
	if (pp && pp->pid < p->pid && has_mm(pp))	/* defined above this line */
		fprintf(f, " parent=%s", task_name(pp, anonymize, name, sizeof(name)));
	if (p->seen & OVC_LIVE_OOM && p->oom_score_adj >= -1000 && p->oom_score_adj <= 1000)
		fprintf(f, " adj=%d", p->oom_score_adj);
	if (p->seen & OVC_LIVE_STAT) {
		uint64_t start = p->start_ticks / USER_HZ;

		if (p->nice >= -20 && p->nice <= 19)
			fprintf(f, " nice=%d", p->nice);
		fprintf(f, " cputime=%llums start=%llus",
			ull((p->utime_ticks + p->stime_ticks) * (1000 / USER_HZ)),
			ull(min64(start, s->uptime_s)));
	}
	if (nearest_limited(s, p->memcg) >= 0)
		fprintf(f, " cgroup=cg%d", nearest_limited(s, p->memcg));
	clean(comm, sizeof(comm), p->comm, word_char);
	if (!anonymize && comm[0])
		fprintf(f, " comm=%s", comm);
	fputc('\n', f);
}

static void map_touch(FILE *f, const char *task, int pid, char r, uint64_t len, const char *opt)
{
	if (len)
		fprintf(f, "mmap %s %llukB%s as r%d%c\n", task, ull(len), opt, pid, r);
}

static void touch(FILE *f, int pid, char r, uint64_t len)
{
	if (len)
		fprintf(f, "touch r%d%c len=%llukB\n", pid, r, ull(len));
}

static void task_memory(FILE *f, const struct ovc_live_proc *p, const struct sums *t, int anonymize)
{
	struct plan pl;
	char name[80];

	plan_task(p, t, &pl);
	if (!pl.fc && !pl.dc && !pl.nr)
		return;
	task_name(p, anonymize, name, sizeof(name));
	fprintf(f, "# %s: committed %llu kB, fork charge %llu kB, RssAnon %llu kB\n", name,
		ull(p->committed), ull(p->fork_charge), ull(p->rss_anon));
	map_touch(f, name, p->pid, 'a', pl.fc, "");
	map_touch(f, name, p->pid, 'd', pl.dc, "");
	if (pl.dc)
		fprintf(f, "madvise r%dd dontfork\n", p->pid);
	map_touch(f, name, p->pid, 'n', pl.nr, " noreserve");
	touch(f, p->pid, 'a', pl.ta);
	touch(f, p->pid, 'd', pl.td);
	touch(f, p->pid, 'n', pl.tn);
}

static void footer(FILE *f, const struct ovc_live_snap *s)
{
	if (policy_of(s) != 1)
		fprintf(f, "sysctl vm.overcommit_memory=%lld\n", (long long)policy_of(s));
	fprintf(f, "# as read: Committed_AS %llu kB, CommitLimit %llu kB, AnonPages %llu kB, MemFree %llu kB\n"
		"# what-if lines go below, e.g.: fork NAME / mmap NAME 1G / rank\n",
		ull(s->mi.committed_as), ull(s->mi.commit_limit), ull(s->mi.anon_pages),
		ull(s->mi.mem_free));
}

int ovc_render_snapshot(FILE *f, const struct ovc_live_snap *s, int anonymize)
{
	struct sums t;

	sum_up(s, &t);
	header(f, s, &t);
	machine_line(f, s, &t);
	state_line(f, s, &t);
	sysctl_lines(f, s);
	if (memcg_lines(f, s, &t, anonymize))
		return -OVC_E_NOMEM;
	for (size_t i = 0; i < s->nprocs; i++)
		if (has_mm(&s->procs[i]))
			task_line(f, s, &s->procs[i], anonymize);
	for (size_t i = 0; i < s->nprocs; i++)
		if (has_mm(&s->procs[i]))
			task_memory(f, &s->procs[i], &t, anonymize);
	footer(f, s);
	return ferror(f) ? -OVC_E_IO : 0;
}
