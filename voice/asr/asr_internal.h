/* asr_internal.h - shared between the files of voice/asr; not part of the public API. */
#ifndef ASR_INTERNAL_H
#define ASR_INTERNAL_H

#include "qlq_asr.h"

#include <pocketsphinx.h>

enum { ASR_MAX_PHRASES = 256, ASR_PATH_MAX = 4096 };

/* What a line of the phrase list is: a phrase with its meaning, or words that may come before any
 * answer or decoy of its grammars ("je dirais" assez), meaning nothing themselves. */
typedef enum { ASR_PHRASE_SAYS, ASR_PHRASE_BEFORE } asr_phrase_role;

typedef struct {
    char *words;        /* internal word ids separated by spaces ("un@fr peu@fr") */
    asr_phrase_role role;
    asr_kind kind;      /* meaning of a phrase that says something (role ASR_PHRASE_SAYS) */
    int value;
    unsigned grammars;  /* bit (1u << asr_grammar) for each grammar the phrase belongs to */
} asr_phrase;

/* Answers and decoys may follow the words of ASR_PHRASE_BEFORE lines; commands, yes and no are said
 * alone. */
static inline bool asr_phrase_wrappable(const asr_phrase *p)
{
    return p->role == ASR_PHRASE_SAYS && (p->kind == ASR_ANSWER || p->kind == ASR_REJECT);
}

/* confidence = logistic(w_ratio * phone-loop ratio + w_margin * rival margin + w_snr * SNR + offset):
 * in babble a right answer loses more against the phone loop than in a quiet room; and the
 * share of the utterance's own cepstral mean (against the model's prior) used to normalise it:
 * both belong to an acoustic model (a model directory may carry its own, see asr.c). */
typedef struct {
    double w_ratio, w_margin, offset;
    double cmn_own_weight;
    double w_snr; /* weight of the words' level over the background (0: not used) */
} asr_calibration;

enum { ASR_MAX_MODELS = 3 };

/* One acoustic model and the decoder that holds it, with the language's lexicon in its phones,
 * the grammars and the phone loop. */
typedef struct {
    ps_decoder_t *ps;
    asr_calibration cal;
    char dir[ASR_PATH_MAX]; /* acoustic model directory */
} asr_model;

/* Each language has its own decoders. French: the US-English model adapted to French
 * (assets/voice/model-fr) decides alone when it is sure; when it is not, the CMU Sphinx French
 * model adapted the same way (assets/voice/model-fr-ptm) gives a second opinion: the two err on
 * different sounds, above all in noise; when both remain unsure of a phrase, that CMU model as
 * published (assets/voice/model-fr-cmu) is asked to agree (see asr_decode.c). */
typedef struct {
    asr_model models[ASR_MAX_MODELS];
    int n_models;
    asr_phrase phrases[ASR_MAX_PHRASES];
    size_t n_phrases;
    /* per grammar, the meanings (bit asr_meaning_index) the first model alone may not decide: the
     * phrase file's "agree" lines (both models must hear them, see asr_decode.c) */
    unsigned agree[ASR_GRAMMAR_COUNT];
    bool ready;         /* lexicon and grammars loaded */
    char why[256];      /* why not ready, for the error of asr_recognize */
} asr_lang_data;

struct asr {
    asr_lang_data lang[ASR_LANG_COUNT];
    double reject_below;        /* commands and yes/no */
    double answer_reject_below; /* answers of the scales */
    double sure_without_rival; /* the first model's confidence, with the rival margin at its floor, from
                                * which the rival pass is skipped (asr_decode.c) */
};
#define ASR_ALWAYS_MEASURE_RIVAL 2.0 /* a sure_without_rival no confidence reaches */

extern const char *const asr_lang_tag[ASR_LANG_COUNT]; /* "fr", "en" */

/* asr_lexicon.c: adds the words of a lexicon file to the decoder, suffixed "@<lang>". */
int asr_lexicon_load(ps_decoder_t *ps, const char *path, asr_lang lang, char *err, size_t err_len);
/* Reads a .phrases file into `ld`. Every word must already be in the decoder's dictionary. */
int asr_phrases_load(ps_decoder_t *ps, const char *path, asr_lang lang, asr_lang_data *ld,
                     char *err, size_t err_len);
void asr_phrases_free(asr_lang_data *ld);
/* Every word of the phrases already loaded must be in this decoder's dictionary too. */
int asr_phrases_check(ps_decoder_t *ps, const asr_lang_data *ld, const char *lexicon, char *err, size_t err_len);

