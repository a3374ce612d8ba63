/*
 * audio_ring.c - single-producer / single-consumer ring of int16 samples for the audio callback.
 * Indices run freely (unsigned wrap-around is defined) and are masked on access, so all `capacity`
 * slots are usable and full/empty need no extra flag. The producer publishes with a release store of
 * `head` after copying; the consumer's acquire load of `head` then sees the samples (and symmetrically
 * for `tail`), so no lock and no allocation happen on either side.
 */
#include "audio_internal.h"

#include <stdalign.h>
#include <stdatomic.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

enum { RING_LINE = 64 };

struct audio_ring {
    alignas(RING_LINE) atomic_size_t head; /* written by the producer only */
    alignas(RING_LINE) atomic_size_t tail; /* written by the consumer only */
    alignas(RING_LINE) size_t mask;
    int16_t *buf;
};

audio_ring *audio_ring_create(size_t capacity)
{
    size_t cap = 1;
    while (cap < capacity) {
        if (cap > SIZE_MAX / 2 / sizeof(int16_t))
            return NULL;
        cap <<= 1;
    }
    audio_ring *r = aligned_alloc(RING_LINE, sizeof *r);
    if (!r)
        return NULL;
    r->buf = malloc(cap * sizeof *r->buf);
    if (!r->buf) {
        free(r);
        return NULL;
    }
    atomic_init(&r->head, 0);
    atomic_init(&r->tail, 0);
    r->mask = cap - 1;
    return r;
}

void audio_ring_destroy(audio_ring *r)
{
    if (!r)
        return;
    free(r->buf);
    free(r);
}

/* Copies n samples into the ring at index `at`, in two parts when it wraps. */
static void copy_in(audio_ring *r, size_t at, const int16_t *s, size_t n)
{
    size_t i = at & r->mask, first = r->mask + 1 - i;
    if (first > n)
        first = n;
    memcpy(r->buf + i, s, first * sizeof *s);
    memcpy(r->buf, s + first, (n - first) * sizeof *s);
}

static void copy_out(const audio_ring *r, size_t at, int16_t *s, size_t n)
{
    size_t i = at & r->mask, first = r->mask + 1 - i;
    if (first > n)
        first = n;
    memcpy(s, r->buf + i, first * sizeof *s);
    memcpy(s + first, r->buf, (n - first) * sizeof *s);
}

size_t audio_ring_push(audio_ring *r, const int16_t *samples, size_t n)
{
    size_t head = atomic_load_explicit(&r->head, memory_order_relaxed);
    size_t tail = atomic_load_explicit(&r->tail, memory_order_acquire);
    size_t space = r->mask + 1 - (head - tail);
    if (n > space)
        n = space;
    if (n == 0)
        return 0;
    copy_in(r, head, samples, n);
    atomic_store_explicit(&r->head, head + n, memory_order_release);
    return n;
}

size_t audio_ring_pop(audio_ring *r, int16_t *samples, size_t n)
{
    size_t tail = atomic_load_explicit(&r->tail, memory_order_relaxed);
    size_t head = atomic_load_explicit(&r->head, memory_order_acquire);
    size_t avail = head - tail;
    if (n > avail)
        n = avail;
    if (n == 0)
        return 0;
    copy_out(r, tail, samples, n);
    atomic_store_explicit(&r->tail, tail + n, memory_order_release);
    return n;
}

size_t audio_ring_available(const audio_ring *r)
{
    /* atomic_load takes a non-const pointer; the ring itself is never const (it comes from malloc). */
    audio_ring *w = (audio_ring *)r;
    size_t tail = atomic_load_explicit(&w->tail, memory_order_acquire);
    size_t head = atomic_load_explicit(&w->head, memory_order_acquire);
    /* Read while both sides run, head may have moved past a tail that has moved since: clamp. */
    return head - tail > r->mask + 1 ? r->mask + 1 : head - tail;
}
