package dev.pagelab.boot;

import dev.pagelab.hw.Addresses;
import java.util.Objects;

/**
 * A boot module (an initrd, a GRUB {@code module} line) as a Multiboot loader describes it: where
 * the loader put its bytes and the string it was given.
 *
 * @param startPaddr physical address of the first byte ({@code mod_start})
 * @param endPaddr   physical address after the last byte ({@code mod_end}, exclusive as GRUB
 *                   and QEMU write it); at least {@code startPaddr}
 * @param string     the module's string, usually its command line; empty when there is none
 */
public record BootModule(long startPaddr, long endPaddr, String string) {
    /** @throws IllegalArgumentException when the end lies below the start */
    public BootModule {
        Objects.requireNonNull(string, "string");
        if (Long.compareUnsigned(endPaddr, startPaddr) < 0) {
            throw new IllegalArgumentException("boot module end " + Addresses.hex(endPaddr) + " is below its start "
                    + Addresses.hex(startPaddr));
        }
    }

    /** Bytes the module occupies. */
    public long bytes() {
        return endPaddr - startPaddr;
    }
}
