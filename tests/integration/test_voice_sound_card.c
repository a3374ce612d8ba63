/*
 * End to end through a sound card: the real qlq-kiosk with no WAV files, its microphone and speaker
 * the PortAudio devices of a private PulseAudio server (tests/audio/pulse_room.h). The test plays the
 * patient's eSpeak answers into the room when the kiosk says (in its log) that it listens, as a
 * patient answers when the question has been read; the kiosk's own voice is recorded from the
 * speaker. The microphone is opened by name at 48 kHz, so the kiosk's own conversion runs.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include <cmocka.h>
#include <sqlite3.h>

#include "db_query.h"
#include "kiosk_driver.h"
#include "pulse_room.h"
#include "qlq_audio.h"

enum {
    ITEMS = 3,
    WAIT_MS = 180000,
    SPEAKER_RATE = 44100,
    CONVERSE_MS = 240000, /* a conversation takes 30-60 s: longer, the kiosk is waiting for a touch */
};

static const struct {
    const char *words;
    int score;
} answers[ITEMS + 1] = {{"oui", 1}, {"assez", 3}, {"un peu", 2}, {"beaucoup", 4}};

typedef struct {
    char dir[64], db[96], log[96], speaker[96], room_heard[96];
    pulse_room room;
} card_run;

static void say(const char *dir, const char *name, const char *words)
{
    char cmd[512];
    snprintf(cmd, sizeof cmd,
             "espeak-ng -v fr -s 150 -w '%s/raw.wav' '%s' && sox -R '%s/raw.wav' '%s/%s.wav' pad 0.3 0.3", dir, words,
             dir, dir, name);
    assert_int_equal(system(cmd), 0);
}

static double now_ms(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return ts.tv_sec * 1e3 + ts.tv_nsec / 1e6;
}

/* The patient's side of the session: the answer to what the kiosk asked last ("? item N": answer N;
 * a read-back or a saved answer: "oui"), said each time the kiosk starts listening after a prompt
 * (its log: "listening ("), or, with `over_after_ms` > 0, each item's answer said that long after the
 * kiosk started reading it (its log: "listening while the item is read"), over its voice. Returns
 * after item ITEMS is saved and confirmed, when the next item is asked: how many answers were said
 * over the reading. */
/* The kiosk's last lines, to tell why a conversation did not end. */
static void print_log_tail(const char *log)
{
    enum { KEPT = 12 };
    static char lines[KEPT][512];
    int n = 0;
    FILE *f = fopen(log, "r");
    if (!f)
        return;
    while (fgets(lines[n % KEPT], sizeof lines[0], f))
        n++;
    fclose(f);
    for (int i = n > KEPT ? n - KEPT : 0; i < n; i++)
        print_message("  %s", lines[i % KEPT]);
}

static int converse(card_run *r, child_proc *c, int saved[ITEMS + 1], int over_after_ms)
{
    char line[1024], wav[160];
    const char *next = NULL;
    int played = 0, after_seen = 0, over_seen = 0, said_over = 0, item, score;
    bool answering = false; /* an item is asked: with over_after_ms, answered over its reading */
    double due = 0, began = now_ms();
    pid_t player = 0;
    for (;;) {
        if (now_ms() - began > CONVERSE_MS) {
            print_log_tail(r->log);
            fail_msg("the kiosk did not get through %d items in %d s (the log's end above)", ITEMS,
                     CONVERSE_MS / 1000);
        }
        if (child_read_line(c, line, sizeof line, 100)) {
            if (sscanf(line, "? item %d", &item) == 1) {
                if (item > ITEMS)
                    return said_over;
                next = item == 0 ? "oui" : answers[item].words;
                answering = item > 0 && over_after_ms > 0;
            } else if (sscanf(line, "saved item %d score %d", &item, &score) == 2) {
                if (item <= ITEMS)
                    saved[item] = score;
                next = "oui";
                answering = false;
            } else if (strncmp(line, "? confirm", 9) == 0) {
                next = "oui";
                answering = false;
            } else if (strncmp(line, "? review", 8) == 0) {
                fail_msg("the session ended early: %s", line);
            }
        }
        assert_false(c->eof);
        int after = file_count_lines_with(r->log, "qlq-kiosk: listening ("), over = 0;
        bool say_now = after > after_seen && next && !answering;
        after_seen = after;
        if (answering) {
            over = file_count_lines_with(r->log, "qlq-kiosk: listening while the item is read (1 to 4)");
            if (over > over_seen)
                due = now_ms() + over_after_ms;
            over_seen = over;
            say_now = due > 0 && now_ms() >= due;
        }
        if (say_now) {
            if (player > 0)
                assert_int_equal(pulse_room_said(player) >= 0, 1);
            snprintf(wav, sizeof wav, "%s/%s.wav", r->dir, next);
            player = pulse_room_say(&r->room, wav);
            assert_true(player > 0);
            played++;
            said_over += answering;
            due = 0;
        }
        assert_true(played < 20); /* more turns than answers: the kiosk keeps asking again */
    }
}

