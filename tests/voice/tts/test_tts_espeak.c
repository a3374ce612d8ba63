/*
 * test_tts_espeak.c - the eSpeak NG back end, for real: French speech of plausible length and level
 * at 16 kHz, speed that changes the duration, and the arguments and configuration it refuses.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "tts_test_util.h"

static const char SENTENCE_FR[] =
    "Avez-vous eu besoin de rester au lit ou dans un fauteuil pendant la journée ?"; /* 15 words */
static const int SENTENCE_FR_WORDS = 15;

static tts *make(int wpm, tlog *log)
{
    tts_config cfg;
    tts_config_default(&cfg);
    cfg.speed_wpm = wpm;
    cfg.log = tlog_fn;
    cfg.log_ctx = log;
    char err[256] = "";
    tts *t = tts_create(&cfg, err, sizeof err);
    if (t == NULL)
        fprintf(stderr, "tts_create: %s\n", err);
    return t;
}

/* Share of 20 ms frames louder than -45 dBFS: speech has sound most of the time, silence never. */
static double voiced_share(const audio_pcm *p)
{
    size_t frame = AUDIO_RATE / 50, frames = 0, loud = 0;
    for (size_t i = 0; i + frame <= p->count; i += frame, frames++)
        loud += audio_measure(p->samples + i, frame).rms_dbfs > -45.0;
    return frames ? (double)loud / (double)frames : 0.0;
}

static void say_ok(tts *t, const char *lang, const char *text, tts_result *r)
{
    char err[256] = "";
    tts_status st = tts_say(t, lang, text, TTS_USE_AUTO, r, err, sizeof err);
    if (st != TTS_OK)
        fprintf(stderr, "tts_say: %s: %s\n", tts_status_name(st), err);
    assert_int_equal(st, TTS_OK);
}

static void test_french_sentence_is_plausible_speech(void **state)
{
    (void)state;
    tlog log;
    tlog_init(&log);
    tts *t = make(150, &log);
    assert_non_null(t);
    tts_result r;
    say_ok(t, "fr", SENTENCE_FR, &r);
    assert_int_equal(r.pcm.rate, AUDIO_RATE);
    assert_int_equal(r.engine, TTS_ENGINE_ESPEAK);
    assert_false(r.cache_hit);
    assert_false(r.fell_back);
    /* 15 words at 150 wpm is 6 s of pure speech; allow for pauses and eSpeak's own pacing. */
    double expected = SENTENCE_FR_WORDS * 60.0 / 150.0, secs = pcm_seconds(&r.pcm);
    fprintf(stderr, "  %.2f s of audio (%.1f s expected)\n", secs, expected);
    assert_true(secs > expected * 0.5 && secs < expected * 2.0);
    audio_level lv = audio_measure(r.pcm.samples, r.pcm.count);
    fprintf(stderr, "  rms %.1f dBFS, peak %.1f dBFS, voiced %.0f %%\n", lv.rms_dbfs, lv.peak_dbfs,
            100 * voiced_share(&r.pcm));
    assert_true(lv.rms_dbfs > -35.0);
    assert_true(lv.peak_dbfs > -15.0);
    assert_true(voiced_share(&r.pcm) > 0.5);
    assert_int_equal(tlog_count(&log), 0); /* nothing went wrong, nothing to say */
    tts_result_free(&r);
    assert_null(r.pcm.samples);
    tts_destroy(t);
    tlog_destroy(&log);
}

static void test_speed_changes_duration(void **state)
{
    (void)state;
    tlog log;
    tlog_init(&log);
    tts *slow = make(100, &log), *fast = make(300, &log);
    assert_non_null(slow);
    assert_non_null(fast);
    tts_result a, b;
    say_ok(slow, "fr", SENTENCE_FR, &a);
    say_ok(fast, "fr", SENTENCE_FR, &b);
    fprintf(stderr, "  100 wpm: %.2f s, 300 wpm: %.2f s\n", pcm_seconds(&a.pcm), pcm_seconds(&b.pcm));
    assert_true(pcm_seconds(&a.pcm) > 1.8 * pcm_seconds(&b.pcm));
    tts_result_free(&a);
    tts_result_free(&b);
    tts_destroy(slow);
    tts_destroy(fast);
    tlog_destroy(&log);
}

static double rel_diff(const audio_pcm *a, const audio_pcm *b)
{
    double x = (double)a->count, y = (double)b->count;
    return (x > y ? x - y : y - x) / (x < y ? x : y);
}

static void test_repeatable_and_languages_differ(void **state)
{
    (void)state;
    tlog log;
    tlog_init(&log);
    tts *t = make(0, &log); /* 0: the default speed */
    assert_non_null(t);
    tts_result a, b, en;
    say_ok(t, "fr", "Beaucoup", &a);
    say_ok(t, "fr", "Beaucoup", &b);
    say_ok(t, "en", "Beaucoup", &en);
    /* eSpeak NG adds a little noise of its own, so two renditions are close, not identical. */
    fprintf(stderr, "  fr %zu, fr again %zu, en %zu samples\n", a.pcm.count, b.pcm.count, en.pcm.count);
    assert_true(rel_diff(&a.pcm, &b.pcm) < 0.02);
    /* The English voice reads the word very differently: it really switched voice. */
    assert_true(rel_diff(&a.pcm, &en.pcm) > 0.10);
    tts_result_free(&a);
    tts_result_free(&b);
    tts_result_free(&en);
    tts_destroy(t);
    tlog_destroy(&log);
}

