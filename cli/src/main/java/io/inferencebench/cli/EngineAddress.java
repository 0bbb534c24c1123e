package io.inferencebench.cli;

import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Locale;
import java.util.Set;

/** One JMeter remote engine: how the user wrote it (also JMeter's name for it), and where its RMI registry listens. */
record EngineAddress(String text, String host, int port) {
    @Override
    public String toString() {
        return text;
    }

    /** Parses {@code host[:port],host[:port]} (IPv6 as {@code [::1]:1099}); the port defaults to JMeter's 1099. */
    static List<EngineAddress> parseAll(String hosts) {
        List<EngineAddress> list = new ArrayList<>();
        Set<String> seen = new HashSet<>();
        for (String raw : hosts.split(",", -1)) {
            String text = raw.trim();
            if (text.isEmpty()) {
                throw new BadInputException("--remote '" + hosts + "' has an empty entry: give host[:port] entries "
                        + "separated by commas, e.g. --remote 10.0.0.5,10.0.0.6:1099.");
            }
            int bracket = text.indexOf(']');
            int colon = text.indexOf(':', Math.max(bracket, 0));
            boolean bareIpv6 = bracket < 0 && colon >= 0 && text.indexOf(':', colon + 1) >= 0;
            String host = colon < 0 || bareIpv6 ? text : text.substring(0, colon);
            int port = 1099;
            if (colon >= 0 && !bareIpv6) {
                String p = text.substring(colon + 1);
                try {
                    port = Integer.parseInt(p);
                } catch (NumberFormatException e) {
                    port = -1;
                }
                if (port < 1 || port > 65535) {
                    throw new BadInputException("--remote entry '" + text + "': '" + p + "' is not a port; give "
                            + "host[:port] with a port from 1 to 65535, e.g. 10.0.0.6:1099.");
                }
            }
            if (host.startsWith("[") && host.endsWith("]")) {
                host = host.substring(1, host.length() - 1);
            }
            if (host.isEmpty()) {
                throw new BadInputException("--remote entry '" + text + "' names no host: give host[:port], "
                        + "e.g. 10.0.0.6:1099.");
            }
            if (!seen.add(host.toLowerCase(Locale.ROOT) + ":" + port)) {
                throw new BadInputException("--remote lists " + text + " twice: each engine takes one share of the "
                        + "rate, so name every engine once.");
            }
            list.add(new EngineAddress(text, host, port));
        }
        return list;
    }
}
