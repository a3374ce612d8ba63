/*
 * qlq-kiosk: the one place that wires the adapters together. Defaults are the embedded ones: a local
 * SQLite file, no server, no network.
 */
#include <errno.h>
#include <limits.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "kiosk.h"
#include "log.h"
#include "qlq_loader.h"

#define DEFAULT_DB_DIR "/var/lib/qlq-kiosk"
#define DEFAULT_DB DEFAULT_DB_DIR "/qlq-kiosk.db"

typedef struct {
    const char *ui;
    const char *db;
    const char *lang;
    const char *assets;
    qlq_config cfg;
    voice_options voice;
} options;

static void usage(FILE *to)
{
    fputs("usage: qlq-kiosk [--ui text] [--db FILE] [--lang fr|en] [--assets DIR]\n"
          "                 [--idle-warning SECONDS] [--idle-timeout SECONDS]\n"
          "                 [--audio-in FILE|DIR] [--audio-out FILE.wav] [--audio-speed X]\n"
          "                 [--audio-room DB[:MS[:REVERB_MS]]] [--no-sound]\n"
          "                 [--mic NAME] [--speaker NAME] [--mic-rate HZ] [--list-audio]\n"
          "                 [--tts-cache DIR] [--speed WPM] [--asr-model DIR]\n"
          "                 [--google-key-file FILE] [--google-endpoint URL]\n"
          "\n"
          "Administers the EORTC QLQ-C30 questionnaire and stores every answer at once in a local\n"
          "SQLite database (default " DEFAULT_DB ", or $QLQ_DB).\n"
          "  --ui text        terminal front end with the `? ` line protocol (see ui/text/README.md)\n"
          "  --lang fr|en     questionnaire language (default fr)\n"
          "  --assets DIR     folder holding questionnaires/ (default: $QLQ_ASSETS_DIR, the installed copy)\n"
          "  --idle-warning   seconds without input before the 'are you still there?' warning (default 180)\n"
          "  --idle-timeout   seconds without input before the session is saved as incomplete and the\n"
          "                   screen cleared (default 300)\n"
          "  --audio-in       WAV file, or folder of WAV files in name order, used as the microphone\n"
          "                   (one file per listening turn); default: the sound card\n"
          "  --audio-out      WAV file the speaker writes to; default: the sound card\n"
          "  --audio-speed X  with --audio-out: the WAV speaker plays X times faster than real time;\n"
          "                   0: as fast as it can, the same every time (its clock moves only as the\n"
          "                   WAV microphone is read)\n"
          "  --audio-room DB[:MS[:REVERB_MS]]  with --audio-in: the WAV microphone also hears the speaker,\n"
          "                   DB (-100..0) under it, MS (0..100, default 20) later, with reflections dying\n"
          "                   away in REVERB_MS (0..400, default 0), as a kiosk's does; each file is then\n"
          "                   what the patient says from the start of the item's reading, in real time,\n"
          "                   and an answer said over the reading is heard (the reading stops)\n"
          "  --no-sound       neither speak nor listen\n"
          "  --mic NAME       sound card microphone: its name as --list-audio prints it, or part of it\n"
          "                   (default: the system's default input)\n"
          "  --speaker NAME   sound card speaker, the same way (default: the system's default output)\n"
          "  --mic-rate HZ    capture at this rate and convert to 16 kHz in the kiosk (default: 16 kHz\n"
          "                   when the microphone takes it); for a microphone whose own conversion is poor\n"
          "  --list-audio     list the sound devices (name, channels, rate) and exit\n"
          "  --tts-cache DIR  keep synthesised speech here (default: tts-cache/ beside the database)\n"
          "  --google-key-file FILE  Google Cloud Text-to-Speech API key (default: $QLQ_GOOGLE_TTS_KEY);\n"
          "                   with a key, Google's voice is used when reachable and cached for offline use\n"
          "  --google-endpoint URL   https:// endpoint of the Text-to-Speech API (default: Google's)\n"
          "  --speed WPM      speaking speed in words per minute (default 150)\n"
          "  --asr-model DIR  PocketSphinx acoustic model for both languages, alone (default for French:\n"
          "                 assets/voice/model-fr, the US-English model adapted to French, with\n"
          "                 assets/voice/model-fr-ptm, the CMU Sphinx French model adapted the same way,\n"
          "                 asked when the first is unsure, and assets/voice/model-fr-cmu, that model\n"
          "                 unadapted, asked to agree when both are; for English: assets/voice/model-en, the\n"
          "                 US-English model adapted to eSpeak's English voices)\n",
          to);
}

static int parse_seconds(const char *flag, const char *value, int64_t *out_ms)
{
    char *end;
    errno = 0;
    long v = value ? strtol(value, &end, 10) : -1;
    if (!value || errno || *end || v < 1 || v > 24 * 3600) {
        fprintf(stderr, "qlq-kiosk: %s needs a number of seconds between 1 and 86400\n", flag);
        return -1;
    }
    *out_ms = (int64_t)v * 1000;
    return 0;
}

