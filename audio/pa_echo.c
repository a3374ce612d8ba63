/*
 * pa_echo.c - the sound card's time line for the echo canceller: see pa_echo.h for why both streams
 * run on. The speaker's clips are handed to its callback through one atomic pointer; the last CLIPS
 * are kept, with where each began and ended in the output's frame count, so that a microphone sample
 * read a little later still finds what played when it was captured.
 */
#include "audio_internal.h"
#include "pa_echo.h"

#include <limits.h>
#include <math.h>
#include <stdatomic.h>
#include <stdlib.h>
#include <string.h>

enum {
    CLIPS = 4,
    /* The reference is read between its samples (a windowed sinc): the microphone's samples fall
     * anywhere between them, at a fraction that changes with each clip's start on the speaker's
     * clock. Taken to the nearest sample, a clip's echo was a whole sample later than the one before
     * it about as often as not, which the canceller, having learnt the room to a fraction of a sample,
     * let through for a second as a voice (tests/audio/test_portaudio_room.c, under load). */
    SINC_HALF = 16,            /* taps each side: flat within 0.1 dB to 6.5 kHz at 16 kHz */
    SINC_TAPS = 2 * SINC_HALF,
    SINC_PHASES = 256,         /* a 512th of a sample at most off: -50 dB of error at 4 kHz */
};
#define NOT_YET ULLONG_MAX

typedef struct {
    int16_t *device;   /* at the output rate, what the callback copies */
    size_t device_count;
    int16_t *reference; /* the same at AUDIO_RATE, what the canceller is given */
    size_t reference_count;
    unsigned seq;       /* 1, 2, ... in the order played; 0: an empty slot */
} clip;

/* Where a stream sits on the common clock: frame f at origin + f / rate, except before its last gap
 * (frames before gap_frame at before + f / rate). Written by its callback, read by the reader under a
 * sequence count (odd while written), so that the callback never waits. */
typedef struct {
    atomic_uint seq;
    _Atomic double origin, before;
    atomic_ullong gap_frame;
} placement;

typedef struct {
    double origin, before;
    unsigned long long gap_frame;
} placement_seen;

struct pa_echo {
    int in_rate, out_rate, out_channels;
    float sinc[SINC_PHASES + 1][SINC_TAPS]; /* [phase][tap]: tap j weighs sample floor(x) - SINC_HALF + 1 + j */

    /* the speaker: written by the kiosk's thread */
    clip clips[CLIPS]; /* clip seq is in slot seq % CLIPS */
    unsigned published, stopped; /* the last clip handed over; the last one stopped */
    _Atomic(clip *) pending;     /* handed over, not yet taken by the callback */
    atomic_bool stop;
    /* the speaker: the callback's own */
    clip *current;
    size_t position;
    /* the speaker: what the callback tells */
    atomic_uint playing_seq, done_seq; /* the clip it took last; the last it finished or cut */
    _Atomic double done_dac;           /* when done_seq's last frame sounds */
    atomic_ullong start_frame[CLIPS], end_frame[CLIPS]; /* in output frames, NOT_YET until known */
    atomic_ullong out_frames;
    atomic_bool out_placed;
    placement out_time; /* when each output frame sounds (placed before out_placed) */

    /* the microphone: the callback's own */
    unsigned long long captured;
    unsigned callback_epoch;
    /* the microphone: what the callback tells */
    atomic_bool in_placed;
    placement in_time; /* when each raw input frame was captured (placed before in_placed) */
    atomic_uint placed_again; /* times either stream was placed again after its device's gap */
    atomic_uint started_epoch;
    unsigned long long deliver_start; /* the raw frame the ring's content begins with (before started_epoch) */
    /* the microphone: the reader's */
    atomic_uint deliver_epoch; /* 0: frames are dropped */
    unsigned epoch;
    unsigned long long popped;
};

/* Blackman-windowed sinc for each fraction of a sample, its taps summing to one. */
static void make_sinc(float table[SINC_PHASES + 1][SINC_TAPS])
{
    const double pi = 3.14159265358979323846;
    for (int phase = 0; phase <= SINC_PHASES; phase++) {
        double frac = (double)phase / SINC_PHASES, w[SINC_TAPS], sum = 0.0;
        for (int j = 0; j < SINC_TAPS; j++) {
            double x = (double)(j - SINC_HALF + 1) - frac; /* from the point wanted to the tap's sample */
            double sinc = fabs(x) < 1e-9 ? 1.0 : sin(pi * x) / (pi * x);
            double window = 0.42 + 0.5 * cos(pi * x / SINC_HALF) + 0.08 * cos(2.0 * pi * x / SINC_HALF);
            w[j] = fabs(x) < SINC_HALF ? sinc * window : 0.0;
            sum += w[j];
        }
        for (int j = 0; j < SINC_TAPS; j++)
            table[phase][j] = (float)(w[j] / sum);
    }
}

