package io.inferencebench.pacing;

import static org.assertj.core.api.Assertions.assertThat;

import org.apache.jmeter.threads.ThreadGroup;
import org.junit.jupiter.api.Test;

/** Timers share a pacer when they are one timer of one thread group: the same group object and the same name. */
class ScopeKeyTest {
    @Test
    void theSameGroupObjectAndNameIsOneScopeAndAnythingElseAnother() {
        ThreadGroup group = new ThreadGroup();
        ThreadGroup twin = new ThreadGroup(); // equal in every property, another group of the plan
        ConstantRpsTimer.ScopeKey key = new ConstantRpsTimer.ScopeKey(group, "Constant RPS Timer");

        assertThat(key).isEqualTo(new ConstantRpsTimer.ScopeKey(group, "Constant RPS Timer"))
                .hasSameHashCodeAs(new ConstantRpsTimer.ScopeKey(group, "Constant RPS Timer"));
        assertThat(key).isNotEqualTo(new ConstantRpsTimer.ScopeKey(twin, "Constant RPS Timer"))
                .isNotEqualTo(new ConstantRpsTimer.ScopeKey(group, "Another timer"))
                .isNotEqualTo(new ConstantRpsTimer.ScopeKey(group, null));
        assertThat(new ConstantRpsTimer.ScopeKey(group, null)).isEqualTo(new ConstantRpsTimer.ScopeKey(group, null));
    }
}