/* Options that take a string and keep it as it is. */
static const struct {
    const char *flag;
    size_t offset;
} string_options[] = {
    {"--ui", offsetof(options, ui)},
    {"--db", offsetof(options, db)},
    {"--lang", offsetof(options, lang)},
    {"--assets", offsetof(options, assets)},
    {"--audio-in", offsetof(options, voice.audio_in)},
    {"--audio-out", offsetof(options, voice.audio_out)},
    {"--mic", offsetof(options, voice.mic)},
    {"--speaker", offsetof(options, voice.speaker)},
    {"--tts-cache", offsetof(options, voice.tts_cache)},
    {"--google-key-file", offsetof(options, voice.google_key_file)},
    {"--google-endpoint", offsetof(options, voice.google_endpoint)},
    {"--asr-model", offsetof(options, voice.asr_model)},
};

static bool set_string_option(options *o, const char *flag, const char *value)
{
    for (size_t i = 0; i < sizeof string_options / sizeof *string_options; i++) {
        if (strcmp(flag, string_options[i].flag) == 0) {
            *(const char **)((char *)o + string_options[i].offset) = value;
            return true;
        }
    }
    return false;
}

/* `value` as a number in lo..hi into *out: 1, or -1 after saying what `flag` needs ("a sample rate",
 * with `unit` after the bounds). */
static int number_in(const char *flag, const char *value, double lo, double hi, const char *what, const char *unit,
                     double *out)
{
    *out = atof(value);
    if (*out >= lo && *out <= hi)
        return 1;
    fprintf(stderr, "qlq-kiosk: %s needs %s between %.0f and %.0f%s\n", flag, what, lo, hi, unit);
    return -1;
}

/* Options with a number: 1 when `flag` is one of them and `value` is valid, -1 when invalid, 0 when
 * `flag` is not one of them. */
static int set_number_option(options *o, const char *flag, const char *value)
{
    if (strcmp(flag, "--idle-warning") == 0)
        return parse_seconds(flag, value, &o->cfg.idle_warning_ms) == 0 ? 1 : -1;
    if (strcmp(flag, "--idle-timeout") == 0)
        return parse_seconds(flag, value, &o->cfg.idle_timeout_ms) == 0 ? 1 : -1;
    double n;
    int ok;
    if (strcmp(flag, "--audio-room") == 0) {
        audio_wav_room *r = &o->voice.room;
        *r = (audio_wav_room){.delay_ms = 20.0};
        int got = sscanf(value, "%lf:%lf:%lf", &r->gain_db, &r->delay_ms, &r->reverb_ms);
        ok = got >= 1 && r->gain_db >= -100 && r->gain_db <= 0 && r->delay_ms >= 0 && r->delay_ms <= 100 &&
             r->reverb_ms >= 0 && r->reverb_ms <= 400;
        if (!ok)
            fprintf(stderr, "qlq-kiosk: --audio-room needs DB[:MS[:REVERB_MS]], DB -100..0, MS 0..100, "
                            "REVERB_MS 0..400 (got '%s')\n", value);
        o->voice.audio_in_room = ok;
        ok = ok ? 1 : -1;
    } else if (strcmp(flag, "--audio-speed") == 0) {
        ok = number_in(flag, value, 0, 1e6, "a factor", "", &o->voice.audio_speed);
        if (ok == 1 && o->voice.audio_speed > 0 && o->voice.audio_speed < 1) {
            fprintf(stderr, "qlq-kiosk: --audio-speed needs 0 or a factor between 1 and 1000000\n");
            ok = -1;
        }
        o->voice.audio_speed_given = ok == 1;
    } else if (strcmp(flag, "--mic-rate") == 0) {
        ok = number_in(flag, value, 8000, 192000, "a sample rate", " Hz", &n);
        o->voice.mic_rate = (int)n;
    } else if (strcmp(flag, "--speed") == 0) {
        ok = number_in(flag, value, 80, 450, "words per minute", "", &n);
        o->voice.speed_wpm = (int)n;
    } else {
        ok = 0;
    }
    return ok;
}

static void print_audio_device(void *ctx, const audio_device_info *d)
{
    (void)ctx;
    printf("%-40s in %2d  out %2d  %6.0f Hz%s%s\n", d->name, d->max_input_channels, d->max_output_channels,
           d->default_rate, d->default_input ? "  default input" : "", d->default_output ? "  default output" : "");
}

/* For the administrator choosing --mic and --speaker: what PortAudio sees, one device a line. */
static int list_audio_devices(void)
{
    char err[256];
    int n = audio_portaudio_list(print_audio_device, NULL, err, sizeof err);
    if (n < 0) {
        fprintf(stderr, "qlq-kiosk: %s\n", err);
        return 1;
    }
    if (n == 0)
        fprintf(stderr, "qlq-kiosk: no sound device found\n");
    return n == 0 ? 1 : 0;
}

