/*
 * wav_parse.c - RIFF/WAVE parsing from memory. The input is untrusted (files from disk, the TTS cache,
 * a network reply), so every size is compared against what remains of the buffer by subtraction (never
 * `offset + size > len`, which can wrap) and all size arithmetic is done in 64 bits.
 */
#include "audio_internal.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>

enum {
    WAV_TAG_PCM = 0x0001,
    WAV_TAG_FLOAT = 0x0003,
    WAV_TAG_EXTENSIBLE = 0xFFFE,
    WAV_MAX_CHANNELS = 8,
    WAV_MIN_RATE = 8000,
    WAV_MAX_RATE = 192000,
    WAV_MAX_SECONDS = 600,
};

typedef struct {
    unsigned channels;
    unsigned rate;
    unsigned bits;        /* container size of one sample */
    unsigned block_align; /* bytes per frame */
    bool is_float;
} wav_fmt;

typedef struct {
    const uint8_t *buf;
    size_t len;
    char *err;
    size_t err_len;
    bool have_fmt;
    wav_fmt fmt;
    bool have_data;
    size_t data_off;
    uint64_t data_declared;
    size_t data_present;
} wav_scan;

static unsigned rd16(const uint8_t *p) { return (unsigned)p[0] | (unsigned)p[1] << 8; }

static uint32_t rd32(const uint8_t *p)
{
    return (uint32_t)p[0] | (uint32_t)p[1] << 8 | (uint32_t)p[2] << 16 | (uint32_t)p[3] << 24;
}

/* Chunk ids come from the file: print them safely. */
static void chunk_name(const uint8_t *p, char out[5])
{
    for (int i = 0; i < 4; i++)
        out[i] = (p[i] >= 0x20 && p[i] < 0x7F) ? (char)p[i] : '?';
    out[4] = '\0';
}

static const char *encoding_name(unsigned tag)
{
    switch (tag) {
    case 0x0002: return "Microsoft ADPCM";
    case 0x0006: return "A-law";
    case 0x0007: return "mu-law";
    case 0x0011: return "IMA ADPCM";
    case 0x0031: return "GSM 6.10";
    case 0x0050: return "MPEG";
    case 0x0055: return "MPEG layer 3";
    case 0x0161: return "Windows Media Audio";
    default: return "unknown encoding";
    }
}

/* The 14 bytes that follow the format tag in every KSDATAFORMAT_SUBTYPE_* GUID we accept. */
static const uint8_t ks_guid_tail[14] = {0x00, 0x00, 0x00, 0x00, 0x10, 0x00, 0x80,
                                         0x00, 0x00, 0xAA, 0x00, 0x38, 0x9B, 0x71};

static audio_status fmt_extensible(wav_scan *s, size_t off, uint32_t size, const uint8_t *p, unsigned *tag)
{
    if (size < 40) {
        audio_set_err(s->err, s->err_len,
                      "fmt chunk at offset %zu: WAVE_FORMAT_EXTENSIBLE needs 40 bytes, chunk has %u", off,
                      (unsigned)size);
        return AUDIO_ERR_FORMAT;
    }
    unsigned cb = rd16(p + 16), valid = rd16(p + 18), bits = rd16(p + 14);
    if (cb < 22) {
        audio_set_err(s->err, s->err_len, "fmt chunk at offset %zu: WAVE_FORMAT_EXTENSIBLE extension is %u bytes, needs 22",
                      off, cb);
        return AUDIO_ERR_FORMAT;
    }
    if (memcmp(p + 26, ks_guid_tail, sizeof ks_guid_tail) != 0) {
        audio_set_err(s->err, s->err_len, "fmt chunk at offset %zu: unknown WAVE_FORMAT_EXTENSIBLE subformat GUID", off);
        return AUDIO_ERR_FORMAT;
    }
    if (valid > bits) {
        audio_set_err(s->err, s->err_len, "fmt chunk at offset %zu: %u valid bits in a %u-bit container", off, valid,
                      bits);
        return AUDIO_ERR_FORMAT;
    }
    *tag = rd16(p + 24);
    return AUDIO_OK;
}

static audio_status fmt_encoding(wav_scan *s, size_t off, unsigned tag, unsigned bits)
{
    if (tag == WAV_TAG_PCM) {
        if (bits == 8 || bits == 16 || bits == 24 || bits == 32)
            return AUDIO_OK;
        audio_set_err(s->err, s->err_len, "fmt chunk at offset %zu: PCM with %u bits per sample (8, 16, 24 or 32 are read)",
                      off, bits);
        return AUDIO_ERR_FORMAT;
    }
    if (tag == WAV_TAG_FLOAT) {
        if (bits == 32)
            return AUDIO_OK;
        audio_set_err(s->err, s->err_len, "fmt chunk at offset %zu: IEEE float with %u bits (only 32 is read)", off, bits);
        return AUDIO_ERR_FORMAT;
    }
    audio_set_err(s->err, s->err_len, "fmt chunk at offset %zu: unsupported encoding 0x%04X (%s)", off, tag,
                  encoding_name(tag));
    return AUDIO_ERR_FORMAT;
}

