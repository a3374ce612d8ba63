/*
 * Drives the real qlq-kiosk binary through whole sessions over the `? ` line protocol and checks the
 * database it leaves and the real qlq-score against each other.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <cjson/cJSON.h>
#include <cmocka.h>
#include <sqlite3.h>

#include "kiosk_driver.h"
#include "qlq_core.h"

enum { WAIT_MS = 20000 };

typedef struct {
    char dir[64];
    char db[128];
    char log[128];
    child_proc kiosk;
    char session_id[64];
    int saved_lines;
    int refusals;
} run;

static void on_line(void *ctx, const char *line)
{
    run *r = ctx;
    if (strncmp(line, "saved item ", 11) == 0)
        r->saved_lines++;
    else if (strncmp(line, "! ", 2) == 0)
        r->refusals++;
    else if (sscanf(line, "started session=%36s", r->session_id) == 1 ||
             sscanf(line, "resumed session=%36s", r->session_id) == 1)
        return;
}

static void start_kiosk(run *r, const char *lang)
{
    char *argv[] = {(char *)kiosk_binary(), "--ui", "text", "--no-sound", "--db", r->db, "--lang", (char *)lang, NULL};
    assert_int_equal(child_start(&r->kiosk, argv, r->log), 0);
}

static int setup(void **state)
{
    run *r = calloc(1, sizeof *r);
    strcpy(r->dir, "/tmp/qlq-it-XXXXXX");
    assert_non_null(mkdtemp(r->dir));
    snprintf(r->db, sizeof r->db, "%s/kiosk.db", r->dir);
    snprintf(r->log, sizeof r->log, "%s/stderr.log", r->dir);
    *state = r;
    return 0;
}

static int teardown(void **state)
{
    run *r = *state;
    char cmd[256];
    snprintf(cmd, sizeof cmd, "rm -rf '%s'", r->dir);
    if (system(cmd) != 0)
        fprintf(stderr, "could not remove %s\n", r->dir);
    free(r);
    return 0;
}

/* Reads the next prompt and checks it is `expected`. */
static void expect_prompt(run *r, const char *expected)
{
    char prompt[256];
    assert_true(child_next_prompt(&r->kiosk, prompt, sizeof prompt, WAIT_MS, on_line, r));
    assert_string_equal(prompt, expected);
}

static void answer(run *r, const char *expected_prompt, const char *reply)
{
    expect_prompt(r, expected_prompt);
    assert_int_equal(child_send(&r->kiosk, reply), 0);
}

static void identity(run *r, bool audio)
{
    answer(r, "consent", "yes");
    answer(r, "initials", "mb");
    answer(r, "birth_date", "1944-07-02");
    answer(r, "mode", "manual");
    answer(r, "audio", audio ? "on" : "off");
}

static void item_prompt(int item, char *out, size_t cap)
{
    snprintf(out, cap, "item %d scale=%d", item, item >= 29 ? 7 : 4);
}

static void answer_item(run *r, int item, int value)
{
    char prompt[64], reply[16];
    item_prompt(item, prompt, sizeof prompt);
    snprintf(reply, sizeof reply, "%d", value);
    answer(r, prompt, reply);
}

static int planned_value(int item)
{
    return item >= 29 ? 1 + (item * 5) % 7 : 1 + (item * 7) % 4;
}

/* ---- database checks ---------------------------------------------------------------------- */

static sqlite3 *open_db(const run *r)
{
    sqlite3 *db = NULL;
    assert_int_equal(sqlite3_open_v2(r->db, &db, SQLITE_OPEN_READONLY, NULL), SQLITE_OK);
    sqlite3_busy_timeout(db, 10000);
    return db;
}

static int64_t query_int(sqlite3 *db, const char *sql, const char *session_id)
{
    sqlite3_stmt *st = NULL;
    assert_int_equal(sqlite3_prepare_v2(db, sql, -1, &st, NULL), SQLITE_OK);
    if (session_id)
        sqlite3_bind_text(st, 1, session_id, -1, SQLITE_STATIC);
    assert_int_equal(sqlite3_step(st), SQLITE_ROW);
    int64_t v = sqlite3_column_int64(st, 0);
    sqlite3_finalize(st);
    return v;
}

