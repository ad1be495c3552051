/* test_scenario_parse.c - the scenario front end: parse errors (line:col and message), AST shape, and run-time rules. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <cmocka.h>

#include "ovc/ops.h"
#include "ovc/profile.h"
#include "scenario/ast.h"
#include "scenario/scenario.h"

#define KiB 1024ull
#define MiB (1024ull * KiB)
#define GiB (1024ull * MiB)

/* ---- bad input: where the error is and what it says ---- */

#define M "machine ram=1G\n"	/* every scenario needs one */

struct bad_row {
	const char *name;
	const char *in;
	size_t len;		/* 0: strlen(in) */
	unsigned line, col;
	const char *msg;	/* substring of e.msg */
};

static const struct bad_row bad_rows[] = {
	{ "size with a bad unit", M "task app\nmmap app 4Q\n", 0, 3, 10,
	  "expected a size, got \"4Q\"" },
	{ "unknown task", M "task app\nmmap ap 4k\n", 0, 3, 6, "unknown task \"ap\"" },
	{ "region defined twice", M "task app\nmmap app 4k as a\n\nmmap app 4k as a\n", 0, 5, 16,
	  "region \"a\" is already defined at line 3" },
	{ "one namespace for all names", M "task a\nfile a 1M\n", 0, 3, 6,
	  "task \"a\" is already defined at line 2" },
	{ "task before the machine", "task app\nmachine ram=1G\n", 0, 1, 1,
	  "\"machine\" must come before the first task or operation" },
	{ "state before the machine", "kernel 4.19\nstate free=1M\nmachine ram=1G\n", 0, 2, 1,
	  "\"machine\" must come before \"state\"" },
	{ "no machine at all", "# nothing\n", 0, 1, 1, "the scenario has no \"machine\" line" },
	{ "machine twice", "machine ram=1G\nmachine ram=2G\n", 0, 2, 1,
	  "\"machine\" is already given at line 1" },
	{ "machine without ram", "machine swap=1G\n", 0, 1, 1, "machine needs ram=SIZE" },
	{ "kernel after an operation", M "task a\nkernel 4.19\n", 0, 3, 1,
	  "\"kernel\" must come before the first task or operation" },
	{ "kernel too old", "kernel 2.4.37\n", 0, 1, 8, "older than 2.6.32" },
	{ "state after an operation", M "task a\nmmap a 4k\nstate free=1M\n", 0, 4, 1,
	  "\"state\" must come before the first operation or expect line" },
	{ "state twice", M "state free=1M\nstate file=1M\n", 0, 3, 1,
	  "\"state\" is already given at line 2" },
	{ "state key given twice", M "state free=1M free=2M\n", 0, 2, 15,
	  "\"free=\" is given twice" },
	{ "NUL byte", M "task app\nmmap a\0pp 4k\n", 35, 3, 7, "NUL byte" },
	{ "NUL byte in a comment", M "task a # x\0y\n", 27, 2, 11, "NUL byte" },
	{ "control character", M "task a\x01\n", 0, 2, 7, "control character 0x01" },
	{ "unknown statement", M "  frobnicate x\n", 0, 2, 3, "unknown statement \"frobnicate\"" },
	{ "unknown sysctl", M "sysctl vm.foo=1\n", 0, 2, 8, "unknown sysctl \"vm.foo\"" },
	{ "sysctl without a value", M "sysctl vm.overcommit_memory\n", 0, 2, 8,
	  "expected vm.NAME=VALUE, got \"vm.overcommit_memory\"" },
	{ "sysctl value not a number", M "sysctl overcommit_memory=two\n", 0, 2, 26,
	  "expected a number, got \"two\"" },
	{ "a task is not a region", M "task a\nmmap a 4k as r\ntouch a\n", 0, 4, 7,
	  "\"a\" is a task (line 2), not a region" },
	{ "name starting with a digit", M "task 1abc\n", 0, 2, 6,
	  "expected a task name, got \"1abc\"" },
	{ "bad character in a name", M "task ab/c\n", 0, 2, 8, "expected a task name" },
	{ "name too long",
	  M "task a234567890123456789012345678901234567890123456789012345678901234\n", 0, 2, 6,
	  "is longer than 63 bytes" },
	{ "unclosed parenthesis", M "task a\nmmap a (1M + 2M\n", 0, 3, 8, "\"(\" is not closed" },
	{ "huge number", M "task a\nmmap a 99999999999999999999999M\n", 0, 3, 8,
	  "size \"99999999999999999999999M\" is too large" },
	{ "huge number, unit apart", M "task a\nmmap a 99999999999999999999 kB\n", 0, 3, 8,
	  "is too large" },
	{ "unknown meminfo field", M "task a\nmmap a (Foo + 1)\n", 0, 3, 9,
	  "unknown meminfo field \"Foo\"" },
	{ "count in an expression", M "task a\nmmap a (HugePages_Free * 2M)\n", 0, 3, 9,
	  "\"HugePages_Free\" is a count, not a size" },
	{ "meminfo before the machine exists", "machine ram=(MemTotal)\n", 0, 1, 14,
	  "\"MemTotal\" cannot be used before the machine exists" },
	{ "bad operator", M "task a\nmmap a (1M % 2)\n", 0, 3, 12,
	  "expected an operator or \")\", got \"%\"" },
	{ "operator without operand", M "task a\nmmap a (1M +)\n", 0, 3, 13,
	  "expected a size, a meminfo field or \"(\", got \")\"" },
	{ "junk after an expression", M "task a\nmmap a (1M)x\n", 0, 3, 12,
	  "expected the end of the expression, got \"x\"" },
	{ "expect ok before any operation", M "task a\nexpect ok\n", 0, 3, 8,
	  "\"expect ok\" needs an operation before it" },
	{ "expect what", M "expect nothing\n", 0, 2, 8, "expected ok, an errno name" },
	{ "expect vmas without a count", M "task a\nexpect vmas a >=\n", 0, 3, 18,
	  "expected a number of VMAs, got nothing" },
	{ "if without kernel", M "task a\nmmap a 4k\nexpect ok if kernal < 5.2\n", 0, 4, 14,
	  "expected \"kernel\", got \"kernal\"" },
	{ "bad kernel version", M "task a\nmmap a 4k\nexpect ok if kernel < 5.x\n", 0, 4, 23,
	  "expected a kernel version (such as 4.19 or rhel6), got \"5.x\"" },
	{ "unknown meminfo in expect", M "expect meminfo MemFre 1M\n", 0, 2, 16,
	  "unknown meminfo field \"MemFre\"" },
	{ "bad percentage", M "expect commit_pct >= 4.5.6\n", 0, 2, 22, "expected a percentage" },
	{ "option twice", M "task a\nmmap a 4k noreserve noreserve\n", 0, 3, 21,
	  "\"noreserve\" is given twice" },
	{ "private and shared", M "task a\nmmap a 4k private shared\n", 0, 3, 19,
	  "give one of private and shared" },
	{ "anon and file", M "task a\nfile f 1M\nmmap a 4k anon file=f\n", 0, 4, 16,
	  "give one of anon and file=" },
	{ "offset without a file", M "task a\nmmap a 4k offset=4k\n", 0, 3, 1, "offset= needs file=" },
	{ "fixed and at", M "task a\nmmap a 4k fixed=0x1000 at=0x2000\n", 0, 3, 24,
	  "give one of fixed= and at=" },
	{ "bad address", M "task a\nmmap a 4k at=0xzz\n", 0, 3, 14, "expected an address, got \"0xzz\"" },
	{ "unknown file", M "task a\nmmap a 4k file=f\n", 0, 3, 16, "unknown file \"f\"" },
	{ "unknown option", M "task a\nmmap a 4k huge\n", 0, 3, 11,
	  "unexpected \"huge\" after \"mmap\"" },
	{ "cpu beyond the machine", "machine ram=1G cpus=2\ntask a cpu=2\n", 0, 2, 12,
	  "cpu= \"2\" is out of range (0 to 1)" },
	{ "adj out of range", M "task a adj=1001\n", 0, 2, 12, "adj= \"1001\" is out of range" },
	{ "uid overflows", M "task a uid=99999999999999999999999\n", 0, 2, 12, "is out of range" },
	{ "parent unknown", M "task a parent=b\n", 0, 2, 15, "unknown task \"b\"" },
	{ "mremap of another task's copy", M "task a\nmmap a 4k as r\nfork a as c\nmremap c:r 8k maymove\n",
	  0, 5, 8, "mremap of \"c:r\" must name the result with \"as\"" },
	{ "TASK:REGION with an unknown task", M "task a\nmmap a 4k as r\ntouch x:r\n", 0, 4, 7,
	  "unknown task \"x\"" },
	{ "TASK:REGION with an unknown region", M "task a\nmmap a 4k as r\ntouch a:q\n", 0, 4, 9,
	  "unknown region \"q\"" },
	{ "trailing word", M "task a\nexit a now\n", 0, 3, 8, "unexpected \"now\" after \"exit\"" },
	{ "missing size", M "task a\nmmap a\n", 0, 3, 8, "expected a size, got nothing" },
	{ "off= without a value", M "task a\nmmap a 4k as r\ntouch r off=\n", 0, 4, 13,
	  "expected a size, got nothing" },
	{ "page given in pages", "machine ram=1G page=1p\n", 0, 1, 21,
	  "page= cannot be given in pages: \"1p\"" },
	{ "page not a power of two", "machine ram=1G page=5k\n", 0, 1, 21,
	  "page= must be a power of two from 4k to 256k" },
	{ "ram too small", "machine ram=4k\n", 0, 1, 1, "ram= must be from 1M to 1024T" },
	{ "shmget without a name", M "task a\nshmget a 1M\n", 0, 3, 13, "expected \"as SEGMENT\"" },
	{ "rlimit resource", M "task a\nrlimit a heap 1M\n", 0, 3, 10,
	  "expected as, data, memlock or stack, got \"heap\"" },
	{ "madvise advice", M "task a\nmmap a 4k as r\nmadvise r sequential\n", 0, 4, 11,
	  "expected an advice" },
	/* the OOM killer's syntax (parse_oom.c, task and machine keys, expect lines) */
	{ "oom_adj out of range", M "task a oom_adj=16\n", 0, 2, 16,
	  "oom_adj= \"16\" is out of range (-17 to 15)" },
	{ "adj and oom_adj", M "task a adj=5 oom_adj=1\n", 0, 2, 14, "give one of adj= and oom_adj=" },
	{ "oom_adj and adj", M "task a oom_adj=1 adj=5\n", 0, 2, 18, "give one of adj= and oom_adj=" },
	{ "unit of time", M "task a cputime=10m\n", 0, 2, 18,
	  "unknown unit of time in \"10m\" (ms, s, min, h, d)" },
	{ "duration not a number", M "task a start=soon\n", 0, 2, 14,
	  "expected start= (such as 600s, 90min, 2h), got \"soon\"" },
	{ "duration too long", "machine ram=1G uptime=10000000001s\n", 0, 1, 23,
	  "uptime= \"10000000001s\" is too long (at most 10000000000s)" },
	{ "duration digits overflow", "machine ram=1G uptime=99999999999999999999999\n", 0, 1, 23,
	  "is too long" },
	{ "start given twice", M "task a start=1s start=2s\n", 0, 2, 17, "\"start=\" is given twice" },
	{ "capability flag value", M "task a cap_sys_rawio=2\n", 0, 2, 22,
	  "cap_sys_rawio= \"2\" is out of range (0 to 1)" },
	{ "capability given twice", M "task a cap_sys_resource cap_sys_resource=0\n", 0, 2, 25,
	  "\"cap_sys_resource=\" is given twice" },
	{ "task in an unknown cgroup", M "task a cgroup=web\n", 0, 2, 15, "unknown cgroup \"web\"" },
	{ "a task is not a cgroup", M "task a\ntask b cgroup=a\n", 0, 3, 15,
	  "\"a\" is a task (line 2), not a cgroup" },
	{ "max and limit_in_bytes", M "cgroup g max=1G limit_in_bytes=1G\n", 0, 2, 17,
	  "give one of max= and limit_in_bytes=" },
	{ "cgroup with an unknown parent", M "cgroup g parent=p\n", 0, 2, 17, "unknown cgroup \"p\"" },
	{ "cgroup limit not a size", M "cgroup g max=1Q\n", 0, 2, 14, "expected a size, got \"1Q\"" },
	{ "swappiness out of range", M "cgroup g swappiness=201\n", 0, 2, 21,
	  "swappiness= \"201\" is out of range (0 to 200)" },
	{ "oom.group value", M "cgroup g oom.group=2\n", 0, 2, 20,
	  "oom.group= \"2\" is out of range (0 to 1)" },
	{ "cgroup option unknown", M "cgroup g memory.high=1G\n", 0, 2, 10,
	  "unexpected \"memory.high=1G\" after \"cgroup\"" },
	{ "cgroup defined twice", M "cgroup g\ncgroup g\n", 0, 3, 8,
	  "cgroup \"g\" is already defined at line 2" },
	{ "cgroup path too long",
	  M "cgroup a123456789012345678901234567890123456789\n"
	  "cgroup b123456789012345678901234567890123456789 parent=a123456789012345678901234567890123456789\n",
	  0, 3, 8, "is 82 bytes long (at most 63)" },
	{ "cgroup before the machine", "cgroup g\n", 0, 1, 1,
	  "\"machine\" must come before the first task or operation" },
	{ "clock without a plus", M "clock 1h\n", 0, 2, 7,
	  "expected +DURATION (such as +1h), got \"1h\"" },
	{ "clock with nothing", M "clock\n", 0, 2, 7, "expected +DURATION (such as +1h), got nothing" },
	{ "clock in years", M "clock +1y\n", 0, 2, 9, "unknown unit of time in \"1y\"" },
	{ "clock trailing word", M "clock +1h now\n", 0, 2, 11, "unexpected \"now\" after \"clock\"" },
	{ "oom_score_adj without a value", M "task a\noom_score_adj a\n", 0, 3, 17,
	  "expected an oom_score_adj value, got nothing" },
	{ "oom_adj not a number", M "task a\noom_adj a x\n", 0, 3, 11,
	  "expected an oom_adj value, got \"x\"" },
	{ "oom_score_adj beyond an int", M "task a\noom_score_adj a 99999999999\n", 0, 3, 17,
	  "an oom_score_adj value \"99999999999\" is out of range" },
	{ "oom_score_adj of an unknown task", M "oom_score_adj b 5\n", 0, 2, 15, "unknown task \"b\"" },
	{ "rank with a word", M "rank all\n", 0, 2, 6, "unexpected \"all\" after \"rank\"" },
	{ "rank in an unknown cgroup", M "rank cgroup=x\n", 0, 2, 13, "unknown cgroup \"x\"" },
	{ "expect killed without a task", M "expect killed\n", 0, 2, 15,
	  "expected a task name, got nothing" },
	{ "expect oom_score below zero", M "task a\nexpect oom_score a -1\n", 0, 3, 20,
	  "expected a number, got \"-1\"" },
	{ "expect badness in an unknown cgroup", M "task a\nexpect badness a cgroup=z 5\n", 0, 3, 25,
	  "unknown cgroup \"z\"" },
	{ "expect panic with a word", M "expect panic now\n", 0, 2, 14,
	  "unexpected \"now\" after \"expect\"" },
	{ "expect oom_kills without a count", M "expect oom_kills >=\n", 0, 2, 21,
	  "expected a number, got nothing" },
	{ "deep parentheses",
	  M "task a\nmmap a ((((((((((((((((((((((((((((((((("
	  "1)))))))))))))))))))))))))))))))))\n", 0, 3, 40,
	  "nested more than 32 deep" },
	{ "too many words",
	  M "task a\nmmap a 4k r r r r r r r r r r r r r r r r r r r r r r r r r r r r r r r r "
	  "r r r r r r r r r r r r r r r r r r r r r r r r r r r r r r r r\n", 0, 3, 133,
	  "too many words" },
};

