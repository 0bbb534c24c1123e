package io.inferencebench.wave;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;

import io.inferencebench.testbean.BeanProperties;
import org.apache.jmeter.engine.util.NoThreadClone;
import org.apache.jmeter.engine.util.ValueReplacer;
import org.apache.jmeter.functions.InvalidVariableException;
import org.apache.jmeter.samplers.Remoteable;
import org.apache.jmeter.samplers.SampleEvent;
import org.apache.jmeter.samplers.SampleListener;
import org.apache.jmeter.testbeans.TestBean;
import org.apache.jmeter.testbeans.TestBeanHelper;
import org.apache.jmeter.testelement.AbstractTestElement;
import org.apache.jmeter.testelement.TestStateListener;
import org.apache.jmeter.visualizers.Visualizer;
import org.apache.jmeter.threads.JMeterContextService;
import org.apache.jmeter.threads.JMeterVariables;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import io.inferencebench.diagnostics.ClientBottleneck;
import io.inferencebench.outcome.WaveOutcome;
import io.inferencebench.outcome.WaveSetup;
import io.inferencebench.pacing.Pacer;
import io.inferencebench.pacing.PacingReport;

/**
 * Wave Summary listener: accumulates every sample of the test into HdrHistograms and, at test end,
 * logs the RESULTS block and writes {@code summary.json} into its output directory.
 *
 * <p>In a distributed run ({@code jmeter -R}) it is {@link Remoteable}: it stays on the controller,
 * receives the samples of every engine, and summarises once, after the last engine has ended. JMeter
 * gives each engine its own clone of the listener there, so clones share one {@link Wave}.
 */
