package io.inferencebench.gui;

import java.math.BigDecimal;
import java.util.ArrayList;
import java.util.List;

import io.inferencebench.pacing.LoadProfile;
import io.inferencebench.pacing.LoadProfileException;

/**
 * The load profile as the GUI edits it, one row per clause (start rate, end rate, duration), and as the text
 * the CLI and the saved plan hold: {@code const(R,T)} for a flat row, {@code line(R1,R2,T)} otherwise. Pure:
 * no Swing, so the round trip and the preview's points are tested on their own.
 */
public final class ProfileRows {
    /** One row: rates in requests/s and a duration as typed (seconds, or with a unit: 500ms, 30s, 5m, 1h). */
    public record Row(String startRate, String endRate, String duration) {
    }

    private ProfileRows() {
    }

    /**
     * The rows of a profile text, or {@code null} when it is not one the table can show (a JMeter expression
     * such as {@code ${__P(ib.profile)}}, or a profile that does not parse): the text is then edited as text.
     */
    public static List<Row> parse(String text) {
        if (text == null || text.isBlank()) {
            return new ArrayList<>();
        }
        if (text.contains("${")) {
            return null;
        }
        try {
            List<Row> rows = new ArrayList<>();
            for (LoadProfile.Segment s : LoadProfile.parse(text).segments()) {
                rows.add(new Row(plain(s.startRate()), plain(s.endRate()), s.seconds() == null ? "" : plain(s.seconds())));
            }
            return rows;
        } catch (LoadProfileException e) {
            return null;
        }
    }

    /** The profile text of {@code rows}; rows with an empty cell are left out. */
    public static String text(List<Row> rows) {
        StringBuilder b = new StringBuilder();
        for (Row r : rows) {
            String from = trim(r.startRate());
            String to = trim(r.endRate()).isEmpty() ? from : trim(r.endRate());
            String t = trim(r.duration());
            if (from.isEmpty() || t.isEmpty()) {
                continue;
            }
            b.append(b.length() == 0 ? "" : " ");
            if (from.equals(to)) {
                b.append("const(").append(from).append(',').append(t).append(')');
            } else {
                b.append("line(").append(from).append(',').append(to).append(',').append(t).append(')');
            }
        }
        return b.toString();
    }

    /**
     * Why the rows do not make a profile, or {@code null} when they do (the sentence the timer itself would give
     * at test start).
     */
    public static String problem(List<Row> rows) {
        String text = text(rows);
        if (text.isEmpty()) {
            return null;
        }
        try {
            LoadProfile.parse(text);
            return null;
        } catch (LoadProfileException e) {
            return e.getMessage();
        }
    }

    /**
     * The planned rate as a polyline: {@code [seconds, rate]} at each row's start and end; empty when the rows
     * do not make a profile.
     */
    public static List<double[]> points(List<Row> rows) {
        List<double[]> points = new ArrayList<>();
        if (problem(rows) != null || text(rows).isEmpty()) {
            return points;
        }
        double t = 0;
        for (LoadProfile.Segment s : LoadProfile.parse(text(rows)).segments()) {
            double len = s.seconds() == null ? 0 : s.seconds().doubleValue();
            points.add(new double[] {t, s.startRate().doubleValue()});
            t += len;
            points.add(new double[] {t, s.endRate().doubleValue()});
        }
        return points;
    }

    /**
     * The warning for a duration bound that ends the wave before the profile does, or {@code null}.
     *
     * @param durationText the timer's duration field (empty: no bound)
     */
    public static String cutShort(List<Row> rows, String durationText) {
        if (durationText == null || durationText.isBlank() || durationText.contains("${") || problem(rows) != null
                || text(rows).isEmpty()) {
            return null;
        }
        try {
            BigDecimal bound = LoadProfile.parseSeconds(durationText.trim());
            BigDecimal length = LoadProfile.parse(text(rows)).seconds();
            if (length != null && bound.compareTo(length) < 0) {
                return "The duration of " + plain(bound) + " s ends the wave before this " + plain(length)
                        + " s profile does: the rest of the profile never runs.";
            }
        } catch (RuntimeException e) {
            return null; // the duration field reports its own mistakes at test start
        }
        return null;
    }

    private static String plain(BigDecimal v) {
        return v.stripTrailingZeros().toPlainString();
    }

    private static String trim(String s) {
        return s == null ? "" : s.trim();
    }
}
