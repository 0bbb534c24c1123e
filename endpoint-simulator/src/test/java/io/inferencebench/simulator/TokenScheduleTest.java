package io.inferencebench.simulator;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.api.Test;

class TokenScheduleTest {

    private static final long MS = 1_000_000;

    @Test
    void withoutAPerSequenceCostTheBatchChangesNothing() {
        TokenSchedule alone = new TokenSchedule(5, 1, 20 * MS, 0);
        TokenSchedule crowded = new TokenSchedule(5, 1, 20 * MS, 0);
        assertThat(alone.chunks()).isEqualTo(5);
        assertThat(alone.dependsOnBatch()).isFalse();
        for (int c = 1; c < 5; c++) {
            assertThat(alone.next(1)).isEqualTo(c * 20 * MS);
            assertThat(crowded.next(300)).isEqualTo(c * 20 * MS);
        }
        assertThatThrownBy(() -> alone.next(1)).isInstanceOf(IllegalStateException.class);
    }

    @Test
    void everyOtherSequenceInFlightAddsItsCostToEachStep() {
        assertThat(TokenSchedule.itlNanos(20 * MS, 2 * MS, 1)).isEqualTo(20 * MS);
        assertThat(TokenSchedule.itlNanos(20 * MS, 2 * MS, 4)).isEqualTo(26 * MS);
        assertThat(TokenSchedule.itlNanos(20 * MS, 2 * MS, 0)).as("a request counted before it is in service").isEqualTo(20 * MS);

        TokenSchedule s = new TokenSchedule(4, 1, 20 * MS, 2 * MS);
        assertThat(s.dependsOnBatch()).isTrue();
        assertThat(s.next(1)).isEqualTo(20 * MS);            // alone: 20 ms
        assertThat(s.next(4)).isEqualTo(20 * MS + 26 * MS);  // three others joined: 26 ms
        assertThat(s.next(2)).isEqualTo(20 * MS + 26 * MS + 22 * MS);
    }

    @Test
    void chunksOfSeveralTokensSpanTheSameTimeAsSingleTokens() {
        // 10 tokens, 4 per chunk: chunks at tokens 0, 4, 8; the stream lasts 9 ITL, spread evenly over 2 gaps
        TokenSchedule s = new TokenSchedule(10, 4, 20 * MS, 0);
        assertThat(s.chunks()).isEqualTo(3);
        assertThat(s.next(1)).isEqualTo(90 * MS);
        assertThat(s.next(1)).isEqualTo(180 * MS);

        TokenSchedule batched = new TokenSchedule(10, 4, 20 * MS, 5 * MS);
        assertThat(batched.next(3)).isEqualTo(9 * 30 * MS / 2);
    }

    @Test
    void aNonStreamedAnswerTakesItsTokensAtTheBatchSizeItStartedWith() {
        assertThat(TokenSchedule.generationNanos(64, 20 * MS, 1 * MS, 11)).isEqualTo(63 * 30 * MS);
        assertThat(TokenSchedule.generationNanos(1, 20 * MS, 1 * MS, 11)).isZero();
    }

    @Test
    void oddNanosecondsAddUpToTheExactSpan() {
        TokenSchedule s = new TokenSchedule(8, 3, 7, 0); // 3 chunks, span 49 ns
        s.next(1);
        assertThat(s.next(1)).isEqualTo(49);
    }
}
