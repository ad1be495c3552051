/* proc_read.c - the live snapshot: a proc tree's machine files, SysV segments and every PID directory, read through a root handle (kB). */
#include "live/live.h"

#include <errno.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "live/proc_parse.h"
#include "live/proc_root.h"

/*
 * Two buffers serve the whole read, whatever the number of processes:
 * one for the small files (meminfo, status, stat, ...), reused file after
 * file, and one through which smaps streams a chunk at a time (smaps of
 * a large process runs to megabytes; it is never held whole).
 */
enum { SMALL_CAP = 64 * 1024, CHUNK_CAP = 64 * 1024 };

/* The shmem objects of one smaps, gathered as the accumulator hands
 * them over into a list each reader keeps from process to process. */
struct shobj_list {
	struct ovc_live_shobj *v;
	size_t n, cap;
	int nomem;
};

/* The sizes of the mappings fork charges, in address order, likewise. */
struct kb_list {
	uint64_t *v;
	size_t n, cap;
	int nomem;
};

struct reader {
	struct ovc_proc_root root;
	char small[SMALL_CAP];
	char chunk[CHUNK_CAP];
	struct shobj_list objs;
	struct kb_list maps;
};

static struct reader *reader_new(void)
{
	struct reader *R = malloc(sizeof(*R));

	if (R) {
		memset(&R->objs, 0, sizeof(R->objs));
		memset(&R->maps, 0, sizeof(R->maps));
	}
	return R;
}

static void reader_free(struct reader *R)
{
	if (R) {
		free(R->objs.v);
		free(R->maps.v);
	}
	free(R);
}

/* ------------------------------------------------------------------ */
/* The machine                                                          */

/* Name ROOT/rel as the file an error is about; returns the path. */
static const char *err_path(struct ovc_live_snap *s, const char *rel)
{
	snprintf(s->err_file, sizeof(s->err_file), "%s/%s", s->root, rel);
	return s->err_file;
}

/* A file the snapshot cannot do without: OVC_E_IO if it is unreadable. */
static long read_required(struct reader *R, struct ovc_live_snap *s, const char *rel,
			  struct ovc_err *e)
{
	long n = ovc_proc_read_small(R->root.fd, rel, R->small, sizeof(R->small));

	if (n >= 0)
		return n;
	if (e) {
		e->file = err_path(s, rel);
		e->line = e->col = 0;
	}
	return ovc_err_set(e, OVC_E_IO, "cannot read it: %s", strerror((int)-n));
}

static int read_meminfo(struct reader *R, struct ovc_live_snap *s, struct ovc_err *e)
{
	long n = read_required(R, s, "meminfo", e);

	if (n < 0)
		return (int)n;
	if (e)
		e->file = err_path(s, "meminfo");
	return ovc_proc_parse_meminfo(R->small, (size_t)n, &s->mi, &s->kreclaimable_kb, e);
}

/* sys/kernel/osrelease: one line of printable text, at most 64 bytes
 * (__NEW_UTS_LEN). */
static int read_release(struct reader *R, struct ovc_live_snap *s, struct ovc_err *e)
{
	const char *rel = "sys/kernel/osrelease";
	long n = read_required(R, s, rel, e);
	size_t i;

	if (n < 0)
		return (int)n;
	while (n > 0 && (R->small[n - 1] == '\n' || R->small[n - 1] == ' '))
		n--;
	for (i = 0; i < (size_t)n; i++)
		if (R->small[i] <= ' ' || R->small[i] > '~')
			break;
	if (n == 0 || i < (size_t)n || (size_t)n >= sizeof(s->release)) {
		if (e) {
			e->file = err_path(s, rel);
			e->line = 1;
			e->col = (unsigned)i + 1;
		}
		return ovc_err_set(e, OVC_E_PARSE, "expected a kernel release such as 6.1.0");
	}
	memcpy(s->release, R->small, (size_t)n);
	s->release[n] = '\0';
	return 0;
}

/* Each sysctl of enum ovc_sysctl_key that the tree has: a missing or
 * unreadable one only leaves its have_sysctl bit clear. */
static void read_sysctls(struct reader *R, struct ovc_live_snap *s)
{
	char rel[96];
	int64_t v;
	long n;
	int k;

	for (k = 0; k < OVC_SYSCTL_COUNT; k++) {
		snprintf(rel, sizeof(rel), "sys/vm/%s", ovc_sysctl_name((enum ovc_sysctl_key)k));
		n = ovc_proc_read_small(R->root.fd, rel, R->small, sizeof(R->small));
		if (n >= 0 && ovc_proc_parse_int(R->small, (size_t)n, &v) == 0) {
			s->sysctl[k] = v;
			s->have_sysctl |= 1u << k;
		}
	}
}

