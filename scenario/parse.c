/* parse.c - scenario parser: the statement table, ordering rules and the machine, state, sysctl, task and file lines.
 *
 * Each line is one statement; its first word picks a row of stmt_table,
 * whose function reads the remaining words into a struct sc_stmt. The
 * rules about where a statement may appear (machine first, state before
 * the first operation, ...) are checked here once for all. Operations are
 * in parse_ops.c, expect lines in parse_expect.c.
 */
#include <stdlib.h>
#include <string.h>

#include "ovc/ops.h"
#include "ovc/profile.h"
#include "scenario/parse.h"

const char *const sc_op_text[SC_OP_COUNT] = {
	[SC_KERNEL] = "kernel", [SC_MACHINE] = "machine", [SC_STATE] = "state",
	[SC_SYSCTL] = "sysctl", [SC_HUGEPAGES] = "hugepages", [SC_TASKLINE] = "task",
	[SC_FILELINE] = "file", [SC_MMAP] = "mmap", [SC_MUNMAP] = "munmap",
	[SC_MPROTECT] = "mprotect", [SC_MREMAP] = "mremap", [SC_BRK] = "brk",
	[SC_MADVISE] = "madvise", [SC_TOUCH] = "touch", [SC_FORK] = "fork",
	[SC_VFORK] = "vfork", [SC_THREAD] = "thread", [SC_EXEC] = "exec",
	[SC_EXIT] = "exit", [SC_READ] = "read", [SC_DROP_CACHES] = "drop_caches",
	[SC_SHMGET] = "shmget", [SC_SHMAT] = "shmat", [SC_SHMDT] = "shmdt",
	[SC_SHMRM] = "shmrm", [SC_RLIMIT] = "rlimit", [SC_MLOCKALL] = "mlockall",
	[SC_EXPECT] = "expect", [SC_CGROUPLINE] = "cgroup", [SC_CLOCK] = "clock",
	[SC_OOM_SCORE_ADJ] = "oom_score_adj", [SC_OOM_ADJ] = "oom_adj", [SC_RANK] = "rank",
};

#define PAGE_MIN	4096ull
#define PAGE_MAX	(256ull << 10)
#define MEM_MAX		(1ull << 50)	/* 1 PiB: kB and page counts stay far from overflow */

static int is_pow2(uint64_t v)
{
	return v && !(v & (v - 1));
}

/* ---- kernel ---- */

static int p_kernel(struct parser *P, struct sc_stmt *st)
{
	const struct sc_word *w;
	struct ovc_profile prof;
	struct ovc_err e2 = { 0 };
	char spec[sizeof(prof.name)], q[64];

	if (P->ln->n < 2)
		return p_expected(P, 1, "a kernel version");
	w = &P->ln->w[1];
	sc_quote(q, sizeof(q), w->s, w->len);
	if (w->len >= sizeof(spec))
		return p_err(P, w->col, "unknown kernel %s", q);
	memcpy(spec, w->s, w->len);
	spec[w->len] = '\0';
	if (ovc_profile_for(spec, &prof, &e2) < 0)
		return p_err(P, w->col, "%s", e2.msg);
	P->s->kernel = strdup(spec);
	if (!P->s->kernel)
		return p_nomem(P);
	P->s->kernel_line = st->line;
	P->s->kernel_col = w->col;
	return p_end(P, 2);
}

/* ---- machine ---- */

static int machine_page(struct parser *P, struct sc_machine_args *m)
{
	struct sc_word v;
	size_t i;
	int r;

	P->s->page_size = 0;	/* "page=1p" has no meaning */
	for (i = 1; i < P->ln->n; i++) {
		if (!p_kv(&P->ln->w[i], "page", &v))
			continue;
		r = p_const_size(P, &i, &v, &m->page);
		if (r < 0)
			return r;
		if (!is_pow2(m->page) || m->page < PAGE_MIN || m->page > PAGE_MAX)
			return p_err(P, v.col, "page= must be a power of two from 4k to 256k");
		break;
	}
	P->s->page_size = m->page ? m->page : PAGE_MIN;
	return 0;
}

