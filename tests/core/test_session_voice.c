/* Voice in CONTINUOUS mode: read-back, confirmation, the undo window, retries, the item 0 check. */
#include "session_fixture.h"

/* What the recogniser reports (app/speech.c): an event from the voice with its confidence and transcript. */
static void heard(fixture *f, qlq_event_type type, int value, float confidence, const char *transcript)
{
    qlq_event ev = ev_src(type, value, QLQ_SOURCE_VOICE);
    ev.has_confidence = true;
    ev.confidence = confidence;
    strcpy(ev.text, transcript);
    send(f, ev);
}

static void spoken(fixture *f, int value, float confidence, const char *transcript)
{
    heard(f, QLQ_EV_ANSWER, value, confidence, transcript);
}

static void assert_listening(const fixture *f, qlq_grammar grammar)
{
    const qlq_effect *l = find_fx(f, QLQ_FX_LISTEN);
    assert_non_null(l);
    assert_int_equal(l->value, grammar);
    assert_true(l->listen_ms > 0);
}

/* The answer stored after the patient's "oui": its value, and what was heard with what confidence. */
static void assert_voice_saved(fixture *f, int value, float confidence, const char *transcript)
{
    const qlq_effect *save = find_fx(f, QLQ_FX_SAVE_ANSWER);
    assert_non_null(save);
    assert_int_equal(save->value, value);
    assert_int_equal(save->source, QLQ_SOURCE_VOICE);
    assert_true(save->has_confidence && save->confidence == confidence);
    assert_string_equal(save->text, transcript);
}

/* A CONTINUOUS session with audio on, past item 0 (typed ok), on item 1 and listening. */
static void to_item1(fixture *f)
{
    to_items(f, QLQ_MODE_CONTINUOUS, true);
    assert_int_equal(f->s.item, 0);
    assert_int_equal(f->s.voice, QLQ_VOICE_CHECK);
    assert_listening(f, QLQ_GRAMMAR_YESNO);
    send(f, ev_src(QLQ_EV_ANSWER, 1, QLQ_SOURCE_TOUCH));
    send(f, ev_src(QLQ_EV_COMMITTED, 0, QLQ_SOURCE_SYSTEM));
    assert_int_equal(f->s.item, 1);
    assert_int_equal(f->s.voice, QLQ_VOICE_ANSWER);
    assert_listening(f, QLQ_GRAMMAR_SCALE4);
}

/* Items 1 to 28 touched, on item 29 (the first 7-point item). */
static void to_item29(fixture *f)
{
    to_item1(f);
    for (int i = 1; i <= 28; i++) {
        send(f, ev_src(QLQ_EV_ANSWER, 1, QLQ_SOURCE_TOUCH));
        send(f, ev_src(QLQ_EV_COMMITTED, 0, QLQ_SOURCE_SYSTEM));
    }
    assert_int_equal(f->s.item, 29);
}

static void test_confident_answer_is_stored_then_read_back(void **state)
{
    (void)state;
    fixture f;
    to_item1(&f);
    spoken(&f, 3, 0.92f, "assez");
    const qlq_effect *save = find_fx(&f, QLQ_FX_SAVE_ANSWER);
    assert_non_null(save);
    assert_int_equal(save->source, QLQ_SOURCE_VOICE);
    assert_string_equal(save->text, "assez");
    assert_null(find_fx(&f, QLQ_FX_SPEAK_ANSWER)); /* nothing is said before the commit */
    send(&f, ev_src(QLQ_EV_COMMITTED, 0, QLQ_SOURCE_SYSTEM));
    assert_non_null(find_fx(&f, QLQ_FX_ACK));
    const qlq_effect *back = find_fx(&f, QLQ_FX_SPEAK_ANSWER);
    assert_non_null(back);
    assert_int_equal(back->item, 1);
    assert_int_equal(back->value, 3);
    assert_int_equal(f.s.voice, QLQ_VOICE_WINDOW);
    assert_int_equal(f.s.item, 1);
    assert_listening(&f, QLQ_GRAMMAR_YESNO);
    send(&f, ev_src(QLQ_EV_HEARD_NOTHING, 0, QLQ_SOURCE_VOICE)); /* silence: the answer stands */
    assert_int_equal(f.s.item, 2);
    assert_int_equal(f.s.answers[1], 3);
    assert_int_equal(find_fx(&f, QLQ_FX_SPEAK)->item, 2);
    assert_listening(&f, QLQ_GRAMMAR_SCALE4);
}

