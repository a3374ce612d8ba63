/*
 * The WAV device in a room (its microphone hears its speaker) and the echo canceller with its
 * detector of a voice over the speaker: real eSpeak NG speech as the kiosk's voice and as the
 * patient's, the room's echo made by the device, its clock moved by reading the microphone.
 */
#include <math.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "qlq_audio.h"

enum { RATE = AUDIO_RATE, CHUNK = RATE / 10 };

typedef struct {
    char dir[64];
    audio_pcm prompt; /* the kiosk's voice */
    audio_pcm word;   /* the patient's "beaucoup" */
} fixture;

static void espeak(const fixture *f, const char *voice, const char *text, const char *name, audio_pcm *out)
{
    char cmd[1024], path[256], err[256];
    snprintf(path, sizeof path, "%s/%s.wav", f->dir, name);
    snprintf(cmd, sizeof cmd, "espeak-ng -v %s -s 150 -w '%s' '%s'", voice, path, text);
    assert_int_equal(system(cmd), 0);
    assert_int_equal(audio_wav_read_at(path, RATE, out, err, sizeof err), AUDIO_OK);
}

static int setup(void **state)
{
    fixture *f = calloc(1, sizeof *f);
    snprintf(f->dir, sizeof f->dir, "/tmp/qlq-echo-XXXXXX");
    assert_non_null(mkdtemp(f->dir));
    espeak(f, "fr", "Avez-vous des difficultés à faire certains efforts physiques pénibles, comme porter un sac "
                    "à provisions chargé ou une valise ? Pas du tout, un peu, assez, beaucoup.",
           "prompt", &f->prompt);
    espeak(f, "fr+f3", "beaucoup", "word", &f->word);
    *state = f;
    return 0;
}

static int teardown(void **state)
{
    fixture *f = *state;
    audio_pcm_free(&f->prompt);
    audio_pcm_free(&f->word);
    char cmd[128];
    snprintf(cmd, sizeof cmd, "rm -rf '%s'", f->dir);
    assert_int_equal(system(cmd), 0);
    free(f);
    return 0;
}

/* A microphone's own noise (-65 dBFS), `seconds` long, with `word` from `at` (0: no word). */
static void write_mic(const fixture *f, const char *name, double seconds, size_t at, const audio_pcm *word)
{
    size_t n = (size_t)(seconds * RATE);
    int16_t *s = calloc(n, sizeof *s);
    uint32_t seed = 7;
    for (size_t i = 0; i < n; i++) {
        double sum = 0.0;
        for (int j = 0; j < 4; j++) {
            seed = seed * 1664525u + 1013904223u;
            sum += (double)(seed >> 8) / (1u << 24) - 0.5;
        }
        double v = sum * 32.0 + (word && i >= at && i - at < word->count ? word->samples[i - at] : 0);
        s[i] = (int16_t)lrint(v > 32767 ? 32767 : v < -32768 ? -32768 : v);
    }
    char path[256];
    snprintf(path, sizeof path, "%s/%s", f->dir, name);
    assert_int_equal(audio_wav_write(path, s, n, RATE), AUDIO_OK);
    free(s);
}

static audio_device *room_device(const fixture *f, const char *input, const audio_wav_room *room)
{
    char in[256], err[256];
    snprintf(in, sizeof in, "%s/%s", f->dir, input);
    audio_device *d = audio_open_wav(input ? in : NULL, NULL, err, sizeof err);
    assert_non_null(d);
    assert_true(audio_wav_set_speed(d, 0.0));
    assert_true(audio_wav_set_room(d, room));
    assert_non_null(d->ops->capture_read_echo);
    return d;
}