public class WaveSummaryListener extends AbstractTestElement
        implements SampleListener, TestStateListener, NoThreadClone, TestBean, Remoteable, Visualizer {
    private static final long serialVersionUID = 1L;
    private static final Logger log = LoggerFactory.getLogger(WaveSummaryListener.class);
    /** Seconds between progress lines in jmeter.log ({@code -Jib.progress.interval=0} turns them off). */
    public static final String PROGRESS_PROPERTY = "ib.progress.interval";

    private String outputDirectory = "";
    private String successThreshold = "0.95";

    private transient Wave wave = new Wave();

    /** What the listener and its clones gather during one test. */
    private static final class Wave {
        volatile WaveStatistics statistics = new WaveStatistics();
        volatile WaveOutcome outcome;
        volatile int[] varIndex;
        /** Remote engines that have started and not yet ended (distributed runs only). */
        int enginesRunning;
        /** Logs the live figures to jmeter.log while the test runs (plain JMeter has no other progress of ours). */
        Thread progress;

        synchronized void startProgress(boolean pacedHere) {
            long seconds = org.apache.jmeter.util.JMeterUtils.getPropDefault(PROGRESS_PROPERTY, 10L);
            if (seconds <= 0 || progress != null) {
                return;
            }
            long start = System.nanoTime();
            WaveStatistics stats = statistics;
            Thread t = new Thread(() -> {
                try {
                    while (!Thread.currentThread().isInterrupted()) {
                        Thread.sleep(seconds * 1000L);
                        log.info("Wave: {}", ProgressLine.of(stats, pacedHere ? Pacer.started() : -1,
                                (System.nanoTime() - start) / 1e9, null, null, false).render());
                    }
                } catch (InterruptedException e) {
                    // the test ended
                }
            }, "ib-wave-progress");
            t.setDaemon(true);
            t.start();
            progress = t;
        }

        synchronized void stopProgress() {
            if (progress != null) {
                progress.interrupt();
                progress = null;
            }
        }

        void reset() {
            statistics = new WaveStatistics();
            outcome = null;
            int[] index = new int[SampleFields.ALL.size()];
            for (int f = 0; f < index.length; f++) {
                index[f] = -1;
                for (int i = 0; i < SampleEvent.getVarCount(); i++) {
                    if (SampleFields.ALL.get(f).equals(SampleEvent.getVarName(i))) {
                        index[f] = i;
                    }
                }
            }
            varIndex = index;
        }
    }

    public WaveSummaryListener() {
        setOutputDirectory(outputDirectory);
        setSuccessThreshold(successThreshold);
    }

    @Override
    public void sampleOccurred(SampleEvent e) {
        WaveStatistics stats = wave.statistics;
        int[] index = wave.varIndex;
        JMeterVariables threadVars = JMeterContextService.getContext().getVariables();
        stats.record(e.getResult(), name -> {
            int i = index == null ? -1 : index[SampleFields.position(name)];
            if (i >= 0 && i < SampleEvent.getVarCount()) {
                String v = e.getVarValue(i);
                if (v != null) {
                    return v;
                }
            }
            // same-JVM listener: the sampling thread's variables hold the values even without sample_variables
            return threadVars == null ? null : threadVars.get(name);
        });
    }

    @Override
    public void sampleStarted(SampleEvent e) {
        // only completed samples count
    }

    @Override
    public void sampleStopped(SampleEvent e) {
        // only completed samples count
    }

    @Override
    public void testStarted() {
        wave.reset();
        wave.startProgress(true);
        createOutputDirectory();
    }

    /**
     * The output directory is made when the test starts, never at its end: one that disappears during the
     * wave is an error to report, not a directory to recreate holding only {@code summary.json}.
     */
    private void createOutputDirectory() {
        if (outputDirectory != null && !outputDirectory.isBlank()) {
            try {
                Files.createDirectories(Paths.get(outputDirectory.trim()));
            } catch (IOException | RuntimeException ex) {
                log.error("Wave Summary cannot create its output directory {}: {}", outputDirectory, ex.toString());
            }
        }
    }

    /** Called on the controller once per remote engine, by each engine's clone of this listener. */
    @Override
    public void testStarted(String host) {
        prepareOnController();
        synchronized (wave) {
            if (wave.enginesRunning++ == 0) {
                wave.reset();
                wave.startProgress(false);
                createOutputDirectory();
            }
        }
    }

    @Override
    public void testEnded() {
        finish(Pacer.report());
    }

    @Override
    public void testEnded(String host) {
        boolean last;
        synchronized (wave) {
            last = --wave.enginesRunning == 0;
        }
        if (last) {
            // the pacers ran in the engines' JVMs: late and dropped starts come with the samples
            finish(null);
        }
    }

    private void finish(PacingReport pacing) {
        wave.stopProgress();
        // on remote engines the pacers are elsewhere: the target is the one this controller sent them
        Double sentTarget = pacing == null ? io.inferencebench.pacing.PlannedRate.sentToEngines() : null;
        WaveOutcome s = wave.statistics.outcome(pacing, WaveSetup.ofPlan(sentTarget, threshold()));
        if (pacing != null) {
            // the plan's elements ran in this JVM (on remote engines they ran elsewhere)
            s = PlanSections.addTo(s);
        }
        // judged here, so a plan's summary.json (jmeter -n in CI, the GUI) says what the RESULTS block's
        // reader is told, not "not detected" for every run; the benchmark command judges again with more evidence
        ClientBottleneck.Evidence evidence = ClientBottleneck.evidence(s);
        ClientBottleneck verdict = ClientBottleneck.judge(pacing == null ? evidence.onRemoteEngines() : evidence);
        s = s.withVerdict(verdict.toVerdict());
        wave.outcome = s;
        log.info("\n{}{}", ResultsBlock.render(s), verdict.detected() ? "\n\n" + verdict.render() : "");
        LastWave.publish(new LastWave.Result(getName(), java.time.Instant.now(), pacing == null, s));
        if (outputDirectory != null && !outputDirectory.isBlank()) {
            try {
                Path dir = Paths.get(outputDirectory.trim());
                if (!Files.isDirectory(dir)) {
                    throw new java.nio.file.NoSuchFileException(dir.toString(), null, "deleted during the wave");
                }
                s.write(dir);
            } catch (IOException ex) {
                log.error("Wave Summary could not write {} into {}: {}", WaveOutcome.FILE_NAME, outputDirectory,
                        ex.toString());
            }
        }
    }

    /**
     * No engine prepares the controller's copy (JMeter's client-side pre-compiler only handles Result
     * Collectors): resolve functions such as {@code ${__P(ib.run.dir)}} and set the fields here.
     */
    private void prepareOnController() {
        try {
            new ValueReplacer().replaceValues(this);
            setRunningVersion(true); // the new function properties evaluate only in a running version
        } catch (InvalidVariableException e) {
            log.warn("Wave Summary: cannot resolve its fields: {}", e.toString());
        }
        TestBeanHelper.prepare(this);
    }

    private double threshold() {
        try {
            return Double.parseDouble(successThreshold.trim());
        } catch (RuntimeException e) {
            return 0.95;
        }
    }

    /** The statistics being gathered (the CLI builds its outcome from them with the wave's whole spec). */
    public WaveStatistics statistics() {
        return wave.statistics;
    }

    /** The outcome built at test end, or {@code null} before. */
    public WaveOutcome outcome() {
        return wave.outcome;
    }

    public String getOutputDirectory() {
        return outputDirectory;
    }

    public void setOutputDirectory(String outputDirectory) {
        this.outputDirectory = outputDirectory;
        BeanProperties.mirror(this, "outputDirectory", outputDirectory);
    }

    public String getSuccessThreshold() {
        return successThreshold;
    }

    public void setSuccessThreshold(String successThreshold) {
        this.successThreshold = successThreshold;
        BeanProperties.mirror(this, "successThreshold", successThreshold);
    }

    @Override
    public Object clone() {
        WaveSummaryListener clone = (WaveSummaryListener) super.clone();
        clone.wave = wave;
        return clone;
    }

    private Object readResolve() {
        wave = new Wave();
        return this;
    }

    /** The GUI's results panel (a field of its own kind): nothing to set or save, it shows the last wave. */
    public String getResults() {
        return "";
    }

    public void setResults(String ignored) {
        // the panel only displays; a plan never carries results
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
