/*
 * dev_portaudio.c - the sound card. The capture callback only copies raw device-rate samples into the
 * lock-free ring (mixing to mono on the stack when the device insists on stereo): no lock, no malloc,
 * no resampling on the real-time thread. The reader converts to AUDIO_RATE with a streaming
 * libsamplerate state. Playback converts the whole buffer to the device rate before starting, so the
 * output callback is a copy too. Once the echo reference is asked for (capture_read_echo), both
 * streams run on and the speaker's clips go through pa_echo.c, which places what played against what
 * was heard. Tested through ALSA on a private PulseAudio server
 * (tests/audio/test_portaudio_room.c): this build machine has no sound card.
 */
#include "audio_internal.h"
#include "pa_echo.h"
#include "pa_libs.h"

#include <portaudio.h>
#include <samplerate.h>
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* PA_STALL_MS: a stream that has not moved for this long is stalled (a device unplugged, its sound
 * server stopped): playback is given up, so that the kiosk goes on to listen instead of waiting for
 * ever, and the device is marked broken. A broken device is never started again (PortAudio 19.6 hangs
 * for ever in Pa_StartStream on a stream whose server died): the next capture or playback first
 * reopens PortAudio and the devices, at most every PA_RECONNECT_MS, so that a card plugged back in
 * or a restarted sound server is used again. The microphone and the speaker are opened each on its
 * own: a tablet with a speaker and no microphone still reads the questions aloud, and one that is
 * missing is looked for again, the same way, when it is next needed (a USB microphone plugged in
 * after the kiosk started). */
enum { PA_CARRY = 4096, PA_MIX_BLOCK = 256, PA_POLL_MS = 5, PA_STALL_MS = 2000, PA_RECONNECT_MS = 3000, PA_NAME = 256 };
/* The echo reference given with a captured sample is what played this long after it was captured: an
 * echo can be taken out only when it comes after its reference, and the streams' stated times may be
 * a few milliseconds out (through ALSA and PulseAudio here: the echo 29 ms after its reference). */
#define PA_EARLY_MS 30.0

typedef struct {
    PaStream *in, *out;
    int in_rate, out_rate, in_channels, out_channels;
    audio_ring *ring; /* raw mono samples at in_rate */
    SRC_STATE *src;
    float carry[PA_CARRY]; /* device-rate input not yet converted */
    size_t carry_n;
    atomic_ulong overruns; /* callbacks that found the ring full */
    bool capturing;
    int16_t *play_buf; /* at out_rate; freed only while the output stream is stopped */
    size_t play_count;
    atomic_size_t play_pos;
    unsigned long long seen_progress; /* how far playback was when playing() last saw it move, at seen_ms */
    double seen_ms;
    double heard_ms; /* when capture_read last had samples */
    char in_name[PA_NAME], out_name[PA_NAME];
    audio_portaudio_config cfg; /* names pointing into in_name/out_name, for reopening */
    bool initialised; /* Pa_Initialize succeeded and is not yet undone */
    bool broken;      /* a stream stalled or would not start: PortAudio must be started afresh */
    double reopened_ms;
    char missing[2 * PA_NAME];              /* what is not open and why, "" when nothing (describe_missing) */
    /* Once the echo is asked for (capture_read_echo), both streams run on (pa_echo.h): the speaker
     * plays silence between clips, the microphone's frames are dropped between captures. */
    pa_echo *echo;
    bool echo_mode;
    bool in_running;           /* the input stream is started */
    atomic_bool out_continuous; /* the output stream is started and runs on through pa_echo */
    unsigned placed_logged;     /* pa_echo_placed_again when last told in the log */
} pa_dev;

static void reopen(pa_dev *p);

static pa_dev *impl(audio_device *d) { return d->impl; }

/* A callback's time for its first frame: what PortAudio says, or the stream's clock when it says 0. */
static double callback_time(PaStream *s, double said)
{
    return said > 0.0 ? said : Pa_GetStreamTime(s);
}

