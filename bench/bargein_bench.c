/*
 * bench_bargein: answers said over the item being read, through the kiosk's own speech module
 * (app/speech.c: eSpeak's reading of the item, the echo canceller, the recogniser) on a WAV device
 * in a room (audio_wav_set_room, its clock moved by the microphone: the same run every time).
 *
 * For each case: an item's prompt, a held-out answer (clean, from bench/asr_run.sh's corpus) placed
 * at a share of the prompt's length (or after it: the baseline, as the kiosk listened before), a
 * room (echo level, delay, reverb; in two, the echo moved back and forth). Printed: how often the
 * reading stopped for the answer and how long after its first sound, the answers right / asked again
 * / wrong, and prompts read to the end while the patient said nothing (a reading cut for nothing is a
 * false barge-in).
 * Not a test: it prints numbers.
 */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "bench_util.h"
#include "qlq_asr.h"
#include "qlq_audio.h"
#include "qlq_core.h"
#include "qlq_loader.h"
#include "qlq_tts.h"
#include "speech.h"

enum { RATE = AUDIO_RATE, MAX_ANSWERS = 4096, MAX_POLLS = 200000 };

typedef struct {
    char path[512];
    int expected;
} answer_file;

typedef struct {
    const char *name;
    audio_wav_room room;
} room_case;

static const room_case rooms[] = {
    {"near -6 dB", {-6.0, 5.0, 0.0, 0.0, 0.0}},
    {"-12 dB 20 ms reverb 150", {-12.0, 20.0, 150.0, 0.0, 0.0}},
    {"-20 dB 40 ms reverb 300", {-20.0, 40.0, 300.0, 0.0, 0.0}},
    {"loud 0 dB 10 ms reverb 100", {0.0, 10.0, 100.0, 0.0, 0.0}},
    /* a sound system short of processor time moving the echo (audio_echo_moved.c) */
    {"-6 dB moved 2 samples / 1.5 s", {-6.0, 5.0, 0.0, 0.125, 1500.0}},
    {"-12 dB reverb 150 moved 7.8 ms / 2 s", {-12.0, 20.0, 150.0, 7.8125, 2000.0}},
};
enum { N_ROOMS = sizeof rooms / sizeof rooms[0] };

/* Where the answer starts: a share of the prompt, or (last) 300 ms after it. */
static const double places[] = {0.35, 0.6, 0.85, 0.97, -1.0};
enum { N_PLACES = sizeof places / sizeof places[0] };

typedef struct {
    int cases, stopped, right, asked, wrong;
    double latency_ms[MAX_ANSWERS];
    int n_latency;
} tally;

typedef struct {
    qlq_questionnaire q;
    tts *voice;
    asr *recogniser;
    const char *tmp;
} bench;

static int load_answers(const char *corpus, answer_file *out, int max)
{
    char path[512];
    snprintf(path, sizeof path, "%s/manifest.tsv", corpus);
    FILE *f = fopen(path, "r");
    if (!f) {
        fprintf(stderr, "bench_bargein: cannot read %s\n", path);
        return -1;
    }
    char line[1024];
    int n = 0;
    while (n < max && fgets(line, sizeof line, f)) {
        char file[256], expected[32], scale[16], set[32], voice[64], cond[32];
        if (sscanf(line, "%255[^\t]\t%31[^\t]\t%15[^\t]\t%31[^\t]\t%63[^\t]\t%31[^\t]", file, expected, scale, set,
                   voice, cond) != 6)
            continue;
        int e = atoi(expected);
        if (strcmp(set, "heldout") || strcmp(cond, "clean") || strcmp(scale, "4") || e < 1 || e > 4)
            continue;
        snprintf(out[n].path, sizeof out[n].path, "%s/%s", corpus, file);
        out[n++].expected = e;
    }
    fclose(f);
    return n;
}

