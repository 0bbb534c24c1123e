package io.inferencebench.metrics;

import com.fasterxml.jackson.core.JsonGenerator;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.fasterxml.jackson.dataformat.cbor.CBORGenerator;
import com.fasterxml.jackson.dataformat.cbor.databind.CBORMapper;
import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Instant;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.Executors;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.zip.GZIPInputStream;

/**
 * Test fixture between the AWS SDK and moto's server. Since 2.40.6 the SDK speaks Smithy RPC v2 CBOR
 * to CloudWatch ({@code POST /service/GraniteServiceVersion20100801/operation/<Op>}); moto speaks only
 * the Query and AWS JSON 1.0 protocols (moto issue 9195). This bridge decodes the CBOR request, forwards
 * it to moto as AWS JSON 1.0 with the original signature headers, and encodes moto's answer back as
 * CBOR (timestamps as epoch-time tags). Like CloudWatch, it refuses more than 500 queries per request,
 * and it can page GetMetricData answers and inject throttling or access errors to exercise those paths.
 */
public final class CloudWatchCborBridge implements AutoCloseable {

    private static final String PREFIX = "/service/GraniteServiceVersion20100801/operation/";
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final CBORMapper CBOR = new CBORMapper();

    private final HttpServer server;
    private final URI moto;
    private final HttpClient http = HttpClient.newHttpClient();
    private final Map<String, AtomicInteger> calls = new ConcurrentHashMap<>();
    private final List<JsonNode> metricDataRequests = new CopyOnWriteArrayList<>();
    private final Deque<Fault> faults = new ArrayDeque<>();
    private final Map<String, Deque<JsonNode>> pendingPages = new ConcurrentHashMap<>();
    private volatile int pageSize;
    private final AtomicInteger tokens = new AtomicInteger();

    private record Fault(String operation, int status, String type, String message) {
    }

    private static CloudWatchCborBridge shared;

    /**
     * One moto server and bridge for the whole test JVM, stopped when it exits; the SDK is pointed at
     * the bridge through its standard endpoint setting ({@code aws.endpointUrlCloudWatch}, the system
     * property twin of {@code AWS_ENDPOINT_URL_CLOUDWATCH}). Skips the calling test if moto is absent.
     */
    public static synchronized CloudWatchCborBridge shared() throws IOException, InterruptedException {
        org.junit.jupiter.api.Assumptions.assumeTrue(MotoServer.installed(),
                "moto_server is not on the PATH; install it with: pip install 'moto[server]'");
        if (shared == null) {
            MotoServer moto = MotoServer.start();
            CloudWatchCborBridge bridge = new CloudWatchCborBridge(moto.endpoint());
            Runtime.getRuntime().addShutdownHook(new Thread(() -> {
                bridge.close();
                try {
                    moto.close();
                } catch (InterruptedException ignored) {
                    // exiting anyway
                }
            }));
            shared = bridge;
        }
        System.setProperty("aws.endpointUrlCloudWatch", shared.endpoint().toString());
        shared.reset();
        return shared;
    }

    /** Forgets faults, paging and counts from earlier tests. */
    synchronized void reset() {
        faults.clear();
        pageSize = 0;
        calls.clear();
        metricDataRequests.clear();
    }

    CloudWatchCborBridge(URI moto) throws IOException {
        this.moto = moto;
        server = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
        server.setExecutor(Executors.newFixedThreadPool(4));
        server.createContext("/", this::handle);
        server.start();
    }

    /** The URL to give the SDK as its CloudWatch endpoint. */
    public URI endpoint() {
        return URI.create("http://127.0.0.1:" + server.getAddress().getPort());
    }

    /** Answers the next {@code times} calls of the operation with this error instead of forwarding them. */
    synchronized void failNext(String operation, int times, int status, String type, String message) {
        for (int i = 0; i < times; i++) {
            faults.add(new Fault(operation, status, type, message));
        }
    }

    /** Splits GetMetricData answers into pages of at most this many data points, joined by NextToken. */
    void pageDataPoints(int dataPoints) {
        pageSize = dataPoints;
    }

