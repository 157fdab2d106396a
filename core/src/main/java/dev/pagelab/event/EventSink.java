package dev.pagelab.event;

/**
 * The one place a kernel's components send their {@link KernelEvent}s: every component of one
 * kernel holds the same sink, and whoever watches the kernel installs one listener on it.
 *
 * <p>Emitters test {@link #enabled()} before they build an event, so a kernel nobody watches
 * (benchmarks, trace replay in the kernel) allocates nothing:
 * <pre>{@code
 * if (events.enabled()) {
 *     events.emit(new KernelEvent.Invlpg(vaddr, false));
 * }
 * }</pre>
 * Not thread-safe, like the kernel it serves.
 */
public final class EventSink {
    private KernelEventListener listener;

    /** Whether a listener is installed. */
    public boolean enabled() {
        return listener != null;
    }

    /** Hands {@code event} to the listener, if there is one. */
    public void emit(KernelEvent event) {
        KernelEventListener l = listener;
        if (l != null) {
            l.on(event);
        }
    }

    /**
     * Installs {@code listener} (null: none) and returns the one it replaces, so that a nested
     * observer can put it back.
     */
    public KernelEventListener listen(KernelEventListener listener) {
        KernelEventListener previous = this.listener;
        this.listener = listener;
        return previous;
    }
}
