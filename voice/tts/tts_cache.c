/*
 * tts_cache.c - the disk cache of synthesised audio: one canonical WAV file per entry, named by the
 * SHA-256 of what produced it. Entries are written atomically (temp file, fsync, rename, fsync of
 * the folder) so a power cut never leaves half an entry under a real name, and every read validates
 * the file, because a corrupt entry must never reach the speaker. "Recently used" is the file's
 * mtime, set explicitly on every store and hit.
 */
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <openssl/evp.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include "tts_internal.h"

enum {
    CACHE_PATH_MAX = 4096,
    CACHE_NAME_HEX = 64,
    CACHE_WAV_HEADER = 44,
    CACHE_STALE_TMP_S = 600, /* a temp file this old belongs to a writer that died */
};

static const char CACHE_FORMAT[] = "qlq-tts-cache/1";
static const char CACHE_TMP_PREFIX[] = ".tmp-";

/* ---- keys ------------------------------------------------------------------------------------ */

/* Each field goes in with its length first, so no two different field lists hash the same bytes. */
static void cache_hash_field(EVP_MD_CTX *md, const char *s)
{
    uint64_t n = strlen(s);
    unsigned char len[8];
    for (int i = 0; i < 8; i++)
        len[i] = (unsigned char)(n >> (8 * i));
    EVP_DigestUpdate(md, len, sizeof len);
    EVP_DigestUpdate(md, s, n);
}

static void cache_key(const char *const fields[], size_t n, ttsi_key *k)
{
    unsigned char digest[EVP_MAX_MD_SIZE];
    unsigned int dlen = 0;
    EVP_MD_CTX *md = EVP_MD_CTX_new();
    bool ok = md != NULL && EVP_DigestInit_ex(md, EVP_sha256(), NULL) == 1;
    for (size_t i = 0; ok && i < n; i++)
        cache_hash_field(md, fields[i]);
    ok = ok && EVP_DigestFinal_ex(md, digest, &dlen) == 1 && dlen == 32;
    EVP_MD_CTX_free(md);
    if (!ok) {
        /* No digest, no name: an all-zero name is never written (see ttsi_cache_put). */
        memset(k->hex, '0', CACHE_NAME_HEX);
        k->hex[CACHE_NAME_HEX] = '\0';
        return;
    }
    for (unsigned int i = 0; i < dlen; i++)
        snprintf(k->hex + 2 * i, 3, "%02x", digest[i]);
}

void ttsi_key_google(const tts *t, int lang, const char *text, ttsi_key *k)
{
    const ttsi_voice *v = &t->voices[lang];
    const char *fields[] = {CACHE_FORMAT, "16000", "google", v->google_language, v->google_voice,
                            t->google_rate, text};
    cache_key(fields, sizeof fields / sizeof fields[0], k);
}

void ttsi_key_espeak(const tts *t, int lang, const char *text, ttsi_key *k)
{
    char wpm[16];
    snprintf(wpm, sizeof wpm, "%d", t->speed_wpm);
    const char *fields[] = {CACHE_FORMAT, "16000", "espeak", ttsi_espeak_version(),
                            t->voices[lang].espeak_voice, wpm, text};
    cache_key(fields, sizeof fields / sizeof fields[0], k);
}

static bool cache_key_valid(const ttsi_key *k)
{
    return strspn(k->hex, "0") != CACHE_NAME_HEX;
}

/* ---- helpers ----------------------------------------------------------------------------------- */

static bool cache_entry_path(const tts *t, const char *name, char *path)
{
    int n = snprintf(path, CACHE_PATH_MAX, "%s/%s", t->cache_dir, name);
    return n > 0 && n < CACHE_PATH_MAX;
}

/* A fine-grained, strictly increasing stamp: file systems stamp with a coarse clock, and two
 * entries used within the same tick must still be told apart for the LRU order. */
static struct timespec cache_stamp_now(void)
{
    static pthread_mutex_t lock = PTHREAD_MUTEX_INITIALIZER;
    static struct timespec last;
    struct timespec now;
    clock_gettime(CLOCK_REALTIME, &now);
    pthread_mutex_lock(&lock);
    if (now.tv_sec < last.tv_sec || (now.tv_sec == last.tv_sec && now.tv_nsec <= last.tv_nsec)) {
        now = last;
        if (++now.tv_nsec >= 1000000000L) {
            now.tv_sec++;
            now.tv_nsec = 0;
        }
    }
    last = now;
    pthread_mutex_unlock(&lock);
    return now;
}