/* answers[n] = stored score of item n, 0 when there is no response. */
static void stored_answers(const run *r, int8_t answers[QLQ_ITEM_SLOTS])
{
    sqlite3 *db = open_db(r);
    sqlite3_stmt *st = NULL;
    memset(answers, 0, QLQ_ITEM_SLOTS);
    assert_int_equal(sqlite3_prepare_v2(db, "SELECT question_num, score FROM responses WHERE session_id = ?1", -1,
                                        &st, NULL),
                     SQLITE_OK);
    sqlite3_bind_text(st, 1, r->session_id, -1, SQLITE_STATIC);
    while (sqlite3_step(st) == SQLITE_ROW)
        answers[sqlite3_column_int(st, 0)] = (int8_t)sqlite3_column_int(st, 1);
    sqlite3_finalize(st);
    sqlite3_close(db);
}

static int64_t count_for_session(const run *r, const char *sql)
{
    sqlite3 *db = open_db(r);
    int64_t n = query_int(db, sql, r->session_id);
    sqlite3_close(db);
    return n;
}

/* Runs the real qlq-score on the stored answers and compares every scale with the core's scores. */
static void check_scores_against_qlq_score(const int8_t answers[QLQ_ITEM_SLOTS])
{
    char csv[256] = "";
    for (int i = 1; i <= 30; i++) {
        char cell[8] = "";
        if (answers[i] > 0)
            snprintf(cell, sizeof cell, "%d", answers[i]);
        strcat(csv, cell);
        strcat(csv, i < 30 ? "," : "");
    }
    child_proc score;
    char *argv[] = {(char *)score_binary(), NULL};
    assert_int_equal(child_start(&score, argv, NULL), 0);
    assert_int_equal(child_send(&score, csv), 0);
    child_close_input(&score);
    char line[4096];
    assert_true(child_read_line(&score, line, sizeof line, WAIT_MS));
    assert_int_equal(child_wait(&score), 0);
    qlq_scores expected;
    qlq_score(answers, &expected);
    cJSON *json = cJSON_Parse(line);
    assert_non_null(json);
    for (int id = 0; id < QLQ_SCORE_COUNT; id++) {
        cJSON *v = cJSON_GetObjectItemCaseSensitive(json, qlq_score_name((qlq_score_id)id));
        assert_non_null(v);
        if (!expected.present[id]) {
            assert_true(cJSON_IsNull(v));
        } else {
            assert_true(cJSON_IsNumber(v));
            assert_true(v->valuedouble == expected.value[id]);
        }
    }
    cJSON_Delete(json);
}

/* ---- scenarios ------------------------------------------------------------------------------ */

static void submit_and_finish(run *r, const char *review_prompt)
{
    answer(r, review_prompt, "submit");
    expect_prompt(r, "consent"); /* cleared for the next patient */
    assert_int_equal(child_wait(&r->kiosk), 0);
}

static void test_full_session_all_answered(void **state)
{
    run *r = *state;
    start_kiosk(r, "fr");
    identity(r, false);
    int8_t planned[QLQ_ITEM_SLOTS] = {0};
    for (int i = 1; i <= 30; i++) {
        planned[i] = (int8_t)planned_value(i);
        answer_item(r, i, planned[i]);
    }
    submit_and_finish(r, "review missing=");
    assert_int_equal(r->saved_lines, 30);
    assert_int_equal(r->refusals, 0);
    assert_int_equal(strlen(r->session_id), 36);
    int8_t stored[QLQ_ITEM_SLOTS];
    stored_answers(r, stored);
    assert_memory_equal(stored + 1, planned + 1, 30);
    assert_int_equal(count_for_session(r, "SELECT count(*) FROM sessions WHERE id = ?1 AND status = 'submitted' "
                                          "AND completed_at IS NOT NULL AND initials = 'MB'"), 1);
    assert_int_equal(count_for_session(r, "SELECT count(*) FROM answer_events WHERE session_id = ?1 AND "
                                          "action = 'ANSWER' AND source = 'KEYBOARD'"), 30);
    assert_int_equal(count_for_session(r, "SELECT count(*) FROM answer_events WHERE session_id = ?1 AND "
                                          "action = 'SUBMIT'"), 1);
    assert_int_equal(count_for_session(r, "SELECT count(*) FROM responses WHERE session_id = ?1 AND "
                                          "response_type = 'MANUAL'"), 30);
    assert_int_equal(count_for_session(r, "SELECT count(*) FROM responses WHERE session_id = ?1 AND "
                                          "question_num = 1 AND question_text LIKE 'Avez-vous des difficult%'"), 1);
    check_scores_against_qlq_score(stored);
}

