package io.inferencebench.cli.launch;

/**
 * The child JVM's entry point: what JMeter's launcher ({@code ApacheJMeter.jar}'s NewDriver) does before it
 * starts JMeter, less building a class path from a JMeter installation's lib folders, which this command's
 * class path already is.
 */
public final class JMeterMain {
    private JMeterMain() {
    }

    public static void main(String[] args) {
        // the launcher names the log file (-j) before log4j reads its configuration; so must we
        for (int i = 0; i + 1 < args.length; i++) {
            if (args[i].equals("-j")) {
                System.setProperty("jmeter.logfile", args[i + 1]);
            }
        }
        new org.apache.jmeter.JMeter().start(args);
    }
}
