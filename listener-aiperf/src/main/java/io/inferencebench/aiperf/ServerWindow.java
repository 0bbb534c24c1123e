package io.inferencebench.aiperf;

import java.io.PrintStream;
import java.time.Instant;

import io.inferencebench.outcome.ServerMetricsReport;

/** The endpoint's server metrics for aiperf's window, as the wave's {@code --endpoint-config} reads them. */
@FunctionalInterface
public interface ServerWindow {
    /** Begins recording (a Prometheus scrape must watch the window; CloudWatch asks afterwards). */
    Recording start();

    interface Recording extends AutoCloseable {
        ServerMetricsReport finish(Instant start, Instant end, PrintStream console);

        @Override
        default void close() {
        }
    }
}
