/*
 * test_store_write.c - the write functions, the audit trail's triggers, the outbox and the
 * schema's own checks, verified through a separate raw SQLite connection.
 */
#include <sqlite3.h>
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdio.h>
#include <stdlib.h>
#include <math.h>
#include <string.h>
#include <cmocka.h>

#include "store_test_util.h"

typedef tu_fixture fixture;

static int setup(void **state)
{
    fixture *f = tu_fixture_open();
    store_new_session s = tu_session(tu_uuid(1), TU_T0);
    assert_int_equal(store_create_session(f->st, &s), STORE_OK);
    *state = f;
    return 0;
}

static int teardown(void **state)
{
    tu_fixture_close(*state);
    return 0;
}

static int64_t q_int(fixture *f, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
static int64_t q_int(fixture *f, const char *fmt, ...)
{
    char sql[1024];
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(sql, sizeof sql, fmt, ap);
    va_end(ap);
    return tu_query_int(f->db, sql);
}

static const char *q_text(fixture *f, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
static const char *q_text(fixture *f, const char *fmt, ...)
{
    char sql[1024];
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(sql, sizeof sql, fmt, ap);
    va_end(ap);
    return tu_query_text(f->db, sql);
}

static void test_session_row_and_outbox(void **state)
{
    fixture *f = *state;
    assert_string_equal(q_text(f, "SELECT status FROM sessions"), "in_progress");
    assert_string_equal(q_text(f, "SELECT created_at FROM sessions"), "2026-11-26T10:17:33.123Z");
    assert_int_equal(q_int(f, "SELECT completed_at IS NULL FROM sessions"), 1);
    assert_string_equal(q_text(f, "SELECT metadata FROM sessions"), "{}");
    assert_int_equal(q_int(f, "SELECT audio_enabled FROM sessions"), 1);
    assert_int_equal(q_int(f, "SELECT count(*) FROM outbox WHERE kind = 'session'"), 1);
    assert_string_equal(q_text(f, "SELECT payload ->> '$.id' FROM outbox"), tu_uuid(1));
    assert_string_equal(q_text(f, "SELECT payload ->> '$.birthDate' FROM outbox"), "1950-04-02");
    assert_string_equal(q_text(f, "SELECT json_type(payload, '$.audioEnabled') FROM outbox"), "true");
    assert_string_equal(q_text(f, "SELECT json_type(payload, '$.metadata') FROM outbox"), "object");
    int64_t n = -1;
    assert_int_equal(store_outbox_count(f->st, &n), STORE_OK);
    assert_int_equal(n, 1);
    /* Only waiting rows count. */
    assert_int_equal(tu_exec(f->db, "UPDATE outbox SET sent_at = '2026-11-26T10:20:00.000Z'"), SQLITE_OK);
    assert_int_equal(store_outbox_count(f->st, &n), STORE_OK);
    assert_int_equal(n, 0);
}

static void test_session_validation(void **state)
{
    fixture *f = *state;
    store_new_session s = tu_session(tu_uuid(1), TU_T0);
    assert_int_equal(store_create_session(f->st, &s), STORE_ERR_INVALID); /* same id again */
    assert_non_null(strstr(store_error(f->st), "already exists"));
    struct {
        const char *field;
        store_new_session s;
    } bad[] = {
        {"id", tu_session("not-a-uuid", TU_T0)},
        {"initials", tu_session(tu_uuid(2), TU_T0)},
        {"birth", tu_session(tu_uuid(2), TU_T0)},
        {"mode", tu_session(tu_uuid(2), TU_T0)},
        {"language", tu_session(tu_uuid(2), TU_T0)},
        {"time", tu_session(tu_uuid(2), -5)},
        {"metadata", tu_session(tu_uuid(2), TU_T0)},
    };
    bad[1].s.initials = "ABCDE";
    bad[2].s.birth_date = "1950-02-30";
    bad[3].s.mode = "AUTO";
    bad[4].s.language = "FR";
    bad[6].s.metadata_json = "[1,2]";
    for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++) {
        if (store_create_session(f->st, &bad[i].s) != STORE_ERR_INVALID)
            fail_msg("bad %s accepted", bad[i].field);
        /* Messages carry no patient data. */
        assert_null(strstr(store_error(f->st), "ABCDE"));
        assert_null(strstr(store_error(f->st), "1950"));
    }
    assert_int_equal(q_int(f, "SELECT count(*) FROM sessions"), 1);
    assert_int_equal(q_int(f, "SELECT count(*) FROM outbox"), 1);
    store_new_session meta = tu_session(tu_uuid(3), TU_T0);
    meta.metadata_json = "{\"device\":\"kiosk-2\"}";
    assert_int_equal(store_create_session(f->st, &meta), STORE_OK);
    assert_string_equal(q_text(f, "SELECT payload ->> '$.metadata.device' FROM outbox WHERE session_id = '%s'",
                               tu_uuid(3)),
                        "kiosk-2");
}

static void test_timestamps(void **state)
{
    fixture *f = *state;
    /* Expected texts from date(1), not from our formatter. */
    struct {
        int64_t ms;
        const char *text;
    } cases[] = {
        {0, "1970-01-01T00:00:00.000Z"},
        {951782400000, "2000-02-29T00:00:00.000Z"},
        {1709251199999, "2024-02-29T23:59:59.999Z"},
        {4102444799001, "2099-12-31T23:59:59.001Z"},
    };
    for (int i = 0; i < 4; i++) {
        store_new_session s = tu_session(tu_uuid(10 + i), cases[i].ms);
        assert_int_equal(store_create_session(f->st, &s), STORE_OK);
        assert_string_equal(q_text(f, "SELECT created_at FROM sessions WHERE id = '%s'", tu_uuid(10 + i)),
                            cases[i].text);
    }
}

static void test_answer_then_change(void **state)
{
    fixture *f = *state;
    const char *sid = tu_uuid(1);
    store_answer a = tu_answer(sid, 7, 2, STORE_ACTION_ANSWER, TU_T0 + 5000);
    assert_int_equal(store_record_answer(f->st, &a), STORE_OK);
    char first_id[64];
    snprintf(first_id, sizeof first_id, "%s", q_text(f, "SELECT id FROM responses"));
    store_answer c = tu_answer(sid, 7, 4, STORE_ACTION_CHANGE, TU_T0 + 9000);
    c.source = STORE_SOURCE_VOICE;
    c.transcript = "beaucoup";
    c.has_confidence = true;
    c.confidence = 0.82;
    c.response_text = "Beaucoup";
    assert_int_equal(store_record_answer(f->st, &c), STORE_OK);

    assert_int_equal(q_int(f, "SELECT count(*) FROM responses"), 1);
    assert_string_equal(q_text(f, "SELECT id FROM responses"), first_id); /* upsert keeps the row */
    assert_int_equal(q_int(f, "SELECT score FROM responses"), 4);
    assert_string_equal(q_text(f, "SELECT response_type FROM responses"), "VOICE");
    assert_string_equal(q_text(f, "SELECT transcript FROM responses"), "beaucoup");
    assert_string_equal(q_text(f, "SELECT timestamp FROM responses"), "2026-11-26T10:17:42.123Z");
    assert_int_equal(q_int(f, "SELECT count(*) FROM answer_events"), 2);
    assert_string_equal(q_text(f, "SELECT group_concat(action || ':' || score || ':' || source, ',') FROM "
                                  "(SELECT * FROM answer_events ORDER BY seq)"),
                        "ANSWER:2:TOUCH,CHANGE:4:VOICE");
    assert_int_equal(q_int(f, "SELECT count(*) FROM outbox WHERE kind = 'response'"), 2);
    /* Each outbox row carries the answer as committed with it, and names its event. */
    assert_string_equal(q_text(f, "SELECT group_concat(payload ->> '$.score', ',') FROM "
                                  "(SELECT payload FROM outbox WHERE kind = 'response' ORDER BY id)"),
                        "2,4");
    assert_int_equal(q_int(f, "SELECT count(*) FROM outbox o JOIN answer_events e ON e.id = o.payload ->> "
                              "'$.eventId' AND e.at = o.created_at AND e.score = o.payload ->> '$.score'"),
                     2);
    assert_string_equal(q_text(f, "SELECT payload ->> '$.responseType' FROM outbox ORDER BY id DESC"), "VOICE");
    assert_string_equal(q_text(f, "SELECT payload ->> '$.sessionId' FROM outbox ORDER BY id DESC"), sid);
    assert_int_equal(q_int(f, "SELECT payload ->> '$.questionNum' FROM outbox ORDER BY id DESC"), 7);
    assert_int_equal(q_int(f, "SELECT abs((payload ->> '$.confidence') - 0.82) < 1e-9 FROM outbox ORDER BY id DESC"),
                     1);
    assert_string_equal(q_text(f, "SELECT json_type(payload, '$.confidence') FROM outbox WHERE kind = 'response' "
                                  "ORDER BY id"),
                        "null");
    assert_string_equal(q_text(f, "SELECT payload ->> '$.id' FROM outbox ORDER BY id DESC"), first_id);
    int64_t n;
    assert_int_equal(store_event_count(f->st, sid, &n), STORE_OK);
    assert_int_equal(n, 2);
}

static void test_answer_validation(void **state)
{
    fixture *f = *state;
    const char *sid = tu_uuid(1);
    struct {
        int item, score;
    } bad[] = {{0, 1}, {31, 1}, {1, 0}, {1, 5}, {28, 5}, {29, 8}, {30, 0}};
    for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++) {
        store_answer a = tu_answer(sid, bad[i].item, bad[i].score, STORE_ACTION_ANSWER, TU_T0);
        if (store_record_answer(f->st, &a) != STORE_ERR_INVALID)
            fail_msg("item %d score %d accepted", bad[i].item, bad[i].score);
    }
    store_answer a = tu_answer(sid, 29, 7, STORE_ACTION_ANSWER, TU_T0);
    a.action = STORE_ACTION_SKIP;
    assert_int_equal(store_record_answer(f->st, &a), STORE_ERR_INVALID);
    a = tu_answer(sid, 29, 7, STORE_ACTION_ANSWER, TU_T0);
    a.has_confidence = true;
    a.confidence = 1.5;
    assert_int_equal(store_record_answer(f->st, &a), STORE_ERR_INVALID);
    a = tu_answer(sid, 29, 7, STORE_ACTION_ANSWER, TU_T0);
    a.question_text = NULL;
    assert_int_equal(store_record_answer(f->st, &a), STORE_ERR_INVALID);
    a = tu_answer(tu_uuid(99), 29, 7, STORE_ACTION_ANSWER, TU_T0);
    assert_int_equal(store_record_answer(f->st, &a), STORE_ERR_INVALID);
    assert_non_null(strstr(store_error(f->st), "unknown session"));
    assert_int_equal(store_record_answer(f->st, NULL), STORE_ERR_INVALID);
    assert_int_equal(q_int(f, "SELECT count(*) FROM answer_events"), 0);
    assert_int_equal(q_int(f, "SELECT count(*) FROM responses"), 0);
    a = tu_answer(sid, 29, 7, STORE_ACTION_ANSWER, TU_T0);
    assert_int_equal(store_record_answer(f->st, &a), STORE_OK);
    a = tu_answer(sid, 30, 1, STORE_ACTION_ANSWER, TU_T0);
    assert_int_equal(store_record_answer(f->st, &a), STORE_OK);
}

