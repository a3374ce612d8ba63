/*
 * The session flow: welcome -> consent -> identity -> mode -> audio -> item 0 -> items 1..30 -> review
 * -> submitted -> cleared. Every durable write is requested by an effect and acknowledged only when
 * the app reports QLQ_EV_COMMITTED, so "saved" is never said for an answer a crash could lose.
 */
#include <string.h>

#include "session_internal.h"

enum { EARLIEST_BIRTH_YEAR = 1900 };

qlq_effect *fx_push(qlq_effects *fx, qlq_effect_type type)
{
    if (fx->count == QLQ_MAX_EFFECTS) /* cannot happen: no step emits more; keep the last slot sane */
        fx->count = QLQ_MAX_EFFECTS - 1;
    qlq_effect *e = &fx->items[fx->count++];
    memset(e, 0, sizeof *e);
    e->type = type;
    e->item = -1;
    return e;
}

static void speak_msg(const qlq_session *s, qlq_effects *fx, qlq_msg msg)
{
    if (s->audio)
        fx_push(fx, QLQ_FX_SPEAK)->msg = msg;
}

void session_refuse(const qlq_session *s, qlq_effects *fx, qlq_refusal why)
{
    fx_push(fx, QLQ_FX_REFUSE)->refusal = why;
    if (voice_listening(s))
        speak_msg(s, fx, qlq_refusal_msg(why));
}

void session_notice(const qlq_session *s, qlq_effects *fx, qlq_msg msg)
{
    fx_push(fx, QLQ_FX_NOTICE)->msg = msg;
    speak_msg(s, fx, msg);
}

void session_present(qlq_session *s, qlq_effects *fx)
{
    fx_push(fx, QLQ_FX_SHOW);
    s->voice = QLQ_VOICE_OFF;
    if (s->step == QLQ_STEP_ITEM) {
        if (s->audio)
            fx_push(fx, QLQ_FX_SPEAK)->item = s->item;
        if (voice_listening(s))
            voice_begin_item(s, fx);
    } else if (s->step == QLQ_STEP_REVIEW) {
        speak_msg(s, fx, QLQ_MSG_REVIEW);
    } else if (s->step == QLQ_STEP_SUBMITTED) {
        speak_msg(s, fx, QLQ_MSG_THANKS);
    }
}

void session_go_to(qlq_session *s, qlq_effects *fx, qlq_step step, int item)
{
    s->step = step;
    s->item = item;
    session_present(s, fx);
}

/* Wipes everything the previous patient left in the state; the config survives. */
static void clear_for_next_patient(qlq_session *s, qlq_effects *fx, int64_t mono_ms)
{
    qlq_config cfg = s->cfg;
    qlq_session_init(s, &cfg);
    s->last_activity_ms = mono_ms;
    fx_push(fx, QLQ_FX_STOP_AUDIO);
    fx_push(fx, QLQ_FX_CLEAR);
    fx_push(fx, QLQ_FX_SHOW);
}

void qlq_session_init(qlq_session *s, const qlq_config *cfg)
{
    memset(s, 0, sizeof *s);
    if (cfg)
        s->cfg = *cfg;
    else
        qlq_config_default(&s->cfg);
    s->step = QLQ_STEP_WELCOME;
    s->mode = QLQ_MODE_MANUAL;
}

static bool valid_initials(const char *text, char out[5])
{
    size_t n = strlen(text);
    if (n < 1 || n > 4)
        return false;
    for (size_t i = 0; i < n; i++) {
        char c = text[i];
        if (c >= 'a' && c <= 'z')
            c = (char)(c - 'a' + 'A');
        if (c < 'A' || c > 'Z')
            return false;
        out[i] = c;
    }
    out[n] = '\0';
    return true;
}

