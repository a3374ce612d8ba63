/*
 * qlq_loader.h - reads a questionnaire data file (JSON, parsed with cJSON) into the core's model and
 * validates all of it. Errors name the file, the item and the field, in English (they go to logs and
 * to the person installing the kiosk, not to patients).
 */
#ifndef QLQ_LOADER_H
#define QLQ_LOADER_H

#include <stddef.h>

#include "qlq_core.h"

typedef struct {
    char message[512];
} qlq_load_error;

/* 0 on success (`out` filled, free it with qlq_questionnaire_free); -1 with `err` filled otherwise,
 * and `out` left zeroed. `name` is used in messages (normally the path). */
int qlq_loader_parse(const char *name, const char *json, size_t len, qlq_questionnaire *out, qlq_load_error *err);
int qlq_loader_load_file(const char *path, qlq_questionnaire *out, qlq_load_error *err);
/* Loads <assets_dir>/questionnaires/qlq-c30.<lang>.json; an unknown language is an error. */
int qlq_loader_load_language(const char *assets_dir, const char *lang, qlq_questionnaire *out,
                             qlq_load_error *err);

/* The assets folder to use: `explicit_dir` if not NULL, else $QLQ_ASSETS_DIR, else the installed
 * copy, else the source tree's. Returns NULL when none of them holds questionnaires/. */
const char *qlq_loader_assets_dir(const char *explicit_dir);

#endif
