package dev.pagelab.scenario;

import dev.pagelab.pmm.FrameOwner;
import dev.pagelab.proc.Region;
import java.lang.reflect.RecordComponent;
import java.util.List;
import java.util.Set;

/**
 * What a step does: one call into the kernel (or a look at it), as the reader made it from the
 * file. A step's name in a scenario file is its record's name with a small first letter:
 * {@code kmalloc}, {@code allocFrame}, {@code mapPage}, as the seeds name the C functions.
 * Everything else about a kind of step (its arguments, its result, how it runs) is its entry in
 * the {@link StepCatalog}.
 */
public sealed interface Op {
    /** The step's name in a scenario file: {@code mapPage}. */
    default String name() {
        return StepCatalog.of(this).name();
    }

    /**
     * The step as one line of text: {@code mapPage 0x00400000 frame $page user}; by default
     * its name and its arguments, as the file wrote them.
     */
    default String describe() {
        StringBuilder out = new StringBuilder(name());
        for (RecordComponent c : getClass().getRecordComponents()) {
            try {
                out.append(' ').append(c.getAccessor().invoke(this));
            } catch (ReflectiveOperationException e) {
                throw new IllegalStateException("describe: cannot read " + c.getName() + " of " + name(), e);
            }
        }
        return out.toString();
    }

    /** What {@code as:} names, or null when the step gives no number (its kind in the {@link StepCatalog} says). */
    default Quantity result() {
        return StepCatalog.of(this).resultOf(this);
    }

    /** The fields its result reports beyond the {@linkplain Field#COMMON common} ones (its kind says). */
    default Set<Field> fields() {
        return StepCatalog.of(this).fieldsOf(this);
    }

    // ---------------------------------------------------------------- the kernel heap

    /** {@code kmalloc(bytes)}: a block of the kernel heap, or NULL. */
    record Kmalloc(Value bytes) implements HeapAllocation {
    }

    /** {@code kcalloc(count, size)}: a zeroed block of {@code count * size} bytes, or NULL. */
    record Kcalloc(Value count, Value size) implements HeapAllocation {
        @Override
        public String describe() {
            return "kcalloc " + count + " x " + size;
        }
    }

    /** {@code krealloc(vaddr, bytes)}: the block moved or resized, or NULL with the old one untouched. */
    record Krealloc(Value vaddr, Value bytes) implements HeapAllocation {
        @Override
        public String describe() {
            return "krealloc " + vaddr + " to " + bytes;
        }
    }

    /** {@code kmallocAligned(bytes, alignment)}: a block whose address is a multiple of {@code alignment}. */
    record KmallocAligned(Value bytes, Value alignment) implements HeapAllocation {
        @Override
        public String describe() {
            return "kmallocAligned " + bytes + " aligned " + alignment;
        }
    }

    /** A step that returns a heap block's address. */
    sealed interface HeapAllocation extends Op {
    }

    /** {@code kfree(vaddr)}. */
    record Kfree(Value vaddr) implements Op {
    }

    // ---------------------------------------------------------------- kmmap

    /** {@code kmmap(bytes)}: whole pages of fresh kernel memory. */
    record Kmmap(Value bytes) implements Op {
    }

    /** {@code kunmap(vaddr)}: gives back a kmmap block; the result is the pages freed. */
    record Kunmap(Value vaddr) implements Op {
    }

    // ---------------------------------------------------------------- frames

    /** {@code allocFrame()}: one frame, recorded as held by {@code owner}. */
    record AllocFrame(FrameOwner owner) implements Op {
        @Override
        public String describe() {
            return "allocFrame" + (owner == FrameOwner.ALLOCATED ? "" : " for " + owner.label());
        }
    }

    /** {@code freeFrame(frame)}. */
    record FreeFrame(Value frame) implements Op {
    }

    // ---------------------------------------------------------------- page tables

    /** {@code mapPage(vaddr, frame, flags)}: P, and R/W and U/S as asked. */
    record MapPage(Value vaddr, Value frame, boolean writable, boolean user) implements Op {
        @Override
        public String describe() {
            return "mapPage " + vaddr + " frame " + frame + rights(writable, user);
        }
    }

    /** {@code unmapPage(vaddr)}: the result is the frame it mapped, which stays allocated. */
    record UnmapPage(Value vaddr) implements Op {
    }

    /** {@code updateFlags(vaddr, flags)}: new rights for a mapped page. */
    record UpdateFlags(Value vaddr, boolean writable, boolean user) implements Op {
        @Override
        public String describe() {
            return "updateFlags " + vaddr + rights(writable, user);
        }
    }

    /** {@code getFrameAddr(vaddr)}: the kernel's software walk; the result is the physical address. */
    record GetFrameAddr(Value vaddr) implements Op {
    }

    // ---------------------------------------------------------------- the CPU

