/*
 * tts.c - the chain: cache -> Google (online and configured) -> eSpeak NG, and the handle.
 * Every Google failure in automatic mode becomes one log line and eSpeak speaks: a patient must
 * never wait in silence because the network is bad.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "qlq_core.h"
#include "tts_internal.h"

static const tts_voice TTS_DEFAULT_VOICES[TTSI_LANGS] = {
    [TTSI_LANG_FR] = {"fr", "fr-FR", "fr-FR-Wavenet-C"},
    [TTSI_LANG_EN] = {"en", "en-GB", "en-GB-Wavenet-A"},
};

/* ---- small shared helpers ---------------------------------------------------------------------- */

void ttsi_set_err(char *err, size_t err_len, const char *fmt, ...)
{
    if (err == NULL || err_len == 0)
        return;
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(err, err_len, fmt, ap);
    va_end(ap);
}

/* Replaces every occurrence of the key, so no code path can leak it into a log. */
static void tts_scrub(char *line, const char *key)
{
    size_t klen = key ? strlen(key) : 0;
    if (klen == 0)
        return;
    static const char mask[] = "[key]";
    char *p;
    while ((p = strstr(line, key)) != NULL) {
        size_t m = klen < sizeof mask - 1 ? klen : sizeof mask - 1;
        memcpy(p, mask, m);
        memmove(p + m, p + klen, strlen(p + klen) + 1);
    }
}

void ttsi_log(const tts *t, const char *fmt, ...)
{
    char line[768];
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(line, sizeof line, fmt, ap);
    va_end(ap);
    tts_scrub(line, t->google_key);
    if (t->log != NULL)
        t->log(t->log_ctx, line);
    else
        fprintf(stderr, "qlq-tts: %s\n", line);
}

int ttsi_lang_index(const char *lang)
{
    if (lang != NULL && strcmp(lang, "fr") == 0)
        return TTSI_LANG_FR;
    if (lang != NULL && strcmp(lang, "en") == 0)
        return TTSI_LANG_EN;
    return -1;
}

const char *ttsi_lang_name(int lang)
{
    return lang == TTSI_LANG_EN ? "en" : "fr";
}

const char *tts_engine_name(tts_engine e)
{
    return e == TTS_ENGINE_GOOGLE ? "google" : "espeak";
}

const char *tts_status_name(tts_status s)
{
    switch (s) {
    case TTS_OK: return "ok";
    case TTS_ERR_ARG: return "bad argument";
    case TTS_ERR_UNAVAILABLE: return "Google TTS unavailable";
    case TTS_ERR_GOOGLE: return "Google TTS failed";
    case TTS_ERR_ESPEAK: return "eSpeak NG failed";
    case TTS_ERR_DEVICE: return "audio device failed";
    case TTS_ERR_NOMEM: return "out of memory";
    }
    return "unknown";
}

/* ---- handle ------------------------------------------------------------------------------------ */

void tts_config_default(tts_config *cfg)
{
    memset(cfg, 0, sizeof *cfg);
    cfg->speed_wpm = TTS_DEFAULT_SPEED_WPM;
    cfg->cache_max_bytes = TTS_DEFAULT_CACHE_MAX_BYTES;
    cfg->google_timeout_ms = TTS_DEFAULT_TIMEOUT_MS;
}

static char *tts_dup(const char *s, const char *fallback, bool *oom)
{
    const char *v = s != NULL ? s : fallback;
    if (v == NULL)
        return NULL;
    char *d = strdup(v);
    if (d == NULL)
        *oom = true;
    return d;
}

static int tts_copy_voices(tts *t, const tts_config *cfg, char *err, size_t err_len)
{
    const tts_voice *given[TTSI_LANGS] = {&cfg->fr, &cfg->en};
    bool oom = false;
    for (int l = 0; l < TTSI_LANGS; l++) {
        const tts_voice *d = &TTS_DEFAULT_VOICES[l];
        t->voices[l].espeak_voice = tts_dup(given[l]->espeak_voice, d->espeak_voice, &oom);
        t->voices[l].google_language = tts_dup(given[l]->google_language, d->google_language, &oom);
        t->voices[l].google_voice = tts_dup(given[l]->google_voice, d->google_voice, &oom);
        if (!oom && ttsi_espeak_check_voice(t->voices[l].espeak_voice, err, err_len) != 0)
            return -1;
    }
    if (oom)
        ttsi_set_err(err, err_len, "out of memory");
    return oom ? -1 : 0;
}