/* /proc/stat's cpuN lines come first; its interrupt lines can outgrow
 * any buffer, so only the first buffer's worth of whole lines is read. */
static void read_ncpus(struct reader *R, struct ovc_live_snap *s)
{
	int fd = ovc_proc_file_open(R->root.fd, "stat");
	long n;

	if (fd < 0)
		return;
	n = ovc_proc_read_fd(fd, R->small, sizeof(R->small));
	close(fd);
	if (n == (long)sizeof(R->small))
		while (n > 0 && R->small[n - 1] != '\n')
			n--;
	if (n > 0 && ovc_proc_parse_ncpus(R->small, (size_t)n, &s->ncpus) < 0)
		s->ncpus = 0;
}

static void read_uptime(struct reader *R, struct ovc_live_snap *s)
{
	long n = ovc_proc_read_small(R->root.fd, "uptime", R->small, sizeof(R->small));

	if (n >= 0 && ovc_proc_parse_uptime(R->small, (size_t)n, &s->uptime_s) < 0)
		s->uptime_s = 0;
}

static int self_charge(struct reader *R, uint64_t *kb);

/* meminfo, with the reader's own charge read just before and just after
 * it: Committed_AS includes that charge, and a question about a later
 * fork or mmap wants it out (the reader will be gone by then). It is
 * taken only if it did not move in between. */
static int read_machine(struct reader *R, struct ovc_live_snap *s, struct ovc_err *e)
{
	uint64_t before = 0, after = 0;
	int self = self_charge(R, &before) == 0;
	int rc = read_meminfo(R, s, e);

	if (self && self_charge(R, &after) == 0 && after == before) {
		s->self_committed_kb = before;
		s->have_self = 1;
	}
	if (rc == 0)
		rc = read_release(R, s, e);
	if (rc < 0)
		return rc;
	read_sysctls(R, s);
	read_ncpus(R, s);
	read_uptime(R, s);
	return 0;
}

/* ------------------------------------------------------------------ */
/* One process                                                          */

/*
 * How a file of a process went. A process is not atomic: it can exit
 * between the listing and any of its files (ENOENT once its directory
 * is gone, ESRCH from a file already open), and then it is dropped and
 * counted as vanished. EACCES and EPERM (hidepid, another user's smaps,
 * a file of mode 000 in a fixture) leave it in the snapshot with the
 * seen bits of what could be read.
 */
enum outcome { READ_OK, READ_GONE, READ_DENIED, READ_FAILED };

static enum outcome outcome_of(long rc)
{
	if (rc >= 0)
		return READ_OK;
	if (rc == -ENOENT || rc == -ESRCH)
		return READ_GONE;
	if (rc == -EACCES || rc == -EPERM)
		return READ_DENIED;
	return READ_FAILED;
}

/* One process being read: its directory and what the files said
 * besides the fields of p. */
struct pid_read {
	struct reader *R;
	int dfd;
	struct ovc_live_proc *p;
	unsigned status_flags;	/* OVC_PSTATUS_* */
	uint64_t stat_flags;	/* stat field 9, PF_* */
	uint64_t page_kb;	/* smallest KernelPageSize in its smaps */
	long n;			/* bytes of the last small file */
};

/* Read rel of the process into the small buffer: an outcome, P->n bytes. */
static enum outcome pid_small(struct pid_read *P, const char *rel)
{
	P->n = ovc_proc_read_small(P->dfd, rel, P->R->small, sizeof(P->R->small));
	return outcome_of(P->n);
}

static enum outcome step_status(struct pid_read *P)
{
	enum outcome o = pid_small(P, "status");

	if (o == READ_OK &&
	    ovc_proc_parse_status(P->R->small, (size_t)P->n, P->p, &P->status_flags) == 0)
		P->p->seen |= OVC_LIVE_STATUS;
	return o;
}

static enum outcome step_stat(struct pid_read *P)
{
	enum outcome o = pid_small(P, "stat");

	if (o == READ_OK &&
	    ovc_proc_parse_stat(P->R->small, (size_t)P->n, P->p, &P->stat_flags) == 0)
		P->p->seen |= OVC_LIVE_STAT;
	return o;
}

/* oom_score (0..2000 in 2.6.36+, larger before) and oom_score_adj
 * (-1000..1000): the bit is set when both were read. */
