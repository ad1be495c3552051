/* cgroup_read.c - the snapshot's memory cgroups: the processes' cgroups and their ancestors, v1 or v2, read below a sys root (kB). */
#include "live/live.h"

#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "live/cgroup_parse.h"
#include "live/proc_parse.h"
#include "live/proc_root.h"

/*
 * Where the memory controller lives (Documentation/admin-guide/cgroup-v2.rst,
 * "Mounting"): a controller is bound to one hierarchy at a time. Pure v2
 * mounts cgroup2 at /sys/fs/cgroup and its root's cgroup.controllers lists
 * memory; hybrid and legacy systems mount v1's memory hierarchy at
 * /sys/fs/cgroup/memory (a hybrid's /sys/fs/cgroup/unified then has no
 * memory controller). /proc/PID/cgroup gives each process's path within
 * the hierarchy of the controller (proc_cgroup_show).
 */
#define V2_DIR "fs/cgroup"
#define V1_DIR "fs/cgroup/memory"

/* ------------------------------------------------------------------ */
/* The cgroups to read: every process's, and their ancestors            */

/* A cgroup path within some process's line: path[0..len). */
struct cg_ref {
	const char *path;
	size_t len;
	unsigned depth;		/* "/" 0, "/a" 1, "/a/b" 2 */
};

static unsigned path_depth(const char *p, size_t n)
{
	unsigned d = 0;
	size_t i;

	if (n == 1)
		return 0;
	for (i = 0; i < n; i++)
		d += p[i] == '/';
	return d;
}

/* By depth, then bytes: parents come before their children, and a path
 * is found again by binary search. */
static int ref_cmp(const struct cg_ref *a, const struct cg_ref *b)
{
	size_t n = a->len < b->len ? a->len : b->len;
	int c;

	if (a->depth != b->depth)
		return a->depth < b->depth ? -1 : 1;
	c = memcmp(a->path, b->path, n);
	if (c)
		return c;
	return (a->len > b->len) - (a->len < b->len);
}

static int ref_qsort_cmp(const void *a, const void *b)
{
	return ref_cmp(a, b);
}

static int ref_find(const struct cg_ref *refs, size_t n, const struct cg_ref *key)
{
	size_t lo = 0, hi = n;

	while (lo < hi) {
		size_t mid = lo + (hi - lo) / 2;
		int c = ref_cmp(&refs[mid], key);

		if (c == 0)
			return (int)mid;
		if (c < 0)
			lo = mid + 1;
		else
			hi = mid;
	}
	return -1;
}

/* The parent of a path that is not "/": up to its last '/'. */
static struct cg_ref ref_parent(const struct cg_ref *r)
{
	struct cg_ref p = { r->path, r->len, r->depth - 1 };

	while (p.len > 1 && r->path[p.len - 1] != '/')
		p.len--;
	if (p.len > 1)
		p.len--;	/* the '/' itself, except for "/" */
	return p;
}

/*
 * The path of process p in the hierarchy being read, or -1: its line is
 * for the other hierarchy (a snapshot and a sys tree of different
 * machines), it had none, or it does not fit (a line proc_parse.c had to
 * cut may name another cgroup: a cut line fills the field).
 */
static int proc_path(const struct ovc_live_proc *p, int version, struct cg_ref *r)
{
	size_t n = strnlen(p->cgroup, sizeof(p->cgroup));
	int v;

	if (n == 0 || n >= sizeof(p->cgroup) - 1)
		return -1;
	if (ovc_cgroup_parse_line(p->cgroup, n, &v, &r->path, &r->len) < 0 || v != version ||
	    r->len >= sizeof(((struct ovc_live_memcg *)0)->path))
		return -1;
	r->depth = path_depth(r->path, r->len);
	return 0;
}

/*
 * Every usable path and all its prefixes up to "/", sorted and each once,
 * into a malloc'd *out. Every ancestor is a prefix of a process's own
 * path, so no string is copied. O(P d log(P d)) for P processes at depth
 * d: no scan of processes against cgroups.
 */
