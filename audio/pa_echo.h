/*
 * pa_echo.h - the sound card's time line for the echo canceller (internal to audio/).
 *
 * To take the kiosk's voice out of the microphone, each captured sample must come with what the
 * speaker was sounding when it was taken, to the sample, for as long as the canceller keeps its model
 * of the room. PortAudio's capture and playback streams each tell the time of a callback's first
 * sample, but those times jitter by milliseconds from one callback to the next, and a stream started
 * again (a new sentence, a new turn) is placed afresh with a new error of a millisecond or two: the
 * canceller, which had learnt the room to the sample, then lets the echo through for seconds, and the
 * kiosk took its own voice for the patient's (measured on a real ALSA -> PulseAudio path, see
 * tests/audio/test_portaudio_room.c).
 *
 * So once the echo is asked for, both streams run on without stopping: the speaker plays silence
 * between sentences and the microphone's samples are dropped between turns, and each stream's first
 * callback alone places it on the common clock. From then on samples are counted, and the two counts
 * stay in step as long as the microphone and the speaker share a clock (one sound card), until the
 * card itself skips: an underrun (it played silence of its own) or an overflow (it lost microphone
 * frames), which PortAudio flags on the next callback. That stream is then placed again from that
 * callback's time, the frames before the gap staying where they were (tests/audio/test_pa_echo.c).
 *
 * The callbacks' side (pa_echo_output, pa_echo_input) neither locks nor allocates.
 */
#ifndef PA_ECHO_H
#define PA_ECHO_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

typedef struct pa_echo pa_echo;

/* How far a callback's time strays from its stream's count with no gap in the device: measured on
 * PulseAudio's ALSA plugin, output 0.1 ms from one callback to the next, input up to 1.6 ms. Frames
 * lost (an overflow) or silence inserted (an underrun) move a stream by its period, 5 ms or more. */
#define PA_ECHO_JITTER_MS 3.0

pa_echo *pa_echo_create(int in_rate, int out_rate, int out_channels);
void pa_echo_destroy(pa_echo *e); /* the output stream must be stopped */

/* ---- the speaker (its stream runs on while the echo is used) ---- */
/* Before the output stream is started (again): it has played nothing yet. Clips still held are
 * dropped: the stream must be stopped. */
void pa_echo_output_restart(pa_echo *e);
/* The output callback: the clip being played, then silence. `dac_time`: when its first frame sounds.
 * `ran_dry`: the device played silence of its own since the last callback (PortAudio's
 * paOutputUnderflow, an ALSA underrun): what was written since sounds later than counted, so the
 * stream is placed again from this callback's time when it moved by more than PA_ECHO_JITTER_MS. */
void pa_echo_output(pa_echo *e, int16_t *out, unsigned long frames, double dac_time, bool ran_dry);
/* A clip to play after what plays now (at once: it cuts it). `device` at the output rate, `reference`
 * the same at AUDIO_RATE; both are taken (freed by pa_echo). False when the callback has not moved
 * through the last few clips (a stalled stream): nothing is taken. */
bool pa_echo_play(pa_echo *e, int16_t *device, size_t device_count, int16_t *reference, size_t reference_count);
/* Silence from the callback's next buffer. */
void pa_echo_stop(pa_echo *e);
/* Whether the last clip still sounds at stream time `now`. */
bool pa_echo_playing(const pa_echo *e, double now);
/* Frames the output callback has written since the stream started: a stall shows here. */
unsigned long long pa_echo_output_frames(const pa_echo *e);

/* ---- the microphone ---- */
/* Before the input stream is started (again). */
void pa_echo_input_restart(pa_echo *e);
/* The input callback, for every buffer: true when its frames are to be kept (between
 * pa_echo_deliver_start and pa_echo_deliver_stop). `overflowed`: the device lost frames before these
 * (PortAudio's paInputOverflow): the stream is placed again as the output is after an underrun. */
bool pa_echo_input(pa_echo *e, unsigned long frames, double adc_time, bool overflowed);
/* The reader starts taking the microphone's frames: the ring it reads from must be empty. */
void pa_echo_deliver_start(pa_echo *e);
void pa_echo_deliver_stop(pa_echo *e);
/* The reader took `frames` raw frames out of the ring. */
void pa_echo_popped(pa_echo *e, size_t frames);
/* For the `n` samples at AUDIO_RATE just read, whose last came from the raw frame before the
 * `unconverted` frames still held by the reader: what the speaker sounded `early_ms` after each was
 * captured (0 in silence, or while the streams cannot yet be placed), read between the clip's samples
 * where that time falls between them. */
void pa_echo_reference(const pa_echo *e, int16_t *played, size_t n, size_t unconverted, double early_ms);
/* How many times a stream was placed again after a gap in its device, since create. */
unsigned pa_echo_placed_again(const pa_echo *e);

#endif
