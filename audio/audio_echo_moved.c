/*
 * audio_echo_moved.c - is what the canceller let through the speaker's own sound, by another path?
 *
 * A sound server short of processor time (PulseAudio, PipeWire) can move its streams against each
 * other without telling: the echo then comes a few samples, or a hundred, later or earlier than the
 * room the canceller has learnt, and what it lets through is loud, a voice for the talk detector,
 * until it has learnt the room again (one to two seconds). The kiosk then stopped its own reading for
 * nobody (measured: audio_portaudio_room under load; tests/audio/test_echo.c moves a room's echo).
 *
 * What is let through then is still the speaker's sound, only filtered: the room's new path less the
 * old one. A patient's voice is not. So the last 200 ms let through are fitted, by least squares, with
 * the speaker's sound over two short stretches of the 200 ms tail: where it correlates most with what
 * was let through (the new path and the old one). When that explains most of it, it is the kiosk's.
 * A voice, even over a loud echo, is explained only by chance (a few taps against 3,200 samples).
 */
#include "audio_internal.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>

enum {
    WINDOW = ECHO_FIT_WINDOW, /* a multiple of 8 */
    SPAN = ECHO_FIT_SPAN,
    HALF = ECHO_FIT_HALF,
    PEAKS = ECHO_FIT_PEAKS,
    MAX_TAPS = ECHO_FIT_MAX_TAPS,
};

static void correlate(const float *out, const float *played, float *corr)
{
    /* played[k] is the speaker WINDOW + SPAN - k samples before the window's end; out[n] sounded at
     * played[n + SPAN]; lag l pairs out[n] with played[n + SPAN - l] */
    double energy = 0.0;
    for (int n = 0; n < WINDOW; n++)
        energy += (double)played[n + SPAN] * played[n + SPAN];
    for (int lag = 0; lag < SPAN; lag++) {
        const float *x = played + SPAN - lag;
        float part[8] = {0}; /* eight running sums, which the compiler may add side by side */
        for (int n = 0; n < WINDOW; n += 8)
            for (int k = 0; k < 8; k++)
                part[k] += out[n + k] * x[n + k];
        double sum = 0.0;
        for (int k = 0; k < 8; k++)
            sum += part[k];
        corr[lag] = energy > 0.0 ? (float)(fabs(sum) / sqrt(energy)) : 0.0f;
        /* the energy of the stretch one lag further back */
        double leaving = x[WINDOW - 1], entering = lag + 1 < SPAN ? x[-1] : 0.0;
        energy += entering * entering - leaving * leaving;
        if (energy < 0.0)
            energy = 0.0;
    }
}

/* The lags to fit: HALF each side of the PEAKS highest correlations, each peak outside the others'. */
static int choose_taps(const float *corr, int *taps)
{
    int n = 0;
    for (int p = 0; p < PEAKS; p++) {
        int best = -1;
        for (int lag = 0; lag < SPAN; lag++) {
            bool taken = false;
            for (int t = 0; t < n && !taken; t++)
                taken = abs(taps[t] - lag) <= HALF;
            if (!taken && (best < 0 || corr[lag] > corr[best]))
                best = lag;
        }
        if (best < 0)
            break;
        for (int lag = best - HALF; lag <= best + HALF; lag++) {
            bool taken = false;
            for (int t = 0; t < n && !taken; t++)
                taken = taps[t] == lag;
            if (lag >= 0 && lag < SPAN && !taken)
                taps[n++] = lag;
        }
    }
    return n;
}

/* Solves g w = c (g symmetric, positive: a Gram matrix with a little added to its diagonal) in place
 * by Cholesky; false when it is not positive. */
static bool solve(double g[MAX_TAPS][MAX_TAPS], double *c, int n)
{
    for (int j = 0; j < n; j++) {
        double d = g[j][j];
        for (int k = 0; k < j; k++)
            d -= g[j][k] * g[j][k];
        if (d <= 0.0)
            return false;
        g[j][j] = sqrt(d);
        for (int i = j + 1; i < n; i++) {
            double s = g[i][j];
            for (int k = 0; k < j; k++)
                s -= g[i][k] * g[j][k];
            g[i][j] = s / g[j][j];
        }
    }
    for (int i = 0; i < n; i++) { /* L y = c */
        double s = c[i];
        for (int k = 0; k < i; k++)
            s -= g[i][k] * c[k];
        c[i] = s / g[i][i];
    }
    for (int i = n - 1; i >= 0; i--) { /* L^T w = y */
        double s = c[i];
        for (int k = i + 1; k < n; k++)
            s -= g[k][i] * c[k];
        c[i] = s / g[i][i];
    }
    return true;
}

double audio_echo_explained(echo_fit_scratch *s, const int16_t *out_ring, const int16_t *played_ring, size_t ring,
                            size_t written)
{
    if (written < WINDOW + SPAN || ring < WINDOW + SPAN)
        return 0.0;
    float *out = s->out, *played = s->played, *corr = s->corr;
    for (int n = 0; n < WINDOW; n++)
        out[n] = out_ring[(written - WINDOW + (size_t)n) % ring];
    for (int k = 0; k < WINDOW + SPAN; k++)
        played[k] = played_ring[(written - WINDOW - SPAN + (size_t)k) % ring];
    double energy = 0.0;
    for (int n = 0; n < WINDOW; n++)
        energy += (double)out[n] * out[n];
    if (energy <= 0.0)
        return 0.0;
    correlate(out, played, corr);
    int taps[MAX_TAPS];
    int n_taps = choose_taps(corr, taps);
    double (*g)[MAX_TAPS] = s->gram;
    double c[MAX_TAPS], rhs[MAX_TAPS], trace = 0.0;
    for (int a = 0; a < n_taps; a++) {
        const float *xa = played + SPAN - taps[a];
        double dot = 0.0;
        for (int n = 0; n < WINDOW; n++)
            dot += (double)out[n] * xa[n];
        c[a] = rhs[a] = dot;
        for (int b = 0; b <= a; b++) {
            const float *xb = played + SPAN - taps[b];
            double p = 0.0;
            for (int n = 0; n < WINDOW; n++)
                p += (double)xa[n] * xb[n];
            g[a][b] = g[b][a] = p;
        }
        trace += g[a][a];
    }
    if (n_taps == 0 || trace <= 0.0)
        return 0.0;
    for (int a = 0; a < n_taps; a++)
        g[a][a] += 1e-6 * trace / n_taps;
    if (!solve(g, c, n_taps))
        return 0.0;
    double explained = 0.0;
    for (int a = 0; a < n_taps; a++)
        explained += rhs[a] * c[a];
    return explained > 0.0 ? fmin(explained / energy, 1.0) : 0.0;
}
