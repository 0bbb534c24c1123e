package io.inferencebench.aiperf;

import java.time.Duration;
import java.util.Map;

/** The server's level now, as its metrics read it: for the automatic baseline pause. */
@FunctionalInterface
public interface ServerLevels {
    /**
     * Each level-like figure of the server metrics (a gauge's last value, a CloudWatch average) over a
     * window of {@code over} starting now, by a name that says where it comes from.
     */
    Map<String, Double> sample(Duration over) throws InterruptedException;
}
