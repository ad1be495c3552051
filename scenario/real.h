/* real.h - the real executor: a scenario's operations as real system calls on the running kernel.
 *
 * `ovc exec FILE` runs the statements of a parsed scenario on this
 * machine: one controller (the calling process) and one real process per
 * scenario task, each serving commands over a socketpair. Every step is
 * recorded in the same struct ovc_trace the model runner fills, so the two
 * can be compared field by field (docs/exec.md says what differs).
 *
 * Parts:   real.c        driver: boot sysctls, statements, steps, teardown
 *          real_ops.c    controller side, one function per operation
 *          real_task.c   task processes seen from the controller: spawn,
 *                        command/reply with timeouts, death and its cause
 *          real_serve.c  the task server (runs inside each task process)
 *          real_chan.c   the command channel's messages and fd passing
 *          real_expect.c expect lines against the real values
 *          real_proc.c   pure /proc parsers and their file wrappers
 *          real_machine.c the machine as measured, as scenario lines
 *          Shared with the model runner: regions.c (name checks, region
 *          and file ranges) and expect_eval.c (the expect rules).
 * State:   struct ovc_real (driver) and struct real_task, owned by the
 *          caller of ovc_real_run. The task server keeps its buffers in
 *          one static struct (it may not use the heap, see real_serve.c),
 *          and one pointer for its fault handler.
 * Errors:  0 or -OVC_E_*, with struct ovc_err. A refused system call is a
 *          result in the trace, not an error.
 * Units:   bytes in the scenario, kB in the trace and /proc, as elsewhere.
 */
#ifndef OVC_SCENARIO_REAL_H
#define OVC_SCENARIO_REAL_H

#include <stddef.h>
#include <stdint.h>

#include "ovc/err.h"
#include "ovc/ops.h"
#include "ovc/trace.h"
#include "ovc/view.h"
#include "scenario/regions.h"
#include "scenario/scenario.h"

/* ------------------------------------------------------------------ */
/* The public interface (cli/cmd_exec.c)                                */

struct ovc_real_opts {
	const char *self_exe;	/* binary run as task server (NULL: /proc/self/exe) */
	const char *file_dir;	/* where `file` lines create files (NULL: /tmp) */
	unsigned timeout_ms;	/* longest wait for one reply (0: 120 s) */
};

/* One VMA of a task's image, from /proc/PID/maps and smaps. */
struct ovc_real_vma {
	uint64_t start, end;	/* bytes */
	uint64_t offset;	/* file offset, bytes */
	char perms[5];		/* "rw-p" */
	uint8_t account;	/* VmFlags has "ac": charged to Committed_AS */
	uint8_t file;		/* backed by a file (not anon, heap, stack, vdso) */
	char name[24];		/* "[heap]", "[stack]", "[vdso]", a file's base name, "" */
};

/* A run of pages of an image that are in its page tables, from
 * /proc/PID/pagemap: what makes its RSS and its page tables. */
enum ovc_real_page { OVC_PAGE_ANON = 1, OVC_PAGE_FILE, OVC_PAGE_SWAP };
struct ovc_real_run {
	uint64_t start, end;	/* bytes */
	uint8_t kind;		/* enum ovc_real_page */
	uint8_t vma;		/* index in the image's vmas */
};

/* A task process's own footprint, measured when it is created (task
 * line) or has exec'd: the ovc binary's image, not the scenario's. */
struct ovc_real_image {
	char task[64];		/* scenario task name */
	unsigned line;		/* the line that made the image (task, exec) */
	int pid;
	uint64_t map_count;	/* VMAs, [vsyscall] excluded as map_count does */
	uint64_t committed_kb;	/* sum of its VM_ACCOUNT VMAs */
	uint64_t vmsize_kb, rss_kb;
	struct ovc_real_vma *vmas;
	size_t nvmas;
	struct ovc_real_run *runs;	/* resident and swapped pages, in address order */
	size_t nruns;
	/* A forked child's copy of its parent's image: vmas are the parent's,
	 * runs the child's own pages after the fork, and the mirror names the
	 * VMAs as the image of line base_line (CHILD:_img<base_line>_K). */
	uint8_t forked;
	unsigned base_line;
	/* Its file VMAs map the stand-in file of image file_line, declared
	 * there (every task runs the same binary, whose pages the kernel
	 * keeps once); 0: its own file, declared with its lines. */
	unsigned file_line;
	uint64_t file_size;	/* at least this size for its own file (bytes), or 0 */
};