pa_echo *pa_echo_create(int in_rate, int out_rate, int out_channels)
{
    pa_echo *e = calloc(1, sizeof *e);
    if (!e)
        return NULL;
    e->in_rate = in_rate;
    e->out_rate = out_rate;
    e->out_channels = out_channels;
    make_sinc(e->sinc);
    pa_echo_output_restart(e);
    pa_echo_input_restart(e);
    return e;
}

void pa_echo_destroy(pa_echo *e)
{
    if (!e)
        return;
    for (int i = 0; i < CLIPS; i++) {
        free(e->clips[i].device);
        free(e->clips[i].reference);
    }
    free(e);
}

/* ---- the speaker ---------------------------------------------------------------------------- */

void pa_echo_output_restart(pa_echo *e)
{
    e->current = NULL;
    e->position = 0;
    atomic_store(&e->pending, NULL);
    atomic_store(&e->stop, false);
    atomic_store(&e->playing_seq, 0);
    atomic_store(&e->done_seq, e->published);
    atomic_store(&e->done_dac, 0.0);
    for (int i = 0; i < CLIPS; i++) {
        atomic_store(&e->start_frame[i], NOT_YET);
        atomic_store(&e->end_frame[i], NOT_YET);
    }
    atomic_store(&e->out_frames, 0);
    atomic_store(&e->out_placed, false);
}

/* The callback is done with its clip at output frame `frame`, whose sound leaves at `dac`. */
static void finish_current(pa_echo *e, unsigned long long frame, double dac)
{
    unsigned seq = e->current->seq;
    atomic_store_explicit(&e->end_frame[seq % CLIPS], frame, memory_order_release);
    atomic_store_explicit(&e->done_dac, dac, memory_order_relaxed);
    atomic_store_explicit(&e->done_seq, seq, memory_order_release);
    e->current = NULL;
}

static void place(placement *p, double origin, double before, unsigned long long gap_frame)
{
    unsigned seq = atomic_load_explicit(&p->seq, memory_order_relaxed);
    atomic_store_explicit(&p->seq, seq + 1, memory_order_relaxed);
    atomic_thread_fence(memory_order_release);
    atomic_store_explicit(&p->origin, origin, memory_order_relaxed);
    atomic_store_explicit(&p->before, before, memory_order_relaxed);
    atomic_store_explicit(&p->gap_frame, gap_frame, memory_order_relaxed);
    atomic_store_explicit(&p->seq, seq + 2, memory_order_release);
}

static placement_seen placement_read(const placement *p)
{
    for (;;) {
        unsigned seq = atomic_load_explicit(&p->seq, memory_order_acquire);
        placement_seen seen = {atomic_load_explicit(&p->origin, memory_order_relaxed),
                               atomic_load_explicit(&p->before, memory_order_relaxed),
                               atomic_load_explicit(&p->gap_frame, memory_order_relaxed)};
        atomic_thread_fence(memory_order_acquire);
        if (!(seq & 1) && atomic_load_explicit(&p->seq, memory_order_relaxed) == seq)
            return seen;
    }
}

/* The time of frame `frame` of a stream (for the output, when it sounds; for the input, when it was
 * captured). */
static double frame_time(const placement_seen *p, double frame, int rate)
{
    return (frame < (double)p->gap_frame ? p->before : p->origin) + frame / rate;
}

/* The output frame sounding at time t: -1 in the silence the card played of its own in its last gap. */
static double frame_sounding(const placement_seen *p, double t, int rate)
{
    double frame = (t - p->before) * rate;
    if (frame < (double)p->gap_frame)
        return frame;
    frame = (t - p->origin) * rate;
    return frame >= (double)p->gap_frame - 0.5 ? frame : -1.0; /* within half a frame of the gap's end: its frame */
}

/* After a gap in the device: when the callback's time for frame `frames` is further from the count
 * than its jitter, the frames from there on are placed from that time; those before stay where they
 * were. Only the callback's own thread writes. */
