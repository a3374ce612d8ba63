/*
 * dev_wav.c - WAV files as microphone and speaker, for tests and for replaying recorded answers.
 *
 * Input: each capture_start takes the next file, converted to AUDIO_RATE; capture_read hands it out
 * at once (no real-time pacing: the consumer counts samples, not wall time) and then reports the end.
 * Output: every play is appended to one 16 kHz WAV, whose header is rewritten after each append, so a
 * crashed process leaves a readable file. Playback behaves like a speaker in time: "playing" lasts the
 * audio's real duration on CLOCK_MONOTONIC, and play_stop cuts the file back to what was heard.
 * A device is used from one thread.
 *
 * In a room (audio_wav_set_room) the microphone hears the speaker too, as a kiosk's does: captures
 * then run in (speed-scaled) real time on one timeline with the speaker, each input file being what
 * the patient says from capture_start on, and the speaker's sound reaches it through a fixed pattern
 * of reflections. capture_read_echo hands out, with each sample, what the speaker was sounding then.
 */
#include "audio_internal.h"

#include <errno.h>
#include <fcntl.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

enum { ROOM_TAPS = 48, PLAYS_KEPT = 2, FRAME_SAMPLES = AUDIO_RATE / 100 };

/* A play as the room hears it: its samples from `start` on the timeline, `heard` of them sounded. */
typedef struct {
    int16_t *samples;
    size_t count, heard;
    int64_t start;
} room_play;

typedef struct {
    bool on;
    int taps;
    size_t tap_delay[ROOM_TAPS]; /* samples after the speaker */
    double tap_gain[ROOM_TAPS];
    int64_t moves_by, moves_every; /* samples: the echo later by moves_by in every other moves_every */
    int64_t capture_start; /* on the timeline */
    room_play plays[PLAYS_KEPT]; /* [0] the latest */
} wav_room;

typedef struct {
    audio_file_list inputs;
    size_t next_input;
    audio_pcm cur; /* the current capture, at AUDIO_RATE */
    size_t cur_pos;
    bool capturing;

    int out_fd; /* -1: output discarded */
    char *out_path;
    uint64_t out_samples; /* samples in the output file */

    bool play_active;
    double speed; /* 1: a speaker's real time; more: tests that need not wait for the voice; 0: the
                   * clock moves only as the microphone is read (and at once when nothing captures) */
    int64_t play_start; /* on the timeline */
    int64_t virtual_now; /* the timeline when speed is 0 */
    size_t play_count;
    uint64_t play_file_start; /* where the current play begins in the output */
    double origin_ms; /* the room's timeline: samples since then, at `speed` */
    wav_room room;
} wav_dev;

/* Largest 16-bit data chunk a RIFF size field can describe. */
#define WAV_OUT_MAX ((uint64_t)(UINT32_MAX - 36) / 2)

static wav_dev *impl(audio_device *d) { return d->impl; }

/* Samples since the device opened, at its speed: the clock its microphone and speaker share. */
static int64_t timeline(const wav_dev *w)
{
    if (w->speed == 0.0)
        return w->virtual_now;
    return (int64_t)((audio_now_ms() - w->origin_ms) * w->speed * (AUDIO_RATE / 1000.0));
}

static audio_status wav_capture_start(audio_device *d)
{
    wav_dev *w = impl(d);
    w->room.capture_start = timeline(w);
    audio_pcm_free(&w->cur);
    w->cur_pos = 0;
    w->capturing = true;
    if (w->next_input >= w->inputs.count)
        return AUDIO_OK; /* past the last file: silence, at its end */
    const char *path = w->inputs.paths[w->next_input++];
    char err[512];
    audio_status s = audio_wav_read_at(path, AUDIO_RATE, &w->cur, err, sizeof err);
    if (s != AUDIO_OK)
        audio_log("wav input: %s", err);
    return s;
}

/* What the speaker sounded at `t` on the timeline. */
static int16_t speaker_at(const wav_room *room, int64_t t)
{
    for (int p = 0; p < PLAYS_KEPT; p++) {
        const room_play *pl = &room->plays[p];
        if (pl->samples && t >= pl->start && t - pl->start < (int64_t)pl->heard)
            return pl->samples[t - pl->start];
    }
    return 0;
}

static int16_t clip16(double v)
{
    return (int16_t)(v > 32767.0 ? 32767 : v < -32768.0 ? -32768 : lrint(v));
}

