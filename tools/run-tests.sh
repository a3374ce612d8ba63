#!/usr/bin/env bash
# Installs what is missing, builds the Release and the ASan+UBSan configurations, runs every test in both.
set -euo pipefail
cd "$(dirname "$0")/.."
tools/install-deps.sh
for preset in release asan; do
  cmake --preset "$preset" >/dev/null
  cmake --build --preset "$preset"
  ctest --preset "$preset"
done
