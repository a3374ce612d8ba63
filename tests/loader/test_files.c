/*
 * test_files.c - reading from disk (unreadable, special and oversized files), choosing the file by
 * language, and the order in which the assets folder is looked for.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cmocka.h>

#include "loader_test_util.h"

#define MiB (1024 * 1024)

static char tmp[64];

static int setup(void **state)
{
    (void)state;
    tu_mkdtemp(tmp);
    return 0;
}

static int teardown(void **state)
{
    (void)state;
    tu_rmtree(tmp);
    return 0;
}

static void path_in_tmp(char *out, size_t size, const char *rel)
{
    snprintf(out, size, "%s/%s", tmp, rel);
}

static const char *load_fails(const char *path)
{
    static qlq_load_error err;
    qlq_questionnaire q;
    memset(&q, 0x77, sizeof q);
    int rc = qlq_loader_load_file(path, &q, &err);
    if (rc == 0) {
        qlq_questionnaire_free(&q);
        fail_msg("%s loaded without error", path);
    }
    assert_int_equal(rc, -1);
    assert_true(tu_is_zeroed(&q));
    assert_true(strncmp(err.message, path, strlen(path)) == 0);
    return err.message;
}

static void unreadable_files(void **state)
{
    (void)state;
    char path[256];
    path_in_tmp(path, sizeof path, "absent.json");
    const char *m = load_fails(path);
    tu_assert_has(m, "cannot open");
    tu_assert_has(m, "No such file");
    /* a path through a plain file: fails for root too, unlike permissions */
    path_in_tmp(path, sizeof path, "plain");
    tu_write_file(path, "x", 1);
    path_in_tmp(path, sizeof path, "plain/qlq-c30.fr.json");
    tu_assert_has(load_fails(path), "Not a directory");
    path_in_tmp(path, sizeof path, "a-directory.json");
    assert_int_equal(mkdir(path, 0700), 0);
    tu_assert_has(load_fails(path), "directory");
    path_in_tmp(path, sizeof path, "a-fifo.json");
    assert_int_equal(mkfifo(path, 0600), 0);
    tu_assert_has(load_fails(path), "not a regular file"); /* and does not hang waiting for a writer */
}

static void permission_denied(void **state)
{
    (void)state;
    if (geteuid() == 0)
        skip(); /* root reads anything */
    char path[256];
    path_in_tmp(path, sizeof path, "secret.json");
    tu_write_file(path, "{}", 2);
    assert_int_equal(chmod(path, 0), 0);
    tu_assert_has(load_fails(path), "Permission denied");
}

static void oversized_and_empty_files(void **state)
{
    (void)state;
    char path[256];
    path_in_tmp(path, sizeof path, "big.json");
    char *big = malloc(MiB + 1);
    assert_non_null(big);
    memset(big, ' ', MiB + 1);
    tu_write_file(path, big, MiB + 1);
    tu_assert_has(load_fails(path), "too large");
    /* At the cap exactly, a valid file loads. */
    size_t len;
    char *text = tu_read_asset("en", &len);
    memcpy(big, text, len);
    tu_write_file(path, big, MiB);
    qlq_questionnaire q;
    qlq_load_error err;
    if (qlq_loader_load_file(path, &q, &err) != 0)
        fail_msg("%s", err.message);
    qlq_questionnaire_free(&q);
    free(text);
    free(big);
    path_in_tmp(path, sizeof path, "empty.json");
    tu_write_file(path, "", 0);
    tu_assert_has(load_fails(path), "empty");
}

/* Errors found while parsing a file name the path too. */
static void parse_errors_name_the_path(void **state)
{
    (void)state;
    char path[256];
    path_in_tmp(path, sizeof path, "bad-utf8.json");
    tu_write_file(path, "{\"a\": \"\xC3\x28\"}", 11);
    tu_assert_has(load_fails(path), "invalid UTF-8");
    size_t len;
    char *text = tu_read_asset("fr", &len);
    char *scale = strstr(text, "\"scale\": 7");
    assert_non_null(scale);
    scale[9] = '4'; /* item 29 now claims the 4-point scale */
    path_in_tmp(path, sizeof path, "item29.json");
    tu_write_file(path, text, len);
    const char *m = load_fails(path);
    tu_assert_has(m, "item 29: field \"scale\"");
    free(text);
}

static void load_by_language(void **state)
{
    (void)state;
    qlq_questionnaire q;
    qlq_load_error err;
    static const char *const langs[] = { "fr", "en" };
    for (size_t i = 0; i < 2; i++) {
        if (qlq_loader_load_language(tu_assets_dir(), langs[i], &q, &err) != 0)
            fail_msg("%s", err.message);
        assert_string_equal(q.language, langs[i]);
        qlq_questionnaire_free(&q);
    }
    /* NULL: the folder is looked for, here through $QLQ_ASSETS_DIR as CTest sets it. */
    if (qlq_loader_load_language(NULL, "en", &q, &err) != 0)
        fail_msg("%s", err.message);
    assert_string_equal(q.language, "en");
    qlq_questionnaire_free(&q);
}

static void unknown_languages_are_refused(void **state)
{
    (void)state;
    static const char *const bad[] = { "de", "", "FR", "fr ", "../fr", "fr/../en", "english" };
    qlq_questionnaire q;
    qlq_load_error err;
    for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++) {
        memset(&q, 0x33, sizeof q);
        assert_int_equal(qlq_loader_load_language(tu_assets_dir(), bad[i], &q, &err), -1);
        assert_true(tu_is_zeroed(&q));
        tu_assert_has(err.message, "unknown language");
        char quoted[32];
        snprintf(quoted, sizeof quoted, "\"%s\"", bad[i]);
        tu_assert_has(err.message, quoted);
    }
    assert_int_equal(qlq_loader_load_language(tu_assets_dir(), NULL, &q, &err), -1);
    tu_assert_has(err.message, "unknown language");
}

