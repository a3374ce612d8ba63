/* The echo detector (voice/asr/asr_echo.c) on synthetic words whose sound dies away at a known
 * pace: a dry word stops, an echo falls at the room's pace (also when the segment ends before the
 * fall does), and nothing is told when the room is too loud to see the fall or another sound rises
 * in it. Real speech in echo goes through the recogniser in test_asr_recognize.c. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <cmocka.h>

#include "asr_internal.h"
#include "asr_test_signal.h"

#include <math.h>
#include <stdlib.h>

enum { WORD_AT_MS = 150, WORD_MS = 400 };

/* A voiced word (harmonics of 150 Hz) of amplitude amp from at_ms for WORD_MS, whose sound then
 * falls at fall_db_per_s until the end of the signal. */
static void add_word(test_signal *g, size_t at_ms, double amp, double fall_db_per_s)
{
    size_t stop = MS(at_ms + WORD_MS);
    for (size_t i = MS(at_ms); i < g->n; i++) {
        double t = (double)i / ASR_RATE, env = 1.0;
        if (i < MS(at_ms + 20))
            env = (double)(i - MS(at_ms)) / (double)MS(20);
        else if (i >= stop)
            env = pow(10.0, -fall_db_per_s * (double)(i - stop) / ASR_RATE / 20.0);
        if (i >= stop && env < 1e-5)
            break;
        double v = 0;
        for (int h = 1; h <= 6; h++)
            v += sin(2 * TEST_PI * 150.0 * h * t) / h;
        test_signal_add(g, i, amp * env * v);
    }
}

/* A word in a quiet room (dither-level noise), its sound falling at fall_db_per_s, the segment
 * ending tail_ms after the word. */
static double decay_of(double fall_db_per_s, size_t tail_ms, double room_amp)
{
    test_signal g;
    test_signal_init(&g, WORD_AT_MS + WORD_MS + tail_ms, 5);
    assert_non_null(g.s);
    test_signal_add_noise(&g, 0, WORD_AT_MS + WORD_MS + tail_ms, room_amp);
    add_word(&g, WORD_AT_MS, 8000, fall_db_per_s);
    double ms = asr_echo_decay_ms(g.s, g.n);
    print_message("fall %.0f dB/s, tail %zu ms: %.0f ms\n", fall_db_per_s, tail_ms, ms);
    free(g.s);
    return ms;
}

static void test_dry_word_stops(void **state)
{
    (void)state;
    double ms = decay_of(1000, 600, 2); /* 20 dB in 20 ms */
    assert_true(ms > 0 && ms <= 60);
    assert_true(ms < ASR_ECHO_DECAY_MS);
}

/* 60 dB a second (a reverberation time of one second): 20 dB in 333 ms. */
static void test_echo_falls_at_the_rooms_pace(void **state)
{
    (void)state;
    double ms = decay_of(60, 1200, 2);
    assert_true(ms >= 300 && ms <= 370);
    assert_true(ms >= ASR_ECHO_DECAY_MS);
}

/* 40 dB a second, the segment ending 600 ms after the word: the level is 10 dB under the last
 * loud frame 250 ms after it, and still falling at the end, 350 ms later. */
static void test_echo_cut_by_the_segment_end(void **state)
{
    (void)state;
    double ms = decay_of(40, 600, 2);
    assert_true(ms >= 330 && ms <= 370);
}

/* Noise 25 dB under the word: the echo's fall ends in the noise, and in noise a dry word's fall
 * is as slow (babble, music, brown noise at 10 dB): nothing is told. */
static void test_room_too_loud_to_tell(void **state)
{
    (void)state;
    assert_true(decay_of(60, 1200, 8000 * 0.0562) == 0.0);
    assert_true(decay_of(1000, 600, 8000 * 0.0562) == 0.0);
}

/* A softer sound (a second, quieter voice) rises 10 dB in the echo's fall: it is not the echo's. */
static void test_other_sound_in_the_fall(void **state)
{
    (void)state;
    test_signal g;
    test_signal_init(&g, 1800, 5);
    assert_non_null(g.s);
    test_signal_add_noise(&g, 0, 1800, 2);
    add_word(&g, WORD_AT_MS, 8000, 60);
    /* 400 ms after the word its sound is 24 dB down; the other sound comes 14 dB under the word */
    test_signal other;
    test_signal_init(&other, 1800, 9);
    assert_non_null(other.s);
    add_word(&other, WORD_AT_MS + WORD_MS + 400, 8000 * 0.2, 1000);
    for (size_t i = 0; i < g.n; i++)
        test_signal_add(&g, i, other.s[i]);
    assert_true(asr_echo_decay_ms(g.s, g.n) == 0.0);
    free(other.s);
    free(g.s);
}

static void test_too_short_to_tell(void **state)
{
    (void)state;
    assert_true(decay_of(60, 0, 2) < ASR_ECHO_DECAY_MS);
    assert_true(asr_echo_decay_ms(NULL, 0) == 0.0);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_dry_word_stops),
        cmocka_unit_test(test_echo_falls_at_the_rooms_pace),
        cmocka_unit_test(test_echo_cut_by_the_segment_end),
        cmocka_unit_test(test_room_too_loud_to_tell),
        cmocka_unit_test(test_other_sound_in_the_fall),
        cmocka_unit_test(test_too_short_to_tell),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
