/* test_real_compare.c - the mirrored scenario of `ovc exec --compare` and its model run, renumbered to the scenario's lines (no VM needed: the measured machine and images are given by hand). */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <cmocka.h>

#include "ovc/trace.h"
#include "ovc/trace_cmp.h"
#include "render/cmp_text.h"
#include "scenario/real.h"
#include "scenario/real_compare.h"
#include "scenario/scenario.h"

/* build/ovc-static in a 6.1 guest: 10 VMAs, 584 kB charged
 * (RELRO 24 + data 12 + bss 280 + heap 136 + stack 132). */
static const struct ovc_real_vma ovc_image[] = {
	{ 0x400000, 0x401000, 0, "r--p", 0, 1, "prog" },
	{ 0x401000, 0x4c0000, 4096, "r-xp", 0, 1, "prog" },
	{ 0x4c0000, 0x509000, 786432, "r--p", 0, 1, "prog" },
	{ 0x509000, 0x50f000, 1085440, "r--p", 1, 1, "prog" },
	{ 0x50f000, 0x512000, 1110016, "rw-p", 1, 1, "prog" },
	{ 0x512000, 0x558000, 0, "rw-p", 1, 0, "" },
	{ 0xe85a000, 0xe87c000, 0, "rw-p", 1, 0, "[heap]" },
	{ 0x7ffd6fd2b000, 0x7ffd6fd4c000, 0, "rw-p", 1, 0, "[stack]" },
	{ 0x7ffd6fd66000, 0x7ffd6fd6a000, 0, "r--p", 0, 0, "[vvar]" },
	{ 0x7ffd6fd6a000, 0x7ffd6fd6c000, 0, "r-xp", 0, 0, "[vdso]" },
};

#define START_KB	5048u	/* Committed_AS before any task (controller, init) */
#define IMAGE_KB	584u

static const char scenario[] =
	"# vm: mem=512M\n"			/* 1 */
	"kernel 2.6.32\n"			/* 2: replaced by the running kernel */
	"machine ram=1G cpus=4\n"		/* 3: replaced by the measured machine */
	"task app uid=1000\n"			/* 4: setup, silent */
	"sysctl vm.overcommit_memory=2\n"	/* 5: boot sysctl, hoisted */
	"task kid uid=1000\n"			/* 6: setup, silent (a step in the mirror) */
	"mmap app 1M as a   # a comment\n"	/* 7 */
	"expect ok\n"				/* 8 */
	"task late uid=1000\n"			/* 9: a step; its image folds into it */
	"exec late\n"				/* 10: the image's shape */
	"mmap app (CommitLimit - Committed_AS) as over\n";	/* 11: exactly at the limit */

static void image(struct ovc_real_image *img, const char *task, unsigned line)
{
	memset(img, 0, sizeof(*img));
	strcpy(img->task, task);
	img->line = line;
	img->pid = 80 + (int)line;
	img->map_count = 10;
	img->committed_kb = IMAGE_KB;
	img->vmas = (struct ovc_real_vma *)ovc_image;
	img->nvmas = sizeof(ovc_image) / sizeof(ovc_image[0]);
}

static void info_init(struct ovc_real_info *I, struct ovc_real_image *imgs)
{
	struct ovc_real_machine *m = &I->machine;

	memset(I, 0, sizeof(*I));
	strcpy(m->release, "6.1.0-56-cloud-amd64");
	m->page_size = 4096;
	m->ncpus = 1;
	m->mi.mem_total = 481296;
	m->mi.mem_free = 449876;
	m->mi.cached = m->mi.shmem = 4128;
	m->mi.committed_as = START_KB;
	m->sysctl[OVC_SYSCTL_OVERCOMMIT_MEMORY] = 0;
	m->sysctl[OVC_SYSCTL_OVERCOMMIT_RATIO] = 50;
	m->sysctl[OVC_SYSCTL_ADMIN_RESERVE_KBYTES] = 0;
	m->sysctl[OVC_SYSCTL_USER_RESERVE_KBYTES] = 0;
	m->have_sysctl = 1u << OVC_SYSCTL_OVERCOMMIT_MEMORY | 1u << OVC_SYSCTL_OVERCOMMIT_RATIO |
			 1u << OVC_SYSCTL_ADMIN_RESERVE_KBYTES | 1u << OVC_SYSCTL_USER_RESERVE_KBYTES;
	image(&imgs[0], "app", 4);
	image(&imgs[1], "kid", 6);
	image(&imgs[2], "late", 9);
	image(&imgs[3], "late", 10);	/* after its exec: the ovc binary again */
	I->images = imgs;
	I->nimages = 4;
}

