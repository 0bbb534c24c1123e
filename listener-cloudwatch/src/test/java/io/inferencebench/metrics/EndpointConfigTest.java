package io.inferencebench.metrics;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

class EndpointConfigTest {

    /** The original tool's README example, byte for byte in structure. */
    static final String ORIGINAL_EXAMPLE = """
            [
            {
            "stream": "cloudwatch",
            "Namespace": "/aws/sagemaker/Endpoints",
            "Dimensions": [{"Name": "EndpointName", "Value": "my-endpoint"},
            {"Name": "VariantName", "Value": "AllTraffic"}],
            "Period": 60,
            "Lag": 30,
            "Metrics": ["CPUUtilization", "MemoryUtilization", "GPUUtilization", "GPUMemoryUtilization"],
            "Statistics": [["Average","Maximum"], ["Average","Maximum"], ["Average","Maximum"], ["Average","Maximum"]]
            }
            ]
            """;

    @Test
    void acceptsTheOriginalToolsFileUnchangedAndPairsMetricsWithStatisticsByPosition(@TempDir Path dir) throws Exception {
        Path file = Files.writeString(dir.resolve("sagemakerai_realtime.json"), ORIGINAL_EXAMPLE);

        EndpointConfig config = EndpointConfig.load(file);

        assertThat(config.prometheus()).isEmpty();
        assertThat(config.cloudWatch()).singleElement().satisfies(block -> {
            assertThat(block.namespace()).isEqualTo("/aws/sagemaker/Endpoints");
            assertThat(block.dimensions()).containsExactly(
                    new CloudWatchBlock.Dimension("EndpointName", "my-endpoint"),
                    new CloudWatchBlock.Dimension("VariantName", "AllTraffic"));
            assertThat(block.periodSeconds()).isEqualTo(60);
            assertThat(block.lagSeconds()).isEqualTo(30);
            assertThat(block.metrics()).hasSize(4).first()
                    .isEqualTo(new CloudWatchBlock.Metric("CPUUtilization", java.util.List.of("Average", "Maximum")));
            assertThat(block.source()).isEqualTo("/aws/sagemaker/Endpoints EndpointName=my-endpoint, VariantName=AllTraffic");
        });
    }

    @Test
    void readsPrometheusBlocksForScrapingAndForQuerying() throws Exception {
        EndpointConfig config = EndpointConfig.parse("""
                [{"stream": "prometheus", "url": "http://127.0.0.1:8000/metrics",
                  "metrics": ["vllm:time_to_first_token_seconds", "DCGM_FI_DEV_GPU_UTIL{gpu=\\"0\\"}"], "interval": "500ms"},
                 {"stream": "prometheus", "query_url": "http://127.0.0.1:9090/api/v1/query", "metrics": ["up"]}]
                """, "inline");

        assertThat(config.prometheus()).hasSize(2);
        PrometheusSource scrape = config.prometheus().get(0);
        assertThat(scrape.scrapes()).isTrue();
        assertThat(scrape.interval()).isEqualTo(Duration.ofMillis(500));
        assertThat(scrape.metrics()).extracting(SeriesSelector::name)
                .containsExactly("vllm:time_to_first_token_seconds", "DCGM_FI_DEV_GPU_UTIL");
        PrometheusSource query = config.prometheus().get(1);
        assertThat(query.scrapes()).isFalse();
        assertThat(query.queryUrl()).hasToString("http://127.0.0.1:9090/api/v1/query");
        assertThat(query.interval()).as("default step").isEqualTo(Duration.ofSeconds(5));
    }

    @Test
    void acceptsEveryPeriodCloudWatchAcceptsAndExtendedStatistics() throws Exception {
        for (int period : new int[] {1, 5, 10, 30, 60, 300, 3600}) {
            EndpointConfig config = EndpointConfig.parse(block("\"Period\": " + period + ", \"Lag\": 0",
                    "[\"ModelLatency\"]", "[[\"p99\", \"p99.9\", \"tm90\", \"IQM\", \"SampleCount\"]]"), "inline");
            assertThat(config.cloudWatch().get(0).periodSeconds()).isEqualTo(period);
        }
    }