static void test_non_in_window_asks_again_and_change_is_recorded(void **state)
{
    (void)state;
    fixture f;
    to_item1(&f);
    spoken(&f, 4, 0.9f, "beaucoup");
    send(&f, ev_src(QLQ_EV_COMMITTED, 0, QLQ_SOURCE_SYSTEM));
    send(&f, ev_src(QLQ_EV_CONFIRM, 0, QLQ_SOURCE_VOICE));
    assert_int_equal(f.s.item, 1);
    assert_int_equal(find_fx(&f, QLQ_FX_SPEAK)->item, 1); /* the question is read again */
    assert_listening(&f, QLQ_GRAMMAR_SCALE4);
    spoken(&f, 2, 0.95f, "un peu");
    assert_int_equal(find_fx(&f, QLQ_FX_SAVE_ANSWER)->action, QLQ_ACTION_CHANGE);
    send(&f, ev_src(QLQ_EV_COMMITTED, 0, QLQ_SOURCE_SYSTEM));
    send(&f, ev_src(QLQ_EV_CONFIRM, 1, QLQ_SOURCE_VOICE)); /* "oui": go on */
    assert_int_equal(f.s.item, 2);
    assert_int_equal(f.s.answers[1], 2);
}

static void test_doubtful_answer_needs_oui_before_it_is_stored(void **state)
{
    (void)state;
    fixture f;
    to_item1(&f);
    spoken(&f, 1, 0.4f, "pas du tout");
    assert_null(find_fx(&f, QLQ_FX_SAVE_ANSWER));
    assert_int_equal(f.s.voice, QLQ_VOICE_CONFIRM);
    assert_non_null(find_fx(&f, QLQ_FX_SHOW));
    assert_int_equal(find_fx(&f, QLQ_FX_SPEAK_ANSWER)->value, 1);
    assert_listening(&f, QLQ_GRAMMAR_YESNO);
    send(&f, ev_src(QLQ_EV_CONFIRM, 1, QLQ_SOURCE_VOICE));
    assert_voice_saved(&f, 1, 0.4f, "pas du tout");
    send(&f, ev_src(QLQ_EV_COMMITTED, 0, QLQ_SOURCE_SYSTEM));
    assert_null(find_fx(&f, QLQ_FX_SPEAK_ANSWER)); /* already confirmed: no second read-back */
    assert_int_equal(f.s.item, 2);
}

/* A whispered answer is read back and stored only after "oui", however sure the recogniser is. */
static void test_answer_to_confirm_needs_oui_whatever_its_confidence(void **state)
{
    (void)state;
    fixture f;
    to_item1(&f);
    qlq_event ev = ev_src(QLQ_EV_ANSWER, 2, QLQ_SOURCE_VOICE);
    ev.has_confidence = true;
    ev.confidence = 0.99f;
    ev.must_confirm = true;
    strcpy(ev.text, "deux");
    send(&f, ev);
    assert_null(find_fx(&f, QLQ_FX_SAVE_ANSWER));
    assert_int_equal(f.s.voice, QLQ_VOICE_CONFIRM);
    assert_int_equal(find_fx(&f, QLQ_FX_SPEAK_ANSWER)->value, 2);
    assert_listening(&f, QLQ_GRAMMAR_YESNO);
    send(&f, ev_src(QLQ_EV_CONFIRM, 1, QLQ_SOURCE_VOICE));
    assert_voice_saved(&f, 2, 0.99f, "deux");
}