static void test_bad_input(void **state)
{
	size_t i;

	(void)state;
	for (i = 0; i < sizeof(bad_rows) / sizeof(bad_rows[0]); i++) {
		const struct bad_row *b = &bad_rows[i];
		struct ovc_scenario *s = (void *)1;
		struct ovc_err e = { 0 };
		int r = ovc_scenario_parse(b->in, b->len ? b->len : strlen(b->in), "t.ovc", &s, &e);

		if (r != -OVC_E_PARSE || e.line != b->line || e.col != b->col ||
		    !strstr(e.msg, b->msg))
			print_error("row \"%s\": r=%d %s:%u:%u: %s\n", b->name, r,
				    e.file ? e.file : "(null)", e.line, e.col, e.msg);
		assert_int_equal(r, -OVC_E_PARSE);
		assert_null(s);
		assert_int_equal(e.code, OVC_E_PARSE);
		assert_string_equal(e.file, "t.ovc");
		assert_int_equal(e.line, b->line);
		assert_int_equal(e.col, b->col);
		assert_non_null(strstr(e.msg, b->msg));
	}
}

/* A line of 4097 bytes is refused at column 4097; 4096 bytes is fine. */
static void test_long_line(void **state)
{
	char *buf = malloc(4200);
	struct ovc_scenario *s;
	struct ovc_err e = { 0 };

	(void)state;
	memset(buf, ' ', 4200);
	memcpy(buf, "machine ram=1G", 14);
	buf[4096] = '\n';
	assert_int_equal(ovc_scenario_parse(buf, 4097, "t", &s, &e), 0);
	ovc_scenario_free(s);
	buf[4096] = ' ';
	buf[4097] = '\n';
	assert_int_equal(ovc_scenario_parse(buf, 4098, "t", &s, &e), -OVC_E_PARSE);
	assert_int_equal(e.line, 1);
	assert_int_equal(e.col, 4097);
	assert_non_null(strstr(e.msg, "longer than 4096"));
	free(buf);
}

