/*
 * pa_libs.h - the messages of the sound libraries under PortAudio (ALSA, JACK), taken into the log.
 * Internal to the audio module.
 */
#ifndef PA_LIBS_H
#define PA_LIBS_H

#include "audio_internal.h"

/* From here until pa_libs_probe_end, what ALSA and JACK say is counted, not printed: PortAudio is
 * looking for devices, and on a machine without a card that is dozens of lines each time. */
void pa_libs_probe_begin(void);
/* How many messages they gave since pa_libs_probe_begin; the last one in `last`. After this, each
 * message is logged as it comes. */
int pa_libs_probe_end(char *last, size_t last_len);

#endif
