/* test_real.c - the real executor, where it can be tested without root or a disposable machine:
 * the /proc parsers on fixture text, the safety check's word match, the machine and image lines (they
 * must parse, and the image must charge in the model what it charged in the kernel), the command
 * channel, and a task server in a child process doing harmless calls (no sysctl, no OOM). */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <cmocka.h>

#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <sys/mman.h>
#include <sys/socket.h>
#include <sys/wait.h>
#include <unistd.h>

#include "ovc/trace.h"
#include "scenario/real.h"
#include "scenario/scenario.h"

/* ---- /proc/meminfo ---- */

static const char meminfo_61[] =	/* 6.1 guest, 512M, trimmed */
	"MemTotal:         481052 kB\n"
	"MemFree:          451248 kB\n"
	"MemAvailable:     440072 kB\n"
	"Buffers:               0 kB\n"
	"Cached:             3896 kB\n"
	"SwapCached:            0 kB\n"
	"AnonPages:           112 kB\n"
	"Shmem:              3896 kB\n"
	"KReclaimable:      11100 kB\n"
	"SReclaimable:       9092 kB\n"
	"SUnreclaim:         6292 kB\n"
	"SwapTotal:        102400 kB\n"
	"SwapFree:         102400 kB\n"
	"CommitLimit:      342926 kB\n"
	"Committed_AS:       4816 kB\n"
	"VmallocTotal:   34359738367 kB\n"
	"HugePages_Total:       3\n"
	"HugePages_Free:        2\n"
	"Hugepagesize:       2048 kB\n";

static void test_meminfo(void **state)
{
	struct ovc_meminfo mi;
	uint64_t kr = 0;

	(void)state;
	assert_int_equal(ovc_real_meminfo_parse(meminfo_61, strlen(meminfo_61), &mi, &kr), 17);
	assert_int_equal(mi.mem_total, 481052);
	assert_int_equal(mi.mem_free, 451248);
	assert_int_equal(mi.cached, 3896);
	assert_int_equal(mi.slab_reclaimable, 9092);
	assert_int_equal(mi.commit_limit, 342926);
	assert_int_equal(mi.committed_as, 4816);
	assert_int_equal(mi.kbcommit, 4816);
	assert_int_equal(mi.hugepages_total, 3);	/* a count, not kB */
	assert_int_equal(mi.hugepagesize, 2048);
	assert_int_equal(kr, 11100);			/* not a field of the model */
	/* 4816 / (481052 + 102400) = 0.8254 % */
	assert_int_equal((int)(mi.pct_commit * 100 + 0.5), 83);
}

struct mi_row {
	const char *name, *text;
	int ret;
	uint64_t total, free;
};

static const struct mi_row mi_rows[] = {
	{ "no MemTotal", "MemFree: 5 kB\n", -OVC_E_PARSE, 0, 5 },
	{ "empty", "", -OVC_E_PARSE, 0, 0 },
	{ "no final newline", "MemTotal: 7 kB\nMemFree: 3 kB", 2, 7, 3 },
	{ "junk lines are skipped", "garbage\n:\nMemFree 9 kB\nMemTotal:\t 8 kB\n", 1, 8, 0 },
	{ "overflow is skipped", "MemFree: 99999999999999999999999 kB\nMemTotal: 1 kB\n", 1, 1, 0 },
	{ "a prefix is not the name", "MemTotalx: 5 kB\nMem: 4 kB\nMemTotal: 2 kB\n", 1, 2, 0 },
	{ "2.6.32: no MemAvailable", "MemTotal: 100 kB\nMemFree: 50 kB\nCommitted_AS: 7 kB\n", 3, 100, 50 },
};

static void test_meminfo_rows(void **state)
{
	struct ovc_meminfo mi;
	size_t i;

	(void)state;
	for (i = 0; i < sizeof(mi_rows) / sizeof(mi_rows[0]); i++) {
		const struct mi_row *r = &mi_rows[i];
		int ret = ovc_real_meminfo_parse(r->text, strlen(r->text), &mi, NULL);

		if (ret != r->ret)
			fail_msg("%s: returned %d, want %d", r->name, ret, r->ret);
		assert_int_equal(mi.mem_total, r->total);
		assert_int_equal(mi.mem_free, r->free);
	}
}