static void test_doubtful_answer_denied_asks_to_repeat(void **state)
{
    (void)state;
    fixture f;
    to_item1(&f);
    spoken(&f, 3, 0.3f, "assez");
    send(&f, ev_src(QLQ_EV_CONFIRM, 0, QLQ_SOURCE_VOICE));
    assert_null(find_fx(&f, QLQ_FX_SAVE_ANSWER));
    assert_non_null(find_notice(&f, QLQ_MSG_NOT_UNDERSTOOD));
    assert_int_equal(f.s.voice, QLQ_VOICE_ANSWER);
    assert_listening(&f, QLQ_GRAMMAR_SCALE4);
    assert_int_equal(f.s.answers[1], QLQ_ANSWER_NONE);
}

/* The patient says "oui" or "non" to the question itself. */
static void said_yes_no(fixture *f, bool yes, float confidence, const char *transcript)
{
    heard(f, QLQ_EV_CONFIRM, yes, confidence, transcript);
}

static void test_non_to_a_question_is_offered_as_pas_du_tout(void **state)
{
    (void)state;
    fixture f;
    to_item1(&f);
    said_yes_no(&f, false, 0.93f, "non");
    assert_null(find_fx(&f, QLQ_FX_SAVE_ANSWER)); /* never stored on its own */
    assert_null(find_notice(&f, QLQ_MSG_NOT_UNDERSTOOD));
    assert_int_equal(f.s.voice, QLQ_VOICE_CONFIRM);
    assert_int_equal(find_fx(&f, QLQ_FX_SPEAK_ANSWER)->value, 1); /* "Vous avez répondu : pas du tout" */
    assert_int_equal(find_fx(&f, QLQ_FX_SPEAK)->msg, QLQ_MSG_CONFIRM);
    assert_listening(&f, QLQ_GRAMMAR_YESNO);
    send(&f, ev_src(QLQ_EV_CONFIRM, 1, QLQ_SOURCE_VOICE)); /* "oui" */
    assert_voice_saved(&f, 1, 0.93f, "non"); /* what the patient said, for the audit trail */
    send(&f, ev_src(QLQ_EV_COMMITTED, 0, QLQ_SOURCE_SYSTEM));
    assert_int_equal(f.s.item, 2);
    assert_int_equal(f.s.answers[1], 1);
}

static void test_non_then_non_asks_again(void **state)
{
    (void)state;
    fixture f;
    to_item1(&f);
    said_yes_no(&f, false, 0.9f, "non");
    send(&f, ev_src(QLQ_EV_CONFIRM, 0, QLQ_SOURCE_VOICE)); /* "non": that is not what I meant */
    assert_null(find_fx(&f, QLQ_FX_SAVE_ANSWER));
    assert_non_null(find_notice(&f, QLQ_MSG_NOT_UNDERSTOOD));
    assert_non_null(find_fx(&f, QLQ_FX_SPEAK_OPTIONS));
    assert_int_equal(f.s.voice, QLQ_VOICE_ANSWER);
    assert_listening(&f, QLQ_GRAMMAR_SCALE4);
    assert_int_equal(f.s.answers[1], QLQ_ANSWER_NONE);
}

static void test_oui_to_a_question_says_the_choices(void **state)
{
    (void)state;
    fixture f;
    to_item1(&f);
    said_yes_no(&f, true, 0.95f, "oui"); /* yes, but how much? */
    assert_null(find_fx(&f, QLQ_FX_SAVE_ANSWER));
    assert_null(find_fx(&f, QLQ_FX_SPEAK_ANSWER));
    assert_non_null(find_notice(&f, QLQ_MSG_NOT_UNDERSTOOD));
    assert_int_equal(find_fx(&f, QLQ_FX_SPEAK_OPTIONS)->item, 1);
    assert_int_equal(f.s.voice, QLQ_VOICE_ANSWER);
    assert_listening(&f, QLQ_GRAMMAR_SCALE4);
}

static void test_non_on_the_seven_point_scale_says_the_choices(void **state)
{
    (void)state;
    fixture f;
    to_item29(&f);
    said_yes_no(&f, false, 0.9f, "non"); /* "how would you rate...": no answer in it */
    assert_null(find_fx(&f, QLQ_FX_SPEAK_ANSWER));
    assert_non_null(find_notice(&f, QLQ_MSG_NOT_UNDERSTOOD));
    assert_listening(&f, QLQ_GRAMMAR_SCALE7);
}

