/* asr_endpoint.c - energy endpointer on 10 ms frames with an adaptive noise floor.
 *
 * The floor is a slow average (in dB) of the frames that are not loud, so a steady fan or a murmur
 * of voices in the ward becomes "silence" within a second. Speech starts when frames stay
 * start_db over the floor for min_speech_ms (short gaps allowed, so a plosive's closure does not
 * reset it); it ends when most of the last trailing_silence_ms are under an end threshold halfway
 * (in dB) between the floor and the loudest part of the utterance: with babble only 10 dB under
 * the voice, a fixed "floor + a few dB" would never see the end. A frame that is one pure tone (a
 * monitor's beep, a whistle) counts as quiet: a beep started "speech" that the grammar could hear
 * as "un" (0.95), and beeps every 700 ms never left 600 ms of quiet for an answer to end. */
#include "asr_internal.h"

#include <limits.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>

enum {
    FRAME = ASR_RATE / 100,
    MAX_GAP_FRAMES = 4,
    HISTORY = 256,
    LEARN_FRAMES = 10, /* the first 100 ms only teach the floor: nobody answers that fast */
    TONE_WINDOW = 512, /* 32 ms: 31 Hz per bin, a voice's harmonics (>= 80 Hz apart) in separate bins */
    TONE_LOW_BIN = 3,  /* ~100 Hz, as the high-pass */
};
/* A frame whose sound is one narrow peak (this share of its power within one bin of the
 * strongest) is a beep or a whistle, not a voice: the strongest harmonic of a voiced sound holds
 * less. At 0.9 a child's "oui" (pitch 240-390 Hz) was taken for a tone; 0.95 also heard 4 more
 * answers among beeps (1,404 files of other noises), and let through one more wrong. */
#define TONE_SHARE 0.95

/* Digital silence still needs real sound to start speech: at least FLOOR_MIN_DB + start_db. At -65
 * a voice 30 dB under the corpus's level (peaks about -35 dBFS) started "speech" only at its loudest
 * syllable: "tout" of "pas du tout" heard as "retour" (13 of 156 such answers misheard); at -75, 153
 * of 156 heard right and 1 wrong. A microphone's own noise is seldom under that. */
#define FLOOR_MIN_DB (-75.0)
#define END_QUIET_SHARE 0.85

typedef enum { EP_WAITING, EP_SPEECH, EP_DONE } ep_state;

struct asr_endpointer {
    asr_endpoint_config cfg;
    ep_state state;
    size_t pos;                 /* samples consumed since reset */
    double acc;                 /* energy of the frame being filled */
    int fill;
    double hp_x, hp_y;          /* high-pass state: hum and DC are not speech */
    double floor_db, floor_var, smooth_db, peak_db;
    double lp1, lp2;            /* low-pass state: white noise above the speech band is not speech */
    double recent[TONE_WINDOW]; /* the last TONE_WINDOW high-passed samples (ring) */
    int recent_at;
    double re[TONE_WINDOW], im[TONE_WINDOW];
    long frames;
    int loud_run, gap;          /* start detection */
    size_t run_start;
    size_t seg_start, seg_end;
    bool has_segment;
    unsigned char quiet[HISTORY]; /* ring of "under the end threshold" flags while in speech */
    int quiet_count, quiet_len, quiet_at;
};

void asr_endpoint_defaults(asr_endpoint_config *cfg)
{
    cfg->trailing_silence_ms = 600;
    cfg->start_timeout_ms = 6000;
    cfg->max_speech_ms = 8000;
    cfg->min_speech_ms = 100;
    cfg->start_db = 7.0;
    cfg->continue_db = 6.0;
}

asr_endpointer *asr_endpointer_create(const asr_endpoint_config *cfg)
{
    asr_endpointer *ep = calloc(1, sizeof *ep);
    if (!ep)
        return NULL;
    if (cfg)
        ep->cfg = *cfg;
    else
        asr_endpoint_defaults(&ep->cfg);
    asr_endpointer_reset(ep);
    return ep;
}

void asr_endpointer_destroy(asr_endpointer *ep)
{
    free(ep);
}

void asr_endpointer_reset(asr_endpointer *ep)
{
    asr_endpoint_config cfg = ep->cfg;
    memset(ep, 0, sizeof *ep);
    ep->cfg = cfg;
    ep->floor_db = FLOOR_MIN_DB;
}

void asr_endpointer_next(asr_endpointer *ep)
{
    if (ep->state != EP_DONE)
        return;
    ep->state = EP_WAITING;
    ep->has_segment = false;
    ep->loud_run = ep->gap = 0;
    ep->quiet_count = ep->quiet_len = ep->quiet_at = 0;
    ep->peak_db = ep->floor_db;
}