    int calls(String operation) {
        return calls.getOrDefault(operation, new AtomicInteger()).get();
    }

    /** The GetMetricData requests as received (decoded from CBOR), in order. */
    List<JsonNode> metricDataRequests() {
        return metricDataRequests;
    }

    private void handle(HttpExchange exchange) throws IOException {
        try (exchange) {
            String path = exchange.getRequestURI().getPath();
            if (!path.startsWith(PREFIX) || !"POST".equals(exchange.getRequestMethod())) {
                reply(exchange, 404, error("UnknownOperationException", "not a CloudWatch RPC v2 CBOR request: " + path));
                return;
            }
            String operation = path.substring(PREFIX.length());
            calls.computeIfAbsent(operation, k -> new AtomicInteger()).incrementAndGet();
            byte[] raw = exchange.getRequestBody().readAllBytes();
            if ("gzip".equalsIgnoreCase(exchange.getRequestHeaders().getFirst("Content-Encoding"))) {
                try (InputStream in = new GZIPInputStream(new java.io.ByteArrayInputStream(raw))) {
                    raw = in.readAllBytes();
                }
            }
            JsonNode request = raw.length == 0 ? JSON.createObjectNode() : CBOR.readTree(raw);
            Fault fault = nextFault(operation);
            if (fault != null) {
                reply(exchange, fault.status(), error(fault.type(), fault.message()));
                return;
            }
            if (operation.equals("GetMetricData")) {
                metricDataRequests.add(request);
                if (request.path("MetricDataQueries").size() > CloudWatchStream.MAX_QUERIES_PER_REQUEST) {
                    reply(exchange, 400, error("InvalidParameterValue",
                            "The collection MetricDataQueries must not have a size greater than 500."));
                    return;
                }
                JsonNode token = request.get("NextToken");
                if (token != null) {
                    Deque<JsonNode> pages = pendingPages.get(token.asText());
                    JsonNode page = pages == null ? null : pages.poll();
                    if (page == null) {
                        reply(exchange, 400, error("InvalidNextToken", "The service couldn't process your request."));
                    } else {
                        reply(exchange, 200, cbor(page));
                    }
                    return;
                }
            }
            HttpRequest.Builder forward = HttpRequest.newBuilder(moto.resolve("/"))
                    .header("X-Amz-Target", "GraniteServiceVersion20100801." + operation)
                    .header("Content-Type", "application/x-amz-json-1.0")
                    .POST(HttpRequest.BodyPublishers.ofByteArray(JSON.writeValueAsBytes(request)));
            for (String header : List.of("Authorization", "X-Amz-Date", "X-Amz-Security-Token")) {
                String value = exchange.getRequestHeaders().getFirst(header);
                if (value != null) {
                    forward.header(header, value);
                }
            }
            HttpResponse<byte[]> answer = http.send(forward.build(), HttpResponse.BodyHandlers.ofByteArray());
            JsonNode body = answer.body().length == 0 ? JSON.createObjectNode() : JSON.readTree(answer.body());
            answer.headers().firstValue("x-amzn-query-error")
                    .ifPresent(value -> exchange.getResponseHeaders().add("x-amzn-query-error", value));
            if (answer.statusCode() == 200 && operation.equals("GetMetricData") && pageSize > 0) {
                body = paginate(body);
            }
            reply(exchange, answer.statusCode(), cbor(body));
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        } catch (RuntimeException | IOException e) {
            e.printStackTrace();
            throw e;
        }
    }

    private synchronized Fault nextFault(String operation) {
        for (Iterator<Fault> it = faults.iterator(); it.hasNext(); ) {
            Fault fault = it.next();
            if (fault.operation().equals(operation)) {
                it.remove();
                return fault;
            }
        }
        return null;
    }

