package io.inferencebench.bench;

import java.io.BufferedInputStream;
import java.io.DataInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.ByteBuffer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;

import org.HdrHistogram.Histogram;
import org.apache.jmeter.save.SaveService;
import org.apache.jorphan.collections.HashTree;

import io.inferencebench.cli.install.InstallCommand;
import io.inferencebench.testsupport.JMeterInstallation;
import picocli.CommandLine;

/**
 * One mechanism at one rate in plain JMeter, as CI runs it: the plan saved as a {@code .jmx}, then a cold
 * {@code jmeter -n -t plan.jmx} (a fresh JVM with the stock {@code jmeter} script's heap and GC options, no
 * warm-up) in a JMeter home assembled from the Maven artifacts, with our plugins installed the README's way
 * ({@code benchmark install}: only our plugin jars in {@code lib/ext}) and JMeter Plugins' Throughput Shaping
 * Timer and Concurrency Thread Group beside them. The {@link StartRecorder} in the plan writes what it saw to
 * a file at test end.
 */
final class PlainRun {
    /** The stock {@code bin/jmeter} script's JVM options (JMeter 5.6.3). */
    private static final List<String> JMETER_JVM = List.of("-Xms1g", "-Xmx1g", "-XX:MaxMetaspaceSize=256m",
            "-XX:+UseG1GC", "-XX:MaxGCPauseMillis=100", "-XX:G1ReservePercent=20", "-Djava.awt.headless=true");
    /** Longest a run may take beyond its duration, JVM start and end included. */
    private static final long OVERRUN_SECONDS = 60;

    private PlainRun() {
    }

    /** Assembles the JMeter home in {@code home} and installs our plugins (and JMeter Plugins' two) into it. */
    static Path assembleHome(Path home, Path pluginJars) throws IOException {
        JMeterInstallation.assembleWithoutPlugins(home);
        int rc = new CommandLine(new InstallCommand()).execute("--jmeter-home", home.toString(),
                "--plugin-jars", pluginJars.toString());
        if (rc != 0) {
            throw new IOException("benchmark install into " + home + " failed (exit " + rc + ")");
        }
        Path lib = home.resolve("lib");
        Path ext = home.resolve("lib/ext");
        // what a user adds with JMeter Plugins' manager: the shaping timer, its thread group and their common jar
        try (Stream<Path> jars = Files.list(lib)) {
            for (Path jar : jars.toList()) {
                String name = jar.getFileName().toString();
                if (name.startsWith("jmeter-plugins-tst-") || name.startsWith("jmeter-plugins-casutg-")
                        || name.startsWith("jmeter-plugins-cmn-jmeter-")) {
                    Files.move(jar, ext.resolve(name), StandardCopyOption.REPLACE_EXISTING);
                }
            }
        }
        // the recorder: a plain library (lib/, not lib/ext, so JMeter's scan for functions does not see it)
        Path bench = Path.of(StartRecorder.class.getProtectionDomain().getCodeSource().getLocation().getPath());
        Files.copy(bench, lib.resolve("inferencebench-bench-recorder.jar"), StandardCopyOption.REPLACE_EXISTING);
        return home;
    }

    static PacingRun execute(Path home, Path work, Mechanism mechanism, Mechanism.Load load, boolean readIntended)
            throws IOException, InterruptedException {
        String name = String.format(Locale.ROOT, "%s-%s-%d", mechanism.key, Mechanism.decimal(load.rate()), System.nanoTime());
        Path plan = work.resolve(name + ".jmx");
        Path dump = work.resolve(name + ".bin");
        Path log = work.resolve(name + ".log");
        int capacity = recorderCapacity(load);
        StartRecorder recorder = new StartRecorder(capacity, readIntended && mechanism == Mechanism.OURS);
        recorder.setProperty(StartRecorder.DUMP_TO, dump.toString());
        recorder.setProperty(StartRecorder.MECHANISM, mechanism.key);
        HashTree tree = mechanism.plan(load.asCold(), recorder);
        nameClasses(tree);
        try (OutputStream out = Files.newOutputStream(plan)) {
            SaveService.saveTree(tree, out);
        }
        String java = ProcessHandle.current().info().command().orElse("java");
        List<String> cmd = new ArrayList<>();
        cmd.add(java);
        cmd.addAll(JMETER_JVM);
        // PLAIN_JAVA_OPTS adds options to every row's JMeter JVM (not the benchmark's, not the simulator's)
        String extra = System.getenv().getOrDefault("PLAIN_JAVA_OPTS", "").strip();
        if (!extra.isEmpty()) {
            cmd.addAll(List.of(extra.split("\\s+")));
        }
        cmd.addAll(List.of("-jar", home.resolve("bin/ApacheJMeter.jar").toString(), "-n", "-t", plan.toString(),
                "-j", log.toString(), "-J" + io.inferencebench.pacing.Pacer.LATENESS_PROPERTY + "=true"));
        String note = runChild(cmd, work, name, load.seconds(), "jmeter");
        if (!Files.exists(dump)) {
            throw new IOException("jmeter -n left no recording (" + (note == null ? "see " + log : note) + ")");
        }
        return read(dump, mechanism, load, note);
    }

