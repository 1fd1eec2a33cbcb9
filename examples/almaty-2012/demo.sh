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

echo "== language versions: English (as issued) and Russian (synthetic), in concordance"
"$drafting" concordance "$here/recommendations.yaml"

echo "== lint (conventions S4–S12; the 2012 text is reported, not rejected)"
"$drafting" lint "$here/recommendations.yaml" --profile un-resolution || true

echo "== negotiation: four delegations' redlines, made in LibreOffice with Track Changes on"
ws="$out/negotiation"
rm -rf "$ws"
export DRAFTING_ACTOR="Secretariat"
"$drafting" negotiation init "$ws" --base "$here/recommendations.yaml"
"$drafting" submit "$ws" --by-file-name "$here"/submissions/*.docx   # kazakhstan.docx -> Kazakhstan
"$drafting" compile "$ws" -o "$out/compilation"

echo "== the chair's decisions, by amendment number (as the compilation shows them), in one batch each"
cat > "$out/decisions.csv" <<'CSV'
amendment,decision,note
TJK/2,accept,agreed in informal consultations
KGZ/2,accept,
TKM/1,reject,the Regional Action Plan is endorsed
KGZ/1,withdraw,withdrawn by the delegation
CSV
"$drafting" decide "$ws" --from-file "$out/decisions.csv"
printf 'paragraph,status\nendorse_rcf,agreed\nendorse_structures,agreed-ad-ref\n' > "$out/marks.csv"
"$drafting" mark "$ws" --from-file "$out/marks.csv"
"$drafting" status "$ws"

echo "== Rev.1: accepted amendments applied, undecided ones in square brackets"
"$drafting" revise "$ws" -o "$out/rev1"

echo "== second round: Kazakhstan resolves the brackets in an edited Markdown copy of Rev.1"
python3 - "$out"/rev1/*-rev1.md "$out/kazakhstan-rev1.md" <<'PY'
import re, sys
text = open(sys.argv[1], encoding="utf-8").read()
# Keep the last option of each bracket group: "[a][b][c]" -> "c", "[in persons ]" -> "in persons ".
text = re.sub(r"(?:\\\[[^\]\\]*\\\])+", lambda m: re.findall(r"\\\[([^\]\\]*)\\\]", m.group(0))[-1], text)
open(sys.argv[2], "w", encoding="utf-8").write(text)
PY
"$drafting" submit "$ws" --delegation Kazakhstan "$out/kazakhstan-rev1.md"
"$drafting" decide "$ws" --delegation Kazakhstan --status pending accept --note "agreed in the second reading"
"$drafting" revise "$ws" -o "$out/rev2"

echo "== the Russian version: paragraphs changed in English are pending translation until the translator's file"
"$drafting" concordance "$ws" || true
"$drafting" status "$ws" --json | python3 "$here/translate_rev2.py" > "$out/rev2-ru-update.md"
"$drafting" translation "$ws" --language ru "$out/rev2-ru-update.md"
"$drafting" concordance "$ws"
"$drafting" mark "$ws" ALL agreed >/dev/null
"$drafting" status "$ws" --json | python3 -c "import json, sys; r = json.load(sys.stdin); print(r[\"label\"], sorted({p[\"status\"] for p in r[\"paragraphs\"]}))"

echo "== final authentic version"
rm -rf "$out/final"
"$drafting" finalize "$ws" -o "$out/final"
"$drafting" verify "$out/final"
"$drafting" log "$ws"

echo "outputs in $out:"
ls -1 "$out" "$out/compilation" "$out/rev1" "$out/rev2" "$out/final"

echo "== the delegation portal: the first round, ready to run in a browser"
portal="$out/portal"
rm -rf "$portal"
"$drafting" negotiation init "$portal" --base "$here/recommendations.yaml" >/dev/null
for delegation in kazakhstan tajikistan kyrgyzstan turkmenistan; do
  "$drafting" submit "$portal" --delegation "$delegation" "$here/submissions/$delegation.docx" >/dev/null
done
"$drafting" users invite "$portal" --email clerk@secretariat.example --role clerk
"$drafting" users invite "$portal" --email delegate@kazakhstan.example --delegation KAZ
"$drafting" users invite "$portal" --email observer@unhcr.example --role observer
echo "open it:  $drafting serve $portal   then one of the links above (each works once; see docs/portal.md)"
