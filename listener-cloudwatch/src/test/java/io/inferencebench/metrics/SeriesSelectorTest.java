package io.inferencebench.metrics;

import org.junit.jupiter.api.Test;

import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class SeriesSelectorTest {

    @Test
    void matchesLabelsWithTheFourPromqlOperators() {
        SeriesSelector selector = SeriesSelector.parse(
                "DCGM_FI_DEV_GPU_UTIL{gpu=~\"0|1\", modelName!=\"Tesla T4\", Hostname!~\"test-.*\", UUID=\"GPU-a\"}");

        assertThat(selector.name()).isEqualTo("DCGM_FI_DEV_GPU_UTIL");
        assertThat(selector.matches(Map.of("gpu", "1", "modelName", "NVIDIA A10G", "Hostname", "ip-1", "UUID", "GPU-a"))).isTrue();
        assertThat(selector.matches(Map.of("gpu", "10", "modelName", "NVIDIA A10G", "Hostname", "ip-1", "UUID", "GPU-a")))
                .as("regular expressions are anchored").isFalse();
        assertThat(selector.matches(Map.of("gpu", "0", "modelName", "Tesla T4", "Hostname", "ip-1", "UUID", "GPU-a"))).isFalse();
        assertThat(selector.matches(Map.of("gpu", "0", "modelName", "NVIDIA A10G", "Hostname", "test-3", "UUID", "GPU-a"))).isFalse();
        assertThat(selector.matches(Map.of("gpu", "0", "modelName", "NVIDIA A10G", "Hostname", "ip-1"))).isFalse();
    }

    @Test
    void writesItselfBackAsPromqlForASampleNameOfItsFamily() {
        SeriesSelector selector = SeriesSelector.parse("vllm:e2e_request_latency_seconds{model_name=\"say \\\"hi\\\"\"}");

        assertThat(selector.promql("_bucket")).isEqualTo("vllm:e2e_request_latency_seconds_bucket{model_name=\"say \\\"hi\\\"\"}");
        assertThat(SeriesSelector.parse("up").promql("")).isEqualTo("up");
    }

    @Test
    void saysWhatIsWrongWithASelector() {
        assertThatThrownBy(() -> SeriesSelector.parse("up{job=\"x\""))
                .hasMessage("\"up{job=\"x\"\" has no closing '}'");
        assertThatThrownBy(() -> SeriesSelector.parse("up{job~\"x\"}"))
                .hasMessage("\"up{job~\"x\"}\" needs =, !=, =~ or !~ after label job");
        assertThatThrownBy(() -> SeriesSelector.parse("up{job=~\"(\"}"))
                .hasMessageStartingWith("\"up{job=~\"(\"}\" has an invalid regular expression for label job");
        assertThatThrownBy(() -> SeriesSelector.parse("up{job=\"a\" instance=\"b\"}"))
                .hasMessage("\"up{job=\"a\" instance=\"b\"}\" needs ',' between matchers");
    }
}
