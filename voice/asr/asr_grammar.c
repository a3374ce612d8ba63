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

typedef struct {
    int32 state;
    int32 logp;
} chain_entry;

/* Words as a chain of states from any state of `from` (each with its log probability) to `to`. The
 * first word's transitions are repeated, one per entry state: no null transition is needed. (With
 * null transitions around the answers PocketSphinx 0.8 gave the words of the same path worse
 * acoustic scores, by 0.2 nats a frame against the phone loop.) */
static void add_chain(fsg_model_t *fsg, const chain_entry *from, int n_from, int32 to, const char *words,
                      int32 *next_state)
{
    char buf[512];
    snprintf(buf, sizeof buf, "%s", words);
    size_t left = word_count(words);
    int32 at = -1;
    for (char *save = NULL, *w = strtok_r(buf, " ", &save); w; w = strtok_r(NULL, " ", &save)) {
        int32 wid = fsg_model_word_add(fsg, w);
        int32 next = (--left == 0) ? to : (*next_state)++;
        if (at < 0) {
            for (int f = 0; f < n_from; f++)
                fsg_model_trans_add(fsg, from[f].state, next, from[f].logp, wid);
        } else {
            fsg_model_trans_add(fsg, at, next, 0, wid);
        }
        at = next;
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
    return p->role == ASR_PHRASE_SAYS && (p->grammars & (1u << g)) && asr_meaning_index(p->kind, p->value) != without;
}

static bool said_before(const asr_phrase *p, asr_grammar g)
{
    return p->role == ASR_PHRASE_BEFORE && (p->grammars & (1u << g));
}

/* Of the answers and decoys, the share said alone, not after words such as "je dirais". 95 against
 * 80 (held-out voices): answers at 10 dB 61.4 -> 62.1 %, hedged answers ("disons cinq") the same. */
enum { ALONE_PERCENT = 95 };

static int32 log_prob(logmath_t *lmath, float32 lw, double p)
{
    return (int32)(logmath_log(lmath, p) * lw);
}

/* The grammar g, less the phrases meaning `without` (-1: none), as search `name`. Every phrase goes
 * from the start state to the final one; answers and decoys may also start from the state the words
 * said before them ("je dirais") lead to. Each phrase has the same probability, as without such words. */
static int build_one(ps_decoder_t *ps, asr_grammar g, int without, const asr_lang_data *ld, const char *name,
                     char *err, size_t err_len)
{
    size_t n_phrases = 0, n_wrappable = 0, n_before = 0, n_states = 2;
    for (size_t i = 0; i < ld->n_phrases; i++) {
        const asr_phrase *p = &ld->phrases[i];
        bool taken = take(p, g, without);
        n_phrases += taken;
        n_wrappable += taken && asr_phrase_wrappable(p);
        n_before += said_before(p, g);
        if (taken || said_before(p, g))
            n_states += word_count(p->words) - 1;
    }
    if (n_phrases == 0) {
        snprintf(err, err_len, "grammar %s has no phrases", name);
        return -1;
    }
    if (n_wrappable == 0)
        n_before = 0;
    n_states += n_before ? 1 : 0; /* the state the words said before an answer lead to */
    logmath_t *lmath = ps_get_logmath(ps);
    float32 lw = (float32)cmd_ln_float32_r(ps_get_config(ps), "-lw");
    fsg_model_t *fsg = fsg_model_init(name, lmath, lw, (int32)n_states);
    fsg->start_state = 0;
    fsg->final_state = 1;
    int32 next_state = 2, after_words = n_before ? next_state++ : -1;
    double share = (double)n_wrappable / (double)n_phrases;
    chain_entry alone = {fsg->start_state, log_prob(lmath, lw, 1.0 / (double)n_phrases)};
    chain_entry wrappable[2] = {
        {fsg->start_state, n_before ? log_prob(lmath, lw, ALONE_PERCENT / 100.0 / (double)n_phrases) : alone.logp},
        {after_words, log_prob(lmath, lw, 1.0 / (double)n_wrappable)}};
    chain_entry before = {fsg->start_state, n_before ? log_prob(lmath, lw, share * (100 - ALONE_PERCENT) / 100.0 /
                                                                              (double)n_before) : 0};
    for (size_t i = 0; i < ld->n_phrases; i++) {
        const asr_phrase *p = &ld->phrases[i];
        if (take(p, g, without) && asr_phrase_wrappable(p))
            add_chain(fsg, wrappable, n_before ? 2 : 1, fsg->final_state, p->words, &next_state);
        else if (take(p, g, without))
            add_chain(fsg, &alone, 1, fsg->final_state, p->words, &next_state);
        else if (n_before && said_before(p, g))
            add_chain(fsg, &before, 1, after_words, p->words, &next_state);
    }
    int rc = ps_set_fsg(ps, name, fsg);
    fsg_model_free(fsg); /* the search keeps its own reference */
    if (rc < 0) {
        snprintf(err, err_len, "PocketSphinx refused grammar %s", name);
        return -1;
    }
    return 0;
}

int asr_rival_build(ps_decoder_t *ps, asr_lang lang, asr_grammar g, int meaning, const asr_lang_data *ld, char *name,
                    size_t name_len, char *err, size_t err_len)
{
    asr_rival_name(lang, g, meaning, name, name_len);
    return build_one(ps, g, meaning, ld, name, err, err_len);
}

/* Each meaning of g has a rival grammar (everything else the patient could have said), built by
 * asr_decode.c when a rival pass needs it and dropped after: kept, they held most of the decoders'
 * memory (every phrase of a scale built once per meaning and model). Here only checked: a rival with
 * no phrase (every phrase of g means the same) is refused when the recogniser is created. */
static int check_rivals(asr_lang lang, asr_grammar g, const asr_lang_data *ld, char *err, size_t err_len)
{
    for (size_t i = 0; i < ld->n_phrases; i++) {
        const asr_phrase *p = &ld->phrases[i];
        if (p->role != ASR_PHRASE_SAYS || !(p->grammars & (1u << g)) || p->kind == ASR_REJECT)
            continue;
        int m = asr_meaning_index(p->kind, p->value);
        bool other = false;
        for (size_t j = 0; j < ld->n_phrases && !other; j++)
            other = take(&ld->phrases[j], g, m);
        if (!other) {
            char name[48];
            asr_rival_name(lang, g, m, name, sizeof name);
            snprintf(err, err_len, "grammar %s has no phrases", name);
            return -1;
        }
    }
    return 0;
}

int asr_grammar_build(ps_decoder_t *ps, asr_lang lang, const asr_lang_data *ld, char *err, size_t err_len)
{
    for (int g = 0; g < ASR_GRAMMAR_COUNT; g++) {
        char name[32];
        asr_search_name(lang, (asr_grammar)g, name, sizeof name);
        if (build_one(ps, (asr_grammar)g, -1, ld, name, err, err_len) != 0 ||
            check_rivals(lang, (asr_grammar)g, ld, err, err_len) != 0)
            return -1;
    }
    return 0;
}
