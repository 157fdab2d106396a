package dev.pagelab.kernel;

import dev.pagelab.boot.E820Text;
import dev.pagelab.boot.KernelImage;
import dev.pagelab.boot.LowMemory;
import dev.pagelab.boot.MachineProfiles;
import dev.pagelab.boot.MemoryMap;
import dev.pagelab.boot.MemoryRegion;
import dev.pagelab.hw.Mmu;
import dev.pagelab.hw.PhysicalMemory;
import dev.pagelab.paging.KernelLayout;
import dev.pagelab.paging.TableAccessStrategy;
import dev.pagelab.pmm.FrameOwner;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;
import static org.assertj.core.api.Assertions.assertThat;

/** The whole start-up, from every kind of map source, with every strategy. */
class KernelTest {

    static Stream<Arguments> sources() {
        List<Arguments> out = new ArrayList<>();
        List<String> sources = new ArrayList<>(MachineProfiles.names());
        sources.addAll(List.of("e820:dmesg-laptop.txt", "e820:dmesg-linux-2.6-old-form.txt"));
        for (String source : sources) {
            for (TableAccessStrategy s : TableAccessStrategy.values()) {
                out.add(Arguments.of(source, s));
            }
        }
        return out.stream();
    }

    private static Boot boot(String source) throws IOException {
        KernelImage image = KernelImage.builtIn(KernelImage.DEFAULT_BYTES);
        if (!source.startsWith("e820:")) {
            return Boot.run(MachineProfiles.byName(source), image, List.of(), "", LowMemory.FIRST_MIB);
        }
        String file = source.substring(5);
        try (InputStream in = KernelTest.class.getResourceAsStream("/boot/" + file)) {
            List<MemoryRegion> regions = E820Text.parse(file, new String(in.readAllBytes(), StandardCharsets.UTF_8));
            PhysicalMemory memory = Boot.memoryFor(MemoryMap.sanitize(regions).map());
            return Boot.run(source, memory, regions, image, List.of(), "", LowMemory.FIRST_MIB);
        }
    }

    @ParameterizedTest(name = "{0} {1}")
    @MethodSource("sources")
    void start_everySourceAndStrategy_higherHalfKernelWithWorkingKmmap(String source, TableAccessStrategy strategy)
            throws IOException {
        Kernel k = Kernel.start(boot(source), KernelConfig.DEFAULT.withTableAccess(strategy));

        assertThat(k.mmu().pagingEnabled()).isTrue();
        assertThat(k.mmu().read32(0xC010_0000L)).as("Multiboot magic at the higher-half text").isEqualTo(0x1BADB002);
        assertThat(k.mmu().translate(0x10_0000L, false)).as("identity gone").isEqualTo(Mmu.FAULT);
        assertThat(k.accounting().ownerOf(k.mmu().cr3() >>> 12)).isEqualTo(FrameOwner.PAGE_TABLE);
        long vaddr = k.vm().kmmap(64 * 1024);
        assertThat(vaddr).isEqualTo(KernelLayout.KERNEL_HEAP_START);
        k.mmu().write32(vaddr + 60_000, 0x5EED);
        assertThat(k.mmu().read32(vaddr + 60_000)).isEqualTo(0x5EED);
        k.checkInvariants();
        assertThat(k.vm().kunmap(vaddr)).isEqualTo(16);
        assertThat(k.log()).anyMatch(line -> line.contains("paging on"));
        k.checkInvariants();
    }
}
