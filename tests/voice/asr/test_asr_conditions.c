/* The recogniser on the held-out voice of test_asr_recognize.c in adverse conditions made at test time:
 * loud mains hum, white noise, whispered, and in a room with echo. Nothing may be misheard there; what
 * is not heard is asked again. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <cmocka.h>

#include "asr_recognize_fixture.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* Floors: what was measured on the voice, less a margin (whispered 32 of 39 answers right, in white
 * noise 34 (32 before the room's noise was suppressed, voice/asr/asr_denoise.c), in echo 36). */
#define ASR_TEST_WHISPER_PERCENT 70
#define ASR_TEST_ECHO_PERCENT 50
#define ASR_TEST_NOISY_PERCENT 50
#define ASR_TEST_CUT_PERCENT 85

/* Loud mains hum (50 Hz and harmonics at 100, 150 and 250 Hz, about as loud as the words) over
 * every answer and command of the corpus: the recogniser finds the hum's tones and takes them out,
 * and hears nearly as many answers right as without hum, accepting nothing wrong (measured: 34 of
 * 39 right, none wrong; without the tones taken out, 26 right and 2 wrong). In sound without hum
 * (the whole corpus, speech and non-speech) it finds no tone. */
void test_mains_hum_taken_out(void **state)
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

/* One decision of a changed file of `it` counted: an answer or command (right or not), or anything
 * taken for what was not said (printed). */
static void count_decision(const item *it, const asr_result *r, const char *how, int *answers, int *right, int *wrong)
{
    const char *got = asr_kind_name(r->kind, r->value);
    *answers += in_grammar(it);
    *right += in_grammar(it) && strcmp(got, it->expected) == 0;
    if (strcmp(got, it->expected) != 0 && r->kind != ASR_REJECT) {
        print_message("%s, '%s': heard '%s' (%.2f)\n", how, it->text, r->transcript, r->confidence);
        (*wrong)++;
    }
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
    assert_int_equal(recognize_file(f, name, asr_test_grammar(it->scale), &r), 0);
    /* eSpeak's whisper keeps a little voicing: a long vowel can be found voiced */
    if (r.whispered)
        assert_true(r.models >= 2 || (r.heard_kind == ASR_REJECT && r.transcript[0] != '\0')); /* or a decoy */
    else
        print_message("whispered '%s': found voiced\n", it->text);
    return r;
}

/* A patient too weak to speak aloud whispers: every answer, command and out-of-grammar sentence of
 * the held-out corpus, whispered. Each model alone is as sure of a whispered "sept" heard for "cinq"
 * as of a right answer: both must agree. Without that, 9 of 104 whispered files of the benchmark
 * were misheard and accepted; without decoding unvoiced sound at all, none was heard. */
void test_whispered_answers(void **state)
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
        count_decision(it, &r, "whispered", &answers, &right, &wrong);
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
void test_whispered_confusions_not_accepted(void **state)
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
 * "cinq" as "un" at 0.91 here. Measured: 34 of 39 right, none wrong (32 before the noise was
 * suppressed; with it but nothing of the noise kept under the cleaned sound, 35 right and 2 wrong:
 * "un" heard "un peu", "oui" "un peu oui", see asr_denoise.c). */
void test_answers_in_white_noise(void **state)
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
        if (r.heard_kind != ASR_REJECT && r.snr_db < 13.0 && r.phones <= 3 && r.models < 2)
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

/* Recordings cut at their words, as recorded answers may be given to qlq-recognize: every answer,
 * command and out-of-grammar sentence of the corpus with its silence cut where the sound first and
 * last passes 0.5 % of full scale. The endpointer learnt the room from the words themselves and found
 * no speech, or only its end: of the benchmark's held-out voices cut so, 23 % of the answers were
 * heard right and 3.5 % of all files taken for what was not said; now 94 % and 1.0 %. Here, of the 39
 * answers and commands right before the cut: 37 after it, 1 file wrong ("quatre" cut to "atre", heard
 * "un"); the endpointer before: 15 right, 2 wrong ("au revoir" heard "trois", "pardon" "non"). */
