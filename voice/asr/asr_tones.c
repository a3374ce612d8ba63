/* asr_tones.c - finds steady tones in what the microphone hears (mains hum and its harmonics, a
 * fan's whine) and takes them out with notch filters 16 Hz wide before the decoder hears the words.
 *
 * Why: a tone is not speech, but it lands in the models' filter bank (hum at 150 and 250 Hz) and
 * they were adapted without it. Held-out voices in mains hum, answers right: 10 dB 82 -> 95 of
 * 132, 20 dB 101 -> 110 (bench/asr_run.sh --other-noises). A notch is not free: the same four
 * notches over clean speech cost 30 of 480 answers, so a tone must be found before anything is
 * notched, and none is in the benchmark's clean, white, babble or brown-noise files. Spectral
 * subtraction of a fixed noise profile cost more than it gave (sox noisered on the 10 dB files:
 * white noise 75.7 -> 61.3 %; broadband noise is taken out after the tones by a suppressor that
 * follows it, asr_denoise.c); subtracting a fitted sinusoid instead of notching left more of the
 * hum (20 dB: 101, no better).
 *
 * How: every 64 ms, a 128 ms Hann-windowed spectrum (7.8 Hz per bin), counted only when it is
 * of the background (not much louder than the quietest sound lately: the words, a beep or a cough
 * are). A bin is a peak when it stands PEAK_DB over the quieter part of its neighbourhood; its
 * frequency is interpolated. A tone peaks at the same frequency (within 1.5 Hz) and at the same
 * level (within MAX_LEVEL_SPREAD_DB) in most spectra of the background; a voice's harmonics move
 * with its pitch, notes of music take turns and die away, a beep comes and goes. What the
 * listening has heard so far is learnt as it comes (asr_tones_learn); when an answer is decoded,
 * the tones found in all of it are notched out of the audio kept for the decoder
 * (asr_tones_remove), from its start, so the words are never heard half filtered. The
 * endpointer hears the sound as it is. */
#include "asr_internal.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>

enum {
    FFT_SIZE = 2048,                    /* 128 ms: 7.8 Hz per bin */
    HOP = FFT_SIZE / 2,
    BINS = FFT_SIZE / 2,
    LOWEST_BIN = 5,                     /* 39 Hz: mains hum's fundamental is 50 or 60 Hz */
    HIGHEST_BIN = 7000 * FFT_SIZE / ASR_RATE,
    BUCKETS = 7100,
    NEIGHBOURS = 24,                    /* the neighbourhood: +-190 Hz, hum's harmonics included */
    SKIP = 2,                           /* a tone's own main lobe is not its neighbourhood */
    MIN_FRAMES = 4,                     /* no tone before ~320 ms of quiet sound */
    MIN_HITS = 3,
};
#define PI 3.14159265358979323846
#define PEAK_DB 15.0
#define SHARE_OF_FRAMES 0.7
#define BACKGROUND_DB 6.0
#define MAX_LEVEL_SPREAD_DB 2.5 /* standard deviation: hum 0-0.9 dB, a plucked note decaying 4.5-5 dB */
#define FLOOR_RISE 1.02 /* 0.09 dB per spectrum, 1.3 dB a second */
#define NOTCH_WIDTH_HZ 16.0
#define FLOOR_QUANTILE 0.3 /* the neighbourhood's level: a low quantile, other hum harmonics lie in it */

struct asr_tones {
    int16_t history[FFT_SIZE]; /* the last FFT_SIZE input samples, oldest first */
    size_t have;               /* how many of them are real input (the rest is silence) */
    size_t since_frame;        /* input samples since the last spectrum */
    int frames;                /* spectra of the background, the only ones whose peaks count */
    double floor;              /* the background's level (sum of power), 0 before the first spectrum */
    unsigned short hits[BUCKETS]; /* peaks seen, by frequency (1 Hz buckets, interpolated) */
    double hz_sum[BUCKETS];       /* and their exact frequencies, summed, */
    double db_sum[BUCKETS];       /* their levels (dB), summed, */
    double db_sq_sum[BUCKETS];    /* and squared */
    double window[FFT_SIZE];
    double re[FFT_SIZE], im[FFT_SIZE], power[BINS + 1];
};

