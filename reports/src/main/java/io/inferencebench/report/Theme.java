package io.inferencebench.report;

import java.awt.Color;
import java.util.Locale;

/** {@code --theme}: the colours of the report page and of its charts. */
public enum Theme {
    LIGHT(new Color(0xF6F7F9), new Color(0xFFFFFF), new Color(0x1F2328), new Color(0x59636E), new Color(0xE4E7EB), new Color(0xD0D7DE)),
    DARK(new Color(0x0D1117), new Color(0x161B22), new Color(0xE6EDF3), new Color(0x9198A1), new Color(0x2A3038), new Color(0x30363D));

    /**
     * Run colours, Tableau 10: distinct for most forms of colour blindness and readable on both
     * backgrounds. Run i gets colour i in every panel; past ten they repeat.
     */
    private static final int[] RUN_COLOURS = {
            0x4E79A7, 0xF28E2B, 0x59A14F, 0xE15759, 0x76B7B2, 0xEDC948, 0xB07AA1, 0xFF9DA7, 0x9C755F, 0xBAB0AC};

    final Color page;
    final Color panel;
    final Color text;
    final Color mutedText;
    final Color grid;
    final Color border;

    Theme(Color page, Color panel, Color text, Color mutedText, Color grid, Color border) {
        this.page = page;
        this.panel = panel;
        this.text = text;
        this.mutedText = mutedText;
        this.grid = grid;
        this.border = border;
    }

    /**
     * Parses the flag's value; empty means light.
     *
     * @throws ReportInputException for anything but light or dark
     */
    public static Theme parse(String name) {
        if (name == null || name.isBlank()) {
            return LIGHT;
        }
        return switch (name.trim().toLowerCase(Locale.ROOT)) {
            case "light" -> LIGHT;
            case "dark" -> DARK;
            default -> throw new ReportInputException("--theme must be light or dark, not \"" + name.trim() + "\".");
        };
    }

    static Color runColour(int runIndex) {
        return new Color(RUN_COLOURS[runIndex % RUN_COLOURS.length]);
    }

    static String css(Color colour) {
        return String.format("#%02x%02x%02x", colour.getRed(), colour.getGreen(), colour.getBlue());
    }
}
