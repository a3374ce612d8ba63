/*
 * scoring.c - EORTC QLQ-C30 scale scores (Scoring Manual, 3rd edition) and the QLQ-C30 summary
 * score (Giesinger et al. 2016).
 *
 * Every score is computed the plain way an outside checker would: raw score = sum / count as a
 * double, then the manual's linear transform written exactly as the manual writes it, and the
 * summary score as a left-to-right sum of its 13 terms in the manual's scale order divided by 13.
 * Changing the order of any of these operations changes the last bit of some results, so keep it.
 */
#include "qlq_core.h"

typedef enum { SCORING_GLOBAL, SCORING_FUNCTIONAL, SCORING_SYMPTOM } scoring_kind;

enum { SCORING_MAX_ITEMS = 5 };

typedef struct {
    const char *name;
    scoring_kind kind;
    int range;                       /* highest minus lowest answer of the scale's items */
    int item_count;
    int items[SCORING_MAX_ITEMS];
} scoring_scale;

/* Indexed by qlq_score_id; the manual's item lists. */
static const scoring_scale scoring_scales[QLQ_SCORE_SCALES] = {
    [QLQ_QL2] = {"QL2", SCORING_GLOBAL, 6, 2, {29, 30}},
    [QLQ_PF2] = {"PF2", SCORING_FUNCTIONAL, 3, 5, {1, 2, 3, 4, 5}},
    [QLQ_RF2] = {"RF2", SCORING_FUNCTIONAL, 3, 2, {6, 7}},
    [QLQ_EF] = {"EF", SCORING_FUNCTIONAL, 3, 4, {21, 22, 23, 24}},
    [QLQ_CF] = {"CF", SCORING_FUNCTIONAL, 3, 2, {20, 25}},
    [QLQ_SF] = {"SF", SCORING_FUNCTIONAL, 3, 2, {26, 27}},
    [QLQ_FA] = {"FA", SCORING_SYMPTOM, 3, 3, {10, 12, 18}},
    [QLQ_NV] = {"NV", SCORING_SYMPTOM, 3, 2, {14, 15}},
    [QLQ_PA] = {"PA", SCORING_SYMPTOM, 3, 2, {9, 19}},
    [QLQ_DY] = {"DY", SCORING_SYMPTOM, 3, 1, {8}},
    [QLQ_SL] = {"SL", SCORING_SYMPTOM, 3, 1, {11}},
    [QLQ_AP] = {"AP", SCORING_SYMPTOM, 3, 1, {13}},
    [QLQ_CO] = {"CO", SCORING_SYMPTOM, 3, 1, {16}},
    [QLQ_DI] = {"DI", SCORING_SYMPTOM, 3, 1, {17}},
    [QLQ_FI] = {"FI", SCORING_SYMPTOM, 3, 1, {28}},
};

/* The summary score's components in the order they are added. Symptom scales enter as 100 - S. */
static const qlq_score_id scoring_summary_parts[] = {
    QLQ_PF2, QLQ_RF2, QLQ_EF, QLQ_CF, QLQ_SF,
    QLQ_FA, QLQ_NV, QLQ_PA, QLQ_DY, QLQ_SL, QLQ_AP, QLQ_CO, QLQ_DI,
};

enum { SCORING_SUMMARY_COUNT = sizeof scoring_summary_parts / sizeof scoring_summary_parts[0] };

static bool scoring_scale_score(const scoring_scale *sc, const int8_t answers[QLQ_ITEM_SLOTS],
                                double *out)
{
    int sum = 0;
    int answered = 0;
    for (int i = 0; i < sc->item_count; i++) {
        int n = sc->items[i];
        int a = answers[n];
        /* A scale's value is its highest answer; every item accepts 1..4, so only a larger answer
         * needs the look-up (which is not cheap in a loop run 30 times per questionnaire). */
        if (a >= 1 && (a <= QLQ_SCALE_4 || a <= (int)qlq_item_scale(n))) {
            sum += a;
            answered++;
        }
    }
    /* The manual: a scale is scored when at least half of its items are answered. */
    if (answered == 0 || 2 * answered < sc->item_count)
        return false;
    double raw = (double)sum / (double)answered;
    double range = (double)sc->range;
    if (sc->kind == SCORING_FUNCTIONAL)
        *out = (1.0 - (raw - 1.0) / range) * 100.0;
    else
        *out = ((raw - 1.0) / range) * 100.0;
    return true;
}

static void scoring_summary(qlq_scores *out)
{
    double total = 0.0;
    for (int i = 0; i < SCORING_SUMMARY_COUNT; i++) {
        qlq_score_id id = scoring_summary_parts[i];
        if (!out->present[id])
            return;
        total += scoring_scales[id].kind == SCORING_SYMPTOM ? 100.0 - out->value[id] : out->value[id];
    }
    out->value[QLQ_SUM] = total / (double)SCORING_SUMMARY_COUNT;
    out->present[QLQ_SUM] = true;
}

void qlq_score(const int8_t answers[QLQ_ITEM_SLOTS], qlq_scores *out)
{
    for (int id = 0; id < QLQ_SCORE_COUNT; id++) {
        out->value[id] = 0.0;
        out->present[id] = false;
    }
    for (int id = 0; id < QLQ_SCORE_SCALES; id++)
        out->present[id] = scoring_scale_score(&scoring_scales[id], answers, &out->value[id]);
    scoring_summary(out);
}

const char *qlq_score_name(qlq_score_id id)
{
    int i = (int)id;
    if (i >= 0 && i < QLQ_SCORE_SCALES)
        return scoring_scales[i].name;
    if (i == QLQ_SUM)
        return "SUM";
    return "?";
}
