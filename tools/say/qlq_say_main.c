/*
 * qlq_say_main.c - qlq-say: writes what the kiosk would say (an item's speech text, or any text) as
 * a WAV file, through the same TTS chain as the kiosk. For checking voices and the Google set-up
 * before a clinic opens, and for making test audio. The API key is read from a file or the
 * environment, never from the command line, where `ps` would show it to every user.
 */
#include <errno.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "qlq_loader.h"
#include "qlq_tts.h"

static const char SAY_USAGE[] =
    "Usage: qlq-say [options] (--item N | --text TEXT) --out FILE.wav\n"
    "\n"
    "Writes what the kiosk would say as a 16 kHz mono 16-bit WAV file.\n"
    "\n"
    "  --lang fr|en            language (default fr)\n"
    "  --engine auto|espeak|google\n"
    "                          auto (default): the cache, then Google Cloud Text-to-Speech when an API\n"
    "                          key is given, then eSpeak NG; espeak: eSpeak NG only; google: Google\n"
    "                          only (its failure is an error: no fallback)\n"
    "  --item N                the speech text of questionnaire item N (0..30)\n"
    "  --text TEXT             this text (UTF-8)\n"
    "  --out FILE.wav          the file to write (replaced atomically)\n"
    "  --assets DIR            the assets folder (default: $QLQ_ASSETS_DIR, the installed copy, or the\n"
    "                          source tree's)\n"
    "  --cache DIR             use and fill this TTS cache folder (default: no cache)\n"
    "  --cache-max-mb N        the cache's size cap in MiB (default 100)\n"
    "  --voice NAME            eSpeak NG voice (default fr / en; see espeak-ng --voices)\n"
    "  --google-voice NAME     Google voice (default fr-FR-Wavenet-C / en-GB-Wavenet-A)\n"
    "  --speed WPM             words per minute, 80..450 (default 150); Google's speakingRate is WPM/175\n"
    "  --google-endpoint URL   https:// only (default " TTS_GOOGLE_ENDPOINT ")\n"
    "  --google-key-file FILE  a file holding the Google API key; without it, $QLQ_GOOGLE_TTS_KEY.\n"
    "                          The key is never accepted on the command line (other users see argv).\n"
    "  --timeout-ms N          the whole Google request (default 2000)\n"
    "  --ca-file FILE          trust this PEM certificate instead of the system's (tests only)\n"
    "  -h, --help              show this text\n"
    "\n"
    "On success one line on standard error says what was written, e.g.\n"
    "  qlq-say: wrote out.wav (2.41 s, engine google, cache miss)\n"
    "and the exit status is 0. Otherwise the reason is on standard error and the exit status is 1.\n";

typedef struct {
    const char *lang, *engine, *item, *text, *out, *assets, *cache, *cache_max_mb, *voice, *google_voice,
        *speed, *endpoint, *key_file, *timeout_ms, *ca_file;
    bool help;
} say_args;

typedef struct {
    const char *name;
    size_t offset;
} say_option;

#define SAY_OPT(name, field) {name, offsetof(say_args, field)}
static const say_option SAY_OPTIONS[] = {
    SAY_OPT("--lang", lang),           SAY_OPT("--engine", engine),
    SAY_OPT("--item", item),           SAY_OPT("--text", text),
    SAY_OPT("--out", out),             SAY_OPT("--assets", assets),
    SAY_OPT("--cache", cache),         SAY_OPT("--cache-max-mb", cache_max_mb),
    SAY_OPT("--voice", voice),         SAY_OPT("--google-voice", google_voice),
    SAY_OPT("--speed", speed),         SAY_OPT("--google-endpoint", endpoint),
    SAY_OPT("--google-key-file", key_file), SAY_OPT("--timeout-ms", timeout_ms),
    SAY_OPT("--ca-file", ca_file),
};

