/*
 * loader_internal.h - shared between the loader's files only (prefix ldr_). Not installed, not
 * included outside app/loader.
 */
#ifndef LOADER_INTERNAL_H
#define LOADER_INTERNAL_H

#include <stdbool.h>
#include <stddef.h>

#include <cjson/cJSON.h>

#include "qlq_loader.h"

/* The data files are ~10 KiB; the cap only stops a wrong path (a log, a disk image) from being
 * read into memory. */
enum { LDR_MAX_BYTES = 1024 * 1024 };

#if defined(__GNUC__)
#define LDR_PRINTF(f, a) __attribute__((format(printf, f, a)))
#else
#define LDR_PRINTF(f, a)
#endif

typedef struct {
    char name[200];      /* the file name as shown in messages (long paths keep their tail) */
    qlq_load_error *err;
} ldr_ctx;

/* Where a problem is: item N once its number is known, items[i] before, else outside the items. */
typedef struct {
    int item;  /* -1: unknown */
    int index; /* position in "items"; -1: not in the items */
} ldr_where;

#define LDR_TOP ((ldr_where){ .item = -1, .index = -1 })

typedef struct {
    const char *key;
    bool required;
} ldr_key;

void ldr_ctx_init(ldr_ctx *c, const char *name, qlq_load_error *err);
/* "<file>: <problem>". Always returns -1 so callers can `return ldr_fail(...)`. */
int ldr_fail(const ldr_ctx *c, const char *fmt, ...) LDR_PRINTF(2, 3);
/* "<file>: item N: field "F": <problem>" (or "items[i]: ", or no item part). `field` may be NULL. */
int ldr_fail_field(const ldr_ctx *c, ldr_where w, const char *field, const char *fmt, ...) LDR_PRINTF(4, 5);

/* A bounded, printable copy of untrusted text for a message: controls become '?', long text is cut
 * on a character boundary and ends in "...". */
void ldr_printable(char *dst, size_t size, const char *src);
/* "number", "string", ... for messages; a number or string also shows its value. */
void ldr_describe(char *dst, size_t size, const cJSON *v);

/* UTF-8, control characters and \u0000 over the raw bytes, with byte offset, line and column. */
int ldr_scan_text(const ldr_ctx *c, const char *s, size_t len);
/* NULL (error set) on a syntax error, with line and column. Caller frees with cJSON_Delete. */
cJSON *ldr_parse_json(const ldr_ctx *c, const char *s, size_t len);

/* `obj` must be an object whose keys are all in `keys`, each at most once, required ones present.
 * `prefix` names the object in field paths ("time_frame"), "" for the top level or an item. */
int ldr_check_object(const ldr_ctx *c, ldr_where w, const char *prefix, const cJSON *obj,
                     const ldr_key *keys, size_t nkeys);
/* A non-blank string without control characters, copied to *out (malloc'd). */
int ldr_string(const ldr_ctx *c, ldr_where w, const char *field, const cJSON *v, char **out);
int ldr_int(const ldr_ctx *c, ldr_where w, const char *field, const cJSON *v, int lo, int hi, int *out);
/* Copies with malloc only (no strdup), so an allocation-failure test can intercept every copy. */
char *ldr_strdup(const char *s);

int ldr_items(const ldr_ctx *c, const cJSON *items, qlq_questionnaire *q);

/* The languages there is a data file for. Adding one: its file, and its code here. */
#define LDR_LANGUAGES "fr, en"
bool ldr_known_language(const char *lang);

#endif
