/*
 * store_write.c - the write functions. Each is one BEGIN IMMEDIATE ... COMMIT: the row it
 * changes, its audit event and its outbox row commit together or not at all.
 */
#include <math.h>
#include <stdio.h>
#include <string.h>

#include "store_internal.h"

/* What a write is about, for its error message (no patient data: ids and item numbers only). */
typedef struct {
    const char *what;
    const char *session_id;
    int item; /* -1: not about one item */
} wctx;

typedef store_status (*write_body)(store *st, const wctx *w, const void *arg);

typedef struct {
    const char *action;
    int question_num; /* -1: NULL */
    int score;        /* 0: NULL */
    store_source source;
    const char *transcript;
    bool has_confidence;
    double confidence;
    const char *at;
    char id[STI_UUID_LEN];
} event;

static const char *const SOURCE_NAMES[] = {"TOUCH", "VOICE", "KEYBOARD", "SYSTEM"};

static store_status fail(store *st, const wctx *w, store_status s, const char *detail)
{
    const char *sid = sti_is_uuid(w->session_id) ? w->session_id : "(invalid id)";
    if (w->item >= 0)
        sti_set_error(st, "%s (session %s, item %d): %s", w->what, sid, w->item, detail);
    else
        sti_set_error(st, "%s (session %s): %s", w->what, sid, detail);
    return s;
}

static store_status fail_sql(store *st, const wctx *w, int rc)
{
    char detail[260];
    store_status s = sti_status_from_rc(rc);
    const char *kind = s == STORE_ERR_FULL  ? "disk full"
                       : s == STORE_ERR_IO  ? "I/O error"
                       : s == STORE_ERR_BUSY ? "database locked by another process"
                       : s == STORE_ERR_INVALID ? "value rejected by the schema"
                                                : "database error";
    snprintf(detail, sizeof detail, "%s (%s)", kind, st->sql_msg);
    return fail(st, w, s, detail);
}

/* After a failed commit the WAL file may still hold the frames of the rolled-back transaction
 * beyond the last valid commit. Were the process to crash before the next commit overwrote
 * them, WAL recovery could bring back a write we reported as failed. A truncating checkpoint
 * removes them now when the disk allows it; otherwise the next successful commit does. */
static void roll_back(store *st, store_status s)
{
    if (!sqlite3_get_autocommit(st->db)) {
        sqlite3_step(st->stmt[STI_ROLLBACK]);
        sqlite3_reset(st->stmt[STI_ROLLBACK]);
    }
    if (s == STORE_ERR_FULL || s == STORE_ERR_IO)
        sqlite3_wal_checkpoint_v2(st->db, NULL, SQLITE_CHECKPOINT_TRUNCATE, NULL, NULL);
}

static store_status require_open(store *st, const wctx *w)
{
    sqlite3_stmt *q = st->stmt[STI_SESSION_STATUS];
    sti_bind_text(q, 1, w->session_id);
    int rc = sti_step(st, STI_SESSION_STATUS);
    if (rc == SQLITE_DONE)
        return fail(st, w, STORE_ERR_INVALID, "unknown session");
    if (rc != SQLITE_ROW)
        return fail_sql(st, w, rc);
    char status[16];
    sti_copy(status, sizeof status, (const char *)sqlite3_column_text(q, 0));
    sti_reset(st, STI_SESSION_STATUS);
    if (strcmp(status, "in_progress") != 0) {
        char detail[64];
        snprintf(detail, sizeof detail, "the session is closed (%s)", status);
        return fail(st, w, STORE_ERR_INVALID, detail);
    }
    return STORE_OK;
}

