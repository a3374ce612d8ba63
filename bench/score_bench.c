/*
 * bench_score: EORTC scoring throughput, each figure beside its baseline.
 *
 *   bench_score [QLQ_SCORE_BINARY] [LINES]
 *
 * In-process: qlq_score alone; parse + score + JSON with qlq-score's formatter, and the same with
 * a printf("%.15g".."%.17g") + strtod formatter as the baseline (both on the first 200,000
 * lines). End to end: the qlq-score binary on a file of LINES (default 2,000,000) random
 * questionnaires with stdout to /dev/null, beside `cat` of the same file (the pipe and disk
 * floor). Every figure is the median of several runs.
 */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "bench_util.h"
#include "score.h"

#ifndef QLQ_SCORE_BIN
#define QLQ_SCORE_BIN "qlq-score"
#endif
#ifndef QLQ_BUILD_TYPE
#define QLQ_BUILD_TYPE "unknown"
#endif

/* The printf baseline runs at tens of thousands a second: the formatters are compared on a prefix. */
enum { RUNS_IN_PROCESS = 7, RUNS_END_TO_END = 5, MAX_RUNS = 16, FORMAT_LINES = 200000 };

static void report(const char *label, double per_second, const char *note)
{
    printf("%-56s %12.0f questionnaires/s %s\n", label, per_second, note);
}

static uint64_t rng_state = 0x9E3779B97F4A7C15u;

static uint32_t rng(void)
{
    rng_state ^= rng_state << 13;
    rng_state ^= rng_state >> 7;
    rng_state ^= rng_state << 17;
    return (uint32_t)(rng_state >> 32);
}

/* Random questionnaires, a fifth of them complete and the rest with 3..40% of items missing. */
static char *make_csv(size_t lines, size_t *len)
{
    char *buf = malloc(lines * 61 + 1);
    if (buf == NULL) {
        fprintf(stderr, "bench_score: out of memory\n");
        exit(1);
    }
    static const unsigned missing_per_mille[] = {0, 30, 100, 200, 400};
    size_t n = 0;
    for (size_t i = 0; i < lines; i++) {
        unsigned missing = missing_per_mille[rng() % 5];
        for (int item = 1; item <= 30; item++) {
            if (rng() % 1000 >= missing)
                buf[n++] = (char)('1' + rng() % (item >= 29 ? 7 : 4));
            buf[n++] = item < 30 ? ',' : '\n';
        }
    }
    *len = n;
    return buf;
}

/* The baseline formatter: the fewest of 15, 16, 17 %g digits that strtod reads back. */
static size_t naive_number(double x, char *out)
{
    int n = 0;
    for (int p = 15; p <= 17; p++) {
        n = snprintf(out, 32, "%.*g", p, x);
        if (strtod(out, NULL) == x)
            break;
    }
    return (size_t)n;
}

static size_t naive_json(const qlq_scores *s, char *out)
{
    size_t o = 0;
    for (int id = 0; id < QLQ_SCORE_COUNT; id++) {
        o += (size_t)sprintf(out + o, "%s\"%s\":", id == 0 ? "{" : ",", qlq_score_name((qlq_score_id)id));
        if (s->present[id])
            o += naive_number(s->value[id], out + o);
        else
            o += (size_t)sprintf(out + o, "null");
    }
    out[o++] = '}';
    return o;
}

/* Parses, scores and formats every line of csv; returns the bytes of JSON produced. */
static size_t in_process(const char *csv, size_t len, int naive)
{
    static score_cache cache;
    char out[SCORE_JSON_MAX + 64];
    size_t total = 0;
    for (size_t start = 0; start < len;) {
        const char *nl = memchr(csv + start, '\n', len - start);
        size_t end = nl ? (size_t)(nl - csv) : len;
        int8_t answers[QLQ_ITEM_SLOTS];
        if (score_parse_line(csv + start, end - start, answers).status == SCORE_LINE_OK) {
            qlq_scores s;
            qlq_score(answers, &s);
            total += naive ? naive_json(&s, out) : score_format_json(&s, &cache, out);
        }
        start = end + 1;
    }
    return total;
}

