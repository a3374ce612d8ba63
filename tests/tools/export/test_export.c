/*
 * test_export.c - qlq-export end to end: a database written with the real store API, the real
 * binary run as a child process, and everything it leaves behind read back independently.
 */
#define _XOPEN_SOURCE 700 /* realpath */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <cmocka.h>

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>

#include <sqlite3.h>

#include "export_checks.h"
#include "export_fixture.h"
#include "export_harness.h"

typedef struct {
    char dir[HX_PATH], db[HX_PATH], out[HX_PATH];
} tx_env;

/* The sample database is built once: every answer is a durable (fsynced) commit. */
static char g_sample_dir[HX_PATH], g_sample_db[HX_PATH];
static fx_db g_fx;
static fx_snapshot g_snap;

static int tx_group_setup(void **state)
{
    (void)state;
    hx_tempdir(g_sample_dir);
    hx_join(g_sample_db, g_sample_dir, "sample.db");
    fx_build_sample(g_sample_db, &g_fx);
    fx_snapshot_take(g_sample_db, &g_snap);
    return 0;
}

static int tx_group_teardown(void **state)
{
    (void)state;
    fx_snapshot_free(&g_snap);
    hx_rmtree(g_sample_dir);
    return 0;
}

static int tx_setup(void **state)
{
    tx_env *env = calloc(1, sizeof *env);
    assert_non_null(env);
    hx_tempdir(env->dir);
    hx_join(env->db, env->dir, "kiosk.db");
    hx_join(env->out, env->dir, "usb");
    assert_int_equal(mkdir(env->out, 0700), 0);
    *state = env;
    return 0;
}

static int tx_teardown(void **state)
{
    tx_env *env = *state;
    chmod(env->out, 0700);
    hx_rmtree(env->dir);
    free(env);
    return 0;
}

static size_t tx_count_entries(const char *dir)
{
    size_t n = 0;
    hx_free_names(hx_list(dir, &n));
    return n;
}

/* A failed run: status 1, a reason on stderr, nothing on stdout, nothing left in `out`. */
static void tx_expect_failure(const hx_result *res, const char *out)
{
    if (res->status != 1)
        fail_msg("expected exit 1, got %d; stderr: %s", res->status, res->err);
    assert_string_equal(res->out, "");
    assert_non_null(strstr(res->err, "qlq-export: "));
    assert_true(strlen(res->err) > strlen("qlq-export: ") + 10);
    if (out != NULL && hx_exists(out))
        assert_int_equal(tx_count_entries(out), 0);
}

/* A successful run: status 0 and the one new folder's path alone on stdout. */
static void tx_expect_folder(const hx_result *res, const char *out, char folder[HX_PATH])
{
    if (res->status != 0)
        fail_msg("expected exit 0, got %d; stderr: %s", res->status, res->err);
    size_t len = strlen(res->out);
    assert_true(len > strlen(out) + 2 && res->out[len - 1] == '\n');
    assert_null(memchr(res->out, '\n', len - 1));
    assert_memory_equal(res->out, out, strlen(out));
    assert_int_equal(res->out[strlen(out)], '/');
    snprintf(folder, HX_PATH, "%.*s", (int)(len - 1), res->out);
    const char *name = folder + strlen(out) + 1;
    assert_true(ck_export_name_ok(name));
    char path[HX_PATH];
    hx_join(path, out, name);
    struct stat st;
    assert_int_equal(stat(path, &st), 0);
    assert_true(S_ISDIR(st.st_mode));
}

static void tx_check_full(const char *folder)
{
    ck_manifest(folder, g_fx.count);
    ck_sessions_csv(folder, &g_fx, &g_snap);
    ck_responses_csv(folder, &g_fx, &g_snap);
    ck_scores_csv(folder, &g_fx);
    ck_fhir(folder, &g_fx, &g_snap);
}

static void test_export_sample(void **state)
{
    tx_env *env = *state;
    hx_result res;
    hx_export(g_sample_db, env->out, NULL, &res);
    char folder[HX_PATH];
    tx_expect_folder(&res, env->out, folder);
    assert_int_equal(tx_count_entries(env->out), 1); /* no .partial left beside it */
    tx_check_full(folder);
    /* The summary is for logs: counts, never patient data. */
    assert_non_null(strstr(res.err, "6 sessions"));
    assert_null(strstr(res.err, FX_SECRET_INITIALS));
    assert_null(strstr(res.err, "1951-03-09"));
    hx_result_free(&res);
}

