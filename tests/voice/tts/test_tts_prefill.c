/*
 * test_tts_prefill.c - the background prefill: every item and message of both languages fetched
 * from the stub, then spoken from the cache with the network gone; entries already there are not
 * fetched again; a stop aborts a request in flight; a failing Google makes it give up; and what it
 * refuses to start.
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

#include "https_stub.h"
#include "qlq_loader.h"
#include "tts_test_util.h"

typedef struct {
    char *dir;
    char cache[4200];
    stub *stub;
    tlog log;
    qlq_questionnaire q[2]; /* fr, en */
} fixture;

static const char *const LANGS[2] = {"fr", "en"};

static int setup(void **state)
{
    fixture *f = calloc(1, sizeof *f);
    f->dir = tmpdir_make("tts-prefill");
    if (f->dir == NULL)
        return -1;
    snprintf(f->cache, sizeof f->cache, "%s/cache", f->dir);
    tlog_init(&f->log);
    f->stub = stub_start(f->dir);
    for (int l = 0; l < 2; l++) {
        qlq_load_error le;
        if (qlq_loader_load_language(test_assets_dir(), LANGS[l], &f->q[l], &le) != 0) {
            fprintf(stderr, "%s\n", le.message);
            return -1;
        }
    }
    *state = f;
    return f->stub != NULL ? 0 : -1;
}

static int teardown(void **state)
{
    fixture *f = *state;
    if (getenv("TTS_TEST_VERBOSE") != NULL)
        tlog_dump(&f->log);
    stub_stop(f->stub);
    for (int l = 0; l < 2; l++)
        qlq_questionnaire_free(&f->q[l]);
    tmpdir_remove(f->dir);
    tlog_destroy(&f->log);
    free(f);
    return 0;
}

static tts *make(fixture *f, bool online, long timeout_ms)
{
    tts_config cfg;
    tts_config_default(&cfg);
    char endpoint[64];
    stub_endpoint(f->stub, endpoint, sizeof endpoint);
    cfg.google_endpoint = endpoint;
    cfg.google_key = "prefill-key";
    cfg.ca_file = stub_ca_file(f->stub);
    cfg.google_timeout_ms = timeout_ms ? timeout_ms : 30000; /* no timeouts on a loaded machine */
    cfg.cache_dir = f->cache;
    cfg.online = online;
    cfg.log = tlog_fn;
    cfg.log_ctx = &f->log;
    char err[256] = "";
    tts *t = tts_create(&cfg, err, sizeof err);
    assert_non_null(t);
    return t;
}

/* Every text the kiosk can say, calling fn on each; returns how many distinct (language, text). */
static size_t each_text(fixture *f, void (*fn)(void *ctx, const char *lang, const char *text), void *ctx)
{
    size_t distinct = 0;
    for (int l = 0; l < 2; l++) {
        const char *seen[QLQ_ITEM_SLOTS + QLQ_MSG_COUNT];
        size_t n = 0;
        for (int i = 0; i < QLQ_ITEM_SLOTS + QLQ_MSG_COUNT; i++) {
            const char *text = i < QLQ_ITEM_SLOTS ? f->q[l].items[i].speech
                                                  : qlq_message(&f->q[l], (qlq_msg)(i - QLQ_ITEM_SLOTS));
            assert_non_null(text);
            bool dup = false;
            for (size_t k = 0; k < n && !dup; k++)
                dup = strcmp(seen[k], text) == 0;
            if (!dup)
                seen[n++] = text;
            if (fn != NULL)
                fn(ctx, LANGS[l], text);
        }
        distinct += n;
    }
    return distinct;
}

static void wait_progress(tts *t, tts_prefill_progress *p)
{
    tts_prefill_wait(t);
    tts_prefill_get_progress(t, p);
}

typedef struct {
    tts *t;
    int checked;
} offline_check;

static void expect_cached_google(void *ctx, const char *lang, const char *text)
{
    offline_check *c = ctx;
    tts_result r;
    assert_int_equal(tts_say(c->t, lang, text, TTS_USE_AUTO, &r, NULL, 0), TTS_OK);
    audio_pcm want;
    stub_pcm_for_text(text, AUDIO_RATE, &want);
    if (r.engine != TTS_ENGINE_GOOGLE || !r.cache_hit)
        fail_msg("%s text not prefilled: %s", lang, text);
    assert_true(pcm_equal(&r.pcm, &want));
    audio_pcm_free(&want);
    tts_result_free(&r);
    c->checked++;
}

