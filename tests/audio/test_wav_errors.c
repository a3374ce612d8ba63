/*
 * test_wav_errors.c - every way the WAV reader refuses a file: the status, and a message that names
 * the problem and where it is.
 */
#include "qlq_audio.h"
#include "wav_build.h"

#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <cmocka.h>
#include <stdio.h>
#include <string.h>

/* Parses and checks the status, that nothing is returned, and that the message has every fragment. */
static void expect_err(const wb *b, audio_status want, const char *frag1, const char *frag2)
{
    audio_pcm pcm = {.samples = (int16_t *)1, .count = 99, .rate = 1};
    char err[300] = "";
    audio_status s = audio_wav_parse(b->buf, b->len, &pcm, err, sizeof err);
    if (s != want)
        fail_msg("got %s (%s), want %s", audio_status_name(s), err, audio_status_name(want));
    assert_null(pcm.samples);
    assert_int_equal(pcm.count, 0);
    if (frag1 && !strstr(err, frag1))
        fail_msg("message '%s' lacks '%s'", err, frag1);
    if (frag2 && !strstr(err, frag2))
        fail_msg("message '%s' lacks '%s'", err, frag2);
    /* A NULL or tiny message buffer must be safe too. */
    char tiny[4] = "xyz";
    assert_int_equal(audio_wav_parse(b->buf, b->len, &pcm, NULL, 0), want);
    assert_int_equal(audio_wav_parse(b->buf, b->len, &pcm, tiny, sizeof tiny), want);
    assert_true(strlen(tiny) < sizeof tiny);
}

static const uint8_t four[4] = {1, 0, 2, 0};

static void test_header(void **state)
{
    (void)state;
    wb b = {0};
    expect_err(&b, AUDIO_ERR_TRUNCATED, "0 bytes", "12-byte");
    wb_bytes(&b, "RIFF\x10\0\0\0WAV", 11);
    expect_err(&b, AUDIO_ERR_TRUNCATED, "11 bytes", NULL);
    wb_free(&b);
    wb_bytes(&b, "RIFX\x10\0\0\0WAVE", 12);
    expect_err(&b, AUDIO_ERR_FORMAT, "not a RIFF/WAVE", "'RIFX'");
    wb_free(&b);
    wb_bytes(&b, "RIFF\x10\0\0\0AVI fmt \x10\0\0\0", 20);
    expect_err(&b, AUDIO_ERR_FORMAT, "offset 8 has 'AVI '", NULL);
    wb_free(&b);
    wb_bytes(&b, "\x89PNG\r\n\x1a\n\0\0\0\0", 12); /* non-printable ids are shown safely */
    expect_err(&b, AUDIO_ERR_FORMAT, "'?PNG'", NULL);
    wb_free(&b);
}

static void test_missing_chunks(void **state)
{
    (void)state;
    wb b = {0};
    wb_riff_begin(&b);
    expect_err(&b, AUDIO_ERR_FORMAT, "missing fmt", NULL);
    wb_fmt(&b, 1, 1, 16000, 16);
    expect_err(&b, AUDIO_ERR_FORMAT, "missing data", NULL);
    wb_free(&b);
    wb_riff_begin(&b);
    size_t at = wb_chunk_begin(&b, "data");
    wb_bytes(&b, four, 4);
    wb_chunk_end(&b, at);
    expect_err(&b, AUDIO_ERR_FORMAT, "missing fmt", NULL);
    wb_free(&b);
}

static void test_truncations(void **state)
{
    (void)state;
    uint8_t data[2000] = {0};
    wb b = {0};
    wb_simple(&b, 1, 1, 16000, 16, data, sizeof data);
    b.len = 44 + 1000;
    expect_err(&b, AUDIO_ERR_TRUNCATED, "data chunk at offset 36 declares 2000 bytes", "only 1000 are present");
    b.len = 40; /* inside the data chunk's header */
    expect_err(&b, AUDIO_ERR_TRUNCATED, "inside a chunk header", "offset 40");
    b.len = 30; /* inside the fmt chunk */
    expect_err(&b, AUDIO_ERR_TRUNCATED, "chunk 'fmt ' at offset 12 declares 16 bytes", "only 10 remain");
    wb_free(&b);
    /* data first and cut: the fmt that would have followed is gone */
    wb_riff_begin(&b);
    size_t at = wb_chunk_begin(&b, "data");
    wb_bytes(&b, data, 100);
    wb_chunk_end(&b, at);
    wb_fmt(&b, 1, 1, 16000, 16);
    b.len = 60;
    expect_err(&b, AUDIO_ERR_TRUNCATED, "declares 100 bytes but only 40", "no fmt chunk");
    wb_free(&b);
    /* an unknown chunk claiming more than the file holds before fmt/data were seen */
    wb_riff_begin(&b);
    at = wb_chunk_begin(&b, "LIST");
    wb_bytes(&b, data, 10);
    wb_chunk_end(&b, at);
    wb_set_le32(&b, at, 0xFFFFFFF0u);
    expect_err(&b, AUDIO_ERR_TRUNCATED, "chunk 'LIST' at offset 12 declares 4294967280 bytes", "only 10 remain");
    wb_free(&b);
}

