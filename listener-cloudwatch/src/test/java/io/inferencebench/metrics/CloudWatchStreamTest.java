package io.inferencebench.metrics;

import io.inferencebench.outcome.ServerMetricsReport;

import io.inferencebench.outcome.ServerMetricsReport.MetricReport;
import io.inferencebench.outcome.ServerMetricsReport.StreamReport;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

class CloudWatchStreamTest {

    private static final AwsOptions BENCH = new AwsOptions("us-east-1", "bench");

    private CloudWatchCborBridge bridge;
    private String namespace;
    /** A minute boundary well in the past, so CloudWatch's lag has passed and nothing waits. */
    private Instant base;

    @BeforeEach
    void setUp(org.junit.jupiter.api.TestInfo test) throws Exception {
        bridge = CloudWatchCborBridge.shared();
        namespace = "InferenceBench/" + test.getTestMethod().orElseThrow().getName() + "/" + System.nanoTime();
        base = Instant.ofEpochSecond(Math.floorDiv(Instant.now().minusSeconds(1200).getEpochSecond(), 60) * 60);
    }

    @Test
    void alignsTheWindowToThePeriodAndWaitsUntilItsEndPlusLag() {
        CloudWatchStream stream = new CloudWatchStream(List.of(block(0, 60, 30, "CPUUtilization"), block(1, 1, 0, "Invocations"),
                block(2, 60, 30, "MemoryUtilization")), BENCH);
        Instant start = Instant.parse("2026-11-29T10:15:07.250Z");
        Instant end = Instant.parse("2026-11-29T10:16:13.500Z");

        List<CloudWatchStream.Group> groups = stream.groups(start, end);

        assertThat(groups).hasSize(2);
        assertThat(groups.get(0).periodSeconds()).isEqualTo(1);
        assertThat(groups.get(0).windowStart()).isEqualTo("2026-11-29T10:15:07Z");
        assertThat(groups.get(0).windowEnd()).isEqualTo("2026-11-29T10:16:14Z");
        assertThat(groups.get(0).readyAt()).isEqualTo("2026-11-29T10:16:14Z");
        assertThat(groups.get(1).blocks()).extracting(CloudWatchBlock::index).containsExactly(0, 2);
        assertThat(groups.get(1).windowStart()).isEqualTo("2026-11-29T10:15:00Z");
        assertThat(groups.get(1).windowEnd()).isEqualTo("2026-11-29T10:17:00Z");
        assertThat(groups.get(1).readyAt()).isEqualTo("2026-11-29T10:17:30Z");
        assertThat(CloudWatchStream.waitReason(groups.get(1), 47)).isEqualTo(
                "waiting 47s: the last 60s period ends at 10:17:00 UTC, then lag 30s for CloudWatch to publish it");
    }

    @Test
    void fetchesTheWindowFromCloudWatchAndCombinesBucketsAsTheOriginalTool() {
        try (CloudWatchData data = new CloudWatchData(bridge.endpoint(), namespace, "EndpointName", "my-endpoint")) {
            data.put("CPUUtilization", base.minusSeconds(30), 999)     // before the window
                    .put("CPUUtilization", base.plusSeconds(5), 10)
                    .put("CPUUtilization", base.plusSeconds(20), 30)     // bucket 1: avg 20, max 30, min 10, sum 40
                    .put("CPUUtilization", base.plusSeconds(70), 50)     // bucket 2: 50
                    .put("CPUUtilization", base.plusSeconds(130), 20)    // bucket 3: 20
                    .put("CPUUtilization", base.plusSeconds(200), 999);  // after the window
        }
        CloudWatchBlock block = new CloudWatchBlock(0, namespace, List.of(new CloudWatchBlock.Dimension("EndpointName", "my-endpoint")),
                60, 0, List.of(new CloudWatchBlock.Metric("CPUUtilization", List.of("Average", "Maximum", "Minimum", "Sum", "SampleCount")),
                new CloudWatchBlock.Metric("GPUUtilization", List.of("Average"))));
        CloudWatchStream stream = new CloudWatchStream(List.of(block), BENCH);
        CloudWatchStream.Group group = stream.groups(base.plusSeconds(7), base.plusSeconds(133)).get(0);

        StreamReport report;
        try (stream) {
            report = stream.fetch(group).get(0);
        }

        assertThat(report.status()).isEqualTo("ok");
        assertThat(report.error()).isNull();
        assertThat(report.window()).isEqualTo(new ServerMetricsReport.Window(base.toEpochMilli(), base.plusSeconds(180).toEpochMilli()));
        Map<String, Double> cpu = report.metrics().get(0).statistics();
        assertThat(cpu.get("Average")).as("mean of the bucket averages 20, 50, 20").isCloseTo(30.0, within(1e-9));
        assertThat(cpu.get("Maximum")).isEqualTo(50.0);
        assertThat(cpu.get("Minimum")).isEqualTo(10.0);
        assertThat(cpu.get("Sum")).isEqualTo(110.0);
        assertThat(cpu.get("SampleCount")).as("mean of 2, 1, 1 per bucket").isCloseTo(4.0 / 3, within(1e-9));
        assertThat(report.metrics().get(0).unit()).isEqualTo("%");
        assertThat(report.metrics().get(1).statistics()).containsEntry("Average", null);
        JsonAssert.request(bridge.metricDataRequests().get(0), base, base.plusSeconds(180), 6);
    }

