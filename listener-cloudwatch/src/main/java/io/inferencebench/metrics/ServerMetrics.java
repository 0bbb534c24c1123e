package io.inferencebench.metrics;

import io.inferencebench.outcome.ServerMetricsReport;

import io.inferencebench.outcome.ServerMetricsReport.MetricReport;
import io.inferencebench.outcome.ServerMetricsReport.StreamReport;
import io.inferencebench.outcome.ServerMetricsReport.Window;

import java.io.PrintStream;
import java.math.BigDecimal;
import java.math.MathContext;
import java.time.Clock;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.StringJoiner;
import java.util.TreeMap;
import java.util.function.Supplier;

/**
 * Server metrics for one wave. {@link #start} before the wave (Prometheus endpoints are scraped from
 * then on), {@link #finish} after it: waits only as long as each source needs, fetches, prints the
 * section and returns the report. A failing source never throws: its stream says what failed.
 *
 * <pre>{@code
 * EndpointConfig config = EndpointConfig.load(path);            // before the wave; exit 2 on EndpointConfigException
 * try (ServerMetrics metrics = ServerMetrics.start(config, new AwsOptions(region, profile))) {
 *     ... run the wave ...
 *     ServerMetricsReport report = metrics.finish(waveStart, waveEnd, System.out);
 *     report.writeTo(runDirectory);                              // server_metrics.json
 * }
 * }</pre>
 */
public final class ServerMetrics implements AutoCloseable {

    static final String RULE = "----------------------------------------";

    private final EndpointConfig config;
    private final AwsOptions aws;
    private final Clock clock;
    private final List<PrometheusScraper> scrapers = new ArrayList<>();
    private boolean finished;

    private ServerMetrics(EndpointConfig config, AwsOptions aws, Clock clock) {
        this.config = config;
        this.aws = aws == null ? AwsOptions.defaults() : aws;
        this.clock = clock;
    }

    /** Starts scraping the config's Prometheus endpoints; CloudWatch and query APIs are read in {@link #finish}. */
    public static ServerMetrics start(EndpointConfig config, AwsOptions aws) {
        return start(config, aws, Clock.systemUTC());
    }

    static ServerMetrics start(EndpointConfig config, AwsOptions aws, Clock clock) {
        ServerMetrics metrics = new ServerMetrics(config, aws, clock);
        for (PrometheusSource source : config.prometheus()) {
            if (source.scrapes()) {
                PrometheusScraper scraper = new PrometheusScraper(source, clock);
                scraper.start();
                metrics.scrapers.add(scraper);
            }
        }
        return metrics;
    }

    /**
     * Fetches every stream for the wave window {@code [waveStart, waveEnd]} and prints the section.
     * Blocks while CloudWatch and Prometheus catch up with the window's end (a countdown shows how long).
     */
    public ServerMetricsReport finish(Instant waveStart, Instant waveEnd, PrintStream console) {
        if (waveEnd.isBefore(waveStart)) {
            waveEnd = waveStart;
        }
        long start = waveStart.toEpochMilli();
        long end = waveEnd.toEpochMilli();
        boolean interactive = console == System.out && System.console() != null;
        Countdown countdown = new Countdown(clock, console, interactive);
        boolean showSources = config.cloudWatch().size() + config.prometheus().size() > 1;
        Map<Integer, StreamReport> reports = new TreeMap<>();
        console.println(RULE);

        for (PrometheusScraper scraper : scrapers) {
            scraper.stop();
        }
        finished = true;
        List<Fetch> fetches = new ArrayList<>();
        int scraped = 0;
        for (PrometheusSource source : config.prometheus()) {
            if (source.scrapes()) {
                PrometheusScraper scraper = scrapers.get(scraped++);
                fetches.add(new Fetch(clock.instant(), "prometheus", "scraped every " + source.interval().toMillis()
                        + " ms during the wave", () -> Map.of(source.index(), scraper.report(start, end)), List.of(source.index())));
            } else {
                PrometheusQuery query = new PrometheusQuery(source);
                Instant ready = query.readyAt(waveEnd);
                fetches.add(new Fetch(ready, "prometheus", null, () -> Map.of(source.index(), query.fetch(start, end)),
                        List.of(source.index())));
            }
        }
        try (CloudWatchStream cloudWatch = new CloudWatchStream(config.cloudWatch(), aws)) {
            for (CloudWatchStream.Group group : cloudWatch.groups(waveStart, waveEnd)) {
                fetches.add(new Fetch(group.readyAt(), "cloudwatch", group, () -> cloudWatch.fetch(group),
                        group.blocks().stream().map(CloudWatchBlock::index).toList()));
            }
            // Soonest first; what is ready already comes in config order.
            Instant now = clock.instant();
            fetches.sort(Comparator.comparing((Fetch f) -> f.readyAt().isBefore(now) ? now : f.readyAt())
                    .thenComparing(f -> f.indexes().get(0)));
            boolean interrupted = false;
            for (Fetch fetch : fetches) {
                if (interrupted) {
                    fetch.indexes().forEach(i -> reports.put(i, StreamReport.failed(fetch.stream(), source(i), null,
                            "the run was interrupted before this stream was fetched")));
                    continue;
                }
                console.println("⏳ Fetching metrics from stream: " + fetch.stream() + " (" + fetch.reason(countdown) + ")...");
                console.flush();
                Map<Integer, StreamReport> fetched;
                try {
                    countdown.waitUntil(fetch.readyAt());
                    fetched = fetch.run().get();
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                    interrupted = true;
                    fetched = new TreeMap<>();
                    for (int i : fetch.indexes()) {
                        fetched.put(i, StreamReport.failed(fetch.stream(), source(i), null, "interrupted while waiting"));
                    }
                } catch (RuntimeException e) {
                    fetched = new TreeMap<>();
                    for (int i : fetch.indexes()) {
                        fetched.put(i, StreamReport.failed(fetch.stream(), source(i), null,
                                "unexpected error: " + e.getClass().getSimpleName() + ": " + e.getMessage()));
                    }
                }
                fetched.forEach((index, report) -> {
                    reports.put(index, report);
                    print(report, showSources, console);
                });
            }
        }
        console.flush();
        return new ServerMetricsReport(Window.of(waveStart, waveEnd), new ArrayList<>(reports.values()));
    }

