package io.inferencebench.bench;

import java.io.IOException;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.time.LocalDateTime;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

import org.apache.jmeter.util.JMeterUtils;

import io.inferencebench.cli.JMeterHome;

/**
 * The pacing benchmark ({@code bench/pacing/run}): our Constant RPS Timer and JMeter's alternatives
 * against the endpoint simulator, at several rates and through a server stall, in one invocation;
 * prints a Markdown report and writes it to {@code --out}.
 */
public final class PacingBenchmark {
    /** Exit code for options the user has to fix. */
    static final int BAD_OPTIONS = 2;

    private final PacingOptions options;

    PacingBenchmark(PacingOptions options) {
        this.options = options;
    }

    public static void main(String[] args) throws Exception {
        System.setProperty("java.awt.headless", "true");
        PacingOptions options;
        try {
            options = PacingOptions.parse(args);
        } catch (PacingOptions.BadOptionException e) {
            System.err.println(e.getMessage());
            System.exit(BAD_OPTIONS);
            return;
        }
        if (options.help()) {
            System.out.println(PacingOptions.USAGE);
            return;
        }
        String report = new PacingBenchmark(options).run();
        System.out.println(report);
        if (options.out() != null) {
            Files.createDirectories(options.out().toAbsolutePath().getParent());
            Files.writeString(options.out(), report, StandardCharsets.UTF_8);
            System.err.println("Report written to " + options.out());
        }
        System.exit(0); // JMeter leaves non-daemon pool threads behind
    }

    String run() throws Exception {
        prepareJMeter();
        String loadBefore = loadAverage();
        LocalDateTime started = LocalDateTime.now();
        Path logDir = options.logDir();
        List<PacingRun> rateRuns = new ArrayList<>();
        try (SimulatorProcess sim = SimulatorProcess.start(options.latency(), null, logDir.resolve("simulator.log"))) {
            URI url = URI.create(sim.baseUrl() + "/invocations");
            progress("Endpoint simulator: " + sim.baseUrl() + " (latency " + options.latency() + ", own process)");
            if (options.plain()) {
                // The rows' JVMs are cold by design, the endpoint's is not: a simulator JVM that has served nothing
                // answers its first seconds slowly and takes the shared cores for its JIT compiler (the first row
                // read latencies of 200-1,000 ms for 7 s), which would be charged to whichever row came first.
                // At the run's own rates (up to 2,000/s, what one JMeter JVM here sends evenly): its connection
                // handling at 2,000/s is code a 500/s warm-up leaves cold.
                double rate = Math.max(options.warmUpRate(),
                        Math.min(2_000, options.rates().stream().mapToDouble(Double::doubleValue).max().orElse(0)));
                progress("warm-up: the simulator, at " + Mechanism.decimal(rate) + "/s for "
                        + options.warmUpSeconds() + " s (from this JVM, not the rows')");
                PacingRun.execute(Mechanism.PRECISE, new Mechanism.Load(url, rate, options.warmUpSeconds()), false);
            }
            for (Mechanism m : options.plain() ? List.<Mechanism>of() : options.mechanisms()) {
                if (!m.jmeter()) {
                    continue; // a cold JVM of its own per row: nothing to warm up here
                }
                progress("warm-up: " + m.label + " at " + Mechanism.decimal(options.warmUpRate()) + "/s for "
                        + options.warmUpSeconds() + " s");
                PacingRun.execute(m, new Mechanism.Load(url, options.warmUpRate(), options.warmUpSeconds()), false);
            }
            int total = options.rates().size() * options.mechanisms().size() * options.repeat();
            int i = 0;
            for (int k = 0; k < options.rates().size(); k++) {
                double rate = options.rates().get(k);
                for (int round = 0; round < options.repeat(); round++) {
                    // The first row after a rate change pays for the JIT's work on that rate's paths (embedded: our row
                    // read 343 ms per 1,000 requests at 500/s against PTT's 177 when it ran first, 304 against 301 when
                    // PTT did), so the order rotates: the k-th rate starts with the k-th mechanism, and each round
                    // of a repeated rate with the next one.
                    List<Mechanism> order = new ArrayList<>(options.mechanisms());
                    java.util.Collections.rotate(order, -(k + round));
                    for (Mechanism m : order) {
                        progress(String.format(Locale.ROOT, "[%d/%d] %s at %s/s for %d s", ++i, total, m.label,
                                Mechanism.decimal(rate), options.seconds()));
                        PacingRun r = execute(m, new Mechanism.Load(url, rate, options.seconds()), false);
                        progress(String.format(Locale.ROOT, "      achieved %.2f%%, CPU %.0f ms per 1,000 requests%s",
                                r.statistics().achievedRatio() * 100, r.cpuMsPerThousand(),
                                r.note() == null ? "" : " (" + r.note() + ")"));
                        rateRuns.add(r);
                        Thread.sleep(500);
                    }
                }
            }
        }
        List<StallRun> stallRuns = new ArrayList<>();
        if (options.stall() != null) {
            for (Mechanism m : options.mechanisms()) {
                if (!m.jmeter()) {
                    // the stall is timed from the simulator's start, and a cold Gatling JVM takes 3 to 6 s to send
                    // its first request: the stall would be over, or half over, before the run began
                    progress("stall: " + m.label + " skipped (its JVM's start-up would swallow the stall)");
                    continue;
                }
                progress(String.format(Locale.ROOT, "stall: %s at %s/s for %d s, simulator --stall %s", m.label,
                        Mechanism.decimal(options.stallRate()), options.stallWaveSeconds(), options.stall()));
                stallRuns.add(stallRun(m));
            }
        }
        // the report lists each rate's rows in the order the options name the mechanisms, whatever order they ran in
        rateRuns.sort(java.util.Comparator.comparingInt((PacingRun r) -> options.rates().indexOf(r.load().rate()))
                .thenComparingInt(r -> options.mechanisms().indexOf(r.mechanism())));
        String loadAfter = loadAverage();
        return new PacingReportWriter(options, started, loadBefore, loadAfter).render(rateRuns, stallRuns);
    }

