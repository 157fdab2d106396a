package dev.pagelab.event;

import dev.pagelab.hw.Addresses;
import dev.pagelab.hw.PageFault;
import dev.pagelab.hw.Pde;
import dev.pagelab.hw.Pte;
import dev.pagelab.pmm.FrameOwner;
import java.util.Locale;

/**
 * Something the kernel did to the machine's memory-management state, as it happened: the one
 * vocabulary in which the scenario runner, the command line and the web page watch the kernel.
 * Emitted through an {@link EventSink}; allocated only when a listener is installed.
 *
 * <p>What a consumer may rely on:
 * <ul>
 *   <li>Every change of a frame's owner is one {@link FrameTaken}, {@link FrameFreed} or
 *       {@link FrameOwnerChanged}, in the order the kernel made them.</li>
 *   <li>Every write of a page-directory or page-table entry made by the kernel's page-table code
 *       is one {@link EntryWritten} with the value before and after (a consumer can replay
 *       them on a copy of the tables), followed, when the old entry was present and the TLB
 *       may cache it (its directory is loaded in CR3, or the page is in the shared kernel half,
 *       or it is global), by the {@link Invlpg} of the page (or by one marked skipped under the
 *       lesson switch). A kernel-half directory entry is written in every directory, one
 *       {@link EntryWritten} each.</li>
 *   <li>A page table made or freed is a {@link TableAllocated} or {@link TableFreed}, next to
 *       the frame event of its frame and the {@link EntryWritten} of its directory entry.</li>
 *   <li>The temporary slot's load and unload, each with the INVLPG it includes, are
 *       {@link SlotLoaded} and {@link SlotUnloaded}; no separate {@link Invlpg} is emitted for
 *       them.</li>
 * </ul>
 * Each event renders itself as one line for people ({@link #text()}); structured consumers
 * read the record components.
 */
public sealed interface KernelEvent {
    /** One line for people, the way {@code pagelab run --trace} prints it. */
    String text();

    /** The allocator handed out frame {@code pfn}, and the kernel recorded it for {@code owner}. */
    record FrameTaken(long pfn, FrameOwner owner) implements KernelEvent {
        @Override
        public String text() {
            return "frame " + Addresses.hex(pfn) + " taken: " + owner.label();
        }
    }

    /** Frame {@code pfn}, held by {@code owner}, went back to the allocator. */
    record FrameFreed(long pfn, FrameOwner owner) implements KernelEvent {
        @Override
        public String text() {
            return "frame " + Addresses.hex(pfn) + " freed (was " + owner.label() + ")";
        }
    }

    /** Held frame {@code pfn} changed hands without going through the allocator. */
    record FrameOwnerChanged(long pfn, FrameOwner before, FrameOwner after) implements KernelEvent {
        @Override
        public String text() {
            return "frame " + Addresses.hex(pfn) + ": " + before.label() + " -> " + after.label();
        }
    }

    /**
     * Entry {@code pti} of the page table behind directory entry {@code pdi} (or directory entry
     * {@code pdi} itself when {@code pti} is {@link #DIRECTORY_ENTRY}) of the directory in frame
     * {@code directoryPfn} went from {@code before} to {@code after}.
     */
    record EntryWritten(long directoryPfn, int pdi, int pti, int before, int after) implements KernelEvent {
        /** {@link #pti} of a directory entry. */
        public static final int DIRECTORY_ENTRY = -1;

        /** Whether this is a directory entry. */
        public boolean isDirectoryEntry() {
            return pti == DIRECTORY_ENTRY;
        }

        /** The first virtual address the entry translates. */
        public long vaddr() {
            return (long) pdi << Addresses.LARGE_PAGE_SHIFT | (isDirectoryEntry() ? 0 : (long) pti << Addresses.PAGE_SHIFT);
        }

        @Override
        public String text() {
            if (isDirectoryEntry()) {
                return String.format(Locale.ROOT, "PDE %d = %s (%s)", pdi, Addresses.hex(after & 0xFFFF_FFFFL),
                        after == 0 ? "not present" : Pde.flagNames(after));
            }
            String where = String.format(Locale.ROOT, "PTE %d of PDE %d (%s) = ", pti, pdi, Addresses.hex(vaddr()));
            if (Pte.isPresent(after)) {
                return where + Addresses.hex(after & 0xFFFF_FFFFL) + " (" + Pte.flagNames(after) + ")";
            }
            if (after == 0) {
                return where + "0" + (Pte.isPresent(before) ? " (was frame " + Addresses.hex(Pte.pfn(before)) + ")" : "");
            }
            return where + Addresses.hex(after & 0xFFFF_FFFFL) + " (not present; the kernel's own value)";
        }
    }

