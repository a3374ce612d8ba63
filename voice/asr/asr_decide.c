/* asr_decide.c - the decision on a segment: which models are asked, how their opinions are merged,
 * and speech said slowly decoded again at a normal pace. What each model hears is asr_decode.c. */
#include "asr_internal.h"
#include "qlq_audio.h"

#include <math.h>
#include <stdio.h>
#include <stdlib.h>

/* Noisy: the words less than this over the sound around them, in dB (in the benchmark, answers at
 * 10 dB SNR measure 6-13 dB here, at 20 dB 15-21); short: "un", "deux", "oui", "non", "six". */
#define NOISY_SNR_DB 13.0
enum { NOISY_SHORT_PHONES = 3 };

/* Merging two opinions: a logistic on the surer model's confidence, whether the other heard the
 * same meaning (and how sure it was), and the phone-loop ratios (how well the words explain the
 * sound: low for both when another sentence was forced onto a phrase). Fitted by
 * bench/fit_fusion.py on the tuning voices from each model's own run; a decoy or nothing heard has
 * confidence 0. Benchmark (held-out voices, threshold 0.8) against the first model alone: clean
 * answers 98.5 % (same), 20 dB 80 % (68), 10 dB 51 % (37), commands 89 % (82), oui/non 77 % (67),
 * out-of-grammar rejected 99.2 % (98.4), misheard accepted 1.1 % (1.4). */
static const double fusion_weight[] = {
    0.260,  /* logit of the surer model's confidence */
    2.132,  /* both heard the same meaning */
    0.299,  /* ... times the logit of the other's confidence */
    -0.024, /* they differ: logit of the other's confidence */
    0.194,  /* both agree: the lower phone-loop ratio */
    0.839,  /* phone-loop ratio of the surer model */
    1.236,  /* offset */
};

static double logit(double c)
{
    c = c < 1e-4 ? 1e-4 : c > 1.0 - 1e-4 ? 1.0 - 1e-4 : c;
    return log(c / (1.0 - c));
}

static bool same_meaning(const asr_result *x, const asr_result *y)
{
    return x->heard_kind != ASR_REJECT && x->heard_kind == y->heard_kind && x->heard_value == y->heard_value;
}

static void fuse(const asr_result *first, const asr_result *second, asr_result *out)
{
    const asr_result *sure = second->confidence > first->confidence ? second : first;
    const asr_result *other = sure == first ? second : first;
    double agree = same_meaning(sure, other) ? 1.0 : 0.0;
    double low_ratio = first->phone_loop_ratio < second->phone_loop_ratio ? first->phone_loop_ratio
                                                                          : second->phone_loop_ratio;
    const double *w = fusion_weight;
    double z = w[0] * logit(sure->confidence) + w[1] * agree + w[2] * agree * logit(other->confidence) +
               w[3] * (1.0 - agree) * logit(other->confidence) + w[4] * agree * low_ratio +
               w[5] * sure->phone_loop_ratio + w[6];
    *out = *sure;
    out->confidence = sure->heard_kind == ASR_REJECT ? 0.0 : 1.0 / (1.0 + exp(-z));
    out->models = 2;
}

static bool usable_at(const asr_result *r, double below)
{
    return r->heard_kind != ASR_REJECT && r->confidence >= below;
}

static double threshold_for(const asr *a, const asr_result *r)
{
    return r->heard_kind == ASR_ANSWER ? a->answer_reject_below : a->reject_below;
}

static bool usable(const asr *a, const asr_result *r)
{
    return usable_at(r, threshold_for(a, r));
}

/* The third opinion: the CMU Sphinx French model as published, trained on real French speech and
 * never adapted to eSpeak (assets/voice/model-fr-cmu). Both adapted models learnt French from eSpeak's
 * voices, and on voices made from recordings of real speakers (MBROLA, Pico: bench_asr
 * --other-engines) they ask again for half of the clean answers they heard right; unadapted, this
 * model hears 81 % of those answers. It is asked only when the first two heard a phrase of some
 * meaning, at THIRD_OPINION_FROM or more, and would still ask again; when it hears the same meaning
 * at THIRD_AGREES_AT or more, the phrase is taken at the threshold's confidence, so the kiosk reads it
 * back for a "oui" (ASR_CONFIRM_BELOW). It never overrules a decoy, "both must hear", or a refusal by
 * the first two. Chosen on the tuning voices of both corpora (the pair with the most answers won and
 * no more wrong accepted: 0.3 / 0.8 of 0 / 0.3 / 0.5 by 0.5 ... 0.95). */
