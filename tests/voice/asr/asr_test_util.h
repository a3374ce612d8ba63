/* asr_test_util.h - real audio for the recogniser's tests: espeak-ng and sox at test time. */
#ifndef ASR_TEST_UTIL_H
#define ASR_TEST_UTIL_H

#include "qlq_asr.h"
#include "qlq_audio.h"

#include <stdbool.h>
#include <stddef.h>

/* A fresh temporary folder (removed by asr_test_rmdir). NULL on failure. */
char *asr_test_tmpdir(void);
void asr_test_rmdir(char *dir);
/* Runs a shell command; its exit status. */
int asr_test_sh(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
/* dir/name.wav: `text` said by espeak-ng `voice` at `speed`, 16 kHz, then the sox effects
 * (NULL: none), e.g. "pad 1.5 1.5". */
int asr_test_say(const char *dir, const char *name, const char *voice, int speed, const char *text,
                 const char *effects);
/* The same at an eSpeak pitch (0-99, default 50) and amplitude (default 100), as the benchmark's corpus
 * draws them (tools/corpus/make-corpus.sh). */
int asr_test_say_pitched(const char *dir, const char *name, const char *voice, int speed, int pitch, int amplitude,
                         const char *text, const char *effects);
/* Reads a WAV file at 16 kHz (resampled when needed). */
int asr_test_load(const char *path, audio_pcm *pcm);
/* The recogniser on the source tree's assets ($QLQ_ASSETS_DIR). */
asr *asr_test_create(void);

/* One line of the manifest.tsv that tools/corpus/make-corpus.sh writes. */
typedef struct {
    char file[64], expected[16], scale[8], set[16], voice[64], cond[16], text[96];
} asr_test_manifest_row;
/* Parses `line` into `row`; false for the header line and malformed lines. */
bool asr_test_manifest_row_parse(const char *line, asr_test_manifest_row *row);
/* The grammar of a manifest's scale column: "4", "7" or "yesno". */
asr_grammar asr_test_grammar(const char *scale);

#endif
