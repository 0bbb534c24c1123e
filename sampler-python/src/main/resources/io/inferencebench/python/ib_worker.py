"""InferenceBench Python worker: serves a factories file's invoke(payload) to the JVM.

Started by io.inferencebench.python.WorkerProcess as
    python -B ib_worker.py FACTORIES_FILE WORKER_INDEX WORKER_COUNT MAX_THREADS MAX_ASYNC JAVA_NANOS [ENDPOINT_NAME]
It loads the factories file once, calls payload_factory() and invoke_factory() once, then serves
requests arriving on stdin: a plain `def invoke` from a pool of up to MAX_THREADS threads that read
the pipe themselves (PipeReaders); an `async def invoke` as tasks on one asyncio event loop, at most
MAX_ASYNC at once (LoopReader). Standard library only; the Jep runtime imports this module too and
drives Factories directly.

Frames (big-endian, as Java's DataInputStream reads them). JVM -> worker, 13 bytes each:
    b'I' u32 request_id i64 sent_ns      invoke once (sent_ns: the JVM's System.nanoTime())
    b'Q' u32 0 i64 0                     quit (so does end of input)
Worker -> JVM: u32 body_length, then a body:
    b'H' utf-8 "key=value" lines         ready: python, pid, mode, clock, invoke (sync or async), payloads
                                         (this worker's share)
    b'F' utf-8 sentence                  could not start: the factories contract is not met
    b'R' u32 id u8 outcome i64 queue_ns i64 invoke_ns i64 payload_ns utf-8 text
         outcome 1 ok (text: measurements "key=value" lines), 0 invoke raised, 2 payload failed
         (text: "ExceptionType: message")
"""

import os
import struct
import sys
import threading
import time

MIN_PYTHON = (3, 9)
REQUEST_SIZE = 13
OK, INVOKE_FAILED, PAYLOAD_FAILED = 1, 0, 2
UNPACK_REQUEST = struct.Struct(">cIq").unpack_from
# Keys an invoke may return; any other numeric key is kept too (see docs/python-factories.md).
KNOWN_MEASUREMENTS = ("status", "response_bytes", "input_tokens", "output_tokens", "ttft_ms", "token_times_ms",
                      "tokens_counted_as")


# The one sentence a plain `def invoke` gets when it hands back a coroutine: nothing would await it,
# so the request would reach no endpoint and pass as a 0 ms success.
RETURNED_COROUTINE = ("invoke returned a coroutine instead of a result: declare it `async def invoke(payload)` "
                      "so the worker awaits it on its event loop")


class ContractError(Exception):
    """The factories file breaks the contract; str(self) is the one sentence the user sees."""


def describe(error):
    """'ExceptionType: message', the form a failed sample reports."""
    message = str(error).strip().replace("\n", " ")
    name = type(error).__name__
    return "%s: %s" % (name, message) if message else name


def where(error, path):
    """' (file:line)' of the deepest frame of error inside the factories file, or ''."""
    line = None
    tb = error.__traceback__
    while tb is not None:
        if os.path.abspath(tb.tb_frame.f_code.co_filename) == path:
            line = tb.tb_lineno
        tb = tb.tb_next
    return " (%s:%d)" % (path, line) if line else ""


def encode_measurements(result):
    """invoke's return value as 'key=value' lines; only a dict's numeric values count."""
    if result is None or not isinstance(result, dict):
        return b""
    times = result.get("token_times_ms")
    if isinstance(times, (list, tuple)) and times and all(
            isinstance(t, (int, float)) and not isinstance(t, bool) for t in times):
        # aiperf's figures from the content chunks' arrival times; ITL needs the token count, so Java derives it
        derived = {"request_latency_ms": times[-1], "content_chunks": len(times)}
        if len(times) > 1:
            derived["ttst_ms"] = times[1] - times[0]
        derived.setdefault("ttft_ms", times[0])
        if "output_tokens" not in result or result["output_tokens"] is None:
            derived["output_tokens"] = len(times)
            derived["tokens_counted_as_chunks"] = 1
        derived.update((k, v) for k, v in result.items() if v is not None)
        result = derived
    if result.get("tokens_counted_as") == "chunks":
        result = dict(result, tokens_counted_as_chunks=1)
    lines = []
    for key, value in result.items():
        if isinstance(value, bool) or not isinstance(value, (int, float)):
            continue
        lines.append("%s=%r" % (str(key).replace("=", "_").replace("\n", " "), value))
    return "\n".join(lines).encode("utf-8")


