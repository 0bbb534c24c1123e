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
    TARGET_RATE("Target rate (requests/s)", Element.TIMER),
    LOAD_PROFILE("Load profile", Element.TIMER),
    ARRIVALS("Arrivals", Element.TIMER),
    POISSON_SEED("Poisson seed", Element.TIMER),
    DURATION("Duration (s)", Element.TIMER),
    NUMBER_OF_REQUESTS("Number of requests", Element.TIMER),
    LATE_POLICY("Late policy", Element.TIMER),
    THREAD_CAP("Thread cap", Element.TIMER),
    WORKER_PROCESSES("Worker processes", Element.PYTHON_SAMPLER),
    PYTHON_EXECUTABLE("Python executable", Element.PYTHON_SAMPLER),
    SUCCESS_THRESHOLD("Success threshold", Element.WAVE_SUMMARY);

    /** The elements whose settings these are, by the names the GUI shows. */
    private enum Element {
        TIMER("Constant RPS Timer"), PYTHON_SAMPLER("Python Factory Sampler"), WAVE_SUMMARY("Wave Summary");

        final String name;

        Element(String name) {
            this.name = name;
        }
    }

    private final String displayName;
    private final Element element;

    Setting(String displayName, Element element) {
        this.displayName = displayName;
        this.element = element;
    }

    /** The setting with its element, for a message that stands alone: {@code 'Thread cap' of the Constant RPS Timer}. */
    public String ofElement() {
        return this + " of the " + element.name;
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
                out = out.replace(s.ofElement(), name).replace(s.toString(), name);
            }
        }
        return out;
    }

    /** {@link #translate} with a fixed table. */
    public static String translate(String message, Map<Setting, String> names) {
        return translate(message, names::get);
    }
}
