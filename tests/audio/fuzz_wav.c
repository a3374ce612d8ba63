/*
 * fuzz_wav.c - deterministic mutation fuzzing of audio_wav_parse, run as an ordinary test so that the
 * sanitizer build checks every parse for out-of-bounds reads, overflow and leaks. Each input is copied
 * into a buffer of exactly its length, so a read one byte past the end is caught.
 *
 * Seeds: the generated ones (fuzz_seeds.c) plus the committed corpus/ (inputs libFuzzer found new coverage
 * with, merged and minimised), each parsed as is and then mutated.
 *
 *   fuzz_wav                     run (QLQ_FUZZ_ITERS parses, default 200000)
 *   fuzz_wav --write-corpus DIR  write the seeds as files (the libFuzzer target's starting corpus)
 */
#include "fuzz_seeds.h"
#include "qlq_audio.h"

#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <cmocka.h>
#include <dirent.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

enum { MAX_INPUT = 1 << 14, MAX_CHUNKS = 32 };

static volatile long sink;
static uint64_t rng = 0x9E3779B97F4A7C15ull;

static uint32_t next(void)
{
    rng ^= rng << 13;
    rng ^= rng >> 7;
    rng ^= rng << 17;
    return (uint32_t)(rng >> 11);
}

static size_t below(size_t n) { return n ? next() % n : 0; }

static uint32_t rd32(const uint8_t *p) { return (uint32_t)p[0] | (uint32_t)p[1] << 8 | (uint32_t)p[2] << 16 | (uint32_t)p[3] << 24; }

static void wr32(uint8_t *p, uint32_t v)
{
    for (int i = 0; i < 4; i++)
        p[i] = (uint8_t)(v >> (8 * i));
}

/* Offsets of chunk headers, found the way a lenient reader would walk them. */
static size_t find_chunks(const wb *b, size_t *at)
{
    size_t n = 0, pos = 12;
    while (n < MAX_CHUNKS && b->len >= 8 && pos <= b->len - 8) {
        at[n++] = pos;
        uint64_t adv = 8 + (uint64_t)rd32(b->buf + pos + 4);
        adv += adv & 1;
        if (adv > b->len - pos)
            break;
        pos += (size_t)adv;
    }
    return n;
}

static uint32_t interesting32(uint32_t cur, size_t remain)
{
    const uint32_t v[] = {0, 1, 2, 3, 4, 0x7FFFFFFF, 0x80000000u, 0xFFFFFFFFu, 0xFFFFFFFEu, 0xFFFFFFF8u, 16, 18, 40};
    switch (below(4)) {
    case 0: return v[below(sizeof v / sizeof v[0])];
    case 1: return cur + (uint32_t)below(5) - 2; /* off by one or two */
    case 2: return (uint32_t)remain + (uint32_t)below(3) - 1;
    default: return next();
    }
}

static void mutate_chunk_size(wb *b)
{
    size_t at[MAX_CHUNKS], n = find_chunks(b, at);
    if (n == 0)
        return;
    size_t c = at[below(n)];
    wr32(b->buf + c + 4, interesting32(rd32(b->buf + c + 4), b->len - c - 8));
}

/* fmt fields: tag, channels, rate, byte rate, block align, bits, cbSize, valid bits, subformat. */
static void mutate_fmt_field(wb *b)
{
    size_t at[MAX_CHUNKS], n = find_chunks(b, at);
    for (size_t i = 0; i < n; i++) {
        if (memcmp(b->buf + at[i], "fmt ", 4) != 0)
            continue;
        const size_t offs[] = {0, 2, 4, 8, 12, 14, 16, 18, 24};
        const unsigned v16[] = {0, 1, 2, 3, 6, 7, 8, 9, 12, 16, 24, 32, 64, 0xFFFE, 0xFFFF, 0x8000};
        size_t off = at[i] + 8 + offs[below(sizeof offs / sizeof offs[0])];
        if (off + 4 > b->len)
            return;
        if (off == at[i] + 12 && below(2))
            wr32(b->buf + off, (uint32_t[]){0, 7999, 8000, 192000, 192001, 0xFFFFFFFFu, 44100}[below(7)]);
        else {
            unsigned v = v16[below(sizeof v16 / sizeof v16[0])];
            b->buf[off] = (uint8_t)v;
            b->buf[off + 1] = (uint8_t)(v >> 8);
        }
        return;
    }
}

