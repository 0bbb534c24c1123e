package io.inferencebench.metrics;

import io.inferencebench.outcome.ServerMetricsReport;

import org.apache.jmeter.engine.util.NoThreadClone;
import org.apache.jmeter.samplers.Remoteable;
import org.apache.jmeter.samplers.SampleEvent;
import org.apache.jmeter.samplers.SampleListener;
import org.apache.jmeter.samplers.SampleResult;
import org.apache.jmeter.services.FileServer;
import org.apache.jmeter.testbeans.TestBean;
import org.apache.jmeter.testelement.AbstractTestElement;
import org.apache.jmeter.testelement.TestStateListener;
import org.apache.jmeter.visualizers.Visualizer;
import org.apache.jmeter.util.JMeterUtils;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.File;
import java.io.PrintStream;
import java.nio.file.Path;
import java.time.Instant;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * "Server Metrics" listener for JMeter plans: reads the endpoint-config file at test start, fetches
 * the server metrics for the wave window at test end, prints them and writes
 * {@code server_metrics.json}. It acts once per test on the controller: in a distributed run every
 * engine reports its start and end here, and the metrics are fetched after the last engine ended.
 * The window runs from the first sample's start to the last sample's end (test start and end when
 * there were no samples).
 */
public class ServerMetricsListener extends AbstractTestElement
        implements TestBean, TestStateListener, SampleListener, Remoteable, NoThreadClone, Visualizer {

    private static final long serialVersionUID = 1L;
    private static final Logger log = LoggerFactory.getLogger(ServerMetricsListener.class);

    static final String ENDPOINT_CONFIG = "endpointConfig";
    static final String AWS_REGION = "awsRegion";
    static final String AWS_PROFILE = "awsProfile";
    static final String OUTPUT_DIRECTORY = "outputDirectory";

    /**
     * How many engines a distributed run has: the property the benchmark command sets for the
     * Constant RPS Timer ({@code ConstantRpsTimer.ENGINES_PROPERTY}); with plain JMeter,
     * {@code jmeter -R h1,h2 -Jib.engines=2}.
     */
    static final String ENGINES_PROPERTY = "ib.engines";

    /**
     * The runs in progress, by the server_metrics.json they will write. In a distributed run the
     * controller holds one clone of this element per engine, each told only of its own engine's
     * start, samples and end; they meet here, as JMeter's own ResultCollector clones meet by file name.
     */
    private static final Map<Path, Run> RUNS = new HashMap<>();

    private transient Run run;
    private transient ServerMetricsReport report;
    private transient Path writtenTo;

    /** One test's shared state: engines seen, the wave window, the metrics being collected. */
    private static final class Run {
        final Path file;
        final ServerMetrics metrics;
        final Instant testStart = Instant.now();
        final Set<String> started = new HashSet<>();
        final Set<String> ended = new HashSet<>();
        long firstSampleStart = Long.MAX_VALUE;
        long lastSampleEnd = Long.MIN_VALUE;

        Run(Path file, ServerMetrics metrics) {
            this.file = file;
            this.metrics = metrics;
        }

        synchronized void sample(long start, long end) {
            firstSampleStart = Math.min(firstSampleStart, start);
            lastSampleEnd = Math.max(lastSampleEnd, end);
        }

        synchronized Instant waveStart() {
            return firstSampleStart == Long.MAX_VALUE ? testStart : Instant.ofEpochMilli(firstSampleStart);
        }

        synchronized Instant waveEnd() {
            return lastSampleEnd == Long.MIN_VALUE ? Instant.now() : Instant.ofEpochMilli(lastSampleEnd);
        }
    }

    public String getEndpointConfig() {
        return getPropertyAsString(ENDPOINT_CONFIG);
    }

    public void setEndpointConfig(String path) {
        setProperty(ENDPOINT_CONFIG, path);
    }

    public String getAwsRegion() {
        return getPropertyAsString(AWS_REGION);
    }

    public void setAwsRegion(String region) {
        setProperty(AWS_REGION, region);
    }

    public String getAwsProfile() {
        return getPropertyAsString(AWS_PROFILE);
    }

    public void setAwsProfile(String profile) {
        setProperty(AWS_PROFILE, profile);
    }

    public String getOutputDirectory() {
        return getPropertyAsString(OUTPUT_DIRECTORY);
    }

    public void setOutputDirectory(String directory) {
        setProperty(OUTPUT_DIRECTORY, directory);
    }

    @Override
    public void testStarted() {
        testStarted("local");
    }

    /**
     * Each engine calls this when it starts; the first call of a test loads the config and starts
     * Prometheus scraping. A config that cannot be used stops a local test before it runs.
     */
    @Override
    public void testStarted(String host) {
        Path file = outputDirectory().resolve(ServerMetricsReport.FILE_NAME).toAbsolutePath().normalize();
        synchronized (RUNS) {
            Run current = RUNS.get(file);
            if (current != null && current.started.contains(host)) {
                // the same engine starting again: a test that never ended (stopped, killed); start afresh
                current.metrics.close();
                RUNS.remove(file);
                current = null;
            }
            if (current == null) {
                current = new Run(file, ServerMetrics.start(loadConfig(), new AwsOptions(getAwsRegion(), getAwsProfile())));
                RUNS.put(file, current);
            }
            current.started.add(host);
            run = current;
            report = null;
            writtenTo = null;
        }
    }

    private EndpointConfig loadConfig() {
        try {
            if (getEndpointConfig() == null || getEndpointConfig().isBlank()) {
                throw new EndpointConfigException("(none)", List.of(
                        "the Server Metrics listener has no endpoint config file; set one, or disable the listener"));
            }
            EndpointConfig config = EndpointConfig.load(resolve(getEndpointConfig()).toPath());
            log.info("Server metrics: {} CloudWatch and {} Prometheus blocks from {}", config.cloudWatch().size(),
                    config.prometheus().size(), getEndpointConfig());
            return config;
        } catch (EndpointConfigException e) {
            log.error(e.getMessage());
            JMeterUtils.reportErrorToUser(e.getMessage(), "Server Metrics");
            throw new IllegalStateException(e.getMessage(), e);
        }
    }

    @Override
    public void testEnded() {
        testEnded("local");
    }

    /**
     * Each engine calls this when it ends; after the last one, the metrics are fetched and written.
     * The last one is the {@value #ENGINES_PROPERTY}-th to end when that property is set, else the
     * one that leaves no started engine running (an engine that ends before another starts would
     * then close the window early).
     */
    @Override
    public void testEnded(String host) {
        Run finishing;
        synchronized (RUNS) {
            finishing = run;
            if (finishing == null || RUNS.get(finishing.file) != finishing) {
                return;
            }
            finishing.ended.add(host);
            int expected = "local".equals(host) ? 1 : JMeterUtils.getPropDefault(ENGINES_PROPERTY, 0);
            if (expected > 0 ? finishing.ended.size() < expected : !finishing.ended.containsAll(finishing.started)) {
                return;
            }
            RUNS.remove(finishing.file);
        }
        // Outside the lock: the fetch may wait minutes for CloudWatch, and other tests may start meanwhile.
        try (ServerMetrics metrics = finishing.metrics) {
            ServerMetricsReport finished = metrics.finish(finishing.waveStart(), finishing.waveEnd(), System.out);
            Path written = finished.writeTo(finishing.file.getParent());
            log.info("Server metrics written to {}", written);
            synchronized (RUNS) {
                report = finished;
                writtenTo = written;
            }
        } catch (RuntimeException e) {
            log.error("Server metrics could not be written: {}", e.getMessage(), e);
        }
    }

    @Override
    public void sampleOccurred(SampleEvent event) {
        Run current = run;
        if (current != null) {
            SampleResult result = event.getResult();
            current.sample(result.getStartTime(), result.getEndTime());
        }
    }

    @Override
    public void sampleStarted(SampleEvent event) {
        // the window is taken from finished samples
    }

    @Override
    public void sampleStopped(SampleEvent event) {
        // the window is taken from finished samples
    }

    /** The report of the last test this element finished, or {@code null}. */
    public ServerMetricsReport report() {
        synchronized (RUNS) {
            return report;
        }
    }

    /** Where that test's {@code server_metrics.json} went, or {@code null}. */
    public Path writtenTo() {
        synchronized (RUNS) {
            return writtenTo;
        }
    }

    private Path outputDirectory() {
        String directory = getOutputDirectory();
        return directory == null || directory.isBlank() ? Path.of(System.getProperty("user.dir"))
                : resolve(directory).toPath();
    }

    /** Relative paths are relative to the test plan's directory, as for JMeter's own file settings. */
    private static File resolve(String path) {
        return FileServer.getFileServer().getResolvedFile(path == null ? "" : path.strip());
    }

    /*
     * Visualizer is what puts a TestBean under Add > Listener: JMeter's TestBeanGUI assigns a menu
     * category only from the element's interfaces (Sampler, Timer, Visualizer, ...), and a plain
     * SampleListener matches none ("Could not assign GUI class"). Samples arrive through
     * sampleOccurred; JMeter never calls add() on a TestBean.
     */
    @Override
    public void add(org.apache.jmeter.samplers.SampleResult sample) {
    }

    @Override
    public boolean isStats() {
        return true;
    }

    /** The GUI's help link (a field of its own kind): nothing to set or save. */
    public String getHelp() {
        return "";
    }

    public void setHelp(String ignored) {
        // the link only opens the element's help
    }
}
