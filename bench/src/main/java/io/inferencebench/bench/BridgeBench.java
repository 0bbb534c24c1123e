package io.inferencebench.bench;

import java.lang.management.ManagementFactory;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.LongAdder;

import io.inferencebench.python.Invocation;
import io.inferencebench.python.PythonOptions;
import io.inferencebench.python.WorkerPool;

/**
 * The bridge benchmark (run it with bench/bridge/run, from the repository's root): the cost of calling a
 * Python invoke from Java through the subprocess runtime, each figure beside the same loop in pure Python.
 */
public final class BridgeBench {
    static final Path HERE = Path.of("bench", "bridge").toAbsolutePath();
    static final Path TRIVIAL = HERE.resolve("trivial.py");
    static final String USAGE = """
            BridgeBench bridge [SECONDS]                 Java -> Python -> Java per call, and invocations/s, beside pure
                                                         Python (bench/bridge/pure_python.py); SECONDS per loop (5)
            BridgeBench http SECONDS W:R,R,.. [W:R,..]   JMeter waves (Constant RPS Timer + Python Factory Sampler) with
                                                         W workers at each rate R against a 50 ms endpoint simulator in
                                                         its own JVM; SECONDS per rate
            BridgeBench command SECONDS W:R,.. [W:R,..]  the same waves through the benchmark command, as a user runs it
            BridgeBench examples SECONDS RATE            every example under factories/ through the benchmark command,
                                                         one worker at RATE: each client library's CPU per request
            Client CPU is this JVM and every process it started (the Python workers) except the simulator. Before
            each wave it waits up to BENCH_QUIET_WAIT s (30) for a load average <= BENCH_QUIET_LOAD (1.5) and
            records the load it started with and the machine's busy cores during the wave.
            Run from the repository's root (it reads bench/bridge/*.py and factories/).""";

    private BridgeBench() {
    }

    public static void main(String[] args) throws Exception {
        switch (args.length == 0 ? "bridge" : args[0]) {
            case "bridge" -> bridge(args.length > 1 ? Double.parseDouble(args[1]) : 5);
            case "http" -> endToEnd(args);
            case "command" -> commandWaves(args);
            case "examples" -> examples(args);
            case "--help", "-h", "help" -> System.out.println(USAGE);
            default -> {
                System.err.println("Unknown mode " + args[0] + "; use one of:\n" + USAGE);
                System.exit(2);
            }
        }
    }