static void insert_bytes(wb *b, size_t pos, const uint8_t *src, size_t n)
{
    if (b->len + n > MAX_INPUT)
        return;
    wb_bytes(b, src, n); /* grow, then shift into place */
    memmove(b->buf + pos + n, b->buf + pos, b->len - n - pos);
    memcpy(b->buf + pos, src, n);
}

static void splice(wb *b)
{
    wb other;
    fuzz_seed((int)below(FUZZ_SEED_COUNT), &other);
    size_t keep = below(b->len + 1), from = below(other.len + 1);
    b->len = keep;
    wb_bytes(b, other.buf + from, other.len - from);
    wb_free(&other);
}

static void mutate_once(wb *b)
{
    static const char *ids[] = {"data", "fmt ", "LIST", "RIFF", "WAVE", "fact"};
    uint8_t tmp[64];
    size_t pos = below(b->len);
    switch (below(11)) {
    case 0: if (b->len) b->buf[pos] ^= (uint8_t)(1u << below(8)); break;
    case 1: if (b->len) b->buf[pos] = (uint8_t[]){0, 0xFF, 0x7F, 0x80, 1, 0xFE}[below(6)]; break;
    case 2: mutate_chunk_size(b); break;
    case 3: mutate_fmt_field(b); break;
    case 4: b->len = below(b->len + 1); break;
    case 5: splice(b); break;
    case 6: {
        size_t n = 1 + below(16);
        for (size_t i = 0; i < n; i++)
            tmp[i] = (uint8_t)next();
        insert_bytes(b, below(b->len + 1), tmp, n);
        break;
    }
    case 7: {
        size_t n = below(b->len - pos + 1);
        memmove(b->buf + pos, b->buf + pos + n, b->len - pos - n);
        b->len -= n;
        break;
    }
    case 8: { /* duplicate part of a chunk somewhere else */
        size_t at[MAX_CHUNKS], n = find_chunks(b, at);
        if (n) {
            size_t c = at[below(n)], len = b->len - c < 64 ? b->len - c : 64;
            memcpy(tmp, b->buf + c, len);
            insert_bytes(b, below(b->len + 1), tmp, len);
        }
        break;
    }
    case 9: if (b->len >= 8) wr32(b->buf + 4, interesting32(rd32(b->buf + 4), b->len - 8)); break;
    default: if (b->len >= 4) memcpy(b->buf + below(b->len - 3), ids[below(6)], 4); break;
    }
}

enum { MAX_CORPUS = 1024 };
static wb corpus[MAX_CORPUS];
static size_t corpus_n;

static void load_corpus(void)
{
#ifdef QLQ_AUDIO_CORPUS_DIR
    DIR *d = opendir(QLQ_AUDIO_CORPUS_DIR);
    assert_non_null(d);
    struct dirent *e;
    while (corpus_n < MAX_CORPUS && (e = readdir(d)) != NULL) {
        if (e->d_name[0] == '.')
            continue;
        char p[1024];
        snprintf(p, sizeof p, "%s/%s", QLQ_AUDIO_CORPUS_DIR, e->d_name);
        FILE *f = fopen(p, "rb");
        assert_non_null(f);
        wb *b = &corpus[corpus_n++];
        *b = (wb){0};
        uint8_t chunk[4096];
        size_t n;
        while ((n = fread(chunk, 1, sizeof chunk, f)) > 0 && b->len < MAX_INPUT)
            wb_bytes(b, chunk, n);
        fclose(f);
    }
    closedir(d);
#endif
}

/* A starting input: a generated seed or a corpus file. */
static void pick_seed(wb *b)
{
    size_t i = below(FUZZ_SEED_COUNT + corpus_n);
    if (i < FUZZ_SEED_COUNT) {
        fuzz_seed((int)i, b);
        return;
    }
    *b = (wb){0};
    wb_bytes(b, corpus[i - FUZZ_SEED_COUNT].buf, corpus[i - FUZZ_SEED_COUNT].len);
}

typedef struct {
    unsigned long parses, ok, by_status[AUDIO_ERR_DEVICE + 1];
} fuzz_stats;

