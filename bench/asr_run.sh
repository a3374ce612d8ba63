#!/usr/bin/env bash
# asr_run.sh - generates the speech corpus (cached under the build folder, regenerated when the
# generator or its phrase list change) and runs bench_asr on it: the recogniser beside the default
# US-English language model, tuning and held-out voices side by side.
#
#   bench/asr_run.sh [BUILD_DIR (default build/asr-rel)] [--lang fr|en]
#                    [--slow|--phrasings|--hedged|--confirmations|--other-voices|--other-engines|--other-noises|
#                     --soft|--reverb|--cut] [--no-baseline]
#                    [bench_asr options]
#
# --slow: another corpus, the same phrases and voices said at 80 and 95 words/min, without noise.
# --phrasings: another corpus, other ways patients answer (tools/corpus/phrasings-LANG.tsv), with noise.
# --hedged: another corpus, answers wrapped in the words people put around them ("je dirais assez",
#   "six sur sept") and hedges that are no answer (tools/corpus/phrasings-hedged-LANG.tsv), with noise.
# --confirmations: another corpus, how patients confirm or refuse an answer read back to them ("c'est
#   pas ça", "tout à fait") and a few more ways of answering (tools/corpus/phrasings-confirm-LANG.tsv).
# --other-voices: the phrases said by eSpeak variants that neither the benchmark nor the model
#   adaptation uses, at 110 and 240 words/min, without noise: how far the held-out numbers generalise.
# --other-engines: the phrases said by other synthesisers, made from recordings of real speakers:
#   MBROLA's French voices (mb-fr2 mb-fr3 mb-fr5 mb-fr7: French and Belgian, male and female;
#   mb-ca2: Canadian) and SVOX Pico (pico), at 130 and 170 words/min, clean and in white and babble
#   noise at 20 and 10 dB; English: mb-us1 mb-us2 mb-us3 mb-en1 and pico. None is used to adapt the
#   models. The French tuning column: the MBROLA voices `tools/acoustic/adapt.sh --mbrola` adapts
#   with beside eSpeak's (mb-fr1 mb-fr4 mb-fr6 mb-ca1; the shipped models are adapted without them).
#   Needs Debian's contrib and non-free packages: mbrola, mbrola-<voice>, libttspico-utils.
# --other-noises: held-out voices at 150 words/min in noises the models were not adapted with (brown
#   rumble, mains hum, a monitor's beeps, music) at 20 and 10 dB SNR; bench_asr lists them by condition.
# --soft: the same voices and speed, clean and 20 and 30 dB under their level in a very quiet room (a
#   patient speaking softly or far from the microphone); bench_asr's "20 dB" and "10 dB" rows hold
#   soft20 and soft30.
# --reverb: the same voices and speed, clean and in a reverberant room (sox reverberance 50 and 90 %);
#   both are in bench_asr's "10 dB" row, and listed by condition.
# --cut: the held-out voices' files clean and cut at their words, with no room before or after (recorded
#   answers trimmed to their sound, as a clinic may give qlq-recognize), decided as recordings: a
#   stream always has the room before the words.
set -euo pipefail
src=$(cd "$(dirname "$0")/.." && pwd)
build=${1:-$src/build/asr-rel}
[[ $# -gt 0 ]] && shift
lang=fr slow=0 phrasings=0 hedged=0 confirmations=0 other_voices=0 other_engines=0 other_noises=0 soft=0 reverb=0 cut=0
args=()
while [[ $# -gt 0 ]]; do
  case "$1" in
    --lang) lang=$2; args+=(--lang "$2"); shift 2 ;;
    --slow) slow=1; shift ;;
    --phrasings) phrasings=1; shift ;;
    --hedged) hedged=1; shift ;;
    --confirmations) confirmations=1; shift ;;
    --other-voices) other_voices=1; shift ;;
    --other-engines) other_engines=1; shift ;;
    --other-noises) other_noises=1; shift ;;
    --soft) soft=1; shift ;;
    --reverb) reverb=1; shift ;;
    --cut) cut=1; shift ;;
    *) args+=("$1"); shift ;;
  esac