static void test_fmt_errors(void **state)
{
    (void)state;
    wb b = {0};
    wb_riff_begin(&b);
    size_t at = wb_chunk_begin(&b, "fmt ");
    wb_le16(&b, 1);
    wb_le16(&b, 1);
    wb_le32(&b, 16000);
    wb_le32(&b, 32000);
    wb_le16(&b, 2);
    wb_chunk_end(&b, at);
    expect_err(&b, AUDIO_ERR_FORMAT, "fmt chunk at offset 12 is 14 bytes", "at least 16");
    wb_free(&b);

    wb_simple(&b, 1, 2, 16000, 16, four, 4);
    b.buf[32] = 3; /* block align 3 for 2 x 16 bits */
    expect_err(&b, AUDIO_ERR_FORMAT, "block align 3 inconsistent with 2 channels of 16 bits", "expected 4");
    wb_free(&b);

    wb_simple(&b, 1, 0, 16000, 16, four, 4);
    expect_err(&b, AUDIO_ERR_FORMAT, "0 channels", "offset 12");
    wb_free(&b);
    wb_simple(&b, 1, 9, 16000, 16, NULL, 0);
    expect_err(&b, AUDIO_ERR_FORMAT, "9 channels", NULL);
    wb_free(&b);
    wb_simple(&b, 1, 1, 16000, 12, four, 4);
    expect_err(&b, AUDIO_ERR_FORMAT, "PCM with 12 bits", NULL);
    wb_free(&b);
    wb_simple(&b, 3, 1, 16000, 64, NULL, 0);
    expect_err(&b, AUDIO_ERR_FORMAT, "IEEE float with 64 bits", NULL);
    wb_free(&b);
    wb_simple(&b, 1, 1, 4000, 16, four, 4);
    expect_err(&b, AUDIO_ERR_FORMAT, "sample rate 4000 Hz", NULL);
    wb_free(&b);
}

static void test_unsupported_encodings(void **state)
{
    (void)state;
    const struct { unsigned tag, bits; const char *name; } enc[] = {
        {6, 8, "A-law"}, {7, 8, "mu-law"}, {2, 4, "Microsoft ADPCM"}, {0x11, 4, "IMA ADPCM"},
        {0x55, 0, "MPEG layer 3"}, {0x1234, 16, "0x1234"}};
    for (size_t i = 0; i < sizeof enc / sizeof enc[0]; i++) {
        wb b = {0};
        wb_simple(&b, enc[i].tag, 1, 8000, enc[i].bits, four, 4);
        expect_err(&b, AUDIO_ERR_FORMAT, "unsupported encoding", enc[i].name);
        wb_free(&b);
    }
}

static void test_extensible_errors(void **state)
{
    (void)state;
    wb b = {0};
    wb_riff_begin(&b);
    wb_fmt_ext(&b, 1, 1, 16000, 16, 16);
    size_t at = wb_chunk_begin(&b, "data");
    wb_bytes(&b, four, 4);
    wb_chunk_end(&b, at);
    wb_riff_end(&b);
    audio_pcm pcm;
    assert_int_equal(audio_wav_parse(b.buf, b.len, &pcm, NULL, 0), AUDIO_OK);
    audio_pcm_free(&pcm);

    wb c = b; /* variants edited in a copy */
    uint8_t *save = b.buf;
    uint8_t copy[256];
    memcpy(copy, save, b.len);
    c.buf = copy;
    copy[20 + 24] = 6; /* subformat A-law */
    expect_err(&c, AUDIO_ERR_FORMAT, "A-law", NULL);
    memcpy(copy, save, b.len);
    copy[20 + 30] ^= 0xFF; /* a GUID that is not KSDATAFORMAT_SUBTYPE_* */
    expect_err(&c, AUDIO_ERR_FORMAT, "subformat GUID", NULL);
    memcpy(copy, save, b.len);
    copy[20 + 18] = 24; /* 24 valid bits in a 16-bit container */
    expect_err(&c, AUDIO_ERR_FORMAT, "24 valid bits", NULL);
    memcpy(copy, save, b.len);
    copy[20 + 16] = 10; /* cbSize too small */
    expect_err(&c, AUDIO_ERR_FORMAT, "extension is 10 bytes", NULL);
    wb_free(&b);

    wb_riff_begin(&b); /* an extensible tag in a plain 16-byte chunk */
    wb_fmt(&b, 0xFFFE, 1, 16000, 16);
    at = wb_chunk_begin(&b, "data");
    wb_bytes(&b, four, 4);
    wb_chunk_end(&b, at);
    expect_err(&b, AUDIO_ERR_FORMAT, "needs 40 bytes", "chunk has 16");
    wb_free(&b);
}

/* Exactly ten minutes is allowed (here declared but cut, so TRUNCATED); one frame more is absurd. */
static void test_too_large(void **state)
{
    (void)state;
    wb b = {0};
    wb_simple(&b, 1, 1, 8000, 16, four, 4);
    wb_set_le32(&b, 40, 600u * 8000u * 2u);
    expect_err(&b, AUDIO_ERR_TRUNCATED, "declares 9600000 bytes", "only 4 are present");
    wb_set_le32(&b, 40, 600u * 8000u * 2u + 2u);
    expect_err(&b, AUDIO_ERR_TOO_LARGE, "10-minute limit", "8000 Hz");
    wb_set_le32(&b, 40, 0xFFFFFFFFu); /* what streaming writers leave behind */
    expect_err(&b, AUDIO_ERR_TOO_LARGE, "4294967295 bytes", "streaming writer");
    wb_free(&b);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_header),
        cmocka_unit_test(test_missing_chunks),
        cmocka_unit_test(test_truncations),
        cmocka_unit_test(test_fmt_errors),
        cmocka_unit_test(test_unsupported_encodings),
        cmocka_unit_test(test_extensible_errors),
        cmocka_unit_test(test_too_large),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
