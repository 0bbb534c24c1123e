package io.inferencebench.cli.search;

import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;
import java.util.function.Function;

/**
 * The table of every step a search ran: rate, achieved, success, latency percentiles from the intended
 * start, token figures, utilisation and the server's count where measured, and the verdict. A column
 * nothing measured is left out.
 */
final class StepTable {
    private StepTable() {
    }

    static List<String> render(List<CapacityReport.Step> steps) {
        List<String> header = new ArrayList<>(List.of("step", "rate", "achieved", "server/s", "success",
                "p50 ms", "p90 ms", "p99 ms"));
        List<Function<CapacityReport.Step, String>> cells = new ArrayList<>(List.of(
                s -> Integer.toString(s.step()), s -> CapacitySearch.rate(s.targetRps()),
                s -> StepJudge.number(s.clientRps()), s -> StepJudge.number(s.serverRps()),
                s -> StepJudge.number(100 * s.successRate()) + "%", s -> n(s.p50FromIntendedMs()),
                s -> n(s.p90FromIntendedMs()), s -> n(s.p99FromIntendedMs())));
        if (steps.stream().anyMatch(s -> s.ttftP90Ms() != null)) {
            header.add("TTFT p90");
            cells.add(s -> n(s.ttftP90Ms()));
        }
        if (steps.stream().anyMatch(s -> s.outputTokenThroughput() != null)) {
            header.add("tok/s");
            cells.add(s -> n(s.outputTokenThroughput()));
        }
        Set<String> metrics = new LinkedHashSet<>();
        steps.stream().filter(s -> s.utilization() != null).forEach(s -> metrics.addAll(s.utilization().keySet()));
        for (String m : metrics) {
            header.add(m);
            cells.add(s -> s.utilization() == null ? "-" : n(s.utilization().get(m)));
        }
        if (steps.stream().anyMatch(s -> s.serverCount() != null)) {
            header.add("server count");
            cells.add(s -> s.serverCount() == null ? "-" : StepJudge.number(s.serverCount()) + "/" + CapacitySearch.sent(s));
        }
        header.add("verdict");
        cells.add(s -> s.verdict().equals("fail") && !s.reasons().isEmpty() ? "fail: " + String.join("; ", s.reasons())
                : s.verdict());
        List<List<String>> rows = new ArrayList<>();
        rows.add(header);
        for (CapacityReport.Step s : steps) {
            rows.add(cells.stream().map(c -> c.apply(s)).toList());
        }
        int[] width = new int[header.size()];
        for (List<String> r : rows) {
            for (int i = 0; i < r.size(); i++) {
                width[i] = Math.max(width[i], r.get(i).length());
            }
        }
        List<String> lines = new ArrayList<>();
        lines.add("Steps (latency from the intended start):");
        for (List<String> r : rows) {
            StringBuilder b = new StringBuilder("  ");
            for (int i = 0; i < r.size(); i++) {
                boolean last = i == r.size() - 1;
                String cell = r.get(i);
                // numbers right-aligned, the verdict as it is
                b.append(last ? cell : " ".repeat(width[i] - cell.length()) + cell).append(last ? "" : "  ");
            }
            lines.add(b.toString().stripTrailing());
        }
        return lines;
    }

    private static String n(Double v) {
        return v == null ? "-" : StepJudge.number(v);
    }
}
