package io.inferencebench.metrics;

import software.amazon.awssdk.auth.credentials.AwsBasicCredentials;
import software.amazon.awssdk.auth.credentials.StaticCredentialsProvider;
import software.amazon.awssdk.http.urlconnection.UrlConnectionHttpClient;
import software.amazon.awssdk.regions.Region;
import software.amazon.awssdk.services.cloudwatch.CloudWatchClient;
import software.amazon.awssdk.services.cloudwatch.model.Dimension;
import software.amazon.awssdk.services.cloudwatch.model.MetricDatum;

import java.net.URI;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;

/** Puts metric data into moto through the bridge with the AWS SDK, as a server would publish it. */
public final class CloudWatchData implements AutoCloseable {

    private final CloudWatchClient client;
    private final String namespace;
    private final List<Dimension> dimensions;
    private final List<MetricDatum> pending = new ArrayList<>();

    public CloudWatchData(URI endpoint, String namespace, String... dimensionPairs) {
        this.client = CloudWatchClient.builder()
                .endpointOverride(endpoint)
                .region(Region.US_EAST_1)
                .httpClientBuilder(UrlConnectionHttpClient.builder())
                .credentialsProvider(StaticCredentialsProvider.create(AwsBasicCredentials.create("AKIDPUTTER", "putter-secret")))
                .build();
        this.namespace = namespace;
        List<Dimension> dims = new ArrayList<>();
        for (int i = 0; i < dimensionPairs.length; i += 2) {
            dims.add(Dimension.builder().name(dimensionPairs[i]).value(dimensionPairs[i + 1]).build());
        }
        this.dimensions = dims;
    }

    public CloudWatchData put(String metric, Instant at, double value) {
        pending.add(MetricDatum.builder().metricName(metric).dimensions(dimensions).timestamp(at).value(value).build());
        if (pending.size() == 500) {
            flush();
        }
        return this;
    }

    public void flush() {
        if (!pending.isEmpty()) {
            client.putMetricData(r -> r.namespace(namespace).metricData(pending));
            pending.clear();
        }
    }

    @Override
    public void close() {
        flush();
        client.close();
    }
}
