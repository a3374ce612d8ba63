#!/usr/bin/env bash
# make-corpus.sh - synthetic spoken-answer corpus for the recogniser (espeak-ng + sox).
#
#   make-corpus.sh [--lang fr|en] [--small] [--sets tuning,heldout] [--voices "V1 V2"] [--tuning-voices "V1 V2"]
#                  [--speeds "S1 S2"]
#                  [--phrases FILE] [--noises "KIND..."] [--no-noise] [--no-nonspeech] [--trim-below PCT]
#                  [--no-room] OUTDIR
#
# Writes OUTDIR/*.wav (16 kHz mono 16-bit) and OUTDIR/manifest.tsv with one line per file:
#   file  expected  scale  set  voice  condition  text
# expected is what qlq-recognize should answer (1..7, repeat, back, dontknow, yes, no, reject);
# scale is the grammar to decode with (4, 7, yesno); set is tuning or heldout (voices never mixed:
# tune on one, report both); condition is clean, KIND20 or KIND10 for each noise kind (default white
# and babble), or noiseN for the non-speech files.
# Each file has 0.3-0.9 s of room before and after the speech, as a microphone would give; noisy
# files have noise over the whole file (the hard case: noise before and after the words).
# Non-speech rejection files (silence, noise, cough-like bursts, a distant neighbour) are added.
# --small: one speed per voice and no noise grid (for the tests); --voices replaces the voices of
# every set, --tuning-voices then those of the tuning set, --speeds their speeds in words/min
# (--speeds "80 95" --no-noise: slow speech, as elderly patients speak, beside the 120-210 of the
# default sets). --phrases replaces the phrase
# list (default phrases-LANG.tsv beside this script; phrasings-fr.tsv: other ways of answering).
# --noises: the noise kinds of the grid, among white, babble (the default pair, the ones the models
# were adapted with, in other recordings), brown (rumble), hum (mains hum: 50 Hz and harmonics),
# beeps (a bedside monitor's 1 kHz beep with faint hiss) and music (plucked chords); soft is no
# noise but a soft voice: conditions soft20 and soft30 are the speech 20 and 30 dB under its level
# (a patient speaking softly, or far from the microphone) in a very quiet room (a 16-bit input's
# dither, about -98 dBFS); reverb is no noise but a hard-walled room: conditions reverb50 and
# reverb90 are the speech with sox's reverberance at 50 and 90 %.
# --trim-below: eSpeak's own silence around the words is cut where the sound first and last passes
# PCT % of full scale (default 0.5, about -46 dBFS, what every corpus so far was made with). That
# also cuts the soft release of a last consonant said softly ("cinq" at eSpeak amplitude 50): 0.1
# (-60 dBFS) keeps it.
# --no-room: no room around the words: each file is cut where its sound first and last passes the
# --trim-below level, as recorded answers trimmed to their sound are (use with --no-noise).
# Voices are eSpeak's (fr+m3, fr-be+m1, ...), MBROLA's through eSpeak (mb-fr1 .. mb-fr7, mb-ca1,
# mb-ca2: diphones cut from recordings of real speakers; Debian's contrib and non-free packages
# mbrola and mbrola-frN) or "pico" (SVOX Pico, another synthesiser made from a real speaker's
# recordings; package libttspico-utils, non-free): pico's speed, pitch and loudness are set with sox.
# Deterministic (fixed seeds).
set -euo pipefail
export SOX_OPTS="-V1 -R"  # -R: repeatable noise (fixed seed)

lang=fr small=0 sets="tuning,heldout" voices="" given_tuning_voices="" speeds="" phrases="" noise=1 nonspeech=1 noises="white babble" trim=0.5 room=1
while [[ $# -gt 1 ]]; do
  case "$1" in
    --lang) lang=$2; shift 2 ;;
    --small) small=1; shift ;;
    --sets) sets=$2; shift 2 ;;
    --voices) voices=$2; shift 2 ;;
    --tuning-voices) given_tuning_voices=$2; shift 2 ;;
    --speeds) speeds=$2; shift 2 ;;
    --phrases) phrases=$2; shift 2 ;;
    --noises) noises=$2; shift 2 ;;
    --no-noise) noise=0; shift ;;
    --no-nonspeech) nonspeech=0; shift ;;
    --trim-below) trim=$2; shift 2 ;;
    --no-room) room=0; shift ;;
    *) echo "make-corpus: unknown option $1" >&2; exit 2 ;;
  esac
