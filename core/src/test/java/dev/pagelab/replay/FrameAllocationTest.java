package dev.pagelab.replay;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.api.Test;

class FrameAllocationTest {
    @Test
    void equal_seed001Example_fiveEachThreeLeftOver() {
        FrameAllocation allocation = FrameAllocation.divide(AllocationMode.EQUAL, 48, new long[9], null, 1);
        assertThat(allocation.quotas()).containsOnly(5).hasSize(9);
        assertThat(allocation.leftover()).isEqualTo(3);
    }

    @Test
    void proportional_seed001Example_4And57() {
        FrameAllocation allocation = FrameAllocation.divide(AllocationMode.PROPORTIONAL, 62, new long[] {10, 127}, null, 1);
        assertThat(allocation.quotas()).containsExactly(4, 57);
        assertThat(allocation.leftover()).isEqualTo(1);
    }

    @Test
    void proportional_hugeSizes_exactIntegerArithmetic() {
        // s·m overflows a long: 2^62 · 1000; the exact floor is 500 and 499 (the 1 left over).
        long big = 1L << 62;
        FrameAllocation allocation = FrameAllocation.divide(AllocationMode.PROPORTIONAL, 1000,
                new long[] {big, big - 1}, null, 1);
        assertThat(allocation.quotas()).containsExactly(500, 499);
    }

    @Test
    void priority_weightsAreSizeTimesPriority() {
        // weights 10·3 = 30 and 20·1 = 20: 50 frames → 30 and 20.
        FrameAllocation allocation = FrameAllocation.divide(AllocationMode.PRIORITY, 50, new long[] {10, 20},
                new long[] {3, 1}, 1);
        assertThat(allocation.quotas()).containsExactly(30, 20);
        assertThat(FrameAllocation.divide(AllocationMode.PRIORITY, 62, new long[] {10, 127}, null, 1).quotas())
                .as("all priorities 1 is proportional").containsExactly(4, 57);
    }

    @Test
    void equal_belowMinimum_errorNamesTheNumbers() {
        assertThatThrownBy(() -> FrameAllocation.divide(AllocationMode.EQUAL, 48, new long[9], null, 6))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessage("equal allocation of 48 frames among 9 processes gives process 0 5 frames, below the"
                        + " minimum of 6 per process; 9 processes need at least 54 frames");
    }

    @Test
    void proportional_zeroFrames_isAnError() {
        assertThatThrownBy(() -> FrameAllocation.divide(AllocationMode.PROPORTIONAL, 10, new long[] {1, 1000}, null, 1))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("gives process 0 0 frames (size 1), below the minimum of 1");
    }

    @Test
    void divide_badArguments_rejected() {
        assertThatThrownBy(() -> FrameAllocation.divide(AllocationMode.EQUAL, 0, new long[1], null, 1))
                .hasMessageContaining("frames must be at least 1");
        assertThatThrownBy(() -> FrameAllocation.divide(AllocationMode.PRIORITY, 10, new long[] {1}, new long[] {0}, 1))
                .hasMessageContaining("priority 0");
        assertThatThrownBy(() -> FrameAllocation.divide(AllocationMode.EQUAL, 10, new long[0], null, 1))
                .hasMessageContaining("no processes");
    }
}
