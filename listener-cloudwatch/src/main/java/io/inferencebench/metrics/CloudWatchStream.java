package io.inferencebench.metrics;

import io.inferencebench.outcome.ServerMetricsReport;

import io.inferencebench.outcome.ServerMetricsReport.MetricReport;
import io.inferencebench.outcome.ServerMetricsReport.StreamReport;
import io.inferencebench.outcome.ServerMetricsReport.Window;
import software.amazon.awssdk.auth.credentials.AwsCredentialsProvider;
import software.amazon.awssdk.auth.credentials.DefaultCredentialsProvider;
import software.amazon.awssdk.auth.credentials.ProfileCredentialsProvider;
import software.amazon.awssdk.awscore.exception.AwsServiceException;
import software.amazon.awssdk.awscore.retry.AwsRetryStrategy;
import software.amazon.awssdk.core.exception.SdkClientException;
import software.amazon.awssdk.core.exception.SdkException;
import software.amazon.awssdk.http.urlconnection.UrlConnectionHttpClient;
import software.amazon.awssdk.regions.Region;
import software.amazon.awssdk.services.cloudwatch.CloudWatchClient;
import software.amazon.awssdk.services.cloudwatch.CloudWatchClientBuilder;
import software.amazon.awssdk.services.cloudwatch.model.Dimension;
import software.amazon.awssdk.services.cloudwatch.model.GetMetricDataRequest;
import software.amazon.awssdk.services.cloudwatch.model.GetMetricDataResponse;
import software.amazon.awssdk.services.cloudwatch.model.MessageData;
import software.amazon.awssdk.services.cloudwatch.model.MetricDataQuery;
import software.amazon.awssdk.services.cloudwatch.model.MetricDataResult;
import software.amazon.awssdk.services.cloudwatch.model.MetricStat;
import software.amazon.awssdk.services.cloudwatch.model.ScanBy;
import software.amazon.awssdk.services.cloudwatch.model.StatusCode;

import java.net.ConnectException;
import java.net.SocketTimeoutException;
import java.net.UnknownHostException;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.TreeMap;

/**
 * Fetches the CloudWatch blocks for the wave window with {@code GetMetricData}: one request per
 * (Period, Lag) group, each sent only once CloudWatch has published the group's last period.
 */
final class CloudWatchStream implements AutoCloseable {

    static final String STREAM = "cloudwatch";
    /** CloudWatch's limit of queries per GetMetricData request. */
    static final int MAX_QUERIES_PER_REQUEST = 500;
    private static final int MAX_ATTEMPTS = 8;
    private static final DateTimeFormatter CLOCK_TIME = DateTimeFormatter.ofPattern("HH:mm:ss").withZone(ZoneOffset.UTC);

    private final List<CloudWatchBlock> blocks;
    private final AwsOptions aws;
    private CloudWatchClient client;
    private String clientProblem;

    CloudWatchStream(List<CloudWatchBlock> blocks, AwsOptions aws) {
        this.blocks = List.copyOf(blocks);
        this.aws = aws;
    }

    /** Blocks sharing a period and lag: one wait and one (possibly split) GetMetricData call. */
    record Group(int periodSeconds, int lagSeconds, List<CloudWatchBlock> blocks, Instant windowStart,
                 Instant windowEnd, Instant readyAt) {

        static Group of(int period, int lag, List<CloudWatchBlock> blocks, Instant waveStart, Instant waveEnd) {
            long start = Math.floorDiv(waveStart.getEpochSecond(), period) * period;
            long end = ceilDiv(waveEnd.getEpochSecond() + (waveEnd.getNano() > 0 ? 1 : 0), period) * period;
            if (end <= start) {
                end = start + period; // a wave inside one bucket still reads that bucket
            }
            return new Group(period, lag, blocks, Instant.ofEpochSecond(start), Instant.ofEpochSecond(end),
                    Instant.ofEpochSecond(end + lag));
        }

        private static long ceilDiv(long x, long y) {
            return -Math.floorDiv(-x, y);
        }

        Window window() {
            return Window.of(windowStart, windowEnd);
        }
    }

    /** The groups for a wave, earliest ready first. */
    List<Group> groups(Instant waveStart, Instant waveEnd) {
        Map<List<Integer>, List<CloudWatchBlock>> byKey = new LinkedHashMap<>();
        for (CloudWatchBlock block : blocks) {
            byKey.computeIfAbsent(List.of(block.periodSeconds(), block.lagSeconds()), k -> new ArrayList<>()).add(block);
        }
        List<Group> groups = new ArrayList<>();
        byKey.forEach((key, members) -> groups.add(Group.of(key.get(0), key.get(1), members, waveStart, waveEnd)));
        groups.sort(Comparator.comparing(Group::readyAt));
        return groups;
    }