static enum outcome step_oom(struct pid_read *P)
{
	enum outcome o = pid_small(P, "oom_score");
	int64_t score, adj;
	int ok;

	if (o != READ_OK)
		return o;
	ok = ovc_proc_parse_int(P->R->small, (size_t)P->n, &score) == 0 && score >= 0;
	if ((o = pid_small(P, "oom_score_adj")) != READ_OK)
		return o;
	ok = ok && ovc_proc_parse_int(P->R->small, (size_t)P->n, &adj) == 0 &&
	     adj >= -1000 && adj <= 1000;
	if (ok) {
		P->p->oom_score = score;
		P->p->oom_score_adj = (int)adj;
		P->p->seen |= OVC_LIVE_OOM;
	}
	return READ_OK;
}

/* A file without a v2 or memory line still counts as read: cgroup "". */
static enum outcome step_cgroup(struct pid_read *P)
{
	enum outcome o = pid_small(P, "cgroup");

	if (o == READ_OK) {
		ovc_proc_parse_cgroup(P->R->small, (size_t)P->n, P->p->cgroup,
				      sizeof(P->p->cgroup));
		P->p->seen |= OVC_LIVE_CGROUP;
	}
	return o;
}

/* Where a streamed file's lines go: smaps or sysvipc/shm. A direct call
 * for each (smaps runs to tens of millions of lines on a large machine:
 * a call through a pointer for each shows). */
struct sink {
	struct ovc_smaps_acc *smaps;
	struct ovc_sysv_acc *sysv;
};

static void sink_line(const struct sink *k, const char *s, size_t n)
{
	if (k->smaps)
		ovc_smaps_line(k->smaps, s, n);
	else
		ovc_sysv_line(k->sysv, s, n);
}

/* Feed the whole lines of buf[0..*len) to k, keep the unfinished tail at
 * the front. A line longer than the buffer is fed cut (its head holds
 * all a header needs) and the rest of it skipped. */
static void feed_lines(const struct sink *k, char *buf, size_t *len, size_t cap,
		       int *skipping)
{
	size_t start = 0;
	char *nl;

	while ((nl = memchr(buf + start, '\n', *len - start)) != NULL) {
		if (!*skipping)
			sink_line(k, buf + start, (size_t)(nl - (buf + start)));
		*skipping = 0;
		start = (size_t)(nl - buf) + 1;
	}
	*len -= start;
	memmove(buf, buf + start, *len);
	if (*len == cap) {
		if (!*skipping)
			sink_line(k, buf, *len);
		*skipping = 1;
		*len = 0;
	}
}

/* A file a buffer at a time, line by line into k. 0 or -errno. */
static long stream_lines(int fd, char *buf, size_t cap, const struct sink *k)
{
	size_t len = 0;
	int skipping = 0;
	long n;

	do {
		n = ovc_proc_read_fd(fd, buf + len, cap - len);
		if (n < 0)
			return n;
		len += (size_t)n;
		feed_lines(k, buf, &len, cap, &skipping);
	} while (n > 0);
	if (len && !skipping)
		sink_line(k, buf, len);
	return 0;
}

/* The array v of a list of n, cap elements of size bytes each, with room
 * for one more (doubling it when full), or NULL with *nomem set: the list
 * keeps what it had, and takes nothing more. */
static void *list_room(void *v, size_t n, size_t *cap, size_t size, int *nomem)
{
	size_t c = *cap ? 2 * *cap : 16;
	void *nv;

	if (*nomem)
		return NULL;
	if (n < *cap)
		return v;
	nv = realloc(v, c * size);
	if (!nv) {
		*nomem = 1;
		return NULL;
	}
	*cap = c;
	return nv;
}

/* The accumulator's callback: one more object (no memory: noted). */
static void shobj_add(void *arg, const struct ovc_live_shobj *o)
{
	struct shobj_list *L = arg;
	struct ovc_live_shobj *v = list_room(L->v, L->n, &L->cap, sizeof(*v), &L->nomem);

	if (v) {
		L->v = v;
		L->v[L->n++] = *o;
	}
}

/* The objects gathered, copied into memory of the process's own (most
 * processes have none, and get no memory). 0, or -1: out of memory. */
static int keep_shobjs(struct ovc_live_proc *p, const struct shobj_list *L)
{
	if (L->nomem)
		return -1;
	if (!L->n)
		return 0;
	p->shobjs = malloc(L->n * sizeof(*p->shobjs));
	if (!p->shobjs)
		return -1;
	memcpy(p->shobjs, L->v, L->n * sizeof(*p->shobjs));
	p->nshobjs = L->n;
	return 0;
}

