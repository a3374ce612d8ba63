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

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_steady_card),
        cmocka_unit_test(test_speaker_ran_dry),
        cmocka_unit_test(test_microphone_lost_frames),
        cmocka_unit_test(test_flag_within_jitter_keeps_the_time_line),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
