/*
 * audio_echo.c - the kiosk's own voice taken out of the microphone, and a patient heard over it.
 *
 * A patient often answers before the item has been read to the end: "pas du tout" right after the
 * question, over the list of choices. The microphone then hears the kiosk as well as the patient.
 * speexdsp's echo canceller learns the path from the speaker to the microphone (delay, gain, the
 * room's reflections over a 200 ms tail) from what was played, and subtracts it; its residual echo
 * suppressor takes out most of what is left.
 *
 * Talk over the speaker is told from what is left of the echo, which is not zero: the canceller
 * needs a second or so to learn the room and never takes all of it. Per 10 ms frame, the output's
 * level is compared with what the echo alone would leave: the speaker's loudest level over the tail
 * plus the canceller's leakage (how far under the speaker its output stays while only the speaker
 * sounds), and with the room's floor; while the speaker sounds, the output must also stay within
 * 15 dB of the microphone (the canceller leaves a voice as it is). The leakage is tracked as a high
 * percentile of that difference and is frozen while someone may be talking, so that the talk itself
 * does not raise it. Frames no louder than the echo's remains are replaced by a hiss under the room's
 * floor: heard with an answer, the kiosk's last syllables turned "un" into "un peu".
 * Measured with bench/bargein_bench.c (answers said over the reading, four rooms).
 */
#include "audio_internal.h"

#include <math.h>
#include <speex/speex_echo.h>
#include <speex/speex_preprocess.h>
#include <stdlib.h>
#include <string.h>

enum {
    FRAME = AUDIO_RATE / 100,       /* 10 ms */
    TAIL = AUDIO_RATE / 5,          /* 200 ms of the room's echo learnt */
    TAIL_FRAMES = TAIL / FRAME,
    TALK_FRAMES = 15,               /* 150 ms of a voice over the echo ... */
    TALK_WINDOW = 40,               /* ... within 400 ms: "beaucoup" said over a canceller still learning
                                     * the room rose over its echo in two bursts, 160 ms apart */
    HANGOVER_FRAMES = 30,           /* the room and the leakage are not learnt this soon after a voice */
    REDUCTION_FRAMES = 100,         /* the last second the speaker sounded */
};
#define SILENT_DB (-80.0)           /* a speaker quieter than this leaves no echo worth a thought */
#define ROOM_MIN_DB (-75.0)         /* a voice must be over this even in digital silence */
#define LEAK_START_DB 6.0           /* before it has learnt anything, the canceller takes nothing out,
                                     * and a microphone may hear the speaker louder than it was played */
#define TALK_OVER_ECHO_DB 10.0      /* a voice this far over the echo's remains */
#define TALK_OVER_ROOM_DB 8.0       /* and this far over the room */
#define TALK_OF_MIC_DB (-15.0)      /* and, while the speaker sounds, no further under the microphone:
                                     * the canceller leaves a voice as it is, and takes 20-40 dB off
                                     * the speaker's echo, even when it has to learn the room again */
#define UNDER_VOICE_DB 28.0         /* while the speaker's echo may sound, a frame this far under the
                                     * voice just heard is its remains too: after the reading stopped,
                                     * bursts of it 30-34 dB under "un" made it heard "un peu" */
#define GATE_UNDER_ROOM_DB 6.0      /* the speaker's remains give way to a hiss this far under the room's
                                     * floor, which they lift while the speaker sounds */
#define TAKEN_AS_ECHO_DB 6.0        /* the canceller took this much or more from a frame of the echo */
#define LEAK_UP_DB 1.0              /* percentile tracker: up 1 dB, down 0.25 dB: the 80th percentile */
#define LEAK_DOWN_DB 0.25
#define FLOOR_UP_DB 0.3             /* the room's floor: its 23rd percentile (up 0.3 dB, down 1 dB) */
#define FLOOR_DOWN_DB 1.0

