/*
 * score_json.c - scores to one JSON line, with every number as the shortest decimal that reads
 * back as the same double.
 *
 * printf("%.17g") plus round-trip checks costs microseconds per number, twenty times the budget
 * of a million questionnaires a second. Instead:
 *  - scores take few distinct values (a few hundred for the scales, a few thousand for the
 *    summary), so they come from a cache keyed by the exact bit pattern (a hit is exact by
 *    construction);
 *  - a miss goes through an exact
 *    integer search: a decimal with j digits after the point reads back as x exactly when it lies
 *    in x's rounding interval, which for 2^-13 <= x < 2^20 is a question about 128-bit integers.
 *    The smallest such j gives the fewest significant digits; among the candidates of that length
 *    the one nearest x (ties to even) is the one Python's repr and JavaScript print.
 *  - anything outside that range (never a score) uses the printf + strtod loop.
 */
#include <inttypes.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "score.h"

__extension__ typedef unsigned __int128 score_u128;

enum {
    SCORE_FAST_MIN_EXP = 1023 - 13, /* biased exponents of the fast range, 2^-13 <= x < 2^20 */
    SCORE_FAST_MAX_EXP = 1023 + 19,
    SCORE_FAST_MAX_J = 20,          /* 17 significant digits of a number >= 1e-4 */
    SCORE_DIGITS_MAX = 20,
};

static const score_u128 score_pow10[SCORE_FAST_MAX_J + 1] = {
    UINT64_C(1), UINT64_C(10), UINT64_C(100),
    UINT64_C(1000), UINT64_C(10000), UINT64_C(100000),
    UINT64_C(1000000), UINT64_C(10000000), UINT64_C(100000000),
    UINT64_C(1000000000), UINT64_C(10000000000), UINT64_C(100000000000),
    UINT64_C(1000000000000), UINT64_C(10000000000000), UINT64_C(100000000000000),
    UINT64_C(1000000000000000), UINT64_C(10000000000000000), UINT64_C(100000000000000000),
    UINT64_C(1000000000000000000), UINT64_C(10000000000000000000),
    (score_u128)UINT64_C(10000000000000000000) * 10,
};

/* x's rounding interval in units of 2^-shift: every real in [lo, hi] (or (lo, hi) when not
 * inclusive) rounds to x under round-half-even; mid is x itself. In the fast range no decimal of
 * 20 places lands exactly on a bound, nor between the bounds of a power of two's uneven interval,
 * so the inclusive flag and the closer lower bound never change a result there; they stay so
 * that the search is right by construction rather than by that arithmetic. */
typedef struct {
    score_u128 lo, mid, hi;
    int shift;
    bool inclusive;
} score_interval;

/* The integers D with D * 10^-j inside the interval: [*dmin, *dmax]; false when there is none. */
static bool score_candidates(const score_interval *iv, int j, score_u128 *dmin, score_u128 *dmax)
{
    score_u128 mask = ((score_u128)1 << iv->shift) - 1;
    score_u128 l = iv->lo * score_pow10[j];
    score_u128 h = iv->hi * score_pow10[j];
    *dmin = (l >> iv->shift) + (((l & mask) != 0 || !iv->inclusive) ? 1 : 0);
    *dmax = h >> iv->shift;
    if ((h & mask) == 0 && !iv->inclusive) {
        if (*dmax == 0)
            return false;
        (*dmax)--;
    }
    return *dmin <= *dmax;
}

static score_u128 score_nearest(const score_interval *iv, int j)
{
    score_u128 v = iv->mid * score_pow10[j];
    score_u128 q = v >> iv->shift;
    score_u128 rem = v & (((score_u128)1 << iv->shift) - 1);
    score_u128 half = (score_u128)1 << (iv->shift - 1);
    if (rem > half || (rem == half && (q & 1) != 0))
        q++;
    return q;
}

/* Shortest digits of a positive double in the fast range: returns the digit count written to
 * `digits` (no trailing zeros) and the decimal exponent of the first digit, or 0 on failure. */
