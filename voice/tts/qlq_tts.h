/*
 * qlq_tts.h - text to speech: what the kiosk says, as 16 kHz mono PCM.
 *
 * One call, three back ends chained (see tts_say):
 *   1. a disk cache of earlier results, keyed by SHA-256 of (engine, voice, speed, text), with a size
 *      cap (least recently used entries go first); entries are WAV files written atomically and
 *      validated when read (a corrupt entry is removed, never played);
 *   2. Google Cloud Text-to-Speech (REST v1/text:synthesize, LINEAR16) over HTTPS with certificate
 *      verification always on, only when online and configured (endpoint + API key), within a short
 *      timeout;
 *   3. eSpeak NG in memory, which always works.
 * A Google failure falls back to eSpeak NG with one English log line saying why. Logs never hold the
 * text being spoken, nor the API key.
 *
 * While online, tts_prefill_start fills the cache with Google audio for every item and message of
 * both questionnaires in a background thread, so later sessions speak neural audio even offline.
 *
 * Threads: tts_say and tts_speak may be called from one thread at a time per handle (the kiosk's
 * event loop); the prefill thread runs beside them safely. eSpeak NG is process-global, so calls
 * that reach it are serialised across all handles.
 */
#ifndef QLQ_TTS_H
#define QLQ_TTS_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "qlq_audio.h"

/* Who produced a result. */
typedef enum { TTS_ENGINE_ESPEAK, TTS_ENGINE_GOOGLE } tts_engine;

/* Which back ends tts_say may use. */
typedef enum {
    TTS_USE_AUTO,   /* cache (Google's, then eSpeak's) -> Google when online and configured -> eSpeak */
    TTS_USE_ESPEAK, /* cache (eSpeak's) -> eSpeak */
    TTS_USE_GOOGLE, /* cache (Google's) -> Google; a Google failure is an error, no fallback */
} tts_use;

typedef enum {
    TTS_OK = 0,
    TTS_ERR_ARG,         /* unknown language, empty / too long / invalid UTF-8 text, bad configuration */
    TTS_ERR_UNAVAILABLE, /* TTS_USE_GOOGLE while Google is not configured or the kiosk is offline */
    TTS_ERR_GOOGLE,      /* TTS_USE_GOOGLE and the request failed (the message says why) */
    TTS_ERR_ESPEAK,      /* eSpeak NG failed (missing voice data, ...) */
    TTS_ERR_DEVICE,      /* tts_speak: the audio device refused to play */
    TTS_ERR_NOMEM,
} tts_status;

enum {
    TTS_TEXT_MAX = 4000,             /* bytes; Google refuses more than 5000 */
    TTS_DEFAULT_SPEED_WPM = 150,     /* a little slower than eSpeak's 175: patients are often elderly */
    TTS_DEFAULT_TIMEOUT_MS = 2000,
};
#define TTS_DEFAULT_CACHE_MAX_BYTES ((uint64_t)100 * 1024 * 1024)
#define TTS_GOOGLE_ENDPOINT "https://texttospeech.googleapis.com"

/* A voice per language. NULL fields take the defaults shown. */
typedef struct {
    const char *espeak_voice;    /* eSpeak NG voice: "fr" / "en" */
    const char *google_language; /* languageCode: "fr-FR" / "en-GB" */
    const char *google_voice;    /* voice name: "fr-FR-Wavenet-C" / "en-GB-Wavenet-A" */
} tts_voice;

typedef struct {
    tts_voice fr, en;
    /* Speaking speed in words per minute (80..450): eSpeak's rate; Google's speakingRate is
     * speed_wpm / 175 (175 wpm is eSpeak's and Google's normal speed). 0: TTS_DEFAULT_SPEED_WPM. */
    int speed_wpm;
    const char *cache_dir;       /* NULL: no cache. Created (one level) when missing. */
    uint64_t cache_max_bytes;    /* 0: TTS_DEFAULT_CACHE_MAX_BYTES */
    /* Google is used only when both are set (and the kiosk is online). The endpoint must be https://;
     * the request goes to {endpoint}/v1/text:synthesize?key={key}. The key is never logged. */
    const char *google_endpoint; /* normally TTS_GOOGLE_ENDPOINT */
    const char *google_key;
    long google_timeout_ms;      /* the whole request; 0: TTS_DEFAULT_TIMEOUT_MS */
    /* For tests only: trust this PEM file instead of the system's certificate store. Verification
     * of the peer and of the host name stays on whatever this is. */
    const char *ca_file;
    bool online;                 /* initial network state; see tts_set_online */
    /* One English line per event, without a newline. NULL: "qlq-tts: ..." lines on stderr. Called
     * from the prefill thread too, so it must be thread-safe. */
    void (*log)(void *ctx, const char *line);
    void *log_ctx;
} tts_config;

