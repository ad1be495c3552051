/* live_reconcile.c - Committed_AS taken apart in `ovc status`: who holds the charge, and the rest. */
#include "render/live.h"
#include "render/render.h"

#define KB(buf, v) ovc_render_kb((v), (buf), sizeof(buf))

static void part(FILE *f, const char *what, uint64_t kb, const char *how)
{
	char a[64];

	fprintf(f, "  %-40s %24s  %s\n", what, KB(a, kb), how);
}

void ovc_render_live_reconcile_text(FILE *f, const struct ovc_live_snap *s,
				    const struct ovc_live_report *r)
{
	const struct ovc_live_reconcile *c = &r->rec;
	char what[80], a[64];

	fprintf(f, "\nCommitted_AS %s, taken apart\n", KB(a, c->committed_as_kb));
	snprintf(what, sizeof(what), "private mappings of %zu processes", c->private_procs);
	part(f, what, c->private_kb, "smaps VmFlags ac");
	snprintf(what, sizeof(what), "shared anonymous objects (%zu)", c->shared_anon_objects);
	part(f, what, c->shared_anon_kb, "each once: by size, or its pages if nr");
	if (s->have_sysv) {
		snprintf(what, sizeof(what), "SysV shm segments (%zu)", c->sysv_segments);
		part(f, what, c->sysv_kb, "/proc/sysvipc/shm, by size");
	} else {
		fprintf(f, "  %-40s %24s  %s\n", "SysV shm segments", "?", "/proc/sysvipc/shm not read");
	}
	part(f, "tmpfs and memfd pages", c->shmem_files_kb, "Shmem less the above's resident pages");
	if (c->hidden_procs) {
		snprintf(what, sizeof(what), "%zu processes whose smaps was not read", c->hidden_procs);
		part(f, what, c->hidden_estimate_kb, "at most: VmData + VmStk (run as root to see)");
	}
	if (c->unexplained_kb >= 0) {
		part(f, "not explained", (uint64_t)c->unexplained_kb,
		     "processes outside this /proc, tmpfs pages in swap, exits in flight");
	} else {
		part(f, "explained beyond Committed_AS", (uint64_t)-c->unexplained_kb,
		     "estimates above (hidden processes, Shmem) overshoot");
	}
}

void ovc_render_live_reconcile_json(struct ovc_json *w, const struct ovc_live_report *r)
{
	const struct ovc_live_reconcile *c = &r->rec;

	ovc_json_open(w, "reconcile", '{');
	ovc_json_u64(w, "committed_as_kb", c->committed_as_kb);
	ovc_json_u64(w, "private_kb", c->private_kb);
	ovc_json_u64(w, "private_processes", c->private_procs);
	ovc_json_u64(w, "shared_anon_kb", c->shared_anon_kb);
	ovc_json_u64(w, "shared_anon_objects", c->shared_anon_objects);
	ovc_json_u64(w, "sysv_kb", c->sysv_kb);
	ovc_json_u64(w, "sysv_segments", c->sysv_segments);
	ovc_json_u64(w, "shmem_files_kb", c->shmem_files_kb);
	ovc_json_u64(w, "hidden_processes", c->hidden_procs);
	ovc_json_u64(w, "hidden_estimate_kb", c->hidden_estimate_kb);
	ovc_json_i64(w, "unexplained_kb", c->unexplained_kb);
	ovc_json_close(w, '{');
}
