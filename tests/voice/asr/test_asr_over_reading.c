/*
 * "assez" said over the kiosk's reading, as the kiosk heard it through a sound card: the echo
 * canceller (audio_echo) and the recogniser on a recording, no simulation. The two files are what
 * the kiosk's microphone heard and what its speaker played, sample for sample, the first 13.1 s of
 * a run of tests/integration/test_voice_sound_card.c (its answers are eSpeak's voice played into a
 * PulseAudio room whose microphone hears the speaker): item 0's sentence, then item 1 read while
 * "assez" is said over it, twice (once stopping the reading, once as a shorter reading ended).
 *
 * Before the canceller replaced the echo's remains by a hiss, and kept the quiet frames of a voice
 * that it had left as heard, both were decoded "pas assez" and refused: in that run three times
 * over, after which the kiosk waits for a touch. The segments are where the kiosk began and ended
 * feeding the recogniser in that run (200 ms before the voice was told apart from the echo).
 */
#include <math.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>

#include <cmocka.h>

#include "asr_test_util.h"

enum { RATE = 16000, FRAME = RATE / 100, CHUNK = RATE / 50 };

#ifndef QLQ_RECORDED_DIR
#error "QLQ_RECORDED_DIR must name tests/voice/asr/recorded"
#endif

typedef struct {
    const char *what;
    size_t from, count; /* samples of the canceller's output */
} heard_segment;

static const heard_segment segments[] = {
    {"said over the reading, which stopped", 137600, 17120},
    {"said as a short reading ended", 192000, 17280},
};

typedef struct {
    asr *recogniser;
    int16_t *out;
    size_t out_count;
} fixture;

static int setup(void **state)
{
    static fixture f;
    audio_pcm mic = {0}, played = {0};
    char err[256];
    if (audio_wav_read_at(QLQ_RECORDED_DIR "/assez-over-reading-microphone.wav", RATE, &mic, err, sizeof err) !=
            AUDIO_OK ||
        audio_wav_read_at(QLQ_RECORDED_DIR "/assez-over-reading-speaker.wav", RATE, &played, err, sizeof err) !=
            AUDIO_OK) {
        print_error("%s\n", err);
        return -1;
    }
    if (mic.count != played.count)
        return -1;
    f.out = malloc((mic.count + FRAME) * sizeof *f.out);
    audio_echo *echo = audio_echo_create();
    if (!f.out || !echo)
        return -1;
    /* as the kiosk reads its sound card while an item is read: 20 ms at a time */
    for (size_t i = 0; i < mic.count; i += CHUNK) {
        size_t n = mic.count - i < CHUNK ? mic.count - i : CHUNK;
        f.out_count += audio_echo_process(echo, mic.samples + i, played.samples + i, n, f.out + f.out_count);
    }
    audio_echo_destroy(echo);
    audio_pcm_free(&mic);
    audio_pcm_free(&played);
    f.recogniser = asr_test_create();
    *state = &f;
    return f.recogniser ? 0 : -1;
}

static int teardown(void **state)
{
    fixture *f = *state;
    asr_destroy(f->recogniser);
    free(f->out);
    return 0;
}

static double frame_db(const int16_t *s)
{
    return audio_measure(s, FRAME).rms_dbfs;
}

static void test_assez_said_over_the_reading_is_heard_assez(void **state)
{
    fixture *f = *state;
    for (size_t k = 0; k < sizeof segments / sizeof segments[0]; k++) {
        const heard_segment *seg = &segments[k];
        assert_true(seg->from + seg->count <= f->out_count);
        asr_result r;
        char err[256];
        assert_int_equal(asr_recognize(f->recogniser, ASR_LANG_FR, ASR_GRAMMAR_SCALE4, f->out + seg->from, seg->count,
                                       &r, err, sizeof err),
                         0);
        print_message("%s: heard '%s' (%s, confidence %.3f)\n", seg->what, r.transcript,
                      asr_kind_name(r.kind, r.value), r.confidence);
        assert_int_equal(r.kind, ASR_ANSWER);
        assert_int_equal(r.value, 3);
    }
}

/* Within the word, no 10 ms frame is taken out: none lies 15 dB or more under both its neighbours
 * (the hole the canceller's gate left between "a" and "s" was 24 and 30 dB deep). */
static void test_no_hole_is_cut_in_the_word(void **state)
{
    fixture *f = *state;
    for (size_t k = 0; k < sizeof segments / sizeof segments[0]; k++) {
        const int16_t *s = f->out + segments[k].from;
        size_t frames = segments[k].count / FRAME;
        for (size_t i = 1; i + 1 < frames; i++) {
            double before = frame_db(s + (i - 1) * FRAME), here = frame_db(s + i * FRAME),
                   after = frame_db(s + (i + 1) * FRAME);
            if (before > -45.0 && after > -45.0 && here < before - 15.0 && here < after - 15.0)
                fail_msg("%s: frame %zu at %.1f dBFS between %.1f and %.1f", segments[k].what, i, here, before, after);
        }
    }
}

/* Before the answer, while only the kiosk sounds, what is let through is a steady hiss: its 10 ms
 * frames stay within 6 dB of each other (the remains kept the kiosk's syllables, 7 dB over the rest
 * of them, and were heard "pa"). */
static void test_the_kiosk_is_not_heard_before_the_word(void **state)
{
    fixture *f = *state;
    for (size_t k = 0; k < sizeof segments / sizeof segments[0]; k++) {
        const int16_t *s = f->out + segments[k].from;
        size_t word = 0;
        while (word < segments[k].count / FRAME && frame_db(s + word * FRAME) < -45.0)
            word++;
        assert_true(word >= 12); /* the segment starts 200 ms before the voice was told */
        double lo = 0.0, hi = -120.0;
        for (size_t i = 0; i < word - 2; i++) { /* the word's first 20 ms may rise through -45 dBFS */
            double db = frame_db(s + i * FRAME);
            lo = fmin(lo, db);
            hi = fmax(hi, db);
        }
        print_message("%s: %zu frames before the word, from %.1f to %.1f dBFS\n", segments[k].what, word, lo, hi);
        assert_true(hi - lo < 6.0);
    }
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_assez_said_over_the_reading_is_heard_assez),
        cmocka_unit_test(test_no_hole_is_cut_in_the_word),
        cmocka_unit_test(test_the_kiosk_is_not_heard_before_the_word),
    };
    return cmocka_run_group_tests(tests, setup, teardown);
}
