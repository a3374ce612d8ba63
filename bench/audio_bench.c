/*
 * audio_bench.c - how fast audio_resample converts device and TTS rates to 16 kHz, in multiples of real
 * time, beside the baseline of a plain copy (malloc + memcpy) of the same buffer. Also the WAV parse
 * (16-bit stereo mixed to mono) for the same audio, and the echo canceller's reference: what the
 * speaker (44.1 kHz) sounded at each microphone sample (16 kHz), read between the clip's samples
 * (audio/pa_echo.c), through a simulated card's callbacks every 10 ms.
 *
 *   bench_audio [SECONDS]   (default 60 s of synthetic speech-band audio per rate, median of 7 runs)
 */
#include "pa_echo.h"
#include "qlq_audio.h"

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#ifndef QLQ_BUILD_TYPE
#define QLQ_BUILD_TYPE "unknown"
#endif

#ifndef M_PI
#define M_PI 3.14159265358979323846
#endif

enum { RUNS = 7 };

static double now_s(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

static int cmp_double(const void *a, const void *b)
{
    double x = *(const double *)a, y = *(const double *)b;
    return (x > y) - (x < y);
}

/* Harmonics of a gliding 120-250 Hz voice plus a little noise: a speech-like spectrum. */
static audio_pcm synth(int rate, double seconds)
{
    size_t n = (size_t)(rate * seconds);
    audio_pcm p = {.samples = malloc(n * sizeof(int16_t)), .count = n, .rate = rate};
    if (!p.samples)
        exit(1);
    unsigned seed = 1;
    double phase = 0;
    for (size_t i = 0; i < n; i++) {
        double t = (double)i / rate, f0 = 185.0 + 65.0 * sin(2 * M_PI * 0.7 * t);
        phase += 2 * M_PI * f0 / rate;
        double v = 0;
        for (int h = 1; h <= 12; h++)
            v += sin(h * phase) / h;
        seed = seed * 1103515245u + 12345u;
        v = 6000.0 * v + (double)((seed >> 16) % 401) - 200.0;
        p.samples[i] = (int16_t)(v > 32767 ? 32767 : v < -32768 ? -32768 : v);
    }
    return p;
}

typedef enum { OP_COPY, OP_RESAMPLE } op_kind;

/* Median seconds of one operation over RUNS runs. */
static double time_op(op_kind op, const audio_pcm *in)
{
    double t[RUNS];
    for (int r = 0; r < RUNS; r++) {
        double t0 = now_s();
        if (op == OP_COPY) {
            int16_t *c = malloc(in->count * sizeof *c);
            if (!c)
                exit(1);
            memcpy(c, in->samples, in->count * sizeof *c);
            volatile int16_t keep = c[in->count / 2];
            (void)keep;
            free(c);
        } else {
            audio_pcm out;
            if (audio_resample(in, AUDIO_RATE, &out) != AUDIO_OK) {
                fprintf(stderr, "resample failed\n");
                exit(1);
            }
            audio_pcm_free(&out);
        }
        t[r] = now_s() - t0;
    }
    qsort(t, RUNS, sizeof t[0], cmp_double);
    return t[RUNS / 2];
}

static double time_parse(const audio_pcm *mono, uint8_t **file, size_t *len)
{
    *len = 44 + mono->count * 4;
    *file = malloc(*len);
    uint8_t *h = *file;
    memcpy(h, "RIFF\0\0\0\0WAVEfmt \x10\0\0\0\x01\0\x02\0", 24);
    for (int i = 0; i < 4; i++) {
        h[24 + i] = (uint8_t)((unsigned)mono->rate >> (8 * i));
        h[28 + i] = (uint8_t)((unsigned)mono->rate * 4 >> (8 * i));
        h[40 + i] = (uint8_t)((mono->count * 4) >> (8 * i));
    }
    memcpy(h + 32, "\x04\0\x10\0data", 8);
    for (size_t i = 0; i < mono->count; i++)
        for (int c = 0; c < 2; c++) {
            h[44 + 4 * i + 2 * (size_t)c] = (uint8_t)mono->samples[i];
            h[45 + 4 * i + 2 * (size_t)c] = (uint8_t)((uint16_t)mono->samples[i] >> 8);
        }
    double t[RUNS];
    for (int r = 0; r < RUNS; r++) {
        audio_pcm p;
        double t0 = now_s();
        audio_status s = audio_wav_parse(*file, *len, &p, NULL, 0);
        t[r] = now_s() - t0;
        if (s != AUDIO_OK)
            exit(1);
        audio_pcm_free(&p);
    }
    qsort(t, RUNS, sizeof t[0], cmp_double);
    return t[RUNS / 2];
}

/* Median seconds to give every microphone sample of `speaker` (one clip, the card's callbacks every
 * 10 ms, the reader taking each period at once) its reference. */
static double time_echo_reference(const audio_pcm *speaker)
{
    enum { IN_PERIOD = AUDIO_RATE / 100 };
    audio_pcm reference;
    if (audio_resample(speaker, AUDIO_RATE, &reference) != AUDIO_OK)
        exit(1);
    int out_period = speaker->rate / 100;
    int16_t *out = malloc((size_t)out_period * sizeof *out), played[IN_PERIOD];
    double t[RUNS];
    for (int r = 0; r < RUNS; r++) {
        pa_echo *e = pa_echo_create(AUDIO_RATE, speaker->rate, 1);
        int16_t *device = malloc(speaker->count * sizeof *device), *ref = malloc(reference.count * sizeof *ref);
        if (!e || !out || !device || !ref)
            exit(1);
        memcpy(device, speaker->samples, speaker->count * sizeof *device);
        memcpy(ref, reference.samples, reference.count * sizeof *ref);
        pa_echo_deliver_start(e);
        pa_echo_play(e, device, speaker->count, ref, reference.count);
        long long sum = 0;
        double t0 = now_s();
        for (size_t period = 0; period * IN_PERIOD < reference.count; period++) {
            double at = (double)period / 100.0;
            pa_echo_output(e, out, (unsigned long)out_period, at + 0.040, false);
            pa_echo_input(e, IN_PERIOD, at + 0.045, false);
            pa_echo_popped(e, IN_PERIOD);
            pa_echo_reference(e, played, IN_PERIOD, 0, 0.0);
            sum += played[IN_PERIOD / 2];
        }
        t[r] = now_s() - t0;
        volatile long long keep = sum;
        (void)keep;
        pa_echo_destroy(e);
    }
    free(out);
    audio_pcm_free(&reference);
    qsort(t, RUNS, sizeof t[0], cmp_double);
    return t[RUNS / 2];
}

int main(int argc, char **argv)
{
    double seconds = argc > 1 ? atof(argv[1]) : 60.0;
    if (seconds <= 0 || seconds > 600) {
        fprintf(stderr, "usage: bench_audio [SECONDS (0-600)]\n");
        return 2;
    }
    printf("bench_audio (%s build): %.0f s of audio per case, median of %d runs, one core\n", QLQ_BUILD_TYPE,
           seconds, RUNS);
    printf("%-28s %12s %14s %14s\n", "case", "time ms", "x real time", "copy baseline");
    const int rates[] = {44100, 48000, 22050, 24000};
    for (size_t i = 0; i < sizeof rates / sizeof rates[0]; i++) {
        audio_pcm in = synth(rates[i], seconds);
        double tc = time_op(OP_COPY, &in), tr = time_op(OP_RESAMPLE, &in);
        char name[64];
        snprintf(name, sizeof name, "resample %d -> 16000", rates[i]);
        printf("%-28s %12.2f %13.0fx %13.0fx\n", name, tr * 1e3, seconds / tr, seconds / tc);
        if (i == 0) {
            uint8_t *file;
            size_t len;
            double tp = time_parse(&in, &file, &len);
            printf("%-28s %12.2f %13.0fx %13.0fx\n", "wav parse 44100 stereo16", tp * 1e3, seconds / tp,
                   seconds / tc);
            free(file);
            double te = time_echo_reference(&in);
            printf("%-28s %12.2f %13.0fx %13.0fx\n", "echo reference 44100 -> 16k", te * 1e3, seconds / te,
                   seconds / tc);
        }
        audio_pcm_free(&in);
    }
    return 0;
}