/* A recording (stereo, 44.1 kHz) as 20 ms frames, each true when louder than -40 dBFS. */
static size_t loud_frames(const char *raw_path, bool **loud)
{
    FILE *f = fopen(raw_path, "rb");
    assert_non_null(f);
    enum { FRAME = SPEAKER_RATE / 50 };
    static int16_t frame[2 * FRAME], mono[FRAME];
    size_t n = 0, cap = 1024;
    *loud = malloc(cap * sizeof **loud);
    assert_non_null(*loud);
    while (fread(frame, 4, FRAME, f) == FRAME) {
        for (int i = 0; i < FRAME; i++)
            mono[i] = (int16_t)((frame[2 * i] + frame[2 * i + 1]) / 2);
        if (n == cap)
            assert_non_null(*loud = realloc(*loud, (cap *= 2) * sizeof **loud));
        (*loud)[n++] = audio_measure(mono, FRAME).rms_dbfs > -40.0;
    }
    fclose(f);
    return n;
}

static int compare_int(const void *a, const void *b) { return *(const int *)a - *(const int *)b; }

/* From the two recordings on one time line: how long the kiosk spoke, and, for each time the patient
 * stopped speaking (300 ms of quiet in the room), how long until the kiosk's next word: the wait a
 * patient lives, end of speech to the read-back or the next question (the endpointer's 600 ms of
 * trailing silence, the decision, the synthesis, the sound card). */
static double kiosk_speech_and_replies(const char *speaker_raw, const char *room_raw)
{
    bool *spoke, *said;
    size_t ns = loud_frames(speaker_raw, &spoke), nr = loud_frames(room_raw, &said);
    int replies[32], turns = 0;
    double spoken_ms = 0;
    for (size_t i = 0; i < ns; i++)
        spoken_ms += spoke[i] ? 20.0 : 0.0;
    for (size_t i = 1; i + 15 < nr && turns < 32; i++) {
        bool ends = said[i - 1] && !said[i];
        for (size_t k = i; ends && k < i + 15; k++)
            ends = !said[k];
        size_t next = i;
        while (ends && next < ns && !spoke[next])
            next++;
        if (ends && next < ns)
            replies[turns++] = (int)(next - i) * 20;
    }
    /* the check's "oui", then each answer and its "oui", the last of which the kiosk is closed after */
    assert_true(turns >= 2 * ITEMS);
    qsort(replies, (size_t)turns, sizeof *replies, compare_int);
    print_message("the kiosk spoke for %.1f s; the patient's last word -> the kiosk's next: median %d ms, "
                  "max %d ms over %d turns\n", spoken_ms / 1000, replies[turns / 2], replies[turns - 1], turns);
    free(spoke);
    free(said);
    return spoken_ms;
}

/* The run whose sound server is up: a test that fails leaves it, with its players and recorders, and
 * each left running loaded the machine for the tests after it (ten servers, load average 25, and the
 * kiosks of the next tests fell behind their microphones). */
static card_run *running;

/* A temporary folder with the patient's "oui" in it and the kiosk's paths, and a sound server. */
static void prepare_run(card_run *r)
{
    snprintf(r->dir, sizeof r->dir, "/tmp/qlq-card-XXXXXX");
    assert_non_null(mkdtemp(r->dir));
    snprintf(r->db, sizeof r->db, "%s/kiosk.db", r->dir);
    snprintf(r->log, sizeof r->log, "%s/stderr.log", r->dir);
    snprintf(r->speaker, sizeof r->speaker, "%s/speaker.raw", r->dir);
    snprintf(r->room_heard, sizeof r->room_heard, "%s/room.raw", r->dir);
    say(r->dir, "oui", "oui");
    char err[256];
    if (!pulse_room_start(&r->room, 48000, 1, SPEAKER_RATE, 2, err, sizeof err))
        fail_msg("%s", err);
    running = r;
}

