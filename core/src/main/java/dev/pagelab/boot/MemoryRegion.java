package dev.pagelab.boot;

import dev.pagelab.hw.Addresses;
import java.util.Objects;

/**
 * One range of a memory map: {@code [base, base + length)} of one {@link RegionType}.
 *
 * <p>{@code base} and {@code length} are unsigned 64-bit values, as firmware writes them: a
 * region above 2^63 is legal (its {@code base} is a negative {@code long}), so compare with
 * {@link Long#compareUnsigned}. The end must be representable: a region whose last byte would lie
 * past 0xFFFFFFFFFFFFFFFF is rejected here, as Linux's E820 sanitiser rejects it; the readers check
 * {@link #wraps} first and report such an entry with its location. An empty region
 * ({@code length == 0}) is legal; sanitising drops it.
 *
 * @param base   physical address of the first byte (unsigned)
 * @param length bytes in the region (unsigned)
 * @param type   what the memory is
 */
public record MemoryRegion(long base, long length, RegionType type) {
    /**
     * @throws IllegalArgumentException when the region runs past 2^64 - 1
     * @throws NullPointerException     when {@code type} is null
     */
    public MemoryRegion {
        Objects.requireNonNull(type, "type");
        if (wraps(base, length)) {
            throw new IllegalArgumentException("memory region at " + Addresses.hex(base) + " with length "
                    + Addresses.hex(length) + " runs past 0xFFFFFFFFFFFFFFFF (its end wraps around 2^64)");
        }
    }

    /** A region from {@code base} up to {@code end} (exclusive), both unsigned, {@code end >= base}. */
    public static MemoryRegion between(long base, long end, RegionType type) {
        if (Long.compareUnsigned(end, base) < 0) {
            throw new IllegalArgumentException("memory region end " + Addresses.hex(end) + " is below its base "
                    + Addresses.hex(base));
        }
        return new MemoryRegion(base, end - base, type);
    }

    /**
     * Whether {@code [base, base + length)} runs past 2^64 - 1, the test Linux applies: its end
     * must be a 64-bit address. Both values are unsigned.
     */
    public static boolean wraps(long base, long length) {
        return length != 0 && Long.compareUnsigned(base + length, base) < 0;
    }

    /** The first address after the region (unsigned). */
    public long end() {
        return base + length;
    }

    /** Whether the region has no bytes. */
    public boolean isEmpty() {
        return length == 0;
    }

    /** Whether {@code paddr} (unsigned) lies inside the region. */
    public boolean contains(long paddr) {
        return Long.compareUnsigned(paddr, base) >= 0 && Long.compareUnsigned(paddr, end()) < 0;
    }

    /** Whether the kernel may use this memory. */
    public boolean isUsable() {
        return type.isUsable();
    }

    /** {@code [0x00100000, 0x07FE0000) usable}. */
    @Override
    public String toString() {
        return range(base, end()) + " " + type;
    }

    /** {@code [0x00100000, 0x07FE0000)}: a half-open range in the style of every boot message. */
    static String range(long start, long end) {
        return "[" + Addresses.hex(start) + ", " + Addresses.hex(end) + ")";
    }
}
