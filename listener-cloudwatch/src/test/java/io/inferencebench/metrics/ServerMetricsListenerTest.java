package io.inferencebench.metrics;

import io.inferencebench.outcome.ServerMetricsReport;

import io.inferencebench.outcome.ServerMetricsReport.MetricReport;
import io.inferencebench.outcome.ServerMetricsReport.StreamReport;
import io.inferencebench.simulator.EndpointSimulator;
import io.inferencebench.simulator.SimulatorOptions;
import io.inferencebench.testsupport.EmbeddedJMeterHome;
import io.inferencebench.testsupport.JMeterInstallation;
import io.inferencebench.testsupport.JMeterServers;
import org.apache.jmeter.control.LoopController;
import org.apache.jmeter.engine.DistributedRunner;
import org.apache.jmeter.engine.StandardJMeterEngine;
import org.apache.jmeter.protocol.http.sampler.HTTPSamplerProxy;
import org.apache.jmeter.services.FileServer;
import org.apache.jmeter.testelement.TestPlan;
import org.apache.jmeter.threads.ThreadGroup;
import org.apache.jorphan.collections.HashTree;
import org.apache.jorphan.collections.ListedHashTree;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class ServerMetricsListenerTest {

    @BeforeAll
    static void jmeter() {
        EmbeddedJMeterHome.initialise();
    }

    @Test
    void fetchesTheMetricsOfTheWaveItSawAndWritesThemBesideTheResults(@TempDir Path dir) throws Exception {
        try (EndpointSimulator simulator = EndpointSimulator.start(SimulatorOptions.defaults().withLatency("5ms"))) {
            Path config = Files.writeString(dir.resolve("endpoint.json"), """
                    [{"stream": "prometheus", "url": "%s/metrics", "interval": "200ms",
                      "metrics": ["ib_sim_requests_total{status=\\"200\\"}", "ib_sim_request_duration_seconds"]}]
                    """.formatted(simulator.baseUrl()));
            ServerMetricsListener listener = listener(config, dir.resolve("run"));
            FileServer.getFileServer().setBaseForScript(dir.resolve("plan.jmx").toFile());

            StandardJMeterEngine engine = new StandardJMeterEngine();
            engine.configure(plan(simulator, 2, 15, listener));
            long before = System.currentTimeMillis();
            String console = capturingStdout(engine::run);
            long after = System.currentTimeMillis();

            assertThat(simulator.requestCount()).isEqualTo(30);
            ServerMetricsReport report = listener.report();
            assertThat(report.window().startEpochMs()).isBetween(before, after);
            assertThat(report.window().endEpochMs()).isBetween(report.window().startEpochMs(), after);
            StreamReport stream = report.streams().get(0);
            assertThat(stream.status()).isEqualTo("ok");
            assertThat(stream.metrics()).extracting(MetricReport::name)
                    .containsExactly("ib_sim_requests_total{status=\"200\"}", "ib_sim_request_duration_seconds");
            assertThat(stream.metrics().get(0).statistics()).containsEntry("delta", 30.0);
            assertThat(stream.metrics().get(1).statistics()).containsEntry("count", 30.0);
            assertThat(listener.writtenTo()).isEqualTo(dir.resolve("run/server_metrics.json"));
            assertThat(ServerMetricsReport.read(listener.writtenTo())).isEqualTo(report);
            assertThat(console).contains("⏳ Fetching metrics from stream: prometheus")
                    .contains("   ib_sim_requests_total{status=\"200\"}: delta=30, rate=");
        }
    }

    @Test
    void actsOnceOnTheControllerAfterEveryRemoteEngineEnded(@TempDir Path dir) throws Exception {
        Path home = JMeterInstallation.assemble(dir.resolve("apache-jmeter-5.6.3"));
        try (EndpointSimulator simulator = EndpointSimulator.start(SimulatorOptions.defaults().withLatency("5ms"));
             JMeterServers engines = JMeterServers.start(home, dir, 2)) {
            Path config = Files.writeString(dir.resolve("endpoint.json"), """
                    [{"stream": "prometheus", "url": "%s/metrics", "interval": "200ms",
                      "metrics": ["ib_sim_requests_total{status=\\"200\\"}"]}]
                    """.formatted(simulator.baseUrl()));
            ServerMetricsListener listener = listener(config, dir.resolve("run"));
            FileServer.getFileServer().setBaseForScript(dir.resolve("plan.jmx").toFile());
            DistributedRunner runner = new DistributedRunner();
            // as the benchmark command sets it; engines started one after the other may not overlap
            org.apache.jmeter.util.JMeterUtils.setProperty(ServerMetricsListener.ENGINES_PROPERTY, "2");

            Path written = dir.resolve("run/server_metrics.json");
            String console = capturingStdout(() -> {
                runner.init(List.of(engines.addresses().split(",")), plan(simulator, 2, 10, listener));
                runner.start();
                awaitQuietly(() -> Files.exists(written));
            });

            // The controller runs a clone of the plan, so the report is read from the file it wrote.
            assertThat(written).as("server_metrics.json; console:%n%s", console).exists();
            assertThat(simulator.requestCount()).isEqualTo(40);
            StreamReport stream = ServerMetricsReport.read(written).streams().get(0);
            assertThat(stream.status()).isEqualTo("ok");
            assertThat(stream.metrics().get(0).statistics()).as("both engines' requests, seen from the controller")
                    .containsEntry("delta", 40.0);
            assertThat(console.lines().filter(line -> line.startsWith("⏳ Fetching metrics"))).hasSize(1);
            org.apache.jmeter.util.JMeterUtils.getJMeterProperties().remove(ServerMetricsListener.ENGINES_PROPERTY);
        }
    }

    @Test
    void anUnusableConfigStopsTheTestBeforeItRuns(@TempDir Path dir) throws Exception {
        try (EndpointSimulator simulator = EndpointSimulator.start(SimulatorOptions.defaults())) {
            Path config = Files.writeString(dir.resolve("endpoint.json"), "[{\"stream\": \"cloudwach\"}]");
            ServerMetricsListener listener = listener(config, dir);
            FileServer.getFileServer().setBaseForScript(dir.resolve("plan.jmx").toFile());
            StandardJMeterEngine engine = new StandardJMeterEngine();
            engine.configure(plan(simulator, 1, 5, listener));

            assertThatThrownBy(engine::run).hasRootCauseMessage("Endpoint config " + config + " is not usable (1 problem);"
                    + " fix the file and run again:" + System.lineSeparator()
                    + "  $[0].stream: unknown stream \"cloudwach\"; use \"cloudwatch\" or \"prometheus\"");
            assertThat(simulator.requestCount()).isZero();
            assertThat(dir.resolve("server_metrics.json")).doesNotExist();
        }
    }

    @Test
    void showsItsFieldsInTheJMeterGuiUnderReadableNames() throws Exception {
        java.beans.BeanInfo info = java.beans.Introspector.getBeanInfo(ServerMetricsListener.class);

        assertThat(info.getBeanDescriptor().getDisplayName()).isEqualTo("Server Metrics (InferenceBench)");
        assertThat(java.util.Arrays.stream(info.getPropertyDescriptors())
                .filter(p -> p.getValue(org.apache.jmeter.testbeans.gui.GenericTestBeanCustomizer.GROUP) != null)
                .collect(java.util.stream.Collectors.toMap(java.beans.PropertyDescriptor::getName,
                        java.beans.PropertyDescriptor::getDisplayName)))
                .containsExactlyInAnyOrderEntriesOf(java.util.Map.of(
                        "endpointConfig", "Endpoint config file", "awsRegion", "Region", "awsProfile", "Profile",
                        "outputDirectory", "Output directory", "help", "Help"));
    }

    static ServerMetricsListener listener(Path config, Path output) {
        ServerMetricsListener listener = new ServerMetricsListener();
        listener.setName("Server Metrics");
        listener.setEndpointConfig(config.toString());
        listener.setAwsRegion("");
        listener.setAwsProfile("");
        listener.setOutputDirectory(output.toString());
        return listener;
    }

    /** A plan of {@code threads} x {@code loops} POSTs to the simulator, with the listener at plan level. */
    static HashTree plan(EndpointSimulator simulator, int threads, int loops, ServerMetricsListener listener) {
        TestPlan plan = new TestPlan("server metrics");
        LoopController loop = new LoopController();
        loop.setLoops(loops);
        loop.setFirst(true);
        loop.initialize();
        ThreadGroup group = new ThreadGroup();
        group.setName("wave");
        group.setNumThreads(threads);
        group.setRampUp(0);
        group.setSamplerController(loop);
        HTTPSamplerProxy request = new HTTPSamplerProxy();
        request.setName("invoke");
        request.setProtocol("http");
        request.setDomain("127.0.0.1");
        request.setPort(simulator.port());
        request.setPath("/invocations");
        request.setMethod("POST");
        request.setPostBodyRaw(true);
        request.addNonEncodedArgument("", "{\"instances\": [[1, 2]]}", "");

        HashTree tree = new ListedHashTree();
        HashTree planTree = tree.add(plan);
        planTree.add(group).add(request);
        planTree.add(listener);
        return tree;
    }

    static void awaitQuietly(java.util.function.BooleanSupplier condition) {
        long deadline = System.nanoTime() + java.util.concurrent.TimeUnit.SECONDS.toNanos(60);
        while (!condition.getAsBoolean() && System.nanoTime() < deadline) {
            try {
                Thread.sleep(50);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return;
            }
        }
    }

    static String capturingStdout(Runnable action) {
        PrintStream original = System.out;
        ByteArrayOutputStream captured = new ByteArrayOutputStream();
        System.setOut(new PrintStream(captured, true, StandardCharsets.UTF_8));
        try {
            action.run();
        } finally {
            System.setOut(original);
        }
        return captured.toString(StandardCharsets.UTF_8);
    }
}