/* The first 10 ms frame within 30 dB of the loudest: where the words begin. */
static size_t speech_onset(const audio_pcm *p)
{
    double loudest = -200.0;
    size_t frames = p->count / 160;
    for (size_t i = 0; i < frames; i++) {
        double db = audio_measure(p->samples + i * 160, 160).rms_dbfs;
        if (db > loudest)
            loudest = db;
    }
    for (size_t i = 0; i < frames; i++)
        if (audio_measure(p->samples + i * 160, 160).rms_dbfs > loudest - 30.0)
            return i * 160;
    return 0;
}

typedef struct {
    bool decided;
    qlq_event ev;
    size_t played; /* samples of the prompt the speaker sounded */
} turn;

/* A kiosk in one room: one device and one speech module for all its turns (the echo canceller
 * learns the room once, as in a session), the microphone's turns from the files of `dir`. */
typedef struct {
    audio_device *dev;
    speech *sp;
    char out[600];
    size_t out_len;
} kiosk_room;

static void open_room(bench *b, kiosk_room *k, const char *dir, const audio_wav_room *room)
{
    char err[512];
    snprintf(k->out, sizeof k->out, "%s/speaker.wav", b->tmp);
    k->dev = audio_open_wav(dir, k->out, err, sizeof err);
    if (!k->dev) {
        fprintf(stderr, "bench_bargein: %s\n", err);
        exit(1);
    }
    audio_wav_set_speed(k->dev, 0.0);
    if (room)
        audio_wav_set_room(k->dev, room);
    k->sp = speech_create(k->dev, b->voice, b->recogniser, &b->q);
    k->out_len = 0;
}

static void close_room(kiosk_room *k)
{
    speech_destroy(k->sp);
    k->dev->ops->destroy(k->dev);
}

static size_t speaker_samples(const kiosk_room *k)
{
    struct stat st;
    return stat(k->out, &st) == 0 && st.st_size > 44 ? (size_t)(st.st_size - 44) / 2 : 0;
}

/* One turn: the item read, the microphone's next file heard (over the reading when in a room). */
static turn run_turn(kiosk_room *k, int item)
{
    turn t = {0};
    qlq_effect fx = {.type = QLQ_FX_SPEAK, .item = item};
    speech_effect(k->sp, &fx);
    fx = (qlq_effect){.type = QLQ_FX_LISTEN, .item = item, .value = QLQ_GRAMMAR_SCALE4, .listen_ms = 8000};
    speech_effect(k->sp, &fx);
    for (int i = 0; i < MAX_POLLS && speech_busy(k->sp) && !t.decided; i++)
        t.decided = speech_poll(k->sp, &t.ev);
    size_t now = speaker_samples(k);
    t.played = now - k->out_len;
    k->out_len = now;
    return t;
}

/* The answer placed `lead` samples into a quiet room (a microphone's own noise, -65 dBFS: never
 * digital silence), the microphone's turn number `n`. */
static void place_answer(const char *dir, int n, const audio_pcm *answer, size_t lead)
{
    char path[700];
    snprintf(path, sizeof path, "%s/%05d.wav", dir, n);
    int16_t *s = calloc(lead + answer->count + 1, sizeof *s);
    if (answer->count)
        memcpy(s + lead, answer->samples, answer->count * sizeof *s);
    static uint32_t seed = 1;
    for (size_t i = 0; i < lead + answer->count + 1; i++) {
        double sum = 0.0; /* near-Gaussian: the sum of four uniform draws */
        for (int j = 0; j < 4; j++) {
            seed = seed * 1664525u + 1013904223u;
            sum += (double)(seed >> 8) / (1u << 24) - 0.5;
        }
        double v = s[i] + sum * 32768.0 * 0.00056 / 0.577;
        s[i] = (int16_t)(v > 32767 ? 32767 : v < -32768 ? -32768 : lrint(v));
    }
    audio_wav_write(path, s, lead + answer->count + 1, RATE);
    free(s);
}

