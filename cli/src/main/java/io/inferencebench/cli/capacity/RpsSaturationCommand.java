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
import io.inferencebench.python.PythonOptions;
import io.inferencebench.python.PythonRuntime;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/**
 * {@code benchmark capacity rps-saturation}: adds worker processes until the requests fired per second
 * stop growing, and recommends {@code --workers}: past it this client needs a bigger machine or JMeter
 * remote engines.
 */
@Command(name = "rps-saturation", mixinStandardHelpOptions = true,
        description = "Add Python worker processes until requests fired per second stop growing; recommends --workers.")
public class RpsSaturationCommand implements Callable<Integer> {
    @Mixin
    ProbeTarget target = new ProbeTarget();

    @Option(names = "--max-workers", paramLabel = "N", description = "Most workers to try (default: twice the cores).")
    Integer maxWorkers;

    @Option(names = "--min-gain", paramLabel = "F", defaultValue = "0.1", description = "Smallest gain in fired/s that justifies one more worker (default ${DEFAULT-VALUE}).")
    double minGain;

    @Option(names = "--burst-seconds", paramLabel = "S", defaultValue = "2", description = "Length of each measuring burst (default ${DEFAULT-VALUE}).")
    double burstSeconds;

    /** Bad values are one sentence each (exit 2) before any Python starts. */
    void check() {
        int most = PythonOptions.maxWorkers();
        if (maxWorkers != null && (maxWorkers < 1 || maxWorkers > most)) {
            throw new BadInputException("--max-workers must be from 1 to " + most + " on this machine (4 per core on "
                    + Runtime.getRuntime().availableProcessors() + " cores, about 40 MB of available memory each), got "
                    + maxWorkers + ".");
        }
        if (!(minGain >= 0 && minGain <= 10)) {
            throw new BadInputException("--min-gain is a fraction of requests per second, from 0 to 10 (e.g. 0.1 for "
                    + "10%), got " + ProbeTarget.text(minGain) + ".");
        }
        ProbeTarget.positive("--burst-seconds", burstSeconds, 3600, "seconds");
        target.check();
    }

    @Override
    public Integer call() throws Exception {
        check();
        Console console = new Console(System.out);
        int limit = maxWorkers != null ? maxWorkers
                : Math.min(2 * Runtime.getRuntime().availableProcessors(), PythonOptions.maxWorkers());
        List<Map<String, Object>> rows = new ArrayList<>();
        try {
            PythonRuntime one = target.start(1, console::println);
            Path run = RunDirectory.create(target.resultsDir, LocalDateTime.now(), "rps-saturation");
            console.logTo(run.resolve("benchmark.log"));
            console.println("RPS saturation: " + target.factoriesFile + " -> " + target.describeEndpoint());
            console.println("Finding one worker's saturation first:");
            double perWorker = WorkerSaturationCommand.saturate(one, 50, 20000, console).rate();
            target.release(1);
            console.println("");
            console.println("   Workers | Requests/s | Gain");
            console.println("   --------|------------|------");
            double previous = 0;
            int recommended = 1;
            for (int w = 1; w <= limit; w++) {
                PythonRuntime runtime = w == 1 ? target.start(1, s -> { }) : target.start(w, s -> { });
                double fired;
                try {
                    Burst.run(runtime, perWorker * w * 0.5, 0.5); // let the workers grow their threads
                    fired = Burst.run(runtime, perWorker * w * 1.3, burstSeconds).firedPerSecond();
                } finally {
                    target.release(w);
                }
                double gain = previous == 0 ? Double.NaN : fired / previous - 1;
                console.println(String.format(Locale.ROOT, "   %7d | %10.0f | %s", w, fired,
                        Double.isNaN(gain) ? "-" : String.format(Locale.ROOT, "%+.0f%%", 100 * gain)));
                Map<String, Object> row = new LinkedHashMap<>();
                row.put("workers", w);
                row.put("requests_per_second", fired);
                row.put("gain", Double.isNaN(gain) ? null : gain);
                rows.add(row);
                if (!Double.isNaN(gain) && gain < minGain) {
                    break;
                }
                recommended = w;
                previous = Math.max(previous, fired);
            }
            console.println("");
            console.println(String.format(Locale.ROOT, "Recommended: --workers %d (about %.0f requests/s from this client). "
                    + "Beyond that, use a bigger client or JMeter remote engines.", recommended, previous));
            Map<String, Object> result = new LinkedHashMap<>();
            result.put("per_worker_saturation_rps", perWorker);
            result.put("rows", rows);
            result.put("recommended_workers", recommended);
            new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT)
                    .writeValue(run.resolve("rps_saturation.json").toFile(), result);
            console.println("Detailed results: " + run);
            return 0;
        } finally {
            target.close();
            console.close();
        }
    }
}
