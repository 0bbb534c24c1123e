package io.inferencebench.cli.search;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.stream.Stream;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;

import io.inferencebench.cli.Benchmark;
import io.inferencebench.simulator.EndpointSimulator;
import io.inferencebench.simulator.SimulatorOptions;
import io.inferencebench.testsupport.CapturedConsole;

/**
 * {@code benchmark --find-max-rps} against the endpoint simulator, whose true ceiling is capacity / latency:
 * the rate found is within 10% of it whichever constraint binds. Steps are 1.6 s after a warm-up of 0.4 s and
 * rates small, so each search takes a handful of short waves.
 */
class CapacitySearchTest {
    private static final ObjectMapper JSON = new ObjectMapper();

    @RegisterExtension
    final CapturedConsole console = new CapturedConsole();

    @TempDir
    Path tmp;

    private Path results;

    /**
     * Steps of 1.6 s after 0.4 s of warm-up: waves of 2 s. An overloaded wave much longer than that drops its last
     * starts on this 2-core machine shared with other builds (the saturated CPU holds the pool at Little's law of
     * a service time that lags the growing queue), which would stop the search as client-limited.
     */
    private static final String[] SHORT_STEPS = {"--step-time", "1.6", "--step-warmup", "0.4"};

    private int search(String... args) {
        results = tmp.resolve("results-" + System.nanoTime());
        List<String> argv = new java.util.ArrayList<>(List.of("--find-max-rps", "--results-dir", results.toString()));
        if (!List.of(args).contains("--step-time")) {
            argv.addAll(List.of("--step-time", "2"));
        }
        argv.addAll(List.of(args));
        return Benchmark.execute(argv.toArray(String[]::new));
    }

    private static String[] shortSteps(String... args) {
        return Stream.concat(Stream.of(SHORT_STEPS), Stream.of(args)).toArray(String[]::new);
    }

    private Path searchDir() throws Exception {
        try (Stream<Path> dirs = Files.list(results)) {
            return dirs.filter(d -> d.getFileName().toString().endsWith("_capacity-search")).findFirst().orElseThrow();
        }
    }

    private JsonNode capacity() throws Exception {
        return JSON.readTree(searchDir().resolve("capacity.json").toFile());
    }

    private static void assertWithinTenPercent(JsonNode capacity, double truth) {
        assertThat(capacity.get("result").asText()).isEqualTo("found");
        assertThat(capacity.get("max_sustainable_rps").asDouble()).as(capacity.toPrettyString())
                .isBetween(truth * 0.9, truth * 1.1);
        assertThat(capacity.get("lowest_failing_rps").asDouble() / capacity.get("max_sustainable_rps").asDouble())
                .as("the bracket is within the precision").isLessThanOrEqualTo(1.05 + 1e-9);
    }

