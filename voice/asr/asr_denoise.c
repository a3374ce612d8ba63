/* asr_denoise.c - takes the room's broadband noise (a fan, air conditioning, a corridor's babble)
 * out of the audio before the speech is looked for and decoded: speexdsp's noise suppressor, a gain
 * per frequency band from the noise spectrum it tracks (minima of the smoothed power) and each
 * band's speech probability.
 *
 * Why: in noise the endpointer found only the loudest part of the words (median speech found in
 * white noise at 10 dB: 200 ms, against 370 ms for the same words in a quiet room), and the models
 * heard fricatives in the hiss. In the cleaned sound the whole words are found (360 ms) and heard.
 * Benchmark, held-out French voices, threshold 0.8, the same models and calibrations, as the kiosk
 * listens (bench_asr --stream; with the stream's 300 ms after the words, asr_stream.c), answers
 * right: white noise at 10 dB 72.0 -> 90.2 %, at 20 dB 93.9 -> 94.7 %, babble at 10 dB 30.3 ->
 * 37.9 %, at 20 dB 63.6 -> 75.0 %; commands 85.6 -> 92.4 %, oui/non 73.7 -> 80.2 %; misheard
 * accepted 0.9 -> 0.6 %; clean answers unchanged (a quiet room is left alone, see QUIET_ROOM_DBFS).
 * Other noises (--other-noises): mains hum at 10 dB 84.8 -> 90.9 %, brown noise 93.9 -> 92.4 %,
 * music 47.0 % both (see LEAST_TAKEN_OUT_DB). English (held-out voices): 10 dB 47.7 -> 65.9 %,
 * misheard accepted 0.9 -> 0 %. Spectral subtraction by sox (noisered) had cost more than it gave
 * (see asr_tones.c): it takes away one fixed noise profile, where this one follows the noise and
 * spares the bands where the words are.
 * The decoder hears the cleaned sound; voicing and echo are measured on the sound as it came (the
 * suppressor takes an echo's tail for noise), and the words' level over the room counts what was
 * taken out (asr_decode.c).
 *
 * The suppressor must know the noise before the words: run over the audio once as it comes, it
 * has not settled in the second of room a recording starts with, and changed nothing measurable
 * (white noise 10 dB 79.5 %, babble 30.3 %). So it first listens to everything the decision is
 * made on (its estimate of the noise follows the minima and is not pulled up by the words), then
 * cleans that audio from its start. -25 dB of suppression: -15 let through more misheard answers
 * in white noise (3.0 % against 0.8 %), -40 lost answers there (82.6 %). Tried and dropped: the
 * same suppressor run backwards too, keeping the quieter of the two in each 10 ms (clean answers
 * 99.2 -> 97.0 %, misheard in white noise 4.5 %); WebRTC's noise suppressor (C++; level "high":
 * white noise 84.1 %, babble 47.0 %, but misheard accepted 1.2 %).
 * Also tried and dropped (session 20): after this suppressor, the loudest voice's harmonics kept
 * and the sound between them taken down 20 dB below 3 kHz (pitch by autocorrelation in 64 ms
 * windows, 16 ms apart), against babble. Held-out, as the kiosk listens: babble at 10 dB 37.9 ->
 * 44.7 %, all 10 dB answers 60.2 -> 63.3 %, out-of-grammar rejected 99.6 -> 98.7 % (noisy files);
 * but other noises at 10 dB 76.9 -> 73.5 % (brown noise 97.0 -> 90.9 %), MBROLA and Pico at 10 dB
 * 19.3 -> 18.6 %, English held-out at 10 dB 77.3 -> 72.7 %. With the pitch taken from a whitened
 * spectrum (brown noise no longer looks voiced) brown noise was back to 97.0 % and babble to 38.6 %:
 * the gain had not come from the harmonics. */
#include "asr_internal.h"

#include <speex/speex_preprocess.h>

#include <math.h>
#include <stdlib.h>
#include <string.h>

enum {
    FRAME = ASR_RATE / 100,   /* 10 ms: the suppressor's hop */
    SUPPRESS_DB = -25,
};
/* Under this, the room is quiet and left as it is: there is no noise to take out, and cleaning it
 * changed clean answers at random (held-out voices: 3 more of 528 misheard, "deux" heard "un", "un
 * peu" "un"). The benchmark's noisy files measure -51 to -28 dBFS so (white noise and babble at 20
 * and 10 dB SNR), its clean files are digital silence around the words: the suppressor works on any
 * room noise within 9 dB of the quietest of them. */
#define QUIET_ROOM_DBFS (-60.0)
/* Under this, the suppressor found no steady noise to take out, and the sound is left as it came:
 * what it did was to distort a changing sound, music above all, and the words with it. Music at
 * 20 dB SNR (bench_asr --other-noises, held-out voices): answers right 77.3 -> 56.1 % with the
 * suppression, asked again, the phone loop explaining the cleaned words better. The quietest 30 % of
 * a file, measured: music 0.5-6 dB quieter after cleaning (70 % of files under 3 dB at 20 dB SNR,
 * 93 % at 10), babble 2.2-9 dB (3 % under 3 dB at 10 dB SNR, 1 % at 20), white and brown noise,
 * hum and beeps 4-22 dB. */
#define LEAST_TAKEN_OUT_DB 3.0
/* The share of the sound as heard added back to the cleaned sound: -20 dB of it. */
#define KEEP_AS_HEARD 0.1