    /**
     * INVLPG of {@code vaddr}: the page's TLB entry, if any, is dropped; or, when {@code why} is
     * {@link Why#SKIPPED}, the INVLPG the lesson switch left out.
     */
    record Invlpg(long vaddr, Why why) implements KernelEvent {
        /** Why the kernel invalidated the page. */
        public enum Why {
            /** A present entry of the page changed or went. */
            ENTRY_CHANGED(""),
            /** A present entry changed, and the lesson switch left the INVLPG out. */
            SKIPPED(" skipped (the lesson switch is on): the TLB may still hold the old entry"),
            /** A directory entry went, and with it the recursive window onto its table. */
            RECURSIVE_WINDOW(" (the table's recursive window)"),
            /** The kernel cleared the page's Accessed bit, which a cached entry would not set again. */
            ACCESSED_CLEARED(" (its Accessed bit was cleared)"),
            /** A scenario or a user asked for it. */
            REQUESTED(" (asked for)");

            private final String suffix;

            Why(String suffix) {
                this.suffix = suffix;
            }
        }

        /** Whether the TLB really was told. */
        public boolean done() {
            return why != Why.SKIPPED;
        }

        @Override
        public String text() {
            return "INVLPG " + Addresses.hex(vaddr) + why.suffix;
        }
    }

    /** CR3 was loaded with {@code cr3}: the TLB dropped every entry that is not global. */
    record Cr3Loaded(long cr3) implements KernelEvent {
        @Override
        public String text() {
            return "CR3 = " + Addresses.hex(cr3) + " (the TLB drops every entry that is not global)";
        }
    }

    /**
     * The temporary slot's entry (PTE {@code slotPte} of the kernel's first table) now maps frame
     * {@code pfn}, the page table of directory entry {@code pdi} (or, for {@link #DIRECTORY}, a
     * page directory other than the kernel's), at {@code slotVaddr}, and the slot's page was
     * invalidated.
     */
    record SlotLoaded(long slotVaddr, int slotPte, long pfn, int pdi) implements KernelEvent {
        /** {@link #pdi} when the frame is a page directory (one not loaded in CR3), not a table. */
        public static final int DIRECTORY = -1;

        @Override
        public String text() {
            return "temporary slot: PTE " + slotPte + " = frame " + Addresses.hex(pfn) + " (" + (pdi == DIRECTORY
                    ? "a page directory" : "page table of PDE " + pdi) + "), INVLPG " + Addresses.hex(slotVaddr);
        }
    }

    /** The temporary slot's entry was cleared and the slot's page invalidated. */
    record SlotUnloaded(long slotVaddr, int slotPte) implements KernelEvent {
        @Override
        public String text() {
            return "temporary slot: PTE " + slotPte + " = 0, INVLPG " + Addresses.hex(slotVaddr);
        }
    }

    /** Frame {@code pfn} became the page table behind directory entry {@code pdi} of the directory in {@code directoryPfn}. */
    record TableAllocated(long directoryPfn, int pdi, long pfn) implements KernelEvent {
        @Override
        public String text() {
            return "frame " + Addresses.hex(pfn) + " taken for the page table of PDE " + pdi + ", to be zeroed";
        }
    }

    /** The page table behind directory entry {@code pdi} was empty and its frame {@code pfn} was freed. */
    record TableFreed(long directoryPfn, int pdi, long pfn) implements KernelEvent {
        @Override
        public String text() {
            return "page table of PDE " + pdi + " was empty: frame " + Addresses.hex(pfn) + " freed";
        }
    }

    /** The CPU raised {@code fault}; {@code resolved} says whether the kernel's handler made the access retry. */
    record PageFaulted(PageFault fault, boolean resolved) implements KernelEvent {
        @Override
        public String text() {
            return fault + (resolved ? "; handled, the access retries" : "; not handled");
        }
    }
}
