package io.inferencebench.cli.launch;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;

import io.inferencebench.cli.BadInputException;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Unmatched;

/** {@code benchmark server}: a JMeter remote engine with our plugins, for {@code --remote} and {@code jmeter -R}. */
@Command(name = "server", mixinStandardHelpOptions = true, sortOptions = false,
        description = {"Starts a JMeter 5.6.3 remote engine (as jmeter-server) with the InferenceBench plugins, from the "
                + "command's embedded JMeter home: no JMeter installation needed. Controllers reach it with "
                + "'benchmark --remote HOST:PORT' or 'jmeter -R HOST:PORT'.",
                "RMI uses SSL unless -Jserver.rmi.ssl.disable=true is given here and on the controller (see docs/distributed.md). "
                + "Other JMeter options (-J, -D, ...) are passed on. JVM options: the JVM_ARGS environment variable, after the defaults -Xms1g -XX:+UseG1GC -XX:MaxGCPauseMillis=20 (each left out when JVM_ARGS sets its own)."})
public class ServerCommand implements Callable<Integer> {
    @Option(names = "--port", paramLabel = "P", defaultValue = "1099",
            description = "Port of the engine's RMI registry (default: ${DEFAULT-VALUE}, JMeter's).")
    int port;

    @Option(names = "--host", paramLabel = "ADDRESS",
            description = "The address controllers reach this engine at (java.rmi.server.hostname); "
                    + "set it on a machine with several network interfaces.")
    String host;

    @Unmatched
    List<String> jmeterOptions = new ArrayList<>();

    @Override
    public Integer call() throws Exception {
        if (port < 1 || port > 65535) {
            throw new BadInputException("--port " + port + " is not a port: give a number from 1 to 65535.");
        }
        List<String> properties = new ArrayList<>();
        if (host != null) {
            properties.add("-Djava.rmi.server.hostname=" + host);
        }
        List<String> args = new ArrayList<>(List.of("-s", "-Jserver_port=" + port, "-j", "jmeter-server.log"));
        args.addAll(jmeterOptions);
        return JMeterProcess.run(properties, args);
    }
}