/* The buffer ends where len says, not at a NUL: "MemTotal: 12" cut to 11 bytes reads 1. */
static void test_meminfo_len(void **state)
{
	struct ovc_meminfo mi;

	(void)state;
	assert_int_equal(ovc_real_meminfo_parse("MemTotal: 12 kB", 11, &mi, NULL), 1);
	assert_int_equal(mi.mem_total, 1);
}

/* ---- /proc/PID/stat ---- */

/* Fields 3..52 after the comm; start_brk is field 47, exit_code 52. */
#define STAT_TAIL(brk, code) \
	" S 1 1 1 0 -1 4194560 100 0 0 0 0 0 0 0 20 0 1 0 276008 3133440 394 " \
	"18446744073709551615 4194304 4952857 140734667750960 0 0 0 0 0 0 0 0 0 17 1 0 0 0 0 0 " \
	"5271552 5283840 " brk " 140734667753916 140734667753936 140734667753936 140734667755499 " code "\n"

static void test_stat(void **state)
{
	static const char ok[] = "93 (ovc) Z) 7 (x)" STAT_TAIL("89337856", "9");
	static const char old[] = "93 (ovc)" STAT_TAIL("89337856", "");	/* before 3.5: no exit_code */
	struct ovc_real_stat st;

	(void)state;
	assert_int_equal(ovc_real_stat_parse(ok, strlen(ok), &st), 0);
	assert_int_equal(st.state, 'S');	/* not the Z inside the comm */
	assert_int_equal(st.start_brk, 89337856);
	assert_int_equal(st.exit_code, 9);	/* killed by SIGKILL, as wait(2) says */
	assert_int_equal(ovc_real_stat_parse(old, strlen(old) - 2, &st), 0);
	assert_int_equal(st.start_brk, 89337856);
	assert_int_equal(st.exit_code, -1);
	assert_int_equal(ovc_real_stat_parse("93 (ovc S 1", 11, &st), -OVC_E_PARSE);
	assert_int_equal(ovc_real_stat_parse("93 (ovc) S 1 2", 14, &st), -OVC_E_PARSE);
}

/* ---- /proc/PID/status ---- */

static void test_status(void **state)
{
	static const char s[] = "Name:\tovc\nVmPeak:\t 2000 kB\nVmSize:\t 1636 kB\nVmRSS:\t 412 kB\n";
	uint64_t size = 0, rss = 0;

	(void)state;
	assert_int_equal(ovc_real_status_parse(s, strlen(s), &size, &rss), 0);
	assert_int_equal(size, 1636);
	assert_int_equal(rss, 412);
	assert_int_equal(ovc_real_status_parse("Name:\tkthreadd\n", 15, &size, &rss), -OVC_E_PARSE);
}

/* What the OOM killer counts, in kB; a field missing is a parse error. */
static void test_status_oom(void **state)
{
	static const char s[] = "Name:\tovc\nVmSize:\t 1636 kB\nVmRSS:\t 412 kB\n"
				"RssAnon:\t 100 kB\nRssFile:\t 300 kB\nRssShmem:\t 12 kB\n"
				"VmPTE:\t 44 kB\nVmSwap:\t 8 kB\n";
	struct ovc_real_status st;

	(void)state;
	assert_int_equal(ovc_real_status_oom_parse(s, strlen(s), &st), 0);
	assert_int_equal(st.vmsize_kb, 1636);
	assert_int_equal(st.rss_anon_kb, 100);
	assert_int_equal(st.rss_file_kb, 300);
	assert_int_equal(st.rss_shmem_kb, 12);
	assert_int_equal(st.pte_kb, 44);
	assert_int_equal(st.swap_kb, 8);
	/* cut before VmSwap */
	assert_int_equal(ovc_real_status_oom_parse(s, strlen(s) - 14, &st), -OVC_E_PARSE);
	assert_int_equal(ovc_real_status_oom_parse("VmSwap:\t8 kB\n", 13, &st), -OVC_E_PARSE);
}