static int capture_cb(const void *input, void *output, unsigned long frames, const PaStreamCallbackTimeInfo *ti,
                      PaStreamCallbackFlags flags, void *user)
{
    (void)output;
    pa_dev *p = user;
    const int16_t *in = input;
    bool overflowed = flags & paInputOverflow;
    if (!in || !pa_echo_input(p->echo, frames, callback_time(p->in, ti ? ti->inputBufferAdcTime : 0.0), overflowed))
        return paContinue;
    size_t lost = 0;
    if (p->in_channels == 1) {
        lost = frames - audio_ring_push(p->ring, in, frames);
    } else {
        int16_t mono[PA_MIX_BLOCK];
        for (unsigned long i = 0; i < frames;) {
            size_t n = frames - i < PA_MIX_BLOCK ? frames - i : PA_MIX_BLOCK;
            for (size_t k = 0; k < n; k++, i++) {
                int32_t sum = 0;
                for (int c = 0; c < p->in_channels; c++)
                    sum += in[i * (unsigned long)p->in_channels + (unsigned long)c];
                mono[k] = (int16_t)(sum / p->in_channels);
            }
            lost += n - audio_ring_push(p->ring, mono, n);
        }
    }
    if (lost)
        atomic_fetch_add_explicit(&p->overruns, 1, memory_order_relaxed);
    return paContinue;
}

static int play_cb(const void *input, void *output, unsigned long frames, const PaStreamCallbackTimeInfo *ti,
                   PaStreamCallbackFlags flags, void *user)
{
    (void)input;
    pa_dev *p = user;
    int16_t *out = output;
    if (atomic_load_explicit(&p->out_continuous, memory_order_acquire)) {
        pa_echo_output(p->echo, out, frames, callback_time(p->out, ti ? ti->outputBufferDacTime : 0.0),
                       flags & paOutputUnderflow);
        return paContinue;
    }
    size_t pos = atomic_load_explicit(&p->play_pos, memory_order_relaxed);
    size_t n = p->play_count - pos < frames ? p->play_count - pos : frames;
    for (size_t i = 0; i < frames; i++)
        for (int c = 0; c < p->out_channels; c++)
            out[i * (size_t)p->out_channels + (size_t)c] = i < n ? p->play_buf[pos + i] : 0;
    atomic_store_explicit(&p->play_pos, pos + n, memory_order_relaxed);
    return pos + n >= p->play_count ? paComplete : paContinue;
}

static audio_status pa_capture_start(audio_device *d)
{
    pa_dev *p = impl(d);
    if (p->capturing)
        return AUDIO_OK;
    if (p->broken || !p->in)
        reopen(p);
    if (p->broken || !p->in)
        return AUDIO_ERR_DEVICE;
    /* the callback pushes nothing between captures (pa_echo_deliver_stop): what is left is old */
    int16_t drop[256];
    while (audio_ring_pop(p->ring, drop, 256) > 0) {
    }
    src_reset(p->src);
    p->carry_n = 0;
    atomic_store(&p->overruns, 0);
    if (p->in_running) { /* kept running for the echo's time line */
        pa_echo_deliver_start(p->echo);
        p->capturing = true;
        p->heard_ms = audio_now_ms();
        return AUDIO_OK;
    }
    pa_echo_input_restart(p->echo);
    pa_echo_deliver_start(p->echo);
    PaError e = Pa_StartStream(p->in);
    if (e != paNoError) {
        audio_log("PortAudio: cannot start capture: %s", Pa_GetErrorText(e));
        p->broken = true;
        return AUDIO_ERR_DEVICE;
    }
    p->in_running = true;
    p->capturing = true;
    p->heard_ms = audio_now_ms();
    return AUDIO_OK;
}

