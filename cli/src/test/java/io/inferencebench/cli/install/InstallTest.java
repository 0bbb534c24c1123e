package io.inferencebench.cli.install;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;

import org.apache.jmeter.gui.action.template.Template;
import org.apache.jmeter.gui.action.template.TemplateManager;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;

import io.inferencebench.cli.Benchmark;
import io.inferencebench.simulator.EndpointSimulator;
import io.inferencebench.simulator.SimulatorOptions;
import io.inferencebench.testsupport.CapturedConsole;
import io.inferencebench.testsupport.EmbeddedJMeterHome;
import io.inferencebench.testsupport.JMeterInstallation;
import io.inferencebench.wave.SampleFields;

/**
 * benchmark install into a fresh JMeter 5.6.3 installation (assembled from the Maven artifacts, no
 * plugins), each template run there by a real {@code jmeter -n}, and benchmark uninstall back to the
 * installation as it was, file for file.
 */
class InstallTest {
    @TempDir(cleanup = org.junit.jupiter.api.io.CleanupMode.ON_SUCCESS)
    Path tmp;

    @RegisterExtension
    CapturedConsole console = new CapturedConsole();

    /** What install said and the timing measured, printed once the console is no longer captured. */
    private static final List<String> report = new java.util.concurrent.CopyOnWriteArrayList<>();

    @org.junit.jupiter.api.AfterAll
    static void printWhatWasMeasured() {
        report.forEach(System.out::println);
    }

