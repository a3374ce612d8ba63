/*
 * EORTC QLQ-C30 scoring: worked examples from the Scoring Manual's rules (3rd edition), the
 * half-items rule at every scale's boundary, the 7-point global scale, out-of-range answers, the
 * summary score (Giesinger et al. 2016), and a comparison with a reference written here from the
 * manual on 200,000 pseudo-random answer sets.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>

#include <cmocka.h>

#include "qlq_core.h"

/* Hand-worked values are exact rationals; the computed doubles may differ in the last bits. */
static void near(double got, double want, const char *what)
{
    if (!(got - want < 1e-9 && want - got < 1e-9))
        fail_msg("%s: got %.17g, want %.17g", what, got, want);
}

static void presence(bool got, bool want, const char *what)
{
    if (got != want)
        fail_msg("%s: present is %d, want %d", what, got, want);
}

static const char *const names[QLQ_SCORE_COUNT] = {
    "QL2", "PF2", "RF2", "EF", "CF", "SF", "FA", "NV", "PA", "DY", "SL", "AP", "CO", "DI", "FI", "SUM",
};

/* The manual's table, written out again here so that a typo in scoring.c cannot hide. 'G' global
 * health status (range 6), 'F' functional (range 3), 'S' symptom (range 3). Items end with 0. */
typedef struct {
    char kind;
    int items[6];
} ref_scale;

static const ref_scale ref_scales[QLQ_SCORE_SCALES] = {
    [QLQ_QL2] = {'G', {29, 30, 0}},        [QLQ_PF2] = {'F', {1, 2, 3, 4, 5, 0}},
    [QLQ_RF2] = {'F', {6, 7, 0}},          [QLQ_EF] = {'F', {21, 22, 23, 24, 0}},
    [QLQ_CF] = {'F', {20, 25, 0}},         [QLQ_SF] = {'F', {26, 27, 0}},
    [QLQ_FA] = {'S', {10, 12, 18, 0}},     [QLQ_NV] = {'S', {14, 15, 0}},
    [QLQ_PA] = {'S', {9, 19, 0}},          [QLQ_DY] = {'S', {8, 0}},
    [QLQ_SL] = {'S', {11, 0}},             [QLQ_AP] = {'S', {13, 0}},
    [QLQ_CO] = {'S', {16, 0}},             [QLQ_DI] = {'S', {17, 0}},
    [QLQ_FI] = {'S', {28, 0}},
};

static int ref_item_count(int id)
{
    int n = 0;
    while (ref_scales[id].items[n] != 0)
        n++;
    return n;
}

static void fill(int8_t answers[QLQ_ITEM_SLOTS], int8_t value)
{
    for (int n = 0; n < QLQ_ITEM_SLOTS; n++)
        answers[n] = value;
}

static void test_names(void **state)
{
    (void)state;
    for (int id = 0; id < QLQ_SCORE_COUNT; id++)
        assert_string_equal(qlq_score_name((qlq_score_id)id), names[id]);
}

/* Every item 1 ("not at all"), global items 7 ("excellent"): the best possible state. */
static void test_best_state(void **state)
{
    (void)state;
    int8_t a[QLQ_ITEM_SLOTS];
    fill(a, 1);
    a[29] = a[30] = 7;
    qlq_scores s;
    qlq_score(a, &s);
    for (int id = 0; id < QLQ_SCORE_COUNT; id++)
        assert_true(s.present[id]);
    /* QL2: RS = 7, ((7-1)/6)*100 = 100. Functional: RS = 1, (1 - 0/3)*100 = 100. Symptom: 0. */
    assert_true(s.value[QLQ_QL2] == 100.0);
    for (int id = QLQ_PF2; id <= QLQ_SF; id++)
        assert_true(s.value[id] == 100.0);
    for (int id = QLQ_FA; id <= QLQ_FI; id++)
        assert_true(s.value[id] == 0.0);
    /* SUM: (5 * 100 + 8 * (100 - 0)) / 13 = 100. */
    assert_true(s.value[QLQ_SUM] == 100.0);
}

/* Every item 4 ("very much"), global items 1 ("very poor"): the worst possible state. */
static void test_worst_state(void **state)
{
    (void)state;
    int8_t a[QLQ_ITEM_SLOTS];
    fill(a, 4);
    a[29] = a[30] = 1;
    qlq_scores s;
    qlq_score(a, &s);
    /* QL2: ((1-1)/6)*100 = 0. Functional: (1 - 3/3)*100 = 0. Symptom: (3/3)*100 = 100. SUM = 0. */
    assert_true(s.value[QLQ_QL2] == 0.0);
    for (int id = QLQ_PF2; id <= QLQ_SF; id++)
        assert_true(s.value[id] == 0.0);
    for (int id = QLQ_FA; id <= QLQ_FI; id++)
        assert_true(s.value[id] == 100.0);
    assert_true(s.present[QLQ_SUM]);
    assert_true(s.value[QLQ_SUM] == 0.0);
}

