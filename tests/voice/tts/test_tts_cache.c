/*
 * test_tts_cache.c - the disk cache: misses then hits with the very same samples, keys that tell
 * speed and language apart, persistence across restarts, corrupt entries detected and replaced
 * (never played), least-recently-used eviction under the size cap, atomic writes, and a cache that
 * cannot be written to (speech goes on).
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include <cmocka.h>
#include <fcntl.h>

#include "https_stub.h"
#include "tts_test_util.h"

typedef struct {
    char *dir;   /* the test's temp folder */
    char cache[4200];
    tlog log;
} fixture;

static int setup(void **state)
{
    fixture *f = calloc(1, sizeof *f);
    f->dir = tmpdir_make("tts-cache");
    if (f->dir == NULL)
        return -1;
    snprintf(f->cache, sizeof f->cache, "%s/cache", f->dir);
    tlog_init(&f->log);
    *state = f;
    return 0;
}

static int teardown(void **state)
{
    fixture *f = *state;
    tmpdir_remove(f->dir);
    tlog_destroy(&f->log);
    free(f);
    return 0;
}

static tts *make(fixture *f, int wpm, uint64_t cap, const stub *s)
{
    tts_config cfg;
    tts_config_default(&cfg);
    cfg.speed_wpm = wpm;
    cfg.cache_dir = f->cache;
    cfg.cache_max_bytes = cap;
    cfg.log = tlog_fn;
    cfg.log_ctx = &f->log;
    char endpoint[64];
    if (s != NULL) {
        stub_endpoint(s, endpoint, sizeof endpoint);
        cfg.google_endpoint = endpoint;
        cfg.google_key = "test-key-123";
        cfg.ca_file = stub_ca_file(s);
        cfg.online = true;
        cfg.google_timeout_ms = 30000; /* no timeouts on a loaded machine */
    }
    char err[256] = "";
    tts *t = tts_create(&cfg, err, sizeof err);
    if (t == NULL)
        fprintf(stderr, "tts_create: %s\n", err);
    return t;
}

static tts_result say(tts *t, const char *lang, const char *text)
{
    tts_result r;
    char err[256] = "";
    tts_status st = tts_say(t, lang, text, TTS_USE_AUTO, &r, err, sizeof err);
    if (st != TTS_OK)
        fprintf(stderr, "tts_say: %s\n", err);
    assert_int_equal(st, TTS_OK);
    return r;
}

static void test_miss_then_hit(void **state)
{
    fixture *f = *state;
    tts *t = make(f, 150, 0, NULL);
    assert_non_null(t);
    tts_result a = say(t, "fr", "Avez-vous été constipé(e) ?");
    assert_false(a.cache_hit);
    assert_int_equal(a.engine, TTS_ENGINE_ESPEAK);
    assert_int_equal(cache_entry_count(f->cache), 1);
    assert_int_equal(dir_count_prefix(f->cache, "."), 2); /* "." and "..": no temp file left */

    /* The entry on disk is exactly what was spoken. */
    char path[4400];
    assert_true(cache_only_entry(f->cache, path, sizeof path));
    audio_pcm disk;
    assert_int_equal(audio_wav_read(path, &disk, NULL, 0), AUDIO_OK);
    assert_true(pcm_equal(&disk, &a.pcm));
    audio_pcm_free(&disk);

    /* eSpeak varies a little from one rendition to the next: equality proves it came from the cache. */
    tts_result b = say(t, "fr", "Avez-vous été constipé(e) ?");
    assert_true(b.cache_hit);
    assert_int_equal(b.engine, TTS_ENGINE_ESPEAK);
    assert_true(pcm_equal(&a.pcm, &b.pcm));
    tts_result_free(&b);

    /* Another language or another text is another entry. */
    b = say(t, "en", "Avez-vous été constipé(e) ?");
    assert_false(b.cache_hit);
    tts_result_free(&b);
    b = say(t, "fr", "Avez-vous été constipé ?");
    assert_false(b.cache_hit);
    tts_result_free(&b);
    assert_int_equal(cache_entry_count(f->cache), 3);
    tts_destroy(t);

    /* Another speed is another entry, even for the same text. */
    t = make(f, 200, 0, NULL);
    b = say(t, "fr", "Avez-vous été constipé(e) ?");
    assert_false(b.cache_hit);
    assert_false(pcm_equal(&a.pcm, &b.pcm));
    tts_result_free(&b);
    tts_destroy(t);

    /* The cache outlives the process: a new handle with the first speed hits. */
    t = make(f, 150, 0, NULL);
    b = say(t, "fr", "Avez-vous été constipé(e) ?");
    assert_true(b.cache_hit);
    assert_true(pcm_equal(&a.pcm, &b.pcm));
    tts_result_free(&b);
    tts_result_free(&a);
    assert_int_equal(tlog_count(&f->log), 0);
    tts_destroy(t);
}