static double floor_eff(const asr_endpointer *ep)
{
    return ep->floor_db > FLOOR_MIN_DB ? ep->floor_db : FLOOR_MIN_DB;
}

/* How far over the floor speech must be: start_db in a steady noise, more in a fluctuating one
 * (voices, clatter), whose loud moments would otherwise start "speech". 1.5 standard deviations:
 * 2.5 never started on answers spoken 10 dB over babble (benchmark: 21 % -> 27 % of them right,
 * out-of-grammar and non-speech rejection unchanged). */
static double start_margin(const asr_endpointer *ep)
{
    double fluct = 1.5 * sqrt(ep->floor_var);
    return fluct > ep->cfg.start_db ? fluct : ep->cfg.start_db;
}

/* The fluctuation is measured against the floor as speech detection sees it (never under
 * FLOOR_MIN_DB): in a room quieter than that (a good microphone at night, -100 dBFS here), the
 * first frames of an answer rise through 40 dB that would otherwise count as the room's fluctuation
 * and lift the start threshold over a soft voice (answers 20 dB under the corpus's level: 135 of
 * 156 heard, 21 never started). */
static void update_floor(asr_endpointer *ep, double db)
{
    /* quick at first (learn the room), then slow; loud frames are not noise */
    double alpha = ep->frames < 20 ? 0.3 : 0.03;
    if (ep->frames == 0) {
        ep->floor_db = db;
    } else if (ep->frames < LEARN_FRAMES || db < floor_eff(ep) + start_margin(ep) * 0.7 || db < ep->floor_db) {
        double seen = (db > FLOOR_MIN_DB ? db : FLOOR_MIN_DB) - floor_eff(ep);
        ep->floor_db += alpha * (db - ep->floor_db);
        ep->floor_var += alpha * (seen * seen - ep->floor_var);
    }
}

static void push_quiet(asr_endpointer *ep, bool quiet, int window)
{
    if (window > HISTORY)
        window = HISTORY;
    if (ep->quiet_len == window) {
        ep->quiet_count -= ep->quiet[ep->quiet_at];
        ep->quiet_len--;
    }
    ep->quiet[ep->quiet_at] = quiet;
    ep->quiet_count += quiet;
    ep->quiet_len++;
    ep->quiet_at = (ep->quiet_at + 1) % window;
}

/* Whether the last 32 ms are a pure tone: a monitor's beep (120 ms every 700 ms) would otherwise
 * start "speech" at each beep and, in speech, never leave 600 ms of quiet for the end. */
static bool frame_is_tone(asr_endpointer *ep)
{
    if (ep->pos < TONE_WINDOW)
        return false;
    /* Hann window, its cosine by rotation (a cos() per sample cost more than the FFT) */
    const double step = 2.0 * 3.14159265358979323846 / TONE_WINDOW, cs = cos(step), sn = sin(step);
    double c = 1.0, si = 0.0;
    for (int i = 0; i < TONE_WINDOW; i++) {
        ep->re[i] = (0.5 - 0.5 * c) * ep->recent[(ep->recent_at + i) % TONE_WINDOW];
        ep->im[i] = 0.0;
        double c2 = c * cs - si * sn;
        si = si * cs + c * sn, c = c2;
    }
    asr_fft(ep->re, ep->im, TONE_WINDOW);
    double total = 0.0, best = 0.0;
    int at = TONE_LOW_BIN;
    for (int k = TONE_LOW_BIN; k < TONE_WINDOW / 2; k++) {
        double p = ep->re[k] * ep->re[k] + ep->im[k] * ep->im[k];
        total += p;
        if (p > best)
            best = p, at = k;
    }
    double around = best;
    for (int k = at - 1; k <= at + 1; k += 2)
        if (k >= TONE_LOW_BIN && k < TONE_WINDOW / 2)
            around += ep->re[k] * ep->re[k] + ep->im[k] * ep->im[k];
    return total > 0.0 && around >= TONE_SHARE * total;
}

