package io.inferencebench.bench;

import java.io.BufferedOutputStream;
import java.io.DataOutputStream;
import java.io.File;
import java.io.IOException;
import java.io.OutputStream;
import java.lang.management.ManagementFactory;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * The pacing benchmark's Gatling row: Gatling 3.11.5 running {@link GatlingPacingSimulation} in a cold JVM of
 * its own, as the plain-JMeter rows run {@code jmeter -n}. The child writes what it recorded in the
 * {@link StartRecorder}'s format, so the benchmark reads both alike ({@link PlainRun#read}).
 */
final class GatlingRun {
    /**
     * The JVM options Gatling's 3.x bundle launcher starts simulations with ({@code GATLING_JVM_ARGS}, less
     * {@code -XX:-UseBiasedLocking}, which Java 17 no longer has); on Java 17 G1 is the default anyway.
     */
    static final List<String> GATLING_JVM = List.of("-server", "-Xmx1G", "-XX:+UseG1GC", "-XX:+ParallelRefProcEnabled",
            "-XX:+HeapDumpOnOutOfMemoryError", "-XX:MaxInlineLevel=20", "-XX:MaxTrivialSize=12");

    private GatlingRun() {
    }

    static PacingRun execute(Path work, Mechanism.Load load) throws IOException, InterruptedException {
        Files.createDirectories(work);
        String name = String.format(Locale.ROOT, "gatling-%s-%d", Mechanism.decimal(load.rate()), System.nanoTime());
        Path dump = work.resolve(name + ".bin");
        int capacity = PlainRun.recorderCapacity(load);
        String java = ProcessHandle.current().info().command().orElse("java");
        List<String> cmd = new ArrayList<>();
        cmd.add(java);
        cmd.addAll(GATLING_JVM);
        cmd.addAll(List.of(
                "-D" + GatlingPacingSimulation.URL + "=" + load.url(),
                "-D" + GatlingPacingSimulation.RATE + "=" + Mechanism.decimal(load.rate()),
                "-D" + GatlingPacingSimulation.SECONDS + "=" + load.seconds(),
                "-D" + GatlingPacingSimulation.CAPACITY + "=" + capacity,
                // no usage report to gatling.io from a benchmark
                "-Dgatling.data.enableAnalytics=false",
                "-cp", classPath(), GatlingRun.class.getName(), dump.toString(), work.resolve(name).toString()));
        String note = PlainRun.runChild(cmd, work, name, load.seconds(), "gatling");
        if (!Files.exists(dump)) {
            throw new IOException("Gatling left no recording (" + (note == null ? "see " + work.resolve(name + ".out") : note) + ")");
        }
        return PlainRun.read(dump, Mechanism.GATLING, load, note);
    }

    /**
     * This JVM's class path, and Gatling's jars: bench/pacing/run keeps them in {@code target/gatling-lib}, off
     * the class path the plain-JMeter mode copies into its JMeter home; a test's class path already has them.
     */
    private static String classPath() {
        String own = System.getProperty("java.class.path");
        try {
            Class.forName("io.gatling.app.Gatling", false, GatlingRun.class.getClassLoader());
            return own;
        } catch (ClassNotFoundException e) {
            Path code = Path.of(GatlingRun.class.getProtectionDomain().getCodeSource().getLocation().getPath());
            Path lib = code.getParent().resolve("gatling-lib");
            if (!Files.isDirectory(lib)) {
                throw new IllegalStateException("No Gatling jars in " + lib + ": build the bench module (./mvnw -pl bench -am package)");
            }
            return lib + File.separator + "*" + File.pathSeparator + own;
        }
    }

    static long processCpuNanos() {
        return ((com.sun.management.OperatingSystemMXBean) ManagementFactory.getOperatingSystemMXBean()).getProcessCpuTime();
    }

    /** The child JVM: runs the simulation, then writes the recording to {@code args[0]}. Gatling's results go to {@code args[1]}. */
    public static void main(String[] args) throws IOException {
        int rc = io.gatling.app.Gatling$.MODULE$.fromArgs(new String[] {
                "--simulation", GatlingPacingSimulation.class.getName(), "--results-folder", args[1], "--no-reports"});
        int n = Math.min(GatlingPacingSimulation.NEXT.get(), GatlingPacingSimulation.starts.length);
        try (OutputStream file = Files.newOutputStream(Path.of(args[0]));
             DataOutputStream out = new DataOutputStream(new BufferedOutputStream(file))) {
            out.writeInt(GatlingPacingSimulation.NEXT.get());
            out.writeLong(GatlingPacingSimulation.OK.sum());
            out.writeLong(GatlingPacingSimulation.cpu);
            out.writeLong(GatlingPacingSimulation.jit);
            out.writeUTF("JVM peak " + ManagementFactory.getThreadMXBean().getPeakThreadCount());
            out.writeInt(n);
            for (int i = 0; i < n; i++) {
                out.writeLong(GatlingPacingSimulation.starts[i]);
                out.writeLong(GatlingPacingSimulation.ends[i]);
                out.writeLong(-1);
            }
            out.writeInt(0); // no lateness record of its own
        }
        System.exit(rc);
    }
}
