/* bench_asr: the recogniser against PocketSphinx's default US-English language model on the same
 * corpus (tools/corpus/make-corpus.sh), side by side: answer accuracy clean / 20 dB / 10 dB,
 * commands, out-of-grammar rejection, false acceptance, real-time factor, end of speech to
 * decision, RSS. Tuning and held-out voices are reported separately.
 *
 *   bench_asr --corpus DIR [--lang fr|en] [--no-baseline] [--dump FILE.tsv] [--decoder-args "..."]
 *             [--reject-below X] [--assets DIR] [--all-evidence]
 *             [--model DIR [--dict FILE]] [--second-model DIR|""] [--third-model DIR|""] [--stream]
 *
 * --stream: each file is recognised as the kiosk listens, through asr_stream in 20 ms chunks (the
 * endpointer decides when the answer has ended; what it did not end by the file's end is decided
 * then), instead of as a recording (asr_recognize).
 * --all-evidence: the rival margin is measured on every answer heard, also where the kiosk skips it
 * (a sure answer); what bench/fit_confidence.py needs from a --dump.
 */
#include "asr_bench.h"
#include "qlq_asr.h"
#include "qlq_audio.h"

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

enum { SYS_ASR, SYS_BASE, N_SYS };
enum { SET_TUNING, SET_HELDOUT, N_SET };
enum { C_ANS_CLEAN, C_ANS_20, C_ANS_10, C_CMD, C_YESNO, C_OOG_SPEECH, C_OOG_NOISE, N_CAT };
static const char *const cat_name[N_CAT] = {
    "answers, clean", "answers, 20 dB SNR", "answers, 10 dB SNR", "commands (all conditions)",
    "oui/non (all conditions)", "out-of-grammar speech rejected", "noise/silence rejected",
};

typedef struct {
    int n, correct, wrong, rejected;
} tally;

typedef struct {
    const char *corpus, *lang, *dump, *decoder_args, *assets, *model, *dict, *second, *third;
    double reject_below, answer_reject_below;
    bool baseline, all_evidence, stream;
} options;

typedef struct {
    unsigned char set, oog, clean_answer, right; /* right: the phrase heard is the one expected */
    unsigned char answer_10db;                   /* an answer said at 10 dB SNR (or the corpus's worst) */
    unsigned char heard_answer;                  /* the phrase heard is an answer of the scale */
    float conf;                                  /* 0 when nothing or a decoy was heard */
} decision;

enum { MAX_CONDITIONS = 16 };

typedef struct {
    tally t[N_SYS][N_SET][N_CAT];
    char cond_name[MAX_CONDITIONS][16]; /* answers by condition (clean, white20, hum10...) */
    tally by_cond[MAX_CONDITIONS][N_SET];
    int n_cond;
    decision dec[8192];
    size_t n_dec;
    double audio_ms, decode_ms, decode_cpu_ms;
    double lat[4096], block[4096]; /* per utterance: the call that ended it, the longest call */
    size_t n_lat, n_early;
    size_t n_files, n_second, n_third; /* files decoded, and those the second (third) model was asked about */
    double speech_tail_ms;
} stats;

static double clock_ms(clockid_t clock)
{
    struct timespec ts;
    clock_gettime(clock, &ts);
    return (double)ts.tv_sec * 1e3 + (double)ts.tv_nsec / 1e6;
}

static double now_ms(void)
{
    return clock_ms(CLOCK_MONOTONIC);
}

/* The processor time of this thread: what the decoding cost one core, whatever else ran beside it. */
static double cpu_ms(void)
{
    return clock_ms(CLOCK_THREAD_CPUTIME_ID);
}

static long rss_kb(const char *key)
{
    FILE *f = fopen("/proc/self/status", "r");
    char line[256];
    long kb = -1;
    while (f && fgets(line, sizeof line, f)) {
        if (strncmp(line, key, strlen(key)) == 0)
            kb = strtol(line + strlen(key), NULL, 10);
    }
    if (f)
        fclose(f);
    return kb;
}

static int scale_bits(const char *s)
{
    if (strcmp(s, "*") == 0)
        return SCALE_4 | SCALE_7 | SCALE_YN;
    int bits = 0;
    bits |= strstr(s, "4") ? SCALE_4 : 0;
    bits |= strstr(s, "7") ? SCALE_7 : 0;
    bits |= strstr(s, "yn") ? SCALE_YN : 0;
    return bits;
}

