/* asr_decode.c - what one model hears: the grammar pass, the phone-loop pass, the rival, and the
 * model's calibrated confidence (the decision across models is asr_decide.c).
 *
 * In grammar mode PocketSphinx's own posterior is always 1.0, so it says nothing. The confidence
 * here compares, frame by frame, how well the best grammar phrase explains the audio with how well
 * the best unconstrained phone sequence does (a likelihood ratio): an in-grammar answer loses
 * little against the free phone loop, "bonjour" forced onto "beaucoup" loses a lot. The ratio is
 * mapped to 0..1, with the rival margin and the SNR, by a logistic fitted on the tuning corpus
 * (bench/fit_confidence.py; the weights are the model's, see asr.c).
 * Tried and not kept (session 20): a word loop as a second rival to the phrase, 1,895 common French
 * words (a frequency list and stopwords, the grammar's words with their pronunciations) under a
 * uniform unigram, its acoustic score over the phrase's frames against the phrase's. model-fr alone,
 * held-out, area under the curve of right answers against out-of-grammar speech heard as a phrase:
 * eSpeak's voices confidence 0.971, phone-loop ratio 0.974, word-loop ratio 0.918; MBROLA and Pico
 * (--other-engines) 0.811, 0.791, 0.697. Fitted beside the confidence it took a weight of about 0,
 * and at 1 % of wrong phrases accepted it kept 64.7 % of right answers against 64.3 % (eSpeak), 26.1
 * against 25.5 % (other engines): the phone loop already says what a word loop would. */
#include "asr_internal.h"
#include "qlq_audio.h"

#include <sphinxbase/ckd_alloc.h>
#include <sphinxbase/cmn.h>

#include <math.h>
#include <stdio.h>
#include <string.h>
#include <stdlib.h>

#define VOICED_CORRELATION 0.6
#define RIVAL_MARGIN_CAP 3.0
/* The rival margin of an answer heard is above this but in 0.9 % (tuning voices) to 1.8 % (held-out)
 * of the benchmark's files: it is negative when the best phrase won by the grammar's weights rather
 * than by its sound. Used in its place when the answer is sure even so (see decode_passes). */
#define RIVAL_MARGIN_FLOOR (-0.5)
enum { MIN_VOICED_FRAMES = 3 }; /* 60 ms of voicing */
/* Sound outside the phrase heard counts as speech left out when within this of the words' level;
 * more than SAID_MORE_MS of it and the phrase is not taken. Held-out voices as the kiosk listens, the
 * same phrases: out-of-grammar rejected 98.6 -> 99.5 %, wrong accepted 0.9 -> 0.7 % ("il fait froid
 * ici" heard "c'est trois" in babble, "huit" heard "un"), answers at 20 / 10 dB 79.5 / 61.0 -> 78.8 /
 * 60.6 %. Right answers in babble leave up to 200-400 ms of babble that loud outside them, speech
 * left out in a quiet room 150-300 ms. Not kept: 150 ms counting only sound 20 dB over the room's
 * quietest tenth (kept babble out, but let through the "huit" heard "un" in babble). */
#define LOUD_OUTSIDE_DB 6.0
#define SAID_MORE_MS 300.0

/* PocketSphinx 0.8 keeps acoustic scores shifted right by this many bits (SENSCR_SHIFT). */
#define SENSCR_SHIFT 10

enum { MAX_SEGS = 400 };

typedef struct {
    int sf, ef;      /* first and last frame */
    double score;    /* acoustic log-likelihood, nats */
} span_seg;

typedef struct {
    span_seg segs[MAX_SEGS];
    int n_segs;
    int word_sf, word_ef; /* span of the real words (not silence or fillers); ef < sf when none */
    char words[256];      /* internal word ids of the path, fillers left out */
    int n_phones;         /* phones of those words, in the pronunciations the path took */
} pass;

static bool is_filler(const char *w)
{
    return w[0] == '<' || w[0] == '[' || w[0] == '+' || w[0] == '\0';
}

static void append_word(char *buf, size_t len, const char *w)
{
    size_t used = strlen(buf);
    size_t base = strcspn(w, "("); /* "un@fr(2)" is a pronunciation of "un@fr" */
    snprintf(buf + used, len - used, "%s%.*s", used ? " " : "", (int)base, w);
}