/* ---- good input: the shape of the AST ---- */

static struct ovc_scenario *parse_ok(const char *in)
{
	struct ovc_scenario *s = NULL;
	struct ovc_err e = { 0 };
	int r = ovc_scenario_parse(in, strlen(in), "t.ovc", &s, &e);

	if (r)
		print_error("%s:%u:%u: %s\n", e.file, e.line, e.col, e.msg);
	assert_int_equal(r, 0);
	assert_non_null(s);
	return s;
}

static int name_of(const struct ovc_scenario *s, const char *n)
{
	size_t i;

	for (i = 0; i < s->nnames; i++)
		if (strcmp(s->names[i].name, n) == 0)
			return (int)i;
	return -1;
}

static const char doc_example[] =
	"# seed 002: fork fails once the 30 MB are written (2.6.32 heuristic)\n"
	"kernel 2.6.32\n"
	"machine ram=256M swap=0 cpus=1\n"
	"state free=50M file=0 committed=0\n"
	"task app uid=1000\n"
	"brk app +1M\n"
	"mmap app 15M as a\n"
	"mmap app 15M as b\n"
	"expect vmas app 2            # the two 15 MB mappings merged into one VMA\n"
	"touch a\n"
	"touch b\n"
	"fork app as child\n"
	"expect ENOMEM\n"
	"vfork app as kid\n"
	"expect ok\n";

