package dev.pagelab.hw;

/**
 * The operating system's page-fault handler (#PF, vector 14), as the {@link Cpu} calls it: with
 * CR2 holding the faulting linear address and the error code pushed, here both in the
 * {@link PageFault}. The handler runs at CPL 0, whatever the access's privilege level; the CPU
 * puts the interrupted level back when it returns.
 *
 * <p>{@link Resolution#RESOLVED} means "I changed the tables, run the access again" (the IRET
 * that restarts the faulting instruction); {@link Resolution#UNHANDLED} means the fault stands
 * and the access fails with it. A handler that says resolved but leaves the page faulting is
 * believed {@link Cpu#MAX_RESTARTS} times for one access, then the fault is reported with a
 * message saying so.
 */
@FunctionalInterface
public interface FaultHandler {
    /** Today's behaviour, and the CPU's default: no fault is resolved, each one is the access's result. */
    FaultHandler NONE = fault -> Resolution.UNHANDLED;

    /**
     * Handles {@code fault}; CR2 equals {@code fault.linearAddress()}.
     *
     * @return whether the access should run again; never null
     */
    Resolution handle(PageFault fault);

    /** What the handler made of a fault. */
    enum Resolution {
        /** The cause is gone (a page was mapped, rights were raised): the access restarts. */
        RESOLVED,
        /** The fault stands: the access fails with it. */
        UNHANDLED
    }
}
