package io.inferencebench.cli.search;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;

import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

import com.fasterxml.jackson.databind.ObjectMapper;

import io.inferencebench.outcome.WaveOutcome;

/** A step's verdict from its outcome alone: tables of outcomes, no engine. */
class StepJudgeTest {
    /**
     * A step of 100 requests fired; {@code success} of them succeeded against a 0.95 threshold; a p99 from
     * the intended start of {@code p99} ms checked against 500 ms; the server counted {@code counted}
     * (-1: no counter) with a GPU utilisation of {@code gpu} (-1: not measured); the client's verdict
     * {@code invalid} when it did not deliver the load.
     */
    private static WaveOutcome step(int success, double p99, int counted, double gpu, boolean invalid) throws Exception {
        String metrics = (counted < 0 ? "" : "{\"name\": \"ib_sim_requests_received_total\", \"statistics\": {\"delta\": "
                + counted + ", \"rate\": 50}}") + (counted >= 0 && gpu >= 0 ? "," : "")
                + (gpu < 0 ? "" : "{\"name\": \"GPUUtilization\", \"unit\": \"%\", \"statistics\": {\"Average\": " + gpu
                + ", \"Maximum\": 99}}");
        String json = "{\"schema_version\": 2, \"spec\": {\"target_rps\": 50, \"success_threshold\": 0.95},"
                + "\"fired\": 100, \"completed\": 100, \"succeeded\": " + success + ", \"failed\": " + (100 - success)
                + ", \"success_rate\": " + success / 100.0 + ", \"passed\": " + (success >= 95) + ","
                + "\"client_bottleneck\": {\"detected\": " + invalid + ", \"causes\": ["
                + (invalid ? "{\"cause\": \"thread cap reached\", \"figure\": \"all 2 threads were busy\", "
                + "\"remedy\": \"raise --max-threads\", \"invalidates\": true}" : "") + "]},"
                + "\"thresholds\": {\"passed\": " + (p99 < 500) + ", \"checks\": [{\"threshold\": \"from_intended.p99<=500ms\", "
                + "\"measured\": " + p99 + ", \"limit\": 500, \"passed\": " + (p99 <= 500) + "}]}"
                + (metrics.isEmpty() ? "" : ", \"server_metrics\": {\"window\": {\"start_epoch_ms\": 0, \"end_epoch_ms\": 2000}, "
                + "\"streams\": [{\"stream\": \"prometheus\", \"source\": \"x\", \"status\": \"ok\", \"error\": null, "
                + "\"metrics\": [" + metrics + "]}]}")
                + "}";
        return WaveOutcome.fromJson(new ObjectMapper().readTree(json));
    }

    @ParameterizedTest(name = "{0}")
    @CsvSource(delimiter = '|', value = {
            // case                     | success | p99 | counted | gpu | invalid | kind            | reasons
            "everything held            | 100     | 400 | 100     | 70  | false   | PASS            | ",
            "the success rate           | 90      | 400 | 100     | 70  | false   | FAIL            | success rate 90% < 95%",
            "the latency SLO            | 100     | 512 | 100     | 70  | false   | FAIL            | p99 from intended start 512 ms > 500 ms",
            "a utilisation ceiling      | 100     | 400 | 100     | 86.1| false   | FAIL            | GPUUtilization 86.1 > 80",
            "all three                  | 90      | 512 | -1      | 86.1| false   | FAIL            | success rate 90% < 95%; p99 from intended start 512 ms > 500 ms; GPUUtilization 86.1 > 80",
            "a ceiling not measured     | 100     | 400 | 100     | -1  | false   | FAIL            | GPUUtilization not measured (no server metric of that name with an average)",
            "a count 2 apart agrees     | 100     | 400 | 98      | 70  | false   | PASS            | ",
            "a count 3 apart disagrees  | 100     | 400 | 97      | 70  | false   | COUNT_DISAGREES | the server counted 97 requests (ib_sim_requests_received) where the client fired 100",
            "the client was the limit   | 100     | 400 | 100     | 70  | true    | CLIENT_LIMITED  | thread cap reached (all 2 threads were busy)"})
    void judgesAStepFromItsOutcome(String name, int success, double p99, int counted, double gpu, boolean invalid,
                                   StepJudge.Kind kind, String reasons) throws Exception {
        StepJudge.Verdict v = new StepJudge(List.of(new StepJudge.Ceiling("GPUUtilization", 80)), null)
                .judge(step(success, p99, counted, gpu, invalid));
        assertThat(v.kind()).isEqualTo(kind);
        assertThat(String.join("; ", v.reasons())).isEqualTo(reasons == null ? "" : reasons);
        if (counted >= 0) {
            assertThat(v.counted().requests()).isEqualTo(counted);
        }
    }

    @ParameterizedTest(name = "{0}")
    @CsvSource(delimiter = '|', value = {
            // the tightest constraint's measured value over its limit, above 1 when broken
            "p99 400 of 500, 70% of 80% GPU      | 100 | 400 | 70  | 0.875",
            "p99 512 of 500                      | 100 | 512 | 70  | 1.024",
            "10% failed where 5% may             | 90  | 400 | 70  | 2.0",
            "GPU 86.1 of 80                      | 100 | 400 | 86.1| 1.07625"})
    void theSeverityIsTheTightestConstraintsShareOfItsLimit(String name, int success, double p99, double gpu,
                                                           double severity) throws Exception {
        StepJudge.Verdict v = new StepJudge(List.of(new StepJudge.Ceiling("GPUUtilization", 80)), null)
                .judge(step(success, p99, -1, gpu, false));
        assertThat(v.severity()).isCloseTo(severity, org.assertj.core.data.Offset.offset(1e-9));
    }
}
