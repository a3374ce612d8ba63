/*
 * qlq_asr.h - offline recognition of spoken questionnaire answers (PocketSphinx 0.8).
 *
 * One recogniser is created once (the acoustic model is loaded once) and then asked, utterance by
 * utterance, to pick one phrase of a small grammar chosen per question: the 4-point scale, the
 * 7-point scale or yes/no, in French or English. Every grammar also holds the commands "répéter",
 * "retour", "je ne sais pas" (and English equivalents) and "oui"/"non".
 *
 * Debian ships only a US-English acoustic model: French is recognised through a French lexicon
 * written in its phone set (assets/voice/fr.dict), with that model adapted to French speech
 * (assets/voice/model-fr, made by tools/acoustic/adapt.sh); each language has its own decoder.
 * When that model is unsure, a second one gives its opinion: the CMU Sphinx French model, trained
 * on real French speech, adapted the same way (assets/voice/model-fr-ptm, with its lexicon in
 * French phones). When both are unsure of a phrase, the same CMU model as published, never adapted
 * to synthetic speech (assets/voice/model-fr-cmu), is asked to agree. Another model is used instead
 * when configured (fr_hmm_dir; a lexicon in its
 * phones as fr_dict or as qlq-fr.dict in the model directory).
 *
 * Before anything is decided, steady tones (mains hum) are notched out and the room's broadband noise
 * is suppressed (speexdsp), unless the room is quiet. Speech that is not in the grammar (another
 * sentence, a cough, noise, silence) is rejected: the audio is first trimmed to the speech by the
 * endpointer, the grammar's best path is then scored
 * against a free phone loop over the same frames, and that likelihood ratio is turned into a
 * calibrated confidence (an estimate of the probability that the phrase heard is the one said),
 * with the margin over the best phrase of another meaning and the words' level over the noise.
 * Results below reject_below are ASR_REJECT. Messages are English, for logs; no audio is kept.
 */
#ifndef QLQ_ASR_H
#define QLQ_ASR_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

enum { ASR_RATE = 16000 }; /* every sample given to this module: 16 kHz mono signed 16-bit */

typedef enum { ASR_LANG_FR, ASR_LANG_EN, ASR_LANG_COUNT } asr_lang;

typedef enum {
    ASR_GRAMMAR_SCALE4, /* pas du tout / un peu / assez / beaucoup, un..quatre, variants */
    ASR_GRAMMAR_SCALE7, /* un..sept */
    ASR_GRAMMAR_YESNO,  /* oui / non (confirmations) */
    ASR_GRAMMAR_COUNT
} asr_grammar;

typedef enum {
    ASR_ANSWER,   /* value 1..7 */
    ASR_REPEAT,   /* "répéter": read the item again */
    ASR_BACK,     /* "retour": previous item */
    ASR_DONTKNOW, /* "je ne sais pas": skip the item */
    ASR_YES,
    ASR_NO,
    ASR_REJECT,   /* nothing usable was heard: ask again */
} asr_kind;

/* "1".."7", "repeat", "back", "dontknow", "yes", "no", "reject" (value used for ASR_ANSWER). */
const char *asr_kind_name(asr_kind kind, int value);

