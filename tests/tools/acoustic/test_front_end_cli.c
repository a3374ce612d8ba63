/*
 * The real qlq-front-end binary (QLQ_FRONT_END_BIN) on WAV files written here: hiss under a
 * voiced sound comes out suppressed at 16 kHz, an 8 kHz recording is resampled, an unreadable file
 * is named on stderr and fails the exit status without stopping the files after it.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <cmocka.h>

#include "asr_test_signal.h"
#include "asr_test_util.h"
#include "qlq_audio.h"

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#ifndef QLQ_FRONT_END_BIN
#error "QLQ_FRONT_END_BIN must name the qlq-front-end binary"
#endif

static char *dir; /* asr_test_tmpdir */

static const char *in_dir(const char *name)
{
    static char paths[8][256];
    static int next;
    char *p = paths[next++ % 8];
    snprintf(p, 256, "%s/%s", dir, name);
    return p;
}

/* Runs the binary with args (a shell fragment of paths in dir); its exit status. */
static int run(const char *args)
{
    return asr_test_sh("cd '%s' && '%s' %s 2>stderr.txt", dir, QLQ_FRONT_END_BIN, args);
}

static double level_db(const int16_t *s, size_t n)
{
    return audio_measure(s, n).rms_dbfs;
}

/* Two seconds of hiss with a 150 Hz voice in the middle. */
static void write_hissing_voice(const char *path, int rate)
{
    test_signal g;
    test_signal_init(&g, 2000, 5);
    assert_non_null(g.s);
    test_signal_add_noise(&g, 0, 2000, 1500);
    for (size_t i = MS(800); i < MS(1200); i++)
        for (int h = 1; h <= 5; h++)
            test_signal_add(&g, i, 5000.0 / h * sin(2 * TEST_PI * 150 * h * (double)i / ASR_RATE));
    /* written as if recorded at `rate`: at 8 kHz the same samples last four seconds */
    assert_int_equal(audio_wav_write(path, g.s, g.n, rate), AUDIO_OK);
    free(g.s);
}

static char *read_text(const char *path)
{
    static char text[4096];
    FILE *f = fopen(path, "r");
    assert_non_null(f);
    size_t n = fread(text, 1, sizeof text - 1, f);
    text[n] = '\0';
    fclose(f);
    return text;
}

static void test_files_cleaned_and_errors_named(void **state)
{
    (void)state;
    write_hissing_voice(in_dir("a.wav"), 16000);
    write_hissing_voice(in_dir("b8k.wav"), 8000);
    assert_int_equal(run("a.wav a-out.wav missing.wav m-out.wav b8k.wav b-out.wav"), 1);
    assert_non_null(strstr(read_text(in_dir("stderr.txt")), "missing.wav"));
    assert_int_not_equal(access(in_dir("m-out.wav"), F_OK), 0);

    audio_pcm in, out, out8;
    char err[256];
    assert_int_equal(audio_wav_read(in_dir("a.wav"), &in, err, sizeof err), AUDIO_OK);
    assert_int_equal(audio_wav_read(in_dir("a-out.wav"), &out, err, sizeof err), AUDIO_OK);
    assert_int_equal(out.rate, 16000);
    assert_int_equal(out.count, in.count);
    double before = level_db(in.samples + MS(1400), MS(600)), after = level_db(out.samples + MS(1400), MS(600));
    double voice_before = level_db(in.samples + MS(850), MS(300)), voice_after = level_db(out.samples + MS(850), MS(300));
    print_message("hiss %.1f -> %.1f dB, voice %.1f -> %.1f dB\n", before, after, voice_before, voice_after);
    assert_true(before - after >= 15.0);
    assert_true(fabs(voice_before - voice_after) <= 3.0);

    assert_int_equal(audio_wav_read(in_dir("b-out.wav"), &out8, err, sizeof err), AUDIO_OK);
    assert_int_equal(out8.rate, 16000);
    assert_true(out8.count >= 2 * in.count - 16 && out8.count <= 2 * in.count + 16);
    audio_pcm_free(&in);
    audio_pcm_free(&out);
    audio_pcm_free(&out8);
}

static void test_usage(void **state)
{
    (void)state;
    assert_int_equal(run("a.wav"), 2);
    assert_non_null(strstr(read_text(in_dir("stderr.txt")), "Usage: qlq-front-end"));
    assert_int_equal(run("--help >help.txt"), 0);
    assert_non_null(strstr(read_text(in_dir("help.txt")), "IN.wav OUT.wav"));
}

static int setup(void **state)
{
    (void)state;
    return (dir = asr_test_tmpdir()) ? 0 : -1;
}

static int teardown(void **state)
{
    (void)state;
    asr_test_rmdir(dir);
    return 0;
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_files_cleaned_and_errors_named),
        cmocka_unit_test(test_usage),
    };
    return cmocka_run_group_tests(tests, setup, teardown);
}
