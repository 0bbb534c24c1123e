package io.inferencebench.metrics;

import java.io.File;
import java.io.IOException;
import java.net.ServerSocket;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.jar.JarFile;
import java.util.jar.Manifest;

/**
 * A real JMeter remote engine ({@code jmeter-server}, i.e. {@code NewDriver -s}) in its own JVM on a
 * free loopback port, with this JVM's classpath and the tests' JMeter home.
 */
final class JMeterServer implements AutoCloseable {

    private final Process process;
    private final int port;
    private final Path log;

    private JMeterServer(Process process, int port, Path log) {
        this.process = process;
        this.port = port;
        this.log = log;
    }

    static JMeterServer start(Path jmeterHome, Path workDir) throws IOException, InterruptedException {
        int port;
        try (ServerSocket socket = new ServerSocket(0, 1, java.net.InetAddress.getLoopbackAddress())) {
            port = socket.getLocalPort();
        }
        Path log = workDir.resolve("jmeter-server-" + port + ".log");
        List<String> command = List.of(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "-Xmx256m", "-XX:TieredStopAtLevel=1",
                "-Djava.rmi.server.hostname=127.0.0.1", "-Djmeter.home=" + jmeterHome,
                "-cp", classpath(), "org.apache.jmeter.NewDriver",
                "-s", "-d", jmeterHome.toString(), "-j", log.toString(),
                "-Jserver_port=" + port, "-Jserver.rmi.ssl.disable=true", "-Jserver.exitaftertest=false");
        Process process = new ProcessBuilder(command).directory(workDir.toFile()).redirectErrorStream(true)
                .redirectOutput(workDir.resolve("jmeter-server-" + port + ".out").toFile()).start();
        JMeterServer server = new JMeterServer(process, port, log);
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
        while (System.nanoTime() < deadline) {
            if (!process.isAlive()) {
                throw new IllegalStateException("jmeter-server exited: " + Files.readString(workDir.resolve("jmeter-server-" + port + ".out")));
            }
            if (Files.exists(log) && Files.readString(log).contains("Bound to RMI registry on port " + port)) {
                return server;
            }
            Thread.sleep(100);
        }
        server.close();
        throw new IllegalStateException("jmeter-server did not bind port " + port + " within 60 s");
    }

    /** {@code 127.0.0.1:port}, as given to {@code -R}. */
    String address() {
        return "127.0.0.1:" + port;
    }

    String log() throws IOException {
        return Files.readString(log);
    }

    /** This JVM's classpath as separate entries (surefire may hide it behind a manifest-only jar). */
    private static String classpath() throws IOException {
        String classpath = System.getProperty("java.class.path");
        if (classpath.contains(File.pathSeparator)) {
            return classpath;
        }
        List<String> entries = new ArrayList<>();
        try (JarFile booter = new JarFile(classpath)) {
            Manifest manifest = booter.getManifest();
            String classPath = manifest == null ? null : manifest.getMainAttributes().getValue("Class-Path");
            if (classPath == null) {
                return classpath;
            }
            for (String url : classPath.trim().split("\\s+")) {
                entries.add(Path.of(URI.create(url)).toString());
            }
        }
        return String.join(File.pathSeparator, entries);
    }

    @Override
    public void close() throws InterruptedException {
        process.destroy();
        if (!process.waitFor(10, TimeUnit.SECONDS)) {
            process.destroyForcibly().waitFor();
        }
    }
}
