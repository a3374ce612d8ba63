/*
 * pa_libs.h - PortAudio's helpers: the messages of the sound libraries under it (ALSA, JACK), taken
 * into the log (pa_libs.c), and the devices it finds (pa_devices.c).
 * Internal to the audio module.
 */
#ifndef PA_LIBS_H
#define PA_LIBS_H

#include "audio_internal.h"

#include <portaudio.h>

/* From here until pa_libs_probe_end, what ALSA and JACK say is counted, not printed: PortAudio is
 * looking for devices, and on a machine without a card that is dozens of lines each time. */
void pa_libs_probe_begin(void);
/* How many messages they gave since pa_libs_probe_begin; the last one in `last`. After this, each
 * message is logged as it comes. */
int pa_libs_probe_end(char *last, size_t last_len);

/* The device to open (pa_devices.c), PortAudio started: NULL `name` for the default one, else the
 * device of that exact name, else the first whose name contains it; paNoDevice with `err` when none. */
PaDeviceIndex pa_find_device(const char *name, bool input, char *err, size_t err_len);

#endif
