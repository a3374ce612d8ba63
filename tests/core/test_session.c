/* The session state machine: every transition, the ISPOR ePRO rules, commit-before-acknowledge. */
#include "session_fixture.h"

static const char *UUID = FIXTURE_UUID;

static void answer_committed(fixture *f, int value)
{
    send(f, ev_of(QLQ_EV_ANSWER, value));
    assert_non_null(find_fx(f, QLQ_FX_SAVE_ANSWER));
    send(f, ev_of(QLQ_EV_COMMITTED, 0));
    assert_non_null(find_fx(f, QLQ_FX_ACK));
}

static void test_identity_flow_and_session_creation(void **state)
{
    (void)state;
    fixture f;
    start(&f);
    assert_int_equal(f.s.step, QLQ_STEP_CONSENT);
    assert_string_equal(f.s.session_id, UUID);
    send(&f, ev_of(QLQ_EV_CONSENT, 1));
    assert_int_equal(f.s.step, QLQ_STEP_INITIALS);
    send_text(&f, QLQ_EV_INITIALS, "jd");
    assert_int_equal(f.s.step, QLQ_STEP_BIRTH_DATE);
    assert_string_equal(f.s.initials, "JD");
    send_text(&f, QLQ_EV_BIRTH_DATE, "1946-03-14");
    assert_int_equal(f.s.step, QLQ_STEP_MODE);
    send(&f, ev_of(QLQ_EV_MODE, QLQ_MODE_MANUAL));
    assert_int_equal(f.s.step, QLQ_STEP_AUDIO);
    send(&f, ev_of(QLQ_EV_AUDIO, 0));
    assert_int_equal(f.s.pending, QLQ_PENDING_CREATE);
    assert_non_null(find_fx(&f, QLQ_FX_CREATE_SESSION));
    assert_false(f.s.session_created);
    send(&f, ev_of(QLQ_EV_COMMITTED, 0));
    assert_non_null(find_fx(&f, QLQ_FX_STARTED));
    assert_true(f.s.session_created);
    assert_int_equal(f.s.step, QLQ_STEP_ITEM);
    assert_int_equal(f.s.item, 1); /* audio off: no item 0 */
}

static void test_audio_on_starts_with_check_item(void **state)
{
    (void)state;
    fixture f;
    to_items(&f, QLQ_MODE_CONTINUOUS, true);
    assert_int_equal(f.s.item, 0);
    const qlq_effect *speak = find_fx(&f, QLQ_FX_SPEAK);
    assert_non_null(speak);
    assert_int_equal(speak->item, 0);
    send(&f, ev_of(QLQ_EV_ANSWER, 1));
    const qlq_effect *save = find_fx(&f, QLQ_FX_SAVE_CHECK);
    assert_non_null(save);
    assert_int_equal(save->value, 1);
    send(&f, ev_of(QLQ_EV_COMMITTED, 0));
    assert_int_equal(f.s.item, 1);
    const qlq_effect *listen = find_fx(&f, QLQ_FX_LISTEN);
    assert_non_null(listen);
    assert_int_equal(listen->value, 4);
}

static void test_check_item_skip(void **state)
{
    (void)state;
    fixture f;
    to_items(&f, QLQ_MODE_MANUAL, true);
    send(&f, ev_of(QLQ_EV_SKIP, 0));
    assert_int_equal(find_fx(&f, QLQ_FX_SAVE_CHECK)->value, 0);
    send(&f, ev_of(QLQ_EV_COMMITTED, 0));
    assert_int_equal(f.s.answers[0], QLQ_ANSWER_SKIPPED);
    assert_int_equal(f.s.item, 1);
    /* manual mode never listens by itself */
    assert_null(find_fx(&f, QLQ_FX_LISTEN));
}