static void clean_up(card_run *r)
{
    pulse_room_stop(&r->room);
    running = NULL;
    char cmd[128];
    snprintf(cmd, sizeof cmd, "rm -rf '%s'", r->dir);
    assert_int_equal(system(cmd), 0);
}

static sqlite3 *open_db(const card_run *r)
{
    sqlite3 *db = NULL;
    assert_int_equal(sqlite3_open_v2(r->db, &db, SQLITE_OPEN_READONLY, NULL), SQLITE_OK);
    return db;
}

static void send_identity(child_proc *c, const char *mode)
{
    const char *answers_in_order[] = {"yes", "ps", "1939-09-09", mode, "on"};
    const char *prompts[] = {"consent", "initials", "birth_date", "mode", "audio"};
    char prompt[256];
    for (size_t i = 0; i < 5; i++) {
        assert_true(child_next_prompt(c, prompt, sizeof prompt, WAIT_MS, NULL, NULL));
        assert_string_equal(prompt, prompts[i]);
        assert_int_equal(child_send(c, answers_in_order[i]), 0);
    }
}

/* The real kiosk on the sound server's default devices, or on its named ones at 48 kHz; the patient's
 * identity given, continuous mode. */
static void start_kiosk(card_run *r, child_proc *c, bool named_devices)
{
    char *plain[] = {(char *)kiosk_binary(), "--ui", "text", "--lang", "fr", "--db", r->db, NULL};
    char *named[] = {(char *)kiosk_binary(), "--ui", "text", "--lang", "fr", "--db", r->db, "--mic", "pulse",
                     "--speaker", "pulse", "--mic-rate", "48000", NULL};
    assert_int_equal(child_start(c, named_devices ? named : plain, r->log), 0);
    send_identity(c, "continuous");
}

/* Item 0, the microphone check, was asked (and may be asked again); the kiosk goes on to item 1. */
static void expect_item_1(child_proc *c, int timeout_ms)
{
    char prompt[256];
    do
        assert_true(child_next_prompt(c, prompt, sizeof prompt, timeout_ms, NULL, NULL));
    while (strcmp(prompt, "item 0") == 0);
    assert_string_equal(prompt, "item 1 scale=4");
}

/* The nurse closes the kiosk: a session not submitted stays, to be resumed. */
static void close_kiosk(child_proc *c)
{
    child_close_input(c);
    assert_int_equal(child_wait(c), 0);
}

/* Waits until `needle` has appeared `count` times in the log. */
static bool wait_in_log(const char *log, const char *needle, int count, int timeout_ms)
{
    for (int waited = 0; waited < timeout_ms; waited += 50) {
        if (file_count_lines_with(log, needle) >= count)
            return true;
        struct timespec ts = {0, 50 * 1000000L};
        nanosleep(&ts, NULL);
    }
    return false;
}

static void say_oui(card_run *r)
{
    char wav[160];
    snprintf(wav, sizeof wav, "%s/oui.wav", r->dir);
    assert_true(pulse_room_say(&r->room, wav) > 0);
}

