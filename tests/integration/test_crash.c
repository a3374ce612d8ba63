/*
 * Crash test: scripted sessions on the real qlq-kiosk, killed with SIGKILL at random moments, at least
 * 200 times on one database. After every kill: every `saved` line the kiosk printed is in the database
 * (an answer written but not yet acknowledged may be there too), and the next start resumes on the item
 * after the last answered or skipped one.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include <cmocka.h>
#include <sqlite3.h>

#include "kiosk_driver.h"

enum { WAIT_MS = 20000, NONE = 0, SKIPPED = -1, UNKNOWN = -2 };

typedef struct {
    char session[64];   /* the session the kiosk is on, "" when none was started */
    int acked[31];      /* last acknowledged value per item: 1..7, SKIPPED, or UNKNOWN */
    int inflight_item;  /* item of the last answer/skip sent and not acknowledged, -1 when none */
    int inflight_value;
    bool create_inflight; /* the audio choice was sent: a session row may be committing */
    bool submit_inflight;
    int kills;
    int saved_lines;
    int resumes;
    unsigned rng;
} tracker;

static unsigned next_rand(tracker *t)
{
    t->rng = t->rng * 1103515245u + 12345u;
    return (t->rng >> 8) & 0xffffff;
}

static void forget_session(tracker *t)
{
    t->session[0] = '\0';
    for (int i = 0; i <= 30; i++)
        t->acked[i] = UNKNOWN;
    t->inflight_item = -1;
    t->create_inflight = false;
    t->submit_inflight = false;
}

static void on_line(void *ctx, const char *line)
{
    tracker *t = ctx;
    int item, value;
    char id[64];
    if (sscanf(line, "saved item %d", &item) == 1) {
        if (strstr(line, " skipped"))
            value = SKIPPED;
        else
            assert_int_equal(sscanf(line, "saved item %*d score %d", &value), 1);
        assert_true(item >= 0 && item <= 30);
        t->acked[item] = value;
        t->saved_lines++;
        if (t->inflight_item == item)
            t->inflight_item = -1;
    } else if (sscanf(line, "started session=%36s", id) == 1) {
        forget_session(t);
        strcpy(t->session, id);
    } else if (sscanf(line, "submitted session=%36s", id) == 1) {
        forget_session(t);
    }
}

static sqlite3 *open_db(const char *path)
{
    sqlite3 *db = NULL;
    assert_int_equal(sqlite3_open_v2(path, &db, SQLITE_OPEN_READWRITE, NULL), SQLITE_OK);
    sqlite3_busy_timeout(db, 10000);
    return db;
}

static int stored_score(sqlite3 *db, const char *session, int item)
{
    sqlite3_stmt *st = NULL;
    int v = NONE;
    if (item == 0) {
        assert_int_equal(sqlite3_prepare_v2(db, "SELECT CASE json_extract(metadata, '$.audio_check') WHEN 'ok' "
                                                "THEN 1 WHEN 'skipped' THEN -1 ELSE 0 END FROM sessions WHERE id = ?1",
                                            -1, &st, NULL),
                         SQLITE_OK);
    } else {
        assert_int_equal(sqlite3_prepare_v2(db, "SELECT score FROM responses WHERE session_id = ?1 AND "
                                                "question_num = ?2", -1, &st, NULL),
                         SQLITE_OK);
        sqlite3_bind_int(st, 2, item);
    }
    sqlite3_bind_text(st, 1, session, -1, SQLITE_STATIC);
    if (sqlite3_step(st) == SQLITE_ROW)
        v = sqlite3_column_int(st, 0);
    sqlite3_finalize(st);
    return v;
}

/* The item of the latest answer/change/skip of the session, -1 when there is none. */
static int latest_event_item(sqlite3 *db, const char *session)
{
    sqlite3_stmt *st = NULL;
    int item = -1;
    assert_int_equal(sqlite3_prepare_v2(db, "SELECT question_num FROM answer_events WHERE session_id = ?1 AND "
                                            "action IN ('ANSWER','CHANGE','SKIP') ORDER BY rowid DESC LIMIT 1",
                                        -1, &st, NULL),
                     SQLITE_OK);
    sqlite3_bind_text(st, 1, session, -1, SQLITE_STATIC);
    if (sqlite3_step(st) == SQLITE_ROW)
        item = sqlite3_column_int(st, 0);
    sqlite3_finalize(st);
    return item;
}