enum { MK_RAM, MK_SWAP, MK_PAGE, MK_HUGEPAGESIZE, MK_CPUS, MK_HUGEPAGES, MK_UPTIME, MK_COUNT };
static const char *const machine_keys[MK_COUNT] = {
	[MK_RAM] = "ram", [MK_SWAP] = "swap", [MK_PAGE] = "page",
	[MK_HUGEPAGESIZE] = "hugepagesize", [MK_CPUS] = "cpus",
	[MK_HUGEPAGES] = "hugepages", [MK_UPTIME] = "uptime",
};

/* One KEY=VALUE of the machine line at word *i; advances *i. */
static int machine_kv(struct parser *P, size_t *i, struct sc_machine_args *m, uint32_t *seen)
{
	struct sc_word v;
	uint64_t page;
	int64_t n = 0;
	int k, r;

	for (k = 0; k < MK_COUNT; k++)
		if (p_kv(&P->ln->w[*i], machine_keys[k], &v))
			break;
	if (k == MK_COUNT)
		return p_unexpected(P, *i);
	r = p_once(P, *i, seen, 1u << k);
	if (r < 0)
		return r;
	switch (k) {
	case MK_RAM:
		return p_const_size(P, i, &v, &m->ram);
	case MK_SWAP:
		m->has_swap = 1;
		return p_const_size(P, i, &v, &m->swap);
	case MK_PAGE:	/* read first, by machine_page */
		return p_const_size(P, i, &v, &page);
	case MK_HUGEPAGESIZE:
		return p_const_size(P, i, &v, &m->hugepagesize);
	case MK_CPUS:
		(*i)++;
		r = p_int(P, &v, 1, 8192, "cpus=", &n);
		m->cpus = (uint64_t)n;
		return r;
	case MK_UPTIME:
		(*i)++;
		return p_duration(P, &v, "uptime=", &m->uptime_ms);
	default:
		(*i)++;
		m->has_hugepages = 1;
		r = p_int(P, &v, 0, UINT32_MAX, "hugepages=", &n);
		m->hugepages = (uint64_t)n;
		return r;
	}
}

static int p_machine(struct parser *P, struct sc_stmt *st)
{
	struct sc_machine_args *m = &st->u.machine;
	uint32_t seen = 0;
	size_t i = 1;
	int r = machine_page(P, m);

	while (r == 0 && i < P->ln->n)
		r = machine_kv(P, &i, m, &seen);
	if (r < 0)
		return r;
	if (!(seen & (1u << MK_RAM)))
		return p_err(P, st->col, "machine needs ram=SIZE");
	if (m->ram < (1ull << 20) || m->ram > MEM_MAX)
		return p_err(P, st->col, "ram= must be from 1M to 1024T");
	if (m->swap > MEM_MAX)
		return p_err(P, st->col, "swap= must be at most 1024T");
	if ((seen & (1u << MK_HUGEPAGESIZE)) && (!is_pow2(m->hugepagesize) || m->hugepagesize < P->s->page_size ||
			   m->hugepagesize > (16ull << 30)))
		return p_err(P, st->col, "hugepagesize= must be a power of two from the page size to 16G");
	P->ncpus = m->cpus ? (unsigned)m->cpus : 1;
	P->s->machine_line = st->line;
	return 0;
}

/* ---- state ---- */

static const char *const state_keys[SC_ST_COUNT] = {
	[SC_ST_FREE] = "free", [SC_ST_FILE] = "file", [SC_ST_BUFFERS] = "buffers",
	[SC_ST_SHMEM] = "shmem", [SC_ST_ANON] = "anon", [SC_ST_SLAB] = "slab",
	[SC_ST_UNRECLAIMABLE] = "unreclaimable", [SC_ST_RECLAIMABLE] = "reclaimable",
	[SC_ST_SWAPFREE] = "swapfree", [SC_ST_TOTALRESERVE] = "totalreserve",
	[SC_ST_COMMITTED] = "committed", [SC_ST_BOOTFREE] = "bootfree",
};

