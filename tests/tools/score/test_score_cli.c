/*
 * The real qlq-score binary (QLQ_SCORE_BIN), fed through a pipe: stdout, stderr and exit status.
 */
#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <setjmp.h>
#include <signal.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cmocka.h>

#include "qlq_core.h"

#ifndef QLQ_SCORE_BIN
#error "QLQ_SCORE_BIN must name the qlq-score binary"
#endif

typedef struct {
    char *out;
    size_t out_len;
    char *err;
    size_t err_len;
    int status; /* exit status, or 128 + signal */
} run_result;

/* Appends to a NUL-terminated buffer whose capacity is the next power of two above its length. */
static void append(char **buf, size_t *len, const char *data, size_t n)
{
    size_t cap = 64;
    while (cap <= *len)
        cap *= 2;
    if (*buf == NULL || *len + n + 1 > cap) {
        while (cap < *len + n + 1)
            cap *= 2;
        char *grown = realloc(*buf, cap);
        assert_non_null(grown);
        *buf = grown;
    }
    memcpy(*buf + *len, data, n);
    *len += n;
    (*buf)[*len] = '\0';
}

/* Reads what is ready on *fd into the buffer; closes and clears *fd at end of file. */
static void drain(int *fd, char **buf, size_t *len)
{
    char chunk[65536];
    ssize_t n = read(*fd, chunk, sizeof chunk);
    if (n > 0) {
        append(buf, len, chunk, (size_t)n);
    } else if (n == 0 || errno != EINTR) {
        close(*fd);
        *fd = -1;
    }
}

static pid_t spawn(const char *arg, int *in, int *out, int *err)
{
    int pin[2], pout[2], perr[2];
    assert_int_equal(pipe(pin), 0);
    assert_int_equal(pipe(pout), 0);
    assert_int_equal(pipe(perr), 0);
    pid_t pid = fork();
    assert_true(pid >= 0);
    if (pid == 0) {
        dup2(pin[0], STDIN_FILENO);
        dup2(pout[1], STDOUT_FILENO);
        dup2(perr[1], STDERR_FILENO);
        for (int fd = 3; fd < 64; fd++)
            close(fd);
        execl(QLQ_SCORE_BIN, "qlq-score", arg, (char *)NULL);
        _exit(127);
    }
    close(pin[0]);
    close(pout[1]);
    close(perr[1]);
    *in = pin[1];
    *out = pout[0];
    *err = perr[0];
    fcntl(*in, F_SETFL, O_NONBLOCK); /* never block on a full pipe while the tool waits for us */
    return pid;
}

/* Runs qlq-score [arg] with `input` on stdin; the result's buffers are NUL-terminated. */
static void run(const char *arg, const char *input, size_t len, run_result *r)
{
    memset(r, 0, sizeof *r);
    append(&r->out, &r->out_len, "", 0);
    append(&r->err, &r->err_len, "", 0);
    int in, out, err;
    pid_t pid = spawn(arg, &in, &out, &err);
    size_t sent = 0;
    if (len == 0) {
        close(in);
        in = -1;
    }
    while (in >= 0 || out >= 0 || err >= 0) {
        struct pollfd p[3] = {{in, POLLOUT, 0}, {out, POLLIN, 0}, {err, POLLIN, 0}};
        if (poll(p, 3, -1) < 0)
            continue;
        if (in >= 0 && p[0].revents != 0) {
            ssize_t n = write(in, input + sent, len - sent);
            if (n > 0)
                sent += (size_t)n;
            if (sent == len || (n < 0 && errno == EPIPE)) {
                close(in);
                in = -1;
            }
        }
        if (out >= 0 && p[1].revents != 0)
            drain(&out, &r->out, &r->out_len);
        if (err >= 0 && p[2].revents != 0)
            drain(&err, &r->err, &r->err_len);
    }
    int status;
    assert_int_equal(waitpid(pid, &status, 0), pid);
    r->status = WIFEXITED(status) ? WEXITSTATUS(status) : 128 + WTERMSIG(status);
}

static void run_free(run_result *r)
{
    free(r->out);
    free(r->err);
}

static void run_text(const char *input, run_result *r)
{
    run(NULL, input, strlen(input), r);
}

/* ---- helpers to build lines and read the JSON back ---- */

static const char *const keys[QLQ_SCORE_COUNT] = {"QL2", "PF2", "RF2", "EF", "CF", "SF", "FA", "NV",
                                                    "PA",  "DY",  "SL",  "AP", "CO", "DI", "FI", "SUM"};

/* Appends answers[1..30] as one CSV line (0 = empty field) to buf. */
static void csv_line(const int8_t a[QLQ_ITEM_SLOTS], char **buf, size_t *len)
{
    char line[128];
    size_t n = 0;
    for (int item = 1; item <= 30; item++) {
        if (a[item] != 0)
            line[n++] = (char)('0' + a[item]);
        line[n++] = item < 30 ? ',' : '\n';
    }
    append(buf, len, line, n);
}

