package dev.pagelab.hw;

/**
 * One flag of a paging entry, for decoding entries to people: its short name, its mask, and
 * what the hardware does when it is set and when it is clear.
 *
 * @param name  the SDM's short name ({@code P}, {@code R/W}, ...)
 * @param mask  the bit, or bits, in the entry
 * @param whenSet   what the MMU does when the bit is 1
 * @param whenClear what the MMU does when the bit is 0
 */
public record EntryBit(String name, int mask, String whenSet, String whenClear) {

    /** Whether this bit is set in {@code entry}. */
    public boolean isSet(int entry) {
        return (entry & mask) != 0;
    }

    /** The meaning of this bit in {@code entry}. */
    public String meaning(int entry) {
        return isSet(entry) ? whenSet : whenClear;
    }
}
