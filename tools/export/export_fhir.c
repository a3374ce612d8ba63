/*
 * export_fhir.c - one FHIR R4 QuestionnaireResponse per session, for clinical systems that import
 * FHIR rather than CSV. Only elements with a value are written: FHIR forbids empty strings and
 * empty arrays.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cjson/cJSON.h>

#include "export.h"

/* There is no published FHIR Questionnaire for the QLQ-C30; this canonical names EORTC's
 * instrument, version 3.0, in the session's language ("...-fr|3.0"). */
static const char EXP_FHIR_QUESTIONNAIRE[] = "http://www.eortc.org/fhir/Questionnaire/eortc-qlq-c30";
static const char EXP_FHIR_VERSION[] = "3.0";
static const char EXP_FHIR_PATIENT_ID[] = "patient";

typedef struct {
    cJSON *root;
    bool ok;
} exp_json;

static void exp_add_string(exp_json *j, cJSON *obj, const char *key, const char *value)
{
    if (value != NULL && value[0] != '\0' && cJSON_AddStringToObject(obj, key, value) == NULL)
        j->ok = false;
}

static cJSON *exp_add_object(exp_json *j, cJSON *parent)
{
    cJSON *o = cJSON_CreateObject();
    if (o == NULL || !cJSON_AddItemToArray(parent, o)) {
        cJSON_Delete(o);
        j->ok = false;
        return NULL;
    }
    return o;
}

static cJSON *exp_add_array(exp_json *j, cJSON *obj, const char *key)
{
    cJSON *a = cJSON_AddArrayToObject(obj, key);
    if (a == NULL)
        j->ok = false;
    return a;
}

bool exp_id_valid(const char *id)
{
    size_t len = id != NULL ? strlen(id) : 0;
    if (len == 0 || len > 64)
        return false;
    return strspn(id, "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-") == len;
}

static const char *exp_fhir_status(const char *status)
{
    if (status != NULL && strcmp(status, "submitted") == 0)
        return "completed";
    if (status != NULL && strcmp(status, "incomplete") == 0)
        return "stopped";
    /* 'in_progress', and anything a newer kiosk may add: not finished as far as we know. */
    return "in-progress";
}

/* When the answers were last changed: the submission, else the latest answer, else the start. */
static const char *exp_fhir_authored(const store_session_row *s, const store_response_row *r, size_t n)
{
    if (s->completed_at != NULL)
        return s->completed_at;
    const char *latest = s->created_at;
    for (size_t i = 0; i < n; i++) {
        if (r[i].timestamp != NULL && (latest == NULL || strcmp(r[i].timestamp, latest) > 0))
            latest = r[i].timestamp;
    }
    return latest;
}

/* The patient as a contained resource, so the file identifies whom it is about on its own. */
static void exp_fhir_patient(exp_json *j, const store_session_row *s)
{
    qlq_date birth;
    bool has_birth = s->birth_date != NULL && qlq_date_parse(s->birth_date, &birth);
    bool has_initials = s->initials != NULL && s->initials[0] != '\0';
    if (!has_birth && !has_initials)
        return;
    cJSON *contained = exp_add_array(j, j->root, "contained");
    cJSON *p = contained ? exp_add_object(j, contained) : NULL;
    if (p == NULL)
        return;
    exp_add_string(j, p, "resourceType", "Patient");
    exp_add_string(j, p, "id", EXP_FHIR_PATIENT_ID);
    if (has_initials) {
        cJSON *names = exp_add_array(j, p, "name");
        cJSON *name = names ? exp_add_object(j, names) : NULL;
        if (name != NULL)
            exp_add_string(j, name, "text", s->initials);
    }
    if (has_birth)
        exp_add_string(j, p, "birthDate", s->birth_date);
    cJSON *subject = cJSON_AddObjectToObject(j->root, "subject");
    if (subject == NULL)
        j->ok = false;
    else
        exp_add_string(j, subject, "reference", "#patient");
}

static void exp_fhir_header(exp_json *j, const store_session_row *s, const store_response_row *r, size_t n)
{
    exp_add_string(j, j->root, "resourceType", "QuestionnaireResponse");
    exp_add_string(j, j->root, "id", s->id);
    exp_add_string(j, j->root, "language", s->language);
    if (strlen(s->id) == 36) {
        char urn[64];
        snprintf(urn, sizeof urn, "urn:uuid:%s", s->id);
        cJSON *ident = cJSON_AddObjectToObject(j->root, "identifier");
        if (ident == NULL)
            j->ok = false;
        else {
            exp_add_string(j, ident, "system", "urn:ietf:rfc:3986");
            exp_add_string(j, ident, "value", urn);
        }
    }
    char canonical[sizeof EXP_FHIR_QUESTIONNAIRE + 32];
    const char *lang = s->language != NULL && s->language[0] != '\0' ? s->language : "und";
    snprintf(canonical, sizeof canonical, "%s-%.8s|%s", EXP_FHIR_QUESTIONNAIRE, lang, EXP_FHIR_VERSION);
    exp_add_string(j, j->root, "questionnaire", canonical);
    exp_add_string(j, j->root, "status", exp_fhir_status(s->status));
    exp_fhir_patient(j, s);
    exp_add_string(j, j->root, "authored", exp_fhir_authored(s, r, n));
}

static void exp_fhir_item(exp_json *j, cJSON *items, const store_response_row *r)
{
    cJSON *item = exp_add_object(j, items);
    if (item == NULL)
        return;
    char num[16];
    snprintf(num, sizeof num, "%d", r->question_num);
    exp_add_string(j, item, "linkId", num);
    exp_add_string(j, item, "text", r->question_text);
    cJSON *answers = exp_add_array(j, item, "answer");
    cJSON *answer = answers ? exp_add_object(j, answers) : NULL;
    cJSON *coding = answer ? cJSON_AddObjectToObject(answer, "valueCoding") : NULL;
    if (coding == NULL) {
        j->ok = false;
        return;
    }
    snprintf(num, sizeof num, "%d", r->score);
    exp_add_string(j, coding, "code", num);
    exp_add_string(j, coding, "display", r->response_text);
}

char *exp_fhir_render(const store_session_row *s, const store_response_row *r, size_t n)
{
    exp_json j = {.root = cJSON_CreateObject(), .ok = true};
    if (j.root == NULL)
        return NULL;
    exp_fhir_header(&j, s, r, n);
    size_t shown = 0;
    for (size_t i = 0; i < n; i++)
        shown += r[i].question_num >= QLQ_FIRST_ITEM && r[i].question_num <= QLQ_LAST_ITEM;
    cJSON *items = shown > 0 ? exp_add_array(&j, j.root, "item") : NULL;
    for (size_t i = 0; items != NULL && i < n; i++) {
        if (r[i].question_num >= QLQ_FIRST_ITEM && r[i].question_num <= QLQ_LAST_ITEM)
            exp_fhir_item(&j, items, &r[i]);
    }
    char *text = j.ok ? cJSON_Print(j.root) : NULL;
    cJSON_Delete(j.root);
    return text;
}
