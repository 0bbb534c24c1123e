package io.inferencebench.pacing;

import java.math.BigDecimal;

import org.apache.jmeter.engine.util.CompoundVariable;

/**
 * The total rate a controller's plan asks of its remote engines, noted when the controller sends the plan,
 * so that the controller's Wave Summary can report {@code target_rps} under {@code jmeter -R}: the pacers
 * that know it run in the engines' JVMs.
 */
public final class PlannedRate {
    private static volatile Double sentToEngines;

    private PlannedRate() {
    }

    /** The mean rate (requests/s, all engines together) of the last plan this JVM sent, or null. */
    public static Double sentToEngines() {
        return sentToEngines;
    }

    /** Notes the timer's rate from its saved properties (functions such as __P evaluated as here). */
    static void note(String targetRps, String loadProfile) {
        try {
            String profile = loadProfile == null ? "" : new CompoundVariable(loadProfile).execute().trim();
            sentToEngines = profile.isEmpty()
                    ? LoadProfile.constant(new BigDecimal(new CompoundVariable(targetRps).execute().trim())).meanRate()
                    : LoadProfile.parse(profile).meanRate();
        } catch (RuntimeException unreadable) {
            sentToEngines = null; // each engine names a bad rate in its own log; the summary leaves the target out
        }
    }
}