/* Parses one output line; fails the test unless it is exactly the 16 keys in order. Returns the
 * position after the line. */
static const char *parse_json(const char *c, qlq_scores *s)
{
    if (*c++ != '{')
        fail_msg("not a JSON object: %.60s", c - 1);
    for (int id = 0; id < QLQ_SCORE_COUNT; id++) {
        char key[16];
        int n = snprintf(key, sizeof key, "%s\"%s\":", id == 0 ? "" : ",", keys[id]);
        if (strncmp(c, key, (size_t)n) != 0)
            fail_msg("expected %s at %.40s", key, c);
        c += n;
        s->present[id] = strncmp(c, "null", 4) != 0;
        if (!s->present[id]) {
            c += 4;
            s->value[id] = 0.0;
            continue;
        }
        char *end;
        s->value[id] = strtod(c, &end);
        if (end == c)
            fail_msg("%s: not a number at %.40s", keys[id], c);
        c = end;
    }
    if (strncmp(c, "}\n", 2) != 0)
        fail_msg("expected }\\n at %.40s", c);
    return c + 2;
}

static void assert_same_scores(const qlq_scores *got, const qlq_scores *want, int line)
{
    for (int id = 0; id < QLQ_SCORE_COUNT; id++) {
        if (got->present[id] != want->present[id] ||
            (want->present[id] && memcmp(&got->value[id], &want->value[id], sizeof(double)) != 0))
            fail_msg("line %d, %s: printed %d %.17g, qlq_score %d %.17g", line, keys[id], got->present[id],
                     got->value[id], want->present[id], want->value[id]);
    }
}

/* ---- the tests ---- */

static const char all_null[] = "{\"QL2\":null,\"PF2\":null,\"RF2\":null,\"EF\":null,\"CF\":null,\"SF\":null,"
                               "\"FA\":null,\"NV\":null,\"PA\":null,\"DY\":null,\"SL\":null,\"AP\":null,"
                               "\"CO\":null,\"DI\":null,\"FI\":null,\"SUM\":null}\n";

static void test_valid_lines(void **state)
{
    (void)state;
    run_result r;
    run_text("1,1,1,1,1,1,1,1,1,1,1,1,1,1,1,1,1,1,1,1,1,1,1,1,1,1,1,1,7,7\n"
             "4,4,4,4,4,4,4,4,4,4,4,4,4,4,4,4,4,4,4,4,4,4,4,4,4,4,4,4,1,1\n",
             &r);
    assert_int_equal(r.status, 0);
    assert_string_equal(r.err, "");
    /* Best state: functional and global 100, symptoms 0, SUM 100; worst state the other way. */
    assert_string_equal(r.out, "{\"QL2\":100,\"PF2\":100,\"RF2\":100,\"EF\":100,\"CF\":100,\"SF\":100,"
                               "\"FA\":0,\"NV\":0,\"PA\":0,\"DY\":0,\"SL\":0,\"AP\":0,\"CO\":0,\"DI\":0,\"FI\":0,"
                               "\"SUM\":100}\n"
                               "{\"QL2\":0,\"PF2\":0,\"RF2\":0,\"EF\":0,\"CF\":0,\"SF\":0,"
                               "\"FA\":100,\"NV\":100,\"PA\":100,\"DY\":100,\"SL\":100,\"AP\":100,\"CO\":100,"
                               "\"DI\":100,\"FI\":100,\"SUM\":0}\n");
    run_free(&r);
}

/* The worked example of the core test, through the tool: same scores to 1e-9 of the hand values. */
static void test_worked_example(void **state)
{
    (void)state;
    run_result r;
    run_text("1,2,2,1,1,2,3,2,3,2,1,3,4,1,2,3,1,4,2,1,2,2,3,3,2,4,3,2,5,6\n", &r);
    assert_int_equal(r.status, 0);
    qlq_scores s;
    parse_json(r.out, &s);
    const double want[QLQ_SCORE_COUNT] = {
        75, 260.0 / 3, 50, 50, 250.0 / 3, 50.0 / 3,                            /* QL2, functional */
        200.0 / 3, 50.0 / 3, 50, 100.0 / 3, 0, 100, 200.0 / 3, 0, 100.0 / 3, /* symptoms */
        2260.0 / 39,                                                           /* SUM */
    };
    for (int id = 0; id < QLQ_SCORE_COUNT; id++) {
        if (!s.present[id] || s.value[id] - want[id] > 1e-9 || want[id] - s.value[id] > 1e-9)
            fail_msg("%s: %.17g, want %.17g", keys[id], s.value[id], want[id]);
    }
    run_free(&r);
}

