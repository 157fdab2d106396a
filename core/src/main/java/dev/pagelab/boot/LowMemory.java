package dev.pagelab.boot;

import dev.pagelab.hw.Addresses;

/** How much of low memory the kernel keeps for itself at entry ({@link FrameLayout}). */
public enum LowMemory {
    /** The whole first MiB (Linux since 5.13). */
    FIRST_MIB(0x10_0000, "first MiB"),
    /** Only page 0. */
    PAGE_ZERO(Addresses.PAGE_BYTES, "page 0");

    private final long bytes;
    private final String label;

    LowMemory(long bytes, String label) {
        this.bytes = bytes;
        this.label = label;
    }

    /** The bytes kept, from address 0. */
    public long bytes() {
        return bytes;
    }

    /** The layout's label for the frames kept: {@code first MiB}, {@code page 0}. */
    public String label() {
        return label;
    }
}