    // ---------------------------------------------------------------- bridge
    /**
     * The machine is shared, so each figure is measured in three rounds, Java and pure Python
     * alternating: latencies report the median round, rates the best round of each side.
     */
    static void bridge(double seconds) throws Exception {
        int calls = 20_000;
        int threads = 64;
        int rounds = 3;
        PythonOptions options = PythonOptions.of(TRIVIAL).withRuntime(PythonOptions.Runtime.SUBPROCESS)
                .withThreadsPerWorker(threads);
        double[][] javaLatency = new double[rounds][];
        double[][] pyLatency = new double[rounds][];
        double javaRate = 0;
        double javaRateOne = 0;
        double javaThreads = 0;
        double pyRate = 0;
        double pyRateOne = 0;
        try (WorkerPool pool = WorkerPool.start(options)) {
            for (int round = 0; round < rounds; round++) {
                long[] roundTrips = sequential(pool, calls);
                Arrays.sort(roundTrips);
                javaLatency[round] = new double[] {roundTrips[roundTrips.length / 2] / 1e3, roundTrips[(int) (roundTrips.length * 0.99)] / 1e3};
                Map<String, Double> py = python("latency", TRIVIAL.toString(), Integer.toString(calls));
                pyLatency[round] = new double[] {py.get("p50_ns") / 1e3, py.get("p99_ns") / 1e3};

                javaRate = Math.max(javaRate, window(pool, threads, seconds));
                pyRate = Math.max(pyRate, python("throughput", TRIVIAL.toString(), Double.toString(seconds),
                        Integer.toString(threads), Integer.toString(threads)).get("per_second"));
                javaRateOne = Math.max(javaRateOne, window(pool, 1, seconds));
                pyRateOne = Math.max(pyRateOne, python("throughput", TRIVIAL.toString(), Double.toString(seconds), "1",
                        Integer.toString(threads)).get("per_second"));
                javaThreads = Math.max(javaThreads, closedLoop(pool, threads, seconds));
            }
        }
        String jep;
        try (io.inferencebench.python.PythonRuntime inProcess = io.inferencebench.python.PythonRuntime.start(
                options.withRuntime(PythonOptions.Runtime.JEP), notice -> { })) {
            long[] trips = sequential(inProcess, calls);
            Arrays.sort(trips);
            jep = String.format(Locale.ROOT, "Jep in-process: one call at a time p50 %.1f us, p99 %.1f us; %,.0f invocations/s with %d in flight",
                    trips[trips.length / 2] / 1e3, trips[(int) (trips.length * 0.99)] / 1e3, window(inProcess, threads, seconds), threads);
        } catch (io.inferencebench.python.FactoriesException e) {
            jep = "Jep in-process: not measured: " + e.getMessage();
        }
        double javaP50 = median(javaLatency, 0);
        double javaP99 = median(javaLatency, 1);
        double pyP50 = median(pyLatency, 0);
        double pyP99 = median(pyLatency, 1);
        System.out.println();
        System.out.println("Bridge: a trivial invoke (lambda payload: None), one worker process, " + threads
                + " threads; " + rounds + " rounds, Java and pure Python alternating");
        System.out.println();
        System.out.println("| one call at a time (median of the rounds)            |      p50 |      p99 |");
        System.out.println("|------------------------------------------------------|---------:|---------:|");
        System.out.printf(Locale.ROOT, "| Java -> Python -> Java (WorkerPool.invoke)           | %5.1f us | %5.1f us |%n", javaP50, javaP99);
        System.out.printf(Locale.ROOT, "| pure Python (hand to a thread pool, wait for it)     | %5.1f us | %5.1f us |%n", pyP50, pyP99);
        System.out.printf(Locale.ROOT, "| bridge overhead (difference)                         | %5.1f us | %5.1f us |  goal: p99 <= 100 us%n",
                javaP50 - pyP50, javaP99 - pyP99);
        System.out.println();
        System.out.println("| invocations per second, one worker process, best round; | Java -> Python | pure Python | ratio |");
        System.out.println("| one client thread keeping N requests in flight          |                |             |       |");
        System.out.println("|---------------------------------------------------------|---------------:|------------:|------:|");
        System.out.printf(Locale.ROOT, "| %2d in flight                                            | %,14.0f | %,11.0f | %4.0f%% |  goal: >= 80%%%n",
                threads, javaRate, pyRate, 100 * javaRate / pyRate);
        System.out.printf(Locale.ROOT, "|  1 in flight                                            | %,14.0f | %,11.0f | %4.0f%% |%n",
                javaRateOne, pyRateOne, 100 * javaRateOne / pyRateOne);
        System.out.printf(Locale.ROOT, "| %2d client threads each blocking in invoke() (as JMeter's) | %,12.0f |             |       |%n",
                threads, javaThreads);
        System.out.println();
        System.out.println(jep);
    }

    static double median(double[][] rounds, int column) {
        double[] values = Arrays.stream(rounds).mapToDouble(r -> r[column]).sorted().toArray();
        return values[values.length / 2];
    }

    // ---------------------------------------------------------------- end to end
    record Wave(int workers, double target, long fired, long succeeded, long serverReceived, double serverMin,
                double serverMax, double latenessP99, double queueP99, double latencyP50, double latencyP99,
                double cpuMsPerRequest, double jvmMsPerRequest, int threads, boolean sustained, double loadBefore,
                double machineCores, double clientCores) {
    }

    static double quietLoad() {
        return Double.parseDouble(System.getenv().getOrDefault("BENCH_QUIET_LOAD", "1.5"));
    }

    static double quietWait() {
        return Double.parseDouble(System.getenv().getOrDefault("BENCH_QUIET_WAIT", "30"));
    }

    static Path factories() {
        return Path.of(System.getenv().getOrDefault("BENCH_FACTORIES", "factories/http/factories_json_stdlib.py")).toAbsolutePath();
    }

