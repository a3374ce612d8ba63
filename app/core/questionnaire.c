/*
 * questionnaire.c - the questionnaire model: message keys, freeing, UTF-8 validation and the
 * QLQ-C30 v3.0 item scales. The texts themselves live in assets/questionnaires/, never here.
 */
#include <stdlib.h>
#include <string.h>

#include "qlq_core.h"

/* Indexed by qlq_msg; the data files use these keys, so renaming one breaks every file. */
static const char *const msg_keys[QLQ_MSG_COUNT] = {
    [QLQ_MSG_WELCOME] = "welcome",
    [QLQ_MSG_CONSENT] = "consent",
    [QLQ_MSG_INITIALS] = "initials",
    [QLQ_MSG_BIRTH_DATE] = "birth_date",
    [QLQ_MSG_MODE] = "mode",
    [QLQ_MSG_MODE_CONTINUOUS] = "mode_continuous",
    [QLQ_MSG_MODE_MANUAL] = "mode_manual",
    [QLQ_MSG_AUDIO] = "audio",
    [QLQ_MSG_YES] = "yes",
    [QLQ_MSG_NO] = "no",
    [QLQ_MSG_BACK] = "back",
    [QLQ_MSG_SKIP] = "skip",
    [QLQ_MSG_REPEAT] = "repeat",
    [QLQ_MSG_CHECK_OK] = "check_ok",
    [QLQ_MSG_REVIEW] = "review",
    [QLQ_MSG_REVIEW_MISSING] = "review_missing",
    [QLQ_MSG_REVIEW_COMPLETE] = "review_complete",
    [QLQ_MSG_SUBMIT] = "submit",
    [QLQ_MSG_THANKS] = "thanks",
    [QLQ_MSG_DECLINED] = "declined",
    [QLQ_MSG_SAVED] = "saved",
    [QLQ_MSG_SAVE_FAILED] = "save_failed",
    [QLQ_MSG_IDLE_WARNING] = "idle_warning",
    [QLQ_MSG_TIMED_OUT] = "timed_out",
    [QLQ_MSG_RESUMED] = "resumed",
    [QLQ_MSG_ERR_YES_NO] = "err_yes_no",
    [QLQ_MSG_ERR_INITIALS] = "err_initials",
    [QLQ_MSG_ERR_DATE_FORMAT] = "err_date_format",
    [QLQ_MSG_ERR_DATE_FUTURE] = "err_date_future",
    [QLQ_MSG_ERR_MODE] = "err_mode",
    [QLQ_MSG_ERR_ANSWER] = "err_answer",
    [QLQ_MSG_ERR_REVIEW] = "err_review",
    [QLQ_MSG_ERR_NOT_NOW] = "err_not_now",
    [QLQ_MSG_NOT_UNDERSTOOD] = "not_understood",
    [QLQ_MSG_TOUCH_INSTEAD] = "touch_instead",
    [QLQ_MSG_YOU_ANSWERED] = "you_answered",
    [QLQ_MSG_CONFIRM] = "confirm",
    [QLQ_MSG_CHECK_NOISY] = "check_noisy",
    [QLQ_MSG_CHECK_FAILED] = "check_failed",
    [QLQ_MSG_SCALE7_HINT] = "scale7_hint",
    [QLQ_MSG_ANSWER_WITH] = "answer_with",
};

/* NULL for a value outside qlq_msg: that is a programming error, and NULL makes it visible. */
const char *qlq_msg_key(qlq_msg msg)
{
    if ((int)msg < 0 || (int)msg >= QLQ_MSG_COUNT)
        return NULL;
    return msg_keys[msg];
}

int qlq_msg_from_key(const char *key)
{
    if (key == NULL)
        return -1;
    for (int i = 0; i < QLQ_MSG_COUNT; i++) {
        if (strcmp(msg_keys[i], key) == 0)
            return i;
    }
    return -1;
}

void qlq_questionnaire_free(qlq_questionnaire *q)
{
    if (q == NULL)
        return;
    free(q->title);
    free(q->version);
    free(q->time_frame);
    for (int n = 0; n < QLQ_ITEM_SLOTS; n++) {
        qlq_item *it = &q->items[n];
        free(it->text);
        free(it->speech);
        for (int v = 0; v < QLQ_MAX_OPTIONS; v++)
            free(it->options[v]);
        free(it->anchor_low);
        free(it->anchor_high);
    }
    for (int m = 0; m < QLQ_MSG_COUNT; m++)
        free(q->messages[m]);
    memset(q, 0, sizeof *q);
}

/* "" rather than NULL for a zeroed questionnaire or a bad `msg`, so a front end never prints NULL;
 * the loader guarantees every message of a loaded questionnaire is a non-empty string. */
const char *qlq_message(const qlq_questionnaire *q, qlq_msg msg)
{
    if (q == NULL || (int)msg < 0 || (int)msg >= QLQ_MSG_COUNT || q->messages[msg] == NULL)
        return "";
    return q->messages[msg];
}

/* Length of the sequence led by `lead` (continuation bytes after it) and the range its first
 * continuation byte must fall in: this is the Unicode Standard's table 3-7, which is what rules out
 * overlongs (C0, C1, E0 80..9F, F0 80..8F), surrogates (ED A0..BF) and values above U+10FFFF
 * (F4 90.., F5..FF) in one place. Returns -1 for a byte that cannot start a sequence. */
static int utf8_lead(unsigned char lead, unsigned char *lo, unsigned char *hi)
{
    *lo = 0x80;
    *hi = 0xBF;
    if (lead < 0x80)
        return 0;
    if (lead >= 0xC2 && lead <= 0xDF)
        return 1;
    if (lead >= 0xE0 && lead <= 0xEF) {
        if (lead == 0xE0)
            *lo = 0xA0;
        else if (lead == 0xED)
            *hi = 0x9F;
        return 2;
    }
    if (lead >= 0xF0 && lead <= 0xF4) {
        if (lead == 0xF0)
            *lo = 0x90;
        else if (lead == 0xF4)
            *hi = 0x8F;
        return 3;
    }
    return -1;
}

bool qlq_utf8_valid(const char *s, size_t len)
{
    if (s == NULL)
        return len == 0;
    const unsigned char *p = (const unsigned char *)s;
    size_t i = 0;
    while (i < len) {
        unsigned char lo, hi;
        int more = utf8_lead(p[i], &lo, &hi);
        if (more < 0 || len - i - 1 < (size_t)more)
            return false;
        if (more > 0 && (p[i + 1] < lo || p[i + 1] > hi))
            return false;
        for (int k = 2; k <= more; k++) {
            if ((p[i + (size_t)k] & 0xC0) != 0x80)
                return false;
        }
        i += (size_t)more + 1;
    }
    return true;
}

/* (qlq_scale)-1 for a number outside 0..30: it equals no enumerator, so a switch or a comparison with
 * a real scale rejects it. Callers compare with (qlq_scale)-1 or check the range first. */
qlq_scale qlq_item_scale(int number)
{
    if (number == QLQ_CHECK_ITEM)
        return QLQ_SCALE_CHECK;
    if (number >= QLQ_FIRST_ITEM && number <= 28)
        return QLQ_SCALE_4;
    if (number >= 29 && number <= QLQ_LAST_ITEM)
        return QLQ_SCALE_7;
    return (qlq_scale)-1;
}