    @Test
    void listsEveryProblemAtOnceWithItsJsonPath() {
        String json = """
                [
                  {"stream": "cloudwatch", "Namespace": "AWS/SageMaker", "Dimensions": [], "Period": 45, "Lag": 30,
                   "Metrics": ["CPUUtilization", "MemoryUtilization"], "Statistics": [["Avg"]]},
                  {"stream": "cloudwach", "Namespace": "x"},
                  {"stream": "cloudwatch", "Dimensions": [{"Name": "EndpointName"}], "Period": 60,
                   "Metrics": ["Invocations"], "Statistics": [["Sum"]], "Lags": 5},
                  {"stream": "prometheus", "metrics": []}
                ]
                """;

        EndpointConfigException e = catchThrowableOfType(EndpointConfigException.class,
                () -> EndpointConfig.parse(json, "bad.json"));

        assertThat(e.problems()).containsExactly(
                "$[0].Period: 45 is not a period CloudWatch accepts; use 1, 5, 10 or 30 (high-resolution metrics) or a multiple of 60",
                "$[0].Statistics: has 1 lists for 2 metrics; the i-th metric uses the i-th list of statistics, so give one list per metric",
                "$[0].Statistics[0][0]: unknown statistic \"Avg\"; did you mean Average? use SampleCount, Average, Sum, Minimum, Maximum or a percentile such as p99",
                "$[1].stream: unknown stream \"cloudwach\"; use \"cloudwatch\" or \"prometheus\"",
                "$[2].Lags: unknown field; did you mean \"Lag\"? this block takes stream, Namespace, Dimensions, Period, Lag, Metrics, Statistics",
                "$[2].Namespace: missing; expected e.g. \"/aws/sagemaker/Endpoints\"",
                "$[2].Dimensions[0].Value: missing; expected the dimension's value",
                "$[2].Lag: missing; expected a whole number of seconds",
                "$[3]: needs \"url\" (a /metrics endpoint to scrape during the wave, e.g. http://host:8000/metrics) or \"query_url\" (a Prometheus query API, e.g. http://host:9090/api/v1/query)",
                "$[3].metrics: expected a non-empty list of metric names or selectors, found []");
        assertThat(e.getMessage())
                .startsWith("Endpoint config bad.json is not usable (10 problems); fix the file and run again:")
                .contains(System.lineSeparator() + "  $[1].stream: unknown stream");
    }

    @Test
    void rejectsWrongTypesAndBadPrometheusSettings() {
        EndpointConfigException e = catchThrowableOfType(EndpointConfigException.class, () -> EndpointConfig.parse("""
                [{"stream": "cloudwatch", "Namespace": "N", "Dimensions": {}, "Period": "60", "Lag": -1,
                  "Metrics": "CPUUtilization", "Statistics": [[]]},
                 {"stream": "prometheus", "url": "ftp://x/metrics", "metrics": ["9bad", "ok{gpu=0}"], "interval": "5 seconds"}]
                """, "inline"));

        assertThat(e.problems()).containsExactly(
                "$[0].Dimensions: expected a list of {\"Name\", \"Value\"} objects, found {}",
                "$[0].Period: expected a whole number of seconds, found \"60\"",
                "$[0].Lag: -1 is out of range; use 0 to 3600 seconds",
                "$[0].Metrics: expected a non-empty list of metric names, found \"CPUUtilization\"",
                "$[0].Statistics[0]: expected a non-empty list of statistics such as [\"Average\", \"Maximum\"], found []",
                "$[1].url: expected an http:// or https:// URL, found \"ftp://x/metrics\"",
                "$[1].metrics[0]: \"9bad\" does not start with a Prometheus metric name (letters, digits, '_' and ':'), e.g. vllm:num_requests_running",
                "$[1].metrics[1]: \"ok{gpu=0}\" needs a double-quoted value for label gpu",
                "$[1].interval: expected a duration such as \"5s\", \"500ms\" or \"1m\", found \"5 seconds\"");
    }

    @Test
    void namesTheFileAndTheSpotWhenTheJsonDoesNotParse(@TempDir Path dir) throws Exception {
        Path file = Files.writeString(dir.resolve("cfg.json"), "[\n  {\"stream\": \"cloudwatch\",,}\n]");

        EndpointConfigException e = catchThrowableOfType(EndpointConfigException.class, () -> EndpointConfig.load(file));

        assertThat(e.problems()).singleElement().asString().startsWith("$: not valid JSON at line 2, column ");
        assertThat(e.getMessage()).contains(file.toString());
    }

    @Test
    void saysSoWhenTheFileIsMissingOrNotAList(@TempDir Path dir) {
        EndpointConfigException missing = catchThrowableOfType(EndpointConfigException.class,
                () -> EndpointConfig.load(dir.resolve("nope.json")));
        EndpointConfigException notAList = catchThrowableOfType(EndpointConfigException.class,
                () -> EndpointConfig.parse("{\"stream\": \"cloudwatch\"}", "inline"));
        EndpointConfigException empty = catchThrowableOfType(EndpointConfigException.class,
                () -> EndpointConfig.parse("[]", "inline"));

        assertThat(missing.problems()).singleElement().asString().startsWith("the file does not exist");
        assertThat(notAList.problems()).singleElement().asString().startsWith("$: expected a list of blocks");
        assertThat(empty.problems()).singleElement().asString().startsWith("$: the list has no blocks");
    }

    static String block(String periodAndLag, String metrics, String statistics) {
        return "[{\"stream\": \"cloudwatch\", \"Namespace\": \"AWS/SageMaker\", \"Dimensions\": [], " + periodAndLag
                + ", \"Metrics\": " + metrics + ", \"Statistics\": " + statistics + "}]";
    }
}