/* pagemap entries: present (63), swapped (62), file (61), exclusive (56). */
static void test_pagemap_runs(void **state)
{
	const uint64_t P = 1ull << 63, S = 1ull << 62, F = 1ull << 61, X = 1ull << 56;
	/* anon anon file file zero none swap anon */
	const uint64_t e[] = { P | X | 5, P | X | 6, P | F | 7, P | F | X | 8, P | 9, 0, S | 3, P | X };
	struct ovc_real_run r[8];
	size_t n = 0;

	(void)state;
	assert_int_equal(ovc_real_pagemap_runs(e, 8, 0x10000, 4096, 2, r, 8, &n), 0);
	assert_int_equal(n, 4);
	assert_int_equal(r[0].start, 0x10000);
	assert_int_equal(r[0].end, 0x12000);
	assert_int_equal(r[0].kind, OVC_PAGE_ANON);
	assert_int_equal(r[0].vma, 2);
	assert_int_equal(r[1].start, 0x12000);	/* exclusive or not, a file page */
	assert_int_equal(r[1].end, 0x14000);
	assert_int_equal(r[1].kind, OVC_PAGE_FILE);
	/* the zero page and the hole make no run */
	assert_int_equal(r[2].start, 0x16000);
	assert_int_equal(r[2].kind, OVC_PAGE_SWAP);
	assert_int_equal(r[3].start, 0x17000);
	assert_int_equal(r[3].end, 0x18000);
	/* no room: what did not fit is counted */
	n = 0;
	assert_int_equal(ovc_real_pagemap_runs(e, 8, 0, 4096, 0, r, 1, &n), 3);
	assert_int_equal(n, 1);
}

/* ---- /proc/PID/smaps ---- */

#define VMA(range, perms, off, ino, name, size, rss, flags) \
	range " " perms " " off " 08:01 " ino "   " name "\n" \
	"Size:             " size " kB\nRss:              " rss " kB\nVmFlags: " flags "\n"

/* The ovc-static image as 6.1 shows it (addresses made up): charged are
 * RELRO 24 + data 12 + bss 288 + heap 136 + stack 132 = 592 kB; 10 VMAs,
 * the gate area [vsyscall] not being one. Rss: 4+400+0+8+12+20+8+12+0+4 = 468,
 * less [vsyscall]'s 0. */
static const char smaps_img[] =
	VMA("00400000-00401000", "r--p", "00000000", "12", "/prog", "4", "4", "rd mr mw me")
	VMA("00401000-004b0000", "r-xp", "00001000", "12", "/prog", "700", "400", "rd ex mr mw me")
	VMA("004b0000-004b8000", "r--p", "000b0000", "12", "/prog", "32", "0", "rd mr mw me")
	VMA("00501000-00507000", "r--p", "00100000", "12", "/prog", "24", "8", "rd mr mw me ac")
	VMA("00507000-0050a000", "rw-p", "00106000", "12", "/prog", "12", "12", "rd wr mr mw me ac")
	VMA("0050a000-00552000", "rw-p", "00000000", "0", "", "288", "20", "rd wr mr mw me ac")
	VMA("01000000-01022000", "rw-p", "00000000", "0", "[heap]", "136", "8", "rd wr mr mw me ac")
	VMA("7ffe00000000-7ffe00021000", "rw-p", "00000000", "0", "[stack]", "132", "12",
	    "rd wr mr mw me gd ac")
	VMA("7ffe00030000-7ffe00034000", "r--p", "00000000", "0", "[vvar]", "16", "0",
	    "rd mr pf io de dd sd")
	VMA("7ffe00034000-7ffe00036000", "r-xp", "00000000", "0", "[vdso]", "8", "4",
	    "rd ex mr mw me de sd")
	VMA("ffffffffff600000-ffffffffff601000", "--xp", "00000000", "0", "[vsyscall]", "4", "0",
	    "ex");