struct audio_echo {
    SpeexEchoState *canceller;
    SpeexPreprocessState *suppressor;
    int16_t mic[FRAME], played[FRAME];
    int pending;
    size_t out_count; /* samples written to `out` since create */
    double played_db[TAIL_FRAMES]; /* the speaker's level over the tail (ring) */
    int played_at;
    double leak_db, floor_db, smooth_db, smooth_mic_db;
    /* the microphone's level a frame ago: the suppressor overlaps two frames and gives each one 10 ms
     * late, so what it gives now was heard then */
    double mic_db_before;
    uint32_t hiss_state; /* the comfort noise's generator (xorshift) */
    double voice_peak_db; /* the loudest of the voice heard lately */
    bool has_floor;
    unsigned char voiced[TALK_WINDOW]; /* the last frames: a voice or not (ring) */
    int voiced_at, voiced_count;
    int since_voice;                   /* frames since the last voiced one */
    bool talk;
    size_t onset;
    double mic_sum, out_sum; /* power while the speaker sounded, over the last second */
    double mic_pow[REDUCTION_FRAMES], out_pow[REDUCTION_FRAMES];
    int reduction_at, reduction_len;
};

static double power_sum_db(double a_db, double b_db)
{
    return 10.0 * log10(pow(10.0, a_db / 10.0) + pow(10.0, b_db / 10.0));
}

audio_echo *audio_echo_create(void)
{
    audio_echo *e = calloc(1, sizeof *e);
    if (!e)
        return NULL;
    e->canceller = speex_echo_state_init(FRAME, TAIL);
    e->suppressor = speex_preprocess_state_init(FRAME, AUDIO_RATE);
    if (!e->canceller || !e->suppressor) {
        audio_echo_destroy(e);
        return NULL;
    }
    int rate = AUDIO_RATE, off = 0;
    speex_echo_ctl(e->canceller, SPEEX_ECHO_SET_SAMPLING_RATE, &rate);
    /* the recogniser has its own noise suppressor, tuned for it: only the echo is taken out here */
    speex_preprocess_ctl(e->suppressor, SPEEX_PREPROCESS_SET_DENOISE, &off);
    speex_preprocess_ctl(e->suppressor, SPEEX_PREPROCESS_SET_AGC, &off);
    speex_preprocess_ctl(e->suppressor, SPEEX_PREPROCESS_SET_DEREVERB, &off);
    speex_preprocess_ctl(e->suppressor, SPEEX_PREPROCESS_SET_ECHO_STATE, e->canceller);
    for (int i = 0; i < TAIL_FRAMES; i++)
        e->played_db[i] = -120.0;
    e->leak_db = LEAK_START_DB;
    e->mic_db_before = -120.0;
    e->hiss_state = 0x9e3779b9u;
    e->since_voice = HANGOVER_FRAMES + 1;
    return e;
}

void audio_echo_destroy(audio_echo *e)
{
    if (!e)
        return;
    if (e->canceller)
        speex_echo_state_destroy(e->canceller);
    if (e->suppressor)
        speex_preprocess_state_destroy(e->suppressor);
    free(e);
}

static double speaker_envelope_db(const audio_echo *e)
{
    double loudest = -120.0;
    for (int i = 0; i < TAIL_FRAMES; i++)
        if (e->played_db[i] > loudest)
            loudest = e->played_db[i];
    return loudest;
}

static void track_from(double *value, bool *has, double x, double up, double down)
{
    if (!*has)
        *value = x, *has = true;
    else if (x > *value)
        *value = x - *value < up ? x : *value + up;
    else
        *value = *value - x < down ? x : *value - down;
}

static void track(double *value, double x, double up, double down)
{
    bool has = true;
    track_from(value, &has, x, up, down);
}

