package dev.pagelab.hw;

import java.util.Arrays;
import java.util.Objects;

/**
 * Data accesses at linear addresses (8, 16 and 32-bit little-endian reads and writes, and byte
 * ranges) over an {@link Mmu}'s translation, written once for the two doors that use them: the
 * MMU's own read and write methods, where a fault is final, and the {@link Cpu}'s, where a
 * fault goes to the fault handler and the access restarts.
 *
 * <h2>An access</h2>
 * <ol>
 *   <li>Translate every page the access touches, first to last (one page for an access that
 *       does not cross a page boundary).</li>
 *   <li>A translation faults: the {@link FaultResolver} either throws (the fault stands) or
 *       returns, and the access restarts at step 1, as an instruction restarts after the fault
 *       handler's IRET. Every page is translated again: a handler that evicted the first page of
 *       a two-page access to make room for the second is seen, never written through a stale
 *       physical address.</li>
 *   <li>Every page translated: read or write the bytes. Nothing is read or written before that,
 *       so a fault that stands writes nothing.</li>
 * </ol>
 * A physical address beyond the end of memory reads as all ones and drops writes, like an empty
 * bus. Not thread-safe.
 */
final class PagedAccess {
    /** What happens when a translation of the access faults; the fault is the MMU's last. */
    @FunctionalInterface
    interface FaultResolver {
        /**
         * Returns to restart the access, or throws.
         *
         * @param restarts how many times this access has restarted already
         * @throws PageFaultException when the fault stands
         */
        void resolve(int restarts);
    }

    private final Mmu mmu;
    private final PhysicalMemory memory;
    private final long memorySizeBytes;
    private final FaultResolver resolver;

    PagedAccess(Mmu mmu, FaultResolver resolver) {
        this.mmu = mmu;
        this.memory = mmu.memory();
        this.memorySizeBytes = memory.sizeBytes();
        this.resolver = resolver;
    }

    int read8(long vaddr) {
        long paddr = translatePage(vaddr, false);
        return paddr < memorySizeBytes ? memory.read8(paddr) : 0xFF;
    }

    void write8(long vaddr, int value) {
        long paddr = translatePage(vaddr, true);
        if (paddr < memorySizeBytes) {
            memory.write8(paddr, value);
        }
    }

    /** The little-endian value of {@code bytes} (2 or 4) bytes at {@code vaddr}, zero-extended. */
    long read(long vaddr, int bytes) {
        if (Addresses.pageOffset(vaddr) <= Addresses.PAGE_BYTES - bytes) {
            long paddr = translatePage(vaddr, false);
            if (paddr > memorySizeBytes - bytes) {
                return bytes == 2 ? 0xFFFF : 0xFFFF_FFFFL;
            }
            return bytes == 2 ? memory.read16(paddr) : memory.read32(paddr) & 0xFFFF_FFFFL;
        }
        byte[] buffer = new byte[bytes];
        readBytes(vaddr, buffer, 0, bytes);
        long value = 0;
        for (int i = 0; i < bytes; i++) {
            value |= (long) (buffer[i] & 0xFF) << (8 * i);
        }
        return value;
    }

    /** Writes the low {@code bytes} (2 or 4) bytes of {@code value} at {@code vaddr}, little-endian. */
    void write(long vaddr, int value, int bytes) {
        if (Addresses.pageOffset(vaddr) <= Addresses.PAGE_BYTES - bytes) {
            long paddr = translatePage(vaddr, true);
            if (paddr > memorySizeBytes - bytes) {
                return;
            }
            if (bytes == 2) {
                memory.write16(paddr, value);
            } else {
                memory.write32(paddr, value);
            }
            return;
        }
        byte[] buffer = new byte[bytes];
        for (int i = 0; i < bytes; i++) {
            buffer[i] = (byte) (value >>> (8 * i));
        }
        writeBytes(vaddr, buffer, 0, bytes);
    }

    void readBytes(long vaddr, byte[] dst, int offset, int length) {
        Objects.checkFromIndexSize(offset, length, dst.length);
        long[] paddrs = translateRange(vaddr, length, false);
        int done = 0;
        for (long paddr : paddrs) {
            int n = Math.min(length - done, Addresses.PAGE_BYTES - Addresses.pageOffset(paddr));
            if (paddr <= memorySizeBytes - n) {
                memory.readBytes(paddr, dst, offset + done, n);
            } else {
                Arrays.fill(dst, offset + done, offset + done + n, (byte) 0xFF);
            }
            done += n;
        }
    }

    void writeBytes(long vaddr, byte[] src, int offset, int length) {
        Objects.checkFromIndexSize(offset, length, src.length);
        long[] paddrs = translateRange(vaddr, length, true);
        int done = 0;
        for (long paddr : paddrs) {
            int n = Math.min(length - done, Addresses.PAGE_BYTES - Addresses.pageOffset(paddr));
            if (paddr <= memorySizeBytes - n) {
                memory.writeBytes(paddr, src, offset + done, n);
            }
            done += n;
        }
    }

    /** The physical address of {@code vaddr} for an access within one page, after any restarts. */
    long translatePage(long vaddr, boolean write) {
        long paddr = mmu.translate(vaddr, write);
        return paddr != Mmu.FAULT ? paddr : restartPage(vaddr, write);
    }

    private long restartPage(long vaddr, boolean write) {
        for (int restarts = 0; ; restarts++) {
            resolver.resolve(restarts);
            long paddr = mmu.translate(vaddr, write);
            if (paddr != Mmu.FAULT) {
                return paddr;
            }
        }
    }

    /** The physical address of every page of the range, the first one's at {@code vaddr}'s offset. */
    private long[] translateRange(long vaddr, int length, boolean write) {
        if (length < 0 || vaddr < 0 || vaddr + length > Addresses.LINEAR_SPACE_BYTES) {
            throw new IllegalArgumentException((write ? "writeBytes" : "readBytes") + ": range "
                    + Addresses.hex(vaddr) + " +" + length + " is outside the 32-bit address space");
        }
        if (length == 0) {
            return new long[0];
        }
        long first = Addresses.alignDown(vaddr);
        long last = Addresses.alignDown(vaddr + length - 1);
        long[] paddrs = new long[(int) ((last - first) >>> Addresses.PAGE_SHIFT) + 1];
        for (int restarts = 0; ; restarts++) {
            int translated = 0;
            while (translated < paddrs.length) {
                long at = translated == 0 ? vaddr : first + ((long) translated << Addresses.PAGE_SHIFT);
                long paddr = mmu.translate(at, write);
                if (paddr == Mmu.FAULT) {
                    break;
                }
                paddrs[translated++] = paddr;
            }
            if (translated == paddrs.length) {
                return paddrs;
            }
            resolver.resolve(restarts);
        }
    }
}