static void test_nulls(void **state)
{
    (void)state;
    run_result r;
    /* All empty; then only PF2 items 1-2 (2 of 5: null) and DY (present) answered. */
    run_text(",,,,,,,,,,,,,,,,,,,,,,,,,,,,,\n"
             "2,2,,,,,,3,,,,,,,,,,,,,,,,,,,,,,\n",
             &r);
    assert_int_equal(r.status, 0);
    const char *second = strchr(r.out, '\n');
    assert_non_null(second);
    assert_memory_equal(r.out, all_null, strlen(all_null));
    qlq_scores s;
    parse_json(second + 1, &s);
    for (int id = 0; id < QLQ_SCORE_COUNT; id++)
        assert_int_equal(s.present[id], id == QLQ_DY);
    assert_true(s.value[QLQ_DY] > 66.666666 && s.value[QLQ_DY] < 66.666667); /* (2/3)*100 */
    run_free(&r);
}

static void test_bad_lines(void **state)
{
    (void)state;
    run_result r;
    run_text("1,1,1,1,1,1,1,1,1,1,1,1,1,1,1,1,1,1,1,1,1,1,1,1,1,1,1,1,1,1\n" /* 1: good */
             "1,1,1\n"                                                      /* 2: 3 fields */
             "5,1,1,1,1,1,1,1,1,1,1,1,1,1,1,1,1,1,1,1,1,1,1,1,1,1,1,1,1,1\n" /* 3: 5 on item 1 */
             "1,1,1,1,1,1,1,1,1,1,1,1,1,1,1,1,1,1,1,1,1,1,1,1,1,1,1,1,8,1\n" /* 4: 8 on item 29 */
             "1,1,1,1,1,1,1,1,1,1,1,1,1,1,1,1,1,1,1,1,1,1,1,1,1,1,1,1,1,0\n" /* 5: 0 on item 30 */
             "1,1,1,1,1,1,1,x,1,1,1,1,1,1,1,1,1,1,1,1,1,1,1,1,1,1,1,1,1,1\n" /* 6: a letter */
             "1,1,1,1,1,1,1,1,1,1,1,1,3.0,1,1,1,1,1,1,1,1,1,1,1,1,1,1,1,1,1\n" /* 7: 3.0 */
             "1,1,1,1,1,1,1,1,1,1,1,1,1,1,1,1,1,1,1,1,-1,1,1,1,1,1,1,1,1,1\n" /* 8: a sign */
             "1,1,1,1,1,1,1,1,1,1,1,1,1,1,1,1,1,1,1,1,1,1,1,1,1,1,1,1,1,1,1\n" /* 9: 31 fields */
             "4,4,4,4,4,4,4,4,4,4,4,4,4,4,4,4,4,4,4,4,4,4,4,4,4,4,4,4,1,1\n", /* 10: good */
             &r);
    assert_int_equal(r.status, 2);
    assert_string_equal(r.err,
                        "qlq-score: line 2: expected 30 fields, got 3\n"
                        "qlq-score: line 3: item 1: out of range (expected 1..4, or empty when missing)\n"
                        "qlq-score: line 4: item 29: out of range (expected 1..7, or empty when missing)\n"
                        "qlq-score: line 5: item 30: out of range (expected 1..7, or empty when missing)\n"
                        "qlq-score: line 6: item 8: not a plain integer (expected 1..4, or empty when missing)\n"
                        "qlq-score: line 7: item 13: not a plain integer (expected 1..4, or empty when missing)\n"
                        "qlq-score: line 8: item 21: not a plain integer (expected 1..4, or empty when missing)\n"
                        "qlq-score: line 9: expected 30 fields, got 31\n");
    /* Only the two good lines, in order. */
    qlq_scores s;
    const char *next = parse_json(r.out, &s);
    assert_true(s.value[QLQ_SUM] == 100.0);
    next = parse_json(next, &s);
    assert_true(s.value[QLQ_SUM] == 0.0);
    assert_string_equal(next, "");
    run_free(&r);
}

