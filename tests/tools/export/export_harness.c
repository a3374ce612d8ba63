/* export_harness.c - child processes, temp folders, files and hashes for the export tests. */
#define _GNU_SOURCE /* nftw's FTW_DEPTH | FTW_PHYS, prctl */
#include "export_harness.h"

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <ftw.h>
#include <linux/capability.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/prctl.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include <openssl/evp.h>

static void hx_die(const char *what)
{
    fprintf(stderr, "export harness: %s: %s\n", what, strerror(errno));
    abort();
}

static void hx_child_env(const hx_run_options *opt)
{
    for (size_t i = 0; opt != NULL && i < sizeof opt->env / sizeof opt->env[0] && opt->env[i] != NULL; i++)
        putenv((char *)opt->env[i]);
    if (opt == NULL || opt->preload == NULL)
        return;
    setenv("LD_PRELOAD", opt->preload, 1);
    /* In sanitizer builds the shim comes before the ASan runtime; tell ASan that is intended. */
    static char asan[1024];
    const char *old = getenv("ASAN_OPTIONS");
    snprintf(asan, sizeof asan, "%s%sverify_asan_link_order=0", old ? old : "", old && old[0] ? ":" : "");
    setenv("ASAN_OPTIONS", asan, 1);
}

static void hx_child(char *const argv[], const hx_run_options *opt, const char *out, const char *err)
{
    int o = open(out, O_WRONLY | O_CREAT | O_TRUNC, 0600);
    int e = open(err, O_WRONLY | O_CREAT | O_TRUNC, 0600);
    if (o < 0 || e < 0 || dup2(o, 1) < 0 || dup2(e, 2) < 0)
        _exit(126);
    if (opt != NULL && opt->drop_dac && geteuid() == 0 &&
        (prctl(PR_CAPBSET_DROP, CAP_DAC_OVERRIDE, 0, 0, 0) != 0 ||
         prctl(PR_CAPBSET_DROP, CAP_DAC_READ_SEARCH, 0, 0, 0) != 0))
        _exit(HX_SKIP_STATUS);
    if (opt != NULL && opt->fsize_limit > 0) {
        /* Without the signal ignored the child would be killed; ignored, write() fails with EFBIG,
         * which is what qlq-export must handle. SIG_IGN survives exec. */
        struct rlimit rl = {opt->fsize_limit, opt->fsize_limit};
        if (signal(SIGXFSZ, SIG_IGN) == SIG_ERR || setrlimit(RLIMIT_FSIZE, &rl) != 0)
            _exit(126);
    }
    hx_child_env(opt);
    execv(argv[0], argv);
    _exit(127);
}

void hx_run(char *const argv[], const hx_run_options *opt, hx_result *res)
{
    char dir[HX_PATH], out[HX_PATH], err[HX_PATH];
    hx_tempdir(dir);
    hx_join(out, dir, "stdout");
    hx_join(err, dir, "stderr");
    fflush(NULL);
    pid_t pid = fork();
    if (pid < 0)
        hx_die("fork");
    if (pid == 0)
        hx_child(argv, opt, out, err);
    int st = 0;
    while (waitpid(pid, &st, 0) < 0) {
        if (errno != EINTR)
            hx_die("waitpid");
    }
    res->status = WIFEXITED(st) ? WEXITSTATUS(st) : 128 + WTERMSIG(st);
    res->out = hx_read(out, NULL);
    res->err = hx_read(err, NULL);
    if (res->out == NULL || res->err == NULL)
        hx_die("reading the child's output");
    hx_rmtree(dir);
}

void hx_export(const char *db, const char *out, const hx_run_options *opt, hx_result *res)
{
    char *argv[] = {(char *)QLQ_EXPORT_BIN, (char *)"--db", (char *)db, (char *)"--out", (char *)out, NULL};
    hx_run(argv, opt, res);
}

void hx_result_free(hx_result *res)
{
    free(res->out);
    free(res->err);
    res->out = res->err = NULL;
}

void hx_tempdir(char out[HX_PATH])
{
    const char *base = getenv("TMPDIR");
    snprintf(out, HX_PATH, "%s/qlq-export-test-XXXXXX", base != NULL && base[0] ? base : "/tmp");
    if (mkdtemp(out) == NULL)
        hx_die("mkdtemp");
}

static int hx_remove_one(const char *path, const struct stat *st, int flag, struct FTW *ftw)
{
    (void)st;
    (void)flag;
    (void)ftw;
    remove(path);
    return 0;
}

void hx_rmtree(const char *path)
{
    /* Folders a test made read-only must become writable again to be emptied. */
    chmod(path, 0700);
    nftw(path, hx_remove_one, 16, FTW_DEPTH | FTW_PHYS);
}

void hx_join(char out[HX_PATH], const char *a, const char *b)
{
    if (snprintf(out, HX_PATH, "%s/%s", a, b) >= HX_PATH) {
        errno = ENAMETOOLONG;
        hx_die("path");
    }
}

char *hx_read(const char *path, size_t *len)
{
    FILE *f = fopen(path, "rb");
    if (f == NULL)
        return NULL;
    size_t cap = 4096, used = 0;
    char *buf = malloc(cap);
    size_t n;
    while (buf != NULL && (n = fread(buf + used, 1, cap - used - 1, f)) > 0) {
        used += n;
        if (cap - used - 1 == 0)
            buf = realloc(buf, cap *= 2);
    }
    fclose(f);
    if (buf == NULL)
        hx_die("out of memory");
    buf[used] = '\0';
    if (len != NULL)
        *len = used;
    return buf;
}

void hx_write(const char *path, const char *text)
{
    FILE *f = fopen(path, "wb");
    if (f == NULL || fputs(text, f) < 0 || fclose(f) != 0)
        hx_die(path);
}

bool hx_exists(const char *path)
{
    struct stat st;
    return lstat(path, &st) == 0;
}

bool hx_sha256_file(const char *path, char hex[65])
{
    size_t len = 0;
    char *data = hx_read(path, &len);
    if (data == NULL)
        return false;
    unsigned char md[EVP_MAX_MD_SIZE];
    unsigned int md_len = 0;
    bool ok = EVP_Digest(data, len, md, &md_len, EVP_sha256(), NULL) == 1 && md_len == 32;
    free(data);
    for (unsigned int i = 0; ok && i < md_len; i++)
        snprintf(hex + 2 * i, 3, "%02x", md[i]);
    return ok;
}

static int hx_name_cmp(const void *a, const void *b)
{
    return strcmp(*(char *const *)a, *(char *const *)b);
}

char **hx_list(const char *dir, size_t *count)
{
    DIR *d = opendir(dir);
    if (d == NULL)
        hx_die(dir);
    char **names = calloc(1, sizeof *names);
    size_t n = 0;
    struct dirent *de;
    while (names != NULL && (de = readdir(d)) != NULL) {
        if (strcmp(de->d_name, ".") == 0 || strcmp(de->d_name, "..") == 0)
            continue;
        names = realloc(names, (n + 2) * sizeof *names);
        if (names == NULL || (names[n++] = strdup(de->d_name)) == NULL)
            hx_die("out of memory");
        names[n] = NULL;
    }
    closedir(d);
    if (names == NULL)
        hx_die("out of memory");
    qsort(names, n, sizeof *names, hx_name_cmp);
    if (count != NULL)
        *count = n;
    return names;
}

void hx_free_names(char **names)
{
    for (size_t i = 0; names != NULL && names[i] != NULL; i++)
        free(names[i]);
    free(names);
}
