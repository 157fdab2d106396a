package dev.pagelab.paging;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.pagelab.boot.KernelImage;
import dev.pagelab.hw.Addresses;
import dev.pagelab.hw.Mmu;
import dev.pagelab.hw.PageFault;
import dev.pagelab.hw.Pde;
import dev.pagelab.hw.Pte;
import dev.pagelab.pmm.FrameOwner;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.EnumSource;
import org.junit.jupiter.params.provider.MethodSource;

/** The higher-half boot, checked against the seeds' numbers and the SDM's rules for the walk. */
class KernelPagingTest {

    static Stream<Arguments> boots() {
        List<Arguments> out = new ArrayList<>();
        for (String machine : List.of("qemu-pc-16M", "qemu-pc-128M", "qemu-q35-3G")) {
            for (TableAccessStrategy s : TableAccessStrategy.values()) {
                for (boolean large : new boolean[] {false, true}) {
                    for (String allocator : List.of("bitmap", "free-list", "buddy")) {
                        out.add(Arguments.of(machine, s, large, allocator));
                    }
                }
            }
        }
        return out.stream();
    }

    @Test
    void layout_seedsNumbers_matchTheTutorials() {
        assertThat(KernelLayout.KERNEL_PDE).isEqualTo(768);
        assertThat(KernelLayout.TEMPORARY_SLOT).isEqualTo((768L << 22) | (1023L << 12)).isEqualTo(0xC03F_F000L);
        assertThat(KernelLayout.RECURSIVE_TABLES).isEqualTo(0xFFC0_0000L);
        assertThat(KernelLayout.RECURSIVE_DIRECTORY).isEqualTo(0xFFFF_F000L);
        assertThat(KernelLayout.KERNEL_HEAP_START).isEqualTo(0xC100_0000L);
        assertThat(KernelLayout.USER_HEAP_START).isEqualTo(0x1000L);
    }

    @ParameterizedTest(name = "{0} {1} large={2} {3}")
    @MethodSource("boots")
    void enable_anyMachineStrategyAllocator_kernelImageOnlyInTheHigherHalf(String machine, TableAccessStrategy strategy,
                                                                         boolean large, String allocator) {
        PagingFixture f = PagingFixture.boot(machine, strategy, large, allocator);
        Mmu mmu = f.mmu();
        KernelImage image = f.boot().kernel();

        assertThat(mmu.cr0() & (Mmu.CR0_PG | Mmu.CR0_WP | Mmu.CR0_PE)).isEqualTo(Mmu.CR0_PG | Mmu.CR0_WP | Mmu.CR0_PE);
        assertThat(mmu.cr3()).isEqualTo(f.space().directoryPaddr());
        assertThat(mmu.cr4() & Mmu.CR4_PSE).isEqualTo(large ? Mmu.CR4_PSE : 0);
        assertThat(f.frames().accounting().ownerOf(Addresses.paddrToPfn(mmu.cr3()))).isEqualTo(FrameOwner.PAGE_TABLE);
        assertThat(f.space().strategy()).isEqualTo(strategy);
        // Every byte of every segment, through the MMU at its higher-half address.
        for (KernelImage.Segment s : image.segments()) {
            byte[] seen = new byte[(int) s.memBytes()];
            mmu.readBytes(s.vaddr(), seen, 0, seen.length);
            byte[] expected = java.util.Arrays.copyOf(s.data(), (int) s.memBytes());
            assertThat(seen).as(s.name()).isEqualTo(expected);
            // ... and no longer at the identity address: the directory entry is gone (P=0).
            for (long p = s.paddr(); p < s.paddrEnd(); p += Addresses.PAGE_BYTES) {
                Mmu.Outcome identity = mmu.probe(p, false, 0);
                assertThat(identity.translates()).as("identity %s", Addresses.hex(p)).isFalse();
                assertThat(identity.fault().errorCode() & PageFault.ERR_PRESENT).isZero();
            }
        }
        assertThat(f.entryAt(f.space().directoryPaddr())).as("PDE 0 after the switch").isZero();
    }

    @ParameterizedTest
    @EnumSource(TableAccessStrategy.class)
    void enable_smallPages_textReadOnlyDataWritableUnderWp(TableAccessStrategy strategy) {
        PagingFixture f = PagingFixture.boot(strategy);
        KernelImage image = f.boot().kernel();
        for (KernelImage.Segment s : image.segments()) {
            boolean writable = (s.flags() & KernelImage.PF_W) != 0;
            Mmu.Outcome write = f.mmu().probe(s.vaddr(), true, 0);
            assertThat(write.translates()).as(s.name()).isEqualTo(writable);
            if (!writable) {
                // P=1, W/R=1, U/S=0: a protection fault, as WP=1 makes supervisor writes honour R/W.
                assertThat(write.fault().errorCode()).isEqualTo(PageFault.ERR_PRESENT | PageFault.ERR_WRITE);
            }
            assertThat(f.mmu().probe(s.vaddr(), false, 3).translates()).as("user read of %s", s.name()).isFalse();
        }
    }

    @Test
    void enable_temporaryMapping_windowsInTheFirstKernelTableAndTheSlotEmpty() {
        PagingFixture f = PagingFixture.boot(TableAccessStrategy.TEMPORARY_MAPPING);
        long dir = f.space().directoryPaddr();
        int pde768 = f.entryAt(dir + 4 * 768);
        long table = Pde.tablePaddr(pde768);

        assertThat(Pte.paddr(f.entryAt(table + 4 * 1022))).isEqualTo(dir);
        assertThat(Pte.paddr(f.entryAt(table + 4 * 1021))).isEqualTo(table);
        assertThat(f.entryAt(table + 4 * 1023)).as("slot PTE 1023").isZero();
        // The kernel sees its directory at 0xC03FE000: the same bytes as at CR3.
        assertThat(f.mmu().read32(KernelLayout.DIRECTORY_WINDOW + 4 * 768)).isEqualTo(pde768);
    }

