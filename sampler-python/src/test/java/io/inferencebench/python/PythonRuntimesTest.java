package io.inferencebench.python;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Path;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The CLI and the sampler meet on one runtime per options; the last user closes it. */
class PythonRuntimesTest {
    @TempDir
    Path folder;

    @Test
    void equalOptionsShareOneRuntimeUntilTheLastRelease() throws Exception {
        PythonOptions options = PythonOptions.of(Factories.numbered(folder, 2)).withRuntime(PythonOptions.Runtime.SUBPROCESS);

        PythonRuntime first = PythonRuntimes.acquire(options, notice -> { });
        PythonRuntime second = PythonRuntimes.acquire(PythonOptions.of(options.factoriesFile()).withRuntime(PythonOptions.Runtime.SUBPROCESS), notice -> { });
        assertThat(second).isSameAs(first);
        assertThat(PythonRuntimes.running(options)).isSameAs(first);

        PythonRuntimes.release(options);
        assertThat(first.invoke().ok()).as("still running for the other user").isTrue();

        PythonRuntimes.release(options);
        assertThat(PythonRuntimes.running(options)).isNull();
        assertThat(first.invoke().error()).isEqualTo("the Python runtime was closed");
    }

    @Test
    void validateStartsAndStopsWithoutLeavingARuntime() throws Exception {
        PythonOptions options = PythonOptions.of(Factories.numbered(folder, 2)).withRuntime(PythonOptions.Runtime.SUBPROCESS);

        PythonRuntimes.validate(options, notice -> { });

        assertThat(PythonRuntimes.running(options)).isNull();
    }
}