#define THIRD_OPINION_FROM 0.3
#define THIRD_AGREES_AT 0.8

static int third_opinion(const asr *a, const asr_lang_data *ld, asr_lang lang, asr_grammar g, const int16_t *d,
                         size_t count, double removed_power, asr_result *out)
{
    if (ld->n_models < 3 || usable(a, out) || out->heard_kind == ASR_REJECT || out->confidence < THIRD_OPINION_FROM)
        return 0;
    asr_result third = {.heard_kind = ASR_REJECT};
    int rc = asr_model_hears(ld, &ld->models[2], lang, g, d, count, removed_power, ASR_ALWAYS_MEASURE_RIVAL, &third);
    out->models = 3;
    if (rc == 0 && same_meaning(out, &third) && third.confidence >= THIRD_AGREES_AT)
        out->confidence = threshold_for(a, out);
    return rc;
}

/* The first model's opinion, the second's when the first is unsure, and the third's when both are
 * (third_opinion). `out` comes in as the
 * rejection to return when nothing is heard. Speech the models were not adapted to, when they are
 * sure of wrong answers (`must_agree`: whispered or echoing, see asr_decode_segment), and answers of
 * the phrase file's "agree" lines are always heard by both, and taken only when both hear the same
 * meaning. With one model (English) the one model decides them (a whisper is refused before, in
 * asr_decode_segment). */
static int opinions(const asr *a, asr_lang lang, asr_grammar g, bool must_agree, const int16_t *d, size_t count,
                    double removed_power, asr_result *out, double *first_pace)
{
    asr_result second = *out;
    const asr_lang_data *ld = &a->lang[lang];
    /* the second model's exact confidence goes into the fusion: its rival is always measured */
    int rc = asr_model_hears(ld, &ld->models[0], lang, g, d, count, removed_power, a->sure_without_rival, out);
    *first_pace = out->ms_per_phone;
    /* A decoy heard ("pas trop", "bonjour") is not overruled: on the benchmark the second model turned 3
     * such decisions in 924 into a right answer (and 17 "oui" said to a 4-point question, heard "huit",
     * into "oui", which the kiosk does not take as an answer either) and 2 into a wrong one, for half of
     * the times it was asked. Real-time factor 0.064 -> 0.055 (ratio 0.78 in one run). */
    bool decoy = out->heard_kind == ASR_REJECT && out->transcript[0] != '\0';
    /* A short word is easily made of noise: in white noise at 10 dB, "cinq", "quatre" and sentences
     * out of the grammar were heard "un" at 0.90-0.96. Such an answer (NOISY_SHORT_PHONES phones at
     * most, the words under NOISY_SNR_DB over the sound around them) is heard by the second model too.
     * Held-out voices against the same code without it: white noise at 10 dB, 6 misheard fewer (4 asked
     * again, 2 right) for 3 right answers asked again; phrasings 3 misheard fewer, none lost; other
     * noises, no decision changed; the second model is asked on 3-6 % more of the noisy files. */
    bool short_in_noise = out->snr_db < NOISY_SNR_DB && out->phones <= NOISY_SHORT_PHONES;
    /* Answers the first model confuses while sure of them (the phrase file's "agree" lines: "cinq"
     * and "sept", told apart by a nasal vowel its phones lack) are taken only when the second model
     * hears the same. */
    must_agree = must_agree || asr_both_must_hear(ld, g, out->heard_kind, out->heard_value);
    bool unsure = !decoy && (must_agree || short_in_noise || out->heard_kind == ASR_REJECT ||
                             out->confidence < ASR_SECOND_OPINION_BELOW);
    if (rc == 0 && ld->n_models > 1 && unsure) {
        asr_result first = *out;
        rc = asr_model_hears(ld, &ld->models[1], lang, g, d, count, removed_power, ASR_ALWAYS_MEASURE_RIVAL, &second);
        if (rc == 0)
            fuse(&first, &second, out);
        if (rc == 0 && must_agree && !same_meaning(&first, &second)) {
            out->heard_kind = ASR_REJECT;
            out->heard_value = 0;
            out->confidence = 0.0;
        }
        if (rc == 0)
            rc = third_opinion(a, ld, lang, g, d, count, removed_power, out);
    }
    return rc;
}

