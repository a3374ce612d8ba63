/*
 * fsync_shim.c - an LD_PRELOAD shim for the qlq-export tests: logs every fsync (with the path of
 * the descriptor) and every rename, so a test can check the order that makes the export atomic
 * and durable; and makes fsync fail with EIO on paths ending with a chosen text.
 *   QLQ_SHIM_LOG=<file>        append "fsync <path>" / "rename <from> <to>" lines
 *   QLQ_SHIM_FAIL_FSYNC=<text> fsync of a path ending with <text> fails with EIO
 */
#define _GNU_SOURCE
#include <dlfcn.h>
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

static void shim_log(const char *what, const char *a, const char *b)
{
    const char *log = getenv("QLQ_SHIM_LOG");
    if (log == NULL)
        return;
    char line[8192];
    int n = snprintf(line, sizeof line, "%s %s%s%s\n", what, a, b ? " " : "", b ? b : "");
    int fd = open(log, O_WRONLY | O_CREAT | O_APPEND | O_CLOEXEC, 0600);
    if (fd < 0)
        return;
    if (n > 0 && write(fd, line, (size_t)n) < 0)
        n = 0;
    close(fd);
}

static void shim_fd_path(int fd, char *out, size_t len)
{
    char link[64];
    snprintf(link, sizeof link, "/proc/self/fd/%d", fd);
    ssize_t n = readlink(link, out, len - 1);
    out[n > 0 ? n : 0] = '\0';
}

/* A path relative to `dirfd`, made absolute for the log. */
static void shim_at_path(int dirfd, const char *name, char *out, size_t len)
{
    char dir[4096];
    shim_fd_path(dirfd, dir, sizeof dir);
    snprintf(out, len, "%s/%s", dir, name);
}

int fsync(int fd)
{
    static int (*real)(int);
    if (real == NULL)
        real = (int (*)(int))dlsym(RTLD_NEXT, "fsync");
    char path[4096];
    shim_fd_path(fd, path, sizeof path);
    const char *fail = getenv("QLQ_SHIM_FAIL_FSYNC");
    size_t n = strlen(path), k = fail != NULL ? strlen(fail) : 0;
    if (k > 0 && n >= k && strcmp(path + n - k, fail) == 0) {
        shim_log("fsync-failed", path, NULL);
        errno = EIO;
        return -1;
    }
    int rc = real(fd);
    if (rc == 0)
        shim_log("fsync", path, NULL);
    return rc;
}

int renameat2(int olddirfd, const char *oldpath, int newdirfd, const char *newpath, unsigned int flags)
{
    static int (*real)(int, const char *, int, const char *, unsigned int);
    if (real == NULL)
        real = (int (*)(int, const char *, int, const char *, unsigned int))dlsym(RTLD_NEXT, "renameat2");
    char from[8192], to[8192];
    shim_at_path(olddirfd, oldpath, from, sizeof from);
    shim_at_path(newdirfd, newpath, to, sizeof to);
    int rc = real(olddirfd, oldpath, newdirfd, newpath, flags);
    if (rc == 0)
        shim_log("rename", from, to);
    return rc;
}

int renameat(int olddirfd, const char *oldpath, int newdirfd, const char *newpath)
{
    return renameat2(olddirfd, oldpath, newdirfd, newpath, 0);
}
