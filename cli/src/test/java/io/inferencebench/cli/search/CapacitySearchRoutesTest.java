package io.inferencebench.cli.search;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.stream.Stream;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;

import io.inferencebench.cli.Benchmark;
import io.inferencebench.testsupport.CapturedConsole;
import io.inferencebench.testsupport.JMeterServers;

/**
 * {@code --find-max-rps} over the other two ways requests leave: the Python factories route (CPython workers
 * calling the example factories' {@code invoke}) and two real JMeter remote engines ({@code jmeter-server} on
 * loopback, each sending half of every step's rate). One short search each against the simulator with 10 slots
 * of 500 ms (a true ceiling of 20 req/s), a latency SLO from the intended start binding.
 */
class CapacitySearchRoutesTest {
    private static final ObjectMapper JSON = new ObjectMapper();
    /** 10 slots of 500 ms: 20 req/s. */
    private static final String SIMULATOR = "--simulate=latency=500ms,capacity=10";
    private static final double TRUTH = 20;

    @RegisterExtension
    final CapturedConsole console = new CapturedConsole();

    @TempDir
    static Path work;
    private static JMeterServers engines;

    @TempDir
    Path results;

    @AfterAll
    static void stopEngines() {
        if (engines != null) {
            engines.close();
        }
    }

    @Test
    void aSearchThroughThePythonFactories() throws Exception {
        int code = search("--factories-file", repoFile("factories/http/factories_json_stdlib.py").toString());
        JsonNode c = capacity();
        assertFound(code, c);
        JsonNode step = summaryOfFirstStep();
        assertThat(step.get("spec").get("mode").asText()).isEqualTo("python");
        assertThat(step.get("warm_up").get("started").asLong()).as("the step's warm-up went through invoke too").isPositive();
    }

    @Test
    void aSearchOnTwoJMeterRemoteEngines() throws Exception {
        engines = JMeterServers.startWithController(work, 2);
        int code = search("--remote", engines.addresses());
        JsonNode c = capacity();
        assertFound(code, c);
        JsonNode step = summaryOfFirstStep();
        assertThat(step.get("spec").get("engine").toString()).contains(engines.servers().get(0).address());
        long fired = step.get("fired").asLong();
        assertThat(fired).as("the first step's 8 req/s for 2 s, from both engines, its warm-up left out")
                .isEqualTo(16);
        assertThat(step.get("warm_up").get("started").asLong()).as("0.5 s of warm-up at 8 req/s").isEqualTo(4);
    }

    private int search(String... route) {
        List<String> args = new java.util.ArrayList<>(List.of("--find-max-rps", SIMULATOR, "--slo", "p90=700ms",
                "--start-rps", "8", "--step-time", "2", "--step-warmup", "0.5", "--precision", "10%",
                "--results-dir", results.toString()));
        args.addAll(List.of(route));
        return Benchmark.execute(args.toArray(String[]::new));
    }

    /** Found within 15% of the truth: the routes add their own overhead to the simulator's 500 ms. */
    private void assertFound(int code, JsonNode c) {
        assertThat(code).as(console.out()).isEqualTo(0);
        assertThat(c.get("result").asText()).isEqualTo("found");
        assertThat(c.get("max_sustainable_rps").asDouble()).as(c.toPrettyString()).isBetween(TRUTH * 0.85, TRUTH * 1.15);
        assertThat(c.get("binding_constraint").asText()).startsWith("p90 from intended start ");
    }

    private Path searchDir() throws Exception {
        try (Stream<Path> dirs = Files.list(results)) {
            return dirs.filter(d -> d.getFileName().toString().endsWith("_capacity-search")).findFirst().orElseThrow();
        }
    }

    private JsonNode capacity() throws Exception {
        return JSON.readTree(searchDir().resolve("capacity.json").toFile());
    }

    private JsonNode summaryOfFirstStep() throws Exception {
        return JSON.readTree(SearchDirectory.expand(List.of(searchDir())).get(0).resolve("summary.json").toFile());
    }

    private static Path repoFile(String relative) {
        Path p = Path.of("").toAbsolutePath();
        while (p != null && !Files.exists(p.resolve(relative))) {
            p = p.getParent();
        }
        assertThat(p).as(relative).isNotNull();
        return p.resolve(relative);
    }
}