static void feed_lines(struct ovc_real_smaps *a, const char *text)
{
	const char *p = text, *nl;

	while ((nl = strchr(p, '\n'))) {
		ovc_real_smaps_line(a, p, (size_t)(nl - p));
		p = nl + 1;
	}
	ovc_real_smaps_end(a);
}

static void test_smaps(void **state)
{
	struct ovc_real_vma v[16];
	struct ovc_real_smaps a;

	(void)state;
	ovc_real_smaps_init(&a, v, 16);
	feed_lines(&a, smaps_img);
	assert_int_equal(a.map_count, 10);	/* 11 entries, the gate area not counted */
	assert_int_equal(a.committed_kb, 592);
	assert_int_equal(a.rss_kb, 468);
	assert_int_equal(a.nvmas, 10);
	assert_int_equal(v[0].start, 0x400000);
	assert_int_equal(v[0].file, 1);
	assert_string_equal(v[0].name, "prog");
	assert_int_equal(v[3].account, 1);
	assert_string_equal(v[3].perms, "r--p");
	assert_int_equal(v[3].offset, 0x100000);
	assert_int_equal(v[5].file, 0);
	assert_string_equal(v[6].name, "[heap]");
	assert_int_equal(v[8].account, 0);
	/* a cap keeps the first VMAs, the sums stay whole */
	ovc_real_smaps_init(&a, v, 2);
	feed_lines(&a, smaps_img);
	assert_int_equal(a.nvmas, 2);
	assert_int_equal(a.committed_kb, 592);
}

/* "ac" only as a word: "acx", "xac" and an empty VmFlags do not charge. */
static void test_smaps_flags(void **state)
{
	static const char t[] =
		VMA("1000-2000", "rw-p", "0", "0", "", "4", "4", "rd acx")
		VMA("2000-3000", "rw-p", "0", "0", "", "4", "4", "xac wr")
		VMA("3000-4000", "rw-p", "0", "0", "", "4", "4", "")
		VMA("4000-5000", "rw-p", "0", "0", "", "4", "4", "ac");
	struct ovc_real_smaps a;

	(void)state;
	ovc_real_smaps_init(&a, NULL, 0);
	feed_lines(&a, t);
	assert_int_equal(a.map_count, 4);
	assert_int_equal(a.committed_kb, 4);
	/* lines that are not headers never start a VMA */
	ovc_real_smaps_init(&a, NULL, 0);
	feed_lines(&a, "Size: 4 kB\nzz-yy rw-p\n1000-2000\n1000-2000 rw-p 0 08:01\n");
	assert_int_equal(a.map_count, 0);
}

/* ---- /proc/vmstat, /proc/cmdline ---- */

static void test_vmstat(void **state)
{
	static const char v[] = "nr_free_pages 1\noom_killx 5\noom_kill 3\n";

	(void)state;
	assert_int_equal(ovc_real_vmstat_oom_kills(v, strlen(v)), 3);
	assert_int_equal(ovc_real_vmstat_oom_kills("oom_kil 1\n", 10), -1);	/* before 4.13 */
}

struct word_row {
	const char *cmdline;
	int yes;
};

static const struct word_row word_rows[] = {
	{ "console=ttyS0 quiet ovc.disposable=1\n", 1 },
	{ "ovc.disposable=1", 1 },
	{ "a\tovc.disposable=1 b", 1 },
	{ "ovc.disposable=10", 0 },
	{ "xovc.disposable=1", 0 },
	{ "ovc.disposable=0 ovc.disposable", 0 },
	{ "", 0 },
};

static void test_disposable(void **state)
{
	size_t i;

	(void)state;
	for (i = 0; i < sizeof(word_rows) / sizeof(word_rows[0]); i++)
		if (ovc_real_disposable(word_rows[i].cmdline, strlen(word_rows[i].cmdline)) != word_rows[i].yes)
			fail_msg("\"%s\": want %d", word_rows[i].cmdline, word_rows[i].yes);
}

/* ---- the lines ovc sim reads ---- */

static struct ovc_trace *run_text(const char *text, struct ovc_trace *t)
{
	struct ovc_scenario *s = NULL;
	struct ovc_err e = { 0 };

