/* input.c - reading a scenario file (or standard input) whole. */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cli/cli.h"

/* The whole input in a NUL-terminated buffer. Returns 0, or -errno. */
int cli_read_input(const char *file, char **buf, size_t *len)
{
	FILE *f = strcmp(file, "-") ? fopen(file, "rb") : stdin;
	size_t cap = 0, n = 0;
	char *b = NULL;
	int rc = 0;

	if (!f)
		return -errno;
	errno = 0;
	for (;;) {
		if (cap - n < 4096) {
			char *nb = realloc(b, cap = cap ? cap * 2 : 16384);

			if (!nb) {
				rc = -ENOMEM;
				break;
			}
			b = nb;
		}
		n += fread(b + n, 1, cap - n - 1, f);
		if (ferror(f))
			rc = errno ? -errno : -EIO;	/* EISDIR for a directory */
		if (rc || feof(f))
			break;
	}
	if (f != stdin)
		fclose(f);
	if (rc) {
		free(b);
		return rc;
	}
	b[n] = '\0';
	*buf = b;
	*len = n;
	return 0;
}
