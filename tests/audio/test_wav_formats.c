/*
 * test_wav_formats.c - every encoding the WAV reader accepts, built byte by byte, read back exactly;
 * chunk order, padding and tolerated oddities; the writer and the file reader.
 */
#include "qlq_audio.h"
#include "wav_build.h"

#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <cmocka.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

/* Test values chosen to cover the extremes and both signs. */
static const int16_t vals[] = {0, 1, -1, 256, -256, 12345, -12345, 32767, -32768, 1000, -30000, 77};
#define NV (sizeof vals / sizeof vals[0])

static void parse_ok(const wb *b, audio_pcm *pcm)
{
    char err[256] = "unset";
    audio_status s = audio_wav_parse(b->buf, b->len, pcm, err, sizeof err);
    if (s != AUDIO_OK)
        fail_msg("parse failed: %s (%s)", audio_status_name(s), err);
}

static void expect_vals(const audio_pcm *pcm, unsigned rate)
{
    assert_int_equal(pcm->rate, rate);
    assert_int_equal(pcm->count, NV);
    for (size_t i = 0; i < NV; i++)
        assert_int_equal(pcm->samples[i], vals[i]);
}

static void test_pcm16_mono(void **state)
{
    (void)state;
    wb b = {0};
    wb_pcm16(&b, 16000, vals, NV);
    audio_pcm pcm;
    parse_ok(&b, &pcm);
    expect_vals(&pcm, 16000);
    audio_pcm_free(&pcm);
    assert_null(pcm.samples);
    wb_free(&b);
}

/* 8-bit is unsigned with 128 as zero; only multiples of 256 survive the round trip. */
static void test_pcm8(void **state)
{
    (void)state;
    const uint8_t raw[] = {128, 0, 255, 129, 127};
    const int16_t want[] = {0, -32768, 32512, 256, -256};
    wb b = {0};
    wb_simple(&b, 1, 1, 8000, 8, raw, sizeof raw);
    audio_pcm pcm;
    parse_ok(&b, &pcm);
    assert_int_equal(pcm.count, 5);
    for (size_t i = 0; i < 5; i++)
        assert_int_equal(pcm.samples[i], want[i]);
    audio_pcm_free(&pcm);
    wb_free(&b);
}

/* 24- and 32-bit samples: the low bytes are extra precision below the 16-bit step and are dropped. */
static void test_pcm24_pcm32(void **state)
{
    (void)state;
    for (unsigned bits = 24; bits <= 32; bits += 8) {
        wb data = {0};
        for (size_t i = 0; i < NV; i++) {
            uint32_t low = (uint32_t)(i * 37) & 0xFF;
            if (bits == 24)
                wb_le24(&data, ((uint32_t)(int32_t)vals[i] << 8 | low) & 0xFFFFFF);
            else
                wb_le32(&data, (uint32_t)(int32_t)vals[i] << 16 | low << 8 | (uint32_t)i);
        }
        wb b = {0};
        wb_simple(&b, 1, 1, 48000, bits, data.buf, data.len);
        audio_pcm pcm;
        parse_ok(&b, &pcm);
        expect_vals(&pcm, 48000);
        audio_pcm_free(&pcm);
        wb_free(&b);
        wb_free(&data);
    }
}

static void test_float32(void **state)
{
    (void)state;
    wb data = {0};
    for (size_t i = 0; i < NV; i++)
        wb_f32(&data, (float)vals[i] / 32768.0f);
    /* Out of range, infinite and NaN floats are clipped or silenced, never undefined. */
    const float odd[] = {1.5f, -2.0f, INFINITY, -INFINITY, NAN};
    for (size_t i = 0; i < 5; i++)
        wb_f32(&data, odd[i]);
    wb b = {0};
    wb_simple(&b, 3, 1, 44100, 32, data.buf, data.len);
    audio_pcm pcm;
    parse_ok(&b, &pcm);
    assert_int_equal(pcm.count, NV + 5);
    for (size_t i = 0; i < NV; i++)
        assert_int_equal(pcm.samples[i], vals[i]);
    const int16_t want[] = {32767, -32768, 32767, -32768, 0};
    for (size_t i = 0; i < 5; i++)
        assert_int_equal(pcm.samples[NV + i], want[i]);
    audio_pcm_free(&pcm);
    wb_free(&b);
    wb_free(&data);
}

static void build_ext(wb *b, unsigned subtag, unsigned channels, unsigned bits, unsigned valid)
{
    wb data = {0};
    for (size_t i = 0; i < NV; i++)
        for (unsigned c = 0; c < channels; c++) {
            if (subtag == 3)
                wb_f32(&data, (float)vals[i] / 32768.0f);
            else if (bits == 16)
                wb_le16(&data, (uint16_t)vals[i]);
            else
                wb_le24(&data, ((uint32_t)(int32_t)vals[i] << 8) & 0xFFFFFF);
        }
    wb_riff_begin(b);
    wb_fmt_ext(b, subtag, channels, 22050, bits, valid);
    size_t at = wb_chunk_begin(b, "data");
    wb_bytes(b, data.buf, data.len);
    wb_chunk_end(b, at);
    wb_riff_end(b);
    wb_free(&data);
}