/* Composed line number (1-based) of the first line that is exactly text. */
static unsigned line_of(const struct ovc_real_mirror *mr, const char *text)
{
	const char *p = mr->text;
	unsigned n = 1;
	size_t len = strlen(text);

	while (*p) {
		if (!strncmp(p, text, len) && p[len] == '\n')
			return n;
		p = strchr(p, '\n') + 1;
		n++;
	}
	return 0;
}

static struct ovc_scenario *parse(void)
{
	struct ovc_scenario *s = NULL;
	struct ovc_err e = { 0 };

	if (ovc_scenario_parse(scenario, strlen(scenario), "t.ovc", &s, &e) < 0)
		fail_msg("parse: %u:%u %s", e.line, e.col, e.msg);
	return s;
}

static void test_compose(void **state)
{
	struct ovc_real_image imgs[4];
	struct ovc_real_info I;
	struct ovc_real_mirror mr;
	struct ovc_scenario *s = parse();
	unsigned machine, sysctl, app, kid, exec;

	(void)state;
	info_init(&I, imgs);
	assert_int_equal(ovc_real_mirror_compose(s, &I, &mr, NULL), 0);
	/* the measured machine replaces kernel and machine lines */
	assert_null(strstr(mr.text, "kernel 2.6.32"));
	assert_null(strstr(mr.text, "ram=1G"));
	machine = line_of(&mr, "machine ram=481296kB swap=0kB cpus=1");
	sysctl = line_of(&mr, "sysctl vm.overcommit_memory=2");
	app = line_of(&mr, "task app uid=1000");
	kid = line_of(&mr, "task kid uid=1000");
	assert_true(machine && sysctl && app && kid);
	assert_true(machine < sysctl && sysctl < app);	/* boot sysctls before any task */
	/* ... after the setup ended, as the writes ovc exec made */
	assert_true(strstr(mr.text, "\nexpect sysctl vm.overcommit_memory >= 0") <
		    strstr(mr.text, "\nsysctl vm.overcommit_memory=2\n"));
	assert_true(mr.silent[sysctl - 1]);
	assert_int_equal(mr.orig[sysctl - 1], 5);
	assert_int_equal(mr.orig[app - 1], 4);
	assert_true(mr.silent[app - 1] && mr.silent[kid - 1]);
	assert_int_equal(mr.orig[app], 0);		/* the image's lines are inserted */
	assert_non_null(strstr(mr.text, "task app uid=1000\n# image of task app (line 4"));
	assert_non_null(strstr(mr.text, "mprotect _img4_3 r\n"));
	/* comments are gone, expect lines stay */
	assert_int_equal(mr.orig[line_of(&mr, "mmap app 1M as a") - 1], 7);
	assert_int_equal(mr.orig[line_of(&mr, "expect ok") - 1], 8);
	/* exec: the image's shape, from line 10 */
	exec = line_of(&mr, "exec late text=1060kB data=36kB bss=416kB stack=132kB");
	assert_true(exec > 0);
	assert_int_equal(mr.orig[exec - 1], 10);
	assert_false(mr.silent[exec - 1]);
	ovc_real_mirror_free(&mr);
	ovc_scenario_free(s);
}

/* The model's steps, renumbered: 7, 9, 10, 11 (the setup task lines and
 * the inserted lines have none of their own); line 9 includes its image. */