static int load_phrases(const char *assets, const char *lang, phrase_list *pl)
{
    char path[4096], line[512];
    snprintf(path, sizeof path, "%s/voice/%s.phrases", assets, lang);
    FILE *f = fopen(path, "r");
    if (!f)
        return -1;
    while (fgets(line, sizeof line, f) && pl->n < sizeof pl->items / sizeof pl->items[0]) {
        char sc[32], meaning[16];
        int used = 0;
        if (line[0] == '#' || sscanf(line, "%31s %15s %n", sc, meaning, &used) < 2 || used == 0)
            continue;
        bench_phrase *p = &pl->items[pl->n++];
        snprintf(p->text, sizeof p->text, "%s", line + used);
        p->text[strcspn(p->text, "\r\n")] = '\0';
        snprintf(p->meaning, sizeof p->meaning, "%s", meaning);
        p->scales = scale_bits(sc);
    }
    fclose(f);
    return 0;
}

static int category(const char *expected, const char *cond)
{
    bool answer = expected[0] >= '1' && expected[0] <= '7';
    if (answer)
        return strcmp(cond, "clean") == 0 ? C_ANS_CLEAN : strstr(cond, "20") ? C_ANS_20 : C_ANS_10;
    if (strcmp(expected, "yes") == 0 || strcmp(expected, "no") == 0)
        return C_YESNO;
    if (strcmp(expected, "reject") == 0)
        return strncmp(cond, "noise", 5) == 0 ? C_OOG_NOISE : C_OOG_SPEECH;
    return C_CMD;
}

static void count(tally *t, const char *expected, const char *got)
{
    t->n++;
    if (strcmp(expected, got) == 0)
        t->correct++;
    else if (strcmp(got, "reject") == 0)
        t->rejected++;
    else
        t->wrong++;
}

/* Live use: 20 ms chunks arriving in real time through the stream, each processed when it has
 * arrived and the previous one is done. The latency is from the arrival of the chunk that ends the
 * utterance (the endpointer's 600 ms of trailing silence are then complete) to the decision:
 * decoding started in the silence and still running delays it. Also kept: the longest call. */
static void stream_latency(asr *a, asr_lang lang, asr_grammar g, const audio_pcm *pcm, stats *st)
{
    char err[256];
    asr_stream *s = asr_stream_start(a, lang, g, NULL, err, sizeof err);
    if (!s)
        return;
    double longest = 0, done_at = 0;
    static const int16_t quiet[320];
    size_t total = pcm->count + ASR_RATE * 3 / 2; /* the room stays quiet after the file ends */
    for (size_t off = 0; off < total; off += 320) {
        size_t n = off < pcm->count ? (pcm->count - off < 320 ? pcm->count - off : 320) : 320;
        const int16_t *chunk = off < pcm->count ? pcm->samples + off : quiet;
        double arrival = (double)(off + n) * 1000.0 / ASR_RATE;
        double t0 = now_ms();
        asr_ep_event ev = asr_stream_feed(s, chunk, n);
        double dt = now_ms() - t0;
        done_at = (done_at > arrival ? done_at : arrival) + dt;
        longest = dt > longest ? dt : longest;
        if (ev == ASR_EP_END && st->n_lat < sizeof st->lat / sizeof st->lat[0]) {
            st->block[st->n_lat] = longest;
            st->lat[st->n_lat++] = done_at - arrival;
            st->n_early += asr_stream_result(s)->decoded_in_silence;
            break;
        }
    }
    asr_stream_free(s);
}

/* The decision the kiosk would take listening live to the file: the first utterance the endpointer
 * ends, or what was heard when the file ends. */
static int recognize_as_stream(asr *a, asr_lang lang, asr_grammar g, const audio_pcm *pcm, asr_result *out,
                               char *err, size_t err_len)
{
    asr_stream *s = asr_stream_start(a, lang, g, NULL, err, err_len);
    if (!s)
        return -1;
    const asr_result *r = NULL;
    for (size_t off = 0; off < pcm->count && !r; off += 320) {
        size_t n = pcm->count - off < 320 ? pcm->count - off : 320;
        asr_ep_event ev = asr_stream_feed(s, pcm->samples + off, n);
        if (ev == ASR_EP_END || ev == ASR_EP_TIMEOUT)
            r = asr_stream_result(s);
    }
    *out = *(r ? r : asr_stream_finish(s));
    asr_stream_free(s);
    return 0;
}