/* Phones of one pronunciation ("un@fr(2)" is a variant of its own). */
static int phone_count(ps_decoder_t *ps, const char *word)
{
    char *pron = ps_lookup_word(ps, word);
    int n = 0;
    for (const char *p = pron; p && *p; p++)
        n += *p != ' ' && (p == pron || p[-1] == ' ');
    ckd_free(pron);
    return n;
}

/* Cepstral mean normalisation for this utterance only. PocketSphinx's live CMN carries a mean
 * over the last seconds of audio from one utterance to the next, so a decision would depend on
 * what was decoded before (a loud answer after a quiet one, the phone-loop pass after the
 * grammar pass). The mean used mixes the model's trained prior (-cmninit) and this utterance's
 * own, in the share its calibration gives. Debian's US-English model: halfway (on the tuning
 * voices the prior alone gave 83 % of clean answers but lost commands and oui/non, the own mean
 * 72 %, the blend 82 % with the commands kept). The French-adapted model was trained with each
 * utterance's own mean, and is decoded with it (clean answers 96.7 % against 95.6 % halfway). */
static void prior_cmn(ps_decoder_t *ps, mfcc_t *prior, int ncep)
{
    const char *init = cmd_ln_str_r(ps_get_config(ps), "-cmninit");
    for (int c = 0; c < ncep; c++) {
        char *end = NULL;
        prior[c] = init && *init ? (mfcc_t)strtod(init, &end) : 0;
        init = end && *end == ',' ? end + 1 : (end && end != init ? end : NULL);
    }
}

enum { MAX_CEP = 32 };

/* What every pass of one model decodes: the dithered samples, their cepstra and the cepstral mean,
 * computed once. The cepstra are the same for every pass (the front end is deterministic), so each
 * pass gets a copy of them instead of computing them again from the samples (PocketSphinx's live
 * CMN subtracts the mean in place). */
typedef struct {
    const int16_t *d;
    size_t count;
    double removed_power; /* of the sound taken out before (words_snr_db) */
    mfcc_t mean[MAX_CEP];
    mfcc_t **cep;  /* nfr frames of ncep, as the model's front end computes them */
    mfcc_t **work; /* a copy of cep handed to each pass */
    int32 nfr;
    int ncep;
} segment;

static void segment_free(segment *seg)
{
    ckd_free_2d(seg->cep);
    ckd_free_2d(seg->work);
    seg->cep = seg->work = NULL;
}

/* The cepstra of the segment under this model's front end, and their mean for this utterance. */
static int segment_features(ps_decoder_t *ps, double own_weight, segment *seg)
{
    fe_t *fe = ps_get_fe(ps);
    int ncep = fe_get_output_size(fe);
    int32 nfr = (int32)(seg->count / 160 + 2);
    mfcc_t prior[MAX_CEP] = {0};
    memset(seg->mean, 0, sizeof seg->mean);
    seg->ncep = ncep;
    seg->cep = ckd_calloc_2d((size_t)nfr + 1, (size_t)ncep, sizeof(mfcc_t));
    seg->work = ckd_calloc_2d((size_t)nfr + 1, (size_t)ncep, sizeof(mfcc_t));
    const int16 *p = seg->d;
    size_t left = seg->count;
    /* The front end's noise estimate (spectral subtraction) would otherwise carry over from the
     * audio decoded before, so that the same answer could be decided differently after another
     * one, and `qlq-recognize a.wav` differently from `qlq-recognize b.wav a.wav`. */
    fe_start_stream(fe);
    if (!seg->cep || !seg->work || ncep > MAX_CEP || fe_start_utt(fe) < 0 ||
        fe_process_frames(fe, &p, &left, seg->cep, &nfr, NULL) < 0) {
        segment_free(seg);
        return -1;
    }
    int32 tail = 0;
    fe_end_utt(fe, seg->cep[nfr], &tail);
    nfr += tail;
    seg->nfr = nfr;
    for (int32 f = 0; f < nfr; f++)
        for (int c = 0; c < ncep; c++)
            seg->mean[c] += seg->cep[f][c] / (mfcc_t)nfr;
    prior_cmn(ps, prior, ncep);
    for (int c = 0; c < ncep; c++)
        seg->mean[c] = nfr > 0 ? (mfcc_t)(own_weight * seg->mean[c] + (1 - own_weight) * prior[c]) : prior[c];
    return 0;
}

/* One search over the segment. count_phones: also the phones of the words (the grammar pass only:
 * the pace of the phrase heard; the other passes would look every phone up for nothing). */