static bool session_in_progress(sqlite3 *db, const char *session)
{
    sqlite3_stmt *st = NULL;
    assert_int_equal(sqlite3_prepare_v2(db, "SELECT status = 'in_progress' FROM sessions WHERE id = ?1", -1, &st, NULL),
                     SQLITE_OK);
    sqlite3_bind_text(st, 1, session, -1, SQLITE_STATIC);
    bool open = sqlite3_step(st) == SQLITE_ROW && sqlite3_column_int(st, 0) == 1;
    sqlite3_finalize(st);
    return open;
}

/* After a kill: every acknowledged answer is stored; anything else stored is the one in flight. */
static void verify_after_kill(tracker *t, const char *db_path)
{
    if (t->session[0] == '\0')
        return;
    sqlite3 *db = open_db(db_path);
    for (int item = 0; item <= 30; item++) {
        int stored = stored_score(db, t->session, item);
        /* a skip leaves no response row; item 0's skip is kept in the metadata */
        int acked = t->acked[item] == UNKNOWN || (item > 0 && t->acked[item] == SKIPPED) ? NONE : t->acked[item];
        if (stored == acked)
            continue;
        bool is_inflight = t->inflight_item == item && stored == t->inflight_value;
        if (!is_inflight)
            fail_msg("item %d: acknowledged %d, stored %d (in flight: item %d value %d)", item, t->acked[item], stored,
                     t->inflight_item, t->inflight_value);
        t->acked[item] = stored; /* the in-flight write made it */
    }
    t->inflight_item = -1;
    sqlite3_close(db);
}

static int reply_to_item(tracker *t, int item, char *reply, size_t cap)
{
    unsigned r = next_rand(t) % 100;
    int scale = item >= 29 ? 7 : 4;
    if (item == 0) {
        snprintf(reply, cap, "%s", r < 80 ? "ok" : "skip");
        t->inflight_value = r < 80 ? 1 : SKIPPED;
    } else if (r < 80) {
        t->inflight_value = 1 + (int)(next_rand(t) % (unsigned)scale);
        snprintf(reply, cap, "%d", t->inflight_value);
    } else if (r < 90) {
        snprintf(reply, cap, "skip");
        t->inflight_value = NONE; /* a skip leaves no response */
    } else {
        snprintf(reply, cap, r < 97 ? "back" : "repeat");
        return -1;
    }
    return item;
}

/* Chooses a reply to `prompt`, remembering what write it may cause. */
static void choose_reply(tracker *t, const char *prompt, char *reply, size_t cap)
{
    int item;
    unsigned r = next_rand(t);
    if (strcmp(prompt, "consent") == 0) {
        snprintf(reply, cap, "yes");
    } else if (strcmp(prompt, "initials") == 0) {
        snprintf(reply, cap, "zq");
    } else if (strcmp(prompt, "birth_date") == 0) {
        snprintf(reply, cap, "1948-05-17");
    } else if (strcmp(prompt, "mode") == 0) {
        snprintf(reply, cap, r % 2 ? "manual" : "continuous");
    } else if (strcmp(prompt, "audio") == 0) {
        snprintf(reply, cap, r % 2 ? "on" : "off");
        t->create_inflight = true;
    } else if (sscanf(prompt, "item %d", &item) == 1) {
        t->inflight_item = reply_to_item(t, item, reply, cap);
    } else if (strncmp(prompt, "review missing=", 15) == 0) {
        int first;
        if (sscanf(prompt + 15, "%d", &first) == 1 && r % 3 != 0) {
            snprintf(reply, cap, "item %d", first);
        } else {
            snprintf(reply, cap, "submit");
            t->submit_inflight = true;
        }
    } else {
        fail_msg("unexpected prompt '%s'", prompt);
    }
}

typedef struct {
    bool expect_resume;
    int latest; /* item of the session's latest answer/skip, -1 when none */
} expectation;

/* Read from the database while no kiosk runs: what the next start must do. */
static expectation expect_from_db(const tracker *t, const char *db_path)
{
    expectation e = {false, -1};
    if (t->session[0]) {
        sqlite3 *db = open_db(db_path);
        e.expect_resume = session_in_progress(db, t->session);
        e.latest = latest_event_item(db, t->session);
        sqlite3_close(db);
    }
    return e;
}