    /**
     * A latency SLO from the intended start binds (truth 50 slots / 500 ms = 100 req/s; p90, as a p99 of a
     * 2 s step's 80 requests is its slowest start, new connections included). The simulator's own
     * Prometheus counter checks each step's count, its utilisation is reported, the cost follows from the
     * found rate, and --plot given the search directory compares its steps.
     */
    @Test
    void aLatencySloBindsAndTheServersCountAgreesAtEveryStep() throws Exception {
        try (EndpointSimulator sim = EndpointSimulator.start(
                SimulatorOptions.parse("latency=500ms,capacity=50").withPort(0))) {
            Path cfg = tmp.resolve("endpoint-config.json");
            Files.writeString(cfg, "[{\"stream\": \"prometheus\", \"url\": \"" + sim.baseUrl() + "/metrics\", "
                    + "\"metrics\": [\"ib_sim_requests_received_total\", \"ib_sim_utilization_percent\"], "
                    + "\"interval\": \"500ms\"}]");
            int code = search(shortSteps("--url", sim.baseUrl() + "/invocations", "--endpoint-config", cfg.toString(),
                    "--slo", "p90=650ms", "--max-utilization", "ib_sim_utilization_percent=100", "--start-rps", "60",
                    "--instance-price", "2", "--instances", "1", "--target-rps", "600"));
            assertThat(code).as(console.out()).isEqualTo(0);
            JsonNode c = capacity();
            assertWithinTenPercent(c, 100);
            assertThat(c.get("binding_constraint").asText()).startsWith("p90 from intended start ").contains(" > 650 ms at ");
            assertThat(c.get("constraints").toString()).contains("from_intended.p90<=650ms", "ib_sim_utilization_percent<=100");
            for (JsonNode step : c.get("steps")) {
                assertThat(step.get("server_count").asLong()).as("the server counted what the client fired")
                        .isEqualTo(step.get("fired").asLong() + step.get("warmup_fired").asLong());
                assertThat(step.get("utilization").get("ib_sim_utilization_percent").asDouble()).isBetween(0.0, 100.0);
            }
            double found = c.get("max_sustainable_rps").asDouble();
            JsonNode cost = c.get("cost");
            assertThat(cost.get("requests_per_hour_per_instance").asDouble()).isCloseTo(found * 3600, org.assertj.core.data.Offset.offset(1.0));
            assertThat(cost.get("usd_per_million_requests").asDouble()).isCloseTo(2 / (found * 3600) * 1e6,
                    org.assertj.core.data.Offset.offset(0.01));
            assertThat(cost.get("instances_needed").asInt()).isEqualTo((int) Math.ceil(600 / (found * 0.8)));

            Path dir = searchDir();
            assertThat(dir.resolve("knee.png")).isNotEmptyFile();
            assertThat(Files.readString(dir.resolve("benchmark.log"))).contains("Maximum sustainable rate:", "Steps (");
            List<Path> steps = SearchDirectory.expand(List.of(dir));
            assertThat(steps).hasSize(c.get("steps").size());
            JsonNode answer = steps.stream().map(p -> read(p.resolve("summary.json")))
                    .filter(s -> s.has("capacity")).findFirst().orElseThrow();
            assertThat(answer.get("spec").get("target_rps").asDouble()).isEqualTo(found);
            assertThat(answer.get("capacity").get("result").asText()).isEqualTo("found");
            assertThat(console.out()).contains("step 1: 60 req/s", "Maximum sustainable rate: ", "Cost:", "For 600 req/s:");

            assertThat(Benchmark.execute("--plot", dir.toString())).isEqualTo(0);
            assertThat(dir.resolve("benchmark_report.html")).isNotEmptyFile();
        }
    }

    /**
     * Each step runs a warm-up at its own rate first and leaves it out: at 20 req/s, 2 s counted after 1 s of
     * warm-up, the step counts 40 starts (rate x step time); the 20 of the warm-up are in results.jtl, marked
     * {@code ib_warmup=1}, and in its own {@code warm_up} section, in none of the step's figures. The server's
     * counter covers both (its window opens before the warm-up, where no request is in flight) and agrees.
     */
    @Test
    void eachStepsWarmUpRunsAtItsRateAndIsNotCounted() throws Exception {
        try (EndpointSimulator sim = EndpointSimulator.start(SimulatorOptions.parse("latency=20ms").withPort(0))) {
            Path cfg = tmp.resolve("endpoint-config.json");
            Files.writeString(cfg, "[{\"stream\": \"prometheus\", \"url\": \"" + sim.baseUrl() + "/metrics\", "
                    + "\"metrics\": [\"ib_sim_requests_received_total\"], \"interval\": \"500ms\"}]");
            int code = search("--url", sim.baseUrl() + "/invocations", "--endpoint-config", cfg.toString(),
                    "--start-rps", "20", "--max-rps", "20", "--step-warmup", "1");
            assertThat(code).as(console.out()).isEqualTo(0);
            JsonNode c = capacity();
            assertThat(c.get("result").asText()).isEqualTo("max_sustained");
            assertThat(c.get("step_warmup_s").asDouble()).isEqualTo(1.0);
            JsonNode step = c.get("steps").get(0);
            Path stepDir = SearchDirectory.expand(List.of(searchDir())).get(0);
            JsonNode summary = read(stepDir.resolve("summary.json"));
            assertThat(step.get("fired").asLong() + summary.get("dropped_starts").asLong())
                    .as("the step's counted starts are rate x step time").isEqualTo(40);
            assertThat(step.get("warmup_fired").asLong()).as("the warm-up ran at the step's rate, 1 s of 20 req/s")
                    .isEqualTo(20);
            assertThat(summary.get("warm_up").get("started").asLong()).isEqualTo(20);
            assertThat(summary.get("fired").asLong()).isEqualTo(step.get("fired").asLong());
            assertThat(step.get("server_count").asLong()).as("the server counted the step's requests and its warm-up's")
                    .isEqualTo(step.get("fired").asLong() + 20);
            List<String> jtl = Files.readAllLines(stepDir.resolve("results.jtl"));
            int column = List.of(jtl.get(0).replace("\"", "").split(",")).indexOf("ib_warmup");
            assertThat(column).as(jtl.get(0)).isNotNegative();
            long warmUps = jtl.stream().skip(1).filter(l -> "1".equals(field(l, column))).count();
            assertThat(warmUps).as("the warm-up ran at the step's rate, 1 s of 20 req/s").isEqualTo(20);
            assertThat(jtl).hasSize(1 + 20 + (int) step.get("fired").asLong());
            assertThat(requestsReceived(sim)).as("the endpoint saw the warm-up too").isEqualTo(20 + step.get("fired").asLong());
            assertThat(console.out()).contains("after a warm-up of 1 s at the step's rate (not counted)");
        }
    }

