package io.inferencebench.metrics;

import org.junit.jupiter.api.Test;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Instant;

import static org.assertj.core.api.Assertions.assertThat;

class CountdownTest {

    @Test
    void onATerminalRewritesTheSecondsLeftInPlaceAndClearsTheLine() throws Exception {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        Countdown countdown = new Countdown(Clock.systemUTC(), new PrintStream(out, true, StandardCharsets.UTF_8), true);
        Instant deadline = Instant.now().plusMillis(1500);

        countdown.waitUntil(deadline);

        assertThat(Instant.now()).isAfterOrEqualTo(deadline);
        String shown = out.toString(StandardCharsets.UTF_8);
        assertThat(shown).contains("\r   ⏳ 2s left ", "\r   ⏳ 1s left ").doesNotContain("\n").endsWith("\r");
    }

    @Test
    void secondsUntilRoundsUpAndIsZeroOncePassed() {
        Clock fixed = Clock.fixed(Instant.parse("2026-11-29T10:00:00Z"), java.time.ZoneOffset.UTC);
        Countdown countdown = new Countdown(fixed, System.out, false);

        assertThat(countdown.secondsUntil(Instant.parse("2026-11-29T10:00:00.001Z"))).isEqualTo(1);
        assertThat(countdown.secondsUntil(Instant.parse("2026-11-29T10:01:30Z"))).isEqualTo(90);
        assertThat(countdown.secondsUntil(Instant.parse("2026-11-29T09:59:00Z"))).isZero();
    }
}
