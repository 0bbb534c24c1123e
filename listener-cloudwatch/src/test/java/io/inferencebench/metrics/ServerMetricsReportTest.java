package io.inferencebench.metrics;

import io.inferencebench.outcome.ServerMetricsReport;

import io.inferencebench.outcome.ServerMetricsReport.MetricReport;
import io.inferencebench.outcome.ServerMetricsReport.StreamReport;
import io.inferencebench.outcome.ServerMetricsReport.Window;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;

class ServerMetricsReportTest {

    @Test
    void serialisesToTheSummaryJsonShape(@TempDir Path dir) throws Exception {
        Map<String, Double> statistics = new LinkedHashMap<>();
        statistics.put("Average", 312.4);
        statistics.put("Maximum", null);
        ServerMetricsReport report = new ServerMetricsReport(new Window(1764411300000L, 1764411360000L), List.of(
                new StreamReport("cloudwatch", "AWS/SageMaker", "ok", null, new Window(1764411300000L, 1764411420000L),
                        List.of(new MetricReport("CPUUtilization", "%", statistics))),
                StreamReport.failed("prometheus", "http://127.0.0.1:9090/api/v1/query", null,
                        "Prometheus at http://127.0.0.1:9090 did not answer:\n  connection refused")));

        Path file = report.writeTo(dir.resolve("run"));

        assertThat(Files.readString(file).replaceAll("\\s+", "")).isEqualTo("""
                {"window":{"start_epoch_ms":1764411300000,"end_epoch_ms":1764411360000},"streams":[
                {"stream":"cloudwatch","source":"AWS/SageMaker","status":"ok","error":null,
                 "window":{"start_epoch_ms":1764411300000,"end_epoch_ms":1764411420000},
                 "metrics":[{"name":"CPUUtilization","unit":"%","statistics":{"Average":312.4,"Maximum":null}}]},
                {"stream":"prometheus","source":"http://127.0.0.1:9090/api/v1/query","status":"failed",
                 "error":"Prometheus at http://127.0.0.1:9090 did not answer: connection refused","metrics":[]}]}
                """.replaceAll("\\s+", ""));
        assertThat(ServerMetricsReport.read(file)).isEqualTo(report);
    }
}