    static void endToEnd(String[] args) throws Exception {
        double seconds = Double.parseDouble(args[1]);
        Path factories = factories();
        List<Wave> waves = new ArrayList<>();
        // the simulator in its own JVM, so the client CPU measured is the client's alone
        try (SimulatorProcess simulator = SimulatorProcess.start("50ms", null,
                Path.of("bench", "out", "bridge-simulator.log").toAbsolutePath())) {
            String url = simulator.baseUrl();
            ClientCpu cpu = new ClientCpu(simulator.pid());
            EmbeddedEngine.initialise();
            for (int a = 2; a < args.length; a++) {
                String[] plan = args[a].split(":");
                int workers = Integer.parseInt(plan[0]);
                PythonOptions options = PythonOptions.of(factories).withRuntime(PythonOptions.Runtime.SUBPROCESS)
                        .withWorkers(workers).withEnvironment(Map.of("IB_ENDPOINT_URL", url));
                WorkerPool pool = (WorkerPool) io.inferencebench.python.PythonRuntimes.acquire(options, System.out::println);
                try {
                    runWave(url, options, pool, cpu, Double.parseDouble(plan[1].split(",")[0]), 3); // warm-up: JIT, threads, connections
                    for (String rate : plan[1].split(",")) {
                        Wave wave = runWave(url, options, pool, cpu, Double.parseDouble(rate), seconds);
                        waves.add(wave);
                        System.err.printf(Locale.ROOT, "  [%d workers at %.0f/s: %s]%n", workers, wave.target(), wave.sustained() ? "sustained" : "not sustained");
                    }
                } finally {
                    io.inferencebench.python.PythonRuntimes.release(options);
                }
            }
        }
        System.out.println();
        System.out.printf(Locale.ROOT, "End to end: JMeter (Constant RPS Timer + Python Factory Sampler) -> factories/http/factories_json_stdlib.py%n");
        System.out.printf(Locale.ROOT, "(http.client keep-alive) -> endpoint simulator (50 ms, own JVM); %.0f s per rate%n", seconds);
        System.out.println();
        System.out.println("| workers | target/s | fired | ok | server/s mean (min-max per s) | start lateness p99 | Python queue p99 | latency p50 / p99 | client CPU/request (JVM part) | JMeter threads | sustained | load before | machine busy / client (cores) |");
        System.out.println("|--:|--:|--:|--:|--:|--:|--:|--:|--:|--:|:-:|--:|--:|");
        for (Wave w : waves) {
            System.out.printf(Locale.ROOT, "| %d | %,.0f | %,d | %.2f%% | %,.0f (%,.0f-%,.0f) | %.2f ms | %.2f ms | %.1f / %.1f ms | %.3f ms (%.3f) | %d | %s | %.2f | %.2f / %.2f |%n",
                    w.workers(), w.target(), w.fired(), 100.0 * w.succeeded() / Math.max(1, w.fired()),
                    w.serverReceived() / seconds, w.serverMin(), w.serverMax(), w.latenessP99(), w.queueP99(),
                    w.latencyP50(), w.latencyP99(), w.cpuMsPerRequest(), w.jvmMsPerRequest(), w.threads(), w.sustained() ? "yes" : "no",
                    w.loadBefore(), w.machineCores(), w.clientCores());
        }
        System.out.println("(client CPU = the client's process tree: this JVM, which runs JMeter and the sampler, and every process it");
        System.out.println(" started, the Python workers among them; not the simulator, which runs in its own JVM. Machine busy - client");
        System.out.println(" - the simulator's share = what other work took from the machine during the wave)");
        System.out.println();
        for (int workers : waves.stream().mapToInt(Wave::workers).distinct().toArray()) {
            double best = waves.stream().filter(w -> w.workers() == workers && w.sustained()).mapToDouble(Wave::target).max().orElse(0);
            System.out.printf(Locale.ROOT, "highest rate sustained with --workers %d: %,.0f requests/s%n", workers, best);
        }
    }

