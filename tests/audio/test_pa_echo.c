/*
 * test_pa_echo.c - the sound card's time line for the echo canceller (audio/pa_echo.h), on a
 * simulated card: callbacks every 10 ms with the times a card gives, a speaker whose sound is known
 * to the sample, a microphone read at once. Each sample read must come with what the speaker sounded
 * when it was captured, also after the card ran dry (an underrun: it plays silence until the next
 * callback; the reference is silent there too) or lost frames of the microphone (an overflow): both
 * move a stream by whole periods, and a time line that only counted frames was then off by them for
 * the rest of the session.
 */
#include "pa_echo.h"
#include "qlq_audio.h"

#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <cmocka.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>

enum { RATE = AUDIO_RATE, PERIOD = RATE / 100, STEPS = 300, CLIP = RATE * 3 / 2, MAX_OUT = STEPS };
#define OUT_LATENCY 0.040 /* a frame written sounds this long after its callback */
#define IN_LATENCY 0.005  /* a frame is handed to the callback this long after it was captured */

typedef struct {
    pa_echo *e;
    double dac[MAX_OUT]; /* each output callback's first frame sounds then ... */
    int16_t out[MAX_OUT][PERIOD]; /* ... and these frames follow it */
    int outs;
    int checked, wrong;
} card;

/* What the speaker sounded at time t, from what the callbacks wrote and when it sounded. */
static int16_t sounded(const card *c, double t)
{
    for (int i = c->outs - 1; i >= 0; i--)
        if (t >= c->dac[i] - 1e-9) {
            long at = lround((t - c->dac[i]) * RATE);
            return at < PERIOD ? c->out[i][at] : 0;
        }
    return 0;
}

static void output_callback(card *c, double now, bool ran_dry)
{
    assert_true(c->outs < MAX_OUT);
    c->dac[c->outs] = now + OUT_LATENCY;
    pa_echo_output(c->e, c->out[c->outs], PERIOD, c->dac[c->outs], ran_dry);
    c->outs++;
}

/* The microphone's callback for the period captured from `adc`, then the reader takes it at once. */
static void input_and_read(card *c, double adc, bool overflowed)
{
    assert_true(pa_echo_input(c->e, PERIOD, adc, overflowed));
    pa_echo_popped(c->e, PERIOD);
    int16_t played[PERIOD];
    pa_echo_reference(c->e, played, PERIOD, 0, 0.0);
    for (int i = 0; i < PERIOD; i++) {
        int want = sounded(c, adc + (double)i / RATE);
        c->checked++;
        c->wrong += abs(played[i] - want) > 1; /* the clip counts up: one apart is a sample's rounding */
    }
}

static int16_t *counting_clip(void)
{
    int16_t *clip = malloc(CLIP * sizeof *clip);
    assert_non_null(clip);
    for (int i = 0; i < CLIP; i++)
        clip[i] = (int16_t)(1 + i);
    return clip;
}

typedef enum { NO_GAP, SPEAKER_RAN_DRY, MICROPHONE_LOST_FRAMES, JITTER_FLAGGED } scenario;

/* 3 s of a card: the clip handed over at 100 ms; the gap, if any, of 30 ms at 500 ms. */
static card *run_card(scenario what)
{
    static card c;
    memset(&c, 0, sizeof c);
    c.e = pa_echo_create(RATE, RATE, 1);
    assert_non_null(c.e);
    pa_echo_deliver_start(c.e);
    enum { GAP_AT = 50, GAP = 3 };
    for (int step = 0; step < STEPS; step++) {
        double now = step / 100.0;
        if (step == 10) {
            int16_t *clip = counting_clip(), *ref = counting_clip();
            assert_true(pa_echo_play(c.e, clip, CLIP, ref, CLIP));
        }
        bool gap = step >= GAP_AT && step < GAP_AT + GAP;
        if (!(what == SPEAKER_RAN_DRY && gap)) { /* ran dry: silence until the next callback's frames */
            bool after_gap = step == GAP_AT + GAP;
            output_callback(&c, now + (what == JITTER_FLAGGED && after_gap ? 0.002 : 0.0),
                            after_gap && what != NO_GAP);
        }
        if (!(what == MICROPHONE_LOST_FRAMES && gap))
            input_and_read(&c, now - IN_LATENCY, step == GAP_AT + GAP && what == MICROPHONE_LOST_FRAMES);
    }
    return &c;
}

/* Every sample read comes with what the speaker sounded then: `read` of them, the stream placed
 * again `placed` times. */
static void expect_reference_right(scenario what, const char *name, int read, unsigned placed)
{
    card *c = run_card(what);
    print_message("%s: %d samples checked, %d wrong\n", name, c->checked, c->wrong);
    assert_int_equal(c->wrong, 0);
    assert_int_equal(c->checked, read);
    assert_int_equal(pa_echo_placed_again(c->e), placed);
    pa_echo_destroy(c->e);
}

static void test_steady_card(void **state)
{
    (void)state;
    expect_reference_right(NO_GAP, "no gap", STEPS * PERIOD, 0);
}

static void test_speaker_ran_dry(void **state)
{
    (void)state;
    expect_reference_right(SPEAKER_RAN_DRY, "speaker ran dry for 30 ms", STEPS * PERIOD, 1);
}

static void test_microphone_lost_frames(void **state)
{
    (void)state;
    expect_reference_right(MICROPHONE_LOST_FRAMES, "microphone lost 30 ms", (STEPS - 3) * PERIOD, 1);
}

