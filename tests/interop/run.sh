#!/usr/bin/env bash
# Interoperability: Go's reference packages golang.org/x/mod/sumdb/note and sumdb/tlog, which
# malbok did not write, verify malbok's golden tree vectors and, on a fresh ledger made by the
# real binary, its signed checkpoints (with a second, witness signature), a sealed report's
# inclusion proof (JSON and C2SP tlog-proof) and a consistency proof. Installs Debian's
# golang-go and golang-golang-x-mod-dev when missing (as root, like tests/browser/setup.sh);
# builds the checker offline in GOPATH mode.
set -euo pipefail
cd "$(dirname "$0")/../.."
root=$PWD

if ! command -v go >/dev/null || [ ! -d /usr/share/gocode/src/golang.org/x/mod/sumdb/tlog ]; then
    if [ "$(id -u)" -ne 0 ]; then
        echo "tests/interop/run.sh: needs golang-go golang-golang-x-mod-dev; run as root or install them" >&2
        exit 1
    fi
    export DEBIAN_FRONTEND=noninteractive
    apt-get update -qq >/dev/null
    apt-get install -y -qq golang-go golang-golang-x-mod-dev >/dev/null
fi

work=$root/target/interop
rm -rf "$work"
mkdir -p "$work/gopath/src"
cp -r tests/interop/malbokcheck "$work/gopath/src/"
(
    export GO111MODULE=off GOPATH="$work/gopath:/usr/share/gocode" GOCACHE="$work/gocache" GOFLAGS=
    cd "$work" && go build -o "$work/malbokcheck" malbokcheck
)
check=$work/malbokcheck

echo "interop: golden vectors"
"$check" vectors events/vectors
"$check" signature events/vectors/signature.json
sed 's/"signature": "h/"signature": "i/' events/vectors/signature.json >"$work/badsig.json"
if "$check" signature "$work/badsig.json" 2>/dev/null; then
    echo "FAILED: Go accepted a changed signature" >&2
    exit 1
fi

cargo build --quiet
malbok=${CARGO_TARGET_DIR:-$root/target}/debug/malbok
cd "$work"
export MALBOK_LEDGER=$work/ledger.db MALBOK_ACTOR=interop MALBOK_NOW=2021-09-01T10:00:00Z
"$malbok" init >/dev/null
"$malbok" import "$root/fixtures/ekero/events.jsonl" >/dev/null
"$malbok" keygen --name malbok.interop --out log >/dev/null
"$malbok" keygen --name witness.example --out witness >/dev/null
"$malbok" checkpoint --key log.key --size 40 >old.cp
seal=$("$malbok" seal --follow-up "Delår 2021" --org ekero --body ekero.sn --report-format md --format json |
    sed -n 's/.*"seal":\([0-9]*\).*/\1/p')
"$malbok" import "$root/fixtures/gotene/events.jsonl" >/dev/null
"$malbok" checkpoint --key log.key >new.cp
# A witness co-signs the same tree head: its signature line appended to the log's note.
{ cat new.cp; "$malbok" checkpoint --key witness.key | tail -n 1; } >cosigned.cp
"$malbok" prove seal "$seal" --key log.key >seal.json
"$malbok" prove inclusion "$seal" --key log.key --format tlog-proof >seal.tlog-proof
"$malbok" prove consistency 40 --key log.key >consistency.json
"$malbok" prove consistency 40 >consistency-bare.json
cat log.pub witness.pub >both.pub

echo "interop: fresh ledger (seal at $seal)"
"$check" checkpoint log.pub new.cp
"$check" checkpoint both.pub cosigned.cp
"$check" checkpoint log.pub cosigned.cp
"$check" proof log.pub seal.json
"$check" proof log.pub seal.tlog-proof
"$check" proof log.pub consistency.json
"$check" proof log.pub consistency-bare.json old.cp new.cp
# And malbok's own verifier agrees, with no ledger.
MALBOK_LEDGER=$work/none.db "$malbok" verify-proof consistency-bare.json --checkpoint old.cp --checkpoint cosigned.cp --key log.pub
"$malbok" verify --checkpoint old.cp --key log.pub

# A forged proof must be refused by Go: one hash of the path changed.
sed 's/"path": \[/"path": [\n    "0000000000000000000000000000000000000000000000000000000000000000",/' seal.json >forged.json
if "$check" proof log.pub forged.json 2>/dev/null; then
    echo "FAILED: Go accepted a forged inclusion proof" >&2
    exit 1
fi
echo "interop: ok (Go's sumdb/note and sumdb/tlog accept malbok's checkpoints and proofs, refuse a forged one)"