static void test_identity_refusals(void **state)
{
    (void)state;
    fixture f;
    start(&f);
    send(&f, ev_of(QLQ_EV_CONSENT, 7));
    assert_refused(&f, QLQ_REFUSE_YES_NO);
    send(&f, ev_of(QLQ_EV_CONSENT, 1));
    const char *bad_initials[] = {"", "ABCDE", "J1", "J D", "é"};
    for (size_t i = 0; i < sizeof bad_initials / sizeof *bad_initials; i++) {
        send_text(&f, QLQ_EV_INITIALS, bad_initials[i]);
        assert_refused(&f, QLQ_REFUSE_INITIALS);
        assert_int_equal(f.s.step, QLQ_STEP_INITIALS);
    }
    send_text(&f, QLQ_EV_INITIALS, "ABCD");
    const char *bad_dates[] = {"1946-02-30", "14/03/1946", "1946-3-14", "abcd-ef-gh", "1899-12-31", "2023-02-29"};
    for (size_t i = 0; i < sizeof bad_dates / sizeof *bad_dates; i++) {
        send_text(&f, QLQ_EV_BIRTH_DATE, bad_dates[i]);
        assert_refused(&f, QLQ_REFUSE_DATE_FORMAT);
    }
    send_text(&f, QLQ_EV_BIRTH_DATE, "2026-11-26"); /* today is not in the past */
    assert_refused(&f, QLQ_REFUSE_DATE_FUTURE);
    send_text(&f, QLQ_EV_BIRTH_DATE, "2030-01-01");
    assert_refused(&f, QLQ_REFUSE_DATE_FUTURE);
    send_text(&f, QLQ_EV_BIRTH_DATE, "2024-02-29");
    assert_int_equal(f.s.step, QLQ_STEP_MODE);
    send(&f, ev_of(QLQ_EV_MODE, 9));
    assert_refused(&f, QLQ_REFUSE_MODE);
    send(&f, ev_of(QLQ_EV_ANSWER, 1));
    assert_refused(&f, QLQ_REFUSE_NOT_NOW);
}

static void test_back_through_identity(void **state)
{
    (void)state;
    fixture f;
    start(&f);
    send(&f, ev_of(QLQ_EV_CONSENT, 1));
    send_text(&f, QLQ_EV_INITIALS, "AB");
    send(&f, ev_of(QLQ_EV_BACK, 0));
    assert_int_equal(f.s.step, QLQ_STEP_INITIALS);
    send(&f, ev_of(QLQ_EV_BACK, 0));
    assert_int_equal(f.s.step, QLQ_STEP_CONSENT);
    send(&f, ev_of(QLQ_EV_BACK, 0));
    assert_refused(&f, QLQ_REFUSE_NOT_NOW);
}

static void test_consent_refused_then_cleared(void **state)
{
    (void)state;
    fixture f;
    start(&f);
    send(&f, ev_of(QLQ_EV_CONSENT, 0));
    assert_int_equal(f.s.step, QLQ_STEP_DECLINED);
    assert_null(find_fx(&f, QLQ_FX_CREATE_SESSION));
    send(&f, ev_of(QLQ_EV_CONTINUE, 0));
    assert_int_equal(f.s.step, QLQ_STEP_WELCOME);
    assert_non_null(find_fx(&f, QLQ_FX_CLEAR));
    assert_string_equal(f.s.session_id, "");
}

static void test_no_answer_preselected_and_ack_only_after_commit(void **state)
{
    (void)state;
    fixture f;
    to_items(&f, QLQ_MODE_MANUAL, false);
    for (int i = 1; i <= 30; i++)
        assert_int_equal(f.s.answers[i], QLQ_ANSWER_NONE);
    send(&f, ev_of(QLQ_EV_ANSWER, 3));
    const qlq_effect *save = find_fx(&f, QLQ_FX_SAVE_ANSWER);
    assert_non_null(save);
    assert_int_equal(save->item, 1);
    assert_int_equal(save->value, 3);
    assert_int_equal(save->action, QLQ_ACTION_ANSWER);
    assert_null(find_fx(&f, QLQ_FX_ACK));
    assert_int_equal(f.s.answers[1], QLQ_ANSWER_NONE); /* not yet durable */
    /* while the write is pending, nothing else is taken */
    send(&f, ev_of(QLQ_EV_ANSWER, 2));
    assert_refused(&f, QLQ_REFUSE_NOT_NOW);
    send(&f, ev_of(QLQ_EV_COMMITTED, 0));
    const qlq_effect *ack = find_fx(&f, QLQ_FX_ACK);
    assert_non_null(ack);
    assert_int_equal(ack->item, 1);
    assert_int_equal(ack->value, 3);
    assert_int_equal(f.s.answers[1], 3);
    assert_int_equal(f.s.item, 2);
}

