/*
 * test_say_cli.c - the real qlq-say binary: eSpeak output, an item's speech text (checked through the
 * shared cache against what the library says for that text), Google through the local stub with the
 * key from a file or the environment, every error with exit status 1 and a clear message, and the
 * key never printed.
 */
#include <fcntl.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cmocka.h>

#include "https_stub.h"
#include "qlq_loader.h"
#include "tts_test_util.h"

#ifndef QLQ_SAY_BIN
#error "QLQ_SAY_BIN must be defined by the build"
#endif

static const char KEY[] = "AIzaCLI-secret-123";

typedef struct {
    char *dir;
    char cache[4200], out[4200], key_file[4200];
    stub *stub;
    char endpoint[64];
    char err[16384]; /* the last run's standard error */
} fixture;

static int setup(void **state)
{
    fixture *f = calloc(1, sizeof *f);
    f->dir = tmpdir_make("tts-say");
    if (f->dir == NULL)
        return -1;
    snprintf(f->cache, sizeof f->cache, "%s/cache", f->dir);
    snprintf(f->out, sizeof f->out, "%s/out.wav", f->dir);
    snprintf(f->key_file, sizeof f->key_file, "%s/google.key", f->dir);
    FILE *k = fopen(f->key_file, "w");
    fprintf(k, "  %s\n", KEY);
    fclose(k);
    f->stub = stub_start(f->dir);
    if (f->stub == NULL)
        return -1;
    stub_endpoint(f->stub, f->endpoint, sizeof f->endpoint);
    *state = f;
    return 0;
}

static int teardown(void **state)
{
    fixture *f = *state;
    stub_stop(f->stub);
    tmpdir_remove(f->dir);
    free(f);
    return 0;
}

/* Runs qlq-say with the arguments (NULL-terminated) and QLQ_GOOGLE_TTS_KEY set to `env_key` (NULL:
 * unset); returns the exit status and keeps standard error in f->err. */
static int run(fixture *f, const char *env_key, ...)
{
    const char *argv[40] = {QLQ_SAY_BIN};
    int n = 1;
    va_list ap;
    va_start(ap, env_key);
    for (const char *a; n < 39 && (a = va_arg(ap, const char *)) != NULL;)
        argv[n++] = a;
    va_end(ap);
    char err_path[4300];
    snprintf(err_path, sizeof err_path, "%s/stderr.txt", f->dir);
    pid_t pid = fork();
    assert_true(pid >= 0);
    if (pid == 0) {
        int fd = open(err_path, O_WRONLY | O_CREAT | O_TRUNC, 0600);
        dup2(fd, 2);
        int null = open("/dev/null", O_WRONLY);
        dup2(null, 1);
        if (env_key != NULL)
            setenv("QLQ_GOOGLE_TTS_KEY", env_key, 1);
        else
            unsetenv("QLQ_GOOGLE_TTS_KEY");
        execv(QLQ_SAY_BIN, (char *const *)argv);
        _exit(127);
    }
    int status;
    assert_int_equal(waitpid(pid, &status, 0), pid);
    FILE *e = fopen(err_path, "r");
    size_t len = e ? fread(f->err, 1, sizeof f->err - 1, e) : 0;
    f->err[len] = '\0';
    if (e)
        fclose(e);
    /* Whatever the run: the key is never printed. */
    assert_null(strstr(f->err, KEY));
    assert_null(strstr(f->err, "SECRET"));
    return WIFEXITED(status) ? WEXITSTATUS(status) : 128 + WTERMSIG(status);
}

static void expect_error(fixture *f, const char *needle)
{
    if (strstr(f->err, needle) == NULL)
        fail_msg("stderr lacks \"%s\": %s", needle, f->err);
    assert_int_equal(access(f->out, F_OK), -1); /* nothing written */
}

static void read_out(fixture *f, audio_pcm *pcm)
{
    char why[256] = "";
    assert_int_equal(audio_wav_read(f->out, pcm, why, sizeof why), AUDIO_OK);
    assert_int_equal(pcm->rate, AUDIO_RATE);
}

static void test_espeak_text(void **state)
{
    fixture *f = *state;
    assert_int_equal(run(f, NULL, "--engine", "espeak", "--text", "Avez-vous eu le souffle court ?", "--out",
                         f->out, NULL),
                     0);
    assert_non_null(strstr(f->err, "engine espeak, cache miss"));
    audio_pcm p;
    read_out(f, &p);
    assert_true(pcm_seconds(&p) > 1.0 && pcm_seconds(&p) < 6.0);
    assert_true(audio_measure(p.samples, p.count).rms_dbfs > -35.0);
    audio_pcm_free(&p);
}