    @Test
    void enable_recursive_directoryAt0xFFFFF000AndTablesAt0xFFC00000() {
        PagingFixture f = PagingFixture.boot(TableAccessStrategy.RECURSIVE);
        long dir = f.space().directoryPaddr();
        int pde768 = f.entryAt(dir + 4 * 768);

        assertThat(Pde.tablePaddr(f.entryAt(dir + 4 * 1023))).isEqualTo(dir);
        assertThat(f.mmu().translate(KernelLayout.RECURSIVE_DIRECTORY, false)).isEqualTo(dir);
        assertThat(f.mmu().translate(KernelLayout.RECURSIVE_TABLES + 768L * 4096, false))
                .isEqualTo(Pde.tablePaddr(pde768));
        // PTE 256 of table 768 maps 0xC0100000 -> 1 MiB: read through the recursive window.
        assertThat(Pte.paddr(f.mmu().read32(KernelLayout.RECURSIVE_TABLES + 768L * 4096 + 4 * 256)))
                .isEqualTo(0x10_0000L);
    }

    @ParameterizedTest
    @org.junit.jupiter.params.provider.ValueSource(strings = {"bitmap", "free-list", "buddy"})
    void enable_directMapOn4GiB_everyTableFrameInLowMemory(String allocator) {
        PagingFixture f = PagingFixture.boot("qemu-pc-4G", TableAccessStrategy.DIRECT_MAP, false, allocator);
        long dir = f.space().directoryPaddr();
        assertThat(dir).isLessThan(KernelLayout.DIRECT_MAP_BYTES);
        for (int pdi = 0; pdi < 1024; pdi++) {
            int pde = f.entryAt(dir + 4L * pdi);
            if (Pde.isPresent(pde)) {
                assertThat(Pde.tablePaddr(pde)).isLessThan(KernelLayout.DIRECT_MAP_BYTES);
            }
        }
        // All of low memory, at 3 GiB + paddr.
        assertThat(f.mmu().translate(0xC0FF_F000L, true)).isEqualTo(0xFF_F000L);
        // A user-area table must come from low memory too, whatever the allocator prefers.
        long pfn = f.frame();
        MapResult r = f.space().mapPage(0x4000_0000L, pfn, Pte.WRITABLE);
        assertThat(((MapResult.Mapped) r).newTablePfn()).isLessThan(KernelLayout.DIRECT_MAP_BYTES >>> 12);
    }

    @Test
    void enable_largePagesRecursive_kernelIsOneFourMiBPage() {
        PagingFixture f = PagingFixture.boot("qemu-pc-128M", TableAccessStrategy.RECURSIVE, true, "bitmap");
        int pde = f.entryAt(f.space().directoryPaddr() + 4 * 768);
        assertThat(Pde.isLarge(pde)).isTrue();
        assertThat(Pde.largePaddr(pde)).isZero();
        assertThat(f.space().pageTables()).isZero();
        assertThat(f.mmu().explain(0xC010_0000L).steps()).hasSize(1);
    }

    @Test
    void enable_kernelLinkedLow_rejectedNamingTheSegment() {
        PagingFixture f = PagingFixture.boot(TableAccessStrategy.RECURSIVE);
        KernelImage.Segment s = f.boot().kernel().segments().get(0);
        KernelImage low = new KernelImage("low.elf", 0x10_0000,
                List.of(new KernelImage.Segment(".text", s.paddr(), s.paddr(), s.data(), s.memBytes(), s.flags())), -1);
        Mmu fresh = new Mmu(f.boot().memory());
        fresh.setCr0(Mmu.CR0_PE);

        assertThatThrownBy(() -> KernelPaging.enable(fresh, f.frames(), low, TableAccessStrategy.RECURSIVE, false,
                16L << 20)).isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("low.elf").hasMessageContaining("linked at 0x00100000")
                .hasMessageContaining("0xC0000000 + its load address");
        assertThat(fresh.pagingEnabled()).isFalse();
    }

    @Test
    void enable_temporaryMappingKernelOverThreeMiB_rejectedSuggestingOthers() {
        KernelImage big = KernelImage.builtIn(3L << 20);
        PagingFixture f = PagingFixture.boot(TableAccessStrategy.RECURSIVE);
        Mmu fresh = new Mmu(f.boot().memory());
        fresh.setCr0(Mmu.CR0_PE);
        assertThatThrownBy(() -> KernelPaging.enable(fresh, f.frames(), big, TableAccessStrategy.TEMPORARY_MAPPING,
                false, 16L << 20)).isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("0x003FD000-0x003FFFFF").hasMessageContaining("recursive or direct-map");
    }

    @Test
    void enable_twice_refused() {
        PagingFixture f = PagingFixture.boot(TableAccessStrategy.RECURSIVE);
        assertThatThrownBy(() -> KernelPaging.enable(f.mmu(), f.frames(), f.boot().kernel(),
                TableAccessStrategy.RECURSIVE, false, 16L << 20)).isInstanceOf(IllegalStateException.class)
                .hasMessageContaining("CR0.PG is set already");
    }
}
