package io.inferencebench.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.PrintStream;
import java.net.URI;
import java.util.ArrayList;
import java.util.List;

import org.apache.jmeter.testelement.TestElement;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import io.inferencebench.openai.OpenAiStreamingSampler;
import io.inferencebench.pacing.Pacer;
import io.inferencebench.testsupport.EmbeddedJMeterHome;

/**
 * The command's warm-up, a real engine against its private simulator: an LLM wave warms up with its own streaming
 * sampler (so the reader and token code are loaded and compiled before the first measured start), without the
 * user's API key; an HTTP wave with a POST.
 */
class WarmupTest {
    @AfterEach
    void forget() {
        Pacer.release();
    }

    @Test
    void anLlmWaveWarmsUpWithItsOwnStreamingSamplerWithoutTheKey() throws Exception {
        EmbeddedJMeterHome.initialise();
        OpenAiTarget target = new OpenAiTarget(URI.create("http://192.0.2.1:9/v1/chat/completions"), "chat", "m", 8,
                true, null, 16, 0, 0, 1L, "sk-never-sent", "", null, 0);
        WaveTarget.Open open = target.open(null, new Console(new PrintStream(PrintStream.nullOutputStream())));
        List<TestElement> made = new ArrayList<>();
        List<String> bases = new ArrayList<>();

        Warmup.Result result = Warmup.run(100, base -> {
            bases.add(base);
            TestElement sampler = open.warmUpSampler(base);
            made.add(sampler);
            return sampler;
        });

        assertThat(bases).hasSize(1);
        assertThat(bases.get(0)).startsWith("http://127.0.0.1:");
        assertThat(made.get(0)).isInstanceOf(OpenAiStreamingSampler.class);
        String url = made.get(0).getPropertyAsString("url");
        assertThat(url).isEqualTo(bases.get(0) + "/v1/chat/completions"); // the private simulator, not the endpoint
        assertThat(made.get(0).getPropertyAsString("apiKey")).isEmpty();
        // 100/s for one second: every stream read to its end from the simulator
        assertThat(result.completed()).isBetween(90L, 110L);
        assertThat(result.failed()).isZero();
    }

    @Test
    void anHttpWaveWarmsUpWithAPost() throws Exception {
        EmbeddedJMeterHome.initialise();

        Warmup.Result result = Warmup.run(100, new HttpTarget(URI.create("http://192.0.2.1:9/invocations"), "{}",
                List.of(), HttpTarget.DEFAULT_TIMEOUT).open(null, null)::warmUpSampler);

        assertThat(result.completed()).isBetween(90L, 110L);
        assertThat(result.failed()).isZero();
    }
}
