/*
 * https_stub.c - the local HTTPS stand-in for Google Cloud Text-to-Speech (see https_stub.h).
 */
#include "https_stub.h"

#include <arpa/inet.h>
#include <cjson/cJSON.h>
#include <errno.h>
#include <math.h>
#include <netinet/in.h>
#include <openssl/evp.h>
#include <openssl/pem.h>
#include <openssl/ssl.h>
#include <openssl/x509v3.h>
#include <poll.h>
#include <pthread.h>
#include <signal.h>
#include <stdatomic.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/socket.h>
#include <sys/time.h>
#include <time.h>
#include <unistd.h>

enum { STUB_MAX_REQUEST = 1 << 20 };
static const double STUB_PI = 3.14159265358979323846;

struct stub {
    SSL_CTX *ctx;
    int listen_fd;
    int port;
    char ca_file[1024];
    char dir[1024];
    pthread_t thread;
    atomic_bool stop;
    pthread_mutex_t lock;
    stub_mode mode;
    int delay_ms;
    int rate;
    int requests;
    int handshake_failures;
    bool busy; /* serving a connection */
    char last_target[2048];
    char *last_body;
};

/* ---- certificates ------------------------------------------------------------------------------ */

static int stub_add_ext(X509 *x, int nid, const char *value)
{
    X509V3_CTX ctx;
    X509V3_set_ctx_nodb(&ctx);
    X509V3_set_ctx(&ctx, x, x, NULL, NULL, 0);
    X509_EXTENSION *ex = X509V3_EXT_conf_nid(NULL, &ctx, nid, value);
    if (ex == NULL)
        return -1;
    int ok = X509_add_ext(x, ex, -1);
    X509_EXTENSION_free(ex);
    return ok ? 0 : -1;
}

/* Distinct serials, so two certificates made in one test are never mistaken for each other. */
static long stub_serial(void)
{
    static atomic_long counter;
    return ((long)time(NULL) & 0xffffff) * 256 + (atomic_fetch_add(&counter, 1) & 0xff);
}

static int stub_make_cert(EVP_PKEY **key_out, X509 **cert_out)
{
    EVP_PKEY *key = EVP_EC_gen("P-256");
    X509 *x = X509_new();
    int ok = key != NULL && x != NULL && X509_set_version(x, 2) &&
             ASN1_INTEGER_set(X509_get_serialNumber(x), stub_serial()) &&
             X509_gmtime_adj(X509_getm_notBefore(x), -3600) && X509_gmtime_adj(X509_getm_notAfter(x), 86400) &&
             X509_set_pubkey(x, key);
    X509_NAME *name = ok ? X509_get_subject_name(x) : NULL;
    ok = ok && X509_NAME_add_entry_by_txt(name, "CN", MBSTRING_ASC, (const unsigned char *)"qlq tts stub", -1,
                                          -1, 0) &&
         X509_set_issuer_name(x, name);
    ok = ok && stub_add_ext(x, NID_basic_constraints, "critical,CA:TRUE") == 0 &&
         stub_add_ext(x, NID_key_usage, "critical,digitalSignature,keyCertSign") == 0 &&
         stub_add_ext(x, NID_subject_key_identifier, "hash") == 0 &&
         stub_add_ext(x, NID_subject_alt_name, "IP:127.0.0.1") == 0 && X509_sign(x, key, EVP_sha256()) > 0;
    if (!ok) {
        EVP_PKEY_free(key);
        X509_free(x);
        return -1;
    }
    *key_out = key;
    *cert_out = x;
    return 0;
}

static int stub_write_pem(const char *path, X509 *x)
{
    FILE *f = fopen(path, "w");
    if (f == NULL)
        return -1;
    int ok = PEM_write_X509(f, x);
    return (fclose(f) == 0 && ok) ? 0 : -1;
}

int stub_write_other_ca(const char *path)
{
    EVP_PKEY *key;
    X509 *x;
    if (stub_make_cert(&key, &x) != 0)
        return -1;
    int rc = stub_write_pem(path, x);
    EVP_PKEY_free(key);
    X509_free(x);
    return rc;
}

/* ---- audio the stub returns ----------------------------------------------------------------- */

