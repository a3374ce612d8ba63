#!/usr/bin/env python3
"""fit_confidence.py DUMP.tsv [SET]

Fits the recogniser's confidence (voice/asr/asr.c: ASR_CONF_W_RATIO, ASR_CONF_W_MARGIN,
ASR_CONF_OFFSET) from a `bench_asr --dump` file: logistic regression of "the phrase heard is the
one said" on the phone-loop ratio and the capped rival margin, over the decisions of one voice
set (default: tuning) in which an answer or command was heard (a decoy is rejected whatever its
confidence). Newton's method; standard library only. Prints the weights and, per threshold, the
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
            if heard == "reject" or (ratio == 0.0 and margin == 0.0):
                continue  # nothing heard, or a decoy
            yield vset, heard == expected, ratio, min(margin, MARGIN_CAP)


def fit(data, iterations=50, ridge=1e-3):
    w = [0.0, 0.0, 0.0]
    for _ in range(iterations):
        g = [0.0] * 3
        h = [[ridge if i == j else 0.0 for j in range(3)] for i in range(3)]
        for y, x in data:
            z = w[0] * x[0] + w[1] * x[1] + w[2]
            p = 1.0 / (1.0 + math.exp(-max(-30.0, min(30.0, z))))
            v = (x[0], x[1], 1.0)
            for i in range(3):
                g[i] += (p - (1.0 if y else 0.0)) * v[i]
                for j in range(3):
                    h[i][j] += p * (1 - p) * v[i] * v[j]
        step = solve(h, g)
        w = [w[i] - step[i] for i in range(3)]
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
    if len(sys.argv) < 2:
        sys.exit(__doc__.strip().splitlines()[0])
    which = sys.argv[2] if len(sys.argv) > 2 else "tuning"
    all_rows = list(rows(sys.argv[1]))
    train = [(ok, (r, m)) for s, ok, r, m in all_rows if s == which]
    w = fit(train)
    print("#define ASR_CONF_W_RATIO %.3f\n#define ASR_CONF_W_MARGIN %.3f\n#define ASR_CONF_OFFSET %.3f"
          % (w[0], w[1], w[2]))
    print("fitted on %d decisions (%s)" % (len(train), which))
    for s in ("tuning", "heldout"):
        data = [(ok, w[0] * r + w[1] * m + w[2]) for vs, ok, r, m in all_rows if vs == s]
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
