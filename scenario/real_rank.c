/* real_rank.c - a rank line on the real kernel: every named task as /proc shows what the OOM killer counts of it.
 *
 * The model's rank line records each process's badness and its parts. A
 * real kernel shows no badness, but it shows /proc/PID/oom_score (the
 * badness scaled, fs/proc/base.c proc_oom_score) and the parts in
 * /proc/PID/status (RssAnon, RssFile, RssShmem, VmSwap, VmPTE). So the
 * real row has those, and the task it would choose is the one with the
 * highest oom_score when that one is unique (a tie in the rounded score
 * says nothing about the badness behind it). Rows are the scenario's
 * named tasks, in creation order; the comparison pairs them by name.
 *
 * Units: the rows keep the model's units, pages (bytes for page tables).
 */
#define _GNU_SOURCE
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "scenario/ast.h"
#include "scenario/real.h"

void real_task_settle(struct ovc_real *X, int tix)
{
	struct real_msg m = { .cmd = RC_SETTLE };
	struct real_reply rp;
	struct real_task *T = &X->tasks[tix];

	if (T->dead || T->sock < 0 || T->vfork_child >= 0 || X->nm[T->name].exited)
		return;
	(void)real_task_call(X, tix, &m, -1, &rp);
}

static int read_number(int pid, const char *file, int64_t *v)
{
	char path[64], buf[32];

	snprintf(path, sizeof(path), "/proc/%d/%s", pid, file);
	if (real_read_small(path, buf, sizeof(buf)) < 0)
		return -1;
	*v = strtoll(buf, NULL, 10);
	return 0;
}

/* Is the task in the scenario cgroup named name (its path ends so)? */
static int in_cgroup(int pid, const char *name)
{
	char path[64], buf[512], want[80];
	size_t n = strlen(name);

	snprintf(path, sizeof(path), "/proc/%d/cgroup", pid);
	snprintf(want, sizeof(want), "/%s\n", name);
	if (real_read_small(path, buf, sizeof(buf)) < 0 || n + 2 > sizeof(want))
		return 0;
	return strstr(buf, want) != NULL;
}

/* Task tix as a row; -1 if it has no address space to show. */
static int task_row(struct ovc_real *X, int tix, struct ovc_oom_candidate *c)
{
	const struct real_task *T = &X->tasks[tix];
	uint64_t page_kb = X->page >> 10;
	struct ovc_real_status st;
	char path[64], buf[2048];
	int64_t score, adj;
	long n;

	snprintf(path, sizeof(path), "/proc/%d/status", T->pid);
	n = real_read_small(path, buf, sizeof(buf));
	if (n < 0 || ovc_real_status_oom_parse(buf, (size_t)n, &st) < 0 ||
	    read_number(T->pid, "oom_score", &score) < 0 ||
	    read_number(T->pid, "oom_score_adj", &adj) < 0)
		return -1;
	memset(c, 0, sizeof(*c));
	c->tid = tix;
	c->pid = c->tgid = T->pid;
	/* cut to 15 bytes, as the kernel's TASK_COMM_LEN */
	memcpy(c->comm, X->s->names[T->name].name,
	       strnlen(X->s->names[T->name].name, sizeof(c->comm) - 1));
	c->total_vm = st.vmsize_kb / page_kb;
	c->rss_anon = st.rss_anon_kb / page_kb;
	c->rss_file = st.rss_file_kb / page_kb;
	c->rss_shmem = st.rss_shmem_kb / page_kb;
	c->rss = c->rss_anon + c->rss_file + c->rss_shmem;
	c->swapents = st.swap_kb / page_kb;
	c->pgtables_bytes = st.pte_kb << 10;
	c->nr_ptes = st.pte_kb / page_kb;
	c->oom_score_adj = (int16_t)adj;
	c->oom_score = score > 0 ? (uint64_t)score : 0;
	return 0;
}

/* The unique highest oom_score above 0, or -1. */
static int chosen_of(const struct ovc_oom_candidate *rows, size_t n)
{
	int best = -1, tie = 0;

	for (size_t i = 0; i < n; i++) {
		if (!rows[i].oom_score)
			continue;
		if (best < 0 || rows[i].oom_score > rows[best].oom_score) {
			best = (int)i;
			tie = 0;
		} else if (rows[i].oom_score == rows[best].oom_score) {
			tie = 1;
		}
	}
	return tie ? -1 : best;
}

int real_op_rank(struct ovc_real *X)
{
	const struct sc_stmt *st = X->st;
	const char *cg = st->u.rank.cgroup >= 0 ? X->s->names[st->u.rank.cgroup].name : NULL;
	struct ovc_oom_candidate *rows = calloc(X->ntasks ? X->ntasks : 1, sizeof(*rows));
	const char **names = calloc(X->ntasks ? X->ntasks : 1, sizeof(*names));
	struct ovc_meminfo mi;
	size_t n = 0;
	int r;

	if (!rows || !names) {
		free(rows);
		free(names);
		return real_err(X, st->col, OVC_E_NOMEM, "out of memory");
	}
	for (size_t i = 0; i < X->ntasks; i++)
		real_task_settle(X, (int)i);
	for (size_t i = 0; i < X->ntasks; i++) {
		const struct real_task *T = &X->tasks[i];

		if (T->dead || X->nm[T->name].exited || (cg && !in_cgroup(T->pid, cg)))
			continue;
		if (task_row(X, (int)i, &rows[n]) == 0)
			names[n++] = X->s->names[T->name].name;
	}
	if (real_read_meminfo(&mi, NULL) < 0)
		memset(&mi, 0, sizeof(mi));
	r = ovc_trace_rank(X->t, st->line, cg, cg ? 0 : (mi.mem_total + mi.swap_total) / (X->page >> 10),
			   chosen_of(rows, n), rows, names, n);
	free(rows);
	free(names);
	return r < 0 ? real_err(X, st->col, OVC_E_NOMEM, "out of memory") : 0;
}