class Factories:
    """A loaded factories file: its invoke, and this worker's share of the payloads."""

    def __init__(self, path, endpoint_name=None, worker_index=0, worker_count=1):
        self.path = os.path.abspath(path)
        module = self._load()
        payload_factory = self._function(module, "payload_factory",
                                         "def payload_factory() returning {'pre_computed': ..., 'input': ...}")
        invoke_factory = self._function(module, "invoke_factory",
                                        "def invoke_factory(endpoint_name=None) returning invoke(payload)")
        self._payloads(payload_factory, worker_index, worker_count)
        self.loop = None  # an asyncio event loop, made only when the file uses async def
        self.loop_name = None  # "uvloop 0.x" or "asyncio"
        self.loop_thread = None
        self.invoke = self._invoke(invoke_factory, endpoint_name)
        # Decided once: an async invoke runs as tasks on one event loop; a plain one on threads, as ever.
        self.is_async = is_coroutine_function(self.invoke)
        if self.is_async:
            self._event_loop()
            self.call = self._call_on_loop  # for Jep, whose threads call in; the pipe's loop awaits acall

    def _load(self):
        import importlib.util
        if not os.path.isfile(self.path):
            raise ContractError("Factories file %s does not exist; pass an existing Python file." % self.path)
        folder = os.path.dirname(self.path)
        if folder not in sys.path:
            sys.path.insert(0, folder)  # so the file can import its neighbours, as with Locust
        name = os.path.splitext(os.path.basename(self.path))[0]
        if not name.isidentifier() or name in sys.modules:
            name = "ib_factories"
        spec = importlib.util.spec_from_file_location(name, self.path)
        module = importlib.util.module_from_spec(spec)
        sys.modules[name] = module
        try:
            spec.loader.exec_module(module)
        except SyntaxError as error:
            raise ContractError("Factories file %s:%s has a syntax error: %s; fix it and retry."
                                % (error.filename or self.path, error.lineno, error.msg))
        except BaseException as error:
            raise ContractError("Importing factories file %s raised %s%s; fix the file or install what it imports."
                                % (self.path, describe(error), where(error, self.path)))
        return module

    def _function(self, module, name, shape):
        function = getattr(module, name, None)
        if function is None:
            raise ContractError("Factories file %s defines no %s; add %s." % (self.path, name, shape))
        if not callable(function):
            raise ContractError("%s in %s is a %s, not a function; define %s."
                                % (name, self.path, type(function).__name__, shape))
        return function

    def _payloads(self, payload_factory, worker_index, worker_count):
        try:
            spec = payload_factory()
        except BaseException as error:
            raise ContractError("payload_factory() in %s raised %s%s; fix it and retry."
                                % (self.path, describe(error), where(error, self.path)))
        shape = ("payload_factory() in %s must return {'pre_computed': True, 'input': [payload, ...]} or "
                 "{'pre_computed': False, 'input': callable}" % self.path)
        if not isinstance(spec, dict) or "pre_computed" not in spec or "input" not in spec:
            raise ContractError("%s, but it returned %s." % (shape, self._brief(spec)))
        source = spec["input"]
        self.total_payloads = None
        if spec["pre_computed"]:
            if not isinstance(source, (list, tuple)):
                raise ContractError("%s; 'pre_computed' is true but 'input' is a %s, not a list."
                                    % (shape, type(source).__name__))
            if not source:
                raise ContractError("payload_factory() in %s returned an empty 'input' list; give at least one payload."
                                    % self.path)
            # Stride split as the original: worker i takes items i, i+W, i+2W, ... A worker beyond
            # the list's end still gets one item, so no worker idles.
            share = list(source[worker_index::worker_count]) or [source[worker_index % len(source)]]
            self.total_payloads = len(source)
            self.payloads = share
            self.mode = "pre_computed"
            import itertools
            self.next_payload = itertools.cycle(share).__next__  # atomic under the GIL
        else:
            if not callable(source):
                raise ContractError("%s; 'pre_computed' is false but 'input' is a %s, not a callable."
                                    % (shape, type(source).__name__))
            self.payloads = None
            self.mode = "callable"
            self.next_payload = source

    @staticmethod
    def _brief(value):
        text = repr(value)
        return "a %s (%s)" % (type(value).__name__, text if len(text) <= 60 else text[:57] + "...")

    def _event_loop(self):
        if self.loop is None:
            import asyncio
            self.loop, self.loop_name = new_event_loop(self.path)
            # code that asks asyncio.get_event_loop() outside a coroutine finds this loop too
            asyncio.set_event_loop(self.loop)
        return self.loop

    def _invoke(self, invoke_factory, endpoint_name):
        try:
            # The original calls invoke_factory() bare; the name is passed only when the user gave one.
            invoke = invoke_factory(endpoint_name) if endpoint_name else invoke_factory()
            if hasattr(type(invoke), "__await__"):
                # async def invoke_factory: awaited once, on the loop that will run invoke, because an
                # async client belongs to the loop it was made on
                invoke = self._event_loop().run_until_complete(invoke)
        except ContractError:
            raise  # the event loop asked for cannot be had: its own sentence
        except BaseException as error:
            raise ContractError("invoke_factory(%s) in %s raised %s%s; fix the factory or its environment."
                                % (repr(endpoint_name) if endpoint_name else "", self.path,
                                   describe(error), where(error, self.path)))
        if not callable(invoke):
            raise ContractError("invoke_factory() in %s must return a callable invoke(payload), but it returned %s."
                                % (self.path, self._brief(invoke)))
        return invoke

    def call(self, sent_ns=0, monotonic_ns=time.monotonic_ns, perf_counter_ns=time.perf_counter_ns):
        """One request: (outcome, queue_ns, invoke_ns, payload_ns, text). Never raises."""
        start = monotonic_ns()
        queue_ns = start - sent_ns if sent_ns else 0
        try:
            payload = self.next_payload()
        except BaseException as error:
            return PAYLOAD_FAILED, queue_ns, 0, monotonic_ns() - start, describe(error).encode("utf-8")
        began = perf_counter_ns()
        try:
            result = self.invoke(payload)
        except BaseException as error:
            return failed(error, queue_ns, perf_counter_ns() - began, began - start)
        took = perf_counter_ns() - began
        if hasattr(type(result), "__await__"):
            if hasattr(result, "close"):
                result.close()  # never awaited: without this Python warns on stderr for every request
            return INVOKE_FAILED, queue_ns, took, began - start, RETURNED_COROUTINE.encode("utf-8")
        return OK, queue_ns, took, began - start, encode_measurements(result)

    async def acall(self, sent_ns=0, monotonic_ns=time.monotonic_ns, perf_counter_ns=time.perf_counter_ns):
        """call() for an async invoke, on the worker's event loop: the same timings, the same results.

        The invoke time includes the moments the task waits for the loop while it runs other tasks;
        when one loop's CPU saturates, that wait grows (add workers), as it would in any asyncio client."""
        start = monotonic_ns()
        queue_ns = start - sent_ns if sent_ns else 0
        try:
            payload = self.next_payload()
        except BaseException as error:
            return PAYLOAD_FAILED, queue_ns, 0, monotonic_ns() - start, describe(error).encode("utf-8")
        began = perf_counter_ns()
        try:
            result = await self.invoke(payload)
        except BaseException as error:
            return failed(error, queue_ns, perf_counter_ns() - began, began - start)
        return OK, queue_ns, perf_counter_ns() - began, began - start, encode_measurements(result)

    def _call_on_loop(self, sent_ns=0):
        """call() of an async invoke from another thread (Jep's): the loop runs in a thread of its own."""
        import asyncio
        with _LOOP_START:
            if self.loop_thread is None:
                self.loop_thread = threading.Thread(target=self.loop.run_forever, name="ib-asyncio-loop", daemon=True)
                self.loop_thread.start()
        return asyncio.run_coroutine_threadsafe(self.acall(sent_ns), self.loop).result()


