package io.inferencebench.metrics;

import io.inferencebench.outcome.ServerMetricsReport;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.inferencebench.outcome.ServerMetricsReport.MetricReport;
import io.inferencebench.outcome.ServerMetricsReport.StreamReport;

import java.io.IOException;
import java.math.BigDecimal;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.Iterator;
import java.util.List;
import java.util.Map;

/**
 * Reads the wave window from a Prometheus server's HTTP API after the wave: the raw points of each
 * configured series ({@code /api/v1/query_range}, step = the block's interval) and each metric's
 * type ({@code /api/v1/metadata}); the statistics are then worked out as for a scrape.
 */
final class PrometheusQuery {

    private static final ObjectMapper JSON = new ObjectMapper();
    private static final int MAX_POINTS = 10_000; // Prometheus refuses more than 11,000 points per series

    private final PrometheusSource source;
    private final String base;
    private final HttpClient http;

    PrometheusQuery(PrometheusSource source) {
        this.source = source;
        String url = source.queryUrl().toString().replaceAll("/+$", "");
        for (String suffix : new String[] {"/api/v1/query_range", "/api/v1/query"}) {
            if (url.endsWith(suffix)) {
                url = url.substring(0, url.length() - suffix.length());
                break;
            }
        }
        this.base = url;
        this.http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();
    }

    /** Prometheus scrapes on its own schedule: one interval after the wave, the end of the window is in. */
    Instant readyAt(Instant waveEnd) {
        return waveEnd.plus(source.interval());
    }

    StreamReport fetch(long start, long end) {
        String address = source.queryUrl().toString();
        List<MetricReport> metrics = new ArrayList<>();
        boolean anyData = false;
        try {
            for (SeriesSelector selector : source.metrics()) {
                MetricFamily family = family(selector, start, end);
                anyData |= family.hasData();
                metrics.addAll(PrometheusStatistics.reports(selector, family, start, end));
            }
        } catch (PrometheusFailure e) {
            return StreamReport.failed(PrometheusScraper.STREAM, address, null, e.getMessage());
        }
        if (!anyData) {
            return new StreamReport(PrometheusScraper.STREAM, address, "failed", "Prometheus at " + address
                    + " has no data for " + source.metrics().stream().map(SeriesSelector::text).toList()
                    + " in the wave window; check the metric names and that Prometheus scrapes the server", null, metrics);
        }
        return new StreamReport(PrometheusScraper.STREAM, address, "ok", null, null, metrics);
    }

    private MetricFamily family(SeriesSelector selector, long start, long end) throws PrometheusFailure {
        String type = type(selector.name());
        if (type == null && selector.name().endsWith("_total")) {
            type = type(selector.name().substring(0, selector.name().length() - "_total".length()));
        }
        long step = step(start, end);
        // Counters and histograms need a point on each side of the window to difference.
        long around = start - step;
        long after = end + step;
        MetricFamily family = MetricFamily.empty(selector.name(), type == null ? "untyped" : type);
        if ("histogram".equals(type) || type == null && !selector.name().endsWith("_total")) {
            for (String suffix : new String[] {"_bucket", "_sum", "_count"}) {
                rangeInto(family, selector.name() + suffix, selector.promql(suffix), around, after, step);
            }
            if (family.hasData()) {
                return new MetricFamily(selector.name(), "histogram", family.series());
            }
        }
        if ("counter".equals(type) || type == null && selector.name().endsWith("_total")) {
            rangeInto(family, selector.name(), selector.promql(""), around, after, step);
            if (!family.hasData() && !selector.name().endsWith("_total")) {
                rangeInto(family, selector.name() + "_total", selector.promql("_total"), around, after, step);
            }
        } else {
            // A step's value is the last sample before it: from one step into the wave, that sample
            // was scraped during the wave, not before it.
            rangeInto(family, selector.name(), selector.promql(""), start + step, Math.max(end, start + step), step);
        }
        return family;
    }

    private long step(long start, long end) {
        return Math.max(source.interval().toMillis(), (end - start) / MAX_POINTS + 1);
    }

    /** The metric's type from the metadata API, or {@code null} when Prometheus does not know it. */
    private String type(String metric) throws PrometheusFailure {
        JsonNode data = get("/api/v1/metadata?metric=" + encode(metric), "metadata of " + metric);
        JsonNode entries = data.path(metric);
        return entries.isArray() && !entries.isEmpty() ? entries.get(0).path("type").asText(null) : null;
    }

    private void rangeInto(MetricFamily family, String sampleName, String promql, long from, long to, long stepMillis)
            throws PrometheusFailure {
        String query = "/api/v1/query_range?query=" + encode(promql)
                + "&start=" + seconds(from) + "&end=" + seconds(to) + "&step=" + seconds(stepMillis);
        JsonNode data = get(query, "query " + promql);
        for (JsonNode series : data.path("result")) {
            Map<String, String> labels = new HashMap<>();
            for (Iterator<Map.Entry<String, JsonNode>> it = series.path("metric").fields(); it.hasNext(); ) {
                Map.Entry<String, JsonNode> label = it.next();
                if (!label.getKey().equals("__name__")) {
                    labels.put(label.getKey(), label.getValue().asText());
                }
            }
            for (JsonNode point : series.path("values")) {
                long at = new BigDecimal(point.get(0).asText()).movePointRight(3).longValue();
                family.add(sampleName, labels, at, PrometheusText.value(point.get(1).asText()));
            }
        }
    }

    private JsonNode get(String pathAndQuery, String what) throws PrometheusFailure {
        String address = source.queryUrl().toString();
        HttpResponse<String> response;
        try {
            response = http.send(HttpRequest.newBuilder(URI.create(base + pathAndQuery)).timeout(Duration.ofSeconds(30)).GET().build(),
                    HttpResponse.BodyHandlers.ofString());
        } catch (IOException e) {
            throw new PrometheusFailure("Prometheus at " + address + " did not answer: " + e.getClass().getSimpleName()
                    + (e.getMessage() == null ? "" : ": " + e.getMessage()));
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new PrometheusFailure("interrupted while querying Prometheus at " + address);
        }
        JsonNode body;
        try {
            body = JSON.readTree(response.body());
        } catch (IOException e) {
            throw new PrometheusFailure("Prometheus at " + address + " answered the " + what + " with HTTP "
                    + response.statusCode() + " and no Prometheus API JSON; is query_url a Prometheus server?");
        }
        if (response.statusCode() != 200 || !"success".equals(body.path("status").asText())) {
            throw new PrometheusFailure("Prometheus at " + address + " refused the " + what + ": HTTP " + response.statusCode()
                    + " " + body.path("errorType").asText("") + ": " + body.path("error").asText(""));
        }
        return body.path("data");
    }

    private static String seconds(long epochMs) {
        return BigDecimal.valueOf(epochMs).movePointLeft(3).toPlainString();
    }

    private static String encode(String text) {
        return URLEncoder.encode(text, StandardCharsets.UTF_8);
    }

    private static final class PrometheusFailure extends Exception {
        private static final long serialVersionUID = 1L;

        PrometheusFailure(String message) {
            super(ServerMetricsReport.oneLine(message), null, false, false);
        }
    }
}
