#!/usr/bin/env bash
# fetch-fr-model.sh - gets the CMU Sphinx French acoustic model (cmusphinx-fr-ptm-8khz-5.2,
# Université du Maine / Alpha Cephei, BSD licence) and writes it as a PocketSphinx 0.8 model
# directory, with its full French dictionary (dict.txt).
#
#   tools/acoustic/fetch-fr-model.sh OUTDIR
#
# Debian has no French acoustic model. This one is trained on real French speech; it reaches this
# machine through the npm registry, inside the soundswallower package (0.6.3, MIT, by the author of
# PocketSphinx), whose model/fr-fr holds the binary files unchanged from the SourceForge release.
# The tarball is pinned by its SHA-256. The files are the ones PocketSphinx 0.8 reads (mdef,
# means, variances, sendump, transition_matrices); only feat.params is written here from the
# package's feat_params.json, and noisedict renamed. Needs: npm, tar, sha256sum.
set -euo pipefail
[[ $# -eq 1 ]] || { echo "usage: fetch-fr-model.sh OUTDIR" >&2; exit 2; }
out=$1
pkg=soundswallower@0.6.3
want=328d1ab2c3708ae85da34bd01f959b99718433ae10758d7919b5636d7841efb1
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
command -v npm >/dev/null || { echo "fetch-fr-model: npm not found (apt-get install npm)" >&2; exit 1; }
(cd "$tmp" && npm pack --silent "$pkg" >/dev/null)
tgz=$(ls "$tmp"/soundswallower-*.tgz)
got=$(sha256sum "$tgz" | cut -d' ' -f1)
[[ $got == "$want" ]] || { echo "fetch-fr-model: $pkg has SHA-256 $got, expected $want" >&2; exit 1; }
tar -xzf "$tgz" -C "$tmp" package/model/fr-fr
src=$tmp/package/model/fr-fr
mkdir -p "$out"
cp "$src/mdef" "$src/means" "$src/variances" "$src/sendump" "$src/transition_matrices" \
  "$src/dict.txt" "$src/LICENSE.txt" "$src/README.txt" "$out/"
cp "$src/noisedict.txt" "$out/noisedict"
# feat_params.json: {"lowerf": 130, "upperf": 3700, "nfilt": 20, ..., "varnorm": false, ...}
cat > "$out/feat.params" <<'EOF'
-lowerf 130
-upperf 3700
-nfilt 20
-transform dct
-lifter 22
-feat 1s_c_d_dd
-svspec 0-12/13-25/26-38
-agc none
-cmn current
-varnorm no
-model ptm
EOF
for key in '"lowerf": 130' '"upperf": 3700' '"nfilt": 20' '"feat": "1s_c_d_dd"' '"svspec": "0-12/13-25/26-38"'; do
  grep -qF "$key" "$src/feat_params.json" || { echo "fetch-fr-model: feat_params.json changed ($key)" >&2; exit 1; }
done
echo "fetch-fr-model: French model written to $out" >&2
