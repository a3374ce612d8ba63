/*
 * loader_report.c - how the loader words its errors. One line, English, naming the file first, then
 * the item and the field, so a person installing a kiosk can go straight to the spot.
 */
#include <stdarg.h>
#include <stdio.h>
#include <string.h>

#include "loader_internal.h"

/* Cuts `s` to at most `max` bytes without splitting a UTF-8 sequence. */
static size_t utf8_cut(const char *s, size_t len, size_t max)
{
    if (len <= max)
        return len;
    size_t n = max;
    while (n > 0 && ((unsigned char)s[n] & 0xC0) == 0x80)
        n--;
    return n;
}

void ldr_ctx_init(ldr_ctx *c, const char *name, qlq_load_error *err)
{
    if (name == NULL || name[0] == '\0')
        name = "(unnamed)";
    size_t len = strlen(name);
    size_t room = sizeof c->name - 1;
    if (len <= room) {
        memcpy(c->name, name, len + 1);
    } else {
        /* The tail of a long path is the part that tells files apart. */
        const char *tail = name + len - (room - 3);
        while (((unsigned char)*tail & 0xC0) == 0x80)
            tail++;
        snprintf(c->name, sizeof c->name, "...%s", tail);
    }
    c->err = err;
    if (err != NULL)
        err->message[0] = '\0';
}

static int report(const ldr_ctx *c, const char *where, const char *field, const char *fmt, va_list ap)
{
    if (c->err == NULL)
        return -1;
    char problem[sizeof c->err->message];
    vsnprintf(problem, sizeof problem, fmt, ap);
    char *m = c->err->message;
    size_t size = sizeof c->err->message;
    int n;
    if (field != NULL)
        n = snprintf(m, size, "%s: %sfield \"%s\": %s", c->name, where, field, problem);
    else
        n = snprintf(m, size, "%s: %s%s", c->name, where, problem);
    if (n < 0 || (size_t)n >= size) {
        /* Say that it was cut rather than end mid-word. */
        size_t keep = utf8_cut(m, strlen(m), size - 4);
        memcpy(m + keep, "...", 4);
    }
    return -1;
}

int ldr_fail(const ldr_ctx *c, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    report(c, "", NULL, fmt, ap);
    va_end(ap);
    return -1;
}

int ldr_fail_field(const ldr_ctx *c, ldr_where w, const char *field, const char *fmt, ...)
{
    char where[32] = "";
    if (w.item >= 0)
        snprintf(where, sizeof where, "item %d: ", w.item);
    else if (w.index >= 0)
        snprintf(where, sizeof where, "items[%d]: ", w.index);
    va_list ap;
    va_start(ap, fmt);
    report(c, where, field, fmt, ap);
    va_end(ap);
    return -1;
}

/* Callers pass at least 16 bytes. */
void ldr_printable(char *dst, size_t size, const char *src)
{
    size_t len = strlen(src);
    size_t n = utf8_cut(src, len, size - 4); /* room for "..." and the NUL */
    for (size_t i = 0; i < n; i++) {
        unsigned char b = (unsigned char)src[i];
        dst[i] = (b < 0x20 || b == 0x7F) ? '?' : (char)b;
    }
    memcpy(dst + n, n < len ? "..." : "", n < len ? 4 : 1);
}

void ldr_describe(char *dst, size_t size, const cJSON *v)
{
    if (cJSON_IsNumber(v)) {
        snprintf(dst, size, "%g", v->valuedouble);
    } else if (cJSON_IsString(v)) {
        char shown[64];
        ldr_printable(shown, sizeof shown, v->valuestring);
        snprintf(dst, size, "\"%s\"", shown);
    } else if (cJSON_IsBool(v)) {
        snprintf(dst, size, "%s", cJSON_IsTrue(v) ? "true" : "false");
    } else if (cJSON_IsNull(v)) {
        snprintf(dst, size, "null");
    } else if (cJSON_IsArray(v)) {
        snprintf(dst, size, "an array");
    } else if (cJSON_IsObject(v)) {
        snprintf(dst, size, "an object");
    } else {
        snprintf(dst, size, "nothing");
    }
}
