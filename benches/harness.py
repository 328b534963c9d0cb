#!/usr/bin/env python3
"""The malbok benchmark harness (called by benches/run.sh; Python 3 standard library only).

For each size, on the same generated data in the same run: import into a fresh ledger, verify,
whole-process wall time and peak RSS (median of 3) of the read commands, seal and reproduce,
one durable `reading add`, disk against export, a second small import into the big ledger,
and the baselines (raw sled and raw BLAKE3 on the same bytes; the Python `eventsourcing` peer
on the small workload). Writes BENCHMARKS.md (or target/bench/BENCHMARKS.smoke.md with
--smoke). Exits non-zero on a crash or a wrong answer, never on a time.

Usage: python3 benches/harness.py [--smoke] [--seed S] [small|medium|national|N ...]
"""

import datetime
import json
import os
import re
import shutil
import statistics
import subprocess
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
BIN = ROOT / "target" / "release" / "malbok"
WORK = ROOT / "target" / "bench"
SIZES = {"small": 100_000, "medium": 1_000_000, "national": 10_000_000}
# The second, small set imported into each ledger: an import's cost must not grow with it.
SECOND = 20_000
# The ledger time every appended event records, so runs are comparable.
NOW = "2024-04-01T10:00:00Z"
GIB = 1 << 30


class WrongAnswer(Exception):
    """A command failed or answered wrongly: the harness exits non-zero."""


def env():
    e = dict(os.environ)
    e.update({"MALBOK_ACTOR": "bench", "MALBOK_NOW": NOW, "TZ": "UTC", "LC_ALL": "C"})
    e.pop("MALBOK_LEDGER", None)
    return e


def run(args, check=True):
    """Runs a command; returns (wall seconds, peak RSS bytes, stdout text).

    stdout goes to a file (a pipe could fill while we wait); os.wait4 gives this child's own
    peak RSS (ru_maxrss, KiB on Linux)."""
    out_path = WORK / "stdout.txt"
    err_path = WORK / "stderr.txt"
    with open(out_path, "wb") as out, open(err_path, "wb") as err:
        started = time.perf_counter()
        child = subprocess.Popen([str(a) for a in args], stdout=out, stderr=err, env=env(), cwd=ROOT)
        _, status, usage = os.wait4(child.pid, 0)
        wall = time.perf_counter() - started
        child.returncode = os.waitstatus_to_exitcode(status)
    text = out_path.read_text(errors="replace")
    if check and child.returncode != 0:
        raise WrongAnswer(
            f"{' '.join(map(str, args))} exited {child.returncode}:\n{err_path.read_text(errors='replace')[-2000:]}"
        )
    return wall, usage.ru_maxrss * 1024, text


def malbok(ledger, *args, check=True):
    return run([BIN, "--ledger", ledger, *args], check=check)


def median_of(n, fn):
    """Runs fn n times; returns (median wall, max RSS, the last output)."""
    walls, rss, out = [], 0, ""
    for _ in range(n):
        w, r, out = fn()
        walls.append(w)
        rss = max(rss, r)
    return statistics.median(walls), rss, out


def du(path):
    return sum(f.stat().st_size for f in Path(path).rglob("*") if f.is_file())


def head_seq(ledger):
    _, _, out = malbok(ledger, "head", "--format", "json")
    return int(json.loads(out)["seq"])