static void test_room_hears_the_speaker_later_and_quieter(void **state)
{
    (void)state;
    audio_wav_room room = {.gain_db = -6.0, .delay_ms = 20.0};
    audio_device *d = audio_open_wav(NULL, NULL, NULL, 0);
    assert_non_null(d);
    assert_null(d->ops->capture_read_echo); /* a plain WAV device cannot tell */
    assert_true(audio_wav_set_speed(d, 0.0));
    assert_false(audio_wav_set_room(d, &(audio_wav_room){.gain_db = 3.0}));
    assert_false(audio_wav_set_room(d, &(audio_wav_room){.delay_ms = 150.0}));
    assert_true(audio_wav_set_room(d, &room));
    int16_t click[RATE / 2] = {0};
    click[0] = 20000;
    assert_int_equal(d->ops->capture_start(d), AUDIO_OK);
    assert_int_equal(d->ops->play(d, click, RATE / 2, RATE), AUDIO_OK);
    int16_t mic[RATE], played[RATE];
    size_t got = 0;
    while (got < RATE / 2)
        got += d->ops->capture_read_echo(d, mic + got, played + got, RATE / 2 - got, 0);
    assert_int_equal(played[0], 20000);
    assert_int_equal(mic[0], 0);
    assert_int_equal(mic[320], (int16_t)lrint(20000 * pow(10.0, -6.0 / 20.0))); /* 20 ms later, -6 dB */
    for (size_t i = 1; i < RATE / 2; i++) {
        assert_int_equal(played[i], 0);
        if (i != 320)
            assert_int_equal(mic[i], 0);
    }
    /* nothing plays and there is no input: the capture is at its end */
    assert_false(d->ops->playing(d));
    assert_true(d->ops->capture_at_end(d));
    d->ops->destroy(d);
}

/* The sound system moves the echo: 5 ms later in every other 200 ms, then back. */
static void test_room_whose_echo_moves(void **state)
{
    (void)state;
    audio_device *d = audio_open_wav(NULL, NULL, NULL, 0);
    assert_non_null(d);
    assert_true(audio_wav_set_speed(d, 0.0));
    assert_false(audio_wav_set_room(d, &(audio_wav_room){.moves_by_ms = 30.0, .moves_every_ms = 200.0}));
    assert_false(audio_wav_set_room(d, &(audio_wav_room){.moves_by_ms = 5.0, .moves_every_ms = 50.0}));
    assert_true(audio_wav_set_room(d, &(audio_wav_room){.delay_ms = 20.0, .moves_by_ms = 5.0, .moves_every_ms = 200.0}));
    static int16_t clicks[RATE / 2], mic[RATE / 2], played[RATE / 2];
    const size_t at[] = {0, RATE / 4, RATE * 9 / 20}; /* 0, 250 and 450 ms: still, moved, still */
    for (size_t i = 0; i < 3; i++)
        clicks[at[i]] = 20000;
    assert_int_equal(d->ops->capture_start(d), AUDIO_OK);
    assert_int_equal(d->ops->play(d, clicks, RATE / 2, RATE), AUDIO_OK);
    size_t got = 0;
    while (got < RATE / 2)
        got += d->ops->capture_read_echo(d, mic + got, played + got, RATE / 2 - got, 0);
    const size_t heard[] = {320, RATE / 4 + 320 + 80, RATE * 9 / 20 + 320};
    size_t loud = 0;
    for (size_t i = 0; i < RATE / 2; i++)
        loud += mic[i] != 0;
    assert_int_equal(loud, 3);
    for (size_t i = 0; i < 3; i++)
        assert_int_not_equal(mic[heard[i]], 0);
    d->ops->destroy(d);
}

static void test_stopped_speaker_leaves_no_echo(void **state)
{
    fixture *f = *state;
    audio_device *d = room_device(f, NULL, &(audio_wav_room){.gain_db = -6.0, .delay_ms = 10.0});
    assert_int_equal(d->ops->capture_start(d), AUDIO_OK);
    assert_int_equal(d->ops->play(d, f->prompt.samples, f->prompt.count, RATE), AUDIO_OK);
    int16_t mic[CHUNK], played[CHUNK];
    for (int i = 0; i < 10; i++) /* one second */
        assert_int_equal(d->ops->capture_read_echo(d, mic, played, CHUNK, 0), CHUNK);
    assert_true(d->ops->playing(d));
    d->ops->play_stop(d);
    assert_false(d->ops->playing(d));
    assert_int_equal(d->ops->capture_read_echo(d, mic, played, CHUNK, 0), CHUNK);
    for (size_t i = 160; i < CHUNK; i++) /* after the 10 ms the sound takes to arrive */
        assert_int_equal(mic[i], 0);
    for (size_t i = 0; i < CHUNK; i++)
        assert_int_equal(played[i], 0);
    d->ops->destroy(d);
}

typedef struct {
    audio_echo_heard heard;
    size_t onset;
    double reduction_db;
    size_t first_voice_at; /* output samples read when it was first not QUIET; SIZE_MAX: never */
} echo_run;

