#!/usr/bin/env python3
"""Checks malbok's Merkle proofs and signed checkpoints, written from events/PROOFS.md alone.

proofs.py vectors DIR                              tree heads and proofs in DIR/tree.jsonl, proofs.jsonl
proofs.py proof PROOF --key PUB [--checkpoint CP]...   a JSON or C2SP tlog-proof file
proofs.py extends EXPORT.jsonl --checkpoint CP --key PUB   the export's first n events have CP's root
proofs.py signatures EXPORT.jsonl                  every signature.added of the export is valid (section 7)
"""
import base64, binascii, datetime, hashlib, json, re, sys
from cryptography.exceptions import InvalidSignature
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PublicKey

class Fail(Exception): pass
H = lambda b: hashlib.sha256(b).digest()
leaf = lambda data: H(b"\x00" + data)
node = lambda l, r: H(b"\x01" + l + r)
def b64(s, n=None):
    try: b = base64.b64decode(s, validate=True)
    except binascii.Error: raise Fail(f"not base64: {s[:40]!r}")
    if n is not None and len(b) != n: raise Fail(f"expected {n} bytes: {s[:40]!r}")
    return b
def unhex(s):
    if not isinstance(s, str) or not re.fullmatch(r"[0-9a-f]{64}", s): raise Fail(f"not a hash: {s!r}")
    return bytes.fromhex(s)

def mth(leaves):  # section 1: the RFC's recursive definition
    if not leaves: return H(b"")
    if len(leaves) == 1: return leaves[0]
    k = 1 << ((len(leaves) - 1).bit_length() - 1)
    return node(mth(leaves[:k]), mth(leaves[k:]))

def check_inclusion(m, n, lh, path, root):  # RFC 9162 2.1.3.2
    if m >= n: raise Fail("leaf index beyond the tree")
    fn, sn, r = m, n - 1, lh
    for p in path:
        if sn == 0: raise Fail("inclusion proof too long")
        if fn & 1 or fn == sn:
            r = node(p, r)
            while not fn & 1 and fn: fn >>= 1; sn >>= 1
        else: r = node(r, p)
        fn >>= 1; sn >>= 1
    if sn != 0 or r != root: raise Fail(f"inclusion proof of leaf {m} in size {n} fails")

def check_consistency(m, n, r1, r2, path):  # RFC 9162 2.1.4.2
    if not 0 < m <= n: raise Fail("need 0 < old <= new")
    if m == n:
        if path or r1 != r2: raise Fail(f"consistency {m} -> {n} fails"); return
        return
    if m & (m - 1) == 0: path = [r1] + path
    if not path: raise Fail("empty consistency proof")
    fn, sn = m - 1, n - 1
    while fn & 1: fn >>= 1; sn >>= 1
    fr = sr = path[0]
    for c in path[1:]:
        if sn == 0: raise Fail("consistency proof too long")
        if fn & 1 or fn == sn:
            fr, sr = node(c, fr), node(c, sr)
            while not fn & 1 and fn: fn >>= 1; sn >>= 1
        else: sr = node(sr, c)
        fn >>= 1; sn >>= 1
    if sn != 0 or fr != r1 or sr != r2: raise Fail(f"consistency {m} -> {n} fails")

def read_keys(paths):  # section 2: NAME+HASH+KEYDATA
    keys = {}
    for p in paths:
        for line in open(p, encoding="utf-8").read().split("\n"):
            if not line.strip(): continue
            name, kid, data = line.strip().split("+", 2)
            key = b64(data, 33)
            if key[0] != 1 or hashlib.sha256(name.encode() + b"\n" + key).digest()[:4] != bytes.fromhex(kid):
                raise Fail(f"key {name}: bad algorithm or key hash")
            keys[(name, kid)] = Ed25519PublicKey.from_public_bytes(key[1:])
    return keys

