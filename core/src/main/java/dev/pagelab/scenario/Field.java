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
    HEAP_FRAMES(Type.NUMBER);

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
        FAULT
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
