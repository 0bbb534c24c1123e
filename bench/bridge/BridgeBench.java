import java.io.BufferedReader;
import java.io.InputStreamReader;
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
 * The bridge benchmark (run it with bench/bridge/run): the cost of calling a Python invoke from Java
 * through the subprocess runtime, each figure beside the same loop in pure Python.
 *
 * <pre>
 *   java -cp CLASSPATH BridgeBench.java bridge   [seconds]          Java -> Python -> Java per call, invocations/s
 *   java -cp CLASSPATH BridgeBench.java simulate latency=50ms       a simulator in its own JVM (prints its URL)
 * </pre>
 */
public class BridgeBench {
    static final Path HERE = Path.of("bench", "bridge").toAbsolutePath();
    static final Path TRIVIAL = HERE.resolve("trivial.py");

    public static void main(String[] args) throws Exception {
        switch (args.length == 0 ? "bridge" : args[0]) {
            case "bridge" -> bridge(args.length > 1 ? Double.parseDouble(args[1]) : 5);
            default -> throw new IllegalArgumentException("unknown mode " + args[0]);
        }
    }

    // ---------------------------------------------------------------- bridge
    static void bridge(double seconds) throws Exception {
        int calls = 20_000;
        int threads = 64;
        PythonOptions options = PythonOptions.of(TRIVIAL).withRuntime(PythonOptions.Runtime.SUBPROCESS)
                .withThreadsPerWorker(threads);
        long[] roundTrips;
        double javaRate;
        double javaRateOne;
        double javaThreads;
        try (WorkerPool pool = WorkerPool.start(options)) {
            roundTrips = sequential(pool, calls);
            javaRate = window(pool, threads, seconds);
            javaRateOne = window(pool, 1, seconds);
            javaThreads = closedLoop(pool, threads, seconds);
        }
        Map<String, Double> pyLatency = python("latency", TRIVIAL.toString(), Integer.toString(calls));
        double pyRate = python("throughput", TRIVIAL.toString(), Double.toString(seconds), Integer.toString(threads),
                Integer.toString(threads)).get("per_second");
        double pyRateOne = python("throughput", TRIVIAL.toString(), Double.toString(seconds), "1",
                Integer.toString(threads)).get("per_second");

        Arrays.sort(roundTrips);
        double javaP50 = roundTrips[roundTrips.length / 2] / 1e3;
        double javaP99 = roundTrips[(int) (roundTrips.length * 0.99)] / 1e3;
        double pyP50 = pyLatency.get("p50_ns") / 1e3;
        double pyP99 = pyLatency.get("p99_ns") / 1e3;
        System.out.println();
        System.out.println("Bridge: a trivial invoke (lambda payload: None), one worker process, " + threads + " threads");
        System.out.println();
        System.out.println("| one call at a time                                   |    p50 |    p99 |");
        System.out.println("|------------------------------------------------------|-------:|-------:|");
        System.out.printf(Locale.ROOT, "| Java -> Python -> Java (WorkerPool.invoke)           | %4.1f us | %4.1f us |%n", javaP50, javaP99);
        System.out.printf(Locale.ROOT, "| pure Python (dispatch to the same pool, wait)        | %4.1f us | %4.1f us |%n", pyP50, pyP99);
        System.out.printf(Locale.ROOT, "| bridge overhead (difference)                         | %4.1f us | %4.1f us |  goal: p99 <= 100 us%n",
                javaP50 - pyP50, javaP99 - pyP99);
        System.out.println();
        System.out.println("| invocations per second, one worker process;         | Java -> Python | pure Python | ratio |");
        System.out.println("| one client thread keeping N requests in flight      |                |             |       |");
        System.out.println("|-----------------------------------------------------|---------------:|------------:|------:|");
        System.out.printf(Locale.ROOT, "| %2d in flight                                        | %,14.0f | %,11.0f | %4.0f%% |  goal: >= 80%%%n",
                threads, javaRate, pyRate, 100 * javaRate / pyRate);
        System.out.printf(Locale.ROOT, "|  1 in flight                                        | %,14.0f | %,11.0f | %4.0f%% |%n",
                javaRateOne, pyRateOne, 100 * javaRateOne / pyRateOne);
        System.out.printf(Locale.ROOT, "| %2d client threads blocking in invoke() (as JMeter's) | %,14.0f |             |       |%n",
                threads, javaThreads);
    }

    static long[] sequential(WorkerPool pool, int calls) {
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
    static double window(WorkerPool pool, int inFlight, double seconds) throws InterruptedException {
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
        Thread.sleep(1000); // warm-up
        long pythonCpu = cpuNanos(pool.pids()[0]);
        long javaCpu = jvmCpuNanos();
        measuring.set(true);
        long start = System.nanoTime();
        Thread.sleep((long) (seconds * 1000));
        measuring.set(false);
        double rate = done.sum() / ((System.nanoTime() - start) / 1e9);
        if (System.getenv("BENCH_VERBOSE") != null) {
            System.err.printf(Locale.ROOT, "  [window %d: %.0f/s, python %.1f us/call, java %.1f us/call]%n", inFlight, rate,
                    (cpuNanos(pool.pids()[0]) - pythonCpu) / 1e3 / done.sum(), (jvmCpuNanos() - javaCpu) / 1e3 / done.sum());
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
        Thread.sleep(1000); // warm-up
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