static void test_crlf_blank_and_spaces(void **state)
{
    (void)state;
    run_result r;
    run_text("\n"
             "1,1,1,1,1,1,1,1,1,1,1,1,1,1,1,1,1,1,1,1,1,1,1,1,1,1,1,1,7,7\r\n"
             "\r\n"
             "   \n"
             " 1 , 1,1 ,1,\t1,1,1,1,1,1,1,1,1,1,1,1,1,1,1,1,1,1,1,1,1,1,1,1, 7 ,7 \r\n"
             "1,1,9,1,1,1,1,1,1,1,1,1,1,1,1,1,1,1,1,1,1,1,1,1,1,1,1,1,7,7\r\n" /* line 6: blank lines count */
             "1,1,1,1,1,1,1,1,1,1,1,1,1,1,1,1,1,1,1,1,1,1,1,1,1,1,1,1,7,7",    /* no final newline */
             &r);
    assert_int_equal(r.status, 2);
    assert_string_equal(r.err,
                        "qlq-score: line 6: item 3: out of range (expected 1..4, or empty when missing)\n");
    const char *best = "{\"QL2\":100,\"PF2\":100,\"RF2\":100,\"EF\":100,\"CF\":100,\"SF\":100,"
                       "\"FA\":0,\"NV\":0,\"PA\":0,\"DY\":0,\"SL\":0,\"AP\":0,\"CO\":0,\"DI\":0,\"FI\":0,"
                       "\"SUM\":100}\n";
    char want[1024];
    snprintf(want, sizeof want, "%s%s%s", best, best, best);
    assert_string_equal(r.out, want);
    run_free(&r);
}

static void test_empty_input(void **state)
{
    (void)state;
    run_result r;
    run_text("", &r);
    assert_int_equal(r.status, 0);
    assert_string_equal(r.out, "");
    assert_string_equal(r.err, "");
    run_free(&r);
    run_text("\n\r\n\n", &r);
    assert_int_equal(r.status, 0);
    assert_string_equal(r.out, "");
    run_free(&r);
}

/* A line longer than the tool's 1 MiB read buffer (spaces are allowed around fields). */
static void test_very_long_line(void **state)
{
    (void)state;
    size_t pad = 3u << 20;
    char *input = malloc(pad + 128);
    assert_non_null(input);
    size_t n = 0;
    input[n++] = '2';
    memset(input + n, ' ', pad);
    n += pad;
    const char *rest = ",,,,,,,,,,,,,,,,,,,,,,,,,,,,,\n";
    memcpy(input + n, rest, strlen(rest));
    n += strlen(rest);
    run_result r;
    run(NULL, input, n, &r);
    assert_int_equal(r.status, 0);
    qlq_scores s;
    parse_json(r.out, &s);
    assert_false(s.present[QLQ_PF2]); /* 1 of 5 */
    run_free(&r);
    free(input);
}

static void test_help_and_usage(void **state)
{
    (void)state;
    run_result r;
    run("--help", "", 0, &r);
    assert_int_equal(r.status, 0);
    assert_non_null(strstr(r.out, "Usage: qlq-score"));
    assert_non_null(strstr(r.out, "SUM"));
    run_free(&r);
    run("--frobnicate", "1\n", 2, &r);
    assert_int_equal(r.status, 1);
    assert_string_equal(r.out, "");
    assert_non_null(strstr(r.err, "unknown argument"));
    run_free(&r);
}

static uint64_t rng_state = 0x853C49E6748FEA9Bu;

static uint32_t rng(void)
{
    rng_state ^= rng_state << 13;
    rng_state ^= rng_state >> 7;
    rng_state ^= rng_state << 17;
    return (uint32_t)(rng_state >> 32);
}

/* Every printed number reads back with strtod as exactly qlq_score's double. */
static void test_round_trip(void **state)
{
    (void)state;
    enum { LINES = 50000 };
    static int8_t sets[LINES][QLQ_ITEM_SLOTS];
    char *input = NULL;
    size_t len = 0;
    append(&input, &len, "", 0);
    for (int i = 0; i < LINES; i++) {
        unsigned missing = (unsigned[]){0, 0, 30, 150, 400}[rng() % 5];
        sets[i][0] = 0;
        for (int item = 1; item <= 30; item++)
            sets[i][item] = rng() % 1000 < missing ? 0 : (int8_t)(1 + rng() % (item >= 29 ? 7 : 4));
        csv_line(sets[i], &input, &len);
    }
    run_result r;
    run(NULL, input, len, &r);
    assert_int_equal(r.status, 0);
    assert_string_equal(r.err, "");
    const char *c = r.out;
    for (int i = 0; i < LINES; i++) {
        qlq_scores got, want;
        c = parse_json(c, &got);
        qlq_score(sets[i], &want);
        assert_same_scores(&got, &want, i + 1);
    }
    assert_string_equal(c, "");
    run_free(&r);
    free(input);
}

int main(void)
{
    signal(SIGPIPE, SIG_IGN); /* a tool that exits early must not kill the test */
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_valid_lines),
        cmocka_unit_test(test_worked_example),
        cmocka_unit_test(test_nulls),
        cmocka_unit_test(test_bad_lines),
        cmocka_unit_test(test_crlf_blank_and_spaces),
        cmocka_unit_test(test_empty_input),
        cmocka_unit_test(test_very_long_line),
        cmocka_unit_test(test_help_and_usage),
        cmocka_unit_test(test_round_trip),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
