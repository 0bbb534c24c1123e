package io.inferencebench.pacing;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/** The engine count from a controller's command line, as the JVM reports it (sun.java.command). */
class EngineCountTest {
    @ParameterizedTest
    @CsvSource(delimiter = '|', value = {
            "/opt/jmeter/bin/ApacheJMeter.jar -n -t plan.jmx -R h1,h2                 | | 2",
            "/opt/jmeter/bin/ApacheJMeter.jar -n -t plan.jmx -R 10.0.0.5:1099 -l r.jtl | | 1",
            "/opt/jmeter/bin/ApacheJMeter.jar -n -t plan.jmx -Rh1,h2,h3               | | 3",
            "/opt/jmeter/bin/ApacheJMeter.jar -n -t plan.jmx --remotestart=h1,h2      | | 2",
            "/opt/jmeter/bin/ApacheJMeter.jar -n -t plan.jmx -r                       | a,b,c,d | 4",
            "/opt/jmeter/bin/ApacheJMeter.jar -n -t plan.jmx -r                       | | 1",
            "/opt/jmeter/bin/ApacheJMeter.jar -n -t plan.jmx -l results.jtl           | a,b | 0",
            "/opt/jmeter/bin/ApacheJMeter.jar                                        | a,b | 0",
            "io.inferencebench.cli.Benchmark --url http://x --remote h1,h2          | | 0",
    })
    void countsTheEnginesTheControllerStarts(String command, String remoteHosts, int engines) {
        assertThat(EngineCount.ofController(command, remoteHosts)).isEqualTo(engines);
    }
}