static void fork_map_add(void *arg, uint64_t kb)
{
	struct kb_list *L = arg;
	uint64_t *v = list_room(L->v, L->n, &L->cap, sizeof(*v), &L->nomem);

	if (v) {
		L->v = v;
		L->v[L->n++] = kb;
	}
}

/* The process's own copy of the list. 0, or -1: out of memory. */
static int keep_fork_maps(struct ovc_live_proc *p, const struct kb_list *L)
{
	if (L->nomem)
		return -1;
	if (!L->n)
		return 0;
	p->fork_maps = malloc(L->n * sizeof(*p->fork_maps));
	if (!p->fork_maps)
		return -1;
	memcpy(p->fork_maps, L->v, L->n * sizeof(*p->fork_maps));
	p->nfork_maps = L->n;
	return 0;
}

static void store_smaps(struct ovc_live_proc *p, const struct ovc_smaps_acc *a)
{
	p->committed = a->committed;
	p->fork_charge = a->fork_charge;
	p->fork_largest = a->fork_largest;
	p->noreserve = a->noreserve;
	p->hugetlb = a->hugetlb;
	p->map_count = a->map_count;
	p->seen |= OVC_LIVE_SMAPS;
}

/* A kernel thread's smaps is empty: seen, with zeros. A line that does
 * not parse leaves the bit clear: a partial sum would understate; so
 * does no memory for the shmem objects (the process then counts among
 * those whose smaps was not read). */
static enum outcome step_smaps(struct pid_read *P)
{
	struct ovc_smaps_acc a;
	struct sink k = { &a, NULL };
	struct shobj_list *L = &P->R->objs;
	int fd = ovc_proc_file_open(P->dfd, "smaps");
	long rc;

	if (fd < 0)
		return outcome_of(fd);
	ovc_smaps_init(&a);
	a.shobj = shobj_add;
	a.shobj_arg = L;
	a.fork_map = fork_map_add;
	a.fork_map_arg = &P->R->maps;
	L->n = 0;
	L->nomem = 0;
	P->R->maps.n = 0;
	P->R->maps.nomem = 0;
	rc = stream_lines(fd, P->R->chunk, sizeof(P->R->chunk), &k);
	close(fd);
	if (rc < 0)
		return outcome_of(rc);
	ovc_smaps_end(&a);
	if (a.bad || keep_shobjs(P->p, L) < 0)
		return READ_OK;
	if (keep_fork_maps(P->p, &P->R->maps) < 0) {
		free(P->p->shobjs);	/* no memory: as if smaps were not read */
		P->p->shobjs = NULL;
		P->p->nshobjs = 0;
		return READ_OK;
	}
	store_smaps(P->p, &a);
	P->page_kb = a.page_kb;
	return READ_OK;
}

/*
 * A kernel thread has no mm: PF_KTHREAD in stat's flags, "Kthread: 1" in
 * a 6.x status, or, when neither was seen, a status without VmSize. A
 * zombie has no mm either (exit_mm() ran), so a missing VmSize alone does
 * not make a zombie a kernel thread.
 */
static void pid_kind(struct pid_read *P)
{
	struct ovc_live_proc *p = P->p;
	int no_mm = (p->seen & OVC_LIVE_STATUS) && !(P->status_flags & OVC_PSTATUS_VM);

	p->zombie = p->state == 'Z';
	p->kthread = ((p->seen & OVC_LIVE_STAT) && (P->stat_flags & OVC_PF_KTHREAD)) ||
		     (P->status_flags & OVC_PSTATUS_KTHREAD) || (no_mm && !p->zombie);
}

typedef enum outcome (*pid_step)(struct pid_read *P);

static const pid_step pid_steps[] = {
	step_status, step_stat, step_oom, step_cgroup, step_smaps,
};

/* Read one PID directory into p. READ_GONE: drop it; READ_DENIED: keep
 * it, a file was refused; otherwise keep it. */