static void test_model(void **state)
{
	struct ovc_real_image imgs[4];
	struct ovc_real_info I;
	struct ovc_real_mirror mr;
	struct ovc_scenario *s = parse();
	struct ovc_profile p;
	struct ovc_trace t;
	struct ovc_err e = { 0 };
	const unsigned want[] = { 7, 9, 10, 11 };

	(void)state;
	info_init(&I, imgs);
	assert_int_equal(ovc_real_mirror_compose(s, &I, &mr, NULL), 0);
	if (ovc_real_model(s, &I, &mr, &p, &t, &e) < 0)
		fail_msg("model: %u:%u %s", e.line, e.col, e.msg);
	assert_int_equal(p.kver, OVC_KV(6, 1, 0));
	assert_int_equal(t.nsteps, 4);
	for (size_t i = 0; i < 4; i++)
		assert_int_equal(t.steps[i].line, want[i]);
	/* 5048 kB to start; CommitLimit 481296 x 50% = 240648 kB */
	assert_int_equal(t.start.committed_as, START_KB);
	assert_int_equal(t.start.commit_limit, 240648);
	/* line 7: two images and 1 MB: 5048 + 2 x 584 + 1024 = 7240 kB */
	assert_int_equal(t.steps[0].committed_exact_kb, 7240);
	assert_int_equal(t.steps[0].res.delta, 256);
	/* line 9: the task step carries its image, 584 kB = 146 pages */
	assert_int_equal(t.steps[1].res.delta, 146);
	assert_int_equal(t.steps[1].committed_exact_kb, 7240 + IMAGE_KB);
	/* line 10: an image of the same shape replaces it: no change */
	assert_int_equal(t.steps[2].res.delta, 0);
	assert_string_equal(t.steps[2].op, "exec");
	/* line 11: policy 2, nothing reserved: Committed_AS would reach the
	 * limit, which is refused (it must stay below) */
	assert_int_equal(t.steps[3].res.err, 12);	/* ENOMEM */
	ovc_trace_free(&t);
	ovc_real_mirror_free(&mr);
	ovc_scenario_free(s);
}

/* Boot sysctls are writes, through their handlers, after the machine was
 * measured: writing overcommit_kbytes (even 0) clears overcommit_ratio, so
 * CommitLimit is 0 + SwapTotal = 0; the 16 huge pages come out of the free
 * memory measured (as a boot-time pool they would not fit in it). The
 * model's start is after them, as the kernel's is; they have no steps. */
static void test_boot_writes(void **state)
{
	static const char boot[] =
		"machine ram=512M\n"
		"sysctl vm.overcommit_ratio=50\n"
		"sysctl vm.overcommit_kbytes=0\n"
		"hugepages 16\n"
		"task app\n"
		"mmap app 1M\n";
	struct ovc_real_image imgs[4];
	struct ovc_real_info I;
	struct ovc_real_mirror mr;
	struct ovc_scenario *s = NULL;
	struct ovc_profile p;
	struct ovc_trace t;
	struct ovc_err e = { 0 };

	(void)state;
	info_init(&I, imgs);
	I.nimages = 1;
	imgs[0].line = 5;
	assert_int_equal(ovc_scenario_parse(boot, strlen(boot), "boot.ovc", &s, &e), 0);
	assert_int_equal(ovc_real_mirror_compose(s, &I, &mr, NULL), 0);
	if (ovc_real_model(s, &I, &mr, &p, &t, &e) < 0)
		fail_msg("model: %u:%u %s", e.line, e.col, e.msg);
	assert_int_equal(t.nsteps, 1);
	assert_int_equal(t.steps[0].line, 6);
	assert_int_equal(t.start.commit_limit, 0);
	assert_int_equal(t.start.committed_as, START_KB);
	assert_int_equal(t.start.mem_free, 449876 - 16 * 2048);
	assert_int_equal(t.steps[0].committed_exact_kb, START_KB + IMAGE_KB + 1024);
	ovc_trace_free(&t);
	ovc_real_mirror_free(&mr);
	ovc_scenario_free(s);
}

