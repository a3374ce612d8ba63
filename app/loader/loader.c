/*
 * loader.c - qlq_loader_parse: a questionnaire data file (format: assets/questionnaires/README.md)
 * into the core's model. Everything is checked before the caller sees any of it: on failure `out`
 * stays zeroed and nothing is left allocated.
 */
#include <stdio.h>
#include <string.h>

#include "loader_internal.h"

static const ldr_key top_keys[] = {
    { "language", true }, { "title", true }, { "version", true },  { "time_frame", true },
    { "items", true },    { "messages", true }, { "comment", false },
};

static const ldr_key time_frame_keys[] = { { "text", true }, { "first_item", true } };

/* QLQ-C30 v3.0 asks items 1-5 about now and items 6-30 about the past week; a header placed
 * elsewhere would change what a patient is answering. */
enum { V3_TIME_FRAME_FIRST_ITEM = 6 };

static const cJSON *get(const cJSON *obj, const char *key)
{
    return cJSON_GetObjectItemCaseSensitive(obj, key);
}

bool ldr_known_language(const char *lang)
{
    return lang != NULL && (strcmp(lang, "fr") == 0 || strcmp(lang, "en") == 0);
}

static int read_language(const ldr_ctx *c, const cJSON *v, qlq_questionnaire *q)
{
    if (!cJSON_IsString(v)) {
        char got[80];
        ldr_describe(got, sizeof got, v);
        return ldr_fail_field(c, LDR_TOP, "language", "expected a language code (" LDR_LANGUAGES "), got %s",
                              got);
    }
    if (!ldr_known_language(v->valuestring)) {
        char shown[64];
        ldr_printable(shown, sizeof shown, v->valuestring);
        return ldr_fail_field(c, LDR_TOP, "language", "unknown language \"%s\" (known: " LDR_LANGUAGES ")",
                              shown);
    }
    memcpy(q->language, v->valuestring, 3);
    return 0;
}

static int read_version(const ldr_ctx *c, const cJSON *v, qlq_questionnaire *q)
{
    if (ldr_string(c, LDR_TOP, "version", v, &q->version) != 0)
        return -1;
    /* The item scales and the scoring are those of version 3.0; another version needs new code. */
    if (strcmp(q->version, "3.0") != 0) {
        char shown[64];
        ldr_printable(shown, sizeof shown, q->version);
        return ldr_fail_field(c, LDR_TOP, "version", "expected \"3.0\", got \"%s\"", shown);
    }
    return 0;
}

static int read_time_frame(const ldr_ctx *c, const cJSON *v, qlq_questionnaire *q)
{
    if (ldr_check_object(c, LDR_TOP, "time_frame", v, time_frame_keys,
                         sizeof time_frame_keys / sizeof time_frame_keys[0]) != 0)
        return -1;
    if (ldr_string(c, LDR_TOP, "time_frame.text", get(v, "text"), &q->time_frame) != 0)
        return -1;
    int first;
    if (ldr_int(c, LDR_TOP, "time_frame.first_item", get(v, "first_item"), QLQ_FIRST_ITEM, QLQ_LAST_ITEM,
                &first) != 0)
        return -1;
    if (first != V3_TIME_FRAME_FIRST_ITEM)
        return ldr_fail_field(c, LDR_TOP, "time_frame.first_item",
                              "QLQ-C30 version 3.0 puts the time frame before item %d, not %d",
                              V3_TIME_FRAME_FIRST_ITEM, first);
    q->time_frame_first_item = first;
    return 0;
}

static int read_messages(const ldr_ctx *c, const cJSON *v, qlq_questionnaire *q)
{
    ldr_key keys[QLQ_MSG_COUNT];
    for (int m = 0; m < QLQ_MSG_COUNT; m++)
        keys[m] = (ldr_key){ .key = qlq_msg_key((qlq_msg)m), .required = true };
    if (ldr_check_object(c, LDR_TOP, "messages", v, keys, QLQ_MSG_COUNT) != 0)
        return -1;
    for (int m = 0; m < QLQ_MSG_COUNT; m++) {
        char field[64];
        snprintf(field, sizeof field, "messages.%s", keys[m].key);
        if (ldr_string(c, LDR_TOP, field, get(v, keys[m].key), &q->messages[m]) != 0)
            return -1;
    }
    return 0;
}

static int read_root(const ldr_ctx *c, const cJSON *root, qlq_questionnaire *q)
{
    if (!cJSON_IsObject(root)) {
        char got[80];
        ldr_describe(got, sizeof got, root);
        return ldr_fail(c, "the top level must be an object, got %s", got);
    }
    if (ldr_check_object(c, LDR_TOP, "", root, top_keys, sizeof top_keys / sizeof top_keys[0]) != 0)
        return -1;
    const cJSON *comment = get(root, "comment");
    if (comment != NULL && !cJSON_IsString(comment))
        return ldr_fail_field(c, LDR_TOP, "comment", "expected a string");
    if (read_language(c, get(root, "language"), q) != 0 || read_version(c, get(root, "version"), q) != 0 ||
        ldr_string(c, LDR_TOP, "title", get(root, "title"), &q->title) != 0 ||
        read_time_frame(c, get(root, "time_frame"), q) != 0 || ldr_items(c, get(root, "items"), q) != 0)
        return -1;
    return read_messages(c, get(root, "messages"), q);
}

static bool all_whitespace(const char *s, size_t len)
{
    for (size_t i = 0; i < len; i++) {
        if (s[i] != ' ' && s[i] != '\t' && s[i] != '\n' && s[i] != '\r')
            return false;
    }
    return true;
}

int qlq_loader_parse(const char *name, const char *json, size_t len, qlq_questionnaire *out, qlq_load_error *err)
{
    ldr_ctx c;
    ldr_ctx_init(&c, name, err);
    if (out == NULL)
        return ldr_fail(&c, "internal error: no questionnaire to fill");
    memset(out, 0, sizeof *out);
    if (json == NULL)
        return ldr_fail(&c, "internal error: no data");
    if (len > LDR_MAX_BYTES)
        return ldr_fail(&c, "file too large (%zu bytes; the limit is %d)", len, (int)LDR_MAX_BYTES);
    if (all_whitespace(json, len))
        return ldr_fail(&c, "the file is empty");
    if (ldr_scan_text(&c, json, len) != 0)
        return -1;
    cJSON *root = ldr_parse_json(&c, json, len);
    if (root == NULL)
        return -1;
    qlq_questionnaire q;
    memset(&q, 0, sizeof q);
    int rc = read_root(&c, root, &q);
    cJSON_Delete(root);
    if (rc != 0) {
        qlq_questionnaire_free(&q);
        return -1;
    }
    *out = q;
    return 0;
}