static void write_bytes(const char *path, const void *data, size_t len)
{
    FILE *fp = fopen(path, "wb");
    assert_non_null(fp);
    assert_int_equal(fwrite(data, 1, len, fp), len);
    assert_int_equal(fclose(fp), 0);
}

typedef enum { CORRUPT_TRUNCATE, CORRUPT_GARBAGE, CORRUPT_EMPTY, CORRUPT_8KHZ, CORRUPT_TRAILING } corruption;

static void corrupt(const char *path, corruption how)
{
    static const char garbage[] = "RIFF\x10\x00\x00\x00WAVEjunkjunkjunkjunkjunkjunkjunk";
    int16_t tone[800];
    for (size_t i = 0; i < 800; i++)
        tone[i] = (int16_t)((i % 40) * 500 - 10000);
    switch (how) {
    case CORRUPT_TRUNCATE: assert_int_equal(truncate(path, 1000), 0); break;
    case CORRUPT_GARBAGE: write_bytes(path, garbage, sizeof garbage - 1); break;
    case CORRUPT_EMPTY: write_bytes(path, "", 0); break;
    /* Valid WAV files, but not what the cache writes: they would play at the wrong speed. */
    case CORRUPT_8KHZ: assert_int_equal(audio_wav_write(path, tone, 800, 8000), AUDIO_OK); break;
    case CORRUPT_TRAILING: {
        /* A 16 kHz entry with bytes after the data: not a canonical entry any more. */
        assert_int_equal(audio_wav_write(path, tone, 800, 16000), AUDIO_OK);
        FILE *fp = fopen(path, "ab");
        assert_non_null(fp);
        fputs("trailing bytes", fp);
        fclose(fp);
        break;
    }
    }
}

static void test_corrupt_entry_is_removed_never_played(void **state)
{
    fixture *f = *state;
    tts *t = make(f, 150, 0, NULL);
    assert_non_null(t);
    const corruption all[] = {CORRUPT_TRUNCATE, CORRUPT_GARBAGE, CORRUPT_EMPTY, CORRUPT_8KHZ, CORRUPT_TRAILING};
    for (size_t i = 0; i < sizeof all / sizeof all[0]; i++) {
        tts_result a = say(t, "fr", "Avez-vous eu mal ?");
        char path[4400];
        assert_true(cache_only_entry(f->cache, path, sizeof path));
        corrupt(path, all[i]);
        int logged = tlog_matching(&f->log, "corrupt");

        tts_result b = say(t, "fr", "Avez-vous eu mal ?");
        assert_false(b.cache_hit);
        assert_int_equal(b.engine, TTS_ENGINE_ESPEAK);
        assert_int_equal(b.pcm.rate, AUDIO_RATE);
        /* Freshly synthesised speech of the same length, not the corrupt bytes. */
        assert_true(b.pcm.count > a.pcm.count * 98 / 100 && b.pcm.count < a.pcm.count * 102 / 100);
        assert_int_equal(tlog_matching(&f->log, "corrupt"), logged + 1);
        /* The entry was replaced with a good one. */
        audio_pcm disk;
        assert_true(cache_only_entry(f->cache, path, sizeof path));
        assert_int_equal(audio_wav_read(path, &disk, NULL, 0), AUDIO_OK);
        assert_true(pcm_equal(&disk, &b.pcm));
        audio_pcm_free(&disk);
        tts_result_free(&a);
        tts_result_free(&b);
        assert_int_equal(unlink(path), 0);
    }
    tts_destroy(t);
}

