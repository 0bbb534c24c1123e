package io.inferencebench.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.File;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.jar.Attributes;
import java.util.jar.JarEntry;
import java.util.jar.JarOutputStream;
import java.util.jar.Manifest;
import java.util.stream.Stream;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;

import io.inferencebench.simulator.EndpointSimulator;
import io.inferencebench.simulator.SimulatorOptions;

/**
 * The plan.jmx a wave saves runs unchanged in a real JMeter 5.6.3 installation, assembled here from the
 * Maven artifacts (launcher in bin/, libraries in lib/, JMeter's and our plugin jars in lib/ext).
 */
class PlanReplayTest {
    @TempDir
    Path tmp;

    @Test
    void theSavedPlanRunsInJMeterNonGuiAndSendsTheSameNumberOfRequests() throws Exception {
        try (EndpointSimulator sim = EndpointSimulator.start(SimulatorOptions.parse("latency=5ms").withPort(0))) {
            Path results = tmp.resolve("results");
            int code = Benchmark.execute("--url", sim.baseUrl() + "/invocations", "--client-rps", "40",
                    "--num-requests", "30", "--results-dir", results.toString());
            assertThat(code).isEqualTo(0);
            assertThat(sim.requestCount()).isEqualTo(30);
            Path run;
            try (Stream<Path> s = Files.list(results)) {
                run = s.findFirst().orElseThrow();
            }

            Path home = assembleJMeterHome(tmp.resolve("apache-jmeter-5.6.3"));
            Path replay = Files.createDirectories(tmp.resolve("replay"));
            Process jmeter = new ProcessBuilder(javaExecutable(), "-jar", home.resolve("bin/ApacheJMeter.jar").toString(),
                    "-n", "-t", run.resolve("plan.jmx").toString(), "-j", replay.resolve("jmeter.log").toString(),
                    "-Jib.run.dir=" + replay, "-Jsample_variables=ib_intended_ms,ib_late_ms")
                    .directory(replay.toFile()).redirectErrorStream(true)
                    .redirectOutput(replay.resolve("console.txt").toFile()).start();
            assertThat(jmeter.waitFor(180, TimeUnit.SECONDS)).as("jmeter finished").isTrue();
            String console = Files.readString(replay.resolve("console.txt"));
            assertThat(jmeter.exitValue()).as(console).isEqualTo(0);

            List<String> jtl = Files.readAllLines(replay.resolve("results.jtl"));
            assertThat(jtl).as(console).hasSize(31);
            assertThat(jtl.get(0)).contains("ib_intended_ms");
            assertThat(sim.requestCount()).isEqualTo(60);
            JsonNode summary = new ObjectMapper().readTree(replay.resolve("summary.json").toFile());
            assertThat(summary.get("fired").asLong()).isEqualTo(30);
            assertThat(summary.get("succeeded").asLong()).isEqualTo(30);
        }
    }

    /** A JMeter home laid out as the binary distribution: bin/ from ApacheJMeter_config, jars in lib/ and lib/ext. */
    static Path assembleJMeterHome(Path home) throws IOException {
        JMeterHome.unpackBin(home);
        Path lib = Files.createDirectories(home.resolve("lib"));
        Path ext = Files.createDirectories(home.resolve("lib/ext"));
        String cp = System.getProperty("surefire.test.class.path", System.getProperty("java.class.path"));
        for (String entry : cp.split(File.pathSeparator)) {
            Path p = Path.of(entry);
            String name = p.getFileName().toString();
            if (Files.isDirectory(p)) {
                if (entry.replace('\\', '/').contains("/jmeter-plugins/target/classes")) {
                    jar(p, ext.resolve("inferencebench-jmeter-plugins.jar"));
                }
            } else if (name.startsWith("ApacheJMeter-")) {
                Files.copy(p, home.resolve("bin/ApacheJMeter.jar"));
            } else if (name.startsWith("ApacheJMeter_")) {
                Files.copy(p, ext.resolve(name));
            } else if (name.startsWith("jmeter-plugins-") && name.endsWith(".jar")) {
                Files.copy(p, ext.resolve(name));
            } else if (name.endsWith(".jar") && !isTestOnly(name) && !name.startsWith("cli-")
                    && !name.startsWith("endpoint-simulator")) {
                Files.copy(p, lib.resolve(name));
            }
        }
        assertThat(home.resolve("bin/ApacheJMeter.jar")).exists();
        try (Stream<Path> jars = Files.list(ext)) {
            assertThat(jars.map(j -> j.getFileName().toString()))
                    .anyMatch(n -> n.equals("inferencebench-jmeter-plugins.jar") || n.startsWith("jmeter-plugins-0"));
        }
        return home;
    }

    private static boolean isTestOnly(String jar) {
        return Stream.of("junit-", "assertj-", "opentest4j", "apiguardian", "surefire", "byte-buddy")
                .anyMatch(jar::startsWith);
    }

    private static void jar(Path classes, Path target) throws IOException {
        // a manifest like every real jar: JMeter's class scanning reads it (remote runs scan lib/ext)
        Manifest manifest = new Manifest();
        manifest.getMainAttributes().put(Attributes.Name.MANIFEST_VERSION, "1.0");
        try (OutputStream os = Files.newOutputStream(target); JarOutputStream jar = new JarOutputStream(os, manifest);
             Stream<Path> files = Files.walk(classes)) {
            List<Path> all = new ArrayList<>(files.filter(Files::isRegularFile).toList());
            for (Path f : all) {
                jar.putNextEntry(new JarEntry(classes.relativize(f).toString().replace('\\', '/')));
                Files.copy(f, jar);
                jar.closeEntry();
            }
        }
    }

    private static String javaExecutable() {
        return Path.of(System.getProperty("java.home"), "bin", "java").toString();
    }
}