static void test_doc_example(void **state)
{
	static const enum sc_op ops[] = {
		SC_KERNEL, SC_MACHINE, SC_STATE, SC_TASKLINE, SC_BRK, SC_MMAP, SC_MMAP,
		SC_EXPECT, SC_TOUCH, SC_TOUCH, SC_FORK, SC_EXPECT, SC_VFORK, SC_EXPECT,
	};
	struct ovc_scenario *s = parse_ok(doc_example);
	int app = name_of(s, "app"), a = name_of(s, "a");
	size_t i;

	(void)state;
	assert_string_equal(ovc_scenario_kernel(s), "2.6.32");
	assert_int_equal(s->nst, sizeof(ops) / sizeof(ops[0]));
	for (i = 0; i < s->nst; i++)
		assert_int_equal(s->st[i].op, ops[i]);
	/* lines count from 1, comments and blanks do not shift them */
	assert_int_equal(s->st[0].line, 2);
	assert_int_equal(s->st[7].line, 9);
	assert_string_equal(s->st[7].text, "expect vmas app 2");
	/* setup until the first operation (brk at line 6) */
	assert_true(s->st[3].setup);
	assert_false(s->st[4].setup);
	/* machine and state, in bytes */
	assert_int_equal(s->st[1].u.machine.ram, 256 * MiB);
	assert_true(s->st[1].u.machine.has_swap);
	assert_int_equal(s->st[1].u.machine.cpus, 1);
	assert_int_equal(s->st[2].u.state.given,
			 (1u << SC_ST_FREE) | (1u << SC_ST_FILE) | (1u << SC_ST_COMMITTED));
	assert_int_equal(s->st[2].u.state.v[SC_ST_FREE], 50 * MiB);
	/* names: one table, regions know their task */
	assert_int_equal(s->nnames, 5);	/* app, a, b, child, kid */
	assert_int_equal(s->names[app].kind, SC_TASK);
	assert_int_equal(s->st[3].u.task.uid, 1000);
	assert_string_equal(s->st[3].u.task.comm, "app");
	assert_int_equal(s->names[a].kind, SC_REGION);
	assert_int_equal(s->names[a].owner, app);
	assert_int_equal(s->names[name_of(s, "child")].kind, SC_TASK);
	/* brk app +1M */
	assert_int_equal(s->st[4].u.brk.sign, 1);
	assert_int_equal(s->st[4].size.bytes, MiB);
	/* mmap app 15M as a: private anonymous read-write */
	assert_int_equal(s->st[5].task, app);
	assert_int_equal(s->st[5].def, a);
	assert_int_equal(s->st[5].size.expr, 0);
	assert_int_equal(s->st[5].size.bytes, 15 * MiB);
	assert_int_equal(s->st[5].u.mmap.prot, OVC_PROT_READ | OVC_PROT_WRITE);
	assert_int_equal(s->st[5].u.mmap.flags, OVC_MAP_PRIVATE | OVC_MAP_ANONYMOUS);
	assert_int_equal(s->st[5].u.mmap.file, -1);
	/* touch a: the region, its owner acts, writes */
	assert_int_equal(s->st[8].ref.name, a);
	assert_int_equal(s->st[8].ref.task, app);
	assert_int_equal(s->st[8].u.touch.write, 1);
	/* expects */
	assert_int_equal(s->st[7].u.expect.kind, SC_X_VMAS);
	assert_int_equal(s->st[7].u.expect.cmp, SC_EQ);
	assert_int_equal(s->st[7].u.expect.num, 2);
	assert_int_equal(s->st[7].task, app);
	assert_int_equal(s->st[11].u.expect.kind, SC_X_RESULT);
	assert_int_equal(s->st[11].u.expect.err, 12);	/* ENOMEM */
	assert_int_equal(s->st[13].u.expect.err, 0);
	assert_int_equal(s->st[12].u.fork.how, OVC_CLONE_VFORK);
	ovc_scenario_free(s);
}

/* Sizes: together, apart, fractions, pages of the machine's size. */
static void test_sizes(void **state)
{
	struct ovc_scenario *s = parse_ok(
		"machine ram=1G page=64k\n"
		"task a\n"
		"mmap a 12061860 kB\n"
		"mmap a 11779.16M\n"
		"mmap a 3p\n"
		"mmap a 2 pages\n"
		"mmap a 0x1000\n"
		"rlimit a as unlimited\n"
		"rlimit a data 1.5k\n");

	(void)state;
	assert_int_equal(s->page_size, 65536);
	assert_int_equal(s->st[0].u.machine.page, 65536);
	assert_int_equal(s->st[2].size.bytes, 12061860 * KiB);
	/* 11779.16 MiB = 11779 MiB + floor(0.16 * 1048576) bytes */
	assert_int_equal(s->st[3].size.bytes, 11779 * MiB + 167772);
	assert_int_equal(s->st[4].size.bytes, 3 * 65536);
	assert_int_equal(s->st[5].size.bytes, 2 * 65536);
	assert_int_equal(s->st[6].size.bytes, 4096);
	assert_true(s->st[7].u.rlimit.unlimited);
	assert_int_equal(s->st[7].u.rlimit.which, 'A');
	assert_int_equal(s->st[8].size.bytes, 1536);
	ovc_scenario_free(s);
}

/* Expressions: precedence, left association, meminfo names, page. */
static void test_expressions(void **state)
{
	struct ovc_scenario *s = parse_ok(M
		"task a\n"
		"mmap a (CommitLimit - Committed_AS + 1p)\n"
		"mmap a (1M + 2 * 3)\n"
		"mmap a ((((((((((((((((((((((((((((((((1))))))))))))))))))))))))))))))))\n"
		"mmap a (4 kB * page / 2)\n");
	const struct sc_stmt *st = s->st + 1;	/* after the machine line */
	const struct sc_expr *x = s->ex, *n;

	(void)state;
	/* (CommitLimit - Committed_AS) + 1p */
	n = &x[st[1].size.expr - 1];
	assert_int_equal(n->op, SC_EX_ADD);
	assert_int_equal(n->col, 36);
	assert_int_equal(x[n->a].op, SC_EX_SUB);
	assert_string_equal(x[x[n->a].a].field, "CommitLimit");
	assert_string_equal(x[x[n->a].b].field, "Committed_AS");
	assert_int_equal(x[n->b].op, SC_EX_LIT);
	assert_int_equal(x[n->b].v, 4096);
	assert_int_equal(st[1].size.col, 8);
	/* 1M + (2 * 3) */
	n = &x[st[2].size.expr - 1];
	assert_int_equal(n->op, SC_EX_ADD);
	assert_int_equal(x[n->a].v, MiB);
	assert_int_equal(x[n->b].op, SC_EX_MUL);
	/* 32 levels are allowed */
	n = &x[st[3].size.expr - 1];
	assert_int_equal(n->op, SC_EX_LIT);
	assert_int_equal(n->v, 1);
	/* ((4 kB) * page) / 2 */
	n = &x[st[4].size.expr - 1];
	assert_int_equal(n->op, SC_EX_DIV);
	assert_int_equal(x[n->a].op, SC_EX_MUL);
	assert_int_equal(x[x[n->a].a].v, 4096);
	ovc_scenario_free(s);
}

