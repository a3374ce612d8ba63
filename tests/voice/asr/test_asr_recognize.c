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

#include "asr_recognize_fixture.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* Measured on this voice with the French-adapted model (assets/voice/model-fr): 39/39 in-grammar
 * right (with the other phrasings: "un tout petit peu", "pardon", "d'accord"...), 0 wrong accepted,
 * 19/19 out-of-grammar rejected, mean confidence 0.99 right vs 0.68 out of grammar; with Debian's
 * US-English model it was 82-89 % right, 4-7 % wrong accepted, 76 % rejected.
 * The floors leave a margin under that for other builds of espeak-ng and PocketSphinx. */
#define ASR_TEST_FLOOR_PERCENT 88
#define ASR_TEST_WRONG_PERCENT 5
#define ASR_TEST_OOG_PERCENT 85
#define ASR_TEST_CONF_GAP 0.1
#define ASR_TEST_MORE_SAID_TAKEN 3
#define ASR_TEST_MORE_SAID_REJECTED 4
#define ASR_TEST_MUST_PASS                                                                              \
    {"pas du tout", "4", ASR_ANSWER, 1}, {"trois", "4", ASR_ANSWER, 3}, {"beaucoup", "4", ASR_ANSWER, 4}, \
        {"six", "7", ASR_ANSWER, 6}, {"répéter", "4", ASR_REPEAT, 0}, {"retour", "7", ASR_BACK, 0},         \
        {"je ne sais pas", "4", ASR_DONTKNOW, 0}, {"oui", "yesno", ASR_YES, 0}

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
        double below = it->r.kind == ASR_ANSWER ? ASR_ANSWER_REJECT_BELOW : ASR_REJECT_BELOW;
        assert_true(it->r.confidence >= below && it->r.confidence <= 1.0);
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

/* Speech that holds an answer's words but is no answer: a sentence whose end sounds like one ("il fait
 * froid ici", "c'est trois"), and a hesitation between two answers ("assez ou beaucoup": "ou" sounds
 * like "oui", and "assez oui" is an answer). Three voices, clean and in white noise and babble. The
 * recogniser before took 34 of these 120 files for an answer (the hesitations heard "un peu oui" and
 * "assez oui"); now the hesitations are decoys (fr.phrases) and a phrase that leaves sound as loud as
 * its words outside it is not taken (said_more: "il fait" of "il fait froid ici" in babble, heard "c'est
 * trois" at 0.97 before). Measured: 1 taken ("il fait beau aujourd'hui" in white noise heard "disons
 * très mauvais"), 10 rejected for more said. Answers said alone are never taken for part of more. */