    static Wave runWave(String url, PythonOptions options, WorkerPool pool, ClientCpu cpu, double rate, double seconds)
            throws Exception {
        double load = ClientCpu.waitForQuiet(quietLoad(), quietWait());
        HttpClient http = HttpClient.newHttpClient();
        HttpRequest metrics = HttpRequest.newBuilder(URI.create(url + "/metrics")).build();
        List<Long> received = new ArrayList<>();
        AtomicBoolean polling = new AtomicBoolean(true);
        Thread poller = new Thread(() -> {
            long next = System.nanoTime();
            while (polling.get()) {
                try {
                    String text = http.send(metrics, HttpResponse.BodyHandlers.ofString()).body();
                    received.add(text.lines().filter(l -> l.startsWith("ib_sim_requests_received_total"))
                            .mapToLong(l -> (long) Double.parseDouble(l.substring(l.lastIndexOf(' ') + 1))).findFirst().orElse(0));
                    next += 1_000_000_000L;
                    Thread.sleep(Math.max(0, (next - System.nanoTime()) / 1_000_000));
                } catch (Exception e) {
                    return;
                }
            }
        });
        long jvmBefore = ClientCpu.jvmNanos();
        long clientBefore = cpu.nanos();
        long machineBefore = ClientCpu.machineBusyNanos();
        long wallBefore = System.nanoTime();
        poller.start();
        Thread.sleep(300);
        io.inferencebench.outcome.WaveOutcome summary = EmbeddedEngine.run(options, rate, seconds);
        Thread.sleep(1500);
        polling.set(false);
        poller.join();
        long jvmCpu = ClientCpu.jvmNanos() - jvmBefore;
        long clientCpu = cpu.nanos() - clientBefore;
        double wall = System.nanoTime() - wallBefore;
        double machineCores = (ClientCpu.machineBusyNanos() - machineBefore) / wall;
        double clientCores = clientCpu / wall;
        long pythonCpu = clientCpu - jvmCpu;
        long serverReceived = received.get(received.size() - 1) - received.get(0);
        double min = Double.MAX_VALUE;
        double max = 0;
        // whole seconds inside the wave only: the first and last polls straddle its start and end
        for (int i = 2; i < received.size() - 2; i++) {
            double perSecond = received.get(i) - received.get(i - 1);
            min = Math.min(min, perSecond);
            max = Math.max(max, perSecond);
        }
        if (System.getenv("BENCH_VERBOSE") != null) {
            System.err.printf(Locale.ROOT, "  [%d workers at %.0f/s: JVM %.3f ms/request, Python %.3f ms/request, lateness %s, threads %s]%n",
                    options.workers(), rate, jvmCpu / 1e6 / Math.max(1, summary.completed()), pythonCpu / 1e6 / Math.max(1, summary.completed()),
                    summary.latenessMs(), summary.threads());
        }
        double queueP99 = summary.queueMs() == null ? 0 : summary.queueMs().p99();
        Object threads = summary.threads() == null ? null : summary.threads().started();
        long expected = Math.round(rate * seconds);
        double latenessP99 = summary.latenessMs() == null ? 0 : summary.latenessMs().p99();
        // Sustained: every request fired and reaching the server, smooth per second, and no sign of
        // the client holding requests back (start lateness and Python queueing both small).
        List<String> misses = new ArrayList<>();
        if (summary.fired() < 0.99 * expected) {
            misses.add("fired " + summary.fired() + " of " + expected);
        }
        if (summary.succeeded() != summary.fired()) {
            misses.add((summary.fired() - summary.succeeded()) + " failed");
        }
        if (serverReceived < 0.99 * expected) {
            misses.add("server received " + serverReceived);
        }
        if (min < 0.9 * rate) {
            misses.add(String.format(Locale.ROOT, "a second at %.0f/s", min));
        }
        if (!(latenessP99 <= 10)) {
            misses.add(String.format(Locale.ROOT, "start lateness p99 %.1f ms", latenessP99));
        }
        if (!(queueP99 <= 10)) {
            misses.add(String.format(Locale.ROOT, "Python queue p99 %.1f ms", queueP99));
        }
        boolean sustained = misses.isEmpty();
        if (!sustained) {
            System.err.println("  [not sustained: " + String.join(", ", misses) + "]");
        }
        return new Wave(options.workers(), rate, summary.fired(), summary.succeeded(), serverReceived, min, max,
                latenessP99, queueP99, summary.latencyMs().p50(), summary.latencyMs().p99(),
                (jvmCpu + pythonCpu) / 1e6 / Math.max(1, summary.completed()), jvmCpu / 1e6 / Math.max(1, summary.completed()),
                threads instanceof Number n ? n.intValue() : 0, sustained, load, machineCores, clientCores);
    }

