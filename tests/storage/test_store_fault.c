/*
 * test_store_fault.c - failing writes through the fault VFS.
 *
 * A scripted session (check, answers, changes, skips, submit) is replayed once per fault
 * position n: the n+1-th xWrite/xSync/xTruncate fails, with SQLITE_FULL or SQLITE_IOERR_WRITE,
 * once or for good. Then the database must hold exactly the writes that returned STORE_OK: seen
 * live by another connection, after a simulated crash (database and -wal copied as they are),
 * and after the fault is cleared, the failed write is given again and the store is reopened.
 */
#include <sqlite3.h>
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>
#include <cmocka.h>

#include "faultvfs.h"
#include "store_test_util.h"

typedef enum { W_CHECK, W_ANSWER, W_SKIP, W_SUBMIT } wkind;

typedef struct {
    wkind kind;
    int item;
    int score;
    store_action action;
} wstep;

static const wstep SCRIPT[] = {
    {W_CHECK, 0, 0, 0},
    {W_ANSWER, 1, 2, STORE_ACTION_ANSWER},
    {W_ANSWER, 2, 3, STORE_ACTION_ANSWER},
    {W_SKIP, 3, 0, 0},
    {W_ANSWER, 4, 1, STORE_ACTION_ANSWER},
    {W_ANSWER, 2, 4, STORE_ACTION_CHANGE},
    {W_ANSWER, 3, 2, STORE_ACTION_ANSWER},
    {W_SKIP, 4, 0, 0},
    {W_ANSWER, 29, 7, STORE_ACTION_ANSWER},
    {W_ANSWER, 30, 5, STORE_ACTION_ANSWER},
    {W_SUBMIT, 0, 0, 0},
};
#define N_STEPS ((int)(sizeof SCRIPT / sizeof SCRIPT[0]))
#define SID tu_uuid(1)

static int64_t step_time(int i)
{
    return TU_T0 + 1000 * (i + 1);
}

static store_status do_step(store *st, int i)
{
    const wstep *w = &SCRIPT[i];
    store_answer a;
    switch (w->kind) {
    case W_CHECK:
        return store_record_check(st, SID, true, STORE_SOURCE_TOUCH, step_time(i));
    case W_ANSWER:
        a = tu_answer(SID, w->item, w->score, w->action, step_time(i));
        return store_record_answer(st, &a);
    case W_SKIP:
        return store_record_skip(st, SID, w->item, STORE_SOURCE_TOUCH, step_time(i));
    case W_SUBMIT:
        return store_submit(st, SID, step_time(i));
    }
    return STORE_ERR_INTERNAL;
}

typedef struct {
    char events[2048];
    char responses[512];
    char outbox[1024];
    char status[32];
} snapshot;

static void append(char *buf, size_t cap, const char *fmt, ...) __attribute__((format(printf, 3, 4)));
static void append(char *buf, size_t cap, const char *fmt, ...)
{
    size_t len = strlen(buf);
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(buf + len, cap - len, fmt, ap);
    va_end(ap);
}

/* What the database must contain after the first `n` steps, built from the script alone. */
static void expected(int n, snapshot *out)
{
    memset(out, 0, sizeof *out);
    int score[31] = {0};
    append(out->outbox, sizeof out->outbox, "session:-");
    snprintf(out->status, sizeof out->status, "in_progress");
    for (int i = 0; i < n; i++) {
        const wstep *w = &SCRIPT[i];
        const char *sep = i ? "," : "";
        switch (w->kind) {
        case W_CHECK:
            append(out->events, sizeof out->events, "%s0:ANSWER:-:%lld", sep, (long long)step_time(i));
            append(out->outbox, sizeof out->outbox, ",check:0");
            break;
        case W_ANSWER:
            append(out->events, sizeof out->events, "%s%d:%s:%d:%lld", sep, w->item,
                   w->action == STORE_ACTION_CHANGE ? "CHANGE" : "ANSWER", w->score, (long long)step_time(i));
            append(out->outbox, sizeof out->outbox, ",response:%d", w->item);
            score[w->item] = w->score;
            break;
        case W_SKIP:
            append(out->events, sizeof out->events, "%s%d:SKIP:-:%lld", sep, w->item, (long long)step_time(i));
            append(out->outbox, sizeof out->outbox, ",skip:%d", w->item);
            score[w->item] = 0;
            break;
        case W_SUBMIT:
            append(out->events, sizeof out->events, "%s-:SUBMIT:-:%lld", sep, (long long)step_time(i));
            append(out->outbox, sizeof out->outbox, ",submit:-");
            snprintf(out->status, sizeof out->status, "submitted");
            break;
        }
    }
    for (int q = 1; q <= 30; q++)
        if (score[q])
            append(out->responses, sizeof out->responses, "%s%d=%d", out->responses[0] ? "," : "", q, score[q]);
}