static void cache_touch(const char *path)
{
    struct timespec ts[2];
    ts[0] = ts[1] = cache_stamp_now();
    /* Best effort: a read-only cache still serves hits, it just cannot order them. */
    (void)utimensat(AT_FDCWD, path, ts, 0);
}

int ttsi_cache_prepare(const char *dir, char *err, size_t err_len)
{
    if (mkdir(dir, 0700) != 0 && errno != EEXIST) {
        ttsi_set_err(err, err_len, "cannot create the TTS cache folder %s: %s", dir, strerror(errno));
        return -1;
    }
    struct stat st;
    if (stat(dir, &st) != 0 || !S_ISDIR(st.st_mode)) {
        ttsi_set_err(err, err_len, "the TTS cache path %s is not a folder", dir);
        return -1;
    }
    return 0;
}

/* ---- lookup ------------------------------------------------------------------------------------ */

bool ttsi_cache_get(const tts *t, const ttsi_key *k, audio_pcm *out)
{
    memset(out, 0, sizeof *out);
    char name[CACHE_NAME_HEX + 8], path[CACHE_PATH_MAX];
    snprintf(name, sizeof name, "%s.wav", k->hex);
    if (t->cache_dir == NULL || !cache_key_valid(k) || !cache_entry_path(t, name, path))
        return false;
    struct stat st;
    if (stat(path, &st) != 0) {
        if (errno != ENOENT)
            ttsi_log(t, "cannot read TTS cache entry %.12s: %s", k->hex, strerror(errno));
        return false;
    }
    char why[320] = "";
    audio_pcm pcm = {0};
    audio_status s = audio_wav_read(path, &pcm, why, sizeof why);
    if (s == AUDIO_ERR_NOMEM)
        return false;
    if (s == AUDIO_OK && (pcm.rate != AUDIO_RATE || pcm.count == 0 ||
                          (uint64_t)st.st_size != CACHE_WAV_HEADER + 2 * (uint64_t)pcm.count)) {
        snprintf(why, sizeof why, "not a 16 kHz mono 16-bit entry (%d Hz, %zu samples, %lld bytes)",
                 pcm.rate, pcm.count, (long long)st.st_size);
        audio_pcm_free(&pcm);
        s = AUDIO_ERR_FORMAT;
    }
    if (s != AUDIO_OK) {
        int rc = unlink(path);
        ttsi_log(t, "TTS cache entry %.12s is corrupt (%s): %s", k->hex, audio_status_name(s),
                 rc == 0 ? "removed" : "could not remove it");
        return false;
    }
    cache_touch(path);
    *out = pcm;
    return true;
}

/* ---- eviction ---------------------------------------------------------------------------------- */

typedef struct {
    char name[CACHE_NAME_HEX + 8];
    uint64_t size;
    struct timespec used;
} cache_file;

typedef struct {
    cache_file *v;
    size_t n, cap;
    uint64_t total;
} cache_list;

static bool cache_is_entry_name(const char *name)
{
    return strlen(name) == CACHE_NAME_HEX + 4 && strspn(name, "0123456789abcdef") == CACHE_NAME_HEX &&
           strcmp(name + CACHE_NAME_HEX, ".wav") == 0;
}

static int cache_list_add(cache_list *l, const char *name, const struct stat *st)
{
    if (l->n == l->cap) {
        size_t cap = l->cap ? l->cap * 2 : 64;
        cache_file *v = realloc(l->v, cap * sizeof *v);
        if (v == NULL)
            return -1;
        l->v = v;
        l->cap = cap;
    }
    cache_file *f = &l->v[l->n++];
    snprintf(f->name, sizeof f->name, "%s", name);
    f->size = (uint64_t)st->st_size;
    f->used = st->st_mtim;
    l->total += f->size;
    return 0;
}

/* Lists the entries; removes temp files a dead writer left behind. */
static int cache_scan(const tts *t, cache_list *l)
{
    DIR *d = opendir(t->cache_dir);
    if (d == NULL)
        return -1;
    time_t now = time(NULL);
    struct dirent *e;
    int rc = 0;
    while (rc == 0 && (e = readdir(d)) != NULL) {
        struct stat st;
        if (fstatat(dirfd(d), e->d_name, &st, AT_SYMLINK_NOFOLLOW) != 0 || !S_ISREG(st.st_mode))
            continue;
        if (cache_is_entry_name(e->d_name))
            rc = cache_list_add(l, e->d_name, &st);
        else if (strncmp(e->d_name, CACHE_TMP_PREFIX, strlen(CACHE_TMP_PREFIX)) == 0 &&
                 now - st.st_mtim.tv_sec > CACHE_STALE_TMP_S)
            (void)unlinkat(dirfd(d), e->d_name, 0);
    }
    closedir(d);
    return rc;
}