static void on_identity(qlq_session *s, const qlq_event *ev, qlq_effects *fx)
{
    if (s->step == QLQ_STEP_INITIALS && ev->type == QLQ_EV_INITIALS) {
        if (!valid_initials(ev->text, s->initials))
            return session_refuse(s, fx, QLQ_REFUSE_INITIALS);
        return session_go_to(s, fx, QLQ_STEP_BIRTH_DATE, 0);
    }
    if (s->step == QLQ_STEP_BIRTH_DATE && ev->type == QLQ_EV_BIRTH_DATE) {
        qlq_date d;
        if (!qlq_date_parse(ev->text, &d) || d.year < EARLIEST_BIRTH_YEAR)
            return session_refuse(s, fx, QLQ_REFUSE_DATE_FORMAT);
        if (qlq_date_compare(d, s->today) >= 0)
            return session_refuse(s, fx, QLQ_REFUSE_DATE_FUTURE);
        s->birth_date = d;
        return session_go_to(s, fx, QLQ_STEP_MODE, 0);
    }
    if (s->step == QLQ_STEP_MODE && ev->type == QLQ_EV_MODE) {
        if (ev->value != QLQ_MODE_CONTINUOUS && ev->value != QLQ_MODE_MANUAL)
            return session_refuse(s, fx, QLQ_REFUSE_MODE);
        s->mode = (qlq_mode)ev->value;
        return session_go_to(s, fx, QLQ_STEP_AUDIO, 0);
    }
    if (s->step == QLQ_STEP_AUDIO && ev->type == QLQ_EV_AUDIO) {
        if (ev->value != 0 && ev->value != 1)
            return session_refuse(s, fx, QLQ_REFUSE_YES_NO);
        s->audio = ev->value == 1;
        s->pending = QLQ_PENDING_CREATE;
        fx_push(fx, QLQ_FX_CREATE_SESSION)->wall_ms = ev->wall_ms;
        return;
    }
    if (ev->type == QLQ_EV_BACK && s->step > QLQ_STEP_CONSENT)
        return session_go_to(s, fx, (qlq_step)(s->step - 1), 0);
    session_refuse(s, fx, QLQ_REFUSE_NOT_NOW);
}

static void on_welcome_or_consent(qlq_session *s, const qlq_event *ev, qlq_effects *fx)
{
    if (s->step == QLQ_STEP_WELCOME && ev->type == QLQ_EV_START) {
        memcpy(s->session_id, ev->session_id, sizeof s->session_id);
        s->session_id[QLQ_UUID_LEN] = '\0';
        s->today = ev->today;
        return session_go_to(s, fx, QLQ_STEP_CONSENT, 0);
    }
    if (s->step == QLQ_STEP_CONSENT && ev->type == QLQ_EV_CONSENT) {
        if (ev->value == 1)
            return session_go_to(s, fx, QLQ_STEP_INITIALS, 0);
        if (ev->value == 0)
            return session_go_to(s, fx, QLQ_STEP_DECLINED, 0);
        return session_refuse(s, fx, QLQ_REFUSE_YES_NO);
    }
    session_refuse(s, fx, QLQ_REFUSE_NOT_NOW);
}

qlq_effect *session_request_save(qlq_session *s, const qlq_event *ev, qlq_effects *fx, qlq_pending kind, int value)
{
    s->pending = kind;
    s->pending_item = s->item;
    s->pending_value = value;
    fx_push(fx, QLQ_FX_STOP_AUDIO);
    qlq_effect_type type = kind == QLQ_PENDING_CHECK  ? QLQ_FX_SAVE_CHECK
                           : kind == QLQ_PENDING_SKIP ? QLQ_FX_SAVE_SKIP
                                                      : QLQ_FX_SAVE_ANSWER;
    qlq_effect *e = fx_push(fx, type);
    e->item = s->item;
    e->value = value;
    e->source = ev->source;
    e->wall_ms = ev->wall_ms;
    if (kind == QLQ_PENDING_ANSWER) {
        e->action = s->answers[s->item] > 0 ? QLQ_ACTION_CHANGE : QLQ_ACTION_ANSWER;
        e->has_confidence = ev->has_confidence;
        e->confidence = ev->confidence;
        memcpy(e->text, ev->text, sizeof e->text);
        e->text[QLQ_TEXT_MAX - 1] = '\0';
    } else {
        e->action = kind == QLQ_PENDING_SKIP || value <= 0 ? QLQ_ACTION_SKIP : QLQ_ACTION_ANSWER;
    }
    return e;
}

static void on_check_item(qlq_session *s, const qlq_event *ev, qlq_effects *fx)
{
    if (voice_on_check(s, ev, fx))
        return;
    if (ev->type == QLQ_EV_ANSWER) {
        if (ev->value != 1)
            return session_refuse(s, fx, QLQ_REFUSE_ANSWER);
        session_request_save(s, ev, fx, QLQ_PENDING_CHECK, 1);
        return;
    }
    if (ev->type == QLQ_EV_SKIP) {
        session_request_save(s, ev, fx, QLQ_PENDING_CHECK, 0);
        return;
    }
    if (ev->type == QLQ_EV_REPEAT)
        return session_present(s, fx);
    session_refuse(s, fx, QLQ_REFUSE_NOT_NOW);
}

