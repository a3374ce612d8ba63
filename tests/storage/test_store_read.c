/*
 * test_store_read.c - resuming (store_find_unfinished), the export walk and the counters.
 */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <cmocka.h>

#include "store_test_util.h"

typedef tu_fixture fixture;

static int setup(void **state)
{
    fixture *f = tu_fixture_open();
    *state = f;
    return 0;
}

static int teardown(void **state)
{
    tu_fixture_close(*state);
    return 0;
}

static void new_session(fixture *f, int n, int64_t created_ms)
{
    store_new_session s = tu_session(tu_uuid(n), created_ms);
    assert_int_equal(store_create_session(f->st, &s), STORE_OK);
}

static void answer(fixture *f, int n, int item, int score, store_action action, int64_t at)
{
    store_answer a = tu_answer(tu_uuid(n), item, score, action, at);
    assert_int_equal(store_record_answer(f->st, &a), STORE_OK);
}

static void test_none_unfinished(void **state)
{
    fixture *f = *state;
    store_unfinished u;
    assert_int_equal(store_find_unfinished(f->st, &u), STORE_ERR_NOT_FOUND);
    new_session(f, 1, TU_T0);
    assert_int_equal(store_submit(f->st, tu_uuid(1), TU_T0 + 10), STORE_OK);
    new_session(f, 2, TU_T0 + 20);
    assert_int_equal(store_close_incomplete(f->st, tu_uuid(2), TU_T0 + 30), STORE_OK);
    assert_int_equal(store_find_unfinished(f->st, &u), STORE_ERR_NOT_FOUND);
}

static void test_fresh_session_has_nothing(void **state)
{
    fixture *f = *state;
    new_session(f, 1, TU_T0);
    store_unfinished u;
    assert_int_equal(store_find_unfinished(f->st, &u), STORE_OK);
    assert_string_equal(u.id, tu_uuid(1));
    assert_string_equal(u.initials, "JD");
    assert_string_equal(u.birth_date, "1950-04-02");
    assert_string_equal(u.today_date, "2026-11-26");
    assert_string_equal(u.mode, "MANUAL");
    assert_string_equal(u.language, "fr");
    assert_true(u.audio_enabled);
    assert_int_equal(u.last_item, -1);
    assert_int_equal(u.last_activity_ms, TU_T0);
    for (int i = 0; i <= 30; i++)
        assert_int_equal(u.answers[i], 0);
}

static void test_answers_skips_and_last_item(void **state)
{
    fixture *f = *state;
    new_session(f, 1, TU_T0);
    const char *sid = tu_uuid(1);
    assert_int_equal(store_record_check(f->st, sid, true, STORE_SOURCE_TOUCH, TU_T0 + 100), STORE_OK);
    answer(f, 1, 1, 2, STORE_ACTION_ANSWER, TU_T0 + 200);
    assert_int_equal(store_record_skip(f->st, sid, 2, STORE_SOURCE_TOUCH, TU_T0 + 300), STORE_OK);
    answer(f, 1, 3, 4, STORE_ACTION_ANSWER, TU_T0 + 400);
    assert_int_equal(store_record_skip(f->st, sid, 4, STORE_SOURCE_VOICE, TU_T0 + 500), STORE_OK);
    answer(f, 1, 4, 3, STORE_ACTION_ANSWER, TU_T0 + 600); /* skipped, then answered */
    /* answered, then skipped */
    assert_int_equal(store_record_skip(f->st, sid, 3, STORE_SOURCE_TOUCH, TU_T0 + 700), STORE_OK);
    answer(f, 1, 29, 6, STORE_ACTION_ANSWER, TU_T0 + 800);
    answer(f, 1, 1, 1, STORE_ACTION_CHANGE, TU_T0 + 900); /* back to item 1 */

    store_unfinished u;
    assert_int_equal(store_find_unfinished(f->st, &u), STORE_OK);
    assert_int_equal(u.answers[0], 1);
    assert_int_equal(u.answers[1], 1);
    assert_int_equal(u.answers[2], -1);
    assert_int_equal(u.answers[3], -1);
    assert_int_equal(u.answers[4], 3);
    assert_int_equal(u.answers[5], 0);
    assert_int_equal(u.answers[29], 6);
    assert_int_equal(u.answers[30], 0);
    assert_int_equal(u.last_item, 1);
    assert_int_equal(u.last_activity_ms, TU_T0 + 900);
}