def measure(size_name, events, seed, reps, log):
    """Every figure for one size. Returns a dict of figures."""
    f = {"events": events}
    data = WORK / f"{size_name}.jsonl"
    ledger = WORK / f"{size_name}.db"
    export = WORK / f"{size_name}.export.jsonl"
    shutil.rmtree(ledger, ignore_errors=True)

    log(f"[{size_name}] gen {events} events")
    w, _, _ = run([BIN, "gen", "--size", events, "--seed", seed, "--out", data])
    f["gen_s"] = w
    lines = sum(1 for _ in open(data, "rb"))
    if lines != events:
        raise WrongAnswer(f"gen wrote {lines} lines, not {events}")
    org = f"k0001s{seed}"
    body = None
    with open(data, encoding="utf-8") as fh:
        for line in fh:
            if '"kind":"body.registered"' in line:
                p = json.loads(line)["payload"]
                if p["organisation"] == org and not p["id"].endswith(".kf"):
                    body = p["id"]
                    break
    if body is None:
        raise WrongAnswer(f"no nämnd of {org} in {data}")
    f["org"], f["body"] = org, body

    malbok(ledger, "init")
    # One import of the whole file: it streams, staging parts and committing once.
    log(f"[{size_name}] import")
    total, peak, out = malbok(ledger, "import", data)
    if f"appended {events} events at 2–{events + 1}" not in out:
        raise WrongAnswer(f"import said: {out}")
    f["import_s"], f["import_rss"], f["import_eps"] = total, peak, events / total
    f["disk_after_import"] = du(ledger)

    log(f"[{size_name}] verify")
    w, rss, out = malbok(ledger, "verify")
    if not out.startswith(f"ok: {events + 1} events verified"):
        raise WrongAnswer(f"verify said: {out}")
    f["verify_s"], f["verify_rss"], f["verify_eps"] = w, rss, (events + 1) / w

    log(f"[{size_name}] export")
    with open(export, "wb") as fh:
        started = time.perf_counter()
        code = subprocess.call([BIN, "--ledger", ledger, "export"], stdout=fh, env=env())
        f["export_s"] = time.perf_counter() - started
    if code != 0:
        raise WrongAnswer(f"export exited {code}")
    f["export_bytes"] = export.stat().st_size

    at, early = "2021-08-31", max(2, events // 10)
    f["at"], f["early"] = at, early
    goal = f"{org}.mp.m01"
    queries = {
        "head": ["head"],
        "status": ["status", "--org", org, "--at", at],
        "status_known_at": ["status", "--org", org, "--at", at, "--known-at", early],
        "history": ["history", goal],
        "report": ["report", "--follow-up", "Delår 2021", "--org", org, "--body", body],
    }
    f["commands"] = {}
    for name, args in queries.items():
        log(f"[{size_name}] {name}")
        w, rss, out = median_of(reps, lambda: malbok(ledger, *args))
        if not out.strip():
            raise WrongAnswer(f"{name} printed nothing")
        f["commands"][name] = (w, rss, args)
    f["replay_eps"] = events / f["commands"]["status"][0]

    log(f"[{size_name}] seal, reproduce")
    seal_args = ["seal", "--follow-up", "Delår 2021", "--org", org, "--body", body, "--report-format", "md"]
    seals = []

    def seal():
        w, rss, out = malbok(ledger, *seal_args)
        m = re.match(r"seal (\d+):", out)
        if not m:
            raise WrongAnswer(f"seal said: {out}")
        seals.append(m.group(1))
        return w, rss, out

    w, rss, _ = median_of(reps, seal)
    f["commands"]["seal"] = (w, rss, seal_args)

    def reproduce():
        w, rss, out = malbok(ledger, "reproduce", seals[0])
        if "byte-identical" not in out:
            raise WrongAnswer(f"reproduce {seals[0]} said: {out}")
        return w, rss, out

    w, rss, _ = median_of(reps, reproduce)
    f["commands"]["reproduce"] = (w, rss, ["reproduce", seals[0]])

    log(f"[{size_name}] reading add")
    indicator = f"{goal}.i2"
    years = iter(range(2040, 2100))

    def reading_add():
        y = next(years)
        args = ["reading", "add", "--indicator", indicator, "--from", f"{y}-01-01", "--to", f"{y}-12-31",
                "--value", "1", "--source-kind", "internal", "--source-description", "Benchmark"]
        w, rss, out = malbok(ledger, *args)
        if not out.startswith("appended "):
            raise WrongAnswer(f"reading add said: {out}")
        return w, rss, out

    w, rss, _ = median_of(reps, reading_add)
    f["commands"]["reading_add"] = (w, rss, ["reading", "add", "--indicator", indicator, "--from", "Y-01-01",
                                             "--to", "Y-12-31", "--value", "1", "--source-kind", "internal",
                                             "--source-description", "Benchmark"])
    f["disk_after_reads"] = du(ledger)

    log(f"[{size_name}] second set of {SECOND} events")
    fresh = WORK / f"{size_name}.fresh.db"
    shutil.rmtree(fresh, ignore_errors=True)
    second_seed = str(int(seed) + 1000)
    second_fresh = WORK / f"{size_name}.second-fresh.jsonl"
    run([BIN, "gen", "--size", SECOND, "--seed", second_seed, "--out", second_fresh])
    malbok(fresh, "init")
    w, rss, _ = malbok(fresh, "import", second_fresh)
    f["second_fresh_s"], f["second_fresh_rss"] = w, rss
    shutil.rmtree(fresh, ignore_errors=True)
    after = head_seq(ledger)
    second = WORK / f"{size_name}.second.jsonl"
    run([BIN, "gen", "--size", SECOND, "--seed", second_seed, "--after", after, "--out", second])
    w, rss, out = malbok(ledger, "import", second)
    if f"appended {SECOND} events at {after + 1}–{after + SECOND}" not in out:
        raise WrongAnswer(f"second import said: {out}")
    f["second_s"], f["second_rss"] = w, rss
    _, _, out = malbok(ledger, "verify")
    if not out.startswith(f"ok: {after + SECOND} events verified"):
        raise WrongAnswer(f"verify after the second import said: {out}")

    log(f"[{size_name}] baselines")
    figures = {"sled_insert": [], "blake3_chain": []}
    for _ in range(reps):
        _, _, out = run(["cargo", "bench", "--quiet", "--bench", "baseline", "--", export, WORK / f"{size_name}.sled"])
        for name, got in figures.items():
            m = re.search(rf"^{name} events=(\d+) seconds=([\d.]+) events_per_s=(\d+)$", out, re.M)
            if not m or int(m.group(1)) != events + 1:
                raise WrongAnswer(f"baseline {name} said: {out}")
            got.append(int(m.group(3)))
    for name, got in figures.items():
        f[name + "_eps"] = statistics.median(got)

    for p in (ledger, WORK / f"{size_name}.sled"):
        shutil.rmtree(p, ignore_errors=True)
    for p in (data, export, second, second_fresh):
        p.unlink(missing_ok=True)
    return f


def peer(log):
    """The Python eventsourcing peer on the small workload, or why it could not run."""
    shared = [p for p in (ROOT.parent / "shared", ROOT.parent.parent / "shared") if (p / "peers").is_dir()]
    if not shared:
        return {"error": "../shared/peers not found beside the repository"}
    script = shared[0] / "peers" / "eventsourcing_peer.py"
    venv = ROOT / "target" / "bench-venv"
    python = venv / "bin" / "python"
    log("[peer] eventsourcing")
    try:
        if subprocess.call([python, "-c", "import eventsourcing"], stderr=subprocess.DEVNULL) != 0:
            raise FileNotFoundError
    except (FileNotFoundError, OSError):
        steps = [[sys.executable, "-m", "venv", venv], [venv / "bin" / "pip", "install", "--quiet", "eventsourcing"]]
        for step in steps:
            if subprocess.call([str(s) for s in step]) != 0:
                return {"error": f"`{' '.join(map(str, step[-3:]))}` failed"}
    db = WORK / "peer.db"
    try:
        w, rss, out = run([python, script, 100_000, db])
    except WrongAnswer as e:
        return {"error": f"the peer failed: {str(e)[:200]}"}
    finally:
        db.unlink(missing_ok=True)
    m = re.search(r"events=(\d+) .*append_ev_per_s=(\d+) .*replay_ev_per_s=(\d+)", out)
    if not m:
        return {"error": f"unexpected peer output: {out[:200]}"}
    return {"events": int(m.group(1)), "append_eps": int(m.group(2)), "replay_eps": int(m.group(3)), "rss": rss}


# --- the report ------------------------------------------------------------------------------


def ms(s):
    return f"{s * 1000:,.0f} ms" if s < 10 else f"{s:,.1f} s"


def mib(b):
    return f"{b / (1 << 20):,.0f} MiB" if b < GIB else f"{b / GIB:,.2f} GiB"


def eps(x):
    return f"{x:,.0f} ev/s"


def sh(cmd):
    try:
        return subprocess.run(cmd, shell=True, capture_output=True, text=True, cwd=ROOT).stdout.strip()
    except OSError:
        return "?"


def machine():
    cpu = sh("grep -m1 'model name' /proc/cpuinfo | cut -d: -f2").strip()
    mem = sh("free -b | awk '/^Mem:/ {print $2}'")
    mem = mib(int(mem)) if mem.isdigit() else "?"
    return f"{sh('nproc')} cores, {cpu or '?'}, {mem} RAM, Linux {sh('uname -r')}, {sh('rustc -V')}"


def verdict(ok, short):
    return "met" if ok else f"**not met**: {short}"


def goals(f, peer_figures):
    """Rows: goal, figure, ratio to its baseline, verdict; judged at the largest size measured."""
    rows = []
    reads = ["head", "status", "history", "report", "reproduce"]
    for name in reads:
        w, _, _ = f["commands"][name]
        rows.append((f"`{name}` ≤ 300 ms", ms(w), "", verdict(w <= 0.3, f"{w / 0.3:,.1f}× too slow")))
    w = f["commands"]["status_known_at"][0]
    rows.append(("`status --known-at` an early position ≤ 1 s", ms(w), "", verdict(w <= 1, f"{w:,.1f}× too slow")))
    w = f["commands"]["reading_add"][0]
    rows.append(("one durable `reading add` ≤ 50 ms", ms(w), "", verdict(w <= 0.05, f"{w / 0.05:,.0f}× too slow")))
    r = f["import_eps"] / f["sled_insert_eps"]
    rows.append(("import ≥ 500k ev/s", eps(f["import_eps"]), "",
                 verdict(f["import_eps"] >= 500_000, f"{500_000 / f['import_eps']:,.1f}× too slow")))
    rows.append(("import ≥ 60 % of raw sled", f"{r:.1%}", f"raw sled {eps(f['sled_insert_eps'])}",
                 verdict(r >= 0.6, f"{0.6 / r:,.1f}× short")))
    g = f["second_s"] / f["second_fresh_s"]
    rows.append((f"import of {SECOND:,} events does not grow with the ledger", ms(f["second_s"]),
                 f"{g:,.1f}× its time into a fresh ledger ({ms(f['second_fresh_s'])})",
                 verdict(g <= 1.5, f"{g:,.1f}× slower than into a fresh ledger")))
    v = f["verify_eps"] / f["blake3_chain_eps"]
    rows.append(("verify ≥ 1M ev/s", eps(f["verify_eps"]), "",
                 verdict(f["verify_eps"] >= 1_000_000, f"{1_000_000 / f['verify_eps']:,.1f}× too slow")))
    rows.append(("verify ≥ 50 % of raw BLAKE3 chaining", f"{v:.1%}", f"raw BLAKE3 {eps(f['blake3_chain_eps'])}",
                 verdict(v >= 0.5, f"{0.5 / v:,.1f}× short")))
    peak = max([f["import_rss"], f["verify_rss"], f["second_rss"]] + [c[1] for c in f["commands"].values()])
    rows.append(("peak RSS ≤ 1 GiB for every command", mib(peak), "", verdict(peak <= GIB, f"{peak / GIB:,.1f}× over")))
    d = f["disk_after_reads"] / f["export_bytes"]
    rows.append(("ledger on disk ≤ 1.5 × its export", f"{d:.2f}×",
                 f"{mib(f['disk_after_reads'])} / {mib(f['export_bytes'])}", verdict(d <= 1.5, f"{d / 1.5:,.1f}× over")))
    return rows


def peer_rows(small, p):
    if small is None:
        return [("≥ 10× the eventsourcing peer", "", "", "not measured: the small size was not run")]
    if "error" in p:
        return [("≥ 10× the eventsourcing peer", "", "", f"not measured: {p['error']}")]
    a = small["import_eps"] / p["append_eps"]
    r = small["replay_eps"] / p["replay_eps"]
    return [
        ("append ≥ 10× the eventsourcing peer (small)", eps(small["import_eps"]),
         f"{a:,.2f}× the peer's {eps(p['append_eps'])}", verdict(a >= 10, f"{10 / a:,.1f}× short")),
        ("replay ≥ 10× the eventsourcing peer (small)", eps(small["replay_eps"]),
         f"{r:,.2f}× the peer's {eps(p['replay_eps'])}", verdict(r >= 10, f"{10 / r:,.1f}× short")),
    ]


def load():
    try:
        return " ".join(Path("/proc/loadavg").read_text().split()[:3])
    except OSError:
        return "?"


def report(results, p, seed, command, smoke, started):
    names = list(results)
    largest = names[-1]
    lines = [
        "# Benchmarks",
        "",
        "Written by `benches/harness.py`; re-run it, do not edit by hand. Absolute times move from run to run",
        "on shared machines; the ratios to baselines measured in the same run are the figures that count.",
        "",
        "| | |",
        "|---|---|",
        f"| command | `{command}` |",
        f"| date | {datetime.datetime.now(datetime.timezone.utc).strftime('%Y-%m-%d %H:%M UTC')} |",
        f"| commit | {started['commit']} |",
        f"| machine | {machine()} |",
        f"| load average (1, 5, 15 min) | {started['load']} at the start, {load()} at the end (other work on the machine slows every figure) |",
        f"| data | `malbok gen --size SIZE --seed {seed}` (about 5,100 events per organisation) |",
        f"| mode | {'smoke (one run per command)' if smoke else 'median of 3 per command'} |",
        "",
        f"## Goals of issue 8, judged at the largest size measured: {largest} ({results[largest]['events']:,} events)",
        "",
        "The goals are set for 10,000,000 events (`national`); a smaller size meets a goal more easily.",
        "",
        "| goal | figure | baseline | verdict |",
        "|---|---|---|---|",
    ]
    rows = goals(results[largest], p) + peer_rows(results.get("small"), p)
    lines += [f"| {a} | {b} | {c} | {d} |" for a, b, c, d in rows]

    def row(label, value):
        cells = [value(results[n]) for n in names]
        return f"| {label} | " + " | ".join(cells) + " |"

    lines += [
        "",
        "## Every figure per size",
        "",
        "Whole-process wall time (median) and peak RSS of each command, as `malbok --ledger L ...`.",
        "",
        "| figure | " + " | ".join(f"{n} ({results[n]['events']:,})" for n in names) + " |",
        "|---|" + "---|" * len(names),
        row("import into a fresh ledger", lambda f: f"{ms(f['import_s'])} = {eps(f['import_eps'])}, {mib(f['import_rss'])}"),
        row("raw sled, same bytes packed 256 per value", lambda f: eps(f["sled_insert_eps"])),
        row("import / raw sled", lambda f: f"{f['import_eps'] / f['sled_insert_eps']:.1%}"),
        row("`verify`", lambda f: f"{ms(f['verify_s'])} = {eps(f['verify_eps'])}, {mib(f['verify_rss'])}"),
        row("raw BLAKE3 chain of the same bytes", lambda f: eps(f["blake3_chain_eps"])),
        row("verify / raw BLAKE3", lambda f: f"{f['verify_eps'] / f['blake3_chain_eps']:.1%}"),
    ]
    for name in ["head", "status", "status_known_at", "history", "report", "seal", "reproduce", "reading_add"]:
        label = {"status_known_at": "`status --known-at` early", "reading_add": "one durable `reading add`"}.get(name, f"`{name}`")
        lines.append(row(label, lambda f, name=name: f"{ms(f['commands'][name][0])}, {mib(f['commands'][name][1])}"))
    lines += [
        row("replay rate (events / `status` time)", lambda f: eps(f["replay_eps"])),
        row(f"import of {SECOND:,} more events into this ledger", lambda f: f"{ms(f['second_s'])}, {mib(f['second_rss'])}"),
        row(f"... the same {SECOND:,} into a fresh ledger", lambda f: f"{ms(f['second_fresh_s'])}, {mib(f['second_fresh_rss'])}"),
        row("ledger on disk after import / export", lambda f: f"{f['disk_after_import'] / f['export_bytes']:.2f}× ({mib(f['disk_after_import'])})"),
        row("... after the reads and appends", lambda f: f"{f['disk_after_reads'] / f['export_bytes']:.2f}× ({mib(f['disk_after_reads'])})"),
        row("export size", lambda f: mib(f["export_bytes"])),
        row("`malbok gen` time", lambda f: ms(f["gen_s"])),
    ]
    if len(names) > 1:
        first, last = results[names[0]], results[names[-1]]
        k = last["events"] / first["events"]
        lines += ["", f"From {names[0]} to {names[-1]} the ledger grows {k:,.0f}×; each time grows:", "",
                  "| figure | growth |", "|---|---|"]
        growth = [("import time", "import_s"), ("verify time", "verify_s")]
        for label, key in growth:
            lines.append(f"| {label} | {last[key] / first[key]:,.1f}× |")
        for name in first["commands"]:
            lines.append(f"| `{name}` | {last['commands'][name][0] / first['commands'][name][0]:,.1f}× |")
    lines += ["", "## The Python `eventsourcing` peer (SQLite), small workload", ""]
    if "error" in p:
        lines.append(f"Not measured: {p['error']}.")
    else:
        lines.append(f"`eventsourcing_peer.py 100000`: {p['events']:,} events, append {eps(p['append_eps'])}, "
                     f"replay {eps(p['replay_eps'])}, {mib(p['rss'])}.")
    lines += ["", "## The commands measured", ""]
    for n in names:
        f = results[n]
        lines.append(f"- {n}: organisation `{f['org']}`, body `{f['body']}`, valid date {f['at']}, "
                     f"`--known-at {f['early']}`:")
        for name, (_, _, args) in f["commands"].items():
            lines.append(f"  `malbok {' '.join(shell_quote(str(a)) for a in args)}`")
    lines += ["", "Baselines: `cargo bench --bench baseline -- EXPORT WORK_DIR` (`benches/baseline.rs`), on the "
              "`malbok export` of the same ledger.", ""]
    # The profiles behind the shortfalls, written by hand beside this script.
    lines += ["", (ROOT / "benches" / "ANALYSIS.md").read_text(encoding="utf-8")]
    return "\n".join(lines)


def shell_quote(a):
    return a if re.fullmatch(r"[\w.:/=-]+", a) else "'" + a.replace("'", "'\\''") + "'"


def main():
    args = sys.argv[1:]
    smoke = "--smoke" in args
    args = [a for a in args if a != "--smoke"]
    seed = "1"
    if "--seed" in args:
        i = args.index("--seed")
        seed = args[i + 1]
        del args[i:i + 2]
    names = args or ["small"]
    sizes = {}
    for n in names:
        if n in SIZES:
            sizes[n] = SIZES[n]
        elif n.replace("_", "").isdigit():
            sizes[n] = int(n.replace("_", ""))
        else:
            print(f"harness: unknown size {n!r}: use small, medium, national or a number", file=sys.stderr)
            return 2
    WORK.mkdir(parents=True, exist_ok=True)
    log = lambda msg: print(f"{time.strftime('%H:%M:%S')} {msg}", file=sys.stderr, flush=True)
    command = "bash benches/run.sh " + " ".join((["--smoke"] if smoke else []) + names)
    dirty = " (with uncommitted changes)" if sh("git status --porcelain --untracked-files=no") else ""
    started = {"commit": f"`{sh('git rev-parse HEAD')}`{dirty}", "load": load()}
    try:
        results = {n: measure(n, e, seed, 1 if smoke else 3, log) for n, e in sizes.items()}
    except WrongAnswer as e:
        print(f"harness: wrong answer: {e}", file=sys.stderr)
        return 1
    p = {"error": "skipped in smoke mode"} if smoke else peer(log)
    text = report(results, p, seed, command, smoke, started)
    target = WORK / "BENCHMARKS.smoke.md" if smoke else ROOT / "BENCHMARKS.md"
    target.write_text(text, encoding="utf-8")
    log(f"wrote {target.relative_to(ROOT)}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