asr_tones *asr_tones_create(void)
{
    asr_tones *t = calloc(1, sizeof *t);
    if (!t)
        return NULL;
    for (int i = 0; i < FFT_SIZE; i++)
        t->window[i] = 0.5 - 0.5 * cos(2.0 * PI * i / FFT_SIZE);
    return t;
}

void asr_tones_free(asr_tones *t)
{
    free(t);
}

/* The k-th smallest of v[0..n-1] (v is reordered): Hoare's selection, linear on average; this runs
 * for every peak of every spectrum, where a sort added about 0.008 to the real-time factor. */
static double kth_smallest(double *v, int n, int k)
{
    int lo = 0, hi = n - 1;
    while (lo < hi) {
        double pivot = v[(lo + hi) / 2];
        int i = lo, j = hi;
        while (i <= j) {
            while (v[i] < pivot)
                i++;
            while (v[j] > pivot)
                j--;
            if (i <= j) {
                double x = v[i];
                v[i++] = v[j], v[j--] = x;
            }
        }
        if (k <= j)
            hi = j;
        else if (k >= i)
            lo = i;
        else
            return v[k];
    }
    return v[k];
}

/* The level a peak at bin k is measured against: a low quantile of its neighbours. */
static double neighbourhood_floor(const double *power, int k)
{
    double v[2 * NEIGHBOURS];
    int n = 0;
    for (int j = k - NEIGHBOURS; j <= k + NEIGHBOURS; j++)
        if (j >= 1 && j < BINS && abs(j - k) > SKIP)
            v[n++] = power[j];
    return kth_smallest(v, n, (int)(n * FLOOR_QUANTILE));
}

static void count_peaks(asr_tones *t)
{
    const double *p = t->power;
    const double ratio = pow(10.0, PEAK_DB / 10.0);
    for (int k = LOWEST_BIN; k <= HIGHEST_BIN; k++) {
        if (!(p[k] > p[k - 1] && p[k] >= p[k + 1]) || p[k] <= 0.0)
            continue;
        if (p[k] < ratio * neighbourhood_floor(p, k))
            continue;
        double l0 = log(p[k - 1] + 1e-12), l1 = log(p[k]), l2 = log(p[k + 1] + 1e-12);
        double denom = l0 - 2.0 * l1 + l2;
        double delta = denom < 0.0 ? 0.5 * (l0 - l2) / denom : 0.0;
        double hz = (k + delta) * ASR_RATE / FFT_SIZE;
        int bucket = (int)lrint(hz);
        if (bucket >= 1 && bucket < BUCKETS - 1) {
            double db = 10.0 * log10(p[k]);
            t->hits[bucket]++;
            t->hz_sum[bucket] += hz;
            t->db_sum[bucket] += db;
            t->db_sq_sum[bucket] += db * db;
        }
    }
}

static bool found_near(const double *hz, int n, double f)
{
    for (int i = 0; i < n; i++)
        if (fabs(hz[i] - f) < 3.0 * ASR_RATE / FFT_SIZE)
            return true;
    return false;
}

/* The most frequent candidate peaking in at least `need` frames, not found yet; 0 when none. */
static double next_tone(const asr_tones *t, const double *hz, int n, int need)
{
    int best_hits = 0;
    double best_hz = 0.0;
    for (int b = 1; b < BUCKETS - 1; b++) {
        int h = t->hits[b - 1] + t->hits[b] + t->hits[b + 1];
        if (t->hits[b] == 0 || h < need || h <= best_hits)
            continue;
        double f = (t->hz_sum[b - 1] + t->hz_sum[b] + t->hz_sum[b + 1]) / h;
        double db = (t->db_sum[b - 1] + t->db_sum[b] + t->db_sum[b + 1]) / h;
        double db_sq = (t->db_sq_sum[b - 1] + t->db_sq_sum[b] + t->db_sq_sum[b + 1]) / h;
        if (db_sq - db * db > MAX_LEVEL_SPREAD_DB * MAX_LEVEL_SPREAD_DB || found_near(hz, n, f))
            continue;
        best_hits = h, best_hz = f;
    }
    return best_hz;
}

/* Frequencies (within +-1.5 Hz: a tone keeps its pitch, a voice's harmonics wander) that peaked
 * in most spectra of the background are tones, the most frequent first. A note of music peaks in
 * fewer (the notes take turns). */