static int say_fail(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
static int say_fail(const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    fputs("qlq-say: ", stderr);
    vfprintf(stderr, fmt, ap);
    fputc('\n', stderr);
    va_end(ap);
    return 1;
}

/* "--name VALUE" or "--name=VALUE"; 0 on success, 1 after printing why. */
static int say_parse_one(int argc, char **argv, int *i, say_args *a)
{
    const char *arg = argv[*i];
    if (strcmp(arg, "-h") == 0 || strcmp(arg, "--help") == 0) {
        a->help = true;
        return 0;
    }
    if (strncmp(arg, "--google-key", 12) == 0 && strncmp(arg, "--google-key-file", 17) != 0)
        return say_fail("%s", "--google-key: the API key is never taken from the command line (other users "
                              "can read it); use --google-key-file FILE or QLQ_GOOGLE_TTS_KEY");
    for (size_t k = 0; k < sizeof SAY_OPTIONS / sizeof SAY_OPTIONS[0]; k++) {
        size_t len = strlen(SAY_OPTIONS[k].name);
        if (strncmp(arg, SAY_OPTIONS[k].name, len) != 0 || (arg[len] != '\0' && arg[len] != '='))
            continue;
        const char *value = arg[len] == '=' ? arg + len + 1 : (*i + 1 < argc ? argv[++*i] : NULL);
        const char **slot = (const char **)((char *)a + SAY_OPTIONS[k].offset);
        if (value == NULL)
            return say_fail("%s needs a value", SAY_OPTIONS[k].name);
        if (*slot != NULL)
            return say_fail("%s is given twice", SAY_OPTIONS[k].name);
        *slot = value;
        return 0;
    }
    return say_fail("unknown argument '%s' (see --help)", arg);
}

static int say_parse(int argc, char **argv, say_args *a)
{
    *a = (say_args){0};
    for (int i = 1; i < argc; i++)
        if (say_parse_one(argc, argv, &i, a) != 0)
            return 1;
    if (a->help)
        return 0;
    if ((a->item == NULL) == (a->text == NULL))
        return say_fail("%s", "give exactly one of --item N and --text TEXT");
    if (a->out == NULL || a->out[0] == '\0')
        return say_fail("%s", "missing --out FILE.wav");
    if (a->lang == NULL)
        a->lang = "fr";
    if (a->engine == NULL)
        a->engine = "auto";
    if (strcmp(a->lang, "fr") != 0 && strcmp(a->lang, "en") != 0)
        return say_fail("--lang must be fr or en, not '%s'", a->lang);
    if (strcmp(a->engine, "auto") != 0 && strcmp(a->engine, "espeak") != 0 && strcmp(a->engine, "google") != 0)
        return say_fail("--engine must be auto, espeak or google, not '%s'", a->engine);
    return 0;
}

/* A whole decimal number in [lo, hi]. */
static bool say_number(const char *s, long lo, long hi, long *out)
{
    char *end;
    errno = 0;
    long v = s != NULL && s[0] != '\0' ? strtol(s, &end, 10) : 0;
    if (s == NULL || s[0] == '\0' || *end != '\0' || errno != 0 || v < lo || v > hi)
        return false;
    *out = v;
    return true;
}

/* The key from the file or from the environment (see tts_read_api_key). */
static int say_read_key(const char *file, char *key, size_t key_len)
{
    char err[512];
    if (tts_read_api_key(file, key, key_len, err, sizeof err) != 0)
        return say_fail("%s", err);
    return 0;
}

/* The item's speech text, copied into `text`. */
static int say_item_text(const say_args *a, char **text)
{
    long n;
    if (!say_number(a->item, QLQ_CHECK_ITEM, QLQ_LAST_ITEM, &n))
        return say_fail("--item must be a whole number from 0 to 30, not '%s'", a->item);
    const char *assets = qlq_loader_assets_dir(a->assets);
    if (assets == NULL)
        return say_fail("%s", "no assets folder with questionnaires/ found (use --assets DIR)");
    qlq_questionnaire q;
    qlq_load_error le;
    if (qlq_loader_load_language(assets, a->lang, &q, &le) != 0)
        return say_fail("%s", le.message);
    *text = strdup(q.items[n].speech);
    qlq_questionnaire_free(&q);
    return *text == NULL ? say_fail("%s", "out of memory") : 0;
}

static int say_config(const say_args *a, const char *key, tts_config *cfg)
{
    tts_config_default(cfg);
    long v;
    if (a->speed != NULL && !say_number(a->speed, 80, 450, &v))
        return say_fail("--speed must be a whole number of words per minute from 80 to 450, not '%s'", a->speed);
    cfg->speed_wpm = a->speed != NULL ? (int)v : TTS_DEFAULT_SPEED_WPM;
    if (a->timeout_ms != NULL && !say_number(a->timeout_ms, 1, 600000, &v))
        return say_fail("--timeout-ms must be a whole number from 1 to 600000, not '%s'", a->timeout_ms);
    cfg->google_timeout_ms = a->timeout_ms != NULL ? v : TTS_DEFAULT_TIMEOUT_MS;
    if (a->cache_max_mb != NULL && !say_number(a->cache_max_mb, 1, 1000000, &v))
        return say_fail("--cache-max-mb must be a whole number from 1 to 1000000, not '%s'", a->cache_max_mb);
    if (a->cache_max_mb != NULL)
        cfg->cache_max_bytes = (uint64_t)v * 1024 * 1024;
    tts_voice *voice = strcmp(a->lang, "en") == 0 ? &cfg->en : &cfg->fr;
    voice->espeak_voice = a->voice;
    voice->google_voice = a->google_voice;
    cfg->cache_dir = a->cache;
    cfg->google_endpoint = a->endpoint != NULL ? a->endpoint : TTS_GOOGLE_ENDPOINT;
    cfg->google_key = key[0] != '\0' ? key : NULL;
    cfg->ca_file = a->ca_file;
    cfg->online = true;
    return 0;
}

static int say_run(const say_args *a, const char *key, const char *text)
{
    tts_config cfg;
    if (say_config(a, key, &cfg) != 0)
        return 1;
    if (strcmp(a->engine, "google") == 0 && cfg.google_key == NULL)
        return say_fail("%s", "--engine google needs a Google API key: --google-key-file FILE or QLQ_GOOGLE_TTS_KEY");
    char err[512] = "";
    tts *t = tts_create(&cfg, err, sizeof err);
    if (t == NULL)
        return say_fail("%s", err);
    tts_use use = strcmp(a->engine, "google") == 0   ? TTS_USE_GOOGLE
                  : strcmp(a->engine, "espeak") == 0 ? TTS_USE_ESPEAK
                                                     : TTS_USE_AUTO;
    tts_result r;
    tts_status st = tts_say(t, a->lang, text, use, &r, err, sizeof err);
    tts_destroy(t);
    if (st != TTS_OK)
        return say_fail("%s", err);
    audio_status as = audio_wav_write(a->out, r.pcm.samples, r.pcm.count, r.pcm.rate);
    if (as == AUDIO_OK)
        fprintf(stderr, "qlq-say: wrote %s (%.2f s, engine %s, cache %s)\n", a->out,
                (double)r.pcm.count / r.pcm.rate, tts_engine_name(r.engine), r.cache_hit ? "hit" : "miss");
    else
        fprintf(stderr, "qlq-say: cannot write %s: %s\n", a->out, audio_status_name(as));
    tts_result_free(&r);
    return as == AUDIO_OK ? 0 : 1;
}

int main(int argc, char **argv)
{
    say_args a;
    if (say_parse(argc, argv, &a) != 0) {
        fputs("Try 'qlq-say --help'.\n", stderr);
        return 1;
    }
    if (a.help) {
        fputs(SAY_USAGE, stdout);
        return 0;
    }
    char key[1024];
    if (say_read_key(a.key_file, key, sizeof key) != 0)
        return 1;
    char *text = NULL;
    int rc = a.item != NULL ? say_item_text(&a, &text) : 0;
    if (rc == 0)
        rc = say_run(&a, key, a.item != NULL ? text : a.text);
    free(text);
    return rc;
}