static int collect(const struct ovc_live_snap *s, int version, struct cg_ref **out, size_t *nout,
		   size_t *unusable)
{
	struct cg_ref *refs, r;
	size_t total = 0, n = 0, i, u;

	for (i = 0; i < s->nprocs; i++)
		if (proc_path(&s->procs[i], version, &r) == 0)
			total += r.depth + 1;
	refs = malloc((total ? total : 1) * sizeof(*refs));
	if (!refs)
		return -OVC_E_NOMEM;
	*unusable = 0;
	for (i = 0; i < s->nprocs; i++) {
		if (proc_path(&s->procs[i], version, &r) < 0) {
			(*unusable)++;
			continue;
		}
		refs[n++] = r;
		while (r.depth > 0) {
			r = ref_parent(&r);
			refs[n++] = r;
		}
	}
	qsort(refs, n, sizeof(*refs), ref_qsort_cmp);
	for (i = u = 0; i < n; i++)
		if (u == 0 || ref_cmp(&refs[u - 1], &refs[i]) != 0)
			refs[u++] = refs[i];
	*out = refs;
	*nout = u;
	return 0;
}

/* The snapshot's entries from the sorted paths: parents, defaults, and
 * each process's index and its cgroup's count. */
static int build(struct ovc_live_snap *s, int version, const struct cg_ref *refs, size_t n)
{
	struct ovc_live_memcg *m = calloc(n ? n : 1, sizeof(*m));
	struct cg_ref r, par;
	size_t i;

	if (!m)
		return -OVC_E_NOMEM;
	for (i = 0; i < n; i++) {
		memcpy(m[i].path, refs[i].path, refs[i].len);
		m[i].path[refs[i].len] = '\0';
		par = ref_parent(&refs[i]);
		m[i].parent = refs[i].depth ? ref_find(refs, n, &par) : -1;
		m[i].version = (uint8_t)version;
		m[i].max_kb = m[i].high_kb = m[i].swap_max_kb = OVC_LIVE_NOLIMIT;
		m[i].swappiness = -1;
	}
	for (i = 0; i < s->nprocs; i++) {
		struct ovc_live_proc *p = &s->procs[i];

		p->memcg = proc_path(p, version, &r) == 0 ? ref_find(refs, n, &r) : -1;
		if (p->memcg >= 0)
			m[p->memcg].nprocs++;
	}
	s->memcgs = m;
	s->nmemcgs = n;
	return 0;
}

/* ------------------------------------------------------------------ */
/* One cgroup's files                                                   */

/* What could not be read, over all the cgroups. */
struct tally {
	size_t partial;		/* cgroups with a file that could not be read */
	size_t gone;		/* ... whose directory is gone */
	size_t denied;		/* ... with a file or directory refused */
	size_t disabled;	/* v2: no memory files (controller not enabled there) */
};

/* One cgroup being read. */
struct cg_read {
	struct ovc_live_snap *s;
	struct ovc_err *e;
	struct ovc_live_memcg *m;
	int dfd;		/* its directory */
	unsigned missing;	/* required files absent (ENOENT) */
	unsigned refused;	/* files refused (EACCES, EPERM) */
	unsigned failed;	/* other errors */
	unsigned required;	/* required files looked for */
	long n;			/* bytes of the last file */
	char buf[4096];
};

/* Read name into R->buf: 1, or 0 if it cannot be read. An optional file
 * (one the kernel may not have: swap without swap accounting, oom.group
 * before 4.19) that is absent is not counted against the cgroup. */
static int cg_file(struct cg_read *R, const char *name, int optional)
{
	R->required += !optional;
	R->n = ovc_proc_read_small(R->dfd, name, R->buf, sizeof(R->buf));
	if (R->n >= 0)
		return 1;
	if (R->n == -ENOENT)
		R->missing += !optional;
	else if (R->n == -EACCES || R->n == -EPERM)
		R->refused++;
	else
		R->failed++;
	return 0;
}

/* The parser failed on name: the error names the file. */
static int cg_bad(struct cg_read *R, const char *name)
{
	const char *path = R->m->path[1] ? R->m->path : "";

	if (snprintf(R->s->err_file, sizeof(R->s->err_file), "%s%s/%s", R->s->memcg_root, path,
		     name) < 0)
		R->s->err_file[0] = '\0';
	if (R->e)
		R->e->file = R->s->err_file;
	return -OVC_E_PARSE;
}

static uint64_t to_kb(uint64_t bytes)
{
	return bytes == OVC_LIVE_NOLIMIT ? OVC_LIVE_NOLIMIT : bytes / 1024;
}

/* A limit or a byte count, in bytes: 1 read, 0 not, -OVC_E_PARSE. */
static int cg_bytes(struct cg_read *R, const char *name, int optional, int limit, uint64_t *bytes)
{
	int rc;

	if (!cg_file(R, name, optional))
		return 0;
	rc = limit ? ovc_cgroup_parse_limit(R->buf, (size_t)R->n, bytes, R->e)
		   : ovc_cgroup_parse_u64(R->buf, (size_t)R->n, bytes, R->e);
	return rc < 0 ? cg_bad(R, name) : 1;
}

