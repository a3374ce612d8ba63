/*
 * test_tts_google.c - the Google path against a local HTTPS stub with a certificate made by the
 * test: the exact samples arrive and are cached (and serve offline); every way Google can fail
 * (down, slow, garbage, 500, bad base64, not a WAV) makes eSpeak NG speak with one log line that
 * says why; certificates that are not trusted, or not for this host, are refused before the API key
 * is sent; and the key never appears in a log line.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include <cjson/cJSON.h>
#include <cmocka.h>

#include "https_stub.h"
#include "tts_test_util.h"

static const char KEY[] = "AIzaTEST-secret-key";

typedef struct {
    char *dir;
    char cache[4200];
    stub *stub;
    tlog log;
    const char *said[64]; /* every text spoken, to check none reached a log line */
    int nsaid;
} fixture;

static int setup(void **state)
{
    fixture *f = calloc(1, sizeof *f);
    f->dir = tmpdir_make("tts-google");
    if (f->dir == NULL)
        return -1;
    snprintf(f->cache, sizeof f->cache, "%s/cache", f->dir);
    tlog_init(&f->log);
    f->stub = stub_start(f->dir);
    *state = f;
    return f->stub != NULL ? 0 : -1;
}

static int teardown(void **state)
{
    fixture *f = *state;
    if (getenv("TTS_TEST_VERBOSE") != NULL)
        tlog_dump(&f->log);
    /* Whatever happened in the test: no log line holds the key or a text that was spoken. */
    assert_int_equal(tlog_matching(&f->log, KEY), 0);
    for (int i = 0; i < f->nsaid; i++)
        assert_int_equal(tlog_matching(&f->log, f->said[i]), 0);
    stub_stop(f->stub);
    tmpdir_remove(f->dir);
    tlog_destroy(&f->log);
    free(f);
    return 0;
}

typedef struct {
    const char *endpoint; /* NULL: the stub's */
    bool no_ca;           /* trust only the system store */
    const char *ca_file;  /* NULL: the stub's certificate */
    long timeout_ms;
} options;

static tts *make(fixture *f, options o)
{
    tts_config cfg;
    tts_config_default(&cfg);
    char endpoint[64];
    stub_endpoint(f->stub, endpoint, sizeof endpoint);
    cfg.google_endpoint = o.endpoint ? o.endpoint : endpoint;
    cfg.google_key = KEY;
    cfg.ca_file = o.no_ca ? NULL : o.ca_file ? o.ca_file : stub_ca_file(f->stub);
    /* Generous unless the test is about the timeout: a loaded CI machine must not fail the others. */
    cfg.google_timeout_ms = o.timeout_ms ? o.timeout_ms : 30000;
    cfg.cache_dir = f->cache;
    cfg.online = true;
    cfg.log = tlog_fn;
    cfg.log_ctx = &f->log;
    char err[256] = "";
    tts *t = tts_create(&cfg, err, sizeof err);
    if (t == NULL)
        fprintf(stderr, "tts_create: %s\n", err);
    assert_non_null(t);
    return t;
}

static tts_result say(fixture *f, tts *t, const char *lang, const char *text)
{
    if (f->nsaid < 64)
        f->said[f->nsaid++] = text;
    tts_result r;
    char err[256] = "";
    tts_status st = tts_say(t, lang, text, TTS_USE_AUTO, &r, err, sizeof err);
    if (st != TTS_OK)
        fprintf(stderr, "tts_say: %s\n", err);
    assert_int_equal(st, TTS_OK);
    return r;
}

static void expect_stub_audio(const tts_result *r, const char *text, int stub_rate)
{
    audio_pcm want, resampled;
    stub_pcm_for_text(text, stub_rate, &want);
    assert_int_equal(audio_resample(&want, AUDIO_RATE, &resampled), AUDIO_OK);
    assert_int_equal(r->engine, TTS_ENGINE_GOOGLE);
    assert_true(pcm_equal(&r->pcm, &resampled));
    audio_pcm_free(&want);
    audio_pcm_free(&resampled);
}

