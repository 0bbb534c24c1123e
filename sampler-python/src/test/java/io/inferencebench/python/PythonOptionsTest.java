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
    }
}
