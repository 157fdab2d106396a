package dev.pagelab.scenario;

/**
 * Why a step did not do what it asked. The kernel guarantees that a failed operation changed
 * nothing (but {@link Kind#KILLED}: a killed process's memory went back); the runner checks it.
 *
 * @param kind    what kind of failure
 * @param message what the kernel said
 */
public record Failure(Kind kind, String message) {
    /** The kinds a scenario can expect with {@code fails: KIND}. */
    public enum Kind {
        /** Expected exhaustion: kmalloc NULL, kmmap FAILED, allocFrame NO_FRAME, no frame for a page table. */
        OUT_OF_MEMORY,
        /** The kernel refused a call as misuse: a bad free, a misaligned address, a frame that is not allocated. */
        MISUSE,
        /** An access raised a page fault that nothing handled. */
        PAGE_FAULT,
        /** unmapPage, updateFlags or getFrameAddr of a page that is not mapped. */
        NOT_MAPPED,
        /** mapPage of a page that is mapped already. */
        ALREADY_MAPPED,
        /** A {@code $name} whose step failed, so that it has no value. */
        NO_VALUE,
        /**
         * The kernel killed the process for a fault it could not resolve (no region, a read-only
         * region, a kernel page, no frame or swap slot). The one failure that changes things: the
         * process is gone, and its frames, page tables and swap slots went back.
         */
        KILLED,
        /** {@code --check} found a broken invariant after the step: a bug in the kernel. */
        INVARIANT,
        /**
         * The frame allocator found its own data in RAM overwritten (a link of a free list that a
         * write into a free frame replaced) and refused to follow it: the kernel cannot go on
         * allocating. Unexpected, it stops the run whatever {@code on-error} says.
         */
        CORRUPTED;

        /** The name in a scenario file: {@code out-of-memory}. */
        public String key() {
            return Keys.of(this);
        }
    }

    @Override
    public String toString() {
        return kind.key() + ": " + message;
    }
}