static asr_grammar grammar_of(const char *scale)
{
    return strcmp(scale, "7") == 0 ? ASR_GRAMMAR_SCALE7 : strcmp(scale, "yesno") == 0 ? ASR_GRAMMAR_YESNO
                                                                                        : ASR_GRAMMAR_SCALE4;
}

typedef struct {
    char file[128], expected[16], scale[8], set[16], voice[64], cond[16], text[128];
} entry;

static int read_entry(FILE *f, entry *e)
{
    char line[1024];
    while (fgets(line, sizeof line, f)) {
        if (strncmp(line, "file\t", 5) == 0)
            continue;
        if (sscanf(line, "%127[^\t]\t%15[^\t]\t%7[^\t]\t%15[^\t]\t%63[^\t]\t%15[^\t]\t%127[^\n]", e->file,
                   e->expected, e->scale, e->set, e->voice, e->cond, e->text) == 7)
            return 1;
    }
    return 0;
}

static int load_pcm(const char *dir, const char *file, audio_pcm *pcm)
{
    char path[4096], err[256];
    snprintf(path, sizeof path, "%s/%s", dir, file);
    if (audio_wav_read_at(path, AUDIO_RATE, pcm, err, sizeof err) != AUDIO_OK) {
        fprintf(stderr, "bench_asr: %s\n", err);
        return -1;
    }
    return 0;
}

static void count_condition(stats *st, const char *cond, int set, const char *expected, const char *got)
{
    int c = 0;
    while (c < st->n_cond && strcmp(st->cond_name[c], cond) != 0)
        c++;
    if (c == st->n_cond) {
        if (st->n_cond == MAX_CONDITIONS)
            return;
        snprintf(st->cond_name[st->n_cond++], sizeof st->cond_name[0], "%s", cond);
    }
    count(&st->by_cond[c][set], expected, got);
}

static void run_file(asr *a, baseline *b, const options *o, const phrase_list *pl, const entry *e,
                     stats *st, FILE *dump)
{
    audio_pcm pcm = {0};
    if (load_pcm(o->corpus, e->file, &pcm) != 0)
        return;
    asr_lang lang = strcmp(o->lang, "en") == 0 ? ASR_LANG_EN : ASR_LANG_FR;
    asr_grammar g = grammar_of(e->scale);
    asr_result r;
    char err[256], hyp[512] = "";
    double cpu0 = cpu_ms();
    int rc = o->stream ? recognize_as_stream(a, lang, g, &pcm, &r, err, sizeof err)
                       : asr_recognize(a, lang, g, pcm.samples, pcm.count, &r, err, sizeof err);
    st->decode_cpu_ms += cpu_ms() - cpu0;
    if (rc != 0) {
        fprintf(stderr, "bench_asr: %s: %s\n", e->file, err);
        audio_pcm_free(&pcm);
        return;
    }
    int set = strcmp(e->set, "heldout") == 0 ? SET_HELDOUT : SET_TUNING;
    int cat = category(e->expected, e->cond);
    const char *got = asr_kind_name(r.kind, r.value);
    count(&st->t[SYS_ASR][set][cat], e->expected, got);
    if (cat <= C_ANS_10)
        count_condition(st, e->cond, set, e->expected, got);
    st->audio_ms += r.audio_ms;
    st->decode_ms += r.decode_ms;
    st->n_files++;
    st->n_second += r.models >= 2;
    st->n_third += r.models == 3;
    const char *bgot = "-";
    if (b) {
        baseline_decode(b, pcm.samples, pcm.count, hyp, sizeof hyp);
        int bits = g == ASR_GRAMMAR_SCALE7 ? SCALE_7 : g == ASR_GRAMMAR_YESNO ? SCALE_YN : SCALE_4;
        bgot = baseline_decide(pl, bits, hyp);
        count(&st->t[SYS_BASE][set][cat], e->expected, bgot);
    }
    if (strcmp(e->cond, "clean") == 0 && cat != C_OOG_NOISE)
        stream_latency(a, lang, g, &pcm, st);
    if (st->n_dec < sizeof st->dec / sizeof st->dec[0]) {
        bool decoy = r.heard_kind == ASR_REJECT;
        st->dec[st->n_dec++] = (decision){
            .set = (unsigned char)set, .oog = strcmp(e->expected, "reject") == 0, .clean_answer = cat == C_ANS_CLEAN,
            .right = strcmp(asr_kind_name(r.heard_kind, r.heard_value), e->expected) == 0 && !decoy,
            .answer_10db = cat == C_ANS_10, .heard_answer = r.heard_kind == ASR_ANSWER,
            .conf = decoy ? 0.0f : (float)r.confidence};
    }
    if (dump)
        fprintf(dump, "%s\t%s\t%s\t%s\t%s\t%s\t%s\t%s\t%.4f\t%s\t%.0f\t%.1f\t%s\t%s\t%.4f\t%.4f\t%.1f\t%d\t%.0f\t%.0f\n", e->file, e->set, e->voice,
                e->cond, e->scale, e->expected, got, asr_kind_name(r.heard_kind, r.heard_value), r.confidence,
                r.transcript, r.speech_ms, r.decode_ms, bgot, hyp, r.phone_loop_ratio, r.rival_margin, r.snr_db, r.tones_removed, r.decay_ms,
                r.outside_ms);
    audio_pcm_free(&pcm);
}

