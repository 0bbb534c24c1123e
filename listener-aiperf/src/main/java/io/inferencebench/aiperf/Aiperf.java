package io.inferencebench.aiperf;

import java.io.File;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;

import com.fasterxml.jackson.databind.JsonNode;

import io.inferencebench.outcome.AiperfReport;

/**
 * One {@code aiperf profile} run into a directory: its input written from the wave's payloads, the
 * process run to its end, the API key scrubbed from every file it wrote (aiperf records its whole
 * configuration, key included, in its summary JSON and log), and its files read into the section. A
 * failure becomes a {@code failed} section with one sentence, never an exception: the wave's results
 * are already safe.
 */
public final class Aiperf {
    /** The environment variable, and system property, that name the aiperf executable when it is not on PATH. */
    public static final String EXECUTABLE_ENV = "IB_AIPERF";
    public static final String EXECUTABLE_PROPERTY = "ib.aiperf";

    public static final String DIRECTORY = "aiperf";
    public static final String INPUT_FILE = "payloads.jsonl";
    public static final String COMMAND_FILE = "command.txt";
    public static final String CONSOLE_FILE = "aiperf_console.log";

    private final AiperfSettings settings;
    private final PayloadSource payloads;

    /** @param payloads the wave's payloads, or {@code null} for aiperf's own synthetic prompts */
    public Aiperf(AiperfSettings settings, PayloadSource payloads) {
        this.settings = settings;
        this.payloads = payloads;
    }

    /** The aiperf executable: {@code -Dib.aiperf}, else {@code $IB_AIPERF}, else {@code aiperf} on PATH; {@code null} if none. */
    public static Path executable() {
        String named = System.getProperty(EXECUTABLE_PROPERTY, System.getenv(EXECUTABLE_ENV));
        if (named != null && !named.isBlank()) {
            Path p = Path.of(named.strip());
            return Files.isExecutable(p) ? p : null;
        }
        String path = System.getenv("PATH");
        for (String dir : (path == null ? "" : path).split(File.pathSeparator)) {
            if (!dir.isEmpty() && Files.isExecutable(Path.of(dir, "aiperf"))) {
                return Path.of(dir, "aiperf");
            }
        }
        return null;
    }

    /** The sentence when aiperf cannot be found. */
    public static String notInstalled() {
        String named = System.getProperty(EXECUTABLE_PROPERTY, System.getenv(EXECUTABLE_ENV));
        return named != null && !named.isBlank()
                ? "aiperf is not at " + named + " (" + EXECUTABLE_ENV + "): install it with 'pip install aiperf' and "
                        + "point " + EXECUTABLE_ENV + " at its executable, or unset it to use 'aiperf' on PATH."
                : "aiperf is not installed (no 'aiperf' on PATH): install it with 'pip install aiperf', or set "
                        + EXECUTABLE_ENV + " to its executable.";
    }

    /** Runs aiperf with its files in {@code dir}; progress and the outcome's sentence go to {@code console}. */
    public AiperfReport run(Path dir, ServerWindow serverWindow, PrintStream console) throws InterruptedException {
        Path exe = executable();
        if (exe == null) {
            return AiperfReport.failed(null, notInstalled());
        }
        List<String> argv = new ArrayList<>();
        String command = null;
        Process process = null;
        try {
            Files.createDirectories(dir);
            Path input = null;
            if (payloads != null && !settings.userInput()) {
                input = dir.resolve(INPUT_FILE).toAbsolutePath();
                writeInput(input);
            }
            argv.add(exe.toString());
            argv.add("profile");
            argv.addAll(settings.args(dir.toAbsolutePath(), input).toArgs());
            command = settings.redacted(argv);
            Files.writeString(dir.resolve(COMMAND_FILE), command + "\n", StandardCharsets.UTF_8);
            console.println("aiperf: " + command);
            try (ServerWindow.Recording recording = serverWindow == null ? null : serverWindow.start()) {
                Instant start = Instant.now();
                ProcessBuilder pb = new ProcessBuilder(argv).directory(dir.toFile()).redirectErrorStream(true)
                        .redirectOutput(dir.resolve(CONSOLE_FILE).toFile());
                // aiperf's console (rich) wraps at 80 columns off a terminal: a wide one keeps a message on one line
                pb.environment().put("COLUMNS", "200");
                process = pb.start();
                int exit = process.waitFor();
                Instant end = Instant.now();
                scrub(dir);
                if (exit != 0) {
                    return AiperfReport.failed(command, "aiperf exited with code " + exit + ": " + lastLine(dir)
                            + " (all of its output: " + dir.resolve(CONSOLE_FILE) + ").");
                }
                AiperfReport report = AiperfResults.read(dir).withCommand(command);
                if (recording != null) {
                    Instant from = report.window() != null ? Instant.ofEpochMilli(report.window().startEpochMs()) : start;
                    Instant to = report.window() != null ? Instant.ofEpochMilli(report.window().endEpochMs()) : end;
                    console.println("Server metrics for aiperf's window:");
                    report = report.withServerMetrics(recording.finish(from, to, console));
                }
                return report;
            }
        } catch (AiperfResultsException e) {
            return AiperfReport.failed(command, e.getMessage() + ".");
        } catch (IOException e) {
            return AiperfReport.failed(command, "aiperf could not run: " + settings.redact(String.valueOf(e.getMessage())) + ".");
        } catch (InterruptedException e) {
            if (process != null) {
                process.descendants().forEach(ProcessHandle::destroy);
                process.destroy();
            }
            throw e;
        } finally {
            if (process != null) {
                try {
                    scrub(dir);
                } catch (IOException e) {
                    console.println("aiperf: could not check " + dir + " for the API key: " + e.getMessage());
                }
            }
        }
    }