static void test_skip_removes_response(void **state)
{
    fixture *f = *state;
    const char *sid = tu_uuid(1);
    store_answer a = tu_answer(sid, 12, 3, STORE_ACTION_ANSWER, TU_T0 + 1);
    assert_int_equal(store_record_answer(f->st, &a), STORE_OK);
    assert_int_equal(store_record_skip(f->st, sid, 12, STORE_SOURCE_KEYBOARD, TU_T0 + 2), STORE_OK);
    assert_int_equal(q_int(f, "SELECT count(*) FROM responses"), 0);
    assert_string_equal(q_text(f, "SELECT action || ':' || source || ':' || (score IS NULL) FROM answer_events "
                                  "ORDER BY seq DESC"),
                        "SKIP:KEYBOARD:1");
    assert_string_equal(q_text(f, "SELECT kind FROM outbox ORDER BY id DESC"), "skip");
    assert_int_equal(q_int(f, "SELECT payload ->> '$.questionNum' FROM outbox ORDER BY id DESC"), 12);
    /* Skipping an item never answered is fine too. */
    assert_int_equal(store_record_skip(f->st, sid, 13, STORE_SOURCE_TOUCH, TU_T0 + 3), STORE_OK);
    assert_int_equal(store_record_skip(f->st, sid, 0, STORE_SOURCE_TOUCH, TU_T0 + 3), STORE_ERR_INVALID);
    assert_int_equal(store_record_skip(f->st, sid, 31, STORE_SOURCE_TOUCH, TU_T0 + 3), STORE_ERR_INVALID);
    assert_int_equal(store_record_skip(f->st, tu_uuid(50), 3, STORE_SOURCE_TOUCH, TU_T0 + 3), STORE_ERR_INVALID);
    assert_int_equal(q_int(f, "SELECT count(*) FROM answer_events"), 3);
}

