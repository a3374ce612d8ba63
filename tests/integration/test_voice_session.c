/*
 * End to end by voice: a whole CONTINUOUS session of the real qlq-kiosk answered from WAV files made
 * by the real eSpeak NG and decoded by the real PocketSphinx, the speaker written to a WAV file.
 * The database must hold VOICE responses with their transcripts and confidences. In French one answer
 * is whispered: the kiosk reads it back and stores it only after "oui", however sure the recogniser
 * is. In English the answers are said by a voice the English model was not adapted with.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include <cmocka.h>
#include <sqlite3.h>

#include "db_query.h"
#include "kiosk_driver.h"

enum { WAIT_MS = 120000 };

/* What the patient says for each item, and the score it means. */
typedef struct {
    const char *words;
    int score;
} spoken_answer;

static const spoken_answer scale4[] = {
    {"pas du tout", 1}, {"un peu", 2}, {"assez", 3}, {"beaucoup", 4},
    {"un", 1},          {"deux", 2},   {"trois", 3}, {"quatre", 4},
};
/* Item 29 whispered: heard by both models with confidence 0.99, and read back for a "oui" all the same. */
static const spoken_answer scale7[] = {{"six", 6}, {"deux", 2}};
enum { ITEM_WHISPERED = 29 };
/* "Avez-vous eu mal ?" "Non.": offered as "pas du tout", stored after "oui" */
static const spoken_answer plain_no = {"non", 1};
enum { ITEM_ANSWERED_NON = 9 };

static const spoken_answer *answer_for(int item)
{
    if (item == ITEM_ANSWERED_NON)
        return &plain_no;
    return item >= 29 ? &scale7[item - 29] : &scale4[(item * 3) % 8];
}

/* English: the benchmark's held-out voice en-us+f5 (not used to adapt assets/voice/model-en). */
static const spoken_answer scale4_en[] = {
    {"not at all", 1}, {"a little", 2}, {"quite a bit", 3}, {"very much", 4},
    {"one", 1},        {"two", 2},      {"three", 3},       {"four", 4},
};
static const spoken_answer scale7_en[] = {{"six", 6}, {"two", 2}};
#define ENGLISH_VOICE "-v en-us+f5 -s 150"

static const spoken_answer *answer_for_en(int item)
{
    return item >= 29 ? &scale7_en[item - 29] : &scale4_en[(item * 3) % 8];
}

/* A microphone hears the room before and after the words: pad eSpeak's tight output with silence.
 * sox -R: the same dither on every run, so the test decides the same audio each time (with sox's
 * random dither, one run in 19 had an answer decided otherwise). */
static void say_with(const char *dir, int n, const char *words, const char *voice)
{
    char cmd[2048];
    snprintf(cmd, sizeof cmd,
             "espeak-ng %s -w '%s/tmp.wav' '%s' && sox -R '%s/tmp.wav' -r 16000 '%s/%03d.wav' pad 0.5 0.7 && rm '%s/tmp.wav'",
             voice, dir, words, dir, dir, n, dir);
    assert_int_equal(system(cmd), 0);
}

static void say_to_file(const char *dir, int n, const char *words, bool whispered)
{
    say_with(dir, n, words, whispered ? "-v fr-be+whisper -s 150 -p 50 -a 80" : "-v fr -s 150");
}

/* The microphone's turns in order: "oui" for item 0, then each answer followed by "oui" (which
 * confirms a doubtful answer, or lets a confident one stand in the window where "non" would undo it;
 * after a plain "non" to a question it confirms "pas du tout").
 * Item 1 is first answered in the patient's own words, "pas trop", which is no answer on the scale
 * (between "pas du tout" and "un peu"): the kiosk must ask again, not store anything for it. */
static void make_turns(const char *dir)
{
    int n = 0;
    say_to_file(dir, n++, "oui", false);
    say_to_file(dir, n++, "pas trop", false);
    for (int item = 1; item <= 30; item++) {
        say_to_file(dir, n++, answer_for(item)->words, item == ITEM_WHISPERED);
        say_to_file(dir, n++, "oui", false);
    }
}

