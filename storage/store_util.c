/*
 * store_util.c - helpers shared by the storage files: error mapping, statement stepping, UTC time
 * stamps, UUIDs and argument checks.
 */
#include <errno.h>
#include <stdio.h>
#include <string.h>
#include <sys/random.h>

#include "store_internal.h"

store_status sti_status_from_rc(int rc)
{
    switch (rc & 0xff) {
    case SQLITE_OK:
    case SQLITE_ROW:
    case SQLITE_DONE:
        return STORE_OK;
    case SQLITE_FULL:
        return STORE_ERR_FULL;
    case SQLITE_IOERR:
    case SQLITE_READONLY:
        return STORE_ERR_IO;
    case SQLITE_BUSY:
    case SQLITE_LOCKED:
        return STORE_ERR_BUSY;
    case SQLITE_CORRUPT:
    case SQLITE_NOTADB:
        return STORE_ERR_CORRUPT;
    case SQLITE_CONSTRAINT:
    case SQLITE_MISMATCH:
    case SQLITE_RANGE:
        return STORE_ERR_INVALID;
    case SQLITE_CANTOPEN:
    case SQLITE_PERM:
    case SQLITE_AUTH:
        return STORE_ERR_OPEN;
    default:
        return STORE_ERR_INTERNAL;
    }
}

void sti_set_error(store *st, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(st->err, sizeof st->err, fmt, ap);
    va_end(ap);
}

void sti_capture(store *st, int rc)
{
    st->sql_rc = rc;
    /* SQLite's messages name tables, columns and constraints, never bound values, so they are safe
     * to log; they are copied now because the reset that follows may replace them. */
    snprintf(st->sql_msg, sizeof st->sql_msg, "%s", sqlite3_errmsg(st->db));
}

void sti_reset(store *st, enum sti_stmt id)
{
    sqlite3_reset(st->stmt[id]);
    /* Bindings point at the caller's strings (SQLITE_STATIC); drop them before the caller's
     * memory goes away. */
    sqlite3_clear_bindings(st->stmt[id]);
}

int sti_run(store *st, enum sti_stmt id)
{
    int rc = sqlite3_step(st->stmt[id]);
    if (rc == SQLITE_DONE) {
        rc = SQLITE_OK;
    } else {
        if (rc == SQLITE_ROW)
            rc = SQLITE_MISUSE; /* a statement meant to return nothing returned a row */
        sti_capture(st, rc);
    }
    sti_reset(st, id);
    return rc;
}

int sti_step(store *st, enum sti_stmt id)
{
    int rc = sqlite3_step(st->stmt[id]);
    if (rc == SQLITE_ROW)
        return rc;
    if (rc != SQLITE_DONE)
        sti_capture(st, rc);
    sti_reset(st, id);
    return rc;
}

int sti_bind_text(sqlite3_stmt *s, int i, const char *v)
{
    return v ? sqlite3_bind_text(s, i, v, -1, SQLITE_STATIC) : sqlite3_bind_null(s, i);
}

/* Days since 1970-01-01 of a proleptic Gregorian date and back (H. Hinnant's algorithms), so that
 * neither direction depends on the process's time zone or on timegm(). */
static int64_t days_from_civil(int64_t y, int m, int d)
{
    y -= m <= 2;
    int64_t era = (y >= 0 ? y : y - 399) / 400;
    int64_t yoe = y - era * 400;
    int64_t doy = (153 * (m + (m > 2 ? -3 : 9)) + 2) / 5 + d - 1;
    int64_t doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
    return era * 146097 + doe - 719468;
}

static void civil_from_days(int64_t z, int *y, int *m, int *d)
{
    z += 719468;
    int64_t era = (z >= 0 ? z : z - 146096) / 146097;
    int64_t doe = z - era * 146097;
    int64_t yoe = (doe - doe / 1460 + doe / 36524 - doe / 146096) / 365;
    int64_t doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
    int64_t mp = (5 * doy + 2) / 153;
    *d = (int)(doy - (153 * mp + 2) / 5 + 1);
    *m = (int)(mp < 10 ? mp + 3 : mp - 9);
    *y = (int)(yoe + era * 400 + (*m <= 2));
}

/* Up to 9999-12-31T23:59:59.999Z, so the text always has four year digits. */
#define STI_MAX_MS INT64_C(253402300799999)

