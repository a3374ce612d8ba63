/* asr_baseline.c - the baseline of bench_asr: PocketSphinx's default US-English language model
 * and dictionary decoding the whole file, its words then searched for a phrase of the grammar. */
#include "asr_bench.h"

#include <pocketsphinx.h>
#include <sphinxbase/err.h>

#include <ctype.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define EN_US "/usr/share/pocketsphinx/model/en-us/"

struct baseline {
    ps_decoder_t *ps;
};

baseline *baseline_create(void)
{
    err_set_logfp(NULL);
    cmd_ln_t *config = cmd_ln_init(NULL, ps_args(), TRUE, "-hmm", EN_US "en-us", "-lm", EN_US "en-us.lm.bin",
                                   "-dict", EN_US "cmudict-en-us.dict", NULL);
    if (!config)
        return NULL;
    baseline *b = calloc(1, sizeof *b);
    if (b)
        b->ps = ps_init(config);
    cmd_ln_free_r(config);
    if (b && !b->ps) {
        free(b);
        b = NULL;
    }
    return b;
}

void baseline_destroy(baseline *b)
{
    if (b) {
        ps_free(b->ps);
        free(b);
    }
}

/* Whole-word search of `phrase` in `text`. */
static bool contains_phrase(const char *text, const char *phrase)
{
    size_t n = strlen(phrase);
    for (const char *p = strstr(text, phrase); p; p = strstr(p + 1, phrase)) {
        bool left = p == text || p[-1] == ' ';
        bool right = p[n] == '\0' || p[n] == ' ';
        if (left && right)
            return true;
    }
    return false;
}

const char *baseline_decide(const phrase_list *pl, int scale, const char *hyp)
{
    const char *best = "reject";
    size_t best_len = 0;
    for (size_t i = 0; i < pl->n; i++) {
        const bench_phrase *p = &pl->items[i];
        if ((p->scales & scale) && strlen(p->text) > best_len && contains_phrase(hyp, p->text)) {
            best = p->meaning;
            best_len = strlen(p->text);
        }
    }
    return best;
}

int baseline_decode(baseline *b, const int16_t *samples, size_t count, char *hyp, size_t hyp_len)
{
    hyp[0] = '\0';
    if (ps_start_utt(b->ps) < 0)
        return -1;
    ps_process_raw(b->ps, samples, count, FALSE, TRUE);
    ps_end_utt(b->ps);
    int32 score;
    const char *h = ps_get_hyp(b->ps, &score);
    if (h) {
        snprintf(hyp, hyp_len, "%s", h);
        for (char *p = hyp; *p; p++)
            *p = (char)tolower((unsigned char)*p);
    }
    return 0;
}
