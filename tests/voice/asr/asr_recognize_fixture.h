/* asr_recognize_fixture.h - the recogniser's tests on real speech share one fixture: the corpus of one
 * held-out voice, generated at test time by tools/corpus/make-corpus.sh, and each file's decision. */
#ifndef ASR_RECOGNIZE_FIXTURE_H
#define ASR_RECOGNIZE_FIXTURE_H

#include "asr_test_util.h"

#include <stdbool.h>
#include <stddef.h>

/* never used to tune the lexicon or adapt the models */
#define HELD_OUT_VOICE "fr+m6"

typedef struct {
    char file[64], expected[16], scale[8], cond[16], text[96];
    char sub[16];  /* subfolder of its corpus: "", "phrasings/", "hedged/" or "confirm/" */
    bool phrasing; /* from one of the phrasings-*fr.tsv files, in a subfolder */
    bool hedged;   /* from phrasings-hedged-fr.tsv: answers wrapped in other words, and hedges */
    bool confirm;  /* from phrasings-confirm-fr.tsv: confirmations, refusals, more ways of answering */
    bool listed;   /* a phrasing the kiosk's grammar (fr.phrases) lists as an answer or command */
    asr_result r;
} item;

typedef struct {
    char *dir;
    asr *a;
    item items[256];
    size_t n;
} fixture;

/* dir/name (a WAV file in the fixture's folder) recognised against grammar g. */
int recognize_file(fixture *f, const char *name, asr_grammar g, asr_result *r);
/* The fixture's file of `it` as changed by a sox command that wrote it as <prefix>_<file>, recognised
 * against its scale. */
asr_result changed_file(fixture *f, const item *it, const char *prefix);
/* The fixture's i-th file recognised again. */
int decode(fixture *f, size_t i, asr_result *r);
bool in_grammar(const item *it);
const item *find(const fixture *f, const char *text, const char *scale);
/* cmocka group setup and teardown: the corpus made and every file decided once. */
int fixture_setup(void **state);
int fixture_teardown(void **state);

/* test_asr_conditions.c: the same voice in adverse conditions (hum, white noise, whisper, echo), and
 * answers other voices make alike. */
void test_mains_hum_taken_out(void **state);
void test_whispered_answers(void **state);
void test_whispered_confusions_not_accepted(void **state);
void test_answers_in_white_noise(void **state);
void test_recordings_cut_at_the_words(void **state);
void test_echoing_answers(void **state);
void test_echo_confusions_not_accepted(void **state);
void test_alike_answers_heard_by_both(void **state);

#endif
