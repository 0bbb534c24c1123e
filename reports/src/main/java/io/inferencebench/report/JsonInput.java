package io.inferencebench.report;

import com.fasterxml.jackson.core.JsonLocation;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;

/** JSON a user hands us (summary files, flag values): parsed strictly, its faults told in one line. */
final class JsonInput {
    private static final ObjectMapper JSON = new ObjectMapper()
            .enable(DeserializationFeature.FAIL_ON_TRAILING_TOKENS);

    private JsonInput() {
    }

    static JsonNode parse(String text) throws JsonProcessingException {
        return JSON.readTree(text);
    }

    /** Where and what, e.g. {@code line 2, column 9: Unexpected end-of-input}, without Jackson's source excerpt. */
    static String problem(JsonProcessingException e) {
        String message = e.getOriginalMessage() == null ? "unreadable" : e.getOriginalMessage();
        int marker = message.indexOf(" (start marker at");
        if (marker >= 0) {
            message = message.substring(0, marker);
        }
        message = message.lines().findFirst().orElse(message).trim();
        JsonLocation location = e.getLocation();
        return location == null ? message
                : "line " + location.getLineNr() + ", column " + location.getColumnNr() + ": " + message;
    }
}
