/*
 * store_read.c - read-only views: the session to resume, the walk for export, counters.
 * Each runs inside one read transaction so it sees a single committed state.
 */
#include <stdlib.h>
#include <string.h>

#include "store_internal.h"

static store_status read_failed(store *st, const char *what, int rc)
{
    sti_set_error(st, "%s: database error (%s)", what, st->sql_msg);
    if (!sqlite3_get_autocommit(st->db)) {
        sqlite3_step(st->stmt[STI_ROLLBACK]);
        sqlite3_reset(st->stmt[STI_ROLLBACK]);
    }
    return sti_status_from_rc(rc);
}

static int end_read(store *st)
{
    return sti_run(st, STI_COMMIT);
}

/* ---- find_unfinished ---- */

static void copy_session_head(sqlite3_stmt *q, store_unfinished *out)
{
    sti_copy(out->id, sizeof out->id, (const char *)sqlite3_column_text(q, 0));
    sti_copy(out->initials, sizeof out->initials, (const char *)sqlite3_column_text(q, 1));
    sti_copy(out->birth_date, sizeof out->birth_date, (const char *)sqlite3_column_text(q, 2));
    sti_copy(out->today_date, sizeof out->today_date, (const char *)sqlite3_column_text(q, 3));
    sti_copy(out->mode, sizeof out->mode, (const char *)sqlite3_column_text(q, 4));
    out->audio_enabled = sqlite3_column_int(q, 5) != 0;
    sti_copy(out->language, sizeof out->language, (const char *)sqlite3_column_text(q, 6));
}

static int load_scores(store *st, store_unfinished *out)
{
    sqlite3_stmt *q = st->stmt[STI_SESSION_SCORES];
    sti_bind_text(q, 1, out->id);
    int rc;
    while ((rc = sti_step(st, STI_SESSION_SCORES)) == SQLITE_ROW) {
        int item = sqlite3_column_int(q, 0), score = sqlite3_column_int(q, 1);
        if (item >= 1 && item <= 30)
            out->answers[item] = (int8_t)score;
    }
    return rc == SQLITE_DONE ? SQLITE_OK : rc;
}

/* Replays the audit trail in order: the last ANSWER/CHANGE/SKIP per item says whether an item
 * without a response was skipped, and the last one overall is where the patient was. */
static int load_events(store *st, store_unfinished *out)
{
    sqlite3_stmt *q = st->stmt[STI_SESSION_EVENTS];
    int8_t last[31] = {0}; /* per item: 1 answered or changed, -1 skipped, 0 nothing yet */
    sti_bind_text(q, 1, out->id);
    int rc;
    while ((rc = sti_step(st, STI_SESSION_EVENTS)) == SQLITE_ROW) {
        const char *action = (const char *)sqlite3_column_text(q, 1);
        int64_t at_ms;
        if (sti_parse_time((const char *)sqlite3_column_text(q, 2), &at_ms))
            out->last_activity_ms = at_ms;
        int item = sqlite3_column_int(q, 0);
        if (sqlite3_column_type(q, 0) == SQLITE_NULL || !action || item < 0 || item > 30)
            continue;
        if (strcmp(action, "SKIP") == 0)
            last[item] = -1;
        else if (strcmp(action, "ANSWER") == 0 || strcmp(action, "CHANGE") == 0)
            last[item] = 1;
        else
            continue;
        out->last_item = item;
    }
    for (int i = 1; i <= 30; i++)
        if (last[i] < 0 && out->answers[i] == 0)
            out->answers[i] = -1;
    /* Item 0, the audio check, has no response row: 1 when it passed, -1 when skipped. */
    out->answers[0] = last[0];
    return rc == SQLITE_DONE ? SQLITE_OK : rc;
}

