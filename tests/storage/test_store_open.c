/*
 * test_store_open.c - creating, migrating and refusing database files.
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

#include "store_test_util.h"

#define QLQ_APP_ID 0x514C5143 /* 'QLQC', the value the store promises to write */

typedef struct {
    char *dir;
    char *db;
} fixture;

static int setup(void **state)
{
    fixture *f = calloc(1, sizeof *f);
    f->dir = tu_tmpdir();
    f->db = tu_path(f->dir, "kiosk.db");
    *state = f;
    return 0;
}

static int teardown(void **state)
{
    fixture *f = *state;
    tu_rmdir(f->dir);
    free(f->db);
    free(f);
    return 0;
}

static void assert_has_schema(const char *db)
{
    assert_int_equal(tu_query_int(db, "PRAGMA user_version"), store_schema_version());
    assert_int_equal(tu_query_int(db, "PRAGMA application_id"), QLQ_APP_ID);
    assert_int_equal(tu_query_int(db, "SELECT count(*) FROM sqlite_schema WHERE type = 'table' AND name IN "
                                      "('sessions', 'responses', 'answer_events', 'outbox')"),
                     4);
    assert_int_equal(tu_query_int(db, "SELECT count(*) FROM sqlite_schema WHERE type = 'trigger' AND "
                                      "tbl_name = 'answer_events'"),
                     2);
}

static void test_fresh_database(void **state)
{
    fixture *f = *state;
    assert_true(store_schema_version() >= 1);
    store *st = tu_open(f->db);
    assert_int_equal(store_create_session(st, &(store_new_session){0}), STORE_ERR_INVALID);
    store_new_session s = tu_session(tu_uuid(1), TU_T0);
    assert_int_equal(store_create_session(st, &s), STORE_OK);
    char *wal = tu_path2(f->db, "-wal"), *shm = tu_path2(f->db, "-shm");
    /* While open, the WAL files exist and are as private as the database. */
    assert_int_equal(tu_mode(f->db), 0600);
    assert_true(tu_exists(wal));
    assert_int_equal(tu_mode(wal), 0600);
    assert_int_equal(tu_mode(shm), 0600);
    assert_string_equal(tu_query_text(f->db, "PRAGMA journal_mode"), "wal");
    assert_has_schema(f->db);
    store_close(st);
    assert_int_equal(tu_mode(f->db), 0600);
    free(wal);
    free(shm);
}

static void test_mode_ignores_umask(void **state)
{
    fixture *f = *state;
    mode_t old = umask(0);
    store *st = tu_open(f->db);
    store_new_session s = tu_session(tu_uuid(1), TU_T0);
    assert_int_equal(store_create_session(st, &s), STORE_OK);
    umask(old);
    char *wal = tu_path2(f->db, "-wal"), *shm = tu_path2(f->db, "-shm");
    assert_int_equal(tu_mode(f->db), 0600);
    assert_int_equal(tu_mode(wal), 0600);
    assert_int_equal(tu_mode(shm), 0600);
    store_close(st);
    free(wal);
    free(shm);
}

static void test_reopen_is_idempotent(void **state)
{
    fixture *f = *state;
    store *st = tu_open(f->db);
    store_new_session s = tu_session(tu_uuid(1), TU_T0);
    assert_int_equal(store_create_session(st, &s), STORE_OK);
    store_answer a = tu_answer(tu_uuid(1), 3, 2, STORE_ACTION_ANSWER, TU_T0 + 1000);
    assert_int_equal(store_record_answer(st, &a), STORE_OK);
    store_close(st);
    int64_t objects = tu_query_int(f->db, "SELECT count(*) FROM sqlite_schema");
    for (int i = 0; i < 3; i++) {
        st = tu_open(f->db);
        int64_t n = -1;
        assert_int_equal(store_event_count(st, tu_uuid(1), &n), STORE_OK);
        assert_int_equal(n, 1);
        store_close(st);
    }
    assert_int_equal(tu_query_int(f->db, "SELECT count(*) FROM sqlite_schema"), objects);
    assert_int_equal(tu_query_int(f->db, "SELECT score FROM responses WHERE question_num = 3"), 2);
    assert_has_schema(f->db);
}

static void test_migrates_empty_file(void **state)
{
    fixture *f = *state;
    tu_write_file(f->db, "", 0);
    chmod(f->db, 0644);
    store *st = tu_open(f->db);
    store_close(st);
    assert_has_schema(f->db);
    assert_int_equal(tu_mode(f->db), 0600);
}

static void test_migrates_version_zero_database(void **state)
{
    fixture *f = *state;
    /* A real SQLite file with a header and no tables: what an interrupted first start leaves. */
    assert_int_equal(tu_exec(f->db, "CREATE TABLE t (x); DROP TABLE t; VACUUM;"), SQLITE_OK);
    assert_true(tu_size(f->db) >= 512);
    assert_int_equal(tu_query_int(f->db, "PRAGMA user_version"), 0);
    store *st = tu_open(f->db);
    store_close(st);
    assert_has_schema(f->db);
}

