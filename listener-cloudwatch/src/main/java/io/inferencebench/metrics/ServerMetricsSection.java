package io.inferencebench.metrics;

import java.io.PrintStream;
import java.nio.file.Path;
import java.time.Instant;

import io.inferencebench.outcome.ServerMetricsReport;
import io.inferencebench.outcome.WarmUp;
import io.inferencebench.outcome.WaveOutcome;
import io.inferencebench.wave.WaveSection;

/**
 * The {@code server_metrics} section: the endpoint's own metrics (CloudWatch, Prometheus) for the exact
 * wave window. Scraping starts before the first request; fetching waits, after {@code summary.json} is
 * safe, only as long as lag and period require. A failure costs this section, never the wave.
 */
public record ServerMetricsSection(EndpointConfig config, AwsOptions aws) implements WaveSection {

    @Override
    public Watch start(Path runDirectory) {
        ServerMetrics metrics = ServerMetrics.start(config, aws);
        return new Watch() {
            @Override
            public WaveOutcome settled(WaveOutcome outcome, PrintStream console) {
                // a warm-up is inside the window: its scrapes then fall before the first request, not amid them
                WarmUp warmUp = outcome.section(WarmUp.SECTION);
                long start = warmUp == null ? outcome.waveStartEpochMs()
                        : Math.min(warmUp.startEpochMs(), outcome.waveStartEpochMs());
                ServerMetricsReport report = metrics.finish(Instant.ofEpochMilli(start),
                        Instant.ofEpochMilli(outcome.waveEndEpochMs()), console);
                report.writeTo(runDirectory);
                return outcome.withSection(ServerMetricsReport.SECTION, report);
            }

            @Override
            public void close() {
                metrics.close();
            }
        };
    }
}
