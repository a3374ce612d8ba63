/*
 * qlq_audio.h - sound in and out. Internally everything is 16 kHz mono signed 16-bit PCM; what a device
 * or a file gives is converted (libsamplerate) at the edge. Three back ends behind one ops struct:
 * PortAudio (the device), WAV files (tests, replaying recorded answers) and null (always works).
 * Messages are English, for logs.
 */
#ifndef QLQ_AUDIO_H
#define QLQ_AUDIO_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

enum { AUDIO_RATE = 16000 };

/* Mono 16-bit samples owned by the struct (free with audio_pcm_free). */
typedef struct {
    int16_t *samples;
    size_t count;
    int rate;
} audio_pcm;

void audio_pcm_free(audio_pcm *pcm);

/* ---- WAV files ----------------------------------------------------------------------------- */

typedef enum {
    AUDIO_OK = 0,
    AUDIO_ERR_IO,        /* cannot open/read/write the file */
    AUDIO_ERR_TRUNCATED, /* the file ends before its header or data says it should */
    AUDIO_ERR_FORMAT,    /* not RIFF/WAVE, or an encoding we do not read */
    AUDIO_ERR_TOO_LARGE, /* absurd sizes (more than 10 minutes of audio, or chunk sizes past the file) */
    AUDIO_ERR_NOMEM,
    AUDIO_ERR_DEVICE,    /* an audio device failed */
} audio_status;

const char *audio_status_name(audio_status s);

/* Parses a WAV file held in memory: PCM 8/16/24/32-bit or IEEE float 32, 1..8 channels (mixed down
 * to mono), any sample rate 8000..192000 (kept: resample with audio_resample). Never reads outside
 * buf. On error `err` (if not NULL) says what is wrong and where (byte offset, chunk). */
audio_status audio_wav_parse(const uint8_t *buf, size_t len, audio_pcm *out, char *err, size_t err_len);
/* Reads and parses a file; the message names the file. */
audio_status audio_wav_read(const char *path, audio_pcm *out, char *err, size_t err_len);
/* Writes mono 16-bit PCM as a canonical 44-byte-header WAV file. */
audio_status audio_wav_write(const char *path, const int16_t *samples, size_t count, int rate);

/* Converts `in` to `rate` Hz with libsamplerate (SRC_SINC_FASTEST is enough for speech).
 * Returns a copy when the rates are equal. */
audio_status audio_resample(const audio_pcm *in, int rate, audio_pcm *out);
/* audio_wav_read, then audio_resample to `rate`: a recording at whatever rate it was made, as the
 * recogniser or a device needs it. The message names the file. */
audio_status audio_wav_read_at(const char *path, int rate, audio_pcm *out, char *err, size_t err_len);

/* The same speech `speed` times faster (0.25..4; under 1: slower) with its pitch kept (libsonic,
 * made for speech): the recogniser brings slow speech to the rate its models learnt. */
audio_status audio_change_tempo(const audio_pcm *in, double speed, audio_pcm *out);

/* ---- levels -------------------------------------------------------------------------------- */

typedef struct {
    double rms_dbfs;  /* -inf .. 0 dBFS (returned as -120 for digital silence) */
    double peak_dbfs;
} audio_level;

audio_level audio_measure(const int16_t *samples, size_t count);

/* A room heard around a few words (item 0, the microphone check), from the levels of its 20 ms
 * frames. People talking in the room are told from a steady noise by how far its middle frame lies
 * over its quietest: a voice is loud only some of the time, so chatter measures a good SNR (its quiet
 * moments are the room's floor) while it drowns words far more than a fan of the same loudness. */
typedef struct {
    double level_dbfs;  /* the words: the frames' 90th percentile; -120 when too short to tell */
    double snr_db;      /* the words over the room's quiet end (10th percentile), 0..60 dB */
    double unsteady_db; /* the median frame over that quiet end, 0..60 dB: chatter 4-7 dB, a fan, a
                         * hiss or a quiet room under 1 (while the words are under half the frames) */
} audio_room;

/* False (and *room zeroed, level -120) when `count` holds under five frames or memory ran out. */
bool audio_measure_room(const int16_t *samples, size_t count, int rate, audio_room *room);

