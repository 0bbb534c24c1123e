package io.inferencebench.cli;

import java.net.URI;
import java.time.Duration;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.Map;

/**
 * A plain HTTP POST of a fixed body to a URL, with headers; without a URL, the simulator's
 * {@code /invocations}. Credentials in the URL ({@code https://user:password@host/...}) become a basic
 * {@code Authorization} header, a secret like any other: the URL the wave shows and saves has none.
 */
public record HttpTarget(URI url, String body, List<String> headers, Duration timeout) implements WaveTarget {
    /** How long a response may take before the request fails, unless {@code --timeout} says otherwise. */
    public static final Duration DEFAULT_TIMEOUT = Duration.ofSeconds(60);


    public HttpTarget {
        List<String> all = new ArrayList<>(headers);
        if (url != null && url.getRawUserInfo() != null) {
            String user = url.getUserInfo();
            all.add("Authorization: Basic " + Base64.getEncoder().encodeToString(user.getBytes(StandardCharsets.UTF_8)));
            url = withoutUserInfo(url);
        }
        headers = List.copyOf(all);
    }

    /** A POST with the default response timeout. */
    public HttpTarget(URI url, String body, List<String> headers) {
        this(url, body, headers, DEFAULT_TIMEOUT);
    }

    private static URI withoutUserInfo(URI url) {
        String authority = url.getRawAuthority();
        return URI.create(url.getScheme() + "://" + authority.substring(authority.lastIndexOf('@') + 1)
                + (url.getRawPath() == null ? "" : url.getRawPath())
                + (url.getRawQuery() == null ? "" : "?" + url.getRawQuery()));
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
    public Open open(String endpointUrl, Console console) {
        URI to = url != null ? url : URI.create(endpointUrl + "/invocations");
        return new Open() {
            @Override
            public void addTo(PlanBuilder plan) {
                plan.httpPost(to, body, headers, timeout);
            }

            @Override
            public String describe() {
                return "POST to " + to;
            }

            @Override
            public String target() {
                return to.toString();
            }

            @Override
            public Map<String, String> properties() {
                return Map.of(PlanBuilder.URL_PROPERTY, to.toString());
            }

            @Override
            public String replay() {
                return "jmeter -n -t plan.jmx -J" + PlanBuilder.URL_PROPERTY + "=<endpoint URL> (this run: " + to + ")";
            }
        };
    }
}
