/* export_fixture.c - sample kiosk databases written through the store API. */
#include "export_fixture.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

const char FX_TRICKY_ID[] = "55555555-5555-4555-8555-555555555555";
const char *const FX_TRICKY_QUESTION[6] = {
    NULL,
    "=HYPERLINK(\"http://example.invalid\",\"click\")",
    "+1, \"two\"\nthree",
    "-5 kg, perdu",
    "@SUM(A1:A2)",
    "\tindented\r\nwith CRLF",
};
const char FX_TRICKY_RESPONSE_1[] = "Un peu, \"vraiment\"\nplus";
const char FX_TRICKY_TRANSCRIPT_2[] = "=1+1";
const char FX_SECRET_INITIALS[] = "QXZW";

static const int64_t FX_T0 = 1764152253123; /* 2025-11-26T10:17:33.123Z */
static const int64_t FX_HOUR = 3600000;
static const char *const FX_LABELS_4[] = {"Pas du tout", "Un peu", "Assez", "Beaucoup"};
static const char *const FX_LABELS_7[] = {"1 Très mauvais", "2", "3", "4", "5", "6", "7 Excellent"};

static void fx_check(store_status s, store *st, const char *what)
{
    if (s == STORE_OK)
        return;
    fprintf(stderr, "export fixture: %s failed: %s (%s)\n", what, store_status_name(s), st ? store_error(st) : "");
    abort();
}

static store *fx_open(const char *path)
{
    store *st = NULL;
    char err[512] = "";
    store_status s = store_open(path, NULL, &st, err, sizeof err);
    if (s != STORE_OK) {
        fprintf(stderr, "export fixture: store_open %s: %s (%s)\n", path, store_status_name(s), err);
        abort();
    }
    return st;
}

static const char *fx_label(int item, int score)
{
    return item >= 29 ? FX_LABELS_7[score - 1] : FX_LABELS_4[score - 1];
}

static void fx_default_question(int item, char *buf, size_t len)
{
    snprintf(buf, len, "Q%02d. Avez-vous été gêné(e), en général ?", item);
}

typedef struct {
    store *st;
    fx_session *s;
    int64_t at;
} fx_writer;

static void fx_answer_full(fx_writer *w, int item, int score, const char *question, const char *response,
                           const char *transcript, store_source source, double confidence)
{
    char qbuf[128];
    if (question == NULL) {
        fx_default_question(item, qbuf, sizeof qbuf);
        question = qbuf;
    }
    store_answer a = {
        .session_id = w->s->id, .question_num = item, .question_text = question, .score = score,
        .response_text = response ? response : fx_label(item, score), .transcript = transcript,
        .source = source, .action = w->s->answers[item] ? STORE_ACTION_CHANGE : STORE_ACTION_ANSWER,
        .has_confidence = confidence >= 0, .confidence = confidence >= 0 ? confidence : 0, .at_ms = w->at += 1000,
    };
    fx_check(store_record_answer(w->st, &a), w->st, "store_record_answer");
    w->s->answers[item] = (int8_t)score;
}

static void fx_answer(fx_writer *w, int item, int score)
{
    fx_answer_full(w, item, score, NULL, NULL, NULL, STORE_SOURCE_TOUCH, -1);
}

static void fx_skip(fx_writer *w, int item)
{
    fx_check(store_record_skip(w->st, w->s->id, item, STORE_SOURCE_TOUCH, w->at += 1000), w->st, "store_record_skip");
    w->s->answers[item] = 0;
}

static fx_writer fx_begin(store *st, fx_db *db, const store_new_session *ns, const char *status)
{
    fx_session *s = &db->sessions[db->count++];
    *s = (fx_session){.id = ns->id, .initials = ns->initials, .language = ns->language, .status = status};
    s->fhir_status = strcmp(status, "submitted") == 0    ? "completed"
                     : strcmp(status, "incomplete") == 0 ? "stopped"
                                                         : "in-progress";
    fx_check(store_create_session(st, ns), st, "store_create_session");
    return (fx_writer){.st = st, .s = s, .at = ns->created_ms};
}

static store_new_session fx_new(const char *id, const char *initials, int hours, const char *lang, bool audio)
{
    return (store_new_session){
        .id = id, .initials = initials, .birth_date = "1951-03-09", .today_date = "2025-11-26",
        .mode = audio ? "CONTINUOUS" : "MANUAL", .audio_enabled = audio, .language = lang,
        .created_ms = FX_T0 + hours * FX_HOUR, .metadata_json = NULL,
    };
}

