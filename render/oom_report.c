/* oom_report.c - one OOM killer invocation as the modelled kernel's dmesg report.
 *
 * Mirrors what mm/oom_kill.c dump_header(), dump_tasks(), oom_kill_process()
 * and __oom_kill_process(), mm/page_alloc.c show_free_areas(),
 * lib/show_mem.c and mm/memcontrol.c mem_cgroup_print_oom_info() print
 * (read in 2.6.32 zybsyzlz, RHEL6 functor, 3.10.9 AndreiLux, 4.19
 * 0x88888888, 5.4 kernel-msm5.4, 5.10.228 and 6.1 android14-6.1; real logs
 * in kernel-spec §9). The era comes from the profile's report row, whose
 * format indexes format_table below; changes inside a row (symbolic gfp
 * flags 4.6, nodemask 4.10, shmem-rss 4.5, the dump_stack line 3.10 and
 * 6.11, the Mem-Info fields) are keyed on the kernel version.
 *
 * Stand-ins, because the model does not have the thing the kernel prints:
 *  - dump_stack: its first line is exact (CPU 0 unless the trigger's row
 *    says otherwise, "Not tainted", the release, "#1"); the call trace is
 *    one line " [call trace omitted ...]" inside the "Call Trace:" block,
 *    so parsers that take the indented lines after it still work;
 *  - Mem-Info: one node with one zone, "Normal", holding all memory. The
 *    model's figures fill it (free, anon, page cache, shmem, slab, swap,
 *    hugepages, page tables from the task rows); what it does not model
 *    prints 0: the watermarks (not in the event), the active/inactive
 *    split (anon and shmem are shown active, page cache inactive),
 *    dirty, writeback, mapped, kernel stacks, per-CPU lists, CMA. The
 *    buddy line puts every free page at order 0 (there is no buddy
 *    allocator), marked movable;
 *  - cpusets are not modelled: "cpuset=/", "mems_allowed=0";
 *  - the memcg stats are the counters the model keeps, others 0;
 *  - configuration-dependent lines follow a typical x86-64 distribution
 *    kernel: NUMA, THP and memory-failure on, CMA off, 4 zones before 5.0
 *    and 5 after (ZONE_DEVICE) in lowmem_reserve[], cgroup v1 before 5.0
 *    and v2 after in the memcg block.
 * The oom_reaper's later line is not printed: the model has the victim
 * exit at once, and the reaper's "now" figures depend on which file pages
 * were shared, which it does not track.
 *
 * Units: the event's (pages; kB where named). The report prints pages in
 * the task table and the Mem-Info counters, kB elsewhere, as the kernel.
 */
#include <stdarg.h>
#include <string.h>

#include "ovc/memcg.h"
#include "render/render.h"

#define U(x) ((unsigned long long)(x))

/* ------------------------------------------------------------------
 * The templates, one per row of lib/profile.c report_table
 */

enum { INV_OOM_ADJ, INV_BOTH, INV_SCORE_ADJ };		/* "invoked" line fields */
enum { TBL_2632, TBL_BOTH, TBL_PTES, TBL_PMDS, TBL_PGTABLES, TBL_WIDE, TBL_RSS_SPLIT };
enum { SCORE_NONE, SCORE_CHILD, SCORE_SACRIFICE };	/* the "score" line */
enum { KILLED_PLAIN, KILLED_RHEL6, KILLED_VM, KILLED_SHMEM, KILLED_PREFIX, KILLED_UID };

struct report_format {
	const char *name;	/* the report_table row */
	uint8_t invoked, cpuset_line, table, score, killed, summary;
};

static const struct report_format format_table[] = {
	{ "2.6.32", INV_OOM_ADJ, 1, TBL_2632, SCORE_CHILD, KILLED_PLAIN, 0 },
	{ "2.6.36", INV_BOTH, 1, TBL_BOTH, SCORE_SACRIFICE, KILLED_VM, 0 },
	{ "3.7", INV_SCORE_ADJ, 1, TBL_PTES, SCORE_SACRIFICE, KILLED_VM, 0 },
	{ "4.0", INV_SCORE_ADJ, 1, TBL_PMDS, SCORE_SACRIFICE, KILLED_VM, 0 },
	{ "4.15", INV_SCORE_ADJ, 1, TBL_PGTABLES, SCORE_SACRIFICE, KILLED_SHMEM, 0 },
	{ "4.19", INV_SCORE_ADJ, 1, TBL_WIDE, SCORE_SACRIFICE, KILLED_SHMEM, 0 },
	{ "5.0", INV_SCORE_ADJ, 0, TBL_WIDE, SCORE_SACRIFICE, KILLED_SHMEM, 1 },
	{ "5.1", INV_SCORE_ADJ, 0, TBL_WIDE, SCORE_NONE, KILLED_PREFIX, 1 },
	{ "5.4", INV_SCORE_ADJ, 0, TBL_WIDE, SCORE_NONE, KILLED_UID, 1 },
	{ "6.8", INV_SCORE_ADJ, 0, TBL_RSS_SPLIT, SCORE_NONE, KILLED_UID, 1 },
	{ "rhel6", INV_BOTH, 1, TBL_BOTH, SCORE_SACRIFICE, KILLED_RHEL6, 0 },
};

/* One report being written. */
struct rep {
	FILE *f;
	const struct ovc_oom_event *ev;
	const struct ovc_oom_report_env *env;
	const struct report_format *fmt;
	int rhel6;
	unsigned kv;		/* OVC_KV of the kernel */
	uint64_t page_kb;	/* kB per page */
};

/* Is the modelled kernel older than a.b.c? RHEL6 counts as 2.6.32. */
static int before(const struct rep *r, unsigned a, unsigned b, unsigned c)
{
	return r->kv < OVC_KV(a, b, c);
}

