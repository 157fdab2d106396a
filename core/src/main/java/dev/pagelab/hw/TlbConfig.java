package dev.pagelab.hw;

/**
 * The shape of a {@link Tlb}.
 *
 * @param entries      4 KiB translations held; 0 turns the TLB off, so every access walks
 * @param ways         associativity: each set holds this many entries ({@code entries} for a
 *                     fully associative TLB); {@code entries / ways} must be a power of two
 * @param largeEntries 4 MiB translations held, fully associative (0 means 4 MiB pages are
 *                     never cached)
 */
public record TlbConfig(int entries, int ways, int largeEntries) {
    /** A Pentium-like data TLB: 64 entries, 4-way, and 8 entries for 4 MiB pages. */
    public static final TlbConfig DEFAULT = new TlbConfig(64, 4, 8);
    /** No TLB: every access walks the page tables. */
    public static final TlbConfig OFF = new TlbConfig(0, 1, 0);

    /** Validates the shape. */
    public TlbConfig {
        if (entries < 0 || largeEntries < 0 || entries > (1 << 20) || largeEntries > 1024) {
            throw new IllegalArgumentException("TLB entries " + entries + " and large entries " + largeEntries
                    + " must be between 0 and 2^20 (large: 1024)");
        }
        if (entries > 0) {
            if (ways <= 0 || entries % ways != 0 || Integer.bitCount(entries / ways) != 1) {
                throw new IllegalArgumentException("TLB of " + entries + " entries cannot be " + ways
                        + "-way: entries / ways must be a power of two");
            }
        }
    }

    /** Whether this TLB caches anything at all. */
    public boolean enabled() {
        return entries > 0 || largeEntries > 0;
    }

    /** The number of sets of the 4 KiB part. */
    public int sets() {
        return entries == 0 ? 0 : entries / ways;
    }
}