static void expect_request(fixture *f, const char *text, const char *language, const char *voice)
{
    char target[2048], body[8192];
    assert_true(stub_last_request(f->stub, target, sizeof target, body, sizeof body));
    char want[256];
    snprintf(want, sizeof want, "/v1/text:synthesize?key=%s", KEY);
    assert_string_equal(target, want);
    cJSON *j = cJSON_Parse(body);
    assert_non_null(j);
    cJSON *input = cJSON_GetObjectItem(j, "input"), *v = cJSON_GetObjectItem(j, "voice"),
          *ac = cJSON_GetObjectItem(j, "audioConfig");
    assert_string_equal(cJSON_GetStringValue(cJSON_GetObjectItem(input, "text")), text);
    assert_string_equal(cJSON_GetStringValue(cJSON_GetObjectItem(v, "languageCode")), language);
    assert_string_equal(cJSON_GetStringValue(cJSON_GetObjectItem(v, "name")), voice);
    assert_string_equal(cJSON_GetStringValue(cJSON_GetObjectItem(ac, "audioEncoding")), "LINEAR16");
    assert_int_equal((int)cJSON_GetNumberValue(cJSON_GetObjectItem(ac, "sampleRateHertz")), 16000);
    double rate = cJSON_GetNumberValue(cJSON_GetObjectItem(ac, "speakingRate"));
    assert_true(rate > 150.0 / 175 - 0.01 && rate < 150.0 / 175 + 0.01);
    cJSON_Delete(j);
}

static void test_ok_exact_samples_cached_and_served_offline(void **state)
{
    fixture *f = *state;
    tts *t = make(f, (options){0});
    const char *text = "Avez-vous manqué d'appétit ?";
    tts_result r = say(f, t, "fr", text);
    expect_stub_audio(&r, text, 16000);
    assert_false(r.cache_hit);
    assert_false(r.fell_back);
    assert_int_equal(stub_requests(f->stub), 1);
    expect_request(f, text, "fr-FR", "fr-FR-Wavenet-C");
    char path[4400];
    audio_pcm disk;
    assert_true(cache_only_entry(f->cache, path, sizeof path));
    assert_int_equal(audio_wav_read(path, &disk, NULL, 0), AUDIO_OK);
    assert_true(pcm_equal(&disk, &r.pcm));
    audio_pcm_free(&disk);
    tts_result_free(&r);

    r = say(f, t, "fr", text);
    assert_true(r.cache_hit);
    expect_stub_audio(&r, text, 16000);
    assert_int_equal(stub_requests(f->stub), 1);
    tts_result_free(&r);

    /* English goes with the English voice. */
    r = say(f, t, "en", "Have you lacked appetite?");
    expect_stub_audio(&r, "Have you lacked appetite?", 16000);
    expect_request(f, "Have you lacked appetite?", "en-GB", "en-GB-Wavenet-A");
    tts_result_free(&r);

    /* Offline: the neural audio already fetched is still spoken; the rest is eSpeak, quietly. */
    tts_set_online(t, false);
    r = say(f, t, "fr", text);
    assert_true(r.cache_hit);
    expect_stub_audio(&r, text, 16000);
    tts_result_free(&r);
    r = say(f, t, "fr", "Avez-vous eu des nausées ?");
    assert_int_equal(r.engine, TTS_ENGINE_ESPEAK);
    assert_false(r.fell_back);
    tts_result_free(&r);
    assert_int_equal(stub_requests(f->stub), 2);
    assert_int_equal(tlog_count(&f->log), 0);
    tts_destroy(t);
}

static void test_other_rate_is_resampled(void **state)
{
    fixture *f = *state;
    stub_set_rate(f->stub, 24000);
    tts *t = make(f, (options){0});
    tts_result r = say(f, t, "fr", "Assez");
    assert_int_equal(r.pcm.rate, AUDIO_RATE);
    expect_stub_audio(&r, "Assez", 24000);
    tts_result_free(&r);
    tts_destroy(t);
}

static void expect_fallback(fixture *f, tts *t, const char *text, const char *reason)
{
    int lines = tlog_count(&f->log);
    tts_result r = say(f, t, "fr", text);
    assert_int_equal(r.engine, TTS_ENGINE_ESPEAK);
    assert_true(r.fell_back);
    assert_false(r.cache_hit);
    assert_int_equal(r.pcm.rate, AUDIO_RATE);
    assert_true(audio_measure(r.pcm.samples, r.pcm.count).rms_dbfs > -35.0); /* eSpeak really spoke */
    tts_result_free(&r);
    /* Exactly one line, and it says why. */
    assert_int_equal(tlog_count(&f->log), lines + 1);
    if (!tlog_has(&f->log, "Google TTS failed", reason)) {
        tlog_dump(&f->log);
        fail_msg("no log line with \"%s\"", reason);
    }
    assert_true(tlog_has(&f->log, reason, "eSpeak NG"));
}

