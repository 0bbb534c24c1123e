package io.inferencebench.openai;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.nio.charset.StandardCharsets;

import org.junit.jupiter.api.Test;

/**
 * The answer's parsing, fed in every split the network could make: whatever the pieces, the same
 * events, the same times for each event's first byte, and the answer ends where it ends.
 */
class HttpAnswerTest {
    private static final String EVENTS = "data: {\"choices\":[{\"delta\":{\"content\":\"a\"}}]}\n\n"
            + "data: {\"choices\":[{\"delta\":{\"content\":\"b\"}}]}\n\n"
            + "data: {\"choices\":[],\"usage\":{\"prompt_tokens\":3,\"completion_tokens\":2}}\n\ndata: [DONE]\n\n";
    private static final String CHUNKED = "HTTP/1.1 100 Continue\r\n\r\n"
            + "HTTP/1.1 200 OK\r\nContent-Type: text/event-stream\r\nTRANSFER-ENCODING: chunked\r\n\r\n"
            + chunks(EVENTS, 7) + "0\r\nX-Trailer: 1\r\n\r\n";

    /** {@code body} in chunks of {@code size} bytes, one with an extension. */
    private static String chunks(String body, int size) {
        StringBuilder b = new StringBuilder();
        for (int i = 0; i < body.length(); i += size) {
            String piece = body.substring(i, Math.min(body.length(), i + size));
            b.append(Integer.toHexString(piece.length())).append(i == 0 ? ";ext=x" : "").append("\r\n").append(piece).append("\r\n");
        }
        return b.toString();
    }

    /** Feeds {@code answer} cut at {@code cut}, the first piece at time 1 and the second at time 2. */
    private static TokenStream feed(String answer, int cut, String after) throws IOException {
        byte[] bytes = (answer + after).getBytes(StandardCharsets.UTF_8);
        TokenStream stream = new TokenStream(0);
        HttpAnswer http = new HttpAnswer(stream);
        int used = http.feed(bytes, 0, cut, 1);
        assertThat(used).isEqualTo(Math.min(cut, answer.length()));
        if (cut < answer.length()) {
            used += http.feed(bytes, cut, bytes.length - cut, 2);
        }
        assertThat(http.complete()).isTrue();
        assertThat(used).as("the bytes after the answer are not its own").isEqualTo(answer.length());
        return stream.end();
    }

    @Test
    void aChunkedStreamReadsTheSameWhereverItIsCut() throws IOException {
        for (int cut = 0; cut <= CHUNKED.length(); cut++) {
            TokenStream s = feed(CHUNKED, cut, "HTTP/1.1 200 OK\r\n");
            assertThat(s.error()).as("cut at %d", cut).isNull();
            assertThat(s.contentChunks()).isEqualTo(2);
            TokenMeasurement m = s.measurement(3);
            assertThat(m.outputTokens()).isEqualTo(2);
            assertThat(m.inputTokens()).isEqualTo(3);
            // an event is timed by its first byte: the first piece's time if the cut falls after it
            int firstEvent = CHUNKED.indexOf("data:");
            assertThat(m.ttftMs()).as("cut at %d", cut).isEqualTo(cut > firstEvent ? 1e-6 : 2e-6);
        }
    }

    @Test
    void sizedCloseDelimitedAndBodylessAnswersEndWhereTheyEnd() throws IOException {
        String sized = "HTTP/1.1 200 OK\r\nContent-Length: " + EVENTS.length() + "\r\n\r\n" + EVENTS;
        for (int cut = 0; cut <= sized.length(); cut++) {
            assertThat(feed(sized, cut, "junk").contentChunks()).isEqualTo(2);
        }
        HttpAnswer closeDelimited = new HttpAnswer(new TokenStream(0));
        byte[] bytes = ("HTTP/1.0 200 OK\r\n\r\n" + EVENTS).getBytes(StandardCharsets.UTF_8);
        assertThat(closeDelimited.feed(bytes, 0, bytes.length, 1)).isEqualTo(bytes.length);
        assertThat(closeDelimited.complete()).isFalse();
        closeDelimited.endOfConnection();
        assertThat(closeDelimited.complete()).isTrue();
        assertThat(closeDelimited.keepAlive()).isFalse();

        TokenStream noContent = feed("HTTP/1.1 204 No Content\r\n\r\n", 5, "");
        assertThat(noContent.failedStatus()).isZero();
    }

    @Test
    void anErrorStatusKeepsItsBodyForTheMessage() throws IOException {
        String body = "{\"error\":{\"message\":\"model overloaded\"}}";
        TokenStream s = feed("HTTP/1.1 503 Service Unavailable\r\nContent-Length: " + body.length() + "\r\n\r\n" + body, 40, "");
        assertThat(s.failedStatus()).isEqualTo(503);
        assertThat(s.error()).startsWith("HTTP 503").contains("model overloaded");
    }

    @Test
    void aBrokenAnswerSaysWhereItBroke() throws IOException {
        HttpAnswer head = new HttpAnswer(new TokenStream(0));
        byte[] half = "HTTP/1.1 200 OK\r\nTrans".getBytes(StandardCharsets.US_ASCII);
        head.feed(half, 0, half.length, 1);
        assertThat(head.started()).isTrue();
        assertThatThrownBy(head::endOfConnection).hasMessage("the connection closed before the answer's head was complete");

        HttpAnswer body = new HttpAnswer(new TokenStream(0));
        byte[] b = ("HTTP/1.1 200 OK\r\nContent-Length: 100\r\n\r\n" + EVENTS.substring(0, 10)).getBytes(StandardCharsets.US_ASCII);
        body.feed(b, 0, b.length, 1);
        assertThatThrownBy(body::endOfConnection).hasMessage("the connection closed in the middle of the answer");

        byte[] notHttp = "SSH-2.0-OpenSSH\r\n".getBytes(StandardCharsets.US_ASCII);
        assertThatThrownBy(() -> new HttpAnswer(new TokenStream(0)).feed(notHttp, 0, notHttp.length, 1))
                .hasMessage("the endpoint did not answer in HTTP/1.1: SSH-2.0-OpenSSH");
        byte[] badSize = "HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\nzz\r\n".getBytes(StandardCharsets.US_ASCII);
        assertThatThrownBy(() -> new HttpAnswer(new TokenStream(0)).feed(badSize, 0, badSize.length, 1))
                .hasMessage("the answer's chunk size is not a hexadecimal number: zz");
        assertThat(new HttpAnswer(new TokenStream(0)).started()).isFalse();
    }
}