    private void writeInput(Path input) throws IOException, InterruptedException {
        List<String> lines = new ArrayList<>();
        for (JsonNode p : payloads.payloads(settings.calls())) {
            lines.add(DatasetLine.of(p));
        }
        if (lines.isEmpty()) {
            throw new IOException("the wave has no payloads to give aiperf; name an input file with "
                    + "--aiperf-args '{\"input-file\": \"F.jsonl\", \"custom-dataset-type\": \"single_turn\"}'");
        }
        Files.write(input, lines, StandardCharsets.UTF_8);
    }

    /** The key out of every file aiperf wrote: its summary JSON keeps the whole configuration, its log too. */
    private void scrub(Path dir) throws IOException {
        String key = settings.apiKey();
        byte[] needle = key.getBytes(StandardCharsets.UTF_8);
        try (Stream<Path> files = Files.walk(dir)) {
            for (Path f : (Iterable<Path>) files.filter(Files::isRegularFile)::iterator) {
                byte[] bytes = Files.readAllBytes(f);
                if (indexOf(bytes, needle) >= 0) {
                    String text = new String(bytes, StandardCharsets.UTF_8);
                    Files.writeString(f, text.replace(key, AiperfSettings.REDACTED), StandardCharsets.UTF_8);
                }
            }
        }
    }

    private static int indexOf(byte[] hay, byte[] needle) {
        outer:
        for (int i = 0; i <= hay.length - needle.length; i++) {
            for (int j = 0; j < needle.length; j++) {
                if (hay[i + j] != needle[j]) {
                    continue outer;
                }
            }
            return i;
        }
        return -1;
    }

    /** An exception's line, {@code NotInitializedError: Tokenized corpus is not initialized.}, or {@code Error: ...}. */
    private static final java.util.regex.Pattern ERROR_LINE = java.util.regex.Pattern.compile("^\\w*(Error|Exception):? .+");

    /**
     * What aiperf said last that explains its failure, for the one sentence: its first error line (the
     * cause: later ones report the failed steps after it), else its last line that says something.
     */
    private String lastLine(Path dir) {
        try {
            List<String> lines = new ArrayList<>();
            for (String raw : Files.readAllLines(dir.resolve(CONSOLE_FILE), StandardCharsets.UTF_8)) {
                // no colours, no rich's box edges
                String l = raw.replaceAll("\u001B\\[[;\\d]*m", "").replaceAll("^[\\s│┃]+|[\\s│┃]+$", "");
                if (!l.isEmpty() && !l.matches("[─━│┃╭╮╰╯═╔╗╚╝\\s]+")) {
                    lines.add(l);
                }
            }
            for (int i = 0; i < lines.size(); i++) {
                String l = lines.get(i);
                if (l.startsWith("╭─ Error")) {
                    // its command line refused (cyclopts, pydantic): the box's words, without the link
                    List<String> box = new ArrayList<>();
                    for (int j = i + 1; j < lines.size() && !lines.get(j).startsWith("╰"); j++) {
                        if (!lines.get(j).startsWith("For further information")) {
                            box.add(lines.get(j));
                        }
                    }
                    return settings.redact(String.join(" ", box));
                }
                if (ERROR_LINE.matcher(l).matches()) {
                    // a message cut at the console's width goes on in the next line
                    boolean goesOn = l.endsWith(":") && i + 1 < lines.size() && !lines.get(i + 1).matches("^\\d\\d:.*");
                    return settings.redact(goesOn ? l + " " + lines.get(i + 1) : l);
                }
            }
            if (!lines.isEmpty()) {
                return settings.redact(lines.get(lines.size() - 1));
            }
        } catch (IOException | RuntimeException e) {
            // below
        }
        return "it printed nothing";
    }
}