    /**
     * Fetches one group, once its data is published (the caller waits until {@link Group#readyAt()}).
     * Never throws for a failed fetch: the group's blocks come back failed with a one-line error.
     */
    Map<Integer, StreamReport> fetch(Group group) {
        if (client == null && clientProblem == null) {
            try {
                client = buildClient();
            } catch (SdkException e) {
                clientProblem = describe(e);
            }
        }
        List<StreamReport> groupReports = clientProblem != null ? failAll(group, clientProblem) : fetchGroup(client, group);
        Map<Integer, StreamReport> reports = new TreeMap<>();
        for (int i = 0; i < group.blocks().size(); i++) {
            reports.put(group.blocks().get(i).index(), groupReports.get(i));
        }
        return reports;
    }

    @Override
    public void close() {
        if (client != null) {
            client.close();
            client = null;
        }
    }

    static String waitReason(Group group, long waitSeconds) {
        String why = "the last " + group.periodSeconds() + "s period ends at " + CLOCK_TIME.format(group.windowEnd())
                + " UTC, then lag " + group.lagSeconds() + "s for CloudWatch to publish it";
        return waitSeconds > 0
                ? "waiting " + waitSeconds + "s: " + why
                : "no wait: " + why;
    }

    private List<StreamReport> failAll(Group group, String error) {
        List<StreamReport> reports = new ArrayList<>();
        for (CloudWatchBlock block : group.blocks()) {
            reports.add(StreamReport.failed(STREAM, block.source(), group.window(), error));
        }
        return reports;
    }

    CloudWatchClient buildClient() {
        CloudWatchClientBuilder builder = CloudWatchClient.builder()
                .httpClientBuilder(UrlConnectionHttpClient.builder()
                        .connectionTimeout(Duration.ofSeconds(10))
                        .socketTimeout(Duration.ofSeconds(60)))
                .credentialsProvider(credentials())
                .overrideConfiguration(c -> {
                    if (aws.profile() != null) {
                        c.defaultProfileName(aws.profile());
                    }
                    // GetMetricData is throttled at 50 TPS per account: retry with backoff beyond the SDK's 3 attempts.
                    c.retryStrategy(AwsRetryStrategy.standardRetryStrategy().toBuilder().maxAttempts(MAX_ATTEMPTS).build());
                    c.apiCallTimeout(Duration.ofMinutes(5));
                });
        if (aws.region() != null) {
            builder.region(Region.of(aws.region()));
        }
        return builder.build();
    }

    private AwsCredentialsProvider credentials() {
        return aws.profile() != null
                ? ProfileCredentialsProvider.builder().profileName(aws.profile()).build()
                : DefaultCredentialsProvider.builder().build();
    }

    private List<StreamReport> fetchGroup(CloudWatchClient client, Group group) {
        List<MetricDataQuery> queries = new ArrayList<>();
        List<List<Double>> values = new ArrayList<>();
        for (CloudWatchBlock block : group.blocks()) {
            List<Dimension> dimensions = block.dimensions().stream()
                    .map(d -> Dimension.builder().name(d.name()).value(d.value()).build()).toList();
            for (CloudWatchBlock.Metric metric : block.metrics()) {
                for (String statistic : metric.statistics()) {
                    queries.add(MetricDataQuery.builder()
                            .id("q" + queries.size())
                            .returnData(true)
                            .metricStat(MetricStat.builder()
                                    .metric(m -> m.namespace(block.namespace()).metricName(metric.name()).dimensions(dimensions))
                                    .period(group.periodSeconds())
                                    .stat(statistic)
                                    .build())
                            .build());
                    values.add(new ArrayList<>());
                }
            }
        }
        List<String> warnings = new ArrayList<>();
        try {
            for (int from = 0; from < queries.size(); from += MAX_QUERIES_PER_REQUEST) {
                GetMetricDataRequest request = GetMetricDataRequest.builder()
                        .startTime(group.windowStart())
                        .endTime(group.windowEnd())
                        .scanBy(ScanBy.TIMESTAMP_ASCENDING)
                        .metricDataQueries(queries.subList(from, Math.min(from + MAX_QUERIES_PER_REQUEST, queries.size())))
                        .build();
                for (GetMetricDataResponse page : client.getMetricDataPaginator(request)) {
                    for (MetricDataResult result : page.metricDataResults()) {
                        values.get(Integer.parseInt(result.id().substring(1))).addAll(result.values());
                        if (result.statusCode() == StatusCode.FORBIDDEN || result.statusCode() == StatusCode.INTERNAL_ERROR) {
                            warnings.add(result.label() + ": " + result.statusCodeAsString());
                        }
                    }
                    for (MessageData message : page.messages()) {
                        warnings.add(message.code() + ": " + message.value());
                    }
                }
            }
        } catch (SdkException e) {
            return failAll(group, describe(e));
        }

        List<StreamReport> reports = new ArrayList<>();
        int q = 0;
        for (CloudWatchBlock block : group.blocks()) {
            List<MetricReport> metrics = new ArrayList<>();
            boolean anyData = false;
            for (CloudWatchBlock.Metric metric : block.metrics()) {
                Map<String, Double> statistics = new LinkedHashMap<>();
                for (String statistic : metric.statistics()) {
                    List<Double> buckets = values.get(q++);
                    anyData |= !buckets.isEmpty();
                    statistics.put(statistic, combine(statistic, buckets));
                }
                metrics.add(new MetricReport(metric.name(), unit(block.namespace(), metric.name()), statistics));
            }
            String error = null;
            if (!warnings.isEmpty()) {
                error = "CloudWatch answered with problems: " + String.join("; ", warnings);
            } else if (!anyData) {
                error = "CloudWatch returned no data points for " + block.source() + " between "
                        + group.windowStart() + " and " + group.windowEnd()
                        + "; check Namespace, Dimensions and region, or raise Lag if the data comes later";
            }
            reports.add(new StreamReport(STREAM, block.source(), anyData && warnings.isEmpty() ? "ok" : "failed",
                    ServerMetricsReport.oneLine(error), group.window(), metrics));
        }
        return reports;
    }