void test_recordings_cut_at_the_words(void **state)
{
    fixture *f = *state;
    int right = 0, answers = 0, wrong = 0;
    for (size_t i = 0; i < f->n; i++) {
        const item *it = &f->items[i];
        if (it->phrasing || strcmp(it->cond, "clean") != 0)
            continue;
        assert_int_equal(asr_test_sh("cd '%s' && sox '%s' cut_%s silence 1 0.01 0.5%% reverse silence 1 0.01 0.5%% "
                                     "reverse",
                                     f->dir, it->file, it->file),
                         0);
        asr_result r = changed_file(f, it, "cut");
        count_decision(it, &r, "cut at the words", &answers, &right, &wrong);
    }
    print_message("cut at the words: %d of %d answers and commands right, %d files wrong\n", right, answers, wrong);
    assert_true(answers >= 30);
    assert_true(right * 100 >= answers * ASR_TEST_CUT_PERCENT);
    assert_true(wrong <= 1);
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
void test_echoing_answers(void **state)
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
void test_echo_confusions_not_accepted(void **state)
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


/* "cinq" and "sept" differ for the first model only in a nasal vowel its phones lack: said softly by
 * eSpeak variants no corpus had used (amplitude 50 of 200) and trimmed where the sound falls under
 * -46 dBFS, as the corpus generator does (the soft release of the final K is lost, as when a patient
 * trails off), "cinq" was taken for "sept" by it, sure (0.96-0.98). fr.phrases' "agree" line makes
 * both models hear such answers: none is taken for "sept" with the shipped phrases, while the same
 * recogniser without that line takes most; said at a normal level the same voices' "cinq" is still
 * taken (measured: 5 of 5 soft ones "sept" without the line, none with it; 5 of 5 loud ones right). */
void test_alike_answers_heard_by_both(void **state)
{
    fixture *f = *state;
    static const char *const voices[] = {"fr+Henrique", "fr+ed", "fr+edward2", "fr+pablo", "fr+robosoft7"};
    enum { N_VOICES = sizeof voices / sizeof voices[0] };
    char err[512], assets[700], name[32];
    snprintf(assets, sizeof assets, "%s/assets-without-agree", f->dir);
    assert_int_equal(asr_test_sh("mkdir -p '%s' && cp -r '%s/voice' '%s/' && sed -i '/^[^#]* agree /d' '%s/voice/fr.phrases'",
                                 assets, getenv("QLQ_ASSETS_DIR"), assets, assets),
                     0);
    asr_config cfg = {.assets_dir = assets, .en_dict = ""};
    asr *alone = asr_create(&cfg, err, sizeof err);
    assert_non_null(alone);
    asr *shipped = f->a;
    int soft_sept = 0, soft_sept_alone = 0, loud_right = 0;
    for (size_t v = 0; v < N_VOICES; v++) {
        for (int amplitude = 50; amplitude <= 110; amplitude += 60) {
            snprintf(name, sizeof name, "alike_%zu_%d.wav", v, amplitude);
            assert_int_equal(asr_test_sh("cd '%s' && espeak-ng -v %s -s 160 -p 50 -a %d -w raw.wav cinq && "
                                         "sox -R -V1 raw.wav -r 16000 -c 1 -b 16 %s silence 1 0.01 0.5%% reverse "
                                         "silence 1 0.01 0.5%% reverse pad 0.5 0.5",
                                         f->dir, voices[v], amplitude, name),
                             0);
            asr_result with, without;
            assert_int_equal(recognize_file(f, name, ASR_GRAMMAR_SCALE7, &with), 0);
            f->a = alone;
            assert_int_equal(recognize_file(f, name, ASR_GRAMMAR_SCALE7, &without), 0);
            f->a = shipped;
            print_message("'cinq' by %s at amplitude %d: %s ('%s', %.2f); without the agree line %s ('%s', %.2f)\n",
                          voices[v], amplitude, asr_kind_name(with.kind, with.value), with.transcript, with.confidence,
                          asr_kind_name(without.kind, without.value), without.transcript, without.confidence);
            bool sept = with.kind == ASR_ANSWER && with.value == 7;
            assert_false(sept);
            soft_sept += amplitude == 50 && sept;
            soft_sept_alone += amplitude == 50 && without.kind == ASR_ANSWER && without.value == 7;
            loud_right += amplitude == 110 && with.kind == ASR_ANSWER && with.value == 5;
        }
    }
    asr_destroy(alone);
    assert_int_equal(soft_sept, 0);
    assert_true(soft_sept_alone >= 3);
    assert_true(loud_right >= 4);
}
