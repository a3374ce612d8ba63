/*
 * pa_libs.c - what ALSA and JACK print goes to the kiosk's log, not raw to stderr. Each start of
 * PortAudio on a machine without a card (or with JACK installed and not running) printed about sixty
 * lines ("ALSA lib confmisc.c:855:(parse_card) cannot find card '0'", "jack server is not running or
 * cannot be started") that buried the kiosk's own log, and would again at every attempt to find a card
 * that was plugged in later. While PortAudio looks for devices they are counted and the last one kept,
 * to go with the kiosk's own message if no device is found; at any other time (a device failing while
 * in use) each is logged, prefixed, in full.
 */
#include "pa_libs.h"

#include <alsa/asoundlib.h>
#include <jack/jack.h>
#include <pthread.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stdio.h>

static pthread_mutex_t lock = PTHREAD_MUTEX_INITIALIZER;
static bool probing;
static int said_while_probing;
static char last_said[256];

static void take(const char *library, const char *text)
{
    pthread_mutex_lock(&lock);
    bool quiet = probing;
    if (quiet) {
        said_while_probing++;
        snprintf(last_said, sizeof last_said, "%s: %.200s", library, text);
    }
    pthread_mutex_unlock(&lock);
    if (!quiet)
        audio_log("%s: %s", library, text);
}

static void alsa_said(const char *file, int line, const char *function, int err, const char *fmt, ...)
{
    (void)file, (void)line, (void)function, (void)err;
    char text[256];
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(text, sizeof text, fmt, ap);
    va_end(ap);
    take("ALSA", text);
}

static void jack_said(const char *text) { take("JACK", text); }

static void install_once(void)
{
    snd_lib_error_set_handler(alsa_said);
    jack_set_error_function(jack_said);
    jack_set_info_function(jack_said);
}

void pa_libs_probe_begin(void)
{
    static pthread_once_t once = PTHREAD_ONCE_INIT;
    pthread_once(&once, install_once);
    pthread_mutex_lock(&lock);
    probing = true;
    said_while_probing = 0;
    last_said[0] = '\0';
    pthread_mutex_unlock(&lock);
}

int pa_libs_probe_end(char *last, size_t last_len)
{
    pthread_mutex_lock(&lock);
    probing = false;
    int n = said_while_probing;
    if (last && last_len)
        snprintf(last, last_len, "%s", last_said);
    pthread_mutex_unlock(&lock);
    return n;
}