void stub_pcm_for_text(const char *text, int rate, audio_pcm *out)
{
    uint32_t h = 2166136261u; /* FNV-1a: any text-dependent number will do */
    for (const unsigned char *p = (const unsigned char *)text; *p; p++)
        h = (h ^ *p) * 16777619u;
    double freq = 200.0 + (double)(h % 800);
    double phase = (double)((h >> 16) % 628) / 100.0;
    out->rate = rate;
    out->count = (size_t)rate / 2;
    out->samples = malloc(out->count * sizeof *out->samples);
    for (size_t i = 0; out->samples != NULL && i < out->count; i++)
        out->samples[i] = (int16_t)lrint(8000.0 * sin(2.0 * STUB_PI * freq * (double)i / rate + phase));
}

/* The WAV bytes come from the audio module's writer: the stub must not carry a WAV writer of its own. */
static char *stub_wav_base64(stub *s, const char *text, int rate)
{
    audio_pcm pcm;
    stub_pcm_for_text(text, rate, &pcm);
    char path[1200];
    snprintf(path, sizeof path, "%s/stub-reply.wav", s->dir);
    char *b64 = NULL;
    if (pcm.samples != NULL && audio_wav_write(path, pcm.samples, pcm.count, pcm.rate) == AUDIO_OK) {
        FILE *f = fopen(path, "rb");
        unsigned char *bytes = malloc(44 + 2 * pcm.count);
        size_t n = f && bytes ? fread(bytes, 1, 44 + 2 * pcm.count, f) : 0;
        b64 = n > 0 ? malloc(4 * ((n + 2) / 3) + 1) : NULL;
        if (b64 != NULL)
            EVP_EncodeBlock((unsigned char *)b64, bytes, (int)n);
        free(bytes);
        if (f)
            fclose(f);
        unlink(path);
    }
    audio_pcm_free(&pcm);
    return b64;
}

/* ---- one connection ---------------------------------------------------------------------------- */

static int stub_send(SSL *ssl, int status, const char *reason, const char *body)
{
    char head[256];
    int n = snprintf(head, sizeof head,
                     "HTTP/1.1 %d %s\r\nContent-Type: application/json; charset=UTF-8\r\n"
                     "Content-Length: %zu\r\nConnection: close\r\n\r\n",
                     status, reason, strlen(body));
    if (SSL_write(ssl, head, n) <= 0)
        return -1;
    return strlen(body) == 0 || SSL_write(ssl, body, (int)strlen(body)) > 0 ? 0 : -1;
}

static const char *stub_find_header(const char *head, const char *name)
{
    size_t n = strlen(name);
    for (const char *p = strstr(head, "\r\n"); p != NULL; p = strstr(p + 2, "\r\n"))
        if (strncasecmp(p + 2, name, n) == 0)
            return p + 2 + n;
    return NULL;
}

/* Reads one request; returns the body (malloc'd) and the request target. */
static char *stub_read_request(SSL *ssl, char *target, size_t target_len)
{
    char *buf = malloc(STUB_MAX_REQUEST + 1);
    size_t len = 0, need = 0;
    char *end = NULL;
    while (buf != NULL && len < STUB_MAX_REQUEST) {
        int r = SSL_read(ssl, buf + len, (int)(STUB_MAX_REQUEST - len));
        if (r <= 0)
            break;
        len += (size_t)r;
        buf[len] = '\0';
        if (end == NULL && (end = strstr(buf, "\r\n\r\n")) != NULL) {
            const char *cl = stub_find_header(buf, "Content-Length:");
            need = (size_t)(end + 4 - buf) + (cl ? strtoul(cl, NULL, 10) : 0);
        }
        if (end != NULL && len >= need)
            break;
    }
    if (buf == NULL || end == NULL || len < need) {
        free(buf);
        return NULL;
    }
    /* "POST <target> HTTP/1.1" */
    const char *sp1 = strchr(buf, ' ');
    const char *sp2 = sp1 ? strchr(sp1 + 1, ' ') : NULL;
    snprintf(target, target_len, "%.*s", sp2 ? (int)(sp2 - sp1 - 1) : 0, sp2 ? sp1 + 1 : "");
    char *body = strdup(end + 4);
    free(buf);
    return body;
}

static void stub_wait(stub *s, int ms)
{
    for (int waited = 0; (ms < 0 || waited < ms) && !atomic_load(&s->stop); waited += 10)
        nanosleep(&(struct timespec){.tv_nsec = 10 * 1000 * 1000}, NULL);
}

