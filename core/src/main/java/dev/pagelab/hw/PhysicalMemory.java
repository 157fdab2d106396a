package dev.pagelab.hw;

import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;
import java.nio.ByteOrder;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Objects;

/**
 * The physical address space of the simulated PC: up to 4 GiB, little-endian, byte-addressed.
 *
 * <p><b>Sparse.</b> RAM is kept in 4 KiB pages that are allocated on the first write; a page
 * never written reads as zeros and costs only its slot in the page index. The index is one
 * flat array of references, one a page (4 MiB of heap for 4 GiB with compressed references), so
 * that an access is one index load and one page load: the frame allocators' hot paths go
 * through here, and a two-level index cost them a third dependent load.
 *
 * <pre>
 *  paddr:  31                    12 11          0
 *         |         slot          |    offset    |    pages[slot][offset]
 * </pre>
 *
 * <p><b>Not RAM.</b> Ranges declared as holes (the VGA window, option ROMs, the PCI hole below
 * 4 GiB) behave like an empty bus: every byte reads as {@code 0xFF} and writes are dropped.
 * Both are counted ({@link #holeReads()}, {@link #droppedWrites()}), so a kernel that scribbles
 * into a hole can be caught. Holes are whole 4 KiB pages.
 *
 * <p><b>Bounds.</b> Every access must lie inside {@code [0, sizeBytes)}; anything else is an
 * {@link IndexOutOfBoundsException} naming the operation and the address, and changes nothing.
 * Multi-byte accesses may cross page boundaries and holes; each byte then behaves as its own
 * page says.
 *
 * <p>Not thread-safe.
 */
public final class PhysicalMemory {
    /** The largest physical memory of a 32-bit PC without PAE. */
    public static final long MAX_BYTES = 1L << 32;

    private static final int PAGE_BYTES = Addresses.PAGE_BYTES;
    private static final int OFFSET_MASK = PAGE_BYTES - 1;

    private static final VarHandle SHORT = MethodHandles.byteArrayViewVarHandle(short[].class, ByteOrder.LITTLE_ENDIAN);
    private static final VarHandle INT = MethodHandles.byteArrayViewVarHandle(int[].class, ByteOrder.LITTLE_ENDIAN);
    private static final VarHandle LONG = MethodHandles.byteArrayViewVarHandle(long[].class, ByteOrder.LITTLE_ENDIAN);

    private final long sizeBytes;
    private final long pageCount;
    /** One slot a 4 KiB page, null until the page is first written. */
    private final byte[][] pages;
    /** One bit a page; 1 = not RAM. */
    private final long[] holeBitmap;
    private final List<long[]> holes;

    private long touchedPages;
    private long droppedWrites;
    private long holeReads;

    private PhysicalMemory(long sizeBytes, List<long[]> holes) {
        this.sizeBytes = sizeBytes;
        this.pageCount = sizeBytes >>> Addresses.PAGE_SHIFT;
        this.pages = new byte[(int) pageCount][];
        this.holeBitmap = new long[(int) ((pageCount + 63) >>> 6)];
        this.holes = List.copyOf(holes);
        for (long[] hole : holes) {
            for (long pfn = hole[0] >>> Addresses.PAGE_SHIFT; pfn < (hole[0] + hole[1]) >>> Addresses.PAGE_SHIFT; pfn++) {
                holeBitmap[(int) (pfn >>> 6)] |= 1L << pfn;
            }
        }
    }

    /** A memory of {@code sizeBytes} that is RAM throughout. */
    public static PhysicalMemory ofSize(long sizeBytes) {
        return builder(sizeBytes).build();
    }

    /** Starts a memory of {@code sizeBytes} (a multiple of 4 KiB, at most 4 GiB). */
    public static Builder builder(long sizeBytes) {
        return new Builder(sizeBytes);
    }

    /** Declares which parts of a new physical memory are RAM. */
    public static final class Builder {
        private final long sizeBytes;
        private final List<long[]> holes = new ArrayList<>();

        private Builder(long sizeBytes) {
            if (sizeBytes <= 0 || sizeBytes > MAX_BYTES || !Addresses.isPageAligned(sizeBytes)) {
                throw new IllegalArgumentException("physical memory size " + Addresses.hex(sizeBytes)
                        + " must be a multiple of 4 KiB between 4 KiB and 4 GiB");
            }
            this.sizeBytes = sizeBytes;
        }

