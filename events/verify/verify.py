#!/usr/bin/env python3
"""Verifies a malbok export, written from events/ENCODING.md alone: verify.py EXPORT.jsonl [--head SEQ:HASH]"""
import json, re, sys, unicodedata
from datetime import datetime
from blake3 import blake3
TAG, ZERO = b"malbok-event-v1\x00", "0" * 64
PREFIX, SUFFIX = b'{"event":', re.compile(rb',"hash":"([0-9a-f]{64})"\}\n')
KIND = re.compile(r"[a-z][a-z0-9_]*(\.[a-z][a-z0-9_]*)*")
TIME = re.compile(r"[0-9]{4}-[0-9]{2}-[0-9]{2}T[0-9]{2}:[0-9]{2}:[0-9]{2}\.[0-9]{6}Z")
TYPES = {"actor": str, "kind": str, "kind_v": int, "payload": dict, "prev": str,
         "run": int, "seq": int, "time": str, "v": int}

class Fail(Exception): pass
def no_float(s): raise Fail(f"number {s[:40]} is not an integer (section 2: no floats)")
def int_ok(s):  # section 2: magnitude at most 2^53 - 1 (checked before int() of huge strings)
    if len(s) > 17 or abs(int(s)) > 2**53 - 1: raise Fail(f"integer {s[:40]} exceeds 2^53-1")
    return int(s)
def depth(v):  # section 2: the event object is level 1; at most 127 levels
    return 1 + max(map(depth, v.values() if isinstance(v, dict) else v), default=0) if isinstance(v, (dict, list)) else 0
def check(i, line, prev, last):  # one line at position i; returns (event, hash hex)
    m = SUFFIX.fullmatch(line, max(0, len(line) - 76))
    if not line.startswith(PREFIX) or not m:
        raise Fail('line is not {"event":...,"hash":"<64 lowercase hex>"} + \\n')
    raw = line[len(PREFIX):m.start()]
    try:
        ev = json.loads(raw.decode("utf-8"), parse_float=no_float, parse_int=int_ok,
                        parse_constant=no_float)
        canon = json.dumps(ev, sort_keys=True, separators=(",", ":"), ensure_ascii=False)
        if canon.encode("utf-8") != raw: raise Fail("event bytes are not canonical JSON")
    except (ValueError, RecursionError) as e:  # bad UTF-8, bad JSON, lone surrogates
        raise Fail(f"event bytes are not valid JSON/UTF-8 ({type(e).__name__})")
    if depth(ev) > 127: raise Fail("arrays and objects nest deeper than 127 levels")
    if not isinstance(ev, dict) or set(ev) != set(TYPES):
        raise Fail("event is not an object with exactly the nine members")
    for k, t in TYPES.items():
        if not isinstance(ev[k], t) or (t is int and isinstance(ev[k], bool)):
            raise Fail(f"member {k} is not of type {t.__name__}")
    if ev["v"] != 1: raise Fail(f"v is {ev['v']}, not 1")
    if ev["seq"] != i: raise Fail(f"seq is {ev['seq']}, expected {i}")
    if ev["prev"] != prev: raise Fail(f"prev is {ev['prev'][:80]}, expected {prev}")
    h = blake3(TAG + bytes.fromhex(prev) + raw).hexdigest()
    if m.group(1).decode() != h: raise Fail(f"stored hash {m.group(1).decode()} != computed {h}")
    try:
        if not TIME.fullmatch(ev["time"]) or ev["time"] < "0001": raise ValueError
        datetime.strptime(ev["time"], "%Y-%m-%dT%H:%M:%S.%fZ")
    except ValueError: raise Fail(f"time {ev['time'][:80]!r} is not YYYY-MM-DDTHH:MM:SS.ffffffZ")
    if last and ev["time"] < last["time"]: raise Fail("time is before the previous event's")
    if ev["run"] != i and not (last and ev["run"] == last["run"]):
        raise Fail(f"run is {ev['run']}, expected {i} or the previous run")
    k, a = ev["kind"], ev["actor"]
    if not KIND.fullmatch(k) or len(k) > 64 or ev["kind_v"] < 1: raise Fail("bad kind or kind_v")
    if not 0 < len(a) <= 128 or any(unicodedata.category(c) == "Cc" for c in a):
        raise Fail("actor is not 1 to 128 characters without control characters")
    if (i == 1) != k.startswith("ledger.") or (i == 1 and (k, ev["kind_v"]) != ("ledger.genesis", 1)):
        raise Fail("the first event, and only it, must be ledger.genesis (kind_v 1)")
    p = ev["payload"]
    if i == 1 and not (set(p) == {"ledger_id"} and isinstance(p["ledger_id"], str)
                       and re.fullmatch(r"[0-9a-f]{32}", p["ledger_id"])):
        raise Fail('genesis payload is not {"ledger_id":"<32 lowercase hex>"}')
    return ev, h
def main(path, head):
    i, prev, last, at_head = 0, ZERO, None, None
    s = int(head[1]) if head else 0
    try:
        with open(path, "rb") as f:
            for i, line in enumerate(f, 1):
                last, prev = check(i, line, prev, last)
                if i == s: at_head = prev
        if i == 0: raise Fail("the export has no events (n >= 1 is required)")
        if i < s: i += 1; raise Fail(f"export ends after {i - 1} events, head names {s}")
        if head and at_head != head[2]: i = s; raise Fail(f"hash {at_head} != head {head[2]}")
    except Fail as e:
        print(f"FAIL at position {max(i, 1)}: {e}"); return 1
    except OSError as e:
        print(f"cannot read {path}: {e}", file=sys.stderr); return 2
    print(f"ok: {i} events, head {i}:{prev}"); return 0

if __name__ == "__main__":
    a = sys.argv[1:]
    head = re.fullmatch(r"([1-9][0-9]*):([0-9a-f]{64})", a[2]) if len(a) == 3 else None
    if not (len(a) == 1 or (head and a[1] == "--head")):
        print("usage: verify.py EXPORT.jsonl [--head SEQ:HASH]", file=sys.stderr); sys.exit(2)
    sys.exit(main(a[0], head))