/* A byte file into *kb (bytes / 1024, a limit's "max" kept), and bit
 * into the cgroup's seen when it was read: 1 read, 0 not, -OVC_E_PARSE. */
static int cg_kb(struct cg_read *R, const char *name, int optional, int limit, uint64_t *kb,
		 unsigned bit)
{
	uint64_t v;
	int rc = cg_bytes(R, name, optional, limit, &v);

	if (rc > 0) {
		*kb = to_kb(v);
		R->m->seen |= bit;
	}
	return rc;
}

/* A number at most hi (memory.oom.group 0/1, memory.swappiness 0..200). */
static int cg_small(struct cg_read *R, const char *name, int optional, uint64_t hi, uint64_t *v)
{
	if (!cg_file(R, name, optional))
		return 0;
	if (ovc_cgroup_parse_u64(R->buf, (size_t)R->n, v, R->e) < 0)
		return cg_bad(R, name);
	if (*v > hi) {
		if (R->e)
			R->e->line = R->e->col = 1;
		ovc_err_set(R->e, OVC_E_PARSE, "expected a number from 0 to %llu",
			    (unsigned long long)hi);
		return cg_bad(R, name);
	}
	return 1;
}

/* A flat-keyed file whose keys k with bit k of need set must be there. */
static int cg_flat(struct cg_read *R, const char *name, const struct ovc_cgroup_key *keys,
		   size_t n, unsigned need)
{
	unsigned found;

	if (!cg_file(R, name, 0))
		return 0;
	if (ovc_cgroup_parse_flat(R->buf, (size_t)R->n, keys, n, &found, R->e) < 0)
		return cg_bad(R, name);
	if ((found & need) != need) {
		if (R->e)
			R->e->line = R->e->col = 0;
		ovc_err_set(R->e, OVC_E_PARSE, "a key is missing: expected %s and %s",
			    keys[0].name, keys[1].name);
		return cg_bad(R, name);
	}
	return 1;
}

/*
 * v2 (mm/memcontrol.c, 6.1): memory.max/high and memory.swap.max by
 * memory_max_show and its siblings, memory.current and
 * memory.swap.current in bytes (memory_current_read, swap_current_read),
 * memory.oom.group (memory_oom_group_show, 4.19+), memory.events
 * (memory_events_show: max, oom, and oom_kill since 4.13; hierarchical
 * unless the memory_localevents mount option). None of these exists in
 * the root cgroup (CFTYPE_NOT_ON_ROOT): it has no limit and its usage is
 * the machine's, so "/" is left unlimited and unseen.
 */
static int read_v2(struct cg_read *R)
{
	struct ovc_live_memcg *m = R->m;
	uint64_t v, swap_max, swap_cur, oom_kill = 0;
	const struct ovc_cgroup_key keys[] = {
		{ "max", &m->max_events }, { "oom", &m->oom_events }, { "oom_kill", &oom_kill },
	};
	int rc, sw;

	if (strcmp(m->path, "/") == 0)
		return 0;
	if ((rc = cg_kb(R, "memory.max", 0, 1, &m->max_kb, OVC_MEMCG_SEEN_MAX)) < 0 ||
	    (rc = cg_kb(R, "memory.high", 0, 1, &m->high_kb, 0)) < 0 ||
	    (rc = cg_kb(R, "memory.current", 0, 0, &m->current_kb, OVC_MEMCG_SEEN_CURRENT)) < 0)
		return rc;
	if ((sw = cg_kb(R, "memory.swap.max", 1, 1, &swap_max, 0)) < 0)
		return sw;
	if ((rc = cg_kb(R, "memory.swap.current", 1, 0, &swap_cur, 0)) < 0)
		return rc;
	if (sw && rc) {
		m->swap_max_kb = swap_max;
		m->swap_current_kb = swap_cur;
		m->seen |= OVC_MEMCG_SEEN_SWAP;
	}
	if ((rc = cg_small(R, "memory.oom.group", 1, 1, &v)) < 0)
		return rc;
	m->oom_group = rc ? (uint8_t)v : 0;
	if ((rc = cg_flat(R, "memory.events", keys, 3, 3)) < 0)
		return rc;
	if (rc) {
		m->oom_kill_events = oom_kill;
		m->seen |= OVC_MEMCG_SEEN_EVENTS;
	}
	return 0;
}

