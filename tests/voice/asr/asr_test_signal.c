#include "asr_test_signal.h"

#include <math.h>
#include <stdlib.h>

void test_signal_init(test_signal *g, size_t ms, uint32_t seed)
{
    g->n = MS(ms);
    g->s = calloc(g->n, sizeof *g->s);
    g->seed = seed;
}

double test_signal_noise(test_signal *g)
{
    g->seed = g->seed * 1664525u + 1013904223u;
    return ((double)(g->seed >> 8) / (double)(1u << 24)) * 2.0 - 1.0;
}

void test_signal_add(test_signal *g, size_t i, double v)
{
    double x = g->s[i] + v;
    g->s[i] = (int16_t)(x > 32767 ? 32767 : x < -32768 ? -32768 : x);
}

void test_signal_add_noise(test_signal *g, size_t from_ms, size_t to_ms, double amp)
{
    for (size_t i = MS(from_ms); i < MS(to_ms) && i < g->n; i++)
        test_signal_add(g, i, amp * test_signal_noise(g));
}

void test_signal_add_tone(test_signal *g, double hz, double amp, double phase)
{
    for (size_t i = 0; i < g->n; i++)
        test_signal_add(g, i, amp * sin(2 * TEST_PI * hz * (double)i / ASR_RATE + phase));
}
