/* The endpointer on synthetic signals with known speech positions: start and end found where the
 * "speech" is, an adaptive floor under steady noise, clicks ignored, timeouts, finish and reset. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <cmocka.h>

#include "asr_test_signal.h"

#include <math.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

static void sig_init(test_signal *g, size_t ms)
{
    test_signal_init(g, ms, 7);
    assert_non_null(g->s);
}

/* Voiced "syllables": harmonics of 140 Hz under a 4 Hz envelope that never quite closes. */
static void add_speech(test_signal *g, size_t from_ms, size_t to_ms, double amp)
{
    for (size_t i = MS(from_ms); i < MS(to_ms) && i < g->n; i++) {
        double t = (double)(i - MS(from_ms)) / ASR_RATE;
        double env = 0.55 + 0.45 * sin(2 * TEST_PI * 4.0 * t);
        double v = 0;
        for (int h = 1; h <= 8; h++)
            v += sin(2 * TEST_PI * 140.0 * h * t) / h;
        test_signal_add(g, i, amp * env * v * 0.5);
    }
}

typedef struct {
    size_t start_at, end_at, timeout_at; /* sample position when reported, 0 if never */
} events;

static events feed_all(asr_endpointer *ep, const test_signal *g, size_t chunk)
{
    events e = {0};
    for (size_t off = 0; off < g->n; off += chunk) {
        size_t n = g->n - off < chunk ? g->n - off : chunk;
        asr_ep_event ev = asr_endpointer_feed(ep, g->s + off, n);
        if (ev == ASR_EP_START)
            e.start_at = off + n;
        if (ev == ASR_EP_END)
            e.end_at = off + n;
        if (ev == ASR_EP_TIMEOUT)
            e.timeout_at = off + n;
    }
    return e;
}

static void assert_near_ms(size_t samples, size_t expect_ms, size_t tol_ms)
{
    size_t ms = samples / (ASR_RATE / 1000);
    if (ms + tol_ms < expect_ms || ms > expect_ms + tol_ms)
        fail_msg("at %zu ms, expected %zu +- %zu ms", ms, expect_ms, tol_ms);
}

static void test_speech_in_quiet_room(void **state)
{
    (void)state;
    test_signal g;
    sig_init(&g, 3000);
    test_signal_add_noise(&g, 0, 3000, 30);        /* about -60 dBFS of room noise */
    add_speech(&g, 1000, 1800, 6000);
    asr_endpointer *ep = asr_endpointer_create(NULL);
    events e = feed_all(ep, &g, 320);
    size_t s, t;
    assert_true(asr_endpointer_segment(ep, &s, &t));
    assert_near_ms(s, 1000, 40);
    assert_near_ms(t, 1800, 60);
    assert_true(e.start_at > MS(1000) && e.start_at < MS(1200)); /* reported within ~min_speech */
    /* the end: once most (85 %) of trailing_silence_ms are quiet */
    asr_endpoint_config c;
    asr_endpoint_defaults(&c);
    size_t trail = (size_t)c.trailing_silence_ms;
    assert_true(e.end_at >= MS(1800 + trail * 85 / 100 - 50) && e.end_at <= MS(1800 + trail + 100));
    assert_int_equal(e.timeout_at, 0);
    asr_endpointer_destroy(ep);
    free(g.s);
}

/* A soft voice in a room far quieter than any microphone's floor (-100 dBFS), rising 50 dB over its
 * first 300 ms as a word does: the rise is not the room's fluctuation. Counted as such, it had lifted
 * the start threshold by 20 dB and more, over the voice itself. */
static void test_soft_voice_rising_out_of_silence(void **state)
{
    (void)state;
    test_signal g;
    sig_init(&g, 3000);
    test_signal_add_noise(&g, 0, 3000, 0.6);
    test_signal speech;
    sig_init(&speech, 3000);
    add_speech(&speech, 1000, 1800, 120); /* about -50 dBFS */
    for (size_t i = MS(1000); i < MS(1800); i++) {
        double fade_db = i < MS(1300) ? -50.0 + 50.0 * (double)(i - MS(1000)) / (double)MS(300) : 0.0;
        test_signal_add(&g, i, speech.s[i] * pow(10.0, fade_db / 20.0));
    }
    asr_endpointer *ep = asr_endpointer_create(NULL);
    events e = feed_all(ep, &g, 320);
    size_t s, t;
    assert_true(asr_endpointer_segment(ep, &s, &t));
    assert_near_ms(s, 1150, 150);
    assert_near_ms(t, 1800, 100);
    assert_int_equal(e.timeout_at, 0);
    asr_endpointer_destroy(ep);
    free(speech.s);
    free(g.s);
}

