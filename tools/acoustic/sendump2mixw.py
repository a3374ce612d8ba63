#!/usr/bin/env python3
"""sendump2mixw.py SENDUMP OUT_MIXTURE_WEIGHTS

PocketSphinx ships its PTM models with the senone mixture weights only as an 8-bit quantised
"sendump"; SphinxTrain's bw and map_adapt need them as a float "mixture_weights" file. This is a
Python 3 port of SphinxTrain's sendump.py (Python 2 + numpy), with no dependency beyond the
standard library. Weight = 1.0001 ** -(byte << mixw_shift), as in PocketSphinx's ptm_mgau.c.
"""
import struct
import sys


def read_sendump(path):
    with open(path, "rb") as fh:
        data = fh.read()
    pos = 0
    fmt = "<I"

    def read_u32():
        nonlocal pos, fmt
        (value,) = struct.unpack_from(fmt, data, pos)
        if value > 65536 and fmt == "<I":
            fmt = ">I"
            (value,) = struct.unpack_from(fmt, data, pos)
        pos += 4
        return value

    def read_str():
        nonlocal pos
        n = read_u32()
        if n == 0:
            return None
        s = data[pos:pos + n - 1].decode("ascii")
        pos += n
        return s

    read_str()  # title
    hdr = {}
    while True:
        s = read_str()
        if s is None:
            break
        parts = s.split()
        if len(parts) == 2 and parts[1].isdigit():
            hdr[parts[0]] = int(parts[1])
    n_sen = hdr.get("mixture_count", 0)
    n_den = hdr.get("model_count", 0)
    n_feat = hdr.get("feature_count", 0)
    shift = hdr.get("mixw_shift", 10)
    if hdr.get("cluster_count", 0) == 0:
        n_den = read_u32()
        n_sen = read_u32()
    if not (n_sen and n_den and n_feat):
        sys.exit("sendump2mixw: %s: missing counts in header %r" % (path, hdr))
    if len(data) - pos < n_feat * n_den * n_sen:
        sys.exit("sendump2mixw: %s: truncated (%d bytes of weights, %d expected)"
                 % (path, len(data) - pos, n_feat * n_den * n_sen))
    table = [1.0001 ** -(b << shift) for b in range(256)]
    # weights[sen][feat][den]
    weights = [[[0.0] * n_den for _ in range(n_feat)] for _ in range(n_sen)]
    for f in range(n_feat):
        for d in range(n_den):
            row = data[pos:pos + n_sen]
            pos += n_sen
            for s, b in enumerate(row):
                weights[s][f][d] = table[b]
    return n_sen, n_feat, n_den, weights


def write_mixw(path, n_sen, n_feat, n_den, weights):
    with open(path, "wb") as fh:
        head = b"s3\nversion 1.0\n"
        pad = (4 - (len(head) + len(b"endhdr\n")) % 4) % 4
        fh.write(head + b" " * pad + b"endhdr\n")
        fh.write(struct.pack("=i", 0x11223344))
        fh.write(struct.pack("=IIII", n_sen, n_feat, n_den, n_sen * n_feat * n_den))
        for s in range(n_sen):
            for f in range(n_feat):
                fh.write(struct.pack("=%df" % n_den, *weights[s][f]))


def main():
    if len(sys.argv) != 3:
        sys.exit(__doc__.strip().splitlines()[0])
    n_sen, n_feat, n_den, weights = read_sendump(sys.argv[1])
    write_mixw(sys.argv[2], n_sen, n_feat, n_den, weights)
    print("sendump2mixw: %d senones x %d streams x %d densities" % (n_sen, n_feat, n_den))


if __name__ == "__main__":
    main()