/* A complete questionnaire worked by hand. */
static void test_worked_example(void **state)
{
    (void)state;
    static const int8_t items[QLQ_ITEM_SLOTS] = {
        0,
        1, 2, 2, 1, 1,     /* 1-5   PF2 */
        2, 3,              /* 6-7   RF2 */
        2,                 /* 8     DY */
        3,                 /* 9     PA (with 19) */
        2,                 /* 10    FA (with 12, 18) */
        1,                 /* 11    SL */
        3,                 /* 12    FA */
        4,                 /* 13    AP */
        1, 2,              /* 14-15 NV */
        3,                 /* 16    CO */
        1,                 /* 17    DI */
        4,                 /* 18    FA */
        2,                 /* 19    PA */
        1,                 /* 20    CF (with 25) */
        2, 2, 3, 3,        /* 21-24 EF */
        2,                 /* 25    CF */
        4, 3,              /* 26-27 SF */
        2,                 /* 28    FI */
        5, 6,              /* 29-30 QL2 */
    };
    qlq_scores s;
    qlq_score(items, &s);
    for (int id = 0; id < QLQ_SCORE_COUNT; id++)
        assert_true(s.present[id]);
    /* QL2: RS = (5+6)/2 = 5.5; ((5.5-1)/6)*100 = 75 */
    near(s.value[QLQ_QL2], 75.0, "QL2");
    /* PF2: RS = (1+2+2+1+1)/5 = 1.4; (1 - 0.4/3)*100 = 260/3 = 86.666... */
    near(s.value[QLQ_PF2], 260.0 / 3.0, "PF2");
    /* RF2: RS = (2+3)/2 = 2.5; (1 - 1.5/3)*100 = 50 */
    near(s.value[QLQ_RF2], 50.0, "RF2");
    /* EF: RS = (2+2+3+3)/4 = 2.5; 50 */
    near(s.value[QLQ_EF], 50.0, "EF");
    /* CF: RS = (1+2)/2 = 1.5; (1 - 0.5/3)*100 = 250/3 = 83.333... */
    near(s.value[QLQ_CF], 250.0 / 3.0, "CF");
    /* SF: RS = (4+3)/2 = 3.5; (1 - 2.5/3)*100 = 50/3 = 16.666... */
    near(s.value[QLQ_SF], 50.0 / 3.0, "SF");
    /* FA: RS = (2+3+4)/3 = 3; (2/3)*100 = 200/3 = 66.666... */
    near(s.value[QLQ_FA], 200.0 / 3.0, "FA");
    /* NV: RS = (1+2)/2 = 1.5; (0.5/3)*100 = 50/3 */
    near(s.value[QLQ_NV], 50.0 / 3.0, "NV");
    /* PA: RS = (3+2)/2 = 2.5; (1.5/3)*100 = 50 */
    near(s.value[QLQ_PA], 50.0, "PA");
    /* DY 2: 100/3; SL 1: 0; AP 4: 100; CO 3: 200/3; DI 1: 0; FI 2: 100/3 */
    near(s.value[QLQ_DY], 100.0 / 3.0, "DY");
    near(s.value[QLQ_SL], 0.0, "SL");
    near(s.value[QLQ_AP], 100.0, "AP");
    near(s.value[QLQ_CO], 200.0 / 3.0, "CO");
    near(s.value[QLQ_DI], 0.0, "DI");
    near(s.value[QLQ_FI], 100.0 / 3.0, "FI");
    /* SUM: functional 260/3 + 50 + 50 + 250/3 + 50/3 = 860/3;
     * 100 - symptom: FA 100/3, NV 250/3, PA 50, DY 200/3, SL 100, AP 0, CO 100/3, DI 100 = 1400/3;
     * (860/3 + 1400/3) / 13 = 2260/39 = 57.948717948717... (FI and QL2 are not part of it). */
    near(s.value[QLQ_SUM], 2260.0 / 39.0, "SUM");
}