/*
 * v1 swap (mm/memcontrol.c mem_cgroup_read_u64, _MEMSWAP): memsw counts
 * memory and swap together, so the swap part is the difference. Its
 * limit is unlimited if either is; its usage can read a little below
 * memory's (the two counters are charged at different moments, and the
 * root's are sums of statistics: mem_cgroup_usage), hence the clamp.
 * All in kB: the counters are whole pages, so no rounding is lost.
 */
static void v1_swap(struct ovc_live_memcg *m, uint64_t lim, uint64_t use, uint64_t swlim,
		    uint64_t swuse)
{
	if (lim == OVC_LIVE_NOLIMIT || swlim == OVC_LIVE_NOLIMIT)
		m->swap_max_kb = OVC_LIVE_NOLIMIT;
	else
		m->swap_max_kb = swlim > lim ? swlim - lim : 0;
	m->swap_current_kb = swuse > use ? swuse - use : 0;
	m->seen |= OVC_MEMCG_SEEN_SWAP;
}

/* memory.oom_control (mem_cgroup_oom_control_read): oom_kill_disable,
 * under_oom (a state, not a count), oom_kill since 4.13. */
static int v1_oom_control(struct cg_read *R)
{
	struct ovc_live_memcg *m = R->m;
	uint64_t disable = 0, under = 0, kills = 0;
	const struct ovc_cgroup_key keys[] = {
		{ "oom_kill_disable", &disable }, { "under_oom", &under }, { "oom_kill", &kills },
	};
	int rc = cg_flat(R, "memory.oom_control", keys, 3, 3);

	if (rc <= 0)
		return rc;
	if (disable > 1 || under > 1) {
		if (R->e)
			R->e->line = R->e->col = 0;
		ovc_err_set(R->e, OVC_E_PARSE, "oom_kill_disable and under_oom must be 0 or 1");
		return cg_bad(R, "memory.oom_control");
	}
	m->oom_kill_disable = (uint8_t)disable;
	m->oom_kill_events = kills;
	m->seen |= OVC_MEMCG_SEEN_EVENTS;
	return 0;
}

/*
 * v1 (mm/memcontrol.c, 6.1, mem_cgroup_legacy_files): the limits and
 * usages by mem_cgroup_read_u64 (RES_LIMIT, RES_USAGE; the root's usage
 * is computed from its statistics), memory.failcnt (RES_FAILCNT: times
 * the limit was hit), memory.swappiness (mem_cgroup_swappiness_read, up
 * to 200 since 5.8; the root's is vm.swappiness), the memsw files only
 * with swap accounting (CONFIG_MEMCG_SWAP and swapaccount).
 */
static int read_v1(struct cg_read *R)
{
	struct ovc_live_memcg *m = R->m;
	uint64_t swlim, swuse, v;
	int rl, ru, rsl, rsu, rc;

	if ((rl = cg_kb(R, "memory.limit_in_bytes", 0, 1, &m->max_kb, OVC_MEMCG_SEEN_MAX)) < 0)
		return rl;
	if ((ru = cg_kb(R, "memory.usage_in_bytes", 0, 0, &m->current_kb,
			OVC_MEMCG_SEEN_CURRENT)) < 0)
		return ru;
	if ((rsl = cg_kb(R, "memory.memsw.limit_in_bytes", 1, 1, &swlim, 0)) < 0)
		return rsl;
	if ((rsu = cg_kb(R, "memory.memsw.usage_in_bytes", 1, 0, &swuse, 0)) < 0)
		return rsu;
	if (rl && ru && rsl && rsu)
		v1_swap(m, m->max_kb, m->current_kb, swlim, swuse);
	if ((rc = cg_small(R, "memory.swappiness", 0, 200, &v)) < 0)
		return rc;
	if (rc)
		m->swappiness = (int)v;
	if ((rc = v1_oom_control(R)) < 0)
		return rc;
	if ((rc = cg_bytes(R, "memory.failcnt", 0, 0, &v)) < 0)
		return rc;
	if (rc)
		m->max_events = v;
	return 0;
}

/* The directory of cgroup m below the hierarchy's root: fd or -errno. */
static int cg_dir(int base, const struct ovc_live_memcg *m)
{
	return ovc_proc_dir_open(base, m->path[1] ? m->path + 1 : ".");
}