static void test_bad_replies_fall_back_to_espeak(void **state)
{
    fixture *f = *state;
    tts *t = make(f, (options){.timeout_ms = 400});
    const struct {
        stub_mode mode;
        const char *text, *reason;
    } cases[] = {
        {STUB_GARBAGE_JSON, "Un peu", "not valid JSON"},
        {STUB_HTTP_500, "Assez", "HTTP 500 INTERNAL"},
        {STUB_BAD_BASE64, "Beaucoup", "not valid base64"},
        {STUB_NOT_WAV, "Pas du tout", "not a usable WAV"},
        {STUB_SLOW, "Excellent", "no answer within 400 ms"},
    };
    int requests = 0;
    for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
        stub_set_mode(f->stub, cases[i].mode);
        expect_fallback(f, t, cases[i].text, cases[i].reason);
        assert_int_equal(stub_requests(f->stub), ++requests);
    }
    /* Failures cached nothing of Google's: once it recovers, the same texts get neural audio. */
    stub_set_mode(f->stub, STUB_OK);
    stub_wait_idle(f->stub); /* the slow reply is still being sent */
    for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
        tts_result r = say(f, t, "fr", cases[i].text);
        expect_stub_audio(&r, cases[i].text, 16000);
        assert_false(r.cache_hit);
        tts_result_free(&r);
    }
    tts_destroy(t);
}

static void test_down_falls_back_to_espeak(void **state)
{
    fixture *f = *state;
    char endpoint[64];
    stub_endpoint(f->stub, endpoint, sizeof endpoint);
    /* A fresh stub for teardown; the old port now refuses connections. */
    stub_stop(f->stub);
    f->stub = stub_start(f->dir);
    assert_non_null(f->stub);
    tts *t = make(f, (options){.endpoint = endpoint});
    expect_fallback(f, t, "Avez-vous eu du mal à dormir ?", "Couldn't connect");
    tts_destroy(t);
}

static void wait_for_handshake_failure(fixture *f)
{
    /* The client gives up first; the stub notices a moment later. */
    for (int i = 0; i < 500 && stub_handshake_failures(f->stub) == 0; i++)
        nanosleep(&(struct timespec){.tv_nsec = 10 * 1000 * 1000}, NULL);
    assert_true(stub_handshake_failures(f->stub) > 0);
}

static void test_untrusted_certificates_are_refused(void **state)
{
    fixture *f = *state;
    /* The system store does not know the stub's self-signed certificate. */
    tts *t = make(f, (options){.no_ca = true});
    expect_fallback(f, t, "Avez-vous été fatigué(e) ?", "TLS certificate verification failed");
    wait_for_handshake_failure(f);
    tts_destroy(t);

    /* A CA file, but not the one that signed the stub's certificate. */
    char other[4400];
    snprintf(other, sizeof other, "%s/other-ca.pem", f->dir);
    assert_int_equal(stub_write_other_ca(other), 0);
    t = make(f, (options){.ca_file = other});
    expect_fallback(f, t, "Avez-vous eu la diarrhée ?", "TLS certificate verification failed");
    tts_destroy(t);

    /* The right certificate, but for another host name: host verification is on too. */
    char by_name[64];
    snprintf(by_name, sizeof by_name, "https://localhost:%d", stub_port(f->stub));
    t = make(f, (options){.endpoint = by_name});
    expect_fallback(f, t, "Avez-vous eu du mal à vous concentrer ?", "TLS certificate verification failed");
    tts_destroy(t);

    /* Not one request got through: the key never left the kiosk. */
    assert_int_equal(stub_requests(f->stub), 0);
    assert_int_equal(cache_entry_count(f->cache), 3); /* eSpeak's three */
}

