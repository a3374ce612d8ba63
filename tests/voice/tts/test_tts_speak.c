/*
 * test_tts_speak.c - tts_speak on the audio module's WAV device (the speaker is a file): what is
 * played is exactly what tts_say gives for the text, one prompt after another; a new prompt
 * replaces one still playing; and play_stop cuts a prompt short.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include <cmocka.h>

#include "tts_test_util.h"

typedef struct {
    char *dir;
    char cache[4200], out[4200];
    tlog log;
    tts *t;
} fixture;

static int setup(void **state)
{
    fixture *f = calloc(1, sizeof *f);
    f->dir = tmpdir_make("tts-speak");
    if (f->dir == NULL)
        return -1;
    snprintf(f->cache, sizeof f->cache, "%s/cache", f->dir);
    snprintf(f->out, sizeof f->out, "%s/speaker.wav", f->dir);
    tlog_init(&f->log);
    tts_config cfg;
    tts_config_default(&cfg);
    cfg.cache_dir = f->cache;
    cfg.log = tlog_fn;
    cfg.log_ctx = &f->log;
    f->t = tts_create(&cfg, NULL, 0);
    *state = f;
    return f->t != NULL ? 0 : -1;
}

static int teardown(void **state)
{
    fixture *f = *state;
    tts_destroy(f->t);
    tmpdir_remove(f->dir);
    tlog_destroy(&f->log);
    free(f);
    return 0;
}

static audio_device *open_speaker(fixture *f, double speed)
{
    char err[256] = "";
    audio_device *d = audio_open_wav(NULL, f->out, err, sizeof err);
    if (d == NULL)
        fail_msg("audio_open_wav: %s", err);
    assert_true(audio_wav_set_speed(d, speed));
    return d;
}

static void wait_played(audio_device *d)
{
    while (d->ops->playing(d))
        nanosleep(&(struct timespec){.tv_nsec = 1000 * 1000}, NULL);
}

static audio_pcm cached(fixture *f, const char *text)
{
    tts_result r;
    assert_int_equal(tts_say(f->t, "fr", text, TTS_USE_AUTO, &r, NULL, 0), TTS_OK);
    assert_true(r.cache_hit);
    return r.pcm;
}

static void test_plays_what_tts_say_gives(void **state)
{
    fixture *f = *state;
    audio_device *d = open_speaker(f, 1e6);
    const char *texts[] = {"Bonjour.", "Avez-vous eu mal ?"};
    for (int i = 0; i < 2; i++) {
        tts_result info;
        char err[256] = "";
        assert_int_equal(tts_speak(f->t, d, "fr", texts[i], &info, err, sizeof err), TTS_OK);
        assert_int_equal(info.engine, TTS_ENGINE_ESPEAK);
        assert_false(info.cache_hit);
        assert_null(info.pcm.samples); /* the samples stay with the handle */
        wait_played(d);
    }
    d->ops->destroy(d);

    audio_pcm heard, a = cached(f, texts[0]), b = cached(f, texts[1]);
    assert_int_equal(audio_wav_read(f->out, &heard, NULL, 0), AUDIO_OK);
    assert_int_equal(heard.count, a.count + b.count);
    assert_memory_equal(heard.samples, a.samples, a.count * sizeof a.samples[0]);
    assert_memory_equal(heard.samples + a.count, b.samples, b.count * sizeof b.samples[0]);
    audio_pcm_free(&heard);
    audio_pcm_free(&a);
    audio_pcm_free(&b);
}

static void test_interrupted_and_replaced(void **state)
{
    fixture *f = *state;
    const char *long_text = "Avez-vous des difficultés à faire certains efforts physiques pénibles, comme porter "
                            "un sac à provisions chargé ou une valise ?";
    audio_device *d = open_speaker(f, 1.0); /* real time: 6 s to play it all */
    assert_int_equal(tts_speak(f->t, d, "fr", long_text, NULL, NULL, 0), TTS_OK);
    assert_true(d->ops->playing(d));
    /* The patient answers: the kiosk interrupts through the device. */
    d->ops->play_stop(d);
    assert_false(d->ops->playing(d));
    /* The next prompt starts while nothing plays; then another replaces it mid-way. */
    assert_int_equal(tts_speak(f->t, d, "fr", long_text, NULL, NULL, 0), TTS_OK);
    assert_int_equal(tts_speak(f->t, d, "fr", "Oui.", NULL, NULL, 0), TTS_OK);
    d->ops->play_stop(d);
    d->ops->destroy(d);

    audio_pcm heard, full = cached(f, long_text);
    assert_int_equal(audio_wav_read(f->out, &heard, NULL, 0), AUDIO_OK);
    /* Far less than even one full reading reached the speaker. */
    assert_true(heard.count < full.count);
    audio_pcm_free(&heard);
    audio_pcm_free(&full);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test_setup_teardown(test_plays_what_tts_say_gives, setup, teardown),
        cmocka_unit_test_setup_teardown(test_interrupted_and_replaced, setup, teardown),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