static void test_bad_arguments_are_refused(void **state)
{
    (void)state;
    tlog log;
    tlog_init(&log);
    tts *t = make(150, &log);
    assert_non_null(t);
    tts_result r;
    char err[256];
    assert_int_equal(tts_say(t, "de", "Hallo", TTS_USE_AUTO, &r, err, sizeof err), TTS_ERR_ARG);
    assert_non_null(strstr(err, "language"));
    assert_int_equal(tts_say(t, NULL, "Bonjour", TTS_USE_AUTO, &r, err, sizeof err), TTS_ERR_ARG);
    assert_int_equal(tts_say(t, "fr", "", TTS_USE_AUTO, &r, err, sizeof err), TTS_ERR_ARG);
    assert_int_equal(tts_say(t, "fr", "  \t ", TTS_USE_AUTO, &r, err, sizeof err), TTS_ERR_ARG);
    assert_int_equal(tts_say(t, "fr", NULL, TTS_USE_AUTO, &r, err, sizeof err), TTS_ERR_ARG);
    assert_int_equal(tts_say(t, "fr", "caf\xc3\x28", TTS_USE_AUTO, &r, err, sizeof err), TTS_ERR_ARG);
    assert_non_null(strstr(err, "UTF-8"));
    char *longtext = malloc(TTS_TEXT_MAX + 2);
    memset(longtext, 'a', TTS_TEXT_MAX + 1);
    longtext[TTS_TEXT_MAX + 1] = '\0';
    assert_int_equal(tts_say(t, "fr", longtext, TTS_USE_AUTO, &r, err, sizeof err), TTS_ERR_ARG);
    free(longtext);
    assert_null(r.pcm.samples);
    /* Google was asked for by name but is not configured: an error, not eSpeak in disguise. */
    assert_int_equal(tts_say(t, "fr", "Bonjour", TTS_USE_GOOGLE, &r, err, sizeof err), TTS_ERR_UNAVAILABLE);
    assert_null(r.pcm.samples);
    assert_int_equal(tts_say(t, "fr", "Bonjour", TTS_USE_ESPEAK, &r, err, sizeof err), TTS_OK);
    assert_int_equal(r.engine, TTS_ENGINE_ESPEAK);
    tts_result_free(&r);
    tts_destroy(t);
    tlog_destroy(&log);
}

static void test_bad_configuration_is_refused(void **state)
{
    (void)state;
    char err[256];
    tts_config cfg;

    tts_config_default(&cfg);
    cfg.fr.espeak_voice = "no-such-voice";
    err[0] = '\0';
    assert_null(tts_create(&cfg, err, sizeof err));
    assert_non_null(strstr(err, "no-such-voice"));

    tts_config_default(&cfg);
    cfg.speed_wpm = 40;
    assert_null(tts_create(&cfg, err, sizeof err));
    assert_non_null(strstr(err, "80..450"));

    /* Plain HTTP would put the API key on the wire in clear. */
    tts_config_default(&cfg);
    cfg.google_endpoint = "http://texttospeech.googleapis.com";
    cfg.google_key = "k";
    assert_null(tts_create(&cfg, err, sizeof err));
    assert_non_null(strstr(err, "https://"));

    tts_config_default(&cfg);
    cfg.cache_dir = "/proc/no/such/folder";
    assert_null(tts_create(&cfg, err, sizeof err));
    assert_non_null(strstr(err, "cache"));

    /* An endpoint without a key (or the reverse) leaves Google off rather than failing. */
    tts_config_default(&cfg);
    cfg.google_endpoint = TTS_GOOGLE_ENDPOINT;
    tts *t = tts_create(&cfg, err, sizeof err);
    assert_non_null(t);
    assert_false(tts_google_configured(t));
    tts_destroy(t);
    cfg.google_key = "secret";
    t = tts_create(&cfg, err, sizeof err);
    assert_non_null(t);
    assert_true(tts_google_configured(t));
    tts_destroy(t);
    tts_destroy(NULL);
}

static void test_names(void **state)
{
    (void)state;
    assert_string_equal(tts_engine_name(TTS_ENGINE_ESPEAK), "espeak");
    assert_string_equal(tts_engine_name(TTS_ENGINE_GOOGLE), "google");
    assert_string_equal(tts_status_name(TTS_OK), "ok");
    assert_string_not_equal(tts_status_name(TTS_ERR_GOOGLE), tts_status_name(TTS_ERR_UNAVAILABLE));
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_french_sentence_is_plausible_speech),
        cmocka_unit_test(test_speed_changes_duration),
        cmocka_unit_test(test_repeatable_and_languages_differ),
        cmocka_unit_test(test_bad_arguments_are_refused),
        cmocka_unit_test(test_bad_configuration_is_refused),
        cmocka_unit_test(test_names),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