static void place_again(pa_echo *e, placement *p, double time, unsigned long long frames, int rate)
{
    double origin = atomic_load_explicit(&p->origin, memory_order_relaxed);
    double gap = time - (origin + (double)frames / rate);
    if (fabs(gap) * 1000.0 < PA_ECHO_JITTER_MS)
        return;
    place(p, time - (double)frames / rate, origin, frames);
    atomic_fetch_add_explicit(&e->placed_again, 1, memory_order_relaxed);
}

void pa_echo_output(pa_echo *e, int16_t *out, unsigned long frames, double dac_time, bool ran_dry)
{
    unsigned long long at = atomic_load_explicit(&e->out_frames, memory_order_relaxed);
    if (!atomic_load_explicit(&e->out_placed, memory_order_relaxed)) {
        place(&e->out_time, dac_time, dac_time, 0);
        atomic_store_explicit(&e->out_placed, true, memory_order_release);
    } else if (ran_dry) {
        place_again(e, &e->out_time, dac_time, at, e->out_rate);
    }
    if (atomic_exchange_explicit(&e->stop, false, memory_order_acq_rel) && e->current)
        finish_current(e, at, dac_time);
    clip *next = atomic_exchange_explicit(&e->pending, NULL, memory_order_acq_rel);
    if (next) {
        if (e->current)
            finish_current(e, at, dac_time);
        e->current = next;
        e->position = 0;
        atomic_store_explicit(&e->start_frame[next->seq % CLIPS], at, memory_order_release);
        atomic_store_explicit(&e->playing_seq, next->seq, memory_order_release);
    }
    size_t n = 0;
    if (e->current) {
        size_t left = e->current->device_count - e->position;
        n = left < frames ? left : frames;
    }
    size_t channels = (size_t)e->out_channels;
    for (size_t i = 0; i < frames; i++)
        for (size_t c = 0; c < channels; c++)
            out[i * channels + c] = i < n ? e->current->device[e->position + i] : 0;
    if (e->current) {
        e->position += n;
        if (e->position >= e->current->device_count)
            finish_current(e, at + n, dac_time + (double)n / e->out_rate);
    }
    atomic_store_explicit(&e->out_frames, at + frames, memory_order_release);
}

bool pa_echo_play(pa_echo *e, int16_t *device, size_t device_count, int16_t *reference, size_t reference_count)
{
    unsigned seq = e->published + 1;
    clip *slot = &e->clips[seq % CLIPS];
    /* the callback still plays the clip CLIPS back: it has not run since (a stalled stream) */
    if (slot->seq != 0 && atomic_load_explicit(&e->playing_seq, memory_order_acquire) == slot->seq &&
        atomic_load_explicit(&e->done_seq, memory_order_acquire) != slot->seq)
        return false;
    free(slot->device);
    free(slot->reference);
    *slot = (clip){.device = device,
                   .device_count = device_count,
                   .reference = reference,
                   .reference_count = reference_count,
                   .seq = seq};
    atomic_store_explicit(&e->start_frame[seq % CLIPS], NOT_YET, memory_order_relaxed);
    atomic_store_explicit(&e->end_frame[seq % CLIPS], NOT_YET, memory_order_relaxed);
    e->published = seq;
    /* a clip handed over and not yet taken is replaced: it never sounds */
    atomic_exchange_explicit(&e->pending, slot, memory_order_acq_rel);
    return true;
}

void pa_echo_stop(pa_echo *e)
{
    atomic_store_explicit(&e->pending, NULL, memory_order_release);
    atomic_store_explicit(&e->stop, true, memory_order_release);
    e->stopped = e->published;
}

bool pa_echo_playing(const pa_echo *e, double now)
{
    if (e->published == 0 || e->stopped == e->published)
        return false;
    if (atomic_load_explicit(&e->pending, memory_order_acquire))
        return true;
    if (atomic_load_explicit(&e->done_seq, memory_order_acquire) != e->published)
        return true;
    return now < atomic_load_explicit(&e->done_dac, memory_order_relaxed);
}

unsigned long long pa_echo_output_frames(const pa_echo *e)
{
    return atomic_load_explicit(&e->out_frames, memory_order_acquire);
}

/* ---- the microphone ------------------------------------------------------------------------- */

void pa_echo_input_restart(pa_echo *e)
{
    e->captured = 0;
    e->callback_epoch = 0;
    atomic_store(&e->in_placed, false);
    atomic_store(&e->started_epoch, 0);
    atomic_store(&e->deliver_epoch, 0);
}