static void test_answered_through_the_sound_card(void **state)
{
    (void)state;
    static card_run r; /* static: a failed test's teardown stops its sound server */
    prepare_run(&r);
    for (int i = 1; i <= ITEMS; i++)
        say(r.dir, answers[i].words, answers[i].words);
    assert_true(pulse_room_record_start(&r.room, r.speaker, r.room_heard, SPEAKER_RATE, 2));
    child_proc c;
    start_kiosk(&r, &c, true);
    int saved[ITEMS + 1] = {-1, -1, -1, -1};
    converse(&r, &c, saved, 0);
    close_kiosk(&c);
    pulse_room_record_stop(&r.room);

    for (int item = 1; item <= ITEMS; item++)
        if (saved[item] != answers[item].score)
            fail_msg("item %d: said '%s', saved %d", item, answers[item].words, saved[item]);
    assert_int_equal(file_count_lines_with(r.log, "PortAudio: input 'pulse' 48000 Hz x1, output 'pulse' 44100 Hz"), 1);
    /* the speaker is not in the room: nothing was heard over it */
    assert_int_equal(file_count_lines_with(r.log, "the patient spoke over the speaker"), 0);
    sqlite3 *db = open_db(&r);
    assert_int_equal(db_query_int(db, "SELECT count(*) FROM responses WHERE response_type = 'VOICE' AND "
                                      "transcript <> '' AND confidence BETWEEN 0 AND 1"), ITEMS);
    assert_int_equal(db_query_int(db, "SELECT sum(score) FROM responses WHERE question_num BETWEEN 1 AND 3"),
                     3 + 2 + 4);
    assert_int_equal(db_query_int(db, "SELECT count(*) FROM sessions WHERE json_extract(metadata, '$.audio_check') = "
                                      "'ok' AND json_extract(metadata, '$.audio_snr_db') >= 20"), 1);
    sqlite3_close(db);
    double spoken_ms = kiosk_speech_and_replies(r.speaker, r.room_heard);
    assert_true(spoken_ms > 10000.0); /* the check sentence, three items and their read-backs */
    clean_up(&r);
}

/* The kiosk's voice played into the room its microphone hears, as a tablet's speaker a few
 * centimetres from its microphone, as loud there as the patient: each item is answered 2 s into its
 * reading, over the kiosk's voice. The kiosk must stop reading and take the answer, through the
 * sound card's real clocks (its echo canceller needs what the speaker played to the sample), and
 * never take its own voice for the patient's. */
static void test_answered_over_the_reading_through_the_sound_card(void **state)
{
    (void)state;
    static card_run r; /* static: a failed test's teardown stops its sound server */
    prepare_run(&r);
    for (int i = 1; i <= ITEMS; i++)
        say(r.dir, answers[i].words, answers[i].words);
    /* a room is never silent: a ventilation's hiss at about -58 dBFS, for longer than the session */
    char cmd[256], noise[160];
    snprintf(noise, sizeof noise, "%s/room-noise.wav", r.dir);
    snprintf(cmd, sizeof cmd, "sox -R -n -r 16000 -c 1 -b 16 '%s' synth 240 pinknoise norm -45", noise);
    assert_int_equal(system(cmd), 0);
    assert_true(pulse_room_say(&r.room, noise) > 0);
    child_proc c;
    setenv("PULSE_SINK", "room", 1); /* the kiosk's voice goes into the room: the microphone hears it */
    start_kiosk(&r, &c, false);
    unsetenv("PULSE_SINK");
    int saved[ITEMS + 1] = {-1, -1, -1, -1};
    int said_over = converse(&r, &c, saved, 2000);
    close_kiosk(&c);

    for (int item = 1; item <= ITEMS; item++)
        if (saved[item] != answers[item].score)
            fail_msg("item %d: said '%s' over the reading, saved %d", item, answers[item].words, saved[item]);
    int stopped = file_count_lines_with(r.log, "the patient spoke over the speaker");
    print_message("%d answers said over the reading, %d readings stopped for a voice, %d heard and refused\n",
                  said_over, stopped, file_count_lines_with(r.log, "recogniser decided: reject"));
    /* each reading stopped was stopped by an answer (one may come after a short reading: the kiosk's
     * "pardon?" is read in less than the patient's delay), and the answers were heard over the voice */
    assert_true(stopped <= said_over);
    assert_true(stopped >= ITEMS);
    sqlite3 *db = open_db(&r);
    assert_int_equal(db_query_int(db, "SELECT count(*) FROM responses WHERE response_type = 'VOICE' AND "
                                      "question_num BETWEEN 1 AND 3"), ITEMS);
    sqlite3_close(db);
    clean_up(&r);
}

/* The microphone goes dead while the kiosk listens (a USB microphone pulled out; here its source is
 * suspended): the kiosk must not wait forever. It says it heard nothing and listens again, on a new
 * capture, which hears the patient once the microphone is back. */
