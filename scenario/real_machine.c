/* real_machine.c - the machine as the real executor measured it, and as scenario lines `ovc sim` can use.
 *
 * Measured before the scenario changes anything: uname, page size, CPUs,
 * /proc/meminfo and every vm sysctl the model knows. Written out as the
 * `machine`, `state` and `sysctl` lines that describe this machine to the
 * model, and each task's image as comment and mirror lines (docs/exec.md).
 *
 * Units: kB, as /proc prints them.
 */
#include <stdarg.h>
#include <stdio.h>
#include <string.h>
#include <sys/utsname.h>
#include <unistd.h>

#include "scenario/real.h"

int real_measure_machine(struct ovc_real_machine *m)
{
	struct utsname u;
	long n = sysconf(_SC_NPROCESSORS_ONLN);
	int k;

	memset(m, 0, sizeof(*m));
	if (uname(&u) == 0)
		snprintf(m->release, sizeof(m->release), "%s", u.release);
	m->page_size = (uint64_t)sysconf(_SC_PAGESIZE);
	m->ncpus = n > 0 ? (unsigned)n : 1;
	if (real_read_meminfo(&m->mi, &m->kreclaimable_kb) < 0)
		return -OVC_E_IO;
	for (k = 0; k < OVC_SYSCTL_COUNT; k++)
		if (real_sysctl_read(ovc_sysctl_name(k), &m->sysctl[k]) == 0)
			m->have_sysctl |= 1u << k;
	return 0;
}

/* snprintf at buf + *len, keeping *len the full length (as snprintf). */
static void add(char *buf, size_t n, size_t *len, const char *fmt, ...)
	__attribute__((format(printf, 4, 5)));
static void add(char *buf, size_t n, size_t *len, const char *fmt, ...)
{
	va_list ap;
	int w;

	va_start(ap, fmt);
	w = vsnprintf(*len < n ? buf + *len : NULL, *len < n ? n - *len : 0, fmt, ap);
	va_end(ap);
	if (w > 0)
		*len += (size_t)w;
}

static unsigned long long ull(uint64_t v)
{
	return (unsigned long long)v;
}

size_t ovc_real_machine_lines(const struct ovc_real_machine *m, char *buf, size_t n)
{
	const struct ovc_meminfo *mi = &m->mi;
	uint64_t other = m->kreclaimable_kb > mi->slab_reclaimable ?
			 m->kreclaimable_kb - mi->slab_reclaimable : 0;
	/* Cached is the page cache less Buffers, Shmem included: with a few
	 * buffer pages and nothing but tmpfs cached, it is below Shmem. The
	 * model needs shmem <= file. */
	uint64_t shmem = mi->shmem < mi->cached ? mi->shmem : mi->cached;
	size_t len = 0;
	int k;

	if (n)
		buf[0] = '\0';
	add(buf, n, &len, "# measured by ovc exec on %s before the scenario's boot sysctls\n",
	    m->release[0] ? m->release : "an unknown kernel");
	add(buf, n, &len, "machine ram=%llukB swap=%llukB cpus=%u", ull(mi->mem_total),
	    ull(mi->swap_total), m->ncpus);
	if (m->page_size != 4096)
		add(buf, n, &len, " page=%llukB", ull(m->page_size >> 10));
	if (mi->hugepagesize && mi->hugepagesize != 2048)
		add(buf, n, &len, " hugepagesize=%llukB", ull(mi->hugepagesize));
	add(buf, n, &len, "\nstate free=%llukB file=%llukB buffers=%llukB shmem=%llukB anon=%llukB"
	    " slab=%llukB unreclaimable=%llukB reclaimable=%llukB swapfree=%llukB committed=%llukB\n",
	    ull(mi->mem_free), ull(mi->cached), ull(mi->buffers), ull(shmem),
	    ull(mi->anon_pages), ull(mi->slab_reclaimable), ull(mi->slab_unreclaimable), ull(other),
	    ull(mi->swap_free), ull(mi->committed_as));
	for (k = 0; k < OVC_SYSCTL_COUNT; k++)
		if (m->have_sysctl & (1u << k))
			add(buf, n, &len, "sysctl vm.%s=%lld\n", ovc_sysctl_name(k),
			    (long long)m->sysctl[k]);
	return len;
}

/* "rw-p" as the scenario's PROT word: r, w, x in that order, or none. */
static const char *prot_word(const char *perms, char *out)
{
	size_t k = 0;

	if (perms[0] == 'r')
		out[k++] = 'r';
	if (perms[1] == 'w')
		out[k++] = 'w';
	if (perms[2] == 'x')
		out[k++] = 'x';
	out[k] = '\0';
	return k ? out : "none";
}

/* One mirror line: the same range, protection and sharing, at the same
 * address; file-backed ranges map the stand-in file, so the model keeps
 * them apart from anonymous neighbours and charges them as the kernel
 * does (only private writable ones). A charged VMA that is no longer
 * writable (RELRO, made read-only after start-up) is mapped writable and
 * then mprotected, which keeps the charge, as in the kernel. */
/* The VMA's pages that were in its page tables, as touch lines: file
 * pages read, the process's own anonymous pages (copies of private file
 * pages too) written. Swapped pages are written too: the model has no
 * way to put them in swap, and they are rare in a fresh image. */