static void test_check_updates_metadata(void **state)
{
    fixture *f = *state;
    const char *sid = tu_uuid(1);
    assert_int_equal(store_record_check(f->st, sid, true, STORE_SOURCE_VOICE, TU_T0 + 1), STORE_OK);
    assert_string_equal(q_text(f, "SELECT metadata ->> '$.audio_check' FROM sessions"), "ok");
    assert_string_equal(q_text(f, "SELECT action || ':' || question_num FROM answer_events"), "ANSWER:0");
    assert_string_equal(q_text(f, "SELECT payload ->> '$.metadata.audio_check' FROM outbox WHERE kind = 'check'"),
                        "ok");
    assert_int_equal(store_record_check(f->st, sid, false, STORE_SOURCE_TOUCH, TU_T0 + 2), STORE_OK);
    assert_string_equal(q_text(f, "SELECT metadata ->> '$.audio_check' FROM sessions"), "skipped");
    assert_string_equal(q_text(f, "SELECT action FROM answer_events ORDER BY seq DESC"), "SKIP");
    assert_int_equal(q_int(f, "SELECT count(*) FROM outbox WHERE kind = 'check' AND question_num = 0"), 2);
}

static void test_check_result_keeps_measurements(void **state)
{
    fixture *f = *state;
    const char *sid = tu_uuid(1);
    store_check noisy = {.result = "ok", .measured = true, .level_dbfs = -21.46, .snr_db = 7.04,
                         .noise_unsteady_db = 5.26, .advise_touch = true};
    assert_int_equal(store_record_check_result(f->st, sid, &noisy, STORE_SOURCE_VOICE, TU_T0 + 1), STORE_OK);
    assert_string_equal(q_text(f, "SELECT metadata ->> '$.audio_check' FROM sessions"), "ok");
    assert_string_equal(q_text(f, "SELECT metadata ->> '$.audio_snr_db' FROM sessions"), "7.0");
    assert_string_equal(q_text(f, "SELECT metadata ->> '$.audio_level_dbfs' FROM sessions"), "-21.5");
    assert_string_equal(q_text(f, "SELECT metadata ->> '$.audio_noise_unsteady_db' FROM sessions"), "5.3");
    assert_int_equal(q_int(f, "SELECT metadata ->> '$.advise_touch' FROM sessions"), 1);
    assert_int_equal(q_int(f, "SELECT count(*) FROM sessions WHERE metadata ->> '$.audio_echo_ms' IS NULL"), 1);
    store_check echoing = {.result = "ok", .measured = true, .level_dbfs = -20, .snr_db = 40, .echo_ms = 412.4};
    assert_int_equal(store_record_check_result(f->st, sid, &echoing, STORE_SOURCE_VOICE, TU_T0 + 1), STORE_OK);
    assert_int_equal(q_int(f, "SELECT metadata ->> '$.audio_echo_ms' FROM sessions"), 412);
    /* checked again where the echo could not be told: the earlier measure does not stay */
    assert_int_equal(store_record_check_result(f->st, sid, &noisy, STORE_SOURCE_VOICE, TU_T0 + 1), STORE_OK);
    assert_int_equal(q_int(f, "SELECT count(*) FROM sessions WHERE json_type(metadata, '$.audio_echo_ms') IS NULL"), 1);
    store_check failed = {.result = "failed", .advise_touch = true};
    assert_int_equal(store_record_check_result(f->st, sid, &failed, STORE_SOURCE_VOICE, TU_T0 + 2), STORE_OK);
    assert_string_equal(q_text(f, "SELECT metadata ->> '$.audio_check' FROM sessions"), "failed");
    assert_string_equal(q_text(f, "SELECT action FROM answer_events ORDER BY seq DESC"), "SKIP");
    store_check bad = {.result = "maybe"};
    assert_int_equal(store_record_check_result(f->st, sid, &bad, STORE_SOURCE_VOICE, TU_T0 + 3), STORE_ERR_INVALID);
    store_check absurd = {.result = "ok", .measured = true, .level_dbfs = INFINITY, .snr_db = 3};
    assert_int_equal(store_record_check_result(f->st, sid, &absurd, STORE_SOURCE_VOICE, TU_T0 + 3), STORE_ERR_INVALID);
    store_check no_echo = {.result = "ok", .measured = true, .level_dbfs = -20, .snr_db = 3, .echo_ms = NAN};
    assert_int_equal(store_record_check_result(f->st, sid, &no_echo, STORE_SOURCE_VOICE, TU_T0 + 3), STORE_ERR_INVALID);
    no_echo.echo_ms = -1;
    assert_int_equal(store_record_check_result(f->st, sid, &no_echo, STORE_SOURCE_VOICE, TU_T0 + 3), STORE_ERR_INVALID);
    store_check unsteady_nan = {.result = "ok", .measured = true, .level_dbfs = -20, .snr_db = 3, .noise_unsteady_db = NAN};
    assert_int_equal(store_record_check_result(f->st, sid, &unsteady_nan, STORE_SOURCE_VOICE, TU_T0 + 3),
                     STORE_ERR_INVALID);
    assert_int_equal(store_record_check_result(f->st, sid, NULL, STORE_SOURCE_VOICE, TU_T0 + 3), STORE_ERR_INVALID);
    assert_int_equal(q_int(f, "SELECT count(*) FROM answer_events"), 4); /* the four valid checks */
}

