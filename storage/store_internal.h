/*
 * store_internal.h - what the storage files share; not part of the public contract.
 * Internal functions use the prefix sti_ so that store_ stays the public surface.
 */
#ifndef QLQ_STORE_INTERNAL_H
#define QLQ_STORE_INTERNAL_H

#include <sqlite3.h>
#include <stdarg.h>

#include "qlq_store.h"

/* "qlq-kiosk" databases carry this PRAGMA application_id ('QLQC'). */
#define STI_APPLICATION_ID 0x514C5143
#define STI_TIME_LEN 25 /* "2026-11-26T10:17:33.123Z" + NUL */
#define STI_UUID_LEN 37

/* Every statement the store runs, prepared once at open. */
enum sti_stmt {
    STI_BEGIN_WRITE,
    STI_BEGIN_READ,
    STI_COMMIT,
    STI_ROLLBACK,
    STI_SESSION_STATUS,
    STI_INSERT_SESSION,
    STI_OUTBOX_SESSION,
    STI_UPSERT_RESPONSE,
    STI_DELETE_RESPONSE,
    STI_INSERT_EVENT,
    STI_OUTBOX_RESPONSE,
    STI_OUTBOX_SKIP,
    STI_SET_CHECK,
    STI_SET_SUBMITTED,
    STI_SET_INCOMPLETE,
    STI_LATEST_OPEN,
    STI_SESSION_SCORES,
    STI_SESSION_EVENTS,
    STI_ALL_SESSIONS,
    STI_SESSION_RESPONSES,
    STI_OUTBOX_COUNT,
    STI_EVENT_COUNT,
    STI_EVENT_COUNT_ALL,
    STI_STMT_COUNT
};

struct store {
    sqlite3 *db;
    sqlite3_stmt *stmt[STI_STMT_COUNT];
    bool walking;         /* inside store_each_session: other transactions would break the walk */
    int sql_rc;           /* extended code of the last failed statement */
    char sql_msg[200];    /* sqlite3_errmsg() of it, captured before the reset */
    char err[400];
};

/* store_schema.c */
int sti_current_version(void);
/* Brings `db` (read-write, ours) up to the current schema; `why` gets SQLite's message on failure. */
store_status sti_migrate(sqlite3 *db, char *why, size_t why_len);
store_status sti_prepare_all(store *st);

/* store_util.c */
store_status sti_status_from_rc(int rc);
void sti_set_error(store *st, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
/* Steps a statement expected to finish without rows, then resets it. Returns an SQLite code. */
int sti_run(store *st, enum sti_stmt id);
/* Steps once; SQLITE_ROW leaves the row readable (caller resets), anything else resets. */
int sti_step(store *st, enum sti_stmt id);
void sti_reset(store *st, enum sti_stmt id);
void sti_capture(store *st, int rc);
int sti_bind_text(sqlite3_stmt *s, int i, const char *v);
bool sti_format_time(int64_t ms, char out[STI_TIME_LEN]);
bool sti_parse_time(const char *iso, int64_t *ms);
bool sti_new_uuid(char out[STI_UUID_LEN]);
bool sti_is_uuid(const char *s);
bool sti_is_date(const char *s);
void sti_copy(char *dst, size_t cap, const char *src);

#endif
