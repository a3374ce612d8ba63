/* The tone remover (voice/asr/asr_tones.c) on synthetic sound with known tones: mains hum and its
 * harmonics found at their frequencies in noise, at 50 and at 60 Hz, also when louder sound hides
 * them most of the time, and taken out while the noise around them stays; what is not a steady
 * tone (a gliding whistle, a monitor's beeps, a voice-like sound whose pitch moves, notes taking
 * turns, a note plucked again and again) is left alone; and the result does not depend on how the
 * sound was cut into chunks. Real speech with hum goes through the recogniser in
 * test_asr_recognize.c. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <cmocka.h>

#include "asr_internal.h"
#include "asr_test_signal.h"

#include <math.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

static void sig_init(test_signal *g, size_t ms)
{
    test_signal_init(g, ms, 11);
    assert_non_null(g->s);
}

/* noise over the whole signal */
static void add_noise(test_signal *g, double amp)
{
    test_signal_add_noise(g, 0, g->n / MS(1), amp);
}

/* Power of s at hz (Goertzel), per sample. */
static double power_at(const int16_t *s, size_t n, double hz)
{
    double w = 2 * TEST_PI * hz / ASR_RATE, c = 2 * cos(w), s1 = 0, s2 = 0;
    for (size_t i = 0; i < n; i++) {
        double s0 = s[i] + c * s1 - s2;
        s2 = s1, s1 = s0;
    }
    return (s1 * s1 + s2 * s2 - c * s1 * s2) / ((double)n * n);
}

static double rms(const int16_t *s, size_t n)
{
    double e = 0;
    for (size_t i = 0; i < n; i++)
        e += (double)s[i] * s[i];
    return sqrt(e / (double)n);
}

/* Learns from g in chunks of `chunk` samples; the tones it would take out. */
static int learn(const test_signal *g, size_t chunk, double *hz, int max)
{
    asr_tones *t = asr_tones_create();
    assert_non_null(t);
    for (size_t off = 0; off < g->n; off += chunk)
        asr_tones_learn(t, g->s + off, g->n - off < chunk ? g->n - off : chunk);
    int16_t *copy = malloc(g->n * sizeof *copy);
    assert_non_null(copy);
    memcpy(copy, g->s, g->n * sizeof *copy);
    int n = asr_tones_remove(t, copy, g->n, hz, max);
    free(copy);
    asr_tones_free(t);
    return n;
}

static bool has_tone_near(const double *hz, int n, double want)
{
    for (int i = 0; i < n; i++)
        if (fabs(hz[i] - want) < 0.5)
            return true;
    return false;
}

static void check_hum(double mains, const double *harmonics, int n_harmonics)
{
    test_signal g;
    sig_init(&g, 2000);
    add_noise(&g, 600);
    for (int i = 0; i < n_harmonics; i++)
        test_signal_add_tone(&g, mains * harmonics[i], 1200.0 / (i + 1), 0.7 * i);
    double hz[ASR_MAX_TONES];
    int n = learn(&g, 160, hz, ASR_MAX_TONES);
    assert_int_equal(n, n_harmonics);
    for (int i = 0; i < n_harmonics; i++)
        assert_true(has_tone_near(hz, n, mains * harmonics[i]));
    free(g.s);
}

static void test_mains_hum_found_at_50_and_60_hz(void **state)
{
    (void)state;
    const double europe[] = {1, 2, 3, 5};
    check_hum(50.0, europe, 4);
    const double america[] = {1, 3, 5};
    check_hum(60.0, america, 3);
}

/* The hum goes, at least 30 dB down at each of its frequencies after the filters have settled;
 * the broadband noise stays (its level within 10 %). */
