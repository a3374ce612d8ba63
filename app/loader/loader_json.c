/*
 * loader_json.c - from raw bytes to a checked cJSON tree, and the typed field readers. cJSON is
 * lenient where a medical data file must not be: it takes invalid UTF-8, raw control characters in
 * strings, "\u0000" (which silently cuts a string short) and duplicate keys. Those are caught here.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "loader_internal.h"

/* Line and column (both from 1) of byte `off`; columns count characters, since the bytes before
 * `off` are known to be valid UTF-8 when this is called. */
static void line_col(const char *s, size_t off, size_t *line, size_t *col)
{
    *line = 1;
    *col = 1;
    for (size_t i = 0; i < off; i++) {
        if (s[i] == '\n') {
            (*line)++;
            *col = 1;
        } else if (((unsigned char)s[i] & 0xC0) != 0x80) {
            (*col)++;
        }
    }
}

static int fail_at(const ldr_ctx *c, const char *s, size_t off, const char *what)
{
    size_t line, col;
    line_col(s, off, &line, &col);
    return ldr_fail(c, "%s at line %zu, column %zu (byte offset %zu)", what, line, col, off);
}

/* How many bytes a sequence led by `b` should have; 0 when `b` cannot lead one. The exact ranges
 * are the core's qlq_utf8_valid's business. */
static size_t utf8_seq_len(unsigned char b)
{
    if (b >= 0xC2 && b <= 0xDF)
        return 2;
    if (b >= 0xE0 && b <= 0xEF)
        return 3;
    if (b >= 0xF0 && b <= 0xF4)
        return 4;
    return 0;
}

int ldr_scan_text(const ldr_ctx *c, const char *s, size_t len)
{
    bool in_string = false;
    size_t i = 0;
    while (i < len) {
        unsigned char b = (unsigned char)s[i];
        if (b >= 0x80) {
            size_t n = utf8_seq_len(b);
            if (n == 0 || n > len - i || !qlq_utf8_valid(s + i, n))
                return fail_at(c, s, i, "invalid UTF-8");
            i += n;
            continue;
        }
        if (b < 0x20 && (in_string || (b != '\t' && b != '\n' && b != '\r')))
            return fail_at(c, s, i, in_string ? "control character inside a string" : "control character");
        if (in_string && b == '\\' && i + 1 < len && (unsigned char)s[i + 1] < 0x80) {
            if (len - i >= 6 && memcmp(s + i + 1, "u0000", 5) == 0)
                return fail_at(c, s, i, "\"\\u0000\" (it would cut the string short)");
            i += 2; /* the escaped character cannot end the string */
            continue;
        }
        if (b == '"')
            in_string = !in_string;
        i++;
    }
    return 0;
}

cJSON *ldr_parse_json(const ldr_ctx *c, const char *s, size_t len)
{
    /* A NUL-terminated copy lets cJSON insist the value is followed by nothing but whitespace;
     * with a bare length it stops after the first value and ignores trailing garbage. */
    char *copy = malloc(len + 1);
    if (copy == NULL) {
        ldr_fail(c, "out of memory");
        return NULL;
    }
    memcpy(copy, s, len);
    copy[len] = '\0';
    const char *end = NULL;
    cJSON *root = cJSON_ParseWithLengthOpts(copy, len + 1, &end, 1);
    if (root == NULL) {
        size_t off = (end != NULL && end >= copy && end <= copy + len) ? (size_t)(end - copy) : len;
        /* cJSON reports allocation failure like a syntax error; both leave the tree unbuilt. */
        if (off >= len) {
            size_t line, col;
            line_col(s, len, &line, &col);
            ldr_fail(c, "JSON syntax error: unexpected end of file at line %zu, column %zu", line, col);
        } else {
            char near[32];
            size_t n = 0;
            while (n < 20 && off + n < len && s[off + n] != '\n' && s[off + n] != '\r')
                n++;
            memcpy(near, s + off, n);
            near[n] = '\0';
            char shown[40];
            ldr_printable(shown, sizeof shown, near);
            size_t line, col;
            line_col(s, off, &line, &col);
            ldr_fail(c, "JSON syntax error at line %zu, column %zu, near \"%s\"", line, col, shown);
        }
    }
    free(copy);
    return root;
}