static enum outcome read_pid(struct reader *R, int pid, struct ovc_live_proc *p,
			     uint64_t *page_kb)
{
	struct pid_read P = { .R = R, .p = p };
	enum outcome o = READ_OK, worst = READ_OK;
	char name[16];
	size_t i;

	memset(p, 0, sizeof(*p));
	p->pid = pid;
	p->oom_score = -1;
	p->memcg = -1;
	snprintf(name, sizeof(name), "%d", pid);
	P.dfd = ovc_proc_dir_open(R->root.fd, name);
	if (P.dfd < 0)
		return outcome_of(P.dfd);
	for (i = 0; i < sizeof(pid_steps) / sizeof(pid_steps[0]); i++) {
		o = pid_steps[i](&P);
		if (o == READ_GONE)
			break;
		if (o == READ_DENIED)
			worst = READ_DENIED;
	}
	close(P.dfd);
	if (o == READ_GONE)
		return READ_GONE;
	pid_kind(&P);
	if (P.page_kb && (!*page_kb || P.page_kb < *page_kb))
		*page_kb = P.page_kb;
	return worst;
}

/* ------------------------------------------------------------------ */
/* The snapshot                                                         */

/*
 * The PID directories are read by up to MAX_WORKERS threads, one per
 * online CPU: most of the time goes into the kernel generating smaps,
 * which runs on each reader's CPU. Each worker has its own buffers and
 * takes every W-th PID into its own slot; the slots are compacted in PID
 * order afterwards, so the snapshot does not depend on the threads.
 */
enum { MAX_WORKERS = 8, PIDS_PER_WORKER = 256 };

struct worker {
	pthread_t thread;
	struct reader *R;	/* its buffers; root shared (openat is thread-safe) */
	const int *pids;
	size_t n, first, step;
	struct ovc_live_proc *slots;
	enum outcome *outcomes;
	uint64_t page_kb;
};

static void *work(void *arg)
{
	struct worker *w = arg;

	for (size_t i = w->first; i < w->n; i += w->step)
		w->outcomes[i] = read_pid(w->R, w->pids[i], &w->slots[i], &w->page_kb);
	return NULL;
}

static size_t worker_count(size_t n)
{
	long cpus = sysconf(_SC_NPROCESSORS_ONLN);
	size_t w = cpus > 0 ? (size_t)cpus : 1;

	if (w > MAX_WORKERS)
		w = MAX_WORKERS;
	if (w > n / PIDS_PER_WORKER + 1)
		w = n / PIDS_PER_WORKER + 1;
	return w;
}

/* Read pids[0..n) into slots/outcomes with up to nw workers (the first
 * is R itself, on this thread; fewer when memory for buffers is short; a
 * worker whose thread cannot start is run here). The minimum
 * KernelPageSize seen, in kB. */
static uint64_t read_all(struct reader *R, const int *pids, size_t n, struct ovc_live_proc *slots,
			 enum outcome *outcomes, size_t nw)
{
	struct worker w[MAX_WORKERS];
	uint8_t threaded[MAX_WORKERS] = { 0 };
	uint64_t page_kb = 0;
	size_t k, nr;

	w[0].R = R;
	for (nr = 1; nr < nw; nr++) {
		w[nr].R = reader_new();
		if (!w[nr].R)
			break;
		w[nr].R->root = R->root;
	}
	for (k = 0; k < nr; k++) {
		w[k].pids = pids;
		w[k].n = n;
		w[k].first = k;
		w[k].step = nr;
		w[k].slots = slots;
		w[k].outcomes = outcomes;
		w[k].page_kb = 0;
	}
	for (k = 1; k < nr; k++)
		threaded[k] = pthread_create(&w[k].thread, NULL, work, &w[k]) == 0;
	work(&w[0]);
	for (k = 1; k < nr; k++) {
		if (threaded[k])
			pthread_join(w[k].thread, NULL);
		else
			work(&w[k]);
		reader_free(w[k].R);
	}
	for (k = 0; k < nr; k++)
		if (w[k].page_kb && (!page_kb || w[k].page_kb < page_kb))
			page_kb = w[k].page_kb;
	return page_kb;
}

