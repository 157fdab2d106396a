package dev.pagelab.scenario;

import java.util.EnumSet;
import java.util.Set;

/**
 * What a step's result reports, by the name an {@code expect:} map uses. Every step has the
 * {@linkplain #COMMON common} fields (what changed, whether it failed); some have more.
 */
public enum Field {
    /** The step's result, the number {@code as:} names: an address, a frame, a value read. */
    VALUE(Type.NUMBER),
    /** A physical address: where an access went, what a page or block maps to. */
    PADDR(Type.NUMBER),
    /** The frame of {@link #PADDR}: {@code paddr >>> 12}, to compare with allocFrame's {@code $name}. */
    FRAME(Type.NUMBER),
    /** A page fault's error code; {@code true} for any fault, {@code false} for none. */
    FAULT(Type.FAULT),
    /** The bytes a read returned, as text. */
    STRING(Type.TEXT),
    /** What the TLB did for an access: hit, miss, rewalk, walk (no TLB), none. */
    TLB(Type.TEXT),
    /** Whether an address translates (explain). */
    MAPPED(Type.BOOLEAN),
    /** {@code false}: the step must succeed; {@code true}: it must fail; a failure kind: it must fail so. */
    FAILS(Type.FAILS),
    /** Frames that went from free to held. */
    FRAMES_TAKEN(Type.NUMBER),
    /** Frames that went back to free. */
    FRAMES_FREED(Type.NUMBER),
    /** Frames the allocator has free after the step. */
    FREE_FRAMES(Type.NUMBER),
    /** Virtual pages that became mapped. */
    PAGES_MAPPED(Type.NUMBER),
    /** Virtual pages that stopped being mapped. */
    PAGES_UNMAPPED(Type.NUMBER),
    /** Page tables allocated. */
    TABLES_MADE(Type.NUMBER),
    /** Page tables freed because they became empty. */
    TABLES_FREED(Type.NUMBER),
    /** Heap blocks in use after the step. */
    HEAP_BLOCKS(Type.NUMBER),
    /** Frames the heap holds after the step. */
    HEAP_FRAMES(Type.NUMBER),

    // ---- a process's access (access, read and write with process:)
    /** Whether a process's access hit a resident page: false for a page fault (resolved, or the process killed). */
    HIT(Type.BOOLEAN),
    /** Whether the faulting page was zero-filled, its first touch. */
    ZERO_FILLED(Type.BOOLEAN),
    /** The swap slot the faulting page was read back from (a page-in). */
    FROM_SLOT(Type.NUMBER),
    /** The page evicted to make room: {@code none}, or the process's name and the page, {@code a 0x00003000}. */
    VICTIM(Type.TEXT),
    /** Whether the victim was dirty and written to swap. */
    WRITTEN_BACK(Type.BOOLEAN),
    /** The swap slot holding the victim's copy after it left (written now, or still valid). */
    TO_SLOT(Type.NUMBER),
    /** Why the kernel killed the process: {@code null-pointer}, {@code kernel-page}, {@code no-region}, ... */
    KILLED(Type.TEXT),

    // ---- a process after the step (spawn, exit, access, read, write, ps)
    /** Its pages in frames: a list of addresses, compared as a set. */
    RESIDENT(Type.PAGES),
    /** Its page faults resolved so far. */
    FAULTS(Type.NUMBER),
    /** Of those, pages zero-filled on first touch. */
    ZERO_FILLS(Type.NUMBER),
    /** Of those, pages read back from swap. */
    PAGE_INS(Type.NUMBER),
    /** Its dirty pages written to swap when they left their frames. */
    PAGE_OUTS(Type.NUMBER),
    /** Its clean pages dropped because swap held a valid copy. */
    WRITES_AVOIDED(Type.NUMBER),
    /** Its pages that left their frames. */
    EVICTIONS(Type.NUMBER),
    /** Its frames under local replacement (absent under global). */
    QUOTA(Type.NUMBER),
    /** Swap slots in use on the device after the step. */
    SWAP_USED(Type.NUMBER),

    // ---- explain in a process
    /** The page-table entry, all 32 bits (0 when no table covers the page). */
    PTE(Type.NUMBER),
    /** The PTE's P bit. */
    PRESENT(Type.BOOLEAN),
    /** The PTE's A bit (false when not present). */
    ACCESSED(Type.BOOLEAN),
    /** The PTE's D bit (false when not present). */
    DIRTY(Type.BOOLEAN),
    /** The swap slot a not-present PTE names (pagelab's swap entry). */
    SWAP_SLOT(Type.NUMBER);

    /** How an expected value is written. */
    public enum Type {
        /** A number or {@code $name[+offset]}. */
        NUMBER,
        /** {@code true} or {@code false}. */
        BOOLEAN,
        /** A string. */
        TEXT,
        /** {@code true}, {@code false} or a failure kind ({@code out-of-memory}, ...). */
        FAILS,
        /** {@code true}, {@code false} or an error code. */
        FAULT,
        /** A list of page addresses, compared as a set. */
        PAGES
    }

    /** The fields every step reports. */
    public static final Set<Field> COMMON = EnumSet.of(FAILS, FRAMES_TAKEN, FRAMES_FREED, FREE_FRAMES, PAGES_MAPPED,
            PAGES_UNMAPPED, TABLES_MADE, TABLES_FREED, HEAP_BLOCKS, HEAP_FRAMES);

    private final Type type;

    Field(Type type) {
        this.type = type;
    }

    /** How an expected value for this field is written. */
    public Type type() {
        return type;
    }

    /** The name in a scenario file and in the JSON event log: {@code frames-taken}. */
    public String key() {
        return Keys.of(this);
    }
}