_LOOP_START = threading.Lock()
# IB_ASYNCIO_LOOP: which event loop runs an async invoke. auto (the default) takes uvloop when it is installed:
# the same asyncio API, with its I/O in C, it costs less than half the CPU per streamed chunk (measured with
# aiohttp: 41 against 97 us), which is what bounds a worker holding thousands of streams.
LOOP_CHOICES = ("auto", "uvloop", "asyncio")


def new_event_loop(path, environ=os.environ):
    """(loop, name) for an async invoke, as IB_ASYNCIO_LOOP asks; ContractError when it cannot be had."""
    import asyncio
    choice = environ.get("IB_ASYNCIO_LOOP", "").strip().lower() or "auto"
    if choice not in LOOP_CHOICES:
        raise ContractError("IB_ASYNCIO_LOOP=%s is not an event loop the worker knows; set it to auto, uvloop or "
                            "asyncio." % environ.get("IB_ASYNCIO_LOOP"))
    if choice != "asyncio":
        try:
            import uvloop
            return uvloop.new_event_loop(), "uvloop " + getattr(uvloop, "__version__", "")
        except Exception:  # not installed, or not importable here (a Jep sub-interpreter)
            if choice == "uvloop":
                raise ContractError("IB_ASYNCIO_LOOP=uvloop but uvloop cannot be imported by %s for %s; install it "
                                    "(python3 -m pip install uvloop) or unset IB_ASYNCIO_LOOP." % (sys.executable, path))
    return asyncio.new_event_loop(), "asyncio"


