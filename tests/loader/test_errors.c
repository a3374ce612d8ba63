/*
 * test_errors.c - every structural error the loader must catch. Each case breaks the real French
 * file in one place (through cJSON, which happily writes duplicate keys) and checks that loading
 * fails, leaves the questionnaire zeroed, and that the message names the file, the item and the
 * field.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cjson/cJSON.h>
#include <cmocka.h>

#include "loader_test_util.h"

typedef enum {
    SET, /* replace key's value (or add it) with `value` */
    DEL, /* remove key */
    DUP, /* add a second `key` with `value` */
} op;

typedef struct {
    const char *label;
    const char *target; /* "" top level, "time_frame", "messages", "item N", "items[i]", "anchors N" */
    op op;
    const char *key;    /* NULL with "items[i]": the element itself */
    const char *value;  /* JSON text */
    const char *want[4];
} mutation;

#define NAME "broken/qlq-c30.fr.json"

static const mutation cases[] = {
    /* top level */
    { "missing language", "", DEL, "language", NULL, { "field \"language\"", "missing" } },
    { "unknown language", "", SET, "language", "\"de\"", { "field \"language\"", "unknown language \"de\"" } },
    { "language not a string", "", SET, "language", "3", { "field \"language\"", "got 3" } },
    { "misspelt top-level key", "", DUP, "langauge", "\"fr\"", { "field \"langauge\"", "unknown" } },
    { "duplicate title", "", DUP, "title", "\"Autre\"", { "field \"title\"", "more than once" } },
    { "empty title", "", SET, "title", "\"\"", { "field \"title\"", "empty" } },
    { "blank title", "", SET, "title", "\"   \"", { "field \"title\"", "empty" } },
    { "title with newline", "", SET, "title", "\"a\\nb\"", { "field \"title\"", "U+000A" } },
    { "title with C1 control", "", SET, "title", "\"a\\u0085b\"", { "field \"title\"", "U+0085" } },
    { "title not a string", "", SET, "title", "[\"t\"]", { "field \"title\"", "expected a string" } },
    { "missing title", "", DEL, "title", NULL, { "field \"title\"", "missing" } },
    { "wrong version", "", SET, "version", "\"2.0\"", { "field \"version\"", "\"3.0\"", "\"2.0\"" } },
    { "version as number", "", SET, "version", "3.0", { "field \"version\"", "expected a string" } },
    { "comment not a string", "", SET, "comment", "{}", { "field \"comment\"", "string" } },
    { "items not an array", "", SET, "items", "{}", { "field \"items\"", "expected an array" } },
    { "missing items", "", DEL, "items", NULL, { "field \"items\"", "missing" } },
    { "messages not an object", "", SET, "messages", "[]", { "field \"messages\"", "expected an object" } },
    { "missing messages", "", DEL, "messages", NULL, { "field \"messages\"", "missing" } },
    /* time frame */
    { "missing time frame", "", DEL, "time_frame", NULL, { "field \"time_frame\"", "missing" } },
    { "time frame as string", "", SET, "time_frame", "\"Au cours\"", { "field \"time_frame\"", "object" } },
    { "missing time frame text", "time_frame", DEL, "text", NULL, { "field \"time_frame.text\"", "missing" } },
    { "empty time frame text", "time_frame", SET, "text", "\"\"", { "field \"time_frame.text\"", "empty" } },
    { "missing first item", "time_frame", DEL, "first_item", NULL,
      { "field \"time_frame.first_item\"", "missing" } },
    { "time frame on item 5", "time_frame", SET, "first_item", "5",
      { "field \"time_frame.first_item\"", "item 6, not 5" } },
    { "time frame on item 0", "time_frame", SET, "first_item", "0",
      { "field \"time_frame.first_item\"", "out of range" } },
    { "first item as string", "time_frame", SET, "first_item", "\"6\"",
      { "field \"time_frame.first_item\"", "integer", "\"6\"" } },
    { "first item fractional", "time_frame", SET, "first_item", "6.5",
      { "field \"time_frame.first_item\"", "integer", "6.5" } },
    { "unknown time frame key", "time_frame", DUP, "speech", "\"x\"",
      { "field \"time_frame.speech\"", "unknown" } },
    /* item numbers */
    { "missing item 17", "items[17]", DEL, NULL, NULL, { "item 17:", "missing" } },
    { "missing item 0", "items[0]", DEL, NULL, NULL, { "item 0:", "missing" } },
    { "item not an object", "items[3]", SET, NULL, "42", { "items[3]:", "expected an object", "42" } },
    { "missing number", "items[4]", DEL, "number", NULL, { "items[4]:", "field \"number\"", "missing" } },
    { "number 31", "items[4]", SET, "number", "31", { "items[4]:", "field \"number\"", "31 is out of range" } },
    { "number -1", "items[4]", SET, "number", "-1", { "items[4]:", "field \"number\"", "out of range" } },
    { "huge number", "items[4]", SET, "number", "1e300", { "items[4]:", "field \"number\"", "out of range" } },
    { "fractional number", "items[4]", SET, "number", "3.5", { "items[4]:", "field \"number\"", "integer" } },
    { "number as string", "items[4]", SET, "number", "\"4\"", { "items[4]:", "field \"number\"", "integer" } },
    { "duplicate number", "items[6]", SET, "number", "5",
      { "item 5:", "field \"number\"", "items[5] and items[6]" } },
    { "duplicate number key", "item 9", DUP, "number", "9", { "item 9:", "field \"number\"", "more than once" } },
    /* scales */
    { "item 29 declared 4-point", "item 29", SET, "scale", "4", { "item 29:", "field \"scale\"", "7-point" } },
    { "item 3 declared 7-point", "item 3", SET, "scale", "7", { "item 3:", "field \"scale\"", "4-point" } },
    { "item 0 declared 4-point", "item 0", SET, "scale", "4", { "item 0:", "field \"scale\"", "check" } },
    { "item 5 declared check", "item 5", SET, "scale", "\"check\"", { "item 5:", "field \"scale\"", "4-point" } },
    { "scale 5", "item 5", SET, "scale", "5", { "item 5:", "field \"scale\"", "got 5" } },
    { "scale as string", "item 5", SET, "scale", "\"4\"", { "item 5:", "field \"scale\"", "got \"4\"" } },
    { "scale null", "item 5", SET, "scale", "null", { "item 5:", "field \"scale\"", "got null" } },
    { "missing scale", "item 5", DEL, "scale", NULL, { "item 5:", "field \"scale\"", "missing" } },
    /* options */
    { "three labels", "item 3", SET, "options", "[\"a\",\"b\",\"c\"]",
      { "item 3:", "field \"options\"", "expected 4", "got 3" } },
    { "five labels", "item 3", SET, "options", "[\"a\",\"b\",\"c\",\"d\",\"e\"]",
      { "item 3:", "field \"options\"", "expected 4", "got 5" } },
    { "item 29 with 4 labels", "item 29", SET, "options", "[\"1\",\"2\",\"3\",\"4\"]",
      { "item 29:", "field \"options\"", "expected 7" } },
    { "item 0 with 4 labels", "item 0", SET, "options", "[\"a\",\"b\",\"c\",\"d\"]",
      { "item 0:", "field \"options\"", "expected 2" } },
    { "options not an array", "item 3", SET, "options", "\"Pas du tout\"",
      { "item 3:", "field \"options\"", "array" } },
    { "missing options", "item 3", DEL, "options", NULL, { "item 3:", "field \"options\"", "missing" } },
    { "empty label", "item 12", SET, "options", "[\"Pas du tout\",\"Un peu\",\"\",\"Beaucoup\"]",
      { "item 12:", "field \"options[2]\"", "empty" } },
    { "label not a string", "item 12", SET, "options", "[\"Pas du tout\",2,\"Assez\",\"Beaucoup\"]",
      { "item 12:", "field \"options[1]\"", "expected a string" } },
    { "repeated label", "item 12", SET, "options", "[\"Pas du tout\",\"Un peu\",\"Assez\",\"Un peu\"]",
      { "item 12:", "field \"options[3]\"", "options[1]" } },
    /* text and speech */
    { "missing text", "item 8", DEL, "text", NULL, { "item 8:", "field \"text\"", "missing" } },
    { "empty text", "item 8", SET, "text", "\"\"", { "item 8:", "field \"text\"", "empty" } },
    { "text as array", "item 8", SET, "text", "[]", { "item 8:", "field \"text\"", "expected a string" } },
    { "text with tab", "item 8", SET, "text", "\"a\\tb\"", { "item 8:", "field \"text\"", "U+0009" } },
    { "duplicate text", "item 7", DUP, "text", "\"x\"", { "item 7:", "field \"text\"", "more than once" } },
    { "missing speech", "item 8", DEL, "speech", NULL, { "item 8:", "field \"speech\"", "missing" } },
    { "empty speech", "item 8", SET, "speech", "\"\"", { "item 8:", "field \"speech\"", "empty" } },
    { "gender marker in speech", "item 18", SET, "speech", "\"Étiez-vous fatigué(e) ?\"",
      { "item 18:", "field \"speech\"", "brackets" } },
    { "capitals in speech", "item 2", SET, "speech", "\"Avez-vous des difficultés à faire une LONGUE promenade ?\"",
      { "item 2:", "field \"speech\"", "capitals" } },
    { "misspelt item key", "item 7", DUP, "speach", "\"x\"", { "item 7:", "field \"speach\"", "unknown" } },
    { "item comment not a string", "item 7", SET, "comment", "1", { "item 7:", "field \"comment\"", "string" } },
    /* anchors */
    { "missing anchors", "item 29", DEL, "anchors", NULL, { "item 29:", "field \"anchors\"", "missing" } },
    { "anchors on item 5", "item 5", SET, "anchors", "{\"low\":\"a\",\"high\":\"b\"}",
      { "item 5:", "field \"anchors\"", "7-point" } },
    { "anchors not an object", "item 30", SET, "anchors", "[\"a\",\"b\"]",
      { "item 30:", "field \"anchors\"", "object" } },
    { "empty low anchor", "anchors 30", SET, "low", "\"\"", { "item 30:", "field \"anchors.low\"", "empty" } },
    { "missing high anchor", "anchors 30", DEL, "high", NULL, { "item 30:", "field \"anchors.high\"", "missing" } },
    { "unknown anchor", "anchors 29", DUP, "mid", "\"x\"", { "item 29:", "field \"anchors.mid\"", "unknown" } },
    { "duplicate anchor", "anchors 29", DUP, "low", "\"x\"",
      { "item 29:", "field \"anchors.low\"", "more than once" } },
    /* messages */
    { "missing message", "messages", DEL, "thanks", NULL, { "field \"messages.thanks\"", "missing" } },
    { "missing last message", "messages", DEL, "err_not_now", NULL,
      { "field \"messages.err_not_now\"", "missing" } },
    { "unknown message", "messages", DUP, "thanx", "\"Merci\"", { "field \"messages.thanx\"", "unknown" } },
    { "duplicate message", "messages", DUP, "saved", "\"Enregistré\"",
      { "field \"messages.saved\"", "more than once" } },
    { "empty message", "messages", SET, "saved", "\"\"", { "field \"messages.saved\"", "empty" } },
    { "message not a string", "messages", SET, "yes", "true", { "field \"messages.yes\"", "expected a string" } },
    { "upper-case message key", "messages", DUP, "WELCOME", "\"x\"", { "field \"messages.WELCOME\"", "unknown" } },
};

