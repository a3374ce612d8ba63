/*
 * tts_prefill.c - while the kiosk is online, fetch Google audio for every text it may ever say
 * (item speech and messages, French and English) into the cache, in a background thread, so that
 * later sessions speak neural audio even with no network. The thread has its own libcurl handle;
 * stopping it aborts the request in flight through libcurl's progress callback.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "qlq_loader.h"
#include "tts_internal.h"

enum { PF_MAX_CONSECUTIVE_FAILURES = 3 };

static int pf_add(ttsi_text **v, size_t *n, size_t *cap, int lang, const char *text)
{
    if (text == NULL || text[0] == '\0')
        return 0;
    for (size_t i = 0; i < *n; i++)
        if ((*v)[i].lang == lang && strcmp((*v)[i].text, text) == 0)
            return 0;
    if (*n == *cap) {
        size_t c = *cap ? *cap * 2 : 128;
        ttsi_text *nv = realloc(*v, c * sizeof *nv);
        if (nv == NULL)
            return -1;
        *v = nv;
        *cap = c;
    }
    char *copy = strdup(text);
    if (copy == NULL)
        return -1;
    (*v)[(*n)++] = (ttsi_text){.lang = lang, .text = copy};
    return 0;
}

static void pf_free_texts(ttsi_text *v, size_t n)
{
    for (size_t i = 0; i < n; i++)
        free(v[i].text);
    free(v);
}

/* Every distinct text of both questionnaires, in speaking order (items first: they matter most). */
static int pf_collect(const char *assets_dir, ttsi_text **out, size_t *count, char *err, size_t err_len)
{
    ttsi_text *v = NULL;
    size_t n = 0, cap = 0;
    for (int l = 0; l < TTSI_LANGS; l++) {
        qlq_questionnaire q;
        qlq_load_error le;
        if (qlq_loader_load_language(assets_dir, ttsi_lang_name(l), &q, &le) != 0) {
            ttsi_set_err(err, err_len, "cannot load the questionnaire: %s", le.message);
            pf_free_texts(v, n);
            return -1;
        }
        int rc = 0;
        for (int i = 0; rc == 0 && i < QLQ_ITEM_SLOTS; i++)
            rc = pf_add(&v, &n, &cap, l, q.items[i].speech ? q.items[i].speech : q.items[i].text);
        for (int m = 0; rc == 0 && m < QLQ_MSG_COUNT; m++)
            rc = pf_add(&v, &n, &cap, l, qlq_message(&q, (qlq_msg)m));
        qlq_questionnaire_free(&q);
        if (rc != 0) {
            ttsi_set_err(err, err_len, "out of memory");
            pf_free_texts(v, n);
            return -1;
        }
    }
    *out = v;
    *count = n;
    return 0;
}

static void pf_update(tts *t, size_t *counter, tts_prefill_state state)
{
    pthread_mutex_lock(&t->pf_lock);
    if (counter != NULL) {
        (*counter)++;
        t->pf_progress.done++;
    }
    t->pf_progress.state = state;
    pthread_mutex_unlock(&t->pf_lock);
}

/* One text: TTS_PREFILL_RUNNING to go on, or the state to end in. */
static tts_prefill_state pf_one(tts *t, void *curl, const ttsi_text *x, size_t index, int *consecutive)
{
    ttsi_key k;
    ttsi_key_google(t, x->lang, x->text, &k);
    audio_pcm pcm;
    if (ttsi_cache_get(t, &k, &pcm)) {
        audio_pcm_free(&pcm);
        pf_update(t, &t->pf_progress.already_cached, TTS_PREFILL_RUNNING);
        return TTS_PREFILL_RUNNING;
    }
    char why[400] = "";
    if (ttsi_google_fetch(t, curl, x->lang, x->text, &t->pf_stop, &pcm, why, sizeof why) == 0) {
        ttsi_cache_put(t, &k, &pcm);
        audio_pcm_free(&pcm);
        *consecutive = 0;
        pf_update(t, &t->pf_progress.fetched, TTS_PREFILL_RUNNING);
        return TTS_PREFILL_RUNNING;
    }
    if (atomic_load(&t->pf_stop))
        return TTS_PREFILL_STOPPED;
    ttsi_log(t, "TTS prefill: Google TTS failed for %s text %zu of %zu (%s)", ttsi_lang_name(x->lang),
             index + 1, t->pf_count, why);
    pf_update(t, &t->pf_progress.failed, TTS_PREFILL_RUNNING);
    if (++*consecutive >= PF_MAX_CONSECUTIVE_FAILURES) {
        ttsi_log(t, "TTS prefill: giving up after %d failures in a row", *consecutive);
        return TTS_PREFILL_GAVE_UP;
    }
    return TTS_PREFILL_RUNNING;
}

