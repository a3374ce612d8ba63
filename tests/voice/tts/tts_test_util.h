/* tts_test_util.h - shared by the TTS tests: temp folders, captured log lines, cache inspection. */
#ifndef TTS_TEST_UTIL_H
#define TTS_TEST_UTIL_H

#include <pthread.h>
#include <stdbool.h>
#include <stddef.h>

#include "qlq_tts.h"

enum { TLOG_MAX = 256, TLOG_LINE = 800 };

typedef struct {
    pthread_mutex_t lock;
    int count;
    char lines[TLOG_MAX][TLOG_LINE];
} tlog;

void tlog_init(tlog *l);
void tlog_destroy(tlog *l);
/* A tts_config.log callback; ctx is a tlog. */
void tlog_fn(void *ctx, const char *line);
int tlog_count(tlog *l);
/* Number of lines containing `needle`. */
int tlog_matching(tlog *l, const char *needle);
/* True when some line contains all of the non-NULL needles. */
bool tlog_has(tlog *l, const char *a, const char *b);
void tlog_dump(tlog *l);

/* mkdtemp under $TMPDIR (or /tmp); the caller frees. */
char *tmpdir_make(const char *tag);
/* rm -r; frees `dir`. */
void tmpdir_remove(char *dir);

/* Cache entries (64-hex-digit .wav files) in `dir`. */
int cache_entry_count(const char *dir);
/* Files in `dir` whose names start with `prefix`. */
int dir_count_prefix(const char *dir, const char *prefix);
/* The path of the only cache entry in `dir` (false unless exactly one). */
bool cache_only_entry(const char *dir, char *path, size_t len);
/* Total bytes of the cache entries in `dir`. */
long long cache_bytes(const char *dir);

/* Same rate, same count, same samples. */
bool pcm_equal(const audio_pcm *a, const audio_pcm *b);
double pcm_seconds(const audio_pcm *p);

/* The assets folder (QLQ_ASSETS_DIR from CTest). */
const char *test_assets_dir(void);

#endif
