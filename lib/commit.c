/* commit.c - Committed_AS percpu counter, vm_commit_limit(), the admission frame. Pages. */
#include "ovc/commit.h"

#include <string.h>

#include "ovc/machine.h"

/*
 * Contract with the machine: m->committed holds every charge, including
 * the initial committed_base (machine init charges it), so readers never
 * add committed_base again; it is kept only to explain the figure.
 */

/* ------------------------------------------------------------------
 * The percpu_counter (lib/percpu_counter.c __percpu_counter_add)
 */

/*
 * The CPU's delta absorbs the amount unless its magnitude reaches the
 * batch; then the whole delta moves into count. A counter without a
 * delta array (or with batch 0) is exact, like a uniprocessor kernel.
 * A CPU number beyond the machine wraps onto cpu % ncpus.
 */
void ovc_pcpu_add(struct ovc_pcpu *c, unsigned cpu, int64_t amount)
{
	int64_t d;

	if (!c->delta || c->ncpus == 0) {
		c->count += amount;
		return;
	}
	cpu %= c->ncpus;
	d = c->delta[cpu] + amount;
	if (d >= c->batch || d <= -(int64_t)c->batch) {
		c->count += d;
		c->delta[cpu] = 0;
	} else {
		c->delta[cpu] = (int32_t)d;
	}
}

int64_t ovc_pcpu_read_positive(const struct ovc_pcpu *c)
{
	return c->count > 0 ? c->count : 0;
}

int64_t ovc_pcpu_sum(const struct ovc_pcpu *c)
{
	int64_t s = c->count;
	unsigned i;

	for (i = 0; c->delta && i < c->ncpus; i++)
		s += c->delta[i];
	return s;
}

void ovc_pcpu_fold(struct ovc_pcpu *c)
{
	unsigned i;

	for (i = 0; c->delta && i < c->ncpus; i++) {
		c->count += c->delta[i];
		c->delta[i] = 0;
	}
}

/* ------------------------------------------------------------------
 * Batch size per era (spec §4.2); rows in lib/profile.c
 */

static unsigned nr_cpus(const struct ovc_machine *m)
{
	return m->ncpus ? m->ncpus : 1;
}

/* max(32, 2 * CPUs): the generic percpu_counter_batch. */
static int32_t batch_floor(const struct ovc_machine *m)
{
	uint64_t f = 2 * (uint64_t)nr_cpus(m);

	return f > 32 ? (int32_t)(f > INT32_MAX ? INT32_MAX : f) : 32;
}

/* max(floor, min(totalram / CPUs / divisor, INT_MAX)). */
static int32_t memsized_batch(const struct ovc_machine *m, unsigned divisor)
{
	uint64_t mem = m->ram / nr_cpus(m) / divisor;
	int32_t floor = batch_floor(m);

	if (mem > INT32_MAX)
		mem = INT32_MAX;
	return (int32_t)mem > floor ? (int32_t)mem : floor;
}

/* lib/percpu_counter.c compute_batch_value (2.6.32-3.10): vm_acct_memory
 * uses the default batch, independent of memory and policy. */
int32_t percpu_counter_batch_v2_6_32(const struct ovc_machine *m, int policy)
{
	(void)policy;
	return batch_floor(m);
}

/* mm/mm_init.c mm_compute_batch (3.11-5.8): 0.4% of RAM per CPU. */
int32_t mm_compute_batch_v3_11(const struct ovc_machine *m, int policy)
{
	(void)policy;
	return memsized_batch(m, 256);
}

/* mm/mm_init.c mm_compute_batch (5.9+, 5.10.228): 0.4% under NEVER,
 * 25% of RAM per CPU under GUESS and ALWAYS. */
int32_t mm_compute_batch_v5_9(const struct ovc_machine *m, int policy)
{
	return memsized_batch(m, policy == 2 ? 256 : 4);
}

void ovc_commit_set_batch(struct ovc_machine *m)
{
	m->committed.batch = m->profile.counter->batch(m, m->vm.overcommit_memory);
}

/* ------------------------------------------------------------------
 * CommitLimit and admission
 */

uint64_t ovc_hugetlb_pages(const struct ovc_machine *m)
{
	return m->huge.nr * (m->huge.size_kb >> (m->page_shift - 10));
}

/*
 * vm_commit_limit() (mm/util.c; RHEL6 and 3.14+), or the same expression
 * written inline before 3.14. unsigned long arithmetic: a negative ratio
 * (the sysctl is a plain int) wraps exactly as in the kernel.
 */
uint64_t ovc_commit_limit(const struct ovc_machine *m)
{
	uint64_t part;

	if (m->profile.admission->has_kbytes && m->vm.overcommit_kbytes)
		part = ovc_kb_to_pages(m, m->vm.overcommit_kbytes);
	else
		part = (m->ram - ovc_hugetlb_pages(m)) *
		       (uint64_t)(int64_t)m->vm.overcommit_ratio / 100;
	return part + m->phys.swap_total;
}

/*
 * __vm_enough_memory(): charge first (vm_acct_memory), then test; a
 * refusal gives the pages back. Any policy other than 0 and 1 runs the
 * NEVER test, as the kernel's if/if/fall-through does.
 */
int ovc_commit_admit(struct ovc_machine *m, const struct ovc_mm *mm,
		     uint64_t pages, int admin, unsigned cpu, struct ovc_admit *a)
{
	const struct ovc_admission_era *adm = m->profile.admission;
	struct ovc_admit local;
	int ok;

	if (!a)
		a = &local;
	memset(a, 0, sizeof(*a));
	a->era = adm->era.name;
	a->policy = m->vm.overcommit_memory;
	a->admin = admin;
	a->pages = pages;

	ovc_pcpu_add(&m->committed, cpu, (int64_t)pages);
	a->committed = ovc_pcpu_sum(&m->committed);
	a->seen = ovc_pcpu_read_positive(&m->committed);

	if (a->policy == 1) {
		a->rule = OVC_ADMIT_ALWAYS;
		ok = 1;
	} else if (a->policy == 0) {
		ok = adm->guess(m, pages, admin, a);
	} else {
		ok = adm->never(m, mm, pages, admin, a);
	}
	if (!ok)
		ovc_pcpu_add(&m->committed, cpu, -(int64_t)pages);
	a->ok = ok;
	return ok;
}

void ovc_commit_acct(struct ovc_machine *m, unsigned cpu, uint64_t pages)
{
	ovc_pcpu_add(&m->committed, cpu, (int64_t)pages);
}

void ovc_commit_unacct(struct ovc_machine *m, unsigned cpu, uint64_t pages)
{
	ovc_pcpu_add(&m->committed, cpu, -(int64_t)pages);
}

uint64_t ovc_committed_exact(const struct ovc_machine *m)
{
	int64_t s = ovc_pcpu_sum(&m->committed);

	return s > 0 ? (uint64_t)s : 0;
}

/* /proc/meminfo: percpu_counter_read_positive up to 5.8,
 * vm_memory_committed() = percpu_counter_sum_positive from 5.9. */
uint64_t ovc_committed_meminfo(const struct ovc_machine *m)
{
	if (m->profile.counter->meminfo_exact)
		return ovc_committed_exact(m);
	return (uint64_t)ovc_pcpu_read_positive(&m->committed);
}
