package io.inferencebench.cli;

import io.inferencebench.testsupport.CapturedConsole;
import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assertions.assertTimeoutPreemptively;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.io.IOException;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.stream.Stream;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Bad input, everywhere, one way: every mistake a user can make on the command line ends in one sentence
 * naming the problem and the fix, exit code 2, no stack trace, no run directory, and no secret echoed.
 *
 * <p>Placeholders in a row: {@code {results}} a results directory that must stay empty (every row gets
 * {@code --results-dir {results}} unless it names its own or the command has none), {@code {file}} a
 * regular file, {@code {dir}} a directory, {@code {factories}} a factories file (never run: every row
 * fails before Python starts or while it starts), {@code {closed}} a port nothing listens on,
 * {@code {busy}} a port that is taken, {@code {missing}} a path that does not exist.
 */
class BadInputTest {
    private static final String SECRET = "abc123secret";
    private static final String URL = "http://127.0.0.1:1/invocations";

    @RegisterExtension
    final CapturedConsole console = new CapturedConsole();

    @TempDir
    Path tmp;

    private static ServerSocket busy;
    private static int closed;

    @BeforeAll
    static void ports() throws IOException {
        busy = new ServerSocket(0, 50, java.net.InetAddress.getLoopbackAddress());
        try (ServerSocket s = new ServerSocket(0, 50, java.net.InetAddress.getLoopbackAddress())) {
            closed = s.getLocalPort();
        }
    }

    @AfterAll
    static void closePorts() throws IOException {
        busy.close();
    }

    private static Arguments row(String expected, String... args) {
        return Arguments.of(String.join(" ", args), expected, args);
    }

    /** A wave with an endpoint and an end, plus {@code more}: only {@code more} is wrong. */
    private static Arguments wave(String expected, String... more) {
        List<String> args = new ArrayList<>(List.of("--url", URL, "--obs-time", "1", "--no-warmup"));
        args.addAll(Arrays.asList(more));
        return row(expected, args.toArray(String[]::new));
    }

    /** A Python wave on {@code {factories}} plus {@code more}. */
    private static Arguments python(String expected, String... more) {
        List<String> args = new ArrayList<>(List.of("--factories-file", "{factories}", "--obs-time", "1", "--no-warmup"));
        args.addAll(Arrays.asList(more));
        return row(expected, args.toArray(String[]::new));
    }