static void mirror_runs(const struct ovc_real_image *img, size_t k, char *buf, size_t n,
			size_t *len)
{
	const struct ovc_real_vma *v = &img->vmas[k];

	for (size_t i = 0; i < img->nruns; i++) {
		const struct ovc_real_run *r = &img->runs[i];

		if (r->vma != k)
			continue;
		add(buf, n, len, "touch _img%u_%zu off=%llu len=%llu%s\n", img->line, k,
		    ull(r->start - v->start), ull(r->end - r->start),
		    r->kind == OVC_PAGE_FILE ? " read" : "");
	}
}

static int has_runs(const struct ovc_real_image *img, size_t k)
{
	for (size_t i = 0; i < img->nruns; i++)
		if (img->runs[i].vma == k)
			return 1;
	return 0;
}

static void mirror_vma(const struct ovc_real_image *img, size_t k, char *buf, size_t n,
		       size_t *len)
{
	const struct ovc_real_vma *v = &img->vmas[k];
	int relro = v->account && v->perms[1] != 'w', named = relro || has_runs(img, k);
	char prot[4], wprot[4] = { v->perms[0], 'w', v->perms[2], v->perms[3] };

	add(buf, n, len, "mmap %s %llu %s %s", img->task, ull(v->end - v->start),
	    prot_word(relro ? wprot : v->perms, prot), v->perms[3] == 's' ? "shared" : "private");
	if (v->file)
		add(buf, n, len, " file=_img%u offset=%llu", img->file_line ? img->file_line : img->line,
		    ull(v->offset));
	add(buf, n, len, " fixed=0x%llx", ull(v->start));
	if (named)
		add(buf, n, len, " as _img%u_%zu", img->line, k);
	add(buf, n, len, "   # %s %s%s\n", v->perms, v->name[0] ? v->name : "anon",
	    v->account ? " ac" : "");
	mirror_runs(img, k, buf, n, len);
	if (relro)
		add(buf, n, len, "mprotect _img%u_%zu %s\n", img->line, k, prot_word(v->perms, prot));
}

/* The image as the model's exec sees one: text (file, not charged),
 * data (file, charged), bss (anonymous and heap, charged), stack. kB. */
static void exec_shape(const struct ovc_real_image *img, uint64_t kb[4])
{
	size_t k;

	memset(kb, 0, 4 * sizeof(kb[0]));
	for (k = 0; k < img->nvmas; k++) {
		const struct ovc_real_vma *v = &img->vmas[k];
		uint64_t size = (v->end - v->start) >> 10;

		if (strcmp(v->name, "[stack]") == 0)
			kb[3] += size;
		else if (v->file)
			kb[v->account ? 1 : 0] += size;
		else if (v->account)
			kb[2] += size;
	}
}

/* A forked child's own pages in its copy of the image: the pages fork
 * shared with the parent are the model's copy already; file pages read
 * and pages the child wrote since (its own, not shared) are touched in
 * the child's copy of the parent's regions (real_task.c keeps only runs
 * in VMAs the parent's mirror named). */
static size_t fork_lines(const struct ovc_real_image *img, char *buf, size_t n)
{
	size_t len = 0;

	add(buf, n, &len, "# pages of task %s's copy of the image after the fork (line %u, pid %d)\n",
	    img->task, img->line, img->pid);
	for (size_t i = 0; i < img->nruns; i++) {
		const struct ovc_real_run *r = &img->runs[i];
		const struct ovc_real_vma *v = &img->vmas[r->vma];

		if (r->kind == OVC_PAGE_SWAP)
			continue;
		add(buf, n, &len, "touch %s:_img%u_%u off=%llu len=%llu%s\n", img->task, img->base_line,
		    (unsigned)r->vma, ull(r->start - v->start), ull(r->end - r->start),
		    r->kind == OVC_PAGE_FILE ? " read" : "");
	}
	return len;
}

size_t ovc_real_image_lines(const struct ovc_real_image *img, char *buf, size_t n)
{
	uint64_t file_end = 0, shape[4];
	size_t len = 0, k;

	if (n)
		buf[0] = '\0';
	if (img->forked)
		return fork_lines(img, buf, n);
	add(buf, n, &len, "# image of task %s (line %u, pid %d): %llu VMAs, committed %llu kB,"
	    " VmSize %llu kB, VmRSS %llu kB\n", img->task, img->line, img->pid,
	    ull(img->map_count), ull(img->committed_kb), ull(img->vmsize_kb), ull(img->rss_kb));
	exec_shape(img, shape);
	add(buf, n, &len, "# as an exec: exec %s text=%llukB data=%llukB bss=%llukB stack=%llukB\n",
	    img->task, ull(shape[0]), ull(shape[1]), ull(shape[2]), ull(shape[3]));
	for (k = 0; k < img->nvmas; k++)
		if (img->vmas[k].file && img->vmas[k].offset + (img->vmas[k].end - img->vmas[k].start) > file_end)
			file_end = img->vmas[k].offset + (img->vmas[k].end - img->vmas[k].start);
	if (img->file_size > file_end)
		file_end = img->file_size;
	if (file_end && !img->file_line)
		add(buf, n, &len, "file _img%u %llu\n", img->line, ull(file_end));
	for (k = 0; k < img->nvmas; k++)
		mirror_vma(img, k, buf, n, &len);
	return len;
}
