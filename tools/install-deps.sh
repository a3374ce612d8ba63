#!/usr/bin/env bash
# Installs the Debian 12 packages qlq-kiosk needs to build and test, when they are missing. Run as root.
set -euo pipefail
packages=(
  build-essential cmake pkg-config
  libsqlite3-dev sqlite3 libcjson-dev libssl-dev
  libcmocka-dev
  espeak-ng libespeak-ng-dev sox libsox-fmt-all
  pocketsphinx libpocketsphinx-dev libsphinxbase-dev pocketsphinx-en-us
  portaudio19-dev libasound2-dev libjack-jackd2-dev libsamplerate0-dev libspeexdsp-dev libsonic-dev libcurl4-openssl-dev openssl
  pulseaudio pulseaudio-utils libasound2-plugins
)
missing=()
for p in "${packages[@]}"; do
  dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" || missing+=("$p")
done
if ((${#missing[@]})); then
  echo "install-deps: installing ${missing[*]}" >&2
  export DEBIAN_FRONTEND=noninteractive
  apt-get update -qq
  apt-get install -y -qq --no-install-recommends "${missing[@]}"
fi
