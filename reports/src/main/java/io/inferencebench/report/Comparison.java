package io.inferencebench.report;

import java.awt.Color;
import java.util.ArrayList;
import java.util.Collections;
import java.util.EnumMap;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;

/**
 * Runs side by side: their legends and metadata, and the chart panels and sheet rows built from
 * the metrics they have. A metric any run measured gets a panel; a run that did not measure it
 * simply has no bar there.
 */
public final class Comparison {
    /** The statistics the report's selector offers for distribution panels, in menu order. */
    public static final List<String> SELECTOR_STATISTICS = List.of("mean", "p50", "p90", "p99", "max");

    /** One run directory in the comparison, with the same colour in every panel. */
    public record Run(int index, RunSummary summary, String legend, Map<String, String> metadata) {
        public String directoryName() {
            return summary.directoryName();
        }

        public Color colour() {
            return Theme.runColour(index);
        }
    }

    /**
     * What one panel shows for one choice of the report's selector.
     *
     * @param statistic         the selector statistic, or null for a panel with a single value
     * @param fromIntendedStart whether it is latency measured from the intended start
     * @param label             header of its Excel column, with the unit
     * @param values            one value per run in run order; null where a run did not measure it
     */
    public record Variant(String statistic, boolean fromIntendedStart, String label, List<Double> values) {
        public Variant {
            values = Collections.unmodifiableList(new ArrayList<>(values));
        }

        /** A key unique within its panel. */
        public String key() {
            return (fromIntendedStart ? "intended-" : "") + (statistic == null ? "value" : statistic);
        }
    }

    /** One bar-chart panel: one bar per run. */
    public record Panel(Source source, String id, String title, String subtitle, String unit, ValueStyle style,
                        List<String> names, List<Variant> variants) {
        /** Whether the report's statistic selector changes what it shows. */
        public boolean selectable() {
            return variants.get(0).statistic() != null;
        }

        /** What the report shows first (mean, from the request start) and the workbook pictures. */
        public Variant defaultVariant() {
            return variants.get(0);
        }

        public String label() {
            return Metric.withUnit(title, unit);
        }
    }

    /** One line of a source's sheet: a metric's statistic across runs. */
    public record Row(String metric, String statistic, String unit, ValueStyle style, List<Double> values) {
    }

    private final List<Run> runs;
    private final List<Panel> panels;
    private final Map<Source, List<Row>> rows;
    private final List<String> metadataKeys;
    private final List<String> warnings;
    private final List<String> notes;

    private Comparison(List<Run> runs, List<Panel> panels, Map<Source, List<Row>> rows, List<String> metadataKeys,
                       List<String> warnings, List<String> notes) {
        this.runs = runs;
        this.panels = panels;
        this.rows = rows;
        this.metadataKeys = metadataKeys;
        this.warnings = warnings;
        this.notes = notes;
    }

    /** Compares runs in the given order; the first is colour 1 and the leftmost bar. */
    public static Comparison of(List<RunSummary> summaries, PlotFields fields, PlotMetadata metadata) {
        if (summaries.isEmpty()) {
            throw new ReportInputException("No run directories to compare: pass one or more with --plot.");
        }
        List<Run> runs = new ArrayList<>();
        Map<String, Integer> legendCounts = new HashMap<>();
        for (RunSummary summary : summaries) {
            String base = metadata.legend(summary.directoryName()).orElse(summary.directoryName());
            int seen = legendCounts.merge(base, 1, Integer::sum);
            String legend = seen == 1 ? base : base + " (" + seen + ")";
            runs.add(new Run(runs.size(), summary, legend, metadata.lines(summary.directoryName())));
        }
        List<String> directoryNames = runs.stream().map(Run::directoryName).toList();

        List<Panel> allPanels = panels(runs);
        List<Panel> kept = allPanels.stream().filter(p -> fields.keeps(p.source(), p.names())).toList();

        Map<Source, List<List<String>>> available = new EnumMap<>(Source.class);
        allPanels.forEach(p -> available.computeIfAbsent(p.source(), s -> new ArrayList<>()).add(p.names()));
        List<String> warnings = new ArrayList<>(fields.unmatched(available));
        warnings.addAll(metadata.unmatched(directoryNames));

        List<String> notes = new ArrayList<>();
        runs.forEach(run -> notes.addAll(run.summary().notes()));
        return new Comparison(List.copyOf(runs), kept, rows(runs), metadata.keys(directoryNames),
                List.copyOf(warnings), List.copyOf(notes));
    }

    public List<Run> runs() {
        return runs;
    }

    /** The panels kept by {@code --plot-fields}, wave first, in the order the runs list them. */
    public List<Panel> panels() {
        return panels;
    }

    public List<Panel> panels(Source source) {
        return panels.stream().filter(p -> p.source() == source).toList();
    }

    /** Every statistic of every metric of a source, kept or not by {@code --plot-fields}. */
    public List<Row> rows(Source source) {
        return rows.getOrDefault(source, List.of());
    }

    /** Metadata keys other than the legend, first seen first. */
    public List<String> metadataKeys() {
        return metadataKeys;
    }

    /** Things the user may want fixed that did not stop the report (unmatched names). */
    public List<String> warnings() {
        return warnings;
    }

    /** Facts about the runs worth showing beside the charts (a failed server-metric stream). */
    public List<String> notes() {
        return notes;
    }

