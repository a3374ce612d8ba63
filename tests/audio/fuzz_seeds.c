#include "fuzz_seeds.h"

#include <string.h>

static void data_chunk(wb *b, unsigned bytes, unsigned step)
{
    size_t at = wb_chunk_begin(b, "data");
    for (unsigned i = 0; i < bytes; i++)
        wb_u8(b, (i * step) & 0xFF);
    wb_chunk_end(b, at);
}

static void plain(wb *b, unsigned tag, unsigned ch, unsigned rate, unsigned bits, unsigned frames)
{
    wb_riff_begin(b);
    wb_fmt(b, tag, ch, rate, bits);
    data_chunk(b, frames * ch * (bits / 8), 37);
    wb_riff_end(b);
}

static void extensible(wb *b, unsigned subtag, unsigned ch, unsigned bits)
{
    wb_riff_begin(b);
    wb_fmt_ext(b, subtag, ch, 44100, bits, bits);
    data_chunk(b, 6 * ch * (bits / 8), 11);
    wb_riff_end(b);
}

static void odd_layout(wb *b)
{
    wb_riff_begin(b);
    size_t at = wb_chunk_begin(b, "LIST");
    wb_bytes(b, "INFOISFT\x03\0\0\0ab", 14);
    wb_u8(b, 0);
    wb_chunk_end(b, at);
    data_chunk(b, 9, 5); /* odd size: padded */
    wb_fmt(b, 1, 1, 22050, 16);
    wb_riff_end(b);
}

static void fmt18_with_fact(wb *b)
{
    wb_riff_begin(b);
    size_t at = wb_chunk_begin(b, "fmt ");
    const unsigned v[] = {3, 2};
    wb_le16(b, v[0]);
    wb_le16(b, v[1]);
    wb_le32(b, 32000);
    wb_le32(b, 32000 * 8);
    wb_le16(b, 8);
    wb_le16(b, 32);
    wb_le16(b, 0); /* cbSize */
    wb_chunk_end(b, at);
    at = wb_chunk_begin(b, "fact");
    wb_le32(b, 4);
    wb_chunk_end(b, at);
    at = wb_chunk_begin(b, "data");
    const float f[] = {0.5f, -0.5f, 1.0f, -1.0f, 0.25f, 0.0f, -0.125f, 0.75f};
    for (int i = 0; i < 8; i++)
        wb_f32(b, f[i]);
    wb_chunk_end(b, at);
    wb_riff_end(b);
}

void fuzz_seed(int i, wb *b)
{
    *b = (wb){0};
    switch (i) {
    case 0: plain(b, 1, 1, 16000, 16, 12); break;
    case 1: plain(b, 1, 2, 8000, 8, 9); break;
    case 2: plain(b, 1, 1, 48000, 24, 7); break;
    case 3: plain(b, 1, 3, 44100, 32, 5); break;
    case 4: plain(b, 3, 1, 96000, 32, 6); break;
    case 5: extensible(b, 1, 2, 24); break;
    case 6: extensible(b, 3, 1, 32); break;
    case 7: odd_layout(b); break;
    case 8: fmt18_with_fact(b); break;
    case 9: plain(b, 1, 8, 192000, 16, 3); break;
    case 10: plain(b, 6, 1, 8000, 8, 16); break; /* A-law: refused */
    case 11: /* data declared longer than present */
        plain(b, 1, 1, 16000, 16, 20);
        b->len -= 11;
        break;
    case 12: /* fmt only */
        wb_riff_begin(b);
        wb_fmt(b, 1, 1, 16000, 16);
        wb_riff_end(b);
        break;
    case 13: /* a streaming writer's placeholder sizes */
        plain(b, 1, 1, 16000, 16, 10);
        wb_set_le32(b, 4, 0xFFFFFFFFu);
        wb_set_le32(b, 40, 0xFFFFFFFFu);
        break;
    case 14: plain(b, 1, 1, 11025, 16, 0); break; /* empty data */
    default: plain(b, 1, 2, 22050, 16, 1); break;
    }
}