    private static String field(String csvLine, int column) {
        String[] f = csvLine.split(",", -1);
        return column < f.length ? f[column] : null;
    }

    private static long requestsReceived(EndpointSimulator sim) throws Exception {
        String metrics = java.net.http.HttpClient.newHttpClient().send(
                java.net.http.HttpRequest.newBuilder(java.net.URI.create(sim.baseUrl() + "/metrics")).build(),
                java.net.http.HttpResponse.BodyHandlers.ofString()).body();
        return metrics.lines().filter(l -> l.startsWith("ib_sim_requests_received_total "))
                .mapToLong(l -> (long) Double.parseDouble(l.substring(l.indexOf(' ') + 1).strip())).findFirst().orElseThrow();
    }

    /**
     * Queue timeouts bind: with 50 slots of 500 ms (100 req/s), requests beyond it wait past --timeout and fail
     * (a 90% threshold, so a few slow starts on a busy test machine do not decide it).
     */
    @Test
    void theSuccessRateBindsWhenQueuedRequestsTimeOut() throws Exception {
        int code = search(shortSteps("--simulate=latency=500ms,capacity=50", "--timeout", "0.65", "--success-threshold",
                "0.9", "--start-rps", "60"));
        assertThat(code).as(console.out()).isEqualTo(0);
        JsonNode c = capacity();
        assertWithinTenPercent(c, 100);
        assertThat(c.get("binding_constraint").asText()).startsWith("success rate ").contains("% < 90%");
    }

    /** The LLM model: 24 slots of TTFT 200 ms + 10 x ITL 20 ms = 400 ms give 60 req/s; a TTFT p90 SLO binds. */
    @Test
    void aTtftSloBindsForTheSimulatorsLlmModel() throws Exception {
        int code = search(shortSteps("--simulate=ttft=200ms,itl=20ms,capacity=24", "--openai", "chat", "--model", "sim",
                "--max-tokens", "11", "--slo", "ttft.p90=300ms", "--start-rps", "35"));
        assertThat(code).as(console.out()).isEqualTo(0);
        JsonNode c = capacity();
        assertWithinTenPercent(c, 60);
        assertThat(c.get("binding_constraint").asText()).startsWith("TTFT p90 ").contains(" > 300 ms at ");
        assertThat(c.get("steps").get(0).get("ttft_p90_ms").asDouble()).isPositive();
        assertThat(c.get("steps").get(0).get("output_token_throughput").asDouble()).isPositive();
    }

    /** Two threads cannot carry 100 ms requests at any rate the search tries: it stops with the client's verdict. */
    @Test
    void aClientLimitedStepStopsTheSearchWithTheClientsVerdict() throws Exception {
        int code = search("--simulate=latency=100ms", "--max-threads", "2", "--start-rps", "40");
        assertThat(code).isEqualTo(Benchmark.NOT_VALID);
        JsonNode c = capacity();
        assertThat(c.get("result").asText()).isEqualTo("client_limited");
        assertThat(c.has("max_sustainable_rps")).as("no answer from a client-limited step").isFalse();
        assertThat(c.get("steps")).hasSize(1);
        assertThat(c.get("steps").get(0).get("verdict").asText()).isEqualTo("client_limited");
        assertThat(console.out()).contains("No answer: the client limited step 1 at 40 req/s", "thread cap", "--max-threads");
    }

