/* err.c - filling struct ovc_err, and the one place that may abort (OVC_BUG). */
#include "ovc/err.h"

#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>

/*
 * Only code and msg are written: file, line and col belong to the caller
 * (a parser fills them where it knows them), so a location set before the
 * call survives it.
 */
int ovc_err_set(struct ovc_err *e, int code, const char *fmt, ...)
{
	va_list ap;

	if (e) {
		e->code = code;
		va_start(ap, fmt);
		vsnprintf(e->msg, sizeof(e->msg), fmt, ap);
		va_end(ap);
	}
	return -code;
}

/* A broken invariant is a bug in ovc, never bad input: say where and stop. */
_Noreturn void ovc_bug(const char *file, int line, const char *msg)
{
	fprintf(stderr, "ovc: BUG at %s:%d: %s\n", file, line, msg);
	abort();
}
