package dev.pagelab.hw;

/**
 * Thrown by the {@link Mmu}'s read and write methods when an access faults and nothing
 * handles the fault. The memory and the page tables are as the fault left them: A flags of
 * the entries used before the failing check may be set (as on hardware), nothing was written.
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
