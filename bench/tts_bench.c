/*
 * bench_tts: what a cache hit saves. For each of the 31 French items (speech text), the time eSpeak NG
 * takes to synthesise it (in memory, resampled to 16 kHz) beside the time a cache hit of the same
 * audio takes (read and validate the WAV entry); medians over the items, and "x real time" (seconds
 * of audio per second of work). Every item is synthesised RUNS times and hit RUNS times; the figure
 * per item is its median.
 *
 *   bench_tts [ASSETS_DIR]
 */
#include <dirent.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "bench_util.h"
#include "qlq_loader.h"
#include "qlq_tts.h"

#ifndef QLQ_BUILD_TYPE
#define QLQ_BUILD_TYPE "unknown"
#endif

enum { RUNS = 5 };

static tts *make(const char *cache_dir)
{
    tts_config cfg;
    tts_config_default(&cfg);
    cfg.cache_dir = cache_dir;
    char err[256] = "";
    tts *t = tts_create(&cfg, err, sizeof err);
    if (t == NULL) {
        fprintf(stderr, "bench_tts: %s\n", err);
        exit(1);
    }
    return t;
}

/* Median seconds of RUNS calls of tts_say; `audio_s` gets the audio's length. */
static double time_say(tts *t, const char *text, tts_use use, bool want_hit, double *audio_s)
{
    double v[RUNS];
    for (int r = 0; r < RUNS; r++) {
        tts_result res;
        char err[256] = "";
        double t0 = bench_now();
        tts_status st = tts_say(t, "fr", text, use, &res, err, sizeof err);
        v[r] = bench_now() - t0;
        if (st != TTS_OK || res.cache_hit != want_hit) {
            fprintf(stderr, "bench_tts: %s\n", st != TTS_OK ? err : "unexpected cache hit or miss");
            exit(1);
        }
        *audio_s = (double)res.pcm.count / res.pcm.rate;
        tts_result_free(&res);
    }
    return bench_median(v, RUNS);
}

/* The cache folder holds only flat files. */
static void remove_cache(const char *dir)
{
    DIR *d = opendir(dir);
    for (struct dirent *e; d != NULL && (e = readdir(d)) != NULL;) {
        char path[512];
        snprintf(path, sizeof path, "%s/%s", dir, e->d_name);
        if (strcmp(e->d_name, ".") != 0 && strcmp(e->d_name, "..") != 0)
            unlink(path);
    }
    if (d != NULL)
        closedir(d);
    rmdir(dir);
}

int main(int argc, char **argv)
{
    const char *assets = qlq_loader_assets_dir(argc > 1 ? argv[1] : NULL);
    qlq_questionnaire q;
    qlq_load_error le;
    if (assets == NULL || qlq_loader_load_language(assets, "fr", &q, &le) != 0) {
        fprintf(stderr, "bench_tts: %s\n", assets ? le.message : "no assets folder");
        return 1;
    }
    char cache[] = "/tmp/qlq-bench-tts-XXXXXX";
    if (mkdtemp(cache) == NULL) {
        perror("bench_tts: mkdtemp");
        return 1;
    }
    tts *synth = make(NULL), *cached = make(cache);
    double synth_s[QLQ_ITEM_SLOTS], hit_s[QLQ_ITEM_SLOTS], synth_x[QLQ_ITEM_SLOTS], hit_x[QLQ_ITEM_SLOTS];
    double audio_total = 0;
    for (int i = 0; i < QLQ_ITEM_SLOTS; i++) {
        double audio = 0, ignored;
        synth_s[i] = time_say(synth, q.items[i].speech, TTS_USE_ESPEAK, false, &audio);
        tts_result fill;
        if (tts_say(cached, "fr", q.items[i].speech, TTS_USE_ESPEAK, &fill, NULL, 0) != TTS_OK)
            return 1;
        tts_result_free(&fill);
        hit_s[i] = time_say(cached, q.items[i].speech, TTS_USE_ESPEAK, true, &ignored);
        synth_x[i] = audio / synth_s[i];
        hit_x[i] = audio / hit_s[i];
        audio_total += audio;
    }
    printf("bench_tts: the %d French items, eSpeak NG at %d wpm -> 16 kHz, %s build, median of %d runs per item\n",
           QLQ_ITEM_SLOTS, TTS_DEFAULT_SPEED_WPM, QLQ_BUILD_TYPE, RUNS);
    printf("  audio per item: %.2f s on average\n", audio_total / QLQ_ITEM_SLOTS);
    printf("  %-34s %12s %20s\n", "", "median ms", "median x real time");
    double ms_synth = 1e3 * bench_median(synth_s, QLQ_ITEM_SLOTS), ms_hit = 1e3 * bench_median(hit_s, QLQ_ITEM_SLOTS);
    printf("  %-34s %12.2f %20.0f\n", "eSpeak NG synthesis (baseline)", ms_synth, bench_median(synth_x, QLQ_ITEM_SLOTS));
    printf("  %-34s %12.2f %20.0f\n", "cache hit (read + validate WAV)", ms_hit, bench_median(hit_x, QLQ_ITEM_SLOTS));
    printf("  a hit takes %.1f%% of the synthesis time (%.0fx faster)\n", 100 * ms_hit / ms_synth, ms_synth / ms_hit);
    tts_destroy(synth);
    tts_destroy(cached);
    qlq_questionnaire_free(&q);
    remove_cache(cache);
    return 0;
}
