package io.inferencebench.python;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.stream.IntStream;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import io.inferencebench.simulator.EndpointSimulator;
import io.inferencebench.simulator.SimulatorOptions;

/** Every example under factories/ runs against the endpoint simulator, as the README says. */
class ExampleFactoriesTest {
    private static final Path EXAMPLES = Path.of("..", "factories").toAbsolutePath().normalize();
    private static EndpointSimulator simulator;

    @BeforeAll
    static void startSimulator() {
        simulator = EndpointSimulator.start(SimulatorOptions.parse("latency=5ms,ttft=20ms,itl=1ms,output-tokens=8"));
    }

    @AfterAll
    static void stopSimulator() {
        simulator.close();
    }

    private static List<Invocation> run(String example, PythonOptions tuning, Map<String, String> extraEnvironment, int requests) throws Exception {
        Path file = EXAMPLES.resolve(example);
        assertThat(file).exists();
        Map<String, String> environment = new java.util.HashMap<>(extraEnvironment);
        environment.put("IB_ENDPOINT_URL", simulator.baseUrl());
        PythonOptions options = new PythonOptions(file, tuning.endpointName(), PythonOptions.Runtime.SUBPROCESS,
                tuning.python(), tuning.workers(), tuning.threadsPerWorker(), tuning.requestTimeout(), environment);
        try (WorkerPool pool = WorkerPool.start(options)) {
            return IntStream.range(0, requests).mapToObj(i -> pool.submit()).toList()
                    .stream().map(CompletableFuture::join).toList();
        }
    }

    private static PythonOptions defaults() {
        return PythonOptions.of(EXAMPLES.resolve("any.py"));
    }

    @Test
    void sagemakerInvocationsReportStatusAndBytes() throws Exception {
        long before = simulator.requestCount();
        List<Invocation> results = run("sagemaker_invocations.py", defaults().withWorkers(2), Map.of(), 40);

        assertThat(results).allSatisfy(i -> {
            assertThat(i.ok()).as(i.error()).isTrue();
            assertThat(i.measurement("status")).isEqualTo("200");
            assertThat(Long.parseLong(i.measurement("response_bytes"))).isPositive();
        });
        assertThat(simulator.requestCount() - before).isEqualTo(40);
    }

    @Test
    void sagemakerInvocationsGoToTheNamedEndpoint() throws Exception {
        List<Invocation> results = run("sagemaker_invocations.py", defaults().withEndpointName("churn"), Map.of(), 3);

        assertThat(results).allSatisfy(i -> assertThat(i.ok()).as(i.error()).isTrue());
    }

    @Test
    void openAiChatStreamReportsTokensAndTimeToFirstToken() throws Exception {
        List<Invocation> results = run("openai_chat_stream.py", defaults(), Map.of(), 8);

        assertThat(results).allSatisfy(i -> {
            assertThat(i.ok()).as(i.error()).isTrue();
            assertThat(i.measurement("status")).isEqualTo("200");
            assertThat(i.measurement("output_tokens")).as("the --openai default max_tokens").isEqualTo("64");
            assertThat(Integer.parseInt(i.measurement("input_tokens"))).isPositive();
            assertThat(Double.parseDouble(i.measurement("ttft_ms"))).isBetween(20.0, 1000.0);
            // token_times_ms became the figures the native sampler reports
            assertThat(i.measurement("content_chunks")).isEqualTo("64");
            assertThat(Double.parseDouble(i.measurement("request_latency_ms"))).as("TTFT 20 ms + 63 x 1 ms")
                    .isGreaterThanOrEqualTo(82.0);
            assertThat(Double.parseDouble(i.measurement("ttst_ms"))).isBetween(0.0, 1000.0);
        });
    }

    @Test
    void aCallablePayloadIsBuiltPerRequest() throws Exception {
        List<Invocation> results = run("callable_payload.py", defaults(), Map.of(), 10);

        assertThat(results).allSatisfy(i -> assertThat(i.ok()).as(i.error()).isTrue());
        assertThat(results).allSatisfy(i -> assertThat(i.payloadNanos()).isPositive());
    }

    @Test
    void theRequestsSessionExampleRunsWhereRequestsIsInstalled() throws Exception {
        Process probe = new ProcessBuilder("python3", "-c", "import requests").start();
        assumeTrue(probe.waitFor() == 0, "the requests package is not installed for python3");

        List<Invocation> results = run("requests_session.py", defaults(), Map.of(), 10);

        assertThat(results).allSatisfy(i -> assertThat(i.measurement("status")).as(i.error()).isEqualTo("200"));
    }

    @Test
    void theOriginalToolsBoto3ExampleRunsUnchangedAgainstTheSimulator() throws Exception {
        Process probe = new ProcessBuilder("python3", "-c", "import boto3").start();
        assumeTrue(probe.waitFor() == 0, "boto3 is not installed for python3");

        List<Invocation> results = run("sagemaker_boto3.py", defaults().withEndpointName("my-endpoint"),
                Map.of("AWS_ACCESS_KEY_ID", "test", "AWS_SECRET_ACCESS_KEY", "test", "AWS_DEFAULT_REGION", "us-east-1"), 5);

        assertThat(results).allSatisfy(i -> {
            assertThat(i.ok()).as(i.error()).isTrue();
            assertThat(i.measurements()).isEmpty();
        });
    }

    @Test
    void everyExampleIsCovered() throws Exception {
        try (var files = Files.list(EXAMPLES)) {
            assertThat(files.map(f -> f.getFileName().toString()).filter(n -> n.endsWith(".py")))
                    .containsExactlyInAnyOrder("sagemaker_invocations.py", "openai_chat_stream.py", "callable_payload.py",
                            "requests_session.py", "sagemaker_boto3.py");
        }
    }
}
