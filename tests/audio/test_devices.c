/*
 * test_devices.c - the null device, the WAV device (folder order, end of input, output file content and
 * length, interruption). The PortAudio device: test_portaudio_room.c.
 */
#include "qlq_audio.h"
#include "wav_build.h"

#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <cmocka.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

static char dir[256];

static void sleep_ms(int ms)
{
    struct timespec ts = {.tv_sec = ms / 1000, .tv_nsec = (long)(ms % 1000) * 1000000L};
    nanosleep(&ts, NULL);
}

static void path_in(char *out, size_t n, const char *name) { snprintf(out, n, "%s/%s", dir, name); }

static int setup(void **state)
{
    (void)state;
    snprintf(dir, sizeof dir, "/tmp/qlq_audio_dev_%ld_XXXXXX", (long)getpid());
    return mkdtemp(dir) ? 0 : -1;
}

static int teardown(void **state)
{
    (void)state;
    char cmd[300];
    snprintf(cmd, sizeof cmd, "rm -rf '%s'", dir);
    return system(cmd) == 0 ? 0 : -1;
}

/* A ramp that identifies each file: sample i of file k is k*1000 + i % 500. */
static int16_t *ramp(int k, size_t n)
{
    int16_t *s = malloc(n * sizeof *s);
    for (size_t i = 0; i < n; i++)
        s[i] = (int16_t)(k * 1000 + (int)(i % 500));
    return s;
}

static void save_pcm16(const char *name, unsigned rate, const int16_t *s, size_t n)
{
    char p[512];
    path_in(p, sizeof p, name);
    wb b = {0};
    wb_pcm16(&b, rate, s, n);
    assert_int_equal(wb_save(&b, p), 0);
    wb_free(&b);
}

/* Reads one whole capture in odd-sized chunks; checks that the end is reported only at the end. */
static size_t drain(audio_device *d, int16_t *out, size_t cap)
{
    size_t got = 0;
    while (!d->ops->capture_at_end(d)) {
        size_t n = d->ops->capture_read(d, out + got, cap - got < 777 ? cap - got : 777, 10);
        assert_true(n > 0);
        got += n;
    }
    assert_int_equal(d->ops->capture_read(d, out, cap, 10), 0);
    return got;
}

static void test_null(void **state)
{
    (void)state;
    audio_device *d = audio_open_null();
    assert_non_null(d);
    assert_string_equal(d->ops->name, "null");
    int16_t buf[16] = {0};
    assert_int_equal(d->ops->capture_start(d), AUDIO_OK);
    assert_int_equal(d->ops->capture_read(d, buf, 16, 50), 0);
    assert_true(d->ops->capture_at_end(d));
    d->ops->capture_stop(d);
    assert_int_equal(d->ops->play(d, buf, 16, 16000), AUDIO_OK);
    assert_false(d->ops->playing(d));
    d->ops->play_stop(d);
    d->ops->destroy(d);
}

static void test_wav_folder_order(void **state)
{
    (void)state;
    char sub[512], p[512];
    path_in(sub, sizeof sub, "in");
    assert_int_equal(mkdir(sub, 0755), 0);
    int16_t *a = ramp(1, 1600), *b = ramp(2, 4410), *c = ramp(3, 2 * 4800);
    save_pcm16("in/b.wav", 22050, b, 4410);  /* 0.2 s at 22.05 kHz */
    save_pcm16("in/a.wav", 16000, a, 1600);  /* 0.1 s, already at 16 kHz */
    save_pcm16("in/c.WAV", 48000, c, 9600);  /* 0.2 s at 48 kHz */
    save_pcm16("in/notes.txt", 16000, a, 10);
    path_in(p, sizeof p, "in/z.wav"); /* a folder named like a WAV is not an input */
    assert_int_equal(mkdir(p, 0755), 0);
    char err[512];
    audio_device *d = audio_open_wav(sub, NULL, err, sizeof err);
    assert_non_null(d);
    assert_string_equal(d->ops->name, "wav");
    assert_true(d->ops->capture_at_end(d)); /* nothing captured yet */
    int16_t *got = malloc(20000 * sizeof *got);
    assert_int_equal(d->ops->capture_start(d), AUDIO_OK);
    assert_int_equal(drain(d, got, 20000), 1600);
    assert_memory_equal(got, a, 1600 * sizeof *a); /* same rate: untouched */
    d->ops->capture_stop(d);
    assert_int_equal(d->ops->capture_start(d), AUDIO_OK);
    size_t n = drain(d, got, 20000);
    assert_true(labs((long)n - 3200) <= 4);
    assert_true(abs(got[1600] - 2000 - (1600 * 22050 / 16000) % 500) < 400); /* file b's level, not a's or c's */
    assert_int_equal(d->ops->capture_start(d), AUDIO_OK); /* without a stop: the next file */
    assert_int_equal(d->ops->capture_read(d, got, 100, 0), 100);
    assert_false(d->ops->capture_at_end(d));
    d->ops->capture_stop(d);
    for (int i = 0; i < 2; i++) { /* past the last file: silence, at its end */
        assert_int_equal(d->ops->capture_start(d), AUDIO_OK);
        assert_true(d->ops->capture_at_end(d));
        assert_int_equal(d->ops->capture_read(d, got, 100, 0), 0);
    }
    d->ops->destroy(d);
    free(a), free(b), free(c), free(got);
}