static void test_hum_removed_noise_kept(void **state)
{
    (void)state;
    test_signal hum, quiet;
    sig_init(&hum, 2000);
    sig_init(&quiet, 2000);
    add_noise(&quiet, 600);
    memcpy(hum.s, quiet.s, hum.n * sizeof *hum.s);
    const double f[] = {50, 100, 150, 250};
    for (int i = 0; i < 4; i++)
        test_signal_add_tone(&hum, f[i], 2000, 1.1 * i);
    asr_tones *t = asr_tones_create();
    assert_non_null(t);
    asr_tones_learn(t, hum.s, hum.n);
    int16_t *out = malloc(hum.n * sizeof *out);
    assert_non_null(out);
    memcpy(out, hum.s, hum.n * sizeof *out);
    assert_int_equal(asr_tones_remove(t, out, hum.n, NULL, 0), 4);
    size_t settled = MS(300), n = hum.n - settled;
    for (int i = 0; i < 4; i++) {
        double before = power_at(hum.s + settled, n, f[i]), after = power_at(out + settled, n, f[i]);
        assert_true(10 * log10(before / after) >= 30.0);
    }
    double kept = rms(out + settled, n) / rms(quiet.s + settled, n);
    assert_true(kept > 0.9 && kept < 1.1);
    free(out);
    free(hum.s);
    free(quiet.s);
    asr_tones_free(t);
}

/* A whistle gliding from 300 to 600 Hz: loud, narrow, but never at one frequency for long. */
static void test_gliding_tone_left_alone(void **state)
{
    (void)state;
    test_signal g;
    sig_init(&g, 2000);
    add_noise(&g, 300);
    double phase = 0;
    for (size_t i = 0; i < g.n; i++) {
        double hz = 300.0 + 300.0 * (double)i / (double)g.n;
        phase += 2 * TEST_PI * hz / ASR_RATE;
        test_signal_add(&g, i, 3000 * sin(phase));
    }
    double hz[ASR_MAX_TONES];
    assert_int_equal(learn(&g, 160, hz, ASR_MAX_TONES), 0);
    free(g.s);
}

/* A monitor's beep: 1 kHz, 120 ms every 700 ms. It comes and goes: notching it left its onsets,
 * which sound like speech (see asr_tones.c). */
static void test_beeps_left_alone(void **state)
{
    (void)state;
    test_signal g;
    sig_init(&g, 3000);
    add_noise(&g, 300);
    for (size_t i = 0; i < g.n; i++)
        if (i % MS(700) < MS(120))
            test_signal_add(&g, i, 4000 * sin(2 * TEST_PI * 1000.0 * (double)i / ASR_RATE));
    double hz[ASR_MAX_TONES];
    assert_int_equal(learn(&g, 160, hz, ASR_MAX_TONES), 0);
    free(g.s);
}

/* Voiced sound whose pitch moves as a voice's does (110-150 Hz, 3 Hz vibrato and a slow fall):
 * its harmonics peak in every frame, but never twice at the same frequency. */
static void test_moving_pitch_left_alone(void **state)
{
    (void)state;
    test_signal g;
    sig_init(&g, 2000);
    add_noise(&g, 200);
    double phase = 0;
    for (size_t i = 0; i < g.n; i++) {
        double t = (double)i / ASR_RATE;
        double f0 = 150.0 - 20.0 * t + 5.0 * sin(2 * TEST_PI * 3.0 * t);
        phase += 2 * TEST_PI * f0 / ASR_RATE;
        double v = 0;
        for (int h = 1; h <= 10; h++)
            v += sin(h * phase) / h;
        test_signal_add(&g, i, 2500 * v);
    }
    double hz[ASR_MAX_TONES];
    assert_int_equal(learn(&g, 160, hz, ASR_MAX_TONES), 0);
    free(g.s);
}

/* Three notes of music taking turns, 200 ms each: each is steady while it lasts, but none sounds
 * in more than two thirds of the spectra (a spectrum spans 128 ms, so about 55 % of them). */
static void test_notes_taking_turns_left_alone(void **state)
{
    (void)state;
    test_signal g;
    sig_init(&g, 3000);
    add_noise(&g, 200);
    for (size_t i = 0; i < g.n; i++) {
        const double notes[] = {523.25, 659.25, 783.99};
        double hz = notes[i / MS(200) % 3];
        test_signal_add(&g, i, 3000 * sin(2 * TEST_PI * hz * (double)i / ASR_RATE));
    }
    double hz[ASR_MAX_TONES];
    assert_int_equal(learn(&g, 160, hz, ASR_MAX_TONES), 0);
    free(g.s);
}

/* The words are loud and hide a weak hum under them most of the time (here 80 %): the hum is
 * judged on the quieter sound between them, where it never stops, and found. */