static int run_pass(const asr_model *m, const char *search, segment *seg, bool count_phones, pass *out)
{
    ps_decoder_t *ps = m->ps;
    memset(out, 0, sizeof *out);
    out->word_sf = 1 << 30;
    out->word_ef = -1;
    if (ps_set_search(ps, search) < 0)
        return -1;
    feat_t *feat = ps_get_feat(ps);
    feat->cmn = CMN_LIVE; /* what PocketSphinx switches to for live audio; a whole block would get batch CMN */
    cmn_live_set(feat->cmn_struct, seg->mean); /* the last pass moved it */
    if (ps_start_utt(ps) < 0)
        return -1;
    memcpy(seg->work[0], seg->cep[0], (size_t)seg->nfr * (size_t)seg->ncep * sizeof(mfcc_t));
    int rc = seg->nfr > 0 ? ps_process_cep(ps, seg->work, seg->nfr, FALSE, TRUE) : 0;
    if (ps_end_utt(ps) < 0 || rc < 0)
        return -1;
    int32 score;
    if (!ps_get_hyp(ps, &score))
        return 0;
    logmath_t *lmath = ps_get_logmath(ps);
    /* PocketSphinx 0.8 numbers frames from the decoder's creation, not from the utterance: the
     * path starts at the utterance's first frame, so frames are made relative to it, the same
     * for every pass (the grammar pass and the phone loop are compared frame by frame). */
    int base = -1;
    for (ps_seg_t *seg = ps_seg_iter(ps); seg; seg = ps_seg_next(seg)) {
        int32 ascr = 0, lscr = 0, lback = 0;
        int sf = 0, ef = 0;
        ps_seg_prob(seg, &ascr, &lscr, &lback);
        ps_seg_frames(seg, &sf, &ef);
        if (base < 0)
            base = sf;
        sf -= base;
        ef -= base;
        if (out->n_segs < MAX_SEGS)
            out->segs[out->n_segs++] = (span_seg){sf, ef, logmath_log_to_ln(lmath, ascr) * (1 << SENSCR_SHIFT)};
        const char *w = ps_seg_word(seg);
        if (!is_filler(w)) {
            append_word(out->words, sizeof out->words, w);
            out->n_phones += count_phones ? phone_count(ps, w) : 0;
            out->word_sf = sf < out->word_sf ? sf : out->word_sf;
            out->word_ef = ef > out->word_ef ? ef : out->word_ef;
        }
    }
    return 0;
}

/* Score of a pass over frames [sf, ef], a segment that straddles the edge counted pro rata. */
static double span_score(const pass *p, int sf, int ef)
{
    double total = 0;
    for (int i = 0; i < p->n_segs; i++) {
        const span_seg *s = &p->segs[i];
        int lo = s->sf > sf ? s->sf : sf, hi = s->ef < ef ? s->ef : ef;
        if (hi >= lo)
            total += s->score * (double)(hi - lo + 1) / (double)(s->ef - s->sf + 1);
    }
    return total;
}

/* The phrase of grammar g that says exactly words[0, len), or NULL. */
static const asr_phrase *phrase_saying(const asr_lang_data *ld, asr_grammar g, const char *words, size_t len,
                                       bool wrapped)
{
    for (size_t i = 0; i < ld->n_phrases; i++) {
        const asr_phrase *p = &ld->phrases[i];
        if (p->role == ASR_PHRASE_SAYS && (p->grammars & (1u << g)) && strlen(p->words) == len &&
            strncmp(p->words, words, len) == 0 && (!wrapped || asr_phrase_wrappable(p)))
            return p;
    }
    return NULL;
}

/* The phrase the grammar's best path said: the whole path, or the answer or decoy after the words
 * said before it ("je dirais" assez). */
static const asr_phrase *find_phrase(const asr_lang_data *ld, asr_grammar g, const char *words)
{
    size_t len = strlen(words);
    const asr_phrase *p = phrase_saying(ld, g, words, len, false);
    for (size_t i = 0; !p && i < ld->n_phrases; i++) {
        const asr_phrase *before = &ld->phrases[i];
        size_t n = strlen(before->words);
        if (before->role == ASR_PHRASE_BEFORE && (before->grammars & (1u << g)) && n + 1 < len &&
            strncmp(words, before->words, n) == 0 && words[n] == ' ')
            p = phrase_saying(ld, g, words + n + 1, len - n - 1, true);
    }
    return p;
}

