/*
 * qlq-score's building blocks: the CSV line parser and the JSON number formatter. The formatter is
 * checked against strtod (every output reads back as the same double) and against a slow reference
 * built on printf (same digits, so the output is also the shortest and the nearest).
 */
#include <inttypes.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "score.h"

/* ---- CSV lines ---- */

static score_line_result parse(const char *line, int8_t answers[QLQ_ITEM_SLOTS])
{
    memset(answers, 0x55, QLQ_ITEM_SLOTS);
    return score_parse_line(line, strlen(line), answers);
}

static void test_parse_plain(void **state)
{
    (void)state;
    int8_t a[QLQ_ITEM_SLOTS];
    score_line_result r = parse("1,2,3,4,1,2,3,4,1,2,3,4,1,2,3,4,1,2,3,4,1,2,3,4,1,2,3,4,7,1", a);
    assert_int_equal(r.status, SCORE_LINE_OK);
    assert_int_equal(r.fields, 30);
    assert_int_equal(a[0], 0);
    for (int n = 1; n <= 28; n++)
        assert_int_equal(a[n], (n - 1) % 4 + 1);
    assert_int_equal(a[29], 7);
    assert_int_equal(a[30], 1);
}

static void test_parse_missing_and_spaces(void **state)
{
    (void)state;
    int8_t a[QLQ_ITEM_SLOTS];
    score_line_result r = parse(" 1 ,,\t3\t, ,  ,,,,,,,,,,,,,,,,,,,,,,,,6 ,  \r", a);
    assert_int_equal(r.status, SCORE_LINE_OK);
    assert_int_equal(a[1], 1);
    assert_int_equal(a[2], 0);
    assert_int_equal(a[3], 3);
    for (int n = 4; n <= 28; n++)
        assert_int_equal(a[n], 0);
    assert_int_equal(a[29], 6);
    assert_int_equal(a[30], 0);

    r = parse(",,,,,,,,,,,,,,,,,,,,,,,,,,,,,", a); /* 29 commas: 30 empty fields */
    assert_int_equal(r.status, SCORE_LINE_OK);
    for (int n = 1; n <= 30; n++)
        assert_int_equal(a[n], 0);
}

static void test_parse_blank(void **state)
{
    (void)state;
    int8_t a[QLQ_ITEM_SLOTS];
    static const char *const blank[] = {"", "\r", "   ", " \t \r"};
    for (size_t i = 0; i < sizeof blank / sizeof blank[0]; i++)
        assert_int_equal(parse(blank[i], a).status, SCORE_LINE_BLANK);
}

static void test_parse_field_count(void **state)
{
    (void)state;
    int8_t a[QLQ_ITEM_SLOTS];
    score_line_result r = parse("1,2,3", a);
    assert_int_equal(r.status, SCORE_LINE_FIELDS);
    assert_int_equal(r.fields, 3);
    r = parse("1,1,1,1,1,1,1,1,1,1,1,1,1,1,1,1,1,1,1,1,1,1,1,1,1,1,1,1,1", a);
    assert_int_equal(r.status, SCORE_LINE_FIELDS);
    assert_int_equal(r.fields, 29);
    r = parse("1,1,1,1,1,1,1,1,1,1,1,1,1,1,1,1,1,1,1,1,1,1,1,1,1,1,1,1,1,1,", a);
    assert_int_equal(r.fields, 31);
    r = parse("x", a); /* one field; the count is the first thing wrong */
    assert_int_equal(r.status, SCORE_LINE_FIELDS);
    assert_int_equal(r.fields, 1);
    /* A bad value and a wrong count: the count wins. */
    r = parse("9,1,1,1,1,1,1,1,1,1,1,1,1,1,1,1,1,1,1,1,1,1,1,1,1,1,1,1,1,1,1", a);
    assert_int_equal(r.status, SCORE_LINE_FIELDS);
    assert_int_equal(r.fields, 31);

    char msg[SCORE_ERROR_MAX];
    score_line_message(r, msg);
    assert_string_equal(msg, "expected 30 fields, got 31");
}

