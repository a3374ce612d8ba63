/*
 * test_dsp.c - resampling keeps frequency and duration; a tempo change keeps the pitch; the level meter on signals whose level is
 * known analytically; a real eSpeak NG recording read and resampled.
 */
#include "qlq_audio.h"

#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <cmocka.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#ifndef M_PI
#define M_PI 3.14159265358979323846
#endif

static audio_pcm make_sine(int rate, double freq, double amplitude, double seconds)
{
    size_t n = (size_t)(rate * seconds);
    audio_pcm p = {.samples = malloc(n * sizeof(int16_t)), .count = n, .rate = rate};
    assert_non_null(p.samples);
    for (size_t i = 0; i < n; i++)
        p.samples[i] = (int16_t)lrint(amplitude * sin(2.0 * M_PI * freq * (double)i / rate));
    return p;
}

/* Power of one frequency (Goertzel), normalised by length. */
static double goertzel(const int16_t *x, size_t n, int rate, double freq)
{
    double w = 2.0 * M_PI * freq / rate, c = 2.0 * cos(w), s1 = 0, s2 = 0;
    for (size_t i = 0; i < n; i++) {
        double s0 = x[i] + c * s1 - s2;
        s2 = s1;
        s1 = s0;
    }
    return (s1 * s1 + s2 * s2 - c * s1 * s2) / ((double)n * n);
}

static size_t zero_crossings(const int16_t *x, size_t n)
{
    size_t z = 0;
    for (size_t i = 1; i < n; i++)
        if ((x[i - 1] < 0) != (x[i] < 0))
            z++;
    return z;
}

/* A 1 kHz tone converted to 16 kHz: same duration, same pitch, nothing at other frequencies. */
static void check_tone_resample(int from, int to)
{
    audio_pcm in = make_sine(from, 1000.0, 20000.0, 1.0), out;
    assert_int_equal(audio_resample(&in, to, &out), AUDIO_OK);
    assert_int_equal(out.rate, to);
    assert_true(labs((long)out.count - to) <= 4);
    /* Skip the filter's start-up and tail, then count: 1000 Hz is 2000 crossings a second. */
    size_t skip = (size_t)to / 20, len = out.count - 2 * skip;
    double secs = (double)len / to;
    double zc = (double)zero_crossings(out.samples + skip, len) / secs;
    assert_true(fabs(zc - 2000.0) <= 4.0);
    double p1k = goertzel(out.samples + skip, len, to, 1000.0);
    double p900 = goertzel(out.samples + skip, len, to, 900.0);
    double p1500 = goertzel(out.samples + skip, len, to, 1500.0);
    assert_true(p1k > 1000.0 * p900);
    assert_true(p1k > 1000.0 * p1500);
    /* Amplitude is kept within 0.5 dB (a 20000-peak sine has RMS 20000/sqrt 2). */
    audio_level l = audio_measure(out.samples + skip, len);
    double want = 20.0 * log10(20000.0 / sqrt(2.0) / 32768.0);
    assert_true(fabs(l.rms_dbfs - want) < 0.5);
    audio_pcm_free(&in);
    audio_pcm_free(&out);
}

static void test_resample_tone(void **state)
{
    (void)state;
    check_tone_resample(44100, 16000);
    check_tone_resample(48000, 16000);
    check_tone_resample(22050, 16000);
    check_tone_resample(8000, 16000);
    check_tone_resample(16000, 44100);
}

/* Longer than the internal block size, with an odd length: no samples lost at block edges. */
static void test_resample_long(void **state)
{
    (void)state;
    audio_pcm in = make_sine(44100, 440.0, 10000.0, 7.3), out;
    assert_int_equal(audio_resample(&in, 16000, &out), AUDIO_OK);
    double want = (double)in.count * 16000.0 / 44100.0;
    assert_true(fabs((double)out.count - want) <= 4.0);
    size_t skip = 800, len = out.count - 2 * skip;
    double zc = (double)zero_crossings(out.samples + skip, len) * 16000.0 / (double)len;
    assert_true(fabs(zc - 880.0) <= 2.0);
    audio_pcm_free(&in);
    audio_pcm_free(&out);
}

