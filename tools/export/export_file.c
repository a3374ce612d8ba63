/*
 * export_file.c - one file of the export: buffered writes that check every error (a full USB stick
 * must fail the export, never leave a short file behind), fsync before close, and a SHA-256 of
 * exactly the bytes written for the manifest.
 */
#include <errno.h>
#include <fcntl.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <openssl/evp.h>

#include "export.h"

struct exp_file {
    int fd;
    char rel[EXP_REL_LEN];
    EVP_MD_CTX *md;
    size_t used;
    unsigned char buf[EXP_BUF_LEN];
};

static void exp_vfail(exp_error *e, int errnum, const char *fmt, va_list ap)
{
    if (exp_failed(e))
        return;
    int n = vsnprintf(e->msg, sizeof e->msg, fmt, ap);
    if (errnum == 0 || n < 0 || (size_t)n >= sizeof e->msg)
        return;
    const char *hint = "";
    if (errnum == ENOSPC || errnum == EDQUOT)
        hint = " (disk full)";
    snprintf(e->msg + n, sizeof e->msg - (size_t)n, ": %s%s", strerror(errnum), hint);
}

void exp_fail(exp_error *e, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    exp_vfail(e, 0, fmt, ap);
    va_end(ap);
}

void exp_fail_errno(exp_error *e, int errnum, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    exp_vfail(e, errnum, fmt, ap);
    va_end(ap);
}

bool exp_failed(const exp_error *e)
{
    return e->msg[0] != '\0';
}

exp_file *exp_file_create(int dirfd, const char *rel, exp_error *e)
{
    exp_file *f = calloc(1, sizeof *f);
    if (f == NULL) {
        exp_fail(e, "out of memory");
        return NULL;
    }
    f->fd = -1;
    snprintf(f->rel, sizeof f->rel, "%s", rel);
    f->md = EVP_MD_CTX_new();
    if (f->md == NULL || EVP_DigestInit_ex(f->md, EVP_sha256(), NULL) != 1) {
        exp_fail(e, "cannot start a SHA-256 digest (OpenSSL)");
        exp_file_discard(f);
        return NULL;
    }
    f->fd = openat(dirfd, rel, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0600);
    if (f->fd < 0) {
        exp_fail_errno(e, errno, "cannot create %s", rel);
        exp_file_discard(f);
        return NULL;
    }
    return f;
}

static bool exp_file_flush(exp_file *f, exp_error *e)
{
    size_t done = 0;
    while (done < f->used) {
        ssize_t n = write(f->fd, f->buf + done, f->used - done);
        if (n < 0 && errno == EINTR)
            continue;
        if (n <= 0) {
            exp_fail_errno(e, n < 0 ? errno : EIO, "cannot write %s", f->rel);
            return false;
        }
        done += (size_t)n;
    }
    f->used = 0;
    return true;
}

bool exp_file_write(exp_file *f, const void *data, size_t len, exp_error *e)
{
    if (EVP_DigestUpdate(f->md, data, len) != 1) {
        exp_fail(e, "SHA-256 of %s failed (OpenSSL)", f->rel);
        return false;
    }
    const unsigned char *p = data;
    while (len > 0) {
        if (f->used == sizeof f->buf && !exp_file_flush(f, e))
            return false;
        size_t take = sizeof f->buf - f->used;
        if (take > len)
            take = len;
        memcpy(f->buf + f->used, p, take);
        f->used += take;
        p += take;
        len -= take;
    }
    return true;
}

bool exp_file_puts(exp_file *f, const char *s, exp_error *e)
{
    return exp_file_write(f, s, strlen(s), e);
}

static bool exp_file_hex(exp_file *f, char hex[EXP_HEX_LEN], exp_error *e)
{
    unsigned char digest[EVP_MAX_MD_SIZE];
    unsigned int len = 0;
    if (EVP_DigestFinal_ex(f->md, digest, &len) != 1 || len != 32) {
        exp_fail(e, "SHA-256 of %s failed (OpenSSL)", f->rel);
        return false;
    }
    for (unsigned int i = 0; i < len; i++)
        snprintf(hex + 2 * i, 3, "%02x", digest[i]);
    return true;
}

bool exp_file_finish(exp_file *f, exp_manifest *m, exp_error *e)
{
    bool ok = exp_file_flush(f, e);
    if (ok && fsync(f->fd) != 0) {
        exp_fail_errno(e, errno, "cannot save %s to disk (fsync)", f->rel);
        ok = false;
    }
    /* close() can report a deferred write error (NFS, some USB file systems): it counts. */
    int fd = f->fd;
    f->fd = -1;
    if (close(fd) != 0 && ok) {
        exp_fail_errno(e, errno, "cannot close %s", f->rel);
        ok = false;
    }
    char hex[EXP_HEX_LEN];
    if (ok && m != NULL)
        ok = exp_file_hex(f, hex, e) && exp_manifest_add(m, f->rel, hex, e);
    exp_file_discard(f);
    return ok;
}

void exp_file_discard(exp_file *f)
{
    if (f == NULL)
        return;
    if (f->fd >= 0)
        close(f->fd);
    EVP_MD_CTX_free(f->md);
    free(f);
}