static void note_reduction(audio_echo *e, double mic_pow, double out_pow)
{
    if (e->reduction_len == REDUCTION_FRAMES) {
        e->mic_sum -= e->mic_pow[e->reduction_at];
        e->out_sum -= e->out_pow[e->reduction_at];
    } else {
        e->reduction_len++;
    }
    e->mic_pow[e->reduction_at] = mic_pow;
    e->out_pow[e->reduction_at] = out_pow;
    e->mic_sum += mic_pow;
    e->out_sum += out_pow;
    e->reduction_at = (e->reduction_at + 1) % REDUCTION_FRAMES;
}

/* Where the oldest voiced frame of the window began (the window ends with the frame at `frame_start`). */
static size_t first_voiced(const audio_echo *e, size_t frame_start)
{
    for (int age = TALK_WINDOW - 1; age >= 0; age--)
        if (e->voiced[(e->voiced_at + TALK_WINDOW - 1 - age) % TALK_WINDOW])
            return frame_start >= (size_t)age * FRAME ? frame_start - (size_t)age * FRAME : 0;
    return frame_start;
}

/* A frame of the echo's remains is replaced, not scaled down: scaled, the kiosk's voice kept its
 * shape under the room's hiss, and through the sound card the recogniser heard the "pa" of its last
 * syllables before "assez" ("pas assez", refused three times over; tests/voice/asr/
 * test_asr_over_reading.c). White noise at the level the remains were brought to carries nothing of
 * the kiosk's voice. */
static void fill_with_hiss(audio_echo *e, int16_t *out, double level_db)
{
    double amplitude = 32768.0 * pow(10.0, level_db / 20.0) * sqrt(3.0); /* uniform: rms = a / sqrt 3 */
    for (int i = 0; i < FRAME; i++) {
        uint32_t x = e->hiss_state;
        x ^= x << 13;
        x ^= x >> 17;
        x ^= x << 5;
        e->hiss_state = x;
        out[i] = (int16_t)lrint(amplitude * ((double)x / 2147483648.0 - 1.0));
    }
}

/* One 10 ms frame of output, after the canceller, judged: echo's remains, room, or a voice. True for
 * the echo's remains, with the level of the hiss that replaces them. */
static bool judge_frame(audio_echo *e, double mic_db, double out_db, size_t frame_start, double *hiss_db)
{
    e->smooth_db = e->out_count == 0 ? out_db : 0.7 * e->smooth_db + 0.3 * out_db;
    e->smooth_mic_db = e->out_count == 0 ? mic_db : 0.7 * e->smooth_mic_db + 0.3 * mic_db;
    double speaker = speaker_envelope_db(e);
    bool sounding = speaker > SILENT_DB;
    double room = e->has_floor ? e->floor_db : out_db;
    if (room < ROOM_MIN_DB)
        room = ROOM_MIN_DB;
    double expected = sounding ? power_sum_db(speaker + e->leak_db, room) : room;
    bool voice = e->smooth_db > expected + TALK_OVER_ECHO_DB && e->smooth_db > room + TALK_OVER_ROOM_DB &&
                 (!sounding || e->smooth_db > e->smooth_mic_db + TALK_OF_MIC_DB);
    e->voiced_count += voice - e->voiced[e->voiced_at];
    e->voiced[e->voiced_at] = voice;
    e->voiced_at = (e->voiced_at + 1) % TALK_WINDOW;
    if (voice && (e->since_voice > HANGOVER_FRAMES || e->smooth_db > e->voice_peak_db))
        e->voice_peak_db = e->smooth_db;
    e->since_voice = voice ? 0 : e->since_voice + 1;
    if (e->voiced_count >= TALK_FRAMES && !e->talk) {
        e->talk = true;
        e->onset = first_voiced(e, frame_start);
    }
    bool learning = e->since_voice > HANGOVER_FRAMES;
    if (learning) {
        track_from(&e->floor_db, &e->has_floor, out_db, FLOOR_UP_DB, FLOOR_DOWN_DB);
        if (sounding)
            track(&e->leak_db, e->smooth_db - speaker, LEAK_UP_DB, LEAK_DOWN_DB);
    }
    if (sounding && learning)
        note_reduction(e, pow(10.0, mic_db / 10.0), pow(10.0, out_db / 10.0));
    /* a frame no louder than a voice over the speaker's remains would be gives way to the hiss:
     * heard after the patient's answer, the kiosk's last syllables (27 dB under the answer, 16 dB over
     * the room) made "un" heard "un peu" */
    bool under_voice = e->since_voice <= HANGOVER_FRAMES && out_db < e->voice_peak_db - UNDER_VOICE_DB;
    /* Within a voice, a frame the canceller left about as the microphone heard it is the patient's:
     * the quiet 10 ms between the "a" and the "s" of "assez" (30 dB over the hiss, but less than
     * TALK_OVER_ECHO_DB over the echo's remains allowed for) was cut out of it, and the hole was
     * heard as "pas assez". */
    bool left_as_heard = voice && out_db > e->mic_db_before - TAKEN_AS_ECHO_DB;
    /* every frame of the remains over the hiss gives way to it: those just under the floor (which the
     * remains lift) kept the kiosk's syllables, 5-7 dB over the hiss around them */
    bool echo_only = sounding && out_db > room - GATE_UNDER_ROOM_DB &&
                     (out_db < expected + TALK_OVER_ECHO_DB || under_voice) && !left_as_heard;
    *hiss_db = room - GATE_UNDER_ROOM_DB;
    return echo_only;
}

