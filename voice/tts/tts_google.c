/*
 * tts_google.c - Google Cloud Text-to-Speech, REST v1 text:synthesize, LINEAR16 at 16 kHz.
 *
 * Security: https only (no plain-HTTP request could carry the key), the peer's certificate and the
 * host name are always verified (a CA file may replace the system store, for tests), redirects are
 * not followed, and nothing this file reports contains the URL (it holds the key) or the text.
 * Every way the reply can be wrong (status, JSON, base64, WAV) is a failure with a reason, so the
 * caller can fall back to eSpeak NG.
 */
#include <cjson/cJSON.h>
#include <curl/curl.h>
#include <openssl/evp.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "tts_internal.h"

enum { GG_MAX_REPLY = 32 * 1024 * 1024 };

typedef struct {
    char *data;
    size_t len, cap;
    bool too_big;
} gg_buffer;

static pthread_once_t gg_once = PTHREAD_ONCE_INIT;
static int gg_init_rc = -1;

static void gg_init(void)
{
    gg_init_rc = curl_global_init(CURL_GLOBAL_DEFAULT) == CURLE_OK ? 0 : -1;
}

int ttsi_google_global_init(void)
{
    pthread_once(&gg_once, gg_init);
    return gg_init_rc;
}

void *ttsi_google_handle_new(void)
{
    return ttsi_google_global_init() == 0 ? curl_easy_init() : NULL;
}

void ttsi_google_handle_free(void *curl)
{
    if (curl != NULL)
        curl_easy_cleanup(curl);
}

char *ttsi_google_url(const char *endpoint, const char *key, char *err, size_t err_len)
{
    if (strncmp(endpoint, "https://", 8) != 0) {
        ttsi_set_err(err, err_len, "the Google TTS endpoint must start with https://");
        return NULL;
    }
    if (ttsi_google_global_init() != 0) {
        ttsi_set_err(err, err_len, "libcurl failed to initialise");
        return NULL;
    }
    char *escaped = curl_easy_escape(NULL, key, 0);
    size_t base = strlen(endpoint);
    while (base > 8 && endpoint[base - 1] == '/')
        base--;
    size_t size = base + 64 + (escaped ? strlen(escaped) : 0);
    char *url = escaped ? malloc(size) : NULL;
    if (url != NULL)
        snprintf(url, size, "%.*s/v1/text:synthesize?key=%s", (int)base, endpoint, escaped);
    else
        ttsi_set_err(err, err_len, "out of memory");
    curl_free(escaped);
    return url;
}

/* ---- request ---------------------------------------------------------------------------------- */

static size_t gg_on_body(char *p, size_t size, size_t n, void *ud)
{
    gg_buffer *b = ud;
    size_t add = size * n;
    if (b->len + add > GG_MAX_REPLY) {
        b->too_big = true;
        return 0;
    }
    if (b->len + add + 1 > b->cap) {
        size_t cap = b->cap ? b->cap : 65536;
        while (cap < b->len + add + 1)
            cap *= 2;
        char *d = realloc(b->data, cap);
        if (d == NULL)
            return 0;
        b->data = d;
        b->cap = cap;
    }
    memcpy(b->data + b->len, p, add);
    b->len += add;
    b->data[b->len] = '\0';
    return add;
}

static int gg_on_progress(void *ud, curl_off_t dt, curl_off_t dn, curl_off_t ut, curl_off_t un)
{
    (void)dt, (void)dn, (void)ut, (void)un;
    const atomic_bool *abort_flag = ud;
    return abort_flag != NULL && atomic_load(abort_flag) ? 1 : 0;
}

static char *gg_request_json(const tts *t, int lang, const char *text)
{
    const ttsi_voice *v = &t->voices[lang];
    cJSON *root = cJSON_CreateObject();
    cJSON *input = cJSON_AddObjectToObject(root, "input");
    cJSON *voice = cJSON_AddObjectToObject(root, "voice");
    cJSON *cfg = cJSON_AddObjectToObject(root, "audioConfig");
    char *json = NULL;
    if (input && voice && cfg && cJSON_AddStringToObject(input, "text", text) &&
        cJSON_AddStringToObject(voice, "languageCode", v->google_language) &&
        cJSON_AddStringToObject(voice, "name", v->google_voice) &&
        cJSON_AddStringToObject(cfg, "audioEncoding", "LINEAR16") &&
        cJSON_AddNumberToObject(cfg, "sampleRateHertz", AUDIO_RATE) &&
        cJSON_AddNumberToObject(cfg, "speakingRate", strtod(t->google_rate, NULL)))
        json = cJSON_PrintUnformatted(root);
    cJSON_Delete(root);
    return json;
}