static void test_floor_adapts_to_steady_noise(void **state)
{
    (void)state;
    test_signal g;
    sig_init(&g, 5000);
    test_signal_add_noise(&g, 0, 5000, 1500);      /* loud fan: about -30 dBFS, starts with the recording */
    add_speech(&g, 3000, 3800, 16000); /* about 14 dB above it */
    asr_endpointer *ep = asr_endpointer_create(NULL);
    events e = feed_all(ep, &g, 160);
    size_t s, t;
    assert_true(asr_endpointer_segment(ep, &s, &t));
    assert_near_ms(s, 3000, 60);
    assert_near_ms(t, 3800, 100);
    assert_true(e.end_at > 0 && e.end_at < MS(3800 + 700));
    double floor_db = asr_endpointer_noise_db(ep);
    if (floor_db < -36.0 || floor_db > -27.0)
        fail_msg("noise floor %.1f dBFS, the fan is at about -31.5", floor_db);
    asr_endpointer_destroy(ep);
    free(g.s);
}

/* A bedside monitor's beep: 1 kHz, 120 ms every 700 ms, far louder than the room. */
static void add_beeps(test_signal *g, double amp)
{
    for (size_t i = 0; i < g->n; i++)
        if (i % MS(700) < MS(120))
            test_signal_add(g, i, amp * sin(2 * TEST_PI * 1000.0 * (double)i / ASR_RATE));
}

/* Beeps are not speech: alone they never start an utterance (the listening times out), and with an
 * answer between them the answer is found where it is and ends when it does (600 ms of quiet
 * between beeps, which before this were loud frames: the utterance ran on to max_speech_ms). */
static void test_beeps_are_not_speech(void **state)
{
    (void)state;
    asr_endpoint_config c;
    asr_endpoint_defaults(&c);
    c.start_timeout_ms = 3000;
    test_signal g;
    sig_init(&g, 4000);
    test_signal_add_noise(&g, 0, 4000, 30);
    add_beeps(&g, 8000);
    asr_endpointer *ep = asr_endpointer_create(&c);
    events e = feed_all(ep, &g, 320);
    assert_int_equal(e.start_at, 0);
    assert_near_ms(e.timeout_at, 3000, 20);
    asr_endpointer_destroy(ep);
    free(g.s);

    sig_init(&g, 6000);
    test_signal_add_noise(&g, 0, 6000, 30);
    add_beeps(&g, 8000);
    add_speech(&g, 2000, 2800, 6000);
    ep = asr_endpointer_create(NULL);
    e = feed_all(ep, &g, 320);
    size_t s, t;
    assert_true(asr_endpointer_segment(ep, &s, &t));
    assert_near_ms(s, 2000, 40);
    assert_near_ms(t, 2800, 150);
    assert_true(e.end_at > 0 && e.end_at <= MS(2800 + c.trailing_silence_ms + 250));
    asr_endpointer_destroy(ep);
    free(g.s);
}

static void test_click_is_not_speech(void **state)
{
    (void)state;
    test_signal g;
    sig_init(&g, 2000);
    test_signal_add_noise(&g, 0, 2000, 30);
    test_signal_add_noise(&g, 800, 830, 20000); /* a 30 ms knock on the table */
    asr_endpoint_config cfg;
    asr_endpoint_defaults(&cfg);
    cfg.start_timeout_ms = 1500;
    asr_endpointer *ep = asr_endpointer_create(&cfg);
    events e = feed_all(ep, &g, 480);
    assert_int_equal(e.start_at, 0);
    assert_near_ms(e.timeout_at, 1500, 30);
    size_t s, t;
    assert_false(asr_endpointer_segment(ep, &s, &t));
    assert_false(asr_endpointer_finish(ep));
    asr_endpointer_destroy(ep);
    free(g.s);
}