static void test_submit_closes_session(void **state)
{
    fixture *f = *state;
    const char *sid = tu_uuid(1);
    store_answer a = tu_answer(sid, 1, 1, STORE_ACTION_ANSWER, TU_T0 + 1);
    assert_int_equal(store_record_answer(f->st, &a), STORE_OK);
    assert_int_equal(store_submit(f->st, sid, TU_T0 + 60000), STORE_OK);
    assert_string_equal(q_text(f, "SELECT status FROM sessions"), "submitted");
    assert_string_equal(q_text(f, "SELECT completed_at FROM sessions"), "2026-11-26T10:18:33.123Z");
    assert_string_equal(q_text(f, "SELECT action || ':' || source || ':' || (question_num IS NULL) FROM "
                                  "answer_events ORDER BY seq DESC"),
                        "SUBMIT:SYSTEM:1");
    assert_string_equal(q_text(f, "SELECT payload ->> '$.status' FROM outbox WHERE kind = 'submit'"), "submitted");
    int64_t events = q_int(f, "SELECT count(*) FROM answer_events"), rows = q_int(f, "SELECT count(*) FROM outbox");

    /* A closed session cannot be changed, by any write. */
    a = tu_answer(sid, 2, 1, STORE_ACTION_ANSWER, TU_T0 + 2);
    assert_int_equal(store_record_answer(f->st, &a), STORE_ERR_INVALID);
    assert_non_null(strstr(store_error(f->st), "closed"));
    assert_int_equal(store_record_skip(f->st, sid, 2, STORE_SOURCE_TOUCH, TU_T0 + 2), STORE_ERR_INVALID);
    assert_int_equal(store_record_check(f->st, sid, true, STORE_SOURCE_TOUCH, TU_T0 + 2), STORE_ERR_INVALID);
    assert_int_equal(store_submit(f->st, sid, TU_T0 + 2), STORE_ERR_INVALID);
    assert_int_equal(store_close_incomplete(f->st, sid, TU_T0 + 2), STORE_ERR_INVALID);
    assert_int_equal(q_int(f, "SELECT count(*) FROM answer_events"), events);
    assert_int_equal(q_int(f, "SELECT count(*) FROM outbox"), rows);
    assert_string_equal(q_text(f, "SELECT status FROM sessions"), "submitted");
}