/* With Google's fixed-size answers every entry has the same size, so the cap is an entry count. */
static void test_cap_evicts_least_recently_used(void **state)
{
    fixture *f = *state;
    stub *s = stub_start(f->dir);
    assert_non_null(s);
    const uint64_t entry = 44 + 2 * (AUDIO_RATE / 2);
    tts *t = make(f, 150, entry * 7 / 2, s); /* room for three and a half */
    assert_non_null(t);
    const char *A = "Un peu", *B = "Assez", *C = "Beaucoup", *D = "Pas du tout";
    const struct {
        const char *text;
        bool hit;
    } steps[] = {
        {A, false}, {B, false}, {C, false}, /* full: A B C */
        {A, true},                          /* A is now the most recently used */
        {D, false},                         /* evicts B, the least recently used */
        {A, true},  {C, true},  {D, true},  /* all still there */
        {B, false},                         /* fetched again; evicts A (C, D were used after it) */
        {C, true},  {D, true},  {B, true},
        {A, false},
    };
    int requests = 0;
    for (size_t i = 0; i < sizeof steps / sizeof steps[0]; i++) {
        tts_result r = say(t, "fr", steps[i].text);
        if (r.cache_hit != steps[i].hit)
            fprintf(stderr, "step %zu (%s): expected %s\n", i, steps[i].text, steps[i].hit ? "hit" : "miss");
        assert_int_equal(r.cache_hit, steps[i].hit);
        assert_int_equal(r.engine, TTS_ENGINE_GOOGLE);
        requests += !steps[i].hit;
        assert_int_equal(stub_requests(s), requests);
        assert_true(cache_entry_count(f->cache) <= 3);
        assert_true((uint64_t)cache_bytes(f->cache) <= entry * 7 / 2);
        tts_result_free(&r);
    }
    assert_true(tlog_has(&f->log, "over its cap", NULL));
    tts_destroy(t);
    stub_stop(s);
}

static void test_stale_temp_files_are_cleaned(void **state)
{
    fixture *f = *state;
    tts *t = make(f, 150, 0, NULL);
    assert_non_null(t);
    char old_tmp[4400], new_tmp[4400], other[4400];
    snprintf(old_tmp, sizeof old_tmp, "%s/.tmp-dead-writer.part", f->cache);
    snprintf(new_tmp, sizeof new_tmp, "%s/.tmp-live-writer.part", f->cache);
    snprintf(other, sizeof other, "%s/README", f->cache);
    write_bytes(old_tmp, "half", 4);
    write_bytes(new_tmp, "half", 4);
    write_bytes(other, "not ours", 8);
    struct timespec hour_ago[2] = {{.tv_sec = time(NULL) - 3600}, {.tv_sec = time(NULL) - 3600}};
    assert_int_equal(utimensat(AT_FDCWD, old_tmp, hour_ago, 0), 0);
    tts_result r = say(t, "fr", "Oui");
    tts_result_free(&r);
    assert_int_equal(access(old_tmp, F_OK), -1); /* a writer that died long ago */
    assert_int_equal(access(new_tmp, F_OK), 0);  /* may belong to a writer at work */
    assert_int_equal(access(other, F_OK), 0);    /* not the cache's to remove */
    tts_destroy(t);
}

static void test_unwritable_cache_still_speaks(void **state)
{
    fixture *f = *state;
    tts *t = make(f, 150, 0, NULL);
    assert_non_null(t);
    /* The folder disappears under the kiosk (a root-proof way to make every write fail). */
    assert_int_equal(rmdir(f->cache), 0);
    write_bytes(f->cache, "a file, not a folder", 20);
    tts_result r = say(t, "fr", "Non");
    assert_int_equal(r.engine, TTS_ENGINE_ESPEAK);
    assert_true(r.pcm.count > 0);
    assert_false(r.cache_hit);
    tts_result_free(&r);
    assert_true(tlog_has(&f->log, "cannot write TTS cache entry", NULL));
    tts_destroy(t);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test_setup_teardown(test_miss_then_hit, setup, teardown),
        cmocka_unit_test_setup_teardown(test_corrupt_entry_is_removed_never_played, setup, teardown),
        cmocka_unit_test_setup_teardown(test_cap_evicts_least_recently_used, setup, teardown),
        cmocka_unit_test_setup_teardown(test_stale_temp_files_are_cleaned, setup, teardown),
        cmocka_unit_test_setup_teardown(test_unwritable_cache_still_speaks, setup, teardown),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