/* Moves raw samples from the ring into the float carry buffer. */
static void fill_carry(pa_dev *p)
{
    int16_t raw[512];
    while (p->carry_n < PA_CARRY) {
        size_t want = PA_CARRY - p->carry_n < 512 ? PA_CARRY - p->carry_n : 512;
        size_t n = audio_ring_pop(p->ring, raw, want);
        if (n == 0)
            return;
        pa_echo_popped(p->echo, n);
        src_short_to_float_array(raw, p->carry + p->carry_n, (int)n);
        p->carry_n += n;
    }
}

/* Converts what has been captured so far into at most `max` samples at AUDIO_RATE. */
static size_t convert_available(pa_dev *p, int16_t *buf, size_t max)
{
    if (p->in_rate == AUDIO_RATE) {
        size_t n = audio_ring_pop(p->ring, buf, max);
        pa_echo_popped(p->echo, n);
        return n;
    }
    size_t done = 0;
    float out[1024];
    while (done < max) {
        fill_carry(p);
        size_t room = max - done < 1024 ? max - done : 1024;
        SRC_DATA sd = {.data_in = p->carry,
                       .input_frames = (long)p->carry_n,
                       .data_out = out,
                       .output_frames = (long)room,
                       .src_ratio = (double)AUDIO_RATE / p->in_rate};
        if (src_process(p->src, &sd) != 0 || (sd.input_frames_used == 0 && sd.output_frames_gen == 0))
            break;
        src_float_to_short_array(out, buf + done, (int)sd.output_frames_gen);
        done += (size_t)sd.output_frames_gen;
        p->carry_n -= (size_t)sd.input_frames_used;
        memmove(p->carry, p->carry + sd.input_frames_used, p->carry_n * sizeof *p->carry);
    }
    return done;
}

static size_t pa_capture_read(audio_device *d, int16_t *buf, size_t max, int wait_ms)
{
    pa_dev *p = impl(d);
    if (!p->capturing || !buf || max == 0)
        return 0;
    double deadline = audio_now_ms() + (wait_ms > 0 ? wait_ms : 0);
    for (;;) {
        size_t n = convert_available(p, buf, max);
        double now = audio_now_ms();
        if (n > 0)
            p->heard_ms = now;
        else if (!p->broken && now - p->heard_ms > PA_STALL_MS) {
            audio_log("PortAudio: capture gave nothing for %d ms (microphone unplugged?)", PA_STALL_MS);
            p->broken = true;
        }
        if (n > 0 || now >= deadline)
            return n;
        int ms = (int)(deadline - now) + 1;
        audio_sleep_ms(ms < PA_POLL_MS ? ms : PA_POLL_MS);
    }
}

/* The microphone, and what the speaker sounded when each sample was captured (pa_echo.h). From the
 * first call on, both streams run on until the device is closed or fails. */
static size_t pa_capture_read_echo(audio_device *d, int16_t *mic, int16_t *played, size_t max, int wait_ms)
{
    pa_dev *p = impl(d);
    p->echo_mode = true;
    size_t n = pa_capture_read(d, mic, max, wait_ms);
    if (n > 0)
        pa_echo_reference(p->echo, played, n, p->carry_n, PA_EARLY_MS);
    return n;
}

static void pa_capture_stop(audio_device *d)
{
    pa_dev *p = impl(d);
    if (!p->capturing)
        return;
    pa_echo_deliver_stop(p->echo);
    if (!p->broken && !p->echo_mode) {
        Pa_StopStream(p->in);
        p->in_running = false;
    }
    p->capturing = false;
    unsigned long lost = atomic_load(&p->overruns);
    if (lost)
        audio_log("PortAudio: capture lost samples in %lu callbacks (reader too slow)", lost);
    unsigned placed = pa_echo_placed_again(p->echo);
    if (placed != p->placed_logged)
        audio_log("PortAudio: the sound card skipped %u times (underrun or overflow): its echo time line placed again",
                  placed - p->placed_logged);
    p->placed_logged = placed;
}

