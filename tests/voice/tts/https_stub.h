/*
 * https_stub.h - a local stand-in for Google Cloud Text-to-Speech: an HTTPS server on 127.0.0.1
 * (OpenSSL, one thread, one connection at a time) with a self-signed certificate made at start-up.
 * In STUB_OK mode it answers POST /v1/text:synthesize with {"audioContent": base64 WAV} where the
 * WAV is stub_pcm_for_text() of the request's input.text, so a test can check the exact samples.
 */
#ifndef HTTPS_STUB_H
#define HTTPS_STUB_H

#include <stdbool.h>
#include <stddef.h>

#include "qlq_audio.h"

typedef enum {
    STUB_OK,
    STUB_SLOW,         /* waits stub_set_delay_ms, then answers as STUB_OK */
    STUB_HANG,         /* never answers; the connection is held until stub_stop */
    STUB_GARBAGE_JSON, /* 200 with a body that is not JSON */
    STUB_HTTP_500,     /* 500 with Google's error JSON */
    STUB_BAD_BASE64,   /* 200, audioContent is not base64 */
    STUB_NOT_WAV,      /* 200, audioContent is base64 of bytes that are not a WAV file */
} stub_mode;

typedef struct stub stub;

/* Generates a key and a self-signed certificate for IP 127.0.0.1, writes the certificate (PEM) into
 * `dir` as the CA file to trust, and starts listening on an ephemeral port. NULL on failure. */
stub *stub_start(const char *dir);
void stub_stop(stub *s);

const char *stub_ca_file(const stub *s);
int stub_port(const stub *s);
/* "https://127.0.0.1:<port>" */
void stub_endpoint(const stub *s, char *buf, size_t len);

void stub_set_mode(stub *s, stub_mode m);
void stub_set_delay_ms(stub *s, int ms);
/* Sample rate of the WAV files the stub returns (default 16000). */
void stub_set_rate(stub *s, int rate);

/* Complete HTTP requests received so far. */
int stub_requests(stub *s);
/* Waits until the stub is not serving a connection (a slow reply has been sent). */
void stub_wait_idle(stub *s);
/* TLS handshakes the client abandoned (it did not trust the certificate). */
int stub_handshake_failures(stub *s);
/* Copies the last request's target ("/v1/text:synthesize?key=...") and body. false when none. */
bool stub_last_request(stub *s, char *target, size_t target_len, char *body, size_t body_len);

/* The audio the stub returns for `text`: 0.5 s of a tone whose pitch and phase depend on the text. */
void stub_pcm_for_text(const char *text, int rate, audio_pcm *out);

/* Writes an unrelated self-signed certificate (PEM) to `path`: a CA that did not sign the stub's. */
int stub_write_other_ca(const char *path);

#endif