/* TASK:REGION, parts, options in any order, conditions, CRLF. */
static void test_refs_and_options(void **state)
{
	struct ovc_scenario *s = parse_ok(M
		"task app comm=a-very-long-command-name adj=-500 admin\r\n"
		"file data 100M\r\n"
		"mmap app 8M r shared file=data offset=4k populate as m\r\n"
		"fork app as child\r\n"
		"touch child:m read len=8 kB off=4k\r\n"
		"mremap child:m 16M maymove as m2\r\n"
		"brk app -1M as heap\r\n"
		"sysctl vm.overcommit_memory=2\r\n"
		"expect ok if kernel < 5.2\r\n"
		"expect ENOMEM if kernel == rhel6\r\n"
		"expect meminfo HugePages_Free >= 3\r\n"
		"expect commit_pct 45.678\r\n"
		"expect sysctl overcommit_ratio != 50\r\n");
	const struct sc_stmt *st = s->st + 1;	/* after the machine line */
	int app = name_of(s, "app"), child = name_of(s, "child"), m = name_of(s, "m");

	(void)state;
	assert_string_equal(st[0].u.task.comm, "a-very-long-com");	/* 15 bytes */
	assert_int_equal(st[0].u.task.adj, -500);
	assert_int_equal(st[0].u.task.admin, 1);
	assert_int_equal(st[2].u.mmap.prot, OVC_PROT_READ);
	assert_int_equal(st[2].u.mmap.flags, OVC_MAP_SHARED | OVC_MAP_POPULATE);
	assert_int_equal(st[2].u.mmap.file, name_of(s, "data"));
	assert_int_equal(st[2].u.mmap.offset.bytes, 4096);
	assert_int_equal(st[4].ref.name, m);
	assert_int_equal(st[4].ref.task, child);
	assert_int_equal(st[4].task, child);
	assert_true(st[4].ref.has_off);
	assert_true(st[4].ref.has_len);
	assert_int_equal(st[4].ref.off.bytes, 4096);
	assert_int_equal(st[4].ref.len.bytes, 8192);
	assert_int_equal(st[4].u.touch.write, 0);
	assert_int_equal(st[5].u.mremap.flags, OVC_MREMAP_MAYMOVE);
	assert_int_equal(s->names[st[5].def].owner, child);
	assert_int_equal(st[6].u.brk.sign, -1);
	assert_int_equal(s->names[st[6].def].owner, app);
	assert_false(st[7].setup);	/* after the first operation: a run-time write */
	assert_int_equal(st[7].u.sysctl.key, OVC_SYSCTL_OVERCOMMIT_MEMORY);
	assert_int_equal(st[7].u.sysctl.value, 2);
	assert_true(st[8].u.expect.cond.on);
	assert_int_equal(st[8].u.expect.cond.cmp, SC_LT);
	assert_int_equal(st[8].u.expect.cond.kver, OVC_KV(5, 2, 0));
	assert_int_equal(st[8].u.expect.cond.parts, 2);
	assert_true(st[9].u.expect.cond.rhel6);
	assert_true(st[10].u.expect.count);
	assert_int_equal(st[10].u.expect.cmp, SC_GE);
	assert_int_equal(st[10].u.expect.num, 3);
	assert_int_equal(st[11].u.expect.num, 4568);	/* 45.678 rounds to 45.68 */
	assert_int_equal(st[12].u.expect.cmp, SC_NE);
	assert_string_equal(st[12].text, "expect sysctl overcommit_ratio != 50");
	ovc_scenario_free(s);
}

/* The smallest scenario: a machine line among comments and blank lines. */
static void test_minimal(void **state)
{
	struct ovc_scenario *s = parse_ok("# nothing\n\n  machine ram=1G\t# but a machine\n \t# at all");

	(void)state;
	assert_int_equal(s->nst, 1);
	assert_int_equal(s->st[0].line, 3);
	assert_int_equal(s->st[0].col, 3);
	assert_string_equal(s->st[0].text, "machine ram=1G");
	assert_null(ovc_scenario_kernel(s));
	ovc_scenario_free(s);
}

/* ---- running: expect outcomes and run-time misuse ---- */

/* Parse and run in; *s stays alive for e->file, the caller frees it. */
static int run_text(const char *in, const char *kernel, struct ovc_trace *t,
		    struct ovc_err *e, struct ovc_scenario **s)
{
	struct ovc_profile p;

	*s = parse_ok(in);
	if (kernel)
		assert_int_equal(ovc_profile_for(kernel, &p, NULL), 0);
	return ovc_scenario_run(*s, kernel ? &p : NULL, t, e);
}

static void test_run_doc_example(void **state)
{
	struct ovc_scenario *s;
	struct ovc_trace t;
	struct ovc_err e = { 0 };

	(void)state;
	assert_int_equal(run_text(doc_example, NULL, &t, &e, &s), 0);
	assert_string_equal(t.kernel, "2.6.32");
	assert_int_equal(t.nsteps, 7);	/* brk, 2 mmap, 2 touch, fork, vfork */
	assert_string_equal(t.steps[0].op, "brk");
	assert_string_equal(t.steps[0].task, "app");
	assert_string_equal(t.steps[1].text, "mmap app 15M as a");
	assert_int_equal(t.steps[1].line, 7);
	/* two 15M private writable mappings: 2 * 15360 kB, plus the 1024 kB heap */
	assert_int_equal(t.steps[2].committed_exact_kb, 31744);
	assert_int_equal(t.steps[5].res.err, 12);
	assert_int_equal(t.passed, 3);
	assert_int_equal(t.failed, 0);
	ovc_trace_free(&t);
	ovc_scenario_free(s);
}

static void test_run_checks(void **state)
{
	struct ovc_scenario *s;
	struct ovc_trace t;
	struct ovc_err e = { 0 };
	const char *in =
		"machine ram=1G swap=0\n"
		"task a\n"
		"expect meminfo MemTotal 1G\n"		/* before any step: on the trace */
		"expect meminfo MemTotal == 1048576 kB\n"
		"expect meminfo MemTotal 1048575 kB\n"	/* fails */
		"mmap a 10M as r\n"
		"expect committed a 10M\n"
		"expect committed a > 10M\n"		/* fails */
		"expect vmsize a 10240 kB\n"
		"expect rss a 0\n"
		"touch r len=1M\n"
		"expect rss a 1M\n"
		"expect ENOMEM if kernel == rhel6\n"	/* skipped under 6.1 */
		"expect ok if kernel >= 6\n"
		"expect EINVAL if kernel >= 6.1\n"	/* fails */
		"expect ok if kernel < 6.1\n";		/* skipped */

	(void)state;
	assert_int_equal(run_text(in, "6.1", &t, &e, &s), 0);
	assert_int_equal(t.nchecks, 3);
	assert_true(t.checks[0].passed);
	assert_false(t.checks[2].passed);
	assert_string_equal(t.checks[2].actual, "1048576 kB");
	assert_int_equal(t.checks[2].line, 5);
	assert_int_equal(t.checks[2].col, 1);
	assert_int_equal(t.steps[0].nchecks, 4);
	assert_false(t.steps[0].checks[1].passed);
	assert_string_equal(t.steps[0].checks[1].actual, "10240 kB");
	assert_int_equal(t.steps[1].nchecks, 3);
	assert_string_equal(t.steps[1].checks[2].actual, "ok");
	assert_int_equal(t.passed, 7);
	assert_int_equal(t.failed, 3);
	ovc_trace_free(&t);
	ovc_scenario_free(s);
}

struct misuse_row {
	const char *name;
	const char *in;
	unsigned line, col;
	const char *msg;
};

