/*
 * store_schema.c - the schema as a list of migrations keyed on PRAGMA user_version, and the SQL
 * of every statement the store prepares once at open.
 */
#include <stdio.h>
#include <string.h>

#include "store_internal.h"

/* ISO 8601 UTC with milliseconds, exactly as sti_format_time() writes it. */
#define ISO_TIME "'[0-9][0-9][0-9][0-9]-[0-9][0-9]-[0-9][0-9]T[0-9][0-9]:[0-9][0-9]:[0-9][0-9].[0-9][0-9][0-9]Z'"
/* Score ranges of the QLQ-C30: 4-point items 1..28, 7-point items 29 and 30. */
#define SCORE_IN_RANGE "((question_num BETWEEN 1 AND 28 AND score BETWEEN 1 AND 4) OR " \
                       "(question_num BETWEEN 29 AND 30 AND score BETWEEN 1 AND 7))"

static const char MIGRATION_1[] =
    "CREATE TABLE sessions ("
    " id TEXT PRIMARY KEY NOT NULL CHECK (length(id) = 36),"
    " initials TEXT NOT NULL CHECK (length(CAST(initials AS BLOB)) BETWEEN 1 AND 4),"
    " birth_date TEXT NOT NULL CHECK (date(birth_date) IS birth_date),"
    " today_date TEXT NOT NULL CHECK (date(today_date) IS today_date),"
    " mode TEXT NOT NULL CHECK (mode IN ('CONTINUOUS', 'MANUAL')),"
    " audio_enabled INTEGER NOT NULL CHECK (audio_enabled IN (0, 1)),"
    " language TEXT NOT NULL CHECK (language GLOB '[a-z][a-z]'),"
    " status TEXT NOT NULL DEFAULT 'in_progress' CHECK (status IN ('in_progress', 'submitted', 'incomplete')),"
    " created_at TEXT NOT NULL CHECK (created_at GLOB " ISO_TIME "),"
    " completed_at TEXT CHECK (completed_at GLOB " ISO_TIME "),"
    " metadata TEXT NOT NULL DEFAULT '{}' CHECK (json_valid(metadata) AND json_type(metadata) = 'object')"
    ") STRICT;"
    "CREATE INDEX sessions_created_at ON sessions (created_at);"
    "CREATE INDEX sessions_completed_at ON sessions (completed_at);"
    "CREATE INDEX sessions_open ON sessions (created_at) WHERE status = 'in_progress';"

    "CREATE TABLE responses ("
    " id TEXT PRIMARY KEY NOT NULL CHECK (length(id) = 36),"
    " session_id TEXT NOT NULL REFERENCES sessions (id) ON DELETE CASCADE,"
    " question_num INTEGER NOT NULL CHECK (question_num BETWEEN 1 AND 30),"
    " question_text TEXT NOT NULL,"
    " score INTEGER NOT NULL CHECK " SCORE_IN_RANGE ","
    " response_text TEXT NOT NULL,"
    " transcript TEXT,"
    " response_type TEXT NOT NULL CHECK (response_type IN ('VOICE', 'MANUAL')),"
    " timestamp TEXT NOT NULL CHECK (timestamp GLOB " ISO_TIME "),"
    " confidence REAL CHECK (confidence BETWEEN 0 AND 1),"
    " UNIQUE (session_id, question_num)"
    ") STRICT;"

    /* The audit trail. seq is the rowid: with no deletes it only grows, so it orders events
     * exactly even when two share a millisecond. */
    "CREATE TABLE answer_events ("
    " seq INTEGER PRIMARY KEY,"
    " id TEXT NOT NULL UNIQUE CHECK (length(id) = 36),"
    " session_id TEXT NOT NULL REFERENCES sessions (id),"
    " question_num INTEGER CHECK (question_num BETWEEN 0 AND 30),"
    " action TEXT NOT NULL CHECK (action IN ('ANSWER', 'CHANGE', 'SKIP', 'TIMEOUT', 'SUBMIT')),"
    " score INTEGER,"
    " source TEXT NOT NULL CHECK (source IN ('TOUCH', 'VOICE', 'KEYBOARD', 'SYSTEM')),"
    " transcript TEXT,"
    " confidence REAL CHECK (confidence BETWEEN 0 AND 1),"
    " at TEXT NOT NULL CHECK (at GLOB " ISO_TIME "),"
    " CHECK (question_num IS NOT NULL OR action IN ('TIMEOUT', 'SUBMIT')),"
    " CHECK (score IS NULL OR (action IN ('ANSWER', 'CHANGE') AND " SCORE_IN_RANGE "))"
    ") STRICT;"
    "CREATE INDEX answer_events_session ON answer_events (session_id);"
    "CREATE TRIGGER answer_events_no_update BEFORE UPDATE ON answer_events"
    " BEGIN SELECT RAISE(ABORT, 'answer_events is append-only'); END;"
    "CREATE TRIGGER answer_events_no_delete BEFORE DELETE ON answer_events"
    " BEGIN SELECT RAISE(ABORT, 'answer_events is append-only'); END;"

    "CREATE TABLE outbox ("
    " id INTEGER PRIMARY KEY AUTOINCREMENT,"
    " kind TEXT NOT NULL CHECK (kind IN ('session', 'response', 'skip', 'check', 'submit', 'incomplete')),"
    " session_id TEXT NOT NULL REFERENCES sessions (id) ON DELETE CASCADE,"
    " question_num INTEGER CHECK (question_num BETWEEN 0 AND 30),"
    " payload TEXT NOT NULL CHECK (json_valid(payload)),"
    " created_at TEXT NOT NULL CHECK (created_at GLOB " ISO_TIME "),"
    " sent_at TEXT CHECK (sent_at GLOB " ISO_TIME "),"
    " attempts INTEGER NOT NULL DEFAULT 0 CHECK (attempts >= 0)"
    ") STRICT;"
    "CREATE INDEX outbox_session ON outbox (session_id);"
    "CREATE INDEX outbox_pending ON outbox (id) WHERE sent_at IS NULL;";