    /** One run, in this JVM or (plain mode) in a cold {@code jmeter -n}. */
    private PacingRun execute(Mechanism m, Mechanism.Load load, boolean readIntended) throws Exception {
        if (m == Mechanism.GATLING) {
            // in both modes, like the plain rows: Gatling's own launcher in a cold JVM
            return GatlingRun.execute(options.logDir().resolve("gatling"), load);
        }
        if (!options.plain()) {
            return PacingRun.execute(m, load, readIntended);
        }
        if (plainHome == null) {
            Path root = options.logDir().resolve("plain-jmeter-" + System.currentTimeMillis());
            plainHome = PlainRun.assembleHome(Files.createDirectories(root.resolve("home")), pluginJars());
            plainWork = Files.createDirectories(root.resolve("runs"));
            progress("JMeter home for the plain runs: " + plainHome);
        }
        return PlainRun.execute(plainHome, plainWork, m, load, readIntended);
    }

    /** The plugin jars {@code benchmark install} takes: the cli module's build output beside this work tree. */
    private static Path pluginJars() {
        Path jars = Path.of(System.getProperty("ib.plugin.jars", "cli/target/jmeter-lib-ext"));
        if (!Files.isDirectory(jars)) {
            throw new IllegalStateException("No plugin jars in " + jars + ": build the cli module first");
        }
        return jars;
    }

    private Path plainHome;
    private Path plainWork;

    private StallRun stallRun(Mechanism m) throws Exception {
        try (SimulatorProcess sim = SimulatorProcess.start(options.latency(), options.stall(),
                options.logDir().resolve("simulator-stall.log"))) {
            long[] simStart = sim.startedNanos();
            URI url = URI.create(sim.baseUrl() + "/invocations");
            PacingRun run = execute(m, new Mechanism.Load(url, options.stallRate(), options.stallWaveSeconds()), true);
            long from = simStart[0] + options.stallAtNanos();
            long until = from + options.stallForNanos();
            StallRun s = new StallRun(run, from, until, simStart[1], simStart[2] - simStart[0]);
            progress(String.format(Locale.ROOT, "      started %d of %d due in the stall", s.startedInStall(), s.due()));
            return s;
        }
    }

    /**
     * Points JMeter at its home (as the benchmark command does) and adds the Throughput Shaping Timer's
     * jar to the places JMeter scans for functions, so {@code __tstFeedback} resolves.
     */
    static void prepareJMeter() {
        JMeterHome.initialise();
        // the "own record" column: the pacer's own lateness histogram, which waves do without
        JMeterUtils.setProperty(io.inferencebench.pacing.Pacer.LATENESS_PROPERTY, "true");
        String tst = jarOf(kg.apc.jmeter.timers.functions.TSTFeedback.class);
        String paths = JMeterUtils.getPropDefault("search_paths", "");
        if (!paths.contains(tst)) {
            JMeterUtils.setProperty("search_paths", paths.isEmpty() ? tst : paths + ";" + tst);
        }
    }

    private static String jarOf(Class<?> type) {
        try {
            return Paths.get(type.getProtectionDomain().getCodeSource().getLocation().toURI()).toString();
        } catch (java.net.URISyntaxException e) {
            throw new IllegalStateException(e);
        }
    }

    static String loadAverage() {
        try {
            String[] f = Files.readString(Path.of("/proc/loadavg")).trim().split("\\s+");
            return f[0] + ", " + f[1] + ", " + f[2];
        } catch (IOException | RuntimeException e) {
            double l = java.lang.management.ManagementFactory.getOperatingSystemMXBean().getSystemLoadAverage();
            return l < 0 ? "unknown" : String.format(Locale.ROOT, "%.2f", l);
        }
    }

    private static void progress(String line) {
        System.err.println(DateTimeFormatter.ofPattern("HH:mm:ss").format(LocalDateTime.now()) + " " + line);
    }
}