static void test_hum_found_between_words(void **state)
{
    (void)state;
    test_signal g;
    sig_init(&g, 3000);
    for (size_t i = 0; i < g.n; i++)
        test_signal_add(&g, i, (i % MS(400) < MS(320) ? 3000 : 100) * test_signal_noise(&g));
    test_signal_add_tone(&g, 150, 300, 0.5);
    double hz[ASR_MAX_TONES];
    int n = learn(&g, 160, hz, ASR_MAX_TONES);
    assert_int_equal(n, 1);
    assert_true(has_tone_near(hz, n, 150));
    free(g.s);
}

/* A tone at a steady level that sounds one second in two (a machine going on and off): steady
 * while it lasts, but absent from nearly half of the background. */
static void test_tone_on_and_off_left_alone(void **state)
{
    (void)state;
    test_signal g;
    sig_init(&g, 4000);
    add_noise(&g, 600);
    for (size_t i = 0; i < g.n; i++)
        if (i % MS(2000) < MS(1000))
            test_signal_add(&g, i, 300 * sin(2 * TEST_PI * 700.0 * (double)i / ASR_RATE));
    double hz[ASR_MAX_TONES];
    assert_int_equal(learn(&g, 160, hz, ASR_MAX_TONES), 0);
    free(g.s);
}

/* The same note plucked again and again (440 Hz every 500 ms, dying away 30 dB in between): the
 * same frequency all the time, but not at a steady level, as hum or a fan's whine is. */
static void test_plucked_note_left_alone(void **state)
{
    (void)state;
    test_signal g;
    sig_init(&g, 3000);
    add_noise(&g, 30);
    for (size_t i = 0; i < g.n; i++) {
        double since = (double)(i % MS(500)) / ASR_RATE;
        test_signal_add(&g, i, 6000 * pow(10.0, -1.5 * since / 0.5) * sin(2 * TEST_PI * 440.0 * (double)i / ASR_RATE));
    }
    double hz[ASR_MAX_TONES];
    assert_int_equal(learn(&g, 160, hz, ASR_MAX_TONES), 0);
    free(g.s);
}

/* Under ~320 ms of sound, nothing is decided (too few spectra to call anything steady). */
static void test_too_short_to_tell(void **state)
{
    (void)state;
    test_signal g;
    sig_init(&g, 250);
    test_signal_add_tone(&g, 50, 3000, 0);
    test_signal_add_tone(&g, 150, 3000, 0);
    double hz[ASR_MAX_TONES];
    assert_int_equal(learn(&g, 160, hz, ASR_MAX_TONES), 0);
    int16_t empty[1] = {0};
    asr_tones *t = asr_tones_create();
    assert_non_null(t);
    assert_int_equal(asr_tones_remove(t, empty, 0, hz, ASR_MAX_TONES), 0);
    asr_tones_free(t);
    free(g.s);
}

/* What the microphone delivers in 10 ms chunks, in odd sizes, or all at once is learnt alike. */
static void test_chunking_does_not_matter(void **state)
{
    (void)state;
    test_signal g;
    sig_init(&g, 1500);
    add_noise(&g, 500);
    test_signal_add_tone(&g, 50, 1500, 0.3);
    test_signal_add_tone(&g, 150, 800, 1.3);
    double a[ASR_MAX_TONES], b[ASR_MAX_TONES], c[ASR_MAX_TONES];
    int na = learn(&g, 160, a, ASR_MAX_TONES);
    int nb = learn(&g, 997, b, ASR_MAX_TONES);
    int nc = learn(&g, g.n, c, ASR_MAX_TONES);
    assert_int_equal(na, 2);
    assert_int_equal(nb, na);
    assert_int_equal(nc, na);
    for (int i = 0; i < na; i++) {
        assert_true(a[i] == b[i]);
        assert_true(a[i] == c[i]);
    }
    free(g.s);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_mains_hum_found_at_50_and_60_hz),
        cmocka_unit_test(test_hum_removed_noise_kept),
        cmocka_unit_test(test_gliding_tone_left_alone),
        cmocka_unit_test(test_beeps_left_alone),
        cmocka_unit_test(test_moving_pitch_left_alone),
        cmocka_unit_test(test_notes_taking_turns_left_alone),
        cmocka_unit_test(test_hum_found_between_words),
        cmocka_unit_test(test_plucked_note_left_alone),
        cmocka_unit_test(test_tone_on_and_off_left_alone),
        cmocka_unit_test(test_too_short_to_tell),
        cmocka_unit_test(test_chunking_does_not_matter),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
