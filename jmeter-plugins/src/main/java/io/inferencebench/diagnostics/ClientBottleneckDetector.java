package io.inferencebench.diagnostics;

import io.inferencebench.testbean.BeanProperties;
import org.apache.jmeter.engine.util.NoThreadClone;
import org.apache.jmeter.samplers.SampleEvent;
import org.apache.jmeter.samplers.SampleListener;
import org.apache.jmeter.testbeans.TestBean;
import org.apache.jmeter.testelement.AbstractTestElement;
import org.apache.jmeter.testelement.TestStateListener;
import org.apache.jmeter.visualizers.Visualizer;
import org.apache.jmeter.threads.JMeterContextService;
import org.apache.jmeter.threads.JMeterVariables;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import io.inferencebench.pacing.Pacer;
import io.inferencebench.wave.PlanSections;
import io.inferencebench.wave.WaveStatistics;
import io.inferencebench.outcome.ClientHardwareSummary;
import io.inferencebench.outcome.WaveOutcome;
import io.inferencebench.outcome.WaveSetup;

/**
 * Client Bottleneck Detector: a listener for any JMeter plan that samples the client's hardware during
 * the test and, at its end, logs whether the client limited the run, why, and what to do.
 */
public class ClientBottleneckDetector extends AbstractTestElement
        implements SampleListener, TestStateListener, NoThreadClone, TestBean, Visualizer {
    private static final long serialVersionUID = 1L;
    private static final Logger log = LoggerFactory.getLogger(ClientBottleneckDetector.class);

    private int sampleIntervalMs = 100;
    private int pythonWorkers = 0;

    private transient volatile WaveStatistics statistics;
    private transient volatile ClientHardware hardware;
    private transient volatile ClientBottleneck verdict;
    /** JMeter calls testStarted(host) only on a remote engine (this element is not Remoteable). */
    private transient volatile boolean onRemoteEngine;

    public ClientBottleneckDetector() {
        setSampleIntervalMs(sampleIntervalMs);
        setPythonWorkers(pythonWorkers);
    }

    @Override
    public void testStarted() {
        onRemoteEngine = false;
        statistics = new WaveStatistics();
        verdict = null;
        hardware = ClientHardware.start(sampleIntervalMs);
    }

    @Override
    public void testStarted(String host) {
        testStarted();
        onRemoteEngine = true;
    }

    @Override
    public void sampleOccurred(SampleEvent e) {
        WaveStatistics stats = statistics;
        if (stats == null) {
            return;
        }
        JMeterVariables vars = JMeterContextService.getContext().getVariables();
        stats.record(e.getResult(), name -> vars == null ? null : vars.get(name));
    }

    @Override
    public void sampleStarted(SampleEvent e) {
        // completed samples only
    }

    @Override
    public void sampleStopped(SampleEvent e) {
        // completed samples only
    }

    @Override
    public void testEnded() {
        ClientHardware hw = hardware;
        if (hw != null) {
            hw.close();
        }
        if (statistics == null) {
            return;
        }
        WaveOutcome summary = statistics.outcome(Pacer.report(), WaveSetup.ofPlan(null, 0));
        if (hw != null) {
            summary = summary.withSection(ClientHardwareSummary.SECTION, hw.summary());
        }
        summary = PlanSections.addTo(summary);
        if (pythonWorkers > 0) {
            // set by hand: it overrides what the plan's Python samplers say
            WaveOutcome.Python py = summary.python();
            summary = summary.withPython(py == null ? new WaveOutcome.Python(pythonWorkers, null, null, 0, false)
                    : py.withWorkers(pythonWorkers));
        }
        ClientBottleneck.Evidence evidence = ClientBottleneck.evidence(summary);
        ClientBottleneck v = ClientBottleneck.judge(onRemoteEngine ? evidence.onRemoteEngines() : evidence);
        verdict = v;
        if (v.detected()) {
            log.warn("\n{}", v.render());
        } else {
            log.info("Client Bottleneck Detector: no client bottleneck ({} requests, {} req/s achieved).",
                    summary.fired(), String.format(java.util.Locale.ROOT, "%.2f", summary.clientRps()));
        }
    }

    @Override
    public void testEnded(String host) {
        testEnded();
    }

    /** The verdict of the last test, or {@code null} before its end. */
    public ClientBottleneck verdict() {
        return verdict;
    }

    public int getSampleIntervalMs() {
        return sampleIntervalMs;
    }

    public void setSampleIntervalMs(int sampleIntervalMs) {
        this.sampleIntervalMs = sampleIntervalMs;
        BeanProperties.mirror(this, "sampleIntervalMs", sampleIntervalMs);
    }

    public int getPythonWorkers() {
        return pythonWorkers;
    }

    public void setPythonWorkers(int pythonWorkers) {
        this.pythonWorkers = pythonWorkers;
        BeanProperties.mirror(this, "pythonWorkers", pythonWorkers);
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
