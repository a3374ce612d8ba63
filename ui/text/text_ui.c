/*
 * The terminal front end. Human text is printed as usual; each time it waits for input it prints one
 * machine-readable line `? <prompt>`, and it reports durable commits as `saved ...` / `submitted ...`
 * lines and bad input as `! <message>`. Scripts and tests depend on these lines: keep them stable.
 */
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "qlq_ui.h"
#include "text_ui_internal.h"

typedef struct {
    text_line_reader reader;
    FILE *out;
    const qlq_questionnaire *q;
    bool prompted; /* the `? ` line for the current question has been printed */
    bool tty;
} text_ui;

static const char *msg(const text_ui *t, qlq_msg m)
{
    return qlq_message(t->q, m);
}

static void write_prompt(const qlq_session *s, FILE *out)
{
    switch (s->step) {
    case QLQ_STEP_CONSENT: fputs("? consent\n", out); break;
    case QLQ_STEP_INITIALS: fputs("? initials\n", out); break;
    case QLQ_STEP_BIRTH_DATE: fputs("? birth_date\n", out); break;
    case QLQ_STEP_MODE: fputs("? mode\n", out); break;
    case QLQ_STEP_AUDIO: fputs("? audio\n", out); break;
    case QLQ_STEP_ITEM:
        if (s->voice == QLQ_VOICE_CONFIRM)
            fprintf(out, "? confirm item %d score %d\n", s->item, s->voice_value);
        else if (s->item == QLQ_CHECK_ITEM)
            fputs("? item 0\n", out);
        else
            fprintf(out, "? item %d scale=%d\n", s->item, (int)qlq_item_scale(s->item));
        break;
    case QLQ_STEP_REVIEW: {
        int missing[QLQ_LAST_ITEM];
        int n = qlq_session_missing(s, missing);
        fputs("? review missing=", out);
        for (int i = 0; i < n; i++)
            fprintf(out, i ? ",%d" : "%d", missing[i]);
        fputc('\n', out);
        break;
    }
    default: break;
    }
    fflush(out);
}

static qlq_ui_input text_next_event(qlq_ui *ui, const qlq_session *s, qlq_event *ev, int wait_ms)
{
    text_ui *t = ui->impl;
    ev->source = QLQ_SOURCE_KEYBOARD;
    /* The welcome and thank-you screens need no answer in a terminal: move on at once. */
    if (s->step == QLQ_STEP_WELCOME || s->step == QLQ_STEP_SUBMITTED || s->step == QLQ_STEP_DECLINED) {
        ev->type = s->step == QLQ_STEP_WELCOME ? QLQ_EV_START : QLQ_EV_CONTINUE;
        return QLQ_UI_EVENT;
    }
    if (!t->prompted) {
        write_prompt(s, t->out);
        t->prompted = true;
    }
    char line[QLQ_TEXT_MAX];
    int got = text_read_line(&t->reader, line, sizeof line, wait_ms);
    if (got == 0)
        return QLQ_UI_IDLE;
    if (got < 0)
        return QLQ_UI_END;
    t->prompted = false;
    qlq_refusal why = QLQ_REFUSE_NOT_NOW;
    if (t->reader.overlong || !text_parse_line(s, line, ev, &why)) {
        t->reader.overlong = false;
        fprintf(t->out, "! %s\n", msg(t, qlq_refusal_msg(why)));
        return QLQ_UI_IDLE;
    }
    return QLQ_UI_EVENT;
}

static void show_item(const text_ui *t, const qlq_session *s)
{
    const qlq_item *it = &t->q->items[s->item];
    if (s->item == QLQ_CHECK_ITEM) {
        fprintf(t->out, "\n%s\n  ok = %s | skip = %s\n", it->text, it->options[0], msg(t, QLQ_MSG_SKIP));
        return;
    }
    fprintf(t->out, "\n[%d/%d]\n", s->item, QLQ_LAST_ITEM);
    if (s->item >= t->q->time_frame_first_item)
        fprintf(t->out, "%s\n", t->q->time_frame);
    fprintf(t->out, "%s\n ", it->text);
    for (int v = 1; v <= (int)it->scale; v++)
        fprintf(t->out, " %d = %s%s", v, it->options[v - 1], v < (int)it->scale ? " |" : "\n");
    if (it->anchor_low)
        fprintf(t->out, "  (1 = %s, %d = %s)\n", it->anchor_low, (int)it->scale, it->anchor_high);
    int current = s->answers[s->item];
    if (current > 0)
        fprintf(t->out, "  -> %d = %s\n", current, it->options[current - 1]);
    fprintf(t->out, "  back = %s | skip = %s | repeat = %s\n", msg(t, QLQ_MSG_BACK), msg(t, QLQ_MSG_SKIP),
            msg(t, QLQ_MSG_REPEAT));
}

static void show_review(const text_ui *t, const qlq_session *s)
{
    int missing[QLQ_LAST_ITEM];
    int n = qlq_session_missing(s, missing);
    fprintf(t->out, "\n%s\n", msg(t, QLQ_MSG_REVIEW));
    if (n == 0) {
        fprintf(t->out, "%s\n", msg(t, QLQ_MSG_REVIEW_COMPLETE));
    } else {
        fprintf(t->out, "%s\n", msg(t, QLQ_MSG_REVIEW_MISSING));
        for (int i = 0; i < n; i++)
            fprintf(t->out, "  %d. %s\n", missing[i], t->q->items[missing[i]].text);
    }
    fprintf(t->out, "  submit = %s | item N\n", msg(t, QLQ_MSG_SUBMIT));
}