static void test_microphone_going_silent(void **state)
{
    (void)state;
    static card_run r; /* static: a failed test's teardown stops its sound server */
    prepare_run(&r);
    child_proc c;
    start_kiosk(&r, &c, false);
    assert_true(wait_in_log(r.log, "qlq-kiosk: listening (", 1, WAIT_MS));
    assert_int_equal(system("pactl suspend-sink room 1"), 0);
    assert_true(wait_in_log(r.log, "the microphone gave no sound for 2000 ms", 1, 15000));
    assert_int_equal(system("pactl suspend-sink room 0"), 0);
    assert_true(wait_in_log(r.log, "qlq-kiosk: listening (", 2, WAIT_MS)); /* asked again */
    say_oui(&r);
    expect_item_1(&c, WAIT_MS);
    close_kiosk(&c);
    sqlite3 *db = open_db(&r);
    assert_int_equal(db_query_int(db, "SELECT count(*) FROM sessions WHERE json_extract(metadata, '$.audio_check') = "
                                      "'ok'"), 1);
    sqlite3_close(db);
    clean_up(&r);
}

/* On item 1 with the sound card back: the patient answers the rest by touch and submits; the next
 * patient's "oui" is heard, without restarting the kiosk. */
static void finish_by_touch_then_next_by_voice(card_run *r, child_proc *c)
{
    char prompt[256], line[256];
    /* the kiosk tries its sound card again at most every 3 s; a patient answering 30 items takes longer */
    struct timespec patient = {3, 500 * 1000000L};
    nanosleep(&patient, NULL);
    for (int item = 1;; item++) {
        assert_int_equal(child_send(c, "2"), 0);
        assert_true(child_next_prompt(c, prompt, sizeof prompt, WAIT_MS, NULL, NULL));
        if (strncmp(prompt, "review", 6) == 0)
            break;
        snprintf(line, sizeof line, "item %d scale=", item + 1);
        assert_int_equal(strncmp(prompt, line, strlen(line)), 0);
    }
    assert_string_equal(prompt, "review missing=");
    assert_int_equal(child_send(c, "submit"), 0);
    int turns = file_count_lines_with(r->log, "qlq-kiosk: listening (");
    send_identity(c, "continuous");
    assert_true(wait_in_log(r->log, "qlq-kiosk: listening (", turns + 1, WAIT_MS));
    say_oui(r);
    expect_item_1(c, WAIT_MS);
    close_kiosk(c);
}

/* The sound server dies while the kiosk listens (a device's server crashing, a card pulled out):
 * the kiosk must neither hang (PortAudio 19.6 waits for ever when a stream of a dead server is
 * started again) nor lose the session: the patient goes on by touch. Once the server is back, the
 * next patient is heard again, without restarting the kiosk. */
static void test_sound_server_dies_and_comes_back(void **state)
{
    (void)state;
    static card_run r; /* static: a failed test's teardown stops its sound server */
    prepare_run(&r);
    char err[256];
    child_proc c;
    start_kiosk(&r, &c, false);
    assert_true(wait_in_log(r.log, "qlq-kiosk: listening (", 1, WAIT_MS));
    pulse_room_crash(&r.room);
    assert_true(wait_in_log(r.log, "capture gave nothing for 2000 ms", 1, 15000));
    expect_item_1(&c, 30000); /* the check fails for want of a microphone: on to item 1, by touch */
    if (!pulse_room_restart(&r.room, err, sizeof err))
        fail_msg("%s", err);
    finish_by_touch_then_next_by_voice(&r, &c);
    assert_true(file_count_lines_with(r.log, "PortAudio: sound card opened again") >= 1);
    sqlite3 *db = open_db(&r);
    assert_int_equal(db_query_int(db, "SELECT count(*) FROM sessions WHERE status = 'submitted'"), 1);
    assert_int_equal(db_query_int(db, "SELECT count(*) FROM responses WHERE score = 2 AND response_type = 'MANUAL'"),
                     30);
    assert_int_equal(db_query_int(db, "SELECT count(*) FROM sessions WHERE json_extract(metadata, '$.audio_check') = "
                                      "'ok'"), 1);
    sqlite3_close(db);
    clean_up(&r);
}

/* The kiosk started before its sound card (a USB card plugged in later, a sound server starting
 * late): no noise of the sound libraries in its log, the first patient goes on by touch at once (the
 * check fails without asking again), and once the card is there the next patient is heard. */