/* Answers by condition: which noise costs what, and whether it costs rejections or errors. */
static void print_conditions(const stats *st)
{
    printf("\nanswers by condition (qlq_asr):  right / asked again / wrong   (tuning | held-out)\n");
    for (int c = 0; c < st->n_cond; c++) {
        printf("  %-10s", st->cond_name[c]);
        for (int set = 0; set < N_SET; set++) {
            const tally *t = &st->by_cond[c][set];
            if (t->n == 0)
                printf("  %27s", "-");
            else
                printf("  %5.1f%% / %4.1f%% / %4.1f%% (%4d)", 100.0 * t->correct / t->n, 100.0 * t->rejected / t->n,
                       100.0 * t->wrong / t->n, t->n);
            printf(set == 0 ? "  |" : "\n");
        }
    }
}

static void print_cell(const tally *t, int cat)
{
    if (t->n == 0) {
        printf(" %18s", "-");
        return;
    }
    bool oog = cat == C_OOG_SPEECH || cat == C_OOG_NOISE;
    double v = (double)(oog ? t->correct : t->correct) / t->n;
    printf(" %7.1f%% (%4d/%4d)", 100.0 * v, oog ? t->correct : t->correct, t->n);
}

static void sum_into(tally *dst, const tally *src)
{
    dst->n += src->n;
    dst->correct += src->correct;
    dst->wrong += src->wrong;
    dst->rejected += src->rejected;
}

static void print_false_accept(const stats *st, int sys, int set)
{
    tally in = {0}, out = {0};
    for (int c = 0; c < N_CAT; c++)
        sum_into((c == C_OOG_SPEECH || c == C_OOG_NOISE) ? &out : &in, &st->t[sys][set][c]);
    int fa = in.wrong + (out.n - out.correct);
    int n = in.n + out.n;
    printf(" %7.1f%% (%4d/%4d)", n ? 100.0 * fa / n : 0.0, fa, n);
}

static void print_table(const stats *st, bool baseline)
{
    printf("\n%-34s %18s %18s", "", "qlq_asr tuning", "qlq_asr held-out");
    if (baseline)
        printf(" %18s %18s", "en-us LM tuning", "en-us LM held-out");
    printf("\n");
    for (int c = 0; c < N_CAT; c++) {
        printf("%-34s", cat_name[c]);
        for (int s = 0; s < (baseline ? N_SYS : 1); s++)
            for (int set = 0; set < N_SET; set++)
                print_cell(&st->t[s][set][c], c);
        printf("\n");
    }
    printf("%-34s", "false acceptance (wrong accepted)");
    for (int s = 0; s < (baseline ? N_SYS : 1); s++)
        for (int set = 0; set < N_SET; set++)
            print_false_accept(st, s, set);
    printf("\n%-34s", "in-grammar rejected (asked again)");
    for (int s = 0; s < (baseline ? N_SYS : 1); s++) {
        for (int set = 0; set < N_SET; set++) {
            tally in = {0};
            for (int c = 0; c < C_OOG_SPEECH; c++)
                sum_into(&in, &st->t[s][set][c]);
            printf(" %7.1f%% (%4d/%4d)", in.n ? 100.0 * in.rejected / in.n : 0.0, in.rejected, in.n);
        }
    }
    printf("\n");
}

/* What other thresholds for the answers would give, from the same decisions; commands and yes/no
 * stay at `below`. */