/* ---- lock-free single-producer / single-consumer ring buffer -------------------------------- */

typedef struct audio_ring audio_ring;

/* capacity is rounded up to a power of two. NULL on allocation failure. */
audio_ring *audio_ring_create(size_t capacity);
void audio_ring_destroy(audio_ring *r);
/* Producer side (the audio callback): copies up to n samples, returns how many fit. Never blocks. */
size_t audio_ring_push(audio_ring *r, const int16_t *samples, size_t n);
/* Consumer side: copies up to n samples out, returns how many. Never blocks. */
size_t audio_ring_pop(audio_ring *r, int16_t *samples, size_t n);
size_t audio_ring_available(const audio_ring *r);

/* ---- devices ------------------------------------------------------------------------------- */

typedef struct audio_device audio_device;

typedef struct {
    const char *name; /* "portaudio", "wav", "null" */
    /* Starts capturing; samples arrive at AUDIO_RATE through read(). */
    audio_status (*capture_start)(audio_device *d);
    /* Waits up to wait_ms for captured samples; returns how many were copied (0 at the end of a WAV
     * input, see at_end). */
    size_t (*capture_read)(audio_device *d, int16_t *buf, size_t max, int wait_ms);
    void (*capture_stop)(audio_device *d);
    /* True when a file-backed input has no more audio for the current capture. */
    bool (*capture_at_end)(audio_device *d);
    /* Starts playing (returns at once); samples at `rate` are converted as needed. */
    audio_status (*play)(audio_device *d, const int16_t *samples, size_t count, int rate);
    /* False once played; on a sound card also when playback has not moved for 2 s (the speaker was
     * unplugged): it is then stopped, and logged. */
    bool (*playing)(audio_device *d);
    /* Interrupts playback at once (the patient answered before the item was read to the end). */
    void (*play_stop)(audio_device *d);
    void (*destroy)(audio_device *d);
    /* NULL when the device cannot tell what its speaker sounded while it captured. Otherwise as
     * capture_read, and `played` gets, for each sample of `mic`, the sample the speaker was sounding
     * when it was captured (0 in silence): what an echo canceller needs to take the kiosk's own voice
     * out of the microphone, so that the patient can be heard while an item is read. The first call
     * (`max` may be 0, before anything is played) tells the device the reference is wanted: a sound
     * card then keeps its streams running, so that its two clocks stay in step (dev_portaudio.c). */
    size_t (*capture_read_echo)(audio_device *d, int16_t *mic, int16_t *played, size_t max, int wait_ms);
} audio_ops;

struct audio_device {
    const audio_ops *ops;
    void *impl;
};

/* Which sound devices, and how. NULL for all defaults. */
typedef struct {
    const char *input_name;  /* microphone: exact PortAudio name, else the first name containing it; NULL: default */
    const char *output_name; /* speaker, the same way */
    /* 0: capture at 16 kHz when the device takes it (no conversion), else at its own rate. Otherwise
     * capture at this rate (8000..192000) and convert here with libsamplerate: for a microphone whose
     * own conversion to 16 kHz is poor, or to hear it as it runs natively. */
    int input_rate;
    /* false: opening fails unless both the microphone and the speaker open. true: what opens is used
     * (a speaker without a microphone still speaks) and what is missing, even everything, is looked
     * for again when next needed, at most every 3 s, so that a card plugged in after the kiosk started
     * is used; capture_start or play fail until then. */
    bool allow_missing;
} audio_portaudio_config;

/* The sound card through PortAudio. NULL with `err` on failure. With allow_missing, a device is
 * returned whatever was found, and `err` says what is missing and why ("" when nothing is). */
audio_device *audio_open_portaudio(const audio_portaudio_config *cfg, char *err, size_t err_len);

/* One PortAudio device, as audio_portaudio_list reports it. */
typedef struct {
    const char *name;
    int max_input_channels, max_output_channels;
    double default_rate;
    bool default_input, default_output;
} audio_device_info;

/* Calls `each` for every device PortAudio finds, so an administrator can pick the microphone and the
 * speaker by name. The number of devices, or -1 with `err`. */
