package io.inferencebench.gui;

import java.time.ZoneId;
import java.time.format.DateTimeFormatter;

import io.inferencebench.diagnostics.ClientBottleneck;
import io.inferencebench.outcome.WaveOutcome;
import io.inferencebench.wave.LastWave;
import io.inferencebench.wave.ResultsBlock;

/** What the Wave Summary's panel shows: the RESULTS block and the client-bottleneck verdict of the last wave. */
public final class WaveResultsText {
    static final String BEFORE_FIRST_RUN = "No wave has ended in this JMeter yet: run the plan, and the RESULTS block "
            + "and the client-bottleneck verdict appear here.";
    private static final DateTimeFormatter TIME = DateTimeFormatter.ofPattern("HH:mm:ss").withZone(ZoneId.systemDefault());

    private WaveResultsText() {
    }

    public static String of(LastWave.Result last) {
        if (last == null) {
            return BEFORE_FIRST_RUN;
        }
        WaveOutcome.Verdict verdict = last.outcome().clientBottleneck(); // judged as the wave ended
        String name = last.summaryName() == null || last.summaryName().isBlank() ? "Wave Summary" : last.summaryName();
        return "'" + name + "', ended at " + TIME.format(last.endedAt())
                + (last.onRemoteEngines() ? " (remote engines)" : "") + "\n\n"
                + ResultsBlock.render(last.outcome()) + "\n\n"
                + (verdict.detected() ? ClientBottleneck.render(verdict) : "No client bottleneck: the client kept the schedule.");
    }
}
