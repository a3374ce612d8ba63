/*
 * qlq-front-end: writes the sound the recogniser decodes a recording's words in (its steady tones
 * notched out, the room's noise suppressed: asr_clean_sound), so that an acoustic model can be
 * adapted to what the kiosk hears rather than to the room's noise (tools/acoustic/adapt.sh
 * --front-end). Reads any common sample rate; writes 16 kHz mono 16-bit.
 */
#include "qlq_asr.h"
#include "qlq_audio.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static const char usage[] =
    "Usage: qlq-front-end IN.wav OUT.wav [IN.wav OUT.wav]...\n"
    "Writes each recording as the recogniser hears it: steady tones notched out and the room's\n"
    "noise suppressed (left as it came in a quiet room), 16 kHz mono 16-bit.\n"
    "Exit status: 0 every file written, 1 some file could not be read or written, 2 usage.\n";

static int clean_file(const char *in, const char *out)
{
    audio_pcm pcm;
    char err[256];
    if (audio_wav_read_at(in, ASR_RATE, &pcm, err, sizeof err) != AUDIO_OK) {
        fprintf(stderr, "qlq-front-end: %s: %s\n", in, err);
        return 1;
    }
    int16_t *clean = malloc((pcm.count ? pcm.count : 1) * sizeof *clean);
    int rc = 1;
    if (!clean || asr_clean_sound(pcm.samples, clean, pcm.count) != 0)
        fprintf(stderr, "qlq-front-end: %s: out of memory\n", in);
    else if (audio_wav_write(out, clean, pcm.count, ASR_RATE) != AUDIO_OK)
        fprintf(stderr, "qlq-front-end: %s: cannot write\n", out);
    else
        rc = 0;
    free(clean);
    audio_pcm_free(&pcm);
    return rc;
}

int main(int argc, char **argv)
{
    if (argc < 3 || (argc - 1) % 2 != 0 || !strcmp(argv[1], "--help")) {
        fputs(usage, argc == 2 && !strcmp(argv[1], "--help") ? stdout : stderr);
        return argc == 2 && !strcmp(argv[1], "--help") ? 0 : 2;
    }
    int status = 0;
    for (int i = 1; i + 1 < argc; i += 2)
        status |= clean_file(argv[i], argv[i + 1]);
    return status;
}