/* Opens `db` expecting `want`, and checks the file is byte-identical afterwards with no
 * -wal, -shm or -journal beside it that was not there before. */
static void expect_refused(const char *db, store_status want)
{
    size_t n0, n1;
    unsigned char *before = tu_read_file(db, &n0);
    char *side[3] = {tu_path2(db, "-wal"), tu_path2(db, "-shm"), tu_path2(db, "-journal")};
    int existed[3];
    for (int i = 0; i < 3; i++)
        existed[i] = tu_exists(side[i]);
    store *st = (store *)&n0;
    char err[512] = "";
    store_status got = store_open(db, NULL, &st, err, sizeof err);
    if (got != want)
        fail_msg("expected %s, got %s: %s", store_status_name(want), store_status_name(got), err);
    assert_null(st);
    assert_non_null(strstr(err, db)); /* the message names the file */
    unsigned char *after = tu_read_file(db, &n1);
    assert_int_equal(n0, n1);
    assert_memory_equal(before, after, n0);
    for (int i = 0; i < 3; i++) {
        if (!existed[i] && tu_exists(side[i]))
            fail_msg("%s was left behind", side[i]);
        free(side[i]);
    }
    free(before);
    free(after);
}

static void test_too_new(void **state)
{
    fixture *f = *state;
    store *st = tu_open(f->db);
    store_close(st);
    assert_int_equal(tu_exec(f->db, "PRAGMA user_version = 99"), SQLITE_OK);
    expect_refused(f->db, STORE_ERR_TOO_NEW);
}

static void test_foreign_application_id(void **state)
{
    fixture *f = *state;
    assert_int_equal(tu_exec(f->db, "PRAGMA application_id = 1234; CREATE TABLE x (a);"), SQLITE_OK);
    expect_refused(f->db, STORE_ERR_FOREIGN);
    /* An application id of its own even without any table. */
    assert_int_equal(tu_exec(f->db, "DROP TABLE x; VACUUM;"), SQLITE_OK);
    expect_refused(f->db, STORE_ERR_FOREIGN);
}

static void test_foreign_tables_without_id(void **state)
{
    fixture *f = *state;
    assert_int_equal(tu_exec(f->db, "CREATE TABLE patients (name TEXT); INSERT INTO patients VALUES ('x');"),
                     SQLITE_OK);
    expect_refused(f->db, STORE_ERR_FOREIGN);
}

static void test_foreign_wal_database(void **state)
{
    fixture *f = *state;
    assert_int_equal(tu_exec(f->db, "PRAGMA journal_mode = WAL; CREATE TABLE notes (t TEXT);"), SQLITE_OK);
    char *wal = tu_path2(f->db, "-wal");
    assert_false(tu_exists(wal));
    expect_refused(f->db, STORE_ERR_FOREIGN);
    free(wal);
}

static void test_corrupt_random_bytes(void **state)
{
    fixture *f = *state;
    unsigned char buf[8192];
    srand(7);
    for (size_t i = 0; i < sizeof buf; i++)
        buf[i] = (unsigned char)rand();
    tu_write_file(f->db, buf, sizeof buf);
    expect_refused(f->db, STORE_ERR_CORRUPT);
}

static void test_corrupt_text_file(void **state)
{
    fixture *f = *state;
    const char *text = "initials,birth_date\nJD,1950-04-02\n";
    tu_write_file(f->db, text, strlen(text));
    expect_refused(f->db, STORE_ERR_CORRUPT);
    char big[5000];
    memset(big, 'a', sizeof big);
    tu_write_file(f->db, big, sizeof big);
    expect_refused(f->db, STORE_ERR_CORRUPT);
}

static void fill_database(const char *db)
{
    store *st = tu_open(db);
    for (int s = 1; s <= 20; s++) {
        store_new_session ns = tu_session(tu_uuid(s), TU_T0 + s);
        assert_int_equal(store_create_session(st, &ns), STORE_OK);
        for (int q = 1; q <= 30; q++) {
            store_answer a = tu_answer(tu_uuid(s), q, 1 + q % 4, STORE_ACTION_ANSWER, TU_T0 + s * 100 + q);
            assert_int_equal(store_record_answer(st, &a), STORE_OK);
        }
    }
    store_close(st);
}

static void test_corrupt_truncated(void **state)
{
    fixture *f = *state;
    fill_database(f->db);
    long size = tu_size(f->db);
    assert_true(size > 8 * 4096);
    assert_int_equal(truncate(f->db, size / 2), 0);
    expect_refused(f->db, STORE_ERR_CORRUPT);
    assert_int_equal(truncate(f->db, 300), 0); /* only part of the first page */
    expect_refused(f->db, STORE_ERR_CORRUPT);
}