static audio_status parse_fmt(wav_scan *s, size_t off, uint32_t size)
{
    const uint8_t *p = s->buf + off + 8;
    if (size < 16) {
        audio_set_err(s->err, s->err_len, "fmt chunk at offset %zu is %u bytes, needs at least 16", off, (unsigned)size);
        return AUDIO_ERR_FORMAT;
    }
    unsigned tag = rd16(p), ch = rd16(p + 2), block = rd16(p + 12), bits = rd16(p + 14);
    uint32_t rate = rd32(p + 4);
    audio_status st = AUDIO_OK;
    if (tag == WAV_TAG_EXTENSIBLE)
        st = fmt_extensible(s, off, size, p, &tag);
    if (st == AUDIO_OK)
        st = fmt_encoding(s, off, tag, bits);
    if (st != AUDIO_OK)
        return st;
    if (ch == 0 || ch > WAV_MAX_CHANNELS) {
        audio_set_err(s->err, s->err_len, "fmt chunk at offset %zu: %u channels (1 to %d are read)", off, ch,
                      WAV_MAX_CHANNELS);
        return AUDIO_ERR_FORMAT;
    }
    if (rate < WAV_MIN_RATE || rate > WAV_MAX_RATE) {
        audio_set_err(s->err, s->err_len, "fmt chunk at offset %zu: sample rate %lu Hz outside %d..%d", off,
                      (unsigned long)rate, WAV_MIN_RATE, WAV_MAX_RATE);
        return AUDIO_ERR_FORMAT;
    }
    if (block != ch * (bits / 8)) {
        audio_set_err(s->err, s->err_len,
                      "fmt chunk at offset %zu: block align %u inconsistent with %u channels of %u bits (expected %u)",
                      off, block, ch, bits, ch * (bits / 8));
        return AUDIO_ERR_FORMAT;
    }
    s->fmt = (wav_fmt){.channels = ch, .rate = rate, .bits = bits, .block_align = block, .is_float = tag == WAV_TAG_FLOAT};
    s->have_fmt = true;
    return AUDIO_OK;
}

/* Handles one chunk at `pos`; sets *stop when nothing after it can be read. */
static audio_status scan_chunk(wav_scan *s, size_t pos, bool *stop)
{
    const uint8_t *h = s->buf + pos;
    uint32_t size = rd32(h + 4);
    size_t remain = s->len - pos - 8;
    char name[5];
    chunk_name(h, name);
    if (memcmp(h, "data", 4) == 0 && !s->have_data) {
        s->have_data = true;
        s->data_off = pos;
        s->data_declared = size;
        s->data_present = size < remain ? size : remain;
        *stop = size > remain;
        return AUDIO_OK;
    }
    if (size > remain) {
        if (s->have_fmt && s->have_data) { /* trailing junk after a complete file */
            *stop = true;
            return AUDIO_OK;
        }
        audio_set_err(s->err, s->err_len, "chunk '%s' at offset %zu declares %lu bytes but only %zu remain in the file",
                      name, pos, (unsigned long)size, remain);
        return AUDIO_ERR_TRUNCATED;
    }
    if (memcmp(h, "fmt ", 4) == 0 && !s->have_fmt)
        return parse_fmt(s, pos, size);
    return AUDIO_OK; /* unknown chunk, or a second fmt/data: skipped */
}

static audio_status walk_chunks(wav_scan *s)
{
    size_t pos = 12;
    while (s->len - pos >= 8) {
        bool stop = false;
        audio_status st = scan_chunk(s, pos, &stop);
        if (st != AUDIO_OK || stop)
            return st;
        uint64_t advance = 8 + (uint64_t)rd32(s->buf + pos + 4);
        advance += advance & 1; /* chunks are padded to even sizes */
        if (advance >= s->len - pos)
            return AUDIO_OK; /* a missing final pad byte is common and harmless */
        pos += (size_t)advance;
    }
    if (pos < s->len && !(s->have_fmt && s->have_data)) {
        audio_set_err(s->err, s->err_len, "file ends at offset %zu inside a chunk header (%zu of 8 bytes)", s->len,
                      s->len - pos);
        return AUDIO_ERR_TRUNCATED;
    }
    return AUDIO_OK;
}

static audio_status check_header(wav_scan *s)
{
    if (s->len < 12) {
        audio_set_err(s->err, s->err_len, "file is %zu bytes, shorter than the 12-byte RIFF header", s->len);
        return AUDIO_ERR_TRUNCATED;
    }
    if (memcmp(s->buf, "RIFF", 4) != 0 || memcmp(s->buf + 8, "WAVE", 4) != 0) {
        char a[5], b[5];
        chunk_name(s->buf, a);
        chunk_name(s->buf + 8, b);
        audio_set_err(s->err, s->err_len, "not a RIFF/WAVE file: offset 0 has '%s', offset 8 has '%s'", a, b);
        return AUDIO_ERR_FORMAT;
    }
    return AUDIO_OK;
}