static void test_wav_input_single_and_bad(void **state)
{
    (void)state;
    char sub[512], p[512], err[512];
    int16_t *a = ramp(4, 800);
    path_in(sub, sizeof sub, "bad");
    assert_int_equal(mkdir(sub, 0755), 0);
    save_pcm16("bad/1.wav", 16000, a, 800);
    path_in(p, sizeof p, "bad/1.wav");
    audio_device *d = audio_open_wav(p, NULL, err, sizeof err); /* one file */
    assert_non_null(d);
    int16_t got[1000];
    assert_int_equal(d->ops->capture_start(d), AUDIO_OK);
    assert_int_equal(drain(d, got, 1000), 800);
    assert_int_equal(d->ops->capture_start(d), AUDIO_OK);
    assert_true(d->ops->capture_at_end(d));
    d->ops->destroy(d);

    path_in(p, sizeof p, "bad/0.wav"); /* an unreadable file comes first; the next still plays */
    FILE *f = fopen(p, "wb");
    fputs("RIFF....WAVEjunk", f);
    fclose(f);
    d = audio_open_wav(sub, NULL, err, sizeof err);
    assert_non_null(d);
    assert_int_equal(d->ops->capture_start(d), AUDIO_ERR_TRUNCATED);
    assert_true(d->ops->capture_at_end(d));
    assert_int_equal(d->ops->capture_start(d), AUDIO_OK);
    assert_int_equal(drain(d, got, 1000), 800);
    d->ops->destroy(d);

    d = audio_open_wav(NULL, NULL, err, sizeof err); /* no input at all */
    assert_non_null(d);
    assert_int_equal(d->ops->capture_start(d), AUDIO_OK);
    assert_true(d->ops->capture_at_end(d));
    d->ops->destroy(d);
    free(a);
}

static void test_wav_open_errors(void **state)
{
    (void)state;
    char p[512], err[512];
    path_in(p, sizeof p, "missing.wav");
    assert_null(audio_open_wav(p, NULL, err, sizeof err));
    assert_non_null(strstr(err, p));
    path_in(p, sizeof p, "empty");
    assert_int_equal(mkdir(p, 0755), 0);
    assert_null(audio_open_wav(p, NULL, err, sizeof err));
    assert_non_null(strstr(err, "no .wav file"));
    assert_null(audio_open_wav(NULL, "/nonexistent-dir/out.wav", err, sizeof err));
    assert_non_null(strstr(err, "/nonexistent-dir/out.wav"));
    assert_null(audio_open_wav("/dev/null", NULL, err, sizeof err));
    assert_non_null(strstr(err, "neither a file nor a folder"));
}

static void read_out(const char *p, audio_pcm *pcm)
{
    char err[512];
    if (audio_wav_read(p, pcm, err, sizeof err) != AUDIO_OK)
        fail_msg("%s", err);
    assert_int_equal(pcm->rate, AUDIO_RATE);
}

static void wait_quiet(audio_device *d)
{
    for (int i = 0; i < 500 && d->ops->playing(d); i++)
        sleep_ms(10);
    assert_false(d->ops->playing(d));
}

/* Plays a short 16 kHz sound and a 22.05 kHz one; the file holds both, in order, at 16 kHz, and is
 * readable after each play (what a crash would leave). */
