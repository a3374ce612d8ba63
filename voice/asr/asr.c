/* asr.c - creating the recogniser: decoder options, lexicons, grammars, the phone loop. */
#include "asr_internal.h"

#include <sphinxbase/err.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>

#ifndef QLQ_ASR_INSTALLED_ASSETS
#define QLQ_ASR_INSTALLED_ASSETS "/usr/share/qlq-kiosk"
#endif
#ifndef QLQ_ASR_SOURCE_ASSETS
#define QLQ_ASR_SOURCE_ASSETS "assets"
#endif
#define ASR_DEFAULT_HMM "/usr/share/pocketsphinx/model/en-us/en-us"

/* Calibration of the confidence for a model without its own (Debian's US-English model): logistic
 * regression of "the phrase heard is the one said" on three pieces of evidence: the best phrase
 * against a free phone loop and against the best phrase of another meaning (capped: beyond it
 * nothing else came close), both in nats per frame of the words, and the words' level over the
 * sound around them (dB). Fitted by bench/fit_confidence.py on the tuning voices of the English
 * benchmark corpus. A model directory may carry its own fit in a file named qlq-confidence
 * ("w_ratio w_margin offset cmn_own_weight [w_snr]"), as assets/voice/model-fr does.
 * cmn_own_weight: see prior_cmn in asr_decode.c; a model adapted with whole-utterance
 * CMN (SphinxTrain's default) is decoded best with the utterance's own mean (1.0). */
static const asr_calibration default_calibration = {
    .w_ratio = 0.579, .w_margin = 0.375, .offset = -0.430, .cmn_own_weight = 0.5, .w_snr = 0.1634};
#define ASR_CALIBRATION_FILE "qlq-confidence"
#define ASR_SHIPPED_MODEL_DIR "voice/model-" /* + the language's tag: model-fr, model-en */
#define ASR_FR_SECOND_MODEL_DIR "voice/model-fr-ptm"
#define ASR_FR_THIRD_MODEL_DIR "voice/model-fr-cmu"

enum { MAX_ARGS = 64 };

double asr_now_ms(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (double)ts.tv_sec * 1e3 + (double)ts.tv_nsec / 1e6;
}

const char *asr_kind_name(asr_kind kind, int value)
{
    static const char *const values[] = {"1", "2", "3", "4", "5", "6", "7"};
    switch (kind) {
    case ASR_ANSWER: return (value >= 1 && value <= 7) ? values[value - 1] : "reject";
    case ASR_REPEAT: return "repeat";
    case ASR_BACK: return "back";
    case ASR_DONTKNOW: return "dontknow";
    case ASR_YES: return "yes";
    case ASR_NO: return "no";
    case ASR_REJECT: break;
    }
    return "reject";
}

static bool file_exists(const char *path)
{
    struct stat st;
    return stat(path, &st) == 0;
}

static const char *assets_dir(const asr_config *cfg)
{
    if (cfg->assets_dir)
        return cfg->assets_dir;
    const char *env = getenv("QLQ_ASSETS_DIR");
    if (env && *env)
        return env;
    return file_exists(QLQ_ASR_INSTALLED_ASSETS "/voice/fr.phrases") ? QLQ_ASR_INSTALLED_ASSETS
                                                                      : QLQ_ASR_SOURCE_ASSETS;
}

/* Our defaults, then the caller's "-opt value" pairs, a later key replacing an earlier one. */
static int build_argv(const char *model, char *extra, char **argv)
{
    static char *defaults[] = {
        "-hmm", NULL,
        "-remove_silence", "no", /* the endpointer has trimmed the audio already */
        /* Not more: at 0.1 the fillers (noise, spoken noise) won back answers in babble (held-out, 20 / 10 dB:
         * 64.4 / 31.8 -> 68.9 / 34.1 %), but a filler can take or add a word's tail: a plain "un" (eSpeak's
         * fr, 150 words/min) was heard "un peu" and accepted in 1 of 40 dither variants (0 of 40 at
         * 0.01), "un" at 80 words a minute twice in 974 files, "pas vraiment" in babble "vraiment
         * beaucoup" once; the kiosk's voice session test caught the first. */
        "-fillprob", "1e-2",
        "-allphone_ci", "yes",   /* context-independent phone loop: 100x faster than triphones */
        "-samprate", "16000",
    };
    int argc = 0;
    for (size_t i = 0; i < sizeof defaults / sizeof defaults[0]; i++)
        argv[argc++] = defaults[i];
    argv[1] = (char *)model;
    char *save = NULL;
    for (char *k = strtok_r(extra, " \t\n", &save); k; k = strtok_r(NULL, " \t\n", &save)) {
        char *v = strtok_r(NULL, " \t\n", &save);
        if (k[0] != '-' || !v || argc + 2 > MAX_ARGS)
            return -1;
        int at = argc;
        for (int i = 0; i < argc; i += 2) {
            if (strcmp(argv[i], k) == 0)
                at = i;
        }
        argv[at] = k;
        argv[at + 1] = v;
        if (at == argc)
            argc += 2;
    }
    return argc;
}