store_status store_find_unfinished(store *st, store_unfinished *out)
{
    if (!st || !out)
        return STORE_ERR_INVALID;
    memset(out, 0, sizeof *out);
    out->last_item = -1;
    if (st->walking) {
        sti_set_error(st, "find unfinished session: not allowed inside store_each_session");
        return STORE_ERR_INVALID;
    }
    int rc = sti_run(st, STI_BEGIN_READ);
    if (rc != SQLITE_OK)
        return read_failed(st, "find unfinished session", rc);
    sqlite3_stmt *q = st->stmt[STI_LATEST_OPEN];
    rc = sti_step(st, STI_LATEST_OPEN);
    if (rc == SQLITE_DONE) {
        end_read(st);
        sti_set_error(st, "no unfinished session");
        return STORE_ERR_NOT_FOUND;
    }
    if (rc != SQLITE_ROW)
        return read_failed(st, "find unfinished session", rc);
    copy_session_head(q, out);
    if (!sti_parse_time((const char *)sqlite3_column_text(q, 7), &out->last_activity_ms))
        out->last_activity_ms = 0;
    sti_reset(st, STI_LATEST_OPEN);
    rc = load_scores(st, out);
    if (rc == SQLITE_OK)
        rc = load_events(st, out);
    if (rc == SQLITE_OK)
        rc = end_read(st);
    if (rc != SQLITE_OK)
        return read_failed(st, "find unfinished session", rc);
    return STORE_OK;
}

/* ---- each_session ---- */

typedef struct {
    store_response_row rows[30];
    size_t n;
} response_set;

static char *dup_col(sqlite3_stmt *q, int col)
{
    const char *v = (const char *)sqlite3_column_text(q, col);
    return v ? strdup(v) : NULL;
}

static void free_responses(response_set *set)
{
    for (size_t i = 0; i < set->n; i++) {
        store_response_row *r = &set->rows[i];
        free((char *)r->id);
        free((char *)r->session_id);
        free((char *)r->question_text);
        free((char *)r->response_text);
        free((char *)r->transcript);
        free((char *)r->response_type);
        free((char *)r->timestamp);
    }
    set->n = 0;
}

/* Copies one response row; the strings must outlive the statement's next step. */
static bool copy_response(sqlite3_stmt *q, store_response_row *r)
{
    *r = (store_response_row){
        .id = dup_col(q, 0), .session_id = dup_col(q, 1), .question_num = sqlite3_column_int(q, 2),
        .question_text = dup_col(q, 3), .score = sqlite3_column_int(q, 4), .response_text = dup_col(q, 5),
        .transcript = dup_col(q, 6), .response_type = dup_col(q, 7), .timestamp = dup_col(q, 8),
        .has_confidence = sqlite3_column_type(q, 9) != SQLITE_NULL, .confidence = sqlite3_column_double(q, 9)};
    bool transcript_ok = r->transcript || sqlite3_column_type(q, 6) == SQLITE_NULL;
    return r->id && r->session_id && r->question_text && r->response_text && transcript_ok && r->response_type &&
           r->timestamp;
}

static int load_responses(store *st, const char *session_id, response_set *set, bool *oom)
{
    sqlite3_stmt *q = st->stmt[STI_SESSION_RESPONSES];
    sti_bind_text(q, 1, session_id);
    int rc;
    while ((rc = sti_step(st, STI_SESSION_RESPONSES)) == SQLITE_ROW) {
        if (set->n == sizeof set->rows / sizeof set->rows[0])
            continue; /* UNIQUE(session_id, question_num) and 1..30 make this unreachable */
        bool ok = copy_response(q, &set->rows[set->n]);
        set->n++;
        if (!ok) {
            *oom = true;
            sti_reset(st, STI_SESSION_RESPONSES);
            return SQLITE_NOMEM;
        }
    }
    return rc == SQLITE_DONE ? SQLITE_OK : rc;
}