done
[[ $# -eq 1 ]] || { echo "usage: make-corpus.sh [--lang fr|en] [--small] [--sets S] OUTDIR" >&2; exit 2; }
out=$1
here=$(cd "$(dirname "$0")" && pwd)
[[ -n $phrases ]] || phrases="$here/phrases-$lang.tsv"
[[ -r $phrases ]] || { echo "make-corpus: cannot read $phrases" >&2; exit 2; }
for k in $noises; do
  case $k in white|babble|brown|hum|beeps|music|soft|reverb) ;; *) echo "make-corpus: unknown noise kind $k" >&2; exit 2 ;; esac
done
for t in espeak-ng sox awk; do command -v $t >/dev/null || { echo "make-corpus: $t not found" >&2; exit 1; }; done
for v in $voices $given_tuning_voices; do
  case $v in
    pico) command -v pico2wave >/dev/null || { echo "make-corpus: voice pico needs pico2wave (libttspico-utils, Debian non-free)" >&2; exit 1; } ;;
    mb-*) [[ -d /usr/share/mbrola/${v#mb-} ]] ||
            { echo "make-corpus: voice $v needs mbrola and mbrola-${v#mb-} (Debian contrib, non-free)" >&2; exit 1; } ;;
  esac
done
mkdir -p "$out"
tmp=$(mktemp -d); trap 'rm -rf "$tmp"' EXIT

# Voices: tuning voices are the only ones the lexicon was tuned on; held-out voices (other
# variants, Belgian and Swiss French, other speeds) are reported separately.
if [[ $lang == fr ]]; then
  tuning_voices="fr fr+m3 fr+f2 fr+m7 fr+f4"
  heldout_voices="fr-be+m1 fr-ch+f3 fr+m6 fr+f5 fr+m2 fr+f1"
  babble_voices="fr+m4 fr+m8 fr-be+m5 en+f2 en+m2"
  babble_text="le médecin passera dans la matinée pour les résultats de votre prise de sang et nous verrons ensuite"
else
  tuning_voices="en-us en-us+f2 en+m3 en-gb+f4"
  heldout_voices="en-gb-x-rp+m2 en-us+f5"
  babble_voices="en+m4 en+f3 en-us+m5 fr+f5 en-gb+m1"
  babble_text="the doctor will see you in the morning to discuss the results of your blood test and then we will see"
fi
tuning_speeds="130 160 190" heldout_speeds="120 150 175 210"
[[ -n $voices ]] && tuning_voices=$voices heldout_voices=$voices
[[ -n $given_tuning_voices ]] && tuning_voices=$given_tuning_voices
[[ -n $speeds ]] && tuning_speeds=$speeds heldout_speeds=$speeds
pitches=(35 50 70)
amps=(50 80 110)

rms() { sox "$1" -n stat 2>&1 | awk '/RMS +amplitude/ {print $3}'; }

# A 40 s babble bed: several voices reading other text, each delayed differently, mixed.
make_babble() {
  local i=0 files=()
  for v in $babble_voices; do
    espeak-ng -v "$v" -s $((140 + i * 12)) -w "$tmp/bb$i.raw.wav" "$babble_text $babble_text $babble_text"
    sox "$tmp/bb$i.raw.wav" -r 16000 -c 1 -b 16 "$tmp/bb$i.wav" pad 0.$((i * 2 + 1)) repeat 3 trim 0 40
    files+=(-v 1 "$tmp/bb$i.wav"); i=$((i + 1))
  done
  sox -m "${files[@]}" "$tmp/babble.wav" trim 0 40 norm -6
}

# 40 s beds of the other noise kinds (no random draws: the default corpus stays the same).
make_beds() {
  local k i notes=(C4 E4 G4 A3 F4 D4 B3 G3) parts=()
  for k in $noises; do
    case $k in
      hum) sox -n -r 16000 -c 1 -b 16 "$tmp/hum.wav" synth 40 sine 50 sine 100 sine 150 sine 250 remix 1-4 vol 0.3 ;;
      beeps)
        sox -n -r 16000 -c 1 -b 16 "$tmp/beep1.wav" synth 0.12 sine 980 pad 0 0.58
        sox "$tmp/beep1.wav" "$tmp/beep40.wav" repeat 60
        sox -n -r 16000 -c 1 -b 16 "$tmp/hiss.wav" synth 42 whitenoise vol 0.01
        sox -m "$tmp/beep40.wav" "$tmp/hiss.wav" "$tmp/beeps.wav" trim 0 40 ;;
      music)
        for i in "${!notes[@]}"; do
          sox -n -r 16000 -c 1 -b 16 "$tmp/note$i.wav" synth 0.5 pluck "${notes[$i]}" pluck "${notes[$i]/[0-9]/5}" vol 0.5
          parts+=("$tmp/note$i.wav")
        done
        sox "${parts[@]}" "$tmp/bar.wav"
        sox "$tmp/bar.wav" "$tmp/music.wav" repeat 10 trim 0 40 ;;
    esac
  done
}