static void test_extensible(void **state)
{
    (void)state;
    const struct { unsigned subtag, channels, bits, valid; } cases[] = {
        {1, 1, 16, 16}, {1, 2, 24, 20}, {3, 1, 32, 32}, {3, 2, 32, 0}};
    for (size_t k = 0; k < sizeof cases / sizeof cases[0]; k++) {
        wb b = {0};
        build_ext(&b, cases[k].subtag, cases[k].channels, cases[k].bits, cases[k].valid);
        audio_pcm pcm;
        parse_ok(&b, &pcm);
        expect_vals(&pcm, 22050);
        audio_pcm_free(&pcm);
        wb_free(&b);
    }
}

/* Channels carry v+d and v-d (and v): their average is exactly v whatever the rounding rule. */
static void test_multichannel_mixdown(void **state)
{
    (void)state;
    for (unsigned ch = 1; ch <= 8; ch++) {
        wb data = {0};
        for (size_t i = 0; i < NV; i++) {
            int d = abs(vals[i]) <= 32000 ? 100 : 0; /* keeps v+d and v-d in range */
            for (unsigned c = 0; c < ch; c++) {
                int off = (c + 1 == ch && ch % 2) ? 0 : (c % 2 ? -d : d);
                wb_le16(&data, (uint16_t)(int16_t)(vals[i] + off));
            }
        }
        wb b = {0};
        wb_simple(&b, 1, ch, 32000, 16, data.buf, data.len);
        audio_pcm pcm;
        parse_ok(&b, &pcm);
        expect_vals(&pcm, 32000);
        audio_pcm_free(&pcm);
        wb_free(&b);
        wb_free(&data);
    }
}

/* data before fmt, unknown chunks (one of odd size, so padded), a LIST and a second data chunk. */
static void test_chunk_order_and_padding(void **state)
{
    (void)state;
    wb b = {0};
    wb_riff_begin(&b);
    size_t at = wb_chunk_begin(&b, "JUNK");
    wb_bytes(&b, "abc", 3);
    wb_chunk_end(&b, at);
    at = wb_chunk_begin(&b, "data");
    for (size_t i = 0; i < NV; i++)
        wb_le16(&b, (uint16_t)vals[i]);
    wb_chunk_end(&b, at);
    at = wb_chunk_begin(&b, "LIST");
    wb_bytes(&b, "INFOISFT\x05\0\0\0sox!\0", 17);
    wb_chunk_end(&b, at);
    wb_fmt(&b, 1, 1, 11025, 16);
    at = wb_chunk_begin(&b, "data"); /* a second data chunk is ignored */
    wb_le16(&b, 5);
    wb_chunk_end(&b, at);
    wb_riff_end(&b);
    assert_true(b.len % 2 == 0);
    audio_pcm pcm;
    parse_ok(&b, &pcm);
    expect_vals(&pcm, 11025);
    audio_pcm_free(&pcm);
    wb_free(&b);
}

/* Oddities real writers produce: a partial last frame, a missing final pad byte, trailing bytes. */
static void test_tolerated_oddities(void **state)
{
    (void)state;
    wb b = {0};
    const uint8_t d5[] = {1, 0, 2, 0, 9};
    wb_simple(&b, 1, 1, 8000, 16, d5, sizeof d5);
    b.len--; /* drop the pad byte after the odd-sized data chunk */
    audio_pcm pcm;
    parse_ok(&b, &pcm);
    assert_int_equal(pcm.count, 2);
    assert_int_equal(pcm.samples[1], 2);
    audio_pcm_free(&pcm);
    wb_bytes(&b, "\0garbage\xff\xff\xff\xff", 12); /* bytes after the last chunk */
    parse_ok(&b, &pcm);
    assert_int_equal(pcm.count, 2);
    audio_pcm_free(&pcm);
    wb_free(&b);
    wb_simple(&b, 1, 2, 16000, 16, NULL, 0); /* empty data */
    parse_ok(&b, &pcm);
    assert_int_equal(pcm.count, 0);
    audio_pcm_free(&pcm);
    wb_free(&b);
}

static void test_rate_limits(void **state)
{
    (void)state;
    const unsigned rates[] = {8000, 192000, 7999, 192001};
    for (size_t i = 0; i < 4; i++) {
        wb b = {0};
        wb_pcm16(&b, rates[i], vals, NV);
        audio_pcm pcm;
        char err[256];
        audio_status s = audio_wav_parse(b.buf, b.len, &pcm, err, sizeof err);
        assert_int_equal(s, i < 2 ? AUDIO_OK : AUDIO_ERR_FORMAT);
        if (i >= 2)
            assert_non_null(strstr(err, "sample rate"));
        audio_pcm_free(&pcm);
        wb_free(&b);
    }
}

