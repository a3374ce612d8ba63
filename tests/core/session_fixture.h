/* Driving the session state machine in tests: events in, the last step's effects kept for checks. */
#ifndef SESSION_FIXTURE_H
#define SESSION_FIXTURE_H

#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include <cmocka.h>

#include "qlq_core.h"

#define FIXTURE_UUID "0b9f4c1e-7d2a-4e6b-9c3d-5a8f1e2d3c4b"

typedef struct {
    qlq_session s;
    qlq_effects fx; /* of the last step */
    int64_t now;
} fixture;

static inline qlq_event ev_src(qlq_event_type type, int value, qlq_source source)
{
    qlq_event ev;
    memset(&ev, 0, sizeof ev);
    ev.type = type;
    ev.value = value;
    ev.source = source;
    ev.wall_ms = 1764152253000;
    return ev;
}

static inline qlq_event ev_of(qlq_event_type type, int value)
{
    return ev_src(type, value, QLQ_SOURCE_TOUCH);
}

/* Each event comes a second after the previous one. */
static inline void send(fixture *f, qlq_event ev)
{
    f->now += 1000;
    ev.mono_ms = f->now;
    qlq_session_step(&f->s, &ev, &f->fx);
}

static inline void send_text(fixture *f, qlq_event_type type, const char *text)
{
    qlq_event ev = ev_of(type, 0);
    strncpy(ev.text, text, sizeof ev.text - 1);
    send(f, ev);
}

static inline const qlq_effect *find_fx(const fixture *f, qlq_effect_type type)
{
    for (size_t i = 0; i < f->fx.count; i++)
        if (f->fx.items[i].type == type)
            return &f->fx.items[i];
    return NULL;
}

static inline const qlq_effect *find_notice(const fixture *f, qlq_msg msg)
{
    for (size_t i = 0; i < f->fx.count; i++)
        if (f->fx.items[i].type == QLQ_FX_NOTICE && f->fx.items[i].msg == msg)
            return &f->fx.items[i];
    return NULL;
}

static inline void assert_refused(const fixture *f, qlq_refusal why)
{
    const qlq_effect *e = find_fx(f, QLQ_FX_REFUSE);
    assert_non_null(e);
    assert_int_equal(e->refusal, why);
}

/* A fresh session, welcome touched: on the consent step. */
static inline void start(fixture *f)
{
    qlq_config cfg;
    qlq_config_default(&cfg);
    memset(f, 0, sizeof *f);
    qlq_session_init(&f->s, &cfg);
    qlq_event ev = ev_of(QLQ_EV_START, 0);
    strcpy(ev.session_id, FIXTURE_UUID);
    ev.today = (qlq_date){2026, 11, 26};
    send(f, ev);
}

/* Runs the identity steps and commits the session row; lands on item 0 (audio) or item 1. */
static inline void to_items(fixture *f, qlq_mode mode, bool audio)
{
    start(f);
    send(f, ev_of(QLQ_EV_CONSENT, 1));
    send_text(f, QLQ_EV_INITIALS, "jd");
    send_text(f, QLQ_EV_BIRTH_DATE, "1946-03-14");
    send(f, ev_of(QLQ_EV_MODE, mode));
    send(f, ev_of(QLQ_EV_AUDIO, audio));
    assert_non_null(find_fx(f, QLQ_FX_CREATE_SESSION));
    send(f, ev_of(QLQ_EV_COMMITTED, 0));
}

#endif