static int p_state(struct parser *P, struct sc_stmt *st)
{
	struct sc_word v;
	size_t i = 1;
	int k, r;

	if (P->ln->n < 2)
		return p_expected(P, 1, "KEY=SIZE");
	while (i < P->ln->n) {
		for (k = 0; k < SC_ST_COUNT; k++)
			if (p_kv(&P->ln->w[i], state_keys[k], &v))
				break;
		if (k == SC_ST_COUNT)
			return p_unexpected(P, i);
		r = p_once(P, i, &st->u.state.given, 1u << k);
		if (r == 0)
			r = p_const_size(P, &i, &v, &st->u.state.v[k]);
		if (r < 0)
			return r;
		if (st->u.state.v[k] > MEM_MAX)
			return p_err(P, v.col, "%s= must be at most 1024T", state_keys[k]);
	}
	return 0;
}

/* ---- sysctl, hugepages ---- */

static int p_sysctl(struct parser *P, struct sc_stmt *st)
{
	const struct sc_word *w;
	const char *eq;
	struct sc_word v;
	char name[SC_NAME_MAX + 1], q[64];
	size_t n;

	if (P->ln->n < 2)
		return p_expected(P, 1, "vm.NAME=VALUE");
	w = &P->ln->w[1];
	eq = memchr(w->s, '=', w->len);
	if (!eq)
		return p_expected(P, 1, "vm.NAME=VALUE");
	n = (size_t)(eq - w->s);
	sc_quote(q, sizeof(q), w->s, n);
	st->u.sysctl.key = -1;
	if (n < sizeof(name)) {
		memcpy(name, w->s, n);
		name[n] = '\0';
		st->u.sysctl.key = ovc_sysctl_lookup(name);
	}
	if (st->u.sysctl.key < 0)
		return p_err(P, w->col, "unknown sysctl %s", q);
	v.s = eq + 1;
	v.len = w->len - n - 1;
	v.col = w->col + (unsigned)n + 1;
	if (p_int(P, &v, INT64_MIN, INT64_MAX, "a number", &st->u.sysctl.value) < 0)
		return -OVC_E_PARSE;
	return p_end(P, 2);
}

static int p_hugepages(struct parser *P, struct sc_stmt *st)
{
	if (P->ln->n < 2)
		return p_expected(P, 1, "a number of huge pages");
	st->u.sysctl.key = OVC_SYSCTL_NR_HUGEPAGES;
	if (p_int(P, &P->ln->w[1], 0, UINT32_MAX, "a number of huge pages",
		  &st->u.sysctl.value) < 0)
		return -OVC_E_PARSE;
	return p_end(P, 2);
}

/* ---- task, file ---- */

enum {
	TK_UID, TK_PID, TK_ADMIN, TK_PARENT, TK_ADJ, TK_NICE, TK_CPU, TK_COMM, TK_OOM_ADJ,
	TK_CPUTIME, TK_START, TK_CAP_RESOURCE, TK_CAP_RAWIO, TK_CGROUP, TK_COUNT
};
static const char *const task_keys[TK_COUNT] = {
	[TK_UID] = "uid", [TK_PID] = "pid", [TK_ADMIN] = "admin", [TK_PARENT] = "parent",
	[TK_ADJ] = "adj", [TK_NICE] = "nice", [TK_CPU] = "cpu", [TK_COMM] = "comm",
	[TK_OOM_ADJ] = "oom_adj", [TK_CPUTIME] = "cputime", [TK_START] = "start",
	[TK_CAP_RESOURCE] = "cap_sys_resource", [TK_CAP_RAWIO] = "cap_sys_rawio",
	[TK_CGROUP] = "cgroup",
};

/* The flags: a word alone, or =0 / =1. */
static int task_flag(struct parser *P, const struct sc_word *w, struct sc_task_args *t, int *k)
{
	static const int flags[] = { TK_ADMIN, TK_CAP_RESOURCE, TK_CAP_RAWIO };
	int *dst[] = { &t->admin, &t->cap_resource, &t->cap_rawio };

	for (size_t i = 0; i < sizeof(flags) / sizeof(flags[0]); i++) {
		int v = 0, r = p_flag(P, w, task_keys[flags[i]], &v);

		if (r == 0)
			continue;
		*k = flags[i];
		if (r > 0)
			*dst[i] = v;
		return r;
	}
	return 0;
}

