/*
 * qlq_store.h - durable local storage of sessions, answers and the audit trail (SQLite).
 *
 * Every write function is one transaction: when it returns STORE_OK the data has been committed with
 * synchronous=FULL in WAL mode and survives a crash or a power cut. When it returns anything else
 * nothing of it was stored and the caller may try again. Messages from store_error() are English,
 * for logs, and never contain patient data.
 */
#ifndef QLQ_STORE_H
#define QLQ_STORE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

typedef struct store store;

typedef enum {
    STORE_OK = 0,
    STORE_ERR_OPEN,        /* cannot open or create the file (permissions, missing folder) */
    STORE_ERR_CORRUPT,     /* not a database, or a damaged one: never overwritten */
    STORE_ERR_FOREIGN,     /* a valid SQLite database that is not ours: never touched */
    STORE_ERR_TOO_NEW,     /* written by a newer version of qlq-kiosk */
    STORE_ERR_FULL,        /* disk full */
    STORE_ERR_IO,          /* I/O error */
    STORE_ERR_BUSY,        /* locked by another process for longer than the busy timeout */
    STORE_ERR_NOT_FOUND,
    STORE_ERR_INVALID,     /* bad argument (unknown session, value out of range) */
    STORE_ERR_INTERNAL,
} store_status;

typedef enum { STORE_SOURCE_TOUCH, STORE_SOURCE_VOICE, STORE_SOURCE_KEYBOARD, STORE_SOURCE_SYSTEM } store_source;
typedef enum { STORE_ACTION_ANSWER, STORE_ACTION_CHANGE, STORE_ACTION_SKIP, STORE_ACTION_TIMEOUT, STORE_ACTION_SUBMIT } store_action;

typedef struct {
    const char *vfs_name;     /* NULL: SQLite's default VFS. Tests pass a fault-injecting shim's name. */
    int busy_timeout_ms;      /* 0: 2000 */
} store_options;

/* Opens or creates the database at `path` (mode 0600), migrating it to the current schema. On
 * failure *out is NULL and `err` (if not NULL) holds an English message naming the file. */
store_status store_open(const char *path, const store_options *opt, store **out, char *err, size_t err_len);
void store_close(store *st);
/* English description of the last failure on `st`. */
const char *store_error(const store *st);
const char *store_status_name(store_status s);
/* The schema version this build writes (PRAGMA user_version). */
int store_schema_version(void);

typedef struct {
    const char *id;           /* UUID text */
    const char *initials;
    const char *birth_date;   /* YYYY-MM-DD */
    const char *today_date;   /* YYYY-MM-DD */
    const char *mode;         /* "CONTINUOUS" | "MANUAL" */
    bool audio_enabled;
    const char *language;     /* "fr" | "en" */
    int64_t created_ms;       /* Unix ms */
    const char *metadata_json;/* NULL: "{}" */
} store_new_session;

store_status store_create_session(store *st, const store_new_session *s);

typedef struct {
    const char *session_id;
    int question_num;         /* 1..30 */
    const char *question_text;
    int score;                /* 1..4, or 1..7 for items 29 and 30 */
    const char *response_text;/* the option label */
    const char *transcript;   /* NULL unless spoken */
    store_source source;      /* response_type = VOICE when source is VOICE, else MANUAL */
    store_action action;      /* ANSWER or CHANGE */
    bool has_confidence;
    double confidence;
    int64_t at_ms;
} store_answer;

/* Upserts the response, appends an answer_events row and an outbox row: one transaction. */
store_status store_record_answer(store *st, const store_answer *a);
/* Removes any response for the item, appends a SKIP event and an outbox row. */
store_status store_record_skip(store *st, const char *session_id, int question_num, store_source source,
                               int64_t at_ms);
/* Item 0: records the check result in the session metadata ("audio_check": "ok" | "skipped") and
 * appends an ANSWER (ok) or SKIP event for question 0. */
store_status store_record_check(store *st, const char *session_id, bool ok, store_source source, int64_t at_ms);
/* Item 0 with what the microphone measured. Merged into the metadata: "audio_check" ("ok" | "skipped" |
 * "failed"), "advise_touch", and when measured "audio_level_dbfs", "audio_snr_db",
 * "audio_noise_unsteady_db" (people talking in the room: 3 dB or more) and, when the room was quiet
 * enough to tell, "audio_echo_ms". */
typedef struct {
    const char *result;
    bool measured;
    double level_dbfs;
    double snr_db;
    double noise_unsteady_db; /* how far the room's middle frame lies over its quiet end (audio_room) */
    double echo_ms; /* how long the words' sound took to die away (over 250 ms: echo); 0: not told */
    bool advise_touch;
} store_check;
store_status store_record_check_result(store *st, const char *session_id, const store_check *check,
                                       store_source source, int64_t at_ms);
/* completed_at, status 'submitted', a SUBMIT event, an outbox row. */
store_status store_submit(store *st, const char *session_id, int64_t at_ms);
/* status 'incomplete' (completed_at stays NULL), a TIMEOUT event, an outbox row. */
store_status store_close_incomplete(store *st, const char *session_id, int64_t at_ms);

typedef struct {
    char id[37];
    char initials[5];
    char birth_date[11];
    char today_date[11];
    char mode[16];
    bool audio_enabled;
    char language[3];
    int8_t answers[31];       /* index = item; 1..7, 0 = none, -1 = skipped (last event was a SKIP) */
    int last_item;            /* question_num of the latest ANSWER/CHANGE/SKIP event (0..30), -1 if none */
    int64_t last_activity_ms; /* Unix ms of the latest event, or created_at */
} store_unfinished;

/* The most recent session whose status is 'in_progress'. STORE_ERR_NOT_FOUND when there is none. */
store_status store_find_unfinished(store *st, store_unfinished *out);

/* Read-only views for export and sync. Strings are valid only during the callback; NULL = SQL NULL. */
typedef struct {
    const char *id, *initials, *birth_date, *today_date, *mode, *language, *status;
    bool audio_enabled;
    const char *created_at, *completed_at, *metadata; /* ISO 8601 UTC, e.g. 2026-11-26T10:17:33.123Z */
} store_session_row;

typedef struct {
    const char *id, *session_id;
    int question_num;
    const char *question_text;
    int score;
    const char *response_text, *transcript, *response_type, *timestamp;
    bool has_confidence;
    double confidence;
} store_response_row;

/* Calls `visit` for every session, oldest first, with its responses ordered by question_num.
 * A non-zero return from `visit` stops the walk and is returned through *visit_result. */
typedef int (*store_session_visitor)(void *ctx, const store_session_row *s, const store_response_row *responses,
                                     size_t n_responses);
store_status store_each_session(store *st, store_session_visitor visit, void *ctx, int *visit_result);

store_status store_outbox_count(store *st, int64_t *count);
store_status store_event_count(store *st, const char *session_id, int64_t *count);

#endif