static bool pa_capture_at_end(audio_device *d)
{
    (void)d;
    return false; /* a microphone never runs out */
}

static void pa_play_stop(audio_device *d)
{
    pa_dev *p = impl(d);
    if (atomic_load(&p->out_continuous)) {
        pa_echo_stop(p->echo); /* silence from the next buffer, the stream running on */
        return;
    }
    if (p->out && !p->broken && Pa_IsStreamStopped(p->out) == 0)
        Pa_AbortStream(p->out); /* at once, not after the buffered audio */
}

/* Plays through pa_echo on a stream that runs on: the clip follows what plays without restarting it. */
static audio_status play_on(pa_dev *p, const int16_t *samples, size_t count, int rate)
{
    audio_pcm in = {.samples = (int16_t *)samples, .count = count, .rate = rate}, device, reference;
    audio_status s = audio_resample(&in, p->out_rate, &device);
    if (s != AUDIO_OK)
        return s;
    s = audio_resample(&in, AUDIO_RATE, &reference);
    if (s != AUDIO_OK) {
        audio_pcm_free(&device);
        return s;
    }
    bool running = atomic_load(&p->out_continuous);
    if (!running) {
        if (Pa_IsStreamStopped(p->out) == 0)
            Pa_AbortStream(p->out); /* a clip played before the echo was asked for */
        pa_echo_output_restart(p->echo);
    }
    if (!pa_echo_play(p->echo, device.samples, device.count, reference.samples, reference.count)) {
        audio_pcm_free(&device);
        audio_pcm_free(&reference);
        audio_log("PortAudio: playback stalled (the speaker took none of the last clips): stopped");
        p->broken = true;
        return AUDIO_ERR_DEVICE;
    }
    p->seen_progress = pa_echo_output_frames(p->echo);
    p->seen_ms = audio_now_ms();
    if (running)
        return AUDIO_OK;
    atomic_store(&p->out_continuous, true);
    PaError e = Pa_StartStream(p->out);
    if (e != paNoError) {
        audio_log("PortAudio: cannot start playback: %s", Pa_GetErrorText(e));
        atomic_store(&p->out_continuous, false);
        p->broken = true;
        return AUDIO_ERR_DEVICE;
    }
    return AUDIO_OK;
}

static audio_status pa_play(audio_device *d, const int16_t *samples, size_t count, int rate)
{
    pa_dev *p = impl(d);
    if (p->echo_mode && !p->broken && p->out)
        return play_on(p, samples, count, rate);
    pa_play_stop(d);
    if (p->broken || !p->out)
        reopen(p);
    if (p->broken || !p->out)
        return AUDIO_ERR_DEVICE;
    audio_pcm in = {.samples = (int16_t *)samples, .count = count, .rate = rate}, conv;
    audio_status s = audio_resample(&in, p->out_rate, &conv);
    if (s != AUDIO_OK)
        return s;
    free(p->play_buf);
    p->play_buf = conv.samples;
    p->play_count = conv.count;
    atomic_store(&p->play_pos, 0);
    p->seen_progress = 0;
    p->seen_ms = audio_now_ms();
    if (conv.count == 0)
        return AUDIO_OK;
    PaError e = Pa_StartStream(p->out);
    if (e != paNoError) {
        audio_log("PortAudio: cannot start playback: %s", Pa_GetErrorText(e));
        p->broken = true;
        return AUDIO_ERR_DEVICE;
    }
    return AUDIO_OK;
}

/* On a stream that runs on: stalled when its callback has not moved for PA_STALL_MS while a clip plays. */
/* Notes how far playback is (`progress`, as the output callback counts it): false when it has not
 * moved for PA_STALL_MS. */
static bool still_moving(pa_dev *p, unsigned long long progress)
{
    double now = audio_now_ms();
    if (progress != p->seen_progress) {
        p->seen_progress = progress;
        p->seen_ms = now;
    }
    return now - p->seen_ms <= PA_STALL_MS;
}