static void test_more_said_than_an_answer(void **state)
{
    fixture *f = *state;
    for (size_t i = 0; i < f->n; i++) {
        const item *it = &f->items[i];
        if (in_grammar(it) && !it->phrasing && it->r.said_more)
            fail_msg("'%s' said alone: taken for part of what was said (%.0f ms outside)", it->text, it->r.outside_ms);
    }
    static const char *const said[][2] = {{"4", "il fait froid ici"},
                                          {"4", "j'ai mal au dos depuis hier"},
                                          {"4", "un peu ou assez"},
                                          {"4", "assez ou beaucoup"},
                                          {"7", "il fait beau aujourd'hui"}};
    char path[600], line[512];
    snprintf(path, sizeof path, "%s/more.tsv", f->dir);
    FILE *phrases = fopen(path, "w");
    assert_non_null(phrases);
    for (size_t i = 0; i < sizeof said / sizeof said[0]; i++)
        fprintf(phrases, "reject\t%s\theldout\t%s\n", said[i][0], said[i][1]);
    fclose(phrases);
    assert_int_equal(asr_test_sh("cd '%s' && '%s' --sets heldout --voices 'fr+m6 fr+f1 fr-be+m1' --phrases more.tsv "
                                 "--no-nonspeech more >/dev/null 2>&1",
                                 f->dir, QLQ_CORPUS_SCRIPT),
                     0);
    snprintf(path, sizeof path, "%s/more/manifest.tsv", f->dir);
    FILE *m = fopen(path, "r");
    assert_non_null(m);
    int n = 0, taken = 0, said_more = 0;
    while (fgets(line, sizeof line, m)) {
        asr_test_manifest_row row;
        if (!asr_test_manifest_row_parse(line, &row))
            continue;
        char name[96];
        snprintf(name, sizeof name, "more/%s", row.file);
        asr_result r;
        assert_int_equal(recognize_file(f, name, asr_test_grammar(row.scale), &r), 0);
        n++;
        said_more += r.said_more;
        if (r.kind != ASR_REJECT) {
            taken++;
            print_message("  '%s' (%s, %s): taken as %s, heard '%s' conf %.2f\n", row.text, row.voice, row.cond,
                          asr_kind_name(r.kind, r.value), r.transcript, r.confidence);
        }
    }
    fclose(m);
    print_message("no answer but an answer's words: %d of %d taken, %d rejected for more said than the phrase\n",
                  taken, n, said_more);
    assert_true(n >= 100);
    assert_true(taken <= ASR_TEST_MORE_SAID_TAKEN);
    assert_true(said_more >= ASR_TEST_MORE_SAID_REJECTED);
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
        if (!it->phrasing || it->hedged || it->confirm)
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

/* What a subcorpus's files gave: answers (and commands) right, hedges or other non-answers, and
 * anything taken for what was not said; each mistake is printed. */
typedef struct {
    int answers, right, others, wrong;
} tally;

static tally tally_of(const fixture *f, bool (*member)(const item *))
{
    tally t = {0};
    for (size_t i = 0; i < f->n; i++) {
        const item *it = &f->items[i];
        if (!member(it))
            continue;
        const char *got = asr_kind_name(it->r.kind, it->r.value);
        bool is_answer = in_grammar(it);
        t.answers += is_answer;
        t.others += !is_answer;
        t.right += is_answer && strcmp(got, it->expected) == 0;
        t.wrong += strcmp(got, it->expected) != 0 && it->r.kind != ASR_REJECT;
        if (strcmp(got, it->expected) != 0)
            print_message("  '%s' (scale %s): %s, heard '%s' conf %.2f\n", it->text, it->scale, got,
                          it->r.transcript, it->r.confidence);
    }
    return t;
}

static bool is_hedged(const item *it)
{
    return it->hedged;
}

static bool is_confirmation(const item *it)
{
    return it->confirm;
}

/* Answers wrapped in the words people put around them ("je dirais pas du tout", "c'est deux", "six sur
 * sept") are understood: before fr.phrases listed those words, "c'est deux" on the 7-point scale was
 * heard "sept" and "je dirais pas du tout" "je ne sais pas", both accepted. Hedges that are no answer
 * ("je dirais pas beaucoup", "entre quatre et cinq") are never taken for one. */
static void test_hedged_answers(void **state)
{
    tally t = tally_of(*state, is_hedged);
    print_message("hedged answers: %d/%d right, %d hedges, %d wrong accepted\n", t.right, t.answers, t.others,
                  t.wrong);
    assert_true(t.answers >= 20 && t.others >= 5);
    assert_true(t.right * 100 >= t.answers * ASR_TEST_FLOOR_PERCENT);
    assert_int_equal(t.wrong, 0);
}

/* An answer read back is confirmed or refused in many words ("tout à fait", "c'est pas ça",
 * "absolument pas"), and a few more ways of answering ("jamais", "le cinq"): all understood, none
 * taken for what was not said. Before fr.phrases listed them, "c'est pas ça" was heard "c'est ça" and
 * taken for yes (the misheard answer stored) and "je ne suis pas sûr" for "je ne sais pas". */
static void test_confirmations(void **state)
{
    tally t = tally_of(*state, is_confirmation);
    print_message("confirmations and more answers: %d/%d right, %d not answers, %d wrong accepted\n", t.right,
                  t.answers, t.others, t.wrong);
    assert_true(t.answers >= 20 && t.others >= 3);
    assert_true(t.right * 100 >= t.answers * ASR_TEST_FLOOR_PERCENT);
    assert_int_equal(t.wrong, 0);
    const item *refused = find(*state, "c'est pas ça", "yesno");
    assert_int_equal(refused->r.kind, ASR_NO);
}

/* The second model is asked exactly when the first is unsure of an answer or a command, or heard
 * nothing; a decoy the first heard ("pas trop") is not overruled; what is not speech is not decoded. */
static void test_second_opinion(void **state)
{
    fixture *f = *state;
    int asked = 0, decoys = 0;
    for (size_t i = 0; i < f->n; i++) {
        const asr_result *r = &f->items[i].r;
        assert_in_range(r->models, 0, 3);
        if (r->models == 0)
            assert_true(r->heard_kind == ASR_REJECT && r->confidence == 0.0);
        if (r->models == 1 && r->heard_kind == ASR_REJECT) {
            assert_true(r->transcript[0] != '\0' && r->confidence == 0.0); /* a decoy, named */
            decoys++;
        } else if (r->models == 1) {
            assert_true(r->confidence >= ASR_SECOND_OPINION_BELOW);
        }
        asked += r->models >= 2;
    }
    print_message("decided by the first model alone on a decoy: %d files\n", decoys);
    assert_true(decoys > 0); /* the corpus has out-of-grammar phrases listed as decoys */
    print_message("second opinion asked on %d of %zu files\n", asked, f->n);
    /* out-of-grammar speech makes the first unsure; clean answers it decides alone */
    assert_true(asked > 0 && asked * 2 < (int)f->n);
}

/* The shipped recogniser without its third opinion, to compare with. */
static asr *without_third_opinion(void)
{
    char err[512];
    asr_config two = {.assets_dir = getenv("QLQ_ASSETS_DIR"), .fr_third_hmm_dir = ""};
    asr *a = asr_create(&two, err, sizeof err);
    if (!a)
        fail_msg("asr_create: %s", err);
    return a;
}

/* The third opinion (the CMU Sphinx French model as published) only ever makes a phrase the first two
 * were unsure of one the kiosk reads back for a "oui": against the same recogniser without it, a file
 * it was asked about has the same phrase heard, at a confidence from 0.3 to under the threshold, and
 * keeps it or gets exactly the threshold (under ASR_CONFIRM_BELOW); every other file is decided
 * exactly alike. */
static void test_third_opinion(void **state)
{
    fixture *f = *state;
    const char *third = asr_third_model_dir(f->a, ASR_LANG_FR);
    assert_non_null(third);
    assert_string_equal(third + strlen(third) - strlen("voice/model-fr-cmu"), "voice/model-fr-cmu");
    asr *without = without_third_opinion();
    assert_null(asr_third_model_dir(without, ASR_LANG_FR));
    asr *with = f->a;
    f->a = without;
    int asked = 0, agreed = 0, alike = 0;
    for (size_t i = 0; i < f->n; i++) {
        const asr_result *r = &f->items[i].r;
        if (r->models != 3 && i % 3 != 0)
            continue;
        asr_result two_models;
        assert_int_equal(decode(f, i, &two_models), 0);
        if (r->tempo != 1.0 || two_models.tempo != 1.0)
            continue; /* said slowly: the decision at the new pace is compared with the one as said */
        assert_int_equal(r->heard_kind, two_models.heard_kind);
        assert_int_equal(r->heard_value, two_models.heard_value);
        assert_string_equal(r->transcript, two_models.transcript);
        if (r->models != 3) {
            assert_true(r->confidence == two_models.confidence);
            assert_int_equal(r->kind, two_models.kind);
            alike++;
            continue;
        }
        double threshold = r->heard_kind == ASR_ANSWER ? ASR_ANSWER_REJECT_BELOW : ASR_REJECT_BELOW;
        assert_int_equal(two_models.kind, ASR_REJECT);
        assert_true(two_models.confidence >= 0.3 && two_models.confidence < threshold);
        if (r->confidence == two_models.confidence) {
            assert_int_equal(r->kind, ASR_REJECT);
        } else {
            assert_true(r->confidence == threshold && r->confidence < ASR_CONFIRM_BELOW);
            assert_int_equal(r->kind, r->heard_kind);
            assert_int_equal(r->value, r->heard_value);
            agreed++;
        }
        asked++;
    }
    f->a = with;
    asr_destroy(without);
    print_message("third opinion asked on %d files, agreed on %d; %d other files decided alike\n", asked, agreed, alike);
    assert_true(asked > 0 && alike > 0);
}

/* Where the third opinion matters: voices the adapted models know less well. Answers and commands said by
 * eSpeak voices none of the models was adapted with, at pitches and loudnesses the benchmark draws
 * (tools/corpus/make-corpus.sh), decided with and without the third opinion: a result changes only from
 * asked again to the phrase said, read back; most of these are won back. On the benchmark's eSpeak
 * voices not used in adapting (--other-voices) the third opinion won 10 files back for 4 taken wrong;
 * on MBROLA's and Pico's voices (--other-engines), clean answers 50.4 -> 61.4 %. */
static void test_third_opinion_wins_back(void **state)
{
    static const struct {
        const char *voice;
        int speed, pitch, amplitude;
        const char *text, *scale, *expected;
    } said[] = {
        {"fr-ch+zac", 110, 50, 50, "quatre", "4", "4"},
        {"fr-ch+zac", 110, 70, 50, "un tout petit peu", "4", "2"},
        {"fr+travis", 240, 50, 80, "aucune idée", "7", "dontknow"},
        {"fr+travis", 240, 35, 50, "aucune idée", "4", "dontknow"},
        {"fr+Marco", 110, 35, 50, "répétez", "7", "repeat"},
        {"fr+Marco", 110, 50, 50, "répétez", "7", "repeat"},
        {"fr+Marco", 240, 50, 110, "deux", "4", "2"},
        {"fr+travis", 110, 50, 80, "répéter", "4", "repeat"},
    };
    enum { SAID = sizeof said / sizeof said[0] };
    fixture *f = *state;
    char name[64];
    asr *without = without_third_opinion();
    asr *with = f->a;
    int won = 0;
    for (int i = 0; i < SAID; i++) {
        /* trimmed to the words and padded, as make-corpus.sh does */
        snprintf(name, sizeof name, "third_%d", i);
        assert_int_equal(asr_test_say_pitched(f->dir, name, said[i].voice, said[i].speed, said[i].pitch,
                                              said[i].amplitude, said[i].text,
                                              "silence 1 0.01 0.5% reverse silence 1 0.01 0.5% reverse pad 0.5 0.5"),
                         0);
        strcat(name, ".wav");
        asr_grammar g = asr_test_grammar(said[i].scale);
        asr_result r3, r2;
        assert_int_equal(recognize_file(f, name, g, &r3), 0);
        f->a = without;
        assert_int_equal(recognize_file(f, name, g, &r2), 0);
        f->a = with;
        const char *got3 = asr_kind_name(r3.kind, r3.value), *got2 = asr_kind_name(r2.kind, r2.value);
        print_message("'%s' by %s at %d words/min, pitch %d, amplitude %d: %s ('%s', %.2f, %d models); without "
                      "the third %s (%.2f)\n",
                      said[i].text, said[i].voice, said[i].speed, said[i].pitch, said[i].amplitude, got3,
                      r3.transcript, r3.confidence, r3.models, got2, r2.confidence);
        if (strcmp(got3, got2) != 0) {
            assert_int_equal(r2.kind, ASR_REJECT);
            assert_string_equal(got3, said[i].expected);
            assert_true(r3.confidence < ASR_CONFIRM_BELOW);
            won++;
        }
    }
    asr_destroy(without);
    print_message("won back by the third opinion: %d of %d\n", won, SAID);
    assert_true(won * 2 >= SAID);
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

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_answers_and_commands),
        cmocka_unit_test(test_must_pass),
        cmocka_unit_test(test_out_of_grammar_rejected),
        cmocka_unit_test(test_more_said_than_an_answer),
        cmocka_unit_test(test_other_phrasings),
        cmocka_unit_test(test_hedged_answers),
        cmocka_unit_test(test_confirmations),
        cmocka_unit_test(test_confidence_separates),
        cmocka_unit_test(test_second_opinion),
        cmocka_unit_test(test_third_opinion),
        cmocka_unit_test(test_third_opinion_wins_back),
        cmocka_unit_test(test_decision_independent_of_history),
        cmocka_unit_test(test_rival_skipped_only_when_sure),
        cmocka_unit_test(test_mains_hum_taken_out),
        cmocka_unit_test(test_whispered_answers),
        cmocka_unit_test(test_whispered_confusions_not_accepted),
        cmocka_unit_test(test_answers_in_white_noise),
        cmocka_unit_test(test_recordings_cut_at_the_words),
        cmocka_unit_test(test_echoing_answers),
        cmocka_unit_test(test_echo_confusions_not_accepted),
        cmocka_unit_test(test_alike_answers_heard_by_both),
    };
    return cmocka_run_group_tests(tests, fixture_setup, fixture_teardown);
}
