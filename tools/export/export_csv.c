/*
 * export_csv.c - sessions.csv, responses.csv and scores.csv: RFC 4180 (a field holding a comma, a
 * double quote, CR or LF is quoted and its quotes doubled), UTF-8, a header row, LF line ends.
 *
 * Spreadsheet formula injection: staff open these files in Excel or LibreOffice, and a cell that
 * starts with =, +, - or @ (or a tab or CR, which some spreadsheets skip before such a sign) would be
 * run as a formula. Every text cell that comes from the database therefore gets a leading
 * apostrophe when it starts with one of those characters; the spreadsheet shows the text as typed.
 * Numbers we format ourselves are never changed.
 */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "export.h"

static const char *const EXP_SESSION_COLUMNS[] = {
    "id", "initials", "birth_date", "today_date", "mode", "audio_enabled",
    "language", "status", "created_at", "completed_at", "metadata",
};
static const char *const EXP_RESPONSE_COLUMNS[] = {
    "id", "session_id", "question_num", "question_text", "score", "response_text",
    "transcript", "response_type", "timestamp", "confidence",
};
static const char EXP_FORMULA_STARTS[] = "=+-@\t\r";

typedef struct {
    exp_file *f;
    exp_error *e;
    bool first;
    bool ok;
} exp_row;

const char *exp_csv_file_name(exp_csv_table t)
{
    switch (t) {
    case EXP_CSV_SESSIONS: return "sessions.csv";
    case EXP_CSV_RESPONSES: return "responses.csv";
    case EXP_CSV_SCORES: return "scores.csv";
    case EXP_CSV_COUNT: break;
    }
    return "?";
}

static exp_row exp_row_start(exp_file *f, exp_error *e)
{
    return (exp_row){.f = f, .e = e, .first = true, .ok = true};
}

static void exp_put(exp_row *r, const char *s, size_t len)
{
    if (r->ok && len > 0)
        r->ok = exp_file_write(r->f, s, len, r->e);
}

/* One field; NULL is an empty field (SQL NULL). */
static void exp_cell(exp_row *r, const char *s, bool neutralise)
{
    if (!r->first)
        exp_put(r, ",", 1);
    r->first = false;
    if (s == NULL)
        return;
    bool quote = strpbrk(s, ",\"\r\n") != NULL;
    if (quote)
        exp_put(r, "\"", 1);
    if (neutralise && s[0] != '\0' && strchr(EXP_FORMULA_STARTS, s[0]) != NULL)
        exp_put(r, "'", 1);
    const char *q;
    while (quote && (q = strchr(s, '"')) != NULL) {
        exp_put(r, s, (size_t)(q - s) + 1);
        exp_put(r, "\"", 1);
        s = q + 1;
    }
    exp_put(r, s, strlen(s));
    if (quote)
        exp_put(r, "\"", 1);
}

static void exp_cell_text(exp_row *r, const char *s)
{
    exp_cell(r, s, true);
}

static void exp_cell_int(exp_row *r, long long v)
{
    char buf[32];
    snprintf(buf, sizeof buf, "%lld", v);
    exp_cell(r, buf, false);
}

static void exp_cell_double(exp_row *r, bool present, double v)
{
    char buf[32] = "";
    if (present && isfinite(v))
        exp_format_double(v, buf);
    exp_cell(r, buf, false);
}

static bool exp_row_end(exp_row *r)
{
    exp_put(r, "\n", 1);
    return r->ok;
}

void exp_format_double(double v, char out[32])
{
    /* "%g" picks exponent notation for 100 at precisions 1 and 2 ("1e+02"); spreadsheets and
     * people read "100" better, so a round-tripping text without an exponent wins when one exists. */
    char first[32] = "";
    for (int precision = 1; precision <= 17; precision++) {
        snprintf(out, 32, "%.*g", precision, v);
        if (strtod(out, NULL) != v)
            continue;
        if (strchr(out, 'e') == NULL)
            return;
        if (first[0] == '\0')
            memcpy(first, out, sizeof first);
    }
    if (first[0] != '\0')
        memcpy(out, first, sizeof first);
}

static bool exp_header_row(exp_file *f, const char *const *names, size_t count, exp_error *e)
{
    exp_row r = exp_row_start(f, e);
    for (size_t i = 0; i < count; i++)
        exp_cell(&r, names[i], false);
    return exp_row_end(&r);
}

static bool exp_scores_header(exp_file *f, exp_error *e)
{
    const char *names[2 + QLQ_SCORE_COUNT] = {"session_id", "status"};
    for (int i = 0; i < QLQ_SCORE_COUNT; i++)
        names[2 + i] = qlq_score_name((qlq_score_id)i);
    return exp_header_row(f, names, 2 + QLQ_SCORE_COUNT, e);
}

bool exp_csv_header(exp_file *f, exp_csv_table t, exp_error *e)
{
    switch (t) {
    case EXP_CSV_SESSIONS:
        return exp_header_row(f, EXP_SESSION_COLUMNS, sizeof EXP_SESSION_COLUMNS / sizeof EXP_SESSION_COLUMNS[0], e);
    case EXP_CSV_RESPONSES:
        return exp_header_row(f, EXP_RESPONSE_COLUMNS, sizeof EXP_RESPONSE_COLUMNS / sizeof EXP_RESPONSE_COLUMNS[0], e);
    case EXP_CSV_SCORES:
        return exp_scores_header(f, e);
    case EXP_CSV_COUNT:
        break;
    }
    exp_fail(e, "unknown table");
    return false;
}

bool exp_csv_session_row(exp_file *f, const store_session_row *s, exp_error *e)
{
    exp_row r = exp_row_start(f, e);
    exp_cell_text(&r, s->id);
    exp_cell_text(&r, s->initials);
    exp_cell_text(&r, s->birth_date);
    exp_cell_text(&r, s->today_date);
    exp_cell_text(&r, s->mode);
    exp_cell(&r, s->audio_enabled ? "true" : "false", false);
    exp_cell_text(&r, s->language);
    exp_cell_text(&r, s->status);
    exp_cell_text(&r, s->created_at);
    exp_cell_text(&r, s->completed_at);
    exp_cell_text(&r, s->metadata);
    return exp_row_end(&r);
}

bool exp_csv_response_row(exp_file *f, const store_response_row *x, exp_error *e)
{
    exp_row r = exp_row_start(f, e);
    exp_cell_text(&r, x->id);
    exp_cell_text(&r, x->session_id);
    exp_cell_int(&r, x->question_num);
    exp_cell_text(&r, x->question_text);
    exp_cell_int(&r, x->score);
    exp_cell_text(&r, x->response_text);
    exp_cell_text(&r, x->transcript);
    exp_cell_text(&r, x->response_type);
    exp_cell_text(&r, x->timestamp);
    exp_cell_double(&r, x->has_confidence, x->confidence);
    return exp_row_end(&r);
}

bool exp_csv_scores_row(exp_file *f, const store_session_row *s, const qlq_scores *sc, exp_error *e)
{
    exp_row r = exp_row_start(f, e);
    exp_cell_text(&r, s->id);
    exp_cell_text(&r, s->status);
    for (int i = 0; i < QLQ_SCORE_COUNT; i++)
        exp_cell_double(&r, sc->present[i], sc->value[i]);
    return exp_row_end(&r);
}