        /**
         * Marks {@code [paddr, paddr + bytes)} as not RAM: reads give 0xFF, writes are dropped.
         * Both ends must be 4 KiB aligned and inside the memory.
         */
        public Builder hole(long paddr, long bytes) {
            if (!Addresses.isPageAligned(paddr) || !Addresses.isPageAligned(bytes) || bytes <= 0
                    || paddr < 0 || paddr > sizeBytes || bytes > sizeBytes - paddr) {
                throw new IllegalArgumentException("hole [" + Addresses.hex(paddr) + ", "
                        + Addresses.hex(paddr + bytes) + ") must be 4 KiB aligned, non-empty and inside "
                        + "the memory of " + Addresses.hex(sizeBytes) + " bytes");
            }
            holes.add(new long[] {paddr, bytes});
            return this;
        }

        /** The memory, all RAM but the holes, every byte zero. */
        public PhysicalMemory build() {
            return new PhysicalMemory(sizeBytes, holes);
        }
    }

    /** The size of the physical address space in bytes. */
    public long sizeBytes() {
        return sizeBytes;
    }

    /** Whether the 4 KiB page holding {@code paddr} is RAM (inside the memory and not a hole). */
    public boolean isRam(long paddr) {
        if (paddr < 0 || paddr >= sizeBytes) {
            return false;
        }
        long pfn = paddr >>> Addresses.PAGE_SHIFT;
        return (holeBitmap[(int) (pfn >>> 6)] & (1L << pfn)) == 0;
    }

    /** The holes as {@code [start, end)} pairs, in the order they were declared. */
    public List<long[]> holes() {
        List<long[]> copy = new ArrayList<>(holes.size());
        for (long[] hole : holes) {
            copy.add(new long[] {hole[0], hole[0] + hole[1]});
        }
        return copy;
    }

    /** How many 4 KiB pages have been written to and now hold their own storage. */
    public long touchedPages() {
        return touchedPages;
    }

    /** How many byte writes went to addresses that are not RAM and were dropped. */
    public long droppedWrites() {
        return droppedWrites;
    }

    /** How many byte reads came from addresses that are not RAM and returned 0xFF. */
    public long holeReads() {
        return holeReads;
    }

    // ---------------------------------------------------------------- reads

    /** The byte at {@code paddr}, 0 to 255. */
    public int read8(long paddr) {
        check("read8", paddr, 1);
        byte[] page = page(paddr);
        if (page != null) {
            return page[(int) paddr & OFFSET_MASK] & 0xFF;
        }
        return emptyByte(paddr);
    }

    /** The little-endian 16-bit value at {@code paddr}, 0 to 65535. */
    public int read16(long paddr) {
        check("read16", paddr, 2);
        int offset = (int) paddr & OFFSET_MASK;
        if (offset <= PAGE_BYTES - 2) {
            byte[] page = page(paddr);
            if (page != null) {
                return (short) SHORT.get(page, offset) & 0xFFFF;
            }
            return isRam(paddr) ? 0 : holeValue(2, 0xFFFF);
        }
        return (int) readSplit(paddr, 2);
    }

    /** The little-endian 32-bit value at {@code paddr}; use {@link Integer#toUnsignedLong} for its unsigned value. */
    public int read32(long paddr) {
        check("read32", paddr, 4);
        int offset = (int) paddr & OFFSET_MASK;
        if (offset <= PAGE_BYTES - 4) {
            byte[] page = page(paddr);
            if (page != null) {
                return (int) INT.get(page, offset);
            }
            return isRam(paddr) ? 0 : holeValue(4, -1);
        }
        return (int) readSplit(paddr, 4);
    }

    /** The little-endian 64-bit value at {@code paddr}. */
    public long read64(long paddr) {
        check("read64", paddr, 8);
        int offset = (int) paddr & OFFSET_MASK;
        if (offset <= PAGE_BYTES - 8) {
            byte[] page = page(paddr);
            if (page != null) {
                return (long) LONG.get(page, offset);
            }
            return isRam(paddr) ? 0 : holeValue(8, -1L);
        }
        return readSplit(paddr, 8);
    }

    /** Copies {@code length} bytes starting at {@code paddr} into {@code dst[offset...]}. */
    public void readBytes(long paddr, byte[] dst, int offset, int length) {
        check("readBytes", paddr, length);
        java.util.Objects.checkFromIndexSize(offset, length, dst.length);
        long p = paddr;
        int done = 0;
        while (done < length) {
            int inPage = (int) p & OFFSET_MASK;
            int n = Math.min(length - done, PAGE_BYTES - inPage);
            byte[] page = page(p);
            if (page != null) {
                System.arraycopy(page, inPage, dst, offset + done, n);
            } else {
                byte fill = isRam(p) ? 0 : (byte) 0xFF;
                if (fill != 0) {
                    holeReads += n;
                }
                Arrays.fill(dst, offset + done, offset + done + n, fill);
            }
            p += n;
            done += n;
        }
    }

