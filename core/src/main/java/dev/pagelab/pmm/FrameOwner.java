package dev.pagelab.pmm;

/**
 * Who holds a physical frame. The boot knows the first seven; the frame allocators of
 * {@code pmm} start from the {@link #FREE} frames, and the kernel's accounting adds the rest as
 * frames are handed out.
 */
public enum FrameOwner {
    /** Usable memory nobody holds: the free pool. */
    FREE("free", '.'),
    /** Not usable in the firmware's map (reserved, ACPI, bad), wholly or in part. */
    FIRMWARE("firmware", 'F'),
    /** Not mentioned by the map at all: a hole in the physical address space. */
    NOT_IN_MAP("not in map", ' '),
    /** The kernel image, [kernel_physical_start, kernel_physical_end). */
    KERNEL_IMAGE("kernel image", 'K'),
    /** A boot module. */
    MODULE("module", 'M'),
    /** The Multiboot information structure and everything it points to. */
    BOOT_INFORMATION("boot information", 'B'),
    /** The low memory the kernel keeps out of the pool: the first MiB, or page 0 alone. */
    LOW_MEMORY("low memory", 'L'),
    /** Frames a frame allocator took from the pool for its own metadata (a bitmap, lists). */
    ALLOCATOR_METADATA("allocator metadata", 'A'),
    /** Handed out by the frame allocator, for no purpose recorded yet. */
    ALLOCATED("allocated", '#'),
    /** A page directory or page table. */
    PAGE_TABLE("page table", 'P'),
    /** Frames behind the kernel heap. */
    HEAP("heap", 'H'),
    /** The kernel's own structures in frames it took at run time: the page-range bitmaps, kmmap'd memory. */
    KERNEL_DATA("kernel data", 'D'),
    /** A process's page (the accounting keeps which process). */
    PROCESS("process", 'U');

    private final String label;
    private final char symbol;

    FrameOwner(String label, char symbol) {
        this.label = label;
        this.symbol = symbol;
    }

    /** A short name for reports. */
    public String label() {
        return label;
    }

    /** One character for memory pictures. */
    public char symbol() {
        return symbol;
    }

    /**
     * Whether frames of this owner were handed out by the frame allocator (allocated, page
     * table, heap, kernel data, process), as opposed to kept at boot or free.
     */
    public boolean isHandedOut() {
        return this == ALLOCATED || this == PAGE_TABLE || this == HEAP || this == KERNEL_DATA || this == PROCESS;
    }
}
