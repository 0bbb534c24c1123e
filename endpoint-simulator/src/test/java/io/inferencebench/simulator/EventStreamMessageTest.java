package io.inferencebench.simulator;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.zip.CRC32;
import org.junit.jupiter.api.Test;

/** The framing is checked field by field, as the AWS SDKs' decoders check it. */
class EventStreamMessageTest {

    /** A message decoded by the specification, failing on any length or CRC that does not hold. */
    record Decoded(Map<String, String> headers, byte[] payload) {
        static Decoded of(byte[] message) {
            ByteBuffer b = ByteBuffer.wrap(message);
            int total = b.getInt();
            int headersLength = b.getInt();
            assertThat(total).as("total length").isEqualTo(message.length);
            assertThat(Integer.toUnsignedLong(b.getInt())).as("prelude CRC").isEqualTo(crc(message, 0, 8));
            Map<String, String> headers = new LinkedHashMap<>();
            int headersEnd = 12 + headersLength;
            while (b.position() < headersEnd) {
                byte[] name = new byte[b.get() & 0xff];
                b.get(name);
                assertThat(b.get()).as("string value type").isEqualTo((byte) 7);
                byte[] value = new byte[b.getShort() & 0xffff];
                b.get(value);
                headers.put(new String(name, StandardCharsets.UTF_8), new String(value, StandardCharsets.UTF_8));
            }
            assertThat(b.position()).as("headers end where the prelude says").isEqualTo(headersEnd);
            byte[] payload = new byte[total - headersEnd - 4];
            b.get(payload);
            assertThat(Integer.toUnsignedLong(b.getInt())).as("message CRC").isEqualTo(crc(message, 0, total - 4));
            return new Decoded(headers, payload);
        }
    }

    private static long crc(byte[] bytes, int offset, int length) {
        CRC32 crc = new CRC32();
        crc.update(bytes, offset, length);
        return crc.getValue();
    }

    @Test
    void aPayloadPartCarriesItsBytesUnderTheHeadersBoto3Reads() {
        byte[] bytes = "data: {\"choices\":[]}\n\n".getBytes(StandardCharsets.UTF_8);
        Decoded d = Decoded.of(EventStreamMessage.payloadPart(bytes));
        assertThat(d.headers()).containsExactly(Map.entry(":event-type", "PayloadPart"),
                Map.entry(":content-type", "application/octet-stream"), Map.entry(":message-type", "event"));
        assertThat(d.payload()).isEqualTo(bytes);
    }

    @Test
    void anEmptyMessageIsSixteenBytesOfPreludeAndCrcs() {
        byte[] empty = EventStreamMessage.encode(Map.of(), new byte[0]);
        assertThat(empty).hasSize(16);
        // the empty message of the AWS event-stream test suite: total 16, headers 0, prelude CRC 0x05c248eb
        assertThat(ByteBuffer.wrap(empty).getInt(8)).isEqualTo(0x05c248eb);
        assertThat(Decoded.of(empty).payload()).isEmpty();
    }

    @Test
    void multiByteHeaderValuesAndLargePayloadsKeepTheirLengths() {
        byte[] payload = new byte[70_000];
        payload[69_999] = 42;
        Decoded d = Decoded.of(EventStreamMessage.encode(Map.of("k", "é".repeat(300)), payload));
        assertThat(d.headers().get("k")).hasSize(300);
        assertThat(d.payload()).isEqualTo(payload);
    }
}
