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
 *   <li>Every block the kernel heap hands out is one {@link HeapBlockAllocated} and every block
 *       it takes back one {@link HeapBlockFreed}, with the caller's address and the bytes asked
 *       for, once the call has succeeded (krealloc in place gives back the old size and hands out
 *       the new; a move, the old block and the new one). The other {@link HeapEvent}s are the
 *       algorithm's steps on the way (morecore, split, merge, frames given back and mapped
 *       again), next to the frame and entry events they cause.</li>
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

    // ---------------------------------------------------------------- processes and swap

    /**
     * What the process subsystem did (package {@code proc}): processes made, switched to, ended,
     * pages loaded and evicted by the page-fault handler, their write-backs to the swap device, and
     * the replacement policy's tests of the Accessed bit. The page-table writes they cause are
     * {@link EntryWritten} and {@link Invlpg} events beside them.
     */
    sealed interface ProcessEvent extends KernelEvent {
        /** The process the event is about. */
        int pid();
    }

    /** Process {@code pid} was made, with its own page directory in frame {@code directoryPfn}. */
    record ProcessSpawned(int pid, String name, long directoryPfn) implements ProcessEvent {
        @Override
        public String text() {
            return "process " + pid + " (" + name + ") spawned: page directory in frame " + Addresses.hex(directoryPfn);
        }
    }

    /** The CPU now runs process {@code pid}: its directory is in CR3. */
    record ProcessSwitched(int pid, long cr3) implements ProcessEvent {
        @Override
        public String text() {
            return "switched to process " + pid + " (CR3=" + Addresses.hex(cr3) + ")";
        }
    }

    /** Process {@code pid} ended; {@code frames}, {@code tables} and {@code slots} went back. */
    record ProcessExited(int pid, long frames, long tables, long slots) implements ProcessEvent {
        @Override
        public String text() {
            return "process " + pid + " exited: " + frames + " frame" + (frames == 1 ? "" : "s") + ", " + tables
                    + " page table" + (tables == 1 ? "" : "s") + " and " + slots + " swap slot" + (slots == 1 ? "" : "s")
                    + " freed";
        }
    }

    /** Load control suspended process {@code pid}: its {@code pages} resident pages were evicted. */
    record ProcessSuspended(int pid, int pages) implements ProcessEvent {
        @Override
        public String text() {
            return "process " + pid + " suspended (load control): its " + pages + " resident page"
                    + (pages == 1 ? "" : "s") + " evicted";
        }
    }

    /** Process {@code pid} may run again; its pages come back on demand. */
    record ProcessResumed(int pid) implements ProcessEvent {
        @Override
        public String text() {
            return "process " + pid + " resumed";
        }
    }

    /** The kernel killed process {@code pid} for a fault it could not resolve. */
    record ProcessKilled(int pid, long cr2, int errorCode, String why) implements ProcessEvent {
        @Override
        public String text() {
            return "process " + pid + " killed: " + why + " (CR2=" + Addresses.hex(cr2) + ", error code "
                    + Addresses.hex(errorCode) + ")";
        }
    }

    /**
     * The page-fault handler loaded the page at {@code vaddr} of process {@code pid} into frame
     * {@code pfn} (frame {@code poolFrame} of its pool): from swap slot {@code fromSlot}, or
     * zero-filled on first touch when it is −1.
     */
    record PageLoaded(int pid, long vaddr, long pfn, int poolFrame, int fromSlot) implements ProcessEvent {
        @Override
        public String text() {
            return "page " + Addresses.hex(vaddr) + " of process " + pid + " loaded into frame " + Addresses.hex(pfn)
                    + (fromSlot < 0 ? ", zero-filled (first touch)" : " from swap slot " + fromSlot);
        }
    }

    /** Why a page left its frame. */
    enum Eviction {
        /** The replacement policy chose it as the victim of a fault. */
        VICTIM("victim of a fault"),
        /** A variable-allocation policy shrank the resident set (working set, PFF). */
        RELEASED("released by the policy"),
        /** Its process held more frames than its new quota. */
        OVER_QUOTA("over its process's new quota"),
        /** Its process was suspended to stop thrashing. */
        SUSPENDED("its process was suspended");

        private final String text;

        Eviction(String text) {
            this.text = text;
        }

        @Override
        public String toString() {
            return text;
        }
    }

    /**
     * The page at {@code vaddr} of process {@code pid} left frame {@code pfn}: written back to swap
     * slot {@code toSlot} when {@code dirty}, otherwise dropped (its copy in slot {@code toSlot}
     * is still valid, or it was never written and comes back zero-filled when {@code toSlot} is −1).
     */
    record PageEvicted(int pid, long vaddr, long pfn, boolean dirty, int toSlot, Eviction why) implements ProcessEvent {
        @Override
        public String text() {
            String what = dirty ? "dirty, written back to swap slot " + toSlot
                    : toSlot >= 0 ? "clean, dropped (swap slot " + toSlot + " holds its copy)"
                    : "clean, dropped (never written: zero-filled when touched again)";
            return "page " + Addresses.hex(vaddr) + " of process " + pid + " evicted from frame " + Addresses.hex(pfn)
                    + " (" + why + "): " + what;
        }
    }

    /** The replacement policy tested and cleared the Accessed bit of the page at {@code vaddr} of process {@code pid}. */
    record AccessedTested(int pid, long vaddr, boolean wasSet) implements ProcessEvent {
        @Override
        public String text() {
            return "A bit of page " + Addresses.hex(vaddr) + " of process " + pid + (wasSet ? " was set: cleared"
                    : " was clear");
        }
    }

    // ---------------------------------------------------------------- the kernel heap

    /**
     * What the kernel heap did. {@link HeapBlockAllocated} and {@link HeapBlockFreed} change the
     * set of blocks in use (a block is its caller's address and the bytes asked for); the others
     * are the steps of K&amp;R's algorithm on the way, which change no block in use.
     */
    sealed interface HeapEvent extends KernelEvent {
    }

    /** The heap handed out the block at {@code vaddr} (the caller's address, after its header), asked for {@code bytes}. */
    record HeapBlockAllocated(long vaddr, long bytes) implements HeapEvent {
        @Override
        public String text() {
            return "heap block " + Addresses.hex(vaddr) + " (" + bytes + " bytes) handed out";
        }
    }

    /** The block at {@code vaddr}, asked for {@code bytes}, went back to the heap. */
    record HeapBlockFreed(long vaddr, long bytes) implements HeapEvent {
        @Override
        public String text() {
            return "heap block " + Addresses.hex(vaddr) + " (" + bytes + " bytes) given back";
        }
    }

    /**
     * morecore kmmapped {@code pages} pages at {@code chunkVaddr}; the {@code first} chunk also
     * holds the list head, base, in its first unit.
     */
    record HeapMorecore(long chunkVaddr, long pages, boolean first) implements HeapEvent {
        @Override
        public String text() {
            return "morecore: kmmap(" + pages + " pages) = " + Addresses.hex(chunkVaddr)
                    + (first ? ", the first chunk; base (the list head) at " + Addresses.hex(chunkVaddr) : "");
        }
    }

    /** morecore could not kmmap {@code pages} pages, for the reason {@code why}. */
    record HeapMorecoreFailed(long pages, String why) implements HeapEvent {
        @Override
        public String text() {
            return "morecore: kmmap(" + pages + " pages) failed: " + why;
        }
    }

    /** The free block at {@code blockVaddr} (its header) keeps {@code unitsLeft} units and hands out its last {@code unitsHandedOut}. */
    record HeapSplit(long blockVaddr, int unitsLeft, int unitsHandedOut) implements HeapEvent {
        @Override
        public String text() {
            return "split the free block at " + Addresses.hex(blockVaddr) + ": " + unitsLeft + " units stay free, the last "
                    + unitsHandedOut + " are handed out";
        }
    }

    /**
     * The block being freed, header at {@code blockVaddr}, merged with the free block at
     * {@code neighbourVaddr} that touches it: the one after it, or ({@code intoPrevious}) the one
     * before it, which then holds both.
     */
    record HeapMerged(long blockVaddr, long neighbourVaddr, boolean intoPrevious) implements HeapEvent {
        @Override
        public String text() {
            return intoPrevious
                    ? "merged " + Addresses.hex(blockVaddr) + " into the free block before it at " + Addresses.hex(neighbourVaddr)
                    : "merged " + Addresses.hex(blockVaddr) + " with the free block after it at " + Addresses.hex(neighbourVaddr);
        }
    }

    /** The chunk at {@code chunkVaddr} of {@code pages} pages was all free and was kunmapped: {@code frames} frames went back. */
    record HeapChunkReleased(long chunkVaddr, long pages, long frames) implements HeapEvent {
        @Override
        public String text() {
            return "chunk " + Addresses.hex(chunkVaddr) + " (" + pages + " pages) is all free: kunmap, " + frames
                    + " frame(s) back to the allocator";
        }
    }

    /** The free block at {@code blockVaddr} of {@code blockBytes} gave back the frames of {@code pages} whole pages inside it. */
    record HeapPagesReleased(long blockVaddr, long blockBytes, long pages) implements HeapEvent {
        @Override
        public String text() {
            return "free block " + Addresses.hex(blockVaddr) + " spans " + blockBytes + " bytes: " + pages
                    + " whole page(s) inside it unmapped, frames back to the allocator";
        }
    }

    /** {@code pages} pages given back earlier, the first at {@code firstVaddr}, were mapped again for a block. */
    record HeapPagesMappedAgain(long firstVaddr, long pages) implements HeapEvent {
        @Override
        public String text() {
            return "mapped " + pages + " page(s) again from " + Addresses.hex(firstVaddr);
        }
    }

    /** No frame was left to map the page at {@code pageVaddr} again: the allocation fails, nothing changed. */
    record HeapMapAgainFailed(long pageVaddr) implements HeapEvent {
        @Override
        public String text() {
            return "no frame to map " + Addresses.hex(pageVaddr) + " again: kmalloc fails";
        }
    }

    /** krealloc resized the block at {@code vaddr} where it is, from {@code bytesBefore} to {@code bytesAfter}. */
    record HeapResizedInPlace(long vaddr, long bytesBefore, long bytesAfter) implements HeapEvent {
        @Override
        public String text() {
            return "krealloc " + Addresses.hex(vaddr) + ": " + bytesBefore + " -> " + bytesAfter + " bytes in place";
        }
    }

    /** krealloc moved the block at {@code fromVaddr} to {@code toVaddr}, copying {@code bytesCopied}. */
    record HeapMoved(long fromVaddr, long toVaddr, long bytesCopied) implements HeapEvent {
        @Override
        public String text() {
            return "krealloc " + Addresses.hex(fromVaddr) + ": moved to " + Addresses.hex(toVaddr) + ", " + bytesCopied
                    + " bytes copied";
        }
    }

    /**
     * kmallocAligned took a larger block and freed its first {@code unitsInFront} units so that
     * the block starts at {@code vaddr}, a multiple of {@code alignment}.
     */
    record HeapAligned(long vaddr, long alignment, int unitsInFront) implements HeapEvent {
        @Override
        public String text() {
            return "kmallocAligned: " + Addresses.hex(vaddr) + " aligned to " + alignment + ", " + unitsInFront
                    + " units in front given back";
        }
    }
}
