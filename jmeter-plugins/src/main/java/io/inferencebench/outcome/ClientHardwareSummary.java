package io.inferencebench.outcome;

import com.fasterxml.jackson.databind.PropertyNamingStrategies;
import com.fasterxml.jackson.databind.annotation.JsonNaming;

/**
 * The {@code client_hw} section: what the client machine did during the wave. CPU figures are percent
 * of one core (two busy cores = 200%); a figure without samples is {@code null}.
 */
@JsonNaming(PropertyNamingStrategies.SnakeCaseStrategy.class)
public record ClientHardwareSummary(int samples, long intervalMs, int cores, Range processCpuPercent,
                                    Range machineCpuPercent, Range machineMemoryPercent, Range processRssMb,
                                    Range threads, Range openFds, Long maxFds, Long gcCount, Long gcPauseMs) {
    public static final SectionKey<ClientHardwareSummary> SECTION = new SectionKey<>("client_hw", ClientHardwareSummary.class);

    /** Average and maximum over the samples. */
    public record Range(Double avg, Double max) {
        public static final Range NONE = new Range(null, null);
    }
}
