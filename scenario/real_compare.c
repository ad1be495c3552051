/* real_compare.c - the mirrored scenario (measured machine, real task images) and its model run, renumbered to the scenario's lines.
 *
 * See real_compare.h for what is mirrored and why. The composition works
 * on the parsed statements (each statement's text is the line without its
 * comment, which parses the same), so the line map is exact: composed
 * line k came from scenario line orig[k - 1], or was inserted (0).
 *
 * Units: bytes in the scenario text, kB in the traces.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "scenario/ast.h"
#include "scenario/real_compare.h"

/* ---- the composed text, one line at a time ---- */

/* Any expect line ends the setup; this one holds on every machine. */
#define SETUP_END	"expect sysctl vm.overcommit_memory >= 0   # the setup ends: boot sysctls are writes"
#define MIRROR_END	"# end of the mirrored scenario"

static int grow(void **p, size_t *cap, size_t need, size_t size)
{
	size_t c = *cap ? *cap : 64;
	void *q;

	if (need <= *cap)
		return 0;
	while (c < need)
		c *= 2;
	q = realloc(*p, c * size);
	if (!q)
		return -OVC_E_NOMEM;
	*p = q;
	*cap = c;
	return 0;
}

/* Append one line (len bytes, no newline) coming from scenario line orig. */
static int put_line(struct ovc_real_mirror *mr, const char *s, size_t len, unsigned orig,
		    int silent)
{
	void *text = mr->text;

	if (grow(&text, &mr->cap, mr->len + len + 2, 1) < 0)
		return -OVC_E_NOMEM;
	mr->text = text;
	if (mr->nlines == mr->cap_lines) {	/* orig and silent grow together */
		size_t c = mr->cap_lines ? mr->cap_lines * 2 : 64;
		unsigned *o = realloc(mr->orig, c * sizeof(*o));
		uint8_t *sl;

		if (!o)
			return -OVC_E_NOMEM;
		mr->orig = o;
		sl = realloc(mr->silent, c * sizeof(*sl));
		if (!sl)
			return -OVC_E_NOMEM;
		mr->silent = sl;
		mr->cap_lines = c;
	}
	memcpy(mr->text + mr->len, s, len);
	mr->len += len;
	mr->text[mr->len++] = '\n';
	mr->text[mr->len] = '\0';
	mr->orig[mr->nlines] = orig;
	mr->silent[mr->nlines++] = (uint8_t)silent;
	return 0;
}

/* Append every line of text (inserted lines), or, when only_exec, the
 * payload of its "# as an exec: " line, as coming from scenario line orig. */
static int put_lines(struct ovc_real_mirror *mr, const char *text, int only_exec, unsigned orig)
{
	static const char tag[] = "# as an exec: ";
	const char *p = text;

	while (*p) {
		const char *nl = strchr(p, '\n');
		size_t len = nl ? (size_t)(nl - p) : strlen(p);
		int r = 0;

		if (!only_exec)
			r = put_line(mr, p, len, 0, 0);
		else if (len > sizeof(tag) - 1 && !strncmp(p, tag, sizeof(tag) - 1))
			return put_line(mr, p + sizeof(tag) - 1, len - (sizeof(tag) - 1), orig, 0);
		if (r < 0)
			return r;
		p += len + (nl != NULL);
	}
	return only_exec ? 1 : 0;	/* 1: no exec shape found */
}

static const struct ovc_real_image *image_at(const struct ovc_real_info *info, unsigned line)
{
	for (size_t k = 0; k < info->nimages; k++)
		if (info->images[k].line == line)
			return &info->images[k];
	return NULL;
}

/* The end of the image's file VMAs in the file (bytes), page-aligned. */
static uint64_t file_end(const struct ovc_real_image *img)
{
	uint64_t end = 0;

	for (size_t k = 0; k < img->nvmas; k++) {
		const struct ovc_real_vma *v = &img->vmas[k];

		if (v->file && v->offset + (v->end - v->start) > end)
			end = v->offset + (v->end - v->start);
	}
	return (end + 4095) & ~(uint64_t)4095;
}