/* A flagged callback whose time moved less than a callback's own jitter does not move the stream:
 * placing it on one jittery time would put it off by as much. */
static void test_flag_within_jitter_keeps_the_time_line(void **state)
{
    (void)state;
    card *c = run_card(JITTER_FLAGGED);
    assert_true(2.0 < PA_ECHO_JITTER_MS);
    assert_int_equal(pa_echo_placed_again(c->e), 0);
    pa_echo_destroy(c->e);
}

/* ---- a speaker at 44.1 kHz, a microphone at 16 kHz ---------------------------------------------- */

enum { FAST_RATE = 44100, FAST_PERIOD = 512, SENTENCE_MS = 400, SENTENCES = 4 };
#define PI 3.14159265358979323846
#define MIC_OFFSET (0.3 / RATE) /* the microphone's clock a third of a sample off the speaker's */

/* A sentence as sound: tones from 250 Hz to 4.4 kHz, faded in over 10 ms; t in seconds from its
 * start. */
static double sentence_sound(double t)
{
    static const double hz[] = {250.0, 730.0, 1400.0, 2100.0, 3300.0, 4400.0};
    if (t < 0.0 || t >= SENTENCE_MS / 1000.0)
        return 0.0;
    double sum = 0.0;
    for (size_t i = 0; i < sizeof hz / sizeof hz[0]; i++)
        sum += 3000.0 * sin(2.0 * PI * hz[i] * t + i);
    return t < 0.010 ? sum * 0.5 * (1.0 - cos(PI * t / 0.010)) : sum;
}

static int16_t *sentence_at(int rate, size_t *count)
{
    *count = (size_t)rate * SENTENCE_MS / 1000;
    int16_t *pcm = malloc(*count * sizeof *pcm);
    assert_non_null(pcm);
    for (size_t i = 0; i < *count; i++)
        pcm[i] = (int16_t)lrint(sentence_sound((double)i / rate));
    return pcm;
}

/* Four sentences handed over at output callbacks whose first frames fall at different fractions of
 * the microphone's samples. For each: how far the reference read with the microphone's samples is
 * from what sounded then (signal to error, dB, over its middle). */
static void run_sentences_between_samples(double snr_db[SENTENCES])
{
    pa_echo *e = pa_echo_create(RATE, FAST_RATE, 1);
    assert_non_null(e);
    pa_echo_deliver_start(e);
    static const int handed_at[SENTENCES] = {10, 57, 103, 150}; /* output callbacks */
    double began[SENTENCES], signal[SENTENCES] = {0}, error[SENTENCES] = {0};
    int16_t out[FAST_PERIOD], played[PERIOD];
    int outs = 0, ins = 0, sentence = 0;
    while (ins < 300) {
        double out_at = (double)outs * FAST_PERIOD / FAST_RATE, in_at = (double)ins / 100.0;
        if (out_at <= in_at) {
            if (sentence < SENTENCES && outs == handed_at[sentence]) {
                size_t n_device, n_reference;
                int16_t *device = sentence_at(FAST_RATE, &n_device), *reference = sentence_at(RATE, &n_reference);
                assert_true(pa_echo_play(e, device, n_device, reference, n_reference));
                began[sentence++] = out_at + OUT_LATENCY; /* its first frame: this callback's first */
            }
            pa_echo_output(e, out, FAST_PERIOD, out_at + OUT_LATENCY, false);
            outs++;
            continue;
        }
        double adc = in_at - IN_LATENCY + MIC_OFFSET;
        assert_true(pa_echo_input(e, PERIOD, adc, false));
        pa_echo_popped(e, PERIOD);
        pa_echo_reference(e, played, PERIOD, 0, 0.0);
        for (int i = 0; i < PERIOD; i++)
            for (int k = 0; k < sentence; k++) {
                double t = adc + (double)i / RATE - began[k];
                if (t < 0.020 || t > SENTENCE_MS / 1000.0 - 0.020)
                    continue;
                double want = sentence_sound(t);
                signal[k] += want * want;
                error[k] += (played[i] - want) * (played[i] - want);
            }
        ins++;
    }
    for (int k = 0; k < SENTENCES; k++) {
        assert_true(signal[k] > 0.0);
        snr_db[k] = 10.0 * log10(signal[k] / (error[k] + 1e-9));
    }
    pa_echo_destroy(e);
}

/* Each sentence's reference matches what sounded to a small fraction of a sample, wherever its start
 * falls between the microphone's samples: taken to the nearest sample instead, one sentence's echo was
 * a sample later than the one before's (an error of 0-8 dB on these tones) and the canceller let it
 * through. */
static void test_reference_between_the_microphone_samples(void **state)
{
    (void)state;
    double snr_db[SENTENCES];
    run_sentences_between_samples(snr_db);
    print_message("reference against what sounded, per sentence: %.1f, %.1f, %.1f, %.1f dB\n", snr_db[0], snr_db[1],
                  snr_db[2], snr_db[3]);
    for (int k = 0; k < SENTENCES; k++)
        assert_true(snr_db[k] > 40.0);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_steady_card),
        cmocka_unit_test(test_speaker_ran_dry),
        cmocka_unit_test(test_microphone_lost_frames),
        cmocka_unit_test(test_flag_within_jitter_keeps_the_time_line),
        cmocka_unit_test(test_reference_between_the_microphone_samples),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
