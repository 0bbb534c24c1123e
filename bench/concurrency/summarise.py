#!/usr/bin/env python3
"""One table row per wave of bench/concurrency/run: what the client held and what it cost."""
import csv
import json
import statistics
import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
from simulator_metrics import first_chunk_delays  # noqa: E402  (bench/, beside this script's folder)
from floor_result import read_floor  # noqa: E402


def starts_cv(run: Path, window_s: float):
    """Coefficient of variation of starts per whole second of the planned window, and their min and max."""
    jtl = run / "results.jtl"
    if not jtl.exists():
        return None
    starts = []
    with jtl.open(newline="") as f:
        for row in csv.DictReader(f):
            try:
                starts.append(int(row["timeStamp"]))
            except (KeyError, ValueError):
                pass
    if not starts:
        return None
    first = min(starts)
    seconds = max(1, int(window_s))
    counts = [0] * seconds
    for t in starts:
        s = (t - first) // 1000
        if 0 <= s < seconds:
            counts[s] += 1
    mean = statistics.fmean(counts)
    cv = statistics.pstdev(counts) / mean if mean else float("nan")
    return cv, min(counts), max(counts)


def simulator_delay(out: Path, name: str):
    """The simulator's own lateness in writing first chunks during one wave, from its /metrics before and after:
    (share written more than 20 ms late, bucket bound under which 99% were written) or None."""
    cumulative = first_chunk_delays(out / f"{name}.sim-before.prom", out / f"{name}.sim-after.prom")
    if cumulative is None:
        return None
    total = cumulative[float("inf")]
    late = 1 - cumulative.get(0.02, 0) / total
    p99 = next(b for b in cumulative if cumulative[b] >= 0.99 * total)
    return late, p99


def row(name: str, run: Path):
    s = json.loads((run / "summary.json").read_text())
    target = s["spec"].get("target_rps") or s.get("spec", {}).get("client_rps") or 0
    window = (s.get("client_rate") or {}).get("window_s") or s["duration_s"]
    shape = starts_cv(run, window)
    hw = s.get("client_hw") or {}
    cpu_pct = (hw.get("process_cpu_percent") or {}).get("avg")
    completed = max(1, s["completed"])
    cpu_ms = cpu_pct / 100 * s["duration_s"] * 1000 / completed if cpu_pct is not None else float("nan")
    tokens = s.get("tokens") or {}
    ttft = (tokens.get("time_to_first_token_ms") or {}).get("p99")
    latency = s.get("latency_ms") or {}
    threads = s.get("threads") or {}
    mean_latency = (latency.get("mean") or 0) / 1000
    return {
        "wave": name,
        "threads": f"{threads.get('kind', '?')} (peak {threads.get('peak', '?'):,}, cap {threads.get('max_threads', '?'):,}"
                   + (", reached" if threads.get("cap_reached") else "") + ")",
        "target/s": f"{target:,.0f}",
        "achieved": f"{s['client_rps']:,.1f} ({100 * s['client_rps'] / target:.1f}%)" if target else "-",
        "in flight (rate x mean latency)": f"{s['client_rps'] * mean_latency:,.0f}",
        "per-second CV (min-max)": f"{100 * shape[0]:.2f}% ({shape[1]:,}-{shape[2]:,})" if shape else "-",
        "ok": f"{s['succeeded']:,} of {s['fired']:,}",
        "TTFT p99" if ttft is not None else "latency p99": f"{ttft:.1f} ms" if ttft is not None
        else f"{latency.get('p99', float('nan')):.1f} ms",
        "client CPU/request": f"{cpu_ms:.3f} ms",
        "client RSS max": f"{(hw.get('process_rss_mb') or {}).get('max', float('nan')):,.0f} MB",
        "JVM threads max": f"{(hw.get('threads') or {}).get('max', float('nan')):,.0f}",
        "fds max": f"{(hw.get('open_fds') or {}).get('max', float('nan')):,.0f}",
        "GC (collections, pause)": f"{hw.get('gc_count', '?')}, {hw.get('gc_pause_ms', float('nan')):,.0f} ms",
    }


def floor_row(out: Path):
    """The baseline's row, or None when it did not run."""
    f = read_floor(out / "streams-floor.txt")
    if f is None:
        return None
    achieved = f["started"] / f["seconds"]
    return {
        "wave": "streams-floor",
        "threads": "one selector thread, no JMeter (bench/floor)",
        "target/s": f"{f['rate']:,.0f}",
        "achieved": f"{achieved:,.1f} ({100 * achieved / f['rate']:.1f}%)",
        "per-second CV (min-max)": f"{f['cv_from_2nd_s']:.2f}% ({f['per_second_min']:,.0f}-{f['per_second_max']:,.0f})",
        "ok": f"{f['completed']:,.0f} of {f['started']:,.0f}",
        "TTFT p99": f"{f['ttft_p99_ms']:.1f} ms",
        "client CPU/request": f"{f['cpu_ms_per_stream']:.3f} ms",
    }


def main(out: Path):
    loads = {}
    if (out / "loads.txt").exists():
        for line in (out / "loads.txt").read_text().splitlines():
            name, *avg = line.split()
            loads[name] = " ".join(avg)
    rows = []
    for log in sorted(out.glob("*.log")):
        name = log.stem
        runs = sorted((out / name).glob("*/summary.json")) if (out / name).is_dir() else []
        if runs:
            rows.append(row(name, runs[-1].parent))
    floor = floor_row(out)
    if floor:
        rows.append(floor)
    for r in rows:  # every wave, the floor's too: the simulator's lateness and the load around it
        delay = simulator_delay(out, r["wave"])
        if delay:
            r["simulator's first chunks: >20 ms late, p99 under"] = f"{100 * delay[0]:.2f}%, {delay[1] * 1000:,.0f} ms"
        r["load before"] = loads.get(r["wave"], "?")
    if not rows:
        print("no wave finished; see the logs in", out)
        return
    for group in (["streams"], ["short"]):
        sel = [r for r in rows if r["wave"].split("-")[0] in group]
        if not sel:
            continue
        keys = list(dict.fromkeys(k for r in sel for k in r))
        print("| " + " | ".join(keys) + " |")
        print("|" + "|".join("---" for _ in keys) + "|")
        for r in sel:
            print("| " + " | ".join(str(r.get(k, "")) for k in keys) + " |")
        print()


if __name__ == "__main__":
    main(Path(sys.argv[1]))