static void print_sweep(const stats *st, double below)
{
    printf("\nanswers rejected below (others %.2f):   clean answers right | 10 dB answers right | in-grammar wrong "
           "accepted | out-of-grammar rejected   (tuning / held-out)\n", below);
    enum { CLEAN, NOISY, WRONG, OOG, N_COL };
    for (int k = 3; k <= 9; k++) {
        double thr = k / 10.0;
        int n[N_SET][N_COL] = {{0}}, c[N_SET][N_COL] = {{0}};
        for (size_t i = 0; i < st->n_dec; i++) {
            const decision *d = &st->dec[i];
            bool accepted = d->conf > 0 && d->conf >= (d->heard_answer ? thr : below);
            int *dn = n[d->set], *dc = c[d->set];
            if (d->clean_answer || d->answer_10db) {
                dn[d->clean_answer ? CLEAN : NOISY]++;
                dc[d->clean_answer ? CLEAN : NOISY] += accepted && d->right;
            }
            if (!d->oog) {
                dn[WRONG]++;
                dc[WRONG] += accepted && !d->right;
            } else {
                dn[OOG]++;
                dc[OOG] += !accepted;
            }
        }
        printf("  %.1f      ", thr);
        for (int m = 0; m < N_COL; m++)
            printf("   %5.1f%% / %5.1f%%  ", n[0][m] ? 100.0 * c[0][m] / n[0][m] : 0.0,
                   n[1][m] ? 100.0 * c[1][m] / n[1][m] : 0.0);
        printf("\n");
    }
}

static int cmp_double(const void *a, const void *b)
{
    double x = *(const double *)a, y = *(const double *)b;
    return (x > y) - (x < y);
}

static void print_timing(stats *st, double load_ms, long rss_loaded, long rss_peak)
{
    printf("\nreal-time factor (one core, all files): %.4f  (%.0f ms decoding for %.0f s of audio)\n",
           st->decode_ms / st->audio_ms, st->decode_ms, st->audio_ms / 1000.0);
    printf("  in processor time of the decoding thread: %.4f (%.0f ms; the wall-clock figure above also counts\n"
           "  the time other processes took the core)\n",
           st->decode_cpu_ms / st->audio_ms, st->decode_cpu_ms);
    if (st->n_lat > 0) {
        size_t n = st->n_lat;
        qsort(st->lat, n, sizeof st->lat[0], cmp_double);
        qsort(st->block, n, sizeof st->block[0], cmp_double);
        printf("end of speech -> decision (from the end of the endpointer's 600 ms of trailing silence, audio\n"
               "  in 20 ms chunks in real time, %zu clean files): median %.1f ms, p95 %.1f ms, max %.1f ms\n"
               "  decoded during the trailing silence: %zu of %zu; longest single call (the decoding itself):\n"
               "  median %.1f ms, p95 %.1f ms, max %.1f ms\n",
               n, st->lat[n / 2], st->lat[(size_t)(n * 0.95)], st->lat[n - 1], st->n_early, n, st->block[n / 2],
               st->block[(size_t)(n * 0.95)], st->block[n - 1]);
    }
    printf("model load %.0f ms; RSS with the model loaded %.1f MB; peak RSS %.1f MB (includes the baseline "
           "decoder when run)\n", load_ms, rss_loaded / 1024.0, rss_peak / 1024.0);
}

static int parse_args(int argc, char **argv, options *o)
{
    *o = (options){.lang = "fr", .baseline = true, .assets = getenv("QLQ_ASSETS_DIR")};
    for (int i = 1; i < argc; i++) {
        const char *a = argv[i], *v = i + 1 < argc ? argv[i + 1] : NULL;
        if (strcmp(a, "--no-baseline") == 0) {
            o->baseline = false;
            continue;
        }
        if (strcmp(a, "--all-evidence") == 0) {
            o->all_evidence = true;
            continue;
        }
        if (strcmp(a, "--stream") == 0) {
            o->stream = true;
            continue;
        }
        if (!v)
            return -1;
        if (strcmp(a, "--corpus") == 0) o->corpus = v;
        else if (strcmp(a, "--lang") == 0) o->lang = v;
        else if (strcmp(a, "--dump") == 0) o->dump = v;
        else if (strcmp(a, "--decoder-args") == 0) o->decoder_args = v;
        else if (strcmp(a, "--model") == 0) o->model = v;
        else if (strcmp(a, "--dict") == 0) o->dict = v;
        else if (strcmp(a, "--second-model") == 0) o->second = v;
        else if (strcmp(a, "--third-model") == 0) o->third = v;
        else if (strcmp(a, "--reject-below") == 0) o->reject_below = atof(v);
        else if (strcmp(a, "--answer-reject-below") == 0) o->answer_reject_below = atof(v);
        else if (strcmp(a, "--assets") == 0) o->assets = v;
        else return -1;
        i++;
    }
    return o->corpus && o->assets ? 0 : -1;
}

