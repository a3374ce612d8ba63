#!/usr/bin/env bash
# Installs what is missing, builds the Release configuration and runs the kiosk on its embedded defaults
# (local SQLite database, no server, no network). Extra arguments go to qlq-kiosk.
set -euo pipefail
cd "$(dirname "$0")/.."
tools/install-deps.sh
cmake --preset release >/dev/null
cmake --build --preset release
exec build/release/app/qlq-kiosk "$@"
