package dev.pagelab.scenario;

import static org.assertj.core.api.Assertions.assertThat;

import dev.pagelab.hw.Pte;
import dev.pagelab.kernel.Kernel;
import dev.pagelab.kernel.KernelConfig;
import dev.pagelab.paging.TableAccessStrategy;
import dev.pagelab.pmm.FrameOwner;
import dev.pagelab.proc.Process;
import dev.pagelab.proc.ProcessConfig;
import dev.pagelab.proc.Processes;
import dev.pagelab.proc.Region;
import dev.pagelab.replace.PolicyRegistry;
import java.util.List;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/** {@link ChangeRecorder} on what no scenario step does: kernel-half entries written through a process's directory. */
class ChangeRecorderTest {
    @ParameterizedTest
    @EnumSource(TableAccessStrategy.class)
    void kernelHalfPageMappedThroughAProcess_isTheKernelsPage(TableAccessStrategy strategy) {
        Kernel kernel = Kernel.boot("qemu-pc-16M", KernelConfig.DEFAULT.withTableAccess(strategy));
        Processes processes = Processes.install(kernel, ProcessConfig.DEFAULT.withFrames(4), PolicyRegistry.builtIn());
        Process p = processes.spawn("a", 1, List.of(Region.Spec.data(2)));
        ChangeRecorder recorder = new ChangeRecorder(kernel.mmu(), kernel.space().directoryPfn());
        long pfn = kernel.frames().allocate(FrameOwner.ALLOCATED);
        recorder.start();
        kernel.events().listen(recorder);

        p.space().mapPage(0xF000_0000L, pfn, Pte.WRITABLE);
        Changes changes = recorder.changes();

        assertThat(changes.pages()).as("a kernel-half table is every directory's").extracting(Changes.PageChange::vaddr)
                .contains(0xF000_0000L);
        assertThat(changes.processPages()).as("a process's pages are its user half only").isEmpty();
    }
}