static void test_check_only(void **state)
{
    fixture *f = *state;
    new_session(f, 1, TU_T0);
    assert_int_equal(store_record_check(f->st, tu_uuid(1), false, STORE_SOURCE_TOUCH, TU_T0 + 5), STORE_OK);
    store_unfinished u;
    assert_int_equal(store_find_unfinished(f->st, &u), STORE_OK);
    assert_int_equal(u.last_item, 0);
    assert_int_equal(u.answers[0], -1);
    assert_int_equal(u.last_activity_ms, TU_T0 + 5);
}

static void test_latest_session_chosen(void **state)
{
    fixture *f = *state;
    /* Created out of order: the most recent by creation time wins, not the last inserted. */
    new_session(f, 2, TU_T0 + 60000);
    new_session(f, 1, TU_T0);
    new_session(f, 3, TU_T0 + 120000);
    answer(f, 1, 5, 2, STORE_ACTION_ANSWER, TU_T0 + 200000);
    store_unfinished u;
    assert_int_equal(store_find_unfinished(f->st, &u), STORE_OK);
    assert_string_equal(u.id, tu_uuid(3));
    assert_int_equal(store_submit(f->st, tu_uuid(3), TU_T0 + 130000), STORE_OK);
    assert_int_equal(store_find_unfinished(f->st, &u), STORE_OK);
    assert_string_equal(u.id, tu_uuid(2));
    assert_int_equal(store_close_incomplete(f->st, tu_uuid(2), TU_T0 + 130000), STORE_OK);
    assert_int_equal(store_find_unfinished(f->st, &u), STORE_OK);
    assert_string_equal(u.id, tu_uuid(1));
    assert_int_equal(u.answers[5], 2);
    assert_int_equal(u.last_item, 5);
}

static void test_survives_reopen(void **state)
{
    fixture *f = *state;
    new_session(f, 1, TU_T0);
    answer(f, 1, 9, 3, STORE_ACTION_ANSWER, TU_T0 + 10);
    store_close(f->st);
    f->st = tu_open(f->db);
    store_unfinished u;
    assert_int_equal(store_find_unfinished(f->st, &u), STORE_OK);
    assert_int_equal(u.answers[9], 3);
    assert_int_equal(u.last_item, 9);
}

typedef struct {
    int calls;
    int stop_after;
    char ids[8][37];
    char statuses[8][16];
    int items[8][31];
    size_t n_items[8];
    int completed_null[8];
    int voice_confidence_ok;
} walk;

static int visitor(void *ctx, const store_session_row *s, const store_response_row *r, size_t n)
{
    walk *w = ctx;
    int i = w->calls++;
    snprintf(w->ids[i], sizeof w->ids[i], "%s", s->id);
    snprintf(w->statuses[i], sizeof w->statuses[i], "%s", s->status);
    w->completed_null[i] = s->completed_at == NULL;
    w->n_items[i] = n;
    for (size_t k = 0; k < n; k++) {
        w->items[i][k] = r[k].question_num;
        assert_string_equal(r[k].session_id, s->id);
        if (r[k].question_num == 2)
            w->voice_confidence_ok = r[k].has_confidence && r[k].confidence > 0.49 && r[k].confidence < 0.51 &&
                                     strcmp(r[k].response_type, "VOICE") == 0 && strcmp(r[k].transcript, "deux") == 0;
        else
            assert_null(r[k].transcript);
    }
    return w->calls == w->stop_after ? 42 : 0;
}

static void test_each_session_order(void **state)
{
    fixture *f = *state;
    new_session(f, 2, TU_T0 + 5000);
    new_session(f, 1, TU_T0);
    new_session(f, 3, TU_T0 + 9000);
    answer(f, 1, 9, 1, STORE_ACTION_ANSWER, TU_T0 + 1);
    store_answer v = tu_answer(tu_uuid(1), 2, 2, STORE_ACTION_ANSWER, TU_T0 + 2);
    v.source = STORE_SOURCE_VOICE;
    v.transcript = "deux";
    v.has_confidence = true;
    v.confidence = 0.5;
    assert_int_equal(store_record_answer(f->st, &v), STORE_OK);
    answer(f, 1, 30, 7, STORE_ACTION_ANSWER, TU_T0 + 3);
    answer(f, 1, 5, 4, STORE_ACTION_ANSWER, TU_T0 + 4);
    assert_int_equal(store_submit(f->st, tu_uuid(1), TU_T0 + 10), STORE_OK);

    walk w = {.stop_after = -1};
    int result = -1;
    assert_int_equal(store_each_session(f->st, visitor, &w, &result), STORE_OK);
    assert_int_equal(result, 0);
    assert_int_equal(w.calls, 3);
    assert_string_equal(w.ids[0], tu_uuid(1));
    assert_string_equal(w.ids[1], tu_uuid(2));
    assert_string_equal(w.ids[2], tu_uuid(3));
    assert_string_equal(w.statuses[0], "submitted");
    assert_string_equal(w.statuses[1], "in_progress");
    assert_false(w.completed_null[0]);
    assert_true(w.completed_null[1]);
    assert_int_equal(w.n_items[0], 4);
    int want[] = {2, 5, 9, 30};
    for (int k = 0; k < 4; k++)
        assert_int_equal(w.items[0][k], want[k]);
    assert_int_equal(w.n_items[1], 0);
    assert_true(w.voice_confidence_ok);

    walk stop = {.stop_after = 2};
    assert_int_equal(store_each_session(f->st, visitor, &stop, &result), STORE_OK);
    assert_int_equal(result, 42);
    assert_int_equal(stop.calls, 2);
    /* The store is still usable after an early stop. */
    answer(f, 2, 1, 1, STORE_ACTION_ANSWER, TU_T0 + 6000);
    assert_int_equal(store_each_session(f->st, NULL, NULL, &result), STORE_ERR_INVALID);
}

