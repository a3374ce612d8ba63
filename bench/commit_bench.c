/*
 * commit_bench.c - how long one durable answer takes to commit, beside the disk's floor.
 *
 *   bench_commit [DIR [N]]
 *
 * Records N (default 2000) answers with store_record_answer (each a WAL commit with
 * synchronous=FULL, a new session every 30 answers) in a fresh folder made inside DIR (default
 * /var/tmp, which is on the real disk, unlike a tmpfs /tmp), then times N bare
 * write(200 bytes)+fdatasync() calls on a file in the same folder: no commit can be faster than
 * that. Prints median, p90 and p99 of both in ms and their ratio. Removes what it created.
 */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "qlq_store.h"

#define DEFAULT_N 2000
#define TARGET_MEDIAN_MS 5.0

static double now_ms(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (double)ts.tv_sec * 1e3 + (double)ts.tv_nsec / 1e6;
}

static int cmp_double(const void *a, const void *b)
{
    double x = *(const double *)a, y = *(const double *)b;
    return (x > y) - (x < y);
}

typedef struct {
    double median, p90, p99, max;
} stats;

/* Nearest-rank percentiles of the sorted sample. */
static stats summarize(double *v, int n)
{
    qsort(v, (size_t)n, sizeof *v, cmp_double);
    int i50 = (n + 1) / 2 - 1, i90 = (n * 90 + 99) / 100 - 1, i99 = (n * 99 + 99) / 100 - 1;
    return (stats){v[i50], v[i90], v[i99], v[n - 1]};
}

static void make_uuid(int n, char out[37])
{
    snprintf(out, 37, "b0000000-0000-4000-8000-%012d", n);
}

static int bench_commits(const char *dir, int n, double *ms)
{
    char path[4200], err[512];
    snprintf(path, sizeof path, "%s/bench.db", dir);
    store *st = NULL;
    store_status s = store_open(path, NULL, &st, err, sizeof err);
    if (s != STORE_OK) {
        fprintf(stderr, "bench_commit: %s: %s\n", store_status_name(s), err);
        return -1;
    }
    int64_t t = INT64_C(1795688253000);
    char sid[37];
    for (int i = 0; i < n; i++) {
        int item = 1 + i % 30;
        if (item == 1) {
            make_uuid(i / 30, sid);
            store_new_session ns = {.id = sid, .initials = "BN", .birth_date = "1960-01-01",
                                    .today_date = "2026-11-26", .mode = "MANUAL", .audio_enabled = false,
                                    .language = "en", .created_ms = t};
            if ((s = store_create_session(st, &ns)) != STORE_OK)
                break;
        }
        store_answer a = {.session_id = sid, .question_num = item, .question_text = "Benchmark question",
                          .score = 1 + i % 4, .response_text = "A little", .source = STORE_SOURCE_TOUCH,
                          .action = STORE_ACTION_ANSWER, .at_ms = t + i};
        double t0 = now_ms();
        s = store_record_answer(st, &a);
        ms[i] = now_ms() - t0;
        if (s != STORE_OK)
            break;
    }
    if (s != STORE_OK)
        fprintf(stderr, "bench_commit: %s: %s\n", store_status_name(s), store_error(st));
    store_close(st);
    unlink(path);
    return s == STORE_OK ? 0 : -1;
}

static int bench_floor(const char *dir, int n, double *ms)
{
    char path[4200], buf[200];
    snprintf(path, sizeof path, "%s/floor.bin", dir);
    memset(buf, 'x', sizeof buf);
    int fd = open(path, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0600);
    if (fd < 0) {
        fprintf(stderr, "bench_commit: %s: %s\n", path, strerror(errno));
        return -1;
    }
    int rc = 0;
    for (int i = 0; i < n && rc == 0; i++) {
        double t0 = now_ms();
        if (write(fd, buf, sizeof buf) != (ssize_t)sizeof buf || fdatasync(fd) != 0)
            rc = -1;
        ms[i] = now_ms() - t0;
    }
    if (rc)
        fprintf(stderr, "bench_commit: write/fdatasync: %s\n", strerror(errno));
    close(fd);
    unlink(path);
    return rc;
}

static void print_row(const char *name, stats s)
{
    printf("%-44s median %7.3f ms   p90 %7.3f ms   p99 %7.3f ms   max %8.3f ms\n", name, s.median, s.p90, s.p99,
           s.max);
}

int main(int argc, char **argv)
{
    const char *parent = argc > 1 ? argv[1] : "/var/tmp";
    int n = argc > 2 ? atoi(argv[2]) : DEFAULT_N;
    if (n < 10) {
        fprintf(stderr, "usage: bench_commit [DIR [N>=10]]\n");
        return 2;
    }
    char dir[4096];
    snprintf(dir, sizeof dir, "%s/qlq-bench-XXXXXX", parent);
    if (!mkdtemp(dir)) {
        fprintf(stderr, "bench_commit: cannot make a folder in %s: %s\n", parent, strerror(errno));
        return 1;
    }
    double *commit = calloc((size_t)n, sizeof *commit), *floor_ms = calloc((size_t)n, sizeof *floor_ms);
    int rc = commit && floor_ms ? 0 : -1;
    if (rc == 0)
        rc = bench_commits(dir, n, commit);
    if (rc == 0)
        rc = bench_floor(dir, n, floor_ms);
    rmdir(dir);
    if (rc == 0) {
        stats c = summarize(commit, n), f = summarize(floor_ms, n);
        printf("bench_commit: %d durable answers in %s\n", n, parent);
        print_row("store_record_answer (WAL, synchronous=FULL)", c);
        print_row("floor: write(200 B) + fdatasync()", f);
        printf("%-44s median %7.2fx     p90 %7.2fx     p99 %7.2fx\n", "ratio answer / floor", c.median / f.median,
               c.p90 / f.p90, c.p99 / f.p99);
        printf("target: median <= %.1f ms: %s\n", TARGET_MEDIAN_MS, c.median <= TARGET_MEDIAN_MS ? "met" : "NOT met");
    }
    free(commit);
    free(floor_ms);
    return rc == 0 ? 0 : 1;
}
