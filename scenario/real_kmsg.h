/* real_kmsg.h - the kernel log (/dev/kmsg) during a real run: which tasks the OOM killer killed, in kill order.
 *
 * The kernel says whom it killed only in its log. Each kill prints one
 * record (mm/oom_kill.c __oom_kill_process, 6.1 and 6.12 alike):
 *
 *   MESSAGE: Killed process PID (COMM) total-vm:..kB, anon-rss:..kB, ...
 *
 * MESSAGE is "Out of memory" (global), "Memory cgroup out of memory"
 * (memcg) or "Out of memory (oom_kill_allocating_task)". A memcg with
 * memory.oom.group set then prints (mm/memcontrol.c
 * mem_cgroup_print_oom_group) "Tasks in PATH are going to be killed due
 * to memory.oom.group set" and one such record per member it kills, with
 * the same MESSAGE (oom_kill_memcg_member passes it on); the victim may be
 * printed again there, as it still has its mm. Other processes sharing
 * the victim's mm (vfork, CLONE_VM) are killed without a record (4.x on;
 * 3.x printed "Kill process ... sharing same memory"). 4.x before 5.1
 * printed no MESSAGE prefix; RHEL6 "Killed process PID, UID U, (COMM)".
 *
 * /dev/kmsg gives one record per read(): "PRI,SEQ,TS,FLAGS[,..];TEXT\n",
 * then optional continuation lines " KEY=VALUE\n". TEXT escapes bytes
 * below ' ', from 127 on, and '\' as "\xNN". The facility (PRI >> 3) of
 * the kernel's own records is 0; user space cannot write facility 0, so a
 * process cannot fake a kill record.
 *
 * Parts:   the pure parsers (ovc_real_kmsg_*: the unit test and the fuzz
 *          target call them on text), and the reader real_kmsg_* that the
 *          driver (real.c) opens at the start and drains after each step.
 * Errors:  parsers: a kind (>= 0) or -OVC_E_PARSE for broken framing;
 *          reader: 0 or -errno.
 */
#ifndef OVC_SCENARIO_REAL_KMSG_H
#define OVC_SCENARIO_REAL_KMSG_H

#include <stddef.h>
#include <stdint.h>

#include "ovc/oom.h"

/* A "Killed process" record. */
struct ovc_real_kill {
	int pid;			/* task_pid_nr of the thread killed */
	char comm[16];			/* unescaped, cut to 15 bytes, NUL-terminated */
	enum ovc_oom_message message;	/* its prefix; OUT_OF_MEMORY when it has none */
	uint8_t prefixed;		/* it had a MESSAGE prefix (5.1+) */
	enum ovc_oom_kill_reason reason;	/* ovc_real_kmsg_feed: VICTIM or GROUP */
};

/* What a record is. */
enum ovc_real_kmsg_kind {
	OVC_REAL_KMSG_OTHER = 0,	/* anything else, and every record not from the kernel */
	OVC_REAL_KMSG_KILL = 1,		/* "... Killed process PID (COMM) ..." */
	OVC_REAL_KMSG_INVOKED = 2,	/* "COMM invoked oom-killer: gfp_mask=...": a report begins */
	OVC_REAL_KMSG_GROUP = 3,	/* "Tasks in PATH are going to be killed due to memory.oom.group set" */
};

/* One record, rec[0..len) (no NUL needed; the read()'s bytes as they
 * are). Returns its kind, k filled for OVC_REAL_KMSG_KILL (else left
 * alone); -OVC_E_PARSE when the framing is broken: no ';' on the first
 * line, or PRI, SEQ or TS not a number that fits 64 bits. */
int ovc_real_kmsg_classify(const char *rec, size_t len, struct ovc_real_kill *k);

/* 1 for a kill record (k filled, reason VICTIM), 0 for another record,
 * -OVC_E_PARSE as above. */
int ovc_real_kmsg_kill(const char *rec, size_t len, struct ovc_real_kill *k);

/* Records in log order: after a group record, the kills of the same
 * report are GROUP kills, until the next report begins. (A report whose
 * header was rate-limited away, DEFAULT_RATELIMIT_BURST 10 per 5 s, has
 * no INVOKED record: a kill right after a group's would count as GROUP.) */
struct ovc_real_kmsg_ctx {
	uint8_t group;
};
/* As ovc_real_kmsg_kill, with k->reason from the context. */
int ovc_real_kmsg_feed(struct ovc_real_kmsg_ctx *c, const char *rec, size_t len,
		       struct ovc_real_kill *k);

/* ------------------------------------------------------------------ */
/* The reader (real_kmsg.c): the controller's, not the task server's.   */

struct real_kmsg {
	int fd;			/* /dev/kmsg, or -1 */
	int open_err;		/* errno of the failed open, else 0 */
	uint64_t lost;		/* reads that found records overwritten (EPIPE) */
	uint64_t bad;		/* records with broken framing, skipped */
	struct ovc_real_kmsg_ctx ctx;
};

/* Open /dev/kmsg (O_RDONLY | O_NONBLOCK | O_CLOEXEC) and seek to its end,
 * so only records made from now on are read. 0, or -errno (km->fd is
 * then -1 and km->open_err the errno). */
int real_kmsg_open(struct real_kmsg *km);
/* Read every record available now and call fn for each kill, in order;
 * fn returning < 0 stops the drain with that value. Returns the number of
 * kills, or -errno when reading fails otherwise than EAGAIN (none left)
 * or EPIPE (counted in lost; reading goes on from the oldest record). */
int real_kmsg_drain(struct real_kmsg *km, int (*fn)(void *arg, const struct ovc_real_kill *k),
		    void *arg);
void real_kmsg_close(struct real_kmsg *km);

#endif
