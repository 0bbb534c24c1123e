package io.inferencebench.metrics;

/**
 * Where CloudWatch requests go and whose credentials sign them ({@code --aws-region},
 * {@code --aws-profile}). A {@code null} field leaves it to the AWS SDK's default chains
 * (environment, system properties, {@code ~/.aws/config}, instance metadata).
 */
public record AwsOptions(String region, String profile) implements java.io.Serializable {

    public AwsOptions {
        region = blankToNull(region);
        profile = blankToNull(profile);
    }

    public static AwsOptions defaults() {
        return new AwsOptions(null, null);
    }

    private static String blankToNull(String text) {
        return text == null || text.isBlank() ? null : text.strip();
    }
}
