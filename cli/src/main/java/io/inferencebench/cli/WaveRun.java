package io.inferencebench.cli;

import io.inferencebench.pacing.PacingReport;
import io.inferencebench.wave.WaveStatistics;

/**
 * What an engine saw of a wave.
 *
 * @param pacing what this JVM's pacers did, or {@code null} when they ran on remote engines
 */
public record WaveRun(WaveStatistics statistics, PacingReport pacing) {
}
