package io.inferencebench.python;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import io.inferencebench.simulator.EndpointSimulator;
import io.inferencebench.simulator.SimulatorOptions;

/**
 * {@code async def invoke} on real CPython workers: one event loop per worker, a coroutine per request,
 * the same results and timings as a plain invoke.
 */
class AsyncInvokeTest {
    @TempDir
    Path folder;

    private static PythonOptions subprocess(Path file) {
        return PythonOptions.of(file).withRuntime(PythonOptions.Runtime.SUBPROCESS);
    }

    /** An async invoke that POSTs to IB_ENDPOINT_URL over asyncio's own streams, a new connection each time. */
    private Path httpOverAsyncio() {
        return Factories.write(folder, "async_http.py", """
                import asyncio, os, threading
                from urllib.parse import urlsplit

                URL = urlsplit(os.environ["IB_ENDPOINT_URL"])
                BODY = b'{"instances": [[1.0, 2.0]]}'
                REQUEST = (b"POST /invocations HTTP/1.1\\r\\nHost: %s\\r\\nContent-Type: application/json\\r\\n"
                           b"Content-Length: %d\\r\\nConnection: close\\r\\n\\r\\n" % (URL.netloc.encode(), len(BODY))) + BODY
                in_flight = 0
                peak = 0

                def invoke_factory(endpoint_name=None):
                    async def invoke(payload):
                        global in_flight, peak
                        in_flight += 1
                        peak = max(peak, in_flight)
                        try:
                            reader, writer = await asyncio.open_connection(URL.hostname, URL.port)
                            writer.write(REQUEST)
                            status = int((await reader.readline()).split()[1])
                            length = 0
                            while True:
                                line = await reader.readline()
                                if line in (b"\\r\\n", b""):
                                    break
                                if line.lower().startswith(b"content-length:"):
                                    length = int(line.split(b":")[1])
                            body = await reader.readexactly(length)
                            writer.close()
                            return {"status": status, "response_bytes": len(body), "peak": peak,
                                    "python_threads": threading.active_count()}
                        finally:
                            in_flight -= 1
                    return invoke

                def payload_factory():
                    return {"pre_computed": True, "input": [None]}
                """);
    }

    @Test
    void oneWorkerHoldsTwoThousandSlowRequestsInFlightOnAFewThreads() throws Exception {
        int requests = 2_000;
        // 3 s: long against the time one loop takes to open 2,000 connections on a busy machine
        try (EndpointSimulator sim = EndpointSimulator.start(SimulatorOptions.parse("latency=3s").withPort(0));
             WorkerPool pool = WorkerPool.start(subprocess(httpOverAsyncio())
                     .withEnvironment(Map.of("IB_ENDPOINT_URL", sim.baseUrl())))) {
            assertThat(pool.asyncInvoke()).isTrue();
            assertThat(pool.description()).contains("one asyncio event loop each (").contains("), up to 10,000 requests in flight");
            List<CompletableFuture<Invocation>> pending = new ArrayList<>();
            for (int i = 0; i < requests; i++) {
                pending.add(pool.submit());
            }
            // every request has reached the server while none has been answered: all 2,000 are in flight at once
            while (sim.requestCount() < requests && pending.stream().noneMatch(CompletableFuture::isDone)) {
                Thread.sleep(20);
            }
            int threadsWhileInFlight = threads(pool.pids()[0]);
            System.out.printf("%,d requests in flight in one worker, which has %d OS thread(s)%n", sim.requestCount(), threadsWhileInFlight);
            List<Invocation> results = pending.stream().map(CompletableFuture::join).toList();

            assertThat(results).allSatisfy(r -> {
                assertThat(r.ok()).as(r.error()).isTrue();
                assertThat(r.measurement("status")).isEqualTo("200");
            });
            assertThat(results.stream().mapToInt(r -> Integer.parseInt(r.measurement("peak"))).max().orElseThrow())
                    .as("requests in flight in the one worker at once").isEqualTo(requests);
            assertThat(threadsWhileInFlight).as("the worker's OS threads with %,d requests in flight", requests)
                    .isLessThanOrEqualTo(8);
            assertThat(results).allSatisfy(r -> assertThat(r.invokeNanos()).as("each waited for its 3 s answer")
                    .isGreaterThanOrEqualTo(3_000_000_000L));
        }
    }

    /** Threads of a process, as the kernel counts them. */
    private static int threads(long pid) throws IOException {
        return Files.readAllLines(Path.of("/proc/" + pid + "/status")).stream().filter(l -> l.startsWith("Threads:"))
                .mapToInt(l -> Integer.parseInt(l.substring("Threads:".length()).trim())).findFirst().orElseThrow();
    }