/* Puts `field` at item `item` of an otherwise valid line. */
static score_line_result parse_with(int item, const char *field, int8_t a[QLQ_ITEM_SLOTS])
{
    char line[256] = "";
    for (int n = 1; n <= 30; n++) {
        strcat(line, n == item ? field : "2");
        if (n < 30)
            strcat(line, ",");
    }
    return parse(line, a);
}

static void test_parse_bad_values(void **state)
{
    (void)state;
    static const struct {
        int item;
        const char *field;
        score_line_status status;
    } cases[] = {
        {1, "5", SCORE_LINE_OUT_OF_RANGE},   {1, "0", SCORE_LINE_OUT_OF_RANGE},
        {28, "7", SCORE_LINE_OUT_OF_RANGE},  {29, "8", SCORE_LINE_OUT_OF_RANGE},
        {30, "0", SCORE_LINE_OUT_OF_RANGE},  {5, "10", SCORE_LINE_OUT_OF_RANGE},
        {5, "a", SCORE_LINE_NOT_INTEGER},    {6, "3.0", SCORE_LINE_NOT_INTEGER},
        {7, "+3", SCORE_LINE_NOT_INTEGER},   {8, "-1", SCORE_LINE_NOT_INTEGER},
        {9, "03", SCORE_LINE_NOT_INTEGER},   {10, "3 4", SCORE_LINE_NOT_INTEGER},
        {11, "\"3\"", SCORE_LINE_NOT_INTEGER}, {12, "3\r", SCORE_LINE_NOT_INTEGER},
        {30, "7x", SCORE_LINE_NOT_INTEGER},  {2, "1e0", SCORE_LINE_NOT_INTEGER},
    };
    for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
        int8_t a[QLQ_ITEM_SLOTS];
        score_line_result r = parse_with(cases[i].item, cases[i].field, a);
        if (r.status != cases[i].status || r.item != cases[i].item)
            fail_msg("field '%s' at item %d: status %d item %d", cases[i].field, cases[i].item, r.status, r.item);
    }
    /* The largest valid answers are accepted. */
    int8_t a[QLQ_ITEM_SLOTS];
    assert_int_equal(parse_with(28, "4", a).status, SCORE_LINE_OK);
    assert_int_equal(parse_with(29, "7", a).status, SCORE_LINE_OK);
    assert_int_equal(a[29], 7);
}

static void test_parse_first_bad_item_named(void **state)
{
    (void)state;
    int8_t a[QLQ_ITEM_SLOTS];
    for (int item = 1; item <= 30; item++) {
        score_line_result r = parse_with(item, "x", a);
        assert_int_equal(r.status, SCORE_LINE_NOT_INTEGER);
        assert_int_equal(r.item, item);
    }
    score_line_result r = parse("1,1,5,1,1,1,1,1,1,1,1,1,1,1,1,1,1,1,1,1,1,1,1,1,1,1,1,1,1,x", a);
    assert_int_equal(r.item, 3);
}

static void test_line_messages(void **state)
{
    (void)state;
    int8_t a[QLQ_ITEM_SLOTS];
    char msg[SCORE_ERROR_MAX];
    score_line_message(parse_with(4, "5", a), msg);
    assert_string_equal(msg, "item 4: out of range (expected 1..4, or empty when missing)");
    score_line_message(parse_with(29, "9", a), msg);
    assert_string_equal(msg, "item 29: out of range (expected 1..7, or empty when missing)");
    score_line_message(parse_with(17, "b", a), msg);
    assert_string_equal(msg, "item 17: not a plain integer (expected 1..4, or empty when missing)");
}