static const struct misuse_row misuse_rows[] = {
	{ "region of a task that exited", M "task a\nmmap a 4k as r\nexit a\ntouch r\n", 5, 7,
	  "task \"a\" exited at line 4" },
	{ "task whose fork failed",
	  "machine ram=64M\nsysctl overcommit_memory=2\ntask a\nmmap a 30M\nfork a as c\nexit c\n", 6, 6,
	  "task \"c\" does not exist" },
	{ "negative expression", M "task a\nmmap a (MemFree - MemTotal - 1)\n", 3, 8,
	  "the expression is negative" },
	{ "division by zero", M "task a\nmmap a (1M / (page - page))\n", 3, 12, "divides by zero" },
	{ "range past the end of the address space",
	  M "task a\nmmap a 8k as r\nmunmap r off=4k len=18446744073709551615\n", 4, 21,
	  "the range runs past the end of the address space" },
	{ "expect on an exited task", M "task a\nmmap a 4k\nexit a\nexpect vmas a 0\n", 5, 13,
	  "exited at line 4" },
	{ "a task the OOM killer took",
	  M "sysctl vm.overcommit_memory=1\ntask a\nmmap a 2G as r\ntouch r\ntouch r\n", 6, 7,
	  "task \"a\" was killed by the OOM killer at line 5" },
	{ "oom_score of a killed task",
	  M "sysctl vm.overcommit_memory=1\ntask a\nmmap a 2G as r\ntouch r\nexpect oom_score a 0\n",
	  6, 18, "was killed by the OOM killer at line 5" },
	{ "a task started in the future", M "task a start=10s\n", 2, 14,
	  "start=10s is later than the machine's uptime (0s)" },
};

static void test_run_misuse(void **state)
{
	size_t i;

	(void)state;
	for (i = 0; i < sizeof(misuse_rows) / sizeof(misuse_rows[0]); i++) {
		const struct misuse_row *m = &misuse_rows[i];
		struct ovc_scenario *s;
		struct ovc_trace t;
		struct ovc_err e = { 0 };
		int r = run_text(m->in, "6.1", &t, &e, &s);

		if (r != -OVC_E_STATE || e.line != m->line || e.col != m->col || !strstr(e.msg, m->msg))
			print_error("row \"%s\": r=%d %u:%u: %s\n", m->name, r, e.line, e.col, e.msg);
		assert_int_equal(r, -OVC_E_STATE);
		assert_string_equal(e.file, "t.ovc");
		assert_int_equal(e.line, m->line);
		assert_int_equal(e.col, m->col);
		assert_non_null(strstr(e.msg, m->msg));
		ovc_trace_free(&t);
		ovc_scenario_free(s);
	}
}

/* The setup ends at the first operation or expect line: a sysctl before it
 * is boot configuration, one after it a run-time write with a step. */
static void test_setup_end(void **state)
{
	struct ovc_scenario *s;
	struct ovc_trace t;
	struct ovc_err e = { 0 };
	const char *in = M
		"sysctl vm.overcommit_ratio=100\n"	/* boot: 1048576 kB */
		"task a\n"
		"expect meminfo CommitLimit 1048576 kB\n"
		"sysctl vm.overcommit_ratio=50\n"	/* a step: 524288 kB */
		"expect ok\n"
		"expect meminfo CommitLimit 524288 kB\n"
		"sysctl vm.overcommit_memory=3\n"
		"expect EINVAL\n"
		"task b\n"				/* a step as well */
		"expect ok\n";

	(void)state;
	assert_int_equal(run_text(in, "6.1", &t, &e, &s), 0);
	assert_true(s->st[1].setup);
	assert_true(s->st[2].setup);
	assert_false(s->st[4].setup);
	assert_false(s->st[9].setup);
	assert_int_equal(t.nchecks, 1);
	assert_int_equal(t.nsteps, 3);
	assert_string_equal(t.steps[0].op, "sysctl");
	assert_null(t.steps[0].task);
	assert_string_equal(t.steps[2].op, "task");
	assert_string_equal(t.steps[2].task, "b");
	assert_int_equal(t.passed, 5);
	assert_int_equal(t.failed, 0);
	ovc_trace_free(&t);
	ovc_scenario_free(s);
}

/* Which profiles an `if kernel` selects: each line below fails when it is
 * checked, so t.failed counts the selected ones. */
static void test_run_conditions(void **state)
{
	static const struct { const char *kernel; unsigned failed; } rows[] = {
		/* ==4.19 <=4.19 >4.19 <5.2 ==rhel6 !=rhel6 <3.0 >=6 */
		{ "4.19", 4 },		/* ==4.19 <=4.19 <5.2 !=rhel6 */
		{ "4.19.100", 4 },	/* a version compares as far as written */
		{ "5.2", 2 },		/* >4.19 !=rhel6 */
		{ "rhel6", 4 },		/* <=4.19 <5.2 ==rhel6 <3.0: rhel6 is 2.6.32 */
		{ "2.6.32", 4 },	/* <=4.19 <5.2 !=rhel6 <3.0 */
		{ "6.12.5", 3 },	/* >4.19 !=rhel6 >=6 */
	};
	const char *in = M
		"task a\n"
		"mmap a 4k\n"
		"expect vmas a 99 if kernel == 4.19\n"
		"expect vmas a 99 if kernel <= 4.19\n"
		"expect vmas a 99 if kernel > 4.19\n"
		"expect vmas a 99 if kernel < 5.2\n"
		"expect vmas a 99 if kernel == rhel6\n"
		"expect vmas a 99 if kernel != rhel6\n"
		"expect vmas a 99 if kernel < 3.0\n"
		"expect vmas a 99 if kernel >= 6\n";
	size_t i;

	(void)state;
	for (i = 0; i < sizeof(rows) / sizeof(rows[0]); i++) {
		struct ovc_scenario *s;
		struct ovc_trace t;
		struct ovc_err e = { 0 };

		assert_int_equal(run_text(in, rows[i].kernel, &t, &e, &s), 0);
		if (t.failed != rows[i].failed)
			print_error("kernel %s: %u failed\n", rows[i].kernel, t.failed);
		assert_int_equal(t.failed, rows[i].failed);
		assert_int_equal(t.passed, 0);
		ovc_trace_free(&t);
		ovc_scenario_free(s);
	}
}

/* ---- the OOM killer's statements ---- */

/* Task attributes, cgroups, clock, /proc writes, rank and the expect
 * lines: the shape of what the parser builds. */
