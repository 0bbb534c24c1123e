package io.inferencebench.metrics;

import io.inferencebench.outcome.ServerMetricsReport;

import io.inferencebench.outcome.ServerMetricsReport.MetricReport;
import io.inferencebench.outcome.ServerMetricsReport.StreamReport;

import java.io.IOException;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;

/**
 * Scrapes a {@code /metrics} endpoint from before the wave until after it, keeping only the
 * configured metrics, so counters and histograms can be differenced across the window.
 */
final class PrometheusScraper {

    static final String STREAM = "prometheus";

    private final PrometheusSource source;
    private final Clock clock;
    private final HttpClient http;
    private final Map<SeriesSelector, MetricFamily> families = new LinkedHashMap<>();
    private ScheduledExecutorService schedule;
    private int scrapes;
    private int failures;
    private String lastError;

    PrometheusScraper(PrometheusSource source, Clock clock) {
        this.source = source;
        this.clock = clock;
        this.http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(2)).build();
    }

    /**
     * Scrapes once now, before returning (the baseline: a wave that starts right after must not land
     * in it), then every interval on a daemon thread.
     */
    void start() {
        scrape();
        schedule = Executors.newSingleThreadScheduledExecutor(r -> {
            Thread thread = new Thread(r, "prometheus-scrape " + source.scrapeUrl());
            thread.setDaemon(true);
            return thread;
        });
        long interval = source.interval().toMillis();
        schedule.scheduleAtFixedRate(this::scrape, interval, interval, TimeUnit.MILLISECONDS);
    }

    /** Stops scraping after one last scrape, which closes the window. */
    void stop() {
        if (schedule == null) {
            return;
        }
        schedule.shutdown();
        try {
            if (!schedule.awaitTermination(15, TimeUnit.SECONDS)) {
                schedule.shutdownNow();
            }
        } catch (InterruptedException e) {
            schedule.shutdownNow();
            Thread.currentThread().interrupt();
        }
        schedule = null;
        scrape();
    }

    /** The window's statistics, or a failed report saying why there are none. */
    StreamReport report(long start, long end) {
        String address = source.scrapeUrl().toString();
        synchronized (this) {
            if (scrapes - failures < 2) {
                return StreamReport.failed(STREAM, address, null, "Prometheus endpoint " + address
                        + (lastError == null ? " was scraped fewer than twice; make the wave longer than the interval"
                        : " could not be scraped: " + lastError));
            }
            List<MetricReport> metrics = new ArrayList<>();
            boolean anyData = false;
            for (SeriesSelector selector : source.metrics()) {
                MetricFamily family = families.getOrDefault(selector, MetricFamily.empty(selector.name(), "untyped"));
                anyData |= family.hasData();
                metrics.addAll(PrometheusStatistics.reports(selector, family, start, end));
            }
            if (!anyData) {
                return new StreamReport(STREAM, address, "failed", "none of the metrics "
                        + source.metrics().stream().map(SeriesSelector::text).toList() + " is exposed by " + address,
                        null, metrics);
            }
            return new StreamReport(STREAM, address, "ok", null, null, metrics);
        }
    }

    private void scrape() {
        long at = clock.millis();
        String body;
        try {
            HttpResponse<String> response = http.send(HttpRequest.newBuilder(source.scrapeUrl())
                            .timeout(Duration.ofSeconds(Math.max(2, Math.min(10, source.interval().toSeconds()))))
                            .header("Accept", "text/plain;version=0.0.4;q=1,*/*;q=0.1")
                            .GET().build(),
                    HttpResponse.BodyHandlers.ofString());
            if (response.statusCode() != 200) {
                failed("HTTP " + response.statusCode());
                return;
            }
            body = response.body();
        } catch (IOException e) {
            failed(e.getClass().getSimpleName() + (e.getMessage() == null ? "" : ": " + e.getMessage()));
            return;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return;
        }
        PrometheusText.Page page;
        try {
            page = PrometheusText.parse(body);
        } catch (IllegalArgumentException e) {
            failed(e.getMessage());
            return;
        }
        synchronized (this) {
            scrapes++;
            for (SeriesSelector selector : source.metrics()) {
                MetricFamily family = families.get(selector);
                for (PrometheusText.Sample sample : page.samples()) {
                    if (!sample.name().startsWith(selector.name())) {
                        continue;
                    }
                    String[] declared = page.familyOf(sample.name());
                    boolean selected = declared[0].equals(selector.name())
                            || declared[0].equals(selector.name() + "_total"); // "vllm:prompt_tokens" finds its _total
                    if (!selected) {
                        continue;
                    }
                    Map<String, String> labels = new LinkedHashMap<>(sample.labels());
                    labels.remove("le");
                    if (!selector.matches(labels)) {
                        continue;
                    }
                    if (family == null) {
                        family = MetricFamily.empty(declared[0], declared[1]);
                        families.put(selector, family);
                    }
                    family.add(sample.name(), sample.labels(), at, sample.value());
                }
            }
        }
    }

    private synchronized void failed(String error) {
        scrapes++;
        failures++;
        lastError = error;
    }
}
