/*
 * export_folder.c - the export folder appears under its final name only once it is complete.
 *
 * Everything is written into a hidden ".qlq-export-<stamp>.partial" folder next to the final one
 * (same file system, so the rename is atomic), every file and the folder are fsynced, the folder
 * is renamed to "qlq-export-<stamp>" and the parent is fsynced. A pulled USB stick or a power cut
 * therefore leaves either a complete export or a hidden partial folder, never a short export that
 * looks whole; on an error we remove the partial folder ourselves.
 */
#define _GNU_SOURCE /* renameat2(RENAME_NOREPLACE): never replace a folder that appeared meanwhile */
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include "export.h"

enum { EXP_MAX_SUFFIX = 1000, EXP_TREE_DEPTH = 2 };

static const char EXP_PREFIX[] = "qlq-export-";
static const char EXP_FHIR_DIR[] = "fhir";

/* n == 1 is the plain name; later tries get "-2", "-3", ... */
static void exp_folder_name(char *out, size_t len, bool hidden, const char *stamp, int n)
{
    const char *dot = hidden ? "." : "";
    const char *tail = hidden ? ".partial" : "";
    if (n <= 1)
        snprintf(out, len, "%s%s%s%s", dot, EXP_PREFIX, stamp, tail);
    else
        snprintf(out, len, "%s%s%s-%d%s", dot, EXP_PREFIX, stamp, n, tail);
}