static void test_typed_no_on_an_item_is_still_refused(void **state)
{
    (void)state;
    fixture f;
    to_item1(&f);
    send(&f, ev_src(QLQ_EV_CONFIRM, 0, QLQ_SOURCE_KEYBOARD)); /* keyboard and touch answer with the scale */
    assert_non_null(find_fx(&f, QLQ_FX_REFUSE));
    assert_null(find_fx(&f, QLQ_FX_SPEAK_ANSWER));
    assert_int_equal(f.s.voice, QLQ_VOICE_ANSWER);
}

static void test_two_retries_then_touch(void **state)
{
    (void)state;
    fixture f;
    to_item1(&f);
    for (int i = 0; i < 2; i++) {
        send(&f, ev_src(QLQ_EV_HEARD_NOTHING, 0, QLQ_SOURCE_VOICE));
        assert_non_null(find_notice(&f, QLQ_MSG_NOT_UNDERSTOOD));
        const qlq_effect *say = find_fx(&f, QLQ_FX_SPEAK);
        assert_non_null(say);
        assert_int_equal(say->msg, QLQ_MSG_NOT_UNDERSTOOD); /* shown and spoken */
        const qlq_effect *options = find_fx(&f, QLQ_FX_SPEAK_OPTIONS); /* then the choices */
        assert_non_null(options);
        assert_int_equal(options->item, 1);
        assert_true(options < find_fx(&f, QLQ_FX_LISTEN));
        assert_listening(&f, QLQ_GRAMMAR_SCALE4);
    }
    send(&f, ev_src(QLQ_EV_HEARD_NOTHING, 0, QLQ_SOURCE_VOICE));
    assert_non_null(find_notice(&f, QLQ_MSG_TOUCH_INSTEAD));
    assert_null(find_fx(&f, QLQ_FX_LISTEN));
    assert_int_equal(f.s.voice, QLQ_VOICE_OFF);
    send(&f, ev_src(QLQ_EV_ANSWER, 2, QLQ_SOURCE_TOUCH));
    assert_int_equal(find_fx(&f, QLQ_FX_SAVE_ANSWER)->source, QLQ_SOURCE_TOUCH);
    send(&f, ev_src(QLQ_EV_COMMITTED, 0, QLQ_SOURCE_SYSTEM));
    assert_null(find_fx(&f, QLQ_FX_SPEAK_ANSWER)); /* touch is not read back */
    assert_int_equal(f.s.item, 2);
    assert_int_equal(f.s.voice, QLQ_VOICE_ANSWER); /* a new item listens again */
}

static void test_voice_commands(void **state)
{
    (void)state;
    fixture f;
    to_item1(&f);
    send(&f, ev_src(QLQ_EV_SKIP, 0, QLQ_SOURCE_VOICE)); /* "je ne sais pas" */
    assert_int_equal(find_fx(&f, QLQ_FX_SAVE_SKIP)->source, QLQ_SOURCE_VOICE);
    send(&f, ev_src(QLQ_EV_COMMITTED, 0, QLQ_SOURCE_SYSTEM));
    assert_int_equal(f.s.item, 2);
    send(&f, ev_src(QLQ_EV_REPEAT, 0, QLQ_SOURCE_VOICE));
    assert_int_equal(find_fx(&f, QLQ_FX_SPEAK)->item, 2);
    assert_listening(&f, QLQ_GRAMMAR_SCALE4);
    send(&f, ev_src(QLQ_EV_BACK, 0, QLQ_SOURCE_VOICE));
    assert_int_equal(f.s.item, 1);
    assert_listening(&f, QLQ_GRAMMAR_SCALE4);
}

static void test_refusals_are_spoken_in_continuous_mode(void **state)
{
    (void)state;
    fixture f;
    to_item1(&f);
    send(&f, ev_src(QLQ_EV_ANSWER, 9, QLQ_SOURCE_TOUCH));
    assert_non_null(find_fx(&f, QLQ_FX_REFUSE));
    assert_int_equal(find_fx(&f, QLQ_FX_SPEAK)->msg, QLQ_MSG_ERR_ANSWER);
}

