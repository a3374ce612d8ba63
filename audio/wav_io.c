/*
 * wav_io.c - reading WAV files from disk (size-capped before anything is read) and writing canonical
 * 16-bit mono files.
 */
#include "audio_internal.h"

#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

/* Far above any spoken answer or item (10 minutes of 16-bit stereo 48 kHz is 110 MiB, but nothing the
 * kiosk handles comes near that); keeps a corrupt or hostile file from exhausting memory. */
#define WAV_FILE_CAP ((size_t)64 * 1024 * 1024)

static audio_status read_all(int fd, const char *path, uint8_t *buf, size_t size, char *err, size_t err_len)
{
    size_t got = 0;
    while (got < size) {
        ssize_t n = read(fd, buf + got, size - got);
        if (n < 0 && errno == EINTR)
            continue;
        if (n < 0) {
            audio_set_err(err, err_len, "%s: read failed: %s", path, strerror(errno));
            return AUDIO_ERR_IO;
        }
        if (n == 0) {
            audio_set_err(err, err_len, "%s: file shrank while being read (%zu of %zu bytes)", path, got, size);
            return AUDIO_ERR_IO;
        }
        got += (size_t)n;
    }
    return AUDIO_OK;
}

static audio_status load_file(int fd, const char *path, uint8_t **buf, size_t *len, char *err, size_t err_len)
{
    struct stat st;
    if (fstat(fd, &st) != 0) {
        audio_set_err(err, err_len, "%s: stat failed: %s", path, strerror(errno));
        return AUDIO_ERR_IO;
    }
    if (!S_ISREG(st.st_mode)) {
        audio_set_err(err, err_len, "%s: not a regular file", path);
        return AUDIO_ERR_IO;
    }
    if ((uintmax_t)st.st_size > WAV_FILE_CAP) {
        audio_set_err(err, err_len, "%s: file is %jd bytes, more than the %zu MiB cap", path, (intmax_t)st.st_size,
                      WAV_FILE_CAP >> 20);
        return AUDIO_ERR_TOO_LARGE;
    }
    *len = (size_t)st.st_size;
    *buf = malloc(*len ? *len : 1);
    if (!*buf) {
        audio_set_err(err, err_len, "%s: out of memory for %zu bytes", path, *len);
        return AUDIO_ERR_NOMEM;
    }
    audio_status s = read_all(fd, path, *buf, *len, err, err_len);
    if (s != AUDIO_OK) {
        free(*buf);
        *buf = NULL;
    }
    return s;
}

audio_status audio_wav_read(const char *path, audio_pcm *out, char *err, size_t err_len)
{
    if (out)
        *out = (audio_pcm){0};
    if (!path || !out) {
        audio_set_err(err, err_len, "audio_wav_read: no path or output");
        return AUDIO_ERR_IO;
    }
    int fd = open(path, O_RDONLY | O_CLOEXEC);
    if (fd < 0) {
        audio_set_err(err, err_len, "%s: cannot open: %s", path, strerror(errno));
        return AUDIO_ERR_IO;
    }
    uint8_t *buf = NULL;
    size_t len = 0;
    audio_status s = load_file(fd, path, &buf, &len, err, err_len);
    close(fd);
    if (s != AUDIO_OK)
        return s;
    char why[256];
    s = audio_wav_parse(buf, len, out, why, sizeof why);
    free(buf);
    if (s != AUDIO_OK)
        audio_set_err(err, err_len, "%s: %s", path, why);
    return s;
}

static void put16(uint8_t *p, unsigned v)
{
    p[0] = (uint8_t)v;
    p[1] = (uint8_t)(v >> 8);
}

static void put32(uint8_t *p, uint32_t v)
{
    put16(p, v & 0xFFFF);
    put16(p + 2, v >> 16);
}

static bool write_samples(FILE *f, const int16_t *samples, size_t count)
{
    uint8_t block[4096];
    size_t i = 0;
    while (i < count) {
        size_t n = count - i < sizeof block / 2 ? count - i : sizeof block / 2;
        for (size_t k = 0; k < n; k++)
            put16(block + 2 * k, (uint16_t)samples[i + k]);
        if (fwrite(block, 2, n, f) != n)
            return false;
        i += n;
    }
    return true;
}

static bool write_file(const char *path, const int16_t *samples, size_t count, int rate)
{
    uint8_t h[44];
    audio_wav_header(h, (uint32_t)count, rate);
    FILE *f = fopen(path, "wb");
    if (!f)
        return false;
    bool ok = fwrite(h, 1, sizeof h, f) == sizeof h && write_samples(f, samples, count);
    ok = (fflush(f) == 0) && ok;
    return (fclose(f) == 0) && ok;
}

void audio_wav_header(uint8_t h[44], uint32_t count, int rate)
{
    uint32_t data = count * 2;
    memcpy(h, "RIFF", 4);
    put32(h + 4, 36 + data);
    memcpy(h + 8, "WAVEfmt ", 8);
    put32(h + 16, 16);
    put16(h + 20, 1);
    put16(h + 22, 1);
    put32(h + 24, (uint32_t)rate);
    put32(h + 28, (uint32_t)rate * 2);
    put16(h + 32, 2);
    put16(h + 34, 16);
    memcpy(h + 36, "data", 4);
    put32(h + 40, data);
}

/* Written under a temporary name and renamed, so a reader (the TTS cache) never sees half a file. */
audio_status audio_wav_write(const char *path, const int16_t *samples, size_t count, int rate)
{
    if (!path || (!samples && count > 0) || rate <= 0 || count > (UINT32_MAX - 36) / 2)
        return AUDIO_ERR_FORMAT;
    size_t n = strlen(path) + 32;
    char *tmp = malloc(n);
    if (!tmp)
        return AUDIO_ERR_NOMEM;
    /* pid and a counter: two threads (the TTS cache filler and the kiosk) may write at once */
    static atomic_uint serial;
    snprintf(tmp, n, "%s.tmp.%ld.%u", path, (long)getpid(), atomic_fetch_add(&serial, 1));
    audio_status s = AUDIO_OK;
    if (!write_file(tmp, samples, count, rate) || rename(tmp, path) != 0) {
        s = AUDIO_ERR_IO;
        unlink(tmp);
    }
    free(tmp);
    return s;
}
