/*
 * test_export_units.c - the pieces of qlq-export that are easier to pin down directly than through
 * the binary: number formatting, ids that become file names, FHIR without answers.
 */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <cmocka.h>

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cjson/cJSON.h>

#include "export.h"

static void test_doubles_round_trip(void **state)
{
    (void)state;
    /* Every 16-bit pattern of mantissa/exponent corners plus a deterministic pseudo-random walk. */
    uint64_t x = 0x9E3779B97F4A7C15u;
    for (int i = 0; i < 50000; i++) {
        x ^= x << 13;
        x ^= x >> 7;
        x ^= x << 17;
        double v;
        memcpy(&v, &x, sizeof v);
        if (!isfinite(v))
            continue;
        char buf[32];
        exp_format_double(v, buf);
        if (strtod(buf, NULL) != v)
            fail_msg("%s does not read back as %.17g", buf, v);
    }
}

static void test_doubles_are_readable(void **state)
{
    (void)state;
    /* Values qlq_score produces: plain decimals, shortest form, no exponent. */
    static const struct {
        double v;
        const char *text;
    } cases[] = {
        {100.0, "100"}, {0.0, "0"}, {50.0, "50"}, {66.66666666666667, "66.66666666666667"},
        {100.0 / 3.0, "33.333333333333336"}, {0.1, "0.1"}, {87.5, "87.5"},
    };
    for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
        char buf[32];
        exp_format_double(cases[i].v, buf);
        assert_string_equal(buf, cases[i].text);
    }
}

static void test_ids_that_are_safe_file_names(void **state)
{
    (void)state;
    assert_true(exp_id_valid("11111111-1111-4111-8111-111111111111"));
    assert_true(exp_id_valid("a"));
    assert_false(exp_id_valid(""));
    assert_false(exp_id_valid(NULL));
    assert_false(exp_id_valid("../../etc/passwd"));
    assert_false(exp_id_valid("a/b"));
    assert_false(exp_id_valid("a.json"));
    assert_false(exp_id_valid("00000000000000000000000000000000000000000000000000000000000000000")); /* 65 */
}

static void test_fhir_without_answers_has_no_items(void **state)
{
    (void)state;
    store_session_row s = {
        .id = "66666666-6666-4666-8666-666666666666", .initials = "", .birth_date = "not a date",
        .today_date = "2025-11-26", .mode = "MANUAL", .language = "en", .status = "in_progress",
        .created_at = "2025-11-26T10:17:33.123Z", .completed_at = NULL, .metadata = "{}",
    };
    char *text = exp_fhir_render(&s, NULL, 0);
    assert_non_null(text);
    cJSON *root = cJSON_Parse(text);
    free(text);
    assert_non_null(root);
    assert_string_equal(cJSON_GetObjectItemCaseSensitive(root, "status")->valuestring, "in-progress");
    assert_string_equal(cJSON_GetObjectItemCaseSensitive(root, "authored")->valuestring, s.created_at);
    assert_null(cJSON_GetObjectItemCaseSensitive(root, "item"));      /* FHIR forbids empty arrays */
    assert_null(cJSON_GetObjectItemCaseSensitive(root, "contained")); /* nothing valid to say */
    assert_null(cJSON_GetObjectItemCaseSensitive(root, "subject"));
    cJSON_Delete(root);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_doubles_round_trip),
        cmocka_unit_test(test_doubles_are_readable),
        cmocka_unit_test(test_ids_that_are_safe_file_names),
        cmocka_unit_test(test_fhir_without_answers_has_no_items),
    };
    return cmocka_run_group_tests_name("qlq-export units", tests, NULL, NULL);
}