static void expect_prompt(child_proc *c, const char *expected)
{
    char prompt[256];
    assert_true(child_next_prompt(c, prompt, sizeof prompt, WAIT_MS, NULL, NULL));
    assert_string_equal(prompt, expected);
}

/* The terminal's identity prompts, answered for a patient who chose voice. */
static void give_identity(child_proc *c)
{
    const char *identity[][2] = {
        {"consent", "yes"}, {"initials", "vo"}, {"birth_date", "1938-06-06"}, {"mode", "continuous"}, {"audio", "on"}};
    for (size_t i = 0; i < 5; i++) {
        expect_prompt(c, identity[i][0]);
        assert_int_equal(child_send(c, identity[i][1]), 0);
    }
}

typedef struct {
    char dir[32], turns[128], db_path[128], out[128], log[128];
    int saved[31], confirmed[31];
} voice_run;

static void prepare(voice_run *r)
{
    snprintf(r->dir, sizeof r->dir, "/tmp/qlq-voice-XXXXXX");
    assert_non_null(mkdtemp(r->dir));
    snprintf(r->turns, sizeof r->turns, "%s/turns", r->dir);
    snprintf(r->db_path, sizeof r->db_path, "%s/kiosk.db", r->dir);
    snprintf(r->out, sizeof r->out, "%s/speaker.wav", r->dir);
    snprintf(r->log, sizeof r->log, "%s/stderr.log", r->dir);
    assert_int_equal(mkdir(r->turns, 0700), 0);
    memset(r->saved, -1, sizeof r->saved);
    memset(r->confirmed, -1, sizeof r->confirmed);
}

/* The real kiosk in `lang`, the microphone's turns from r->turns: identity by the terminal, every item
 * by voice, then the review and the submission. */
static void run_kiosk_in(voice_run *r, const char *lang, const char *room)
{
    char *argv[] = {(char *)kiosk_binary(), "--ui", "text", "--lang", (char *)lang, "--db", r->db_path,
                    "--audio-in", r->turns, "--audio-out", r->out, "--audio-speed", room ? "0" : "1000",
                    room ? "--audio-room" : NULL, (char *)room, NULL};
    child_proc c;
    assert_int_equal(child_start(&c, argv, r->log), 0);
    give_identity(&c);
    char line[1024];
    while (child_read_line(&c, line, sizeof line, WAIT_MS)) {
        int item, score;
        if (sscanf(line, "saved item %d score %d", &item, &score) == 2)
            r->saved[item] = score;
        if (sscanf(line, "? confirm item %d score %d", &item, &score) == 2)
            r->confirmed[item] = score;
        if (strncmp(line, "? review", 8) == 0)
            break;
    }
    assert_string_equal(line, "? review missing=");
    assert_int_equal(child_send(&c, "submit"), 0);
    bool submitted = false;
    while (!submitted && child_read_line(&c, line, sizeof line, WAIT_MS))
        submitted = strncmp(line, "submitted session=", 18) == 0;
    assert_true(submitted);
    assert_int_equal(child_wait(&c), 0);
}

static void run_kiosk(voice_run *r, const char *lang)
{
    run_kiosk_in(r, lang, NULL);
}

/* What every session answered by voice must leave: 30 VOICE responses with transcripts and
 * confidences, their audit events, the microphone check in the metadata, the kiosk's voice on the
 * speaker. */
static void expect_voice_records(const voice_run *r, sqlite3 *db)
{
    assert_int_equal(r->saved[0], 1);
    assert_int_equal(db_query_int(db, "SELECT count(*) FROM responses WHERE response_type = 'VOICE' AND "
                                      "transcript <> '' AND confidence BETWEEN 0 AND 1"), 30);
    assert_int_equal(db_query_int(db, "SELECT count(*) FROM answer_events WHERE source = 'VOICE' AND "
                                      "action IN ('ANSWER', 'CHANGE') AND question_num >= 1"), 30);
    assert_int_equal(db_query_int(db, "SELECT count(*) FROM sessions WHERE status = 'submitted' AND "
                                      "mode = 'CONTINUOUS' AND json_extract(metadata, '$.audio_check') = 'ok' AND "
                                      "json_extract(metadata, '$.audio_snr_db') IS NOT NULL"), 1);
    struct stat st;
    assert_int_equal(stat(r->out, &st), 0);
    assert_true(st.st_size > 44 + 16000 * 2 * 60); /* more than a minute of the kiosk's voice */
}