/* "un@fr petit@fr peu@fr" -> "un petit peu" */
static void transcript(const char *words, char *out, size_t len)
{
    size_t o = 0;
    for (const char *p = words; *p && o + 1 < len; p++) {
        if (*p == '@') {
            while (p[1] && p[1] != ' ')
                p++;
            continue;
        }
        out[o++] = *p;
    }
    out[o] = '\0';
}

/* A copy with a little deterministic noise: stretches of exact digital zero (padding in files,
 * a muted input) give log-energies of minus infinity that wreck the cepstral mean. */
int16_t *asr_dithered(const int16_t *samples, size_t count)
{
    int16_t *d = malloc(count * sizeof *d);
    uint32_t seed = 12345u;
    for (size_t i = 0; d && i < count; i++) {
        seed = seed * 1664525u + 1013904223u;
        int v = samples[i] + (int)((seed >> 16) % 5) - 2;
        d[i] = (int16_t)(v > 32767 ? 32767 : v < -32768 ? -32768 : v);
    }
    return d;
}

/* How many of the 20 ms windows from `phase` on, at most `needed`, are periodic at a voice pitch
 * (60-400 Hz). It stops at the `needed`-th voiced window: for speech that is early. The sums are
 * exact integers (as they were in doubles), the energy of the lagged window slides from one lag to
 * the next instead of being summed again. */
static int voiced_windows(const int16_t *s, size_t n, int needed, size_t phase)
{
    enum { WIN = 320, HOP = 320, LAG_MIN = ASR_RATE / 400, LAG_MAX = ASR_RATE / 60 };
    int voiced = 0;
    for (size_t off = phase; off + WIN + LAG_MAX <= n && voiced < needed; off += HOP) {
        const int16_t *x = s + off;
        int64_t e0 = 0, e1 = 0;
        for (int i = 0; i < WIN; i++)
            e0 += (int32_t)x[i] * x[i];
        if (e0 < WIN * 100) /* under about -50 dBFS: not the patient */
            continue;
        for (int i = 0; i < WIN; i++)
            e1 += (int32_t)x[LAG_MIN + i] * x[LAG_MIN + i];
        double best = 0;
        for (int lag = LAG_MIN; lag <= LAG_MAX; lag++) {
            if (lag > LAG_MIN)
                e1 += (int32_t)x[lag + WIN - 1] * x[lag + WIN - 1] - (int32_t)x[lag - 1] * x[lag - 1];
            int64_t c = 0;
            for (int i = 0; i < WIN; i++)
                c += (int32_t)x[i] * x[i + lag];
            double r = (double)c / sqrt((double)e0 * (double)e1 + 1.0);
            best = r > best ? r : best;
        }
        voiced += best > VOICED_CORRELATION;
    }
    return voiced;
}

/* Whether the segment holds MIN_VOICED_FRAMES windows of 20 ms periodic at a voice pitch: every
 * answer said aloud has a vowel; a whisper, a cough, a knock, hiss or a door has none. Such sound is
 * decoded as a whisper would be (see opinions in asr_decide.c): a patient too weak to speak aloud
 * still answers. eSpeak's whisper keeps a little voicing, enough for those windows in one placing of
 * the windows and not in another 10 ms later: both placings must find it, or a whispered "cinq" is
 * taken as said aloud when the speech is found 10 ms earlier or later (and heard "sept" by one model,
 * at 0.98). A vowel said aloud is voiced in both. */
bool asr_has_voicing(const int16_t *s, size_t n)
{
    return voiced_windows(s, n, MIN_VOICED_FRAMES, 0) >= MIN_VOICED_FRAMES &&
           voiced_windows(s, n, MIN_VOICED_FRAMES, 160) >= MIN_VOICED_FRAMES;
}

static double total_score(const pass *p)
{
    double t = 0;
    for (int i = 0; i < p->n_segs; i++)
        t += p->segs[i].score;
    return t;
}

/* How much better the best phrase explains the audio than the best phrase of another meaning. */
static int rival_margin(const asr_lang_data *ld, const asr_model *m, asr_lang lang, asr_grammar g,
                        const asr_phrase *best, const pass *gram, segment *seg, double *margin)
{
    char name[48], err[160];
    pass *rival = malloc(sizeof *rival);
    int built = rival ? asr_rival_build(m->ps, lang, g, asr_meaning_index(best->kind, best->value), ld, name,
                                        sizeof name, err, sizeof err)
                      : -1;
    int rc = built == 0 ? run_pass(m, name, seg, false, rival) : -1;
    if (built == 0)
        ps_unset_search(m->ps, name);
    if (rc != 0) {
        free(rival);
        return -1;
    }
    int frames = gram->word_ef - gram->word_sf + 1;
    *margin = rival->n_segs ? (total_score(gram) - total_score(rival)) / frames : RIVAL_MARGIN_CAP;
    free(rival);
    return 0;
}

