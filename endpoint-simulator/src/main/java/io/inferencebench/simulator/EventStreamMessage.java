package io.inferencebench.simulator;

import java.io.ByteArrayOutputStream;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.zip.CRC32;

/**
 * One message of the AWS event-stream encoding ({@code application/vnd.amazon.eventstream}), the framing
 * of SageMaker's {@code InvokeEndpointWithResponseStream}: a 12-byte prelude (total length, headers
 * length, the prelude's CRC32), the headers, the payload, and the CRC32 of everything before it. The
 * AWS SDKs check both CRCs, so a client that parses these messages parses a real endpoint's.
 */
final class EventStreamMessage {
    private static final int PRELUDE = 12;
    private static final int MESSAGE_CRC = 4;
    /** Header value type 7: a UTF-8 string with a 2-byte length. */
    private static final byte STRING = 7;

    private EventStreamMessage() {
    }

    /**
     * A {@code PayloadPart} event carrying {@code bytes}: what boto3 yields as
     * {@code {"PayloadPart": {"Bytes": bytes}}}.
     */
    static byte[] payloadPart(byte[] bytes) {
        Map<String, String> headers = new LinkedHashMap<>();
        headers.put(":event-type", "PayloadPart");
        headers.put(":content-type", "application/octet-stream");
        headers.put(":message-type", "event");
        return encode(headers, bytes);
    }

    /** A message with string-valued {@code headers} (names and values under 256 and 32,768 bytes). */
    static byte[] encode(Map<String, String> headers, byte[] payload) {
        ByteArrayOutputStream h = new ByteArrayOutputStream(96);
        for (Map.Entry<String, String> header : headers.entrySet()) {
            byte[] name = header.getKey().getBytes(StandardCharsets.UTF_8);
            byte[] value = header.getValue().getBytes(StandardCharsets.UTF_8);
            h.write(name.length);
            h.writeBytes(name);
            h.write(STRING);
            h.write(value.length >>> 8);
            h.write(value.length & 0xff);
            h.writeBytes(value);
        }
        byte[] headerBytes = h.toByteArray();
        int total = PRELUDE + headerBytes.length + payload.length + MESSAGE_CRC;
        ByteBuffer message = ByteBuffer.allocate(total);
        message.putInt(total).putInt(headerBytes.length);
        message.putInt((int) crc(message.array(), 8));
        message.put(headerBytes).put(payload);
        message.putInt((int) crc(message.array(), total - MESSAGE_CRC));
        return message.array();
    }

    private static long crc(byte[] bytes, int length) {
        CRC32 crc = new CRC32();
        crc.update(bytes, 0, length);
        return crc.getValue();
    }
}
