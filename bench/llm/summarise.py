"""The LLM benchmark's table, from the waves' summary.json, client_hw.csv and results.jtl (bench/llm/run).

Two columns are "warm": from WARM_S seconds after the first start to the end, so the JIT's fixed cost
(about 4 s of CPU per cold JVM) and the first seconds' interpreted code do not dominate a short wave:
the client's CPU per request there (process CPU from client_hw.csv over the started requests) and the
TTFT p99 of the requests started there.

Where the TTFT tail comes from: "TTFT>210" is the share of the wave's requests whose TTFT exceeded the
configured 200 ms by more than 10 ms, as the client measured it; "sim>10ms" the share of first chunks the
simulator itself wrote more than 10 ms after they were due (service start + TTFT), from its /metrics before
and after the wave. When the two are alike, the tail is the simulator's (the CPU it shares with the
client); what the client adds is the difference.
"""
import csv
import json
import os
import statistics
import sys

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), ".."))
from simulator_metrics import first_chunk_delays  # noqa: E402  (bench/, beside this script's folder)
from floor_result import read_floor  # noqa: E402

out = sys.argv[1]
WARM_S = 5


def percentile(values, p):
    values = sorted(values)
    return values[min(len(values) - 1, int(p / 100.0 * len(values)))] if values else float("nan")


def simulator_late(route, rate):
    """Share of the wave's first chunks the simulator wrote more than 10 ms late, or None."""
    path = os.path.join(out, "%s-%s.%%s.prom" % (route, rate))
    delays = first_chunk_delays(path % "sim-before", path % "sim-after")
    if delays is None or 0.01 not in delays:
        return None
    return 1 - delays[0.01] / delays[float("inf")]


rows = []
loads = {}
with open(os.path.join(out, "waves.txt")) as f:
    for line in f:
        route, rate, ticks, hz, *load = line.split()
        loads[(route, rate)] = (" ".join(load), int(ticks) * 1000.0 / int(hz))
def floor_row(rate, load, sim_ms):
    """The baseline's row, or None when it did not run."""
    path = os.path.join(out, "floor-%s.txt" % rate)
    f = read_floor(path)
    if f is None:
        print("%-7s %7s  no run (see %s)" % ("floor", rate, path))
        return None
    achieved = f["started"] / f["seconds"]
    late = simulator_late("floor", rate)
    print("%-7s %7.0f %9.1f %6.1f%% %7.1f%% %11.3f %9.3f %9.3f %10.1f %9.1f %9s %8s %8s %s" % (
        "floor", float(rate), achieved, 100.0 * achieved / float(rate), f["cv_from_2nd_s"],
        f["cpu_ms_per_stream"], f["warm_cpu_ms_per_stream"], sim_ms / max(1, f["completed"]),
        f["ttft_p99_ms"], f["warm_ttft_p99_ms"], "-", "-", "-" if late is None else "%.2f%%" % (100 * late), load))
    return {"cpu": f["cpu_ms_per_stream"], "warm_cpu": f["warm_cpu_ms_per_stream"],
            "ttft": f["ttft_p99_ms"], "warm_ttft": f["warm_ttft_p99_ms"]}


print("%-7s %7s %9s %7s %8s %11s %9s %9s %10s %9s %9s %8s %8s %s" % (
    "route", "target", "achieved", "% hit", "CV 1s", "CPU ms/req", "warm CPU", "sim ms/req", "TTFT p99", "warm p99",
    "ITL p50", "TTFT>210", "sim>10ms", "load avg (1, 5, 15 min) at the end"))
