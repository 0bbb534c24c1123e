package io.inferencebench.report;

import org.junit.jupiter.api.Test;

import java.util.Arrays;

import static org.assertj.core.api.Assertions.assertThat;

class ValueStyleTest {
    @Test
    void decimalsFollowTheLargestValueShownAlongside() {
        double largest = ValueStyle.largest(Arrays.asList(9.4, 9.85, null, 9.93));

        assertThat(ValueStyle.DECIMAL.format(9.4, largest)).isEqualTo("9.40");
        assertThat(ValueStyle.DECIMAL.format(1842.64)).isEqualTo("1,842.6");
        assertThat(ValueStyle.DECIMAL.format(981.4, 1842.6)).isEqualTo("981.4");
        assertThat(ValueStyle.DECIMAL.format(38272.0)).isEqualTo("38,272");
        assertThat(ValueStyle.DECIMAL.format(0.0412)).isEqualTo("0.041");
        assertThat(ValueStyle.DECIMAL.format(0)).isEqualTo("0.00");
    }

    @Test
    void countsPercentagesAndFlagsReadAsSuch() {
        assertThat(ValueStyle.COUNT.format(38272)).isEqualTo("38,272");
        assertThat(ValueStyle.PERCENT.format(0.99667)).isEqualTo("99.7%");
        assertThat(ValueStyle.PERCENT.chartValue(0.5)).isEqualTo(50.0);
        assertThat(ValueStyle.DECIMAL.chartValue(0.5)).isEqualTo(0.5);
        assertThat(ValueStyle.YES_NO.format(1)).isEqualTo("yes");
        assertThat(ValueStyle.YES_NO.format(0)).isEqualTo("no");
    }
}