static void test_skips_answered_at_review(void **state)
{
    run *r = *state;
    start_kiosk(r, "fr");
    identity(r, false);
    for (int i = 1; i <= 30; i++) {
        char prompt[64];
        item_prompt(i, prompt, sizeof prompt);
        if (i == 3 || i == 17 || i == 29)
            answer(r, prompt, "skip");
        else
            answer_item(r, i, planned_value(i));
    }
    answer(r, "review missing=3,17,29", "item 17");
    answer_item(r, 17, 2);
    answer(r, "review missing=3,29", "item 3");
    answer_item(r, 3, 4);
    submit_and_finish(r, "review missing=29");
    int8_t stored[QLQ_ITEM_SLOTS];
    stored_answers(r, stored);
    assert_int_equal(stored[3], 4);
    assert_int_equal(stored[17], 2);
    assert_int_equal(stored[29], 0);
    assert_int_equal(count_for_session(r, "SELECT count(*) FROM responses WHERE session_id = ?1"), 29);
    assert_int_equal(count_for_session(r, "SELECT count(*) FROM answer_events WHERE session_id = ?1 AND "
                                          "action = 'SKIP'"), 3);
    check_scores_against_qlq_score(stored); /* QL2 from item 30 alone, SUM still computable */
}

static void test_change_through_back(void **state)
{
    run *r = *state;
    start_kiosk(r, "en");
    identity(r, false);
    for (int i = 1; i <= 5; i++)
        answer_item(r, i, 1);
    answer(r, "item 6 scale=4", "back");
    answer(r, "item 5 scale=4", "back");
    answer_item(r, 4, 3); /* a change of item 4 */
    answer_item(r, 5, 2); /* and of item 5 */
    for (int i = 6; i <= 30; i++)
        answer_item(r, i, planned_value(i));
    submit_and_finish(r, "review missing=");
    int8_t stored[QLQ_ITEM_SLOTS];
    stored_answers(r, stored);
    assert_int_equal(stored[4], 3);
    assert_int_equal(stored[5], 2);
    assert_int_equal(count_for_session(r, "SELECT count(*) FROM answer_events WHERE session_id = ?1 AND "
                                          "action = 'CHANGE'"), 2);
    assert_int_equal(count_for_session(r, "SELECT count(*) FROM responses WHERE session_id = ?1 AND "
                                          "question_num = 4 AND response_text = 'Quite a bit'"), 1);
    check_scores_against_qlq_score(stored);
}

/* Sends a bad reply and checks the `! ` line and the same prompt again (consumed: the caller replies). */
static void refused(run *r, const char *prompt, const char *bad)
{
    int before = r->refusals;
    answer(r, prompt, bad);
    char again[256];
    assert_true(child_next_prompt(&r->kiosk, again, sizeof again, WAIT_MS, on_line, r));
    assert_string_equal(again, prompt);
    assert_int_equal(r->refusals, before + 1);
}

static void test_bad_inputs_are_refused_and_store_nothing(void **state)
{
    run *r = *state;
    start_kiosk(r, "fr");
    refused(r, "consent", "maybe");
    child_send(&r->kiosk, "yes");
    refused(r, "initials", "ABCDE");
    child_send(&r->kiosk, "ab");
    refused(r, "birth_date", "2099-01-01");
    child_send(&r->kiosk, "31/12/1950");
    expect_prompt(r, "birth_date");
    child_send(&r->kiosk, "1950-12-31");
    refused(r, "mode", "fast");
    child_send(&r->kiosk, "continuous");
    refused(r, "audio", "loud");
    child_send(&r->kiosk, "off");
    refused(r, "item 1 scale=4", "5");
    child_send(&r->kiosk, "0");
    expect_prompt(r, "item 1 scale=4");
    child_send(&r->kiosk, "2.5");
    expect_prompt(r, "item 1 scale=4");
    assert_int_equal(count_for_session(r, "SELECT count(*) FROM responses WHERE session_id = ?1"), 0);
    child_send(&r->kiosk, "2");
    for (int i = 2; i <= 28; i++)
        answer_item(r, i, 1);
    refused(r, "item 29 scale=7", "8");
    child_send(&r->kiosk, "7");
    answer_item(r, 30, 7);
    refused(r, "review missing=", "item 40");
    child_send(&r->kiosk, "submit");
    expect_prompt(r, "consent");
    assert_int_equal(child_wait(&r->kiosk), 0);
    int8_t stored[QLQ_ITEM_SLOTS];
    stored_answers(r, stored);
    assert_int_equal(stored[1], 2);
    assert_int_equal(stored[29], 7);
    assert_int_equal(count_for_session(r, "SELECT count(*) FROM answer_events WHERE session_id = ?1"), 31);
}

