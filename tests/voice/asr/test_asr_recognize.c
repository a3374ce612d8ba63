/* The recogniser on real eSpeak NG speech generated at test time by tools/corpus/make-corpus.sh
 * for one held-out voice (never used to tune the lexicon): every answer and command of both
 * scales, yes/no, out-of-grammar sentences, silence, noise, a cough and a distant neighbour; and
 * the other phrasings of tools/corpus/phrasings-fr.tsv (negations must never become answers).
 * Floors are what was measured on this voice, less a margin; see bench/asr_bench.c for the
 * full corpus. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <cmocka.h>

#include "asr_test_util.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#ifndef QLQ_CORPUS_SCRIPT
#error QLQ_CORPUS_SCRIPT must name tools/corpus/make-corpus.sh
#endif
#ifndef QLQ_PHRASINGS
#error QLQ_PHRASINGS must name tools/corpus/phrasings-fr.tsv
#endif

#define HELD_OUT_VOICE "fr+m6"
/* Measured on this voice with the French-adapted model (assets/voice/model-fr): 39/39 in-grammar
 * right (with the other phrasings: "un tout petit peu", "pardon", "d'accord"...), 0 wrong accepted,
 * 19/19 out-of-grammar rejected, mean confidence 0.99 right vs 0.68 out of grammar; with Debian's
 * US-English model it was 82-89 % right, 4-7 % wrong accepted, 76 % rejected.
 * The floors leave a margin under that for other builds of espeak-ng and PocketSphinx. */
#define ASR_TEST_FLOOR_PERCENT 88
#define ASR_TEST_WRONG_PERCENT 5
#define ASR_TEST_OOG_PERCENT 85
#define ASR_TEST_CONF_GAP 0.1
#define ASR_TEST_WHISPER_PERCENT 70
#define ASR_TEST_ECHO_PERCENT 50
#define ASR_TEST_NOISY_PERCENT 50
#define ASR_TEST_MUST_PASS                                                                              \
    {"pas du tout", "4", ASR_ANSWER, 1}, {"trois", "4", ASR_ANSWER, 3}, {"beaucoup", "4", ASR_ANSWER, 4}, \
        {"six", "7", ASR_ANSWER, 6}, {"répéter", "4", ASR_REPEAT, 0}, {"retour", "7", ASR_BACK, 0},         \
        {"je ne sais pas", "4", ASR_DONTKNOW, 0}, {"oui", "yesno", ASR_YES, 0}

typedef struct {
    char file[64], expected[16], scale[8], cond[16], text[96];
    bool phrasing; /* from phrasings-fr.tsv, in the "phrasings" subfolder */
    bool listed;   /* a phrasing the kiosk's grammar (fr.phrases) lists as an answer or command */
    asr_result r;
} item;

typedef struct {
    char *dir;
    asr *a;
    item items[128];
    size_t n;
} fixture;

static asr_grammar grammar_of(const char *scale)
{
    return strcmp(scale, "7") == 0 ? ASR_GRAMMAR_SCALE7 : strcmp(scale, "yesno") == 0 ? ASR_GRAMMAR_YESNO
                                                                                        : ASR_GRAMMAR_SCALE4;
}