    /** {@code length} bytes starting at {@code paddr}, as a new array. */
    public byte[] readBytes(long paddr, int length) {
        byte[] bytes = new byte[length];
        readBytes(paddr, bytes, 0, length);
        return bytes;
    }

    // ---------------------------------------------------------------- writes

    /** Writes the low 8 bits of {@code value} at {@code paddr}. */
    public void write8(long paddr, int value) {
        check("write8", paddr, 1);
        byte[] page = writablePage(paddr, 1);
        if (page != null) {
            page[(int) paddr & OFFSET_MASK] = (byte) value;
        }
    }

    /** Writes the low 16 bits of {@code value} at {@code paddr}, little-endian. */
    public void write16(long paddr, int value) {
        check("write16", paddr, 2);
        int offset = (int) paddr & OFFSET_MASK;
        if (offset <= PAGE_BYTES - 2) {
            byte[] page = writablePage(paddr, 2);
            if (page != null) {
                SHORT.set(page, offset, (short) value);
            }
            return;
        }
        writeSplit(paddr, value, 2);
    }

    /** Writes {@code value} at {@code paddr}, little-endian. */
    public void write32(long paddr, int value) {
        check("write32", paddr, 4);
        int offset = (int) paddr & OFFSET_MASK;
        if (offset <= PAGE_BYTES - 4) {
            byte[] page = writablePage(paddr, 4);
            if (page != null) {
                INT.set(page, offset, value);
            }
            return;
        }
        writeSplit(paddr, value, 4);
    }

    /** Writes {@code value} at {@code paddr}, little-endian. */
    public void write64(long paddr, long value) {
        check("write64", paddr, 8);
        int offset = (int) paddr & OFFSET_MASK;
        if (offset <= PAGE_BYTES - 8) {
            byte[] page = writablePage(paddr, 8);
            if (page != null) {
                LONG.set(page, offset, value);
            }
            return;
        }
        writeSplit(paddr, value, 8);
    }

    /** Writes {@code src[offset...offset+length)} starting at {@code paddr}. */
    public void writeBytes(long paddr, byte[] src, int offset, int length) {
        check("writeBytes", paddr, length);
        java.util.Objects.checkFromIndexSize(offset, length, src.length);
        long p = paddr;
        int done = 0;
        while (done < length) {
            int inPage = (int) p & OFFSET_MASK;
            int n = Math.min(length - done, PAGE_BYTES - inPage);
            if (isRam(p)) {
                System.arraycopy(src, offset + done, ramPage(p), inPage, n);
            } else {
                droppedWrites += n;
            }
            p += n;
            done += n;
        }
    }

    /** Writes all of {@code src} starting at {@code paddr}. */
    public void writeBytes(long paddr, byte[] src) {
        writeBytes(paddr, src, 0, src.length);
    }

    /**
     * Sets {@code bytes} bytes from {@code paddr} to the low 8 bits of {@code value}. Zeroing a
     * page that was never written leaves it untouched: it already reads as zeros.
     */
    public void fill(long paddr, long bytes, int value) {
        check("fill", paddr, bytes);
        byte b = (byte) value;
        long p = paddr;
        long end = paddr + bytes;
        while (p < end) {
            int inPage = (int) p & OFFSET_MASK;
            int n = (int) Math.min(end - p, PAGE_BYTES - inPage);
            if (!isRam(p)) {
                droppedWrites += n;
            } else {
                byte[] page = page(p);
                if (page != null) {
                    Arrays.fill(page, inPage, inPage + n, b);
                } else if (b != 0) {
                    Arrays.fill(ramPage(p), inPage, inPage + n, b);
                }
            }
            p += n;
        }
    }

    /**
     * Copies {@code bytes} bytes from {@code srcPaddr} to {@code dstPaddr}; the ranges may
     * overlap (memmove).
     */
    public void copy(long srcPaddr, long dstPaddr, long bytes) {
        check("copy (source)", srcPaddr, bytes);
        check("copy (destination)", dstPaddr, bytes);
        if (bytes == 0 || srcPaddr == dstPaddr) {
            return;
        }
        byte[] buffer = new byte[PAGE_BYTES];
        boolean forward = dstPaddr < srcPaddr || dstPaddr >= srcPaddr + bytes;
        long remaining = bytes;
        while (remaining > 0) {
            int n = (int) Math.min(remaining, PAGE_BYTES);
            long done = bytes - remaining;
            long at = forward ? done : remaining - n;
            readBytes(srcPaddr + at, buffer, 0, n);
            writeBytes(dstPaddr + at, buffer, 0, n);
            remaining -= n;
        }
    }

    // ---------------------------------------------------------------- innards