static void print_tally(const char *label, tally *t)
{
    printf("%-34s %5d  stopped %5.1f %%  after first sound: median %4.0f ms, p90 %4.0f ms  right %5.1f %%  "
           "asked again %5.1f %%  wrong %4.1f %% (%d)\n",
           label, t->cases, 100.0 * t->stopped / (t->cases ? t->cases : 1), bench_quantile(t->latency_ms, t->n_latency, 0.5),
           bench_quantile(t->latency_ms, t->n_latency, 0.9), 100.0 * t->right / (t->cases ? t->cases : 1),
           100.0 * t->asked / (t->cases ? t->cases : 1), 100.0 * t->wrong / (t->cases ? t->cases : 1), t->wrong);
}

static void count(tally *t, const turn *r, int expected, size_t prompt_len, size_t onset)
{
    t->cases++;
    if (r->played < prompt_len) {
        t->stopped++;
        if (t->n_latency < MAX_ANSWERS)
            t->latency_ms[t->n_latency++] = ((double)r->played - (double)onset) * 1000.0 / RATE;
    }
    if (r->decided && r->ev.type == QLQ_EV_ANSWER && r->ev.value == expected)
        t->right++;
    else if (r->decided && r->ev.type == QLQ_EV_ANSWER)
        t->wrong++;
    else
        t->asked++;
}