static void test_oom_syntax(void **state)
{
	struct ovc_scenario *s = parse_ok(
		"machine ram=1G uptime=1d\n"
		"cgroup jobs max=300M swap.max=max oom.group swappiness=0\n"
		"cgroup sub parent=jobs limit_in_bytes=100M\n"
		"task a uid=0 admin=0 cap_sys_resource cap_sys_rawio=0 cputime=90min "
		"start=1500ms oom_adj=-17 cgroup=sub nice=5\n"
		"task b uid=1000\n"
		"mmap b 4k\n"
		"clock +2h\n"
		"oom_score_adj b -1000\n"
		"oom_adj b 15\n"
		"rank cgroup=jobs\n"
		"rank\n"
		"expect EACCES\n"
		"expect killed a\n"
		"expect survives b if kernel >= 5.9\n"
		"expect oom_score b >= 666\n"
		"expect badness b cgroup=jobs < -5\n"
		"expect panic\n"
		"expect oom_kills != 0\n");
	const struct sc_stmt *st = s->st;
	int jobs = name_of(s, "jobs"), sub = name_of(s, "sub"), a = name_of(s, "a"),
	    b = name_of(s, "b");

	(void)state;
	assert_int_equal(s->nst, 18);
	assert_int_equal(st[0].u.machine.uptime_ms, 86400000);
	/* cgroups: names of their own kind; the parent is the owner */
	assert_int_equal(s->names[jobs].kind, SC_CGROUP);
	assert_int_equal(s->names[jobs].owner, -1);
	assert_int_equal(s->names[sub].owner, jobs);
	assert_int_equal(st[1].op, SC_CGROUPLINE);
	assert_true(st[1].setup);
	assert_true(st[1].u.cgroup.has_max);
	assert_int_equal(st[1].u.cgroup.max.bytes, 300 * MiB);
	assert_true(st[1].u.cgroup.has_swap_max);
	assert_true(st[1].u.cgroup.swap_unlimited);
	assert_true(st[1].u.cgroup.oom_group);
	assert_int_equal(st[1].u.cgroup.swappiness, 0);
	assert_int_equal(st[1].u.cgroup.parent, -1);
	assert_int_equal(st[2].u.cgroup.parent, jobs);
	assert_true(st[2].u.cgroup.has_max);	/* limit_in_bytes is max */
	assert_int_equal(st[2].u.cgroup.max.bytes, 100 * MiB);
	assert_int_equal(st[2].u.cgroup.swappiness, -1);
	/* task attributes */
	assert_int_equal(st[3].u.task.admin, 0);
	assert_int_equal(st[3].u.task.cap_resource, 1);
	assert_int_equal(st[3].u.task.cap_rawio, 0);
	assert_int_equal(st[3].u.task.cputime_ms, 90 * 60 * 1000);
	assert_true(st[3].u.task.has_start);
	assert_int_equal(st[3].u.task.start_s, 1);	/* whole seconds */
	assert_int_equal(st[3].u.task.start_col, 75);
	assert_true(st[3].u.task.has_oom_adj);
	assert_int_equal(st[3].u.task.oom_adj, -17);
	assert_int_equal(st[3].u.task.cgroup, sub);
	assert_int_equal(st[3].u.task.nice, 5);
	assert_int_equal(st[4].u.task.cap_resource, -1);	/* as admin */
	assert_int_equal(st[4].u.task.cgroup, -1);
	assert_false(st[4].u.task.has_oom_adj);
	/* operations */
	assert_false(st[6].setup);
	assert_int_equal(st[6].op, SC_CLOCK);
	assert_int_equal(st[6].u.clock.ms, 2 * 3600 * 1000);
	assert_int_equal(st[7].op, SC_OOM_SCORE_ADJ);
	assert_int_equal(st[7].task, b);
	assert_int_equal(st[7].u.adj.value, -1000);
	assert_int_equal(st[8].op, SC_OOM_ADJ);
	assert_int_equal(st[8].u.adj.value, 15);
	assert_int_equal(st[9].op, SC_RANK);
	assert_int_equal(st[9].u.rank.cgroup, jobs);
	assert_int_equal(st[10].u.rank.cgroup, -1);
	/* expect lines */
	assert_int_equal(st[11].u.expect.err, 13);	/* EACCES */
	assert_int_equal(st[12].u.expect.kind, SC_X_KILLED);
	assert_int_equal(st[12].task, a);
	assert_int_equal(st[13].u.expect.kind, SC_X_SURVIVES);
	assert_true(st[13].u.expect.cond.on);
	assert_int_equal(st[14].u.expect.kind, SC_X_OOM_SCORE);
	assert_int_equal(st[14].u.expect.cmp, SC_GE);
	assert_int_equal(st[14].u.expect.num, 666);
	assert_int_equal(st[15].u.expect.kind, SC_X_BADNESS);
	assert_int_equal(st[15].u.expect.cgroup, jobs);
	assert_int_equal(st[15].u.expect.cmp, SC_LT);
	assert_int_equal(st[15].u.expect.num, -5);
	assert_int_equal(st[16].u.expect.kind, SC_X_PANIC);
	assert_int_equal(st[17].u.expect.kind, SC_X_OOM_KILLS);
	assert_int_equal(st[17].u.expect.cmp, SC_NE);
	assert_int_equal(st[17].u.expect.num, 0);
	ovc_scenario_free(s);
}

/* An OOM during a step: the step holds copies of the events, the victims
 * by name, and its task's own death as the result OOM. 1G, no swap: hog
 * writes 1G with big holding 600M. At the first OOM hog has ~400M, big
 * 600M: big is killed; hog goes on, and runs out again with everything
 * else gone: it is killed itself. */
static void test_run_oom(void **state)
{
	struct ovc_scenario *s;
	struct ovc_trace t;
	struct ovc_err e = { 0 };
	const struct ovc_step *st;
	const char *in =
		"machine ram=1G swap=0\n"
		"sysctl vm.overcommit_memory=1\n"
		"task big uid=1000\n"
		"task hog uid=1000\n"
		"mmap big 600M as b\n"
		"touch b\n"
		"mmap hog 1G as h\n"
		"rank\n"				/* against the mmap step */
		"touch h\n"
		"expect OOM\n"
		"expect ok\n"				/* fails: hog was killed */
		"expect killed big\n"
		"expect killed hog\n"
		"expect survives hog\n"			/* fails */
		"expect oom_kills 2\n"
		"expect panic\n";			/* fails */

	(void)state;
	assert_int_equal(run_text(in, "6.1", &t, &e, &s), 0);
	assert_int_equal(t.nsteps, 4);
	/* the ranking: big and hog, in creation order; big would be chosen */
	st = &t.steps[2];
	assert_int_equal(st->nranks, 1);
	assert_int_equal(st->ranks[0].line, 8);
	assert_null(st->ranks[0].cgroup);
	assert_int_equal(st->ranks[0].totalpages, 262144);
	assert_int_equal(st->ranks[0].nrows, 2);
	assert_string_equal(st->ranks[0].rows[0].comm, "big");
	assert_int_equal(st->ranks[0].chosen, 0);
	/* 600M = 153600 pages + 303 page tables (301 PTE: not 2 MiB
	 * aligned; 1 PMD, 1 PUD); the untouched 1G of hog costs none */
	assert_int_equal(st->ranks[0].rows[0].b.points, 153903);
	/* the touch: two invocations, two victims, the result OOM */
	st = &t.steps[3];
	assert_int_equal(st->noom, 2);
	assert_int_equal(st->oom[0].outcome, OVC_OOM_KILLED);
	assert_int_equal(st->oom[0].nkills, 1);
	assert_string_equal(st->oom[0].kills[0].comm, "big");
	assert_int_equal(st->oom[0].nrows, 2);
	assert_int_equal(st->nvictims, 2);
	assert_string_equal(st->victims[0].task, "big");
	assert_string_equal(st->victims[1].task, "hog");
	assert_int_equal(st->victims[1].pid, 1001);
	assert_int_equal(st->res.cause, OVC_CAUSE_OOM);
	assert_true(st->res.killed);
	assert_int_equal(st->res.oom_kills, 2);
	assert_int_equal(st->nchecks, 7);
	assert_string_equal(st->checks[1].actual, "ok (OOM)");
	assert_string_equal(st->checks[4].actual, "killed at line 9");
	assert_string_equal(st->checks[6].actual, "no panic");
	assert_int_equal(t.passed, 4);
	assert_int_equal(t.failed, 3);
	/* the end */
	assert_int_equal(t.oom_kills, 2);
	assert_false(t.panicked);
	assert_int_equal(t.ntasks, 2);
	assert_true(t.tasks[0].oom_killed);
	assert_true(t.tasks[0].exited);
	ovc_trace_free(&t);
	ovc_scenario_free(s);
}