static void gg_set_options(const tts *t, CURL *c, const char *body, struct curl_slist *headers,
                           gg_buffer *reply, const atomic_bool *abort_flag, char *errbuf)
{
    curl_easy_reset(c);
    curl_easy_setopt(c, CURLOPT_URL, t->google_url);
    curl_easy_setopt(c, CURLOPT_PROTOCOLS_STR, "https");
    curl_easy_setopt(c, CURLOPT_FOLLOWLOCATION, 0L);
    curl_easy_setopt(c, CURLOPT_SSL_VERIFYPEER, 1L);
    curl_easy_setopt(c, CURLOPT_SSL_VERIFYHOST, 2L);
    if (t->ca_file != NULL)
        curl_easy_setopt(c, CURLOPT_CAINFO, t->ca_file);
    curl_easy_setopt(c, CURLOPT_TIMEOUT_MS, t->timeout_ms);
    curl_easy_setopt(c, CURLOPT_CONNECTTIMEOUT_MS, t->timeout_ms);
    curl_easy_setopt(c, CURLOPT_NOSIGNAL, 1L); /* timeouts without SIGALRM: we run in threads */
    curl_easy_setopt(c, CURLOPT_POSTFIELDS, body);
    curl_easy_setopt(c, CURLOPT_POSTFIELDSIZE, (long)strlen(body));
    curl_easy_setopt(c, CURLOPT_HTTPHEADER, headers);
    curl_easy_setopt(c, CURLOPT_USERAGENT, "qlq-kiosk");
    curl_easy_setopt(c, CURLOPT_WRITEFUNCTION, gg_on_body);
    curl_easy_setopt(c, CURLOPT_WRITEDATA, reply);
    curl_easy_setopt(c, CURLOPT_NOPROGRESS, 0L);
    curl_easy_setopt(c, CURLOPT_XFERINFOFUNCTION, gg_on_progress);
    curl_easy_setopt(c, CURLOPT_XFERINFODATA, (void *)abort_flag);
    curl_easy_setopt(c, CURLOPT_ERRORBUFFER, errbuf);
}

static void gg_describe_curl_error(const tts *t, CURLcode rc, const char *errbuf, const gg_buffer *reply,
                                   char *why, size_t why_len)
{
    const char *detail = errbuf[0] ? errbuf : curl_easy_strerror(rc);
    if (rc == CURLE_OPERATION_TIMEDOUT)
        snprintf(why, why_len, "no answer within %ld ms", t->timeout_ms);
    else if (rc == CURLE_ABORTED_BY_CALLBACK)
        snprintf(why, why_len, "request aborted (stopping)");
    else if (rc == CURLE_PEER_FAILED_VERIFICATION || rc == CURLE_SSL_CACERT_BADFILE)
        snprintf(why, why_len, "TLS certificate verification failed: %s", detail);
    else if (rc == CURLE_WRITE_ERROR && reply->too_big)
        snprintf(why, why_len, "reply larger than %d bytes", GG_MAX_REPLY);
    else
        snprintf(why, why_len, "request failed: %s", detail);
}

/* 0 with the reply body, or -1 with `why`. */
static int gg_post(const tts *t, CURL *c, const char *body, const atomic_bool *abort_flag, gg_buffer *reply,
                   long *status, char *why, size_t why_len)
{
    char errbuf[CURL_ERROR_SIZE] = "";
    struct curl_slist *headers = curl_slist_append(NULL, "Content-Type: application/json; charset=utf-8");
    /* An empty Expect: stops libcurl from waiting for "100 Continue" before sending the body. */
    struct curl_slist *more = headers ? curl_slist_append(headers, "Expect:") : NULL;
    if (more == NULL) {
        curl_slist_free_all(headers);
        snprintf(why, why_len, "out of memory");
        return -1;
    }
    headers = more;
    gg_set_options(t, c, body, headers, reply, abort_flag, errbuf);
    CURLcode rc = curl_easy_perform(c);
    curl_easy_getinfo(c, CURLINFO_RESPONSE_CODE, status);
    /* Drop our pointers to stack memory from the handle before returning. */
    curl_easy_setopt(c, CURLOPT_ERRORBUFFER, NULL);
    curl_easy_setopt(c, CURLOPT_HTTPHEADER, NULL);
    curl_slist_free_all(headers);
    if (rc != CURLE_OK) {
        gg_describe_curl_error(t, rc, errbuf, reply, why, why_len);
        return -1;
    }
    return 0;
}

/* ---- reply ------------------------------------------------------------------------------------ */

/* Google's error status is an enum name ("PERMISSION_DENIED"); its message is not echoed, since it
 * is free text that could one day quote the request. */
static void gg_describe_http_error(long status, const gg_buffer *reply, char *why, size_t why_len)
{
    const char *name = "";
    cJSON *root = reply->data ? cJSON_ParseWithLength(reply->data, reply->len) : NULL;
    cJSON *st = cJSON_GetObjectItemCaseSensitive(cJSON_GetObjectItemCaseSensitive(root, "error"), "status");
    if (cJSON_IsString(st) && strlen(st->valuestring) < 40 &&
        strspn(st->valuestring, "ABCDEFGHIJKLMNOPQRSTUVWXYZ_") == strlen(st->valuestring))
        name = st->valuestring;
    snprintf(why, why_len, "HTTP %ld%s%s", status, name[0] ? " " : "", name);
    cJSON_Delete(root);
}