static audio_status check_chunks(wav_scan *s)
{
    bool data_short = s->have_data && s->data_declared > s->data_present;
    if (!s->have_fmt && data_short) {
        audio_set_err(s->err, s->err_len,
                      "data chunk at offset %zu declares %llu bytes but only %zu are present, and no fmt chunk precedes it",
                      s->data_off, (unsigned long long)s->data_declared, s->data_present);
        return AUDIO_ERR_TRUNCATED;
    }
    if (!s->have_fmt || !s->have_data) {
        audio_set_err(s->err, s->err_len, "missing %s chunk", s->have_fmt ? "data" : "fmt");
        return AUDIO_ERR_FORMAT;
    }
    uint64_t frames = s->data_declared / s->fmt.block_align;
    if (frames > (uint64_t)WAV_MAX_SECONDS * s->fmt.rate) {
        /* Writers to a pipe (espeak-ng --stdout: 0x7FFFF000) leave a huge placeholder they never fix. */
        bool placeholder = s->data_declared >= 0x7FFF0000u && s->data_declared > s->data_present;
        audio_set_err(s->err, s->err_len,
                      "data chunk at offset %zu declares %llu bytes = %.0f s at %u Hz, more than the %d-minute limit%s",
                      s->data_off, (unsigned long long)s->data_declared, (double)frames / s->fmt.rate, s->fmt.rate,
                      WAV_MAX_SECONDS / 60,
                      placeholder ? " (a streaming writer's unfixed size: rewrite the file, e.g. with sox)" : "");
        return AUDIO_ERR_TOO_LARGE;
    }
    if (data_short) {
        audio_set_err(s->err, s->err_len,
                      "data chunk at offset %zu declares %llu bytes but only %zu are present (file is %zu bytes)",
                      s->data_off, (unsigned long long)s->data_declared, s->data_present, s->len);
        return AUDIO_ERR_TRUNCATED;
    }
    return AUDIO_OK;
}

/* floor(v / d) for d > 0: keeps the scaling of negative samples symmetric with positive ones. */
static int64_t floor_div(int64_t v, int64_t d) { return v >= 0 ? v / d : -((-v + d - 1) / d); }

/* One sample on the int16 scale (float: +-1.0 is +-32768, clipped). */
static int32_t sample_at(const uint8_t *p, const wav_fmt *f)
{
    if (f->is_float) {
        uint32_t u = rd32(p);
        float x;
        memcpy(&x, &u, sizeof x);
        if (!(x == x))
            return 0; /* NaN */
        double v = (double)x * 32768.0;
        if (v >= 32767.0)
            return 32767;
        if (v <= -32768.0)
            return -32768;
        return (int32_t)lrint(v);
    }
    switch (f->bits) {
    case 8: return ((int32_t)p[0] - 128) * 256;
    case 16: return (int16_t)rd16(p);
    case 24: {
        int32_t v = (int32_t)(p[0] | p[1] << 8 | p[2] << 16);
        if (v & 0x800000)
            v -= 0x1000000;
        return (int32_t)floor_div(v, 256);
    }
    default: return (int32_t)floor_div((int32_t)rd32(p), 65536);
    }
}

static audio_status convert(const wav_scan *s, audio_pcm *out)
{
    const wav_fmt *f = &s->fmt;
    size_t frames = s->data_present / f->block_align;
    int16_t *samples = malloc((frames ? frames : 1) * sizeof *samples);
    if (!samples) {
        audio_set_err(s->err, s->err_len, "out of memory for %zu samples", frames);
        return AUDIO_ERR_NOMEM;
    }
    const uint8_t *p = s->buf + s->data_off + 8;
    unsigned bytes = f->bits / 8;
    for (size_t i = 0; i < frames; i++) {
        int64_t sum = 0;
        for (unsigned c = 0; c < f->channels; c++, p += bytes)
            sum += sample_at(p, f);
        samples[i] = (int16_t)floor_div(sum, f->channels);
    }
    *out = (audio_pcm){.samples = samples, .count = frames, .rate = (int)f->rate};
    return AUDIO_OK;
}

audio_status audio_wav_parse(const uint8_t *buf, size_t len, audio_pcm *out, char *err, size_t err_len)
{
    if (out)
        *out = (audio_pcm){0};
    audio_set_err(err, err_len, "%s", "");
    if (!out || (!buf && len > 0)) {
        audio_set_err(err, err_len, "no buffer to parse");
        return AUDIO_ERR_IO;
    }
    wav_scan s = {.buf = buf, .len = len, .err = err, .err_len = err_len};
    audio_status st = check_header(&s);
    if (st == AUDIO_OK)
        st = walk_chunks(&s);
    if (st == AUDIO_OK)
        st = check_chunks(&s);
    if (st == AUDIO_OK)
        st = convert(&s, out);
    return st;
}
