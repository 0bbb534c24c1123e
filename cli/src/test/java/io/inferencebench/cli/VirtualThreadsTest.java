package io.inferencebench.cli;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;

import io.inferencebench.simulator.EndpointSimulator;
import io.inferencebench.simulator.SimulatorOptions;
import io.inferencebench.testsupport.JMeterInstallation;
import io.inferencebench.testsupport.Jdks;

/**
 * On Java 21+ the elastic pool runs JMeter threads on virtual threads beyond its first 256 (or as many as
 * {@code ib.threads} says), in the {@code benchmark} command and in a cold {@code jmeter -n}; on the tests' Java 17,
 * and with {@code ib.threads=platform}, on platform threads. Each wave holds 100-200 requests in flight (against
 * 1 s answers), so the pool must grow to Little's law on whichever kinds it runs.
 */
class VirtualThreadsTest {
    private static final ObjectMapper JSON = new ObjectMapper();

    @TempDir
    Path tmp;

    private static Path java21() {
        Optional<Path> java = Jdks.newestJava(21);
        if ("true".equals(System.getenv("CI"))) {
            assertThat(java).as("a JDK 21+ (Temurin 25 is under /usr/lib/jvm here)").isPresent();
        }
        assumeTrue(java.isPresent(), "no JDK 21+ here");
        return java.get();
    }

    @Test
    void theCommandOnJava21RunsThePoolOnVirtualThreadsAndPlatformThreadsWhenAsked() throws Exception {
        Path java = java21();
        try (EndpointSimulator sim = EndpointSimulator.start(SimulatorOptions.parse("latency=1s").withPort(0))) {
            // the first 20 on platform threads, the rest (about 80 of 100 in flight) on virtual ones
            JsonNode mixed = threads(run(java, sim, "mixed-run", List.of("-Dib.threads=20")));
            assertThat(mixed.get("kind").asText()).isEqualTo("virtual");
            assertThat(mixed.get("platform_first").asInt()).isEqualTo(20);
            assertThat(mixed.get("peak").asInt()).isBetween(90, 400);
            assertThat(mixed.get("max_threads").asInt()).as("automatic cap: descriptors and heap, not 2,000")
                    .isGreaterThan(2000);
            List<String> pools = poolLines("mixed-run", "the pool runs JMeter threads on");
            assertThat(pools).hasSize(2); // the warm-up wave's and the wave's
            assertThat(pools).allSatisfy(l -> assertThat(l).contains("on virtual threads (")
                    .contains("beyond its first 20, which run on platform threads"));
            List<String> started = poolLines("mixed-run", "the pool started");
            assertThat(started).hasSize(2);
            int[] counts = startedCounts(started.get(1));
            assertThat(counts[0]).as("the group's own threads count toward the 20").isLessThanOrEqualTo(20);
            assertThat(counts[1]).isGreaterThanOrEqualTo(60);

            JsonNode platform = threads(run(java, sim, "platform-run", List.of("-Dib.threads=platform")));
            assertThat(platform.get("peak").asInt()).isGreaterThanOrEqualTo(90);
            assertThat(platform.get("kind").asText()).isEqualTo("platform");
            assertThat(platform.get("max_threads").asInt()).isEqualTo(2000);
        }
    }

    @Test
    void ourSamplersAreRightOnVirtualThreads() throws Exception {
        Path java = java21();
        try (EndpointSimulator sim = EndpointSimulator.start(
                SimulatorOptions.parse("latency=200ms,ttft=200ms,itl=20ms,output-tokens=16").withPort(0))) {
            // the OpenAI Streaming Sampler: its own keep-alive socket read on the (virtual) JMeter thread
            // every thread virtual: at 100/s of 0.5 s answers the default pool would run them all on platform threads
            List<String> allVirtual = List.of("-Dib.threads=virtual");
            JsonNode openai = run(java, "openai-run", allVirtual, "--url", sim.baseUrl() + "/v1/chat/completions",
                    "--openai", "chat", "--model", "sim", "--max-tokens", "16");
            assertThat(threads(openai).get("kind").asText()).isEqualTo("virtual");
            JsonNode tokens = openai.get("tokens");
            assertThat(tokens.get("total_output_tokens").asLong()).isEqualTo(openai.get("fired").asLong() * 16);
            assertThat(tokens.get("time_to_first_token_ms").get("p50").asDouble()).isBetween(195.0, 260.0);
            assertThat(tokens.get("inter_token_latency_ms").get("p50").asDouble()).isBetween(19.0, 21.0);

            // the Python Factory Sampler: JMeter threads waiting on a worker's answers
            Path factories = Path.of("..", "factories", "http", "factories_json_stdlib.py").toAbsolutePath().normalize();
            JsonNode python = run(java, "python-run", allVirtual, "--factories-file", factories.toString(),
                    "--url", sim.baseUrl(), "--no-warmup");
            assertThat(threads(python).get("kind").asText()).isEqualTo("virtual");
            assertThat(python.get("python").get("workers").asInt()).isEqualTo(1);
        }
    }