static void test_resample_same_rate_and_edges(void **state)
{
    (void)state;
    audio_pcm in = make_sine(16000, 300.0, 1000.0, 0.1), out;
    assert_int_equal(audio_resample(&in, 16000, &out), AUDIO_OK);
    assert_ptr_not_equal(out.samples, in.samples);
    assert_int_equal(out.count, in.count);
    assert_memory_equal(out.samples, in.samples, in.count * sizeof(int16_t));
    audio_pcm_free(&out);
    audio_pcm empty = {.samples = NULL, .count = 0, .rate = 44100};
    assert_int_equal(audio_resample(&empty, 16000, &out), AUDIO_OK);
    assert_int_equal(out.count, 0);
    assert_int_equal(out.rate, 16000);
    audio_pcm_free(&out);
    assert_int_equal(audio_resample(&in, 0, &out), AUDIO_ERR_FORMAT);
    assert_int_equal(audio_resample(&in, -16000, &out), AUDIO_ERR_FORMAT);
    in.rate = 0;
    assert_int_equal(audio_resample(&in, 16000, &out), AUDIO_ERR_FORMAT);
    in.rate = 16000;
    assert_int_equal(audio_resample(NULL, 16000, &out), AUDIO_ERR_FORMAT);
    audio_pcm_free(&in);
}

/* Speech made faster or slower keeps its pitch: a 200 Hz tone at speed 2 lasts half as long and is
 * still 200 Hz; at 0.5 twice as long; an empty input gives an empty output; absurd speeds refused. */
static void test_tempo(void **state)
{
    (void)state;
    audio_pcm in = make_sine(16000, 200.0, 12000.0, 2.0), out;
    const double speeds[] = {2.0, 1.5, 0.5};
    for (size_t k = 0; k < sizeof speeds / sizeof speeds[0]; k++) {
        assert_int_equal(audio_change_tempo(&in, speeds[k], &out), AUDIO_OK);
        double want = (double)in.count / speeds[k];
        assert_true(fabs((double)out.count - want) <= 0.05 * want);
        assert_int_equal(out.rate, 16000);
        size_t skip = 1600, len = out.count - 2 * skip;
        double zc = (double)zero_crossings(out.samples + skip, len) * 16000.0 / (double)len;
        assert_true(fabs(zc - 400.0) <= 8.0);
        audio_pcm_free(&out);
    }
    audio_pcm empty = {.samples = NULL, .count = 0, .rate = 16000};
    assert_int_equal(audio_change_tempo(&empty, 1.5, &out), AUDIO_OK);
    assert_int_equal(out.count, 0);
    audio_pcm_free(&out);
    assert_int_equal(audio_change_tempo(&in, 0.0, &out), AUDIO_ERR_FORMAT);
    assert_int_equal(audio_change_tempo(&in, 10.0, &out), AUDIO_ERR_FORMAT);
    audio_pcm_free(&in);
}

static void test_levels(void **state)
{
    (void)state;
    int16_t buf[1000];
    audio_level l = audio_measure(NULL, 0);
    assert_true(l.rms_dbfs == -120.0 && l.peak_dbfs == -120.0);
    memset(buf, 0, sizeof buf);
    l = audio_measure(buf, 1000);
    assert_true(l.rms_dbfs == -120.0 && l.peak_dbfs == -120.0);
    for (int i = 0; i < 1000; i++) /* full-scale square wave */
        buf[i] = i % 2 ? -32768 : 32767;
    l = audio_measure(buf, 1000);
    assert_true(fabs(l.rms_dbfs) < 0.01);
    assert_true(fabs(l.peak_dbfs) < 0.001);
    for (int i = 0; i < 1000; i++) /* half-scale DC: -6.02 dBFS both ways */
        buf[i] = 16384;
    l = audio_measure(buf, 1000);
    assert_true(fabs(l.rms_dbfs - -6.0206) < 0.001);
    assert_true(fabs(l.peak_dbfs - -6.0206) < 0.001);
    audio_pcm s = make_sine(16000, 1000.0, 16384.0, 1.0); /* RMS of a sine is peak / sqrt 2: -9.03 */
    l = audio_measure(s.samples, s.count);
    assert_true(fabs(l.rms_dbfs - -9.0309) < 0.01);
    assert_true(fabs(l.peak_dbfs - -6.0206) < 0.01);
    audio_pcm_free(&s);
    memset(buf, 0, sizeof buf);
    buf[50] = 1; /* one LSB in 100 samples: tiny (-110 dBFS RMS) but not silence */
    l = audio_measure(buf, 100);
    assert_true(fabs(l.peak_dbfs - -90.309) < 0.01);
    assert_true(l.rms_dbfs < l.peak_dbfs && l.rms_dbfs > -120.0);
}

/* A real file from eSpeak NG (22050 Hz), as the TTS and the recogniser will see them. */
/* `seconds` of noise at 16 kHz whose level changes every 100 ms (people talking: each 100 ms at a
 * level drawn from `low_db`..`high_db`; steady when they are equal), a "word" of `word_db` in the
 * middle (a 400 ms, 220 Hz vowel over the noise). */