static void test_second_export_is_distinct(void **state)
{
    tx_env *env = *state;
    char first[HX_PATH], second[HX_PATH];
    hx_result res;
    hx_export(g_sample_db, env->out, NULL, &res);
    tx_expect_folder(&res, env->out, first);
    hx_result_free(&res);
    hx_export(g_sample_db, env->out, NULL, &res);
    tx_expect_folder(&res, env->out, second);
    hx_result_free(&res);
    assert_string_not_equal(first, second);
    assert_int_equal(tx_count_entries(env->out), 2);
    ck_manifest(first, g_fx.count);
    ck_manifest(second, g_fx.count);
}

/* Every name the export could pick in the next two minutes is taken: it must add "-2" and leave
 * the existing folders alone. */
static void test_taken_name_gets_suffix(void **state)
{
    tx_env *env = *state;
    time_t now = time(NULL);
    for (time_t t = now - 2; t <= now + 120; t++) {
        char name[64], path[HX_PATH];
        struct tm tm;
        gmtime_r(&t, &tm);
        strftime(name, sizeof name, "qlq-export-%Y%m%dT%H%M%SZ", &tm);
        hx_join(path, env->out, name);
        assert_int_equal(mkdir(path, 0700), 0);
    }
    hx_result res;
    hx_export(g_sample_db, env->out, NULL, &res);
    char folder[HX_PATH];
    tx_expect_folder(&res, env->out, folder);
    hx_result_free(&res);
    assert_string_equal(folder + strlen(folder) - 2, "-2");
    assert_int_equal(tx_count_entries(env->out), 123 + 1);
    char stem[HX_PATH];
    snprintf(stem, sizeof stem, "%.*s", (int)(strlen(folder) - 2), folder);
    assert_int_equal(tx_count_entries(stem), 0);
    ck_manifest(folder, g_fx.count);
}

static void test_empty_database(void **state)
{
    tx_env *env = *state;
    fx_build_empty(env->db);
    hx_result res;
    hx_export(env->db, env->out, NULL, &res);
    char folder[HX_PATH];
    tx_expect_folder(&res, env->out, folder);
    hx_result_free(&res);
    ck_manifest(folder, 0);
    fx_db none = {0};
    fx_snapshot empty = {0};
    ck_sessions_csv(folder, &none, &empty);
    char path[HX_PATH];
    hx_join(path, folder, "scores.csv");
    char *text = hx_read(path, NULL);
    assert_non_null(text);
    assert_int_equal(strchr(text, '\n') - text + 1, (long)strlen(text)); /* the header row only */
    free(text);
}

static void test_database_is_text_file(void **state)
{
    tx_env *env = *state;
    static const char text[] = "id,initials\nthis is not a database\n";
    hx_write(env->db, text);
    hx_result res;
    hx_export(env->db, env->out, NULL, &res);
    tx_expect_failure(&res, env->out);
    hx_result_free(&res);
    char *after = hx_read(env->db, NULL);
    assert_string_equal(after, text); /* never overwritten */
    free(after);
}

static void test_database_missing(void **state)
{
    tx_env *env = *state;
    hx_result res;
    hx_export(env->db, env->out, NULL, &res);
    tx_expect_failure(&res, env->out);
    assert_non_null(strstr(res.err, "does not exist"));
    hx_result_free(&res);
    assert_false(hx_exists(env->db)); /* an export never creates a database */
}

static void test_database_foreign(void **state)
{
    tx_env *env = *state;
    sqlite3 *db = NULL;
    assert_int_equal(sqlite3_open(env->db, &db), SQLITE_OK);
    assert_int_equal(sqlite3_exec(db, "CREATE TABLE patients(name TEXT)", NULL, NULL, NULL), SQLITE_OK);
    sqlite3_close(db);
    hx_result res;
    hx_export(env->db, env->out, NULL, &res);
    tx_expect_failure(&res, env->out);
    hx_result_free(&res);
}

static void test_out_missing(void **state)
{
    tx_env *env = *state;
    char missing[HX_PATH];
    hx_join(missing, env->dir, "no-such-stick");
    hx_result res;
    hx_export(g_sample_db, missing, NULL, &res);
    tx_expect_failure(&res, NULL);
    assert_non_null(strstr(res.err, "does not exist"));
    hx_result_free(&res);
    assert_false(hx_exists(missing));
}

static void test_out_is_a_file(void **state)
{
    tx_env *env = *state;
    char file[HX_PATH];
    hx_join(file, env->dir, "a-file");
    hx_write(file, "x");
    hx_result res;
    hx_export(g_sample_db, file, NULL, &res);
    tx_expect_failure(&res, NULL);
    hx_result_free(&res);
}

static void test_out_not_writable(void **state)
{
    tx_env *env = *state;
    assert_int_equal(chmod(env->out, 0500), 0);
    hx_run_options opt = {.drop_dac = true};
    hx_result res;
    hx_export(g_sample_db, env->out, &opt, &res);
    if (res.status == HX_SKIP_STATUS) {
        hx_result_free(&res);
        skip(); /* root without CAP_SETPCAP: permissions cannot be made to apply */
    }
    tx_expect_failure(&res, env->out);
    assert_non_null(strstr(res.err, "not writable"));
    hx_result_free(&res);
}

