package io.inferencebench.metrics;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;

import java.io.IOException;
import java.math.BigDecimal;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.URI;
import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.Executors;

/**
 * A loopback stand-in for a Prometheus server's HTTP API (Prometheus itself cannot run here): it
 * stores samples as if it had scraped them and answers {@code /api/v1/metadata} and
 * {@code /api/v1/query_range} for plain series selectors in Prometheus's exact JSON shapes, evaluating
 * each step as Prometheus does (the latest sample at or before it, within the 5-minute lookback).
 */
final class PrometheusApi implements AutoCloseable {

    private static final ObjectMapper JSON = new ObjectMapper();
    private static final long LOOKBACK_MS = 300_000;

    private record Stored(String name, Map<String, String> labels, long epochMs, double value) {
    }

    private final HttpServer server;
    private final List<Stored> samples = new CopyOnWriteArrayList<>();
    private final Map<String, String> types = new HashMap<>();
    private final List<String> queries = new CopyOnWriteArrayList<>();
    private volatile int unavailable;

    PrometheusApi() throws IOException {
        server = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
        server.setExecutor(Executors.newSingleThreadExecutor());
        server.createContext("/api/v1/", this::handle);
        server.start();
    }

    /** What users put in {@code query_url}. */
    URI queryUrl() {
        return URI.create("http://127.0.0.1:" + server.getAddress().getPort() + "/api/v1/query");
    }

    void type(String family, String type) {
        types.put(family, type);
    }

    void sample(String name, Map<String, String> labels, long epochMs, double value) {
        samples.add(new Stored(name, labels, epochMs, value));
    }

    /** Answers the next requests with 503, as a Prometheus still replaying its WAL does. */
    void unavailableFor(int requests) {
        unavailable = requests;
    }

    List<String> queries() {
        return queries;
    }

    private void handle(HttpExchange exchange) throws IOException {
        try (exchange) {
            Map<String, String> params = params(exchange.getRequestURI().getRawQuery());
            String path = exchange.getRequestURI().getPath();
            if (unavailable > 0) {
                unavailable--;
                reply(exchange, 503, error("unavailable", "TSDB not ready"));
                return;
            }
            if (path.equals("/api/v1/metadata")) {
                ObjectNode body = JSON.createObjectNode().put("status", "success");
                ObjectNode data = body.putObject("data");
                String metric = params.get("metric");
                if (types.containsKey(metric)) {
                    data.putArray(metric).addObject().put("type", types.get(metric)).put("help", metric + " help").put("unit", "");
                }
                reply(exchange, 200, body);
                return;
            }
            if (!path.equals("/api/v1/query_range")) {
                reply(exchange, 404, error("not_found", "unknown path " + path));
                return;
            }
            String query = params.get("query");
            queries.add(query);
            SeriesSelector selector;
            try {
                selector = SeriesSelector.parse(query);
            } catch (IllegalArgumentException e) {
                reply(exchange, 400, error("bad_data", "invalid parameter \"query\": 1:1: parse error: " + e.getMessage()));
                return;
            }
            long start = millis(params.get("start"));
            long end = millis(params.get("end"));
            long step = millis(params.get("step"));
            Map<Map<String, String>, List<Stored>> series = new LinkedHashMap<>();
            for (Stored sample : samples) {
                if (sample.name().equals(selector.name()) && selector.matches(sample.labels())) {
                    series.computeIfAbsent(sample.labels(), k -> new ArrayList<>()).add(sample);
                }
            }
            ObjectNode body = JSON.createObjectNode().put("status", "success");
            ObjectNode data = body.putObject("data").put("resultType", "matrix");
            ArrayNode result = data.putArray("result");
            series.forEach((labels, points) -> {
                ArrayNode values = JSON.createArrayNode();
                for (long t = start; t <= end; t += step) {
                    Stored latest = null;
                    for (Stored point : points) {
                        if (point.epochMs() <= t && point.epochMs() > t - LOOKBACK_MS
                                && (latest == null || point.epochMs() >= latest.epochMs())) {
                            latest = point;
                        }
                    }
                    if (latest != null) {
                        values.addArray().add(BigDecimal.valueOf(t).movePointLeft(3)).add(format(latest.value()));
                    }
                }
                if (!values.isEmpty()) {
                    ObjectNode entry = result.addObject();
                    ObjectNode metric = entry.putObject("metric").put("__name__", selector.name());
                    labels.forEach(metric::put);
                    entry.set("values", values);
                }
            });
            reply(exchange, 200, body);
        }
    }

    private static String format(double value) {
        if (Double.isInfinite(value)) {
            return value > 0 ? "+Inf" : "-Inf";
        }
        return BigDecimal.valueOf(value).stripTrailingZeros().toPlainString();
    }

    private static long millis(String seconds) {
        return new BigDecimal(seconds).movePointRight(3).longValue();
    }

    private static ObjectNode error(String type, String message) {
        return JSON.createObjectNode().put("status", "error").put("errorType", type).put("error", message);
    }

    private static Map<String, String> params(String rawQuery) {
        Map<String, String> params = new HashMap<>();
        if (rawQuery != null) {
            for (String pair : rawQuery.split("&")) {
                int eq = pair.indexOf('=');
                params.put(URLDecoder.decode(pair.substring(0, eq), StandardCharsets.UTF_8),
                        URLDecoder.decode(pair.substring(eq + 1), StandardCharsets.UTF_8));
            }
        }
        return params;
    }

    private static void reply(HttpExchange exchange, int status, ObjectNode body) throws IOException {
        byte[] bytes = JSON.writeValueAsBytes(body);
        exchange.getResponseHeaders().add("Content-Type", "application/json");
        exchange.sendResponseHeaders(status, bytes.length);
        exchange.getResponseBody().write(bytes);
    }

    @Override
    public void close() {
        server.stop(0);
        ((java.util.concurrent.ExecutorService) server.getExecutor()).shutdownNow();
    }
}
