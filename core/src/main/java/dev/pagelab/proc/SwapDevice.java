package dev.pagelab.proc;

import dev.pagelab.hw.Addresses;
import dev.pagelab.hw.PhysicalMemory;
import java.util.Arrays;

/**
 * A swap device of {@code N} page-sized slots with its own slot bitmap, the disk behind demand
 * paging: a dirty victim is written to a slot, a swapped-out page is read back from it.
 *
 * <pre>
 *   bitmap   one bit a slot, 1 = in use                  slots 0 … N−1
 *   pages    the bytes of each slot in use; null for a slot holding a page of zeros, which is
 *            what most trace-driven pages hold, so a device of a million slots costs nothing
 *            until pages with data are written to it
 * </pre>
 *
 * <p>Slot numbers reach the page tables as swap entries ({@link #entryOf}, {@link #slotOf}): a
 * not-present PTE with the slot number in bits 31:12, where a present entry holds the frame, and
 * bit 1 set, so that slot 0 is not the empty entry 0. The MMU never reads past P = 0, so the bits
 * are the kernel's, as Linux keeps a swap type and offset there. At most {@link #MAX_SLOTS}.
 *
 * <p>Transfers are DMA: they read and write physical memory, as a disk controller does, and never
 * go through the MMU (no A or D bit changes). The counts are the device's: pages read and
 * written, and each transfer costs {@link #ioCostNanos()} nanoseconds of simulated time for the
 * textbooks' effective access time.
 */
public final class SwapDevice {
    /** The most slots a 20-bit slot field can name: 2^20 (4 GiB of swap). */
    public static final int MAX_SLOTS = 1 << 20;
    /** The default cost of one page transfer: 8 ms, the textbooks' disk (Silberschatz §10.2.2). */
    public static final long DEFAULT_IO_COST_NANOS = 8_000_000;

    private static final int SWAP_MARK = 0x2;
    private static final byte[] ZERO_PAGE = new byte[Addresses.PAGE_BYTES];

    private final int slots;
    private final long ioCostNanos;
    private final long[] bitmap;
    private final byte[][] pages;
    private int used;
    private int lowestMaybeFree;
    private long pagesWritten;
    private long pagesRead;

    /**
     * A device of {@code slots} slots, all free.
     *
     * @throws IllegalArgumentException when {@code slots} is not within 0 … {@link #MAX_SLOTS}
     *                                  or the cost is negative
     */
    public SwapDevice(int slots, long ioCostNanos) {
        if (slots < 0 || slots > MAX_SLOTS) {
            throw new IllegalArgumentException("a swap device has 0 to " + MAX_SLOTS + " slots (4 GiB), not " + slots);
        }
        if (ioCostNanos < 0) {
            throw new IllegalArgumentException("the cost of a swap transfer cannot be negative: " + ioCostNanos + " ns");
        }
        this.slots = slots;
        this.ioCostNanos = ioCostNanos;
        this.bitmap = new long[(slots + 63) >>> 6];
        this.pages = new byte[slots][];
    }

    /** The PTE value that names {@code slot}: not present, slot in bits 31:12, bit 1 set. */
    public static int entryOf(int slot) {
        if (slot < 0 || slot >= MAX_SLOTS) {
            throw new IllegalArgumentException("swap slot " + slot + " is outside 0 … " + (MAX_SLOTS - 1));
        }
        return slot << Addresses.PAGE_SHIFT | SWAP_MARK;
    }

    /** The slot a swap entry names, or −1 when {@code entry} is not one ({@link #entryOf}'s form). */
    public static int slotOf(int entry) {
        if ((entry & 1) != 0 || (entry & (Addresses.PAGE_BYTES - 1)) != SWAP_MARK) {
            return -1;
        }
        return entry >>> Addresses.PAGE_SHIFT;
    }

    /** The number of slots. */
    public int slots() {
        return slots;
    }

    /** Slots holding a page now. */
    public int used() {
        return used;
    }

    /** Slots free now. */
    public int free() {
        return slots - used;
    }

    /** Whether {@code slot} holds a page. */
    public boolean isUsed(int slot) {
        checkSlot("isUsed", slot);
        return (bitmap[slot >>> 6] & 1L << slot) != 0;
    }

    /** The cost of one page transfer, in nanoseconds. */
    public long ioCostNanos() {
        return ioCostNanos;
    }

    /** Pages written to the device since it was made (page-outs). */
    public long pagesWritten() {
        return pagesWritten;
    }