    /** Cuts moto's complete answer into pages, the first returned now and the rest kept under a token. */
    private JsonNode paginate(JsonNode answer) {
        List<ObjectNode> pages = new ArrayList<>();
        ObjectNode page = null;
        int inPage = 0;
        for (JsonNode result : answer.path("MetricDataResults")) {
            JsonNode timestamps = result.path("Timestamps");
            JsonNode values = result.path("Values");
            ObjectNode slice = null;
            for (int i = 0; i < values.size(); i++) {
                if (page == null || inPage == pageSize) {
                    page = JSON.createObjectNode();
                    page.putArray("MetricDataResults");
                    pages.add(page);
                    inPage = 0;
                    slice = null;
                }
                if (slice == null) {
                    slice = ((ArrayNode) page.get("MetricDataResults")).addObject();
                    slice.put("Id", result.path("Id").asText());
                    slice.put("Label", result.path("Label").asText());
                    slice.put("StatusCode", "PartialData");
                    slice.putArray("Timestamps");
                    slice.putArray("Values");
                }
                ((ArrayNode) slice.get("Timestamps")).add(timestamps.get(i));
                ((ArrayNode) slice.get("Values")).add(values.get(i));
                inPage++;
            }
        }
        if (pages.size() <= 1) {
            return answer;
        }
        String token = "page-token-" + tokens.incrementAndGet();
        Deque<JsonNode> rest = new ArrayDeque<>();
        for (int i = 0; i < pages.size(); i++) {
            if (i + 1 < pages.size()) {
                pages.get(i).put("NextToken", token);
            } else {
                pages.get(i).withArray("MetricDataResults").forEach(r -> ((ObjectNode) r).put("StatusCode", "Complete"));
            }
            if (i > 0) {
                rest.add(pages.get(i));
            }
        }
        pendingPages.put(token, rest);
        return pages.get(0);
    }

    private static JsonNode error(String type, String message) {
        ObjectNode error = JSON.createObjectNode();
        error.put("__type", "GraniteServiceVersion20100801#" + type);
        error.put("Message", message);
        return error;
    }

    /** JSON tree to CBOR, timestamps (epoch seconds or ISO text in moto's JSON) as CBOR tag 1. */
    private static byte[] cbor(JsonNode json) throws IOException {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        try (CBORGenerator generator = (CBORGenerator) CBOR.getFactory().createGenerator(out)) {
            write(generator, json, false);
        }
        return out.toByteArray();
    }

    private static void write(CBORGenerator generator, JsonNode node, boolean timestamp) throws IOException {
        if (node.isObject()) {
            generator.writeStartObject();
            for (Iterator<Map.Entry<String, JsonNode>> it = node.fields(); it.hasNext(); ) {
                Map.Entry<String, JsonNode> field = it.next();
                generator.writeFieldName(field.getKey());
                write(generator, field.getValue(), field.getKey().endsWith("Timestamp") || field.getKey().equals("Timestamps"));
            }
            generator.writeEndObject();
        } else if (node.isArray()) {
            generator.writeStartArray();
            for (JsonNode item : node) {
                write(generator, item, timestamp);
            }
            generator.writeEndArray();
        } else if (timestamp && (node.isNumber() || node.isTextual())) {
            double seconds = node.isNumber() ? node.asDouble() : Instant.parse(node.asText()).toEpochMilli() / 1000.0;
            generator.writeTag(1);
            generator.writeNumber(seconds);
        } else {
            JSON.writeTree((JsonGenerator) generator, node);
        }
    }

    private static void reply(HttpExchange exchange, int status, JsonNode body) throws IOException {
        reply(exchange, status, cbor(body));
    }

    private static void reply(HttpExchange exchange, int status, byte[] body) throws IOException {
        exchange.getResponseHeaders().add("Content-Type", "application/cbor");
        exchange.getResponseHeaders().add("smithy-protocol", "rpc-v2-cbor");
        exchange.sendResponseHeaders(status, body.length);
        exchange.getResponseBody().write(body);
    }

    @Override
    public void close() {
        server.stop(0);
        ((java.util.concurrent.ExecutorService) server.getExecutor()).shutdownNow();
    }
}
