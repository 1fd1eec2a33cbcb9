#!/bin/sh
# The Almaty 2012 sample, end to end. Usage: demo.sh DRAFTING_BIN OUTDIR
set -eu
drafting=$1
out=$2
here=$(dirname "$0")
mkdir -p "$out"

echo "== clause library"
"$drafting" clauses check clauses

echo "== assemble: as issued in 2012, and the same spec in UN resolution style"
"$drafting" assemble "$here/recommendations.yaml" -o "$out" --format md,docx,pdf
"$drafting" assemble "$here/recommendations.yaml" -o "$out" --format md,docx,pdf \
  --profile un-resolution --name recommendations-un-style

echo "== lint (conventions S4–S12; the 2012 text is reported, not rejected)"
"$drafting" lint "$here/recommendations.yaml" --profile un-resolution || true

echo "outputs in $out:"
ls -1 "$out"