/*
 * Two kinds of image VMAs never merge in the kernel but would in the
 * model, where they are plain anonymous mappings side by side:
 *   - the special mappings ([vvar], [vdso]: VM_PFNMAP, VM_IO, their own
 *     vm_ops) and the stack (VM_GROWSDOWN): a scenario's first mmap lands
 *     right below [vvar] with norandmaps, and would merge into it;
 *   - the ELF loader's bss and the brk heap, which touch and have the same
 *     flags, yet stay two VMAs (seen on 6.1 and 6.12 with norandmaps).
 * map_count would then differ. So these are mirrored as private mappings
 * of the stand-in file, past its other pages and not contiguous with
 * them: a private writable one is charged, copied and charged at fork
 * like anonymous memory, a read-only one is not charged, and neither
 * merges with anything.
 */
static int special(const struct ovc_real_vma *v)
{
	return v->name[0] == '[' && strcmp(v->name, "[heap]") != 0;
}

static void keep_apart(struct ovc_real_image *img)
{
	uint64_t off = file_end(img) + 4096;

	for (size_t k = 0; k < img->nvmas; k++) {
		struct ovc_real_vma *v = &img->vmas[k];
		const struct ovc_real_vma *p = k ? &img->vmas[k - 1] : NULL;
		int twin = p && !p->file && p->end == v->start && !strcmp(p->perms, v->perms) &&
			   p->account == v->account;

		if (v->file || v->perms[3] != 'p' || !(special(v) || twin))
			continue;
		v->file = 1;
		v->offset = off;
		off += (v->end - v->start) + 4096;
	}
}

/* An image's lines (text from ovc_real_image_lines) in a new string;
 * apart: with keep_apart (for mapping it, not for an exec's shape). */
static char *image_text(const struct ovc_real_image *img, int apart)
{
	struct ovc_real_image copy = *img;
	char *buf = NULL;
	size_t n;

	copy.vmas = malloc((img->nvmas ? img->nvmas : 1) * sizeof(*copy.vmas));
	if (!copy.vmas)
		return NULL;
	memcpy(copy.vmas, img->vmas, img->nvmas * sizeof(*copy.vmas));
	if (apart)
		keep_apart(&copy);
	n = ovc_real_image_lines(&copy, NULL, 0) + 1;
	buf = malloc(n);
	if (buf)
		ovc_real_image_lines(&copy, buf, n);
	free(copy.vmas);
	return buf;
}

static int put_machine(struct ovc_real_mirror *mr, const struct ovc_real_info *info)
{
	size_t n = ovc_real_machine_lines(&info->machine, NULL, 0) + 1;
	char *buf = malloc(n);
	int r;

	if (!buf)
		return -OVC_E_NOMEM;
	ovc_real_machine_lines(&info->machine, buf, n);
	r = put_lines(mr, buf, 0, 0);
	free(buf);
	return r;
}

/* The stand-in file's size that img needs, once its VMAs are kept apart
 * (as they are mapped), folded into *size. */
static int bin_size(const struct ovc_real_image *img, uint64_t *size)
{
	struct ovc_real_image copy = *img;
	uint64_t end;

	copy.vmas = malloc((img->nvmas ? img->nvmas : 1) * sizeof(*copy.vmas));
	if (!copy.vmas)
		return -OVC_E_NOMEM;
	memcpy(copy.vmas, img->vmas, img->nvmas * sizeof(*copy.vmas));
	keep_apart(&copy);
	end = file_end(&copy);
	free(copy.vmas);
	if (end > *size)
		*size = end;
	return 0;
}

static int is_boot_sysctl(const struct sc_stmt *st)
{
	return st->setup && (st->op == SC_SYSCTL || st->op == SC_HUGEPAGES);
}

/* A task line with its image after it, a fork with the child's own pages
 * of it; an exec line as its image's shape. */
static int put_stmt(struct ovc_real_mirror *mr, const struct sc_stmt *st,
		    const struct ovc_real_info *info)
{
	const struct ovc_real_image *img = image_at(info, st->line);
	char *text;
	int r;

	if (st->op == SC_EXEC && img && (text = image_text(img, 0))) {
		r = put_lines(mr, text, 1, st->line);
		free(text);
		if (r <= 0)
			return r;	/* else no shape: the line as written */
	}
	r = put_line(mr, st->text, strlen(st->text), st->line, st->setup);
	if (r < 0 || !img || (st->op != SC_TASKLINE && !(st->op == SC_FORK && img->forked)))
		return r;
	if (!img->forked) {	/* one stand-in file for the binary of every task */
		struct ovc_real_image one = *img;

		one.file_line = mr->bin_line;
		one.file_size = mr->bin_size;
		if (!mr->bin_line)
			mr->bin_line = img->line;
		text = image_text(&one, 1);
	} else {
		text = image_text(img, 0);
	}
	if (!text)
		return -OVC_E_NOMEM;
	r = put_lines(mr, text, 0, 0);
	free(text);
	return r;
}

