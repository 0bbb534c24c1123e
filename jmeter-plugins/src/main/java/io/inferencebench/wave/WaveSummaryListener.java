package io.inferencebench.wave;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;

import org.apache.jmeter.engine.util.NoThreadClone;
import org.apache.jmeter.samplers.SampleEvent;
import org.apache.jmeter.samplers.SampleListener;
import org.apache.jmeter.testbeans.TestBean;
import org.apache.jmeter.testelement.AbstractTestElement;
import org.apache.jmeter.testelement.TestStateListener;
import org.apache.jmeter.threads.JMeterContextService;
import org.apache.jmeter.threads.JMeterVariables;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import io.inferencebench.pacing.Pacer;

/**
 * Wave Summary listener: accumulates every sample of the test into HdrHistograms and, at test end,
 * logs the RESULTS block and writes {@code summary.json} into its output directory.
 */
public class WaveSummaryListener extends AbstractTestElement
        implements SampleListener, TestStateListener, NoThreadClone, TestBean {
    private static final long serialVersionUID = 1L;
    private static final Logger log = LoggerFactory.getLogger(WaveSummaryListener.class);

    private String outputDirectory = "";
    private String successThreshold = "0.95";

    private transient volatile WaveStatistics statistics = new WaveStatistics();
    private transient volatile WaveSummary summary;
    private transient int[] varIndex;

    public WaveSummaryListener() {
        setOutputDirectory(outputDirectory);
        setSuccessThreshold(successThreshold);
    }

    @Override
    public void sampleOccurred(SampleEvent e) {
        WaveStatistics stats = statistics;
        int[] index = varIndex;
        JMeterVariables threadVars = JMeterContextService.getContext().getVariables();
        stats.record(e.getResult(), name -> {
            int i = index == null ? -1 : index[SampleFields.ALL.indexOf(name)];
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
        statistics = new WaveStatistics();
        summary = null;
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

    @Override
    public void testStarted(String host) {
        testStarted();
    }

    @Override
    public void testEnded() {
        WaveSummary s = new WaveSummary(statistics, Pacer.report(), threshold(), null);
        summary = s;
        log.info("\n{}", ResultsBlock.render(s));
        if (outputDirectory != null && !outputDirectory.isBlank()) {
            try {
                Path dir = Paths.get(outputDirectory.trim());
                Files.createDirectories(dir);
                s.write(dir);
            } catch (IOException ex) {
                log.error("Wave Summary could not write {} into {}: {}", WaveSummary.FILE_NAME, outputDirectory,
                        ex.toString());
            }
        }
    }

    @Override
    public void testEnded(String host) {
        testEnded();
    }

    private double threshold() {
        try {
            return Double.parseDouble(successThreshold.trim());
        } catch (RuntimeException e) {
            return 0.95;
        }
    }

    /** The statistics being gathered (the CLI builds its summary from them with its own context). */
    public WaveStatistics statistics() {
        return statistics;
    }

    /** The summary built at test end, or {@code null} before. */
    public WaveSummary summary() {
        return summary;
    }

    public String getOutputDirectory() {
        return outputDirectory;
    }

    public void setOutputDirectory(String outputDirectory) {
        this.outputDirectory = outputDirectory;
        keep("outputDirectory", outputDirectory);
    }

    public String getSuccessThreshold() {
        return successThreshold;
    }

    public void setSuccessThreshold(String successThreshold) {
        this.successThreshold = successThreshold;
        keep("successThreshold", successThreshold);
    }

    private Object readResolve() {
        statistics = new WaveStatistics();
        return this;
    }

    /**
     * Mirrors a bean field into the element's JMeter property when the element is being built (in code
     * or the GUI), so the value is saved in the plan; at run time JMeter sets the fields from the properties.
     */
    private void keep(String name, Object value) {
        if (!isRunningVersion()) {
            if (value instanceof Integer i) {
                setProperty(name, i.intValue());
            } else {
                setProperty(name, value == null ? "" : value.toString());
            }
        }
    }
}
