package dev.pagelab.kernel;

import static org.assertj.core.api.Assertions.assertThat;

import dev.pagelab.hw.Addresses;
import dev.pagelab.hw.Mmu;
import dev.pagelab.hw.Pde;
import dev.pagelab.hw.PhysicalMemory;
import dev.pagelab.hw.Pte;
import dev.pagelab.hw.Tlb;
import dev.pagelab.paging.AddressSpace;
import dev.pagelab.paging.AddressSpaces;
import dev.pagelab.paging.KernelLayout;
import dev.pagelab.paging.TableAccessStrategy;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.EnumSource;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * {@link KernelConfig#globalKernelPages}: G = 1 in every kernel-half leaf entry, never in a user
 * entry nor in a directory entry that points at a table (those are each directory's own pages in
 * the recursive window), CR4.PGE set last; the kernel's translations survive a CR3 load, and
 * INVLPG still drops them (SDM vol. 3A 4.10.2.4, 4.10.4.1).
 */
class KernelGlobalPagesTest {
    private static final long KERNEL_TEXT = 0xC010_0000L;

    static Stream<Arguments> configurations() {
        List<Arguments> out = new ArrayList<>();
        for (TableAccessStrategy s : TableAccessStrategy.values()) {
            out.add(Arguments.of(s, false));
            if (s != TableAccessStrategy.TEMPORARY_MAPPING) {
                out.add(Arguments.of(s, true));
            }
        }
        return out.stream();
    }

    private static Kernel boot(TableAccessStrategy strategy, boolean largePages, boolean global) {
        return Kernel.boot("qemu-pc-16M", KernelConfig.DEFAULT.withTableAccess(strategy).withLargePages(largePages)
                .withGlobalKernelPages(global));
    }

    /** Every present entry of the kernel's directory and its tables, read from RAM: {pdi, pti or -1, entry}. */
    private static List<int[]> entries(Kernel k) {
        PhysicalMemory ram = k.memory();
        long dir = k.space().directoryPaddr();
        List<int[]> out = new ArrayList<>();
        for (int pdi = 0; pdi < Addresses.ENTRIES_PER_TABLE; pdi++) {
            int pde = ram.read32(dir + 4L * pdi);
            if (!Pde.isPresent(pde)) {
                continue;
            }
            out.add(new int[] {pdi, -1, pde});
            if (Pde.isLarge(pde) || (pdi == KernelLayout.RECURSIVE_PDE
                    && k.config().tableAccess() == TableAccessStrategy.RECURSIVE)) {
                continue;
            }
            for (int pti = 0; pti < Addresses.ENTRIES_PER_TABLE; pti++) {
                int pte = ram.read32(Pde.tablePaddr(pde) + 4L * pti);
                if (Pte.isPresent(pte)) {
                    out.add(new int[] {pdi, pti, pte});
                }
            }
        }
        return out;
    }

    @ParameterizedTest(name = "{0}, 4 MiB pages {1}")
    @MethodSource("configurations")
    void boot_globalKernelPages_gInEveryKernelLeafAndPgeSetLast(TableAccessStrategy strategy, boolean largePages) {
        Kernel k = boot(strategy, largePages, true);

        assertThat(k.mmu().cr4() & Mmu.CR4_PGE).as("CR4.PGE").isEqualTo(Mmu.CR4_PGE);
        assertThat(k.log()).anyMatch(line -> line.startsWith("CR4.PGE set"));
        int leaves = 0;
        for (int[] e : entries(k)) {
            boolean leaf = e[1] >= 0 || Pde.isLarge(e[2]);
            boolean global = (e[2] & Pte.GLOBAL) != 0;
            String where = "PDE " + e[0] + (e[1] >= 0 ? " PTE " + e[1] : "") + " = " + Addresses.hex(e[2] & 0xFFFF_FFFFL);
            assertThat(e[0]).as(where + ": the boot leaves nothing in the user half").isGreaterThanOrEqualTo(
                    KernelLayout.KERNEL_PDE);
            assertThat(global).as(where + ": G on every kernel leaf, never on a directory entry to a table")
                    .isEqualTo(leaf);
            leaves += leaf ? 1 : 0;
        }
        assertThat(leaves).as("kernel leaves checked").isGreaterThan(40);
    }

    @ParameterizedTest
    @EnumSource(TableAccessStrategy.class)
    void boot_default_noGlobalEntryAndPgeClear(TableAccessStrategy strategy) {
        Kernel k = boot(strategy, false, false);

        assertThat(k.mmu().cr4() & Mmu.CR4_PGE).isZero();
        assertThat(entries(k)).as("no entry has G").allSatisfy(e -> assertThat(e[2] & Pte.GLOBAL).isZero());
        assertThat(k.log()).noneMatch(line -> line.contains("PGE"));
    }

    @ParameterizedTest(name = "{0}, global {1}")
    @MethodSource("strategiesAndGlobal")
    void switchTo_globalKernelPages_kernelTranslationsSurviveCr3Load(TableAccessStrategy strategy, boolean global) {
        Kernel k = boot(strategy, false, global);
        long heap = k.vm().kmmap(Addresses.PAGE_BYTES);
        AddressSpace other = ((AddressSpaces.CreateResult.Created) k.spaces().create()).space();
        k.mmu().read32(KERNEL_TEXT);
        k.mmu().write32(heap, 7);

        k.spaces().switchTo(other);

        List<Long> cached = k.mmu().tlb().entries().stream().map(Tlb.Entry::vaddr).toList();
        if (global) {
            assertThat(cached).as("kernel text and a kmmap'd page stay cached").contains(KERNEL_TEXT, heap);
            long misses = k.mmu().stats().tlbMisses();
            assertThat(k.mmu().read32(heap)).isEqualTo(7);
            assertThat(k.mmu().stats().tlbMisses()).as("no walk for a global page after the switch").isEqualTo(misses);
        } else {
            assertThat(cached).as("nothing of the kernel survives a CR3 load without G").doesNotContain(KERNEL_TEXT, heap);
        }
        assertThat(cached).as("a window onto one directory's own tables is never global")
                .noneMatch(v -> v >= KernelLayout.RECURSIVE_TABLES);
        k.checkInvariants();
    }

    static Stream<Arguments> strategiesAndGlobal() {
        List<Arguments> out = new ArrayList<>();
        for (TableAccessStrategy s : TableAccessStrategy.values()) {
            out.add(Arguments.of(s, true));
            out.add(Arguments.of(s, false));
        }
        return out.stream();
    }

    @ParameterizedTest
    @EnumSource(TableAccessStrategy.class)
    void kunmap_globalPageCachedInOtherDirectory_invlpgDropsIt(TableAccessStrategy strategy) {
        Kernel k = boot(strategy, false, true);
        long heap = k.vm().kmmap(Addresses.PAGE_BYTES);
        AddressSpace other = ((AddressSpaces.CreateResult.Created) k.spaces().create()).space();
        k.mmu().read32(heap);
        k.spaces().switchTo(other);
        assertThat(k.mmu().tlb().entries()).extracting(Tlb.Entry::vaddr).contains(heap);

        k.vm().kunmap(heap);

        assertThat(k.mmu().tlb().entries()).extracting(Tlb.Entry::vaddr).as("INVLPG drops a global entry")
                .doesNotContain(heap);
        assertThat(k.mmu().probe(heap, false, 0).translates()).isFalse();
        k.checkInvariants();
    }

    @Test
    void recursiveWindow_globalKernelPages_otherDirectorysTablesNotSeenAfterSwitch() {
        Kernel k = boot(TableAccessStrategy.RECURSIVE, false, true);
        AddressSpace other = ((AddressSpaces.CreateResult.Created) k.spaces().create()).space();
        long kernelDirectoryView = KernelLayout.RECURSIVE_DIRECTORY;
        k.mmu().read32(kernelDirectoryView);

        k.spaces().switchTo(other);

        assertThat(k.mmu().read32(kernelDirectoryView + 4L * KernelLayout.RECURSIVE_PDE) & Pte.FRAME_MASK)
                .as("0xFFFFF000 shows the loaded directory, not a cached view of the kernel's")
                .isEqualTo((int) other.directoryPaddr());
    }
}