    /**
     * A read through the MMU at CPL 0, or 3 with {@code user}: a 1, 2 or 4-byte value, or
     * {@code length} bytes shown as text when {@code length > 0}.
     */
    record Read(Value vaddr, int size, int length, boolean user, String process) implements Op {
        @Override
        public String describe() {
            if (process != null) {
                return "read " + vaddr + " in " + process;
            }
            return "read " + vaddr + (length > 0 ? " " + length + " bytes" : size == 4 ? "" : " size " + size)
                    + (user ? " user" : "");
        }
    }

    /**
     * A write through the MMU of a 1, 2 or 4-byte {@code value}, or of the bytes of {@code string};
     * with {@code process}, one byte written by that process through the kernel.
     */
    record Write(Value vaddr, Value value, int size, String string, boolean user, String process) implements Op {
        @Override
        public String describe() {
            if (process != null) {
                return "write " + vaddr + " " + value + " in " + process;
            }
            return "write " + vaddr + (string != null ? " \"" + string + "\"" : " " + value
                    + (size == 4 ? "" : " size " + size)) + (user ? " user" : "");
        }
    }

    /**
     * Every step of the MMU's walk for {@code vaddr}, and what each access would do; changes
     * nothing. With {@code process}, the walk in that process's directory, loaded or not.
     */
    record Explain(Value vaddr, String process) implements Op {
        @Override
        public String describe() {
            return "explain " + vaddr + (process == null ? "" : " in " + process);
        }
    }

    /** The INVLPG instruction: drops the TLB's entry for {@code vaddr}'s page. */
    record Invlpg(Value vaddr) implements Op {
    }

    /** The lesson switch: mapPage, unmapPage and updateFlags skip their INVLPG while it is on. */
    record SkipInvlpg(boolean skip) implements Op {
    }

    // ---------------------------------------------------------------- processes

    /**
     * {@link dev.pagelab.proc.Processes#spawn}: a process with its own page directory and these
     * regions, placed in order from 0x1000; nothing is mapped until touched. The result is its pid.
     *
     * @param process its name (the step's own name is {@link #name()})
     * @param size its size for proportional and priority allocation, or -1 for its regions' pages
     */
    record Spawn(String process, long priority, long size, List<Region.Spec> regions) implements Op {
        public Spawn {
            regions = List.copyOf(regions);
        }

        @Override
        public String describe() {
            StringBuilder out = new StringBuilder("spawn " + process + " (");
            for (Region.Spec r : regions) {
                out.append(r.name()).append(' ').append(r.pages()).append(r.writable() ? " rw" : " ro").append(", ");
            }
            out.append("priority ").append(priority);
            return out.append(size < 0 ? "" : ", size " + size).append(')').toString();
        }
    }

    /** {@link dev.pagelab.proc.Processes#exit}: the process ends; its frames, tables and slots go back. */
    record Exit(String process) implements Op {
    }

    /** {@link dev.pagelab.proc.Processes#switchTo}: CR3 gets the process's directory. */
    record Switch(String process) implements Op {
    }

    /** A reference of {@code process} to {@code vaddr} that moves no data, through the kernel (faults handled). */
    record Access(String process, Value vaddr, boolean write) implements Op {
        @Override
        public String describe() {
            return "access " + vaddr + (write ? " (write)" : "") + " in " + process;
        }
    }

    /** {@link dev.pagelab.proc.Processes#tick}: every pool's policy ticks (NRU clears A, aging shifts, WS trims). */
    record Tick() implements Op {
    }

    /** The processes as the kernel keeps them, or one of them: regions, pages, PTEs, swap slots, counts. */
    record Ps(String process) implements Op {
        @Override
        public String describe() {
            return "ps" + (process == null ? "" : " " + process);
        }
    }

    // ---------------------------------------------------------------- looking

    /**
     * A report of the kernel's state at this point.
     *
     * @param label       a title for it, or null
     * @param parts       what to show
     * @param bitmapFrom  the first page of the page-range bitmap to draw
     * @param bitmapPages how many pages of it to draw
     */
    record Snapshot(String label, Set<Part> parts, Value bitmapFrom, int bitmapPages) implements Op {
        /** What a snapshot can show. */
        public enum Part {
            /** Frames by owner and the allocator's free count. */
            FRAMES,
            /** The page tables as Linux's page-table dump shows them. */
            ADDRESS_SPACE,
            /** Seed 004's two bits a page, from {@code bitmapFrom}. */
            PAGES_BITMAP,
            /** The heap's statistics and blocks (once a step has used the heap). */
            HEAP,
            /** The MMU's counters and the TLB. */
            MMU
        }

        @Override
        public String describe() {
            return "snapshot" + (label == null ? "" : " \"" + label + "\"");
        }
    }

    /** Runs the kernel's invariant checks now. */
    record Check() implements Op {
    }

    private static String rights(boolean writable, boolean user) {
        return (writable ? " writable" : " read-only") + (user ? " user" : "");
    }
}
