#!/usr/bin/env python3
"""Samples a running `benchmark` JVM and its Python workers once a minute for the soak (bench/soak/run).

Per minute: heap used after a full GC (jcmd GC.run, then GC.heap_info), RSS, open descriptors and threads of
the JVM, and RSS of each Python worker (the JVM's child processes). At the end: growth from minute 5 (the
pools have grown, the JIT has settled) to the last sample, against the 10% bound, as Markdown.

    sample.py PID OUT.md LABEL [--interval 60]
"""
import os
import re
import subprocess
import sys
import time


def status(pid, key):
    with open("/proc/%d/status" % pid) as f:
        for line in f:
            if line.startswith(key + ":"):
                return int(line.split()[1])
    return 0


def children(pid):
    kids = []
    for task in os.listdir("/proc/%d/task" % pid):
        try:
            with open("/proc/%d/task/%s/children" % (pid, task)) as f:
                kids += [int(c) for c in f.read().split()]
        except OSError:
            pass
    return kids


def heap_after_gc_mb(pid):
    subprocess.run(["jcmd", str(pid), "GC.run"], capture_output=True, timeout=60)
    out = subprocess.run(["jcmd", str(pid), "GC.heap_info"], capture_output=True, text=True, timeout=60).stdout
    m = re.search(r"used (\d+)K", out)
    return int(m.group(1)) / 1024.0 if m else float("nan")


def sample(pid):
    workers = [c for c in children(pid) if os.path.exists("/proc/%d" % c)]
    return {
        "heap_mb": heap_after_gc_mb(pid),
        "rss_mb": status(pid, "VmRSS") / 1024.0,
        "fds": len(os.listdir("/proc/%d/fd" % pid)),
        "threads": status(pid, "Threads"),
        "workers_rss_mb": [status(w, "VmRSS") / 1024.0 for w in workers],
    }


def main():
    pid, out, label = int(sys.argv[1]), sys.argv[2], sys.argv[3]
    interval = int(sys.argv[sys.argv.index("--interval") + 1]) if "--interval" in sys.argv else 60
    rows = []
    minute = 0
    while os.path.exists("/proc/%d" % pid):
        time.sleep(interval)
        minute += 1
        try:
            s = sample(pid)
        except (OSError, subprocess.SubprocessError):
            break  # the wave ended between two looks
        s["minute"] = minute
        s["load"] = os.getloadavg()[0]
        rows.append(s)
        print("soak %s minute %d: heap %.1f MB, RSS %.0f MB, %d fds, %d threads, workers RSS %s MB, load %.2f" % (
            label, minute, s["heap_mb"], s["rss_mb"], s["fds"], s["threads"],
            "/".join("%.0f" % w for w in s["workers_rss_mb"]) or "-", s["load"]), flush=True)
    write_table(out, label, rows)


def write_table(out, label, rows):
    """Appends the minute table and the growth check to OUT.md."""
    with open(out, "a") as f:
        f.write("\n### %s\n\n" % label)
        f.write("| minute | heap after GC (MB) | JVM RSS (MB) | open fds | threads | Python workers' RSS (MB) | load (1 min) |\n")
        f.write("|---:|---:|---:|---:|---:|---|---:|\n")
        for s in rows:
            f.write("| %d | %.1f | %.0f | %d | %d | %s | %.2f |\n" % (s["minute"], s["heap_mb"], s["rss_mb"], s["fds"],
                    s["threads"], " / ".join("%.0f" % w for w in s["workers_rss_mb"]) or "-", s["load"]))
        base = next((s for s in rows if s["minute"] == 5), None)
        if base is None or len(rows) < 10:
            f.write("\nToo short for the growth check (it needs minute 5 and at least 10 minutes).\n")
            return
        steady = [s for s in rows if s["minute"] >= 5]
        last = rows[-1]
        f.write("\nGrowth from minute 5 to minute %d (bound: under 10%%). A figure sampled once a minute moves with what\n"
                "is in flight at that instant, so two single samples can differ without any leak: the judged growth is\n"
                "the least-squares trend over minutes 5 to %d, as a share of its value at minute 5; beside it the\n"
                "medians of minutes 5-9 and of the last 5 minutes, and the two single samples.\n\n" % (last["minute"], last["minute"]))
        series = [("heap after GC (MB)", lambda s: s["heap_mb"]), ("JVM RSS (MB)", lambda s: s["rss_mb"]),
                  ("open fds", lambda s: s["fds"]), ("threads", lambda s: s["threads"])]
        for i in range(len(base["workers_rss_mb"])):
            series.append(("worker %d RSS (MB)" % i,
                           lambda s, i=i: s["workers_rss_mb"][i] if i < len(s["workers_rss_mb"]) else float("nan")))
        f.write("| figure | trend growth | median min 5-9 | median last 5 | minute 5 -> last | verdict |\n")
        f.write("|---|---:|---:|---:|---|---|\n")
        for name, get in series:
            points = [(s["minute"], get(s)) for s in steady if get(s) == get(s)]
            xs = [m for m, _ in points]
            ys = [v for _, v in points]
            mx, my = sum(xs) / len(xs), sum(ys) / len(ys)
            sxx = sum((x - mx) ** 2 for x in xs)
            slope = sum((x - mx) * (y - my) for x, y in zip(xs, ys)) / sxx if sxx else 0.0
            at5 = my + slope * (5 - mx)
            trend = slope * (xs[-1] - 5) / at5 * 100 if at5 else 0.0
            first = sorted(ys[:5])[len(ys[:5]) // 2]
            lastm = sorted(ys[-5:])[len(ys[-5:]) // 2]
            f.write("| %s | %+.1f%% | %.1f | %.1f | %.1f -> %.1f | %s |\n" % (
                name, trend, first, lastm, ys[0], ys[-1], "ok" if trend < 10 else "OVER"))


if __name__ == "__main__":
    main()