static void test_kiosk_started_before_its_sound_card(void **state)
{
    (void)state;
    static card_run r; /* static: a failed test's teardown stops its sound server */
    prepare_run(&r);
    pulse_room_crash(&r.room);
    child_proc c;
    start_kiosk(&r, &c, false);
    expect_item_1(&c, 30000);
    assert_int_equal(file_count_lines_with(r.log, "qlq-kiosk: listening ("), 0);
    assert_int_equal(file_count_lines_with(r.log, "sound card: no microphone"), 1);
    assert_int_equal(file_count_lines_with(r.log, "cannot speak:"), 1); /* once, not at every sentence */
    assert_int_equal(file_count_lines_with(r.log, "ALSA lib"), 0);
    assert_int_equal(file_count_lines_with(r.log, "jack server is not running"), 0);
    char err[256];
    if (!pulse_room_restart(&r.room, err, sizeof err))
        fail_msg("%s", err);
    finish_by_touch_then_next_by_voice(&r, &c);
    assert_true(file_count_lines_with(r.log, "PortAudio: sound card opened again") >= 1);
    sqlite3 *db = open_db(&r);
    assert_int_equal(db_query_int(db, "SELECT count(*) FROM sessions WHERE json_extract(metadata, '$.audio_check') = "
                                      "'failed'"), 1);
    assert_int_equal(db_query_int(db, "SELECT count(*) FROM sessions WHERE json_extract(metadata, '$.audio_check') = "
                                      "'ok'"), 1);
    sqlite3_close(db);
    clean_up(&r);
}

/* Notices and prompts the kiosk printed, for the speaker-only test. */
typedef struct {
    int not_understood, microphone_cannot_hear;
} printed;

static void on_printed(void *ctx, const char *line)
{
    printed *p = ctx;
    p->not_understood += strstr(line, "pas bien compris") != NULL;
    p->microphone_cannot_hear += strstr(line, "Le micro ne vous entend pas") != NULL;
}

/* A tablet with a speaker and no microphone (here the microphone named is not there): the questions
 * are read aloud and answered by touch. Before, without a microphone the kiosk had no sound at all. */
static void test_speaker_without_microphone(void **state)
{
    (void)state;
    static card_run r; /* static: a failed test's teardown stops its sound server */
    prepare_run(&r);
    assert_true(pulse_room_record_start(&r.room, r.speaker, NULL, SPEAKER_RATE, 2));
    child_proc c;
    char *argv[] = {(char *)kiosk_binary(), "--ui", "text", "--lang", "fr", "--db", r.db, "--mic", "no-such-mic", NULL};
    assert_int_equal(child_start(&c, argv, r.log), 0);
    send_identity(&c, "continuous");
    printed seen = {0};
    char prompt[256];
    do
        assert_true(child_next_prompt(&c, prompt, sizeof prompt, WAIT_MS, on_printed, &seen));
    while (strcmp(prompt, "item 0") == 0);
    assert_string_equal(prompt, "item 1 scale=4");
    assert_true(wait_in_log(r.log, "qlq-kiosk: cannot listen", 1, 1000));
    struct timespec item_read = {4, 0}; /* the first item being read aloud */
    nanosleep(&item_read, NULL);
    assert_int_equal(child_send(&c, "3"), 0);
    assert_true(child_next_prompt(&c, prompt, sizeof prompt, WAIT_MS, on_printed, &seen));
    assert_string_equal(prompt, "item 2 scale=4");
    close_kiosk(&c);
    pulse_room_record_stop(&r.room);
    bool *spoke;
    size_t frames = loud_frames(r.speaker, &spoke), loud = 0;
    for (size_t i = 0; i < frames; i++)
        loud += spoke[i];
    free(spoke);
    print_message("speaker only: the kiosk spoke %.1f s (the check sentence, its notice, item 1)\n", loud * 0.02);
    assert_int_equal(seen.not_understood, 0);
    assert_int_equal(seen.microphone_cannot_hear, 1);
    assert_int_equal(file_count_lines_with(r.log, "sound card: no microphone (PortAudio: no input device named 'no-such-mic'"),
                     1);
    assert_int_equal(file_count_lines_with(r.log, "qlq-kiosk: listening ("), 0);
    assert_true(loud * 20 > 5000);
    sqlite3 *db = open_db(&r);
    assert_int_equal(db_query_int(db, "SELECT count(*) FROM responses WHERE question_num = 1 AND score = 3 AND "
                                      "response_type = 'MANUAL'"), 1);
    sqlite3_close(db);
    clean_up(&r);
}

