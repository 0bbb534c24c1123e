package io.inferencebench.metrics;

import org.apache.jmeter.engine.util.NoThreadClone;
import org.apache.jmeter.samplers.Remoteable;
import org.apache.jmeter.samplers.SampleEvent;
import org.apache.jmeter.samplers.SampleListener;
import org.apache.jmeter.samplers.SampleResult;
import org.apache.jmeter.services.FileServer;
import org.apache.jmeter.testbeans.TestBean;
import org.apache.jmeter.testelement.AbstractTestElement;
import org.apache.jmeter.testelement.TestStateListener;
import org.apache.jmeter.util.JMeterUtils;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.File;
import java.io.PrintStream;
import java.nio.file.Path;
import java.time.Instant;

/**
 * "Server Metrics" listener for JMeter plans: reads the endpoint-config file at test start, fetches
 * the server metrics for the wave window at test end, prints them and writes
 * {@code server_metrics.json}. It acts once per test on the controller: in a distributed run every
 * engine reports its start and end here, and the metrics are fetched after the last engine ended.
 * The window runs from the first sample's start to the last sample's end (test start and end when
 * there were no samples).
 */
public class ServerMetricsListener extends AbstractTestElement
        implements TestBean, TestStateListener, SampleListener, Remoteable, NoThreadClone {

    private static final long serialVersionUID = 1L;
    private static final Logger log = LoggerFactory.getLogger(ServerMetricsListener.class);

    static final String ENDPOINT_CONFIG = "endpointConfig";
    static final String AWS_REGION = "awsRegion";
    static final String AWS_PROFILE = "awsProfile";
    static final String OUTPUT_DIRECTORY = "outputDirectory";

    private transient Object lock = new Object();
    private transient int enginesRunning;
    private transient ServerMetrics metrics;
    private transient Instant testStart;
    private transient long firstSampleStart;
    private transient long lastSampleEnd;
    private transient ServerMetricsReport report;
    private transient Path writtenTo;

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
     * Each engine calls this when it starts; the first call loads the config and starts Prometheus
     * scraping. A config that cannot be used stops a local test before it runs.
     */
    @Override
    public void testStarted(String host) {
        synchronized (lock()) {
            if (enginesRunning++ > 0) {
                return;
            }
            testStart = Instant.now();
            firstSampleStart = Long.MAX_VALUE;
            lastSampleEnd = Long.MIN_VALUE;
            report = null;
            writtenTo = null;
            EndpointConfig config;
            try {
                if (getEndpointConfig() == null || getEndpointConfig().isBlank()) {
                    throw new EndpointConfigException("(none)", java.util.List.of(
                            "the Server Metrics listener has no endpoint config file; set one, or disable the listener"));
                }
                config = EndpointConfig.load(resolve(getEndpointConfig()).toPath());
            } catch (EndpointConfigException e) {
                enginesRunning = 0;
                log.error(e.getMessage());
                JMeterUtils.reportErrorToUser(e.getMessage(), "Server Metrics");
                throw new IllegalStateException(e.getMessage(), e);
            }
            metrics = ServerMetrics.start(config, new AwsOptions(getAwsRegion(), getAwsProfile()));
            log.info("Server metrics: {} CloudWatch and {} Prometheus blocks from {}", config.cloudWatch().size(),
                    config.prometheus().size(), getEndpointConfig());
        }
    }

    @Override
    public void testEnded() {
        testEnded("local");
    }

    /** Each engine calls this when it ends; after the last one, the metrics are fetched and written. */
    @Override
    public void testEnded(String host) {
        synchronized (lock()) {
            if (enginesRunning == 0 || --enginesRunning > 0 || metrics == null) {
                return;
            }
            Instant start = firstSampleStart == Long.MAX_VALUE ? testStart : Instant.ofEpochMilli(firstSampleStart);
            Instant end = lastSampleEnd == Long.MIN_VALUE ? Instant.now() : Instant.ofEpochMilli(lastSampleEnd);
            try (ServerMetrics finishing = metrics) {
                PrintStream console = System.out;
                report = finishing.finish(start, end, console);
                writtenTo = report.writeTo(outputDirectory());
                log.info("Server metrics written to {}", writtenTo);
            } catch (RuntimeException e) {
                log.error("Server metrics could not be written: {}", e.getMessage(), e);
            } finally {
                metrics = null;
            }
        }
    }

    @Override
    public void sampleOccurred(SampleEvent event) {
        SampleResult result = event.getResult();
        synchronized (lock()) {
            firstSampleStart = Math.min(firstSampleStart, result.getStartTime());
            lastSampleEnd = Math.max(lastSampleEnd, result.getEndTime());
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

    /** The report of the last test, or {@code null} before one has ended. */
    public ServerMetricsReport report() {
        synchronized (lock()) {
            return report;
        }
    }

    /** Where the last test's {@code server_metrics.json} went, or {@code null}. */
    public Path writtenTo() {
        synchronized (lock()) {
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

    private Object lock() {
        // transient: rebuilt when the element arrives by cloning or deserialisation
        Object current = lock;
        if (current == null) {
            synchronized (this) {
                if (lock == null) {
                    lock = new Object();
                }
                current = lock;
            }
        }
        return current;
    }

    @Override
    public Object clone() {
        ServerMetricsListener clone = (ServerMetricsListener) super.clone();
        clone.lock = new Object();
        return clone;
    }
}