static void on_item(qlq_session *s, const qlq_event *ev, qlq_effects *fx)
{
    if (s->item == QLQ_CHECK_ITEM)
        return on_check_item(s, ev, fx);
    if (voice_on_item(s, ev, fx))
        return;
    switch (ev->type) {
    case QLQ_EV_ANSWER:
        if (ev->value < 1 || ev->value > (int)qlq_item_scale(s->item))
            return session_refuse(s, fx, QLQ_REFUSE_ANSWER);
        session_request_save(s, ev, fx, QLQ_PENDING_ANSWER, ev->value);
        return;
    case QLQ_EV_SKIP:
        session_request_save(s, ev, fx, QLQ_PENDING_SKIP, QLQ_ANSWER_SKIPPED);
        return;
    case QLQ_EV_REPEAT:
        return session_present(s, fx);
    case QLQ_EV_BACK:
        if (s->item <= QLQ_FIRST_ITEM)
            return session_refuse(s, fx, QLQ_REFUSE_NOT_NOW);
        s->from_review = false;
        fx_push(fx, QLQ_FX_STOP_AUDIO);
        return session_go_to(s, fx, QLQ_STEP_ITEM, s->item - 1);
    default:
        return session_refuse(s, fx, QLQ_REFUSE_NOT_NOW);
    }
}

static void on_review(qlq_session *s, const qlq_event *ev, qlq_effects *fx)
{
    switch (ev->type) {
    case QLQ_EV_SUBMIT:
        s->pending = QLQ_PENDING_SUBMIT;
        fx_push(fx, QLQ_FX_STOP_AUDIO);
        fx_push(fx, QLQ_FX_SUBMIT_SESSION)->wall_ms = ev->wall_ms;
        return;
    case QLQ_EV_GOTO:
        if (ev->value < QLQ_FIRST_ITEM || ev->value > QLQ_LAST_ITEM)
            return session_refuse(s, fx, QLQ_REFUSE_REVIEW);
        s->from_review = true;
        fx_push(fx, QLQ_FX_STOP_AUDIO);
        return session_go_to(s, fx, QLQ_STEP_ITEM, ev->value);
    case QLQ_EV_BACK:
        fx_push(fx, QLQ_FX_STOP_AUDIO);
        return session_go_to(s, fx, QLQ_STEP_ITEM, QLQ_LAST_ITEM);
    case QLQ_EV_REPEAT:
        return session_present(s, fx);
    default:
        return session_refuse(s, fx, QLQ_REFUSE_NOT_NOW);
    }
}

void session_advance(qlq_session *s, qlq_effects *fx)
{
    if (s->from_review || s->item >= QLQ_LAST_ITEM) {
        s->from_review = false;
        return session_go_to(s, fx, QLQ_STEP_REVIEW, 0);
    }
    session_go_to(s, fx, QLQ_STEP_ITEM, s->item + 1);
}

static void on_committed(qlq_session *s, const qlq_event *ev, qlq_effects *fx)
{
    qlq_pending done = s->pending;
    s->pending = QLQ_PENDING_NONE;
    switch (done) {
    case QLQ_PENDING_CREATE:
        s->session_created = true;
        fx_push(fx, QLQ_FX_STARTED);
        return session_go_to(s, fx, QLQ_STEP_ITEM, s->audio ? QLQ_CHECK_ITEM : QLQ_FIRST_ITEM);
    case QLQ_PENDING_CHECK:
    case QLQ_PENDING_ANSWER:
    case QLQ_PENDING_SKIP: {
        int stored = done == QLQ_PENDING_CHECK && s->pending_value == 0 ? QLQ_ANSWER_SKIPPED : s->pending_value;
        s->answers[s->pending_item] = (int8_t)stored;
        qlq_effect *ack = fx_push(fx, QLQ_FX_ACK);
        ack->item = s->pending_item;
        ack->value = stored;
        if (done == QLQ_PENDING_CHECK)
            voice_after_check(s, fx);
        else if (voice_after_commit(s, fx))
            return;
        return session_advance(s, fx);
    }
    case QLQ_PENDING_SUBMIT:
        fx_push(fx, QLQ_FX_SUBMITTED);
        s->last_activity_ms = ev->mono_ms;
        return session_go_to(s, fx, QLQ_STEP_SUBMITTED, 0);
    case QLQ_PENDING_TIMEOUT:
        return clear_for_next_patient(s, fx, ev->mono_ms);
    case QLQ_PENDING_NONE:
        break;
    }
    session_refuse(s, fx, QLQ_REFUSE_NOT_NOW);
}

static void on_commit_failed(qlq_session *s, const qlq_event *ev, qlq_effects *fx)
{
    qlq_pending failed = s->pending;
    s->pending = QLQ_PENDING_NONE;
    if (failed == QLQ_PENDING_NONE)
        return session_refuse(s, fx, QLQ_REFUSE_NOT_NOW);
    /* The screen must not keep a patient's data after the idle timeout, saved or not: the unfinished
     * session stays in the database and is closed when the kiosk next starts. */
    if (failed == QLQ_PENDING_TIMEOUT)
        return clear_for_next_patient(s, fx, ev->mono_ms);
    s->read_back_on_commit = false;
    s->advise_touch_on_commit = false;
    fx_push(fx, QLQ_FX_SAVE_FAILED)->item = s->step == QLQ_STEP_ITEM ? s->item : -1;
    if (voice_listening(s))
        speak_msg(s, fx, QLQ_MSG_SAVE_FAILED);
    session_present(s, fx);
}

