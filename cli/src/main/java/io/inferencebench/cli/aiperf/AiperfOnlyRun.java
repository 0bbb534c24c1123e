package io.inferencebench.cli.aiperf;

import java.nio.file.Path;
import java.time.LocalDateTime;

import io.inferencebench.aiperf.Aiperf;
import io.inferencebench.aiperf.AiperfSection;
import io.inferencebench.cli.BadInputException;
import io.inferencebench.cli.WaveSpec;
import io.inferencebench.cli.Benchmark;
import io.inferencebench.cli.Console;
import io.inferencebench.cli.RunDirectory;
import io.inferencebench.outcome.AiperfReport;
import io.inferencebench.outcome.WaveOutcome;
import io.inferencebench.outcome.WaveSetup;
import io.inferencebench.wave.WaveStatistics;

/**
 * {@code --aiperf-only}: aiperf alone, in a run directory of its own, with a {@code summary.json} whose
 * wave fired nothing and whose {@code aiperf} section holds the figures, so {@code --plot} compares it
 * with other runs. Exit 2 when aiperf gave nothing (nothing else ran), else the success threshold decides.
 */
public final class AiperfOnlyRun {
    private final AiperfSection section;
    private final WaveSetup setup;
    private final Path resultsDir;
    private final Console console;

    public AiperfOnlyRun(AiperfSection section, WaveSetup setup, Path resultsDir, Console console) {
        this.section = section;
        this.setup = setup;
        this.resultsDir = resultsDir;
        this.console = console;
    }

    /** The aiperf-only run of {@code spec}; aiperf missing is bad input here, before anything is written. */
    public static AiperfOnlyRun of(WaveSpec spec, Console console) {
        AiperfSection section = spec.sections().stream().filter(AiperfSection.class::isInstance)
                .map(AiperfSection.class::cast).findFirst().orElseThrow();
        if (Aiperf.executable() == null) {
            throw new BadInputException(Aiperf.notInstalled());
        }
        WaveSetup setup = spec.setup(spec.target().endpointUrl());
        return new AiperfOnlyRun(section, new WaveSetup("aiperf", setup.target(), setup.targetRps(), setup.loadProfile(),
                setup.arrivals(), setup.seed(), setup.obsTimeS(), setup.numRequests(), null, null, null,
                setup.successThreshold(), setup.engine()), spec.resultsDir(), console);
    }

    public int run() throws Exception {
        try {
            Path runDir = RunDirectory.create(resultsDir, LocalDateTime.now());
            console.logTo(runDir.resolve("benchmark.log"));
            console.println("aiperf only (no wave) -> " + runDir);
            WaveOutcome outcome = new WaveStatistics().outcome(null, setup).withRun(runDir.getFileName().toString());
            try (var watch = section.start(runDir)) {
                outcome = watch.settled(outcome, console.asPrintStream());
            }
            outcome.write(runDir);
            console.println("Detailed results: " + runDir);
            AiperfReport report = outcome.section(AiperfReport.SECTION);
            if (report == null || !report.ok()) {
                return Benchmark.BAD_INPUT;
            }
            return report.successRate() != null && report.successRate() >= setup.successThreshold()
                    ? Benchmark.PASSED : Benchmark.FAILED;
        } finally {
            console.close();
        }
    }
}
