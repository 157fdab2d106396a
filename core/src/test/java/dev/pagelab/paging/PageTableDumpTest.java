package dev.pagelab.paging;

import static org.assertj.core.api.Assertions.assertThat;

import dev.pagelab.hw.Addresses;
import dev.pagelab.hw.Mmu;
import dev.pagelab.hw.Pte;
import java.util.List;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/** The dump against the MMU itself: every page it lists translates as it says, and no other page does. */
class PageTableDumpTest {

    @ParameterizedTest
    @EnumSource(TableAccessStrategy.class)
    void ranges_everyPage_agreesWithTheMmu(TableAccessStrategy strategy) {
        PagingFixture f = PagingFixture.boot(strategy);
        f.space().mapPage(0x0804_8000L, f.frame(), Pte.USER);
        f.space().mapPage(0x0804_9000L, f.frame(), Pte.USER | Pte.WRITABLE);
        f.space().mapPage(KernelLayout.KERNEL_HEAP_START, f.frame(), Pte.WRITABLE | Pte.GLOBAL);
        List<PageTableDump.Range> ranges = PageTableDump.ranges(f.mmu());

        long next = 0;
        for (PageTableDump.Range r : ranges) {
            for (long v = next; v < r.vaddr(); v += Addresses.PAGE_BYTES) {
                assertThat(f.mmu().probe(v, false, 0).translates()).as("gap %s", Addresses.hex(v)).isFalse();
                if ((v & 0x3F_F000L) == 0 || !f.space().isReserved(v)) {
                    assertThat(f.space().getFrameAddr(v)).isEqualTo(AddressSpace.NOT_MAPPED);
                }
            }
            for (long off = 0; off < r.bytes(); off += Addresses.PAGE_BYTES) {
                long v = r.vaddr() + off;
                assertThat(f.mmu().probe(v, false, 0).paddr()).as(Addresses.hex(v)).isEqualTo(r.paddr() + off);
                // getFrameAddr, the kernel's own software walk through its windows, agrees on every mapped page.
                assertThat(f.space().getFrameAddr(v + 0x7FF)).as(Addresses.hex(v)).isEqualTo(r.paddr() + off + 0x7FF);
                assertThat(f.mmu().probe(v, true, 0).translates()).isEqualTo(r.writable());
                assertThat(f.mmu().probe(v, false, 3).translates()).isEqualTo(r.user());
            }
            next = r.endVaddr();
        }
        for (long v = next; v < Addresses.LINEAR_SPACE_BYTES; v += Addresses.PAGE_BYTES) {
            assertThat(f.mmu().probe(v, false, 0).translates()).as("tail %s", Addresses.hex(v)).isFalse();
        }
    }

    @ParameterizedTest
    @EnumSource(TableAccessStrategy.class)
    void render_seedsKernel_textReadOnlyThenDataWritable(TableAccessStrategy strategy) {
        PagingFixture f = PagingFixture.boot(strategy);
        List<String> lines = PageTableDump.render(PageTableDump.ranges(f.mmu()));

        assertThat(lines.get(0)).isEqualTo("---[ Kernel Mapping ]---");
        if (strategy != TableAccessStrategy.DIRECT_MAP) {
            // The built-in 1 MiB kernel: .text 512K + .rodata 128K read-only, .data + .bss 384K writable.
            assertThat(lines.get(1)).isEqualTo("0xc0100000-0xc01a0000   640K      ro                 pte -> 0x00100000");
            assertThat(lines.get(2)).isEqualTo("0xc01a0000-0xc0200000   384K      RW                 pte -> 0x001a0000");
        } else {
            assertThat(lines.get(1)).isEqualTo("0xc0000000-0xc0100000     1M      RW                 pte -> 0x00000000");
        }
        if (strategy == TableAccessStrategy.RECURSIVE) {
            assertThat(lines).contains("---[ Recursive Page Tables (0xFFC00000, if PDE 1023 points home) ]---");
        }
    }

    @ParameterizedTest
    @EnumSource(TableAccessStrategy.class)
    void tableFrames_directoryAndEveryTable(TableAccessStrategy strategy) {
        PagingFixture f = PagingFixture.boot(strategy);
        f.space().mapPage(KernelLayout.KERNEL_HEAP_START, f.frame(), 0);
        List<Long> frames = PageTableDump.tableFrames(f.boot().memory(), f.mmu().cr3(), false);

        assertThat(frames).contains(f.mmu().cr3());
        assertThat(frames).hasSize((int) f.space().pageTables() + 1);
        assertThat(frames).isSorted().doesNotHaveDuplicates();
        assertThat(f.mmu().cr0() & Mmu.CR0_PG).isNotZero();
    }
}
