package io.inferencebench.report;

import org.apache.jmeter.samplers.Remoteable;
import org.apache.jmeter.samplers.SampleResult;
import org.apache.jmeter.testbeans.TestBean;
import org.apache.jmeter.testelement.AbstractTestElement;
import org.apache.jmeter.testelement.TestStateListener;
import org.apache.jmeter.visualizers.Visualizer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.nio.file.Files;
import java.nio.file.InvalidPathException;
import java.nio.file.Path;

/**
 * "Excel Summary" listener: at the end of a test it writes {@code benchmark_summary.xlsx} into the
 * configured run directory, from the {@code summary.json} found there - the same workbook
 * {@code benchmark --plot} writes, for a single run.
 *
 * <p>It only acts at test end, so it costs nothing per sample. It is {@link Remoteable}: in a
 * distributed test it runs on the controller, where the run directory is.
 */
public class ExcelSummaryListener extends AbstractTestElement
        implements TestBean, TestStateListener, Remoteable, Visualizer {
    private static final long serialVersionUID = 1L;
    private static final Logger log = LoggerFactory.getLogger(ExcelSummaryListener.class);

    private String runDirectory = "";

    public String getRunDirectory() {
        return runDirectory;
    }

    public void setRunDirectory(String runDirectory) {
        this.runDirectory = runDirectory == null ? "" : runDirectory;
    }

    @Override
    public void testStarted() {
        // nothing to prepare: the workbook is built from summary.json at the end
    }

    @Override
    public void testStarted(String host) {
        testStarted();
    }

    @Override
    public void testEnded() {
        writeWorkbook();
    }

    /** Called on the controller once per remote engine; the newest summary.json wins. */
    @Override
    public void testEnded(String host) {
        writeWorkbook();
    }

    /** The workbook written, or null when there was nothing to write (the reason is logged in one line). */
    Path writeWorkbook() {
        String name = getName() == null || getName().isBlank() ? "Excel Summary" : getName();
        if (runDirectory.isBlank()) {
            log.warn("{}: no run directory is set, so no workbook was written; set its Run directory to the folder holding summary.json.", name);
            return null;
        }
        Path directory;
        try {
            directory = Path.of(runDirectory.trim());
        } catch (InvalidPathException e) {
            log.error("{}: run directory \"{}\" is not a valid path, so no workbook was written.", name, runDirectory);
            return null;
        }
        if (!Files.isRegularFile(directory.resolve(RunSummary.FILE_NAME))) {
            log.warn("{}: {} has no {} at test end, so no {} was written.", name, directory, RunSummary.FILE_NAME,
                    ComparisonReport.WORKBOOK_NAME);
            return null;
        }
        try {
            Path workbook = ComparisonReport.writeWorkbook(directory);
            log.info("{}: wrote {}", name, workbook);
            return workbook;
        } catch (ReportInputException e) {
            log.error("{}: {}", name, e.getMessage());
            return null;
        }
    }

    /** Listed among JMeter's listeners (a TestBean gets that menu as a Visualizer); it draws no samples. */
    @Override
    public void add(SampleResult sample) {
        // samples are not needed: the workbook is built from summary.json
    }

    @Override
    public boolean isStats() {
        return false;
    }

    /** The GUI's help link (a field of its own kind): nothing to set or save. */
    public String getHelp() {
        return "";
    }

    public void setHelp(String ignored) {
        // the link only opens the element's help
    }
}
