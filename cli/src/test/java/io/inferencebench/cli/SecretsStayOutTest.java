package io.inferencebench.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import io.inferencebench.simulator.EndpointSimulator;
import io.inferencebench.simulator.SimulatorOptions;

/**
 * Every secret a user can hand the command (a secret header, {@code --api-key}, a password in the URL, AWS keys
 * in the environment) is used and reaches no file the product wrote (run directories, its cache, its temporary
 * files) and not the console. Real {@code benchmark} processes, so the environment and the temp directory are
 * theirs alone.
 */
class SecretsStayOutTest {
    private static final String HEADER_SECRET = "hdr-5ecret-7f3a9";
    private static final String API_KEY = "sk-apikey-5ecret-41c2";
    private static final String URL_PASSWORD = "pw5ecret8d1e";
    private static final String AWS_SECRET = "awsSECRETkey0b7d44e1";
    private static final String AWS_KEY_ID = "AKIA5ECRETID0000ABCD";

    @TempDir
    Path work;
    /** The simulator's base URL, exported to the factories' workers as IB_ENDPOINT_URL. */
    private static String endpoint;

    @Test
    void noSecretReachesAFileOrTheConsole() throws Exception {
        Path results = work.resolve("results");
        Path tmp = Files.createDirectories(work.resolve("tmp"));
        Path cache = Files.createDirectories(work.resolve("cache"));
        Path factories = work.resolve("echo_factories.py");
        Files.writeString(factories, String.join("\n",
                "import os, urllib.request",
                "def invoke_factory(endpoint_name=None):",
                "    url = os.environ['IB_ENDPOINT_URL'].rstrip('/') + '/invocations'",
                "    assert os.environ.get('AWS_SECRET_ACCESS_KEY'), 'the workers see the environment'",
                "    def invoke(payload):",
                "        req = urllib.request.Request(url, data=payload.encode(), headers={'Content-Type': 'application/json'})",
                "        with urllib.request.urlopen(req, timeout=10) as r:",
                "            r.read()",
                "    return invoke",
                "def payload_factory():",
                "    return {'pre_computed': True, 'input': ['{\"x\": 1}']}",
                ""));
        StringBuilder consoles = new StringBuilder();
        try (EndpointSimulator sim = EndpointSimulator.start(SimulatorOptions.parse("latency=5ms,ttft=20ms,itl=2ms")
                .withPort(0))) {
            String base = sim.baseUrl();
            String withPassword = base.replace("http://", "http://alice:" + URL_PASSWORD + "@") + "/invocations";
            endpoint = base;
            consoles.append(run(results, tmp, cache, "--url", withPassword, "--header", "X-Api-Key: " + HEADER_SECRET,
                    "--client-rps", "20", "--num-requests", "10"));
            consoles.append(run(results, tmp, cache, "--url", base + "/v1/chat/completions", "--openai", "chat",
                    "--model", "sim", "--api-key", API_KEY, "--max-tokens", "8", "--client-rps", "10",
                    "--num-requests", "5"));
            consoles.append(run(results, tmp, cache, "--factories-file", factories.toString(), "--client-rps", "20",
                    "--num-requests", "10", "--header", "Authorization: Bearer " + HEADER_SECRET));
        }
        List<String> leaks = new ArrayList<>();
        for (String secret : List.of(HEADER_SECRET, API_KEY, URL_PASSWORD, AWS_SECRET, AWS_KEY_ID)) {
            if (consoles.toString().contains(secret)) {
                leaks.add("console: " + secret);
            }
            for (Path root : List.of(results, tmp, cache)) {
                try (Stream<Path> files = Files.walk(root)) {
                    for (Path f : files.filter(Files::isRegularFile).toList()) {
                        if (new String(Files.readAllBytes(f), StandardCharsets.ISO_8859_1).contains(secret)) {
                            leaks.add(f + ": " + secret);
                        }
                    }
                }
            }
        }
        assertThat(leaks).isEmpty();
        // and the runs were real: three run directories, each with its plan, samples and summary
        try (Stream<Path> runs = Files.list(results)) {
            List<Path> dirs = runs.toList();
            assertThat(dirs).hasSize(3);
            for (Path d : dirs) {
                assertThat(d.resolve("summary.json")).exists();
                assertThat(d.resolve("plan.jmx")).exists();
                assertThat(Files.readAllLines(d.resolve("results.jtl")).size()).isGreaterThan(5);
            }
        }
    }

    /** One {@code benchmark} process with AWS keys in its environment; returns its console. */
    private static String run(Path results, Path tmp, Path cache, String... args) throws Exception {
        List<String> command = new ArrayList<>(List.of(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "-Xmx512m", "-Djava.io.tmpdir=" + tmp, "-cp", System.getProperty("java.class.path"),
                Benchmark.class.getName()));
        command.addAll(List.of(args));
        command.addAll(List.of("--results-dir", results.toString(), "--quiet"));
        ProcessBuilder pb = new ProcessBuilder(command).redirectErrorStream(true);
        Map<String, String> env = pb.environment();
        env.put("AWS_ACCESS_KEY_ID", AWS_KEY_ID);
        env.put("AWS_SECRET_ACCESS_KEY", AWS_SECRET);
        env.put("TMPDIR", tmp.toString());
        env.put("IB_CACHE_DIR", cache.toString());
        env.put("IB_ENDPOINT_URL", endpoint);
        Process p = pb.start();
        byte[] out = p.getInputStream().readAllBytes();
        assertThat(p.waitFor(120, TimeUnit.SECONDS)).isTrue();
        String console = new String(out, StandardCharsets.UTF_8);
        assertThat(p.exitValue()).as(console).isZero();
        return console;
    }
}
