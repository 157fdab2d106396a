package dev.pagelab.hw;

/**
 * Thrown by the {@link Mmu}'s read and write methods when an access faults and nothing
 * handles the fault. No data was written. The page tables are as the fault left them: the A
 * flags of entries used before the failing check may be set, and for an access that spans two
 * pages and faults on the second, the first page's A (and, for a write, D) flags may be set,
 * since it was translated first.
 */
public final class PageFaultException extends RuntimeException {
    private final transient PageFault fault;

    /** Wraps {@code fault}. */
    public PageFaultException(PageFault fault) {
        super(fault.toString());
        this.fault = fault;
    }

    /** The fault, with CR2 and the error code. */
    public PageFault fault() {
        return fault;
    }
}
