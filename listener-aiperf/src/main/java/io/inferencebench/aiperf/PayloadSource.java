package io.inferencebench.aiperf;

import java.io.IOException;
import java.util.List;

import com.fasterxml.jackson.databind.JsonNode;

/** The wave's payloads, for aiperf's input: the wave's target knows where they come from. */
@FunctionalInterface
public interface PayloadSource {
    /**
     * The payloads aiperf should send: every pre-computed one, or {@code calls} of a payload callable
     * (one per request the aiperf run makes).
     */
    List<JsonNode> payloads(long calls) throws IOException, InterruptedException;
}