/* A step's change is what the model's Committed_AS moved by, as the
 * kernel's is what meminfo moved by: the last unmap of a shared anonymous
 * mapping gives back the shmem object's 100 MB = 25600 pages, which the
 * model's own result.delta does not count (it said 0 when this was
 * written: `ovc sim` shows delta_kb 0 for that munmap). */
static void test_delta_measured(void **state)
{
	static const char shm[] =
		"machine ram=1G\n"
		"task app\n"
		"mmap app 100M shared as s\n"
		"munmap s\n";
	struct ovc_real_image imgs[4];
	struct ovc_real_info I;
	struct ovc_real_mirror mr;
	struct ovc_scenario *s = NULL;
	struct ovc_profile p;
	struct ovc_trace t;
	struct ovc_err e = { 0 };

	(void)state;
	info_init(&I, imgs);
	I.nimages = 1;
	imgs[0].line = 2;
	assert_int_equal(ovc_scenario_parse(shm, strlen(shm), "shm.ovc", &s, &e), 0);
	assert_int_equal(ovc_real_mirror_compose(s, &I, &mr, NULL), 0);
	assert_int_equal(ovc_real_model(s, &I, &mr, &p, &t, &e), 0);
	assert_int_equal(t.nsteps, 2);
	assert_int_equal(t.steps[0].res.delta, 25600);
	assert_int_equal(t.steps[1].res.delta, -25600);
	assert_int_equal(t.steps[1].committed_exact_kb, START_KB + IMAGE_KB);
	ovc_trace_free(&t);
	ovc_real_mirror_free(&mr);
	ovc_scenario_free(s);
}

/* With norandmaps the heap starts where the bss ends, and [vvar] ends at
 * mmap_base (0x7ffff7fff000 - 8 kB of [vdso]), so the first mmap lands
 * right below it. The kernel keeps the bss and heap apart (same flags) and
 * never merges [vvar]; the model would merge anonymous neighbours. The
 * mirror keeps them apart: 10 VMAs and 584 kB as measured, then 11. */
static void test_keep_apart(void **state)
{
	static const char one[] = "machine ram=1G\ntask app\nmmap app 12k r\n";
	struct ovc_real_vma v[10];
	struct ovc_real_image imgs[4];
	struct ovc_real_info I;
	struct ovc_real_mirror mr;
	struct ovc_scenario *s = NULL, *ms = NULL;
	struct ovc_trace t;
	struct ovc_err e = { 0 };

	(void)state;
	info_init(&I, imgs);
	memcpy(v, ovc_image, sizeof(v));
	v[6].start = 0x558000;	/* the heap, right after the bss; its stand-in
				 * offset: past the file VMAs (1122304) and a page */
	v[6].end = 0x57a000;
	v[7].start = 0x7ffffffde000, v[7].end = 0x7ffffffff000;	/* [stack] */
	v[8].start = 0x7ffff7ff9000, v[8].end = 0x7ffff7ffd000;	/* [vvar] */
	v[9].start = 0x7ffff7ffd000, v[9].end = 0x7ffff7fff000;	/* [vdso] */
	imgs[0].vmas = v;
	imgs[0].line = 2;
	I.nimages = 1;
	assert_int_equal(ovc_scenario_parse(one, strlen(one), "one.ovc", &s, &e), 0);
	assert_int_equal(ovc_real_mirror_compose(s, &I, &mr, NULL), 0);
	assert_non_null(strstr(mr.text, "mmap app 139264 rw private file=_img2 offset=1126400 fixed=0x558000"));
	assert_int_equal(ovc_scenario_parse(mr.text, mr.len, "m.ovc", &ms, &e), 0);
	assert_int_equal(ovc_scenario_run(ms, NULL, &t, &e), 0);
	assert_int_equal(t.ntasks, 1);
	assert_int_equal(t.tasks[0].v.map_count, 11);
	assert_int_equal(t.tasks[0].v.committed, IMAGE_KB);
	assert_int_equal(t.steps[t.nsteps - 1].res.addr, 0x7ffff7ff6000);	/* below [vvar] */
	ovc_trace_free(&t);
	ovc_scenario_free(ms);
	ovc_real_mirror_free(&mr);
	ovc_scenario_free(s);
}