static int tts_copy_google(tts *t, const tts_config *cfg, char *err, size_t err_len)
{
    if (cfg->google_timeout_ms < 0) {
        ttsi_set_err(err, err_len, "the Google TTS timeout must not be negative");
        return -1;
    }
    t->timeout_ms = cfg->google_timeout_ms ? cfg->google_timeout_ms : TTS_DEFAULT_TIMEOUT_MS;
    bool oom = false;
    t->ca_file = tts_dup(cfg->ca_file, NULL, &oom);
    if (cfg->google_endpoint != NULL && cfg->google_endpoint[0] && cfg->google_key != NULL &&
        cfg->google_key[0]) {
        t->google_key = tts_dup(cfg->google_key, NULL, &oom);
        t->google_url = ttsi_google_url(cfg->google_endpoint, cfg->google_key, err, err_len);
        if (t->google_url == NULL)
            return -1;
    }
    if (oom)
        ttsi_set_err(err, err_len, "out of memory");
    return oom ? -1 : 0;
}

static int tts_copy_config(tts *t, const tts_config *cfg, char *err, size_t err_len)
{
    t->speed_wpm = cfg->speed_wpm ? cfg->speed_wpm : TTS_DEFAULT_SPEED_WPM;
    if (t->speed_wpm < 80 || t->speed_wpm > 450) {
        ttsi_set_err(err, err_len, "speed %d words per minute is outside 80..450", t->speed_wpm);
        return -1;
    }
    snprintf(t->google_rate, sizeof t->google_rate, "%.3f", t->speed_wpm / 175.0);
    t->cache_max_bytes = cfg->cache_max_bytes ? cfg->cache_max_bytes : TTS_DEFAULT_CACHE_MAX_BYTES;
    t->log = cfg->log;
    t->log_ctx = cfg->log_ctx;
    atomic_store(&t->online, cfg->online);
    if (cfg->cache_dir != NULL) {
        if (ttsi_cache_prepare(cfg->cache_dir, err, err_len) != 0)
            return -1;
        bool oom = false;
        t->cache_dir = tts_dup(cfg->cache_dir, NULL, &oom);
        if (oom) {
            ttsi_set_err(err, err_len, "out of memory");
            return -1;
        }
    }
    if (tts_copy_voices(t, cfg, err, err_len) != 0)
        return -1;
    return tts_copy_google(t, cfg, err, err_len);
}

tts *tts_create(const tts_config *cfg, char *err, size_t err_len)
{
    tts *t = calloc(1, sizeof *t);
    if (t == NULL) {
        ttsi_set_err(err, err_len, "out of memory");
        return NULL;
    }
    if (pthread_mutex_init(&t->pf_lock, NULL) != 0) {
        free(t);
        ttsi_set_err(err, err_len, "cannot create a mutex");
        return NULL;
    }
    atomic_init(&t->pf_stop, false);
    if (tts_copy_config(t, cfg, err, err_len) != 0) {
        tts_destroy(t);
        return NULL;
    }
    return t;
}

void tts_destroy(tts *t)
{
    if (t == NULL)
        return;
    tts_prefill_stop(t);
    for (size_t i = 0; i < t->pf_count; i++)
        free(t->pf_texts[i].text);
    free(t->pf_texts);
    for (int l = 0; l < TTSI_LANGS; l++) {
        free(t->voices[l].espeak_voice);
        free(t->voices[l].google_language);
        free(t->voices[l].google_voice);
    }
    ttsi_google_handle_free(t->curl);
    audio_pcm_free(&t->speaking);
    free(t->cache_dir);
    free(t->google_url);
    free(t->google_key);
    free(t->ca_file);
    pthread_mutex_destroy(&t->pf_lock);
    free(t);
}

void tts_set_online(tts *t, bool online)
{
    atomic_store(&t->online, online);
}

bool tts_google_configured(const tts *t)
{
    return t->google_url != NULL;
}

/* ---- the chain --------------------------------------------------------------------------------- */

static tts_status tts_check_args(const char *lang, const char *text, int *li, char *err, size_t err_len)
{
    *li = ttsi_lang_index(lang);
    if (*li < 0) {
        ttsi_set_err(err, err_len, "unknown language (expected \"fr\" or \"en\")");
        return TTS_ERR_ARG;
    }
    size_t n = text ? strlen(text) : 0;
    if (n == 0 || strspn(text, " \t\r\n") == n) {
        ttsi_set_err(err, err_len, "nothing to say: the text is empty");
        return TTS_ERR_ARG;
    }
    if (n > TTS_TEXT_MAX) {
        ttsi_set_err(err, err_len, "text too long (%zu bytes, at most %d)", n, TTS_TEXT_MAX);
        return TTS_ERR_ARG;
    }
    if (!qlq_utf8_valid(text, n)) {
        ttsi_set_err(err, err_len, "the text is not valid UTF-8");
        return TTS_ERR_ARG;
    }
    return TTS_OK;
}