/* The prompt read in `room`, the microphone from `input`, all of it through the canceller. */
static echo_run run_canceller(const fixture *f, const char *input, double seconds, const audio_wav_room *room)
{
    audio_device *d = room_device(f, input, room);
    audio_echo *e = audio_echo_create();
    assert_non_null(e);
    assert_int_equal(d->ops->capture_start(d), AUDIO_OK);
    assert_int_equal(d->ops->play(d, f->prompt.samples, f->prompt.count, RATE), AUDIO_OK);
    echo_run r = {.first_voice_at = SIZE_MAX};
    int16_t mic[CHUNK], played[CHUNK], out[CHUNK + 160];
    for (size_t read = 0; read < (size_t)(seconds * RATE);) {
        size_t n = d->ops->capture_read_echo(d, mic, played, CHUNK, 0);
        assert_true(n > 0);
        read += n;
        audio_echo_process(e, mic, played, n, out);
        if (r.first_voice_at == SIZE_MAX && audio_echo_voice(e, NULL) != AUDIO_ECHO_QUIET)
            r.first_voice_at = audio_echo_position(e);
    }
    r.heard = audio_echo_voice(e, &r.onset);
    r.reduction_db = audio_echo_reduction_db(e);
    audio_echo_destroy(e);
    d->ops->destroy(d);
    return r;
}

static void test_the_kiosk_alone_is_not_taken_for_a_voice(void **state)
{
    fixture *f = *state;
    const audio_wav_room rooms[] = {{-6.0, 5.0, 0.0, 0.0, 0.0}, {-12.0, 20.0, 150.0, 0.0, 0.0}, {0.0, 10.0, 100.0, 0.0, 0.0}};
    double seconds = (double)f->prompt.count / RATE;
    write_mic(f, "quiet.wav", seconds + 1.0, 0, NULL);
    for (size_t i = 0; i < sizeof rooms / sizeof *rooms; i++) {
        echo_run r = run_canceller(f, "quiet.wav", seconds + 0.5, &rooms[i]);
        print_message("room %.0f dB: echo brought down %.1f dB, %s\n", rooms[i].gain_db, r.reduction_db,
                      r.heard == AUDIO_ECHO_QUIET ? "no voice" : "a voice");
        assert_int_equal(r.heard, AUDIO_ECHO_QUIET);
        assert_int_equal(r.first_voice_at, SIZE_MAX);
        /* measured 24-33 dB: speexdsp's canceller and its residual echo suppressor */
        assert_true(r.reduction_db > 15.0);
    }
}

static void test_a_word_over_the_speaker_is_heard_where_it_begins(void **state)
{
    fixture *f = *state;
    size_t at = 4 * RATE; /* four seconds into the reading */
    size_t words = 0;     /* where "beaucoup" begins in its file: eSpeak leaves a little silence */
    while (words < f->word.count && abs(f->word.samples[words]) < 300)
        words++;
    write_mic(f, "word.wav", (double)f->prompt.count / RATE + 1.0, at, &f->word);
    const audio_wav_room rooms[] = {{-6.0, 5.0, 0.0, 0.0, 0.0}, {-12.0, 20.0, 150.0, 0.0, 0.0}, {-20.0, 40.0, 300.0, 0.0, 0.0}};
    for (size_t i = 0; i < sizeof rooms / sizeof *rooms; i++) {
        echo_run r = run_canceller(f, "word.wav", 6.0, &rooms[i]);
        double onset_ms = ((double)r.onset - (double)(at + words)) * 1000.0 / RATE;
        double found_ms = ((double)r.first_voice_at - (double)(at + words)) * 1000.0 / RATE;
        print_message("room %.0f dB: voice from %+.0f ms, first told %+.0f ms after the word began\n",
                      rooms[i].gain_db, onset_ms, found_ms);
        assert_int_equal(r.heard, AUDIO_ECHO_VOICE);
        /* the kiosk decodes from 400 ms before the onset (app/speech.c): the word's start is kept */
        assert_true(onset_ms > -60.0 && onset_ms < 300.0);
        assert_true(found_ms > -60.0); /* nothing before the word */
    }
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_room_hears_the_speaker_later_and_quieter),
        cmocka_unit_test(test_room_whose_echo_moves),
        cmocka_unit_test_setup_teardown(test_stopped_speaker_leaves_no_echo, setup, teardown),
        cmocka_unit_test_setup_teardown(test_the_kiosk_alone_is_not_taken_for_a_voice, setup, teardown),
        cmocka_unit_test_setup_teardown(test_a_word_over_the_speaker_is_heard_where_it_begins, setup, teardown),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
