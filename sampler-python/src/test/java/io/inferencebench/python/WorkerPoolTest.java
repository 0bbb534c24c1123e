package io.inferencebench.python;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.stream.Collectors;
import java.util.stream.IntStream;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The factories contract as the subprocess runtime serves it, on real CPython workers. */
class WorkerPoolTest {
    @TempDir
    Path folder;

    private static PythonOptions subprocess(Path file) {
        return PythonOptions.of(file).withRuntime(PythonOptions.Runtime.SUBPROCESS);
    }

    private static List<Invocation> invokeSequentially(PythonRuntime runtime, int count) {
        List<Invocation> results = new ArrayList<>();
        for (int i = 0; i < count; i++) {
            results.add(runtime.invoke());
        }
        return results;
    }

    @Test
    void preComputedPayloadsAreCycledInOrderOnOneWorker() throws Exception {
        try (WorkerPool pool = WorkerPool.start(subprocess(Factories.numbered(folder, 3)))) {
            List<String> items = invokeSequentially(pool, 7).stream().map(i -> i.measurement("item")).toList();
            assertThat(items).containsExactly("0", "1", "2", "0", "1", "2", "0");
        }
    }

    @Test
    void preComputedPayloadsAreSplitByStrideAcrossWorkers() throws Exception {
        try (WorkerPool pool = WorkerPool.start(subprocess(Factories.numbered(folder, 6)).withWorkers(2))) {
            List<Invocation> results = invokeSequentially(pool, 24);
            Map<String, List<String>> itemsByWorker = results.stream().collect(Collectors.groupingBy(
                    i -> i.measurement("pid"), Collectors.mapping(i -> i.measurement("item"), Collectors.toList())));

            assertThat(itemsByWorker).hasSize(2);
            assertThat(itemsByWorker.values()).containsExactlyInAnyOrder(
                    List.of("0", "2", "4", "0", "2", "4", "0", "2", "4", "0", "2", "4"),
                    List.of("1", "3", "5", "1", "3", "5", "1", "3", "5", "1", "3", "5"));
        }
    }

    @Test
    void aWorkerBeyondTheEndOfAShortListStillGetsAPayload() throws Exception {
        try (WorkerPool pool = WorkerPool.start(subprocess(Factories.numbered(folder, 1)).withWorkers(2))) {
            assertThat(invokeSequentially(pool, 4)).allSatisfy(i -> {
                assertThat(i.ok()).isTrue();
                assertThat(i.measurement("item")).isEqualTo("0");
            });
        }
    }

    @Test
    void aPayloadCallableIsCalledForEveryRequest() throws Exception {
        Path file = Factories.write(folder, "calls.py", """
                import itertools
                counter = itertools.count(1)

                def invoke_factory(endpoint_name=None):
                    return lambda payload: {"call": payload}

                def payload_factory():
                    return {"pre_computed": False, "input": lambda: next(counter)}
                """);
        try (WorkerPool pool = WorkerPool.start(subprocess(file))) {
            assertThat(invokeSequentially(pool, 4)).extracting(i -> i.measurement("call"))
                    .containsExactly("1", "2", "3", "4");
        }
    }

    @Test
    void anExceptionFromInvokeIsAFailureNamedByItsTypeAndMessage() throws Exception {
        Path file = Factories.write(folder, "fails.py", """
                def invoke_factory(endpoint_name=None):
                    def invoke(payload):
                        if payload == "bad":
                            raise ValueError("endpoint said 422 for " + payload)
                        if payload == "bare":
                            raise KeyError
                    return invoke

                def payload_factory():
                    return {"pre_computed": True, "input": ["good", "bad", "bare"]}
                """);
        try (WorkerPool pool = WorkerPool.start(subprocess(file))) {
            List<Invocation> results = invokeSequentially(pool, 3);

            assertThat(results.get(0).ok()).isTrue();
            assertThat(results.get(1).ok()).isFalse();
            assertThat(results.get(1).error()).isEqualTo("ValueError: endpoint said 422 for bad");
            assertThat(results.get(2).error()).isEqualTo("KeyError");
        }
    }

    @Test
    void anExceptionWhileBuildingAPayloadIsAFailureWithoutAnInvokeTime() throws Exception {
        Path file = Factories.write(folder, "payload_fails.py", """
                import itertools
                counter = itertools.count()

                def build():
                    n = next(counter)
                    if n % 2:
                        raise RuntimeError("no payload for odd request %d" % n)
                    return n

                def invoke_factory(endpoint_name=None):
                    return lambda payload: None

                def payload_factory():
                    return {"pre_computed": False, "input": build}
                """);
        try (WorkerPool pool = WorkerPool.start(subprocess(file))) {
            List<Invocation> results = invokeSequentially(pool, 2);

            assertThat(results.get(0).ok()).isTrue();
            assertThat(results.get(1).ok()).isFalse();
            assertThat(results.get(1).error()).isEqualTo("building the payload raised RuntimeError: no payload for odd request 1");
            assertThat(results.get(1).invokeNanos()).isZero();
        }
    }