def is_coroutine_function(function):
    """async def, also behind functools.partial or as an object's async __call__."""
    import inspect
    return inspect.iscoroutinefunction(function) or inspect.iscoroutinefunction(getattr(function, "__call__", None))


def failed(error, queue_ns, invoke_ns, payload_ns):
    """An exception from invoke as a reply: 'ExceptionType: message', with the HTTP status it carried."""
    status = status_of(error)
    text = describe(error) if status is None else "[status %d] %s" % (status, describe(error))
    return INVOKE_FAILED, queue_ns, invoke_ns, payload_ns, text.encode("utf-8")


def status_of(error):
    """The HTTP status an exception carries, as the common clients raise them (requests, urllib, botocore,
    openai, httpx, aiohttp), so a 503 is reported as 503 and not as a generic failure; else None."""
    for candidate in (
            lambda e: e.status_code,                                        # openai, httpx responses
            lambda e: e.response.status_code,                               # requests.HTTPError, httpx
            lambda e: e.response["ResponseMetadata"]["HTTPStatusCode"],     # botocore ClientError
            lambda e: e.code,                                               # urllib.error.HTTPError
            lambda e: e.status):                                            # aiohttp ClientResponseError
        try:
            value = candidate(error)
        except Exception:
            continue
        if isinstance(value, int) and 100 <= value <= 599:
            return value
    return None


# The Jep runtime loads this module once per JVM (module state is shared by Jep's SharedInterpreters)
# and calls jep_call from each of its threads; each runtime has its own key, so several factories
# files can run in one JVM.
JEP_FACTORIES = {}


def jep_load(key, path, endpoint_name):
    """Loads the factories file for Jep; returns None, or the sentence why it cannot serve."""
    try:
        JEP_FACTORIES[key] = Factories(path, endpoint_name or None)
        return None
    except ContractError as error:
        return str(error)


def jep_unload(key):
    JEP_FACTORIES.pop(key, None)


def jep_call(key, sent_ns):
    """One request for Jep: [outcome, queue_ns, invoke_ns, payload_ns, text]."""
    outcome, queue_ns, invoke_ns, payload_ns, text = JEP_FACTORIES[key].call(sent_ns)
    return [outcome, queue_ns, invoke_ns, payload_ns, text.decode("utf-8")]


