package dev.pagelab.vmm;

import static dev.pagelab.vmm.PageRangeAllocator.NO_PAGES;

import dev.pagelab.hw.Addresses;
import dev.pagelab.hw.Mmu;
import dev.pagelab.hw.PhysicalMemory;
import dev.pagelab.testing.Seeded;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * Long random sequences of {@code allocPages} (mostly small, sometimes larger than any free run
 * or than the area), {@code freePages} of live blocks, and frees that must be refused (free
 * pages, middle and last pages of longer blocks, addresses outside the area or not page
 * aligned), thrown at a {@link PageRangeAllocator} and at a {@link ReferencePageRanges} side by
 * side. The allocator is first fit, so it must agree with the reference exactly:
 * <ul>
 *   <li>the same address (or {@link PageRangeAllocator#NO_PAGES}) from every allocPages, and the
 *       same page count from every freePages;</li>
 *   <li>after every step, the state of every page decoded from the bitmap's bytes in RAM equals the
 *       reference's, the padding pages past the area are 00, and the counts agree;
 *       {@code checkInvariants()} passes;</li>
 *   <li>a refused free throws {@link IllegalArgumentException} and leaves every byte of the bitmap
 *       and the counts as they were;</li>
 *   <li>{@code blocks()} equals the reference's blocks every 32 steps, and at the end an allocator
 *       attached to the same bytes reads back the same counts and blocks and goes on first fit.</li>
 * </ul>
 * The area starts at seed 004's user or kernel heap start, or elsewhere, and the bitmap at an
 * address that may be unaligned and straddle a page boundary. The property checks its own coverage
 * (coverage gates): sequences must hit a refusal by fragmentation, a refused free and a free.
 */
class PageRangeAllocatorPropertyTest {
    /** Below the bitmap, so that areas of up to 400 pages from 0x1000 stay clear of it. */
    private static final long BITMAP_PAGE_END = 0x1F_F000L;

    /** One step; {@code pick} chooses among what exists when the step runs. */
    sealed interface Op {
        record Alloc(int pages) implements Op { }

        record Free(int pick) implements Op { }

        /** A refused free of kind {@code kind} (see {@link Run#badFree}). */
        record BadFree(int kind, int pick) implements Op { }
    }

    /**
     * @param startVaddr   the area's first page
     * @param pages        its size
     * @param bitmapOffset how far below {@link #BITMAP_PAGE_END} the bitmap starts
     */
    record Area(long startVaddr, int pages, int bitmapOffset) {
        long bitmapVaddr() {
            return BITMAP_PAGE_END - bitmapOffset;
        }
    }

    private static final long[] STARTS = {PageRangeAllocator.USER_HEAP_START, PageRangeAllocator.KERNEL_HEAP_START,
        0x4000_0000L, 0xFFFF_0000L};

    /** An area of 1 to 40 pages (one time in five) or 100 to 400 (at most 16 at the top of 32 bits). */
    static Area area(Seeded.Case c) {
        long start = c.oneOf(STARTS);
        int pages = c.weighted(1, 4) == 0 ? c.edgy(1, 40) : c.edgy(100, 400);
        int offset = c.weighted(1, 3) == 0 ? 0 : c.edgy(1, 120);
        return new Area(start, start == 0xFFFF_0000L ? Math.min(pages, 16) : pages, offset);
    }

    /** 200 to 800 operations; light churn keeps the area half empty, heavy pressure fills it and fragments it. */
    static List<Op> operations(Seeded.Case c) {
        int freeWeight = c.edgy(10, 45);
        int count = c.length(200, 800);
        List<Op> out = new ArrayList<>(count);
        for (int i = 0; i < count; i++) {
            out.add(switch (c.weighted(40, freeWeight, 8)) {
                case 0 -> new Op.Alloc(switch (c.weighted(8, 5, 1)) {
                    case 0 -> c.edgy(1, 4);
                    case 1 -> c.edgy(5, 20);
                    default -> c.edgy(21, 450);
                });
                case 1 -> new Op.Free(c.between(0, Integer.MAX_VALUE));
                default -> new Op.BadFree(c.edgy(0, 4), c.between(0, Integer.MAX_VALUE));
            });
        }
        return out;
    }

    @Test
    void operations_randomSequence_agreeWithTheReference() {
        Seeded.cases("PageRangeAllocator.operations", 200)
                .requireShare("refused by fragmentation", 0.30)
                .requireShare("refused free", 0.95)
                .requireShare("frees", 0.95)
                .run(c -> {
                    Area area = area(c);
                    c.given(area);
                    new Run(area, c).play(operations(c)).cover(c);
                });
    }

    /** One sequence against one fresh allocator and its reference. */
    static final class Run {
        final Area area;
        final PhysicalMemory memory = PhysicalMemory.ofSize(2 << 20);
        final Mmu mmu = new Mmu(memory);
        final PageRangeAllocator allocator;
        final ReferencePageRanges model;
        final Seeded.Case seeded;
        int step;
        Op op;
        int fragmented;
        int refusedFrees;
        int frees;

        Run(Area area, Seeded.Case seeded) {
            this.area = area;
            this.seeded = seeded;
            // Garbage where the bitmap goes: the constructor must clear it.
            memory.fill(area.bitmapVaddr() - 8, 256, 0xA5);
            allocator = new PageRangeAllocator("area", mmu, area.bitmapVaddr(), area.startVaddr(), area.pages());
            model = new ReferencePageRanges(area.pages());
        }

        Run play(List<Op> ops) {
            compareBitmap();
            for (Op next : ops) {
                op = next;
                seeded.step(step, next);
                switch (next) {
                    case Op.Alloc a -> alloc(a.pages());
                    case Op.Free f -> free(f.pick());
                    case Op.BadFree b -> badFree(b.kind(), b.pick());
                }
                compareBitmap();
                allocator.checkInvariants();
                if (step % 32 == 0) {
                    compareBlocks(allocator);
                }
                step++;
            }
            finish();
            return this;
        }

        /** Records, for the coverage gates, whether the sequence reached each interesting case. */
        void cover(Seeded.Case c) {
            c.cover("refused by fragmentation", fragmented > 0);
            c.cover("refused free", refusedFrees > 0);
            c.cover("frees", frees > 0);
        }

        void alloc(int pages) {
            int expected = model.allocPages(pages);
            long vaddr = allocator.allocPages(pages);
            check(vaddr == (expected < 0 ? NO_PAGES : vaddrOf(expected)), "allocPages(%d) = %s, the reference says %s",
                    pages, hex(vaddr), expected < 0 ? "NO_PAGES" : hex(vaddrOf(expected)));
            if (expected < 0 && model.pages() - model.usedPages() >= pages) {
                fragmented++;
            }
        }

        void free(int pick) {
            List<int[]> blocks = model.blocks();
            if (blocks.isEmpty()) {
                return;
            }
            int[] block = blocks.get(pick % blocks.size());
            long freed = allocator.freePages(vaddrOf(block[0]));
            check(freed == block[1] && model.freePages(block[0]) == block[1], "freePages(%s) = %d, the block has %d pages",
                    hex(vaddrOf(block[0])), freed, block[1]);
            frees++;
        }

        /**
         * Kind 0: a free page. 1: a page inside a live block of two pages or more, not its first.
         * 2: below or past the area, or beyond 32 bits. 3: a block's first page plus an offset
         * that is not page aligned. 4: the first page of a block that was just freed.
         */
        void badFree(int kind, int pick) {
            List<int[]> blocks = model.blocks();
            long vaddr;
            switch (kind) {
                case 0 -> {
                    int free = nthPage(pick, PageRangeAllocator.FREE);
                    if (free < 0) {
                        return;
                    }
                    vaddr = vaddrOf(free);
                }
                case 1 -> {
                    List<int[]> longer = blocks.stream().filter(b -> b[1] >= 2).toList();
                    if (longer.isEmpty()) {
                        return;
                    }
                    int[] block = longer.get(pick % longer.size());
                    vaddr = vaddrOf(block[0] + 1 + (pick >>> 3) % (block[1] - 1));
                }
                case 2 -> {
                    long[] outside = {area.startVaddr() - Addresses.PAGE_BYTES, allocator.areaEndVaddr(), -1L, 0L,
                        1L << 32, allocator.areaEndVaddr() + ((long) pick << Addresses.PAGE_SHIFT)};
                    vaddr = outside[pick % outside.length];
                    if (vaddr >= area.startVaddr() && vaddr < allocator.areaEndVaddr()) {
                        return;
                    }
                }
                case 3 -> {
                    if (blocks.isEmpty()) {
                        return;
                    }
                    vaddr = vaddrOf(blocks.get(pick % blocks.size())[0]) + 1 + (pick >>> 4) % (Addresses.PAGE_BYTES - 1);
                }
                default -> {
                    if (blocks.isEmpty()) {
                        return;
                    }
                    int[] block = blocks.get(pick % blocks.size());
                    allocator.freePages(vaddrOf(block[0]));
                    model.freePages(block[0]);
                    compareBitmap();
                    vaddr = vaddrOf(block[0]);
                }
            }
            expectRefused(vaddr);
        }

        void expectRefused(long vaddr) {
            byte[] before = bitmapBytes();
            long used = allocator.usedPageCount();
            try {
                allocator.freePages(vaddr);
                check(false, "freePages(%s) did not throw", hex(vaddr));
            } catch (IllegalArgumentException e) {
                check(e.getMessage().startsWith("freePages: ") && e.getMessage().contains(hex(vaddr)),
                        "freePages(%s): the message '%s' does not name the operation and the address", hex(vaddr),
                        e.getMessage());
            }
            check(Arrays.equals(bitmapBytes(), before), "freePages(%s) threw but changed the bitmap", hex(vaddr));
            check(allocator.usedPageCount() == used, "freePages(%s) threw but changed the used count %d -> %d", hex(vaddr),
                    used, allocator.usedPageCount());
            refusedFrees++;
        }

        /** The {@code n}-th page (mod their number) in {@code state}, or -1 when there is none. */
        int nthPage(int n, int state) {
            List<Integer> matching = new ArrayList<>();
            for (int page = 0; page < model.pages(); page++) {
                if (model.state(page) == state) {
                    matching.add(page);
                }
            }
            return matching.isEmpty() ? -1 : matching.get(n % matching.size());
        }

        /** Every page's state decoded from the bytes in RAM, the padding too, and the counts. */
        void compareBitmap() {
            byte[] bytes = bitmapBytes();
            check(bytes.length == PageRangeAllocator.bitmapBytes(model.pages()), "the bitmap has %d bytes", bytes.length);
            for (int page = 0; page < bytes.length * 4; page++) {
                int state = (bytes[page / 4] >>> (2 * (page % 4))) & 3;
                int expected = page < model.pages() ? model.state(page) : PageRangeAllocator.FREE;
                if (state != expected) {
                    check(false, "page %d is %d%d in the bitmap, the reference says %d%d", page, state >>> 1, state & 1,
                            expected >>> 1, expected & 1);
                }
            }
            check(allocator.usedPageCount() == model.usedPages()
                            && allocator.freePageCount() == model.pages() - model.usedPages(),
                    "used/free = %d/%d, the reference says %d/%d", allocator.usedPageCount(), allocator.freePageCount(),
                    model.usedPages(), model.pages() - model.usedPages());
        }

        void compareBlocks(PageRangeAllocator which) {
            List<PageRangeAllocator.Block> expected = model.blocks().stream()
                    .map(b -> new PageRangeAllocator.Block(vaddrOf(b[0]), b[1])).toList();
            check(which.blocks().equals(expected), "blocks() = %s, the reference says %s", which.blocks(), expected);
        }

        /** Attaches a second allocator to the same bytes, then goes on through it. */
        void finish() {
            PageRangeAllocator attached = PageRangeAllocator.attach("area", mmu, area.bitmapVaddr(), area.startVaddr(),
                    area.pages());
            check(attached.usedPageCount() == model.usedPages(), "attach read %d used pages, the reference has %d",
                    attached.usedPageCount(), model.usedPages());
            compareBlocks(attached);
            for (int pages : new int[] {1, 3, 1}) {
                int expected = model.allocPages(pages);
                long vaddr = attached.allocPages(pages);
                check(vaddr == (expected < 0 ? NO_PAGES : vaddrOf(expected)),
                        "after attach, allocPages(%d) = %s, the reference says %s", pages, hex(vaddr),
                        expected < 0 ? "NO_PAGES" : hex(vaddrOf(expected)));
            }
            compareStates(attached);
            for (int[] block : model.blocks()) {
                check(attached.freePages(vaddrOf(block[0])) == block[1], "after attach, freePages(%s)",
                        hex(vaddrOf(block[0])));
            }
            check(attached.freePageCount() == area.pages() && attached.blocks().isEmpty(),
                    "after freeing every block, %d pages free of %d", attached.freePageCount(), area.pages());
            check(Arrays.equals(bitmapBytes(), new byte[bitmapBytes().length]), "after freeing every block the bitmap is"
                    + " not all zeros");
            check(memory.read8(area.bitmapVaddr() - 1) == 0xA5 && memory.read8(area.bitmapVaddr()
                    + attached.bitmapBytes()) == 0xA5, "the bytes around the bitmap changed");
        }

        void compareStates(PageRangeAllocator attached) {
            attached.checkInvariants();
            for (int page = 0; page < model.pages(); page++) {
                check(attached.state(vaddrOf(page)) == model.state(page), "after attach, state of page %d", page);
            }
        }

        byte[] bitmapBytes() {
            return memory.readBytes(area.bitmapVaddr(), (int) allocator.bitmapBytes());
        }

        long vaddrOf(int page) {
            return area.startVaddr() + ((long) page << Addresses.PAGE_SHIFT);
        }

        static String hex(long vaddr) {
            return Addresses.hex(vaddr);
        }

        void check(boolean ok, String format, Object... args) {
            if (!ok) {
                throw new AssertionError(area + ", step " + step + " (" + op + "): " + String.format(format, args));
            }
        }
    }
}