/* Level of the words (frames sf..ef, 10 ms each) over the rest of the segment, in dB, 0..40.
 * removed_power: mean square of the sound taken out before decoding: steady tones (asr_tones.c) and
 * the noise suppressed (asr_denoise.c). They were part of the room: a hum notched out of the
 * silence around the words must not make it sound like a quiet room, whose answers are trusted
 * more (in hum at 10 dB, 4 of 132 answers were misheard and accepted before it was counted, none
 * after); nor must the noise suppressed, or a short word in white noise counts as said in a quiet
 * room and is heard by one model alone (see short_in_noise). */
static double words_snr_db(const int16_t *s, size_t n, int sf, int ef, double removed_power)
{
    double in = 0, out = 0;
    size_t n_in = 0, n_out = 0;
    for (size_t i = 0; i < n; i++) {
        long f = (long)(i / 160);
        double e = (double)s[i] * s[i];
        if (f >= sf && f <= ef) {
            in += e;
            n_in++;
        } else {
            out += e;
            n_out++;
        }
    }
    if (n_in == 0)
        return 0;
    if (n_out < 160) /* no background to compare with */
        return 40;
    double snr = 10.0 * log10((in / (double)n_in + removed_power + 1.0) / (out / (double)n_out + removed_power + 1.0));
    return snr < 0 ? 0 : snr > 40 ? 40 : snr;
}

double asr_frame_power(const int16_t *frame)
{
    double rms = pow(10.0, audio_measure(frame, ASR_RATE / 100).rms_dbfs / 20.0) * 32768.0;
    return rms * rms;
}

/* How long (ms) the sound outside the words (frames sf..ef) is within LOUD_OUTSIDE_DB of the words'
 * mean level, 10 ms frame by frame. Words the grammar cannot say are absorbed by its silence and
 * fillers, outside the phrase's frames: "il fait" of "il fait froid ici" heard "c'est trois". */
static double loud_outside_ms(const int16_t *s, size_t n, int sf, int ef)
{
    size_t frames = n / 160;
    double words = 0;
    for (size_t f = (size_t)sf; f <= (size_t)ef && f < frames; f++)
        words += asr_frame_power(s + f * 160);
    double floor = words / (ef - sf + 1) * pow(10.0, -LOUD_OUTSIDE_DB / 10.0);
    int loud = 0;
    for (size_t f = 0; f < frames; f++)
        loud += ((long)f < sf || (long)f > ef) && asr_frame_power(s + f * 160) >= floor;
    return 10.0 * loud;
}

/* The model's calibrated confidence, as a logit, from the evidence of its passes. */
static double evidence_logit(const asr_calibration *cal, double ratio, double margin, double snr_db)
{
    margin = margin < RIVAL_MARGIN_CAP ? margin : RIVAL_MARGIN_CAP;
    return cal->w_ratio * ratio + cal->w_margin * margin + cal->w_snr * snr_db + cal->offset;
}

/* An answer of the phrase file's "agree" lines: taken only when both models hear it. */
bool asr_both_must_hear(const asr_lang_data *ld, asr_grammar g, asr_kind kind, int value)
{
    return kind != ASR_REJECT && (ld->agree[g] >> asr_meaning_index(kind, value) & 1u);
}

/* The three passes over the dithered copy in `seg`; fills the evidence; p is the best phrase or NULL.
 * The phone loop comes first: the rival pass is skipped when the answer is at least `sure_at` with
 * the margin at its floor, and the confidence is reported with the margin at its floor. Then a
 * measured margin could only have raised the confidence of an answer already sure, but in the rare
 * files whose margin is under the floor (on the benchmark none of those was decided otherwise).
 * Each pass costs about the same (~30 ms for a 1.6 s file here): 82 % of the time is the Gaussian
 * evaluation of the PTM codebooks, which every pass redoes for every frame. Kept: the cepstra computed
 * once per model (3 % of the time), the voicing check stopped at its third voiced frame (3 %), the
 * rival skipped for sure answers (6 %); RTF 0.046 alone, the code before 0.054 between two such runs.
 * Measured and not kept (RTF then 0.055 with
 * both models, 0.047 with the first alone): -topn 2, 12 % faster but 0.7 points of
 * clean answers and 3 of 20 dB lost; -ds 2, 39 % faster, 2 to 12 points lost; narrower beams, 10 %
 * faster, misheard accepted 1.0 -> 1.5 %; scores of all senones computed once and shared through
 * -senlogdir / ps_decode_senscr, no faster (the US-English model has 5,126 senones and a pass uses a few
 * hundred); the rival and the phone loop over the words only, no faster (the endpointer's segment is
 * little more than the words); 100 or 120 ms of padding around the speech instead of 150 (asr_stream.c),
 * 7-15 % faster, but misheard accepted 1.0 -> 1.6 % and clean answers 98.5 -> 97.9-98.1 %. */
