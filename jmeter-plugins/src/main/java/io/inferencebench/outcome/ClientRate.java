package io.inferencebench.outcome;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonProperty;
import com.fasterxml.jackson.databind.PropertyNamingStrategies;
import com.fasterxml.jackson.databind.annotation.JsonNaming;

/**
 * The {@code client_rate} section: the rate the client delivered inside the planned window, and its shape. A
 * client that fell behind and caught up late reads as what it was, not as 100%: the rate counts only the
 * starts inside the window, and the per-second minimum and maximum show the catch-up.
 *
 * @param windowS            the planned window: from the first intended start, the wave's duration bound (or its
 *                           request count at the target rate)
 * @param startsInWindow     requests started inside the window
 * @param startsAfterWindow  requests started after it (late starts of a client that fell behind)
 * @param perSecondMin       fewest starts in a whole second of the window
 * @param perSecondMax       most starts in a whole second of the window
 * @param seconds            whole seconds the minimum and maximum are taken over
 * @param lateOver10ms       starts more than {@link #LATE_MS} ms after their intended time, inside the window
 *                           ({@code null} when the samples carry no lateness: an unpaced wave). Only they can make a
 *                           lateness p99 the verdict reports; the 1-10 ms ones of a busy scheduler are everywhere
 * @param lateOver10msEarly  of them, those in the window's first {@link #EARLY_SECONDS} seconds: a cold JVM's start
 *                           when they are nearly all there, a client short of CPU when they are spread over the wave
 */
@JsonNaming(PropertyNamingStrategies.SnakeCaseStrategy.class)
@JsonInclude(JsonInclude.Include.NON_NULL)
public record ClientRate(double windowS, long startsInWindow, long startsAfterWindow, Long perSecondMin,
                         Long perSecondMax, int seconds, @JsonProperty("late_over_10ms") Long lateOver10ms,
                         @JsonProperty("late_over_10ms_first_3s") Long lateOver10msEarly) {
    public static final SectionKey<ClientRate> SECTION = new SectionKey<>("client_rate", ClientRate.class);
    /** The start of a wave whose late starts are its warm-up, not its client's capacity. */
    public static final int EARLY_SECONDS = 3;
    /** How late a start must be to count in {@link #lateOver10ms}, ms: the verdict's floor for a lateness p99. */
    public static final int LATE_MS = 10;
}
