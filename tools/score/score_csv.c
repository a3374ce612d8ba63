/*
 * score_csv.c - one CSV line of qlq-score's input to answers, or to the reason it is refused.
 *
 * Strict on purpose: a score computed from a half-understood line is worse than no score, so
 * anything but an empty field or a plain in-scale integer ("3.0", "+3", "03", "x") is refused.
 */
#include <limits.h>
#include <stdbool.h>
#include <stdio.h>

#include "score.h"

static bool score_is_space(char c)
{
    return c == ' ' || c == '\t';
}

static bool score_is_blank(const char *line, size_t len)
{
    for (size_t i = 0; i < len; i++) {
        if (!score_is_space(line[i]) && line[i] != '\r')
            return false;
    }
    return true;
}

/* The highest answer item `number` accepts: the core's scale (4 or 7) is that number. */
static int score_item_max(int number)
{
    return (int)qlq_item_scale(number);
}

static score_line_status score_parse_field(const char *f, const char *e, int max, int8_t *out)
{
    while (f < e && score_is_space(*f))
        f++;
    while (e > f && score_is_space(e[-1]))
        e--;
    if (f == e) {
        *out = 0;
        return SCORE_LINE_OK;
    }
    if (e - f == 1 && *f >= '1' && *f <= '0' + max) {
        *out = (int8_t)(*f - '0');
        return SCORE_LINE_OK;
    }
    for (const char *q = f; q < e; q++) {
        if (*q < '0' || *q > '9')
            return SCORE_LINE_NOT_INTEGER;
    }
    if (*f == '0' && e - f > 1)
        return SCORE_LINE_NOT_INTEGER;
    return SCORE_LINE_OUT_OF_RANGE;
}

/* The common line, "1,2,,4,...", with every field empty or one in-scale digit and no spaces:
 * a tight loop (1..4 is valid on every item, so only 5..7 look up the item's scale). Anything
 * else returns false and goes through the general parser. */
static bool score_parse_plain(const char *p, const char *end, int8_t answers[QLQ_ITEM_SLOTS])
{
    for (int item = 1; item <= SCORE_FIELDS; item++) {
        if (p < end && *p >= '1' && (*p <= '4' || *p <= '0' + score_item_max(item))) {
            answers[item] = (int8_t)(*p - '0');
            p++;
        } else {
            answers[item] = 0;
        }
        if (item < SCORE_FIELDS) {
            if (p == end || *p != ',')
                return false;
            p++;
        }
    }
    return p == end;
}

score_line_result score_parse_line(const char *line, size_t len, int8_t answers[QLQ_ITEM_SLOTS])
{
    score_line_result r = {SCORE_LINE_OK, 0, 0};
    if (len > 0 && line[len - 1] == '\r')
        len--;
    const char *p = line;
    const char *end = line + len;
    answers[0] = 0;
    if (score_parse_plain(p, end, answers)) {
        r.fields = SCORE_FIELDS;
        return r;
    }
    if (score_is_blank(line, len)) {
        r.status = SCORE_LINE_BLANK;
        return r;
    }
    int field = 0;
    for (;;) {
        const char *f = p;
        while (p < end && *p != ',')
            p++;
        if (field < INT_MAX) /* a multi-gigabyte line of commas must not overflow */
            field++;
        /* Keep counting past a bad field: a wrong field count is the more useful message. */
        if (field <= SCORE_FIELDS && r.status == SCORE_LINE_OK) {
            r.status = score_parse_field(f, p, score_item_max(field), &answers[field]);
            if (r.status != SCORE_LINE_OK)
                r.item = field;
        }
        if (p == end)
            break;
        p++;
    }
    r.fields = field;
    if (field != SCORE_FIELDS) {
        r.status = SCORE_LINE_FIELDS;
        r.item = 0;
    }
    return r;
}

size_t score_line_message(score_line_result r, char out[SCORE_ERROR_MAX])
{
    int n;
    switch (r.status) {
    case SCORE_LINE_FIELDS:
        n = snprintf(out, SCORE_ERROR_MAX, "expected %d fields, got %d", SCORE_FIELDS, r.fields);
        break;
    case SCORE_LINE_NOT_INTEGER:
        n = snprintf(out, SCORE_ERROR_MAX, "item %d: not a plain integer (expected 1..%d, or empty when missing)",
                     r.item, score_item_max(r.item));
        break;
    case SCORE_LINE_OUT_OF_RANGE:
        n = snprintf(out, SCORE_ERROR_MAX, "item %d: out of range (expected 1..%d, or empty when missing)", r.item,
                     score_item_max(r.item));
        break;
    default:
        n = snprintf(out, SCORE_ERROR_MAX, "no error");
        break;
    }
    return n < 0 ? 0 : (size_t)n;
}