static void tmp_path(char *out, size_t n, const char *name)
{
    const char *dir = getenv("TMPDIR") ? getenv("TMPDIR") : "/tmp";
    snprintf(out, n, "%s/qlq_audio_test_%ld_%s", dir, (long)getpid(), name);
}

/* The writer's output is checked against the canonical layout byte by byte, then read back. */
static void test_write_then_read(void **state)
{
    (void)state;
    char path[512];
    tmp_path(path, sizeof path, "w.wav");
    assert_int_equal(audio_wav_write(path, vals, NV, 16000), AUDIO_OK);
    wb want = {0};
    wb_pcm16(&want, 16000, vals, NV);
    FILE *f = fopen(path, "rb");
    assert_non_null(f);
    uint8_t got[256];
    size_t n = fread(got, 1, sizeof got, f);
    fclose(f);
    assert_int_equal(n, 44 + 2 * NV);
    assert_memory_equal(got, want.buf, n);
    audio_pcm pcm;
    char err[256];
    assert_int_equal(audio_wav_read(path, &pcm, err, sizeof err), AUDIO_OK);
    expect_vals(&pcm, 16000);
    audio_pcm_free(&pcm);
    assert_int_equal(audio_wav_write(path, NULL, 0, 8000), AUDIO_OK);
    assert_int_equal(audio_wav_read(path, &pcm, NULL, 0), AUDIO_OK);
    assert_int_equal(pcm.count, 0);
    assert_int_equal(pcm.rate, 8000);
    audio_pcm_free(&pcm);
    unlink(path);
    wb_free(&want);
}

static void test_write_errors(void **state)
{
    (void)state;
    assert_int_equal(audio_wav_write("/nonexistent-dir/x.wav", vals, NV, 16000), AUDIO_ERR_IO);
    assert_int_equal(audio_wav_write(NULL, vals, NV, 16000), AUDIO_ERR_FORMAT);
    assert_int_equal(audio_wav_write("/tmp/x.wav", NULL, 3, 16000), AUDIO_ERR_FORMAT);
    assert_int_equal(audio_wav_write("/tmp/x.wav", vals, NV, 0), AUDIO_ERR_FORMAT);
}

static void test_read_errors(void **state)
{
    (void)state;
    audio_pcm pcm;
    char err[512];
    assert_int_equal(audio_wav_read("/nonexistent-dir/in.wav", &pcm, err, sizeof err), AUDIO_ERR_IO);
    assert_non_null(strstr(err, "/nonexistent-dir/in.wav"));
    assert_null(pcm.samples);
    assert_int_equal(audio_wav_read("/tmp", &pcm, err, sizeof err), AUDIO_ERR_IO);
    assert_non_null(strstr(err, "not a regular file"));

    char path[512];
    tmp_path(path, sizeof path, "big.wav"); /* sparse: costs no disk */
    FILE *f = fopen(path, "wb");
    assert_non_null(f);
    assert_int_equal(ftruncate(fileno(f), (off_t)65 * 1024 * 1024), 0);
    fclose(f);
    assert_int_equal(audio_wav_read(path, &pcm, err, sizeof err), AUDIO_ERR_TOO_LARGE);
    assert_non_null(strstr(err, "MiB cap"));

    wb b = {0};
    wb_bytes(&b, "RIFF\0\0\0\0WAVEfmt ", 16);
    assert_int_equal(wb_save(&b, path), 0);
    assert_int_equal(audio_wav_read(path, &pcm, err, sizeof err), AUDIO_ERR_TRUNCATED);
    assert_non_null(strstr(err, path)); /* the parse message names the file */
    assert_non_null(strstr(err, "chunk header"));
    unlink(path);
    wb_free(&b);
}

static void test_status_names(void **state)
{
    (void)state;
    for (int a = AUDIO_OK; a <= AUDIO_ERR_DEVICE; a++)
        for (int c = a + 1; c <= AUDIO_ERR_DEVICE; c++)
            assert_string_not_equal(audio_status_name((audio_status)a), audio_status_name((audio_status)c));
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_pcm16_mono),
        cmocka_unit_test(test_pcm8),
        cmocka_unit_test(test_pcm24_pcm32),
        cmocka_unit_test(test_float32),
        cmocka_unit_test(test_extensible),
        cmocka_unit_test(test_multichannel_mixdown),
        cmocka_unit_test(test_chunk_order_and_padding),
        cmocka_unit_test(test_tolerated_oddities),
        cmocka_unit_test(test_rate_limits),
        cmocka_unit_test(test_write_then_read),
        cmocka_unit_test(test_write_errors),
        cmocka_unit_test(test_read_errors),
        cmocka_unit_test(test_status_names),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
