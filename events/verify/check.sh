#!/usr/bin/env bash
# The independent verifier (verify.py, written from ENCODING.md alone) must accept the golden
# vectors and a fresh export of the demo ledger, and reject a tampered copy of that export.
# proofs.py (written from PROOFS.md alone) checks the tree vectors, a signed checkpoint and
# inclusion and consistency proofs of the same ledger, and rejects the tampered export against
# the checkpoint. Installs blake3 and cryptography (pinned in requirements.txt) into
# target/verify-venv.
set -euo pipefail
cd "$(dirname "$0")/../.."

venv=target/verify-venv
[ -x "$venv/bin/python" ] || python3 -m venv "$venv"
"$venv/bin/pip" install --quiet --disable-pip-version-check -r events/verify/requirements.txt
py="$venv/bin/python"

work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
malbok() { cargo run --quiet -- --ledger "$work/demo.db" "$@"; }

malbok demo --keep "$work/demo.db" >/dev/null
malbok export >"$work/export.jsonl"
head=$(malbok head --format json | "$py" -c 'import json,sys; h=json.load(sys.stdin); print("%d:%s" % (h["seq"], h["hash"]))')

echo "independent verifier: golden vectors"
"$py" events/verify/verify.py events/vectors/chain.jsonl
echo "independent verifier: fresh export against head $head"
"$py" events/verify/verify.py "$work/export.jsonl" --head "$head"

# One changed character in the middle of the export must be rejected.
"$py" - "$work/export.jsonl" "$work/tampered.jsonl" <<'PY'
import sys
lines = open(sys.argv[1], encoding="utf-8").read().split("\n")
i = len(lines) // 2
lines[i] = lines[i].replace('"seq":', '"seq": ', 1) if "x" not in lines[i] else lines[i].replace("x", "y", 1)
open(sys.argv[2], "w", encoding="utf-8").write("\n".join(lines))
PY
echo "independent verifier: tampered export (must fail)"
if "$py" events/verify/verify.py "$work/tampered.jsonl"; then
  echo "FAILED: the independent verifier accepted a tampered export" >&2
  exit 1
fi
echo "independent verifier: ok (tampered export rejected)"

echo "independent verifier: tree vectors, checkpoints and proofs (proofs.py)"
"$py" events/verify/proofs.py vectors events/vectors
malbok keygen --name malbok.check --out "$work/log" >/dev/null
malbok checkpoint --key "$work/log.key" --size 10 >"$work/old.cp"
malbok checkpoint --key "$work/log.key" >"$work/new.cp"
malbok prove inclusion 5 --key "$work/log.key" >"$work/inclusion.json"
malbok prove inclusion 5 --key "$work/log.key" --format tlog-proof >"$work/inclusion.tlog-proof"
malbok prove consistency 10 >"$work/consistency.json"
"$py" events/verify/proofs.py proof "$work/inclusion.json" --key "$work/log.pub"
"$py" events/verify/proofs.py proof "$work/inclusion.tlog-proof" --key "$work/log.pub"
"$py" events/verify/proofs.py proof "$work/consistency.json" --key "$work/log.pub" \
    --checkpoint "$work/old.cp" --checkpoint "$work/new.cp"
"$py" events/verify/proofs.py extends "$work/export.jsonl" --checkpoint "$work/new.cp" --key "$work/log.pub"
if "$py" events/verify/proofs.py extends "$work/tampered.jsonl" --checkpoint "$work/new.cp" --key "$work/log.pub"; then
  echo "FAILED: proofs.py accepted a tampered export against the checkpoint" >&2
  exit 1
fi
echo "independent verifier: ok (proofs and checkpoints verified, tampered export rejected)"

echo "independent verifier: signed events (proofs.py signatures)"
export MALBOK_ACTOR=anna
malbok keygen --name anna --out "$work/anna" >/dev/null
malbok append --kind actor.key_registered \
    --payload "{\"actor\":\"anna\",\"key\":\"$(tr -d '\n' <"$work/anna.pub")\"}" >/dev/null
malbok --sign-key "$work/anna.key" organisation add --id signerad --name "Signerad kommun" >/dev/null
malbok verify | grep -q "signed: anna: 1 of 2 events"
malbok export >"$work/signed.jsonl"
"$py" events/verify/proofs.py signatures "$work/signed.jsonl" | tee "$work/signed.out"
grep -q "signed: anna: 1 of 2 events" "$work/signed.out"
"$py" - "$work/signed.jsonl" "$work/badsig.jsonl" <<'PY'
import re, sys
lines = open(sys.argv[1], encoding="utf-8").read().split("\n")
for i, l in enumerate(lines):
    if "signature.added" in l:
        lines[i] = re.sub(r'"signature":"(.)', lambda m: '"signature":"' + ("B" if m.group(1) == "A" else "A"), l, count=1)
open(sys.argv[2], "w", encoding="utf-8").write("\n".join(lines))
PY
if "$py" events/verify/proofs.py signatures "$work/badsig.jsonl"; then
  echo "FAILED: proofs.py accepted a bad signature" >&2
  exit 1
fi
echo "independent verifier: ok (signatures verified, a bad one rejected)"