def open_checkpoint(msg, keys, what):  # section 3; returns (origin, size, root)
    if any(ord(c) < 0x20 and c != "\n" for c in msg): raise Fail(f"{what}: control character")
    i = msg.rfind("\n\n")
    if i < 0 or not msg.endswith("\n"): raise Fail(f"{what}: not a signed note")
    text, good = msg[:i + 1], 0
    for line in msg[i + 2:-1].split("\n"):
        if not line.startswith("\u2014 ") or " " not in line[2:]: raise Fail(f"{what}: bad signature line")
        name, sig = line[2:].split(" ", 1)
        sig = b64(sig)
        key = keys.get((name, sig[:4].hex()))
        if key is None: print(f"{what}: signature {name} {sig[:4].hex()}: unverified"); continue
        try: key.verify(sig[4:], text.encode("utf-8"))
        except InvalidSignature: raise Fail(f"{what}: the signature by {name} is bad")
        print(f"{what}: signature {name} {sig[:4].hex()}: ok"); good += 1
    if not good: raise Fail(f"{what}: no signature by a given key")
    lines = text[:-1].split("\n")
    if len(lines) < 3 or not lines[0] or not re.fullmatch(r"0|[1-9][0-9]*", lines[1]) or "" in lines[3:]:
        raise Fail(f"{what}: not a checkpoint")
    return lines[0], int(lines[1]), b64(lines[2], 32)

def proof(path, keys, cps):
    raw = open(path, encoding="utf-8").read()
    notes = [(c, open(c, encoding="utf-8").read()) for c in cps]
    if raw.startswith("c2sp.org/tlog-proof@v1\n"):
        head, cp = raw.split("\n\n", 1)
        lines = head.split("\n")[1:]
        event = b64(lines.pop(0)[6:]) if lines and lines[0].startswith("extra ") else None
        if not lines or not re.fullmatch(r"index (0|[1-9][0-9]*)", lines[0]): raise Fail("no index line")
        index, hashes = int(lines[0][6:]), [b64(l, 32) for l in lines[1:]]
        notes.append((path + " (checkpoint)", cp))
        p = {"type": "inclusion", "leaf_index": index, "tree_size": None}
    else:
        p = json.loads(raw)
        hashes = [unhex(h) for h in p["path"]]
        event = p["event"].encode("utf-8") if "event" in p else None
        notes += [(f"{path} ({k})", p[k]) for k in ("checkpoint", "old_checkpoint", "new_checkpoint") if k in p]
    roots, origins = {}, set()
    for what, msg in notes:
        origin, size, root = open_checkpoint(msg, keys, what)
        if roots.setdefault(size, root) != root: raise Fail(f"two checkpoints of size {size} differ")
        origins.add(origin)
        if p["type"] == "inclusion" and p["tree_size"] is None: p["tree_size"] = size
    if len(origins) > 1: raise Fail(f"checkpoints of different logs: {origins}")
    def root(n):
        if n not in roots: raise Fail(f"no signed checkpoint of size {n}")
        return roots[n]
    if p["type"] == "inclusion":
        if event is None: raise Fail("the proof carries no event")
        m = p["leaf_index"]
        if json.loads(event).get("seq") != m + 1: raise Fail("the event's seq is not leaf_index + 1")
        check_inclusion(m, p["tree_size"], leaf(event), hashes, root(p["tree_size"]))
        print(f"ok: event {m + 1} is in the tree of size {p['tree_size']}")
    elif p["type"] == "consistency":
        check_consistency(p["old_size"], p["new_size"], root(p["old_size"]), root(p["new_size"]), hashes)
        print(f"ok: size {p['new_size']} extends size {p['old_size']}")
    else: raise Fail("unknown proof type")

def vectors(d):
    tree = [json.loads(l) for l in open(f"{d}/tree.jsonl", encoding="utf-8")]
    leaves = [leaf(bytes.fromhex(l["input"])) for l in tree if l["type"] == "leaf"]
    if [unhex(l["leaf_hash"]) for l in tree if l["type"] == "leaf"] != leaves: raise Fail("leaf hashes differ")
    roots = {l["size"]: unhex(l["root"]) for l in tree if l["type"] == "head"}
    for n, r in roots.items():
        if mth(leaves[:n]) != r: raise Fail(f"tree head {n} differs")
    count = 0
    for l in open(f"{d}/proofs.jsonl", encoding="utf-8"):
        p = json.loads(l); path = [unhex(h) for h in p["path"]]; count += 1
        if p["type"] == "inclusion":
            check_inclusion(p["leaf_index"], p["tree_size"], leaves[p["leaf_index"]], path, roots[p["tree_size"]])
        else: check_consistency(p["old_size"], p["new_size"], roots[p["old_size"]], roots[p["new_size"]], path)
    print(f"ok: {len(roots)} tree heads and {count} proofs")

SIG_MSG = lambda seq, h: f"malbok event signature v1\n{seq}\n{h}\n".encode()  # section 7