/* The OOM killer's attributes (2.6.32 badness and the cgroup). */
static int task_oom_kv(struct parser *P, int k, const struct sc_word *v, struct sc_task_args *t)
{
	uint64_t ms = 0;
	int64_t n = 0;
	int r;

	switch (k) {
	case TK_OOM_ADJ:
		r = p_int(P, v, -17, 15, "oom_adj=", &n);	/* OOM_DISABLE..OOM_ADJUST_MAX */
		t->oom_adj = (int)n;
		t->has_oom_adj = 1;
		return r;
	case TK_CPUTIME:
		return p_duration(P, v, "cputime=", &t->cputime_ms);
	case TK_START:
		r = p_duration(P, v, "start=", &ms);
		t->start_s = ms / 1000;	/* start_time.tv_sec: whole seconds */
		t->start_col = v->col;
		t->has_start = 1;
		return r;
	default:
		return p_name_ref(P, v, SC_CGROUP, &t->cgroup);
	}
}

static int task_kv(struct parser *P, size_t i, struct sc_task_args *t, uint32_t *seen)
{
	const struct sc_word *w = &P->ln->w[i];
	struct sc_word v;
	int64_t n = 0;
	int k = TK_COUNT, r;

	r = task_flag(P, w, t, &k);
	if (r < 0)
		return r;
	if (r == 0)
		for (k = 0; k < TK_COUNT; k++)
			if (p_kv(w, task_keys[k], &v))
				break;
	if (k == TK_COUNT)
		return p_unexpected(P, i);
	if ((k == TK_ADJ && (*seen & (1u << TK_OOM_ADJ))) ||
	    (k == TK_OOM_ADJ && (*seen & (1u << TK_ADJ))))
		return p_err(P, w->col, "give one of adj= and oom_adj=");
	r = p_once(P, i, seen, 1u << k);
	if (r < 0)
		return r;
	switch (k) {
	case TK_ADMIN:
	case TK_CAP_RESOURCE:
	case TK_CAP_RAWIO:
		return 0;	/* task_flag read it */
	case TK_UID:
		return p_int(P, &v, 0, UINT32_MAX - 1, "uid=", &t->uid);
	case TK_PID:
		return p_int(P, &v, 1, 4194304, "pid=", &t->pid);	/* PID_MAX_LIMIT */
	case TK_PARENT:
		return p_name_ref(P, &v, SC_TASK, &t->parent);
	case TK_ADJ:
		r = p_int(P, &v, -1000, 1000, "adj=", &n);	/* OOM_SCORE_ADJ_MIN..MAX */
		t->adj = (int)n;
		return r;
	case TK_NICE:
		r = p_int(P, &v, -20, 19, "nice=", &n);
		t->nice = (int)n;
		return r;
	case TK_CPU:
		r = p_int(P, &v, 0, (int64_t)P->ncpus - 1, "cpu=", &n);
		t->cpu = (unsigned)n;
		return r;
	case TK_COMM:
		if (v.len == 0)
			return p_expected(P, i, "comm=WORD");
		memcpy(t->comm, v.s, v.len < 15 ? v.len : 15);	/* TASK_COMM_LEN */
		return 0;
	default:
		return task_oom_kv(P, k, &v, t);
	}
}

static int p_task(struct parser *P, struct sc_stmt *st)
{
	struct sc_task_args *t = &st->u.task;
	const struct sc_word *w;
	uint32_t seen = 0;
	size_t i;
	int r = p_name_new(P, 1, SC_TASK);

	if (r < 0)
		return r;
	t->uid = 0;
	t->admin = t->cap_resource = t->cap_rawio = -1;
	t->parent = t->cgroup = -1;
	for (i = 2; i < P->ln->n; i++) {
		r = task_kv(P, i, t, &seen);
		if (r < 0)
			return r;
	}
	w = &P->ln->w[1];
	if (!t->comm[0])
		memcpy(t->comm, w->s, w->len < 15 ? w->len : 15);
	return p_name_add(P, 1, SC_TASK, -1, &st->def);
}

static int p_file(struct parser *P, struct sc_stmt *st)
{
	size_t i = 2;
	int r = p_name_add(P, 1, SC_FILE, -1, &st->def);

	if (r == 0)
		r = p_size(P, &i, 1, &st->size);
	return r < 0 ? r : p_end(P, i);
}

/* ---- statements and where they may appear ---- */