/* Zeroes `cfg` and sets the defaults (no cache, Google off, offline). */
void tts_config_default(tts_config *cfg);

typedef struct tts tts;

/* Copies everything it needs from `cfg` (the strings may be freed afterwards). Checks the
 * configuration and that eSpeak NG has both voices. NULL with `err` filled on failure. */
tts *tts_create(const tts_config *cfg, char *err, size_t err_len);
/* Stops the prefill (if running) and frees everything. NULL is fine. */
void tts_destroy(tts *t);

/* The network monitor says whether Google can be reached; safe from any thread. */
void tts_set_online(tts *t, bool online);
/* Google endpoint and key are configured (whatever the network state). */
bool tts_google_configured(const tts *t);

typedef struct {
    audio_pcm pcm;       /* AUDIO_RATE (16 kHz) mono; free with tts_result_free */
    tts_engine engine;   /* who made the audio (for a cache hit: who made it originally) */
    bool cache_hit;
    bool fell_back;      /* Google was tried and failed; eSpeak spoke instead (it was logged) */
} tts_result;

/* Synthesises `text` (UTF-8, at most TTS_TEXT_MAX bytes) in `lang` ("fr" | "en"). On TTS_OK `out`
 * holds the audio; otherwise it is zeroed and `err` (may be NULL) says why. With TTS_USE_AUTO the
 * only possible errors are bad arguments, eSpeak failures and out of memory. Whatever Google or
 * eSpeak produce is stored in the cache (when there is one); cache problems are logged, never fatal. */
tts_status tts_say(tts *t, const char *lang, const char *text, tts_use use, tts_result *out, char *err,
                   size_t err_len);
void tts_result_free(tts_result *r);

/* Speaks `text` on `dev` (TTS_USE_AUTO): synthesises (blocking: eSpeak takes ~20 ms an item,
 * Google at most the timeout), stops whatever `dev` was playing, starts playback and returns at
 * once. The samples stay owned by `t` until the next tts_speak or tts_destroy, so `dev` may read
 * them while it plays. Interrupting is the device's job: dev->ops->play_stop(dev) (the patient
 * answered before the end). `info` (may be NULL) gets the metadata, with an empty pcm. When
 * synthesis fails, the device is left as it was. Destroy or stop the device before destroying `t`. */
tts_status tts_speak(tts *t, audio_device *dev, const char *lang, const char *text, tts_result *info,
                     char *err, size_t err_len);

/* The Google API key: the first line of `file` (surrounding blanks removed), or $QLQ_GOOGLE_TTS_KEY when
 * `file` is NULL ("" when unset). Keys never come from the command line, where `ps` would show them.
 * 0, or -1 with an English message in `err` (unreadable or empty file). */
int tts_read_api_key(const char *file, char *key, size_t key_len, char *err, size_t err_len);

const char *tts_engine_name(tts_engine e); /* "espeak", "google" */
const char *tts_status_name(tts_status s); /* "ok", "bad argument", ... */

/* ---- background prefill of the cache ---------------------------------------------------------- */

typedef enum {
    TTS_PREFILL_IDLE,     /* never started */
    TTS_PREFILL_RUNNING,
    TTS_PREFILL_DONE,     /* every text was tried (see failed) */
    TTS_PREFILL_STOPPED,  /* tts_prefill_stop, or the kiosk went offline */
    TTS_PREFILL_GAVE_UP,  /* Google failed several times in a row: it was logged; try again later */
} tts_prefill_state;

typedef struct {
    tts_prefill_state state;
    size_t total;     /* distinct texts: item speech 0..30 and every message, of "fr" and "en" */
    size_t done;      /* texts handled so far = already_cached + fetched + failed */
    size_t already_cached;
    size_t fetched;   /* new Google audio stored */
    size_t failed;
} tts_prefill_progress;

/* Starts filling the cache from Google in a background thread with the texts of
 * <assets_dir>/questionnaires/qlq-c30.{fr,en}.json (see qlq_loader_assets_dir). Refused (-1, `err`
 * filled) when Google is not configured, the kiosk is offline, there is no cache, a prefill is
 * running, or a questionnaire does not load. Entries already in the cache are not fetched again. */
int tts_prefill_start(tts *t, const char *assets_dir, char *err, size_t err_len);
void tts_prefill_get_progress(tts *t, tts_prefill_progress *p);
/* Waits for the prefill to finish by itself. Returns at once when none was started. */
void tts_prefill_wait(tts *t);
/* Stops it promptly (an HTTP request in flight is aborted) and waits for the thread. Safe when
 * none is running. */
void tts_prefill_stop(tts *t);

#endif
