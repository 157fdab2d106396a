package dev.pagelab.pmm;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.pagelab.hw.Addresses;
import dev.pagelab.hw.PhysicalMemory;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.Named;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * The one check of a frame allocator's pool, and its messages. Every built-in allocator builds
 * its pool here; {@code FrameAllocatorContractTest} checks that each of them does.
 */
class PoolRunsTest {
    private static final long MIB = 1 << 20;

    /** 1 MiB = frames [0, 0x100), with a hole at frames [4, 6). */
    private static PhysicalMemory withHole() {
        return PhysicalMemory.builder(MIB).hole(Addresses.pfnToPaddr(4), Addresses.pfnToPaddr(2)).build();
    }

    static Stream<Arguments> badPools() {
        return Stream.of(
                Arguments.of(Named.of("out of order", List.of(new FrameRange(10, 20), new FrameRange(1, 5))),
                        "test: the pool must be runs in address order that do not overlap; run 1 (frames [0x1, 0x5) = [0x00001000, 0x00005000), 4 frames)"
                                + " starts below the end of the run before it (frame 0x14)"),
                Arguments.of(Named.of("overlapping", List.of(new FrameRange(1, 20), new FrameRange(19, 30))),
                        "test: the pool must be runs in address order that do not overlap; run 1 (frames [0x13, 0x1E) = [0x00013000, 0x0001E000), 11 frames)"
                                + " starts below the end of the run before it (frame 0x14)"),
                Arguments.of(Named.of("past the memory", List.of(new FrameRange(1, 20), new FrameRange(200, 300))),
                        "test: pool run 1 (frames [0xC8, 0x12C) = [0x000C8000, 0x0012C000), 100 frames) lies outside the physical"
                                + " memory of 0x00100000 bytes"));
    }

    @ParameterizedTest
    @MethodSource("badPools")
    void of_badPool_throwsNamingTheRunAndTheRule(List<FrameRange> pool, String message) {
        assertThatThrownBy(() -> PoolRuns.of("test", PhysicalMemory.ofSize(MIB), pool))
                .isInstanceOf(IllegalArgumentException.class).hasMessage(message);
        assertThatThrownBy(() -> PoolRuns.ofRam("test", PhysicalMemory.ofSize(MIB), pool, "why"))
                .isInstanceOf(IllegalArgumentException.class).hasMessage(message);
    }

    @Test
    void ofRam_runOverAHole_throwsNamingTheFirstFrameThatIsNotRamAndWhy() {
        List<FrameRange> pool = List.of(new FrameRange(1, 3), new FrameRange(3, 8));

        assertThatThrownBy(() -> PoolRuns.ofRam("test", withHole(), pool, "links go there"))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessage("test: pool run 1 (frames [0x3, 0x8) = [0x00003000, 0x00008000), 5 frames) holds frame 0x4,"
                        + " which is not RAM: links go there");
    }

    @Test
    void of_runOverAHole_isAcceptedForAnAllocatorThatWritesNothingThere() {
        PoolRuns runs = PoolRuns.of("test", withHole(), List.of(new FrameRange(1, 8)));

        assertThat(runs.frames()).isEqualTo(7);
        assertThatThrownBy(() -> PoolRuns.requireRam("test", withHole(), 0, runs.range(0), 2, 5, "the bitmap goes there"))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessage("test: pool run 0 (frames [0x1, 0x8) = [0x00001000, 0x00008000), 7 frames) holds frame 0x4,"
                        + " which is not RAM: the bitmap goes there");
    }

    @Test
    void of_touchingRuns_areMergedIntoOne() {
        PoolRuns runs = PoolRuns.of("test", PhysicalMemory.ofSize(MIB),
                List.of(new FrameRange(1, 3), new FrameRange(3, 8), new FrameRange(10, 12), new FrameRange(12, 13)));

        assertThat(runs.count()).isEqualTo(2);
        assertThat(runs.range(0)).isEqualTo(new FrameRange(1, 8));
        assertThat(runs.range(1)).isEqualTo(new FrameRange(10, 13));
        assertThat(runs.frames()).isEqualTo(10);
        assertThat(runs.limitPfn()).isEqualTo(13);
        assertThat(runs.contains(0)).isFalse();
        assertThat(runs.contains(7)).isTrue();
        assertThat(runs.contains(8)).isFalse();
        assertThat(runs.contains(12)).isTrue();
        assertThat(runs.contains(13)).isFalse();
    }

    @Test
    void of_emptyPool_hasNoRunsAndLimitZero() {
        PoolRuns runs = PoolRuns.of("test", PhysicalMemory.ofSize(MIB), List.of());

        assertThat(runs.count()).isZero();
        assertThat(runs.frames()).isZero();
        assertThat(runs.limitPfn()).isZero();
    }

    @Test
    void of_runEndingAtTheEndOfMemory_isInside() {
        PoolRuns runs = PoolRuns.of("test", PhysicalMemory.ofSize(MIB), List.of(new FrameRange(0, 0x100)));

        assertThat(runs.frames()).isEqualTo(0x100);
        assertThatThrownBy(() -> PoolRuns.of("test", PhysicalMemory.ofSize(MIB), List.of(new FrameRange(0, 0x101))))
                .hasMessageContaining("lies outside the physical memory");
    }
}
