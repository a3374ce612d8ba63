/* The noise suppressor (voice/asr/asr_denoise.c) on synthetic sound: steady hiss around a voiced
 * "vowel" (a 150 Hz voice with its harmonics). The hiss goes down from the first sample (the
 * suppressor has listened to all of the sound before cleaning it), the vowel stays; music, which
 * is no steady noise, is left as it came; silence stays silence; short and odd-sized buffers are
 * handled. Real speech in noise goes through the
 * recogniser in test_asr_conditions.c. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <cmocka.h>

#include "asr_internal.h"
#include "asr_test_signal.h"
#include "qlq_audio.h"

#include <math.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

enum { VOWEL_FROM_MS = 800, VOWEL_TO_MS = 1200 };

/* the audio module's level meter, dBFS */
static double level_db(const int16_t *s, size_t n)
{
    return audio_measure(s, n).rms_dbfs;
}

/* A 150 Hz voice with its first ten harmonics, faded in and out over 20 ms. */
static void add_vowel(test_signal *g, double amp)
{
    size_t from = MS(VOWEL_FROM_MS), to = MS(VOWEL_TO_MS), fade = MS(20);
    for (size_t i = from; i < to; i++) {
        double t = (double)(i - from) / ASR_RATE, v = 0;
        for (int h = 1; h <= 10; h++)
            v += sin(2 * TEST_PI * 150 * h * t) / h;
        double env = i - from < fade ? (double)(i - from) / fade : to - i < fade ? (double)(to - i) / fade : 1.0;
        test_signal_add(g, i, amp * env * v);
    }
}

/* Two seconds with the vowel alone, and a copy of it (`noisy`) for the test to add its noise to. */
static void vowel_alone_and_copy(test_signal *vowel, test_signal *noisy, uint32_t seed)
{
    test_signal_init(noisy, 2000, seed);
    test_signal_init(vowel, 2000, seed);
    assert_non_null(noisy->s);
    assert_non_null(vowel->s);
    add_vowel(vowel, 5000);
    memcpy(noisy->s, vowel->s, vowel->n * sizeof *vowel->s);
}

static int16_t *copy_of(const test_signal *g)
{
    int16_t *c = malloc(g->n * sizeof *c);
    assert_non_null(c);
    memcpy(c, g->s, g->n * sizeof *c);
    return c;
}

/* Hiss 15 dB under the vowel: at least 15 dB of it gone everywhere around the vowel, the first
 * 200 ms included; the vowel within 3 dB of its level without hiss. */
static void test_hiss_down_vowel_kept(void **state)
{
    (void)state;
    test_signal noisy, vowel;
    vowel_alone_and_copy(&vowel, &noisy, 7);
    test_signal_add_noise(&noisy, 0, 2000, 1500);
    int16_t *clean = copy_of(&noisy);
    assert_int_equal(asr_denoise(noisy.s, clean, noisy.n), 0);

    double first_before = level_db(noisy.s, MS(200)), first_after = level_db(clean, MS(200));
    double rest_before = level_db(noisy.s + MS(1400), MS(600)), rest_after = level_db(clean + MS(1400), MS(600));
    size_t v0 = MS(VOWEL_FROM_MS + 50), vn = MS(VOWEL_TO_MS - VOWEL_FROM_MS - 100);
    double vowel_alone = level_db(vowel.s + v0, vn), vowel_after = level_db(clean + v0, vn);
    print_message("hiss: first 200 ms %.1f -> %.1f dB, after the vowel %.1f -> %.1f dB; vowel %.1f dB alone, "
                  "%.1f dB cleaned\n", first_before, first_after, rest_before, rest_after, vowel_alone, vowel_after);
    assert_true(first_before - first_after >= 15.0);
    assert_true(rest_before - rest_after >= 15.0);
    assert_true(fabs(vowel_after - vowel_alone) <= 3.0);
    free(clean);
    free(noisy.s);
    free(vowel.s);
}

/* Music: notes taking turns every 200 ms under the vowel, no steady noise. The suppressor would
 * only distort it: the sound is left exactly as it came. */
