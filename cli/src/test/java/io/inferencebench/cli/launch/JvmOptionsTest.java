package io.inferencebench.cli.launch;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;

import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class JvmOptionsTest {
    @ParameterizedTest(name = "JVM_ARGS \"{0}\" -> {1}")
    @CsvSource(delimiter = '|', nullValues = "null", value = {
            // nothing given: the launcher's defaults
            "null                                  | -Xms1g -XX:+UseG1GC -XX:MaxGCPauseMillis=20",
            "'   '                                 | -Xms1g -XX:+UseG1GC -XX:MaxGCPauseMillis=20",
            // a heap of the user's replaces -Xms1g (a -Xmx below 1g beside it would not start)
            "-Xmx512m                              | -XX:+UseG1GC -XX:MaxGCPauseMillis=20 -Xmx512m",
            "-Xms32m -Xmx256m                      | -XX:+UseG1GC -XX:MaxGCPauseMillis=20 -Xms32m -Xmx256m",
            // another collector: no G1 beside it (the JVM refuses two), and no G1 pause goal either
            "-XX:+UseZGC                           | -Xms1g -XX:+UseZGC",
            "-XX:+UseParallelGC -Xmx2g             | -XX:+UseParallelGC -Xmx2g",
            // the user's own pause goal for G1
            "-XX:MaxGCPauseMillis=100              | -Xms1g -XX:+UseG1GC -XX:MaxGCPauseMillis=100",
            // anything else comes after the defaults, in its order
            "-Dserver.rmi.ssl.disable=true  -Dx=1  | -Xms1g -XX:+UseG1GC -XX:MaxGCPauseMillis=20 -Dserver.rmi.ssl.disable=true -Dx=1",
    })
    void theUsersOptionsComeAfterTheDefaultsTheyDoNotSetThemselves(String jvmArgs, String expected) {
        assertThat(JvmOptions.withDefaults(jvmArgs)).isEqualTo(List.of(expected.split(" ")));
    }
}