static ps_decoder_t *make_decoder(const asr_config *cfg, const char *model, char *err, size_t err_len)
{
    char *extra = strdup(cfg->decoder_args ? cfg->decoder_args : "");
    char *argv[MAX_ARGS];
    int argc = extra ? build_argv(model, extra, argv) : -1;
    cmd_ln_t *config = argc > 0 ? cmd_ln_parse_r(NULL, ps_args(), argc, argv, FALSE) : NULL;
    free(extra);
    if (!config) {
        snprintf(err, err_len, "bad decoder options '%s'", cfg->decoder_args ? cfg->decoder_args : "");
        return NULL;
    }
    ps_decoder_t *ps = ps_init(config);
    cmd_ln_free_r(config); /* the decoder holds its own reference */
    if (!ps)
        snprintf(err, err_len, "cannot load the acoustic model from %s", model);
    return ps;
}

/* The configured model of a language, else the model adapted to the language shipped with the
 * assets when it is there (French and English), else Debian's US-English model. */
static void choose_model(const asr_config *cfg, asr_lang lang, const char *assets, char *out, size_t len)
{
    const char *own = lang == ASR_LANG_FR ? cfg->fr_hmm_dir : cfg->en_hmm_dir;
    char shipped[ASR_PATH_MAX], means[ASR_PATH_MAX + 8];
    snprintf(shipped, sizeof shipped, "%s/" ASR_SHIPPED_MODEL_DIR "%s", assets, asr_lang_tag[lang]);
    snprintf(means, sizeof means, "%s/means", shipped);
    if (own && *own)
        snprintf(out, len, "%s", own);
    else if (cfg->hmm_dir && *cfg->hmm_dir)
        snprintf(out, len, "%s", cfg->hmm_dir);
    else if (file_exists(means))
        snprintf(out, len, "%s", shipped);
    else
        snprintf(out, len, "%s", ASR_DEFAULT_HMM);
}

/* <model>/qlq-confidence: four or five numbers, '#' comments allowed; absent: the default. */
static int load_calibration(const char *model, asr_calibration *cal, char *err, size_t err_len)
{
    char path[ASR_PATH_MAX + 32], line[256];
    snprintf(path, sizeof path, "%s/" ASR_CALIBRATION_FILE, model);
    *cal = default_calibration;
    FILE *f = fopen(path, "r");
    if (!f)
        return 0;
    int found = 0;
    while (found == 0 && fgets(line, sizeof line, f)) {
        if (line[0] == '#' || strspn(line, " \t\r\n") == strlen(line))
            continue;
        int n = sscanf(line, "%lf %lf %lf %lf %lf", &cal->w_ratio, &cal->w_margin, &cal->offset,
                       &cal->cmn_own_weight, &cal->w_snr);
        found = n >= 4 && cal->cmn_own_weight >= 0 && cal->cmn_own_weight <= 1 ? 1 : -1;
    }
    fclose(f);
    if (found != 1) {
        snprintf(err, err_len, "%s: expected a line of four numbers (w_ratio w_margin offset cmn_own_weight, the last in 0..1) and optionally w_snr", path);
        return -1;
    }
    return 0;
}

/* A further opinion (the second, or the third): the configured one ("": none), else, when the first
 * model is the default one, the French model shipped in the assets under `shipped_dir`. */
static bool choose_further(const asr_config *cfg, asr_lang lang, const char *assets, const char *own,
                           const char *shipped_dir, char *out, size_t len)
{
    const char *first = lang == ASR_LANG_FR ? cfg->fr_hmm_dir : cfg->en_hmm_dir;
    if (own) {
        snprintf(out, len, "%s", own);
        return *own != '\0';
    }
    bool default_first = !(first && *first) && !(cfg->hmm_dir && *cfg->hmm_dir);
    char shipped[ASR_PATH_MAX];
    snprintf(shipped, sizeof shipped, "%s/%s/means", assets, shipped_dir);
    if (lang != ASR_LANG_FR || !default_first || !file_exists(shipped))
        return false;
    snprintf(out, len, "%s/%s", assets, shipped_dir);
    return true;
}

/* One more acoustic model for a language: its decoder, calibration and lexicon (the configured
 * one for the first model, else the model's own qlq-<lang>.dict when it has one, else the
 * assets'), the grammars and the phone loop. The phrases are read with the first model; every
 * other model must know their words. */