/* What the file holds, read through SQLite's default VFS by a connection of its own. */
static void actual(const char *db, snapshot *out)
{
    memset(out, 0, sizeof *out);
    snprintf(out->events, sizeof out->events, "%s",
             tu_query_text(db, "SELECT coalesce(group_concat(coalesce(question_num, '-') || ':' || action || ':' || "
                               "coalesce(score, '-') || ':' || (unixepoch(at) * 1000 + substr(at, 21, 3)), ','), '') "
                               "FROM (SELECT * FROM answer_events ORDER BY seq)"));
    snprintf(out->responses, sizeof out->responses, "%s",
             tu_query_text(db, "SELECT coalesce(group_concat(question_num || '=' || score, ','), '') "
                               "FROM (SELECT * FROM responses ORDER BY question_num)"));
    snprintf(out->outbox, sizeof out->outbox, "%s",
             tu_query_text(db, "SELECT group_concat(kind || ':' || coalesce(question_num, '-'), ',') "
                               "FROM (SELECT * FROM outbox ORDER BY id)"));
    snprintf(out->status, sizeof out->status, "%s", tu_query_text(db, "SELECT status FROM sessions"));
}

static bool same(const snapshot *a, const snapshot *b)
{
    return strcmp(a->events, b->events) == 0 && strcmp(a->responses, b->responses) == 0 &&
           strcmp(a->outbox, b->outbox) == 0 && strcmp(a->status, b->status) == 0;
}

static void assert_state(const char *db, int committed, const char *when, int n)
{
    snapshot want, got;
    expected(committed, &want);
    actual(db, &got);
    if (!same(&want, &got))
        fail_msg("n=%d %s: after %d committed writes\n want events %s\n  got events %s\n want responses %s\n"
                 "  got responses %s\n want outbox %s\n  got outbox %s",
                 n, when, committed, want.events, got.events, want.responses, got.responses, want.outbox, got.outbox);
}

typedef struct {
    char *dir;
    char *base; /* a database with the session already created, copied for each case */
    int calls_for_script;
    long resurrected; /* crash copies in which a failed write came back (persistent faults only) */
} fixture;

static char *fast_tmpdir(void)
{
    struct stat sb;
    /* These tests are about logic, not the disk: tmpfs keeps hundreds of fsyncs cheap. */
    if (!getenv("TMPDIR") && stat("/dev/shm", &sb) == 0 && S_ISDIR(sb.st_mode) && access("/dev/shm", W_OK) == 0)
        setenv("TMPDIR", "/dev/shm", 0);
    return tu_tmpdir();
}

static store *open_faulty(const char *path)
{
    store *st = NULL;
    char err[512];
    store_options o = {.vfs_name = FAULTVFS_NAME};
    store_status s = store_open(path, &o, &st, err, sizeof err);
    if (s != STORE_OK)
        fail_msg("open through faultvfs: %s: %s", store_status_name(s), err);
    return st;
}

