/*
 * dev_null.c - the device that always works: playback is discarded (and never "playing"), capture
 * returns nothing and is at its end at once, so a caller waiting for speech moves on immediately.
 */
#include "audio_internal.h"

#include <stdlib.h>

static audio_status null_capture_start(audio_device *d)
{
    (void)d;
    return AUDIO_OK;
}

static size_t null_capture_read(audio_device *d, int16_t *buf, size_t max, int wait_ms)
{
    (void)d, (void)buf, (void)max, (void)wait_ms;
    return 0;
}

static void null_capture_stop(audio_device *d) { (void)d; }

static bool null_capture_at_end(audio_device *d)
{
    (void)d;
    return true;
}

static audio_status null_play(audio_device *d, const int16_t *samples, size_t count, int rate)
{
    (void)d, (void)samples, (void)count, (void)rate;
    return AUDIO_OK;
}

static bool null_playing(audio_device *d)
{
    (void)d;
    return false;
}

static void null_play_stop(audio_device *d) { (void)d; }

static const audio_ops null_ops;
/* Keeps the "always works" promise even when malloc fails; never freed. */
static audio_device fallback = {.ops = &null_ops, .impl = NULL};

static void null_destroy(audio_device *d)
{
    if (d != &fallback)
        free(d);
}

static const audio_ops null_ops = {
    .name = "null",
    .capture_start = null_capture_start,
    .capture_read = null_capture_read,
    .capture_stop = null_capture_stop,
    .capture_at_end = null_capture_at_end,
    .play = null_play,
    .playing = null_playing,
    .play_stop = null_play_stop,
    .destroy = null_destroy,
};

/* Allocated so that every device is destroyed the same way. */
audio_device *audio_open_null(void)
{
    audio_device *d = malloc(sizeof *d);
    if (!d)
        return &fallback;
    d->ops = &null_ops;
    d->impl = NULL;
    return d;
}
