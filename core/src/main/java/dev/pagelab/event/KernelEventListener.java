package dev.pagelab.event;

/** Receives the kernel's {@link KernelEvent}s, on the thread that runs the kernel, in order. */
@FunctionalInterface
public interface KernelEventListener {
    /** Called once for every event, before the operation that made it returns. */
    void on(KernelEvent event);
}
