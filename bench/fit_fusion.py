#!/usr/bin/env python3
"""fit_fusion.py FIRST.tsv SECOND.tsv [FIRST.tsv SECOND.tsv ...]

Fits how the recogniser merges two acoustic models' opinions (fusion_weight in
voice/asr/asr_decode.c) from two `bench_asr --dump --all-evidence` files of the same corpus, one per model run
alone (bench_asr --model DIR --second-model ""); more pairs, one per corpus (the main corpus and
bench/asr_run.sh --other-engines'), are fitted together and reported each on its own line. Each model's confidence is recomputed from its
evidence with the calibration in its own directory's qlq-confidence (give the weights with
--first W and --second W if the dumps were made with other ones).

The second model is asked only when the first is unsure (confidence under 0.9, or nothing or a
decoy heard), so only those decisions are fitted: logistic regression of "the surer model's phrase
is the one said" on the logit of its confidence, whether the other heard the same meaning, the
other's confidence, the lower phone-loop ratio when they agree, and the surer one's phone-loop
ratio. Tuning voices are fitted; both sets are reported, with the first model alone beside it.
Standard library only.
"""
import collections
import math
import os
import sys

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from fit_confidence import MARGIN_CAP, fit  # noqa: E402

SECOND_OPINION_BELOW = 0.9  # ASR_SECOND_OPINION_BELOW in voice/asr/asr_internal.h
THRESHOLD = 0.8             # ASR_REJECT_BELOW
HERE = os.path.dirname(os.path.abspath(__file__))
MODELS = os.path.join(HERE, "..", "assets", "voice")
CATEGORIES = [("clean", 0), ("20 dB", 1), ("10 dB", 2), ("commands", 3), ("oui/non", 4),
              ("out-of-grammar", 5), ("non-speech", 6)]


def calibration(path):
    with open(path, encoding="utf-8") as fh:
        for line in fh:
            if line.strip() and not line.startswith("#"):
                v = [float(x) for x in line.split()]
                return v[0], v[1], v[2], v[4] if len(v) > 4 else 0.0
    raise SystemExit("%s: no calibration line" % path)


def load(path, cal):
    """file -> (fields, meaning heard or 'reject' for nothing/decoy, confidence, phone-loop ratio)"""
    w_ratio, w_margin, offset, w_snr = cal
    out = {}
    with open(path, encoding="utf-8") as fh:
        for line in fh:
            f = line.rstrip("\n").split("\t")
            if len(f) < 17:
                continue
            heard = f[7]
            ratio, margin, snr = float(f[14]), float(f[15]), float(f[16])
            scored = not (heard == "reject" or (ratio == 0.0 and margin == 0.0))
            z = w_ratio * ratio + w_margin * min(margin, MARGIN_CAP) + w_snr * snr + offset
            out[f[0]] = (f, heard if scored else "reject", 1 / (1 + math.exp(-z)) if scored else 0.0, ratio)
    return out


def logit(c):
    c = min(max(c, 1e-4), 1 - 1e-4)
    return math.log(c / (1 - c))


def features(a, b):
    """(phrase of the surer model, feature vector), or None when the first model decides alone."""
    _, ha, ca, ra = a
    _, hb, cb, rb = b
    if ha != "reject" and ca >= SECOND_OPINION_BELOW:
        return None
    if cb > ca:
        h, cw, cl, hl, rw = hb, cb, ca, ha, rb
    else:
        h, cw, cl, hl, rw = ha, ca, cb, hb, ra
    agree = 1.0 if (h == hl and h != "reject") else 0.0
    return h, [logit(cw), agree, agree * logit(cl), (1 - agree) * logit(cl), agree * min(ra, rb), rw]


def category(expected, cond):
    if expected[0] in "1234567":
        return 0 if cond == "clean" else 1 if "20" in cond else 2
    if expected in ("yes", "no"):
        return 4
    if expected == "reject":
        return 6 if cond.startswith("noise") else 5
    return 3


def report(label, decide, first):
    right, n = collections.Counter(), collections.Counter()
    for key, a in first.items():
        f = a[0]
        got = decide(key)
        c = category(f[5], f[3])
        n[(f[1], c)] += 1
        right[(f[1], c)] += got == f[5]
        if f[5] != "reject":
            n[(f[1], "fa")] += 1
            right[(f[1], "fa")] += got not in (f[5], "reject")

    def pct(s, c):
        return "%5.1f" % (100.0 * right[(s, c)] / n[(s, c)]) if n[(s, c)] else "    -"
    cells = ["%s %s/%s" % (name, pct("tuning", c), pct("heldout", c)) for name, c in CATEGORIES]
    cells.append("misheard accepted %s/%s" % (pct("tuning", "fa"), pct("heldout", "fa")))
    print("%-13s %s" % (label, " | ".join(cells)))


def main():
    args = sys.argv[1:]
    cal = {"--first": None, "--second": None}
    for opt in list(cal):
        if opt in args:
            i = args.index(opt)
            cal[opt] = tuple(float(x) for x in args[i + 1].split(","))
            del args[i:i + 2]
    if len(args) < 2 or len(args) % 2:
        sys.exit(__doc__.strip().splitlines()[0])
    first_cal = cal["--first"] or calibration(os.path.join(MODELS, "model-fr", "qlq-confidence"))
    second_cal = cal["--second"] or calibration(os.path.join(MODELS, "model-fr-ptm", "qlq-confidence"))
    corpora = []
    for i in range(0, len(args), 2):
        first, second = load(args[i], first_cal), load(args[i + 1], second_cal)
        if set(first) != set(second):
            sys.exit("fit_fusion: %s and %s are not of the same files" % (args[i], args[i + 1]))
        corpora.append((args[i], first, second))
    data = []
    for _, first, second in corpora:
        for key, a in first.items():
            r = features(a, second[key])
            if a[0][1] == "tuning" and r and r[0] != "reject":
                data.append((1.0 if r[0] == a[0][5] else 0.0, r[1]))
    w = fit(data)
    print("fusion_weight (asr_decode.c): {%s}" % ", ".join("%.3f" % x for x in w))
    print("fitted on %d decisions of the tuning voices where the second model was asked" % len(data))
    print("(tuning / held-out, %% right at threshold %.2f)" % THRESHOLD)

    for path, first, second in corpora:
        print(path)
        report_corpus(w, first, second)


def report_corpus(w, first, second):
    def alone(key):
        _, h, c, _ = first[key]
        return h if h != "reject" and c >= THRESHOLD else "reject"

    def fused(key):
        r = features(first[key], second[key])
        if r is None:
            return first[key][1]
        h, x = r
        z = sum(a * b for a, b in zip(w, x + [1.0]))
        return h if h != "reject" and 1 / (1 + math.exp(-z)) >= THRESHOLD else "reject"
    report("first alone", alone, first)
    report("both", fused, first)


if __name__ == "__main__":
    main()