static void file_language_must_match(void **state)
{
    (void)state;
    char dir[256], path[256];
    path_in_tmp(dir, sizeof dir, "swapped");
    assert_int_equal(mkdir(dir, 0700), 0);
    path_in_tmp(path, sizeof path, "swapped/questionnaires");
    assert_int_equal(mkdir(path, 0700), 0);
    size_t len;
    char *text = tu_read_asset("fr", &len);
    path_in_tmp(path, sizeof path, "swapped/questionnaires/qlq-c30.en.json");
    tu_write_file(path, text, len);
    free(text);
    qlq_questionnaire q;
    qlq_load_error err;
    memset(&q, 0x44, sizeof q);
    assert_int_equal(qlq_loader_load_language(dir, "en", &q, &err), -1);
    assert_true(tu_is_zeroed(&q));
    assert_true(strncmp(err.message, path, strlen(path)) == 0);
    tu_assert_has(err.message, "field \"language\"");
    tu_assert_has(err.message, "\"fr\"");
    tu_assert_has(err.message, "\"en\"");
    /* and the French file is simply absent there */
    assert_int_equal(qlq_loader_load_language(dir, "fr", &q, &err), -1);
    tu_assert_has(err.message, "qlq-c30.fr.json: cannot open");
}

static bool has_questionnaires(const char *dir)
{
    char path[4096];
    struct stat st;
    snprintf(path, sizeof path, "%s/questionnaires", dir);
    return stat(path, &st) == 0 && S_ISDIR(st.st_mode);
}

/* What the build's fallbacks give on this machine: the installed copy if someone installed it. */
static const char *fallback(void)
{
    return has_questionnaires(QLQ_INSTALLED_ASSETS_DIR) ? QLQ_INSTALLED_ASSETS_DIR : QLQ_SOURCE_ASSETS_DIR;
}

static void assets_dir_order(void **state)
{
    (void)state;
    const char *env = getenv("QLQ_ASSETS_DIR");
    char *saved = env != NULL ? strdup(env) : NULL;
    char with_a[256], with_b[256], without[256], file_not_dir[256], sub[300];
    path_in_tmp(with_a, sizeof with_a, "with-a");
    path_in_tmp(with_b, sizeof with_b, "with-b");
    path_in_tmp(without, sizeof without, "without");
    path_in_tmp(file_not_dir, sizeof file_not_dir, "file-not-dir");
    const char *made[] = { with_a, with_b, without, file_not_dir };
    for (size_t i = 0; i < 4; i++)
        assert_int_equal(mkdir(made[i], 0700), 0);
    snprintf(sub, sizeof sub, "%s/questionnaires", with_a);
    assert_int_equal(mkdir(sub, 0700), 0);
    snprintf(sub, sizeof sub, "%s/questionnaires", with_b);
    assert_int_equal(mkdir(sub, 0700), 0);
    snprintf(sub, sizeof sub, "%s/questionnaires", file_not_dir);
    tu_write_file(sub, "", 0); /* a file by that name does not count */

    /* 1. the explicit folder, returned as the same pointer */
    assert_int_equal(setenv("QLQ_ASSETS_DIR", with_b, 1), 0);
    assert_ptr_equal(qlq_loader_assets_dir(with_a), with_a);
    /* 2. $QLQ_ASSETS_DIR when the explicit one has no questionnaires/ or none is given */
    assert_string_equal(qlq_loader_assets_dir(without), with_b);
    assert_string_equal(qlq_loader_assets_dir(file_not_dir), with_b);
    assert_string_equal(qlq_loader_assets_dir(""), with_b);
    const char *got = qlq_loader_assets_dir(NULL);
    assert_string_equal(got, with_b);
    /* the result is a copy: changing the environment afterwards does not change it */
    assert_int_equal(setenv("QLQ_ASSETS_DIR", without, 1), 0);
    assert_string_equal(got, with_b);
    /* 3./4. the installed copy, then the source tree's */
    assert_string_equal(qlq_loader_assets_dir(NULL), fallback());
    assert_string_equal(qlq_loader_assets_dir(without), fallback());
    assert_int_equal(setenv("QLQ_ASSETS_DIR", "", 1), 0);
    assert_string_equal(qlq_loader_assets_dir(NULL), fallback());
    assert_int_equal(unsetenv("QLQ_ASSETS_DIR"), 0);
    assert_string_equal(qlq_loader_assets_dir(NULL), fallback());
    assert_ptr_equal(qlq_loader_assets_dir(with_a), with_a);
    if (saved != NULL)
        assert_int_equal(setenv("QLQ_ASSETS_DIR", saved, 1), 0);
    free(saved);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(unreadable_files),
        cmocka_unit_test(permission_denied),
        cmocka_unit_test(oversized_and_empty_files),
        cmocka_unit_test(parse_errors_name_the_path),
        cmocka_unit_test(load_by_language),
        cmocka_unit_test(unknown_languages_are_refused),
        cmocka_unit_test(file_language_must_match),
        cmocka_unit_test(assets_dir_order),
    };
    return cmocka_run_group_tests(tests, setup, teardown);
}