    @Test
    void installRunsEachTemplateInAPlainJMeterAndUninstallLeavesItAsItWas() throws Exception {
        EmbeddedJMeterHome.initialise();
        Path home = JMeterInstallation.assembleWithoutPlugins(tmp.resolve("apache-jmeter-5.6.3"));
        Map<String, String> before = tree(home);

        assertThat(Benchmark.execute("install", "--jmeter-home", home.toString())).as(console.err()).isZero();
        String said = console.out();
        report.add(said);

        // our plugin jars alone in lib/ext beside JMeter's, under names nobody takes for jmeter-plugins.org's
        List<String> ext = names(home.resolve("lib/ext"));
        assertThat(ext).filteredOn(n -> !n.startsWith("ApacheJMeter_"))
                .allMatch(n -> n.startsWith("inferencebench-"))
                .anyMatch(n -> n.startsWith("inferencebench-core-"))
                .anyMatch(n -> n.startsWith("inferencebench-sampler-python-"));
        // each written aside and renamed into place: no half-written jar on a class path, none left over, and
        // readable by whoever runs JMeter from this home (a temporary file is made owner-only)
        assertThat(ext).noneMatch(n -> n.endsWith(".tmp"));
        for (String jar : ext) {
            assertThat(Files.getPosixFilePermissions(home.resolve("lib/ext").resolve(jar))).as(jar)
                    .contains(java.nio.file.attribute.PosixFilePermission.OTHERS_READ);
        }
        // the libraries JMeter lacks in lib, and no library twice
        List<String> lib = names(home.resolve("lib"));
        assertThat(lib).anyMatch(n -> n.startsWith("HdrHistogram-")).anyMatch(n -> n.startsWith("jfreechart-"));
        assertThat(lib.stream().filter(n -> n.startsWith("reactive-streams-"))).hasSize(1);
        List<LibraryJar> all = new ArrayList<>(JMeterHomeDir.jars(home.resolve("lib")));
        for (LibraryJar added : all) {
            if (before.containsKey("lib/" + added.fileName())) {
                continue;
            }
            assertThat(all).as("jars holding the classes of lib/%s", added.fileName())
                    .filteredOn(other -> other != added && other.sameLibraryAs(added)).isEmpty();
        }
        if (before.keySet().stream().anyMatch(p -> p.matches("lib/annotations-\\d.*"))) {
            assertThat(said).contains("name conflict: lib/annotations-");
            assertThat(lib).anyMatch(n -> n.startsWith("awssdk-annotations-"));
        }

        // sample_variables and the templates, as JMeter itself reads them
        String userProperties = Files.readString(home.resolve("bin/user.properties"), StandardCharsets.ISO_8859_1);
        assertThat(userProperties).contains("sample_variables=" + String.join(",", SampleFields.ALL));
        Map<String, Template> templates = TemplateManager.getInstance()
                .parseTemplateFile(home.resolve(PluginInstall.TEMPLATES_XML).toFile());
        assertThat(templates).containsKeys("Inference endpoint at a constant rate (Python factories) (InferenceBench)",
                "HTTP endpoint at a constant rate (InferenceBench)", "LLM endpoint with token metrics (InferenceBench)");
        templates.values().forEach(t -> assertThat(home.resolve(t.getFileName().substring(1))).isRegularFile());
        assertThat(userProperties).contains("template.files=/bin/templates/templates.xml,/" + PluginInstall.TEMPLATES_XML);

        try (EndpointSimulator sim = EndpointSimulator.start(SimulatorOptions.parse("latency=5ms").withPort(0))) {
            Path http = jmeterRun(home, "http-constant-rate.jmx", tmp.resolve("http"),
                    "-Jib.url=" + sim.baseUrl() + "/invocations", "-Jib.rps=20", "-Jib.duration=3");
            List<String> jtl = Files.readAllLines(http.resolve("results.jtl"));
            // sample_variables from user.properties: the JTL carries our columns without any -J
            assertThat(jtl.get(0)).contains("ib_intended_ms", "ib_late_ms");
            assertThat(jtl).hasSize(61);
            JsonNode summary = new ObjectMapper().readTree(http.resolve("summary.json").toFile());
            assertThat(summary.get("fired").asLong()).isEqualTo(60);
            assertThat(summary.get("succeeded").asLong()).isEqualTo(60);

            long started = startOfTest(Files.readString(http.resolve("console.txt")));
            // rows are written as requests end: the first request is the earliest start
            long firstRequest = jtl.stream().skip(1).mapToLong(l -> Long.parseLong(l.split(",")[0])).min().orElseThrow();
            long firstIntended = jtl.stream().skip(1).mapToLong(l -> (long) Double.parseDouble(l.split(",")[17])).min().orElseThrow();
            long gap = firstRequest - started;
            report.add("MEASURED: first request " + gap + " ms after 'Starting the test' (its intended start "
                    + (firstIntended - started) + " ms; installed home, HTTP template, a fresh jmeter JVM)");
            assertThat(gap).as("ms from 'Starting the test' to the first request (1 s on a warm machine)").isBetween(0L, 5000L);

            Path python = jmeterRun(home, "python-factories-constant-rate.jmx", tmp.resolve("python"),
                    "-Jib.endpoint.url=" + sim.baseUrl(), "-Jib.rps=10", "-Jib.duration=2");
            JsonNode pythonSummary = new ObjectMapper().readTree(python.resolve("summary.json").toFile());
            assertThat(pythonSummary.get("fired").asLong()).isEqualTo(20);
            assertThat(pythonSummary.get("succeeded").asLong()).isEqualTo(20);
        }
        // an async def invoke through the same template: its requests overlap on one worker's event loop
        // (a plan that leaves asyncRequestsPerWorker out once ran them one at a time, failing the rest)
        try (EndpointSimulator slow = EndpointSimulator.start(SimulatorOptions.parse("latency=300ms").withPort(0))) {
            Path factories = Path.of(System.getProperty("user.dir")).getParent().resolve("factories/http/factories_json_aiohttp.py");
            Path async = jmeterRun(home, "python-factories-constant-rate.jmx", tmp.resolve("python-async"),
                    "-Jib.endpoint.url=" + slow.baseUrl(), "-Jib.factories=" + factories, "-Jib.rps=20", "-Jib.duration=2");
            JsonNode asyncSummary = new ObjectMapper().readTree(async.resolve("summary.json").toFile());
            assertThat(asyncSummary.get("fired").asLong()).isEqualTo(40);
            assertThat(asyncSummary.get("succeeded").asLong()).as(Files.readString(async.resolve("jmeter.log"))).isEqualTo(40);
        }
        // the LLM template: streamed chat completions, its token figures in the summary as JMeter ran them
        try (EndpointSimulator llm = EndpointSimulator.start(
                SimulatorOptions.parse("ttft=100ms,itl=10ms").withPort(0))) {
            // the key as the README says: in a properties file given with -q, whose values JMeter does not
            // log (it logs every -J value in jmeter.log)
            Path secrets = Files.writeString(tmp.resolve("secrets.properties"), "openai.api.key=sk-template-secret\n");
            Path run = jmeterRun(home, "llm-token-metrics.jmx", tmp.resolve("llm"),
                    "-Jib.url=" + llm.baseUrl() + "/v1/chat/completions", "-Jib.rps=5", "-Jib.duration=2",
                    "-Jib.max.tokens=16", "-q", secrets.toString());
            JsonNode summary = new ObjectMapper().readTree(run.resolve("summary.json").toFile());
            assertThat(summary.get("fired").asLong()).isEqualTo(10);
            assertThat(summary.get("succeeded").asLong()).isEqualTo(10);
            JsonNode tokens = summary.get("tokens");
            assertThat(tokens.get("total_output_tokens").asLong()).isEqualTo(160);
            assertThat(tokens.get("time_to_first_token_ms").get("p50").asDouble()).isBetween(95.0, 400.0);
            try (Stream<Path> files = Files.walk(run)) {
                for (Path f : files.filter(Files::isRegularFile).toList()) {
                    assertThat(Files.readString(f, StandardCharsets.ISO_8859_1)).as(f.toString())
                            .doesNotContain("sk-template-secret");
                }
            }
        }

        assertThat(Benchmark.execute("uninstall", "--jmeter-home", home.toString())).as(console.err()).isZero();
        assertThat(tree(home)).isEqualTo(before);
        assertThat(Benchmark.execute("uninstall", "--jmeter-home", home.toString())).isEqualTo(2);
        assertThat(console.err()).contains("No InferenceBench install in").doesNotContain("Exception");
    }

