/* asr_fft.c - an in-place radix-2 FFT for the spectra the recogniser looks at before decoding
 * (asr_tones.c, asr_endpoint.c). PocketSphinx keeps its own to itself. */
#include "asr_internal.h"

#include <math.h>

void asr_fft(double *re, double *im, int n)
{
    for (int i = 1, j = 0; i < n; i++) {
        int bit = n >> 1;
        for (; j & bit; bit >>= 1)
            j ^= bit;
        j ^= bit;
        if (i < j) {
            double r = re[i], m = im[i];
            re[i] = re[j], im[i] = im[j];
            re[j] = r, im[j] = m;
        }
    }
    for (int len = 2; len <= n; len <<= 1) {
        /* the twiddle factors of a stage by rotation: exact enough in double for these sizes */
        double step = -2.0 * 3.14159265358979323846 / len;
        double wr_step = cos(step), wi_step = sin(step);
        double wr = 1.0, wi = 0.0;
        for (int k = 0; k < len / 2; k++) {
            for (int i = k; i < n; i += len) {
                int b = i + len / 2;
                double xr = re[b] * wr - im[b] * wi, xi = re[b] * wi + im[b] * wr;
                re[b] = re[i] - xr, im[b] = im[i] - xi;
                re[i] += xr, im[i] += xi;
            }
            double w = wr * wr_step - wi * wi_step;
            wi = wr * wi_step + wi * wr_step;
            wr = w;
        }
    }
}