static void fill_session_row(sqlite3_stmt *q, store_session_row *s)
{
    *s = (store_session_row){
        .id = (const char *)sqlite3_column_text(q, 0), .initials = (const char *)sqlite3_column_text(q, 1),
        .birth_date = (const char *)sqlite3_column_text(q, 2), .today_date = (const char *)sqlite3_column_text(q, 3),
        .mode = (const char *)sqlite3_column_text(q, 4), .language = (const char *)sqlite3_column_text(q, 5),
        .status = (const char *)sqlite3_column_text(q, 6), .audio_enabled = sqlite3_column_int(q, 7) != 0,
        .created_at = (const char *)sqlite3_column_text(q, 8), .completed_at = (const char *)sqlite3_column_text(q, 9),
        .metadata = (const char *)sqlite3_column_text(q, 10)};
}

store_status store_each_session(store *st, store_session_visitor visit, void *ctx, int *visit_result)
{
    if (visit_result)
        *visit_result = 0;
    if (!st || !visit || st->walking)
        return STORE_ERR_INVALID;
    int rc = sti_run(st, STI_BEGIN_READ);
    if (rc != SQLITE_OK)
        return read_failed(st, "list sessions", rc);
    sqlite3_stmt *q = st->stmt[STI_ALL_SESSIONS];
    int stop = 0;
    bool oom = false;
    while (!stop && (rc = sti_step(st, STI_ALL_SESSIONS)) == SQLITE_ROW) {
        store_session_row s;
        fill_session_row(q, &s);
        response_set set = {.n = 0};
        rc = load_responses(st, s.id, &set, &oom);
        if (rc == SQLITE_OK) {
            st->walking = true;
            stop = visit(ctx, &s, set.rows, set.n);
            st->walking = false;
        }
        free_responses(&set);
        if (rc != SQLITE_OK)
            break;
    }
    if (stop || rc != SQLITE_DONE)
        sti_reset(st, STI_ALL_SESSIONS);
    if (oom) {
        end_read(st);
        sti_set_error(st, "list sessions: out of memory");
        return STORE_ERR_INTERNAL;
    }
    if (!stop && rc != SQLITE_DONE)
        return read_failed(st, "list sessions", rc);
    if ((rc = end_read(st)) != SQLITE_OK)
        return read_failed(st, "list sessions", rc);
    if (visit_result)
        *visit_result = stop;
    return STORE_OK;
}

/* ---- counters ---- */

static store_status count(store *st, enum sti_stmt id, const char *session_id, int64_t *out)
{
    sqlite3_stmt *q = st->stmt[id];
    if (session_id)
        sti_bind_text(q, 1, session_id);
    int rc = sti_step(st, id);
    if (rc != SQLITE_ROW)
        return read_failed(st, "count", rc == SQLITE_DONE ? SQLITE_INTERNAL : rc);
    *out = sqlite3_column_int64(q, 0);
    sti_reset(st, id);
    return STORE_OK;
}

/* Rows still waiting to be sent (sent_at IS NULL). */
store_status store_outbox_count(store *st, int64_t *out)
{
    if (!st || !out)
        return STORE_ERR_INVALID;
    return count(st, STI_OUTBOX_COUNT, NULL, out);
}

/* Events of one session, or of all sessions when session_id is NULL. */
store_status store_event_count(store *st, const char *session_id, int64_t *out)
{
    if (!st || !out)
        return STORE_ERR_INVALID;
    if (!session_id)
        return count(st, STI_EVENT_COUNT_ALL, NULL, out);
    sqlite3_stmt *q = st->stmt[STI_SESSION_STATUS];
    sti_bind_text(q, 1, session_id);
    int rc = sti_step(st, STI_SESSION_STATUS);
    if (rc == SQLITE_ROW)
        sti_reset(st, STI_SESSION_STATUS);
    if (rc == SQLITE_DONE) {
        sti_set_error(st, "count events: unknown session");
        return STORE_ERR_INVALID;
    }
    if (rc != SQLITE_ROW)
        return read_failed(st, "count events", rc);
    return count(st, STI_EVENT_COUNT, session_id, out);
}
