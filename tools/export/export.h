/*
 * export.h - the internals of qlq-export shared between its files. Not a public API: the tool is
 * the interface (see --help). Prefix exp_ for everything here.
 */
#ifndef QLQ_EXPORT_H
#define QLQ_EXPORT_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "qlq_core.h"
#include "qlq_store.h"

enum {
    EXP_ERR_LEN = 1024,
    EXP_PATH_LEN = 4096,
    EXP_REL_LEN = 128,   /* a path inside the export folder: "fhir/<uuid>.json" */
    EXP_HEX_LEN = 65,    /* SHA-256 in hex plus the NUL */
    EXP_BUF_LEN = 65536,
};

/* The first failure of a run, in English, without patient data. Later failures (cleanup after the
 * first one) do not overwrite it: the first is the cause the nurse needs to see. */
typedef struct {
    char msg[EXP_ERR_LEN];
} exp_error;

void exp_fail(exp_error *e, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
/* Like exp_fail, followed by ": <reason for errnum>" (disk full, file too large, ...). */
void exp_fail_errno(exp_error *e, int errnum, const char *fmt, ...) __attribute__((format(printf, 3, 4)));
bool exp_failed(const exp_error *e);

/* ---- export_manifest.c: what MANIFEST.sha256 will list ---- */

typedef struct {
    char rel[EXP_REL_LEN];
    char hex[EXP_HEX_LEN];
} exp_manifest_entry;

typedef struct {
    exp_manifest_entry *entries;
    size_t count, cap;
} exp_manifest;

bool exp_manifest_add(exp_manifest *m, const char *rel, const char *hex, exp_error *e);
void exp_manifest_free(exp_manifest *m);

/* ---- export_file.c: one file of the export, written through a buffer and hashed as it is written ---- */

typedef struct exp_file exp_file;

/* Creates `rel` (which must not exist) relative to the directory `dirfd`, mode 0600. */
exp_file *exp_file_create(int dirfd, const char *rel, exp_error *e);
bool exp_file_write(exp_file *f, const void *data, size_t len, exp_error *e);
bool exp_file_puts(exp_file *f, const char *s, exp_error *e);
/* Flushes, fsyncs and closes the file, then adds its SHA-256 to `m` (when not NULL). Frees `f`
 * whatever happens. */
bool exp_file_finish(exp_file *f, exp_manifest *m, exp_error *e);
/* Closes and frees without flushing: for the error path, the folder is removed afterwards. NULL ok. */
void exp_file_discard(exp_file *f);

/* Writes MANIFEST.sha256 in `dirfd` in sha256sum's format, sorted by path, fsynced. */
bool exp_manifest_write(exp_manifest *m, int dirfd, exp_error *e);

/* ---- export_folder.c: the export folder, made visible only when complete ---- */

typedef struct {
    char parent[EXP_PATH_LEN];  /* DIR as given, without trailing slashes */
    char stamp[32];             /* YYYYMMDDTHHMMSSZ */
    char partial[EXP_REL_LEN];  /* ".qlq-export-<stamp>[-N].partial" inside parent */
    char final_path[EXP_PATH_LEN + EXP_REL_LEN + 2];
    int parent_fd, dir_fd, fhir_fd;
    exp_manifest manifest;
} exp_folder;

/* Makes `fo` safe to abort and free before exp_folder_begin ran. */
void exp_folder_init(exp_folder *fo);
/* Creates the hidden partial folder and its fhir/ subfolder inside `parent`. */
bool exp_folder_begin(exp_folder *fo, const char *parent, int64_t now_s, exp_error *e);
/* Writes the manifest, fsyncs everything, renames the folder to its final name and fsyncs the
 * parent. On success fo->final_path holds the final folder's path. */
bool exp_folder_commit(exp_folder *fo, exp_error *e);
/* Removes the partial folder and everything in it (the error path). Safe after a failed begin. */
void exp_folder_abort(exp_folder *fo);
void exp_folder_free(exp_folder *fo);

/* ---- export_csv.c: RFC 4180 tables ---- */

typedef enum { EXP_CSV_SESSIONS, EXP_CSV_RESPONSES, EXP_CSV_SCORES, EXP_CSV_COUNT } exp_csv_table;

const char *exp_csv_file_name(exp_csv_table t);
bool exp_csv_header(exp_file *f, exp_csv_table t, exp_error *e);
bool exp_csv_session_row(exp_file *f, const store_session_row *s, exp_error *e);
bool exp_csv_response_row(exp_file *f, const store_response_row *r, exp_error *e);
bool exp_csv_scores_row(exp_file *f, const store_session_row *s, const qlq_scores *sc, exp_error *e);
/* Shortest text that strtod() reads back as exactly `v` ("%.17g" at worst). */
void exp_format_double(double v, char out[32]);

/* ---- export_fhir.c: FHIR R4 QuestionnaireResponse ---- */

/* The session as a FHIR R4 QuestionnaireResponse in JSON (malloc'd), or NULL when out of memory. */
char *exp_fhir_render(const store_session_row *s, const store_response_row *r, size_t n);
/* True when `id` can serve as a FHIR id and a file name: [A-Za-z0-9-], 1..64 characters. */
bool exp_id_valid(const char *id);

#endif
