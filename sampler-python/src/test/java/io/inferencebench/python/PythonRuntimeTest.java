package io.inferencebench.python;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Choosing the runtime: auto prefers Jep and says so in one line when it falls back. */
class PythonRuntimeTest {
    @TempDir
    Path folder;

    @Test
    void autoFallsBackToWorkerProcessesWithOneLineWhenJepIsMissing() throws Exception {
        String missing = JepRuntime.unavailableReason(PythonOptions.of(folder.resolve("x.py")));
        assumeTrue(missing != null, "Jep is installed here, so auto does not fall back");
        List<String> notices = new ArrayList<>();

        try (PythonRuntime runtime = PythonRuntime.start(PythonOptions.of(Factories.numbered(folder, 2)).withWorkers(2), notices::add)) {
            assertThat(runtime).isInstanceOf(WorkerPool.class);
            assertThat(runtime.invoke().ok()).isTrue();
        }
        assertThat(notices).containsExactly("Jep is not available (" + missing + "); running 2 CPython worker processes.");
    }

    @Test
    void askingForJepWhereItIsMissingIsOneSentence() {
        PythonOptions options = PythonOptions.of(Factories.numbered(folder, 1)).withRuntime(PythonOptions.Runtime.JEP);
        String missing = JepRuntime.unavailableReason(options);
        assumeTrue(missing != null, "Jep is installed here");

        assertThatThrownBy(() -> PythonRuntime.start(options, notice -> { })).isInstanceOf(FactoriesException.class)
                .hasMessage("The Jep runtime was asked for, but Jep is not available (" + missing
                        + "); install Jep 4.x (pip install jep) or use the subprocess runtime.");
    }
}
