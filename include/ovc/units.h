/* units.h - the one parser and printer for sizes.
 *
 * Sizes are written as people write them: "4096", "4k", "15M", "48.7G",
 * "12061860 kB", "300 pages". Suffixes are binary (k = 1024) as /proc and
 * free(1) use them; "kB" is /proc's spelling of KiB. Fractions are allowed
 * and rounded down to whole bytes.
 */
#ifndef OVC_UNITS_H
#define OVC_UNITS_H

#include <stddef.h>
#include <stdint.h>

/* Parse s[0..len) as a size. "pages"/"page"/"p" multiply by page_size.
 * Returns 0 and sets *bytes, or -1 if s is not a size (or overflows).
 * *used (if not NULL) receives the number of characters consumed; parsing
 * stops at the first character that cannot continue a size. */
int ovc_size_parse(const char *s, size_t len, uint64_t page_size,
		   uint64_t *bytes, size_t *used);

/* "15.0 MiB" style, 3 significant digits, into buf. Returns buf. */
char *ovc_size_human(uint64_t bytes, char *buf, size_t bufsz);

#endif