static void stub_answer_ok(stub *s, SSL *ssl, const char *body, int rate)
{
    cJSON *req = cJSON_Parse(body);
    cJSON *text = cJSON_GetObjectItemCaseSensitive(cJSON_GetObjectItemCaseSensitive(req, "input"), "text");
    char *b64 = cJSON_IsString(text) ? stub_wav_base64(s, text->valuestring, rate) : NULL;
    if (b64 == NULL) {
        stub_send(ssl, 400, "Bad Request", "{\"error\":{\"code\":400,\"status\":\"INVALID_ARGUMENT\"}}");
    } else {
        size_t n = strlen(b64) + 64;
        char *reply = malloc(n);
        snprintf(reply, n, "{\"audioContent\": \"%s\"}", b64);
        stub_send(ssl, 200, "OK", reply);
        free(reply);
    }
    free(b64);
    cJSON_Delete(req);
}

static void stub_answer(stub *s, SSL *ssl, const char *body)
{
    pthread_mutex_lock(&s->lock);
    stub_mode mode = s->mode;
    int delay = s->delay_ms, rate = s->rate;
    pthread_mutex_unlock(&s->lock);
    switch (mode) {
    case STUB_SLOW: stub_wait(s, delay); /* fall through */
    case STUB_OK: stub_answer_ok(s, ssl, body, rate); break;
    case STUB_HANG: stub_wait(s, -1); break;
    case STUB_GARBAGE_JSON: stub_send(ssl, 200, "OK", "<html><body>Service Unavailable</body>"); break;
    case STUB_HTTP_500:
        stub_send(ssl, 500, "Internal Server Error",
                  "{\"error\":{\"code\":500,\"message\":\"Internal error encountered.\",\"status\":\"INTERNAL\"}}");
        break;
    case STUB_BAD_BASE64: stub_send(ssl, 200, "OK", "{\"audioContent\": \"!!not*base64 at all~~\"}"); break;
    case STUB_NOT_WAV:
        /* base64 of "this is not a WAV file, just text" */
        stub_send(ssl, 200, "OK", "{\"audioContent\": \"dGhpcyBpcyBub3QgYSBXQVYgZmlsZSwganVzdCB0ZXh0\"}");
        break;
    }
}

static void stub_set_busy(stub *s, bool busy)
{
    pthread_mutex_lock(&s->lock);
    s->busy = busy;
    pthread_mutex_unlock(&s->lock);
}

static void stub_serve(stub *s, int fd)
{
    struct timeval tv = {.tv_sec = 5};
    setsockopt(fd, SOL_SOCKET, SO_RCVTIMEO, &tv, sizeof tv);
    setsockopt(fd, SOL_SOCKET, SO_SNDTIMEO, &tv, sizeof tv);
    SSL *ssl = SSL_new(s->ctx);
    SSL_set_fd(ssl, fd);
    if (SSL_accept(ssl) <= 0) {
        pthread_mutex_lock(&s->lock);
        s->handshake_failures++;
        pthread_mutex_unlock(&s->lock);
    } else {
        char target[2048];
        char *body = stub_read_request(ssl, target, sizeof target);
        if (body != NULL) {
            pthread_mutex_lock(&s->lock);
            s->requests++;
            snprintf(s->last_target, sizeof s->last_target, "%s", target);
            free(s->last_body);
            s->last_body = strdup(body);
            pthread_mutex_unlock(&s->lock);
            stub_answer(s, ssl, body);
            free(body);
        }
        SSL_shutdown(ssl);
    }
    SSL_free(ssl);
    close(fd);
}

static void *stub_loop(void *arg)
{
    stub *s = arg;
    while (!atomic_load(&s->stop)) {
        struct pollfd p = {.fd = s->listen_fd, .events = POLLIN};
        if (poll(&p, 1, 20) <= 0)
            continue;
        int fd = accept(s->listen_fd, NULL, NULL);
        if (fd >= 0) {
            stub_set_busy(s, true);
            stub_serve(s, fd);
            stub_set_busy(s, false);
        }
    }
    return NULL;
}

/* ---- life cycle -------------------------------------------------------------------------------- */