/* One printk line, with the dmesg timestamp when the model has a clock. */
__attribute__((format(printf, 2, 3)))
static void line(const struct rep *r, const char *fmt, ...)
{
	va_list ap;

	if (r->ev->uptime_s)	/* the clock has whole seconds */
		fprintf(r->f, "[%5llu.%06u] ", U(r->ev->uptime_s), 0u);
	va_start(ap, fmt);
	vfprintf(r->f, fmt, ap);
	va_end(ap);
	fputc('\n', r->f);
}

/* A line built in pieces (pr_cont), written with line(). */
struct text {
	char s[2048];
	size_t n;
};

__attribute__((format(printf, 2, 3)))
static void put(struct text *t, const char *fmt, ...)
{
	va_list ap;
	int k;

	if (t->n >= sizeof(t->s) - 1)
		return;
	va_start(ap, fmt);
	k = vsnprintf(t->s + t->n, sizeof(t->s) - t->n, fmt, ap);
	va_end(ap);
	if (k > 0)
		t->n = t->n + (size_t)k < sizeof(t->s) ? t->n + (size_t)k : sizeof(t->s) - 1;
}

/* ------------------------------------------------------------------
 * Names
 */

const char *ovc_render_oom_constraint_name(enum ovc_oom_constraint c)
{
	static const char *const text[] = {	/* oom_constraint_text[] */
		[OVC_CONSTRAINT_NONE] = "CONSTRAINT_NONE",
		[OVC_CONSTRAINT_CPUSET] = "CONSTRAINT_CPUSET",
		[OVC_CONSTRAINT_MEMORY_POLICY] = "CONSTRAINT_MEMORY_POLICY",
		[OVC_CONSTRAINT_MEMCG] = "CONSTRAINT_MEMCG",
	};

	return (size_t)c < sizeof(text) / sizeof(text[0]) ? text[c] : "unknown";
}

const char *ovc_render_oom_outcome_name(enum ovc_oom_outcome o)
{
	static const char *const text[] = {
		[OVC_OOM_KILLED] = "killed", [OVC_OOM_PANIC] = "panic",
		[OVC_OOM_NO_VICTIM] = "no_victim", [OVC_OOM_ABORTED] = "aborted",
	};

	return (size_t)o < sizeof(text) / sizeof(text[0]) ? text[o] : "unknown";
}

const char *ovc_render_oom_panic_name(enum ovc_oom_panic_reason p)
{
	static const char *const text[] = {
		[OVC_OOM_PANIC_NONE] = NULL, [OVC_OOM_PANIC_COMPULSORY] = "compulsory",
		[OVC_OOM_PANIC_SYSTEM_WIDE] = "system-wide",
		[OVC_OOM_PANIC_NO_KILLABLE] = "no_killable", [OVC_OOM_PANIC_PAGEFAULT] = "pagefault",
	};

	return (size_t)p < sizeof(text) / sizeof(text[0]) ? text[p] : "unknown";
}

const char *ovc_render_oom_reason_name(enum ovc_oom_kill_reason r)
{
	static const char *const text[] = {
		[OVC_OOM_KILL_VICTIM] = "victim", [OVC_OOM_KILL_CHILD] = "child",
		[OVC_OOM_KILL_SHARER] = "sharer", [OVC_OOM_KILL_GROUP] = "group",
	};

	return (size_t)r < sizeof(text) / sizeof(text[0]) ? text[r] : "unknown";
}

static const char *message(const struct ovc_oom_event *ev)
{
	switch (ev->message) {
	case OVC_OOM_MSG_MEMCG:
		return "Memory cgroup out of memory";
	case OVC_OOM_MSG_ALLOCATING_TASK:
		return "Out of memory (oom_kill_allocating_task)";
	default:
		return "Out of memory";
	}
}

const char *ovc_render_oom_memcg_path(const struct ovc_oom_event *ev, int id,
				      const struct ovc_machine *m, char *buf, size_t n)
{
	const struct ovc_memcg *c;

	if (id == OVC_MEMCG_ROOT)
		return "/";
	if (id == ev->memcg && ev->constraint == OVC_CONSTRAINT_MEMCG)
		return ev->memcg_info.path;
	/* Cgroups are never removed, so an index names the same one later. */
	if (m && (c = ovc_memcg_get(m, id)) != NULL)
		return c->path;
	snprintf(buf, n, "memcg#%d", id);
	return buf;
}

/* ------------------------------------------------------------------
 * The tasks named in the report
 */

static const struct ovc_oom_candidate *row_of_tid(const struct ovc_oom_event *ev, int tid)
{
	for (size_t i = 0; tid >= 0 && i < ev->nrows; i++)
		if (ev->rows[i].tid == tid)
			return &ev->rows[i];
	return NULL;
}

/* The chosen process's row (rows are per process: its tgid is the pid). */
static const struct ovc_oom_candidate *chosen_row(const struct ovc_oom_event *ev)
{
	for (size_t i = 0; ev->chosen_tid >= 0 && i < ev->nrows; i++)
		if (ev->rows[i].tgid == ev->chosen_pid)
			return &ev->rows[i];
	return NULL;
}

/* current: the faulting task, or for a kernel allocation a kworker (the
 * model has no kernel threads to name). */
static const char *trigger_comm(const struct ovc_oom_event *ev)
{
	return ev->trigger_tid >= 0 ? ev->trigger_comm : "kworker/0:0";
}

static const char *cgroup_name(const struct rep *r, int id, char *buf, size_t n)
{
	return ovc_render_oom_memcg_path(r->ev, id, r->env->m, buf, n);
}

/* ------------------------------------------------------------------
 * dump_header(): the invoked line, the cpuset line, dump_stack
 */