static void test_failed_commit_is_not_acknowledged(void **state)
{
    (void)state;
    fixture f;
    to_items(&f, QLQ_MODE_MANUAL, false);
    send(&f, ev_of(QLQ_EV_ANSWER, 2));
    send(&f, ev_of(QLQ_EV_COMMIT_FAILED, 0));
    assert_non_null(find_fx(&f, QLQ_FX_SAVE_FAILED));
    assert_null(find_fx(&f, QLQ_FX_ACK));
    assert_int_equal(f.s.item, 1);
    assert_int_equal(f.s.answers[1], QLQ_ANSWER_NONE);
    answer_committed(&f, 2); /* the same answer can be given again */
    assert_int_equal(f.s.answers[1], 2);
}

static void test_failed_session_creation_asks_again(void **state)
{
    (void)state;
    fixture f;
    start(&f);
    send(&f, ev_of(QLQ_EV_CONSENT, 1));
    send_text(&f, QLQ_EV_INITIALS, "X");
    send_text(&f, QLQ_EV_BIRTH_DATE, "1950-01-01");
    send(&f, ev_of(QLQ_EV_MODE, QLQ_MODE_MANUAL));
    send(&f, ev_of(QLQ_EV_AUDIO, 1));
    send(&f, ev_of(QLQ_EV_COMMIT_FAILED, 0));
    assert_int_equal(f.s.step, QLQ_STEP_AUDIO);
    assert_false(f.s.session_created);
    send(&f, ev_of(QLQ_EV_AUDIO, 1));
    assert_non_null(find_fx(&f, QLQ_FX_CREATE_SESSION));
}

static void test_answer_ranges_per_scale(void **state)
{
    (void)state;
    fixture f;
    to_items(&f, QLQ_MODE_MANUAL, false);
    send(&f, ev_of(QLQ_EV_ANSWER, 5));
    assert_refused(&f, QLQ_REFUSE_ANSWER);
    send(&f, ev_of(QLQ_EV_ANSWER, 0));
    assert_refused(&f, QLQ_REFUSE_ANSWER);
    for (int i = 1; i <= 28; i++)
        answer_committed(&f, 4);
    assert_int_equal(f.s.item, 29);
    send(&f, ev_of(QLQ_EV_ANSWER, 8));
    assert_refused(&f, QLQ_REFUSE_ANSWER);
    answer_committed(&f, 7);
    answer_committed(&f, 1);
    assert_int_equal(f.s.step, QLQ_STEP_REVIEW);
    int missing[30];
    assert_int_equal(qlq_session_missing(&f.s, missing), 0);
}

static void test_back_and_change_records_change(void **state)
{
    (void)state;
    fixture f;
    to_items(&f, QLQ_MODE_MANUAL, false);
    answer_committed(&f, 1);
    answer_committed(&f, 2);
    send(&f, ev_of(QLQ_EV_BACK, 0));
    assert_int_equal(f.s.item, 2);
    assert_int_equal(f.s.answers[2], 2); /* the patient's own answer stays visible */
    send(&f, ev_of(QLQ_EV_ANSWER, 4));
    assert_int_equal(find_fx(&f, QLQ_FX_SAVE_ANSWER)->action, QLQ_ACTION_CHANGE);
    send(&f, ev_of(QLQ_EV_COMMITTED, 0));
    assert_int_equal(f.s.answers[2], 4);
    assert_int_equal(f.s.item, 3);
    send(&f, ev_of(QLQ_EV_BACK, 0));
    send(&f, ev_of(QLQ_EV_BACK, 0));
    assert_int_equal(f.s.item, 1);
    send(&f, ev_of(QLQ_EV_BACK, 0));
    assert_refused(&f, QLQ_REFUSE_NOT_NOW);
}