static int find_tones(const asr_tones *t, double *hz)
{
    if (t->frames < MIN_FRAMES)
        return 0;
    int need = (int)ceil(SHARE_OF_FRAMES * t->frames);
    need = need < MIN_HITS ? MIN_HITS : need;
    int n = 0;
    for (double f; n < ASR_MAX_TONES && (f = next_tone(t, hz, n, need)) > 0.0;)
        hz[n++] = f;
    return n;
}

typedef struct {
    double b0, b1, b2, a1, a2; /* normalised biquad (a0 = 1) */
    double z1, z2;             /* transposed direct form II state */
} notch;

/* A notch of NOTCH_WIDTH_HZ at hz (the audio EQ cookbook's, with Q = hz / width). */
static notch make_notch(double hz)
{
    double w0 = 2.0 * PI * hz / ASR_RATE;
    double alpha = sin(w0) * NOTCH_WIDTH_HZ / (2.0 * hz);
    double a0 = 1.0 + alpha;
    return (notch){.b0 = 1.0 / a0, .b1 = -2.0 * cos(w0) / a0, .b2 = 1.0 / a0,
                   .a1 = -2.0 * cos(w0) / a0, .a2 = (1.0 - alpha) / a0};
}

/* Whether this spectrum is of the background: at most BACKGROUND_DB over the quietest level heard
 * lately (which creeps up by FLOOR_RISE per spectrum, so that it follows a room getting louder).
 * Words, a beep or a cough are louder: under them a hum's harmonics sink, and a voice's own
 * harmonics or a beep would count as tones. */
static bool background(asr_tones *t)
{
    double level = 0.0;
    for (int k = LOWEST_BIN; k <= HIGHEST_BIN; k++)
        level += t->power[k];
    if (t->floor == 0.0 || level < t->floor)
        t->floor = level;
    else
        t->floor *= FLOOR_RISE;
    return level <= t->floor * pow(10.0, BACKGROUND_DB / 10.0);
}

static void analyse(asr_tones *t)
{
    for (int i = 0; i < FFT_SIZE; i++) {
        t->re[i] = t->history[i] * t->window[i];
        t->im[i] = 0.0;
    }
    asr_fft(t->re, t->im, FFT_SIZE);
    for (int k = 0; k <= BINS; k++)
        t->power[k] = t->re[k] * t->re[k] + t->im[k] * t->im[k];
    if (!background(t))
        return;
    count_peaks(t);
    t->frames++;
}

static void remember(asr_tones *t, const int16_t *s, size_t n)
{
    memmove(t->history, t->history + n, (FFT_SIZE - n) * sizeof t->history[0]);
    memcpy(t->history + FFT_SIZE - n, s, n * sizeof s[0]);
    t->have = t->have + n < FFT_SIZE ? t->have + n : FFT_SIZE;
    t->since_frame += n;
    if (t->since_frame == HOP) {
        t->since_frame = 0;
        if (t->have == FFT_SIZE)
            analyse(t);
    }
}

void asr_tones_learn(asr_tones *t, const int16_t *samples, size_t count)
{
    /* a hop at a time, so that a spectrum is taken exactly every HOP samples whatever the chunks */
    while (count > 0) {
        size_t room = HOP - t->since_frame;
        size_t n = count < room ? count : room;
        remember(t, samples, n);
        samples += n;
        count -= n;
    }
}

int asr_tones_remove(const asr_tones *t, int16_t *samples, size_t count, double *hz, int max)
{
    double found[ASR_MAX_TONES];
    notch bank[ASR_MAX_TONES];
    int n = find_tones(t, found);
    for (int i = 0; i < n; i++) {
        bank[i] = make_notch(found[i]);
        if (i < max)
            hz[i] = found[i];
    }
    if (n == 0)
        return 0;
    for (size_t j = 0; j < count; j++) {
        double y = samples[j];
        for (int i = 0; i < n; i++) {
            notch *f = &bank[i];
            double x = y;
            y = f->b0 * x + f->z1;
            f->z1 = f->b1 * x - f->a1 * y + f->z2;
            f->z2 = f->b2 * x - f->a2 * y;
        }
        samples[j] = (int16_t)(y > 32767.0 ? 32767 : y < -32768.0 ? -32768 : lrint(y));
    }
    return n;
}