    @Test
    void aFolderThatIsNotAJMeterHomeIsBadInputInOneSentence() {
        assertThat(Benchmark.execute("install", "--jmeter-home", tmp.toString())).isEqualTo(2);
        assertThat(console.err().strip()).startsWith("--jmeter-home " + tmp + " is not a JMeter installation")
                .doesNotContain("\n").doesNotContain("Exception");
    }

    /** Runs a template as installed, unchanged, with jmeter -n; returns its run directory. */
    private static Path jmeterRun(Path home, String template, Path run, String... properties) throws Exception {
        List<String> args = new ArrayList<>(List.of("-l", run.resolve("results.jtl").toString()));
        args.addAll(List.of(properties));
        JMeterInstallation.runNonGui(home, home.resolve(PluginInstall.TEMPLATES_DIR).resolve(template), run,
                args.toArray(String[]::new));
        assertThat(Files.readString(run.resolve("jmeter.log"))).as("jmeter.log").doesNotContain(" ERROR ");
        return run;
    }

    /** The epoch milliseconds jmeter -n prints with "Starting standalone test @ ... (ms)". */
    static long startOfTest(String console) {
        Matcher m = Pattern.compile("Starting (?:standalone )?test @.*\\((\\d{12,})\\)").matcher(console);
        assertThat(m.find()).as(console).isTrue();
        return Long.parseLong(m.group(1));
    }

    private static List<String> names(Path dir) throws IOException {
        try (Stream<Path> s = Files.list(dir)) {
            return s.map(p -> p.getFileName().toString()).sorted().toList();
        }
    }

    /** Every file of the installation and its size (user.properties: its text). */
    private static Map<String, String> tree(Path home) throws IOException {
        Map<String, String> files = new TreeMap<>();
        try (Stream<Path> s = Files.walk(home)) {
            for (Path p : s.filter(Files::isRegularFile).toList()) {
                String rel = home.relativize(p).toString().replace('\\', '/');
                files.put(rel, rel.endsWith("user.properties") ? Files.readString(p, StandardCharsets.ISO_8859_1)
                        : Long.toString(Files.size(p)));
            }
        }
        return files;
    }
}
