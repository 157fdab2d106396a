package dev.pagelab.hw;

/**
 * Thrown by the {@link Mmu}'s and the {@link Cpu}'s read and write methods when an access faults
 * and nothing resolves the fault. No data was written. The page tables are as the fault left
 * them: the A flags of entries used before the failing check may be set, and for an access that
 * spans two pages and faults on the second, the first page's A (and, for a write, D) flags may
 * be set, since it was translated first.
 */
public final class PageFaultException extends RuntimeException {
    private final transient PageFault fault;
    private final int restarts;
    private final boolean restartsExhausted;

    /** Wraps {@code fault}, which nothing tried to resolve. */
    public PageFaultException(PageFault fault) {
        this(fault.toString(), fault, 0, false);
    }

    private PageFaultException(String message, PageFault fault, int restarts, boolean restartsExhausted) {
        super(message);
        this.fault = fault;
        this.restarts = restarts;
        this.restartsExhausted = restartsExhausted;
    }

    /** {@code fault}, which the handler did not resolve, after the access restarted {@code restarts} times. */
    static PageFaultException unhandled(PageFault fault, int restarts) {
        return new PageFaultException(restarts == 0 ? fault.toString()
                : fault + " (after " + restarts + " restart" + (restarts == 1 ? "" : "s") + " of the access)",
                fault, restarts, false);
    }

    /**
     * {@code fault}, raised again after the handler claimed to have resolved this access's faults
     * {@code restarts} times, the limit: the handler was not called for it.
     */
    static PageFaultException restartsExhausted(PageFault fault, int restarts) {
        return new PageFaultException(fault + "; the fault handler claimed resolution " + restarts
                + " times for this access and it still faults (at most " + Cpu.MAX_RESTARTS + " restarts an access)",
                fault, restarts, true);
    }

    /** The fault, with CR2 and the error code. */
    public PageFault fault() {
        return fault;
    }

    /** How many times the access restarted after a fault the handler reported resolved. */
    public int restarts() {
        return restarts;
    }

    /** Whether the fault was reported because the access ran out of restarts, the handler claiming resolution each time. */
    public boolean restartsExhausted() {
        return restartsExhausted;
    }
}