/* asr_grammar.c: registers one FSG search per grammar of a language ("fr-4", "fr-7", "fr-yn"). */
int asr_grammar_build(ps_decoder_t *ps, asr_lang lang, const asr_lang_data *ld, char *err, size_t err_len);
void asr_search_name(asr_lang lang, asr_grammar g, char *buf, size_t len);
/* Rival searches: grammar g without the phrases of one meaning ("fr-4-x3": all but answer 3). */
int asr_meaning_index(asr_kind kind, int value); /* 0..15 */
void asr_rival_name(asr_lang lang, asr_grammar g, int meaning, char *buf, size_t len);
/* Builds that rival search in ps, named in name; the caller runs it and unsets it (ps_unset_search). */
int asr_rival_build(ps_decoder_t *ps, asr_lang lang, asr_grammar g, int meaning, const asr_lang_data *ld, char *name,
                    size_t name_len, char *err, size_t err_len);
extern const char *const asr_phone_search; /* the free phone loop used as the competitor */

/* asr_decide.c: decodes samples already trimmed to the speech (plus padding) and cleaned (tones
 * notched out, noise suppressed); as_heard is the same span before the noise was suppressed, which
 * voicing and echo are measured on (the suppressor takes an echo's tail for noise);
 * removed_power is the mean square of what was taken out (0 when nothing). */
int asr_decode_segment(asr *a, asr_lang lang, asr_grammar g, const int16_t *samples, const int16_t *as_heard,
                       size_t count, double removed_power, asr_result *out, char *err, size_t err_len);

/* asr_decode.c: what one model hears in the dithered samples d: heard_*, the evidence and the
 * confidence (0 when it heard nothing); the rival pass is skipped when the answer is sure_at without
 * it (ASR_ALWAYS_MEASURE_RIVAL: never). 0, or -1 when the decoder failed. */
int asr_model_hears(const asr_lang_data *ld, const asr_model *m, asr_lang lang, asr_grammar g, const int16_t *d,
                    size_t count, double removed_power, double sure_at, asr_result *out);
/* An answer of the phrase file's "agree" lines: taken only when both models hear it. */
bool asr_both_must_hear(const asr_lang_data *ld, asr_grammar g, asr_kind kind, int value);
/* Whether the span holds 60 ms of sound periodic at a voice pitch (not whispered, not noise). */
bool asr_has_voicing(const int16_t *s, size_t n);
/* A copy with a little deterministic noise (see asr_decode.c); NULL when out of memory. */
int16_t *asr_dithered(const int16_t *samples, size_t count);
/* The mean square of one 10 ms frame (ASR_RATE / 100 samples), in squared sample units. */
double asr_frame_power(const int16_t *frame);

double asr_now_ms(void);

/* asr_echo.c: how long the words' sound takes to die away, in ms: from their last loud frame until
 * it is 20 dB lower (at least the time to the segment's end when it was still falling there); 0 when
 * it cannot be told (the room is not 35 dB under the words, or another sound rises in the fall). */
double asr_echo_decay_ms(const int16_t *samples, size_t count);
/* Longer than this, the room has echo: dry speech falls within 10-230 ms (340 ms said at 80 words a
 * minute), echo at sox reverberance 50 % within 270-460 ms. */
#define ASR_ECHO_DECAY_MS 250.0

/* asr_fft.c: in-place FFT of n points (a power of two), real parts in re, imaginary in im. */
void asr_fft(double *re, double *im, int n);

/* asr_tones.c: learns the steady tones of a stream (mains hum and its harmonics) from everything
 * heard so far, and notches them out of audio for the decoder. */
enum { ASR_MAX_TONES = 12 };
typedef struct asr_tones asr_tones;
asr_tones *asr_tones_create(void);
void asr_tones_free(asr_tones *t);
void asr_tones_learn(asr_tones *t, const int16_t *samples, size_t count);
/* Notches the tones found so far out of samples, in place, the filters starting at rest at
 * samples[0]; returns how many, their frequencies (Hz) in hz[0..max-1]. */
int asr_tones_remove(const asr_tones *t, int16_t *samples, size_t count, double *hz, int max);

/* asr_denoise.c: clean = heard with the room's broadband noise suppressed, after learning it from
 * all of heard; clean = heard when the room is quiet or the noise is not steady. 0, or -1 when out
 * of memory. */
int asr_denoise(const int16_t *heard, int16_t *clean, size_t count);

#endif