/* Google's part of the chain: TTS_OK with `out` filled, or why not (`*tried` says whether a request
 * was made, so a failure is worth a fallback log line). */
static tts_status tts_try_google(tts *t, int li, const char *text, tts_result *out, bool *tried, char *why,
                                 size_t why_len)
{
    *tried = false;
    ttsi_key k;
    ttsi_key_google(t, li, text, &k);
    if (ttsi_cache_get(t, &k, &out->pcm)) {
        out->engine = TTS_ENGINE_GOOGLE;
        out->cache_hit = true;
        return TTS_OK;
    }
    if (!tts_google_configured(t) || !atomic_load(&t->online)) {
        snprintf(why, why_len, "Google TTS is %s", tts_google_configured(t) ? "offline" : "not configured");
        return TTS_ERR_UNAVAILABLE;
    }
    if (t->curl == NULL)
        t->curl = ttsi_google_handle_new();
    *tried = true;
    if (ttsi_google_fetch(t, t->curl, li, text, NULL, &out->pcm, why, why_len) != 0)
        return TTS_ERR_GOOGLE;
    out->engine = TTS_ENGINE_GOOGLE;
    ttsi_cache_put(t, &k, &out->pcm);
    return TTS_OK;
}

static tts_status tts_espeak_part(tts *t, int li, const char *text, tts_result *out, char *err,
                                  size_t err_len)
{
    ttsi_key k;
    ttsi_key_espeak(t, li, text, &k);
    out->engine = TTS_ENGINE_ESPEAK;
    if (ttsi_cache_get(t, &k, &out->pcm)) {
        out->cache_hit = true;
        return TTS_OK;
    }
    tts_status st = ttsi_espeak_say(t->voices[li].espeak_voice, t->speed_wpm, text, &out->pcm, err, err_len);
    if (st == TTS_OK)
        ttsi_cache_put(t, &k, &out->pcm);
    return st;
}

tts_status tts_say(tts *t, const char *lang, const char *text, tts_use use, tts_result *out, char *err,
                   size_t err_len)
{
    memset(out, 0, sizeof *out);
    int li;
    tts_status st = tts_check_args(lang, text, &li, err, err_len);
    if (st != TTS_OK)
        return st;
    if (use == TTS_USE_GOOGLE && !tts_google_configured(t)) {
        ttsi_set_err(err, err_len, "Google TTS is not configured (endpoint and API key)");
        return TTS_ERR_UNAVAILABLE;
    }
    if (use != TTS_USE_ESPEAK) {
        char why[400] = "";
        bool tried = false;
        st = tts_try_google(t, li, text, out, &tried, why, sizeof why);
        if (st == TTS_OK)
            return TTS_OK;
        if (use == TTS_USE_GOOGLE) {
            ttsi_set_err(err, err_len, "%s", why);
            tts_scrub(err, t->google_key);
            return st;
        }
        if (tried) {
            ttsi_log(t, "Google TTS failed (%s); speaking with eSpeak NG instead", why);
            out->fell_back = true;
        }
    }
    bool fell_back = out->fell_back;
    st = tts_espeak_part(t, li, text, out, err, err_len);
    if (st != TTS_OK)
        memset(out, 0, sizeof *out);
    else
        out->fell_back = fell_back;
    return st;
}

void tts_result_free(tts_result *r)
{
    if (r != NULL)
        audio_pcm_free(&r->pcm);
}

tts_status tts_speak(tts *t, audio_device *dev, const char *lang, const char *text, tts_result *info,
                     char *err, size_t err_len)
{
    tts_result r;
    tts_status st = tts_say(t, lang, text, TTS_USE_AUTO, &r, err, err_len);
    if (info != NULL)
        memset(info, 0, sizeof *info);
    if (st != TTS_OK)
        return st;
    /* Stop first: the device may still be reading the previous buffer, which is freed next. */
    dev->ops->play_stop(dev);
    audio_pcm_free(&t->speaking);
    t->speaking = r.pcm;
    audio_status as = dev->ops->play(dev, t->speaking.samples, t->speaking.count, t->speaking.rate);
    if (info != NULL) {
        *info = r;
        memset(&info->pcm, 0, sizeof info->pcm);
    }
    if (as != AUDIO_OK) {
        ttsi_set_err(err, err_len, "the %s audio device cannot play: %s", dev->ops->name, audio_status_name(as));
        return TTS_ERR_DEVICE;
    }
    return TTS_OK;
}