/* Said slowly (the first model's path spends more than this per phone): the models learnt speech
 * at 120-200 words a minute, whose phones last 90-140 ms in their paths here, and heard 80-100
 * words a minute with confident errors ("un" as "assez"). Such speech is brought to
 * NORMAL_MS_PER_PHONE (at most twice as fast) and decoded again. Slow speech (held-out voices):
 * 80 words/min 27 -> 32 of 33 right, 5 -> 1 misheard accepted; 100 words/min 28 -> 33, 5 -> 0. */
#define SLOW_MS_PER_PHONE 180.0
#define NORMAL_MS_PER_PHONE 120.0
#define MAX_SPEED_UP 2.0

int asr_decode_segment(asr *a, asr_lang lang, asr_grammar g, const int16_t *samples, const int16_t *as_heard,
                       size_t count, double removed_power, asr_result *out, char *err, size_t err_len)
{
    /* Without a second model to agree with, sound without a voice is not taken for speech. */
    bool whispered = !asr_has_voicing(as_heard, count);
    if (whispered && a->lang[lang].n_models < 2)
        return 0; /* out stays a rejection with confidence 0 */
    out->whispered = whispered;
    out->decay_ms = asr_echo_decay_ms(as_heard, count);
    out->echoing = out->decay_ms >= ASR_ECHO_DECAY_MS;
    /* Both models must hear the same meaning in a whisper (each alone was as sure of a whispered
     * "sept" heard for "cinq" as of a right answer; the whispering voice fr-be+whisper, held out: 84
     * of 104 right and 1 wrong, against 87 and 9 with the usual decision) and in echo (asr_echo.c; with
     * one model, as in English, echo changes nothing). */
    bool must_agree = whispered || out->echoing;
    asr_result nothing = *out;
    int16_t *d = asr_dithered(samples, count);
    double pace = 0;
    int rc = d ? opinions(a, lang, g, must_agree, d, count, removed_power, out, &pace) : -1;
    out->tempo = 1.0;
    if (rc == 0 && pace > SLOW_MS_PER_PHONE) {
        double speed = pace / NORMAL_MS_PER_PHONE < MAX_SPEED_UP ? pace / NORMAL_MS_PER_PHONE : MAX_SPEED_UP;
        audio_pcm slow = {.samples = d, .count = count, .rate = ASR_RATE}, quick = {0};
        if (audio_change_tempo(&slow, speed, &quick) == AUDIO_OK) {
            asr_result again = nothing;
            double pace_again;
            rc = opinions(a, lang, g, must_agree, quick.samples, quick.count, removed_power, &again, &pace_again);
            /* unless nothing usable is heard at the new pace in what was usable as said (short
             * words end on long vowels and can look slow: "un" at a normal pace). Judged at the
             * commands' stricter threshold: at the answers' own, an unsure "un peu" at the new pace
             * replaced a sure "un" as said (held-out fr+f5 at 120 words/min). */
            if (rc == 0 && (usable_at(&again, a->reject_below) || !usable_at(out, a->reject_below))) {
                *out = again;
                out->tempo = speed;
            }
        }
        audio_pcm_free(&quick);
    }
    free(d);
    if (rc != 0) {
        snprintf(err, err_len, "the decoder failed on %zu samples", count);
        return -1;
    }
    if (usable(a, out)) {
        out->kind = out->heard_kind;
        out->value = out->heard_value;
    }
    return 0;
}