/* The properties every parse must have, whatever the input. */
static void check_parse(const uint8_t *in, size_t len, fuzz_stats *st)
{
    uint8_t *exact = malloc(len ? len : 1);
    assert_non_null(exact);
    if (len)
        memcpy(exact, in, len);
    audio_pcm pcm;
    char err[256];
    audio_status s = audio_wav_parse(exact, len, &pcm, err, sizeof err);
    assert_true(s >= AUDIO_OK && s <= AUDIO_ERR_DEVICE);
    st->parses++;
    st->by_status[s]++;
    if (s != AUDIO_OK) {
        assert_null(pcm.samples);
        assert_int_equal(pcm.count, 0);
        assert_true(err[0] != '\0');
    } else {
        st->ok++;
        assert_non_null(pcm.samples);
        assert_true(pcm.rate >= 8000 && pcm.rate <= 192000);
        /* 44 bytes of headers at least, and a frame is at least one byte */
        assert_true(len >= 44 && pcm.count <= len - 44);
        assert_true(pcm.count <= (size_t)pcm.rate * 600);
        long sum = 0;
        for (size_t i = 0; i < pcm.count; i++)
            sum += pcm.samples[i];
        sink = sum; /* every sample is read, so ASan checks the whole buffer */
        audio_pcm_free(&pcm);
    }
    free(exact);
}

static unsigned long iterations(void)
{
    const char *e = getenv("QLQ_FUZZ_ITERS");
    unsigned long n = e ? strtoul(e, NULL, 10) : 0;
    return n ? n : 200000;
}

static void test_fuzz(void **state)
{
    (void)state;
    fuzz_stats st = {0};
    unsigned long total = iterations();
    load_corpus();
    for (size_t i = 0; i < corpus_n; i++)
        check_parse(corpus[i].buf, corpus[i].len, &st);
    for (int i = 0; i < FUZZ_SEED_COUNT; i++) {
        wb seed;
        fuzz_seed(i, &seed);
        check_parse(seed.buf, seed.len, &st);
        wb_free(&seed);
    }
    /* Every prefix of every seed: truncation at each byte offset. */
    for (int i = 0; i < FUZZ_SEED_COUNT; i++) {
        wb seed;
        fuzz_seed(i, &seed);
        for (size_t n = 0; n < seed.len; n++)
            check_parse(seed.buf, n, &st);
        wb_free(&seed);
    }
    while (st.parses < total) {
        wb b;
        pick_seed(&b);
        for (size_t m = 1 + below(4); m > 0; m--)
            mutate_once(&b);
        check_parse(b.buf, b.len, &st);
        wb_free(&b);
    }
    for (size_t i = 0; i < corpus_n; i++)
        wb_free(&corpus[i]);
    printf("fuzz_wav: %zu corpus files; %lu parses, %lu accepted; refused: truncated %lu, format %lu, "
           "too large %lu\n",
           corpus_n, st.parses, st.ok, st.by_status[AUDIO_ERR_TRUNCATED], st.by_status[AUDIO_ERR_FORMAT],
           st.by_status[AUDIO_ERR_TOO_LARGE]);
    assert_true(st.parses >= 20000);
    /* The mutations must exercise both sides, or the fuzzing proves little. */
    assert_true(st.ok > st.parses / 50);
    assert_true(st.by_status[AUDIO_ERR_TRUNCATED] > 0 && st.by_status[AUDIO_ERR_FORMAT] > 0 &&
                st.by_status[AUDIO_ERR_TOO_LARGE] > 0);
}

static int write_corpus(const char *dir)
{
    for (int i = 0; i < FUZZ_SEED_COUNT; i++) {
        char p[1024];
        snprintf(p, sizeof p, "%s/seed%02d.wav", dir, i);
        wb b;
        fuzz_seed(i, &b);
        int r = wb_save(&b, p);
        wb_free(&b);
        if (r != 0) {
            fprintf(stderr, "cannot write %s\n", p);
            return 1;
        }
    }
    return 0;
}

int main(int argc, char **argv)
{
    if (argc == 3 && strcmp(argv[1], "--write-corpus") == 0)
        return write_corpus(argv[2]);
    const struct CMUnitTest tests[] = {cmocka_unit_test(test_fuzz)};
    return cmocka_run_group_tests(tests, NULL, NULL);
}