static bool patient_present(const qlq_session *s)
{
    return s->step != QLQ_STEP_WELCOME && s->step != QLQ_STEP_SUBMITTED && s->step != QLQ_STEP_DECLINED;
}

static void on_tick(qlq_session *s, const qlq_event *ev, qlq_effects *fx)
{
    int64_t idle = ev->mono_ms - s->last_activity_ms;
    if (s->pending != QLQ_PENDING_NONE)
        return;
    if (s->step == QLQ_STEP_SUBMITTED || s->step == QLQ_STEP_DECLINED) {
        if (idle >= s->cfg.thanks_ms)
            clear_for_next_patient(s, fx, ev->mono_ms);
        return;
    }
    if (!patient_present(s))
        return;
    if (idle >= s->cfg.idle_timeout_ms) {
        if (!s->session_created)
            return clear_for_next_patient(s, fx, ev->mono_ms);
        s->pending = QLQ_PENDING_TIMEOUT;
        fx_push(fx, QLQ_FX_STOP_AUDIO);
        fx_push(fx, QLQ_FX_CLOSE_INCOMPLETE)->wall_ms = ev->wall_ms;
        return;
    }
    if (idle >= s->cfg.idle_warning_ms && !s->idle_warned) {
        s->idle_warned = true;
        fx_push(fx, QLQ_FX_IDLE_WARNING);
        speak_msg(s, fx, QLQ_MSG_IDLE_WARNING);
    }
}

static void on_patient_event(qlq_session *s, const qlq_event *ev, qlq_effects *fx)
{
    s->last_activity_ms = ev->mono_ms;
    s->idle_warned = false;
    if (s->pending != QLQ_PENDING_NONE)
        return session_refuse(s, fx, QLQ_REFUSE_NOT_NOW);
    switch (s->step) {
    case QLQ_STEP_WELCOME:
    case QLQ_STEP_CONSENT:
        return on_welcome_or_consent(s, ev, fx);
    case QLQ_STEP_INITIALS:
    case QLQ_STEP_BIRTH_DATE:
    case QLQ_STEP_MODE:
    case QLQ_STEP_AUDIO:
        return on_identity(s, ev, fx);
    case QLQ_STEP_ITEM:
        return on_item(s, ev, fx);
    case QLQ_STEP_REVIEW:
        return on_review(s, ev, fx);
    case QLQ_STEP_SUBMITTED:
    case QLQ_STEP_DECLINED:
        if (ev->type == QLQ_EV_CONTINUE)
            return clear_for_next_patient(s, fx, ev->mono_ms);
        return session_refuse(s, fx, QLQ_REFUSE_NOT_NOW);
    }
}

void qlq_session_step(qlq_session *s, const qlq_event *ev, qlq_effects *fx)
{
    fx->count = 0;
    switch (ev->type) {
    case QLQ_EV_TICK:
        return on_tick(s, ev, fx);
    case QLQ_EV_COMMITTED:
        return on_committed(s, ev, fx);
    case QLQ_EV_COMMIT_FAILED:
        return on_commit_failed(s, ev, fx);
    default:
        return on_patient_event(s, ev, fx);
    }
}

void qlq_session_resume(qlq_session *s, const qlq_config *cfg, const qlq_resume *r, int64_t mono_ms,
                        qlq_effects *fx)
{
    fx->count = 0;
    qlq_session_init(s, cfg);
    memcpy(s->session_id, r->session_id, sizeof s->session_id);
    s->session_id[QLQ_UUID_LEN] = '\0';
    memcpy(s->initials, r->initials, sizeof s->initials);
    s->initials[4] = '\0';
    s->birth_date = r->birth_date;
    s->today = r->today;
    s->mode = r->mode;
    s->audio = r->audio;
    memcpy(s->answers, r->answers, sizeof s->answers);
    s->session_created = true;
    s->last_activity_ms = mono_ms;
    int next = r->last_item < 0 ? (s->audio ? QLQ_CHECK_ITEM : QLQ_FIRST_ITEM) : r->last_item + 1;
    if (next > QLQ_LAST_ITEM)
        session_go_to(s, fx, QLQ_STEP_REVIEW, 0);
    else
        session_go_to(s, fx, QLQ_STEP_ITEM, next);
}

int qlq_session_missing(const qlq_session *s, int out[QLQ_LAST_ITEM])
{
    int n = 0;
    for (int i = QLQ_FIRST_ITEM; i <= QLQ_LAST_ITEM; i++)
        if (s->answers[i] <= 0)
            out[n++] = i;
    return n;
}