static void test_skip_then_answer_at_review(void **state)
{
    (void)state;
    fixture f;
    to_items(&f, QLQ_MODE_MANUAL, false);
    for (int i = 1; i <= 30; i++) {
        if (i == 3 || i == 17) {
            send(&f, ev_of(QLQ_EV_SKIP, 0));
            assert_non_null(find_fx(&f, QLQ_FX_SAVE_SKIP));
            send(&f, ev_of(QLQ_EV_COMMITTED, 0));
            assert_int_equal(find_fx(&f, QLQ_FX_ACK)->value, QLQ_ANSWER_SKIPPED);
        } else {
            answer_committed(&f, i >= 29 ? 5 : 2);
        }
    }
    assert_int_equal(f.s.step, QLQ_STEP_REVIEW);
    int missing[30];
    assert_int_equal(qlq_session_missing(&f.s, missing), 2);
    assert_int_equal(missing[0], 3);
    assert_int_equal(missing[1], 17);
    send(&f, ev_of(QLQ_EV_GOTO, 31));
    assert_refused(&f, QLQ_REFUSE_REVIEW);
    send(&f, ev_of(QLQ_EV_GOTO, 17));
    assert_int_equal(f.s.step, QLQ_STEP_ITEM);
    assert_int_equal(f.s.item, 17);
    answer_committed(&f, 1);
    assert_int_equal(f.s.step, QLQ_STEP_REVIEW); /* back to the review, not on to item 18 */
    assert_int_equal(qlq_session_missing(&f.s, missing), 1);
    send(&f, ev_of(QLQ_EV_SUBMIT, 0));
    assert_non_null(find_fx(&f, QLQ_FX_SUBMIT_SESSION));
    assert_int_equal(f.s.step, QLQ_STEP_REVIEW);
    send(&f, ev_of(QLQ_EV_COMMITTED, 0));
    assert_non_null(find_fx(&f, QLQ_FX_SUBMITTED));
    assert_int_equal(f.s.step, QLQ_STEP_SUBMITTED);
    send(&f, ev_of(QLQ_EV_ANSWER, 1));
    assert_refused(&f, QLQ_REFUSE_NOT_NOW); /* no change after submission */
    send(&f, ev_of(QLQ_EV_CONTINUE, 0));
    assert_int_equal(f.s.step, QLQ_STEP_WELCOME);
    assert_non_null(find_fx(&f, QLQ_FX_CLEAR));
    assert_int_equal(f.s.answers[1], QLQ_ANSWER_NONE);
    assert_string_equal(f.s.initials, "");
}

static void test_review_back_and_repeat(void **state)
{
    (void)state;
    fixture f;
    to_items(&f, QLQ_MODE_CONTINUOUS, true);
    send(&f, ev_of(QLQ_EV_ANSWER, 1));
    send(&f, ev_of(QLQ_EV_COMMITTED, 0));
    send(&f, ev_of(QLQ_EV_REPEAT, 0));
    const qlq_effect *speak = find_fx(&f, QLQ_FX_SPEAK);
    assert_non_null(speak);
    assert_int_equal(speak->item, 1);
    assert_non_null(find_fx(&f, QLQ_FX_LISTEN));
    for (int i = 1; i <= 30; i++)
        answer_committed(&f, 1);
    assert_int_equal(f.s.step, QLQ_STEP_REVIEW);
    send(&f, ev_of(QLQ_EV_BACK, 0));
    assert_int_equal(f.s.item, 30);
    const qlq_effect *listen = find_fx(&f, QLQ_FX_LISTEN);
    assert_non_null(listen);
    assert_int_equal(listen->value, 7);
}

static void test_voice_answer_carries_transcript(void **state)
{
    (void)state;
    fixture f;
    to_items(&f, QLQ_MODE_CONTINUOUS, false);
    qlq_event ev = ev_of(QLQ_EV_ANSWER, 3);
    ev.source = QLQ_SOURCE_VOICE;
    ev.has_confidence = true;
    ev.confidence = 0.875f;
    strcpy(ev.text, "assez");
    send(&f, ev);
    const qlq_effect *save = find_fx(&f, QLQ_FX_SAVE_ANSWER);
    assert_non_null(save);
    assert_int_equal(save->source, QLQ_SOURCE_VOICE);
    assert_true(save->has_confidence);
    assert_true(save->confidence == 0.875f);
    assert_string_equal(save->text, "assez");
    assert_true(save->wall_ms == ev.wall_ms);
}