/* 2.6.32's badness() from what the task line states: 64k = 16 pages. The
 * clock keeps milliseconds, the kernel reads whole seconds: 16383.5 s of
 * uptime is 16383 s, run time 16383 >> 10 = 15, int_sqrt(int_sqrt(15)) =
 * 1; half a second later 16384 >> 10 = 16, int_sqrt(4) = 2: 16 / 2. */
static void test_run_legacy_attrs(void **state)
{
	struct ovc_scenario *s;
	struct ovc_trace t;
	struct ovc_err e = { 0 };
	const char *in =
		"kernel 2.6.32\n"
		"machine ram=1G uptime=16383500ms\n"
		"task old uid=1000 start=0\n"
		"task rawio uid=1000 cap_sys_rawio\n"		/* / 4 */
		"task root uid=0\n"				/* admin, resource, rawio: / 16 */
		"task root2 uid=0 cap_sys_rawio=0\n"		/* / 4 */
		"task shifted uid=1000 oom_adj=2\n"		/* << 2 */
		"task busy uid=1000 cputime=24s\n"		/* 24000 >> 13 = 2: / int_sqrt(2) = 1 */
		"task busier uid=1000 cputime=32768ms\n"	/* 32768 >> 13 = 4: / 2 */
		"mmap old 64k\nmmap rawio 64k\nmmap root 64k\nmmap root2 64k\nmmap shifted 64k\n"
		"mmap busy 64k\nmmap busier 64k\n"
		"expect oom_score old 16\n"
		"expect oom_score rawio 4\n"
		"expect oom_score root 1\n"
		"expect oom_score root2 4\n"
		"expect oom_score shifted 64\n"
		"expect oom_score busy 16\n"
		"expect oom_score busier 8\n"
		"clock +500ms\n"
		"expect oom_score old 8\n"
		"expect oom_score rawio 4\n"			/* started at 16383: run 1 s */
		"oom_score_adj old 5\n"
		"expect ENOENT\n"				/* no such file before 2.6.36 */
		"oom_adj shifted 3\n"
		"expect ok\n"					/* raising needs nothing */
		"oom_adj shifted -1\n"
		"expect EACCES\n"				/* lowering needs CAP_SYS_RESOURCE */
		"oom_adj root 16\n"
		"expect EINVAL\n"
		"oom_adj root -17\n"
		"expect ok\n"
		"expect oom_score shifted 128\n";		/* 16 << 3 */

	(void)state;
	assert_int_equal(run_text(in, NULL, &t, &e, &s), 0);
	for (size_t i = 0; i < t.nsteps; i++)
		for (size_t k = 0; k < t.steps[i].nchecks; k++)
			if (!t.steps[i].checks[k].passed)
				print_error("line %u: %s: %s\n", t.steps[i].checks[k].line,
					    t.steps[i].checks[k].text, t.steps[i].checks[k].actual);
	assert_int_equal(t.failed, 0);
	assert_int_equal(t.passed, 15);
	ovc_trace_free(&t);
	ovc_scenario_free(s);
}

/* A memcg OOM kills in the cgroup; oom_score_adj writes under 6.1. */
static void test_run_cgroup(void **state)
{
	struct ovc_scenario *s;
	struct ovc_trace t;
	struct ovc_err e = { 0 };
	const char *in =
		"machine ram=2G swap=0\n"
		"cgroup jobs max=100M\n"
		"task big uid=1000\n"
		"task a uid=1000 cgroup=jobs\n"
		"task b uid=1000 cgroup=jobs\n"
		"mmap big 800M as bg\nmmap a 60M as am\nmmap b 60M as bm\n"
		"touch bg\ntouch am\n"
		"rank cgroup=jobs\n"
		"touch bm\n"
		"expect ok\n"
		"expect OOM\n"
		"expect killed a\n"
		"expect survives big\n"
		"oom_score_adj b -1\n"
		"expect EACCES\n"
		"oom_score_adj b 1001\n"
		"expect EINVAL\n"
		"oom_score_adj big -1000\n"
		"expect EACCES\n"
		"oom_score_adj b 1000\n"
		"expect ok\n";
	const struct ovc_step *st;

	(void)state;
	assert_int_equal(run_text(in, "6.1", &t, &e, &s), 0);
	assert_int_equal(t.failed, 0);
	st = &t.steps[4];			/* touch am: the rank follows it */
	assert_int_equal(st->nranks, 1);
	assert_string_equal(st->ranks[0].cgroup, "/jobs");
	assert_int_equal(st->ranks[0].totalpages, 25600);	/* 100M, no swap */
	st = &t.steps[5];
	assert_int_equal(st->noom, 1);
	assert_int_equal(st->oom[0].constraint, OVC_CONSTRAINT_MEMCG);
	assert_int_equal(st->oom[0].nrows, 2);	/* a and b: big is not listed */
	assert_int_equal(st->nvictims, 1);
	assert_string_equal(st->victims[0].task, "a");
	ovc_trace_free(&t);
	ovc_scenario_free(s);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_bad_input),
		cmocka_unit_test(test_long_line),
		cmocka_unit_test(test_doc_example),
		cmocka_unit_test(test_sizes),
		cmocka_unit_test(test_expressions),
		cmocka_unit_test(test_refs_and_options),
		cmocka_unit_test(test_minimal),
		cmocka_unit_test(test_run_doc_example),
		cmocka_unit_test(test_run_checks),
		cmocka_unit_test(test_run_misuse),
		cmocka_unit_test(test_run_conditions),
		cmocka_unit_test(test_setup_end),
		cmocka_unit_test(test_oom_syntax),
		cmocka_unit_test(test_run_oom),
		cmocka_unit_test(test_run_legacy_attrs),
		cmocka_unit_test(test_run_cgroup),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
