package io.inferencebench.outcome;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;

/**
 * {@code summary.json} of schema version 1 (the first release), lifted to version 2 so that run
 * directories written then still compare in {@code --plot}. Version 1 kept what was asked (rate,
 * profile, bounds, pass mark, engines) at the top level beside what happened; version 2 groups it
 * under {@code spec}.
 */
public final class SummaryV1 {
    public static final int SCHEMA_VERSION = 1;

    private SummaryV1() {
    }

    /** A version 2 tree holding what the version 1 tree said (the argument is not changed). */
    public static ObjectNode upgrade(ObjectNode v1) {
        ObjectNode v2 = v1.deepCopy();
        ObjectNode spec = v2.putObject("spec");
        for (String key : new String[] {"mode", "target", "target_rps", "load_profile", "arrivals"}) {
            move(v2, key, spec, key);
        }
        JsonNode bounds = v2.remove("bounds");
        if (bounds != null) {
            spec.set("obs_time_s", bounds.get("obs_time_s"));
            spec.set("num_requests", bounds.get("num_requests"));
        }
        move(v2, "success_threshold", spec, "success_threshold");
        JsonNode remote = v2.remove("remote_engines");
        ObjectNode engine = spec.putObject("engine");
        engine.put("kind", remote != null && remote.isArray() ? "remote" : "embedded");
        engine.set("hosts", remote != null && remote.isArray() ? remote : v2.arrayNode());
        v2.put("schema_version", WaveOutcome.SCHEMA_VERSION);
        // sections version 1 wrote as null meant "not measured": version 2 leaves them out
        for (String section : new String[] {"client_hw", "server_metrics", "aiperf"}) {
            if (v2.has(section) && v2.get(section).isNull()) {
                v2.remove(section);
            }
        }
        return v2;
    }

    private static void move(ObjectNode from, String key, ObjectNode to, String as) {
        JsonNode value = from.remove(key);
        if (value != null) {
            to.set(as, value);
        }
    }
}
