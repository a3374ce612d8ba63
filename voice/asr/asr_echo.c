/* asr_echo.c - how long the sound of the words takes to die away: the mark of a room with echo.
 *
 * In a hard-walled room the models hear the words lengthened by their own echo, and sure of the
 * wrong answer: "deux" heard as "quatre", "pas du tout" as "un petit peu" at 0.91-0.93
 * (bench/asr_run.sh --reverb: 4.5 and 6.1 % of answers misheard and accepted at sox reverberance 50
 * and 90 %). Dry speech stops: its last loud sound falls 20 dB within 10-230 ms (median 30 ms,
 * held-out and other voices, phrasings); at 80 words a minute, up to 340 ms. An echo falls at the
 * room's pace: 270-460 ms at reverberance 50 %, far longer at 90 %. The fall can only be seen when
 * the room is quiet enough: the sound before the words must be 35 dB under their loudest frame. In
 * noise the fall ends in the noise, as slow as an echo (babble, music, brown noise at 10 dB), and
 * nothing is told. */
#include "asr_internal.h"
#include "qlq_audio.h"

#include <math.h>
#include <stdlib.h>

enum {
    FRAME = ASR_RATE / 100, /* 10 ms */
    ROOM_FRAMES = 10,       /* the padding before the words (asr_stream.c: 150 ms) */
};
#define LOUD_DB 10.0       /* a frame within this of the loudest is part of the words' loud sound */
#define FALL_DB 20.0       /* the fall timed after the last such frame */
#define ROOM_UNDER_DB 35.0 /* how far under the words' loudest frame the room must be to tell */
#define RISE_DB 6.0        /* a rise of this much in the fall is another sound: nothing is told */
#define FALLING_DB 5.0     /* an unfinished fall must have come down this far to count */

/* Level of each 10 ms frame, in dB of full scale, smoothed over three frames. */
static double *frame_levels(const int16_t *s, size_t n, int *n_frames)
{
    int nf = (int)(n / FRAME);
    double *power = malloc(sizeof *power * (size_t)(nf + 1)), *db = malloc(sizeof *db * (size_t)(nf + 1));
    if (!power || !db) {
        free(power);
        free(db);
        return NULL;
    }
    for (int f = 0; f < nf; f++)
        power[f] = pow(10.0, audio_measure(s + (size_t)f * FRAME, FRAME).rms_dbfs / 10.0);
    for (int f = 0; f < nf; f++) {
        double e = power[f], k = 1;
        if (f > 0)
            e += power[f - 1], k++;
        if (f + 1 < nf)
            e += power[f + 1], k++;
        db[f] = 10.0 * log10(e / k + 1e-10);
    }
    free(power);
    *n_frames = nf;
    return db;
}

static double room_level(const double *db, int nf)
{
    int n = nf < ROOM_FRAMES ? nf : ROOM_FRAMES;
    double power = 0;
    for (int f = 0; f < n; f++)
        power += pow(10.0, db[f] / 10.0);
    return 10.0 * log10(power / n + 1e-10);
}

/* From the last loud frame: the time until the level is FALL_DB lower; when the segment ends first,
 * the time to its end if the level was still coming down. 0 when another sound rises in the fall. */
static double fall_ms(const double *db, int nf, double peak)
{
    int last = 0;
    for (int f = 0; f < nf; f++)
        if (db[f] >= peak - LOUD_DB)
            last = f;
    double lowest = db[last];
    for (int f = last + 1; f < nf; f++) {
        if (db[f] < peak - LOUD_DB - FALL_DB)
            return 10.0 * (f - last);
        if (db[f] > lowest + RISE_DB)
            return 0;
        if (db[f] < lowest)
            lowest = db[f];
    }
    return db[last] - db[nf - 1] >= FALLING_DB ? 10.0 * (nf - last) : 0;
}

double asr_echo_decay_ms(const int16_t *samples, size_t count)
{
    int nf = 0;
    double *db = frame_levels(samples, count, &nf);
    if (!db)
        return 0;
    double decay = 0;
    if (nf > ROOM_FRAMES) {
        double peak = db[0];
        for (int f = 1; f < nf; f++)
            if (db[f] > peak)
                peak = db[f];
        if (peak - room_level(db, nf) >= ROOM_UNDER_DB)
            decay = fall_ms(db, nf, peak);
    }
    free(db);
    return decay;
}