def serve(argv):
    path, worker_index, worker_count = argv[0], int(argv[1]), int(argv[2])
    max_threads, max_async, java_nanos = int(argv[3]), int(argv[4]), int(argv[5])
    endpoint_name = argv[6] if len(argv) > 6 and argv[6] else None

    # Ctrl-C reaches the whole process group, this worker too: the JVM decides what a signal means
    # (finish what is in flight, then stop us by closing the pipe), so the worker does not die under it.
    import signal
    for name in ("SIGINT", "SIGTERM"):
        if hasattr(signal, name):
            signal.signal(getattr(signal, name), signal.SIG_IGN)

    # The frames own the original stdin/stdout; whatever the user's code prints goes to stderr.
    frames_in = os.dup(0)
    frames_out = os.dup(1)
    os.dup2(2, 1)
    devnull = os.open(os.devnull, os.O_RDONLY)
    os.dup2(devnull, 0)
    os.close(devnull)

    head = struct.Struct(">I")
    reply_head = struct.Struct(">IcIBqqq")
    write_lock = threading.Lock()

    def send(kind, body):
        frame = head.pack(len(body) + 1) + kind + body
        with write_lock:
            os.write(frames_out, frame)

    if sys.version_info[:2] < MIN_PYTHON:
        send(b"F", ("Python %s at %s is too old: 3.9 or newer is needed; pass the path of a newer Python."
                    % (sys.version.split()[0], sys.executable)).encode("utf-8"))
        return 2
    import gc
    interpreters_thresholds = gc.get_threshold()  # before the file runs, which may set its own
    try:
        factories = Factories(path, endpoint_name, worker_index, worker_count)
    except ContractError as error:
        send(b"F", str(error).encode("utf-8"))
        return 2

    # Python's monotonic clock and Java's System.nanoTime() are both CLOCK_MONOTONIC on Linux;
    # where they are not one clock, queue time starts when the frame is read here instead.
    shared_clock = 0 <= time.monotonic_ns() - java_nanos < 60 * 10**9
    hello = {"python": "%d.%d.%d" % sys.version_info[:3], "pid": os.getpid(), "mode": factories.mode,
             "clock": "shared" if shared_clock else "own", "invoke": "async" if factories.is_async else "sync"}
    if factories.is_async:
        hello["loop"] = factories.loop_name
    if factories.payloads is not None:
        hello["payloads"] = len(factories.payloads)
    send(b"H", "\n".join("%s=%s" % item for item in hello.items()).encode("utf-8"))

    pack = reply_head.pack
    write = os.write
    if factories.is_async:
        quiet_collector(interpreters_thresholds)
        LoopReader(factories, frames_in, frames_out, pack, max_async, shared_clock).run()
        return 0  # not reached: the loop ends the process (end of input, or quit)

    outbox = []  # list.append is atomic under the GIL
    take_turn = write_lock.acquire
    end_turn = write_lock.release

    def reply(request_id, outcome, queue_ns, invoke_ns, payload_ns, text):
        # Combining writes: whoever finds the lock free writes every reply waiting, so under load
        # one system call carries many replies and no thread waits for another's write.
        outbox.append(pack(30 + len(text), b"R", request_id, outcome, queue_ns, invoke_ns, payload_ns) + text)
        while outbox and take_turn(False):
            try:
                count = len(outbox)
                data = outbox[0] if count == 1 else b"".join(outbox[:count])
                del outbox[:count]
                while data:
                    data = data[write(frames_out, data):]
            finally:
                end_turn()

    PipeReaders(factories, frames_in, reply, max_threads, shared_clock).start()
    threading.Event().wait()  # the threads end the process (end of input, or quit)
    return 0


class PipeReaders:
    """Threads that each read the next request straight from the pipe and serve it.

    The kernel hands each 13-byte frame to one waiting thread, so a request reaches invoke with one
    thread wake-up and no hand-over inside Python. This relies on the JVM writing whole frames in
    writes of at most PIPE_BUF bytes (atomic), so the pipe always holds whole frames. The pool grows
    by one thread whenever the last waiting reader takes a request, up to max_threads."""

    def __init__(self, factories, frames_in, reply, max_threads, shared_clock):
        import itertools
        import threading
        self.factories = factories
        self.frames_in = frames_in
        self.reply = reply
        self.max_threads = max(1, max_threads)
        self.shared_clock = shared_clock
        self.lock = threading.Lock()
        self.Thread = threading.Thread
        self.threads = 0
        # Busy threads = taken - completed; next() on itertools.count is atomic under the GIL, which
        # keeps locks off the per-request path. A stale `completed` only makes the pool grow early.
        self.taken = itertools.count(1).__next__
        self.finished = itertools.count(1).__next__
        self.completed = 0

    def start(self):
        self._grow(0)

    def _grow(self, busy):
        with self.lock:
            if busy < self.threads or self.threads >= self.max_threads:
                return  # another reader grew the pool meanwhile
            self.threads += 1
            name = "ib-invoke-%d" % self.threads
        self.Thread(target=self._serve, name=name, daemon=True).start()

    def _serve(self):
        read, fd = os.read, self.frames_in
        unpack = struct.Struct(">cIq").unpack
        call, reply = self.factories.call, self.reply
        taken, finished = self.taken, self.finished
        shared_clock, monotonic_ns = self.shared_clock, time.monotonic_ns
        while True:
            frame = read(fd, REQUEST_SIZE)
            if len(frame) != REQUEST_SIZE or frame[0:1] != b"I":
                # End of input or quit: the JVM is done with us. A short frame cannot happen (see
                # above) and would mean the pipe is out of step, so it ends the worker too.
                sys.stderr.flush()
                os._exit(0 if not frame or frame[0:1] == b"Q" else 3)
            kind, request_id, sent_ns = unpack(frame)
            busy = taken() - self.completed
            if busy >= self.threads and self.threads < self.max_threads:
                self._grow(busy)  # keep one reader waiting for the next request
            reply(request_id, *call(sent_ns if shared_clock else monotonic_ns()))
            self.completed = finished()