/* The machine as measured before the scenario's boot sysctls. */
struct ovc_real_machine {
	char release[65];	/* uname -r */
	uint64_t page_size;	/* bytes */
	unsigned ncpus;
	struct ovc_meminfo mi;
	uint64_t kreclaimable_kb;	/* KReclaimable (4.20+), 0 if absent */
	int64_t sysctl[OVC_SYSCTL_COUNT];	/* indexed by enum ovc_sysctl_key */
	uint32_t have_sysctl;	/* bit k: sysctl[k] was read */
};

/* What a run found beyond the trace. */
struct ovc_real_info {
	struct ovc_real_machine machine;
	struct ovc_real_image *images;	/* one per task creation and exec */
	size_t nimages;
	char notes[8][160];		/* things the user should know, in order */
	size_t nnotes;
};

/* Run scenario s on this kernel. Must run as root on a disposable machine
 * (the caller checks): it writes sysctls and can provoke OOM kills. t is
 * initialised here and must be freed by the caller (ovc_trace_free)
 * whatever this returns; info too (ovc_real_info_free). Expect lines that
 * do not hold are counted in t->failed, not errors. Errors: -OVC_E_STATE
 * for a misuse that shows at run time (as ovc_scenario_run) or a task that
 * died or stopped answering; -OVC_E_IO when /proc or a task cannot be set
 * up; -OVC_E_NOMEM. Every task process is gone when this returns, and the
 * sysctls it changed are written back. */
int ovc_real_run(const struct ovc_scenario *s, const struct ovc_real_opts *o,
		 struct ovc_trace *t, struct ovc_real_info *info, struct ovc_err *e);
void ovc_real_info_free(struct ovc_real_info *info);

/* The task server's entry (`ovc exec --serve-task FD`): serves commands
 * on fd until told to exit. Returns only if fd is not a usable channel
 * (then the caller exits non-zero). steady: first make the whole image
 * resident (a task process of ovc exec; not a test's process, whose image
 * is not the task's). */
int ovc_real_serve(int fd, int steady);

/* Does the kernel command line text (/proc/cmdline) have the word
 * ovc.disposable=1? Pure. */
int ovc_real_disposable(const char *cmdline, size_t len);

/* The machine as scenario lines (machine, state, one sysctl line per
 * value read) into buf; returns the length as snprintf does. */
size_t ovc_real_machine_lines(const struct ovc_real_machine *m, char *buf, size_t n);
/* An image as comment lines and mirror lines (docs/exec.md), into buf. */
size_t ovc_real_image_lines(const struct ovc_real_image *img, char *buf, size_t n);

/* ------------------------------------------------------------------ */
/* Pure /proc parsers (real_proc.c); the unit tests and fuzz targets     */
/* call these on text.                                                  */

/* /proc/meminfo: every field struct ovc_meminfo has (kB; HugePages_*
 * counts), KReclaimable into *kreclaimable_kb (may be NULL), pct_commit
 * and kbcommit derived. Unknown lines, and lines that do not parse, are
 * skipped. Returns the number of fields found, or -OVC_E_PARSE when
 * MemTotal is missing. */
int ovc_real_meminfo_parse(const char *buf, size_t len, struct ovc_meminfo *mi,
			   uint64_t *kreclaimable_kb);

/* /proc/PID/stat: the state letter, start_brk (field 47, bytes) and
 * exit_code (field 52, a wait status; -1 when the kernel has no such
 * field). Scans from the last ')', so no comm can fake the fields.
 * Returns 0 or -OVC_E_PARSE. */
struct ovc_real_stat {
	char state;
	uint64_t start_brk;
	int exit_code;
};
int ovc_real_stat_parse(const char *buf, size_t len, struct ovc_real_stat *st);

/* /proc/PID/status: VmSize and VmRSS in kB. Returns 0, or -OVC_E_PARSE
 * if either is missing (a kernel thread, a zombie). */
int ovc_real_status_parse(const char *buf, size_t len, uint64_t *vmsize_kb, uint64_t *rss_kb);

/* /proc/PID/status: what the OOM killer counts (kB). Returns 0, or
 * -OVC_E_PARSE if a field is missing (a kernel thread, a zombie, a
 * kernel before 4.5 without RssAnon). */
struct ovc_real_status {
	uint64_t vmsize_kb, rss_anon_kb, rss_file_kb, rss_shmem_kb, pte_kb, swap_kb;
};
int ovc_real_status_oom_parse(const char *buf, size_t len, struct ovc_real_status *st);

