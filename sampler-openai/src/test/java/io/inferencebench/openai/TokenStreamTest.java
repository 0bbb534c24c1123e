package io.inferencebench.openai;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;

import org.junit.jupiter.api.Test;

/** The stream reader fed bytes with their arrival times, as the HTTP client hands them over. */
class TokenStreamTest {
    private static final long MS = 1_000_000L;

    private static String chunk(String content) {
        return "data: {\"id\":\"c\",\"object\":\"chat.completion.chunk\",\"choices\":[{\"index\":0,\"delta\":{\"content\":\""
                + content + "\"},\"finish_reason\":null}]}\n\n";
    }

    private static final String ROLE = "data: {\"choices\":[{\"index\":0,\"delta\":{\"role\":\"assistant\",\"content\":\"\"}}]}\n\n";

    private static String usage(int prompt, int completion) {
        return "data: {\"choices\":[],\"usage\":{\"prompt_tokens\":" + prompt + ",\"completion_tokens\":" + completion + "}}\n\n";
    }

    private static void feed(TokenStream s, String text, long atMs) {
        s.accept(text.getBytes(StandardCharsets.UTF_8), atMs * MS);
    }

    @Test
    void timesEachContentChunkAndTakesTokensFromUsage() {
        TokenStream s = new TokenStream(0);
        feed(s, ROLE, 100); // role-only: ignored, as aiperf does
        feed(s, chunk(" the"), 200);
        feed(s, chunk(" of"), 220);
        feed(s, chunk(" and"), 240);
        feed(s, usage(12, 3) + "data: [DONE]\n\n", 241);
        TokenMeasurement m = s.end().measurement(242 * MS);

        assertThat(m.ok()).isTrue();
        assertThat(m.ttftMs()).isEqualTo(200.0);
        assertThat(m.ttstMs()).isEqualTo(20.0);
        assertThat(m.latencyMs()).isEqualTo(240.0);
        assertThat(m.itlMs()).isEqualTo(20.0);
        assertThat(m.outputTokens()).isEqualTo(3);
        assertThat(m.inputTokens()).isEqualTo(12);
        assertThat(m.countedAs()).isEqualTo("usage");
        assertThat(m.elapsedNanos()).isEqualTo(242 * MS);
    }

    @Test
    void severalTokensPerChunkDoNotDistortInterTokenLatency() {
        // 8 tokens in 2 chunks of 4: the server's usage says 8, so ITL spreads the span over 7 gaps
        TokenStream s = new TokenStream(0);
        feed(s, chunk(" a b c d"), 200);
        feed(s, chunk(" e f g h"), 340);
        feed(s, usage(5, 8) + "data: [DONE]\n\n", 341);
        TokenMeasurement m = s.end().measurement(341 * MS);

        assertThat(m.outputTokens()).isEqualTo(8);
        assertThat(m.itlMs()).isEqualTo(20.0);
    }

    @Test
    void withoutUsageContentChunksAreCountedAndSaidSo() {
        TokenStream s = new TokenStream(0);
        feed(s, chunk("x") + chunk("y"), 50);
        feed(s, chunk("z") + "data: [DONE]\n\n", 90);
        TokenMeasurement m = s.end().measurement(91 * MS);

        assertThat(m.outputTokens()).isEqualTo(3);
        assertThat(m.countedAs()).isEqualTo("chunks");
        assertThat(m.ttftMs()).isEqualTo(50.0);
        assertThat(m.ttstMs()).as("two events in one read arrived together").isEqualTo(0.0);
        assertThat(m.itlMs()).isEqualTo(20.0);
    }

    @Test
    void anEventIsTimedAtItsFirstByteEvenWhenSplitAcrossReads() {
        TokenStream s = new TokenStream(0);
        String one = chunk("hello");
        feed(s, one.substring(0, 10), 100);
        feed(s, one.substring(10) + chunk("world").substring(0, 3), 130);
        feed(s, chunk("world").substring(3) + "data: [DONE]\r\n\r\n", 170);
        TokenMeasurement m = s.end().measurement(171 * MS);

        assertThat(m.ttftMs()).isEqualTo(100.0);
        assertThat(m.ttstMs()).isEqualTo(30.0);
        assertThat(m.ok()).isTrue();
    }