static int read_procs(struct reader *R, struct ovc_live_snap *s, struct ovc_err *e)
{
	struct ovc_live_proc *slots;
	enum outcome *outcomes;
	uint64_t page_kb;
	int *pids, rc;
	size_t n, i;

	rc = ovc_proc_root_pids(&R->root, &pids, &n);
	if (rc < 0) {
		if (e)
			e->file = s->root;
		return ovc_err_set(e, rc == -ENOMEM ? OVC_E_NOMEM : OVC_E_IO,
				   "cannot list its PID directories: %s", strerror(-rc));
	}
	slots = n ? calloc(n, sizeof(*slots)) : NULL;
	outcomes = n ? calloc(n, sizeof(*outcomes)) : NULL;
	if (n && (!slots || !outcomes)) {
		free(pids);
		free(slots);
		free(outcomes);
		return ovc_err_set(e, OVC_E_NOMEM, "no memory for %zu processes", n);
	}
	page_kb = read_all(R, pids, n, slots, outcomes, worker_count(n));
	for (i = 0; i < n; i++) {
		if (outcomes[i] == READ_GONE) {
			free(slots[i].shobjs);
			free(slots[i].fork_maps);
			s->vanished++;
			continue;
		}
		s->denied += outcomes[i] == READ_DENIED;
		s->kthreads += slots[i].kthread;
		slots[s->nprocs++] = slots[i];
	}
	free(pids);
	free(outcomes);
	s->procs = slots;
	/* KernelPageSize is in kB; a value past 1 GiB is no base page. */
	s->page_size = page_kb && page_kb <= 1024 * 1024 ? page_kb * 1024 : 4096;
	return 0;
}

/*
 * /proc/sysvipc/shm: every SysV segment of this IPC namespace, attached
 * or not (one that no process maps still holds its charge). Missing (no
 * CONFIG_SYSVIPC, a fixture without it), unreadable or not understood:
 * have_sysv stays 0. Read after the processes, whose smaps says the page
 * size the sizes are rounded to.
 */
static void read_sysv(struct reader *R, struct ovc_live_snap *s)
{
	struct ovc_sysv_acc a;
	struct sink k = { NULL, &a };
	int fd = ovc_proc_file_open(R->root.fd, "sysvipc/shm");
	long rc;

	if (fd < 0)
		return;
	ovc_sysv_init(&a, s->page_size);
	rc = stream_lines(fd, R->chunk, sizeof(R->chunk), &k);
	close(fd);
	if (rc < 0 || a.bad || !a.have_header)
		return;
	s->have_sysv = 1;
	s->sysv_segments = a.segments;
	s->sysv_size_kb = a.size_kb;
	s->sysv_rss_kb = a.rss_kb;
	s->sysv_swap_kb = a.swap_kb;
}

/* The reader's own charge: "ac" in self/smaps, read with R's buffer and
 * an accumulator without callbacks, so that reading it allocates nothing
 * (an allocation could grow the heap, and the charge, in between). */
static int self_charge(struct reader *R, uint64_t *kb)
{
	struct ovc_smaps_acc a;
	struct sink k = { &a, NULL };
	int fd = ovc_proc_file_open(R->root.fd, "self/smaps");
	long rc;

	if (fd < 0)
		return -1;
	ovc_smaps_init(&a);
	rc = stream_lines(fd, R->chunk, sizeof(R->chunk), &k);
	close(fd);
	if (rc < 0)
		return -1;
	ovc_smaps_end(&a);
	if (a.bad)
		return -1;
	*kb = a.committed;
	return 0;
}

int ovc_live_read(const char *root, struct ovc_live_snap *s, struct ovc_err *e)
{
	struct reader *R;
	int rc;

	memset(s, 0, sizeof(*s));
	s->vm_swappiness = -1;
	if (!root)
		root = "/proc";
	if (strlen(root) >= sizeof(s->root))
		return ovc_err_set(e, OVC_E_RANGE, "the proc root path is longer than %zu bytes",
				   sizeof(s->root) - 1);
	strcpy(s->root, root);
	R = reader_new();
	if (!R)
		return ovc_err_set(e, OVC_E_NOMEM, "no memory for the /proc reader");
	rc = ovc_proc_root_open(&R->root, root);
	if (rc < 0) {
		if (e) {
			e->file = s->root;
			e->line = e->col = 0;
		}
		rc = ovc_err_set(e, OVC_E_IO, "cannot open it as a proc root: %s", strerror(-rc));
	} else {
		rc = read_machine(R, s, e);
		if (rc == 0)
			rc = read_procs(R, s, e);
		if (rc == 0)
			read_sysv(R, s);
		ovc_proc_root_close(&R->root);
	}
	reader_free(R);
	return rc;
}

/* Frees the processes (and their shmem objects) and the memory
 * cgroups; the rest (err_file, which an error may still point at) stays
 * as it was. */
void ovc_live_snap_free(struct ovc_live_snap *s)
{
	if (!s)
		return;
	for (size_t i = 0; i < s->nprocs; i++) {
		free(s->procs[i].shobjs);
		free(s->procs[i].fork_maps);
	}
	free(s->procs);
	s->procs = NULL;
	s->nprocs = 0;
	free(s->memcgs);
	s->memcgs = NULL;
	s->nmemcgs = 0;
}
