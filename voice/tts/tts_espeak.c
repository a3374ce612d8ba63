/*
 * tts_espeak.c - eSpeak NG in memory: synchronous synthesis into a buffer through the synth
 * callback, then libsamplerate (audio_resample) from eSpeak's 22050 Hz to the kiosk's 16 kHz.
 * eSpeak NG keeps its state in globals and is not thread-safe, so one process-wide lock serialises
 * every call into it; it is initialised once and kept for the life of the process.
 */
#include <espeak-ng/speak_lib.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "tts_internal.h"

enum { ES_BUFFER_MS = 200, ES_MAX_SAMPLES = 22050 * 600 /* 10 minutes: far past any prompt */ };

typedef struct {
    int16_t *s;
    size_t n, cap;
    bool failed;
} es_buffer;

static pthread_once_t es_once = PTHREAD_ONCE_INIT;
static pthread_mutex_t es_lock = PTHREAD_MUTEX_INITIALIZER;
static int es_rate = -1;       /* eSpeak's output rate, or -1 when it failed to start */
static char es_version[64] = "unknown";
static char es_voice[128];     /* the voice eSpeak has loaded; "" before the first */
static es_buffer *es_current;  /* where the callback writes; set under es_lock */

static int es_collect(short *wav, int count, espeak_EVENT *events)
{
    (void)events;
    es_buffer *b = es_current;
    if (wav == NULL || count <= 0 || b == NULL || b->failed)
        return 0;
    size_t need = b->n + (size_t)count;
    if (need > ES_MAX_SAMPLES) {
        b->failed = true;
        return 1; /* stop synthesis */
    }
    if (need > b->cap) {
        size_t cap = b->cap ? b->cap : 16384;
        while (cap < need)
            cap *= 2;
        int16_t *s = realloc(b->s, cap * sizeof *s);
        if (s == NULL) {
            b->failed = true;
            return 1;
        }
        b->s = s;
        b->cap = cap;
    }
    memcpy(b->s + b->n, wav, (size_t)count * sizeof *wav);
    b->n = need;
    return 0;
}

static void es_init(void)
{
    /* DONT_EXIT: a missing data folder must be an error we report, not exit(1) inside a library. */
    int rate = espeak_Initialize(AUDIO_OUTPUT_SYNCHRONOUS, ES_BUFFER_MS, NULL, espeakINITIALIZE_DONT_EXIT);
    if (rate <= 0)
        return;
    espeak_SetSynthCallback(es_collect);
    const char *data_path = NULL;
    const char *version = espeak_Info(&data_path);
    if (version != NULL)
        snprintf(es_version, sizeof es_version, "%s", version);
    es_rate = rate;
}

/* Call with es_lock held. */
static int es_select_voice(const char *voice)
{
    if (strcmp(es_voice, voice) == 0)
        return 0;
    if (espeak_SetVoiceByName(voice) != EE_OK) {
        es_voice[0] = '\0';
        return -1;
    }
    snprintf(es_voice, sizeof es_voice, "%s", voice);
    return 0;
}

int ttsi_espeak_check_voice(const char *voice, char *err, size_t err_len)
{
    pthread_once(&es_once, es_init);
    if (es_rate <= 0) {
        ttsi_set_err(err, err_len, "eSpeak NG failed to start (is espeak-ng-data installed?)");
        return -1;
    }
    if (strlen(voice) >= sizeof es_voice) {
        ttsi_set_err(err, err_len, "eSpeak NG voice name too long");
        return -1;
    }
    pthread_mutex_lock(&es_lock);
    int rc = es_select_voice(voice);
    pthread_mutex_unlock(&es_lock);
    if (rc != 0)
        ttsi_set_err(err, err_len, "eSpeak NG has no voice named \"%s\" (see espeak-ng --voices)", voice);
    return rc;
}

const char *ttsi_espeak_version(void)
{
    pthread_once(&es_once, es_init);
    return es_version;
}

/* Call with es_lock held. */
static tts_status es_synth(const char *voice, int wpm, const char *text, es_buffer *b, char *err,
                           size_t err_len)
{
    if (es_select_voice(voice) != 0) {
        ttsi_set_err(err, err_len, "eSpeak NG has no voice named \"%s\"", voice);
        return TTS_ERR_ESPEAK;
    }
    if (espeak_SetParameter(espeakRATE, wpm, 0) != EE_OK) {
        ttsi_set_err(err, err_len, "eSpeak NG refused the speed %d words per minute", wpm);
        return TTS_ERR_ESPEAK;
    }
    es_current = b;
    espeak_ERROR rc = espeak_Synth(text, strlen(text) + 1, 0, POS_CHARACTER, 0, espeakCHARS_UTF8, NULL, NULL);
    es_current = NULL;
    if (rc != EE_OK || b->failed) {
        ttsi_set_err(err, err_len, "eSpeak NG synthesis failed (%s)",
                     rc != EE_OK ? "error from espeak_Synth" : "out of memory or absurdly long");
        return b->failed && rc == EE_OK ? TTS_ERR_NOMEM : TTS_ERR_ESPEAK;
    }
    if (b->n == 0) {
        ttsi_set_err(err, err_len, "eSpeak NG produced no audio for this text");
        return TTS_ERR_ESPEAK;
    }
    return TTS_OK;
}

tts_status ttsi_espeak_say(const char *voice, int wpm, const char *text, audio_pcm *out, char *err,
                           size_t err_len)
{
    memset(out, 0, sizeof *out);
    pthread_once(&es_once, es_init);
    if (es_rate <= 0) {
        ttsi_set_err(err, err_len, "eSpeak NG failed to start (is espeak-ng-data installed?)");
        return TTS_ERR_ESPEAK;
    }
    es_buffer b = {0};
    pthread_mutex_lock(&es_lock);
    tts_status st = es_synth(voice, wpm, text, &b, err, err_len);
    pthread_mutex_unlock(&es_lock);
    if (st == TTS_OK) {
        audio_pcm raw = {.samples = b.s, .count = b.n, .rate = es_rate};
        audio_status as = audio_resample(&raw, AUDIO_RATE, out);
        if (as != AUDIO_OK) {
            ttsi_set_err(err, err_len, "cannot convert eSpeak NG audio to 16 kHz: %s", audio_status_name(as));
            st = as == AUDIO_ERR_NOMEM ? TTS_ERR_NOMEM : TTS_ERR_ESPEAK;
            memset(out, 0, sizeof *out);
        }
    }
    free(b.s);
    return st;
}
