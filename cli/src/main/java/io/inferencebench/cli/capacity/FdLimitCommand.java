package io.inferencebench.cli.capacity;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.LocalDateTime;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.Callable;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;

import io.inferencebench.cli.Console;
import io.inferencebench.cli.RunDirectory;
import io.inferencebench.diagnostics.ClientHardware;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/** {@code benchmark capacity fd-limit}: how many concurrent connections the descriptor limits allow. */
@Command(name = "fd-limit", mixinStandardHelpOptions = true,
        description = "Report system-wide and per-process file-descriptor limits and how many concurrent connections they allow.")
public class FdLimitCommand implements Callable<Integer> {
    /** Descriptors a JMeter client needs besides connections (jars, logs, pipes, JTL). */
    static final int RESERVED = 200;

    @Option(names = "--results-dir", paramLabel = "DIR", defaultValue = ".tmp", description = "Where the run directory goes (default ${DEFAULT-VALUE}).")
    Path resultsDir;

    @Override
    public Integer call() throws IOException {
        RunDirectory.checkWritable(resultsDir);
        Console console = new Console(System.out);
        Path run = RunDirectory.create(resultsDir, LocalDateTime.now(), "fd-limit");
        console.logTo(run.resolve("benchmark.log"));
        Map<String, Object> r = measure();
        console.println("File-descriptor limits (each open connection takes one descriptor)");
        console.println("-------------------------------------------------------------------");
        console.println(row("System-wide maximum (/proc/sys/fs/file-max)", r.get("file_max")));
        console.println(row("Per-process ceiling (/proc/sys/fs/nr_open)", r.get("nr_open")));
        console.println(row("This process: soft limit (ulimit -n)", r.get("soft_limit")));
        console.println(row("This process: hard limit (ulimit -Hn)", r.get("hard_limit")));
        console.println(row("This process: open now", r.get("open")));
        console.println(row("Concurrent connections the soft limit allows", r.get("connections_soft")));
        console.println(row("... after raising the soft limit to the hard limit", r.get("connections_hard")));
        console.println("");
        console.println("Raise the soft limit with `ulimit -n <n>` (up to the hard limit) before ./benchmark; "
                + "each Python worker process has the same limit of its own.");
        new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT).writeValue(run.resolve("fd_limit.json").toFile(), r);
        console.println("Detailed results: " + run);
        console.close();
        return 0;
    }

    static Map<String, Object> measure() {
        long[] fds = ClientHardware.fileDescriptors();
        long hard = hardLimit();
        Map<String, Object> r = new LinkedHashMap<>();
        r.put("file_max", readLong("/proc/sys/fs/file-max"));
        r.put("nr_open", readLong("/proc/sys/fs/nr_open"));
        r.put("soft_limit", fds[1]);
        r.put("hard_limit", hard);
        r.put("open", fds[0]);
        r.put("connections_soft", fds[1] < 0 ? null : Math.max(0, fds[1] - fds[0] - RESERVED));
        r.put("connections_hard", hard < 0 ? null : Math.max(0, hard - fds[0] - RESERVED));
        return r;
    }

    private static String row(String name, Object value) {
        return String.format(Locale.ROOT, "   %-52s %s", name + ":", value == null ? "N/A" : value);
    }

    private static Long readLong(String file) {
        try {
            return Long.parseLong(ClientHardware.readProc(file).trim());
        } catch (IOException | RuntimeException e) {
            return null;
        }
    }

    /** The hard RLIMIT_NOFILE, from /proc/self/limits ("Max open files  soft  hard  files"). */
    static long hardLimit() {
        try {
            List<String> lines = Files.readAllLines(Path.of("/proc/self/limits"));
            for (String line : lines) {
                if (line.startsWith("Max open files")) {
                    String[] f = line.substring("Max open files".length()).trim().split("\\s+");
                    return f[1].equals("unlimited") ? Long.MAX_VALUE : Long.parseLong(f[1]);
                }
            }
        } catch (IOException | RuntimeException e) {
            // not Linux
        }
        return -1;
    }
}