	if (ovc_scenario_parse(text, strlen(text), "test", &s, &e) < 0)
		fail_msg("does not parse: %u:%u: %s\n%s", e.line, e.col, e.msg, text);
	if (ovc_scenario_run(s, NULL, t, &e) < 0)
		fail_msg("does not run: %u:%u: %s\n%s", e.line, e.col, e.msg, text);
	ovc_scenario_free(s);
	return t;
}

/* The measured machine, given to the model, boots as measured. */
static void test_machine_lines(void **state)
{
	struct ovc_real_machine m = { .release = "6.1.0-56-cloud-amd64", .page_size = 4096, .ncpus = 2 };
	struct ovc_trace t;
	char buf[4096];

	(void)state;
	ovc_real_meminfo_parse(meminfo_61, strlen(meminfo_61), &m.mi, &m.kreclaimable_kb);
	m.sysctl[OVC_SYSCTL_OVERCOMMIT_MEMORY] = 2;
	m.sysctl[OVC_SYSCTL_ADMIN_RESERVE_KBYTES] = 8192;
	m.have_sysctl = 1u << OVC_SYSCTL_OVERCOMMIT_MEMORY | 1u << OVC_SYSCTL_ADMIN_RESERVE_KBYTES;
	assert_true(ovc_real_machine_lines(&m, buf, sizeof(buf)) < sizeof(buf));
	assert_non_null(strstr(buf, "machine ram=481052kB swap=102400kB cpus=2\n"));
	assert_non_null(strstr(buf, " reclaimable=2008kB "));	/* KReclaimable - SReclaimable */
	/* Cached below Shmem (Buffers subtracted): shmem is cut to Cached */
	m.mi.cached = 4196, m.mi.shmem = 4200, m.mi.buffers = 4;
	ovc_real_machine_lines(&m, buf, sizeof(buf));
	assert_non_null(strstr(buf, " file=4196kB buffers=4kB shmem=4196kB "));
	assert_non_null(strstr(buf, "sysctl vm.overcommit_memory=2\n"));
	strcat(buf, "expect meminfo MemFree 451248 kB\nexpect meminfo Committed_AS 4816 kB\n"
		    "expect sysctl vm.overcommit_memory 2\n");
	run_text(buf, &t);
	assert_int_equal(t.failed, 0);
	assert_int_equal(t.passed, 3);
	ovc_trace_free(&t);
	/* a short buffer is cut but NUL-terminated, and the length says how much */
	assert_true(ovc_real_machine_lines(&m, buf, 10) > 10);
	assert_int_equal(strlen(buf), 9);
}

/* The image's mirror lines make the model charge what the kernel charged
 * (592 kB, the RELRO VMA included through its mprotect) with as many VMAs. */
static void test_image_lines(void **state)
{
	struct ovc_real_vma v[16];
	struct ovc_real_smaps a;
	struct ovc_real_image img = { .task = "app", .line = 3, .pid = 93 };
	struct ovc_trace t;
	char text[8192];
	size_t n;

	(void)state;
	ovc_real_smaps_init(&a, v, 16);
	feed_lines(&a, smaps_img);
	img.map_count = a.map_count;
	img.committed_kb = a.committed_kb;
	img.vmas = v;
	img.nvmas = a.nvmas;	/* [vsyscall] is not among them */
	n = (size_t)snprintf(text, sizeof(text), "machine ram=1G\ntask app\n");
	assert_true(ovc_real_image_lines(&img, text + n, sizeof(text) - n) < sizeof(text) - n);
	assert_non_null(strstr(text, "file _img3 1085440\n"));	/* 0x106000 + 12 kB */
	assert_non_null(strstr(text, "mprotect _img3_3 r\n"));
	/* text 4 + 700 + 32; data RELRO 24 + 12; bss 288 + heap 136; stack 132 */
	assert_non_null(strstr(text, "# as an exec: exec app text=736kB data=36kB bss=424kB stack=132kB\n"));
	strcat(text, "expect committed app 592 kB\nexpect vmas app 10\n");
	run_text(text, &t);
	assert_int_equal(t.end.committed_as, 592);
	assert_int_equal(t.failed, 0);
	ovc_trace_free(&t);
}

