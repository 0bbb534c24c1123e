package io.inferencebench.outcome;

import com.fasterxml.jackson.annotation.JsonInclude;
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
 */
@JsonNaming(PropertyNamingStrategies.SnakeCaseStrategy.class)
@JsonInclude(JsonInclude.Include.NON_NULL)
public record ClientRate(double windowS, long startsInWindow, long startsAfterWindow, Long perSecondMin,
                         Long perSecondMax, int seconds) {
    public static final SectionKey<ClientRate> SECTION = new SectionKey<>("client_rate", ClientRate.class);
}
