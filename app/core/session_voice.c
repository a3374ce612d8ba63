/*
 * Voice in CONTINUOUS mode. A misheard answer is a wrong clinical record, so: a confident answer is
 * stored, read back ("Vous avez répondu : assez") and can still be undone by "non" for a short window;
 * a doubtful one, or one the recogniser asks to have confirmed (a whisper), is read back and stored
 * only after "oui"; nothing usable heard means "please repeat" at most cfg.voice_retries times, then
 * "please touch your answer". Touch always works as well.
 */
#include <string.h>

#include "session_internal.h"

bool voice_listening(const qlq_session *s)
{
    return s->audio && s->mode == QLQ_MODE_CONTINUOUS;
}

static void listen(qlq_session *s, qlq_effects *fx, qlq_grammar grammar, int listen_ms)
{
    qlq_effect *e = fx_push(fx, QLQ_FX_LISTEN);
    e->item = s->item;
    e->value = grammar;
    e->listen_ms = listen_ms;
}

static void listen_for_item(qlq_session *s, qlq_effects *fx)
{
    if (s->item == QLQ_CHECK_ITEM) {
        s->voice = QLQ_VOICE_CHECK;
        listen(s, fx, QLQ_GRAMMAR_YESNO, s->cfg.listen_ms);
    } else {
        s->voice = QLQ_VOICE_ANSWER;
        listen(s, fx, (qlq_grammar)qlq_item_scale(s->item), s->cfg.listen_ms);
    }
}

void voice_begin_item(qlq_session *s, qlq_effects *fx)
{
    s->voice_tries = 0;
    listen_for_item(s, fx);
}

/* Nothing usable was heard (or the read-back was denied): ask again, or give up on voice. */
static void retry(qlq_session *s, qlq_effects *fx)
{
    s->voice_tries++;
    if (s->voice_tries > s->cfg.voice_retries) {
        s->voice = QLQ_VOICE_OFF;
        session_notice(s, fx, QLQ_MSG_TOUCH_INSTEAD);
        return;
    }
    session_notice(s, fx, QLQ_MSG_NOT_UNDERSTOOD);
    /* "pas trop", "moyennement": the patient answered in their own words; the choices help more
       than hearing the whole question again */
    fx_push(fx, QLQ_FX_SPEAK_OPTIONS)->item = s->item;
    listen_for_item(s, fx);
}

static void read_back(const qlq_session *s, qlq_effects *fx, int value)
{
    qlq_effect *e = fx_push(fx, QLQ_FX_SPEAK_ANSWER);
    e->item = s->item;
    e->value = value;
}

static void ask_to_confirm(qlq_session *s, const qlq_event *ev, qlq_effects *fx)
{
    s->voice = QLQ_VOICE_CONFIRM;
    s->voice_value = ev->value;
    s->voice_confidence = ev->has_confidence ? ev->confidence : 0.0f;
    memcpy(s->voice_transcript, ev->text, sizeof s->voice_transcript - 1);
    s->voice_transcript[sizeof s->voice_transcript - 1] = '\0';
    fx_push(fx, QLQ_FX_SHOW);
    read_back(s, fx, ev->value);
    fx_push(fx, QLQ_FX_SPEAK)->msg = QLQ_MSG_CONFIRM;
    listen(s, fx, QLQ_GRAMMAR_YESNO, s->cfg.listen_ms);
}

static void save_confirmed(qlq_session *s, const qlq_event *ev, qlq_effects *fx)
{
    qlq_event spoken = *ev;
    spoken.type = QLQ_EV_ANSWER;
    spoken.value = s->voice_value;
    spoken.source = QLQ_SOURCE_VOICE;
    spoken.has_confidence = true;
    spoken.confidence = s->voice_confidence;
    memset(spoken.text, 0, sizeof spoken.text);
    memcpy(spoken.text, s->voice_transcript, sizeof s->voice_transcript);
    s->voice = QLQ_VOICE_OFF;
    session_request_save(s, &spoken, fx, QLQ_PENDING_ANSWER, s->voice_value);
}

/* "oui" or "non" said to the question itself. On the 4-point items every question is "Avez-vous ... ?"
 * and a patient who says "non" means the lowest choice, "pas du tout"; it is read back and stored only
 * after "oui", like a doubtful answer. "oui" says nothing of how much: the choices are said again. */
static void yes_no_to_question(qlq_session *s, const qlq_event *ev, qlq_effects *fx)
{
    if (ev->value != 0 || qlq_item_scale(s->item) != 4)
        return retry(s, fx);
    qlq_event lowest = *ev;
    lowest.type = QLQ_EV_ANSWER;
    lowest.value = 1;
    ask_to_confirm(s, &lowest, fx);
}