static const char *type_name(const cJSON *v)
{
    if (cJSON_IsNumber(v))
        return "a number";
    if (cJSON_IsString(v))
        return "a string";
    if (cJSON_IsBool(v))
        return "a boolean";
    if (cJSON_IsNull(v))
        return "null";
    if (cJSON_IsArray(v))
        return "an array";
    return "an object";
}

static void field_path(char *dst, size_t size, const char *prefix, const char *key)
{
    char shown[64];
    ldr_printable(shown, sizeof shown, key);
    if (prefix[0] != '\0')
        snprintf(dst, size, "%s.%s", prefix, shown);
    else
        snprintf(dst, size, "%s", shown);
}

int ldr_check_object(const ldr_ctx *c, ldr_where w, const char *prefix, const cJSON *obj,
                     const ldr_key *keys, size_t nkeys)
{
    enum { MAX_KEYS = 64 };
    bool seen[MAX_KEYS] = { false };
    char path[128];
    if (!cJSON_IsObject(obj)) {
        if (prefix[0] == '\0')
            return ldr_fail_field(c, w, NULL, "expected an object, got %s", type_name(obj));
        return ldr_fail_field(c, w, prefix, "expected an object, got %s", type_name(obj));
    }
    if (nkeys > MAX_KEYS)
        return ldr_fail(c, "internal error: too many keys for \"%s\"", prefix);
    for (const cJSON *ch = obj->child; ch != NULL; ch = ch->next) {
        size_t k = 0;
        while (k < nkeys && strcmp(keys[k].key, ch->string) != 0)
            k++;
        field_path(path, sizeof path, prefix, ch->string);
        if (k == nkeys)
            return ldr_fail_field(c, w, path, "unknown field (misspelt?)");
        if (seen[k])
            return ldr_fail_field(c, w, path, "appears more than once");
        seen[k] = true;
    }
    for (size_t k = 0; k < nkeys; k++) {
        if (keys[k].required && !seen[k]) {
            field_path(path, sizeof path, prefix, keys[k].key);
            return ldr_fail_field(c, w, path, "missing");
        }
    }
    return 0;
}

/* C0 and C1 controls and DEL: they break the one-line terminal protocol and are never wanted on
 * screen or in speech. Returns the code point, or 0 when there is none. */
static unsigned control_in(const char *s)
{
    const unsigned char *p = (const unsigned char *)s;
    for (; *p != '\0'; p++) {
        if (*p < 0x20 || *p == 0x7F)
            return *p;
        if (p[0] == 0xC2 && p[1] >= 0x80 && p[1] <= 0x9F)
            return p[1];
    }
    return 0;
}

static bool blank(const char *s)
{
    for (; *s != '\0'; s++) {
        if (*s != ' ')
            return false;
    }
    return true;
}

int ldr_string(const ldr_ctx *c, ldr_where w, const char *field, const cJSON *v, char **out)
{
    *out = NULL;
    if (!cJSON_IsString(v) || v->valuestring == NULL)
        return ldr_fail_field(c, w, field, "expected a string, got %s", type_name(v));
    if (blank(v->valuestring))
        return ldr_fail_field(c, w, field, "must not be empty");
    unsigned cp = control_in(v->valuestring);
    if (cp != 0)
        return ldr_fail_field(c, w, field, "contains the control character U+%04X", cp);
    *out = ldr_strdup(v->valuestring);
    if (*out == NULL)
        return ldr_fail_field(c, w, field, "out of memory");
    return 0;
}

int ldr_int(const ldr_ctx *c, ldr_where w, const char *field, const cJSON *v, int lo, int hi, int *out)
{
    if (!cJSON_IsNumber(v)) {
        char got[80];
        ldr_describe(got, sizeof got, v);
        return ldr_fail_field(c, w, field, "expected an integer, got %s", got);
    }
    double d = v->valuedouble;
    if (!(d >= lo && d <= hi))
        return ldr_fail_field(c, w, field, "%g is out of range (%d to %d)", d, lo, hi);
    if (d != (double)(int)d)
        return ldr_fail_field(c, w, field, "expected an integer, got %g", d);
    *out = (int)d;
    return 0;
}

char *ldr_strdup(const char *s)
{
    size_t n = strlen(s) + 1;
    char *p = malloc(n);
    if (p != NULL)
        memcpy(p, s, n);
    return p;
}
