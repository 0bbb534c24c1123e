package io.inferencebench.metrics;

import java.net.URI;
import java.time.Duration;
import java.util.List;

/**
 * One {@code "stream": "prometheus"} block: either an exposition endpoint scraped during the wave
 * ({@code url}), or a Prometheus server whose HTTP API is queried for the window afterwards
 * ({@code query_url}). Exactly one of the two is set.
 *
 * @param interval scrape interval, or the query step (set it to the server's scrape interval)
 */
public record PrometheusSource(int index, URI scrapeUrl, URI queryUrl, List<SeriesSelector> metrics,
                               Duration interval) {

    public PrometheusSource {
        metrics = List.copyOf(metrics);
    }

    public boolean scrapes() {
        return scrapeUrl != null;
    }

    /** The address the user gave, for messages. */
    public URI address() {
        return scrapes() ? scrapeUrl : queryUrl;
    }
}
