/*
 * score.h - the parts of qlq-score that tests and the benchmark use: one CSV line in, answers out;
 * scores in, one JSON line out. Library target: qlq_score_fmt.
 */
#ifndef QLQ_SCORE_H
#define QLQ_SCORE_H

#include <stddef.h>
#include <stdint.h>

#include "qlq_core.h"

enum {
    SCORE_FIELDS = QLQ_LAST_ITEM, /* items 1..30, one field each */
    SCORE_NUMBER_MAX = 32,        /* longest score_format_double output plus the NUL */
    SCORE_JSON_MAX = 640,         /* longest score_format_json output (no NUL, no newline) */
    SCORE_ERROR_MAX = 160,        /* longest score_line_message output plus the NUL */
};

typedef enum {
    SCORE_LINE_OK,
    SCORE_LINE_BLANK,       /* only spaces, tabs or a CR: not a questionnaire, skipped silently */
    SCORE_LINE_FIELDS,      /* not 30 fields; .fields says how many */
    SCORE_LINE_NOT_INTEGER, /* .item is not empty and not a plain unsigned integer */
    SCORE_LINE_OUT_OF_RANGE /* .item is an integer outside its scale (0, 5 on 4-point, 8 on 7-point) */
} score_line_status;

typedef struct {
    score_line_status status;
    int item;   /* first bad item (1..30) for NOT_INTEGER / OUT_OF_RANGE */
    int fields; /* number of fields found */
} score_line_result;

/* Parses one line (without its '\n'; a trailing '\r' is allowed) of 30 comma-separated fields.
 * Fields may be surrounded by spaces or tabs; an empty field is a missing answer (0). On
 * SCORE_LINE_OK answers[1..30] hold the answers and answers[0] is 0; otherwise answers is
 * unspecified. Never reads past line[len - 1]. */
score_line_result score_parse_line(const char *line, size_t len, int8_t answers[QLQ_ITEM_SLOTS]);

/* Writes "item N: ..." or "expected 30 fields, got K" for a bad line (no newline, NUL-terminated)
 * and returns its length; the message never repeats the field's content. */
size_t score_line_message(score_line_result r, char out[SCORE_ERROR_MAX]);

/* Writes the shortest decimal that strtod reads back as exactly `x` (the digits Python's repr and
 * JavaScript choose: fewest significant digits, then closest to x), in JSON syntax: no ".0" on
 * integers, an exponent outside 1e-4 <= |x| < 1e16, "null" for NaN and infinities. NUL-terminated;
 * returns the length. */
size_t score_format_double(double x, char out[SCORE_NUMBER_MAX]);

/* Remembers formatted numbers by their exact bit pattern (so a hit is exact by construction).
 * The 15 scale scores take a few hundred distinct values and the summary score a few thousand
 * (it is a mean of 13 values from small sets), so almost every lookup is a hit. Direct-mapped:
 * a collision only costs a recomputation. A zeroed cache is an empty one. */
enum {
    SCORE_CACHE_BITS = 10, /* scale scores */
    SCORE_CACHE_SLOTS = 1 << SCORE_CACHE_BITS,
    SCORE_SUM_CACHE_BITS = 14, /* summary scores */
    SCORE_SUM_CACHE_SLOTS = 1 << SCORE_SUM_CACHE_BITS,
};

typedef struct {
    uint64_t bits;
    uint8_t len; /* 0: empty slot */
    char text[SCORE_NUMBER_MAX - 9];
} score_cache_entry;

typedef struct {
    score_cache_entry slots[SCORE_CACHE_SLOTS];
    score_cache_entry sum_slots[SCORE_SUM_CACHE_SLOTS];
} score_cache;

/* Writes {"QL2":..,"PF2":..,...,"FI":..,"SUM":..} (keys in qlq_score_id order, null for scores
 * not present; no spaces, no newline, no NUL) and returns its length. `out` must have room for
 * SCORE_JSON_MAX bytes: the writer copies in fixed-size pieces and may touch bytes past the end. */
size_t score_format_json(const qlq_scores *scores, score_cache *cache, char *out);

#endif