enum { CL_KERNEL, CL_MACHINE, CL_STATE, CL_CONFIG, CL_TASK, CL_DECL, CL_OP, CL_EXPECT };

static const struct stmt_kind {
	const char *kw;
	enum sc_op op;
	p_stmt_fn parse;
	int cls;
} stmt_table[] = {
	{ "kernel", SC_KERNEL, p_kernel, CL_KERNEL },
	{ "machine", SC_MACHINE, p_machine, CL_MACHINE },
	{ "state", SC_STATE, p_state, CL_STATE },
	{ "sysctl", SC_SYSCTL, p_sysctl, CL_CONFIG },
	{ "hugepages", SC_HUGEPAGES, p_hugepages, CL_CONFIG },
	{ "task", SC_TASKLINE, p_task, CL_TASK },
	{ "file", SC_FILELINE, p_file, CL_DECL },
	{ "mmap", SC_MMAP, p_mmap, CL_OP },
	{ "munmap", SC_MUNMAP, p_munmap, CL_OP },
	{ "mprotect", SC_MPROTECT, p_mprotect, CL_OP },
	{ "mremap", SC_MREMAP, p_mremap, CL_OP },
	{ "brk", SC_BRK, p_brk, CL_OP },
	{ "madvise", SC_MADVISE, p_madvise, CL_OP },
	{ "touch", SC_TOUCH, p_touch, CL_OP },
	{ "fork", SC_FORK, p_fork, CL_OP },
	{ "vfork", SC_VFORK, p_fork, CL_OP },
	{ "thread", SC_THREAD, p_fork, CL_OP },
	{ "exec", SC_EXEC, p_exec, CL_OP },
	{ "exit", SC_EXIT, p_exit, CL_OP },
	{ "read", SC_READ, p_read, CL_OP },
	{ "drop_caches", SC_DROP_CACHES, p_drop_caches, CL_OP },
	{ "shmget", SC_SHMGET, p_shmget, CL_OP },
	{ "shmat", SC_SHMAT, p_shmat, CL_OP },
	{ "shmdt", SC_SHMDT, p_shmdt, CL_OP },
	{ "shmrm", SC_SHMRM, p_shmrm, CL_OP },
	{ "rlimit", SC_RLIMIT, p_rlimit, CL_OP },
	{ "mlockall", SC_MLOCKALL, p_mlockall, CL_OP },
	{ "expect", SC_EXPECT, p_expect, CL_EXPECT },
	{ "cgroup", SC_CGROUPLINE, p_cgroup, CL_TASK },
	{ "clock", SC_CLOCK, p_clock, CL_OP },
	{ "oom_score_adj", SC_OOM_SCORE_ADJ, p_adj_write, CL_OP },
	{ "oom_adj", SC_OOM_ADJ, p_adj_write, CL_OP },
	{ "rank", SC_RANK, p_rank, CL_EXPECT },
};

/* Is kind k allowed here? Updates the markers the later rules read.
 * The setup (boot configuration, silent tasks) is every line before the
 * first operation or expect line: an expect line checks the state at its
 * place, so a sysctl after it must be a change at run time. */
static int order(struct parser *P, const struct stmt_kind *k)
{
	const struct ovc_scenario *s = P->s;
	unsigned col = P->ln->w[0].col, line = P->ln->no;

	/* Everything but kernel needs the machine: its page size gives `p`
	 * units their meaning, and its CPUs bound cpu=. */
	if (k->cls > CL_MACHINE && !s->machine_line) {
		if (k->cls == CL_TASK || k->cls == CL_OP)
			return p_err(P, col, "\"machine\" must come before the first task or operation");
		return p_err(P, col, "\"machine\" must come before \"%s\"", k->kw);
	}
	switch (k->cls) {
	case CL_KERNEL:
		if (s->kernel)
			return p_err(P, col, "\"kernel\" is already given at line %u", s->kernel_line);
		if (P->first_task)
			return p_err(P, col, "\"kernel\" must come before the first task or operation");
		return 0;
	case CL_MACHINE:
		if (s->machine_line)
			return p_err(P, col, "\"machine\" is already given at line %u", s->machine_line);
		return 0;
	case CL_STATE:
		if (P->state_line)
			return p_err(P, col, "\"state\" is already given at line %u", P->state_line);
		if (P->setup_end)
			return p_err(P, col, "\"state\" must come before the first operation or expect line");
		P->state_line = line;
		break;
	case CL_OP:
		if (!P->first_task)
			P->first_task = line;
		/* fall through */
	case CL_EXPECT:
		if (!P->setup_end)
			P->setup_end = line;
		break;
	case CL_TASK:
		if (!P->first_task)
			P->first_task = line;
		break;
	}
	/* After the setup, task and sysctl lines are steps too. */
	if (k->cls == CL_OP || (P->setup_end && (k->cls == CL_TASK || k->cls == CL_CONFIG)))
		P->steps++;
	return 0;
}