    /** Per-bucket values to one figure, as the original tool: Sum adds, Maximum and Minimum keep the extreme, the rest average. */
    static Double combine(String statistic, List<Double> buckets) {
        if (buckets.isEmpty()) {
            return null;
        }
        return switch (statistic) {
            case "Sum" -> buckets.stream().mapToDouble(Double::doubleValue).sum();
            case "Maximum" -> buckets.stream().mapToDouble(Double::doubleValue).max().orElseThrow();
            case "Minimum" -> buckets.stream().mapToDouble(Double::doubleValue).min().orElseThrow();
            default -> buckets.stream().mapToDouble(Double::doubleValue).average().orElseThrow();
        };
    }

    static String unit(String namespace, String metric) {
        if (metric.endsWith("Utilization")) {
            return "%";
        }
        if (namespace.toLowerCase(Locale.ROOT).contains("sagemaker")
                && (metric.equals("ModelLatency") || metric.equals("OverheadLatency"))) {
            return "us";
        }
        return null;
    }

    /** One line saying what went wrong and what to do about it; never a stack trace, never a secret. */
    String describe(SdkException e) {
        String profile = aws.profile() == null ? "" : " (profile " + aws.profile() + ")";
        if (e instanceof AwsServiceException service) {
            String code = service.awsErrorDetails() == null ? null : service.awsErrorDetails().errorCode();
            String message = service.awsErrorDetails() == null ? e.getMessage() : service.awsErrorDetails().errorMessage();
            int status = service.statusCode();
            if (status == 403 || (code != null && (code.contains("AccessDenied") || code.contains("NotAuthorized")
                    || code.contains("InvalidClientTokenId") || code.contains("SignatureDoesNotMatch") || code.contains("ExpiredToken")))) {
                return "CloudWatch denied access" + profile + ": " + code + ": " + message
                        + "; use credentials allowed cloudwatch:GetMetricData";
            }
            if (service.isThrottlingException()) {
                return "CloudWatch kept throttling GetMetricData after " + MAX_ATTEMPTS + " attempts (" + code
                        + "); fetch fewer metrics or retry later";
            }
            return "CloudWatch rejected GetMetricData: " + (code == null ? "HTTP " + status : code) + ": " + message;
        }
        String message = e.getMessage() == null ? e.getClass().getSimpleName() : e.getMessage();
        if (message.contains("Unable to load region") || message.contains("region")
                && message.toLowerCase(Locale.ROOT).contains("unable to load")) {
            return "no AWS region is set" + profile + "; pass --aws-region or set AWS_REGION";
        }
        if (message.contains("credentials") || message.contains("Unable to load credentials")
                || message.contains("Profile file contained no credentials")) {
            return "no AWS credentials found" + profile + "; set AWS_ACCESS_KEY_ID and AWS_SECRET_ACCESS_KEY,"
                    + " run aws configure, or pass --aws-profile";
        }
        Throwable cause = rootCause(e);
        if (e instanceof SdkClientException && (cause instanceof ConnectException || cause instanceof UnknownHostException
                || cause instanceof SocketTimeoutException)) {
            return "CloudWatch did not answer" + (aws.region() == null ? "" : " in " + aws.region()) + ": "
                    + cause.getClass().getSimpleName() + ": " + cause.getMessage()
                    + "; check the network, the region and AWS_ENDPOINT_URL_CLOUDWATCH";
        }
        return "CloudWatch request failed: " + message;
    }

    private static Throwable rootCause(Throwable e) {
        Throwable cause = e;
        while (cause.getCause() != null && cause.getCause() != cause) {
            cause = cause.getCause();
        }
        return cause;
    }
}
