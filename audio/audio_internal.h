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

#endif
