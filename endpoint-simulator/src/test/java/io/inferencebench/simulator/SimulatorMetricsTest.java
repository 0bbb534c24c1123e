package io.inferencebench.simulator;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

class SimulatorMetricsTest {

    @Test
    void countsReceivedAndAnsweredByStatusAndKeepsInFlight() {
        SimulatorMetrics m = new SimulatorMetrics(new ServiceQueue(0, Runnable::run));
        m.received();
        m.received();
        m.received();
        m.answered(500, System.nanoTime());
        m.answered(200, System.nanoTime());
        assertThat(m.receivedCount()).isEqualTo(3);
        assertThat(m.answeredCount(200)).isEqualTo(1);
        assertThat(m.answeredCount(500)).isEqualTo(1);
        assertThat(m.answeredCount(404)).isZero();
        String text = m.exposition();
        assertThat(text).contains("ib_sim_requests_in_flight 1\n")
                .contains("ib_sim_requests_total{status=\"200\"} 1\nib_sim_requests_total{status=\"500\"} 1\n");
    }

    @Test
    void theHistogramIsCumulativeAndSumsDurations() {
        SimulatorMetrics m = new SimulatorMetrics(new ServiceQueue(0, Runnable::run));
        long now = System.nanoTime();
        m.answered(200, now);                   // ~0 s
        m.answered(200, now - 300_000_000L);     // ~0.3 s
        m.answered(200, now - 90_000_000_000L);  // ~90 s, beyond the last bound
        String text = m.exposition();
        assertThat(text).contains("ib_sim_request_duration_seconds_bucket{le=\"0.005\"} 1\n")
                .contains("ib_sim_request_duration_seconds_bucket{le=\"0.25\"} 1\n")
                .contains("ib_sim_request_duration_seconds_bucket{le=\"0.5\"} 2\n")
                .contains("ib_sim_request_duration_seconds_bucket{le=\"60\"} 2\n")
                .contains("ib_sim_request_duration_seconds_bucket{le=\"+Inf\"} 3\n")
                .contains("ib_sim_request_duration_seconds_count 3\n");
        double sum = Double.parseDouble(text.replaceAll("(?s).*ib_sim_request_duration_seconds_sum (\\S+)\n.*", "$1"));
        assertThat(sum).isBetween(90.3, 91.0);
    }

    @Test
    void firstTokenDelaysFillTheirOwnCumulativeHistogram() {
        SimulatorMetrics m = new SimulatorMetrics(new ServiceQueue(0, Runnable::run));
        m.firstTokenDelay(300_000L);        // 0.3 ms
        m.firstTokenDelay(15_000_000L);     // 15 ms
        m.firstTokenDelay(-1_000L);         // written a hair early (clock reads): counted as on time
        m.firstTokenDelay(3_000_000_000L);  // 3 s, beyond the last bound
        String text = m.exposition();
        assertThat(text).contains("ib_sim_first_token_delay_seconds_bucket{le=\"0.001\"} 2\n")
                .contains("ib_sim_first_token_delay_seconds_bucket{le=\"0.01\"} 2\n")
                .contains("ib_sim_first_token_delay_seconds_bucket{le=\"0.02\"} 3\n")
                .contains("ib_sim_first_token_delay_seconds_bucket{le=\"1\"} 3\n")
                .contains("ib_sim_first_token_delay_seconds_bucket{le=\"+Inf\"} 4\n")
                .contains("ib_sim_first_token_delay_seconds_count 4\n");
        double sum = Double.parseDouble(text.replaceAll("(?s).*ib_sim_first_token_delay_seconds_sum (\\S+)\n.*", "$1"));
        assertThat(sum).isCloseTo(3.0153, org.assertj.core.data.Offset.offset(1e-9));
    }

    @Test
    void utilizationIsTheMeanShareOfCapacityInService() throws InterruptedException {
        ServiceQueue queue = new ServiceQueue(4, Runnable::run);
        SimulatorMetrics m = new SimulatorMetrics(queue);
        queue.submit(() -> { });
        queue.submit(() -> { });
        Thread.sleep(300);
        // two of four slots busy since start
        assertThat(m.utilizationPercent()).isBetween(35.0, 51.0);
    }

    @Test
    void withUnlimitedCapacityUtilizationIsTheShareOfBusyTime() throws InterruptedException {
        ServiceQueue queue = new ServiceQueue(0, Runnable::run);
        SimulatorMetrics m = new SimulatorMetrics(queue);
        for (int i = 0; i < 10; i++) {
            queue.submit(() -> { });
        }
        Thread.sleep(200);
        for (int i = 0; i < 10; i++) {
            queue.release();
        }
        Thread.sleep(200);
        m.snapshot();
        assertThat(m.utilizationPercent()).as("busy ~0.2 s of ~0.4 s").isBetween(35.0, 65.0);
    }
}
