/* export_fixture.h - kiosk databases built with the real store API, and the store's own view of
 * them, for the export tests. */
#ifndef QLQ_TEST_EXPORT_FIXTURE_H
#define QLQ_TEST_EXPORT_FIXTURE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "qlq_core.h"
#include "qlq_store.h"

enum { FX_MAX_SESSIONS = 8 };

typedef struct {
    const char *id;
    const char *initials;
    const char *language;
    const char *status;        /* what the store must report: submitted | incomplete | in_progress */
    const char *fhir_status;   /* completed | stopped | in-progress */
    int8_t answers[QLQ_ITEM_SLOTS]; /* the answer the test left on each item; 0 = none */
} fx_session;

typedef struct {
    fx_session sessions[FX_MAX_SESSIONS];
    size_t count;
} fx_db;

/* The session whose texts hold commas, quotes, line breaks and formula starts. */
extern const char FX_TRICKY_ID[];
/* Item n's question text in the tricky session (n = 1..5), and item 1's response text and item
 * 2's transcript there. */
extern const char *const FX_TRICKY_QUESTION[6];
extern const char FX_TRICKY_RESPONSE_1[];
extern const char FX_TRICKY_TRANSCRIPT_2[];
/* Initials used in the sample: they must never appear in logs. */
extern const char FX_SECRET_INITIALS[];

/* Six sessions: submitted complete (with a change), submitted with skips, incomplete, in progress
 * by voice (transcripts, confidences), submitted with hostile text, and one with no answers. */
void fx_build_sample(const char *db_path, fx_db *out);
/* `sessions` complete sessions whose question texts are `text_len` bytes long. */
void fx_build_big(const char *db_path, int sessions, size_t text_len);
/* A database with no session at all. */
void fx_build_empty(const char *db_path);

/* Deep copies of what store_each_session reports: the reference the CSV must reproduce. */
typedef struct {
    char *id, *initials, *birth_date, *today_date, *mode, *language, *status;
    bool audio_enabled;
    char *created_at, *completed_at, *metadata;
} fx_session_copy;

typedef struct {
    char *id, *session_id;
    int question_num;
    char *question_text;
    int score;
    char *response_text, *transcript, *response_type, *timestamp;
    bool has_confidence;
    double confidence;
} fx_response_copy;

typedef struct {
    fx_session_copy *sessions;
    size_t n_sessions;
    fx_response_copy *responses;
    size_t n_responses;
} fx_snapshot;

void fx_snapshot_take(const char *db_path, fx_snapshot *out);
void fx_snapshot_free(fx_snapshot *s);

#endif
