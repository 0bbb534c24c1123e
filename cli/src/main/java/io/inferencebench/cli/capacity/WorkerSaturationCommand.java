package io.inferencebench.cli.capacity;

import java.nio.file.Path;
import java.time.LocalDateTime;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.Callable;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;

import io.inferencebench.cli.BadInputException;
import io.inferencebench.cli.Console;
import io.inferencebench.cli.RunDirectory;
import io.inferencebench.diagnostics.ClientHardware;
import io.inferencebench.outcome.ClientHardwareSummary;
import io.inferencebench.python.PythonRuntime;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/**
 * {@code benchmark capacity worker-saturation}: the most requests per second one Python worker process
 * can fire with these factories. An idle baseline, one-second bursts at growing rates until fewer
 * requests start than were asked, then confirmation bursts above that rate.
 */
@Command(name = "worker-saturation", mixinStandardHelpOptions = true,
        description = "The most requests per second one Python worker process can fire with these factories.")
public class WorkerSaturationCommand implements Callable<Integer> {
    @Mixin
    ProbeTarget target = new ProbeTarget();

    @Option(names = "--start-rate", paramLabel = "R", defaultValue = "50", description = "First burst's rate (default ${DEFAULT-VALUE}).")
    double startRate;

    @Option(names = "--max-rate", paramLabel = "R", defaultValue = "20000", description = "Give up growing past this rate (default ${DEFAULT-VALUE}).")
    double maxRate;

    @Option(names = "--confirmations", paramLabel = "N", defaultValue = "5", description = "Confirmation bursts at 1.2x the saturation (default ${DEFAULT-VALUE}).")
    int confirmations;

    /** A burst starting fewer than this share of what it asked has saturated the worker. */
    static final double SATURATED = 0.97;

    /** Bad values are one sentence each (exit 2) before any Python starts. */
    void check() {
        ProbeTarget.positive("--start-rate", startRate, 10_000_000, "requests per second");
        ProbeTarget.positive("--max-rate", maxRate, 10_000_000, "requests per second");
        if (maxRate < startRate) {
            throw new BadInputException("--max-rate " + ProbeTarget.text(maxRate) + " is below --start-rate "
                    + ProbeTarget.text(startRate) + ": give a --max-rate at least as high as the start rate.");
        }
        if (confirmations < 0 || confirmations > 1000) {
            throw new BadInputException("--confirmations must be from 0 to 1000 bursts, got " + confirmations + ".");
        }
        target.check();
    }

    @Override
    public Integer call() throws Exception {
        check();
        Console console = new Console(System.out);
        try {
            PythonRuntime runtime = target.start(1, console::println);
            Path run = RunDirectory.create(target.resultsDir, LocalDateTime.now(), "worker-saturation");
            console.logTo(run.resolve("benchmark.log"));
            console.println("Worker saturation: 1 worker process, " + target.factoriesFile + " -> " + target.describeEndpoint());
            Map<String, Object> result = new LinkedHashMap<>();
            try (ClientHardware idle = ClientHardware.start(100)) {
                Thread.sleep(2000);
                idle.close();
                result.put("idle_baseline", idle.summary());
                console.println(String.format(Locale.ROOT, "   Idle baseline: client CPU avg %s%%, machine CPU avg %s%%",
                        idle.summary().processCpuPercent().avg(), idle.summary().machineCpuPercent().avg()));
            }
            ClientHardware hw = ClientHardware.start(100);
            Saturation s = saturate(runtime, startRate, maxRate, console);
            List<Burst> confirm = new ArrayList<>();
            for (int i = 0; i < confirmations; i++) {
                confirm.add(Burst.run(runtime, s.rate * 1.2, 1.0));
            }
            hw.close();
            double[] stats = stats(confirm);
            console.println("");
            console.println(String.format(Locale.ROOT, "   Saturation: about %.0f requests/s per worker process", s.rate));
            console.println(String.format(Locale.ROOT,
                    "   Confirmation (%d x 1 s at %.0f/s asked): fired/s mean %.1f | std %.1f | min %.0f | max %.0f",
                    confirm.size(), s.rate * 1.2, stats[0], stats[1], stats[2], stats[3]));
            ClientHardwareSummary.Range cpu = hw.summary().processCpuPercent();
            console.println(String.format(Locale.ROOT, "   Client CPU during the bursts: avg %s%% | max %s%% (%d cores)",
                    cpu.avg(), cpu.max(), hw.cores()));
            result.put("bursts", s.bursts);
            result.put("saturation_rps", s.rate);
            Map<String, Object> c = new LinkedHashMap<>();
            c.put("asked_rps", s.rate * 1.2);
            c.put("mean", stats[0]);
            c.put("std", stats[1]);
            c.put("min", stats[2]);
            c.put("max", stats[3]);
            result.put("confirmation", c);
            result.put("client_hw", hw.summary());
            new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT)
                    .writeValue(run.resolve("worker_saturation.json").toFile(), result);
            console.println("Detailed results: " + run);
            return 0;
        } finally {
            target.release(1);
            target.close();
            console.close();
        }
    }

    /** The rate where a worker saturated, and the bursts that found it. */
    record Saturation(double rate, List<Map<String, Object>> bursts) {
    }

    /**
     * Bursts at rates growing by a quarter until one starts fewer requests than it asked, twice in a row
     * at the same rate (one short burst can fall short on a hiccup of the machine).
     */
    static Saturation saturate(PythonRuntime runtime, double startRate, double maxRate, Console console) {
        List<Map<String, Object>> bursts = new ArrayList<>();
        console.println("   Asked/s   Fired/s   Fired/asked");
        double best = 0;
        boolean retried = false;
        for (double rate = startRate; rate <= maxRate; ) {
            Burst b = Burst.run(runtime, rate, 1.0);
            double share = b.fired() / (double) b.asked();
            console.println(String.format(Locale.ROOT, "   %7.0f   %7.0f   %6.1f%%", rate, b.firedPerSecond(), 100 * share));
            Map<String, Object> m = new LinkedHashMap<>();
            m.put("asked_rps", rate);
            m.put("fired_rps", b.firedPerSecond());
            m.put("failed", b.failed());
            bursts.add(m);
            if (share < SATURATED) {
                if (retried) {
                    best = Math.max(best, b.firedPerSecond());
                    break;
                }
                retried = true;
                continue;
            }
            best = Math.max(best, b.firedPerSecond());
            retried = false;
            rate *= 1.25;
        }
        return new Saturation(best, bursts);
    }

    static double[] stats(List<Burst> bursts) {
        double sum = 0, min = Double.MAX_VALUE, max = 0;
        for (Burst b : bursts) {
            sum += b.firedPerSecond();
            min = Math.min(min, b.firedPerSecond());
            max = Math.max(max, b.firedPerSecond());
        }
        double mean = bursts.isEmpty() ? 0 : sum / bursts.size();
        double var = 0;
        for (Burst b : bursts) {
            var += Math.pow(b.firedPerSecond() - mean, 2);
        }
        return new double[] {mean, bursts.isEmpty() ? 0 : Math.sqrt(var / bursts.size()), bursts.isEmpty() ? 0 : min, max};
    }
}
