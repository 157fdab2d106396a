package dev.pagelab.proc;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.pagelab.kernel.KernelConfig;
import dev.pagelab.replace.PolicyRegistry;
import dev.pagelab.replay.ReferenceStream;
import dev.pagelab.replay.ReplayConfig;
import dev.pagelab.replay.Scope;
import dev.pagelab.trace.SyntheticTrace;
import dev.pagelab.trace.TraceReader;
import java.io.IOException;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/** KernelReplay's machine: the kernel's own frames, the choice of the smallest machine, the refusals. */
class KernelReplayMachineTest {
    private static ReferenceStream synthetic(int processes, long referencesEach, int pages) throws IOException {
        List<TraceReader> readers = new ArrayList<>();
        for (int p = 0; p < processes; p++) {
            readers.add(SyntheticTrace.reader(SyntheticTrace.Config.of(referencesEach, pages).withSeed(p + 1)));
        }
        return ReferenceStream.load(readers, 100);
    }

    @Test
    void kernelFrames_processesOfEverySize_coverWhatTheKernelHoldsAndLittleMore() throws IOException {
        // One process over two page tables; 22 processes, whose bitmaps (22 x 48 pages) need two kernel tables.
        for (int[] shape : new int[][] {{1, 1500}, {3, 40}, {22, 5}}) {
            ReferenceStream stream = synthetic(shape[0], 20_000, shape[1]);
            KernelReplay.Result r = KernelReplay.run(stream, List.of("clock"), ReplayConfig.of(stream.pages(),
                    Scope.GLOBAL), PolicyRegistry.builtIn(), KernelReplay.Options.DEFAULT, null);
            long held = r.kernel().getFirst().kernelFrames();
            String shapeText = shape[0] + " processes of " + shape[1] + " pages";
            assertThat(held).as(shapeText + ": the kernel held").isLessThanOrEqualTo(r.kernelFrames())
                    .isGreaterThanOrEqualTo(r.kernelFrames() - 2)
                    .isGreaterThanOrEqualTo(shape[0] * (1 + KernelReplay.BITMAP_FRAMES_PER_PROCESS + 1));
            assertThat(r.kernelFrames()).isEqualTo(KernelReplay.kernelFrames(stream));
        }
    }

    @Test
    void chooseMachine_framesAsked_smallestWhoseFreeFramesHoldThem() {
        KernelConfig k = KernelReplay.Options.DEFAULT.kernel();
        assertThat(KernelReplay.chooseMachine(48, k)).isEqualTo("qemu-pc-16M");
        assertThat(KernelReplay.chooseMachine(3_486, k)).isEqualTo("qemu-pc-16M");
        assertThat(KernelReplay.chooseMachine(3_487, k)).isEqualTo("qemu-pc-128M");
        assertThat(KernelReplay.chooseMachine(300_000, k)).isEqualTo("qemu-q35-3G");
        assertThatThrownBy(() -> KernelReplay.chooseMachine(800_000, k)).isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("no built-in machine has 800,000 free frames");
    }

    @Test
    void run_namedMachineTooSmall_refusedWithTheNumbersBeforeAnyReference() throws IOException {
        ReferenceStream stream = synthetic(2, 1_000, 30);
        List<Long> progress = new ArrayList<>();
        assertThatThrownBy(() -> KernelReplay.run(stream, List.of("fifo"), ReplayConfig.of(3_400, Scope.GLOBAL),
                PolicyRegistry.builtIn(), KernelReplay.Options.DEFAULT.withMachine("qemu-pc-16M"), progress::add))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("machine qemu-pc-16M has 3,486 free frames after boot")
                .hasMessageContaining("3,400 frames for the processes and " + KernelReplay.kernelFrames(stream)
                        + " for the kernel's own (2 processes");
        assertThat(progress).isEmpty();
    }

    @Test
    void run_traceLargerThanTheUserArea_refusedNamingIt() throws IOException {
        long pages = Process.USER_AREA_PAGES + 1;
        TraceReader big = new TraceReader() {
            private long next;

            @Override
            public dev.pagelab.trace.TraceFormat format() {
                return dev.pagelab.trace.TraceFormat.PLAIN;
            }

            @Override
            public String name() {
                return "big.txt";
            }

            @Override
            public boolean hasPids() {
                return false;
            }

            @Override
            public int read(dev.pagelab.trace.TraceBlock block) {
                int n = (int) Math.min(block.capacity(), pages - next);
                for (int i = 0; i < n; i++) {
                    block.pages[i] = next++;
                    block.kinds[i] = dev.pagelab.trace.RefKind.READ;
                    block.pids[i] = 0;
                }
                block.size = n;
                return n;
            }

            @Override
            public void close() {
            }
        };
        ReferenceStream stream = ReferenceStream.load(List.of(big), 1000);
        assertThatThrownBy(() -> KernelReplay.run(stream, List.of("fifo"), ReplayConfig.of(8, Scope.GLOBAL),
                PolicyRegistry.builtIn(), KernelReplay.Options.DEFAULT, null))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessage("trace big.txt has 786,432 distinct pages, more than the 786,431 pages of a 32-bit"
                        + " process's user area (0x00001000-0xBFFFFFFF)");
    }
}