static void clean_up(voice_run *r)
{
    char cmd[256];
    snprintf(cmd, sizeof cmd, "rm -rf '%s'", r->dir);
    assert_int_equal(system(cmd), 0);
}

static void test_whole_session_answered_by_voice(void **state)
{
    (void)state;
    voice_run r;
    prepare(&r);
    make_turns(r.turns);
    run_kiosk(&r, "fr");
    for (int item = 1; item <= 30; item++)
        if (r.saved[item] != answer_for(item)->score)
            fail_msg("item %d: said '%s', saved %d", item, answer_for(item)->words, r.saved[item]);
    assert_int_equal(r.confirmed[ITEM_WHISPERED], answer_for(ITEM_WHISPERED)->score); /* read back for a "oui" */
    sqlite3 *db = NULL;
    assert_int_equal(sqlite3_open_v2(r.db_path, &db, SQLITE_OPEN_READONLY, NULL), SQLITE_OK);
    expect_voice_records(&r, db);
    assert_int_equal(db_query_int(db, "SELECT count(*) FROM answer_events WHERE question_num = 1"), 1);
    char non_stored[160];
    snprintf(non_stored, sizeof non_stored, "SELECT count(*) FROM responses WHERE question_num = %d AND score = 1 "
             "AND transcript = 'non' AND response_type = 'VOICE'", ITEM_ANSWERED_NON);
    assert_int_equal(db_query_int(db, non_stored), 1);
    /* eSpeak's dry "oui" in a silent file: its sound dies away at once, no echo */
    assert_int_equal(db_query_int(db, "SELECT count(*) FROM sessions WHERE "
                                      "json_extract(metadata, '$.audio_echo_ms') BETWEEN 10 AND 240"), 1);
    sqlite3_close(db);
    clean_up(&r);
}

/* The English questionnaire answered by voice with the English model: "yes" for item 0, then each
 * answer followed by "yes". */
static void test_whole_session_answered_by_voice_in_english(void **state)
{
    (void)state;
    voice_run r;
    prepare(&r);
    int n = 0;
    say_with(r.turns, n++, "yes", ENGLISH_VOICE);
    for (int item = 1; item <= 30; item++) {
        say_with(r.turns, n++, answer_for_en(item)->words, ENGLISH_VOICE);
        say_with(r.turns, n++, "yes", ENGLISH_VOICE);
    }
    run_kiosk(&r, "en");
    int asked_to_confirm = 0;
    for (int item = 1; item <= 30; item++) {
        if (r.saved[item] != answer_for_en(item)->score)
            fail_msg("item %d: said '%s', saved %d", item, answer_for_en(item)->words, r.saved[item]);
        asked_to_confirm += r.confirmed[item] != -1;
    }
    print_message("English: %d of 30 answers read back for a \"yes\"\n", asked_to_confirm);
    /* measured: none with assets/voice/model-en, 3 with Debian's unadapted model */
    assert_true(asked_to_confirm <= 1);
    sqlite3 *db = NULL;
    assert_int_equal(sqlite3_open_v2(r.db_path, &db, SQLITE_OPEN_READONLY, NULL), SQLITE_OK);
    expect_voice_records(&r, db);
    assert_int_equal(db_query_int(db, "SELECT count(*) FROM sessions WHERE language = 'en'"), 1);
    sqlite3_close(db);
    clean_up(&r);
}

