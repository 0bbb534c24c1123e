"""The bridge benchmark's baselines: the same loops in pure Python, through the worker's own pool.

    python3 pure_python.py latency FACTORIES CALLS
    python3 pure_python.py throughput FACTORIES SECONDS IN_FLIGHT THREADS

Both call the factories file's invoke through ib_worker.Factories.call (what a worker process
calls per request) on a pool of threads fed by a queue.SimpleQueue - the way a pure-Python program
would run a thread pool - and print one JSON line.
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


class Pool:
    """max_threads threads serving requests from a queue, growing with need (as a worker does)."""

    def __init__(self, factories, max_threads, reply):
        self.factories = factories
        self.max_threads = max(1, max_threads)
        self.reply = reply
        self.requests = queue.SimpleQueue()
        self.threads = 0
        self.idle = 0
        self.lock = threading.Lock()

    def dispatch(self, request_id, sent_ns):
        with self.lock:
            grow = self.idle <= 0 and self.threads < self.max_threads
            if grow:
                self.threads += 1
            else:
                self.idle -= 1
        if grow:
            threading.Thread(target=self._serve, daemon=True).start()
        self.requests.put((request_id, sent_ns))

    def _serve(self):
        get, call, reply, lock = self.requests.get, self.factories.call, self.reply, self.lock
        while True:
            request_id, sent_ns = get()
            reply(request_id, *call(sent_ns))
            with lock:
                self.idle += 1


def percentile(sorted_values, fraction):
    return sorted_values[min(len(sorted_values) - 1, int(fraction * len(sorted_values)))]


def latency(path, calls):
    """One request at a time: dispatch to the pool, wait for its completion."""
    done = queue.SimpleQueue()
    worker = Pool(ib_worker.Factories(path), 64, lambda *reply: done.put(reply))
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

    worker = Pool(ib_worker.Factories(path), threads, reply)

    def client():
        acquire, dispatch, now = window.acquire, worker.dispatch, time.monotonic_ns
        i = 0
        while not stop.is_set():
            acquire()
            dispatch(i, now())
            i += 1

    threading.Thread(target=client, daemon=True).start()
    time.sleep(0.5)  # warm-up
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