static void tx_expect_usage_error(const char *a1, const char *a2, const char *a3)
{
    char *argv[] = {(char *)QLQ_EXPORT_BIN, (char *)a1, (char *)a2, (char *)a3, NULL};
    hx_result res;
    hx_run(argv, NULL, &res);
    tx_expect_failure(&res, NULL);
    hx_result_free(&res);
}

static void test_usage_errors(void **state)
{
    tx_env *env = *state;
    tx_expect_usage_error(NULL, NULL, NULL);
    tx_expect_usage_error("--db", g_sample_db, NULL);
    tx_expect_usage_error("--out", env->out, NULL);
    tx_expect_usage_error("--db", g_sample_db, "--out");
    tx_expect_usage_error("--db", g_sample_db, "--verbose");
    assert_int_equal(tx_count_entries(env->out), 0);
}

static void test_help(void **state)
{
    (void)state;
    char *argv[] = {(char *)QLQ_EXPORT_BIN, (char *)"--help", NULL};
    hx_result res;
    hx_run(argv, NULL, &res);
    assert_int_equal(res.status, 0);
    assert_non_null(strstr(res.out, "--db FILE"));
    assert_non_null(strstr(res.out, "--out DIR"));
    assert_non_null(strstr(res.out, "apostrophe")); /* the formula neutralisation is documented */
    assert_non_null(strstr(res.out, "sha256sum -c"));
    hx_result_free(&res);
}

static size_t tx_file_size(const char *folder, const char *name)
{
    char path[HX_PATH];
    hx_join(path, folder, name);
    struct stat st;
    assert_int_equal(stat(path, &st), 0);
    return (size_t)st.st_size;
}

/* A write fails in the middle of the export (file size limit: EFBIG, as on a full stick): exit 1,
 * and neither a final nor a partial folder stays behind. */
static void test_write_failure_midway(void **state)
{
    tx_env *env = *state;
    fx_build_big(env->db, FX_MAX_SESSIONS, 1500);
    hx_result res;
    hx_export(env->db, env->out, NULL, &res);
    char folder[HX_PATH];
    tx_expect_folder(&res, env->out, folder);
    hx_result_free(&res);
    size_t big = tx_file_size(folder, "responses.csv");
    /* Above SQLite's 32 KiB shared-memory file, so the database still opens; below the CSV. */
    assert_true(big / 2 > 65536);
    char out2[HX_PATH];
    hx_join(out2, env->dir, "usb2");
    assert_int_equal(mkdir(out2, 0700), 0);
    hx_run_options opt = {.fsize_limit = big / 2};
    hx_export(env->db, out2, &opt, &res);
    tx_expect_failure(&res, out2);
    assert_non_null(strstr(res.err, strerror(EFBIG)));
    hx_result_free(&res);
    assert_int_equal(tx_count_entries(env->out), 1);
}

/* The index of the first log line equal to `want` at or after `from`, or -1. */
static int tx_log_find(char **lines, int n, int from, const char *want)
{
    for (int i = from; i < n; i++) {
        if (strcmp(lines[i], want) == 0)
            return i;
    }
    return -1;
}

static int tx_log_lines(const char *path, char ***lines)
{
    char *text = hx_read(path, NULL);
    assert_non_null(text);
    int n = 0;
    *lines = NULL;
    char *save = NULL;
    for (char *l = strtok_r(text, "\n", &save); l != NULL; l = strtok_r(NULL, "\n", &save)) {
        *lines = realloc(*lines, (size_t)(n + 1) * sizeof **lines);
        assert_non_null(*lines);
        (*lines)[n++] = strdup(l);
    }
    free(text);
    return n;
}

static void tx_expect_fsync_before(char **lines, int n, const char *dir, const char *rel, int before)
{
    char want[HX_PATH + 16];
    snprintf(want, sizeof want, "fsync %s%s%s", dir, rel[0] ? "/" : "", rel);
    int at = tx_log_find(lines, n, 0, want);
    if (at < 0 || at > before)
        fail_msg("'%s' missing or after the rename (%d, rename at %d)", want, at, before);
}

/* Every file and both folders are fsynced under the hidden name, then the rename, then the parent
 * is fsynced: the order that makes a complete-looking folder a complete one. */
