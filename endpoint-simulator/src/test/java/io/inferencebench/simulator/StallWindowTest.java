package io.inferencebench.simulator;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Duration;
import org.junit.jupiter.api.Test;

class StallWindowTest {

    /** Stall from 5 s to 8 s after a start at t = 1000. */
    private final StallWindow stall = StallWindow.parse("--stall", "5s:3s");
    private static final long START = 1000;
    private static final long S = 1_000_000_000L;

    @Test
    void parsesAtAndFor() {
        assertThat(stall.at()).isEqualTo(Duration.ofSeconds(5));
        assertThat(stall.length()).isEqualTo(Duration.ofSeconds(3));
        assertThat(stall.text()).isEqualTo("5s:3s");
    }

    @Test
    void workDoneBeforeTheStallIsUntouched() {
        assertThat(stall.finishNanos(START, START + S, 2 * S)).isEqualTo(START + 3 * S);
        assertThat(stall.finishNanos(START, START + 4 * S, S)).isEqualTo(START + 5 * S);
    }

    @Test
    void workInServiceWhenTheStallBeginsFinishesLateByTheStallLength() {
        assertThat(stall.finishNanos(START, START + 4 * S, 2 * S)).isEqualTo(START + 9 * S);
    }

    @Test
    void workArrivingDuringTheStallStartsWhenItEnds() {
        assertThat(stall.finishNanos(START, START + 6 * S, S)).isEqualTo(START + 9 * S);
        assertThat(stall.finishNanos(START, START + 6 * S, 0)).isEqualTo(START + 8 * S);
    }

    @Test
    void workAfterTheStallIsUntouched() {
        assertThat(stall.finishNanos(START, START + 8 * S, S)).isEqualTo(START + 9 * S);
    }

    @Test
    void rejectsAnythingButAtColonFor() {
        for (String bad : new String[] {"5s", "5s:3s:1s", "5s:x", ":3s"}) {
            assertThatThrownBy(() -> StallWindow.parse("--stall", bad))
                    .isInstanceOf(SimulatorOptionsException.class)
                    .hasMessageContaining("--stall")
                    .hasMessageContaining("'");
        }
    }
}
