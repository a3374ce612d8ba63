#include "wav_build.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

void wb_free(wb *b)
{
    free(b->buf);
    *b = (wb){0};
}

void wb_bytes(wb *b, const void *p, size_t n)
{
    if (b->len + n > b->cap) {
        size_t cap = (b->len + n) * 2 + 64;
        uint8_t *q = realloc(b->buf, cap);
        if (!q)
            abort();
        b->buf = q;
        b->cap = cap;
    }
    if (n)
        memcpy(b->buf + b->len, p, n);
    b->len += n;
}

void wb_u8(wb *b, unsigned v)
{
    uint8_t c = (uint8_t)v;
    wb_bytes(b, &c, 1);
}

void wb_le16(wb *b, unsigned v)
{
    wb_u8(b, v & 0xFF);
    wb_u8(b, (v >> 8) & 0xFF);
}

void wb_le24(wb *b, uint32_t v)
{
    wb_le16(b, v & 0xFFFF);
    wb_u8(b, (v >> 16) & 0xFF);
}

void wb_le32(wb *b, uint32_t v)
{
    wb_le16(b, v & 0xFFFF);
    wb_le16(b, v >> 16);
}

void wb_f32(wb *b, float v)
{
    uint32_t u;
    memcpy(&u, &v, 4);
    wb_le32(b, u);
}

void wb_set_le32(wb *b, size_t at, uint32_t v)
{
    for (int i = 0; i < 4; i++)
        b->buf[at + (size_t)i] = (uint8_t)(v >> (8 * i));
}

size_t wb_chunk_begin(wb *b, const char *id)
{
    wb_bytes(b, id, 4);
    size_t at = b->len;
    wb_le32(b, 0);
    return at;
}

void wb_chunk_end(wb *b, size_t size_at)
{
    size_t size = b->len - size_at - 4;
    wb_set_le32(b, size_at, (uint32_t)size);
    if (size & 1)
        wb_u8(b, 0);
}

void wb_riff_begin(wb *b)
{
    wb_bytes(b, "RIFF", 4);
    wb_le32(b, 0);
    wb_bytes(b, "WAVE", 4);
}

void wb_riff_end(wb *b) { wb_set_le32(b, 4, (uint32_t)(b->len - 8)); }

void wb_fmt(wb *b, unsigned tag, unsigned channels, unsigned rate, unsigned bits)
{
    size_t at = wb_chunk_begin(b, "fmt ");
    unsigned align = channels * (bits / 8);
    wb_le16(b, tag);
    wb_le16(b, channels);
    wb_le32(b, rate);
    wb_le32(b, rate * align);
    wb_le16(b, align);
    wb_le16(b, bits);
    wb_chunk_end(b, at);
}

void wb_fmt_ext(wb *b, unsigned subtag, unsigned channels, unsigned rate, unsigned bits, unsigned valid_bits)
{
    static const uint8_t tail[14] = {0x00, 0x00, 0x00, 0x00, 0x10, 0x00, 0x80, 0x00, 0x00, 0xAA, 0x00, 0x38, 0x9B, 0x71};
    size_t at = wb_chunk_begin(b, "fmt ");
    unsigned align = channels * (bits / 8);
    wb_le16(b, 0xFFFE);
    wb_le16(b, channels);
    wb_le32(b, rate);
    wb_le32(b, rate * align);
    wb_le16(b, align);
    wb_le16(b, bits);
    wb_le16(b, 22);
    wb_le16(b, valid_bits);
    wb_le32(b, channels == 1 ? 0x4 : 0x3); /* channel mask */
    wb_le16(b, subtag);
    wb_bytes(b, tail, sizeof tail);
    wb_chunk_end(b, at);
}

void wb_simple(wb *b, unsigned tag, unsigned channels, unsigned rate, unsigned bits, const void *data, size_t n)
{
    wb_riff_begin(b);
    wb_fmt(b, tag, channels, rate, bits);
    size_t at = wb_chunk_begin(b, "data");
    wb_bytes(b, data, n);
    wb_chunk_end(b, at);
    wb_riff_end(b);
}

void wb_pcm16(wb *b, unsigned rate, const int16_t *s, size_t n)
{
    wb data = {0};
    for (size_t i = 0; i < n; i++)
        wb_le16(&data, (uint16_t)s[i]);
    wb_simple(b, 1, 1, rate, 16, data.buf, data.len);
    wb_free(&data);
}

int wb_save(const wb *b, const char *path)
{
    FILE *f = fopen(path, "wb");
    if (!f)
        return -1;
    size_t n = fwrite(b->buf, 1, b->len, f);
    return (fclose(f) == 0 && n == b->len) ? 0 : -1;
}