static bool playing_on(pa_dev *p)
{
    if (!pa_echo_playing(p->echo, Pa_GetStreamTime(p->out)))
        return false;
    if (!still_moving(p, pa_echo_output_frames(p->echo))) {
        audio_log("PortAudio: playback stalled for %d ms (speaker unplugged?): stopped", PA_STALL_MS);
        p->broken = true;
        return false;
    }
    return true;
}

static bool pa_playing(audio_device *d)
{
    pa_dev *p = impl(d);
    if (p->broken || !p->out || Pa_IsStreamActive(p->out) != 1)
        return false;
    if (atomic_load(&p->out_continuous))
        return playing_on(p);
    size_t pos = atomic_load_explicit(&p->play_pos, memory_order_relaxed);
    if (!still_moving(p, pos) && pos < p->play_count) {
        audio_log("PortAudio: playback stalled for %d ms at %zu of %zu samples (speaker unplugged?): stopped",
                  PA_STALL_MS, pos, p->play_count);
        p->broken = true;
        return false;
    }
    return true;
}

/* A broken stream is closed without being stopped first (stopping waits on the dead device). */
static void close_streams(pa_dev *p)
{
    PaStream **streams[2] = {&p->in, &p->out};
    for (int i = 0; i < 2; i++) {
        if (!*streams[i])
            continue;
        if (!p->broken)
            Pa_AbortStream(*streams[i]);
        Pa_CloseStream(*streams[i]);
        *streams[i] = NULL;
    }
    p->capturing = false;
    p->in_running = false;
    atomic_store(&p->out_continuous, false);
}

static void pa_destroy(audio_device *d)
{
    if (!d)
        return;
    pa_dev *p = impl(d);
    close_streams(p);
    audio_ring_destroy(p->ring);
    pa_echo_destroy(p->echo);
    if (p->src)
        src_delete(p->src);
    free(p->play_buf);
    if (p->initialised)
        Pa_Terminate();
    free(p);
    free(d);
}

static const audio_ops pa_ops = {
    .name = "portaudio",
    .capture_start = pa_capture_start,
    .capture_read = pa_capture_read,
    .capture_stop = pa_capture_stop,
    .capture_at_end = pa_capture_at_end,
    .play = pa_play,
    .playing = pa_playing,
    .play_stop = pa_play_stop,
    .destroy = pa_destroy,
    .capture_read_echo = pa_capture_read_echo,
};

/* Tries (channels, rate) pairs in order of preference and opens the first the device accepts.
 * `want_rate` (capture only, 0: none) is the one rate tried. */
static bool open_stream(pa_dev *p, PaDeviceIndex dev, bool input, int want_rate, char *err, size_t err_len)
{
    const PaDeviceInfo *info = Pa_GetDeviceInfo(dev);
    int max_ch = input ? info->maxInputChannels : info->maxOutputChannels;
    /* Capture prefers 16 kHz (no conversion); playback the device's own rate (keeps 22-24 kHz voices). */
    double rates[2] = {input ? AUDIO_RATE : info->defaultSampleRate, input ? info->defaultSampleRate : AUDIO_RATE};
    if (want_rate > 0)
        rates[0] = rates[1] = want_rate;
    PaStreamParameters sp = {.device = dev,
                             .sampleFormat = paInt16,
                             .suggestedLatency = input ? info->defaultLowInputLatency : info->defaultHighOutputLatency};
    for (int ch = 1; ch <= 2 && ch <= max_ch; ch++)
        for (int r = 0; r < 2; r++) {
            sp.channelCount = ch;
            const PaStreamParameters *in = input ? &sp : NULL, *out = input ? NULL : &sp;
            if (Pa_IsFormatSupported(in, out, rates[r]) != paFormatIsSupported)
                continue;
            PaError e = Pa_OpenStream(input ? &p->in : &p->out, in, out, rates[r], paFramesPerBufferUnspecified,
                                      paNoFlag, input ? capture_cb : play_cb, p);
            if (e != paNoError) {
                audio_set_err(err, err_len, "PortAudio: cannot open '%s': %s", info->name, Pa_GetErrorText(e));
                return false;
            }
            *(input ? &p->in_rate : &p->out_rate) = (int)rates[r];
            *(input ? &p->in_channels : &p->out_channels) = ch;
            return true;
        }
    audio_set_err(err, err_len, "PortAudio: '%s' takes neither 16-bit mono nor stereo at %.0f or %.0f Hz", info->name,
                  rates[0], rates[1]);
    return false;
}

