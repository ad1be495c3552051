/* proc_parse.c - pure parsers of /proc text for live/: meminfo, PID status/stat/smaps/cgroup, sysvipc/shm, integers (kB). */
#include "live/cgroup_parse.h"
#include "live/proc_parse.h"

#include <stddef.h>
#include <string.h>

/* ------------------------------------------------------------------ */
/* Scanning a bounded buffer                                            */

/* A cursor over the lines of a buffer. */
struct lines {
	const char *p, *end;
};

/* The next line, without its '\n', into *s and *n; 0 when none is left. */
static int line_next(struct lines *L, const char **s, size_t *n)
{
	const char *nl;

	if (L->p >= L->end)
		return 0;
	nl = memchr(L->p, '\n', (size_t)(L->end - L->p));
	*s = L->p;
	*n = (size_t)((nl ? nl : L->end) - L->p);
	L->p = nl ? nl + 1 : L->end;
	return 1;
}

static int is_blank(char c)
{
	return c == ' ' || c == '\t';
}

static size_t skip_blanks(const char *s, size_t n, size_t i)
{
	while (i < n && is_blank(s[i]))
		i++;
	return i;
}

static int is_digit(char c)
{
	return c >= '0' && c <= '9';
}

/* Decimal digits at s[*i] into *v; *i moves past them. -1 if there are
 * none or the number does not fit 64 bits. */
static int scan_u64(const char *s, size_t n, size_t *i, uint64_t *v)
{
	size_t start = *i;
	uint64_t x = 0;

	for (; *i < n && is_digit(s[*i]); (*i)++) {
		unsigned d = (unsigned)(s[*i] - '0');

		if (x > (UINT64_MAX - d) / 10)
			return -1;
		x = x * 10 + d;
	}
	*v = x;
	return *i > start ? 0 : -1;
}

/* An optional '-' and decimal digits, within int64_t. */
static int scan_i64(const char *s, size_t n, size_t *i, int64_t *v)
{
	int neg = *i < n && s[*i] == '-';
	uint64_t m;

	*i += (size_t)neg;
	if (scan_u64(s, n, i, &m) < 0 || m > (uint64_t)INT64_MAX)
		return -1;
	*v = neg ? -(int64_t)m : (int64_t)m;
	return 0;
}

static int is_hex_lower(char c)
{
	return is_digit(c) || (c >= 'a' && c <= 'f');
}

/* CapEff and friends, smaps addresses: the kernel prints lowercase hex
 * (%016llx, %08lx). */
static int scan_hex(const char *s, size_t n, size_t *i, uint64_t *v)
{
	size_t start = *i;
	uint64_t x = 0;

	for (; *i < n && is_hex_lower(s[*i]); (*i)++) {
		if (x >> 60)
			return -1;
		x = x << 4 | (uint64_t)(is_digit(s[*i]) ? s[*i] - '0' : s[*i] - 'a' + 10);
	}
	*v = x;
	return *i > start ? 0 : -1;
}

/* "Key:" at the start of s[0..n): the index just past the colon, or 0. */
static size_t key_is(const char *s, size_t n, const char *key)
{
	size_t k = strlen(key);

	if (n <= k || s[k] != ':' || memcmp(s, key, k) != 0)
		return 0;
	return k + 1;
}

/* What follows "Key:" in meminfo and status: blanks, a number, and an
 * optional " kB", then nothing. On failure *i is where it went wrong. */
static int kb_value(const char *s, size_t n, size_t *i, uint64_t *v)
{
	*i = skip_blanks(s, n, *i);
	if (scan_u64(s, n, i, v) < 0)
		return -1;
	*i = skip_blanks(s, n, *i);
	if (*i + 2 <= n && s[*i] == 'k' && s[*i + 1] == 'B')
		*i = skip_blanks(s, n, *i + 2);
	return *i == n ? 0 : -1;
}

static uint64_t add_sat(uint64_t a, uint64_t b)
{
	return a > UINT64_MAX - b ? UINT64_MAX : a + b;
}

/* ------------------------------------------------------------------ */
/* /proc/meminfo                                                        */

/* Where a field of the line goes: the view.h table, plus KReclaimable
 * which struct ovc_meminfo does not carry. NULL: a name we skip. */