static store_status run_write(store *st, const wctx *w, bool needs_open_session, write_body body, const void *arg)
{
    if (st->walking)
        return fail(st, w, STORE_ERR_INVALID, "not allowed inside store_each_session");
    int rc = sti_run(st, STI_BEGIN_WRITE);
    if (rc != SQLITE_OK) {
        store_status s = fail_sql(st, w, rc);
        roll_back(st, s);
        return s;
    }
    store_status s = needs_open_session ? require_open(st, w) : STORE_OK;
    if (s == STORE_OK)
        s = body(st, w, arg);
    if (s == STORE_OK && (rc = sti_run(st, STI_COMMIT)) != SQLITE_OK)
        s = fail_sql(st, w, rc);
    if (s != STORE_OK)
        roll_back(st, s);
    else
        st->err[0] = '\0';
    return s;
}

static store_status add_event(store *st, const wctx *w, event *e)
{
    if (!sti_new_uuid(e->id))
        return fail(st, w, STORE_ERR_INTERNAL, "no random bytes for a UUID");
    sqlite3_stmt *q = st->stmt[STI_INSERT_EVENT];
    sti_bind_text(q, 1, e->id);
    sti_bind_text(q, 2, w->session_id);
    if (e->question_num >= 0)
        sqlite3_bind_int(q, 3, e->question_num);
    sti_bind_text(q, 4, e->action);
    if (e->score > 0)
        sqlite3_bind_int(q, 5, e->score);
    sti_bind_text(q, 6, SOURCE_NAMES[e->source]);
    sti_bind_text(q, 7, e->transcript);
    if (e->has_confidence)
        sqlite3_bind_double(q, 8, e->confidence);
    sti_bind_text(q, 9, e->at);
    int rc = sti_run(st, STI_INSERT_EVENT);
    return rc == SQLITE_OK ? STORE_OK : fail_sql(st, w, rc);
}

/* Runs an INSERT ... SELECT into the outbox, which must produce exactly one row. */
static store_status run_outbox(store *st, const wctx *w, enum sti_stmt id)
{
    int rc = sti_run(st, id);
    if (rc != SQLITE_OK)
        return fail_sql(st, w, rc);
    if (sqlite3_changes(st->db) != 1)
        return fail(st, w, STORE_ERR_INTERNAL, "outbox row not written");
    return STORE_OK;
}

static store_status outbox_session(store *st, const wctx *w, const char *kind, int question_num, const event *e,
                                   const char *at)
{
    sqlite3_stmt *q = st->stmt[STI_OUTBOX_SESSION];
    sti_bind_text(q, 1, w->session_id);
    sti_bind_text(q, 2, kind);
    if (question_num >= 0)
        sqlite3_bind_int(q, 3, question_num);
    sti_bind_text(q, 4, e ? e->id : NULL);
    sti_bind_text(q, 5, at);
    return run_outbox(st, w, STI_OUTBOX_SESSION);
}

/* ---- create session ---- */

static const char *session_problem(const store_new_session *s)
{
    size_t ini = s->initials ? strlen(s->initials) : 0;
    if (!sti_is_uuid(s->id))
        return "session id is not a UUID";
    if (ini < 1 || ini > 4)
        return "initials must be 1 to 4 bytes";
    if (!sti_is_date(s->birth_date) || !sti_is_date(s->today_date))
        return "dates must be valid YYYY-MM-DD";
    if (!s->mode || (strcmp(s->mode, "CONTINUOUS") != 0 && strcmp(s->mode, "MANUAL") != 0))
        return "mode must be CONTINUOUS or MANUAL";
    if (!s->language || strlen(s->language) != 2 || s->language[0] < 'a' || s->language[0] > 'z' ||
        s->language[1] < 'a' || s->language[1] > 'z')
        return "language must be two lower-case letters";
    char at[STI_TIME_LEN];
    if (!sti_format_time(s->created_ms, at))
        return "creation time out of range";
    return NULL;
}