static void show_confirmation(const text_ui *t, const qlq_session *s)
{
    const qlq_item *it = &t->q->items[s->item];
    fprintf(t->out, "%s %s\n%s\n  yes = %s | no = %s\n", msg(t, QLQ_MSG_YOU_ANSWERED), it->options[s->voice_value - 1],
            msg(t, QLQ_MSG_CONFIRM), msg(t, QLQ_MSG_YES), msg(t, QLQ_MSG_NO));
}

static void show(const text_ui *t, const qlq_session *s)
{
    if (s->step == QLQ_STEP_ITEM && s->voice == QLQ_VOICE_CONFIRM)
        return show_confirmation(t, s);
    switch (s->step) {
    case QLQ_STEP_WELCOME: fprintf(t->out, "\n%s\n", msg(t, QLQ_MSG_WELCOME)); break;
    case QLQ_STEP_CONSENT:
        fprintf(t->out, "%s\n  yes = %s | no = %s\n", msg(t, QLQ_MSG_CONSENT), msg(t, QLQ_MSG_YES),
                msg(t, QLQ_MSG_NO));
        break;
    case QLQ_STEP_INITIALS: fprintf(t->out, "%s\n", msg(t, QLQ_MSG_INITIALS)); break;
    case QLQ_STEP_BIRTH_DATE: fprintf(t->out, "%s\n", msg(t, QLQ_MSG_BIRTH_DATE)); break;
    case QLQ_STEP_MODE:
        fprintf(t->out, "%s\n  continuous = %s\n  manual = %s\n", msg(t, QLQ_MSG_MODE),
                msg(t, QLQ_MSG_MODE_CONTINUOUS), msg(t, QLQ_MSG_MODE_MANUAL));
        break;
    case QLQ_STEP_AUDIO:
        fprintf(t->out, "%s\n  on = %s | off = %s\n", msg(t, QLQ_MSG_AUDIO), msg(t, QLQ_MSG_YES), msg(t, QLQ_MSG_NO));
        break;
    case QLQ_STEP_ITEM: show_item(t, s); break;
    case QLQ_STEP_REVIEW: show_review(t, s); break;
    case QLQ_STEP_SUBMITTED: fprintf(t->out, "%s\n", msg(t, QLQ_MSG_THANKS)); break;
    case QLQ_STEP_DECLINED: fprintf(t->out, "%s\n", msg(t, QLQ_MSG_DECLINED)); break;
    }
}

static void text_effect(qlq_ui *ui, const qlq_session *s, const qlq_effect *fx)
{
    text_ui *t = ui->impl;
    switch (fx->type) {
    case QLQ_FX_SHOW: show(t, s); break;
    case QLQ_FX_REFUSE: fprintf(t->out, "! %s\n", msg(t, qlq_refusal_msg(fx->refusal))); break;
    case QLQ_FX_SAVE_FAILED: fprintf(t->out, "! %s\n", msg(t, QLQ_MSG_SAVE_FAILED)); break;
    case QLQ_FX_ACK:
        if (fx->value == QLQ_ANSWER_SKIPPED)
            fprintf(t->out, "saved item %d skipped\n", fx->item);
        else
            fprintf(t->out, "saved item %d score %d\n", fx->item, fx->value);
        break;
    case QLQ_FX_STARTED: fprintf(t->out, "started session=%s\n", s->session_id); break;
    case QLQ_FX_SUBMITTED: fprintf(t->out, "submitted session=%s\n", s->session_id); break;
    case QLQ_FX_IDLE_WARNING: fprintf(t->out, "%s\n", msg(t, QLQ_MSG_IDLE_WARNING)); break;
    case QLQ_FX_NOTICE: fprintf(t->out, "%s\n", msg(t, fx->msg)); break;
    case QLQ_FX_CLEAR:
        fputs(t->tty ? "\033[2J\033[H" : "\n----------------------------------------\n", t->out);
        t->prompted = false;
        break;
    default: break;
    }
    /* A question asked again (refusal, failed save, new step) gets its `? ` line again. */
    if (fx->type == QLQ_FX_SHOW || fx->type == QLQ_FX_REFUSE || fx->type == QLQ_FX_SAVE_FAILED)
        t->prompted = false;
    fflush(t->out);
}

static void text_resumed(qlq_ui *ui, const qlq_session *s)
{
    text_ui *t = ui->impl;
    fprintf(t->out, "%s\n", msg(t, QLQ_MSG_RESUMED));
    if (s->step == QLQ_STEP_REVIEW)
        fprintf(t->out, "resumed session=%s at review\n", s->session_id);
    else
        fprintf(t->out, "resumed session=%s at item %d\n", s->session_id, s->item);
    fflush(t->out);
}

static void text_destroy(qlq_ui *ui)
{
    if (ui) {
        free(ui->impl);
        free(ui);
    }
}

static const qlq_ui_ops text_ops = {
    .name = "text",
    .next_event = text_next_event,
    .effect = text_effect,
    .resumed = text_resumed,
    .destroy = text_destroy,
};

qlq_ui *qlq_ui_text_create(int in_fd, FILE *out, const qlq_questionnaire *q)
{
    qlq_ui *ui = calloc(1, sizeof *ui);
    text_ui *t = calloc(1, sizeof *t);
    if (!ui || !t) {
        free(ui);
        free(t);
        return NULL;
    }
    t->reader.fd = in_fd;
    t->out = out;
    t->q = q;
    t->tty = isatty(fileno(out)) == 1;
    ui->ops = &text_ops;
    ui->impl = t;
    return ui;
}
