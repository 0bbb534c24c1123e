package io.inferencebench.cli.launch;

import java.util.ArrayList;
import java.util.List;

/**
 * The JVM options of a JMeter child process (GUI, remote engine): the user's {@code JVM_ARGS}, after the
 * defaults the {@code ./benchmark} launcher gives its own JVM, each default left out when the user's options
 * set the same thing.
 *
 * <p>The pause goal matters most on a remote engine holding thousands of streams: every request in flight
 * during a pause is timed as slower by the pause, and G1's own goal is 200 ms. At 10,000 open streams its
 * young collections copied their state for 100-300 ms each, and each pause showed in the TTFT tail; with
 * a 20 ms goal they took 30-60 ms (docs/pacing.md, "Virtual threads").
 */
final class JvmOptions {
    static final String HEAP = "-Xms1g";
    static final String COLLECTOR = "-XX:+UseG1GC";
    static final String PAUSE_GOAL = "-XX:MaxGCPauseMillis=20";

    private JvmOptions() {
    }

    /** The options for a child JVM, given the user's {@code JVM_ARGS} ({@code null} or blank: none). */
    static List<String> withDefaults(String jvmArgs) {
        List<String> user = jvmArgs == null || jvmArgs.isBlank() ? List.of() : List.of(jvmArgs.trim().split("\\s+"));
        boolean heap = user.stream().anyMatch(o -> o.startsWith("-Xms") || o.startsWith("-Xmx"));
        boolean collector = user.stream().anyMatch(o -> o.startsWith("-XX:+Use") && o.endsWith("GC"));
        boolean pauseGoal = user.stream().anyMatch(o -> o.startsWith("-XX:MaxGCPauseMillis="));
        List<String> options = new ArrayList<>();
        if (!heap) {
            options.add(HEAP);
        }
        if (!collector) {
            options.add(COLLECTOR);
            if (!pauseGoal) {
                options.add(PAUSE_GOAL);
            }
        }
        options.addAll(user);
        return options;
    }
}