/* Missing items leave the mean of the answered ones. */
static void test_missing_items_mean(void **state)
{
    (void)state;
    int8_t a[QLQ_ITEM_SLOTS];
    fill(a, 0);
    a[1] = 1, a[2] = 2, a[3] = 4; /* PF2: 4 and 5 missing; RS = 7/3; (1 - (4/3)/3)*100 = 500/9 */
    a[10] = 4, a[18] = 3;         /* FA: 12 missing; RS = 3.5; (2.5/3)*100 = 250/3 */
    a[22] = 2, a[24] = 4;         /* EF: 21 and 23 missing; RS = 3; (1 - 2/3)*100 = 100/3 */
    a[27] = 3;                    /* SF: 26 missing; RS = 3; 100/3 */
    a[30] = 2;                    /* QL2: 29 missing; RS = 2; (1/6)*100 = 50/3 */
    qlq_scores s;
    qlq_score(a, &s);
    near(s.value[QLQ_PF2], 500.0 / 9.0, "PF2");
    near(s.value[QLQ_FA], 250.0 / 3.0, "FA");
    near(s.value[QLQ_EF], 100.0 / 3.0, "EF");
    near(s.value[QLQ_SF], 100.0 / 3.0, "SF");
    near(s.value[QLQ_QL2], 50.0 / 3.0, "QL2");
    assert_false(s.present[QLQ_RF2]);
    assert_false(s.present[QLQ_SUM]);
}

/* For each scale: exactly half its items (rounded up) answered is scored, one fewer is not. All
 * answers 2, so RS = 2 whatever the count: functional 200/3, symptom 100/3, QL2 (1/6)*100. */
static void test_half_items_rule(void **state)
{
    (void)state;
    for (int id = 0; id < QLQ_SCORE_SCALES; id++) {
        int n = ref_item_count(id);
        int needed = (n + 1) / 2; /* PF2 3 of 5, EF 2 of 4, FA 2 of 3, pairs 1 of 2, singles 1 */
        for (int answered = 0; answered <= n; answered++) {
            int8_t a[QLQ_ITEM_SLOTS];
            fill(a, 0);
            for (int i = 0; i < answered; i++)
                a[ref_scales[id].items[i]] = 2;
            qlq_scores s;
            qlq_score(a, &s);
            char what[64];
            snprintf(what, sizeof what, "%s with %d of %d items", names[id], answered, n);
            presence(s.present[id], answered >= needed, what);
            if (answered < needed)
                continue;
            double want = ref_scales[id].kind == 'F' ? 200.0 / 3.0 : ref_scales[id].kind == 'S' ? 100.0 / 3.0
                                                                                               : 50.0 / 3.0;
            near(s.value[id], want, what);
        }
    }
}

/* The same boundary with the *last* items of each scale answered, so no item is privileged. */
static void test_half_items_rule_any_items(void **state)
{
    (void)state;
    int8_t a[QLQ_ITEM_SLOTS];
    fill(a, 0);
    a[4] = a[5] = 3; /* PF2: 2 of 5 */
    qlq_scores s;
    qlq_score(a, &s);
    assert_false(s.present[QLQ_PF2]);
    a[2] = 3; /* 3 of 5: RS 3, (1 - 2/3)*100 */
    qlq_score(a, &s);
    assert_true(s.present[QLQ_PF2]);
    near(s.value[QLQ_PF2], 100.0 / 3.0, "PF2");

    fill(a, 0);
    a[18] = 4; /* FA: 1 of 3 */
    qlq_score(a, &s);
    assert_false(s.present[QLQ_FA]);
    a[12] = 2; /* 2 of 3: RS 3, 200/3 */
    qlq_score(a, &s);
    near(s.value[QLQ_FA], 200.0 / 3.0, "FA");

    fill(a, 0);
    a[24] = 1; /* EF: 1 of 4 */
    qlq_score(a, &s);
    assert_false(s.present[QLQ_EF]);
    a[21] = 4; /* 2 of 4: RS 2.5, 50 */
    qlq_score(a, &s);
    near(s.value[QLQ_EF], 50.0, "EF");
}

/* Items 29 and 30 run 1..7 with range 6. */
static void test_global_seven_point(void **state)
{
    (void)state;
    static const struct {
        int8_t q29, q30;
        double want;
        bool present;
    } cases[] = {
        {1, 1, 0.0, true},            /* RS 1: 0 */
        {7, 7, 100.0, true},          /* RS 7: (6/6)*100 */
        {4, 4, 50.0, true},           /* RS 4: (3/6)*100 */
        {2, 3, 25.0, true},           /* RS 2.5: (1.5/6)*100 */
        {6, 7, 275.0 / 3.0, true},    /* RS 6.5: (5.5/6)*100 = 91.666... */
        {5, 0, 200.0 / 3.0, true},    /* one of two is enough: RS 5, (4/6)*100 */
        {0, 3, 100.0 / 3.0, true},    /* RS 3: (2/6)*100 */
        {8, 3, 100.0 / 3.0, true},    /* 8 is out of range: missing */
        {0, 0, 0.0, false},
        {8, 0, 0.0, false},
    };
    for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
        int8_t a[QLQ_ITEM_SLOTS];
        fill(a, 0);
        a[29] = cases[i].q29;
        a[30] = cases[i].q30;
        qlq_scores s;
        qlq_score(a, &s);
        char what[64];
        snprintf(what, sizeof what, "QL2 with answers %d and %d", cases[i].q29, cases[i].q30);
        presence(s.present[QLQ_QL2], cases[i].present, what);
        if (cases[i].present)
            near(s.value[QLQ_QL2], cases[i].want, what);
    }
}

