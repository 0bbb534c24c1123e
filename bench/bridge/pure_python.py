"""The bridge benchmark's baselines: the same loops in pure Python, through the worker's own pool.

    python3 pure_python.py latency FACTORIES CALLS
    python3 pure_python.py throughput FACTORIES SECONDS IN_FLIGHT THREADS

Both drive ib_worker.Worker (the thread pool a worker process serves requests from) in-process,
with completions handed back in Python instead of written to the pipe; prints one JSON line.
"""
import json
import os
import queue
import sys
import threading
import time

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, os.path.join(HERE, "..", "..", "sampler-python", "src", "main", "resources", "io", "inferencebench", "python"))
import ib_worker  # noqa: E402


def percentile(sorted_values, fraction):
    return sorted_values[min(len(sorted_values) - 1, int(fraction * len(sorted_values)))]


def latency(path, calls):
    """One request at a time: dispatch to the pool, wait for its completion."""
    done = queue.SimpleQueue()
    worker = ib_worker.Worker(ib_worker.Factories(path), 64, lambda *reply: done.put(reply))
    perf = time.perf_counter_ns
    samples = []
    for i in range(calls + calls // 4):
        start = perf()
        worker.dispatch(i, time.monotonic_ns())
        done.get()
        samples.append(perf() - start)
    samples = sorted(samples[calls // 4:])  # the first quarter warms up
    print(json.dumps({"p50_ns": percentile(samples, 0.5), "p99_ns": percentile(samples, 0.99)}))


def throughput(path, seconds, in_flight, threads):
    """A client loop keeping in_flight requests going, as the JVM's threads do over the pipe."""
    window = threading.Semaphore(in_flight)
    completed = [0]
    stop = threading.Event()

    def reply(*outcome):
        completed[0] += 1
        window.release()

    worker = ib_worker.Worker(ib_worker.Factories(path), threads, reply)

    def client():
        acquire, dispatch, now = window.acquire, worker.dispatch, time.monotonic_ns
        i = 0
        while not stop.is_set():
            acquire()
            dispatch(i, now())
            i += 1

    threading.Thread(target=client, daemon=True).start()
    time.sleep(1.0)  # warm-up
    before, start = completed[0], time.perf_counter()
    time.sleep(seconds)
    after, took = completed[0], time.perf_counter() - start
    stop.set()
    print(json.dumps({"per_second": (after - before) / took}))


if __name__ == "__main__":
    mode = sys.argv[1]
    if mode == "latency":
        latency(sys.argv[2], int(sys.argv[3]))
    else:
        throughput(sys.argv[2], float(sys.argv[3]), int(sys.argv[4]), int(sys.argv[5]))
    os._exit(0)
