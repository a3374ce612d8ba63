/*
 * qlq_ui.h - front ends. A front end draws the session's state, reports what the core's effects mean
 * for the patient, and turns input (a line of text, a touch) into core events. It never writes data
 * and never decides the flow: the core does.
 */
#ifndef QLQ_UI_H
#define QLQ_UI_H

#include <stdio.h>

#include "qlq_core.h"

typedef enum {
    QLQ_UI_EVENT, /* *ev was filled */
    QLQ_UI_IDLE,  /* nothing happened within wait_ms */
    QLQ_UI_END,   /* input is over (end of file, window closed) */
} qlq_ui_input;

typedef struct qlq_ui qlq_ui;

typedef struct {
    const char *name;
    /* Waits up to wait_ms for the patient. Fills ev->type, value, text, source, confidence; the caller
     * stamps times and ids. */
    qlq_ui_input (*next_event)(qlq_ui *ui, const qlq_session *s, qlq_event *ev, int wait_ms);
    /* Shows what an effect means: SHOW, REFUSE, ACK, SUBMITTED, SAVE_FAILED, IDLE_WARNING, CLEAR. */
    void (*effect)(qlq_ui *ui, const qlq_session *s, const qlq_effect *fx);
    /* An unfinished session was resumed after a restart. */
    void (*resumed)(qlq_ui *ui, const qlq_session *s);
    void (*destroy)(qlq_ui *ui);
} qlq_ui_ops;

struct qlq_ui {
    const qlq_ui_ops *ops;
    void *impl;
};

/* The terminal front end with the `? ` line protocol (see ui/text/README.md). Reads lines from in_fd,
 * writes to out. NULL on allocation failure. */
qlq_ui *qlq_ui_text_create(int in_fd, FILE *out, const qlq_questionnaire *q);

#endif