static int parse_options(int argc, char **argv, options *o)
{
    memset(o, 0, sizeof *o);
    qlq_config_default(&o->cfg);
    o->lang = "fr";
    o->db = getenv("QLQ_DB");
    for (int i = 1; i < argc; i++) {
        const char *a = argv[i], *v = i + 1 < argc ? argv[i + 1] : NULL;
        if (strcmp(a, "--help") == 0 || strcmp(a, "-h") == 0) {
            usage(stdout);
            exit(0);
        }
        if (strcmp(a, "--list-audio") == 0) {
            exit(list_audio_devices());
        }
        if (strcmp(a, "--no-sound") == 0) {
            o->voice.no_sound = true;
            continue;
        }
        int number = v ? set_number_option(o, a, v) : 0;
        if (number < 0)
            return -1;
        if (!v || (number == 0 && !set_string_option(o, a, v))) {
            fprintf(stderr, "qlq-kiosk: unknown or incomplete option '%s'\n", a);
            usage(stderr);
            return -1;
        }
        i++; /* the value */
    }
    if (o->cfg.idle_warning_ms >= o->cfg.idle_timeout_ms) {
        fprintf(stderr, "qlq-kiosk: --idle-warning must be shorter than --idle-timeout\n");
        return -1;
    }
    return 0;
}

/* The default database lives in a root-owned folder only the kiosk can read. */
static const char *database_path(const options *o)
{
    if (o->db)
        return o->db;
    if (mkdir(DEFAULT_DB_DIR, 0700) != 0 && errno != EEXIST) {
        fprintf(stderr, "qlq-kiosk: cannot create %s (%s); choose a database file with --db FILE\n",
                DEFAULT_DB_DIR, strerror(errno));
        return NULL;
    }
    return DEFAULT_DB;
}

static qlq_ui *choose_ui(const options *o, const qlq_questionnaire *q)
{
    if (o->ui && strcmp(o->ui, "text") != 0) {
        fprintf(stderr, "qlq-kiosk: unknown front end '%s' (available: text)\n", o->ui);
        return NULL;
    }
    if (!o->ui)
        qlq_log("no touch front end in this build: using the terminal front end");
    return qlq_ui_text_create(STDIN_FILENO, stdout, q);
}

/* The speech cache lives beside the database unless told otherwise. */
static void default_tts_cache(options *o, const char *db_path, char *buf, size_t len)
{
    if (o->voice.tts_cache)
        return;
    const char *slash = strrchr(db_path, '/');
    if (slash)
        snprintf(buf, len, "%.*s/tts-cache", (int)(slash - db_path), db_path);
    else
        snprintf(buf, len, "tts-cache");
    o->voice.tts_cache = buf;
}

static int run(options *o, qlq_questionnaire *q)
{
    const char *path = database_path(o);
    if (!path)
        return 1;
    char cache[PATH_MAX];
    default_tts_cache(o, path, cache, sizeof cache);
    char err[512];
    store *db = NULL;
    store_status st = store_open(path, NULL, &db, err, sizeof err);
    if (st != STORE_OK) {
        fprintf(stderr, "qlq-kiosk: %s\n", err);
        return 1;
    }
    kiosk k = {.cfg = o->cfg, .q = q, .db = db, .ui = choose_ui(o, q)};
    int status = 1;
    if (k.ui) {
        qlq_log("front end: %s; database: %s; language: %s", k.ui->ops->name, path, q->language);
        voice_parts voice;
        voice_open(&o->voice, q, &voice);
        k.voice = voice.speech;
        if (voice.asr)
            k.cfg.voice_confident = (float)ASR_CONFIRM_BELOW;
        qlq_session s;
        if (kiosk_recover(&k, &s) == 0)
            status = kiosk_run(&k, &s);
        voice_close(&voice);
        k.ui->ops->destroy(k.ui);
    }
    store_close(db);
    return status;
}

int main(int argc, char **argv)
{
    options o;
    if (parse_options(argc, argv, &o) != 0)
        return 2;
    const char *assets = qlq_loader_assets_dir(o.assets);
    if (o.assets && assets != o.assets) {
        fprintf(stderr, "qlq-kiosk: --assets %s: no questionnaires/ folder there\n", o.assets);
        return 1;
    }
    if (!assets) {
        fprintf(stderr, "qlq-kiosk: no assets folder with questionnaires/ found; give one with --assets DIR\n");
        return 1;
    }
    qlq_questionnaire q;
    qlq_load_error lerr;
    if (qlq_loader_load_language(assets, o.lang, &q, &lerr) != 0) {
        fprintf(stderr, "qlq-kiosk: %s\n", lerr.message);
        return 1;
    }
    o.voice.assets = assets;
    int status = run(&o, &q);
    qlq_questionnaire_free(&q);
    return status;
}