int main(int argc, char **argv)
{
    options o;
    if (parse_args(argc, argv, &o) != 0) {
        fprintf(stderr, "usage: bench_asr --corpus DIR [--lang fr|en] [--no-baseline] [--dump F.tsv [--all-evidence]]\n"
                        "       [--decoder-args \"...\"] [--reject-below X] [--answer-reject-below X]\n"
                        "       [--assets DIR (or $QLQ_ASSETS_DIR)]\n"
                        "       [--model DIR [--dict FILE]] [--second-model DIR|\"\"] [--third-model DIR|\"\"] [--stream]\n");
        return 2;
    }
    char path[4096], err[256];
    snprintf(path, sizeof path, "%s/manifest.tsv", o.corpus);
    FILE *mf = fopen(path, "r");
    phrase_list *pl = calloc(1, sizeof *pl);
    stats *st = calloc(1, sizeof *st);
    if (!mf || !pl || !st || load_phrases(o.assets, o.lang, pl) != 0) {
        fprintf(stderr, "bench_asr: cannot read %s or the phrases in %s\n", path, o.assets);
        return 1;
    }
    double t0 = now_ms();
    asr_config cfg = {.assets_dir = o.assets, .decoder_args = o.decoder_args, .reject_below = o.reject_below,
                      .answer_reject_below = o.answer_reject_below, .all_evidence = o.all_evidence};
    if (strcmp(o.lang, "en") == 0) {
        cfg.en_hmm_dir = o.model;
        cfg.en_dict = o.dict;
        cfg.en_second_hmm_dir = o.second;
    } else {
        cfg.fr_hmm_dir = o.model;
        cfg.fr_dict = o.dict;
        cfg.fr_second_hmm_dir = o.second;
        cfg.fr_third_hmm_dir = o.third;
    }
    asr *a = asr_create(&cfg, err, sizeof err);
    double load_ms = now_ms() - t0;
    long rss_loaded = rss_kb("VmRSS:");
    baseline *b = o.baseline ? baseline_create() : NULL;
    if (!a || (o.baseline && !b)) {
        fprintf(stderr, "bench_asr: %s\n", a ? "cannot load the baseline decoder" : err);
        return 1;
    }
    FILE *dump = o.dump ? fopen(o.dump, "w") : NULL;
    entry e;
    while (read_entry(mf, &e))
        run_file(a, b, &o, pl, &e, st, dump);
    asr_lang lang = strcmp(o.lang, "en") == 0 ? ASR_LANG_EN : ASR_LANG_FR;
    double below = o.reject_below > 0 ? o.reject_below : ASR_REJECT_BELOW;
    double answers_below = o.answer_reject_below > 0 ? o.answer_reject_below
                           : o.reject_below > 0      ? o.reject_below
                                                     : ASR_ANSWER_REJECT_BELOW;
    printf("bench_asr: corpus %s, language %s, reject below %.2f (answers of the scales %.2f)%s\nacoustic model: %s\n",
           o.corpus, o.lang, below, answers_below, o.stream ? ", each file listened to as a stream" : "",
           asr_model_dir(a, lang));
    if (asr_second_model_dir(a, lang))
        printf("second opinion: %s (asked on %zu of %zu files)\n", asr_second_model_dir(a, lang), st->n_second,
               st->n_files);
    if (asr_third_model_dir(a, lang))
        printf("third opinion: %s (asked on %zu of %zu files)\n", asr_third_model_dir(a, lang), st->n_third,
               st->n_files);
    print_table(st, o.baseline);
    print_conditions(st);
    print_sweep(st, below);
    print_timing(st, load_ms, rss_loaded, rss_kb("VmHWM:"));
    if (dump)
        fclose(dump);
    fclose(mf);
    baseline_destroy(b);
    asr_destroy(a);
    free(pl);
    free(st);
    return 0;
}