/* /proc/PID/smaps, one line at a time (the file can be tens of MB). */
struct ovc_real_smaps {
	uint64_t map_count, committed_kb;
	uint64_t rss_kb;		/* sum of Rss: (exact; VmRSS may lag on 6.1) */
	struct ovc_real_vma *vmas;	/* NULL: count only; else up to cap */
	size_t nvmas, cap;
	struct ovc_real_vma cur;	/* the VMA being read */
	uint64_t cur_kb;
	uint8_t in_vma, cur_vsyscall;
};
void ovc_real_smaps_init(struct ovc_real_smaps *a, struct ovc_real_vma *vmas, size_t cap);
void ovc_real_smaps_line(struct ovc_real_smaps *a, const char *line, size_t len);
void ovc_real_smaps_end(struct ovc_real_smaps *a);

/* /proc/PID/pagemap entries of one VMA (n pages from byte address
 * start) as runs of one kind, appended to out (at most cap in all; *nout
 * counts them). Present pages that are the shared zero page (neither a
 * file page nor this process's own anonymous page) make no RSS and are
 * left out. Returns how many runs did not fit (0: all). Pure. */
size_t ovc_real_pagemap_runs(const uint64_t *ent, size_t n, uint64_t start, uint64_t page,
			     uint8_t vma, struct ovc_real_run *out, size_t cap, size_t *nout);
/* Read the pagemap of every VMA of img (but [vvar], whose pages are not
 * counted) into img->runs. 0, or -errno (img->runs left empty). */
int real_image_pages(int pid, struct ovc_real_image *img, uint64_t page);

/* /proc/vmstat's oom_kill counter (4.13+); -1 if absent. */
int64_t ovc_real_vmstat_oom_kills(const char *buf, size_t len);

/* ------------------------------------------------------------------ */
/* Internal: shared by the real*.c files                                */

/* The command channel: one datagram each way per command
 * (SOCK_SEQPACKET), a file descriptor riding along for fork, vfork,
 * thread (the child's new channel) and file mappings. */
enum real_cmd {
	RC_SETUP = 1, RC_MMAP, RC_MUNMAP, RC_MPROTECT, RC_MADVISE, RC_TOUCH, RC_MREMAP,
	RC_BRK, RC_FORK, RC_VFORK, RC_THREAD, RC_EXEC, RC_EXIT, RC_SHMGET, RC_SHMAT,
	RC_SHMDT, RC_RLIMIT, RC_MLOCKALL, RC_OOM_WRITE, RC_SETTLE,
};

struct real_msg {
	uint32_t cmd;		/* enum real_cmd */
	uint32_t flags;
	uint64_t a[6];		/* arguments, per command (real_serve.c) */
	char text[16];		/* RC_SETUP: comm */
};

enum { RR_REPLY = 1, RR_HELLO = 2 };
struct real_reply {
	uint32_t kind;		/* RR_REPLY to a command, RR_HELLO from a new server */
	int32_t err;		/* errno, 0 on success */
	int32_t pid;		/* the sender's pid (HELLO), or a child's (fork) */
	uint32_t pad;
	uint64_t v[2];		/* result: address, new break, shmid; pages touched */
};

/* Send m (and fd, if >= 0). 0, or -errno. */
int real_chan_send(int sock, const void *m, size_t len, int fd);
/* Receive into m (exactly len bytes expected) and at most one fd (*fd,
 * -1 if none; may be NULL to refuse fds). timeout_ms < 0: wait forever.
 * Returns len, 0 at end of file (the peer is gone), -ETIMEDOUT, or -errno. */
int real_chan_recv(int sock, void *m, size_t len, int *fd, int timeout_ms);

/* /proc readers (real_proc.c), through the pure parsers above. */
int real_read_meminfo(struct ovc_meminfo *mi, uint64_t *kreclaimable_kb);
int real_read_stat(int pid, struct ovc_real_stat *st);
int real_read_status(int pid, uint64_t *vmsize_kb, uint64_t *rss_kb);
int real_read_smaps(int pid, struct ovc_real_smaps *a);
int64_t real_read_oom_kills(void);
/* A small /proc or /sys file into buf (NUL-terminated): its length or -errno. */
long real_read_small(const char *path, char *buf, size_t n);
/* /proc/sys/vm/NAME as an integer; write one. 0 or -errno. */
int real_sysctl_read(const char *name, int64_t *v);
int real_sysctl_write(const char *name, int64_t v);

/* real_machine.c */
int real_measure_machine(struct ovc_real_machine *m);

