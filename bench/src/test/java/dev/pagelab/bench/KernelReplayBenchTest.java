package dev.pagelab.bench;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.pagelab.replace.PolicyRegistry;
import dev.pagelab.replay.ReferenceStream;
import java.io.IOException;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

class KernelReplayBenchTest {
    @Test
    void run_smallSynthetic_lowFaultOnlyFirstTouchesHighFaultMore() throws IOException {
        List<String> progress = new ArrayList<>();
        KernelReplayBench.Settings settings = new KernelReplayBench.Settings(20_000, 64, List.of(1, 3), "clock", 1,
                null, 0);

        KernelReplayBench.Result result = KernelReplayBench.run(settings, PolicyRegistry.builtIn(), progress::add);

        assertThat(result.cases()).extracting(KernelReplayBench.Case::workload).containsExactly(
                KernelReplayBench.Workload.LOW_FAULT, KernelReplayBench.Workload.HIGH_FAULT,
                KernelReplayBench.Workload.LOW_FAULT, KernelReplayBench.Workload.HIGH_FAULT);
        for (int i = 0; i < 4; i += 2) {
            KernelReplayBench.Case low = result.cases().get(i);
            KernelReplayBench.Case high = result.cases().get(i + 1);
            ReferenceStream stream = KernelReplayBench.synthetic(20_000, 64, low.processes());
            assertThat(low.faults()).as("frames for every page: first touches only").isEqualTo(stream.pages());
            assertThat(low.frames()).isEqualTo(64 * low.processes());
            assertThat(high.frames()).isEqualTo(Math.max(6 * high.processes(), 8 * high.processes()));
            assertThat(high.faultRate()).isGreaterThan(low.faultRate() * 5);
            for (KernelReplayBench.Case c : List.of(low, high)) {
                assertThat(c.references()).isEqualTo(20_000);
                assertThat(c.machine()).isEqualTo("qemu-pc-16M");
                assertThat(c.tlbHitRate()).isBetween(0.0, 1.0);
                assertThat(c.handlerShare()).isBetween(0.0, 1.0);
                assertThat(c.bestPerSecond()).isPositive().isGreaterThanOrEqualTo(c.medianPerSecond());
            }
        }
        assertThat(result.cases().get(1).handlerShare()).as("faults dominate the high-fault case's time")
                .isGreaterThan(result.cases().get(0).handlerShare());
        assertThat(progress).containsExactly("1 process, low fault", "1 process, high fault", "3 processes, low fault",
                "3 processes, high fault");
    }

    @Test
    void settings_outOfRange_refusedWithTheValue() {
        assertThatThrownBy(() -> new KernelReplayBench.Settings(100, 4, List.of(1), "clock", 1, null, 0))
                .hasMessageContaining("pages 4 must be at least 8");
        assertThatThrownBy(() -> new KernelReplayBench.Settings(100, 64, List.of(0), "clock", 1, null, 0))
                .hasMessageContaining("process counts [0]");
        assertThatThrownBy(() -> new KernelReplayBench.Settings(0, 64, List.of(1), "clock", 1, null, 0))
                .hasMessageContaining("references 0");
        assertThatThrownBy(() -> new KernelReplayBench.Settings(100, 64, List.of(1), "clock", 0, null, 0))
                .hasMessageContaining("rounds 0");
    }
}
