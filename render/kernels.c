/* kernels.c - `ovc sim --list-kernels`: every aspect of the modelled kernel
 * (ovc_profile_aspects) with its eras: first mainline version, era name,
 * what changed, and the kernel source it models. Vendor rows (rhel6)
 * follow the mainline ones. JSON: format "ovc-kernels".
 */
#include "render/render.h"

static void era_text(FILE *f, const struct ovc_era *e, int vendor)
{
	char ver[24];

	fprintf(f, "  %-8s %-8s%s %s\n", ovc_kver_str(e->first, ver, sizeof(ver)),
		e->name ? e->name : "-", vendor ? " (vendor)" : "",
		e->change ? e->change : "");
	if (e->source)
		fprintf(f, "  %-8s %-8s source: %s\n", "", "", e->source);
}

int ovc_render_kernels_text(FILE *f)
{
	size_t n;
	const struct ovc_aspect *as = ovc_profile_aspects(&n);

	for (size_t i = 0; i < n; i++) {
		fprintf(f, "%s%s: %s\n  %-8s %-8s %s\n", i ? "\n" : "", as[i].name,
			as[i].title, "first", "era", "change");
		for (size_t j = 0; j < as[i].count; j++)
			era_text(f, ovc_aspect_row(&as[i], j), j >= as[i].vendor);
	}
	return ferror(f) ? -OVC_E_IO : 0;
}

static void era_json(struct ovc_json *w, const struct ovc_era *e, int vendor)
{
	char ver[24];

	ovc_json_open(w, NULL, '{');
	ovc_json_str(w, "first", ovc_kver_str(e->first, ver, sizeof(ver)));
	ovc_json_str(w, "name", e->name);
	ovc_json_bool(w, "vendor", vendor);
	ovc_json_str(w, "change", e->change);
	ovc_json_str(w, "source", e->source);
	ovc_json_close(w, '{');
}

int ovc_render_kernels_json(FILE *f)
{
	size_t n;
	const struct ovc_aspect *as = ovc_profile_aspects(&n);
	struct ovc_json w;

	ovc_json_init(&w, f);
	ovc_json_open(&w, NULL, '{');
	ovc_json_str(&w, "format", "ovc-kernels");
	ovc_json_u64(&w, "version", 1);
	ovc_json_open(&w, "aspects", '[');
	for (size_t i = 0; i < n; i++) {
		ovc_json_open(&w, NULL, '{');
		ovc_json_str(&w, "name", as[i].name);
		ovc_json_str(&w, "title", as[i].title);
		ovc_json_open(&w, "eras", '[');
		for (size_t j = 0; j < as[i].count; j++)
			era_json(&w, ovc_aspect_row(&as[i], j), j >= as[i].vendor);
		ovc_json_close(&w, '[');
		ovc_json_close(&w, '{');
	}
	ovc_json_close(&w, '[');
	ovc_json_close(&w, '{');
	return ovc_json_finish(&w);
}