typedef struct {
    store *st;
    int calls;
    store_status write_status, find_status;
    int64_t events;
} reentrant;

static int reentrant_visitor(void *ctx, const store_session_row *s, const store_response_row *r, size_t n)
{
    (void)r, (void)n;
    reentrant *re = ctx;
    re->calls++;
    store_answer a = tu_answer(s->id, 1, 1, STORE_ACTION_ANSWER, TU_T0);
    re->write_status = store_record_answer(re->st, &a);
    store_unfinished u;
    re->find_status = store_find_unfinished(re->st, &u);
    store_event_count(re->st, s->id, &re->events);
    return 0;
}

/* The export walk holds one read transaction; a visitor calling back into the store must not
 * break it (or write half-way through it). */
static void test_each_session_refuses_reentry(void **state)
{
    fixture *f = *state;
    new_session(f, 1, TU_T0);
    new_session(f, 2, TU_T0 + 1);
    reentrant re = {.st = f->st, .events = -1};
    int result = -1;
    assert_int_equal(store_each_session(f->st, reentrant_visitor, &re, &result), STORE_OK);
    assert_int_equal(re.calls, 2);
    assert_int_equal(re.write_status, STORE_ERR_INVALID);
    assert_int_equal(re.find_status, STORE_ERR_INVALID);
    assert_int_equal(re.events, 0);
    answer(f, 1, 1, 1, STORE_ACTION_ANSWER, TU_T0 + 2);
    store_unfinished u;
    assert_int_equal(store_find_unfinished(f->st, &u), STORE_OK);
}

static void test_counts(void **state)
{
    fixture *f = *state;
    new_session(f, 1, TU_T0);
    new_session(f, 2, TU_T0);
    answer(f, 1, 1, 1, STORE_ACTION_ANSWER, TU_T0);
    answer(f, 1, 1, 2, STORE_ACTION_CHANGE, TU_T0);
    answer(f, 2, 1, 2, STORE_ACTION_ANSWER, TU_T0);
    int64_t n = -1;
    assert_int_equal(store_event_count(f->st, tu_uuid(1), &n), STORE_OK);
    assert_int_equal(n, 2);
    assert_int_equal(store_event_count(f->st, tu_uuid(2), &n), STORE_OK);
    assert_int_equal(n, 1);
    assert_int_equal(store_event_count(f->st, NULL, &n), STORE_OK);
    assert_int_equal(n, 3);
    assert_int_equal(store_event_count(f->st, tu_uuid(7), &n), STORE_ERR_INVALID);
    assert_int_equal(store_outbox_count(f->st, &n), STORE_OK);
    assert_int_equal(n, 5); /* two sessions, three answers */
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test_setup_teardown(test_none_unfinished, setup, teardown),
        cmocka_unit_test_setup_teardown(test_fresh_session_has_nothing, setup, teardown),
        cmocka_unit_test_setup_teardown(test_answers_skips_and_last_item, setup, teardown),
        cmocka_unit_test_setup_teardown(test_check_only, setup, teardown),
        cmocka_unit_test_setup_teardown(test_latest_session_chosen, setup, teardown),
        cmocka_unit_test_setup_teardown(test_survives_reopen, setup, teardown),
        cmocka_unit_test_setup_teardown(test_each_session_order, setup, teardown),
        cmocka_unit_test_setup_teardown(test_each_session_refuses_reentry, setup, teardown),
        cmocka_unit_test_setup_teardown(test_counts, setup, teardown),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