static bool wav_playing(audio_device *d);

/* The microphone in the room: the patient's file from capture_start, and the speaker's echo, paced
 * by the timeline. */
static size_t room_capture_read(audio_device *d, int16_t *mic, int16_t *played, size_t max, int wait_ms)
{
    wav_dev *w = impl(d);
    if (!w->capturing || !mic)
        return 0;
    if (w->speed == 0.0) /* reading is what moves the clock */
        w->virtual_now = w->room.capture_start + (int64_t)(w->cur_pos + max);
    int64_t ready = timeline(w) - w->room.capture_start - (int64_t)w->cur_pos;
    if (ready < FRAME_SAMPLES && wait_ms > 0 && w->speed > 0.0) {
        double ms = (double)(FRAME_SAMPLES - ready) / (AUDIO_RATE / 1000.0) / w->speed;
        audio_sleep_ms(ms < wait_ms ? (int)ceil(ms) : wait_ms);
        ready = timeline(w) - w->room.capture_start - (int64_t)w->cur_pos;
    }
    size_t n = ready <= 0 ? 0 : (size_t)ready < max ? (size_t)ready : max;
    for (size_t k = 0; k < n; k++) {
        size_t at = w->cur_pos + k;
        int64_t t = w->room.capture_start + (int64_t)at;
        double v = at < w->cur.count ? w->cur.samples[at] : 0.0;
        int64_t moved = w->room.moves_every > 0 && t >= 0 && (t / w->room.moves_every) % 2 == 1 ? w->room.moves_by : 0;
        for (int j = 0; j < w->room.taps; j++)
            v += w->room.tap_gain[j] * speaker_at(&w->room, t - (int64_t)w->room.tap_delay[j] - moved);
        mic[k] = clip16(v);
        if (played)
            played[k] = speaker_at(&w->room, t);
    }
    w->cur_pos += n;
    return n;
}

static size_t wav_capture_read(audio_device *d, int16_t *buf, size_t max, int wait_ms)
{
    wav_dev *w = impl(d);
    if (w->room.on)
        return room_capture_read(d, buf, NULL, max, wait_ms);
    if (!w->capturing || !buf)
        return 0;
    size_t n = w->cur.count - w->cur_pos;
    if (n > max)
        n = max;
    if (n)
        memcpy(buf, w->cur.samples + w->cur_pos, n * sizeof *buf);
    w->cur_pos += n;
    return n;
}

static void wav_capture_stop(audio_device *d)
{
    wav_dev *w = impl(d);
    audio_pcm_free(&w->cur);
    w->cur_pos = 0;
    w->capturing = false;
}

static bool wav_capture_at_end(audio_device *d)
{
    wav_dev *w = impl(d);
    if (w->room.on && w->capturing && w->cur_pos >= w->cur.count)
        return !wav_playing(d); /* the speaker's echo is still heard */
    return !w->capturing || w->cur_pos >= w->cur.count;
}

static bool write_full(int fd, const void *p, size_t n, off_t at)
{
    const uint8_t *b = p;
    while (n > 0) {
        ssize_t k = pwrite(fd, b, n, at);
        if (k < 0 && errno == EINTR)
            continue;
        if (k <= 0)
            return false;
        b += k;
        n -= (size_t)k;
        at += k;
    }
    return true;
}

static bool write_header(wav_dev *w)
{
    uint8_t h[44];
    audio_wav_header(h, (uint32_t)w->out_samples, AUDIO_RATE);
    return write_full(w->out_fd, h, sizeof h, 0);
}

static audio_status append_output(wav_dev *w, const int16_t *s, size_t n)
{
    if (w->out_samples + n > WAV_OUT_MAX) {
        audio_log("wav output %s: full (a WAV file holds at most %llu samples)", w->out_path,
                  (unsigned long long)WAV_OUT_MAX);
        return AUDIO_ERR_TOO_LARGE;
    }
    uint8_t block[4096];
    off_t at = 44 + (off_t)w->out_samples * 2;
    for (size_t i = 0; i < n;) {
        size_t k = n - i < sizeof block / 2 ? n - i : sizeof block / 2;
        for (size_t j = 0; j < k; j++) {
            uint16_t v = (uint16_t)s[i + j];
            block[2 * j] = (uint8_t)v;
            block[2 * j + 1] = (uint8_t)(v >> 8);
        }
        if (!write_full(w->out_fd, block, 2 * k, at + (off_t)i * 2)) {
            audio_log("wav output %s: write failed: %s", w->out_path, strerror(errno));
            return AUDIO_ERR_IO;
        }
        i += k;
    }
    w->out_samples += n;
    return write_header(w) ? AUDIO_OK : AUDIO_ERR_IO;
}