static void test_idle_warning_then_timeout_closes_incomplete(void **state)
{
    (void)state;
    fixture f;
    to_items(&f, QLQ_MODE_MANUAL, false);
    answer_committed(&f, 2);
    int64_t t0 = f.now;
    qlq_event tick = ev_of(QLQ_EV_TICK, 0);
    tick.mono_ms = t0 + 2 * 60 * 1000;
    qlq_session_step(&f.s, &tick, &f.fx);
    assert_int_equal(f.fx.count, 0);
    tick.mono_ms = t0 + 3 * 60 * 1000;
    qlq_session_step(&f.s, &tick, &f.fx);
    assert_non_null(find_fx(&f, QLQ_FX_IDLE_WARNING));
    tick.mono_ms += 1000;
    qlq_session_step(&f.s, &tick, &f.fx);
    assert_null(find_fx(&f, QLQ_FX_IDLE_WARNING)); /* warned once */
    tick.mono_ms = t0 + 5 * 60 * 1000;
    qlq_session_step(&f.s, &tick, &f.fx);
    assert_non_null(find_fx(&f, QLQ_FX_CLOSE_INCOMPLETE));
    assert_int_equal(f.s.step, QLQ_STEP_ITEM); /* data stays until the close is durable */
    f.now = tick.mono_ms;
    send(&f, ev_of(QLQ_EV_COMMITTED, 0));
    assert_int_equal(f.s.step, QLQ_STEP_WELCOME);
    assert_non_null(find_fx(&f, QLQ_FX_CLEAR));
    assert_int_equal(f.s.answers[1], QLQ_ANSWER_NONE);
}

static void test_activity_resets_idle_clock(void **state)
{
    (void)state;
    fixture f;
    to_items(&f, QLQ_MODE_MANUAL, false);
    qlq_event tick = ev_of(QLQ_EV_TICK, 0);
    tick.mono_ms = f.now + 4 * 60 * 1000;
    qlq_session_step(&f.s, &tick, &f.fx);
    assert_non_null(find_fx(&f, QLQ_FX_IDLE_WARNING));
    f.now = tick.mono_ms;
    send(&f, ev_of(QLQ_EV_REPEAT, 0));
    tick.mono_ms = f.now + 4 * 60 * 1000;
    qlq_session_step(&f.s, &tick, &f.fx);
    assert_null(find_fx(&f, QLQ_FX_CLOSE_INCOMPLETE));
    assert_non_null(find_fx(&f, QLQ_FX_IDLE_WARNING)); /* a new warning for a new idle period */
}

static void test_timeout_before_session_row_clears_without_write(void **state)
{
    (void)state;
    fixture f;
    start(&f);
    send(&f, ev_of(QLQ_EV_CONSENT, 1));
    send_text(&f, QLQ_EV_INITIALS, "AB");
    qlq_event tick = ev_of(QLQ_EV_TICK, 0);
    tick.mono_ms = f.now + 5 * 60 * 1000;
    qlq_session_step(&f.s, &tick, &f.fx);
    assert_null(find_fx(&f, QLQ_FX_CLOSE_INCOMPLETE));
    assert_non_null(find_fx(&f, QLQ_FX_CLEAR));
    assert_int_equal(f.s.step, QLQ_STEP_WELCOME);
    assert_string_equal(f.s.initials, "");
}

static void test_failed_timeout_close_still_clears_screen(void **state)
{
    (void)state;
    fixture f;
    to_items(&f, QLQ_MODE_MANUAL, false);
    qlq_event tick = ev_of(QLQ_EV_TICK, 0);
    tick.mono_ms = f.now + 6 * 60 * 1000;
    qlq_session_step(&f.s, &tick, &f.fx);
    assert_non_null(find_fx(&f, QLQ_FX_CLOSE_INCOMPLETE));
    send(&f, ev_of(QLQ_EV_COMMIT_FAILED, 0));
    assert_int_equal(f.s.step, QLQ_STEP_WELCOME);
    assert_non_null(find_fx(&f, QLQ_FX_CLEAR));
}

static void test_thanks_screen_clears_itself(void **state)
{
    (void)state;
    fixture f;
    start(&f);
    send(&f, ev_of(QLQ_EV_CONSENT, 0));
    qlq_event tick = ev_of(QLQ_EV_TICK, 0);
    tick.mono_ms = f.now + 19 * 1000;
    qlq_session_step(&f.s, &tick, &f.fx);
    assert_int_equal(f.s.step, QLQ_STEP_DECLINED);
    tick.mono_ms = f.now + 20 * 1000;
    qlq_session_step(&f.s, &tick, &f.fx);
    assert_int_equal(f.s.step, QLQ_STEP_WELCOME);
}