static int cache_older(const void *a, const void *b)
{
    const cache_file *x = a, *y = b;
    if (x->used.tv_sec != y->used.tv_sec)
        return x->used.tv_sec < y->used.tv_sec ? -1 : 1;
    if (x->used.tv_nsec != y->used.tv_nsec)
        return x->used.tv_nsec < y->used.tv_nsec ? -1 : 1;
    return strcmp(x->name, y->name);
}

static void cache_evict(const tts *t)
{
    cache_list l = {0};
    if (cache_scan(t, &l) != 0) {
        ttsi_log(t, "cannot list the TTS cache folder: %s", strerror(errno));
        free(l.v);
        return;
    }
    if (l.total > t->cache_max_bytes) {
        qsort(l.v, l.n, sizeof l.v[0], cache_older);
        size_t removed = 0;
        for (size_t i = 0; i < l.n && l.total > t->cache_max_bytes; i++) {
            char path[CACHE_PATH_MAX];
            /* Another thread may have removed it already: it is gone either way. */
            if (cache_entry_path(t, l.v[i].name, path) && (unlink(path) == 0 || errno == ENOENT)) {
                l.total -= l.v[i].size;
                removed++;
            }
        }
        ttsi_log(t, "TTS cache over its cap: removed %zu least recently used entries", removed);
    }
    free(l.v);
}

/* ---- store ------------------------------------------------------------------------------------- */

static int cache_fsync_path(const char *path, int flags)
{
    int fd = open(path, flags | O_CLOEXEC);
    if (fd < 0)
        return -1;
    int rc = fsync(fd);
    int e = errno;
    close(fd);
    errno = e;
    return rc;
}

static int cache_write_tmp(const tts *t, const ttsi_key *k, const audio_pcm *pcm, char *tmp)
{
    static atomic_uint counter;
    char name[160];
    snprintf(name, sizeof name, "%s%.16s-%ld-%u.part", CACHE_TMP_PREFIX, k->hex, (long)getpid(),
             atomic_fetch_add(&counter, 1));
    if (!cache_entry_path(t, name, tmp)) {
        errno = ENAMETOOLONG;
        return -1;
    }
    audio_status s = audio_wav_write(tmp, pcm->samples, pcm->count, pcm->rate);
    if (s != AUDIO_OK) {
        ttsi_log(t, "cannot write TTS cache entry %.12s: %s", k->hex, audio_status_name(s));
        (void)unlink(tmp);
        return -2;
    }
    if (cache_fsync_path(tmp, O_RDONLY) != 0) {
        int e = errno;
        (void)unlink(tmp);
        errno = e;
        return -1;
    }
    return 0;
}

void ttsi_cache_put(const tts *t, const ttsi_key *k, const audio_pcm *pcm)
{
    if (t->cache_dir == NULL || !cache_key_valid(k) || pcm->rate != AUDIO_RATE || pcm->count == 0)
        return;
    char tmp[CACHE_PATH_MAX], path[CACHE_PATH_MAX], name[CACHE_NAME_HEX + 8];
    snprintf(name, sizeof name, "%s.wav", k->hex);
    if (!cache_entry_path(t, name, path))
        return;
    int rc = cache_write_tmp(t, k, pcm, tmp);
    if (rc == -1)
        ttsi_log(t, "cannot write TTS cache entry %.12s: %s", k->hex, strerror(errno));
    if (rc != 0)
        return;
    if (rename(tmp, path) != 0) {
        ttsi_log(t, "cannot store TTS cache entry %.12s: %s", k->hex, strerror(errno));
        (void)unlink(tmp);
        return;
    }
    /* The rename is durable only once the folder is. */
    if (cache_fsync_path(t->cache_dir, O_RDONLY | O_DIRECTORY) != 0)
        ttsi_log(t, "cannot sync the TTS cache folder: %s", strerror(errno));
    cache_touch(path);
    cache_evict(t);
}