static char *french_text;

static int setup(void **state)
{
    (void)state;
    french_text = tu_read_asset("fr", NULL);
    return 0;
}

static int teardown(void **state)
{
    (void)state;
    free(french_text);
    return 0;
}

static cJSON *item_numbered(cJSON *doc, int n)
{
    cJSON *it;
    cJSON_ArrayForEach(it, cJSON_GetObjectItemCaseSensitive(doc, "items"))
    {
        cJSON *num = cJSON_GetObjectItemCaseSensitive(it, "number");
        if (cJSON_IsNumber(num) && num->valuedouble == n)
            return it;
    }
    fail_msg("no item %d in the test document", n);
    return NULL;
}

static cJSON *find_target(cJSON *doc, const char *target)
{
    int n;
    if (target[0] == '\0')
        return doc;
    if (sscanf(target, "item %d", &n) == 1)
        return item_numbered(doc, n);
    if (sscanf(target, "anchors %d", &n) == 1)
        return cJSON_GetObjectItemCaseSensitive(item_numbered(doc, n), "anchors");
    if (sscanf(target, "items[%d]", &n) == 1)
        return cJSON_GetArrayItem(cJSON_GetObjectItemCaseSensitive(doc, "items"), n);
    return cJSON_GetObjectItemCaseSensitive(doc, target);
}

