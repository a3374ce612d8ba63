/* asr_test_util.c - see asr_test_util.h. */
#include "asr_test_util.h"

#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

char *asr_test_tmpdir(void)
{
    const char *base = getenv("TMPDIR");
    char tmpl[512];
    snprintf(tmpl, sizeof tmpl, "%s/qlq-asr-test-XXXXXX", base && *base ? base : "/tmp");
    char *d = mkdtemp(tmpl);
    return d ? strdup(d) : NULL;
}

void asr_test_rmdir(char *dir)
{
    if (dir && strncmp(dir, "/", 1) == 0 && strstr(dir, "qlq-asr-test-"))
        asr_test_sh("rm -rf '%s'", dir);
    free(dir);
}

int asr_test_sh(const char *fmt, ...)
{
    char cmd[4096];
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(cmd, sizeof cmd, fmt, ap);
    va_end(ap);
    int st = system(cmd);
    return st == -1 ? -1 : (st >> 8) & 0xff;
}

int asr_test_say(const char *dir, const char *name, const char *voice, int speed, const char *text,
                 const char *effects)
{
    return asr_test_say_pitched(dir, name, voice, speed, 50, 100, text, effects); /* espeak-ng's defaults */
}

int asr_test_say_pitched(const char *dir, const char *name, const char *voice, int speed, int pitch, int amplitude,
                         const char *text, const char *effects)
{
    return asr_test_sh("espeak-ng -v '%s' -s %d -p %d -a %d -w '%s/%s.raw.wav' \"%s\" && "
                       "sox -R -V1 '%s/%s.raw.wav' -r 16000 -c 1 -b 16 '%s/%s.wav' %s && rm -f '%s/%s.raw.wav'",
                       voice, speed, pitch, amplitude, dir, name, text, dir, name, dir, name, effects ? effects : "",
                       dir, name);
}

int asr_test_load(const char *path, audio_pcm *pcm)
{
    char err[256];
    if (audio_wav_read_at(path, AUDIO_RATE, pcm, err, sizeof err) != AUDIO_OK) {
        fprintf(stderr, "%s\n", err);
        return -1;
    }
    return 0;
}

asr *asr_test_create(void)
{
    char err[512];
    asr_config cfg = {.assets_dir = getenv("QLQ_ASSETS_DIR")};
    asr *a = asr_create(&cfg, err, sizeof err);
    if (!a)
        fprintf(stderr, "asr_create: %s\n", err);
    return a;
}

bool asr_test_manifest_row_parse(const char *line, asr_test_manifest_row *row)
{
    return sscanf(line, "%63[^\t]\t%15[^\t]\t%7[^\t]\t%15[^\t]\t%63[^\t]\t%15[^\t]\t%95[^\n]", row->file,
                  row->expected, row->scale, row->set, row->voice, row->cond, row->text) == 7 &&
           strcmp(row->file, "file") != 0;
}

asr_grammar asr_test_grammar(const char *scale)
{
    return strcmp(scale, "7") == 0 ? ASR_GRAMMAR_SCALE7 : strcmp(scale, "yesno") == 0 ? ASR_GRAMMAR_YESNO
                                                                                        : ASR_GRAMMAR_SCALE4;
}
