/*
 * audio_dsp.c - sample-rate conversion (libsamplerate), tempo change (libsonic), level measurement and
 * the room heard around a few words.
 */
#include "audio_internal.h"

#include <math.h>
#include <limits.h>
#include <samplerate.h>
#include <sonic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

enum { DSP_BLOCK = 4096 };

/* Rates libsamplerate handles well and that make sense for speech in and out. */
static bool rate_ok(int rate) { return rate >= 1000 && rate <= 384000; }

typedef struct {
    int16_t *samples;
    size_t count;
    size_t cap;
} pcm_growable;

static bool grow_append(pcm_growable *g, const float *x, size_t n)
{
    if (g->count + n > g->cap) {
        size_t cap = g->cap * 2 > g->count + n ? g->cap * 2 : g->count + n;
        int16_t *p = realloc(g->samples, cap * sizeof *p);
        if (!p)
            return false;
        g->samples = p;
        g->cap = cap;
    }
    src_float_to_short_array(x, g->samples + g->count, (int)n);
    g->count += n;
    return true;
}

/* Blocks of DSP_BLOCK samples keep memory at one int16 output buffer, whatever the input length. */
static audio_status resample_blocks(SRC_STATE *src, const audio_pcm *in, double ratio, pcm_growable *g)
{
    float fin[DSP_BLOCK], fout[DSP_BLOCK];
    size_t pos = 0;
    for (;;) {
        size_t n = in->count - pos < DSP_BLOCK ? in->count - pos : DSP_BLOCK;
        src_short_to_float_array(in->samples + pos, fin, (int)n);
        SRC_DATA d = {.data_in = fin,
                      .data_out = fout,
                      .input_frames = (long)n,
                      .output_frames = DSP_BLOCK,
                      .end_of_input = pos + n == in->count,
                      .src_ratio = ratio};
        if (src_process(src, &d) != 0)
            return AUDIO_ERR_FORMAT;
        if (!grow_append(g, fout, (size_t)d.output_frames_gen))
            return AUDIO_ERR_NOMEM;
        pos += (size_t)d.input_frames_used;
        if (d.end_of_input && d.input_frames_used == (long)n && d.output_frames_gen == 0)
            return AUDIO_OK;
    }
}

audio_status audio_wav_read_at(const char *path, int rate, audio_pcm *out, char *err, size_t err_len)
{
    audio_pcm raw = {0};
    audio_status s = audio_wav_read(path, &raw, err, err_len);
    if (s != AUDIO_OK)
        return s;
    s = audio_resample(&raw, rate, out);
    audio_pcm_free(&raw);
    if (s != AUDIO_OK && err && err_len)
        snprintf(err, err_len, "%s: cannot resample to %d Hz: %s", path, rate, audio_status_name(s));
    return s;
}

audio_status audio_change_tempo(const audio_pcm *in, double speed, audio_pcm *out)
{
    if (!in || !out || (!in->samples && in->count > 0) || !rate_ok(in->rate) || !(speed >= 0.25 && speed <= 4.0) ||
        in->count > INT_MAX / 8)
        return AUDIO_ERR_FORMAT;
    *out = (audio_pcm){0};
    /* sonic works in place: room for the longer result when slowing down, and for its tail */
    size_t cap = (size_t)((double)in->count / speed) + (size_t)in->rate / 10 + in->count + 1;
    int16_t *buf = calloc(cap, sizeof *buf);
    if (!buf)
        return AUDIO_ERR_NOMEM;
    if (in->count)
        memcpy(buf, in->samples, in->count * sizeof *buf);
    int n = in->count ? sonicChangeShortSpeed(buf, (int)in->count, (float)speed, 1.0f, 1.0f, 1.0f, 0, in->rate, 1)
                      : 0;
    if (n < 0 || (size_t)n > cap) {
        free(buf);
        return AUDIO_ERR_NOMEM;
    }
    *out = (audio_pcm){.samples = buf, .count = (size_t)n, .rate = in->rate};
    return AUDIO_OK;
}

audio_status audio_resample(const audio_pcm *in, int rate, audio_pcm *out)
{
    if (!in || !out || (!in->samples && in->count > 0) || !rate_ok(in->rate) || !rate_ok(rate))
        return AUDIO_ERR_FORMAT;
    *out = (audio_pcm){0};
    if (in->rate == rate || in->count == 0) {
        int16_t *copy = malloc((in->count ? in->count : 1) * sizeof *copy);
        if (!copy)
            return AUDIO_ERR_NOMEM;
        if (in->count)
            memcpy(copy, in->samples, in->count * sizeof *copy);
        *out = (audio_pcm){.samples = copy, .count = in->count, .rate = rate};
        return AUDIO_OK;
    }
    double ratio = (double)rate / in->rate;
    int e = 0;
    SRC_STATE *src = src_new(SRC_SINC_FASTEST, 1, &e);
    if (!src)
        return AUDIO_ERR_NOMEM;
    pcm_growable g = {.cap = (size_t)((double)in->count * ratio) + 64};
    g.samples = malloc(g.cap * sizeof *g.samples);
    audio_status s = g.samples ? resample_blocks(src, in, ratio, &g) : AUDIO_ERR_NOMEM;
    src_delete(src);
    if (s != AUDIO_OK) {
        free(g.samples);
        return s;
    }
    *out = (audio_pcm){.samples = g.samples, .count = g.count, .rate = rate};
    return AUDIO_OK;
}

static double to_dbfs(double ratio)
{
    if (ratio <= 0.0)
        return -120.0;
    double db = 20.0 * log10(ratio);
    return db < -120.0 ? -120.0 : db;
}

/* Full scale is 32768, so a full-scale square wave reads 0 dBFS RMS and a full-scale sine -3 dBFS. */
audio_level audio_measure(const int16_t *samples, size_t count)
{
    audio_level l = {.rms_dbfs = -120.0, .peak_dbfs = -120.0};
    if (!samples || count == 0)
        return l;
    double sum = 0.0;
    int peak = 0;
    for (size_t i = 0; i < count; i++) {
        int v = samples[i];
        sum += (double)v * v;
        if (abs(v) > peak)
            peak = abs(v);
    }
    l.rms_dbfs = to_dbfs(sqrt(sum / (double)count) / 32768.0);
    l.peak_dbfs = to_dbfs(peak / 32768.0);
    return l;
}

static int compare_double(const void *a, const void *b)
{
    double x = *(const double *)a, y = *(const double *)b;
    return x < y ? -1 : x > y;
}

/* The 20 ms frames' levels, sorted: the words are their loud end, the room their quiet end. */
bool audio_measure_room(const int16_t *samples, size_t count, int rate, audio_room *room)
{
    *room = (audio_room){.level_dbfs = -120.0};
    size_t frame = rate > 0 ? (size_t)rate / 50 : 0;
    size_t frames = frame ? count / frame : 0;
    if (!samples || frames < 5)
        return false;
    double *db = malloc(frames * sizeof *db);
    if (!db)
        return false;
    for (size_t i = 0; i < frames; i++)
        db[i] = audio_measure(samples + i * frame, frame).rms_dbfs;
    qsort(db, frames, sizeof *db, compare_double);
    double quiet = db[frames / 10], middle = db[frames / 2], loud = db[frames * 9 / 10];
    free(db);
    room->level_dbfs = loud;
    room->snr_db = loud - quiet > 60.0 ? 60.0 : loud - quiet;
    room->unsteady_db = middle - quiet > 60.0 ? 60.0 : middle - quiet;
    return true;
}
