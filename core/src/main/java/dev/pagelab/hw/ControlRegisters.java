package dev.pagelab.hw;

/**
 * The paging registers of one processor at one moment, for observers: what a debugger's
 * {@code info registers} shows of them.
 *
 * @param cr0 CR0 (PE bit 0, WP bit 16, PG bit 31)
 * @param cr2 CR2, the linear address of the last page fault
 * @param cr3 CR3, the page directory's physical address in bits 31:12
 * @param cr4 CR4 (PSE bit 4, PGE bit 7)
 * @param cpl the current privilege level, 0 to 3
 */
public record ControlRegisters(long cr0, long cr2, long cr3, long cr4, int cpl) {
    /** The registers of {@code mmu} now. */
    public static ControlRegisters of(Mmu mmu) {
        return new ControlRegisters(mmu.cr0(), mmu.cr2(), mmu.cr3(), mmu.cr4(), mmu.cpl());
    }

    /** Whether CR0.PG is set. */
    public boolean pagingEnabled() {
        return (cr0 & Mmu.CR0_PG) != 0;
    }

    /** Whether CR4.PSE is set: a directory entry with PS=1 maps 4 MiB. */
    public boolean largePagesEnabled() {
        return (cr4 & Mmu.CR4_PSE) != 0;
    }

    /** The page directory's physical address: CR3 without its low flag bits. */
    public long directoryPaddr() {
        return cr3 & ~Addresses.PAGE_OFFSET_MASK;
    }
}