/* `words` said `lead` seconds into the turn, in a microphone's own noise (-64 dBFS white noise). */
static void say_over(const char *dir, int n, const char *words, double lead)
{
    char cmd[2048];
    snprintf(cmd, sizeof cmd,
             "cd '%s' && espeak-ng -v fr -s 150 -w tmp.wav '%s' && sox -R tmp.wav -r 16000 said.wav pad %.2f 0.7 && "
             "sox -R said.wav noise.wav synth whitenoise vol 0.0012 && "
             "sox -R -m -v 1 said.wav -v 1 noise.wav %03d.wav && rm tmp.wav said.wav noise.wav",
             dir, words, lead, n);
    assert_int_equal(system(cmd), 0);
}

/* The patient answers 1.5 s into each item's reading (each file starts with the reading), over it,
 * in a room where the microphone hears the speaker 12 dB under what it plays, 20 ms later, with
 * 150 ms of reverberation, and says "oui" 0.6 s into the read-back. The kiosk must stop reading and
 * store what was said, never its own voice. Every answer means 1: "pas du tout" to the 28 items of
 * four choices, then "un" (1 on both scales). An answer asked again takes the next file (the "oui",
 * then the next answer), so the turns move on by one without changing what any answer means; the
 * spare turns at the end are for those. */
static void test_session_answered_over_the_reading(void **state)
{
    (void)state;
    voice_run r;
    prepare(&r);
    int n = 0;
    /* item 0 is answered after its sentence (6.1 s: its reading teaches the canceller the room) */
    say_over(r.turns, n++, "oui", 7.5);
    for (int turn = 1; turn <= 30 + 8; turn++) {
        say_over(r.turns, n++, turn <= 28 ? "pas du tout" : "un", 1.5);
        say_over(r.turns, n++, "oui", 0.6);
    }
    run_kiosk_in(&r, "fr", "-12:20:150");
    int right = 0;
    for (int item = 1; item <= 30; item++) {
        right += r.saved[item] == 1;
        if (r.saved[item] != 1)
            print_message("item %d: said 1 over the reading, saved %d\n", item, r.saved[item]);
    }
    int stopped = file_count_lines_with(r.log, "spoke over the speaker: reading stopped");
    int asked_again = file_count_lines_with(r.log, "recogniser decided: reject");
    print_message("over the reading: %d of 30 answers saved as said, %d turns asked again; the reading stopped "
                  "%d times\n", right, asked_again, stopped);
    assert_int_equal(right, 30);
    assert_true(asked_again <= 8);
    assert_true(stopped >= 30); /* each item's reading, and read-backs that "oui" cut short */
    sqlite3 *db = NULL;
    assert_int_equal(sqlite3_open_v2(r.db_path, &db, SQLITE_OPEN_READONLY, NULL), SQLITE_OK);
    assert_int_equal(db_query_int(db, "SELECT count(*) FROM responses WHERE response_type = 'VOICE' AND "
                                      "score = 1 AND transcript <> '' AND confidence BETWEEN 0 AND 1"), 30);
    sqlite3_close(db);
    clean_up(&r);
}

/* Item 0's "oui" in a room: `noise` "babble" (five eSpeak voices reading at once, as
 * tools/corpus/make-corpus.sh makes it) or "white", `snr_db` under the word's level. */
static void say_oui_in(const char *dir, const char *noise, double snr_db)
{
    char cmd[4096];
    snprintf(cmd, sizeof cmd,
             "cd '%s' && rms() { sox \"$1\" -n stat 2>&1 | awk '/RMS +amplitude/ {print $3}'; } && "
             "espeak-ng -v fr -s 150 -w w.wav 'oui' && sox -R w.wav -r 16000 word.wav norm -6 && "
             "sox -R word.wav said.wav pad 0.5 0.7 && len=$(soxi -D said.wav) && "
             "if [ %s = babble ]; then i=0; for v in fr+m4 fr+m8 fr-be+m5 en+f2 en+m2; do "
             "espeak-ng -v $v -s $((140 + i * 12)) -w b$i.wav 'le médecin passera dans la matinée pour les "
             "résultats de votre prise de sang' && sox -R b$i.wav -r 16000 -c 1 bb$i.wav trim 0.$((3 + i)) $len; "
             "i=$((i + 1)); done && sox -R -m bb0.wav bb1.wav bb2.wav bb3.wav bb4.wav noise.wav norm -6; "
             "else sox -R -n -r 16000 -c 1 -b 16 noise.wav synth $len whitenoise vol 0.1; fi && "
             "g=$(awk -v w=$(rms word.wav) -v n=$(rms noise.wav) 'BEGIN {print w / n / 10 ^ (%.1f / 20)}') && "
             "sox -R -m -v 1 said.wav -v $g noise.wav turns/000.wav && rm -f w.wav word.wav said.wav b*.wav noise.wav",
             dir, noise, snr_db);
    assert_int_equal(system(cmd), 0);
}

