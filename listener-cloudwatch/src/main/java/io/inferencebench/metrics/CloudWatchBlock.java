package io.inferencebench.metrics;

import java.util.List;

/**
 * One {@code "stream": "cloudwatch"} block of the endpoint config, in the original tool's shape:
 * every (metric, statistic) pair is a MetricStat query under the block's namespace and dimensions.
 *
 * @param index         position of the block in the config file (for messages and ordering)
 * @param periodSeconds bucket width: 1, 5, 10, 30 or a multiple of 60
 * @param lagSeconds    how long CloudWatch needs after a period ends before its data is complete
 */
public record CloudWatchBlock(int index, String namespace, List<Dimension> dimensions, int periodSeconds,
                              int lagSeconds, List<Metric> metrics) {

    public CloudWatchBlock {
        dimensions = List.copyOf(dimensions);
        metrics = List.copyOf(metrics);
    }

    /** A CloudWatch dimension, e.g. {@code EndpointName=my-endpoint}. */
    public record Dimension(String name, String value) {
    }

    /** A metric and the statistics asked of it, e.g. {@code CPUUtilization: [Average, Maximum]}. */
    public record Metric(String name, List<String> statistics) {
        public Metric {
            statistics = List.copyOf(statistics);
        }
    }

    /** How the block reads in messages: {@code AWS/SageMaker EndpointName=my-endpoint, VariantName=AllTraffic}. */
    public String source() {
        StringBuilder text = new StringBuilder(namespace);
        for (int i = 0; i < dimensions.size(); i++) {
            text.append(i == 0 ? " " : ", ").append(dimensions.get(i).name()).append('=').append(dimensions.get(i).value());
        }
        return text.toString();
    }
}