/* The gfp_mask of the allocation that failed, as the era's bits: a page
 * fault's GFP_HIGHUSER_MOVABLE | __GFP_ZERO (do_anonymous_page), GFP_KERNEL
 * for a cgroup charge (mem_cgroup_charge), 0 from the #PF handler. Bits
 * per include/linux/gfp.h: __GFP_WAIT until 4.4 (d0164adc89f6 split it into
 * DIRECT/KSWAPD_RECLAIM), KSWAPD moved in 4.10 and 4.18, the flags
 * renumbered in 5.1 (OOMAnalyser's per-version tables). */
struct gfp_era {
	unsigned first;
	unsigned highuser_movable, zero, comp, kernel;
};

static const struct gfp_era gfp_table[] = {
	{ OVC_KV(2, 6, 32), 0x200da, 0x8000, 0x4000, 0xd0 },
	{ OVC_KV(4, 4, 0), 0x24200ca, 0x8000, 0x4000, 0x24000c0 },
	{ OVC_KV(4, 10, 0), 0x14200ca, 0x8000, 0x4000, 0x14000c0 },
	{ OVC_KV(4, 18, 0), 0x6200ca, 0x8000, 0x4000, 0x6000c0 },
	{ OVC_KV(5, 1, 0), 0x100cca, 0x100, 0x40000, 0xcc0 },
};

static unsigned gfp_mask(const struct rep *r, const char **names)
{
	const struct gfp_era *g = &gfp_table[0];
	/* vma_alloc_folio() adds __GFP_COMP to order-0 anonymous faults:
	 * the real 6.1 log shows it (6.0 assumed). */
	int comp = !before(r, 6, 0, 0);

	for (size_t i = 0; i < sizeof(gfp_table) / sizeof(gfp_table[0]); i++)
		if (gfp_table[i].first <= r->kv)
			g = &gfp_table[i];
	if (r->ev->gfp == OVC_GFP_NONE) {
		*names = "";
		return 0;
	}
	if (r->ev->constraint == OVC_CONSTRAINT_MEMCG) {
		*names = "GFP_KERNEL";
		return g->kernel;
	}
	*names = comp ? "GFP_HIGHUSER_MOVABLE|__GFP_COMP|__GFP_ZERO" : "GFP_HIGHUSER_MOVABLE|__GFP_ZERO";
	return g->highuser_movable | g->zero | (comp ? g->comp : 0);
}

/* "<comm> invoked oom-killer: gfp_mask=..., [nodemask=(null),] order=N, <adj>" */
static void invoked_line(const struct rep *r)
{
	const struct ovc_oom_event *ev = r->ev;
	const char *names;
	unsigned mask = gfp_mask(r, &names);
	struct text t = { .n = 0 };

	put(&t, "%.16s invoked oom-killer: gfp_mask=0x%x", trigger_comm(ev), mask);
	if (!before(r, 4, 6, 0))		/* %pGg: symbolic flags */
		put(&t, "(%s)", names);
	if (!before(r, 4, 10, 0) && before(r, 5, 0, 0))	/* "nodemask=%*pbl,  order" to 4.14 */
		put(&t, ", nodemask=(null),%s order=%d", before(r, 4, 15, 0) ? " " : "", ev->order);
	else
		put(&t, ", order=%d", ev->order);
	if (r->fmt->invoked != INV_SCORE_ADJ)
		put(&t, ", oom_adj=%d", ev->trigger_oom_adj);
	if (r->fmt->invoked != INV_OOM_ADJ)
		put(&t, ", oom_score_adj=%d", ev->trigger_oom_score_adj);
	line(r, "%s", t.s);
}

/* The kernel's uname -r: "4.19.0", "2.6.32", RHEL6's own. */
static const char *release(const struct rep *r, char *buf, size_t n)
{
	if (r->env->release)
		return r->env->release;
	if (r->rhel6)
		return "2.6.32-642.6.2.el6.x86_64";
	snprintf(buf, n, "%u.%u.%u", r->kv >> 16, (r->kv >> 8) & 0xff, r->kv & 0xff);
	return buf;
}

/* dump_stack(): x86 "Pid:" line before 3.10, dump_stack_print_info()
 * after (UID: from 6.11, d2917ff); <TASK> markers from 5.16. */
static void dump_stack(const struct rep *r)
{
	const struct ovc_oom_event *ev = r->ev;
	const struct ovc_oom_candidate *c = row_of_tid(ev, ev->trigger_tid);
	const char *comm = trigger_comm(ev);
	char buf[32];
	const char *rel = release(r, buf, sizeof(buf));
	int pid = ev->trigger_tid >= 0 ? ev->trigger_pid : 0;

	if (before(r, 3, 10, 0))
		line(r, "Pid: %d, comm: %.16s Not tainted %s #1", pid, comm, rel);
	else if (before(r, 6, 11, 0))
		line(r, "CPU: %u PID: %d Comm: %.16s Not tainted %s #1", c ? c->cpu : 0, pid, comm, rel);
	else
		line(r, "CPU: %u UID: %u PID: %d Comm: %.16s Not tainted %s #1", c ? c->cpu : 0,
		     c ? c->uid : 0, pid, comm, rel);
	line(r, "Call Trace:");
	if (!before(r, 5, 16, 0))
		line(r, " <TASK>");
	line(r, " [call trace omitted: ovc does not model kernel stacks]");
	if (!before(r, 5, 16, 0))
		line(r, " </TASK>");
}

/* ------------------------------------------------------------------
 * show_mem(): the Mem-Info block
 */

/* The model's figures for it, in pages (kB where named). */
struct mem {
	uint64_t anon, file, free, shmem, slab_r, slab_u, pagetables, pagecache, swapcache;
	uint64_t free_kb, total_kb, anon_kb, file_kb, shmem_kb, slab_r_kb, slab_u_kb, pt_kb;
};