static struct sc_stmt *new_stmt(struct parser *P)
{
	struct ovc_scenario *s = P->s;
	struct sc_stmt *st;

	if (s->nst == s->cap_st) {
		size_t cap = s->cap_st ? s->cap_st * 2 : 32;

		st = realloc(s->st, cap * sizeof(*st));
		if (!st)
			return NULL;
		s->st = st;
		s->cap_st = cap;
	}
	st = &s->st[s->nst];
	memset(st, 0, sizeof(*st));
	st->text = malloc(P->ln->textlen + 1);
	if (!st->text)
		return NULL;
	memcpy(st->text, P->ln->text, P->ln->textlen);
	st->text[P->ln->textlen] = '\0';
	s->nst++;
	st->line = P->ln->no;
	st->col = P->ln->w[0].col;
	st->arg_col = P->ln->n > 1 ? P->ln->w[1].col : st->col;
	st->task = st->def = -1;
	st->ref.name = st->ref.task = -1;
	return st;
}

static int parse_line(struct parser *P)
{
	const struct sc_word *w0 = &P->ln->w[0];
	const struct stmt_kind *k = NULL;
	struct sc_stmt *st;
	char q[64];
	size_t i;
	int r;

	for (i = 0; i < sizeof(stmt_table) / sizeof(stmt_table[0]) && !k; i++)
		if (sc_word_is(w0, stmt_table[i].kw))
			k = &stmt_table[i];
	if (!k)
		return p_err(P, w0->col, "unknown statement %s",
			     sc_quote(q, sizeof(q), w0->s, w0->len));
	r = order(P, k);
	if (r < 0)
		return r;
	st = new_stmt(P);
	if (!st)
		return p_nomem(P);
	st->op = k->op;
	st->setup = !P->setup_end;
	return k->parse(P, st);
}

int ovc_scenario_parse(const char *buf, size_t len, const char *fname,
		       struct ovc_scenario **out, struct ovc_err *e)
{
	struct parser P = { .e = e, .fname = fname, .ncpus = 1 };
	struct sc_lexer lx;
	struct sc_line ln;
	int r;

	*out = NULL;
	P.s = calloc(1, sizeof(*P.s));
	if (!P.s || (fname && !(P.s->fname = strdup(fname)))) {
		ovc_scenario_free(P.s);
		return sc_error(e, OVC_E_NOMEM, fname, 0, 0, "out of memory");
	}
	P.s->page_size = PAGE_MIN;
	P.s->err_fname = fname;
	P.ln = &ln;
	sc_lex_init(&lx, buf, len, fname);
	while ((r = sc_lex_line(&lx, &ln, e)) > 0) {
		r = parse_line(&P);
		if (r < 0)
			break;
	}
	free(P.hash);
	if (r == 0 && !P.s->machine_line)
		r = sc_error(e, OVC_E_PARSE, fname, 1, 1,
			     "the scenario has no \"machine\" line");
	if (r < 0) {
		ovc_scenario_free(P.s);
		return r;
	}
	P.s->err_fname = P.s->fname;
	*out = P.s;
	return 0;
}

void ovc_scenario_free(struct ovc_scenario *s)
{
	size_t i;

	if (!s)
		return;
	for (i = 0; i < s->nst; i++)
		free(s->st[i].text);
	free(s->st);
	free(s->names);
	free(s->ex);
	free(s->kernel);
	free(s->fname);
	free(s);
}

const char *ovc_scenario_kernel(const struct ovc_scenario *s)
{
	return s ? s->kernel : NULL;
}
