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
 * A {@linkplain #watch watcher} sees the same events after the listener, whichever listener is
 * installed: it is for an observer above code that installs and puts back its own listener around
 * each operation (the web server's session above a scenario runner's steps).
 *
 * <p>Not thread-safe, like the kernel it serves.
 */
public final class EventSink {
    private KernelEventListener listener;
    private KernelEventListener watcher;

    /** Whether a listener or a watcher is installed. */
    public boolean enabled() {
        return listener != null || watcher != null;
    }

    /** Hands {@code event} to the listener, if there is one, then to the watcher, if there is one. */
    public void emit(KernelEvent event) {
        KernelEventListener l = listener;
        if (l != null) {
            l.on(event);
        }
        KernelEventListener w = watcher;
        if (w != null) {
            w.on(event);
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

    /**
     * Installs {@code watcher} (null: none), which sees every event after the listener and is
     * left in place by {@link #listen}; returns the one it replaces. A watcher only looks: what it
     * does with an event must not change the kernel.
     */
    public KernelEventListener watch(KernelEventListener watcher) {
        KernelEventListener previous = this.watcher;
        this.watcher = watcher;
        return previous;
    }
}