/* The file holds the speech of item N in the language asked for: the library, given that item's
 * speech text, finds the very same audio in the cache qlq-say filled. */
static void expect_item(fixture *f, const char *lang, int item, const char *speed)
{
    char n[8];
    snprintf(n, sizeof n, "%d", item);
    assert_int_equal(run(f, NULL, "--lang", lang, "--item", n, "--speed", speed, "--cache", f->cache, "--out",
                         f->out, "--assets", test_assets_dir(), NULL),
                     0);
    qlq_questionnaire q;
    qlq_load_error le;
    assert_int_equal(qlq_loader_load_language(test_assets_dir(), lang, &q, &le), 0);
    tts_config cfg;
    tts_config_default(&cfg);
    cfg.cache_dir = f->cache;
    cfg.speed_wpm = atoi(speed);
    tts *t = tts_create(&cfg, NULL, 0);
    assert_non_null(t);
    tts_result r;
    assert_int_equal(tts_say(t, lang, q.items[item].speech, TTS_USE_AUTO, &r, NULL, 0), TTS_OK);
    assert_true(r.cache_hit);
    audio_pcm p;
    read_out(f, &p);
    assert_true(pcm_equal(&p, &r.pcm));
    audio_pcm_free(&p);
    tts_result_free(&r);
    tts_destroy(t);
    qlq_questionnaire_free(&q);
}

static void test_item_speech_text(void **state)
{
    fixture *f = *state;
    expect_item(f, "fr", 5, "150");
    expect_item(f, "en", 29, "150");
    expect_item(f, "fr", 0, "120");
    assert_int_equal(cache_entry_count(f->cache), 3);
}

static void test_google_through_the_stub(void **state)
{
    fixture *f = *state;
    assert_int_equal(run(f, NULL, "--engine", "google", "--text", "Un peu", "--google-endpoint", f->endpoint,
                         "--google-key-file", f->key_file, "--ca-file", stub_ca_file(f->stub), "--out", f->out,
                         "--timeout-ms", "30000", NULL),
                     0);
    assert_non_null(strstr(f->err, "engine google"));
    audio_pcm p, want;
    read_out(f, &p);
    stub_pcm_for_text("Un peu", AUDIO_RATE, &want);
    assert_true(pcm_equal(&p, &want));
    audio_pcm_free(&p);
    audio_pcm_free(&want);
    char target[2048], body[4096], expect[256];
    assert_true(stub_last_request(f->stub, target, sizeof target, body, sizeof body));
    snprintf(expect, sizeof expect, "/v1/text:synthesize?key=%s", KEY); /* trimmed from the file */
    assert_string_equal(target, expect);

    /* The key from the environment; auto mode uses Google when it has a key. */
    assert_int_equal(run(f, "SECRET-env-key", "--text", "Assez", "--lang", "en", "--google-endpoint", f->endpoint,
                         "--ca-file", stub_ca_file(f->stub), "--out", f->out, "--timeout-ms", "30000", NULL),
                     0);
    assert_non_null(strstr(f->err, "engine google"));
    assert_true(stub_last_request(f->stub, target, sizeof target, body, sizeof body));
    assert_string_equal(target, "/v1/text:synthesize?key=SECRET-env-key");
    assert_non_null(strstr(body, "en-GB"));
    stub_pcm_for_text("Assez", AUDIO_RATE, &want);
    read_out(f, &p);
    assert_true(pcm_equal(&p, &want));
    audio_pcm_free(&p);
    audio_pcm_free(&want);
    assert_int_equal(stub_requests(f->stub), 2);
}