static void test_end_of_input_then_resume(void **state)
{
    run *r = *state;
    start_kiosk(r, "fr");
    identity(r, true);
    answer(r, "item 0", "ok");
    for (int i = 1; i <= 10; i++)
        answer_item(r, i, 2);
    expect_prompt(r, "item 11 scale=4");
    assert_int_equal(child_wait(&r->kiosk), 0); /* end of input: exit 0, session left resumable */
    char first_id[64];
    strcpy(first_id, r->session_id);
    start_kiosk(r, "fr");
    char line[512];
    bool resumed = false;
    while (!resumed && child_read_line(&r->kiosk, line, sizeof line, WAIT_MS)) {
        char expected[128];
        snprintf(expected, sizeof expected, "resumed session=%s at item 11", first_id);
        resumed = strcmp(line, expected) == 0;
    }
    assert_true(resumed);
    for (int i = 11; i <= 30; i++)
        answer_item(r, i, 1);
    submit_and_finish(r, "review missing=");
    int8_t stored[QLQ_ITEM_SLOTS];
    stored_answers(r, stored);
    for (int i = 1; i <= 30; i++)
        assert_int_equal(stored[i], i <= 10 ? 2 : 1);
    assert_int_equal(count_for_session(r, "SELECT count(*) FROM sessions WHERE id = ?1 AND "
                                          "json_extract(metadata, '$.audio_check') = 'ok'"), 1);
    assert_int_equal(count_for_session(r, "SELECT count(*) FROM sessions"), 1);
}

static void test_refused_consent_stores_nothing(void **state)
{
    run *r = *state;
    start_kiosk(r, "fr");
    answer(r, "consent", "no");
    expect_prompt(r, "consent");
    assert_int_equal(child_wait(&r->kiosk), 0);
    sqlite3 *db = open_db(r);
    assert_int_equal(query_int(db, "SELECT count(*) FROM sessions", NULL), 0);
    sqlite3_close(db);
}

static void test_corrupt_database_is_refused_and_left_alone(void **state)
{
    run *r = *state;
    const char junk[] = "these are the clinic's notes, not a database\n";
    FILE *f = fopen(r->db, "w");
    assert_non_null(f);
    fputs(junk, f);
    fclose(f);
    start_kiosk(r, "fr");
    char line[256];
    assert_false(child_read_line(&r->kiosk, line, sizeof line, WAIT_MS)); /* no prompt, no session */
    assert_int_equal(child_wait(&r->kiosk), 1);
    f = fopen(r->db, "r");
    char back[sizeof junk + 8] = "";
    assert_non_null(fgets(back, sizeof back, f));
    fclose(f);
    assert_string_equal(back, junk);
    f = fopen(r->log, "r");
    char log[4096] = "";
    size_t n = fread(log, 1, sizeof log - 1, f);
    fclose(f);
    log[n] = '\0';
    assert_non_null(strstr(log, r->db)); /* the message names the file */
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test_setup_teardown(test_full_session_all_answered, setup, teardown),
        cmocka_unit_test_setup_teardown(test_skips_answered_at_review, setup, teardown),
        cmocka_unit_test_setup_teardown(test_change_through_back, setup, teardown),
        cmocka_unit_test_setup_teardown(test_bad_inputs_are_refused_and_store_nothing, setup, teardown),
        cmocka_unit_test_setup_teardown(test_end_of_input_then_resume, setup, teardown),
        cmocka_unit_test_setup_teardown(test_refused_consent_stores_nothing, setup, teardown),
        cmocka_unit_test_setup_teardown(test_corrupt_database_is_refused_and_left_alone, setup, teardown),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
