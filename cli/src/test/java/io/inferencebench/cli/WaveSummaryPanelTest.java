package io.inferencebench.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.awt.Component;
import java.awt.Container;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

import javax.swing.JTextArea;

import org.apache.jmeter.testbeans.gui.TestBeanGUI;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

import io.inferencebench.gui.WaveResultsText;
import io.inferencebench.simulator.EndpointSimulator;
import io.inferencebench.simulator.SimulatorOptions;
import io.inferencebench.testsupport.CapturedConsole;
import io.inferencebench.wave.LastWave;
import io.inferencebench.wave.WaveSummaryListener;

/** After a real wave, the Wave Summary's own panel in JMeter's GUI holds its RESULTS block and verdict. */
class WaveSummaryPanelTest {
    @TempDir
    Path tmp;

    @RegisterExtension
    CapturedConsole console = new CapturedConsole();

    @Test
    void theWaveSummaryPanelShowsTheResultsBlockAndTheVerdictOfTheRunThatEnded() throws Exception {
        try (EndpointSimulator sim = EndpointSimulator.start(SimulatorOptions.parse("latency=5ms").withPort(0))) {
            assertThat(Benchmark.execute("--url", sim.baseUrl() + "/invocations", "--client-rps", "20",
                    "--num-requests", "20", "--results-dir", tmp.toString(), "--no-warmup")).isZero();
        }
        LastWave.Result last = LastWave.get();
        assertThat(last).isNotNull();
        assertThat(last.outcome().fired()).isEqualTo(20);
        assertThat(last.onRemoteEngines()).isFalse();

        // the panel as JMeter's TestBean GUI builds it for a Wave Summary
        TestBeanGUI gui = new TestBeanGUI(WaveSummaryListener.class);
        gui.configure(gui.createTestElement());
        List<JTextArea> areas = new ArrayList<>();
        collect(gui, areas);
        assertThat(areas).hasSize(1);
        JTextArea panel = areas.get(0);
        // the panel refreshes on screen; headless, its first text is the state before any run
        assertThat(panel.getText()).isIn(WaveResultsText.of(null), WaveResultsText.of(last));
        String shown = WaveResultsText.of(last);
        assertThat(shown).contains("RESULTS", "Total requests fired: 20", "Success rate:");
        assertThat(shown).containsAnyOf("No client bottleneck", "CLIENT BOTTLENECK detected");
        assertThat(panel.isEditable()).isFalse();
    }

    private static void collect(Container c, List<JTextArea> into) {
        for (Component child : c.getComponents()) {
            if (child instanceof JTextArea area && area.getText().contains("wave")) {
                into.add(area);
            }
            if (child instanceof Container inner) {
                collect(inner, into);
            }
        }
    }
}