bool pa_echo_input(pa_echo *e, unsigned long frames, double adc_time, bool overflowed)
{
    if (!atomic_load_explicit(&e->in_placed, memory_order_relaxed)) {
        double origin = adc_time - (double)e->captured / e->in_rate;
        place(&e->in_time, origin, origin, 0);
        atomic_store_explicit(&e->in_placed, true, memory_order_release);
    } else if (overflowed) {
        place_again(e, &e->in_time, adc_time, e->captured, e->in_rate);
    }
    unsigned epoch = atomic_load_explicit(&e->deliver_epoch, memory_order_acquire);
    if (epoch != 0 && epoch != e->callback_epoch) {
        e->callback_epoch = epoch;
        e->deliver_start = e->captured;
        atomic_store_explicit(&e->started_epoch, epoch, memory_order_release);
    }
    e->captured += frames;
    return epoch != 0;
}

void pa_echo_deliver_start(pa_echo *e)
{
    e->epoch = e->epoch == UINT_MAX ? 1 : e->epoch + 1;
    e->popped = 0;
    atomic_store_explicit(&e->deliver_epoch, e->epoch, memory_order_release);
}

void pa_echo_deliver_stop(pa_echo *e)
{
    atomic_store_explicit(&e->deliver_epoch, 0, memory_order_release);
}

void pa_echo_popped(pa_echo *e, size_t frames)
{
    e->popped += frames;
}

/* The reference's sound at position x (in its samples), between them. */
static int16_t reference_between(const pa_echo *e, const int16_t *ref, size_t count, double x)
{
    double whole = floor(x);
    long phase = lround((x - whole) * SINC_PHASES); /* SINC_PHASES: the next sample's own value */
    long first = (long)whole - SINC_HALF + 1;
    const float *w = e->sinc[phase];
    double sum = 0.0;
    for (int j = 0; j < SINC_TAPS; j++) {
        long k = first + j;
        if (k >= 0 && (size_t)k < count)
            sum += w[j] * ref[k];
    }
    return (int16_t)lrint(sum > 32767.0 ? 32767.0 : sum < -32768.0 ? -32768.0 : sum);
}

/* What the speaker sounded at output frame `frame` (0 when nothing played there). */
static int16_t played_at(const pa_echo *e, double frame)
{
    if (frame < 0.0)
        return 0;
    for (unsigned back = 0; back < CLIPS && back < e->published; back++) {
        const clip *c = &e->clips[(e->published - back) % CLIPS];
        unsigned long long start = atomic_load_explicit(&e->start_frame[c->seq % CLIPS], memory_order_acquire);
        if (start == NOT_YET || frame < (double)start)
            continue;
        unsigned long long end = atomic_load_explicit(&e->end_frame[c->seq % CLIPS], memory_order_acquire);
        if (end == NOT_YET || end > start + c->device_count)
            end = start + c->device_count;
        if (frame >= (double)end)
            return 0; /* after the newest clip that began before it: silence */
        double scale = (double)AUDIO_RATE / e->out_rate;
        size_t sounded = (size_t)ceil((double)(end - start) * scale); /* a clip cut short: what played of it */
        return reference_between(e, c->reference, sounded < c->reference_count ? sounded : c->reference_count,
                                 (frame - (double)start) * scale);
    }
    return 0;
}

void pa_echo_reference(const pa_echo *e, int16_t *played, size_t n, size_t unconverted, double early_ms)
{
    memset(played, 0, n * sizeof *played);
    if (e->epoch == 0 || atomic_load_explicit(&e->started_epoch, memory_order_acquire) != e->epoch ||
        !atomic_load_explicit(&e->in_placed, memory_order_acquire) ||
        !atomic_load_explicit(&e->out_placed, memory_order_acquire))
        return;
    double last = (double)e->deliver_start + (double)e->popped - (double)unconverted;
    double first = last - (double)n * e->in_rate / AUDIO_RATE;
    placement_seen in = placement_read(&e->in_time), out = placement_read(&e->out_time);
    double step = (double)e->in_rate / AUDIO_RATE;
    for (size_t k = 0; k < n; k++) {
        double t = frame_time(&in, first + (double)k * step, e->in_rate) + early_ms / 1000.0;
        played[k] = played_at(e, frame_sounding(&out, t, e->out_rate));
    }
}

unsigned pa_echo_placed_again(const pa_echo *e)
{
    return atomic_load_explicit(&e->placed_again, memory_order_relaxed);
}