static void process_frame(audio_echo *e, int16_t *out)
{
    speex_echo_cancellation(e->canceller, e->mic, e->played, out);
    speex_preprocess_run(e->suppressor, out);
    e->played_db[e->played_at] = audio_measure(e->played, FRAME).rms_dbfs;
    e->played_at = (e->played_at + 1) % TAIL_FRAMES;
    double mic_db = audio_measure(e->mic, FRAME).rms_dbfs;
    double hiss_db;
    if (judge_frame(e, mic_db, audio_measure(out, FRAME).rms_dbfs, e->out_count, &hiss_db))
        fill_with_hiss(e, out, hiss_db);
    e->mic_db_before = mic_db;
    e->out_count += FRAME;
}

size_t audio_echo_process(audio_echo *e, const int16_t *mic, const int16_t *played, size_t n, int16_t *out)
{
    size_t written = 0;
    for (size_t i = 0; i < n;) {
        size_t k = (size_t)(FRAME - e->pending) < n - i ? (size_t)(FRAME - e->pending) : n - i;
        memcpy(e->mic + e->pending, mic + i, k * sizeof *mic);
        memcpy(e->played + e->pending, played + i, k * sizeof *played);
        e->pending += (int)k;
        i += k;
        if (e->pending == FRAME) {
            process_frame(e, out + written);
            written += FRAME;
            e->pending = 0;
        }
    }
    return written;
}

void audio_echo_listen_afresh(audio_echo *e)
{
    e->talk = false;
    memset(e->voiced, 0, sizeof e->voiced);
    e->voiced_count = 0;
}

size_t audio_echo_position(const audio_echo *e)
{
    return e->out_count;
}

audio_echo_heard audio_echo_voice(const audio_echo *e, size_t *onset)
{
    if (e->talk) {
        if (onset)
            *onset = e->onset;
        return AUDIO_ECHO_VOICE;
    }
    if (e->voiced_count > 0) {
        if (onset)
            *onset = first_voiced(e, e->out_count - FRAME);
        return AUDIO_ECHO_MAYBE_VOICE;
    }
    return AUDIO_ECHO_QUIET;
}

double audio_echo_reduction_db(const audio_echo *e)
{
    if (e->reduction_len == 0 || e->out_sum <= 0.0)
        return 0.0;
    return 10.0 * log10(e->mic_sum / e->out_sum);
}
