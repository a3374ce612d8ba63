/* export_checks.c - reading an export back: CSV (own parser), FHIR (cJSON), manifest (OpenSSL). */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <cmocka.h>

#include <ctype.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cjson/cJSON.h>

#include "csv_parse.h"
#include "export_checks.h"
#include "export_harness.h"

static const char *const CK_SESSION_COLUMNS[] = {"id", "initials", "birth_date", "today_date", "mode",
                                                 "audio_enabled", "language", "status", "created_at",
                                                 "completed_at", "metadata"};
static const char *const CK_RESPONSE_COLUMNS[] = {"id", "session_id", "question_num", "question_text",
                                                  "score", "response_text", "transcript", "response_type",
                                                  "timestamp", "confidence"};
/* The Scoring Manual's names, in the order the brief gives them. */
static const char *const CK_SCORE_COLUMNS[] = {"session_id", "status", "QL2", "PF2", "RF2", "EF", "CF", "SF",
                                               "FA", "NV", "PA", "DY", "SL", "AP", "CO", "DI", "FI", "SUM"};
#define CK_COUNT(a) (sizeof(a) / sizeof((a)[0]))

char *ck_expected_cell(const char *db_text)
{
    const char *s = db_text != NULL ? db_text : "";
    bool formula = s[0] != '\0' && strchr("=+-@\t\r", s[0]) != NULL;
    char *out = malloc(strlen(s) + 2);
    assert_non_null(out);
    sprintf(out, "%s%s", formula ? "'" : "", s);
    return out;
}

static void ck_cell_eq(const char *cell, const char *db_text)
{
    char *want = ck_expected_cell(db_text);
    assert_string_equal(cell, want);
    free(want);
}

int ck_export_name_ok(const char *name)
{
    static const char prefix[] = "qlq-export-";
    if (strncmp(name, prefix, sizeof prefix - 1) != 0)
        return 0;
    const char *p = name + sizeof prefix - 1;
    for (int i = 0; i < 16; i++) {
        bool digit = isdigit((unsigned char)p[i]) != 0;
        if ((i == 8 && p[i] != 'T') || (i == 15 && p[i] != 'Z') || (i != 8 && i != 15 && !digit))
            return 0;
    }
    p += 16;
    if (*p == '\0')
        return 1;
    if (*p != '-' || !isdigit((unsigned char)p[1]))
        return 0;
    return (int)strspn(p + 1, "0123456789") == (int)strlen(p + 1);
}

static void ck_load_csv(const char *folder, const char *name, const char *const *columns, size_t n_columns,
                        csv_table *t)
{
    char path[HX_PATH], err[256] = "";
    hx_join(path, folder, name);
    size_t len = 0;
    char *text = hx_read(path, &len);
    assert_non_null(text);
    assert_int_equal(strlen(text), len); /* no NUL bytes */
    assert_true(len > 0 && text[len - 1] == '\n');
    const char *first_end = strchr(text, '\n');
    assert_non_null(first_end);
    assert_true(first_end > text && first_end[-1] != '\r'); /* LF line ends, not CRLF */
    if (!csv_parse(text, len, t, err, sizeof err))
        fail_msg("%s does not parse: %s", name, err);
    free(text);
    assert_true(t->count >= 1);
    assert_int_equal(t->rows[0].count, n_columns);
    for (size_t j = 0; j < n_columns; j++)
        assert_string_equal(t->rows[0].cells[j], columns[j]);
    for (size_t i = 1; i < t->count; i++)
        assert_int_equal(t->rows[i].count, n_columns);
}

static void ck_session_row(char **cells, const fx_session_copy *s)
{
    const char *texts[] = {s->id, s->initials, s->birth_date, s->today_date, s->mode};
    for (size_t j = 0; j < CK_COUNT(texts); j++)
        ck_cell_eq(cells[j], texts[j]);
    assert_string_equal(cells[5], s->audio_enabled ? "true" : "false");
    const char *rest[] = {s->language, s->status, s->created_at, s->completed_at, s->metadata};
    for (size_t j = 0; j < CK_COUNT(rest); j++)
        ck_cell_eq(cells[6 + j], rest[j]);
}