static void test_commit_without_pending_is_refused(void **state)
{
    (void)state;
    fixture f;
    to_items(&f, QLQ_MODE_MANUAL, false);
    send(&f, ev_of(QLQ_EV_COMMITTED, 0));
    assert_refused(&f, QLQ_REFUSE_NOT_NOW);
    assert_int_equal(f.s.item, 1);
    assert_int_equal(f.s.answers[1], QLQ_ANSWER_NONE);
}

static void test_resume_positions(void **state)
{
    (void)state;
    qlq_resume r;
    memset(&r, 0, sizeof r);
    strcpy(r.session_id, UUID);
    strcpy(r.initials, "JD");
    r.mode = QLQ_MODE_MANUAL;
    r.answers[1] = 2;
    r.answers[2] = QLQ_ANSWER_SKIPPED;
    r.last_item = 2;
    qlq_session s;
    qlq_effects fx;
    qlq_session_resume(&s, NULL, &r, 5000, &fx);
    assert_int_equal(s.step, QLQ_STEP_ITEM);
    assert_int_equal(s.item, 3);
    assert_true(s.session_created);
    assert_int_equal(s.answers[1], 2);
    assert_true(fx.count >= 1 && fx.items[0].type == QLQ_FX_SHOW);
    r.last_item = 30;
    qlq_session_resume(&s, NULL, &r, 5000, &fx);
    assert_int_equal(s.step, QLQ_STEP_REVIEW);
    r.last_item = -1;
    r.audio = true;
    qlq_session_resume(&s, NULL, &r, 5000, &fx);
    assert_int_equal(s.item, 0);
    r.audio = false;
    qlq_session_resume(&s, NULL, &r, 5000, &fx);
    assert_int_equal(s.item, 1);
    /* a resumed session goes on like a fresh one: answering item 1 is a CHANGE */
    qlq_event ev = ev_of(QLQ_EV_ANSWER, 4);
    qlq_session_step(&s, &ev, &fx);
    assert_int_equal(fx.items[1].type, QLQ_FX_SAVE_ANSWER);
    assert_int_equal(fx.items[1].action, QLQ_ACTION_CHANGE);
}

static void test_dates(void **state)
{
    (void)state;
    qlq_date d;
    assert_true(qlq_date_parse("2000-02-29", &d));
    assert_false(qlq_date_parse("1900-02-29", &d));
    assert_false(qlq_date_parse("2001-13-01", &d));
    assert_false(qlq_date_parse("2001-00-10", &d));
    assert_false(qlq_date_parse("2001-04-31", &d));
    assert_false(qlq_date_parse("2001-04-3", &d));
    assert_false(qlq_date_parse(NULL, &d));
    assert_true(qlq_date_parse("1999-12-31", &d));
    char out[11];
    qlq_date_format(d, out);
    assert_string_equal(out, "1999-12-31");
    assert_int_equal(qlq_date_compare((qlq_date){1999, 12, 31}, (qlq_date){2000, 1, 1}), -1);
    assert_int_equal(qlq_date_compare((qlq_date){2000, 1, 1}, (qlq_date){2000, 1, 1}), 0);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_identity_flow_and_session_creation),
        cmocka_unit_test(test_audio_on_starts_with_check_item),
        cmocka_unit_test(test_check_item_skip),
        cmocka_unit_test(test_identity_refusals),
        cmocka_unit_test(test_back_through_identity),
        cmocka_unit_test(test_consent_refused_then_cleared),
        cmocka_unit_test(test_no_answer_preselected_and_ack_only_after_commit),
        cmocka_unit_test(test_failed_commit_is_not_acknowledged),
        cmocka_unit_test(test_failed_session_creation_asks_again),
        cmocka_unit_test(test_answer_ranges_per_scale),
        cmocka_unit_test(test_back_and_change_records_change),
        cmocka_unit_test(test_skip_then_answer_at_review),
        cmocka_unit_test(test_review_back_and_repeat),
        cmocka_unit_test(test_voice_answer_carries_transcript),
        cmocka_unit_test(test_idle_warning_then_timeout_closes_incomplete),
        cmocka_unit_test(test_activity_resets_idle_clock),
        cmocka_unit_test(test_timeout_before_session_row_clears_without_write),
        cmocka_unit_test(test_failed_timeout_close_still_clears_screen),
        cmocka_unit_test(test_thanks_screen_clears_itself),
        cmocka_unit_test(test_commit_without_pending_is_refused),
        cmocka_unit_test(test_resume_positions),
        cmocka_unit_test(test_dates),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