def parse_key(text):  # section 2, one verifier key
    name, kid, data = text.split("+", 2)
    key = b64(data, 33)
    if key[0] != 1 or hashlib.sha256(name.encode() + b"\n" + key).digest()[:4] != bytes.fromhex(kid):
        raise Fail(f"key {name}: bad algorithm or key hash")
    return kid, Ed25519PublicKey.from_public_bytes(key[1:])

def sig_ok(pub, seq, h, sig):
    try: pub.verify(b64(sig, 64), SIG_MSG(seq, h)); return True
    except InvalidSignature: return False

def signature_vector(d):
    v = json.load(open(f"{d}/signature.json", encoding="utf-8"))
    kid, pub = parse_key(v["verifier_key"]); p = v["payload"]
    if SIG_MSG(v["seq"], v["hash"]).decode() != v["message"]: raise Fail("signature vector: message differs")
    if p["key_hash"] != kid or not sig_ok(pub, p["seq"], p["hash"], p["signature"]):
        raise Fail("signature vector: the signature does not verify")
    print("ok: the signature vector verifies")

def signatures(export):
    t = lambda s: datetime.datetime.fromisoformat(s.replace("Z", "+00:00"))
    keys, events, pending, counts, runs = {}, {}, [], {}, {}
    for line in open(export, "rb").read().split(b"\n"):
        if not line: continue
        e = json.loads(line[len(b'{"event":'):-75]); h = line[-66:-2].decode(); p = e["payload"]; at = e["seq"]
        events[at] = (h, e["actor"], e["run"])
        if e["kind"] not in ("ledger.genesis", "signature.added"):
            counts.setdefault(e["actor"], [0, 0])[1] += 1
        if e["kind"] == "actor.key_registered":
            kid, pub = parse_key(p["key"])
            if kid in keys: raise Fail(f"{at}: key {kid} registered twice")
            keys[kid] = [p["actor"], pub, None]
        elif e["kind"] == "actor.key_revoked":
            k = keys.get(p["key_hash"])
            if not k or k[0] != p["actor"]: raise Fail(f"{at}: revokes a key not registered to {p['actor']}")
            k[2] = k[2] or (at, t(p["effective"]))
        elif e["kind"] == "signature.added":
            if p["key_hash"] not in keys: raise Fail(f"{at}: signed by an unregistered key {p['key_hash']}")
            pending.append((at, t(e["time"]), p))
    for at, time, p in pending:
        actor, pub, revoked = keys[p["key_hash"]]
        if revoked and (revoked[0] < at or revoked[1] <= time): raise Fail(f"{at}: signed by a revoked key")
        if not 0 < p["seq"] < at or events[p["seq"]][0] != p["hash"]: raise Fail(f"{at}: signs a hash that is not the event's")
        h, signed_actor, run = events[p["seq"]]
        if signed_actor != actor: raise Fail(f"{at}: key of {actor} signs an event of {signed_actor}")
        if not sig_ok(pub, p["seq"], p["hash"], p["signature"]): raise Fail(f"{at}: the signature does not verify")
        runs[run] = (max(runs.get(run, (0,))[0], p["seq"]), actor)
    for run, (last, actor) in runs.items(): counts[actor][0] += last - run + 1
    for actor, (signed, n) in sorted(counts.items()): print(f"signed: {actor}: {signed} of {n} events")
    print(f"ok: {len(pending)} signatures verified")

def extends(export, cps, keys):
    (origin, size, root), = [open_checkpoint(open(c, encoding="utf-8").read(), keys, c) for c in cps]
    lines = open(export, "rb").read().split(b"\n")[:size]
    if len(lines) < size or not lines[-1]: raise Fail(f"the export holds fewer than {size} events")
    if mth([leaf(l[len(b'{"event":'):-75]) for l in lines]) != root: raise Fail("the first events differ from the checkpoint's")
    print(f"ok: the first {size} events have the root of {origin}")

def main(a):
    opts = lambda flag: [a[i + 1] for i in range(len(a) - 1) if a[i] == flag]
    try:
        if len(a) == 2 and a[0] == "vectors": vectors(a[1]); signature_vector(a[1])
        elif len(a) == 2 and a[0] == "signatures": signatures(a[1])
        elif len(a) >= 4 and a[0] == "proof": proof(a[1], read_keys(opts("--key")), opts("--checkpoint"))
        elif len(a) == 6 and a[0] == "extends": extends(a[1], opts("--checkpoint"), read_keys(opts("--key")))
        else: print(__doc__, file=sys.stderr); return 2
    except (Fail, ValueError, KeyError, TypeError) as e:
        print(f"FAIL: {e}"); return 1
    return 0

if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
