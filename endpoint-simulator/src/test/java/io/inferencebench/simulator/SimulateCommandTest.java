package io.inferencebench.simulator;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.PrintWriter;
import java.io.StringWriter;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import picocli.CommandLine;

class SimulateCommandTest {

    private final StringWriter out = new StringWriter();
    private final StringWriter err = new StringWriter();

    private CommandLine commandLine() {
        return new CommandLine(new SimulateCommand()).setOut(new PrintWriter(out, true)).setErr(new PrintWriter(err, true));
    }

    @Test
    void flagsMapOntoTheOptions() {
        CommandLine cl = commandLine();
        cl.parseArgs("--host", "127.0.0.1", "--port", "0", "--latency", "lognormal:50ms,0.5", "--capacity", "8",
                "--error-rate", "0.1", "--stall", "5s:3s", "--ttft", "200ms", "--itl", "20ms", "--output-tokens", "64");
        SimulatorOptions o = ((SimulateCommand) cl.getCommand()).options();
        assertThat(o.port()).isZero();
        assertThat(o.latency().text()).isEqualTo("lognormal:50ms,0.5");
        assertThat(o.capacity()).isEqualTo(8);
        assertThat(o.errorRate()).isEqualTo(0.1);
        assertThat(o.stall().text()).isEqualTo("5s:3s");
        assertThat(o.ttft().text()).isEqualTo("200ms");
        assertThat(o.itl()).isEqualTo(Duration.ofMillis(20));
        assertThat(o.outputTokens()).isEqualTo(OutputLength.fixed(64));
    }

    @Test
    void defaultsToLoopbackPort8080AndAnInstantServer() {
        CommandLine cl = commandLine();
        cl.parseArgs();
        SimulatorOptions o = ((SimulateCommand) cl.getCommand()).options();
        assertThat(o.host()).isEqualTo("127.0.0.1");
        assertThat(o.port()).isEqualTo(8080);
        assertThat(o.describe()).isEqualTo("latency 0, capacity unlimited, output tokens 16");
    }

    @Test
    void servesUntilInterruptedAfterPrintingWhereItListens() throws Exception {
        CommandLine cl = commandLine();
        CompletableFuture<Integer> exit = new CompletableFuture<>();
        Thread serving = new Thread(() -> exit.complete(cl.execute("--port", "0", "--latency", "10ms", "--capacity", "2")));
        serving.start();
        String line = awaitOutput();
        Matcher m = Pattern.compile("Endpoint simulator listening on (http://127\\.0\\.0\\.1:\\d+) "
                + "\\(latency 10ms, capacity 2, output tokens 16\\)\\s*").matcher(line);
        assertThat(m.matches()).as(line).isTrue();

        HttpResponse<String> r = HttpClient.newHttpClient().send(HttpRequest.newBuilder(URI.create(m.group(1) + "/invocations"))
                .POST(HttpRequest.BodyPublishers.ofString("{}")).build(), HttpResponse.BodyHandlers.ofString());
        assertThat(r.statusCode()).isEqualTo(200);

        serving.interrupt();
        assertThat(exit.get(10, TimeUnit.SECONDS)).isZero();
    }

    private String awaitOutput() throws InterruptedException {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
        while (out.toString().isEmpty() && System.nanoTime() < deadline) {
            Thread.sleep(20);
        }
        return out.toString();
    }

    @Test
    void aPortInUseEndsWithOneSentenceAndExitCode2() {
        try (EndpointSimulator busy = EndpointSimulator.start(SimulatorOptions.defaults())) {
            int code = commandLine().execute("--port", Integer.toString(busy.port()));
            assertThat(code).isEqualTo(2);
            assertThat(err.toString().trim()).isEqualTo("Port " + busy.port() + " on 127.0.0.1 is already in use: "
                    + "stop what listens there or choose another with --port (0 picks a free one).");
            assertThat(out.toString()).isEmpty();
        }
    }

    @Test
    void aBadValueEndsWithOneSentenceNamingTheFlagAndExitCode2() {
        assertThat(commandLine().execute("--port", "0", "--error-rate", "lots")).isEqualTo(2);
        assertThat(err.toString().trim()).isEqualTo("Option --error-rate has the bad value 'lots': write a fraction "
                + "from 0 to 1, e.g. 0.01 for 1% of requests answered with HTTP 500.");
        err.getBuffer().setLength(0);
        assertThat(commandLine().execute("--port", "0", "--stall", "5s")).isEqualTo(2);
        assertThat(err.toString().trim()).startsWith("Option --stall has the bad value '5s'");
        err.getBuffer().setLength(0);
        assertThat(commandLine().execute("--port", "http")).isEqualTo(2);
        assertThat(err.toString().trim()).startsWith("Option --port has the bad value 'http'");
    }

    @Test
    void maxBatchIsTheCapacityAndBothMustAgree() {
        CommandLine cl = commandLine();
        cl.parseArgs("--max-batch", "8", "--itl-per-seq", "1ms", "--output-tokens", "uniform:32-96", "--seed", "7");
        SimulatorOptions o = ((SimulateCommand) cl.getCommand()).options();
        assertThat(o.capacity()).isEqualTo(8);
        assertThat(o.itlPerSeq()).isEqualTo(Duration.ofMillis(1));
        assertThat(o.outputTokens()).isEqualTo(new OutputLength.Uniform(32, 96));
        assertThat(o.seed()).isEqualTo(7);

        assertThat(commandLine().execute("--port", "0", "--capacity", "4", "--max-batch", "8")).isEqualTo(2);
        assertThat(err.toString().trim()).isEqualTo("Options --capacity 4 and --max-batch 8 disagree: they are one "
                + "setting (requests served at once), so give one of them.");
        assertThat(out.toString()).isEmpty();
        err.getBuffer().setLength(0);
        assertThat(commandLine().execute("--port", "0", "--output-tokens", "normal:64")).isEqualTo(2);
        assertThat(err.toString().trim()).startsWith("Option --output-tokens has the bad value 'normal:64'");
    }

    @Test
    void helpNamesTheLlmServerModel() {
        commandLine().execute("--help");
        assertThat(out.toString()).contains("--max-batch", "--itl-per-seq", "uniform:32-96", "--seed");
    }
}