static void bench_in_process(const char *csv, size_t len, size_t lines)
{
    int8_t(*sets)[QLQ_ITEM_SLOTS] = malloc(lines * sizeof *sets);
    if (sets == NULL) {
        fprintf(stderr, "bench_score: out of memory\n");
        exit(1);
    }
    size_t start = 0, count = 0;
    for (; start < len && count < lines; count++) {
        const char *nl = memchr(csv + start, '\n', len - start);
        if (nl == NULL)
            break;
        score_parse_line(csv + start, (size_t)(nl - csv) - start, sets[count]);
        start = (size_t)(nl - csv) + 1;
    }
    double t[MAX_RUNS];
    double sink = 0;
    for (int r = 0; r < RUNS_IN_PROCESS; r++) {
        double t0 = bench_now();
        for (size_t i = 0; i < count; i++) {
            qlq_scores s;
            qlq_score(sets[i], &s);
            sink += s.value[QLQ_SUM];
        }
        t[r] = (double)count / (bench_now() - t0);
    }
    char note[64];
    snprintf(note, sizeof note, "(checksum %.0f)", sink);
    report("in-process qlq_score only", bench_median(t, RUNS_IN_PROCESS), note);
    free(sets);

    size_t prefix = 0, prefix_lines = 0; /* the first FORMAT_LINES lines */
    while (prefix < len && prefix_lines < FORMAT_LINES) {
        const char *nl = memchr(csv + prefix, '\n', len - prefix);
        prefix = nl ? (size_t)(nl - csv) + 1 : len;
        prefix_lines++;
    }
    const char *label[2] = {"in-process parse + score + JSON, qlq-score formatter",
                            "in-process parse + score + JSON, printf %.17g baseline"};
    for (int naive = 0; naive <= 1; naive++) {
        size_t bytes = 0;
        for (int r = 0; r < RUNS_IN_PROCESS; r++) {
            double t0 = bench_now();
            bytes = in_process(csv, prefix, naive);
            t[r] = (double)prefix_lines / (bench_now() - t0);
        }
        snprintf(note, sizeof note, "(%zu lines, %zu bytes of JSON)", prefix_lines, bytes);
        report(label[naive], bench_median(t, RUNS_IN_PROCESS), note);
    }
}

/* Runs argv with stdin from `path` and stdout to /dev/null; returns seconds, or -1 on failure. */
static double run_timed(char *const argv[], const char *path)
{
    double t0 = bench_now();
    pid_t pid = fork();
    if (pid < 0)
        return -1;
    if (pid == 0) {
        int in = open(path, O_RDONLY);
        int out = open("/dev/null", O_WRONLY);
        if (in < 0 || out < 0 || dup2(in, STDIN_FILENO) < 0 || dup2(out, STDOUT_FILENO) < 0)
            _exit(127);
        execvp(argv[0], argv);
        _exit(127);
    }
    int status;
    if (waitpid(pid, &status, 0) != pid || !WIFEXITED(status) || WEXITSTATUS(status) != 0)
        return -1;
    return bench_now() - t0;
}

static int bench_end_to_end(const char *bin, const char *csv, size_t len, size_t lines)
{
    char path[] = "/tmp/bench_score_XXXXXX";
    int fd = mkstemp(path);
    if (fd < 0 || write(fd, csv, len) != (ssize_t)len || close(fd) != 0) {
        fprintf(stderr, "bench_score: cannot write %s: %s\n", path, strerror(errno));
        return 1;
    }
    char *score_argv[] = {(char *)bin, NULL};
    char *cat_argv[] = {"cat", NULL};
    struct {
        const char *label;
        char **argv;
    } runs[] = {{"end-to-end qlq-score < file > /dev/null", score_argv},
                {"end-to-end cat < file > /dev/null (I/O floor)", cat_argv}};
    int rc = 0;
    for (size_t k = 0; k < sizeof runs / sizeof runs[0]; k++) {
        double t[MAX_RUNS];
        for (int r = 0; r < RUNS_END_TO_END && rc == 0; r++) {
            t[r] = run_timed(runs[k].argv, path);
            if (t[r] < 0) {
                fprintf(stderr, "bench_score: %s failed\n", runs[k].argv[0]);
                rc = 1;
            }
        }
        if (rc != 0)
            break;
        double m = bench_median(t, RUNS_END_TO_END);
        char note[64];
        snprintf(note, sizeof note, "(%.3f s for %zu lines)", m, lines);
        report(runs[k].label, (double)lines / m, note);
    }
    unlink(path);
    return rc;
}

int main(int argc, char **argv)
{
    const char *bin = argc > 1 ? argv[1] : QLQ_SCORE_BIN;
    size_t lines = argc > 2 ? (size_t)strtoull(argv[2], NULL, 10) : 2000000;
    if (lines == 0) {
        fprintf(stderr, "usage: bench_score [QLQ_SCORE_BINARY] [LINES]\n");
        return 1;
    }
    size_t len;
    char *csv = make_csv(lines, &len);
    printf("bench_score: %zu random questionnaires (%.1f MB of CSV), %s build, %s\n", lines, (double)len / 1e6,
           QLQ_BUILD_TYPE, bin);
    printf("medians of %d in-process and %d end-to-end runs\n", RUNS_IN_PROCESS, RUNS_END_TO_END);
    bench_in_process(csv, len, lines);
    int rc = bench_end_to_end(bin, csv, len, lines);
    free(csv);
    return rc;
}