    /** Pages read from the device since it was made (page-ins). */
    public long pagesRead() {
        return pagesRead;
    }

    /** Simulated time spent in transfers: (reads + writes) × cost, in nanoseconds. */
    public long ioNanos() {
        return (pagesRead + pagesWritten) * ioCostNanos;
    }

    /**
     * Takes the lowest free slot, or returns −1 when the device is full (nothing changes then).
     */
    public int allocate() {
        if (used == slots) {
            return -1;
        }
        for (int w = lowestMaybeFree >>> 6; w < bitmap.length; w++) {
            long free = ~bitmap[w];
            if (free != 0) {
                int slot = (w << 6) + Long.numberOfTrailingZeros(free);
                if (slot < slots) {
                    bitmap[w] |= 1L << slot;
                    used++;
                    lowestMaybeFree = slot + 1;
                    return slot;
                }
            }
        }
        throw new AssertionError("swap bitmap: " + used + " of " + slots + " slots used but no free bit found");
    }

    /**
     * Gives {@code slot} back; its contents are gone.
     *
     * @throws IllegalArgumentException when the slot is out of range or not in use (nothing changes)
     */
    public void release(int slot) {
        checkUsed("release", slot);
        bitmap[slot >>> 6] &= ~(1L << slot);
        pages[slot] = null;
        used--;
        lowestMaybeFree = Math.min(lowestMaybeFree, slot);
    }

    /**
     * Writes the page in frame {@code pfn} of {@code memory} to {@code slot} (a page-out).
     *
     * @throws IllegalArgumentException when the slot is out of range or not in use
     */
    public void write(int slot, PhysicalMemory memory, long pfn) {
        checkUsed("write", slot);
        byte[] page = pages[slot];
        if (page == null) {
            page = new byte[Addresses.PAGE_BYTES];
        }
        memory.readBytes(Addresses.pfnToPaddr(pfn), page, 0, page.length);
        pages[slot] = Arrays.equals(page, ZERO_PAGE) ? null : page;
        pagesWritten++;
    }

    /**
     * Reads {@code slot} into frame {@code pfn} of {@code memory} (a page-in); the slot keeps its
     * copy.
     *
     * @throws IllegalArgumentException when the slot is out of range or not in use
     */
    public void read(int slot, PhysicalMemory memory, long pfn) {
        checkUsed("read", slot);
        byte[] page = pages[slot];
        long paddr = Addresses.pfnToPaddr(pfn);
        if (page == null) {
            memory.fill(paddr, Addresses.PAGE_BYTES, 0);
        } else {
            memory.writeBytes(paddr, page, 0, page.length);
        }
        pagesRead++;
    }

    /** The bytes {@code slot} holds (a copy), for tests and views. */
    public byte[] contents(int slot) {
        checkUsed("contents", slot);
        byte[] page = pages[slot];
        return page == null ? new byte[Addresses.PAGE_BYTES] : page.clone();
    }

    /**
     * Checks the bitmap against the count and the stored pages.
     *
     * @throws AssertionError naming the first disagreement
     */
    public void checkInvariants() {
        int counted = 0;
        for (int slot = 0; slot < slots; slot++) {
            boolean inUse = (bitmap[slot >>> 6] & 1L << slot) != 0;
            if (inUse) {
                counted++;
            } else if (pages[slot] != null) {
                throw new AssertionError("swap slot " + slot + " is free but still holds a page");
            }
        }
        for (int bit = slots; bit < bitmap.length * 64; bit++) {
            if ((bitmap[bit >>> 6] & 1L << bit) != 0) {
                throw new AssertionError("swap bitmap bit " + bit + " is set past the last slot " + (slots - 1));
            }
        }
        if (counted != used) {
            throw new AssertionError("swap bitmap has " + counted + " slots in use, the count says " + used);
        }
    }

    private void checkSlot(String what, int slot) {
        if (slot < 0 || slot >= slots) {
            throw new IllegalArgumentException(what + ": swap slot " + slot + " is outside 0 … " + (slots - 1));
        }
    }

    private void checkUsed(String what, int slot) {
        checkSlot(what, slot);
        if ((bitmap[slot >>> 6] & 1L << slot) == 0) {
            throw new IllegalArgumentException(what + ": swap slot " + slot + " is not in use");
        }
    }

    @Override
    public String toString() {
        return "swap device: " + used + " of " + slots + " slots in use";
    }
}
