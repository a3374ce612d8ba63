/*
 * fuzz_seeds.h - the WAV seed corpus for the fuzz test (and, written to disk, for libFuzzer):
 * one seed per encoding and layout the reader accepts, and a few it refuses.
 */
#ifndef FUZZ_SEEDS_H
#define FUZZ_SEEDS_H

#include "wav_build.h"

enum { FUZZ_SEED_COUNT = 16 };

/* Builds seed number i (0 <= i < FUZZ_SEED_COUNT) into b. */
void fuzz_seed(int i, wb *b);

#endif
