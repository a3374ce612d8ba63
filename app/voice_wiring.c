/* Picks and opens the audio back end, text-to-speech and the recogniser; logs what it uses. */
#include <string.h>

#include "kiosk.h"
#include "log.h"

static void tts_log(void *ctx, const char *line)
{
    (void)ctx;
    qlq_log("%s", line);
}

static audio_device *open_device(const voice_options *o, bool *can_listen)
{
    char err[512];
    audio_device *dev;
    if (o->audio_in || o->audio_out) {
        if (o->mic || o->speaker || o->mic_rate)
            qlq_log("--mic, --speaker and --mic-rate choose the sound card: ignored with --audio-in/--audio-out");
        dev = audio_open_wav(o->audio_in, o->audio_out, err, sizeof err);
        *can_listen = dev && o->audio_in;
        if (!dev)
            qlq_log("cannot use the WAV files as audio: %s", err);
        if (dev && o->audio_speed_given)
            audio_wav_set_speed(dev, o->audio_speed);
        if (dev && o->audio_in_room && audio_wav_set_room(dev, &o->room))
            qlq_log("the WAV microphone hears the speaker %.0f dB under it, %.0f ms later (reverb %.0f ms)",
                    o->room.gain_db, o->room.delay_ms, o->room.reverb_ms);
        return dev;
    }
    audio_portaudio_config card = {
        .input_name = o->mic, .output_name = o->speaker, .input_rate = o->mic_rate, .allow_missing = true};
    dev = audio_open_portaudio(&card, err, sizeof err);
    *can_listen = dev != NULL;
    if (!dev)
        qlq_log("no sound card (%s): the kiosk runs without sound", err);
    else if (err[0]) /* a USB microphone or speaker plugged in later is used: the kiosk need not restart */
        qlq_log("sound card: %s; what is missing is looked for again each time it is needed", err);
    return dev;
}

/* With a Google key the kiosk assumes it is online: a request that fails falls back to eSpeak NG at
 * once (no network means no DNS), and the cache is filled in the background for offline days. */
static tts *open_tts(const voice_options *o)
{
    tts_config cfg;
    tts_config_default(&cfg);
    cfg.cache_dir = o->tts_cache;
    cfg.speed_wpm = o->speed_wpm;
    cfg.log = tts_log;
    char key[512], err[512];
    if (tts_read_api_key(o->google_key_file, key, sizeof key, err, sizeof err) != 0)
        qlq_log("Google text-to-speech not used: %s", err);
    else if (key[0]) {
        cfg.google_key = key;
        cfg.google_endpoint = o->google_endpoint ? o->google_endpoint : TTS_GOOGLE_ENDPOINT;
        cfg.online = true;
    }
    tts *t = tts_create(&cfg, err, sizeof err);
    memset(key, 0, sizeof key);
    if (!t) {
        qlq_log("no text-to-speech: %s", err);
        return NULL;
    }
    if (tts_google_configured(t) && o->tts_cache && tts_prefill_start(t, o->assets, err, sizeof err) != 0)
        qlq_log("speech cache not prefilled: %s", err);
    return t;
}

static asr *open_asr(const voice_options *o)
{
    asr_config cfg;
    memset(&cfg, 0, sizeof cfg);
    cfg.assets_dir = o->assets;
    cfg.hmm_dir = o->asr_model;
    char err[256];
    asr *a = asr_create(&cfg, err, sizeof err);
    if (!a)
        qlq_log("no speech recognition: %s", err);
    return a;
}

void voice_open(const voice_options *o, const qlq_questionnaire *q, voice_parts *v)
{
    memset(v, 0, sizeof *v);
    if (o->no_sound) {
        qlq_log("audio: none (sound turned off)");
        return;
    }
    bool can_listen = false;
    v->dev = open_device(o, &can_listen);
    if (!v->dev)
        return;
    v->tts = open_tts(o);
    if (!v->tts) {
        voice_close(v);
        return;
    }
    v->asr = can_listen ? open_asr(o) : NULL;
    v->speech = speech_create(v->dev, v->tts, v->asr, q);
    qlq_log("audio: %s; speech: %seSpeak NG%s; recognition: %s", v->dev->ops->name,
            tts_google_configured(v->tts) ? "Google Cloud TTS, then " : "", o->tts_cache ? ", cached" : "",
            v->asr ? "PocketSphinx" : "none");
}

void voice_close(voice_parts *v)
{
    speech_destroy(v->speech);
    if (v->dev)
        v->dev->ops->destroy(v->dev);
    tts_destroy(v->tts);
    asr_destroy(v->asr);
    memset(v, 0, sizeof *v);
}