/* Item 0 alone: what the kiosk advises after hearing `noise` at `snr_db` around the patient's "oui". */
static bool touch_advised_in(const char *noise, double snr_db, double *measured_snr, double *unsteady)
{
    voice_run r;
    prepare(&r);
    say_oui_in(r.dir, noise, snr_db);
    char *argv[] = {(char *)kiosk_binary(), "--ui", "text", "--lang", "fr", "--db", r.db_path, "--audio-in", r.turns,
                    "--audio-out", r.out, "--audio-speed", "1000", NULL};
    child_proc c;
    assert_int_equal(child_start(&c, argv, r.log), 0);
    give_identity(&c);
    char line[1024];
    bool item_1 = false;
    while (!item_1 && child_read_line(&c, line, sizeof line, WAIT_MS))
        item_1 = strncmp(line, "? item 1", 8) == 0;
    assert_true(item_1);
    child_close_input(&c);
    assert_int_equal(child_wait(&c), 0);
    sqlite3 *db = NULL;
    assert_int_equal(sqlite3_open_v2(r.db_path, &db, SQLITE_OPEN_READONLY, NULL), SQLITE_OK);
    assert_int_equal(db_query_int(db, "SELECT count(*) FROM sessions WHERE json_extract(metadata, '$.audio_check') = "
                                      "'ok'"), 1);
    bool advised = db_query_int(db, "SELECT json_extract(metadata, '$.advise_touch') FROM sessions") == 1;
    *measured_snr = db_query_int(db, "SELECT round(json_extract(metadata, '$.audio_snr_db') * 10) FROM sessions") / 10.0;
    *unsteady =
        db_query_int(db, "SELECT round(json_extract(metadata, '$.audio_noise_unsteady_db') * 10) FROM sessions") / 10.0;
    sqlite3_close(db);
    assert_int_equal(file_count_lines_with(r.log, "microphone check: the words at"), 1); /* the admin's why */
    clean_up(&r);
    return advised;
}

/* People talking in the waiting room measure a fair SNR at item 0 (their quiet moments are taken for
 * the room's floor), and voice then hears a third of the answers: touch is advised. A steady noise
 * measured alike leaves voice on (it hears four in five answers there). */
static void test_chatter_at_item_0_advises_touch(void **state)
{
    (void)state;
    double snr, unsteady;
    bool advised = touch_advised_in("babble", 8.0, &snr, &unsteady);
    print_message("people talking 8 dB under the word: measured SNR %.1f dB, unsteady %.1f dB\n", snr, unsteady);
    assert_true(advised);
    assert_true(unsteady >= 3.0);
    assert_true(snr >= 12.0); /* the SNR alone would have left voice on */
    advised = touch_advised_in("white", 15.0, &snr, &unsteady);
    print_message("white noise 15 dB under the word: measured SNR %.1f dB, unsteady %.1f dB\n", snr, unsteady);
    assert_false(advised);
    assert_true(unsteady < 3.0);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_whole_session_answered_by_voice),
        cmocka_unit_test(test_whole_session_answered_by_voice_in_english),
        cmocka_unit_test(test_session_answered_over_the_reading),
        cmocka_unit_test(test_chatter_at_item_0_advises_touch),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