static void apply(cJSON *doc, const mutation *m)
{
    cJSON *t = find_target(doc, m->target);
    assert_non_null(t);
    cJSON *value = m->value != NULL ? cJSON_Parse(m->value) : NULL;
    if (m->value != NULL && value == NULL)
        fail_msg("bad test value %s", m->value);
    if (m->key == NULL) {
        int n = 0;
        sscanf(m->target, "items[%d]", &n);
        cJSON *items = cJSON_GetObjectItemCaseSensitive(doc, "items");
        if (m->op == DEL)
            cJSON_DeleteItemFromArray(items, n);
        else
            assert_true(cJSON_ReplaceItemInArray(items, n, value));
        return;
    }
    switch (m->op) {
    case SET:
        if (cJSON_GetObjectItemCaseSensitive(t, m->key) != NULL)
            assert_true(cJSON_ReplaceItemInObjectCaseSensitive(t, m->key, value));
        else
            assert_true(cJSON_AddItemToObject(t, m->key, value));
        break;
    case DEL:
        assert_non_null(cJSON_GetObjectItemCaseSensitive(t, m->key));
        cJSON_DeleteItemFromObjectCaseSensitive(t, m->key);
        break;
    case DUP:
        assert_true(cJSON_AddItemToObject(t, m->key, value));
        break;
    }
}