static void mem_figures(const struct rep *r, struct mem *m)
{
	const struct ovc_meminfo *mi = &r->ev->meminfo;
	uint64_t pk = r->page_kb, file_kb = mi->cached + mi->buffers, pt = 0;

	/* Shmem is in Cached but sits on the anon LRU (swap-backed). */
	file_kb = file_kb > mi->shmem ? file_kb - mi->shmem : 0;
	/* NR_PAGETABLE: the processes' page tables, when the rows are all
	 * of them (a global OOM). */
	for (size_t i = 0; r->ev->constraint != OVC_CONSTRAINT_MEMCG && i < r->ev->nrows; i++)
		pt += r->ev->rows[i].pgtables_bytes;
	*m = (struct mem){
		.anon_kb = mi->anon_pages + mi->shmem, .file_kb = file_kb, .free_kb = mi->mem_free,
		.total_kb = mi->mem_total, .shmem_kb = mi->shmem, .slab_r_kb = mi->slab_reclaimable,
		.slab_u_kb = mi->slab_unreclaimable, .pt_kb = pt >> 10,
	};
	m->anon = m->anon_kb / pk;
	m->file = file_kb / pk;
	m->free = mi->mem_free / pk;
	m->shmem = mi->shmem / pk;
	m->slab_r = mi->slab_reclaimable / pk;
	m->slab_u = mi->slab_unreclaimable / pk;
	m->pagetables = m->pt_kb / pk;
	m->pagecache = (mi->cached + mi->buffers + mi->swap_cached) / pk;	/* NR_FILE_PAGES */
	m->swapcache = mi->swap_cached / pk;
}

/* The global counters (show_free_areas' first printk, pages). */
static void mem_counters(const struct rep *r, const struct mem *m)
{
	line(r, "active_anon:%llu inactive_anon:0 isolated_anon:0", U(m->anon));
	line(r, " active_file:0 inactive_file:%llu isolated_file:0", U(m->file));
	line(r, " unevictable:0 dirty:0 writeback:0%s", before(r, 5, 8, 0) ? " unstable:0" : "");
	if (before(r, 4, 0, 0)) {	/* per-CPU lists hidden and free moved: 4.0 */
		line(r, " free:%llu slab_reclaimable:%llu slab_unreclaimable:%llu", U(m->free),
		     U(m->slab_r), U(m->slab_u));
		line(r, " mapped:0 shmem:%llu pagetables:%llu bounce:0", U(m->shmem), U(m->pagetables));
		if (!before(r, 3, 7, 0))
			line(r, " free_cma:0");
		return;
	}
	line(r, " slab_reclaimable:%llu slab_unreclaimable:%llu", U(m->slab_r), U(m->slab_u));
	if (before(r, 6, 0, 0)) {
		line(r, " mapped:0 shmem:%llu pagetables:%llu bounce:0", U(m->shmem), U(m->pagetables));
	} else {
		line(r, " mapped:0 shmem:%llu pagetables:%llu", U(m->shmem), U(m->pagetables));
		line(r, " sec_pagetables:0 bounce:0");
	}
	if (!before(r, 5, 16, 0))
		line(r, " kernel_misc_reclaimable:0");
	line(r, " free:%llu free_pcp:0 free_cma:0", U(m->free));
}

/* The node line (4.8+: node-based LRUs). */
static void mem_node(const struct rep *r, const struct mem *m)
{
	struct text t = { .n = 0 };

	put(&t, "Node 0 active_anon:%llukB inactive_anon:0kB active_file:0kB inactive_file:%llukB"
	    " unevictable:0kB isolated(anon):0kB isolated(file):0kB mapped:0kB dirty:0kB"
	    " writeback:0kB shmem:%llukB shmem_thp: 0kB shmem_pmdmapped: 0kB anon_thp: 0kB"
	    " writeback_tmp:0kB", U(m->anon_kb), U(m->file_kb), U(m->shmem_kb));
	if (before(r, 5, 8, 0))
		put(&t, " unstable:0kB");
	if (!before(r, 5, 9, 0))	/* kernel stacks per node */
		put(&t, " kernel_stack:0kB");
	if (!before(r, 5, 11, 0))	/* page tables per node */
		put(&t, " pagetables:%llukB", U(m->pt_kb));
	if (!before(r, 6, 0, 0))
		put(&t, " sec_pagetables:0kB");
	put(&t, " all_unreclaimable? no");
	line(r, "%s", t.s);
}

/* The zone line up to 4.7 (zone-based LRUs). */
static void zone_old(const struct rep *r, const struct mem *m, struct text *t)
{
	put(t, " active_anon:%llukB inactive_anon:0kB active_file:0kB inactive_file:%llukB"
	    " unevictable:0kB isolated(anon):0kB isolated(file):0kB present:%llukB",
	    U(m->anon_kb), U(m->file_kb), U(m->total_kb));
	if (!before(r, 3, 8, 0))
		put(t, " managed:%llukB", U(m->total_kb));
	put(t, " mlocked:0kB dirty:0kB writeback:0kB mapped:0kB shmem:%llukB"
	    " slab_reclaimable:%llukB slab_unreclaimable:%llukB kernel_stack:0kB"
	    " pagetables:%llukB unstable:0kB bounce:0kB", U(m->shmem_kb), U(m->slab_r_kb),
	    U(m->slab_u_kb), U(m->pt_kb));
	if (!before(r, 4, 0, 0))
		put(t, " free_pcp:0kB local_pcp:0kB");
	if (!before(r, 3, 7, 0))
		put(t, " free_cma:0kB");
	put(t, " writeback_tmp:0kB pages_scanned:0 all_unreclaimable? no");
}

/* The zone line from 4.8. */
static void zone_new(const struct rep *r, const struct mem *m, struct text *t)
{
	if (!before(r, 5, 9, 0))	/* the kernel's "KB" */
		put(t, " reserved_highatomic:0KB");
	put(t, " active_anon:%llukB inactive_anon:0kB active_file:0kB inactive_file:%llukB"
	    " unevictable:0kB writepending:0kB present:%llukB managed:%llukB mlocked:0kB",
	    U(m->anon_kb), U(m->file_kb), U(m->total_kb), U(m->total_kb));
	if (before(r, 5, 9, 0))
		put(t, " kernel_stack:0kB");
	if (before(r, 5, 11, 0))
		put(t, " pagetables:%llukB", U(m->pt_kb));
	put(t, " bounce:0kB free_pcp:0kB local_pcp:0kB free_cma:0kB");
}