static void test_google_failures(void **state)
{
    fixture *f = *state;
    /* By name, Google's failure is the tool's failure. */
    stub_set_mode(f->stub, STUB_HTTP_500);
    assert_int_equal(run(f, KEY, "--engine", "google", "--text", "Oui", "--google-endpoint", f->endpoint,
                         "--ca-file", stub_ca_file(f->stub), "--out", f->out, NULL),
                     1);
    expect_error(f, "HTTP 500");
    /* Without the CA file the stub's certificate is not trusted. */
    stub_set_mode(f->stub, STUB_OK);
    assert_int_equal(run(f, KEY, "--engine", "google", "--text", "Oui", "--google-endpoint", f->endpoint, "--out",
                         f->out, NULL),
                     1);
    expect_error(f, "TLS certificate verification failed");
    assert_int_equal(stub_requests(f->stub), 1);
    /* Automatic mode falls back to eSpeak and says why. */
    stub_set_mode(f->stub, STUB_GARBAGE_JSON);
    assert_int_equal(run(f, KEY, "--text", "Oui", "--google-endpoint", f->endpoint, "--ca-file",
                         stub_ca_file(f->stub), "--out", f->out, NULL),
                     0);
    assert_non_null(strstr(f->err, "Google TTS failed (reply is not valid JSON)"));
    assert_non_null(strstr(f->err, "engine espeak"));
}

static void test_usage_errors(void **state)
{
    fixture *f = *state;
    assert_int_equal(run(f, NULL, "--engine", "google", "--text", "Oui", "--out", f->out, NULL), 1);
    expect_error(f, "--engine google needs a Google API key");
    assert_int_equal(run(f, NULL, "--item", "31", "--out", f->out, NULL), 1);
    expect_error(f, "--item must be a whole number from 0 to 30");
    assert_int_equal(run(f, NULL, "--item", "3x", "--out", f->out, NULL), 1);
    expect_error(f, "--item must be");
    assert_int_equal(run(f, NULL, "--item", "3", "--text", "Oui", "--out", f->out, NULL), 1);
    expect_error(f, "exactly one of --item N and --text TEXT");
    assert_int_equal(run(f, NULL, "--text", "Oui", NULL), 1);
    expect_error(f, "missing --out");
    assert_int_equal(run(f, NULL, "--lang", "de", "--text", "Ja", "--out", f->out, NULL), 1);
    expect_error(f, "--lang must be fr or en");
    assert_int_equal(run(f, NULL, "--engine", "festival", "--text", "Oui", "--out", f->out, NULL), 1);
    expect_error(f, "--engine must be auto, espeak or google");
    assert_int_equal(run(f, NULL, "--speed", "20", "--text", "Oui", "--out", f->out, NULL), 1);
    expect_error(f, "--speed must be");
    assert_int_equal(run(f, NULL, "--text", "", "--out", f->out, NULL), 1);
    expect_error(f, "nothing to say");
    assert_int_equal(run(f, NULL, "--voice", "xx-nothing", "--text", "Oui", "--out", f->out, NULL), 1);
    expect_error(f, "no voice named");
    assert_int_equal(run(f, NULL, "--google-key-file", "/no/such/key", "--text", "Oui", "--out", f->out, NULL), 1);
    expect_error(f, "cannot read the key file");
    assert_int_equal(run(f, NULL, "--google-endpoint", "http://127.0.0.1:1", "--google-key-file", f->key_file,
                         "--text", "Oui", "--out", f->out, NULL),
                     1);
    expect_error(f, "https://");
    assert_int_equal(run(f, NULL, "--text", "Oui", "--out", f->out, "--frobnicate", NULL), 1);
    expect_error(f, "unknown argument '--frobnicate'");
    /* A key on the command line is refused without being echoed (run() checks it is not printed). */
    assert_int_equal(run(f, NULL, "--google-key=SECRET-on-argv", "--text", "Oui", "--out", f->out, NULL), 1);
    expect_error(f, "never taken from the command line");
    assert_int_equal(run(f, NULL, "--google-key", "SECRET-on-argv", "--text", "Oui", "--out", f->out, NULL), 1);
    expect_error(f, "never taken from the command line");
    char bad_out[4300];
    snprintf(bad_out, sizeof bad_out, "%s/no/such/dir/out.wav", f->dir);
    assert_int_equal(run(f, NULL, "--engine", "espeak", "--text", "Oui", "--out", bad_out, NULL), 1);
    expect_error(f, "cannot write");
    assert_int_equal(run(f, NULL, "--help", NULL), 0);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test_setup_teardown(test_espeak_text, setup, teardown),
        cmocka_unit_test_setup_teardown(test_item_speech_text, setup, teardown),
        cmocka_unit_test_setup_teardown(test_google_through_the_stub, setup, teardown),
        cmocka_unit_test_setup_teardown(test_google_failures, setup, teardown),
        cmocka_unit_test_setup_teardown(test_usage_errors, setup, teardown),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