    /** The waves of {@code http}, through the benchmark command: what a user measures, beside the bare plan. */
    static void commandWaves(String[] args) throws Exception {
        double seconds = Double.parseDouble(args[1]);
        List<CommandWave> waves = new ArrayList<>();
        Path results = java.nio.file.Files.createTempDirectory("bench-command-runs");
        try (SimulatorProcess simulator = SimulatorProcess.start("50ms", null,
                Path.of("bench", "out", "bridge-simulator.log").toAbsolutePath())) {
            ClientCpu cpu = new ClientCpu(simulator.pid());
            List<String> base = List.of("--factories-file", factories().toString(), "--url", simulator.baseUrl());
            for (int a = 2; a < args.length; a++) {
                String[] plan = args[a].split(":");
                int workers = Integer.parseInt(plan[0]);
                for (String rate : plan[1].split(",")) {
                    waves.add(CommandWave.run("benchmark command", workers, Double.parseDouble(rate), seconds, cpu,
                            results, base));
                }
            }
        }
        System.out.println();
        System.out.printf(Locale.ROOT, "Through the benchmark command (in this JVM, as a user runs it: results.jtl, progress, client sampling,%n");
        System.out.printf(Locale.ROOT, "verdict) -> %s -> simulator (50 ms, own JVM); %.0f s per rate, CPU over the wave minus its first second%n",
                Path.of("").toAbsolutePath().relativize(factories()), seconds);
        System.out.println();
        System.out.println(CommandWave.header());
        waves.forEach(w -> System.out.println(w.row()));
        System.out.println("(exit 0 passed, 3 the client did not deliver the load; 'as --sample-client-hw sees it' = its process CPU average x duration / requests)");
    }

    /** Every example under factories/, one worker at one rate: what each client library costs per request. */
    static void examples(String[] args) throws Exception {
        double seconds = Double.parseDouble(args[1]);
        double rate = Double.parseDouble(args[2]);
        Path results = java.nio.file.Files.createTempDirectory("bench-example-runs");
        List<CommandWave> waves = new ArrayList<>();
        String options = "latency=50ms,ttft=50ms,itl=2ms";
        try (SimulatorProcess simulator = SimulatorProcess.start(options, null,
                Path.of("bench", "out", "bridge-simulator.log").toAbsolutePath())) {
            ClientCpu cpu = new ClientCpu(simulator.pid());
            String[][] examples = {
                {"http/factories_json_stdlib.py", "--endpoint-name", "bench"},
                {"http/factories_json.py", "--endpoint-name", "bench"},
                {"sagemakerai_realtime/factories_cnn.py", "--endpoint-name", "bench"},
                {"sagemakerai_realtime/factories_ic.py", "--endpoint-name", "bench/ic"},
                {"sagemakerai_realtime/factories_llm_textgeneration.py", "--endpoint-name", "bench"},
                {"sagemakerai_realtime/factories_llm_textgeneration_stream.py", "--endpoint-name", "bench"},
                {"openai_compatible/factories_chat_stdlib.py", "--endpoint-name", "bench"},
                {"openai_compatible/factories_chat.py", "--endpoint-name", "bench"},
                {"openai_compatible/factories_chat_async.py", "--endpoint-name", "bench"},
            };
            for (String[] example : examples) {
                List<String> command = new ArrayList<>(List.of("--factories-file", Path.of("factories", example[0]).toAbsolutePath().toString(),
                        "--url", simulator.baseUrl()));
                command.addAll(List.of(example).subList(1, example.length));
                CommandWave w = CommandWave.run(example[0], 1, rate, seconds, cpu, results, command);
                waves.add(w);
                System.err.println("  [" + w.row() + "]");
            }
        }
        System.out.println();
        System.out.printf(Locale.ROOT, "Each example through the benchmark command, 1 worker, %.0f/s for %.0f s, against the simulator in its own JVM%n", rate, seconds);
        System.out.printf(Locale.ROOT, "(%s: a JSON answer after 50 ms; a 64-token answer after 50 ms + 63 x 2 ms, streamed one token per chunk)%n", options);
        System.out.println();
        System.out.println(CommandWave.header());
        waves.forEach(w -> System.out.println(w.row()));
    }

