/*
 * store_test_util.c - see store_test_util.h.
 */
#include <dirent.h>
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

char *tu_tmpdir(void)
{
    const char *base = getenv("TMPDIR");
    char tmpl[4096];
    snprintf(tmpl, sizeof tmpl, "%s/qlq-store-test-XXXXXX", base && *base ? base : "/tmp");
    char *dir = mkdtemp(tmpl);
    assert_non_null(dir);
    return strdup(dir);
}

void tu_rmdir(char *dir)
{
    DIR *d = opendir(dir);
    if (d) {
        struct dirent *e;
        while ((e = readdir(d)) != NULL) {
            if (strcmp(e->d_name, ".") == 0 || strcmp(e->d_name, "..") == 0)
                continue;
            char *p = tu_path(dir, e->d_name);
            unlink(p);
            free(p);
        }
        closedir(d);
    }
    rmdir(dir);
    free(dir);
}

char *tu_path(const char *dir, const char *name)
{
    size_t n = strlen(dir) + strlen(name) + 2;
    char *p = malloc(n);
    assert_non_null(p);
    snprintf(p, n, "%s/%s", dir, name);
    return p;
}

char *tu_path2(const char *path, const char *suffix)
{
    size_t n = strlen(path) + strlen(suffix) + 1;
    char *p = malloc(n);
    assert_non_null(p);
    snprintf(p, n, "%s%s", path, suffix);
    return p;
}

unsigned char *tu_read_file(const char *path, size_t *len)
{
    FILE *f = fopen(path, "rb");
    assert_non_null(f);
    fseek(f, 0, SEEK_END);
    long n = ftell(f);
    fseek(f, 0, SEEK_SET);
    unsigned char *buf = malloc((size_t)n + 1);
    assert_non_null(buf);
    assert_int_equal(fread(buf, 1, (size_t)n, f), (size_t)n);
    fclose(f);
    *len = (size_t)n;
    return buf;
}

void tu_write_file(const char *path, const void *data, size_t len)
{
    FILE *f = fopen(path, "wb");
    assert_non_null(f);
    assert_int_equal(fwrite(data, 1, len, f), len);
    assert_int_equal(fclose(f), 0);
}

int tu_exists(const char *path)
{
    struct stat sb;
    return stat(path, &sb) == 0;
}

unsigned tu_mode(const char *path)
{
    struct stat sb;
    assert_int_equal(stat(path, &sb), 0);
    return (unsigned)(sb.st_mode & 07777);
}

long tu_size(const char *path)
{
    struct stat sb;
    assert_int_equal(stat(path, &sb), 0);
    return (long)sb.st_size;
}

void tu_copy_file(const char *from, const char *to)
{
    size_t n;
    unsigned char *data = tu_read_file(from, &n);
    tu_write_file(to, data, n);
    free(data);
}

static sqlite3 *raw_open(const char *path, int create)
{
    sqlite3 *db = NULL;
    int rc = sqlite3_open_v2(path, &db, SQLITE_OPEN_READWRITE | (create ? SQLITE_OPEN_CREATE : 0), NULL);
    if (rc != SQLITE_OK)
        fail_msg("raw open of %s: %s", path, db ? sqlite3_errmsg(db) : sqlite3_errstr(rc));
    sqlite3_busy_timeout(db, 2000);
    return db;
}

int64_t tu_query_int(const char *path, const char *sql)
{
    sqlite3 *db = raw_open(path, 0);
    sqlite3_stmt *s = NULL;
    if (sqlite3_prepare_v2(db, sql, -1, &s, NULL) != SQLITE_OK)
        fail_msg("prepare %s: %s", sql, sqlite3_errmsg(db));
    int rc = sqlite3_step(s);
    if (rc != SQLITE_ROW)
        fail_msg("query %s: %s", sql, sqlite3_errmsg(db));
    int64_t v = sqlite3_column_int64(s, 0);
    sqlite3_finalize(s);
    sqlite3_close(db);
    return v;
}

const char *tu_query_text(const char *path, const char *sql)
{
    static char buf[8192];
    sqlite3 *db = raw_open(path, 0);
    sqlite3_stmt *s = NULL;
    if (sqlite3_prepare_v2(db, sql, -1, &s, NULL) != SQLITE_OK)
        fail_msg("prepare %s: %s", sql, sqlite3_errmsg(db));
    if (sqlite3_step(s) != SQLITE_ROW)
        fail_msg("query %s: %s", sql, sqlite3_errmsg(db));
    const char *v = (const char *)sqlite3_column_text(s, 0);
    snprintf(buf, sizeof buf, "%s", v ? v : "");
    sqlite3_finalize(s);
    sqlite3_close(db);
    return buf;
}

int tu_exec(const char *path, const char *sql)
{
    sqlite3 *db = raw_open(path, 1);
    int rc = sqlite3_exec(db, sql, NULL, NULL, NULL);
    sqlite3_close(db);
    return rc;
}

const char *tu_uuid(int n)
{
    static char ring[8][37];
    static int next;
    char *b = ring[next++ % 8];
    snprintf(b, 37, "00000000-0000-4000-8000-%012d", n);
    return b;
}

store *tu_open(const char *path)
{
    store *st = NULL;
    char err[512];
    store_status s = store_open(path, NULL, &st, err, sizeof err);
    if (s != STORE_OK)
        fail_msg("store_open(%s): %s: %s", path, store_status_name(s), err);
    return st;
}

tu_fixture *tu_fixture_open(void)
{
    tu_fixture *f = calloc(1, sizeof *f);
    assert_non_null(f);
    f->dir = tu_tmpdir();
    f->db = tu_path(f->dir, "kiosk.db");
    f->st = tu_open(f->db);
    return f;
}

void tu_fixture_close(tu_fixture *f)
{
    store_close(f->st);
    tu_rmdir(f->dir);
    free(f->db);
    free(f);
}

store_new_session tu_session(const char *id, int64_t created_ms)
{
    return (store_new_session){.id = id, .initials = "JD", .birth_date = "1950-04-02", .today_date = "2026-11-26",
                               .mode = "MANUAL", .audio_enabled = true, .language = "fr",
                               .created_ms = created_ms, .metadata_json = NULL};
}

store_answer tu_answer(const char *session_id, int item, int score, store_action action, int64_t at_ms)
{
    return (store_answer){.session_id = session_id, .question_num = item, .question_text = "Question text",
                          .score = score, .response_text = "Un peu", .transcript = NULL,
                          .source = STORE_SOURCE_TOUCH, .action = action, .has_confidence = false,
                          .confidence = 0.0, .at_ms = at_ms};
}