# CPython's collector stops the whole loop while it runs. An async worker holds thousands of requests for
# their whole length (60 s streams), so nearly everything it allocates lives long and the collector's
# default thresholds (700, 10, 10 up to 3.12) walk it again and again: holding 5,000 streams, full collections
# took up to 243 ms and middle ones 61 ms, every stream's next token waiting behind them (TTFT p99
# 570 ms for 500). With the first generation at 20,000 allocations and the older ones rare, the loop's
# longest stall fell to 87 ms and TTFT p99 to 518 ms, at the same CPU. Cycles are still collected.
ASYNC_COLLECTOR_THRESHOLDS = (20_000, 50, 100)


def quiet_collector(interpreters_thresholds):
    """Fewer, cheaper collections for an async worker; a factories file that set its own thresholds keeps them."""
    import gc
    if gc.get_threshold() == interpreters_thresholds:
        gc.set_threshold(*ASYNC_COLLECTOR_THRESHOLDS)
    gc.freeze()  # what loading the file and its packages made lives as long as the worker: never walk it again


class LoopReader:
    """An async invoke's requests as tasks on the worker's one event loop: a request costs a coroutine,
    not a thread, so one worker holds thousands in flight.

    The loop reads whole frames from the pipe when it is readable and starts a task for each. With
    max_in_flight tasks running it stops reading: further requests wait in the pipe (and the JVM), and
    that wait is their queue time, as with a full thread pool. Replies finished in one pass of the loop
    leave in one write."""

    def __init__(self, factories, frames_in, frames_out, pack, max_in_flight, shared_clock):
        self.factories = factories
        self.loop = factories.loop
        self.frames_in = frames_in
        self.frames_out = frames_out
        self.pack = pack
        self.max_in_flight = max(1, max_in_flight)
        self.shared_clock = shared_clock
        self.in_flight = 0
        self.reading = False
        self.pending = b""  # a partial frame (cannot happen with atomic writes; kept for safety)
        self.tasks = set()  # asyncio keeps only weak references to tasks
        self.outbox = []

    def run(self):
        os.set_blocking(self.frames_in, False)
        self._resume()
        self.loop.run_forever()

    def _resume(self):
        if not self.reading:
            self.reading = True
            self.loop.add_reader(self.frames_in, self._read)

    def _read(self):
        room = self.max_in_flight - self.in_flight
        try:
            data = os.read(self.frames_in, min(room, 5000) * REQUEST_SIZE)
        except BlockingIOError:
            return
        if not data:
            self._end(0)
        if self.pending:
            data = self.pending + data
        whole = len(data) - len(data) % REQUEST_SIZE
        self.pending = data[whole:]
        acall, tasks, create_task = self.factories.acall, self.tasks, self.loop.create_task
        shared_clock, monotonic_ns = self.shared_clock, time.monotonic_ns
        for at in range(0, whole, REQUEST_SIZE):
            kind, request_id, sent_ns = UNPACK_REQUEST(data, at)
            if kind != b"I":
                self._end(0 if kind == b"Q" else 3)
            self.in_flight += 1
            task = create_task(self._serve(request_id, acall(sent_ns if shared_clock else monotonic_ns())))
            tasks.add(task)
            task.add_done_callback(tasks.discard)
        if self.in_flight >= self.max_in_flight:
            self.reading = False
            self.loop.remove_reader(self.frames_in)

    async def _serve(self, request_id, call):
        outcome, queue_ns, invoke_ns, payload_ns, text = await call
        if not self.outbox:
            self.loop.call_soon(self._flush)
        self.outbox.append(self.pack(30 + len(text), b"R", request_id, outcome, queue_ns, invoke_ns, payload_ns) + text)
        self.in_flight -= 1
        if not self.reading:
            self._resume()

    def _flush(self):
        data = b"".join(self.outbox)
        self.outbox.clear()
        while data:
            data = data[os.write(self.frames_out, data):]

    def _end(self, code):
        # End of input or quit: the JVM is done with us; tasks still running are abandoned, as threads are.
        sys.stderr.flush()
        os._exit(code)


if __name__ == "__main__":
    code = 1
    try:
        code = serve(sys.argv[1:])
    finally:
        sys.stderr.flush()
        # Pool threads may sit inside user code; the JVM has stopped waiting for them.
        os._exit(code)
