/* ast.h - the scenario front end's internal types: words, names, expressions, statements.
 *
 * Shared by lex.c, parse*.c, expr.c and run*.c (and the unit tests, which
 * check the shape of what the parser builds). Not installed.
 *
 * Units: sizes in bytes (as written, not yet rounded to pages); counts as
 * written.
 */
#ifndef OVC_SCENARIO_AST_H
#define OVC_SCENARIO_AST_H

#include <stddef.h>
#include <stdint.h>

#include "ovc/err.h"
#include "ovc/view.h"
#include "scenario/scenario.h"

#define SC_LINE_MAX	4096	/* bytes per line, newline excluded */
#define SC_NAME_MAX	63	/* bytes per name */
#define SC_WORDS_MAX	64	/* words per statement */
#define SC_DEPTH_MAX	32	/* nested parentheses in an expression */

/* ---- lexer ---- */

struct sc_word {
	const char *s;		/* into the input buffer (parse time only) */
	size_t len;
	unsigned col;		/* 1-based byte column */
};

struct sc_line {
	unsigned no;		/* 1-based line number */
	const char *text;	/* from the first word to the end of the last */
	size_t textlen;
	size_t n;
	struct sc_word w[SC_WORDS_MAX];
};

struct sc_lexer {
	const char *buf;
	size_t len, pos;
	unsigned line;
	const char *fname;
};

void sc_lex_init(struct sc_lexer *lx, const char *buf, size_t len, const char *fname);
/* The next line that has words: 1, or 0 at the end, or -OVC_E_PARSE. */
int sc_lex_line(struct sc_lexer *lx, struct sc_line *out, struct ovc_err *e);

/* Fill e (if not NULL) with code, position and message; returns -code. */
int sc_error(struct ovc_err *e, int code, const char *fname, unsigned line,
	     unsigned col, const char *fmt, ...) __attribute__((format(printf, 6, 7)));
/* s[0..len) as "s" for a message: escaped, cut to about 40 bytes. */
const char *sc_quote(char *dst, size_t n, const char *s, size_t len);
int sc_word_is(const struct sc_word *w, const char *lit);

/* ---- names ---- */

enum sc_kind { SC_TASK = 1, SC_REGION, SC_SEGMENT, SC_FILE, SC_CGROUP };

struct sc_name {
	char name[SC_NAME_MAX + 1];
	enum sc_kind kind;
	unsigned line;		/* where it is defined */
	int owner;		/* region: the task that made it; cgroup: its parent
				 * cgroup (-1: the root); name indices; else -1 */
};

/* ---- expressions ---- */

enum sc_ex_op { SC_EX_LIT, SC_EX_FIELD, SC_EX_ADD, SC_EX_SUB, SC_EX_MUL, SC_EX_DIV };

struct sc_expr {
	enum sc_ex_op op;
	unsigned col;		/* of the term or operator */
	uint64_t v;		/* SC_EX_LIT: bytes */
	const char *field;	/* SC_EX_FIELD: meminfo name (static string) */
	int a, b;		/* operands (node indices) */
};

/* A size: literal bytes, or an expression evaluated when the line runs. */
struct sc_size {
	int expr;		/* 1 + node index; 0: the literal (so zeroed is 0 bytes) */
	uint64_t bytes;
	unsigned col;
};

/* ---- statements ---- */

enum sc_op {
	SC_KERNEL, SC_MACHINE, SC_STATE, SC_SYSCTL, SC_HUGEPAGES, SC_TASKLINE, SC_FILELINE,
	SC_MMAP, SC_MUNMAP, SC_MPROTECT, SC_MREMAP, SC_BRK, SC_MADVISE, SC_TOUCH,
	SC_FORK, SC_VFORK, SC_THREAD, SC_EXEC, SC_EXIT, SC_READ, SC_DROP_CACHES,
	SC_SHMGET, SC_SHMAT, SC_SHMDT, SC_SHMRM, SC_RLIMIT, SC_MLOCKALL,
	SC_EXPECT,
	/* the OOM killer's side (parse_oom.c, run_oom.c) */
	SC_CGROUPLINE, SC_CLOCK, SC_OOM_SCORE_ADJ, SC_OOM_ADJ, SC_RANK,
	SC_OP_COUNT
};

