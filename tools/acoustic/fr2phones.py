#!/usr/bin/env python3
"""fr2phones.py [--phones cmu|fr] TEXT OUT_DICT OUT_WORDS

Writes a pronunciation dictionary of every word of TEXT (one sentence per line) in the phone set of
an acoustic model, and OUT_WORDS: the sentences as the word sequences the dictionary knows. The
French pronunciation comes from espeak-ng (-x, its phoneme mnemonics): the same phonemes espeak
speaks when it makes the adaptation audio, so the alignment of text and audio is exact.

--phones cmu (default): PocketSphinx's US-English model. Each French phoneme maps to the one
US-English phone whose codebook adaptation will turn into that French sound (French R -> R, /y/ ->
UW, nasal vowels -> vowel + N, ...): the adapted model learns what these phones sound like in French.
--phones fr: the CMU Sphinx French model (cmusphinx-fr-ptm), whose phones are French already.
"""
import re
import subprocess
import sys

# espeak-ng French mnemonic -> model phones. Longest mnemonics first when tokenising.
CMU = {
    "A~": "AA N", "O~": "OW N", "E~": "AE N", "W~": "AH N",
    "a": "AA", "A": "AA", "e": "EY", "E": "EH", "i": "IY", "o": "OW", "O": "AO",
    "u": "UW", "y": "UW", "Y": "UH", "W": "ER", "@": "AH",
    "p": "P", "b": "B", "t": "T", "d": "D", "k": "K", "g": "G", "f": "F", "v": "V",
    "s": "S", "z": "Z", "S": "SH", "Z": "ZH", "m": "M", "n": "N", "N": "N Y", "n^": "N Y",
    "l": "L", "r": "R", "R": "R", "j": "Y", "w": "W", "H": "W", "x": "HH", "h": "HH",
}
FRENCH = {
    "A~": "an", "O~": "on", "E~": "in", "W~": "un",
    "a": "aa", "A": "aa", "e": "ei", "E": "ai", "i": "ii", "o": "au", "O": "oo",
    "u": "ou", "y": "uu", "Y": "eu", "W": "oe", "@": "ee",
    "p": "pp", "b": "bb", "t": "tt", "d": "dd", "k": "kk", "g": "gg", "f": "ff", "v": "vv",
    "s": "ss", "z": "zz", "S": "ch", "Z": "jj", "m": "mm", "n": "nn", "N": "gn", "n^": "gn",
    "l": "ll", "r": "rr", "R": "rr", "j": "yy", "w": "ww", "H": "uy", "x": "rr", "h": "",
}
PHONES = CMU
IGNORED = set("'-,:_|!()0123456789; ")
TOKEN = re.compile("|".join(re.escape(k) for k in sorted(CMU, key=len, reverse=True)) + "|.")


def words_of(sentence):
    return [w for w in re.split(r"[\s,\-.?!;:«»\"]+", sentence.lower()) if w]


def phonemes(word):
    out = subprocess.run(["espeak-ng", "-v", "fr", "-q", "-x", word],
                         capture_output=True, text=True, check=True).stdout
    phones, unknown = [], []
    for tok in TOKEN.findall(out.strip()):
        if tok in PHONES:
            if PHONES[tok]:
                phones.append(PHONES[tok])
        elif tok not in IGNORED and not tok.isspace():
            unknown.append(tok)
    return " ".join(phones), unknown


def main():
    global PHONES
    args = sys.argv[1:]
    if len(args) == 5 and args[0] == "--phones" and args[1] in ("cmu", "fr"):
        PHONES = CMU if args[1] == "cmu" else FRENCH
        args = args[2:]
    if len(args) != 3:
        sys.exit("usage: " + __doc__.strip().splitlines()[0])
    sentences = [line.strip() for line in open(args[0], encoding="utf-8")
                 if line.strip() and not line.startswith("#")]
    vocab = sorted({w for s in sentences for w in words_of(s)})
    with open(args[1], "w", encoding="utf-8") as dic:
        for w in vocab:
            pron, unknown = phonemes(w)
            if unknown:
                print("fr2phones: %s: espeak phonemes %s not mapped, ignored" % (w, unknown),
                      file=sys.stderr)
            if not pron:
                sys.exit("fr2phones: %s: no phoneme" % w)
            dic.write("%s %s\n" % (w, pron))
    with open(args[2], "w", encoding="utf-8") as out:
        for s in sentences:
            out.write(" ".join(words_of(s)) + "\n")
    print("fr2phones: %d words, %d sentences" % (len(vocab), len(sentences)), file=sys.stderr)


if __name__ == "__main__":
    main()