    @Test
    void theBoundOnRequestsInFlightIsHonoured() throws Exception {
        Path file = Factories.write(folder, "bounded.py", """
                import asyncio
                in_flight = 0

                async def invoke(payload):
                    global in_flight
                    in_flight += 1
                    seen = in_flight
                    await asyncio.sleep(0.2)
                    in_flight -= 1
                    return {"in_flight": seen}

                def invoke_factory(endpoint_name=None):
                    return invoke

                def payload_factory():
                    return {"pre_computed": True, "input": [None]}
                """);
        try (WorkerPool pool = WorkerPool.start(subprocess(file).withAsyncRequestsPerWorker(5))) {
            List<CompletableFuture<Invocation>> pending = new ArrayList<>();
            for (int i = 0; i < 30; i++) {
                pending.add(pool.submit());
            }
            List<Invocation> results = pending.stream().map(CompletableFuture::join).toList();

            assertThat(results).allSatisfy(r -> assertThat(r.ok()).as(r.error()).isTrue());
            assertThat(results.stream().mapToInt(r -> Integer.parseInt(r.measurement("in_flight"))).max().orElseThrow())
                    .isEqualTo(5);
            // the 30th waited for five rounds of five before it ran: its wait is queue time, not invoke time
            assertThat(results.get(29).queueNanos()).isGreaterThan(500_000_000L);
            // uvloop's timers run on libuv's millisecond clock, read once per pass of the loop: a 200 ms sleep may
            // end a fraction of a millisecond early by perf_counter
            assertThat(results.get(29).invokeNanos()).isBetween(198_000_000L, 1_000_000_000L);
        }
    }

    @Test
    void aPlainInvokeThatReturnsACoroutineFailsWithOneSentence() throws Exception {
        Path file = Factories.write(folder, "forgot_async.py", """
                import asyncio

                async def call_endpoint(payload):
                    await asyncio.sleep(0)
                    return {"status": 200}

                def invoke_factory(endpoint_name=None):
                    def invoke(payload):
                        return call_endpoint(payload)
                    return invoke

                def payload_factory():
                    return {"pre_computed": True, "input": [None]}
                """);
        try (WorkerPool pool = WorkerPool.start(subprocess(file))) {
            assertThat(pool.asyncInvoke()).isFalse();
            Invocation result = pool.invoke();

            assertThat(result.ok()).isFalse();
            assertThat(result.error()).isEqualTo("invoke returned a coroutine instead of a result: declare it "
                    + "`async def invoke(payload)` so the worker awaits it on its event loop");
        }
    }

    @Test
    void anAsyncInvokeFactoryIsAwaitedOnceOnTheLoopThatRunsInvoke() throws Exception {
        Path file = Factories.write(folder, "async_factory.py", """
                import asyncio
                factories_made = 0

                async def invoke_factory(endpoint_name=None):
                    global factories_made
                    factories_made += 1
                    await asyncio.sleep(0.01)  # e.g. opening a client session
                    loop = asyncio.get_running_loop()

                    async def invoke(payload):
                        return {"same_loop": int(asyncio.get_running_loop() is loop), "factories_made": factories_made,
                                "named": int(endpoint_name == "my-endpoint")}
                    return invoke

                def payload_factory():
                    return {"pre_computed": True, "input": [None]}
                """);
        try (WorkerPool pool = WorkerPool.start(subprocess(file).withEndpointName("my-endpoint"))) {
            for (int i = 0; i < 3; i++) {
                Invocation result = pool.invoke();
                assertThat(result.ok()).as(result.error()).isTrue();
                assertThat(result.measurements()).containsEntry("same_loop", "1").containsEntry("factories_made", "1")
                        .containsEntry("named", "1");
            }
        }
    }

    /** An async invoke that says which event loop runs it. */
    private Path whichLoop() {
        return Factories.write(folder, "which_loop.py", """
                import asyncio, gc

                async def invoke(payload):
                    return {"uvloop": int(type(asyncio.get_running_loop()).__module__.startswith("uvloop")),
                            "collector_threshold": gc.get_threshold()[0], "frozen": gc.get_freeze_count()}

                def invoke_factory(endpoint_name=None):
                    return invoke

                def payload_factory():
                    return {"pre_computed": True, "input": [None]}
                """);
    }

    @Test
    void uvloopRunsAnAsyncInvokeWhenInstalledAndTheStandardLoopWhenAskedFor() throws Exception {
        // factories/requirements.txt installs uvloop (the CI command installs it); elsewhere it may be missing
        boolean installed = new ProcessBuilder("python3", "-c", "import uvloop").start().waitFor() == 0;
        if (!installed && System.getenv("CI") == null) {
            org.junit.jupiter.api.Assumptions.abort("uvloop is not installed: python3 -m pip install -r factories/requirements.txt");
        }
        assertThat(installed).as("uvloop installed (python3 -m pip install -r factories/requirements.txt)").isTrue();
        Path file = whichLoop();
        try (WorkerPool pool = WorkerPool.start(subprocess(file))) {
            assertThat(pool.description()).contains("one asyncio event loop each (uvloop ");
            Invocation result = pool.invoke();
            assertThat(result.measurement("uvloop")).isEqualTo("1");
            // the collector runs less often and never walks what loading the file made (see quiet_collector)
            assertThat(result.measurement("collector_threshold")).isEqualTo("20000");
            assertThat(Long.parseLong(result.measurement("frozen"))).isGreaterThan(1_000);
        }
        try (WorkerPool pool = WorkerPool.start(subprocess(file).withEnvironment(Map.of("IB_ASYNCIO_LOOP", "asyncio")))) {
            assertThat(pool.description()).contains("one asyncio event loop each (the standard loop), up to");
            assertThat(pool.invoke().measurement("uvloop")).isEqualTo("0");
        }
    }

