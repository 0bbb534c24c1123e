package io.inferencebench.outcome;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.databind.PropertyNamingStrategies;
import com.fasterxml.jackson.databind.annotation.JsonNaming;

/**
 * The {@code warm_up} section: the wave's warm-up ({@code ib.warmup}, a capacity step's {@code --step-warmup}),
 * run at the wave's rate before the counted part and left out of every other figure. Kept so that what the
 * endpoint saw can be told from what was counted: the server's metrics cover the warm-up too (their window
 * opens where no request is in flight, so a request counter's scrapes are exact), and a server count is
 * compared with {@code fired + started}.
 *
 * @param started      requests of the warm-up (samples marked {@code ib_warmup=1})
 * @param startEpochMs the warm-up's first start, epoch ms
 */
@JsonNaming(PropertyNamingStrategies.SnakeCaseStrategy.class)
@JsonInclude(JsonInclude.Include.NON_NULL)
public record WarmUp(long started, long startEpochMs) {
    public static final SectionKey<WarmUp> SECTION = new SectionKey<>("warm_up", WarmUp.class);
}