    /** Stops scraping if {@link #finish} was never reached (the wave failed or was interrupted). */
    @Override
    public void close() {
        if (!finished) {
            for (PrometheusScraper scraper : scrapers) {
                scraper.stop();
            }
            finished = true;
        }
    }

    private String source(int index) {
        for (CloudWatchBlock block : config.cloudWatch()) {
            if (block.index() == index) {
                return block.source();
            }
        }
        for (PrometheusSource source : config.prometheus()) {
            if (source.index() == index) {
                return source.address().toString();
            }
        }
        return null;
    }

    /** One source to read once it is ready; {@code why} explains the wait (a CloudWatch group or a sentence). */
    private record Fetch(Instant readyAt, String stream, Object why, Supplier<Map<Integer, StreamReport>> run,
                         List<Integer> indexes) {
        String reason(Countdown countdown) {
            long wait = countdown.secondsUntil(readyAt);
            if (why instanceof CloudWatchStream.Group group) {
                return CloudWatchStream.waitReason(group, wait);
            }
            if (why instanceof String sentence) {
                return sentence;
            }
            return wait > 0 ? "waiting " + wait + "s: one interval for Prometheus to scrape past the wave's end"
                    : "no wait: Prometheus has scraped past the wave's end";
        }
    }

    /** Prints a stream the original tool's way: {@code    CPUUtilization: Average=312.4, Maximum=394.1}. */
    static void print(StreamReport report, boolean showSource, PrintStream console) {
        if (showSource && report.source() != null) {
            console.println("  " + report.stream() + " " + report.source() + ":");
        }
        for (MetricReport metric : report.metrics()) {
            StringJoiner values = new StringJoiner(", ");
            metric.statistics().forEach((statistic, value) -> values.add(statistic + "=" + format(value)));
            console.println("   " + metric.name() + ": " + values);
        }
        if (report.error() != null) {
            console.println("   ❌ " + report.stream() + " failed: " + report.error());
        }
    }

    /** A figure for the console: four significant digits below 1000, one decimal above, {@code N/A} for no data. */
    static String format(Double value) {
        if (value == null || value.isNaN()) {
            return "N/A";
        }
        if (value.isInfinite()) {
            return value > 0 ? "+Inf" : "-Inf";
        }
        BigDecimal decimal = BigDecimal.valueOf(value);
        decimal = Math.abs(value) >= 1000 ? decimal.setScale(1, java.math.RoundingMode.HALF_UP)
                : decimal.round(new MathContext(4));
        String text = decimal.stripTrailingZeros().toPlainString();
        return text.equals("-0") ? "0" : text;
    }
}
