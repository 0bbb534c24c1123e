package io.inferencebench.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;

import org.junit.jupiter.api.Test;

import io.inferencebench.metrics.EndpointConfig;
import io.inferencebench.pacing.LoadProfile;
import io.inferencebench.python.FactoriesException;
import io.inferencebench.report.ReportInputException;
import io.inferencebench.simulator.SimulatorOptions;

/** The one place that decides exit code 2: user-input exceptions by type, anything else is a bug. */
class BenchmarkTest {
    @Test
    void everyModulesUserInputExceptionIsJustItsSentence() throws Exception {
        List<Throwable> userInput = List.of(
                new BadInputException("Bad flag: fix it."),
                new FactoriesException("Factories file f.py does not exist; pass one."),
                new ReportInputException("--theme purple is unknown: use light or dark."),
                catchThrowable(() -> LoadProfile.parse("const(10,1e300)")),
                catchThrowable(() -> SimulatorOptions.parse("latncy=5ms")),
                catchThrowable(() -> EndpointConfig.load(java.nio.file.Path.of("/nonexistent/endpoint.json"))));
        for (Throwable t : userInput) {
            assertThat(t).isNotNull();
            assertThat(Benchmark.userInputProblem(t)).as(t.getClass().getName()).isEqualTo(t.getMessage().strip());
        }
    }

    @Test
    void anythingElseIsABugThatKeepsItsTrace() {
        assertThat(Benchmark.userInputProblem(new IllegalStateException("engine broke"))).isNull();
        assertThat(Benchmark.userInputProblem(new IllegalArgumentException("a bug's argument"))).isNull();
        assertThat(Benchmark.userInputProblem(new NullPointerException())).isNull();
    }

    private static Throwable catchThrowable(ThrowingRunnable r) {
        try {
            r.run();
            return null;
        } catch (Throwable t) {
            return t;
        }
    }

    private interface ThrowingRunnable {
        void run() throws Exception;
    }
}
