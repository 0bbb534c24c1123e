package io.inferencebench.report;

import org.apache.jmeter.config.Arguments;
import org.apache.jmeter.control.LoopController;
import org.apache.jmeter.engine.StandardJMeterEngine;
import org.apache.jmeter.gui.util.MenuFactory;
import org.apache.jmeter.testbeans.gui.TestBeanGUI;
import org.apache.jmeter.testelement.TestElement;
import org.apache.jmeter.testelement.TestPlan;
import org.apache.jmeter.threads.ThreadGroup;
import org.apache.jorphan.collections.ListedHashTree;
import org.apache.logging.log4j.Level;
import org.apache.logging.log4j.LogManager;
import org.apache.logging.log4j.core.LogEvent;
import org.apache.logging.log4j.core.Logger;
import org.apache.logging.log4j.core.appender.AbstractAppender;
import org.apache.logging.log4j.core.config.Configurator;
import org.apache.logging.log4j.core.config.Property;
import org.apache.poi.xssf.usermodel.XSSFWorkbook;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.beans.BeanInfo;
import java.beans.Introspector;
import java.beans.PropertyDescriptor;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;

import static org.assertj.core.api.Assertions.assertThat;

import io.inferencebench.testsupport.EmbeddedJMeterHome;

/** The listener in a real JMeter engine, configured the way a saved test plan configures it. */
class ExcelSummaryListenerTest {
    @TempDir
    Path temp;

    private final List<String> logLines = new CopyOnWriteArrayList<>();
    private final AbstractAppender capture = new AbstractAppender("capture", null, null, true, Property.EMPTY_ARRAY) {
        @Override
        public void append(LogEvent event) {
            if (event.getLevel().isMoreSpecificThan(Level.WARN)) {
                logLines.add(event.getMessage().getFormattedMessage());
            }
        }
    };

    @BeforeAll
    static void jmeter() {
        EmbeddedJMeterHome.initialise();
    }

    @BeforeEach
    void captureLog() {
        // log4j's default configuration drops everything below ERROR; JMeter's own log4j2.xml keeps INFO
        Configurator.setLevel(ExcelSummaryListener.class.getName(), Level.INFO);
        capture.start();
        ((Logger) LogManager.getLogger(ExcelSummaryListener.class)).addAppender(capture);
    }

    @AfterEach
    void stopCapture() {
        ((Logger) LogManager.getLogger(ExcelSummaryListener.class)).removeAppender(capture);
        capture.stop();
    }

    /** Runs a one-thread plan holding the listener, as {@code jmeter -n -t plan.jmx} would. */
    private static void runPlanWith(ExcelSummaryListener listener) {
        runPlanWith(listener, Map.of());
    }

    private static void runPlanWith(ExcelSummaryListener listener, Map<String, String> planVariables) {
        LoopController loop = new LoopController();
        loop.setLoops(1);
        loop.setFirst(true);
        loop.initialize();
        ThreadGroup threads = new ThreadGroup();
        threads.setName("wave");
        threads.setNumThreads(1);
        threads.setRampUp(0);
        threads.setSamplerController(loop);

        ListedHashTree plan = new ListedHashTree();
        TestPlan testPlan = new TestPlan("excel summary");
        Arguments variables = new Arguments();
        planVariables.forEach(variables::addArgument);
        testPlan.setUserDefinedVariables(variables);
        plan.add(testPlan);
        plan.add(testPlan, listener);
        plan.get(testPlan).add(threads, loop);

        StandardJMeterEngine engine = new StandardJMeterEngine();
        engine.configure(plan);
        engine.run(); // returns when every thread and listener has ended
    }

    private static ExcelSummaryListener listenerFor(String runDirectory) {
        ExcelSummaryListener listener = new ExcelSummaryListener();
        listener.setName("Excel Summary");
        listener.setProperty("runDirectory", runDirectory); // as a .jmx stores it; the engine hands it to the bean
        listener.setProperty(TestElement.TEST_CLASS, ExcelSummaryListener.class.getName());
        return listener;
    }

    @Test
    void writesTheRunsWorkbookAtTestEnd() throws Exception {
        Path run = RunFixtures.copy(temp, RunFixtures.G5_XLARGE).get(0);

        runPlanWith(listenerFor(run.toString()));

        Path workbook = run.resolve(ComparisonReport.WORKBOOK_NAME);
        assertThat(workbook).isRegularFile();
        try (XSSFWorkbook excel = new XSSFWorkbook(workbook.toFile())) {
            assertThat(excel.getSheet("Summary").getLastRowNum()).isEqualTo(1);
            assertThat(excel.getSheet("Summary").getRow(1).getCell(0).getStringCellValue()).isEqualTo(RunFixtures.G5_XLARGE);
            assertThat(excel.getSheet("Charts").getDrawingPatriarch().getShapes()).isNotEmpty();
        }
        assertThat(logLines).isEmpty();
    }

    @Test
    void theRunDirectoryMayComeFromAVariableOfThePlan() {
        Path run = RunFixtures.copy(temp, RunFixtures.G5_2XLARGE).get(0);

        runPlanWith(listenerFor("${run_dir}"), Map.of("run_dir", run.toString()));

        assertThat(run.resolve(ComparisonReport.WORKBOOK_NAME)).isRegularFile();
        assertThat(logLines).isEmpty();
    }

    @Test
    void withoutSummaryAtTestEndItSaysSoInOneLineAndWritesNothing() throws IOException {
        Path run = Files.createDirectories(temp.resolve("20261129_120000_benchmark"));

        runPlanWith(listenerFor(run.toString()));

        assertThat(run).isEmptyDirectory();
        assertThat(logLines).containsExactly("Excel Summary: " + run + " has no summary.json at test end, "
                + "so no benchmark_summary.xlsx was written.");
    }

    @Test
    void aBadSummaryIsLoggedNotThrown() throws IOException {
        Path run = RunFixtures.copy(temp, RunFixtures.FUTURE_SCHEMA).get(0);

        runPlanWith(listenerFor(run.toString()));

        assertThat(run.resolve(ComparisonReport.WORKBOOK_NAME)).doesNotExist();
        assertThat(logLines).singleElement().asString()
                .startsWith("Excel Summary: " + run.resolve("summary.json") + " has schema_version 9");
    }

    @Test
    void anEmptyRunDirectoryIsNamedAsTheSettingToFill() {
        runPlanWith(listenerFor(""));

        assertThat(logLines).containsExactly("Excel Summary: no run directory is set, so no workbook was written; "
                + "set its Run directory to the folder holding summary.json.");
    }

    @Test
    void theGuiShowsItAsExcelSummaryWithARunDirectoryField() throws Exception {
        BeanInfo info = Introspector.getBeanInfo(ExcelSummaryListener.class);

        assertThat(info.getBeanDescriptor().getDisplayName()).isEqualTo("Excel Summary (InferenceBench)");
        PropertyDescriptor runDirectory = List.of(info.getPropertyDescriptors()).stream()
                .filter(p -> p.getName().equals("runDirectory")).findFirst().orElseThrow();
        assertThat(runDirectory.getDisplayName()).isEqualTo("Run directory");
        assertThat(runDirectory.getShortDescription()).contains("summary.json");
        assertThat(new TestBeanGUI(ExcelSummaryListener.class).getMenuCategories()).containsExactly(MenuFactory.LISTENERS);
    }
}
