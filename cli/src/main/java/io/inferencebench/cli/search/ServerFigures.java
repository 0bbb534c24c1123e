package io.inferencebench.cli.search;

import java.util.List;
import java.util.Locale;
import java.util.Set;

import io.inferencebench.outcome.ServerMetricsReport;
import io.inferencebench.outcome.WaveOutcome;

/**
 * Reads what the server said about a step from the outcome's {@code server_metrics} section: how many
 * requests it counted, and a utilisation's mean over the step. A metric is found by name, ignoring a
 * Prometheus {@code _total} suffix and series labels (the series of one name are added up).
 */
final class ServerFigures {
    /**
     * Counters of every request received, recognised without {@code --server-count}: SageMaker's CloudWatch
     * {@code Invocations} and the endpoint simulator's {@code ib_sim_requests_received_total}. Others (a
     * counter of successes only, such as vLLM's) would disagree with what was fired whenever requests fail.
     */
    static final List<String> REQUEST_COUNTERS = List.of("Invocations", "ib_sim_requests_received");

    /** The statistics that are a counter's total over the window: CloudWatch's Sum, Prometheus's delta. */
    private static final List<String> TOTALS = List.of("Sum", "delta");
    /** The statistics that are a gauge's mean over the window: CloudWatch's Average, Prometheus's avg. */
    private static final List<String> MEANS = List.of("Average", "avg", "mean");

    private ServerFigures() {
    }

    /**
     * The requests the server counted during the step, or {@code null} when no counter was measured.
     *
     * @param metric the counter's name ({@code --server-count}), or {@code null} for the first of
     *               {@link #REQUEST_COUNTERS} the config measured
     */
    static Counted requestsCounted(WaveOutcome outcome, String metric) {
        ServerMetricsReport report = outcome.section(ServerMetricsReport.SECTION);
        if (report == null) {
            return null;
        }
        for (String name : metric != null ? List.of(metric) : REQUEST_COUNTERS) {
            Double total = sum(report, name, TOTALS);
            if (total != null) {
                return new Counted(name, total);
            }
        }
        return null;
    }

    /** A counter's total and the metric it came from. */
    record Counted(String metric, double requests) {
    }

    /** A gauge's mean over the step (the mean of its series' means), or {@code null} when not measured. */
    static Double mean(WaveOutcome outcome, String metric) {
        ServerMetricsReport report = outcome.section(ServerMetricsReport.SECTION);
        if (report == null) {
            return null;
        }
        double sum = 0;
        int n = 0;
        for (ServerMetricsReport.MetricReport m : metrics(report, metric)) {
            for (String statistic : MEANS) {
                Double v = m.statistics().get(statistic);
                if (v != null) {
                    sum += v;
                    n++;
                    break;
                }
            }
        }
        return n == 0 ? null : sum / n;
    }

    private static Double sum(ServerMetricsReport report, String metric, List<String> statistics) {
        Double total = null;
        for (ServerMetricsReport.MetricReport m : metrics(report, metric)) {
            for (String statistic : statistics) {
                Double v = m.statistics().get(statistic);
                if (v != null) {
                    total = (total == null ? 0 : total) + v;
                    break;
                }
            }
        }
        return total;
    }

    private static List<ServerMetricsReport.MetricReport> metrics(ServerMetricsReport report, String metric) {
        String wanted = base(metric);
        return report.streams().stream().filter(ServerMetricsReport.StreamReport::ok)
                .flatMap(s -> s.metrics().stream()).filter(m -> base(m.name()).equals(wanted)).toList();
    }

    private static final Set<String> SUFFIXES = Set.of("_total");

    /** {@code ib_sim_requests_total{status="200"}} and {@code ib_sim_requests} are the same metric. */
    static String base(String name) {
        String n = name.strip();
        int brace = n.indexOf('{');
        if (brace >= 0) {
            n = n.substring(0, brace);
        }
        for (String suffix : SUFFIXES) {
            if (n.endsWith(suffix)) {
                n = n.substring(0, n.length() - suffix.length());
            }
        }
        return n.toLowerCase(Locale.ROOT);
    }
}