/* Samples "heard" so far of the current play. */
static size_t heard(const wav_dev *w)
{
    int64_t n = timeline(w) - w->play_start;
    return n >= (int64_t)w->play_count ? w->play_count : (size_t)(n > 0 ? n : 0);
}

static bool wav_playing(audio_device *d)
{
    wav_dev *w = impl(d);
    if (w->play_active && w->speed == 0.0 && !w->capturing) /* nobody listens: no time to wait */
        w->virtual_now = w->play_start + (int64_t)w->play_count;
    if (w->play_active && heard(w) >= w->play_count)
        w->play_active = false;
    return w->play_active;
}

static void wav_play_stop(audio_device *d)
{
    wav_dev *w = impl(d);
    if (!wav_playing(d))
        return;
    w->play_active = false;
    w->room.plays[0].heard = heard(w);
    if (w->out_fd < 0)
        return;
    w->out_samples = w->play_file_start + heard(w);
    if (ftruncate(w->out_fd, 44 + (off_t)w->out_samples * 2) != 0 || !write_header(w))
        audio_log("wav output %s: cannot cut playback short: %s", w->out_path, strerror(errno));
}

/* The room keeps the last plays: a new one starts while the last one's echo still sounds. */
static audio_status remember_play(wav_dev *w, const int16_t *samples, size_t count)
{
    free(w->room.plays[PLAYS_KEPT - 1].samples);
    memmove(&w->room.plays[1], &w->room.plays[0], (PLAYS_KEPT - 1) * sizeof w->room.plays[0]);
    room_play *p = &w->room.plays[0];
    p->samples = malloc(count * sizeof *samples);
    if (!p->samples) {
        memset(p, 0, sizeof *p);
        return AUDIO_ERR_NOMEM;
    }
    memcpy(p->samples, samples, count * sizeof *samples);
    p->count = p->heard = count;
    p->start = w->play_start;
    return AUDIO_OK;
}

static audio_status wav_play(audio_device *d, const int16_t *samples, size_t count, int rate)
{
    wav_dev *w = impl(d);
    if (!samples && count > 0)
        return AUDIO_ERR_FORMAT;
    wav_play_stop(d); /* a new sound replaces the one playing, as on a speaker */
    audio_pcm in = {.samples = (int16_t *)samples, .count = count, .rate = rate}, conv = {0};
    audio_status s = AUDIO_OK;
    if (rate != AUDIO_RATE) {
        s = audio_resample(&in, AUDIO_RATE, &conv);
        if (s != AUDIO_OK)
            return s;
        in = conv;
    }
    w->play_file_start = w->out_samples;
    if (w->out_fd >= 0 && in.count > 0)
        s = append_output(w, in.samples, in.count);
    if (s == AUDIO_OK && in.count > 0) {
        w->play_active = true;
        w->play_start = timeline(w);
        w->play_count = in.count;
        if (w->room.on)
            s = remember_play(w, in.samples, in.count);
    }
    audio_pcm_free(&conv);
    return s;
}

/* Whatever is playing is kept whole in the file: destroying the device is not an interruption. */
static void wav_destroy(audio_device *d)
{
    if (!d)
        return;
    wav_dev *w = impl(d);
    if (w->out_fd >= 0) {
        if (!write_header(w) || fsync(w->out_fd) != 0)
            audio_log("wav output %s: final header not written: %s", w->out_path, strerror(errno));
        close(w->out_fd);
    }
    audio_file_list_free(&w->inputs);
    audio_pcm_free(&w->cur);
    for (int p = 0; p < PLAYS_KEPT; p++)
        free(w->room.plays[p].samples);
    free(w->out_path);
    free(w);
    free(d);
}

static const audio_ops wav_ops = {
    .name = "wav",
    .capture_start = wav_capture_start,
    .capture_read = wav_capture_read,
    .capture_stop = wav_capture_stop,
    .capture_at_end = wav_capture_at_end,
    .play = wav_play,
    .playing = wav_playing,
    .play_stop = wav_play_stop,
    .destroy = wav_destroy,
};

