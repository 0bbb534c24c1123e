package io.inferencebench.cli.install;

import java.io.IOException;
import java.io.StringReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Properties;
import java.util.Set;

/**
 * Our settings in a JMeter home's {@code bin/user.properties}, as one marked block at its end, so that
 * uninstall removes exactly what install added and leaves the user's own lines as they were. A setting the
 * user (or {@code jmeter.properties}) already gives a value is extended, not replaced: later lines win in
 * a properties file, so the block repeats their value with ours added.
 */
final class UserPropertiesBlock {
    static final String BEGIN = "# >>> InferenceBench (added by 'benchmark install'; 'benchmark uninstall' removes this block)";
    static final String END = "# <<< InferenceBench";

    private UserPropertiesBlock() {
    }

    /** Adds the block (replacing an earlier one): each key's value becomes the existing list plus ours. */
    static void write(JMeterHomeDir home, List<String[]> listsToExtend) throws IOException {
        Path file = home.userProperties();
        String without = remove(Files.exists(file) ? Files.readString(file, StandardCharsets.ISO_8859_1) : "");
        Properties effective = new Properties();
        Path jmeterProperties = home.home().resolve("bin/jmeter.properties");
        if (Files.exists(jmeterProperties)) {
            effective.load(new StringReader(Files.readString(jmeterProperties, StandardCharsets.ISO_8859_1)));
        }
        effective.load(new StringReader(without));
        StringBuilder block = new StringBuilder(without);
        if (!without.isEmpty() && !without.endsWith("\n")) {
            block.append('\n');
        }
        block.append(BEGIN).append('\n');
        for (String[] keyAndValues : listsToExtend) {
            String key = keyAndValues[0];
            Set<String> values = new LinkedHashSet<>();
            String existing = effective.getProperty(key, keyAndValues.length > 2 ? keyAndValues[2] : "");
            for (String v : existing.split(",")) {
                if (!v.isBlank()) {
                    values.add(v.trim());
                }
            }
            for (String v : keyAndValues[1].split(",")) {
                values.add(v.trim());
            }
            block.append(key).append('=').append(String.join(",", values)).append('\n');
        }
        block.append(END).append('\n');
        Files.writeString(file, block.toString(), StandardCharsets.ISO_8859_1);
    }

    /** Removes the block; true when there was one. */
    static boolean removeFrom(JMeterHomeDir home) throws IOException {
        Path file = home.userProperties();
        if (!Files.exists(file)) {
            return false;
        }
        String text = Files.readString(file, StandardCharsets.ISO_8859_1);
        String without = remove(text);
        if (without.equals(text)) {
            return false;
        }
        Files.writeString(file, without, StandardCharsets.ISO_8859_1);
        return true;
    }

    private static String remove(String text) {
        List<String> kept = new ArrayList<>();
        boolean inside = false;
        for (String line : text.split("\n", -1)) {
            if (line.equals(BEGIN)) {
                inside = true;
            } else if (inside && line.equals(END)) {
                inside = false;
            } else if (!inside) {
                kept.add(line);
            }
        }
        return String.join("\n", kept);
    }
}
