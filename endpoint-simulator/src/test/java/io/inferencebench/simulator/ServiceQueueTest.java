package io.inferencebench.simulator;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

class ServiceQueueTest {

    private final List<String> started = new ArrayList<>();

    private ServiceQueue.Job job(String name) {
        return () -> started.add(name);
    }

    @Test
    void startsUpToCapacityAtOnceAndTheRestInArrivalOrderAsSlotsFree() {
        ServiceQueue queue = new ServiceQueue(2, Runnable::run);
        for (String name : new String[] {"a", "b", "c", "d", "e"}) {
            queue.submit(job(name));
        }
        assertThat(started).containsExactly("a", "b");
        assertThat(queue.inService()).isEqualTo(2);
        assertThat(queue.waiting()).isEqualTo(3);

        queue.release();
        assertThat(started).containsExactly("a", "b", "c");
        queue.release();
        queue.release();
        assertThat(started).containsExactly("a", "b", "c", "d", "e");
        assertThat(queue.inService()).isEqualTo(2);
        assertThat(queue.waiting()).isZero();

        queue.release();
        queue.release();
        assertThat(queue.inService()).isZero();
    }

    @Test
    void unlimitedCapacityNeverQueues() {
        ServiceQueue queue = new ServiceQueue(0, Runnable::run);
        for (int i = 0; i < 1000; i++) {
            queue.submit(job("j" + i));
        }
        assertThat(started).hasSize(1000);
        assertThat(queue.inService()).isEqualTo(1000);
        assertThat(queue.waiting()).isZero();
    }

    @Test
    void queuedJobsStartOnTheGivenExecutorNotOnTheReleasingStack() {
        List<Runnable> handedOver = new ArrayList<>();
        ServiceQueue queue = new ServiceQueue(1, handedOver::add);
        queue.submit(job("a"));
        queue.submit(job("b"));
        queue.release();
        assertThat(started).containsExactly("a");
        assertThat(handedOver).hasSize(1);
        handedOver.get(0).run();
        assertThat(started).containsExactly("a", "b");
    }

    @Test
    void integratesRequestsInServiceAndBusyTimeOverTime() throws InterruptedException {
        ServiceQueue queue = new ServiceQueue(4, Runnable::run);
        queue.submit(job("a"));
        queue.submit(job("b"));
        Thread.sleep(200);
        queue.release();
        queue.release();
        Thread.sleep(100);
        // two in service for ~0.2 s, then idle
        assertThat(queue.inServiceSeconds()).isBetween(0.38, 1.0);
        assertThat(queue.busySeconds()).isBetween(0.19, 0.5);
    }
}
