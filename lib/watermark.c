/* watermark.c - vm.min_free_kbytes and the reserves derived from it.
 *
 * Mirrors init_per_zone_wmark_min() and __setup_per_zone_wmarks()
 * (mm/page_alloc.c), simplified to one zone: the default min_free_kbytes is
 * floor(sqrt(lowmem_kB * 16)) clamped to [128, 65536] (262144 from 5.7);
 * low and high sit min/4 and min/2 above min up to 4.5, and from 4.6
 * max(min/4, managed * watermark_scale_factor / 10000) and twice that.
 * totalreserve_pages (calculate_totalreserve_pages) is then the high
 * watermark; the lowmem_reserve of lower zones is not modelled (a scenario
 * can state totalreserve itself). THP's raise of min_free_kbytes
 * (set_recommended_min_free_kbytes) is not applied either.
 * Units: pages, unless _kb.
 */
#include "mm_internal.h"

uint64_t ovc_int_sqrt(uint64_t x)
{
	uint64_t r = 0, bit = 1ull << 62;

	while (bit > x)
		bit >>= 2;
	while (bit) {
		if (x >= r + bit) {
			x -= r + bit;
			r = (r >> 1) + bit;
		} else {
			r >>= 1;
		}
		bit >>= 2;
	}
	return r;
}

uint64_t ovc_min_free_default_kb(const struct ovc_machine *m)
{
	uint64_t lowmem_kb = ovc_pages_to_kb(m, m->ram);
	uint64_t v = ovc_int_sqrt(lowmem_kb * 16);
	uint64_t max = m->profile.watermark->min_free_max_kb;

	return v < 128 ? 128 : v > max ? max : v;
}

/* The high watermark of the single modelled zone. */
static uint64_t high_wmark(const struct ovc_machine *m, uint64_t min)
{
	uint64_t delta = min / 4;

	if (!m->profile.watermark->has_scale_factor)
		return min + min / 2;
	uint64_t scaled = m->ram * (uint64_t)m->vm.watermark_scale_factor / 10000;
	if (scaled > delta)
		delta = scaled;
	return min + 2 * delta;
}

/* Recompute min_wmark and (unless stated) totalreserve from the sysctls. */
void ovc_watermarks_update(struct ovc_machine *m)
{
	uint64_t min = ovc_kb_to_pages(m, m->vm.min_free_kbytes);
	uint64_t high = high_wmark(m, min);

	m->phys.min_wmark = min;
	if (!m->totalreserve_fixed)
		m->phys.totalreserve = high < m->ram ? high : m->ram;
}