static void test_incomplete_closes_session(void **state)
{
    fixture *f = *state;
    const char *sid = tu_uuid(1);
    assert_int_equal(store_close_incomplete(f->st, sid, TU_T0 + 300000), STORE_OK);
    assert_string_equal(q_text(f, "SELECT status FROM sessions"), "incomplete");
    assert_int_equal(q_int(f, "SELECT completed_at IS NULL FROM sessions"), 1);
    assert_string_equal(q_text(f, "SELECT action FROM answer_events"), "TIMEOUT");
    assert_string_equal(q_text(f, "SELECT payload ->> '$.status' FROM outbox WHERE kind = 'incomplete'"),
                        "incomplete");
    store_answer a = tu_answer(sid, 2, 1, STORE_ACTION_ANSWER, TU_T0 + 2);
    assert_int_equal(store_record_answer(f->st, &a), STORE_ERR_INVALID);
    assert_int_equal(store_submit(f->st, sid, TU_T0 + 2), STORE_ERR_INVALID);
    assert_int_equal(q_int(f, "SELECT count(*) FROM answer_events"), 1);
}

static void test_events_are_append_only(void **state)
{
    fixture *f = *state;
    const char *sid = tu_uuid(1);
    store_answer a = tu_answer(sid, 4, 2, STORE_ACTION_ANSWER, TU_T0 + 1);
    assert_int_equal(store_record_answer(f->st, &a), STORE_OK);
    assert_int_equal(store_record_skip(f->st, sid, 5, STORE_SOURCE_TOUCH, TU_T0 + 2), STORE_OK);
    assert_int_equal(tu_exec(f->db, "UPDATE answer_events SET score = 1"), SQLITE_CONSTRAINT);
    assert_int_equal(tu_exec(f->db, "UPDATE answer_events SET at = '2000-01-01T00:00:00.000Z' WHERE seq = 1"),
                     SQLITE_CONSTRAINT);
    assert_int_equal(tu_exec(f->db, "DELETE FROM answer_events WHERE seq = 1"), SQLITE_CONSTRAINT);
    assert_int_equal(tu_exec(f->db, "DELETE FROM answer_events"), SQLITE_CONSTRAINT);
    assert_int_equal(tu_exec(f->db, "PRAGMA foreign_keys = ON; DELETE FROM sessions"), SQLITE_CONSTRAINT);
    assert_int_equal(q_int(f, "SELECT count(*) FROM answer_events"), 2);
    assert_int_equal(q_int(f, "SELECT score FROM answer_events WHERE seq = 1"), 2);
    assert_int_equal(q_int(f, "SELECT max(seq) - min(seq) FROM answer_events"), 1);
}

