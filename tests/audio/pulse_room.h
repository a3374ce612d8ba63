/*
 * A private PulseAudio server for tests that need a real sound device on a machine without one: a
 * "room" the microphone hears (a null sink whose monitor is the default source) and a "speaker" (the
 * default sink, recorded from its monitor). The real PortAudio -> ALSA -> PulseAudio path runs, with
 * its real clock, on loopback only (a Unix socket in a temporary folder).
 */
#ifndef PULSE_ROOM_H
#define PULSE_ROOM_H

#include <stdbool.h>
#include <stddef.h>
#include <sys/types.h>

typedef struct {
    char dir[64];   /* the server's runtime folder, removed by pulse_room_stop */
    pid_t server;   /* the pulseaudio process */
    pid_t recorders[2]; /* parec recording the speaker and the room, or 0 */
    pid_t keepers[2]; /* silent low-latency players, one per sink (see pulse_room.c) */
} pulse_room;

/* Starts the server; the room and the speaker run at their own rates and channel counts, as a sound
 * card's would. Sets PULSE_SERVER in this process (children inherit it): call before any PortAudio
 * use. false with `err` when pulseaudio is missing or does not answer within 10 s. */
bool pulse_room_start(pulse_room *r, int room_rate, int room_channels, int speaker_rate, int speaker_channels,
                      char *err, size_t err_len);
/* Plays a WAV file into the room without waiting: the microphone hears it. The player's pid. */
pid_t pulse_room_say(const pulse_room *r, const char *wav_path);
/* Whether a player started by pulse_room_say is done, without waiting: 0 still playing, 1 played the
 * whole file, -1 failed. */
int pulse_room_said(pid_t player);
/* Records the speaker's monitor as raw signed 16-bit little-endian samples at `rate` x `channels`,
 * and when `room_raw_path` is not NULL what the microphone hears the same way, from the same moment
 * (both sinks always run: the two files share their time line to a few ms). */
bool pulse_room_record_start(pulse_room *r, const char *raw_path, const char *room_raw_path, int rate, int channels);
void pulse_room_record_stop(pulse_room *r);
/* The sound server dies (SIGKILL), as when a device's server crashes or the device goes away. */
void pulse_room_crash(pulse_room *r);
/* Starts it again on the same socket, after pulse_room_crash. */
bool pulse_room_restart(pulse_room *r, char *err, size_t err_len);
void pulse_room_stop(pulse_room *r);

#endif
