package io.inferencebench.cli.launch;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import java.nio.file.Files;
import java.nio.file.Path;
import java.rmi.registry.LocateRegistry;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;
import java.util.stream.Stream;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;

import io.inferencebench.cli.Benchmark;
import io.inferencebench.simulator.EndpointSimulator;
import io.inferencebench.simulator.SimulatorOptions;
import io.inferencebench.testsupport.CapturedConsole;
import io.inferencebench.testsupport.JMeterServers;

/**
 * Two engines started the way a user starts them, {@code benchmark server --port P} (no JMeter
 * installation: the command's embedded home), and a {@code --remote} wave across both from this JVM.
 */
class BenchmarkServerTest {
    @TempDir
    Path tmp;

    @RegisterExtension
    CapturedConsole console = new CapturedConsole();

    @Test
    void twoBenchmarkServersTogetherSendTheTargetRate() throws Exception {
        // the controller's side of RMI: loopback call-backs, no SSL, as the engines are started
        System.setProperty("java.rmi.server.hostname", "127.0.0.1");
        System.setProperty("server.rmi.ssl.disable", "true");
        List<Process> engines = new ArrayList<>();
        List<Path> dirs = new ArrayList<>();
        List<Integer> ports = new ArrayList<>();
        try {
            for (int i = 1; i <= 2; i++) {
                int port = JMeterServers.freePort();
                Path dir = Files.createDirectories(tmp.resolve("engine-" + i));
                ProcessBuilder pb = new ProcessBuilder(JMeterServers.javaExecutable(), "-Xmx64m", "-cp",
                        String.join(java.io.File.pathSeparator, JMeterProcess.classPath()), Benchmark.class.getName(),
                        "server", "--port", Integer.toString(port), "--host", "127.0.0.1", "-Jserver.rmi.ssl.disable=true")
                        .directory(dir.toFile()).redirectErrorStream(true).redirectOutput(dir.resolve("console.txt").toFile());
                pb.environment().put("JVM_ARGS", "-Xms32m -Xmx256m");
                pb.environment().put("IB_CACHE_DIR", tmp.resolve("cache").toString());
                engines.add(pb.start());
                dirs.add(dir);
                ports.add(port);
            }
            for (int i = 0; i < 2; i++) {
                awaitEngine(engines.get(i), ports.get(i), dirs.get(i));
            }
            // each engine's JMeter JVM: the user's heap from JVM_ARGS, the launcher's collector and pause goal
            for (Process engine : engines) {
                long child = engine.toHandle().children().findFirst().orElseThrow().pid();
                // ProcessHandle.Info gives no arguments for a command line this long (the class path): /proc has it
                List<String> jvm = List.of(Files.readString(Path.of("/proc/" + child + "/cmdline")).split("\0"));
                assertThat(jvm).contains("-Xms32m", "-Xmx256m", "-XX:+UseG1GC", "-XX:MaxGCPauseMillis=20")
                        .doesNotContain("-Xms1g");
            }
            String remote = ports.stream().map(p -> "127.0.0.1:" + p).collect(Collectors.joining(","));
            try (EndpointSimulator sim = EndpointSimulator.start(SimulatorOptions.parse("latency=5ms").withPort(0))) {
                Path results = tmp.resolve("results");
                int code = Benchmark.execute("--url", sim.baseUrl() + "/invocations", "--client-rps", "50",
                        "--obs-time", "30", "--remote", remote, "--results-dir", results.toString());
                assertThat(code).as(console.out() + console.err() + consoles(dirs)).isZero();
                Path run;
                try (Stream<Path> s = Files.list(results)) {
                    run = s.findFirst().orElseThrow();
                }
                JsonNode summary = new ObjectMapper().readTree(run.resolve("summary.json").toFile());
                double rate = summary.get("client_rps").asDouble();
                // JMeter starts the engines one after the other, so client_rps (all starts over their whole
                // span) carries the gap between them; the total rate is what both send while both run
                List<String> jtl = Files.readAllLines(run.resolve("results.jtl"));
                List<String> columns = List.of(jtl.get(0).replace("\"", "").split(","));
                int thread = columns.indexOf("threadName");
                int intended = columns.indexOf("ib_intended_ms");
                List<List<Double>> starts = new ArrayList<>();
                for (int port : ports) {
                    starts.add(jtl.subList(1, jtl.size()).stream().map(l -> l.split(","))
                            .filter(f -> f[thread].startsWith("127.0.0.1:" + port + "-"))
                            .map(f -> Double.parseDouble(f[intended])).sorted().toList());
                }
                double from = Math.max(starts.get(0).get(0), starts.get(1).get(0));
                double to = Math.min(starts.get(0).get(starts.get(0).size() - 1), starts.get(1).get(starts.get(1).size() - 1));
                long inWindow = starts.stream().flatMap(List::stream).filter(t -> t >= from && t < to).count();
                double total = inWindow / ((to - from) / 1000.0);
                report = String.format(java.util.Locale.ROOT, "MEASURED: two benchmark server engines, target 50 req/s for 30 s: "
                        + "%.3f req/s together while both ran (%.1f s), client_rps %.3f over all starts, engines %.0f ms apart, fired %d",
                        total, (to - from) / 1000.0, rate, Math.abs(starts.get(0).get(0) - starts.get(1).get(0)),
                        summary.get("fired").asLong());
                assertThat(starts).allSatisfy(engine -> assertThat(engine).hasSize(750));
                assertThat(total).as(report).isCloseTo(50.0, within(1.0));
                assertThat(rate).as(summary.toString()).isBetween(40.0, 50.5);
                assertThat(summary.get("succeeded").asLong()).isEqualTo(summary.get("fired").asLong());
                for (Path dir : dirs) {
                    assertThat(Files.readString(dir.resolve("jmeter-server.log"))).contains("Constant RPS Timer: ");
                }
            }
        } finally {
            System.clearProperty("server.rmi.ssl.disable");
            for (Process p : engines) {
                p.destroy();
            }
            for (Process p : engines) {
                if (!p.waitFor(20, TimeUnit.SECONDS)) {
                    p.destroyForcibly();
                }
            }
        }
        // the engines' JMeter JVMs end with the command that started them
        assertThat(engines).noneMatch(Process::isAlive);
    }

    /** The rates measured, printed once the console is no longer captured. */
    private static String report = "";

    @org.junit.jupiter.api.AfterAll
    static void printWhatWasMeasured() {
        System.out.println(report);
    }

    private static void awaitEngine(Process engine, int port, Path dir) throws Exception {
        long deadline = System.currentTimeMillis() + 90_000;
        while (System.currentTimeMillis() < deadline) {
            if (!engine.isAlive()) {
                throw new AssertionError("benchmark server exited: " + Files.readString(dir.resolve("console.txt")));
            }
            try {
                LocateRegistry.getRegistry("127.0.0.1", port).lookup("JMeterEngine");
                return;
            } catch (Exception notYet) {
                Thread.sleep(250);
            }
        }
        throw new AssertionError("benchmark server on port " + port + " did not answer in 90 s: "
                + Files.readString(dir.resolve("console.txt")));
    }

    private static String consoles(List<Path> dirs) throws Exception {
        StringBuilder b = new StringBuilder();
        for (Path d : dirs) {
            b.append("\n--- ").append(d).append(":\n").append(Files.readString(d.resolve("console.txt")));
        }
        return b.toString();
    }
}