static store_status create_body(store *st, const wctx *w, const void *arg)
{
    const store_new_session *s = arg;
    char at[STI_TIME_LEN];
    sti_format_time(s->created_ms, at);
    sqlite3_stmt *q = st->stmt[STI_INSERT_SESSION];
    sti_bind_text(q, 1, s->id);
    sti_bind_text(q, 2, s->initials);
    sti_bind_text(q, 3, s->birth_date);
    sti_bind_text(q, 4, s->today_date);
    sti_bind_text(q, 5, s->mode);
    sqlite3_bind_int(q, 6, s->audio_enabled ? 1 : 0);
    sti_bind_text(q, 7, s->language);
    sti_bind_text(q, 8, at);
    sti_bind_text(q, 9, s->metadata_json ? s->metadata_json : "{}");
    int rc = sti_run(st, STI_INSERT_SESSION);
    if (rc == SQLITE_CONSTRAINT_PRIMARYKEY)
        return fail(st, w, STORE_ERR_INVALID, "a session with this id already exists");
    if (rc != SQLITE_OK)
        return fail_sql(st, w, rc);
    return outbox_session(st, w, "session", -1, NULL, at);
}

store_status store_create_session(store *st, const store_new_session *s)
{
    if (!st)
        return STORE_ERR_INVALID;
    wctx w = {"create session", s ? s->id : NULL, -1};
    const char *problem = s ? session_problem(s) : "no session given";
    if (problem)
        return fail(st, &w, STORE_ERR_INVALID, problem);
    return run_write(st, &w, false, create_body, s);
}

/* ---- answers ---- */

static bool score_ok(int question_num, int score)
{
    if (question_num >= 1 && question_num <= 28)
        return score >= 1 && score <= 4;
    if (question_num == 29 || question_num == 30)
        return score >= 1 && score <= 7;
    return false;
}

static bool confidence_ok(bool has, double c)
{
    return !has || (isfinite(c) && c >= 0.0 && c <= 1.0);
}

static const char *answer_problem(const store_answer *a)
{
    char at[STI_TIME_LEN];
    if (!sti_is_uuid(a->session_id))
        return "session id is not a UUID";
    if (a->question_num < 1 || a->question_num > 30)
        return "item out of range 1..30";
    if (!score_ok(a->question_num, a->score))
        return "score out of range for the item";
    if (!a->question_text || !a->response_text)
        return "question or response text missing";
    if ((unsigned)a->source > STORE_SOURCE_SYSTEM)
        return "unknown source";
    if (a->action != STORE_ACTION_ANSWER && a->action != STORE_ACTION_CHANGE)
        return "action must be ANSWER or CHANGE";
    if (!confidence_ok(a->has_confidence, a->confidence))
        return "confidence outside 0..1";
    if (!sti_format_time(a->at_ms, at))
        return "time out of range";
    return NULL;
}

static store_status answer_body(store *st, const wctx *w, const void *arg)
{
    const store_answer *a = arg;
    event e = {.action = a->action == STORE_ACTION_CHANGE ? "CHANGE" : "ANSWER", .question_num = a->question_num,
               .score = a->score, .source = a->source, .transcript = a->transcript,
               .has_confidence = a->has_confidence, .confidence = a->confidence};
    char at[STI_TIME_LEN], rid[STI_UUID_LEN];
    sti_format_time(a->at_ms, at);
    e.at = at;
    if (!sti_new_uuid(rid))
        return fail(st, w, STORE_ERR_INTERNAL, "no random bytes for a UUID");
    sqlite3_stmt *q = st->stmt[STI_UPSERT_RESPONSE];
    sti_bind_text(q, 1, rid);
    sti_bind_text(q, 2, a->session_id);
    sqlite3_bind_int(q, 3, a->question_num);
    sti_bind_text(q, 4, a->question_text);
    sqlite3_bind_int(q, 5, a->score);
    sti_bind_text(q, 6, a->response_text);
    sti_bind_text(q, 7, a->transcript);
    sti_bind_text(q, 8, a->source == STORE_SOURCE_VOICE ? "VOICE" : "MANUAL");
    sti_bind_text(q, 9, at);
    if (a->has_confidence)
        sqlite3_bind_double(q, 10, a->confidence);
    int rc = sti_run(st, STI_UPSERT_RESPONSE);
    if (rc != SQLITE_OK)
        return fail_sql(st, w, rc);
    store_status s = add_event(st, w, &e);
    if (s != STORE_OK)
        return s;
    q = st->stmt[STI_OUTBOX_RESPONSE];
    sti_bind_text(q, 1, a->session_id);
    sqlite3_bind_int(q, 2, a->question_num);
    sti_bind_text(q, 3, e.id);
    sti_bind_text(q, 4, e.action);
    sti_bind_text(q, 5, SOURCE_NAMES[a->source]);
    return run_outbox(st, w, STI_OUTBOX_RESPONSE);
}

