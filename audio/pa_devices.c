/*
 * pa_devices.c - the sound devices PortAudio finds: listed for the administrator (qlq-kiosk
 * --list-audio), and looked up by name when the kiosk opens its microphone and speaker.
 */
#include "audio_internal.h"
#include "pa_libs.h"

#include <portaudio.h>
#include <string.h>

/* NULL name: the default device. Otherwise an exact name, else the first name containing it. */
PaDeviceIndex pa_find_device(const char *name, bool input, char *err, size_t err_len)
{
    const char *what = input ? "input" : "output";
    int n = Pa_GetDeviceCount();
    if (!name) {
        PaDeviceIndex i = input ? Pa_GetDefaultInputDevice() : Pa_GetDefaultOutputDevice();
        if (i == paNoDevice)
            audio_set_err(err, err_len, "PortAudio: no default %s device (%d devices found)", what, n < 0 ? 0 : n);
        return i;
    }
    for (int pass = 0; pass < 2; pass++)
        for (PaDeviceIndex i = 0; i < n; i++) {
            const PaDeviceInfo *info = Pa_GetDeviceInfo(i);
            int ch = info ? (input ? info->maxInputChannels : info->maxOutputChannels) : 0;
            if (ch > 0 && (pass == 0 ? strcmp(info->name, name) == 0 : strstr(info->name, name) != NULL))
                return i;
        }
    audio_set_err(err, err_len, "PortAudio: no %s device named '%s' (%d devices found)", what, name, n < 0 ? 0 : n);
    return paNoDevice;
}

int audio_portaudio_list(void (*each)(void *ctx, const audio_device_info *info), void *ctx, char *err,
                         size_t err_len)
{
    audio_set_err(err, err_len, "%s", "");
    pa_libs_probe_begin();
    PaError e = Pa_Initialize();
    pa_libs_probe_end(NULL, 0); /* the list says what was found */
    if (e != paNoError) {
        audio_set_err(err, err_len, "PortAudio: cannot initialise: %s", Pa_GetErrorText(e));
        return -1;
    }
    int n = Pa_GetDeviceCount();
    if (n < 0) {
        audio_set_err(err, err_len, "PortAudio: cannot list devices: %s", Pa_GetErrorText(n));
        Pa_Terminate();
        return -1;
    }
    PaDeviceIndex def_in = Pa_GetDefaultInputDevice(), def_out = Pa_GetDefaultOutputDevice();
    for (PaDeviceIndex i = 0; i < n; i++) {
        const PaDeviceInfo *pi = Pa_GetDeviceInfo(i);
        if (!pi)
            continue;
        audio_device_info info = {.name = pi->name,
                                  .max_input_channels = pi->maxInputChannels,
                                  .max_output_channels = pi->maxOutputChannels,
                                  .default_rate = pi->defaultSampleRate,
                                  .default_input = i == def_in,
                                  .default_output = i == def_out};
        each(ctx, &info);
    }
    Pa_Terminate();
    return n;
}
