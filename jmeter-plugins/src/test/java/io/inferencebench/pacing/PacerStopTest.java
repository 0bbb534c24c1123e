package io.inferencebench.pacing;

import static org.assertj.core.api.Assertions.assertThat;

import java.math.BigDecimal;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicLong;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** A first Ctrl-C: no start after it, whatever each waiting thread was about to do. */
class PacerStopTest {
    @AfterEach
    void forget() {
        Pacer.reset();
    }

    @Test
    void noThreadStartsOnceStartsAreStopped() throws Exception {
        ArrivalSchedule schedule = ArrivalSchedule.of(LoadProfile.constant(200), ArrivalSchedule.Arrivals.UNIFORM, 0,
                new BigDecimal("30"), 0);
        Pacer pacer = Pacer.forKey("stop-test", () -> new Pacer(schedule, LatePolicy.parse("fire"), 100, LoadProfile.constant(200), null, null));
        AtomicLong lastStartNanos = new AtomicLong();
        List<Thread> threads = new ArrayList<>();
        for (int i = 0; i < 8; i++) {
            Thread t = new Thread(() -> {
                while (pacer.awaitNextStart() != null) {
                    lastStartNanos.accumulateAndGet(System.nanoTime(), Math::max);
                }
            });
            t.start();
            threads.add(t);
        }
        Thread.sleep(500);
        long startedBefore = Pacer.started();
        long stoppedAt = System.nanoTime();
        Pacer.stopStarts();
        for (Thread t : threads) {
            t.join(2000);
            assertThat(t.isAlive()).as("every waiting thread ends").isFalse();
        }
        assertThat(startedBefore).isBetween(60L, 140L);
        assertThat(Pacer.started()).as("starts after the stop").isLessThanOrEqualTo(startedBefore + 1);
        assertThat(lastStartNanos.get() - stoppedAt).isLessThan(5_000_000L);
    }
}