/* The parser never reads past the length it is given. */
static void test_parse_respects_length(void **state)
{
    (void)state;
    const char *text = "1,1,1,1,1,1,1,1,1,1,1,1,1,1,1,1,1,1,1,1,1,1,1,1,1,1,1,1,1,1";
    size_t len = strlen(text);
    char *exact = malloc(len); /* no NUL: ASan catches a read past the end */
    assert_non_null(exact);
    memcpy(exact, text, len);
    int8_t a[QLQ_ITEM_SLOTS];
    assert_int_equal(score_parse_line(exact, len, a).status, SCORE_LINE_OK);
    assert_int_equal(score_parse_line(exact, len - 2, a).status, SCORE_LINE_FIELDS);
    free(exact);
}

/* ---- numbers ---- */

/* The reference: the fewest significant digits p such that the correctly rounded p-digit decimal
 * (printf %.*e) or one of its two neighbours in the last digit reads back as x; that one, nearest
 * first. Returns the digits (no trailing zeros) and the decimal exponent of the first digit. */
static void reference_digits(double x, char digits[24], int *exp10)
{
    for (int p = 1; p <= 17; p++) {
        char buf[64];
        snprintf(buf, sizeof buf, "%.*e", p - 1, x);
        char *e = strchr(buf, 'e');
        int ex = atoi(e + 1);
        uint64_t d = 0;
        for (char *c = buf; c < e; c++) {
            if (*c >= '0' && *c <= '9')
                d = d * 10 + (uint64_t)(*c - '0');
        }
        uint64_t tries[3] = {d, d - 1, d + 1};
        for (int t = 0; t < 3; t++) {
            char cand[64];
            snprintf(cand, sizeof cand, "%" PRIu64 "e%d", tries[t], ex - (p - 1));
            if (tries[t] == 0 || strtod(cand, NULL) != x)
                continue;
            int n = snprintf(digits, 24, "%" PRIu64, tries[t]);
            *exp10 = ex - (p - 1) + n - 1;
            while (n > 1 && digits[n - 1] == '0')
                digits[--n] = '\0';
            return;
        }
    }
    fail_msg("no reference digits for %a", x);
}

/* The digits and exponent of a plain or exponent-form decimal string. */
static void split_decimal(const char *s, char digits[24], int *exp10)
{
    int n = 0, point = -1, lead = 0;
    const char *c = s;
    if (*c == '-')
        c++;
    for (; (*c >= '0' && *c <= '9') || *c == '.'; c++) {
        if (*c == '.') {
            point = n + lead;
            continue;
        }
        if (n == 0 && *c == '0') {
            lead++;
            continue;
        }
        if (n < 23)
            digits[n++] = *c;
    }
    int before = (point < 0 ? n + lead : point) - lead; /* digits before the point, after zeros */
    *exp10 = before - 1 + (*c == 'e' ? atoi(c + 1) : 0);
    while (n > 1 && digits[n - 1] == '0')
        n--;
    digits[n] = '\0';
}

static unsigned long checked;

static void check_number(double x)
{
    char out[SCORE_NUMBER_MAX];
    memset(out, 'Z', sizeof out);
    size_t len = score_format_double(x, out);
    if (len != strlen(out) || len >= SCORE_NUMBER_MAX)
        fail_msg("%a: bad length %zu", x, len);
    char *end;
    double back = strtod(out, &end);
    if (*end != '\0' || memcmp(&back, &x, sizeof x) != 0)
        fail_msg("%a printed as %s, reads back as %a", x, out, back);
    if (x == 0)
        return;
    char want[24], got[24];
    int want_exp, got_exp;
    reference_digits(x < 0 ? -x : x, want, &want_exp);
    split_decimal(out, got, &got_exp);
    if (strcmp(want, got) != 0 || want_exp != got_exp)
        fail_msg("%a printed as %s: digits %s e%d, reference %s e%d", x, out, got, got_exp, want, want_exp);
    checked++;
}