static int read_manifest(fixture *f, bool phrasings)
{
    char path[600], line[512];
    snprintf(path, sizeof path, "%s/%smanifest.tsv", f->dir, phrasings ? "phrasings/" : "");
    FILE *m = fopen(path, "r");
    if (!m)
        return -1;
    while (fgets(line, sizeof line, m) && f->n < sizeof f->items / sizeof f->items[0]) {
        item *it = &f->items[f->n];
        char set[16], voice[64];
        if (sscanf(line, "%63[^\t]\t%15[^\t]\t%7[^\t]\t%15[^\t]\t%63[^\t]\t%15[^\t]\t%95[^\n]", it->file,
                   it->expected, it->scale, set, voice, it->cond, it->text) == 7 &&
            strcmp(it->file, "file") != 0) {
            it->phrasing = phrasings;
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
static int recognize_file(fixture *f, const char *name, asr_grammar g, asr_result *r)
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
static asr_result changed_file(fixture *f, const item *it, const char *prefix)
{
    char name[96];
    snprintf(name, sizeof name, "%s_%s", prefix, it->file);
    asr_result r;
    assert_int_equal(recognize_file(f, name, grammar_of(it->scale), &r), 0);
    return r;
}

static int decode(fixture *f, size_t i, asr_result *r)
{
    char name[96];
    snprintf(name, sizeof name, "%s%s", f->items[i].phrasing ? "phrasings/" : "", f->items[i].file);
    return recognize_file(f, name, grammar_of(f->items[i].scale), r);
}

static int decode_all(fixture *f)
{
    for (size_t i = 0; i < f->n; i++) {
        if (decode(f, i, &f->items[i].r) != 0)
            return -1;
    }
    return 0;
}

static int setup(void **state)
{
    fixture *f = calloc(1, sizeof *f);
    if (!f || !(f->dir = asr_test_tmpdir()))
        return -1;
    if (asr_test_sh("'%s' --small --sets heldout --voices '%s' '%s' >/dev/null 2>&1", QLQ_CORPUS_SCRIPT,
                    HELD_OUT_VOICE, f->dir) != 0 || read_manifest(f, false) != 0 || f->n < 30)
        return -1;
    if (asr_test_sh("'%s' --small --sets heldout --voices '%s' --phrases '%s' --no-nonspeech '%s/phrasings' >/dev/null 2>&1",
                    QLQ_CORPUS_SCRIPT, HELD_OUT_VOICE, QLQ_PHRASINGS, f->dir) != 0 ||
        read_manifest(f, true) != 0 || mark_listed(f) != 0)
        return -1;
    f->a = asr_test_create();
    if (!f->a || decode_all(f) != 0)
        return -1;
    *state = f;
    return 0;
}

static int teardown(void **state)
{
    fixture *f = *state;
    if (f) {
        asr_destroy(f->a);
        asr_test_rmdir(f->dir);
        free(f);
    }
    return 0;
}

static bool in_grammar(const item *it)
{
    return strcmp(it->expected, "reject") != 0;
}

static const item *find(const fixture *f, const char *text, const char *scale)
{
    for (size_t i = 0; i < f->n; i++) {
        if (strcmp(f->items[i].text, text) == 0 && strcmp(f->items[i].scale, scale) == 0)
            return &f->items[i];
    }
    fail_msg("no corpus file says '%s' on scale %s", text, scale);
    return NULL;
}

static void test_answers_and_commands(void **state)
{
    fixture *f = *state;
    int n = 0, right = 0, wrong = 0;
    for (size_t i = 0; i < f->n; i++) {
        const item *it = &f->items[i];
        if (!in_grammar(it) || it->phrasing)
            continue;
        const char *got = asr_kind_name(it->r.kind, it->r.value);
        n++;
        right += strcmp(got, it->expected) == 0;
        wrong += strcmp(got, it->expected) != 0 && it->r.kind != ASR_REJECT;
        if (strcmp(got, it->expected) != 0)
            print_message("  '%s' (scale %s): %s, heard '%s' conf %.2f\n", it->text, it->scale, got,
                          it->r.transcript, it->r.confidence);
    }
    print_message("held-out voice %s: %d/%d right, %d wrong accepted\n", HELD_OUT_VOICE, right, n, wrong);
    assert_true(n >= 25);
    assert_true(right * 100 >= n * ASR_TEST_FLOOR_PERCENT);
    assert_true(wrong * 100 <= n * ASR_TEST_WRONG_PERCENT);
}

/* Phrases that must never fail on this voice (measured stable across runs and settings). */
static void test_must_pass(void **state)
{
    fixture *f = *state;
    static const struct { const char *text, *scale; asr_kind kind; int value; } must[] = {
        ASR_TEST_MUST_PASS
    };
    for (size_t i = 0; i < sizeof must / sizeof must[0]; i++) {
        const item *it = find(f, must[i].text, must[i].scale);
        if (it->r.kind != must[i].kind || it->r.value != must[i].value)
            fail_msg("'%s' on scale %s gave %s (heard '%s')", must[i].text, must[i].scale,
                     asr_kind_name(it->r.kind, it->r.value), it->r.transcript);
        assert_true(it->r.confidence >= ASR_REJECT_BELOW && it->r.confidence <= 1.0);
        assert_true(it->r.speech_ms > 100 && it->r.speech_ms < it->r.audio_ms);
    }
}

static void test_out_of_grammar_rejected(void **state)
{
    fixture *f = *state;
    int n = 0, rejected = 0;
    for (size_t i = 0; i < f->n; i++) {
        const item *it = &f->items[i];
        if (in_grammar(it) || it->phrasing)
            continue;
        n++;
        rejected += it->r.kind == ASR_REJECT;
        if (it->r.kind != ASR_REJECT)
            print_message("  accepted '%s' (scale %s) as %s, heard '%s' conf %.2f\n", it->text, it->scale,
                          asr_kind_name(it->r.kind, it->r.value), it->r.transcript, it->r.confidence);
        /* non-speech: silence, noise, a cough, a distant voice: always rejected */
        if (strncmp(it->cond, "noise", 5) == 0)
            assert_int_equal(it->r.kind, ASR_REJECT);
    }
    print_message("out of grammar: %d/%d rejected\n", rejected, n);
    assert_true(n >= 10);
    assert_true(rejected * 100 >= n * ASR_TEST_OOG_PERCENT);
}

/* Other ways of answering: the variants the grammar lists are understood; what is between two
 * answers or negated ("pas trop", "pas assez", "moyennement") is never taken for an answer, and
 * neither is a phrasing nobody listed, though it may be rejected. */
static void test_other_phrasings(void **state)
{
    fixture *f = *state;
    int n = 0, right = 0, wrong = 0, listed = 0, listed_right = 0;
    for (size_t i = 0; i < f->n; i++) {
        const item *it = &f->items[i];
        if (!it->phrasing)
            continue;
        const char *got = asr_kind_name(it->r.kind, it->r.value);
        bool is_listed = in_grammar(it) && it->listed;
        n++;
        right += strcmp(got, it->expected) == 0;
        wrong += strcmp(got, it->expected) != 0 && it->r.kind != ASR_REJECT;
        listed += is_listed;
        listed_right += is_listed && strcmp(got, it->expected) == 0;
        if (strcmp(got, it->expected) != 0)
            print_message("  '%s' (scale %s): %s, heard '%s' conf %.2f\n", it->text, it->scale, got,
                          it->r.transcript, it->r.confidence);
    }
    print_message("other phrasings: %d/%d right (listed variants %d/%d), %d wrong accepted\n", right, n,
                  listed_right, listed, wrong);
    assert_true(n >= 25 && listed >= 10);
    assert_true(listed_right * 100 >= listed * ASR_TEST_FLOOR_PERCENT);
    assert_int_equal(wrong, 0);
}

/* The second model is asked exactly when the first is unsure of an answer or a command, or heard
 * nothing; a decoy the first heard ("pas trop") is not overruled; what is not speech is not decoded. */
static void test_second_opinion(void **state)
{
    fixture *f = *state;
    int asked = 0, decoys = 0;
    for (size_t i = 0; i < f->n; i++) {
        const asr_result *r = &f->items[i].r;
        assert_in_range(r->models, 0, 2);
        if (r->models == 0)
            assert_true(r->heard_kind == ASR_REJECT && r->confidence == 0.0);
        if (r->models == 1 && r->heard_kind == ASR_REJECT) {
            assert_true(r->transcript[0] != '\0' && r->confidence == 0.0); /* a decoy, named */
            decoys++;
        } else if (r->models == 1) {
            assert_true(r->confidence >= ASR_SECOND_OPINION_BELOW);
        }
        asked += r->models == 2;
    }
    print_message("decided by the first model alone on a decoy: %d files\n", decoys);
    assert_true(decoys > 0); /* the corpus has out-of-grammar phrases listed as decoys */
    print_message("second opinion asked on %d of %zu files\n", asked, f->n);
    /* out-of-grammar speech makes the first unsure; clean answers it decides alone */
    assert_true(asked > 0 && asked * 2 < (int)f->n);
}

/* A decision depends on the audio alone, not on what was decoded before: every third file, decoded
 * again last to first (each now after other audio, noisy or clean), gets exactly the same result.
 * PocketSphinx's front end keeps a noise estimate from one utterance to the next; without a fresh
 * one per utterance, 21 of 40 benchmark files were decided with other confidences in reverse order. */
static void test_decision_independent_of_history(void **state)
{
    fixture *f = *state;
    int again = 0;
    for (size_t i = f->n; i-- > 0;) {
        if (i % 3 != 0)
            continue;
        asr_result r;
        assert_int_equal(decode(f, i, &r), 0);
        const asr_result *first = &f->items[i].r;
        if (r.confidence != first->confidence || r.heard_kind != first->heard_kind ||
            r.heard_value != first->heard_value || strcmp(r.transcript, first->transcript) != 0)
            fail_msg("%s decided differently the second time: '%s' %.4f, then '%s' %.4f", f->items[i].file,
                     first->transcript, first->confidence, r.transcript, r.confidence);
        again++;
    }
    assert_true(again >= 20);
}

/* The rival pass is skipped only where it cannot matter: with every margin measured (all_evidence),
 * every third file gets the same decision, transcript and number of models; where it was skipped
 * (the margin reported is its floor) the answer is sure both ways, and elsewhere the confidence is the
 * same to the last digit. */
static void test_rival_skipped_only_when_sure(void **state)
{
    fixture *f = *state;
    char err[512];
    asr_config cfg = {.assets_dir = getenv("QLQ_ASSETS_DIR"), .all_evidence = true};
    asr *full = asr_create(&cfg, err, sizeof err);
    assert_non_null(full);
    asr *sure = f->a;
    int skipped = 0, measured = 0;
    f->a = full;
    for (size_t i = 0; i < f->n; i += 3) {
        asr_result r;
        const asr_result *quick = &f->items[i].r;
        assert_int_equal(decode(f, i, &r), 0);
        assert_int_equal(r.kind, quick->kind);
        assert_int_equal(r.value, quick->value);
        assert_int_equal(r.heard_kind, quick->heard_kind);
        assert_int_equal(r.models, quick->models);
        assert_string_equal(r.transcript, quick->transcript);
        if (quick->heard_kind != ASR_REJECT && quick->rival_margin == r.rival_margin) {
            assert_true(r.confidence == quick->confidence);
            measured++;
        } else if (quick->heard_kind != ASR_REJECT) {
            assert_true(quick->confidence >= ASR_SECOND_OPINION_BELOW && r.confidence >= ASR_SECOND_OPINION_BELOW);
            skipped++;
        }
    }
    f->a = sure;
    asr_destroy(full);
    print_message("rival pass skipped on %d answers heard, measured on %d\n", skipped, measured);
    assert_true(skipped > 0 && measured > 0);
}

/* The confidence means something: answers heard right score higher than out-of-grammar speech
 * (by little: the likelihood ratio against a phone loop separates them only weakly, see the bench). */
static void test_confidence_separates(void **state)
{
    fixture *f = *state;
    double in_sum = 0, out_sum = 0;
    int in_n = 0, out_n = 0;
    for (size_t i = 0; i < f->n; i++) {
        const item *it = &f->items[i];
        if (in_grammar(it) && strcmp(asr_kind_name(it->r.heard_kind, it->r.heard_value), it->expected) == 0) {
            in_sum += it->r.confidence;
            in_n++;
        } else if (!in_grammar(it) && strncmp(it->cond, "noise", 5) != 0) {
            out_sum += it->r.confidence;
            out_n++;
        }
    }
    assert_true(in_n > 0 && out_n > 0);
    print_message("mean confidence: right answers %.2f, out-of-grammar speech %.2f\n", in_sum / in_n,
                  out_sum / out_n);
    assert_true(in_sum / in_n > out_sum / out_n + ASR_TEST_CONF_GAP);
}

/* Loud mains hum (50 Hz and harmonics at 100, 150 and 250 Hz, about as loud as the words) over
 * every answer and command of the corpus: the recogniser finds the hum's tones and takes them out,
 * and hears nearly as many answers right as without hum, accepting nothing wrong (measured: 34 of
 * 39 right, none wrong; without the tones taken out, 26 right and 2 wrong). In sound without hum
 * (the whole corpus, speech and non-speech) it finds no tone. */
static void test_mains_hum_taken_out(void **state)
{
    fixture *f = *state;
    int clean_right = 0, hum_right = 0, hum_wrong = 0, n = 0;
    for (size_t i = 0; i < f->n; i++) {
        const item *it = &f->items[i];
        if (it->r.tones_removed != 0)
            fail_msg("%s ('%s', %s): %d tones found where there is none", it->file, it->text, it->cond,
                     it->r.tones_removed);
        if (it->phrasing || !in_grammar(it))
            continue;
        assert_int_equal(asr_test_sh("cd '%s' && d=$(soxi -D '%s') && "
                                     "sox -R -n -r 16000 -c 1 -b 16 hum.wav synth \"$d\" sine 50 sine 100 sine 150 "
                                     "sine 250 remix 1-4 vol 0.07 && sox -R -m -v 1 '%s' -v 1 hum.wav -b 16 hum_%s",
                                     f->dir, it->file, it->file, it->file),
                         0);
        asr_result r = changed_file(f, it, "hum");
        const char *got = asr_kind_name(r.kind, r.value);
        if (r.tones_removed < 3)
            fail_msg("%s: %d of the hum's 4 tones found", it->file, r.tones_removed);
        clean_right += strcmp(asr_kind_name(it->r.kind, it->r.value), it->expected) == 0;
        hum_right += strcmp(got, it->expected) == 0;
        if (strcmp(got, it->expected) != 0 && r.kind != ASR_REJECT) {
            print_message("in hum, %s ('%s'): heard '%s' (%.2f)\n", it->file, it->text, r.transcript, r.confidence);
            hum_wrong++;
        }
        n++;
    }
    print_message("in mains hum: %d of %d right (%d without hum), %d wrong\n", hum_right, n, clean_right, hum_wrong);
    assert_true(n >= 30);
    assert_true(hum_right >= clean_right - 8);
    assert_int_equal(hum_wrong, 0);
}

/* `text` whispered by eSpeak's whispering voice (held out of the models' adaptation). */
static asr_result whisper(fixture *f, size_t i)
{
    const item *it = &f->items[i];
    char name[96];
    snprintf(name, sizeof name, "whisper_%zu", i);
    assert_int_equal(asr_test_say(f->dir, name, "fr-be+whisper", 110, it->text, "pad 0.5 0.5"), 0);
    strcat(name, ".wav");
    asr_result r;
    assert_int_equal(recognize_file(f, name, grammar_of(it->scale), &r), 0);
    /* eSpeak's whisper keeps a little voicing: a long vowel can be found voiced */
    if (r.whispered)
        assert_true(r.models == 2 || (r.heard_kind == ASR_REJECT && r.transcript[0] != '\0')); /* or a decoy */
    else
        print_message("whispered '%s': found voiced\n", it->text);
    return r;
}

/* A patient too weak to speak aloud whispers: every answer, command and out-of-grammar sentence of
 * the held-out corpus, whispered. Each model alone is as sure of a whispered "sept" heard for "cinq"
 * as of a right answer: both must agree. Without that, 9 of 104 whispered files of the benchmark
 * were misheard and accepted; without decoding unvoiced sound at all, none was heard. */
static void test_whispered_answers(void **state)
{
    fixture *f = *state;
    int right = 0, answers = 0, wrong = 0, whispered = 0, n = 0;
    for (size_t i = 0; i < f->n; i++) {
        const item *it = &f->items[i];
        bool spoken = strncmp(it->cond, "noise", 5) != 0; /* the non-speech files are not */
        if (spoken && it->r.whispered)
            fail_msg("%s ('%s', %s): said aloud, taken for a whisper", it->file, it->text, it->cond);
        if (it->phrasing || !spoken || strcmp(it->cond, "clean") != 0)
            continue;
        asr_result r = whisper(f, i);
        const char *got = asr_kind_name(r.kind, r.value);
        answers += in_grammar(it);
        right += in_grammar(it) && strcmp(got, it->expected) == 0;
        if (strcmp(got, it->expected) != 0 && r.kind != ASR_REJECT) {
            print_message("whispered '%s': heard '%s' (%.2f)\n", it->text, r.transcript, r.confidence);
            wrong++;
        }
        whispered += r.whispered;
        n++;
    }
    print_message("whispered: %d of %d answers and commands right, %d of %d files wrong; %d without voicing\n",
                  right, answers, wrong, n, whispered);
    assert_true(answers >= 30 && n > answers);
    assert_true(right * 100 >= answers * ASR_TEST_WHISPER_PERCENT);
    assert_true(wrong <= 1);
    assert_true(whispered * 10 >= n * 8);
}

/* Whispered at three pitches, "cinq" was heard "sept" (0.96-0.99) and "deux" "un" (0.91-0.97) by the
 * first model alone, and by the second alone in some of them: taken only when both agree, each is
 * heard right or asked again, never misheard. */
static void test_whispered_confusions_not_accepted(void **state)
{
    fixture *f = *state;
    static const struct {
        const char *text;
        asr_grammar g;
        const char *expected;
    } said[] = {{"cinq", ASR_GRAMMAR_SCALE7, "5"}, {"deux", ASR_GRAMMAR_SCALE4, "2"}};
    static const int pitches[] = {35, 50, 70};
    for (size_t i = 0; i < sizeof said / sizeof said[0]; i++) {
        for (size_t p = 0; p < sizeof pitches / sizeof pitches[0]; p++) {
            assert_int_equal(asr_test_sh("cd '%s' && espeak-ng -v fr-be+whisper -s 110 -p %d -a 80 -w raw.wav '%s' && "
                                         "sox -R raw.wav -r 16000 -c 1 -b 16 confusion.wav pad 0.5 0.5",
                                         f->dir, pitches[p], said[i].text),
                             0);
            asr_result r;
            assert_int_equal(recognize_file(f, "confusion.wav", said[i].g, &r), 0);
            const char *got = asr_kind_name(r.kind, r.value);
            print_message("whispered '%s' at pitch %d: %s ('%s', %.2f)\n", said[i].text, pitches[p], got, r.transcript,
                          r.confidence);
            assert_true(r.whispered);
            assert_true(strcmp(got, said[i].expected) == 0 || r.kind == ASR_REJECT);
        }
    }
}

/* The held-out voice's answers and commands in white noise 6 dB under the file's level (the words,
 * without the silence around them, about 10 dB over it): most are heard, and what is not is asked
 * again, not misheard. A short word heard in such noise is heard by both models: the first alone heard
 * "cinq" as "un" at 0.91 here. Measured: 32 of 39 right, none wrong. */
static void test_answers_in_white_noise(void **state)
{
    fixture *f = *state;
    int right = 0, answers = 0, wrong = 0, noisy = 0;
    for (size_t i = 0; i < f->n; i++) {
        const item *it = &f->items[i];
        if (it->phrasing || !in_grammar(it) || strcmp(it->cond, "clean") != 0)
            continue;
        assert_int_equal(asr_test_sh("cd '%s' && d=$(soxi -D '%s') && "
                                     "sox -R -n -r 16000 -c 1 -b 16 white.wav synth \"$d\" whitenoise vol 0.3 && "
                                     "s=$(sox '%s' -n stat 2>&1 | awk '/RMS +amplitude/ {print $3}') && "
                                     "n=$(sox white.wav -n stat 2>&1 | awk '/RMS +amplitude/ {print $3}') && "
                                     "sox -R -m -v 1 '%s' -v $(awk -v s=$s -v n=$n 'BEGIN {print s / n / 10 ^ 0.3}') "
                                     "white.wav -b 16 white_%s",
                                     f->dir, it->file, it->file, it->file, it->file),
                         0);
        asr_result r = changed_file(f, it, "white");
        const char *got = asr_kind_name(r.kind, r.value);
        noisy += r.snr_db < 13.0;
        if (r.heard_kind != ASR_REJECT && r.snr_db < 13.0 && r.phones <= 3 && r.models != 2)
            fail_msg("%s: '%s' (%d phones) heard in noise by one model", it->file, r.transcript, r.phones);
        right += strcmp(got, it->expected) == 0;
        if (strcmp(got, it->expected) != 0 && r.kind != ASR_REJECT) {
            print_message("in white noise, '%s': heard '%s' (%.2f)\n", it->text, r.transcript, r.confidence);
            wrong++;
        }
        answers++;
    }
    print_message("in white noise: %d of %d answers and commands right, %d wrong; %d with the words under 13 dB "
                  "over the noise\n", right, answers, wrong, noisy);
    assert_true(answers >= 30);
    assert_true(noisy * 2 >= answers);
    assert_true(right * 100 >= answers * ASR_TEST_NOISY_PERCENT);
    assert_int_equal(wrong, 0);
}

/* name (a WAV file of the fixture) as heard in a hard-walled room: sox's reverberance at `percent`,
 * as make-corpus --noises reverb makes it, into out. */
static void in_echo(fixture *f, const char *name, int percent, const char *out)
{
    assert_int_equal(asr_test_sh("cd '%s' && sox -R '%s' '%s' reverb %d 50 80", f->dir, name, out, percent), 0);
}

/* The held-out voice's answers and commands in a room with echo (reverberance 50 %): the echo is
 * heard in (nearly) all of them and in none of the files said in a quiet room, and nothing is
 * misheard: the two models must agree. In the benchmark (bench/asr_run.sh --reverb), 4.5 % of
 * answers in such echo were misheard and accepted before. */
static void test_echoing_answers(void **state)
{
    fixture *f = *state;
    int right = 0, answers = 0, wrong = 0, echoing = 0, dry = 0;
    for (size_t i = 0; i < f->n; i++) {
        const item *it = &f->items[i];
        if (strcmp(it->cond, "clean") != 0)
            continue;
        if (it->r.echoing)
            fail_msg("%s ('%s'): said in a quiet room, heard as echo (%.0f ms)", it->file, it->text, it->r.decay_ms);
        dry++;
        if (it->phrasing || !in_grammar(it))
            continue;
        char name[96];
        snprintf(name, sizeof name, "echo_%s", it->file);
        in_echo(f, it->file, 50, name);
        asr_result r = changed_file(f, it, "echo");
        const char *got = asr_kind_name(r.kind, r.value);
        right += strcmp(got, it->expected) == 0;
        if (strcmp(got, it->expected) != 0 && r.kind != ASR_REJECT) {
            print_message("in echo, '%s': heard '%s' (%.2f)\n", it->text, r.transcript, r.confidence);
            wrong++;
        }
        echoing += r.echoing;
        answers++;
    }
    print_message("in echo: %d of %d answers and commands right, %d wrong, %d heard as echo; %d files said in a "
                  "quiet room, none heard as echo\n", right, answers, wrong, echoing, dry);
    assert_true(answers >= 30 && dry > answers);
    assert_true(echoing * 10 >= answers * 9);
    assert_true(right * 100 >= answers * ASR_TEST_ECHO_PERCENT);
    assert_int_equal(wrong, 0);
}

/* "deux" said by a child-like voice in strong echo (reverberance 90 %) was heard "quatre", its
 * vowel lengthened by the echo, at 0.91-0.92 by the first model at each of three pitches: heard
 * right or asked again now, never misheard. */
static void test_echo_confusions_not_accepted(void **state)
{
    fixture *f = *state;
    static const int pitches[] = {35, 50, 70};
    for (size_t p = 0; p < sizeof pitches / sizeof pitches[0]; p++) {
        assert_int_equal(asr_test_sh("cd '%s' && espeak-ng -v fr-ch+f3 -s 150 -p %d -w raw.wav deux && "
                                     "sox -R raw.wav -r 16000 -c 1 -b 16 dry.wav pad 0.5 0.5",
                                     f->dir, pitches[p]),
                         0);
        in_echo(f, "dry.wav", 90, "deux.wav");
        asr_result dry, r;
        assert_int_equal(recognize_file(f, "dry.wav", ASR_GRAMMAR_SCALE4, &dry), 0);
        assert_int_equal(recognize_file(f, "deux.wav", ASR_GRAMMAR_SCALE4, &r), 0);
        const char *got = asr_kind_name(r.kind, r.value);
        print_message("'deux' at pitch %d: dry %s (decay %.0f ms); in echo %s ('%s', %.2f, decay %.0f ms)\n", pitches[p],
                      asr_kind_name(dry.kind, dry.value), dry.decay_ms, got, r.transcript, r.confidence, r.decay_ms);
        assert_false(dry.echoing);
        assert_true(r.echoing);
        assert_true(strcmp(got, "2") == 0 || r.kind == ASR_REJECT);
    }
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_answers_and_commands),
        cmocka_unit_test(test_must_pass),
        cmocka_unit_test(test_out_of_grammar_rejected),
        cmocka_unit_test(test_other_phrasings),
        cmocka_unit_test(test_confidence_separates),
        cmocka_unit_test(test_second_opinion),
        cmocka_unit_test(test_decision_independent_of_history),
        cmocka_unit_test(test_rival_skipped_only_when_sure),
        cmocka_unit_test(test_mains_hum_taken_out),
        cmocka_unit_test(test_whispered_answers),
        cmocka_unit_test(test_whispered_confusions_not_accepted),
        cmocka_unit_test(test_answers_in_white_noise),
        cmocka_unit_test(test_echoing_answers),
        cmocka_unit_test(test_echo_confusions_not_accepted),
    };
    return cmocka_run_group_tests(tests, setup, teardown);
}