measured = {}  # (route, rate) -> the figures ours is compared on
for (route, rate), (load, sim_ms) in loads.items():
    if route == "floor":
        measured[(route, rate)] = floor_row(rate, load, sim_ms)
        continue
    runs = os.path.join(out, "%s-%s" % (route, rate))
    dirs = sorted(d for d in os.listdir(runs)) if os.path.isdir(runs) else []
    if not dirs:
        print("%-7s %7s  no run (see %s.log)" % (route, rate, runs))
        continue
    run = os.path.join(runs, dirs[-1])
    s = json.load(open(os.path.join(run, "summary.json")))
    hw = s.get("client_hw") or {}
    cpu = (hw.get("process_cpu_percent") or {}).get("avg")
    cpu_ms = cpu / 100.0 * s["duration_s"] * 1000.0 / max(1, s["completed"]) if cpu is not None else float("nan")
    tokens = s.get("tokens") or {}
    ttft = (tokens.get("time_to_first_token_ms") or {}).get("p99", float("nan"))
    itl = (tokens.get("inter_token_latency_ms") or {}).get("p50", float("nan"))
    starts = {}
    ttfts = []  # (start epoch ms, TTFT or "") per request
    with open(os.path.join(run, "results.jtl")) as f:
        for r in csv.DictReader(f):
            second = int(r["timeStamp"]) // 1000
            starts[second] = starts.get(second, 0) + 1
            ttfts.append((int(r["timeStamp"]), r.get("ib_ttft_ms") or ""))
    begins = [at for at, _ in ttfts]
    warm_from = min(begins) + WARM_S * 1000 if begins else 0
    warm_end = max(begins) if begins else 0
    warm_ttft = [float(t) for at, t in ttfts if at >= warm_from and t]
    warm_started = sum(1 for at in begins if at >= warm_from)
    cpu_rows = []
    hw_csv = os.path.join(run, "client_hw.csv")
    if os.path.exists(hw_csv):
        with open(hw_csv) as f:
            cpu_rows = [float(r["process_cpu_percent"]) for r in csv.DictReader(f)
                        if warm_from <= int(r["epoch_ms"]) <= warm_end and r["process_cpu_percent"] not in ("", "NaN")]
    warm_cpu_ms = (statistics.mean(cpu_rows) / 100.0 * (warm_end - warm_from) / max(1, warm_started)
                   if cpu_rows and warm_started else float("nan"))
    seconds = sorted(starts)[1:-1]  # whole seconds inside the wave
    counts = [starts[x] for x in seconds]
    cv = statistics.pstdev(counts) / statistics.mean(counts) if len(counts) > 1 else float("nan")
    target = float(rate)
    late = simulator_late(route, rate)
    all_ttft = [float(t) for _, t in ttfts if t]
    slow = sum(1 for t in all_ttft if t > 210.0)
    print("%-7s %7.0f %9.1f %6.1f%% %7.1f%% %11.3f %9.3f %9.3f %10.1f %9.1f %9.2f %8s %8s %s" % (
        route, target, s["client_rps"], 100.0 * s["client_rps"] / target, 100 * cv, cpu_ms, warm_cpu_ms,
        sim_ms / max(1, s["completed"]), ttft, percentile(warm_ttft, 99), itl,
        "%.2f%%" % (100.0 * slow / len(all_ttft)) if all_ttft else "-",
        "-" if late is None else "%.2f%%" % (100 * late), load))
    measured[(route, rate)] = {"cpu": cpu_ms, "warm_cpu": warm_cpu_ms, "ttft": ttft,
                               "warm_ttft": percentile(warm_ttft, 99)}

# ours against the floor measured in the same run: CPU as a ratio, the TTFT tail as ms over the configured 200
for (route, rate), f in measured.items():
    o = measured.get(("ours", rate))
    if route != "floor" or not f or not o:
        continue
    print("ours / floor at %s/s: CPU per request %.2fx (warm %.2fx); TTFT p99 over 200 ms: ours %.1f, floor %.1f ms "
          "(warm %.1f, %.1f)" % (rate, o["cpu"] / f["cpu"], o["warm_cpu"] / f["warm_cpu"], o["ttft"] - 200,
                                 f["ttft"] - 200, o["warm_ttft"] - 200, f["warm_ttft"] - 200))
