package io.inferencebench.cli;

import java.net.URI;
import java.util.List;

/**
 * A plain HTTP POST of a fixed body to a URL, with headers; without a URL, the simulator's
 * {@code /invocations}.
 */
public record HttpTarget(URI url, String body, List<String> headers) implements WaveTarget {

    public HttpTarget {
        headers = List.copyOf(headers);
    }

    @Override
    public String endpointUrl() {
        return url == null ? null : url.toString();
    }

    @Override
    public String mode() {
        return "http";
    }

    @Override
    public String describe() {
        return url == null ? "simulator /invocations" : url.toString();
    }

    @Override
    public Open open(String endpointUrl, Console console) {
        URI to = url != null ? url : URI.create(endpointUrl + "/invocations");
        return new Open() {
            @Override
            public void addTo(PlanBuilder plan) {
                plan.httpPost(to, body, headers);
            }

            @Override
            public String describe() {
                return "POST to " + to;
            }

            @Override
            public String target() {
                return to.toString();
            }
        };
    }
}
