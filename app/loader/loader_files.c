/*
 * loader_files.c - reading a data file from disk, picking it by language, and finding the assets
 * folder.
 */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "loader_internal.h"

#ifndef QLQ_INSTALLED_ASSETS_DIR
#error "QLQ_INSTALLED_ASSETS_DIR must be defined by the build"
#endif
#ifndef QLQ_SOURCE_ASSETS_DIR
#error "QLQ_SOURCE_ASSETS_DIR must be defined by the build"
#endif

enum { PATH_SIZE = 4096 };

static int read_all(const ldr_ctx *c, int fd, char **buf, size_t *len)
{
    /* One byte past the cap tells "exactly at the limit" from "over it". */
    char *p = malloc((size_t)LDR_MAX_BYTES + 1);
    if (p == NULL)
        return ldr_fail(c, "out of memory");
    size_t n = 0;
    while (n <= (size_t)LDR_MAX_BYTES) {
        ssize_t r = read(fd, p + n, (size_t)LDR_MAX_BYTES + 1 - n);
        if (r == 0)
            break;
        if (r < 0) {
            if (errno == EINTR)
                continue;
            int e = errno;
            free(p);
            return ldr_fail(c, "cannot read: %s", strerror(e));
        }
        n += (size_t)r;
    }
    if (n > (size_t)LDR_MAX_BYTES) {
        free(p);
        return ldr_fail(c, "file too large (more than %d bytes)", (int)LDR_MAX_BYTES);
    }
    *buf = p;
    *len = n;
    return 0;
}

static int read_file(const ldr_ctx *c, const char *path, char **buf, size_t *len)
{
    /* O_NONBLOCK: a FIFO at this path must give an error, not hang the kiosk at start. */
    int fd = open(path, O_RDONLY | O_CLOEXEC | O_NONBLOCK);
    if (fd < 0)
        return ldr_fail(c, "cannot open: %s", strerror(errno));
    struct stat st;
    int rc;
    if (fstat(fd, &st) != 0)
        rc = ldr_fail(c, "cannot read: %s", strerror(errno));
    else if (S_ISDIR(st.st_mode))
        rc = ldr_fail(c, "cannot read: it is a directory");
    else if (!S_ISREG(st.st_mode))
        rc = ldr_fail(c, "cannot read: not a regular file");
    else if (st.st_size > LDR_MAX_BYTES)
        rc = ldr_fail(c, "file too large (%lld bytes; the limit is %d)", (long long)st.st_size,
                      (int)LDR_MAX_BYTES);
    else
        rc = read_all(c, fd, buf, len);
    close(fd);
    return rc;
}

int qlq_loader_load_file(const char *path, qlq_questionnaire *out, qlq_load_error *err)
{
    ldr_ctx c;
    ldr_ctx_init(&c, path, err);
    if (out != NULL)
        memset(out, 0, sizeof *out);
    if (path == NULL || out == NULL)
        return ldr_fail(&c, "internal error: no path or no questionnaire to fill");
    char *buf = NULL;
    size_t len = 0;
    if (read_file(&c, path, &buf, &len) != 0)
        return -1;
    int rc = qlq_loader_parse(path, buf, len, out, err);
    free(buf);
    return rc;
}

int qlq_loader_load_language(const char *assets_dir, const char *lang, qlq_questionnaire *out,
                             qlq_load_error *err)
{
    ldr_ctx c;
    ldr_ctx_init(&c, "questionnaire", err);
    if (out != NULL)
        memset(out, 0, sizeof *out);
    if (out == NULL)
        return ldr_fail(&c, "internal error: no questionnaire to fill");
    /* Checked before it goes into a path: "../x" must not pick some other file. */
    if (!ldr_known_language(lang)) {
        char shown[64];
        ldr_printable(shown, sizeof shown, lang != NULL ? lang : "(none)");
        return ldr_fail(&c, "unknown language \"%s\" asked (known: " LDR_LANGUAGES ")", shown);
    }
    const char *dir = assets_dir != NULL ? assets_dir : qlq_loader_assets_dir(NULL);
    if (dir == NULL)
        return ldr_fail(&c, "no assets folder with questionnaires/ found (tried $QLQ_ASSETS_DIR, %s, %s)",
                        QLQ_INSTALLED_ASSETS_DIR, QLQ_SOURCE_ASSETS_DIR);
    char path[PATH_SIZE];
    if ((size_t)snprintf(path, sizeof path, "%s/questionnaires/qlq-c30.%s.json", dir, lang) >= sizeof path)
        return ldr_fail(&c, "assets folder path too long");
    if (qlq_loader_load_file(path, out, err) != 0)
        return -1;
    if (strcmp(out->language, lang) != 0) {
        ldr_ctx_init(&c, path, err);
        ldr_fail_field(&c, LDR_TOP, "language", "the file is for \"%s\" but \"%s\" was asked", out->language,
                       lang);
        qlq_questionnaire_free(out);
        return -1;
    }
    return 0;
}

static bool has_questionnaires(const char *dir)
{
    char path[PATH_SIZE];
    if (dir == NULL || dir[0] == '\0')
        return false;
    if ((size_t)snprintf(path, sizeof path, "%s/questionnaires", dir) >= sizeof path)
        return false;
    struct stat st;
    return stat(path, &st) == 0 && S_ISDIR(st.st_mode);
}

/* The environment's value is copied: a later setenv() may free the string getenv() returned. The
 * copy is static, so the result is valid until the next call and the function is not thread-safe;
 * the kiosk calls it once at start. When `explicit_dir` is chosen the same pointer comes back, which
 * lets a caller tell that its --assets was used rather than passed over. */
const char *qlq_loader_assets_dir(const char *explicit_dir)
{
    static char env_copy[PATH_SIZE];
    if (has_questionnaires(explicit_dir))
        return explicit_dir;
    const char *env = getenv("QLQ_ASSETS_DIR");
    if (env != NULL && strlen(env) < sizeof env_copy && has_questionnaires(env)) {
        memcpy(env_copy, env, strlen(env) + 1);
        return env_copy;
    }
    if (has_questionnaires(QLQ_INSTALLED_ASSETS_DIR))
        return QLQ_INSTALLED_ASSETS_DIR;
    if (has_questionnaires(QLQ_SOURCE_ASSETS_DIR))
        return QLQ_SOURCE_ASSETS_DIR;
    return NULL;
}
