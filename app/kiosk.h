/* The kiosk's one event loop: front-end input and timers become core events; the core's effects go
 * to the store and the front end. Internal to app/. */
#ifndef QLQ_KIOSK_H
#define QLQ_KIOSK_H

#include "qlq_core.h"
#include "qlq_store.h"
#include "qlq_ui.h"
#include "speech.h"

typedef struct {
    qlq_config cfg;
    const qlq_questionnaire *q;
    store *db;
    qlq_ui *ui;
    speech *voice; /* NULL: no sound at all */
} kiosk;

/* How the kiosk speaks and listens (from the command line and the board's configuration). */
typedef struct {
    const char *audio_in;   /* WAV file or folder used as the microphone; NULL: the sound card */
    const char *audio_out;  /* WAV file the speaker writes to; NULL: the sound card */
    const char *mic;        /* sound card's microphone by (part of its) PortAudio name; NULL: the default */
    const char *speaker;    /* and its speaker */
    int mic_rate;           /* 0: 16 kHz if the microphone takes it, else its own rate; else capture at this */
    double audio_speed;     /* WAV speaker only: play this many times faster than real time (tests); 0:
                             * a clock that moves as the microphone is read (audio_wav_set_speed) */
    bool audio_speed_given;
    bool audio_in_room;     /* WAV microphone only: it hears the speaker through `room` too */
    audio_wav_room room;
    bool no_sound;          /* neither speak nor listen */
    const char *tts_cache;  /* NULL: no cache */
    const char *google_key_file; /* NULL: $QLQ_GOOGLE_TTS_KEY; no key: eSpeak NG only */
    const char *google_endpoint; /* NULL: Google's */
    int speed_wpm;          /* 0: default */
    const char *asr_model;  /* NULL: each language's model shipped in the assets (voice/model-fr, model-en) */
    const char *assets;
} voice_options;

typedef struct {
    audio_device *dev;
    tts *tts;
    asr *asr;
    speech *speech;
} voice_parts;

/* Opens the audio device, text-to-speech and the recogniser. Whatever fails is logged and left out
 * (no sound card: no voice; no microphone: no listening): the kiosk always runs, by touch if need be. */
void voice_open(const voice_options *o, const qlq_questionnaire *q, voice_parts *v);
void voice_close(voice_parts *v);

/* Resumes an unfinished session younger than the idle timeout, closes an older one as incomplete.
 * Fills `s` for the loop. Returns 0, or -1 when the database could not be read. */
int kiosk_recover(kiosk *k, qlq_session *s);
/* Runs sessions until the front end's input ends. Returns the process exit status. */
int kiosk_run(kiosk *k, qlq_session *s);

#endif
