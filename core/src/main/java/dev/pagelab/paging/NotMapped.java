package dev.pagelab.paging;

import dev.pagelab.hw.Addresses;

/** Nothing changed: nothing is mapped at {@code vaddr}. */
public record NotMapped(long vaddr) implements UnmapResult, FlagsResult {
    @Override
    public String toString() {
        return Addresses.hex(vaddr) + " is not mapped";
    }
}
