package io.inferencebench.wave;

import static org.assertj.core.api.Assertions.assertThat;

import org.apache.jmeter.threads.JMeterContextService;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

import io.inferencebench.JMeterTestStarts;
import io.inferencebench.outcome.WaveOutcome;
import io.inferencebench.outcome.WaveSetup;

@ExtendWith(JMeterTestStarts.class)
class PlanSectionsTest {
    private static final WaveOutcome EMPTY = new WaveStatistics().outcome(null, WaveSetup.ofPlan(null, 0.95));

    private static void startNextTest() throws InterruptedException {
        JMeterContextService.endTest();
        long previous = System.currentTimeMillis();
        while (System.currentTimeMillis() == previous) {
            Thread.sleep(1); // a new test start is a new millisecond
        }
        JMeterContextService.startTest();
    }

    private static WaveOutcome.Python workers(int n) {
        return new WaveOutcome.Python(n, null, "test runtime", 0, true);
    }

    @Test
    void aSectionRegisteredAtTestStartIsAddedAtItsEnd() throws InterruptedException {
        startNextTest();
        PlanSections.register("sampler", o -> o.withPython(workers(3)));
        assertThat(PlanSections.addTo(EMPTY).python()).isEqualTo(workers(3));
    }

    @Test
    void aTestReadsNothingAnEarlierTestRegistered() throws InterruptedException {
        startNextTest();
        PlanSections.register("python sampler of the last test", o -> o.withPython(workers(2)));
        // the next test has no Python sampler (or a Wave Summary the last one lacked)
        startNextTest();
        assertThat(PlanSections.addTo(EMPTY).python()).isNull();
    }

    @Test
    void anElementStartedAgainReplacesItsOwnSection() throws InterruptedException {
        startNextTest();
        PlanSections.register("sampler", o -> o.withPython(workers(1)));
        PlanSections.register("sampler", o -> o.withPython(workers(4)));
        assertThat(PlanSections.addTo(EMPTY).python()).isEqualTo(workers(4));
    }
}
