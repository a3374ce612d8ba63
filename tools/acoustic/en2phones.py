#!/usr/bin/env python3
"""en2phones.py CMUDICT[:MORE.dict...] TEXT OUT_DICT OUT_WORDS

The English counterpart of fr2phones.py, for adapt.sh --lang en: writes a pronunciation dictionary of
every word of TEXT (one sentence per line, '#' lines are comments) from CMUDICT (the dictionary of
PocketSphinx's US-English model, the same source as the kiosk's assets/voice/en.dict), and OUT_WORDS:
the sentences as word sequences. Each word gets the dictionary's first pronunciation: SphinxTrain's
bw aligns one pronunciation per word, and the first is the common US one, as in en.dict. eSpeak's
British voices say some words otherwise ("not", "four"); adaptation learns how these phones sound
in their mouths, which is what the kiosk's lexicon needs. Words CMUDICT lacks come from the
dictionaries after it (words-en.dict beside this script: "vomited"); a word missing from all is an
error that names it.
"""
import re
import sys


def words_of(sentence):
    return [w.strip("'") for w in re.split(r"[\s,\-.?!;:\"]+", sentence.lower()) if w.strip("'")]


def load_dictionary(path):
    prons = {}
    with open(path, encoding="utf-8", errors="replace") as fh:
        for line in fh:
            parts = line.split()
            if len(parts) < 2 or parts[0].startswith("#") or "(" in parts[0]:
                continue  # alternates "word(2)": the first pronunciation only
            prons.setdefault(parts[0], " ".join(p for p in parts[1:] if not p.startswith("#")))
    return prons


def main():
    if len(sys.argv) != 5:
        sys.exit("usage: " + __doc__.strip().splitlines()[0])
    prons = {}
    for path in sys.argv[1].split(":"):
        for word, pron in load_dictionary(path).items():
            prons.setdefault(word, pron)
    sentences = [line.strip() for line in open(sys.argv[2], encoding="utf-8")
                 if line.strip() and not line.startswith("#")]
    vocab = sorted({w for s in sentences for w in words_of(s)})
    missing = [w for w in vocab if w not in prons]
    if missing:
        sys.exit("en2phones: not in %s: %s" % (sys.argv[1], " ".join(missing)))
    with open(sys.argv[3], "w", encoding="utf-8") as dic:
        for w in vocab:
            dic.write("%s %s\n" % (w, prons[w]))
    with open(sys.argv[4], "w", encoding="utf-8") as out:
        for s in sentences:
            out.write(" ".join(words_of(s)) + "\n")
    print("en2phones: %d words, %d sentences" % (len(vocab), len(sentences)), file=sys.stderr)


if __name__ == "__main__":
    main()