static void *pf_thread(void *arg)
{
    tts *t = arg;
    void *curl = ttsi_google_handle_new();
    tts_prefill_state end = curl ? TTS_PREFILL_DONE : TTS_PREFILL_GAVE_UP;
    int consecutive = 0;
    for (size_t i = 0; curl != NULL && i < t->pf_count; i++) {
        if (atomic_load(&t->pf_stop) || !atomic_load(&t->online)) {
            end = TTS_PREFILL_STOPPED;
            break;
        }
        tts_prefill_state s = pf_one(t, curl, &t->pf_texts[i], i, &consecutive);
        if (s != TTS_PREFILL_RUNNING) {
            end = s;
            break;
        }
    }
    ttsi_google_handle_free(curl);
    pf_update(t, NULL, end);
    tts_prefill_progress p;
    tts_prefill_get_progress(t, &p);
    ttsi_log(t, "TTS prefill %s: %zu texts, %zu already cached, %zu fetched, %zu failed",
             end == TTS_PREFILL_DONE ? "finished" : end == TTS_PREFILL_STOPPED ? "stopped" : "gave up",
             p.total, p.already_cached, p.fetched, p.failed);
    return NULL;
}

int tts_prefill_start(tts *t, const char *assets_dir, char *err, size_t err_len)
{
    if (!tts_google_configured(t) || !atomic_load(&t->online) || t->cache_dir == NULL) {
        ttsi_set_err(err, err_len, "TTS prefill needs Google TTS configured, the network and a cache (%s)",
                     !tts_google_configured(t) ? "Google TTS is not configured"
                     : t->cache_dir == NULL    ? "no cache folder"
                                               : "offline");
        return -1;
    }
    tts_prefill_progress p;
    tts_prefill_get_progress(t, &p);
    if (p.state == TTS_PREFILL_RUNNING) {
        ttsi_set_err(err, err_len, "a TTS prefill is already running");
        return -1;
    }
    tts_prefill_wait(t); /* reap the previous, finished thread */
    ttsi_text *texts;
    size_t n;
    if (pf_collect(assets_dir, &texts, &n, err, err_len) != 0)
        return -1;
    pf_free_texts(t->pf_texts, t->pf_count);
    t->pf_texts = texts;
    t->pf_count = n;
    atomic_store(&t->pf_stop, false);
    pthread_mutex_lock(&t->pf_lock);
    t->pf_progress = (tts_prefill_progress){.state = TTS_PREFILL_RUNNING, .total = n};
    pthread_mutex_unlock(&t->pf_lock);
    if (pthread_create(&t->pf_thread, NULL, pf_thread, t) != 0) {
        pf_update(t, NULL, TTS_PREFILL_IDLE);
        ttsi_set_err(err, err_len, "cannot start the TTS prefill thread");
        return -1;
    }
    t->pf_joinable = true;
    return 0;
}

void tts_prefill_get_progress(tts *t, tts_prefill_progress *p)
{
    pthread_mutex_lock(&t->pf_lock);
    *p = t->pf_progress;
    pthread_mutex_unlock(&t->pf_lock);
}

void tts_prefill_wait(tts *t)
{
    if (!t->pf_joinable)
        return;
    pthread_join(t->pf_thread, NULL);
    t->pf_joinable = false;
}

void tts_prefill_stop(tts *t)
{
    atomic_store(&t->pf_stop, true);
    tts_prefill_wait(t);
}