/* 5, 6 or 7 are valid on the global items only; a 4-point item treats them as missing. */
static void test_out_of_range_is_missing(void **state)
{
    (void)state;
    static const int8_t bad4[] = {0, 5, 6, 7, 8, -1, -128, 127};
    for (size_t i = 0; i < sizeof bad4; i++) {
        int8_t a[QLQ_ITEM_SLOTS];
        fill(a, 0);
        a[8] = bad4[i]; /* DY: its only item */
        a[14] = bad4[i];
        a[15] = 3; /* NV: the other item alone: RS 3, 200/3 */
        a[1] = a[2] = bad4[i];
        a[3] = a[4] = a[5] = 2; /* PF2: 3 valid of 5: 200/3 */
        a[29] = a[30] = (int8_t)(bad4[i] >= 1 && bad4[i] <= 7 ? 0 : bad4[i]);
        qlq_scores s;
        qlq_score(a, &s);
        char what[64];
        snprintf(what, sizeof what, "answers of %d", bad4[i]);
        presence(s.present[QLQ_DY], false, what);
        near(s.value[QLQ_NV], 200.0 / 3.0, what);
        near(s.value[QLQ_PF2], 200.0 / 3.0, what);
        presence(s.present[QLQ_QL2], false, what);
        a[1] = a[2] = 0; /* the same as leaving them empty */
        qlq_scores t;
        qlq_score(a, &t);
        assert_true(s.value[QLQ_PF2] == t.value[QLQ_PF2]);
    }
}

/* answers[0] is the audio check, not an item. */
static void test_item_zero_ignored(void **state)
{
    (void)state;
    int8_t a[QLQ_ITEM_SLOTS];
    fill(a, 2);
    qlq_scores s, t;
    a[0] = 0;
    qlq_score(a, &s);
    a[0] = 1;
    qlq_score(a, &t);
    assert_memory_equal(s.value, t.value, sizeof s.value);
    assert_memory_equal(s.present, t.present, sizeof s.present);
}

/* SUM needs all 13 component scales; QL2 and FI are not among them. */
static void test_summary_needs_all_thirteen(void **state)
{
    (void)state;
    int8_t full[QLQ_ITEM_SLOTS];
    fill(full, 3);
    full[29] = full[30] = 4;
    qlq_scores base;
    qlq_score(full, &base);
    /* Functional RS 3: 100/3; symptom RS 3: 200/3, so 100 - 200/3 = 100/3: SUM = 100/3. */
    near(base.value[QLQ_SUM], 100.0 / 3.0, "SUM");
    for (int id = 0; id < QLQ_SCORE_SCALES; id++) {
        int8_t a[QLQ_ITEM_SLOTS];
        memcpy(a, full, sizeof a);
        for (int i = 0; ref_scales[id].items[i] != 0; i++)
            a[ref_scales[id].items[i]] = 0;
        qlq_scores s;
        qlq_score(a, &s);
        char what[64];
        snprintf(what, sizeof what, "SUM without %s", names[id]);
        presence(s.present[id], false, what);
        bool component = id != QLQ_QL2 && id != QLQ_FI;
        presence(s.present[QLQ_SUM], !component, what);
        if (!component)
            assert_true(s.value[QLQ_SUM] == base.value[QLQ_SUM]);
    }
}

/* Symptoms enter the summary as 100 - S: more symptoms, lower summary. */
static void test_summary_direction(void **state)
{
    (void)state;
    int8_t a[QLQ_ITEM_SLOTS];
    fill(a, 1);
    a[29] = a[30] = 7;
    a[13] = 4; /* AP from 0 to 100: SUM = (12 * 100 + 0) / 13 = 1200/13 */
    qlq_scores s;
    qlq_score(a, &s);
    near(s.value[QLQ_SUM], 1200.0 / 13.0, "SUM");
    a[13] = 1;
    a[1] = 4; /* PF2 RS (4+1+1+1+1)/5 = 1.6: (1 - 0.6/3)*100 = 80; SUM = (1200 + 80)/13 */
    qlq_score(a, &s);
    near(s.value[QLQ_SUM], 1280.0 / 13.0, "SUM");
}

