#!/usr/bin/env python3
"""fit_confidence.py [--snr-weight W] DUMP.tsv [SET]

Fits the recogniser's confidence calibration (the qlq-confidence file of a model directory, see
voice/asr/asr.c) from a `bench_asr --dump --all-evidence` file: logistic regression of "the phrase heard is the
one said" on the phone-loop ratio, the capped rival margin and the words' level over the sound
around them (SNR, dB), over the decisions of one voice
set (default: tuning) in which an answer or command was heard (a decoy is rejected whatever its
confidence). Newton's method; standard library only. --snr-weight holds the SNR's weight at W and fits
the others: assets/voice/model-en's fit is made so, because fitted freely on its few tuning decisions
the SNR took so much weight (0.37 per dB, SNR capped at 40) that every clean decision was sure, and
"what did you say" heard "one" was accepted at 0.9997. Prints the weights and, per threshold, the
share of right decisions kept and of wrong ones let through, for both sets.
"""
import math
import sys

MARGIN_CAP = 3.0  # RIVAL_MARGIN_CAP in voice/asr/asr_decode.c


def rows(path):
    with open(path, encoding="utf-8") as fh:
        for line in fh:
            f = line.rstrip("\n").split("\t")
            if len(f) < 16:
                continue
            file, vset, voice, cond, scale, expected, got, heard = f[:8]
            ratio, margin = float(f[14]), float(f[15])
            snr = float(f[16]) if len(f) > 16 else 0.0
            if heard == "reject" or (ratio == 0.0 and margin == 0.0):
                continue  # nothing heard, or a decoy
            yield vset, heard == expected, (ratio, min(margin, MARGIN_CAP), snr)


def fit(data, iterations=50, ridge=1e-3, fixed=None):
    """Weights for the features, then the offset. fixed: a known term added to each decision's
    logit (the rows' third item), whose weight is not fitted."""
    k = len(data[0][1]) + 1
    w = [0.0] * k
    for _ in range(iterations):
        g = [0.0] * k
        h = [[ridge if i == j else 0.0 for j in range(k)] for i in range(k)]
        for n, (y, x) in enumerate(data):
            v = tuple(x) + (1.0,)
            z = sum(w[i] * v[i] for i in range(k)) + (fixed[n] if fixed else 0.0)
            p = 1.0 / (1.0 + math.exp(-max(-30.0, min(30.0, z))))
            for i in range(k):
                g[i] += (p - (1.0 if y else 0.0)) * v[i]
                for j in range(k):
                    h[i][j] += p * (1 - p) * v[i] * v[j]
        step = solve(h, g)
        w = [w[i] - step[i] for i in range(k)]
    return w


def solve(a, b):
    n = len(b)
    m = [row[:] + [b[i]] for i, row in enumerate(a)]
    for c in range(n):
        piv = max(range(c, n), key=lambda r: abs(m[r][c]))
        m[c], m[piv] = m[piv], m[c]
        for r in range(n):
            if r != c:
                f = m[r][c] / m[c][c]
                for k in range(c, n + 1):
                    m[r][k] -= f * m[c][k]
    return [m[i][n] / m[i][i] for i in range(n)]


def main():
    args = sys.argv[1:]
    snr_weight = None
    if len(args) >= 2 and args[0] == "--snr-weight":
        snr_weight = float(args[1])
        args = args[2:]
    if not args:
        sys.exit(__doc__.strip().splitlines()[0])
    which = args[1] if len(args) > 1 else "tuning"
    all_rows = list(rows(args[0]))
    fit_snr = snr_weight is None and any(x[2] != 0.0 for _, _, x in all_rows)
    chosen = [(ok, x) for s, ok, x in all_rows if s == which]
    train = [(ok, x if fit_snr else x[:2]) for ok, x in chosen]
    w = fit(train, fixed=[snr_weight * x[2] for _, x in chosen] if snr_weight is not None else None)
    w_ratio, w_margin, offset = w[0], w[1], w[-1]
    w_snr = w[2] if fit_snr else (snr_weight or 0.0)
    print("qlq-confidence line (w_ratio w_margin offset cmn_own_weight w_snr; keep the model's cmn_own_weight):")
    print("%.3f %.3f %.3f CMN %.4f" % (w_ratio, w_margin, offset, w_snr))
    print("fitted on %d decisions (%s)" % (len(train), which))
    for s in ("tuning", "heldout"):
        data = [(ok, w_ratio * x[0] + w_margin * x[1] + w_snr * x[2] + offset)
                for vs, ok, x in all_rows if vs == s]
        right = sum(1 for ok, _ in data if ok) or 1
        wrong = sum(1 for ok, _ in data if not ok) or 1
        line = []
        for thr in (0.5, 0.6, 0.7, 0.8, 0.9):
            z = math.log(thr / (1 - thr))
            line.append("%.1f: %4.1f%% kept %4.1f%% wrong passed" % (
                thr, 100.0 * sum(1 for ok, v in data if ok and v >= z) / right,
                100.0 * sum(1 for ok, v in data if not ok and v >= z) / wrong))
        print("%-8s %s" % (s, " | ".join(line)))


if __name__ == "__main__":
    main()
