/*
 * audio_util.c - status names, messages, clocks, and freeing PCM buffers.
 */
#include "audio_internal.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <time.h>

void audio_pcm_free(audio_pcm *pcm)
{
    if (!pcm)
        return;
    free(pcm->samples);
    *pcm = (audio_pcm){0};
}

const char *audio_status_name(audio_status s)
{
    switch (s) {
    case AUDIO_OK: return "ok";
    case AUDIO_ERR_IO: return "I/O error";
    case AUDIO_ERR_TRUNCATED: return "truncated";
    case AUDIO_ERR_FORMAT: return "unsupported format";
    case AUDIO_ERR_TOO_LARGE: return "too large";
    case AUDIO_ERR_NOMEM: return "out of memory";
    case AUDIO_ERR_DEVICE: return "device error";
    }
    return "unknown audio status";
}

void audio_set_err(char *err, size_t err_len, const char *fmt, ...)
{
    if (!err || err_len == 0)
        return;
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(err, err_len, fmt, ap);
    va_end(ap);
}

void audio_log(const char *fmt, ...)
{
    char line[512];
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(line, sizeof line, fmt, ap);
    va_end(ap);
    fprintf(stderr, "qlq audio: %s\n", line);
}

double audio_now_ms(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (double)ts.tv_sec * 1000.0 + (double)ts.tv_nsec / 1e6;
}

void audio_sleep_ms(int ms)
{
    if (ms <= 0)
        return;
    struct timespec ts = {.tv_sec = ms / 1000, .tv_nsec = (long)(ms % 1000) * 1000000L};
    while (nanosleep(&ts, &ts) != 0 && errno == EINTR) {
    }
}
