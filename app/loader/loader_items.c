/*
 * loader_items.c - the "items" array: numbers 0..30 each exactly once, each on the scale QLQ-C30
 * version 3.0 gives it (the scoring depends on it), with its labels, and speech a voice can read.
 */
#include <stdio.h>
#include <string.h>

#include "loader_internal.h"

static const ldr_key item_keys[] = {
    { "number", true }, { "scale", true },    { "text", true },     { "speech", true },
    { "options", true }, { "anchors", false }, { "comment", false },
};

static const ldr_key anchor_keys[] = { { "low", true }, { "high", true } };

static const char *scale_name(qlq_scale s)
{
    switch (s) {
    case QLQ_SCALE_CHECK:
        return "check";
    case QLQ_SCALE_4:
        return "4-point";
    case QLQ_SCALE_7:
        return "7-point";
    }
    return "?";
}

static int read_scale(const ldr_ctx *c, ldr_where w, const cJSON *v, qlq_scale *out)
{
    if (cJSON_IsString(v) && strcmp(v->valuestring, "check") == 0)
        *out = QLQ_SCALE_CHECK;
    else if (cJSON_IsNumber(v) && v->valuedouble == 4)
        *out = QLQ_SCALE_4;
    else if (cJSON_IsNumber(v) && v->valuedouble == 7)
        *out = QLQ_SCALE_7;
    else {
        char got[80];
        ldr_describe(got, sizeof got, v);
        return ldr_fail_field(c, w, "scale", "expected 4, 7 or \"check\", got %s", got);
    }
    qlq_scale want = qlq_item_scale(w.item);
    if (*out != want)
        return ldr_fail_field(c, w, "scale", "QLQ-C30 version 3.0 puts item %d on the %s scale, not the %s one",
                              w.item, scale_name(want), scale_name(*out));
    return 0;
}

/* Speech goes to a synthesiser: "(e)" and brackets are read out or dropped unpredictably, and a word
 * in capitals ("LONGUE", the printed form's emphasis) may be spelt letter by letter. */
static int check_speech(const ldr_ctx *c, ldr_where w, const char *speech)
{
    if (strpbrk(speech, "()[]") != NULL)
        return ldr_fail_field(c, w, "speech", "must not contain brackets (write the words to be said)");
    int run = 0;
    for (const char *p = speech; *p != '\0'; p++) {
        run = (*p >= 'A' && *p <= 'Z') ? run + 1 : 0;
        if (run == 3) {
            return ldr_fail_field(c, w, "speech",
                                  "has a word in capitals; write it in lower case (a voice may spell it out)");
        }
    }
    return 0;
}

static int read_options(const ldr_ctx *c, ldr_where w, const cJSON *v, qlq_item *it)
{
    int want = it->scale == QLQ_SCALE_CHECK ? 2 : (int)it->scale;
    if (!cJSON_IsArray(v)) {
        char got[80];
        ldr_describe(got, sizeof got, v);
        return ldr_fail_field(c, w, "options", "expected an array of %d labels, got %s", want, got);
    }
    int count = cJSON_GetArraySize(v);
    if (count != want)
        return ldr_fail_field(c, w, "options", "expected %d labels for the %s scale, got %d", want,
                              scale_name(it->scale), count);
    int i = 0;
    for (const cJSON *o = v->child; o != NULL; o = o->next, i++) {
        char field[32];
        snprintf(field, sizeof field, "options[%d]", i);
        if (ldr_string(c, w, field, o, &it->options[i]) != 0)
            return -1;
        for (int j = 0; j < i; j++) {
            if (strcmp(it->options[j], it->options[i]) == 0)
                return ldr_fail_field(c, w, field, "same label as options[%d] (answers must be told apart)", j);
        }
    }
    return 0;
}