/* Opens one side if it can: its device, or paNoDevice with the side NULL and the reason in `why`. */
static PaDeviceIndex open_side(pa_dev *p, bool input, char *why, size_t why_len)
{
    PaDeviceIndex dev = pa_find_device(input ? p->cfg.input_name : p->cfg.output_name, input, why, why_len);
    if (dev == paNoDevice || !open_stream(p, dev, input, input ? p->cfg.input_rate : 0, why, why_len)) {
        *(input ? &p->in : &p->out) = NULL;
        return paNoDevice;
    }
    why[0] = '\0';
    return dev;
}

/* "'name' 48000 Hz x1", or "none" for a side that is not open. */
static void describe_side(const pa_dev *p, PaDeviceIndex dev, bool input, char *out, size_t len)
{
    if (dev == paNoDevice)
        snprintf(out, len, "none");
    else
        snprintf(out, len, "'%s' %d Hz x%d", Pa_GetDeviceInfo(dev)->name, input ? p->in_rate : p->out_rate,
                 input ? p->in_channels : p->out_channels);
}

/* What is missing and why (`why_in`, `why_out`: why `in` or `out` is NULL), "" when both are open. */
static void describe_missing(const pa_dev *p, const char *why_in, const char *why_out, char *out, size_t len)
{
    if (!p->in && !p->out && strcmp(why_in, why_out) == 0)
        snprintf(out, len, "no microphone or speaker (%.400s)", why_in);
    else if (!p->in && !p->out)
        snprintf(out, len, "no microphone (%.200s), no speaker (%.200s)", why_in, why_out);
    else if (!p->in || !p->out)
        snprintf(out, len, "no %s (%.200s)", p->in ? "speaker" : "microphone", p->in ? why_out : why_in);
    else
        out[0] = '\0';
}

/* Starts PortAudio (it lists devices only when it starts) and opens the microphone and the speaker,
 * each if it can; p->missing says what is not open. *changed: p->missing is not what it was, and then
 * what the sound libraries said while looking is logged, in short, with it. False when out of memory. */
static bool start_and_open(pa_dev *p, bool *changed)
{
    pa_libs_probe_begin();
    PaError e = Pa_Initialize();
    p->initialised = e == paNoError;
    p->broken = false;
    PaDeviceIndex in = paNoDevice, out = paNoDevice;
    char why_in[PA_NAME], why_out[PA_NAME];
    if (p->initialised) {
        in = open_side(p, true, why_in, sizeof why_in);
        out = open_side(p, false, why_out, sizeof why_out);
    } else {
        snprintf(why_in, sizeof why_in, "PortAudio: cannot initialise: %s", Pa_GetErrorText(e));
        snprintf(why_out, sizeof why_out, "%s", why_in);
    }
    char said[PA_NAME], before[sizeof p->missing];
    int n = pa_libs_probe_end(said, sizeof said);
    snprintf(before, sizeof before, "%s", p->missing);
    describe_missing(p, why_in, why_out, p->missing, sizeof p->missing);
    *changed = strcmp(before, p->missing) != 0;
    if (*changed && p->missing[0] && n > 0)
        audio_log("PortAudio: the sound libraries said %d things while looking for devices, the last: %s", n, said);
    pa_echo_destroy(p->echo); /* no stream runs: the time line starts afresh at the rates just opened */
    p->echo = pa_echo_create(p->in_rate > 0 ? p->in_rate : AUDIO_RATE, p->out_rate > 0 ? p->out_rate : AUDIO_RATE,
                             p->out_channels > 0 ? p->out_channels : 1);
    p->placed_logged = 0;
    if (!p->echo)
        return false;
    if (p->in) { /* sized for this device's rate; the stream is not started, so nothing writes to it */
        audio_ring_destroy(p->ring);
        p->ring = audio_ring_create((size_t)p->in_rate * 2); /* two seconds of slack for a late reader */
        if (!p->ring)
            return false;
    }
    if (p->in || p->out) {
        char in_desc[PA_NAME + 32], out_desc[PA_NAME + 32];
        describe_side(p, in, true, in_desc, sizeof in_desc);
        describe_side(p, out, false, out_desc, sizeof out_desc);
        audio_log("PortAudio: input %s, output %s", in_desc, out_desc);
    }
    return true;
}

