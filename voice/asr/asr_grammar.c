/* asr_grammar.c - one finite-state grammar per (language, scale), built from the phrase list.
 * Built as a Sphinx FSG in code rather than JSGF text because FSG transitions carry weights
 * (JSGF /weight/ annotations have no effect in this PocketSphinx build). */
#include "asr_internal.h"

#include <sphinxbase/fsg_model.h>

#include <stdio.h>
#include <string.h>

const char *const asr_phone_search = "phone-loop";

static const char *const grammar_tag[ASR_GRAMMAR_COUNT] = {"4", "7", "yn"};

void asr_search_name(asr_lang lang, asr_grammar g, char *buf, size_t len)
{
    snprintf(buf, len, "%s-%s", asr_lang_tag[lang], grammar_tag[g]);
}

static size_t word_count(const char *words)
{
    size_t n = 1;
    for (const char *p = words; *p; p++)
        n += (*p == ' ');
    return n;
}

/* Phrase i as a chain of states start -> ... -> final, entered with probability `p`. */
static void add_phrase(fsg_model_t *fsg, const char *words, int32 logp, int32 *next_state)
{
    char buf[512];
    snprintf(buf, sizeof buf, "%s", words);
    int32 from = fsg->start_state;
    size_t left = word_count(words);
    for (char *save = NULL, *w = strtok_r(buf, " ", &save); w; w = strtok_r(NULL, " ", &save)) {
        int32 to = (--left == 0) ? fsg->final_state : (*next_state)++;
        fsg_model_trans_add(fsg, from, to, from == fsg->start_state ? logp : 0, fsg_model_word_add(fsg, w));
        from = to;
    }
}

int asr_meaning_index(asr_kind kind, int value)
{
    return kind == ASR_ANSWER ? value : 8 + (int)kind;
}

void asr_rival_name(asr_lang lang, asr_grammar g, int meaning, char *buf, size_t len)
{
    snprintf(buf, len, "%s-%s-x%d", asr_lang_tag[lang], grammar_tag[g], meaning);
}

static bool take(const asr_phrase *p, asr_grammar g, int without)
{
    return (p->grammars & (1u << g)) && asr_meaning_index(p->kind, p->value) != without;
}

/* The grammar g, less the phrases meaning `without` (-1: none), as search `name`. */
static int build_one(ps_decoder_t *ps, asr_grammar g, int without, const asr_lang_data *ld, const char *name,
                     char *err, size_t err_len)
{
    size_t n_phrases = 0, n_states = 2;
    for (size_t i = 0; i < ld->n_phrases; i++) {
        if (take(&ld->phrases[i], g, without)) {
            n_phrases++;
            n_states += word_count(ld->phrases[i].words) - 1;
        }
    }
    if (n_phrases == 0) {
        snprintf(err, err_len, "grammar %s has no phrases", name);
        return -1;
    }
    logmath_t *lmath = ps_get_logmath(ps);
    float32 lw = (float32)cmd_ln_float32_r(ps_get_config(ps), "-lw");
    fsg_model_t *fsg = fsg_model_init(name, lmath, lw, (int32)n_states);
    fsg->start_state = 0;
    fsg->final_state = 1;
    int32 logp = (int32)(logmath_log(lmath, 1.0 / (double)n_phrases) * lw);
    int32 next_state = 2;
    for (size_t i = 0; i < ld->n_phrases; i++) {
        if (take(&ld->phrases[i], g, without))
            add_phrase(fsg, ld->phrases[i].words, logp, &next_state);
    }
    int rc = ps_set_fsg(ps, name, fsg);
    fsg_model_free(fsg); /* the search keeps its own reference */
    if (rc < 0) {
        snprintf(err, err_len, "PocketSphinx refused grammar %s", name);
        return -1;
    }
    return 0;
}

/* One rival grammar per meaning of g: everything else the patient could have said. */
static int build_rivals(ps_decoder_t *ps, asr_lang lang, asr_grammar g, const asr_lang_data *ld, char *err,
                        size_t err_len)
{
    bool done[32] = {false};
    for (size_t i = 0; i < ld->n_phrases; i++) {
        const asr_phrase *p = &ld->phrases[i];
        int m = asr_meaning_index(p->kind, p->value);
        if (!(p->grammars & (1u << g)) || p->kind == ASR_REJECT || done[m])
            continue;
        done[m] = true;
        char name[48];
        asr_rival_name(lang, g, m, name, sizeof name);
        if (build_one(ps, g, m, ld, name, err, err_len) != 0)
            return -1;
    }
    return 0;
}

int asr_grammar_build(ps_decoder_t *ps, asr_lang lang, const asr_lang_data *ld, char *err, size_t err_len)
{
    for (int g = 0; g < ASR_GRAMMAR_COUNT; g++) {
        char name[32];
        asr_search_name(lang, (asr_grammar)g, name, sizeof name);
        if (build_one(ps, (asr_grammar)g, -1, ld, name, err, err_len) != 0 ||
            build_rivals(ps, lang, (asr_grammar)g, ld, err, err_len) != 0)
            return -1;
    }
    return 0;
}