    @Test
    void groupsBlocksByPeriodAndLagWithOneRequestPerGroup() {
        try (CloudWatchData data = new CloudWatchData(bridge.endpoint(), namespace)) {
            data.put("Invocations", base.plusSeconds(10), 4).put("ModelLatency", base.plusSeconds(10), 1200);
        }
        CloudWatchStream stream = new CloudWatchStream(List.of(block(0, 60, 0, "Invocations", "Sum"),
                block(1, 60, 0, "ModelLatency", "Average"), block(2, 10, 0, "Invocations", "Sum")), BENCH);

        List<StreamReport> reports = new ArrayList<>();
        try (stream) {
            for (CloudWatchStream.Group group : stream.groups(base, base.plusSeconds(50))) {
                reports.addAll(stream.fetch(group).values());
            }
        }

        assertThat(bridge.calls("GetMetricData")).isEqualTo(2);
        assertThat(bridge.metricDataRequests()).extracting(r -> r.path("MetricDataQueries").size()).containsExactlyInAnyOrder(1, 2);
        assertThat(reports).extracting(r -> r.metrics().get(0).statistics().values().iterator().next())
                .containsExactlyInAnyOrder(4.0, 1200.0, 4.0);
    }

    @Test
    void splitsMoreThan500QueriesAcrossRequests() {
        List<String> names = new ArrayList<>();
        try (CloudWatchData data = new CloudWatchData(bridge.endpoint(), namespace)) {
            for (int i = 0; i < 260; i++) {
                names.add("M" + i);
                data.put("M" + i, base.plusSeconds(30), i);
            }
        }
        CloudWatchBlock block = new CloudWatchBlock(0, namespace, List.of(), 60, 0,
                names.stream().map(n -> new CloudWatchBlock.Metric(n, List.of("Average", "Maximum"))).toList());
        CloudWatchStream stream = new CloudWatchStream(List.of(block), BENCH);

        StreamReport report;
        try (stream) {
            report = stream.fetch(stream.groups(base, base.plusSeconds(60)).get(0)).get(0);
        }

        assertThat(bridge.metricDataRequests()).extracting(r -> r.path("MetricDataQueries").size()).containsExactly(500, 20);
        assertThat(report.status()).isEqualTo("ok");
        assertThat(report.metrics()).hasSize(260);
        for (int i = 0; i < 260; i++) {
            assertThat(report.metrics().get(i).statistics()).containsEntry("Average", (double) i).containsEntry("Maximum", (double) i);
        }
    }

