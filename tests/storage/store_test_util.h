/*
 * store_test_util.h - helpers shared by the storage tests: temporary folders, files, raw SQLite
 * queries on a database file, and ready-made sessions and answers.
 */
#ifndef QLQ_STORE_TEST_UTIL_H
#define QLQ_STORE_TEST_UTIL_H

#include <stddef.h>
#include <stdint.h>

#include "qlq_store.h"

#define TU_T0 INT64_C(1795688253123) /* 2026-11-26T10:17:33.123Z */

/* A new empty folder; tu_rmdir() removes it with the files in it. */
char *tu_tmpdir(void);
void tu_rmdir(char *dir);
/* dir + "/" + name, in a fresh allocation. */
char *tu_path(const char *dir, const char *name);
char *tu_path2(const char *path, const char *suffix);

unsigned char *tu_read_file(const char *path, size_t *len);
void tu_write_file(const char *path, const void *data, size_t len);
int tu_exists(const char *path);
unsigned tu_mode(const char *path);
long tu_size(const char *path);
void tu_copy_file(const char *from, const char *to);

/* One integer from `sql` run on the file through a plain read-write connection (never creates). */
int64_t tu_query_int(const char *path, const char *sql);
/* One text value (or "" for NULL), copied into a static buffer. */
const char *tu_query_text(const char *path, const char *sql);
/* Runs `sql` on the file (created if missing) and returns SQLite's result code. */
int tu_exec(const char *path, const char *sql);

/* "00000000-0000-4000-8000-0000000000NN"-style session id number n, in a static ring of buffers. */
const char *tu_uuid(int n);
store *tu_open(const char *path);

/* A store on a fresh database in its own temporary folder. */
typedef struct {
    char *dir;
    char *db;
    store *st;
} tu_fixture;

tu_fixture *tu_fixture_open(void);
/* Closes the store and removes the folder. */
void tu_fixture_close(tu_fixture *f);
store_new_session tu_session(const char *id, int64_t created_ms);
store_answer tu_answer(const char *session_id, int item, int score, store_action action, int64_t at_ms);

#endif