static void on_confirm(qlq_session *s, const qlq_event *ev, qlq_effects *fx)
{
    if (s->voice == QLQ_VOICE_ANSWER && ev->source == QLQ_SOURCE_VOICE)
        return yes_no_to_question(s, ev, fx);
    if (s->voice == QLQ_VOICE_CONFIRM) {
        if (ev->value == 1)
            return save_confirmed(s, ev, fx);
        return retry(s, fx);
    }
    if (s->voice == QLQ_VOICE_WINDOW) {
        if (ev->value == 0) /* "non": the stored answer is wrong; ask the question again */
            return session_present(s, fx);
        return session_advance(s, fx);
    }
    session_refuse(s, fx, QLQ_REFUSE_NOT_NOW);
}

/* No microphone: asking again would only say "not understood" to a patient who was never heard. The
 * rest of the session is by touch, still read aloud; a confident answer in its window stands. */
static void cannot_listen(qlq_session *s, qlq_effects *fx)
{
    bool in_window = s->voice == QLQ_VOICE_WINDOW;
    s->voice = QLQ_VOICE_OFF;
    s->mode = QLQ_MODE_MANUAL;
    session_notice(s, fx, QLQ_MSG_CHECK_FAILED);
    if (in_window)
        session_advance(s, fx);
}

bool voice_on_item(qlq_session *s, const qlq_event *ev, qlq_effects *fx)
{
    switch (ev->type) {
    case QLQ_EV_ANSWER:
        if (ev->source != QLQ_SOURCE_VOICE || s->voice != QLQ_VOICE_ANSWER)
            return false; /* touch and keyboard answers are taken as they are */
        if (ev->value < 1 || ev->value > (int)qlq_item_scale(s->item))
            return false;
        if (ev->has_confidence && ev->confidence >= s->cfg.voice_confident && !ev->must_confirm) {
            session_request_save(s, ev, fx, QLQ_PENDING_ANSWER, ev->value);
            s->read_back_on_commit = true;
        } else {
            ask_to_confirm(s, ev, fx);
        }
        return true;
    case QLQ_EV_CONFIRM:
        on_confirm(s, ev, fx);
        return true;
    case QLQ_EV_HEARD_NOTHING:
        if (s->voice == QLQ_VOICE_WINDOW)
            session_advance(s, fx);
        else if (s->voice == QLQ_VOICE_ANSWER || s->voice == QLQ_VOICE_CONFIRM)
            retry(s, fx);
        return true; /* a late report after listening stopped changes nothing */
    case QLQ_EV_CANNOT_LISTEN:
        if (s->voice != QLQ_VOICE_OFF)
            cannot_listen(s, fx);
        return true;
    default:
        return false;
    }
}

static void save_check(qlq_session *s, const qlq_event *ev, qlq_effects *fx, int result, bool advise_touch)
{
    qlq_effect *e = session_request_save(s, ev, fx, QLQ_PENDING_CHECK, result);
    e->measured = ev->type == QLQ_EV_CHECK_HEARD;
    e->level_db = ev->level_db;
    e->snr_db = ev->snr_db;
    e->noise_unsteady_db = ev->noise_unsteady_db;
    e->echo_ms = ev->echo_ms;
    e->advise_touch = advise_touch;
    s->advise_touch_on_commit = advise_touch;
    s->voice = QLQ_VOICE_OFF;
}

bool voice_on_check(qlq_session *s, const qlq_event *ev, qlq_effects *fx)
{
    bool heard = ev->type == QLQ_EV_CHECK_HEARD && ev->value == 1;
    if (ev->type != QLQ_EV_CHECK_HEARD && ev->type != QLQ_EV_HEARD_NOTHING && ev->type != QLQ_EV_CANNOT_LISTEN)
        return false;
    if (s->voice != QLQ_VOICE_CHECK)
        return true; /* a late report after listening stopped changes nothing */
    if (ev->type == QLQ_EV_CANNOT_LISTEN) { /* no microphone: failed at once, not after the retries */
        save_check(s, ev, fx, -1, true);
        return true;
    }
    if (heard) {
        save_check(s, ev, fx, 1, qlq_room_drowns_voice(&s->cfg, ev->snr_db, ev->noise_unsteady_db));
        return true;
    }
    s->voice_tries++;
    if (s->voice_tries <= s->cfg.voice_retries) {
        session_notice(s, fx, QLQ_MSG_NOT_UNDERSTOOD);
        listen_for_item(s, fx);
        return true;
    }
    save_check(s, ev, fx, -1, true);
    return true;
}

bool voice_after_commit(qlq_session *s, qlq_effects *fx)
{
    if (!s->read_back_on_commit)
        return false;
    s->read_back_on_commit = false;
    read_back(s, fx, s->answers[s->item]);
    if (s->cfg.confirm_window_ms <= 0)
        return false;
    s->voice = QLQ_VOICE_WINDOW;
    listen(s, fx, QLQ_GRAMMAR_YESNO, s->cfg.confirm_window_ms);
    return true;
}

void voice_after_check(qlq_session *s, qlq_effects *fx)
{
    if (!s->advise_touch_on_commit)
        return;
    s->advise_touch_on_commit = false;
    s->mode = QLQ_MODE_MANUAL; /* stop listening: touch works, voice would not */
    session_notice(s, fx, s->pending_value == 1 ? QLQ_MSG_CHECK_NOISY : QLQ_MSG_CHECK_FAILED);
}