static void test_fills_every_item_and_message_of_both_languages(void **state)
{
    fixture *f = *state;
    size_t distinct = each_text(f, NULL, NULL);
    assert_true(distinct > 2 * 31);
    tts *t = make(f, true, 0);
    char err[256] = "";
    assert_int_equal(tts_prefill_start(t, test_assets_dir(), err, sizeof err), 0);
    tts_prefill_progress p;
    wait_progress(t, &p);
    assert_int_equal(p.state, TTS_PREFILL_DONE);
    assert_int_equal(p.total, distinct);
    assert_int_equal(p.fetched, distinct);
    assert_int_equal(p.done, distinct);
    assert_int_equal(p.failed, 0);
    assert_int_equal(p.already_cached, 0);
    assert_int_equal(stub_requests(f->stub), (int)distinct);
    assert_int_equal(cache_entry_count(f->cache), (int)distinct);
    assert_true(tlog_has(&f->log, "prefill finished", NULL));
    tts_destroy(t);

    /* The next session, with no network: every item and message is neural audio from the cache. */
    t = make(f, false, 0);
    offline_check c = {.t = t};
    each_text(f, expect_cached_google, &c);
    assert_int_equal(c.checked, 2 * (QLQ_ITEM_SLOTS + QLQ_MSG_COUNT));
    assert_int_equal(stub_requests(f->stub), (int)distinct);
    tts_destroy(t);

    /* Online again: nothing left to fetch. */
    t = make(f, true, 0);
    assert_int_equal(tts_prefill_start(t, test_assets_dir(), err, sizeof err), 0);
    wait_progress(t, &p);
    assert_int_equal(p.state, TTS_PREFILL_DONE);
    assert_int_equal(p.already_cached, distinct);
    assert_int_equal(p.fetched, 0);
    assert_int_equal(stub_requests(f->stub), (int)distinct);
    tts_destroy(t);
}

static void test_texts_already_cached_are_not_fetched(void **state)
{
    fixture *f = *state;
    tts *t = make(f, true, 0);
    tts_result r;
    assert_int_equal(tts_say(t, "fr", f->q[0].items[7].speech, TTS_USE_AUTO, &r, NULL, 0), TTS_OK);
    tts_result_free(&r);
    assert_int_equal(tts_say(t, "en", qlq_message(&f->q[1], QLQ_MSG_WELCOME), TTS_USE_AUTO, &r, NULL, 0), TTS_OK);
    tts_result_free(&r);
    assert_int_equal(tts_prefill_start(t, test_assets_dir(), NULL, 0), 0);
    tts_prefill_progress p;
    wait_progress(t, &p);
    assert_int_equal(p.already_cached, 2);
    assert_int_equal(p.fetched, p.total - 2);
    assert_int_equal(stub_requests(f->stub), (int)p.total);
    tts_destroy(t);
}

static void wait_for_request(fixture *f)
{
    while (stub_requests(f->stub) == 0)
        nanosleep(&(struct timespec){.tv_nsec = 5 * 1000 * 1000}, NULL);
}

/* The stub never answers and the timeout is ten minutes: only an abort of the request in flight
 * lets stop return (if it did not, CTest's timeout would fail this test). */
static void test_stop_aborts_the_request_in_flight(void **state)
{
    fixture *f = *state;
    stub_set_mode(f->stub, STUB_HANG);
    tts *t = make(f, true, 600000);
    char err[256] = "";
    assert_int_equal(tts_prefill_start(t, test_assets_dir(), err, sizeof err), 0);
    wait_for_request(f);
    tts_prefill_progress p;
    tts_prefill_get_progress(t, &p);
    assert_int_equal(p.state, TTS_PREFILL_RUNNING);
    /* One at a time. */
    assert_int_equal(tts_prefill_start(t, test_assets_dir(), err, sizeof err), -1);
    assert_non_null(strstr(err, "already running"));
    struct timespec a, b;
    clock_gettime(CLOCK_MONOTONIC, &a);
    tts_prefill_stop(t);
    clock_gettime(CLOCK_MONOTONIC, &b);
    fprintf(stderr, "  stopped in %.0f ms\n", (b.tv_sec - a.tv_sec) * 1e3 + (b.tv_nsec - a.tv_nsec) / 1e6);
    tts_prefill_get_progress(t, &p);
    assert_int_equal(p.state, TTS_PREFILL_STOPPED);
    assert_int_equal(p.done, 0);
    assert_int_equal(p.failed, 0); /* stopping is not a Google failure */
    assert_true(tlog_has(&f->log, "prefill stopped", NULL));
    tts_prefill_stop(t); /* twice is fine */

    /* Destroying the handle at exit stops a running prefill the same way. */
    assert_int_equal(tts_prefill_start(t, test_assets_dir(), err, sizeof err), 0);
    tts_destroy(t);
    assert_int_equal(tlog_matching(&f->log, "prefill stopped"), 2);
}