done
bench="$build/bench/bench_asr"
[[ -x $bench ]] || { echo "asr_run: build bench_asr first (cmake --build $build --target bench_asr)" >&2; exit 1; }
corpus="$build/asr-corpus/$lang" corpus_opts=() phrases="$src/tools/corpus/phrases-$lang.tsv"
((slow)) && corpus="$build/asr-corpus/$lang-slow" corpus_opts=(--speeds "80 95" --no-noise --no-nonspeech)
((phrasings)) && phrases="$src/tools/corpus/phrasings-$lang.tsv" corpus="$build/asr-corpus/$lang-phrasings" \
  corpus_opts=(--phrases "$phrases" --no-nonspeech)
((hedged)) && phrases="$src/tools/corpus/phrasings-hedged-$lang.tsv" corpus="$build/asr-corpus/$lang-hedged" \
  corpus_opts=(--phrases "$phrases" --no-nonspeech)
((confirmations)) && phrases="$src/tools/corpus/phrasings-confirm-$lang.tsv" corpus="$build/asr-corpus/$lang-confirm" \
  corpus_opts=(--phrases "$phrases" --no-nonspeech)
other_voices_fr="fr+Diogo fr+Hugo fr+Jacky fr+Marco fr+caleb fr+croak fr+grandpa fr+john fr+quincy fr+travis fr-be+whisper fr-ch+zac"
# English: the same variants, none used by the benchmark or to adapt assets/voice/model-en, on US, RP and
# West Midlands English
other_voices_en="en+Diogo en-us+Hugo en+Jacky en-us+Marco en+caleb en-us+croak en+grandpa en-us+john
  en-gb-x-gbcwmd+quincy en-us+travis en-gb-x-rp+whisper en-gb-x-gbcwmd+zac"
other_voices_list=$other_voices_fr; [[ $lang == en ]] && other_voices_list=$(echo $other_voices_en)
((other_voices)) && corpus="$build/asr-corpus/$lang-other-voices" corpus_opts=(--sets heldout --speeds "110 240"
  --voices "$other_voices_list" --no-noise --no-nonspeech)
if ((other_engines)); then
  corpus="$build/asr-corpus/$lang-other-engines"
  if [[ $lang == fr ]]; then
    corpus_opts=(--speeds "130 170" --voices "mb-fr2 mb-fr3 mb-fr5 mb-fr7 mb-ca2 pico"
      --tuning-voices "mb-fr1 mb-fr4 mb-fr6 mb-ca1")
  else
    corpus_opts=(--sets heldout --speeds "130 170" --voices "mb-us1 mb-us2 mb-us3 mb-en1 pico")
  fi
fi
if ((other_noises || soft || reverb)); then
  kinds="brown hum beeps music" corpus="$build/asr-corpus/$lang-other-noises"
  ((soft)) && kinds=soft corpus="$build/asr-corpus/$lang-soft"
  ((reverb)) && kinds=reverb corpus="$build/asr-corpus/$lang-reverb"
  corpus_opts=(--sets heldout --speeds 150 --noises "$kinds" --no-nonspeech)
  [[ $lang == fr ]] && corpus_opts+=(--voices "fr-be+m1 fr-ch+f3 fr+f5")
fi
if ((cut)) && [[ " ${args[*]} " == *" --stream "* ]]; then
  echo "asr_run: --cut files are recordings; a stream has the room before the words (drop --stream)" >&2
  exit 2
fi
((cut)) && corpus="$build/asr-corpus/$lang-cut" corpus_opts=(--sets heldout --no-noise --no-nonspeech --no-room)
stamp=$( (cat "$src/tools/corpus/make-corpus.sh" "$phrases"; echo "${corpus_opts[*]}") |
  sha256sum | cut -c1-16)
if [[ ! -f $corpus/manifest.tsv || $(cat "$corpus/.stamp" 2>/dev/null) != "$stamp" ]]; then
  echo "asr_run: generating the $lang corpus in $corpus (a few minutes, once)" >&2
  rm -rf "$corpus"
  "$src/tools/corpus/make-corpus.sh" --lang "$lang" "${corpus_opts[@]}" "$corpus"
  echo "$stamp" > "$corpus/.stamp"
fi
exec "$bench" --corpus "$corpus" --assets "$src/assets" "${args[@]}"
