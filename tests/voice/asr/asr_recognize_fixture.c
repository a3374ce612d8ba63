/* asr_recognize_fixture.c - the corpus of one held-out voice made at test time, and each file decided
 * once, for test_asr_recognize.c and test_asr_conditions.c. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <cmocka.h>

#include "asr_recognize_fixture.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#ifndef QLQ_CORPUS_SCRIPT
#error QLQ_CORPUS_SCRIPT must name tools/corpus/make-corpus.sh
#endif
#ifndef QLQ_PHRASINGS
#error QLQ_PHRASINGS must name tools/corpus/phrasings-fr.tsv
#endif
#ifndef QLQ_HEDGED
#error QLQ_HEDGED must name tools/corpus/phrasings-hedged-fr.tsv
#endif
#ifndef QLQ_CONFIRM
#error QLQ_CONFIRM must name tools/corpus/phrasings-confirm-fr.tsv
#endif

/* The manifest of the corpus in subfolder `sub` ("", "phrasings/", "hedged/" or "confirm/"). */
static int read_manifest(fixture *f, const char *sub)
{
    char path[600], line[512];
    snprintf(path, sizeof path, "%s/%smanifest.tsv", f->dir, sub);
    FILE *m = fopen(path, "r");
    if (!m)
        return -1;
    while (fgets(line, sizeof line, m) && f->n < sizeof f->items / sizeof f->items[0]) {
        item *it = &f->items[f->n];
        asr_test_manifest_row row;
        if (asr_test_manifest_row_parse(line, &row)) {
            snprintf(it->file, sizeof it->file, "%s", row.file);
            snprintf(it->expected, sizeof it->expected, "%s", row.expected);
            snprintf(it->scale, sizeof it->scale, "%s", row.scale);
            snprintf(it->cond, sizeof it->cond, "%s", row.cond);
            snprintf(it->text, sizeof it->text, "%s", row.text);
            snprintf(it->sub, sizeof it->sub, "%s", sub);
            it->phrasing = sub[0] != '\0';
            it->hedged = strcmp(sub, "hedged/") == 0;
            it->confirm = strcmp(sub, "confirm/") == 0;
            f->n++;
        }
    }
    fclose(m);
    return 0;
}

/* Marks the phrasings fr.phrases lists (not as a decoy), punctuation aside: the file is read once. */
static int mark_listed(fixture *f)
{
    static char words[sizeof f->items / sizeof f->items[0]][96];
    for (size_t i = 0; i < f->n; i++) {
        size_t n = 0;
        for (const char *c = f->items[i].text; *c && n + 1 < sizeof words[i]; c++)
            if (*c != ',' && *c != '?' && !(*c == ' ' && (n == 0 || words[i][n - 1] == ' ')))
                words[i][n++] = *c;
        words[i][n] = '\0';
    }
    char path[600], line[256];
    const char *assets = getenv("QLQ_ASSETS_DIR");
    snprintf(path, sizeof path, "%s/voice/fr.phrases", assets ? assets : "assets");
    FILE *in = fopen(path, "r");
    if (!in)
        return -1;
    while (fgets(line, sizeof line, in)) {
        char grammars[16], meaning[16], phrase[128];
        if (line[0] == '#' || sscanf(line, "%15s %15s %127[^\n]", grammars, meaning, phrase) != 3 ||
            strcmp(meaning, "reject") == 0)
            continue;
        for (size_t i = 0; i < f->n; i++)
            f->items[i].listed |= f->items[i].phrasing && strcmp(phrase, words[i]) == 0;
    }
    fclose(in);
    return 0;
}

/* dir/name (a WAV file in the fixture's folder) recognised against grammar g. */
int recognize_file(fixture *f, const char *name, asr_grammar g, asr_result *r)
{
    char path[700], err[256];
    audio_pcm pcm = {0};
    snprintf(path, sizeof path, "%s/%s", f->dir, name);
    if (asr_test_load(path, &pcm) != 0)
        return -1;
    int rc = asr_recognize(f->a, ASR_LANG_FR, g, pcm.samples, pcm.count, r, err, sizeof err);
    audio_pcm_free(&pcm);
    return rc;
}

/* The fixture's file of `it` as changed by a sox command that wrote it as <prefix>_<file>, recognised
 * against its scale. */
asr_result changed_file(fixture *f, const item *it, const char *prefix)
{
    char name[96];
    snprintf(name, sizeof name, "%s_%s", prefix, it->file);
    asr_result r;
    assert_int_equal(recognize_file(f, name, asr_test_grammar(it->scale), &r), 0);
    return r;
}

int decode(fixture *f, size_t i, asr_result *r)
{
    char name[96];
    snprintf(name, sizeof name, "%s%s", f->items[i].sub, f->items[i].file);
    return recognize_file(f, name, asr_test_grammar(f->items[i].scale), r);
}

static int decode_all(fixture *f)
{
    for (size_t i = 0; i < f->n; i++) {
        if (decode(f, i, &f->items[i].r) != 0)
            return -1;
    }
    return 0;
}

int fixture_setup(void **state)
{
    fixture *f = calloc(1, sizeof *f);
    if (!f || !(f->dir = asr_test_tmpdir()))
        return -1;
    if (asr_test_sh("'%s' --small --sets heldout --voices '%s' '%s' >/dev/null 2>&1", QLQ_CORPUS_SCRIPT,
                    HELD_OUT_VOICE, f->dir) != 0 || read_manifest(f, "") != 0 || f->n < 30)
        return -1;
    if (asr_test_sh("'%s' --small --sets heldout --voices '%s' --phrases '%s' --no-nonspeech '%s/phrasings' >/dev/null 2>&1",
                    QLQ_CORPUS_SCRIPT, HELD_OUT_VOICE, QLQ_PHRASINGS, f->dir) != 0 ||
        read_manifest(f, "phrasings/") != 0 || mark_listed(f) != 0)
        return -1;
    static const struct { const char *phrases, *sub; } more[] = {{QLQ_HEDGED, "hedged"}, {QLQ_CONFIRM, "confirm"}};
    for (size_t i = 0; i < sizeof more / sizeof more[0]; i++) {
        char sub[32];
        snprintf(sub, sizeof sub, "%s/", more[i].sub);
        if (asr_test_sh("'%s' --small --sets heldout --voices '%s' --phrases '%s' --no-nonspeech '%s/%s' >/dev/null 2>&1",
                        QLQ_CORPUS_SCRIPT, HELD_OUT_VOICE, more[i].phrases, f->dir, more[i].sub) != 0 ||
            read_manifest(f, sub) != 0)
            return -1;
    }
    f->a = asr_test_create();
    if (!f->a || decode_all(f) != 0)
        return -1;
    *state = f;
    return 0;
}

int fixture_teardown(void **state)
{
    fixture *f = *state;
    if (f) {
        asr_destroy(f->a);
        asr_test_rmdir(f->dir);
        free(f);
    }
    return 0;
}

bool in_grammar(const item *it)
{
    return strcmp(it->expected, "reject") != 0;
}

const item *find(const fixture *f, const char *text, const char *scale)
{
    for (size_t i = 0; i < f->n; i++) {
        if (strcmp(f->items[i].text, text) == 0 && strcmp(f->items[i].scale, scale) == 0)
            return &f->items[i];
    }
    fail_msg("no corpus file says '%s' on scale %s", text, scale);
    return NULL;
}