static int16_t *room_with_a_word(double seconds, double low_db, double high_db, double word_db, size_t *count)
{
    enum { RATE = 16000 };
    size_t n = (size_t)(seconds * RATE), word_from = n / 2 - RATE / 5, word_to = n / 2 + RATE / 5;
    int16_t *s = malloc(n * sizeof *s);
    assert_non_null(s);
    unsigned seed = 7;
    double level = low_db;
    for (size_t i = 0; i < n; i++) {
        if (i % (RATE / 10) == 0)
            level = low_db + (high_db - low_db) * (rand_r(&seed) / (double)RAND_MAX);
        double noise = (rand_r(&seed) / (double)RAND_MAX * 2.0 - 1.0) * sqrt(3.0) * pow(10.0, level / 20.0);
        double word = i >= word_from && i < word_to ? sqrt(2.0) * pow(10.0, word_db / 20.0) * sin(2 * M_PI * 220.0 * i / RATE)
                                                     : 0.0;
        s[i] = (int16_t)lrint(32767.0 * (noise + word));
    }
    *count = n;
    return s;
}

static void test_room_around_a_word(void **state)
{
    (void)state;
    size_t n;
    audio_room room;
    int16_t *steady = room_with_a_word(2.4, -50.0, -50.0, -20.0, &n);
    assert_true(audio_measure_room(steady, n, 16000, &room));
    assert_true(fabs(room.level_dbfs - -20.0) < 1.0);
    assert_true(fabs(room.snr_db - 30.0) < 1.5);
    assert_true(room.unsteady_db < 1.0);
    free(steady);

    /* chatter: its level wanders over 15 dB; the words 14 dB over its loudest moments */
    int16_t *chatter = room_with_a_word(2.4, -50.0, -35.0, -20.0, &n);
    assert_true(audio_measure_room(chatter, n, 16000, &room));
    print_message("chatter: level %.1f dBFS, SNR %.1f dB, unsteady %.1f dB\n", room.level_dbfs, room.snr_db,
                  room.unsteady_db);
    assert_true(room.unsteady_db > 4.0);
    assert_true(room.snr_db > 25.0); /* measured over its quiet moments: why unsteady_db is needed */

    /* under five 20 ms frames: nothing to tell */
    assert_false(audio_measure_room(chatter, 16000 / 50 * 4, 16000, &room));
    assert_true(room.level_dbfs == -120.0 && room.snr_db == 0.0 && room.unsteady_db == 0.0);
    assert_false(audio_measure_room(NULL, 0, 16000, &room));
    assert_false(audio_measure_room(chatter, n, 0, &room));
    free(chatter);
}

static void test_espeak_file(void **state)
{
    (void)state;
    char path[256], cmd[512];
    snprintf(path, sizeof path, "/tmp/qlq_audio_espeak_%ld.wav", (long)getpid());
    snprintf(cmd, sizeof cmd, "espeak-ng -v fr -w '%s' bonjour", path);
    if (system(cmd) != 0)
        fail_msg("espeak-ng failed (is the espeak-ng package installed?)");
    audio_pcm pcm, r, at;
    char err[512];
    audio_status st = audio_wav_read(path, &pcm, err, sizeof err);
    if (st != AUDIO_OK)
        fail_msg("%s", err);
    /* read and resampled in one call: the same length as the two steps below */
    assert_int_equal(audio_wav_read_at(path, AUDIO_RATE, &at, err, sizeof err), AUDIO_OK);
    unlink(path);
    assert_int_equal(at.rate, AUDIO_RATE);
    assert_int_equal(pcm.rate, 22050);
    assert_true(pcm.count > 22050 / 4 && pcm.count < 22050 * 3); /* "bonjour" lasts about half a second */
    audio_level in_level = audio_measure(pcm.samples, pcm.count);
    assert_true(in_level.rms_dbfs > -40.0);
    assert_int_equal(audio_resample(&pcm, AUDIO_RATE, &r), AUDIO_OK);
    assert_true(fabs((double)r.count - (double)pcm.count * 16000.0 / 22050.0) <= 4.0);
    audio_level out_level = audio_measure(r.samples, r.count);
    assert_true(fabs(out_level.rms_dbfs - in_level.rms_dbfs) < 1.0);
    assert_int_equal(at.count, r.count);
    audio_pcm_free(&at);
    audio_pcm_free(&pcm);
    audio_pcm_free(&r);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_resample_tone),
        cmocka_unit_test(test_resample_long),
        cmocka_unit_test(test_resample_same_rate_and_edges),
        cmocka_unit_test(test_tempo),
        cmocka_unit_test(test_levels),
        cmocka_unit_test(test_room_around_a_word),
        cmocka_unit_test(test_espeak_file),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