    /** Room for every start and end of a row's run: half as many again as planned, plus a margin. */
    static int recorderCapacity(Mechanism.Load load) {
        return (int) Math.min(50_000_000L, Math.round(load.rate() * load.seconds() * 1.5) + 10_000);
    }

    /**
     * Runs one row's child JVM ({@code cmd}, its output in {@code name.out}) until it ends, or kills it
     * {@link #OVERRUN_SECONDS} after its {@code seconds}; returns what went wrong for the row's note, or null.
     */
    static String runChild(List<String> cmd, Path work, String name, int seconds, String tool)
            throws IOException, InterruptedException {
        Process p = new ProcessBuilder(cmd).directory(work.toFile()).redirectErrorStream(true)
                .redirectOutput(work.resolve(name + ".out").toFile()).start();
        if (!p.waitFor(seconds + OVERRUN_SECONDS, TimeUnit.SECONDS)) {
            p.destroyForcibly().waitFor();
            return "did not end within " + OVERRUN_SECONDS + " s of its duration: killed";
        }
        return p.exitValue() != 0 ? tool + " exited " + p.exitValue() : null;
    }

    /** JMeter's file format names each element's class and its editor's; the plans are built in code without them. */
    private static void nameClasses(HashTree tree) {
        for (Object key : tree.list()) {
            if (key instanceof org.apache.jmeter.testelement.TestElement e) {
                e.setProperty(org.apache.jmeter.testelement.TestElement.TEST_CLASS, e.getClass().getName());
                if (e.getPropertyAsString(org.apache.jmeter.testelement.TestElement.GUI_CLASS).isEmpty()) {
                    e.setProperty(org.apache.jmeter.testelement.TestElement.GUI_CLASS, guiOf(e));
                }
            }
            nameClasses(tree.getTree(key));
        }
    }

    private static String guiOf(Object element) {
        if (element instanceof org.apache.jmeter.testbeans.TestBean) {
            return "org.apache.jmeter.testbeans.gui.TestBeanGUI";
        }
        return switch (element.getClass().getSimpleName()) {
            case "TestPlan" -> "org.apache.jmeter.control.gui.TestPlanGui";
            case "ThreadGroup" -> "org.apache.jmeter.threads.gui.ThreadGroupGui";
            case "LoopController" -> "org.apache.jmeter.control.gui.LoopControlPanel";
            case "HTTPSamplerProxy" -> "org.apache.jmeter.protocol.http.control.gui.HttpTestSampleGui";
            case "HeaderManager" -> "org.apache.jmeter.protocol.http.gui.HeaderPanel";
            case "VariableThroughputTimer" -> "kg.apc.jmeter.timers.VariableThroughputTimerGui";
            case "ConcurrencyThreadGroup" -> "com.blazemeter.jmeter.threads.concurrency.ConcurrencyThreadGroupGui";
            case "OpenModelThreadGroup" -> "org.apache.jmeter.threads.openmodel.gui.OpenModelThreadGroupGui";
            case "Arguments" -> "org.apache.jmeter.config.gui.ArgumentsPanel";
            // the recorder has no editor: JMeter only reads the name when it runs without its GUI
            default -> "org.apache.jmeter.config.gui.SimpleConfigGui";
        };
    }

    static PacingRun read(Path dump, Mechanism mechanism, Mechanism.Load load, String note) throws IOException {
        try (InputStream file = Files.newInputStream(dump);
             DataInputStream in = new DataInputStream(new BufferedInputStream(file))) {
            int started = in.readInt();
            long successful = in.readLong();
            long cpu = in.readLong();
            long jit = in.readLong();
            String threads = in.readUTF();
            int n = in.readInt();
            long[] starts = new long[n];
            long[] ends = new long[n];
            long[] fromIntended = new long[n];
            boolean anyIntended = false;
            for (int i = 0; i < n; i++) {
                starts[i] = in.readLong();
                ends[i] = in.readLong();
                fromIntended[i] = in.readLong();
                anyIntended |= fromIntended[i] >= 0;
            }
            int histogramBytes = in.readInt();
            Histogram own = null;
            if (histogramBytes > 0) {
                byte[] bytes = in.readNBytes(histogramBytes);
                own = Histogram.decodeFromCompressedByteBuffer(ByteBuffer.wrap(bytes), 0);
            }
            Samples samples = new Samples(starts, ends, anyIntended ? fromIntended : null);
            String pool = threads.isEmpty() ? mechanism.threads(load.rate()) : threads;
            return new PacingRun(mechanism, load, samples, started, successful, cpu, jit, own, pool, note);
        } catch (java.util.zip.DataFormatException e) {
            throw new IOException("unreadable lateness histogram in " + dump, e);
        }
    }
}