static asr_ep_event frame_waiting(asr_endpointer *ep, double db, size_t frame_start)
{
    if (ep->frames < LEARN_FRAMES) {
        update_floor(ep, db);
        return ASR_EP_NONE;
    }
    /* the spectrum only for frames loud enough to matter: it costs 8 times the rest */
    bool loud = db > floor_eff(ep) + start_margin(ep) && !frame_is_tone(ep);
    if (loud) {
        if (ep->loud_run == 0)
            ep->run_start = frame_start;
        ep->loud_run++;
        ep->gap = 0;
    } else if (ep->loud_run > 0 && ++ep->gap > MAX_GAP_FRAMES) {
        ep->loud_run = 0;
        ep->gap = 0;
    }
    if (!loud && ep->loud_run == 0)
        update_floor(ep, db);
    if (ep->loud_run * 10 >= ep->cfg.min_speech_ms) {
        ep->state = EP_SPEECH;
        ep->seg_start = ep->run_start;
        ep->seg_end = frame_start + FRAME;
        ep->peak_db = ep->smooth_db;
        ep->quiet_len = ep->quiet_count = ep->quiet_at = 0;
        return ASR_EP_START;
    }
    if ((long long)ep->pos >= (long long)ep->cfg.start_timeout_ms * (ASR_RATE / 1000)) {
        ep->state = EP_DONE;
        return ASR_EP_TIMEOUT;
    }
    return ASR_EP_NONE;
}

static asr_ep_event frame_speech(asr_endpointer *ep, double db, size_t frame_start)
{
    if (ep->smooth_db > ep->peak_db)
        ep->peak_db = ep->smooth_db;
    double end_db = floor_eff(ep) + ep->cfg.continue_db;
    double mid = (floor_eff(ep) + ep->peak_db) / 2.0;
    if (mid > end_db)
        end_db = mid;
    bool quiet = (db < end_db && ep->smooth_db < end_db) || frame_is_tone(ep);
    if (!quiet)
        ep->seg_end = frame_start + FRAME;
    int window = ep->cfg.trailing_silence_ms / 10;
    push_quiet(ep, quiet, window);
    bool ended = ep->quiet_len >= (window < HISTORY ? window : HISTORY) &&
                 ep->quiet_count >= (int)(END_QUIET_SHARE * ep->quiet_len) && quiet;
    bool too_long = (long long)(frame_start + FRAME - ep->seg_start) >=
                    (long long)ep->cfg.max_speech_ms * (ASR_RATE / 1000);
    if (too_long)
        ep->seg_end = frame_start + FRAME;
    if (ended || too_long) {
        ep->state = EP_DONE;
        ep->has_segment = true;
        return ASR_EP_END;
    }
    return ASR_EP_NONE;
}

static asr_ep_event end_frame(asr_endpointer *ep)
{
    double mean = ep->acc / FRAME;
    double db = 10.0 * log10(mean / (32768.0 * 32768.0) + 1e-13);
    size_t frame_start = ep->pos - FRAME;
    ep->smooth_db = ep->frames == 0 ? db : 0.7 * ep->smooth_db + 0.3 * db;
    asr_ep_event ev = ep->state == EP_WAITING ? frame_waiting(ep, db, frame_start)
                                              : frame_speech(ep, db, frame_start);
    ep->frames++;
    ep->acc = 0;
    ep->fill = 0;
    return ev;
}

asr_ep_event asr_endpointer_feed(asr_endpointer *ep, const int16_t *samples, size_t count)
{
    asr_ep_event result = ASR_EP_NONE;
    for (size_t i = 0; i < count && ep->state != EP_DONE; i++) {
        /* first-order high-pass at ~100 Hz, then two one-pole low-passes at ~3.5 kHz */
        double x = samples[i];
        double y = 0.96 * (ep->hp_y + x - ep->hp_x);
        ep->hp_x = x;
        ep->hp_y = y;
        ep->recent[ep->recent_at] = y;
        ep->recent_at = (ep->recent_at + 1) % TONE_WINDOW;
        ep->lp1 += 0.75 * (y - ep->lp1);
        ep->lp2 += 0.75 * (ep->lp1 - ep->lp2);
        ep->acc += ep->lp2 * ep->lp2;
        ep->pos++;
        if (++ep->fill == FRAME) {
            asr_ep_event ev = end_frame(ep);
            if (ev != ASR_EP_NONE)
                result = ev;
        }
    }
    return result;
}

bool asr_endpointer_finish(asr_endpointer *ep)
{
    if (ep->state == EP_SPEECH) {
        ep->state = EP_DONE;
        ep->has_segment = true;
    }
    return ep->has_segment;
}

bool asr_endpointer_segment(const asr_endpointer *ep, size_t *start, size_t *end)
{
    if (!ep->has_segment)
        return false;
    *start = ep->seg_start;
    *end = ep->seg_end;
    return true;
}

bool asr_endpointer_speech_so_far(const asr_endpointer *ep, size_t *start, size_t *end)
{
    if (ep->state != EP_SPEECH)
        return false;
    *start = ep->seg_start;
    *end = ep->seg_end;
    return true;
}

double asr_endpointer_noise_db(const asr_endpointer *ep)
{
    return ep->floor_db;
}
