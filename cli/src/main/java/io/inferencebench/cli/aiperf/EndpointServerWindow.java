package io.inferencebench.cli.aiperf;

import java.io.PrintStream;
import java.time.Instant;

import io.inferencebench.aiperf.ServerWindow;
import io.inferencebench.metrics.AwsOptions;
import io.inferencebench.metrics.EndpointConfig;
import io.inferencebench.metrics.ServerMetrics;
import io.inferencebench.outcome.ServerMetricsReport;

/** The wave's {@code --endpoint-config} metrics, read a second time for aiperf's window. */
record EndpointServerWindow(EndpointConfig config, AwsOptions aws) implements ServerWindow {

    @Override
    public Recording start() {
        ServerMetrics metrics = ServerMetrics.start(config, aws);
        return new Recording() {
            @Override
            public ServerMetricsReport finish(Instant start, Instant end, PrintStream console) {
                return metrics.finish(start, end, console);
            }

            @Override
            public void close() {
                metrics.close();
            }
        };
    }
}