/* cleaned[i] += KEEP_AS_HEARD * heard[i]: a steady floor of the room under what the suppressor let
 * through. Without it, the noise the suppressor lets through for 100-150 ms after the words, while
 * its gain comes down, is a burst in a silence, and sounds like a syllable: "un" in white noise was
 * heard "un peu" (0.89) and "oui" "un peu oui" (0.85). The held-out benchmark is the same with and
 * without (10 dB answers within 1.5 points, misheard accepted 0.8 % both); -26 dB (0.05) and -14 dB
 * (0.2) each let one more answer of the tests' held-out voice through wrong (in mains hum, out of
 * the grammar). */
static void keep_some_of(spx_int16_t *cleaned, const spx_int16_t *heard, size_t n)
{
    for (size_t i = 0; i < n; i++) {
        double v = cleaned[i] + KEEP_AS_HEARD * heard[i];
        cleaned[i] = (spx_int16_t)(v > 32767 ? 32767 : v < -32768 ? -32768 : v);
    }
}

/* A 10 ms frame's level, dB over one step of the samples (digital silence: 0). */
static double frame_db(const int16_t *frame)
{
    double e = 0;
    for (size_t k = 0; k < FRAME; k++)
        e += (double)frame[k] * frame[k];
    return 10.0 * log10(e / FRAME + 1.0);
}
#define FULL_SCALE_DB 90.309 /* frame_db of full scale: frame_db - FULL_SCALE_DB is dBFS */

typedef struct {
    double level; /* frame_db */
    size_t at;    /* first sample */
} frame_level;

static int quieter_first(const void *a, const void *b)
{
    double x = ((const frame_level *)a)->level, y = ((const frame_level *)b)->level;
    return (x > y) - (x < y);
}

/* The first `frames` 10 ms frames of samples, quietest first; NULL when out of memory. */
static frame_level *frames_by_level(const int16_t *samples, size_t frames)
{
    frame_level *f = malloc(frames * sizeof *f);
    if (!f)
        return NULL;
    for (size_t i = 0; i < frames; i++)
        f[i] = (frame_level){frame_db(samples + i * FRAME), i * FRAME};
    qsort(f, frames, sizeof *f, quieter_first);
    return f;
}

/* How much quieter the room's quietest 30 % of frames (by_level, of the sound as heard) are in
 * `cleaned`, dB. */
static double room_taken_out_db(const frame_level *by_level, size_t frames, const int16_t *cleaned)
{
    size_t quiet = frames * 3 / 10 ? frames * 3 / 10 : 1;
    double taken = 0;
    for (size_t i = 0; i < quiet; i++)
        taken += by_level[i].level - frame_db(cleaned + by_level[i].at);
    return taken / (double)quiet;
}

/* Runs the suppressor over heard twice, the first time to learn the room, the second writing
 * clean (which holds a copy of heard). 0, or -1 when out of memory. */
static int suppress(const int16_t *heard, int16_t *clean, size_t count)
{
    SpeexPreprocessState *st = speex_preprocess_state_init(FRAME, ASR_RATE);
    if (!st)
        return -1;
    int on = 1, off = 0, suppress_db = SUPPRESS_DB;
    speex_preprocess_ctl(st, SPEEX_PREPROCESS_SET_DENOISE, &on);
    speex_preprocess_ctl(st, SPEEX_PREPROCESS_SET_NOISE_SUPPRESS, &suppress_db);
    /* level and echo are measured on the audio and handled elsewhere (words_snr_db, asr_echo.c) */
    speex_preprocess_ctl(st, SPEEX_PREPROCESS_SET_AGC, &off);
    speex_preprocess_ctl(st, SPEEX_PREPROCESS_SET_DEREVERB, &off);
    spx_int16_t frame[FRAME];
    size_t whole = count - count % FRAME;
    for (size_t i = 0; i < whole; i += FRAME) {
        memcpy(frame, heard + i, sizeof frame);
        speex_preprocess_run(st, frame);
    }
    for (size_t i = 0; i < whole; i += FRAME) {
        speex_preprocess_run(st, clean + i);
        keep_some_of(clean + i, heard + i, FRAME);
    }
    if (whole < count) {
        /* the last few samples, completed with silence */
        memset(frame, 0, sizeof frame);
        memcpy(frame, heard + whole, (count - whole) * sizeof *heard);
        speex_preprocess_run(st, frame);
        keep_some_of(frame, heard + whole, count - whole);
        memcpy(clean + whole, frame, (count - whole) * sizeof *clean);
    }
    speex_preprocess_state_destroy(st);
    return 0;
}

int asr_denoise(const int16_t *heard, int16_t *clean, size_t count)
{
    memcpy(clean, heard, count * sizeof *clean);
    size_t frames = count / FRAME;
    if (frames == 0)
        return 0;
    frame_level *by_level = frames_by_level(heard, frames);
    if (!by_level)
        return -1;
    /* the room's level: the quietest tenth of the frames (the words, a cough or a door are louder) */
    double room_dbfs = by_level[(frames + 9) / 10 - 1].level - FULL_SCALE_DB;
    int rc = 0;
    if (room_dbfs >= QUIET_ROOM_DBFS) {
        rc = suppress(heard, clean, count);
        if (rc == 0 && room_taken_out_db(by_level, frames, clean) < LEAST_TAKEN_OUT_DB)
            memcpy(clean, heard, count * sizeof *clean);
    }
    free(by_level);
    return rc;
}
