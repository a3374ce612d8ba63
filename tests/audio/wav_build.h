/*
 * wav_build.h - writes WAV files byte by byte for the audio tests, independently of the module's own
 * writer, so that parsing is tested against files built from the format's definition.
 */
#ifndef WAV_BUILD_H
#define WAV_BUILD_H

#include <stddef.h>
#include <stdint.h>

typedef struct {
    uint8_t *buf;
    size_t len;
    size_t cap;
} wb;

void wb_free(wb *b);
void wb_bytes(wb *b, const void *p, size_t n);
void wb_u8(wb *b, unsigned v);
void wb_le16(wb *b, unsigned v);
void wb_le24(wb *b, uint32_t v);
void wb_le32(wb *b, uint32_t v);
void wb_f32(wb *b, float v);
void wb_set_le32(wb *b, size_t at, uint32_t v);
/* Starts a chunk; returns the offset of its size field for wb_chunk_end (which also pads odd sizes). */
size_t wb_chunk_begin(wb *b, const char *id);
void wb_chunk_end(wb *b, size_t size_at);
/* "RIFF" <size> "WAVE"; wb_riff_end fixes the size. */
void wb_riff_begin(wb *b);
void wb_riff_end(wb *b);
/* A plain 16-byte fmt chunk. */
void wb_fmt(wb *b, unsigned tag, unsigned channels, unsigned rate, unsigned bits);
/* A 40-byte WAVE_FORMAT_EXTENSIBLE fmt chunk with the given subformat tag. */
void wb_fmt_ext(wb *b, unsigned subtag, unsigned channels, unsigned rate, unsigned bits, unsigned valid_bits);
/* A whole file: RIFF, plain fmt, data with `data` bytes. */
void wb_simple(wb *b, unsigned tag, unsigned channels, unsigned rate, unsigned bits, const void *data, size_t n);
/* 16-bit mono samples as a whole file. */
void wb_pcm16(wb *b, unsigned rate, const int16_t *s, size_t n);
/* Writes the buffer to a file; returns 0 on success. */
int wb_save(const wb *b, const char *path);

#endif