/* ---- the independent reference: the manual, written the obvious way ---- */

static bool ref_valid(int item, int v)
{
    return v >= 1 && v <= (item == 29 || item == 30 ? 7 : 4);
}

static void ref_score(const int8_t a[QLQ_ITEM_SLOTS], qlq_scores *out)
{
    for (int id = 0; id < QLQ_SCORE_SCALES; id++) {
        int sum = 0, count = 0, n = ref_item_count(id);
        for (int i = 0; i < n; i++) {
            int item = ref_scales[id].items[i];
            if (ref_valid(item, a[item])) {
                sum += a[item];
                count++;
            }
        }
        out->present[id] = count > 0 && count * 2 >= n;
        out->value[id] = 0.0;
        if (!out->present[id])
            continue;
        double rs = (double)sum / count;
        char k = ref_scales[id].kind;
        out->value[id] = k == 'F' ? (1 - (rs - 1) / 3) * 100 : k == 'S' ? ((rs - 1) / 3) * 100 : ((rs - 1) / 6) * 100;
    }
    static const int parts[13] = {QLQ_PF2, QLQ_RF2, QLQ_EF, QLQ_CF, QLQ_SF, QLQ_FA, QLQ_NV,
                                  QLQ_PA, QLQ_DY, QLQ_SL, QLQ_AP, QLQ_CO, QLQ_DI};
    double total = 0;
    out->present[QLQ_SUM] = true;
    out->value[QLQ_SUM] = 0.0;
    for (int i = 0; i < 13; i++) {
        if (!out->present[parts[i]])
            out->present[QLQ_SUM] = false;
        total += i < 5 ? out->value[parts[i]] : 100 - out->value[parts[i]];
    }
    if (out->present[QLQ_SUM])
        out->value[QLQ_SUM] = total / 13;
}

static uint64_t rng_state = 0x9E3779B97F4A7C15u;

static uint32_t rng(void)
{
    rng_state ^= rng_state << 13;
    rng_state ^= rng_state >> 7;
    rng_state ^= rng_state << 17;
    return (uint32_t)(rng_state >> 32);
}

static void random_answers(int8_t a[QLQ_ITEM_SLOTS])
{
    static const unsigned missing_per_mille[] = {0, 0, 50, 200, 500, 900};
    unsigned missing = missing_per_mille[rng() % 6];
    a[0] = (int8_t)(rng() % 2);
    for (int item = 1; item <= QLQ_LAST_ITEM; item++) {
        unsigned r = rng() % 1000;
        if (r < missing)
            a[item] = (rng() % 8 == 0) ? (int8_t)(rng() % 12) - 2 : 0; /* sometimes junk: -2..9 */
        else
            a[item] = (int8_t)(1 + rng() % (item >= 29 ? 7 : 4));
    }
}

static void test_matches_reference(void **state)
{
    (void)state;
    unsigned long with_sum = 0;
    for (int i = 0; i < 200000; i++) {
        int8_t a[QLQ_ITEM_SLOTS];
        random_answers(a);
        qlq_scores got, want;
        qlq_score(a, &got);
        ref_score(a, &want);
        for (int id = 0; id < QLQ_SCORE_COUNT; id++) {
            if (got.present[id] != want.present[id] ||
                (want.present[id] && memcmp(&got.value[id], &want.value[id], sizeof(double)) != 0)) {
                fail_msg("set %d, %s: got %d %.17g, reference %d %.17g", i, names[id], got.present[id],
                         got.value[id], want.present[id], want.value[id]);
            }
        }
        with_sum += want.present[QLQ_SUM];
    }
    /* The generator must exercise both sides of the summary rule. */
    assert_true(with_sum > 20000 && with_sum < 180000);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_names),
        cmocka_unit_test(test_best_state),
        cmocka_unit_test(test_worst_state),
        cmocka_unit_test(test_worked_example),
        cmocka_unit_test(test_missing_items_mean),
        cmocka_unit_test(test_half_items_rule),
        cmocka_unit_test(test_half_items_rule_any_items),
        cmocka_unit_test(test_global_seven_point),
        cmocka_unit_test(test_out_of_range_is_missing),
        cmocka_unit_test(test_item_zero_ignored),
        cmocka_unit_test(test_summary_needs_all_thirteen),
        cmocka_unit_test(test_summary_direction),
        cmocka_unit_test(test_matches_reference),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