/* A region (or file, for read) and the part of it a statement names. */
struct sc_ref {
	int name;		/* name index, or -1 */
	int task;		/* acting task: TASK of TASK:REGION, else the owner */
	uint8_t has_off, has_len;
	struct sc_size off, len;
};

enum sc_state_key {
	SC_ST_FREE, SC_ST_FILE, SC_ST_BUFFERS, SC_ST_SHMEM, SC_ST_ANON, SC_ST_SLAB,
	SC_ST_UNRECLAIMABLE, SC_ST_RECLAIMABLE, SC_ST_SWAPFREE, SC_ST_TOTALRESERVE,
	SC_ST_COMMITTED, SC_ST_BOOTFREE, SC_ST_COUNT
};

struct sc_machine_args {
	uint64_t ram, swap, page, hugepagesize;	/* bytes; 0 = not given */
	uint64_t cpus, hugepages;		/* 0 = not given (hugepages: has_) */
	uint64_t uptime_ms;			/* time since boot at the start */
	uint8_t has_swap, has_hugepages;
};

struct sc_task_args {
	int64_t uid, pid;	/* uid -1: 0; pid 0: next free */
	int admin;		/* -1: uid == 0 */
	int cap_resource;	/* CAP_SYS_RESOURCE; -1: as admin */
	int cap_rawio;		/* CAP_SYS_RAWIO; -1: as admin */
	int parent;		/* name index, or -1 */
	int cgroup;		/* cgroup name index, or -1: the root */
	int adj, nice;
	int oom_adj;		/* legacy /proc/PID/oom_adj, when has_oom_adj */
	uint8_t has_oom_adj, has_start;
	unsigned cpu;
	unsigned start_col;	/* of start='s value */
	uint64_t cputime_ms;	/* utime + stime so far */
	uint64_t start_s;	/* uptime when it started (has_start; else: now) */
	char comm[16];
};

/* `cgroup NAME ...`: a memory cgroup below its parent (the root). */
struct sc_cgroup_args {
	int parent;		/* cgroup name index, or -1: the root */
	uint8_t has_max, has_swap_max, oom_group;
	uint8_t max_unlimited, swap_unlimited;	/* max=max, swap.max=max */
	int swappiness;		/* -1: not given (60) */
	struct sc_size max, swap_max;
};

enum sc_expect_kind {
	SC_X_RESULT, SC_X_MEMINFO, SC_X_COMMITTED, SC_X_VMAS, SC_X_RSS, SC_X_VMSIZE,
	SC_X_COMMIT_PCT, SC_X_SYSCTL,
	SC_X_KILLED, SC_X_SURVIVES, SC_X_OOM_SCORE, SC_X_BADNESS, SC_X_PANIC, SC_X_OOM_KILLS
};
enum sc_cmp { SC_EQ, SC_NE, SC_LT, SC_LE, SC_GT, SC_GE };

#define SC_OOM (-1)	/* sc_expect.err for `expect OOM` */

struct sc_cond {		/* `if kernel CMP VERSION` */
	uint8_t on, rhel6;
	uint8_t parts;		/* components written: 4.19 is 2 */
	enum sc_cmp cmp;
	unsigned kver;		/* OVC_KV */
};

struct sc_expect {
	enum sc_expect_kind kind;
	enum sc_cmp cmp;
	int err;		/* RESULT: errno value, 0 for ok, SC_OOM */
	const char *field;	/* MEMINFO: the name (static string) */
	uint8_t count;		/* MEMINFO: a HugePages_ count, not a size */
	int key;		/* SYSCTL: enum ovc_sysctl_key */
	int cgroup;		/* BADNESS: cgroup name index of cgroup=, or -1 */
	struct sc_size size;	/* MEMINFO (sizes), COMMITTED, RSS, VMSIZE */
	int64_t num;		/* VMAS, counts, SYSCTL, COMMIT_PCT (hundredths),
				 * OOM_SCORE, BADNESS, OOM_KILLS */
	struct sc_cond cond;
};