typedef struct {
    asr_kind kind;
    int value;             /* 1..7 when kind == ASR_ANSWER, else 0 */
    double confidence;     /* 0..1: estimated probability that heard_* is what was said */
    asr_kind heard_kind;   /* the grammar's best phrase even when rejected (0 value when none): */
    int heard_value;       /*   lets the kiosk ask "did you say ...?" */
    char transcript[128];  /* words of the best phrase ("un petit peu"), "" when no speech */
    double audio_ms;       /* audio given */
    double speech_ms;      /* speech found by the endpointer (what was decoded, without padding) */
    double decode_ms;      /* wall time spent in the decoder for this utterance */
    bool decoded_in_silence; /* stream: decoded during the trailing silence, before the endpointer's
                              * end, so the decision was ready as soon as the end was seen */
    /* The evidence behind the confidence (for logs and tuning), nats per frame of the words:
     * best phrase against a free phone loop (<= 0 mostly), and against the best phrase of
     * another meaning (>= 0 mostly; large when nothing else came close; -0.5, its floor, when the
     * answer was sure without it and it was not measured: see asr_config.all_evidence). */
    double phone_loop_ratio;
    double rival_margin;
    double snr_db;         /* level of the words over the sound around them (0..40 dB), as heard:
                            * what the tone filters and the noise suppressor took out counts */
    int tones_removed;     /* steady tones notched out before listening (mains hum and its harmonics,
                            * a monitor's beep): 0 in a quiet room */
    int models;            /* acoustic models that decoded it: 1, or 2 when the first was unsure, 3 when
                            * the first two were still unsure of a phrase (asr_decode.c) */
    double ms_per_phone;   /* how slowly the words were said: length of the phrase heard per phone */
    int phones;            /* phones of the phrase heard, in the pronunciation its path took */
    double tempo;          /* 1: decoded as said; > 1: said slowly, decoded that many times faster;
                            * 0: nothing decoded */
    bool whispered;        /* said without voice: heard by both models, taken only when they agree */
    double decay_ms;       /* how long the words' sound took to die away (20 dB), 0 when the room
                            * was too loud to tell */
    bool echoing;          /* decay_ms says the room has echo: heard by both models, taken only when
                            * they agree */
    double outside_ms;     /* sound nearly as loud as the words (within 6 dB) outside the phrase heard */
    bool said_more;        /* outside_ms says the phrase heard was only part of what was said ("il fait
                            * froid ici" heard "c'est trois"): not taken, whatever the confidence */
} asr_result;

typedef struct {
    const char *assets_dir;   /* folder holding voice/; NULL: $QLQ_ASSETS_DIR, then the build's default */
    const char *hmm_dir;      /* acoustic model for both languages; NULL: per language, below */
    const char *fr_hmm_dir;   /* French model; NULL: hmm_dir, else <assets>/voice/model-fr when
                               * present (the US-English model adapted to French), else en-US */
    const char *en_hmm_dir;   /* English model; NULL: hmm_dir, else <assets>/voice/model-en when
                               * present (the US-English model adapted to eSpeak's English voices),
                               * else Debian's (/usr/share/pocketsphinx/model/en-us/en-us) */
    const char *fr_second_hmm_dir; /* French model asked for a second opinion when the first is
                                    * unsure; NULL: <assets>/voice/model-fr-ptm when present and
                                    * the first model is the default one; "": none */
    const char *en_second_hmm_dir; /* the same for English; NULL or "": none */
    const char *fr_third_hmm_dir;  /* French model asked to agree when the first two remain unsure (see
                                    * third_opinion in asr_decode.c); NULL: <assets>/voice/model-fr-cmu when
                                    * present, the first model is the default one and there is a second
                                    * opinion; "": none */
    const char *fr_dict;      /* French lexicon in the model's phones; NULL: the model's own
                               * <model>/qlq-fr.dict when it has one, else <assets>/voice/fr.dict */
    const char *en_dict;      /* English lexicon; NULL: <model>/qlq-en.dict, else <assets>/voice/en.dict */
    double reject_below;      /* confidence under which a result is ASR_REJECT; 0: ASR_REJECT_BELOW */
    double answer_reject_below; /* the same for the answers of the scales; 0: reject_below when that is
                                 * set, else ASR_ANSWER_REJECT_BELOW */
    const char *decoder_args; /* extra PocketSphinx options ("-beam 1e-60 ..."), NULL: none */
    bool all_evidence;        /* measure the rival margin on every answer, also when the answer is sure
                               * without it (for fitting the confidence: bench_asr --dump) */
    bool verbose;             /* let PocketSphinx log to stderr (default: silent) */
} asr_config;

