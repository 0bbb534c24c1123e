package io.inferencebench.cli;

import io.inferencebench.outcome.LostEngines;
import io.inferencebench.pacing.PacingReport;
import io.inferencebench.wave.WaveStatistics;

/**
 * What an engine saw of a wave.
 *
 * @param pacing what this JVM's pacers did, or {@code null} when they ran on remote engines
 * @param lost   remote engines lost during the wave, or {@code null} when none was
 */
public record WaveRun(WaveStatistics statistics, PacingReport pacing, LostEngines lost) {
    public WaveRun(WaveStatistics statistics, PacingReport pacing) {
        this(statistics, pacing, null);
    }
}