static int score_shortest_fast(uint64_t bits, char digits[SCORE_DIGITS_MAX], int *exp10)
{
    score_interval iv;
    int biased = (int)(bits >> 52);
    uint64_t frac = bits & ((UINT64_C(1) << 52) - 1);
    uint64_t m = frac | (UINT64_C(1) << 52);
    iv.shift = 1075 - biased + 2;
    iv.mid = (score_u128)m * 4;
    iv.hi = iv.mid + 2;
    iv.lo = iv.mid - (frac == 0 ? 1 : 2); /* below a power of two the neighbour is closer */
    iv.inclusive = (m & 1) == 0;

    score_u128 dmin, dmax;
    if (!score_candidates(&iv, SCORE_FAST_MAX_J, &dmin, &dmax))
        return 0;
    int lo = 0, hi = SCORE_FAST_MAX_J; /* having a candidate is monotone in j: D -> 10 D */
    while (lo < hi) {
        int j = lo + (hi - lo) / 2;
        if (score_candidates(&iv, j, &dmin, &dmax))
            hi = j;
        else
            lo = j + 1;
    }
    score_candidates(&iv, lo, &dmin, &dmax);
    score_u128 d = score_nearest(&iv, lo);
    d = d < dmin ? dmin : d > dmax ? dmax : d;

    char tmp[40];
    int n = 0;
    for (; d != 0 && n < (int)sizeof tmp; d /= 10)
        tmp[n++] = (char)('0' + (int)(d % 10));
    if (d != 0 || n == 0 || n > SCORE_DIGITS_MAX)
        return 0;
    int skip = 0; /* only j == 0 can leave trailing zeros (100); smaller j would have matched */
    while (skip < n - 1 && tmp[skip] == '0')
        skip++;
    for (int i = 0; i < n - skip; i++)
        digits[i] = tmp[n - 1 - i];
    *exp10 = n - 1 - lo;
    return n - skip;
}

/* p significant digits of x: printf's nearest, or, just above a power of two where the interval
 * below x is half as wide and that nearest can miss it, the next p-digit decimal up. Writes the
 * digits as an integer and returns the exponent of its last digit; false when neither reads back. */
static bool score_digits_p(double x, int p, bool power_of_two, uint64_t *d, int *exp_last)
{
    char buf[48];
    snprintf(buf, sizeof buf, "%.*e", p - 1, x);
    const char *e = strchr(buf, 'e');
    *exp_last = atoi(e + 1) - (p - 1);
    *d = 0;
    for (const char *c = buf; c < e; c++) {
        if (*c >= '0' && *c <= '9')
            *d = *d * 10 + (uint64_t)(*c - '0');
    }
    if (strtod(buf, NULL) == x)
        return true;
    if (!power_of_two)
        return false;
    snprintf(buf, sizeof buf, "%" PRIu64 "e%d", *d + 1, *exp_last);
    *d += 1;
    return strtod(buf, NULL) == x;
}

/* Outside the fast range: the fewest digits p for which score_digits_p reads back. */
static int score_shortest_slow(double x, bool power_of_two, char digits[SCORE_DIGITS_MAX], int *exp10)
{
    uint64_t d = 0;
    int exp_last = 0;
    for (int p = 1; p <= 17; p++) {
        if (score_digits_p(x, p, power_of_two, &d, &exp_last))
            break;
    }
    char tmp[SCORE_DIGITS_MAX + 1];
    int n = snprintf(tmp, sizeof tmp, "%" PRIu64, d);
    *exp10 = exp_last + n - 1;
    while (n > 1 && tmp[n - 1] == '0')
        n--;
    memcpy(digits, tmp, (size_t)n);
    return n;
}

