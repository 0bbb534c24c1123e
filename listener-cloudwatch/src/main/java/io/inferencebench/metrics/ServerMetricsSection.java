package io.inferencebench.metrics;

import java.io.PrintStream;
import java.nio.file.Path;
import java.time.Instant;

import io.inferencebench.outcome.ServerMetricsReport;
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
                ServerMetricsReport report = metrics.finish(Instant.ofEpochMilli(outcome.waveStartEpochMs()),
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
