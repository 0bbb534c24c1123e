package io.inferencebench.pacing;

import java.util.Arrays;
import java.util.List;

/**
 * How many remote engines a {@code jmeter -R h1,h2} (or {@code -r}) controller starts, read from its own
 * command line: JMeter keeps the -R list to itself, and an engine cannot know how many others share the
 * rate. Without it a plain {@code jmeter -R} run would send the target rate from every engine.
 */
final class EngineCount {
    private EngineCount() {
    }

    /**
     * The engine count of a controller whose JVM command is {@code command} ({@code sun.java.command}), given
     * JMeter's {@code remote_hosts} property for {@code -r}; 0 when the command starts no remote engines.
     */
    static int ofController(String command, String remoteHosts) {
        if (command == null || command.isBlank()) {
            return 0;
        }
        List<String> args = Arrays.asList(command.trim().split("\\s+"));
        for (int i = 0; i < args.size(); i++) {
            String a = args.get(i);
            if ((a.equals("-R") || a.equals("--remotestart")) && i + 1 < args.size()) {
                return hosts(args.get(i + 1));
            }
            if (a.startsWith("-R") && a.length() > 2) {
                return hosts(a.substring(2));
            }
            if (a.startsWith("--remotestart=")) {
                return hosts(a.substring("--remotestart=".length()));
            }
            if (a.equals("-r") || a.equals("--runremote")) {
                return hosts(remoteHosts == null ? "127.0.0.1" : remoteHosts);
            }
        }
        return 0;
    }

    private static int hosts(String list) {
        return (int) Arrays.stream(list.split(",")).filter(h -> !h.isBlank()).count();
    }
}