int ovc_real_mirror_compose(const struct ovc_scenario *s, const struct ovc_real_info *info,
			    struct ovc_real_mirror *mr, struct ovc_err *e)
{
	char head[160];
	size_t i;
	int r;

	memset(mr, 0, sizeof(*mr));
	for (i = 0; i < info->nimages; i++)
		if (!info->images[i].forked && bin_size(&info->images[i], &mr->bin_size) < 0)
			return -OVC_E_NOMEM;
	snprintf(head, sizeof(head), "# %s mirrored for the model by ovc exec --compare (kernel %s)",
		 s->fname ? s->fname : "scenario", info->machine.release);
	r = put_line(mr, head, strlen(head), 0, 0);
	if (r == 0)
		r = put_machine(mr, info);
	/* ovc exec writes the boot sysctls after measuring the machine, as
	 * run-time writes (each through its handler: a kbytes write clears the
	 * ratio, nr_hugepages takes the pool from free memory): so must the
	 * model. This line ends the model's setup; the writes become steps,
	 * which the kernel's trace does not have (silent). */
	if (r == 0)
		r = put_line(mr, SETUP_END, strlen(SETUP_END), 0, 0);
	for (i = 0; i < s->nst && r == 0; i++)
		if (is_boot_sysctl(&s->st[i]))
			r = put_line(mr, s->st[i].text, strlen(s->st[i].text), s->st[i].line, 1);
	for (i = 0; i < s->nst && r == 0; i++) {
		const struct sc_stmt *st = &s->st[i];

		if (st->op == SC_KERNEL || st->op == SC_MACHINE || st->op == SC_STATE ||
		    is_boot_sysctl(st))
			continue;
		r = put_stmt(mr, st, info);
	}
	if (r == 0)
		r = put_line(mr, MIRROR_END, strlen(MIRROR_END), 0, 0);
	if (r < 0) {
		ovc_real_mirror_free(mr);
		return sc_error(e, OVC_E_NOMEM, s->fname, 0, 0, "out of memory");
	}
	return 0;
}

void ovc_real_mirror_free(struct ovc_real_mirror *mr)
{
	if (!mr)
		return;
	free(mr->text);
	free(mr->orig);
	free(mr->silent);
	memset(mr, 0, sizeof(*mr));
}

/* ---- the model run, renumbered ---- */

/* Composed line -> scenario line (0: inserted). */
static unsigned orig_of(const struct ovc_real_mirror *mr, unsigned line, int *silent)
{
	*silent = 0;
	if (line == 0 || line > mr->nlines)
		return 0;
	*silent = mr->silent[line - 1];
	return mr->orig[line - 1];
}

/* A step's change of Committed_AS is what the model's exact sum moved by
 * between the step before and this one, as the kernel's is what
 * /proc/meminfo moved by around its step: measured, not the model's own
 * account of its charges (struct ovc_result.delta), so the two sides
 * mean the same thing. before_kb: the exact sum when the step began. */
static void set_after(struct ovc_step *n, const struct ovc_step *s, uint64_t before_kb,
		      uint64_t page_kb)
{
	n->committed_kb = s->committed_kb;
	n->committed_exact_kb = s->committed_exact_kb;
	n->commit_limit_kb = s->commit_limit_kb;
	n->mem_free_kb = s->mem_free_kb;
	n->res.delta = ((int64_t)s->committed_exact_kb - (int64_t)before_kb) / (int64_t)page_kb;
}

/* The kernel's trace starts after its boot sysctls: so does the model's. */
static void boot_write(struct ovc_trace *t, const struct ovc_step *s)
{
	t->start.committed_as = s->committed_exact_kb;
	t->start.commit_limit = s->commit_limit_kb;
	t->start.mem_free = s->mem_free_kb;
}

/* What the OOM killer did in step s, and the rank lines after it, onto
 * the last step of t (or t itself before any step); rank lines
 * renumbered to the scenario's. */
static int copy_oom(struct ovc_trace *t, const struct ovc_step *s, const struct ovc_rank *rk,
		    size_t nrk, const struct ovc_real_mirror *mr)
{
	int silent;

	for (size_t v = 0; s && v < s->nvictims; v++)
		if (ovc_trace_victim(t, s->victims[v].task, s->victims[v].pid, s->victims[v].reason) < 0)
			return -OVC_E_NOMEM;
	for (size_t k = 0; k < nrk; k++) {
		const struct ovc_rank *r = &rk[k];

		if (ovc_trace_rank(t, orig_of(mr, r->line, &silent), r->cgroup, r->totalpages, r->chosen,
				   r->rows, (const char *const *)r->names, r->nrows) < 0)
			return -OVC_E_NOMEM;
	}
	return 0;
}