/* Default rejection threshold; the kiosk should ask for confirmation under ASR_CONFIRM_BELOW.
 * 0.8: on the benchmark corpus (French, both adapted models) it keeps 98.1 % of clean answers
 * (tuning and held-out voices) while letting through 1.0-1.3 % of misheard in-grammar speech and
 * rejecting 99 % of out-of-grammar speech; 0.5 would let through 2.5-3.0 %. In a loud room this
 * asks again more often (and item 0 advises touch): a wrong answer stored is worse. */
#define ASR_REJECT_BELOW 0.8
#define ASR_CONFIRM_BELOW 0.9
/* Answers of the scales are rejected only under 0.7: the kiosk reads back and asks to confirm every
 * answer under ASR_CONFIRM_BELOW, so one of 0.7-0.8 is confirmed instead of asked again. Commands
 * ("je ne sais pas" skips the item) and yes/no (the confirmation itself) keep ASR_REJECT_BELOW.
 * Benchmark, held-out voices as the kiosk listens, 0.8 -> 0.7 for answers (session 15): answers at
 * 10 dB 59.1 -> 61.0 %, phrasings in babble at 10 dB 43.0 -> 54.4 %, hedged 21.7 -> 37.5 %, other
 * voices 82.0 -> 83.9 %, music at 10 dB 39.4 -> 47.0 %; wrong accepted 0.64 -> 0.75 % (other noises
 * 1.33 -> 1.52 %, other voices 1.50 % both); hedges taken for an answer 4.6 -> 7.9 %. 0.6 and 0.5
 * gained more (10 dB 65.5 / 67.4 %) but passed 2 % wrong accepted in music and beeps and let 9-12 %
 * of hedges through. */
#define ASR_ANSWER_REJECT_BELOW 0.7
/* The first model's confidence under which a second model, when there is one, is asked (above it,
 * on the benchmark, the second opinion changed nothing but the time spent). It is asked too when the
 * first heard nothing, not when the first heard a decoy (see opinions() in asr_decode.c). */
#define ASR_SECOND_OPINION_BELOW 0.9

typedef struct asr asr;

/* Loads the model, lexicons and all grammars. NULL with a message in `err` on failure. */
asr *asr_create(const asr_config *cfg, char *err, size_t err_len);
void asr_destroy(asr *a);
/* The acoustic model directory a language is decoded with; NULL when the language is not loaded. */
const char *asr_model_dir(const asr *a, asr_lang lang);
/* The model asked for a second opinion; NULL when there is none. */
const char *asr_second_model_dir(const asr *a, asr_lang lang);
/* The model asked to agree when the first two are unsure; NULL when there is none. */
const char *asr_third_model_dir(const asr *a, asr_lang lang);

/* Recognises one utterance held in memory (any length up to a minute; leading and trailing
 * silence or noise are trimmed by the endpointer first; a recording cut at its words, with no room
 * before them, is heard as if said after a quiet room). Returns 0, or -1 with `err` set. */
int asr_recognize(asr *a, asr_lang lang, asr_grammar grammar, const int16_t *samples, size_t count,
                  asr_result *out, char *err, size_t err_len);

/* The sound a recording's words are decoded in: its steady tones notched out and the room's
 * broadband noise suppressed, as asr_recognize does before it looks for the speech (a quiet room, or
 * sound with no steady noise to take out, is copied as it came). For training acoustic models on
 * what the recogniser hears (tools/acoustic/adapt.sh --front-end). Returns 0, or -1 out of memory. */
int asr_clean_sound(const int16_t *heard, int16_t *clean, size_t count);

/* ---- endpointing (pure signal processing, no decoder) ------------------------------------- */

