/*
 * fuzz_wav_libfuzzer.c - coverage-guided fuzzing of audio_wav_parse (clang, -DQLQ_LIBFUZZER=ON).
 *   fuzz_wav_libfuzzer -max_total_time=300 corpus/   (seed corpus: fuzz_wav --write-corpus corpus/)
 * Same properties as the deterministic fuzz test; a violation aborts so libFuzzer keeps the input.
 */
#include "qlq_audio.h"

#include <stdlib.h>

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t len);

static volatile long sink;

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t len)
{
    audio_pcm pcm;
    char err[256];
    audio_status s = audio_wav_parse(data, len, &pcm, err, sizeof err);
    if (s != AUDIO_OK) {
        if (pcm.samples || pcm.count || err[0] == '\0')
            abort();
        return 0;
    }
    if (!pcm.samples || pcm.rate < 8000 || pcm.rate > 192000 || len < 44 || pcm.count > len - 44 ||
        pcm.count > (size_t)pcm.rate * 600)
        abort();
    long sum = 0; /* touch every sample: the buffer must be fully written and in bounds */
    for (size_t i = 0; i < pcm.count; i++)
        sum += pcm.samples[i];
    sink = sum; /* keeps the loop from being optimised away */
    audio_pcm_free(&pcm);
    return 0;
}