/* ------------------------------------------------------------------ */
/* Internal: the controller's state (real.c, real_ops.c, real_task.c,   */
/* real_expect.c)                                                       */

struct sc_stmt;
struct sc_size;

/* What a scenario name stands for at run time (indexed like s->names). */
struct real_name {
	uint8_t made;		/* its defining statement ran and succeeded */
	uint8_t exited;		/* task: `exit` ran */
	unsigned exit_line;
	int task;		/* task: index in tasks[] */
	struct sc_region region;	/* region */
	int shmid;		/* segment */
	uint64_t bytes;		/* file, segment: size */
	uint8_t hugetlb;	/* segment */
	char *path;		/* file: where it was created */
};

/* A task process, seen from the controller. */
struct real_task {
	int name;		/* scenario name index */
	int pid;
	int sock;		/* the controller's end of its channel; -1 once gone */
	uint8_t dead;		/* gone (exit, or killed) */
	int wstatus;		/* how it ended, as wait(2) reports; -1 unknown */
	unsigned death_line;
	int vfork_parent;	/* the task blocked in vfork until this one execs or exits */
	int vfork_child;	/* while blocked: that child */
	struct {		/* its image (the ovc binary), measured at creation/exec */
		uint64_t map_count, committed_kb, vmsize_kb, rss_kb;
	} base;
};

struct ovc_real {
	const struct ovc_scenario *s;
	const struct sc_stmt *st;	/* the statement running */
	const struct ovc_real_opts *o;
	struct ovc_trace *t;
	struct ovc_real_info *info;
	struct ovc_err *e;
	struct real_name *nm;
	struct real_task *tasks;
	size_t ntasks, cap;
	struct ovc_meminfo mi;		/* when the statement started */
	uint8_t have_mi;
	struct ovc_meminfo before;	/* before the step running */
	int64_t oom_before;		/* /proc/vmstat oom_kill then */
	int64_t oom_start;		/* and when the run began */
	unsigned kver;			/* the running kernel, OVC_KV */
	int timeout_ms;
	uint64_t page, huge_page;	/* bytes */
	int64_t saved[OVC_SYSCTL_COUNT];	/* values before the run, to write back */
	uint32_t saved_mask;
};

/* real.c */
int real_err(struct ovc_real *X, unsigned col, int code, const char *fmt, ...)
	__attribute__((format(printf, 4, 5)));
int real_size(struct ovc_real *X, const struct sc_size *z, uint64_t *bytes);
void real_note(struct ovc_real *X, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
/* The live task of name n (col: where the name is written). */
int real_task_of(struct ovc_real *X, int n, unsigned col, int *tix);
/* Record a step for the current statement, then its result and figures. */
int real_step(struct ovc_real *X, int name, int tix);
int real_done(struct ovc_real *X, const struct ovc_result *res);

/* real_ops.c */
int real_op(struct ovc_real *X);

/* real_expect.c */
int real_expect(struct ovc_real *X);

/* real_rank.c: a rank line, as the kernel's /proc shows each task */
int real_op_rank(struct ovc_real *X);
/* Fold task tix's RSS counters before they are read (real_serve.c
 * settle_rss); a task that cannot answer now is left alone. */
void real_task_settle(struct ovc_real *X, int tix);

/* real_task.c */
/* A new task process for a `task` line: spawned, set up and measured. */
int real_task_spawn(struct ovc_real *X, int name, int *tix);
/* Send m (with fd, closed here) to task tix and wait for its reply.
 * 0: *rp holds it; 1: the task died meanwhile (marked dead, its cause
 * found); negative: an error (timeout, channel), already in X->e. */
int real_task_call(struct ovc_real *X, int tix, const struct real_msg *m, int fd,
		   struct real_reply *rp);
/* fork, vfork, thread of task tix: *rp as real_task_call; on success the
 * child is a new task *child. */
int real_task_clone(struct ovc_real *X, int tix, int cmd, int name, struct real_reply *rp,
		    int *child);
/* execve in task tix: 0 done (rp->err 0: a new image), 1 the task died. */
int real_task_exec(struct ovc_real *X, int tix, struct real_reply *rp);
/* exit of task tix: waits until its channel closes. */
int real_task_exit(struct ovc_real *X, int tix);
/* After an OOM kill: mark every task that is gone. */
void real_task_sweep(struct ovc_real *X);
/* Its image, measured now into base and recorded in info->images. */
int real_task_measure(struct ovc_real *X, int tix);
/* The end: kill what is left, reap every child, remove the cgroups. */
void real_task_teardown(struct ovc_real *X);

#endif