static void test_music_left_as_heard(void **state)
{
    (void)state;
    test_signal music;
    test_signal_init(&music, 2000, 5);
    assert_non_null(music.s);
    static const double notes[] = {262, 330, 392, 523, 440, 349, 294, 247, 196, 220};
    for (size_t i = 0; i < music.n; i++) {
        double hz = notes[(i / MS(200)) % 10], t = (double)i / ASR_RATE;
        test_signal_add(&music, i, 1500 * sin(2 * TEST_PI * hz * t) + 500 * sin(4 * TEST_PI * hz * t));
    }
    add_vowel(&music, 5000);
    int16_t *out = calloc(music.n, sizeof *out);
    assert_non_null(out);
    assert_int_equal(asr_denoise(music.s, out, music.n), 0);
    assert_memory_equal(out, music.s, music.n * sizeof *out);
    free(out);
    free(music.s);
}

/* Digital silence stays silent; fewer samples than one 10 ms hop are left as they are; a length
 * that is not a whole number of hops is cleaned to its last sample. */
static void test_silence_and_odd_lengths(void **state)
{
    (void)state;
    static const int16_t silence[ASR_RATE / 2];
    static int16_t silence_out[ASR_RATE / 2];
    assert_int_equal(asr_denoise(silence, silence_out, sizeof silence / sizeof silence[0]), 0);
    for (size_t i = 0; i < sizeof silence / sizeof silence[0]; i++)
        assert_int_equal(silence_out[i], 0);

    int16_t short_buf[100];
    for (int i = 0; i < 100; i++)
        short_buf[i] = (int16_t)(i * 37 - 1800);
    int16_t kept[100];
    assert_int_equal(asr_denoise(short_buf, kept, 100), 0);
    assert_memory_equal(kept, short_buf, sizeof kept);

    test_signal hiss;
    test_signal_init(&hiss, 1000, 3);
    assert_non_null(hiss.s);
    test_signal_add_noise(&hiss, 0, 1000, 1500);
    size_t odd = hiss.n - 77; /* 77 samples past the last whole hop */
    int16_t *clean = copy_of(&hiss);
    assert_int_equal(asr_denoise(hiss.s, clean, odd), 0);
    assert_true(level_db(hiss.s + odd - 77, 77) - level_db(clean + odd - 77, 77) >= 10.0);
    assert_memory_equal(clean + odd, hiss.s + odd, 77 * sizeof *clean); /* past count: untouched */
    free(clean);
    free(hiss.s);
}

/* The recogniser's whole front end (asr_clean_sound, what adapt.sh --front-end trains on): mains
 * hum (60 Hz and its third harmonic, clear of the vowel's) and hiss under the vowel both go, the
 * vowel stays; digital silence comes out as it went in. */
static void test_clean_sound_takes_hum_and_hiss(void **state)
{
    (void)state;
    test_signal noisy, vowel;
    vowel_alone_and_copy(&vowel, &noisy, 11);
    test_signal_add_tone(&noisy, 60, 2500, 0.3);
    test_signal_add_tone(&noisy, 180, 1200, 1.1);
    test_signal_add_noise(&noisy, 0, 2000, 800);
    int16_t *clean = copy_of(&noisy);
    assert_int_equal(asr_clean_sound(noisy.s, clean, noisy.n), 0);

    size_t room = MS(1400), room_n = MS(600);
    double before = level_db(noisy.s + room, room_n), after = level_db(clean + room, room_n);
    size_t v0 = MS(VOWEL_FROM_MS + 50), vn = MS(VOWEL_TO_MS - VOWEL_FROM_MS - 100);
    double vowel_alone = level_db(vowel.s + v0, vn), vowel_after = level_db(clean + v0, vn);
    print_message("hum and hiss: room %.1f dB -> %.1f dB cleaned; vowel %.1f dB alone, %.1f dB cleaned\n",
                  before, after, vowel_alone, vowel_after);
    assert_true(before - after >= 28.0); /* the suppressor alone: 26 dB */
    assert_true(fabs(vowel_after - vowel_alone) <= 3.0);

    static const int16_t silence[ASR_RATE / 2];
    static int16_t silence_out[ASR_RATE / 2];
    assert_int_equal(asr_clean_sound(silence, silence_out, sizeof silence / sizeof silence[0]), 0);
    assert_memory_equal(silence_out, silence, sizeof silence);
    free(clean);
    free(noisy.s);
    free(vowel.s);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_hiss_down_vowel_kept),
        cmocka_unit_test(test_music_left_as_heard),
        cmocka_unit_test(test_silence_and_odd_lengths),
        cmocka_unit_test(test_clean_sound_takes_hum_and_hiss),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
