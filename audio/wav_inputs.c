/*
 * wav_inputs.c - which files the WAV device plays as its microphone. A folder is listed once, when the
 * device opens, so the order is fixed for the whole session.
 */
#include "audio_internal.h"

#include <dirent.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/stat.h>

void audio_file_list_free(audio_file_list *l)
{
    if (!l)
        return;
    for (size_t i = 0; i < l->count; i++)
        free(l->paths[i]);
    free(l->paths);
    *l = (audio_file_list){0};
}

static bool has_wav_suffix(const char *name)
{
    size_t n = strlen(name);
    return n > 4 && strcasecmp(name + n - 4, ".wav") == 0;
}

static int by_name(const void *a, const void *b) { return strcmp(*(char *const *)a, *(char *const *)b); }

static char *join(const char *dir, const char *name)
{
    size_t n = strlen(dir) + strlen(name) + 2;
    char *p = malloc(n);
    if (p)
        snprintf(p, n, "%s/%s", dir, name);
    return p;
}

static bool add_path(audio_file_list *l, size_t *cap, char *path)
{
    if (!path)
        return false;
    if (l->count == *cap) {
        size_t c = *cap ? *cap * 2 : 16;
        char **p = realloc(l->paths, c * sizeof *p);
        if (!p) {
            free(path);
            return false;
        }
        l->paths = p;
        *cap = c;
    }
    l->paths[l->count++] = path;
    return true;
}

static bool list_folder(const char *dir, audio_file_list *l, char *err, size_t err_len)
{
    DIR *d = opendir(dir);
    if (!d) {
        audio_set_err(err, err_len, "wav input %s: cannot open folder: %s", dir, strerror(errno));
        return false;
    }
    size_t cap = 0;
    bool ok = true;
    struct dirent *e;
    while (ok && (e = readdir(d)) != NULL) {
        if (!has_wav_suffix(e->d_name))
            continue;
        char *path = join(dir, e->d_name);
        struct stat st;
        if (path && (stat(path, &st) != 0 || !S_ISREG(st.st_mode))) {
            free(path);
            continue;
        }
        ok = add_path(l, &cap, path);
    }
    closedir(d);
    if (!ok) {
        audio_set_err(err, err_len, "wav input %s: out of memory", dir);
        return false;
    }
    if (l->count == 0) {
        audio_set_err(err, err_len, "wav input %s: the folder holds no .wav file", dir);
        return false;
    }
    /* Names share the folder prefix, so sorting paths sorts names. */
    qsort(l->paths, l->count, sizeof *l->paths, by_name);
    return true;
}

bool audio_list_inputs(const char *input, audio_file_list *out, char *err, size_t err_len)
{
    *out = (audio_file_list){0};
    if (!input)
        return true;
    struct stat st;
    if (stat(input, &st) != 0) {
        audio_set_err(err, err_len, "wav input %s: %s", input, strerror(errno));
        return false;
    }
    if (S_ISDIR(st.st_mode)) {
        if (list_folder(input, out, err, err_len))
            return true;
        audio_file_list_free(out);
        return false;
    }
    if (!S_ISREG(st.st_mode)) {
        audio_set_err(err, err_len, "wav input %s: neither a file nor a folder", input);
        return false;
    }
    size_t cap = 0;
    char *copy = strdup(input);
    if (!add_path(out, &cap, copy)) {
        audio_set_err(err, err_len, "wav input %s: out of memory", input);
        return false;
    }
    return true;
}