    /** A JMeter engine in this JVM running the plan the benchmark command builds for a factories wave. */
    static final class EmbeddedEngine {
        static void initialise() throws Exception {
            Path home = java.nio.file.Files.createTempDirectory("bench-jmeter-home");
            Path bin = java.nio.file.Files.createDirectories(home.resolve("bin"));
            Path properties = bin.resolve("jmeter.properties");
            java.nio.file.Files.writeString(properties, "sample_variables=" + String.join(",", io.inferencebench.wave.SampleFields.ALL) + "\n");
            org.apache.jmeter.util.JMeterUtils.setJMeterHome(home.toString());
            org.apache.jmeter.util.JMeterUtils.loadJMeterProperties(properties.toString());
            org.apache.jmeter.util.JMeterUtils.initLocale();
        }

        static io.inferencebench.outcome.WaveOutcome run(PythonOptions options, double rate, double seconds) {
            org.apache.jmeter.control.LoopController loop = new org.apache.jmeter.control.LoopController();
            loop.setLoops(org.apache.jmeter.control.LoopController.INFINITE_LOOP_COUNT);
            loop.setContinueForever(true);
            loop.setFirst(true);
            loop.initialize();
            org.apache.jmeter.threads.ThreadGroup group = new org.apache.jmeter.threads.ThreadGroup();
            group.setName("Wave");
            group.setNumThreads((int) Math.ceil(rate * 0.05 * 1.2) + 10);
            group.setRampUp(0);
            group.setSamplerController(loop);
            group.setProperty(org.apache.jmeter.threads.ThreadGroup.ON_SAMPLE_ERROR, org.apache.jmeter.threads.ThreadGroup.ON_SAMPLE_ERROR_CONTINUE);

            io.inferencebench.pacing.ConstantRpsTimer timer = new io.inferencebench.pacing.ConstantRpsTimer();
            timer.setName("Constant RPS Timer");
            timer.setProperty("targetRps", Double.toString(rate));
            timer.setProperty("durationSeconds", Double.toString(seconds));
            timer.setProperty("arrivals", "uniform");
            timer.setProperty("latePolicy", "fire");
            timer.setProperty("maxThreads", 2000);
            timer.setProperty("seed", "42");
            timer.setProperty("loadProfile", "");
            timer.setProperty("maxArrivals", "");

            io.inferencebench.wave.WaveSummaryListener summary = new io.inferencebench.wave.WaveSummaryListener();
            summary.setProperty("outputDirectory", "");
            summary.setProperty("successThreshold", "0.95");

            org.apache.jorphan.collections.ListedHashTree tree = new org.apache.jorphan.collections.ListedHashTree();
            org.apache.jorphan.collections.HashTree plan = tree.add(new org.apache.jmeter.testelement.TestPlan("bridge bench"));
            org.apache.jorphan.collections.HashTree groupTree = plan.add(group);
            groupTree.add(io.inferencebench.python.PythonFactorySampler.of(options)).add(timer);
            plan.add(summary);
            org.apache.jmeter.engine.StandardJMeterEngine engine = new org.apache.jmeter.engine.StandardJMeterEngine();
            engine.configure(tree);
            engine.run();
            return summary.outcome();
        }
    }

    static long[] sequential(io.inferencebench.python.PythonRuntime pool, int calls) {
        for (int i = 0; i < calls / 4; i++) {
            pool.invoke(); // warm-up: JIT, the worker's first threads
        }
        long[] took = new long[calls];
        for (int i = 0; i < calls; i++) {
            long start = System.nanoTime();
            Invocation result = pool.invoke();
            took[i] = System.nanoTime() - start;
            if (!result.ok()) {
                throw new IllegalStateException(result.error());
            }
        }
        return took;
    }