/* Another process holding the write lock longer than the busy timeout: BUSY, nothing stored,
 * and the same write succeeds once the lock is gone. */
static void test_busy(void **state)
{
    fixture *f = *state;
    store_close(f->st);
    store_options o = {.busy_timeout_ms = 50};
    char err[512];
    assert_int_equal(store_open(f->db, &o, &f->st, err, sizeof err), STORE_OK);
    sqlite3 *other = NULL;
    assert_int_equal(sqlite3_open_v2(f->db, &other, SQLITE_OPEN_READWRITE, NULL), SQLITE_OK);
    assert_int_equal(sqlite3_exec(other, "BEGIN IMMEDIATE", NULL, NULL, NULL), SQLITE_OK);
    store_answer a = tu_answer(tu_uuid(1), 6, 2, STORE_ACTION_ANSWER, TU_T0 + 1);
    assert_int_equal(store_record_answer(f->st, &a), STORE_ERR_BUSY);
    assert_non_null(strstr(store_error(f->st), "locked"));
    assert_int_equal(sqlite3_exec(other, "COMMIT", NULL, NULL, NULL), SQLITE_OK);
    sqlite3_close(other);
    assert_int_equal(q_int(f, "SELECT count(*) FROM answer_events"), 0);
    assert_int_equal(store_record_answer(f->st, &a), STORE_OK);
    assert_int_equal(q_int(f, "SELECT count(*) FROM answer_events"), 1);
}

