/*
 * loader_test_util.h - shared by the loader's tests: the real data files, temp folders, and message
 * assertions that print the message when they fail.
 */
#ifndef LOADER_TEST_UTIL_H
#define LOADER_TEST_UTIL_H

#include <stddef.h>

#include "qlq_loader.h"

/* The assets folder the tests use: $QLQ_ASSETS_DIR (set by CTest), else the source tree's. */
const char *tu_assets_dir(void);
/* The text of assets/questionnaires/qlq-c30.<lang>.json, malloc'd, NUL-terminated. */
char *tu_read_asset(const char *lang, size_t *len);
/* A new empty folder under /tmp; `dir` gets its path. */
void tu_mkdtemp(char dir[64]);
void tu_write_file(const char *path, const void *data, size_t len);
/* Removes `dir` and everything in it. */
void tu_rmtree(const char *dir);
/* True when every byte of `q` is zero (what a failed load must leave). */
int tu_is_zeroed(const qlq_questionnaire *q);

/* Fails the test, printing the whole message, when `frag` is not in `msg`. */
#define tu_assert_has(msg, frag) tu_assert_has_at((msg), (frag), __FILE__, __LINE__)
void tu_assert_has_at(const char *msg, const char *frag, const char *file, int line);

#endif
