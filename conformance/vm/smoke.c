/* Smoke test run inside the VM: reports overcommit state, switches to
 * strict accounting (mode 2) and checks that a huge private writable
 * mapping is refused with ENOMEM. Exit 0 on success. */
#include <errno.h>
#include <stdio.h>
#include <string.h>
#include <sys/mman.h>
#include <unistd.h>

static long meminfo_kb(const char *key)
{
    char line[256];
    long v = -1;
    size_t n = strlen(key);
    FILE *f = fopen("/proc/meminfo", "r");
    if (!f)
        return -1;
    while (fgets(line, sizeof line, f))
        if (!strncmp(line, key, n) && line[n] == ':')
            sscanf(line + n + 1, "%ld", &v);
    fclose(f);
    return v;
}

static int read_mode(void)
{
    int m = -1;
    FILE *f = fopen("/proc/sys/vm/overcommit_memory", "r");
    if (f) {
        if (fscanf(f, "%d", &m) != 1)
            m = -1;
        fclose(f);
    }
    return m;
}

int main(void)
{
    int fail = 0;
    printf("MemTotal: %ld kB\n", meminfo_kb("MemTotal"));
    printf("SwapTotal: %ld kB\n", meminfo_kb("SwapTotal"));
    printf("CommitLimit: %ld kB\n", meminfo_kb("CommitLimit"));
    printf("Committed_AS: %ld kB\n", meminfo_kb("Committed_AS"));
    printf("overcommit_memory: %d\n", read_mode());
    printf("nproc: %ld\n", sysconf(_SC_NPROCESSORS_ONLN));

    FILE *f = fopen("/proc/sys/vm/overcommit_memory", "w");
    if (!f || fputs("2\n", f) == EOF || fclose(f) != 0) {
        printf("write overcommit_memory: %s\n", strerror(errno));
        return 1;
    }
    printf("overcommit_memory after write: %d\n", read_mode());
    fail |= read_mode() != 2;

    /* mode 2: CommitLimit = (MemTotal - hugetlb) * ratio / 100 + SwapTotal, in pages */
    long page_kb = sysconf(_SC_PAGESIZE) / 1024;
    long expect = meminfo_kb("MemTotal") / page_kb * 50 / 100 * page_kb + meminfo_kb("SwapTotal");
    printf("CommitLimit check: %ld kB (expected %ld kB with ratio 50, no hugepages)\n",
           meminfo_kb("CommitLimit"), expect);
    fail |= meminfo_kb("CommitLimit") != expect;

    size_t len = (size_t)64 << 30;
    void *p = mmap(NULL, len, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
    int err = p == MAP_FAILED ? errno : 0;
    printf("mmap 64GiB private rw: %s (errno %d %s)\n", p == MAP_FAILED ? "failed" : "succeeded",
           err, err ? strerror(err) : "-");
    fail |= err != ENOMEM;
    return fail;
}