int main(int argc, char **argv)
{
    const char *corpus = NULL, *assets = NULL, *tmp = "/tmp";
    int max_cases = 400;
    bool verbose = false;
    for (int i = 1; i < argc; i++)
        if (!strcmp(argv[i], "--verbose"))
            verbose = true;
    for (int i = 1; i + 1 < argc; i += 2) {
        if (!strcmp(argv[i], "--corpus"))
            corpus = argv[i + 1];
        else if (!strcmp(argv[i], "--assets"))
            assets = argv[i + 1];
        else if (!strcmp(argv[i], "--tmp"))
            tmp = argv[i + 1];
        else if (!strcmp(argv[i], "--cases"))
            max_cases = atoi(argv[i + 1]);
    }
    if (!corpus || !assets) {
        fprintf(stderr, "usage: bench_bargein --corpus DIR --assets DIR [--tmp DIR] [--cases N] [--verbose]\n"
                        "  --corpus: bench/asr_run.sh's French corpus (build/asr-corpus/fr); --verbose: one line\n"
                        "  per case on stderr (file, room, item, where the answer was said, what was decided)\n");
        return 2;
    }
    static answer_file answers[MAX_ANSWERS];
    int n_answers = load_answers(corpus, answers, MAX_ANSWERS);
    if (n_answers <= 0)
        return 1;
    bench b = {.tmp = tmp};
    qlq_load_error lerr;
    if (qlq_loader_load_language(assets, "fr", &b.q, &lerr) != 0) {
        fprintf(stderr, "bench_bargein: cannot load the French questionnaire\n");
        return 1;
    }
    char err[512], cache[600];
    snprintf(cache, sizeof cache, "%s/tts-cache", tmp);
    tts_config tc;
    tts_config_default(&tc);
    tc.cache_dir = cache;
    b.voice = tts_create(&tc, err, sizeof err);
    asr_config ac = {.assets_dir = assets};
    b.recogniser = asr_create(&ac, err, sizeof err);
    if (!b.voice || !b.recogniser) {
        fprintf(stderr, "bench_bargein: %s\n", err);
        return 1;
    }
    /* each prompt's length (listened to after the reading), and whether it is read to the end
     * when nobody speaks */
    char dir[600];
    snprintf(dir, sizeof dir, "%s/mic", tmp);
    char cmd[1400];
    snprintf(cmd, sizeof cmd, "rm -rf '%s' && mkdir -p '%s'", dir, dir);
    if (system(cmd) != 0)
        return 1;
    audio_pcm nothing = {0};
    for (int item = 1; item <= 28; item++)
        place_answer(dir, item, &nothing, RATE / 2);
    size_t prompt_len[31] = {0};
    kiosk_room k;
    open_room(&b, &k, dir, NULL);
    for (int item = 1; item <= 28; item++)
        prompt_len[item] = run_turn(&k, item).played;
    close_room(&k);
    tally silent[N_ROOMS] = {0};
    for (int r = 0; r < N_ROOMS; r++) {
        open_room(&b, &k, dir, &rooms[r].room);
        for (int item = 1; item <= 28; item++) {
            turn t = run_turn(&k, item);
            silent[r].cases++;
            silent[r].stopped += t.played < prompt_len[item];
            silent[r].wrong += t.decided && t.ev.type == QLQ_EV_ANSWER;
        }
        close_room(&k);
    }
    /* the answers: per room, a folder of turns, then one kiosk through them */
    static tally by_place[N_PLACES], by_room[N_ROOMS];
    for (int r = 0; r < N_ROOMS; r++) {
        snprintf(cmd, sizeof cmd, "rm -rf '%s' && mkdir -p '%s'", dir, dir);
        if (system(cmd) != 0)
            return 1;
        typedef struct { int item, place, expected; size_t onset; const char *file; } planned;
        static planned plan[MAX_ANSWERS];
        int n = 0;
        for (int k2 = r; k2 < n_answers && n < max_cases / N_ROOMS; k2 += 3 * N_ROOMS) {
            audio_pcm answer = {0};
            if (audio_wav_read_at(answers[k2].path, RATE, &answer, err, sizeof err) != AUDIO_OK)
                continue;
            size_t words = speech_onset(&answer);
            for (int p = 0; p < N_PLACES && n < max_cases / N_ROOMS; p++, n++) {
                int item = 1 + (k2 / 3 + p) % 28;
                size_t at = places[p] < 0 ? prompt_len[item] + RATE * 3 / 10 : (size_t)(places[p] * prompt_len[item]);
                size_t lead = at > words ? at - words : 0;
                place_answer(dir, n, &answer, lead);
                plan[n] = (planned){item, p, answers[k2].expected, lead + words, answers[k2].path};
            }
            audio_pcm_free(&answer);
        }
        open_room(&b, &k, dir, &rooms[r].room);
        for (int i = 0; i < n; i++) {
            turn t = run_turn(&k, plan[i].item);
            if (verbose)
                fprintf(stderr, "case %s room %d item %d place %d expected %d: played %zu of %zu, words at %zu; %s %d (%.2f)\n",
                    strrchr(plan[i].file, '/') + 1, r,
                    plan[i].item, plan[i].place, plan[i].expected, t.played, prompt_len[plan[i].item], plan[i].onset,
                    t.decided ? "event" : "no event", t.decided ? (int)t.ev.type * 10 + t.ev.value : -1,
                    t.decided ? t.ev.confidence : 0.0);
            count(&by_place[plan[i].place], &t, plan[i].expected, prompt_len[plan[i].item], plan[i].onset);
            if (places[plan[i].place] >= 0)
                count(&by_room[r], &t, plan[i].expected, prompt_len[plan[i].item], plan[i].onset);
        }
        close_room(&k);
    }
    printf("answers said over the reading (held-out voices, clean), through app/speech.c:\n");
    for (int p = 0; p < N_PLACES; p++) {
        char label[64];
        if (places[p] < 0)
            snprintf(label, sizeof label, "after the reading (as before)");
        else
            snprintf(label, sizeof label, "at %.0f %% of the reading", 100.0 * places[p]);
        print_tally(label, &by_place[p]);
    }
    for (int r = 0; r < N_ROOMS; r++)
        print_tally(rooms[r].name, &by_room[r]);
    printf("nobody speaking (28 items per room): readings cut for nothing, answers taken\n");
    for (int r = 0; r < N_ROOMS; r++)
        printf("  %-32s %d of %d cut, %d answers taken\n", rooms[r].name, silent[r].stopped, silent[r].cases,
               silent[r].wrong);
    tts_destroy(b.voice);
    asr_destroy(b.recogniser);
    qlq_questionnaire_free(&b.q);
    return 0;
}