void ck_sessions_csv(const char *folder, const fx_db *fx, const fx_snapshot *snap)
{
    csv_table t;
    ck_load_csv(folder, "sessions.csv", CK_SESSION_COLUMNS, CK_COUNT(CK_SESSION_COLUMNS), &t);
    assert_int_equal(t.count - 1, snap->n_sessions);
    assert_int_equal(snap->n_sessions, fx->count);
    for (size_t i = 0; i < snap->n_sessions; i++) {
        char **cells = t.rows[i + 1].cells;
        ck_session_row(cells, &snap->sessions[i]);
        /* And against what the test itself wrote, oldest first. */
        assert_string_equal(cells[0], fx->sessions[i].id);
        assert_string_equal(cells[1], fx->sessions[i].initials);
        assert_string_equal(cells[6], fx->sessions[i].language);
        assert_string_equal(cells[7], fx->sessions[i].status);
        assert_int_equal(cells[9][0] == '\0', strcmp(fx->sessions[i].status, "submitted") != 0);
    }
    csv_free(&t);
}

static void ck_response_row(char **cells, const fx_response_copy *r)
{
    ck_cell_eq(cells[0], r->id);
    ck_cell_eq(cells[1], r->session_id);
    assert_int_equal(strtol(cells[2], NULL, 10), r->question_num);
    ck_cell_eq(cells[3], r->question_text);
    assert_int_equal(strtol(cells[4], NULL, 10), r->score);
    ck_cell_eq(cells[5], r->response_text);
    ck_cell_eq(cells[6], r->transcript);
    ck_cell_eq(cells[7], r->response_type);
    ck_cell_eq(cells[8], r->timestamp);
    if (!r->has_confidence) {
        assert_string_equal(cells[9], "");
        return;
    }
    char *end = NULL;
    double v = strtod(cells[9], &end);
    assert_true(cells[9][0] != '\0' && *end == '\0');
    assert_true(v == r->confidence); /* bit-exact round trip */
}

static const fx_session *ck_find(const fx_db *fx, const char *id)
{
    for (size_t i = 0; i < fx->count; i++) {
        if (strcmp(fx->sessions[i].id, id) == 0)
            return &fx->sessions[i];
    }
    fail_msg("unknown session %s", id);
    return NULL;
}

/* The (item, score) pairs in responses.csv are exactly the answers the fixture left. */
static void ck_responses_match_inputs(const csv_table *t, const fx_db *fx)
{
    size_t expected = 0;
    for (size_t k = 0; k < fx->count; k++) {
        for (int item = 1; item <= 30; item++)
            expected += fx->sessions[k].answers[item] != 0;
    }
    assert_int_equal(t->count - 1, expected);
    for (size_t i = 1; i < t->count; i++) {
        const fx_session *s = ck_find(fx, t->rows[i].cells[1]);
        long item = strtol(t->rows[i].cells[2], NULL, 10);
        assert_in_range(item, 1, 30);
        assert_int_equal(strtol(t->rows[i].cells[4], NULL, 10), s->answers[item]);
    }
}

static void ck_tricky_cells(const csv_table *t)
{
    int seen = 0;
    for (size_t i = 1; i < t->count; i++) {
        char **c = t->rows[i].cells;
        long item = strtol(c[2], NULL, 10);
        if (strcmp(c[1], FX_TRICKY_ID) != 0 || item > 5)
            continue;
        seen++;
        assert_int_equal(c[3][0], '\''); /* every one of them starts like a formula */
        assert_string_equal(c[3] + 1, FX_TRICKY_QUESTION[item]);
        if (item == 1)
            assert_string_equal(c[5], FX_TRICKY_RESPONSE_1);
        if (item == 2) {
            assert_string_equal(c[6], "'=1+1");
            assert_string_equal(c[7], "VOICE");
            assert_string_equal(c[9], "0.5");
        }
    }
    assert_int_equal(seen, 5);
}

void ck_responses_csv(const char *folder, const fx_db *fx, const fx_snapshot *snap)
{
    csv_table t;
    ck_load_csv(folder, "responses.csv", CK_RESPONSE_COLUMNS, CK_COUNT(CK_RESPONSE_COLUMNS), &t);
    assert_int_equal(t.count - 1, snap->n_responses);
    for (size_t i = 0; i < snap->n_responses; i++)
        ck_response_row(t.rows[i + 1].cells, &snap->responses[i]);
    ck_responses_match_inputs(&t, fx);
    ck_tricky_cells(&t);
    csv_free(&t);
}

static void ck_score_cell(const char *cell, bool present, double value)
{
    if (!present) {
        assert_string_equal(cell, "");
        return;
    }
    char *end = NULL;
    double v = strtod(cell, &end);
    assert_true(cell[0] != '\0' && *end == '\0');
    if (v != value)
        fail_msg("score cell %s is not %.17g", cell, value);
}