static uint64_t *meminfo_slot(struct ovc_meminfo *mi, uint64_t *krecl,
			      const char *name, size_t n)
{
	size_t count, i;
	const struct ovc_meminfo_field *f = ovc_meminfo_fields(&count);

	for (i = 0; i < count; i++)
		if (strlen(f[i].name) == n && memcmp(f[i].name, name, n) == 0)
			return (uint64_t *)(void *)((char *)mi + f[i].offset);
	if (n == 12 && memcmp(name, "KReclaimable", 12) == 0)
		return krecl;
	return NULL;
}

static int meminfo_name_char(char c)
{
	return is_digit(c) || (c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') ||
	       c == '_' || c == '(' || c == ')';
}

/* Locate an error at line/col, with a message about the byte there. */
static int meminfo_bad(struct ovc_err *e, unsigned line, size_t col, const char *what)
{
	if (e) {
		e->line = line;
		e->col = (unsigned)col;
	}
	return ovc_err_set(e, OVC_E_PARSE, "%s", what);
}

/* One line "Name: value [kB]"; 0 or the 1-based column where it breaks,
 * with *what saying how. */
static size_t meminfo_line(const char *s, size_t n, struct ovc_meminfo *mi,
			   uint64_t *krecl, int *saw_total, const char **what)
{
	size_t i = 0;
	uint64_t v, *slot;

	while (i < n && meminfo_name_char(s[i]))
		i++;
	if (i == 0 || i == n || s[i] != ':') {
		*what = "expected a field name and ':'";
		return i + 1;
	}
	slot = meminfo_slot(mi, krecl, s, i);
	if (i == 8 && memcmp(s, "MemTotal", 8) == 0)
		*saw_total = 1;
	i++;
	if (kb_value(s, n, &i, &v) < 0) {
		*what = "expected a number, optionally followed by kB";
		return i + 1;
	}
	if (slot)
		*slot = v;
	return 0;
}

int ovc_proc_parse_meminfo(const char *buf, size_t len, struct ovc_meminfo *mi,
			   uint64_t *kreclaimable_kb, struct ovc_err *e)
{
	uint64_t krecl = 0;
	struct lines L = { buf, buf + len };
	size_t n, col;
	const char *s, *what = NULL;
	unsigned line = 0;
	int saw_total = 0;
	double total;

	memset(mi, 0, sizeof(*mi));
	while (line_next(&L, &s, &n)) {
		line++;
		if (skip_blanks(s, n, 0) == n)
			continue;
		col = meminfo_line(s, n, mi, &krecl, &saw_total, &what);
		if (col)
			return meminfo_bad(e, line, col, what);
	}
	if (!saw_total)
		return meminfo_bad(e, 0, 0, "there is no MemTotal line");
	/* sar -r: kbcommit is Committed_AS, %commit is it against RAM + swap. */
	mi->kbcommit = mi->committed_as;
	total = (double)mi->mem_total + (double)mi->swap_total;
	mi->pct_commit = total > 0 ? (double)mi->committed_as * 100.0 / total : 0.0;
	if (kreclaimable_kb)
		*kreclaimable_kb = krecl;
	return 0;
}

/* ------------------------------------------------------------------ */
/* /proc/PID/status                                                     */

/* The kB lines of status, by where they go in struct ovc_live_proc. */
#define KB_LINE(key, member) { key, offsetof(struct ovc_live_proc, member) }
static const struct {
	const char *key;
	size_t off;
} status_kb_table[] = {
	KB_LINE("VmSize", vm_size),	/* first: its presence means an mm */
	KB_LINE("VmRSS", vm_rss), KB_LINE("RssAnon", rss_anon), KB_LINE("RssFile", rss_file),
	KB_LINE("RssShmem", rss_shmem), KB_LINE("VmPTE", vm_pte), KB_LINE("VmSwap", vm_swap),
	KB_LINE("VmLck", vm_lck), KB_LINE("VmData", vm_data), KB_LINE("VmStk", vm_stk),
};
#undef KB_LINE

/*
 * Name: is printed as "Name:\t" and the comm, in which the kernel escapes
 * only '\n' (as "\n") and '\\' (as "\\"): fs/proc/array.c proc_task_name()
 * since 4.x, and task_name() before it. Undo exactly those two; any other
 * byte, a leading blank or a lone backslash, is part of the name.
 */
static void status_name(const char *s, size_t n, char *dst, size_t size)
{
	size_t i = 0, o = 0;

	if (i < n && s[i] == '\t')
		i++;
	for (; i < n && o + 1 < size; i++) {
		char c = s[i];

		if (c == '\\' && i + 1 < n && (s[i + 1] == 'n' || s[i + 1] == '\\'))
			c = s[++i] == 'n' ? '\n' : '\\';
		dst[o++] = c;
	}
	dst[o] = '\0';
}

/* CapEff: CAP_SYS_ADMIN is bit 21, CAP_SYS_RESOURCE bit 24
 * (include/uapi/linux/capability.h). */
static int status_caps(const char *s, size_t n, size_t i, struct ovc_live_proc *p)
{
	uint64_t caps;

	i = skip_blanks(s, n, i);
	if (scan_hex(s, n, &i, &caps) < 0 || skip_blanks(s, n, i) != n)
		return -1;
	p->cap_sys_admin = (caps >> 21) & 1;
	p->cap_sys_resource = (caps >> 24) & 1;
	return 0;
}

/* A plain number after the key (Uid's first, Threads, Kthread). */
static int status_num(const char *s, size_t n, size_t i, uint64_t *v)
{
	i = skip_blanks(s, n, i);
	return scan_u64(s, n, &i, v);
}

/* The keys other than the kB ones. 1 if the line was one of them,
 * 0 if not, -1 if it was and did not parse. */
static int status_other(const char *s, size_t n, struct ovc_live_proc *p, unsigned *flags)
{
	size_t i;
	uint64_t v;

	if ((i = key_is(s, n, "State"))) {
		i = skip_blanks(s, n, i);
		if (i == n)
			return -1;
		p->state = s[i];
	} else if ((i = key_is(s, n, "Uid"))) {
		if (status_num(s, n, i, &v) < 0 || v > UINT32_MAX)
			return -1;
		p->uid = (uint32_t)v;
	} else if ((i = key_is(s, n, "Threads"))) {
		if (status_num(s, n, i, &v) < 0 || v > INT32_MAX)
			return -1;
		p->threads = (int)v;
	} else if ((i = key_is(s, n, "Kthread"))) {
		if (status_num(s, n, i, &v) < 0)
			return -1;
		if (v)
			*flags |= OVC_PSTATUS_KTHREAD;
	} else if ((i = key_is(s, n, "CapEff"))) {
		if (status_caps(s, n, i, p) < 0)
			return -1;
	} else {
		return 0;
	}
	return 1;
}

/* One line of status other than Name. 0 or -1. */
static int status_line(const char *s, size_t n, struct ovc_live_proc *p, unsigned *flags)
{
	size_t k, i;
	uint64_t v;
	int r = status_other(s, n, p, flags);

	if (r)
		return r < 0 ? -1 : 0;
	for (k = 0; k < sizeof(status_kb_table) / sizeof(status_kb_table[0]); k++) {
		if (!(i = key_is(s, n, status_kb_table[k].key)))
			continue;
		if (kb_value(s, n, &i, &v) < 0)
			return -1;
		memcpy((char *)p + status_kb_table[k].off, &v, sizeof(v));
		if (k == 0)
			*flags |= OVC_PSTATUS_VM;
		return 0;
	}
	return 0;
}

/* Into a copy, so that a status that fails half way changes nothing. */
int ovc_proc_parse_status(const char *buf, size_t len, struct ovc_live_proc *p,
			  unsigned *flags)
{
	struct ovc_live_proc q = *p;
	struct lines L = { buf, buf + len };
	size_t n, i;
	const char *s;
	unsigned f = 0;
	int named = 0;

	*flags = 0;
	while (line_next(&L, &s, &n)) {
		if (!named && (i = key_is(s, n, "Name"))) {
			status_name(s + i, n - i, q.comm, sizeof(q.comm));
			named = 1;
		} else if (status_line(s, n, &q, &f) < 0) {
			return -OVC_E_PARSE;
		}
	}
	if (!named)
		return -OVC_E_PARSE;
	*p = q;
	*flags = f;
	return 0;
}

/* ------------------------------------------------------------------ */
/* /proc/PID/stat                                                       */

/* Fields kept from stat (1-based, proc(5)), and where they go. */
enum { STAT_STATE = 3, STAT_PPID = 4, STAT_FLAGS = 9, STAT_UTIME = 14, STAT_STIME = 15,
       STAT_NICE = 19, STAT_THREADS = 20, STAT_START = 22 };

static void stat_store(struct ovc_live_proc *p, uint64_t *flags, int field, int64_t v)
{
	switch (field) {
	case STAT_PPID: p->ppid = (int)v; break;
	case STAT_FLAGS: *flags = (uint64_t)v; break;
	case STAT_UTIME: p->utime_ticks = (uint64_t)v; break;
	case STAT_STIME: p->stime_ticks = (uint64_t)v; break;
	case STAT_NICE: p->nice = (int)v; break;
	case STAT_THREADS: p->threads = (int)v; break;
	case STAT_START: p->start_ticks = (uint64_t)v; break;
	default: break;
	}
}

/* The range each kept field may take; the others are only checked to
 * be numbers. */
static int stat_in_range(int field, int64_t v)
{
	switch (field) {
	case STAT_PPID: case STAT_THREADS: return v >= 0 && v <= INT32_MAX;
	case STAT_NICE: return v >= -20 && v <= 19;
	case STAT_FLAGS: case STAT_UTIME: case STAT_STIME: case STAT_START: return v >= 0;
	default: return 1;
	}
}

/*
 * fs/proc/array.c do_task_stat(): "pid (comm) state ppid ...", fields
 * separated by one space. The comm is any 16 bytes, ')' and spaces
 * included, so the fields are counted from the last ')'. Parsed into a
 * copy: a stat that fails half way changes nothing.
 */
int ovc_proc_parse_stat(const char *buf, size_t len, struct ovc_live_proc *p,
			uint64_t *flags)
{
	struct ovc_live_proc q = *p;
	uint64_t f = 0;
	size_t i = len, end = len;
	int field;
	int64_t v;

	while (i > 0 && buf[i - 1] != ')')
		i--;
	if (i == 0)
		return -OVC_E_PARSE;
	if (end > 0 && buf[end - 1] == '\n')
		end--;
	for (field = STAT_STATE; field <= STAT_START; field++) {
		if (i >= end || buf[i] != ' ')
			return -OVC_E_PARSE;
		i++;
		if (field == STAT_STATE) {
			if (i >= end || buf[i] == ' ')
				return -OVC_E_PARSE;
			q.state = buf[i++];
			continue;
		}
		if (scan_i64(buf, end, &i, &v) < 0 || !stat_in_range(field, v))
			return -OVC_E_PARSE;
		stat_store(&q, &f, field, v);
	}
	if (i < end && buf[i] != ' ')
		return -OVC_E_PARSE;
	q.zombie = q.state == 'Z';
	*p = q;
	*flags = f;
	return 0;
}

/* ------------------------------------------------------------------ */
/* /proc/PID/smaps                                                      */

void ovc_smaps_init(struct ovc_smaps_acc *a)
{
	memset(a, 0, sizeof(*a));
}

/* "start-end perms offset dev inode [path]": lowercase hex, then '-'. */
static int smaps_is_header(const char *s, size_t n)
{
	size_t i = 0;

	while (i < n && (is_digit(s[i]) || (s[i] >= 'a' && s[i] <= 'f')))
		i++;
	return i > 0 && i < n && s[i] == '-';
}

/* The gate VMA is not in mm->map_count (it is no VMA of the mm at all):
 * the path, after the five fields, is exactly "[vsyscall]". */
static int smaps_is_vsyscall(const char *s, size_t n)
{
	size_t i = 0;
	int f;

	for (f = 0; f < 5; f++) {
		i = skip_blanks(s, n, i);
		while (i < n && !is_blank(s[i]))
			i++;
	}
	i = skip_blanks(s, n, i);
	return n - i == 10 && memcmp(s + i, "[vsyscall]", 10) == 0;
}

/* A header's fields, as fs/proc/task_mmu.c show_map_vma() prints them:
 * addresses and offset in hex, dev as "%02x:%02x" of MAJOR and MINOR,
 * the inode in decimal, then the path after padding. */
struct smaps_header {
	uint64_t start, end, offset, dev, inode;
	int shared;		/* perms "...s": VM_MAYSHARE */
	const char *path;
	size_t path_n;
};

/* A single blank after a field, as show_map_vma() prints. */
static int one_blank(const char *s, size_t n, size_t *i)
{
	if (*i >= n || s[*i] != ' ')
		return -1;
	(*i)++;
	return 0;
}

/* 0, or -1 if a field is not what the kernel prints. dev is kept as the
 * kernel's dev_t: MAJOR << 20 | MINOR (include/linux/kdev_t.h MINORBITS). */
static int smaps_header_parse(const char *s, size_t n, struct smaps_header *h)
{
	uint64_t major, minor;
	size_t i = 0;

	if (scan_hex(s, n, &i, &h->start) < 0 || i >= n || s[i++] != '-' ||
	    scan_hex(s, n, &i, &h->end) < 0 || one_blank(s, n, &i) < 0 || n - i < 4)
		return -1;
	h->shared = s[i + 3] == 's';
	i += 4;
	if (one_blank(s, n, &i) < 0 || scan_hex(s, n, &i, &h->offset) < 0 ||
	    one_blank(s, n, &i) < 0 || scan_hex(s, n, &i, &major) < 0 || i >= n ||
	    s[i++] != ':' || scan_hex(s, n, &i, &minor) < 0 || one_blank(s, n, &i) < 0 ||
	    scan_u64(s, n, &i, &h->inode) < 0 || major >> 12 || minor >> 20)
		return -1;
	h->dev = major << 20 | minor;
	i = skip_blanks(s, n, i);
	h->path = s + i;
	h->path_n = n - i;
	return 0;
}

/*
 * Which shmem object a shared mapping's path names, or -1:
 *  - "/dev/zero (deleted)": MAP_SHARED|MAP_ANONYMOUS (and a shared map of
 *    /dev/zero) gets its own unlinked shmem file "dev/zero"
 *    (mm/shmem.c shmem_zero_setup() -> shmem_kernel_file_setup(), 5.4
 *    and 6.x alike), charged once by its size (shmem_acct_size()) unless
 *    VM_NORESERVE, then page by page (shmem_acct_block(s)());
 *  - "/SYSV%08x (deleted)": a shmat() of a segment, whose file is named
 *    for its key (ipc/shm.c newseg()); newseg() sets the inode number to
 *    the shmid. Its charge is read from /proc/sysvipc/shm instead.
 * A private map of /dev/zero is plain anonymous memory ("/dev/zero",
 * not deleted, not shared): not an object.
 */
static int shobj_kind(const struct smaps_header *h)
{
	static const char zero[] = "/dev/zero (deleted)", del[] = " (deleted)";
	const char *p = h->path;
	size_t k;

	if (!h->shared)
		return -1;
	if (h->path_n == sizeof(zero) - 1 && memcmp(p, zero, sizeof(zero) - 1) == 0)
		return OVC_SHOBJ_SHARED_ANON;
	if (h->path_n != 5 + 8 + sizeof(del) - 1 || memcmp(p, "/SYSV", 5) != 0 ||
	    memcmp(p + 13, del, sizeof(del) - 1) != 0)
		return -1;
	for (k = 5; k < 13; k++)
		if (!is_hex_lower(p[k]))
			return -1;
	return OVC_SHOBJ_SYSV;
}

/* Could the header's path be an object's? Most headers stop here,
 * before their fields are parsed. */
static int maybe_object(const char *s, size_t n)
{
	static const char zero[] = "/dev/zero (deleted)", del[] = " (deleted)";
	const size_t z = sizeof(zero) - 1, d = sizeof(del) - 1, v = 5 + 8 + d;

	return (n > z && memcmp(s + n - z, zero, z) == 0) ||
	       (n > v && memcmp(s + n - d, del, d) == 0 && memcmp(s + n - v, "/SYSV", 5) == 0);
}

/* Hand the object gathered over (a hugetlb one is no shmem: dropped). */
static void shobj_close(struct ovc_smaps_acc *a)
{
	if (a->cur_open && !a->cur_ht && a->shobj)
		a->shobj(a->shobj_arg, &a->cur);
	a->cur_open = a->cur_vma = a->cur_ht = 0;
}

/* The VMA h continues the object being gathered: the rest of a mapping
 * that mprotect or mlock split, same object, adjacent in both. */
static int shobj_continues(const struct ovc_smaps_acc *a, const struct smaps_header *h,
			   int kind)
{
	return a->cur_open && a->cur.kind == kind && a->cur.dev == h->dev &&
	       a->cur.inode == h->inode && a->cur_end == h->start &&
	       a->cur_off_end == h->offset;
}

static void smaps_header(struct ovc_smaps_acc *a, const char *s, size_t n)
{
	struct smaps_header h;
	int kind = -1;

	a->vma_kb = 0;
	if (!smaps_is_vsyscall(s, n))
		a->map_count++;
	if (maybe_object(s, n) && smaps_header_parse(s, n, &h) == 0 && h.end >= h.start)
		kind = shobj_kind(&h);
	if (kind < 0) {
		shobj_close(a);
		return;
	}
	if (!shobj_continues(a, &h, kind)) {
		shobj_close(a);
		memset(&a->cur, 0, sizeof(a->cur));
		a->cur.dev = h.dev;
		a->cur.inode = h.inode;
		a->cur.kind = (uint8_t)kind;
		a->cur_open = 1;
	}
	a->cur_vma = 1;
	a->cur_end = h.end;
	a->cur_off_end = add_sat(h.offset, h.end - h.start);
}

enum { FLAG_AC = 1, FLAG_DC = 2, FLAG_NR = 4, FLAG_HT = 8 };

/* The two-letter words of VmFlags (fs/proc/task_mmu.c
 * show_smap_vma_flags()) that matter here, as FLAG_* bits. */
static unsigned vmflags_of(const char *s, size_t n)
{
	unsigned f = 0;
	size_t i = 0, w;

	while ((i = skip_blanks(s, n, i)) < n) {
		for (w = i; i < n && !is_blank(s[i]); i++)
			;
		if (i - w != 2)
			continue;
		f |= s[w] == 'a' && s[w + 1] == 'c' ? FLAG_AC : 0;
		f |= s[w] == 'd' && s[w + 1] == 'c' ? FLAG_DC : 0;
		f |= s[w] == 'n' && s[w + 1] == 'r' ? FLAG_NR : 0;
		f |= s[w] == 'h' && s[w + 1] == 't' ? FLAG_HT : 0;
	}
	return f;
}

/*
 * VmFlags: ac = VM_ACCOUNT (charged to Committed_AS), dc = VM_DONTCOPY
 * (a fork leaves it out, so charges nothing for it: kernel/fork.c
 * dup_mmap()), nr = VM_NORESERVE, ht = VM_HUGETLB. The VMA's Size
 * closes here. A shared mapping is never "ac": its object carries the
 * charge (mm/mmap.c accountable_mapping() wants !VM_SHARED).
 */
static void smaps_flags(struct ovc_smaps_acc *a, const char *s, size_t n)
{
	unsigned f = vmflags_of(s, n);

	if (f & FLAG_AC)
		a->committed = add_sat(a->committed, a->vma_kb);
	if ((f & FLAG_AC) && !(f & FLAG_DC))
		a->fork_charge = add_sat(a->fork_charge, a->vma_kb);
	if ((f & FLAG_AC) && !(f & FLAG_DC) && a->vma_kb > a->fork_largest)
		a->fork_largest = a->vma_kb;
	if ((f & FLAG_AC) && !(f & FLAG_DC) && a->fork_map)
		a->fork_map(a->fork_map_arg, a->vma_kb);
	if (f & FLAG_NR)
		a->noreserve = add_sat(a->noreserve, a->vma_kb);
	if (f & FLAG_HT)
		a->hugetlb = add_sat(a->hugetlb, a->vma_kb);
	if (a->cur_vma && (f & FLAG_NR))
		a->cur.noreserve = 1;
	if (a->cur_vma && (f & FLAG_HT))
		a->cur_ht = 1;
	a->vma_kb = 0;
}

/* Rss: and Swap: count only for a shmem object's VMA. i: past the key. */
static int smaps_object_kb(struct ovc_smaps_acc *a, const char *s, size_t n, size_t i,
			   uint64_t *dst)
{
	uint64_t v;

	if (!a->cur_vma)
		return 0;
	if (kb_value(s, n, &i, &v) < 0)
		return -1;
	*dst = add_sat(*dst, v);
	return 0;
}

static int smaps_size(struct ovc_smaps_acc *a, const char *s, size_t n, size_t i)
{
	uint64_t v;

	if (kb_value(s, n, &i, &v) < 0)
		return -1;
	a->vma_kb = v;
	if (a->cur_vma)
		a->cur.size_kb = add_sat(a->cur.size_kb, v);
	return 0;
}

static int smaps_page_size(struct ovc_smaps_acc *a, const char *s, size_t n, size_t i)
{
	uint64_t v;

	if (kb_value(s, n, &i, &v) < 0 || v == 0)
		return -1;
	if (!a->page_kb || v < a->page_kb)
		a->page_kb = v;
	return 0;
}

/* One line, picked by its first byte: a header starts with a lowercase
 * hex digit, a field with a capital. Most of a smaps is fields no one
 * here reads (tens of millions of lines on a large machine): they cost
 * a switch and a compare or two. */
static int smaps_dispatch(struct ovc_smaps_acc *a, const char *s, size_t n)
{
	size_t i;

	switch (n ? s[0] : '\0') {
	case 'S':
		if ((i = key_is(s, n, "Size")))
			return smaps_size(a, s, n, i);
		if ((i = key_is(s, n, "Swap")))
			return smaps_object_kb(a, s, n, i, &a->cur.swap_kb);
		return 0;
	case 'R':
		i = key_is(s, n, "Rss");
		return i ? smaps_object_kb(a, s, n, i, &a->cur.rss_kb) : 0;
	case 'K':
		i = key_is(s, n, "KernelPageSize");
		return i ? smaps_page_size(a, s, n, i) : 0;
	case 'V':
		if ((i = key_is(s, n, "VmFlags")))
			smaps_flags(a, s + i, n - i);
		return 0;
	default:
		if (smaps_is_header(s, n))
			smaps_header(a, s, n);
		return 0;
	}
}

int ovc_smaps_line(struct ovc_smaps_acc *a, const char *s, size_t n)
{
	if (smaps_dispatch(a, s, n) == 0)
		return 0;
	a->bad++;
	return -OVC_E_PARSE;
}

void ovc_smaps_end(struct ovc_smaps_acc *a)
{
	shobj_close(a);
}

/* ------------------------------------------------------------------ */
/* /proc/sysvipc/shm                                                    */

/*
 * ipc/shm.c: shm_init() names the columns in the header ("key shmid
 * perms size cpid lpid nattch uid gid cuid cgid atime dtime ctime rss
 * swap"; rss and swap were added in about 4.1 [unconf]), and
 * sysvipc_shm_proc_show() prints one line per segment: size is
 * shm_segsz in bytes, rss and swap are pages times PAGE_SIZE (bytes).
 * The key is printed signed; columns are blank-separated and padded.
 */
enum { SYSV_MAX_COLS = 64 };

void ovc_sysv_init(struct ovc_sysv_acc *a, uint64_t page_bytes)
{
	memset(a, 0, sizeof(*a));
	a->page_bytes = page_bytes >= 1024 && page_bytes % 1024 == 0 ? page_bytes : 4096;
	a->col_size = a->col_rss = a->col_swap = -1;
}

/* The next blank-separated word from *i: its start in *w and its length
 * (0 when none is left); *i moves past it. */
static size_t next_word(const char *s, size_t n, size_t *i, const char **w)
{
	size_t start = skip_blanks(s, n, *i), j = start;

	while (j < n && !is_blank(s[j]))
		j++;
	*w = s + start;
	*i = j;
	return j - start;
}

static int word_is(const char *w, size_t k, const char *name)
{
	return strlen(name) == k && memcmp(w, name, k) == 0;
}

static void sysv_column(int *col, int at, const char *w, size_t k, const char *name)
{
	if (*col < 0 && word_is(w, k, name))
		*col = at;
}

static int sysv_header(struct ovc_sysv_acc *a, const char *s, size_t n)
{
	const char *w;
	size_t i = 0, k;
	int col = 0;

	a->have_header = 1;
	for (; (k = next_word(s, n, &i, &w)) > 0; col++) {
		if (col == SYSV_MAX_COLS)
			return -1;
		sysv_column(&a->col_size, col, w, k, "size");
		sysv_column(&a->col_rss, col, w, k, "rss");
		sysv_column(&a->col_swap, col, w, k, "swap");
	}
	a->ncols = col;
	a->have_rss_swap = a->col_rss >= 0 && a->col_swap >= 0;
	return a->col_size >= 0 ? 0 : -1;
}

/* Bytes to kB, rounded up to whole pages: VM_ACCT(size) pages, what
 * newseg() charges (shmem_acct_size()). */
static uint64_t page_kb_of(uint64_t bytes, uint64_t page_bytes)
{
	uint64_t pages = bytes / page_bytes + (bytes % page_bytes != 0);

	return pages * (page_bytes / 1024);
}

static uint64_t kb_of(uint64_t bytes)
{
	return bytes / 1024 + (bytes % 1024 != 0);
}

/* One segment: exactly the header's number of words, the named ones
 * plain decimal numbers. */
static int sysv_segment(struct ovc_sysv_acc *a, const char *s, size_t n)
{
	uint64_t v[3] = { 0, 0, 0 };
	const int *cols[3] = { &a->col_size, &a->col_rss, &a->col_swap };
	const char *w;
	size_t i = 0, k, j;
	int col, c;

	if (a->col_size < 0)
		return -1;
	for (col = 0; (k = next_word(s, n, &i, &w)) > 0; col++) {
		for (c = 0; c < 3; c++) {
			j = 0;
			if (*cols[c] == col && (scan_u64(w, k, &j, &v[c]) < 0 || j != k))
				return -1;
		}
	}
	if (col != a->ncols)
		return -1;
	a->segments++;
	a->size_kb = add_sat(a->size_kb, page_kb_of(v[0], a->page_bytes));
	a->rss_kb = add_sat(a->rss_kb, kb_of(v[1]));
	a->swap_kb = add_sat(a->swap_kb, kb_of(v[2]));
	return 0;
}

int ovc_sysv_line(struct ovc_sysv_acc *a, const char *s, size_t n)
{
	int r;

	if (skip_blanks(s, n, 0) == n)
		return 0;
	r = a->have_header ? sysv_segment(a, s, n) : sysv_header(a, s, n);
	if (r == 0)
		return 0;
	a->bad++;
	return -OVC_E_PARSE;
}

int ovc_proc_parse_sysv_shm(const char *buf, size_t len, uint64_t page_bytes,
			    struct ovc_sysv_acc *a)
{
	struct lines L = { buf, buf + len };
	const char *s;
	size_t n;

	ovc_sysv_init(a, page_bytes);
	while (line_next(&L, &s, &n))
		ovc_sysv_line(a, s, n);
	return a->bad || !a->have_header ? -OVC_E_PARSE : 0;
}

/* ------------------------------------------------------------------ */
/* /proc/PID/cgroup, integers, /proc/stat, /proc/uptime                 */

static void copy_cut(char *dst, size_t size, const char *s, size_t n)
{
	if (size == 0)
		return;
	if (n >= size)
		n = size - 1;
	memcpy(dst, s, n);
	dst[n] = '\0';
}

/* "ID:controllers:path" (kernel/cgroup/cgroup.c proc_cgroup_show()). */
int ovc_proc_parse_cgroup(const char *buf, size_t len, char *dst, size_t size)
{
	struct lines L = { buf, buf + len };
	const char *s, *v2 = NULL, *c1, *c2;
	size_t n, v2n = 0;

	while (line_next(&L, &s, &n)) {
		c1 = memchr(s, ':', n);
		c2 = c1 ? memchr(c1 + 1, ':', n - (size_t)(c1 + 1 - s)) : NULL;
		if (!c2 || c1 == s)
			continue;
		if (ovc_cgroup_lists_memory(c1 + 1, (size_t)(c2 - c1 - 1))) {
			copy_cut(dst, size, s, n);
			return 0;
		}
		if (c1 - s == 1 && s[0] == '0' && c2 == c1 + 1 && !v2) {
			v2 = s;
			v2n = n;
		}
	}
	if (!v2)
		return -OVC_E_PARSE;
	copy_cut(dst, size, v2, v2n);
	return 0;
}

static int is_space(char c)
{
	return is_blank(c) || c == '\n';
}

int ovc_proc_parse_int(const char *buf, size_t len, int64_t *v)
{
	size_t i = skip_blanks(buf, len, 0);

	if (scan_i64(buf, len, &i, v) < 0)
		return -OVC_E_PARSE;
	while (i < len && is_space(buf[i]))
		i++;
	return i == len ? 0 : -OVC_E_PARSE;
}

int ovc_proc_parse_ncpus(const char *buf, size_t len, unsigned *n)
{
	struct lines L = { buf, buf + len };
	size_t ln;
	const char *s;
	unsigned c = 0;

	while (line_next(&L, &s, &ln))
		if (ln > 3 && memcmp(s, "cpu", 3) == 0 && is_digit(s[3]))
			c++;
	*n = c;
	return c ? 0 : -OVC_E_PARSE;
}

/* "seconds.hundredths idle.hundredths" (fs/proc/uptime.c). */
int ovc_proc_parse_uptime(const char *buf, size_t len, uint64_t *secs)
{
	size_t i = 0;
	uint64_t v;

	if (scan_u64(buf, len, &i, &v) < 0)
		return -OVC_E_PARSE;
	if (i < len && buf[i] != '.' && !is_space(buf[i]))
		return -OVC_E_PARSE;
	*secs = v;
	return 0;
}