/* A model error on a scenario line is reported at that line. */
static void test_model_error(void **state)
{
	static const char bad[] =
		"machine ram=1G\n"
		"task app\n"
		"mmap app 1M as a\n"
		"exit app\n"
		"munmap a\n";		/* 5: the task exited */
	struct ovc_real_image imgs[4];
	struct ovc_real_info I;
	struct ovc_real_mirror mr;
	struct ovc_scenario *s = NULL;
	struct ovc_profile p;
	struct ovc_trace t;
	struct ovc_err e = { 0 };

	(void)state;
	info_init(&I, imgs);
	I.nimages = 1;
	imgs[0].line = 2;
	assert_int_equal(ovc_scenario_parse(bad, strlen(bad), "bad.ovc", &s, &e), 0);
	assert_int_equal(ovc_real_mirror_compose(s, &I, &mr, NULL), 0);
	assert_true(ovc_real_model(s, &I, &mr, &p, &t, &e) < 0);
	assert_int_equal(e.line, 5);
	assert_non_null(strstr(e.msg, "in the model: "));
	assert_int_equal(t.nsteps, 2);	/* lines 3 and 4 ran */
	ovc_trace_free(&t);
	ovc_real_mirror_free(&mr);
	ovc_scenario_free(s);
}

/* The report, for a kernel that admitted line 11 where the model refused
 * it exactly at the limit: the row is marked, both sides are shown, and
 * the edge note names the slack (1 CPU x (470 - 1) pages = 1876 kB). */
static void test_report(void **state)
{
	struct ovc_real_image imgs[4];
	struct ovc_real_info I;
	struct ovc_real_mirror mr;
	struct ovc_scenario *s = parse();
	struct ovc_profile p;
	struct ovc_trace k, m;
	struct ovc_cmp_opts o;
	struct ovc_cmp c;
	char *text = NULL;
	size_t len = 0;
	FILE *f;

	(void)state;
	info_init(&I, imgs);
	assert_int_equal(ovc_real_mirror_compose(s, &I, &mr, NULL), 0);
	assert_int_equal(ovc_real_model(s, &I, &mr, &p, &m, NULL), 0);
	assert_int_equal(ovc_real_model(s, &I, &mr, &p, &k, NULL), 0);
	k.steps[3].res.err = 0;		/* the kernel admitted it */
	k.steps[3].res.cause = OVC_CAUSE_NONE;
	k.steps[3].res.delta = 58000;
	k.steps[3].committed_kb += 232000;
	ovc_cmp_opts_for(&o, &p, I.machine.mi.mem_total, 1, 4096);
	assert_int_equal(ovc_trace_cmp(&k, &m, &o, 1, &c), 0);
	assert_int_equal(c.differ, 1);
	assert_true(c.rows[3].at_edge);
	f = open_memstream(&text, &len);
	assert_non_null(f);
	assert_int_equal(ovc_render_cmp_text(f, &k, &m, &c, 0), 0);
	fclose(f);
	assert_non_null(strstr(text, "(470 under NEVER)"));
	assert_non_null(strstr(text, "\nline 11: mmap app (CommitLimit - Committed_AS) as over\n"));
	assert_non_null(strstr(text, "kernel ok"));
	assert_non_null(strstr(text, "model ENOMEM (commit)"));
	assert_non_null(strstr(text, "kernel - model = +232000 kB"));
	assert_non_null(strstr(text, "1876 kB the kernel's approximate counter"));
	assert_non_null(strstr(text, "compare: 4 steps, 1 differ"));
	free(text);
	ovc_cmp_free(&c);
	ovc_trace_free(&k);
	ovc_trace_free(&m);
	ovc_real_mirror_free(&mr);
	ovc_scenario_free(s);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_compose),
		cmocka_unit_test(test_model),
		cmocka_unit_test(test_boot_writes),
		cmocka_unit_test(test_delta_measured),
		cmocka_unit_test(test_keep_apart),
		cmocka_unit_test(test_model_error),
		cmocka_unit_test(test_report),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
