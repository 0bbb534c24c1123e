package io.inferencebench.pacing;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.api.Test;

class ThreadCapTest {
    private static final long GB = 1024L * 1024 * 1024;

    @ParameterizedTest(name = "limit {0}, open {1}, heap {2} GB, configured {3}, virtual {4} -> {5}")
    @CsvSource({
            // an explicit cap is the plan's, whatever the kind
            "20000, 300, 6, 500, true, 500",
            "20000, 300, 6, 500, false, 500",
            // automatic on platform threads: 2,000, unless the descriptors allow fewer
            "20000, 300, 6, 0, false, 2000",
            "1024, 300, 6, 0, false, 468",
            // automatic on virtual threads: what the descriptors left allow (20,000 - 300 open - 256 kept) ...
            "20000, 300, 6, 0, true, 19444",
            // ... or a quarter of the heap at 64 KB a thread, whichever is fewer
            "20000, 300, 1, 0, true, 4096",
            // ... and never more than one pool should hold
            "1048576, 300, 64, 0, true, 100000",
            // no descriptors left: still one thread, and the problem is named elsewhere
            "300, 300, 6, 0, true, 1",
    })
    void resolvesTheCap(long limit, long open, long heapGb, int configured, boolean virtual, int expected) {
        assertThat(new ThreadCap(limit, open, heapGb * GB).resolve(configured, virtual)).isEqualTo(expected);
    }

    @Test
    void anExplicitCapTheDescriptorsCannotHoldIsNamedWithTheNumbersAndTheFix() {
        ThreadCap limits = new ThreadCap(20_000, 300, 6 * GB);
        assertThat(limits.problem(19_444)).isNull();
        assertThat(limits.problem(0)).isNull();
        assertThat(limits.problem(30_000)).isEqualTo("A 'Thread cap' of 30,000 needs up to 30,256 file descriptors "
                + "(one connection per thread, plus 256), but this process may open 20,000 and has 300 open: lower the "
                + "'Thread cap' to at most 19,444, or 0 for automatic, or raise the limit (ulimit -n; LimitNOFILE= "
                + "for a systemd service).");
    }

    @Test
    void thisProcessHasLimits() {
        ThreadCap here = ThreadCap.ofThisProcess();
        assertThat(here.fdLimit()).isGreaterThan(here.fdOpen());
        assertThat(here.maxHeap()).isPositive();
    }
}