    static Stream<Arguments> rows() {
        return Stream.of(
                // unknown flags and non-numbers: picocli's sentence plus the usage hint
                row("Unknown argument: --foo", "--foo"),
                wave("'abc' is not a double", "--client-rps", "abc"),
                wave("'abc' is not a double", "--grace", "abc"),
                wave("'abc' is not a double", "--success-threshold", "abc"),
                wave("'x' is not a long", "--num-requests", "x"),
                wave("'many' is not an int", "--max-threads", "many"),
                wave("'fast' is not an int", "--client-hw-interval", "fast"),
                python("'lots' is not an int", "--workers", "lots"),
                row("'soon' is not a double", "--url", URL, "--obs-time", "soon"),
                // a wave needs an end and a target
                row("The wave has no end", "--url", URL),
                row("Nothing to send requests to", "--obs-time", "1"),
                // bounds and rates
                row("--obs-time must be more than 0", "--url", URL, "--obs-time", "0"),
                row("--obs-time must be more than 0", "--url", URL, "--obs-time", "-1"),
                row("--obs-time must be more than 0 and at most 2592000 seconds (30 days)", "--url", URL, "--obs-time", "1e300"),
                row("--num-requests must be at least 1", "--url", URL, "--num-requests", "0"),
                row("--num-requests must be at least 1", "--url", URL, "--num-requests", "-5"),
                wave("--client-rps must be more than 0", "--client-rps", "0"),
                wave("--client-rps must be more than 0", "--client-rps", "-1"),
                wave("--client-rps must be more than 0", "--client-rps", "Infinity"),
                wave("--client-rps must be more than 0", "--client-rps", "NaN"),
                wave("more than 10000000", "--client-rps", "1e300"),
                wave("--success-threshold is a fraction between 0 and 1", "--success-threshold", "2"),
                wave("--success-threshold is a fraction between 0 and 1", "--success-threshold", "-0.1"),
                wave("--max-threads must be 0 (automatic) or at least 1", "--max-threads", "-1"),
                // more threads than this process has file descriptors for (20,000 here; the default limit elsewhere)
                wave("A --max-threads of 10,000,000 needs up to 10,000,256 file descriptors", "--max-threads", "10000000"),
                wave("--client-hw-interval must be at least 1 ms", "--client-hw-interval", "0"),
                wave("--grace must be 0 seconds or more", "--grace", "-1"),
                wave("--seed 'abc' is not a whole number", "--seed", "abc"),
                wave("Unknown arrivals 'foo'", "--arrivals", "foo"),
                wave("Unknown late policy 'drop:x'", "--late-policy", "drop:x"),
                wave("Unknown late policy 'drop:-1'", "--late-policy", "drop:-1"),
                // load profiles
                row("--load-profile: In the load profile, clause 1 'const(10,1e300)'", "--url", URL,
                        "--load-profile", "const(10,1e300)"),
                row("starts no request", "--url", URL, "--load-profile", "const(10,0)"),
                row("starts no request within the duration of 5 s", "--url", URL, "--load-profile",
                        "const(0,10) const(5,10)", "--obs-time", "5"),
                row("is not a known clause", "--url", URL, "--load-profile", "foo(1,2)"),
                row("never sends a request", "--url", URL, "--load-profile", "const(0,10)"),
                row("negative rate", "--url", URL, "--load-profile", "const(-1,10)"),
                row("more than 100000 steps", "--url", URL, "--load-profile", "step(0,1000000,0.001,1)"),
                // the HTTP target
                row("--url 'ftp://x' must start with http:// or https://", "--url", "ftp://x", "--obs-time", "1"),
                row("--url 'not a url' is not a URL", "--url", "not a url", "--obs-time", "1"),
                wave("--body @/nonexistent/body.json: cannot read", "--body", "@/nonexistent/body.json"),
                // the simulator, as --simulate and as the simulate command
                row("unknown key 'latncy'", "--simulate=latncy=5ms", "--obs-time", "1"),
                row("Option --simulate latency has the bad value 'fast'", "--simulate=latency=fast", "--obs-time", "1"),
                row("Option --simulate error-rate has the bad value '2", "--simulate=error-rate=2", "--obs-time", "1"),
                row("Option --simulate has the bad part 'nonsense'", "--simulate=nonsense", "--obs-time", "1"),
                row("Option --port has the bad value '70000'", "simulate", "--port", "70000"),
                row("Option --port has the bad value 'abc'", "simulate", "--port", "abc"),
                row("Option --latency has the bad value 'x'", "simulate", "--latency", "x"),
                row("Option --error-rate has the bad value '2", "simulate", "--error-rate", "2"),
                row("Option --capacity has the bad value '-1'", "simulate", "--capacity", "-1"),
                row("Option --output-tokens has the bad value '0'", "simulate", "--output-tokens", "0"),
                row("Option --stall", "simulate", "--stall", "soon"),
                row("{busy}", "simulate", "--port", "{busy}"),
                // Python factories
                python("--workers is 10000, more than this machine can run", "--workers", "10000"),
                python("--workers must be at least 1", "--workers", "0"),
                python("Python runtime 'graalpy' is unknown", "--python-runtime", "graalpy"),
                python("is not executable", "--python", "{file}"),
                python("was not found", "--python", "{missing}"),
                row("is a directory", "--factories-file", "{dir}", "--obs-time", "1"),
                row("does not exist", "--factories-file", "{missing}", "--obs-time", "1"),
                // the results directory (the rows of Wave's own early check are below, waiting)
                wave("is a file, not a directory", "--results-dir", "{file}"),
                wave("lies under the file", "--results-dir", "{file}/runs"),
                // server metrics
                wave("{missing}", "--endpoint-config", "{missing}"),
                wave("Endpoint config", "--endpoint-config", "{file}"),
                // remote engines
                wave("nothing listens on 127.0.0.1:{closed}: start jmeter-server there", "--remote", "127.0.0.1:{closed}"),
                wave("has an empty entry", "--remote", "127.0.0.1:1099,"),
                wave("is not a port", "--remote", "127.0.0.1:x"),
                wave("twice", "--remote", "127.0.0.1:1099,127.0.0.1:1099"),
                row("does not split evenly over 2", "--url", URL, "--num-requests", "3", "--remote",
                        "127.0.0.1:{closed},127.0.0.2:{closed}"),
                wave("--sample-client-hw samples this machine", "--sample-client-hw", "--remote", "127.0.0.1:{closed}"),
                // reports
                row("--plot-metadata must be a JSON object", "--plot", "{dir}", "--plot-metadata", "[1,2]"),
                row("--plot-metadata file", "--plot", "{dir}", "--plot-metadata", "{missing}"),
                row("purple", "--plot", "{dir}", "--theme", "purple"),
                row("--plot-fields", "--plot", "{dir}", "--plot-fields", "{bad"),
                row("/nonexistent/run", "--plot", "/nonexistent/run"),
                row("is not a run directory", "--plot", "{dir}"),
                // capacity probes
                row("Missing required subcommand", "capacity"),
                row("Missing required option: '--factories-file=FILE'", "capacity", "worker-saturation"),
                row("'fast' is not a double", "capacity", "worker-saturation", "--factories-file", "{factories}",
                        "--start-rate", "fast"),
                row("--start-rate must be more than 0", "capacity", "worker-saturation", "--factories-file",
                        "{factories}", "--start-rate", "0"),
                row("--max-rate 10 is below --start-rate 50", "capacity", "worker-saturation", "--factories-file",
                        "{factories}", "--max-rate", "10"),
                row("--confirmations must be from 0 to 1000", "capacity", "worker-saturation", "--factories-file",
                        "{factories}", "--confirmations", "-1"),
                row("Option --simulate latency has the bad value 'fast'", "capacity", "worker-saturation",
                        "--factories-file", "{factories}", "--simulate", "latency=fast"),
                row("unknown key 'latncy'", "capacity", "rps-saturation", "--factories-file", "{factories}",
                        "--simulate", "latncy=5ms"),
                row("--url 'ftp://x' must start with http:// or https://", "capacity", "worker-saturation",
                        "--factories-file", "{factories}", "--url", "ftp://x"),
                row("is a directory", "capacity", "worker-saturation", "--factories-file", "{dir}"),
                row("does not exist", "capacity", "worker-saturation", "--factories-file", "{missing}"),
                row("is not executable", "capacity", "worker-saturation", "--factories-file", "{factories}",
                        "--python", "{file}"),
                row("is a file, not a directory", "capacity", "worker-saturation", "--factories-file", "{factories}",
                        "--results-dir", "{file}"),
                row("--max-workers must be from 1 to", "capacity", "rps-saturation", "--factories-file", "{factories}",
                        "--max-workers", "0"),
                row("--max-workers must be from 1 to", "capacity", "rps-saturation", "--factories-file", "{factories}",
                        "--max-workers", "10000"),
                row("--min-gain is a fraction", "capacity", "rps-saturation", "--factories-file", "{factories}",
                        "--min-gain", "-1"),
                row("--burst-seconds must be more than 0", "capacity", "rps-saturation", "--factories-file",
                        "{factories}", "--burst-seconds", "0"),
                row("is a file, not a directory", "capacity", "fd-limit", "--results-dir", "{file}"),
                row("lies under the file", "capacity", "fd-limit", "--results-dir", "{file}/runs"),
                // checked by WaveSpec before the simulator or Python start
                // every --header, before anything starts; its text is never shown
                wave("A --header has no colon", "--header", "Authorization Bearer " + SECRET),
                wave("A --header has no name", "--header", ": Bearer " + SECRET),
                // a stated maximum for --grace (and a deadline that saturates instead of overflowing)
                wave("--grace must be at most 86400 seconds (24 h)", "--grace", "1e10"),
                // RunDirectory.checkWritable(resultsDir) before the simulator or Python start: one line only
                row("is a file, not a directory", "--simulate", "--obs-time", "1", "--results-dir", "{file}"),
                // an empty region, checked before anything starts
                wave("--aws-region is empty", "--aws-region", ""),
                // an LLM wave's flags, checked before anything starts
                wave("--openai responses is not an API this sampler speaks: give chat or completions.", "--openai", "responses", "--model", "m"),
                wave("--openai needs --model NAME", "--openai", "chat"),
                wave("--model is for an LLM wave: add --openai chat|completions, or leave it out.", "--model", "m"),
                wave("--max-tokens must be 0", "--openai", "chat", "--model", "m", "--max-tokens", "-1"),
                wave("--synthetic-input-tokens '10,x' is not N or N,STDDEV", "--openai", "chat", "--model", "m", "--synthetic-input-tokens", "10,x"),
                wave("--shared-prefix 200 is longer than the synthetic prompts (128 words)", "--openai", "chat", "--model", "m", "--shared-prefix", "200"),
                wave("does not exist; give a JSONL file", "--openai", "chat", "--model", "m", "--prompts", "{missing}"),
                wave("Line 1 of the prompts file", "--openai", "chat", "--model", "m", "--prompts", "{file}"),
                wave("--tokenizer {missing} does not exist or is not a file; give the model's tokenizer.json",
                        "--openai", "chat", "--model", "m", "--tokenizer", "{missing}"),
                wave("--tokenizer {file} is not a Hugging Face tokenizer.json (", "--openai", "chat", "--model", "m",
                        "--tokenizer", "{file}"),
                wave("--tokenizer is for an LLM wave: add --openai chat|completions, or leave it out.", "--tokenizer", "{file}"),
                python("--openai and --factories-file are two kinds of wave", "--openai", "chat", "--model", "m"),
                wave("--slo part 'ttft=soon' is not FIGURE<TIME", "--openai", "chat", "--model", "m", "--slo", "ttft=soon"),
                wave("--slo is for an LLM wave", "--slo", "ttft=1s"),
                // the aiperf flow: everything aiperf needs is checked before the wave
                wave("--aiperf needs --api-key: the key aiperf sends as Authorization: Bearer.", "--aiperf", "--model", "m"),
                wave("--aiperf needs --model NAME (the model aiperf asks the endpoint for), or \"model\" in --aiperf-args.",
                        "--aiperf", "--api-key", SECRET),
                row("--aiperf needs --url: the endpoint aiperf sends its requests to.", "--simulate", "--obs-time", "1",
                        "--aiperf", "--model", "m", "--api-key", SECRET),
                wave("--aiperf-args must be a JSON object of aiperf flags", "--aiperf", "--model", "m", "--api-key", SECRET,
                        "--aiperf-args", "[1]"),
                wave("--aiperf-args is not valid JSON (", "--aiperf", "--model", "m", "--api-key", SECRET,
                        "--aiperf-args", "{concurrency: 8}"),
                wave("--baseline-wait is for an aiperf run: add --aiperf (or --aiperf-only), or leave it out.",
                        "--baseline-wait", "5"),
                wave("--baseline-wait and --baseline-prompt are two ways to pause: give one of them.", "--aiperf",
                        "--model", "m", "--api-key", SECRET, "--baseline-wait", "5", "--baseline-prompt"),
                wave("--baseline-wait must be from 0 to 86400 seconds, got -1.0.", "--aiperf", "--model", "m",
                        "--api-key", SECRET, "--baseline-wait", "-1"));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("rows")
    void isOneSentenceExitTwoNothingWritten(String name, String expected, String[] args) throws Exception {
        assertBadInput(expected, args);
    }

    /**
     * A read-only place, found by a real attempt: as root {@link Files#isWritable} says yes to nearly
     * everything, but nothing can be created under /proc.
     */
    @Test
    void aResultsDirectoryNobodyCanWriteIsNamed() throws Exception {
        assumeTrue(Files.isDirectory(Path.of("/proc/self")), "needs Linux /proc");
        assertBadInput("--results-dir /proc/ib-results cannot be written", "--url", URL, "--obs-time", "1",
                "--results-dir", "/proc/ib-results");
    }

    @Test
    void aProbeResultsDirectoryNobodyCanWriteIsNamed() throws Exception {
        assumeTrue(Files.isDirectory(Path.of("/proc/self")), "needs Linux /proc");
        assertBadInput("--results-dir /proc/ib-results cannot be written", "capacity", "fd-limit",
                "--results-dir", "/proc/ib-results");
    }

    private void assertBadInput(String expected, String... rawArgs) throws Exception {
        Path results = tmp.resolve("results");
        Path file = Files.writeString(tmp.resolve("a-file.txt"), "not a directory, not a program\n");
        Path dir = Files.createDirectories(tmp.resolve("a-dir"));
        Path factories = Files.writeString(tmp.resolve("factories.py"),
                "raise SystemExit('bad input must be found before this file runs')\n");
        String missing = tmp.resolve("missing").resolve("nothing-here").toString();
        List<String> args = new ArrayList<>();
        for (String a : rawArgs) {
            args.add(substitute(a, results, file, dir, factories, missing));
        }
        boolean simulateCommand = !args.isEmpty() && args.get(0).equals("simulate");
        boolean plot = args.contains("--plot");
        boolean capacityWithoutProbe = args.size() == 1 || args.size() == 2 && args.get(0).equals("capacity")
                && !args.get(1).equals("fd-limit");
        if (!args.contains("--results-dir") && !simulateCommand && !plot && !capacityWithoutProbe) {
            args.add("--results-dir");
            args.add(results.toString());
        }
        List<Path> before = listing();

        int code = assertTimeoutPreemptively(Duration.ofSeconds(90),
                () -> Benchmark.execute(args.toArray(String[]::new)));

        String output = console.err() + console.out();
        String fragment = substitute(expected, results, file, dir, factories, missing);
        assertThat(code).as(output).isEqualTo(Benchmark.BAD_INPUT);
        assertThat(output).contains(fragment)
                .doesNotContain("Exception").doesNotContain("\tat ").doesNotContain("Caused by")
                .doesNotContain(SECRET);
        List<String> lines = output.lines().filter(l -> !l.isBlank()).toList();
        List<String> sentences = new ArrayList<>();
        boolean usage = false;
        for (String l : lines) {
            // picocli's hint after a flag it could not take: the synopsis (wrapped) and where --help is
            usage = l.startsWith("Usage: ") || usage && l.startsWith(" ");
            boolean help = l.startsWith("Run '") && l.endsWith("--help' for every flag.");
            boolean listed = l.startsWith("  ") && lines.get(0).endsWith(":"); // a file's problems, one a line
            if (!usage && !help && !listed) {
                sentences.add(l);
            }
        }
        assertThat(sentences).as(output).hasSize(1);
        assertThat(listing()).as("nothing written").isEqualTo(before);
        assertThat(results).as("no run directory").doesNotExist();
    }

    private static String substitute(String a, Path results, Path file, Path dir, Path factories, String missing) {
        return a.replace("{results}", results.toString()).replace("{file}", file.toString())
                .replace("{dir}", dir.toString()).replace("{factories}", factories.toString())
                .replace("{missing}", missing).replace("{closed}", Integer.toString(closed))
                .replace("{busy}", Integer.toString(busy.getLocalPort()));
    }

    private List<Path> listing() throws IOException {
        try (Stream<Path> all = Files.walk(tmp)) {
            return all.sorted().toList();
        }
    }
}