/* The zone: its line, lowmem_reserve[] and the buddy lists. */
static void mem_zone(const struct rep *r, const struct mem *m)
{
	struct text t = { .n = 0 };
	uint64_t pk = r->page_kb;

	put(&t, "Node 0 Normal free:%llukB", U(m->free_kb));
	if (!before(r, 5, 16, 0))
		put(&t, " boost:0kB");
	put(&t, " min:0kB low:0kB high:0kB");
	if (before(r, 4, 8, 0))
		zone_old(r, m, &t);
	else
		zone_new(r, m, &t);
	line(r, "%s", t.s);
	line(r, "lowmem_reserve[]: 0 0 0 0%s", before(r, 5, 0, 0) ? "" : " 0");
	t.n = 0;
	put(&t, "Node 0 Normal: ");
	for (unsigned o = 0; o < 11; o++) {	/* MAX_ORDER orders, 4 kB to 4 MB */
		uint64_t nr = o ? 0 : m->free;

		put(&t, "%llu*%llukB ", U(nr), U(pk << o));
		if (nr && !before(r, 3, 0, 0))	/* show_migration_types() */
			put(&t, "(M) ");
	}
	put(&t, "= %llukB", U(m->free * pk));
	line(r, "%s", t.s);
}

/* show_swap_cache_info() and the end of show_mem(). */
static void mem_tail(const struct rep *r, const struct mem *m)
{
	const struct ovc_meminfo *mi = &r->ev->meminfo;

	line(r, "%llu total pagecache pages", U(m->pagecache));
	line(r, "%llu pages in swap cache", U(m->swapcache));
	if (before(r, 6, 0, 0))
		line(r, "Swap cache stats: add 0, delete 0, find 0/0");
	line(r, "Free swap  = %llukB", U(mi->swap_free));
	line(r, "Total swap = %llukB", U(mi->swap_total));
	line(r, "%llu pages RAM", U(mi->mem_total / r->page_kb));
	if (before(r, 3, 13, 0)) {	/* Mel Gorman's show_mem() rewrite, 3.13 */
		line(r, "0 pages reserved");
		line(r, "0 pages shared");
		line(r, "0 pages non-shared");
		return;
	}
	line(r, "0 pages HighMem/MovableOnly");
	line(r, "0 pages reserved");
	if (!before(r, 3, 14, 0))	/* CONFIG_MEMORY_FAILURE */
		line(r, "0 pages hwpoisoned");
}

static void show_mem(const struct rep *r)
{
	const struct ovc_meminfo *mi = &r->ev->meminfo;
	struct mem m;

	mem_figures(r, &m);
	line(r, "Mem-Info:");
	if (before(r, 4, 0, 0)) {
		line(r, "Node 0 Normal per-cpu:");
		line(r, "CPU %4d: hi:%5d, btch:%4d usd:%4d", 0, 0, 0, 0);
	}
	mem_counters(r, &m);
	if (!before(r, 4, 8, 0))
		mem_node(r, &m);
	mem_zone(r, &m);
	if (!before(r, 3, 10, 0))	/* hugetlb_show_meminfo(), default size */
		line(r, "Node 0 hugepages_total=%llu hugepages_free=%llu hugepages_surp=%llu"
		     " hugepages_size=%llukB", U(mi->hugepages_total), U(mi->hugepages_free),
		     U(mi->hugepages_surp), U(mi->hugepagesize));
	mem_tail(r, &m);
}

/* ------------------------------------------------------------------
 * mem_cgroup_print_oom_info() / _meminfo(): the memcg block
 */

/* An unlimited counter as the kernel prints it: RESOURCE_MAX >> 10 for
 * res_counter (to 3.18), PAGE_COUNTER_MAX pages in kB after. */
static uint64_t limit_kb(const struct rep *r, uint64_t kb)
{
	if (kb != OVC_UNLIMITED)
		return kb;
	if (before(r, 3, 19, 0))
		return (uint64_t)INT64_MAX >> 10;
	return (uint64_t)INT64_MAX / (r->page_kb * 1024) * r->page_kb;
}

/* "Task in <victim's> killed as a result of limit of <OOMing>" (to 4.20). */
static void memcg_task_in(const struct rep *r, int victim)
{
	const struct ovc_oom_event *ev = r->ev;
	const struct ovc_oom_candidate *c = chosen_row(ev);
	char a[32], b[32];
	int id;

	if (!victim) {
		if (!before(r, 4, 6, 0))
			line(r, "Memory limit reached of cgroup %s", cgroup_name(r, ev->memcg, b, sizeof(b)));
		return;
	}
	/* 2.6.32 names current's cgroup; later kernels the chosen task's. */
	id = r->fmt->invoked == INV_OOM_ADJ ? ev->trigger_memcg : c ? c->memcg : ev->victim_memcg;
	line(r, "Task in %s killed as a result of limit of %s", cgroup_name(r, id, a, sizeof(a)),
	     cgroup_name(r, ev->memcg, b, sizeof(b)));
}

/* The cgroup's charged page cache, when the machine is at hand. */
static uint64_t memcg_cache_kb(const struct rep *r)
{
	const struct ovc_memcg *c = r->env->m ? ovc_memcg_get(r->env->m, r->ev->memcg) : NULL;

	return c ? c->cache * r->page_kb : 0;
}