static void test_corrupt_damaged_page(void **state)
{
    fixture *f = *state;
    fill_database(f->db);
    size_t n;
    unsigned char *data = tu_read_file(f->db, &n);
    int page = (int)tu_query_int(f->db, "PRAGMA page_size");
    int64_t root = tu_query_int(f->db, "SELECT rootpage FROM sqlite_schema WHERE name = 'responses'");
    /* Scribble over an interior page of the responses table: the header stays valid. */
    assert_true((size_t)(root * page) <= n);
    memset(data + (root - 1) * page + 8, 0x5a, (size_t)page - 16);
    tu_write_file(f->db, data, n);
    free(data);
    expect_refused(f->db, STORE_ERR_CORRUPT);
}

static void test_open_errors(void **state)
{
    fixture *f = *state;
    char *missing = tu_path(f->dir, "no-such-folder/kiosk.db");
    store *st = NULL;
    char err[512];
    assert_int_equal(store_open(missing, NULL, &st, err, sizeof err), STORE_ERR_OPEN);
    assert_null(st);
    assert_non_null(strstr(err, missing));
    assert_int_equal(store_open(f->dir, NULL, &st, err, sizeof err), STORE_ERR_OPEN);
    store_options bad_vfs = {.vfs_name = "no-such-vfs"};
    assert_int_equal(store_open(f->db, &bad_vfs, &st, err, sizeof err), STORE_ERR_OPEN);
    assert_int_equal(store_open(NULL, NULL, &st, err, sizeof err), STORE_ERR_INVALID);
    free(missing);
}

/* A power cut leaves the database and its -wal; the committed answers in the WAL come back. */
static void test_reopen_after_crash_keeps_wal(void **state)
{
    fixture *f = *state;
    store *st = tu_open(f->db);
    store_new_session s = tu_session(tu_uuid(1), TU_T0);
    assert_int_equal(store_create_session(st, &s), STORE_OK);
    for (int q = 1; q <= 5; q++) {
        store_answer a = tu_answer(tu_uuid(1), q, 3, STORE_ACTION_ANSWER, TU_T0 + q);
        assert_int_equal(store_record_answer(st, &a), STORE_OK);
    }
    char *copy = tu_path(f->dir, "copy.db"), *copy_wal = tu_path(f->dir, "copy.db-wal");
    char *wal = tu_path2(f->db, "-wal");
    tu_copy_file(f->db, copy);
    tu_copy_file(wal, copy_wal);
    store_close(st);
    st = tu_open(copy);
    int64_t n = 0;
    assert_int_equal(store_event_count(st, tu_uuid(1), &n), STORE_OK);
    assert_int_equal(n, 5);
    store_close(st);
    free(copy);
    free(copy_wal);
    free(wal);
}

static void test_status_names(void **state)
{
    (void)state;
    assert_string_equal(store_status_name(STORE_OK), "STORE_OK");
    assert_string_equal(store_status_name(STORE_ERR_FULL), "STORE_ERR_FULL");
    assert_string_equal(store_status_name(STORE_ERR_INTERNAL), "STORE_ERR_INTERNAL");
    assert_string_equal(store_status_name((store_status)99), "STORE_ERR_UNKNOWN");
    assert_string_equal(store_error(NULL), "no store");
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test_setup_teardown(test_fresh_database, setup, teardown),
        cmocka_unit_test_setup_teardown(test_mode_ignores_umask, setup, teardown),
        cmocka_unit_test_setup_teardown(test_reopen_is_idempotent, setup, teardown),
        cmocka_unit_test_setup_teardown(test_migrates_empty_file, setup, teardown),
        cmocka_unit_test_setup_teardown(test_migrates_version_zero_database, setup, teardown),
        cmocka_unit_test_setup_teardown(test_too_new, setup, teardown),
        cmocka_unit_test_setup_teardown(test_foreign_application_id, setup, teardown),
        cmocka_unit_test_setup_teardown(test_foreign_tables_without_id, setup, teardown),
        cmocka_unit_test_setup_teardown(test_foreign_wal_database, setup, teardown),
        cmocka_unit_test_setup_teardown(test_corrupt_random_bytes, setup, teardown),
        cmocka_unit_test_setup_teardown(test_corrupt_text_file, setup, teardown),
        cmocka_unit_test_setup_teardown(test_corrupt_truncated, setup, teardown),
        cmocka_unit_test_setup_teardown(test_corrupt_damaged_page, setup, teardown),
        cmocka_unit_test_setup_teardown(test_open_errors, setup, teardown),
        cmocka_unit_test_setup_teardown(test_reopen_after_crash_keeps_wal, setup, teardown),
        cmocka_unit_test(test_status_names),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