/* Read m's files, and count what could not be read in t. */
static int read_one(struct cg_read *R, int base, int version, struct tally *t)
{
	int rc;

	R->dfd = cg_dir(base, R->m);
	if (R->dfd < 0) {
		t->partial++;
		t->gone += R->dfd == -ENOENT;
		t->denied += R->dfd == -EACCES || R->dfd == -EPERM;
		return 0;
	}
	R->missing = R->refused = R->failed = R->required = 0;
	rc = version == 2 ? read_v2(R) : read_v1(R);
	close(R->dfd);
	if (rc < 0)
		return rc;
	if (version == 2 && R->required && R->missing == R->required && !R->refused && !R->failed)
		t->disabled++;
	else if (R->missing || R->refused || R->failed)
		t->partial++;
	t->denied += R->refused > 0;
	return 0;
}

/* ------------------------------------------------------------------ */
/* The hierarchy                                                        */

/* Which version the sys tree's memory controller is, 0 none; -OVC_E_PARSE
 * if the root's cgroup.controllers cannot be read as one. */
static int detect(struct ovc_proc_root *sys, struct ovc_live_snap *s, struct ovc_err *e,
		  const char *sys_root)
{
	char buf[1024];
	long n = ovc_proc_read_small(sys->fd, V2_DIR "/cgroup.controllers", buf, sizeof(buf));
	int has_memory = 0, fd;

	if (n >= 0 && ovc_cgroup_parse_controllers(buf, (size_t)n, &has_memory, e) < 0) {
		snprintf(s->err_file, sizeof(s->err_file), "%s/" V2_DIR "/cgroup.controllers",
			 sys_root);
		if (e)
			e->file = s->err_file;
		return -OVC_E_PARSE;
	}
	if (has_memory)
		return 2;
	/* v1: the hierarchy's root has the legacy files (a v2 cgroup that
	 * happens to be called "memory" has not) */
	fd = ovc_proc_file_open(sys->fd, V1_DIR "/memory.limit_in_bytes");
	if (fd < 0)
		return 0;
	close(fd);
	return 1;
}

/* memcg_note, cut to fit. */
__attribute__((format(printf, 2, 3)))
static void set_note(struct ovc_live_snap *s, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(s->memcg_note, sizeof(s->memcg_note), fmt, ap);
	va_end(ap);
}

/* Drop what a previous call left, and say nothing has been read. */
static void memcgs_reset(struct ovc_live_snap *s)
{
	size_t i;

	free(s->memcgs);
	s->memcgs = NULL;
	s->nmemcgs = 0;
	s->memcg_version = 0;
	s->memcg_root[0] = '\0';
	s->memcg_note[0] = '\0';
	for (i = 0; i < s->nprocs; i++)
		s->procs[i].memcg = -1;
}

/* vm.swappiness from the snapshot's proc root: v2 has no cgroup
 * swappiness, and a v1 root's is this one (mem_cgroup_swappiness). */
static void read_vm_swappiness(struct ovc_live_snap *s)
{
	struct ovc_proc_root r;
	char buf[64];
	int64_t v;
	long n;

	s->vm_swappiness = -1;
	if (!s->root[0] || ovc_proc_root_open(&r, s->root) < 0)
		return;
	n = ovc_proc_read_small(r.fd, "sys/vm/swappiness", buf, sizeof(buf));
	if (n >= 0 && ovc_proc_parse_int(buf, (size_t)n, &v) == 0 && v >= 0 && v <= 200)
		s->vm_swappiness = (int)v;
	ovc_proc_root_close(&r);
}

/* What could not be seen, in a sentence that fits memcg_note. */
static void note(struct ovc_live_snap *s, const struct tally *t, size_t unusable)
{
	char *p = s->memcg_note;
	size_t left = sizeof(s->memcg_note);
	int k = 0;

	if (t->partial)
		k = snprintf(p, left, "%zu of %zu cgroups not fully readable (%zu gone, %zu denied)",
			     t->partial, s->nmemcgs, t->gone, t->denied);
	if (k >= 0 && (size_t)k < left && t->disabled)
		k += snprintf(p + k, left - (size_t)k, "%s%zu without the memory controller enabled",
			      k ? "; " : "", t->disabled);
	if (k >= 0 && (size_t)k < left && unusable)
		snprintf(p + k, left - (size_t)k, "%s%zu processes without a usable v%u memory "
			 "cgroup path", k ? "; " : "", unusable, (unsigned)s->memcg_version);
}

