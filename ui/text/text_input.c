/* The terminal front end's input: one line per prompt, read with a timeout so the idle clock ticks. */
#include <errno.h>
#include <poll.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <unistd.h>

#include "text_ui_internal.h"

/* Returns 1 with a line in `line` (NUL-terminated, no newline), 0 when nothing arrived in wait_ms,
 * -1 at end of input. A line longer than the buffer is cut and its rest discarded. */
int text_read_line(text_line_reader *r, char *line, size_t cap, int wait_ms)
{
    for (;;) {
        char *nl = memchr(r->buf, '\n', r->len);
        if (nl != NULL || (r->eof && r->len > 0)) {
            size_t n = nl ? (size_t)(nl - r->buf) : r->len;
            size_t keep = n < cap - 1 ? n : cap - 1;
            memcpy(line, r->buf, keep);
            line[keep] = '\0';
            size_t consumed = nl ? n + 1 : n;
            memmove(r->buf, r->buf + consumed, r->len - consumed);
            r->len -= consumed;
            return 1;
        }
        if (r->eof)
            return -1;
        if (r->len == sizeof r->buf) { /* an absurdly long line: drop what we have, keep reading */
            r->len = 0;
            r->overlong = true;
        }
        struct pollfd p = {.fd = r->fd, .events = POLLIN};
        int ready = poll(&p, 1, wait_ms);
        if (ready < 0 && errno == EINTR)
            continue;
        if (ready == 0)
            return 0;
        ssize_t got = read(r->fd, r->buf + r->len, sizeof r->buf - r->len);
        if (got < 0 && (errno == EINTR || errno == EAGAIN))
            continue;
        if (got <= 0)
            r->eof = true;
        else
            r->len += (size_t)got;
    }
}

static void trim(char *s)
{
    size_t n = strlen(s);
    while (n > 0 && (s[n - 1] == ' ' || s[n - 1] == '\t' || s[n - 1] == '\r'))
        s[--n] = '\0';
    size_t lead = strspn(s, " \t");
    memmove(s, s + lead, n - lead + 1);
}

static bool is_word(const char *s, const char *a, const char *b)
{
    return strcasecmp(s, a) == 0 || (b != NULL && strcasecmp(s, b) == 0);
}

/* A whole decimal number 0..99, nothing else. */
static bool small_number(const char *s, int *out)
{
    size_t n = strlen(s);
    if (n < 1 || n > 2 || strspn(s, "0123456789") != n)
        return false;
    *out = atoi(s);
    return true;
}

static bool parse_navigation(const char *s, qlq_event *ev)
{
    if (is_word(s, "back", "retour"))
        ev->type = QLQ_EV_BACK;
    else if (is_word(s, "skip", "passer"))
        ev->type = QLQ_EV_SKIP;
    else if (is_word(s, "repeat", "repeter"))
        ev->type = QLQ_EV_REPEAT;
    else
        return false;
    return true;
}

static bool parse_choice(const char *s, const char *one, const char *one_fr, const char *zero, const char *zero_fr,
                         qlq_event *ev)
{
    if (is_word(s, one, one_fr))
        ev->value = 1;
    else if (is_word(s, zero, zero_fr))
        ev->value = 0;
    else
        return is_word(s, "back", "retour") ? (ev->type = QLQ_EV_BACK, true) : false;
    return true;
}

static bool parse_mode(const char *s, qlq_event *ev)
{
    if (is_word(s, "continuous", "continu"))
        ev->value = QLQ_MODE_CONTINUOUS;
    else if (is_word(s, "manual", "manuel"))
        ev->value = QLQ_MODE_MANUAL;
    else if (is_word(s, "back", "retour"))
        ev->type = QLQ_EV_BACK;
    else
        return false;
    return true;
}

static bool parse_item(const qlq_session *s, const char *line, qlq_event *ev)
{
    if (parse_navigation(line, ev))
        return true;
    if (s->item == QLQ_CHECK_ITEM && is_word(line, "ok", NULL)) {
        ev->type = QLQ_EV_ANSWER;
        ev->value = 1;
        return true;
    }
    ev->type = QLQ_EV_ANSWER;
    return s->item != QLQ_CHECK_ITEM && small_number(line, &ev->value);
}

static bool parse_review(const char *line, qlq_event *ev)
{
    if (is_word(line, "submit", "envoyer")) {
        ev->type = QLQ_EV_SUBMIT;
        return true;
    }
    if (parse_navigation(line, ev))
        return ev->type != QLQ_EV_SKIP;
    if (strncasecmp(line, "item", 4) == 0 && (line[4] == ' ' || line[4] == '\t')) {
        char rest[16];
        strncpy(rest, line + 5, sizeof rest - 1);
        rest[sizeof rest - 1] = '\0';
        trim(rest);
        ev->type = QLQ_EV_GOTO;
        return small_number(rest, &ev->value);
    }
    return false;
}

bool text_parse_line(const qlq_session *s, char *line, qlq_event *ev, qlq_refusal *why)
{
    trim(line);
    switch (s->step) {
    case QLQ_STEP_CONSENT:
        ev->type = QLQ_EV_CONSENT;
        *why = QLQ_REFUSE_YES_NO;
        return parse_choice(line, "yes", "oui", "no", "non", ev);
    case QLQ_STEP_INITIALS:
    case QLQ_STEP_BIRTH_DATE:
        if (is_word(line, "back", "retour")) {
            ev->type = QLQ_EV_BACK;
            return true;
        }
        ev->type = s->step == QLQ_STEP_INITIALS ? QLQ_EV_INITIALS : QLQ_EV_BIRTH_DATE;
        strncpy(ev->text, line, sizeof ev->text - 1);
        return true;
    case QLQ_STEP_MODE:
        ev->type = QLQ_EV_MODE;
        *why = QLQ_REFUSE_MODE;
        return parse_mode(line, ev);
    case QLQ_STEP_AUDIO:
        ev->type = QLQ_EV_AUDIO;
        *why = QLQ_REFUSE_YES_NO;
        return parse_choice(line, "on", "oui", "off", "non", ev);
    case QLQ_STEP_ITEM:
        if (s->voice == QLQ_VOICE_CONFIRM) {
            ev->type = QLQ_EV_CONFIRM;
            *why = QLQ_REFUSE_YES_NO;
            return parse_choice(line, "yes", "oui", "no", "non", ev) && ev->type == QLQ_EV_CONFIRM;
        }
        *why = QLQ_REFUSE_ANSWER;
        return parse_item(s, line, ev);
    case QLQ_STEP_REVIEW:
        *why = QLQ_REFUSE_REVIEW;
        return parse_review(line, ev);
    default:
        *why = QLQ_REFUSE_NOT_NOW;
        return false;
    }
}