static void test_going_offline_stops_it(void **state)
{
    fixture *f = *state;
    stub_set_mode(f->stub, STUB_SLOW);
    stub_set_delay_ms(f->stub, 1500); /* long enough for the test to go offline first, even on a loaded machine */
    tts *t = make(f, true, 0);
    assert_int_equal(tts_prefill_start(t, test_assets_dir(), NULL, 0), 0);
    wait_for_request(f);
    tts_set_online(t, false); /* the request in flight finishes; no other starts */
    tts_prefill_progress p;
    wait_progress(t, &p);
    assert_int_equal(p.state, TTS_PREFILL_STOPPED);
    assert_true(p.done <= 1);
    assert_true(stub_requests(f->stub) <= 1);
    tts_destroy(t);
}

static void test_gives_up_when_google_keeps_failing(void **state)
{
    fixture *f = *state;
    stub_set_mode(f->stub, STUB_HTTP_500);
    tts *t = make(f, true, 0);
    assert_int_equal(tts_prefill_start(t, test_assets_dir(), NULL, 0), 0);
    tts_prefill_progress p;
    wait_progress(t, &p);
    assert_int_equal(p.state, TTS_PREFILL_GAVE_UP);
    assert_int_equal(p.failed, 3);
    assert_int_equal(stub_requests(f->stub), 3);
    assert_int_equal(cache_entry_count(f->cache), 0);
    assert_int_equal(tlog_matching(&f->log, "HTTP 500"), 3);
    assert_true(tlog_has(&f->log, "giving up", NULL));
    tts_destroy(t);
}

static void test_refused_without_network_cache_or_google(void **state)
{
    fixture *f = *state;
    char err[256];
    tts *t = make(f, false, 0);
    tts_prefill_progress p;
    tts_prefill_get_progress(t, &p);
    assert_int_equal(p.state, TTS_PREFILL_IDLE);
    tts_prefill_wait(t); /* nothing started: returns at once */
    assert_int_equal(tts_prefill_start(t, test_assets_dir(), err, sizeof err), -1);
    assert_non_null(strstr(err, "offline"));
    tts_set_online(t, true);
    assert_int_equal(tts_prefill_start(t, "/no/such/assets", err, sizeof err), -1);
    assert_non_null(strstr(err, "questionnaire"));
    tts_destroy(t);

    tts_config cfg;
    tts_config_default(&cfg);
    cfg.online = true;
    cfg.cache_dir = f->cache; /* Google not configured */
    t = tts_create(&cfg, err, sizeof err);
    assert_non_null(t);
    assert_int_equal(tts_prefill_start(t, test_assets_dir(), err, sizeof err), -1);
    assert_non_null(strstr(err, "not configured"));
    tts_destroy(t);

    char endpoint[64];
    stub_endpoint(f->stub, endpoint, sizeof endpoint);
    cfg.cache_dir = NULL;
    cfg.google_endpoint = endpoint;
    cfg.google_key = "k";
    t = tts_create(&cfg, err, sizeof err);
    assert_non_null(t);
    assert_int_equal(tts_prefill_start(t, test_assets_dir(), err, sizeof err), -1);
    assert_non_null(strstr(err, "no cache"));
    tts_destroy(t);
    assert_int_equal(stub_requests(f->stub), 0);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test_setup_teardown(test_fills_every_item_and_message_of_both_languages, setup, teardown),
        cmocka_unit_test_setup_teardown(test_texts_already_cached_are_not_fetched, setup, teardown),
        cmocka_unit_test_setup_teardown(test_stop_aborts_the_request_in_flight, setup, teardown),
        cmocka_unit_test_setup_teardown(test_going_offline_stops_it, setup, teardown),
        cmocka_unit_test_setup_teardown(test_gives_up_when_google_keeps_failing, setup, teardown),
        cmocka_unit_test_setup_teardown(test_refused_without_network_cache_or_google, setup, teardown),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