static bool exp_open_parent(exp_folder *fo, const char *parent, exp_error *e)
{
    size_t len = strlen(parent);
    while (len > 1 && parent[len - 1] == '/')
        len--;
    if (len == 0 || len >= sizeof fo->parent - EXP_REL_LEN - 2) {
        exp_fail(e, "the output folder path is empty or too long");
        return false;
    }
    memcpy(fo->parent, parent, len);
    fo->parent[len] = '\0';
    fo->parent_fd = open(fo->parent, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
    if (fo->parent_fd >= 0)
        return true;
    if (errno == ENOENT)
        exp_fail(e, "the output folder %s does not exist", fo->parent);
    else if (errno == ENOTDIR)
        exp_fail(e, "%s is not a folder", fo->parent);
    else
        exp_fail_errno(e, errno, "cannot open the output folder %s", fo->parent);
    return false;
}

static bool exp_make_partial(exp_folder *fo, exp_error *e)
{
    for (int n = 1; n <= EXP_MAX_SUFFIX; n++) {
        exp_folder_name(fo->partial, sizeof fo->partial, true, fo->stamp, n);
        if (mkdirat(fo->parent_fd, fo->partial, 0700) == 0)
            return true;
        int err = errno;
        if (err == EEXIST)
            continue;
        fo->partial[0] = '\0';
        if (err == EACCES || err == EPERM || err == EROFS)
            exp_fail(e, "the output folder %s is not writable", fo->parent);
        else
            exp_fail_errno(e, err, "cannot create a folder in %s", fo->parent);
        return false;
    }
    fo->partial[0] = '\0';
    exp_fail(e, "too many exports in %s within one second", fo->parent);
    return false;
}

static int exp_open_dir_at(int dirfd, const char *name)
{
    return openat(dirfd, name, O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC);
}

void exp_folder_init(exp_folder *fo)
{
    memset(fo, 0, sizeof *fo);
    fo->parent_fd = fo->dir_fd = fo->fhir_fd = -1;
}

bool exp_folder_begin(exp_folder *fo, const char *parent, int64_t now_s, exp_error *e)
{
    exp_folder_init(fo);
    time_t t = (time_t)now_s;
    struct tm tm;
    if (gmtime_r(&t, &tm) == NULL || strftime(fo->stamp, sizeof fo->stamp, "%Y%m%dT%H%M%SZ", &tm) == 0) {
        exp_fail(e, "the system clock is out of range");
        return false;
    }
    if (!exp_open_parent(fo, parent, e) || !exp_make_partial(fo, e))
        return false;
    fo->dir_fd = exp_open_dir_at(fo->parent_fd, fo->partial);
    if (fo->dir_fd < 0) {
        exp_fail_errno(e, errno, "cannot open the folder %s just created in %s", fo->partial, fo->parent);
        return false;
    }
    if (mkdirat(fo->dir_fd, EXP_FHIR_DIR, 0700) != 0 || (fo->fhir_fd = exp_open_dir_at(fo->dir_fd, EXP_FHIR_DIR)) < 0) {
        exp_fail_errno(e, errno, "cannot create the fhir folder in %s", fo->parent);
        return false;
    }
    return true;
}

static bool exp_sync_dir(int fd, const char *what, exp_error *e)
{
    if (fsync(fd) == 0)
        return true;
    exp_fail_errno(e, errno, "cannot save %s to disk (fsync)", what);
    return false;
}

/* 0 on success, else errno. EEXIST or ENOTEMPTY: the name is taken, try the next one. */
static int exp_rename_noreplace(exp_folder *fo, const char *to)
{
    if (renameat2(fo->parent_fd, fo->partial, fo->parent_fd, to, RENAME_NOREPLACE) == 0)
        return 0;
    if (errno != EINVAL && errno != ENOSYS)
        return errno;
    /* A file system without RENAME_NOREPLACE: check first. The window is tiny and only another
     * export started in the same second could use it. */
    struct stat st;
    if (fstatat(fo->parent_fd, to, &st, AT_SYMLINK_NOFOLLOW) == 0)
        return EEXIST;
    return renameat(fo->parent_fd, fo->partial, fo->parent_fd, to) == 0 ? 0 : errno;
}

static bool exp_rename_final(exp_folder *fo, char *final_name, size_t len, exp_error *e)
{
    for (int n = 1; n <= EXP_MAX_SUFFIX; n++) {
        exp_folder_name(final_name, len, false, fo->stamp, n);
        int err = exp_rename_noreplace(fo, final_name);
        if (err == 0)
            return true;
        if (err != EEXIST && err != ENOTEMPTY) {
            exp_fail_errno(e, err, "cannot rename the finished export in %s", fo->parent);
            return false;
        }
    }
    exp_fail(e, "too many exports in %s within one second", fo->parent);
    return false;
}

bool exp_folder_commit(exp_folder *fo, exp_error *e)
{
    if (!exp_manifest_write(&fo->manifest, fo->dir_fd, e) || !exp_sync_dir(fo->fhir_fd, "the fhir folder", e) ||
        !exp_sync_dir(fo->dir_fd, "the export folder", e))
        return false;
    char final_name[EXP_REL_LEN];
    if (!exp_rename_final(fo, final_name, sizeof final_name, e))
        return false;
    if (!exp_sync_dir(fo->parent_fd, "the output folder", e)) {
        /* Not durable: take the complete-looking name away again so abort removes it. */
        if (renameat(fo->parent_fd, final_name, fo->parent_fd, fo->partial) != 0)
            exp_fail(e, "cannot undo the export %s/%s", fo->parent, final_name);
        return false;
    }
    const char *sep = strcmp(fo->parent, "/") == 0 ? "" : "/";
    snprintf(fo->final_path, sizeof fo->final_path, "%s%s%s", fo->parent, sep, final_name);
    fo->partial[0] = '\0';
    return true;
}

/* Removes `name` in `dirfd` with its contents, descending at most `depth` folders. Best effort:
 * this runs after a failure that has already been reported. */
static void exp_remove_tree(int dirfd, const char *name, int depth)
{
    int fd = exp_open_dir_at(dirfd, name);
    DIR *d = fd >= 0 ? fdopendir(fd) : NULL;
    if (d == NULL) {
        if (fd >= 0)
            close(fd);
    } else {
        struct dirent *de;
        while ((de = readdir(d)) != NULL) {
            if (strcmp(de->d_name, ".") == 0 || strcmp(de->d_name, "..") == 0)
                continue;
            if (unlinkat(fd, de->d_name, 0) != 0 && depth > 0)
                exp_remove_tree(fd, de->d_name, depth - 1);
        }
        closedir(d);
    }
    unlinkat(dirfd, name, AT_REMOVEDIR);
}

void exp_folder_abort(exp_folder *fo)
{
    if (fo->parent_fd < 0 || fo->partial[0] == '\0')
        return;
    exp_remove_tree(fo->parent_fd, fo->partial, EXP_TREE_DEPTH);
    fsync(fo->parent_fd);
    fo->partial[0] = '\0';
}

void exp_folder_free(exp_folder *fo)
{
    int *fds[] = {&fo->fhir_fd, &fo->dir_fd, &fo->parent_fd};
    for (size_t i = 0; i < sizeof fds / sizeof fds[0]; i++) {
        if (*fds[i] >= 0)
            close(*fds[i]);
        *fds[i] = -1;
    }
    exp_manifest_free(&fo->manifest);
}
