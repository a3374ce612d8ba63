/*
 * test_ring.c - the SPSC ring: capacity rounding, full, empty, wrap-around, and a producer/consumer
 * pair on two threads checking that every sample arrives once and in order.
 */
#include "qlq_audio.h"

#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <cmocka.h>
#include <pthread.h>
#include <sched.h>
#include <stdint.h>
#include <string.h>

static void test_capacity_rounding(void **state)
{
    (void)state;
    const size_t asked[] = {0, 1, 2, 3, 5, 1000, 1024, 1025};
    const size_t want[] = {1, 1, 2, 4, 8, 1024, 1024, 2048};
    int16_t big[2048 + 10] = {0};
    for (size_t i = 0; i < sizeof asked / sizeof asked[0]; i++) {
        audio_ring *r = audio_ring_create(asked[i]);
        assert_non_null(r);
        assert_int_equal(audio_ring_push(r, big, sizeof big / sizeof big[0]), want[i]);
        assert_int_equal(audio_ring_available(r), want[i]);
        audio_ring_destroy(r);
    }
    assert_null(audio_ring_create(SIZE_MAX));
    audio_ring_destroy(NULL);
}

static void test_empty_and_full(void **state)
{
    (void)state;
    audio_ring *r = audio_ring_create(8);
    int16_t in[8] = {1, 2, 3, 4, 5, 6, 7, 8}, out[8] = {0};
    assert_int_equal(audio_ring_pop(r, out, 8), 0);
    assert_int_equal(audio_ring_available(r), 0);
    assert_int_equal(audio_ring_push(r, in, 5), 5);
    assert_int_equal(audio_ring_push(r, in, 5), 3); /* only 3 slots left */
    assert_int_equal(audio_ring_push(r, in, 1), 0);
    assert_int_equal(audio_ring_available(r), 8);
    assert_int_equal(audio_ring_pop(r, out, 8), 8);
    const int16_t want[8] = {1, 2, 3, 4, 5, 1, 2, 3};
    assert_memory_equal(out, want, sizeof want);
    assert_int_equal(audio_ring_pop(r, out, 8), 0);
    assert_int_equal(audio_ring_push(r, in, 0), 0);
    audio_ring_destroy(r);
}

/* Many odd-sized pushes and pops move the indices around the buffer edge in every alignment. */
static void test_wrap_around(void **state)
{
    (void)state;
    audio_ring *r = audio_ring_create(16);
    int16_t next_in = 0, next_out = 0, buf[16];
    for (int round = 0; round < 1000; round++) {
        size_t n = (size_t)(round * 7 % 13) + 1;
        for (size_t i = 0; i < n; i++)
            buf[i] = (int16_t)(next_in + (int16_t)i);
        size_t pushed = audio_ring_push(r, buf, n);
        next_in = (int16_t)(next_in + (int16_t)pushed);
        size_t m = (size_t)(round * 5 % 11) + 1;
        size_t popped = audio_ring_pop(r, buf, m);
        for (size_t i = 0; i < popped; i++)
            assert_int_equal(buf[i], (int16_t)(next_out + (int16_t)i));
        next_out = (int16_t)(next_out + (int16_t)popped);
        assert_int_equal(audio_ring_available(r), (size_t)(uint16_t)(next_in - next_out));
    }
    audio_ring_destroy(r);
}

enum { STRESS_TOTAL = 4000000 };

typedef struct {
    audio_ring *r;
} stress_arg;

static void *producer(void *p)
{
    stress_arg *a = p;
    int16_t buf[97];
    uint32_t sent = 0, seed = 1;
    while (sent < STRESS_TOTAL) {
        seed = seed * 1103515245u + 12345u;
        size_t n = 1 + (seed >> 16) % 97;
        if (n > STRESS_TOTAL - sent)
            n = STRESS_TOTAL - sent;
        for (size_t i = 0; i < n; i++)
            buf[i] = (int16_t)(uint16_t)(sent + i);
        size_t done = 0;
        while (done < n) {
            size_t k = audio_ring_push(a->r, buf + done, n - done);
            done += k;
            if (k == 0)
                sched_yield();
        }
        sent += (uint32_t)n;
    }
    return NULL;
}

/* A sequence number per sample: any loss, duplicate, reorder or torn copy breaks the count. */
static void test_two_threads(void **state)
{
    (void)state;
    stress_arg a = {.r = audio_ring_create(256)};
    pthread_t t;
    assert_int_equal(pthread_create(&t, NULL, producer, &a), 0);
    uint32_t got = 0, seed = 7;
    int16_t buf[131];
    while (got < STRESS_TOTAL) {
        seed = seed * 1103515245u + 12345u;
        size_t n = audio_ring_pop(a.r, buf, 1 + (seed >> 16) % 131);
        if (n == 0)
            sched_yield();
        for (size_t i = 0; i < n; i++)
            if (buf[i] != (int16_t)(uint16_t)(got + i))
                fail_msg("sample %u is %d", (unsigned)(got + i), buf[i]);
        got += (uint32_t)n;
    }
    pthread_join(t, NULL);
    assert_int_equal(audio_ring_available(a.r), 0);
    audio_ring_destroy(a.r);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_capacity_rounding),
        cmocka_unit_test(test_empty_and_full),
        cmocka_unit_test(test_wrap_around),
        cmocka_unit_test(test_two_threads),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