/* Outputs that Python's repr gives for the same doubles. */
static void test_known_numbers(void **state)
{
    (void)state;
    static const struct {
        double x;
        const char *text;
    } known[] = {
        {0.0, "0"},
        {-0.0, "-0"},
        {100.0, "100"},
        {50.0, "50"},
        {100.0 / 3.0, "33.333333333333336"},
        {0.1 + 0.2, "0.30000000000000004"},
        {0.1, "0.1"},
        {123456.789, "123456.789"},
        {-2.5, "-2.5"},
        {0x1.dfffffffffffep+5, "59.999999999999986"},
        /* Exactly halfway between the two nearest shortest decimals: the even one. */
        {0x1.0000000400000p+19, "524288.0004882812"},
        {0x1.341c000000000p-4, "0.07522201538085938"},
        {0x1.2ebe800000000p+0, "1.1825942993164062"},
        {0x1.0097080000000p+6, "64.14749145507812"},
        {0x1.00006c6800000p+17, "131072.84692382812"},
        {0x1.000013fc00000p+19, "524288.6245117188"},
        {0x1.0000000800001p+19, "524288.0009765626"},
        {0x1.0p-13, "0.0001220703125"},
        {0x1.fffffffffffffp-14, "0.00012207031249999999"},
        {0x1.a36e2eb1c432dp-14, "0.0001"},
        {0x1.a36e2eb1c432cp-14, "9.999999999999999e-05"},
        {0x1.0p-14, "6.103515625e-05"},
        {1e16, "1e+16"},
        {0x1.0p-24, "5.960464477539063e-08"}, /* the nearest 16 digits ...0625 miss the narrow lower side */
        {0x1.0p+89, "6.189700196426902e+26"},
        {0x1.fffffffffffffp+3, "15.999999999999998"},
        {0x1.0000000000001p+3, "8.000000000000002"},
        {1e22, "1e+22"},
        {1e23, "1e+23"},
        {5e-324, "5e-324"},
        {1.7976931348623157e308, "1.7976931348623157e+308"},
        {1e15 + 0.3, "1000000000000000.2"},
    };
    for (size_t i = 0; i < sizeof known / sizeof known[0]; i++) {
        char out[SCORE_NUMBER_MAX];
        score_format_double(known[i].x, out);
        if (strcmp(out, known[i].text) != 0)
            fail_msg("%a: got %s, want %s", known[i].x, out, known[i].text);
        check_number(known[i].x);
    }
    char out[SCORE_NUMBER_MAX];
    score_format_double(strtod("nan", NULL), out);
    assert_string_equal(out, "null");
    score_format_double(strtod("-inf", NULL), out);
    assert_string_equal(out, "null");
}

static uint64_t rng_state = 0x2545F4914F6CDD1Du;

static uint64_t rng(void)
{
    rng_state ^= rng_state << 13;
    rng_state ^= rng_state >> 7;
    rng_state ^= rng_state << 17;
    return rng_state;
}

static double from_bits(uint64_t bits)
{
    double x;
    memcpy(&x, &bits, sizeof x);
    return x;
}