/* Resident pages become touch lines, so the model's RSS and page tables
 * are the image's: 2 file pages of the text, the RELRO VMA's page as an
 * anonymous copy written before it is made read-only, 3 stack pages. */
static void test_image_touches(void **state)
{
	struct ovc_real_vma v[16];
	struct ovc_real_smaps a;
	struct ovc_real_run runs[] = {
		{ 0x401000, 0x403000, OVC_PAGE_FILE, 1 },
		{ 0x501000, 0x502000, OVC_PAGE_ANON, 3 },
		{ 0, 0, OVC_PAGE_ANON, 7 },
	};
	struct ovc_real_image img = { .task = "app", .line = 3, .pid = 93, .runs = runs, .nruns = 3 };
	struct ovc_trace t;
	char text[8192], *relro, *touch;
	size_t n;

	(void)state;
	ovc_real_smaps_init(&a, v, 16);
	feed_lines(&a, smaps_img);
	img.map_count = a.map_count;
	img.committed_kb = a.committed_kb;
	img.vmas = v;
	img.nvmas = a.nvmas;
	runs[2].start = v[7].end - 0x3000;	/* the stack's top 3 pages */
	runs[2].end = v[7].end;
	n = (size_t)snprintf(text, sizeof(text), "machine ram=1G\ntask app\n");
	assert_true(ovc_real_image_lines(&img, text + n, sizeof(text) - n) < sizeof(text) - n);
	assert_non_null(strstr(text, "touch _img3_1 off=0 len=8192 read\n"));
	assert_non_null(strstr(text, "touch _img3_7 off=122880 len=12288\n"));
	touch = strstr(text, "touch _img3_3 off=0 len=4096\n");
	relro = strstr(text, "mprotect _img3_3 r\n");
	assert_non_null(touch);
	assert_true(relro && relro > touch);
	strcat(text, "expect rss app 24 kB\n");
	run_text(text, &t);
	assert_int_equal(t.failed, 0);
	assert_int_equal(t.tasks[0].v.rss_file, 8);
	assert_int_equal(t.tasks[0].v.rss_anon, 16);
	ovc_trace_free(&t);
}

/* ---- the channel ---- */

static void test_chan(void **state)
{
	struct real_msg m = { .cmd = RC_MMAP, .a = { 1, 2, 3 } }, got;
	int sv[2], fd = -1, p[2];

	(void)state;
	assert_int_equal(socketpair(AF_UNIX, SOCK_SEQPACKET | SOCK_CLOEXEC, 0, sv), 0);
	assert_int_equal(pipe(p), 0);
	assert_int_equal(real_chan_recv(sv[0], &got, sizeof(got), &fd, 10), -ETIMEDOUT);
	assert_int_equal(real_chan_send(sv[1], &m, sizeof(m), p[1]), 0);
	assert_int_equal(real_chan_recv(sv[0], &got, sizeof(got), &fd, 1000), (int)sizeof(got));
	assert_int_equal(got.a[2], 3);
	assert_true(fd >= 0 && fd != p[1]);
	assert_int_equal(write(fd, "x", 1), 1);	/* the same pipe, another descriptor */
	assert_int_equal(read(p[0], &got, 1), 1);
	close(fd);
	/* a short message is an error, not a reply */
	assert_int_equal(real_chan_send(sv[1], &m, 8, -1), 0);
	assert_int_equal(real_chan_recv(sv[0], &got, sizeof(got), NULL, 1000), -EPROTO);
	close(sv[1]);
	assert_int_equal(real_chan_recv(sv[0], &got, sizeof(got), NULL, 1000), 0);	/* peer gone */
	close(sv[0]);
	close(p[0]);
	close(p[1]);
}

/* ---- a task server in a child: harmless calls only ---- */

static struct real_reply ask(int sock, uint32_t cmd, uint64_t a0, uint64_t a1, uint64_t a2, uint64_t a3)
{
	struct real_msg m = { .cmd = cmd, .a = { a0, a1, a2, a3 } };
	struct real_reply rp;