static int stub_listen(stub *s)
{
    s->listen_fd = socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
    int one = 1;
    struct sockaddr_in a = {.sin_family = AF_INET, .sin_port = 0};
    a.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    socklen_t alen = sizeof a;
    if (s->listen_fd < 0 || setsockopt(s->listen_fd, SOL_SOCKET, SO_REUSEADDR, &one, sizeof one) != 0 ||
        bind(s->listen_fd, (struct sockaddr *)&a, sizeof a) != 0 || listen(s->listen_fd, 16) != 0 ||
        getsockname(s->listen_fd, (struct sockaddr *)&a, &alen) != 0)
        return -1;
    s->port = ntohs(a.sin_port);
    return 0;
}

static int stub_tls(stub *s)
{
    EVP_PKEY *key;
    X509 *cert;
    if (stub_make_cert(&key, &cert) != 0)
        return -1;
    s->ctx = SSL_CTX_new(TLS_server_method());
    int rc = s->ctx != NULL && SSL_CTX_use_certificate(s->ctx, cert) == 1 &&
                     SSL_CTX_use_PrivateKey(s->ctx, key) == 1 && stub_write_pem(s->ca_file, cert) == 0
                 ? 0
                 : -1;
    EVP_PKEY_free(key);
    X509_free(cert);
    return rc;
}

stub *stub_start(const char *dir)
{
    /* A client that hangs up mid-reply must not kill the test with SIGPIPE. */
    signal(SIGPIPE, SIG_IGN);
    stub *s = calloc(1, sizeof *s);
    if (s == NULL)
        return NULL;
    s->listen_fd = -1;
    s->rate = 16000;
    s->delay_ms = 1500;
    pthread_mutex_init(&s->lock, NULL);
    snprintf(s->dir, sizeof s->dir, "%s", dir);
    snprintf(s->ca_file, sizeof s->ca_file, "%s/stub-ca.pem", dir);
    if (stub_tls(s) != 0 || stub_listen(s) != 0 || pthread_create(&s->thread, NULL, stub_loop, s) != 0) {
        if (s->listen_fd >= 0)
            close(s->listen_fd);
        SSL_CTX_free(s->ctx);
        pthread_mutex_destroy(&s->lock);
        free(s);
        return NULL;
    }
    return s;
}

void stub_stop(stub *s)
{
    if (s == NULL)
        return;
    atomic_store(&s->stop, true);
    pthread_join(s->thread, NULL);
    close(s->listen_fd);
    SSL_CTX_free(s->ctx);
    free(s->last_body);
    pthread_mutex_destroy(&s->lock);
    free(s);
}

const char *stub_ca_file(const stub *s)
{
    return s->ca_file;
}

int stub_port(const stub *s)
{
    return s->port;
}

void stub_endpoint(const stub *s, char *buf, size_t len)
{
    snprintf(buf, len, "https://127.0.0.1:%d", s->port);
}

void stub_set_mode(stub *s, stub_mode m)
{
    pthread_mutex_lock(&s->lock);
    s->mode = m;
    pthread_mutex_unlock(&s->lock);
}

void stub_set_delay_ms(stub *s, int ms)
{
    pthread_mutex_lock(&s->lock);
    s->delay_ms = ms;
    pthread_mutex_unlock(&s->lock);
}

void stub_set_rate(stub *s, int rate)
{
    pthread_mutex_lock(&s->lock);
    s->rate = rate;
    pthread_mutex_unlock(&s->lock);
}

int stub_requests(stub *s)
{
    pthread_mutex_lock(&s->lock);
    int n = s->requests;
    pthread_mutex_unlock(&s->lock);
    return n;
}

void stub_wait_idle(stub *s)
{
    for (;;) {
        pthread_mutex_lock(&s->lock);
        bool busy = s->busy;
        pthread_mutex_unlock(&s->lock);
        if (!busy)
            return;
        nanosleep(&(struct timespec){.tv_nsec = 10 * 1000 * 1000}, NULL);
    }
}

int stub_handshake_failures(stub *s)
{
    pthread_mutex_lock(&s->lock);
    int n = s->handshake_failures;
    pthread_mutex_unlock(&s->lock);
    return n;
}

bool stub_last_request(stub *s, char *target, size_t target_len, char *body, size_t body_len)
{
    pthread_mutex_lock(&s->lock);
    bool have = s->requests > 0;
    snprintf(target, target_len, "%s", s->last_target);
    snprintf(body, body_len, "%s", s->last_body ? s->last_body : "");
    pthread_mutex_unlock(&s->lock);
    return have;
}
