package io.inferencebench.diagnostics;

import static org.assertj.core.api.Assertions.assertThat;

import org.apache.jmeter.samplers.SampleEvent;
import org.apache.jmeter.samplers.SampleResult;
import org.apache.jmeter.threads.JMeterContextService;
import org.apache.jmeter.threads.JMeterVariables;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

import io.inferencebench.JMeterTestStarts;
import io.inferencebench.outcome.WaveOutcome;
import io.inferencebench.wave.PlanSections;
import io.inferencebench.wave.SampleFields;

/** The detector fed hand-made samples, as a plan's Python sampler would leave them; no engine. */
@ExtendWith(JMeterTestStarts.class)
class ClientBottleneckDetectorTest {
    /** A test of 200 requests that each waited 40 ms in the Python workers before invoke ran. */
    private static ClientBottleneck judge(ClientBottleneckDetector detector, int samplersWorkers) {
        JMeterContextService.startTest();
        PlanSections.register("the plan's Python sampler",
                o -> o.withPython(new WaveOutcome.Python(samplersWorkers, null, "test runtime", 0, true)));
        detector.testStarted();
        JMeterVariables vars = new JMeterVariables();
        vars.put(SampleFields.QUEUE_MS, "40.0");
        JMeterContextService.getContext().setVariables(vars);
        long now = System.currentTimeMillis();
        for (int i = 0; i < 200; i++) {
            SampleResult r = new SampleResult();
            r.setSampleLabel("invoke");
            r.setStampAndTime(now - 2_000 + i * 10L, 5);
            r.setSuccessful(true);
            detector.sampleOccurred(new SampleEvent(r, "Wave"));
        }
        detector.testEnded();
        return detector.verdict();
    }

    @Test
    void queueingInThePlansPythonWorkersNamesTheWorkersItsSamplerHas() {
        ClientBottleneck verdict = judge(new ClientBottleneckDetector(), 2);
        assertThat(verdict.causes()).anySatisfy(c -> {
            assertThat(c.cause()).isEqualTo("requests queued in the Python workers before invoke ran");
            assertThat(c.figure()).contains("with 2 worker(s)");
            assertThat(c.remedy()).contains("'Worker processes' (try 3)");
        });
    }

    @Test
    void workersSetOnTheDetectorOverrideTheSamplers() {
        ClientBottleneckDetector detector = new ClientBottleneckDetector();
        detector.setPythonWorkers(4);
        ClientBottleneck verdict = judge(detector, 2);
        assertThat(verdict.causes()).anySatisfy(c -> assertThat(c.remedy()).contains("(try 5)"));
    }
}