/* Every value a scale score and a summary-like mean can take, and random doubles around them. */
static void test_numbers_round_trip(void **state)
{
    (void)state;
    for (int den = 1; den <= 120; den++) {
        for (int num = 0; num <= 100 * den; num += 1 + den / 8)
            check_number((double)num / den);
    }
    for (int count = 1; count <= 5; count++) { /* scale scores computed as the manual does */
        for (int sum = count; sum <= 7 * count; sum++) {
            double rs = (double)sum / count;
            check_number((1.0 - (rs - 1.0) / 3.0) * 100.0);
            check_number(((rs - 1.0) / 3.0) * 100.0);
            check_number(((rs - 1.0) / 6.0) * 100.0);
        }
    }
    for (int i = 0; i < 120000; i++) { /* random bit patterns in and around the fast range */
        uint64_t exp = 1000 + rng() % 60;
        uint64_t bits = (exp << 52) | (rng() & ((UINT64_C(1) << 52) - 1));
        check_number(from_bits(bits));
    }
    for (int i = 0; i < 10000; i++) { /* any finite double, a quarter of them subnormal */
        uint64_t bits = rng();
        if (i % 4 == 0)
            bits &= ~(UINT64_C(0x7ff) << 52);
        if (((bits >> 52) & 0x7ff) != 0x7ff)
            check_number(from_bits(bits));
    }
    for (int i = 0; i < 60000; i++) { /* few fraction bits: short exact decimals and ties */
        int e = (int)(rng() % 34) - 14, b = 1 + (int)(rng() % 40);
        double x = (double)((UINT64_C(1) << 52) | (rng() >> 12)) / 0x1p52; /* [1, 2) */
        x = (double)(int64_t)(x * (double)(UINT64_C(1) << b)) / (double)(UINT64_C(1) << b);
        check_number(x * from_bits((uint64_t)(1023 + e) << 52));
    }
    for (int e = 1; e < 2047; e++) { /* powers of two and their neighbours: uneven intervals */
        for (int d = -2; d <= 2; d++)
            check_number(from_bits(((uint64_t)e << 52) + (uint64_t)(int64_t)d));
    }
    double p10 = 1e-5;
    for (int k = -5; k <= 7; k++, p10 *= 10) { /* around powers of ten: where the length changes */
        uint64_t b;
        memcpy(&b, &p10, sizeof b);
        for (int d = -3; d <= 3; d++)
            check_number(from_bits(b + (uint64_t)(int64_t)d));
    }
    assert_true(checked > 200000);
}

/* ---- JSON lines ---- */

static void test_json_line(void **state)
{
    (void)state;
    static const char *const keys[QLQ_SCORE_COUNT] = {"QL2", "PF2", "RF2", "EF", "CF", "SF", "FA", "NV",
                                                        "PA",  "DY",  "SL",  "AP", "CO", "DI", "FI", "SUM"};
    static score_cache cache;
    qlq_scores s;
    for (int round = 0; round < 20000; round++) {
        for (int id = 0; id < QLQ_SCORE_COUNT; id++) {
            s.present[id] = rng() % 5 != 0;
            s.value[id] = round < 10000 ? (double)(rng() % 61) / 60.0 * 100.0 : (double)(rng() % 100000) / 7.0;
        }
        char out[SCORE_JSON_MAX + 1];
        size_t len = score_format_json(&s, &cache, out);
        assert_true(len <= SCORE_JSON_MAX);
        out[len] = '\0';
        const char *c = out;
        assert_int_equal(*c++, '{');
        for (int id = 0; id < QLQ_SCORE_COUNT; id++) {
            char key[16];
            int n = snprintf(key, sizeof key, "%s\"%s\":", id == 0 ? "" : ",", keys[id]);
            if (strncmp(c, key, (size_t)n) != 0)
                fail_msg("expected %s at '%s'", key, c);
            c += n;
            if (!s.present[id]) {
                assert_memory_equal(c, "null", 4);
                c += 4;
                continue;
            }
            char *end;
            double v = strtod(c, &end);
            if (end == c || memcmp(&v, &s.value[id], sizeof v) != 0)
                fail_msg("%s: %a printed as '%.*s'", keys[id], s.value[id], (int)(end - c), c);
            c = end;
        }
        assert_string_equal(c, "}");
    }
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_parse_plain),
        cmocka_unit_test(test_parse_missing_and_spaces),
        cmocka_unit_test(test_parse_blank),
        cmocka_unit_test(test_parse_field_count),
        cmocka_unit_test(test_parse_bad_values),
        cmocka_unit_test(test_parse_first_bad_item_named),
        cmocka_unit_test(test_line_messages),
        cmocka_unit_test(test_parse_respects_length),
        cmocka_unit_test(test_known_numbers),
        cmocka_unit_test(test_numbers_round_trip),
        cmocka_unit_test(test_json_line),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