/* Standard base64 (Google's "bytes" JSON encoding) -> bytes; -1 when it is not valid base64. */
static int gg_base64_decode(const char *in, size_t in_len, uint8_t **out, size_t *out_len)
{
    if (in_len > (size_t)GG_MAX_REPLY)
        return -1;
    uint8_t *buf = malloc(in_len / 4 * 3 + 4);
    EVP_ENCODE_CTX *ctx = EVP_ENCODE_CTX_new();
    int n = 0, tail = 0;
    int ok = buf != NULL && ctx != NULL;
    if (ok) {
        EVP_DecodeInit(ctx);
        ok = EVP_DecodeUpdate(ctx, buf, &n, (const unsigned char *)in, (int)in_len) >= 0 &&
             EVP_DecodeFinal(ctx, buf + n, &tail) == 1;
    }
    EVP_ENCODE_CTX_free(ctx);
    if (!ok) {
        free(buf);
        return -1;
    }
    *out = buf;
    *out_len = (size_t)n + (size_t)tail;
    return 0;
}

static int gg_parse_reply(const gg_buffer *reply, audio_pcm *out, char *why, size_t why_len)
{
    cJSON *root = reply->data ? cJSON_ParseWithLength(reply->data, reply->len) : NULL;
    if (root == NULL) {
        snprintf(why, why_len, "reply is not valid JSON");
        return -1;
    }
    cJSON *audio = cJSON_GetObjectItemCaseSensitive(root, "audioContent");
    uint8_t *wav = NULL;
    size_t wav_len = 0;
    int rc = -1;
    if (!cJSON_IsString(audio))
        snprintf(why, why_len, "reply has no audioContent string");
    else if (gg_base64_decode(audio->valuestring, strlen(audio->valuestring), &wav, &wav_len) != 0)
        snprintf(why, why_len, "audioContent is not valid base64");
    else {
        char err[200] = "";
        audio_pcm pcm = {0};
        audio_status s = audio_wav_parse(wav, wav_len, &pcm, err, sizeof err);
        if (s == AUDIO_OK && pcm.count == 0)
            snprintf(why, why_len, "audioContent is an empty WAV");
        else if (s != AUDIO_OK)
            snprintf(why, why_len, "audioContent is not a usable WAV (%s: %s)", audio_status_name(s), err);
        else if ((s = audio_resample(&pcm, AUDIO_RATE, out)) != AUDIO_OK)
            snprintf(why, why_len, "cannot convert Google audio to 16 kHz: %s", audio_status_name(s));
        else
            rc = 0;
        audio_pcm_free(&pcm);
    }
    free(wav);
    cJSON_Delete(root);
    return rc;
}

int ttsi_google_fetch(const tts *t, void *curl, int lang, const char *text, const atomic_bool *abort_flag,
                      audio_pcm *out, char *why, size_t why_len)
{
    memset(out, 0, sizeof *out);
    if (t->google_url == NULL || curl == NULL) {
        snprintf(why, why_len, curl == NULL ? "libcurl failed to initialise" : "not configured");
        return -1;
    }
    char *body = gg_request_json(t, lang, text);
    if (body == NULL) {
        snprintf(why, why_len, "out of memory");
        return -1;
    }
    gg_buffer reply = {0};
    long status = 0;
    int rc = gg_post(t, curl, body, abort_flag, &reply, &status, why, why_len);
    if (rc == 0 && status != 200) {
        gg_describe_http_error(status, &reply, why, why_len);
        rc = -1;
    }
    if (rc == 0)
        rc = gg_parse_reply(&reply, out, why, why_len);
    free(reply.data);
    cJSON_free(body);
    return rc;
}

int tts_read_api_key(const char *file, char *key, size_t key_len, char *err, size_t err_len)
{
    key[0] = '\0';
    if (file == NULL) {
        const char *env = getenv("QLQ_GOOGLE_TTS_KEY");
        snprintf(key, key_len, "%s", env != NULL ? env : "");
    } else {
        FILE *f = fopen(file, "r");
        if (f == NULL) {
            snprintf(err, err_len, "cannot read the key file %s: %s", file, strerror(errno));
            return -1;
        }
        if (fgets(key, (int)key_len, f) == NULL)
            key[0] = '\0';
        fclose(f);
    }
    size_t start = strspn(key, " \t\r\n"), n = strlen(key + start);
    memmove(key, key + start, n + 1);
    while (n > 0 && strchr(" \t\r\n", key[n - 1]) != NULL)
        key[--n] = '\0';
    if (file != NULL && key[0] == '\0') {
        snprintf(err, err_len, "the key file %s is empty", file);
        return -1;
    }
    return 0;
}