store_status store_record_answer(store *st, const store_answer *a)
{
    if (!st)
        return STORE_ERR_INVALID;
    bool item_ok = a && a->question_num >= 1 && a->question_num <= 30;
    wctx w = {"record answer", a ? a->session_id : NULL, item_ok ? a->question_num : -1};
    const char *problem = a ? answer_problem(a) : "no answer given";
    if (problem)
        return fail(st, &w, STORE_ERR_INVALID, problem);
    return run_write(st, &w, true, answer_body, a);
}

typedef struct {
    int question_num;
    store_source source;
    const char *at;
} skip_args;

static store_status skip_body(store *st, const wctx *w, const void *arg)
{
    const skip_args *k = arg;
    sqlite3_stmt *q = st->stmt[STI_DELETE_RESPONSE];
    sti_bind_text(q, 1, w->session_id);
    sqlite3_bind_int(q, 2, k->question_num);
    int rc = sti_run(st, STI_DELETE_RESPONSE);
    if (rc != SQLITE_OK)
        return fail_sql(st, w, rc);
    event e = {.action = "SKIP", .question_num = k->question_num, .source = k->source, .at = k->at};
    store_status s = add_event(st, w, &e);
    if (s != STORE_OK)
        return s;
    q = st->stmt[STI_OUTBOX_SKIP];
    sti_bind_text(q, 1, w->session_id);
    sqlite3_bind_int(q, 2, k->question_num);
    sti_bind_text(q, 3, e.id);
    sti_bind_text(q, 4, SOURCE_NAMES[k->source]);
    sti_bind_text(q, 5, k->at);
    return run_outbox(st, w, STI_OUTBOX_SKIP);
}

store_status store_record_skip(store *st, const char *session_id, int question_num, store_source source,
                               int64_t at_ms)
{
    if (!st)
        return STORE_ERR_INVALID;
    wctx w = {"record skip", session_id, question_num >= 1 && question_num <= 30 ? question_num : -1};
    char at[STI_TIME_LEN];
    if (!sti_is_uuid(session_id) || w.item < 0 || (unsigned)source > STORE_SOURCE_SYSTEM || !sti_format_time(at_ms, at))
        return fail(st, &w, STORE_ERR_INVALID, "invalid skip fields (item, source, time)");
    skip_args k = {question_num, source, at};
    return run_write(st, &w, true, skip_body, &k);
}

/* ---- check, submit, incomplete: session-level changes ---- */

typedef struct {
    enum sti_stmt update; /* the UPDATE of the sessions row */
    const char *update_value;
    const char *action;
    int question_num;
    store_source source;
    const char *kind;
    const char *at;
} session_change;

static store_status session_change_body(store *st, const wctx *w, const void *arg)
{
    const session_change *c = arg;
    sqlite3_stmt *q = st->stmt[c->update];
    sti_bind_text(q, 1, w->session_id);
    if (c->update_value)
        sti_bind_text(q, 2, c->update_value);
    int rc = sti_run(st, c->update);
    if (rc != SQLITE_OK)
        return fail_sql(st, w, rc);
    if (sqlite3_changes(st->db) != 1)
        return fail(st, w, STORE_ERR_INTERNAL, "session row not updated");
    event e = {.action = c->action, .question_num = c->question_num, .source = c->source, .at = c->at};
    store_status s = add_event(st, w, &e);
    if (s != STORE_OK)
        return s;
    return outbox_session(st, w, c->kind, c->question_num, &e, c->at);
}