/* A later schema change is one more entry here; each runs in its own transaction together with
 * the user_version bump, so a database is always exactly at one version. */
static const struct {
    int version;
    const char *sql;
} MIGRATIONS[] = {
    {1, MIGRATION_1},
};
#define N_MIGRATIONS (sizeof MIGRATIONS / sizeof MIGRATIONS[0])

int sti_current_version(void)
{
    return MIGRATIONS[N_MIGRATIONS - 1].version;
}

int store_schema_version(void)
{
    return sti_current_version();
}

static int read_user_version(sqlite3 *db, int *version)
{
    sqlite3_stmt *s = NULL;
    int rc = sqlite3_prepare_v2(db, "PRAGMA user_version", -1, &s, NULL);
    if (rc == SQLITE_OK) {
        rc = sqlite3_step(s);
        if (rc == SQLITE_ROW) {
            *version = sqlite3_column_int(s, 0);
            rc = SQLITE_OK;
        }
    }
    sqlite3_finalize(s);
    return rc;
}

static int apply_one(sqlite3 *db, int index)
{
    int version = 0;
    int rc = sqlite3_exec(db, "BEGIN IMMEDIATE", NULL, NULL, NULL);
    if (rc != SQLITE_OK)
        return rc;
    /* Another process may have migrated between our check and our write lock. */
    rc = read_user_version(db, &version);
    if (rc == SQLITE_OK && version < MIGRATIONS[index].version) {
        char stamp[96];
        snprintf(stamp, sizeof stamp, "PRAGMA user_version = %d; PRAGMA application_id = %d;",
                 MIGRATIONS[index].version, STI_APPLICATION_ID);
        rc = sqlite3_exec(db, MIGRATIONS[index].sql, NULL, NULL, NULL);
        if (rc == SQLITE_OK)
            rc = sqlite3_exec(db, stamp, NULL, NULL, NULL);
    }
    if (rc == SQLITE_OK)
        rc = sqlite3_exec(db, "COMMIT", NULL, NULL, NULL);
    return rc;
}

store_status sti_migrate(sqlite3 *db, char *why, size_t why_len)
{
    int version = 0;
    int rc = read_user_version(db, &version);
    for (size_t i = 0; rc == SQLITE_OK && i < N_MIGRATIONS; i++) {
        if (version >= MIGRATIONS[i].version)
            continue;
        rc = apply_one(db, (int)i);
        if (rc != SQLITE_OK) {
            snprintf(why, why_len, "migration to schema version %d failed: %s", MIGRATIONS[i].version,
                     sqlite3_errmsg(db));
            if (!sqlite3_get_autocommit(db))
                sqlite3_exec(db, "ROLLBACK", NULL, NULL, NULL);
            return sti_status_from_rc(rc);
        }
    }
    if (rc != SQLITE_OK) {
        snprintf(why, why_len, "cannot read the schema version: %s", sqlite3_errmsg(db));
        return sti_status_from_rc(rc);
    }
    if (version > sti_current_version()) {
        snprintf(why, why_len, "schema version %d is newer than this build's %d", version, sti_current_version());
        return STORE_ERR_TOO_NEW;
    }
    return STORE_OK;
}

/* The outbox payloads follow the original REST API's objects (camelCase keys) and are built by
 * SQLite from the stored rows, so what is sent is exactly what was committed. */
#define SESSION_OBJECT                                                                                     \
    "json_object('id', id, 'initials', initials, 'birthDate', birth_date, 'todayDate', today_date, "      \
    "'mode', mode, 'audioEnabled', json(CASE audio_enabled WHEN 1 THEN 'true' ELSE 'false' END), "          \
    "'language', language, 'status', status, 'createdAt', created_at, 'completedAt', completed_at, "     \
    "'metadata', json(metadata), 'eventId', ?4)"
#define RESPONSE_OBJECT                                                                                    \
    "json_object('id', id, 'sessionId', session_id, 'questionNum', question_num, "                        \
    "'questionText', question_text, 'score', score, 'responseText', response_text, "                      \
    "'transcript', transcript, 'responseType', response_type, 'timestamp', timestamp, "                   \
    "'confidence', confidence, 'eventId', ?3, 'action', ?4, 'source', ?5)"

