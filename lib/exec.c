/* exec.c - execve(2): a new image, charged before and after the point of
 * no return.
 *
 * Mirrors fs/exec.c and fs/binfmt_elf.c: bprm_mm_init() builds a new mm
 * whose first stack page is charged when the stack VMA is inserted
 * (insert_vm_struct); the old mm is dropped at the point of no return
 * (exec_mmap, which also ends a vfork); then setup_arg_pages() grows the
 * stack (acct_stack_growth charges it), the ELF loader maps the text
 * (read-only, free), the data segment (private writable: charged) and the
 * bss and brk (vm_brk: charged). A refusal before the point of no return
 * is ENOMEM from execve; after it the process is killed.
 * Units: pages, bytes in struct ovc_image.
 */
#include "mm_internal.h"

void ovc_image_default(struct ovc_image *img)
{
	/* A small shell: what /bin/sh costs to start. */
	img->text = 900ull << 10;
	img->data = 48ull << 10;
	img->bss = 24ull << 10;
	img->stack = 132ull << 10;
}

static int add_vma(struct ovc_machine *m, struct ovc_task *t, struct ovc_mm *mm,
		   uint64_t s, uint64_t len, uint32_t f, struct ovc_result *r)
{
	if (!len)
		return 0;
	if (f & OVC_VM_ACCOUNT && !charge(m, t, mm, len, r))
		return -1;
	vma_insert(m, mm, vma_new(m, s, s + len, f, 0, s));
	return 0;
}

static uint64_t pages_of(const struct ovc_machine *m, uint64_t bytes)
{
	return (bytes + m->page_size - 1) >> m->page_shift;
}

/* The image after the point of no return: stack growth, text, data, bss. */
static int load(struct ovc_machine *m, struct ovc_task *t, const struct ovc_image *img,
		struct ovc_result *r)
{
	struct ovc_mm *mm = t->mm;
	struct ovc_vma *stack = vma_find(mm, mm->stack_top - 1);
	uint64_t grow = pages_of(m, img->stack) > 1 ? pages_of(m, img->stack) - 1 : 0;
	uint64_t text = pages_of(m, img->text), data = pages_of(m, img->data);
	uint64_t bss = pages_of(m, img->data + img->bss) - data;
	uint64_t at = OVC_IMAGE_BASE;
	uint32_t rw = OVC_VM_READ | OVC_VM_WRITE | OVC_VM_ACCOUNT;

	if (grow) {
		if (!charge(m, t, mm, grow, r))
			return -1;
		vma_resize(mm, stack, stack->node.start - grow, stack->node.end);
	}
	if (add_vma(m, t, mm, at, text, OVC_VM_READ | OVC_VM_EXEC, r) ||
	    add_vma(m, t, mm, at + text, data, rw, r) ||
	    add_vma(m, t, mm, at + text + data, bss, rw, r))
		return -1;
	/* end_data - start_data: the file-backed data, not the bss. */
	mm->data_bytes = img->data;
	/* The heap starts a little above the image (randomised in practice),
	 * so it never merges with the bss. */
	mm->brk_start_bytes = mm->brk_bytes = (at + text + data + bss + 16) << m->page_shift;
	return 0;
}

int ovc_execve(struct ovc_machine *m, int tid, const struct ovc_image *img,
	       struct ovc_result *r)
{
	struct ovc_task *t = ovc_task_get(m, tid);
	struct ovc_mm *mm, *old;
	uint32_t sf = OVC_VM_READ | OVC_VM_WRITE | OVC_VM_GROWSDOWN | OVC_VM_ACCOUNT;

	if (!t || !t->mm)
		return -OVC_E_STATE;
	mm = mm_new(m);
	/* insert_vm_struct() charges the first stack page against the new mm. */
	if (add_vma(m, t, mm, mm->stack_top - 1, 1, sf, r)) {
		mm_put(m, mm, t->cpu);
		return 0;
	}
	old = t->mm;
	t->mm = mm;
	t->in_vfork = 0;
	t->mlock_future = 0;	/* the new mm's def_flags are empty (mm_init) */
	{
		int64_t before = ovc_pcpu_sum(&m->committed);

		mm_put(m, old, t->cpu);
		r->delta += ovc_pcpu_sum(&m->committed) - before;
	}
	if (load(m, t, img, r)) {
		/* Past the point of no return: the process is killed. */
		struct ovc_result gone = { 0 };

		r->cause = OVC_CAUSE_EXEC_KILLED;
		ovc_exit(m, tid, &gone);
		r->delta += gone.delta;
	}
	return 0;
}
