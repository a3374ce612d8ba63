/*
 * The event loop. Input becomes an event, the core answers with effects, durable effects go to the
 * store and their outcome goes back to the core as QLQ_EV_COMMITTED / QLQ_EV_COMMIT_FAILED, and the
 * front end shows what the patient must see. Nothing is acknowledged before the store has committed.
 */
#include <string.h>
#include <sys/random.h>
#include <time.h>

#include "kiosk.h"
#include "log.h"

enum {
    INPUT_POLL_MS = 1000, /* the idle clock's resolution when nothing else is going on */
    VOICE_POLL_MS = 10,   /* while speaking or listening, the microphone needs frequent reads */
};

static int64_t clock_ms(clockid_t id)
{
    struct timespec ts;
    clock_gettime(id, &ts);
    return (int64_t)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

static void stamp(qlq_event *ev)
{
    ev->mono_ms = clock_ms(CLOCK_MONOTONIC);
    ev->wall_ms = clock_ms(CLOCK_REALTIME);
}

static qlq_date local_today(void)
{
    time_t now = time(NULL);
    struct tm tm;
    localtime_r(&now, &tm);
    return (qlq_date){tm.tm_year + 1900, tm.tm_mon + 1, tm.tm_mday};
}

static void new_session_id(char out[QLQ_UUID_LEN + 1])
{
    static const char hex[] = "0123456789abcdef";
    unsigned char b[16];
    size_t got = 0;
    while (got < sizeof b) {
        ssize_t n = getrandom(b + got, sizeof b - got, 0);
        if (n > 0)
            got += (size_t)n;
    }
    b[6] = (unsigned char)((b[6] & 0x0f) | 0x40); /* version 4 */
    b[8] = (unsigned char)((b[8] & 0x3f) | 0x80); /* RFC 4122 variant */
    char *p = out;
    for (int i = 0; i < 16; i++) {
        if (i == 4 || i == 6 || i == 8 || i == 10)
            *p++ = '-';
        *p++ = hex[b[i] >> 4];
        *p++ = hex[b[i] & 15];
    }
    *p = '\0';
}

static store_source store_source_of(qlq_source s)
{
    switch (s) {
    case QLQ_SOURCE_TOUCH: return STORE_SOURCE_TOUCH;
    case QLQ_SOURCE_VOICE: return STORE_SOURCE_VOICE;
    case QLQ_SOURCE_KEYBOARD: return STORE_SOURCE_KEYBOARD;
    case QLQ_SOURCE_SYSTEM: break;
    }
    return STORE_SOURCE_SYSTEM;
}

static store_status create_session(kiosk *k, const qlq_session *s, const qlq_effect *fx)
{
    char birth[11], today[11];
    qlq_date_format(s->birth_date, birth);
    qlq_date_format(s->today, today);
    store_new_session ns = {
        .id = s->session_id,
        .initials = s->initials,
        .birth_date = birth,
        .today_date = today,
        .mode = qlq_mode_name(s->mode),
        .audio_enabled = s->audio,
        .language = k->q->language,
        .created_ms = fx->wall_ms,
        .metadata_json = NULL,
    };
    return store_create_session(k->db, &ns);
}

static store_status save_answer(kiosk *k, const qlq_session *s, const qlq_effect *fx)
{
    const qlq_item *it = &k->q->items[fx->item];
    store_answer a = {
        .session_id = s->session_id,
        .question_num = fx->item,
        .question_text = it->text,
        .score = fx->value,
        .response_text = it->options[fx->value - 1],
        .transcript = fx->text[0] ? fx->text : NULL,
        .source = store_source_of(fx->source),
        .action = fx->action == QLQ_ACTION_CHANGE ? STORE_ACTION_CHANGE : STORE_ACTION_ANSWER,
        .has_confidence = fx->has_confidence,
        .confidence = fx->confidence,
        .at_ms = fx->wall_ms,
    };
    return store_record_answer(k->db, &a);
}

static store_status save_check(kiosk *k, const qlq_session *s, const qlq_effect *fx)
{
    store_check c = {
        .result = fx->value == 1 ? "ok" : fx->value == 0 ? "skipped" : "failed",
        .measured = fx->measured,
        .level_dbfs = fx->level_db,
        .snr_db = fx->snr_db,
        .noise_unsteady_db = fx->noise_unsteady_db,
        .echo_ms = fx->echo_ms,
        .advise_touch = fx->advise_touch,
    };
    return store_record_check_result(k->db, s->session_id, &c, store_source_of(fx->source), fx->wall_ms);
}

/* Returns true when `fx` was a durable write; *st is then its outcome. */
static bool write_effect(kiosk *k, const qlq_session *s, const qlq_effect *fx, store_status *st)
{
    switch (fx->type) {
    case QLQ_FX_CREATE_SESSION: *st = create_session(k, s, fx); break;
    case QLQ_FX_SAVE_ANSWER: *st = save_answer(k, s, fx); break;
    case QLQ_FX_SAVE_SKIP:
        *st = store_record_skip(k->db, s->session_id, fx->item, store_source_of(fx->source), fx->wall_ms);
        break;
    case QLQ_FX_SAVE_CHECK: *st = save_check(k, s, fx); break;
    case QLQ_FX_SUBMIT_SESSION: *st = store_submit(k->db, s->session_id, fx->wall_ms); break;
    case QLQ_FX_CLOSE_INCOMPLETE: *st = store_close_incomplete(k->db, s->session_id, fx->wall_ms); break;
    default: return false;
    }
    if (*st != STORE_OK)
        qlq_log("session %s: write for item %d failed (%s): %s", s->session_id, fx->item, store_status_name(*st),
                store_error(k->db));
    else if (fx->type == QLQ_FX_SUBMIT_SESSION || fx->type == QLQ_FX_CLOSE_INCOMPLETE)
        qlq_log("session %s %s", s->session_id, fx->type == QLQ_FX_SUBMIT_SESSION ? "submitted" : "closed as incomplete");
    return true;
}

/* Carries out the effects; returns true with *next set when a write's outcome must go back to the core. */
static bool perform(kiosk *k, const qlq_session *s, const qlq_effects *fx, qlq_event *next)
{
    bool follow = false;
    for (size_t i = 0; i < fx->count; i++) {
        const qlq_effect *e = &fx->items[i];
        store_status st;
        if (write_effect(k, s, e, &st)) {
            memset(next, 0, sizeof *next);
            next->type = st == STORE_OK ? QLQ_EV_COMMITTED : QLQ_EV_COMMIT_FAILED;
            follow = true;
        } else if (e->type == QLQ_FX_SPEAK || e->type == QLQ_FX_SPEAK_ANSWER || e->type == QLQ_FX_LISTEN ||
                   e->type == QLQ_FX_STOP_AUDIO) {
            if (k->voice)
                speech_effect(k->voice, e);
        } else {
            k->ui->ops->effect(k->ui, s, e);
        }
    }
    return follow;
}

static void dispatch(kiosk *k, qlq_session *s, qlq_event ev)
{
    qlq_effects fx;
    for (;;) {
        qlq_session_step(s, &ev, &fx);
        if (!perform(k, s, &fx, &ev))
            return;
        stamp(&ev);
    }
}

static void resume(kiosk *k, qlq_session *s, const store_unfinished *u)
{
    qlq_resume r;
    memset(&r, 0, sizeof r);
    memcpy(r.session_id, u->id, sizeof r.session_id);
    memcpy(r.initials, u->initials, sizeof r.initials);
    qlq_date_parse(u->birth_date, &r.birth_date);
    qlq_date_parse(u->today_date, &r.today);
    r.mode = strcmp(u->mode, "CONTINUOUS") == 0 ? QLQ_MODE_CONTINUOUS : QLQ_MODE_MANUAL;
    r.audio = u->audio_enabled;
    memcpy(r.answers, u->answers, sizeof r.answers);
    r.last_item = u->last_item;
    qlq_effects fx;
    qlq_session_resume(s, &k->cfg, &r, clock_ms(CLOCK_MONOTONIC), &fx);
    qlq_log("session %s resumed", s->session_id);
    k->ui->ops->resumed(k->ui, s);
    qlq_event ignored;
    perform(k, s, &fx, &ignored);
}

int kiosk_recover(kiosk *k, qlq_session *s)
{
    qlq_session_init(s, &k->cfg);
    store_unfinished u;
    store_status st = store_find_unfinished(k->db, &u);
    if (st == STORE_ERR_NOT_FOUND)
        return 0;
    if (st != STORE_OK) {
        qlq_log("cannot look for an unfinished session (%s): %s", store_status_name(st), store_error(k->db));
        return -1;
    }
    int64_t age = clock_ms(CLOCK_REALTIME) - u.last_activity_ms;
    if (age < k->cfg.idle_timeout_ms) {
        resume(k, s, &u);
        return 0;
    }
    st = store_close_incomplete(k->db, u.id, clock_ms(CLOCK_REALTIME));
    if (st != STORE_OK) {
        qlq_log("session %s: cannot close as incomplete (%s): %s", u.id, store_status_name(st), store_error(k->db));
        return -1;
    }
    qlq_log("session %s was idle for %lld s: closed as incomplete", u.id, (long long)(age / 1000));
    return 0;
}

int kiosk_run(kiosk *k, qlq_session *s)
{
    for (;;) {
        qlq_event ev;
        memset(&ev, 0, sizeof ev);
        bool voice_busy = k->voice && speech_busy(k->voice);
        qlq_ui_input in = k->ui->ops->next_event(k->ui, s, &ev, voice_busy ? VOICE_POLL_MS : INPUT_POLL_MS);
        if (in == QLQ_UI_END)
            return 0;
        if (in == QLQ_UI_IDLE && !(voice_busy && speech_poll(k->voice, &ev)))
            ev.type = QLQ_EV_TICK;
        if (ev.type == QLQ_EV_START) {
            new_session_id(ev.session_id);
            ev.today = local_today();
        }
        stamp(&ev);
        dispatch(k, s, ev);
    }
}