static int fx_pattern(int item)
{
    return item >= 29 ? 1 + (item * 3) % 7 : 1 + (item * 7) % 4;
}

static void fx_complete_and_changed(store *st, fx_db *db)
{
    store_new_session ns = fx_new("11111111-1111-4111-8111-111111111111", FX_SECRET_INITIALS, 0, "fr", false);
    fx_writer w = fx_begin(st, db, &ns, "submitted");
    for (int item = 1; item <= 30; item++)
        fx_answer(&w, item, fx_pattern(item));
    fx_answer(&w, 3, fx_pattern(3) % 4 + 1); /* a change */
    fx_check(store_submit(st, w.s->id, w.at += 1000), st, "store_submit");
}

static void fx_with_skips(store *st, fx_db *db)
{
    store_new_session ns = fx_new("22222222-2222-4222-8222-222222222222", "AB", 1, "fr", false);
    fx_writer w = fx_begin(st, db, &ns, "submitted");
    fx_answer(&w, 1, 2);
    fx_answer(&w, 2, 3);
    fx_skip(&w, 1); /* answered, then skipped: the response goes */
    fx_skip(&w, 2);
    fx_skip(&w, 3);
    for (int item = 4; item <= 30; item++) {
        if (item == 29 || item == 12)
            fx_skip(&w, item);
        else
            fx_answer(&w, item, 1 + (item % 4 == 0));
    }
    fx_check(store_submit(st, w.s->id, w.at += 1000), st, "store_submit");
}

static void fx_incomplete(store *st, fx_db *db)
{
    store_new_session ns = fx_new("33333333-3333-4333-8333-333333333333", "CD", 2, "fr", false);
    fx_writer w = fx_begin(st, db, &ns, "incomplete");
    for (int item = 1; item <= 10; item++)
        fx_answer(&w, item, 4);
    fx_check(store_close_incomplete(st, w.s->id, w.at + 5 * 60000), st, "store_close_incomplete");
}

static void fx_voice(store *st, fx_db *db)
{
    static const char *const transcripts[] = {"not at all", "a little", "quite a bit", "very much"};
    static const double confidences[] = {0.8125, 0.1, 1.0 / 3.0, 0.999999999999, 2e-9};
    store_new_session ns = fx_new("44444444-4444-4444-8444-444444444444", "EF", 3, "en", true);
    fx_writer w = fx_begin(st, db, &ns, "in_progress");
    fx_check(store_record_check(st, w.s->id, true, STORE_SOURCE_VOICE, w.at += 1000), st, "store_record_check");
    for (int item = 1; item <= 5; item++) {
        int score = 1 + item % 4;
        fx_answer_full(&w, item, score, NULL, FX_LABELS_4[score - 1], transcripts[score - 1], STORE_SOURCE_VOICE,
                       confidences[item - 1]);
    }
    fx_answer_full(&w, 6, 2, NULL, NULL, NULL, STORE_SOURCE_KEYBOARD, -1);
}

static void fx_tricky(store *st, fx_db *db)
{
    store_new_session ns = fx_new(FX_TRICKY_ID, "GH", 4, "fr", true);
    ns.metadata_json = "{\"note\":\"a,b \\\"q\\\"\",\"x\":\"=cmd\"}";
    fx_writer w = fx_begin(st, db, &ns, "submitted");
    fx_answer_full(&w, 1, 2, FX_TRICKY_QUESTION[1], FX_TRICKY_RESPONSE_1, NULL, STORE_SOURCE_TOUCH, -1);
    fx_answer_full(&w, 2, 3, FX_TRICKY_QUESTION[2], NULL, FX_TRICKY_TRANSCRIPT_2, STORE_SOURCE_VOICE, 0.5);
    for (int item = 3; item <= 5; item++)
        fx_answer_full(&w, item, 1, FX_TRICKY_QUESTION[item], NULL, NULL, STORE_SOURCE_TOUCH, -1);
    for (int item = 6; item <= 30; item++)
        fx_answer(&w, item, item >= 29 ? 7 : 4);
    fx_check(store_submit(st, w.s->id, w.at += 1000), st, "store_submit");
}

void fx_build_sample(const char *db_path, fx_db *out)
{
    *out = (fx_db){0};
    store *st = fx_open(db_path);
    fx_complete_and_changed(st, out);
    fx_with_skips(st, out);
    fx_incomplete(st, out);
    fx_voice(st, out);
    fx_tricky(st, out);
    store_new_session ns = fx_new("66666666-6666-4666-8666-666666666666", "IJ", 5, "en", false);
    fx_begin(st, out, &ns, "in_progress");
    store_close(st);
}

