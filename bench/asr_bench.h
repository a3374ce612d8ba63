/* asr_bench.h - shared by the files of bench_asr. */
#ifndef ASR_BENCH_H
#define ASR_BENCH_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

enum { SCALE_4 = 1, SCALE_7 = 2, SCALE_YN = 4 };

typedef struct {
    char text[96];    /* words as in the .phrases file, accents included */
    char meaning[16]; /* "1".."7", "repeat", ..., "reject" */
    int scales;       /* SCALE_* bits */
} bench_phrase;

typedef struct {
    bench_phrase items[128];
    size_t n;
} phrase_list;

typedef struct baseline baseline;

baseline *baseline_create(void);
void baseline_destroy(baseline *b);
/* Best hypothesis of the default language model, lower case. */
int baseline_decode(baseline *b, const int16_t *samples, size_t count, char *hyp, size_t hyp_len);
/* The longest phrase of the grammar found in the hypothesis, or "reject". */
const char *baseline_decide(const phrase_list *pl, int scale, const char *hyp);

#endif
