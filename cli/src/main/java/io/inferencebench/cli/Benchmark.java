package io.inferencebench.cli;

import java.io.PrintWriter;
import java.util.concurrent.Callable;

import io.inferencebench.cli.aiperf.AiperfOnlyRun;
import io.inferencebench.cli.aiperf.AiperfOptions;
import io.inferencebench.cli.capacity.CapacityCommand;
import io.inferencebench.cli.install.InstallCommand;
import io.inferencebench.cli.install.UninstallCommand;
import io.inferencebench.cli.launch.GuiCommand;
import io.inferencebench.cli.launch.ServerCommand;
import io.inferencebench.cli.search.SearchOptions;
import io.inferencebench.input.UserInputProblem;
import io.inferencebench.simulator.SimulateCommand;
import io.inferencebench.simulator.SimulatorOptionsException;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Spec;

/** The {@code benchmark} command: runs a wave (the default), or one of its subcommands. */
@Command(name = "benchmark", mixinStandardHelpOptions = true, sortOptions = false, usageHelpWidth = 220,
        versionProvider = Benchmark.Version.class,
        description = "Load testing and capacity planning for inference endpoints, on Apache JMeter's engine.",
        subcommands = {SimulateCommand.class, CapacityCommand.class, InstallCommand.class, UninstallCommand.class,
                GuiCommand.class, ServerCommand.class},
        footer = {"", "Exit codes: 0 passed, 1 failed (the success threshold or a --threshold), 2 bad input, 3 not valid (the client",
                "limited the wave: under-firing, dropped starts, thread cap, a lost engine), 4 not saved (the run directory was deleted",
                "or not writable: the RESULTS block is all there is), 130 interrupted (Ctrl-C), 143 terminated (SIGTERM);",
                "an interrupted wave still writes its RESULTS block and summary.json.",
                "--find-max-rps: 0 found, 1 even the start rate failed, 3 a client-limited step or a disagreeing server count, 130 interrupted",
                "(finished steps kept); see docs/capacity-search.md.",
                "Runs land in <results-dir>/<YYYYmmdd_HHMMSS>_benchmark/ (benchmark.log, plan.jmx, results.jtl, summary.json).",
                "Environment: IB_JAVA picks the Java; IB_JAVA_OPTS adds JVM options after the defaults -Xms1g -XX:+UseG1GC",
                "-XX:MaxGCPauseMillis=20, each left out when IB_JAVA_OPTS sets its own (a shorter pause goal than G1's 200 ms: a pause",
                "delays every request in flight, and with thousands of streams open G1's own goal let its pauses reach 100-300 ms)."})
public class Benchmark implements Callable<Integer> {
    public static final int PASSED = 0;
    public static final int FAILED = 1;
    public static final int BAD_INPUT = 2;
    public static final int NOT_VALID = 3;
    /** The wave ran and its RESULTS were printed, but the run directory could not hold them (deleted, read-only, full). */
    public static final int NOT_SAVED = 4;
    public static final int INTERRUPTED = 130;
    public static final int TERMINATED = 143;

    @Mixin
    WaveOptions wave = new WaveOptions();

    @Mixin
    OpenAiOptions openai = wave.openai;

    @Mixin
    AiperfOptions aiperf = wave.aiperf;

    @Mixin
    PlotOptions plot = new PlotOptions();

    @Mixin
    SearchOptions search = new SearchOptions();

    @Spec
    CommandSpec spec;

    @Override
    public Integer call() throws Exception {
        if (plot.requested()) {
            return plot.run(new Console(System.out));
        }
        if (search.requested()) {
            return search.run(wave::toSearchSpec, new Console(System.out));
        }
        search.checkNoStrayFlag();
        if (aiperf.only()) {
            return AiperfOnlyRun.of(wave.toSpec(), new Console(System.out)).run();
        }
        return new WaveRunner(wave.toSpec(), new Console(System.out), true).run();
    }

    public static void main(String[] args) {
        System.exit(execute(args));
    }

    /** Runs the command line and returns the exit code (for tests and the launcher). */
    public static int execute(String... args) {
        System.setProperty("java.awt.headless", "true");
        CommandLine cli = new CommandLine(new Benchmark());
        cli.setUsageHelpLongOptionsMaxWidth(40); // one line per flag
        cli.setParameterExceptionHandler((ex, a) -> {
            PrintWriter err = ex.getCommandLine().getErr();
            String message = ex.getMessage();
            if (ex instanceof CommandLine.UnmatchedArgumentException u && !u.getUnmatched().isEmpty()) {
                message = "Unknown argument: " + u.getUnmatched().get(0);
            }
            err.println(message);
            err.println("Usage: " + ex.getCommandLine().getHelp().synopsis(0).trim());
            err.println("Run '" + ex.getCommandLine().getCommandSpec().qualifiedName() + " --help' for every flag.");
            err.flush();
            return BAD_INPUT;
        });
        cli.setExecutionExceptionHandler((ex, c, parsed) -> {
            String sentence = userInputProblem(ex);
            if (sentence == null) {
                throw ex; // a bug: picocli prints the trace, exit 1
            }
            c.getErr().println(sentence);
            c.getErr().flush();
            return BAD_INPUT;
        });
        return cli.execute(args);
    }

    /**
     * The sentence of an exception a user's input caused, or {@code null} for any other exception. The one
     * place that decides exit code 2: every module's user-input exception implements
     * {@link UserInputProblem}, except the simulator's (a module that depends on nothing of ours), named here.
     */
    static String userInputProblem(Throwable ex) {
        if (ex instanceof UserInputProblem || ex instanceof SimulatorOptionsException) {
            String m = ex.getMessage();
            // the core and the samplers name their settings as the GUI does; here they are flags
            return m == null || m.isBlank() ? ex.getClass().getSimpleName() : WaveOptions.inFlags(m.strip());
        }
        return null;
    }

    static class Version implements CommandLine.IVersionProvider {
        @Override
        public String[] getVersion() {
            String v = Benchmark.class.getPackage().getImplementationVersion();
            return new String[] {"InferenceBench for JMeter " + (v == null ? "dev" : v) + " (Apache JMeter "
                    + JMeterHome.VERSION + ")"};
        }
    }
}