# mix SPEECH NOISE_KIND SNR_DB OUT: noise over the whole file at SNR relative to the speech RMS.
mix() {
  local speech=$1 kind=$2 snr=$3 dst=$4 dur srms nrms want gain off
  dur=$(soxi -D "$speech")
  srms=$(rms "$tmp/core.wav")
  case $kind in
    white) sox -n -r 16000 -c 1 -b 16 "$tmp/noise.wav" synth "$dur" whitenoise vol 0.3 ;;
    brown) sox -n -r 16000 -c 1 -b 16 "$tmp/noise.wav" synth "$dur" brownnoise vol 0.5 ;;
    *) off=$((RANDOM % 30))
       sox "$tmp/$kind.wav" "$tmp/noise.wav" trim "$off" "$dur" ;;
  esac
  nrms=$(rms "$tmp/noise.wav")
  gain=$(awk -v s="$srms" -v n="$nrms" -v d="$snr" 'BEGIN { printf "%.6f", (s / n) / exp(d / 20 * log(10)) }')
  sox -m -v 1 "$speech" -v "$gain" "$tmp/noise.wav" -b 16 "$dst"
}

# in_condition SPEECH CONDITION OUT: the speech as heard in a condition of the grid (KIND20, soft30, ...).
in_condition() {
  case $2 in
    soft*) sox "$1" "$3" vol "-${2#soft}dB" ;;
    reverb*) sox "$1" "$3" reverb "${2#reverb}" 50 80 ;;
    *) mix "$1" "${2%%[0-9]*}" "${2##*[a-z]}" "$3" ;;
  esac
}

manifest="$out/manifest.tsv"
printf 'file\texpected\tscale\tset\tvoice\tcondition\ttext\n' > "$manifest"
emit() { printf '%s\t%s\t%s\t%s\t%s\t%s\t%s\n' "$@" >> "$manifest"; }

# speak VOICE SPEED PITCH AMP TEXT: the synthesiser's output in $tmp/raw.wav.
speak() {
  if [[ $1 == pico ]]; then
    # Pico speaks at about 150 words/min at one pitch; eSpeak's pitch 0-99 is mapped to -4..+4 semitones
    pico2wave -l "$([[ $lang == fr ]] && echo fr-FR || echo en-US)" -w "$tmp/pico.wav" "$5"
    sox "$tmp/pico.wav" "$tmp/raw.wav" tempo -s "$(awk -v s="$2" 'BEGIN { print s / 150 }')" \
      pitch $((($3 - 50) * 8)) vol "$(awk -v a="$4" 'BEGIN { print a / 100 }')"
  else
    espeak-ng -v "$1" -s "$2" -p "$3" -a "$4" -w "$tmp/raw.wav" "$5" 2> >(grep -v '^mbrola: ' >&2)
  fi
}

# say VOICE SPEED PITCH AMP TEXT: the speech at 16 kHz with room before and after in $tmp/utt.wav.
say() {
  speak "$@"
  sox "$tmp/raw.wav" -r 16000 -c 1 -b 16 "$tmp/core.wav" silence 1 0.01 "$trim%" reverse silence 1 0.01 "$trim%" reverse
  local before="0.$((RANDOM % 6 + 3))" after="0.$((RANDOM % 6 + 3))"
  ((room)) || before=0 after=0
  sox "$tmp/core.wav" "$tmp/utt.wav" pad "$before" "$after"
}

