/* asr_test_signal.h - synthetic sound with known content for the endpointer's and the tone
 * remover's tests: room noise, tones, beeps, voiced "syllables", at known places. */
#ifndef ASR_TEST_SIGNAL_H
#define ASR_TEST_SIGNAL_H

#include "qlq_asr.h"

#include <stddef.h>
#include <stdint.h>

#define TEST_PI 3.14159265358979323846
#define MS(x) ((size_t)(x) * (ASR_RATE / 1000))

typedef struct {
    int16_t *s;
    size_t n;
    uint32_t seed; /* of the noise: the same signal on every run */
} test_signal;

/* ms of digital silence; g->s is NULL when out of memory. */
void test_signal_init(test_signal *g, size_t ms, uint32_t seed);
/* One uniform noise sample in [-1, 1). */
double test_signal_noise(test_signal *g);
/* Adds v to sample i, clipped to 16 bits. */
void test_signal_add(test_signal *g, size_t i, double v);
void test_signal_add_noise(test_signal *g, size_t from_ms, size_t to_ms, double amp);
void test_signal_add_tone(test_signal *g, double hz, double amp, double phase);

#endif
