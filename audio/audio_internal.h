/*
 * audio_internal.h - helpers shared by the audio module's files; not part of the public interface.
 */
#ifndef AUDIO_INTERNAL_H
#define AUDIO_INTERNAL_H

#include "qlq_audio.h"

#include <stdarg.h>

/* snprintf into an optional caller buffer (err may be NULL or err_len 0). */
void audio_set_err(char *err, size_t err_len, const char *fmt, ...) __attribute__((format(printf, 3, 4)));

/* One log line on stderr, prefixed "qlq audio: ". */
void audio_log(const char *fmt, ...) __attribute__((format(printf, 1, 2)));

/* A canonical 44-byte header for `count` 16-bit mono samples at `rate`. */
void audio_wav_header(uint8_t h[44], uint32_t count, int rate);

/* The WAV device's input: one file, or a folder's *.wav files in byte order of their names. */
typedef struct {
    char **paths;
    size_t count;
} audio_file_list;

bool audio_list_inputs(const char *input, audio_file_list *out, char *err, size_t err_len);
void audio_file_list_free(audio_file_list *l);

/* Milliseconds on CLOCK_MONOTONIC. */
double audio_now_ms(void);
void audio_sleep_ms(int ms);

/* Whether what the echo canceller let through is the speaker's sound by another path (a sound server
 * moved the echo): the share of the last ECHO_FIT_WINDOW samples of its output explained, by least
 * squares, by the speaker's sound over two short stretches of the tail (audio_echo_moved.c). Rings of
 * `ring` samples, `written` in all; 0 before WINDOW + SPAN samples. */
enum {
    ECHO_FIT_WINDOW = AUDIO_RATE / 5, /* what was let through: the last 200 ms */
    ECHO_FIT_SPAN = AUDIO_RATE / 5,   /* the speaker's sound up to 200 ms before each sample: the tail */
    ECHO_FIT_HALF = 8,                /* taps each side of a correlation peak: a path's shape, not one sample */
    ECHO_FIT_PEAKS = 2,               /* the new path, and the old one the canceller still takes away */
    ECHO_FIT_MAX_TAPS = ECHO_FIT_PEAKS * (2 * ECHO_FIT_HALF + 1),
};
typedef struct {
    float out[ECHO_FIT_WINDOW], played[ECHO_FIT_WINDOW + ECHO_FIT_SPAN], corr[ECHO_FIT_SPAN];
    double gram[ECHO_FIT_MAX_TAPS][ECHO_FIT_MAX_TAPS];
} echo_fit_scratch;
double audio_echo_explained(echo_fit_scratch *s, const int16_t *out_ring, const int16_t *played_ring, size_t ring,
                            size_t written);

#endif