static int setup(void **state)
{
    assert_int_equal(faultvfs_register(), SQLITE_OK);
    fixture *f = calloc(1, sizeof *f);
    f->dir = fast_tmpdir();
    f->base = tu_path(f->dir, "base.db");
    store *st = tu_open(f->base);
    store_new_session s = tu_session(SID, TU_T0);
    assert_int_equal(store_create_session(st, &s), STORE_OK);
    store_close(st);
    /* Count the durable calls one clean run of the script makes. */
    char *probe = tu_path(f->dir, "probe.db");
    tu_copy_file(f->base, probe);
    st = open_faulty(probe);
    faultvfs_clear();
    for (int i = 0; i < N_STEPS; i++)
        assert_int_equal(do_step(st, i), STORE_OK);
    f->calls_for_script = (int)faultvfs_write_calls();
    assert_true(f->calls_for_script >= 2 * N_STEPS); /* at least a write and a sync per commit */
    store_close(st);
    assert_state(probe, N_STEPS, "clean run", -1);
    free(probe);
    *state = f;
    return 0;
}

static int teardown(void **state)
{
    fixture *f = *state;
    faultvfs_clear();
    tu_rmdir(f->dir);
    free(f->base);
    free(f);
    return 0;
}

/* Copies the database and its -wal as they are on disk, as a crash would leave them, and
 * checks what a fresh start finds there. Returns true when it matched `committed` writes,
 * false when it matched `committed + 1` (the failed write came back whole). */
static bool check_crash_copy(fixture *f, const char *db, int committed, bool allow_extra, int n)
{
    char *crash = tu_path(f->dir, "crash.db"), *crash_wal = tu_path(f->dir, "crash.db-wal");
    char *crash_shm = tu_path(f->dir, "crash.db-shm"), *wal = tu_path2(db, "-wal");
    unlink(crash_wal);
    unlink(crash_shm);
    tu_copy_file(db, crash);
    if (tu_exists(wal))
        tu_copy_file(wal, crash_wal);
    store *st = tu_open(crash); /* default VFS; also runs quick_check */
    store_close(st);
    snapshot want, got, more;
    expected(committed, &want);
    actual(crash, &got);
    bool exact = same(&want, &got);
    if (!exact) {
        expected(committed + 1, &more);
        if (!allow_extra || !same(&more, &got))
            fail_msg("n=%d crash copy after %d committed writes:\n want %s\n  got %s", n, committed, want.events,
                     got.events);
    }
    unlink(crash);
    unlink(crash_wal);
    free(crash);
    free(crash_wal);
    free(crash_shm);
    free(wal);
    return exact;
}

static void run_case(fixture *f, int n, int err, bool persistent)
{
    char *db = tu_path(f->dir, "case.db");
    tu_copy_file(f->base, db);
    store *st = open_faulty(db);
    faultvfs_clear();
    faultvfs_fail_writes_after(n, err, persistent);
    int failed_at = -1;
    store_status want = err == SQLITE_FULL ? STORE_ERR_FULL : STORE_ERR_IO;
    for (int i = 0; i < N_STEPS && failed_at < 0; i++) {
        store_status s = do_step(st, i);
        if (s == STORE_OK)
            continue;
        if (s != want)
            fail_msg("n=%d step %d: %s (%s)", n, i, store_status_name(s), store_error(st));
        assert_non_null(strstr(store_error(st), err == SQLITE_FULL ? "disk full" : "I/O error"));
        failed_at = i;
    }
    int committed = failed_at < 0 ? N_STEPS : failed_at;
    if (n < f->calls_for_script)
        assert_true(failed_at >= 0 && faultvfs_failed_calls() >= 1);
    assert_state(db, committed, "live, fault still set", n);
    if (!check_crash_copy(f, db, committed, persistent, n))
        f->resurrected++;
    faultvfs_clear();
    for (int i = committed; i < N_STEPS; i++) {
        store_status s = do_step(st, i);
        if (s != STORE_OK)
            fail_msg("n=%d step %d after the fault cleared: %s (%s)", n, i, store_status_name(s), store_error(st));
    }
    store_close(st);
    st = tu_open(db);
    store_close(st);
    assert_state(db, N_STEPS, "reopened after retry", n);
    char *wal = tu_path2(db, "-wal"), *shm = tu_path2(db, "-shm");
    unlink(db);
    unlink(wal);
    unlink(shm);
    free(wal);
    free(shm);
    free(db);
}