/* cgroup v1 counters: memory, memory+swap, kmem (3.8+), and the stats. */
static void memcg_v1(const struct rep *r, int victim)
{
	const struct ovc_oom_memcg_info *i = &r->ev->memcg_info;
	uint64_t memsw = i->limit_kb == OVC_UNLIMITED || i->swap_limit_kb == OVC_UNLIMITED ?
			 OVC_UNLIMITED : i->limit_kb + i->swap_limit_kb;
	uint64_t cache = memcg_cache_kb(r), rss = i->usage_kb > cache ? i->usage_kb - cache : 0;
	char b[32];

	memcg_task_in(r, victim);
	line(r, "memory: usage %llukB, limit %llukB, failcnt %llu", U(i->usage_kb),
	     U(limit_kb(r, i->limit_kb)), U(i->failcnt));
	line(r, "memory+swap: usage %llukB, limit %llukB, failcnt 0",
	     U(i->usage_kb + i->swap_usage_kb), U(limit_kb(r, memsw)));
	if (before(r, 3, 8, 0) || r->rhel6)
		return;
	line(r, "kmem: usage 0kB, limit %llukB, failcnt 0", U(limit_kb(r, OVC_UNLIMITED)));
	/* Only the OOMing cgroup's line: the model's event has no subtree. */
	line(r, "Memory cgroup stats for %s: cache:%lluKB rss:%lluKB rss_huge:0KB%s"
	     " mapped_file:0KB%s swap:%lluKB inactive_anon:0KB active_anon:%lluKB"
	     " inactive_file:%lluKB active_file:0KB unevictable:0KB",
	     cgroup_name(r, r->ev->memcg, b, sizeof(b)), U(cache), U(rss),
	     before(r, 4, 0, 0) ? "" : " shmem:0KB", before(r, 4, 0, 0) ? "" : " dirty:0KB writeback:0KB",
	     U(i->swap_usage_kb), U(rss), U(cache));
}

/* cgroup v2 (5.0+, mem_cgroup_print_oom_meminfo): memory, swap, then
 * memory.stat; the model's counters only, in bytes. */
static void memcg_v2(const struct rep *r)
{
	const struct ovc_oom_memcg_info *i = &r->ev->memcg_info;
	uint64_t cache = memcg_cache_kb(r), anon = i->usage_kb > cache ? i->usage_kb - cache : 0;
	char b[32];

	line(r, "memory: usage %llukB, limit %llukB, failcnt %llu", U(i->usage_kb),
	     U(limit_kb(r, i->limit_kb)), U(i->failcnt));
	line(r, "swap: usage %llukB, limit %llukB, failcnt 0", U(i->swap_usage_kb),
	     U(limit_kb(r, i->swap_limit_kb)));
	line(r, "Memory cgroup stats for %s:", cgroup_name(r, r->ev->memcg, b, sizeof(b)));
	line(r, "anon %llu", U(anon * 1024));
	line(r, "file %llu", U(cache * 1024));
	line(r, "kernel_stack 0");
	line(r, "pagetables 0");
	line(r, "shmem 0");
	line(r, "file_mapped 0");
	line(r, "file_dirty 0");
	line(r, "file_writeback 0");
	line(r, "inactive_anon 0");
	line(r, "active_anon %llu", U(anon * 1024));
	line(r, "inactive_file %llu", U(cache * 1024));
	line(r, "active_file 0");
	line(r, "unevictable 0");
}

/* ------------------------------------------------------------------
 * dump_tasks()
 */

static void table_header(const struct rep *r)
{
	static const char *const header[] = {
		[TBL_2632] = "[ pid ]   uid  tgid total_vm      rss cpu oom_adj name",
		[TBL_BOTH] = "[ pid ]   uid  tgid total_vm      rss cpu oom_adj oom_score_adj name",
		[TBL_PTES] = "[ pid ]   uid  tgid total_vm      rss nr_ptes swapents oom_score_adj name",
		[TBL_PMDS] = "[ pid ]   uid  tgid total_vm      rss nr_ptes nr_pmds swapents oom_score_adj name",
		[TBL_PGTABLES] = "[ pid ]   uid  tgid total_vm      rss pgtables_bytes swapents oom_score_adj name",
		[TBL_WIDE] = "[  pid  ]   uid  tgid total_vm      rss pgtables_bytes swapents oom_score_adj name",
		[TBL_RSS_SPLIT] = ("[  pid  ]   uid  tgid total_vm      rss rss_anon rss_file"
				   " rss_shmem pgtables_bytes swapents oom_score_adj name"),
	};

	if (r->fmt->table >= TBL_WIDE)	/* c3b78b11efbb */
		line(r, "Tasks state (memory values in pages):");
	line(r, "%s", header[r->fmt->table]);
}

/* One row; nr_pmds is 0: the model counts only PTE pages. */
static void table_row(const struct rep *r, const struct ovc_oom_candidate *c)
{
	switch (r->fmt->table) {
	case TBL_2632:
		line(r, "[%5d] %5u %5d %8llu %8llu %3u     %3d %.16s", c->pid, c->uid, c->tgid,
		     U(c->total_vm), U(c->rss), c->cpu, c->oom_adj, c->comm);
		break;
	case TBL_BOTH:
		line(r, "[%5d] %5u %5d %8llu %8llu %3u     %3d         %5d %.16s", c->pid, c->uid,
		     c->tgid, U(c->total_vm), U(c->rss), c->cpu, c->oom_adj, c->oom_score_adj, c->comm);
		break;
	case TBL_PTES:
		line(r, "[%5d] %5u %5d %8llu %8llu %7llu %8llu         %5d %.16s", c->pid, c->uid,
		     c->tgid, U(c->total_vm), U(c->rss), U(c->nr_ptes), U(c->swapents),
		     c->oom_score_adj, c->comm);
		break;
	case TBL_PMDS:
		line(r, "[%5d] %5u %5d %8llu %8llu %7llu %7d %8llu         %5d %.16s", c->pid, c->uid,
		     c->tgid, U(c->total_vm), U(c->rss), U(c->nr_ptes), 0, U(c->swapents),
		     c->oom_score_adj, c->comm);
		break;
	case TBL_PGTABLES:
	case TBL_WIDE:
		line(r, r->fmt->table == TBL_WIDE ? "[%7d] %5u %5d %8llu %8llu %8llu %8llu         %5d %.16s"
		     : "[%5d] %5u %5d %8llu %8llu %8llu %8llu         %5d %.16s", c->pid, c->uid,
		     c->tgid, U(c->total_vm), U(c->rss), U(c->pgtables_bytes), U(c->swapents),
		     c->oom_score_adj, c->comm);
		break;
	default:
		line(r, "[%7d] %5u %5d %8llu %8llu %8llu %8llu %9llu %8llu %8llu         %5d %.16s",
		     c->pid, c->uid, c->tgid, U(c->total_vm), U(c->rss), U(c->rss_anon),
		     U(c->rss_file), U(c->rss_shmem), U(c->pgtables_bytes), U(c->swapents),
		     c->oom_score_adj, c->comm);
	}
}