/* Read every cgroup of the tree below base. */
static int read_all(struct ovc_live_snap *s, struct ovc_err *e, int base, size_t unusable)
{
	struct tally t = { 0 };
	struct cg_read *R = malloc(sizeof(*R));
	size_t i;
	int rc = 0;

	if (!R)
		return ovc_err_set(e, OVC_E_NOMEM, "no memory for the cgroup reader");
	R->s = s;
	R->e = e;
	for (i = 0; i < s->nmemcgs && rc == 0; i++) {
		R->m = &s->memcgs[i];
		rc = read_one(R, base, s->memcg_version, &t);
	}
	free(R);
	if (rc == 0)
		note(s, &t, unusable);
	return rc;
}

/* The tree of version v below the sys root's fd (named name): paths,
 * entries, files. */
static int read_tree(struct ovc_live_snap *s, struct ovc_err *e, struct ovc_proc_root *sys, int v,
		     const char *name)
{
	struct cg_ref *refs;
	size_t n = 0, unusable = 0;
	int base, rc;

	/* fits: the caller checked name's length */
	if (snprintf(s->memcg_root, sizeof(s->memcg_root), "%s/%s", name,
		     v == 2 ? V2_DIR : V1_DIR) < 0)
		s->memcg_root[0] = '\0';
	s->memcg_version = (uint8_t)v;
	base = ovc_proc_dir_open(sys->fd, v == 2 ? V2_DIR : V1_DIR);
	if (base < 0) {
		set_note(s, "no memory cgroups: cannot open %s: %s", s->memcg_root,
			 strerror(-base));
		s->memcg_version = 0;
		return 0;
	}
	rc = collect(s, v, &refs, &n, &unusable);
	if (rc == 0) {
		rc = build(s, v, refs, n);
		free(refs);
	}
	if (rc < 0) {
		close(base);
		return ovc_err_set(e, OVC_E_NOMEM, "no memory for %zu memory cgroups", n);
	}
	rc = read_all(s, e, base, unusable);
	close(base);
	return rc;
}

int ovc_live_read_memcgs(const char *sys_root, struct ovc_live_snap *s, struct ovc_err *e)
{
	struct ovc_proc_root sys;
	char name[sizeof(s->memcg_root)];	/* sys_root without a trailing '/' */
	size_t n;
	int v;

	memcgs_reset(s);
	read_vm_swappiness(s);
	if (!sys_root)
		sys_root = "/sys";
	for (n = strlen(sys_root); n > 0 && sys_root[n - 1] == '/'; n--)
		;
	if (n + sizeof("/" V1_DIR) > sizeof(name))
		return ovc_err_set(e, OVC_E_RANGE, "the sys root path is longer than %zu bytes",
				   sizeof(name) - sizeof("/" V1_DIR));
	memcpy(name, sys_root, n);
	name[n] = '\0';
	v = ovc_proc_root_open(&sys, sys_root);
	if (v < 0) {
		set_note(s, "no memory cgroups: cannot open %s: %s", sys_root, strerror(-v));
		return 0;
	}
	v = detect(&sys, s, e, name);
	if (v > 0)
		v = read_tree(s, e, &sys, v, name);
	else if (v == 0)
		set_note(s, "no memory controller: %s/" V2_DIR "/cgroup.controllers does not "
			 "list memory and %s/" V1_DIR " is not a v1 memory hierarchy", name, name);
	ovc_proc_root_close(&sys);
	if (v < 0)
		memcgs_reset(s);
	return v < 0 ? v : 0;
}

/* Binary search in the order collect() sorted them in; a linear scan
 * if that misses, so a snapshot built in another order is still
 * answered. */
int ovc_live_memcg_find(const struct ovc_live_snap *s, const char *path)
{
	struct cg_ref key, r;
	size_t lo = 0, hi, i;
	int c;

	if (!s || !s->memcgs || !path || path[0] != '/')
		return -1;
	key.path = path;
	key.len = strlen(path);
	key.depth = path_depth(path, key.len);
	hi = s->nmemcgs;
	while (lo < hi) {
		size_t mid = lo + (hi - lo) / 2;

		r.path = s->memcgs[mid].path;
		r.len = strlen(r.path);
		r.depth = path_depth(r.path, r.len);
		c = ref_cmp(&r, &key);
		if (c == 0)
			return (int)mid;
		if (c < 0)
			lo = mid + 1;
		else
			hi = mid;
	}
	for (i = 0; i < s->nmemcgs; i++)
		if (strcmp(s->memcgs[i].path, path) == 0)
			return (int)i;
	return -1;
}
