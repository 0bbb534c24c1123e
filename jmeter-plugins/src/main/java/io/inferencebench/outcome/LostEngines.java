package io.inferencebench.outcome;

import java.util.List;

import com.fasterxml.jackson.databind.PropertyNamingStrategies;
import com.fasterxml.jackson.databind.annotation.JsonNaming;

/**
 * The {@code partial} section: remote engines that stopped answering during the wave. Their share of the rate
 * is missing from the moment they were lost; every sample they had sent before is kept. A wave with a lost
 * engine is a partial run and not valid (exit 3), whatever its figures say.
 *
 * @param lostEngines each engine lost, when, and how the controller noticed
 * @param engines     how many engines the wave started on
 */
@JsonNaming(PropertyNamingStrategies.SnakeCaseStrategy.class)
public record LostEngines(List<Lost> lostEngines, int engines) {
    public static final SectionKey<LostEngines> SECTION = new SectionKey<>("partial", LostEngines.class);
    /** The verdict's cause for it (one of those that make a wave not valid). */
    public static final String CAUSE = "remote engine lost";

    public LostEngines {
        lostEngines = lostEngines == null ? List.of() : List.copyOf(lostEngines);
    }

    /** One engine: its address as given, when it was lost (epoch ms), and what the controller saw. */
    @JsonNaming(PropertyNamingStrategies.SnakeCaseStrategy.class)
    public record Lost(String host, long lostAtEpochMs, String reason) {
    }

    /** The verdict's cause naming the lost engines, for a wave that started at {@code waveStartEpochMs}. */
    public WaveOutcome.Verdict.Cause cause(long waveStartEpochMs) {
        StringBuilder figure = new StringBuilder();
        for (Lost l : lostEngines) {
            figure.append(figure.length() == 0 ? "" : "; ").append(l.host()).append(String.format(java.util.Locale.ROOT,
                    " lost %.1f s into the wave (%s)", Math.max(0, l.lostAtEpochMs() - waveStartEpochMs) / 1000.0, l.reason()));
        }
        figure.append(String.format(java.util.Locale.ROOT, "; %d of %d engines sent their whole share",
                engines - lostEngines.size(), engines));
        return new WaveOutcome.Verdict.Cause(CAUSE, figure.toString(),
                "find why the engine stopped (its jmeter.log, its memory, the network to it) and run the wave again; "
                        + "the samples it sent before are kept, its share after that is missing", true);
    }
}
