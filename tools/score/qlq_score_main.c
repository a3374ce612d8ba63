/*
 * qlq-score: EORTC QLQ-C30 scores for CSV lines on stdin, one JSON object per line on stdout.
 *
 * Input is read with read(2) rather than stdio so that a line written to a pipe is answered at
 * once (a co-process can drive the tool line by line) while a file is still read a megabyte at a
 * time; output is flushed after each read, which costs one write(2) per megabyte of input.
 */
#include <errno.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "score.h"

enum {
    SCORE_IN_CHUNK = 1 << 20,
    SCORE_OUT_CAP = 1 << 20,
    SCORE_EXIT_OK = 0,
    SCORE_EXIT_FAILURE = 1, /* usage, read or write error */
    SCORE_EXIT_BAD_LINE = 2,
};

typedef struct {
    unsigned long long line_no;
    bool bad_line;
    bool write_failed;
    size_t out_len;
    char out[SCORE_OUT_CAP];
    score_cache cache;
} score_run;

static const char score_usage[] =
    "Usage: qlq-score [--help]\n"
    "\n"
    "Reads EORTC QLQ-C30 answers from standard input, one questionnaire per line: 30 comma-separated\n"
    "fields, items 1 to 30 in order, each 1..4 (1..7 for items 29 and 30) or empty when missing.\n"
    "Spaces around fields, CRLF line ends and blank lines are accepted.\n"
    "\n"
    "Writes one JSON object per questionnaire with the Scoring Manual's scales QL2, PF2, RF2, EF, CF,\n"
    "SF, FA, NV, PA, DY, SL, AP, CO, DI, FI and the summary score SUM (Giesinger et al. 2016); a\n"
    "scale is null when fewer than half its items are answered, SUM when any of its 13 scales is.\n"
    "\n"
    "A bad line is reported on standard error with its line and item number and skipped.\n"
    "Exit status: 0 all lines scored, 2 some line was bad, 1 usage or I/O error.\n";

static void score_flush(score_run *run)
{
    size_t done = 0;
    while (done < run->out_len && !run->write_failed) {
        ssize_t n = write(STDOUT_FILENO, run->out + done, run->out_len - done);
        if (n < 0 && errno == EINTR)
            continue;
        if (n <= 0) {
            fprintf(stderr, "qlq-score: cannot write standard output: %s\n", strerror(errno));
            run->write_failed = true;
            break;
        }
        done += (size_t)n;
    }
    run->out_len = 0;
}

static void score_one_line(score_run *run, const char *line, size_t len)
{
    run->line_no++;
    int8_t answers[QLQ_ITEM_SLOTS];
    score_line_result r = score_parse_line(line, len, answers);
    if (r.status == SCORE_LINE_BLANK)
        return;
    if (r.status != SCORE_LINE_OK) {
        char msg[SCORE_ERROR_MAX];
        score_line_message(r, msg);
        fprintf(stderr, "qlq-score: line %llu: %s\n", run->line_no, msg);
        run->bad_line = true;
        return;
    }
    qlq_scores scores;
    qlq_score(answers, &scores);
    if (run->out_len + SCORE_JSON_MAX + 1 > sizeof run->out)
        score_flush(run);
    run->out_len += score_format_json(&scores, &run->cache, run->out + run->out_len);
    run->out[run->out_len++] = '\n';
}

/* Scores every complete line of buf[0..len) and returns how many bytes were consumed. */
static size_t score_lines(score_run *run, const char *buf, size_t len)
{
    size_t start = 0;
    for (;;) {
        const char *nl = memchr(buf + start, '\n', len - start);
        if (nl == NULL)
            return start;
        size_t end = (size_t)(nl - buf);
        score_one_line(run, buf + start, end - start);
        start = end + 1;
    }
}

static bool score_stream(score_run *run)
{
    size_t cap = SCORE_IN_CHUNK;
    size_t len = 0;
    char *buf = malloc(cap);
    if (buf == NULL) {
        fprintf(stderr, "qlq-score: out of memory\n");
        return false;
    }
    for (;;) {
        if (len == cap) { /* one line longer than the buffer: give it room */
            char *bigger = cap > SIZE_MAX / 2 ? NULL : realloc(buf, cap * 2);
            if (bigger == NULL) {
                fprintf(stderr, "qlq-score: line %llu: too long, out of memory\n", run->line_no + 1);
                free(buf);
                return false;
            }
            buf = bigger;
            cap *= 2;
        }
        ssize_t n = read(STDIN_FILENO, buf + len, cap - len);
        if (n < 0 && errno == EINTR)
            continue;
        if (n < 0) {
            fprintf(stderr, "qlq-score: cannot read standard input: %s\n", strerror(errno));
            free(buf);
            return false;
        }
        if (n == 0)
            break;
        len += (size_t)n;
        size_t used = score_lines(run, buf, len);
        memmove(buf, buf + used, len - used);
        len -= used;
        score_flush(run);
        if (run->write_failed)
            break;
    }
    if (len > 0 && !run->write_failed) /* the last line had no newline */
        score_one_line(run, buf, len);
    score_flush(run);
    free(buf);
    return !run->write_failed;
}

int main(int argc, char **argv)
{
    for (int i = 1; i < argc; i++) {
        if (strcmp(argv[i], "--help") == 0 || strcmp(argv[i], "-h") == 0) {
            fputs(score_usage, stdout);
            return fflush(stdout) == 0 ? SCORE_EXIT_OK : SCORE_EXIT_FAILURE;
        }
        fprintf(stderr, "qlq-score: unknown argument '%s'\n%s", argv[i], score_usage);
        return SCORE_EXIT_FAILURE;
    }
    static score_run run; /* 1 MiB of output buffer: not on the stack */
    if (!score_stream(&run))
        return SCORE_EXIT_FAILURE;
    return run.bad_line ? SCORE_EXIT_BAD_LINE : SCORE_EXIT_OK;
}