static void test_google_by_name_does_not_fall_back(void **state)
{
    fixture *f = *state;
    tts *t = make(f, (options){0});
    stub_set_mode(f->stub, STUB_HTTP_500);
    tts_result r;
    char err[256] = "";
    f->said[f->nsaid++] = "Oui";
    assert_int_equal(tts_say(t, "fr", "Oui", TTS_USE_GOOGLE, &r, err, sizeof err), TTS_ERR_GOOGLE);
    assert_non_null(strstr(err, "HTTP 500"));
    assert_null(r.pcm.samples);
    assert_int_equal(cache_entry_count(f->cache), 0);

    tts_set_online(t, false);
    assert_int_equal(tts_say(t, "fr", "Oui", TTS_USE_GOOGLE, &r, err, sizeof err), TTS_ERR_UNAVAILABLE);
    assert_non_null(strstr(err, "offline"));

    /* eSpeak by name never asks Google. */
    tts_set_online(t, true);
    stub_set_mode(f->stub, STUB_OK);
    assert_int_equal(tts_say(t, "fr", "Oui", TTS_USE_ESPEAK, &r, err, sizeof err), TTS_OK);
    assert_int_equal(r.engine, TTS_ENGINE_ESPEAK);
    tts_result_free(&r);
    assert_int_equal(stub_requests(f->stub), 1);
    assert_int_equal(tts_say(t, "fr", "Oui", TTS_USE_GOOGLE, &r, err, sizeof err), TTS_OK);
    expect_stub_audio(&r, "Oui", 16000);
    tts_result_free(&r);
    tts_destroy(t);
}

static void test_corrupt_google_entry_is_fetched_again(void **state)
{
    fixture *f = *state;
    tts *t = make(f, (options){0});
    tts_result r = say(f, t, "fr", "Non");
    tts_result_free(&r);
    char path[4400];
    assert_true(cache_only_entry(f->cache, path, sizeof path));
    FILE *fp = fopen(path, "r+b");
    assert_non_null(fp);
    fputs("RIFX", fp); /* the first bytes of the header flipped: a big-endian RIFF we do not read */
    fclose(fp);
    r = say(f, t, "fr", "Non");
    assert_false(r.cache_hit);
    expect_stub_audio(&r, "Non", 16000);
    tts_result_free(&r);
    assert_int_equal(stub_requests(f->stub), 2);
    assert_true(tlog_has(&f->log, "corrupt", "removed"));
    tts_destroy(t);
}

/* Whatever a message quotes, the key is masked: here Google's error status happens to be the key. */
static void test_key_is_scrubbed_from_any_log_line(void **state)
{
    fixture *f = *state;
    tts_config cfg;
    tts_config_default(&cfg);
    char endpoint[64];
    stub_endpoint(f->stub, endpoint, sizeof endpoint);
    cfg.google_endpoint = endpoint;
    cfg.google_key = "INTERNAL";
    cfg.ca_file = stub_ca_file(f->stub);
    cfg.online = true;
    cfg.log = tlog_fn;
    cfg.log_ctx = &f->log;
    tts *t = tts_create(&cfg, NULL, 0);
    assert_non_null(t);
    stub_set_mode(f->stub, STUB_HTTP_500);
    tts_result r;
    char err[256] = "";
    assert_int_equal(tts_say(t, "fr", "Oui", TTS_USE_AUTO, &r, err, sizeof err), TTS_OK);
    tts_result_free(&r);
    assert_true(tlog_has(&f->log, "HTTP 500 [key]", NULL));
    assert_int_equal(tlog_matching(&f->log, "INTERNAL"), 0);
    assert_int_equal(tts_say(t, "fr", "Non", TTS_USE_GOOGLE, &r, err, sizeof err), TTS_ERR_GOOGLE);
    assert_null(strstr(err, "INTERNAL"));
    tts_destroy(t);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test_setup_teardown(test_ok_exact_samples_cached_and_served_offline, setup, teardown),
        cmocka_unit_test_setup_teardown(test_other_rate_is_resampled, setup, teardown),
        cmocka_unit_test_setup_teardown(test_bad_replies_fall_back_to_espeak, setup, teardown),
        cmocka_unit_test_setup_teardown(test_down_falls_back_to_espeak, setup, teardown),
        cmocka_unit_test_setup_teardown(test_untrusted_certificates_are_refused, setup, teardown),
        cmocka_unit_test_setup_teardown(test_google_by_name_does_not_fall_back, setup, teardown),
        cmocka_unit_test_setup_teardown(test_corrupt_google_entry_is_fetched_again, setup, teardown),
        cmocka_unit_test_setup_teardown(test_key_is_scrubbed_from_any_log_line, setup, teardown),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
