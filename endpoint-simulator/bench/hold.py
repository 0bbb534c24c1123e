#!/usr/bin/env python3
"""Holds thousands of streamed chat completions open against a running simulator, and watches its JVM.

    python3 endpoint-simulator/bench/hold.py URL PID [--streams 10000] [--open-rate 2000] [--max-tokens 60]

URL is the simulator's base URL (http://127.0.0.1:PORT), PID its JVM's process id. Start the simulator
with 60 s streams, e.g. `./benchmark simulate --port 0 --ttft 500ms --itl 1s --output-tokens 60`. Each of
--streams raw sockets sends one streaming chat request (HTTP/1.1) and reads its server-sent events to the
end. Connections open at --open-rate per second (a burst of 10,000 SYNs would overflow the listen backlog).
Every 5 s it prints the streams open and the simulator's threads, RSS and CPU (from /proc), with the load
average; at the end, the same figures over the time all streams were held at once.

Standard library only (asyncio: one thread holds every socket, so the client is not what limits the
count). It raises its own descriptor limit to the hard limit; the JVM does so by itself.
"""
import argparse
import asyncio
import os
import resource
import time
from urllib.parse import urlsplit

TICK = os.sysconf("SC_CLK_TCK")
PAGE = os.sysconf("SC_PAGE_SIZE")


def jvm(pid):
    """Threads, RSS in MB and CPU seconds (user + system) of the process."""
    with open("/proc/%d/stat" % pid) as f:
        fields = f.read().rsplit(")", 1)[1].split()
    cpu = (int(fields[11]) + int(fields[12])) / TICK  # utime, stime (fields 14 and 15 of stat)
    threads = int(fields[17])
    with open("/proc/%d/statm" % pid) as f:
        rss = int(f.read().split()[1]) * PAGE / 1e6
    return threads, rss, cpu


def load():
    with open("/proc/loadavg") as f:
        return " ".join(f.read().split()[:3])


class Counts:
    def __init__(self):
        self.connected = 0
        self.streaming = 0  # headers received, [DONE] not yet
        self.done = 0
        self.failed = 0
        self.events = 0
        self.errors = {}


async def stream(host, port, request, counts):
    try:
        reader, writer = await asyncio.open_connection(host, port)
    except OSError as e:
        counts.failed += 1
        counts.errors[type(e).__name__] = counts.errors.get(type(e).__name__, 0) + 1
        return
    counts.connected += 1
    started = False
    tail = b""
    try:
        writer.write(request)
        while True:
            data = await reader.read(65536)
            if not data:
                raise ConnectionError("closed before [DONE]")
            if not started:
                started = True
                counts.streaming += 1
            window = tail + data
            counts.events += window.count(b"data: ") - tail.count(b"data: ")
            if b"[DONE]" in window:
                counts.done += 1
                break
            tail = window[-16:]
    except (OSError, ConnectionError) as e:
        counts.failed += 1
        counts.errors[type(e).__name__] = counts.errors.get(type(e).__name__, 0) + 1
    finally:
        if started:
            counts.streaming -= 1
        counts.connected -= 1
        writer.close()


async def main():
    p = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    p.add_argument("url")
    p.add_argument("pid", type=int)
    p.add_argument("--streams", type=int, default=10000)
    p.add_argument("--open-rate", type=float, default=2000)
    p.add_argument("--max-tokens", type=int, default=60)
    a = p.parse_args()
    soft, hard = resource.getrlimit(resource.RLIMIT_NOFILE)
    resource.setrlimit(resource.RLIMIT_NOFILE, (hard, hard))
    if hard < a.streams + 100:
        raise SystemExit("%d streams need more descriptors than the hard limit %d: raise it (ulimit -Hn) first." % (a.streams, hard))
    u = urlsplit(a.url)
    body = ('{"model":"sim","stream":true,"max_tokens":%d,"messages":[{"role":"user","content":"hold on"}]}'
            % a.max_tokens).encode()
    request = (("POST /v1/chat/completions HTTP/1.1\r\nHost: %s\r\nContent-Type: application/json\r\n"
                "Content-Length: %d\r\n\r\n") % (u.netloc, len(body))).encode() + body
    counts = Counts()
    tasks = []
    t0 = time.monotonic()
    threads0, rss0, cpu0 = jvm(a.pid)
    print("before: simulator threads %d, RSS %.0f MB; load %s" % (threads0, rss0, load()), flush=True)

    async def opener():
        for i in range(a.streams):
            tasks.append(asyncio.create_task(stream(u.hostname, u.port, request, counts)))
            delay = t0 + (i + 1) / a.open_rate - time.monotonic()
            if delay > 0:
                await asyncio.sleep(delay)

    open_task = asyncio.create_task(opener())
    held = []  # (seconds, threads, rss, cpu seconds) while every stream is open at once
    last_cpu, last_t = cpu0, t0
    peak = 0
    while True:
        await asyncio.sleep(5)
        now = time.monotonic()
        threads, rss, cpu = jvm(a.pid)
        peak = max(peak, counts.streaming)
        cores = (cpu - last_cpu) / (now - last_t)
        print("%5.0f s  connected %5d  streaming %5d  done %5d  failed %d  events %7d | simulator threads %3d, "
              "RSS %5.0f MB, CPU %.2f cores | load %s"
              % (now - t0, counts.connected, counts.streaming, counts.done, counts.failed, counts.events, threads, rss,
                 cores, load()), flush=True)
        if counts.streaming >= a.streams * 0.999:
            held.append((now - last_t, threads, rss, cpu - last_cpu))
        last_cpu, last_t = cpu, now
        if open_task.done() and counts.done + counts.failed >= a.streams:
            break
    await asyncio.gather(*tasks)
    print("peak streams open at once: %d of %d; done %d, failed %d %s, events %d"
          % (peak, a.streams, counts.done, counts.failed, counts.errors or "", counts.events))
    if held:
        seconds = sum(h[0] for h in held)
        print("while all %d were held (%.0f s): simulator threads %d-%d, RSS %.0f-%.0f MB, CPU %.2f cores (%.1f%% of one "
              "core per 1,000 streams)"
              % (a.streams, seconds, min(h[1] for h in held), max(h[1] for h in held), min(h[2] for h in held),
                 max(h[2] for h in held), sum(h[3] for h in held) / seconds,
                 100 * sum(h[3] for h in held) / seconds / (a.streams / 1000)))
    print("after: load %s" % load())


if __name__ == "__main__":
    asyncio.run(main())
