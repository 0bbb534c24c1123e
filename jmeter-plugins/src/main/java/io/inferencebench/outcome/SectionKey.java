package io.inferencebench.outcome;

/**
 * Where a section lives in {@code summary.json} and the type it reads back as. Each section (client
 * hardware, server metrics, and later tokens, aiperf, capacity) declares one constant, so the outcome
 * needs no field per section and a new section never edits the wave's orchestration.
 */
public record SectionKey<T>(String name, Class<T> type) {
}
