package dev.pagelab.paging;

import dev.pagelab.hw.Addresses;

/** What {@link AddressSpace#updateFlags} did. */
public sealed interface FlagsResult permits FlagsResult.Updated, NotMapped {
    /** The virtual address asked for. */
    long vaddr();

    /** The entry changed from {@code before} to {@code after}; its TLB entry was invalidated. */
    record Updated(long vaddr, int before, int after) implements FlagsResult {
        @Override
        public String toString() {
            return "flags of " + Addresses.hex(vaddr) + ": " + Addresses.hex(before & 0xFFFL) + " -> "
                    + Addresses.hex(after & 0xFFFL);
        }
    }
}