void ck_scores_csv(const char *folder, const fx_db *fx)
{
    csv_table t;
    ck_load_csv(folder, "scores.csv", CK_SCORE_COLUMNS, CK_COUNT(CK_SCORE_COLUMNS), &t);
    assert_int_equal(t.count - 1, fx->count);
    size_t all_present = 0, none_present = 0;
    for (size_t i = 1; i < t.count; i++) {
        const fx_session *s = ck_find(fx, t.rows[i].cells[0]);
        assert_string_equal(t.rows[i].cells[1], s->status);
        qlq_scores want;
        qlq_score(s->answers, &want);
        size_t present = 0;
        for (int k = 0; k < QLQ_SCORE_COUNT; k++) {
            ck_score_cell(t.rows[i].cells[2 + k], want.present[k], want.value[k]);
            present += want.present[k];
        }
        all_present += present == QLQ_SCORE_COUNT;
        none_present += present == 0;
    }
    /* The sample must exercise both a full score row and empty cells. */
    assert_true(all_present >= 1);
    assert_true(none_present >= 1);
    csv_free(&t);
}

/* FHIR JSON forbids empty strings, empty arrays, empty objects and nulls. */
static void ck_fhir_no_empties(const cJSON *node)
{
    assert_false(cJSON_IsNull(node));
    if (cJSON_IsString(node))
        assert_true(node->valuestring[0] != '\0');
    if (cJSON_IsArray(node) || cJSON_IsObject(node)) {
        assert_non_null(node->child);
        for (const cJSON *c = node->child; c != NULL; c = c->next)
            ck_fhir_no_empties(c);
    }
}

static const char *ck_json_string(const cJSON *obj, const char *key)
{
    const cJSON *v = cJSON_GetObjectItemCaseSensitive(obj, key);
    assert_true(cJSON_IsString(v));
    return v->valuestring;
}

static const fx_response_copy *ck_snap_response(const fx_snapshot *snap, const char *sid, int item)
{
    for (size_t i = 0; i < snap->n_responses; i++) {
        if (strcmp(snap->responses[i].session_id, sid) == 0 && snap->responses[i].question_num == item)
            return &snap->responses[i];
    }
    fail_msg("no stored response for item %d of %s", item, sid);
    return NULL;
}

static void ck_fhir_item(const cJSON *item, const fx_session *s, int n, const fx_snapshot *snap)
{
    char num[16];
    snprintf(num, sizeof num, "%d", n);
    assert_string_equal(ck_json_string(item, "linkId"), num);
    const fx_response_copy *r = ck_snap_response(snap, s->id, n);
    assert_string_equal(ck_json_string(item, "text"), r->question_text);
    const cJSON *answers = cJSON_GetObjectItemCaseSensitive(item, "answer");
    assert_true(cJSON_IsArray(answers));
    assert_int_equal(cJSON_GetArraySize(answers), 1);
    const cJSON *coding = cJSON_GetObjectItemCaseSensitive(cJSON_GetArrayItem(answers, 0), "valueCoding");
    assert_true(cJSON_IsObject(coding));
    snprintf(num, sizeof num, "%d", s->answers[n]);
    assert_string_equal(ck_json_string(coding, "code"), num);
    assert_string_equal(ck_json_string(coding, "display"), r->response_text); /* raw, no apostrophe */
}

static void ck_fhir_items(const cJSON *root, const fx_session *s, const fx_snapshot *snap)
{
    int answered = 0;
    for (int n = 1; n <= 30; n++)
        answered += s->answers[n] != 0;
    const cJSON *items = cJSON_GetObjectItemCaseSensitive(root, "item");
    if (answered == 0) {
        assert_null(items);
        return;
    }
    assert_true(cJSON_IsArray(items));
    assert_int_equal(cJSON_GetArraySize(items), answered);
    const cJSON *item = items->child;
    for (int n = 1; n <= 30; n++) {
        if (s->answers[n] == 0)
            continue;
        ck_fhir_item(item, s, n, snap);
        item = item->next;
    }
}