audio_device *audio_open_portaudio(const audio_portaudio_config *cfg, char *err, size_t err_len)
{
    static const audio_portaudio_config defaults = {0};
    if (!cfg)
        cfg = &defaults;
    audio_set_err(err, err_len, "%s", "");
    if (cfg->input_rate != 0 && (cfg->input_rate < 8000 || cfg->input_rate > 192000)) {
        audio_set_err(err, err_len, "PortAudio: capture rate %d Hz is not between 8000 and 192000", cfg->input_rate);
        return NULL;
    }
    audio_device *d = calloc(1, sizeof *d);
    pa_dev *p = calloc(1, sizeof *p);
    int e = 0;
    SRC_STATE *src = p ? src_new(SRC_SINC_FASTEST, 1, &e) : NULL;
    if (!d || !p || !src) {
        free(d);
        free(p);
        if (src)
            src_delete(src);
        audio_set_err(err, err_len, "PortAudio: out of memory");
        return NULL;
    }
    atomic_init(&p->overruns, 0);
    atomic_init(&p->play_pos, 0);
    p->src = src;
    snprintf(p->in_name, sizeof p->in_name, "%s", cfg->input_name ? cfg->input_name : "");
    snprintf(p->out_name, sizeof p->out_name, "%s", cfg->output_name ? cfg->output_name : "");
    p->cfg = (audio_portaudio_config){.input_name = cfg->input_name ? p->in_name : NULL,
                                      .output_name = cfg->output_name ? p->out_name : NULL,
                                      .input_rate = cfg->input_rate,
                                      .allow_missing = cfg->allow_missing};
    d->ops = &pa_ops;
    d->impl = p;
    bool changed, memory = start_and_open(p, &changed);
    audio_set_err(err, err_len, "%s", memory ? p->missing : "PortAudio: out of memory");
    if (!memory || (p->missing[0] && !cfg->allow_missing)) {
        pa_destroy(d);
        return NULL;
    }
    if (p->missing[0]) /* just looked: the next look when next needed, PA_RECONNECT_MS from now */
        p->reopened_ms = audio_now_ms();
    return d;
}

/* Starts PortAudio afresh and opens what it can, at most every PA_RECONNECT_MS: after a stream
 * stalled, or when a side is missing. */
static void reopen(pa_dev *p)
{
    double now = audio_now_ms();
    if (p->reopened_ms > 0 && now - p->reopened_ms < PA_RECONNECT_MS)
        return;
    p->reopened_ms = now;
    close_streams(p);
    if (p->initialised)
        Pa_Terminate();
    bool changed, memory = start_and_open(p, &changed);
    if (!memory)
        audio_log("PortAudio: out of memory reopening the sound card");
    else if (!p->missing[0])
        audio_log("PortAudio: sound card opened again");
    else if (changed)
        audio_log("PortAudio: still %s", p->missing);
    if (!memory) {
        close_streams(p);
        p->broken = true;
    }
}