/* What an administrator does to pick the devices: list them, name them; a wrong name or rate says so. */
static void test_choosing_the_devices(void **state)
{
    (void)state;
    pulse_room room;
    char err[256], line[512], log[] = "/tmp/qlq-card-log-XXXXXX";
    if (!pulse_room_start(&room, 48000, 1, SPEAKER_RATE, 2, err, sizeof err))
        fail_msg("%s", err);
    int fd = mkstemp(log);
    assert_true(fd >= 0);
    close(fd);
    child_proc c;
    char *list[] = {(char *)kiosk_binary(), "--list-audio", NULL};
    assert_int_equal(child_start(&c, list, log), 0);
    bool pulse = false, default_input = false;
    while (child_read_line(&c, line, sizeof line, WAIT_MS)) {
        pulse |= strncmp(line, "pulse ", 6) == 0 && strstr(line, " in 32") && strstr(line, "44100 Hz");
        default_input |= strstr(line, "default input") != NULL;
    }
    assert_int_equal(child_wait(&c), 0);
    assert_true(pulse && default_input);

    char *bad_rate[] = {(char *)kiosk_binary(), "--mic-rate", "4000", NULL};
    assert_int_equal(child_start(&c, bad_rate, log), 0);
    assert_int_equal(child_wait(&c), 2);
    assert_int_equal(file_count_lines_with(log, "--mic-rate needs a sample rate between 8000 and 192000 Hz"), 1);

    /* a microphone that is not there: the kiosk says which, runs by touch, and looks for it again */
    char db[] = "/tmp/qlq-card-db-XXXXXX";
    fd = mkstemp(db);
    assert_true(fd >= 0);
    close(fd);
    unlink(db);
    char *bad_mic[] = {(char *)kiosk_binary(), "--ui", "text", "--db", db, "--mic", "no-such-mic", NULL};
    assert_int_equal(child_start(&c, bad_mic, log), 0);
    char prompt[256];
    assert_true(child_next_prompt(&c, prompt, sizeof prompt, WAIT_MS, NULL, NULL));
    assert_string_equal(prompt, "consent");
    child_close_input(&c);
    assert_int_equal(child_wait(&c), 0);
    assert_int_equal(file_count_lines_with(log, "sound card: no microphone (PortAudio: no input device named 'no-such-mic'"), 1);

    /* WAV files in place of the sound card: a --mic beside them is said to be ignored */
    char *wav_and_mic[] = {(char *)kiosk_binary(), "--ui", "text", "--db", db, "--audio-out", "/dev/null", "--mic",
                           "pulse", NULL};
    assert_int_equal(child_start(&c, wav_and_mic, log), 0);
    child_close_input(&c);
    assert_int_equal(child_wait(&c), 0);
    assert_int_equal(file_count_lines_with(log, "--mic, --speaker and --mic-rate choose the sound card: ignored"), 1);
    pulse_room_stop(&room);
    unlink(log);
    unlink(db);
}

/* After each test: the sound server a failed one left is stopped; its folder is kept, to be read. */
static int stop_what_failed(void **state)
{
    (void)state;
    if (running) {
        print_message("the kiosk's folder is kept: %s\n", running->dir);
        pulse_room_stop(&running->room);
        running = NULL;
    }
    return 0;
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_choosing_the_devices),
        cmocka_unit_test_teardown(test_answered_through_the_sound_card, stop_what_failed),
        cmocka_unit_test_teardown(test_answered_over_the_reading_through_the_sound_card, stop_what_failed),
        cmocka_unit_test_teardown(test_microphone_going_silent, stop_what_failed),
        cmocka_unit_test_teardown(test_sound_server_dies_and_comes_back, stop_what_failed),
        cmocka_unit_test_teardown(test_kiosk_started_before_its_sound_card, stop_what_failed),
        cmocka_unit_test_teardown(test_speaker_without_microphone, stop_what_failed),
    };
    if (getenv("QLQ_TEST_FILTER")) /* one test, to run it again and again: "test_microphone*" */
        cmocka_set_test_filter(getenv("QLQ_TEST_FILTER"));
    return cmocka_run_group_tests(tests, NULL, NULL);
}