/* The same device offering what its speaker sounded: made from wav_ops when a room is first set. */
static audio_ops wav_room_ops;

static bool is_wav(const audio_device *d)
{
    return d && (d->ops == &wav_ops || d->ops == &wav_room_ops);
}

bool audio_wav_set_speed(audio_device *d, double speed)
{
    if (!is_wav(d) || !(speed == 0.0 || (speed >= 1.0 && speed <= 1e6)))
        return false;
    wav_dev *w = impl(d);
    /* the timeline goes on from where it is, at the new pace */
    int64_t now = timeline(w);
    w->virtual_now = now;
    w->speed = speed;
    if (speed > 0.0)
        w->origin_ms = audio_now_ms() - (double)now / (speed * (AUDIO_RATE / 1000.0));
    return true;
}

/* A direct path and reflections at fixed pseudo-random times, dying away 60 dB over the reverb. */
bool audio_wav_set_room(audio_device *d, const audio_wav_room *room)
{
    if (!is_wav(d) || !room || !(room->gain_db <= 0.0 && room->gain_db >= -100.0) ||
        !(room->delay_ms >= 0.0 && room->delay_ms <= 100.0) || !(room->reverb_ms >= 0.0 && room->reverb_ms <= 400.0) ||
        !(room->moves_by_ms >= 0.0 && room->moves_by_ms <= 20.0) ||
        !(room->moves_every_ms == 0.0 || (room->moves_every_ms >= 100.0 && room->moves_every_ms <= 3.6e6)))
        return false;
    wav_room *r = &impl(d)->room;
    double gain = pow(10.0, room->gain_db / 20.0);
    size_t delay = (size_t)lrint(room->delay_ms * (AUDIO_RATE / 1000.0));
    double reverb = room->reverb_ms * (AUDIO_RATE / 1000.0);
    r->moves_by = lrint(room->moves_by_ms * (AUDIO_RATE / 1000.0));
    r->moves_every = lrint(room->moves_every_ms * (AUDIO_RATE / 1000.0));
    r->taps = 1;
    r->tap_delay[0] = delay;
    r->tap_gain[0] = gain;
    uint32_t seed = 12345u;
    for (int j = 1; reverb >= 1.0 && j < ROOM_TAPS; j++) {
        seed = seed * 1664525u + 1013904223u;
        double at = reverb * j / ROOM_TAPS + (double)(seed >> 8) / (1u << 24) * reverb / ROOM_TAPS;
        r->tap_delay[j] = delay + (size_t)at;
        r->tap_gain[j] = gain * 0.35 * pow(10.0, -3.0 * at / reverb) * ((seed & 1u) ? 1.0 : -1.0);
        r->taps = j + 1;
    }
    r->on = true;
    if (!wav_room_ops.name) {
        wav_room_ops = wav_ops;
        wav_room_ops.capture_read_echo = room_capture_read;
    }
    d->ops = &wav_room_ops;
    return true;
}

static bool open_output(wav_dev *w, const char *output, char *err, size_t err_len)
{
    w->out_path = strdup(output);
    w->out_fd = open(output, O_RDWR | O_CREAT | O_TRUNC | O_CLOEXEC, 0644);
    if (w->out_fd < 0 || !w->out_path) {
        audio_set_err(err, err_len, "wav output %s: cannot create: %s", output, strerror(errno));
        return false;
    }
    if (!write_header(w)) {
        audio_set_err(err, err_len, "wav output %s: cannot write: %s", output, strerror(errno));
        return false;
    }
    return true;
}

audio_device *audio_open_wav(const char *input, const char *output, char *err, size_t err_len)
{
    audio_set_err(err, err_len, "%s", "");
    audio_device *d = calloc(1, sizeof *d);
    wav_dev *w = calloc(1, sizeof *w);
    if (!d || !w) {
        free(d);
        free(w);
        audio_set_err(err, err_len, "wav device: out of memory");
        return NULL;
    }
    w->out_fd = -1;
    w->speed = 1.0;
    w->origin_ms = audio_now_ms();
    d->ops = &wav_ops;
    d->impl = w;
    if (!audio_list_inputs(input, &w->inputs, err, err_len) || (output && !open_output(w, output, err, err_len))) {
        wav_destroy(d);
        return NULL;
    }
    return d;
}