bool sti_format_time(int64_t ms, char out[STI_TIME_LEN])
{
    if (ms < 0 || ms > STI_MAX_MS)
        return false;
    int64_t days = ms / 86400000, rest = ms % 86400000;
    int y, mo, d;
    civil_from_days(days, &y, &mo, &d);
    /* Fields at fixed offsets of "YYYY-MM-DDTHH:MM:SS.mmmZ", each with its width. */
    const struct {
        int value, at, width;
    } f[] = {{y, 0, 4},
             {mo, 5, 2},
             {d, 8, 2},
             {(int)(rest / 3600000), 11, 2},
             {(int)(rest / 60000 % 60), 14, 2},
             {(int)(rest / 1000 % 60), 17, 2},
             {(int)(rest % 1000), 20, 3}};
    memcpy(out, "0000-00-00T00:00:00.000Z", STI_TIME_LEN);
    for (size_t i = 0; i < sizeof f / sizeof f[0]; i++)
        for (int k = f[i].width - 1, v = f[i].value; k >= 0; k--, v /= 10)
            out[f[i].at + k] = (char)('0' + v % 10);
    return true;
}

static bool digits(const char *s, int n, int *out)
{
    int v = 0;
    for (int i = 0; i < n; i++) {
        if (s[i] < '0' || s[i] > '9')
            return false;
        v = v * 10 + (s[i] - '0');
    }
    *out = v;
    return true;
}

bool sti_parse_time(const char *iso, int64_t *ms)
{
    int y, mo, d, h, mi, s, f;
    if (!iso || strlen(iso) != STI_TIME_LEN - 1 || iso[4] != '-' || iso[7] != '-' || iso[10] != 'T' ||
        iso[13] != ':' || iso[16] != ':' || iso[19] != '.' || iso[23] != 'Z')
        return false;
    if (!digits(iso, 4, &y) || !digits(iso + 5, 2, &mo) || !digits(iso + 8, 2, &d) || !digits(iso + 11, 2, &h) ||
        !digits(iso + 14, 2, &mi) || !digits(iso + 17, 2, &s) || !digits(iso + 20, 3, &f))
        return false;
    if (mo < 1 || mo > 12 || d < 1 || d > 31 || h > 23 || mi > 59 || s > 59)
        return false;
    *ms = ((days_from_civil(y, mo, d) * 24 + h) * 60 + mi) * 60000 + (int64_t)s * 1000 + f;
    return true;
}

bool sti_new_uuid(char out[STI_UUID_LEN])
{
    unsigned char b[16];
    size_t got = 0;
    while (got < sizeof b) {
        ssize_t n = getrandom(b + got, sizeof b - got, 0);
        if (n < 0 && errno == EINTR)
            continue;
        if (n <= 0)
            return false;
        got += (size_t)n;
    }
    b[6] = (unsigned char)((b[6] & 0x0f) | 0x40); /* version 4 */
    b[8] = (unsigned char)((b[8] & 0x3f) | 0x80); /* RFC 4122 variant */
    static const char hex[] = "0123456789abcdef";
    char *p = out;
    for (int i = 0; i < 16; i++) {
        if (i == 4 || i == 6 || i == 8 || i == 10)
            *p++ = '-';
        *p++ = hex[b[i] >> 4];
        *p++ = hex[b[i] & 15];
    }
    *p = '\0';
    return true;
}

bool sti_is_uuid(const char *s)
{
    if (!s || strlen(s) != 36)
        return false;
    for (int i = 0; i < 36; i++) {
        bool dash = i == 8 || i == 13 || i == 18 || i == 23;
        char c = s[i];
        bool hexd = (c >= '0' && c <= '9') || (c >= 'a' && c <= 'f') || (c >= 'A' && c <= 'F');
        if (dash ? c != '-' : !hexd)
            return false;
    }
    return true;
}

bool sti_is_date(const char *s)
{
    int y, m, d;
    if (!s || strlen(s) != 10 || s[4] != '-' || s[7] != '-' || !digits(s, 4, &y) || !digits(s + 5, 2, &m) ||
        !digits(s + 8, 2, &d))
        return false;
    static const int mdays[] = {31, 29, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31};
    bool leap = (y % 4 == 0 && y % 100 != 0) || y % 400 == 0;
    if (m < 1 || m > 12 || d < 1 || d > mdays[m - 1] || (m == 2 && d == 29 && !leap))
        return false;
    return true;
}

void sti_copy(char *dst, size_t cap, const char *src)
{
    snprintf(dst, cap, "%s", src ? src : "");
}
