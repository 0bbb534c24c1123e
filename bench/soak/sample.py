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
    with open(out, "a") as f:
        f.write("\n### %s\n\n" % label)
        f.write("| minute | heap after GC (MB) | JVM RSS (MB) | open fds | threads | Python workers' RSS (MB) | load (1 min) |\n")
        f.write("|---:|---:|---:|---:|---:|---|---:|\n")
        for s in rows:
            f.write("| %d | %.1f | %.0f | %d | %d | %s | %.2f |\n" % (s["minute"], s["heap_mb"], s["rss_mb"], s["fds"],
                    s["threads"], " / ".join("%.0f" % w for w in s["workers_rss_mb"]) or "-", s["load"]))
        base = next((s for s in rows if s["minute"] == 5), None)
        if base is None or len(rows) < 6:
            f.write("\nToo short for the growth check (it compares minute 5 with the last minute).\n")
            return
        last = rows[-1]
        f.write("\nGrowth from minute 5 to minute %d (bound: under 10%%):\n\n" % last["minute"])
        checks = [("heap after GC", base["heap_mb"], last["heap_mb"]), ("JVM RSS", base["rss_mb"], last["rss_mb"]),
                  ("open fds", base["fds"], last["fds"]), ("threads", base["threads"], last["threads"])]
        for i, (b, l) in enumerate(zip(base["workers_rss_mb"], last["workers_rss_mb"])):
            checks.append(("worker %d RSS" % i, b, l))
        for name, b, l in checks:
            growth = (l - b) / b * 100 if b else 0.0
            f.write("- %s: %.1f -> %.1f (%+.1f%%) %s\n" % (name, b, l, growth, "ok" if growth < 10 else "OVER"))


if __name__ == "__main__":
    main()
