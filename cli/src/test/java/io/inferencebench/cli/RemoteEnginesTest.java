package io.inferencebench.cli;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.List;

import org.junit.jupiter.api.Test;

/** How {@code --remote} names engines (their behaviour on real engines: {@link DistributedWaveTest}). */
class RemoteEnginesTest {
    @Test
    void enginesAreHostsWithAnOptionalPortThatDefaultsToJMeters1099() {
        RemoteEngines engines = RemoteEngines.parse("10.0.0.5, load-2.example.org:2099,[::1]:1100");
        assertThat(engines.count()).isEqualTo(3);
        assertThat(engines.names()).containsExactly("10.0.0.5", "load-2.example.org:2099", "[::1]:1100");
        assertThat(engines).hasToString("10.0.0.5, load-2.example.org:2099, [::1]:1100");
    }

    @Test
    void aBareIpv6AddressUsesTheDefaultPort() {
        assertThat(RemoteEngines.parse("::1").names()).containsExactly("::1");
    }

    @Test
    void everyMistakeIsOneSentenceNamingTheEntry() {
        assertThatThrownBy(() -> RemoteEngines.parse("h1,,h2")).isInstanceOf(BadInputException.class)
                .hasMessage("--remote 'h1,,h2' has an empty entry: give host[:port] entries separated by commas, "
                        + "e.g. --remote 10.0.0.5,10.0.0.6:1099.");
        for (String bad : List.of("h1:abc", "h1:0", "h1:70000", "h1:")) {
            assertThatThrownBy(() -> RemoteEngines.parse(bad)).isInstanceOf(BadInputException.class)
                    .hasMessageStartingWith("--remote entry '" + bad + "': '")
                    .hasMessageEndingWith("is not a port; give host[:port] with a port from 1 to 65535, e.g. 10.0.0.6:1099.");
        }
        assertThatThrownBy(() -> RemoteEngines.parse(":1099")).isInstanceOf(BadInputException.class)
                .hasMessage("--remote entry ':1099' names no host: give host[:port], e.g. 10.0.0.6:1099.");
        assertThatThrownBy(() -> RemoteEngines.parse("h1:1099,H1:1099")).isInstanceOf(BadInputException.class)
                .hasMessage("--remote lists H1:1099 twice: each engine takes one share of the rate, so name every engine once.");
    }

    @Test
    void aClosedPortIsNamedBeforeJMetersRmiClientCanBlameAKeystore() throws Exception {
        int closed;
        try (java.net.ServerSocket s = new java.net.ServerSocket(0, 1, java.net.InetAddress.getLoopbackAddress())) {
            closed = s.getLocalPort();
        }
        RemoteEngines engines = RemoteEngines.parse("127.0.0.1:" + closed);
        assertThatThrownBy(engines::reach).isInstanceOf(BadInputException.class)
                .hasMessage("Cannot reach the JMeter remote engine 127.0.0.1:" + closed + " because nothing listens on "
                        + "127.0.0.1:" + closed + ": start jmeter-server there (JMeter " + JMeterHome.VERSION
                        + " with the InferenceBench jars in lib/ext), or correct host and port in --remote.");
        assertThat(EngineReach.silence(new EngineAddress("[::1]:" + closed, "::1", closed)))
                .isIn("nothing listens on [::1]:" + closed, "the host ::1 is unknown");
        try (java.net.ServerSocket open = new java.net.ServerSocket(0, 1, java.net.InetAddress.getLoopbackAddress())) {
            assertThat(EngineReach.silence(new EngineAddress("x", "127.0.0.1", open.getLocalPort()))).isNull();
        }
    }
}