static void dump_tasks(const struct rep *r)
{
	table_header(r);
	for (size_t i = 0; i < r->ev->nrows; i++)
		table_row(r, &r->ev->rows[i]);
}

/* dump_oom_summary() (5.0+): one line of context for the chosen task. */
static void summary_line(const struct rep *r)
{
	const struct ovc_oom_event *ev = r->ev;
	const struct ovc_oom_candidate *c = chosen_row(ev);
	int memcg = ev->constraint == OVC_CONSTRAINT_MEMCG;
	char a[32], b[32];

	line(r, "oom-kill:constraint=%s,nodemask=(null),cpuset=/,mems_allowed=0%s%s,task_memcg=%s,"
	     "task=%.16s,pid=%d,uid=%u", ovc_render_oom_constraint_name(ev->constraint),
	     memcg ? ",oom_memcg=" : ",global_oom", memcg ? cgroup_name(r, ev->memcg, a, sizeof(a)) : "",
	     cgroup_name(r, c ? c->memcg : ev->victim_memcg, b, sizeof(b)), ev->chosen_comm,
	     ev->chosen_pid, c ? c->uid : 0);
}

/* dump_header(): victim says whether a task was chosen (p != NULL). */
static void dump_header(const struct rep *r, int victim)
{
	const struct ovc_oom_event *ev = r->ev;
	/* Up to 4.5 a panic's header is the global one (memcg NULL). */
	int memcg = ev->constraint == OVC_CONSTRAINT_MEMCG &&
		    (ev->outcome != OVC_OOM_PANIC || !before(r, 4, 6, 0));

	invoked_line(r);
	if (r->fmt->cpuset_line)
		line(r, "%.16s cpuset=/ mems_allowed=0", trigger_comm(ev));
	dump_stack(r);
	if (memcg && r->fmt->summary)
		memcg_v2(r);
	else if (memcg)
		memcg_v1(r, victim);
	/* 3.8 stopped printing Mem-Info for a cgroup's OOM. */
	if (!memcg || before(r, 3, 8, 0) || r->rhel6)
		show_mem(r);
	if (ev->dump_tasks)
		dump_tasks(r);
	if (victim && r->fmt->summary)
		summary_line(r);
}

/* ------------------------------------------------------------------
 * oom_kill_process(): the score line and the kills
 */

static void score_line(const struct rep *r)
{
	const struct ovc_oom_event *ev = r->ev;

	if (r->fmt->score == SCORE_CHILD)	/* %li of an unsigned long: ULONG_MAX is -1 */
		line(r, "%s: kill process %d (%.16s) score %lld or a child", message(ev),
		     ev->chosen_pid, ev->chosen_comm,
		     ev->score == INT64_MAX ? -1ll : (long long)ev->score);
	else if (r->fmt->score == SCORE_SACRIFICE)
		line(r, "%s: Kill process %d (%.16s) score %lld or sacrifice child", message(ev),
		     ev->chosen_pid, ev->chosen_comm, (long long)ev->score);
}

/* "Killed process ..." in the era's layout. Before 4.5 there is no shmem
 * counter: shmem pages are file pages (MM_FILEPAGES). */
static void killed_line(const struct rep *r, const struct ovc_oom_kill *k)
{
	int style = r->fmt->killed;
	uint64_t file = k->file_rss_kb;

	if (style == KILLED_VM && !before(r, 4, 5, 0))
		style = KILLED_SHMEM;	/* eca56ff906bd */
	if (style == KILLED_VM && before(r, 2, 6, 38) && r->fmt->invoked == INV_BOTH)
		style = KILLED_PLAIN;	/* total-vm from ~2.6.38 */
	if (style == KILLED_VM || style == KILLED_RHEL6)
		file += k->shmem_rss_kb;
	switch (style) {
	case KILLED_PLAIN:
		line(r, "Killed process %d (%.16s)", k->pid, k->comm);
		break;
	case KILLED_RHEL6:
		line(r, "Killed process %d, UID %u, (%.16s) total-vm:%llukB, anon-rss:%llukB, file-rss:%llukB",
		     k->pid, k->uid, k->comm, U(k->total_vm_kb), U(k->anon_rss_kb), U(file));
		break;
	case KILLED_VM:
		line(r, "Killed process %d (%.16s) total-vm:%llukB, anon-rss:%llukB, file-rss:%llukB",
		     k->pid, k->comm, U(k->total_vm_kb), U(k->anon_rss_kb), U(file));
		break;
	case KILLED_SHMEM:
	case KILLED_PREFIX:
		line(r, "%s%sKilled process %d (%.16s) total-vm:%llukB, anon-rss:%llukB, file-rss:%llukB,"
		     " shmem-rss:%llukB", style == KILLED_PREFIX ? message(r->ev) : "",
		     style == KILLED_PREFIX ? ": " : "", k->pid, k->comm, U(k->total_vm_kb),
		     U(k->anon_rss_kb), U(file), U(k->shmem_rss_kb));
		break;
	default:
		line(r, "%s: Killed process %d (%.16s) total-vm:%llukB, anon-rss:%llukB, file-rss:%llukB,"
		     " shmem-rss:%llukB, UID:%u pgtables:%llukB oom_score_adj:%d", message(r->ev),
		     k->pid, k->comm, U(k->total_vm_kb), U(k->anon_rss_kb), U(file),
		     U(k->shmem_rss_kb), k->uid, U(k->pgtables_kb), k->oom_score_adj);
	}
}