static void test_wav_output(void **state)
{
    (void)state;
    char p[512], err[512];
    path_in(p, sizeof p, "out.wav");
    audio_device *d = audio_open_wav(NULL, p, err, sizeof err);
    assert_non_null(d);
    audio_pcm pcm;
    read_out(p, &pcm);
    assert_int_equal(pcm.count, 0);
    audio_pcm_free(&pcm);
    int16_t *a = ramp(5, 800), *b = ramp(6, 2205);
    assert_int_equal(d->ops->play(d, a, 800, 16000), AUDIO_OK);
    read_out(p, &pcm);
    assert_int_equal(pcm.count, 800);
    assert_memory_equal(pcm.samples, a, 800 * sizeof *a);
    audio_pcm_free(&pcm);
    wait_quiet(d);
    assert_int_equal(d->ops->play(d, b, 2205, 22050), AUDIO_OK);
    wait_quiet(d);
    assert_int_equal(d->ops->play(d, NULL, 0, 16000), AUDIO_OK);
    assert_false(d->ops->playing(d));
    assert_int_equal(d->ops->play(d, a, 10, 1), AUDIO_ERR_FORMAT);
    d->ops->destroy(d);
    read_out(p, &pcm);
    assert_true(labs((long)pcm.count - (800 + 1600)) <= 4);
    assert_memory_equal(pcm.samples, a, 800 * sizeof *a);
    assert_true(abs(pcm.samples[800 + 800] - 6000 - (800 * 22050 / 16000) % 500) < 400);
    audio_pcm_free(&pcm);
    free(a), free(b);
}

/* Interruption: only what was "heard" stays in the file. 30 s of audio stopped after about 0.2 s. */
static void test_wav_play_stop(void **state)
{
    (void)state;
    char p[512], err[512];
    path_in(p, sizeof p, "stop.wav");
    audio_device *d = audio_open_wav(NULL, p, err, sizeof err);
    const size_t n = 30 * 16000;
    int16_t *a = ramp(7, n), *b = ramp(8, 400);
    assert_int_equal(d->ops->play(d, a, n, 16000), AUDIO_OK);
    assert_true(d->ops->playing(d));
    sleep_ms(200);
    d->ops->play_stop(d);
    assert_false(d->ops->playing(d));
    d->ops->play_stop(d); /* twice is harmless */
    audio_pcm pcm;
    read_out(p, &pcm);
    size_t heard = pcm.count;
    assert_true(heard >= 200 * 16 && heard < n);
    assert_memory_equal(pcm.samples, a, heard * sizeof *a);
    audio_pcm_free(&pcm);
    /* A new sound while one plays replaces it, as on a speaker. */
    assert_int_equal(d->ops->play(d, a, n, 16000), AUDIO_OK);
    assert_int_equal(d->ops->play(d, b, 400, 16000), AUDIO_OK);
    d->ops->destroy(d); /* destroying keeps what is playing whole */
    read_out(p, &pcm);
    assert_true(pcm.count >= heard + 400 && pcm.count < heard + n);
    assert_memory_equal(pcm.samples + pcm.count - 400, b, 400 * sizeof *b);
    audio_pcm_free(&pcm);
    free(a), free(b);
}

/* Output discarded: timing still behaves like a speaker. */
static void test_wav_no_output(void **state)
{
    (void)state;
    char err[512];
    audio_device *d = audio_open_wav(NULL, NULL, err, sizeof err);
    int16_t *a = ramp(1, 16000 * 30);
    assert_int_equal(d->ops->play(d, a, 16000 * 30, 16000), AUDIO_OK);
    assert_true(d->ops->playing(d));
    d->ops->play_stop(d);
    assert_false(d->ops->playing(d));
    assert_int_equal(d->ops->play(d, a, 160, 16000), AUDIO_OK);
    wait_quiet(d);
    d->ops->destroy(d);
    free(a);
}

/* A faster speaker: 30 s of audio "plays" in about 0.3 s at speed 100. */
static void test_wav_speed(void **state)
{
    (void)state;
    char err[512];
    audio_device *d = audio_open_wav(NULL, NULL, err, sizeof err);
    assert_false(audio_wav_set_speed(d, 0.5));
    assert_false(audio_wav_set_speed(NULL, 10));
    audio_device *null_dev = audio_open_null();
    assert_false(audio_wav_set_speed(null_dev, 10)); /* only WAV devices have a speed */
    null_dev->ops->destroy(null_dev);
    assert_true(audio_wav_set_speed(d, 100));
    int16_t *a = ramp(2, 16000 * 30);
    assert_int_equal(d->ops->play(d, a, 16000 * 30, 16000), AUDIO_OK);
    assert_true(d->ops->playing(d));
    sleep_ms(500);
    assert_false(d->ops->playing(d));
    d->ops->destroy(d);
    free(a);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_null),
        cmocka_unit_test(test_wav_folder_order),
        cmocka_unit_test(test_wav_input_single_and_bad),
        cmocka_unit_test(test_wav_open_errors),
        cmocka_unit_test(test_wav_output),
        cmocka_unit_test(test_wav_play_stop),
        cmocka_unit_test(test_wav_speed),
        cmocka_unit_test(test_wav_no_output),
    };
    return cmocka_run_group_tests(tests, setup, teardown);
}
