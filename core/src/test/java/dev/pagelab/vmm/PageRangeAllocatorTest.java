package dev.pagelab.vmm;

import static dev.pagelab.vmm.PageRangeAllocator.FIRST;
import static dev.pagelab.vmm.PageRangeAllocator.FREE;
import static dev.pagelab.vmm.PageRangeAllocator.KERNEL_HEAP_START;
import static dev.pagelab.vmm.PageRangeAllocator.LAST;
import static dev.pagelab.vmm.PageRangeAllocator.MIDDLE;
import static dev.pagelab.vmm.PageRangeAllocator.NO_PAGES;
import static dev.pagelab.vmm.PageRangeAllocator.USER_HEAP_START;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.pagelab.hw.Mmu;
import dev.pagelab.hw.PageFaultException;
import dev.pagelab.hw.PhysicalMemory;
import dev.pagelab.kernel.HandBuiltMachine;
import dev.pagelab.vmm.PageRangeAllocator.Block;
import java.util.HexFormat;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * The page-range allocator on a 1 MiB machine with paging off (a virtual address is the physical
 * address), its bitmap at {@link #BITMAP}, above the small areas the tests use; the areas
 * themselves need no memory, since only the bitmap is touched. The last test runs it with
 * paging on, on the hand-built machine.
 */
class PageRangeAllocatorTest {
    private static final long BITMAP = 0x8_0000L;

    private final PhysicalMemory memory = PhysicalMemory.ofSize(1 << 20);
    private final Mmu mmu = new Mmu(memory);

    private PageRangeAllocator user(long pages) {
        return new PageRangeAllocator("user heap", mmu, BITMAP, USER_HEAP_START, pages);
    }

    private PageRangeAllocator kernel(long pages) {
        return new PageRangeAllocator("kernel heap", mmu, BITMAP, KERNEL_HEAP_START, pages);
    }

    /** The whole bitmap, read from physical memory behind the allocator's back. */
    private String bitmapHex(PageRangeAllocator allocator) {
        return HexFormat.of().formatHex(memory.readBytes(BITMAP, (int) allocator.bitmapBytes()));
    }

    private int word(int w) {
        return memory.read32(BITMAP + 4L * w);
    }

    // ---------------------------------------------------------------- seed 004's picture

    @Test
    void allocPages_seed004Sequence_rendersTheSeedsPicture() {
        PageRangeAllocator heap = user(16);

        assertThat(heap.allocPages(4)).isEqualTo(0x1000L);
        assertThat(heap.allocPages(6)).isEqualTo(0x5000L);
        assertThat(heap.allocPages(3)).isEqualTo(0xB000L);
        assertThat(heap.allocPages(1)).isEqualTo(0xE000L);
        assertThat(heap.freePages(0x1000L)).isEqualTo(4);
        assertThat(heap.freePages(0xB000L)).isEqualTo(3);

        assertThat(heap.render(USER_HEAP_START, 16)).isEqualTo("00 00 00 00 01 10 10 10 10 11 00 00 00 11 00 00");
        // Page i is bits 2(i % 16)..2(i % 16)+1 of word 0:
        //   page  4: 01 << 8  = 0x0000_0100
        //   page  5: 10 << 10 = 0x0000_0800
        //   page  6: 10 << 12 = 0x0000_2000
        //   page  7: 10 << 14 = 0x0000_8000
        //   page  8: 10 << 16 = 0x0002_0000
        //   page  9: 11 << 18 = 0x000C_0000
        //   page 13: 11 << 26 = 0x0C00_0000
        //   sum               = 0x0C0E_A900, bytes 00 A9 0E 0C in memory
        assertThat(word(0)).isEqualTo(0x0C0E_A900);
        assertThat(bitmapHex(heap)).isEqualTo("00a90e0c");
        assertThat(heap.blocks()).containsExactly(new Block(0x5000L, 6), new Block(0xE000L, 1));
        assertThat(heap.usedPageCount()).isEqualTo(7);
        assertThat(heap.freePageCount()).isEqualTo(9);
    }

    // ---------------------------------------------------------------- the bytes, exactly

    @Test
    void allocPages_onePage_writesALone11() {
        PageRangeAllocator heap = kernel(16);

        assertThat(heap.allocPages(1)).isEqualTo(KERNEL_HEAP_START);
        assertThat(bitmapHex(heap)).isEqualTo("03000000");
        assertThat(heap.allocPages(1)).isEqualTo(KERNEL_HEAP_START + 0x1000);
        assertThat(bitmapHex(heap)).isEqualTo("0f000000");
        assertThat(heap.state(KERNEL_HEAP_START + 0x1000)).isEqualTo(LAST);
    }

    @Test
    void allocPages_twoPages_writes01Then11() {
        PageRangeAllocator heap = kernel(16);

        assertThat(heap.allocPages(2)).isEqualTo(KERNEL_HEAP_START);

        // page 0 = 01 (bits 1:0), page 1 = 11 (bits 3:2): 0b1101
        assertThat(bitmapHex(heap)).isEqualTo("0d000000");
        assertThat(heap.freePages(KERNEL_HEAP_START)).isEqualTo(2);
        assertThat(bitmapHex(heap)).isEqualTo("00000000");
    }

    @Test
    void allocPages_blockAcrossWords_writesEveryWordItCovers() {
        PageRangeAllocator heap = kernel(48);

        heap.allocPages(1);
        assertThat(heap.allocPages(40)).isEqualTo(KERNEL_HEAP_START + 0x1000);

        // word 0: page 0 = 11, page 1 = 01, pages 2..15 = 10
        assertThat(word(0)).isEqualTo(0xAAAA_AAA7);
        // word 1: pages 16..31 = 10
        assertThat(word(1)).isEqualTo(0xAAAA_AAAA);
        // word 2: pages 32..39 = 10 (bits 15:0), page 40 = 11 (bits 17:16)
        assertThat(word(2)).isEqualTo(0x0003_AAAA);
        assertThat(heap.freePages(KERNEL_HEAP_START + 0x1000)).isEqualTo(40);
        assertThat(word(0)).isEqualTo(3);
        assertThat(word(1)).isZero();
        assertThat(word(2)).isZero();
    }

    @Test
    void allocPages_wholeWordArea_writes01Then10sThen11() {
        PageRangeAllocator heap = user(16);

        assertThat(heap.allocPages(16)).isEqualTo(USER_HEAP_START);

        // page 0 = 01, pages 1..14 = 10 (0x2AAAAAA8), page 15 = 11 (0xC0000000)
        assertThat(word(0)).isEqualTo(0xEAAA_AAA9);
        assertThat(heap.freePageCount()).isZero();
    }

    @Test
    void bitmapBytes_pages_roundsUpToWhole32BitWords() {
        assertThat(PageRangeAllocator.bitmapBytes(0)).isZero();
        assertThat(PageRangeAllocator.bitmapBytes(1)).isEqualTo(4);
        assertThat(PageRangeAllocator.bitmapBytes(16)).isEqualTo(4);
        assertThat(PageRangeAllocator.bitmapBytes(17)).isEqualTo(8);
        assertThat(PageRangeAllocator.bitmapBytes(1 << 20)).isEqualTo(256 * 1024);
        assertThatThrownBy(() -> PageRangeAllocator.bitmapBytes(-1)).isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("pages=-1");
        assertThatThrownBy(() -> PageRangeAllocator.bitmapBytes((1 << 20) + 1))
                .isInstanceOf(IllegalArgumentException.class);
    }

    // ---------------------------------------------------------------- construction

    @Test
    void new_garbageInTheBitmap_clearsItsWordsAndNothingElse() {
        memory.fill(BITMAP - 4, 16, 0xFF);

        PageRangeAllocator heap = user(20);

        assertThat(heap.bitmapBytes()).isEqualTo(8);
        assertThat(HexFormat.of().formatHex(memory.readBytes(BITMAP - 4, 16)))
                .isEqualTo("ffffffff" + "0000000000000000" + "ffffffff");
        assertThat(heap.freePageCount()).isEqualTo(20);
        assertThat(heap.blocks()).isEmpty();
    }

    @Test
    void new_views_describeTheArea() {
        PageRangeAllocator heap = kernel(1024);

        assertThat(heap.name()).isEqualTo("kernel heap");
        assertThat(heap.areaStartVaddr()).isEqualTo(0xC100_0000L);
        assertThat(heap.areaEndVaddr()).isEqualTo(0xC140_0000L);
        assertThat(heap.pages()).isEqualTo(1024);
        assertThat(heap.bitmapVaddr()).isEqualTo(BITMAP);
        assertThat(heap.bitmapBytes()).isEqualTo(256);
        assertThat(heap.usedPageCount()).isZero();
        assertThat(heap).hasToString("kernel heap [0xC1000000, 0xC1400000): 0 of 1024 pages used, bitmap of 256 bytes"
                + " at 0x00080000");
    }

    static Stream<Arguments> badConstructions() {
        return Stream.of(
                Arguments.of(BITMAP, 0x1800L, 4L, "not page aligned"),
                Arguments.of(BITMAP, 0x1000L, 0L, "pages=0"),
                Arguments.of(BITMAP, 0x1000L, (1L << 20) + 1, "1 to 1048576 pages"),
                Arguments.of(BITMAP, 0L, 4L, "page 0 is never handed out"),
                Arguments.of(BITMAP, 0xFFFF_F000L, 2L, "[0xFFFFF000, 0x100001000)"),
                Arguments.of(BITMAP, -0x1000L, 1L, "areaStartVaddr=0x"),
                Arguments.of(0xFFFF_FFFEL, 0x1000L, 4L, "do not fit below 4 GiB"),
                Arguments.of(-4L, 0x1000L, 4L, "do not fit below 4 GiB"),
                Arguments.of(0x3000L, 0x1000L, 4L, "overlaps the area [0x00001000, 0x00005000)"),
                Arguments.of(0xFFEL, 0x1000L, 4L, "the bitmap [0x00000FFE, 0x00001002) overlaps"));
    }

    @ParameterizedTest
    @MethodSource("badConstructions")
    void new_badArguments_throwNamingTheValuesAndWriteNothing(long bitmapVaddr, long areaStartVaddr, long pages,
                                                                String expected) {
        memory.fill(0, 1 << 20, 0x5A);

        assertThatThrownBy(() -> new PageRangeAllocator("area", mmu, bitmapVaddr, areaStartVaddr, pages))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining(expected)
                .hasMessageContaining("pages=" + pages);
        assertThatThrownBy(() -> PageRangeAllocator.attach("area", mmu, bitmapVaddr, areaStartVaddr, pages))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageStartingWith("attach: ")
                .hasMessageContaining(expected);
        assertThat(memory.readBytes(0, 1 << 20)).containsOnly((byte) 0x5A);
    }

    // ---------------------------------------------------------------- freePages misuse

    /**
     * A kernel area of 24 pages: [0] lone, [1, 3] three pages, [4, 5] two pages, [6, 24) free.
     */
    private PageRangeAllocator threeBlocks() {
        PageRangeAllocator heap = kernel(24);
        heap.allocPages(1);
        heap.allocPages(3);
        heap.allocPages(2);
        assertThat(heap.render(KERNEL_HEAP_START, 8)).isEqualTo("11 01 10 11 01 11 00 00");
        return heap;
    }

    static Stream<Arguments> badFrees() {
        long k = KERNEL_HEAP_START;
        return Stream.of(
                Arguments.of(k - 0x1000, "0xC0FFF000 is outside kernel heap [0xC1000000, 0xC1018000)"),
                Arguments.of(k + 24 * 0x1000, "0xC1018000 is outside kernel heap"),
                Arguments.of(0L, "0x00000000 is outside"),
                Arguments.of(-0x1000L, "0xFFFFFFFFFFFFF000 is outside"),
                Arguments.of(1L << 32, "0x100000000 is outside"),
                Arguments.of(k + 0x1010, "0xC1001010 is not page aligned (kernel heap [0xC1000000, 0xC1018000))"),
                Arguments.of(k + 6 * 0x1000, "0xC1006000 is not allocated (state=free) in kernel heap"),
                Arguments.of(k + 23 * 0x1000, "0xC1017000 is not allocated (state=free)"),
                Arguments.of(k + 2 * 0x1000, "0xC1002000 is not the start of a block (state=middle, in the block"
                        + " [0xC1001000, +3 pages) that freePages(0xC1001000) gives back)"),
                Arguments.of(k + 3 * 0x1000, "0xC1003000 is not the start of a block (state=last, in the block"
                        + " [0xC1001000, +3 pages)"),
                Arguments.of(k + 5 * 0x1000, "0xC1005000 is not the start of a block (state=last, in the block"
                        + " [0xC1004000, +2 pages)"));
    }

    @ParameterizedTest
    @MethodSource("badFrees")
    void freePages_notABlockStart_throwsAndChangesNothing(long vaddr, String expected) {
        PageRangeAllocator heap = threeBlocks();
        String bytes = bitmapHex(heap);
        List<Block> blocks = heap.blocks();

        assertThatThrownBy(() -> heap.freePages(vaddr))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageStartingWith("freePages: ")
                .hasMessageContaining(expected);
        assertThat(bitmapHex(heap)).isEqualTo(bytes);
        assertThat(heap.usedPageCount()).isEqualTo(6);
        assertThat(heap.freePageCount()).isEqualTo(18);
        assertThat(heap.blocks()).isEqualTo(blocks);
        // The allocator still works as before: the next page handed out is the first free one.
        assertThat(heap.allocPages(1)).isEqualTo(KERNEL_HEAP_START + 6 * 0x1000);
    }

    @Test
    void freePages_twice_secondThrowsStateFree() {
        PageRangeAllocator heap = threeBlocks();

        assertThat(heap.freePages(KERNEL_HEAP_START + 0x1000)).isEqualTo(3);

        assertThatThrownBy(() -> heap.freePages(KERNEL_HEAP_START + 0x1000))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessage("freePages: 0xC1001000 is not allocated (state=free) in kernel heap [0xC1000000, 0xC1018000)");
    }

    @Test
    void freePages_loneBlocksSideBySide_freesOnlyTheOneAsked() {
        PageRangeAllocator heap = kernel(16);
        heap.allocPages(1);
        heap.allocPages(1);
        heap.allocPages(1);

        assertThat(heap.freePages(KERNEL_HEAP_START + 0x1000)).isEqualTo(1);

        assertThat(heap.render(KERNEL_HEAP_START, 4)).isEqualTo("11 00 11 00");
    }

    @Test
    void allocPages_pagesBelowOne_throwsAndChangesNothing() {
        PageRangeAllocator heap = threeBlocks();
        String bytes = bitmapHex(heap);

        assertThatThrownBy(() -> heap.allocPages(0)).isInstanceOf(IllegalArgumentException.class)
                .hasMessage("allocPages: pages=0 is not at least 1 (kernel heap [0xC1000000, 0xC1018000))");
        assertThatThrownBy(() -> heap.allocPages(-3)).isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("pages=-3");
        assertThat(bitmapHex(heap)).isEqualTo(bytes);
        assertThat(heap.usedPageCount()).isEqualTo(6);
    }

    // ---------------------------------------------------------------- first fit and exhaustion

    @Test
    void allocPages_fragmented_returnsNoPagesThoughEnoughPagesAreFree() {
        PageRangeAllocator heap = user(8);
        for (int i = 0; i < 8; i++) {
            heap.allocPages(1);
        }
        for (long vaddr = 0x2000; vaddr <= 0x8000; vaddr += 0x2000) {
            heap.freePages(vaddr);
        }
        String bytes = bitmapHex(heap);

        assertThat(heap.freePageCount()).isEqualTo(4);
        assertThat(heap.allocPages(2)).isEqualTo(NO_PAGES);
        assertThat(bitmapHex(heap)).isEqualTo(bytes);
        assertThat(heap.freePageCount()).isEqualTo(4);
        assertThat(heap.allocPages(1)).isEqualTo(0x2000L);
    }

    @Test
    void allocPages_exactFitAtTheEnd_takesTheLastPagesThenNoPages() {
        PageRangeAllocator heap = user(20);
        heap.allocPages(15);

        assertThat(heap.allocPages(6)).isEqualTo(NO_PAGES);
        assertThat(heap.allocPages(5)).isEqualTo(0x1000L + 15 * 0x1000);

        assertThat(heap.freePageCount()).isZero();
        assertThat(heap.blocks()).containsExactly(new Block(0x1000L, 15), new Block(0x10000L, 5));
        assertThat(heap.blocks().get(1).endVaddr()).isEqualTo(heap.areaEndVaddr());
        // pages 16..19 of word 1: 10 10 10 11
        assertThat(word(1)).isEqualTo(0xEA);
        assertThat(heap.allocPages(1)).isEqualTo(NO_PAGES);
    }

    @Test
    void allocPages_moreThanTheArea_returnsNoPages() {
        PageRangeAllocator heap = user(5);

        assertThat(heap.allocPages(6)).isEqualTo(NO_PAGES);
        assertThat(heap.allocPages(5)).isEqualTo(USER_HEAP_START);
    }

    @Test
    void allocPages_afterAFree_takesTheLowestRunThatFits() {
        PageRangeAllocator heap = user(64);
        long a = heap.allocPages(3);
        long b = heap.allocPages(10);
        long c = heap.allocPages(2);
        heap.freePages(a);
        heap.freePages(b);

        // The 13 free pages at the start: 4 fit there, at the bottom, not after c.
        assertThat(heap.allocPages(4)).isEqualTo(a);
        // 9 pages still free below c; 10 do not fit there.
        assertThat(heap.allocPages(10)).isEqualTo(c + 2 * 0x1000);
        assertThat(heap.allocPages(9)).isEqualTo(a + 4 * 0x1000);
    }

    // ---------------------------------------------------------------- views

    @Test
    void state_everyKind_readsTheTwoBitsOfThePage() {
        PageRangeAllocator heap = threeBlocks();

        assertThat(heap.state(KERNEL_HEAP_START)).isEqualTo(LAST);
        assertThat(heap.state(KERNEL_HEAP_START + 0x1FFF)).isEqualTo(FIRST);
        assertThat(heap.state(KERNEL_HEAP_START + 0x2000)).isEqualTo(MIDDLE);
        assertThat(heap.state(KERNEL_HEAP_START + 0x6000)).isEqualTo(FREE);
        assertThat(heap.isAllocated(KERNEL_HEAP_START + 0x5ABC)).isTrue();
        assertThat(heap.isAllocated(KERNEL_HEAP_START + 0x6000)).isFalse();
        assertThat(heap.isAllocated(KERNEL_HEAP_START - 1)).isFalse();
        assertThat(heap.isAllocated(heap.areaEndVaddr())).isFalse();
        assertThatThrownBy(() -> heap.state(heap.areaEndVaddr())).isInstanceOf(IllegalArgumentException.class)
                .hasMessage("state: 0xC1018000 is outside kernel heap [0xC1000000, 0xC1018000)");
    }

    @Test
    void render_badRanges_throw() {
        PageRangeAllocator heap = threeBlocks();

        assertThat(heap.render(KERNEL_HEAP_START + 0x17000, 1)).isEqualTo("00");
        assertThat(heap.render(KERNEL_HEAP_START, 0)).isEmpty();
        assertThatThrownBy(() -> heap.render(KERNEL_HEAP_START + 0x17000, 2)).isInstanceOf(IllegalArgumentException.class)
                .hasMessage("render: 2 pages from 0xC1017000 do not fit in kernel heap [0xC1000000, 0xC1018000)");
        assertThatThrownBy(() -> heap.render(KERNEL_HEAP_START + 0x10, 1)).isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("not page aligned");
        assertThatThrownBy(() -> heap.render(KERNEL_HEAP_START, -1)).isInstanceOf(IllegalArgumentException.class);
    }

    // ---------------------------------------------------------------- attach and broken bitmaps

    @Test
    void attach_existingBitmap_readsTheCountsAndTheHintBack() {
        PageRangeAllocator heap = threeBlocks();
        heap.freePages(KERNEL_HEAP_START);
        String bytes = bitmapHex(heap);

        PageRangeAllocator again = PageRangeAllocator.attach("kernel heap", mmu, BITMAP, KERNEL_HEAP_START, 24);

        assertThat(bitmapHex(again)).isEqualTo(bytes);
        assertThat(again.usedPageCount()).isEqualTo(5);
        assertThat(again.blocks()).isEqualTo(heap.blocks());
        again.checkInvariants();
        assertThat(again.allocPages(1)).isEqualTo(KERNEL_HEAP_START);
        assertThat(again.allocPages(1)).isEqualTo(KERNEL_HEAP_START + 0x6000);
    }

    static Stream<Arguments> brokenBitmaps() {
        return Stream.of(
                // page 1 = 10 after a free page 0
                Arguments.of(0x0000_0008, "page 1 (0xC1001000, state=middle 10) stands outside any block"),
                // page 0 = 01, page 1 = 00
                Arguments.of(0x0000_0001, "page 1 (0xC1001000, state=free 00) stands inside the block that starts at"
                        + " page 0"),
                // page 0 = 01, page 1 = 01
                Arguments.of(0x0000_0005, "page 1 (0xC1001000, state=first 01) stands inside the block"),
                // page 9, the area's last, = 01
                Arguments.of(0x0004_0000, "the block that starts at page 9 (0xC1009000, state=first 01) runs off the"
                        + " end of the area"),
                // page 8 = 01, page 9 = 10
                Arguments.of(0x0008_0000 | 0x0001_0000, "runs off the end of the area"),
                // padding page 12 = 11
                Arguments.of(0x0300_0000, "padding page 12 past the area is last (11), not 00"));
    }

    @ParameterizedTest
    @MethodSource("brokenBitmaps")
    void attach_brokenBitmap_throwsNamingThePage(int word, String expected) {
        memory.write32(BITMAP, word);

        assertThatThrownBy(() -> PageRangeAllocator.attach("kernel heap", mmu, BITMAP, KERNEL_HEAP_START, 10))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageStartingWith("attach: the 4 bytes at 0x00080000 are not a bitmap of kernel heap"
                        + " [0xC1000000, 0xC100A000): ")
                .hasMessageContaining(expected);
        assertThat(memory.read32(BITMAP)).isEqualTo(word);
    }

    @ParameterizedTest
    @MethodSource("brokenBitmaps")
    void checkInvariants_bitmapBrokenBehindItsBack_throwsAssertionError(int word, String expected) {
        PageRangeAllocator heap = kernel(10);
        memory.write32(BITMAP, word);

        assertThatThrownBy(heap::checkInvariants).isInstanceOf(AssertionError.class)
                .hasMessageStartingWith("kernel heap: ")
                .hasMessageContaining(expected);
        assertThatThrownBy(heap::blocks).isInstanceOf(AssertionError.class).hasMessageContaining(expected);
    }

    @Test
    void checkInvariants_blockFreedBehindItsBack_throwsOnTheCount() {
        PageRangeAllocator heap = threeBlocks();
        memory.write8(BITMAP, 0x00); // pages 0..3: the lone page and the three-page block, gone

        assertThatThrownBy(heap::checkInvariants).isInstanceOf(AssertionError.class)
                .hasMessage("kernel heap: the blocks in the bitmap hold 2 pages, but the count says 6 are used"
                        + " (kernel heap [0xC1000000, 0xC1018000))");
    }

    @Test
    void freePages_blockWithoutItsLastPage_throwsAssertionError() {
        PageRangeAllocator heap = kernel(10);
        heap.allocPages(3);
        memory.write8(BITMAP, 0b00_10_10_01); // page 2's 11 overwritten with 10, page 3 free

        assertThatThrownBy(() -> heap.freePages(KERNEL_HEAP_START)).isInstanceOf(AssertionError.class)
                .hasMessageContaining("the block that starts at 0xC1000000 has no last page (11): the first page after it"
                        + " that is not 10 is page 3 (0xC1003000, state=free 00)");
    }

    // ---------------------------------------------------------------- paging on

    @Test
    void allocPages_pagingOn_bitmapLivesInKernelDataThroughTheMmu() {
        Mmu kernelMmu = HandBuiltMachine.build();
        PhysicalMemory ram = kernelMmu.memory();
        long bitmapVaddr = HandBuiltMachine.KERNEL_DATA_VADDR + 0x100;
        long bitmapPaddr = kernelMmu.probe(bitmapVaddr, true, 0).paddr();
        assertThat(bitmapPaddr).isEqualTo(0x001A_0100L);
        ram.fill(bitmapPaddr, 1024, 0xEE); // whatever .data held before

        // 16 MiB of kernel heap: 4096 pages, 1024 bytes of bitmap.
        PageRangeAllocator heap = new PageRangeAllocator("kernel heap", kernelMmu, bitmapVaddr, KERNEL_HEAP_START, 4096);
        assertThat(ram.readBytes(bitmapPaddr, 1024)).containsOnly((byte) 0);

        assertThat(heap.allocPages(3)).isEqualTo(0xC100_0000L);
        assertThat(heap.allocPages(1)).isEqualTo(0xC100_3000L);
        assertThat(heap.allocPages(20)).isEqualTo(0xC100_4000L);

        // pages 0..3: 01 10 11 11 = 0xF9; pages 4..7: 01 10 10 10 = 0xA9; the block's last page, 23, is
        // bits 7:6 of byte 5
        assertThat(kernelMmu.translate(bitmapVaddr, false)).isEqualTo(bitmapPaddr);
        assertThat(ram.read8(bitmapPaddr)).isEqualTo(0xF9);
        assertThat(ram.read8(bitmapPaddr + 1)).isEqualTo(0xA9);
        assertThat(ram.read8(bitmapPaddr + 5)).isEqualTo(0xEA);
        assertThat(ram.read8(bitmapPaddr + 6)).isZero();
        // Only the bitmap is touched: the heap's own pages are not mapped yet (kmmap's job).
        assertThat(kernelMmu.probe(0xC100_0000L, false, 0).translates()).isFalse();

        // At CPL 3 the kernel's .data is out of reach: the first read faults and nothing changes.
        kernelMmu.setCpl(3);
        assertThatThrownBy(() -> heap.allocPages(1)).isInstanceOf(PageFaultException.class);
        assertThatThrownBy(() -> heap.freePages(0xC100_0000L)).isInstanceOf(PageFaultException.class);
        kernelMmu.setCpl(0);
        assertThat(heap.usedPageCount()).isEqualTo(24);
        assertThat(heap.freePages(0xC100_0000L)).isEqualTo(3);
        assertThat(ram.read8(bitmapPaddr)).isEqualTo(0xC0);
    }
}
