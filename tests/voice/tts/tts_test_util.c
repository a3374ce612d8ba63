/* tts_test_util.c - see tts_test_util.h. */
#define _XOPEN_SOURCE 700 /* nftw */
#include "tts_test_util.h"

#include <dirent.h>
#include <ftw.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

void tlog_init(tlog *l)
{
    memset(l, 0, sizeof *l);
    pthread_mutex_init(&l->lock, NULL);
}

void tlog_destroy(tlog *l)
{
    pthread_mutex_destroy(&l->lock);
}

void tlog_fn(void *ctx, const char *line)
{
    tlog *l = ctx;
    pthread_mutex_lock(&l->lock);
    if (l->count < TLOG_MAX)
        snprintf(l->lines[l->count++], TLOG_LINE, "%s", line);
    pthread_mutex_unlock(&l->lock);
}

int tlog_count(tlog *l)
{
    pthread_mutex_lock(&l->lock);
    int n = l->count;
    pthread_mutex_unlock(&l->lock);
    return n;
}

int tlog_matching(tlog *l, const char *needle)
{
    int n = 0;
    pthread_mutex_lock(&l->lock);
    for (int i = 0; i < l->count; i++)
        n += strstr(l->lines[i], needle) != NULL;
    pthread_mutex_unlock(&l->lock);
    return n;
}

bool tlog_has(tlog *l, const char *a, const char *b)
{
    bool found = false;
    pthread_mutex_lock(&l->lock);
    for (int i = 0; i < l->count && !found; i++)
        found = (a == NULL || strstr(l->lines[i], a) != NULL) && (b == NULL || strstr(l->lines[i], b) != NULL);
    pthread_mutex_unlock(&l->lock);
    return found;
}

void tlog_dump(tlog *l)
{
    pthread_mutex_lock(&l->lock);
    for (int i = 0; i < l->count; i++)
        fprintf(stderr, "  log: %s\n", l->lines[i]);
    pthread_mutex_unlock(&l->lock);
}

char *tmpdir_make(const char *tag)
{
    const char *base = getenv("TMPDIR");
    char *path = malloc(4096);
    snprintf(path, 4096, "%s/qlq-%s-XXXXXX", base && base[0] ? base : "/tmp", tag);
    if (mkdtemp(path) == NULL) {
        free(path);
        return NULL;
    }
    return path;
}

static int rm_one(const char *path, const struct stat *st, int flag, struct FTW *ftw)
{
    (void)st, (void)flag, (void)ftw;
    return remove(path);
}

void tmpdir_remove(char *dir)
{
    if (dir == NULL)
        return;
    /* Make read-only test folders removable again. */
    chmod(dir, 0700);
    nftw(dir, rm_one, 16, FTW_DEPTH | FTW_PHYS);
    free(dir);
}

static bool is_entry(const char *name)
{
    return strlen(name) == 68 && strspn(name, "0123456789abcdef") == 64 && strcmp(name + 64, ".wav") == 0;
}

int cache_entry_count(const char *dir)
{
    DIR *d = opendir(dir);
    int n = 0;
    for (struct dirent *e; d != NULL && (e = readdir(d)) != NULL;)
        n += is_entry(e->d_name);
    if (d)
        closedir(d);
    return n;
}

int dir_count_prefix(const char *dir, const char *prefix)
{
    DIR *d = opendir(dir);
    int n = 0;
    for (struct dirent *e; d != NULL && (e = readdir(d)) != NULL;)
        n += strncmp(e->d_name, prefix, strlen(prefix)) == 0;
    if (d)
        closedir(d);
    return n;
}

bool cache_only_entry(const char *dir, char *path, size_t len)
{
    DIR *d = opendir(dir);
    int n = 0;
    for (struct dirent *e; d != NULL && (e = readdir(d)) != NULL;)
        if (is_entry(e->d_name) && n++ == 0)
            snprintf(path, len, "%s/%s", dir, e->d_name);
    if (d)
        closedir(d);
    return n == 1;
}

long long cache_bytes(const char *dir)
{
    DIR *d = opendir(dir);
    long long total = 0;
    for (struct dirent *e; d != NULL && (e = readdir(d)) != NULL;) {
        char path[4400];
        struct stat st;
        snprintf(path, sizeof path, "%s/%s", dir, e->d_name);
        if (is_entry(e->d_name) && stat(path, &st) == 0)
            total += st.st_size;
    }
    if (d)
        closedir(d);
    return total;
}

bool pcm_equal(const audio_pcm *a, const audio_pcm *b)
{
    return a->rate == b->rate && a->count == b->count && a->count > 0 &&
           memcmp(a->samples, b->samples, a->count * sizeof a->samples[0]) == 0;
}

double pcm_seconds(const audio_pcm *p)
{
    return p->rate > 0 ? (double)p->count / p->rate : 0.0;
}

const char *test_assets_dir(void)
{
    const char *d = getenv("QLQ_ASSETS_DIR");
    return d != NULL ? d : "assets";
}