static bool valid_check(const store_check *c)
{
    if (!c || !c->result)
        return false;
    if (strcmp(c->result, "ok") != 0 && strcmp(c->result, "skipped") != 0 && strcmp(c->result, "failed") != 0)
        return false;
    return !c->measured || (isfinite(c->level_dbfs) && isfinite(c->snr_db) && fabs(c->level_dbfs) < 1000 &&
                            fabs(c->snr_db) < 1000 && isfinite(c->noise_unsteady_db) &&
                            fabs(c->noise_unsteady_db) < 1000 && c->echo_ms >= 0 && c->echo_ms < 100000);
}

store_status store_record_check_result(store *st, const char *session_id, const store_check *check,
                                       store_source source, int64_t at_ms)
{
    if (!st)
        return STORE_ERR_INVALID;
    wctx w = {"record check", session_id, 0};
    char at[STI_TIME_LEN];
    if (!sti_is_uuid(session_id) || !valid_check(check) || (unsigned)source > STORE_SOURCE_SYSTEM ||
        !sti_format_time(at_ms, at))
        return fail(st, &w, STORE_ERR_INVALID, "invalid check fields (result, levels, source, time)");
    /* null takes out (json_patch) what an earlier check of the session measured */
    char patch[256], echo[48] = ",\"audio_echo_ms\":null";
    if (check->echo_ms > 0)
        snprintf(echo, sizeof echo, ",\"audio_echo_ms\":%.0f", check->echo_ms);
    if (check->measured)
        snprintf(patch, sizeof patch,
                 "{\"audio_check\":\"%s\",\"audio_level_dbfs\":%.1f,\"audio_snr_db\":%.1f,"
                 "\"audio_noise_unsteady_db\":%.1f%s,\"advise_touch\":%s}",
                 check->result, check->level_dbfs, check->snr_db, check->noise_unsteady_db, echo,
                 check->advise_touch ? "true" : "false");
    else
        snprintf(patch, sizeof patch, "{\"audio_check\":\"%s\",\"advise_touch\":%s}", check->result,
                 check->advise_touch ? "true" : "false");
    bool ok = strcmp(check->result, "ok") == 0;
    session_change c = {STI_SET_CHECK, patch, ok ? "ANSWER" : "SKIP", 0, source, "check", at};
    return run_write(st, &w, true, session_change_body, &c);
}

store_status store_record_check(store *st, const char *session_id, bool ok, store_source source, int64_t at_ms)
{
    store_check c = {.result = ok ? "ok" : "skipped"};
    return store_record_check_result(st, session_id, &c, source, at_ms);
}

store_status store_submit(store *st, const char *session_id, int64_t at_ms)
{
    if (!st)
        return STORE_ERR_INVALID;
    wctx w = {"submit", session_id, -1};
    char at[STI_TIME_LEN];
    if (!sti_is_uuid(session_id) || !sti_format_time(at_ms, at))
        return fail(st, &w, STORE_ERR_INVALID, "invalid submit fields (time)");
    session_change c = {STI_SET_SUBMITTED, at, "SUBMIT", -1, STORE_SOURCE_SYSTEM, "submit", at};
    return run_write(st, &w, true, session_change_body, &c);
}

store_status store_close_incomplete(store *st, const char *session_id, int64_t at_ms)
{
    if (!st)
        return STORE_ERR_INVALID;
    wctx w = {"close incomplete", session_id, -1};
    char at[STI_TIME_LEN];
    if (!sti_is_uuid(session_id) || !sti_format_time(at_ms, at))
        return fail(st, &w, STORE_ERR_INVALID, "invalid close fields (time)");
    session_change c = {STI_SET_INCOMPLETE, NULL, "TIMEOUT", -1, STORE_SOURCE_SYSTEM, "incomplete", at};
    return run_write(st, &w, true, session_change_body, &c);
}