	memset(&rp, 0, sizeof(rp));
	assert_int_equal(real_chan_send(sock, &m, sizeof(m), -1), 0);
	assert_int_equal(real_chan_recv(sock, &rp, sizeof(rp), NULL, 10000), (int)sizeof(rp));
	assert_int_equal(rp.kind, RR_REPLY);
	return rp;
}

static void test_server(void **state)
{
	struct real_reply rp;
	struct real_msg bye = { .cmd = RC_EXIT };
	int sv[2], status = 0;
	uint64_t addr, page = (uint64_t)getpagesize();
	pid_t pid;

	(void)state;
	assert_int_equal(socketpair(AF_UNIX, SOCK_SEQPACKET | SOCK_CLOEXEC, 0, sv), 0);
	pid = fork();
	assert_true(pid >= 0);
	if (pid == 0) {
		close(sv[0]);
		ovc_real_serve(sv[1], 0);
		_exit(99);
	}
	close(sv[1]);
	assert_int_equal(real_chan_recv(sv[0], &rp, sizeof(rp), NULL, 10000), (int)sizeof(rp));
	assert_int_equal(rp.kind, RR_HELLO);
	assert_int_equal(rp.pid, pid);
	rp = ask(sv[0], RC_MMAP, 0, 4 * page, OVC_PROT_READ | OVC_PROT_WRITE,
		 OVC_MAP_PRIVATE | OVC_MAP_ANONYMOUS);
	assert_int_equal(rp.err, 0);
	addr = rp.v[0];
	rp = ask(sv[0], RC_TOUCH, addr, 4 * page, 1, 0);
	assert_int_equal(rp.err, 0);
	assert_int_equal(rp.v[1], 4);
	rp = ask(sv[0], RC_MPROTECT, addr + 2 * page, 2 * page, 0, 0);	/* PROT_NONE */
	assert_int_equal(rp.err, 0);
	rp = ask(sv[0], RC_TOUCH, addr, 4 * page, 0, 0);	/* faults on page 2: EFAULT, alive */
	assert_int_equal(rp.err, EFAULT);
	assert_int_equal(rp.v[1], 2);
	rp = ask(sv[0], RC_MUNMAP, addr + page, page, 0, 0);
	assert_int_equal(rp.err, 0);
	rp = ask(sv[0], RC_MADVISE, addr, 4 * page, OVC_MADV_DONTFORK, 0);	/* a hole: ENOMEM */
	assert_int_equal(rp.err, ENOMEM);
	rp = ask(sv[0], RC_BRK, (uint64_t)-1, UINT64_MAX / 2, 0, 0);	/* below the start */
	assert_int_equal(rp.err, ENOMEM);
	rp = ask(sv[0], 999, 0, 0, 0, 0);
	assert_int_equal(rp.err, ENOSYS);
	assert_int_equal(real_chan_send(sv[0], &bye, sizeof(bye), -1), 0);
	assert_int_equal(real_chan_recv(sv[0], &rp, sizeof(rp), NULL, 10000), 0);	/* gone */
	assert_int_equal(waitpid(pid, &status, 0), pid);
	assert_true(WIFEXITED(status) && WEXITSTATUS(status) == 0);
	close(sv[0]);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_meminfo),
		cmocka_unit_test(test_meminfo_rows),
		cmocka_unit_test(test_meminfo_len),
		cmocka_unit_test(test_stat),
		cmocka_unit_test(test_status),
		cmocka_unit_test(test_status_oom),
		cmocka_unit_test(test_pagemap_runs),
		cmocka_unit_test(test_smaps),
		cmocka_unit_test(test_smaps_flags),
		cmocka_unit_test(test_vmstat),
		cmocka_unit_test(test_disposable),
		cmocka_unit_test(test_machine_lines),
		cmocka_unit_test(test_image_lines),
		cmocka_unit_test(test_image_touches),
		cmocka_unit_test(test_chan),
		cmocka_unit_test(test_server),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
