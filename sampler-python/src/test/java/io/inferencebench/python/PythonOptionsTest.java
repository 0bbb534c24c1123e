package io.inferencebench.python;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Path;
import java.util.Map;

import org.junit.jupiter.api.Test;

class PythonOptionsTest {

    @Test
    void theLabelIsTheEndpointNameOrElseTheFilesStem() {
        PythonOptions options = PythonOptions.of(Path.of("factories/sagemaker_cnn.py"));

        assertThat(options.label()).isEqualTo("sagemaker_cnn");
        assertThat(options.withEndpointName(" my-endpoint ").label()).isEqualTo("my-endpoint");
    }

    @Test
    void optionsNamingTheSameRunAreEqualSoTheyShareOneRuntime() {
        PythonOptions relative = PythonOptions.of(Path.of("factories/../factories/a.py")).withEnvironment(Map.of("B", "2", "A", "1"));
        PythonOptions absolute = PythonOptions.of(Path.of("factories/a.py").toAbsolutePath()).withEnvironment(Map.of("A", "1", "B", "2"));

        assertThat(relative).isEqualTo(absolute).hasSameHashCodeAs(absolute);
        assertThat(relative.withWorkers(2)).isNotEqualTo(absolute);
    }

    @Test
    void theRuntimeIsParsedForgivinglyAndAnUnknownOneIsNamed() throws Exception {
        assertThat(PythonOptions.Runtime.parse(" Subprocess ")).isEqualTo(PythonOptions.Runtime.SUBPROCESS);
        assertThatThrownBy(() -> PythonOptions.Runtime.parse("graalpy")).isInstanceOf(FactoriesException.class)
                .hasMessage("Python runtime 'graalpy' is unknown; use auto, subprocess or jep.");
    }

    @Test
    void defaultsAreOneWorkerOnPython3WithTheAutoRuntime() {
        PythonOptions options = PythonOptions.of(Path.of("f.py"));

        assertThat(options.workers()).isEqualTo(1);
        assertThat(options.python()).isEqualTo("python3");
        assertThat(options.runtime()).isEqualTo(PythonOptions.Runtime.AUTO);
        assertThat(options.endpointName()).isEmpty();
        assertThat(options.threadsPerWorker()).as("a plain invoke's threads").isEqualTo(256);
        assertThat(options.asyncRequestsPerWorker()).as("an async invoke's coroutines").isEqualTo(10_000);
    }

    @Test
    void theAsyncBoundTravelsWithTheSamplersPropertiesAndMakesADifferentRun() throws Exception {
        PythonOptions options = PythonOptions.of(Path.of("f.py")).withAsyncRequestsPerWorker(500);

        assertThat(PythonFactorySampler.of(options).getPropertyAsInt("asyncRequestsPerWorker")).isEqualTo(500);
        assertThat(options).isNotEqualTo(PythonOptions.of(Path.of("f.py")));
        assertThatThrownBy(() -> options.withAsyncRequestsPerWorker(0)).isInstanceOf(IllegalArgumentException.class);
    }

    @Test
    void theWorkerCapIsFourPerCoreOrWhatMemoryHoldsWhicheverIsSmaller() {
        long mb = 1024L * 1024;
        assertThat(PythonOptions.maxWorkers(2, 64_000 * mb)).isEqualTo(8);      // cores decide
        assertThat(PythonOptions.maxWorkers(64, 400 * mb)).isEqualTo(10);       // memory decides, 40 MB each
        assertThat(PythonOptions.maxWorkers(8, 10 * mb)).isEqualTo(1);          // never below one
        assertThat(PythonOptions.maxWorkers(8, -1)).isEqualTo(32);              // memory unknown: cores only
        assertThat(PythonOptions.maxWorkers()).isBetween(1, 4 * Runtime.getRuntime().availableProcessors());
    }

    @Test
    void tooManyWorkersAreOneSentenceNamingTheSamplerPropertyAndTheLimit() throws Exception {
        assertThat(PythonOptions.workersProblem(10_000, 8, 2, 16_000L * 1024 * 1024)).isEqualTo(
                "'Worker processes' of the Python Factory Sampler is 10000, more than this machine can run: at most 8 here (4 per core on 2 cores, "
                        + "about 40 MB each of 16000 MB available memory); give at most 8, or spread the load over "
                        + "JMeter remote engines.");
        assertThatThrownBy(() -> PythonOptions.of(Path.of("f.py")).withWorkers(10_000).checkWorkers())
                .isInstanceOf(FactoriesException.class).hasMessageStartingWith("'Worker processes' of the Python Factory Sampler is 10000");
        PythonOptions fine = PythonOptions.of(Path.of("f.py")).withWorkers(PythonOptions.maxWorkers());
        assertThat(fine.checkWorkers()).isSameAs(fine);
        // Jep runs in-process: no worker processes to count
        assertThat(fine.withWorkers(10_000).withRuntime(PythonOptions.Runtime.JEP).checkWorkers()).isNotNull();
    }
}