static const char *const STMT_SQL[STI_STMT_COUNT] = {
    [STI_BEGIN_WRITE] = "BEGIN IMMEDIATE",
    [STI_BEGIN_READ] = "BEGIN",
    [STI_COMMIT] = "COMMIT",
    [STI_ROLLBACK] = "ROLLBACK",
    [STI_SESSION_STATUS] = "SELECT status FROM sessions WHERE id = ?1",
    [STI_INSERT_SESSION] = "INSERT INTO sessions (id, initials, birth_date, today_date, mode, audio_enabled, "
                           "language, created_at, metadata) VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9)",
    [STI_OUTBOX_SESSION] = "INSERT INTO outbox (kind, session_id, question_num, payload, created_at) "
                           "SELECT ?2, id, ?3, " SESSION_OBJECT ", ?5 FROM sessions WHERE id = ?1",
    [STI_UPSERT_RESPONSE] =
        "INSERT INTO responses (id, session_id, question_num, question_text, score, response_text, transcript, "
        "response_type, timestamp, confidence) VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10) "
        "ON CONFLICT (session_id, question_num) DO UPDATE SET question_text = excluded.question_text, "
        "score = excluded.score, response_text = excluded.response_text, transcript = excluded.transcript, "
        "response_type = excluded.response_type, timestamp = excluded.timestamp, confidence = excluded.confidence",
    [STI_DELETE_RESPONSE] = "DELETE FROM responses WHERE session_id = ?1 AND question_num = ?2",
    [STI_INSERT_EVENT] = "INSERT INTO answer_events (id, session_id, question_num, action, score, source, "
                         "transcript, confidence, at) VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9)",
    [STI_OUTBOX_RESPONSE] = "INSERT INTO outbox (kind, session_id, question_num, payload, created_at) "
                            "SELECT 'response', session_id, question_num, " RESPONSE_OBJECT ", timestamp "
                            "FROM responses WHERE session_id = ?1 AND question_num = ?2",
    [STI_OUTBOX_SKIP] = "INSERT INTO outbox (kind, session_id, question_num, payload, created_at) "
                        "VALUES ('skip', ?1, ?2, json_object('eventId', ?3, 'sessionId', ?1, 'questionNum', ?2, "
                        "'action', 'SKIP', 'source', ?4, 'timestamp', ?5), ?5)",
    /* ?2 is a JSON object built by store_record_check_result from fixed keys and numbers */
    [STI_SET_CHECK] = "UPDATE sessions SET metadata = json_patch(metadata, ?2) WHERE id = ?1",
    [STI_SET_SUBMITTED] = "UPDATE sessions SET status = 'submitted', completed_at = ?2 "
                          "WHERE id = ?1 AND status = 'in_progress'",
    [STI_SET_INCOMPLETE] = "UPDATE sessions SET status = 'incomplete' WHERE id = ?1 AND status = 'in_progress'",
    [STI_LATEST_OPEN] = "SELECT id, initials, birth_date, today_date, mode, audio_enabled, language, created_at "
                        "FROM sessions WHERE status = 'in_progress' ORDER BY created_at DESC, rowid DESC LIMIT 1",
    [STI_SESSION_SCORES] = "SELECT question_num, score FROM responses WHERE session_id = ?1",
    [STI_SESSION_EVENTS] = "SELECT question_num, action, at FROM answer_events WHERE session_id = ?1 ORDER BY seq",
    [STI_ALL_SESSIONS] = "SELECT id, initials, birth_date, today_date, mode, language, status, audio_enabled, "
                         "created_at, completed_at, metadata FROM sessions ORDER BY created_at, rowid",
    [STI_SESSION_RESPONSES] = "SELECT id, session_id, question_num, question_text, score, response_text, "
                              "transcript, response_type, timestamp, confidence FROM responses "
                              "WHERE session_id = ?1 ORDER BY question_num",
    [STI_OUTBOX_COUNT] = "SELECT count(*) FROM outbox WHERE sent_at IS NULL",
    [STI_EVENT_COUNT] = "SELECT count(*) FROM answer_events WHERE session_id = ?1",
    [STI_EVENT_COUNT_ALL] = "SELECT count(*) FROM answer_events",
};

store_status sti_prepare_all(store *st)
{
    for (int i = 0; i < STI_STMT_COUNT; i++) {
        int rc = sqlite3_prepare_v3(st->db, STMT_SQL[i], -1, SQLITE_PREPARE_PERSISTENT, &st->stmt[i], NULL);
        if (rc != SQLITE_OK) {
            /* Our own SQL only fails to compile when the tables are not the ones we created. */
            sti_set_error(st, "schema does not match this build (statement %d: %s)", i, sqlite3_errmsg(st->db));
            return (rc & 0xff) == SQLITE_ERROR ? STORE_ERR_CORRUPT : sti_status_from_rc(rc);
        }
    }
    return STORE_OK;
}