    private static List<Panel> panels(List<Run> runs) {
        List<Panel> panels = new ArrayList<>();
        for (Source source : Source.values()) {
            Map<String, Metric> firstSeen = new LinkedHashMap<>();
            for (Run run : runs) {
                for (Metric metric : run.summary().metrics()) {
                    if (metric.source() == source && metric.plotted()) {
                        String panelId = metric.id().equals(RunSummary.LATENCY_FROM_INTENDED) ? RunSummary.LATENCY : metric.id();
                        firstSeen.putIfAbsent(panelId, metric);
                    }
                }
            }
            firstSeen.forEach((id, metric) -> panels.addAll(panelsOf(id, metric, runs)));
        }
        return panels;
    }

    private static List<Panel> panelsOf(String id, Metric first, List<Run> runs) {
        switch (first.kind()) {
            case SINGLE -> {
                Variant only = new Variant(null, false, first.label(), values(runs, id, Metric.VALUE));
                return List.of(new Panel(first.source(), id, first.name(), null, first.unit(), first.style(),
                        names(first), List.of(only)));
            }
            case DISTRIBUTION -> {
                boolean latency = id.equals(RunSummary.LATENCY);
                String name = latency ? "Latency" : first.name();
                List<Variant> variants = new ArrayList<>();
                List<String> names = new ArrayList<>(names(first));
                if (latency) {
                    names.addAll(List.of("Latency (ms)", "Latency", "latency_ms", "Latency from intended start",
                            "latency_from_intended_ms"));
                }
                for (String statistic : SELECTOR_STATISTICS) {
                    variants.add(new Variant(statistic, false, Metric.withUnit(name + " " + statistic, first.unit()),
                            values(runs, latency ? RunSummary.LATENCY : id, statistic)));
                }
                if (latency && anyMeasured(runs, RunSummary.LATENCY_FROM_INTENDED)) {
                    for (String statistic : SELECTOR_STATISTICS) {
                        variants.add(new Variant(statistic, true,
                                Metric.withUnit("Latency from intended start " + statistic, first.unit()),
                                values(runs, RunSummary.LATENCY_FROM_INTENDED, statistic)));
                    }
                }
                return List.of(new Panel(first.source(), id, name, null, first.unit(), first.style(),
                        List.copyOf(new LinkedHashSet<>(names)), variants));
            }
            default -> {
                Set<String> statistics = new LinkedHashSet<>();
                for (Run run : runs) {
                    metric(run, id).ifPresent(m -> statistics.addAll(m.statistics().keySet()));
                }
                List<Panel> panels = new ArrayList<>();
                for (String statistic : statistics) {
                    String title = first.name() + " · " + statistic;
                    String stream = Objects.requireNonNullElse(first.group(), "");
                    List<String> names = List.of(Metric.withUnit(title, first.unit()), first.name(),
                            stream + " " + first.name(), first.name() + " " + statistic,
                            stream + " " + first.name() + " " + statistic);
                    Variant only = new Variant(null, false,
                            Metric.withUnit((stream + " " + first.name() + " " + statistic).trim(), first.unit()),
                            values(runs, id, statistic));
                    panels.add(new Panel(first.source(), id + "/" + statistic, title, first.group(), first.unit(),
                            first.style(), names, List.of(only)));
                }
                return panels;
            }
        }
    }

    private static List<String> names(Metric metric) {
        List<String> names = new ArrayList<>();
        names.add(metric.label());
        names.add(metric.name());
        names.addAll(metric.aliases());
        return names;
    }

    private static List<Double> values(List<Run> runs, String id, String statistic) {
        List<Double> values = new ArrayList<>();
        for (Run run : runs) {
            values.add(metric(run, id).map(m -> m.statistics().get(statistic)).orElse(null));
        }
        return values;
    }

    private static boolean anyMeasured(List<Run> runs, String id) {
        return runs.stream().anyMatch(run -> metric(run, id).isPresent());
    }

    private static Optional<Metric> metric(Run run, String id) {
        return run.summary().metrics().stream().filter(m -> m.id().equals(id)).findFirst();
    }

    private static Map<Source, List<Row>> rows(List<Run> runs) {
        Map<Source, List<Row>> rows = new EnumMap<>(Source.class);
        for (Source source : Source.values()) {
            Map<String, Metric> firstSeen = new LinkedHashMap<>();
            runs.forEach(run -> run.summary().metrics().stream().filter(m -> m.source() == source)
                    .forEach(m -> firstSeen.putIfAbsent(m.id(), m)));
            List<Row> sourceRows = new ArrayList<>();
            firstSeen.forEach((id, first) -> {
                Set<String> statistics = new LinkedHashSet<>();
                runs.forEach(run -> metric(run, id).ifPresent(m -> statistics.addAll(m.statistics().keySet())));
                String name = first.group() == null ? first.name() : first.group() + " · " + first.name();
                for (String statistic : statistics) {
                    sourceRows.add(new Row(name, statistic.equals(Metric.VALUE) ? "" : statistic, first.unit(),
                            statistic.equals("count") ? ValueStyle.COUNT : first.style(),
                            values(runs, id, statistic)));
                }
            });
            if (!sourceRows.isEmpty()) {
                rows.put(source, List.copyOf(sourceRows));
            }
        }
        return rows;
    }
}
