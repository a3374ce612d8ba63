/* tts_internal.h - what the files of voice/tts share; nothing here is public (prefix ttsi_). */
#ifndef TTS_INTERNAL_H
#define TTS_INTERNAL_H

#include <pthread.h>
#include <stdarg.h>
#include <stdatomic.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "qlq_tts.h"

enum { TTSI_LANG_FR, TTSI_LANG_EN, TTSI_LANGS };

typedef struct {
    char *espeak_voice;
    char *google_language;
    char *google_voice;
} ttsi_voice;

typedef struct {
    int lang;
    char *text;
} ttsi_text;

struct tts {
    ttsi_voice voices[TTSI_LANGS];
    int speed_wpm;
    char google_rate[16];   /* speakingRate as sent, also part of the cache key */
    char *cache_dir;        /* NULL: no cache */
    uint64_t cache_max_bytes;
    char *google_url;       /* {endpoint}/v1/text:synthesize?key=...; NULL: Google not configured */
    char *google_key;       /* kept only to scrub it from log lines */
    long timeout_ms;
    char *ca_file;
    atomic_bool online;
    void (*log)(void *ctx, const char *line);
    void *log_ctx;
    void *curl;             /* the caller's thread's handle (tts_say), made on first use */
    audio_pcm speaking;     /* what tts_speak handed to the device */

    pthread_mutex_t pf_lock; /* guards pf_progress */
    pthread_t pf_thread;
    bool pf_joinable;
    atomic_bool pf_stop;
    tts_prefill_progress pf_progress;
    ttsi_text *pf_texts;
    size_t pf_count;
};

/* One English log line; the API key is scrubbed from it whatever the caller passed. */
void ttsi_log(const tts *t, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
/* printf into a caller's buffer (NULL or empty: nothing). */
void ttsi_set_err(char *err, size_t err_len, const char *fmt, ...) __attribute__((format(printf, 3, 4)));
/* TTSI_LANG_* of "fr" / "en", or -1. */
int ttsi_lang_index(const char *lang);
const char *ttsi_lang_name(int lang);

/* ---- cache (tts_cache.c) */
typedef struct {
    char hex[65]; /* SHA-256 of the key fields, lower-case hex: the entry's file name */
} ttsi_key;

void ttsi_key_google(const tts *t, int lang, const char *text, ttsi_key *k);
void ttsi_key_espeak(const tts *t, int lang, const char *text, ttsi_key *k);
/* True on a hit: `out` holds the entry's audio and the entry counts as just used. A corrupt entry
 * is removed and logged, and is a miss. */
bool ttsi_cache_get(const tts *t, const ttsi_key *k, audio_pcm *out);
/* Stores `pcm` atomically, then evicts least recently used entries down to the cap. Failures are
 * logged, never fatal. */
void ttsi_cache_put(const tts *t, const ttsi_key *k, const audio_pcm *pcm);
/* Creates the folder when missing. 0, or -1 with `err`. */
int ttsi_cache_prepare(const char *dir, char *err, size_t err_len);

/* ---- Google Cloud Text-to-Speech (tts_google.c) */
/* Process-wide libcurl initialisation (once). 0, or -1. */
int ttsi_google_global_init(void);
/* Builds {endpoint}/v1/text:synthesize?key={escaped key}; NULL with `err` on failure. */
char *ttsi_google_url(const char *endpoint, const char *key, char *err, size_t err_len);
/* Asks Google for `text` on the easy handle `curl` (a CURL *). `abort_flag` (may be NULL) aborts the
 * request in flight when it becomes true. 0 with `out` at AUDIO_RATE, or -1 with `why` filled
 * (English, no text, no key). */
int ttsi_google_fetch(const tts *t, void *curl, int lang, const char *text, const atomic_bool *abort_flag,
                      audio_pcm *out, char *why, size_t why_len);
void *ttsi_google_handle_new(void);
void ttsi_google_handle_free(void *curl);

/* ---- eSpeak NG (tts_espeak.c) */
/* Initialises eSpeak NG once per process and checks `voice` exists. 0, or -1 with `err`. */
int ttsi_espeak_check_voice(const char *voice, char *err, size_t err_len);
/* eSpeak NG's version, part of its cache keys (a new version may sound different). */
const char *ttsi_espeak_version(void);
tts_status ttsi_espeak_say(const char *voice, int wpm, const char *text, audio_pcm *out, char *err,
                           size_t err_len);

#endif