static void test_item_29_listens_on_seven_point_scale(void **state)
{
    (void)state;
    fixture f;
    to_item29(&f);
    assert_listening(&f, QLQ_GRAMMAR_SCALE7);
    spoken(&f, 6, 0.99f, "six");
    assert_int_equal(find_fx(&f, QLQ_FX_SAVE_ANSWER)->value, 6);
}

/* Runs to item 0 in CONTINUOUS mode with audio. */
static void to_check(fixture *f)
{
    to_items(f, QLQ_MODE_CONTINUOUS, true);
    assert_int_equal(f->s.voice, QLQ_VOICE_CHECK);
    assert_int_equal(find_fx(f, QLQ_FX_LISTEN)->item, 0);
}

static void check_heard_in(fixture *f, float level, float snr, float unsteady)
{
    qlq_event ev = ev_src(QLQ_EV_CHECK_HEARD, 1, QLQ_SOURCE_VOICE);
    ev.level_db = level;
    ev.snr_db = snr;
    ev.noise_unsteady_db = unsteady;
    ev.echo_ms = 330.0f;
    send(f, ev);
}

static void check_heard(fixture *f, float level, float snr)
{
    check_heard_in(f, level, snr, 0.5f); /* a steady room: a fan, a hiss */
}

static void test_check_quiet_room(void **state)
{
    (void)state;
    fixture f;
    to_check(&f);
    check_heard(&f, -22.0f, 31.5f);
    const qlq_effect *save = find_fx(&f, QLQ_FX_SAVE_CHECK);
    assert_non_null(save);
    assert_int_equal(save->value, 1);
    assert_true(save->measured);
    assert_true(save->snr_db == 31.5f && save->level_db == -22.0f && save->echo_ms == 330.0f);
    assert_false(save->advise_touch);
    send(&f, ev_src(QLQ_EV_COMMITTED, 0, QLQ_SOURCE_SYSTEM));
    assert_int_equal(f.s.item, 1);
    assert_int_equal(f.s.mode, QLQ_MODE_CONTINUOUS);
    assert_listening(&f, QLQ_GRAMMAR_SCALE4);
}

/* People talking measure a good SNR (their quiet moments are the floor) and drown the words more than
 * a steady noise of the same measure: 16 dB is advised touch in chatter, not beside a fan. */
static void test_check_chatter_advises_touch_sooner(void **state)
{
    (void)state;
    fixture f;
    to_check(&f);
    check_heard_in(&f, -20.0f, 16.0f, 5.0f);
    const qlq_effect *save = find_fx(&f, QLQ_FX_SAVE_CHECK);
    assert_true(save->advise_touch);
    assert_true(save->noise_unsteady_db == 5.0f);
    send(&f, ev_src(QLQ_EV_COMMITTED, 0, QLQ_SOURCE_SYSTEM));
    assert_non_null(find_notice(&f, QLQ_MSG_CHECK_NOISY));
    assert_int_equal(f.s.mode, QLQ_MODE_MANUAL);

    fixture steady;
    to_check(&steady);
    check_heard_in(&steady, -20.0f, 16.0f, 0.5f);
    assert_false(find_fx(&steady, QLQ_FX_SAVE_CHECK)->advise_touch);

    fixture loud_chatter; /* chatter well under the words: voice stays on */
    to_check(&loud_chatter);
    check_heard_in(&loud_chatter, -20.0f, 24.0f, 6.0f);
    assert_false(find_fx(&loud_chatter, QLQ_FX_SAVE_CHECK)->advise_touch);

    fixture chatter_at_the_line; /* the thresholds are configurable (qlq_config) */
    to_check(&chatter_at_the_line);
    chatter_at_the_line.s.cfg.check_chatter_unsteady_db = 6.0f;
    check_heard_in(&chatter_at_the_line, -20.0f, 16.0f, 5.0f);
    assert_false(find_fx(&chatter_at_the_line, QLQ_FX_SAVE_CHECK)->advise_touch);
}

