package io.inferencebench.wave;

import java.util.Map;
import java.util.function.Function;

/**
 * The settings of our JMeter elements that messages and remedies name, by the name the JMeter GUI
 * shows for them. Core text writes a setting as {@code 'Thread cap'} (its {@link #toString()}), which
 * reads right in the GUI and in {@code jmeter.log}; the {@code benchmark} command rewrites each one
 * to its flag with {@link #translate}, so the same sentence names {@code --max-threads} there.
 */
public enum Setting {
    TARGET_RATE("Target rate (requests/s)"),
    LOAD_PROFILE("Load profile"),
    ARRIVALS("Arrivals"),
    POISSON_SEED("Poisson seed"),
    DURATION("Duration (s)"),
    NUMBER_OF_REQUESTS("Number of requests"),
    LATE_POLICY("Late policy"),
    THREAD_CAP("Thread cap"),
    WORKER_PROCESSES("Worker processes"),
    SUCCESS_THRESHOLD("Success threshold");

    private final String displayName;

    Setting(String displayName) {
        this.displayName = displayName;
    }

    /** The name the element's GUI field shows. */
    public String displayName() {
        return displayName;
    }

    /** How core messages write it: quoted, so it stands out and can be rewritten exactly. */
    @Override
    public String toString() {
        return "'" + displayName + "'";
    }

    /** Rewrites every setting a message names with what {@code names} calls it (a flag, for the CLI). */
    public static String translate(String message, Function<Setting, String> names) {
        if (message == null) {
            return null;
        }
        String out = message;
        for (Setting s : values()) {
            String name = names.apply(s);
            if (name != null) {
                out = out.replace(s.toString(), name);
            }
        }
        return out;
    }

    /** {@link #translate} with a fixed table. */
    public static String translate(String message, Map<Setting, String> names) {
        return translate(message, names::get);
    }
}