    @Test
    void theSampleTimeIsInvokesOwnTimeWithoutPayloadBuilding() throws Exception {
        Path file = Factories.write(folder, "timed.py", """
                import time

                def slow_payload():
                    time.sleep(0.5)
                    return "p"

                def invoke_factory(endpoint_name=None):
                    def invoke(payload):
                        time.sleep(0.05)
                    return invoke

                def payload_factory():
                    return {"pre_computed": False, "input": slow_payload}
                """);
        try (WorkerPool pool = WorkerPool.start(subprocess(file))) {
            Invocation result = pool.invoke();

            assertThat(Duration.ofNanos(result.invokeNanos())).isBetween(Duration.ofMillis(50), Duration.ofMillis(499));
            assertThat(Duration.ofNanos(result.payloadNanos())).isGreaterThanOrEqualTo(Duration.ofMillis(500));
        }
    }

    @Test
    void aDictReturnedByInvokeBecomesMeasurementsAndNoneStaysValid() throws Exception {
        Path file = Factories.write(folder, "measures.py", """
                def invoke_factory(endpoint_name=None):
                    def invoke(payload):
                        if payload:
                            return {"status": 200, "response_bytes": 512, "input_tokens": 12,
                                    "output_tokens": 64, "ttft_ms": 180.5, "model": "not a number", "ok": True}
                        return None
                    return invoke

                def payload_factory():
                    return {"pre_computed": True, "input": [1, 0]}
                """);
        try (WorkerPool pool = WorkerPool.start(subprocess(file))) {
            List<Invocation> results = invokeSequentially(pool, 2);

            assertThat(results.get(0).measurements()).containsExactly(Map.entry("status", "200"),
                    Map.entry("response_bytes", "512"), Map.entry("input_tokens", "12"),
                    Map.entry("output_tokens", "64"), Map.entry("ttft_ms", "180.5"));
            assertThat(results.get(1).ok()).isTrue();
            assertThat(results.get(1).measurements()).isEmpty();
        }
    }

    @Test
    void anOriginalToolFileRunsUnchanged() throws Exception {
        Path file = Factories.write(folder, "original.py", """
                from typing import Any, Callable
                Payload = Any

                def invoke_factory(endpoint_name: str | None = None) -> Callable[[Payload], None]:
                    import json
                    name = endpoint_name or 'my-endpoint'
                    def invoke(payload: Payload) -> None:
                        json.dumps({"endpoint": name, "body": payload}).encode('utf-8')
                        print("invoked", name)  # the original's users print freely
                    return invoke

                def payload_factory() -> dict:
                    return {'pre_computed': True, 'input': [{'instances': [[1.0, 2.0]]}]}
                """);
        try (WorkerPool pool = WorkerPool.start(subprocess(file))) {
            assertThat(invokeSequentially(pool, 3)).allSatisfy(i -> {
                assertThat(i.ok()).isTrue();
                assertThat(i.measurements()).isEmpty();
            });
        }
    }

    @Test
    void theEndpointNameIsPassedToInvokeFactoryOnlyWhenGiven() throws Exception {
        Path file = Factories.write(folder, "named.py", """
                def invoke_factory(endpoint_name="default-name"):
                    def invoke(payload):
                        return {"name_length": len(endpoint_name)}
                    return invoke

                def payload_factory():
                    return {"pre_computed": True, "input": [None]}
                """);
        try (WorkerPool bare = WorkerPool.start(subprocess(file));
             WorkerPool named = WorkerPool.start(subprocess(file).withEndpointName("llama-3"))) {
            assertThat(bare.invoke().measurement("name_length")).isEqualTo("12");
            assertThat(named.invoke().measurement("name_length")).isEqualTo("7");
        }
    }

    @Test
    void workersInheritTheEnvironmentPlusTheOptionsVariables() throws Exception {
        Path file = Factories.write(folder, "env.py", """
                import os

                def invoke_factory(endpoint_name=None):
                    url = os.environ["IB_ENDPOINT_URL"]
                    has_path = "PATH" in os.environ
                    return lambda payload: {"url_length": len(url), "has_path": int(has_path)}

                def payload_factory():
                    return {"pre_computed": True, "input": [None]}
                """);
        try (WorkerPool pool = WorkerPool.start(subprocess(file).withEnvironment(Map.of("IB_ENDPOINT_URL", "http://127.0.0.1:1")))) {
            Invocation result = pool.invoke();
            assertThat(result.measurement("url_length")).isEqualTo("18");
            assertThat(result.measurement("has_path")).isEqualTo("1");
        }
    }