static void ck_fhir_session(const char *folder, const fx_session *s, const fx_snapshot *snap)
{
    char rel[128], path[HX_PATH];
    snprintf(rel, sizeof rel, "fhir/%s.json", s->id);
    hx_join(path, folder, rel);
    char *text = hx_read(path, NULL);
    assert_non_null(text);
    cJSON *root = cJSON_Parse(text);
    free(text);
    assert_non_null(root);
    ck_fhir_no_empties(root);
    assert_string_equal(ck_json_string(root, "resourceType"), "QuestionnaireResponse");
    assert_string_equal(ck_json_string(root, "id"), s->id);
    assert_string_equal(ck_json_string(root, "status"), s->fhir_status);
    const char *q = ck_json_string(root, "questionnaire");
    char lang_version[16];
    snprintf(lang_version, sizeof lang_version, "%s|3.0", s->language);
    assert_non_null(strstr(q, "qlq-c30"));
    assert_true(strlen(q) > strlen(lang_version) && strcmp(q + strlen(q) - strlen(lang_version), lang_version) == 0);
    const char *authored = ck_json_string(root, "authored");
    assert_true(strlen(authored) >= 20 && authored[10] == 'T' && authored[strlen(authored) - 1] == 'Z');
    ck_fhir_items(root, s, snap);
    cJSON_Delete(root);
}

void ck_fhir(const char *folder, const fx_db *fx, const fx_snapshot *snap)
{
    for (size_t i = 0; i < fx->count; i++)
        ck_fhir_session(folder, &fx->sessions[i], snap);
}

static void ck_manifest_line(const char *folder, const char *line, char **listed, size_t *n_listed)
{
    assert_true(strlen(line) > 66);
    assert_int_equal(strspn(line, "0123456789abcdef"), 64);
    assert_memory_equal(line + 64, "  ", 2);
    const char *rel = line + 66;
    char path[HX_PATH], hex[65];
    hx_join(path, folder, rel);
    if (!hx_sha256_file(path, hex))
        fail_msg("manifest lists %s, which cannot be read", rel);
    assert_memory_equal(line, hex, 64);
    for (size_t i = 0; i < *n_listed; i++)
        assert_string_not_equal(listed[i], rel);
    listed[(*n_listed)++] = strdup(rel);
}

static void ck_manifest_covers_all(const char *folder, char **listed, size_t n_listed, size_t n_fhir)
{
    char fhir[HX_PATH];
    hx_join(fhir, folder, "fhir");
    size_t n_top = 0, n_json = 0;
    char **top = hx_list(folder, &n_top);
    char **json = hx_list(fhir, &n_json);
    assert_int_equal(n_json, n_fhir);
    /* Top level: the three CSV files, fhir/ and the manifest itself. */
    assert_int_equal(n_top, 5);
    assert_int_equal(n_listed, 3 + n_json);
    for (size_t i = 0; i < n_top + n_json; i++) {
        char rel[HX_PATH];
        if (i < n_top)
            snprintf(rel, sizeof rel, "%s", top[i]);
        else
            snprintf(rel, sizeof rel, "fhir/%s", json[i - n_top]);
        if (strcmp(rel, "fhir") == 0 || strcmp(rel, "MANIFEST.sha256") == 0)
            continue;
        bool found = false;
        for (size_t k = 0; k < n_listed; k++)
            found = found || strcmp(listed[k], rel) == 0;
        if (!found)
            fail_msg("%s is missing from the manifest", rel);
    }
    hx_free_names(top);
    hx_free_names(json);
}

void ck_manifest(const char *folder, size_t n_fhir)
{
    char path[HX_PATH];
    hx_join(path, folder, "MANIFEST.sha256");
    char *text = hx_read(path, NULL);
    assert_non_null(text);
    char *listed[256];
    size_t n_listed = 0;
    char *save = NULL;
    for (char *line = strtok_r(text, "\n", &save); line != NULL; line = strtok_r(NULL, "\n", &save)) {
        assert_true(n_listed < 256);
        ck_manifest_line(folder, line, listed, &n_listed);
    }
    free(text);
    ck_manifest_covers_all(folder, listed, n_listed, n_fhir);
    for (size_t i = 0; i < n_listed; i++)
        free(listed[i]);
    /* The promise made to staff: sha256sum itself accepts the manifest. */
    char *argv[] = {(char *)"/bin/sh", (char *)"-c", (char *)"cd \"$1\" && exec sha256sum -c --quiet MANIFEST.sha256",
                    (char *)"sh", (char *)folder, NULL};
    hx_result res;
    hx_run(argv, NULL, &res);
    if (res.status != 0)
        fail_msg("sha256sum -c failed (%d): %s%s", res.status, res.out, res.err);
    hx_result_free(&res);
}