    private void check(String operation, long paddr, long bytes) {
        if (paddr < 0 || bytes < 0 || paddr > sizeBytes - bytes) {
            throw new IndexOutOfBoundsException(operation + ": physical address " + Addresses.hex(paddr)
                    + (bytes > 1 ? " (+" + bytes + " bytes)" : "") + " is outside physical memory [0x00000000, "
                    + Addresses.hex(sizeBytes) + ")");
        }
    }

    private byte[] page(long paddr) {
        return pages[(int) (paddr >>> Addresses.PAGE_SHIFT)];
    }

    /**
     * 64-bit words of RAM seen directly, for a structure that lives in simulated memory and is
     * on a hot path (the bitmap allocator's bitmap): the window holds this memory's own page
     * arrays, so a write through it is a write to this memory, seen by every reader, and the
     * reverse. Every page of the range is RAM and is allocated now (counted as touched).
     *
     * @param paddr 8-byte aligned
     * @param words 64-bit words from {@code paddr}
     * @throws IllegalArgumentException when the range is not aligned, not inside memory, or not all RAM
     */
    public Words words(long paddr, long words) {
        check("words", paddr, words * 8);
        if ((paddr & 7) != 0 || words < 0 || words > (1 << 28)) {
            throw new IllegalArgumentException("words: " + Addresses.hex(paddr) + " +" + words
                    + " words is not an 8-byte aligned range of at most 2^28 words");
        }
        long first = paddr >>> Addresses.PAGE_SHIFT;
        long end = (paddr + words * 8 + PAGE_BYTES - 1) >>> Addresses.PAGE_SHIFT;
        byte[][] window = new byte[(int) (end - first)][];
        for (long pfn = first; pfn < end; pfn++) {
            long at = pfn << Addresses.PAGE_SHIFT;
            if (!isRam(at)) {
                throw new IllegalArgumentException("words: page " + Addresses.hex(at) + " of " + Addresses.hex(paddr)
                        + " +" + words + " words is not RAM");
            }
            window[(int) (pfn - first)] = ramPage(at);
        }
        return new Words(window, (int) (paddr & OFFSET_MASK), (int) words);
    }

    /** A window of 64-bit little-endian words on RAM pages ({@link #words}). */
    public static final class Words {
        private final byte[][] pages;
        private final int firstOffset;
        private final int length;

        private Words(byte[][] pages, int firstOffset, int length) {
            this.pages = pages;
            this.firstOffset = firstOffset;
            this.length = length;
        }

        /** Word {@code index} of the window. */
        public long get(int index) {
            Objects.checkIndex(index, length);
            int at = firstOffset + (index << 3);
            return (long) LONG.get(pages[at >>> Addresses.PAGE_SHIFT], at & OFFSET_MASK);
        }

        /** Sets word {@code index} of the window. */
        public void set(int index, long value) {
            Objects.checkIndex(index, length);
            int at = firstOffset + (index << 3);
            LONG.set(pages[at >>> Addresses.PAGE_SHIFT], at & OFFSET_MASK, value);
        }

        /** Words in the window. */
        public int length() {
            return length;
        }
    }

    /** The storage of a RAM page, allocated if it was never written. */
    private byte[] ramPage(long paddr) {
        int slot = (int) (paddr >>> Addresses.PAGE_SHIFT);
        byte[] page = pages[slot];
        if (page == null) {
            page = new byte[PAGE_BYTES];
            pages[slot] = page;
            touchedPages++;
        }
        return page;
    }

    /** The page to write {@code bytes} bytes into, or null (and they count as dropped) when it is not RAM. */
    private byte[] writablePage(long paddr, int bytes) {
        byte[] page = page(paddr);
        if (page != null) {
            return page;
        }
        if (isRam(paddr)) {
            return ramPage(paddr);
        }
        droppedWrites += bytes;
        return null;
    }

    private int emptyByte(long paddr) {
        if (isRam(paddr)) {
            return 0;
        }
        holeReads++;
        return 0xFF;
    }

    private int holeValue(int bytes, int value) {
        holeReads += bytes;
        return value;
    }

    private long holeValue(int bytes, long value) {
        holeReads += bytes;
        return value;
    }

    private long readSplit(long paddr, int bytes) {
        long value = 0;
        for (int i = 0; i < bytes; i++) {
            long at = paddr + i;
            byte[] page = page(at);
            int b = page != null ? page[(int) at & OFFSET_MASK] & 0xFF : emptyByte(at);
            value |= (long) b << (8 * i);
        }
        return value;
    }

    private void writeSplit(long paddr, long value, int bytes) {
        for (int i = 0; i < bytes; i++) {
            long at = paddr + i;
            byte[] page = writablePage(at, 1);
            if (page != null) {
                page[(int) at & OFFSET_MASK] = (byte) (value >>> (8 * i));
            }
        }
    }
}