    @Test
    void concurrentRequestsRunOnTheWorkersThreadPool() throws Exception {
        Path file = Factories.write(folder, "sleepy.py", """
                import time

                def invoke_factory(endpoint_name=None):
                    return lambda payload: time.sleep(0.2)

                def payload_factory():
                    return {"pre_computed": True, "input": [None]}
                """);
        try (WorkerPool pool = WorkerPool.start(subprocess(file))) {
            long start = System.nanoTime();
            List<CompletableFuture<Invocation>> inFlight = IntStream.range(0, 20).mapToObj(i -> pool.submit()).toList();
            List<Invocation> results = inFlight.stream().map(CompletableFuture::join).toList();

            assertThat(results).allSatisfy(i -> assertThat(i.ok()).isTrue());
            assertThat(Duration.ofNanos(System.nanoTime() - start)).isLessThan(Duration.ofSeconds(3)); // 20 x 0.2 s in series would be 4 s
        }
    }

    @Test
    void timeWaitedForAFreePythonThreadIsQueueTimeNotInvokeTime() throws Exception {
        Path file = Factories.write(folder, "one_at_a_time.py", """
                import time

                def invoke_factory(endpoint_name=None):
                    return lambda payload: time.sleep(0.3)

                def payload_factory():
                    return {"pre_computed": True, "input": [None]}
                """);
        try (WorkerPool pool = WorkerPool.start(subprocess(file).withThreadsPerWorker(1))) {
            List<Invocation> results = IntStream.range(0, 3).mapToObj(i -> pool.submit()).toList()
                    .stream().map(CompletableFuture::join).toList();

            // the third waited for two invokes of at least 0.3 s each; none took that long itself
            assertThat(results).allSatisfy(i -> assertThat(Duration.ofNanos(i.invokeNanos())).isLessThan(Duration.ofMillis(590)));
            assertThat(Duration.ofNanos(results.get(2).queueNanos())).isGreaterThanOrEqualTo(Duration.ofMillis(600));
        }
    }

    @Test
    void aRequestSlowerThanTheTimeoutFailsAsTimedOut() throws Exception {
        Path file = Factories.write(folder, "stuck.py", """
                import time

                def invoke_factory(endpoint_name=None):
                    return lambda payload: time.sleep(30)

                def payload_factory():
                    return {"pre_computed": True, "input": [None]}
                """);
        try (WorkerPool pool = WorkerPool.start(subprocess(file).withRequestTimeout(Duration.ofMillis(300)))) {
            Invocation result = pool.invoke();

            assertThat(result.ok()).isFalse();
            assertThat(result.error()).isEqualTo("invoke did not return within 0.3 s");
        }
    }

    @Test
    void aWorkerThatExitsFailsItsInFlightRequestsAndIsRestarted() throws Exception {
        Path file = Factories.write(folder, "exits.py", """
                import os, time

                def invoke_factory(endpoint_name=None):
                    def invoke(payload):
                        if payload == "crash":
                            time.sleep(0.1)  # let the others get in flight
                            os._exit(3)
                        time.sleep(0.5)
                    return invoke

                def payload_factory():
                    return {"pre_computed": True, "input": ["crash", "slow", "slow", "slow"]}
                """);
        try (WorkerPool pool = WorkerPool.start(subprocess(file))) {
            long firstPid = pool.pids()[0];
            List<Invocation> results = IntStream.range(0, 4).mapToObj(i -> pool.submit()).toList()
                    .stream().map(CompletableFuture::join).toList();

            assertThat(results).allSatisfy(i -> {
                assertThat(i.ok()).isFalse();
                assertThat(i.error()).isEqualTo("Python worker 0 exited with code 3");
            });
            Invocation afterRestart = pool.invoke(); // waits for the restart; the fresh worker starts its list again
            assertThat(afterRestart.ok()).isFalse();
            assertThat(pool.restarts()).isEqualTo(1);
            assertThat(pool.pids()[0]).isNotEqualTo(firstPid);
        }
    }

    @Test
    void aKilledWorkerIsReportedBySignalAndTheOtherWorkersGoOn() throws Exception {
        Path file = Factories.write(folder, "steady.py", """
                import time

                def invoke_factory(endpoint_name=None):
                    return lambda payload: time.sleep(0.3)

                def payload_factory():
                    return {"pre_computed": True, "input": [None]}
                """);
        try (WorkerPool pool = WorkerPool.start(subprocess(file).withWorkers(2))) {
            List<CompletableFuture<Invocation>> inFlight = IntStream.range(0, 10).mapToObj(i -> pool.submit()).toList();
            Thread.sleep(100);
            ProcessHandle.of(pool.pids()[1]).orElseThrow().destroyForcibly();
            List<Invocation> results = inFlight.stream().map(CompletableFuture::join).toList();

            assertThat(results.stream().filter(Invocation::ok)).hasSize(5);
            assertThat(results.stream().filter(i -> !i.ok()).map(Invocation::error))
                    .containsOnly("Python worker 1 exited on signal 9 (SIGKILL, e.g. out of memory)").hasSize(5);
            assertThat(IntStream.range(0, 4).mapToObj(i -> pool.invoke())).allSatisfy(i -> assertThat(i.ok()).isTrue());
        }
    }
}