    /** Invocations per second from one client thread keeping {@code inFlight} requests going (as pure_python.py does). */
    static double window(io.inferencebench.python.PythonRuntime pool, int inFlight, double seconds) throws InterruptedException {
        java.util.concurrent.Semaphore window = new java.util.concurrent.Semaphore(inFlight);
        AtomicBoolean measuring = new AtomicBoolean(false);
        AtomicBoolean stop = new AtomicBoolean(false);
        LongAdder done = new LongAdder();
        Thread client = new Thread(() -> {
            while (!stop.get()) {
                window.acquireUninterruptibly();
                pool.submit().thenRun(() -> {
                    if (measuring.get()) {
                        done.increment();
                    }
                    window.release();
                });
            }
        });
        client.setDaemon(true);
        client.start();
        Thread.sleep(500); // warm-up
        long pid = pool instanceof WorkerPool workers ? workers.pids()[0] : ProcessHandle.current().pid();
        long pythonCpu = cpuNanos(pid);
        long javaCpu = jvmCpuNanos();
        measuring.set(true);
        long start = System.nanoTime();
        Thread.sleep((long) (seconds * 1000));
        measuring.set(false);
        double rate = done.sum() / ((System.nanoTime() - start) / 1e9);
        if (System.getenv("BENCH_VERBOSE") != null) {
            System.err.printf(Locale.ROOT, "  [window %d: %.0f/s, python %.1f us/call, java %.1f us/call]%n", inFlight, rate,
                    (cpuNanos(pid) - pythonCpu) / 1e3 / done.sum(), (jvmCpuNanos() - javaCpu) / 1e3 / done.sum());
        }
        stop.set(true);
        client.join();
        Thread.sleep(200);
        return rate;
    }

    /** Invocations per second with {@code threads} client threads each calling invoke() in a loop. */
    static double closedLoop(WorkerPool pool, int threads, double seconds) throws InterruptedException {
        AtomicBoolean measuring = new AtomicBoolean(false);
        AtomicBoolean stop = new AtomicBoolean(false);
        LongAdder done = new LongAdder();
        List<Thread> clients = new ArrayList<>();
        for (int t = 0; t < threads; t++) {
            Thread client = new Thread(() -> {
                while (!stop.get()) {
                    pool.invoke();
                    if (measuring.get()) {
                        done.increment();
                    }
                }
            });
            client.setDaemon(true);
            client.start();
            clients.add(client);
        }
        Thread.sleep(500); // warm-up
        long pythonCpu = cpuNanos(pool.pids()[0]);
        long javaCpu = jvmCpuNanos();
        measuring.set(true);
        long start = System.nanoTime();
        Thread.sleep((long) (seconds * 1000));
        measuring.set(false);
        double rate = done.sum() / ((System.nanoTime() - start) / 1e9);
        if (System.getenv("BENCH_VERBOSE") != null) {
            System.err.printf(Locale.ROOT, "  [%d threads: %.0f/s, python %.1f us/call, java %.1f us/call]%n", threads, rate,
                    (cpuNanos(pool.pids()[0]) - pythonCpu) / 1e3 / done.sum(), (jvmCpuNanos() - javaCpu) / 1e3 / done.sum());
        }
        stop.set(true);
        for (Thread client : clients) {
            client.join();
        }
        return rate;
    }

    static long cpuNanos(long pid) {
        return ProcessHandle.of(pid).flatMap(p -> p.info().totalCpuDuration()).map(Duration::toNanos).orElse(0L);
    }

    static long jvmCpuNanos() {
        return ((com.sun.management.OperatingSystemMXBean) ManagementFactory.getOperatingSystemMXBean()).getProcessCpuTime();
    }

    static Map<String, Double> python(String... args) throws Exception {
        List<String> command = new ArrayList<>(List.of("python3", HERE.resolve("pure_python.py").toString()));
        command.addAll(List.of(args));
        Process process = new ProcessBuilder(command).redirectError(ProcessBuilder.Redirect.INHERIT).start();
        String line = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8).trim();
        process.waitFor();
        Map<String, Double> values = new java.util.HashMap<>();
        for (String pair : line.replaceAll("[{}\" ]", "").split(",")) {
            String[] kv = pair.split(":");
            values.put(kv[0], Double.parseDouble(kv[1]));
        }
        return values;
    }
}
