package io.inferencebench.python;

import io.inferencebench.testsupport.EmbeddedJMeter;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.stream.IntStream;

import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The factories contract in-process through Jep. Runs where Jep 4.x and its native library are
 * installed (on the classpath, or {@code pip install jep} in the Python); elsewhere every test is
 * skipped with the reason.
 */
class JepRuntimeTest {
    @TempDir
    Path folder;

    @BeforeEach
    void jepIsInstalled() {
        String missing = JepRuntime.unavailableReason(PythonOptions.of(Path.of("any.py")));
        assumeTrue(missing == null, () -> "Jep is not available here: " + missing);
    }

    private static PythonOptions jep(Path file) {
        return PythonOptions.of(file).withRuntime(PythonOptions.Runtime.JEP).withThreadsPerWorker(4);
    }

    @Test
    void preComputedPayloadsAreCycledAndMeasurementsReturned() throws Exception {
        try (PythonRuntime runtime = PythonRuntime.start(jep(Factories.numbered(folder, 3)), notice -> { })) {
            List<String> items = IntStream.range(0, 4).mapToObj(i -> runtime.invoke().measurement("item")).toList();
            assertThat(items).containsExactlyInAnyOrder("0", "1", "2", "0");
        }
    }

    @Test
    void anExceptionFromInvokeIsAFailureNamedByItsTypeAndMessage() throws Exception {
        Path file = Factories.write(folder, "fails.py", """
                def invoke_factory(endpoint_name=None):
                    def invoke(payload):
                        raise ValueError("no")
                    return invoke

                def payload_factory():
                    return {"pre_computed": True, "input": [1]}
                """);
        try (PythonRuntime runtime = PythonRuntime.start(jep(file), notice -> { })) {
            Invocation result = runtime.invoke();
            assertThat(result.ok()).isFalse();
            assertThat(result.error()).isEqualTo("ValueError: no");
        }
    }

    @Test
    void concurrentRequestsAreServedByTheRuntimesThreads() throws Exception {
        Path file = Factories.write(folder, "sleepy.py", """
                import time

                def invoke_factory(endpoint_name=None):
                    return lambda payload: time.sleep(0.1)

                def payload_factory():
                    return {"pre_computed": True, "input": [None]}
                """);
        try (PythonRuntime runtime = PythonRuntime.start(jep(file), notice -> { })) {
            List<Invocation> results = IntStream.range(0, 8).mapToObj(i -> runtime.submit()).toList()
                    .stream().map(CompletableFuture::join).toList();
            assertThat(results).allSatisfy(i -> assertThat(i.ok()).isTrue());
        }
    }

    @Test
    void twoFactoriesFilesRunSideBySideInOneJvm() throws Exception {
        Path other = Factories.write(folder, "constant.py", """
                def invoke_factory(endpoint_name=None):
                    return lambda payload: {"item": 42}

                def payload_factory():
                    return {"pre_computed": True, "input": [None]}
                """);
        try (PythonRuntime numbered = PythonRuntime.start(jep(Factories.numbered(folder, 1)), notice -> { });
             PythonRuntime constant = PythonRuntime.start(jep(other), notice -> { })) {
            assertThat(numbered.invoke().measurement("item")).isEqualTo("0");
            assertThat(constant.invoke().measurement("item")).isEqualTo("42");
        }
    }

    @Test
    void theSamplerRunsOnJepInARealEngine() {
        PythonOptions options = PythonOptions.of(Factories.numbered(folder, 2)).withRuntime(PythonOptions.Runtime.AUTO);
        List<EmbeddedJMeter.Sample> samples = EmbeddedJMeter.run(PythonFactorySampler.of(options), 2, 5);

        assertThat(samples).hasSize(10).allSatisfy(s -> {
            assertThat(s.result().isSuccessful()).as(s.result().getResponseMessage()).isTrue();
            assertThat(s.result().getResponseDataAsString()).contains("pid=" + ProcessHandle.current().pid());
        });
    }

    @Test
    void aBrokenFileFailsFastWithTheSameSentenceAsTheSubprocessRuntime() {
        Path file = Factories.write(folder, "half.py", """
                def payload_factory():
                    return {"pre_computed": True, "input": [1]}
                """);
        assertThatThrownBy(() -> PythonRuntime.start(jep(file), notice -> { })).isInstanceOf(FactoriesException.class)
                .hasMessage("Factories file " + file
                        + " defines no invoke_factory; add def invoke_factory(endpoint_name=None) returning invoke(payload).");
    }
}
