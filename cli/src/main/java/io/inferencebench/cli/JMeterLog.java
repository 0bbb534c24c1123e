package io.inferencebench.cli;

import java.nio.file.Path;

/** Sends JMeter's own log of a wave to {@code jmeter.log} in its run directory. */
final class JMeterLog {
    private JMeterLog() {
    }

    static void to(Path runDirectory) {
        System.setProperty("ib.jmeter.log", runDirectory.resolve("jmeter.log").toString());
        ((org.apache.logging.log4j.core.LoggerContext) org.apache.logging.log4j.LogManager.getContext(false)).reconfigure();
    }
}
