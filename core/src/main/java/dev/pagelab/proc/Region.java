package dev.pagelab.proc;

import dev.pagelab.hw.Addresses;
import java.util.Objects;

/**
 * A range of a process's user area with its rights: code, data, heap, stack, or the pages of a
 * trace. Nothing of it is mapped until it is touched; a touch outside every region, or a write to
 * a region that is not writable, kills the process.
 *
 * @param name     what the region is for ("code", "data", "heap", "stack", ...)
 * @param start    its first virtual address, page-aligned, in the user area
 * @param pages    its length in 4 KiB pages, at least 1
 * @param writable whether user code may write it (R/W = 1 in its PTEs); all regions are user (U/S = 1)
 */
public record Region(String name, long start, long pages, boolean writable) {
    public Region {
        Objects.requireNonNull(name, "name");
        if ((start & Addresses.PAGE_OFFSET_MASK) != 0 || pages < 1) {
            throw new IllegalArgumentException("region " + name + ": start " + Addresses.hex(start)
                    + " must be page-aligned and the length at least 1 page, not " + pages);
        }
    }

    /** The first address past the region. */
    public long end() {
        return start + (pages << Addresses.PAGE_SHIFT);
    }

    /** Whether {@code vaddr} lies in the region. */
    public boolean contains(long vaddr) {
        return vaddr >= start && vaddr < end();
    }

    @Override
    public String toString() {
        return name + " " + Addresses.hex(start) + "-" + Addresses.hex(end() - 1) + " (" + pages + " page"
                + (pages == 1 ? "" : "s") + ", " + (writable ? "read-write" : "read-only") + ")";
    }

    /**
     * What {@link Processes#spawn} is asked for: a region of {@code pages} pages, placed by the
     * process's page-range allocator.
     */
    public record Spec(String name, long pages, boolean writable) {
        public Spec {
            Objects.requireNonNull(name, "name");
            if (pages < 1) {
                throw new IllegalArgumentException("region " + name + " must have at least 1 page, not " + pages);
            }
        }

        /** Read-only code. */
        public static Spec code(long pages) {
            return new Spec("code", pages, false);
        }

        /** Read-write data. */
        public static Spec data(long pages) {
            return new Spec("data", pages, true);
        }

        /** Read-write heap. */
        public static Spec heap(long pages) {
            return new Spec("heap", pages, true);
        }

        /** Read-write stack. */
        public static Spec stack(long pages) {
            return new Spec("stack", pages, true);
        }
    }
}
