/* err.h - how ovc functions report errors.
 *
 * A function that can fail returns 0 or a negative OVC_E_* code and, when
 * given a struct ovc_err, fills it with a sentence ready to print. On
 * success the struct is left untouched, so calls can be chained.
 *
 * A refusal by the simulated kernel (ENOMEM from mmap, say) is a result,
 * not an error: see struct ovc_result in ops.h.
 */
#ifndef OVC_ERR_H
#define OVC_ERR_H

enum {
	OVC_OK = 0,
	OVC_E_PARSE = 1,	/* input does not follow its grammar */
	OVC_E_RANGE = 2,	/* a value is outside what it may be */
	OVC_E_NOMEM = 3,	/* ovc itself ran out of memory */
	OVC_E_STATE = 4,	/* the operation does not apply in this state */
	OVC_E_IO = 5,		/* a file could not be read (front ends only) */
};

struct ovc_err {
	int code;		/* OVC_E_* */
	const char *file;	/* input name, or NULL */
	unsigned line, col;	/* 1-based; 0 when not applicable */
	char msg[200];		/* one complete sentence */
};

/* Fill e (if not NULL) and return -code. printf-style message. */
int ovc_err_set(struct ovc_err *e, int code, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));

/* Report a broken invariant (a bug in ovc, never bad input) and abort. */
#define OVC_BUG(msg) ovc_bug(__FILE__, __LINE__, (msg))
_Noreturn void ovc_bug(const char *file, int line, const char *msg);

#endif
