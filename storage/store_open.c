/*
 * store_open.c - opening, checking and closing the database file.
 *
 * A file we did not just create is first inspected through a read-only connection: a corrupt,
 * foreign or too new file is refused before any read-write handle exists, so it is never
 * modified. Only then is it opened read-write, switched to WAL and migrated.
 */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "store_internal.h"

#define DEFAULT_BUSY_MS 2000
static const char SQLITE_MAGIC[16] = "SQLite format 3";

typedef struct {
    const char *path;
    const char *vfs;
    int busy_ms;
    char *err;
    size_t err_len;
} open_ctx;

static store_status open_fail(const open_ctx *c, store_status s, const char *fmt, const char *detail)
{
    if (c->err && c->err_len) {
        char why[512];
        snprintf(why, sizeof why, fmt, detail ? detail : "");
        snprintf(c->err, c->err_len, "database %s: %s", c->path, why);
    }
    return s;
}

static void fsync_parent_dir(const char *path)
{
    char dir[4096];
    const char *slash = strrchr(path, '/');
    if (!slash)
        snprintf(dir, sizeof dir, ".");
    else if (slash == path)
        snprintf(dir, sizeof dir, "/");
    else
        snprintf(dir, sizeof dir, "%.*s", (int)(slash - path), path);
    int fd = open(dir, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
    if (fd >= 0) {
        fsync(fd);
        close(fd);
    }
}

/* Creates the file ourselves so that it is 0600 from its first moment (SQLite would use the
 * umask), and makes its directory entry durable. */
static store_status create_or_find(const open_ctx *c, bool *created, off_t *size)
{
    int fd = open(c->path, O_RDWR | O_CREAT | O_EXCL | O_CLOEXEC, 0600);
    if (fd >= 0) {
        int bad = fchmod(fd, 0600) != 0 || fsync(fd) != 0;
        close(fd);
        if (bad)
            return open_fail(c, STORE_ERR_IO, "cannot set up the new file: %s", strerror(errno));
        fsync_parent_dir(c->path);
        *created = true;
        *size = 0;
        return STORE_OK;
    }
    if (errno != EEXIST)
        return open_fail(c, STORE_ERR_OPEN, "cannot create: %s", strerror(errno));
    struct stat sb;
    if (stat(c->path, &sb) != 0)
        return open_fail(c, STORE_ERR_OPEN, "cannot stat: %s", strerror(errno));
    if (!S_ISREG(sb.st_mode))
        return open_fail(c, STORE_ERR_OPEN, "not a regular file%s", NULL);
    *created = false;
    *size = sb.st_size;
    return STORE_OK;
}

/* Text files and random bytes are refused on their first 16 bytes, before SQLite sees them. */
static store_status check_magic(const open_ctx *c, off_t size)
{
    char head[16];
    int fd = open(c->path, O_RDONLY | O_CLOEXEC);
    if (fd < 0)
        return open_fail(c, STORE_ERR_OPEN, "cannot read: %s", strerror(errno));
    ssize_t n = read(fd, head, sizeof head);
    close(fd);
    if (n != (ssize_t)sizeof head || memcmp(head, SQLITE_MAGIC, sizeof head) != 0 || size < 512)
        return open_fail(c, STORE_ERR_CORRUPT, "not an SQLite database (left untouched)%s", NULL);
    return STORE_OK;
}

static bool exists_with_suffix(const char *path, const char *suffix)
{
    char p[4200];
    struct stat sb;
    snprintf(p, sizeof p, "%s%s", path, suffix);
    return stat(p, &sb) == 0;
}

/* "file:" URI of the path with everything but unreserved characters percent-encoded. */
static char *immutable_uri(const char *path)
{
    size_t n = strlen(path);
    char *uri = malloc(n * 3 + 32);
    if (!uri)
        return NULL;
    char *p = uri + sprintf(uri, "file:");
    for (const unsigned char *s = (const unsigned char *)path; *s; s++) {
        if ((*s >= 'a' && *s <= 'z') || (*s >= 'A' && *s <= 'Z') || (*s >= '0' && *s <= '9') || strchr("/-._~", *s))
            *p++ = (char)*s;
        else
            p += sprintf(p, "%%%02X", *s);
    }
    strcpy(p, "?immutable=1");
    return uri;
}

/* Without a -wal file the main file holds the whole database, and immutable=1 reads it without
 * creating -wal or -shm beside a file that may not be ours. With a -wal file (ours after a
 * crash, say) the committed frames in it must be read, through an ordinary read-only handle. */
static int open_readonly(const open_ctx *c, sqlite3 **db)
{
    int flags = SQLITE_OPEN_READONLY | SQLITE_OPEN_EXRESCODE;
    if (exists_with_suffix(c->path, "-wal"))
        return sqlite3_open_v2(c->path, db, flags, c->vfs);
    char *uri = immutable_uri(c->path);
    if (!uri)
        return SQLITE_NOMEM;
    int rc = sqlite3_open_v2(uri, db, flags | SQLITE_OPEN_URI, c->vfs);
    free(uri);
    return rc;
}

static int query_int(sqlite3 *db, const char *sql, int64_t *out)
{
    sqlite3_stmt *s = NULL;
    int rc = sqlite3_prepare_v2(db, sql, -1, &s, NULL);
    if (rc == SQLITE_OK && (rc = sqlite3_step(s)) == SQLITE_ROW) {
        *out = sqlite3_column_int64(s, 0);
        rc = SQLITE_OK;
    }
    sqlite3_finalize(s);
    return rc;
}

/* Reads the first row of PRAGMA quick_check: "ok" or the first problem found. */
static int quick_check(sqlite3 *db, char *result, size_t len)
{
    sqlite3_stmt *s = NULL;
    int rc = sqlite3_prepare_v2(db, "PRAGMA quick_check(1)", -1, &s, NULL);
    if (rc == SQLITE_OK && (rc = sqlite3_step(s)) == SQLITE_ROW) {
        snprintf(result, len, "%s", (const char *)sqlite3_column_text(s, 0));
        rc = SQLITE_OK;
    }
    sqlite3_finalize(s);
    return rc;
}

static store_status inspect_failed(const open_ctx *c, sqlite3 *db, int rc)
{
    store_status s = sti_status_from_rc(rc);
    if (s == STORE_ERR_INTERNAL || s == STORE_ERR_INVALID)
        s = STORE_ERR_CORRUPT; /* e.g. an unreadable schema in a file with a valid header */
    return open_fail(c, s, s == STORE_ERR_CORRUPT ? "damaged database (left untouched): %s" : "cannot read: %s",
                     sqlite3_errmsg(db));
}

static store_status classify(const open_ctx *c, sqlite3 *db)
{
    int64_t app = 0, version = 0, objects = 0;
    int rc = query_int(db, "PRAGMA application_id", &app);
    if (rc == SQLITE_OK)
        rc = query_int(db, "PRAGMA user_version", &version);
    if (rc == SQLITE_OK)
        rc = query_int(db, "SELECT count(*) FROM sqlite_schema", &objects);
    if (rc != SQLITE_OK)
        return inspect_failed(c, db, rc);
    bool fresh = app == 0 && version == 0 && objects == 0;
    if (!fresh && app != STI_APPLICATION_ID)
        return open_fail(c, STORE_ERR_FOREIGN, "an SQLite database of another application (left untouched)%s", NULL);
    if (version > sti_current_version()) {
        char why[96];
        snprintf(why, sizeof why, "schema version %lld is newer than this build's %d", (long long)version,
                 sti_current_version());
        return open_fail(c, STORE_ERR_TOO_NEW, "written by a newer qlq-kiosk (left untouched): %s", why);
    }
    if (version == 0 && objects > 0)
        return open_fail(c, STORE_ERR_CORRUPT, "tables present but no schema version (left untouched)%s", NULL);
    char result[200];
    rc = quick_check(db, result, sizeof result);
    if (rc != SQLITE_OK)
        return inspect_failed(c, db, rc);
    if (strcmp(result, "ok") != 0)
        return open_fail(c, STORE_ERR_CORRUPT, "damaged database (left untouched): %s", result);
    return STORE_OK;
}

static store_status inspect(const open_ctx *c)
{
    sqlite3 *db = NULL;
    int rc = open_readonly(c, &db);
    store_status s;
    if (rc != SQLITE_OK) {
        s = sti_status_from_rc(rc);
        s = open_fail(c, s == STORE_ERR_INTERNAL ? STORE_ERR_OPEN : s, "cannot open: %s",
                      db ? sqlite3_errmsg(db) : sqlite3_errstr(rc));
    } else {
        sqlite3_busy_timeout(db, c->busy_ms);
        s = classify(c, db);
    }
    sqlite3_close_v2(db);
    return s;
}

/* Patient data: a file of ours that an older tool left group- or world-readable is narrowed. */
static void tighten_modes(const char *path)
{
    static const char *const suffixes[] = {"", "-wal", "-shm"};
    for (size_t i = 0; i < sizeof suffixes / sizeof suffixes[0]; i++) {
        char p[4200];
        struct stat sb;
        snprintf(p, sizeof p, "%s%s", path, suffixes[i]);
        if (stat(p, &sb) == 0 && (sb.st_mode & 077))
            chmod(p, 0600);
    }
}

static int exec_expect(sqlite3 *db, const char *sql, const char *want)
{
    sqlite3_stmt *s = NULL;
    int rc = sqlite3_prepare_v2(db, sql, -1, &s, NULL);
    if (rc == SQLITE_OK) {
        rc = sqlite3_step(s);
        if (rc == SQLITE_ROW && want && sqlite3_stricmp((const char *)sqlite3_column_text(s, 0), want) != 0)
            rc = SQLITE_CANTOPEN; /* the setting did not take: refuse rather than run without it */
        else if (rc == SQLITE_ROW || rc == SQLITE_DONE)
            rc = SQLITE_OK;
    }
    sqlite3_finalize(s);
    return rc;
}

static store_status configure(const open_ctx *c, sqlite3 *db)
{
    sqlite3_extended_result_codes(db, 1);
    sqlite3_busy_timeout(db, c->busy_ms);
    sqlite3_db_config(db, SQLITE_DBCONFIG_DEFENSIVE, 1, NULL);
    int rc = exec_expect(db, "PRAGMA foreign_keys = ON", NULL);
    if (rc == SQLITE_OK)
        rc = exec_expect(db, "PRAGMA foreign_keys", "1");
    if (rc == SQLITE_OK)
        rc = exec_expect(db, "PRAGMA journal_mode = WAL", "wal");
    if (rc == SQLITE_OK)
        rc = exec_expect(db, "PRAGMA synchronous = FULL", NULL);
    if (rc != SQLITE_OK)
        return open_fail(c, sti_status_from_rc(rc), "cannot configure (WAL, synchronous, foreign keys): %s",
                         sqlite3_errmsg(db));
    return STORE_OK;
}

static store_status open_readwrite(const open_ctx *c, store *st)
{
    int rc = sqlite3_open_v2(c->path, &st->db, SQLITE_OPEN_READWRITE | SQLITE_OPEN_EXRESCODE, c->vfs);
    if (rc != SQLITE_OK) {
        store_status s = sti_status_from_rc(rc);
        return open_fail(c, s == STORE_ERR_INTERNAL ? STORE_ERR_OPEN : s, "cannot open: %s",
                         st->db ? sqlite3_errmsg(st->db) : sqlite3_errstr(rc));
    }
    store_status s = configure(c, st->db);
    if (s != STORE_OK)
        return s;
    char why[300];
    s = sti_migrate(st->db, why, sizeof why);
    if (s != STORE_OK)
        return open_fail(c, s, "%s", why);
    s = sti_prepare_all(st);
    if (s != STORE_OK)
        return open_fail(c, s, "%s", st->err);
    return STORE_OK;
}

store_status store_open(const char *path, const store_options *opt, store **out, char *err, size_t err_len)
{
    open_ctx c = {.path = path ? path : "(null)", .err = err, .err_len = err_len, .busy_ms = DEFAULT_BUSY_MS};
    if (err && err_len)
        err[0] = '\0';
    if (!out || !path || !*path)
        return open_fail(&c, STORE_ERR_INVALID, "no path or no result pointer given%s", NULL);
    *out = NULL;
    if (opt && opt->busy_timeout_ms > 0)
        c.busy_ms = opt->busy_timeout_ms;
    c.vfs = opt ? opt->vfs_name : NULL;
    if (c.vfs && !sqlite3_vfs_find(c.vfs))
        return open_fail(&c, STORE_ERR_OPEN, "no SQLite VFS named %s", c.vfs);
    bool created = false;
    off_t size = 0;
    store_status s = create_or_find(&c, &created, &size);
    if (s == STORE_OK && !created && size > 0) {
        s = check_magic(&c, size);
        if (s == STORE_OK)
            s = inspect(&c);
    }
    if (s == STORE_OK && !created)
        tighten_modes(path);
    if (s != STORE_OK)
        return s;
    store *st = calloc(1, sizeof *st);
    if (!st)
        return open_fail(&c, STORE_ERR_INTERNAL, "out of memory%s", NULL);
    s = open_readwrite(&c, st);
    if (s != STORE_OK) {
        store_close(st);
        return s;
    }
    *out = st;
    return STORE_OK;
}

void store_close(store *st)
{
    if (!st)
        return;
    for (int i = 0; i < STI_STMT_COUNT; i++)
        sqlite3_finalize(st->stmt[i]);
    sqlite3_close_v2(st->db);
    free(st);
}

const char *store_error(const store *st)
{
    if (!st)
        return "no store";
    return st->err[0] ? st->err : "no error";
}

const char *store_status_name(store_status s)
{
    static const char *const names[] = {
        [STORE_OK] = "STORE_OK",
        [STORE_ERR_OPEN] = "STORE_ERR_OPEN",
        [STORE_ERR_CORRUPT] = "STORE_ERR_CORRUPT",
        [STORE_ERR_FOREIGN] = "STORE_ERR_FOREIGN",
        [STORE_ERR_TOO_NEW] = "STORE_ERR_TOO_NEW",
        [STORE_ERR_FULL] = "STORE_ERR_FULL",
        [STORE_ERR_IO] = "STORE_ERR_IO",
        [STORE_ERR_BUSY] = "STORE_ERR_BUSY",
        [STORE_ERR_NOT_FOUND] = "STORE_ERR_NOT_FOUND",
        [STORE_ERR_INVALID] = "STORE_ERR_INVALID",
        [STORE_ERR_INTERNAL] = "STORE_ERR_INTERNAL",
    };
    if ((unsigned)s < sizeof names / sizeof names[0] && names[s])
        return names[s];
    return "STORE_ERR_UNKNOWN";
}