static void run_case(void **state)
{
    const mutation *m = *state;
    cJSON *doc = cJSON_Parse(french_text);
    assert_non_null(doc);
    apply(doc, m);
    char *text = cJSON_Print(doc);
    cJSON_Delete(doc);
    assert_non_null(text);
    qlq_questionnaire q;
    memset(&q, 0xAB, sizeof q);
    qlq_load_error err;
    int rc = qlq_loader_parse(NAME, text, strlen(text), &q, &err);
    free(text);
    if (rc == 0) {
        qlq_questionnaire_free(&q);
        fail_msg("\"%s\" loaded without error", m->label);
    }
    assert_int_equal(rc, -1);
    assert_true(tu_is_zeroed(&q));
    assert_true(strncmp(err.message, NAME ": ", strlen(NAME) + 2) == 0);
    for (int i = 0; i < 4 && m->want[i] != NULL; i++)
        tu_assert_has(err.message, m->want[i]);
    print_message("    %s\n", err.message);
}

/* The mutations must break only what they mean to: the untouched round trip loads. */
static void unmodified_round_trip_loads(void **state)
{
    (void)state;
    cJSON *doc = cJSON_Parse(french_text);
    char *text = cJSON_Print(doc);
    cJSON_Delete(doc);
    qlq_questionnaire q;
    qlq_load_error err;
    if (qlq_loader_parse(NAME, text, strlen(text), &q, &err) != 0)
        fail_msg("%s", err.message);
    qlq_questionnaire_free(&q);
    free(text);
}

int main(void)
{
    enum { N = sizeof cases / sizeof cases[0] };
    struct CMUnitTest tests[N + 1];
    tests[0] = (struct CMUnitTest)cmocka_unit_test(unmodified_round_trip_loads);
    for (size_t i = 0; i < N; i++) {
        tests[i + 1] = (struct CMUnitTest){
            .name = cases[i].label,
            .test_func = run_case,
            .initial_state = (void *)&cases[i],
        };
    }
    return cmocka_run_group_tests(tests, setup, teardown);
}