/* Python repr's layout: plain notation for 1e-4 <= |x| < 1e16, else d.ddde+XX. */
static size_t score_write_decimal(const char *digits, int n, int exp10, char *out)
{
    size_t o = 0;
    if (exp10 < -4 || exp10 >= 16) {
        out[o++] = digits[0];
        if (n > 1) {
            out[o++] = '.';
            memcpy(out + o, digits + 1, (size_t)n - 1);
            o += (size_t)n - 1;
        }
        int w = snprintf(out + o, 8, "e%c%02d", exp10 < 0 ? '-' : '+', exp10 < 0 ? -exp10 : exp10);
        return o + (size_t)w;
    }
    if (exp10 < 0) {
        out[o++] = '0';
        out[o++] = '.';
        for (int i = -1; i > exp10; i--)
            out[o++] = '0';
        memcpy(out + o, digits, (size_t)n);
        return o + (size_t)n;
    }
    for (int i = 0; i <= exp10; i++)
        out[o++] = i < n ? digits[i] : '0';
    if (n > exp10 + 1) {
        out[o++] = '.';
        memcpy(out + o, digits + exp10 + 1, (size_t)(n - exp10 - 1));
        o += (size_t)(n - exp10 - 1);
    }
    return o;
}

size_t score_format_double(double x, char out[SCORE_NUMBER_MAX])
{
    uint64_t bits;
    memcpy(&bits, &x, sizeof bits);
    size_t o = 0;
    int biased = (int)((bits >> 52) & 0x7ff);
    if (biased == 0x7ff) {
        memcpy(out, "null", 5);
        return 4;
    }
    if (bits >> 63) {
        out[o++] = '-';
        bits &= ~(UINT64_C(1) << 63);
        x = -x;
    }
    if (bits == 0) {
        memcpy(out + o, "0", 2);
        return o + 1;
    }
    char digits[SCORE_DIGITS_MAX];
    int exp10 = 0;
    int n = 0;
    if (biased >= SCORE_FAST_MIN_EXP && biased <= SCORE_FAST_MAX_EXP)
        n = score_shortest_fast(bits, digits, &exp10);
    if (n == 0)
        n = score_shortest_slow(x, (bits & ((UINT64_C(1) << 52) - 1)) == 0 && biased > 1, digits, &exp10);
    o += score_write_decimal(digits, n, exp10, out + o);
    out[o] = '\0';
    return o;
}

static size_t score_cached(double x, score_cache_entry *slots, int slot_bits, char *out)
{
    uint64_t bits;
    memcpy(&bits, &x, sizeof bits);
    score_cache_entry *e = &slots[(bits * UINT64_C(0x9E3779B97F4A7C15)) >> (64 - slot_bits)];
    if (e->len != 0 && e->bits == bits) {
        memcpy(out, e->text, sizeof e->text); /* fixed size: the caller's buffer has the slack */
        return e->len;
    }
    char tmp[SCORE_NUMBER_MAX];
    size_t n = score_format_double(x, tmp);
    memcpy(out, tmp, n);
    if (n <= sizeof e->text) {
        e->bits = bits;
        e->len = (uint8_t)n;
        memcpy(e->text, tmp, n);
    }
    return n;
}

/* The separator and key before each score: {"QL2": then ,"PF2": ... */
static const char score_keys[QLQ_SCORE_COUNT][8] = { /* 8: room for a fixed-size copy */
    "{\"QL2\":", ",\"PF2\":", ",\"RF2\":", ",\"EF\":", ",\"CF\":", ",\"SF\":", ",\"FA\":", ",\"NV\":",
    ",\"PA\":", ",\"DY\":", ",\"SL\":", ",\"AP\":", ",\"CO\":", ",\"DI\":", ",\"FI\":", ",\"SUM\":",
};

static const uint8_t score_key_len[QLQ_SCORE_COUNT] = {7, 7, 7, 6, 6, 6, 6, 6, 6, 6, 6, 6, 6, 6, 6, 7};

size_t score_format_json(const qlq_scores *scores, score_cache *cache, char *out)
{
    size_t o = 0;
    for (int id = 0; id < QLQ_SCORE_COUNT; id++) {
        memcpy(out + o, score_keys[id], 8); /* fixed size again; only the key's length is kept */
        o += score_key_len[id];
        if (!scores->present[id]) {
            memcpy(out + o, "null", 4);
            o += 4;
        } else if (id < QLQ_SCORE_SCALES) {
            o += score_cached(scores->value[id], cache->slots, SCORE_CACHE_BITS, out + o);
        } else {
            o += score_cached(scores->value[id], cache->sum_slots, SCORE_SUM_CACHE_BITS, out + o);
        }
    }
    out[o++] = '}';
    return o;
}