    @Test
    void aFactoriesFileThatTunesTheCollectorKeepsItsOwnThresholds() throws Exception {
        Path file = Factories.write(folder, "own_collector.py", """
                import gc
                gc.set_threshold(5000, 5, 5)

                async def invoke(payload):
                    return {"collector_threshold": gc.get_threshold()[0]}

                def invoke_factory(endpoint_name=None):
                    return invoke

                def payload_factory():
                    return {"pre_computed": True, "input": [None]}
                """);
        try (WorkerPool pool = WorkerPool.start(subprocess(file))) {
            assertThat(pool.invoke().measurement("collector_threshold")).isEqualTo("5000");
        }
    }

    @Test
    void anEventLoopTheWorkerDoesNotKnowIsOneSentenceBeforeTheWave() {
        Throwable thrown = org.assertj.core.api.Assertions.catchThrowable(() -> WorkerPool.start(subprocess(whichLoop())
                .withEnvironment(Map.of("IB_ASYNCIO_LOOP", "tokio"))).close());
        assertThat(thrown).isInstanceOf(FactoriesException.class).hasMessage(
                "IB_ASYNCIO_LOOP=tokio is not an event loop the worker knows; set it to auto, uvloop or asyncio.");
    }

    @Test
    void anExceptionInAnAsyncInvokeFailsTheSampleWithItsMessageAndStatus() throws Exception {
        Path file = Factories.write(folder, "async_fails.py", """
                import asyncio

                class ServerError(Exception):
                    status_code = 503

                async def invoke(payload):
                    await asyncio.sleep(0.01)
                    if payload == "bad":
                        raise ServerError("the model is overloaded")
                    raise RuntimeError("connection reset")

                def invoke_factory(endpoint_name=None):
                    return invoke

                def payload_factory():
                    return {"pre_computed": True, "input": ["bad", "worse"]}
                """);
        try (WorkerPool pool = WorkerPool.start(subprocess(file))) {
            Invocation first = pool.invoke();
            Invocation second = pool.invoke();

            assertThat(first.ok()).isFalse();
            assertThat(first.error()).isEqualTo("[status 503] ServerError: the model is overloaded");
            assertThat(first.invokeNanos()).isGreaterThanOrEqualTo(10_000_000L);
            assertThat(second.ok()).isFalse();
            assertThat(second.error()).isEqualTo("RuntimeError: connection reset");
        }
    }

    @Test
    void anAsyncInvokeReportsTokenTimingsAsAPlainOneDoes() throws Exception {
        Path file = Factories.write(folder, "async_stream.py", """
                import asyncio, time

                async def invoke(payload):
                    started = time.perf_counter()
                    times = []
                    for _ in range(3):
                        await asyncio.sleep(0.05)
                        times.append((time.perf_counter() - started) * 1000.0)
                    return {"status": 200, "input_tokens": 7, "output_tokens": 5, "token_times_ms": times}

                def invoke_factory(endpoint_name=None):
                    return invoke

                def payload_factory():
                    return {"pre_computed": False, "input": lambda: None}
                """);
        try (WorkerPool pool = WorkerPool.start(subprocess(file))) {
            Invocation result = pool.invoke();

            assertThat(result.ok()).as(result.error()).isTrue();
            double ttft = Double.parseDouble(result.measurement("ttft_ms"));
            double ttst = Double.parseDouble(result.measurement("ttst_ms"));
            double last = Double.parseDouble(result.measurement("request_latency_ms"));
            // uvloop (the worker's loop when installed) sets a timer's deadline from libuv's loop time, which it keeps
            // in whole milliseconds, truncated: a 50 ms asyncio.sleep can end up to a millisecond less than 50 ms after
            // a perf_counter reading taken just before it (49.2 ms in one CI run)
            assertThat(ttft).isGreaterThanOrEqualTo(49);
            assertThat(ttst).isGreaterThanOrEqualTo(48);
            assertThat(last).isGreaterThanOrEqualTo(147);
            assertThat(result.measurements()).containsEntry("output_tokens", "5").containsEntry("input_tokens", "7")
                    .containsEntry("content_chunks", "3");
            assertThat(result.invokeNanos() / 1e6).as("invoke's own time covers its last chunk").isGreaterThanOrEqualTo(last);
        }
    }
}