/* Reads the start-up lines: a resume must name the tracked session and the right item. */
static void check_start(tracker *t, child_proc *c, expectation e, char *prompt, size_t cap)
{
    char line[512];
    bool expect_resume = e.expect_resume;
    int latest = e.latest;
    for (;;) {
        assert_true(child_read_line(c, line, sizeof line, WAIT_MS));
        char id[64];
        int at;
        if (sscanf(line, "resumed session=%36s", id) == 1) {
            at = strstr(line, " at review") ? 31 : -1;
            if (at < 0)
                assert_int_equal(sscanf(line, "resumed session=%*s at item %d", &at), 1);
            if (t->session[0] == '\0' && t->create_inflight) { /* the row committed before the kill */
                strcpy(t->session, id);
                expect_resume = true;
            }
            assert_true(expect_resume);
            assert_string_equal(id, t->session);
            int expected = latest >= 0 ? latest + 1 : -1;
            if (expected >= 0)
                assert_int_equal(at, expected);
            else
                assert_true(at == 0 || at == 1);
            t->resumes++;
            expect_resume = false;
        } else if (strncmp(line, "? ", 2) == 0) {
            assert_false(expect_resume);
            size_t n = strlen(line + 2) < cap - 1 ? strlen(line + 2) : cap - 1;
            memcpy(prompt, line + 2, n);
            prompt[n] = '\0';
            if (strcmp(prompt, "consent") == 0)
                forget_session(t);
            t->create_inflight = false;
            return;
        }
    }
}

static void one_life(tracker *t, const char *db_path, const char *log_path)
{
    child_proc c;
    char *argv[] = {(char *)kiosk_binary(), "--ui", "text", "--no-sound", "--db", (char *)db_path, NULL};
    expectation e = expect_from_db(t, db_path);
    assert_int_equal(child_start(&c, argv, log_path), 0);
    char prompt[256], reply[64];
    check_start(t, &c, e, prompt, sizeof prompt);
    int steps = (int)(next_rand(t) % 40);
    for (int i = 0;; i++) {
        choose_reply(t, prompt, reply, sizeof reply);
        assert_int_equal(child_send(&c, reply), 0);
        if (i >= steps)
            break;
        if (!child_next_prompt(&c, prompt, sizeof prompt, WAIT_MS, on_line, t))
            fail_msg("no prompt after '%s'", reply);
        t->create_inflight = t->create_inflight && t->session[0] == '\0';
    }
    struct timespec pause = {0, (long)(next_rand(t) % 4000) * 1000}; /* land anywhere: parsing, committing, printing */
    nanosleep(&pause, NULL);
    child_kill(&c);
    char line[512];
    while (child_read_line(&c, line, sizeof line, 2000)) /* what it printed before dying counts */
        if (strncmp(line, "? ", 2) != 0)
            on_line(t, line);
    assert_int_equal(child_wait(&c), 128 + 9);
    t->kills++;
    verify_after_kill(t, db_path);
    t->submit_inflight = false;
}

static void test_sigkill_never_loses_an_acknowledged_answer(void **state)
{
    (void)state;
    char dir[] = "/tmp/qlq-crash-XXXXXX";
    assert_non_null(mkdtemp(dir));
    char db_path[128], log_path[128];
    snprintf(db_path, sizeof db_path, "%s/kiosk.db", dir);
    snprintf(log_path, sizeof log_path, "%s/stderr.log", dir);
    tracker t;
    memset(&t, 0, sizeof t);
    forget_session(&t);
    const char *seed = getenv("QLQ_CRASH_SEED");
    const char *iterations = getenv("QLQ_CRASH_ITERATIONS");
    t.rng = seed ? (unsigned)strtoul(seed, NULL, 10) : (unsigned)time(NULL);
    int n = iterations ? atoi(iterations) : 200;
    printf("crash test: seed %u, %d kills\n", t.rng, n);
    for (int i = 0; i < n; i++)
        one_life(&t, db_path, log_path);
    printf("crash test: %d kills, %d saved lines checked, %d resumes\n", t.kills, t.saved_lines, t.resumes);
    assert_int_equal(t.kills, n);
    assert_true(t.saved_lines > n); /* the kills did land in the middle of sessions */
    assert_true(t.resumes > n / 4);
    char cmd[256];
    snprintf(cmd, sizeof cmd, "rm -rf '%s'", dir);
    assert_int_equal(system(cmd), 0);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_sigkill_never_loses_an_acknowledged_answer),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