static void test_digital_silence_times_out(void **state)
{
    (void)state;
    test_signal g;
    sig_init(&g, 7000);
    asr_endpointer *ep = asr_endpointer_create(NULL);
    events e = feed_all(ep, &g, 160);
    assert_near_ms(e.timeout_at, 6000, 20);
    assert_int_equal(e.start_at, 0);
    asr_endpointer_destroy(ep);
    free(g.s);
}

static void test_finish_and_reset(void **state)
{
    (void)state;
    test_signal g;
    sig_init(&g, 2000);
    test_signal_add_noise(&g, 0, 2000, 30);
    add_speech(&g, 500, 2000, 6000); /* still speaking when the input ends */
    asr_endpointer *ep = asr_endpointer_create(NULL);
    events e = feed_all(ep, &g, 1000);
    assert_true(e.start_at > 0);
    assert_int_equal(e.end_at, 0);
    size_t s, t;
    assert_false(asr_endpointer_segment(ep, &s, &t));
    assert_true(asr_endpointer_finish(ep));
    assert_true(asr_endpointer_segment(ep, &s, &t));
    assert_near_ms(s, 500, 40);
    assert_near_ms(t, 2000, 20);
    asr_endpointer_reset(ep);
    assert_false(asr_endpointer_segment(ep, &s, &t));
    e = feed_all(ep, &g, 160);
    assert_true(e.start_at > 0);
    asr_endpointer_destroy(ep);
    free(g.s);
}

/* Two utterances of one recording, the second at once after the first has ended: with next() the
 * second is found where it is (a reset would have learnt it as the room's noise). */
static void test_next_utterance(void **state)
{
    (void)state;
    test_signal g;
    sig_init(&g, 3000);
    test_signal_add_noise(&g, 0, 3000, 30);
    add_speech(&g, 500, 900, 6000);
    add_speech(&g, 1270, 2200, 6000); /* 370 ms after the first: the end is seen at ~1240 */
    asr_endpoint_config c;
    asr_endpoint_defaults(&c);
    c.trailing_silence_ms = 400;
    asr_endpointer *ep = asr_endpointer_create(&c);
    size_t s, e, ends = 0, seg[2][2] = {{0}};
    for (size_t off = 0; off < g.n; off += 160) {
        if (asr_endpointer_feed(ep, g.s + off, 160) == ASR_EP_END) {
            assert_true(asr_endpointer_segment(ep, &s, &e));
            if (ends < 2) {
                seg[ends][0] = s;
                seg[ends][1] = e;
            }
            ends++;
            asr_endpointer_next(ep);
            assert_false(asr_endpointer_segment(ep, &s, &e));
        }
    }
    assert_int_equal(ends, 2);
    assert_true(seg[0][0] >= MS(450) && seg[0][0] <= MS(600) && seg[0][1] >= MS(850) && seg[0][1] <= MS(950));
    assert_true(seg[1][0] >= MS(1220) && seg[1][0] <= MS(1400) && seg[1][1] >= MS(2150) && seg[1][1] <= MS(2250));
    asr_endpointer_destroy(ep);
    free(g.s);
}

static void test_max_speech_cuts(void **state)
{
    (void)state;
    test_signal g;
    sig_init(&g, 4000);
    add_speech(&g, 200, 4000, 6000);
    asr_endpoint_config cfg;
    asr_endpoint_defaults(&cfg);
    cfg.max_speech_ms = 2000;
    asr_endpointer *ep = asr_endpointer_create(&cfg);
    events e = feed_all(ep, &g, 160);
    assert_near_ms(e.end_at, 2200, 20);
    asr_endpointer_destroy(ep);
    free(g.s);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_speech_in_quiet_room),
        cmocka_unit_test(test_soft_voice_rising_out_of_silence),
        cmocka_unit_test(test_floor_adapts_to_steady_noise),
        cmocka_unit_test(test_click_is_not_speech),
        cmocka_unit_test(test_beeps_are_not_speech),
        cmocka_unit_test(test_digital_silence_times_out),
        cmocka_unit_test(test_finish_and_reset),
        cmocka_unit_test(test_next_utterance),
        cmocka_unit_test(test_max_speech_cuts),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