static void run_all(fixture *f, int err, bool persistent)
{
    for (int n = 0; n <= f->calls_for_script; n++)
        run_case(f, n, err, persistent);
}

static void test_full_transient(void **state)
{
    run_all(*state, SQLITE_FULL, false);
}

static void test_full_persistent(void **state)
{
    fixture *f = *state;
    run_all(f, SQLITE_FULL, true);
    print_message("persistent SQLITE_FULL: %ld of %d crash copies held a failed write whole\n", f->resurrected,
                  f->calls_for_script);
}

static void test_ioerr_transient(void **state)
{
    run_all(*state, SQLITE_IOERR_WRITE, false);
}

static void test_ioerr_persistent(void **state)
{
    fixture *f = *state;
    run_all(f, SQLITE_IOERR_WRITE, true);
    print_message("persistent SQLITE_IOERR_WRITE: %ld of %d crash copies held a failed write whole\n",
                  f->resurrected, f->calls_for_script);
}

/* The shim itself: counts, fails once when transient, keeps failing when persistent. */
static void test_faultvfs_controls(void **state)
{
    fixture *f = *state;
    char *db = tu_path(f->dir, "raw.db");
    sqlite3 *h = NULL;
    assert_int_equal(sqlite3_open_v2(db, &h, SQLITE_OPEN_READWRITE | SQLITE_OPEN_CREATE, FAULTVFS_NAME), SQLITE_OK);
    assert_int_equal(sqlite3_exec(h, "CREATE TABLE t (x)", NULL, NULL, NULL), SQLITE_OK);
    faultvfs_clear();
    assert_int_equal(sqlite3_exec(h, "INSERT INTO t VALUES (1)", NULL, NULL, NULL), SQLITE_OK);
    assert_true(faultvfs_write_calls() > 0);
    assert_int_equal(faultvfs_failed_calls(), 0);
    faultvfs_fail_writes_after(0, SQLITE_FULL, false);
    assert_int_equal(sqlite3_exec(h, "INSERT INTO t VALUES (2)", NULL, NULL, NULL), SQLITE_FULL);
    assert_int_equal(faultvfs_failed_calls(), 1);
    assert_int_equal(sqlite3_exec(h, "INSERT INTO t VALUES (3)", NULL, NULL, NULL), SQLITE_OK);
    faultvfs_fail_writes_after(0, SQLITE_IOERR_WRITE, true);
    assert_int_equal(sqlite3_exec(h, "INSERT INTO t VALUES (4)", NULL, NULL, NULL) & 0xff, SQLITE_IOERR);
    assert_int_equal(sqlite3_exec(h, "INSERT INTO t VALUES (5)", NULL, NULL, NULL) & 0xff, SQLITE_IOERR);
    assert_true(faultvfs_failed_calls() >= 3);
    faultvfs_clear();
    assert_int_equal(faultvfs_write_calls(), 0);
    assert_int_equal(sqlite3_exec(h, "INSERT INTO t VALUES (6)", NULL, NULL, NULL), SQLITE_OK);
    sqlite3_close(h);
    assert_int_equal(tu_query_int(db, "SELECT group_concat(x) = '1,3,6' FROM t"), 1);
    free(db);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test_setup_teardown(test_faultvfs_controls, setup, teardown),
        cmocka_unit_test_setup_teardown(test_full_transient, setup, teardown),
        cmocka_unit_test_setup_teardown(test_full_persistent, setup, teardown),
        cmocka_unit_test_setup_teardown(test_ioerr_transient, setup, teardown),
        cmocka_unit_test_setup_teardown(test_ioerr_persistent, setup, teardown),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