    @Test
    void aSavedPlanRunsOnVirtualThreadsInAColdJMeterOnJava21AndOnPlatformThreadsOnJava17() throws Exception {
        Path java = java21();
        try (EndpointSimulator sim = EndpointSimulator.start(SimulatorOptions.parse("latency=1s").withPort(0))) {
            Path results = tmp.resolve("results");
            // this JVM is the tests' Java 17: the command's own wave is on platform threads
            int code = Benchmark.execute("--url", sim.baseUrl() + "/invocations", "--client-rps", "200",
                    "--num-requests", "600", "--results-dir", results.toString(), "--quiet");
            assertThat(code).isZero();
            Path run;
            try (Stream<Path> s = Files.list(results)) {
                run = s.findFirst().orElseThrow();
            }
            JsonNode here = JSON.readTree(run.resolve("summary.json").toFile());
            if (Runtime.version().feature() < 21) {
                assertThat(here.get("threads").get("kind").asText()).isEqualTo("platform");
            }

            Path home = JMeterInstallation.assemble(tmp.resolve("apache-jmeter-5.6.3"));
            Path replay = tmp.resolve("replay");
            JMeterInstallation.runNonGui(java.toString(), List.of(), home, run.resolve("plan.jmx"), replay);
            String log = Files.readString(replay.resolve("jmeter.log"));
            assertThat(log).contains("the pool runs JMeter threads on virtual threads ("
                            + 2 * Runtime.getRuntime().availableProcessors() + " carriers) beyond its first 256, which "
                            + "run on platform threads");
            JsonNode summary = JSON.readTree(replay.resolve("summary.json").toFile());
            assertThat(summary.get("succeeded").asLong()).as(log).isEqualTo(600);
            assertThat(summary.get("threads").get("kind").asText()).isEqualTo("virtual");
            assertThat(summary.get("threads").get("platform_first").asInt()).isEqualTo(256);
            int peak = summary.get("threads").get("peak").asInt();
            assertThat(peak).isGreaterThanOrEqualTo(180);
            // about 200 in flight: within the platform share, no virtual thread unless the cold start took it past
            int[] counts = startedCounts(log);
            assertThat(counts[0]).isGreaterThan(0);
            if (peak <= 256) {
                assertThat(counts[1]).as(log).isZero();
            }
        }
    }

    /** One {@code benchmark} process on {@code java}: 100/s for 3 s against 1 s answers; its summary. */
    private JsonNode run(Path java, EndpointSimulator sim, String name, List<String> jvmOptions) throws Exception {
        return run(java, name, jvmOptions, "--url", sim.baseUrl() + "/invocations");
    }

    /** One {@code benchmark} process on {@code java}: 100/s for 3 s with {@code target}; its summary. */
    private JsonNode run(Path java, String name, List<String> jvmOptions, String... target) throws Exception {
        Path results = tmp.resolve(name);
        List<String> command = new ArrayList<>(List.of(java.toString(), "-Xmx512m"));
        command.addAll(jvmOptions);
        command.addAll(List.of("-cp", System.getProperty("java.class.path"), Benchmark.class.getName()));
        command.addAll(List.of(target));
        command.addAll(List.of("--client-rps", "100", "--obs-time", "3", "--results-dir", results.toString(), "--quiet"));
        ProcessBuilder pb = new ProcessBuilder(command).redirectErrorStream(true);
        int url = List.of(target).indexOf("--url");
        if (url >= 0) {
            pb.environment().put("IB_ENDPOINT_URL", target[url + 1]); // for a factories file's workers
        }
        Process p = pb.start();
        String console = new String(p.getInputStream().readAllBytes());
        assertThat(p.waitFor(120, TimeUnit.SECONDS)).isTrue();
        // a machine busy with other work (a shared CI host) may make the client late: then the verdict
        // must say so (exit 3) and the starts it dropped are the only ones missing
        boolean busyMachine = p.exitValue() == 3 && console.contains("client machine busy with other work");
        assertThat(p.exitValue() == 0 || busyMachine).as(console).isTrue();
        try (Stream<Path> s = Files.list(results)) {
            JsonNode summary = JSON.readTree(s.findFirst().orElseThrow().resolve("summary.json").toFile());
            if (busyMachine) {
                assertThat(summary.get("fired").asLong()).as(console).isBetween(150L, 300L);
            } else {
                assertThat(summary.get("fired").asLong()).as(console).isEqualTo(300);
            }
            assertThat(summary.get("succeeded").asLong()).as(console).isEqualTo(summary.get("fired").asLong());
            return summary;
        }
    }

    /** The platform and virtual threads the pool's end line in {@code text} says it started. */
    private static int[] startedCounts(String text) {
        Matcher m = Pattern.compile("the pool started (\\d+) platform and (\\d+) virtual threads").matcher(text);
        assertThat(m.find()).as(text).isTrue();
        return new int[] {Integer.parseInt(m.group(1)), Integer.parseInt(m.group(2))};
    }

    /** The lines with {@code text} in the jmeter.log of the run in {@code tmp/name}, in order (one per pacer). */
    private List<String> poolLines(String name, String text) throws Exception {
        try (Stream<Path> s = Files.list(tmp.resolve(name))) {
            Path log = s.findFirst().orElseThrow().resolve("jmeter.log");
            return Files.readAllLines(log).stream().filter(l -> l.contains(text)).toList();
        }
    }

    private static JsonNode threads(JsonNode summary) {
        return summary.get("threads");
    }
}
