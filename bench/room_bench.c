/*
 * bench_room: item 0's microphone check, room by room. Each file of bench/asr_run.sh's French corpus
 * (an answer said by eSpeak, clean, or in white noise or people talking at 20 and 10 dB) is measured
 * as the kiosk measures what it heard at item 0 (audio_measure_room), and the core's rule says
 * whether touch would be advised (qlq_room_drowns_voice, default configuration). Printed per room:
 * the measured SNR and unsteadiness (10th / 50th / 90th percentiles over the files) and the share
 * of files advised touch, under the rule and under the SNR alone (the rule before people talking
 * were told apart). Not a test: it prints numbers.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "bench_util.h"
#include "qlq_audio.h"
#include "qlq_core.h"

enum { MAX_FILES = 4096, ROOMS = 5 };

static const char *const rooms[ROOMS] = {"clean", "white20", "babble20", "white10", "babble10"};

typedef struct {
    double snr[MAX_FILES], unsteady[MAX_FILES];
    int n, advised, advised_by_snr;
} room_tally;

static int room_index(const char *condition)
{
    for (int i = 0; i < ROOMS; i++)
        if (strcmp(rooms[i], condition) == 0)
            return i;
    return -1;
}

int main(int argc, char **argv)
{
    const char *corpus = argc > 1 ? argv[1] : NULL;
    if (!corpus || argc > 2) {
        fprintf(stderr, "usage: bench_room CORPUS_DIR   (bench/asr_run.sh's build/.../asr-corpus/fr)\n");
        return 2;
    }
    char path[1024], line[1024], err[256];
    snprintf(path, sizeof path, "%s/manifest.tsv", corpus);
    FILE *manifest = fopen(path, "r");
    if (!manifest) {
        fprintf(stderr, "bench_room: cannot read %s\n", path);
        return 1;
    }
    static room_tally tally[ROOMS];
    qlq_config cfg;
    qlq_config_default(&cfg);
    while (fgets(line, sizeof line, manifest)) {
        char file[256], condition[64];
        /* file expected scale set voice condition text */
        if (sscanf(line, "%255s %*s %*s %*s %*s %63s", file, condition) != 2)
            continue;
        int r = room_index(condition);
        if (r < 0 || tally[r].n == MAX_FILES)
            continue;
        audio_pcm pcm = {0};
        snprintf(path, sizeof path, "%s/%s", corpus, file);
        if (audio_wav_read_at(path, AUDIO_RATE, &pcm, err, sizeof err) != AUDIO_OK) {
            fprintf(stderr, "bench_room: %s\n", err);
            continue;
        }
        audio_room room;
        if (audio_measure_room(pcm.samples, pcm.count, AUDIO_RATE, &room)) {
            room_tally *t = &tally[r];
            t->snr[t->n] = room.snr_db;
            t->unsteady[t->n] = room.unsteady_db;
            t->advised += qlq_room_drowns_voice(&cfg, (float)room.snr_db, (float)room.unsteady_db);
            t->advised_by_snr += room.snr_db < cfg.check_min_snr_db;
            t->n++;
        }
        audio_pcm_free(&pcm);
    }
    fclose(manifest);
    printf("item 0's check on %s (touch advised under %.0f dB, or under %.0f dB when %.0f dB unsteady or more)\n",
           corpus, cfg.check_min_snr_db, cfg.check_chatter_min_snr_db, cfg.check_chatter_unsteady_db);
    printf("%-10s %5s  %-20s  %-20s  %s\n", "room", "files", "SNR p10/p50/p90", "unsteady p10/p50/p90",
           "touch advised (SNR alone)");
    for (int r = 0; r < ROOMS; r++) {
        room_tally *t = &tally[r];
        if (t->n == 0)
            continue;
        printf("%-10s %5d  %5.1f %5.1f %5.1f     %5.1f %5.1f %5.1f     %5.1f %% (%5.1f %%)\n", rooms[r], t->n,
               bench_quantile(t->snr, t->n, 0.1), bench_quantile(t->snr, t->n, 0.5), bench_quantile(t->snr, t->n, 0.9),
               bench_quantile(t->unsteady, t->n, 0.1), bench_quantile(t->unsteady, t->n, 0.5), bench_quantile(t->unsteady, t->n, 0.9),
               100.0 * t->advised / t->n, 100.0 * t->advised_by_snr / t->n);
    }
    return 0;
}