typedef struct {
    int trailing_silence_ms; /* silence that ends an utterance (default 600: patients pause inside an
                              * answer, "oui, ... un peu"; at 400 such pauses said slowly ended it) */
    int start_timeout_ms;    /* no speech after this long: ASR_EP_TIMEOUT (default 6000) */
    int max_speech_ms;       /* speech longer than this is cut (default 8000) */
    int min_speech_ms;       /* louder stretches shorter than this are not speech (default 100) */
    double start_db;         /* dB over the noise floor that starts speech (default 7; more in fluctuating noise) */
    double continue_db;      /* dB over the noise floor that keeps speech going (default 6) */
} asr_endpoint_config;

/* Fills the defaults above. */
void asr_endpoint_defaults(asr_endpoint_config *cfg);

typedef enum {
    ASR_EP_NONE,    /* nothing new */
    ASR_EP_START,   /* speech started in this chunk */
    ASR_EP_END,     /* speech ended (trailing silence seen, or max length): segment ready */
    ASR_EP_TIMEOUT, /* no speech before start_timeout_ms */
} asr_ep_event;

typedef struct asr_endpointer asr_endpointer;

/* NULL cfg: defaults. NULL on allocation failure. */
asr_endpointer *asr_endpointer_create(const asr_endpoint_config *cfg);
void asr_endpointer_destroy(asr_endpointer *ep);
void asr_endpointer_reset(asr_endpointer *ep);
/* After ASR_EP_END: listens for the next utterance of the same recording, keeping what was learnt
 * of the room (noise floor, filters) and the sample count (segments stay numbered from the last
 * reset). A reset would take the next words, if they came at once, for the room's noise. */
void asr_endpointer_next(asr_endpointer *ep);
/* Feeds the next chunk (any size). Once END or TIMEOUT has been returned, further input is
 * ignored until reset. At most one event per call: a chunk longer than trailing_silence_ms may
 * carry both START and END; END is then returned (the segment is set). */
asr_ep_event asr_endpointer_feed(asr_endpointer *ep, const int16_t *samples, size_t count);
/* Declares the end of the input: speech in progress becomes a segment (true), else false. */
bool asr_endpointer_finish(asr_endpointer *ep);
/* The speech found, in samples since the last reset: [start, end). False when there is none. */
bool asr_endpointer_segment(const asr_endpointer *ep, size_t *start, size_t *end);
/* While speech goes on: the segment it would be if it ended now (true), else false. end stops
 * moving once the patient is silent, so the decoding can start during the trailing silence. */
bool asr_endpointer_speech_so_far(const asr_endpointer *ep, size_t *start, size_t *end);
/* The current noise floor estimate, dBFS (for the microphone check and logs). */
double asr_endpointer_noise_db(const asr_endpointer *ep);

/* ---- continuous listening: endpointer + recogniser on a live stream ----------------------- */

typedef struct asr_stream asr_stream;

/* Starts listening for one utterance with the given grammar. NULL cfg: endpoint defaults. */
asr_stream *asr_stream_start(asr *a, asr_lang lang, asr_grammar grammar,
                             const asr_endpoint_config *cfg, char *err, size_t err_len);
/* Feeds captured audio. ASR_EP_END: asr_stream_result holds the decision; ASR_EP_TIMEOUT:
 * nothing was said (the result is ASR_REJECT). The speech is decoded as soon as the patient has
 * been silent for 300 ms (what the recogniser needs after the words), while the endpointer still
 * waits for the rest of its trailing silence (600 ms): the call that returns ASR_EP_END then has
 * nothing left to do unless the patient spoke again. That earlier call blocks for the decoding (tens of ms,
 * about 4 % of the speech's length); audio devices buffer seconds. */
asr_ep_event asr_stream_feed(asr_stream *s, const int16_t *samples, size_t count);
/* Input ended (a file, or the caller gives up): decodes what was heard. Returns the result. */
const asr_result *asr_stream_finish(asr_stream *s);
/* The decision after ASR_EP_END, ASR_EP_TIMEOUT or finish; NULL before. */
const asr_result *asr_stream_result(const asr_stream *s);
void asr_stream_free(asr_stream *s);

#endif