    @Test
    void crlfEventsAndCompletionsTextAreRead() {
        TokenStream s = new TokenStream(0);
        feed(s, "data: {\"choices\":[{\"text\":\" the\"}]}\r\n\r\n", 10);
        feed(s, "data: {\"choices\":[{\"text\":\" end\"}]}\r\n\r\ndata: [DONE]\r\n\r\n", 30);
        TokenMeasurement m = s.end().measurement(30 * MS);

        assertThat(m.outputTokens()).isEqualTo(2);
        assertThat(m.itlMs()).isEqualTo(20.0);
        assertThat(m.ok()).isTrue();
    }

    @Test
    void anErrorEventFailsTheRequestAndKeepsTheTokensReceived() {
        TokenStream s = new TokenStream(0);
        feed(s, chunk("a") + chunk("b"), 10);
        feed(s, "data: {\"error\":{\"message\":\"model overloaded\",\"type\":\"server_error\"}}\n\n", 20);
        TokenMeasurement m = s.end().measurement(21 * MS);

        assertThat(m.ok()).isFalse();
        assertThat(m.error()).isEqualTo("the stream sent an error: model overloaded");
        assertThat(m.outputTokens()).isEqualTo(2);
    }

    @Test
    void anSseErrorEventTypeFailsTheRequest() {
        TokenStream s = new TokenStream(0);
        feed(s, chunk("a") + "event: error\ndata: {\"message\":\"upstream reset\"}\n\n", 10);
        assertThat(s.end().measurement(11 * MS).error()).isEqualTo("the stream sent an error: upstream reset");
    }

    @Test
    void aStreamThatEndsWithoutDoneFails() {
        TokenStream s = new TokenStream(0);
        feed(s, chunk("a") + chunk("b") + chunk("c"), 10);
        TokenMeasurement m = s.end().measurement(11 * MS);

        assertThat(m.ok()).isFalse();
        assertThat(m.error()).isEqualTo("the stream ended without data: [DONE] after 3 chunks");
        assertThat(m.outputTokens()).isEqualTo(3);
    }

    @Test
    void aDroppedConnectionFailsWithItsCauseAndKeepsTheTokens() {
        TokenStream s = new TokenStream(0);
        feed(s, chunk("a") + chunk("b"), 10);
        s.broken("connection reset");
        TokenMeasurement m = s.measurement(11 * MS);

        assertThat(m.error()).isEqualTo("the stream broke after 2 chunks: connection reset");
        assertThat(m.outputTokens()).isEqualTo(2);
    }

    @Test
    void anErrorStatusKeepsTheServersMessage() {
        TokenStream s = new TokenStream(0).failedWith(400);
        feed(s, "{\"object\":\"error\",\"message\":\"max_tokens is too large\"}", 5);
        assertThat(s.end().measurement(5 * MS).error()).isEqualTo("HTTP 400: max_tokens is too large");
    }

    @Test
    void contentIsRecognisedWithoutParsingEveryChunk() {
        assertThat(hasContent("{\"delta\":{\"content\":\"hi\"}}")).isTrue();
        assertThat(hasContent("{\"delta\":{\"content\": \"hi\"}}")).isTrue();
        assertThat(hasContent("{\"delta\":{\"content\":\"\"}}")).isFalse();
        assertThat(hasContent("{\"delta\":{\"content\":null,\"reasoning_content\":\"\"}}")).isFalse();
        assertThat(hasContent("{\"delta\":{\"role\":\"assistant\"}}")).isFalse();
        assertThat(hasContent("{\"choices\":[],\"usage\":{\"completion_tokens\":3}}")).isFalse();
        assertThat(hasContent("{\"delta\":{\"content\":\"a \\\"content\\\": \\\"x\\\"\"}}")).isTrue();
        assertThat(Chunks.isError("{\"delta\":{\"content\":\"an \\\"error\\\" word\"}}")).isFalse();
    }

    private static boolean hasContent(String chunk) {
        byte[] b = ("  " + chunk + "  ").getBytes(StandardCharsets.UTF_8);
        return (Chunks.scan(b, 2, b.length - 2) & Chunks.CONTENT) != 0;
    }

    private static int[] usageOf(String chunk) {
        byte[] b = chunk.getBytes(StandardCharsets.UTF_8);
        return Chunks.usage(b, 0, b.length);
    }