static void test_schema_checks(void **state)
{
    fixture *f = *state;
    char sql[512];
    /* The schema refuses what the C checks refuse, for anyone writing to the file. */
    snprintf(sql, sizeof sql,
             "INSERT INTO responses VALUES ('00000000-0000-4000-8000-00000000aaaa', '%s', 3, 'q', 5, 'r', NULL, "
             "'MANUAL', '2026-11-26T10:17:33.123Z', NULL)",
             tu_uuid(1));
    assert_int_equal(tu_exec(f->db, sql), SQLITE_CONSTRAINT);
    snprintf(sql, sizeof sql,
             "INSERT INTO responses VALUES ('00000000-0000-4000-8000-00000000aaaa', '%s', 30, 'q', 7, 'r', NULL, "
             "'TYPED', '2026-11-26T10:17:33.123Z', NULL)",
             tu_uuid(1));
    assert_int_equal(tu_exec(f->db, sql), SQLITE_CONSTRAINT);
    snprintf(sql, sizeof sql,
             "INSERT INTO answer_events (id, session_id, question_num, action, source, at) VALUES "
             "('00000000-0000-4000-8000-00000000bbbb', '%s', NULL, 'ANSWER', 'TOUCH', '2026-11-26T10:17:33.123Z')",
             tu_uuid(1));
    assert_int_equal(tu_exec(f->db, sql), SQLITE_CONSTRAINT);
    assert_int_equal(tu_exec(f->db, "UPDATE sessions SET status = 'done'"), SQLITE_CONSTRAINT);
    assert_int_equal(tu_exec(f->db, "UPDATE sessions SET created_at = '26/11/2026'"), SQLITE_CONSTRAINT);
    assert_int_equal(tu_exec(f->db, "PRAGMA foreign_keys = ON; INSERT INTO outbox (kind, session_id, payload, "
                                    "created_at) VALUES ('skip', 'nope', '{}', '2026-11-26T10:17:33.123Z')"),
                     SQLITE_CONSTRAINT);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test_setup_teardown(test_session_row_and_outbox, setup, teardown),
        cmocka_unit_test_setup_teardown(test_session_validation, setup, teardown),
        cmocka_unit_test_setup_teardown(test_timestamps, setup, teardown),
        cmocka_unit_test_setup_teardown(test_answer_then_change, setup, teardown),
        cmocka_unit_test_setup_teardown(test_answer_validation, setup, teardown),
        cmocka_unit_test_setup_teardown(test_skip_removes_response, setup, teardown),
        cmocka_unit_test_setup_teardown(test_check_updates_metadata, setup, teardown),
        cmocka_unit_test_setup_teardown(test_submit_closes_session, setup, teardown),
        cmocka_unit_test_setup_teardown(test_incomplete_closes_session, setup, teardown),
        cmocka_unit_test_setup_teardown(test_events_are_append_only, setup, teardown),
        cmocka_unit_test_setup_teardown(test_busy, setup, teardown),
        cmocka_unit_test_setup_teardown(test_check_result_keeps_measurements, setup, teardown),
        cmocka_unit_test_setup_teardown(test_schema_checks, setup, teardown),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
