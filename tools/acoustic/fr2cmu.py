#!/usr/bin/env python3
"""fr2cmu.py TEXT OUT_DICT OUT_WORDS

Writes a pronunciation dictionary of every word of TEXT (one sentence per line) in the phone set of
PocketSphinx's US-English model, and OUT_WORDS: the sentences as the word sequences the dictionary
knows. The French pronunciation comes from espeak-ng (-x, its phoneme mnemonics): the same
phonemes espeak speaks when it makes the adaptation audio, so the alignment of text and audio is
exact. Each French phoneme maps to the one US-English phone whose codebook adaptation will turn
into that French sound (French R -> R, /y/ -> UW, nasal vowels -> vowel + N, ...): the adapted
model learns what these phones sound like in French.
"""
import re
import subprocess
import sys

# espeak-ng French mnemonic -> CMU phones. Longest mnemonics first when tokenising.
PHONES = {
    "A~": "AA N", "O~": "OW N", "E~": "AE N", "W~": "AH N",
    "a": "AA", "A": "AA", "e": "EY", "E": "EH", "i": "IY", "o": "OW", "O": "AO",
    "u": "UW", "y": "UW", "Y": "UH", "W": "ER", "@": "AH",
    "p": "P", "b": "B", "t": "T", "d": "D", "k": "K", "g": "G", "f": "F", "v": "V",
    "s": "S", "z": "Z", "S": "SH", "Z": "ZH", "m": "M", "n": "N", "N": "N Y", "n^": "N Y",
    "l": "L", "r": "R", "R": "R", "j": "Y", "w": "W", "H": "W", "x": "HH", "h": "HH",
}
IGNORED = set("'-,:_|!()0123456789; ")
TOKEN = re.compile("|".join(re.escape(k) for k in sorted(PHONES, key=len, reverse=True)) + "|.")


def words_of(sentence):
    return [w for w in re.split(r"[\s,\-.?!;:«»\"]+", sentence.lower()) if w]


def phonemes(word):
    out = subprocess.run(["espeak-ng", "-v", "fr", "-q", "-x", word],
                         capture_output=True, text=True, check=True).stdout
    cmu, unknown = [], []
    for tok in TOKEN.findall(out.strip()):
        if tok in PHONES:
            cmu.append(PHONES[tok])
        elif tok not in IGNORED and not tok.isspace():
            unknown.append(tok)
    return " ".join(cmu), unknown


def main():
    if len(sys.argv) != 4:
        sys.exit(__doc__.strip().splitlines()[0])
    sentences = [line.strip() for line in open(sys.argv[1], encoding="utf-8")
                 if line.strip() and not line.startswith("#")]
    vocab = sorted({w for s in sentences for w in words_of(s)})
    with open(sys.argv[2], "w", encoding="utf-8") as dic:
        for w in vocab:
            pron, unknown = phonemes(w)
            if unknown:
                print("fr2cmu: %s: espeak phonemes %s not mapped, ignored" % (w, unknown),
                      file=sys.stderr)
            if not pron:
                sys.exit("fr2cmu: %s: no phoneme" % w)
            dic.write("%s %s\n" % (w, pron))
    with open(sys.argv[3], "w", encoding="utf-8") as out:
        for s in sentences:
            out.write(" ".join(words_of(s)) + "\n")
    print("fr2cmu: %d words, %d sentences" % (len(vocab), len(sentences)), file=sys.stderr)


if __name__ == "__main__":
    main()
