package io.inferencebench.outcome;

import java.util.List;

import com.fasterxml.jackson.databind.PropertyNamingStrategies;
import com.fasterxml.jackson.databind.annotation.JsonNaming;

/**
 * What a wave was asked to do, as recorded in {@code summary.json} ({@code spec}): enough to read the
 * figures against and to run it again. Never holds a secret.
 *
 * @param mode       {@code http} (a plain POST) or {@code python} (a factories file)
 * @param target     the URL or factories file the wave drove
 * @param targetRps  the requested client rate (for a load profile: its mean rate)
 * @param engine     {@code embedded} or {@code remote}, and the remote engines as given
 */
@JsonNaming(PropertyNamingStrategies.SnakeCaseStrategy.class)
public record WaveSetup(String mode, String target, Double targetRps, String loadProfile, String arrivals,
                        Long seed, Double obsTimeS, Long numRequests, Integer maxThreads, String latePolicy,
                        Double graceS, double successThreshold, Engine engine) {

    /** Where the requests left from. */
    public record Engine(String kind, List<String> hosts) {
        public static final Engine EMBEDDED = new Engine("embedded", List.of());

        public Engine {
            hosts = hosts == null ? List.of() : List.copyOf(hosts);
        }

        public static Engine remote(List<String> hosts) {
            return new Engine("remote", hosts);
        }
    }

    public WaveSetup withTargetRps(Double value) {
        return new WaveSetup(mode, target, value, loadProfile, arrivals, seed, obsTimeS, numRequests, maxThreads,
                latePolicy, graceS, successThreshold, engine);
    }

    /** What plain JMeter knows of a wave: its pass mark and, when paced here, the rate. */
    public static WaveSetup ofPlan(Double targetRps, double successThreshold) {
        return new WaveSetup(null, null, targetRps, null, null, null, null, null, null, null, null, successThreshold,
                null);
    }
}