static void test_check_noisy_room_advises_touch(void **state)
{
    (void)state;
    fixture f;
    to_check(&f);
    check_heard(&f, -20.0f, 6.0f);
    assert_true(find_fx(&f, QLQ_FX_SAVE_CHECK)->advise_touch);
    send(&f, ev_src(QLQ_EV_COMMITTED, 0, QLQ_SOURCE_SYSTEM));
    assert_non_null(find_notice(&f, QLQ_MSG_CHECK_NOISY));
    assert_int_equal(f.s.item, 1);
    assert_int_equal(f.s.mode, QLQ_MODE_MANUAL);
    assert_non_null(find_fx(&f, QLQ_FX_SPEAK)); /* still read aloud */
    assert_null(find_fx(&f, QLQ_FX_LISTEN));    /* but no longer listened for */
}

static void test_check_never_heard_fails_after_retries(void **state)
{
    (void)state;
    fixture f;
    to_check(&f);
    send(&f, ev_src(QLQ_EV_HEARD_NOTHING, 0, QLQ_SOURCE_VOICE));
    assert_listening(&f, QLQ_GRAMMAR_YESNO);
    qlq_event no = ev_src(QLQ_EV_CHECK_HEARD, 0, QLQ_SOURCE_VOICE);
    send(&f, no);
    assert_listening(&f, QLQ_GRAMMAR_YESNO);
    send(&f, ev_src(QLQ_EV_HEARD_NOTHING, 0, QLQ_SOURCE_VOICE));
    const qlq_effect *save = find_fx(&f, QLQ_FX_SAVE_CHECK);
    assert_non_null(save);
    assert_int_equal(save->value, -1);
    assert_true(save->advise_touch);
    send(&f, ev_src(QLQ_EV_COMMITTED, 0, QLQ_SOURCE_SYSTEM));
    assert_non_null(find_notice(&f, QLQ_MSG_CHECK_FAILED));
    assert_int_equal(f.s.answers[0], QLQ_ANSWER_SKIPPED);
    assert_int_equal(f.s.mode, QLQ_MODE_MANUAL);
}

static bool speaks_item(const fixture *f, int item)
{
    for (size_t i = 0; i < f->fx.count; i++)
        if (f->fx.items[i].type == QLQ_FX_SPEAK && f->fx.items[i].item == item)
            return true;
    return false;
}

/* No microphone (none plugged in, or it would not start): the check fails at once, without "I did not
 * understand" said to a patient who was never heard, and the session goes on by touch, read aloud. */
static void test_no_microphone_fails_the_check_at_once(void **state)
{
    (void)state;
    fixture f;
    to_check(&f);
    send(&f, ev_src(QLQ_EV_CANNOT_LISTEN, 0, QLQ_SOURCE_VOICE));
    assert_null(find_notice(&f, QLQ_MSG_NOT_UNDERSTOOD));
    assert_null(find_fx(&f, QLQ_FX_LISTEN));
    const qlq_effect *save = find_fx(&f, QLQ_FX_SAVE_CHECK);
    assert_non_null(save);
    assert_int_equal(save->value, -1);
    assert_false(save->measured);
    assert_true(save->advise_touch);
    send(&f, ev_src(QLQ_EV_COMMITTED, 0, QLQ_SOURCE_SYSTEM));
    assert_non_null(find_notice(&f, QLQ_MSG_CHECK_FAILED));
    assert_int_equal(f.s.item, 1);
    assert_int_equal(f.s.mode, QLQ_MODE_MANUAL);
    assert_true(speaks_item(&f, 1)); /* still read aloud */
    assert_null(find_fx(&f, QLQ_FX_LISTEN));
}