enum { SC_IMG_TEXT, SC_IMG_DATA, SC_IMG_BSS, SC_IMG_STACK, SC_IMG_COUNT };

struct sc_stmt {
	enum sc_op op;
	unsigned line, col;	/* of the first word */
	unsigned arg_col;	/* of the word naming the task or region acted on */
	uint8_t setup;		/* before the first operation (boot config, silent tasks) */
	char *text;		/* the line without comment and outer blanks */
	int task;		/* name index of the task it acts on, or -1 */
	int def;		/* name it defines (task, file, `as`), or -1 */
	struct sc_ref ref;	/* region; file for read; segment for shmat, shmrm */
	struct sc_size size;	/* the main size argument */
	union {
		struct sc_machine_args machine;
		struct { uint64_t v[SC_ST_COUNT]; uint32_t given; } state;
		struct { int key; int64_t value; } sysctl;	/* also hugepages */
		struct sc_task_args task;
		struct { unsigned prot, flags; int file; struct sc_size offset; uint64_t addr; } mmap;
		struct { unsigned prot; } mprotect;
		struct { int advice; } madvise;
		struct { int write; } touch;
		struct { unsigned flags; uint64_t addr; } mremap;
		struct { int sign; } brk;	/* +1 grow, -1 shrink, 0 set */
		struct { int how; } fork;	/* OVC_CLONE_* */
		struct { struct sc_size v[SC_IMG_COUNT]; uint8_t given; } exec;
		struct { int32_t key; unsigned flags; } shmget;
		struct { int ro; } shmat;
		struct { char which; uint8_t unlimited; } rlimit;
		struct { int future; } mlockall;
		struct sc_expect expect;
		struct sc_cgroup_args cgroup;
		struct { uint64_t ms; } clock;		/* clock +DURATION */
		struct { int value; } adj;		/* oom_score_adj, oom_adj */
		struct { int cgroup; } rank;		/* cgroup name index, or -1 */
	} u;
};

struct ovc_scenario {
	char *fname;
	const char *err_fname;	/* for errors: the caller's name while parsing, then fname */
	char *kernel;		/* kernel line version, or NULL */
	unsigned kernel_line, kernel_col;
	unsigned machine_line;
	uint64_t page_size;	/* for `p` units and `page` */
	struct sc_stmt *st;
	size_t nst, cap_st;
	struct sc_name *names;
	size_t nnames, cap_names;
	struct sc_expr *ex;
	size_t nex, cap_ex;
};

/* Statement keywords and operation names, indexed by enum sc_op. */
extern const char *const sc_op_text[SC_OP_COUNT];

/* ---- expressions (expr.c) ---- */

/* Parse the word w, which starts with "(", as an expression into s->ex.
 * fields: whether meminfo names may appear. */
int sc_expr_parse(struct ovc_scenario *s, const struct sc_word *w, int fields,
		  unsigned line, struct sc_size *out, struct ovc_err *e);
/* Parse a size: w, or w and a unit word after it (returned in *used: 1 or
 * 2). next may be NULL. */
int sc_size_parse(struct ovc_scenario *s, const struct sc_word *w,
		  const struct sc_word *next, int fields, unsigned line,
		  struct sc_size *out, size_t *used, struct ovc_err *e);
/* Evaluate z (mi: meminfo at this moment, or NULL if none may be used).
 * Errors: -OVC_E_STATE (negative, overflow, division by zero). */
int sc_size_eval(const struct ovc_scenario *s, const struct sc_size *z,
		 const struct ovc_meminfo *mi, unsigned line, uint64_t *bytes,
		 struct ovc_err *e);

#endif