static int read_anchors(const ldr_ctx *c, ldr_where w, const cJSON *v, qlq_item *it)
{
    if (it->scale != QLQ_SCALE_7) {
        if (v != NULL)
            return ldr_fail_field(c, w, "anchors", "only 7-point items (29 and 30) have anchors");
        return 0;
    }
    if (v == NULL)
        return ldr_fail_field(c, w, "anchors", "missing (7-point items need \"low\" and \"high\" labels)");
    if (ldr_check_object(c, w, "anchors", v, anchor_keys, sizeof anchor_keys / sizeof anchor_keys[0]) != 0)
        return -1;
    if (ldr_string(c, w, "anchors.low", cJSON_GetObjectItemCaseSensitive(v, "low"), &it->anchor_low) != 0)
        return -1;
    return ldr_string(c, w, "anchors.high", cJSON_GetObjectItemCaseSensitive(v, "high"), &it->anchor_high);
}

/* The number comes first: every later message can then say "item N" instead of "items[i]". */
static int read_number(const ldr_ctx *c, ldr_where *w, const cJSON *obj, const int first_index[])
{
    if (!cJSON_IsObject(obj)) {
        char got[80];
        ldr_describe(got, sizeof got, obj);
        return ldr_fail_field(c, *w, NULL, "expected an object, got %s", got);
    }
    const cJSON *v = cJSON_GetObjectItemCaseSensitive(obj, "number");
    if (v == NULL)
        return ldr_fail_field(c, *w, "number", "missing");
    int n;
    if (ldr_int(c, *w, "number", v, QLQ_CHECK_ITEM, QLQ_LAST_ITEM, &n) != 0)
        return -1;
    w->item = n;
    if (first_index[n] >= 0)
        return ldr_fail_field(c, *w, "number", "duplicate: items[%d] and items[%d] both have number %d",
                              first_index[n], w->index, n);
    return 0;
}

static int read_item(const ldr_ctx *c, const cJSON *obj, int index, int first_index[], qlq_questionnaire *q)
{
    ldr_where w = { .item = -1, .index = index };
    if (read_number(c, &w, obj, first_index) != 0)
        return -1;
    first_index[w.item] = index;
    if (ldr_check_object(c, w, "", obj, item_keys, sizeof item_keys / sizeof item_keys[0]) != 0)
        return -1;
    qlq_item *it = &q->items[w.item];
    it->number = w.item;
    if (read_scale(c, w, cJSON_GetObjectItemCaseSensitive(obj, "scale"), &it->scale) != 0)
        return -1;
    if (ldr_string(c, w, "text", cJSON_GetObjectItemCaseSensitive(obj, "text"), &it->text) != 0)
        return -1;
    if (ldr_string(c, w, "speech", cJSON_GetObjectItemCaseSensitive(obj, "speech"), &it->speech) != 0 ||
        check_speech(c, w, it->speech) != 0)
        return -1;
    const cJSON *comment = cJSON_GetObjectItemCaseSensitive(obj, "comment");
    if (comment != NULL && !cJSON_IsString(comment))
        return ldr_fail_field(c, w, "comment", "expected a string");
    if (read_options(c, w, cJSON_GetObjectItemCaseSensitive(obj, "options"), it) != 0)
        return -1;
    return read_anchors(c, w, cJSON_GetObjectItemCaseSensitive(obj, "anchors"), it);
}

int ldr_items(const ldr_ctx *c, const cJSON *items, qlq_questionnaire *q)
{
    if (!cJSON_IsArray(items)) {
        char got[80];
        ldr_describe(got, sizeof got, items);
        return ldr_fail_field(c, LDR_TOP, "items", "expected an array, got %s", got);
    }
    int first_index[QLQ_ITEM_SLOTS];
    for (int n = 0; n < QLQ_ITEM_SLOTS; n++)
        first_index[n] = -1;
    int index = 0;
    for (const cJSON *obj = items->child; obj != NULL; obj = obj->next, index++) {
        if (read_item(c, obj, index, first_index, q) != 0)
            return -1;
    }
    for (int n = 0; n < QLQ_ITEM_SLOTS; n++) {
        if (first_index[n] < 0) {
            ldr_where w = { .item = n, .index = -1 };
            return ldr_fail_field(c, w, NULL, "missing from \"items\" (items 0 to 30 must each appear once)");
        }
    }
    return 0;
}