    /**
     * Ctrl-C during the second step, sent to a real {@code benchmark} process group as a terminal sends it: the
     * finished step is kept with the bracket so far, the interrupted one is marked, exit 130.
     */
    @Test
    void ctrlCKeepsEveryFinishedStepAndReportsTheBracketSoFar() throws Exception {
        results = tmp.resolve("interrupted");
        Path out = tmp.resolve("out.txt");
        Process p = new ProcessBuilder("setsid", Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "-Xmx512m", "-cp", System.getProperty("java.class.path"), Benchmark.class.getName(), "--find-max-rps",
                "--simulate=latency=20ms", "--start-rps", "20", "--step-time", "2", "--results-dir", results.toString())
                .redirectErrorStream(true).redirectOutput(out.toFile()).start();
        try {
            long deadline = System.nanoTime() + 60_000_000_000L;
            while (!(Files.exists(out) && Files.readString(out).contains("step 2:")) && p.isAlive()
                    && System.nanoTime() < deadline) {
                Thread.sleep(100);
            }
            Thread.sleep(700); // into the second step's wave
            assertThat(new ProcessBuilder("kill", "-INT", "--", "-" + p.pid()).start().waitFor()).isZero();
            assertThat(p.waitFor(60, java.util.concurrent.TimeUnit.SECONDS)).isTrue();
        } finally {
            p.destroyForcibly();
        }
        String printed = Files.readString(out);
        assertThat(p.exitValue()).as(printed).isEqualTo(Benchmark.INTERRUPTED);
        JsonNode c = capacity();
        assertThat(c.get("result").asText()).isEqualTo("interrupted");
        assertThat(c.get("max_sustainable_rps").asDouble()).isEqualTo(20);
        assertThat(c.get("steps")).hasSize(2);
        assertThat(c.get("steps").get(1).get("verdict").asText()).isEqualTo("interrupted");
        assertThat(SearchDirectory.expand(List.of(searchDir()))).hasSize(2);
        assertThat(printed).contains("Interrupted at step 2 at 40 req/s; the bracket so far: sustained 20 req/s.");
    }

    @ParameterizedTest(name = "{0}")
    @CsvSource(delimiter = '|', value = {
            "--find-max-rps --simulate --load-profile const(10,5)        | drop --load-profile",
            "--find-max-rps --simulate --obs-time 5                      | drop --obs-time",
            "--find-max-rps --simulate --precision fine                  | --precision 'fine' is not a share",
            "--find-max-rps --simulate --start-rps 50 --max-rps 10       | --max-rps must be at least the start rate",
            "--find-max-rps --simulate --max-utilization GPU             | --max-utilization 'GPU' is not METRIC=LIMIT",
            "--find-max-rps --simulate --max-utilization GPU=80          | add --endpoint-config",
            "--find-max-rps --simulate --instance-price 1                | --instance-price needs --instances",
            "--find-max-rps --simulate --slo p95=1s                      | --slo 'p95=1s'",
            "--find-max-rps --simulate --step-warmup -1                  | --step-warmup must be from 0 to 3600 seconds",
            "--simulate --obs-time 1 --step-warmup 2                     | --step-warmup is for a capacity search",
            "--simulate --obs-time 1 --start-rps 5                       | --start-rps is for a capacity search"})
    void badSearchInputIsOneSentenceAndWritesNothing(String args, String problem) {
        results = tmp.resolve("bad-" + System.nanoTime());
        List<String> argv = new java.util.ArrayList<>(List.of(args.trim().split("\\s+")));
        argv.addAll(List.of("--results-dir", results.toString()));
        assertThat(Benchmark.execute(argv.toArray(String[]::new))).isEqualTo(Benchmark.BAD_INPUT);
        assertThat(console.err()).contains(problem).doesNotContain("Exception").doesNotContain("\tat ");
        assertThat(Files.exists(results)).isFalse();
    }

    private static JsonNode read(Path p) {
        try {
            return JSON.readTree(p.toFile());
        } catch (java.io.IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
    }
}
