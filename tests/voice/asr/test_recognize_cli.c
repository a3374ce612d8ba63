/* qlq-recognize as a program: one JSON object per file with exactly the documented fields, a
 * 44.1 kHz file resampled, an "error" entry for a truncated and a missing file while the others
 * are still decoded, exit statuses. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <cmocka.h>

#include "asr_test_util.h"

#include <cjson/cJSON.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>

#ifndef QLQ_RECOGNIZE_BIN
#error QLQ_RECOGNIZE_BIN must name the qlq-recognize binary
#endif

typedef struct {
    char *dir;
} fixture;

static int setup(void **state)
{
    fixture *f = calloc(1, sizeof *f);
    if (!f || !(f->dir = asr_test_tmpdir()))
        return -1;
    if (asr_test_say(f->dir, "trois", "fr+f5", 150, "trois", "pad 0.4 0.4") != 0 ||
        asr_test_say(f->dir, "retour44", "fr+m6", 150, "retour", "pad 0.4 0.4 rate 44100") != 0 ||
        asr_test_say(f->dir, "oui", "fr+m6", 150, "oui", "pad 0.4 0.4") != 0 ||
        asr_test_sh("head -c 2000 '%s/trois.wav' > '%s/cut.wav' && echo hello > '%s/text.wav'", f->dir, f->dir,
                    f->dir) != 0)
        return -1;
    *state = f;
    return 0;
}

static int teardown(void **state)
{
    fixture *f = *state;
    asr_test_rmdir(f->dir);
    free(f);
    return 0;
}

/* Runs the tool in the fixture folder; stdout into `out`; returns the exit status. */
static int run(const fixture *f, const char *args, char *out, size_t len)
{
    char cmd[2048];
    snprintf(cmd, sizeof cmd, "cd '%s' && QLQ_ASSETS_DIR='%s' '%s' %s 2>/dev/null", f->dir, getenv("QLQ_ASSETS_DIR"),
             QLQ_RECOGNIZE_BIN, args);
    FILE *p = popen(cmd, "r");
    assert_non_null(p);
    size_t n = fread(out, 1, len - 1, p);
    out[n] = '\0';
    int st = pclose(p);
    return WIFEXITED(st) ? WEXITSTATUS(st) : -1;
}

static const char *const answers[] = {"1", "2", "3", "4", "5", "6", "7", "repeat", "back", "dontknow",
                                      "yes", "no", "reject"};

/* Checks one line's shape; returns the parsed object (caller frees). */
static cJSON *check_line(const char *line, const char *file, bool error)
{
    cJSON *o = cJSON_Parse(line);
    assert_non_null(o);
    assert_true(cJSON_IsObject(o));
    static const char *const keys[] = {"file", "answer", "confidence", "audio_ms", "decode_ms"};
    int n_keys = 0;
    for (cJSON *it = o->child; it; it = it->next)
        n_keys++;
    assert_int_equal(n_keys, 5 + (error ? 1 : 0));
    for (size_t i = 0; i < 5; i++)
        assert_non_null(cJSON_GetObjectItemCaseSensitive(o, keys[i]));
    assert_string_equal(cJSON_GetObjectItemCaseSensitive(o, "file")->valuestring, file);
    const char *ans = cJSON_GetObjectItemCaseSensitive(o, "answer")->valuestring;
    bool known = false;
    for (size_t i = 0; i < sizeof answers / sizeof answers[0]; i++)
        known |= strcmp(ans, answers[i]) == 0;
    assert_true(known);
    double conf = cJSON_GetObjectItemCaseSensitive(o, "confidence")->valuedouble;
    assert_true(conf >= 0.0 && conf <= 1.0);
    assert_true(cJSON_IsNumber(cJSON_GetObjectItemCaseSensitive(o, "audio_ms")));
    assert_true(cJSON_IsNumber(cJSON_GetObjectItemCaseSensitive(o, "decode_ms")));
    cJSON *err = cJSON_GetObjectItemCaseSensitive(o, "error");
    assert_true(error ? cJSON_IsString(err) && strlen(err->valuestring) > 0 : err == NULL);
    return o;
}