gen_set() {
  local set=$1 voices speeds n=0
  if [[ $set == tuning ]]; then voices=$tuning_voices speeds=$tuning_speeds; else voices=$heldout_voices speeds=$heldout_speeds; fi
  ((small)) && speeds=${speeds%% *}
  while IFS=$'\t' read -r expected scale which text; do
    [[ -z $expected || $expected == \#* ]] && continue
    [[ $which == all || $which == "$set" ]] || continue
    for v in $voices; do
      local si=0 name
      for s in $speeds; do
        name="${set}_$(printf %04d $n)"; n=$((n + 1))
        say "$v" "$s" "${pitches[$(((RANDOM + si) % 3))]}" "${amps[$((RANDOM % 3))]}" "$text"
        cp "$tmp/utt.wav" "$out/$name.wav"
        emit "$name.wav" "$expected" "$scale" "$set" "$v/$s" clean "$text"
        si=$((si + 1))
      done
      ((small || !noise)) && continue
      # Noise grid: one speed per voice and phrase, each noise condition.
      for cond in $conditions; do
        name="${set}_$(printf %04d $n)"; n=$((n + 1))
        # drawn here, not in a $(...): bash 5.1+ reseeds RANDOM in a subshell, and the corpus would
        # differ at each generation
        speed_list=($speeds)
        s=${speed_list[$((RANDOM % ${#speed_list[@]}))]}
        say "$v" "$s" "${pitches[$((RANDOM % 3))]}" 100 "$text"
        in_condition "$tmp/utt.wav" "$cond" "$out/$name.wav"
        emit "$name.wav" "$expected" "$scale" "$set" "$v/$s" "$cond" "$text"
      done
    done
  done < "$phrases"
  ((nonspeech)) && gen_nonspeech "$set" "$n"
  return 0
}

# Non-speech and distant speech: must all be rejected.
gen_nonspeech() {
  local set=$1 n=$2 name i scale
  for i in 0 1 2 3 4 5; do
    scale=$([[ $((i % 2)) == 0 ]] && echo 4 || echo 7)
    name="${set}_$(printf %04d $n)"; n=$((n + 1))
    case $i in
      0) sox -n -r 16000 -c 1 -b 16 "$out/$name.wav" synth 2 sine 0 ;;
      1) sox -n -r 16000 -c 1 -b 16 "$out/$name.wav" synth 2.5 whitenoise vol 0.0$((RANDOM % 5 + 2)) ;;
      2) sox -n -r 16000 -c 1 -b 16 "$out/$name.wav" synth 2 brownnoise vol 0.2 ;;
      3) sox "$tmp/babble.wav" "$out/$name.wav" trim $((RANDOM % 30)) 2.5 vol 0.5 ;;
      4) # cough-like: two short bursts of filtered noise with a fast attack, in light room noise
         sox -n -r 16000 -c 1 "$tmp/c1.wav" synth 0.25 pinknoise fade q 0.01 0.25 0.2 vol 0.7 highpass 300
         sox -n -r 16000 -c 1 "$tmp/c2.wav" synth 0.2 pinknoise fade q 0.01 0.2 0.15 vol 0.5 highpass 400
         sox "$tmp/c1.wav" "$tmp/c2.wav" -b 16 "$out/$name.wav" pad 0.5 0.6 ;;
      5) # a neighbour talking at a distance: quiet speech of another voice, low-passed
         espeak-ng -v "${babble_voices%% *}" -s 170 -w "$tmp/nb.wav" "vous avez bien dormi cette nuit"
         sox "$tmp/nb.wav" -r 16000 -c 1 -b 16 "$out/$name.wav" lowpass 2500 vol 0.15 pad 0.4 0.4 ;;
    esac
    emit "$name.wav" reject "$scale" "$set" none "noise$i" "(non-speech $i)"
  done
}

RANDOM=4242
make_babble
make_beds
conditions=$(for k in $noises; do
  case $k in
    soft) printf 'soft20 soft30 ' ;;
    reverb) printf 'reverb50 reverb90 ' ;;
    *) printf '%s20 %s10 ' "$k" "$k" ;;
  esac
done)
for set in ${sets//,/ }; do gen_set "$set"; done
echo "make-corpus: $(($(wc -l < "$manifest") - 1)) files in $out" >&2