int audio_portaudio_list(void (*each)(void *ctx, const audio_device_info *info), void *ctx, char *err,
                         size_t err_len);
/* WAV files as microphone and speaker: `input` is one WAV file or a folder whose *.wav files are used
 * in name order, one file per capture_start (NULL: no input, capture reads silence and ends). `output`
 * (NULL: discarded) receives everything played, at AUDIO_RATE, appended in order. */
audio_device *audio_open_wav(const char *input, const char *output, char *err, size_t err_len);
/* A WAV device's speaker normally takes the audio's real duration to "play" (so interruption behaves
 * as on a device); speed > 1 makes it that many times faster, for tests and batch replays. Speed 0:
 * the device's clock moves only as its microphone is read, sample by sample, and at once to the end
 * of what plays while nothing is captured: the same run every time, as fast as it can go. False when
 * `d` is not a WAV device or speed is neither 0 nor in 1..1e6. */
bool audio_wav_set_speed(audio_device *d, double speed);
/* A room around a WAV device: its microphone also hears its speaker, `gain_db` (<= 0) under what was
 * played, `delay_ms` later (0..100), with reflections that die away 60 dB in `reverb_ms` (0: none,
 * at most 400). The sound is the same every time (a fixed pattern of reflections). A sound system
 * short of processor time moves the echo without telling: every `moves_every_ms` of the device's
 * time (0: never; else at least 100), the whole echo comes `moves_by_ms` (0..20) later, then back. */
typedef struct {
    double gain_db;
    double delay_ms;
    double reverb_ms;
    double moves_by_ms;
    double moves_every_ms;
} audio_wav_room;
/* Puts the WAV device `d` in `room`: from then on, what is captured runs in (speed-scaled) real time
 * from capture_start, as a microphone does, while the speaker plays; each input file is what the
 * patient says from the moment capture starts, mixed with the speaker's echo; a capture is at its
 * end when its file is and nothing plays; capture_read_echo is offered. False when `d` is not a WAV
 * device or the room is out of range. */
bool audio_wav_set_room(audio_device *d, const audio_wav_room *room);
/* Plays nothing, captures nothing; always works. */
audio_device *audio_open_null(void);

/* ---- the kiosk's own voice in the microphone ---------------------------------------------- */

/* Takes what the speaker played out of what the microphone heard (speexdsp's echo canceller, with a
 * 200 ms tail, and its residual echo suppressor), brings what is left of the speaker down under the
 * room, and tells when someone talks over the speaker. One per kiosk: it keeps what it learnt of the
 * room from one listening turn to the next. */
typedef struct audio_echo audio_echo;

audio_echo *audio_echo_create(void);
void audio_echo_destroy(audio_echo *e);
/* `mic` and `played`: n samples taken at the same moments (capture_read_echo). Writes to `out` the
 * microphone without the speaker, in whole 10 ms frames: returns how many samples (at most n + 159:
 * a partial frame waits for the next call). */
size_t audio_echo_process(audio_echo *e, const int16_t *mic, const int16_t *played, size_t n, int16_t *out);
typedef enum {
    AUDIO_ECHO_QUIET,       /* only the speaker's echo and the room */
    AUDIO_ECHO_MAYBE_VOICE, /* a voice over them, not yet for long */
    AUDIO_ECHO_VOICE,       /* someone has talked over the speaker (a voice well over what is left of
                             * its echo and over the room, 150 ms of it within 400 ms): it stays so */
} audio_echo_heard;
/* What the output holds; `*onset` (may be NULL; set unless QUIET) is where the voice began, counted
 * in samples of `out` since audio_echo_create. */
audio_echo_heard audio_echo_voice(const audio_echo *e, size_t *onset);
/* Listens for a new voice (the next turn); what the canceller learnt of the room is kept. */
void audio_echo_listen_afresh(audio_echo *e);
/* Samples written to `out` since audio_echo_create. */
size_t audio_echo_position(const audio_echo *e);
/* How far (dB) the canceller has brought the speaker's echo down over the last second it played:
 * the microphone's level against its output's, while the speaker sounded. 0 before it has played. */
double audio_echo_reduction_db(const audio_echo *e);

#endif