static void test_durability_order(void **state)
{
    tx_env *env = *state;
    char log[HX_PATH], env_log[HX_PATH + 16], out[HX_PATH], folder[HX_PATH];
    hx_join(log, env->dir, "shim.log");
    snprintf(env_log, sizeof env_log, "QLQ_SHIM_LOG=%s", log);
    assert_non_null(realpath(env->out, out));
    hx_run_options opt = {.preload = QLQ_EXPORT_SHIM, .env = {env_log, NULL}};
    hx_result res;
    hx_export(g_sample_db, out, &opt, &res);
    tx_expect_folder(&res, out, folder);
    hx_result_free(&res);
    char **lines = NULL;
    int n = tx_log_lines(log, &lines), rename_at = -1;
    char partial[HX_PATH] = "";
    for (int i = 0; i < n && rename_at < 0; i++) {
        if (strncmp(lines[i], "rename ", 7) == 0 && sscanf(lines[i] + 7, "%4095s", partial) == 1)
            rename_at = i;
    }
    assert_true(rename_at >= 0);
    char want[2 * HX_PATH + 16];
    snprintf(want, sizeof want, "rename %s %s", partial, folder);
    assert_string_equal(lines[rename_at], want);
    assert_non_null(strstr(partial, "/.qlq-export-"));
    assert_string_equal(partial + strlen(partial) - 8, ".partial");
    static const char *const top[] = {"sessions.csv", "responses.csv", "scores.csv", "MANIFEST.sha256", "fhir", ""};
    for (size_t i = 0; i < sizeof top / sizeof top[0]; i++)
        tx_expect_fsync_before(lines, n, partial, top[i], rename_at);
    for (size_t i = 0; i < g_fx.count; i++) {
        char rel[128];
        snprintf(rel, sizeof rel, "fhir/%s.json", g_fx.sessions[i].id);
        tx_expect_fsync_before(lines, n, partial, rel, rename_at);
    }
    snprintf(want, sizeof want, "fsync %s", out);
    assert_true(tx_log_find(lines, n, rename_at + 1, want) > rename_at);
    for (int i = 0; i < n; i++)
        free(lines[i]);
    free(lines);
}

/* fsync failing (an I/O error on the stick) is a failed export, wherever it happens. */
static void tx_expect_fsync_failure(tx_env *env, const char *suffix)
{
    char fail[HX_PATH + 32];
    snprintf(fail, sizeof fail, "QLQ_SHIM_FAIL_FSYNC=%s", suffix);
    hx_run_options opt = {.preload = QLQ_EXPORT_SHIM, .env = {fail, NULL}};
    hx_result res;
    hx_export(g_sample_db, env->out, &opt, &res);
    tx_expect_failure(&res, env->out);
    assert_non_null(strstr(res.err, "fsync"));
    assert_non_null(strstr(res.err, strerror(EIO)));
    hx_result_free(&res);
}

static void test_fsync_failures(void **state)
{
    tx_env *env = *state;
    char out[HX_PATH];
    assert_non_null(realpath(env->out, out));
    tx_expect_fsync_failure(env, "/scores.csv");
    tx_expect_fsync_failure(env, "/MANIFEST.sha256");
    tx_expect_fsync_failure(env, "/fhir");
    tx_expect_fsync_failure(env, ".partial");
    /* After the rename: the folder must be taken back, not left looking complete. */
    tx_expect_fsync_failure(env, out);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test_setup_teardown(test_export_sample, tx_setup, tx_teardown),
        cmocka_unit_test_setup_teardown(test_second_export_is_distinct, tx_setup, tx_teardown),
        cmocka_unit_test_setup_teardown(test_taken_name_gets_suffix, tx_setup, tx_teardown),
        cmocka_unit_test_setup_teardown(test_empty_database, tx_setup, tx_teardown),
        cmocka_unit_test_setup_teardown(test_database_is_text_file, tx_setup, tx_teardown),
        cmocka_unit_test_setup_teardown(test_database_missing, tx_setup, tx_teardown),
        cmocka_unit_test_setup_teardown(test_database_foreign, tx_setup, tx_teardown),
        cmocka_unit_test_setup_teardown(test_out_missing, tx_setup, tx_teardown),
        cmocka_unit_test_setup_teardown(test_out_is_a_file, tx_setup, tx_teardown),
        cmocka_unit_test_setup_teardown(test_out_not_writable, tx_setup, tx_teardown),
        cmocka_unit_test_setup_teardown(test_usage_errors, tx_setup, tx_teardown),
        cmocka_unit_test_setup_teardown(test_help, tx_setup, tx_teardown),
        cmocka_unit_test_setup_teardown(test_write_failure_midway, tx_setup, tx_teardown),
        cmocka_unit_test_setup_teardown(test_durability_order, tx_setup, tx_teardown),
        cmocka_unit_test_setup_teardown(test_fsync_failures, tx_setup, tx_teardown),
    };
    return cmocka_run_group_tests_name("qlq-export", tests, tx_group_setup, tx_group_teardown);
}