static int load_model(const asr_config *cfg, asr_lang lang, const char *assets, const char *model_dir,
                      asr_lang_data *ld, char *err, size_t err_len)
{
    const char *tag = asr_lang_tag[lang];
    const char *dict = lang == ASR_LANG_FR ? cfg->fr_dict : cfg->en_dict;
    asr_model *m = &ld->models[ld->n_models];
    char model_dict[ASR_PATH_MAX + 32], assets_dict[ASR_PATH_MAX], phrases[ASR_PATH_MAX];
    snprintf(m->dir, sizeof m->dir, "%s", model_dir);
    snprintf(model_dict, sizeof model_dict, "%s/qlq-%s.dict", m->dir, tag);
    snprintf(assets_dict, sizeof assets_dict, "%s/voice/%s.dict", assets, tag);
    snprintf(phrases, sizeof phrases, "%s/voice/%s.phrases", assets, tag);
    const char *lexicon = dict && ld->n_models == 0 ? dict : file_exists(model_dict) ? model_dict : assets_dict;
    if (load_calibration(m->dir, &m->cal, err, err_len) != 0)
        return -1;
    m->ps = make_decoder(cfg, m->dir, err, err_len);
    if (!m->ps)
        return -1;
    bool first = ld->n_models++ == 0;
    if (asr_lexicon_load(m->ps, lexicon, lang, err, err_len) != 0 ||
        (first ? asr_phrases_load(m->ps, phrases, lang, ld, err, err_len)
               : asr_phrases_check(m->ps, ld, lexicon, err, err_len)) != 0 ||
        asr_grammar_build(m->ps, lang, ld, err, err_len) != 0)
        return -1;
    if (ps_set_allphone_file(m->ps, asr_phone_search, NULL) < 0) {
        snprintf(err, err_len, "%s: cannot set up the phone loop", m->dir);
        return -1;
    }
    return 0;
}

static int load_lang(asr *a, const asr_config *cfg, asr_lang lang, char *err, size_t err_len)
{
    const char *dict = lang == ASR_LANG_FR ? cfg->fr_dict : cfg->en_dict;
    const char *assets = assets_dir(cfg);
    asr_lang_data *ld = &a->lang[lang];
    if (dict && !*dict) {
        snprintf(ld->why, sizeof ld->why, "language %s disabled by configuration", asr_lang_tag[lang]);
        return 0;
    }
    char model[ASR_PATH_MAX];
    choose_model(cfg, lang, assets, model, sizeof model);
    if (load_model(cfg, lang, assets, model, ld, err, err_len) != 0)
        return -1;
    const char *second = lang == ASR_LANG_FR ? cfg->fr_second_hmm_dir : cfg->en_second_hmm_dir;
    const char *third = lang == ASR_LANG_FR ? cfg->fr_third_hmm_dir : NULL;
    bool has_second = choose_further(cfg, lang, assets, second, ASR_FR_SECOND_MODEL_DIR, model, sizeof model);
    if (has_second && load_model(cfg, lang, assets, model, ld, err, err_len) != 0)
        return -1;
    /* the third opinion is asked only after the second */
    if (has_second && choose_further(cfg, lang, assets, third, ASR_FR_THIRD_MODEL_DIR, model, sizeof model) &&
        load_model(cfg, lang, assets, model, ld, err, err_len) != 0)
        return -1;
    ld->ready = true;
    return 0;
}

asr *asr_create(const asr_config *cfg, char *err, size_t err_len)
{
    static const asr_config defaults = {0};
    if (!cfg)
        cfg = &defaults;
    if (!cfg->verbose)
        err_set_logfp(NULL);
    asr *a = calloc(1, sizeof *a);
    if (!a) {
        snprintf(err, err_len, "out of memory");
        return NULL;
    }
    a->reject_below = cfg->reject_below > 0 ? cfg->reject_below : ASR_REJECT_BELOW;
    a->answer_reject_below = cfg->answer_reject_below > 0 ? cfg->answer_reject_below
                             : cfg->reject_below > 0      ? cfg->reject_below
                                                          : ASR_ANSWER_REJECT_BELOW;
    /* sure enough that neither the decision, the confirmation nor the second opinion can depend on
     * the rival margin */
    double sure = ASR_SECOND_OPINION_BELOW > ASR_CONFIRM_BELOW ? ASR_SECOND_OPINION_BELOW : ASR_CONFIRM_BELOW;
    sure = a->reject_below > sure ? a->reject_below : sure;
    sure = a->answer_reject_below > sure ? a->answer_reject_below : sure;
    a->sure_without_rival = cfg->all_evidence ? ASR_ALWAYS_MEASURE_RIVAL : sure;
    for (int l = 0; l < ASR_LANG_COUNT; l++) {
        if (load_lang(a, cfg, (asr_lang)l, err, err_len) != 0) {
            asr_destroy(a);
            return NULL;
        }
    }
    return a;
}

void asr_destroy(asr *a)
{
    if (!a)
        return;
    for (int l = 0; l < ASR_LANG_COUNT; l++) {
        asr_phrases_free(&a->lang[l]);
        for (int m = 0; m < a->lang[l].n_models; m++)
            ps_free(a->lang[l].models[m].ps);
    }
    free(a);
}

const char *asr_model_dir(const asr *a, asr_lang lang)
{
    return lang >= 0 && lang < ASR_LANG_COUNT && a->lang[lang].n_models > 0 ? a->lang[lang].models[0].dir : NULL;
}

const char *asr_second_model_dir(const asr *a, asr_lang lang)
{
    return lang >= 0 && lang < ASR_LANG_COUNT && a->lang[lang].n_models > 1 ? a->lang[lang].models[1].dir : NULL;
}

const char *asr_third_model_dir(const asr *a, asr_lang lang)
{
    return lang >= 0 && lang < ASR_LANG_COUNT && a->lang[lang].n_models > 2 ? a->lang[lang].models[2].dir : NULL;
}