static int decode_passes(const asr_lang_data *ld, const asr_model *m, asr_lang lang, asr_grammar g, segment *seg,
                         double sure_at, pass *gram, pass *loop, const asr_phrase **p, asr_result *out)
{
    char search[32];
    asr_search_name(lang, g, search, sizeof search);
    *p = NULL;
    if (run_pass(m, search, seg, true, gram) != 0)
        return -1;
    transcript(gram->words, out->transcript, sizeof out->transcript);
    *p = gram->words[0] ? find_phrase(ld, g, gram->words) : NULL;
    if (!*p || gram->word_ef < gram->word_sf)
        return 0;
    int frames = gram->word_ef - gram->word_sf + 1;
    out->snr_db = words_snr_db(seg->d, seg->count, gram->word_sf, gram->word_ef, seg->removed_power);
    out->outside_ms = loud_outside_ms(seg->d, seg->count, gram->word_sf, gram->word_ef);
    out->ms_per_phone = gram->n_phones > 0 ? 10.0 * frames / gram->n_phones : 0;
    out->phones = gram->n_phones;
    if ((*p)->kind == ASR_REJECT)
        return 0; /* a decoy means "ask again" whatever the evidence: no rival, no phone loop */
    if (run_pass(m, asr_phone_search, seg, false, loop) != 0)
        return -1;
    /* over the words only: silence around them is modelled equally well by both and would
     * only dilute the ratio, more so for short words */
    out->phone_loop_ratio =
        (span_score(gram, gram->word_sf, gram->word_ef) - span_score(loop, gram->word_sf, gram->word_ef)) / frames;
    out->rival_margin = RIVAL_MARGIN_FLOOR;
    double sure_logit = sure_at < ASR_ALWAYS_MEASURE_RIVAL ? log(sure_at / (1.0 - sure_at)) : INFINITY;
    /* an answer both models must hear goes into the fusion with this model's exact confidence */
    if (!asr_both_must_hear(ld, g, (*p)->kind, (*p)->value) &&
        evidence_logit(&m->cal, out->phone_loop_ratio, RIVAL_MARGIN_FLOOR, out->snr_db) >= sure_logit)
        return 0;
    return rival_margin(ld, m, lang, g, *p, gram, seg, &out->rival_margin);
}

/* What one model hears in the dithered samples: heard_* and the confidence (0 when it heard
 * nothing); the decision is taken by the caller. */
int asr_model_hears(const asr_lang_data *ld, const asr_model *m, asr_lang lang, asr_grammar g, const int16_t *d,
                    size_t count, double removed_power, double sure_at, asr_result *out)
{
    pass *gram = malloc(sizeof *gram), *loop = calloc(1, sizeof *loop);
    const asr_phrase *p = NULL;
    segment seg = {.d = d, .count = count, .removed_power = removed_power};
    int rc = gram && loop && segment_features(m->ps, m->cal.cmn_own_weight, &seg) == 0
                 ? decode_passes(ld, m, lang, g, &seg, sure_at, gram, loop, &p, out)
                 : -1;
    segment_free(&seg);
    bool scored = rc == 0 && p && (p->kind == ASR_REJECT || loop->n_segs > 0);
    free(gram);
    free(loop);
    out->models = 1;
    if (rc != 0 || !scored)
        return rc;
    double z = evidence_logit(&m->cal, out->phone_loop_ratio, out->rival_margin, out->snr_db);
    /* More was said than the phrase: heard as a decoy is (asked again, no second opinion). */
    out->said_more = p->kind != ASR_REJECT && out->outside_ms > SAID_MORE_MS;
    if (out->said_more)
        return 0;
    out->heard_kind = p->kind;
    out->heard_value = p->value;
    out->confidence = p->kind == ASR_REJECT ? 0.0 : 1.0 / (1.0 + exp(-z));
    return 0;
}
