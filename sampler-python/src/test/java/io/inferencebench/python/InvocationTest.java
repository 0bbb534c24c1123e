package io.inferencebench.python;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.Map;

import org.junit.jupiter.api.Test;

class InvocationTest {

    @Test
    void measurementLinesBecomeKeysAndDecimalText() {
        assertThat(Invocation.parseMeasurements("status=200\nttft_ms=12.5\nratio=1e-05"))
                .containsExactly(Map.entry("status", "200"), Map.entry("ttft_ms", "12.5"), Map.entry("ratio", "1e-05"));
    }

    @Test
    void noMeasurementsIsAnEmptyMap() {
        assertThat(Invocation.parseMeasurements("")).isEmpty();
    }

    @Test
    void aMeasurementNotReportedReadsAsEmpty() {
        Invocation invocation = new Invocation(true, 1, 0, 0, null, Map.of("status", "204"));

        assertThat(invocation.measurement("status")).isEqualTo("204");
        assertThat(invocation.measurement("ttft_ms")).isEmpty();
    }
}
