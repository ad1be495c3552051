/* real_pagemap.c - which pages of a task's image are in its page tables, from /proc/PID/pagemap.
 *
 * The model counts a task's RSS and page tables from the pages it knows
 * are resident. For a real task's image (the ovc binary, measured when
 * the task is made) the mirror scenario must say which pages those are,
 * so it reproduces them with touch lines. /proc/PID/pagemap has one
 * 64-bit entry per virtual page (Documentation/admin-guide/mm/pagemap.rst,
 * fs/proc/task_mmu.c pagemap_pte_range): bit 63 present, 62 swapped, 61
 * a file page or shared anonymous, 56 mapped exclusively by this process.
 * A present page that is neither file nor exclusive is the shared zero
 * page (a read of untouched anonymous memory), which no RSS counter
 * counts. Reading pagemap needs CAP_SYS_ADMIN for the PFNs only; the
 * flags are readable by the owner or root.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "scenario/real.h"

#define PM_PRESENT	(1ull << 63)
#define PM_SWAP		(1ull << 62)
#define PM_FILE		(1ull << 61)
#define PM_EXCLUSIVE	(1ull << 56)

static uint8_t kind_of(uint64_t e)
{
	if (e & PM_SWAP)
		return OVC_PAGE_SWAP;
	if (!(e & PM_PRESENT))
		return 0;
	if (e & PM_FILE)
		return OVC_PAGE_FILE;
	return e & PM_EXCLUSIVE ? OVC_PAGE_ANON : 0;
}

size_t ovc_real_pagemap_runs(const uint64_t *ent, size_t n, uint64_t start, uint64_t page,
			     uint8_t vma, struct ovc_real_run *out, size_t cap, size_t *nout)
{
	size_t lost = 0, i = 0;

	while (i < n) {
		uint8_t k = kind_of(ent[i]);
		size_t j = i + 1;

		while (j < n && kind_of(ent[j]) == k)
			j++;
		if (k && *nout < cap)
			out[(*nout)++] = (struct ovc_real_run){ .start = start + i * page,
				.end = start + j * page, .kind = k, .vma = vma };
		else if (k)
			lost++;
		i = j;
	}
	return lost;
}

/* The entries of [v->start, v->end) appended as runs; -errno. */
static int vma_runs(int fd, const struct ovc_real_vma *v, uint8_t vi, uint64_t page,
		    struct ovc_real_image *img, size_t *cap)
{
	uint64_t ent[512];

	for (uint64_t a = v->start; a < v->end;) {
		size_t n = (size_t)((v->end - a) / page), want;
		ssize_t got;

		if (n > 512)
			n = 512;
		want = n * sizeof(ent[0]);
		got = pread(fd, ent, want, (off_t)(a / page * sizeof(ent[0])));
		if (got != (ssize_t)want)
			return got < 0 ? -errno : -EIO;
		for (;;) {
			size_t had = img->nruns;

			if (!ovc_real_pagemap_runs(ent, n, a, page, vi, img->runs, *cap, &img->nruns))
				break;
			img->nruns = had;	/* grow and redo this batch */
			struct ovc_real_run *r = realloc(img->runs, (*cap * 2 + 64) * sizeof(*r));
			if (!r)
				return -ENOMEM;
			img->runs = r;
			*cap = *cap * 2 + 64;
		}
		a += n * page;
	}
	return 0;
}

int real_image_pages(int pid, struct ovc_real_image *img, uint64_t page)
{
	char path[64];
	size_t cap = 0;
	int fd, r = 0;

	snprintf(path, sizeof(path), "/proc/%d/pagemap", pid);
	fd = open(path, O_RDONLY | O_CLOEXEC);
	if (fd < 0)
		return -errno;
	for (size_t k = 0; k < img->nvmas && r == 0; k++)
		if (strncmp(img->vmas[k].name, "[vvar", 5) != 0)
			r = vma_runs(fd, &img->vmas[k], (uint8_t)k, page, img, &cap);
	close(fd);
	if (r < 0) {
		free(img->runs);
		img->runs = NULL;
		img->nruns = 0;
	}
	return r;
}