/* The microphone fails between items (unplugged): no retries, touch for the rest of the session. */
static void test_no_microphone_on_an_item_goes_on_by_touch(void **state)
{
    (void)state;
    fixture f;
    to_item1(&f);
    send(&f, ev_src(QLQ_EV_CANNOT_LISTEN, 0, QLQ_SOURCE_VOICE));
    assert_non_null(find_notice(&f, QLQ_MSG_CHECK_FAILED));
    assert_null(find_notice(&f, QLQ_MSG_NOT_UNDERSTOOD));
    assert_null(find_fx(&f, QLQ_FX_LISTEN));
    assert_int_equal(f.s.voice, QLQ_VOICE_OFF);
    assert_int_equal(f.s.item, 1);
    send(&f, ev_src(QLQ_EV_ANSWER, 2, QLQ_SOURCE_TOUCH));
    send(&f, ev_src(QLQ_EV_COMMITTED, 0, QLQ_SOURCE_SYSTEM));
    assert_int_equal(f.s.item, 2);
    assert_true(speaks_item(&f, 2));
    assert_null(find_fx(&f, QLQ_FX_LISTEN)); /* not listened for again: it would fail again */
    assert_int_equal(f.s.mode, QLQ_MODE_MANUAL);
    send(&f, ev_src(QLQ_EV_CANNOT_LISTEN, 0, QLQ_SOURCE_VOICE)); /* a late report */
    assert_int_equal(f.fx.count, 0);
}

/* A confident answer was stored and read back; the microphone fails for the "non" window: it stands. */
static void test_no_microphone_in_the_window_keeps_the_answer(void **state)
{
    (void)state;
    fixture f;
    to_item1(&f);
    spoken(&f, 3, 0.92f, "assez");
    send(&f, ev_src(QLQ_EV_COMMITTED, 0, QLQ_SOURCE_SYSTEM));
    assert_int_equal(f.s.voice, QLQ_VOICE_WINDOW);
    send(&f, ev_src(QLQ_EV_CANNOT_LISTEN, 0, QLQ_SOURCE_VOICE));
    assert_int_equal(f.s.answers[1], 3);
    assert_int_equal(f.s.item, 2);
    assert_non_null(find_notice(&f, QLQ_MSG_CHECK_FAILED));
    assert_null(find_fx(&f, QLQ_FX_LISTEN));
}

static void test_late_voice_report_changes_nothing(void **state)
{
    (void)state;
    fixture f;
    to_item1(&f);
    for (int i = 0; i < 3; i++)
        send(&f, ev_src(QLQ_EV_HEARD_NOTHING, 0, QLQ_SOURCE_VOICE));
    assert_int_equal(f.s.voice, QLQ_VOICE_OFF);
    send(&f, ev_src(QLQ_EV_HEARD_NOTHING, 0, QLQ_SOURCE_VOICE));
    assert_int_equal(f.fx.count, 0);
    spoken(&f, 2, 0.99f, "un peu"); /* not listening any more: taken like any other answer */
    assert_non_null(find_fx(&f, QLQ_FX_SAVE_ANSWER));
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_confident_answer_is_stored_then_read_back),
        cmocka_unit_test(test_non_in_window_asks_again_and_change_is_recorded),
        cmocka_unit_test(test_doubtful_answer_needs_oui_before_it_is_stored),
        cmocka_unit_test(test_answer_to_confirm_needs_oui_whatever_its_confidence),
        cmocka_unit_test(test_doubtful_answer_denied_asks_to_repeat),
        cmocka_unit_test(test_non_to_a_question_is_offered_as_pas_du_tout),
        cmocka_unit_test(test_non_then_non_asks_again),
        cmocka_unit_test(test_oui_to_a_question_says_the_choices),
        cmocka_unit_test(test_non_on_the_seven_point_scale_says_the_choices),
        cmocka_unit_test(test_typed_no_on_an_item_is_still_refused),
        cmocka_unit_test(test_no_microphone_fails_the_check_at_once),
        cmocka_unit_test(test_no_microphone_on_an_item_goes_on_by_touch),
        cmocka_unit_test(test_no_microphone_in_the_window_keeps_the_answer),
        cmocka_unit_test(test_two_retries_then_touch),
        cmocka_unit_test(test_voice_commands),
        cmocka_unit_test(test_refusals_are_spoken_in_continuous_mode),
        cmocka_unit_test(test_item_29_listens_on_seven_point_scale),
        cmocka_unit_test(test_check_quiet_room),
        cmocka_unit_test(test_check_noisy_room_advises_touch),
        cmocka_unit_test(test_check_chatter_advises_touch_sooner),
        cmocka_unit_test(test_check_never_heard_fails_after_retries),
        cmocka_unit_test(test_late_voice_report_changes_nothing),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