    @Test
    void followsNextTokenUntilTheLastPage() {
        try (CloudWatchData data = new CloudWatchData(bridge.endpoint(), namespace)) {
            for (int minute = 0; minute < 5; minute++) {
                data.put("Invocations", base.plusSeconds(60L * minute + 1), minute + 1);
                data.put("ModelLatency", base.plusSeconds(60L * minute + 1), 100 * (minute + 1));
            }
        }
        bridge.pageDataPoints(3);
        CloudWatchStream stream = new CloudWatchStream(List.of(block(0, 60, 0, "Invocations", "Sum"),
                block(1, 60, 0, "ModelLatency", "Maximum")), BENCH);

        Map<Integer, StreamReport> reports;
        try (stream) {
            reports = stream.fetch(stream.groups(base, base.plusSeconds(300)).get(0));
        }

        assertThat(bridge.calls("GetMetricData")).as("10 data points in pages of 3").isEqualTo(4);
        assertThat(reports.get(0).metrics().get(0).statistics()).containsEntry("Sum", 15.0);
        assertThat(reports.get(1).metrics().get(0).statistics()).containsEntry("Maximum", 500.0);
    }

    @Test
    void retriesThrottlingWithBackoff() {
        try (CloudWatchData data = new CloudWatchData(bridge.endpoint(), namespace)) {
            data.put("Invocations", base.plusSeconds(1), 7);
        }
        bridge.failNext("GetMetricData", 2, 400, "Throttling", "Rate exceeded");
        CloudWatchStream stream = new CloudWatchStream(List.of(block(0, 60, 0, "Invocations", "Sum")), BENCH);

        StreamReport report;
        try (stream) {
            report = stream.fetch(stream.groups(base, base.plusSeconds(60)).get(0)).get(0);
        }

        assertThat(bridge.calls("GetMetricData")).isEqualTo(3);
        assertThat(report.status()).isEqualTo("ok");
        assertThat(report.metrics().get(0).statistics()).containsEntry("Sum", 7.0);
    }

    @Test
    void saysInOneLineWhenAccessIsDenied() {
        bridge.failNext("GetMetricData", 1, 403, "AccessDenied",
                "User: arn:aws:iam::123456789012:user/bench is not authorized to perform: cloudwatch:GetMetricData");

        StreamReport report = fetchOne(new CloudWatchStream(List.of(block(0, 60, 0, "Invocations", "Sum")), BENCH));

        assertThat(report.status()).isEqualTo("failed");
        assertThat(report.metrics()).isEmpty();
        assertThat(report.error()).isEqualTo("CloudWatch denied access (profile bench): AccessDenied: User: "
                + "arn:aws:iam::123456789012:user/bench is not authorized to perform: cloudwatch:GetMetricData;"
                + " use credentials allowed cloudwatch:GetMetricData");
    }

    @Test
    void saysInOneLineWhenNoCredentialsAreFound() {
        StreamReport report = fetchOne(new CloudWatchStream(List.of(block(0, 60, 0, "Invocations", "Sum")),
                new AwsOptions("us-east-1", "nobody")));

        assertThat(report.status()).isEqualTo("failed");
        assertThat(report.error()).isEqualTo("no AWS credentials found (profile nobody); set AWS_ACCESS_KEY_ID and"
                + " AWS_SECRET_ACCESS_KEY, run aws configure, or pass --aws-profile");
        assertThat(bridge.calls("GetMetricData")).isZero();
    }

    @Test
    void takesTheRegionFromTheProfileWhenNoneIsGiven() {
        try (CloudWatchData data = new CloudWatchData(bridge.endpoint(), namespace)) {
            data.put("Invocations", base.plusSeconds(1), 2);
        }

        StreamReport report = fetchOne(new CloudWatchStream(List.of(block(0, 60, 0, "Invocations", "Sum")),
                new AwsOptions(null, "bench")));

        assertThat(report.status()).isEqualTo("ok");
        assertThat(report.metrics().get(0).statistics()).containsEntry("Sum", 2.0);
    }

    @Test
    void saysInOneLineWhenNoRegionIsSet() {
        StreamReport report = fetchOne(new CloudWatchStream(List.of(block(0, 60, 0, "Invocations", "Sum")),
                AwsOptions.defaults()));

        assertThat(report.status()).isEqualTo("failed");
        assertThat(report.error()).isEqualTo("no AWS region is set; pass --aws-region or set AWS_REGION");
        assertThat(bridge.calls("GetMetricData")).isZero();
    }

