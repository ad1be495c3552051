/* parse.h - the scenario parser's internal helpers, shared by parse.c, parse_ops.c and parse_expect.c. */
#ifndef OVC_SCENARIO_PARSE_H
#define OVC_SCENARIO_PARSE_H

#include <stddef.h>
#include <stdint.h>

#include "scenario/ast.h"

struct parser {
	struct ovc_scenario *s;
	struct ovc_err *e;
	const char *fname;
	const struct sc_line *ln;	/* the line being parsed */
	unsigned setup_end;		/* first operation or expect line: the setup ends */
	unsigned steps;			/* lines so far that will be trace steps */
	unsigned first_task;		/* first task or operation */
	unsigned state_line;
	unsigned ncpus;			/* from the machine line */
	unsigned *hash;			/* name lookup (parse_words.c) */
	size_t hcap;
};

/* Errors at a column of the current line; all return a negative OVC_E_*. */
int p_err(struct parser *P, unsigned col, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));
/* "expected WHAT, got WORD" (or "got nothing" past the end of the line). */
int p_expected(struct parser *P, size_t i, const char *what);
/* "unexpected WORD after KEYWORD" for a word an operation does not take. */
int p_unexpected(struct parser *P, size_t i);
int p_nomem(struct parser *P);
/* Fails unless word i is the end of the line. */
int p_end(struct parser *P, size_t i);

/* Names. p_name_new checks word i can name a new kind; p_name_add adds it. */
int p_name_new(struct parser *P, size_t i, enum sc_kind kind);
int p_name_add(struct parser *P, size_t i, enum sc_kind kind, int owner, int *idx);
int p_name_use(struct parser *P, size_t i, enum sc_kind kind, int *idx);
/* The same for a name that is part of a word (the value of KEY=NAME). */
int p_name_ref(struct parser *P, const struct sc_word *w, enum sc_kind kind, int *idx);
/* `as NAME` at word *i (which is "as"): defines NAME, advances *i past it. */
int p_as(struct parser *P, size_t *i, enum sc_kind kind, int owner, int *idx);
/* REGION or TASK:REGION at word i. */
int p_region(struct parser *P, size_t i, struct sc_ref *ref);

/* Values. */
int p_int(struct parser *P, const struct sc_word *w, int64_t min, int64_t max,
	  const char *what, int64_t *v);
int p_addr(struct parser *P, const struct sc_word *w, uint64_t *v);
/* A size at word *i (with a unit word after it); advances *i past it. */
int p_size(struct parser *P, size_t *i, int fields, struct sc_size *z);
/* A size given as the value v of KEY=v at word *i; advances *i. */
int p_size_value(struct parser *P, size_t *i, const struct sc_word *v,
		 int fields, struct sc_size *z);
/* A constant size (no meminfo names), evaluated now. */
int p_const_size(struct parser *P, size_t *i, const struct sc_word *v, uint64_t *bytes);
/* A duration: digits and a unit, together (`600s`, `90min`): ms, s (the
 * default), min, h, d; at most SC_DURATION_MAX_MS. Into milliseconds. */
#define SC_DURATION_MAX_MS	(10000000000ull * 1000)	/* 10^10 s, about 317 years */
int p_duration(struct parser *P, const struct sc_word *w, const char *what, uint64_t *ms);
/* A flag word: `word` alone sets *v to 1, `word=0` / `word=1` to that.
 * Returns 1 if w is the flag, 0 if it is not, or a parse error. */
int p_flag(struct parser *P, const struct sc_word *w, const char *word, int *v);
/* If w is KEY=VALUE for this key, set *v to VALUE and return 1. */
int p_kv(const struct sc_word *w, const char *key, struct sc_word *v);
/* Fails if bit was already seen (an option given twice). */
int p_once(struct parser *P, size_t i, uint32_t *seen, uint32_t bit);
/* PROT word: r, w, x in that order, or none. -1 if w is not one. */
int p_prot(const struct sc_word *w);
/* off=SIZE and len=SIZE at word *i: 1 if taken (and *i advanced), 0 if not. */
int p_part(struct parser *P, size_t *i, struct sc_ref *ref, uint32_t *seen);

/* Statement parsers (word 0 is the keyword). */
typedef int (*p_stmt_fn)(struct parser *P, struct sc_stmt *st);
int p_mmap(struct parser *P, struct sc_stmt *st);
int p_munmap(struct parser *P, struct sc_stmt *st);
int p_mprotect(struct parser *P, struct sc_stmt *st);
int p_mremap(struct parser *P, struct sc_stmt *st);
int p_brk(struct parser *P, struct sc_stmt *st);
int p_madvise(struct parser *P, struct sc_stmt *st);
int p_touch(struct parser *P, struct sc_stmt *st);
int p_fork(struct parser *P, struct sc_stmt *st);
int p_exec(struct parser *P, struct sc_stmt *st);
int p_exit(struct parser *P, struct sc_stmt *st);
int p_read(struct parser *P, struct sc_stmt *st);
int p_drop_caches(struct parser *P, struct sc_stmt *st);
int p_shmget(struct parser *P, struct sc_stmt *st);
int p_shmat(struct parser *P, struct sc_stmt *st);
int p_shmdt(struct parser *P, struct sc_stmt *st);
int p_shmrm(struct parser *P, struct sc_stmt *st);
int p_rlimit(struct parser *P, struct sc_stmt *st);
int p_mlockall(struct parser *P, struct sc_stmt *st);
int p_expect(struct parser *P, struct sc_stmt *st);
/* parse_oom.c */
int p_cgroup(struct parser *P, struct sc_stmt *st);
int p_clock(struct parser *P, struct sc_stmt *st);
int p_adj_write(struct parser *P, struct sc_stmt *st);
int p_rank(struct parser *P, struct sc_stmt *st);

#endif