void fx_build_big(const char *db_path, int sessions, size_t text_len)
{
    char *text = malloc(text_len + 1);
    if (text == NULL)
        abort();
    for (size_t i = 0; i < text_len; i++)
        text[i] = i % 10 == 9 ? ',' : (char)('a' + i % 26);
    text[text_len] = '\0';
    store *st = fx_open(db_path);
    fx_db db = {0};
    for (int k = 0; k < sessions && k < FX_MAX_SESSIONS; k++) {
        char id[40];
        snprintf(id, sizeof id, "%08d-0000-4000-8000-000000000000", k);
        store_new_session ns = fx_new(id, "KL", k, "fr", false);
        fx_writer w = fx_begin(st, &db, &ns, "submitted");
        for (int item = 1; item <= 30; item++)
            fx_answer_full(&w, item, item >= 29 ? 5 : 2, text, NULL, NULL, STORE_SOURCE_TOUCH, -1);
        fx_check(store_submit(st, id, w.at += 1000), st, "store_submit");
    }
    store_close(st);
    free(text);
}

void fx_build_empty(const char *db_path)
{
    store_close(fx_open(db_path));
}

static char *fx_dup(const char *s)
{
    if (s == NULL)
        return NULL;
    char *d = strdup(s);
    if (d == NULL)
        abort();
    return d;
}

static void fx_copy_response(fx_response_copy *c, const store_response_row *r)
{
    *c = (fx_response_copy){
        .id = fx_dup(r->id), .session_id = fx_dup(r->session_id), .question_num = r->question_num,
        .question_text = fx_dup(r->question_text), .score = r->score, .response_text = fx_dup(r->response_text),
        .transcript = fx_dup(r->transcript), .response_type = fx_dup(r->response_type),
        .timestamp = fx_dup(r->timestamp), .has_confidence = r->has_confidence, .confidence = r->confidence,
    };
}

static int fx_snapshot_visit(void *ctx, const store_session_row *s, const store_response_row *r, size_t n)
{
    fx_snapshot *snap = ctx;
    snap->sessions = realloc(snap->sessions, (snap->n_sessions + 1) * sizeof *snap->sessions);
    snap->responses = realloc(snap->responses, (snap->n_responses + n + 1) * sizeof *snap->responses);
    if (snap->sessions == NULL || snap->responses == NULL)
        abort();
    snap->sessions[snap->n_sessions++] = (fx_session_copy){
        .id = fx_dup(s->id), .initials = fx_dup(s->initials), .birth_date = fx_dup(s->birth_date),
        .today_date = fx_dup(s->today_date), .mode = fx_dup(s->mode), .language = fx_dup(s->language),
        .status = fx_dup(s->status), .audio_enabled = s->audio_enabled, .created_at = fx_dup(s->created_at),
        .completed_at = fx_dup(s->completed_at), .metadata = fx_dup(s->metadata),
    };
    for (size_t i = 0; i < n; i++)
        fx_copy_response(&snap->responses[snap->n_responses++], &r[i]);
    return 0;
}

void fx_snapshot_take(const char *db_path, fx_snapshot *out)
{
    *out = (fx_snapshot){0};
    store *st = fx_open(db_path);
    int visit_result = 0;
    fx_check(store_each_session(st, fx_snapshot_visit, out, &visit_result), st, "store_each_session");
    store_close(st);
}

void fx_snapshot_free(fx_snapshot *s)
{
    for (size_t i = 0; i < s->n_sessions; i++) {
        fx_session_copy *c = &s->sessions[i];
        char *fields[] = {c->id, c->initials, c->birth_date, c->today_date, c->mode, c->language,
                          c->status, c->created_at, c->completed_at, c->metadata};
        for (size_t k = 0; k < sizeof fields / sizeof fields[0]; k++)
            free(fields[k]);
    }
    for (size_t i = 0; i < s->n_responses; i++) {
        fx_response_copy *c = &s->responses[i];
        char *fields[] = {c->id, c->session_id, c->question_text, c->response_text,
                          c->transcript, c->response_type, c->timestamp};
        for (size_t k = 0; k < sizeof fields / sizeof fields[0]; k++)
            free(fields[k]);
    }
    free(s->sessions);
    free(s->responses);
    *s = (fx_snapshot){0};
}
