/* regions.c - names at run time, for both runners: is it made, which bytes a REGION or FILE word names, page rounding.
 *
 * The order of the checks is part of the language's behaviour (the first
 * misuse of a line is the one reported): the name, then the acting task,
 * then off=, then len=, then the address-space arithmetic.
 */
#include "scenario/ast.h"
#include "scenario/regions.h"

uint64_t sc_round_up(uint64_t len, uint64_t unit)
{
	uint64_t r = len % unit;

	if (!r)
		return len;
	return len > UINT64_MAX - (unit - r) ? UINT64_MAX - (UINT64_MAX % unit) : len + (unit - r);
}

/* Put the statement's place on the error ovc_err_set just filled. */
static int at(const struct sc_rt *u, unsigned col, int r)
{
	if (u->e) {
		u->e->file = u->s->fname;
		u->e->line = u->st->line;
		u->e->col = col;
	}
	return r;
}

int sc_rt_made(const struct sc_rt *u, int n, int made, unsigned col)
{
	const struct sc_name *nm = &u->s->names[n];

	if (made)
		return 0;
	switch (nm->kind) {
	case SC_TASK:
		return at(u, col, ovc_err_set(u->e, OVC_E_STATE,
			  "task \"%s\" does not exist: its creation at line %u failed",
			  nm->name, nm->line));
	case SC_REGION:
		return at(u, col, ovc_err_set(u->e, OVC_E_STATE,
			  "region \"%s\" does not exist: the line that names it (%u) failed",
			  nm->name, nm->line));
	case SC_SEGMENT:
		return at(u, col, ovc_err_set(u->e, OVC_E_STATE,
			  "segment \"%s\" does not exist: its shmget at line %u failed",
			  nm->name, nm->line));
	default:
		return at(u, col, ovc_err_set(u->e, OVC_E_STATE, "file \"%s\" was not created",
			  nm->name));
	}
}

/* The range [rg->start + off, + len) must not wrap around. */
static int range_fits(const struct sc_rt *u, const struct sc_ref *ref,
		      const struct sc_region *rg, uint64_t off, uint64_t len)
{
	if (off > UINT64_MAX - rg->start)
		return at(u, ref->off.col, ovc_err_set(u->e, OVC_E_STATE,
			  "off= overflows the address space"));
	if (len > UINT64_MAX - (rg->start + off))	/* no syscall can name such a range */
		return at(u, ref->has_len ? ref->len.col : u->st->arg_col,
			  ovc_err_set(u->e, OVC_E_STATE,
				      "the range runs past the end of the address space"));
	return 0;
}

int sc_region_range(const struct sc_rt *u, const struct sc_ref *ref,
		    const struct sc_region *rg, int *tix, uint64_t *addr, uint64_t *len)
{
	unsigned col = u->st->arg_col;
	uint64_t off = 0;
	int r = sc_rt_made(u, ref->name, rg != NULL, col);

	if (r == 0)
		r = u->task(u->ctx, ref->task, col, tix);
	if (r == 0 && ref->has_off)
		r = u->size(u->ctx, &ref->off, &off);
	if (r < 0)
		return r;
	if (!ref->has_len && off > rg->len)
		return at(u, ref->off.col, ovc_err_set(u->e, OVC_E_STATE,
			  "off= is past the end of region \"%s\"", u->s->names[ref->name].name));
	*len = rg->len - off;
	if (ref->has_len && (r = u->size(u->ctx, &ref->len, len)) < 0)
		return r;
	r = range_fits(u, ref, rg, off, *len);
	if (r == 0)
		*addr = rg->start + off;
	return r;
}

int sc_file_range(const struct sc_rt *u, const struct sc_ref *ref, int made,
		  uint64_t bytes, uint64_t *off, uint64_t *len)
{
	int r = sc_rt_made(u, ref->name, made, u->st->arg_col);

	*off = 0;
	if (r == 0 && ref->has_off)
		r = u->size(u->ctx, &ref->off, off);
	if (r < 0)
		return r;
	*len = *off < bytes ? bytes - *off : 0;
	if (ref->has_len && (r = u->size(u->ctx, &ref->len, len)) < 0)
		return r;
	if (*len > UINT64_MAX - *off)
		return at(u, u->st->arg_col, ovc_err_set(u->e, OVC_E_STATE,
			  "off= plus len= overflows"));
	return 0;
}
