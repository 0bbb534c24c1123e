package io.inferencebench.testsupport;

import java.io.IOException;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.rmi.registry.LocateRegistry;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;

/**
 * Real JMeter remote engines for tests: {@code jmeter-server} processes started from a JMeter installation
 * ({@link JMeterInstallation}) on free loopback ports, RMI without SSL, each with its own console and log
 * file. The test's own JVM is the controller: {@link EmbeddedJMeterHome} sets its side of RMI.
 */
public final class JMeterServers implements AutoCloseable {
    private static final long START_TIMEOUT_MS = 90_000;

    /** One engine process and the port of its RMI registry. */
    public record Server(Process process, int port, Path dir) {
        /** {@code 127.0.0.1:port}, as {@code -R} and {@code --remote} take it. */
        public String address() {
            return "127.0.0.1:" + port;
        }

        /** What the engine printed: the reason when it did not start. */
        public String console() {
            try {
                return Files.readString(dir.resolve("console.txt"));
            } catch (IOException e) {
                return "(no console: " + e + ")";
            }
        }

        public Path log() {
            return dir.resolve("jmeter-server.log");
        }
    }

    private final List<Server> servers = new ArrayList<>();

    private JMeterServers() {
    }

    /** Starts {@code count} engines from {@code home}, working in folders under {@code work}; waits until each answers. */
    public static JMeterServers start(Path home, Path work, int count) throws Exception {
        JMeterServers all = new JMeterServers();
        try {
            for (int i = 1; i <= count; i++) {
                int port = freePort();
                Path dir = Files.createDirectories(work.resolve("engine-" + i));
                Process p = new ProcessBuilder(javaExecutable(), "-Xms32m", "-Xmx256m",
                        "-Djava.rmi.server.hostname=127.0.0.1", "-jar", home.resolve("bin/ApacheJMeter.jar").toString(),
                        "-s", "-Jserver_port=" + port, "-Jserver.rmi.ssl.disable=true",
                        "-j", dir.resolve("jmeter-server.log").toString())
                        .directory(dir.toFile()).redirectErrorStream(true)
                        .redirectOutput(dir.resolve("console.txt").toFile()).start();
                all.servers.add(new Server(p, port, dir));
            }
            for (Server s : all.servers) {
                awaitRegistry(s);
            }
            return all;
        } catch (Exception | Error e) {
            all.close();
            throw e;
        }
    }

    /**
     * A JMeter home assembled under {@code work}, {@code count} engines started from it on loopback, and this JVM
     * set up as their controller (loopback call-backs, no SSL, as the engines); {@link #close()} undoes the
     * controller's settings.
     */
    public static JMeterServers startWithController(Path work, int count) throws Exception {
        System.setProperty("java.rmi.server.hostname", "127.0.0.1");
        System.setProperty("server.rmi.ssl.disable", "true");
        JMeterServers engines = start(JMeterInstallation.assemble(work.resolve("apache-jmeter-5.6.3")), work, count);
        engines.controllerSettings = true;
        return engines;
    }

    private boolean controllerSettings;

    public List<Server> servers() {
        return servers;
    }

    /** {@code 127.0.0.1:port,...} as {@code --remote} and {@code jmeter -R} take it. */
    public String addresses() {
        return servers.stream().map(Server::address).collect(Collectors.joining(","));
    }

    private static void awaitRegistry(Server s) throws Exception {
        long deadline = System.currentTimeMillis() + START_TIMEOUT_MS;
        Exception last = null;
        while (System.currentTimeMillis() < deadline) {
            if (!s.process().isAlive()) {
                throw new IllegalStateException("jmeter-server on port " + s.port() + " exited: " + s.console());
            }
            try {
                LocateRegistry.getRegistry("127.0.0.1", s.port()).lookup("JMeterEngine");
                return;
            } catch (Exception e) {
                last = e;
                Thread.sleep(250);
            }
        }
        throw new IllegalStateException("jmeter-server on port " + s.port() + " did not answer within "
                + START_TIMEOUT_MS / 1000 + " s (" + last + "): " + s.console());
    }

    public static int freePort() throws IOException {
        try (ServerSocket socket = new ServerSocket(0)) {
            return socket.getLocalPort();
        }
    }

    public static String javaExecutable() {
        return Path.of(System.getProperty("java.home"), "bin", "java").toString();
    }

    /** Ends every engine process this fixture started (and only those), waiting a bounded time. */
    @Override
    public void close() {
        if (controllerSettings) {
            System.clearProperty("server.rmi.ssl.disable");
        }
        for (Server s : servers) {
            s.process().destroy();
        }
        for (Server s : servers) {
            try {
                if (!s.process().waitFor(10, TimeUnit.SECONDS)) {
                    s.process().destroyForcibly().waitFor(10, TimeUnit.SECONDS);
                }
            } catch (InterruptedException e) {
                s.process().destroyForcibly();
                Thread.currentThread().interrupt();
            }
        }
    }
}