/* Steps of inserted lines fold into the step they follow (the kernel made
 * the image as part of that step); steps of lines the kernel ran silently
 * are dropped; the boot writes move the start. At boot the model's
 * per-CPU deltas are all 0, so its meminfo start is the exact sum. */
static int renumber(const struct ovc_trace *raw, const struct ovc_real_mirror *mr,
		    struct ovc_trace *t)
{
	uint64_t page_kb = raw->page_size >= 1024 ? raw->page_size >> 10 : 4;
	uint64_t prev_kb = raw->start.committed_as, into_before = 0;
	struct ovc_step *into = NULL;
	int booting = 1;	/* no task line or operation yet */

	ovc_trace_init(t, raw->scenario, raw->kernel);
	t->page_size = raw->page_size;
	t->ncpus = raw->ncpus;
	t->overcommit_memory = raw->overcommit_memory;
	t->start = raw->start;
	t->end = raw->end;
	if (copy_oom(t, NULL, raw->ranks, raw->nranks, mr) < 0)
		return -OVC_E_NOMEM;
	for (size_t i = 0; i < raw->nsteps; i++) {
		const struct ovc_step *s = &raw->steps[i];
		uint64_t before = prev_kb;
		int silent;
		unsigned line = orig_of(mr, s->line, &silent);
		struct ovc_step *n;

		prev_kb = s->committed_exact_kb;
		if (booting && silent && s->op &&
		    (!strcmp(s->op, "sysctl") || !strcmp(s->op, "hugepages"))) {
			boot_write(t, s);
			continue;
		}
		booting = 0;
		if (!line || silent) {	/* inserted: fold; silent in the kernel: drop */
			if (!line && into) {
				set_after(into, s, into_before, page_kb);
				if (copy_oom(t, s, s->ranks, s->nranks, mr) < 0)
					return -OVC_E_NOMEM;
			} else {
				into = NULL;
			}
			continue;
		}
		n = ovc_trace_step(t, line, s->text, s->op, s->task);
		if (!n)
			return -OVC_E_NOMEM;
		n->pid = s->pid;
		n->res = s->res;
		set_after(n, s, before, page_kb);
		into = n;
		into_before = before;
		if (copy_oom(t, s, s->ranks, s->nranks, mr) < 0)
			return -OVC_E_NOMEM;
	}
	return 0;
}

/* A model error in the scenario's terms: its line, or the inserted line's text. */
static void error_where(const struct ovc_scenario *s, const struct ovc_real_mirror *mr,
			struct ovc_err *e)
{
	char msg[sizeof(e->msg)];
	int silent;
	unsigned line;

	if (!e)
		return;
	line = orig_of(mr, e->line, &silent);
	e->file = s->fname;
	snprintf(msg, sizeof(msg), "%s", e->msg);
	if (line) {
		snprintf(e->msg, sizeof(e->msg), "in the model: %.180s", msg);
	} else {
		snprintf(e->msg, sizeof(e->msg), "in the model, at line %u of the mirrored scenario: %.130s",
			 e->line, msg);
		e->col = 0;
	}
	e->line = line;
}

int ovc_real_model(const struct ovc_scenario *s, const struct ovc_real_info *info,
		   const struct ovc_real_mirror *mr, struct ovc_profile *prof,
		   struct ovc_trace *t, struct ovc_err *e)
{
	struct ovc_scenario *ms = NULL;
	struct ovc_trace raw;
	int r, r2;

	memset(t, 0, sizeof(*t));
	r = ovc_profile_for(info->machine.release, prof, e);
	if (r < 0)
		return r;
	r = ovc_scenario_parse(mr->text, mr->len, s->fname, &ms, e);
	if (r < 0) {
		error_where(s, mr, e);
		return r;
	}
	r = ovc_scenario_run(ms, prof, &raw, e);
	if (r < 0)
		error_where(s, mr, e);
	r2 = renumber(&raw, mr, t);
	ovc_trace_free(&raw);
	ovc_scenario_free(ms);
	if (r2 < 0 && r == 0)
		r = sc_error(e, OVC_E_NOMEM, s->fname, 0, 0, "out of memory");
	return r;
}