    @Test
    void usageIsReadFromTheBytes() {
        assertThat(usageOf("{\"choices\":[],\"usage\":{\"prompt_tokens\":128,\"completion_tokens\":64,\"total_tokens\":192}}"))
                .containsExactly(128, 64);
        // details objects before the counts, spaces, a missing prompt count
        assertThat(usageOf("{\"usage\" : { \"completion_tokens_details\": {\"reasoning_tokens\": 7},"
                + " \"prompt_tokens_details\":{\"cached_tokens\":3}, \"completion_tokens\" : 12}}")).containsExactly(-1, 12);
        assertThat(usageOf("{\"choices\":[{\"delta\":{\"content\":\"x\"}}],\"usage\":null}")).isNull();
        assertThat(usageOf("{\"choices\":[{\"delta\":{\"content\":\"x\"}}]}")).isNull();
        assertThat(usageOf("{\"usage\":{\"prompt_tokens\":5}}")).isNull();
        // a count in the text is text, not usage
        assertThat(usageOf("{\"delta\":{\"content\":\"\\\"usage\\\":{\\\"completion_tokens\\\":9}\"}}")).isNull();
    }

    @Test
    void eventsSplitAnywhereAndMultiLineDataAreRead() {
        String all = chunk(" a") + "data: {\"choices\":[{\"delta\":\ndata: {\"content\":\" b\"}}]}\n\n" + chunk(" c")
                + usage(3, 3) + "data: [DONE]\n\n";
        byte[] b = all.getBytes(StandardCharsets.UTF_8);
        for (int cut = 1; cut < b.length; cut += 7) {
            TokenStream s = new TokenStream(0, false, true);
            s.accept(b, 0, cut, 10 * MS);
            s.accept(b, cut, b.length - cut, 20 * MS);
            TokenMeasurement m = s.end().measurement(21 * MS);
            assertThat(m.ok()).as("cut at %d: %s", cut, m.error()).isTrue();
            assertThat(s.contentChunks()).as("cut at %d", cut).isEqualTo(3);
            assertThat(m.outputTokens()).isEqualTo(3);
        }
    }

    @Test
    void withoutUsageTheModelsTokenizerCountsTheWholeText() throws Exception {
        try (ModelTokenizer tokenizer = ModelTokenizer.read(ModelTokenizerTest.tokenizerJson(), "--tokenizer")) {
            // escapes as servers send them; the text is counted whole: "héllo wörld 🙂" is 17 tokens
            TokenStream s = new TokenStream(0, false, true);
            feed(s, ROLE + chunk("h\\u00e9llo"), 100);
            feed(s, chunk(" w\\u00f6rld"), 120);
            feed(s, chunk(" \\ud83d\\ude42") + "data: [DONE]\n\n", 140);
            TokenMeasurement m = s.end().measurement(141 * MS, tokenizer);

            assertThat(m.outputTokens()).isEqualTo(17);
            assertThat(m.countedAs()).isEqualTo("tokenizer");
            assertThat(m.itlMs()).isEqualTo(40.0 / 16);
        }
    }

    @Test
    void theServersUsageWinsOverTheTokenizer() throws Exception {
        try (ModelTokenizer tokenizer = ModelTokenizer.read(ModelTokenizerTest.tokenizerJson(), "--tokenizer")) {
            TokenStream s = new TokenStream(0, false, true);
            feed(s, chunk(" the of and"), 100);
            feed(s, usage(4, 5) + "data: [DONE]\n\n", 120);
            TokenMeasurement m = s.end().measurement(121 * MS, tokenizer);

            assertThat(m.outputTokens()).isEqualTo(5);
            assertThat(m.countedAs()).isEqualTo("usage");
        }
    }

    @Test
    void theGeneratedTextIsUnescaped() {
        StringBuilder text = new StringBuilder();
        for (String chunk : new String[] {"{\"delta\":{\"content\":\"a \\\"b\\\"\\n\\\\ \\u00e9 \u00e8\"}}",
                "{\"choices\":[{\"text\": \" c\"}]}", "{\"delta\":{\"content\":null}}"}) {
            byte[] b = chunk.getBytes(StandardCharsets.UTF_8);
            Chunks.appendContent(b, 0, b.length, text);
        }
        assertThat(text.toString()).isEqualTo("a \"b\"\n\\ \u00e9 \u00e8 c");
    }
}