/* "oom killer %d (%s) has mm pinned by %d (%s)" (4.8+): init shares the
 * victim's mm. The model sets it only for pid 1. */
static void pinned_line(const struct rep *r, const struct ovc_oom_kill *k)
{
	const struct ovc_machine *m = r->env->m;
	int t = r->ev->mm_pinned_by;
	const char *comm = m && (size_t)t < m->ntasks ? m->tasks[t].comm : "init";

	line(r, "oom killer %d (%.16s) has mm pinned by %d (%.16s)", k->pid, k->comm,
	     m && (size_t)t < m->ntasks ? m->tasks[t].pid : 1, comm);
}

static void kill_lines(const struct rep *r)
{
	const struct ovc_oom_event *ev = r->ev;
	/* "sharing same memory" lines: 2.6.36 (RHEL6 too) to 4.7; 2.6.32 spares
	 * sharers, 4.8 kills them silently. */
	int sharing = r->fmt->invoked != INV_OOM_ADJ && before(r, 4, 8, 0);
	int group = 0;
	char b[32];

	for (size_t i = 0; i < ev->nkills; i++) {
		const struct ovc_oom_kill *k = &ev->kills[i];

		if (k->reason == OVC_OOM_KILL_SHARER) {
			if (sharing)
				line(r, "Kill process %d (%.16s) sharing same memory", k->pid, k->comm);
			continue;
		}
		if (k->reason == OVC_OOM_KILL_GROUP && !group++)
			line(r, "Tasks in %s are going to be killed due to memory.oom.group set",
			     cgroup_name(r, ev->oom_group, b, sizeof(b)));
		killed_line(r, k);
		if (i == 0 && ev->mm_pinned_by >= 0)
			pinned_line(r, k);
	}
}

/* ------------------------------------------------------------------
 * The whole report
 */

static void panic_line(const struct rep *r, const char *why)
{
	line(r, "Kernel panic - not syncing: %s", why);
}

/* panic_on_oom, nothing to kill, 2.6.32's page-fault panic. 2.6.32
 * panics before any report; later kernels print the header first. */
static void panic_report(const struct rep *r)
{
	const struct ovc_oom_event *ev = r->ev;
	int legacy = r->fmt->invoked == INV_OOM_ADJ;

	switch (ev->panic) {
	case OVC_OOM_PANIC_PAGEFAULT:
		panic_line(r, "out of memory from page fault. panic_on_oom is selected.");
		return;
	case OVC_OOM_PANIC_NO_KILLABLE:
		if (!legacy)
			dump_header(r, 0);
		if (before(r, 4, 6, 0)) {
			panic_line(r, "Out of memory and no killable processes...");
			return;
		}
		line(r, "Out of memory and no killable processes...");
		panic_line(r, "System is deadlocked on memory");
		return;
	default:
		break;
	}
	if (legacy) {
		panic_line(r, ev->panic == OVC_OOM_PANIC_COMPULSORY ?
			   "out of memory. Compulsory panic_on_oom is selected." :
			   "out of memory. panic_on_oom is selected");
		return;
	}
	dump_header(r, 0);
	panic_line(r, ev->panic == OVC_OOM_PANIC_COMPULSORY ?
		   "Out of memory: compulsory panic_on_oom is enabled" :
		   "Out of memory: system-wide panic_on_oom is enabled");
}

static void kill_report(const struct rep *r)
{
	const struct ovc_oom_event *ev = r->ev;

	if (ev->chosen_tid < 0) {
		/* No candidate in a cgroup: silent until 4.5, then a header
		 * and a warning (4.19 out_of_memory()). */
		if (before(r, 4, 6, 0))
			return;
		dump_header(r, 0);
		line(r, "Out of memory and no killable processes...");
		return;
	}
	dump_header(r, 1);
	score_line(r);
	kill_lines(r);
}

int ovc_render_oom_report(FILE *f, const struct ovc_oom_event *ev,
			  const struct ovc_oom_report_env *env)
{
	const struct ovc_profile *p = env->profile;
	struct rep r = { .f = f, .ev = ev, .env = env, .kv = p->kver };

	if (p->report->format >= sizeof(format_table) / sizeof(format_table[0]))
		OVC_BUG("oom report: an era row without a template");
	r.fmt = &format_table[p->report->format];
	r.rhel6 = r.fmt->killed == KILLED_RHEL6;
	r.page_kb = (env->page_size ? env->page_size : 4096) / 1024;
	if (!r.page_kb)
		r.page_kb = 1;
	if (ev->outcome == OVC_OOM_PANIC)
		panic_report(&r);
	else if (ev->outcome != OVC_OOM_ABORTED)	/* an aborted scan prints nothing */
		kill_report(&r);
	return ferror(f) ? -OVC_E_IO : 0;
}

int ovc_render_oom_events(FILE *f, const struct ovc_oom_event *ev, size_t n,
			  const struct ovc_profile *p)
{
	struct ovc_oom_report_env env = { .profile = p };

	for (size_t i = 0; i < n; i++)
		if (ovc_render_oom_report(f, &ev[i], &env))
			return -OVC_E_IO;
	return ferror(f) ? -OVC_E_IO : 0;
}