static void test_files_and_errors(void **state)
{
    fixture *f = *state;
    static char out[8192];
    int st = run(f, "--scale 4 trois.wav cut.wav retour44.wav missing.wav text.wav", out, sizeof out);
    assert_int_equal(st, 1); /* some file could not be read */
    static const struct { const char *file; bool error; } expect[] = {
        {"trois.wav", false}, {"cut.wav", true}, {"retour44.wav", false}, {"missing.wav", true}, {"text.wav", true},
    };
    char *save = NULL, *line = strtok_r(out, "\n", &save);
    for (size_t i = 0; i < sizeof expect / sizeof expect[0]; i++, line = strtok_r(NULL, "\n", &save)) {
        assert_non_null(line);
        cJSON *o = check_line(line, expect[i].file, expect[i].error);
        const char *ans = cJSON_GetObjectItemCaseSensitive(o, "answer")->valuestring;
        double audio_ms = cJSON_GetObjectItemCaseSensitive(o, "audio_ms")->valuedouble;
        if (expect[i].error) {
            assert_string_equal(ans, "reject");
        } else {
            assert_true(audio_ms > 800 && audio_ms < 3000);
        }
        if (strcmp(expect[i].file, "trois.wav") == 0)
            assert_string_equal(ans, "3");
        if (strcmp(expect[i].file, "retour44.wav") == 0) /* 44.1 kHz, resampled */
            assert_string_equal(ans, "back");
        cJSON_Delete(o);
    }
    assert_null(line);
}

static void test_yesno_and_scale7(void **state)
{
    fixture *f = *state;
    static char out[4096];
    assert_int_equal(run(f, "--yesno oui.wav", out, sizeof out), 0);
    cJSON *o = check_line(strtok(out, "\n"), "oui.wav", false);
    assert_string_equal(cJSON_GetObjectItemCaseSensitive(o, "answer")->valuestring, "yes");
    cJSON_Delete(o);
    assert_int_equal(run(f, "--scale 7 trois.wav", out, sizeof out), 0);
    o = check_line(strtok(out, "\n"), "trois.wav", false);
    assert_string_equal(cJSON_GetObjectItemCaseSensitive(o, "answer")->valuestring, "3");
    cJSON_Delete(o);
}

static const char *answer_of(char *line)
{
    static char answer[16];
    cJSON *o = cJSON_Parse(line);
    assert_non_null(o);
    snprintf(answer, sizeof answer, "%s", cJSON_GetObjectItemCaseSensitive(o, "answer")->valuestring);
    cJSON_Delete(o);
    return answer;
}

/* Answers of the scale have their own threshold (the kiosk confirms the unsure ones); commands keep
 * theirs; --reject-below alone sets both, as it did before answers had their own. */
static void test_thresholds(void **state)
{
    fixture *f = *state;
    static char out[4096];
    char *save = NULL;
    assert_int_equal(run(f, "--scale 4 --answer-reject-below 0.999 trois.wav retour44.wav", out, sizeof out), 0);
    assert_string_equal(answer_of(strtok_r(out, "\n", &save)), "reject");
    assert_string_equal(answer_of(strtok_r(NULL, "\n", &save)), "back");
    assert_int_equal(run(f, "--scale 4 --reject-below 0.999 trois.wav retour44.wav", out, sizeof out), 0);
    assert_string_equal(answer_of(strtok_r(out, "\n", &save)), "reject");
    assert_string_equal(answer_of(strtok_r(NULL, "\n", &save)), "reject");
    assert_int_equal(run(f, "--scale 4 --reject-below 0.999 --answer-reject-below 0.5 trois.wav retour44.wav", out,
                         sizeof out), 0);
    assert_string_equal(answer_of(strtok_r(out, "\n", &save)), "3");
    assert_string_equal(answer_of(strtok_r(NULL, "\n", &save)), "reject");
}

static void test_usage(void **state)
{
    fixture *f = *state;
    char out[256];
    assert_int_equal(run(f, "trois.wav", out, sizeof out), 2);         /* no scale */
    assert_int_equal(run(f, "--scale 5 trois.wav", out, sizeof out), 2);
    assert_int_equal(run(f, "--scale 4", out, sizeof out), 2);         /* no file */
    assert_int_equal(run(f, "--scale 4 --lang de trois.wav", out, sizeof out), 2);
    assert_int_equal(run(f, "--scale 4 --hmm /nonexistent trois.wav", out, sizeof out), 2);
    assert_string_equal(out, "");
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_files_and_errors),
        cmocka_unit_test(test_yesno_and_scale7),
        cmocka_unit_test(test_thresholds),
        cmocka_unit_test(test_usage),
    };
    return cmocka_run_group_tests(tests, setup, teardown);
}