    @Test
    void saysInOneLineWhenCloudWatchIsUnreachable() throws Exception {
        int closedPort;
        try (java.net.ServerSocket socket = new java.net.ServerSocket(0, 1, java.net.InetAddress.getLoopbackAddress())) {
            closedPort = socket.getLocalPort();
        }
        System.setProperty("aws.endpointUrlCloudWatch", "http://127.0.0.1:" + closedPort);
        StreamReport report;
        try {
            report = fetchOne(new CloudWatchStream(List.of(block(0, 60, 0, "Invocations", "Sum")), BENCH));
        } finally {
            System.setProperty("aws.endpointUrlCloudWatch", bridge.endpoint().toString());
        }

        assertThat(report.status()).isEqualTo("failed");
        assertThat(report.error()).startsWith("CloudWatch did not answer in us-east-1: ConnectException: ")
                .endsWith("; check the network, the region and AWS_ENDPOINT_URL_CLOUDWATCH")
                .doesNotContain("\n");
    }

    @Test
    void saysSoWhenCloudWatchHasNoDataPointsForTheWindow() {
        try (CloudWatchData data = new CloudWatchData(bridge.endpoint(), namespace, "EndpointName", "other-endpoint")) {
            data.put("CPUUtilization", base.plusSeconds(10), 5);
        }
        CloudWatchBlock block = new CloudWatchBlock(0, namespace, List.of(new CloudWatchBlock.Dimension("EndpointName", "my-endpoint")),
                60, 0, List.of(new CloudWatchBlock.Metric("CPUUtilization", List.of("Average", "Maximum"))));

        StreamReport report = fetchOne(new CloudWatchStream(List.of(block), BENCH));

        assertThat(report.status()).isEqualTo("failed");
        assertThat(report.metrics()).extracting(MetricReport::statistics)
                .containsExactly(nulls("Average", "Maximum"));
        assertThat(report.error()).isEqualTo("CloudWatch returned no data points for " + namespace
                + " EndpointName=my-endpoint between " + base + " and " + base.plusSeconds(60)
                + "; check Namespace, Dimensions and region, or raise Lag if the data comes later");
    }

    @Test
    void combinesBucketsLikeTheOriginal() {
        assertThat(CloudWatchStream.combine("Sum", List.of(1.0, 2.0, 3.0))).isEqualTo(6.0);
        assertThat(CloudWatchStream.combine("Maximum", List.of(1.0, 7.0, 3.0))).isEqualTo(7.0);
        assertThat(CloudWatchStream.combine("Minimum", List.of(4.0, 2.0, 3.0))).isEqualTo(2.0);
        assertThat(CloudWatchStream.combine("p99", List.of(1.0, 2.0))).isEqualTo(1.5);
        assertThat(CloudWatchStream.combine("Average", List.of())).isNull();
    }

    private StreamReport fetchOne(CloudWatchStream stream) {
        try (stream) {
            return stream.fetch(stream.groups(base, base.plusSeconds(60)).get(0)).values().iterator().next();
        }
    }

    private CloudWatchBlock block(int index, int period, int lag, String metric, String... statistics) {
        return new CloudWatchBlock(index, namespace, List.of(), period, lag,
                List.of(new CloudWatchBlock.Metric(metric, statistics.length == 0 ? List.of("Average") : List.of(statistics))));
    }

    private static Map<String, Double> nulls(String... statistics) {
        Map<String, Double> map = new java.util.LinkedHashMap<>();
        for (String statistic : statistics) {
            map.put(statistic, null);
        }
        return map;
    }

    /** What GetMetricData was asked, read back from the request the bridge received. */
    static final class JsonAssert {
        static void request(com.fasterxml.jackson.databind.JsonNode request, Instant start, Instant end, int queries) {
            assertThat(request.path("StartTime").asDouble()).isEqualTo(start.getEpochSecond());
            assertThat(request.path("EndTime").asDouble()).isEqualTo(end.getEpochSecond());
            assertThat(request.path("MetricDataQueries").size()).isEqualTo(queries);
            assertThat(request.path("MetricDataQueries").get(0).path("MetricStat").path("Period").asInt()).isEqualTo(60);
        }
    }
}
