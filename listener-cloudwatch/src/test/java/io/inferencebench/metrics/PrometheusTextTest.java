package io.inferencebench.metrics;

import org.junit.jupiter.api.Test;

import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class PrometheusTextTest {

    @Test
    void readsSamplesLabelsAndDeclaredTypes() {
        PrometheusText.Page page = PrometheusText.parse("""
                # HELP vllm:time_to_first_token_seconds Histogram of time to first token in seconds.
                # TYPE vllm:time_to_first_token_seconds histogram
                vllm:time_to_first_token_seconds_bucket{engine="0",le="0.02",model_name="m"} 3.0
                vllm:time_to_first_token_seconds_bucket{engine="0",le="+Inf",model_name="m"} 5.0
                vllm:time_to_first_token_seconds_sum{engine="0",model_name="m"} 0.4
                vllm:time_to_first_token_seconds_count{engine="0",model_name="m"} 5.0
                # TYPE DCGM_FI_DEV_GPU_UTIL gauge
                DCGM_FI_DEV_GPU_UTIL{gpu="0",modelName="NVIDIA A10G",note="say \\"hi\\"\\nthere, \\\\ ok"} 87 1764411300000
                process_open_fds 12
                up NaN
                """);

        assertThat(page.samples()).hasSize(7);
        assertThat(page.samples().get(1).labels()).containsExactly(
                Map.entry("engine", "0"), Map.entry("le", "+Inf"), Map.entry("model_name", "m"));
        assertThat(page.samples().get(4).labels()).containsEntry("note", "say \"hi\"\nthere, \\ ok");
        assertThat(page.samples().get(4).value()).isEqualTo(87.0);
        assertThat(page.samples().get(6).value()).isNaN();
        assertThat(page.familyOf("vllm:time_to_first_token_seconds_bucket")).containsExactly("vllm:time_to_first_token_seconds", "histogram");
        assertThat(page.familyOf("DCGM_FI_DEV_GPU_UTIL")).containsExactly("DCGM_FI_DEV_GPU_UTIL", "gauge");
        assertThat(page.familyOf("process_open_fds")).containsExactly("process_open_fds", "untyped");
    }

    @Test
    void findsTheCounterFamilyWhetherTheTypeLineNamesItWithOrWithoutTotal() {
        PrometheusText.Page openMetricsStyle = PrometheusText.parse("# TYPE vllm:prompt_tokens counter\nvllm:prompt_tokens_total 5\n");
        PrometheusText.Page classicStyle = PrometheusText.parse("# TYPE vllm:prompt_tokens_total counter\nvllm:prompt_tokens_total 5\n");
        PrometheusText.Page undeclared = PrometheusText.parse("requests_total 5\n");

        assertThat(openMetricsStyle.familyOf("vllm:prompt_tokens_total")).containsExactly("vllm:prompt_tokens", "counter");
        assertThat(classicStyle.familyOf("vllm:prompt_tokens_total")).containsExactly("vllm:prompt_tokens_total", "counter");
        assertThat(undeclared.familyOf("requests_total")).containsExactly("requests_total", "counter");
    }

    @Test
    void namesTheLineThatIsNotInTheFormat() {
        assertThatThrownBy(() -> PrometheusText.parse("ok 1\n<html><body>Login</body></html>\n"))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessage("line 2 is not a Prometheus sample: <html><body>Login</body></html>");
    }
}
